//! The leaders' pages as plain data: the dashboard of a node, the pivot
//! and its files, the digital-data share.

use super::{Figures, IndicatorInfo, digital, figures};
use crate::{Result, ServiceError};
use domain::Actor;
use domain::aggregate::Counted;
use domain::dashboard::*;
use domain::dec::Dec;
use domain::digital::Share;
use domain::indicator::Aggregation;
use domain::period::{Frequency, Period};
use entity::{key_indicator, regime_plan, report};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::{HashMap, HashSet};

/// Every period a leader can pick in a year, newest first.
pub fn period_choices(years: &[i32]) -> Vec<Choice> {
    let mut out = vec![];
    for y in years {
        let mut ps = vec![Period::Year { year: *y }, Period::NineMonths { year: *y }];
        ps.extend(Period::all_in_year(Frequency::HalfYear, *y).into_iter().rev());
        ps.extend(Period::all_in_year(Frequency::Quarterly, *y).into_iter().rev());
        ps.extend(Period::all_in_year(Frequency::Monthly, *y).into_iter().rev());
        out.extend(ps.into_iter().map(|p| Choice { value: p.key(), label: p.label() }));
    }
    out
}

/// The period asked for, or the month before today's.
pub fn pick_period(key: Option<&str>, today: chrono::NaiveDate) -> Result<Period> {
    use chrono::Datelike;
    match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => match Period::parse_key(k) {
            Ok(p) if !matches!(p, Period::OneOff { .. }) => Ok(p),
            _ => Err(ServiceError::field("ky", format!("Kỳ tổng hợp \"{k}\" không hợp lệ (ví dụ: 2025-07, 2025-Q3, 2025-S1, 2025-N9, 2025)."))),
        },
        None => {
            let (y, m) = domain::period::add_months(today.year(), today.month(), -1);
            Ok(Period::Month { year: y, month: m })
        }
    }
}

pub fn pick_counted(code: Option<&str>) -> Counted {
    code.and_then(Counted::from_code).unwrap_or_default()
}

/// Display places: the indicator's own for stored figures, two for averages and rates.
pub fn places(i: &IndicatorInfo) -> u32 {
    if i.rate.is_some() || i.aggregation == Aggregation::Average { (i.scale as u32).max(2) } else { i.scale as u32 }
}

fn cell_of(f: &Figures, node: i32, i: &IndicatorInfo) -> Result<(FigureCell, Option<Dec>)> {
    let c = f.cell(node, i.id, "")?;
    Ok((FigureCell::new(c.value, places(i), c.reported, c.expected, c.accepted, c.double_reported), c.value))
}

/// The indicators on the dashboard: the administrator's choice, or the
/// first numeric provincial statistical indicators.
pub async fn key_indicators<C: ConnectionTrait>(db: &C) -> Result<Vec<i32>> {
    let picked: Vec<i32> =
        key_indicator::Entity::find().order_by_asc(key_indicator::Column::Position).all(db).await?.into_iter().map(|k| k.indicator_id).collect();
    if !picked.is_empty() {
        return Ok(picked);
    }
    let all = super::indicator_infos(db, None).await?;
    let mut ids: Vec<i32> = all.iter().filter(|i| i.statistical && i.aggregation != Aggregation::None).map(|i| i.id).take(4).collect();
    if ids.is_empty() {
        ids = all.iter().filter(|i| i.aggregation != Aggregation::None).map(|i| i.id).take(4).collect();
    }
    Ok(ids)
}

pub struct DashQuery {
    pub period: Option<String>,
    pub node: Option<i32>,
    pub indicator: Option<i32>,
    pub counted: Option<String>,
}

fn breadcrumb(f: &Figures, node: i32) -> Vec<(i32, String)> {
    let mut out = vec![];
    let mut cur = Some(node);
    while let Some(id) = cur {
        let Some(u) = f.unit(id) else { break };
        out.push((u.id, u.name.clone()));
        if id == f.scope {
            break;
        }
        cur = u.parent_id;
    }
    out.reverse();
    out
}

