//! Aggregation of stored figures: over time (months → quarter → 6 months →
//! 9 months → year), up the unit tree (unit → group → province), with
//! breakdown parts, rates evaluated after aggregation, and counts of who
//! reported. Pure and exact: figures are scaled integers turned into
//! [`Dec`]; nothing here uses floating point.
//!
//! # Which figures count
//! A fact counts when its report was sent or accepted ([`Counted::SentOrAccepted`],
//! the default) or only when accepted ([`Counted::AcceptedOnly`]).
//!
//! # From periods to a target period
//! For a unit, an indicator and a breakdown part, the facts are grouped into
//! *sources*: one regime at one frequency. A source can give the target
//! period T when its periods inside T tile T completely (three months, or
//! the quarter itself, for a quarter). Partial coverage is missing, never a
//! partial sum: a quarter with two months reported is not reported.
//! Folding only within one source keeps each regime's cut-off windows
//! (Decree 09 or calendar) together: months of two regimes are never mixed.
//!
//! # Double reporting
//! When a unit reports the same indicator under two regimes (or two
//! frequencies) for overlapping periods, exactly one source is
//! authoritative, chosen in this order:
//! 1. the source closest to T: the fewest periods (the unit's own figure
//!    for T itself beats a fold of its months; a fold of quarters beats a
//!    fold of months);
//! 2. then the source whose reports are all accepted;
//! 3. then the lowest regime id (the older regime), so the choice is
//!    deterministic.
//!
//! The other sources are ignored and the unit is flagged as double-reported.
//!
//! # Over time, by aggregation type
//! sum: the sum of the periods; average: their mean; min/max; last: the
//! latest period's figure (stocks); none: only a figure stated for T itself.
//!
//! # Up the tree
//! A node's figure is over every reporting unit in its subtree (not a mean
//! of means): sum and last add the units' figures (stocks add up across
//! units), average is the mean of the units' figures, min/max; none is not
//! rolled up (a group shows missing).
//!
//! # Rates
//! A rate (numerator ÷ denominator × factor) is evaluated on the node's
//! numerator and denominator, each aggregated over the units that gave
//! both (a lone denominator would bias it), never averaged. A unit that stated
//! the rate but not its parts keeps its stated rate at its own level only.

use crate::dec::{Dec, DecError};
use crate::indicator::Aggregation;
use crate::period::{Frequency, Period};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Whether a report counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Counted {
    #[default]
    SentOrAccepted,
    AcceptedOnly,
}

impl Counted {
    pub fn code(self) -> &'static str {
        match self {
            Counted::SentOrAccepted => "da_gui",
            Counted::AcceptedOnly => "da_tiep_nhan",
        }
    }
    pub fn from_code(c: &str) -> Option<Counted> {
        [Counted::SentOrAccepted, Counted::AcceptedOnly].into_iter().find(|x| x.code() == c)
    }
    pub fn label(self) -> &'static str {
        match self {
            Counted::SentOrAccepted => "Báo cáo đã gửi hoặc đã tiếp nhận",
            Counted::AcceptedOnly => "Chỉ báo cáo đã tiếp nhận",
        }
    }
    /// The lowest `report_value.delivery` that counts (1 sent, 2 accepted).
    pub fn min_delivery(self) -> i16 {
        match self {
            Counted::SentOrAccepted => 1,
            Counted::AcceptedOnly => 2,
        }
    }
}

/// `report_value.delivery` of an accepted report.
pub const ACCEPTED: i16 = 2;

/// One stored figure, as the roll-up needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub unit: i32,
    pub indicator: i32,
    /// Breakdown part code; empty for the total.
    pub part: String,
    pub regime: i32,
    pub period: Period,
    /// value × 10^scale
    pub value: i64,
    pub scale: u8,
    /// 0 draft, 1 sent, 2 accepted.
    pub delivery: i16,
}

/// The period stored on a value row as (year, frequency code, ordinal).
pub fn period_of(year: i32, frequency: &str, ordinal: i16) -> Option<Period> {
    let o = u32::try_from(ordinal).ok()?;
    match Frequency::from_code(frequency)? {
        Frequency::Monthly if (1..=12).contains(&o) => Some(Period::Month { year, month: o }),
        Frequency::Quarterly if (1..=4).contains(&o) => Some(Period::Quarter { year, quarter: o }),
        Frequency::HalfYear if (1..=2).contains(&o) => Some(Period::HalfYear { year, half: o }),
        Frequency::NineMonths => Some(Period::NineMonths { year }),
        Frequency::Annual => Some(Period::Year { year }),
        _ => None,
    }
}

