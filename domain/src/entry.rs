//! Checking a report's figures as they are typed: value types and bounds,
//! required rows, breakdown sums, and the regime's rules over this period's
//! figures and the reference columns. The same function runs in the browser
//! (as the clerk types) and on the server (authoritative, at every save and send).

use crate::column::Column;
use crate::dec::Dec;
use crate::figures::{Figures, read_form};
use crate::indicator::{Aggregation, IndicatorSpec, Value, ValueType};
use crate::numfmt::{format_scaled, format_scaled_trimmed};
use crate::period::Frequency;
use crate::regime::RegimeDoc;
use crate::rules::{self, Outcome, RVal, Ref, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A cell of the form: an indicator's total, or one part of its breakdown.
pub fn cell_key(code: &str, part: Option<&str>) -> String {
    match part {
        None => code.to_string(),
        Some(p) => format!("{code}__{p}"),
    }
}

pub fn split_cell_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once("__") {
        Some((c, p)) => (c, Some(p)),
        None => (key, None),
    }
}

/// Figures of other periods, by cell key, for the reference columns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct References {
    pub same_period_last_year: HashMap<String, Value>,
    pub previous_period: HashMap<String, Value>,
    /// Earlier periods of the same year (for the year-to-date column): one
    /// value per earlier period that has a figure for the cell.
    pub earlier_this_year: HashMap<String, Vec<Value>>,
    /// How many earlier periods of the year the year-to-date figure covers,
    /// reported or not (5 for June in a monthly regime), so the form can say
    /// how many actually have figures.
    #[serde(default)]
    pub earlier_periods: usize,
    /// The year's plan (kế hoạch năm), by cell key.
    #[serde(default)]
    pub plan: HashMap<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The cell key it is about, or `rule.N` for a rule that spans cells.
    pub key: String,
    /// The rule's index in the regime version, for explanations of warnings.
    pub rule: Option<usize>,
    pub severity: Severity,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checked {
    /// The figures that could be read, by cell key.
    pub values: BTreeMap<String, Value>,
    pub findings: Vec<Finding>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Findings about one cell (its own problems and the rules naming it).
    pub fn for_cell<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Finding> {
        self.findings.iter().filter(move |f| f.key == key)
    }

    /// Warnings without a written explanation, which block sending.
    pub fn unexplained<'a>(&'a self, explanations: &'a HashMap<usize, String>) -> impl Iterator<Item = &'a Finding> {
        self.warnings().filter(move |f| f.rule.is_none_or(|r| explanations.get(&r).is_none_or(|t| t.trim().is_empty())))
    }
}

/// The year-to-date figure: earlier periods and this one, aggregated as the
/// indicator says. A rate is never summed or averaged (the mean of monthly
/// rates is not the year's rate): its year-to-date figure comes from its
/// numerator and denominator ([`Sheet::year_to_date`]), so here it is `None`;
/// its latest, lowest or highest value is still given.
pub fn year_to_date(spec: &IndicatorSpec, earlier: &[Value], current: Option<&Value>) -> Option<Value> {
    let mut nums: Vec<i64> = earlier.iter().filter_map(|v| if let Value::Num(n) = v { Some(*n) } else { None }).collect();
    if let Some(Value::Num(n)) = current {
        nums.push(*n);
    }
    let rate = spec.value_type == ValueType::Percent;
    match spec.aggregation {
        Aggregation::Sum | Aggregation::Average if rate => None,
        Aggregation::Sum if !nums.is_empty() => nums.iter().try_fold(0i64, |a, b| a.checked_add(*b)).map(Value::Num),
        Aggregation::Average if !nums.is_empty() => {
            let sum: i128 = nums.iter().map(|n| *n as i128).sum();
            let n = nums.len() as i128;
            // Round half away from zero at the indicator's scale.
            let q = (2 * sum + sum.signum() * n) / (2 * n);
            i64::try_from(q).ok().map(Value::Num)
        }
        Aggregation::Min => nums.iter().min().copied().map(Value::Num),
        Aggregation::Max => nums.iter().max().copied().map(Value::Num),
        Aggregation::Last => current.cloned().or_else(|| earlier.last().cloned()),
        _ => None,
    }
}

