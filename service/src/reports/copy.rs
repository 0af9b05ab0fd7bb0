//! "Chép số liệu kỳ trước": a report with no figures yet started from the
//! figures the office accepted for the previous period of the same regime
//! and unit. Only the cells of this report's form are copied (its regime
//! version may differ from the previous report's); comments and narrative
//! are not. Each copied value row is marked (`report_value.copied`, see
//! migration m0016) until the clerk confirms it or changes it
//! (`entry::save_in`), and sending waits for that (`review::check_before_sending`).

use super::entry::check_editable;
use super::overview::find_report;
use super::store::{Stored, decode, load_values, value_row};
use super::{Loaded, Source, load, record_event};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::carry::{self, CopyOffer};
use domain::entry::split_cell_key;
use domain::indicator::Value;
use domain::report::ReportStatus;
use entity::{report, report_value, value_audit};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whether any stored row holds a figure (readable or kept as typed): a
/// comment alone is not one.
pub(crate) fn has_figures(stored: &HashMap<String, report_value::Model>) -> bool {
    stored.values().any(|r| r.num.is_some() || r.txt.is_some())
}

/// What the previous period offers this report, and its report when there
/// is one (the report page asks for a report with no figures that the user
/// may fill; the copy itself asks again before copying).
pub(crate) async fn offer_for<C: ConnectionTrait>(db: &C, l: &Loaded) -> Result<(CopyOffer, Option<report::Model>)> {
    let prev = l.period.previous();
    let found = find_report(db, l.report.regime_id, l.report.unit_id, &prev.key()).await?;
    Ok((carry::offer(prev.label(), found.as_ref().and_then(|r| ReportStatus::from_code(&r.status))), found))
}

/// The copied figures not yet confirmed among stored rows, each with the
/// message naming its row.
pub(crate) fn unconfirmed_in(l: &Loaded, stored: &HashMap<String, report_value::Model>) -> Vec<(String, String)> {
    let copied: BTreeSet<String> = stored.iter().filter(|(_, r)| r.copied).map(|(k, _)| k.clone()).collect();
    if copied.is_empty() {
        return vec![];
    }
    carry::unconfirmed(&l.doc, &l.specs, &copied)
}

/// What a copy did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    pub row_version: i32,
    /// How many figures were copied.
    pub figures: usize,
    /// The period they came from ("Tháng 6/2025").
    pub from: String,
}

fn conflict(m: impl Into<String>) -> ServiceError {
    ServiceError::Conflict(m.into())
}

/// Copies the previous period's accepted figures into a report that has
/// none, marked until confirmed; audited (each figure, and a note in the
/// report's history), in one transaction. Refused (409) when the report
/// already has figures, when the previous report is missing or not
/// accepted, or when someone saved since `row_version`.
pub async fn copy_previous(db: &crate::Db, actor: &Actor, id: i32, row_version: i32, now: DateTime<Utc>) -> Result<Copied> {
    let l = load(db, id).await?;
    check_editable(actor, &l, now)?;
    if row_version != l.report.row_version {
        return Err(conflict("Báo cáo vừa được lưu ở cửa sổ khác hoặc bởi người khác; hãy tải lại trang trước khi chép số liệu kỳ trước."));
    }
    let from = l.period.previous().label();
    let (offer, prev) = offer_for(db, &l).await?;
    let Some(prev) = prev.filter(|_| offer.available()) else {
        return Err(conflict(offer.note()));
    };
    let txn = db.begin().await?;
    // The first statement takes the write lock: no save lands in between.
    let bumped = report::Entity::update_many()
        .col_expr(report::Column::RowVersion, Expr::value(row_version + 1))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedBy, Expr::value(actor.user_id))
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::RowVersion.eq(row_version))
        .filter(report::Column::Status.is_in([ReportStatus::Draft.code(), ReportStatus::Returned.code()]))
        .exec(&txn)
        .await?;
    if bumped.rows_affected == 0 {
        txn.rollback().await.ok();
        return Err(conflict("Báo cáo vừa được lưu hoặc đổi trạng thái; hãy tải lại trang."));
    }
    let stored = load_values(&txn, id, &l.ids).await?;
    if has_figures(&stored) {
        txn.rollback().await.ok();
        return Err(conflict(
            "Báo cáo đã có số liệu nên không chép số liệu kỳ trước: việc chép chỉ dành cho báo cáo chưa nhập số liệu nào, để không ghi đè số liệu đã nhập.",
        ));
    }
    let rows = report_value::Entity::find()
        .filter(report_value::Column::ReportId.eq(prev.id))
        .filter(report_value::Column::Invalid.eq(false))
        .all(&txn)
        .await?;
    let mut previous: BTreeMap<String, Value> = BTreeMap::new();
    for r in rows {
        let Some(code) = l.ids.by_id.get(&r.indicator_id) else { continue };
        let Some(spec) = l.specs.get(code) else { continue };
        // A figure stored at another scale than the indicator has now is not copied as if it were the same.
        if r.scale != i16::from(spec.effective_scale()) {
            continue;
        }
        if let Some(v) = decode(spec, r.num, r.txt.as_deref()) {
            previous.insert(domain::entry::cell_key(code, (!r.part.is_empty()).then_some(r.part.as_str())), v);
        }
    }
    let plan = carry::copyable(&l.doc, &l.specs, &previous);
    if plan.is_empty() {
        txn.rollback().await.ok();
        return Err(conflict(format!("Báo cáo kỳ trước ({from}) không có số liệu nào thuộc biểu mẫu của kỳ này để chép.")));
    }
    let mut inserts = Vec::with_capacity(plan.len());
    let mut audits = Vec::with_capacity(plan.len());
    let mut replaced = Vec::new();
    for (key, value) in &plan {
        let (code, part) = split_cell_key(key);
        let (Some(spec), Some(&indicator_id)) = (l.specs.get(code), l.ids.by_code.get(code)) else { continue };
        // A comment typed before the copy stays with its cell.
        let comment = stored.get(key).map(|r| r.comment.clone()).unwrap_or_default();
        if let Some(r) = stored.get(key) {
            replaced.push(r.id);
        }
        let mut row = value_row(&l.report, &l.period, l.status, spec, indicator_id, part, Stored::Figure(value), &comment, now, Some(actor.user_id));
        row.copied = Set(true);
        inserts.push(row);
        audits.push(value_audit::ActiveModel {
            report_id: Set(id),
            indicator_id: Set(indicator_id),
            part: Set(part.unwrap_or("").to_string()),
            at: Set(now),
            user_id: Set(Some(actor.user_id)),
            old_value: Set(None),
            new_value: Set(Some(spec.format(value))),
            source: Set(Source::Form.code().into()),
            source_file: Set(None),
            ..Default::default()
        });
    }
    if !replaced.is_empty() {
        report_value::Entity::delete_many().filter(report_value::Column::Id.is_in(replaced)).exec(&txn).await?;
    }
    for chunk in inserts.chunks(500) {
        report_value::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    for chunk in audits.chunks(500) {
        value_audit::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    record_event(&txn, id, Some(actor.user_id), l.status.code(), l.status.code(), &carry::history_note(&from), now).await?;
    txn.commit().await?;
    Ok(Copied { row_version: row_version + 1, figures: inserts.len(), from })
}