/// Whether `p` lies within `t` (same year, its months inside t's months).
pub fn within(p: &Period, t: &Period) -> bool {
    if matches!(p, Period::OneOff { .. }) || matches!(t, Period::OneOff { .. }) {
        return p == t;
    }
    let ((py, pa), (_, pb)) = p.months();
    let ((ty, ta), (_, tb)) = t.months();
    py == ty && pa >= ta && pb <= tb
}

/// The periods of a frequency that tile `t` exactly, or none if they cannot.
pub fn tiling(freq: Frequency, t: &Period) -> Option<Vec<Period>> {
    let inside: Vec<Period> = Period::all_in_year(freq, t.year()).into_iter().filter(|p| within(p, t)).collect();
    let ((_, ta), (_, tb)) = t.months();
    let covered: u32 = inside.iter().map(|p| p.months().1.1 - p.months().0.1 + 1).sum();
    (!inside.is_empty() && covered == tb - ta + 1).then_some(inside)
}

/// What the roll-up knows of an indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorDef {
    pub id: i32,
    pub aggregation: Aggregation,
    /// Breakdown part codes (the total, "", is always there).
    pub parts: Vec<String>,
    pub rate: Option<Rate>,
}

/// A computed indicator: numerator ÷ denominator × factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub numerator: i32,
    pub denominator: i32,
    pub factor: Dec,
}

/// A unit's figure for the target period, from its authoritative source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitFigure {
    pub value: Dec,
    pub regime: i32,
    pub frequency: Frequency,
    /// Number of periods folded (1 when the unit stated T itself).
    pub periods: usize,
    /// Every folded figure comes from an accepted report.
    pub accepted: bool,
    /// Another complete source existed and was set aside.
    pub double_reported: bool,
}

fn fold_time(agg: Aggregation, values: &[(Period, Dec)]) -> Result<Option<Dec>, DecError> {
    let Some(last) = values.iter().max_by_key(|(p, _)| p.months().1) else { return Ok(None) };
    Ok(match agg {
        Aggregation::Sum => Some(values.iter().try_fold(Dec::ZERO, |a, (_, v)| a.checked_add(*v))?),
        Aggregation::Average => {
            let s = values.iter().try_fold(Dec::ZERO, |a, (_, v)| a.checked_add(*v))?;
            Some(s.checked_div(Dec::from_int(values.len() as i64))?)
        }
        Aggregation::Min => values.iter().map(|(_, v)| *v).min(),
        Aggregation::Max => values.iter().map(|(_, v)| *v).max(),
        Aggregation::Last => Some(last.1),
        Aggregation::None => (values.len() == 1).then_some(last.1),
    })
}

/// The figure of one unit for `target` from its facts (one indicator, one
/// part), by the double-reporting rule in the module documentation.
pub fn unit_figure(agg: Aggregation, facts: &[&Fact], target: &Period, counted: Counted) -> Result<Option<UnitFigure>, DecError> {
    Tilings::new(target).unit_figure(agg, facts, counted)
}

/// The periods of each frequency that tile a target: made once per roll-up,
/// not once per unit and indicator (a roll-up asks for thousands).
struct Tilings {
    target: Period,
    by_frequency: Vec<(Frequency, Option<Vec<Period>>)>,
}

impl Tilings {
    fn new(target: &Period) -> Tilings {
        Tilings { target: *target, by_frequency: Frequency::ALL.iter().map(|f| (*f, tiling(*f, target))).collect() }
    }

    fn of(&self, f: Frequency) -> Option<&[Period]> {
        self.by_frequency.iter().find(|(g, _)| *g == f).and_then(|(_, t)| t.as_deref())
    }

    fn unit_figure(&self, agg: Aggregation, facts: &[&Fact], counted: Counted) -> Result<Option<UnitFigure>, DecError> {
        let target = &self.target;
        // (regime, frequency) → its facts; a unit has one or two sources.
        let mut sources: Vec<((i32, Frequency), Vec<&Fact>)> = Vec::new();
        for f in facts {
            if f.delivery >= counted.min_delivery() && within(&f.period, target) {
                let key = (f.regime, f.period.frequency());
                match sources.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, fs)) => fs.push(f),
                    None => sources.push((key, vec![f])),
                }
            }
        }
        // Complete sources with their sort key.
        let mut complete: Vec<((usize, bool, i32), (i32, Frequency), Vec<&Fact>)> = Vec::new();
        for ((regime, freq), fs) in sources {
            let Some(tiles) = self.of(freq) else { continue };
            if !tiles.iter().all(|t| fs.iter().any(|f| &f.period == t)) {
                continue;
            }
            let accepted = fs.iter().all(|f| f.delivery >= ACCEPTED);
            complete.push(((tiles.len(), !accepted, regime), (regime, freq), fs));
        }
        complete.sort_by_key(|c| (c.0, c.1.1));
        let double = complete.len() > 1;
        let Some(((n, not_accepted, _), (regime, frequency), fs)) = complete.into_iter().next() else { return Ok(None) };
        let values: Vec<(Period, Dec)> = fs.iter().map(|f| (f.period, Dec::from_scaled(f.value, f.scale))).collect();
        Ok(fold_time(agg, &values)?.map(|value| UnitFigure {
            value,
            regime,
            frequency,
            periods: n,
            accepted: !not_accepted,
            double_reported: double,
        }))
    }
}

