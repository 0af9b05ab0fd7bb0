//! The office acting on reports: several accepted at once, exceptions to
//! the entry window for a unit and period (granted or revoked, with or
//! without a started report), and the record of what the office did,
//! which the unit's page shows and the unit is notified of.

use super::require_reviewer;
use crate::reports::{Loaded, load, record_event, review};
use crate::{Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::datefmt::{format_date, vn_today};
use domain::office::{BulkOutcome, OfficeActionView};
use domain::period::Period;
use domain::reminders::{NoticeKind, event_key};
use domain::report::{ReportStatus, Transition, next_status};
use domain::{Actor, Role};
use entity::{app_user, entry_exception, office_action, report};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait};
use std::collections::HashMap;

/// The most reports one acceptance takes (a page of the inbox).
pub const MAX_BULK: usize = 200;

/// Kinds of `office_action`.
fn kind_of(t: Transition) -> &'static str {
    match t {
        Transition::Accept => "tiep_nhan",
        Transition::Reopen => "mo_lai",
        _ => "tra_lai",
    }
}

fn describe(kind: &str, note: &str) -> String {
    let what = match kind {
        "tiep_nhan" => "Tiếp nhận báo cáo",
        "tra_lai" => "Trả lại báo cáo",
        "mo_lai" => "Mở lại báo cáo đã tiếp nhận",
        "gia_han" => "Gia hạn nhập số liệu",
        "thu_hoi_gia_han" => "Thu hồi gia hạn nhập số liệu",
        _ => "Xử lý báo cáo",
    };
    if note.is_empty() { what.to_string() } else { format!("{what}: {note}") }
}

/// The active clerks and leaders of a unit: who hears about its reports.
pub(crate) async fn unit_people<C: ConnectionTrait>(db: &C, unit_id: i32) -> Result<Vec<app_user::Model>> {
    Ok(units_people(db, &[unit_id]).await?.remove(&unit_id).unwrap_or_default())
}

/// The active clerks and leaders of several units, by unit.
pub(crate) async fn units_people<C: ConnectionTrait>(db: &C, unit_ids: &[i32]) -> Result<std::collections::HashMap<i32, Vec<app_user::Model>>> {
    let mut out: std::collections::HashMap<i32, Vec<app_user::Model>> = std::collections::HashMap::new();
    if unit_ids.is_empty() {
        return Ok(out);
    }
    let people = app_user::Entity::find()
        .filter(app_user::Column::UnitId.is_in(unit_ids.to_vec()))
        .filter(app_user::Column::Active.eq(true))
        .filter(app_user::Column::Role.is_in([Role::Clerk.code(), Role::UnitLeader.code()]))
        .order_by_asc(app_user::Column::Id)
        .all(db)
        .await?;
    for p in people {
        out.entry(p.unit_id).or_default().push(p);
    }
    Ok(out)
}

