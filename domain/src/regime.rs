//! Report regimes (chế độ báo cáo): every field Decree 09/2019/NĐ-CP asks a
//! regime to state, the outline units write, the data form (sections of
//! indicator rows) and the rules. A regime is edited as a draft and
//! published as numbered, immutable versions; a report keeps the version it
//! was started on.

use crate::calendar::Schedule;
use crate::column::Column;
use crate::indicator::{IndicatorSpec, check_code};
use crate::rules::{self, CatalogueEntry, RuleDef};
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineSection {
    pub title: String,
    /// What the unit should write here.
    pub guidance: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRow {
    /// Indicator code.
    pub indicator: String,
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSection {
    pub title: String,
    pub rows: Vec<FormRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeDoc {
    pub code: String,
    pub name: String,
    /// Căn cứ pháp lý.
    pub legal_basis: String,
    /// Nội dung báo cáo.
    pub content: String,
    /// Đối tượng thực hiện: unit codes or group codes (a group means all its units).
    pub reporting_units: Vec<String>,
    /// Cơ quan nhận báo cáo (unit code).
    pub receiving_unit: String,
    /// Phương thức gửi, nhận báo cáo.
    pub sending_method: String,
    /// Tần suất, thời gian chốt số liệu, thời hạn gửi.
    pub schedule: Schedule,
    /// Whether the unit leader approves before the report is sent.
    pub approval_required: bool,
    /// "Biểu số …" printed top-left on the form.
    pub form_number: String,
    pub columns: Vec<Column>,
    pub outline: Vec<OutlineSection>,
    pub sections: Vec<FormSection>,
    pub rules: Vec<RuleDef>,
    /// Hướng dẫn lập báo cáo.
    pub guidance: String,
}

impl RegimeDoc {
    pub fn new(code: &str, name: &str) -> Self {
        RegimeDoc {
            code: code.into(),
            name: name.into(),
            legal_basis: String::new(),
            content: String::new(),
            reporting_units: vec![],
            receiving_unit: crate::org::OFFICE_CODE.into(),
            sending_method: "Gửi qua Hệ thống thông tin báo cáo tỉnh Sơn La".into(),
            schedule: Schedule::default(),
            approval_required: false,
            form_number: String::new(),
            columns: vec![Column::Current],
            outline: vec![],
            sections: vec![],
            rules: vec![],
            guidance: String::new(),
        }
    }

    /// Every indicator code on the form, in form order.
    pub fn indicator_codes(&self) -> Vec<String> {
        self.sections.iter().flat_map(|s| s.rows.iter().map(|r| r.indicator.clone())).collect()
    }

    pub fn row_count(&self) -> usize {
        self.sections.iter().map(|s| s.rows.len()).sum()
    }
}

/// One change an administrator makes to a draft in the form designer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftEdit {
    AddSection { title: String },
    RenameSection { section: usize, title: String },
    MoveSection { section: usize, up: bool },
    RemoveSection { section: usize },
    AddRow { section: usize, indicator: String, required: bool },
    MoveRow { section: usize, row: usize, up: bool },
    RemoveRow { section: usize, row: usize },
    SetRequired { section: usize, row: usize, required: bool },
    AddOutline { title: String, guidance: String },
    MoveOutline { index: usize, up: bool },
    RemoveOutline { index: usize },
    AddRule(RuleDef),
    UpdateRule { index: usize, rule: RuleDef },
    RemoveRule { index: usize },
}

fn move_item<T>(v: &mut [T], i: usize, up: bool) -> Result<(), String> {
    if i >= v.len() {
        return Err("Mục cần di chuyển không còn tồn tại; hãy tải lại trang.".into());
    }
    let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < v.len()) };
    if let Some(j) = j {
        v.swap(i, j);
    }
    Ok(())
}

fn gone() -> String {
    "Mục này không còn tồn tại (có thể người khác vừa sửa); hãy tải lại trang.".into()
}

