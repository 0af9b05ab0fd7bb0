//! Vietnamese number notation: `1.234.567,89` (dot groups thousands, comma
//! marks decimals). Figures are exact scaled integers (value × 10^scale), so
//! no binary floating point ever touches a reported figure.
//!
//! A figure is read with certainty or refused, never guessed. Clerks type
//! Vietnamese notation but paste from English spreadsheets too, so the reader
//! accepts every notation that has exactly one meaning and refuses, naming
//! both readings, the one that has two:
//!
//! | typed                 | read as                                         |
//! |-----------------------|-------------------------------------------------|
//! | `1.234,5`, `1234,5`   | Vietnamese: 1234,5                              |
//! | `1,234.5`, `1,234,567`| English grouping (both marks, or several commas)|
//! | `1.234`, `12.345.678` | Vietnamese thousands (the house convention)     |
//! | `0.125`, `1234.5`, `1.5` | decimal dot: a thousands group is 1–3 digits and never a lone `0` |
//! | `1,000`, `12,500`     | refused: decimal comma or English thousands?    |
//! | `1 234,5`, `12 345 678` | spaces (also U+00A0, U+202F, U+2009) between groups of three only |
//! | `-5`, `+5`, `−5`, `(5)` | signs; accountants' parentheses mean negative |
//! | `1,5E+03`, `2,5e-1`   | Excel's scientific notation, when exact at the field's scale |
//! | `45,5%`               | only in rate fields ([`parse_percent`])         |

use crate::dec::Dec;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    Invalid,
    /// Digit groups that are not groups of three (`1 5`, `1.23.456`).
    Grouping,
    /// Text with two readings, e.g. `1,000`: one (decimal comma) or one
    /// thousand (English grouping). `scale` is the field's, when known.
    Ambiguous {
        text: String,
        decimal: Dec,
        thousands: Dec,
        scale: Option<u8>,
    },
    TooManyDecimals(u8),
    /// Scientific notation whose exact value needs more decimals than the field has.
    ExponentDecimals {
        text: String,
        value: Dec,
        scale: u8,
    },
    TooLarge,
    /// A `%` in a field that is not a rate.
    PercentSign,
    /// A field scale above [`MAX_SCALE`]: the field itself is misconfigured.
    ScaleTooLarge(u8),
}

fn scale_note(scale: u8) -> String {
    if scale == 0 {
        "chỉ tiêu này chỉ nhận số nguyên".into()
    } else {
        format!("chỉ tiêu này chỉ nhận tối đa {scale} chữ số thập phân")
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Empty => f.write_str("Chưa nhập giá trị."),
            NumberError::Invalid => {
                f.write_str("Không đọc được số. Hãy nhập theo dạng 1.234,5 (dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân).")
            }
            NumberError::Grouping => f.write_str(
                "Không đọc được số: dấu chấm hoặc dấu cách ngăn cách hàng nghìn phải đứng giữa các nhóm đủ 3 chữ số, ví dụ 1.234.567 hoặc 1 234 567.",
            ),
            NumberError::Ambiguous { text, decimal, thousands, scale } => {
                let (d, t) = (format_dec(*decimal), format_dec(*thousands));
                write!(f, "«{text}»: {} hay {t}? Dùng dấu chấm để tách hàng nghìn: {t}; nếu là số thập phân, viết {d}", plain_dec(*decimal))?;
                match scale {
                    Some(s) if decimal.scale() > u32::from(*s) => write!(f, " ({}).", scale_note(*s)),
                    _ => f.write_str("."),
                }
            }
            NumberError::TooManyDecimals(0) => f.write_str("Chỉ tiêu này chỉ nhận số nguyên."),
            NumberError::TooManyDecimals(s) => write!(f, "Chỉ được nhập tối đa {s} chữ số thập phân."),
            NumberError::ExponentDecimals { text, value, scale } => {
                let needed = value.scale();
                if needed <= 30 {
                    write!(f, "«{text}» là {}, cần {needed} chữ số thập phân; {}.", format_dec(*value), scale_note(*scale))
                } else {
                    write!(f, "«{text}» cần {needed} chữ số thập phân; {}.", scale_note(*scale))
                }
            }
            NumberError::TooLarge => f.write_str("Số quá lớn."),
            NumberError::PercentSign => f.write_str("Dấu % chỉ dùng cho chỉ tiêu tỷ lệ; chỉ tiêu này nhận số, hãy bỏ dấu %."),
            NumberError::ScaleTooLarge(s) => {
                write!(f, "Số chữ số thập phân của chỉ tiêu ({s}) vượt mức tối đa {MAX_SCALE}; hãy sửa chỉ tiêu trong danh mục.")
            }
        }
    }
}

impl std::error::Error for NumberError {}

