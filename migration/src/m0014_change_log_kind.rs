//! Open data is rebuilt when a published thing may have changed: a report's
//! status or the catalogue, not every draft figure. An index that finds the
//! last change of one kind without walking the figures' changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Kind,
    Id,
}

const NAME: &str = "ix_change_log_kind";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(Index::create().name(NAME).table(ChangeLog::Table).col(ChangeLog::Kind).col(ChangeLog::Id).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(ChangeLog::Table).to_owned()).await
    }
}
