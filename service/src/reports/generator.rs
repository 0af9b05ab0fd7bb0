//! A synthetic province: every reporting unit, every published regime,
//! every period of a year. Used by `server generate`, the demonstration's
//! history, the benchmarks and load tests. Rows are written in bulk, not
//! through `save`, so a province-year takes seconds.
//!
//! The figures are meant to survive a reader's second look:
//! - each commune and ward has a size of its own (population, area,
//!   households), drawn once from its code so that it is the same in every
//!   run: wards small and dense, mountain communes large and sparse, the
//!   province about 1,3 million people on about 14.110 km²;
//! - a figure is a function of the unit, the indicator and the calendar
//!   month: a baseline with a trend, a season for flows (births, dengue,
//!   tourists), slow steps for stocks (population, hospital beds), noise,
//!   and a few dated events (communes taking over district procedures on
//!   1/7/2025, a dengue outbreak, a tourism peak). A quarter is the sum of
//!   its months, so regimes of different frequencies agree;
//! - every report goes through `check_entry` with the reference columns of
//!   the periods generated before it, as a clerk's does when sending: a
//!   report with an error is drawn again (and left out if it still fails),
//!   a warning gets the explanation a clerk would write.
//!
//! The structure (sizes, trends, events) does not depend on
//! [`GenerateOptions::seed`]; the seed only moves the monthly noise. Years
//! generated in separate runs therefore continue each other.

use super::store::{decode, encode};
use crate::Result;
use crate::catalogue::regimes::{insert_version, parse_doc, to_json};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::calendar::{EntryWindow, Holidays};
use domain::column::Column;
use domain::entry::{References, cell_key, check_entry};
use domain::indicator::{Aggregation, IndicatorSpec, Value, ValueType};
use domain::org::OrgKind;
use domain::period::Period;
use domain::regime::{FormRow, FormSection, RegimeDoc};
use domain::report::ReportStatus;
use domain::rules::{self, MissingStrategy, RuleDef, Severity};
use entity::{indicator, org_unit, regime, regime_unit, regime_version, report, report_event, report_value};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait};
use std::collections::{BTreeMap, HashMap};

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
    /// Reports stored with at least one warning, each explained.
    pub explained: usize,
    /// Drafts drawn again because the checks found an error.
    pub redrawn: usize,
    /// Reports left out: still in error after every draw.
    pub withheld: usize,
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
            unit: Set("đơn vị".into()),
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
    doc.content = "Số liệu tổng hợp dùng để đo hiệu năng của Hệ thống.".into();
    doc.guidance = "Chỉ dùng cho kiểm thử tải.".into();
    doc.outline = vec![domain::regime::OutlineSection { title: "Ghi chú".into(), guidance: String::new() }];
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
    // In force for any year a benchmark asks for: the generator only fills
    // periods a published version covered.
    let since = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single().unwrap_or(now);
    insert_version(&txn, r.id, 1, &doc, since, None, since.date_naive()).await?;
    txn.commit().await?;
    Ok(r.id)
}

// ---------------------------------------------------------------------------
// Deterministic randomness: every draw is a hash of what it is about, so a
// figure does not depend on the order the generator visits units and periods.

/// Where the province's structure comes from (sizes, trends, events).
const STRUCTURE: u64 = 0x534f_4e4c_4131_3434;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(0x5EED, |h, p| splitmix(h ^ p))
}

/// Uniform in [0, 1).
fn uniform(h: u64) -> f64 {
    (splitmix(h) >> 11) as f64 / (1u64 << 53) as f64
}

/// Standard normal (Box–Muller).
fn normal(h: u64) -> f64 {
    let u1 = uniform(h).max(1e-12);
    let u2 = uniform(h ^ 0xA5A5_A5A5_A5A5_A5A5);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A count with mean `lambda`: exact for small means, normal beyond.
fn poisson(lambda: f64, h: u64) -> i64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda > 30.0 {
        return (lambda + lambda.sqrt() * normal(h)).round().max(0.0) as i64;
    }
    let limit = (-lambda).exp();
    let (mut k, mut p, mut state) = (0_i64, 1.0, h);
    loop {
        state = splitmix(state);
        p *= uniform(state);
        if p <= limit || k > 200 {
            return k;
        }
        k += 1;
    }
}

/// Absolute month index (year × 12 + month − 1).
fn month_index(y: i32, m: u32) -> i32 {
    y * 12 + m as i32 - 1
}

fn year_of(m: i32) -> i32 {
    m.div_euclid(12)
}

/// Calendar month (1–12) of an index.
fn month_of(m: i32) -> usize {
    m.rem_euclid(12) as usize + 1
}

/// Years since January 2024, the start of the demo's structure.
fn years(m: i32) -> f64 {
    f64::from(m - month_index(2024, 1)) / 12.0
}

/// The merger of communes and the end of districts (1/7/2025).
fn merged(m: i32) -> bool {
    m >= month_index(2025, 7)
}

/// Dengue outbreak of the 2026 rainy season.
fn dengue_outbreak(m: i32) -> bool {
    (month_index(2026, 8)..=month_index(2026, 10)).contains(&m)
}

/// Tết, plum blossom and the first festivals of 2026 drew unusually many visitors.
fn tourism_peak(m: i32) -> bool {
    (month_index(2026, 1)..=month_index(2026, 3)).contains(&m)
}

// ---------------------------------------------------------------------------
// Units: a size for each, fixed by its code.

const PROVINCE_POPULATION_2024: f64 = 1_300_000.0;
const PROVINCE_AREA_KM2: f64 = 14_110.0;

#[derive(Clone, Debug)]
struct Profile {
    code: String,
    /// "xã Mường Chiên", "phường Tô Hiệu", "Sở Y tế".
    name: String,
    kind: OrgKind,
    key: u64,
    /// Population at the start of 2024 (communes and wards).
    population: f64,
    area_km2: f64,
    /// 0 for a ward, towards 1 for a sparse mountain commune.
    remoteness: f64,
    /// Staff who advise the unit's leaders, and the leaders.
    staff: f64,
    leaders: f64,
}

impl Profile {
    fn is_commune(&self) -> bool {
        matches!(self.kind, OrgKind::Commune | OrgKind::Ward)
    }

    /// A structural draw in [0, 1): the same in every run.
    fn s(&self, salt: &str) -> f64 {
        uniform(hash(&[STRUCTURE, self.key, fnv(salt)]))
    }

    fn s_year(&self, salt: &str, year: i32) -> f64 {
        uniform(hash(&[STRUCTURE, self.key, fnv(salt), year as u64]))
    }

    fn between(&self, salt: &str, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.s(salt)
    }

    /// "xã", "phường": how the unit's clerk names it.
    fn level(&self) -> &'static str {
        if self.kind == OrgKind::Ward { "phường" } else { "xã" }
    }
}