/// A year-to-date figure and how many of the periods it covers have figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearToDate {
    pub value: Option<Value>,
    /// Periods of the year so far with a figure for the cell, this one included.
    pub reported: usize,
    /// Periods of the year so far, this one included.
    pub expected: usize,
}

impl YearToDate {
    pub fn is_complete(&self) -> bool {
        self.reported >= self.expected
    }

    /// "Lũy kế 5/6 tháng có số liệu", or `None` when every period has figures.
    pub fn coverage_note(&self, frequency: Frequency) -> Option<String> {
        if self.is_complete() {
            return None;
        }
        let unit = match frequency {
            Frequency::Monthly => "tháng",
            Frequency::Quarterly => "quý",
            _ => "kỳ",
        };
        Some(format!("Lũy kế {}/{} {unit} có số liệu", self.reported, self.expected))
    }
}

/// This period against the same period last year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    /// A count or amount: this period as a percentage of last year's (62,5 %), to one decimal.
    Percent(Dec),
    /// A rate: the difference in percentage points, at the rate's scale.
    Points { diff: Dec, scale: u8 },
}

impl Comparison {
    /// `62,5%` or `+2,5 điểm %`.
    pub fn display(&self) -> String {
        match *self {
            Comparison::Percent(d) => {
                format!("{}%", d.to_scaled(1).map(|v| format_scaled_trimmed(v, 1)).unwrap_or_else(|| "—".into()))
            }
            Comparison::Points { diff, scale } => {
                let shown = diff.to_scaled(scale).map(|v| format_scaled(v, scale)).unwrap_or_else(|| "—".into());
                let sign = if diff > Dec::ZERO { "+" } else { "" };
                format!("{sign}{shown} điểm %")
            }
        }
    }
}

/// This period against the same period last year: a percentage for counts
/// and amounts, a difference in percentage points for rates.
pub fn comparison(spec: &IndicatorSpec, current: Option<&Value>, same: Option<&Value>) -> Option<Comparison> {
    let (Some(c), Some(s)) = (current.and_then(|v| spec.as_dec(v)), same.and_then(|v| spec.as_dec(v))) else {
        return None;
    };
    match spec.value_type {
        ValueType::Percent => c.checked_sub(s).ok().map(|diff| Comparison::Points { diff, scale: spec.effective_scale() }),
        ValueType::Integer | ValueType::Decimal if !s.is_zero() => {
            c.checked_mul(Dec::from_int(100)).ok()?.checked_div(s).ok().map(|d| Comparison::Percent(d.round(1)))
        }
        _ => None,
    }
}

/// This period against the same period last year, in percent. `None` for a
/// rate: a ratio of two rates means nothing to a reader; see [`comparison`].
pub fn comparison_percent(spec: &IndicatorSpec, current: Option<&Value>, same: Option<&Value>) -> Option<Dec> {
    match comparison(spec, current, same)? {
        Comparison::Percent(d) => Some(d),
        Comparison::Points { .. } => None,
    }
}

/// `part` as a percentage of `whole`, rounded to `places` decimals, exactly.
fn percent_of(part: Dec, whole: Dec, places: u32) -> Option<Dec> {
    if whole.is_zero() {
        return None;
    }
    Some(part.checked_mul(Dec::from_int(100)).ok()?.checked_div(whole).ok()?.round(places))
}

/// A reference column's figure for a cell, from this indicator's own figures
/// only (a rate's year-to-date figure needs [`Sheet`]).
pub fn reference(spec: &IndicatorSpec, refs: &References, key: &str, column: Column, current: Option<&Value>) -> Option<Value> {
    match column {
        Column::Current => current.cloned(),
        Column::SamePeriodLastYear => refs.same_period_last_year.get(key).cloned(),
        Column::PreviousPeriod => refs.previous_period.get(key).cloned(),
        Column::YearToDate => year_to_date(spec, refs.earlier_this_year.get(key).map(Vec::as_slice).unwrap_or(&[]), current),
        Column::Plan => refs.plan.get(key).cloned(),
        Column::Comparison | Column::PlanPercent => None,
    }
}

