//! Open data (`/du-lieu-mo`): the indicators an administrator marks public,
//! with their metadata and their accepted figures, for anyone, no sign-in.
//!
//! What is published, and nothing else:
//! - only indicators marked public (`indicator.public`), active and numeric;
//! - only figures of accepted reports (`report_value.delivery` = accepted
//!   *and* the report's status accepted, checked twice on purpose);
//! - per period that some unit stated, each unit's figure for that period
//!   (its own, or a fold of its shorter periods by the roll-up's rules in
//!   `domain::aggregate`, counting accepted reports only) and, when the
//!   indicator's aggregation allows, the province's figure with the number
//!   of units in it. A rate's numerator and denominator are read to compute
//!   the rate; they are not published unless they are public themselves.
//!
//! Numbers are exact decimals written with a dot (JSON strings, CSV text),
//! rounded like the leaders' pages (`aggregate::views::places`), never
//! through a float.

use crate::Result;
use crate::aggregate::{IndicatorInfo, RATE_FACTOR, indicator_infos, province_root, views::places};
use chrono::{DateTime, NaiveDate, Utc};
use domain::aggregate::{self, Counted, Fact, IndicatorDef, Rate, Rollup, Tree};
use domain::dec::Dec;
use domain::indicator::{Aggregation, ValueType};
use domain::period::{Period, date, last_day_of_month};
use domain::report::ReportStatus;
use domain::views::UnitRow;
use entity::{indicator, org_unit, report, report_value};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Who publishes the data.
pub const PUBLISHER: &str = "UBND tỉnh Sơn La";

/// The longest indicator code an address may carry (longer: unknown).
pub const MAX_CODE_LEN: usize = 40;

/// The licence, from the server's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Licence {
    pub name: String,
    pub url: String,
}

/// An indicator's metadata, as the page and every file state it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Meta {
    pub code: String,
    pub title: String,
    pub description: String,
    pub method: String,
    /// Đơn vị tính.
    pub unit_of_measure: String,
    pub sector: String,
    /// How figures add up over time and units ("Tổng", "Số cuối kỳ"…).
    pub aggregation: String,
    /// Mã chỉ tiêu quốc gia (QĐ 05/2023/QĐ-TTg), empty when none.
    pub national_code: String,
    /// The unit in charge of the indicator (đơn vị chủ trì), if any.
    pub source_unit: Option<String>,
    /// Figures come from the reporting units named on each row.
    pub reporting_units: usize,
    pub publisher: String,
    pub licence: String,
    pub licence_url: String,
    /// Keys of the periods with accepted figures ("2025-07", "2025-Q3"…).
    pub periods: Vec<String>,
    /// The same in words ("Tháng 1/2025 – Tháng 6/2026, 18 kỳ").
    pub periods_text: String,
    /// When the latest accepted report among the data was accepted.
    pub last_updated: Option<DateTime<Utc>>,
    pub json_url: String,
    pub csv_url: String,
}

/// One published figure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// Period key ("2025-07").
    pub period: String,
    pub period_label: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// `don_vi` (a reporting unit) or `toan_tinh` (the province).
    pub level: String,
    pub unit_code: String,
    pub unit_name: String,
    /// Breakdown part code; empty for the total.
    pub part: String,
    pub part_name: String,
    /// Exact decimal with a dot.
    pub value: String,
    /// Units whose figures make this one (1 for a unit).
    pub units_reporting: usize,
}

/// An indicator's data file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dataset {
    pub meta: Meta,
    pub figures: Vec<Figure>,
}

