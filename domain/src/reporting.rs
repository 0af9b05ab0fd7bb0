//! What the report pages and the API receive: plain data, no entities.

use crate::calendar::{EntryState, EntryWindow};
use crate::entry::References;
use crate::indicator::IndicatorSpec;
use crate::regime::RegimeDoc;
use crate::report::ReportStatus;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line of a unit's overview: a report due (or started) for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueReport {
    pub regime_id: i32,
    pub regime_code: String,
    pub regime_name: String,
    pub period_key: String,
    pub period_label: String,
    pub deadline: NaiveDate,
    /// Positive: days left; negative: days late.
    pub days_to_deadline: i64,
    pub state: EntryState,
    pub report_id: Option<i32>,
    pub status: Option<ReportStatus>,
    pub on_time: Option<bool>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl DueReport {
    /// "Còn 3 ngày", "Hôm nay là hạn cuối", "Quá hạn 2 ngày".
    pub fn deadline_note(&self) -> String {
        match self.days_to_deadline {
            d if d > 0 => format!("Còn {d} ngày"),
            0 => "Hôm nay là hạn cuối".into(),
            d => format!("Quá hạn {} ngày", -d),
        }
    }

    /// Late and not delivered: shown first.
    pub fn is_overdue(&self) -> bool {
        self.days_to_deadline < 0 && !self.status.is_some_and(|s| s.is_delivered())
    }
}

/// One report in a unit's archive (every period, any status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveRow {
    pub report_id: i32,
    pub regime_code: String,
    pub regime_name: String,
    pub period_key: String,
    pub period_label: String,
    pub status: ReportStatus,
    pub sent_at: Option<DateTime<Utc>>,
    pub on_time: Option<bool>,
    pub updated_at: DateTime<Utc>,
}

/// A unit's archive page: the reports, and what its filters offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archive {
    pub unit_id: i32,
    pub unit_name: String,
    pub reports: crate::views::Page<ArchiveRow>,
    /// (id, code, name) of the regimes the unit has reports under.
    pub regimes: Vec<(i32, String, String)>,
    /// Years the unit has reports for, newest first.
    pub years: Vec<i32>,
}

/// What the current user may do with a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    pub edit: bool,
    pub send: bool,
    pub approve: bool,
    pub review: bool,
    pub grant_exception: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportHeader {
    pub id: i32,
    pub regime_id: i32,
    pub regime_code: String,
    pub version: i32,
    pub unit_id: i32,
    pub unit_name: String,
    pub receiving_unit: String,
    pub period_key: String,
    pub period_label: String,
    pub window: EntryWindow,
    pub state: EntryState,
    pub days_to_deadline: i64,
    pub status: ReportStatus,
    pub row_version: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub on_time: Option<bool>,
    pub return_reason: Option<String>,
    pub exception_until: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<String>,
}

/// Everything the report page needs, including what the browser needs to run
/// the same checks as the server while the clerk types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportData {
    pub header: ReportHeader,
    pub doc: RegimeDoc,
    pub specs: Vec<IndicatorSpec>,
    /// This period's figures as text (Vietnamese notation), by cell key.
    pub values: HashMap<String, String>,
    pub comments: HashMap<String, String>,
    pub narrative: Vec<String>,
    pub explanations: HashMap<usize, String>,
    pub references: References,
    pub permissions: Permissions,
    /// Stored figures that depart strongly from the unit's own history.
    #[serde(default)]
    pub unusual: Vec<UnusualFigure>,
    /// Cells whose figure was copied from the previous period and is not
    /// yet confirmed, in the form's order.
    pub copied: Vec<String>,
    /// For a report with no figures yet that the user may fill: whether the
    /// previous period's figures can be copied, or why not.
    pub copy_offer: Option<crate::carry::CopyOffer>,
}

/// A stored figure of the report, unusual against the unit's own delivered
/// figures of the same indicator in earlier periods of the same kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusualFigure {
    /// The cell key (`CODE` or `CODE__part`), to link to its row.
    pub key: String,
    /// "YT02 – Số lượt khám bệnh (Nam)"
    pub label: String,
    /// The figure as the form shows it.
    pub value: String,
    pub message: String,
}

impl ReportData {
    pub fn spec_map(&self) -> HashMap<String, IndicatorSpec> {
        self.specs.iter().map(|s| (s.code.clone(), s.clone())).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub who: String,
    pub what: String,
}

/// What a save submitted: the text of every cell, comments, narrative, explanations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub values: HashMap<String, String>,
    pub comments: HashMap<String, String>,
    pub narrative: Vec<String>,
    pub explanations: HashMap<usize, String>,
    /// Copied figures this save confirms as they are.
    #[serde(default)]
    pub confirm: crate::carry::Confirm,
}

/// A submission kept after a failed save (browsers without JavaScript).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stash {
    pub submission: Submission,
    pub messages: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_notes() {
        let mut d = DueReport {
            regime_id: 1,
            regime_code: "X".into(),
            regime_name: "X".into(),
            period_key: "2025-07".into(),
            period_label: "Tháng 7/2025".into(),
            deadline: crate::period::date(2025, 7, 20),
            days_to_deadline: 3,
            state: EntryState::Open,
            report_id: None,
            status: None,
            on_time: None,
            sent_at: None,
        };
        assert_eq!(d.deadline_note(), "Còn 3 ngày");
        d.days_to_deadline = 0;
        assert_eq!(d.deadline_note(), "Hôm nay là hạn cuối");
        d.days_to_deadline = -2;
        assert_eq!(d.deadline_note(), "Quá hạn 2 ngày");
        assert!(d.is_overdue());
        d.status = Some(ReportStatus::Sent);
        assert!(!d.is_overdue());
    }
}