impl RegimeDoc {
    /// Applies one designer edit. Index errors mean the page was stale.
    pub fn apply(&mut self, edit: DraftEdit) -> Result<(), String> {
        match edit {
            DraftEdit::AddSection { title } => {
                let title = title.trim().to_string();
                if title.is_empty() {
                    return Err("Tiêu đề phần không được để trống.".into());
                }
                self.sections.push(FormSection { title, rows: vec![] });
            }
            DraftEdit::RenameSection { section, title } => {
                let title = title.trim().to_string();
                if title.is_empty() {
                    return Err("Tiêu đề phần không được để trống.".into());
                }
                self.sections.get_mut(section).ok_or_else(gone)?.title = title;
            }
            DraftEdit::MoveSection { section, up } => move_item(&mut self.sections, section, up)?,
            DraftEdit::RemoveSection { section } => {
                if section >= self.sections.len() {
                    return Err(gone());
                }
                self.sections.remove(section);
            }
            DraftEdit::AddRow { section, indicator, required } => {
                let code = crate::indicator::normalize_code(&indicator);
                if code.is_empty() {
                    return Err("Vui lòng chọn chỉ tiêu.".into());
                }
                if self.indicator_codes().contains(&code) {
                    return Err(format!("Chỉ tiêu {code} đã có trên biểu mẫu."));
                }
                self.sections.get_mut(section).ok_or_else(gone)?.rows.push(FormRow { indicator: code, required });
            }
            DraftEdit::MoveRow { section, row, up } => move_item(&mut self.sections.get_mut(section).ok_or_else(gone)?.rows, row, up)?,
            DraftEdit::RemoveRow { section, row } => {
                let rows = &mut self.sections.get_mut(section).ok_or_else(gone)?.rows;
                if row >= rows.len() {
                    return Err(gone());
                }
                rows.remove(row);
            }
            DraftEdit::SetRequired { section, row, required } => {
                self.sections.get_mut(section).and_then(|s| s.rows.get_mut(row)).ok_or_else(gone)?.required = required;
            }
            DraftEdit::AddOutline { title, guidance } => {
                let title = title.trim().to_string();
                if title.is_empty() {
                    return Err("Tiêu đề mục đề cương không được để trống.".into());
                }
                self.outline.push(OutlineSection { title, guidance: guidance.trim().to_string() });
            }
            DraftEdit::MoveOutline { index, up } => move_item(&mut self.outline, index, up)?,
            DraftEdit::RemoveOutline { index } => {
                if index >= self.outline.len() {
                    return Err(gone());
                }
                self.outline.remove(index);
            }
            DraftEdit::AddRule(rule) => self.rules.push(rule),
            DraftEdit::UpdateRule { index, rule } => *self.rules.get_mut(index).ok_or_else(gone)? = rule,
            DraftEdit::RemoveRule { index } => {
                if index >= self.rules.len() {
                    return Err(gone());
                }
                self.rules.remove(index);
            }
        }
        Ok(())
    }
}

/// Roman numerals for section headings (I, II, … up to 3999).
pub fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Regime codes: letters, digits, `_` and `-`, up to 30 characters.
pub fn check_regime_code(code: &str) -> Result<(), String> {
    let ok = !code.is_empty() && code.len() <= 30 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err("Mã chế độ báo cáo gồm tối đa 30 ký tự: chữ cái không dấu, chữ số, dấu _ hoặc -.".into())
    }
}

