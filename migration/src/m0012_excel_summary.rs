//! The summary line of an Excel upload ("2 báo cáo sẽ được nhập (15 thay
//! đổi)…"), kept in a column of its own so that the list of recent uploads
//! does not read every upload's whole preview to show one line.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ExcelImport {
    Table,
    Summary,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(ExcelImport::Table).add_column(text_null(ExcelImport::Summary)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(ExcelImport::Table).drop_column(ExcelImport::Summary).to_owned()).await
    }
}
