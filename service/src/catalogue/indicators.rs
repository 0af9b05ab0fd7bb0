use super::paginate;
use crate::codes::decode;
use crate::{ServiceError, audit, users::require_admin};
use chrono::Utc;
use domain::catalogue::{IndicatorFields, IndicatorForm, IndicatorRow};
use domain::indicator::{Aggregation, BreakdownPart, IndicatorSpec, ValueType};
use domain::views::Page;
use domain::{Actor, FieldErrors};
use entity::{breakdown, indicator, org_unit};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::{HashMap, HashSet};

pub const PER_PAGE: u64 = 25;

#[derive(Clone, Debug, Default)]
pub struct IndicatorQuery {
    pub search: String,
    pub sector: String,
    pub only_statistical: bool,
    pub include_inactive: bool,
    pub page: u64,
}

/// Everything needed to turn indicator rows into views and specs.
pub(crate) struct Lookups {
    pub unit_code_by_id: HashMap<i32, (String, String)>,
    pub unit_id_by_code: HashMap<String, i32>,
    pub breakdown_by_id: HashMap<i32, (String, Vec<BreakdownPart>)>,
    pub breakdown_id_by_code: HashMap<String, i32>,
    /// Codes of every indicator, so a rate's numerator and denominator can be
    /// checked (imports add the codes of the file being read).
    pub indicator_codes: HashSet<String>,
}

pub(crate) async fn lookups<C: ConnectionTrait>(db: &C) -> crate::Result<Lookups> {
    let units = org_unit::Entity::find().all(db).await?;
    let bds = super::breakdowns::list(db).await?;
    let indicator_codes = indicator::Entity::find().all(db).await?.into_iter().map(|m| m.code).collect();
    Ok(Lookups {
        indicator_codes,
        unit_code_by_id: units.iter().map(|u| (u.id, (u.code.clone(), u.name.clone()))).collect(),
        unit_id_by_code: units.iter().map(|u| (u.code.clone(), u.id)).collect(),
        breakdown_id_by_code: bds.iter().map(|b| (b.code.clone(), b.id)).collect(),
        breakdown_by_id: bds.into_iter().map(|b| (b.id, (b.code, b.parts))).collect(),
    })
}

pub(crate) fn fields_of(m: &indicator::Model, l: &Lookups) -> crate::Result<IndicatorFields> {
    Ok(IndicatorFields {
        code: m.code.clone(),
        name: m.name.clone(),
        unit: m.unit.clone(),
        value_type: decode(&m.value_type, ValueType::from_code, "indicator.value_type")?,
        scale: m.scale.clamp(0, 9) as u8,
        min: m.min_value,
        max: m.max_value,
        aggregation: decode(&m.aggregation, Aggregation::from_code, "indicator.aggregation")?,
        sector: m.sector.clone(),
        owner_unit: m.owner_unit_id.and_then(|id| l.unit_code_by_id.get(&id)).map(|(c, _)| c.clone()),
        statistical: m.statistical,
        breakdown: m.breakdown_id.and_then(|id| l.breakdown_by_id.get(&id)).map(|(c, _)| c.clone()),
        method: m.method.clone(),
        description: m.description.clone(),
        national_code: m.national_code.clone(),
        rate_of: rate_of(m),
        public: m.public,
    })
}

fn rate_of(m: &indicator::Model) -> Option<domain::indicator::RateOf> {
    match (&m.rate_numerator, &m.rate_denominator) {
        (Some(n), Some(d)) => Some(domain::indicator::RateOf { numerator: n.clone(), denominator: d.clone() }),
        _ => None,
    }
}

/// What forms and rules need of an indicator, given its breakdown's parts.
fn spec_from(m: &indicator::Model, parts: Vec<BreakdownPart>) -> crate::Result<IndicatorSpec> {
    Ok(IndicatorSpec {
        code: m.code.clone(),
        name: m.name.clone(),
        unit: m.unit.clone(),
        value_type: decode(&m.value_type, ValueType::from_code, "indicator.value_type")?,
        scale: m.scale.clamp(0, 9) as u8,
        min: m.min_value,
        max: m.max_value,
        aggregation: decode(&m.aggregation, Aggregation::from_code, "indicator.aggregation")?,
        parts,
        rate_of: rate_of(m),
    })
}