pub async fn dashboard<C: ConnectionTrait>(db: &C, actor: &Actor, q: DashQuery, today: chrono::NaiveDate) -> Result<Dashboard> {
    let period = pick_period(q.period.as_deref(), today)?;
    let counted = pick_counted(q.counted.as_deref());
    let key = key_indicators(db).await?;
    let mut ids = key.clone();
    let all = super::indicator_infos(db, None).await?;
    let chosen = q.indicator.filter(|i| all.iter().any(|x| x.id == *i)).or(ids.first().copied()).or(all.first().map(|i| i.id));
    if let Some(c) = chosen
        && !ids.contains(&c)
    {
        ids.push(c);
    }
    let f = figures(db, actor, Some(&ids), period, counted).await?;
    let node = q.node.unwrap_or(f.scope);
    if !f.in_scope(node) {
        return Err(ServiceError::forbidden());
    }
    let ly_period = period.same_period_last_year();
    let ly = figures(db, actor, Some(&ids), ly_period, counted).await?;
    let nodes: HashSet<i32> = f.tree.subtree(node).into_iter().collect();
    let mut tiles = vec![];
    for id in &key {
        let Some(i) = f.indicator(*id) else { continue };
        let (value, raw) = cell_of(&f, node, i)?;
        let (last_year, ly_raw) = cell_of(&ly, node, i)?;
        let plan = plan_progress(db, &f, i, &nodes, &period, node).await?;
        let anomaly = anomaly(&f, &ly, i, node, &period, raw)?;
        tiles.push(Tile {
            indicator_id: i.id,
            code: i.code.clone(),
            name: i.name.clone(),
            uom: i.uom.clone(),
            change: change_text(raw, ly_raw),
            value,
            last_year,
            plan,
            anomaly,
        });
    }
    let ind = chosen.and_then(|c| f.indicator(c)).cloned();
    let breakdown = match &ind {
        Some(i) if !i.parts.is_empty() => Some(breakdown(&f, i, node, &period)?),
        _ => None,
    };
    let (ranking, ranking_title, ranking_current) = match &ind {
        Some(i) => commune_ranking_of(&f, i, node, &period)?,
        None => (vec![], String::new(), String::new()),
    };
    let (node_cell, children, trend, trend_last_year, trend_svg, bars_svg, label, projection, projection_note) = match &ind {
        None => (FigureCell::default(), vec![], vec![], vec![], String::new(), String::new(), String::new(), None, String::new()),
        Some(i) => {
            let (node_cell, _) = cell_of(&f, node, i)?;
            let mut children = vec![];
            let mut bar_rows: Vec<(String, Option<Dec>, String)> = vec![];
            for u in f.children(node) {
                let (cell, raw) = cell_of(&f, u.id, i)?;
                bar_rows.push((u.name.clone(), raw, cell.text.clone()));
                children.push(NodeRow { unit_id: u.id, name: u.name.clone(), is_group: !f.tree.children(u.id).is_empty(), cell });
            }
            let series = |fig: &Figures, year: i32| -> Result<Vec<Point>> {
                Period::all_in_year(period.frequency(), year)
                    .into_iter()
                    .map(|p| {
                        let r = fig.at(p)?;
                        let c = r.cell(&fig.tree, node, i.id, "").map_err(|e| ServiceError::Internal(format!("{e:?}")))?;
                        Ok(Point {
                            label: p.label(),
                            value: FigureCell::new(c.value, places(i), c.reported, c.reported, c.accepted, c.double_reported),
                            raw: c.value,
                        })
                    })
                    .collect()
            };
            let trend = series(&f, period.year())?;
            let trend_ly = series(&ly, ly_period.year())?;
            let short: Vec<String> = Period::all_in_year(period.frequency(), period.year()).iter().map(short_label).collect();
            let label = format!("{} ({})", i.name, i.uom);
            let a: Vec<Option<Dec>> = trend.iter().map(|p| p.raw).collect();
            let b: Vec<Option<Dec>> = trend_ly.iter().map(|p| p.raw).collect();
            let (y1, y0) = (period.year().to_string(), ly_period.year().to_string());
            let current = Period::all_in_year(period.frequency(), period.year()).iter().position(|p| *p == period).unwrap_or(0);
            let projected = if i.rate.is_some() {
                Err("Không dự báo tỷ lệ: tỷ lệ được tính lại từ tử số và mẫu số.".to_string())
            } else {
                domain::forecast::project(&a, &b, current, i.aggregation)
            };
            let proj_series: Vec<Option<Dec>> = match &projected {
                // Joined to the last observed figure, so the dashed line continues the year's.
                Ok(p) => p.periods.iter().enumerate().map(|(k, band)| if k == current { a[k] } else { band.map(|b| b.value) }).collect(),
                Err(_) => vec![],
            };
            let forecast_name = "Dự báo";
            let mut lines: Vec<(&str, &[Option<Dec>])> = vec![(y1.as_str(), a.as_slice()), (y0.as_str(), b.as_slice())];
            if !proj_series.is_empty() {
                lines.push((forecast_name, proj_series.as_slice()));
            }
            let trend_svg = line_svg(&format!("Xu hướng: {label}"), &short, &lines);
            let fmt = |d: Dec| domain::numfmt::format_dec(d.round(places(i)));
            let (projection, projection_note) = match projected {
                Ok(p) => (
                    Some(ProjectionView {
                        title: format!("Dự báo cả năm {}", period.year()),
                        value: fmt(p.year_end.value),
                        low: fmt(p.year_end.low),
                        high: fmt(p.year_end.high),
                        method: domain::forecast::method_text(&p),
                        periods: p
                            .periods
                            .iter()
                            .map(|b| b.map(|b| format!("{} ({} – {})", fmt(b.value), fmt(b.low), fmt(b.high))).unwrap_or_default())
                            .collect(),
                    }),
                    String::new(),
                ),
                Err(why) => (None, why),
            };
            let bars_svg = bars_svg(&format!("{label} theo đơn vị, {}", period.label()), &bar_rows);
            (node_cell, children, trend, trend_ly, trend_svg, bars_svg, label, projection, projection_note)
        }
    };
    let reports = if f.tree.children(node).is_empty() { reports_of(db, node, &period).await? } else { vec![] };
    let years = [period.year().max(today_year(today)), period.year().max(today_year(today)) - 1, period.year().max(today_year(today)) - 2];
    Ok(Dashboard {
        node_id: node,
        node_name: f.unit(node).map(|u| u.name.clone()).unwrap_or_default(),
        breadcrumb: breadcrumb(&f, node),
        period_key: period.key(),
        period_label: period.label(),
        counted: counted.code().into(),
        periods: period_choices(&years),
        indicators: all.iter().map(|i| Choice { value: i.id.to_string(), label: format!("{} – {}", i.code, i.name) }).collect(),
        tiles,
        indicator_id: chosen.unwrap_or(0),
        indicator_label: label,
        node_cell,
        children,
        trend,
        trend_last_year,
        trend_svg,
        bars_svg,
        reports,
        rounding: ROUNDING_NOTE.into(),
        key_codes: actor
            .is_admin()
            .then(|| key.iter().filter_map(|id| all.iter().find(|i| i.id == *id)).map(|i| i.code.as_str()).collect::<Vec<_>>().join(", ")),
        projection,
        projection_note,
        breakdown,
        breakdown_indicators: all
            .iter()
            .filter(|i| !i.parts.is_empty())
            .map(|i| Choice { value: i.id.to_string(), label: format!("{} – {}", i.code, i.name) })
            .collect(),
        ranking,
        ranking_title,
        ranking_current,
    })
}

