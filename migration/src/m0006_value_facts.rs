//! What a stored figure knows about itself, so a roll-up is one indexed
//! GROUP BY over `report_value` without joining every row to its report:
//! - `delivery`: whether its report counts (0 still in the unit, 1 sent,
//!   2 accepted), kept up to date in the transaction that changes the
//!   report's status;
//! - `period_year`, `frequency`, `ordinal`: the period, so months fold into
//!   quarters and years without parsing keys;
//! - `scale`: the indicator's decimal places when it was stored;
//! - `invalid`: text a clerk typed that could not be read as a figure, kept
//!   as typed in `txt` (a draft loses nothing) and never counted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportValue {
    Table,
    IndicatorId,
    UnitId,
    Part,
    Num,
    Invalid,
    Delivery,
    PeriodYear,
    Frequency,
    Ordinal,
    Scale,
    PeriodKey,
}

const INDEX: &str = "ix_report_value_cover";
/// The roll-up index of m0003 (indicator, period key, unit), superseded.
const OLD_INDEX: &str = "ix_report_value_rollup";

async fn backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    db.execute_unprepared(
        "UPDATE report_value SET delivery = CASE (SELECT status FROM report WHERE report.id = report_value.report_id) \
         WHEN 'da_gui' THEN 1 WHEN 'da_tiep_nhan' THEN 2 ELSE 0 END",
    )
    .await?;
    db.execute_unprepared(
        "UPDATE report_value SET scale = (SELECT CASE WHEN indicator.value_type IN ('so_thap_phan', 'ty_le') THEN indicator.scale ELSE 0 END \
         FROM indicator WHERE indicator.id = report_value.indicator_id)",
    )
    .await?;
    let keys = db.query_all_raw(Statement::from_string(backend, "SELECT DISTINCT period_key FROM report_value")).await?;
    for row in keys {
        let key: String = row.try_get("", "period_key")?;
        let Ok(p) = domain::period::Period::parse_key(&key) else { continue };
        let sql = if backend == DbBackend::Postgres {
            "UPDATE report_value SET period_year = $1, frequency = $2, ordinal = $3 WHERE period_key = $4"
        } else {
            "UPDATE report_value SET period_year = ?, frequency = ?, ordinal = ? WHERE period_key = ?"
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [p.year().into(), p.frequency().code().into(), (p.ordinal() as i32).into(), key.clone().into()],
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let add = |c: ColumnDef| Table::alter().table(ReportValue::Table).add_column(c).to_owned();
        m.alter_table(add(boolean(ReportValue::Invalid).default(false).to_owned())).await?;
        m.alter_table(add(small_integer(ReportValue::Delivery).default(0).to_owned())).await?;
        m.alter_table(add(integer(ReportValue::PeriodYear).default(0).to_owned())).await?;
        m.alter_table(add(string_len(ReportValue::Frequency, 12).default("").to_owned())).await?;
        m.alter_table(add(small_integer(ReportValue::Ordinal).default(0).to_owned())).await?;
        m.alter_table(add(small_integer(ReportValue::Scale).default(0).to_owned())).await?;
        backfill(m).await?;
        m.drop_index(Index::drop().name(OLD_INDEX).table(ReportValue::Table).to_owned()).await?;
        // Covers a roll-up: filter by indicator, year, frequency and delivery,
        // group by unit, ordinal and part, sum the number — no table lookup.
        m.create_index(
            Index::create()
                .name(INDEX)
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

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(INDEX).table(ReportValue::Table).to_owned()).await?;
        m.create_index(
            Index::create()
                .name(OLD_INDEX)
                .table(ReportValue::Table)
                .col(ReportValue::IndicatorId)
                .col(ReportValue::PeriodKey)
                .col(ReportValue::UnitId)
                .to_owned(),
        )
        .await?;
        for c in
            [ReportValue::Scale, ReportValue::Ordinal, ReportValue::Frequency, ReportValue::PeriodYear, ReportValue::Delivery, ReportValue::Invalid]
        {
            m.alter_table(Table::alter().table(ReportValue::Table).drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
