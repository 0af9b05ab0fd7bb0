//! Figures of a report that depart strongly from the unit's own history:
//! the robust z-score the dashboard uses, on the unit's delivered figures of
//! the same indicator and breakdown part in up to 24 earlier periods of the
//! same kind (any regime: the indicator is the same figure), shown on the
//! report to the reviewer and the clerk alike.

use super::Loaded;
use crate::Result;
use domain::dec::Dec;
use domain::reporting::UnusualFigure;
use entity::report_value;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many earlier periods a figure is compared with, at most.
pub const HISTORY_PERIODS: usize = 24;

pub async fn unusual<C: ConnectionTrait>(db: &C, l: &Loaded, stored: &HashMap<String, report_value::Model>) -> Result<Vec<UnusualFigure>> {
    let r = &l.report;
    let (year, ordinal, frequency) = (l.period.year(), l.period.ordinal() as i16, l.period.frequency().code());
    let wanted: Vec<i32> = l.specs.values().filter(|s| s.value_type.is_numeric()).filter_map(|s| l.ids.by_code.get(&s.code).copied()).collect();
    // A one-off period has no earlier periods of its kind.
    if stored.is_empty() || wanted.is_empty() || ordinal == 0 {
        return Ok(vec![]);
    }
    let earlier = Condition::any()
        .add(report_value::Column::PeriodYear.lt(year))
        .add(Condition::all().add(report_value::Column::PeriodYear.eq(year)).add(report_value::Column::Ordinal.lt(ordinal)));
    let rows = report_value::Entity::find()
        .filter(report_value::Column::UnitId.eq(r.unit_id))
        .filter(report_value::Column::IndicatorId.is_in(wanted))
        .filter(report_value::Column::Frequency.eq(frequency))
        .filter(report_value::Column::Delivery.gt(0))
        .filter(report_value::Column::Invalid.eq(false))
        .filter(report_value::Column::PeriodYear.gte(year - 3))
        .filter(report_value::Column::ReportId.ne(r.id))
        .filter(earlier)
        .order_by_desc(report_value::Column::PeriodYear)
        .order_by_desc(report_value::Column::Ordinal)
        .all(db)
        .await?;
    // Newest first; one figure per period (a unit that reports the same
    // indicator under two regimes gives the period once).
    let mut history: BTreeMap<(i32, String), Vec<Dec>> = BTreeMap::new();
    let mut seen: HashSet<(i32, String, String)> = HashSet::new();
    for v in rows {
        let Some(num) = v.num else { continue };
        if !seen.insert((v.indicator_id, v.part.clone(), v.period_key.clone())) {
            continue;
        }
        let h = history.entry((v.indicator_id, v.part.clone())).or_default();
        if h.len() < HISTORY_PERIODS {
            h.push(Dec::from_scaled(num, v.scale.clamp(0, 18) as u8));
        }
    }
    let mut out = vec![];
    for (key, v) in stored {
        let (Some(num), false) = (v.num, v.invalid) else { continue };
        let Some(h) = history.get(&(v.indicator_id, v.part.clone())) else { continue };
        let x = Dec::from_scaled(num, v.scale.clamp(0, 18) as u8);
        if let Some(message) = domain::aggregate::unusual_text(h, x) {
            let code = l.ids.by_id.get(&v.indicator_id).cloned().unwrap_or_default();
            let name = l.specs.get(&code).map(|s| s.name.clone()).unwrap_or_default();
            let part = l.specs.get(&code).and_then(|s| s.parts.iter().find(|p| p.code == v.part)).map(|p| format!(" ({})", p.name));
            out.push(UnusualFigure {
                key: key.clone(),
                label: format!("{code} – {name}{}", part.unwrap_or_default()),
                value: domain::numfmt::format_dec(x),
                message,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}
