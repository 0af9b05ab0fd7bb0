//! Feeds out (issue 14): what machine clients read and send through
//! `/api/v1`, authenticated by API tokens.
//!
//! - [`tokens`]: API tokens (administrator's use cases; bearer authentication).
//! - [`changes`]: the change log and incremental pulls with a safe horizon.
//! - [`read`]: the catalogue, periods, reports and values as JSON shapes.
//! - [`write`]: a machine client sending a report's values.
//! - [`webhooks`]: subscriptions, the outbox and its delivery worker.
//!
//! Aggregates, completeness and the 50 % figure plug in from the
//! aggregation issue (13): see the `AGGREGATION SEAM` in `read`.

pub mod changes;
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