/// Largest scale we accept: 10^9 still leaves 9 integer digits in an i64.
pub const MAX_SCALE: u8 = 9;

/// Longest text worth reading as a figure: i64 has 19 digits, so anything
/// much longer is not a number a clerk meant.
const MAX_INPUT_CHARS: usize = 100;

/// 10^scale, or `None` when it does not fit an i64 (scale above 18).
pub fn pow10(scale: u8) -> Option<i64> {
    10_i64.checked_pow(u32::from(scale))
}

/// Groups an unsigned digit string by thousands with dots.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    let first = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i != 0 && (i + 3 - first).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Joins sign, integer and fraction digits the Vietnamese way. A 1–3 digit
/// integer part with exactly three decimals (`12,345`) is what the reader
/// refuses as ambiguous, so it gets a fourth decimal `0` (`12,3450`): every
/// figure the system shows can be typed back and reads the same.
fn join_vn(neg: bool, int_digits: &str, frac: &str) -> String {
    let mut s = String::with_capacity(int_digits.len() * 4 / 3 + frac.len() + 3);
    if neg {
        s.push('-');
    }
    s.push_str(&group_thousands(int_digits));
    if !frac.is_empty() {
        s.push(',');
        s.push_str(frac);
        if frac.len() == 3 && first_group_ok(int_digits) {
            s.push('0');
        }
    }
    s
}

/// Splits |value| × 10^-scale into integer and fraction digit strings, for any scale.
fn split_digits(abs: u128, scale: usize) -> (String, String) {
    let digits = abs.to_string();
    if scale == 0 {
        return (digits, String::new());
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (i, f) = padded.split_at(padded.len() - scale);
    (i.to_string(), f.to_string())
}

/// Formats a scaled integer with exactly `scale` decimals: `(123450, 2)` → `1.234,50`.
pub fn format_scaled(value: i64, scale: u8) -> String {
    let (i, f) = split_digits(u128::from(value.unsigned_abs()), usize::from(scale));
    join_vn(value < 0, &i, &f)
}

pub fn format_int(value: i64) -> String {
    format_scaled(value, 0)
}

/// Formats with at most `scale` decimals, dropping trailing zeros (for ratios and averages).
pub fn format_scaled_trimmed(value: i64, scale: u8) -> String {
    let (i, f) = split_digits(u128::from(value.unsigned_abs()), usize::from(scale));
    join_vn(value < 0, &i, f.trim_end_matches('0'))
}

/// An exact decimal in Vietnamese notation with the decimals it needs (`1.234,5`).
pub fn format_dec(d: Dec) -> String {
    let (i, f) = split_digits(d.mantissa().unsigned_abs(), d.scale() as usize);
    join_vn(d.mantissa() < 0, &i, f.trim_end_matches('0'))
}

/// Like [`format_dec`] but without the disambiguating `0` (`12,345`): how a
/// reading is named in a message, next to the other reading.
fn plain_dec(d: Dec) -> String {
    let (i, f) = split_digits(d.mantissa().unsigned_abs(), d.scale() as usize);
    let f = f.trim_end_matches('0');
    let mut s = if d.mantissa() < 0 { "-".to_string() } else { String::new() };
    s.push_str(&group_thousands(&i));
    if !f.is_empty() {
        s.push(',');
        s.push_str(f);
    }
    s
}

/// Formats a float for display only (percentages computed on the fly), rounding half away from zero.
pub fn format_f64(value: f64, decimals: u8) -> String {
    let scaled = (value * 10f64.powi(i32::from(decimals))).round();
    if !scaled.is_finite() || scaled.abs() >= i64::MAX as f64 {
        return "—".to_string();
    }
    format_scaled(scaled as i64, decimals)
}

/// Reads a figure typed or pasted by a user into a scaled integer at
/// `scale`. See the module documentation for the notations. More decimals
/// than `scale` is an error, never rounded; trailing zeros are fine. A `%`
/// is refused: rate fields use [`parse_percent`].
pub fn parse_scaled(input: &str, scale: u8) -> Result<i64, NumberError> {
    parse_field(input, scale, false)
}

/// Like [`parse_scaled`], for a rate (percent) field: a trailing `%`
/// (`45,5%`, `45,5 %`) may be typed and is dropped; the figure is in percent.
pub fn parse_percent(input: &str, scale: u8) -> Result<i64, NumberError> {
    parse_field(input, scale, true)
}

/// Reads a number exactly, with as many decimals as it has: the reader the
/// rule engine uses for its literals, so `1.000` means one thousand in a
/// rule as in a form cell.
pub fn read_decimal(input: &str) -> Result<Dec, NumberError> {
    read(input, false).map(|r| r.value)
}

fn parse_field(input: &str, scale: u8, percent: bool) -> Result<i64, NumberError> {
    if scale > MAX_SCALE {
        return Err(NumberError::ScaleTooLarge(scale));
    }
    let r = read(input, percent).map_err(|e| match e {
        NumberError::Ambiguous { text, decimal, thousands, .. } => NumberError::Ambiguous { text, decimal, thousands, scale: Some(scale) },
        other => other,
    })?;
    if r.value.scale() > u32::from(scale) {
        return Err(if r.exponent {
            NumberError::ExponentDecimals { text: input.trim().to_string(), value: r.value, scale }
        } else {
            NumberError::TooManyDecimals(scale)
        });
    }
    let shift = u32::from(scale) - r.value.scale();
    10_i128.checked_pow(shift).and_then(|p| r.value.mantissa().checked_mul(p)).and_then(|m| i64::try_from(m).ok()).ok_or(NumberError::TooLarge)
}

struct Reading {
    value: Dec,
    /// Written in scientific notation (for a clearer message when inexact).
    exponent: bool,
}

/// Spaces that may group thousands: the plain one and the no-break ones
/// word processors and French-style spreadsheets put there. Never a tab or a
/// line break: those separate cells pasted together, which must not merge.
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}')
}

