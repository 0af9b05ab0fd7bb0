//! The reviewer's inbox: sent reports waiting for the office, oldest first.

use super::expected::Expectations;
use super::require_reviewer;
use crate::Result;
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::datefmt::vn_today;
use domain::office::InboxRow;
use domain::period::Period;
use domain::report::ReportStatus;
use entity::report;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The most rows the inbox shows at once.
pub const INBOX_SIZE: u64 = 300;

pub async fn inbox(db: &crate::Db, actor: &Actor) -> Result<Vec<InboxRow>> {
    require_reviewer(actor)?;
    let rows: Vec<(i32, i32, i32, String, Option<DateTime<Utc>>, Option<bool>, String)> = report::Entity::find()
        .select_only()
        .columns([
            report::Column::Id,
            report::Column::RegimeId,
            report::Column::UnitId,
            report::Column::PeriodKey,
            report::Column::SentAt,
            report::Column::OnTime,
            report::Column::Explanations,
        ])
        .filter(report::Column::Status.eq(ReportStatus::Sent.code()))
        .order_by_asc(report::Column::SentAt)
        .order_by_asc(report::Column::Id)
        .limit(INBOX_SIZE)
        .into_tuple()
        .all(db)
        .await?;
    let ex = Expectations::load(db).await?;
    let regimes = crate::catalogue::regimes::labels(db).await?;
    let units: HashMap<i32, String> = crate::org::list_units(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut out = Vec::with_capacity(rows.len());
    for (id, regime_id, unit_id, period_key, sent_at, on_time, explanations) in rows {
        let Ok(period) = Period::parse_key(&period_key) else { continue };
        let sent_at = sent_at.unwrap_or_default();
        let deadline = ex.column_for(regime_id, &period).map(|c| c.deadline);
        let days_late = deadline.map(|d| (vn_today(sent_at) - d).num_days().max(0)).unwrap_or(0);
        let explained =
            serde_json::from_str::<HashMap<String, String>>(&explanations).map(|m| m.values().filter(|v| !v.trim().is_empty()).count()).unwrap_or(0);
        let (regime_code, regime_name) = regimes.get(&regime_id).cloned().unwrap_or_default();
        out.push(InboxRow {
            report_id: id,
            unit_name: units.get(&unit_id).cloned().unwrap_or_default(),
            regime_code,
            regime_name,
            period_label: period.label(),
            sent_at,
            on_time: on_time.unwrap_or(days_late == 0),
            days_late,
            explained,
        });
    }
    Ok(out)
}
