//! DHIS2 interchange (issue 14): data value sets out of and into baocao,
//! with codes as identifiers (indicator code ↔ data element, unit code ↔
//! org unit, breakdown part ↔ category option combo, period key ↔ DHIS2
//! period). The formats themselves are pure, in `domain::dhis2`.
//!
//! - [`export`]: the delivered figures (reports sent or accepted) of a period.
//! - [`import`]: each value goes to the report of (unit, the regime whose
//!   version in force for the period has the indicator, period), started as
//!   a draft when none exists and the unit is bound to that version; only
//!   the token's units; through the same reading ([`super::write::read_literal`])
//!   and save as the API's write, audited with source "DHIS2"; one
//!   transaction per report; a dry run rolls every transaction back.

use super::ApiClient;
use super::write::{check_may_write, read_literal};
use crate::board::expected::Expectations;
use crate::reports::entry::{check_open, save_in_txn};
use crate::reports::overview::{draft_model, find_report};
use crate::reports::store::{decode, figures_of, load_values};
use crate::reports::{Changes, Source, load, record_event};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::dec::Dec;
use domain::dhis2::{DataValueIn, DataValueOut, Literal, from_dhis2, part_of_combo, to_dhis2};
use domain::entry::cell_key;
use domain::indicator::{IndicatorSpec, Value, ValueType};
use domain::period::Period;
use domain::report::ReportStatus;
use domain::{Actor, Role};
use entity::{indicator, org_unit, regime, regime_version_indicator, report, report_value};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What to export: a period (DHIS2's `202507` or baocao's `2025-07`),
/// optionally one regime and one unit (codes).
#[derive(Clone, Debug, Default)]
pub struct ExportFilter {
    pub period: Option<String>,
    pub regime: Option<String>,
    pub unit: Option<String>,
}

/// A period as DHIS2 or baocao writes it.
pub fn read_period(s: &str) -> std::result::Result<Period, String> {
    from_dhis2(s).or_else(|e| Period::parse_key(s.trim()).map_err(|_| e))
}

/// A figure in its machine form: dot decimal, `true`/`false`, YYYY-MM-DD, text.
pub fn value_text(spec: &IndicatorSpec, v: &Value) -> String {
    match v {
        Value::Num(n) => Dec::from_scaled(*n, spec.effective_scale()).to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Text(t) => t.clone(),
    }
}

/// The delivered figures (reports sent or accepted) of a period as DHIS2
/// data values, for a machine client (every token reads delivered figures).
pub async fn export(db: &crate::Db, _client: &ApiClient, f: ExportFilter) -> Result<Vec<DataValueOut>> {
    export_values(db, f).await
}

/// The same download for a person: the provincial office, the province's
/// leaders and the administrator (who see the whole province).
pub async fn export_for(db: &crate::Db, actor: &Actor, f: ExportFilter) -> Result<Vec<DataValueOut>> {
    if !actor.sees_whole_province() {
        return Err(ServiceError::Forbidden("Tải số liệu cho DHIS2 dành cho Văn phòng UBND tỉnh, lãnh đạo tỉnh và quản trị.".into()));
    }
    export_values(db, f).await
}

