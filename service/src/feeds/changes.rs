//! The change log, followed by a cursor.
//!
//! Rows are written by triggers (migration m0010) in the transaction that
//! changes a figure, a report's status or the catalogue; a cleared value
//! leaves a tombstone. A pull returns rows after the client's cursor in
//! (transaction, id) order.
//!
//! The safe horizon on PostgreSQL: sequence numbers are taken when a row is
//! inserted, not when its transaction commits, so a reader could see id 11
//! (committed) while id 10 is still in flight, move its cursor past 10 and
//! never see it. Each row therefore records the id of the transaction that
//! wrote it (`pg_current_xact_id()`), and a pull only returns rows whose
//! transaction is older than the oldest transaction still running
//! (`pg_snapshot_xmin(pg_current_snapshot())`, taken in the same statement).
//! Every such transaction has ended, so no row can still appear below the
//! horizon, and any row written later belongs to a newer transaction, which
//! sorts after every row returned: ordering by (txid, id) and resuming after
//! the last (txid, id) seen never skips and never repeats. A long
//! transaction only delays what a pull returns. On SQLite writers are
//! serialised (one write transaction at a time, ids taken inside it), so
//! every committed row is final and `txid` is 0: the order is the id.

use crate::feeds::ApiClient;
use crate::{Result, ServiceError};
use domain::feed::ChangeCursor;
use entity::{change_log, indicator, org_unit, report};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;

pub const MAX_PAGE: u64 = 1000;

#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ChangeOut {
    /// This change's position: pulling after it returns what follows.
    pub cursor: String,
    /// `value`, `report_status` or `catalogue`.
    pub kind: String,
    /// The table changed: `report_value`, `report`, `indicator`, `regime`, `regime_version`, `breakdown`, `org_unit`.
    pub entity: String,
    pub entity_id: i64,
    pub report_id: Option<i32>,
    pub unit_code: Option<String>,
    pub indicator_code: Option<String>,
    pub part: String,
    pub period_key: String,
    /// A cleared value or a deleted catalogue row.
    pub deleted: bool,
    /// For a report's changes: the report's status now (when pulled).
    pub status: Option<String>,
    /// For a report's changes: whether the report is delivered now (sent or
    /// accepted); a value changed in a draft is not a delivered figure
    /// until the report's `report_status` change says so.
    pub delivered: Option<bool>,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangePage {
    pub changes: Vec<ChangeOut>,
    /// Pass as `after` next time (the same cursor when nothing was new).
    pub next: String,
    /// More changes are ready now.
    pub more: bool,
}

/// Rows after `after`, up to the safe horizon, oldest first.
pub async fn rows_after<C: ConnectionTrait>(db: &C, after: ChangeCursor, limit: u64) -> Result<Vec<change_log::Model>> {
    // `txid >= a` bounds the index range; the OR then trims (a, ≤ b).
    let mut q = change_log::Entity::find().filter(change_log::Column::Txid.gte(after.txid)).filter(
        Condition::any()
            .add(change_log::Column::Txid.gt(after.txid))
            .add(Condition::all().add(change_log::Column::Txid.eq(after.txid)).add(change_log::Column::Id.gt(after.id))),
    );
    if db.get_database_backend() == DbBackend::Postgres {
        q = q.filter(Expr::cust("\"txid\" < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"));
    }
    Ok(q.order_by_asc(change_log::Column::Txid).order_by_asc(change_log::Column::Id).limit(limit).all(db).await?)
}

/// A machine client's pull: the changes after `after` (empty: from the start).
pub async fn pull(db: &crate::Db, _client: &ApiClient, after: &str, limit: Option<u64>) -> Result<ChangePage> {
    let cursor = ChangeCursor::parse(after).map_err(|m| ServiceError::field("after", m))?;
    let limit = limit.unwrap_or(500).clamp(1, MAX_PAGE);
    let mut rows = rows_after(db, cursor, limit + 1).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let unit_ids: Vec<i32> = rows.iter().filter_map(|r| r.unit_id).collect();
    let ind_ids: Vec<i32> = rows.iter().filter_map(|r| r.indicator_id).collect();
    let units: HashMap<i32, String> = if unit_ids.is_empty() {
        HashMap::new()
    } else {
        org_unit::Entity::find().filter(org_unit::Column::Id.is_in(unit_ids)).all(db).await?.into_iter().map(|u| (u.id, u.code)).collect()
    };
    let inds: HashMap<i32, String> = if ind_ids.is_empty() {
        HashMap::new()
    } else {
        indicator::Entity::find().filter(indicator::Column::Id.is_in(ind_ids)).all(db).await?.into_iter().map(|i| (i.id, i.code)).collect()
    };
    let report_ids: Vec<i32> = rows.iter().filter_map(|r| r.report_id).collect();
    let statuses: HashMap<i32, String> = if report_ids.is_empty() {
        HashMap::new()
    } else {
        let found: Vec<(i32, String)> = report::Entity::find()
            .select_only()
            .column(report::Column::Id)
            .column(report::Column::Status)
            .filter(report::Column::Id.is_in(report_ids))
            .into_tuple()
            .all(db)
            .await?;
        found.into_iter().collect()
    };
    let next = rows.last().map(|r| ChangeCursor { txid: r.txid, id: r.id }).unwrap_or(cursor).encode();
    let changes = rows
        .into_iter()
        .map(|r| ChangeOut {
            cursor: ChangeCursor { txid: r.txid, id: r.id }.encode(),
            unit_code: r.unit_id.and_then(|u| units.get(&u).cloned()),
            indicator_code: r.indicator_id.and_then(|i| inds.get(&i).cloned()),
            kind: r.kind,
            entity: r.entity,
            entity_id: r.entity_id,
            report_id: r.report_id,
            part: r.part,
            period_key: r.period_key,
            deleted: r.tombstone,
            status: r.report_id.and_then(|id| statuses.get(&id).cloned()),
            delivered: r.report_id.and_then(|id| statuses.get(&id)).map(|s| crate::feeds::read::is_delivered(s)),
            at: r.at,
        })
        .collect();
    Ok(ChangePage { changes, next, more })
}