/// A leading thousands group: 1–3 digits, not starting with `0` (so `0.125`
/// and `0,500` are decimals, never thousands).
fn first_group_ok(g: &str) -> bool {
    (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()) && !g.starts_with('0')
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// `groups` joined, if they form thousands grouping (`1`, `234`, `567`).
fn ungroup<'a>(mut groups: impl Iterator<Item = &'a str>) -> Result<String, NumberError> {
    let first = groups.next().filter(|g| first_group_ok(g)).ok_or(NumberError::Grouping)?;
    let mut out = first.to_string();
    let mut n = 1;
    for g in groups {
        if g.len() != 3 || !all_digits(g) {
            return Err(NumberError::Grouping);
        }
        out.push_str(g);
        n += 1;
    }
    if n < 2 {
        return Err(NumberError::Grouping);
    }
    Ok(out)
}

/// Integer and fraction digits of an unsigned body without exponent.
enum Digits {
    One(String, String),
    /// Decimal-comma reading, English-thousands reading.
    Two((String, String), (String, String)),
}

fn body_digits(body: &str) -> Result<Digits, NumberError> {
    let marks = body.chars().filter(|c| *c == '.' || *c == ',').count();
    if body.chars().any(is_space) {
        // Spaces group thousands; then at most one mark, which is the decimal one.
        let (int, frac) = match marks {
            0 => (body, ""),
            1 => body.split_once(['.', ',']).ok_or(NumberError::Invalid)?,
            _ => return Err(NumberError::Invalid),
        };
        if !all_digits(frac) || (marks == 1 && frac.is_empty()) {
            return Err(if frac.chars().any(is_space) { NumberError::Grouping } else { NumberError::Invalid });
        }
        return Ok(Digits::One(ungroup(int.split(is_space))?, frac.to_string()));
    }
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let one = |i: String, f: &str| -> Result<Digits, NumberError> {
        if (i.is_empty() && f.is_empty()) || !all_digits(&i) || !all_digits(f) {
            Err(NumberError::Invalid)
        } else {
            Ok(Digits::One(i, f.to_string()))
        }
    };
    match (commas, dots) {
        (0, 0) => one(body.to_string(), ""),
        (1, 0) => {
            let (i, f) = body.split_once(',').ok_or(NumberError::Invalid)?;
            if f.is_empty() {
                return Err(NumberError::Invalid);
            }
            if f.len() == 3 && first_group_ok(i) && all_digits(f) {
                return Ok(Digits::Two((i.to_string(), f.to_string()), (format!("{i}{f}"), String::new())));
            }
            one(i.to_string(), f)
        }
        (0, 1) => {
            let (i, f) = body.split_once('.').ok_or(NumberError::Invalid)?;
            if f.is_empty() {
                return Err(NumberError::Invalid);
            }
            if f.len() == 3 && first_group_ok(i) {
                // The house convention: a Vietnamese reader sees one thousand two hundred.
                return one(format!("{i}{f}"), "");
            }
            one(i.to_string(), f)
        }
        (_, 0) => one(ungroup(body.split(','))?, ""),
        (0, _) => one(ungroup(body.split('.'))?, ""),
        _ => {
            let last = body.rfind(['.', ',']).ok_or(NumberError::Invalid)?;
            let (int, frac) = (&body[..last], &body[last + 1..]);
            let (group, mark) = if body[last..].starts_with(',') { ('.', ',') } else { (',', '.') };
            // Exactly one decimal mark, last; the other mark only groups thousands before it.
            if int.contains(mark) || frac.is_empty() {
                return Err(NumberError::Invalid);
            }
            one(ungroup(int.split(group))?, frac)
        }
    }
}

