//! Cell names and cell values the way the forms read them.

use calamine::Data;
use domain::dec::Dec;
use domain::indicator::{IndicatorSpec, Value, ValueType};

/// "A", "B", …, "Z", "AA" for a 0-based column.
pub fn col_letter(col: u32) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push((b'A' + r) as char);
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

/// "D5" for 0-based (row 4, column 3), as Excel names cells.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", col_letter(col), row + 1)
}

/// A cell as text: strings trimmed, numbers in plain dot notation (exact
/// for what Excel stores), booleans as Có/Không, dates as dd/mm/yyyy.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // Display of f64 is the shortest text that reads back to the same
        // number, never in exponent form.
        Data::Float(f) => format!("{f}"),
        Data::Bool(true) => "Có".into(),
        Data::Bool(false) => "Không".into(),
        Data::DateTime(dt) => date_of(dt).map(domain::datefmt::format_date).unwrap_or_else(|| format!("{}", dt.as_f64())),
        Data::DateTimeIso(s) => s.get(..10).and_then(domain::datefmt::parse_date).map(domain::datefmt::format_date).unwrap_or_else(|| s.clone()),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Whether the cell holds a number (so its text is in dot notation, not Vietnamese).
pub fn is_number(d: &Data) -> bool {
    matches!(d, Data::Int(_) | Data::Float(_))
}

/// The number a spreadsheet means by a cell: Excel keeps 15 significant
/// digits and shows no more, so a formula's `12.300000000000001` (binary
/// floating point) is the 12,3 the clerk sees. Exact from there on.
pub fn number_of(d: &Data) -> Option<Dec> {
    match d {
        Data::Int(i) => Some(Dec::from_int(*i)),
        Data::Float(f) if f.is_finite() => {
            // `1.23450000000000e3`: 15 significant digits and a power of ten.
            let s = format!("{f:.14e}");
            let (mantissa, exp) = s.split_once('e')?;
            let exp: i32 = exp.parse().ok()?;
            let neg = mantissa.starts_with('-');
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            let m: i128 = digits.parse().ok()?;
            let m = if neg { -m } else { m };
            let scale = 14 - exp;
            if scale >= 0 { Some(Dec::new(m, scale as u32)) } else { Some(Dec::new(m.checked_mul(10i128.checked_pow((-scale) as u32)?)?, 0)) }
        }
        _ => None,
    }
}

fn dec_to_scaled(dec: Dec, scale: u8) -> Result<i64, String> {
    let back = dec.to_scaled(scale).ok_or("Số quá lớn.")?;
    if Dec::from_scaled(back, scale) != dec {
        return Err(domain::numfmt::NumberError::TooManyDecimals(scale).to_string());
    }
    Ok(back)
}

/// A numeric cell to a scaled integer; text cells are read in Vietnamese notation.
pub fn cell_scaled(d: &Data, scale: u8) -> Result<Option<i64>, String> {
    if is_number(d) {
        let dec = number_of(d).ok_or("Ô chứa số không đọc được.")?;
        return dec_to_scaled(dec, scale).map(Some);
    }
    let t = cell_text(d);
    if t.is_empty() {
        return Ok(None);
    }
    domain::numfmt::parse_scaled(&t, scale).map(Some).map_err(|e| e.to_string())
}

/// Why a form cell could not be read: the message (without the cell's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    /// What the cell showed, for the message and for a draft that keeps it.
    pub raw: String,
    pub message: String,
}

/// Reads a form cell as its indicator's type says, the way a clerk wrote
/// it: numbers as numbers (exact to Excel's 15 digits), numbers stored as
/// text in Vietnamese notation, percentages (`45,5%` typed into Excel is
/// the number 0.455 shown as a percentage), yes/no as text or TRUE/FALSE,
/// dates as dates or dd/mm/yyyy. `Ok(None)` for a blank cell.
pub fn read_typed(d: &Data, shown_as_percent: bool, spec: &IndicatorSpec) -> Result<Option<Value>, Unread> {
    read_typed_in(d, Some(shown_as_percent), spec)
}