/// A report's figures in one place: the catalogue, this period's values and
/// the other periods', so every column of every row can be worked out,
/// including those that need other rows (a rate's year-to-date figure).
#[derive(Clone, Copy)]
pub struct Sheet<'a> {
    pub specs: &'a HashMap<String, IndicatorSpec>,
    pub refs: &'a References,
    /// This period's figures, by cell key.
    pub current: &'a BTreeMap<String, Value>,
}

impl Sheet<'_> {
    fn spec_of(&self, key: &str) -> Option<&IndicatorSpec> {
        self.specs.get(split_cell_key(key).0)
    }

    /// A data column's figure for a cell.
    pub fn value(&self, key: &str, column: Column) -> Option<Value> {
        let spec = self.spec_of(key)?;
        match column {
            Column::YearToDate => self.year_to_date(key).value,
            other => reference(spec, self.refs, key, other, self.current.get(key)),
        }
    }

    /// The year-to-date figure of a cell, with how many periods have figures.
    pub fn year_to_date(&self, key: &str) -> YearToDate {
        let plain = |key: &str| -> YearToDate {
            let earlier = self.refs.earlier_this_year.get(key).map(Vec::as_slice).unwrap_or(&[]);
            let current = self.current.get(key);
            YearToDate {
                value: self.spec_of(key).and_then(|s| year_to_date(s, earlier, current)),
                reported: earlier.len() + usize::from(current.is_some()),
                expected: self.refs.earlier_periods.max(earlier.len()) + 1,
            }
        };
        let Some(spec) = self.spec_of(key) else { return plain(key) };
        let (Some(rate), ValueType::Percent, Aggregation::Sum | Aggregation::Average) = (&spec.rate_of, spec.value_type, spec.aggregation) else {
            return plain(key);
        };
        // Σ numerator / Σ denominator, for the same breakdown part when there is one.
        let part = split_cell_key(key).1;
        let (num, den) = (plain(&cell_key(&rate.numerator, part)), plain(&cell_key(&rate.denominator, part)));
        let as_dec = |y: &YearToDate, code: &str| self.specs.get(code)?.as_dec(y.value.as_ref()?);
        let value = match (as_dec(&num, &rate.numerator), as_dec(&den, &rate.denominator)) {
            (Some(n), Some(d)) => {
                percent_of(n, d, u32::from(spec.effective_scale())).and_then(|r| r.to_scaled(spec.effective_scale())).map(Value::Num)
            }
            _ => None,
        };
        YearToDate { value, reported: num.reported.min(den.reported), expected: num.expected.max(den.expected) }
    }

    pub fn comparison(&self, key: &str) -> Option<Comparison> {
        comparison(self.spec_of(key)?, self.current.get(key), self.refs.same_period_last_year.get(key))
    }

    /// The year-to-date figure (this period's when the indicator has none)
    /// as a percentage of the year's plan, to one decimal.
    pub fn plan_percent(&self, key: &str) -> Option<Dec> {
        let spec = self.spec_of(key)?;
        let plan = spec.as_dec(self.refs.plan.get(key)?)?;
        let done = self.year_to_date(key).value.or_else(|| self.current.get(key).cloned())?;
        percent_of(spec.as_dec(&done)?, plan, 1)
    }

    /// What a column shows for a cell, the Vietnamese way (empty when nothing).
    pub fn display(&self, key: &str, column: Column) -> String {
        match column {
            Column::Comparison => self.comparison(key).map(|c| c.display()).unwrap_or_default(),
            Column::PlanPercent => {
                self.plan_percent(key).and_then(|d| d.to_scaled(1)).map(|v| format!("{}%", format_scaled_trimmed(v, 1))).unwrap_or_default()
            }
            data => match (self.spec_of(key), self.value(key, data)) {
                (Some(spec), Some(v)) => spec.format(&v),
                _ => String::new(),
            },
        }
    }
}

fn rval(spec: &IndicatorSpec, v: &Value) -> Option<RVal> {
    match v {
        Value::Text(t) => Some(RVal::Text(t.clone())),
        Value::Bool(b) => Some(RVal::Bool(*b)),
        other => spec.as_dec(other).map(RVal::Num),
    }
}

