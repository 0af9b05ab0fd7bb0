//! Aggregates, completeness and the 50 % figure for machine clients.
//!
//! Aggregates are read live like the leaders' pages (`crate::aggregate`):
//! a figure sent a moment ago is in the next pull. A pull may cover every
//! month of a year for every indicator and unit, so it is made one period
//! at a time: the facts of the year are read once, and each period's rows
//! are written out before the next period is rolled up, so the server holds
//! one period's rows, never the whole answer.

use super::ApiClient;
use crate::aggregate::{self, Figures};
use crate::{Result, ServiceError};
use domain::aggregate::Counted;
use domain::office::BoardFilter;
use domain::org::OrgKind;
use domain::period::{Frequency, Period};
use domain::{Actor, Role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;

/// The most indicators one aggregate pull may name (all active ones when
/// none is named).
pub const MAX_NAMED_INDICATORS: usize = 500;

/// Machine clients read the whole province, as the provincial roles do.
fn actor(client: &ApiClient) -> Actor {
    Actor { user_id: client.user_id, role: Role::Machine, unit_id: 0 }
}

/// The query of `/api/v1/aggregates`, as sent.
#[derive(Clone, Debug, Default)]
pub struct AggregateQuery {
    /// One period key (`2025-07`, `2025-Q3`, `2025-S1`, `2025-N9`, `2025`).
    pub period: Option<String>,
    /// Or every period of a frequency in a year.
    pub year: Option<i32>,
    /// `thang` (default), `quy`, `6thang`, `9thang`, `nam`.
    pub frequency: Option<String>,
    /// Indicator codes separated by commas (all active indicators when empty).
    pub indicators: Option<String>,
    /// One unit, group or the province: only that node's rows.
    pub unit: Option<String>,
    /// `da_gui` (sent or accepted, default) or `da_tiep_nhan` (accepted only).
    pub counted: Option<String>,
}

/// One figure: an indicator (or one of its breakdown parts) for a unit, a
/// group or the province in a period, with who reported it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AggregateRow {
    pub indicator: String,
    /// A breakdown part's code; "" for the indicator's total.
    pub part: String,
    pub unit: String,
    /// `tinh`, `nhom`, `so_nganh`, `xa`, `phuong`…
    pub unit_kind: String,
    pub period: String,
    /// Exact decimal with a dot; null when there is no figure (never zero):
    /// nobody reported (see `reported`), the indicator does not add up
    /// across units, or a rate lacks its denominator.
    pub value: Option<String>,
    /// Units of this node that reported the figure.
    pub reported: usize,
    /// Units of this node expected to report it.
    pub expected: usize,
    /// Of those reported, units whose figures are all accepted.
    pub accepted: usize,
}

/// A pull, ready to be written period by period.
pub struct AggregatePull {
    pub periods: Vec<Period>,
    pub counted: Counted,
    figures: Figures,
    /// (indicator id, code, parts) asked for.
    indicators: Vec<(i32, String, Vec<String>)>,
    /// (node id, code, kind) in reference order.
    nodes: Vec<(i32, String, OrgKind)>,
}

