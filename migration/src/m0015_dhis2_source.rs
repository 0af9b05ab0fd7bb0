//! Figures imported from a DHIS2 data value set are audited as coming from
//! DHIS2, not from the API in general: the audit tables' source set gains
//! `dhis2`.

use crate::checks;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["value_audit", "report_text_audit"];
const BEFORE: &[&str] = &["form", "excel", "api"];
const AFTER: &[&str] = &["form", "excel", "api", "dhis2"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            checks::drop(m, table, "source").await?;
            checks::add(m, table, "source", AFTER).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            checks::drop(m, table, "source").await?;
            // DHIS2 imports came through the API: that is what they were before.
            m.get_connection().execute_unprepared(&format!("UPDATE {table} SET source = 'api' WHERE source = 'dhis2'")).await?;
            checks::add(m, table, "source", BEFORE).await?;
        }
        Ok(())
    }
}