/// The chosen indicator's breakdown parts, stacked: by child unit, or for a
/// unit without children by period of the year (the roll-up's own part
/// figures: parts roll up with their totals).
pub fn breakdown(f: &Figures, i: &IndicatorInfo, node: i32, period: &Period) -> Result<Breakdown> {
    let internal = |e: domain::dec::DecError| ServiceError::Internal(format!("roll-up: {e:?}"));
    let names: Vec<String> = i.parts.iter().map(|p| p.1.clone()).collect();
    let row = |label: String, unit_id: i32, cell: &dyn Fn(&str) -> Result<domain::aggregate::Cell>| -> Result<StackRow> {
        let total = cell("")?;
        let mut parts = vec![];
        let mut raw_parts = vec![];
        for (code, _) in &i.parts {
            let c = cell(code)?;
            raw_parts.push(c.value);
            parts.push(FigureCell::new(c.value, places(i), c.reported, c.expected, c.accepted, c.double_reported));
        }
        let st = stack(&raw_parts, total.value);
        let fmt = |d: Dec| domain::numfmt::format_dec(d.round(places(i)));
        let mut notes = vec![];
        if let Some(rest) = st.segments.iter().find(|s| s.kind == SegmentKind::Unsplit) {
            notes.push(format!("Chưa phân tổ: {}", fmt(rest.len)));
        }
        if st.exceeds_total {
            notes.push("Tổng các phần lớn hơn tổng số".into());
        }
        if st.negative {
            notes.push("Có số âm".into());
        }
        Ok(StackRow {
            label,
            unit_id,
            shares: raw_parts.iter().map(|p| share_text(*p, total.value).unwrap_or_default()).collect(),
            parts,
            total: FigureCell::new(total.value, places(i), total.reported, total.expected, total.accepted, total.double_reported),
            note: if notes.is_empty() { "—".into() } else { notes.join("; ") },
            raw_parts,
            raw_total: total.value,
        })
    };
    let kids = f.children(node);
    let (by, rows) = if kids.is_empty() {
        let mut rows = vec![];
        for p in Period::all_in_year(period.frequency(), period.year()) {
            let r = f.at(p)?;
            rows.push(row(p.label(), 0, &|part| r.cell(&f.tree, node, i.id, part).map_err(internal))?);
        }
        (format!("theo từng kỳ năm {}", period.year()), rows)
    } else {
        let mut rows = vec![];
        for u in kids {
            rows.push(row(u.name.clone(), u.id, &|part| f.cell(u.id, i.id, part))?);
        }
        (format!("của từng đơn vị trực thuộc, {}", period.label()), rows)
    };
    let title = format!("{} ({}) phân theo {} {by}", i.name, i.uom, names.join(" / "));
    let svg = stacked_svg(&title, &names, &rows, places(i));
    Ok(Breakdown { title, parts: names, by, rows, svg })
}

