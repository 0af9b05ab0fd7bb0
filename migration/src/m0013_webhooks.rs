//! Webhooks (issue 14, "Push"):
//! - `webhook_subscription`: a receiver URL, the events it wants and its
//!   signing secret (kept so the server can sign; never shown again).
//! - `webhook_delivery`: the outbox. One row per event and subscription,
//!   written in the transaction that changes a report's status; a worker
//!   delivers it later and records each attempt.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookSubscription {
    Table,
    Id,
    Name,
    Url,
    Events,
    Secret,
    Active,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    SubscriptionId,
    Event,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastAttemptAt,
    HttpStatus,
    LastError,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WebhookSubscription::Table)
                .col(pk_auto(WebhookSubscription::Id))
                .col(string_len(WebhookSubscription::Name, 120))
                .col(string_len(WebhookSubscription::Url, 500))
                .col(string_len(WebhookSubscription::Events, 200))
                .col(string_len(WebhookSubscription::Secret, 100))
                .col(boolean(WebhookSubscription::Active).default(true))
                .col(integer_null(WebhookSubscription::CreatedBy))
                .col(timestamp_with_time_zone(WebhookSubscription::CreatedAt))
                .foreign_key(ForeignKey::create().from(WebhookSubscription::Table, WebhookSubscription::CreatedBy).to(AppUser::Table, AppUser::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDelivery::Table)
                .col(big_pk_auto(WebhookDelivery::Id))
                .col(integer(WebhookDelivery::SubscriptionId))
                .col(string_len(WebhookDelivery::Event, 40))
                .col(text(WebhookDelivery::Payload))
                .col(string_len(WebhookDelivery::Status, 12))
                .col(integer(WebhookDelivery::Attempts).default(0))
                .col(timestamp_with_time_zone_null(WebhookDelivery::NextAttemptAt))
                .col(timestamp_with_time_zone_null(WebhookDelivery::LastAttemptAt))
                .col(integer_null(WebhookDelivery::HttpStatus))
                .col(string_len_null(WebhookDelivery::LastError, 300))
                .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                .col(timestamp_with_time_zone_null(WebhookDelivery::DeliveredAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookDelivery::Table, WebhookDelivery::SubscriptionId)
                        .to(WebhookSubscription::Table, WebhookSubscription::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // The worker looks for pending rows that are due.
        m.create_index(
            Index::create()
                .name("ix_webhook_delivery_due")
                .table(WebhookDelivery::Table)
                .col(WebhookDelivery::Status)
                .col(WebhookDelivery::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_webhook_delivery_subscription").table(WebhookDelivery::Table).col(WebhookDelivery::SubscriptionId).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDelivery::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(WebhookSubscription::Table).to_owned()).await?;
        Ok(())
    }
}
