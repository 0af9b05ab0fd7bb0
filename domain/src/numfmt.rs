//! Vietnamese number notation: `1.234.567,89` (dot groups thousands, comma
//! marks decimals). Figures are exact scaled integers (value × 10^scale), so
//! no binary floating point ever touches a reported figure.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    Invalid,
    TooManyDecimals(u8),
    TooLarge,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Empty => f.write_str("Chưa nhập giá trị."),
            NumberError::Invalid => f.write_str(
                "Không đọc được số. Hãy nhập theo dạng 1.234,5 (dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân).",
            ),
            NumberError::TooManyDecimals(0) => f.write_str("Chỉ tiêu này chỉ nhận số nguyên."),
            NumberError::TooManyDecimals(s) => write!(f, "Chỉ được nhập tối đa {s} chữ số thập phân."),
            NumberError::TooLarge => f.write_str("Số quá lớn."),
        }
    }
}

impl std::error::Error for NumberError {}

/// Largest scale we accept: 10^9 still leaves 9 integer digits in an i64.
pub const MAX_SCALE: u8 = 9;

pub fn pow10(scale: u8) -> i64 {
    10_i64.pow(u32::from(scale))
}

/// Groups an unsigned digit string by thousands with dots.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    let first = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i != 0 && (i + 3 - first) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Formats a scaled integer with exactly `scale` decimals: `(123450, 2)` → `1.234,50`.
pub fn format_scaled(value: i64, scale: u8) -> String {
    let neg = value < 0;
    let abs = value.unsigned_abs();
    let p = pow10(scale) as u64;
    let int_part = abs / p;
    let frac = abs % p;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&group_thousands(&int_part.to_string()));
    if scale > 0 {
        s.push(',');
        s.push_str(&format!("{:0width$}", frac, width = scale as usize));
    }
    s
}

pub fn format_int(value: i64) -> String {
    format_scaled(value, 0)
}

/// Formats with at most `max_decimals`, dropping trailing zeros (for ratios and averages).
pub fn format_scaled_trimmed(value: i64, scale: u8) -> String {
    let s = format_scaled(value, scale);
    if scale == 0 {
        return s;
    }
    let trimmed = s.trim_end_matches('0');
    trimmed.trim_end_matches(',').to_string()
}

/// Formats a float for display only (percentages computed on the fly), rounding half away from zero.
pub fn format_f64(value: f64, decimals: u8) -> String {
    let scaled = (value * pow10(decimals) as f64).round();
    if !scaled.is_finite() || scaled.abs() > i64::MAX as f64 {
        return "—".to_string();
    }
    format_scaled(scaled as i64, decimals)
}

/// Reads a number typed by a user into a scaled integer.
///
/// Accepted: `1.234,5` and `1234,5` (Vietnamese), and `1234.5` where the dot
/// cannot be a thousands separator (one dot, and not followed by exactly
/// three digits, or a first group longer than three digits). `1.234` reads as
/// one thousand two hundred thirty-four, as a Vietnamese reader would.
/// Spaces are ignored. More decimals than `scale` is an error, never rounded.
pub fn parse_scaled(input: &str, scale: u8) -> Result<i64, NumberError> {
    let cleaned: String = input.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    if cleaned.is_empty() {
        return Err(NumberError::Empty);
    }
    let (neg, body) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(NumberError::Invalid);
    }
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let (int_raw, frac_raw): (String, &str) = if commas > 1 {
        return Err(NumberError::Invalid);
    } else if commas == 1 {
        let (i, f) = body.split_once(',').ok_or(NumberError::Invalid)?;
        if f.contains('.') {
            return Err(NumberError::Invalid);
        }
        (ungroup(i)?, f)
    } else if dots == 1 && !looks_grouped(body) {
        let (i, f) = body.split_once('.').ok_or(NumberError::Invalid)?;
        (i.to_string(), f)
    } else {
        (ungroup(body)?, "")
    };
    if int_raw.is_empty() && frac_raw.is_empty() {
        return Err(NumberError::Invalid);
    }
    if frac_raw.len() > scale as usize {
        // Trailing zeros beyond the scale do not change the value.
        if frac_raw[scale as usize..].chars().any(|c| c != '0') {
            return Err(NumberError::TooManyDecimals(scale));
        }
    }
    let frac_digits: String = frac_raw.chars().take(scale as usize).collect();
    let frac_padded = format!("{:0<width$}", frac_digits, width = scale as usize);
    let int_val: i64 = if int_raw.is_empty() { 0 } else { int_raw.parse().map_err(|_| NumberError::TooLarge)? };
    let frac_val: i64 = if scale == 0 { 0 } else { frac_padded.parse().map_err(|_| NumberError::Invalid)? };
    let magnitude = int_val
        .checked_mul(pow10(scale))
        .and_then(|v| v.checked_add(frac_val))
        .ok_or(NumberError::TooLarge)?;
    Ok(if neg { -magnitude } else { magnitude })
}