/// The periods a query names: one, or a frequency's periods in a year.
pub fn periods_of(q: &AggregateQuery) -> Result<Vec<Period>> {
    match (&q.period, q.year) {
        (Some(_), None) if q.frequency.as_deref().is_some_and(|f| !f.trim().is_empty()) => {
            Err(ServiceError::field("frequency", "frequency chỉ đi cùng year (mọi kỳ trong năm); với period, bỏ frequency."))
        }
        (Some(key), None) => {
            let p = Period::parse_key(key.trim()).map_err(|_| {
                ServiceError::field(
                    "period",
                    format!("Kỳ «{}» không hợp lệ (ví dụ 2025-07, 2025-Q3, 2025-S1, 2025-N9, 2025).", crate::feeds::clip(key)),
                )
            })?;
            Ok(vec![p])
        }
        (None, Some(year)) => {
            if !(2000..=2100).contains(&year) {
                return Err(ServiceError::field("year", "Năm phải từ 2000 đến 2100."));
            }
            let code = q.frequency.as_deref().unwrap_or("thang").trim();
            let f = Frequency::from_code(code).filter(|f| *f != Frequency::OneOff).ok_or_else(|| {
                ServiceError::field(
                    "frequency",
                    format!("Tần suất «{}» không hợp lệ: thang, quy, 6thang, 9thang hoặc nam.", crate::feeds::clip(code)),
                )
            })?;
            Ok(Period::all_in_year(f, year))
        }
        (Some(_), Some(_)) => Err(ServiceError::field("period", "Chỉ nêu một trong hai: period, hoặc year (kèm frequency).")),
        (None, None) => Err(ServiceError::field("period", "Cần nêu kỳ (period=2025-07) hoặc năm (year=2025, kèm frequency).")),
    }
}

/// Checks the query and reads the year's facts once.
pub async fn plan_aggregates(db: &crate::Db, client: &ApiClient, q: AggregateQuery) -> Result<AggregatePull> {
    let actor = actor(client);
    let periods = periods_of(&q)?;
    let first = *periods.first().ok_or_else(|| ServiceError::field("period", "Năm này không có kỳ nào của tần suất đã nêu."))?;
    let counted = match q.counted.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Counted::default(),
        Some(c) => Counted::from_code(c).ok_or_else(|| {
            ServiceError::field(
                "counted",
                format!("«{}» không hợp lệ: da_gui (đã gửi hoặc đã tiếp nhận) hoặc da_tiep_nhan (chỉ đã tiếp nhận).", crate::feeds::clip(c)),
            )
        })?,
    };
    let all = aggregate::indicator_infos(db, None).await?;
    let named: Option<Vec<i32>> = match q.indicators.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(list) => {
            let codes: Vec<&str> = list.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
            if codes.len() > MAX_NAMED_INDICATORS {
                return Err(ServiceError::field("indicators", format!("Nêu tối đa {MAX_NAMED_INDICATORS} chỉ tiêu mỗi lần.")));
            }
            let mut ids = vec![];
            for c in codes {
                let i = all
                    .iter()
                    .find(|i| i.code == c)
                    .ok_or_else(|| ServiceError::field("indicators", format!("Không có chỉ tiêu đang dùng mã «{}».", crate::feeds::clip(c))))?;
                if !ids.contains(&i.id) {
                    ids.push(i.id);
                }
            }
            Some(ids)
        }
    };
    let figures = aggregate::figures(db, &actor, named.as_deref(), first, counted).await?;
    let asked: Vec<i32> = named.unwrap_or_else(|| all.iter().map(|i| i.id).collect());
    let indicators: Vec<(i32, String, Vec<String>)> = figures
        .indicators
        .iter()
        .filter(|i| asked.contains(&i.id))
        .map(|i| (i.id, i.code.clone(), i.parts.iter().map(|p| p.0.clone()).collect()))
        .collect();
    let mut nodes: Vec<(i32, String, OrgKind)> =
        figures.units.iter().filter(|u| figures.in_scope(u.id)).map(|u| (u.id, u.code.clone(), u.kind)).collect();
    if let Some(code) = q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        nodes.retain(|n| n.1 == code);
        if nodes.is_empty() {
            return Err(ServiceError::field("unit", format!("Không có đơn vị mã «{}».", crate::feeds::clip(code))));
        }
    }
    Ok(AggregatePull { periods, counted, figures, indicators, nodes })
}