fn profiles(units: &[org_unit::Model]) -> HashMap<i32, Profile> {
    let mut out: HashMap<i32, Profile> = HashMap::new();
    for u in units {
        let Some(kind) = OrgKind::from_code(&u.kind) else { continue };
        let mut p = Profile {
            code: u.code.clone(),
            name: match kind {
                OrgKind::Ward => format!("phường {}", u.short_name),
                OrgKind::Commune => format!("xã {}", u.short_name),
                _ => u.name.clone(),
            },
            kind,
            key: fnv(&u.code),
            population: 0.0,
            area_km2: 0.0,
            remoteness: 0.0,
            staff: 0.0,
            leaders: 0.0,
        };
        match kind {
            OrgKind::Ward => {
                p.area_km2 = p.between("area", 18.0, 110.0);
                p.population = p.area_km2 * p.between("density", 220.0, 900.0);
                p.staff = p.between("staff", 38.0, 55.0).round();
                p.leaders = p.between("leaders", 5.0, 7.99).floor();
            }
            OrgKind::Commune => {
                p.area_km2 = p.between("area", 90.0, 420.0);
                p.population = p.area_km2 * p.between("density", 30.0, 125.0);
                p.staff = p.between("staff", 32.0, 50.0).round();
                p.leaders = p.between("leaders", 5.0, 7.99).floor();
            }
            _ => {
                p.staff = p.between("staff", 25.0, 110.0).round();
                p.leaders = p.between("leaders", 3.0, 5.99).floor();
            }
        }
        out.insert(u.id, p);
    }
    // Scale the communes and wards to the province's population and area,
    // keeping each unit's density.
    let (pop, area, ward_area): (f64, f64, f64) = out
        .values()
        .filter(|p| p.is_commune())
        .fold((0.0, 0.0, 0.0), |(a, b, w), p| (a + p.population, b + p.area_km2, w + if p.kind == OrgKind::Ward { p.area_km2 } else { 0.0 }));
    if pop > 0.0 && area > ward_area {
        let area_factor = (PROVINCE_AREA_KM2 - ward_area) / (area - ward_area);
        let pop_factor = PROVINCE_POPULATION_2024 / pop;
        for p in out.values_mut().filter(|p| p.is_commune()) {
            if p.kind == OrgKind::Commune {
                p.area_km2 *= area_factor;
            }
            p.population *= pop_factor;
            let density = p.population / p.area_km2;
            p.remoteness = if p.kind == OrgKind::Ward { 0.0 } else { (1.0 - (density - 25.0) / 130.0).clamp(0.05, 1.0) };
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Figures.

/// Seasonal weight of a calendar month (1–12).
fn season(profile: &[f64; 12], month: usize) -> f64 {
    profile[month - 1]
}

const RAIN: [f64; 12] = [0.05, 0.03, 0.05, 0.1, 0.3, 0.6, 0.9, 1.0, 1.0, 0.7, 0.3, 0.1];
const DRY: [f64; 12] = [0.6, 1.0, 1.0, 0.7, 0.2, 0.0, 0.0, 0.0, 0.0, 0.05, 0.1, 0.3];
const TOURISM: [f64; 12] = [1.45, 1.5, 1.0, 1.0, 0.9, 0.85, 0.95, 0.95, 0.75, 1.0, 0.9, 0.8];
const BIRTHS: [f64; 12] = [0.95, 0.9, 0.95, 0.95, 1.0, 1.0, 1.02, 1.05, 1.05, 1.05, 1.05, 1.03];
const VISITS: [f64; 12] = [0.9, 0.8, 1.0, 1.0, 1.02, 1.05, 1.08, 1.08, 1.02, 1.0, 1.0, 1.0];
/// Tết and the weeks around it: fewer dossiers, slower offices.
const OFFICE: [f64; 12] = [0.85, 0.75, 1.0, 1.05, 1.05, 1.0, 1.0, 1.05, 1.0, 1.05, 1.05, 1.15];
/// Share of a year's budget receipts collected in each month.
const RECEIPTS: [f64; 12] = [0.85, 0.75, 0.95, 0.95, 1.0, 1.05, 0.95, 0.95, 1.0, 1.05, 1.1, 1.4];
const SPENDING: [f64; 12] = [0.7, 0.7, 0.9, 0.95, 1.0, 1.05, 0.95, 0.95, 1.0, 1.05, 1.15, 1.6];
/// Share of the year's public investment plan disbursed by the end of each month.
const DISBURSED: [f64; 12] = [0.04, 0.08, 0.14, 0.21, 0.29, 0.38, 0.46, 0.54, 0.63, 0.71, 0.82, 0.95];

/// Public investment plan of a department as investor (tỷ đồng), if it has one.
fn investment_plan(code: &str) -> Option<f64> {
    Some(match code {
        "SXD" => 1_150.0,
        "SNNMT" => 880.0,
        "SYT" => 310.0,
        "SGDDT" => 260.0,
        "SVHTTDL" => 125.0,
        "SKHCN" => 85.0,
        "SDTTG" => 60.0,
        "SCT" => 45.0,
        "STP" => 18.0,
        _ => return None,
    })
}

/// Indicators of the demonstration catalogue that the model above knows.
const MODELLED: &[&str] = &[
    "DS01", "DS02", "DS03", "DS04", "NS01", "NS02", "NS03", "NS04", "NS05", "NS06", "NS07", "KT01", "KT02", "KT03", "GD01", "GD02", "GD03", "GD04",
    "GD05", "GD06", "YT01", "YT02", "YT03", "YT04", "YT05", "YT06", "LN01", "LN02", "LN03", "LN04", "LN05", "GN01", "GN02", "GN03", "GN04", "HC01",
    "HC02", "HC03", "CDS01", "CDS02", "CDS03", "CDS04", "CDS05", "CDS06", "CDS07", "DA01", "DA02", "DA03", "DA04", "DA05", "DA06", "DA07", "DA08",
    "DA09", "DA10", "DA11", "DA12", "DA13", "DA14", "DA15", "DA16", "DA17", "DA18", "DA19", "CSDL01", "CSDL02", "CSDL03", "CSDL04", "CSDL05",
    "CSDL06", "CSDL07", "CSDL08", "CSDL09", "CSDL10", "PCTT01", "PCTT02", "PCTT03", "PCTT04", "PCTT05", "PCTT06",
];

const DIFFICULTIES: &[&str] = &[
    "Đường truyền Internet tại một số đơn vị trực thuộc chưa ổn định, ảnh hưởng đến việc cập nhật dữ liệu.",
    "Chưa có cán bộ chuyên trách về chuyển đổi số; cán bộ kiêm nhiệm phải đảm nhận nhiều nhiệm vụ.",
    "Một số phần mềm chuyên ngành do Bộ, ngành Trung ương triển khai chưa kết nối được với Kho dữ liệu dùng chung của tỉnh.",
    "Kinh phí cho số hóa hồ sơ, tài liệu lưu trữ còn hạn chế.",
];

/// One report's figures: a function of the unit, the period and the
/// indicator, with noise from the seed and the draw number.
struct Draw<'a> {
    unit: &'a Profile,
    specs: &'a HashMap<String, IndicatorSpec>,
    months: Vec<i32>,
    end: i32,
    window: EntryWindow,
    /// The regime binds this unit alone: a department then speaks for the
    /// province (the finance department's budget), not for itself.
    province_wide: bool,
    seed: u64,
    attempt: u64,
}

impl Draw<'_> {
    fn noise_key(&self, salt: &str, m: i32) -> u64 {
        hash(&[self.seed, self.attempt, self.unit.key, fnv(salt), m as u64])
    }

    fn z(&self, salt: &str, m: i32) -> f64 {
        normal(self.noise_key(salt, m))
    }

    fn u(&self, salt: &str, m: i32) -> f64 {
        uniform(self.noise_key(salt, m))
    }

    fn scale(&self, code: &str) -> i64 {
        10_i64.pow(u32::from(self.specs.get(code).map(|s| s.effective_scale()).unwrap_or(0)))
    }

    /// A real figure in the indicator's unit, at its scale, within its bounds.
    fn scaled(&self, code: &str, x: f64) -> i64 {
        let v = (x * self.scale(code) as f64).round() as i64;
        let spec = self.specs.get(code);
        let lo = spec.and_then(|s| s.min).unwrap_or(i64::MIN);
        let hi = spec.and_then(|s| s.max).unwrap_or(i64::MAX);
        v.clamp(lo, hi)
    }

    /// `part / whole × 100` at the rate's scale, rounded as a clerk would.
    fn ratio(&self, code: &str, part: i64, whole: i64, part_scale: i64, whole_scale: i64) -> Option<i64> {
        if whole <= 0 {
            return None;
        }
        let num = i128::from(part) * i128::from(whole_scale) * 100 * i128::from(self.scale(code));
        let den = i128::from(whole) * i128::from(part_scale);
        Some(((2 * num + den) / (2 * den)) as i64)
    }

    /// Sum over the period's months of a monthly flow.
    fn flow(&self, f: impl Fn(i32) -> f64) -> f64 {
        self.months.iter().map(|m| f(*m)).sum()
    }

    fn count_flow(&self, salt: &str, lambda: impl Fn(i32) -> f64) -> i64 {
        self.months.iter().map(|m| poisson(lambda(*m), self.noise_key(salt, *m))).sum()
    }

    // -- stocks of communes and wards, structural (no noise): they continue from year to year.

    fn population_at(&self, m: i32) -> f64 {
        let u = self.unit;
        let growth = u.between("growth", 0.006, 0.016);
        let mut pop = u.population * (1.0 + growth).powf(years(m));
        // A few communes whose figures were checked against the national population database in 2026.
        if year_of(m) >= 2026 && u.s("census_review") < 0.05 {
            pop *= if u.s("census_sign") < 0.5 { 0.93 } else { 1.07 };
        }
        pop
    }

    fn population(&self, m: i32) -> i64 {
        self.population_at(m).round() as i64
    }

    fn households(&self, m: i32) -> i64 {
        let u = self.unit;
        let size = if u.kind == OrgKind::Ward { u.between("hh", 3.5, 3.9) } else { u.between("hh", 4.1, 4.7) } * (1.0 - 0.01 * years(m));
        (self.population_at(m) / size).round() as i64
    }

    fn poverty_rate(&self, year: i32) -> f64 {
        let u = self.unit;
        let start = if u.kind == OrgKind::Ward { u.between("poor", 0.004, 0.025) } else { 0.05 + 0.30 * u.remoteness * u.between("poor", 0.6, 1.0) };
        let decline = u.between("poor_decline", 0.10, 0.22);
        // Floods and landslides pushed some households back into poverty in
        // 2026; the decline resumes from there.
        if year >= 2026 && u.kind == OrgKind::Commune && u.s("disaster_2026") < 0.05 {
            return start * (1.0 - decline) * 1.12 * (1.0 - decline).powi(year - 2026);
        }
        start * (1.0 - decline).powi(year - 2024)
    }

    fn poor(&self, year: i32) -> i64 {
        (self.households(month_index(year, 12)) as f64 * self.poverty_rate(year)).round() as i64
    }

    fn sex_split(&self, code: &str, total: i64, share: f64) -> Vec<(String, i64)> {
        let Some(spec) = self.specs.get(code) else { return vec![] };
        if spec.parts.len() != 2 {
            return vec![];
        }
        let male = ((total as f64) * share).round() as i64;
        let male = male.clamp(0, total);
        vec![(spec.parts[0].code.clone(), male), (spec.parts[1].code.clone(), total - male)]
    }

    /// The figure of `code` for the period, with its breakdown parts.
    fn figure(&self, code: &str) -> Option<(Value, Vec<(String, i64)>)> {
        let num = |v: i64| Some((Value::Num(v), vec![]));
        let u = self.unit;
        let end = self.end;
        let year = year_of(end);
        let commune = u.is_commune();
        let wide = self.province_wide && !commune;
        match code {
            "DS01" if commune => {
                let pop = self.population(end);
                let parts = self.sex_split(code, pop, u.between("male", 0.497, 0.512));
                Some((Value::Num(pop), parts))
            }
            "DS02" if commune => num(self.households(end)),
            "DS03" if commune => {
                let cbr = 0.014 + 0.008 * u.remoteness;
                let total = self.count_flow("births", |m| {
                    self.population_at(m) * cbr / 12.0 * season(&BIRTHS, month_of(m)) * (1.0 + 0.05 * self.z("births_level", m))
                });
                let share = 0.515 + 0.5 * self.z("births_sex", end) / ((total + 4) as f64).sqrt();
                let parts = self.sex_split(code, total, share.clamp(0.0, 1.0));
                Some((Value::Num(total), parts))
            }
            "DS04" if commune => num(self.scaled(code, 1.0 + 0.6 * u.remoteness + 0.05 * self.z("natural", end))),
            "NS01" if commune || wide => num(self.scaled(code, self.receipts())),
            "NS02" => {
                let total = self.figure("NS01").and_then(|(v, _)| if let Value::Num(n) = v { Some(n) } else { None })?;
                let share = if commune { u.between("domestic", 0.82, 0.97) } else { 0.95 } + 0.01 * self.z("domestic", end);
                num(((total as f64) * share.min(1.0)).floor() as i64)
            }
            "NS03" if wide => num(self.scaled(
                code,
                self.flow(|m| 19_500_000.0 / 12.0 * season(&SPENDING, month_of(m)) * 1.05_f64.powf(years(m)) * (1.0 + 0.04 * self.z("spending", m))),
            )),
            "NS04" if wide => {
                let total = self.num("NS03")?;
                num(((total as f64) * (0.26 + 0.03 * self.z("development", end)).clamp(0.15, 0.35)).floor() as i64)
            }
            "NS06" => self.investment_plan(year).map(|plan| (Value::Num(self.scaled(code, plan)), vec![])),
            "NS07" => {
                let plan = self.num("NS06")?;
                let pace = if commune { 0.95 } else { u.between("disbursement", 0.78, 1.08) } * (1.0 + 0.06 * (u.s_year("disbursement", year) - 0.5));
                let share = (DISBURSED[month_of(end) - 1] * pace + 0.01 * self.z("disbursed", end)).clamp(0.0, 0.99);
                num(((plan as f64) * share).floor() as i64)
            }
            "NS05" => {
                let (plan, done) = (self.num("NS06")?, self.num("NS07")?);
                num(self.ratio(code, done, plan, self.scale("NS07"), self.scale("NS06"))?)
            }
            "KT01" if wide => num(self.count_flow("enterprises", |m| 38.0 * season(&OFFICE, month_of(m)) * 1.04_f64.powf(years(m)))),
            "HC01" if commune => num(self.dossiers()),
            "HC02" if commune => {
                let online_base = u.between("online", -0.08, 0.08);
                let total: i64 = self
                    .months
                    .iter()
                    .map(|m| {
                        let received = self.dossiers_in(*m);
                        let share = (0.25 + 0.16 * years(*m) + online_base + 0.03 * self.z("online", *m)).clamp(0.05, 0.92);
                        ((received as f64) * share).floor() as i64
                    })
                    .sum();
                num(total)
            }
            "HC03" if commune => num(self.scaled(code, 98.6 - 1.8 * u.remoteness - 0.8 * self.z("on_time", end).abs())),
            "YT01" if wide => {
                // New wards open in January; beds never close during a year.
                let beds: f64 = (2025..=year).fold(4_300.0, |b, y| b * (1.0 + 0.01 + 0.02 * u.s_year("beds", y)));
                num(beds.round() as i64)
            }
            "YT02" if wide => num(self.scaled(
                code,
                self.flow(|m| 310_000.0 * season(&VISITS, month_of(m)) * 1.02_f64.powf(years(m)) * (1.0 + 0.04 * self.z("visits", m))),
            )),
            "YT03" if wide => num((1_650.0 * 1.03_f64.powf(years(end)) + 3.0 * self.z("doctors", end)).round() as i64),
            "YT04" if wide => num(self.scaled(code, (95.0 + 1.2 * self.z("immunisation", end)).min(99.6))),
            "YT05" if wide => num(self.scaled(code, (95.2 + 0.4 * years(end) + 0.3 * self.z("insurance", end)).min(99.0))),
            "YT06" if wide => num(self.count_flow("dengue", |m| {
                let outbreak = if dengue_outbreak(m) { 5.0 } else { 1.0 };
                (3.0 + 45.0 * season(&RAIN, month_of(m))) * outbreak * (0.2 * self.z("dengue_level", m)).exp()
            })),
            "KT02" if wide => num(self.visitors()),
            "KT03" if wide => {
                let visitors = self.visitors() as f64;
                let spend = 1.15 * 1.04_f64.powf(years(end)) * (1.0 + 0.03 * self.z("spend", end));
                num(self.scaled(code, visitors * spend / 1_000.0))
            }
            "GD01" | "GD02" | "GD03" if wide => {
                // Enrolment changes with the school year, which starts in September.
                let school_year = if month_of(end) >= 9 { year } else { year - 1 };
                let (base, trend) = match code {
                    "GD01" => (86_000.0, -0.004),
                    "GD02" => (132_000.0, 0.003),
                    _ => (98_000.0, 0.008),
                };
                let n = (base * (1.0 + trend + 0.004 * (u.s_year(code, school_year) - 0.5)).powi(school_year - 2023)).round() as i64;
                let parts = self.sex_split(code, n, 0.515);
                Some((Value::Num(n), parts))
            }
            "GD04" if wide => num(self.scaled(code, (99.2 + 0.25 * self.z("grade1", end)).min(100.0))),
            "GD05" if wide => {
                let school_year = if month_of(end) >= 9 { year } else { year - 1 };
                let added: f64 = (2024..=school_year).map(|y| 12.0 + 14.0 * u.s_year("standard_schools", y)).sum();
                num((410.0 + added).round() as i64)
            }
            "GD06" if wide => num(self.scaled(code, (0.45 + 0.08 * self.z("dropout", end)).max(0.05))),
            "LN01" if wide => num(self.scaled(code, 46.2 + 0.45 * f64::from(year - 2024) + 0.08 * self.z("cover", end))),
            "LN02" if wide => num(self.scaled(code, 4_200.0 * (1.0 + 0.12 * self.z("planted", end)))),
            "LN03" if commune => num(self.fires()),
            "LN05" if commune => {
                let fires = self.fires();
                let area: f64 = (0..fires).map(|i| 0.1 + 2.4 * self.u("burnt", end * 100 + i as i32)).sum();
                num(self.scaled(code, area))
            }
            "LN04" if wide => num(self.scaled(code, 715_000.0 * 1.01_f64.powf(years(end)) * (1.0 + 0.03 * self.z("grain", end)))),
            "GN02" if commune => num(self.poor(year)),
            "GN01" if commune => num(self.ratio(code, self.poor(year), self.households(month_index(year, 12)), 1, 1)?),
            "GN03" if commune => {
                let (before, now) = (self.poor(year - 1), self.poor(year));
                let new_poor = ((now as f64) * u.between("new_poor", 0.03, 0.08)).round() as i64;
                num((before - now + new_poor).max(0))
            }
            "GN04" if commune => {
                let hh = self.households(month_index(year, 12)) as f64;
                num((hh * (0.6 * self.poverty_rate(year) + u.between("near_poor", 0.02, 0.05))).round() as i64)
            }
            "CDS01" => Some((Value::Bool(true), vec![])),
            "CDS02" => {
                let base = if commune { 82.0 } else { 88.0 };
                num(self.scaled(
                    code,
                    (base + 10.0 * (1.0 - (-years(end)).exp()) + u.between("signing", -2.0, 2.0) + 0.6 * self.z("signing", end)).min(99.8),
                ))
            }
            "CDS03" => {
                // Each department connects its databases one by one, on dates of its own.
                let planned = (u.s("databases") * 4.0).floor() as i32;
                let connected = (0..planned).filter(|i| month_index(2024, 6) + (u.s(&format!("db{i}")) * 30.0) as i32 <= end).count();
                num(connected as i64)
            }
            "CDS04" => {
                // The scheme's training push before 30/9/2025.
                num(self
                    .count_flow("trained", |m| u.staff * 0.04 * if (month_index(2025, 7)..=month_index(2025, 9)).contains(&m) { 3.0 } else { 1.0 }))
            }
            "CDS05" => {
                let back = (self.u("updated", end) * 20.0) as i64;
                Some((Value::Date((self.window.cutoff_end - Duration::days(back)).max(self.window.cutoff_start)), vec![]))
            }
            "CDS06" => {
                let pick = self.u("difficulty", end);
                (pick < 0.35)
                    .then(|| (Value::Text(DIFFICULTIES[((pick / 0.35) * DIFFICULTIES.len() as f64) as usize % DIFFICULTIES.len()].into()), vec![]))
            }
            "CDS07" => {
                let base = if commune { 72.0 } else { 80.0 };
                num(self.scaled(
                    code,
                    (base + 15.0 * (1.0 - (-years(end) / 1.5).exp()) + u.between("paperless", -3.0, 3.0) + 0.8 * self.z("paperless", end)).min(99.5),
                ))
            }
            "DA01" => num(if commune { u.between("indicators", 28.0, 40.99) } else { u.between("indicators", 18.0, 80.99) }.floor() as i64),
            "DA02" => {
                let total = self.num("DA01")?;
                let share = if commune { u.between("digital", 0.32, 0.78) } else { u.between("digital", 0.38, 0.88) };
                num(((total as f64) * share).round() as i64)
            }
            "DA03" => num(self.ratio(code, self.num("DA02")?, self.num("DA01")?, 1, 1)?),
            "DA04" => num(if commune { u.between("regimes", 4.0, 7.99) } else { u.between("regimes", 3.0, 12.99) }.floor() as i64),
            "DA05" => {
                let total = self.num("DA04")?;
                num(if u.s("regimes_off") < 0.15 { total - 1 } else { total })
            }
            "DA06" => num(self.ratio(code, self.num("DA05")?, self.num("DA04")?, 1, 1)?),
            "DA07" => num(if commune { u.between("open_data", 0.0, 2.99) } else { u.between("open_data", 0.0, 12.99) }.floor() as i64),
            "DA08" => {
                let listed = self.num("DA07")?;
                num(if u.s("open_data_late") < 0.2 { (listed - 1 - (u.s("open_data_gap") * 2.0) as i64).max(0) } else { listed })
            }
            "DA09" => num(u.staff as i64),
            "DA10" => num(if u.s("training_gap") < 0.25 { u.staff as i64 - 1 - (u.s("training_missing") * 4.0) as i64 } else { u.staff as i64 }),
            "DA11" => num(u.leaders as i64),
            "DA12" => {
                let share = if u.s("leaders_trained") < 0.15 { 0.4 } else { u.between("leaders_share", 0.5, 1.0) };
                num((u.leaders * share).ceil().min(u.leaders) as i64)
            }
            "DA13" => num(if commune { (u.s("systems") * 1.99).floor() } else { u.between("systems", 1.0, 5.99).floor() } as i64),
            "DA14" => {
                let systems = self.num("DA13")? as f64;
                let share = if u.s("monitoring_gap") < 0.2 { 0.4 } else { u.between("monitoring", 0.6, 1.0) };
                num((systems * share).ceil().min(systems) as i64)
            }
            "DA15" if wide => num(self.scaled(code, if u.s_year("shared_monitoring", year) < 0.6 { 100.0 } else { 92.0 })),
            "DA16" if commune => num(self.villages()),
            "DA17" if commune => num((self.villages() as f64 * u.between("team_size", 3.0, 5.0)).round() as i64),
            "DA18" if commune => {
                let teams = self.villages() as f64;
                num(self.count_flow("helped", |_| teams * 4.0))
            }
            "DA19" if wide => num((25.0 * u.between("integrated", 0.62, 0.9)).round() as i64),
            c if c.starts_with("CSDL") && wide => {
                let done = u.s(&format!("{c}_done")) < 0.65;
                num(self.scaled(code, if done { 100.0 } else { u.between(&format!("{c}_progress"), 60.0, 95.0).round() }))
            }
            // A figure of the demo catalogue that is not this unit's to report
            // (births from a department, the finance department's budget in
            // a department's own report), or an ad-hoc damage report: none.
            c if MODELLED.contains(&c) => None,
            _ => self.generic(code).map(|v| (v, vec![])),
        }
    }

    fn num(&self, code: &str) -> Option<i64> {
        match self.figure(code)?.0 {
            Value::Num(n) => Some(n),
            _ => None,
        }
    }

    /// Budget receipts (triệu đồng) for the period: a commune's own, or the province's.
    fn receipts(&self) -> f64 {
        let u = self.unit;
        if u.is_commune() {
            let per_head = if u.kind == OrgKind::Ward { u.between("receipts", 0.08, 0.18) } else { u.between("receipts", 0.012, 0.04) };
            self.flow(|m| {
                // Land-use fees arrive in lumps a few months a year.
                let lump = if self.u("land_fee", m) < 0.05 { 1.5 + 2.0 * self.u("land_fee_size", m) } else { 1.0 };
                self.population_at(m)
                    * per_head
                    * season(&RECEIPTS, month_of(m))
                    * 1.06_f64.powf(years(m))
                    * (0.2 * self.z("receipts", m) - 0.02).exp()
                    * lump
            })
        } else {
            self.flow(|m| 5_600_000.0 / 12.0 * season(&RECEIPTS, month_of(m)) * 1.08_f64.powf(years(m)) * (1.0 + 0.04 * self.z("receipts", m)))
        }
    }

    fn investment_plan(&self, year: i32) -> Option<f64> {
        let u = self.unit;
        let base = if u.code == "STC" && self.province_wide { 5_200.0 } else { investment_plan(&u.code)? };
        Some(base * 1.06_f64.powi(year - 2024) * (1.0 + 0.08 * (u.s_year("plan", year) - 0.5)))
    }

    fn dossiers_in(&self, m: i32) -> i64 {
        let u = self.unit;
        let per_thousand = u.between("dossiers", 5.0, 9.0);
        // From 1/7/2025 communes receive the procedures the districts used to.
        let takeover = if merged(m) { u.between("takeover", 1.35, 2.4) } else { 1.0 };
        let lambda =
            self.population_at(m) / 1_000.0 * per_thousand * takeover * season(&OFFICE, month_of(m)) * (0.1 * self.z("dossiers_level", m)).exp();
        poisson(lambda, self.noise_key("dossiers", m))
    }

    fn dossiers(&self) -> i64 {
        self.months.iter().map(|m| self.dossiers_in(*m)).sum()
    }

    fn fires(&self) -> i64 {
        let risk = 0.05 + 0.35 * self.unit.remoteness * self.unit.s("forest");
        self.count_flow("fires", |m| if self.unit.kind == OrgKind::Ward { 0.0 } else { risk * season(&DRY, month_of(m)) })
    }

    fn visitors(&self) -> i64 {
        let total = self.flow(|m| {
            let peak = if tourism_peak(m) { 1.6 } else { 1.0 };
            4_400_000.0 / 12.0 * season(&TOURISM, month_of(m)) / 1.0042 * 1.10_f64.powf(years(m)) * peak * (1.0 + 0.05 * self.z("visitors", m))
        });
        total.round() as i64
    }

    /// Villages and residential groups, one community digital technology team each.
    fn villages(&self) -> i64 {
        let u = self.unit;
        if u.kind == OrgKind::Ward { u.between("villages", 10.0, 24.99).floor() as i64 } else { u.between("villages", 15.0, 44.99).floor() as i64 }
    }

    /// An indicator the generator knows nothing about: a plausible figure
    /// of its type, a baseline per unit with a trend, noisy if it is a flow.
    fn generic(&self, code: &str) -> Option<Value> {
        let spec = self.specs.get(code)?;
        let u = self.unit;
        let size = if u.is_commune() { u.population / 17_000.0 } else { 1.0 };
        let base = (20.0_f64.ln() + u.s(&format!("{code}_base")) * 250.0_f64.ln()).exp() * size;
        Some(match spec.value_type {
            ValueType::Integer | ValueType::Decimal => {
                let x = if spec.aggregation == Aggregation::Sum {
                    self.flow(|m| base * 1.03_f64.powf(years(m)) * (0.15 * self.z(code, m)).exp())
                } else {
                    base * 1.03_f64.powf(years(self.end)) * (1.0 + 0.01 * self.z(code, self.end))
                };
                Value::Num(self.scaled(code, x))
            }
            ValueType::Percent => Value::Num(self.scaled(code, 60.0 + 35.0 * u.s(&format!("{code}_rate")) + 1.5 * self.z(code, self.end))),
            ValueType::YesNo => Value::Bool(u.s(&format!("{code}_yes")) < 0.9),
            ValueType::Date => Value::Date(self.window.cutoff_end),
            ValueType::Text => return None,
        })
    }

    /// The large regime's rows: a total on every odd row, a part of it on the next.
    /// Hundreds of thousands of these per run: salted by number, not by name.
    fn load_test(&self, i: usize) -> i64 {
        let total_row = (if i % 2 == 1 { i } else { i - 1 }) as u64;
        let structural = |row: u64| uniform(hash(&[STRUCTURE, self.unit.key, 0x7474, row]));
        let base = 100.0 * (1_000.0_f64).powf(structural(total_row));
        let total =
            self.flow(|m| base / 3.0 * (0.1 * normal(hash(&[self.seed, self.attempt, self.unit.key, total_row, m as u64]))).exp()).round() as i64;
        if i % 2 == 1 { total } else { ((total as f64) * (0.1 + 0.8 * structural(i as u64))).floor() as i64 }
    }
}

fn large_index(code: &str) -> Option<usize> {
    code.strip_prefix("TT").filter(|d| d.len() == 4).and_then(|d| d.parse().ok())
}

// ---------------------------------------------------------------------------
// Explanations and narratives, as a clerk writes them.

fn cmp_word(up: Option<bool>) -> &'static str {
    match up {
        Some(true) => "tăng",
        Some(false) => "giảm",
        None => "thay đổi",
    }
}

