//! The catalogue: breakdowns, indicators, report regimes with their
//! published versions, the units each version binds, and public holidays.

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
enum Breakdown {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum BreakdownPart {
    Table,
    Id,
    BreakdownId,
    Code,
    Name,
    SortOrder,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Id,
    Code,
    Name,
    Unit,
    ValueType,
    Scale,
    MinValue,
    MaxValue,
    Aggregation,
    Sector,
    OwnerUnitId,
    Statistical,
    BreakdownId,
    Method,
    Description,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Regime {
    Table,
    Id,
    Code,
    Name,
    Draft,
    CurrentVersion,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RegimeVersion {
    Table,
    Id,
    RegimeId,
    Version,
    PublishedAt,
    PublishedBy,
    Definition,
}

#[derive(DeriveIden)]
enum RegimeUnit {
    Table,
    RegimeVersionId,
    UnitId,
}

#[derive(DeriveIden)]
enum Holiday {
    Table,
    Day,
    Name,
}

#[derive(DeriveIden)]
enum ImportJob {
    Table,
    Id,
    UserId,
    Kind,
    FileName,
    CreatedAt,
    Applied,
    Summary,
    Problems,
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
                .table(Breakdown::Table)
                .col(pk_auto(Breakdown::Id))
                .col(string_len_uniq(Breakdown::Code, 30))
                .col(string_len(Breakdown::Name, 200))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BreakdownPart::Table)
                .col(pk_auto(BreakdownPart::Id))
                .col(integer(BreakdownPart::BreakdownId))
                .col(string_len(BreakdownPart::Code, 30))
                .col(string_len(BreakdownPart::Name, 200))
                .col(integer(BreakdownPart::SortOrder))
                .foreign_key(
                    ForeignKey::create()
                        .from(BreakdownPart::Table, BreakdownPart::BreakdownId)
                        .to(Breakdown::Table, Breakdown::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_breakdown_part_code")
                .table(BreakdownPart::Table)
                .col(BreakdownPart::BreakdownId)
                .col(BreakdownPart::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Indicator::Table)
                .col(pk_auto(Indicator::Id))
                .col(string_len_uniq(Indicator::Code, 20))
                .col(string_len(Indicator::Name, 300))
                .col(string_len(Indicator::Unit, 50))
                .col(string_len(Indicator::ValueType, 20))
                .col(small_integer(Indicator::Scale))
                .col(big_integer_null(Indicator::MinValue))
                .col(big_integer_null(Indicator::MaxValue))
                .col(string_len(Indicator::Aggregation, 20))
                .col(string_len(Indicator::Sector, 100))
                .col(integer_null(Indicator::OwnerUnitId))
                .col(boolean(Indicator::Statistical))
                .col(integer_null(Indicator::BreakdownId))
                .col(text(Indicator::Method))
                .col(text(Indicator::Description))
                .col(boolean(Indicator::Active))
                .col(timestamp_with_time_zone(Indicator::CreatedAt))
                .col(timestamp_with_time_zone(Indicator::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Indicator::Table, Indicator::OwnerUnitId).to(OrgUnit::Table, OrgUnit::Id))
                .foreign_key(ForeignKey::create().from(Indicator::Table, Indicator::BreakdownId).to(Breakdown::Table, Breakdown::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_indicator_sector").table(Indicator::Table).col(Indicator::Sector).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(Regime::Table)
                .col(pk_auto(Regime::Id))
                .col(string_len_uniq(Regime::Code, 30))
                .col(string_len(Regime::Name, 300))
                .col(text(Regime::Draft))
                .col(integer(Regime::CurrentVersion))
                .col(boolean(Regime::Active))
                .col(timestamp_with_time_zone(Regime::CreatedAt))
                .col(timestamp_with_time_zone(Regime::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RegimeVersion::Table)
                .col(pk_auto(RegimeVersion::Id))
                .col(integer(RegimeVersion::RegimeId))
                .col(integer(RegimeVersion::Version))
                .col(timestamp_with_time_zone(RegimeVersion::PublishedAt))
                .col(integer_null(RegimeVersion::PublishedBy))
                .col(text(RegimeVersion::Definition))
                .foreign_key(ForeignKey::create().from(RegimeVersion::Table, RegimeVersion::RegimeId).to(Regime::Table, Regime::Id))
                .foreign_key(ForeignKey::create().from(RegimeVersion::Table, RegimeVersion::PublishedBy).to(AppUser::Table, AppUser::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_regime_version")
                .table(RegimeVersion::Table)
                .col(RegimeVersion::RegimeId)
                .col(RegimeVersion::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RegimeUnit::Table)
                .col(integer(RegimeUnit::RegimeVersionId))
                .col(integer(RegimeUnit::UnitId))
                .primary_key(Index::create().col(RegimeUnit::RegimeVersionId).col(RegimeUnit::UnitId))
                .foreign_key(
                    ForeignKey::create()
                        .from(RegimeUnit::Table, RegimeUnit::RegimeVersionId)
                        .to(RegimeVersion::Table, RegimeVersion::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(ForeignKey::create().from(RegimeUnit::Table, RegimeUnit::UnitId).to(OrgUnit::Table, OrgUnit::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_regime_unit_unit").table(RegimeUnit::Table).col(RegimeUnit::UnitId).to_owned()).await?;

        m.create_table(Table::create().table(Holiday::Table).col(date(Holiday::Day).primary_key()).col(string_len(Holiday::Name, 200)).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(ImportJob::Table)
                .col(pk_auto(ImportJob::Id))
                .col(integer(ImportJob::UserId))
                .col(string_len(ImportJob::Kind, 30))
                .col(string_len(ImportJob::FileName, 255))
                .col(timestamp_with_time_zone(ImportJob::CreatedAt))
                .col(boolean(ImportJob::Applied))
                .col(text(ImportJob::Summary))
                .col(text(ImportJob::Problems))
                .foreign_key(ForeignKey::create().from(ImportJob::Table, ImportJob::UserId).to(AppUser::Table, AppUser::Id))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ImportJob::Table.into_iden(),
            Holiday::Table.into_iden(),
            RegimeUnit::Table.into_iden(),
            RegimeVersion::Table.into_iden(),
            Regime::Table.into_iden(),
            Indicator::Table.into_iden(),
            BreakdownPart::Table.into_iden(),
            Breakdown::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
