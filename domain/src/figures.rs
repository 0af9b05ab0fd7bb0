//! A report's figures, typed once where they enter: the browser's text
//! (read here by [`read_form`]), an Excel cell, a JSON value. From then on
//! the checks, storage and every other layer work on [`Value`]s keyed by
//! [`CellKey`]; text is never formatted and parsed again on the way.

use crate::indicator::{IndicatorSpec, Value};
use crate::regime::RegimeDoc;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A cell of a form: an indicator's total, or one part of its breakdown.
/// Written `CODE` or `CODE__part` in maps, form field names and files.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellKey {
    code: String,
    part: Option<String>,
}

impl CellKey {
    pub fn new(code: &str, part: Option<&str>) -> Self {
        CellKey { code: code.to_string(), part: part.map(str::to_string) }
    }

    /// Reads `CODE` or `CODE__part`, refusing anything an indicator or part
    /// code could not be (keys arriving from a file or an API are untrusted).
    pub fn parse(s: &str) -> Option<CellKey> {
        let (code, part) = match s.split_once("__") {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        crate::indicator::check_code(code).ok()?;
        if let Some(p) = part {
            crate::indicator::check_part_code(p).ok()?;
        }
        Some(CellKey::new(code, part))
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn part(&self) -> Option<&str> {
        self.part.as_deref()
    }

    /// The cell's written form (`CODE` or `CODE__part`).
    pub fn text(&self) -> String {
        crate::entry::cell_key(&self.code, self.part.as_deref())
    }

    /// Whether the cell exists on a form with these indicators.
    pub fn exists_in(&self, specs: &HashMap<String, IndicatorSpec>) -> bool {
        specs.get(&self.code).is_some_and(|s| match &self.part {
            None => true,
            Some(p) => s.parts.iter().any(|x| &x.code == p),
        })
    }
}

impl fmt::Display for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// What a cell held that could not be read as its indicator's type: kept as
/// typed so nothing is lost, and refused when the report is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub raw: String,
    /// Why, naming the row: "Dòng 4 (Thu ngân sách): Không đọc được số…".
    pub message: String,
}

/// Every cell of a report, typed: readable figures, and the text of those
/// that could not be read. Keys are cell keys in their written form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub values: BTreeMap<String, Value>,
    pub unreadable: BTreeMap<String, Unreadable>,
}

/// The cells of a form in order: (row number, key, the row's spec, the
/// part's name when the cell is a breakdown part, whether required).
pub fn cells<'a>(doc: &'a RegimeDoc, specs: &'a HashMap<String, IndicatorSpec>) -> Vec<(usize, String, &'a IndicatorSpec, Option<&'a str>, bool)> {
    let mut out = Vec::new();
    let mut stt = 0;
    for section in &doc.sections {
        for row in &section.rows {
            stt += 1;
            let Some(spec) = specs.get(&row.indicator) else { continue };
            out.push((stt, crate::entry::cell_key(&spec.code, None), spec, None, row.required));
            for p in &spec.parts {
                out.push((stt, crate::entry::cell_key(&spec.code, Some(&p.code)), spec, Some(p.name.as_str()), row.required));
            }
        }
    }
    out
}

/// What a cell's message calls it: "Dòng 4 (Dân số — Nữ)".
pub fn row_label(stt: usize, spec: &IndicatorSpec, part: Option<&str>) -> String {
    match part {
        Some(p) => format!("Dòng {stt} ({} — {p})", spec.name),
        None => format!("Dòng {stt} ({})", spec.name),
    }
}

/// The most of an unreadable cell's text a draft keeps (as long as a text cell may be).
pub const MAX_KEPT_CHARS: usize = 2000;

/// The thin wrapper over what a browser typed: each cell of the form read
/// once, as its indicator's type says. Keys not on the form are ignored.
pub fn read_form(doc: &RegimeDoc, specs: &HashMap<String, IndicatorSpec>, raw: &HashMap<String, String>) -> Figures {
    let mut out = Figures::default();
    for (stt, key, spec, part, _) in cells(doc, specs) {
        let text = raw.get(&key).map(String::as_str).unwrap_or("");
        match spec.parse_input(text) {
            Ok(Some(v)) => {
                out.values.insert(key, v);
            }
            Ok(None) => {}
            Err(m) => {
                let raw = text.trim();
                // Kept as typed, up to the length of the longest text cell: a
                // figure is never that long, and a page of pasted text must not
                // ride into the draft (and every audit row) whole.
                let message = if raw.chars().count() > MAX_KEPT_CHARS {
                    format!(
                        "{}: {m} (ô chỉ giữ {} ký tự đầu của nội dung đã nhập)",
                        row_label(stt, spec, part),
                        crate::numfmt::format_int(MAX_KEPT_CHARS as i64)
                    )
                } else {
                    format!("{}: {m}", row_label(stt, spec, part))
                };
                out.unreadable.insert(key, Unreadable { raw: raw.chars().take(MAX_KEPT_CHARS).collect(), message });
            }
        }
    }
    out
}

