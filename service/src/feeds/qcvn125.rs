//! QCVN 125:2021/BTTTT messages for machine clients: the thirteen packets
//! of the standard, built from what the other `/api/v1` readers already
//! read ([`super::read`], [`super::aggregates`], the board's expectations,
//! the catalogue), so the access rules are theirs: machine-client tokens
//! read the whole province; figures and outline texts only of delivered
//! reports, or of drafts of a unit the token may write ([`read::may_read`]).
//! The wire names live in `domain::qcvn125`, nowhere else.
//!
//! Every message is bounded: catalogues are as large as the catalogue;
//! reports and KPI data are paged (`after`/`limit`, `trangTiep`); the
//! period catalogue is one year; a figures message is one report.

use super::ApiClient;
use super::aggregates::{self, AggregateQuery};
use super::read::{self, NotDelivered, ReportFilter, ReportOut};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::period::Period;
use domain::qcvn125::{self as q, Envelope, MessageType, Payload};
use domain::regime::RegimeDoc;
use std::collections::HashMap;

/// The most reports one `so-lieu-danh-sach` page carries (each with all its figures).
pub const MAX_FIGURE_REPORTS: u64 = 100;
/// The most rows one `so-lieu-chi-tieu` page carries.
pub const MAX_KPI_ROWS: u64 = 1000;

/// The query parameters a message may take (each message reads its own).
#[derive(Clone, Debug, Default)]
pub struct MessageQuery {
    /// `so-lieu`, `gui-de-cuong`: the report's id.
    pub report: Option<String>,
    pub regime: Option<String>,
    pub period: Option<String>,
    pub unit: Option<String>,
    pub status: Option<String>,
    /// `ky-bao-cao`: the year of the periods.
    pub year: Option<i32>,
    /// `so-lieu-chi-tieu`: indicator codes separated by commas.
    pub indicators: Option<String>,
    /// `so-lieu-chi-tieu`: `da_gui` (default) or `da_tiep_nhan`.
    pub counted: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u64>,
}

/// A message's payload and, for a paged one, where the next page starts.
struct Built {
    payload: Payload,
    next: Option<String>,
}

