//! Catalogue entries as administrators type them, and the pure checks that
//! turn a form into typed fields (or a list of problems).

use crate::indicator::{Aggregation, BreakdownPart, RateOf, ValueType, check_code, check_part_code, normalize_code};
use crate::numfmt::{format_scaled, parse_percent, parse_scaled};
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// An indicator as the edit form sends it: every field as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorForm {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value_type: String,
    pub scale: String,
    pub min: String,
    pub max: String,
    pub aggregation: String,
    pub sector: String,
    /// Owner unit code (empty: none).
    pub owner_unit: String,
    pub statistical: bool,
    /// Breakdown code (empty: none).
    pub breakdown: String,
    pub method: String,
    pub description: String,
    /// Code in the national statistical indicator system (QĐ 05/2023/QĐ-TTg), if any.
    #[serde(default)]
    pub national_code: String,
    /// For a rate: the codes of its numerator and denominator indicators.
    #[serde(default)]
    pub rate_numerator: String,
    #[serde(default)]
    pub rate_denominator: String,
    /// Published as open data (`/du-lieu-mo`): numeric indicators only.
    #[serde(default)]
    pub public: bool,
}

/// The same indicator, checked and typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorFields {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value_type: ValueType,
    pub scale: u8,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub aggregation: Aggregation,
    pub sector: String,
    pub owner_unit: Option<String>,
    pub statistical: bool,
    pub breakdown: Option<String>,
    pub method: String,
    pub description: String,
    #[serde(default)]
    pub national_code: String,
    /// A rate computed from two other indicators: its year-to-date and its
    /// roll-ups are the ratio of sums, never an average of rates.
    #[serde(default)]
    pub rate_of: Option<RateOf>,
    /// Published as open data (`/du-lieu-mo`). Set from the indicator's edit
    /// form; imports keep what the installation decided.
    #[serde(default)]
    pub public: bool,
}

pub const SECTORS: &[&str] = &[
    "Dân số - Lao động",
    "Ngân sách - Tài chính",
    "Giáo dục - Đào tạo",
    "Y tế",
    "Nông nghiệp - Lâm nghiệp",
    "Giảm nghèo - An sinh xã hội",
    "Cải cách hành chính",
    "Chuyển đổi số",
    "Kinh tế - Doanh nghiệp",
    "Văn hóa - Du lịch",
];

