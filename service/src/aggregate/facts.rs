//! A year's counted figures, kept in memory between roll-ups.
//!
//! Reading the facts row by row (sqlx hands each row from its worker thread
//! to the runtime) was most of a roll-up's time, and a dashboard asks for
//! the same year's figures again and again while nothing changes. The
//! server keeps each indicator's facts of a year under the database's facts
//! stamp (migration m0017): every change to a value row that a roll-up
//! counts gives the stamp a new random value in the change's own
//! transaction, so the request after a clerk's send reads a stamp it holds
//! nothing for and reads the figures again. Several servers on one
//! PostgreSQL stay right the same way: the stamp lives in the database.
//!
//! The stamp is read before the facts: facts read after it are at least as
//! new as it says, so a stamp can name newer facts, never older ones.

use crate::Result;
use domain::aggregate::{self, Counted, Fact};
use domain::period::Period;
use entity::report_value;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One indicator's counted facts of a year (sent or accepted; a roll-up
/// that counts accepted reports only filters them itself), sorted by the
/// month each fact's period starts (see `starting_within`).
pub type IndicatorFacts = Arc<Vec<Fact>>;

/// The run of sorted facts whose periods start within `target`: a month's
/// roll-up reads that month's facts, not the whole year's twelve times.
/// (The roll-up still keeps only the periods that lie wholly within.)
pub fn starting_within<'a>(facts: &'a [Fact], target: &Period) -> &'a [Fact] {
    let (from, to) = target.months();
    let lo = facts.partition_point(|f| f.period.months().0 < from);
    let hi = facts.partition_point(|f| f.period.months().0 <= to);
    &facts[lo..hi.max(lo)]
}

/// How many (stamp, year) sets are kept: this year and last year for the
/// dashboard's comparisons, with room for a trend that reaches further.
const KEPT: usize = 4;

/// At most this many facts are kept in all (a fact is about 70 bytes: some
/// 40 MB), least recently used first out. The digital share reads every
/// numeric indicator of a year; on a province of 2 million values that is
/// 600.000 facts, which are read, used and, past this, not kept.
const KEPT_FACTS: usize = 600_000;

struct Kept {
    stamp: i64,
    year: i32,
    by_indicator: HashMap<i32, IndicatorFacts>,
    used: u64,
}

struct Cache {
    kept: Vec<Kept>,
    clock: u64,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache { kept: Vec::new(), clock: 0 });

fn cache() -> std::sync::MutexGuard<'static, Cache> {
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The database's facts stamp (see migration m0017).
async fn stamp<C: ConnectionTrait>(db: &C) -> Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT stamp FROM facts_stamp WHERE id = 1"))
        .await?
        .ok_or_else(|| crate::ServiceError::Internal("facts_stamp has no row".into()))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// The counted facts of these indicators (id, scale) in a year, in the
/// order asked. The scale is the indicator's, which cannot change once a
/// published regime uses it, so facts kept under a stamp keep theirs.
pub async fn of_year<C: ConnectionTrait>(db: &C, scales: &[(i32, u8)], year: i32) -> Result<Vec<IndicatorFacts>> {
    let indicators: Vec<i32> = scales.iter().map(|(id, _)| *id).collect();
    let stamp = stamp(db).await?;
    let mut found: HashMap<i32, IndicatorFacts> = HashMap::new();
    let missing: Vec<i32> = {
        let mut c = cache();
        c.clock += 1;
        let now = c.clock;
        if let Some(k) = c.kept.iter_mut().find(|k| k.stamp == stamp && k.year == year) {
            k.used = now;
            for id in &indicators {
                if let Some(f) = k.by_indicator.get(id) {
                    found.insert(*id, f.clone());
                }
            }
        }
        indicators.iter().copied().filter(|id| !found.contains_key(id)).collect()
    };
    if !missing.is_empty() {
        let loaded = read(db, &missing, scales, year, None).await?;
        keep(stamp, year, &loaded);
        found.extend(loaded);
    }
    Ok(indicators.iter().map(|id| found.get(id).cloned().unwrap_or_default()).collect())
}

/// The same for some units only (a unit's own people), read afresh and not
/// kept: a unit's few rows cost less to read than a province's facts, which
/// any unit's send would make a kept copy read again.
pub async fn of_units<C: ConnectionTrait>(db: &C, scales: &[(i32, u8)], year: i32, units: &[i32]) -> Result<Vec<IndicatorFacts>> {
    let indicators: Vec<i32> = scales.iter().map(|(id, _)| *id).collect();
    let found = read(db, &indicators, scales, year, Some(units)).await?;
    Ok(indicators.iter().map(|id| found.get(id).cloned().unwrap_or_default()).collect())
}

