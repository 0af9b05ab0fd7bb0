//! A report's way out of the unit and through the provincial office: send
//! (or submit to the unit leader), approve, accept, return, reopen; and the
//! office's exceptions to a closed entry window. Sending checks the figures
//! inside the transaction that changes the status, so a save landing in
//! between cannot slip unchecked figures into a sent report.
//!
//! The two writers of a report's status are [`send_in`] and [`move_in`]
//! (every caller, the inbox's bulk accept included, goes through one of
//! them); each queues the webhooks the change raises in its transaction.

use super::store::{self, load_values};
use super::{Loaded, load, record_event, require_read};
use crate::{Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::datefmt::vn_today;
use domain::entry::check_figures;
use domain::report::{ReportStatus, Transition, may, next_status};
use domain::reporting::Permissions;
use domain::{Actor, FieldErrors};
use entity::report;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use std::collections::HashMap;

pub(super) fn permissions(actor: &Actor, l: &Loaded, now: DateTime<Utc>) -> Permissions {
    let open = l.state(now).accepts_entry();
    let edit = actor.can_write_unit(l.report.unit_id) && l.status.is_editable() && open;
    Permissions {
        edit,
        send: edit,
        approve: actor.can_approve_unit(l.report.unit_id) && l.status == ReportStatus::AwaitingApproval,
        review: actor.can_review() && matches!(l.status, ReportStatus::Sent | ReportStatus::Accepted),
        grant_exception: actor.can_review(),
    }
}

/// The authoritative check before a report leaves the unit, on the figures
/// stored as `db` sees them, typed (no text parsed again): every error
/// blocks (text that could not be read among them), every warning needs a
/// written explanation.
pub(super) async fn check_before_sending<C: ConnectionTrait>(db: &C, l: &Loaded, explanations: &HashMap<usize, String>) -> Result<()> {
    let stored = load_values(db, l.report.id, &l.ids).await?;
    let figures = store::figures_of(&l.doc, &l.specs, &stored);
    let refs = store::references(db, l.report.unit_id, l.report.regime_id, &l.period, &l.specs, &l.ids).await?;
    let checked = check_figures(&l.doc, &l.specs, &figures, &refs, true);
    let mut e = FieldErrors::new();
    // Figures copied from the previous period go only once the clerk has confirmed or changed them.
    for (key, message) in super::copy::unconfirmed_in(l, &stored) {
        e.add(format!("values[{key}]"), message);
    }
    for f in checked.errors() {
        e.add(format!("values[{}]", f.key), f.message.clone());
    }
    for f in checked.unexplained(explanations) {
        let field = f.rule.map(|r| format!("explain[{r}]")).unwrap_or_else(|| "form".into());
        e.add(field, format!("Cần giải trình: {}", f.message));
    }
    e.into_result().map_err(ServiceError::Validation)
}

/// Moves a checked report on from the unit, inside the caller's
/// transaction, where it is still at `row_version`: to the unit leader when
/// the regime asks for approval, else sent (on time or late).
pub(super) async fn send_in<C: ConnectionTrait>(txn: &C, actor: &Actor, l: &Loaded, row_version: i32, now: DateTime<Utc>) -> Result<ReportStatus> {
    let to = next_status(actor, l.report.unit_id, l.status, Transition::Send, l.doc.approval_required).map_err(ServiceError::Conflict)?;
    if !l.state(now).accepts_entry() {
        return Err(ServiceError::Forbidden(format!("Kỳ báo cáo {} đã khóa, không gửi được nữa.", l.period.label())));
    }
    let mut q = report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value(to.code()))
        .col_expr(report::Column::RowVersion, Expr::value(row_version + 1))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedBy, Expr::value(actor.user_id));
    if to == ReportStatus::Sent {
        q = sent_columns(q, actor, l, now);
    }
    let r = q
        .filter(report::Column::Id.eq(l.report.id))
        .filter(report::Column::RowVersion.eq(row_version))
        .filter(report::Column::Status.eq(l.status.code()))
        .exec(txn)
        .await?;
    if r.rows_affected == 0 {
        return Err(ServiceError::Conflict("Báo cáo vừa được lưu hoặc đổi trạng thái; hãy tải lại trang.".into()));
    }
    store::set_delivery(txn, l.report.id, to).await?;
    record_event(txn, l.report.id, Some(actor.user_id), l.status.code(), to.code(), "", now).await?;
    crate::feeds::webhooks::enqueue(txn, l, l.status, to, now).await?;
    Ok(to)
}

fn sent_columns(q: sea_orm::UpdateMany<report::Entity>, actor: &Actor, l: &Loaded, now: DateTime<Utc>) -> sea_orm::UpdateMany<report::Entity> {
    q.col_expr(report::Column::SentAt, Expr::value(now))
        .col_expr(report::Column::SentBy, Expr::value(actor.user_id))
        .col_expr(report::Column::OnTime, Expr::value(l.window.is_on_time(vn_today(now))))
        .col_expr(report::Column::ReturnReason, Expr::value(Option::<String>::None))
}

/// Moves a report along its life (send, approve, accept, return…).
pub async fn transition(db: &crate::Db, actor: &Actor, id: i32, t: Transition, reason: &str, now: DateTime<Utc>) -> Result<ReportStatus> {
    transition_noted(db, actor, id, t, reason, None, now).await
}