/// Ordered by org unit, data element and combination.
async fn export_values(db: &crate::Db, f: ExportFilter) -> Result<Vec<DataValueOut>> {
    let raw = f
        .period
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ServiceError::field("period", "Cần nêu kỳ (period), ví dụ 202507, 2025Q3, 2025S1 hoặc 2025."))?;
    let period = read_period(raw).map_err(|m| ServiceError::field("period", m))?;
    let dhis2_period = to_dhis2(&period).map_err(|m| ServiceError::field("period", m))?;
    let mut q = report::Entity::find()
        .filter(report::Column::PeriodKey.eq(period.key()))
        .filter(report::Column::Status.is_in([ReportStatus::Sent.code(), ReportStatus::Accepted.code()]));
    if let Some(code) = f.regime.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let r = regime::Entity::find()
            .select_only()
            .column(regime::Column::Id)
            .filter(regime::Column::Code.eq(code))
            .into_tuple::<i32>()
            .one(db)
            .await?
            .ok_or_else(|| ServiceError::field("regime", format!("Không có chế độ báo cáo mã «{code}».")))?;
        q = q.filter(report::Column::RegimeId.eq(r));
    }
    let units: HashMap<i32, String> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .column(org_unit::Column::Code)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    if let Some(code) = f.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let id = units
            .iter()
            .find(|(_, c)| c.as_str() == code)
            .map(|(id, _)| *id)
            .ok_or_else(|| ServiceError::field("unit", format!("Không có đơn vị mã «{code}».")))?;
        q = q.filter(report::Column::UnitId.eq(id));
    }
    let reports: HashMap<i32, i32> =
        q.select_only().column(report::Column::Id).column(report::Column::UnitId).into_tuple().all(db).await?.into_iter().collect();
    let mut rows = Vec::new();
    let ids: Vec<i32> = reports.keys().copied().collect();
    for chunk in ids.chunks(500) {
        rows.extend(
            report_value::Entity::find()
                .filter(report_value::Column::ReportId.is_in(chunk.to_vec()))
                .filter(report_value::Column::Invalid.eq(false))
                .all(db)
                .await?,
        );
    }
    let indicator_ids: HashSet<i32> = rows.iter().map(|r| r.indicator_id).collect();
    let codes: Vec<String> = indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Code)
        .filter(indicator::Column::Id.is_in(indicator_ids))
        .into_tuple()
        .all(db)
        .await?;
    let specs: HashMap<i32, IndicatorSpec> = crate::catalogue::indicators::specs_for(db, &codes).await?.into_iter().collect();
    let mut out: Vec<DataValueOut> = rows
        .into_iter()
        .filter_map(|v| {
            let spec = specs.get(&v.indicator_id)?;
            let value = decode(spec, v.num, v.txt.as_deref())?;
            Some(DataValueOut {
                data_element: spec.code.clone(),
                period: dhis2_period.clone(),
                org_unit: reports.get(&v.report_id).and_then(|u| units.get(u)).cloned().unwrap_or_default(),
                category_option_combo: v.part.clone(),
                value: value_text(spec, &value),
                comment: v.comment.clone(),
                stored_by: String::new(),
                last_updated: v.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.org_unit, &a.data_element, &a.category_option_combo).cmp(&(&b.org_unit, &b.data_element, &b.category_option_combo)));
    Ok(out)
}

/// One value not taken, and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportConflict {
    /// Where the value was and what it named: `Dòng 3 (DS03, 202507, 03646)`.
    pub object: String,
    /// The value as sent.
    pub value: String,
    /// Why it was not taken (Vietnamese).
    pub reason: String,
}

/// The most conflicts one summary lists (`conflicts_total` counts all).
pub const MAX_CONFLICTS: usize = 1000;

/// An import's outcome, shaped like DHIS2's importSummary.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// `SUCCESS` (no conflict), `WARNING` (some values taken, some not),
    /// `ERROR` (conflicts and nothing taken).
    pub status: String,
    /// A dry run: counted as a real import would, nothing kept.
    pub dry_run: bool,
    /// Cells that had no figure and now have one.
    pub imported: usize,
    /// Cells whose figure changed.
    pub updated: usize,
    /// Cells cleared (an empty value or null).
    pub deleted: usize,
    /// Values not taken: unchanged ones and conflicts (as DHIS2 counts).
    pub ignored: usize,
    /// The first 1000 conflicts.
    pub conflicts: Vec<ImportConflict>,
    pub conflicts_total: usize,
    /// Draft reports started by the import.
    pub reports_created: usize,
}

struct Pending {
    v: DataValueIn,
    key: String,
}

fn describe(v: &DataValueIn) -> String {
    let coc = if v.category_option_combo.is_empty() { String::new() } else { format!(", {}", v.category_option_combo) };
    format!("{} ({}{coc}, {}, {})", v.at, v.data_element, v.period, v.org_unit)
}

