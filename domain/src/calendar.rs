//! Deadlines and entry windows. Decree 09 art. 13 puts reports to the
//! Government no later than the 25th of the period's last month; the province
//! sets earlier internal deadlines per regime (default: the 20th). A deadline
//! that falls on a weekend or public holiday ends on the next working day
//! (Bộ luật Dân sự 2015, Điều 148 khoản 5), however the regime counts.

use crate::period::{Frequency, Period, WindowStyle, date, last_day_of_month};
use crate::validation::FieldErrors;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineRule {
    /// N days after the data cut-off (working days if the schedule says so).
    DaysAfterCutoff(u32),
    /// A fixed day of the period's last month (clamped to the month's length).
    DayOfLastMonth(u32),
}

impl DeadlineRule {
    pub fn describe(&self, working_days: bool) -> String {
        const ROLL: &str = " (trùng ngày nghỉ thì lùi sang ngày làm việc kế tiếp)";
        match self {
            DeadlineRule::DaysAfterCutoff(n) if working_days => format!("{n} ngày làm việc sau ngày chốt số liệu"),
            DeadlineRule::DaysAfterCutoff(n) => format!("{n} ngày sau ngày chốt số liệu{ROLL}"),
            DeadlineRule::DayOfLastMonth(d) => format!("Ngày {d} của tháng cuối kỳ{ROLL}"),
        }
    }
}

pub const DEFAULT_DEADLINE_DAY: u32 = 20;
/// The Government's own limit (Decree 09 art. 13).
pub const GOVERNMENT_DEADLINE_DAY: u32 = 25;

/// The holiday calendar, as the administrator keeps it: public holidays
/// (days off) and make-up working days (ngày làm bù: a Saturday or Sunday
/// worked in exchange for a bridged day off, e.g. Saturday 26/04/2025 for
/// Friday 02/05/2025). Other Saturdays and Sundays are days off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Holidays {
    pub days_off: BTreeSet<NaiveDate>,
    pub make_up_days: BTreeSet<NaiveDate>,
}

/// Reads the current shape and the one before make-up days existed: a bare list of days off.
impl<'de> Deserialize<'de> for Holidays {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            DaysOffOnly(BTreeSet<NaiveDate>),
            Full {
                #[serde(default)]
                days_off: BTreeSet<NaiveDate>,
                #[serde(default)]
                make_up_days: BTreeSet<NaiveDate>,
            },
        }
        Ok(match Shape::deserialize(d)? {
            Shape::DaysOffOnly(days_off) => Holidays { days_off, make_up_days: BTreeSet::new() },
            Shape::Full { days_off, make_up_days } => Holidays { days_off, make_up_days },
        })
    }
}

impl Holidays {
    /// A calendar of days off (public holidays and bridged days).
    pub fn new(days_off: impl IntoIterator<Item = NaiveDate>) -> Self {
        Holidays { days_off: days_off.into_iter().collect(), make_up_days: BTreeSet::new() }
    }

    /// The same calendar with these weekend days worked (ngày làm bù).
    pub fn with_make_up_days(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.make_up_days.extend(days);
        self
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        // A day listed as both is a day off: a deadline then only moves later.
        if self.days_off.contains(&d) {
            return false;
        }
        self.make_up_days.contains(&d) || !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// `d` itself if it is a working day, else the next one.
    pub fn roll_forward(&self, mut d: NaiveDate) -> NaiveDate {
        // A year of consecutive holidays is impossible; the bound only guards the loop.
        for _ in 0..366 {
            if self.is_working_day(d) {
                break;
            }
            d += Duration::days(1);
        }
        d
    }

    /// The `n`-th working day after `d` (not counting `d`).
    pub fn add_working_days(&self, mut d: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        let mut guard = 0;
        while left > 0 && guard < 3660 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
            guard += 1;
        }
        d
    }
}