/// One accepted stored figure and when its report was accepted.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub fact: Fact,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// Whether an address's code could be an indicator code (anything else is
/// answered like an unknown code).
pub fn plausible_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= MAX_CODE_LEN && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// "Tháng 1/2025 – Tháng 6/2026, 18 kỳ" (one period: its label; none: "Chưa có số liệu").
pub fn describe_periods(periods: &[Period]) -> String {
    let mut sorted: Vec<&Period> = periods.iter().collect();
    sorted.sort_by_key(|p| (p.months().0, p.months().1));
    sorted.dedup();
    match sorted.as_slice() {
        [] => "Chưa có số liệu được tiếp nhận".into(),
        [one] => one.label(),
        [first, .., last] => format!("{} – {}, {} kỳ", first.label(), last.label(), sorted.len()),
    }
}

/// The first and last day of a period (ISO dates in the files).
pub fn period_dates(p: &Period) -> (NaiveDate, NaiveDate) {
    if let Period::OneOff { start, end } = *p {
        return (start, end);
    }
    let ((y1, m1), (y2, m2)) = p.months();
    (date(y1, m1, 1), last_day_of_month(y2, m2))
}

fn def_of(i: &IndicatorInfo, codes: &HashMap<String, i32>) -> IndicatorDef {
    IndicatorDef {
        id: i.id,
        aggregation: i.aggregation,
        parts: i.parts.iter().map(|p| p.0.clone()).collect(),
        rate: i
            .rate
            .as_ref()
            .and_then(|(n, d)| Some(Rate { numerator: *codes.get(n)?, denominator: *codes.get(d)?, factor: Dec::from_int(RATE_FACTOR) })),
    }
}

/// The published figures of one indicator, from accepted facts (of the
/// indicator and, for a rate, of its numerator and denominator). Pure.
pub fn figures_of(info: &IndicatorInfo, defs: &[IndicatorDef], facts: &[Accepted], units: &[UnitRow]) -> Result<Vec<Figure>> {
    let err = |e: domain::dec::DecError| crate::ServiceError::Internal(format!("roll-up: {e:?}"));
    let Some(def) = defs.iter().find(|d| d.id == info.id) else { return Ok(vec![]) };
    let tree = Tree::new(&units.iter().map(|u| (u.id, u.parent_id)).collect::<Vec<_>>());
    // Each unit on its own: a unit's figure never includes units below it.
    let alone = Tree::new(&[]);
    let root = province_root(units).ok();
    let by_id: HashMap<i32, &UnitRow> = units.iter().map(|u| (u.id, u)).collect();
    let order: HashMap<i32, usize> = units.iter().enumerate().map(|(n, u)| (u.id, n)).collect();
    let relevant: HashSet<i32> = std::iter::once(def.id).chain(def.rate.iter().flat_map(|r| [r.numerator, r.denominator])).collect();
    let mut by_year: BTreeMap<i32, Vec<Fact>> = BTreeMap::new();
    for a in facts.iter().filter(|a| relevant.contains(&a.fact.indicator) && a.fact.delivery >= aggregate::ACCEPTED) {
        by_year.entry(a.fact.period.year()).or_default().push(a.fact.clone());
    }
    let places = places(info);
    let parts: Vec<(String, String)> = std::iter::once((String::new(), "Tổng số".to_string())).chain(info.parts.iter().cloned()).collect();
    let none = HashMap::new();
    let mut out = Vec::new();
    for year_facts in by_year.values() {
        let mut periods: Vec<Period> = year_facts.iter().map(|f| f.period).collect::<BTreeSet<_>>().into_iter().collect();
        periods.sort_by_key(|p| (p.months().0, p.months().1));
        for target in periods {
            let rollup =
                Rollup::new(&aggregate::Input { facts: &[year_facts], indicators: defs, expected: &none, target, counted: Counted::AcceptedOnly })
                    .map_err(err)?;
            let (start, end) = period_dates(&target);
            let row = |level: &str, unit: &UnitRow, part: &(String, String), value: Dec, n: usize| Figure {
                period: target.key(),
                period_label: target.label(),
                period_start: start,
                period_end: end,
                level: level.into(),
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                part: part.0.clone(),
                part_name: part.1.clone(),
                value: value.round(places).to_string(),
                units_reporting: n,
            };
            for part in &parts {
                let mut reporters: Vec<i32> = rollup.reporters(def.id, &part.0).into_iter().filter(|u| by_id.contains_key(u)).collect();
                reporters.sort_by_key(|u| order.get(u).copied().unwrap_or(usize::MAX));
                for u in &reporters {
                    let c = rollup.cell(&alone, *u, def.id, &part.0).map_err(err)?;
                    if let Some(v) = c.value {
                        out.push(row("don_vi", by_id[u], part, v, 1));
                    }
                }
                if info.aggregation != Aggregation::None
                    && let Some(root) = root.and_then(|r| by_id.get(&r))
                {
                    let c = rollup.cell(&tree, root.id, def.id, &part.0).map_err(err)?;
                    if let Some(v) = c.value {
                        out.push(row("toan_tinh", root, part, v, c.reported));
                    }
                }
            }
        }
    }
    Ok(out)
}

