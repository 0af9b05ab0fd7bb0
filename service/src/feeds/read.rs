//! What machine clients read: the catalogue, periods, reports and their
//! values, in the JSON shapes of `/api/v1` (documented in the OpenAPI
//! document). Every function takes the client and reads as the
//! machine-client role (the whole province).

use super::ApiClient;
use crate::reports::store::{IndicatorIds, decode};
use crate::{Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::dec::Dec;
use domain::indicator::{IndicatorSpec, Value};
use domain::period::Period;
use entity::{indicator, org_unit, regime, regime_version, report, report_value};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UnitOut {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub active: bool,
}

pub async fn units(db: &crate::Db, _client: &ApiClient) -> Result<Vec<UnitOut>> {
    let rows = org_unit::Entity::find().order_by_asc(org_unit::Column::Id).all(db).await?;
    let codes: HashMap<i32, String> = rows.iter().map(|u| (u.id, u.code.clone())).collect();
    Ok(rows
        .into_iter()
        .map(|u| UnitOut {
            id: u.id,
            parent_code: u.parent_id.and_then(|p| codes.get(&p).cloned()),
            code: u.code,
            name: u.name,
            short_name: u.short_name,
            kind: u.kind,
            active: u.active,
        })
        .collect())
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorOut {
    pub id: i32,
    pub code: String,
    pub name: String,
    /// Unit of measure (ĐVT).
    pub unit: String,
    pub value_type: String,
    pub scale: i16,
    pub aggregation: String,
    pub sector: String,
    /// Part of the provincial statistical indicator system.
    pub statistical: bool,
    pub national_code: String,
    /// The breakdown (phân tổ) code whose parts add up to the total; null when none.
    pub breakdown: Option<String>,
    pub public: bool,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

pub async fn indicators(db: &crate::Db, _client: &ApiClient) -> Result<Vec<IndicatorOut>> {
    let breakdowns: HashMap<i32, String> = crate::catalogue::breakdowns::list(db).await?.into_iter().map(|b| (b.id, b.code)).collect();
    Ok(indicator::Entity::find()
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|i| IndicatorOut {
            id: i.id,
            code: i.code,
            name: i.name,
            unit: i.unit,
            value_type: i.value_type,
            scale: i.scale,
            aggregation: i.aggregation,
            sector: i.sector,
            statistical: i.statistical,
            national_code: i.national_code,
            breakdown: i.breakdown_id.and_then(|b| breakdowns.get(&b).cloned()),
            public: i.public,
            active: i.active,
            updated_at: i.updated_at,
        })
        .collect())
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VersionOut {
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub effective_from: Option<NaiveDate>,
    /// The version's form and outline as published.
    pub definition: serde_json::Value,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RegimeOut {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub current_version: i32,
    pub active: bool,
    pub versions: Vec<VersionOut>,
}

pub async fn regimes(db: &crate::Db, _client: &ApiClient) -> Result<Vec<RegimeOut>> {
    let regimes = regime::Entity::find().order_by_asc(regime::Column::Code).all(db).await?;
    let mut versions: HashMap<i32, Vec<VersionOut>> = HashMap::new();
    for v in regime_version::Entity::find().order_by_asc(regime_version::Column::Version).all(db).await? {
        versions.entry(v.regime_id).or_default().push(VersionOut {
            version: v.version,
            published_at: v.published_at,
            effective_from: v.effective_from,
            definition: serde_json::from_str(&v.definition).unwrap_or(serde_json::Value::Null),
        });
    }
    Ok(regimes
        .into_iter()
        .map(|r| RegimeOut {
            versions: versions.remove(&r.id).unwrap_or_default(),
            id: r.id,
            code: r.code,
            name: r.name,
            current_version: r.current_version,
            active: r.active,
        })
        .collect())
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodOut {
    pub key: String,
    pub label: String,
    pub frequency: String,
    pub year: i32,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

pub fn period_out(p: &Period) -> PeriodOut {
    let ((y1, m1), (y2, m2)) = p.months();
    PeriodOut {
        key: p.key(),
        label: p.label(),
        frequency: p.frequency().code().to_string(),
        year: p.year(),
        from: domain::period::date(y1, m1, 1),
        to: domain::period::last_day_of_month(y2, m2),
    }
}

/// The periods that have at least one report, newest first.
pub async fn periods(db: &crate::Db, _client: &ApiClient) -> Result<Vec<PeriodOut>> {
    let keys: Vec<String> = report::Entity::find().select_only().column(report::Column::PeriodKey).distinct().into_tuple().all(db).await?;
    let mut out: Vec<PeriodOut> = keys.iter().filter_map(|k| Period::parse_key(k).ok()).map(|p| period_out(&p)).collect();
    out.sort_by(|a, b| (b.to, &b.key).cmp(&(a.to, &a.key)));
    Ok(out)
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportOut {
    pub id: i32,
    pub regime_code: String,
    pub regime_version: i32,
    pub unit_code: String,
    pub period_key: String,
    /// `nhap`, `cho_duyet`, `da_gui`, `da_tiep_nhan`, `tra_lai`…
    pub status: String,
    /// Sent or accepted: its figures are the unit's delivered figures
    /// (otherwise a draft still being written).
    pub delivered: bool,
    pub row_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub on_time: Option<bool>,
    pub approved_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    pub regime: Option<String>,
    pub period: Option<String>,
    pub unit: Option<String>,
    pub status: Option<String>,
    /// The last id of the previous page.
    pub after: Option<String>,
    pub limit: Option<u64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportPage {
    pub reports: Vec<ReportOut>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

struct Names {
    regimes: HashMap<i32, String>,
    versions: HashMap<i32, i32>,
    units: HashMap<i32, String>,
}

/// Codes by id: only the columns needed (a regime version's definition
/// is not loaded).
async fn names(db: &crate::Db) -> Result<Names> {
    let regimes: Vec<(i32, String)> =
        regime::Entity::find().select_only().column(regime::Column::Id).column(regime::Column::Code).into_tuple().all(db).await?;
    let versions: Vec<(i32, i32)> = regime_version::Entity::find()
        .select_only()
        .column(regime_version::Column::Id)
        .column(regime_version::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    let units: Vec<(i32, String)> =
        org_unit::Entity::find().select_only().column(org_unit::Column::Id).column(org_unit::Column::Code).into_tuple().all(db).await?;
    Ok(Names { regimes: regimes.into_iter().collect(), versions: versions.into_iter().collect(), units: units.into_iter().collect() })
}

/// Whether a report's status makes its figures delivered ones.
pub fn is_delivered(status: &str) -> bool {
    domain::report::ReportStatus::from_code(status).is_some_and(|s| s.is_delivered())
}

fn report_out(n: &Names, r: report::Model) -> ReportOut {
    let regime_code = n.regimes.get(&r.regime_id).cloned().unwrap_or_default();
    let regime_version = n.versions.get(&r.regime_version_id).copied().unwrap_or_default();
    let unit_code = n.units.get(&r.unit_id).cloned().unwrap_or_default();
    report_out_named(r, regime_code, regime_version, unit_code)
}

fn report_out_named(r: report::Model, regime_code: String, regime_version: i32, unit_code: String) -> ReportOut {
    ReportOut {
        id: r.id,
        regime_code,
        regime_version,
        unit_code,
        period_key: r.period_key,
        delivered: is_delivered(&r.status),
        status: r.status,
        row_version: r.row_version,
        created_at: r.created_at,
        updated_at: r.updated_at,
        sent_at: r.sent_at,
        on_time: r.on_time,
        approved_at: r.approved_at,
        reviewed_at: r.reviewed_at,
    }
}

pub const MAX_PAGE: u64 = 1000;

pub async fn reports(db: &crate::Db, _client: &ApiClient, f: ReportFilter) -> Result<ReportPage> {
    let after = domain::feed::parse_after_id(f.after.as_deref()).map_err(|m| ServiceError::field("after", m))?;
    let limit = f.limit.unwrap_or(200).clamp(1, MAX_PAGE);
    let n = names(db).await?;
    let mut q = report::Entity::find().filter(report::Column::Id.gt(after));
    if let Some(code) = f.regime.as_deref().filter(|s| !s.is_empty()) {
        let id = n
            .regimes
            .iter()
            .find(|(_, c)| c.as_str() == code)
            .map(|(id, _)| *id)
            .ok_or_else(|| ServiceError::field("regime", format!("Không có chế độ báo cáo mã «{}».", super::clip(code))))?;
        q = q.filter(report::Column::RegimeId.eq(id));
    }
    if let Some(code) = f.unit.as_deref().filter(|s| !s.is_empty()) {
        let id = n
            .units
            .iter()
            .find(|(_, c)| c.as_str() == code)
            .map(|(id, _)| *id)
            .ok_or_else(|| ServiceError::field("unit", format!("Không có đơn vị mã «{}».", super::clip(code))))?;
        q = q.filter(report::Column::UnitId.eq(id));
    }
    if let Some(key) = f.period.as_deref().filter(|s| !s.is_empty()) {
        let p = Period::parse_key(key).map_err(|_| {
            ServiceError::field("period", format!("Kỳ báo cáo «{}» không hợp lệ (ví dụ 2025-07, 2025-Q3, 2025-S1, 2025-N9, 2025).", super::clip(key)))
        })?;
        q = q.filter(report::Column::PeriodKey.eq(p.key()));
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        if domain::report::ReportStatus::from_code(s).is_none() {
            return Err(ServiceError::field("status", format!("Trạng thái «{}» không hợp lệ.", super::clip(s))));
        }
        q = q.filter(report::Column::Status.eq(s));
    }
    let mut rows = q.order_by_asc(report::Column::Id).limit(limit + 1).all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(|r| r.id.to_string()) } else { None };
    Ok(ReportPage { reports: rows.into_iter().map(|r| report_out(&n, r)).collect(), next })
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ValueOut {
    pub indicator: String,
    /// Breakdown part code; empty for the total.
    pub part: String,
    /// Numbers as exact decimal strings ("1234.5"), yes/no as booleans,
    /// dates as "YYYY-MM-DD", text as text; null when only a comment or
    /// unreadable text is stored.
    pub value: serde_json::Value,
    /// Text a unit typed that could not be read as a figure (drafts only).
    pub unreadable: Option<String>,
    pub comment: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportValues {
    pub report: ReportOut,
    pub values: Vec<ValueOut>,
}

/// A typed value as the API shows it.
pub fn value_json(spec: &IndicatorSpec, v: &Value) -> serde_json::Value {
    match v {
        Value::Num(n) => serde_json::Value::String(Dec::from_scaled(*n, spec.effective_scale()).to_string()),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Date(d) => serde_json::Value::String(d.format("%Y-%m-%d").to_string()),
        Value::Text(t) => serde_json::Value::String(t.clone()),
    }
}

/// A report whose figures are not delivered yet (a draft, awaiting the
/// leader, returned), asked for by a token that may not write its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotDelivered {
    pub status_label: String,
}

/// Whether a client reads a report's figures and texts: delivered reports
/// (sent or accepted) always; a token that may write the report's unit (the
/// sector software writing its drafts) at any status.
pub fn may_read(client: &ApiClient, status: domain::report::ReportStatus, unit_id: i32) -> bool {
    status.is_delivered() || client.may_write_unit(unit_id)
}

/// A report loaded for a client, with its head as the API shows it; a
/// report the client may not read yet is `Err(NotDelivered)`.
pub async fn readable_report(
    db: &crate::Db,
    client: &ApiClient,
    report_id: i32,
) -> Result<std::result::Result<(crate::reports::Loaded, ReportOut), NotDelivered>> {
    let l = crate::reports::load(db, report_id).await?;
    if !may_read(client, l.status, l.report.unit_id) {
        return Ok(Err(NotDelivered { status_label: l.status.label().to_string() }));
    }
    let unit_code = org_unit::Entity::find_by_id(l.report.unit_id).one(db).await?.map(|u| u.code).unwrap_or_default();
    let head = report_out_named(l.report.clone(), l.regime.code.clone(), l.version, unit_code);
    Ok(Ok((l, head)))
}

/// A report's figures. Only delivered reports (sent or accepted) are read by
/// default; a token that may write the report's unit reads them back at any
/// status ([`may_read`]).
pub async fn report_values(db: &crate::Db, client: &ApiClient, report_id: i32) -> Result<std::result::Result<ReportValues, NotDelivered>> {
    let (l, head) = match readable_report(db, client, report_id).await? {
        Ok(r) => r,
        Err(nd) => return Ok(Err(nd)),
    };
    let IndicatorIds { by_id, .. } = &l.ids;
    let rows =
        report_value::Entity::find().filter(report_value::Column::ReportId.eq(report_id)).order_by_asc(report_value::Column::Id).all(db).await?;
    let mut values = Vec::new();
    for v in rows {
        let Some(code) = by_id.get(&v.indicator_id) else { continue };
        let Some(spec) = l.specs.get(code) else { continue };
        let value = if v.invalid { None } else { decode(spec, v.num, v.txt.as_deref()) };
        values.push(ValueOut {
            indicator: code.clone(),
            part: v.part.clone(),
            value: value.as_ref().map(|x| value_json(spec, x)).unwrap_or(serde_json::Value::Null),
            unreadable: if v.invalid { v.txt.clone() } else { None },
            comment: v.comment,
            updated_at: v.updated_at,
        });
    }
    values.sort_by(|a, b| (&a.indicator, &a.part).cmp(&(&b.indicator, &b.part)));
    Ok(Ok(ReportValues { report: head, values }))
}