/// A node's figure for one indicator and part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub value: Option<Dec>,
    /// Units in the subtree with a figure.
    pub reported: usize,
    /// Units expected to report (those who reported without being expected included).
    pub expected: usize,
    /// Of the reported units, those whose figures are all accepted.
    pub accepted: usize,
    /// Reported units that reported it twice (one source set aside).
    pub double_reported: usize,
}

/// The unit tree: each unit's parent.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    children: FxHashMap<i32, Vec<i32>>,
}

impl Tree {
    pub fn new(units: &[(i32, Option<i32>)]) -> Tree {
        let mut children: FxHashMap<i32, Vec<i32>> = FxHashMap::default();
        for (id, parent) in units {
            if let Some(p) = parent {
                children.entry(*p).or_default().push(*id);
            }
        }
        for c in children.values_mut() {
            c.sort_unstable();
        }
        Tree { children }
    }

    pub fn children(&self, id: i32) -> &[i32] {
        self.children.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The node and everything below it (a cycle in bad data stops, never loops).
    pub fn subtree(&self, id: i32) -> Vec<i32> {
        let mut out = vec![id];
        let mut seen: FxHashSet<i32> = std::iter::once(id).collect();
        let mut i = 0;
        while i < out.len() {
            for c in self.children(out[i]) {
                if seen.insert(*c) {
                    out.push(*c);
                }
            }
            i += 1;
        }
        out
    }
}

/// Everything a roll-up reads.
pub struct Input<'a> {
    /// The facts, in slices: a server keeps a year's facts in memory,
    /// one slice per indicator, and a roll-up reads the slices it asks for.
    pub facts: &'a [&'a [Fact]],
    pub indicators: &'a [IndicatorDef],
    /// Indicator → units expected to report it for the target period.
    pub expected: &'a HashMap<i32, HashSet<i32>>,
    pub target: Period,
    pub counted: Counted,
}

/// Each unit's figure per (indicator, part), ready to be rolled up.
#[derive(Clone, Debug)]
pub struct Rollup {
    pub target: Period,
    /// indicator → part → unit → figure (nested so a lookup by `&str`
    /// allocates nothing: pages ask for thousands of cells).
    figures: FxHashMap<i32, FxHashMap<String, BTreeMap<i32, UnitFigure>>>,
    defs: FxHashMap<i32, IndicatorDef>,
    expected: FxHashMap<i32, FxHashSet<i32>>,
}

impl Rollup {
    pub fn new(input: &Input<'_>) -> Result<Rollup, DecError> {
        let defs: FxHashMap<i32, IndicatorDef> = input.indicators.iter().map(|d| (d.id, d.clone())).collect();
        // Only facts `unit_figure` would count are grouped: a trend asks for
        // each month of a year's facts, and grouping the other eleven
        // months' facts every time was most of its cost.
        let min_delivery = input.counted.min_delivery();
        let mut kept: Vec<&Fact> = input
            .facts
            .iter()
            .flat_map(|c| c.iter())
            .filter(|f| f.delivery >= min_delivery && within(&f.period, &input.target) && defs.contains_key(&f.indicator))
            .collect();
        // Grouped by sorting rather than hashing: each (indicator, part)'s
        // units then come in a run, and its map is made once.
        kept.sort_unstable_by(|a, b| (a.indicator, a.part.as_str(), a.unit).cmp(&(b.indicator, b.part.as_str(), b.unit)));
        let tilings = Tilings::new(&input.target);
        let mut figures: FxHashMap<i32, FxHashMap<String, BTreeMap<i32, UnitFigure>>> = FxHashMap::default();
        for cell in kept.chunk_by(|a, b| a.indicator == b.indicator && a.part == b.part) {
            let (ind, part) = (cell[0].indicator, &cell[0].part);
            let agg = defs[&ind].aggregation;
            let mut by_unit = BTreeMap::new();
            for fs in cell.chunk_by(|a, b| a.unit == b.unit) {
                if let Some(fig) = tilings.unit_figure(agg, fs, input.counted)? {
                    by_unit.insert(fs[0].unit, fig);
                }
            }
            if !by_unit.is_empty() {
                figures.entry(ind).or_default().insert(part.clone(), by_unit);
            }
        }
        let expected = input.expected.iter().map(|(i, units)| (*i, units.iter().copied().collect())).collect();
        Ok(Rollup { target: input.target, figures, defs, expected })
    }

