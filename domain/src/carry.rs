//! "Chép số liệu kỳ trước": a report started from the figures the office
//! accepted for the previous period of the same regime and unit. Each copied
//! figure stays marked until the clerk confirms it ("Giữ nguyên", or
//! "Xác nhận tất cả") or changes it, and sending waits for that. What is
//! copied, what the marks say and when they block are decided here; where
//! the figures come from and where the marks are kept is the service's.

use crate::figures::{cells, row_label};
use crate::indicator::{IndicatorSpec, Value};
use crate::regime::RegimeDoc;
use crate::report::ReportStatus;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a report's page offers for starting from the previous period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopyOffer {
    /// The previous period's report was accepted: its figures can be copied.
    Available { period_label: String },
    /// The previous period's report exists but the office has not accepted it.
    NotAccepted { period_label: String, status: ReportStatus },
    /// The unit has no report for the previous period.
    Missing { period_label: String },
}

impl CopyOffer {
    /// Whether the button is offered.
    pub fn available(&self) -> bool {
        matches!(self, CopyOffer::Available { .. })
    }

    /// What the page says next to (or instead of) the button.
    pub fn note(&self) -> String {
        match self {
            CopyOffer::Available { period_label } => format!(
                "Báo cáo chưa có số liệu. Bạn có thể chép số liệu đã được tiếp nhận của kỳ trước ({period_label}) rồi sửa hoặc xác nhận từng dòng; ghi chú và phần thuyết minh không được chép."
            ),
            CopyOffer::NotAccepted { period_label, status } => {
                format!("Báo cáo kỳ trước ({period_label}) đang ở trạng thái \"{}\", chưa được tiếp nhận nên chưa chép được số liệu.", status.label())
            }
            CopyOffer::Missing { period_label } => format!("Đơn vị chưa có báo cáo kỳ trước ({period_label}) nên không có số liệu để chép."),
        }
    }
}

/// Why a copy is refused, or what it offers, from the previous period's
/// report (its status) if there is one.
pub fn offer(previous_label: String, previous_status: Option<ReportStatus>) -> CopyOffer {
    match previous_status {
        Some(ReportStatus::Accepted) => CopyOffer::Available { period_label: previous_label },
        Some(status) => CopyOffer::NotAccepted { period_label: previous_label, status },
        None => CopyOffer::Missing { period_label: previous_label },
    }
}

/// The previous period's figures that this report's form has a cell for
/// (its rows and their breakdown parts), by cell key. Rows the current
/// version dropped, and parts an indicator no longer has, are left out.
pub fn copyable(doc: &RegimeDoc, specs: &HashMap<String, IndicatorSpec>, previous: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    cells(doc, specs).into_iter().filter_map(|(_, key, _, _, _)| previous.get(&key).map(|v| (key, v.clone()))).collect()
}

/// The note the report's history shows for a copy.
pub fn history_note(previous_label: &str) -> String {
    format!("Chép số liệu kỳ trước (kỳ {previous_label})")
}

/// What the mark beside a copied figure says (also read out by screen readers).
pub const MARK: &str = "Chép từ kỳ trước — chưa xác nhận";

/// Which copied figures a save confirms as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Confirm {
    #[default]
    Nothing,
    /// "Giữ nguyên" on these cells.
    Cells(BTreeSet<String>),
    /// "Xác nhận tất cả".
    All,
}

impl Confirm {
    pub fn covers(&self, key: &str) -> bool {
        match self {
            Confirm::Nothing => false,
            Confirm::Cells(keys) => keys.contains(key),
            Confirm::All => true,
        }
    }

    /// What a form's button says: `giu:KEY` keeps one row, `xac_nhan` all.
    pub fn from_intent(intent: &str) -> Confirm {
        if intent == "xac_nhan" {
            Confirm::All
        } else if let Some(key) = intent.strip_prefix("giu:") {
            Confirm::Cells(BTreeSet::from([key.to_string()]))
        } else {
            Confirm::Nothing
        }
    }
}

