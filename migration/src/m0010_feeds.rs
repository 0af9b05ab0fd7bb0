//! Feeds out (issue 14):
//! - `change_log`: a monotonic record of every change to figures, report
//!   statuses and the catalogue, written by triggers in the transaction that
//!   makes the change (so no write path, present or future, can forget it),
//!   with tombstones for cleared values. On PostgreSQL each row carries the
//!   writing transaction's id (`txid`), which gives pulls a safe horizon
//!   (see `service::changes`); on SQLite writes are serialised and `txid` is 0.
//! - `api_token`: machine clients' bearer tokens, stored hashed.
//! - `indicator.public`: the indicators an administrator publishes as open data.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Id,
    Txid,
    Kind,
    Entity,
    EntityId,
    ReportId,
    UnitId,
    IndicatorId,
    Part,
    PeriodKey,
    Tombstone,
    At,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    UserId,
    Name,
    Prefix,
    Hash,
    CanWrite,
    WriteUnits,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Public,
}

/// Catalogue tables whose every insert, update and delete is logged.
const CATALOGUE: &[&str] = &["indicator", "regime", "regime_version", "breakdown", "org_unit"];

/// One trigger statement's INSERT into the change log, from `row` (NEW or OLD).
fn value_insert(row: &str, tombstone: &str, at: &str, txid: &str) -> String {
    format!(
        "INSERT INTO change_log (txid, kind, entity, entity_id, report_id, unit_id, indicator_id, part, period_key, tombstone, at) \
         VALUES ({txid}, 'value', 'report_value', {row}.id, {row}.report_id, {row}.unit_id, {row}.indicator_id, {row}.part, {row}.period_key, {tombstone}, {at});"
    )
}

fn report_insert(at: &str, txid: &str) -> String {
    format!(
        "INSERT INTO change_log (txid, kind, entity, entity_id, report_id, unit_id, indicator_id, part, period_key, tombstone, at) \
         VALUES ({txid}, 'report_status', 'report', NEW.id, NEW.id, NEW.unit_id, NULL, '', NEW.period_key, false, {at});"
    )
}

fn catalogue_insert(table: &str, row: &str, tombstone: &str, at: &str, txid: &str) -> String {
    format!(
        "INSERT INTO change_log (txid, kind, entity, entity_id, report_id, unit_id, indicator_id, part, period_key, tombstone, at) \
         VALUES ({txid}, 'catalogue', '{table}', {row}.id, NULL, NULL, NULL, '', '', {tombstone}, {at});"
    )
}

const PG_TXID: &str = "pg_current_xact_id()::text::bigint";
const PG_AT: &str = "now()";
const SQLITE_AT: &str = "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')";

async fn create_triggers(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "CREATE FUNCTION change_log_value() RETURNS trigger AS $$ BEGIN \
                 IF TG_OP = 'DELETE' THEN {} RETURN OLD; ELSE {} RETURN NEW; END IF; END $$ LANGUAGE plpgsql",
                value_insert("OLD", "true", PG_AT, PG_TXID),
                value_insert("NEW", "false", PG_AT, PG_TXID)
            ))
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER tg_change_value AFTER INSERT OR DELETE ON report_value FOR EACH ROW EXECUTE FUNCTION change_log_value()",
            )
            .await?;
            db.execute_unprepared(&format!(
                "CREATE FUNCTION change_log_report() RETURNS trigger AS $$ BEGIN {} RETURN NEW; END $$ LANGUAGE plpgsql",
                report_insert(PG_AT, PG_TXID)
            ))
            .await?;
            db.execute_unprepared("CREATE TRIGGER tg_change_report_ins AFTER INSERT ON report FOR EACH ROW EXECUTE FUNCTION change_log_report()")
                .await?;
            db.execute_unprepared(
                "CREATE TRIGGER tg_change_report_upd AFTER UPDATE OF status ON report FOR EACH ROW \
                 WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION change_log_report()",
            )
            .await?;
            for t in CATALOGUE {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION change_log_{t}() RETURNS trigger AS $$ BEGIN \
                     IF TG_OP = 'DELETE' THEN {} RETURN OLD; ELSE {} RETURN NEW; END IF; END $$ LANGUAGE plpgsql",
                    catalogue_insert(t, "OLD", "true", PG_AT, PG_TXID),
                    catalogue_insert(t, "NEW", "false", PG_AT, PG_TXID)
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER tg_change_{t} AFTER INSERT OR UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION change_log_{t}()"
                ))
                .await?;
            }
        }
        _ => {
            let (at, txid) = (SQLITE_AT, "0");
            db.execute_unprepared(&format!(
                "CREATE TRIGGER tg_change_value_ins AFTER INSERT ON report_value BEGIN {} END",
                value_insert("NEW", "0", at, txid)
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER tg_change_value_del AFTER DELETE ON report_value BEGIN {} END",
                value_insert("OLD", "1", at, txid)
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER tg_change_report_ins AFTER INSERT ON report BEGIN {} END",
                report_insert(at, txid).replace("false", "0")
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER tg_change_report_upd AFTER UPDATE OF status ON report WHEN OLD.status IS NOT NEW.status BEGIN {} END",
                report_insert(at, txid).replace("false", "0")
            ))
            .await?;
            for t in CATALOGUE {
                for (when, row, tomb) in [("INSERT", "NEW", "0"), ("UPDATE", "NEW", "0"), ("DELETE", "OLD", "1")] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER tg_change_{t}_{} AFTER {when} ON {t} BEGIN {} END",
                        when.to_lowercase(),
                        catalogue_insert(t, row, tomb, at, txid)
                    ))
                    .await?;
                }
            }
        }
    }
    Ok(())
}