    fn of(&self, indicator: i32, part: &str) -> Option<&BTreeMap<i32, UnitFigure>> {
        self.figures.get(&indicator)?.get(part)
    }

    /// A unit's own figure.
    pub fn unit_figure(&self, indicator: i32, part: &str, unit: i32) -> Option<&UnitFigure> {
        self.of(indicator, part)?.get(&unit)
    }

    /// The units with a figure for an indicator's part (for a rate: both of its parts, or the rate itself).
    pub fn reporters(&self, indicator: i32, part: &str) -> std::collections::BTreeSet<i32> {
        let of = |ind: i32| -> std::collections::BTreeSet<i32> { self.of(ind, part).map(|m| m.keys().copied().collect()).unwrap_or_default() };
        let mut out = of(indicator);
        if let Some(rate) = self.defs.get(&indicator).and_then(|d| d.rate) {
            out.extend(of(rate.numerator).intersection(&of(rate.denominator)));
        }
        out
    }

    fn expected_in(&self, indicator: i32, nodes: &FxHashSet<i32>, reporters: &[i32]) -> usize {
        let mut e: FxHashSet<i32> = self.expected.get(&indicator).map(|s| s.intersection(nodes).copied().collect()).unwrap_or_default();
        e.extend(reporters.iter().copied());
        e.len()
    }

    fn stored_cell(&self, indicator: i32, part: &str, nodes: &FxHashSet<i32>, is_unit: bool) -> Result<Cell, DecError> {
        let agg = self.defs.get(&indicator).map(|d| d.aggregation).unwrap_or_default();
        let figs: Vec<(i32, &UnitFigure)> =
            self.of(indicator, part).map(|m| m.iter().filter(|(u, _)| nodes.contains(u)).map(|(u, f)| (*u, f)).collect()).unwrap_or_default();
        let units: Vec<i32> = figs.iter().map(|(u, _)| *u).collect();
        let vals: Vec<Dec> = figs.iter().map(|(_, f)| f.value).collect();
        let value = if vals.is_empty() {
            None
        } else {
            match agg {
                Aggregation::Sum | Aggregation::Last => Some(vals.iter().try_fold(Dec::ZERO, |a, v| a.checked_add(*v))?),
                Aggregation::Average => {
                    let s = vals.iter().try_fold(Dec::ZERO, |a, v| a.checked_add(*v))?;
                    Some(s.checked_div(Dec::from_int(vals.len() as i64))?)
                }
                Aggregation::Min => vals.iter().min().copied(),
                Aggregation::Max => vals.iter().max().copied(),
                Aggregation::None => (is_unit && vals.len() == 1).then(|| vals[0]),
            }
        };
        Ok(Cell {
            value,
            reported: figs.len(),
            expected: self.expected_in(indicator, nodes, &units),
            accepted: figs.iter().filter(|(_, f)| f.accepted).count(),
            double_reported: figs.iter().filter(|(_, f)| f.double_reported).count(),
        })
    }

    /// The figure of `node` (a unit, a group or the province) for an
    /// indicator's total (`part` "") or one of its parts.
    pub fn cell(&self, tree: &Tree, node: i32, indicator: i32, part: &str) -> Result<Cell, DecError> {
        let sub = tree.subtree(node);
        let is_unit = sub.len() == 1;
        let nodes: FxHashSet<i32> = sub.into_iter().collect();
        let Some(rate) = self.defs.get(&indicator).and_then(|d| d.rate) else {
            return self.stored_cell(indicator, part, &nodes, is_unit);
        };
        let both = |ind: i32| -> FxHashSet<i32> {
            self.of(ind, part).map(|m| m.keys().filter(|u| nodes.contains(u)).copied().collect()).unwrap_or_default()
        };
        let n_units = both(rate.numerator);
        let d_units = both(rate.denominator);
        let reporters: Vec<i32> = n_units.intersection(&d_units).copied().collect();
        // Over the units that gave both parts only: a denominator without its
        // numerator would bias the rate.
        let pairs: FxHashSet<i32> = reporters.iter().copied().collect();
        let num = self.stored_cell(rate.numerator, part, &pairs, is_unit)?;
        let den = self.stored_cell(rate.denominator, part, &pairs, is_unit)?;
        let value = match (num.value, den.value) {
            (Some(n), Some(d)) if !d.is_zero() => Some(n.checked_mul(rate.factor)?.checked_div(d)?),
            _ => None,
        };
        if value.is_none() && is_unit {
            // A unit that stated only the rate keeps it at its own level.
            let own = self.stored_cell(indicator, part, &nodes, true)?;
            if own.value.is_some() {
                return Ok(own);
            }
        }
        let accepted = reporters
            .iter()
            .filter(|u| {
                let ok = |ind: i32| self.unit_figure(ind, part, **u).is_some_and(|f| f.accepted);
                ok(rate.numerator) && ok(rate.denominator)
            })
            .count();
        Ok(Cell {
            value: if reporters.is_empty() { None } else { value },
            reported: reporters.len(),
            expected: self.expected_in(indicator, &nodes, &reporters),
            accepted,
            double_reported: num.double_reported.max(den.double_reported),
        })
    }
}

