//! A synthetic province: every reporting unit, every published regime,
//! every period of a year, with realistic figures that pass the demo rules.
//! Used by `server generate`, the benchmarks and load tests. Rows are written
//! in bulk, not through `save`, so a province-year takes seconds.

use super::store::encode;
use crate::catalogue::regimes::{insert_version, parse_doc, to_json};
use crate::Result;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use domain::calendar::Holidays;
use domain::column::Column;

use domain::indicator::{Aggregation, IndicatorSpec, Value, ValueType};
use domain::org::OrgKind;
use domain::period::Period;
use domain::regime::{FormRow, FormSection, RegimeDoc};
use domain::report::ReportStatus;
use domain::rules::{MissingStrategy, RuleDef, Severity};
use entity::{indicator, org_unit, regime, regime_unit, regime_version, report, report_value};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub year: i32,
    /// Only periods whose entry window closed before this day (a history that
    /// leaves the open periods to the units). `None`: the whole year.
    pub until: Option<chrono::NaiveDate>,
    /// Rows of an extra monthly regime bound to every unit (0: none), for load tests.
    pub large_regime_rows: usize,
    pub seed: u64,
}

#[derive(Clone, Debug, Default)]
pub struct GenerateSummary {
    pub reports: usize,
    pub values: usize,
}

pub const LARGE_REGIME_CODE: &str = "THU_TAI";

/// The code of the `i`-th (1-based) indicator of the large regime.
pub fn large_code(i: usize) -> String {
    format!("TT{i:04}")
}

