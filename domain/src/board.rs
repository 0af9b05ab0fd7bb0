//! The provincial office's completion board (Tình hình báo cáo): what was
//! expected of whom for a period, each expected report's status in words,
//! and the counts and rates of DHIS2's reporting-rate and timeliness
//! figures. Pure: the service feeds it rows, the pages and the workbook show
//! what it returns.

use crate::period::{Frequency, Period, last_day_of_month};
use crate::report::ReportStatus;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A published version of a regime and the day it takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionEffect {
    pub id: i32,
    pub version: i32,
    pub effective_from: NaiveDate,
}

/// The last day a period is about: the end of its last calendar month (a
/// one-off period: its own last day). The data cut-off (Decree 09's 14th)
/// is not used here because it depends on the version being chosen.
pub fn period_end(p: &Period) -> NaiveDate {
    match *p {
        Period::OneOff { end, .. } => end,
        _ => {
            let (y, m) = p.last_month();
            last_day_of_month(y, m)
        }
    }
}

/// The version in force for a period: of the versions that have taken
/// effect by the period's last day ([`period_end`]), the one published last
/// (highest number). So a version published today governs the current
/// period and later ones, and a period that ended before it keeps the
/// version (and so the units) it had then. `None` when no version had taken
/// effect: nothing was expected.
pub fn version_in_force<'a>(versions: &'a [VersionEffect], p: &Period) -> Option<&'a VersionEffect> {
    let end = period_end(p);
    versions.iter().filter(|v| v.effective_from <= end).max_by_key(|v| v.version)
}

/// The period of a frequency that ends in a calendar month, if any: the
/// board of "tháng 12/2025" shows December's monthly reports, the fourth
/// quarter, the second half-year and the year. One-off reports have no
/// calendar of their own and are not on the board.
pub fn period_ending_in(freq: Frequency, year: i32, month: u32) -> Option<Period> {
    match (freq, month) {
        (_, m) if !(1..=12).contains(&m) => None,
        (Frequency::Monthly, m) => Some(Period::Month { year, month: m }),
        (Frequency::Quarterly, m) if m % 3 == 0 => Some(Period::Quarter { year, quarter: m / 3 }),
        (Frequency::HalfYear, 6) => Some(Period::HalfYear { year, half: 1 }),
        (Frequency::HalfYear, 12) => Some(Period::HalfYear { year, half: 2 }),
        (Frequency::NineMonths, 9) => Some(Period::NineMonths { year }),
        (Frequency::Annual, 12) => Some(Period::Year { year }),
        _ => None,
    }
}

/// The `n` periods of a frequency ending in `(year, month)` or before, oldest first.
pub fn recent_periods(freq: Frequency, year: i32, month: u32, n: usize) -> Vec<Period> {
    let mut out = Vec::new();
    let (mut y, mut m) = (year, month);
    // At most 12 years back: an annual regime's 12 periods.
    for _ in 0..(12 * 12) {
        if out.len() == n {
            break;
        }
        if let Some(p) = period_ending_in(freq, y, m) {
            out.push(p);
        }
        (y, m) = crate::period::add_months(y, m, -1);
    }
    out.reverse();
    out
}

/// The `n` months ending with `(year, month)`, oldest first.
pub fn recent_months(year: i32, month: u32, n: usize) -> Vec<(i32, u32)> {
    (0..n as i32).rev().map(|back| crate::period::add_months(year, month, -back)).collect()
}

/// An expected report's state as the board shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CellStatus {
    /// No report yet, deadline not passed.
    NotStarted,
    /// A draft, deadline not passed.
    Drafting,
    /// With the unit leader, deadline not passed.
    AwaitingApproval,
    SentOnTime,
    SentLate,
    /// Returned by the office (or reopened): with the unit to fix and send again.
    Returned,
    Accepted,
    /// Deadline passed and nothing sent (not started, a draft, or with the leader).
    OverdueMissing,
}

