use super::{json_err, paginate};
use crate::{ServiceError, audit, users::require_admin};
use chrono::Utc;
use domain::catalogue::{RegimeDetail, RegimeFieldsForm, RegimeRow, TryResult, VersionRow};
use domain::indicator::IndicatorSpec;
use domain::org::OrgKind;
use domain::regime::{self, DraftEdit, RegimeDoc, check_regime_code};
use domain::rules::{self, MissingStrategy, RuleDef, Severity};
use domain::views::Page;
use domain::{Actor, FieldErrors};
use entity::{app_user, org_unit, regime as regime_e, regime_unit, regime_version, regime_version_indicator};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashSet;

pub const PER_PAGE: u64 = 20;

pub(crate) fn parse_doc(json: &str) -> crate::Result<RegimeDoc> {
    serde_json::from_str(json).map_err(|e| json_err("regime document", e))
}

pub(crate) fn to_json(doc: &RegimeDoc) -> crate::Result<String> {
    serde_json::to_string(doc).map_err(|e| json_err("regime document", e))
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("Không tìm thấy chế độ báo cáo.".into())
}

async fn latest_version<C: ConnectionTrait>(db: &C, regime_id: i32) -> crate::Result<Option<regime_version::Model>> {
    Ok(regime_version::Entity::find()
        .filter(regime_version::Column::RegimeId.eq(regime_id))
        .order_by_desc(regime_version::Column::Version)
        .one(db)
        .await?)
}

pub async fn list(db: &crate::Db, search: &str, page: u64) -> crate::Result<Page<RegimeRow>> {
    let regimes = regime_e::Entity::find().order_by_asc(regime_e::Column::Code).all(db).await?;
    let mut rows = Vec::new();
    for r in regimes {
        let doc = parse_doc(&r.draft)?;
        if !domain::text::matches(search, &[&r.code, &r.name]) {
            continue;
        }
        let latest = latest_version(db, r.id).await?;
        let unpublished_changes = match &latest {
            Some(v) => parse_doc(&v.definition)? != doc,
            None => true,
        };
        rows.push(RegimeRow {
            id: r.id,
            code: r.code,
            name: r.name,
            frequency: doc.schedule.frequency,
            current_version: r.current_version,
            active: r.active,
            unpublished_changes,
            rule_count: doc.rules.len(),
            row_count: doc.row_count(),
        });
    }
    Ok(paginate(rows, page, PER_PAGE))
}

pub async fn detail(db: &crate::Db, id: i32) -> crate::Result<RegimeDetail> {
    let r = regime_e::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let draft = parse_doc(&r.draft)?;
    let versions = regime_version::Entity::find()
        .filter(regime_version::Column::RegimeId.eq(id))
        .order_by_desc(regime_version::Column::Version)
        .find_also_related(app_user::Entity)
        .all(db)
        .await?;
    let unpublished_changes = match versions.first() {
        Some((v, _)) => parse_doc(&v.definition)? != draft,
        None => true,
    };
    Ok(RegimeDetail {
        id,
        active: r.active,
        current_version: r.current_version,
        unpublished_changes,
        versions: versions
            .into_iter()
            .map(|(v, u)| VersionRow { version: v.version, published_at: v.published_at, published_by: u.map(|u| u.full_name) })
            .collect(),
        draft,
    })
}

/// The document of a published version.
pub async fn version_doc<C: ConnectionTrait>(db: &C, regime_id: i32, version: i32) -> crate::Result<RegimeDoc> {
    let v = regime_version::Entity::find()
        .filter(regime_version::Column::RegimeId.eq(regime_id))
        .filter(regime_version::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("Chế độ báo cáo chưa có phiên bản {version}.")))?;
    parse_doc(&v.definition)
}

/// Codes of every unit and group, for reference checks.
pub(crate) async fn unit_codes<C: ConnectionTrait>(db: &C) -> crate::Result<HashSet<String>> {
    Ok(org_unit::Entity::find().all(db).await?.into_iter().map(|u| u.code).collect())
}

/// Checks a document against the catalogue. A draft may refer to
/// indicators stopped since; a publication may not.
pub(crate) async fn validate_doc<C: ConnectionTrait>(db: &C, doc: &RegimeDoc, for_publication: bool) -> crate::Result<FieldErrors> {
    let specs = super::indicators::specs(db, for_publication).await?;
    let units = unit_codes(db).await?;
    Ok(regime::validate(doc, &|c| specs.get(c).cloned(), &|u| units.contains(u), for_publication))
}