async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    unit_id: i32,
    regime_id: i32,
    period_key: &str,
    report_id: Option<i32>,
    kind: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    office_action::ActiveModel {
        at: Set(now),
        user_id: Set(Some(actor.user_id)),
        unit_id: Set(unit_id),
        regime_id: Set(regime_id),
        period_key: Set(period_key.into()),
        report_id: Set(report_id),
        kind: Set(kind.into()),
        note: Set(note.into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// After the office accepted, returned or reopened a report (inside that
/// transaction): the unit's page records it and the unit's people are
/// notified (once per event).
pub(crate) async fn after_review<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    l: &Loaded,
    t: Transition,
    reason: &str,
    event: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let r = &l.report;
    let kind = kind_of(t);
    record(db, actor, r.unit_id, r.regime_id, &r.period_key, Some(r.id), kind, reason, now).await?;
    let (notice, text) = match t {
        Transition::Accept => (NoticeKind::Accepted, format!("{} — {}: Văn phòng UBND tỉnh đã tiếp nhận báo cáo.", l.regime.name, l.period.label())),
        _ => (NoticeKind::Returned, format!("{} — {}: Văn phòng UBND tỉnh trả lại báo cáo. Lý do: {reason}", l.regime.name, l.period.label())),
    };
    let people = unit_people(db, r.unit_id).await?;
    crate::reminders::notices::add_for(
        db,
        &people,
        notice,
        r.unit_id,
        Some(r.id),
        &text,
        &format!("/bao-cao/{}", r.id),
        &event_key(notice, event),
        now,
    )
    .await?;
    Ok(())
}

/// Accepts every listed report that is still waiting (sent), in one
/// transaction; those no longer waiting are named, not accepted.
pub async fn accept_many(db: &crate::Db, actor: &Actor, ids: &[i32], now: DateTime<Utc>) -> Result<BulkOutcome> {
    require_reviewer(actor)?;
    if ids.is_empty() {
        return Err(ServiceError::field("chon", "Hãy chọn ít nhất một báo cáo để tiếp nhận."));
    }
    if ids.len() > MAX_BULK {
        return Err(ServiceError::field("chon", format!("Mỗi lần tiếp nhận tối đa {MAX_BULK} báo cáo.")));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let txn = db.begin().await?;
    let mut out = BulkOutcome::default();
    for id in ids {
        let l = match load(&txn, id).await {
            Ok(l) => l,
            Err(ServiceError::NotFound(_)) => {
                out.skipped.push(format!("Báo cáo số {id} không tồn tại"));
                continue;
            }
            Err(e) => return Err(e),
        };
        let label = format!("{} — {}", l.regime.name, l.period.label());
        let to = match next_status(actor, l.report.unit_id, l.status, Transition::Accept, false) {
            Ok(to) => to,
            Err(_) => {
                out.skipped.push(format!("{label} ({})", l.status.label()));
                continue;
            }
        };
        match review::move_in(&txn, actor, &l, Transition::Accept, to, "", None, now).await {
            Ok(()) => out.accepted += 1,
            Err(ServiceError::Conflict(_)) => out.skipped.push(format!("{label} (vừa thay đổi trạng thái)")),
            Err(e) => return Err(e),
        }
    }
    txn.commit().await?;
    Ok(out)
}

/// Grants (`until` given) or revokes (`None`) an exception to the entry
/// window of a regime's report for a unit and period. A report already
/// started carries it too (and its history says so).
pub async fn set_exception(
    db: &crate::Db,
    actor: &Actor,
    regime_id: i32,
    unit_id: i32,
    period_key: &str,
    until: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    require_reviewer(actor)?;
    let period = Period::parse_key(period_key).map_err(|e| ServiceError::field("period", e.to_string()))?;
    let regime = entity::regime::Entity::find_by_id(regime_id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("Không tìm thấy chế độ báo cáo.".into()))?;
    let unit = crate::org::find_unit(db, unit_id).await?;
    if !unit.kind.is_reporting_unit() {
        return Err(ServiceError::field("unit", "Chỉ gia hạn cho đơn vị báo cáo."));
    }
    if let Some(u) = until
        && u < vn_today(now)
    {
        return Err(ServiceError::field("until", "Ngày gia hạn phải từ hôm nay trở đi."));
    }
    // A grant must name a period the regime has and a unit it binds then:
    // otherwise the unit would see a report it can never start. Revoking is
    // always allowed, so a wrong grant can be taken back.
    if until.is_some() {
        let ex = super::expected::Expectations::load(db).await?;
        let Some(column) = ex.column_for(regime_id, &period) else {
            return Err(ServiceError::field(
                "period",
                format!(
                    "Chế độ «{}» không có kỳ {} (hoặc chưa có phiên bản áp dụng cho kỳ này). Hãy nhập kỳ đúng tần suất của chế độ.",
                    regime.name,
                    period.label()
                ),
            ));
        };
        if !column.expects(unit_id) {
            return Err(ServiceError::field(
                "unit",
                format!("{} không thuộc đối tượng báo cáo của chế độ «{}» trong kỳ {}.", unit.name, regime.name, period.label()),
            ));
        }
    }
    let existing = report::Entity::find()
        .filter(report::Column::RegimeId.eq(regime_id))
        .filter(report::Column::UnitId.eq(unit_id))
        .filter(report::Column::PeriodKey.eq(period.key()))
        .one(db)
        .await?;
    let txn = db.begin().await?;
    entry_exception::Entity::delete_many()
        .filter(entry_exception::Column::RegimeId.eq(regime_id))
        .filter(entry_exception::Column::UnitId.eq(unit_id))
        .filter(entry_exception::Column::PeriodKey.eq(period.key()))
        .exec(&txn)
        .await?;
    let (kind, note) = match until {
        Some(u) => {
            entry_exception::ActiveModel {
                regime_id: Set(regime_id),
                unit_id: Set(unit_id),
                period_key: Set(period.key()),
                until: Set(u),
                granted_by: Set(Some(actor.user_id)),
                granted_at: Set(now),
            }
            .insert(&txn)
            .await?;
            ("gia_han", format!("{} — {}: đến hết ngày {}", regime.name, period.label(), format_date(u)))
        }
        None => ("thu_hoi_gia_han", format!("{} — {}", regime.name, period.label())),
    };
    if let Some(r) = &existing {
        report::Entity::update_many()
            .col_expr(report::Column::WindowExceptionUntil, Expr::value(until))
            .filter(report::Column::Id.eq(r.id))
            .exec(&txn)
            .await?;
        let what = match until {
            Some(u) => format!("Gia hạn nhập số liệu đến hết ngày {}", format_date(u)),
            None => "Thu hồi gia hạn nhập số liệu".to_string(),
        };
        record_event(&txn, r.id, Some(actor.user_id), &r.status, &r.status, &what, now).await?;
    }
    record(&txn, actor, unit_id, regime_id, &period.key(), existing.as_ref().map(|r| r.id), kind, &note, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The exception granted for a unit's report of a period, if any.
pub async fn exception_until<C: ConnectionTrait>(db: &C, regime_id: i32, unit_id: i32, period_key: &str) -> Result<Option<NaiveDate>> {
    Ok(entry_exception::Entity::find()
        .filter(entry_exception::Column::RegimeId.eq(regime_id))
        .filter(entry_exception::Column::UnitId.eq(unit_id))
        .filter(entry_exception::Column::PeriodKey.eq(period_key))
        .one(db)
        .await?
        .map(|e| e.until))
}

/// Exceptions of a unit still running on `today`: (regime, period key, until).
pub async fn open_exceptions<C: ConnectionTrait>(db: &C, unit_id: i32, today: NaiveDate) -> Result<Vec<(i32, String, NaiveDate)>> {
    Ok(entry_exception::Entity::find()
        .filter(entry_exception::Column::UnitId.eq(unit_id))
        .filter(entry_exception::Column::Until.gte(today))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.regime_id, e.period_key, e.until))
        .collect())
}

/// What the office did to a unit's reports, newest first.
pub async fn unit_actions(db: &crate::Db, actor: &Actor, unit_id: i32, limit: u64) -> Result<Vec<OfficeActionView>> {
    if !actor.can_read_unit(unit_id) {
        return Err(ServiceError::Forbidden("Bạn chỉ được xem báo cáo của đơn vị mình.".into()));
    }
    let rows = office_action::Entity::find()
        .filter(office_action::Column::UnitId.eq(unit_id))
        .order_by_desc(office_action::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let user_ids: Vec<i32> = rows.iter().filter_map(|r| r.user_id).collect();
    let names: HashMap<i32, String> = if user_ids.is_empty() {
        HashMap::new()
    } else {
        app_user::Entity::find().filter(app_user::Column::Id.is_in(user_ids)).all(db).await?.into_iter().map(|u| (u.id, u.full_name)).collect()
    };
    let regimes: HashMap<i32, String> = crate::catalogue::regimes::labels(db).await?.into_iter().map(|(id, (_, name))| (id, name)).collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let subject = match (regimes.get(&r.regime_id), Period::parse_key(&r.period_key)) {
                (Some(name), Ok(p)) if r.kind != "gia_han" && r.kind != "thu_hoi_gia_han" => format!("{name} — {}", p.label()),
                _ => String::new(),
            };
            let what = match (subject.is_empty(), r.note.is_empty()) {
                (true, _) => describe(&r.kind, &r.note),
                (false, true) => format!("{}: {subject}", describe(&r.kind, "")),
                (false, false) => format!("{}: {subject}. Lý do: {}", describe(&r.kind, ""), r.note),
            };
            OfficeActionView {
                at: r.at,
                who: r.user_id.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "Hệ thống".into()),
                what,
                report_id: r.report_id,
            }
        })
        .collect())
}

/// A report's status by id (tests and checks after an action).
pub async fn status_of<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<ReportStatus>> {
    Ok(report::Entity::find_by_id(id).one(db).await?.and_then(|r| ReportStatus::from_code(&r.status)))
}