/// Splits a leading sign off (`-`, `+`, and the Unicode minus `−`).
fn strip_sign(s: &str) -> (Option<bool>, &str) {
    let mut chars = s.chars();
    match chars.next() {
        Some('-' | '−') => (Some(true), chars.as_str().trim_start_matches(is_space)),
        Some('+') => (Some(false), chars.as_str().trim_start_matches(is_space)),
        _ => (None, s),
    }
}

fn read(input: &str, percent: bool) -> Result<Reading, NumberError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    if text.chars().count() > MAX_INPUT_CHARS {
        return Err(NumberError::Invalid);
    }
    let mut s = text;
    let mut pct = false;
    let mut strip_pct = |s: &mut &str| -> Result<(), NumberError> {
        if let Some(rest) = s.strip_suffix('%') {
            if !percent {
                return Err(NumberError::PercentSign);
            }
            if pct {
                return Err(NumberError::Invalid);
            }
            pct = true;
            *s = rest.trim_end_matches(is_space);
        }
        Ok(())
    };
    strip_pct(&mut s)?;
    // Accountants write negatives in parentheses: `(1.234)`.
    let paren = s.starts_with('(') && s.ends_with(')') && s.len() >= 2;
    if paren {
        s = s[1..s.len() - 1].trim_matches(is_space);
        strip_pct(&mut s)?;
    }
    let (sign, rest) = strip_sign(s);
    if paren && sign.is_some() {
        return Err(NumberError::Invalid);
    }
    s = rest;
    strip_pct(&mut s)?;
    if s.contains('%') {
        return Err(if percent { NumberError::Invalid } else { NumberError::PercentSign });
    }
    let neg = paren || sign == Some(true);
    if s.is_empty() {
        return Err(NumberError::Invalid);
    }
    if let Some(at) = s.find(['e', 'E']) {
        let (mantissa, exp) = (&s[..at], &s[at + 1..]);
        let (i, f) = match mantissa.split_once(['.', ',']) {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        let ok = !(i.is_empty() && f.is_empty()) && all_digits(i) && all_digits(f) && !mantissa.ends_with(['.', ',']);
        let (eneg, edigits) = match exp.chars().next() {
            Some(c @ ('-' | '−')) => (true, &exp[c.len_utf8()..]),
            Some('+') => (false, &exp[1..]),
            _ => (false, exp),
        };
        if !ok || edigits.is_empty() || edigits.len() > 3 || !all_digits(edigits) {
            return Err(NumberError::Invalid);
        }
        let e: i64 = edigits.parse().map_err(|_| NumberError::Invalid)?;
        let e = if eneg { -e } else { e };
        return Ok(Reading { value: to_dec(neg, i, f, e)?, exponent: true });
    }
    if !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',' || is_space(c)) {
        return Err(NumberError::Invalid);
    }
    match body_digits(s)? {
        Digits::One(i, f) => Ok(Reading { value: to_dec(neg, &i, &f, 0)?, exponent: false }),
        Digits::Two((di, df), (ti, tf)) => Err(NumberError::Ambiguous {
            text: text.to_string(),
            decimal: to_dec(neg, &di, &df, 0)?,
            thousands: to_dec(neg, &ti, &tf, 0)?,
            scale: None,
        }),
    }
}

