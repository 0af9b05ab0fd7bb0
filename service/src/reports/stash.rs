//! Keeps what a browser without JavaScript submitted when a save failed, so
//! the page can show it again with the error: nothing typed is lost.
//!
//! A stash is written only for a signed-in user who may save the report, it
//! is theirs alone, small, and gone after a day: otherwise anyone could
//! store megabytes, or plant figures a clerk would later see as "what you
//! typed" and send under their own name.

use crate::{Result, ServiceError};
use chrono::{DateTime, Duration, Utc};
use domain::Actor;
use domain::reporting::Stash;
use entity::{form_stash, report};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

/// Larger than any real form's input (300 rows with comments); a stash
/// that would be bigger is not kept.
pub const MAX_STASH_BYTES: usize = 256 * 1024;
/// How long a stash can be come back to.
pub const LIFETIME: Duration = Duration::hours(24);

/// Stores a submission for a report; returns the token that names it.
/// `None` when there is nothing to come back to (no such report, or the
/// input is too large to keep).
pub async fn put(db: &crate::Db, actor: &Actor, report_id: i32, stash: &Stash, now: DateTime<Utc>) -> Result<Option<String>> {
    let Some(rep) = report::Entity::find_by_id(report_id).one(db).await? else {
        return Ok(None);
    };
    if !actor.can_write_unit(rep.unit_id) {
        return Err(ServiceError::Forbidden("Bạn chỉ làm việc với báo cáo của đơn vị mình.".into()));
    }
    let payload = serde_json::to_string(stash).map_err(|e| ServiceError::Internal(format!("stash: {e}")))?;
    if payload.len() > MAX_STASH_BYTES {
        return Ok(None);
    }
    let token = crate::auth::random_token();
    form_stash::ActiveModel {
        id: Set(token.clone()),
        report_id: Set(report_id),
        user_id: Set(Some(actor.user_id)),
        created_at: Set(now),
        payload: Set(payload),
    }
    .insert(db)
    .await?;
    Ok(Some(token))
}

/// The caller's own stashed submission for this report, if the token names
/// one that has not expired.
pub async fn get(db: &crate::Db, actor: &Actor, report_id: i32, token: &str, now: DateTime<Utc>) -> Result<Option<Stash>> {
    if token.len() != 64 {
        return Ok(None);
    }
    Ok(form_stash::Entity::find_by_id(token.to_string())
        .filter(form_stash::Column::ReportId.eq(report_id))
        .filter(form_stash::Column::UserId.eq(actor.user_id))
        .filter(form_stash::Column::CreatedAt.gt(now - LIFETIME))
        .one(db)
        .await?
        .and_then(|m| serde_json::from_str(&m.payload).ok()))
}

/// Stashes are for coming back after a failed save, not for keeping.
pub async fn purge(db: &crate::Db, now: DateTime<Utc>) -> Result<u64> {
    Ok(form_stash::Entity::delete_many().filter(form_stash::Column::CreatedAt.lt(now - LIFETIME)).exec(db).await?.rows_affected)
}