impl CellStatus {
    pub const ALL: [CellStatus; 8] = [
        CellStatus::NotStarted,
        CellStatus::Drafting,
        CellStatus::AwaitingApproval,
        CellStatus::SentOnTime,
        CellStatus::SentLate,
        CellStatus::Returned,
        CellStatus::Accepted,
        CellStatus::OverdueMissing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CellStatus::NotStarted => "Chưa lập",
            CellStatus::Drafting => "Đang nhập",
            CellStatus::AwaitingApproval => "Chờ lãnh đạo duyệt",
            CellStatus::SentOnTime => "Đã gửi đúng hạn",
            CellStatus::SentLate => "Gửi muộn",
            CellStatus::Returned => "Bị trả lại",
            CellStatus::Accepted => "Đã tiếp nhận",
            CellStatus::OverdueMissing => "Quá hạn chưa gửi",
        }
    }

    /// Stable code for URLs, CSS classes and the API.
    pub fn code(self) -> &'static str {
        match self {
            CellStatus::NotStarted => "chua_lap",
            CellStatus::Drafting => "dang_nhap",
            CellStatus::AwaitingApproval => "cho_duyet",
            CellStatus::SentOnTime => "dung_han",
            CellStatus::SentLate => "gui_muon",
            CellStatus::Returned => "tra_lai",
            CellStatus::Accepted => "tiep_nhan",
            CellStatus::OverdueMissing => "qua_han",
        }
    }

    pub fn from_code(c: &str) -> Option<CellStatus> {
        CellStatus::ALL.into_iter().find(|s| s.code() == c)
    }
}

/// What the board knows of a started report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportFacts {
    pub status: ReportStatus,
    /// Set when the report was (last) sent.
    pub on_time: Option<bool>,
    /// The day (Vietnamese time) it was last sent.
    pub sent_on: Option<NaiveDate>,
}

/// One expected report on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub status: CellStatus,
    /// Days past the deadline: when sent (for a late report) or today (for
    /// one still missing or returned after its deadline). `None`: not late.
    pub days_late: Option<i64>,
    /// Delivered on time (sent or accepted), for the timeliness count.
    pub on_time: bool,
}

/// The cell of an expected report: its status in words and how late it is.
pub fn cell(report: Option<ReportFacts>, deadline: NaiveDate, today: NaiveDate) -> Cell {
    let past = today > deadline;
    let late_today = past.then(|| (today - deadline).num_days());
    let late_when_sent = |f: &ReportFacts| f.sent_on.map(|d| (d - deadline).num_days()).filter(|d| *d > 0);
    let Some(f) = report else {
        let status = if past { CellStatus::OverdueMissing } else { CellStatus::NotStarted };
        return Cell { status, days_late: late_today, on_time: false };
    };
    match f.status {
        ReportStatus::Sent | ReportStatus::Accepted => {
            // The flag stored at sending is the authority; a missing one (data
            // from before it existed) is read from the day it was sent.
            let on_time = f.on_time.unwrap_or_else(|| f.sent_on.is_some_and(|d| d <= deadline));
            let status = match (f.status, on_time) {
                (ReportStatus::Accepted, _) => CellStatus::Accepted,
                (_, true) => CellStatus::SentOnTime,
                (_, false) => CellStatus::SentLate,
            };
            let days_late = if on_time { None } else { late_when_sent(&f).or(Some(1)) };
            Cell { status, days_late, on_time }
        }
        ReportStatus::Returned => Cell { status: CellStatus::Returned, days_late: late_today, on_time: false },
        ReportStatus::Draft | ReportStatus::AwaitingApproval if past => {
            Cell { status: CellStatus::OverdueMissing, days_late: late_today, on_time: false }
        }
        ReportStatus::Draft => Cell { status: CellStatus::Drafting, days_late: None, on_time: false },
        ReportStatus::AwaitingApproval => Cell { status: CellStatus::AwaitingApproval, days_late: None, on_time: false },
    }
}

/// A rate in tenths of a percent (875 = 87,5 %), rounded half up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rate(pub u32);

impl Rate {
    pub fn of(part: u32, whole: u32) -> Option<Rate> {
        (whole > 0).then(|| Rate(((u64::from(part) * 2000 + u64::from(whole)) / (2 * u64::from(whole))) as u32))
    }

    /// "87,5%", "100%".
    pub fn format(self) -> String {
        if self.0.is_multiple_of(10) { format!("{}%", self.0 / 10) } else { format!("{},{}%", self.0 / 10, self.0 % 10) }
    }

