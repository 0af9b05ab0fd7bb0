//! The office's note on one row of a report it returns: the clerk sees it
//! beside the figure until the report is accepted.

use super::{Loaded, load, require_read};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::report::{ReportStatus, Transition};
use entity::{report_event, review_note};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

/// A row note is allowed when the office returns or reopens a report, and
/// must name a row of the report's form. Empty text: no note.
pub(crate) fn check(l: &Loaded, t: Transition, note: Option<(String, String)>) -> Result<Option<(String, String)>> {
    let Some((cell, text)) = note else { return Ok(None) };
    let (cell, text) = (cell.trim().to_string(), text.trim().to_string());
    if text.is_empty() || cell.is_empty() {
        return Ok(None);
    }
    if !matches!(t, Transition::Return | Transition::Reopen) {
        return Err(ServiceError::field("row_note", "Chỉ ghi ý kiến theo dòng khi trả lại hoặc mở lại báo cáo."));
    }
    if !l.doc.indicator_codes().contains(&cell) {
        return Err(ServiceError::field("row", "Dòng được chọn không có trong biểu mẫu của báo cáo này."));
    }
    Ok(Some((cell, text.chars().take(super::MAX_COMMENT).collect())))
}

pub(crate) async fn add<C: ConnectionTrait>(db: &C, actor: &Actor, report_id: i32, cell: &str, note: &str, now: DateTime<Utc>) -> Result<()> {
    review_note::ActiveModel {
        report_id: Set(report_id),
        cell: Set(cell.into()),
        note: Set(note.into()),
        at: Set(now),
        user_id: Set(Some(actor.user_id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The notes of the report's latest return (or reopening), by cell key;
/// none once the report is accepted.
pub async fn current(db: &crate::Db, actor: &Actor, report_id: i32) -> Result<HashMap<String, String>> {
    let l = load(db, report_id).await?;
    require_read(actor, l.report.unit_id)?;
    if l.status == ReportStatus::Accepted {
        return Ok(HashMap::new());
    }
    let last_return = report_event::Entity::find()
        .filter(report_event::Column::ReportId.eq(report_id))
        .filter(report_event::Column::ToStatus.eq(ReportStatus::Returned.code()))
        // A note on the report's life (a copy from the previous period) is not a return.
        .filter(report_event::Column::FromStatus.ne(ReportStatus::Returned.code()))
        .order_by_desc(report_event::Column::Id)
        .one(db)
        .await?;
    let Some(ret) = last_return else { return Ok(HashMap::new()) };
    Ok(review_note::Entity::find()
        .filter(review_note::Column::ReportId.eq(report_id))
        .filter(review_note::Column::At.gte(ret.at))
        .order_by_asc(review_note::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.cell, n.note))
        .collect())
}