fn meta_of(info: &IndicatorInfo, m: &indicator::Model, source_unit: Option<String>, facts: &[Accepted], reporting: usize, l: &Licence) -> Meta {
    let periods: Vec<Period> = facts.iter().map(|a| a.fact.period).collect::<BTreeSet<_>>().into_iter().collect();
    let mut sorted = periods;
    sorted.sort_by_key(|p| (p.months().0, p.months().1));
    Meta {
        code: info.code.clone(),
        title: info.name.clone(),
        description: m.description.clone(),
        method: m.method.clone(),
        unit_of_measure: info.uom.clone(),
        sector: info.sector.clone(),
        aggregation: info.aggregation.label().into(),
        national_code: m.national_code.clone(),
        source_unit,
        reporting_units: reporting,
        publisher: PUBLISHER.into(),
        licence: l.name.clone(),
        licence_url: l.url.clone(),
        periods: sorted.iter().map(|p| p.key()).collect(),
        periods_text: describe_periods(&sorted),
        last_updated: facts.iter().filter_map(|a| a.accepted_at).max(),
        json_url: format!("/du-lieu-mo/{}.json", info.code),
        csv_url: format!("/du-lieu-mo/{}.csv", info.code),
    }
}

/// The public, active, numeric indicators (catalogue rows), by code.
async fn public_rows<C: ConnectionTrait>(db: &C, code: Option<&str>) -> Result<Vec<indicator::Model>> {
    let mut q = indicator::Entity::find()
        .filter(indicator::Column::Public.eq(true))
        .filter(indicator::Column::Active.eq(true))
        .filter(indicator::Column::ValueType.is_in(ValueType::NUMERIC.map(ValueType::code)))
        .order_by_asc(indicator::Column::Code);
    if let Some(c) = code {
        q = q.filter(indicator::Column::Code.eq(c));
    }
    Ok(q.all(db).await?)
}

/// Accepted figures of some indicators (every year), with the time each report was accepted.
pub async fn accepted_facts<C: ConnectionTrait>(db: &C, infos: &[IndicatorInfo]) -> Result<Vec<Accepted>> {
    if infos.is_empty() {
        return Ok(vec![]);
    }
    let scales: HashMap<i32, u8> = infos.iter().map(|i| (i.id, i.scale)).collect();
    type Row = (i32, i32, String, i32, i32, String, i16, Option<i64>, i16, Option<DateTime<Utc>>);
    let rows: Vec<Row> = report_value::Entity::find()
        .select_only()
        .columns([
            report_value::Column::UnitId,
            report_value::Column::IndicatorId,
            report_value::Column::Part,
            report_value::Column::RegimeId,
            report_value::Column::PeriodYear,
            report_value::Column::Frequency,
            report_value::Column::Ordinal,
            report_value::Column::Num,
            report_value::Column::Delivery,
        ])
        .column(report::Column::ReviewedAt)
        .join(JoinType::InnerJoin, report_value::Relation::Report.def())
        .filter(report_value::Column::IndicatorId.is_in(scales.keys().copied().collect::<Vec<_>>()))
        .filter(report_value::Column::Delivery.gte(aggregate::ACCEPTED))
        .filter(report::Column::Status.eq(ReportStatus::Accepted.code()))
        .filter(report_value::Column::Num.is_not_null())
        .filter(report_value::Column::Invalid.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(unit, indicator, part, regime, year, freq, ordinal, num, delivery, at)| {
            Some(Accepted {
                fact: Fact {
                    unit,
                    indicator,
                    part,
                    regime,
                    period: aggregate::period_of(year, &freq, ordinal)?,
                    value: num?,
                    scale: *scales.get(&indicator)?,
                    delivery,
                },
                accepted_at: at,
            })
        })
        .collect())
}

