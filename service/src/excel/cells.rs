//! Cell names and cell values the way the forms read them.

use calamine::Data;
use domain::dec::Dec;

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
        Data::DateTime(dt) => excel_date(dt.as_f64()).map(domain::datefmt::format_date).unwrap_or_default(),
        Data::DateTimeIso(s) => s.get(..10).and_then(domain::datefmt::parse_date).map(domain::datefmt::format_date).unwrap_or_else(|| s.clone()),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Whether the cell holds a number (so its text is in dot notation, not Vietnamese).
pub fn is_number(d: &Data) -> bool {
    matches!(d, Data::Int(_) | Data::Float(_))
}

/// A numeric cell to a scaled integer; text cells are read in Vietnamese notation.
pub fn cell_scaled(d: &Data, scale: u8) -> Result<Option<i64>, String> {
    if is_number(d) {
        let dec = Dec::parse_literal(&cell_text(d)).ok_or("Ô chứa số không đọc được.")?;
        let back = dec.to_scaled(scale).ok_or("Số quá lớn.")?;
        if domain::dec::Dec::from_scaled(back, scale) != dec {
            return Err(domain::numfmt::NumberError::TooManyDecimals(scale).to_string());
        }
        return Ok(Some(back));
    }
    let t = cell_text(d);
    if t.is_empty() {
        return Ok(None);
    }
    domain::numfmt::parse_scaled(&t, scale).map(Some).map_err(|e| e.to_string())
}

/// Excel's day serial (1900 system) to a date.
fn excel_date(serial: f64) -> Option<chrono::NaiveDate> {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(serial.floor() as i64))
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
        assert_eq!(excel_date(45839.0), chrono::NaiveDate::from_ymd_opt(2025, 7, 1));
    }
}
