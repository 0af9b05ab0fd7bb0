//! Moving a whole catalogue between installations as one JSON file. An
//! import is checked in full first, every problem listed, and applied in one
//! transaction or not at all. Export is deterministic: export → import into
//! an empty database → export gives the same bytes.

use super::indicators::codes_in_use;
use super::indicators::{apply_fields, check_in_use_change, fields_of, lookups, resolve_refs};
use super::regimes::{insert_version, parse_doc, to_json};
use crate::{ServiceError, audit, users::require_admin};
use chrono::{DateTime, SubsecRound, Utc};
use domain::Actor;
use domain::catalogue::{HolidayRow, IndicatorFields};
use domain::indicator::{BreakdownPart, IndicatorSpec};
use domain::regime::{self, RegimeDoc, check_regime_code};
use entity::{breakdown, indicator, regime as regime_e, regime_version};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const FORMAT: &str = "baocao-danh-muc";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownFile {
    pub code: String,
    pub name: String,
    pub parts: Vec<BreakdownPart>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorFile {
    #[serde(flatten)]
    pub fields: IndicatorFields,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionFile {
    pub version: i32,
    pub published_at: DateTime<Utc>,
    /// When the version takes effect; files written before this field
    /// existed take the day of publication (Vietnamese time).
    #[serde(default)]
    pub effective_from: Option<chrono::NaiveDate>,
    pub definition: RegimeDoc,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeFile {
    pub code: String,
    pub active: bool,
    pub draft: RegimeDoc,
    pub versions: Vec<VersionFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueFile {
    pub format: String,
    pub format_version: u32,
    pub breakdowns: Vec<BreakdownFile>,
    pub indicators: Vec<IndicatorFile>,
    pub regimes: Vec<RegimeFile>,
    pub holidays: Vec<HolidayRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub breakdowns: usize,
    pub indicators_created: usize,
    pub indicators_updated: usize,
    pub regimes_created: usize,
    pub regimes_updated: usize,
    pub versions_added: usize,
    pub holidays: usize,
}

impl ImportSummary {
    pub fn describe(&self) -> String {
        format!(
            "{} phân tổ; chỉ tiêu: {} thêm mới, {} cập nhật; chế độ báo cáo: {} thêm mới, {} cập nhật, {} phiên bản được thêm; {} ngày nghỉ.",
            self.breakdowns,
            self.indicators_created,
            self.indicators_updated,
            self.regimes_created,
            self.regimes_updated,
            self.versions_added,
            self.holidays
        )
    }
}

pub async fn export<C: ConnectionTrait>(db: &C) -> crate::Result<CatalogueFile> {
    let l = lookups(db).await?;
    let breakdowns = super::breakdowns::list(db).await?.into_iter().map(|b| BreakdownFile { code: b.code, name: b.name, parts: b.parts }).collect();
    let indicators = indicator::Entity::find()
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?
        .iter()
        .map(|m| Ok(IndicatorFile { fields: fields_of(m, &l)?, active: m.active }))
        .collect::<crate::Result<Vec<_>>>()?;
    let mut regimes = Vec::new();
    for r in regime_e::Entity::find().order_by_asc(regime_e::Column::Code).all(db).await? {
        let versions = regime_version::Entity::find()
            .filter(regime_version::Column::RegimeId.eq(r.id))
            .order_by_asc(regime_version::Column::Version)
            .all(db)
            .await?
            .into_iter()
            .map(|v| {
                Ok(VersionFile {
                    version: v.version,
                    published_at: v.published_at,
                    effective_from: v.effective_from,
                    definition: parse_doc(&v.definition)?,
                })
            })
            .collect::<crate::Result<Vec<_>>>()?;
        regimes.push(RegimeFile { code: r.code, active: r.active, draft: parse_doc(&r.draft)?, versions });
    }
    Ok(CatalogueFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        breakdowns,
        indicators,
        regimes,
        holidays: super::holidays::list(db, None).await?,
    })
}

pub async fn export_json(db: &crate::Db, actor: &Actor) -> crate::Result<String> {
    require_admin(actor)?;
    let file = export(db).await?;
    serde_json::to_string_pretty(&file).map_err(|e| ServiceError::Internal(format!("export: {e}")))
}

/// Reads the file, or says where it is malformed.
pub fn parse_file(bytes: &[u8]) -> Result<CatalogueFile, Vec<String>> {
    let file: CatalogueFile = serde_json::from_slice(bytes)
        .map_err(|e| vec![format!("Tệp không phải danh mục baocao hợp lệ (dòng {}, cột {}): {e}", e.line(), e.column())])?;
    if file.format != FORMAT || file.format_version != FORMAT_VERSION {
        return Err(vec![format!("Tệp có định dạng \"{} {}\", hệ thống đọc được \"{FORMAT} {FORMAT_VERSION}\".", file.format, file.format_version)]);
    }
    Ok(file)
}

/// Every problem of a file against this database; empty means it can be applied.
pub async fn check<C: ConnectionTrait>(db: &C, file: &CatalogueFile) -> crate::Result<Vec<String>> {
    let mut p = Vec::new();
    let l = lookups(db).await?;
    let in_use = codes_in_use(db).await?;
    let units = super::regimes::unit_codes(db).await?;
    let existing_bd = super::breakdowns::list(db).await?;

    let mut bd_codes = HashSet::new();
    for b in &file.breakdowns {
        if !bd_codes.insert(b.code.clone()) {
            p.push(format!("Phân tổ {} xuất hiện hai lần.", b.code));
        }
        let text = domain::catalogue::format_parts(&b.parts);
        if let Err(e) = super::breakdowns::check(&b.code, &b.name, &text) {
            p.extend(e.0.into_iter().map(|x| format!("Phân tổ {}: {}", b.code, x.message)));
        }
        if let Some(old) = existing_bd.iter().find(|x| x.code == b.code) {
            let used = indicator::Entity::find().filter(indicator::Column::BreakdownId.eq(old.id)).one(db).await?.is_some();
            if used && old.parts != b.parts {
                p.push(format!("Phân tổ {}: đang được chỉ tiêu sử dụng, không thể đổi các phần.", b.code));
            }
        }
    }
    let known_bd: HashSet<String> = bd_codes.iter().cloned().chain(l.breakdown_id_by_code.keys().cloned()).collect();

    let existing: HashMap<String, indicator::Model> = indicator::Entity::find().all(db).await?.into_iter().map(|m| (m.code.clone(), m)).collect();
    let mut ind_codes = HashSet::new();
    let mut specs: HashMap<String, IndicatorSpec> = super::indicators::specs(db, false).await?;
    let parts_of = |code: &Option<String>| -> Vec<BreakdownPart> {
        code.as_ref()
            .and_then(|c| file.breakdowns.iter().find(|b| &b.code == c).map(|b| b.parts.clone()))
            .or_else(|| code.as_ref().and_then(|c| existing_bd.iter().find(|b| &b.code == c).map(|b| b.parts.clone())))
            .unwrap_or_default()
    };
    for i in &file.indicators {
        let code = &i.fields.code;
        if !ind_codes.insert(code.clone()) {
            p.push(format!("Chỉ tiêu {code} xuất hiện hai lần."));
        }
        match i.fields.to_form().check() {
            Err(e) => p.extend(e.0.into_iter().map(|x| format!("Chỉ tiêu {code}: {}", x.message))),
            Ok(f) => {
                if f != i.fields {
                    p.push(format!("Chỉ tiêu {code}: dữ liệu không ở dạng chuẩn (mã, tên hoặc giới hạn)."));
                }
            }
        }
        if let Some(u) = &i.fields.owner_unit
            && !l.unit_id_by_code.contains_key(u)
        {
            p.push(format!("Chỉ tiêu {code}: không có đơn vị chủ trì mã {u}."));
        }
        if let Some(r) = &i.fields.rate_of {
            for c in [&r.numerator, &r.denominator] {
                if !existing.contains_key(c) && !file.indicators.iter().any(|x| &x.fields.code == c) {
                    p.push(format!("Chỉ tiêu {code}: không có chỉ tiêu mã {c} để tính tỷ lệ."));
                }
            }
        }
        if let Some(b) = &i.fields.breakdown
            && !known_bd.contains(b)
        {
            p.push(format!("Chỉ tiêu {code}: không có phân tổ mã {b}."));
        }
        if let Some(old) = existing.get(code)
            && in_use.contains(code)
        {
            let mut e = domain::FieldErrors::new();
            check_in_use_change(&fields_of(old, &l)?, &i.fields, &mut e);
            p.extend(e.0.into_iter().map(|x| format!("Chỉ tiêu {code}: {}", x.message)));
        }
        specs.insert(
            code.clone(),
            IndicatorSpec {
                code: code.clone(),
                name: i.fields.name.clone(),
                unit: i.fields.unit.clone(),
                value_type: i.fields.value_type,
                scale: i.fields.scale,
                min: i.fields.min,
                max: i.fields.max,
                aggregation: i.fields.aggregation,
                parts: parts_of(&i.fields.breakdown),
                rate_of: None,
            },
        );
    }
    let active_specs: HashMap<String, IndicatorSpec> = specs
        .iter()
        .filter(|(c, _)| {
            file.indicators.iter().find(|i| &i.fields.code == *c).map(|i| i.active).unwrap_or_else(|| existing.get(*c).is_some_and(|m| m.active))
        })
        .map(|(c, s)| (c.clone(), s.clone()))
        .collect();

    let mut reg_codes = HashSet::new();
    for r in &file.regimes {
        if !reg_codes.insert(r.code.clone()) {
            p.push(format!("Chế độ báo cáo {} xuất hiện hai lần.", r.code));
        }
        if let Err(m) = check_regime_code(&r.code) {
            p.push(format!("Chế độ báo cáo {}: {m}", r.code));
        }
        if r.draft.code != r.code {
            p.push(format!("Chế độ báo cáo {}: bản nháp mang mã {} khác mã của chế độ.", r.code, r.draft.code));
        }
        let e = regime::validate(&r.draft, &|c| active_specs.get(c).cloned(), &|u| units.contains(u), false);
        p.extend(e.0.into_iter().map(|x| format!("Chế độ báo cáo {} (bản nháp): {}", r.code, x.message)));
        for (i, v) in r.versions.iter().enumerate() {
            if v.version != i as i32 + 1 {
                p.push(format!("Chế độ báo cáo {}: các phiên bản phải đánh số liên tục từ 1.", r.code));
                break;
            }
            let e = regime::validate(&v.definition, &|c| specs.get(c).cloned(), &|u| units.contains(u), true);
            p.extend(e.0.into_iter().map(|x| format!("Chế độ báo cáo {} phiên bản {}: {}", r.code, v.version, x.message)));
        }
        if let Some(local) = regime_e::Entity::find().filter(regime_e::Column::Code.eq(&r.code)).one(db).await? {
            for v in regime_version::Entity::find().filter(regime_version::Column::RegimeId.eq(local.id)).all(db).await? {
                match r.versions.iter().find(|x| x.version == v.version) {
                    Some(x) if x.definition == parse_doc(&v.definition)? => {}
                    Some(_) => {
                        p.push(format!("Chế độ báo cáo {}: phiên bản {} trong tệp khác với phiên bản đã ban hành trong hệ thống.", r.code, v.version))
                    }
                    None => p.push(format!("Chế độ báo cáo {}: hệ thống đã có phiên bản {} mà tệp không có.", r.code, v.version)),
                }
            }
        }
    }
    let mut days = HashSet::new();
    for h in &file.holidays {
        if !days.insert(h.day) {
            p.push(format!("Ngày nghỉ {} xuất hiện hai lần.", domain::datefmt::format_date(h.day)));
        }
        if h.name.trim().is_empty() {
            p.push(format!("Ngày nghỉ {} chưa có tên.", domain::datefmt::format_date(h.day)));
        }
    }
    Ok(p)
}

/// Applies a checked file in one transaction.
async fn apply<C: ConnectionTrait>(db: &C, file: &CatalogueFile, actor_id: Option<i32>) -> crate::Result<ImportSummary> {
    let mut s = ImportSummary::default();
    let existing_bd = super::breakdowns::list(db).await?;
    for b in &file.breakdowns {
        match existing_bd.iter().find(|x| x.code == b.code) {
            Some(old) => {
                let m = breakdown::Entity::find_by_id(old.id).one(db).await?.ok_or_else(|| ServiceError::Internal("breakdown vanished".into()))?;
                let mut am = m.into_active_model();
                am.name = Set(b.name.clone());
                am.update(db).await?;
                if old.parts != b.parts {
                    super::breakdowns::replace_parts(db, old.id, &b.parts).await?;
                }
            }
            None => {
                super::breakdowns::insert(db, &b.code, &b.name, &b.parts).await?;
            }
        }
        s.breakdowns += 1;
    }
    let mut l = lookups(db).await?;
    l.indicator_codes.extend(file.indicators.iter().map(|i| i.fields.code.clone()));
    for i in &file.indicators {
        let mut e = domain::FieldErrors::new();
        let (owner, bd) = resolve_refs(&i.fields, &l, &mut e);
        match indicator::Entity::find().filter(indicator::Column::Code.eq(&i.fields.code)).one(db).await? {
            Some(m) => {
                let mut am = m.into_active_model();
                apply_fields(&mut am, &i.fields, owner, bd);
                am.active = Set(i.active);
                am.update(db).await?;
                s.indicators_updated += 1;
            }
            None => {
                // Only the installation's own seed (no actor) publishes from
                // the file; an administrator's import publishes nothing.
                super::indicators::insert(db, &i.fields, owner, bd, i.active, actor_id.is_none() && i.fields.public).await?;
                s.indicators_created += 1;
            }
        }
    }
    let now = Utc::now();
    for r in &file.regimes {
        let local = regime_e::Entity::find().filter(regime_e::Column::Code.eq(&r.code)).one(db).await?;
        let current = r.versions.len() as i32;
        let (id, have) = match local {
            Some(m) => {
                let id = m.id;
                let have = m.current_version;
                let mut am = m.into_active_model();
                am.name = Set(r.draft.name.clone());
                am.draft = Set(to_json(&r.draft)?);
                am.active = Set(r.active);
                am.current_version = Set(current.max(have));
                am.updated_at = Set(now);
                am.update(db).await?;
                s.regimes_updated += 1;
                (id, have)
            }
            None => {
                let m = regime_e::ActiveModel {
                    code: Set(r.code.clone()),
                    name: Set(r.draft.name.clone()),
                    draft: Set(to_json(&r.draft)?),
                    current_version: Set(current),
                    active: Set(r.active),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                s.regimes_created += 1;
                (m.id, 0)
            }
        };
        for v in r.versions.iter().filter(|v| v.version > have) {
            let effective = v.effective_from.unwrap_or_else(|| domain::datefmt::vn_today(v.published_at));
            insert_version(db, id, v.version, &v.definition, v.published_at.trunc_subsecs(0), None, effective).await?;
            s.versions_added += 1;
        }
    }
    for h in &file.holidays {
        super::holidays::upsert(db, h).await?;
        s.holidays += 1;
    }
    audit::record(db, actor_id, "nhap_danh_muc", "danh mục", &s.describe()).await?;
    Ok(s)
}

/// Checks and, if nothing is wrong, applies. `Err` carries every problem.
pub async fn import(db: &crate::Db, actor: &Actor, bytes: &[u8]) -> crate::Result<Result<ImportSummary, Vec<String>>> {
    require_admin(actor)?;
    let file = match parse_file(bytes) {
        Ok(f) => f,
        Err(p) => return Ok(Err(p)),
    };
    let txn = db.begin().await?;
    let problems = check(&txn, &file).await?;
    if !problems.is_empty() {
        txn.rollback().await?;
        return Ok(Err(problems));
    }
    let summary = apply(&txn, &file, Some(actor.user_id)).await?;
    txn.commit().await?;
    Ok(Ok(summary))
}

/// Loads a catalogue without an actor (demo seeding and tests).
pub(crate) async fn load(db: &crate::Db, file: &CatalogueFile) -> crate::Result<ImportSummary> {
    let txn = db.begin().await?;
    let problems = check(&txn, file).await?;
    if !problems.is_empty() {
        return Err(ServiceError::Internal(format!("catalogue does not load: {}", problems.join(" | "))));
    }
    let s = apply(&txn, file, None).await?;
    txn.commit().await?;
    Ok(s)
}

/// Counts of the catalogue, for the import/export page.
pub fn counts(file: &CatalogueFile) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([
        ("phân tổ", file.breakdowns.len()),
        ("chỉ tiêu", file.indicators.len()),
        ("chế độ báo cáo", file.regimes.len()),
        ("ngày nghỉ", file.holidays.len()),
    ])
}