/// Why a warning fired, in the words of the unit's clerk. `up`: whether the
/// figure went up against the period the rule compares it with.
fn explanation(code: &str, up: Option<bool>, unit: &Profile, end: i32, compared: Option<(i32, i32)>) -> String {
    let level = unit.level();
    let crossed_merger = compared.is_some_and(|(_, e)| !merged(e)) && merged(end);
    match (code, up) {
        ("HC01", Some(true)) if crossed_merger => match unit.key % 3 {
            0 => format!("Do sáp nhập đơn vị hành chính từ 01/7/2025, UBND {level} tiếp nhận thêm các thủ tục hành chính trước đây thuộc thẩm quyền cấp huyện nên số hồ sơ tăng so với cùng kỳ."),
            1 => format!("Từ ngày 01/7/2025 {level} được sắp xếp, mở rộng địa giới và tiếp nhận thủ tục hành chính của cấp huyện (kết thúc hoạt động) nên số hồ sơ tăng so với cùng kỳ năm trước."),
            _ => "Số hồ sơ tăng do thực hiện mô hình chính quyền địa phương 02 cấp từ 01/7/2025: Bộ phận Một cửa của xã tiếp nhận cả các thủ tục trước đây do UBND huyện giải quyết.".replace("của xã", &format!("của {level}")),
        },
        ("HC01", _) => format!("Số hồ sơ {} do nhu cầu của người dân, doanh nghiệp trong kỳ; đơn vị đã đối chiếu với Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh, số liệu là chính xác.", cmp_word(up)),
        ("DS03", Some(true)) => "Số trẻ sinh ra trong tháng tăng so với cùng kỳ do biến động tự nhiên; đơn vị đã đối chiếu với sổ đăng ký khai sinh và sổ theo dõi của cộng tác viên dân số các bản, số liệu là chính xác.".into(),
        ("DS03", _) => "Số trẻ sinh ra trong tháng giảm so với cùng kỳ do biến động tự nhiên; đơn vị đã đối chiếu với sổ đăng ký khai sinh và sổ theo dõi của cộng tác viên dân số các bản, số liệu là chính xác.".into(),
        ("NS01", Some(false)) if unit.is_commune() => "Trong tháng chưa phát sinh khoản thu tiền sử dụng đất như cùng kỳ năm trước; các khoản thu thường xuyên vẫn đạt tiến độ dự toán.".into(),
        ("NS01", _) => format!("Thu ngân sách {} so với cùng kỳ do một số khoản thu lớn (tiền sử dụng đất, thuế tài nguyên) phát sinh không đều giữa các kỳ.", cmp_word(up)),
        ("YT06", Some(true)) if dengue_outbreak(end) => "Mùa mưa năm nay dịch sốt xuất huyết bùng phát tại một số xã, phường; ngành y tế đã khoanh vùng, xử lý ổ dịch, phun hóa chất diệt muỗi và tăng cường truyền thông phòng, chống dịch.".into(),
        ("YT06", _) => "Thời tiết nắng nóng, mưa nhiều thuận lợi cho muỗi truyền bệnh phát triển nên số ca mắc tăng; các ca bệnh đều được điều trị kịp thời, không có tử vong.".into(),
        ("YT02", _) => "Số lượt khám giảm do thực hiện khám, chữa bệnh bảo hiểm y tế theo tuyến và người dân nghỉ Tết Nguyên đán.".into(),
        ("YT01", _) => "Một số khoa tạm ngừng để sửa chữa, cải tạo; số giường sẽ được khôi phục sau khi hoàn thành.".into(),
        ("YT03", _) => "Số bác sĩ bao gồm cả bác sĩ làm việc tại trạm y tế xã, phường không có giường bệnh.".into(),
        ("KT02", _) if tourism_peak(end) => "Dịp Tết Nguyên đán, mùa hoa mận, hoa ban và các lễ hội đầu năm cùng các chương trình kích cầu du lịch thu hút lượng khách tăng mạnh so với cùng kỳ.".into(),
        ("KT02", _) => format!("Lượng khách {} so với cùng kỳ do lịch nghỉ lễ và các sự kiện văn hóa, thể thao, du lịch tổ chức trong kỳ.", cmp_word(up)),
        ("DS01", _) => format!(
            "Năm nay số liệu dân số được rà soát, đối chiếu với Cơ sở dữ liệu quốc gia về dân cư nên {} so với năm trước.",
            cmp_word(up)
        ),
        ("GN01", _) => "Do ảnh hưởng của mưa lũ, sạt lở đất trong năm, một số hộ bị thiệt hại nặng về nhà ở, tài sản nên tái nghèo; xã đã đề xuất hỗ trợ theo chính sách.".into(),
        ("GD05", _) => "Một số trường hết thời hạn công nhận đạt chuẩn quốc gia, đang hoàn thiện hồ sơ đề nghị công nhận lại.".into(),
        ("GD06", _) => "Học sinh bỏ học chủ yếu ở các bản vùng cao do hoàn cảnh gia đình khó khăn, đi làm ăn xa theo bố mẹ; nhà trường đã phối hợp với chính quyền vận động học sinh trở lại lớp.".into(),
        ("LN01", _) | ("LN02", _) => "Diện tích đất trống quy hoạch cho trồng rừng còn ít; một phần diện tích chuyển sang trồng cây ăn quả trên đất dốc theo quy hoạch.".into(),
        ("CDS02", _) | ("CDS03", _) => "Trong kỳ đơn vị thay đổi nhân sự văn thư, một số văn bản mật và văn bản gửi ngoài hệ thống không thực hiện ký số.".into(),
        ("NS05", _) => "Một số dự án vướng mắc giải phóng mặt bằng và điều chỉnh chủ trương đầu tư sau sắp xếp đơn vị hành chính; đơn vị đang đẩy nhanh tiến độ, phấn đấu giải ngân hết kế hoạch vốn trong quý IV.".into(),
        ("DA03", _) => "Một số chỉ tiêu chuyên ngành vẫn tổng hợp thủ công từ báo cáo giấy của cơ sở; đơn vị đang chuẩn hóa biểu mẫu để cung cấp dưới dạng dữ liệu số trong năm 2026.".into(),
        ("DA06", _) => "Một chế độ báo cáo chuyên ngành theo yêu cầu của Bộ, ngành Trung ương vẫn thực hiện trên hệ thống của Bộ; đơn vị đã đề nghị kết nối, chia sẻ số liệu với Hệ thống của tỉnh.".into(),
        ("DA08", _) => "Một số bộ dữ liệu mở đang được chuẩn hóa định dạng, rà soát thông tin cá nhân trước khi công bố trên Cổng dữ liệu mở của tỉnh.".into(),
        ("DA10", _) => "Một số công chức mới được điều động, tuyển dụng sau khi sắp xếp tổ chức bộ máy chưa được tập huấn; đơn vị sẽ cử tham gia lớp bồi dưỡng tiếp theo.".into(),
        ("DA12", _) => "Lãnh đạo đơn vị bận nhiều nhiệm vụ trong thời gian sắp xếp bộ máy nên chưa tham gia đủ chương trình đào tạo; sẽ hoàn thành trong năm 2026.".into(),
        ("DA14", _) => "Một số hệ thống thông tin chuyên ngành do Bộ, ngành Trung ương quản lý, đơn vị chưa được phân quyền kết nối giám sát; đã đề nghị Sở Khoa học và Công nghệ hướng dẫn.".into(),
        ("DA15", _) => "Một số hệ thống thông tin dùng chung đang nâng cấp hạ tầng nên chưa kết nối giám sát; dự kiến hoàn thành trong quý I/2026.".into(),
        (c, _) if c.starts_with("CSDL") => "Nhiệm vụ chậm tiến độ do kinh phí được bố trí muộn và phải điều chỉnh thiết kế sau sắp xếp tổ chức bộ máy; dự kiến hoàn thành trong quý II/2026.".into(),
        ("PCTT06", _) => "Đang phối hợp với các bản thống kê chi tiết, sẽ báo cáo bổ sung giá trị thiệt hại.".into(),
        _ => "Đơn vị đã rà soát, đối chiếu với hồ sơ, sổ sách gốc; số liệu báo cáo là chính xác.".into(),
    }
}

