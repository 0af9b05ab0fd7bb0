//! sea-orm entities: the shape of the tables. Behaviour lives in `service`.

pub mod app_user;
pub mod audit_event;
pub mod login_throttle;
pub mod org_unit;
pub mod session;