/// When a regime's reports are due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub frequency: Frequency,
    pub window: WindowStyle,
    pub deadline: DeadlineRule,
    /// Count `DaysAfterCutoff` in working days (weekends and holidays skipped).
    /// Either way a deadline on a day off moves to the next working day.
    pub working_days: bool,
    /// Days after the deadline during which late reports are still accepted.
    pub grace_days: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            frequency: Frequency::Monthly,
            window: WindowStyle::Decree09,
            deadline: DeadlineRule::DayOfLastMonth(DEFAULT_DEADLINE_DAY),
            working_days: false,
            grace_days: 10,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryWindow {
    /// The first day data may be entered: the start of the data window.
    pub opens: NaiveDate,
    pub cutoff_start: NaiveDate,
    pub cutoff_end: NaiveDate,
    pub deadline: NaiveDate,
    /// The last day a (late) report may still be sent.
    pub locks: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryState {
    NotOpen,
    Open,
    /// Past the deadline, still accepted (marked late).
    Overdue,
    Locked,
}

impl EntryState {
    pub fn label(self) -> &'static str {
        match self {
            EntryState::NotOpen => "Chưa mở",
            EntryState::Open => "Đang mở",
            EntryState::Overdue => "Quá hạn",
            EntryState::Locked => "Đã khóa",
        }
    }

    pub fn accepts_entry(self) -> bool {
        matches!(self, EntryState::Open | EntryState::Overdue)
    }
}

impl EntryWindow {
    /// The state on `today`; `exception_until` is a later lock date granted by
    /// the provincial office for one report.
    pub fn state(&self, today: NaiveDate, exception_until: Option<NaiveDate>) -> EntryState {
        let locks = exception_until.map_or(self.locks, |e| e.max(self.locks));
        if today < self.opens {
            EntryState::NotOpen
        } else if today <= self.deadline {
            EntryState::Open
        } else if today <= locks {
            EntryState::Overdue
        } else {
            EntryState::Locked
        }
    }

    /// Positive: days left until the deadline; negative: days late.
    pub fn days_to_deadline(&self, today: NaiveDate) -> i64 {
        (self.deadline - today).num_days()
    }

    pub fn is_on_time(&self, sent_on: NaiveDate) -> bool {
        sent_on <= self.deadline
    }
}

impl Schedule {
    pub fn deadline(&self, p: &Period, h: &Holidays) -> NaiveDate {
        let (_, cutoff_end) = p.window(self.window);
        let nominal = match self.deadline {
            DeadlineRule::DaysAfterCutoff(n) if self.working_days => h.add_working_days(cutoff_end, n),
            DeadlineRule::DaysAfterCutoff(n) => cutoff_end + Duration::days(i64::from(n)),
            DeadlineRule::DayOfLastMonth(day) => {
                let (y, m) = p.last_month();
                let last = last_day_of_month(y, m).day();
                date(y, m, day.clamp(1, last))
            }
        };
        // Civil Code 2015 art. 148(5): a time limit ending on a day off ends on the next working day.
        h.roll_forward(nominal)
    }

    pub fn entry_window(&self, p: &Period, h: &Holidays) -> EntryWindow {
        let (cutoff_start, cutoff_end) = p.window(self.window);
        let deadline = self.deadline(p, h);
        EntryWindow { opens: cutoff_start, cutoff_start, cutoff_end, deadline, locks: deadline + Duration::days(self.grace_days as i64) }
    }

    /// Periods whose entry window accepts data on `today` (open or overdue).
    pub fn open_periods(&self, today: NaiveDate, h: &Holidays) -> Vec<Period> {
        (today.year() - 1..=today.year() + 1)
            .flat_map(|y| Period::all_in_year(self.frequency, y))
            .filter(|p| self.entry_window(p, h).state(today, None).accepts_entry())
            .collect()
    }