pub async fn create(db: &crate::Db, actor: &Actor, code: &str, name: &str) -> crate::Result<i32> {
    require_admin(actor)?;
    let code = code.trim().to_uppercase();
    let mut e = FieldErrors::new();
    if let Err(m) = check_regime_code(&code) {
        e.add("code", m);
    }
    if name.trim().is_empty() {
        e.add("name", "Tên chế độ báo cáo không được để trống.");
    }
    if regime_e::Entity::find().filter(regime_e::Column::Code.eq(&code)).one(db).await?.is_some() {
        e.add("code", format!("Đã có chế độ báo cáo mã {code}."));
    }
    e.into_result()?;
    let doc = RegimeDoc::new(&code, name.trim());
    let now = Utc::now();
    let txn = db.begin().await?;
    let r = regime_e::ActiveModel {
        code: Set(code.clone()),
        name: Set(doc.name.clone()),
        draft: Set(to_json(&doc)?),
        current_version: Set(0),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| {
        let se = ServiceError::from(err);
        if matches!(se, ServiceError::Duplicate(_)) { ServiceError::field("code", format!("Đã có chế độ báo cáo mã {code}.")) } else { se }
    })?;
    audit::record(&txn, Some(actor.user_id), "tao_che_do", &code, &doc.name).await?;
    txn.commit().await?;
    Ok(r.id)
}

/// Saves a changed draft. A change is refused only for the problems it
/// brings in: a draft that an outside change (a catalogue edit) made invalid
/// can still be repaired step by step. Publication checks everything.
async fn save_draft(db: &crate::Db, actor: &Actor, r: regime_e::Model, doc: RegimeDoc, action: &str) -> crate::Result<()> {
    let before = validate_doc(db, &parse_doc(&r.draft)?, false).await?;
    let after = validate_doc(db, &doc, false).await?;
    let mut new = FieldErrors::new();
    for e in after.0 {
        if !before.0.iter().any(|b| b.message == e.message) {
            new.0.push(e);
        }
    }
    new.into_result()?;
    let code = r.code.clone();
    let txn = db.begin().await?;
    let mut am = r.into_active_model();
    am.name = Set(doc.name.clone());
    am.draft = Set(to_json(&doc)?);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    audit::record(&txn, Some(actor.user_id), action, &code, "").await?;
    txn.commit().await?;
    Ok(())
}

pub async fn update_fields(db: &crate::Db, actor: &Actor, id: i32, form: RegimeFieldsForm) -> crate::Result<()> {
    require_admin(actor)?;
    let r = regime_e::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let mut doc = parse_doc(&r.draft)?;
    form.apply_to(&mut doc)?;
    save_draft(db, actor, r, doc, "sua_che_do").await
}

/// One change from the form designer or the rule editor.
pub async fn edit(db: &crate::Db, actor: &Actor, id: i32, change: DraftEdit) -> crate::Result<()> {
    require_admin(actor)?;
    let r = regime_e::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let mut doc = parse_doc(&r.draft)?;
    doc.apply(change).map_err(|m| ServiceError::field("form", m))?;
    save_draft(db, actor, r, doc, "sua_bieu_mau").await
}

