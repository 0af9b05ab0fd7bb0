//! Dates as Vietnamese readers write them (`dd/mm/yyyy`), and the province's
//! clock: Vietnam keeps UTC+7 all year, with no daylight saving.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

pub const VN_OFFSET_HOURS: i64 = 7;

pub fn format_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Reads `dd/mm/yyyy` (also `d/m/yyyy`) or ISO `yyyy-mm-dd` (as browsers send from date inputs).
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d")).ok()
}

pub fn to_vn_local(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc() + Duration::hours(VN_OFFSET_HOURS)
}

/// `27/11/2026 14:05`, in Vietnam time.
pub fn format_datetime(at: DateTime<Utc>) -> String {
    to_vn_local(at).format("%d/%m/%Y %H:%M").to_string()
}

/// The day it is in Vietnam at that instant.
pub fn vn_today(now: DateTime<Utc>) -> NaiveDate {
    to_vn_local(now).date()
}

/// "ngày 05 tháng 7 năm 2025", as in the place-and-date line of official
/// documents. Decree 30/2020/NĐ-CP (Phụ lục I) writes days below 10 and the
/// months 1 and 2 with a leading zero, and no other month: "tháng 01",
/// "tháng 02", but "tháng 3" … "tháng 12".
pub fn long_date(d: NaiveDate) -> String {
    let month = if d.month() <= 2 { format!("{:02}", d.month()) } else { d.month().to_string() };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_and_parses() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(format_date(d), "01/07/2025");
        assert_eq!(parse_date("01/07/2025"), Some(d));
        assert_eq!(parse_date("1/7/2025"), Some(d));
        assert_eq!(parse_date("2025-07-01"), Some(d));
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("hôm nay"), None);
    }

    #[test]
    fn decree_30_dates() {
        let cases = [
            ((2025, 7, 5), "ngày 05 tháng 7 năm 2025"),
            ((2025, 7, 1), "ngày 01 tháng 7 năm 2025"),
            ((2025, 1, 5), "ngày 05 tháng 01 năm 2025"),
            ((2026, 2, 15), "ngày 15 tháng 02 năm 2026"),
            ((2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
            ((2025, 3, 9), "ngày 09 tháng 3 năm 2025"),
            ((2025, 10, 10), "ngày 10 tháng 10 năm 2025"),
            ((2025, 11, 27), "ngày 27 tháng 11 năm 2025"),
            ((2025, 12, 30), "ngày 30 tháng 12 năm 2025"),
        ];
        for ((y, m, day), want) in cases {
            assert_eq!(long_date(NaiveDate::from_ymd_opt(y, m, day).unwrap()), want);
        }
    }

    #[test]
    fn vietnam_time_is_utc_plus_seven() {
        let at = Utc.with_ymd_and_hms(2025, 12, 31, 18, 30, 0).unwrap();
        assert_eq!(format_datetime(at), "01/01/2026 01:30");
        assert_eq!(vn_today(at), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    }
}