/// Creates (once) a monthly regime with `rows` integer indicators in sections
/// of 30, with rules, bound to every reporting unit.
pub async fn ensure_large_regime(db: &crate::Db, rows: usize) -> Result<i32> {
    if let Some(r) = regime::Entity::find().filter(regime::Column::Code.eq(LARGE_REGIME_CODE)).one(db).await? {
        return Ok(r.id);
    }
    let txn = db.begin().await?;
    let now = Utc::now();
    for i in 1..=rows {
        indicator::ActiveModel {
            code: Set(large_code(i)),
            name: Set(format!("Chỉ tiêu thử tải số {i}")),
            unit: Set("Đơn vị".into()),
            value_type: Set(ValueType::Integer.code().into()),
            scale: Set(0),
            min_value: Set(Some(0)),
            max_value: Set(None),
            aggregation: Set(Aggregation::Sum.code().into()),
            sector: Set("Thử tải".into()),
            owner_unit_id: Set(None),
            statistical: Set(false),
            breakdown_id: Set(None),
            method: Set(String::new()),
            description: Set(String::new()),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let mut doc = RegimeDoc::new(LARGE_REGIME_CODE, &format!("Báo cáo thử tải {rows} chỉ tiêu"));
    doc.legal_basis = "Dữ liệu tổng hợp cho kiểm thử tải".into();
    doc.reporting_units = vec![domain::org::GROUP_DEPARTMENTS.into(), domain::org::GROUP_COMMUNES.into(), domain::org::GROUP_BRANCHES.into()];
    doc.columns = vec![Column::Current, Column::SamePeriodLastYear, Column::YearToDate];
    doc.sections = (0..rows.div_ceil(30))
        .map(|s| FormSection {
            title: format!("Nhóm chỉ tiêu {}", s + 1),
            rows: (s * 30 + 1..=((s + 1) * 30).min(rows)).map(|i| FormRow { indicator: large_code(i), required: i % 10 == 1 }).collect(),
        })
        .collect();
    // Every odd indicator is a total, the next one a part of it.
    doc.rules = (1..rows)
        .step_by(2)
        .take(20)
        .map(|i| RuleDef {
            expression: format!("{} <= {}", large_code(i + 1), large_code(i)),
            message: format!("Chỉ tiêu {} không được lớn hơn chỉ tiêu {}.", i + 1, i),
            severity: Severity::Error,
            missing: MissingStrategy::SkipIfAnyMissing,
        })
        .collect();
    let r = regime::ActiveModel {
        code: Set(LARGE_REGIME_CODE.into()),
        name: Set(doc.name.clone()),
        draft: Set(to_json(&doc)?),
        current_version: Set(1),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // In force for any year a benchmark generates.
    insert_version(&txn, r.id, 1, &doc, now, None, domain::period::date(2000, 1, 1)).await?;
    txn.commit().await?;
    Ok(r.id)
}

/// A plausible figure for an indicator, given the unit's kind and the figures
/// drawn so far (so totals and parts, and the demo rules, hold).
fn figure(spec: &IndicatorSpec, kind: OrgKind, drawn: &HashMap<String, i64>, rng: &mut StdRng) -> Option<Value> {
    let commune = matches!(kind, OrgKind::Commune | OrgKind::Ward);
    let scale = 10_i64.pow(spec.effective_scale() as u32);
    let pick = |lo: i64, hi: i64, rng: &mut StdRng| rng.gen_range(lo..=hi.max(lo));
    let v = match spec.code.as_str() {
        "DS01" => pick(if commune { 6_000 } else { 1_200_000 }, if commune { 25_000 } else { 1_300_000 }, rng),
        "DS02" => drawn.get("DS01").map(|d| d / 4).unwrap_or(3_000),
        "GN02" => drawn.get("DS02").map(|h| h * pick(5, 25, rng) / 100).unwrap_or(300),
        "NS02" => drawn.get("NS01").map(|t| t * pick(50, 90, rng) / 100).unwrap_or(0),
        "NS04" => drawn.get("NS03").map(|t| t * pick(20, 40, rng) / 100).unwrap_or(0),
        "HC02" => drawn.get("HC01").map(|t| t * pick(20, 80, rng) / 100).unwrap_or(0),
        "YT03" => drawn.get("YT01").map(|b| b * pick(20, 45, rng) / 100).unwrap_or(0),
        code if code.starts_with("TT") => {
            let n: usize = code[2..].parse().unwrap_or(1);
            if n % 2 == 0 { drawn.get(&large_code(n - 1)).map(|t| t * pick(10, 90, rng) / 100).unwrap_or(0) } else { pick(100, 100_000, rng) }
        }
        _ => match spec.value_type {
            ValueType::Percent => pick(spec.min.unwrap_or(0).max(0), spec.max.unwrap_or(100 * scale).min(100 * scale), rng),
            ValueType::Integer | ValueType::Decimal => pick(if commune { 10 } else { 100 }, if commune { 5_000 } else { 200_000 }, rng) * scale,
            ValueType::YesNo => return Some(Value::Bool(rng.gen_bool(0.8))),
            ValueType::Date => return None,
            ValueType::Text => return None,
        },
    };
    Some(Value::Num(v))
}

/// Splits a total between breakdown parts so they add up.
fn split(total: i64, n: usize, rng: &mut StdRng) -> Vec<i64> {
    let mut left = total;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let v = if i + 1 == n { left } else { left * rng.gen_range(40..=60) / 100 };
        out.push(v);
        left -= v;
    }
    out
}

fn at(date: chrono::NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()).and_utc() - Duration::hours(7)
}

pub async fn generate(db: &crate::Db, opts: &GenerateOptions) -> Result<GenerateSummary> {
    if opts.large_regime_rows > 0 {
        ensure_large_regime(db, opts.large_regime_rows).await?;
    }
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let units: HashMap<i32, org_unit::Model> = org_unit::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let specs = crate::catalogue::indicators::specs(db, false).await?;
    let ids: HashMap<String, i32> = indicator::Entity::find().all(db).await?.into_iter().map(|m| (m.code, m.id)).collect();
    let holidays: Holidays = crate::catalogue::holidays::all(db).await?;
    let mut summary = GenerateSummary::default();
    let regimes = regime::Entity::find().filter(regime::Column::CurrentVersion.gt(0)).all(db).await?;
    for r in regimes {
        let Some(v) = regime_version::Entity::find()
            .filter(regime_version::Column::RegimeId.eq(r.id))
            .filter(regime_version::Column::Version.eq(r.current_version))
            .one(db)
            .await?
        else {
            continue;
        };
        let doc = parse_doc(&v.definition)?;
        let bound: Vec<i32> = regime_unit::Entity::find().filter(regime_unit::Column::RegimeVersionId.eq(v.id)).all(db).await?.into_iter().map(|b| b.unit_id).collect();
        for p in Period::all_in_year(doc.schedule.frequency, opts.year) {
            let w = doc.schedule.entry_window(&p, &holidays);
            if opts.until.is_some_and(|u| w.locks >= u) {
                continue;
            }
            let existing = report::Entity::find().filter(report::Column::RegimeId.eq(r.id)).filter(report::Column::PeriodKey.eq(p.key())).count(db).await?;
            if existing > 0 {
                continue;
            }
            let txn = db.begin().await?;
            let mut values = Vec::new();
            for unit_id in &bound {
                let kind = units.get(unit_id).and_then(|u| OrgKind::from_code(&u.kind)).unwrap_or(OrgKind::Commune);
                let late = rng.gen_bool(0.12);
                let sent_on = if late { w.deadline + Duration::days(rng.gen_range(1..=5)) } else { w.deadline - Duration::days(rng.gen_range(0..=6)) };
                let sent_at = at(sent_on, rng.gen_range(8..=17));
                let rep = report::ActiveModel {
                    regime_id: Set(r.id),
                    regime_version_id: Set(v.id),
                    unit_id: Set(*unit_id),
                    period_key: Set(p.key()),
                    status: Set(ReportStatus::Accepted.code().into()),
                    row_version: Set(1),
                    narrative: Set(serde_json::to_string(&vec![String::from("Số liệu tổng hợp tự động."); doc.outline.len()]).unwrap_or_default()),
                    explanations: Set("{}".into()),
                    window_exception_until: Set(None),
                    created_at: Set(at(w.opens, 8)),
                    created_by: Set(None),
                    updated_at: Set(sent_at),
                    updated_by: Set(None),
                    sent_at: Set(Some(sent_at)),
                    sent_by: Set(None),
                    on_time: Set(Some(!late)),
                    approved_at: Set(None),
                    approved_by: Set(None),
                    reviewed_at: Set(Some(sent_at + Duration::days(1))),
                    reviewed_by: Set(None),
                    return_reason: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                summary.reports += 1;
                let mut drawn: HashMap<String, i64> = HashMap::new();
                for code in doc.indicator_codes() {
                    let (Some(spec), Some(&iid)) = (specs.get(&code), ids.get(&code)) else { continue };
                    let Some(val) = figure(spec, kind, &drawn, &mut rng) else { continue };
                    let mut cells = vec![(String::new(), val.clone())];
                    if let Value::Num(total) = val {
                        drawn.insert(code.clone(), total);
                        let parts = split(total, spec.parts.len(), &mut rng);
                        cells.extend(spec.parts.iter().zip(parts).map(|(p, n)| (p.code.clone(), Value::Num(n))));
                    }
                    for (part, value) in cells {
                        let (num, txt) = encode(&value);
                        values.push(report_value::ActiveModel {
                            report_id: Set(rep.id),
                            indicator_id: Set(iid),
                            part: Set(part),
                            num: Set(num),
                            txt: Set(txt),
                            comment: Set(String::new()),
                            unit_id: Set(*unit_id),
                            regime_id: Set(r.id),
                            period_key: Set(p.key()),
                            updated_at: Set(sent_at),
                            updated_by: Set(None),
                            ..Default::default()
                        });
                    }
                }
            }
            summary.values += values.len();
            for chunk in values.chunks(1000) {
                report_value::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
            }
            txn.commit().await?;
        }
    }
    Ok(summary)
}
