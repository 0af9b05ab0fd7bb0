//! Indicators (chỉ tiêu): what a figure is, how it is typed, bounded and
//! aggregated, and how a typed-in value is read and shown.

use crate::numfmt::{MAX_SCALE, NumberError, format_scaled, parse_percent, parse_scaled};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest text a cell holds, whatever edge it came through.
pub const MAX_TEXT_CHARS: usize = 2000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValueType {
    #[default]
    Integer,
    /// A decimal with the indicator's fixed number of places.
    Decimal,
    /// A percentage (0–100 unless the bounds say otherwise), with fixed places.
    Percent,
    Text,
    YesNo,
    Date,
}

impl ValueType {
    pub const ALL: [ValueType; 6] = [ValueType::Integer, ValueType::Decimal, ValueType::Percent, ValueType::Text, ValueType::YesNo, ValueType::Date];

    /// The types whose figures are numbers: they add up, compare and roll up.
    pub const NUMERIC: [ValueType; 3] = [ValueType::Integer, ValueType::Decimal, ValueType::Percent];

    pub fn code(self) -> &'static str {
        match self {
            ValueType::Integer => "so_nguyen",
            ValueType::Decimal => "so_thap_phan",
            ValueType::Percent => "ty_le",
            ValueType::Text => "van_ban",
            ValueType::YesNo => "co_khong",
            ValueType::Date => "ngay",
        }
    }

    pub fn from_code(c: &str) -> Option<ValueType> {
        ValueType::ALL.into_iter().find(|v| v.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            ValueType::Integer => "Số nguyên",
            ValueType::Decimal => "Số thập phân",
            ValueType::Percent => "Tỷ lệ (%)",
            ValueType::Text => "Văn bản",
            ValueType::YesNo => "Có/Không",
            ValueType::Date => "Ngày",
        }
    }

    pub fn is_numeric(self) -> bool {
        ValueType::NUMERIC.contains(&self)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Aggregation {
    #[default]
    Sum,
    Average,
    Min,
    Max,
    /// The value of the latest period (stocks: population, hospital beds).
    Last,
    None,
}

impl Aggregation {
    pub const ALL: [Aggregation; 6] =
        [Aggregation::Sum, Aggregation::Average, Aggregation::Min, Aggregation::Max, Aggregation::Last, Aggregation::None];

    pub fn code(self) -> &'static str {
        match self {
            Aggregation::Sum => "tong",
            Aggregation::Average => "trung_binh",
            Aggregation::Min => "nho_nhat",
            Aggregation::Max => "lon_nhat",
            Aggregation::Last => "cuoi_ky",
            Aggregation::None => "khong",
        }
    }

    pub fn from_code(c: &str) -> Option<Aggregation> {
        Aggregation::ALL.into_iter().find(|a| a.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            Aggregation::Sum => "Cộng tổng",
            Aggregation::Average => "Trung bình",
            Aggregation::Min => "Nhỏ nhất",
            Aggregation::Max => "Lớn nhất",
            Aggregation::Last => "Số cuối kỳ",
            Aggregation::None => "Không tổng hợp",
        }
    }
}

/// A typed value as stored: numbers are scaled integers (value × 10^scale).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Num(i64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
}

/// What the form and the rule engine need to know of an indicator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorSpec {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value_type: ValueType,
    /// Decimal places (0 for integers; unused for non-numbers).
    pub scale: u8,
    /// Bounds as scaled integers.
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub aggregation: Aggregation,
    /// Codes of the breakdown parts (phân tổ) whose values add up to the total.
    pub parts: Vec<BreakdownPart>,
    /// For a rate: the two indicators it is the ratio of. Only then has the
    /// rate a year-to-date figure (Σ numerator / Σ denominator × 100): an
    /// average of monthly rates is not the rate of the year.
    #[serde(default)]
    pub rate_of: Option<RateOf>,
}

/// A rate = numerator / denominator × 100, both indicator codes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateOf {
    pub numerator: String,
    pub denominator: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownPart {
    pub code: String,
    pub name: String,
}

/// Indicator codes: a letter, then letters, digits or `_`; stored upper-case
/// so that `t0101` in a rule finds `T0101`.
pub fn normalize_code(raw: &str) -> String {
    raw.trim().to_uppercase()
}

pub fn check_code(code: &str) -> Result<(), String> {
    let mut chars = code.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && code.len() <= 20
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err("Mã chỉ tiêu gồm tối đa 20 ký tự: bắt đầu bằng chữ cái, sau đó là chữ cái không dấu, chữ số hoặc dấu _ (ví dụ T0101).".into());
    }
    // `__` separates a code from its breakdown part in a cell key (DS01__nu).
    if code.contains("__") {
        return Err("Mã chỉ tiêu không được chứa hai dấu _ liền nhau (dấu __ dùng để ghi phần phân tổ, ví dụ DS01__nu).".into());
    }
    Ok(())
}

