//! Reports, their typed values (with unit, regime and period copied in so a
//! roll-up is one indexed GROUP BY), the audit of every value change, the
//! status history, and the stash that keeps a rejected submission's input.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Regime {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RegimeVersion {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Report {
    Table,
    Id,
    RegimeId,
    RegimeVersionId,
    UnitId,
    PeriodKey,
    Status,
    RowVersion,
    Narrative,
    Explanations,
    WindowExceptionUntil,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    UpdatedBy,
    SentAt,
    SentBy,
    OnTime,
    ApprovedAt,
    ApprovedBy,
    ReviewedAt,
    ReviewedBy,
    ReturnReason,
}

#[derive(DeriveIden)]
enum ReportValue {
    Table,
    Id,
    ReportId,
    IndicatorId,
    Part,
    Num,
    Txt,
    Comment,
    UnitId,
    RegimeId,
    PeriodKey,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum ValueAudit {
    Table,
    Id,
    ReportId,
    IndicatorId,
    Part,
    At,
    UserId,
    OldValue,
    NewValue,
    Source,
}

#[derive(DeriveIden)]
enum ReportEvent {
    Table,
    Id,
    ReportId,
    At,
    UserId,
    FromStatus,
    ToStatus,
    Note,
}

#[derive(DeriveIden)]
enum FormStash {
    Table,
    Id,
    ReportId,
    CreatedAt,
    Payload,
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // SQLite runs DDL in transactions too: a kill during an upgrade leaves
    // the old schema, never half of the new one.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Report::Table)
                .col(pk_auto(Report::Id))
                .col(integer(Report::RegimeId))
                .col(integer(Report::RegimeVersionId))
                .col(integer(Report::UnitId))
                .col(string_len(Report::PeriodKey, 32))
                .col(string_len(Report::Status, 20))
                .col(integer(Report::RowVersion))
                .col(text(Report::Narrative))
                .col(text(Report::Explanations))
                .col(date_null(Report::WindowExceptionUntil))
                .col(timestamp_with_time_zone(Report::CreatedAt))
                .col(integer_null(Report::CreatedBy))
                .col(timestamp_with_time_zone(Report::UpdatedAt))
                .col(integer_null(Report::UpdatedBy))
                .col(timestamp_with_time_zone_null(Report::SentAt))
                .col(integer_null(Report::SentBy))
                .col(boolean_null(Report::OnTime))
                .col(timestamp_with_time_zone_null(Report::ApprovedAt))
                .col(integer_null(Report::ApprovedBy))
                .col(timestamp_with_time_zone_null(Report::ReviewedAt))
                .col(integer_null(Report::ReviewedBy))
                .col(text_null(Report::ReturnReason))
                .foreign_key(&mut fk((Report::Table, Report::RegimeId), (Regime::Table, Regime::Id)))
                .foreign_key(&mut fk((Report::Table, Report::RegimeVersionId), (RegimeVersion::Table, RegimeVersion::Id)))
                .foreign_key(&mut fk((Report::Table, Report::UnitId), (OrgUnit::Table, OrgUnit::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_report_regime_unit_period")
                .table(Report::Table)
                .col(Report::RegimeId)
                .col(Report::UnitId)
                .col(Report::PeriodKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_report_unit").table(Report::Table).col(Report::UnitId).col(Report::PeriodKey).to_owned()).await?;
        m.create_index(
            Index::create().name("ix_report_period").table(Report::Table).col(Report::RegimeId).col(Report::PeriodKey).col(Report::Status).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportValue::Table)
                .col(big_pk_auto(ReportValue::Id))
                .col(integer(ReportValue::ReportId))
                .col(integer(ReportValue::IndicatorId))
                .col(string_len(ReportValue::Part, 30))
                .col(big_integer_null(ReportValue::Num))
                .col(text_null(ReportValue::Txt))
                .col(text(ReportValue::Comment))
                .col(integer(ReportValue::UnitId))
                .col(integer(ReportValue::RegimeId))
                .col(string_len(ReportValue::PeriodKey, 32))
                .col(timestamp_with_time_zone(ReportValue::UpdatedAt))
                .col(integer_null(ReportValue::UpdatedBy))
                .foreign_key(&mut fk((ReportValue::Table, ReportValue::ReportId), (Report::Table, Report::Id)))
                .foreign_key(&mut fk((ReportValue::Table, ReportValue::IndicatorId), (Indicator::Table, Indicator::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_report_value_cell")
                .table(ReportValue::Table)
                .col(ReportValue::ReportId)
                .col(ReportValue::IndicatorId)
                .col(ReportValue::Part)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_report_value_rollup")
                .table(ReportValue::Table)
                .col(ReportValue::IndicatorId)
                .col(ReportValue::PeriodKey)
                .col(ReportValue::UnitId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_report_value_unit")
                .table(ReportValue::Table)
                .col(ReportValue::UnitId)
                .col(ReportValue::RegimeId)
                .col(ReportValue::PeriodKey)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ValueAudit::Table)
                .col(big_pk_auto(ValueAudit::Id))
                .col(integer(ValueAudit::ReportId))
                .col(integer(ValueAudit::IndicatorId))
                .col(string_len(ValueAudit::Part, 30))
                .col(timestamp_with_time_zone(ValueAudit::At))
                .col(integer_null(ValueAudit::UserId))
                .col(text_null(ValueAudit::OldValue))
                .col(text_null(ValueAudit::NewValue))
                .col(string_len(ValueAudit::Source, 10))
                .foreign_key(&mut fk((ValueAudit::Table, ValueAudit::ReportId), (Report::Table, Report::Id)))
                .foreign_key(&mut fk((ValueAudit::Table, ValueAudit::UserId), (AppUser::Table, AppUser::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_value_audit_report").table(ValueAudit::Table).col(ValueAudit::ReportId).col(ValueAudit::At).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportEvent::Table)
                .col(big_pk_auto(ReportEvent::Id))
                .col(integer(ReportEvent::ReportId))
                .col(timestamp_with_time_zone(ReportEvent::At))
                .col(integer_null(ReportEvent::UserId))
                .col(string_len(ReportEvent::FromStatus, 20))
                .col(string_len(ReportEvent::ToStatus, 20))
                .col(text(ReportEvent::Note))
                .foreign_key(&mut fk((ReportEvent::Table, ReportEvent::ReportId), (Report::Table, Report::Id)))
                .foreign_key(&mut fk((ReportEvent::Table, ReportEvent::UserId), (AppUser::Table, AppUser::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_report_event_report").table(ReportEvent::Table).col(ReportEvent::ReportId).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(FormStash::Table)
                .col(string_len(FormStash::Id, 64).primary_key())
                .col(integer(FormStash::ReportId))
                .col(timestamp_with_time_zone(FormStash::CreatedAt))
                .col(text(FormStash::Payload))
                .foreign_key(&mut fk((FormStash::Table, FormStash::ReportId), (Report::Table, Report::Id)))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            FormStash::Table.into_iden(),
            ReportEvent::Table.into_iden(),
            ValueAudit::Table.into_iden(),
            ReportValue::Table.into_iden(),
            Report::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
