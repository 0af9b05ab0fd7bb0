//! A stamp of the counted figures, so a server may keep a year's figures in
//! memory between roll-ups and still show a value sent by a clerk in the
//! very next request, on every server of a PostgreSQL deployment.
//!
//! `facts_stamp.stamp` takes a new random value in the transaction of every
//! change to a value row that a roll-up counts (delivery 1 or 2, before or
//! after the change). Triggers rather than calls in the service: every
//! writer is covered, the status changes, the demo generator, a future
//! import, an administrator's SQL (TRUNCATE: m0018), with no call to
//! forget. Random rather than a counter: the cache compares stamps for
//! equality only, and after a restore a counter would repeat values the
//! cache has already seen for other figures; a random stamp also tells two
//! databases open in one process apart.
//!
//! SQLite has only row triggers, filtered by `WHEN` (a draft's saves never
//! touch the stamp). PostgreSQL uses statement triggers over the transition
//! tables: one stamp update per statement, however many rows a send moves.
//! Concurrent sends on PostgreSQL queue on the stamp's row lock for the rest
//! of their (short) transactions; SQLite writes one at a time anyway.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE facts_stamp (id INTEGER PRIMARY KEY, stamp BIGINT NOT NULL)",
    "INSERT INTO facts_stamp (id, stamp) VALUES (1, random())",
    "CREATE TRIGGER facts_stamp_insert AFTER INSERT ON report_value WHEN NEW.delivery > 0 \
     BEGIN UPDATE facts_stamp SET stamp = random() WHERE id = 1; END",
    "CREATE TRIGGER facts_stamp_update AFTER UPDATE ON report_value WHEN OLD.delivery > 0 OR NEW.delivery > 0 \
     BEGIN UPDATE facts_stamp SET stamp = random() WHERE id = 1; END",
    "CREATE TRIGGER facts_stamp_delete AFTER DELETE ON report_value WHEN OLD.delivery > 0 \
     BEGIN UPDATE facts_stamp SET stamp = random() WHERE id = 1; END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS facts_stamp_insert",
    "DROP TRIGGER IF EXISTS facts_stamp_update",
    "DROP TRIGGER IF EXISTS facts_stamp_delete",
    "DROP TABLE IF EXISTS facts_stamp",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE TABLE facts_stamp (id INTEGER PRIMARY KEY, stamp BIGINT NOT NULL)",
    "INSERT INTO facts_stamp (id, stamp) VALUES (1, (random() * 9007199254740991)::bigint)",
    // One function for the three triggers, each branch reading only the
    // transition tables its operation has (as in PostgreSQL's own audit
    // example with transition tables).
    "CREATE FUNCTION facts_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'INSERT' THEN
         IF NOT EXISTS (SELECT 1 FROM new_rows WHERE delivery > 0) THEN RETURN NULL; END IF;
       ELSIF TG_OP = 'UPDATE' THEN
         IF NOT EXISTS (SELECT 1 FROM new_rows WHERE delivery > 0) AND NOT EXISTS (SELECT 1 FROM old_rows WHERE delivery > 0) THEN
           RETURN NULL;
         END IF;
       ELSE
         IF NOT EXISTS (SELECT 1 FROM old_rows WHERE delivery > 0) THEN RETURN NULL; END IF;
       END IF;
       UPDATE facts_stamp SET stamp = (random() * 9007199254740991)::bigint WHERE id = 1;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER facts_stamp_insert AFTER INSERT ON report_value REFERENCING NEW TABLE AS new_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION facts_stamp_bump()",
    "CREATE TRIGGER facts_stamp_update AFTER UPDATE ON report_value REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION facts_stamp_bump()",
    "CREATE TRIGGER facts_stamp_delete AFTER DELETE ON report_value REFERENCING OLD TABLE AS old_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION facts_stamp_bump()",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS facts_stamp_insert ON report_value",
    "DROP TRIGGER IF EXISTS facts_stamp_update ON report_value",
    "DROP TRIGGER IF EXISTS facts_stamp_delete ON report_value",
    "DROP FUNCTION IF EXISTS facts_stamp_bump()",
    "DROP TABLE IF EXISTS facts_stamp",
];

async fn run(m: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let db = m.get_connection();
    let statements = if db.get_database_backend() == DbBackend::Postgres { postgres } else { sqlite };
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