impl IndicatorForm {
    pub fn check(&self) -> Result<IndicatorFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = normalize_code(&self.code);
        if let Err(m) = check_code(&code) {
            e.add("code", m);
        }
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.add("name", "Tên chỉ tiêu không được để trống.");
        } else if name.chars().count() > 300 {
            e.add("name", "Tên chỉ tiêu không được dài quá 300 ký tự.");
        }
        let unit = self.unit.trim().to_string();
        if unit.chars().count() > 50 {
            e.add("unit", "Đơn vị tính không được dài quá 50 ký tự.");
        }
        let value_type = ValueType::from_code(&self.value_type);
        if value_type.is_none() {
            e.add("value_type", "Vui lòng chọn kiểu giá trị.");
        }
        let aggregation = Aggregation::from_code(&self.aggregation);
        if aggregation.is_none() {
            e.add("aggregation", "Vui lòng chọn cách tổng hợp.");
        }
        let numeric_with_places = matches!(value_type, Some(ValueType::Decimal | ValueType::Percent));
        let scale = if numeric_with_places {
            match self.scale.trim().parse::<u8>() {
                Ok(s) if s <= 6 => s,
                _ => {
                    e.add("scale", "Số chữ số thập phân phải từ 0 đến 6.");
                    0
                }
            }
        } else {
            0
        };
        if let (Some(ValueType::Text | ValueType::YesNo | ValueType::Date), Some(a)) = (value_type, aggregation)
            && !matches!(a, Aggregation::None | Aggregation::Last)
        {
            e.add("aggregation", "Chỉ tiêu không phải số chỉ có thể tổng hợp \"Số cuối kỳ\" hoặc \"Không tổng hợp\".");
        }
        let numeric = value_type.is_some_and(|v| v.is_numeric());
        let bound = |field: &str, raw: &str, e: &mut FieldErrors| -> Option<i64> {
            if raw.trim().is_empty() {
                return None;
            }
            if !numeric {
                e.add(field, "Chỉ chỉ tiêu kiểu số mới có giới hạn giá trị.");
                return None;
            }
            let read = if value_type == Some(ValueType::Percent) { parse_percent(raw, scale) } else { parse_scaled(raw, scale) };
            match read {
                Ok(v) => Some(v),
                Err(err) => {
                    e.add(field, err.to_string());
                    None
                }
            }
        };
        let min = bound("min", &self.min, &mut e);
        let max = bound("max", &self.max, &mut e);
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            e.add("max", "Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất.");
        }
        let sector = self.sector.trim().to_string();
        if sector.is_empty() {
            e.add("sector", "Vui lòng nhập lĩnh vực.");
        }
        let owner_unit = Some(self.owner_unit.trim().to_string()).filter(|s| !s.is_empty());
        let breakdown = Some(self.breakdown.trim().to_string()).filter(|s| !s.is_empty());
        if breakdown.is_some() && !numeric {
            e.add("breakdown", "Chỉ chỉ tiêu kiểu số mới có phân tổ.");
        }
        let national_code = self.national_code.trim().to_string();
        if national_code.chars().count() > 30 || !national_code.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ')) {
            e.add("national_code", "Mã chỉ tiêu quốc gia gồm tối đa 30 ký tự: chữ, số, dấu chấm hoặc gạch ngang (ví dụ 0101).");
        }
        let (num, den) = (normalize_code(&self.rate_numerator), normalize_code(&self.rate_denominator));
        let rate_of = match (num.is_empty(), den.is_empty()) {
            (true, true) => None,
            (false, false) => {
                if value_type != Some(ValueType::Percent) {
                    e.add("rate_numerator", "Chỉ chỉ tiêu kiểu tỷ lệ (%) mới được tính từ tử số và mẫu số.");
                }
                for (field, c) in [("rate_numerator", &num), ("rate_denominator", &den)] {
                    if let Err(m) = check_code(c) {
                        e.add(field, m);
                    } else if *c == code {
                        e.add(field, "Một tỷ lệ không thể được tính từ chính nó.");
                    }
                }
                Some(RateOf { numerator: num, denominator: den })
            }
            _ => {
                e.add(
                    if num.is_empty() { "rate_numerator" } else { "rate_denominator" },
                    "Cần nhập cả mã chỉ tiêu tử số và mẫu số, hoặc để trống cả hai.",
                );
                None
            }
        };
        if self.public && !numeric {
            e.add("public", "Chỉ chỉ tiêu kiểu số mới công bố được trên trang Dữ liệu mở.");
        }
        e.clone().into_result()?;
        Ok(IndicatorFields {
            code,
            name,
            unit,
            value_type: value_type.unwrap_or(ValueType::Integer),
            scale,
            min,
            max,
            aggregation: aggregation.unwrap_or(Aggregation::Sum),
            sector,
            owner_unit,
            statistical: self.statistical,
            breakdown,
            method: self.method.trim().to_string(),
            description: self.description.trim().to_string(),
            national_code,
            rate_of,
            public: self.public,
        })
    }
}

impl IndicatorFields {
    /// Back to the form (for editing and for files).
    pub fn to_form(&self) -> IndicatorForm {
        IndicatorForm {
            code: self.code.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            value_type: self.value_type.code().into(),
            scale: self.scale.to_string(),
            min: self.min.map(|v| format_scaled(v, self.scale)).unwrap_or_default(),
            max: self.max.map(|v| format_scaled(v, self.scale)).unwrap_or_default(),
            aggregation: self.aggregation.code().into(),
            sector: self.sector.clone(),
            owner_unit: self.owner_unit.clone().unwrap_or_default(),
            statistical: self.statistical,
            breakdown: self.breakdown.clone().unwrap_or_default(),
            method: self.method.clone(),
            description: self.description.clone(),
            national_code: self.national_code.clone(),
            rate_numerator: self.rate_of.as_ref().map(|r| r.numerator.clone()).unwrap_or_default(),
            rate_denominator: self.rate_of.as_ref().map(|r| r.denominator.clone()).unwrap_or_default(),
            public: self.public,
        }
    }
}