/// Text kept for cells that could not be read (a stored draft), with the
/// reason each cannot be read, naming its row.
pub fn mark_unreadable(doc: &RegimeDoc, specs: &HashMap<String, IndicatorSpec>, raw: BTreeMap<String, String>) -> BTreeMap<String, Unreadable> {
    let mut out = BTreeMap::new();
    for (stt, key, spec, part, _) in cells(doc, specs) {
        let Some(text) = raw.get(&key) else { continue };
        let why = match spec.parse_input(text) {
            Err(m) => m,
            // Read fine now (the catalogue changed since): still refused until
            // the clerk saves it again, so nobody sends a figure unseen.
            Ok(_) => "Ô này đã lưu ở dạng chưa đọc được; hãy kiểm tra rồi lưu lại.".to_string(),
        };
        out.insert(key, Unreadable { raw: text.clone(), message: format!("{}: {why}", row_label(stt, spec, part)) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Aggregation, BreakdownPart, ValueType};
    use crate::regime::{FormRow, FormSection};

    fn setup() -> (RegimeDoc, HashMap<String, IndicatorSpec>) {
        let mut doc = RegimeDoc::new("T", "Thử");
        doc.sections = vec![FormSection {
            title: "A".into(),
            rows: vec![FormRow { indicator: "DS01".into(), required: true }, FormRow { indicator: "NS01".into(), required: false }],
        }];
        let ds = IndicatorSpec {
            code: "DS01".into(),
            name: "Dân số".into(),
            value_type: ValueType::Integer,
            aggregation: Aggregation::Last,
            parts: vec![BreakdownPart { code: "nu".into(), name: "Nữ".into() }],
            ..Default::default()
        };
        let ns = IndicatorSpec {
            code: "NS01".into(),
            name: "Thu ngân sách".into(),
            value_type: ValueType::Decimal,
            scale: 1,
            aggregation: Aggregation::Sum,
            ..Default::default()
        };
        (doc, [ds, ns].into_iter().map(|s| (s.code.clone(), s)).collect())
    }

    #[test]
    fn keys_are_read_strictly() {
        let k = CellKey::parse("DS01__nu").unwrap();
        assert_eq!((k.code(), k.part(), k.text()), ("DS01", Some("nu"), "DS01__nu".to_string()));
        assert_eq!(CellKey::parse("NS01").unwrap().part(), None);
        for bad in ["", "ds01", "DS01__Nu", "DS01__", "__nu", "DS 01", "DS01__nu__x"] {
            assert!(CellKey::parse(bad).is_none(), "{bad:?}");
        }
        let (_, specs) = setup();
        assert!(CellKey::parse("DS01__nu").unwrap().exists_in(&specs));
        assert!(!CellKey::parse("DS01__nam").unwrap().exists_in(&specs));
        assert!(!CellKey::parse("XX01").unwrap().exists_in(&specs));
    }

    #[test]
    fn a_page_pasted_into_a_figure_is_kept_only_up_to_a_text_cells_length() {
        let (doc, specs) = setup();
        let raw: HashMap<String, String> = [("NS01".to_string(), "x".repeat(100_000))].into_iter().collect();
        let u = &read_form(&doc, &specs, &raw).unreadable["NS01"];
        assert_eq!(u.raw.chars().count(), MAX_KEPT_CHARS);
        assert!(u.message.contains("chỉ giữ 2.000 ký tự đầu"), "{}", u.message);
    }

    #[test]
    fn the_form_is_read_once_keeping_what_cannot_be_read() {
        let (doc, specs) = setup();
        let raw: HashMap<String, String> = [("DS01", "12.000"), ("DS01__nu", "khoảng 6 nghìn"), ("NS01", " 1.234,5 "), ("XX99", "7")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let f = read_form(&doc, &specs, &raw);
        assert_eq!(f.values.get("DS01"), Some(&Value::Num(12_000)));
        assert_eq!(f.values.get("NS01"), Some(&Value::Num(12_345)));
        let u = &f.unreadable["DS01__nu"];
        assert_eq!(u.raw, "khoảng 6 nghìn");
        assert!(u.message.starts_with("Dòng 1 (Dân số — Nữ): Không đọc được số"), "{}", u.message);
        assert!(!f.values.contains_key("XX99"), "a key not on the form is ignored");
    }
}