impl AggregatePull {
    /// The rows of the `i`-th period: every node × indicator × part that has
    /// a figure or was expected to (nothing to say is left out).
    pub fn rows(&self, i: usize) -> Result<Vec<AggregateRow>> {
        let Some(period) = self.periods.get(i).copied() else { return Ok(vec![]) };
        let key = period.key();
        let rollup = self.figures.rollup_for(period)?;
        let mut out = vec![];
        for (node, code, kind) in &self.nodes {
            for (ind, ind_code, parts) in &self.indicators {
                for part in std::iter::once("").chain(parts.iter().map(String::as_str)) {
                    // One figure that cannot be computed (a rate overflowing)
                    // is missing, not the end of the whole pull.
                    let c = match rollup.cell(&self.figures.tree, *node, *ind, part) {
                        Ok(c) => c,
                        Err(e) => {
                            tracing::warn!(indicator = %ind_code, node, period = %key, error = ?e, "aggregate figure not computed");
                            continue;
                        }
                    };
                    if c.value.is_none() && c.reported == 0 && c.expected == 0 {
                        continue;
                    }
                    out.push(AggregateRow {
                        indicator: ind_code.clone(),
                        part: part.to_string(),
                        unit: code.clone(),
                        unit_kind: kind.code().to_string(),
                        period: key.clone(),
                        value: c.value.map(|v| v.to_string()),
                        reported: c.reported,
                        expected: c.expected,
                        accepted: c.accepted,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// Completeness of a month: each regime's period ending in it, per unit
/// and in total (the board's figures).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Completeness {
    /// `2025-07`: the month whose ending periods are counted.
    pub month: String,
    pub total: TallyOut,
    pub regimes: Vec<CompletenessRegime>,
    pub units: Vec<CompletenessUnit>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TallyOut {
    pub expected: u32,
    /// Sent or accepted.
    pub sent: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub accepted: u32,
    /// Missing and past the deadline.
    pub overdue: u32,
    /// sent ÷ expected × 100, one place as the office's board shows it; null when nothing was expected.
    pub reporting_rate: Option<String>,
    /// on_time ÷ expected × 100, one place.
    pub timeliness_rate: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CompletenessRegime {
    pub regime: String,
    pub period: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub tally: TallyOut,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CompletenessUnit {
    pub unit: String,
    pub tally: TallyOut,
    pub reports: Vec<CompletenessCell>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CompletenessCell {
    pub regime: String,
    pub period: String,
    /// `chua_lap`, `dang_nhap`, `cho_duyet`, `dung_han`, `gui_muon`, `tra_lai`, `tiep_nhan`, `qua_han`.
    pub status: String,
    pub days_late: Option<i64>,
    pub report_id: Option<i32>,
}

/// The board's own rate (per mille, one place in percent) as `"66.7"`.
fn rate(r: Option<domain::board::Rate>) -> Option<String> {
    r.map(|r| format!("{}.{}", r.0 / 10, r.0 % 10))
}

fn tally(t: &domain::board::Tally) -> TallyOut {
    TallyOut {
        expected: t.expected,
        sent: t.sent,
        on_time: t.on_time,
        late: t.late,
        missing: t.missing,
        accepted: t.accepted,
        overdue: t.overdue,
        reporting_rate: rate(t.completion()),
        timeliness_rate: rate(t.timeliness()),
    }
}

/// The board of a month (`2025-07`), optionally one regime's column.
pub async fn completeness(
    db: &crate::Db,
    client: &ApiClient,
    month: &str,
    regime: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Completeness> {
    let actor = actor(client);
    let (year, m) = match Period::parse_key(month.trim()) {
        Ok(Period::Month { year, month }) => (year, month),
        _ => return Err(ServiceError::field("month", format!("Tháng «{}» không hợp lệ (ví dụ 2025-07).", crate::feeds::clip(month)))),
    };
    let regime_id = match regime.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(
            entity::regime::Entity::find()
                .filter(entity::regime::Column::Code.eq(code))
                .one(db)
                .await?
                .map(|r| r.id)
                .ok_or_else(|| ServiceError::field("regime", format!("Không có chế độ báo cáo mã «{}».", crate::feeds::clip(code))))?,
        ),
    };
    let filter = BoardFilter { year, month: m, regime_id, ..Default::default() };
    let b = crate::board::matrix::board(db, &actor, filter, now).await?;
    let regimes = b
        .columns
        .iter()
        .map(|c| CompletenessRegime {
            regime: c.regime_code.clone(),
            period: c.period_key.clone(),
            deadline: c.deadline.to_string(),
            tally: tally(&c.tally),
        })
        .collect();
    let units = b
        .rows
        .iter()
        .map(|r| CompletenessUnit {
            unit: r.unit_code.clone(),
            tally: tally(&r.tally),
            reports: r
                .cells
                .iter()
                .zip(&b.columns)
                .filter_map(|(c, col)| {
                    c.as_ref().map(|c| CompletenessCell {
                        regime: col.regime_code.clone(),
                        period: col.period_key.clone(),
                        status: c.cell.status.code().to_string(),
                        days_late: c.cell.days_late,
                        report_id: c.report_id,
                    })
                })
                .collect(),
        })
        .collect();
    Ok(Completeness { month: format!("{year}-{m:02}"), total: tally(&b.total), regimes, units })
}

/// The 50 % figure: the share of the province's statistical indicators
/// provided as digital data in a period, against the year's target.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DigitalShare {
    pub period: String,
    pub counted: String,
    pub provided: usize,
    pub total: usize,
    /// provided ÷ total × 100, exact to two places; null when no indicator is flagged.
    pub percent: Option<String>,
    /// The year's target in percent; null when none is set.
    pub target_percent: Option<String>,
    pub meets_target: Option<bool>,
    pub by_sector: Vec<SectorShare>,
    /// Statistical indicators not provided, with the units that owe them.
    pub missing: Vec<MissingIndicator>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SectorShare {
    pub sector: String,
    pub provided: usize,
    pub total: usize,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MissingIndicator {
    pub indicator: String,
    pub owing_units: Vec<String>,
}

pub async fn digital_share(db: &crate::Db, client: &ApiClient, period: &str, counted: Option<&str>) -> Result<DigitalShare> {
    let actor = actor(client);
    let p = Period::parse_key(period.trim())
        .map_err(|_| ServiceError::field("period", format!("Kỳ «{}» không hợp lệ (ví dụ 2025, 2025-Q3).", crate::feeds::clip(period))))?;
    let counted = match counted.map(str::trim).filter(|c| !c.is_empty()) {
        None => Counted::default(),
        Some(c) => Counted::from_code(c).ok_or_else(|| ServiceError::field("counted", "counted phải là da_gui hoặc da_tiep_nhan."))?,
    };
    let f = aggregate::digital::figure(db, &actor, p, counted).await?;
    let target = aggregate::digital::target(db, p.year()).await?.map(|(pm, _)| aggregate::digital::per_mille_to_percent(pm));
    let percent = f.summary.province.percent();
    let units: HashMap<i32, String> = crate::org::list_units(db).await?.into_iter().map(|u| (u.id, u.code)).collect();
    let codes: HashMap<i32, String> = f.indicators.iter().map(|i| (i.id, i.code.clone())).collect();
    Ok(DigitalShare {
        period: p.key(),
        counted: counted.code().to_string(),
        provided: f.summary.province.provided,
        total: f.summary.province.total,
        percent: percent.map(|d| d.round(2).to_string()),
        target_percent: target.map(|t| t.to_string()),
        meets_target: target.filter(|_| f.summary.province.total > 0).map(|t| f.summary.province.meets(t)),
        by_sector: f.summary.by_sector.iter().map(|(s, sh)| SectorShare { sector: s.clone(), provided: sh.provided, total: sh.total }).collect(),
        missing: f
            .summary
            .missing
            .iter()
            .map(|(id, owing)| MissingIndicator {
                indicator: codes.get(id).cloned().unwrap_or_default(),
                owing_units: owing.iter().filter_map(|u| units.get(u).cloned()).collect(),
            })
            .collect(),
    })
}