/// Reads "nam: Nam; nu: Nữ" (one part per `;` or line) into parts.
pub fn parse_parts(raw: &str) -> Result<Vec<BreakdownPart>, String> {
    let mut parts: Vec<BreakdownPart> = Vec::new();
    for item in raw.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let (code, name) = item.split_once(':').ok_or_else(|| format!("\"{item}\": mỗi phần viết dạng mã: tên, ví dụ nu: Nữ."))?;
        let code = code.trim().to_string();
        check_part_code(&code).map_err(|m| format!("\"{code}\": {m}"))?;
        if parts.iter().any(|p| p.code == code) {
            return Err(format!("Mã phần \"{code}\" bị trùng."));
        }
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(format!("Phần \"{code}\" chưa có tên."));
        }
        parts.push(BreakdownPart { code, name });
    }
    if parts.len() < 2 {
        return Err("Phân tổ cần ít nhất hai phần.".into());
    }
    Ok(parts)
}

pub fn format_parts(parts: &[BreakdownPart]) -> String {
    parts.iter().map(|p| format!("{}: {}", p.code, p.name)).collect::<Vec<_>>().join("; ")
}

/// The Decree 09 fields of a regime as its edit form sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeFieldsForm {
    pub name: String,
    pub legal_basis: String,
    pub content: String,
    /// Group codes ticked on the form (NHOM_SBN, NHOM_XP, NHOM_NGANHDOC).
    pub groups: Vec<String>,
    /// Other unit codes, separated by commas, semicolons or spaces.
    pub units: String,
    pub receiving_unit: String,
    pub sending_method: String,
    pub frequency: String,
    pub window: String,
    /// "ngay_thang": a day of the last month; "sau_chot": N days after cut-off.
    pub deadline_kind: String,
    pub deadline_value: String,
    pub working_days: bool,
    pub grace_days: String,
    pub approval_required: bool,
    pub form_number: String,
    /// Optional column codes ticked (cung_ky, ky_truoc, luy_ke, so_sanh).
    pub columns: Vec<String>,
    pub guidance: String,
}

impl RegimeFieldsForm {
    pub fn from_doc(d: &crate::regime::RegimeDoc) -> Self {
        use crate::calendar::DeadlineRule;
        let groups_all = [crate::org::GROUP_DEPARTMENTS, crate::org::GROUP_COMMUNES, crate::org::GROUP_BRANCHES];
        let (kind, value) = match d.schedule.deadline {
            DeadlineRule::DayOfLastMonth(n) => ("ngay_thang", n),
            DeadlineRule::DaysAfterCutoff(n) => ("sau_chot", n),
        };
        RegimeFieldsForm {
            name: d.name.clone(),
            legal_basis: d.legal_basis.clone(),
            content: d.content.clone(),
            groups: d.reporting_units.iter().filter(|u| groups_all.contains(&u.as_str())).cloned().collect(),
            units: d.reporting_units.iter().filter(|u| !groups_all.contains(&u.as_str())).cloned().collect::<Vec<_>>().join(", "),
            receiving_unit: d.receiving_unit.clone(),
            sending_method: d.sending_method.clone(),
            frequency: d.schedule.frequency.code().into(),
            window: d.schedule.window.code().into(),
            deadline_kind: kind.into(),
            deadline_value: value.to_string(),
            working_days: d.schedule.working_days,
            grace_days: d.schedule.grace_days.to_string(),
            approval_required: d.approval_required,
            form_number: d.form_number.clone(),
            columns: d.columns.iter().filter(|c| **c != crate::column::Column::Current).map(|c| c.code().to_string()).collect(),
            guidance: d.guidance.clone(),
        }
    }