    /// As a fraction of one (for charts and spreadsheets).
    pub fn fraction(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

/// "87,5%", or "—" when nothing was expected.
pub fn format_rate(r: Option<Rate>) -> String {
    r.map(Rate::format).unwrap_or_else(|| "—".into())
}

/// Counts of a row, a column or the whole board (DHIS2: expected reports,
/// actual reports, reports on time; plus what the office adds: late,
/// missing, accepted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub expected: u32,
    /// Delivered: sent or accepted.
    pub sent: u32,
    pub on_time: u32,
    pub late: u32,
    /// Expected and not delivered (including returned reports).
    pub missing: u32,
    pub accepted: u32,
    /// Missing and past the deadline (overdue or returned late).
    pub overdue: u32,
}

impl Tally {
    pub fn add(&mut self, c: &Cell) {
        self.expected += 1;
        match c.status {
            CellStatus::SentOnTime | CellStatus::SentLate | CellStatus::Accepted => {
                self.sent += 1;
                if c.on_time {
                    self.on_time += 1;
                } else {
                    self.late += 1;
                }
                if c.status == CellStatus::Accepted {
                    self.accepted += 1;
                }
            }
            _ => {
                self.missing += 1;
                if c.days_late.is_some() {
                    self.overdue += 1;
                }
            }
        }
    }

    pub fn merge(&mut self, o: &Tally) {
        self.expected += o.expected;
        self.sent += o.sent;
        self.on_time += o.on_time;
        self.late += o.late;
        self.missing += o.missing;
        self.accepted += o.accepted;
        self.overdue += o.overdue;
    }

    /// Reporting rate: delivered / expected.
    pub fn completion(&self) -> Option<Rate> {
        Rate::of(self.sent, self.expected)
    }

    /// Reporting rate on time: delivered on time / expected.
    pub fn timeliness(&self) -> Option<Rate> {
        Rate::of(self.on_time, self.expected)
    }

    pub fn acceptance(&self) -> Option<Rate> {
        Rate::of(self.accepted, self.expected)
    }
}

/// The (year, month) of a day: the board's default month is today's.
pub fn month_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::date;
    use CellStatus::*;

    fn v(id: i32, version: i32, from: NaiveDate) -> VersionEffect {
        VersionEffect { id, version, effective_from: from }
    }

    #[test]
    fn the_version_in_force_is_the_last_published_that_took_effect_by_the_period_end() {
        let vs = [v(1, 1, date(2024, 1, 1)), v(2, 2, date(2025, 7, 10)), v(3, 3, date(2026, 1, 1))];
        let month = |y, m| Period::Month { year: y, month: m };
        assert_eq!(version_in_force(&vs, &month(2025, 6)).map(|v| v.id), Some(1));
        // Effective mid-month: governs that month (it ends after the 10th).
        assert_eq!(version_in_force(&vs, &month(2025, 7)).map(|v| v.id), Some(2));
        assert_eq!(version_in_force(&vs, &month(2025, 12)).map(|v| v.id), Some(2));
        assert_eq!(version_in_force(&vs, &month(2026, 1)).map(|v| v.id), Some(3));
        assert_eq!(version_in_force(&vs, &month(2023, 12)), None, "nothing in force yet: nothing expected");
        // A quarter ends on its last month's last day.
        assert_eq!(version_in_force(&vs, &Period::Quarter { year: 2025, quarter: 3 }).map(|v| v.id), Some(2));
        // Published later with an earlier date of effect: it supersedes the one not yet in force.
        let vs = [v(1, 1, date(2024, 1, 1)), v(2, 2, date(2026, 1, 1)), v(3, 3, date(2025, 12, 1))];
        assert_eq!(version_in_force(&vs, &month(2026, 2)).map(|v| v.id), Some(3));
        assert_eq!(version_in_force(&vs, &month(2025, 11)).map(|v| v.id), Some(1));
        assert_eq!(period_end(&Period::HalfYear { year: 2024, half: 1 }), date(2024, 6, 30));
        assert_eq!(period_end(&Period::Month { year: 2024, month: 2 }), date(2024, 2, 29));
    }

    #[test]
    fn each_frequency_ends_in_its_months() {
        assert_eq!(period_ending_in(Frequency::Quarterly, 2025, 9), Some(Period::Quarter { year: 2025, quarter: 3 }));
        assert_eq!(period_ending_in(Frequency::Quarterly, 2025, 8), None);
        assert_eq!(period_ending_in(Frequency::HalfYear, 2025, 12), Some(Period::HalfYear { year: 2025, half: 2 }));
        assert_eq!(period_ending_in(Frequency::NineMonths, 2025, 9), Some(Period::NineMonths { year: 2025 }));
        assert_eq!(period_ending_in(Frequency::Annual, 2025, 11), None);
        assert_eq!(period_ending_in(Frequency::OneOff, 2025, 12), None);
        assert_eq!(period_ending_in(Frequency::Monthly, 2025, 13), None);
        let q = recent_periods(Frequency::Quarterly, 2025, 8, 3);
        assert_eq!(q.iter().map(|p| p.key()).collect::<Vec<_>>(), ["2024-Q4", "2025-Q1", "2025-Q2"]);
        assert_eq!(recent_periods(Frequency::Monthly, 2025, 2, 12).first().map(|p| p.key()), Some("2024-03".into()));
        assert_eq!(recent_periods(Frequency::Annual, 2025, 12, 12).len(), 12);
        assert_eq!(recent_months(2025, 2, 3), vec![(2024, 12), (2025, 1), (2025, 2)]);
    }

