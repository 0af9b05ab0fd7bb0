//! Org units, accounts, sessions, sign-in throttling and the security audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
    Code,
    Name,
    ShortName,
    Kind,
    ParentId,
    SortOrder,
    Active,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Username,
    FullName,
    PasswordHash,
    Role,
    UnitId,
    Active,
    MustChangePassword,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    UserId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    ClientAddr,
    UserAgent,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    WindowStart,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    At,
    ActorId,
    Action,
    Target,
    Detail,
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
                .table(OrgUnit::Table)
                .col(pk_auto(OrgUnit::Id))
                .col(string_len_uniq(OrgUnit::Code, 32))
                .col(string_len(OrgUnit::Name, 200))
                .col(string_len(OrgUnit::ShortName, 100))
                .col(string_len(OrgUnit::Kind, 20))
                .col(integer_null(OrgUnit::ParentId))
                .col(integer(OrgUnit::SortOrder).default(0))
                .col(boolean(OrgUnit::Active).default(true))
                .foreign_key(ForeignKey::create().from(OrgUnit::Table, OrgUnit::ParentId).to(OrgUnit::Table, OrgUnit::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_org_unit_parent").table(OrgUnit::Table).col(OrgUnit::ParentId).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(AppUser::Table)
                .col(pk_auto(AppUser::Id))
                .col(string_len_uniq(AppUser::Username, 50))
                .col(string_len(AppUser::FullName, 100))
                .col(string_len(AppUser::PasswordHash, 200))
                .col(string_len(AppUser::Role, 20))
                .col(integer(AppUser::UnitId))
                .col(boolean(AppUser::Active).default(true))
                .col(boolean(AppUser::MustChangePassword).default(false))
                .col(timestamp_with_time_zone(AppUser::CreatedAt))
                .col(timestamp_with_time_zone(AppUser::UpdatedAt))
                .foreign_key(ForeignKey::create().from(AppUser::Table, AppUser::UnitId).to(OrgUnit::Table, OrgUnit::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_app_user_unit").table(AppUser::Table).col(AppUser::UnitId).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(string_len(Session::Id, 64).primary_key())
                .col(integer(Session::UserId))
                .col(string_len(Session::CsrfToken, 64))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::LastSeenAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .col(string_len(Session::ClientAddr, 64))
                .col(string_len(Session::UserAgent, 300))
                .foreign_key(
                    ForeignKey::create().from(Session::Table, Session::UserId).to(AppUser::Table, AppUser::Id).on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_session_user").table(Session::Table).col(Session::UserId).to_owned()).await?;
        m.create_index(Index::create().name("ix_session_expires").table(Session::Table).col(Session::ExpiresAt).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(string_len(LoginThrottle::Key, 200).primary_key())
                .col(integer(LoginThrottle::Failures))
                .col(timestamp_with_time_zone(LoginThrottle::WindowStart))
                .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvent::Table)
                .col(big_pk_auto(AuditEvent::Id))
                .col(timestamp_with_time_zone(AuditEvent::At))
                .col(integer_null(AuditEvent::ActorId))
                .col(string_len(AuditEvent::Action, 50))
                .col(string_len(AuditEvent::Target, 200))
                .col(text(AuditEvent::Detail))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_audit_event_at").table(AuditEvent::Table).col(AuditEvent::At).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditEvent::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            Session::Table.into_iden(),
            AppUser::Table.into_iden(),
            OrgUnit::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
