//! Closed sets of codes enforced by the database: a CHECK constraint on
//! PostgreSQL; on SQLite, which cannot add a CHECK to an existing table,
//! triggers that refuse the same rows. A later migration that widens a set
//! drops the old check and adds the new one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

fn in_list(values: &[&str]) -> String {
    values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
}

pub(crate) async fn add(m: &SchemaManager<'_>, table: &str, column: &str, values: &[&str]) -> Result<(), DbErr> {
    let db = m.get_connection();
    let list = in_list(values);
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!("ALTER TABLE {table} ADD CONSTRAINT ck_{table}_{column} CHECK ({column} IN ({list}))")).await?;
        }
        _ => {
            for (when, event) in [("ins", "INSERT".to_string()), ("upd", format!("UPDATE OF {column}"))] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER ck_{table}_{column}_{when} BEFORE {event} ON {table} \
                     WHEN NEW.{column} NOT IN ({list}) \
                     BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {table}.{column}'); END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

pub(crate) async fn drop(m: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS ck_{table}_{column}")).await?;
        }
        _ => {
            for when in ["ins", "upd"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS ck_{table}_{column}_{when}")).await?;
            }
        }
    }
    Ok(())
}
