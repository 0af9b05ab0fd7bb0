//! Hardening: a form stash belongs to the user who may save the report, and
//! every change to a report's texts (narrative, comments, explanations) is
//! audited like its figures.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FormStash {
    Table,
    UserId,
}

#[derive(DeriveIden)]
enum Report {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReportTextAudit {
    Table,
    Id,
    ReportId,
    At,
    UserId,
    Field,
    OldText,
    NewText,
    Source,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Stashes are minutes-old leftovers of failed saves; the ones kept so
        // far have no owner and cannot be given one.
        m.exec_stmt(Query::delete().from_table(FormStash::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(FormStash::Table).add_column(integer_null(FormStash::UserId)).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(ReportTextAudit::Table)
                .col(big_pk_auto(ReportTextAudit::Id))
                .col(integer(ReportTextAudit::ReportId))
                .col(timestamp_with_time_zone(ReportTextAudit::At))
                .col(integer_null(ReportTextAudit::UserId))
                .col(string_len(ReportTextAudit::Field, 80))
                .col(text_null(ReportTextAudit::OldText))
                .col(text_null(ReportTextAudit::NewText))
                .col(string_len(ReportTextAudit::Source, 10))
                .foreign_key(ForeignKey::create().from(ReportTextAudit::Table, ReportTextAudit::ReportId).to(Report::Table, Report::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_report_text_audit_report").table(ReportTextAudit::Table).col(ReportTextAudit::ReportId).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReportTextAudit::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(FormStash::Table).drop_column(FormStash::UserId).to_owned()).await?;
        Ok(())
    }
}