/// Checks what was typed. `raw` maps cell keys to the text in each input;
/// `for_send` adds the checks that only sending needs (required rows). The
/// browser's path: the text is read once ([`read_form`]) and checked typed.
pub fn check_entry(
    doc: &RegimeDoc,
    specs: &HashMap<String, IndicatorSpec>,
    raw: &HashMap<String, String>,
    refs: &References,
    for_send: bool,
) -> Checked {
    check_figures(doc, specs, &read_form(doc, specs, raw), refs, for_send)
}

/// Checks a report's typed figures: unreadable cells, required rows,
/// breakdown sums, and the regime's rules over this period's figures and
/// the reference columns. Every edge (form, Excel, API, storage) comes here
/// with values it has already read.
pub fn check_figures(doc: &RegimeDoc, specs: &HashMap<String, IndicatorSpec>, figures: &Figures, refs: &References, for_send: bool) -> Checked {
    let mut out = Checked { values: figures.values.clone(), findings: Vec::new() };
    for (key, u) in &figures.unreadable {
        out.findings.push(Finding { key: key.clone(), rule: None, severity: Severity::Error, message: u.message.clone() });
    }
    for (stt, key, spec, part, required) in crate::figures::cells(doc, specs) {
        if part.is_some() {
            continue;
        }
        let total_key = &key;
        if for_send && required && !out.values.contains_key(total_key) && !figures.unreadable.contains_key(total_key) {
            out.findings.push(Finding {
                key: total_key.clone(),
                rule: None,
                severity: Severity::Error,
                message: format!("Dòng {stt} ({}): chỉ tiêu bắt buộc, chưa có số liệu.", spec.name),
            });
        }
        if !spec.parts.is_empty() {
            let parts: Vec<Option<&Value>> = spec.parts.iter().map(|p| out.values.get(&cell_key(&spec.code, Some(&p.code)))).collect();
            if let (Some(Value::Num(total)), true) = (out.values.get(total_key), parts.iter().all(Option::is_some)) {
                let sum: i128 = parts.iter().flatten().map(|v| if let Value::Num(n) = v { *n as i128 } else { 0 }).sum();
                if sum != *total as i128 {
                    let names = spec.parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" + ");
                    let show = |n: i128| i64::try_from(n).map(|n| spec.format(&Value::Num(n))).unwrap_or_default();
                    out.findings.push(Finding {
                        key: total_key.clone(),
                        rule: None,
                        severity: Severity::Error,
                        message: format!(
                            "Dòng {stt} ({}): tổng các phần ({names} = {}) khác tổng số ({}).",
                            spec.name,
                            show(sum),
                            spec.format(&Value::Num(*total))
                        ),
                    });
                }
            }
        }
    }
    let values = std::mem::take(&mut out.values);
    let sheet = Sheet { specs, refs, current: &values };
    let lookup = |r: &Ref| -> Option<RVal> {
        let spec = specs.get(&r.code)?;
        let v = sheet.value(&cell_key(&r.code, r.part.as_deref()), r.column)?;
        rval(spec, &v)
    };
    let mut rule_findings = Vec::new();
    for (i, rule) in doc.rules.iter().enumerate() {
        // A rule that cannot be checked is reported, never taken as passed:
        // the form and the send check (both here) then refuse alike.
        let not_checked = |why: String| {
            let why = why.trim_end_matches('.');
            let stop = if why.ends_with('?') { "" } else { "." };
            format!("Không kiểm tra được quy tắc «{}»: {why}{stop}", rule.expression.trim())
        };
        let expr = match rules::parse(&rule.expression) {
            Ok(e) => e,
            Err(e) => {
                rule_findings.push(Finding {
                    key: format!("rule.{i}"),
                    rule: Some(i),
                    severity: rule.severity,
                    message: not_checked(format!("lỗi cú pháp ở vị trí {}: {}", e.pos, e.message)),
                });
                continue;
            }
        };
        let message = match rules::evaluate(&expr, rule.missing, &lookup) {
            Outcome::Fail => rule.message.clone(),
            Outcome::Error(why) => not_checked(why),
            Outcome::Pass | Outcome::Skipped => continue,
        };
        let first = expr.refs().into_iter().find(|r| r.column == Column::Current).map(|r| cell_key(&r.code, r.part.as_deref()));
        rule_findings.push(Finding { key: first.unwrap_or_else(|| format!("rule.{i}")), rule: Some(i), severity: rule.severity, message });
    }
    out.values = values;
    out.findings.extend(rule_findings);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{BreakdownPart, ValueType};
    use crate::regime::{FormRow, FormSection};
    use crate::rules::{MissingStrategy, RuleDef};

    fn spec(code: &str, vt: ValueType, agg: Aggregation, parts: &[&str]) -> IndicatorSpec {
        IndicatorSpec {
            code: code.into(),
            name: format!("Chỉ tiêu {code}"),
            unit: "Người".into(),
            value_type: vt,
            scale: if vt == ValueType::Percent { 1 } else { 0 },
            min: Some(0),
            max: if vt == ValueType::Percent { Some(1000) } else { None },
            aggregation: agg,
            parts: parts.iter().map(|p| BreakdownPart { code: (*p).into(), name: p.to_uppercase() }).collect(),
            rate_of: None,
        }
    }

    fn setup() -> (RegimeDoc, HashMap<String, IndicatorSpec>) {
        let mut doc = RegimeDoc::new("T", "Thử");
        doc.sections = vec![FormSection {
            title: "A".into(),
            rows: vec![
                FormRow { indicator: "DS01".into(), required: true },
                FormRow { indicator: "HC01".into(), required: false },
                FormRow { indicator: "HC02".into(), required: false },
                FormRow { indicator: "TL".into(), required: false },
            ],
        }];
        doc.rules = vec![
            RuleDef {
                expression: "HC02 <= HC01".into(),
                message: "Hồ sơ trực tuyến vượt tổng số.".into(),
                severity: Severity::Error,
                missing: MissingStrategy::SkipIfAnyMissing,
            },
            RuleDef {
                expression: "HC01 >= HC01.cung_ky * 0.5".into(),
                message: "Giảm hơn một nửa so với cùng kỳ.".into(),
                severity: Severity::Warning,
                missing: MissingStrategy::SkipIfAnyMissing,
            },
        ];
        let specs = [
            spec("DS01", ValueType::Integer, Aggregation::Last, &["nam", "nu"]),
            spec("HC01", ValueType::Integer, Aggregation::Sum, &[]),
            spec("HC02", ValueType::Integer, Aggregation::Sum, &[]),
            spec("TL", ValueType::Percent, Aggregation::Average, &[]),
        ]
        .into_iter()
        .map(|s| (s.code.clone(), s))
        .collect();
        (doc, specs)
    }

    fn raw(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn types_bounds_and_required_rows() {
        let (doc, specs) = setup();
        let c = check_entry(&doc, &specs, &raw(&[("HC01", "abc"), ("TL", "120")]), &References::default(), true);
        let msgs: Vec<&str> = c.findings.iter().map(|f| f.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.starts_with("Dòng 2 (Chỉ tiêu HC01): Không đọc được số")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("Dòng 4") && m.contains("từ 0,0 đến 100,0")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("Dòng 1") && m.contains("bắt buộc")), "{msgs:?}");
        // A draft save does not ask for required rows.
        let draft = check_entry(&doc, &specs, &raw(&[]), &References::default(), false);
        assert!(draft.findings.is_empty());
    }

    #[test]
    fn breakdown_parts_must_add_up() {
        let (doc, specs) = setup();
        let c = check_entry(&doc, &specs, &raw(&[("DS01", "1.000"), ("DS01__nam", "480"), ("DS01__nu", "500")]), &References::default(), false);
        let f = c.for_cell("DS01").next().expect("a finding on the total");
        assert_eq!(f.message, "Dòng 1 (Chỉ tiêu DS01): tổng các phần (NAM + NU = 980) khác tổng số (1.000).");
        let ok = check_entry(&doc, &specs, &raw(&[("DS01", "1.000"), ("DS01__nam", "480"), ("DS01__nu", "520")]), &References::default(), true);
        assert!(!ok.has_errors(), "{:?}", ok.findings);
    }

    #[test]
    fn rules_see_this_period_and_the_reference_columns() {
        let (doc, specs) = setup();
        let mut refs = References::default();
        refs.same_period_last_year.insert("HC01".into(), Value::Num(100));
        let c = check_entry(&doc, &specs, &raw(&[("DS01", "5"), ("HC01", "40"), ("HC02", "41")]), &refs, true);
        let e: Vec<_> = c.errors().collect();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].key.as_str(), e[0].rule), ("HC02", Some(0)));
        let w: Vec<_> = c.warnings().collect();
        assert_eq!((w[0].key.as_str(), w[0].rule, w[0].message.as_str()), ("HC01", Some(1), "Giảm hơn một nửa so với cùng kỳ."));
        let mut explained = HashMap::new();
        assert_eq!(c.unexplained(&explained).count(), 1);
        explained.insert(1, "Do sáp nhập đơn vị hành chính.".to_string());
        assert_eq!(c.unexplained(&explained).count(), 0);
    }

    #[test]
    fn reference_columns() {
        let s = spec("HC01", ValueType::Integer, Aggregation::Sum, &[]);
        let mut refs = References::default();
        refs.earlier_this_year.insert("HC01".into(), vec![Value::Num(10), Value::Num(20)]);
        refs.same_period_last_year.insert("HC01".into(), Value::Num(8));
        let cur = Value::Num(5);
        assert_eq!(reference(&s, &refs, "HC01", Column::YearToDate, Some(&cur)), Some(Value::Num(35)));
        assert_eq!(comparison_percent(&s, Some(&cur), refs.same_period_last_year.get("HC01")).unwrap().to_string(), "62.5");
        let avg = spec("DT", ValueType::Decimal, Aggregation::Average, &[]);
        assert_eq!(year_to_date(&avg, &[Value::Num(500), Value::Num(600)], Some(&Value::Num(701))), Some(Value::Num(600)));
        // A rate is not averaged: without its numerator and denominator it has no year-to-date figure.
        let rate = spec("TL", ValueType::Percent, Aggregation::Average, &[]);
        assert_eq!(year_to_date(&rate, &[Value::Num(500), Value::Num(600)], Some(&Value::Num(701))), None);
        let last_rate = spec("TL", ValueType::Percent, Aggregation::Last, &[]);
        assert_eq!(year_to_date(&last_rate, &[Value::Num(500)], Some(&Value::Num(701))), Some(Value::Num(701)));
        let last = spec("DS01", ValueType::Integer, Aggregation::Last, &[]);
        assert_eq!(year_to_date(&last, &[Value::Num(1)], None), Some(Value::Num(1)));
        assert_eq!(comparison_percent(&s, Some(&cur), Some(&Value::Num(0))), None);
        assert_eq!(split_cell_key("DS01__nu"), ("DS01", Some("nu")));
        assert_eq!(split_cell_key("DS01"), ("DS01", None));
    }

    #[test]
    fn a_rule_that_cannot_be_checked_is_reported_with_its_severity() {
        let (mut doc, specs) = setup();
        doc.rules = vec![
            RuleDef {
                expression: "HC02 / HC01 <= 1".into(),
                message: "Tỷ lệ trực tuyến vượt 100%.".into(),
                severity: Severity::Error,
                missing: MissingStrategy::NeverSkip,
            },
            RuleDef { expression: "max(HC01, 0) >= 0".into(), message: "x".into(), severity: Severity::Warning, missing: MissingStrategy::NeverSkip },
            RuleDef {
                expression: "HC02 / HC01.cung_ky <= 2".into(),
                message: "x".into(),
                severity: Severity::Warning,
                missing: MissingStrategy::NeverSkip,
            },
        ];
        for for_send in [false, true] {
            let c = check_entry(&doc, &specs, &raw(&[("DS01", "5"), ("HC01", "0"), ("HC02", "3")]), &References::default(), for_send);
            let by_rule = |i: usize| c.findings.iter().find(|f| f.rule == Some(i)).unwrap_or_else(|| panic!("rule {i}: {:?}", c.findings));
            let f = by_rule(0);
            assert_eq!(f.message, "Không kiểm tra được quy tắc «HC02 / HC01 <= 1»: chia cho 0 (HC01 bằng 0).");
            assert_eq!((f.severity, f.key.as_str()), (Severity::Error, "HC02"));
            assert!(c.has_errors(), "the send check refuses it as the form does");
            let f = by_rule(1);
            assert_eq!(f.severity, Severity::Warning);
            assert_eq!(f.key, "rule.1");
            assert!(f.message.starts_with("Không kiểm tra được quy tắc «max(HC01, 0) >= 0»: lỗi cú pháp ở vị trí 9:"), "{}", f.message);
            assert!(f.message.contains("«max(HC01; 0) >= 0»"), "{}", f.message);
            assert_eq!(
                by_rule(2).message,
                "Không kiểm tra được quy tắc «HC02 / HC01.cung_ky <= 2»: chia cho 0 (HC01.cung_ky chưa có số liệu, được tính là 0)."
            );
            // A warning that could not be checked needs an explanation like any other.
            assert_eq!(c.unexplained(&HashMap::new()).count(), 2);
        }
    }

    #[test]
    fn rates_compare_in_percentage_points() {
        let tl = spec("TL", ValueType::Percent, Aggregation::Average, &[]);
        let hc = spec("HC01", ValueType::Integer, Aggregation::Sum, &[]);
        let cases: &[(&IndicatorSpec, i64, i64, &str)] = &[
            (&tl, 550, 525, "+2,5 điểm %"),
            (&tl, 515, 525, "-1,0 điểm %"),
            (&tl, 525, 525, "0,0 điểm %"),
            (&hc, 5, 8, "62,5%"),
            (&hc, 10, 3, "333,3%"),
            (&hc, 2, 3, "66,7%"),
        ];
        for (s, cur, same, want) in cases {
            let c = comparison(s, Some(&Value::Num(*cur)), Some(&Value::Num(*same))).unwrap();
            assert_eq!(c.display(), *want, "{} {cur} {same}", s.code);
        }
        assert_eq!(comparison_percent(&tl, Some(&Value::Num(550)), Some(&Value::Num(525))), None, "no ratio of rates");
        assert_eq!(comparison(&hc, Some(&Value::Num(5)), Some(&Value::Num(0))), None);
        assert_eq!(comparison(&tl, Some(&Value::Num(5)), None), None);
    }

    fn rate_sheet() -> HashMap<String, IndicatorSpec> {
        let mut tl = spec("TL", ValueType::Percent, Aggregation::Average, &[]);
        tl.rate_of = Some(crate::indicator::RateOf { numerator: "HS".into(), denominator: "DS".into() });
        [tl, spec("HS", ValueType::Integer, Aggregation::Sum, &[]), spec("DS", ValueType::Integer, Aggregation::Sum, &[])]
            .into_iter()
            .map(|s| (s.code.clone(), s))
            .collect()
    }

    #[test]
    fn a_rate_to_date_is_the_ratio_of_sums() {
        let specs = rate_sheet();
        let mut refs = References { earlier_periods: 2, ..Default::default() };
        refs.earlier_this_year.insert("HS".into(), vec![Value::Num(30), Value::Num(20)]);
        refs.earlier_this_year.insert("DS".into(), vec![Value::Num(100), Value::Num(100)]);
        refs.earlier_this_year.insert("TL".into(), vec![Value::Num(300), Value::Num(200)]);
        let current: BTreeMap<String, Value> =
            [("HS", 50), ("DS", 200), ("TL", 250)].into_iter().map(|(k, v)| (k.to_string(), Value::Num(v))).collect();
        let sheet = Sheet { specs: &specs, refs: &refs, current: &current };
        // (30 + 20 + 50) / (100 + 100 + 200) = 25,0 %, not the mean of 30, 20 and 25.
        let y = sheet.year_to_date("TL");
        assert_eq!((y.value, y.reported, y.expected), (Some(Value::Num(250)), 3, 3));
        assert_eq!(sheet.display("TL", Column::YearToDate), "25,0");
        assert_eq!(sheet.display("HS", Column::YearToDate), "100");
        // Exact division, rounded once at the rate's scale: 1/3 → 33,3.
        let current: BTreeMap<String, Value> = [("HS", 1), ("DS", 3)].into_iter().map(|(k, v)| (k.to_string(), Value::Num(v))).collect();
        let sheet = Sheet { specs: &specs, refs: &References::default(), current: &current };
        assert_eq!(sheet.value("TL", Column::YearToDate), Some(Value::Num(333)));
        // Without a numerator/denominator pair, none.
        let mut plain = specs.clone();
        plain.get_mut("TL").unwrap().rate_of = None;
        let sheet = Sheet { specs: &plain, refs: &References::default(), current: &current };
        assert_eq!(sheet.value("TL", Column::YearToDate), None);
        // A zero denominator gives no rate rather than an error.
        let zero: BTreeMap<String, Value> = [("HS", 0), ("DS", 0)].into_iter().map(|(k, v)| (k.to_string(), Value::Num(v))).collect();
        let sheet = Sheet { specs: &specs, refs: &References::default(), current: &zero };
        assert_eq!(sheet.value("TL", Column::YearToDate), None);
    }

    #[test]
    fn year_to_date_says_how_many_periods_have_figures() {
        let specs = rate_sheet();
        let mut refs = References { earlier_periods: 5, ..Default::default() };
        refs.earlier_this_year.insert("HS".into(), vec![Value::Num(1), Value::Num(2), Value::Num(3), Value::Num(4)]);
        let current: BTreeMap<String, Value> = [("HS".to_string(), Value::Num(5))].into_iter().collect();
        let sheet = Sheet { specs: &specs, refs: &refs, current: &current };
        let y = sheet.year_to_date("HS");
        assert_eq!((y.value.clone(), y.reported, y.expected), (Some(Value::Num(15)), 5, 6));
        assert_eq!(y.coverage_note(Frequency::Monthly).as_deref(), Some("Lũy kế 5/6 tháng có số liệu"));
        assert_eq!(y.coverage_note(Frequency::Quarterly).as_deref(), Some("Lũy kế 5/6 quý có số liệu"));
        let full = sheet.year_to_date("DS");
        assert_eq!((full.reported, full.expected), (0, 6));
        let empty = Sheet { specs: &specs, refs: &References::default(), current: &current };
        assert_eq!(empty.year_to_date("HS").coverage_note(Frequency::Monthly), None, "1/1: complete");
    }

    #[test]
    fn plan_columns() {
        let (mut doc, specs) = setup();
        let mut refs = References::default();
        refs.earlier_this_year.insert("HC01".into(), vec![Value::Num(300), Value::Num(200)]);
        refs.plan.insert("HC01".into(), Value::Num(3000));
        refs.plan.insert("TL".into(), Value::Num(900));
        let current: BTreeMap<String, Value> = [("HC01".to_string(), Value::Num(500)), ("TL".to_string(), Value::Num(855))].into_iter().collect();
        let sheet = Sheet { specs: &specs, refs: &refs, current: &current };
        assert_eq!(sheet.display("HC01", Column::Plan), "3.000");
        // (300 + 200 + 500) / 3.000 = 33,3 %.
        assert_eq!(sheet.plan_percent("HC01").unwrap().to_string(), "33.3");
        assert_eq!(sheet.display("HC01", Column::PlanPercent), "33,3%");
        // A rate without a year-to-date figure is measured by this period's value: 85,5 / 90 = 95 %.
        assert_eq!(sheet.display("TL", Column::PlanPercent), "95%");
        assert_eq!(sheet.display("HC02", Column::PlanPercent), "");
        assert_eq!(Column::Plan.label(), "Kế hoạch năm");
        // Rules see the plan as `.ke_hoach`.
        doc.rules = vec![RuleDef {
            expression: "HC01.luy_ke <= HC01.ke_hoach".into(),
            message: "Vượt kế hoạch năm.".into(),
            severity: Severity::Warning,
            missing: MissingStrategy::SkipIfAnyMissing,
        }];
        refs.plan.insert("HC01".into(), Value::Num(900));
        let c = check_entry(&doc, &specs, &raw(&[("HC01", "500")]), &refs, false);
        assert_eq!(c.warnings().map(|f| f.message.as_str()).collect::<Vec<_>>(), vec!["Vượt kế hoạch năm."]);
    }
}