/// `1.234` and `12.345.678` are grouped thousands; `1234.5` and `1.5` are not.
fn looks_grouped(body: &str) -> bool {
    let groups: Vec<&str> = body.split('.').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
}

fn ungroup(s: &str) -> Result<String, NumberError> {
    if !s.contains('.') {
        return Ok(s.to_string());
    }
    if !looks_grouped(s) {
        return Err(NumberError::Invalid);
    }
    Ok(s.replace('.', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_vietnamese_style() {
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_int(1000), "1.000");
        assert_eq!(format_int(1234567), "1.234.567");
        assert_eq!(format_int(-1234567), "-1.234.567");
        assert_eq!(format_scaled(12345, 1), "1.234,5");
        assert_eq!(format_scaled(123456789, 2), "1.234.567,89");
        assert_eq!(format_scaled(5, 2), "0,05");
        assert_eq!(format_scaled(-5, 2), "-0,05");
        assert_eq!(format_scaled_trimmed(12340, 2), "123,4");
        assert_eq!(format_scaled_trimmed(12300, 2), "123");
        assert_eq!(format_f64(12.345, 1), "12,3");
        assert_eq!(format_f64(f64::NAN, 1), "—");
    }

    #[test]
    fn parses_every_accepted_notation() {
        let cases: &[(&str, u8, i64)] = &[
            ("1.234,5", 1, 12345),
            ("1234,5", 1, 12345),
            ("1234.5", 1, 12345),
            ("1.5", 2, 150),
            ("1.234", 0, 1234),
            ("1.234.567", 0, 1234567),
            ("12.345.678,9", 1, 123456789),
            ("1 234 567", 0, 1234567),
            ("-2,5", 1, -25),
            ("+7", 0, 7),
            (",5", 1, 5),
            ("1234.567", 3, 1234567),
            ("3,10", 1, 31),
            ("0", 0, 0),
        ];
        for (input, scale, want) in cases {
            assert_eq!(parse_scaled(input, *scale), Ok(*want), "{input} @ {scale}");
        }
    }

    #[test]
    fn rejects_what_it_cannot_read_unambiguously() {
        assert_eq!(parse_scaled("", 0), Err(NumberError::Empty));
        assert_eq!(parse_scaled("  ", 0), Err(NumberError::Empty));
        assert_eq!(parse_scaled("abc", 0), Err(NumberError::Invalid));
        assert_eq!(parse_scaled("1,2,3", 2), Err(NumberError::Invalid));
        assert_eq!(parse_scaled("12.34.5", 2), Err(NumberError::Invalid));
        assert_eq!(parse_scaled("1.234,5.6", 2), Err(NumberError::Invalid));
        assert_eq!(parse_scaled("-", 0), Err(NumberError::Invalid));
        assert_eq!(parse_scaled("1,25", 1), Err(NumberError::TooManyDecimals(1)));
        assert_eq!(parse_scaled("1,5", 0), Err(NumberError::TooManyDecimals(0)));
        assert_eq!(parse_scaled("99999999999999999999", 0), Err(NumberError::TooLarge));
        assert_eq!(parse_scaled("9999999999999", 9), Err(NumberError::TooLarge));
    }

    #[test]
    fn format_then_parse_is_identity() {
        for scale in 0..=4u8 {
            for v in [0_i64, 1, -1, 7, 999, 1000, 123456, -987654321, 1_000_000_007] {
                assert_eq!(parse_scaled(&format_scaled(v, scale), scale), Ok(v), "{v} @ {scale}");
            }
        }
    }

    #[test]
    fn messages_are_vietnamese() {
        assert!(NumberError::TooManyDecimals(0).to_string().contains("số nguyên"));
        assert!(NumberError::TooManyDecimals(2).to_string().contains("2 chữ số thập phân"));
    }
}
