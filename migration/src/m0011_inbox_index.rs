//! The reviewer's inbox lists sent reports oldest first on every visit to
//! the office's home page: an index that answers it without scanning and
//! sorting every report.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Report {
    Table,
    Status,
    SentAt,
    Id,
}

const NAME: &str = "ix_report_inbox";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(Index::create().name(NAME).table(Report::Table).col(Report::Status).col(Report::SentAt).col(Report::Id).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Report::Table).to_owned()).await
    }
}
