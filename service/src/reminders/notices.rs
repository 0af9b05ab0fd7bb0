//! In-app notifications: each is kept once per person and key (the unique
//! index `ux_notification_once`), so the daily run and status changes can
//! add them without checking first.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::office::NotificationView;
use domain::reminders::NoticeKind;
use entity::{app_user, notification};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// How many notifications the list shows.
pub const LIST_SIZE: u64 = 100;

/// Adds one notice to each person; a person who already has one under this
/// key gets nothing new. Returns how many were added.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_for<C: ConnectionTrait>(
    db: &C,
    people: &[app_user::Model],
    kind: NoticeKind,
    unit_id: i32,
    report_id: Option<i32>,
    text: &str,
    link: &str,
    dedupe: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    if people.is_empty() {
        return Ok(0);
    }
    let rows = people.iter().map(|p| notification::ActiveModel {
        user_id: Set(p.id),
        kind: Set(kind.code().into()),
        unit_id: Set(unit_id),
        report_id: Set(report_id),
        text: Set(text.into()),
        link: Set(link.chars().take(200).collect()),
        created_at: Set(now),
        read_at: Set(None),
        dedupe: Set(dedupe.chars().take(200).collect()),
        ..Default::default()
    });
    let added = notification::Entity::insert_many(rows)
        .on_conflict(OnConflict::columns([notification::Column::UserId, notification::Column::Dedupe]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(added)
}

/// The signed-in person's unread count (the bell).
pub async fn unread(db: &crate::Db, actor: &Actor) -> Result<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// The person's latest notifications, newest first.
pub async fn list(db: &crate::Db, actor: &Actor) -> Result<Vec<NotificationView>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id))
        .order_by_desc(notification::Column::Id)
        .limit(LIST_SIZE)
        .all(db)
        .await?
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            kind_label: NoticeKind::from_code(&n.kind).map(|k| k.label()).unwrap_or("").into(),
            text: n.text,
            link: n.link,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect())
}

/// Marks one of the person's notifications read, or all of them (`None`).
/// Someone else's notification is left alone (the filter is by owner).
pub async fn mark_read(db: &crate::Db, actor: &Actor, id: Option<i64>, now: DateTime<Utc>) -> Result<u64> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    Ok(q.exec(db).await?.rows_affected)
}
