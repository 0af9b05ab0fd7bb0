//! The catalogue pages. Everyone signed in reads; administrators edit.

pub mod breakdowns;
pub mod designer;
pub mod holidays;
pub mod indicators;
pub mod plans;
pub mod preview;
pub mod regimes;
pub mod rules;
pub mod transfer;

use domain::views::SessionView;

pub(crate) fn is_admin(u: &SessionView) -> bool {
    u.role == domain::Role::Admin
}