/// The message `t`, in its envelope; a report the client may not read yet
/// (a `so-lieu` or `gui-de-cuong` of a draft) is `Err(NotDelivered)`.
pub async fn message(
    db: &crate::Db,
    client: &ApiClient,
    t: MessageType,
    query: MessageQuery,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Envelope, NotDelivered>> {
    let built = match t {
        MessageType::Regime | MessageType::Form | MessageType::Outline => versions(db, client, t, query.regime.as_deref()).await?,
        MessageType::Figures => match figures(db, client, &query).await? {
            Ok(b) => b,
            Err(nd) => return Ok(Err(nd)),
        },
        MessageType::ListFigures => list_figures(db, client, query).await?,
        MessageType::SentOutline => match sent_outline(db, client, &query).await? {
            Ok(b) => b,
            Err(nd) => return Ok(Err(nd)),
        },
        MessageType::ReportStatus => statuses(db, client, query).await?,
        MessageType::PeriodCatalogue => periods(db, query.year, query.regime.as_deref()).await?,
        MessageType::IndicatorCatalogue => indicators(db, client).await?,
        MessageType::KpiSet => kpi_sets(db, client).await?,
        MessageType::KpiGroup => kpi_groups(db, client).await?,
        MessageType::KpiBreakdown => breakdowns(db, client).await?,
        MessageType::KpiData => kpi_data(db, client, query).await?,
    };
    let digest = crate::auth::token_hash_bytes(&serde_json::to_vec(&built.payload).map_err(|e| ServiceError::Internal(e.to_string()))?);
    let unit = domain::org::PROVINCE_CODE.to_string();
    let id = q::message_id(&unit, now, &digest);
    Ok(Ok(Envelope::new(built.payload, id, unit, now, built.next)))
}

fn one(payload: Payload) -> Built {
    Built { payload, next: None }
}

/// `che-do-bao-cao`, `bieu-mau`, `de-cuong`: every published version of
/// every regime (or of one), from the regimes `/api/v1/regimes` lists.
async fn versions(db: &crate::Db, client: &ApiClient, t: MessageType, regime: Option<&str>) -> Result<Built> {
    let mut regimes = read::regimes(db, client).await?;
    if let Some(code) = regime.map(str::trim).filter(|s| !s.is_empty()) {
        regimes.retain(|r| r.code == code);
        if regimes.is_empty() {
            return Err(ServiceError::field("regime", format!("Không có chế độ báo cáo mã «{}».", super::clip(code))));
        }
    }
    let names: HashMap<String, (String, String)> = if t == MessageType::Form {
        read::indicators(db, client).await?.into_iter().map(|i| (i.code, (i.name, i.unit))).collect()
    } else {
        HashMap::new()
    };
    let (mut regs, mut forms, mut outlines) = (vec![], vec![], vec![]);
    for r in &regimes {
        for v in &r.versions {
            let doc: RegimeDoc = serde_json::from_value(v.definition.clone())
                .map_err(|e| ServiceError::Internal(format!("regime {} version {}: {e}", r.code, v.version)))?;
            let vin = q::VersionIn {
                regime_code: &r.code,
                active: r.active,
                version: v.version,
                published_at: v.published_at,
                effective_from: v.effective_from,
                doc: &doc,
            };
            match t {
                MessageType::Form => forms.push(q::form_msg(&vin, &|c| names.get(c).cloned())),
                MessageType::Outline => outlines.push(q::outline_msg(&vin)),
                _ => regs.push(q::regime_msg(&vin)),
            }
        }
    }
    Ok(one(match t {
        MessageType::Form => Payload::Forms(forms),
        MessageType::Outline => Payload::Outlines(outlines),
        _ => Payload::Regimes(regs),
    }))
}

fn report_ref(r: &ReportOut) -> q::ReportRef {
    q::ReportRef {
        id: r.id,
        regime_code: r.regime_code.clone(),
        version: r.regime_version,
        unit_code: r.unit_code.clone(),
        period_key: r.period_key.clone(),
        status: r.status.clone(),
        sent_at: r.sent_at,
    }
}

fn figures_msg(v: read::ReportValues) -> q::FiguresMsg {
    q::FiguresMsg {
        report: report_ref(&v.report),
        figures: v
            .values
            .into_iter()
            .map(|x| q::FigureMsg { indicator: x.indicator, part: x.part, value: x.value, comment: x.comment, updated_at: x.updated_at })
            .collect(),
    }
}

/// The `report` parameter: a report id.
fn report_id(query: &MessageQuery) -> Result<i32> {
    let raw = query.report.as_deref().map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Err(ServiceError::field("report", "Cần nêu báo cáo (report=mã số báo cáo, xem /api/v1/reports)."));
    }
    raw.parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ServiceError::field("report", format!("Mã số báo cáo «{}» không hợp lệ.", super::clip(raw))))
}

/// `so-lieu`: one report's figures, as `/api/v1/reports/{id}/values` reads them.
async fn figures(db: &crate::Db, client: &ApiClient, query: &MessageQuery) -> Result<std::result::Result<Built, NotDelivered>> {
    let id = report_id(query)?;
    Ok(read::report_values(db, client, id).await?.map(|v| one(Payload::Figures(vec![figures_msg(v)]))))
}

/// `so-lieu-danh-sach`: a page of `/api/v1/reports` (same filters and
/// cursor), each report the client may read with its figures; the others
/// are passed over (the cursor still moves past them).
async fn list_figures(db: &crate::Db, client: &ApiClient, query: MessageQuery) -> Result<Built> {
    let limit = query.limit.unwrap_or(50).clamp(1, MAX_FIGURE_REPORTS);
    let page = read::reports(db, client, filter(query, limit)).await?;
    let mut items = vec![];
    for r in &page.reports {
        // A read token never reads an undelivered report: no need to load it.
        if !r.delivered && !client.can_write() {
            continue;
        }
        if let Ok(v) = read::report_values(db, client, r.id).await? {
            items.push(figures_msg(v));
        }
    }
    Ok(Built { payload: Payload::ListFigures(items), next: page.next })
}

fn filter(query: MessageQuery, limit: u64) -> ReportFilter {
    ReportFilter { regime: query.regime, period: query.period, unit: query.unit, status: query.status, after: query.after, limit: Some(limit) }
}

