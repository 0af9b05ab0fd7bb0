//! The units to chase for a month: their overdue reports (or returned ones
//! past the deadline) and their clerks' and leaders' contacts, for a phone
//! round or an official reminder letter.

use super::actions::units_people;
use super::expected::Expectations;
use super::matrix::build;
use super::require_province;
use crate::Result;
use chrono::{DateTime, Utc};
use domain::board::CellStatus;
use domain::office::{BoardFilter, Contact, OverdueReport, OverdueUnit};
use domain::{Actor, Role};

pub async fn overdue_units(db: &crate::Db, actor: &Actor, filter: BoardFilter, now: DateTime<Utc>) -> Result<Vec<OverdueUnit>> {
    require_province(actor)?;
    let ex = Expectations::load(db).await?;
    let units = crate::org::list_units(db).await?;
    let board = build(db, &ex, &units, BoardFilter { sort: domain::office::BoardSort::Lateness, ..filter }, now).await?;
    let mut late = Vec::new();
    for row in board.rows {
        let reports: Vec<OverdueReport> = row
            .cells
            .iter()
            .zip(&board.columns)
            .filter_map(|(c, col)| {
                let c = c.as_ref()?;
                let late = matches!(c.cell.status, CellStatus::OverdueMissing | CellStatus::Returned) && c.cell.days_late.is_some();
                late.then(|| OverdueReport {
                    regime_name: col.regime_name.clone(),
                    period_label: col.period_label.clone(),
                    deadline: col.deadline,
                    days_late: c.cell.days_late.unwrap_or(0),
                    status_label: c.cell.status.label().into(),
                })
            })
            .collect();
        if !reports.is_empty() {
            late.push((row.unit_id, row.unit_name, reports));
        }
    }
    // Everyone to call, for every late unit, in one query.
    let ids: Vec<i32> = late.iter().map(|(id, _, _)| *id).collect();
    let mut people = units_people(db, &ids).await?;
    let out = late
        .into_iter()
        .map(|(unit_id, unit_name, reports)| {
            let contacts = people
                .remove(&unit_id)
                .unwrap_or_default()
                .into_iter()
                .map(|p| Contact {
                    full_name: p.full_name,
                    role_label: Role::from_code(&p.role).map(|r| r.label()).unwrap_or("").into(),
                    email: p.email,
                    phone: p.phone,
                })
                .collect();
            OverdueUnit { unit_id, unit_name, reports, contacts }
        })
        .collect();
    Ok(out)
}