pub(crate) fn spec_of(m: &indicator::Model, l: &Lookups) -> crate::Result<IndicatorSpec> {
    spec_from(m, m.breakdown_id.and_then(|id| l.breakdown_by_id.get(&id)).map(|(_, p)| p.clone()).unwrap_or_default())
}

/// Codes of every indicator on any published version (recorded at
/// publication in `regime_version_indicator`): those keep their type.
pub async fn codes_in_use<C: ConnectionTrait>(db: &C) -> crate::Result<HashSet<String>> {
    let used = entity::regime_version_indicator::Entity::find().find_also_related(entity::indicator::Entity).all(db).await?;
    Ok(used.into_iter().filter_map(|(_, i)| i.map(|i| i.code)).collect())
}

/// Specs of the given indicators (active or not): the lean path a report's
/// load takes on every save.
pub async fn specs_for<C: ConnectionTrait>(db: &C, codes: &[String]) -> crate::Result<Vec<(i32, IndicatorSpec)>> {
    let rows = indicator::Entity::find().filter(indicator::Column::Code.is_in(codes.to_vec())).all(db).await?;
    let breakdowns: HashMap<i32, Vec<BreakdownPart>> = if rows.iter().any(|m| m.breakdown_id.is_some()) {
        super::breakdowns::list(db).await?.into_iter().map(|b| (b.id, b.parts)).collect()
    } else {
        HashMap::new()
    };
    rows.into_iter()
        .map(|m| {
            let parts = m.breakdown_id.and_then(|id| breakdowns.get(&id).cloned()).unwrap_or_default();
            Ok((m.id, spec_from(&m, parts)?))
        })
        .collect()
}

/// Specs of indicators by code: all of them, or only the active ones.
pub async fn specs<C: ConnectionTrait>(db: &C, active_only: bool) -> crate::Result<HashMap<String, IndicatorSpec>> {
    let l = lookups(db).await?;
    let mut q = indicator::Entity::find();
    if active_only {
        q = q.filter(indicator::Column::Active.eq(true));
    }
    q.all(db).await?.iter().map(|m| Ok((m.code.clone(), spec_of(m, &l)?))).collect()
}

fn to_row(m: &indicator::Model, l: &Lookups, in_use: &HashSet<String>) -> crate::Result<IndicatorRow> {
    Ok(IndicatorRow {
        id: m.id,
        fields: fields_of(m, l)?,
        owner_unit_name: m.owner_unit_id.and_then(|id| l.unit_code_by_id.get(&id)).map(|(_, n)| n.clone()),
        active: m.active,
        in_use: in_use.contains(&m.code),
    })
}

pub async fn list(db: &crate::Db, q: IndicatorQuery) -> crate::Result<Page<IndicatorRow>> {
    let l = lookups(db).await?;
    let in_use = codes_in_use(db).await?;
    let all = indicator::Entity::find().order_by_asc(indicator::Column::Code).all(db).await?;
    let rows: Vec<IndicatorRow> = all
        .iter()
        .filter(|m| q.include_inactive || m.active)
        .filter(|m| !q.only_statistical || m.statistical)
        .filter(|m| q.sector.is_empty() || m.sector == q.sector)
        .filter(|m| domain::text::matches(&q.search, &[&m.code, &m.name, &m.sector]))
        .map(|m| to_row(m, &l, &in_use))
        .collect::<crate::Result<Vec<_>>>()?
        .into_iter()
        .collect();
    Ok(paginate(rows, q.page, PER_PAGE))
}

pub async fn get(db: &crate::Db, id: i32) -> crate::Result<IndicatorRow> {
    let l = lookups(db).await?;
    let in_use = codes_in_use(db).await?;
    let m = indicator::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    to_row(&m, &l, &in_use)
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("Không tìm thấy chỉ tiêu.".into())
}