/// Robust z-score of `x` against a history: (x − median) ÷ (1,4826 × MAD).
/// None when the history has fewer than 4 figures or no spread.
pub fn robust_z(history: &[Dec], x: Dec) -> Option<Dec> {
    if history.len() < 4 {
        return None;
    }
    let med = median(history)?;
    let dev: Vec<Dec> = history.iter().map(|v| v.checked_sub(med).map(Dec::abs)).collect::<Result<_, _>>().ok()?;
    let mad = median(&dev)?;
    if mad.is_zero() {
        return None;
    }
    let scale = mad.checked_mul(Dec::new(14826, 4)).ok()?;
    x.checked_sub(med).ok()?.checked_div(scale).ok().map(|z| z.round(2))
}

/// Beyond this robust z-score (either way) a figure is called unusual
/// (|z| > 3,5, Iglewicz–Hoaglin).
pub fn anomaly_threshold() -> Dec {
    Dec::new(35, 1)
}

/// The sentence shown beside a figure that departs from its own history
/// (the dashboard's tiles, the report page), or `None` when it does not or
/// when the history is too short to say.
pub fn unusual_text(history: &[Dec], x: Dec) -> Option<String> {
    let threshold = anomaly_threshold();
    let z = robust_z(history, x).filter(|z| z.abs() > threshold)?;
    Some(format!(
        "Khác thường so với {} kỳ trước của chính đơn vị: trung vị {}, điểm z bền vững (theo trung vị và độ lệch tuyệt đối trung vị) = {}, ngưỡng ±{}",
        history.len(),
        crate::numfmt::format_dec(median(history)?),
        crate::numfmt::format_dec(z),
        crate::numfmt::format_dec(threshold)
    ))
}

