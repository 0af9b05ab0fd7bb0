//! The security audit log: who did what to which account or record.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

pub async fn record<C: ConnectionTrait>(db: &C, actor_id: Option<i32>, action: &str, target: &str, detail: &str) -> Result<(), sea_orm::DbErr> {
    audit_event::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(actor_id),
        action: Set(action.to_string()),
        target: Set(target.chars().take(200).collect()),
        detail: Set(detail.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