/// Codes of breakdown parts: lower-case, as they appear in rules (`T0101[nu]`).
pub fn check_part_code(code: &str) -> Result<(), String> {
    let mut chars = code.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && code.len() <= 30
        && !code.contains("__")
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err("Mã phần phân tổ chỉ gồm chữ thường không dấu, chữ số và dấu _ không liền nhau (ví dụ nu, thanh_thi).".into())
    }
}

impl IndicatorSpec {
    pub fn effective_scale(&self) -> u8 {
        match self.value_type {
            ValueType::Integer => 0,
            ValueType::Decimal | ValueType::Percent => self.scale.min(MAX_SCALE),
            _ => 0,
        }
    }

    /// Reads what a user typed (or a cell held). Empty input is `Ok(None)`.
    pub fn parse_input(&self, raw: &str) -> Result<Option<Value>, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let v = match self.value_type {
            ValueType::Integer | ValueType::Decimal | ValueType::Percent => {
                // Only a rate may carry a `%`: `50%` in a head count is a mistake, not 50.
                let read = if self.value_type == ValueType::Percent { parse_percent } else { parse_scaled };
                Value::Num(read(s, self.effective_scale()).map_err(|e| match e {
                    NumberError::Empty => "Chưa nhập giá trị.".to_string(),
                    other => other.to_string(),
                })?)
            }
            ValueType::Text => Value::Text(s.to_string()),
            ValueType::YesNo => match s.to_lowercase().as_str() {
                "có" | "co" | "x" | "1" | "true" | "yes" | "đúng" => Value::Bool(true),
                "không" | "khong" | "0" | "false" | "no" | "sai" => Value::Bool(false),
                _ => return Err("Chỉ nhận \"Có\" hoặc \"Không\".".into()),
            },
            ValueType::Date => Value::Date(crate::datefmt::parse_date(s).ok_or("Ngày phải theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")?),
        };
        self.check_bounds(&v)?;
        Ok(Some(v))
    }

    /// The limits every edge shares (form, Excel, API): a number's range,
    /// a text's length.
    pub fn check_bounds(&self, v: &Value) -> Result<(), String> {
        if let Value::Text(t) = v {
            if t.chars().count() > MAX_TEXT_CHARS {
                return Err("Nội dung không được dài quá 2.000 ký tự.".into());
            }
            return Ok(());
        }
        let Value::Num(n) = v else { return Ok(()) };
        let scale = self.effective_scale();
        let show = |b: i64| format_scaled(b, scale);
        match (self.min, self.max) {
            (Some(lo), Some(hi)) if *n < lo || *n > hi => Err(format!("Giá trị phải nằm trong khoảng từ {} đến {}.", show(lo), show(hi))),
            (Some(lo), _) if *n < lo => Err(format!("Giá trị không được nhỏ hơn {}.", show(lo))),
            (_, Some(hi)) if *n > hi => Err(format!("Giá trị không được lớn hơn {}.", show(hi))),
            _ => Ok(()),
        }
    }

    /// Shows a value the Vietnamese way (`1.234,5`, `Có`, `01/07/2025`).
    pub fn format(&self, v: &Value) -> String {
        match v {
            Value::Num(n) => format_scaled(*n, self.effective_scale()),
            Value::Text(t) => t.clone(),
            Value::Bool(true) => "Có".into(),
            Value::Bool(false) => "Không".into(),
            Value::Date(d) => crate::datefmt::format_date(*d),
        }
    }

    /// The value as a decimal for rules and sums (`None` for text; dates count days).
    pub fn as_dec(&self, v: &Value) -> Option<crate::dec::Dec> {
        match v {
            Value::Num(n) => Some(crate::dec::Dec::from_scaled(*n, self.effective_scale())),
            Value::Bool(b) => Some(crate::dec::Dec::from_int(*b as i64)),
            Value::Date(d) => Some(crate::dec::Dec::from_int(d.num_days_from_ce() as i64)),
            Value::Text(_) => None,
        }
    }
}

