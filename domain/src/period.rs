//! Reporting periods and the Decree 09/2019/NĐ-CP calendar: cut-off windows
//! (art. 12), Vietnamese labels and stable keys for files and the API.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYear,
    NineMonths,
    Annual,
    OneOff,
}

impl Frequency {
    pub const ALL: [Frequency; 6] =
        [Frequency::Monthly, Frequency::Quarterly, Frequency::HalfYear, Frequency::NineMonths, Frequency::Annual, Frequency::OneOff];

    pub fn code(self) -> &'static str {
        match self {
            Frequency::Monthly => "thang",
            Frequency::Quarterly => "quy",
            Frequency::HalfYear => "6thang",
            Frequency::NineMonths => "9thang",
            Frequency::Annual => "nam",
            Frequency::OneOff => "dot_xuat",
        }
    }

    pub fn from_code(c: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Monthly => "Hằng tháng",
            Frequency::Quarterly => "Hằng quý",
            Frequency::HalfYear => "6 tháng",
            Frequency::NineMonths => "9 tháng",
            Frequency::Annual => "Hằng năm",
            Frequency::OneOff => "Đột xuất",
        }
    }
}

/// How a period's data window is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WindowStyle {
    /// Decree 09 art. 12: from the 15th of the month before to the 14th.
    Decree09,
    /// Calendar periods, 1st to last day (statistical indicators).
    Calendar,
}

impl WindowStyle {
    pub fn code(self) -> &'static str {
        match self {
            WindowStyle::Decree09 => "nd09",
            WindowStyle::Calendar => "lich",
        }
    }

    pub fn from_code(c: &str) -> Option<WindowStyle> {
        [WindowStyle::Decree09, WindowStyle::Calendar].into_iter().find(|w| w.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            WindowStyle::Decree09 => "Theo Nghị định 09 (từ ngày 15 kỳ trước đến ngày 14)",
            WindowStyle::Calendar => "Theo lịch (từ ngày đầu đến ngày cuối kỳ)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Period {
    Month {
        year: i32,
        month: u32,
    },
    Quarter {
        year: i32,
        quarter: u32,
    },
    /// Six months: the first half (6 tháng đầu năm, `half` 1) or the second
    /// (6 tháng cuối năm, `half` 2). Periods stored before the second half
    /// existed have no `half` and are first halves.
    HalfYear {
        year: i32,
        #[serde(default = "first_half")]
        half: u32,
    },
    NineMonths {
        year: i32,
    },
    Year {
        year: i32,
    },
    /// A one-off report over dates of its own.
    OneOff {
        start: NaiveDate,
        end: NaiveDate,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodKeyError(pub String);

impl fmt::Display for PeriodKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mã kỳ báo cáo \"{}\" không hợp lệ (ví dụ hợp lệ: 2025-07, 2025-Q3, 2025-S1, 2025-S2, 2025-N9, 2025).", self.0)
    }
}

fn first_half() -> u32 {
    1
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub fn last_day_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    date(ny, nm, 1).pred_opt().unwrap_or(NaiveDate::MIN)
}

/// (year, month) moved by `delta` months.
pub fn add_months(y: i32, m: u32, delta: i32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + delta;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

/// The same day a year earlier; 29 February becomes 28 February.
pub fn year_earlier(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() - 1).unwrap_or_else(|| date(d.year() - 1, d.month(), 28))
}

fn roman(n: u32) -> &'static str {
    ["I", "II", "III", "IV"].get((n as usize).wrapping_sub(1)).copied().unwrap_or("?")
}

impl Period {
    pub fn frequency(&self) -> Frequency {
        match self {
            Period::Month { .. } => Frequency::Monthly,
            Period::Quarter { .. } => Frequency::Quarterly,
            Period::HalfYear { .. } => Frequency::HalfYear,
            Period::NineMonths { .. } => Frequency::NineMonths,
            Period::Year { .. } => Frequency::Annual,
            Period::OneOff { .. } => Frequency::OneOff,
        }
    }

    pub fn year(&self) -> i32 {
        match *self {
            Period::Month { year, .. }
            | Period::Quarter { year, .. }
            | Period::HalfYear { year, .. }
            | Period::NineMonths { year }
            | Period::Year { year } => year,
            Period::OneOff { end, .. } => end.year(),
        }
    }

