use sea_orm::entity::prelude::*;

/// One event for one subscription (the outbox): written in the transaction
/// that changes a report's status, delivered later by the worker.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subscription_id: i32,
    /// `report.sent`, `report.accepted`, `report.returned` or `aggregate.changed`.
    pub event: String,
    /// The JSON body sent, as it will be signed.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i32,
    /// When a pending row is due (while an attempt runs: when it may be claimed again).
    pub next_attempt_at: Option<DateTimeUtc>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub http_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::webhook_subscription::Entity", from = "Column::SubscriptionId", to = "super::webhook_subscription::Column::Id")]
    Subscription,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::webhook_subscription::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subscription.def()
    }
}