/// The communes and wards under the node (for a commune: its siblings
/// under the same parent) ranked by the chosen indicator, with a title.
pub fn commune_ranking_of(f: &Figures, i: &IndicatorInfo, node: i32, period: &Period) -> Result<(Vec<RankRow>, String, String)> {
    use domain::org::OrgKind;
    let is_commune = |k: OrgKind| matches!(k, OrgKind::Commune | OrgKind::Ward);
    let base = match f.unit(node) {
        Some(u) if is_commune(u.kind) => u.parent_id.filter(|p| f.in_scope(*p)).unwrap_or(node),
        _ => node,
    };
    let inside: HashSet<i32> = f.tree.subtree(base).into_iter().collect();
    let mut rows = vec![];
    for u in f.units.iter().filter(|u| u.active && is_commune(u.kind) && inside.contains(&u.id) && f.in_scope(u.id)) {
        rows.push((u.id, u.name.clone(), f.cell(u.id, i.id, "")?.value));
    }
    if rows.is_empty() {
        return Ok((vec![], String::new(), String::new()));
    }
    let reported = rows.iter().filter(|r| r.2.is_some()).count();
    let total = rows.len();
    let scope = match f.unit(base) {
        Some(u) if u.kind == OrgKind::Province => " toàn tỉnh".to_string(),
        Some(u) if u.kind == OrgKind::Group => String::new(),
        Some(u) => format!(" thuộc {}", u.name),
        None => String::new(),
    };
    let title = format!("Xếp hạng {total} xã, phường{scope} – {}: {reported}/{total} đã báo cáo", period.label());
    let ranked = commune_ranking(rows, places(i), node);
    let current = ranked.iter().find(|r| r.current).map(|r| {
        if r.rank.is_empty() { format!("{}: chưa báo cáo", r.name) } else { format!("{}: hạng {}/{reported}, {}", r.name, r.rank, r.value) }
    });
    Ok((ranked, title, current.unwrap_or_default()))
}

/// The most key indicators the dashboard shows.
pub const MAX_KEY_INDICATORS: usize = 12;

/// The administrator picks the dashboard's key indicators by code, in order
/// (commas, semicolons or spaces between codes); none: the default choice.
pub async fn set_key_indicators(db: &crate::Db, actor: &Actor, codes: &str) -> Result<()> {
    crate::users::require_admin(actor)?;
    if codes.chars().count() > 2000 {
        return Err(ServiceError::field("chi_tieu", "Danh sách mã quá dài."));
    }
    let all = super::indicator_infos(db, None).await?;
    let mut ids: Vec<i32> = vec![];
    for code in codes.split([',', ';', ' ', '\n', '\t']).map(str::trim).filter(|c| !c.is_empty()) {
        let Some(i) = all.iter().find(|i| i.code.eq_ignore_ascii_case(code)) else {
            return Err(ServiceError::field("chi_tieu", format!("Không có chỉ tiêu đang dùng mã «{}».", crate::feeds::clip(code))));
        };
        if i.aggregation == Aggregation::None {
            return Err(ServiceError::field(
                "chi_tieu",
                format!("Chỉ tiêu {} không tổng hợp được (cách tổng hợp «không»), không đặt làm chỉ tiêu chính được.", i.code),
            ));
        }
        if !ids.contains(&i.id) {
            ids.push(i.id);
        }
    }
    if ids.len() > MAX_KEY_INDICATORS {
        return Err(ServiceError::field("chi_tieu", format!("Chọn tối đa {MAX_KEY_INDICATORS} chỉ tiêu chính (đã nêu {}).", ids.len())));
    }
    let txn = db.begin().await?;
    key_indicator::Entity::delete_many().exec(&txn).await?;
    for (n, id) in ids.iter().enumerate() {
        key_indicator::ActiveModel { indicator_id: Set(*id), position: Set(n as i32) }.insert(&txn).await?;
    }
    let shown: Vec<&str> = ids.iter().filter_map(|id| all.iter().find(|i| i.id == *id)).map(|i| i.code.as_str()).collect();
    crate::audit::record(&txn, Some(actor.user_id), "dat_chi_tieu_chinh", "", &shown.join(", ")).await?;
    txn.commit().await?;
    Ok(())
}

