//! Filling, sending and reviewing reports. Every function checks who is
//! asking against the report's unit, by report id.

pub mod generator;
pub mod stash;
pub mod store;

use crate::catalogue::regimes::parse_doc;
use crate::{Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::{EntryState, EntryWindow, Holidays};
use domain::datefmt::{format_date, vn_today};
use domain::entry::{check_entry, cell_key, Checked, References};
use domain::indicator::IndicatorSpec;
use domain::period::Period;
use domain::regime::RegimeDoc;
use domain::report::{may, next_status, ReportStatus, Transition};
use domain::reporting::{DueReport, HistoryEntry, Permissions, ReportData, ReportHeader, Submission};
use domain::{Actor, FieldErrors};
use entity::{app_user, org_unit, regime, regime_unit, regime_version, report, report_event, report_value, value_audit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use std::collections::{HashMap, HashSet};
use store::{decode, encode, load_values, IndicatorIds};

/// Where a change came from, for the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Form,
    Excel,
    Api,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Form => "form",
            Source::Excel => "excel",
            Source::Api => "api",
        }
    }
}

pub const MAX_TEXT: usize = 20_000;
pub const MAX_COMMENT: usize = 1_000;

/// A report with everything needed to check and show it.
pub struct Loaded {
    pub report: report::Model,
    pub regime: regime::Model,
    pub doc: RegimeDoc,
    pub version: i32,
    pub specs: HashMap<String, IndicatorSpec>,
    pub ids: IndicatorIds,
    pub period: Period,
    pub window: EntryWindow,
    pub status: ReportStatus,
}

impl Loaded {
    pub fn state(&self, now: DateTime<Utc>) -> EntryState {
        self.window.state(vn_today(now), self.report.window_exception_until)
    }
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("Không tìm thấy báo cáo.".into())
}

fn internal(what: &str) -> ServiceError {
    ServiceError::Internal(what.to_string())
}

pub async fn load<C: ConnectionTrait>(db: &C, id: i32) -> Result<Loaded> {
    let report = report::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let regime = regime::Entity::find_by_id(report.regime_id).one(db).await?.ok_or_else(|| internal("report without regime"))?;
    let v = regime_version::Entity::find_by_id(report.regime_version_id).one(db).await?.ok_or_else(|| internal("report without version"))?;
    let doc = parse_doc(&v.definition)?;
    let codes = doc.indicator_codes();
    let found = crate::catalogue::indicators::specs_for(db, &codes).await?;
    let ids = IndicatorIds {
        by_code: found.iter().map(|(id, s)| (s.code.clone(), *id)).collect(),
        by_id: found.iter().map(|(id, s)| (*id, s.code.clone())).collect(),
    };
    let specs: HashMap<String, IndicatorSpec> = found.into_iter().map(|(_, s)| (s.code.clone(), s)).collect();
    let period = Period::parse_key(&report.period_key).map_err(|e| internal(&e.to_string()))?;
    let holidays = crate::catalogue::holidays::all(db).await?;
    let window = doc.schedule.entry_window(&period, &holidays);
    let status = ReportStatus::from_code(&report.status).ok_or_else(|| internal("unknown status"))?;
    Ok(Loaded { report, regime, doc, version: v.version, specs, ids, period, window, status })
}

fn require_read(actor: &Actor, unit_id: i32) -> Result<()> {
    if actor.can_read_unit(unit_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("Bạn chỉ được xem báo cáo của đơn vị mình.".into()))
    }
}

/// The latest published version of each active regime that binds this unit.
async fn bound_versions<C: ConnectionTrait>(db: &C, unit_id: i32) -> Result<Vec<(regime::Model, regime_version::Model)>> {
    let bindings = regime_unit::Entity::find().filter(regime_unit::Column::UnitId.eq(unit_id)).all(db).await?;
    let version_ids: Vec<i32> = bindings.iter().map(|b| b.regime_version_id).collect();
    if version_ids.is_empty() {
        return Ok(vec![]);
    }
    let versions = regime_version::Entity::find().filter(regime_version::Column::Id.is_in(version_ids)).all(db).await?;
    let regimes = regime::Entity::find().filter(regime::Column::Active.eq(true)).order_by_asc(regime::Column::Code).all(db).await?;
    Ok(regimes
        .into_iter()
        .filter_map(|r| {
            let v = versions.iter().find(|v| v.regime_id == r.id && v.version == r.current_version)?.clone();
            Some((r, v))
        })
        .collect())
}