/// `int.frac × 10^exp` as an exact decimal.
fn to_dec(neg: bool, int: &str, frac: &str, exp: i64) -> Result<Dec, NumberError> {
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(Dec::ZERO);
    }
    // i128 holds 38 digits; no reported figure comes near.
    if digits.len() > 38 {
        return Err(NumberError::TooLarge);
    }
    let m: i128 = digits.parse().map_err(|_| NumberError::Invalid)?;
    let m = if neg { -m } else { m };
    let scale = frac.len() as i64 - exp;
    if scale >= 0 {
        let scale = u32::try_from(scale).map_err(|_| NumberError::TooLarge)?;
        Ok(Dec::new(m, scale))
    } else {
        let up = u32::try_from(-scale).map_err(|_| NumberError::TooLarge)?;
        10_i128.checked_pow(up).and_then(|p| m.checked_mul(p)).map(|m| Dec::new(m, 0)).ok_or(NumberError::TooLarge)
    }
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
        assert_eq!(format_int(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(format_scaled(12345, 1), "1.234,5");
        assert_eq!(format_scaled(123456789, 2), "1.234.567,89");
        assert_eq!(format_scaled(5, 2), "0,05");
        assert_eq!(format_scaled(-5, 2), "-0,05");
        assert_eq!(format_scaled_trimmed(12340, 2), "123,4");
        assert_eq!(format_scaled_trimmed(12300, 2), "123");
        assert_eq!(format_f64(12.345, 1), "12,3");
        assert_eq!(format_f64(f64::NAN, 1), "—");
        assert_eq!(format_f64(1.0, 200), "—");
    }

    #[test]
    fn shown_figures_read_back_the_same() {
        // `12,345` would be refused as ambiguous, so it is shown with a fourth decimal.
        assert_eq!(format_scaled(12345, 3), "12,3450");
        assert_eq!(format_scaled(-999999, 3), "-999,9990");
        assert_eq!(format_scaled(1234567, 3), "1.234,567");
        assert_eq!(format_scaled(125, 3), "0,125");
        assert_eq!(format_scaled_trimmed(123450, 4), "12,3450");
        assert_eq!(format_dec(Dec::new(12345, 3)), "12,3450");
        assert_eq!(format_dec(Dec::new(-15, 1)), "-1,5");
        assert_eq!(format_dec(Dec::new(1_000_000, 0)), "1.000.000");
    }

    #[test]
    fn every_scale_is_safe() {
        for scale in [10u8, 18, 19, 63, 64, 200, 255] {
            assert_eq!(parse_scaled("1", scale), Err(NumberError::ScaleTooLarge(scale)));
            assert_eq!(parse_percent("1", scale), Err(NumberError::ScaleTooLarge(scale)));
            let _ = format_scaled(i64::MAX, scale);
            let _ = format_scaled_trimmed(i64::MIN, scale);
            let _ = format_f64(1.5, scale);
        }
        assert_eq!(format_scaled(15, 255).len(), 2 + 255);
        assert_eq!(pow10(18), Some(1_000_000_000_000_000_000));
        assert_eq!(pow10(19), None);
        assert_eq!(pow10(255), None);
        assert!(NumberError::ScaleTooLarge(64).to_string().contains("tối đa 9"));
    }

    /// What a field makes of an input.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum X {
        /// Read as this scaled integer.
        V(i64),
        /// Refused as ambiguous.
        Amb,
        /// Too many decimals for the field.
        Frac,
        /// Scientific notation, inexact at the field's scale.
        Exp,
        Pct,
        Grp,
        Inv,
        Big,
        Empty,
    }
    use X::*;

    fn kind(r: Result<i64, NumberError>) -> X {
        match r {
            Ok(v) => V(v),
            Err(NumberError::Ambiguous { .. }) => Amb,
            Err(NumberError::TooManyDecimals(_)) => Frac,
            Err(NumberError::ExponentDecimals { .. }) => Exp,
            Err(NumberError::PercentSign) => Pct,
            Err(NumberError::Grouping) => Grp,
            Err(NumberError::Invalid) => Inv,
            Err(NumberError::TooLarge) => Big,
            Err(NumberError::Empty) => Empty,
            Err(NumberError::ScaleTooLarge(_)) => panic!("scale"),
        }
    }

    /// Every form a clerk may type or paste, as read by an integer field,
    /// decimal fields of scale 1 and 2, and a percent field of scale 1.
    #[rustfmt::skip]
    const TABLE: &[(&str, [X; 4])] = &[
        // input               Integer       Decimal,1     Decimal,2       Percent,1
        // Vietnamese notation.
        ("0",                  [V(0),        V(0),         V(0),           V(0)]),
        ("7",                  [V(7),        V(70),        V(700),         V(70)]),
        ("007",                [V(7),        V(70),        V(700),         V(70)]),
        ("1.234",              [V(1234),     V(12340),     V(123400),      V(12340)]),
        ("1.234.567",          [V(1234567),  V(12345670),  V(123456700),   V(12345670)]),
        ("1.234,5",            [Frac,         V(12345),     V(123450),      V(12345)]),
        ("12.345.678,9",       [Frac,         V(123456789), V(1234567890),  V(123456789)]),
        ("1234,5",             [Frac,         V(12345),     V(123450),      V(12345)]),
        ("3,10",               [Frac,         V(31),        V(310),         V(31)]),
        ("3,00",               [V(3),        V(30),        V(300),         V(30)]),
        ("0,5",                [Frac,         V(5),         V(50),          V(5)]),
        ("1,25",               [Frac,         Frac,          V(125),         Frac]),
        (",5",                 [Frac,         V(5),         V(50),          V(5)]),
        ("1,2345",             [Frac,         Frac,          Frac,            Frac]),
        ("1234,567",           [Frac,         Frac,          Frac,            Frac]),
        ("1.234,567",          [Frac,         Frac,          Frac,            Frac]),
        ("0,500",              [Frac,         V(5),         V(50),          V(5)]),
        ("0,000",              [V(0),        V(0),         V(0),           V(0)]),
        // English-style (both marks, or several commas): one reading only.
        ("1,234.5",            [Frac,         V(12345),     V(123450),      V(12345)]),
        ("1,234,567",          [V(1234567),  V(12345670),  V(123456700),   V(12345670)]),
        ("1,234,567.89",       [Frac,         Frac,          V(123456789),   Frac]),
        ("1234.5",             [Frac,         V(12345),     V(123450),      V(12345)]),
        ("1.5",                [Frac,         V(15),        V(150),         V(15)]),
        ("1234.567",           [Frac,         Frac,          Frac,            Frac]),
        ("0.125",              [Frac,         Frac,          Frac,            Frac]),
        ("0.500",              [Frac,         V(5),         V(50),          V(5)]),
        ("0.50",               [Frac,         V(5),         V(50),          V(5)]),
        (".5",                 [Frac,         V(5),         V(50),          V(5)]),
        ("012.345",            [Frac,         Frac,          Frac,            Frac]),
        // Ambiguous: decimal comma or English thousands.
        ("1,000",              [Amb,         Amb,          Amb,            Amb]),
        ("12,000",             [Amb,         Amb,          Amb,            Amb]),
        ("1,500",              [Amb,         Amb,          Amb,            Amb]),
        ("999,999",            [Amb,         Amb,          Amb,            Amb]),
        ("-1,000",             [Amb,         Amb,          Amb,            Amb]),
        ("(1,000)",            [Amb,         Amb,          Amb,            Amb]),
        ("12,000%",            [Pct,         Pct,          Pct,            Amb]),
        // Spaces between groups of three only (space, no-break, narrow no-break, thin).
        ("1 234",              [V(1234),     V(12340),     V(123400),      V(12340)]),
        ("12 345 678",         [V(12345678), V(123456780), V(1234567800),  V(123456780)]),
        ("1 234,5",            [Frac,         V(12345),     V(123450),      V(12345)]),
        ("1 234.5",            [Frac,         V(12345),     V(123450),      V(12345)]),
        ("1\u{a0}234\u{a0}567",[V(1234567),  V(12345670),  V(123456700),   V(12345670)]),
        ("1\u{202f}234,5",     [Frac,         V(12345),     V(123450),      V(12345)]),
        ("1\u{2009}234",       [V(1234),     V(12340),     V(123400),      V(12340)]),
        ("  1.234  ",          [V(1234),     V(12340),     V(123400),      V(12340)]),
        ("\u{a0}42\t",         [V(42),       V(420),       V(4200),        V(420)]),
        ("1\t234",             [Inv,         Inv,          Inv,            Inv]),
        ("1\n234",             [Inv,         Inv,          Inv,            Inv]),
        ("1 5",                [Grp,         Grp,          Grp,            Grp]),
        ("12 34",              [Grp,         Grp,          Grp,            Grp]),
        ("1234 567",           [Grp,         Grp,          Grp,            Grp]),
        ("1  234",             [Grp,         Grp,          Grp,            Grp]),
        ("0 123",              [Grp,         Grp,          Grp,            Grp]),
        ("1 234,5 6",          [Grp,         Grp,          Grp,            Grp]),
        ("1 234.567,8",        [Inv,         Inv,          Inv,            Inv]),
        ("12.34.5",            [Grp,         Grp,          Grp,            Grp]),
        ("1.23.456",           [Grp,         Grp,          Grp,            Grp]),
        ("1,2,3",              [Grp,         Grp,          Grp,            Grp]),
        ("1.234,5.6",          [Inv,         Inv,          Inv,            Inv]),
        ("1,234.5,6",          [Inv,         Inv,          Inv,            Inv]),
        ("1.2,5",              [Grp,         Grp,          Grp,            Grp]),
        // Percent only in rate fields.
        ("50%",                [Pct,         Pct,          Pct,            V(500)]),
        ("45,5%",              [Pct,         Pct,          Pct,            V(455)]),
        ("45,5 %",             [Pct,         Pct,          Pct,            V(455)]),
        ("45.5%",              [Pct,         Pct,          Pct,            V(455)]),
        ("-2,5%",              [Pct,         Pct,          Pct,            V(-25)]),
        ("(2,5%)",             [Pct,         Pct,          Pct,            V(-25)]),
        ("%50",                [Pct,         Pct,          Pct,            Inv]),
        ("50%%",               [Pct,         Pct,          Pct,            Inv]),
        // Signs.
        ("-2,5",               [Frac,         V(-25),       V(-250),        V(-25)]),
        ("+7",                 [V(7),        V(70),        V(700),         V(70)]),
        ("−1.234",             [V(-1234),    V(-12340),    V(-123400),     V(-12340)]),
        ("- 5",                [V(-5),       V(-50),       V(-500),        V(-50)]),
        ("-0",                 [V(0),        V(0),         V(0),           V(0)]),
        ("--5",                [Inv,         Inv,          Inv,            Inv]),
        ("+-5",                [Inv,         Inv,          Inv,            Inv]),
        ("5-",                 [Inv,         Inv,          Inv,            Inv]),
        ("-",                  [Inv,         Inv,          Inv,            Inv]),
        // Accountants' negatives.
        ("(1.234)",            [V(-1234),    V(-12340),    V(-123400),     V(-12340)]),
        ("( 1.234,5 )",        [Frac,         V(-12345),    V(-123450),     V(-12345)]),
        ("(-5)",               [Inv,         Inv,          Inv,            Inv]),
        ("(5",                 [Inv,         Inv,          Inv,            Inv]),
        ("()",                 [Inv,         Inv,          Inv,            Inv]),
        // Scientific notation as Excel pastes it.
        ("1,5E+03",            [V(1500),     V(15000),     V(150000),      V(15000)]),
        ("1.5E+3",             [V(1500),     V(15000),     V(150000),      V(15000)]),
        ("1E6",                [V(1000000),  V(10000000),  V(100000000),   V(10000000)]),
        ("2,5e-1",             [Exp,         Exp,          V(25),          Exp]),
        ("1,25E-1",            [Exp,         Exp,          Exp,            Exp]),
        ("1,2345E+2",          [Exp,         Exp,          V(12345),       Exp]),
        ("-1,5E+03",           [V(-1500),    V(-15000),    V(-150000),     V(-15000)]),
        ("1.234E3",            [V(1234),     V(12340),     V(123400),      V(12340)]),
        ("0E-999",             [V(0),        V(0),         V(0),           V(0)]),
        ("1E-999",             [Exp,         Exp,          Exp,            Exp]),
        ("1E999",              [Big,         Big,          Big,            Big]),
        ("1E30",               [Big,         Big,          Big,            Big]),
        ("1E",                 [Inv,         Inv,          Inv,            Inv]),
        ("E5",                 [Inv,         Inv,          Inv,            Inv]),
        ("1E+",                [Inv,         Inv,          Inv,            Inv]),
        ("1.E3",               [Inv,         Inv,          Inv,            Inv]),
        ("1E1000",             [Inv,         Inv,          Inv,            Inv]),
        ("1.000E3",            [V(1000),     V(10000),     V(100000),      V(10000)]),
        ("1 000E3",            [Inv,         Inv,          Inv,            Inv]),
        ("1,5E3%",             [Pct,         Pct,          Pct,            V(15000)]),
        // Size.
        ("9.223.372.036.854.775.807", [V(i64::MAX), Big,   Big,            Big]),
        ("99999999999999999999", [Big,       Big,          Big,            Big]),
        ("-9.223.372.036.854.775.808", [V(i64::MIN), Big,  Big,            Big]),
        // Not numbers.
        ("",                   [Empty,       Empty,        Empty,          Empty]),
        ("   ",                [Empty,       Empty,        Empty,          Empty]),
        ("abc",                [Inv,         Inv,          Inv,            Inv]),
        ("1,",                 [Inv,         Inv,          Inv,            Inv]),
        ("1.",                 [Inv,         Inv,          Inv,            Inv]),
        (".",                  [Inv,         Inv,          Inv,            Inv]),
        ("1.234 đ",            [Inv,         Inv,          Inv,            Inv]),
        ("₫1.234",             [Inv,         Inv,          Inv,            Inv]),
        ("١٢٣",                [Inv,         Inv,          Inv,            Inv]),
        ("１２３",             [Inv,         Inv,          Inv,            Inv]),
        ("0x10",               [Inv,         Inv,          Inv,            Inv]),
        ("1e5e5",              [Inv,         Inv,          Inv,            Inv]),
    ];

    #[test]
    fn reads_every_notation_a_clerk_may_type_or_paste() {
        assert!(TABLE.len() >= 60);
        type Reader = fn(&str) -> Result<i64, NumberError>;
        let fields: [(&str, Reader); 4] = [
            ("số nguyên", |s| parse_scaled(s, 0)),
            ("thập phân 1", |s| parse_scaled(s, 1)),
            ("thập phân 2", |s| parse_scaled(s, 2)),
            ("tỷ lệ 1", |s| parse_percent(s, 1)),
        ];
        let mut wrong = Vec::new();
        for (input, want) in TABLE {
            for ((name, read), want) in fields.iter().zip(want) {
                let got = read(input);
                if kind(got.clone()) != *want {
                    wrong.push(format!("{input:?} as {name}: want {want:?}, got {got:?}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn ambiguity_names_both_readings() {
        let msg = |s: &str, scale: u8| parse_scaled(s, scale).unwrap_err().to_string();
        assert_eq!(msg("1,000", 0), "«1,000»: 1 hay 1.000? Dùng dấu chấm để tách hàng nghìn: 1.000; nếu là số thập phân, viết 1.");
        assert_eq!(msg("12,000", 2), "«12,000»: 12 hay 12.000? Dùng dấu chấm để tách hàng nghìn: 12.000; nếu là số thập phân, viết 12.");
        assert_eq!(
            msg("1,500", 0),
            "«1,500»: 1,5 hay 1.500? Dùng dấu chấm để tách hàng nghìn: 1.500; nếu là số thập phân, viết 1,5 (chỉ tiêu này chỉ nhận số nguyên)."
        );
        assert_eq!(msg("12,345", 3), "«12,345»: 12,345 hay 12.345? Dùng dấu chấm để tách hàng nghìn: 12.345; nếu là số thập phân, viết 12,3450.");
        assert_eq!(
            msg("-1,250", 1),
            "«-1,250»: -1,25 hay -1.250? Dùng dấu chấm để tách hàng nghìn: -1.250; nếu là số thập phân, viết -1,25 (chỉ tiêu này chỉ nhận tối đa 1 chữ số thập phân)."
        );
        // The suggested spellings are read as intended.
        assert_eq!(parse_scaled("12,3450", 3), Ok(12345));
        assert_eq!(parse_scaled("12.345", 3), Ok(12345000));
        assert_eq!(
            read_decimal("1,000").unwrap_err().to_string(),
            "«1,000»: 1 hay 1.000? Dùng dấu chấm để tách hàng nghìn: 1.000; nếu là số thập phân, viết 1."
        );
    }

    #[test]
    fn other_messages_are_vietnamese() {
        assert!(NumberError::TooManyDecimals(0).to_string().contains("số nguyên"));
        assert!(NumberError::TooManyDecimals(2).to_string().contains("2 chữ số thập phân"));
        assert_eq!(
            parse_scaled("1,2345E+2", 1).unwrap_err().to_string(),
            "«1,2345E+2» là 123,45, cần 2 chữ số thập phân; chỉ tiêu này chỉ nhận tối đa 1 chữ số thập phân."
        );
        assert_eq!(parse_scaled("2,5e-1", 0).unwrap_err().to_string(), "«2,5e-1» là 0,25, cần 2 chữ số thập phân; chỉ tiêu này chỉ nhận số nguyên.");
        assert!(parse_scaled("1E-999", 0).unwrap_err().to_string().contains("cần 999 chữ số thập phân"));
        assert!(parse_scaled("50%", 0).unwrap_err().to_string().contains("tỷ lệ"));
        assert!(parse_scaled("1 5", 0).unwrap_err().to_string().contains("3 chữ số"));
    }

    #[test]
    fn rule_literals_keep_every_decimal() {
        assert_eq!(read_decimal("0,5"), Ok(Dec::new(5, 1)));
        assert_eq!(read_decimal("1.000"), Ok(Dec::from_int(1000)));
        assert_eq!(read_decimal("0.125"), Ok(Dec::new(125, 3)));
        assert_eq!(read_decimal("1,23456789012"), Ok(Dec::new(123456789012, 11)));
        assert_eq!(read_decimal("50%"), Err(NumberError::PercentSign));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn format_then_parse_is_identity(v in any::<i64>(), scale in 0u8..=4) {
                let shown = format_scaled(v, scale);
                prop_assert_eq!(parse_scaled(&shown, scale), Ok(v), "{}", shown);
                prop_assert_eq!(parse_percent(&format!("{shown}%"), scale), Ok(v));
                let trimmed = format_scaled_trimmed(v, scale);
                prop_assert_eq!(parse_scaled(&trimmed, scale), Ok(v), "{}", trimmed);
                prop_assert_eq!(read_decimal(&format_dec(Dec::from_scaled(v, scale))), Ok(Dec::from_scaled(v, scale)));
            }

            #[test]
            fn never_panics_on_arbitrary_text(s in "\\PC{0,300}", scale in any::<u8>()) {
                let _ = parse_scaled(&s, scale);
                let _ = parse_percent(&s, scale);
                let _ = read_decimal(&s);
            }

            #[test]
            fn never_panics_on_number_like_soup(s in "[0-9.,eE+\\-−%() \u{a0}\u{202f}]{0,120}", scale in 0u8..=12) {
                if let Ok(v) = parse_scaled(&s, scale) {
                    // Whatever is accepted shows back as a figure that reads the same.
                    prop_assert_eq!(parse_scaled(&format_scaled(v, scale), scale), Ok(v));
                }
                let _ = parse_percent(&s, scale);
                let _ = read_decimal(&s);
            }
        }

        #[test]
        fn long_inputs_are_refused_quickly() {
            let long = "1".repeat(100_000);
            assert_eq!(parse_scaled(&long, 0), Err(NumberError::Invalid));
            let long = "9".repeat(40);
            assert_eq!(parse_scaled(&long, 0), Err(NumberError::TooLarge));
            assert_eq!(read_decimal(&"1.000".repeat(20_000)), Err(NumberError::Invalid));
        }
    }
}