fn today_year(t: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    t.year()
}

/// "T7", "Q3", "6T đầu", … for chart axes.
pub fn short_label(p: &Period) -> String {
    match *p {
        Period::Month { month, .. } => format!("T{month}"),
        Period::Quarter { quarter, .. } => format!("Q{quarter}"),
        Period::HalfYear { half: 2, .. } => "6T cuối".into(),
        Period::HalfYear { .. } => "6T đầu".into(),
        Period::NineMonths { .. } => "9T".into(),
        Period::Year { year } => year.to_string(),
        Period::OneOff { .. } => p.label(),
    }
}

/// Progress to the yearly plan (sum indicators): the year-to-date figure ÷
/// the sum of the units' plans in the subtree.
async fn plan_progress<C: ConnectionTrait>(
    db: &C,
    f: &Figures,
    i: &IndicatorInfo,
    nodes: &HashSet<i32>,
    period: &Period,
    node: i32,
) -> Result<Option<String>> {
    if i.aggregation != Aggregation::Sum {
        return Ok(None);
    }
    let plans = regime_plan::Entity::find()
        .filter(regime_plan::Column::IndicatorId.eq(i.id))
        .filter(regime_plan::Column::Year.eq(period.year()))
        .all(db)
        .await?;
    // One plan per unit (several regimes may carry the same plan: the largest).
    let mut by_unit: HashMap<i32, i64> = HashMap::new();
    for p in plans.into_iter().filter(|p| nodes.contains(&p.unit_id)) {
        let e = by_unit.entry(p.unit_id).or_insert(p.num);
        *e = (*e).max(p.num);
    }
    if by_unit.is_empty() {
        return Ok(None);
    }
    // Plans are typed by administrators up to i64::MAX each: a total that
    // overflows shows no progress rather than a wrapped figure.
    let Some(total) = by_unit.values().try_fold(0i64, |a, b| a.checked_add(*b)) else {
        return Ok(None);
    };
    let plan = Dec::from_scaled(total, i.scale);
    let mut ytd = Dec::ZERO;
    let mut any = false;
    for p in period.year_to_date() {
        let r = f.at(p)?;
        if let Some(v) = r.cell(&f.tree, node, i.id, "").map_err(|e| ServiceError::Internal(format!("{e:?}")))?.value {
            ytd = ytd.checked_add(v).map_err(|e| ServiceError::Internal(format!("{e:?}")))?;
            any = true;
        }
    }
    let share = share_text(any.then_some(ytd), Some(plan)).unwrap_or_else(|| "chưa có số liệu".into());
    Ok(Some(format!("Kế hoạch năm {}: lũy kế đạt {share}", domain::numfmt::format_dec(plan.round(i.scale as u32)))))
}

/// The node's figure against its own history (the earlier periods of the
/// same kind this year and all of last year).
fn anomaly(f: &Figures, ly: &Figures, i: &IndicatorInfo, node: i32, period: &Period, now: Option<Dec>) -> Result<Option<String>> {
    let Some(now) = now else { return Ok(None) };
    let mut history = vec![];
    for (fig, year) in [(ly, period.year() - 1), (f, period.year())] {
        for p in Period::all_in_year(period.frequency(), year) {
            if year == period.year() && p.months().1 >= period.months().1 {
                break;
            }
            let r = fig.at(p)?;
            if let Some(v) = r.cell(&fig.tree, node, i.id, "").map_err(|e| ServiceError::Internal(format!("{e:?}")))?.value {
                history.push(v);
            }
        }
    }
    Ok(domain::aggregate::unusual_text(&history, now))
}

/// A unit's reports for periods within the target, to drill down to.
async fn reports_of<C: ConnectionTrait>(db: &C, unit: i32, period: &Period) -> Result<Vec<ReportLink>> {
    let mut keys = vec![];
    for f in [Frequency::Monthly, Frequency::Quarterly, Frequency::HalfYear, Frequency::NineMonths, Frequency::Annual] {
        keys.extend(Period::all_in_year(f, period.year()).into_iter().filter(|p| domain::aggregate::within(p, period)).map(|p| p.key()));
    }
    let rows = report::Entity::find()
        .filter(report::Column::UnitId.eq(unit))
        .filter(report::Column::PeriodKey.is_in(keys))
        .order_by_asc(report::Column::PeriodKey)
        .all(db)
        .await?;
    let names: HashMap<i32, String> = crate::catalogue::regimes::labels(db).await?.into_iter().map(|(id, (_, name))| (id, name)).collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = domain::report::ReportStatus::from_code(&r.status).map(|s| s.label()).unwrap_or("");
            let label = format!(
                "{} – {} ({status})",
                names.get(&r.regime_id).cloned().unwrap_or_default(),
                Period::parse_key(&r.period_key).map(|p| p.label()).unwrap_or(r.period_key.clone())
            );
            ReportLink { report_id: r.id, label }
        })
        .collect())
}