/// `gui-de-cuong`: the text a unit wrote under each outline section of its report.
async fn sent_outline(db: &crate::Db, client: &ApiClient, query: &MessageQuery) -> Result<std::result::Result<Built, NotDelivered>> {
    let id = report_id(query)?;
    let (l, head) = match read::readable_report(db, client, id).await? {
        Ok(r) => r,
        Err(nd) => return Ok(Err(nd)),
    };
    let texts: Vec<String> = serde_json::from_str(&l.report.narrative).unwrap_or_default();
    Ok(Ok(one(Payload::SentOutlines(vec![q::sent_outline_msg(report_ref(&head), &l.doc, &texts)]))))
}

/// `trang-thai`: a page of `/api/v1/reports`, as statuses.
async fn statuses(db: &crate::Db, client: &ApiClient, query: MessageQuery) -> Result<Built> {
    let limit = query.limit.unwrap_or(200).clamp(1, read::MAX_PAGE);
    let page = read::reports(db, client, filter(query, limit)).await?;
    let items = page
        .reports
        .into_iter()
        .map(|r| q::StatusMsg {
            report: report_ref(&r),
            status_label: q::status_label(&r.status),
            delivered: r.delivered,
            on_time: r.on_time,
            row_version: r.row_version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            approved_at: r.approved_at,
            reviewed_at: r.reviewed_at,
        })
        .collect();
    Ok(Built { payload: Payload::Statuses(items), next: page.next })
}

/// `ky-bao-cao`: each active regime's periods of a year, with the version
/// in force and its cut-off window and deadline (the board's expectations
/// and holiday calendar).
async fn periods(db: &crate::Db, year: Option<i32>, regime: Option<&str>) -> Result<Built> {
    let year = year.ok_or_else(|| ServiceError::field("year", "Cần nêu năm của các kỳ báo cáo (year=2025)."))?;
    if !(2000..=2100).contains(&year) {
        return Err(ServiceError::field("year", "Năm phải từ 2000 đến 2100."));
    }
    let exp = crate::board::expected::Expectations::load(db).await?;
    let code = regime.map(str::trim).filter(|s| !s.is_empty());
    if let Some(c) = code
        && !exp.regimes.iter().any(|r| r.code == c)
    {
        return Err(ServiceError::field("regime", format!("Không có chế độ báo cáo đang áp dụng mã «{}».", super::clip(c))));
    }
    let mut items = vec![];
    for r in exp.regimes.iter().filter(|r| code.is_none_or(|c| c == r.code)) {
        let mut freqs: Vec<domain::period::Frequency> = r.versions.iter().map(|v| v.schedule.frequency).collect();
        freqs.sort();
        freqs.dedup();
        for f in freqs {
            for p in Period::all_in_year(f, year) {
                if let Some(v) = r.in_force(&p) {
                    let w = v.schedule.entry_window(&p, &exp.holidays);
                    items.push(q::period_msg(&r.code, v.effect.version, &p, &w));
                }
            }
        }
    }
    Ok(one(Payload::Periods(items)))
}

/// `chi-tieu`: `/api/v1/indicators` with each breakdown's parts.
async fn indicators(db: &crate::Db, client: &ApiClient) -> Result<Built> {
    let parts: HashMap<String, Vec<q::PartMsg>> = crate::catalogue::breakdowns::list(db)
        .await?
        .into_iter()
        .map(|b| (b.code, b.parts.into_iter().map(|p| q::PartMsg { code: p.code, name: p.name }).collect()))
        .collect();
    let items = read::indicators(db, client)
        .await?
        .into_iter()
        .map(|i| q::IndicatorMsg {
            parts: i.breakdown.as_ref().and_then(|b| parts.get(b).cloned()).unwrap_or_default(),
            code: i.code,
            name: i.name,
            unit: i.unit,
            value_type: i.value_type,
            scale: i.scale,
            aggregation: i.aggregation,
            sector: i.sector,
            statistical: i.statistical,
            national_code: i.national_code,
            breakdown: i.breakdown,
            public: i.public,
            active: i.active,
            updated_at: i.updated_at,
        })
        .collect();
    Ok(one(Payload::Indicators(items)))
}

