//! What was expected of whom: each active regime's published versions with
//! their dates of effect, schedules, bound units and sectors, read in a few
//! queries; [`Expectations::columns`] then picks, for a month, each
//! regime's period ending in it and the version in force for that period
//! (`domain::board::version_in_force`).

use crate::Result;
use chrono::NaiveDate;
use domain::board::{VersionEffect, period_ending_in, version_in_force};
use domain::calendar::{Holidays, Schedule};
use domain::period::{Frequency, Period};
use entity::{indicator, org_unit, regime, regime_unit, regime_version, regime_version_indicator};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The part of a regime document the board reads (the rest is skipped
/// unparsed: a 300-row form costs nothing here).
#[derive(Deserialize)]
struct Head {
    name: String,
    schedule: Schedule,
}

pub struct Version {
    pub effect: VersionEffect,
    pub name: String,
    pub schedule: Schedule,
    pub units: HashSet<i32>,
    pub sectors: BTreeSet<String>,
}

pub struct RegimeInfo {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub remind_days: i32,
    pub versions: Vec<Version>,
}

/// One regime's period on the board and the version that governs it.
pub struct Column<'a> {
    pub regime: &'a RegimeInfo,
    pub version: &'a Version,
    pub period: Period,
    pub deadline: NaiveDate,
}

impl Column<'_> {
    pub fn expects(&self, unit_id: i32) -> bool {
        self.version.units.contains(&unit_id)
    }
}

pub struct Expectations {
    pub regimes: Vec<RegimeInfo>,
    pub holidays: Holidays,
}

impl RegimeInfo {
    /// The version in force for a period and whether it asks for it at all
    /// (its frequency is the period's).
    pub fn in_force(&self, p: &Period) -> Option<&Version> {
        let effects: Vec<VersionEffect> = self.versions.iter().map(|v| v.effect).collect();
        let chosen = version_in_force(&effects, p)?;
        self.versions.iter().find(|v| v.effect.id == chosen.id).filter(|v| v.schedule.frequency == p.frequency())
    }

    /// This regime's period ending in a month, with the version in force for it.
    pub fn period_in(&self, year: i32, month: u32) -> Option<(Period, &Version)> {
        let freqs: BTreeSet<&'static str> = self.versions.iter().map(|v| v.schedule.frequency.code()).collect();
        freqs.into_iter().filter_map(Frequency::from_code).find_map(|f| {
            let p = period_ending_in(f, year, month)?;
            self.in_force(&p).map(|v| (p, v))
        })
    }

    pub fn sectors(&self) -> BTreeSet<String> {
        self.versions.iter().flat_map(|v| v.sectors.iter().cloned()).collect()
    }
}

