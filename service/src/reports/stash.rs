//! Keeps what a browser without JavaScript submitted when a save failed, so
//! the page can show it again with the error: nothing typed is lost.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::reporting::Stash;
use entity::{form_stash, report};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

/// Stores a submission for a report; returns the token that names it.
/// `None` when the report does not exist (nothing to come back to).
pub async fn put(db: &crate::Db, report_id: i32, stash: &Stash, now: DateTime<Utc>) -> Result<Option<String>> {
    if report::Entity::find_by_id(report_id).one(db).await?.is_none() {
        return Ok(None);
    }
    let token = crate::auth::random_token();
    form_stash::ActiveModel {
        id: Set(token.clone()),
        report_id: Set(report_id),
        created_at: Set(now),
        payload: Set(serde_json::to_string(stash).map_err(|e| crate::ServiceError::Internal(format!("stash: {e}")))?),
    }
    .insert(db)
    .await?;
    Ok(Some(token))
}

/// The stashed submission for this report, if the token names one.
pub async fn get(db: &crate::Db, report_id: i32, token: &str) -> Result<Option<Stash>> {
    Ok(form_stash::Entity::find_by_id(token.to_string())
        .filter(form_stash::Column::ReportId.eq(report_id))
        .one(db)
        .await?
        .and_then(|m| serde_json::from_str(&m.payload).ok()))
}

/// Stashes are for coming back after a failed save, not for keeping.
pub async fn purge(db: &crate::Db, older_than: DateTime<Utc>) -> Result<u64> {
    Ok(form_stash::Entity::delete_many().filter(form_stash::Column::CreatedAt.lt(older_than)).exec(db).await?.rows_affected)
}