/// The text of an outline section, as a unit writes it: short, on topic.
fn narrative(title: &str, unit: &Profile, period: &Period, pick: f64) -> String {
    let t = title.to_lowercase();
    let who = if unit.is_commune() { format!("UBND {}", unit.name) } else { unit.name.clone() };
    // "Quý III/2025" inside a sentence: only the first letter goes lower case.
    let label = period.label();
    let when = label.chars().next().map(|c| c.to_lowercase().collect::<String>() + &label[c.len_utf8()..]).unwrap_or_default();
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if any(&["tồn tại", "khó khăn", "chưa hoàn thành"]) {
        [
            "Hạ tầng viễn thông ở một số bản vùng sâu, vùng xa còn hạn chế; cán bộ kiêm nhiệm nhiều việc nên việc cập nhật số liệu có lúc chưa kịp thời.",
            "Một số nhiệm vụ còn chậm so với kế hoạch do thời tiết mưa lũ kéo dài và kinh phí được bố trí muộn.",
            "Nguồn lực còn hạn chế; việc phối hợp giữa các bộ phận trong tổng hợp số liệu có lúc chưa chặt chẽ.",
        ][(pick * 3.0) as usize % 3]
            .into()
    } else if any(&["dịch bệnh"]) {
        "Tình hình dịch bệnh cơ bản được kiểm soát; các ổ dịch được phát hiện và xử lý kịp thời, không để lây lan ra cộng đồng.".into()
    } else if any(&["du lịch"]) {
        "Hoạt động du lịch diễn ra sôi nổi với nhiều sự kiện văn hóa, thể thao; các khu, điểm du lịch bảo đảm an toàn, phục vụ tốt du khách.".into()
    } else if any(&["thiên tai"]) {
        "Trên địa bàn có mưa to kéo dài gây lũ quét, sạt lở đất tại một số bản.".into()
    } else if any(&["bài học"]) {
        "Phát huy vai trò của người đứng đầu; phân công rõ người, rõ việc, rõ thời hạn; thường xuyên kiểm tra, đôn đốc.".into()
    } else if any(&["lãnh đạo, chỉ đạo"]) {
        format!(
            "{who} đã ban hành kế hoạch thực hiện, tổ chức quán triệt đến toàn thể cán bộ, công chức; lồng ghép tuyên truyền trong các hội nghị và trên trang thông tin điện tử."
        )
    } else if any(&["ước thực hiện"]) {
        format!(
            "Dự kiến đến hết năm, {who} hoàn thành cơ bản các chỉ tiêu, nhiệm vụ được giao; các nhiệm vụ có nguy cơ chậm tiến độ đã được giao người theo dõi, đôn đốc."
        )
    } else if any(&["kết quả", "đánh giá", "tình hình", "tiến độ"]) {
        format!("Trong {when}, {who} đã triển khai các nhiệm vụ theo kế hoạch; kết quả chủ yếu thể hiện tại biểu số liệu kèm theo.")
    } else if any(&["nhiệm vụ", "giải pháp"]) {
        format!(
            "{who} tiếp tục chỉ đạo thực hiện các nhiệm vụ theo kế hoạch, đôn đốc các bộ phận cập nhật số liệu đầy đủ, đúng hạn trên Hệ thống và chủ động xử lý các vướng mắc phát sinh."
        )
    } else if any(&["kiến nghị", "đề xuất"]) {
        if pick < 0.5 {
            "Không có.".into()
        } else {
            "Đề nghị UBND tỉnh quan tâm bố trí kinh phí đầu tư hạ tầng công nghệ thông tin và tập huấn cho cán bộ làm công tác báo cáo, thống kê."
                .into()
        }
    } else {
        format!("Trong {when}, {who} đã thực hiện theo đúng hướng dẫn; nội dung chi tiết tại biểu số liệu kèm theo.")
    }
}