impl Expectations {
    /// Every active, published regime (in code order) with all its versions.
    pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Expectations> {
        // Only the columns used: a regime row also carries its whole draft form.
        let regimes: Vec<(i32, String, String, i32)> = regime::Entity::find()
            .select_only()
            .columns([regime::Column::Id, regime::Column::Code, regime::Column::Name, regime::Column::RemindDays])
            .filter(regime::Column::Active.eq(true))
            .filter(regime::Column::CurrentVersion.gt(0))
            .order_by_asc(regime::Column::Code)
            .into_tuple()
            .all(db)
            .await?;
        let ids: Vec<i32> = regimes.iter().map(|r| r.0).collect();
        let versions: Vec<(i32, i32, i32, Option<NaiveDate>, chrono::DateTime<chrono::Utc>, String)> = regime_version::Entity::find()
            .select_only()
            .columns([
                regime_version::Column::Id,
                regime_version::Column::RegimeId,
                regime_version::Column::Version,
                regime_version::Column::EffectiveFrom,
                regime_version::Column::PublishedAt,
                regime_version::Column::Definition,
            ])
            .filter(regime_version::Column::RegimeId.is_in(ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        let version_ids: Vec<i32> = versions.iter().map(|v| v.0).collect();
        let mut units: HashMap<i32, HashSet<i32>> = HashMap::new();
        let bindings: Vec<(i32, i32)> = regime_unit::Entity::find()
            .select_only()
            .columns([regime_unit::Column::RegimeVersionId, regime_unit::Column::UnitId])
            .filter(regime_unit::Column::RegimeVersionId.is_in(version_ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        // A unit that is deactivated, or no longer a reporting unit, is
        // expected by no one: the board, the reminders and the roll-ups agree.
        let reporting: HashSet<i32> = org_unit::Entity::find()
            .select_only()
            .columns([org_unit::Column::Id, org_unit::Column::Kind])
            .filter(org_unit::Column::Active.eq(true))
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?
            .into_iter()
            .filter(|(_, kind)| domain::org::OrgKind::from_code(kind).is_some_and(|k| k.is_reporting_unit()))
            .map(|(id, _)| id)
            .collect();
        for (v, u) in bindings.into_iter().filter(|(_, u)| reporting.contains(u)) {
            units.entry(v).or_default().insert(u);
        }
        let mut sectors: HashMap<i32, BTreeSet<String>> = HashMap::new();
        let rows: Vec<(i32, String)> = regime_version_indicator::Entity::find()
            .select_only()
            .column(regime_version_indicator::Column::RegimeVersionId)
            .column(indicator::Column::Sector)
            .join(JoinType::InnerJoin, regime_version_indicator::Relation::Indicator.def())
            .filter(regime_version_indicator::Column::RegimeVersionId.is_in(version_ids))
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        for (v, s) in rows {
            if !s.trim().is_empty() {
                sectors.entry(v).or_default().insert(s);
            }
        }
        let mut by_regime: HashMap<i32, Vec<Version>> = HashMap::new();
        for (id, regime_id, version, effective_from, published_at, definition) in versions {
            let head: Head = serde_json::from_str(&definition).map_err(|e| crate::ServiceError::Internal(format!("regime version {id}: {e}")))?;
            // Versions stored before dates of effect existed took effect when published.
            let effective_from = effective_from.unwrap_or_else(|| domain::datefmt::vn_today(published_at));
            by_regime.entry(regime_id).or_default().push(Version {
                effect: VersionEffect { id, version, effective_from },
                name: head.name,
                schedule: head.schedule,
                units: units.remove(&id).unwrap_or_default(),
                sectors: sectors.remove(&id).unwrap_or_default(),
            });
        }
        let regimes = regimes
            .into_iter()
            .map(|(id, code, name, remind_days)| RegimeInfo { versions: by_regime.remove(&id).unwrap_or_default(), id, code, name, remind_days })
            .collect();
        Ok(Expectations { regimes, holidays: crate::catalogue::holidays::all(db).await? })
    }

    /// The board's columns for a month: every regime with a period ending in
    /// it, narrowed to one regime or to regimes with an indicator of a sector.
    pub fn columns(&self, year: i32, month: u32, regime_id: Option<i32>, sector: Option<&str>) -> Vec<Column<'_>> {
        self.regimes
            .iter()
            .filter(|r| regime_id.is_none_or(|id| id == r.id))
            .filter_map(|r| {
                let (period, version) = r.period_in(year, month)?;
                if sector.is_some_and(|s| !version.sectors.contains(s)) {
                    return None;
                }
                let deadline = version.schedule.deadline(&period, &self.holidays);
                Some(Column { regime: r, version, period, deadline })
            })
            .collect()
    }

    /// The column of one regime for one period, if the period has a version in force.
    pub fn column_for(&self, regime_id: i32, period: &Period) -> Option<Column<'_>> {
        let r = self.regimes.iter().find(|r| r.id == regime_id)?;
        let version = r.in_force(period)?;
        let deadline = version.schedule.deadline(period, &self.holidays);
        Some(Column { regime: r, version, period: *period, deadline })
    }
}
