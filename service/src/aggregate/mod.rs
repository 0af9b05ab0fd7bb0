//! Aggregate figures, read live from `report_value` (no overnight table:
//! a value sent by a clerk is in the next request's roll-up).
//!
//! The counted rows of the asked indicators for the target's year are read
//! through the covering index `ix_report_value_rollup_regime` (indicator,
//! year, delivery, unit, regime, frequency, ordinal, part, num): no join to
//! the report, no table lookup; and kept in memory until a counted figure
//! changes (`facts`), so a dashboard's next request reads only a stamp. The
//! fold over periods, the double-reporting rule and the fold up the unit
//! tree are `domain::aggregate`, in exact decimals.
//!
//! Who sees what: the provincial roles (leaders, the office, the
//! administrator, machine clients) see the whole province; a unit's clerk
//! and leader see their own unit only.

pub mod digital;
pub mod facts;
pub mod views;

use crate::board::expected::Expectations;
use crate::{Result, ServiceError};
use domain::Actor;
use domain::aggregate::{self, Cell, Counted, Fact, IndicatorDef, Rate, Rollup, Tree};
use domain::dec::Dec;
use domain::indicator::Aggregation;
use domain::period::{Frequency, Period};
use domain::views::UnitRow;
use entity::{breakdown_part, indicator, regime_version_indicator};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeSet, HashMap, HashSet};

/// What a page needs to know of an indicator.
#[derive(Clone, Debug)]
pub struct IndicatorInfo {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub uom: String,
    pub scale: u8,
    pub aggregation: Aggregation,
    /// (code, name) of the breakdown parts.
    pub parts: Vec<(String, String)>,
    pub statistical: bool,
    pub sector: String,
    pub owner_unit_id: Option<i32>,
    pub rate: Option<(String, String)>,
}

/// The factor of a rate: the catalogue's rates are percentages.
pub const RATE_FACTOR: i64 = 100;

/// A roll-up ready to be read node by node.
pub struct Figures {
    /// The period asked for; its roll-up is made on first use and kept (a
    /// feed that walks every month never makes it, so it holds one
    /// roll-up at a time, not this one besides the month's).
    pub target: Period,
    expected: HashMap<i32, HashSet<i32>>,
    rollup: std::sync::OnceLock<Rollup>,
    pub tree: Tree,
    pub units: Vec<UnitRow>,
    pub indicators: Vec<IndicatorInfo>,
    /// The node the actor may see (the province, or their unit).
    pub scope: i32,
    scope_nodes: HashSet<i32>,
    pub counted: Counted,
    /// Each indicator's facts of the target's year (shared with the
    /// server's kept figures; for a unit's account, its own unit's, read afresh).
    facts: Vec<facts::IndicatorFacts>,
    defs: Vec<IndicatorDef>,
    /// Read once for the target: other periods' expectations come from them.
    exp: Expectations,
    uses: HashMap<i32, Vec<i32>>,
    /// Roll-ups already made for other periods of the same facts: a
    /// dashboard asks for each month several times (tiles, plan, outliers,
    /// trend), and each is a pass over every fact.
    at_cache: std::sync::Mutex<HashMap<Period, std::sync::Arc<Rollup>>>,
}

impl Figures {
    pub fn cell(&self, node: i32, indicator: i32, part: &str) -> Result<Cell> {
        if !self.scope_nodes.contains(&node) {
            return Err(ServiceError::forbidden());
        }
        self.rollup()?.cell(&self.tree, node, indicator, part).map_err(|e| ServiceError::Internal(format!("roll-up: {e:?}")))
    }

    /// The target period's roll-up (made once).
    pub fn rollup(&self) -> Result<&Rollup> {
        if let Some(r) = self.rollup.get() {
            return Ok(r);
        }
        let r = self.make(self.target, &self.expected)?;
        Ok(self.rollup.get_or_init(|| r))
    }

    fn make(&self, target: Period, expected: &HashMap<i32, HashSet<i32>>) -> Result<Rollup> {
        let facts: Vec<&[Fact]> = self.facts.iter().map(|f| facts::starting_within(f, &target)).collect();
        Rollup::new(&aggregate::Input { facts: &facts, indicators: &self.defs, expected, target, counted: self.counted })
            .map_err(|e| ServiceError::Internal(format!("roll-up: {e:?}")))
    }

    pub fn indicator(&self, id: i32) -> Option<&IndicatorInfo> {
        self.indicators.iter().find(|i| i.id == id)
    }

    pub fn unit(&self, id: i32) -> Option<&UnitRow> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The same figures for another period of the same year (trends),
    /// without expectations (counts of reporters only).
    pub fn at(&self, target: Period) -> Result<std::sync::Arc<Rollup>> {
        if let Some(r) = self.at_cache.lock().unwrap_or_else(|e| e.into_inner()).get(&target) {
            return Ok(r.clone());
        }
        let r = std::sync::Arc::new(self.make(target, &HashMap::new())?);
        self.at_cache.lock().unwrap_or_else(|e| e.into_inner()).insert(target, r.clone());
        Ok(r)
    }