struct Loaded {
    rows: Vec<indicator::Model>,
    infos: Vec<IndicatorInfo>,
    defs: Vec<IndicatorDef>,
    facts: Vec<Accepted>,
    owners: HashMap<i32, String>,
}

async fn load<C: ConnectionTrait>(db: &C, code: Option<&str>) -> Result<Loaded> {
    let rows = public_rows(db, code).await?;
    if rows.is_empty() {
        return Ok(Loaded { rows, infos: vec![], defs: vec![], facts: vec![], owners: HashMap::new() });
    }
    let all = indicator_infos(db, None).await?;
    let codes: HashMap<String, i32> = all.iter().map(|i| (i.code.clone(), i.id)).collect();
    let wanted: HashSet<i32> = rows.iter().map(|m| m.id).collect();
    let mut needed: HashSet<i32> = wanted.clone();
    for i in all.iter().filter(|i| wanted.contains(&i.id)) {
        if let Some((n, d)) = &i.rate {
            needed.extend([codes.get(n), codes.get(d)].into_iter().flatten());
        }
    }
    let used: Vec<IndicatorInfo> = all.into_iter().filter(|i| needed.contains(&i.id)).collect();
    let defs: Vec<IndicatorDef> = used.iter().map(|i| def_of(i, &codes)).collect();
    let facts = accepted_facts(db, &used).await?;
    let owner_ids: Vec<i32> = rows.iter().filter_map(|m| m.owner_unit_id).collect();
    let owners = org_unit::Entity::find().filter(org_unit::Column::Id.is_in(owner_ids)).all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    Ok(Loaded { rows, infos: used, defs, facts, owners })
}

fn facts_for(def: &IndicatorDef, facts: &[Accepted]) -> Vec<Accepted> {
    let relevant: HashSet<i32> = std::iter::once(def.id).chain(def.rate.iter().flat_map(|r| [r.numerator, r.denominator])).collect();
    facts.iter().filter(|a| relevant.contains(&a.fact.indicator)).cloned().collect()
}

fn assemble(l: &Loaded, m: &indicator::Model, units: &[UnitRow], licence: &Licence) -> Result<Option<Dataset>> {
    let (Some(info), Some(def)) = (l.infos.iter().find(|i| i.id == m.id), l.defs.iter().find(|d| d.id == m.id)) else { return Ok(None) };
    let facts = facts_for(def, &l.facts);
    let figures = figures_of(info, &l.defs, &facts, units)?;
    let reporting = figures.iter().filter(|f| f.level == "don_vi").map(|f| f.unit_code.as_str()).collect::<HashSet<_>>().len();
    // Periods and the last update: those of the figures published.
    let shown: HashSet<String> = figures.iter().map(|f| f.period.clone()).collect();
    let used: Vec<Accepted> = facts.into_iter().filter(|a| shown.contains(&a.fact.period.key())).collect();
    let meta = meta_of(info, m, m.owner_unit_id.and_then(|id| l.owners.get(&id).cloned()), &used, reporting, licence);
    Ok(Some(Dataset { meta, figures }))
}

