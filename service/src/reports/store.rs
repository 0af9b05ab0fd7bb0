//! How figures sit in `report_value`, and reading them back.

use crate::Result;
use chrono::{Datelike, NaiveDate};
use domain::entry::{References, cell_key};
use domain::indicator::{IndicatorSpec, Value, ValueType};
use domain::period::Period;
use domain::report::ReportStatus;
use entity::{report, report_value};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Numbers as scaled integers; yes/no as 0/1; dates as days from the common era; text as text.
pub fn encode(v: &Value) -> (Option<i64>, Option<String>) {
    match v {
        Value::Num(n) => (Some(*n), None),
        Value::Bool(b) => (Some(*b as i64), None),
        Value::Date(d) => (Some(d.num_days_from_ce() as i64), None),
        Value::Text(t) => (None, Some(t.clone())),
    }
}

pub fn decode(spec: &IndicatorSpec, num: Option<i64>, txt: Option<&str>) -> Option<Value> {
    match spec.value_type {
        ValueType::Integer | ValueType::Decimal | ValueType::Percent => num.map(Value::Num),
        ValueType::YesNo => num.map(|n| Value::Bool(n != 0)),
        ValueType::Date => num.and_then(|n| NaiveDate::from_num_days_from_ce_opt(i32::try_from(n).ok()?)).map(Value::Date),
        ValueType::Text => txt.map(|t| Value::Text(t.to_string())),
    }
}

/// Moves every value row of a report to its new status, in the
/// transaction that changes the status.
pub async fn set_delivery<C: ConnectionTrait>(db: &C, report_id: i32, status: ReportStatus) -> Result<()> {
    report_value::Entity::update_many()
        .col_expr(report_value::Column::Delivery, sea_orm::sea_query::Expr::value(status.delivery()))
        .filter(report_value::Column::ReportId.eq(report_id))
        .exec(db)
        .await?;
    Ok(())
}