    /// The period's place in its year, for roll-ups: the month (1–12), the
    /// quarter (1–4), the half (1–2); 1 for nine months and the year; 0 for
    /// a one-off report.
    pub fn ordinal(&self) -> u32 {
        match *self {
            Period::Month { month, .. } => month,
            Period::Quarter { quarter, .. } => quarter,
            Period::HalfYear { half, .. } => half,
            Period::NineMonths { .. } | Period::Year { .. } => 1,
            Period::OneOff { .. } => 0,
        }
    }

    /// Stable key for files, URLs and the API.
    pub fn key(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("{year}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::HalfYear { year, half } => format!("{year}-S{half}"),
            Period::NineMonths { year } => format!("{year}-N9"),
            Period::Year { year } => format!("{year}"),
            Period::OneOff { start, end } => format!("{}..{}", start.format("%Y-%m-%d"), end.format("%Y-%m-%d")),
        }
    }

    pub fn parse_key(key: &str) -> Result<Period, PeriodKeyError> {
        let err = || PeriodKeyError(key.to_string());
        let k = key.trim();
        if let Some((a, b)) = k.split_once("..") {
            let start = NaiveDate::parse_from_str(a, "%Y-%m-%d").map_err(|_| err())?;
            let end = NaiveDate::parse_from_str(b, "%Y-%m-%d").map_err(|_| err())?;
            return if start <= end { Ok(Period::OneOff { start, end }) } else { Err(err()) };
        }
        let (y, rest) = match k.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (k, None),
        };
        if y.len() != 4 || !y.chars().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        let year: i32 = y.parse().map_err(|_| err())?;
        if !(1900..=2200).contains(&year) {
            return Err(err());
        }
        match rest {
            None => Ok(Period::Year { year }),
            Some("S1") => Ok(Period::HalfYear { year, half: 1 }),
            Some("S2") => Ok(Period::HalfYear { year, half: 2 }),
            Some("N9") => Ok(Period::NineMonths { year }),
            Some(q) if q.len() == 2 && q.starts_with('Q') => match q[1..].parse::<u32>() {
                Ok(quarter @ 1..=4) => Ok(Period::Quarter { year, quarter }),
                _ => Err(err()),
            },
            Some(m) if m.len() == 2 && m.chars().all(|c| c.is_ascii_digit()) => match m.parse::<u32>() {
                Ok(month @ 1..=12) => Ok(Period::Month { year, month }),
                _ => Err(err()),
            },
            _ => Err(err()),
        }
    }

    /// "Tháng 7/2025", "Quý III/2025", "6 tháng đầu năm 2025", "6 tháng cuối năm 2025",
    /// "9 tháng năm 2025", "Năm 2025".
    pub fn label(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("Tháng {month}/{year}"),
            Period::Quarter { year, quarter } => format!("Quý {}/{year}", roman(quarter)),
            Period::HalfYear { year, half: 2 } => format!("6 tháng cuối năm {year}"),
            Period::HalfYear { year, .. } => format!("6 tháng đầu năm {year}"),
            Period::NineMonths { year } => format!("9 tháng năm {year}"),
            Period::Year { year } => format!("Năm {year}"),
            Period::OneOff { start, end } => format!("Đột xuất ({} – {})", crate::datefmt::format_date(start), crate::datefmt::format_date(end)),
        }
    }

    /// The calendar months the period is about: (first, last) as (year, month).
    pub fn months(&self) -> ((i32, u32), (i32, u32)) {
        match *self {
            Period::Month { year, month } => ((year, month), (year, month)),
            Period::Quarter { year, quarter } => ((year, quarter * 3 - 2), (year, quarter * 3)),
            Period::HalfYear { year, half: 2 } => ((year, 7), (year, 12)),
            Period::HalfYear { year, .. } => ((year, 1), (year, 6)),
            Period::NineMonths { year } => ((year, 1), (year, 9)),
            Period::Year { year } => ((year, 1), (year, 12)),
            Period::OneOff { start, end } => ((start.year(), start.month()), (end.year(), end.month())),
        }
    }

    /// The data window: Decree 09 art. 12 cut-off, or the calendar period.
    pub fn window(&self, style: WindowStyle) -> (NaiveDate, NaiveDate) {
        if let Period::OneOff { start, end } = *self {
            return (start, end);
        }
        let ((fy, fm), (ly, lm)) = self.months();
        match style {
            WindowStyle::Calendar => (date(fy, fm, 1), last_day_of_month(ly, lm)),
            WindowStyle::Decree09 => {
                // Multi-month reports that start in January run from 15/12 of
                // the previous year; a quarter from the 15th of the month before it.
                let (py, pm) = add_months(fy, fm, -1);
                (date(py, pm, 15), date(ly, lm, 14))
            }
        }
    }

    /// The period before this one, of the same kind (kỳ trước).
    pub fn previous(&self) -> Period {
        match *self {
            Period::Month { year, month } => {
                let (y, m) = add_months(year, month, -1);
                Period::Month { year: y, month: m }
            }
            Period::Quarter { year, quarter: 1 } => Period::Quarter { year: year - 1, quarter: 4 },
            Period::Quarter { year, quarter } => Period::Quarter { year, quarter: quarter - 1 },
            // The half just before, not the same half a year earlier.
            Period::HalfYear { year, half: 2 } => Period::HalfYear { year, half: 1 },
            Period::HalfYear { year, .. } => Period::HalfYear { year: year - 1, half: 2 },
            Period::NineMonths { year } => Period::NineMonths { year: year - 1 },
            Period::Year { year } => Period::Year { year: year - 1 },
            Period::OneOff { start, end } => {
                let len = end - start;
                let new_end = start.pred_opt().unwrap_or(start);
                Period::OneOff { start: new_end - len, end: new_end }
            }
        }
    }

    /// The same period a year earlier (cùng kỳ năm trước).
    pub fn same_period_last_year(&self) -> Period {
        match *self {
            Period::Month { year, month } => Period::Month { year: year - 1, month },
            Period::Quarter { year, quarter } => Period::Quarter { year: year - 1, quarter },
            Period::HalfYear { year, half } => Period::HalfYear { year: year - 1, half },
            Period::NineMonths { year } => Period::NineMonths { year: year - 1 },
            Period::Year { year } => Period::Year { year: year - 1 },
            Period::OneOff { start, end } => Period::OneOff { start: year_earlier(start), end: year_earlier(end) },
        }
    }

    /// The periods of the same kind from the start of the year up to this one
    /// (for "cumulative since the start of the year"): months, quarters, or
    /// both halves for the second half. Nine-month and annual periods already
    /// start in January, so it is the period alone.
    pub fn year_to_date(&self) -> Vec<Period> {
        match *self {
            Period::Month { year, month } => (1..=month).map(|m| Period::Month { year, month: m }).collect(),
            Period::Quarter { year, quarter } => (1..=quarter).map(|q| Period::Quarter { year, quarter: q }).collect(),
            Period::HalfYear { year, half } => (1..=half.clamp(1, 2)).map(|h| Period::HalfYear { year, half: h }).collect(),
            other => vec![other],
        }
    }

    /// Every period of a frequency in a year (none for one-off reports).
    pub fn all_in_year(freq: Frequency, year: i32) -> Vec<Period> {
        match freq {
            Frequency::Monthly => (1..=12).map(|month| Period::Month { year, month }).collect(),
            Frequency::Quarterly => (1..=4).map(|quarter| Period::Quarter { year, quarter }).collect(),
            Frequency::HalfYear => vec![Period::HalfYear { year, half: 1 }, Period::HalfYear { year, half: 2 }],
            Frequency::NineMonths => vec![Period::NineMonths { year }],
            Frequency::Annual => vec![Period::Year { year }],
            Frequency::OneOff => vec![],
        }
    }

    /// The last calendar month of the period (where a "day N" deadline falls).
    pub fn last_month(&self) -> (i32, u32) {
        self.months().1
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_labels() {
        let cases = [
            (Period::Month { year: 2025, month: 7 }, "2025-07", "Tháng 7/2025"),
            (Period::Quarter { year: 2025, quarter: 3 }, "2025-Q3", "Quý III/2025"),
            (Period::HalfYear { year: 2025, half: 1 }, "2025-S1", "6 tháng đầu năm 2025"),
            (Period::HalfYear { year: 2025, half: 2 }, "2025-S2", "6 tháng cuối năm 2025"),
            (Period::NineMonths { year: 2025 }, "2025-N9", "9 tháng năm 2025"),
            (Period::Year { year: 2025 }, "2025", "Năm 2025"),
            (Period::OneOff { start: date(2025, 7, 1), end: date(2025, 7, 20) }, "2025-07-01..2025-07-20", "Đột xuất (01/07/2025 – 20/07/2025)"),
        ];
        for (p, key, label) in cases {
            assert_eq!(p.key(), key);
            assert_eq!(p.label(), label);
            assert_eq!(Period::parse_key(key), Ok(p), "{key}");
        }
        for bad in ["2025-13", "2025-Q5", "2025-Q0", "25-07", "2025-S3", "2025-S0", "2025-S", "x", "2025-07-20..2025-07-01", "2025-7"] {
            assert!(Period::parse_key(bad).is_err(), "{bad}");
        }
        assert!(PeriodKeyError("x".into()).to_string().contains("2025-Q3"));
    }

    #[test]
    fn ordinals_place_a_period_in_its_year() {
        assert_eq!(Period::Month { year: 2025, month: 11 }.ordinal(), 11);
        assert_eq!(Period::Quarter { year: 2025, quarter: 3 }.ordinal(), 3);
        assert_eq!(Period::HalfYear { year: 2025, half: 2 }.ordinal(), 2);
        assert_eq!(Period::NineMonths { year: 2025 }.ordinal(), 1);
        assert_eq!(Period::Year { year: 2025 }.ordinal(), 1);
        assert_eq!(Period::OneOff { start: date(2025, 7, 1), end: date(2025, 7, 20) }.ordinal(), 0);
    }

    #[test]
    fn decree09_windows_table() {
        use WindowStyle::*;
        let cases = [
            (Period::Month { year: 2025, month: 7 }, Decree09, (2025, 6, 15), (2025, 7, 14)),
            (Period::Month { year: 2025, month: 1 }, Decree09, (2024, 12, 15), (2025, 1, 14)),
            (Period::Quarter { year: 2025, quarter: 1 }, Decree09, (2024, 12, 15), (2025, 3, 14)),
            (Period::Quarter { year: 2025, quarter: 3 }, Decree09, (2025, 6, 15), (2025, 9, 14)),
            (Period::HalfYear { year: 2025, half: 1 }, Decree09, (2024, 12, 15), (2025, 6, 14)),
            (Period::HalfYear { year: 2025, half: 2 }, Decree09, (2025, 6, 15), (2025, 12, 14)),
            (Period::HalfYear { year: 2024, half: 2 }, Decree09, (2024, 6, 15), (2024, 12, 14)),
            (Period::HalfYear { year: 2024, half: 1 }, Decree09, (2023, 12, 15), (2024, 6, 14)),
            (Period::NineMonths { year: 2025 }, Decree09, (2024, 12, 15), (2025, 9, 14)),
            (Period::Year { year: 2025 }, Decree09, (2024, 12, 15), (2025, 12, 14)),
            (Period::Month { year: 2024, month: 2 }, Calendar, (2024, 2, 1), (2024, 2, 29)),
            (Period::Month { year: 2025, month: 2 }, Calendar, (2025, 2, 1), (2025, 2, 28)),
            (Period::Month { year: 2025, month: 12 }, Calendar, (2025, 12, 1), (2025, 12, 31)),
            (Period::Quarter { year: 2025, quarter: 4 }, Calendar, (2025, 10, 1), (2025, 12, 31)),
            (Period::HalfYear { year: 2025, half: 1 }, Calendar, (2025, 1, 1), (2025, 6, 30)),
            (Period::HalfYear { year: 2025, half: 2 }, Calendar, (2025, 7, 1), (2025, 12, 31)),
            (Period::HalfYear { year: 2024, half: 1 }, Calendar, (2024, 1, 1), (2024, 6, 30)),
            (Period::NineMonths { year: 2025 }, Calendar, (2025, 1, 1), (2025, 9, 30)),
            (Period::Year { year: 2024 }, Calendar, (2024, 1, 1), (2024, 12, 31)),
        ];
        for (p, style, (ay, am, ad), (by, bm, bd)) in cases {
            assert_eq!(p.window(style), (date(ay, am, ad), date(by, bm, bd)), "{p} {style:?}");
        }
    }

    #[test]
    fn neighbours_and_year_to_date() {
        assert_eq!(Period::Month { year: 2025, month: 1 }.previous(), Period::Month { year: 2024, month: 12 });
        assert_eq!(Period::Quarter { year: 2025, quarter: 1 }.previous(), Period::Quarter { year: 2024, quarter: 4 });
        assert_eq!(Period::Year { year: 2025 }.previous(), Period::Year { year: 2024 });
        assert_eq!(Period::Quarter { year: 2025, quarter: 2 }.same_period_last_year(), Period::Quarter { year: 2024, quarter: 2 });
        assert_eq!(Period::Month { year: 2025, month: 3 }.year_to_date().len(), 3);
        assert_eq!(Period::NineMonths { year: 2025 }.year_to_date(), vec![Period::NineMonths { year: 2025 }]);
        assert_eq!(Period::all_in_year(Frequency::Monthly, 2025).len(), 12);
        assert!(Period::all_in_year(Frequency::OneOff, 2025).is_empty());
        let leap = Period::OneOff { start: date(2024, 2, 29), end: date(2024, 3, 10) };
        assert_eq!(leap.same_period_last_year().key(), "2023-02-28..2023-03-10");
    }

    #[test]
    fn half_years_table() {
        let h = |year, half| Period::HalfYear { year, half };
        // (period, previous, same period last year, year to date, months)
        let cases = [
            (h(2025, 1), h(2024, 2), h(2024, 1), vec![h(2025, 1)], ((2025, 1), (2025, 6))),
            (h(2025, 2), h(2025, 1), h(2024, 2), vec![h(2025, 1), h(2025, 2)], ((2025, 7), (2025, 12))),
            (h(2024, 2), h(2024, 1), h(2023, 2), vec![h(2024, 1), h(2024, 2)], ((2024, 7), (2024, 12))),
            (h(2000, 1), h(1999, 2), h(1999, 1), vec![h(2000, 1)], ((2000, 1), (2000, 6))),
        ];
        for (p, prev, last_year, ytd, months) in cases {
            assert_eq!(p.previous(), prev, "{p}");
            assert_eq!(p.same_period_last_year(), last_year, "{p}");
            assert_eq!(p.year_to_date(), ytd, "{p}");
            assert_eq!(p.months(), months, "{p}");
            assert_eq!(p.frequency(), Frequency::HalfYear);
            assert_eq!(Period::parse_key(&p.key()), Ok(p));
        }
        assert_eq!(Period::all_in_year(Frequency::HalfYear, 2025), vec![h(2025, 1), h(2025, 2)]);
        assert_eq!(h(2025, 2).last_month(), (2025, 12));
        assert!(h(2025, 1) < h(2025, 2) && h(2025, 2) < h(2026, 1));
    }

    #[test]
    fn stored_half_years_without_a_half_are_first_halves() {
        use serde::de::value::{Error, MapAccessDeserializer, MapDeserializer};
        let inner: std::collections::HashMap<&str, i32> = [("year", 2025)].into_iter().collect();
        let old = MapAccessDeserializer::new(MapDeserializer::<_, Error>::new(vec![("HalfYear", inner)].into_iter()));
        assert_eq!(Period::deserialize(old).unwrap(), Period::HalfYear { year: 2025, half: 1 });
        let inner: std::collections::HashMap<&str, i32> = [("year", 2025), ("half", 2)].into_iter().collect();
        let new = MapAccessDeserializer::new(MapDeserializer::<_, Error>::new(vec![("HalfYear", inner)].into_iter()));
        assert_eq!(Period::deserialize(new).unwrap(), Period::HalfYear { year: 2025, half: 2 });
    }

    #[test]
    fn month_arithmetic() {
        assert_eq!(add_months(2025, 1, -1), (2024, 12));
        assert_eq!(add_months(2025, 12, 1), (2026, 1));
        assert_eq!(add_months(2025, 6, -18), (2023, 12));
        assert_eq!(last_day_of_month(2100, 2), date(2100, 2, 28));
        assert_eq!(last_day_of_month(2000, 2), date(2000, 2, 29));
    }

    #[test]
    fn frequency_codes_round_trip() {
        for f in Frequency::ALL {
            assert_eq!(Frequency::from_code(f.code()), Some(f));
        }
        assert_eq!(WindowStyle::from_code("lich"), Some(WindowStyle::Calendar));
    }
}