    /// Who was expected to report each indicator for another period of the
    /// same year, within the actor's reach.
    pub fn expected_at(&self, target: &Period) -> HashMap<i32, HashSet<i32>> {
        let mut expected = expected_in(&self.exp, &self.uses, target);
        for set in expected.values_mut() {
            set.retain(|u| self.scope_nodes.contains(u));
        }
        expected
    }

    /// The same facts rolled up for another period of the same year with
    /// its own expectations (a feed of every month of a year); the target's
    /// own roll-up is reused when it was made, and otherwise not kept.
    pub fn rollup_for(&self, target: Period) -> Result<std::borrow::Cow<'_, Rollup>> {
        if let Some(r) = self.rollup.get().filter(|r| r.target == target) {
            return Ok(std::borrow::Cow::Borrowed(r));
        }
        let made = if target == self.target { self.make(target, &self.expected) } else { self.make(target, &self.expected_at(&target)) };
        made.map(std::borrow::Cow::Owned)
    }

    pub fn in_scope(&self, node: i32) -> bool {
        self.scope_nodes.contains(&node)
    }

    /// The children of a node that the actor may see, in reference order.
    pub fn children(&self, node: i32) -> Vec<&UnitRow> {
        self.units.iter().filter(|u| u.parent_id == Some(node) && self.scope_nodes.contains(&u.id)).collect()
    }
}

/// The province's root unit (the one without a parent).
pub fn province_root(units: &[UnitRow]) -> Result<i32> {
    units
        .iter()
        .find(|u| u.parent_id.is_none() && u.kind == domain::org::OrgKind::Province)
        .or_else(|| units.iter().find(|u| u.parent_id.is_none()))
        .map(|u| u.id)
        .ok_or_else(|| ServiceError::NotFound("Chưa có cây đơn vị.".into()))
}

/// Every indicator's roll-up description, with rates resolved to ids.
pub async fn indicator_infos<C: ConnectionTrait>(db: &C, ids: Option<&[i32]>) -> Result<Vec<IndicatorInfo>> {
    let mut q = indicator::Entity::find().filter(indicator::Column::Active.eq(true)).order_by_asc(indicator::Column::Code);
    if let Some(ids) = ids {
        q = q.filter(indicator::Column::Id.is_in(ids.to_vec()));
    }
    let rows = q.all(db).await?;
    let parts = breakdown_part::Entity::find().order_by_asc(breakdown_part::Column::SortOrder).all(db).await?;
    let mut by_breakdown: HashMap<i32, Vec<(String, String)>> = HashMap::new();
    for p in parts {
        by_breakdown.entry(p.breakdown_id).or_default().push((p.code, p.name));
    }
    Ok(rows
        .into_iter()
        .map(|m| IndicatorInfo {
            id: m.id,
            scale: if matches!(m.value_type.as_str(), "so_thap_phan" | "ty_le") { m.scale.clamp(0, 9) as u8 } else { 0 },
            aggregation: Aggregation::from_code(&m.aggregation).unwrap_or_default(),
            parts: m.breakdown_id.and_then(|b| by_breakdown.get(&b).cloned()).unwrap_or_default(),
            rate: m.rate_numerator.clone().zip(m.rate_denominator.clone()),
            code: m.code,
            name: m.name,
            uom: m.unit,
            statistical: m.statistical,
            sector: m.sector,
            owner_unit_id: m.owner_unit_id,
        })
        .collect())
}

/// Who was expected to report each indicator for a target period: for
/// every regime, its period ending with the target (a month, quarter… that
/// tiles it), the version in force for that period, and the units that
/// version binds if it uses the indicator.
pub async fn expected_units<C: ConnectionTrait>(db: &C, indicator_ids: &[i32], target: &Period) -> Result<HashMap<i32, HashSet<i32>>> {
    let exp = Expectations::load(db).await?;
    let uses = version_uses(db, indicator_ids).await?;
    Ok(expected_in(&exp, &uses, target))
}