/// References to units and breakdowns must exist.
///
/// (`apply_fields` below leaves `public` alone: catalogue files and
/// spreadsheets do not publish or withdraw open data; `create` and `update`
/// set it from the edit form.)
pub(crate) fn resolve_refs(f: &IndicatorFields, l: &Lookups, e: &mut FieldErrors) -> (Option<i32>, Option<i32>) {
    let owner = f.owner_unit.as_ref().and_then(|c| {
        let id = l.unit_id_by_code.get(c).copied();
        if id.is_none() {
            e.add("owner_unit", format!("Không có đơn vị mã {c}."));
        }
        id
    });
    let bd = f.breakdown.as_ref().and_then(|c| {
        let id = l.breakdown_id_by_code.get(c).copied();
        if id.is_none() {
            e.add("breakdown", format!("Không có phân tổ mã {c}."));
        }
        id
    });
    if let Some(r) = &f.rate_of {
        for (field, code) in [("rate_numerator", &r.numerator), ("rate_denominator", &r.denominator)] {
            if !l.indicator_codes.contains(code) {
                e.add(field, format!("Không có chỉ tiêu mã {code}."));
            }
        }
    }
    (owner, bd)
}

/// An indicator on a published regime keeps its code, type, places and breakdown:
/// figures already reported depend on them.
pub(crate) fn check_in_use_change(old: &IndicatorFields, new: &IndicatorFields, e: &mut FieldErrors) {
    if old.code != new.code {
        e.add("code", "Chỉ tiêu đã dùng trong chế độ báo cáo đã ban hành: không thể đổi mã.");
    }
    if old.value_type != new.value_type || old.scale != new.scale {
        e.add("value_type", "Chỉ tiêu đã dùng trong chế độ báo cáo đã ban hành: không thể đổi kiểu giá trị hay số chữ số thập phân.");
    }
    if old.breakdown != new.breakdown {
        e.add("breakdown", "Chỉ tiêu đã dùng trong chế độ báo cáo đã ban hành: không thể đổi phân tổ.");
    }
}

pub(crate) fn apply_fields(am: &mut indicator::ActiveModel, f: &IndicatorFields, owner: Option<i32>, bd: Option<i32>) {
    am.code = Set(f.code.clone());
    am.name = Set(f.name.clone());
    am.unit = Set(f.unit.clone());
    am.value_type = Set(f.value_type.code().into());
    am.scale = Set(f.scale as i16);
    am.min_value = Set(f.min);
    am.max_value = Set(f.max);
    am.aggregation = Set(f.aggregation.code().into());
    am.sector = Set(f.sector.clone());
    am.owner_unit_id = Set(owner);
    am.statistical = Set(f.statistical);
    am.breakdown_id = Set(bd);
    am.method = Set(f.method.clone());
    am.description = Set(f.description.clone());
    am.national_code = Set(f.national_code.clone());
    am.rate_numerator = Set(f.rate_of.as_ref().map(|r| r.numerator.clone()));
    am.rate_denominator = Set(f.rate_of.as_ref().map(|r| r.denominator.clone()));
    am.updated_at = Set(Utc::now());
}

/// A new indicator. `public` is the caller's decision, never a file's: an
/// administrator's import must not publish figures as open data unseen.
pub(crate) async fn insert<C: ConnectionTrait>(
    db: &C,
    f: &IndicatorFields,
    owner: Option<i32>,
    bd: Option<i32>,
    active: bool,
    public: bool,
) -> crate::Result<i32> {
    let now = Utc::now();
    let mut am = indicator::ActiveModel { active: Set(active), public: Set(public), created_at: Set(now), ..Default::default() };
    apply_fields(&mut am, f, owner, bd);
    Ok(am.insert(db).await?.id)
}

fn duplicate_code(code: &str) -> ServiceError {
    ServiceError::field("code", format!("Đã có chỉ tiêu mã {code}."))
}