/// Checks a regime against the catalogue before it is saved or published.
/// `indicator` finds an active indicator by code; `unit_exists` a unit or group code.
pub fn validate(
    doc: &RegimeDoc,
    indicator: &dyn Fn(&str) -> Option<IndicatorSpec>,
    unit_exists: &dyn Fn(&str) -> bool,
    for_publication: bool,
) -> FieldErrors {
    let mut e = FieldErrors::new();
    if let Err(m) = check_regime_code(&doc.code) {
        e.add("code", m);
    }
    if doc.name.trim().is_empty() {
        e.add("name", "Tên chế độ báo cáo không được để trống.");
    }
    if let Err(s) = doc.schedule.validate() {
        e.0.extend(s.0);
    }
    if doc.receiving_unit.trim().is_empty() || !unit_exists(&doc.receiving_unit) {
        e.add("receiving_unit", "Vui lòng chọn cơ quan nhận báo cáo.");
    }
    for u in &doc.reporting_units {
        if !unit_exists(u) {
            e.add("reporting_units", format!("Không có đơn vị hoặc nhóm đơn vị mã {u}."));
        }
    }
    if !doc.columns.contains(&Column::Current) {
        e.add("columns", "Biểu mẫu phải có cột \"Thực hiện kỳ này\".");
    }
    let mut seen = std::collections::HashSet::new();
    for (si, s) in doc.sections.iter().enumerate() {
        if s.title.trim().is_empty() {
            e.add(format!("section.{si}"), format!("Phần {} chưa có tiêu đề.", roman(si + 1)));
        }
        for r in &s.rows {
            if !seen.insert(r.indicator.clone()) {
                e.add(format!("section.{si}"), format!("Chỉ tiêu {} xuất hiện hai lần trên biểu mẫu.", r.indicator));
            }
            if indicator(&r.indicator).is_none() {
                e.add(format!("section.{si}"), format!("Chỉ tiêu {} không có trong danh mục hoặc đã ngừng sử dụng.", r.indicator));
            }
        }
    }
    for (i, o) in doc.outline.iter().enumerate() {
        if o.title.trim().is_empty() {
            e.add(format!("outline.{i}"), format!("Mục đề cương thứ {} chưa có tiêu đề.", i + 1));
        }
    }
    let lookup =
        |code: &str| indicator(code).map(|s| CatalogueEntry { value_type: s.value_type, parts: s.parts.iter().map(|p| p.code.clone()).collect() });
    for (i, r) in doc.rules.iter().enumerate() {
        let field = format!("rule.{i}");
        match rules::parse(&r.expression) {
            Err(err) => e.add(field, format!("Quy tắc {}: {err}", i + 1)),
            Ok(expr) => {
                for c in rules::check(&expr, &lookup) {
                    e.add(field.clone(), format!("Quy tắc {}: {c}", i + 1));
                }
                for rf in expr.refs() {
                    if !seen.contains(&rf.code) {
                        e.add(field.clone(), format!("Quy tắc {}: chỉ tiêu {} không có trên biểu mẫu của chế độ này.", i + 1, rf.code));
                    }
                }
            }
        }
        if r.message.trim().is_empty() {
            e.add(format!("rule.{i}"), format!("Quy tắc {} chưa có thông báo cho người nhập.", i + 1));
        }
    }
    if for_publication {
        let missing = decree09_missing_items(doc);
        // A name or receiving agency already refused above is not listed twice.
        e.0.extend(missing.0.into_iter().filter(|m| !matches!(m.field.as_str(), "name" | "receiving_unit")));
        if doc.legal_basis.trim().is_empty() {
            e.add("legal_basis", "Nghị định 09/2019/NĐ-CP yêu cầu nêu căn cứ pháp lý của chế độ báo cáo.");
        }
    }
    e
}

/// The items Decree 09/2019/NĐ-CP art. 7 requires a regime to state that
/// this one leaves out, one entry per item, keyed by the field of the regime
/// form (or the designer's `outline` and `sections`) where it is entered.
/// Publication refuses a regime with any ([`validate`]).
///
/// Frequency (`frequency`) and the data cut-off (`window`) are always stated:
/// the form only offers choices. The deadline is missing when its day is 0.
pub fn decree09_missing_items(doc: &RegimeDoc) -> FieldErrors {
    let mut e = FieldErrors::new();
    let blank = |s: &str| s.trim().is_empty();
    let mut missing = |field: &str, what: &str| e.add(field, format!("Chưa có {what} (Nghị định 09/2019/NĐ-CP, Điều 7)."));
    if blank(&doc.name) {
        missing("name", "tên báo cáo");
    }
    if blank(&doc.content) {
        missing("content", "nội dung yêu cầu báo cáo");
    }
    if doc.reporting_units.iter().all(|u| blank(u)) {
        missing("reporting_units", "đối tượng thực hiện báo cáo: chọn ít nhất một đơn vị hoặc nhóm đơn vị");
    }
    if blank(&doc.receiving_unit) {
        missing("receiving_unit", "cơ quan nhận báo cáo");
    }
    if blank(&doc.sending_method) {
        missing("sending_method", "phương thức gửi, nhận báo cáo");
    }
    if doc.schedule.deadline == crate::calendar::DeadlineRule::DayOfLastMonth(0) {
        missing("deadline_value", "thời hạn gửi báo cáo");
    }
    if doc.outline.iter().all(|o| blank(&o.title)) {
        missing("outline", "mẫu đề cương báo cáo: thêm ít nhất một mục đề cương");
    }
    if doc.sections.iter().all(|s| s.rows.is_empty()) {
        missing("sections", "biểu mẫu số liệu báo cáo: thêm ít nhất một chỉ tiêu vào biểu mẫu");
    }
    if blank(&doc.guidance) {
        missing("guidance", "hướng dẫn quy trình thực hiện báo cáo");
    }
    e
}

