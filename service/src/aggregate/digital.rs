//! The 50 % target: the share of provincial statistical indicators provided
//! as digital data (definition in `domain::digital`), and the yearly target
//! the administrator sets.

use super::figures;
use crate::users::require_admin;
use crate::{Result, ServiceError, audit};
use chrono::Utc;
use domain::Actor;
use domain::aggregate::Counted;
use domain::dec::Dec;
use domain::digital::{FlaggedIndicator, Summary, summarize};
use domain::period::Period;
use entity::{digital_target, indicator};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait};

/// The scheme's own figure (QĐ 1836/QĐ-UBND): 50 % in 2025, used until the
/// administrator sets one.
pub const SCHEME_2025_PER_MILLE: i32 = 500;

/// The share for one period, and each flagged indicator's state.
pub struct DigitalFigure {
    pub period: Period,
    pub summary: Summary,
    pub indicators: Vec<FlaggedIndicator>,
}

/// The yearly target in per mille and whether the administrator set it
/// (otherwise the scheme's 50 % for 2025, or none).
pub async fn target<C: ConnectionTrait>(db: &C, year: i32) -> Result<Option<(i32, bool)>> {
    Ok(match digital_target::Entity::find_by_id(year).one(db).await? {
        Some(t) => Some((t.per_mille, true)),
        None if year == 2025 => Some((SCHEME_2025_PER_MILLE, false)),
        None => None,
    })
}

pub fn per_mille_to_percent(per_mille: i32) -> Dec {
    Dec::new(per_mille as i128, 1)
}

/// The administrator sets the target of a year, as a percentage typed in
/// Vietnamese notation ("50" or "62,5").
pub async fn set_target(db: &crate::Db, actor: &Actor, year: i32, percent: &str) -> Result<()> {
    require_admin(actor)?;
    if !(2000..=2100).contains(&year) {
        return Err(ServiceError::field("year", "Năm phải từ 2000 đến 2100."));
    }
    let per_mille = domain::numfmt::parse_scaled(percent.trim().trim_end_matches('%').trim(), 1)
        .map_err(|e| ServiceError::field("target", format!("Mục tiêu (%): {e}")))?;
    if !(0..=1000).contains(&per_mille) {
        return Err(ServiceError::field("target", "Mục tiêu (%) phải từ 0 đến 100."));
    }
    let txn = db.begin().await?;
    digital_target::Entity::insert(digital_target::ActiveModel {
        year: Set(year),
        per_mille: Set(per_mille as i32),
        set_by: Set(Some(actor.user_id)),
        set_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(digital_target::Column::Year)
            .update_columns([digital_target::Column::PerMille, digital_target::Column::SetBy, digital_target::Column::SetAt])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    audit::record(&txn, Some(actor.user_id), "dat_muc_tieu_so_hoa", &year.to_string(), percent.trim()).await?;
    txn.commit().await?;
    Ok(())
}

/// The digital-data share for a period. Province-wide roles only: the
/// figure is the province's.
pub async fn figure<C: ConnectionTrait>(db: &C, actor: &Actor, period: Period, counted: Counted) -> Result<DigitalFigure> {
    figures_in_year(db, actor, &[period], counted).await?.pop().ok_or_else(|| ServiceError::Internal("no period".into()))
}

/// The share for several periods of one year (a page's period and its
/// year's quarters): the year's figures are read once.
pub async fn figures_in_year<C: ConnectionTrait>(db: &C, actor: &Actor, periods: &[Period], counted: Counted) -> Result<Vec<DigitalFigure>> {
    if !actor.sees_whole_province() {
        return Err(ServiceError::forbidden());
    }
    let Some(first) = periods.first().copied() else { return Ok(vec![]) };
    if periods.iter().any(|p| p.year() != first.year()) {
        return Err(ServiceError::Internal("periods of one year only".into()));
    }
    let flagged: Vec<i32> = indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Id)
        .filter(indicator::Column::Active.eq(true))
        .filter(indicator::Column::Statistical.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let f = figures(db, actor, Some(&flagged), first, counted).await?;
    let mut out = Vec::with_capacity(periods.len());
    for period in periods {
        let expected = f.expected_at(period);
        // Who reported does not depend on who was expected: the cached roll-up.
        let rollup = f.at(*period)?;
        let mut list: Vec<FlaggedIndicator> = f
            .indicators
            .iter()
            .filter(|i| flagged.contains(&i.id))
            .map(|i| FlaggedIndicator {
                id: i.id,
                code: i.code.clone(),
                name: i.name.clone(),
                sector: i.sector.clone(),
                owner: i.owner_unit_id,
                expected: expected.get(&i.id).map(|s| s.iter().copied().collect()).unwrap_or_default(),
                reported: rollup.reporters(i.id, ""),
            })
            .collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        out.push(DigitalFigure { period: *period, summary: summarize(&list), indicators: list });
    }
    Ok(out)
}