/// The unit's reports for open periods (and any started report still in
/// play), overdue first.
pub async fn due_for_unit(db: &crate::Db, actor: &Actor, unit_id: i32, now: DateTime<Utc>) -> Result<Vec<DueReport>> {
    require_read(actor, unit_id)?;
    let today = vn_today(now);
    let holidays = crate::catalogue::holidays::all(db).await?;
    let existing = report::Entity::find().filter(report::Column::UnitId.eq(unit_id)).all(db).await?;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (r, v) in bound_versions(db, unit_id).await? {
        let doc = parse_doc(&v.definition)?;
        for p in doc.schedule.open_periods(today, &holidays) {
            seen.insert((r.id, p.key()));
            let rep = existing.iter().find(|e| e.regime_id == r.id && e.period_key == p.key());
            out.push(due_line(&r, &doc, &p, rep, &holidays, today));
        }
    }
    // Started reports outside the open windows that still need work (returned, or drafts given an exception).
    for rep in existing.iter().filter(|e| !seen.contains(&(e.regime_id, e.period_key.clone()))) {
        let status = ReportStatus::from_code(&rep.status).unwrap_or(ReportStatus::Draft);
        if status == ReportStatus::Accepted || (status == ReportStatus::Sent && rep.sent_at.is_some_and(|s| (now - s).num_days() > 31)) {
            continue;
        }
        let Some(r) = regime::Entity::find_by_id(rep.regime_id).one(db).await? else { continue };
        let Some(v) = regime_version::Entity::find_by_id(rep.regime_version_id).one(db).await? else { continue };
        let Ok(p) = Period::parse_key(&rep.period_key) else { continue };
        let doc = parse_doc(&v.definition)?;
        out.push(due_line(&r, &doc, &p, Some(rep), &holidays, today));
    }
    out.sort_by_key(|d| (!d.is_overdue(), d.deadline, d.regime_code.clone()));
    Ok(out)
}

fn due_line(r: &regime::Model, doc: &RegimeDoc, p: &Period, rep: Option<&report::Model>, h: &Holidays, today: NaiveDate) -> DueReport {
    let w = doc.schedule.entry_window(p, h);
    DueReport {
        regime_id: r.id,
        regime_code: r.code.clone(),
        regime_name: r.name.clone(),
        period_key: p.key(),
        period_label: p.label(),
        deadline: w.deadline,
        days_to_deadline: w.days_to_deadline(today),
        state: w.state(today, rep.and_then(|x| x.window_exception_until)),
        report_id: rep.map(|x| x.id),
        status: rep.and_then(|x| ReportStatus::from_code(&x.status)),
        on_time: rep.and_then(|x| x.on_time),
        sent_at: rep.and_then(|x| x.sent_at),
    }
}