    /// Writes the fields into `doc`, or lists every problem.
    pub fn apply_to(&self, doc: &mut crate::regime::RegimeDoc) -> Result<(), FieldErrors> {
        use crate::calendar::{DeadlineRule, Schedule};
        use crate::column::Column;
        use crate::period::{Frequency, WindowStyle};
        let mut e = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            e.add("name", "Tên chế độ báo cáo không được để trống.");
        }
        let frequency = Frequency::from_code(&self.frequency);
        if frequency.is_none() {
            e.add("frequency", "Vui lòng chọn tần suất báo cáo.");
        }
        let window = WindowStyle::from_code(&self.window);
        if window.is_none() {
            e.add("window", "Vui lòng chọn cách chốt số liệu.");
        }
        let value: Option<u32> = self.deadline_value.trim().parse().ok();
        let deadline = match (self.deadline_kind.as_str(), value) {
            ("ngay_thang", Some(v)) => Some(DeadlineRule::DayOfLastMonth(v)),
            ("sau_chot", Some(v)) => Some(DeadlineRule::DaysAfterCutoff(v)),
            _ => {
                e.add("deadline_value", "Vui lòng chọn cách tính hạn gửi và nhập số ngày.");
                None
            }
        };
        let grace: Option<u32> = self.grace_days.trim().parse().ok();
        if grace.is_none() {
            e.add("grace_days", "Số ngày gia hạn phải là số nguyên không âm.");
        }
        let mut columns = vec![Column::Current];
        for c in &self.columns {
            match Column::from_code(c) {
                Some(col) if col != Column::Current && !columns.contains(&col) => columns.push(col),
                Some(_) => {}
                None => e.add("columns", format!("Không có cột \"{c}\".")),
            }
        }
        columns.sort();
        let mut units: Vec<String> = self.groups.iter().map(|g| g.trim().to_string()).filter(|g| !g.is_empty()).collect();
        for u in self.units.split([',', ';', ' ', '\n']).map(str::trim).filter(|u| !u.is_empty()) {
            if !units.iter().any(|x| x == u) {
                units.push(u.to_string());
            }
        }
        if let (Some(frequency), Some(window), Some(deadline), Some(grace_days)) = (frequency, window, deadline, grace) {
            let schedule = Schedule { frequency, window, deadline, working_days: self.working_days, grace_days };
            if let Err(s) = schedule.validate() {
                for fe in s.0 {
                    e.add("deadline_value", fe.message);
                }
            }
            doc.schedule = schedule;
        }
        e.into_result()?;
        doc.name = name.to_string();
        doc.legal_basis = self.legal_basis.trim().to_string();
        doc.content = self.content.trim().to_string();
        doc.reporting_units = units;
        doc.receiving_unit = self.receiving_unit.trim().to_string();
        doc.sending_method = self.sending_method.trim().to_string();
        doc.approval_required = self.approval_required;
        doc.form_number = self.form_number.trim().to_string();
        doc.columns = columns;
        doc.guidance = self.guidance.trim().to_string();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> IndicatorForm {
        IndicatorForm {
            code: "t0101".into(),
            name: "Dân số trung bình".into(),
            unit: "Người".into(),
            value_type: "so_nguyen".into(),
            scale: "".into(),
            min: "0".into(),
            max: "".into(),
            aggregation: "cuoi_ky".into(),
            sector: "Dân số - Lao động".into(),
            owner_unit: "TKT".into(),
            statistical: true,
            breakdown: "gioi_tinh".into(),
            method: "".into(),
            description: "".into(),
            national_code: "0101".into(),
            rate_numerator: "".into(),
            rate_denominator: "".into(),
            public: false,
        }
    }

    #[test]
    fn only_numeric_indicators_are_published_and_the_mark_round_trips() {
        let f = IndicatorForm { public: true, ..form() }.check().unwrap();
        assert!(f.public);
        assert!(f.to_form().public);
        let text =
            IndicatorForm { public: true, value_type: "van_ban".into(), aggregation: "khong".into(), breakdown: "".into(), min: "".into(), ..form() };
        let e = text.check().unwrap_err();
        assert!(e.for_field("public").is_some_and(|m| m.contains("kiểu số")), "{e:?}");
        assert!(IndicatorForm { public: false, ..text }.check().is_ok());
    }

    #[test]
    fn a_good_form_becomes_fields_and_back() {
        let f = form().check().unwrap();
        assert_eq!(f.code, "T0101");
        assert_eq!(f.min, Some(0));
        assert_eq!(f.owner_unit.as_deref(), Some("TKT"));
        assert_eq!(f.to_form().check().unwrap(), f);
        let pct = IndicatorForm { value_type: "ty_le".into(), scale: "1".into(), min: "0".into(), max: "100".into(), breakdown: "".into(), ..form() };
        let f = pct.check().unwrap();
        assert_eq!((f.scale, f.min, f.max), (1, Some(0), Some(1000)));
        assert_eq!(f.to_form().max, "100,0");
    }

