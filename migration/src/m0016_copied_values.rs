//! A figure copied from the previous period ("chép số liệu kỳ trước") is
//! marked until the clerk confirms or changes it, and sending waits for
//! that. The mark belongs to the stored figure and dies with it: every
//! change to a figure replaces its `report_value` row, whose new row is not
//! copied, so a change clears the mark with no bookkeeping of its own. A
//! column of the value row (rather than a table of its own or a list in the
//! report's JSON) survives a reload, is read with the figures already
//! loaded, and "any unconfirmed?" is one indexed query on the report.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportValue {
    Table,
    Copied,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(ReportValue::Table).add_column(boolean(ReportValue::Copied).default(false)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(ReportValue::Table).drop_column(ReportValue::Copied).to_owned()).await
    }
}