async fn drop_triggers(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared("DROP TRIGGER IF EXISTS tg_change_value ON report_value").await?;
            db.execute_unprepared("DROP TRIGGER IF EXISTS tg_change_report_ins ON report").await?;
            db.execute_unprepared("DROP TRIGGER IF EXISTS tg_change_report_upd ON report").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS change_log_value()").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS change_log_report()").await?;
            for t in CATALOGUE {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS tg_change_{t} ON {t}")).await?;
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS change_log_{t}()")).await?;
            }
        }
        _ => {
            for n in ["tg_change_value_ins", "tg_change_value_del", "tg_change_report_ins", "tg_change_report_upd"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {n}")).await?;
            }
            for t in CATALOGUE {
                for when in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS tg_change_{t}_{when}")).await?;
                }
            }
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChangeLog::Table)
                .col(big_pk_auto(ChangeLog::Id))
                .col(big_integer(ChangeLog::Txid).default(0))
                .col(string_len(ChangeLog::Kind, 20))
                .col(string_len(ChangeLog::Entity, 30))
                .col(big_integer(ChangeLog::EntityId))
                .col(integer_null(ChangeLog::ReportId))
                .col(integer_null(ChangeLog::UnitId))
                .col(integer_null(ChangeLog::IndicatorId))
                .col(string_len(ChangeLog::Part, 40).default(""))
                .col(string_len(ChangeLog::PeriodKey, 32).default(""))
                .col(boolean(ChangeLog::Tombstone).default(false))
                .col(timestamp_with_time_zone(ChangeLog::At))
                .to_owned(),
        )
        .await?;
        // Pulls walk the log in (transaction, id) order.
        m.create_index(Index::create().name("ix_change_log_order").table(ChangeLog::Table).col(ChangeLog::Txid).col(ChangeLog::Id).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(ApiToken::Table)
                .col(pk_auto(ApiToken::Id))
                .col(integer(ApiToken::UserId))
                .col(string_len(ApiToken::Name, 120))
                .col(string_len(ApiToken::Prefix, 16))
                .col(string_len(ApiToken::Hash, 64).unique_key())
                .col(boolean(ApiToken::CanWrite).default(false))
                .col(text(ApiToken::WriteUnits))
                .col(integer_null(ApiToken::CreatedBy))
                .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                .foreign_key(ForeignKey::create().from(ApiToken::Table, ApiToken::UserId).to(AppUser::Table, AppUser::Id))
                .foreign_key(ForeignKey::create().from(ApiToken::Table, ApiToken::CreatedBy).to(AppUser::Table, AppUser::Id))
                .to_owned(),
        )
        .await?;

        m.alter_table(Table::alter().table(Indicator::Table).add_column(boolean(Indicator::Public).default(false)).to_owned()).await?;
        create_triggers(m).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_triggers(m).await?;
        m.alter_table(Table::alter().table(Indicator::Table).drop_column(Indicator::Public).to_owned()).await?;
        m.drop_table(Table::drop().table(ApiToken::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ChangeLog::Table).to_owned()).await?;
        Ok(())
    }
}