pub struct PivotQuery {
    pub year: Option<i32>,
    pub frequency: Option<String>,
    pub indicators: Vec<i32>,
    pub node: Option<i32>,
    pub counted: Option<String>,
}

/// A pivot's rows are indicators × (the node and its children) × periods:
/// the cap keeps one request's table, and its export, a readable size.
pub const MAX_PIVOT_INDICATORS: usize = 50;

pub async fn pivot<C: ConnectionTrait>(db: &C, actor: &Actor, q: PivotQuery, today: chrono::NaiveDate) -> Result<Pivot> {
    let year = q.year.unwrap_or_else(|| today_year(today));
    if !(2000..=2200).contains(&year) {
        return Err(ServiceError::field("nam", "Năm phải từ 2000 đến 2200."));
    }
    let freq = match q.frequency.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Frequency::Monthly,
        Some(c) => Frequency::from_code(c)
            .filter(|f| *f != Frequency::OneOff)
            .ok_or_else(|| ServiceError::field("tan_suat", "Tần suất phải là tháng, quý, 6 tháng, 9 tháng hoặc năm."))?,
    };
    let counted = pick_counted(q.counted.as_deref());
    let all = super::indicator_infos(db, None).await?;
    let mut chosen: Vec<i32> = Vec::new();
    for i in q.indicators {
        if all.iter().any(|x| x.id == i) && !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    if chosen.len() > MAX_PIVOT_INDICATORS {
        return Err(ServiceError::field(
            "ct",
            format!("Chọn tối đa {MAX_PIVOT_INDICATORS} chỉ tiêu cho một bảng (đã chọn {}). Hãy bỏ bớt hoặc chia thành nhiều bảng.", chosen.len()),
        ));
    }
    if chosen.is_empty() {
        chosen = key_indicators(db).await?;
    }
    let f = figures(db, actor, Some(&chosen), Period::Year { year }, counted).await?;
    let node = q.node.unwrap_or(f.scope);
    if !f.in_scope(node) {
        return Err(ServiceError::forbidden());
    }
    let periods = Period::all_in_year(freq, year);
    let rollups = periods.iter().map(|p| f.at(*p)).collect::<Result<Vec<_>>>()?;
    let mut units = vec![node];
    units.extend(f.children(node).iter().map(|u| u.id));
    let mut rows = vec![];
    for id in &chosen {
        let Some(i) = f.indicator(*id) else { continue };
        for u in &units {
            let mut cells = vec![];
            for r in &rollups {
                let c = r.cell(&f.tree, *u, i.id, "").map_err(|e| ServiceError::Internal(format!("{e:?}")))?;
                cells.push(FigureCell::new(c.value, places(i), c.reported, c.reported, c.accepted, c.double_reported));
            }
            rows.push(PivotRow {
                indicator: format!("{} – {} ({})", i.code, i.name, i.uom),
                unit: f.unit(*u).map(|x| x.name.clone()).unwrap_or_default(),
                cells,
            });
        }
    }
    Ok(Pivot {
        year,
        frequency: freq.code().into(),
        counted: counted.code().into(),
        node_id: node,
        headers: periods.iter().map(|p| p.label()).collect(),
        rows,
        indicators: all.iter().map(|i| Choice { value: i.id.to_string(), label: format!("{} – {}", i.code, i.name) }).collect(),
        chosen,
        rounding: ROUNDING_NOTE.into(),
    })
}

