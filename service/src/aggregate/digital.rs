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
use domain::digital::{FlaggedIndicator, RegimeCheck, Share, Summary, figure_share, regime_share, summarize};
use domain::indicator::ValueType;
use domain::period::Period;
use entity::{digital_target, indicator, regime, regime_version_indicator};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait};
use std::collections::HashMap;

/// The scheme's own figure (QĐ 1836/QĐ-UBND): 50 % in 2025, used until the
/// administrator sets one.
pub const SCHEME_2025_PER_MILLE: i32 = 500;

/// The share for one period, and each flagged indicator's state.
pub struct DigitalFigure {
    pub period: Period,
    pub summary: Summary,
    pub indicators: Vec<FlaggedIndicator>,
    /// Report figures (indicator, asked unit) provided ÷ asked, over every
    /// active numeric indicator ([`domain::digital::figure_share`]).
    pub figures: Share,
    /// The catalogue's active regimes and whether each is on the system.
    pub regimes: Vec<RegimeCheck>,
    pub regime_share: Share,
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
    let active: Vec<(i32, bool, String)> = indicator::Entity::find()
        .select_only()
        .columns([indicator::Column::Id, indicator::Column::Statistical, indicator::Column::ValueType])
        .filter(indicator::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let flagged: Vec<i32> = active.iter().filter(|i| i.1).map(|i| i.0).collect();
    let numeric: Vec<i32> = active.iter().filter(|i| ValueType::from_code(&i.2).is_some_and(ValueType::is_numeric)).map(|i| i.0).collect();
    let mut ids = flagged.clone();
    ids.extend(numeric.iter().filter(|i| !flagged.contains(i)));
    let f = figures(db, actor, Some(&ids), first, counted).await?;
    let regimes = regime_catalogue(db, &f.exp).await?;
    let mut out = Vec::with_capacity(periods.len());
    for period in periods {
        let expected = f.expected_at(period);
        // Who reported does not depend on who was expected: the cached roll-up.
        let rollup = f.at(*period)?;
        let state = |i: &super::IndicatorInfo| FlaggedIndicator {
            id: i.id,
            code: i.code.clone(),
            name: i.name.clone(),
            sector: i.sector.clone(),
            owner: i.owner_unit_id,
            expected: expected.get(&i.id).map(|s| s.iter().copied().collect()).unwrap_or_default(),
            reported: rollup.reporters(i.id, ""),
        };
        let mut list: Vec<FlaggedIndicator> = f.indicators.iter().filter(|i| flagged.contains(&i.id)).map(state).collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        let numbers: Vec<FlaggedIndicator> = f.indicators.iter().filter(|i| numeric.contains(&i.id)).map(state).collect();
        let checks = regime_checks(&regimes, &f.exp, period);
        out.push(DigitalFigure {
            period: *period,
            summary: summarize(&list),
            indicators: list,
            figures: figure_share(&numbers),
            regime_share: regime_share(&checks),
            regimes: checks,
        });
    }
    Ok(out)
}

/// The catalogue's active regimes (id, code, name) and, for each published
/// version, the number of indicators on its form.
struct RegimeCatalogue {
    regimes: Vec<(i32, String, String)>,
    indicators: HashMap<i32, usize>,
}

async fn regime_catalogue<C: ConnectionTrait>(db: &C, exp: &crate::board::expected::Expectations) -> Result<RegimeCatalogue> {
    use sea_orm::QueryOrder;
    let regimes: Vec<(i32, String, String)> = regime::Entity::find()
        .select_only()
        .columns([regime::Column::Id, regime::Column::Code, regime::Column::Name])
        .filter(regime::Column::Active.eq(true))
        .order_by_asc(regime::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    let versions: Vec<i32> = exp.regimes.iter().flat_map(|r| r.versions.iter().map(|v| v.effect.id)).collect();
    let rows: Vec<i32> = regime_version_indicator::Entity::find()
        .select_only()
        .column(regime_version_indicator::Column::RegimeVersionId)
        .filter(regime_version_indicator::Column::RegimeVersionId.is_in(versions))
        .into_tuple()
        .all(db)
        .await?;
    let mut indicators: HashMap<i32, usize> = HashMap::new();
    for v in rows {
        *indicators.entry(v).or_default() += 1;
    }
    Ok(RegimeCatalogue { regimes, indicators })
}

/// Each active regime for a period: published, in force by the period's
/// last day (`domain::board::version_in_force`), with units and indicators.
fn regime_checks(c: &RegimeCatalogue, exp: &crate::board::expected::Expectations, period: &Period) -> Vec<RegimeCheck> {
    c.regimes
        .iter()
        .map(|(id, code, name)| {
            let published = exp.regimes.iter().find(|r| r.id == *id);
            let in_force = published.and_then(|r| {
                let effects: Vec<_> = r.versions.iter().map(|v| v.effect).collect();
                let chosen = domain::board::version_in_force(&effects, period)?.id;
                r.versions.iter().find(|v| v.effect.id == chosen)
            });
            RegimeCheck {
                id: *id,
                code: code.clone(),
                name: name.clone(),
                published: published.is_some_and(|r| !r.versions.is_empty()),
                in_force: in_force.is_some(),
                units: in_force.map(|v| v.units.len()).unwrap_or(0),
                indicators: in_force.and_then(|v| c.indicators.get(&v.effect.id).copied()).unwrap_or(0),
            }
        })
        .collect()
}