/// Each indicator's facts, every one present (empty when it has none),
/// sorted as `starting_within` reads them.
async fn read<C: ConnectionTrait>(
    db: &C,
    indicators: &[i32],
    scales: &[(i32, u8)],
    year: i32,
    units: Option<&[i32]>,
) -> Result<HashMap<i32, IndicatorFacts>> {
    let mut loaded: HashMap<i32, Vec<Fact>> = indicators.iter().map(|id| (*id, Vec::new())).collect();
    let scales: HashMap<i32, u8> = scales.iter().copied().collect();
    for f in load(db, indicators, &scales, year, units).await? {
        if let Some(v) = loaded.get_mut(&f.indicator) {
            v.push(f);
        }
    }
    Ok(loaded
        .into_iter()
        .map(|(id, mut v)| {
            v.sort_by_key(|f| f.period.months().0);
            (id, Arc::new(v))
        })
        .collect())
}

fn keep(stamp: i64, year: i32, loaded: &HashMap<i32, IndicatorFacts>) {
    let mut c = cache();
    c.clock += 1;
    let now = c.clock;
    // Another stamp for the same year names figures that have changed since:
    // nobody will ask for it again (stamps are random, never reused).
    c.kept.retain(|k| k.year != year || k.stamp == stamp);
    match c.kept.iter_mut().find(|k| k.stamp == stamp && k.year == year) {
        Some(k) => {
            k.used = now;
            k.by_indicator.extend(loaded.iter().map(|(id, f)| (*id, f.clone())));
        }
        None => c.kept.push(Kept { stamp, year, by_indicator: loaded.clone(), used: now }),
    }
    let size = |k: &Kept| k.by_indicator.values().map(|f| f.len()).sum::<usize>();
    while c.kept.len() > KEPT || c.kept.iter().map(size).sum::<usize>() > KEPT_FACTS {
        let Some(oldest) = c.kept.iter().enumerate().min_by_key(|(_, k)| k.used).map(|(i, _)| i) else { break };
        c.kept.swap_remove(oldest);
    }
}

/// The counted figures of some indicators in a year, from the covering
/// index (indicator, year, delivery, unit, regime, frequency, ordinal,
/// part, num): no table lookup.
async fn load<C: ConnectionTrait>(db: &C, indicators: &[i32], scales: &HashMap<i32, u8>, year: i32, units: Option<&[i32]>) -> Result<Vec<Fact>> {
    let mut out = Vec::new();
    // Bounded IN lists: the digital share asks for every numeric indicator.
    for ids in indicators.chunks(500) {
        let mut q = report_value::Entity::find()
            .select_only()
            .columns([
                report_value::Column::UnitId,
                report_value::Column::IndicatorId,
                report_value::Column::Part,
                report_value::Column::RegimeId,
                report_value::Column::Frequency,
                report_value::Column::Ordinal,
                report_value::Column::Num,
                report_value::Column::Delivery,
            ])
            .filter(report_value::Column::IndicatorId.is_in(ids.to_vec()))
            .filter(report_value::Column::PeriodYear.eq(year))
            .filter(report_value::Column::Delivery.gte(Counted::SentOrAccepted.min_delivery()))
            .filter(report_value::Column::Num.is_not_null());
        if let Some(units) = units {
            q = q.filter(report_value::Column::UnitId.is_in(units.to_vec()));
        }
        let rows: Vec<(i32, i32, String, i32, String, i16, Option<i64>, i16)> = q.into_tuple().all(db).await?;
        out.extend(rows.into_iter().filter_map(|(unit, indicator, part, regime, freq, ordinal, num, delivery)| {
            Some(Fact {
                unit,
                indicator,
                part,
                regime,
                period: aggregate::period_of(year, &freq, ordinal)?,
                value: num?,
                scale: *scales.get(&indicator)?,
                delivery,
            })
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(period: Period) -> Fact {
        Fact { unit: 1, indicator: 1, part: String::new(), regime: 1, period, value: 1, scale: 0, delivery: 1 }
    }

    #[test]
    fn a_period_reads_the_run_of_facts_that_start_within_it() {
        let mut facts: Vec<Fact> = (1..=12).rev().map(|month| fact(Period::Month { year: 2025, month })).collect();
        facts.extend((1..=4).map(|quarter| fact(Period::Quarter { year: 2025, quarter })));
        facts.push(fact(Period::Year { year: 2025 }));
        facts.sort_by_key(|f| f.period.months().0);
        let q2 = starting_within(&facts, &Period::Quarter { year: 2025, quarter: 2 });
        let got: Vec<Period> = q2.iter().map(|f| f.period).collect();
        assert_eq!(got.len(), 4, "April, May, June and the second quarter: {got:?}");
        assert!(got.iter().all(|p| (4..=6).contains(&p.months().0.1)));
        // Every fact lying within a target is in its run, for every target.
        for t in Period::all_in_year(domain::period::Frequency::Monthly, 2025)
            .into_iter()
            .chain(Period::all_in_year(domain::period::Frequency::Quarterly, 2025))
            .chain([Period::Year { year: 2025 }, Period::NineMonths { year: 2025 }])
        {
            let run = starting_within(&facts, &t);
            let inside = facts.iter().filter(|f| aggregate::within(&f.period, &t)).count();
            assert_eq!(run.iter().filter(|f| aggregate::within(&f.period, &t)).count(), inside, "{t:?}");
        }
        assert!(starting_within(&facts, &Period::Month { year: 2026, month: 1 }).is_empty(), "another year reads nothing");
    }
}