/// The pivot as CSV (UTF-8 with BOM, numbers with a dot as in the page's figures, unrounded beyond the page's places).
pub fn pivot_csv(p: &Pivot) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let mut head = vec!["Chỉ tiêu".to_string(), "Đơn vị".to_string()];
    head.extend(p.headers.iter().cloned());
    w.write_record(&head).map_err(|e| ServiceError::Internal(e.to_string()))?;
    for r in &p.rows {
        let mut rec = vec![r.indicator.clone(), r.unit.clone()];
        rec.extend(r.cells.iter().map(|c| c.plain.clone()));
        w.write_record(&rec).map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    w.into_inner().map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The pivot as an XLSX workbook (numbers as numbers, missing cells empty).
pub fn pivot_xlsx(p: &Pivot) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tong hop").map_err(err)?;
    let bold = Format::new().set_bold();
    // One format per number of places, as the figure was rounded (a
    // Vietnamese-locale Excel shows 1.234,5).
    let mut formats: HashMap<u8, Format> = HashMap::new();
    ws.write_string_with_format(0, 0, format!("Bảng tổng hợp năm {}", p.year), &bold).map_err(err)?;
    ws.write_string_with_format(2, 0, "Chỉ tiêu", &bold).map_err(err)?;
    ws.write_string_with_format(2, 1, "Đơn vị", &bold).map_err(err)?;
    for (k, h) in p.headers.iter().enumerate() {
        ws.write_string_with_format(2, 2 + k as u16, h, &bold).map_err(err)?;
    }
    for (n, r) in p.rows.iter().enumerate() {
        let row = 3 + n as u32;
        ws.write_string(row, 0, &r.indicator).map_err(err)?;
        ws.write_string(row, 1, &r.unit).map_err(err)?;
        for (k, c) in r.cells.iter().enumerate() {
            if let Ok(v) = c.plain.parse::<f64>() {
                let places = c.plain.split_once('.').map(|(_, f)| f.len().min(9) as u8).unwrap_or(0);
                let num = formats.entry(places).or_insert_with(|| Format::new().set_num_format(crate::excel::write::number_format(places)));
                ws.write_number_with_format(row, 2 + k as u16, v, num).map_err(err)?;
            }
        }
    }
    ws.set_column_width(0, 48).map_err(err)?;
    ws.set_column_width(1, 32).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

fn share_row(label: String, s: &Share) -> ShareRow {
    ShareRow {
        label,
        provided: s.provided,
        total: s.total,
        percent: s.percent().map(|p| format!("{} %", domain::numfmt::format_dec(p))).unwrap_or_else(|| "—".into()),
    }
}

pub const DEFINITION: &str = "Một chỉ tiêu thuộc hệ thống chỉ tiêu thống kê cấp tỉnh được tính là « đã cung cấp dưới dạng dữ liệu số » trong một kỳ khi: (1) có ít nhất một chế độ báo cáo đã ban hành trên hệ thống yêu cầu đơn vị báo cáo chỉ tiêu đó cho kỳ này; và (2) mọi đơn vị được yêu cầu đều đã có số liệu cho trọn kỳ (số của chính kỳ đó hoặc đủ các tháng, quý trong kỳ) trong báo cáo đã gửi hoặc đã tiếp nhận (hoặc chỉ báo cáo đã tiếp nhận, theo lựa chọn), dù nhập trên biểu mẫu, nhập từ Excel hay gửi qua API. Báo cáo nháp và ô nhập sai không được tính; thiếu một đơn vị là chưa đạt. Tỷ lệ = số chỉ tiêu đã cung cấp ÷ tổng số chỉ tiêu thống kê cấp tỉnh.";

pub const FIGURES_DEFINITION: &str = "Một « số liệu báo cáo » là một cặp (chỉ tiêu dạng số, đơn vị) mà một chế độ báo cáo đã ban hành và có hiệu lực trên hệ thống yêu cầu đơn vị báo cáo cho kỳ này (đơn vị được hai chế độ cùng yêu cầu một chỉ tiêu vẫn chỉ tính một số liệu; các phần phân tổ đi cùng tổng số, không tính riêng). Số liệu được tính là « đã cung cấp dưới dạng dữ liệu số » khi đơn vị đã có số cho trọn kỳ trong báo cáo đã gửi hoặc đã tiếp nhận (hoặc chỉ báo cáo đã tiếp nhận, theo lựa chọn), nhập trên biểu mẫu, từ Excel hay qua API; chỉ tiêu tỷ lệ được tính khi có đủ tử số và mẫu số. Số liệu đơn vị gửi mà không được yêu cầu không được tính. Tỷ lệ = số liệu đã cung cấp ÷ tổng số liệu được yêu cầu.";

pub const REGIMES_DEFINITION: &str = "Một chế độ báo cáo đang áp dụng trong danh mục được tính là « đã đưa lên hệ thống » trong kỳ khi: (1) đã ban hành biểu mẫu trên hệ thống; (2) phiên bản đã ban hành có hiệu lực chậm nhất vào ngày cuối kỳ; (3) phiên bản đó giao ít nhất một đơn vị báo cáo đang hoạt động; và (4) biểu mẫu có ít nhất một chỉ tiêu. Chế độ đã ngừng áp dụng không được tính. Tỷ lệ = số chế độ đã đưa lên hệ thống ÷ tổng số chế độ đang áp dụng; mục tiêu 100 %.";

pub async fn digital_page<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    period: Option<&str>,
    counted: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<DigitalPage> {
    if !actor.sees_whole_province() {
        return Err(ServiceError::forbidden());
    }
    let period = pick_period(period, today)?;
    let counted = pick_counted(counted);
    // The page's period and the year's quarters and year, read once.
    let trend_periods: Vec<Period> =
        Period::all_in_year(Frequency::Quarterly, period.year()).into_iter().chain([Period::Year { year: period.year() }]).collect();
    let mut all = digital::figures_in_year(db, actor, &[&[period][..], &trend_periods].concat(), counted).await?;
    let fig = all.remove(0);
    let units: HashMap<i32, String> = crate::org::list_units(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let target = digital::target(db, period.year()).await?;
    let s = &fig.summary;
    let mut trend = vec![];
    let (mut trend_figures, mut trend_regimes) = (vec![], vec![]);
    let (mut trend_vals, mut figure_vals, mut regime_vals) = (vec![], vec![], vec![]);
    let mut labels = vec![];
    for f in &all {
        let p = f.period;
        trend_vals.push(f.summary.province.percent());
        figure_vals.push(f.figures.percent());
        regime_vals.push(f.regime_share.percent());
        labels.push(short_label(&p));
        trend.push(share_row(p.label(), &f.summary.province));
        trend_figures.push(share_row(p.label(), &f.figures));
        trend_regimes.push(share_row(p.label(), &f.regime_share));
    }
    let trend_svg = line_svg(
        &format!("Tỷ lệ dữ liệu số theo kỳ, năm {} (%)", period.year()),
        &labels,
        &[("Chỉ tiêu thống kê", &trend_vals), ("Số liệu báo cáo", &figure_vals), ("Chế độ trên hệ thống", &regime_vals)],
    );
    let by_id: HashMap<i32, &domain::digital::FlaggedIndicator> = fig.indicators.iter().map(|i| (i.id, i)).collect();
    Ok(DigitalPage {
        period_key: period.key(),
        period_label: period.label(),
        counted: counted.code().into(),
        periods: period_choices(&[today_year(today), today_year(today) - 1, today_year(today) - 2]),
        definition: DEFINITION.into(),
        province: share_row("Toàn tỉnh".into(), &s.province),
        target: target.map(|(pm, _)| format!("{} %", domain::numfmt::format_dec(digital::per_mille_to_percent(pm)))),
        target_note: match target {
            Some((_, true)) => format!("Mục tiêu năm {} do quản trị hệ thống đặt.", period.year()),
            Some((_, false)) => "Mục tiêu theo Đề án (Quyết định 1836/QĐ-UBND ngày 21/7/2025): 50 % năm 2025.".into(),
            None => format!("Chưa đặt mục tiêu cho năm {}.", period.year()),
        },
        meets: target.map(|(pm, _)| s.province.meets(digital::per_mille_to_percent(pm))),
        by_sector: s.by_sector.iter().map(|(k, v)| share_row(if k.is_empty() { "(chưa ghi lĩnh vực)".into() } else { k.clone() }, v)).collect(),
        by_owner: s
            .by_owner
            .iter()
            .map(|(k, v)| share_row(k.and_then(|id| units.get(&id).cloned()).unwrap_or_else(|| "(chưa ghi đơn vị chủ trì)".into()), v))
            .collect(),
        trend,
        trend_svg,
        missing: s
            .missing
            .iter()
            .filter_map(|(id, owing)| {
                let i = by_id.get(id)?;
                Some(MissingRow {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    owner: i.owner.and_then(|o| units.get(&o).cloned()).unwrap_or_default(),
                    owing: owing.iter().filter_map(|u| units.get(u).cloned()).collect(),
                })
            })
            .collect(),
        can_set_target: actor.is_admin(),
        figures: share_row("Số liệu báo cáo".into(), &fig.figures),
        figures_meets: target.map(|(pm, _)| fig.figures.meets(digital::per_mille_to_percent(pm))),
        figures_definition: FIGURES_DEFINITION.into(),
        trend_figures,
        regimes: share_row("Chế độ báo cáo".into(), &fig.regime_share),
        regimes_meets: fig.regime_share.meets(Dec::from_int(100)),
        regimes_definition: REGIMES_DEFINITION.into(),
        trend_regimes,
        regimes_missing: fig
            .regimes
            .iter()
            .filter_map(|r| Some(RegimeGap { code: r.code.clone(), name: r.name.clone(), reason: r.missing_reason()?.into() }))
            .collect(),
    })
}