/// The indicators each regime version uses, of these indicators.
pub async fn version_uses<C: ConnectionTrait>(db: &C, indicator_ids: &[i32]) -> Result<HashMap<i32, Vec<i32>>> {
    let pairs: Vec<(i32, i32)> = regime_version_indicator::Entity::find()
        .select_only()
        .columns([regime_version_indicator::Column::RegimeVersionId, regime_version_indicator::Column::IndicatorId])
        .filter(regime_version_indicator::Column::IndicatorId.is_in(indicator_ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let mut uses: HashMap<i32, Vec<i32>> = HashMap::new();
    for (v, i) in pairs {
        uses.entry(v).or_default().push(i);
    }
    Ok(uses)
}

/// `expected_units` from expectations and version uses already read (a
/// feed of many periods reads them once).
pub fn expected_in(exp: &Expectations, uses: &HashMap<i32, Vec<i32>>, target: &Period) -> HashMap<i32, HashSet<i32>> {
    let mut out: HashMap<i32, HashSet<i32>> = HashMap::new();
    for r in &exp.regimes {
        let freqs: BTreeSet<Frequency> = r.versions.iter().map(|v| v.schedule.frequency).collect();
        for f in freqs {
            let Some(tiles) = aggregate::tiling(f, target) else { continue };
            let Some(last) = tiles.last() else { continue };
            // The version in force for the period. Only for a period before
            // any version took effect (history loaded later) does the first
            // version of this frequency stand in: when a version of another
            // frequency is in force, this frequency expects nobody.
            let effects: Vec<_> = r.versions.iter().map(|v| v.effect).collect();
            let v = match domain::board::version_in_force(&effects, last) {
                Some(_) => r.in_force(last),
                None => r.versions.iter().filter(|v| v.schedule.frequency == f).min_by_key(|v| v.effect.version),
            };
            let Some(v) = v else { continue };
            for i in uses.get(&v.effect.id).into_iter().flatten() {
                out.entry(*i).or_default().extend(v.units.iter().copied());
            }
        }
    }
    out
}

/// The roll-up of some indicators (all active ones when `None`) for a
/// target period, as the actor may see it.
pub async fn figures<C: ConnectionTrait>(db: &C, actor: &Actor, indicator_ids: Option<&[i32]>, target: Period, counted: Counted) -> Result<Figures> {
    if matches!(target, Period::OneOff { .. }) {
        return Err(ServiceError::field("period", "Kỳ tổng hợp phải là tháng, quý, 6 tháng, 9 tháng hoặc năm."));
    }
    let units = crate::org::list_units(db).await?;
    let root = province_root(&units)?;
    let tree = Tree::new(&units.iter().map(|u| (u.id, u.parent_id)).collect::<Vec<_>>());
    let (scope, only): (i32, Option<Vec<i32>>) = if actor.sees_whole_province() { (root, None) } else { (actor.unit_id, Some(vec![actor.unit_id])) };
    let scope_nodes: HashSet<i32> = match &only {
        None => tree.subtree(root).into_iter().collect(),
        Some(u) => u.iter().copied().collect(),
    };
    let mut infos = indicator_infos(db, indicator_ids).await?;
    // A rate needs its parts, even when they were not asked for (looked up
    // by code: only the parts', not the whole catalogue with its breakdowns).
    let part_codes: Vec<String> = infos.iter().filter_map(|i| i.rate.clone()).flat_map(|(n, d)| [n, d]).collect();
    let codes: HashMap<String, i32> = if part_codes.is_empty() {
        HashMap::new()
    } else {
        indicator::Entity::find()
            .select_only()
            .columns([indicator::Column::Code, indicator::Column::Id])
            .filter(indicator::Column::Active.eq(true))
            .filter(indicator::Column::Code.is_in(part_codes))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let wanted: Vec<i32> = infos
        .iter()
        .filter_map(|i| i.rate.as_ref())
        .flat_map(|(n, d)| [codes.get(n).copied(), codes.get(d).copied()])
        .flatten()
        .filter(|id| !infos.iter().any(|i| i.id == *id))
        .collect();
    if !wanted.is_empty() {
        infos.extend(indicator_infos(db, Some(&wanted)).await?);
    }
    let defs: Vec<IndicatorDef> = infos
        .iter()
        .map(|i| IndicatorDef {
            id: i.id,
            aggregation: i.aggregation,
            parts: i.parts.iter().map(|p| p.0.clone()).collect(),
            rate: i
                .rate
                .as_ref()
                .and_then(|(n, d)| Some(Rate { numerator: *codes.get(n)?, denominator: *codes.get(d)?, factor: Dec::from_int(RATE_FACTOR) })),
        })
        .collect();
    let ids: Vec<i32> = infos.iter().map(|i| i.id).collect();
    let scales: Vec<(i32, u8)> = infos.iter().map(|i| (i.id, i.scale)).collect();
    let facts = match &only {
        None => facts::of_year(db, &scales, target.year()).await?,
        Some(units) => facts::of_units(db, &scales, target.year(), units).await?,
    };
    let exp = Expectations::load(db).await?;
    let uses = version_uses(db, &ids).await?;
    let mut expected = expected_in(&exp, &uses, &target);
    for set in expected.values_mut() {
        set.retain(|u| scope_nodes.contains(u));
    }
    Ok(Figures {
        target,
        expected,
        rollup: Default::default(),
        tree,
        units,
        indicators: infos,
        scope,
        scope_nodes,
        counted,
        facts,
        defs,
        exp,
        uses,
        at_cache: Default::default(),
    })
}
