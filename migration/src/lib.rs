//! The schema's source of truth. Every migration runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod checks;
mod m0001_foundation;
mod m0002_catalogue;
mod m0003_reports;
mod m0004_hardening;
mod m0005_catalogue_facts;
mod m0006_value_facts;
mod m0007_board;
mod m0008_excel;
mod m0009_aggregation;
mod m0010_feeds;
mod m0011_inbox_index;
mod m0012_excel_summary;
mod m0013_webhooks;
mod m0014_change_log_kind;
mod m0015_dhis2_source;
mod m0016_copied_values;
mod m0017_facts_stamp;
mod m0018_facts_stamp_truncate;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_catalogue::Migration),
            Box::new(m0003_reports::Migration),
            Box::new(m0004_hardening::Migration),
            Box::new(m0005_catalogue_facts::Migration),
            Box::new(m0006_value_facts::Migration),
            Box::new(m0007_board::Migration),
            Box::new(m0008_excel::Migration),
            Box::new(m0009_aggregation::Migration),
            Box::new(m0010_feeds::Migration),
            Box::new(m0011_inbox_index::Migration),
            Box::new(m0012_excel_summary::Migration),
            Box::new(m0013_webhooks::Migration),
            Box::new(m0014_change_log_kind::Migration),
            Box::new(m0015_dhis2_source::Migration),
            Box::new(m0016_copied_values::Migration),
            Box::new(m0017_facts_stamp::Migration),
            Box::new(m0018_facts_stamp_truncate::Migration),
        ]
    }
}
