//! What the board, aggregation and correct forms need from the catalogue:
//! - the indicators a published version uses, as rows (who uses an
//!   indicator, what was expected of whom, become queries);
//! - the date each version takes effect;
//! - the national statistical code of an indicator, and how a rate is
//!   computed from two others;
//! - make-up working days beside holidays; yearly plans per indicator and unit;
//! - status and type columns that refuse values outside their sets;
//! - stored rule expressions rewritten to the current syntax (`;` between
//!   arguments, numbers read as a form cell reads them), once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, TryGetable};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Id,
    NationalCode,
    RateNumerator,
    RateDenominator,
}

#[derive(DeriveIden)]
enum Holiday {
    Table,
    Kind,
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
    EffectiveFrom,
}

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RegimeVersionIndicator {
    Table,
    RegimeVersionId,
    IndicatorId,
    Position,
}

#[derive(DeriveIden)]
enum RegimePlan {
    Table,
    Id,
    RegimeId,
    IndicatorId,
    UnitId,
    Year,
    Num,
    UpdatedAt,
    UpdatedBy,
}

/// The closed sets of codes, frozen as they are at this migration (a later
/// code needs a later migration that widens the set).
const ENUMS: &[(&str, &str, &[&str])] = &[
    ("report", "status", &["nhap", "cho_duyet", "da_gui", "da_tiep_nhan", "tra_lai"]),
    ("indicator", "value_type", &["so_nguyen", "so_thap_phan", "ty_le", "van_ban", "co_khong", "ngay"]),
    ("indicator", "aggregation", &["tong", "trung_binh", "nho_nhat", "lon_nhat", "cuoi_ky", "khong"]),
    ("app_user", "role", &["admin", "clerk", "unit_leader", "reviewer", "leader", "machine"]),
    ("org_unit", "kind", &["tinh", "nhom", "van_phong", "so_nganh", "nganh_doc", "xa", "phuong"]),
    ("holiday", "kind", &["nghi", "lam_bu"]),
    ("value_audit", "source", &["form", "excel", "api"]),
    ("report_text_audit", "source", &["form", "excel", "api"]),
];

async fn add_checks(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for (table, column, values) in ENUMS {
        crate::checks::add(m, table, column, values).await?;
    }
    Ok(())
}

async fn drop_checks(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for (table, column, _) in ENUMS {
        crate::checks::drop(m, table, column).await?;
    }
    Ok(())
}

fn get<T: TryGetable>(row: &sea_orm_migration::sea_orm::QueryResult, col: &str) -> Result<T, DbErr> {
    row.try_get("", col)
}

/// Rewrites every `rules[].expression` of a regime document (JSON) to the
/// current syntax; `None` when nothing changed.
fn rewrite_rules(json: &str) -> Result<Option<String>, DbErr> {
    let mut doc: serde_json::Value = serde_json::from_str(json).map_err(|e| DbErr::Migration(format!("regime document: {e}")))?;
    let mut changed = false;
    if let Some(rules) = doc.get_mut("rules").and_then(|r| r.as_array_mut()) {
        for rule in rules {
            let Some(old) = rule.get("expression").and_then(|e| e.as_str()).map(str::to_string) else { continue };
            let new = domain::rules::rewrite_legacy(&old).map_err(|e| DbErr::Migration(format!("rule «{old}»: {e}")))?;
            if new != old {
                rule["expression"] = serde_json::Value::String(new);
                changed = true;
            }
        }
    }
    if !changed {
        return Ok(None);
    }
    serde_json::to_string(&doc).map(Some).map_err(|e| DbErr::Migration(e.to_string()))
}

/// Indicator codes of a regime document's form rows, in order.
fn row_codes(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    doc.get("sections")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
        .flat_map(|s| s.get("rows").and_then(|r| r.as_array()).cloned().unwrap_or_default())
        .filter_map(|r| r.get("indicator").and_then(|c| c.as_str()).map(str::to_string))
        .collect()
}

async fn backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    let q = |sql: &str| Statement::from_string(backend, sql.to_string());
    let indicators: std::collections::HashMap<String, i32> = db
        .query_all_raw(q("SELECT id, code FROM indicator"))
        .await?
        .iter()
        .map(|r| Ok((get::<String>(r, "code")?, get::<i32>(r, "id")?)))
        .collect::<Result<_, DbErr>>()?;
    for r in db.query_all_raw(q("SELECT id, draft FROM regime")).await? {
        let (id, draft): (i32, String) = (get(&r, "id")?, get(&r, "draft")?);
        if let Some(new) = rewrite_rules(&draft)? {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                bind(backend, "UPDATE regime SET draft = ? WHERE id = ?"),
                [new.into(), id.into()],
            ))
            .await?;
        }
    }
    for r in db.query_all_raw(q("SELECT id, definition, published_at FROM regime_version")).await? {
        let (id, definition): (i32, String) = (get(&r, "id")?, get(&r, "definition")?);
        let published: chrono::DateTime<chrono::Utc> = get(&r, "published_at")?;
        // In force from the day it was published, Vietnamese time.
        let effective = (published + chrono::Duration::hours(7)).date_naive();
        let definition = rewrite_rules(&definition)?.unwrap_or(definition);
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            bind(backend, "UPDATE regime_version SET definition = ?, effective_from = ? WHERE id = ?"),
            [definition.clone().into(), effective.into(), id.into()],
        ))
        .await?;
        let mut seen = std::collections::HashSet::new();
        for (position, code) in row_codes(&definition).into_iter().enumerate() {
            let Some(&indicator) = indicators.get(&code) else { continue };
            if !seen.insert(indicator) {
                continue;
            }
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                bind(backend, "INSERT INTO regime_version_indicator (regime_version_id, indicator_id, position) VALUES (?, ?, ?)"),
                [id.into(), indicator.into(), (position as i32).into()],
            ))
            .await?;
        }
    }
    Ok(())
}