pub fn median(v: &[Dec]) -> Option<Dec> {
    let mut s = v.to_vec();
    s.sort();
    let n = s.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(s[n / 2]),
        _ => s[n / 2 - 1].checked_add(s[n / 2]).ok()?.checked_div(Dec::from_int(2)).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Dec {
        Dec::parse_literal(s).unwrap()
    }
    fn m(month: u32) -> Period {
        Period::Month { year: 2025, month }
    }
    fn fact(unit: i32, indicator: i32, regime: i32, period: Period, value: i64, delivery: i16) -> Fact {
        Fact { unit, indicator, part: String::new(), regime, period, value, scale: 0, delivery }
    }
    const Q1: Period = Period::Quarter { year: 2025, quarter: 1 };

    #[test]
    fn periods_tile_targets() {
        assert_eq!(tiling(Frequency::Monthly, &Q1).unwrap().len(), 3);
        assert_eq!(tiling(Frequency::Quarterly, &Period::NineMonths { year: 2025 }).unwrap().len(), 3);
        assert!(tiling(Frequency::HalfYear, &Period::NineMonths { year: 2025 }).is_none());
        assert_eq!(tiling(Frequency::HalfYear, &Period::Year { year: 2025 }).unwrap().len(), 2);
        assert!(tiling(Frequency::Annual, &Q1).is_none());
        assert_eq!(period_of(2025, "quy", 3), Some(Period::Quarter { year: 2025, quarter: 3 }));
        assert_eq!(period_of(2025, "thang", 13), None);
        assert!(within(&m(3), &Q1) && !within(&m(4), &Q1));
    }

    #[test]
    fn time_fold_by_aggregation_type() {
        let fs = [fact(1, 1, 1, m(1), 10, 1), fact(1, 1, 1, m(2), 40, 2), fact(1, 1, 1, m(3), 25, 2)];
        let refs: Vec<&Fact> = fs.iter().collect();
        let get = |a| unit_figure(a, &refs, &Q1, Counted::SentOrAccepted).unwrap().map(|f| f.value);
        assert_eq!(get(Aggregation::Sum), Some(d("75")));
        assert_eq!(get(Aggregation::Average), Some(d("25")));
        assert_eq!(get(Aggregation::Min), Some(d("10")));
        assert_eq!(get(Aggregation::Max), Some(d("40")));
        assert_eq!(get(Aggregation::Last), Some(d("25")));
        assert_eq!(get(Aggregation::None), None);
        // Accepted only: January was only sent, so the quarter is incomplete.
        assert_eq!(unit_figure(Aggregation::Sum, &refs, &Q1, Counted::AcceptedOnly).unwrap(), None);
        // Two months are not a quarter.
        assert_eq!(unit_figure(Aggregation::Sum, &refs[1..], &Q1, Counted::SentOrAccepted).unwrap(), None);
        // Drafts never count.
        let draft = [fact(1, 1, 1, Q1, 5, 0)];
        assert_eq!(unit_figure(Aggregation::Sum, &[&draft[0]], &Q1, Counted::SentOrAccepted).unwrap(), None);
    }

    #[test]
    fn double_reporting_picks_one_source() {
        // Monthly regime 1 (sum 6) and quarterly regime 2 (7) for the same quarter.
        let fs = [fact(1, 1, 1, m(1), 1, 2), fact(1, 1, 1, m(2), 2, 2), fact(1, 1, 1, m(3), 3, 2), fact(1, 1, 2, Q1, 7, 1)];
        let refs: Vec<&Fact> = fs.iter().collect();
        let f = unit_figure(Aggregation::Sum, &refs, &Q1, Counted::SentOrAccepted).unwrap().unwrap();
        assert_eq!((f.value, f.regime, f.periods, f.double_reported, f.accepted), (d("7"), 2, 1, true, false));
        // Accepted only: the quarter was only sent, so the months are the source.
        let f = unit_figure(Aggregation::Sum, &refs, &Q1, Counted::AcceptedOnly).unwrap().unwrap();
        assert_eq!((f.value, f.regime, f.double_reported), (d("6"), 1, false));
        // Two quarterly regimes: accepted first, then the lower regime id.
        let fs = [fact(1, 1, 5, Q1, 9, 1), fact(1, 1, 3, Q1, 8, 1), fact(1, 1, 4, Q1, 7, 2)];
        let refs: Vec<&Fact> = fs.iter().collect();
        assert_eq!(unit_figure(Aggregation::Sum, &refs, &Q1, Counted::SentOrAccepted).unwrap().unwrap().regime, 4);
        assert_eq!(unit_figure(Aggregation::Sum, &refs[..2], &Q1, Counted::SentOrAccepted).unwrap().unwrap().regime, 3);
        // A month is never counted twice in the month itself either.
        let fs = [fact(1, 1, 1, m(2), 2, 1), fact(1, 1, 2, m(2), 5, 1)];
        let refs: Vec<&Fact> = fs.iter().collect();
        assert_eq!(unit_figure(Aggregation::Sum, &refs, &m(2), Counted::SentOrAccepted).unwrap().unwrap().value, d("2"));
    }

    fn tree() -> Tree {
        // 1 province; 2, 3 groups; 4, 5 under 2; 6 under 3.
        Tree::new(&[(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2)), (5, Some(2)), (6, Some(3))])
    }

    fn def(id: i32, aggregation: Aggregation) -> IndicatorDef {
        IndicatorDef { id, aggregation, parts: vec![], rate: None }
    }

    #[test]
    fn tree_rollup_counts_and_rates() {
        let t = tree();
        let mut facts = vec![];
        for (u, v) in [(4, 10), (5, 30)] {
            facts.push(fact(u, 1, 1, Q1, v, 2)); // sum
            facts.push(fact(u, 2, 1, Q1, v, 1)); // average
            facts.push(fact(u, 3, 1, Q1, v * 10, 2)); // numerator
        }
        facts.push(fact(4, 4, 1, Q1, 1000, 2)); // denominator
        facts.push(fact(5, 4, 1, Q1, 3000, 2));
        facts.push(fact(6, 4, 1, Q1, 1000, 2)); // unit 6 has no numerator
        facts.push(Fact { part: "nu".into(), ..fact(4, 1, 1, Q1, 4, 2) });
        facts.push(Fact { part: "nu".into(), ..fact(5, 1, 1, Q1, 6, 1) });
        let defs = vec![
            def(1, Aggregation::Sum),
            def(2, Aggregation::Average),
            def(3, Aggregation::Sum),
            def(4, Aggregation::Sum),
            IndicatorDef {
                id: 5,
                aggregation: Aggregation::None,
                parts: vec![],
                rate: Some(Rate { numerator: 3, denominator: 4, factor: d("100") }),
            },
        ];
        let expected: HashMap<i32, HashSet<i32>> = (1..=5).map(|i| (i, HashSet::from([4, 5, 6]))).collect();
        let r =
            Rollup::new(&Input { facts: &[&facts], indicators: &defs, expected: &expected, target: Q1, counted: Counted::SentOrAccepted }).unwrap();
        let c = r.cell(&t, 1, 1, "").unwrap();
        assert_eq!((c.value, c.reported, c.expected, c.accepted), (Some(d("40")), 2, 3, 2));
        assert_eq!(r.cell(&t, 3, 1, "").unwrap().value, None, "missing stays missing");
        assert_eq!(r.cell(&t, 3, 1, "").unwrap().expected, 1);
        assert_eq!(r.cell(&t, 1, 2, "").unwrap().value, Some(d("20")));
        let nu = r.cell(&t, 1, 1, "nu").unwrap();
        assert_eq!((nu.value, nu.accepted), (Some(d("10")), 1));
        // Rate: (100 + 300) / (1000 + 3000) × 100 = 10, over the units that gave both parts (not unit 6's lone denominator).
        let rate = r.cell(&t, 1, 5, "").unwrap();
        assert_eq!((rate.value, rate.reported, rate.expected), (Some(d("10")), 2, 3));
        assert_eq!(r.cell(&t, 6, 5, "").unwrap().value, None);
    }

    #[test]
    fn rate_is_not_an_average_of_rates() {
        let t = Tree::new(&[(1, None), (2, Some(1)), (3, Some(1))]);
        let facts = vec![fact(2, 1, 1, Q1, 1, 1), fact(2, 2, 1, Q1, 10, 1), fact(3, 1, 1, Q1, 90, 1), fact(3, 2, 1, Q1, 90, 1)];
        let defs = vec![
            def(1, Aggregation::Sum),
            def(2, Aggregation::Sum),
            IndicatorDef {
                id: 3,
                aggregation: Aggregation::None,
                parts: vec![],
                rate: Some(Rate { numerator: 1, denominator: 2, factor: d("10000") }),
            },
        ];
        let r = Rollup::new(&Input { facts: &[&facts], indicators: &defs, expected: &HashMap::new(), target: Q1, counted: Counted::SentOrAccepted })
            .unwrap();
        // 91 / 100 × 10 000 = 9 100 (the mean of the unit rates would be 10 000).
        assert_eq!(r.cell(&t, 1, 3, "").unwrap().value, Some(d("9100")));
        assert_eq!(r.cell(&t, 2, 3, "").unwrap().value, Some(d("1000")));
    }

    #[test]
    fn robust_z_flags_outliers() {
        let h: Vec<Dec> = [10, 11, 9, 10, 12, 10].iter().map(|v| Dec::from_int(*v)).collect();
        let z = robust_z(&h, Dec::from_int(30)).unwrap();
        assert!(z > Dec::from_int(3), "{z}");
        assert!(robust_z(&h, Dec::from_int(10)).unwrap().is_zero());
        assert_eq!(robust_z(&h[..3], Dec::from_int(30)), None);
        assert_eq!(median(&[d("1"), d("4")]), Some(d("2.5")));
    }

    #[test]
    fn an_unusual_figure_is_named_with_its_median_and_threshold() {
        let h: Vec<Dec> = [10, 12, 11, 13, 12, 11].iter().map(|v| Dec::from_int(*v)).collect();
        let text = unusual_text(&h, Dec::from_int(40)).unwrap();
        assert!(text.contains("6 kỳ trước") && text.contains("trung vị 11,5") && text.contains("±3,5"), "{text}");
        assert_eq!(unusual_text(&h, Dec::from_int(12)), None);
        assert_eq!(unusual_text(&h[..3], Dec::from_int(40)), None, "too short a history says nothing");
    }

    /// A naive roll-up straight from the definition: for every node, walk
    /// every fact, climb its unit's parents to see whether it is inside.
    fn naive(
        parents: &HashMap<i32, Option<i32>>,
        facts: &[Fact],
        agg: Aggregation,
        node: i32,
        target: &Period,
        counted: Counted,
    ) -> (Option<Dec>, usize) {
        let inside = |mut u: i32| loop {
            if u == node {
                return true;
            }
            match parents.get(&u).copied().flatten() {
                Some(p) => u = p,
                None => return false,
            }
        };
        let mut per_unit: BTreeMap<i32, Dec> = BTreeMap::new();
        let units: HashSet<i32> = facts.iter().map(|f| f.unit).filter(|u| inside(*u)).collect();
        for u in units {
            // Candidate sources, in the rule's order.
            let mut best: Option<(usize, bool, i32, Vec<(Period, Dec)>)> = None;
            for regime in 1..=3 {
                for freq in [Frequency::Monthly, Frequency::Quarterly, Frequency::Annual] {
                    let Some(tiles) = tiling(freq, target) else { continue };
                    let mut vals = vec![];
                    let mut acc = true;
                    for t in &tiles {
                        match facts.iter().find(|f| f.unit == u && f.regime == regime && f.period == *t && f.delivery >= counted.min_delivery()) {
                            Some(f) => {
                                vals.push((*t, Dec::from_scaled(f.value, f.scale)));
                                acc &= f.delivery == 2;
                            }
                            None => vals.clear(),
                        }
                        if vals.is_empty() {
                            break;
                        }
                    }
                    if vals.len() != tiles.len() {
                        continue;
                    }
                    let key = (tiles.len(), !acc, regime);
                    if best.as_ref().is_none_or(|b| key < (b.0, b.1, b.2)) {
                        best = Some((key.0, key.1, key.2, vals));
                    }
                }
            }
            if let Some((_, _, _, vals)) = best {
                let v: Vec<Dec> = vals.iter().map(|x| x.1).collect();
                let total = v.iter().fold(Dec::ZERO, |a, b| a.checked_add(*b).unwrap());
                let r = match agg {
                    Aggregation::Sum => Some(total),
                    Aggregation::Average => Some(total.checked_div(Dec::from_int(v.len() as i64)).unwrap()),
                    Aggregation::Min => v.iter().min().copied(),
                    Aggregation::Max => v.iter().max().copied(),
                    Aggregation::Last => v.last().copied(),
                    Aggregation::None => (v.len() == 1).then(|| v[0]),
                };
                if let Some(r) = r {
                    per_unit.insert(u, r);
                }
            }
        }
        let vals: Vec<Dec> = per_unit.values().copied().collect();
        if vals.is_empty() {
            return (None, 0);
        }
        let total = vals.iter().fold(Dec::ZERO, |a, b| a.checked_add(*b).unwrap());
        let v = match agg {
            Aggregation::Sum | Aggregation::Last => Some(total),
            Aggregation::Average => Some(total.checked_div(Dec::from_int(vals.len() as i64)).unwrap()),
            Aggregation::Min => vals.iter().min().copied(),
            Aggregation::Max => vals.iter().max().copied(),
            Aggregation::None => (parents.values().all(|p| *p != Some(node)) && vals.len() == 1).then(|| vals[0]),
        };
        (v, vals.len())
    }

    fn agg_strategy() -> impl Strategy<Value = Aggregation> {
        prop::sample::select(Aggregation::ALL.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn rollup_equals_naive(
            groups in 1usize..4,
            units in 1usize..8,
            agg in agg_strategy(),
            raw in prop::collection::vec((0usize..8, 1i32..4, 0usize..3, 1u32..13, -500i64..5000, 0u8..3, 1i16..3), 0..60),
            quarter in 1u32..5,
            accepted_only in any::<bool>(),
        ) {
            // Province 1, groups 10.., units 100.. spread over the groups.
            let mut parents: HashMap<i32, Option<i32>> = HashMap::from([(1, None)]);
            for g in 0..groups { parents.insert(10 + g as i32, Some(1)); }
            for u in 0..units { parents.insert(100 + u as i32, Some(10 + (u % groups) as i32)); }
            let mut facts: Vec<Fact> = vec![];
            for (u, regime, kind, month, value, scale, delivery) in raw {
                let unit = 100 + (u % units) as i32;
                let period = match kind { 0 => Period::Month { year: 2025, month }, 1 => Period::Quarter { year: 2025, quarter: (month - 1) / 3 + 1 }, _ => Period::Year { year: 2025 } };
                // A report is unique per regime, unit and period.
                if facts.iter().any(|f| f.unit == unit && f.regime == regime && f.period == period) { continue; }
                facts.push(Fact { unit, indicator: 1, part: String::new(), regime, period, value, scale, delivery });
            }
            let counted = if accepted_only { Counted::AcceptedOnly } else { Counted::SentOrAccepted };
            let list: Vec<(i32, Option<i32>)> = parents.iter().map(|(k, v)| (*k, *v)).collect();
            let tree = Tree::new(&list);
            for target in [Period::Quarter { year: 2025, quarter }, Period::Year { year: 2025 }, Period::Month { year: 2025, month: quarter * 3 }] {
                let r = Rollup::new(&Input { facts: &[&facts], indicators: &[def(1, agg)], expected: &HashMap::new(), target, counted }).unwrap();
                for node in parents.keys() {
                    let c = r.cell(&tree, *node, 1, "").unwrap();
                    let (v, n) = naive(&parents, &facts, agg, *node, &target, counted);
                    prop_assert_eq!(c.value, v, "node {} target {:?}", node, target);
                    prop_assert_eq!(c.reported, n);
                }
            }
        }
    }
}