pub fn check_indicator_code(code: &str) -> Result<(), String> {
    check_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Aggregation, ValueType};
    use crate::rules::{MissingStrategy, Severity};

    fn spec(code: &str) -> Option<IndicatorSpec> {
        ["T0101", "T0102", "T0103"].contains(&code).then(|| IndicatorSpec {
            code: code.into(),
            name: code.into(),
            unit: "Người".into(),
            value_type: ValueType::Integer,
            scale: 0,
            min: None,
            max: None,
            aggregation: Aggregation::Sum,
            parts: vec![],
            rate_of: None,
        })
    }

    fn unit(c: &str) -> bool {
        ["VPUBND", "NHOM_XP", "SYT"].contains(&c)
    }

    fn doc() -> RegimeDoc {
        let mut d = RegimeDoc::new("KTXH_XA", "Báo cáo kinh tế - xã hội hằng tháng");
        d.legal_basis = "Quyết định 1836/QĐ-UBND".into();
        d.content = "Tình hình dân số trên địa bàn xã.".into();
        d.guidance = "Số liệu chốt theo Nghị định 09; nhập trên Hệ thống.".into();
        d.outline = vec![OutlineSection { title: "Kết quả".into(), guidance: String::new() }];
        d.reporting_units = vec!["NHOM_XP".into()];
        d.sections = vec![FormSection {
            title: "Dân số".into(),
            rows: vec![
                FormRow { indicator: "T0101".into(), required: true },
                FormRow { indicator: "T0102".into(), required: false },
                FormRow { indicator: "T0103".into(), required: false },
            ],
        }];
        d.rules = vec![RuleDef {
            expression: "T0102 + T0103 == T0101".into(),
            message: "Tổng nam và nữ phải bằng dân số.".into(),
            severity: Severity::Error,
            missing: MissingStrategy::SkipIfAnyMissing,
        }];
        d
    }

    #[test]
    fn a_sound_regime_passes() {
        assert!(validate(&doc(), &spec, &unit, true).is_empty(), "{:?}", validate(&doc(), &spec, &unit, true));
        assert_eq!(doc().row_count(), 3);
        assert_eq!(doc().indicator_codes(), vec!["T0101", "T0102", "T0103"]);
    }

    #[test]
    fn every_problem_is_listed() {
        let mut d = doc();
        d.name = " ".into();
        d.code = "có dấu".into();
        d.reporting_units.push("XYZ".into());
        d.sections[0].rows.push(FormRow { indicator: "T0101".into(), required: false });
        d.sections.push(FormSection { title: "".into(), rows: vec![FormRow { indicator: "T9999".into(), required: false }] });
        d.rules.push(RuleDef { expression: "T0101 >".into(), message: "".into(), severity: Severity::Warning, missing: MissingStrategy::NeverSkip });
        d.rules.push(RuleDef {
            expression: "T0104 > 0".into(),
            message: "x".into(),
            severity: Severity::Warning,
            missing: MissingStrategy::NeverSkip,
        });
        let e = validate(&d, &spec, &unit, true);
        let all = e.to_string();
        for needle in [
            "Tên chế độ báo cáo không được để trống",
            "Mã chế độ báo cáo",
            "mã XYZ",
            "T0101 xuất hiện hai lần",
            "Phần II chưa có tiêu đề",
            "T9999 không có trong danh mục",
            "Quy tắc 2: Lỗi cú pháp ở vị trí 8",
            "Quy tắc 2 chưa có thông báo",
            "Quy tắc 3: Vị trí 1: Không có chỉ tiêu mã T0104",
        ] {
            assert!(all.contains(needle), "missing «{needle}» in {all}");
        }
    }

    #[test]
    fn publication_needs_more_than_a_draft() {
        let mut d = RegimeDoc::new("X", "Báo cáo thử");
        assert!(validate(&d, &spec, &unit, false).is_empty());
        let e = validate(&d, &spec, &unit, true);
        assert!(e.for_field("reporting_units").is_some());
        assert!(e.for_field("sections").is_some());
        assert!(e.for_field("legal_basis").is_some());
        d.columns = vec![Column::YearToDate];
        assert!(validate(&d, &spec, &unit, false).for_field("columns").is_some());
    }

    #[test]
    fn decree09_items_are_each_named_next_to_their_field() {
        assert!(decree09_missing_items(&doc()).is_empty());
        let mut d = RegimeDoc::new("X", " ");
        d.receiving_unit = String::new();
        d.sending_method = " ".into();
        d.schedule.deadline = crate::calendar::DeadlineRule::DayOfLastMonth(0);
        d.sections = vec![FormSection { title: "A".into(), rows: vec![] }];
        let e = decree09_missing_items(&d);
        let want = [
            ("name", "tên báo cáo"),
            ("content", "nội dung yêu cầu báo cáo"),
            ("reporting_units", "đối tượng thực hiện báo cáo"),
            ("receiving_unit", "cơ quan nhận báo cáo"),
            ("sending_method", "phương thức gửi, nhận báo cáo"),
            ("deadline_value", "thời hạn gửi báo cáo"),
            ("outline", "mẫu đề cương báo cáo"),
            ("sections", "biểu mẫu số liệu báo cáo"),
            ("guidance", "hướng dẫn quy trình thực hiện báo cáo"),
        ];
        assert_eq!(e.0.len(), want.len(), "{e}");
        for (field, item) in want {
            let m = e.for_field(field).unwrap_or_else(|| panic!("{field}: {e}"));
            assert!(m.starts_with(&format!("Chưa có {item}")) && m.ends_with("(Nghị định 09/2019/NĐ-CP, Điều 7)."), "{m}");
        }
        // Publication lists them too, each once.
        let p = validate(&d, &spec, &unit, true);
        for field in ["name", "content", "reporting_units", "receiving_unit", "sending_method", "outline", "sections", "guidance", "legal_basis"] {
            assert_eq!(p.0.iter().filter(|f| f.field == field).count(), 1, "{field}: {p}");
        }
        // A draft may be incomplete.
        let mut draft = doc();
        draft.guidance.clear();
        draft.outline.clear();
        assert!(validate(&draft, &spec, &unit, false).is_empty());
        assert!(validate(&draft, &spec, &unit, true).for_field("guidance").is_some());
    }

    #[test]
    fn designer_edits() {
        let mut d = doc();
        d.outline.clear();
        d.apply(DraftEdit::AddSection { title: "Y tế".into() }).unwrap();
        d.apply(DraftEdit::AddRow { section: 1, indicator: "t0104".into(), required: true }).unwrap();
        assert_eq!(d.sections[1].rows[0].indicator, "T0104");
        assert!(d.apply(DraftEdit::AddRow { section: 1, indicator: "T0101".into(), required: false }).unwrap_err().contains("đã có"));
        d.apply(DraftEdit::MoveSection { section: 1, up: true }).unwrap();
        assert_eq!(d.sections[0].title, "Y tế");
        d.apply(DraftEdit::MoveSection { section: 0, up: true }).unwrap();
        assert_eq!(d.sections[0].title, "Y tế", "moving the first up is a no-op");
        d.apply(DraftEdit::MoveRow { section: 1, row: 2, up: true }).unwrap();
        assert_eq!(d.sections[1].rows[1].indicator, "T0103");
        d.apply(DraftEdit::SetRequired { section: 1, row: 1, required: true }).unwrap();
        assert!(d.sections[1].rows[1].required);
        d.apply(DraftEdit::RemoveRow { section: 1, row: 0 }).unwrap();
        assert_eq!(d.row_count(), 3);
        assert!(d.apply(DraftEdit::RemoveRow { section: 5, row: 0 }).unwrap_err().contains("tải lại"));
        assert!(d.apply(DraftEdit::RenameSection { section: 0, title: " ".into() }).is_err());
        d.apply(DraftEdit::AddOutline { title: "Kết quả".into(), guidance: "".into() }).unwrap();
        d.apply(DraftEdit::AddOutline { title: "Kiến nghị".into(), guidance: "".into() }).unwrap();
        d.apply(DraftEdit::MoveOutline { index: 1, up: true }).unwrap();
        assert_eq!(d.outline[0].title, "Kiến nghị");
        d.apply(DraftEdit::RemoveOutline { index: 0 }).unwrap();
        assert_eq!(d.outline.len(), 1);
        let r = d.rules[0].clone();
        d.apply(DraftEdit::AddRule(r.clone())).unwrap();
        d.apply(DraftEdit::UpdateRule { index: 1, rule: RuleDef { message: "khác".into(), ..r } }).unwrap();
        assert_eq!(d.rules[1].message, "khác");
        d.apply(DraftEdit::RemoveRule { index: 0 }).unwrap();
        assert_eq!(d.rules.len(), 1);
        d.apply(DraftEdit::RemoveSection { section: 0 }).unwrap();
        assert_eq!(d.sections.len(), 1);
    }

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(1), "I");
        assert_eq!(roman(4), "IV");
        assert_eq!(roman(9), "IX");
        assert_eq!(roman(14), "XIV");
        assert_eq!(roman(1994), "MCMXCIV");
    }
}
