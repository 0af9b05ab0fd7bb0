//! Server functions of the catalogue, one module per catalogue service.
//! Reading is open to every signed-in user; every change is checked for the
//! administrator role in `service`.

pub mod breakdowns;
pub mod holidays;
pub mod imports;
pub mod indicators;
pub mod plans;
pub mod regimes;

pub use breakdowns::*;
pub use holidays::*;
pub use imports::*;
pub use indicators::*;
pub use plans::*;
pub use regimes::*;
