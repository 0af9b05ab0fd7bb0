//! Aggregation and the 50 % target:
//! - the roll-up index now carries the regime, so the double-reporting rule
//!   (one authoritative regime per unit, indicator and period) is decided
//!   from the index alone; it replaces m0006's covering index, which had the
//!   same columns without the regime;
//! - `digital_target`: the share of provincial statistical indicators to be
//!   provided as digital data, per year, set by the administrator
//!   (per mille: 500 = 50 %);
//! - `key_indicator`: the indicators the administrator puts on the leaders'
//!   dashboard, in order.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportValue {
    Table,
    IndicatorId,
    PeriodYear,
    Delivery,
    UnitId,
    RegimeId,
    Frequency,
    Ordinal,
    Part,
    Num,
}

#[derive(DeriveIden)]
enum DigitalTarget {
    Table,
    Year,
    PerMille,
    SetBy,
    SetAt,
}

#[derive(DeriveIden)]
enum KeyIndicator {
    Table,
    IndicatorId,
    Position,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

const OLD: &str = "ix_report_value_cover";
const NEW: &str = "ix_report_value_rollup_regime";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(OLD).table(ReportValue::Table).to_owned()).await?;
        m.create_index(
            Index::create()
                .name(NEW)
                .table(ReportValue::Table)
                .col(ReportValue::IndicatorId)
                .col(ReportValue::PeriodYear)
                .col(ReportValue::Delivery)
                .col(ReportValue::UnitId)
                .col(ReportValue::RegimeId)
                .col(ReportValue::Frequency)
                .col(ReportValue::Ordinal)
                .col(ReportValue::Part)
                .col(ReportValue::Num)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DigitalTarget::Table)
                .col(integer(DigitalTarget::Year).primary_key())
                .col(integer(DigitalTarget::PerMille))
                .col(integer_null(DigitalTarget::SetBy))
                .col(timestamp_with_time_zone(DigitalTarget::SetAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DigitalTarget::Table, DigitalTarget::SetBy)
                        .to(AppUser::Table, AppUser::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(KeyIndicator::Table)
                .col(integer(KeyIndicator::IndicatorId).primary_key())
                .col(integer(KeyIndicator::Position))
                .foreign_key(
                    ForeignKey::create()
                        .from(KeyIndicator::Table, KeyIndicator::IndicatorId)
                        .to(Indicator::Table, Indicator::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(KeyIndicator::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(DigitalTarget::Table).to_owned()).await?;
        m.drop_index(Index::drop().name(NEW).table(ReportValue::Table).to_owned()).await?;
        m.create_index(
            Index::create()
                .name(OLD)
                .table(ReportValue::Table)
                .col(ReportValue::IndicatorId)
                .col(ReportValue::PeriodYear)
                .col(ReportValue::Frequency)
                .col(ReportValue::Delivery)
                .col(ReportValue::UnitId)
                .col(ReportValue::Ordinal)
                .col(ReportValue::Part)
                .col(ReportValue::Num)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