/// `bo-chi-tieu`: the provincial statistical indicator system and the
/// leaders' key indicators.
async fn kpi_sets(db: &crate::Db, client: &ApiClient) -> Result<Built> {
    let all = read::indicators(db, client).await?;
    let statistical: Vec<String> = all.iter().filter(|i| i.active && i.statistical).map(|i| i.code.clone()).collect();
    let by_id: HashMap<i32, &str> = all.iter().map(|i| (i.id, i.code.as_str())).collect();
    let key: Vec<String> =
        crate::aggregate::views::key_indicators(db).await?.into_iter().filter_map(|id| by_id.get(&id).map(|c| c.to_string())).collect();
    Ok(one(Payload::KpiSets(vec![
        q::kpi_set(
            q::SET_STATISTICAL,
            "Hệ thống chỉ tiêu thống kê cấp tỉnh",
            "Các chỉ tiêu đang dùng thuộc hệ thống chỉ tiêu thống kê cấp tỉnh (mục tiêu 50 % số liệu dạng số tính trên bộ này).",
            &statistical,
        ),
        q::kpi_set(q::SET_KEY, "Chỉ tiêu chủ yếu", "Các chỉ tiêu trên trang của lãnh đạo tỉnh, theo thứ tự quản trị viên chọn.", &key),
    ])))
}

/// `nhom-chi-tieu`: indicators in use grouped by sector.
async fn kpi_groups(db: &crate::Db, client: &ApiClient) -> Result<Built> {
    let pairs: Vec<(String, String)> = read::indicators(db, client).await?.into_iter().filter(|i| i.active).map(|i| (i.code, i.sector)).collect();
    Ok(one(Payload::KpiGroups(q::kpi_groups(&pairs))))
}

/// `phan-to`: the breakdowns, their parts and the indicators using them.
async fn breakdowns(db: &crate::Db, client: &ApiClient) -> Result<Built> {
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    for i in read::indicators(db, client).await? {
        if let Some(b) = i.breakdown {
            users.entry(b).or_default().push(i.code);
        }
    }
    let items = crate::catalogue::breakdowns::list(db)
        .await?
        .into_iter()
        .map(|b| q::BreakdownMsg {
            indicators: users.remove(&b.code).unwrap_or_default(),
            code: b.code,
            name: b.name,
            parts: b.parts.into_iter().map(|p| q::PartMsg { code: p.code, name: p.name }).collect(),
        })
        .collect();
    Ok(one(Payload::Breakdowns(items)))
}

/// `so-lieu-chi-tieu`: the aggregates of one period (as `/api/v1/aggregates`
/// computes them), paged by row: `after` is the number of rows already read.
async fn kpi_data(db: &crate::Db, client: &ApiClient, query: MessageQuery) -> Result<Built> {
    if query.year.is_some() {
        return Err(ServiceError::field(
            "year",
            "Gói tin dữ liệu chỉ số nêu một kỳ (period=2025-07); số liệu cả năm lấy qua /api/v1/aggregates?year=….",
        ));
    }
    if query.period.as_deref().is_none_or(|p| p.trim().is_empty()) {
        return Err(ServiceError::field("period", "Cần nêu kỳ (period=2025-07, 2025-Q3, 2025-S1, 2025-N9, 2025)."));
    }
    let after = domain::feed::parse_after_id(query.after.as_deref()).map_err(|m| ServiceError::field("after", m))? as usize;
    let limit = query.limit.unwrap_or(500).clamp(1, MAX_KPI_ROWS) as usize;
    let aq =
        AggregateQuery { period: query.period, year: None, frequency: None, indicators: query.indicators, unit: query.unit, counted: query.counted };
    let pull = aggregates::plan_aggregates(db, client, aq).await?;
    // Rolling up a period is CPU work: off the request threads.
    let rows = tokio::task::spawn_blocking(move || pull.rows(0)).await.map_err(|e| ServiceError::Internal(format!("roll-up task: {e}")))??;
    let next = (rows.len() > after.saturating_add(limit)).then(|| (after + limit).to_string());
    let items = rows
        .into_iter()
        .skip(after)
        .take(limit)
        .map(|r| q::KpiDataMsg {
            indicator: r.indicator,
            part: r.part,
            unit: r.unit,
            unit_kind: r.unit_kind,
            period: r.period,
            value: r.value,
            reported: r.reported,
            expected: r.expected,
            accepted: r.accepted,
        })
        .collect();
    Ok(Built { payload: Payload::KpiData(items), next })
}
