//! The completion board (units × regimes for a month), its trend, and a
//! unit's own record (its regimes × recent months). Reports are read as
//! narrow tuples (no narrative text) in one query per board.

use super::expected::{Column, Expectations};
use super::require_province;
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::board::{Cell, ReportFacts, Tally, cell, recent_months, recent_periods};
use domain::datefmt::vn_today;
use domain::office::{
    Board, BoardCell, BoardColumn, BoardFilter, BoardRow, BoardSort, Choice, Trend, TrendPoint, TrendSeries, UnitRecord, UnitRecordRow,
};
use domain::org::OrgKind;
use domain::period::Period;
use domain::report::ReportStatus;
use domain::views::UnitRow;
use entity::report;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap};

/// A started report as the board needs it.
#[derive(Clone, Copy)]
pub(crate) struct Found {
    pub id: i32,
    pub facts: ReportFacts,
    pub sent_at: Option<DateTime<Utc>>,
}

type Key = (i32, i32, String);

/// The reports of these regimes' periods (optionally of one unit), by (regime, unit, period).
pub(crate) async fn fetch<C: ConnectionTrait>(db: &C, wanted: &BTreeMap<i32, Vec<String>>, unit: Option<i32>) -> Result<HashMap<Key, Found>> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let mut any = Condition::any();
    for (regime_id, keys) in wanted {
        any = any.add(Condition::all().add(report::Column::RegimeId.eq(*regime_id)).add(report::Column::PeriodKey.is_in(keys.clone())));
    }
    let mut q = report::Entity::find()
        .select_only()
        .columns([
            report::Column::Id,
            report::Column::RegimeId,
            report::Column::UnitId,
            report::Column::PeriodKey,
            report::Column::Status,
            report::Column::OnTime,
            report::Column::SentAt,
        ])
        .filter(any);
    if let Some(u) = unit {
        q = q.filter(report::Column::UnitId.eq(u));
    }
    let rows: Vec<(i32, i32, i32, String, String, Option<bool>, Option<DateTime<Utc>>)> = q.into_tuple().all(db).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for (id, regime_id, unit_id, period_key, status, on_time, sent_at) in rows {
        let status = crate::codes::decode(&status, ReportStatus::from_code, "report.status")?;
        let facts = ReportFacts { status, on_time, sent_on: sent_at.map(vn_today) };
        out.insert((regime_id, unit_id, period_key), Found { id, facts, sent_at });
    }
    Ok(out)
}

fn board_cell(col: &Column<'_>, unit_id: i32, found: &HashMap<Key, Found>, today: chrono::NaiveDate) -> BoardCell {
    let f = found.get(&(col.regime.id, unit_id, col.period.key()));
    BoardCell { cell: cell(f.map(|f| f.facts), col.deadline, today), report_id: f.map(|f| f.id), sent_at: f.and_then(|f| f.sent_at) }
}

/// Reporting units, and the name of each unit's group.
pub(crate) fn reporting_units(units: &[UnitRow]) -> (Vec<&UnitRow>, HashMap<i32, String>) {
    let names: HashMap<i32, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let reporting = units.iter().filter(|u| u.active && u.kind.is_reporting_unit()).collect();
    (reporting, names)
}

fn check_month(f: &BoardFilter) -> Result<()> {
    if !(1..=12).contains(&f.month) || !(2000..=2200).contains(&f.year) {
        return Err(ServiceError::field("thang", "Tháng phải theo dạng tháng/năm, ví dụ 09/2025."));
    }
    Ok(())
}

/// The board for a month, narrowed as the filter asks.
pub async fn board<C: ConnectionTrait>(db: &C, actor: &Actor, filter: BoardFilter, now: DateTime<Utc>) -> Result<Board> {
    require_province(actor)?;
    check_month(&filter)?;
    let ex = Expectations::load(db).await?;
    let units = crate::org::list_units(db).await?;
    build(db, &ex, &units, filter, now).await
}