    fn facts(status: ReportStatus, on_time: Option<bool>, sent_on: Option<NaiveDate>) -> Option<ReportFacts> {
        Some(ReportFacts { status, on_time, sent_on })
    }

    #[test]
    fn every_status_in_words_with_days_late() {
        let deadline = date(2025, 9, 22);
        let before = date(2025, 9, 20);
        let after = date(2025, 9, 25);
        assert_eq!(cell(None, deadline, before), Cell { status: NotStarted, days_late: None, on_time: false });
        assert_eq!(cell(None, deadline, deadline).status, NotStarted, "the deadline day itself is not late");
        assert_eq!(cell(None, deadline, after), Cell { status: OverdueMissing, days_late: Some(3), on_time: false });
        assert_eq!(cell(facts(ReportStatus::Draft, None, None), deadline, before).status, Drafting);
        assert_eq!(cell(facts(ReportStatus::Draft, None, None), deadline, after).status, OverdueMissing);
        assert_eq!(cell(facts(ReportStatus::AwaitingApproval, None, None), deadline, before).status, AwaitingApproval);
        assert_eq!(cell(facts(ReportStatus::AwaitingApproval, None, None), deadline, after).days_late, Some(3));
        let on_time = cell(facts(ReportStatus::Sent, Some(true), Some(deadline)), deadline, after);
        assert_eq!(on_time, Cell { status: SentOnTime, days_late: None, on_time: true });
        let late = cell(facts(ReportStatus::Sent, Some(false), Some(date(2025, 9, 24))), deadline, after);
        assert_eq!(late, Cell { status: SentLate, days_late: Some(2), on_time: false });
        let accepted_late = cell(facts(ReportStatus::Accepted, Some(false), Some(date(2025, 9, 23))), deadline, after);
        assert_eq!(accepted_late, Cell { status: Accepted, days_late: Some(1), on_time: false });
        assert_eq!(cell(facts(ReportStatus::Returned, Some(true), Some(before)), deadline, after).days_late, Some(3));
        assert_eq!(cell(facts(ReportStatus::Returned, None, None), deadline, before).status, Returned);
        // No stored flag: read from the day it was sent.
        assert!(cell(facts(ReportStatus::Sent, None, Some(deadline)), deadline, after).on_time);
        for s in CellStatus::ALL {
            assert_eq!(CellStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn counts_and_rates() {
        let deadline = date(2025, 9, 22);
        let today = date(2025, 9, 25);
        let cells = [
            cell(None, deadline, today),
            cell(facts(ReportStatus::Draft, None, None), deadline, today),
            cell(facts(ReportStatus::Sent, Some(true), Some(deadline)), deadline, today),
            cell(facts(ReportStatus::Sent, Some(false), Some(today)), deadline, today),
            cell(facts(ReportStatus::Accepted, Some(true), Some(deadline)), deadline, today),
            cell(facts(ReportStatus::Accepted, Some(false), Some(today)), deadline, today),
            cell(facts(ReportStatus::Returned, Some(true), Some(deadline)), deadline, today),
            cell(facts(ReportStatus::Draft, None, None), deadline, date(2025, 9, 1)),
        ];
        let mut t = Tally::default();
        cells.iter().for_each(|c| t.add(c));
        assert_eq!(t, Tally { expected: 8, sent: 4, on_time: 2, late: 2, missing: 4, accepted: 2, overdue: 3 });
        assert_eq!(t.completion().map(Rate::format).as_deref(), Some("50%"));
        assert_eq!(t.timeliness().map(Rate::format).as_deref(), Some("25%"));
        let mut sum = Tally::default();
        sum.merge(&t);
        sum.merge(&t);
        assert_eq!(sum.expected, 16);
        assert_eq!(Rate::of(7, 8).map(Rate::format).as_deref(), Some("87,5%"));
        assert_eq!(Rate::of(2, 3).map(Rate::format).as_deref(), Some("66,7%"));
        assert_eq!(Rate::of(1, 0), None);
        assert_eq!(format_rate(None), "—");
        assert_eq!(Rate::of(1, 3).map(|r| r.0), Some(333));
    }
}
