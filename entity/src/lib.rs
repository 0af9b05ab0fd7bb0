//! sea-orm entities: the shape of the tables. Behaviour lives in `service`.

pub mod app_user;
pub mod audit_event;
pub mod breakdown;
pub mod breakdown_part;
pub mod excel_import;
pub mod form_stash;
pub mod holiday;
pub mod import_job;
pub mod indicator;
pub mod login_throttle;
pub mod org_unit;
pub mod regime;
pub mod report;
pub mod report_event;
pub mod report_text_audit;
pub mod report_value;
pub mod regime_unit;
pub mod regime_plan;
pub mod regime_version;
pub mod regime_version_indicator;
pub mod session;
pub mod value_audit;