    #[test]
    fn every_problem_is_reported() {
        let bad = IndicatorForm {
            code: "1X".into(),
            name: "".into(),
            value_type: "van_ban".into(),
            aggregation: "tong".into(),
            min: "3".into(),
            sector: "".into(),
            ..form()
        };
        let e = bad.check().unwrap_err();
        for f in ["code", "name", "aggregation", "min", "sector", "breakdown"] {
            assert!(e.for_field(f).is_some(), "{f}: {e:?}");
        }
        let e = IndicatorForm { min: "10".into(), max: "5".into(), ..form() }.check().unwrap_err();
        assert!(e.for_field("max").unwrap().contains("không nhỏ hơn"));
        let e = IndicatorForm { value_type: "so_thap_phan".into(), scale: "9".into(), ..form() }.check().unwrap_err();
        assert!(e.for_field("scale").is_some());
        let e = IndicatorForm { value_type: "".into(), ..form() }.check().unwrap_err();
        assert!(e.for_field("value_type").is_some());
        let e = IndicatorForm { rate_numerator: "T0201".into(), ..form() }.check().unwrap_err();
        assert!(e.for_field("rate_denominator").unwrap().contains("cả mã chỉ tiêu tử số và mẫu số"));
        let e = IndicatorForm { rate_numerator: "T0201".into(), rate_denominator: "T0202".into(), ..form() }.check().unwrap_err();
        assert!(e.for_field("rate_numerator").unwrap().contains("tỷ lệ"), "only a rate has a numerator");
    }

    #[test]
    fn a_rate_names_its_numerator_and_denominator() {
        let rate = IndicatorForm {
            code: "GN01".into(),
            value_type: "ty_le".into(),
            scale: "2".into(),
            aggregation: "khong".into(),
            breakdown: "".into(),
            rate_numerator: "gn02".into(),
            rate_denominator: "DS02".into(),
            ..form()
        };
        let f = rate.check().unwrap();
        assert_eq!(f.rate_of, Some(RateOf { numerator: "GN02".into(), denominator: "DS02".into() }));
        assert_eq!(f.to_form().check().unwrap(), f);
        assert_eq!(f.national_code, "0101");
    }

    #[test]
    fn regime_fields_round_trip() {
        let mut doc = crate::regime::RegimeDoc::new("KTXH", "Báo cáo");
        let mut f = RegimeFieldsForm::from_doc(&doc);
        f.groups = vec!["NHOM_XP".into()];
        f.units = "SYT; SGDDT, SYT".into();
        f.columns = vec!["luy_ke".into(), "cung_ky".into()];
        f.deadline_kind = "sau_chot".into();
        f.deadline_value = "5".into();
        f.working_days = true;
        f.apply_to(&mut doc).unwrap();
        assert_eq!(doc.reporting_units, vec!["NHOM_XP", "SYT", "SGDDT"]);
        assert_eq!(doc.columns.len(), 3);
        assert_eq!(doc.schedule.deadline, crate::calendar::DeadlineRule::DaysAfterCutoff(5));
        let back = RegimeFieldsForm::from_doc(&doc);
        assert_eq!(back.units, "SYT, SGDDT");
        assert_eq!(back.groups, vec!["NHOM_XP"]);
        let mut bad = back.clone();
        bad.name = "".into();
        bad.frequency = "x".into();
        bad.grace_days = "-1".into();
        bad.columns = vec!["abc".into()];
        let e = bad.apply_to(&mut doc).unwrap_err();
        for f in ["name", "frequency", "grace_days", "columns"] {
            assert!(e.for_field(f).is_some(), "{f}");
        }
        let mut calendar = RegimeFieldsForm::from_doc(&doc);
        calendar.window = "lich".into();
        calendar.deadline_kind = "ngay_thang".into();
        calendar.deadline_value = "20".into();
        assert!(calendar.apply_to(&mut doc).unwrap_err().for_field("deadline_value").unwrap().contains("trước ngày chốt"));
    }

    #[test]
    fn breakdown_parts() {
        let p = parse_parts("nam: Nam; nu: Nữ").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(format_parts(&p), "nam: Nam; nu: Nữ");
        assert!(parse_parts("nam: Nam").unwrap_err().contains("hai phần"));
        assert!(parse_parts("nam Nam; nu: Nữ").unwrap_err().contains("mã: tên"));
        assert!(parse_parts("Nam: Nam; nu: Nữ").unwrap_err().contains("chữ thường"));
        assert!(parse_parts("nu: Nữ; nu: Nữ 2").unwrap_err().contains("trùng"));
    }
}