/// `?` placeholders as the backend wants them.
fn bind(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_string();
    }
    let mut n = 0;
    sql.chars()
        .map(|c| {
            if c == '?' {
                n += 1;
                format!("${n}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Indicator::Table).add_column(string_len(Indicator::NationalCode, 30).default("")).to_owned()).await?;
        m.alter_table(Table::alter().table(Indicator::Table).add_column(string_len_null(Indicator::RateNumerator, 20)).to_owned()).await?;
        m.alter_table(Table::alter().table(Indicator::Table).add_column(string_len_null(Indicator::RateDenominator, 20)).to_owned()).await?;
        m.alter_table(Table::alter().table(Holiday::Table).add_column(string_len(Holiday::Kind, 10).default("nghi")).to_owned()).await?;
        m.alter_table(Table::alter().table(RegimeVersion::Table).add_column(date_null(RegimeVersion::EffectiveFrom)).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(RegimeVersionIndicator::Table)
                .col(integer(RegimeVersionIndicator::RegimeVersionId))
                .col(integer(RegimeVersionIndicator::IndicatorId))
                .col(integer(RegimeVersionIndicator::Position))
                .primary_key(Index::create().col(RegimeVersionIndicator::RegimeVersionId).col(RegimeVersionIndicator::IndicatorId))
                .foreign_key(
                    ForeignKey::create()
                        .from(RegimeVersionIndicator::Table, RegimeVersionIndicator::RegimeVersionId)
                        .to(RegimeVersion::Table, RegimeVersion::Id),
                )
                .foreign_key(
                    ForeignKey::create().from(RegimeVersionIndicator::Table, RegimeVersionIndicator::IndicatorId).to(Indicator::Table, Indicator::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_regime_version_indicator_indicator")
                .table(RegimeVersionIndicator::Table)
                .col(RegimeVersionIndicator::IndicatorId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RegimePlan::Table)
                .col(pk_auto(RegimePlan::Id))
                .col(integer(RegimePlan::RegimeId))
                .col(integer(RegimePlan::IndicatorId))
                .col(integer(RegimePlan::UnitId))
                .col(integer(RegimePlan::Year))
                .col(big_integer(RegimePlan::Num))
                .col(timestamp_with_time_zone(RegimePlan::UpdatedAt))
                .col(integer_null(RegimePlan::UpdatedBy))
                .foreign_key(ForeignKey::create().from(RegimePlan::Table, RegimePlan::RegimeId).to(Regime::Table, Regime::Id))
                .foreign_key(ForeignKey::create().from(RegimePlan::Table, RegimePlan::IndicatorId).to(Indicator::Table, Indicator::Id))
                .foreign_key(ForeignKey::create().from(RegimePlan::Table, RegimePlan::UnitId).to(OrgUnit::Table, OrgUnit::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_regime_plan")
                .table(RegimePlan::Table)
                .col(RegimePlan::RegimeId)
                .col(RegimePlan::IndicatorId)
                .col(RegimePlan::UnitId)
                .col(RegimePlan::Year)
                .unique()
                .to_owned(),
        )
        .await?;
        backfill(m).await?;
        add_checks(m).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_checks(m).await?;
        m.drop_table(Table::drop().table(RegimePlan::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(RegimeVersionIndicator::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(RegimeVersion::Table).drop_column(RegimeVersion::EffectiveFrom).to_owned()).await?;
        m.alter_table(Table::alter().table(Holiday::Table).drop_column(Holiday::Kind).to_owned()).await?;
        m.alter_table(Table::alter().table(Indicator::Table).drop_column(Indicator::RateDenominator).to_owned()).await?;
        m.alter_table(Table::alter().table(Indicator::Table).drop_column(Indicator::RateNumerator).to_owned()).await?;
        m.alter_table(Table::alter().table(Indicator::Table).drop_column(Indicator::NationalCode).to_owned()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_rules_are_rewritten_once_and_rows_listed() {
        let old = r#"{"code":"X","rules":[{"expression":"if(A > 0, B >= 1.5, true)","message":"m"},{"expression":"A <= B","message":"n"}],
                     "sections":[{"title":"I","rows":[{"indicator":"A"},{"indicator":"B"},{"indicator":"A"}]}]}"#;
        let new = rewrite_rules(old).unwrap().expect("the first rule changes");
        let v: serde_json::Value = serde_json::from_str(&new).unwrap();
        assert_eq!(v["rules"][0]["expression"], "if(A > 0; B >= 1,5; true)");
        assert_eq!(v["rules"][1]["expression"], "A <= B");
        assert_eq!(rewrite_rules(r#"{"rules":[{"expression":"A <= B"}]}"#).unwrap(), None, "nothing to change");
        assert!(rewrite_rules(r#"{"rules":[{"expression":"A <="}]}"#).is_err(), "a rule that no longer parses stops the upgrade, named");
        assert_eq!(row_codes(old), vec!["A", "B", "A"]);
    }

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(bind(DbBackend::Postgres, "UPDATE t SET a = ? WHERE id = ?"), "UPDATE t SET a = $1 WHERE id = $2");
        assert_eq!(bind(DbBackend::Sqlite, "UPDATE t SET a = ? WHERE id = ?"), "UPDATE t SET a = ? WHERE id = ?");
    }
}
