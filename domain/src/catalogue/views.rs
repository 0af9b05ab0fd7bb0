//! Catalogue entries as lists and pages show them: plain data for the
//! browser, no checks.

use super::forms::IndicatorFields;
use crate::indicator::BreakdownPart;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An indicator as lists and pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub id: i32,
    pub fields: IndicatorFields,
    pub owner_unit_name: Option<String>,
    pub active: bool,
    /// On a published regime version: type and breakdown can no longer change.
    pub in_use: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownView {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub parts: Vec<BreakdownPart>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeRow {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub frequency: crate::period::Frequency,
    pub current_version: i32,
    pub active: bool,
    /// The draft has changes not yet published.
    pub unpublished_changes: bool,
    pub rule_count: usize,
    pub row_count: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRow {
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<String>,
}

/// What the preview of a regime's form needs: the document, the specs of
/// its rows, and a sample period to show the calendar on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewData {
    pub regime_id: i32,
    pub doc: crate::regime::RegimeDoc,
    pub specs: Vec<crate::indicator::IndicatorSpec>,
    /// `None` for the draft.
    pub version: Option<i32>,
    pub sample_period: String,
    pub window: String,
    pub deadline: String,
    pub receiving_unit: String,
}

/// One unit's yearly plan for an indicator, as the plan page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLine {
    pub unit_code: String,
    pub unit_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    /// Shown the Vietnamese way at the indicator's scale.
    pub value: String,
}

/// A regime's plans for a year, with what the form to add one offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPage {
    pub regime_id: i32,
    pub regime_code: String,
    pub regime_name: String,
    pub year: i32,
    pub plans: Vec<PlanLine>,
    /// (code, name) of the regime's numeric rows.
    pub indicators: Vec<(String, String)>,
    /// (code, name) of the units the regime binds.
    pub units: Vec<(String, String)>,
}

/// A regime's page: its draft and its published versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeDetail {
    pub id: i32,
    pub active: bool,
    pub draft: crate::regime::RegimeDoc,
    pub current_version: i32,
    pub versions: Vec<VersionRow>,
    pub unpublished_changes: bool,
}

/// The answer of the "try this rule" box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TryResult {
    pub parse_error: Option<crate::rules::ParseError>,
    pub problems: Vec<String>,
    /// The outcome under each missing-value strategy.
    pub outcomes: Vec<(crate::rules::MissingStrategy, crate::rules::Outcome)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRow {
    pub day: NaiveDate,
    pub name: String,
    /// A weekend day worked in exchange for a day off (ngày làm bù), not a day off.
    #[serde(default)]
    pub make_up: bool,
}