/// [`read_typed`] when the file may not say whether the cell is shown as a
/// percentage (`None`, an .xls): a percentage indicator's number between 0
/// and 1 could be either reading, so it is refused with both.
pub fn read_typed_in(d: &Data, shown_as_percent: Option<bool>, spec: &IndicatorSpec) -> Result<Option<Value>, Unread> {
    let raw = cell_text(d);
    let unread = |message: String| Unread { raw: raw.clone(), message };
    if raw.is_empty() {
        return Ok(None);
    }
    if let Data::Error(e) = d {
        return Err(unread(format!("ô báo lỗi công thức {e}. Hãy sửa công thức hoặc nhập số liệu trực tiếp.")));
    }
    let numeric = spec.value_type.is_numeric();
    let value = match d {
        Data::Int(_) | Data::Float(_) if numeric => {
            let dec = number_of(d).ok_or_else(|| unread("Ô chứa số không đọc được.".into()))?;
            if shown_as_percent.is_none() && spec.value_type == ValueType::Percent && dec != Dec::from_int(0) && dec.abs() <= Dec::from_int(1) {
                let as_is = domain::numfmt::format_dec(dec);
                let times100 = dec.checked_mul(Dec::from_int(100)).map(domain::numfmt::format_dec).unwrap_or_default();
                return Err(unread(format!(
                    "{as_is}: {as_is} % hay {times100} %? Tệp không cho biết ô có định dạng phần trăm hay không. Hãy lưu tệp dạng .xlsx rồi tải lên lại, hoặc gõ ô dạng chữ (ví dụ '{times100}%)."
                )));
            }
            let dec = if shown_as_percent == Some(true) {
                if spec.value_type != ValueType::Percent {
                    let shown = dec.checked_mul(Dec::from_int(100)).map(|v| v.to_string().replace('.', ",")).unwrap_or_default();
                    return Err(unread(format!(
                        "ô đang ở dạng phần trăm ({shown}%) nhưng chỉ tiêu này không phải tỷ lệ. Hãy bỏ định dạng % và nhập số."
                    )));
                }
                dec.checked_mul(Dec::from_int(100)).map_err(|_| unread("Số quá lớn.".into()))?
            } else {
                dec
            };
            Value::Num(dec_to_scaled(dec, spec.effective_scale()).map_err(unread)?)
        }
        Data::Bool(_) if numeric => return Err(unread("ô chứa giá trị TRUE/FALSE, không phải số.".into())),
        Data::DateTime(dt) if date_of(dt).is_none() => {
            return Err(unread(format!(
                "ô ngày tháng có giá trị {raw}, ngoài khoảng ngày đọc được (01/01/1900–31/12/9999). Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/07/2025."
            )));
        }
        Data::DateTime(_) | Data::DateTimeIso(_) if numeric => {
            return Err(unread("ô đang ở dạng ngày tháng, không phải số. Hãy đổi định dạng ô về dạng số rồi nhập lại.".into()));
        }
        Data::Float(_) | Data::Int(_) if spec.value_type == ValueType::Date => {
            return Err(unread("ngày phải theo dạng ngày/tháng/năm, ví dụ 01/07/2025.".into()));
        }
        _ => return spec.parse_input(&raw).map_err(unread),
    };
    spec.check_bounds(&value).map_err(unread)?;
    Ok(Some(value))
}

