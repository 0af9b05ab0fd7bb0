//! Pure domain logic of baocao: no I/O, compiles to wasm, so the browser and
//! the server share one definition of every rule.

pub mod access;
pub mod account;
pub mod aggregate;
pub mod board;
pub mod calendar;
pub mod carry;
pub mod catalogue;
pub mod column;
pub mod dashboard;
pub mod datefmt;
pub mod dec;
pub mod decree30;
pub mod dhis2;
pub mod digital;
pub mod entry;
pub mod excel;
pub mod feed;
pub mod figures;
pub mod forecast;
pub mod indicator;
pub mod numfmt;
pub mod office;
pub mod org;
pub mod period;
pub mod qcvn125;
pub mod regime;
pub mod reminders;
pub mod report;
pub mod reporting;
pub mod role;
pub mod rules;
pub mod text;
pub mod throttle;
pub mod validation;
pub mod views;
pub mod webhook;

pub use access::Actor;
pub use role::Role;
pub use validation::{FieldError, FieldErrors};
