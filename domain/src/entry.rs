//! Checking a report's figures as they are typed: value types and bounds,
//! required rows, breakdown sums, and the regime's rules over this period's
//! figures and the reference columns. The same function runs in the browser
//! (as the clerk types) and on the server (authoritative, at every save and send).

use crate::column::Column;
use crate::dec::Dec;
use crate::indicator::{Aggregation, IndicatorSpec, Value};
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
    /// Earlier periods of the same year (for the year-to-date column).
    pub earlier_this_year: HashMap<String, Vec<Value>>,
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

/// The year-to-date figure: earlier periods and this one, aggregated as the indicator says.
pub fn year_to_date(spec: &IndicatorSpec, earlier: &[Value], current: Option<&Value>) -> Option<Value> {
    let mut nums: Vec<i64> = earlier.iter().filter_map(|v| if let Value::Num(n) = v { Some(*n) } else { None }).collect();
    if let Some(Value::Num(n)) = current {
        nums.push(*n);
    }
    match spec.aggregation {
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

/// This period against the same period last year, in percent.
pub fn comparison_percent(spec: &IndicatorSpec, current: Option<&Value>, same: Option<&Value>) -> Option<Dec> {
    let (Some(c), Some(s)) = (current.and_then(|v| spec.as_dec(v)), same.and_then(|v| spec.as_dec(v))) else {
        return None;
    };
    if s.is_zero() || !matches!(spec.value_type, crate::indicator::ValueType::Integer | crate::indicator::ValueType::Decimal | crate::indicator::ValueType::Percent) {
        return None;
    }
    c.checked_mul(Dec::from_int(100)).ok()?.checked_div(s).ok().map(|d| d.round(1))
}

/// A reference column's figure for a cell.
pub fn reference(spec: &IndicatorSpec, refs: &References, key: &str, column: Column, current: Option<&Value>) -> Option<Value> {
    match column {
        Column::Current => current.cloned(),
        Column::SamePeriodLastYear => refs.same_period_last_year.get(key).cloned(),
        Column::PreviousPeriod => refs.previous_period.get(key).cloned(),
        Column::YearToDate => year_to_date(spec, refs.earlier_this_year.get(key).map(Vec::as_slice).unwrap_or(&[]), current),
        Column::Comparison => None,
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
/// `for_send` adds the checks that only sending needs (required rows).
pub fn check_entry(
    doc: &RegimeDoc,
    specs: &HashMap<String, IndicatorSpec>,
    raw: &HashMap<String, String>,
    refs: &References,
    for_send: bool,
) -> Checked {
    let mut out = Checked::default();
    let mut stt = 0;
    for section in &doc.sections {
        for row in &section.rows {
            stt += 1;
            let Some(spec) = specs.get(&row.indicator) else { continue };
            let keys: Vec<(String, Option<&str>)> = std::iter::once((cell_key(&spec.code, None), None))
                .chain(spec.parts.iter().map(|p| (cell_key(&spec.code, Some(&p.code)), Some(p.name.as_str()))))
                .collect();
            for (key, part_name) in &keys {
                let text = raw.get(key).map(String::as_str).unwrap_or("");
                match spec.parse_input(text) {
                    Ok(Some(v)) => {
                        out.values.insert(key.clone(), v);
                    }
                    Ok(None) => {}
                    Err(m) => {
                        let what = match part_name {
                            Some(p) => format!("{} — {p}", spec.name),
                            None => spec.name.clone(),
                        };
                        out.findings.push(Finding { key: key.clone(), rule: None, severity: Severity::Error, message: format!("Dòng {stt} ({what}): {m}") });
                    }
                }
            }
            let total_key = &keys[0].0;
            if for_send && row.required && !out.values.contains_key(total_key) && !out.findings.iter().any(|f| &f.key == total_key) {
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
    }
    let lookup = |r: &Ref| -> Option<RVal> {
        let spec = specs.get(&r.code)?;
        let key = cell_key(&r.code, r.part.as_deref());
        let current = out.values.get(&key);
        let v = reference(spec, refs, &key, r.column, current)?;
        rval(spec, &v)
    };
    let mut rule_findings = Vec::new();
    for (i, rule) in doc.rules.iter().enumerate() {
        let Ok(expr) = rules::parse(&rule.expression) else { continue };
        if matches!(rules::evaluate(&expr, rule.missing, &lookup), Outcome::Fail) {
            let first = expr.refs().into_iter().find(|r| r.column == Column::Current).map(|r| cell_key(&r.code, r.part.as_deref()));
            rule_findings.push(Finding {
                key: first.unwrap_or_else(|| format!("rule.{i}")),
                rule: Some(i),
                severity: rule.severity,
                message: rule.message.clone(),
            });
        }
    }
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
            RuleDef { expression: "HC02 <= HC01".into(), message: "Hồ sơ trực tuyến vượt tổng số.".into(), severity: Severity::Error, missing: MissingStrategy::SkipIfAnyMissing },
            RuleDef { expression: "HC01 >= HC01.cung_ky * 0.5".into(), message: "Giảm hơn một nửa so với cùng kỳ.".into(), severity: Severity::Warning, missing: MissingStrategy::SkipIfAnyMissing },
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
        let avg = spec("TL", ValueType::Percent, Aggregation::Average, &[]);
        assert_eq!(year_to_date(&avg, &[Value::Num(500), Value::Num(600)], Some(&Value::Num(701))), Some(Value::Num(600)));
        let last = spec("DS01", ValueType::Integer, Aggregation::Last, &[]);
        assert_eq!(year_to_date(&last, &[Value::Num(1)], None), Some(Value::Num(1)));
        assert_eq!(comparison_percent(&s, Some(&cur), Some(&Value::Num(0))), None);
        assert_eq!(split_cell_key("DS01__nu"), ("DS01", Some("nu")));
        assert_eq!(split_cell_key("DS01"), ("DS01", None));
    }
}