pub(crate) async fn build<C: ConnectionTrait>(
    db: &C,
    ex: &Expectations,
    units: &[UnitRow],
    filter: BoardFilter,
    now: DateTime<Utc>,
) -> Result<Board> {
    let today = vn_today(now);
    let columns = ex.columns(filter.year, filter.month, filter.regime_id, filter.sector.as_deref());
    let mut wanted: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for c in &columns {
        wanted.entry(c.regime.id).or_default().push(c.period.key());
    }
    let found = fetch(db, &wanted, filter.unit_id).await?;
    let (reporting, names) = reporting_units(units);
    let mut rows = Vec::new();
    let mut col_tallies = vec![Tally::default(); columns.len()];
    let mut total = Tally::default();
    for u in reporting {
        if filter.group_id.is_some_and(|g| u.parent_id != Some(g)) || filter.unit_id.is_some_and(|id| id != u.id) {
            continue;
        }
        let cells: Vec<Option<BoardCell>> = columns.iter().map(|c| c.expects(u.id).then(|| board_cell(c, u.id, &found, today))).collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let mut tally = Tally::default();
        for (i, c) in cells.iter().enumerate() {
            if let Some(c) = c {
                tally.add(&c.cell);
                col_tallies[i].add(&c.cell);
            }
        }
        total.merge(&tally);
        rows.push(BoardRow {
            unit_id: u.id,
            unit_code: u.code.clone(),
            unit_name: u.name.clone(),
            group_name: u.parent_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
            cells,
            tally,
        });
    }
    if filter.sort == BoardSort::Lateness {
        let worst = |r: &BoardRow| r.cells.iter().flatten().filter_map(|c| c.cell.days_late).max().unwrap_or(0);
        rows.sort_by_key(|r| {
            (std::cmp::Reverse(r.tally.overdue), std::cmp::Reverse(worst(r)), std::cmp::Reverse(r.tally.missing), r.unit_name.clone())
        });
    }
    let columns = columns
        .iter()
        .zip(col_tallies)
        .map(|(c, tally)| BoardColumn {
            regime_id: c.regime.id,
            regime_code: c.regime.code.clone(),
            regime_name: c.regime.name.clone(),
            period_key: c.period.key(),
            period_label: c.period.label(),
            deadline: c.deadline,
            tally,
        })
        .collect();
    let regimes = ex.regimes.iter().map(|r| Choice { value: r.id.to_string(), label: format!("{} — {}", r.code, r.name) }).collect();
    let sectors = ex
        .regimes
        .iter()
        .flat_map(|r| r.sectors())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|s| Choice { value: s.clone(), label: s })
        .collect();
    let groups = units.iter().filter(|u| u.kind == OrgKind::Group).map(|g| Choice { value: g.id.to_string(), label: g.name.clone() }).collect();
    let month_label = Period::Month { year: filter.year, month: filter.month }.label();
    Ok(Board { filter, month_label, today, columns, rows, total, regimes, sectors, groups })
}