pub async fn create(db: &crate::Db, actor: &Actor, form: IndicatorForm) -> crate::Result<i32> {
    require_admin(actor)?;
    let f = form.check()?;
    let l = lookups(db).await?;
    let mut e = FieldErrors::new();
    let (owner, bd) = resolve_refs(&f, &l, &mut e);
    if indicator::Entity::find().filter(indicator::Column::Code.eq(&f.code)).one(db).await?.is_some() {
        e.add("code", format!("Đã có chỉ tiêu mã {}.", f.code));
    }
    e.into_result()?;
    let txn = db.begin().await?;
    let id = insert(&txn, &f, owner, bd, true, f.public)
        .await
        .map_err(|e| if matches!(e, ServiceError::Duplicate(_)) { duplicate_code(&f.code) } else { e })?;
    audit::record(&txn, Some(actor.user_id), "tao_chi_tieu", &f.code, &f.name).await?;
    if f.public {
        audit::record(&txn, Some(actor.user_id), "cong_bo_du_lieu_mo", &f.code, &f.name).await?;
    }
    txn.commit().await?;
    Ok(id)
}

pub async fn update(db: &crate::Db, actor: &Actor, id: i32, form: IndicatorForm) -> crate::Result<()> {
    require_admin(actor)?;
    let f = form.check()?;
    let l = lookups(db).await?;
    let m = indicator::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let old = fields_of(&m, &l)?;
    let mut e = FieldErrors::new();
    let (owner, bd) = resolve_refs(&f, &l, &mut e);
    if codes_in_use(db).await?.contains(&m.code) {
        check_in_use_change(&old, &f, &mut e);
    }
    if f.code != m.code && indicator::Entity::find().filter(indicator::Column::Code.eq(&f.code)).one(db).await?.is_some() {
        e.add("code", format!("Đã có chỉ tiêu mã {}.", f.code));
    }
    e.into_result()?;
    let txn = db.begin().await?;
    let was_public = m.public;
    let mut am = m.into_active_model();
    apply_fields(&mut am, &f, owner, bd);
    // Only this form publishes an indicator (imports leave the mark alone).
    am.public = Set(f.public);
    am.update(&txn).await.map_err(|err| {
        let se = ServiceError::from(err);
        if matches!(se, ServiceError::Duplicate(_)) { duplicate_code(&f.code) } else { se }
    })?;
    audit::record(&txn, Some(actor.user_id), "sua_chi_tieu", &f.code, &f.name).await?;
    if was_public != f.public {
        let what = if f.public { "cong_bo_du_lieu_mo" } else { "thoi_cong_bo_du_lieu_mo" };
        audit::record(&txn, Some(actor.user_id), what, &f.code, &f.name).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Indicators are never deleted (figures and old regime versions refer to
/// them); they stop being offered for new forms.
pub async fn set_active(db: &crate::Db, actor: &Actor, id: i32, active: bool) -> crate::Result<()> {
    require_admin(actor)?;
    let m = indicator::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let code = m.code.clone();
    let mut am = m.into_active_model();
    am.active = Set(active);
    am.updated_at = Set(Utc::now());
    let txn = db.begin().await?;
    am.update(&txn).await?;
    audit::record(&txn, Some(actor.user_id), if active { "kich_hoat_chi_tieu" } else { "ngung_chi_tieu" }, &code, "").await?;
    txn.commit().await?;
    Ok(())
}

/// Distinct sectors in use, for the filter.
pub async fn sectors<C: ConnectionTrait>(db: &C) -> crate::Result<Vec<String>> {
    let mut s: Vec<String> = indicator::Entity::find().all(db).await?.into_iter().map(|m| m.sector).collect();
    s.sort();
    s.dedup();
    Ok(s)
}

/// Lists of indicators and breakdowns for the forms' drop-downs.
pub async fn choices<C: ConnectionTrait>(db: &C) -> crate::Result<(Vec<(String, String)>, Vec<(String, String)>)> {
    let inds = indicator::Entity::find()
        .filter(indicator::Column::Active.eq(true))
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.code, m.name))
        .collect();
    let bds = breakdown::Entity::find().order_by_asc(breakdown::Column::Code).all(db).await?.into_iter().map(|b| (b.code, b.name)).collect();
    Ok((inds, bds))
}