/// What a value row holds in its cell.
pub enum Stored<'a> {
    Figure(&'a Value),
    /// Text that could not be read, kept as typed.
    Unreadable(&'a str),
    /// Only a comment.
    Empty,
}

/// The one way a value row is made: the figure, or the text that could not
/// be read, with the report's unit, regime and period copied in for
/// roll-ups.
#[allow(clippy::too_many_arguments)]
pub fn value_row(
    report: &report::Model,
    period: &Period,
    status: ReportStatus,
    spec: &IndicatorSpec,
    indicator_id: i32,
    part: Option<&str>,
    stored: Stored<'_>,
    comment: &str,
    at: chrono::DateTime<chrono::Utc>,
    by: Option<i32>,
) -> report_value::ActiveModel {
    use sea_orm::Set;
    let (num, txt, invalid) = match stored {
        Stored::Figure(v) => {
            let (n, t) = encode(v);
            (n, t, false)
        }
        Stored::Unreadable(raw) => (None, Some(raw.to_string()), true),
        Stored::Empty => (None, None, false),
    };
    report_value::ActiveModel {
        report_id: Set(report.id),
        indicator_id: Set(indicator_id),
        part: Set(part.unwrap_or("").to_string()),
        num: Set(num),
        txt: Set(txt),
        comment: Set(comment.to_string()),
        unit_id: Set(report.unit_id),
        regime_id: Set(report.regime_id),
        period_key: Set(report.period_key.clone()),
        updated_at: Set(at),
        updated_by: Set(by),
        invalid: Set(invalid),
        copied: Set(false),
        delivery: Set(status.delivery()),
        period_year: Set(period.year()),
        frequency: Set(period.frequency().code().to_string()),
        ordinal: Set(period.ordinal() as i16),
        scale: Set(i16::from(spec.effective_scale())),
        ..Default::default()
    }
}

/// A stored row's figure, or `None` for an unreadable text or a comment alone.
pub fn figure_of(spec: &IndicatorSpec, row: &report_value::Model) -> Option<Value> {
    if row.invalid {
        return None;
    }
    decode(spec, row.num, row.txt.as_deref())
}

/// A report's stored figures, typed, as the checks take them.
pub fn figures_of(
    doc: &domain::regime::RegimeDoc,
    specs: &HashMap<String, IndicatorSpec>,
    stored: &HashMap<String, report_value::Model>,
) -> domain::figures::Figures {
    let mut values = std::collections::BTreeMap::new();
    let mut unreadable = std::collections::BTreeMap::new();
    for (key, row) in stored {
        let Some(spec) = specs.get(domain::entry::split_cell_key(key).0) else { continue };
        if row.invalid {
            unreadable.insert(key.clone(), row.txt.clone().unwrap_or_default());
        } else if let Some(v) = decode(spec, row.num, row.txt.as_deref()) {
            values.insert(key.clone(), v);
        }
    }
    domain::figures::Figures { values, unreadable: domain::figures::mark_unreadable(doc, specs, unreadable) }
}

/// Indicator ids ↔ codes for the rows of a form.
pub struct IndicatorIds {
    pub by_code: HashMap<String, i32>,
    pub by_id: HashMap<i32, String>,
}

/// A report's stored figures, by cell key, with their row and comment.
pub async fn load_values<C: ConnectionTrait>(db: &C, report_id: i32, ids: &IndicatorIds) -> Result<HashMap<String, report_value::Model>> {
    Ok(report_value::Entity::find()
        .filter(report_value::Column::ReportId.eq(report_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|v| {
            let code = ids.by_id.get(&v.indicator_id)?;
            let part = (!v.part.is_empty()).then_some(v.part.as_str());
            Some((cell_key(code, part), v))
        })
        .collect())
}

/// Figures of other periods of the same unit and regime, from reports that
/// were delivered, for the reference columns and the rules that use them.
pub async fn references<C: ConnectionTrait>(
    db: &C,
    unit_id: i32,
    regime_id: i32,
    period: &Period,
    specs: &HashMap<String, IndicatorSpec>,
    ids: &IndicatorIds,
) -> Result<References> {
    let same = period.same_period_last_year().key();
    let prev = period.previous().key();
    let earlier: Vec<String> = period.year_to_date().iter().filter(|p| *p != period).map(|p| p.key()).collect();
    let mut keys = vec![same.clone(), prev.clone()];
    keys.extend(earlier.iter().cloned());
    let rows = report_value::Entity::find()
        .filter(report_value::Column::UnitId.eq(unit_id))
        .filter(report_value::Column::RegimeId.eq(regime_id))
        .filter(report_value::Column::PeriodKey.is_in(keys))
        .filter(report_value::Column::Delivery.gt(0))
        .filter(report_value::Column::Invalid.eq(false))
        .all(db)
        .await?;
    let mut refs = References::default();
    let mut earlier_rows: Vec<(usize, String, Value)> = Vec::new();
    for v in rows {
        let Some(code) = ids.by_id.get(&v.indicator_id) else { continue };
        let Some(spec) = specs.get(code) else { continue };
        let Some(value) = decode(spec, v.num, v.txt.as_deref()) else { continue };
        let key = cell_key(code, (!v.part.is_empty()).then_some(v.part.as_str()));
        if v.period_key == same {
            refs.same_period_last_year.insert(key.clone(), value.clone());
        }
        if v.period_key == prev {
            refs.previous_period.insert(key.clone(), value.clone());
        }
        if let Some(pos) = earlier.iter().position(|k| *k == v.period_key) {
            earlier_rows.push((pos, key, value));
        }
    }
    earlier_rows.sort_by_key(|(pos, _, _)| *pos);
    for (_, key, value) in earlier_rows {
        refs.earlier_this_year.entry(key).or_default().push(value);
    }
    refs.earlier_periods = earlier.len();
    refs.plan = crate::catalogue::plans::for_report(db, regime_id, unit_id, period.year(), &ids.by_id).await?;
    Ok(refs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::indicator::Aggregation;

    fn spec(vt: ValueType) -> IndicatorSpec {
        IndicatorSpec {
            code: "X".into(),
            name: "X".into(),
            unit: "".into(),
            value_type: vt,
            scale: 1,
            min: None,
            max: None,
            aggregation: Aggregation::Sum,
            parts: vec![],
            rate_of: None,
        }
    }

    #[test]
    fn values_round_trip_through_storage() {
        let cases = [
            (ValueType::Decimal, Value::Num(12345)),
            (ValueType::YesNo, Value::Bool(true)),
            (ValueType::YesNo, Value::Bool(false)),
            (ValueType::Date, Value::Date(domain::period::date(2025, 7, 1))),
            (ValueType::Text, Value::Text("Khó khăn về hạ tầng".into())),
        ];
        for (vt, v) in cases {
            let (n, t) = encode(&v);
            assert_eq!(decode(&spec(vt), n, t.as_deref()), Some(v));
        }
    }
}