/// Completion and on-time rates over the 12 periods up to the board's month:
/// per regime (its own periods), and per unit group and the province (each
/// month's expected reports of every regime).
pub async fn trend<C: ConnectionTrait>(db: &C, actor: &Actor, filter: &BoardFilter, now: DateTime<Utc>) -> Result<Trend> {
    require_province(actor)?;
    check_month(filter)?;
    let today = vn_today(now);
    let ex = Expectations::load(db).await?;
    let units = crate::org::list_units(db).await?;
    let (reporting, names) = reporting_units(&units);
    let in_scope: Vec<&UnitRow> = reporting.into_iter().filter(|u| filter.group_id.is_none_or(|g| u.parent_id == Some(g))).collect();
    let months = recent_months(filter.year, filter.month, 12);
    // Every (regime, period) the trend looks at: the months' columns and each regime's own last 12 periods.
    let mut month_columns: Vec<Vec<Column<'_>>> = Vec::new();
    for (y, m) in &months {
        month_columns.push(ex.columns(*y, *m, filter.regime_id, filter.sector.as_deref()));
    }
    let mut regime_columns: Vec<(String, Vec<Column<'_>>)> = Vec::new();
    for c in ex.columns(filter.year, filter.month, filter.regime_id, filter.sector.as_deref()).iter() {
        let periods = recent_periods(c.period.frequency(), filter.year, filter.month, 12);
        let cols: Vec<Column<'_>> = periods.iter().filter_map(|p| ex.column_for(c.regime.id, p)).collect();
        regime_columns.push((format!("{} — {}", c.regime.code, c.regime.name), cols));
    }
    let mut wanted: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for c in month_columns.iter().flatten().chain(regime_columns.iter().flat_map(|(_, cs)| cs.iter())) {
        let keys = wanted.entry(c.regime.id).or_default();
        if !keys.contains(&c.period.key()) {
            keys.push(c.period.key());
        }
    }
    let found = fetch(db, &wanted, None).await?;
    let tally_of = |cols: &[Column<'_>], unit_filter: &dyn Fn(&UnitRow) -> bool| {
        let mut t = Tally::default();
        for c in cols {
            for u in in_scope.iter().filter(|u| unit_filter(u)) {
                if c.expects(u.id) {
                    t.add(&board_cell(c, u.id, &found, today).cell);
                }
            }
        }
        t
    };
    let by_regime = regime_columns
        .iter()
        .map(|(label, cols)| TrendSeries {
            label: label.clone(),
            points: cols.iter().map(|c| TrendPoint { label: c.period.label(), tally: tally_of(std::slice::from_ref(c), &|_| true) }).collect(),
        })
        .collect();
    let mut groups: Vec<(String, Option<i32>)> = vec![("Toàn tỉnh".into(), None)];
    let mut seen = std::collections::BTreeSet::new();
    for u in &in_scope {
        if let Some(p) = u.parent_id
            && seen.insert(p)
        {
            groups.push((names.get(&p).cloned().unwrap_or_default(), Some(p)));
        }
    }
    let by_group = groups
        .into_iter()
        .map(|(label, gid)| TrendSeries {
            label,
            points: months
                .iter()
                .zip(&month_columns)
                .map(|((y, m), cols)| TrendPoint {
                    label: format!("{m:02}/{y}"),
                    tally: tally_of(cols, &|u: &UnitRow| gid.is_none_or(|g| u.parent_id == Some(g))),
                })
                .collect(),
        })
        .collect();
    Ok(Trend { by_regime, by_group })
}

/// A unit's own record: each regime expected of it in the last 12 months ×
/// those months. Its clerks and leader see it, and province-wide roles.
pub async fn unit_record<C: ConnectionTrait>(db: &C, actor: &Actor, unit_id: i32, now: DateTime<Utc>) -> Result<UnitRecord> {
    if !actor.can_read_unit(unit_id) {
        return Err(ServiceError::Forbidden("Bạn chỉ được xem tình hình báo cáo của đơn vị mình.".into()));
    }
    let unit = crate::org::find_unit(db, unit_id).await?;
    let today = vn_today(now);
    let ex = Expectations::load(db).await?;
    let months = recent_months(chrono::Datelike::year(&today), chrono::Datelike::month(&today), 12);
    let per_month: Vec<Vec<Column<'_>>> =
        months.iter().map(|(y, m)| ex.columns(*y, *m, None, None).into_iter().filter(|c| c.expects(unit_id)).collect()).collect();
    let mut wanted: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for c in per_month.iter().flatten() {
        wanted.entry(c.regime.id).or_default().push(c.period.key());
    }
    let found = fetch(db, &wanted, Some(unit_id)).await?;
    let mut rows = Vec::new();
    let mut total = Tally::default();
    for r in &ex.regimes {
        let cells: Vec<Option<(String, BoardCell)>> = per_month
            .iter()
            .map(|cols| cols.iter().find(|c| c.regime.id == r.id).map(|c| (c.period.label(), board_cell(c, unit_id, &found, today))))
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let mut tally = Tally::default();
        for (_, c) in cells.iter().flatten() {
            tally.add(&c.cell);
        }
        total.merge(&tally);
        rows.push(UnitRecordRow { regime_id: r.id, regime_name: r.name.clone(), cells, tally });
    }
    let months = months.iter().map(|(y, m)| Period::Month { year: *y, month: *m }.label()).collect();
    Ok(UnitRecord { unit_id, unit_name: unit.name, months, rows, total })
}

/// A cell in words, with its days late: "Quá hạn chưa gửi (3 ngày)".
pub fn words(c: &Cell) -> String {
    match c.days_late {
        Some(d) if d > 0 => format!("{} ({d} ngày)", c.status.label()),
        _ => c.status.label().to_string(),
    }
}