use chrono::Datelike;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_length_is_a_bound_every_edge_shares() {
        let t = spec(ValueType::Text, 0, None, None);
        let long = "ă".repeat(MAX_TEXT_CHARS + 1);
        let msg = "Nội dung không được dài quá 2.000 ký tự.";
        // A value built by an edge that does not go through parse_input (the API).
        assert_eq!(t.check_bounds(&Value::Text(long.clone())), Err(msg.to_string()));
        assert_eq!(t.parse_input(&long), Err(msg.to_string()), "the form and Excel give the same message");
        let just = "ă".repeat(MAX_TEXT_CHARS);
        assert_eq!(t.check_bounds(&Value::Text(just.clone())), Ok(()));
        assert_eq!(t.parse_input(&just), Ok(Some(Value::Text(just))));
    }

    fn spec(vt: ValueType, scale: u8, min: Option<i64>, max: Option<i64>) -> IndicatorSpec {
        IndicatorSpec {
            code: "T0101".into(),
            name: "Dân số".into(),
            unit: "Người".into(),
            value_type: vt,
            scale,
            min,
            max,
            aggregation: Aggregation::Sum,
            parts: vec![],
            rate_of: None,
        }
    }

    #[test]
    fn codes() {
        assert_eq!(normalize_code(" t0101 "), "T0101");
        assert!(check_code("T0101").is_ok());
        assert!(check_code("CDS_01").is_ok());
        assert!(check_code("0101").is_err());
        assert!(check_code("T 01").is_err());
        assert!(check_code("TĐ01").is_err());
        assert!(check_code(&"A".repeat(21)).is_err());
        assert!(check_part_code("thanh_thi").is_ok());
        assert!(check_part_code("Nam").is_err());
    }

    #[test]
    fn reads_typed_values() {
        let int = spec(ValueType::Integer, 0, Some(0), None);
        assert_eq!(int.parse_input("1.234"), Ok(Some(Value::Num(1234))));
        assert_eq!(int.parse_input("  "), Ok(None));
        assert!(int.parse_input("12,5").unwrap_err().contains("số nguyên"));
        assert!(int.parse_input("-1").unwrap_err().contains("nhỏ hơn 0"));
        let pct = spec(ValueType::Percent, 1, Some(0), Some(1000));
        assert_eq!(pct.parse_input("45,5%"), Ok(Some(Value::Num(455))));
        assert!(pct.parse_input("100,1").unwrap_err().contains("từ 0,0 đến 100,0"));
        let yn = spec(ValueType::YesNo, 0, None, None);
        assert_eq!(yn.parse_input("Có"), Ok(Some(Value::Bool(true))));
        assert_eq!(yn.parse_input("không"), Ok(Some(Value::Bool(false))));
        assert!(yn.parse_input("có lẽ").is_err());
        let date = spec(ValueType::Date, 0, None, None);
        assert_eq!(date.parse_input("01/07/2025"), Ok(Some(Value::Date(crate::period::date(2025, 7, 1)))));
        assert!(date.parse_input("2025/07/01").unwrap_err().contains("ngày/tháng/năm"));
        let text = spec(ValueType::Text, 0, None, None);
        assert_eq!(text.parse_input(" Tốt "), Ok(Some(Value::Text("Tốt".into()))));
    }

    #[test]
    fn figures_are_read_with_certainty_or_refused() {
        let int = spec(ValueType::Integer, 0, None, None);
        assert_eq!(
            int.parse_input("1,000").unwrap_err(),
            "«1,000»: 1 hay 1.000? Dùng dấu chấm để tách hàng nghìn: 1.000; nếu là số thập phân, viết 1."
        );
        assert!(int.parse_input("12,000").unwrap_err().contains("12 hay 12.000?"));
        assert!(int.parse_input("50%").unwrap_err().contains("chỉ dùng cho chỉ tiêu tỷ lệ"));
        assert_eq!(int.parse_input("1,5E+03"), Ok(Some(Value::Num(1500))));
        assert_eq!(int.parse_input("(1.234)"), Ok(Some(Value::Num(-1234))));
        let dec = spec(ValueType::Decimal, 2, None, None);
        assert!(dec.parse_input("50 %").unwrap_err().contains("tỷ lệ"));
        assert_eq!(dec.parse_input("0.125").unwrap_err(), "Chỉ được nhập tối đa 2 chữ số thập phân.");
        let pct = spec(ValueType::Percent, 1, Some(0), Some(1000));
        assert_eq!(pct.parse_input("50 %"), Ok(Some(Value::Num(500))));
        assert_eq!(pct.parse_input("45.5%"), Ok(Some(Value::Num(455))));
        // A misconfigured scale is clamped, never a panic.
        let wide = spec(ValueType::Decimal, 255, None, None);
        assert_eq!(wide.effective_scale(), MAX_SCALE);
        assert_eq!(wide.parse_input("1,5"), Ok(Some(Value::Num(1_500_000_000))));
        assert_eq!(wide.format(&Value::Num(1_500_000_000)), "1,500000000");
    }

    #[test]
    fn shows_values_the_vietnamese_way() {
        let dec = spec(ValueType::Decimal, 2, None, None);
        assert_eq!(dec.format(&Value::Num(123456)), "1.234,56");
        assert_eq!(spec(ValueType::YesNo, 0, None, None).format(&Value::Bool(true)), "Có");
        assert_eq!(dec.as_dec(&Value::Num(150)).unwrap().to_string(), "1.5");
    }

    #[test]
    fn type_codes_round_trip() {
        for v in ValueType::ALL {
            assert_eq!(ValueType::from_code(v.code()), Some(v));
        }
        for a in Aggregation::ALL {
            assert_eq!(Aggregation::from_code(a.code()), Some(a));
        }
    }
}