/// A date cell's date, in the workbook's date system (1900 or 1904) as
/// calamine converts it; `None` outside 01/01/1900 (1904)–31/12/9999.
pub fn date_of(dt: &calamine::ExcelDateTime) -> Option<chrono::NaiveDate> {
    let serial = dt.as_f64();
    // A duration ([h]:mm) is not a day of the calendar.
    if !serial.is_finite() || dt.is_duration() {
        return None;
    }
    // calamine keeps the date system to itself; the same value in the 1904 system compares equal only if it is one.
    let is_1904 = *dt == calamine::ExcelDateTime::new(serial, calamine::ExcelDateTimeType::DateTime, true);
    // 31/12/9999 in each system (calamine clamps beyond it rather than refusing).
    let (first, last) = if is_1904 { (0.0, 2_957_003.0) } else { (1.0, 2_958_465.0) };
    if serial < first || serial >= last + 1.0 {
        return None;
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cells_like_excel() {
        assert_eq!(col_letter(0), "A");
        assert_eq!(col_letter(25), "Z");
        assert_eq!(col_letter(26), "AA");
        assert_eq!(col_letter(27), "AB");
        assert_eq!(cell_name(4, 3), "D5");
    }

    #[test]
    fn reads_cells_exactly() {
        assert_eq!(cell_scaled(&Data::Float(1234.5), 1), Ok(Some(12345)));
        assert_eq!(cell_scaled(&Data::Float(0.1), 2), Ok(Some(10)));
        assert_eq!(cell_scaled(&Data::Int(7), 0), Ok(Some(7)));
        assert!(cell_scaled(&Data::Float(1.25), 1).unwrap_err().contains("1 chữ số thập phân"));
        assert_eq!(cell_scaled(&Data::String("1.234,5".into()), 1), Ok(Some(12345)));
        assert_eq!(cell_scaled(&Data::Empty, 1), Ok(None));
        assert_eq!(cell_text(&Data::Bool(true)), "Có");
        let dt = |v: f64, is_1904: bool| calamine::ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, is_1904);
        assert_eq!(date_of(&dt(45839.0, false)), chrono::NaiveDate::from_ymd_opt(2025, 7, 1));
        // A workbook in the 1904 date system counts from 01/01/1904.
        assert_eq!(date_of(&dt(45839.0 - 1462.0, true)), chrono::NaiveDate::from_ymd_opt(2025, 7, 1));
        assert_eq!(cell_text(&Data::DateTime(dt(45839.0 - 1462.0, true))), "01/07/2025");
        for bad in [1e20, -1e20, f64::NAN, 2_958_466.0, -1.0] {
            assert_eq!(date_of(&dt(bad, false)), None, "{bad}");
        }
        assert_eq!(date_of(&dt(2_958_465.0, false)), chrono::NaiveDate::from_ymd_opt(9999, 12, 31));
        // 36:00 in an [h]:mm cell is a duration, not 01/01/1900.
        let hours = calamine::ExcelDateTime::new(1.5, calamine::ExcelDateTimeType::TimeDelta, false);
        assert_eq!(date_of(&hours), None);
        // A formula's binary noise is the figure Excel shows.
        assert_eq!(cell_scaled(&Data::Float(12.3), 1), Ok(Some(123)));
        assert_eq!(cell_scaled(&Data::Float(0.1 + 0.2), 1), Ok(Some(3)));
        assert!(cell_scaled(&Data::Float(-1e20), 0).is_err());
        assert_eq!(cell_scaled(&Data::Float(123456789012.0), 0), Ok(Some(123_456_789_012)));
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::Div0)), "#DIV/0!");
    }

    fn spec(vt: ValueType, scale: u8) -> IndicatorSpec {
        IndicatorSpec { code: "T01".into(), name: "Thử".into(), value_type: vt, scale, min: Some(0), ..Default::default() }
    }

    #[test]
    fn reads_form_cells_as_a_clerk_wrote_them() {
        let int = spec(ValueType::Integer, 0);
        let rate = spec(ValueType::Percent, 1);
        let ok = |d: Data, pct: bool, s: &IndicatorSpec| read_typed(&d, pct, s).unwrap();
        let err = |d: Data, pct: bool, s: &IndicatorSpec| read_typed(&d, pct, s).unwrap_err().message;
        assert_eq!(ok(Data::Float(1234.0), false, &int), Some(Value::Num(1234)));
        assert_eq!(ok(Data::String(" 1.234 ".into()), false, &int), Some(Value::Num(1234)));
        assert_eq!(ok(Data::String("".into()), false, &int), None);
        assert_eq!(ok(Data::Float(0.455), true, &rate), Some(Value::Num(455)));
        assert_eq!(ok(Data::String("45,5%".into()), false, &rate), Some(Value::Num(455)));
        assert!(err(Data::Float(0.5), true, &int).contains("không phải tỷ lệ"));
        assert!(err(Data::Float(-3.0), false, &int).contains("nhỏ hơn 0"));
        assert!(err(Data::Error(calamine::CellErrorType::Ref), false, &int).contains("#REF!"));
        let e = read_typed(&Data::String("abc".into()), false, &int).unwrap_err();
        assert_eq!(e.raw, "abc");
        assert!(e.message.starts_with("Không đọc được số"), "{}", e.message);
        let yn = spec(ValueType::YesNo, 0);
        assert_eq!(ok(Data::Bool(true), false, &yn), Some(Value::Bool(true)));
        assert_eq!(ok(Data::String("Không".into()), false, &yn), Some(Value::Bool(false)));
        let date = spec(ValueType::Date, 0);
        assert_eq!(
            ok(Data::DateTime(calamine::ExcelDateTime::new(45839.0, calamine::ExcelDateTimeType::DateTime, false)), false, &date),
            Some(Value::Date(domain::period::date(2025, 7, 1)))
        );
        assert!(err(Data::Float(45839.0), false, &date).contains("ngày/tháng/năm"));
        // A huge date-styled number is a message, not a panic, for every kind of indicator.
        let huge = Data::DateTime(calamine::ExcelDateTime::new(1e20, calamine::ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_text(&huge), "100000000000000000000");
        for s in [&date, &int, &yn] {
            let e = read_typed(&huge, false, s).unwrap_err();
            assert!(e.message.contains("ngoài khoảng ngày đọc được"), "{}", e.message);
        }
    }

    #[test]
    fn a_fraction_for_a_percentage_in_an_xls_is_asked_about() {
        let rate = spec(ValueType::Percent, 1);
        let e = read_typed_in(&Data::Float(0.5), None, &rate).unwrap_err();
        assert!(e.message.starts_with("0,5: 0,5 % hay 50 %?"), "{}", e.message);
        assert_eq!(e.raw, "0.5");
        // Above 1, or nothing at all, there is one reading.
        assert_eq!(read_typed_in(&Data::Float(45.5), None, &rate).unwrap(), Some(Value::Num(455)));
        assert_eq!(read_typed_in(&Data::Float(0.0), None, &rate).unwrap(), Some(Value::Num(0)));
        // Another indicator's fraction is not a percentage.
        let dec = spec(ValueType::Decimal, 1);
        assert_eq!(read_typed_in(&Data::Float(0.5), None, &dec).unwrap(), Some(Value::Num(5)));
        // Where the format is known, it decides.
        assert_eq!(read_typed_in(&Data::Float(0.5), Some(true), &rate).unwrap(), Some(Value::Num(500)));
        assert_eq!(read_typed_in(&Data::Float(0.5), Some(false), &rate).unwrap(), Some(Value::Num(5)));
    }
}