/// Groups expand to their reporting units as they are at publication.
pub(crate) async fn expand_units<C: ConnectionTrait>(db: &C, codes: &[String]) -> crate::Result<Vec<i32>> {
    let units = org_unit::Entity::find().filter(org_unit::Column::Active.eq(true)).all(db).await?;
    let mut ids = Vec::new();
    for code in codes {
        let Some(u) = units.iter().find(|u| &u.code == code) else { continue };
        if u.kind == OrgKind::Group.code() {
            ids.extend(units.iter().filter(|c| c.parent_id == Some(u.id)).map(|c| c.id));
        } else {
            ids.push(u.id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

pub(crate) async fn insert_version<C: ConnectionTrait>(
    db: &C,
    regime_id: i32,
    version: i32,
    doc: &RegimeDoc,
    published_at: chrono::DateTime<Utc>,
    published_by: Option<i32>,
    effective_from: chrono::NaiveDate,
) -> crate::Result<()> {
    let v = regime_version::ActiveModel {
        regime_id: Set(regime_id),
        version: Set(version),
        published_at: Set(published_at),
        published_by: Set(published_by),
        definition: Set(to_json(doc)?),
        effective_from: Set(Some(effective_from)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for unit_id in expand_units(db, &doc.reporting_units).await? {
        regime_unit::ActiveModel { regime_version_id: Set(v.id), unit_id: Set(unit_id) }.insert(db).await?;
    }
    // The rows the version uses, as rows: "who uses this indicator" and
    // "what did this version ask" are then queries.
    let codes = doc.indicator_codes();
    let ids: std::collections::HashMap<String, i32> = entity::indicator::Entity::find()
        .filter(entity::indicator::Column::Code.is_in(codes.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect();
    let mut seen = HashSet::new();
    for (position, code) in codes.iter().enumerate() {
        let Some(&indicator_id) = ids.get(code) else {
            return Err(ServiceError::Internal(format!("version {version} names unknown indicator {code}")));
        };
        if seen.insert(indicator_id) {
            regime_version_indicator::ActiveModel { regime_version_id: Set(v.id), indicator_id: Set(indicator_id), position: Set(position as i32) }
                .insert(db)
                .await?;
        }
    }
    Ok(())
}

/// Publishes the draft as the next version. Reports started on earlier
/// versions keep theirs.
/// Publishes the draft as the next version, in force from `effective_from`
/// (today when not given; never a past day, so what was expected of a unit
/// for a past period stays what it was).
pub async fn publish(
    db: &crate::Db,
    actor: &Actor,
    id: i32,
    effective_from: Option<chrono::NaiveDate>,
    now: chrono::DateTime<Utc>,
) -> crate::Result<i32> {
    require_admin(actor)?;
    let r = regime_e::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let doc = parse_doc(&r.draft)?;
    let today = domain::datefmt::vn_today(now);
    let effective_from = effective_from.unwrap_or(today);
    let mut problems = validate_doc(db, &doc, true).await?;
    if effective_from < today {
        problems.add(
            "effective_from",
            format!(
                "Ngày có hiệu lực không được trước hôm nay ({}): kỳ đã qua giữ nguyên yêu cầu báo cáo lúc đó.",
                domain::datefmt::format_date(today)
            ),
        );
    }
    problems.into_result()?;
    if let Some(v) = latest_version(db, id).await?
        && parse_doc(&v.definition)? == doc
    {
        return Err(ServiceError::Conflict("Bản nháp không có thay đổi nào so với phiên bản đang áp dụng.".into()));
    }
    let next = r.current_version + 1;
    let code = r.code.clone();
    let txn = db.begin().await?;
    insert_version(&txn, id, next, &doc, now, Some(actor.user_id), effective_from).await.map_err(|e| {
        if matches!(e, ServiceError::Duplicate(_)) {
            ServiceError::Conflict("Một người khác vừa ban hành phiên bản mới; hãy tải lại trang.".into())
        } else {
            e
        }
    })?;
    let mut am = r.into_active_model();
    am.current_version = Set(next);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    audit::record(&txn, Some(actor.user_id), "ban_hanh_che_do", &code, &format!("phiên bản {next}")).await?;
    txn.commit().await?;
    Ok(next)
}

pub async fn set_active(db: &crate::Db, actor: &Actor, id: i32, active: bool) -> crate::Result<()> {
    require_admin(actor)?;
    let r = regime_e::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?;
    let code = r.code.clone();
    let mut am = r.into_active_model();
    am.active = Set(active);
    am.updated_at = Set(Utc::now());
    let txn = db.begin().await?;
    am.update(&txn).await?;
    audit::record(&txn, Some(actor.user_id), if active { "kich_hoat_che_do" } else { "ngung_che_do" }, &code, "").await?;
    txn.commit().await?;
    Ok(())
}

/// The specs of a document's rows, in form order (inactive indicators
/// included: an old version still shows them).
pub async fn form_specs<C: ConnectionTrait>(db: &C, doc: &RegimeDoc) -> crate::Result<Vec<IndicatorSpec>> {
    let specs = super::indicators::specs(db, false).await?;
    Ok(doc.indicator_codes().iter().filter_map(|c| specs.get(c).cloned()).collect())
}

/// The preview of a regime's draft (`version: None`) or of a published
/// version, as a clerk will see its form, on a period open now (or the
/// year's first).
pub async fn preview(db: &crate::Db, id: i32, version: Option<i32>, now: chrono::DateTime<Utc>) -> crate::Result<domain::catalogue::PreviewData> {
    let doc = match version {
        Some(v) => version_doc(db, id, v).await?,
        None => parse_doc(&regime_e::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)?.draft)?,
    };
    let specs = form_specs(db, &doc).await?;
    let holidays = super::holidays::all(db).await?;
    let today = domain::datefmt::vn_today(now);
    let period = doc
        .schedule
        .open_periods(today, &holidays)
        .into_iter()
        .next()
        .or_else(|| domain::period::Period::all_in_year(doc.schedule.frequency, chrono::Datelike::year(&today)).into_iter().next());
    let (sample_period, window, deadline) = match period {
        Some(p) => {
            let w = doc.schedule.entry_window(&p, &holidays);
            let d = domain::datefmt::format_date;
            (p.label(), format!("Từ ngày {} đến ngày {}", d(w.cutoff_start), d(w.cutoff_end)), d(w.deadline))
        }
        None => ("Đột xuất".into(), "Theo thời gian của đợt báo cáo".into(), "Theo văn bản yêu cầu".into()),
    };
    let receiving_unit = crate::org::find_unit_by_code(db, &doc.receiving_unit).await.map(|u| u.name).unwrap_or_default();
    Ok(domain::catalogue::PreviewData { regime_id: id, doc, specs, version, sample_period, window, deadline, receiving_unit })
}

/// A rule as the rule editor's form sent it, unchecked.
#[derive(Clone, Debug, Default)]
pub struct RuleForm {
    pub expression: String,
    pub message: String,
    pub severity: String,
    pub missing: String,
}

/// Checks a rule form against the syntax and the catalogue (every indicator
/// and breakdown part it names must exist), field by field.
async fn checked_rule<C: ConnectionTrait>(db: &C, form: RuleForm) -> crate::Result<RuleDef> {
    let mut e = domain::FieldErrors::new();
    let severity = Severity::from_code(&form.severity);
    if severity.is_none() {
        e.add("severity", "Vui lòng chọn mức độ.");
    }
    let missing = MissingStrategy::from_code(&form.missing);
    if missing.is_none() {
        e.add("missing", "Vui lòng chọn cách xử lý số liệu thiếu.");
    }
    let rule = RuleDef {
        expression: form.expression.trim().to_string(),
        message: form.message.trim().to_string(),
        severity: severity.unwrap_or(Severity::Error),
        missing: missing.unwrap_or(MissingStrategy::SkipIfAnyMissing),
    };
    match rules::parse(&rule.expression) {
        Err(p) => e.add("expression", p.to_string()),
        Ok(expr) => {
            let specs = super::indicators::specs(db, false).await?;
            let lookup = |c: &str| {
                specs.get(c).map(|s| rules::CatalogueEntry { value_type: s.value_type, parts: s.parts.iter().map(|p| p.code.clone()).collect() })
            };
            for problem in rules::check(&expr, &lookup) {
                e.add("expression", problem.to_string());
            }
        }
    }
    if rule.message.is_empty() {
        e.add("message", "Vui lòng nhập thông báo cho người nhập số liệu.");
    }
    e.into_result()?;
    Ok(rule)
}

/// Adds a rule to a regime's draft (`index: None`) or replaces rule `index`.
/// The administrator check comes before the expression is even parsed.
pub async fn edit_rule(db: &crate::Db, actor: &Actor, id: i32, index: Option<usize>, form: RuleForm) -> crate::Result<()> {
    require_admin(actor)?;
    let rule = checked_rule(db, form).await?;
    let change = match index {
        None => DraftEdit::AddRule(rule),
        Some(index) => DraftEdit::UpdateRule { index, rule },
    };
    edit(db, actor, id, change).await
}

/// "Try this rule" (an administrator's tool): parse, check against the
/// catalogue, evaluate with sample values.
pub async fn try_rule<C: ConnectionTrait>(db: &C, actor: &Actor, expression: &str, samples: &str) -> crate::Result<TryResult> {
    require_admin(actor)?;
    let expr = match rules::parse(expression) {
        Ok(e) => e,
        Err(p) => return Ok(TryResult { parse_error: Some(p), problems: vec![], outcomes: vec![] }),
    };
    let specs = super::indicators::specs(db, false).await?;
    let lookup =
        |c: &str| specs.get(c).map(|s| rules::CatalogueEntry { value_type: s.value_type, parts: s.parts.iter().map(|p| p.code.clone()).collect() });
    let mut problems: Vec<String> = rules::check(&expr, &lookup).into_iter().map(|c| c.to_string()).collect();
    let values = match rules::parse_samples(samples, &|c| specs.get(c).cloned()) {
        Ok(v) => v,
        Err(m) => {
            problems.push(format!("Giá trị mẫu: {m}"));
            Default::default()
        }
    };
    let outcomes = if problems.is_empty() {
        MissingStrategy::ALL.into_iter().map(|m| (m, rules::evaluate(&expr, m, &|r| values.get(r).cloned()))).collect()
    } else {
        vec![]
    };
    Ok(TryResult { parse_error: None, problems, outcomes })
}

/// Active regimes with a published version, for pickers.
pub async fn published<C: ConnectionTrait>(db: &C) -> crate::Result<Vec<(i32, String, String)>> {
    Ok(regime_e::Entity::find()
        .filter(regime_e::Column::Active.eq(true))
        .filter(regime_e::Column::CurrentVersion.gt(0))
        .order_by_asc(regime_e::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code, r.name))
        .collect())
}

/// Every regime's code and name by id, without the draft form a regime row
/// also carries (lists that only name regimes read this).
pub async fn labels<C: ConnectionTrait>(db: &C) -> crate::Result<std::collections::HashMap<i32, (String, String)>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(i32, String, String)> = regime_e::Entity::find()
        .select_only()
        .columns([regime_e::Column::Id, regime_e::Column::Code, regime_e::Column::Name])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, code, name)| (id, (code, name))).collect())
}