fn shown(l: &Literal) -> String {
    match l {
        Literal::Null => String::new(),
        Literal::Bool(b) => b.to_string(),
        Literal::Number(t) | Literal::Text(t) => t.chars().take(200).collect(),
    }
}

/// A DHIS2 value read as the API reads one: DHIS2 writes every value as a
/// string, so `"true"`/`"false"` are yes/no and a number is text for a text
/// indicator.
fn literal_for(spec: &IndicatorSpec, l: &Literal) -> Literal {
    match (spec.value_type, l) {
        (ValueType::YesNo, Literal::Text(t)) if t.trim() == "true" => Literal::Bool(true),
        (ValueType::YesNo, Literal::Text(t)) if t.trim() == "false" => Literal::Bool(false),
        (ValueType::Text, Literal::Number(n)) => Literal::Text(n.clone()),
        _ => l.clone(),
    }
}

#[derive(Default)]
struct Tally {
    imported: usize,
    updated: usize,
    deleted: usize,
    ignored: usize,
    conflicts: Vec<ImportConflict>,
    conflicts_total: usize,
    reports_created: usize,
}

impl Tally {
    fn conflict(&mut self, v: &DataValueIn, reason: impl Into<String>) {
        self.ignored += 1;
        self.conflicts_total += 1;
        if self.conflicts.len() < MAX_CONFLICTS {
            self.conflicts.push(ImportConflict { object: describe(v), value: shown(&v.value), reason: reason.into() });
        }
    }
}

/// Imports DHIS2 data values for a write token (checked before anything is
/// read). See the module's documentation.
pub async fn import(db: &crate::Db, client: &ApiClient, values: Vec<DataValueIn>, dry_run: bool, now: DateTime<Utc>) -> Result<ImportSummary> {
    check_may_write(client)?;
    let mut t = Tally::default();
    let units: HashMap<String, i32> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Code)
        .column(org_unit::Column::Id)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let indicators: HashMap<String, i32> = indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Code)
        .column(indicator::Column::Id)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let exp = Expectations::load(db).await?;
    let version_ids: Vec<i32> = exp.regimes.iter().flat_map(|r| r.versions.iter().map(|v| v.effect.id)).collect();
    let mut uses: HashSet<(i32, i32)> = HashSet::new();
    for chunk in version_ids.chunks(500) {
        let rows: Vec<(i32, i32)> = regime_version_indicator::Entity::find()
            .select_only()
            .column(regime_version_indicator::Column::RegimeVersionId)
            .column(regime_version_indicator::Column::IndicatorId)
            .filter(regime_version_indicator::Column::RegimeVersionId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        uses.extend(rows);
    }
    // (unit, regime, period key) → the version in force, the period, its values.
    let mut groups: BTreeMap<(i32, i32, String), (i32, Period, Vec<Pending>)> = BTreeMap::new();
    for v in values {
        let Some(&unit_id) = units.get(&v.org_unit) else {
            let reason = format!("Không có đơn vị mã «{}» (orgUnit).", v.org_unit);
            t.conflict(&v, reason);
            continue;
        };
        if !client.may_write_unit(unit_id) {
            let reason = format!("Khóa API này không được gửi số liệu cho đơn vị «{}».", v.org_unit);
            t.conflict(&v, reason);
            continue;
        }
        let period = match from_dhis2(&v.period) {
            Ok(p) => p,
            Err(m) => {
                t.conflict(&v, m);
                continue;
            }
        };
        let Some(&indicator_id) = indicators.get(&v.data_element) else {
            let reason = format!("Không có chỉ tiêu mã «{}» (dataElement).", v.data_element);
            t.conflict(&v, reason);
            continue;
        };
        let candidates: Vec<_> = exp
            .regimes
            .iter()
            .filter_map(|r| r.in_force(&period).map(|ver| (r, ver)))
            .filter(|(_, ver)| uses.contains(&(ver.effect.id, indicator_id)))
            .collect();
        if candidates.is_empty() {
            let reason = format!("Chỉ tiêu «{}» không có trong chế độ báo cáo nào có hiệu lực cho {}.", v.data_element, period.label());
            t.conflict(&v, reason);
            continue;
        }
        // The regime that binds the unit for this period. Two of them would
        // make the value's report a guess: refused, naming both.
        let binding: Vec<_> = candidates.into_iter().filter(|(_, ver)| ver.units.contains(&unit_id)).collect();
        let (r, ver) = match binding.as_slice() {
            [one] => *one,
            [] => {
                let reason = format!(
                    "Đơn vị «{}» không thuộc đối tượng thực hiện chế độ báo cáo có chỉ tiêu «{}» cho {}.",
                    v.org_unit,
                    v.data_element,
                    period.label()
                );
                t.conflict(&v, reason);
                continue;
            }
            several => {
                let codes: Vec<&str> = several.iter().map(|(r, _)| r.code.as_str()).collect();
                let reason = format!(
                    "Chỉ tiêu «{}» của đơn vị «{}» cho {} thuộc {} chế độ báo cáo ({}): không rõ giá trị vào báo cáo nào; hãy nhập qua biểu mẫu hoặc tệp Excel của chế độ đó.",
                    v.data_element,
                    v.org_unit,
                    period.label(),
                    several.len(),
                    codes.join(", ")
                );
                t.conflict(&v, reason);
                continue;
            }
        };
        let key = cell_key(&v.data_element, part_of_combo(&v.category_option_combo));
        groups.entry((unit_id, r.id, period.key())).or_insert_with(|| (ver.effect.id, period, Vec::new())).2.push(Pending { v, key });
    }
    for ((unit_id, regime_id, period_key), (version_id, period, pending)) in groups {
        import_report(db, client, &mut t, unit_id, regime_id, version_id, &period, &period_key, pending, dry_run, now).await?;
    }
    let taken = t.imported + t.updated + t.deleted;
    let status = match (t.conflicts_total, taken + t.ignored - t.conflicts_total) {
        (0, _) => "SUCCESS",
        (_, 0) => "ERROR",
        _ => "WARNING",
    };
    Ok(ImportSummary {
        status: status.into(),
        dry_run,
        imported: t.imported,
        updated: t.updated,
        deleted: t.deleted,
        ignored: t.ignored,
        conflicts: t.conflicts,
        conflicts_total: t.conflicts_total,
        reports_created: t.reports_created,
    })
}