/// The copied figures still unconfirmed, in the form's order, each with the
/// message that names its row: sending is refused while there is one.
pub fn unconfirmed(doc: &RegimeDoc, specs: &HashMap<String, IndicatorSpec>, copied: &BTreeSet<String>) -> Vec<(String, String)> {
    cells(doc, specs)
        .into_iter()
        .filter(|(_, key, ..)| copied.contains(key))
        .map(|(stt, key, spec, part, _)| {
            let m = format!(
                "{}: số liệu chép từ kỳ trước chưa được xác nhận. Bấm \"Giữ nguyên\" nếu đúng cho kỳ này, hoặc sửa lại.",
                row_label(stt, spec, part)
            );
            (key, m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Aggregation, BreakdownPart, ValueType};
    use crate::regime::{FormRow, FormSection};

    fn spec(code: &str, name: &str, parts: &[&str]) -> IndicatorSpec {
        IndicatorSpec {
            code: code.into(),
            name: name.into(),
            unit: "Hộ".into(),
            value_type: ValueType::Integer,
            scale: 0,
            min: None,
            max: None,
            aggregation: Aggregation::Sum,
            parts: parts.iter().map(|p| BreakdownPart { code: p.to_string(), name: p.to_uppercase() }).collect(),
            rate_of: None,
        }
    }

    fn form(rows: &[&str]) -> RegimeDoc {
        let mut doc = RegimeDoc::new("X", "Thử");
        doc.sections =
            vec![FormSection { title: "Chung".into(), rows: rows.iter().map(|r| FormRow { indicator: r.to_string(), required: false }).collect() }];
        doc
    }

    #[test]
    fn only_the_cells_of_the_current_form_are_copied() {
        let specs: HashMap<String, IndicatorSpec> =
            [spec("A", "Số hộ", &["nam"]), spec("B", "Dân số", &[]), spec("C", "Bỏ", &[])].into_iter().map(|s| (s.code.clone(), s)).collect();
        // The previous version had C and a part A.nu the indicator no longer has.
        let doc = form(&["A", "B"]);
        let prev: BTreeMap<String, Value> =
            [("A", 10), ("A__nam", 4), ("A__nu", 6), ("C", 7)].into_iter().map(|(k, v)| (k.to_string(), Value::Num(v))).collect();
        let got = copyable(&doc, &specs, &prev);
        assert_eq!(got.keys().cloned().collect::<Vec<_>>(), ["A", "A__nam"]);
        assert_eq!(got["A"], Value::Num(10));
    }

    #[test]
    fn only_an_accepted_previous_report_is_offered() {
        assert!(offer("Tháng 6/2025".into(), Some(ReportStatus::Accepted)).available());
        let sent = offer("Tháng 6/2025".into(), Some(ReportStatus::Sent));
        assert!(!sent.available());
        assert!(sent.note().contains("\"Đã gửi\", chưa được tiếp nhận"), "{}", sent.note());
        let none = offer("Tháng 6/2025".into(), None);
        assert!(!none.available() && none.note().contains("chưa có báo cáo kỳ trước (Tháng 6/2025)"));
    }

    #[test]
    fn unconfirmed_rows_are_named_in_form_order() {
        let specs: HashMap<String, IndicatorSpec> =
            [spec("A", "Số hộ", &["nam"]), spec("B", "Dân số", &[])].into_iter().map(|s| (s.code.clone(), s)).collect();
        let doc = form(&["A", "B"]);
        let copied: BTreeSet<String> = ["B", "A__nam"].into_iter().map(String::from).collect();
        let got = unconfirmed(&doc, &specs, &copied);
        assert_eq!(got.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["A__nam", "B"]);
        assert!(got[0].1.starts_with("Dòng 1 (Số hộ — NAM): số liệu chép từ kỳ trước chưa được xác nhận"), "{}", got[0].1);
        assert!(got[1].1.starts_with("Dòng 2 (Dân số)"));
    }

    #[test]
    fn intents_name_what_is_confirmed() {
        assert_eq!(Confirm::from_intent("xac_nhan"), Confirm::All);
        let one = Confirm::from_intent("giu:A__nam");
        assert!(one.covers("A__nam") && !one.covers("A"));
        assert!(!Confirm::from_intent("luu").covers("A"));
        assert!(Confirm::All.covers("B"));
    }
}