async fn record_event<C: ConnectionTrait>(db: &C, report_id: i32, actor_id: Option<i32>, from: &str, to: &str, note: &str, at: DateTime<Utc>) -> Result<()> {
    report_event::ActiveModel {
        report_id: Set(report_id),
        at: Set(at),
        user_id: Set(actor_id),
        from_status: Set(from.into()),
        to_status: Set(to.into()),
        note: Set(note.into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Starts the unit's report for a regime and period (or finds the one
/// already started). It binds the regime's current version for good.
pub async fn start(db: &crate::Db, actor: &Actor, regime_id: i32, period_key: &str, now: DateTime<Utc>) -> Result<i32> {
    if !actor.can_write_unit(actor.unit_id) {
        return Err(ServiceError::Forbidden("Chỉ chuyên viên của đơn vị mới lập báo cáo.".into()));
    }
    let bound = bound_versions(db, actor.unit_id).await?;
    let Some((r, v)) = bound.into_iter().find(|(r, _)| r.id == regime_id) else {
        return Err(ServiceError::Forbidden("Đơn vị của bạn không thuộc đối tượng thực hiện chế độ báo cáo này.".into()));
    };
    let doc = parse_doc(&v.definition)?;
    let period = Period::parse_key(period_key).map_err(|e| ServiceError::field("period", e.to_string()))?;
    if period.frequency() != doc.schedule.frequency {
        return Err(ServiceError::field("period", format!("Chế độ này báo cáo {}, không theo kỳ {}.", doc.schedule.frequency.label().to_lowercase(), period.label())));
    }
    if let Some(existing) = find_report(db, regime_id, actor.unit_id, &period.key()).await? {
        return Ok(existing.id);
    }
    let holidays = crate::catalogue::holidays::all(db).await?;
    let w = doc.schedule.entry_window(&period, &holidays);
    match w.state(vn_today(now), None) {
        EntryState::NotOpen => {
            return Err(ServiceError::Forbidden(format!("{} chưa mở để nhập số liệu (mở từ ngày {}).", period.label(), format_date(w.opens))))
        }
        EntryState::Locked => {
            return Err(ServiceError::Forbidden(format!(
                "{} đã khóa từ sau ngày {}. Liên hệ Văn phòng UBND tỉnh nếu cần được mở lại.",
                period.label(),
                format_date(w.locks)
            )))
        }
        _ => {}
    }
    let txn = db.begin().await?;
    let inserted = report::ActiveModel {
        regime_id: Set(r.id),
        regime_version_id: Set(v.id),
        unit_id: Set(actor.unit_id),
        period_key: Set(period.key()),
        status: Set(ReportStatus::Draft.code().into()),
        row_version: Set(0),
        narrative: Set(serde_json::to_string(&vec![String::new(); doc.outline.len()]).unwrap_or_else(|_| "[]".into())),
        explanations: Set("{}".into()),
        window_exception_until: Set(None),
        created_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_at: Set(now),
        updated_by: Set(Some(actor.user_id)),
        sent_at: Set(None),
        sent_by: Set(None),
        on_time: Set(None),
        approved_at: Set(None),
        approved_by: Set(None),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        return_reason: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match inserted {
        Ok(m) => {
            record_event(&txn, m.id, Some(actor.user_id), "", ReportStatus::Draft.code(), "Lập báo cáo", now).await?;
            txn.commit().await?;
            Ok(m.id)
        }
        // Two clicks at once: the second finds the first's report.
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await.ok();
            find_report(db, regime_id, actor.unit_id, &period.key()).await?.map(|m| m.id).ok_or_else(|| internal("report vanished"))
        }
        Err(e) => Err(e.into()),
    }
}

async fn find_report<C: ConnectionTrait>(db: &C, regime_id: i32, unit_id: i32, period_key: &str) -> Result<Option<report::Model>> {
    Ok(report::Entity::find()
        .filter(report::Column::RegimeId.eq(regime_id))
        .filter(report::Column::UnitId.eq(unit_id))
        .filter(report::Column::PeriodKey.eq(period_key))
        .one(db)
        .await?)
}

fn permissions(actor: &Actor, l: &Loaded, now: DateTime<Utc>) -> Permissions {
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

async fn user_name<C: ConnectionTrait>(db: &C, id: Option<i32>) -> Result<Option<String>> {
    Ok(match id {
        Some(id) => app_user::Entity::find_by_id(id).one(db).await?.map(|u| u.full_name),
        None => None,
    })
}

fn display_values(l: &Loaded, stored: &HashMap<String, report_value::Model>) -> (HashMap<String, String>, HashMap<String, String>) {
    let mut values = HashMap::new();
    let mut comments = HashMap::new();
    for (key, row) in stored {
        let (code, _) = domain::entry::split_cell_key(key);
        if let Some(spec) = l.specs.get(code) {
            if let Some(v) = decode(spec, row.num, row.txt.as_deref()) {
                values.insert(key.clone(), spec.format(&v));
            }
        }
        if !row.comment.is_empty() {
            comments.insert(key.clone(), row.comment.clone());
        }
    }
    (values, comments)
}

/// A report as its page shows it, with its history, from one load.
/// Readable by its unit and by province-wide roles.
pub async fn page(db: &crate::Db, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<(ReportData, Vec<HistoryEntry>)> {
    let l = load(db, id).await?;
    require_read(actor, l.report.unit_id)?;
    let history = history_of(db, &l).await?;
    Ok((data_of(db, actor, l, now).await?, history))
}

async fn data_of(db: &crate::Db, actor: &Actor, l: Loaded, now: DateTime<Utc>) -> Result<ReportData> {
    let id = l.report.id;
    let stored = load_values(db, id, &l.ids).await?;
    let (values, comments) = display_values(&l, &stored);
    let references = store::references(db, l.report.unit_id, l.report.regime_id, &l.period, &l.specs, &l.ids).await?;
    let unit = org_unit::Entity::find_by_id(l.report.unit_id).one(db).await?.map(|u| u.name).unwrap_or_default();
    let receiving = crate::org::find_unit_by_code(db, &l.doc.receiving_unit).await.map(|u| u.name).unwrap_or_default();
    let mut narrative: Vec<String> = serde_json::from_str(&l.report.narrative).unwrap_or_default();
    narrative.resize(l.doc.outline.len(), String::new());
    let explanations: HashMap<usize, String> = serde_json::from_str(&l.report.explanations).unwrap_or_default();
    let today = vn_today(now);
    let header = ReportHeader {
        id,
        regime_id: l.report.regime_id,
        regime_code: l.regime.code.clone(),
        version: l.version,
        unit_id: l.report.unit_id,
        unit_name: unit,
        receiving_unit: receiving,
        period_key: l.report.period_key.clone(),
        period_label: l.period.label(),
        window: l.window,
        state: l.state(now),
        days_to_deadline: l.window.days_to_deadline(today),
        status: l.status,
        row_version: l.report.row_version,
        sent_at: l.report.sent_at,
        on_time: l.report.on_time,
        return_reason: l.report.return_reason.clone(),
        exception_until: l.report.window_exception_until,
        updated_at: l.report.updated_at,
        updated_by: user_name(db, l.report.updated_by).await?,
    };
    let permissions = permissions(actor, &l, now);
    let specs = l.doc.indicator_codes().iter().filter_map(|c| l.specs.get(c).cloned()).collect();
    Ok(ReportData { header, doc: l.doc, specs, values, comments, narrative, explanations, references, permissions })
}

/// The outcome of a save: the new version number and what the checks found.
#[derive(Clone, Debug)]
pub struct Saved {
    pub row_version: i32,
    pub checked: Checked,
    pub changed: usize,
}

fn trimmed(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

/// Why figures cannot be stored: every unreadable cell, by its form field.
fn unreadable(checked: &Checked, sub: &Submission) -> FieldErrors {
    let mut e = FieldErrors::new();
    for f in &checked.findings {
        let typed = sub.values.get(&f.key).is_some_and(|t| !t.trim().is_empty());
        if f.rule.is_none() && typed && !checked.values.contains_key(&f.key) {
            e.add(format!("values[{}]", f.key), f.message.clone());
        }
    }
    e
}

fn conflict_message(l: &Loaded, stored: &HashMap<String, report_value::Model>, sub: &Submission, who: Option<String>) -> String {
    let (theirs, _) = display_values(l, stored);
    let read = |key: &str, text: &str| {
        let (code, _) = domain::entry::split_cell_key(key);
        l.specs.get(code).and_then(|s| s.parse_input(text).ok().flatten())
    };
    let mut diffs = Vec::new();
    for key in l.doc.indicator_codes().iter().flat_map(|c| {
        let parts = l.specs.get(c).map(|s| s.parts.clone()).unwrap_or_default();
        std::iter::once(cell_key(c, None)).chain(parts.into_iter().map(move |p| cell_key(c, Some(&p.code))))
    }) {
        let mine = sub.values.get(&key).map(|s| s.trim().to_string()).unwrap_or_default();
        let other = theirs.get(&key).cloned().unwrap_or_default();
        // `0` and `0,0` are the same figure: compare what they mean.
        let same = match (read(&key, &mine), read(&key, &other)) {
            (Some(a), Some(b)) => a == b,
            _ => mine == other,
        };
        if !same {
            diffs.push(format!("{key}: bạn nhập \"{mine}\", bản đã lưu là \"{other}\""));
        }
    }
    let who = who.map(|w| format!(" ({w})")).unwrap_or_default();
    let mut m = format!(
        "Báo cáo vừa được lưu bởi người khác{who} lúc {} sau khi bạn mở trang. Số liệu của bạn CHƯA được lưu và vẫn còn trên trang.",
        domain::datefmt::format_datetime(l.report.updated_at)
    );
    if diffs.is_empty() {
        m.push_str(" Số liệu hai bên giống nhau; hãy tải lại trang rồi lưu lại.");
    } else {
        m.push_str(" Khác nhau: ");
        m.push_str(&diffs.join("; "));
        m.push_str(". Hãy tải lại trang để xem bản đã lưu, rồi nhập lại phần của bạn.");
    }
    m
}

/// Saves the unit's figures (a draft: rules do not block, unreadable cells do).
/// Only changed cells are written, each change audited.
pub async fn save(db: &crate::Db, actor: &Actor, id: i32, row_version: i32, sub: Submission, source: Source, now: DateTime<Utc>) -> Result<Saved> {
    let l = load(db, id).await?;
    if !actor.can_write_unit(l.report.unit_id) {
        return Err(if actor.can_read_unit(l.report.unit_id) {
            ServiceError::Forbidden("Chỉ chuyên viên của đơn vị mới sửa được số liệu báo cáo.".into())
        } else {
            ServiceError::Forbidden("Bạn chỉ làm việc với báo cáo của đơn vị mình.".into())
        });
    }
    if !l.status.is_editable() {
        return Err(ServiceError::Conflict(format!(
            "Báo cáo đang ở trạng thái \"{}\" nên không sửa được. Báo cáo chỉ sửa lại được khi bị trả lại.",
            l.status.label()
        )));
    }
    if !l.state(now).accepts_entry() {
        return Err(ServiceError::Forbidden(format!(
            "Kỳ báo cáo {} đã khóa (hạn nhận cuối cùng {}). Liên hệ Văn phòng UBND tỉnh nếu cần được mở lại.",
            l.period.label(),
            format_date(l.report.window_exception_until.map_or(l.window.locks, |e| Ord::max(e, l.window.locks)))
        )));
    }
    let stored = load_values(db, id, &l.ids).await?;
    if row_version != l.report.row_version {
        let who = user_name(db, l.report.updated_by).await?;
        return Err(ServiceError::Conflict(conflict_message(&l, &stored, &sub, who)));
    }
    // Rules need not hold in a draft; only figures that cannot be read stop a save.
    let checked = check_entry(&l.doc, &l.specs, &sub.values, &References::default(), false);
    unreadable(&checked, &sub).into_result()?;

    // What changes, cell by cell.
    let mut inserts = Vec::new();
    let mut deletes = Vec::new();
    let mut audits = Vec::new();
    for code in l.doc.indicator_codes() {
        let (Some(spec), Some(&indicator_id)) = (l.specs.get(&code), l.ids.by_code.get(&code)) else { continue };
        let parts: Vec<Option<String>> = std::iter::once(None).chain(spec.parts.iter().map(|p| Some(p.code.clone()))).collect();
        for part in parts {
            let key = cell_key(&code, part.as_deref());
            let new_value = checked.values.get(&key);
            let new_comment = trimmed(sub.comments.get(&key).map(String::as_str).unwrap_or(""), MAX_COMMENT);
            let old = stored.get(&key);
            let old_value = old.and_then(|o| decode(spec, o.num, o.txt.as_deref()));
            let old_comment = old.map(|o| o.comment.clone()).unwrap_or_default();
            if old_value.as_ref() == new_value && old_comment == new_comment {
                continue;
            }
            if let Some(o) = old {
                deletes.push(o.id);
            }
            if new_value.is_some() || !new_comment.is_empty() {
                let (num, txt) = new_value.map(encode).unwrap_or((None, None));
                inserts.push(report_value::ActiveModel {
                    report_id: Set(id),
                    indicator_id: Set(indicator_id),
                    part: Set(part.clone().unwrap_or_default()),
                    num: Set(num),
                    txt: Set(txt),
                    comment: Set(new_comment.clone()),
                    unit_id: Set(l.report.unit_id),
                    regime_id: Set(l.report.regime_id),
                    period_key: Set(l.report.period_key.clone()),
                    updated_at: Set(now),
                    updated_by: Set(Some(actor.user_id)),
                    ..Default::default()
                });
            }
            if old_value.as_ref() != new_value {
                audits.push(value_audit::ActiveModel {
                    report_id: Set(id),
                    indicator_id: Set(indicator_id),
                    part: Set(part.unwrap_or_default()),
                    at: Set(now),
                    user_id: Set(Some(actor.user_id)),
                    old_value: Set(old_value.as_ref().map(|v| spec.format(v))),
                    new_value: Set(new_value.map(|v| spec.format(v))),
                    source: Set(source.code().into()),
                    ..Default::default()
                });
            }
        }
    }
    let mut narrative: Vec<String> = sub.narrative.iter().map(|t| trimmed(t, MAX_TEXT)).collect();
    narrative.resize(l.doc.outline.len(), String::new());
    let explanations: HashMap<usize, String> = sub
        .explanations
        .iter()
        .filter(|(i, t)| **i < l.doc.rules.len() && !t.trim().is_empty())
        .map(|(i, t)| (*i, trimmed(t, MAX_COMMENT)))
        .collect();
    let changed = audits.len();

    let txn = db.begin().await?;
    // The version check is the transaction's first write: it takes the write
    // lock at once and fails if someone saved since this save read the report.
    let r = report::Entity::update_many()
        .col_expr(report::Column::RowVersion, Expr::value(row_version + 1))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedBy, Expr::value(actor.user_id))
        .col_expr(report::Column::Narrative, Expr::value(serde_json::to_string(&narrative).unwrap_or_else(|_| "[]".into())))
        .col_expr(report::Column::Explanations, Expr::value(serde_json::to_string(&explanations).unwrap_or_else(|_| "{}".into())))
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::RowVersion.eq(row_version))
        .filter(report::Column::Status.is_in([ReportStatus::Draft.code(), ReportStatus::Returned.code()]))
        .exec(&txn)
        .await?;
    if r.rows_affected == 0 {
        txn.rollback().await.ok();
        let fresh = load(db, id).await?;
        let stored = load_values(db, id, &fresh.ids).await?;
        let who = user_name(db, fresh.report.updated_by).await?;
        return Err(ServiceError::Conflict(conflict_message(&fresh, &stored, &sub, who)));
    }
    if !deletes.is_empty() {
        report_value::Entity::delete_many().filter(report_value::Column::Id.is_in(deletes)).exec(&txn).await?;
    }
    for chunk in inserts.chunks(500) {
        report_value::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    for chunk in audits.chunks(500) {
        value_audit::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(Saved { row_version: row_version + 1, checked, changed })
}

/// Moves a report along its life (send, approve, accept, return…).
pub async fn transition(db: &crate::Db, actor: &Actor, id: i32, t: Transition, reason: &str, now: DateTime<Utc>) -> Result<ReportStatus> {
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
    if t == Transition::Send {
        if !l.state(now).accepts_entry() {
            return Err(ServiceError::Forbidden(format!("Kỳ báo cáo {} đã khóa, không gửi được nữa.", l.period.label())));
        }
        check_before_sending(db, &l).await?;
    }
    let sends = to == ReportStatus::Sent && matches!(t, Transition::Send | Transition::Approve);
    let mut q = report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value(to.code()))
        .col_expr(report::Column::RowVersion, Expr::col(report::Column::RowVersion).add(1))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedBy, Expr::value(actor.user_id));
    if sends {
        let on_time = l.window.is_on_time(vn_today(now));
        q = q
            .col_expr(report::Column::SentAt, Expr::value(now))
            .col_expr(report::Column::SentBy, Expr::value(actor.user_id))
            .col_expr(report::Column::OnTime, Expr::value(on_time))
            .col_expr(report::Column::ReturnReason, Expr::value(Option::<String>::None));
    }
    if t == Transition::Approve {
        q = q.col_expr(report::Column::ApprovedAt, Expr::value(now)).col_expr(report::Column::ApprovedBy, Expr::value(actor.user_id));
    }
    if matches!(t, Transition::Accept | Transition::Return | Transition::Reopen) {
        q = q.col_expr(report::Column::ReviewedAt, Expr::value(now)).col_expr(report::Column::ReviewedBy, Expr::value(actor.user_id));
    }
    if t.needs_reason() {
        q = q.col_expr(report::Column::ReturnReason, Expr::value(reason.to_string()));
    }
    let txn = db.begin().await?;
    let r = q.filter(report::Column::Id.eq(id)).filter(report::Column::Status.eq(l.status.code())).exec(&txn).await?;
    if r.rows_affected == 0 {
        txn.rollback().await.ok();
        return Err(ServiceError::Conflict("Trạng thái báo cáo vừa thay đổi; hãy tải lại trang.".into()));
    }
    record_event(&txn, id, Some(actor.user_id), l.status.code(), to.code(), reason, now).await?;
    txn.commit().await?;
    Ok(to)
}

/// The authoritative check before a report leaves the unit: every error
/// blocks, every warning needs a written explanation.
async fn check_before_sending(db: &crate::Db, l: &Loaded) -> Result<()> {
    let stored = load_values(db, l.report.id, &l.ids).await?;
    let (values, _) = display_values(l, &stored);
    let refs = store::references(db, l.report.unit_id, l.report.regime_id, &l.period, &l.specs, &l.ids).await?;
    let checked = check_entry(&l.doc, &l.specs, &values, &refs, true);
    let explanations: HashMap<usize, String> = serde_json::from_str(&l.report.explanations).unwrap_or_default();
    let mut e = FieldErrors::new();
    for f in checked.errors() {
        e.add(format!("values[{}]", f.key), f.message.clone());
    }
    for f in checked.unexplained(&explanations) {
        let field = f.rule.map(|r| format!("explain[{r}]")).unwrap_or_else(|| "form".into());
        e.add(field, format!("Cần giải trình: {}", f.message));
    }
    e.into_result().map_err(ServiceError::Validation)
}

/// The provincial office lets a unit enter a report after its window closed.
pub async fn grant_exception(db: &crate::Db, actor: &Actor, id: i32, until: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    if !actor.can_review() {
        return Err(ServiceError::Forbidden("Chỉ Văn phòng UBND tỉnh được gia hạn nhập báo cáo.".into()));
    }
    let l = load(db, id).await?;
    if until < vn_today(now) {
        return Err(ServiceError::field("until", "Ngày gia hạn phải từ hôm nay trở đi."));
    }
    let txn = db.begin().await?;
    report::Entity::update_many()
        .col_expr(report::Column::WindowExceptionUntil, Expr::value(until))
        .filter(report::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    record_event(&txn, id, Some(actor.user_id), l.status.code(), l.status.code(), &format!("Gia hạn nhập số liệu đến hết ngày {}", format_date(until)), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Every status change and value change, newest first.
async fn history_of(db: &crate::Db, l: &Loaded) -> Result<Vec<HistoryEntry>> {
    let id = l.report.id;
    let users: HashMap<i32, String> = app_user::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.full_name)).collect();
    let who = |id: Option<i32>| id.and_then(|i| users.get(&i).cloned()).unwrap_or_else(|| "Hệ thống".into());
    let mut out = Vec::new();
    for e in report_event::Entity::find().filter(report_event::Column::ReportId.eq(id)).all(db).await? {
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
    let source_label = |s: &str| match s {
        "excel" => "tệp Excel",
        "api" => "API",
        _ => "biểu mẫu",
    };
    for a in value_audit::Entity::find().filter(value_audit::Column::ReportId.eq(id)).order_by_desc(value_audit::Column::Id).all(db).await? {
        let code = l.ids.by_id.get(&a.indicator_id).cloned().unwrap_or_default();
        let key = cell_key(&code, (!a.part.is_empty()).then_some(a.part.as_str()));
        let what = format!(
            "{key}: {} → {} (qua {})",
            a.old_value.unwrap_or_else(|| "trống".into()),
            a.new_value.unwrap_or_else(|| "trống".into()),
            source_label(&a.source)
        );
        out.push(HistoryEntry { at: a.at, who: who(a.user_id), what });
    }
    out.sort_by(|a, b| b.at.cmp(&a.at));
    Ok(out)
}
