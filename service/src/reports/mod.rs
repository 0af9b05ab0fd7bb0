//! Filling, sending and reviewing reports. Every function checks who is
//! asking against the report's unit, by report id, and does its work in one
//! transaction.
//!
//! - [`overview`]: a unit's reports due for open periods; starting one.
//! - [`entry`]: the report page's data; saving figures, saving and sending.
//! - [`review`]: sending, approval, acceptance, return, exceptions.
//! - [`history`]: what happened to a report, newest first.

pub mod copy;
pub mod entry;
pub mod generator;
pub mod history;
pub mod overview;
pub mod print;
pub mod review;
pub mod review_notes;
pub mod stash;
pub mod store;
pub mod unusual;

pub use copy::{Copied, copy_previous};
pub use entry::{Changes, SaveAndSend, Saved, page, save, save_and_send, save_changes};
pub use overview::{archive, due_for_unit, start};
pub use review::{grant_exception, transition, transition_noted};

use crate::catalogue::regimes::parse_doc;
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::calendar::{EntryState, EntryWindow};
use domain::datefmt::vn_today;
use domain::indicator::IndicatorSpec;
use domain::period::Period;
use domain::regime::RegimeDoc;
use domain::report::ReportStatus;
use entity::{app_user, regime, regime_version, report, report_event};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use std::collections::HashMap;
use store::IndicatorIds;

/// Where a change came from, for the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Form,
    Excel,
    Api,
    /// A DHIS2 data value set, through the API.
    Dhis2,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Form => "form",
            Source::Excel => "excel",
            Source::Api => "api",
            Source::Dhis2 => "dhis2",
        }
    }

    pub fn label(code: &str) -> &'static str {
        match code {
            "excel" => "tệp Excel",
            "api" => "API",
            "dhis2" => "DHIS2",
            _ => "biểu mẫu",
        }
    }
}

pub const MAX_TEXT: usize = 20_000;
pub const MAX_COMMENT: usize = 1_000;

/// A report with everything needed to check and show it.
pub struct Loaded {
    pub report: report::Model,
    pub regime: regime::Model,
    pub doc: RegimeDoc,
    pub version: i32,
    pub specs: HashMap<String, IndicatorSpec>,
    pub ids: IndicatorIds,
    pub period: Period,
    pub window: EntryWindow,
    pub status: ReportStatus,
}

impl Loaded {
    pub fn state(&self, now: DateTime<Utc>) -> EntryState {
        self.window.state(vn_today(now), self.report.window_exception_until)
    }
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("Không tìm thấy báo cáo.".into())
}

fn internal(what: &str) -> ServiceError {
    ServiceError::Internal(what.to_string())
}

pub async fn load<C: ConnectionTrait>(db: &C, id: i32) -> Result<Loaded> {
    let report = report::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let regime = regime::Entity::find_by_id(report.regime_id).one(db).await?.ok_or_else(|| internal("report without regime"))?;
    let v = regime_version::Entity::find_by_id(report.regime_version_id).one(db).await?.ok_or_else(|| internal("report without version"))?;
    let doc = parse_doc(&v.definition)?;
    let codes = doc.indicator_codes();
    let found = crate::catalogue::indicators::specs_for(db, &codes).await?;
    let ids = IndicatorIds {
        by_code: found.iter().map(|(id, s)| (s.code.clone(), *id)).collect(),
        by_id: found.iter().map(|(id, s)| (*id, s.code.clone())).collect(),
    };
    let specs: HashMap<String, IndicatorSpec> = found.into_iter().map(|(_, s)| (s.code.clone(), s)).collect();
    let period = Period::parse_key(&report.period_key).map_err(|e| internal(&e.to_string()))?;
    let holidays = crate::catalogue::holidays::all(db).await?;
    let window = doc.schedule.entry_window(&period, &holidays);
    let status = ReportStatus::from_code(&report.status).ok_or_else(|| internal(&format!("report {id}: unknown status {}", report.status)))?;
    Ok(Loaded { report, regime, doc, version: v.version, specs, ids, period, window, status })
}

fn require_read(actor: &Actor, unit_id: i32) -> Result<()> {
    if actor.can_read_unit(unit_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("Bạn chỉ được xem báo cáo của đơn vị mình.".into()))
    }
}

/// Records a status change (or a note on the report's life); its id names it in notifications.
pub(crate) async fn record_event<C: ConnectionTrait>(
    db: &C,
    report_id: i32,
    actor_id: Option<i32>,
    from: &str,
    to: &str,
    note: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    let e = report_event::ActiveModel {
        report_id: Set(report_id),
        at: Set(at),
        user_id: Set(actor_id),
        from_status: Set(from.into()),
        to_status: Set(to.into()),
        note: Set(note.into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(e.id)
}

async fn user_name<C: ConnectionTrait>(db: &C, id: Option<i32>) -> Result<Option<String>> {
    Ok(match id {
        Some(id) => app_user::Entity::find_by_id(id).one(db).await?.map(|u| u.full_name),
        None => None,
    })
}