// ---------------------------------------------------------------------------
// Generation.

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()).and_utc() - Duration::hours(7)
}

/// Figures of delivered reports, by (unit, period), for the reference columns.
type Delivered = HashMap<(i32, String), BTreeMap<String, Value>>;

fn references(store: &Delivered, unit_id: i32, period: &Period) -> References {
    let mut refs = References::default();
    let get = |p: &Period| store.get(&(unit_id, p.key()));
    if let Some(v) = get(&period.same_period_last_year()) {
        refs.same_period_last_year = v.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    if let Some(v) = get(&period.previous()) {
        refs.previous_period = v.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    for p in period.year_to_date().iter().filter(|p| *p != period) {
        if let Some(v) = get(p) {
            for (k, val) in v {
                refs.earlier_this_year.entry(k.clone()).or_default().push(val.clone());
            }
        }
    }
    refs
}

/// Whether any rule of the regime looks at another period.
fn needs_history(doc: &RegimeDoc) -> bool {
    doc.rules.iter().filter_map(|r| rules::parse(&r.expression).ok()).any(|e| e.refs().iter().any(|r| r.column != Column::Current))
}

/// Months covered by a period, as absolute indexes.
fn months_of(p: &Period) -> (i32, i32) {
    let ((fy, fm), (ly, lm)) = p.months();
    (month_index(fy, fm), month_index(ly, lm))
}

struct Version {
    id: i32,
    published_on: NaiveDate,
    doc: RegimeDoc,
    units: Vec<i32>,
    /// Each rule's first figure of this period, and the period it is compared with.
    subjects: Vec<Option<Subject>>,
}

/// What a rule is about: an indicator (and breakdown part) of this period,
/// and the reference column it is compared with, if any.
type Subject = (String, Option<String>, Option<Column>);

fn subjects(doc: &RegimeDoc) -> Vec<Option<Subject>> {
    doc.rules
        .iter()
        .map(|r| {
            let refs = rules::parse(&r.expression).ok()?.refs();
            let first = refs.iter().find(|x| x.column == Column::Current)?;
            let other = refs
                .iter()
                .find(|x| x.code == first.code && matches!(x.column, Column::SamePeriodLastYear | Column::PreviousPeriod))
                .map(|x| x.column);
            Some((first.code.clone(), first.part.clone(), other))
        })
        .collect()
}

pub async fn generate(db: &crate::Db, opts: &GenerateOptions) -> Result<GenerateSummary> {
    if opts.large_regime_rows > 0 {
        ensure_large_regime(db, opts.large_regime_rows).await?;
    }
    let unit_rows = org_unit::Entity::find().all(db).await?;
    let profiles = profiles(&unit_rows);
    let specs = crate::catalogue::indicators::specs(db, false).await?;
    let ids: HashMap<String, i32> = indicator::Entity::find().all(db).await?.into_iter().map(|m| (m.code, m.id)).collect();
    let codes_by_id: HashMap<i32, String> = ids.iter().map(|(c, i)| (*i, c.clone())).collect();
    let holidays: Holidays = crate::catalogue::holidays::all(db).await?;
    let mut summary = GenerateSummary::default();
    let regimes = regime::Entity::find().filter(regime::Column::CurrentVersion.gt(0)).order_by_asc(regime::Column::Code).all(db).await?;
    for r in regimes {
        let mut versions = Vec::new();
        for v in regime_version::Entity::find()
            .filter(regime_version::Column::RegimeId.eq(r.id))
            .order_by_asc(regime_version::Column::Version)
            .all(db)
            .await?
        {
            let doc = parse_doc(&v.definition)?;
            let units = regime_unit::Entity::find()
                .filter(regime_unit::Column::RegimeVersionId.eq(v.id))
                .all(db)
                .await?
                .into_iter()
                .map(|b| b.unit_id)
                .collect();
            versions.push(Version { id: v.id, published_on: domain::datefmt::vn_today(v.published_at), subjects: subjects(&doc), doc, units });
        }
        let Some(latest) = versions.last() else { continue };
        let ends_on = crate::demo_catalogue::regime_ends_on(&r.code);
        let periods = Period::all_in_year(latest.doc.schedule.frequency, opts.year);
        let mut store: Delivered = HashMap::new();
        // Without a rule that looks at another period, the references change
        // nothing in the checks: the large load-test regime skips them.
        let history = versions.iter().any(|v| needs_history(&v.doc));
        if history {
            load_delivered(db, r.id, &periods, &specs, &codes_by_id, &mut store).await?;
        }
        // Few commits: a commit (and its fsync) per period would cost more
        // than the writing for most regimes. A large regime commits every
        // 50.000 rows or so, so that the write-ahead log stays small.
        let mut txn = db.begin().await?;
        let mut rows_in_txn = 0;
        for p in periods {
            let (first_month, last_month) = months_of(&p);
            if ends_on.is_some_and(|end| {
                let (y, m) = p.months().0;
                domain::period::date(y, m, 1) > end
            }) {
                continue;
            }
            // The version a clerk would have started on, about ten days before the deadline.
            let w_latest = latest.doc.schedule.entry_window(&p, &holidays);
            let started = (w_latest.deadline - Duration::days(10)).max(w_latest.opens);
            let Some(v) = versions.iter().rev().find(|v| v.published_on <= started) else { continue };
            let w = v.doc.schedule.entry_window(&p, &holidays);
            if opts.until.is_some_and(|u| w.locks >= u) {
                continue;
            }
            let existing =
                report::Entity::find().filter(report::Column::RegimeId.eq(r.id)).filter(report::Column::PeriodKey.eq(p.key())).count(&txn).await?;
            if existing > 0 {
                continue;
            }
            let compared_months = |col: Column| match col {
                Column::SamePeriodLastYear => Some(months_of(&p.same_period_last_year())),
                Column::PreviousPeriod => Some(months_of(&p.previous())),
                _ => None,
            };
            let mut values = Vec::new();
            let mut events = Vec::new();
            let mut reports = Vec::new();
            let mut pending = Vec::new();
            for unit_id in &v.units {
                let Some(profile) = profiles.get(unit_id) else { continue };
                let refs = if history { references(&store, *unit_id, &p) } else { References::default() };
                let mut accepted = None;
                for attempt in 0..4u64 {
                    let draw = Draw {
                        unit: profile,
                        specs: &specs,
                        months: (first_month..=last_month).collect(),
                        end: last_month,
                        window: w,
                        province_wide: v.units.len() == 1,
                        seed: opts.seed,
                        attempt,
                    };
                    let mut figures: BTreeMap<String, Value> = BTreeMap::new();
                    for code in v.doc.indicator_codes() {
                        if let Some(i) = large_index(&code) {
                            figures.insert(code, Value::Num(draw.load_test(i)));
                            continue;
                        }
                        let Some((value, parts)) = draw.figure(&code) else { continue };
                        for (part, n) in parts {
                            figures.insert(cell_key(&code, Some(&part)), Value::Num(n));
                        }
                        figures.insert(code, value);
                    }
                    // What a clerk would have typed: the figures as the form shows them.
                    let typed: HashMap<String, String> = figures
                        .iter()
                        .filter_map(|(k, val)| specs.get(domain::entry::split_cell_key(k).0).map(|s| (k.clone(), s.format(val))))
                        .collect();
                    let checked = check_entry(&v.doc, &specs, &typed, &refs, true);
                    if checked.has_errors() {
                        summary.redrawn += 1;
                        continue;
                    }
                    let mut explanations: BTreeMap<usize, String> = BTreeMap::new();
                    for f in checked.warnings() {
                        let Some(i) = f.rule else { continue };
                        let (code, up, compared) = match v.subjects.get(i).cloned().flatten() {
                            Some((code, part, Some(col))) => {
                                let key = cell_key(&code, part.as_deref());
                                let now = checked.values.get(&key);
                                let before = match col {
                                    Column::SamePeriodLastYear => refs.same_period_last_year.get(&key),
                                    _ => refs.previous_period.get(&key),
                                };
                                let up = match (now, before) {
                                    (Some(Value::Num(a)), Some(Value::Num(b))) => Some(a > b),
                                    _ => None,
                                };
                                (code, up, compared_months(col))
                            }
                            Some((code, _, None)) => (code, None, None),
                            None => (String::new(), None, None),
                        };
                        explanations.insert(i, explanation(&code, up, profile, last_month, compared));
                    }
                    accepted = Some((checked.values, explanations));
                    break;
                }
                let Some((figures, explanations)) = accepted else {
                    summary.withheld += 1;
                    continue;
                };
                // Timeline: started before the deadline, a few sent late, the office accepting within days.
                let tkey = hash(&[opts.seed, profile.key, fnv(&r.code), fnv(&p.key())]);
                let late = uniform(tkey ^ 1) < 0.08;
                let sent_on = if late {
                    (w.deadline + Duration::days(1 + (uniform(tkey ^ 2) * 5.0) as i64)).min(w.locks)
                } else {
                    (w.deadline - Duration::days((uniform(tkey ^ 3) * 7.0) as i64)).max(w.opens)
                };
                let sent_at = at(sent_on, 8 + (uniform(tkey ^ 4) * 9.0) as u32);
                let started_at = at((sent_on - Duration::days(2 + (uniform(tkey ^ 5) * 8.0) as i64)).max(w.opens), 8);
                // The office usually accepts within three days; one report in ten waits two or three weeks.
                let review_hours = if uniform(tkey ^ 8) < 0.1 { 120.0 + uniform(tkey ^ 6) * 360.0 } else { 20.0 + uniform(tkey ^ 6) * 60.0 };
                let reviewed_at = sent_at + Duration::hours(review_hours as i64);
                let reviewed = opts.until.is_none_or(|u| domain::datefmt::vn_today(reviewed_at) < u);
                let status = if reviewed { ReportStatus::Accepted } else { ReportStatus::Sent };
                let submitted_at = sent_at - Duration::hours(2 + (uniform(tkey ^ 7) * 20.0) as i64);
                let narrative: Vec<String> =
                    v.doc.outline.iter().enumerate().map(|(i, o)| narrative(&o.title, profile, &p, uniform(tkey ^ (100 + i as u64)))).collect();
                reports.push(report::ActiveModel {
                    regime_id: Set(r.id),
                    regime_version_id: Set(v.id),
                    unit_id: Set(*unit_id),
                    period_key: Set(p.key()),
                    status: Set(status.code().into()),
                    row_version: Set(3),
                    narrative: Set(serde_json::to_string(&narrative).unwrap_or_else(|_| "[]".into())),
                    explanations: Set(serde_json::to_string(&explanations).unwrap_or_else(|_| "{}".into())),
                    window_exception_until: Set(None),
                    created_at: Set(started_at),
                    created_by: Set(None),
                    updated_at: Set(if reviewed { reviewed_at } else { sent_at }),
                    updated_by: Set(None),
                    sent_at: Set(Some(sent_at)),
                    sent_by: Set(None),
                    on_time: Set(Some(w.is_on_time(sent_on))),
                    approved_at: Set(v.doc.approval_required.then_some(sent_at)),
                    approved_by: Set(None),
                    reviewed_at: Set(reviewed.then_some(reviewed_at)),
                    reviewed_by: Set(None),
                    return_reason: Set(None),
                    ..Default::default()
                });
                summary.reports += 1;
                if !explanations.is_empty() {
                    summary.explained += 1;
                }
                let mut steps = Vec::with_capacity(3);
                if v.doc.approval_required {
                    steps.push((submitted_at, ReportStatus::Draft, ReportStatus::AwaitingApproval));
                    steps.push((sent_at, ReportStatus::AwaitingApproval, ReportStatus::Sent));
                } else {
                    steps.push((sent_at, ReportStatus::Draft, ReportStatus::Sent));
                }
                if reviewed {
                    steps.push((reviewed_at, ReportStatus::Sent, ReportStatus::Accepted));
                }
                if history {
                    store.insert((*unit_id, p.key()), figures.clone());
                }
                pending.push((*unit_id, sent_at, steps, figures));
            }
            // Reports in bulk, then their ids in one query, rather than a round
            // trip per report.
            for chunk in reports.chunks(500) {
                report::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
            }
            let report_ids: HashMap<i32, i32> = report::Entity::find()
                .filter(report::Column::RegimeId.eq(r.id))
                .filter(report::Column::PeriodKey.eq(p.key()))
                .all(&txn)
                .await?
                .into_iter()
                .map(|m| (m.unit_id, m.id))
                .collect();
            for (unit_id, sent_at, steps, figures) in pending {
                let Some(&report_id) = report_ids.get(&unit_id) else { continue };
                let status = steps.last().map(|(_, _, to)| *to).unwrap_or(ReportStatus::Draft);
                events.extend(steps.into_iter().map(|(at, from, to)| report_event::ActiveModel {
                    report_id: Set(report_id),
                    at: Set(at),
                    user_id: Set(None),
                    from_status: Set(from.code().into()),
                    to_status: Set(to.code().into()),
                    note: Set(String::new()),
                    ..Default::default()
                }));
                for (key, value) in &figures {
                    let (code, part) = domain::entry::split_cell_key(key);
                    let (Some(&iid), Some(spec)) = (ids.get(code), specs.get(code)) else { continue };
                    let (num, txt) = encode(value);
                    values.push(report_value::ActiveModel {
                        // The roll-up facts value rows carry (see store::value_row).
                        invalid: Set(false),
                        delivery: Set(status.delivery()),
                        period_year: Set(p.year()),
                        frequency: Set(p.frequency().code().to_string()),
                        ordinal: Set(p.ordinal() as i16),
                        scale: Set(i16::from(spec.effective_scale())),
                        report_id: Set(report_id),
                        indicator_id: Set(iid),
                        part: Set(part.unwrap_or("").to_string()),
                        num: Set(num),
                        txt: Set(txt),
                        comment: Set(String::new()),
                        unit_id: Set(unit_id),
                        regime_id: Set(r.id),
                        period_key: Set(p.key()),
                        updated_at: Set(sent_at),
                        updated_by: Set(None),
                        ..Default::default()
                    });
                }
            }
            summary.values += values.len();
            for chunk in values.chunks(1000) {
                report_value::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
            }
            for chunk in events.chunks(1000) {
                report_event::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
            }
            rows_in_txn += values.len();
            if rows_in_txn > 50_000 {
                txn.commit().await?;
                txn = db.begin().await?;
                rows_in_txn = 0;
            }
        }
        txn.commit().await?;
    }
    Ok(summary)
}

/// Figures already delivered for the regime in the year before and this
/// year (earlier runs, or units), which this year's checks compare with.
async fn load_delivered(
    db: &crate::Db,
    regime_id: i32,
    periods: &[Period],
    specs: &HashMap<String, IndicatorSpec>,
    codes_by_id: &HashMap<i32, String>,
    store: &mut Delivered,
) -> Result<()> {
    let mut keys: Vec<String> = periods.iter().flat_map(|p| [p.key(), p.same_period_last_year().key(), p.previous().key()]).collect();
    keys.sort();
    keys.dedup();
    let delivered = [ReportStatus::Sent.code(), ReportStatus::Accepted.code()];
    let rows = report_value::Entity::find()
        .join(
            JoinType::InnerJoin,
            report_value::Entity::belongs_to(report::Entity).from(report_value::Column::ReportId).to(report::Column::Id).into(),
        )
        .filter(report_value::Column::RegimeId.eq(regime_id))
        .filter(report_value::Column::PeriodKey.is_in(keys))
        .filter(report::Column::Status.is_in(delivered))
        .all(db)
        .await?;
    for v in rows {
        let Some(code) = codes_by_id.get(&v.indicator_id) else { continue };
        let Some(spec) = specs.get(code) else { continue };
        let Some(value) = decode(spec, v.num, v.txt.as_deref()) else { continue };
        let key = cell_key(code, (!v.part.is_empty()).then_some(v.part.as_str()));
        store.entry((v.unit_id, v.period_key.clone())).or_default().insert(key, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, kind: OrgKind) -> org_unit::Model {
        org_unit::Model {
            id: fnv(code) as i32 & 0x7fff_ffff,
            code: code.into(),
            name: code.into(),
            short_name: code.into(),
            kind: kind.code().into(),
            parent_id: None,
            sort_order: 0,
            active: true,
        }
    }

    #[test]
    fn draws_do_not_depend_on_order_and_move_with_the_seed() {
        let h = |seed: u64| hash(&[seed, fnv("03646"), fnv("DS03"), month_index(2025, 7) as u64]);
        assert_eq!(h(1), h(1));
        assert_ne!(h(1), h(2));
        let mean: f64 = (0..10_000u64).map(normal).sum::<f64>() / 10_000.0;
        assert!(mean.abs() < 0.05, "{mean}");
        let counts: i64 = (0..10_000u64).map(|i| poisson(3.0, i)).sum();
        assert!((29_000..31_000).contains(&counts), "{counts}");
    }

    #[test]
    fn the_model_knows_every_indicator_of_the_demo_catalogue() {
        // Only DS05 (jobs created) is left to the generic model: no demo regime asks for it.
        for i in crate::demo_catalogue::demo_catalogue().indicators {
            assert!(MODELLED.contains(&i.fields.code.as_str()) || i.fields.code == "DS05", "{}", i.fields.code);
        }
    }

    #[test]
    fn the_province_adds_up_and_wards_are_dense() {
        let mut units: Vec<org_unit::Model> = (0..67).map(|i| unit(&format!("{:05}", 3700 + i), OrgKind::Commune)).collect();
        units.extend((0..8).map(|i| unit(&format!("{:05}", 3600 + i), OrgKind::Ward)));
        units.push(unit("SYT", OrgKind::Department));
        let p = profiles(&units);
        let pop: f64 = p.values().map(|x| x.population).sum();
        let area: f64 = p.values().map(|x| x.area_km2).sum();
        assert!((pop - PROVINCE_POPULATION_2024).abs() < 1.0, "{pop}");
        assert!((area - PROVINCE_AREA_KM2).abs() < 1.0, "{area}");
        let density = |k: OrgKind| {
            let xs: Vec<f64> = p.values().filter(|x| x.kind == k).map(|x| x.population / x.area_km2).collect();
            xs.iter().sum::<f64>() / xs.len() as f64
        };
        assert!(density(OrgKind::Ward) > 4.0 * density(OrgKind::Commune));
        assert_eq!(p.values().find(|x| x.code == "SYT").map(|x| x.population), Some(0.0));
    }
}