/// The same, and when the office returns a report, a note on one of its
/// rows (cell key, text) that the clerk sees beside the figure.
pub async fn transition_noted(
    db: &crate::Db,
    actor: &Actor,
    id: i32,
    t: Transition,
    reason: &str,
    row_note: Option<(String, String)>,
    now: DateTime<Utc>,
) -> Result<ReportStatus> {
    let l = load(db, id).await?;
    require_read(actor, l.report.unit_id)?;
    if !may(actor, l.report.unit_id, t) {
        return Err(ServiceError::Forbidden(format!("Tài khoản của bạn không được thực hiện thao tác \"{}\".", t.label())));
    }
    let to = next_status(actor, l.report.unit_id, l.status, t, l.doc.approval_required).map_err(ServiceError::Conflict)?;
    let reason = reason.trim();
    if t.needs_reason() && reason.is_empty() {
        return Err(ServiceError::field("reason", "Vui lòng ghi lý do để đơn vị biết cần sửa gì."));
    }
    let row_note = super::review_notes::check(&l, t, row_note)?;
    let txn = db.begin().await?;
    if t == Transition::Send {
        // Lock the report where it is as read (the first statement is a
        // write), then check exactly what is stored.
        let locked = report::Entity::update_many()
            .col_expr(report::Column::RowVersion, Expr::col(report::Column::RowVersion))
            .filter(report::Column::Id.eq(id))
            .filter(report::Column::RowVersion.eq(l.report.row_version))
            .filter(report::Column::Status.eq(l.status.code()))
            .exec(&txn)
            .await?;
        if locked.rows_affected == 0 {
            txn.rollback().await.ok();
            return Err(ServiceError::Conflict("Báo cáo vừa được lưu hoặc đổi trạng thái; hãy tải lại trang.".into()));
        }
        let explanations: HashMap<usize, String> = serde_json::from_str(&l.report.explanations).unwrap_or_default();
        if let Err(e) = check_before_sending(&txn, &l, &explanations).await {
            txn.rollback().await.ok();
            return Err(e);
        }
        let status = send_in(&txn, actor, &l, l.report.row_version, now).await;
        return match status {
            Ok(s) => {
                txn.commit().await?;
                Ok(s)
            }
            Err(e) => {
                txn.rollback().await.ok();
                Err(e)
            }
        };
    }
    match move_in(&txn, actor, &l, t, to, reason, row_note, now).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(to)
        }
        Err(e) => {
            txn.rollback().await.ok();
            Err(e)
        }
    }
}

/// Every step but sending, inside the caller's transaction, on a report as
/// loaded (`to` already allowed by `next_status`): the status moves only if
/// it is still what was read. The office's steps are also recorded for the
/// unit's page and notified to the unit (`crate::board::actions`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn move_in<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    l: &Loaded,
    t: Transition,
    to: ReportStatus,
    reason: &str,
    row_note: Option<(String, String)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let reason: String = reason.chars().take(super::MAX_COMMENT).collect();
    let id = l.report.id;
    let mut q = report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value(to.code()))
        .col_expr(report::Column::RowVersion, Expr::col(report::Column::RowVersion).add(1))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedBy, Expr::value(actor.user_id));
    if to == ReportStatus::Sent && t == Transition::Approve {
        q = sent_columns(q, actor, l, now);
    }
    if t == Transition::Approve {
        q = q.col_expr(report::Column::ApprovedAt, Expr::value(now)).col_expr(report::Column::ApprovedBy, Expr::value(actor.user_id));
    }
    if matches!(t, Transition::Accept | Transition::Return | Transition::Reopen) {
        q = q.col_expr(report::Column::ReviewedAt, Expr::value(now)).col_expr(report::Column::ReviewedBy, Expr::value(actor.user_id));
    }
    if t.needs_reason() {
        q = q.col_expr(report::Column::ReturnReason, Expr::value(reason.clone()));
    }
    let r = q.filter(report::Column::Id.eq(id)).filter(report::Column::Status.eq(l.status.code())).exec(txn).await?;
    if r.rows_affected == 0 {
        return Err(ServiceError::Conflict("Trạng thái báo cáo vừa thay đổi; hãy tải lại trang.".into()));
    }
    store::set_delivery(txn, id, to).await?;
    let event = record_event(txn, id, Some(actor.user_id), l.status.code(), to.code(), &reason, now).await?;
    crate::feeds::webhooks::enqueue(txn, l, l.status, to, now).await?;
    if matches!(t, Transition::Accept | Transition::Return | Transition::Reopen) {
        crate::board::actions::after_review(txn, actor, l, t, &reason, event, now).await?;
    }
    if let Some((cell, note)) = row_note {
        super::review_notes::add(txn, actor, id, &cell, &note, now).await?;
    }
    Ok(())
}

/// The provincial office lets a unit enter a report after its window
/// closed (the same as an exception for the report's unit and period).
pub async fn grant_exception(db: &crate::Db, actor: &Actor, id: i32, until: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    crate::board::require_reviewer(actor)?;
    let l = load(db, id).await?;
    crate::board::actions::set_exception(db, actor, l.report.regime_id, l.report.unit_id, &l.report.period_key, Some(until), now).await
}
