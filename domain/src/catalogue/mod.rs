//! The catalogue's shapes: what administrators type ([`forms`], with the
//! checks that turn a form into typed fields) and what lists and pages
//! show ([`views`]).

pub mod forms;
pub mod views;

pub use forms::*;
pub use views::*;