/// The catalogue of published indicators with their metadata.
pub async fn catalogue<C: ConnectionTrait>(db: &C, licence: &Licence) -> Result<Vec<Meta>> {
    let l = load(db, None).await?;
    let units = crate::org::list_units(db).await?;
    let mut out = Vec::new();
    for m in &l.rows {
        if let Some(d) = assemble(&l, m, &units, licence)? {
            out.push(d.meta);
        }
    }
    Ok(out)
}

/// One published indicator's data; `None` for a code that is unknown, not
/// public, inactive or not numeric (the caller answers all alike).
pub async fn dataset<C: ConnectionTrait>(db: &C, code: &str, licence: &Licence) -> Result<Option<Dataset>> {
    if !plausible_code(code) {
        return Ok(None);
    }
    let l = load(db, Some(code)).await?;
    let Some(m) = l.rows.first() else { return Ok(None) };
    let units = crate::org::list_units(db).await?;
    assemble(&l, m, &units, licence)
}

/// Whether `code` names a published indicator (one indexed read: an
/// unknown code is answered before any file is built).
pub async fn is_published<C: ConnectionTrait>(db: &C, code: &str) -> Result<bool> {
    if !plausible_code(code) {
        return Ok(false);
    }
    let n = entity::indicator::Entity::find()
        .select_only()
        .column(entity::indicator::Column::Id)
        .filter(entity::indicator::Column::Code.eq(code))
        .filter(entity::indicator::Column::Public.eq(true))
        .filter(entity::indicator::Column::Active.eq(true))
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(n.is_some())
}

/// A number that changes whenever anything published may have changed:
/// the change log's last report-status or catalogue change. Figures are
/// published only from accepted reports, which change only through a status
/// change, so a draft's saves leave the cached files alone.
pub async fn data_version<C: ConnectionTrait>(db: &C) -> Result<i64> {
    let mut last = 0;
    for kind in ["report_status", "catalogue"] {
        let id: Option<i64> = entity::change_log::Entity::find()
            .select_only()
            .column(entity::change_log::Column::Id)
            .filter(entity::change_log::Column::Kind.eq(kind))
            .order_by_desc(entity::change_log::Column::Id)
            .limit(1)
            .into_tuple()
            .one(db)
            .await?;
        last = last.max(id.unwrap_or(0));
    }
    Ok(last)
}

fn csv_err(e: impl std::fmt::Display) -> crate::ServiceError {
    crate::ServiceError::Internal(format!("csv: {e}"))
}

fn iso(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default()
}