    /// Checks the schedule makes sense for every period of a year: the deadline
    /// must come after the data cut-off.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        match self.deadline {
            DeadlineRule::DayOfLastMonth(d) if !(1..=31).contains(&d) => {
                e.add("deadline_day", "Ngày hạn gửi phải từ 1 đến 31.");
            }
            DeadlineRule::DaysAfterCutoff(n) if n > 120 => {
                e.add("deadline_days", "Số ngày sau ngày chốt số liệu không được quá 120.");
            }
            _ => {}
        }
        if self.grace_days > 366 {
            e.add("grace_days", "Số ngày gia hạn không được quá 366.");
        }
        if e.is_empty() {
            let h = Holidays::default();
            let sample = Period::all_in_year(self.frequency, 2025);
            if sample.iter().any(|p| self.deadline(p, &h) < p.window(self.window).1) {
                e.add(
                    "deadline_day",
                    "Hạn gửi rơi vào trước ngày chốt số liệu. Với kỳ theo lịch (đến ngày cuối tháng), hãy chọn hạn theo số ngày sau ngày chốt.",
                );
            }
        }
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        date(y, m, day)
    }

    fn tet_2025() -> Holidays {
        // Tết Ất Tỵ (28/1–2/2/2025 plus the bridged days), Reunification Day
        // and Labour Day 2025 with Friday 2/5 bridged against Saturday 26/4,
        // National Day 2025.
        Holidays::new(
            [(1, 1), (1, 27), (1, 28), (1, 29), (1, 30), (1, 31), (4, 7), (4, 30), (5, 1), (5, 2), (9, 1), (9, 2)]
                .into_iter()
                .map(|(m, day)| d(2025, m, day)),
        )
        .with_make_up_days([d(2025, 4, 26)])
    }

    fn sched(freq: Frequency, window: WindowStyle, deadline: DeadlineRule, working_days: bool) -> Schedule {
        Schedule { frequency: freq, window, deadline, working_days, grace_days: 10 }
    }

    fn s1(year: i32) -> Period {
        Period::HalfYear { year, half: 1 }
    }

    fn s2(year: i32) -> Period {
        Period::HalfYear { year, half: 2 }
    }

    #[test]
    fn deadlines_table() {
        use DeadlineRule::*;
        use Frequency::*;
        use WindowStyle::*;
        let h = tet_2025();
        let no_make_up = Holidays { make_up_days: Default::default(), ..tet_2025() };
        let month = |year, month| Period::Month { year, month };
        let cases: Vec<(Schedule, Period, NaiveDate)> = vec![
            // Default: the 20th of the last month (Wednesday 20/8/2025).
            (sched(Monthly, Decree09, DayOfLastMonth(20), false), month(2025, 8), d(2025, 8, 20)),
            // 20/7/2025 is a Sunday: Monday 21/7, whether or not the regime counts working days.
            (sched(Monthly, Decree09, DayOfLastMonth(20), true), month(2025, 7), d(2025, 7, 21)),
            (sched(Monthly, Decree09, DayOfLastMonth(20), false), month(2025, 7), d(2025, 7, 21)),
            // 30/4/2025 (holiday) → 1/5, 2/5 holidays → 3/5 Saturday → Monday 5/5.
            (sched(Monthly, Decree09, DayOfLastMonth(30), true), month(2025, 4), d(2025, 5, 5)),
            (sched(Monthly, Decree09, DayOfLastMonth(30), false), month(2025, 4), d(2025, 5, 5)),
            // Saturday 26/4/2025 is a make-up working day: the deadline stays.
            (sched(Monthly, Decree09, DayOfLastMonth(26), false), month(2025, 4), d(2025, 4, 26)),
            // Day 31 of a 30-day month clamps to the 30th; February in a leap year to the 29th.
            (sched(Monthly, Decree09, DayOfLastMonth(31), false), month(2025, 6), d(2025, 6, 30)),
            (sched(Monthly, Decree09, DayOfLastMonth(31), false), month(2024, 2), d(2024, 2, 29)),
            (sched(Monthly, Decree09, DayOfLastMonth(31), false), month(2025, 2), d(2025, 2, 28)),
            // Sunday 29/2/2032, a leap day, rolls into March.
            (sched(Monthly, Decree09, DayOfLastMonth(29), false), month(2032, 2), d(2032, 3, 1)),
            // Quarterly and longer periods: the day of the last month.
            (sched(Quarterly, Decree09, DayOfLastMonth(25), false), Period::Quarter { year: 2025, quarter: 3 }, d(2025, 9, 25)),
            (sched(HalfYear, Decree09, DayOfLastMonth(20), false), s1(2025), d(2025, 6, 20)),
            // Saturday 20/12/2025 → Monday 22/12 for the second half.
            (sched(HalfYear, Decree09, DayOfLastMonth(20), false), s2(2025), d(2025, 12, 22)),
            (sched(HalfYear, Calendar, DaysAfterCutoff(15), false), s2(2024), d(2025, 1, 15)),
            (sched(HalfYear, Calendar, DaysAfterCutoff(15), false), s1(2026), d(2026, 7, 15)),
            // Saturday 20/9/2025 → Monday 22/9.
            (sched(NineMonths, Decree09, DayOfLastMonth(20), false), Period::NineMonths { year: 2025 }, d(2025, 9, 22)),
            (sched(Annual, Decree09, DayOfLastMonth(20), true), Period::Year { year: 2025 }, d(2025, 12, 22)),
            // N days after cut-off, calendar days, across the year boundary: Saturday 10/1/2026 → Monday 12/1.
            (sched(Monthly, Calendar, DaysAfterCutoff(10), false), month(2025, 12), d(2026, 1, 12)),
            // 14/4/2025 + 16 calendar days = 30/4, a holiday → Monday 5/5.
            (sched(Monthly, Decree09, DaysAfterCutoff(16), false), month(2025, 4), d(2025, 5, 5)),
            // N working days after cut-off: 31/12/2024 + 5 working days skips 1/1 (holiday) and the weekend.
            (sched(Monthly, Calendar, DaysAfterCutoff(5), true), month(2024, 12), d(2025, 1, 8)),
            // Across Tết 2025: cut-off 14/1, 10 working days skip 27/1–31/1 and weekends.
            (sched(Monthly, Decree09, DaysAfterCutoff(10), true), month(2025, 1), d(2025, 2, 4)),
            // The make-up Saturday 26/4 counts as the 10th working day after 14/4.
            (sched(Monthly, Decree09, DaysAfterCutoff(10), true), month(2025, 4), d(2025, 4, 26)),
            // Zero days after a cut-off on a Saturday (14/6/2025) → Monday 16/6.
            (sched(Monthly, Decree09, DaysAfterCutoff(0), false), month(2025, 6), d(2025, 6, 16)),
            // Leap day inside a calendar window.
            (sched(Monthly, Calendar, DaysAfterCutoff(1), false), month(2024, 2), d(2024, 3, 1)),
        ];
        for (s, p, want) in cases {
            assert_eq!(s.deadline(&p, &h), want, "{p} {:?} {:?} working={}", s.window, s.deadline, s.working_days);
        }
        // Without the make-up day, the same two deadlines move to Monday 28/4.
        let april = month(2025, 4);
        assert_eq!(sched(Monthly, Decree09, DayOfLastMonth(26), false).deadline(&april, &no_make_up), d(2025, 4, 28));
        assert_eq!(sched(Monthly, Decree09, DaysAfterCutoff(10), true).deadline(&april, &no_make_up), d(2025, 4, 28));
    }

    #[test]
    fn working_days_honour_holidays_and_make_up_days() {
        let h = tet_2025();
        let cases = [
            (d(2025, 4, 25), true),  // Friday
            (d(2025, 4, 26), true),  // Saturday, worked in exchange for 2/5
            (d(2025, 4, 27), false), // Sunday
            (d(2025, 5, 2), false),  // Friday, bridged day off
            (d(2025, 9, 2), false),  // National Day
            (d(2025, 9, 3), true),
        ];
        for (day, want) in cases {
            assert_eq!(h.is_working_day(day), want, "{day}");
        }
        assert_eq!(h.roll_forward(d(2025, 4, 30)), d(2025, 5, 5));
        assert_eq!(h.add_working_days(d(2025, 4, 24), 2), d(2025, 4, 26));
        // A day listed both ways stays a day off.
        let both = Holidays::new([d(2025, 4, 26)]).with_make_up_days([d(2025, 4, 26)]);
        assert!(!both.is_working_day(d(2025, 4, 26)));
    }

    #[test]
    fn holidays_read_the_old_and_the_new_shape() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
        let old: SeqDeserializer<_, Error> = vec!["2025-04-30", "2025-05-01"].into_deserializer();
        assert_eq!(Holidays::deserialize(old).unwrap(), Holidays::new([d(2025, 4, 30), d(2025, 5, 1)]));
        let new: MapDeserializer<_, Error> =
            MapDeserializer::new(vec![("days_off", vec!["2025-05-02"]), ("make_up_days", vec!["2025-04-26"])].into_iter());
        assert_eq!(Holidays::deserialize(new).unwrap(), Holidays::new([d(2025, 5, 2)]).with_make_up_days([d(2025, 4, 26)]));
        let partial: MapDeserializer<_, Error> = MapDeserializer::new(vec![("days_off", vec!["2025-05-02"])].into_iter());
        assert_eq!(Holidays::deserialize(partial).unwrap(), Holidays::new([d(2025, 5, 2)]));
    }

    #[test]
    fn entry_window_states() {
        let s = sched(Frequency::Monthly, WindowStyle::Decree09, DeadlineRule::DayOfLastMonth(20), false);
        let w = s.entry_window(&Period::Month { year: 2025, month: 8 }, &Holidays::default());
        assert_eq!((w.opens, w.cutoff_end, w.deadline, w.locks), (d(2025, 7, 15), d(2025, 8, 14), d(2025, 8, 20), d(2025, 8, 30)));
        assert_eq!(w.state(d(2025, 7, 14), None), EntryState::NotOpen);
        assert_eq!(w.state(d(2025, 7, 15), None), EntryState::Open);
        assert_eq!(w.state(d(2025, 8, 20), None), EntryState::Open);
        assert_eq!(w.state(d(2025, 8, 21), None), EntryState::Overdue);
        assert_eq!(w.state(d(2025, 8, 30), None), EntryState::Overdue);
        assert_eq!(w.state(d(2025, 8, 31), None), EntryState::Locked);
        assert_eq!(w.state(d(2025, 9, 5), Some(d(2025, 9, 10))), EntryState::Overdue, "exception reopens");
        assert_eq!(w.state(d(2025, 9, 11), Some(d(2025, 9, 10))), EntryState::Locked);
        assert_eq!(w.state(d(2025, 8, 31), Some(d(2025, 8, 1))), EntryState::Locked, "an earlier exception never shortens");
        assert_eq!(w.days_to_deadline(d(2025, 8, 17)), 3);
        assert_eq!(w.days_to_deadline(d(2025, 8, 22)), -2);
        assert!(w.is_on_time(d(2025, 8, 20)));
        assert!(!w.is_on_time(d(2025, 8, 21)));
        // July's 20th is a Sunday: the clerk has until Monday 21/7.
        let july = s.entry_window(&Period::Month { year: 2025, month: 7 }, &Holidays::default());
        assert_eq!(july.deadline, d(2025, 7, 21));
        assert!(july.is_on_time(d(2025, 7, 21)));
    }

    #[test]
    fn open_periods_cross_year_boundaries() {
        let s = sched(Frequency::Monthly, WindowStyle::Decree09, DeadlineRule::DayOfLastMonth(20), false);
        let h = Holidays::default();
        let open: Vec<String> = s.open_periods(d(2025, 1, 3), &h).iter().map(|p| p.key()).collect();
        // December 2024 is overdue until 30/12... and closed by 3/1; January 2025 opened 15/12.
        assert_eq!(open, vec!["2025-01"]);
        let open: Vec<String> = s.open_periods(d(2025, 1, 18), &h).iter().map(|p| p.key()).collect();
        assert_eq!(open, vec!["2025-01", "2025-02"]);
        let annual = sched(Frequency::Annual, WindowStyle::Decree09, DeadlineRule::DayOfLastMonth(20), false);
        let open: Vec<String> = annual.open_periods(d(2025, 12, 25), &h).iter().map(|p| p.key()).collect();
        assert_eq!(open, vec!["2025", "2026"]);
        let halves = sched(Frequency::HalfYear, WindowStyle::Decree09, DeadlineRule::DayOfLastMonth(20), false);
        let open: Vec<String> = halves.open_periods(d(2025, 12, 18), &h).iter().map(|p| p.key()).collect();
        assert_eq!(open, vec!["2025-S2", "2026-S1"]);
        // The first half's deadline (Friday 20/6) plus 10 days of grace ended on 30/6.
        let open: Vec<String> = halves.open_periods(d(2025, 7, 1), &h).iter().map(|p| p.key()).collect();
        assert_eq!(open, vec!["2025-S2"]);
    }

    #[test]
    fn validation_catches_deadlines_before_cutoff() {
        let bad = sched(Frequency::Monthly, WindowStyle::Calendar, DeadlineRule::DayOfLastMonth(20), false);
        assert!(bad.validate().unwrap_err().for_field("deadline_day").unwrap().contains("trước ngày chốt"));
        let ok = sched(Frequency::Monthly, WindowStyle::Calendar, DeadlineRule::DaysAfterCutoff(10), true);
        assert!(ok.validate().is_ok());
        assert!(sched(Frequency::Monthly, WindowStyle::Decree09, DeadlineRule::DayOfLastMonth(0), false).validate().is_err());
        assert!(Schedule::default().validate().is_ok());
    }

    #[test]
    fn describes_rules_in_vietnamese() {
        assert_eq!(DeadlineRule::DaysAfterCutoff(5).describe(true), "5 ngày làm việc sau ngày chốt số liệu");
        assert_eq!(
            DeadlineRule::DaysAfterCutoff(5).describe(false),
            "5 ngày sau ngày chốt số liệu (trùng ngày nghỉ thì lùi sang ngày làm việc kế tiếp)"
        );
        assert_eq!(
            DeadlineRule::DayOfLastMonth(20).describe(false),
            "Ngày 20 của tháng cuối kỳ (trùng ngày nghỉ thì lùi sang ngày làm việc kế tiếp)"
        );
    }
}