/// One report's values, in one transaction (rolled back on a dry run).
#[allow(clippy::too_many_arguments)]
async fn import_report(
    db: &crate::Db,
    client: &ApiClient,
    t: &mut Tally,
    unit_id: i32,
    regime_id: i32,
    version_id: i32,
    period: &Period,
    period_key: &str,
    pending: Vec<Pending>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let fail_all = |t: &mut Tally, pending: &[Pending], reason: &str| {
        for p in pending {
            t.conflict(&p.v, reason);
        }
    };
    let existing = find_report(db, regime_id, unit_id, period_key).await?;
    let exception = if existing.is_none() { crate::board::actions::exception_until(db, regime_id, unit_id, period_key).await? } else { None };
    let txn = db.begin().await?;
    let (report_id, created) = match existing {
        Some(r) => (r.id, false),
        None => {
            let doc = crate::catalogue::regimes::parse_doc(
                &entity::regime_version::Entity::find_by_id(version_id)
                    .one(&txn)
                    .await?
                    .ok_or_else(|| ServiceError::Internal("version vanished".into()))?
                    .definition,
            )?;
            match draft_model(regime_id, version_id, unit_id, period, doc.outline.len(), exception, client.user_id, now).insert(&txn).await {
                Ok(m) => {
                    record_event(&txn, m.id, Some(client.user_id), "", ReportStatus::Draft.code(), "Lập báo cáo (nhập từ DHIS2)", now).await?;
                    (m.id, true)
                }
                Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                    txn.rollback().await.ok();
                    fail_all(t, &pending, "Báo cáo vừa được lập cùng lúc; hãy gửi lại.");
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let l = load(&txn, report_id).await?;
    if let Err(e) = check_open(&l, now) {
        txn.rollback().await.ok();
        fail_all(t, &pending, &format!("Báo cáo {} của {}: {e}", l.regime.code, period.label()));
        return Ok(());
    }
    let stored = load_values(&txn, report_id, &l.ids).await?;
    let mut figures = figures_of(&l.doc, &l.specs, &stored);
    let mut comments: HashMap<String, String> = stored.iter().map(|(k, v)| (k.clone(), v.comment.clone())).collect();
    let on_form: HashSet<String> = domain::figures::cells(&l.doc, &l.specs).into_iter().map(|(_, k, _, _, _)| k).collect();
    let mut counts = (0, 0, 0, 0);
    let mut conflicts = Vec::new();
    let mut comments_changed = false;
    let mut seen: HashSet<&str> = HashSet::new();
    for p in &pending {
        if !seen.insert(p.key.as_str()) {
            conflicts.push((p, format!("Ô «{}» đã có giá trị trước đó trong cùng lần nhập; chỉ nhận giá trị đầu tiên.", p.key)));
            continue;
        }
        let spec = l.specs.get(&p.v.data_element).filter(|_| on_form.contains(&p.key));
        let Some(spec) = spec else {
            let reason = match part_of_combo(&p.v.category_option_combo) {
                Some(part) => format!(
                    "Chỉ tiêu «{}» không có phần chia «{part}» (categoryOptionCombo) trên biểu mẫu {} phiên bản {}.",
                    p.v.data_element, l.regime.code, l.version
                ),
                None => format!("Chỉ tiêu «{}» không có trên biểu mẫu {} phiên bản {}.", p.v.data_element, l.regime.code, l.version),
            };
            conflicts.push((p, reason));
            continue;
        };
        match read_literal(spec, &literal_for(spec, &p.v.value)) {
            Ok(new) => {
                let old = figures.values.get(&p.key).cloned();
                match (&old, &new) {
                    (None, Some(_)) => counts.0 += 1,
                    (Some(o), Some(n)) if o != n => counts.1 += 1,
                    (Some(_), None) => counts.2 += 1,
                    _ => counts.3 += 1,
                }
                figures.unreadable.remove(&p.key);
                match new {
                    Some(n) => figures.values.insert(p.key.clone(), n),
                    None => figures.values.remove(&p.key),
                };
                if let Some(c) = &p.v.comment {
                    let c: String = c.trim().chars().take(crate::reports::MAX_COMMENT).collect();
                    if comments.get(&p.key).map(String::as_str).unwrap_or("") != c {
                        comments_changed = true;
                        comments.insert(p.key.clone(), c);
                    }
                }
            }
            Err(m) => conflicts.push((p, format!("{} ({}): {m}", spec.name, p.key))),
        }
    }
    let changed = counts.0 + counts.1 + counts.2 > 0 || comments_changed;
    if changed {
        let actor = Actor { user_id: client.user_id, role: Role::Machine, unit_id };
        let changes =
            Changes { figures, comments: Some(comments), narrative: None, explanations: None, file_name: None, confirm: Default::default() };
        match save_in_txn(&txn, &actor, &l, l.report.row_version, &changes, Source::Dhis2, now).await? {
            Some(saved) => {
                record_event(
                    &txn,
                    report_id,
                    Some(client.user_id),
                    &l.report.status,
                    &l.report.status,
                    &format!("Nhập số liệu từ DHIS2 ({} thay đổi)", saved.changed),
                    now,
                )
                .await?;
            }
            None => {
                txn.rollback().await.ok();
                fail_all(t, &pending, "Báo cáo vừa được sửa cùng lúc; hãy gửi lại.");
                return Ok(());
            }
        }
    }
    if dry_run || !changed {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    t.imported += counts.0;
    t.updated += counts.1;
    t.deleted += counts.2;
    t.ignored += counts.3;
    for (p, reason) in conflicts {
        t.conflict(&p.v, reason);
    }
    if created && changed {
        t.reports_created += 1;
    }
    Ok(())
}
