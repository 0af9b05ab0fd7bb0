//! What the provincial office's pages receive: the board, the inbox, the
//! overdue list, notifications. Plain data, no entities.

use crate::board::{Cell, Tally};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How the board's rows are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoardSort {
    /// Groups, then units in their official order.
    #[default]
    Unit,
    /// Most missing and most days late first.
    Lateness,
}

impl BoardSort {
    pub fn code(self) -> &'static str {
        match self {
            BoardSort::Unit => "don-vi",
            BoardSort::Lateness => "cham-nhat",
        }
    }

    pub fn from_code(c: &str) -> BoardSort {
        if c == "cham-nhat" { BoardSort::Lateness } else { BoardSort::Unit }
    }
}

/// The board's question: a month (every regime's period ending in it),
/// optionally narrowed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFilter {
    pub year: i32,
    pub month: u32,
    pub regime_id: Option<i32>,
    /// An indicator sector (lĩnh vực): regimes whose form has an indicator of it.
    pub sector: Option<String>,
    /// A unit group (its id).
    pub group_id: Option<i32>,
    /// Only one unit (its own record).
    pub unit_id: Option<i32>,
    pub sort: BoardSort,
}

/// One regime's column: its period ending in the month, and the column's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub regime_id: i32,
    pub regime_code: String,
    pub regime_name: String,
    pub period_key: String,
    pub period_label: String,
    pub deadline: NaiveDate,
    pub tally: Tally,
}

/// An expected report on the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardCell {
    pub cell: Cell,
    pub report_id: Option<i32>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub unit_id: i32,
    pub unit_code: String,
    pub unit_name: String,
    pub group_name: String,
    /// One per column; `None`: not expected of this unit.
    pub cells: Vec<Option<BoardCell>>,
    pub tally: Tally,
}

/// A choice in one of the board's filters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub filter: BoardFilter,
    /// "Tháng 12/2025".
    pub month_label: String,
    pub today: NaiveDate,
    pub columns: Vec<BoardColumn>,
    pub rows: Vec<BoardRow>,
    pub total: Tally,
    pub regimes: Vec<Choice>,
    pub sectors: Vec<Choice>,
    pub groups: Vec<Choice>,
}

/// One point of a trend: a period (or month) and its counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub label: String,
    pub tally: Tally,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendSeries {
    pub label: String,
    pub points: Vec<TrendPoint>,
}

/// Completion and on-time rates over recent periods: per regime (its own
/// periods) and per unit group (months).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    pub by_regime: Vec<TrendSeries>,
    pub by_group: Vec<TrendSeries>,
}

/// A sent report waiting for the office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    pub report_id: i32,
    pub unit_name: String,
    pub regime_code: String,
    pub regime_name: String,
    pub period_label: String,
    pub sent_at: DateTime<Utc>,
    pub on_time: bool,
    pub days_late: i64,
    /// Warnings the unit explained.
    pub explained: usize,
}

/// A unit with overdue reports and the people to call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueUnit {
    pub unit_id: i32,
    pub unit_name: String,
    pub reports: Vec<OverdueReport>,
    pub contacts: Vec<Contact>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueReport {
    pub regime_name: String,
    pub period_label: String,
    pub deadline: NaiveDate,
    pub days_late: i64,
    pub status_label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub full_name: String,
    pub role_label: String,
    pub email: String,
    pub phone: String,
}

/// Something the office did, as a unit's page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeActionView {
    pub at: DateTime<Utc>,
    pub who: String,
    pub what: String,
    pub report_id: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub kind_label: String,
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// What an acceptance of several reports did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub accepted: usize,
    /// Reports no longer waiting (accepted or returned meanwhile), by label.
    pub skipped: Vec<String>,
}

/// A unit's own record: its regimes × recent months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecord {
    pub unit_id: i32,
    pub unit_name: String,
    /// "Tháng 7/2025" … oldest first.
    pub months: Vec<String>,
    pub rows: Vec<UnitRecordRow>,
    pub total: Tally,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecordRow {
    pub regime_id: i32,
    pub regime_name: String,
    /// One per month: the regime's period ending in it (its label) if expected of the unit.
    pub cells: Vec<Option<(String, BoardCell)>>,
    pub tally: Tally,
}
