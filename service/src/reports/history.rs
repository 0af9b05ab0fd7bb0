//! What happened to a report: status changes, figure changes and text
//! changes, newest first, a page at a time (a long-lived report can gather
//! thousands of changes; the page shows the latest).

use super::{Loaded, Source, load, require_read};
use crate::Result;
use domain::Actor;
use domain::entry::cell_key;
use domain::report::ReportStatus;
use domain::reporting::HistoryEntry;
use entity::{app_user, report_event, report_text_audit, value_audit};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};

/// Entries the report page shows at first.
pub const PAGE_SIZE: u64 = 200;

/// Labels of the text fields audited by `entry::save_in`.
fn text_field_label(l: &Loaded, field: &str) -> String {
    let (kind, rest) = field.split_once('.').unwrap_or((field, ""));
    let index = rest.parse::<usize>().ok();
    match kind {
        "de_cuong" => match index.and_then(|i| l.doc.outline.get(i)) {
            Some(s) => format!("Đề cương «{}»", s.title),
            None => "Đề cương".into(),
        },
        "giai_trinh" => match index.and_then(|i| l.doc.rules.get(i)) {
            Some(r) => format!("Giải trình cảnh báo «{}»", r.message),
            None => "Giải trình".into(),
        },
        "ghi_chu" => format!("Ghi chú {rest}"),
        _ => field.to_string(),
    }
}

/// "biểu mẫu", "tệp Excel «bieu-mau.xlsx»".
fn via(source: &str, file: Option<&str>) -> String {
    match file {
        Some(f) if !f.is_empty() => format!("{} «{f}»", Source::label(source)),
        _ => Source::label(source).to_string(),
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 120;
    if s.chars().count() > MAX { format!("{}…", s.chars().take(MAX).collect::<String>()) } else { s.to_string() }
}

/// The newest `limit` entries of a report's history and how many there are in all.
pub async fn history_of<C: ConnectionTrait>(db: &C, l: &Loaded, limit: u64) -> Result<(Vec<HistoryEntry>, u64)> {
    let id = l.report.id;
    let events = report_event::Entity::find()
        .filter(report_event::Column::ReportId.eq(id))
        .order_by_desc(report_event::Column::At)
        .limit(limit)
        .all(db)
        .await?;
    let audits =
        value_audit::Entity::find().filter(value_audit::Column::ReportId.eq(id)).order_by_desc(value_audit::Column::Id).limit(limit).all(db).await?;
    let texts = report_text_audit::Entity::find()
        .filter(report_text_audit::Column::ReportId.eq(id))
        .order_by_desc(report_text_audit::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let total = report_event::Entity::find().filter(report_event::Column::ReportId.eq(id)).count(db).await?
        + value_audit::Entity::find().filter(value_audit::Column::ReportId.eq(id)).count(db).await?
        + report_text_audit::Entity::find().filter(report_text_audit::Column::ReportId.eq(id)).count(db).await?;

    let user_ids: HashSet<i32> = events
        .iter()
        .filter_map(|e| e.user_id)
        .chain(audits.iter().filter_map(|a| a.user_id))
        .chain(texts.iter().filter_map(|t| t.user_id))
        .collect();
    let users: HashMap<i32, String> = if user_ids.is_empty() {
        HashMap::new()
    } else {
        app_user::Entity::find().filter(app_user::Column::Id.is_in(user_ids)).all(db).await?.into_iter().map(|u| (u.id, u.full_name)).collect()
    };
    let who = |id: Option<i32>| id.and_then(|i| users.get(&i).cloned()).unwrap_or_else(|| "Hệ thống".into());

    let mut out = Vec::with_capacity(events.len() + audits.len() + texts.len());
    for e in events {
        let to = ReportStatus::from_code(&e.to_status).map(|s| s.label()).unwrap_or("");
        let what = if e.from_status == e.to_status {
            e.note.clone()
        } else if e.note.is_empty() {
            format!("Chuyển trạng thái: {to}")
        } else {
            format!("Chuyển trạng thái: {to} — {}", e.note)
        };
        out.push(HistoryEntry { at: e.at, who: who(e.user_id), what });
    }
    for a in audits {
        let code = l.ids.by_id.get(&a.indicator_id).cloned().unwrap_or_default();
        let key = cell_key(&code, (!a.part.is_empty()).then_some(a.part.as_str()));
        let what = format!(
            "{key}: {} → {} (qua {})",
            a.old_value.as_deref().map(shorten).unwrap_or_else(|| "trống".into()),
            a.new_value.as_deref().map(shorten).unwrap_or_else(|| "trống".into()),
            via(&a.source, a.source_file.as_deref())
        );
        out.push(HistoryEntry { at: a.at, who: who(a.user_id), what });
    }
    for t in texts {
        let what = format!(
            "{}: «{}» → «{}» (qua {})",
            text_field_label(l, &t.field),
            shorten(t.old_text.as_deref().unwrap_or("")),
            shorten(t.new_text.as_deref().unwrap_or("")),
            via(&t.source, t.source_file.as_deref())
        );
        out.push(HistoryEntry { at: t.at, who: who(t.user_id), what });
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    out.truncate(limit as usize);
    Ok((out, total))
}

/// A report's whole history, for the page that lists it all.
pub async fn full_history(db: &crate::Db, actor: &Actor, id: i32) -> Result<(Vec<HistoryEntry>, u64)> {
    let l = load(db, id).await?;
    require_read(actor, l.report.unit_id)?;
    history_of(db, &l, 10_000).await
}
