//! Feeds out (issue 14): what machine clients read and send through
//! `/api/v1`, authenticated by API tokens.
//!
//! - [`tokens`]: API tokens (administrator's use cases; bearer authentication).
//! - [`changes`]: the change log and incremental pulls with a safe horizon.
//! - [`read`]: the catalogue, periods, reports and values as JSON shapes.
//! - [`write`]: a machine client sending a report's values.
//! - [`aggregates`]: aggregates, completeness and the 50 % figure, from the
//!   leaders' roll-up and the office's board.
//! - [`dhis2`]: DHIS2 data value sets out (delivered figures) and in.
//! - [`open_data`]: the public indicators and their accepted figures (`/du-lieu-mo`).
//! - [`webhooks`]: subscriptions, the outbox and its delivery worker.
//! - [`qcvn125`]: the thirteen QCVN 125:2021/BTTTT messages, from the readers above.

pub mod aggregates;
pub mod changes;
pub mod dhis2;
pub mod open_data;
pub mod qcvn125;
pub mod read;
pub mod tokens;
pub mod webhooks;
pub mod write;

/// A machine client, as its bearer token made it known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiClient {
    pub token_id: i32,
    pub user_id: i32,
    /// Units the token may send figures for (empty for a read token).
    pub write_units: Vec<i32>,
}

impl ApiClient {
    /// A token may send figures when it names units (derived from them).
    pub fn can_write(&self) -> bool {
        !self.write_units.is_empty()
    }

    pub fn may_write_unit(&self, unit_id: i32) -> bool {
        self.write_units.contains(&unit_id)
    }
}

/// A client's text as a message quotes it: at most 40 characters, control
/// characters shown as "?" (a query string may carry anything).
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).map(|c| if c.is_control() { '?' } else { c }).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}