/// The catalogue as CSV: UTF-8 with BOM, one indicator a row, header in Vietnamese.
pub fn catalogue_csv(metas: &[Meta]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record([
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Mô tả",
        "Phương pháp tính",
        "Đơn vị tính",
        "Lĩnh vực",
        "Cách tổng hợp",
        "Mã chỉ tiêu quốc gia",
        "Đơn vị chủ trì",
        "Số đơn vị báo cáo",
        "Kỳ số liệu",
        "Cập nhật lần cuối",
        "Cơ quan công bố",
        "Giấy phép",
        "Tệp JSON",
        "Tệp CSV",
    ])
    .map_err(csv_err)?;
    for m in metas {
        w.write_record([
            m.code.as_str(),
            &m.title,
            &m.description,
            &m.method,
            &m.unit_of_measure,
            &m.sector,
            &m.aggregation,
            &m.national_code,
            m.source_unit.as_deref().unwrap_or(""),
            &m.reporting_units.to_string(),
            &m.periods.join(" "),
            &iso(m.last_updated),
            &m.publisher,
            &m.licence,
            &m.json_url,
            &m.csv_url,
        ])
        .map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

/// One indicator's figures as CSV: UTF-8 with BOM, one figure a row, the
/// metadata repeated on each row so a row stands alone.
pub fn dataset_csv(d: &Dataset) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record([
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Mã kỳ",
        "Kỳ",
        "Từ ngày",
        "Đến ngày",
        "Cấp",
        "Mã đơn vị",
        "Đơn vị",
        "Mã phân tổ",
        "Phân tổ",
        "Giá trị",
        "Số đơn vị báo cáo",
        "Cập nhật lần cuối",
        "Cơ quan công bố",
        "Giấy phép",
    ])
    .map_err(csv_err)?;
    let updated = iso(d.meta.last_updated);
    for f in &d.figures {
        w.write_record([
            d.meta.code.as_str(),
            &d.meta.title,
            &d.meta.unit_of_measure,
            &f.period,
            &f.period_label,
            &f.period_start.format("%Y-%m-%d").to_string(),
            &f.period_end.format("%Y-%m-%d").to_string(),
            if f.level == "toan_tinh" { "Toàn tỉnh" } else { "Đơn vị" },
            &f.unit_code,
            &f.unit_name,
            &f.part,
            &f.part_name,
            &f.value,
            &f.units_reporting.to_string(),
            &updated,
            &d.meta.publisher,
            &d.meta.licence,
        ])
        .map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::org::OrgKind;

    fn unit(id: i32, code: &str, parent: Option<i32>, kind: OrgKind) -> UnitRow {
        UnitRow { id, code: code.into(), name: format!("Đơn vị {code}"), short_name: code.into(), kind, parent_id: parent, active: true }
    }

    fn units() -> Vec<UnitRow> {
        vec![unit(1, "TINH", None, OrgKind::Province), unit(2, "X1", Some(1), OrgKind::Commune), unit(3, "X2", Some(1), OrgKind::Commune)]
    }

    fn info(agg: Aggregation, scale: u8) -> IndicatorInfo {
        IndicatorInfo {
            id: 10,
            code: "HC01".into(),
            name: "Số hồ sơ".into(),
            uom: "hồ sơ".into(),
            scale,
            aggregation: agg,
            parts: vec![],
            statistical: false,
            sector: "Cải cách hành chính".into(),
            owner_unit_id: None,
            rate: None,
        }
    }

    fn fact(unit: i32, month: u32, value: i64, scale: u8, delivery: i16) -> Accepted {
        Accepted {
            fact: Fact { unit, indicator: 10, part: String::new(), regime: 1, period: Period::Month { year: 2031, month }, value, scale, delivery },
            accepted_at: None,
        }
    }

    fn defs(i: &IndicatorInfo) -> Vec<IndicatorDef> {
        vec![def_of(i, &HashMap::new())]
    }

    #[test]
    fn units_and_the_province_per_stated_period_exact_and_accepted_only() {
        let i = info(Aggregation::Sum, 1);
        let facts = vec![fact(2, 7, 1505, 1, 2), fact(3, 7, 20, 1, 2), fact(3, 8, 99_999, 1, 1), fact(2, 8, 7, 1, 0)];
        let f = figures_of(&i, &defs(&i), &facts, &units()).unwrap();
        let got: Vec<(String, String, String, usize)> =
            f.iter().map(|x| (x.period.clone(), x.unit_code.clone(), x.value.clone(), x.units_reporting)).collect();
        assert_eq!(
            got,
            vec![
                ("2031-07".into(), "X1".into(), "150.5".into(), 1),
                ("2031-07".into(), "X2".into(), "2".into(), 1),
                ("2031-07".into(), "TINH".into(), "152.5".into(), 2),
            ],
            "a sent (1) or draft (0) figure never counts"
        );
        assert_eq!((f[0].period_start.to_string(), f[0].period_end.to_string()), ("2031-07-01".into(), "2031-07-31".into()));
        assert_eq!(f[2].level, "toan_tinh");
    }

    #[test]
    fn no_province_figure_when_the_aggregation_forbids_it() {
        let i = info(Aggregation::None, 0);
        let f = figures_of(&i, &defs(&i), &[fact(2, 7, 5, 0, 2), fact(3, 7, 6, 0, 2)], &units()).unwrap();
        assert_eq!(f.iter().map(|x| x.level.as_str()).collect::<Vec<_>>(), vec!["don_vi", "don_vi"]);
    }

    #[test]
    fn period_words_and_codes() {
        assert_eq!(describe_periods(&[]), "Chưa có số liệu được tiếp nhận");
        let m = |month| Period::Month { year: 2031, month };
        assert_eq!(describe_periods(&[m(7)]), "Tháng 7/2031");
        assert_eq!(describe_periods(&[m(9), m(7), m(8), m(7)]), "Tháng 7/2031 – Tháng 9/2031, 3 kỳ");
        assert_eq!(period_dates(&Period::Quarter { year: 2024, quarter: 1 }), (date(2024, 1, 1), date(2024, 3, 31)));
        assert!(plausible_code("HC01") && plausible_code("T_0101"));
        for bad in ["", "../etc", "HC01.json", "a b", "x\u{0}", &"A".repeat(41), "Đ01"] {
            assert!(!plausible_code(bad), "{bad:?}");
        }
    }

    fn meta() -> Meta {
        Meta {
            code: "HC01".into(),
            title: "Số hồ sơ, \"trực tuyến\"".into(),
            description: "Dòng 1\nDòng 2".into(),
            method: String::new(),
            unit_of_measure: "hồ sơ".into(),
            sector: "Cải cách hành chính".into(),
            aggregation: "Tổng".into(),
            national_code: String::new(),
            source_unit: Some("Văn phòng UBND tỉnh".into()),
            reporting_units: 2,
            publisher: PUBLISHER.into(),
            licence: "Giấy phép Dữ liệu mở CC BY 4.0".into(),
            licence_url: String::new(),
            periods: vec!["2031-07".into(), "2031-08".into()],
            periods_text: String::new(),
            last_updated: Some(DateTime::parse_from_rfc3339("2031-08-05T03:04:05Z").unwrap().with_timezone(&Utc)),
            json_url: "/du-lieu-mo/HC01.json".into(),
            csv_url: "/du-lieu-mo/HC01.csv".into(),
        }
    }

    #[test]
    fn csv_files_have_a_bom_a_vietnamese_header_quoting_and_iso_dates() {
        let bytes = catalogue_csv(&[meta()]).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("Mã chỉ tiêu,Tên chỉ tiêu,Mô tả,"), "{text}");
        assert!(text.contains("\"Số hồ sơ, \"\"trực tuyến\"\"\""), "a comma and quotes are quoted: {text}");
        assert!(text.contains("\"Dòng 1\nDòng 2\""));
        assert!(text.contains(",2031-07 2031-08,2031-08-05T03:04:05Z,UBND tỉnh Sơn La,Giấy phép Dữ liệu mở CC BY 4.0,"));
        let i = info(Aggregation::Sum, 1);
        let figures = figures_of(&i, &defs(&i), &[fact(2, 7, 1505, 1, 2)], &units()).unwrap();
        let text = String::from_utf8(dataset_csv(&Dataset { meta: meta(), figures }).unwrap()[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Mã chỉ tiêu,Tên chỉ tiêu,Đơn vị tính,Mã kỳ,Kỳ,Từ ngày,Đến ngày,Cấp,Mã đơn vị,Đơn vị,Mã phân tổ,Phân tổ,Giá trị,Số đơn vị báo cáo,Cập nhật lần cuối,Cơ quan công bố,Giấy phép"
        );
        assert!(
            lines[1].contains(",2031-07,Tháng 7/2031,2031-07-01,2031-07-31,Đơn vị,X1,Đơn vị X1,,Tổng số,150.5,1,2031-08-05T03:04:05Z,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].contains(",Toàn tỉnh,TINH,"), "{}", lines[2]);
        assert_eq!(lines.len(), 3);
    }
}
