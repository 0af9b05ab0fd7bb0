//! A unit's overview of what is due, and starting a report.

use super::{internal, record_event, require_read};
use crate::catalogue::regimes::parse_doc;
use crate::{Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Actor;
use domain::calendar::{EntryState, Holidays};
use domain::datefmt::{format_date, vn_today};
use domain::period::Period;
use domain::regime::RegimeDoc;
use domain::report::ReportStatus;
use domain::reporting::DueReport;
use entity::{regime, regime_unit, regime_version, report};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::{HashMap, HashSet};

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
/// play), overdue first. Reads only the reports it shows: those of the open
/// periods and those still being worked on, in two queries.
pub async fn due_for_unit(db: &crate::Db, actor: &Actor, unit_id: i32, now: DateTime<Utc>) -> Result<Vec<DueReport>> {
    require_read(actor, unit_id)?;
    let today = vn_today(now);
    let holidays = crate::catalogue::holidays::all(db).await?;
    let bound = bound_versions(db, unit_id).await?;
    let mut open: Vec<(regime::Model, RegimeDoc, Period)> = Vec::new();
    for (r, v) in &bound {
        let doc = parse_doc(&v.definition)?;
        for p in doc.schedule.open_periods(today, &holidays) {
            open.push((r.clone(), doc.clone(), p));
        }
    }
    // Closed periods the office reopened for this unit (an exception granted before a report was started).
    let exceptions = crate::board::actions::open_exceptions(db, unit_id, today).await?;
    for (regime_id, key, _) in exceptions.iter().cloned() {
        let Some((r, v)) = bound.iter().find(|(r, _)| r.id == regime_id) else { continue };
        let Ok(p) = Period::parse_key(&key) else { continue };
        if !open.iter().any(|(o, _, q)| o.id == regime_id && *q == p) {
            open.push((r.clone(), parse_doc(&v.definition)?, p));
        }
    }
    let open_keys: HashSet<String> = open.iter().map(|(_, _, p)| p.key()).collect();
    let in_play = [ReportStatus::Draft.code(), ReportStatus::Returned.code(), ReportStatus::AwaitingApproval.code()];
    let existing = report::Entity::find()
        .filter(report::Column::UnitId.eq(unit_id))
        .filter(
            Condition::any().add(report::Column::PeriodKey.is_in(open_keys.iter().cloned())).add(report::Column::Status.is_in(in_play)).add(
                Condition::all()
                    .add(report::Column::Status.eq(ReportStatus::Sent.code()))
                    .add(report::Column::SentAt.gt(now - chrono::Duration::days(31))),
            ),
        )
        .all(db)
        .await?;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (r, doc, p) in &open {
        seen.insert((r.id, p.key()));
        let rep = existing.iter().find(|e| e.regime_id == r.id && e.period_key == p.key());
        let mut line = due_line(r, doc, p, rep, &holidays, today);
        if rep.is_none()
            && let Some((_, _, until)) = exceptions.iter().find(|(id, k, _)| *id == r.id && *k == p.key())
        {
            line.state = doc.schedule.entry_window(p, &holidays).state(today, Some(*until));
        }
        out.push(line);
    }
    // Started reports outside the open windows that still need work (returned,
    // awaiting the leader, drafts given an exception, recently sent).
    let still_in_play = |e: &report::Model| match ReportStatus::from_code(&e.status) {
        Some(ReportStatus::Accepted) | None => false,
        Some(ReportStatus::Sent) => e.sent_at.is_some_and(|s| (now - s).num_days() <= 31),
        Some(_) => true,
    };
    let rest: Vec<&report::Model> = existing.iter().filter(|e| !seen.contains(&(e.regime_id, e.period_key.clone())) && still_in_play(e)).collect();
    if !rest.is_empty() {
        let regimes: HashMap<i32, regime::Model> = regime::Entity::find()
            .filter(regime::Column::Id.is_in(rest.iter().map(|e| e.regime_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut docs: HashMap<i32, RegimeDoc> = HashMap::new();
        for v in regime_version::Entity::find().filter(regime_version::Column::Id.is_in(rest.iter().map(|e| e.regime_version_id))).all(db).await? {
            docs.insert(v.id, parse_doc(&v.definition)?);
        }
        for rep in rest {
            let (Some(r), Some(doc), Ok(p)) = (regimes.get(&rep.regime_id), docs.get(&rep.regime_version_id), Period::parse_key(&rep.period_key))
            else {
                continue;
            };
            out.push(due_line(r, doc, &p, Some(rep), &holidays, today));
        }
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
        return Err(ServiceError::field(
            "period",
            format!("Chế độ này báo cáo {}, không theo kỳ {}.", doc.schedule.frequency.label().to_lowercase(), period.label()),
        ));
    }
    if let Some(existing) = find_report(db, regime_id, actor.unit_id, &period.key()).await? {
        return Ok(existing.id);
    }
    let holidays = crate::catalogue::holidays::all(db).await?;
    let w = doc.schedule.entry_window(&period, &holidays);
    // The office may have opened a closed period for this unit before it started the report.
    let exception = crate::board::actions::exception_until(db, regime_id, actor.unit_id, &period.key()).await?;
    match w.state(vn_today(now), exception) {
        EntryState::NotOpen => {
            return Err(ServiceError::Forbidden(format!("{} chưa mở để nhập số liệu (mở từ ngày {}).", period.label(), format_date(w.opens))));
        }
        EntryState::Locked => {
            return Err(ServiceError::Forbidden(format!(
                "{} đã khóa từ sau ngày {}. Liên hệ Văn phòng UBND tỉnh nếu cần được mở lại.",
                period.label(),
                format_date(w.locks)
            )));
        }
        _ => {}
    }
    let txn = db.begin().await?;
    let inserted = draft_model(r.id, v.id, actor.unit_id, &period, doc.outline.len(), exception, actor.user_id, now).insert(&txn).await;
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

/// A new draft report of a unit for a regime's version and a period
/// (started by the web form, an Excel file or a DHIS2 import; tests start
/// reports in other states from it).
#[allow(clippy::too_many_arguments)]
pub fn draft_model(
    regime_id: i32,
    version_id: i32,
    unit_id: i32,
    period: &Period,
    outline_len: usize,
    exception: Option<NaiveDate>,
    user_id: i32,
    now: DateTime<Utc>,
) -> report::ActiveModel {
    report::ActiveModel {
        regime_id: Set(regime_id),
        regime_version_id: Set(version_id),
        unit_id: Set(unit_id),
        period_key: Set(period.key()),
        status: Set(ReportStatus::Draft.code().into()),
        row_version: Set(0),
        narrative: Set(serde_json::to_string(&vec![String::new(); outline_len]).unwrap_or_else(|_| "[]".into())),
        explanations: Set("{}".into()),
        window_exception_until: Set(exception),
        created_at: Set(now),
        created_by: Set(Some(user_id)),
        updated_at: Set(now),
        updated_by: Set(Some(user_id)),
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
}

pub(crate) async fn find_report<C: ConnectionTrait>(db: &C, regime_id: i32, unit_id: i32, period_key: &str) -> Result<Option<report::Model>> {
    Ok(report::Entity::find()
        .filter(report::Column::RegimeId.eq(regime_id))
        .filter(report::Column::UnitId.eq(unit_id))
        .filter(report::Column::PeriodKey.eq(period_key))
        .one(db)
        .await?)
}

/// Reports shown per page of a unit's archive.
pub const ARCHIVE_PAGE: u64 = 30;

/// A unit's reports of every period and status, newest period first,
/// optionally for one regime and one year: the archive a clerk reaches in
/// one click from home. Readable by the unit and by province-wide roles.
pub async fn archive(
    db: &crate::Db,
    actor: &Actor,
    unit_id: i32,
    regime_id: Option<i32>,
    year: Option<i32>,
    page: u64,
) -> Result<domain::reporting::Archive> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    require_read(actor, unit_id)?;
    let unit = crate::org::find_unit(db, unit_id).await?;
    let mut q = report::Entity::find().filter(report::Column::UnitId.eq(unit_id));
    if let Some(r) = regime_id {
        q = q.filter(report::Column::RegimeId.eq(r));
    }
    if let Some(y) = year {
        // Every period key starts with its year (2025-07, 2025-Q3, 2025, 2025-07-01..).
        q = q.filter(report::Column::PeriodKey.starts_with(y.to_string()));
    }
    let paginator = q.order_by_desc(report::Column::PeriodKey).order_by_asc(report::Column::RegimeId).paginate(db, ARCHIVE_PAGE);
    let total = paginator.num_items().await?;
    let page = domain::views::clamp_page(page, total, ARCHIVE_PAGE);
    let rows = paginator.fetch_page(page - 1).await?;
    let used: Vec<i32> = report::Entity::find()
        .select_only()
        .column(report::Column::RegimeId)
        .distinct()
        .filter(report::Column::UnitId.eq(unit_id))
        .into_tuple()
        .all(db)
        .await?;
    let regimes: HashMap<i32, regime::Model> =
        regime::Entity::find().filter(regime::Column::Id.is_in(used)).all(db).await?.into_iter().map(|r| (r.id, r)).collect();
    let keys: Vec<String> = report::Entity::find()
        .select_only()
        .column(report::Column::PeriodKey)
        .distinct()
        .filter(report::Column::UnitId.eq(unit_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut years: Vec<i32> = keys.iter().filter_map(|k| Period::parse_key(k).ok()).map(|p| p.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let items = rows
        .into_iter()
        .map(|r| {
            let status = crate::codes::decode(&r.status, ReportStatus::from_code, "report.status")?;
            let regime = regimes.get(&r.regime_id);
            Ok(domain::reporting::ArchiveRow {
                report_id: r.id,
                regime_code: regime.map(|g| g.code.clone()).unwrap_or_default(),
                regime_name: regime.map(|g| g.name.clone()).unwrap_or_default(),
                period_label: Period::parse_key(&r.period_key).map(|p| p.label()).unwrap_or_else(|_| r.period_key.clone()),
                period_key: r.period_key,
                status,
                sent_at: r.sent_at,
                on_time: r.on_time,
                updated_at: r.updated_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut regimes: Vec<(i32, String, String)> = regimes.into_values().map(|r| (r.id, r.code, r.name)).collect();
    regimes.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(domain::reporting::Archive {
        unit_id,
        unit_name: unit.name,
        reports: domain::views::Page { items, total, page, per_page: ARCHIVE_PAGE },
        regimes,
        years,
    })
}
