//! Excel round trip: uploads kept between the preview and the clerk's
//! confirmation (`excel_import`), and the file a figure or text change came
//! from on the audit rows (`source_file`, next to `source` = excel).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ExcelImport {
    Table,
    Id,
    UserId,
    FileName,
    CreatedAt,
    UpdatedAt,
    State,
    Done,
    Total,
    TargetReportId,
    Message,
    Preview,
    Plan,
    AppliedAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ValueAudit {
    Table,
    SourceFile,
}

#[derive(DeriveIden)]
enum ReportTextAudit {
    Table,
    SourceFile,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ExcelImport::Table)
                .col(pk_auto(ExcelImport::Id))
                .col(integer(ExcelImport::UserId))
                .col(string_len(ExcelImport::FileName, 255))
                .col(timestamp_with_time_zone(ExcelImport::CreatedAt))
                .col(timestamp_with_time_zone(ExcelImport::UpdatedAt))
                .col(string_len(ExcelImport::State, 12))
                .col(integer(ExcelImport::Done).default(0))
                .col(integer(ExcelImport::Total).default(0))
                .col(integer_null(ExcelImport::TargetReportId))
                .col(text_null(ExcelImport::Message))
                .col(text(ExcelImport::Preview))
                .col(text(ExcelImport::Plan))
                .col(timestamp_with_time_zone_null(ExcelImport::AppliedAt))
                .foreign_key(ForeignKey::create().from(ExcelImport::Table, ExcelImport::UserId).to(AppUser::Table, AppUser::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_excel_import_user").table(ExcelImport::Table).col(ExcelImport::UserId).to_owned()).await?;
        m.alter_table(Table::alter().table(ValueAudit::Table).add_column(string_len_null(ValueAudit::SourceFile, 255)).to_owned()).await?;
        m.alter_table(Table::alter().table(ReportTextAudit::Table).add_column(string_len_null(ReportTextAudit::SourceFile, 255)).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(ReportTextAudit::Table).drop_column(ReportTextAudit::SourceFile).to_owned()).await?;
        m.alter_table(Table::alter().table(ValueAudit::Table).drop_column(ValueAudit::SourceFile).to_owned()).await?;
        m.drop_table(Table::drop().table(ExcelImport::Table).to_owned()).await?;
        Ok(())
    }
}
