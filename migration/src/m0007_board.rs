//! What the provincial office needs to run a reporting period:
//! - people's contacts (e-mail, telephone) for reminders and phone rounds;
//! - how many days before a deadline each regime reminds units;
//! - the reviewer's note on one row of a returned report;
//! - the office's actions (accept, return, reopen, exceptions), by unit;
//! - entry-window exceptions for a unit and period, even before a report exists;
//! - in-app notifications, each kept once per person by a key;
//! - the daily reminder run's lease (one server runs it once a day) and the
//!   record of each e-mail sent.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Email,
    Phone,
}

#[derive(DeriveIden)]
enum Regime {
    Table,
    Id,
    RemindDays,
}

#[derive(DeriveIden)]
enum Report {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReviewNote {
    Table,
    Id,
    ReportId,
    Cell,
    Note,
    At,
    UserId,
}

#[derive(DeriveIden)]
enum OfficeAction {
    Table,
    Id,
    At,
    UserId,
    UnitId,
    RegimeId,
    PeriodKey,
    ReportId,
    Kind,
    Note,
}

#[derive(DeriveIden)]
enum EntryException {
    Table,
    RegimeId,
    UnitId,
    PeriodKey,
    Until,
    GrantedBy,
    GrantedAt,
}

#[derive(DeriveIden)]
enum Notification {
    Table,
    Id,
    UserId,
    Kind,
    UnitId,
    ReportId,
    Text,
    Link,
    CreatedAt,
    ReadAt,
    Dedupe,
}

#[derive(DeriveIden)]
enum DailyRun {
    Table,
    Day,
    Owner,
    LeaseUntil,
    StartedAt,
    FinishedAt,
    Summary,
}

#[derive(DeriveIden)]
enum EmailLog {
    Table,
    Id,
    Day,
    UserId,
    Kind,
    Address,
    Subject,
    Status,
    Error,
    At,
}

/// The closed sets of codes of this migration's columns.
const ENUMS: &[(&str, &str, &[&str])] = &[
    ("office_action", "kind", &["tiep_nhan", "tra_lai", "mo_lai", "gia_han", "thu_hoi_gia_han"]),
    ("notification", "kind", &["sap_den_han", "den_han", "qua_han", "tra_lai", "tiep_nhan"]),
    ("email_log", "kind", &["don_vi", "van_phong"]),
    ("email_log", "status", &["dang_gui", "da_gui", "loi"]),
];

/// Same as m0005: CHECK constraints on PostgreSQL, triggers on SQLite.
async fn add_checks(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for (table, column, values) in ENUMS {
        crate::checks::add(m, table, column, values).await?;
    }
    Ok(())
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(AppUser::Table).add_column(string_len(AppUser::Email, 254).default("")).to_owned()).await?;
        m.alter_table(Table::alter().table(AppUser::Table).add_column(string_len(AppUser::Phone, 40).default("")).to_owned()).await?;
        m.alter_table(Table::alter().table(Regime::Table).add_column(integer(Regime::RemindDays).default(3)).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(ReviewNote::Table)
                .col(big_pk_auto(ReviewNote::Id))
                .col(integer(ReviewNote::ReportId))
                .col(string_len(ReviewNote::Cell, 80))
                .col(text(ReviewNote::Note))
                .col(timestamp_with_time_zone(ReviewNote::At))
                .col(integer_null(ReviewNote::UserId))
                .foreign_key(&mut fk((ReviewNote::Table, ReviewNote::ReportId), (Report::Table, Report::Id)))
                .foreign_key(&mut fk((ReviewNote::Table, ReviewNote::UserId), (AppUser::Table, AppUser::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_review_note_report").table(ReviewNote::Table).col(ReviewNote::ReportId).col(ReviewNote::At).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OfficeAction::Table)
                .col(big_pk_auto(OfficeAction::Id))
                .col(timestamp_with_time_zone(OfficeAction::At))
                .col(integer_null(OfficeAction::UserId))
                .col(integer(OfficeAction::UnitId))
                .col(integer(OfficeAction::RegimeId))
                .col(string_len(OfficeAction::PeriodKey, 32))
                .col(integer_null(OfficeAction::ReportId))
                .col(string_len(OfficeAction::Kind, 20))
                .col(text(OfficeAction::Note))
                .foreign_key(&mut fk((OfficeAction::Table, OfficeAction::UnitId), (OrgUnit::Table, OrgUnit::Id)))
                .foreign_key(&mut fk((OfficeAction::Table, OfficeAction::RegimeId), (Regime::Table, Regime::Id)))
                .foreign_key(&mut fk((OfficeAction::Table, OfficeAction::UserId), (AppUser::Table, AppUser::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_office_action_unit").table(OfficeAction::Table).col(OfficeAction::UnitId).col(OfficeAction::At).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EntryException::Table)
                .col(integer(EntryException::RegimeId))
                .col(integer(EntryException::UnitId))
                .col(string_len(EntryException::PeriodKey, 32))
                .col(date(EntryException::Until))
                .col(integer_null(EntryException::GrantedBy))
                .col(timestamp_with_time_zone(EntryException::GrantedAt))
                .primary_key(Index::create().col(EntryException::RegimeId).col(EntryException::UnitId).col(EntryException::PeriodKey))
                .foreign_key(&mut fk((EntryException::Table, EntryException::RegimeId), (Regime::Table, Regime::Id)))
                .foreign_key(&mut fk((EntryException::Table, EntryException::UnitId), (OrgUnit::Table, OrgUnit::Id)))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Notification::Table)
                .col(big_pk_auto(Notification::Id))
                .col(integer(Notification::UserId))
                .col(string_len(Notification::Kind, 20))
                .col(integer(Notification::UnitId))
                .col(integer_null(Notification::ReportId))
                .col(text(Notification::Text))
                .col(string_len(Notification::Link, 200))
                .col(timestamp_with_time_zone(Notification::CreatedAt))
                .col(timestamp_with_time_zone_null(Notification::ReadAt))
                .col(string_len(Notification::Dedupe, 200))
                .foreign_key(&mut fk((Notification::Table, Notification::UserId), (AppUser::Table, AppUser::Id)))
                .to_owned(),
        )
        .await?;
        // One notice per person and key: the daily run may run twice, or on two servers, and adds nothing the second time.
        m.create_index(
            Index::create()
                .name("ux_notification_once")
                .table(Notification::Table)
                .col(Notification::UserId)
                .col(Notification::Dedupe)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notification_unread")
                .table(Notification::Table)
                .col(Notification::UserId)
                .col(Notification::ReadAt)
                .col(Notification::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DailyRun::Table)
                .col(date(DailyRun::Day).primary_key())
                .col(string_len(DailyRun::Owner, 100))
                .col(timestamp_with_time_zone(DailyRun::LeaseUntil))
                .col(timestamp_with_time_zone(DailyRun::StartedAt))
                .col(timestamp_with_time_zone_null(DailyRun::FinishedAt))
                .col(text(DailyRun::Summary))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EmailLog::Table)
                .col(big_pk_auto(EmailLog::Id))
                .col(date(EmailLog::Day))
                .col(integer(EmailLog::UserId))
                .col(string_len(EmailLog::Kind, 20))
                .col(string_len(EmailLog::Address, 254))
                .col(text(EmailLog::Subject))
                .col(string_len(EmailLog::Status, 10))
                .col(text(EmailLog::Error))
                .col(timestamp_with_time_zone(EmailLog::At))
                .foreign_key(&mut fk((EmailLog::Table, EmailLog::UserId), (AppUser::Table, AppUser::Id)))
                .to_owned(),
        )
        .await?;
        // One digest of each kind per person and day, whichever server sends it.
        m.create_index(
            Index::create()
                .name("ux_email_log_once")
                .table(EmailLog::Table)
                .col(EmailLog::Day)
                .col(EmailLog::UserId)
                .col(EmailLog::Kind)
                .unique()
                .to_owned(),
        )
        .await?;
        add_checks(m).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // PostgreSQL's constraints go with their tables; SQLite's triggers on
        // tables that stay must be dropped.
        if m.get_connection().get_database_backend() != DbBackend::Postgres {
            for (table, column, _) in ENUMS {
                crate::checks::drop(m, table, column).await?;
            }
        }
        for t in [
            EmailLog::Table.into_iden(),
            DailyRun::Table.into_iden(),
            Notification::Table.into_iden(),
            EntryException::Table.into_iden(),
            OfficeAction::Table.into_iden(),
            ReviewNote::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Regime::Table).drop_column(Regime::RemindDays).to_owned()).await?;
        m.alter_table(Table::alter().table(AppUser::Table).drop_column(AppUser::Phone).to_owned()).await?;
        m.alter_table(Table::alter().table(AppUser::Table).drop_column(AppUser::Email).to_owned()).await?;
        Ok(())
    }
}
