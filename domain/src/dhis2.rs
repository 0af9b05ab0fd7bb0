//! DHIS2 interchange: baocao periods ↔ DHIS2 period identifiers
//! (monthly `202507`, quarterly `2025Q3`, six-monthly `2025S1`, yearly
//! `2025`). Nine-month and one-off periods have no DHIS2 period type.

use crate::period::Period;

/// The DHIS2 period of a baocao period.
pub fn to_dhis2(p: &Period) -> Result<String, String> {
    match *p {
        Period::Month { year, month } => Ok(format!("{year:04}{month:02}")),
        Period::Quarter { year, quarter } => Ok(format!("{year:04}Q{quarter}")),
        Period::HalfYear { year, half } => Ok(format!("{year:04}S{half}")),
        Period::Year { year } => Ok(format!("{year:04}")),
        Period::NineMonths { .. } | Period::OneOff { .. } => Err(format!("Kỳ {} không có kiểu kỳ tương ứng trong DHIS2.", p.label())),
    }
}

/// The baocao period of a DHIS2 period identifier.
pub fn from_dhis2(s: &str) -> Result<Period, String> {
    let s = s.trim();
    let bad = || format!("Kỳ DHIS2 «{}» không hợp lệ (dạng 202507, 2025Q3, 2025S1 hoặc 2025).", s.chars().take(20).collect::<String>());
    if s.len() < 4 || !s.is_char_boundary(4) {
        return Err(bad());
    }
    let (y, rest) = s.split_at(4);
    let year: i32 = y.parse().ok().filter(|y| (1900..=2999).contains(y)).ok_or_else(bad)?;
    let digits = |r: &str| r.chars().all(|c| c.is_ascii_digit()) && !r.is_empty();
    let p = match rest.as_bytes() {
        [] => Period::Year { year },
        [b'Q', ..] if digits(&rest[1..]) => {
            let quarter: u32 = rest[1..].parse().map_err(|_| bad())?;
            if !(1..=4).contains(&quarter) {
                return Err(bad());
            }
            Period::Quarter { year, quarter }
        }
        [b'S', ..] if digits(&rest[1..]) => {
            let half: u32 = rest[1..].parse().map_err(|_| bad())?;
            if !(1..=2).contains(&half) {
                return Err(bad());
            }
            Period::HalfYear { year, half }
        }
        [_, _] if digits(rest) => {
            let month: u32 = rest.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&month) {
                return Err(bad());
            }
            Period::Month { year, month }
        }
        _ => return Err(bad()),
    };
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dhis2_period_type_maps_both_ways() {
        let cases = [
            (Period::Month { year: 2025, month: 7 }, "202507"),
            (Period::Month { year: 2025, month: 12 }, "202512"),
            (Period::Quarter { year: 2025, quarter: 3 }, "2025Q3"),
            (Period::HalfYear { year: 2025, half: 1 }, "2025S1"),
            (Period::HalfYear { year: 2025, half: 2 }, "2025S2"),
            (Period::Year { year: 2025 }, "2025"),
        ];
        for (p, d) in cases {
            assert_eq!(to_dhis2(&p).as_deref(), Ok(d));
            assert_eq!(from_dhis2(d), Ok(p));
        }
    }

    #[test]
    fn periods_without_a_dhis2_type_and_bad_identifiers_are_refused() {
        assert!(to_dhis2(&Period::NineMonths { year: 2025 }).unwrap_err().contains("không có kiểu kỳ"));
        for bad in ["", "25", "202513", "202500", "2025Q5", "2025Q0", "2025S3", "2025W1", "2025-07", "abcd", "2025Q", "20250", "2025071"] {
            assert!(from_dhis2(bad).unwrap_err().contains("không hợp lệ"), "{bad}");
        }
    }
}
