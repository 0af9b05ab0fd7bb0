//! The demonstration data on a real SQLite file: the catalogue as loaded,
//! and two generated province-years checked the way the server checks a
//! clerk's report when it is sent.

use domain::entry::{check_entry, split_cell_key};
use domain::org::OrgKind;
use domain::report::ReportStatus;
use entity::{indicator, org_unit, regime, regime_version, report, report_value};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use service::reports::generator::{GenerateOptions, GenerateSummary, generate};
use std::collections::HashMap;

/// One generated database for the whole file: generating is the slow part,
/// and every test only reads it.
static SHARED: tokio::sync::Mutex<Option<(String, GenerateSummary, GenerateSummary)>> = tokio::sync::Mutex::const_new(None);

fn fresh_url(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("baocao-demo-data-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("temp dir");
    format!("sqlite://{}/demo.db?mode=rwc", dir.display())
}

async fn catalogue_only(name: &str) -> service::Db {
    let db = service::db::open(&fresh_url(name), 2).await.expect("database");
    service::org::seed_reference_units(&db).await.expect("units");
    service::demo::seed_demo_catalogue(&db).await.expect("catalogue");
    db
}

/// 2025 and 2026 in full, in two runs with different seeds, as the
/// demonstration seeds them.
async fn generated() -> (service::Db, GenerateSummary, GenerateSummary) {
    let mut shared = SHARED.lock().await;
    if let Some((url, a, b)) = shared.as_ref() {
        return (service::db::open(url, 2).await.expect("database"), a.clone(), b.clone());
    }
    let url = fresh_url("generated");
    let db = service::db::open(&url, 2).await.expect("database");
    service::org::seed_reference_units(&db).await.expect("units");
    service::demo::seed_demo_catalogue(&db).await.expect("catalogue");
    let started = std::time::Instant::now();
    let a = generate(&db, &GenerateOptions { year: 2025, until: None, large_regime_rows: 0, seed: 4050 }).await.expect("2025");
    let b = generate(&db, &GenerateOptions { year: 2026, until: None, large_regime_rows: 0, seed: 4051 }).await.expect("2026");
    eprintln!("generated 2025 {a:?} and 2026 {b:?} in {:.1} s", started.elapsed().as_secs_f64());
    *shared = Some((url, a.clone(), b.clone()));
    (db, a, b)
}

#[tokio::test]
async fn every_generated_report_passes_the_checks_of_its_version() {
    let (db, a, b) = generated().await;
    assert!(a.reports > 1_000 && b.reports > 1_000, "{a:?} {b:?}");
    assert_eq!((a.withheld, b.withheld), (0, 0), "every report could be drawn without an error");
    let delivered = [ReportStatus::Sent.code(), ReportStatus::Accepted.code()];
    let reports = report::Entity::find().filter(report::Column::Status.is_in(delivered)).all(&db).await.unwrap();
    assert_eq!(reports.len(), a.reports + b.reports);
    let mut warned = 0;
    for r in &reports {
        let l = service::reports::load(&db, r.id).await.unwrap();
        let stored = service::reports::store::load_values(&db, r.id, &l.ids).await.unwrap();
        let typed: HashMap<String, String> = stored
            .iter()
            .filter_map(|(key, row)| {
                let spec = l.specs.get(split_cell_key(key).0)?;
                Some((key.clone(), spec.format(&service::reports::store::decode(spec, row.num, row.txt.as_deref())?)))
            })
            .collect();
        let refs = service::reports::store::references(&db, r.unit_id, r.regime_id, &l.period, &l.specs, &l.ids).await.unwrap();
        let checked = check_entry(&l.doc, &l.specs, &typed, &refs, true);
        let errors: Vec<&str> = checked.errors().map(|f| f.message.as_str()).collect();
        assert!(errors.is_empty(), "{} {} unit {}: {errors:?}", l.regime.code, r.period_key, r.unit_id);
        let explanations: HashMap<usize, String> = serde_json::from_str(&r.explanations).unwrap();
        let unexplained: Vec<&str> = checked.unexplained(&explanations).map(|f| f.message.as_str()).collect();
        assert!(unexplained.is_empty(), "{} {} unit {}: {unexplained:?}", l.regime.code, r.period_key, r.unit_id);
        // Only warnings that fired are explained, each in a sentence of its own.
        for (i, text) in &explanations {
            assert!(checked.warnings().any(|f| f.rule == Some(*i)), "{} {}: rule {i} explained but not fired", l.regime.code, r.period_key);
            assert!(text.chars().count() > 40 && text.ends_with('.'), "{text}");
        }
        warned += usize::from(!explanations.is_empty());
        let narrative: Vec<String> = serde_json::from_str(&r.narrative).unwrap();
        assert_eq!(narrative.len(), l.doc.outline.len());
        assert!(narrative.iter().all(|t| !t.trim().is_empty()));
        if l.doc.approval_required {
            assert!(r.approved_at.is_some(), "{} was approved before it was sent", l.regime.code);
        }
    }
    assert_eq!(warned, a.explained + b.explained);
    assert!(warned > 20, "warnings fire and are explained: {warned}");
}

#[tokio::test]
async fn versions_and_the_schemes_life_decide_which_periods_exist() {
    let (db, _, _) = generated().await;
    let id_of = |code: &'static str| {
        let db = db.clone();
        async move { regime::Entity::find().filter(regime::Column::Code.eq(code)).one(&db).await.unwrap().unwrap().id }
    };
    let periods = |regime_id: i32| {
        let db = db.clone();
        async move {
            let mut keys: Vec<String> = report::Entity::find()
                .filter(report::Column::RegimeId.eq(regime_id))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.period_key)
                .collect();
            keys.sort();
            keys.dedup();
            keys
        }
    };
    // The scheme's regimes: published 1/8/2025, ended 31/12/2025.
    assert_eq!(periods(id_of("DA1836_6T").await).await, vec!["2025-S2"]);
    assert_eq!(periods(id_of("DA1836_NAM").await).await, vec!["2025"]);
    // A nine-month report each year; no ad-hoc report is invented.
    assert_eq!(periods(id_of("KTXH_9T").await).await, vec!["2025-N9", "2026-N9"]);
    assert!(periods(id_of("THIENTAI_DX").await).await.is_empty());
    // The communes' monthly report changed form after the merger of 1/7/2025.
    let ktxh = id_of("KTXH_XA").await;
    let versions: HashMap<i32, i32> = regime_version::Entity::find()
        .filter(regime_version::Column::RegimeId.eq(ktxh))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v.version))
        .collect();
    for (period, version) in [("2025-06", 1), ("2025-07", 2), ("2026-01", 2)] {
        let used: Vec<i32> = report::Entity::find()
            .filter(report::Column::RegimeId.eq(ktxh))
            .filter(report::Column::PeriodKey.eq(period))
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| versions[&r.regime_version_id])
            .collect();
        assert!(!used.is_empty() && used.iter().all(|v| *v == version), "{period}: {used:?}");
    }
}

#[tokio::test]
async fn the_statistical_flag_is_set_only_on_the_provincial_system() {
    let db = catalogue_only("statistical").await;
    let all = indicator::Entity::find().all(&db).await.unwrap();
    assert!(all.len() >= 60);
    for i in &all {
        let documented = service::demo_catalogue::QD05_2023_PROVINCIAL.iter().find(|e| e.code == i.code);
        assert_eq!(i.statistical, documented.is_some(), "{}: flagged {} but documented {}", i.code, i.statistical, documented.is_some());
        if let Some(e) = documented {
            assert!(e.national_code.is_some() || i.method.contains("05/2023/QĐ-TTg"), "{}: neither a national code nor the decision named", i.code);
        }
    }
    // Administrative and ICT counts are not statistical indicators.
    for i in all.iter().filter(|i| ["Cải cách hành chính", "Chuyển đổi số"].contains(&i.sector.as_str())) {
        assert!(!i.statistical, "{}", i.code);
    }
}

#[tokio::test]
async fn every_published_demo_regime_states_every_decree_09_item() {
    let db = catalogue_only("decree09").await;
    let versions = regime_version::Entity::find().all(&db).await.unwrap();
    assert!(versions.len() >= 13);
    for v in versions {
        let doc: domain::regime::RegimeDoc = serde_json::from_str(&v.definition).unwrap();
        let missing = domain::regime::decree09_missing_items(&doc);
        assert!(missing.is_empty(), "{} v{}: {missing}", doc.code, v.version);
        // The parser refuses the old `,` argument separator.
        for r in &doc.rules {
            assert!(domain::rules::parse(&r.expression).is_ok(), "{}: «{}»", doc.code, r.expression);
        }
    }
}

/// A unit's figures of one indicator, by period, from delivered reports.
async fn figures(db: &service::Db, code: &str) -> HashMap<(i32, String), i64> {
    let id = indicator::Entity::find().filter(indicator::Column::Code.eq(code)).one(db).await.unwrap().unwrap().id;
    report_value::Entity::find()
        .filter(report_value::Column::IndicatorId.eq(id))
        .filter(report_value::Column::Part.eq(""))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|v| Some(((v.unit_id, v.period_key), v.num?)))
        .collect()
}

#[tokio::test]
async fn generated_figures_have_the_scale_of_sonla() {
    let (db, _, _) = generated().await;
    let units = org_unit::Entity::find().all(&db).await.unwrap();
    let kind: HashMap<i32, OrgKind> = units.iter().filter_map(|u| Some((u.id, OrgKind::from_code(&u.kind)?))).collect();
    let population = figures(&db, "DS01").await;
    let births = figures(&db, "DS03").await;
    for year in ["2025", "2026"] {
        let total: i64 = population.iter().filter(|((_, p), _)| p == year).map(|(_, n)| n).sum();
        assert!((1_100_000..=1_500_000).contains(&total), "{year}: {total}");
        let communes = population.keys().filter(|(_, p)| p == year).count();
        assert_eq!(communes, 75, "{year}");
    }
    // Births: a ward's month is well below 1 % of its people; the province has 1.500–3.000 a month.
    let mut wards_seen = 0;
    for ((unit, period), n) in &births {
        let year = &period[..4];
        let pop = population[&(*unit, year.to_string())];
        assert!(*n * 100 < pop, "{unit} {period}: {n} births for {pop} people");
        wards_seen += usize::from(kind[unit] == OrgKind::Ward);
    }
    assert!(wards_seen >= 8 * 24);
    for month in 1..=12 {
        let key = format!("2026-{month:02}");
        let total: i64 = births.iter().filter(|((_, p), _)| *p == key).map(|(_, n)| n).sum();
        assert!((1_500..=3_000).contains(&total), "{key}: {total}");
    }
    // Stocks move slowly: most communes change by less than 3 % a year.
    let steady = population.iter().filter(|((_, p), _)| p == "2026").filter(|((u, _), n)| {
        let before = population[&(*u, "2025".to_string())] as f64;
        ((**n as f64) - before).abs() / before < 0.03
    });
    assert!(steady.count() >= 68);
    // Hospital beds: a few thousand, never a jump between months.
    let beds = figures(&db, "YT01").await;
    let mut months: Vec<(&String, i64)> = beds.iter().map(|((_, p), n)| (p, *n)).collect();
    months.sort();
    assert_eq!(months.len(), 24);
    for w in months.windows(2) {
        assert!((3_000..=6_000).contains(&w[1].1));
        assert!((w[1].1 - w[0].1).abs() * 20 <= w[0].1, "{:?}", w);
    }
    // Dengue: seasonal, an outbreak stays in the hundreds or low thousands.
    let dengue = figures(&db, "YT06").await;
    assert!(dengue.values().all(|n| *n < 2_000), "{dengue:?}");
    let dry = dengue.iter().filter(|((_, p), _)| p.ends_with("-02")).map(|(_, n)| *n).sum::<i64>();
    let wet = dengue.iter().filter(|((_, p), _)| p.ends_with("-08")).map(|(_, n)| *n).sum::<i64>();
    assert!(wet > 4 * dry, "August {wet}, February {dry}");
    // The comparison column stays readable: this month against the same month last year.
    let mut ratios = Vec::new();
    for ((unit, period), n) in births.iter().filter(|((_, p), _)| p.starts_with("2026")) {
        let last = births[&(*unit, format!("2025{}", &period[4..]))];
        if last >= 20 {
            ratios.push(*n as f64 / last as f64);
        }
    }
    let wild = ratios.iter().filter(|r| !(0.4..=2.5).contains(*r)).count();
    assert!(wild * 100 <= ratios.len(), "{wild} of {} births comparisons outside 40–250 %", ratios.len());
}

#[tokio::test]
async fn a_history_leaves_open_periods_to_the_units() {
    let db = catalogue_only("history").await;
    // The day after February's reports lock (the deadline moved past Tết to
    // 23/02): the office is still working through some.
    let today = domain::period::date(2026, 3, 6);
    let s = generate(&db, &GenerateOptions { year: 2026, until: Some(today), large_regime_rows: 0, seed: 1 }).await.unwrap();
    assert!(s.reports > 0);
    let holidays = service::catalogue::holidays::all(&db).await.unwrap();
    for r in report::Entity::find().all(&db).await.unwrap() {
        let l = service::reports::load(&db, r.id).await.unwrap();
        assert!(l.window.locks < today, "{} {} still open", l.regime.code, r.period_key);
        let w = l.doc.schedule.entry_window(&l.period, &holidays);
        let sent = domain::datefmt::vn_today(r.sent_at.unwrap());
        assert_eq!(r.on_time, Some(sent <= w.deadline));
        // What the office has not yet looked at is sent, not accepted.
        let status = ReportStatus::from_code(&r.status).unwrap();
        match r.reviewed_at {
            Some(at) => assert!(domain::datefmt::vn_today(at) < today && status == ReportStatus::Accepted),
            None => assert_eq!(status, ReportStatus::Sent),
        }
    }
    let waiting = report::Entity::find().filter(report::Column::Status.eq(ReportStatus::Sent.code())).all(&db).await.unwrap();
    assert!(!waiting.is_empty(), "the office has not accepted the latest reports yet");
    let values = report_value::Entity::find().all(&db).await.unwrap();
    assert!(values.iter().all(|v| v.num.is_some() || v.txt.is_some()));
}

#[tokio::test]
async fn a_report_in_error_is_drawn_again_and_never_stored() {
    use service::catalogue::transfer::{CatalogueFile, FORMAT, FORMAT_VERSION, RegimeFile, VersionFile};
    let db = catalogue_only("errors").await;
    // A rule the figures break now and then: bigger communes have more than 30 births in some months.
    let mut doc = domain::regime::RegimeDoc::new("THU_LOI", "Báo cáo thử quy tắc chặn gửi");
    doc.legal_basis = "Kiểm thử.".into();
    doc.content = "Số trẻ em sinh ra trong tháng.".into();
    doc.guidance = "Kiểm thử.".into();
    doc.reporting_units = vec![domain::org::GROUP_COMMUNES.into()];
    doc.outline = vec![domain::regime::OutlineSection { title: "Kết quả".into(), guidance: String::new() }];
    doc.sections = vec![domain::regime::FormSection {
        title: "Dân số".into(),
        rows: vec![domain::regime::FormRow { indicator: "DS03".into(), required: true }],
    }];
    doc.rules = vec![domain::rules::RuleDef {
        expression: "DS03 <= 30".into(),
        message: "Số trẻ em sinh ra trong tháng không được vượt quá 30.".into(),
        severity: domain::rules::Severity::Error,
        missing: domain::rules::MissingStrategy::NeverSkip,
    }];
    let published_at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 1, 2, 2, 0, 0).unwrap();
    let file = CatalogueFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        breakdowns: vec![],
        indicators: vec![],
        regimes: vec![RegimeFile {
            code: "THU_LOI".into(),
            active: true,
            draft: doc.clone(),
            versions: vec![VersionFile { version: 1, published_at, effective_from: None, definition: doc }],
        }],
        holidays: vec![],
    };
    let admin = domain::Actor { user_id: 0, role: domain::Role::Admin, unit_id: 0 };
    service::catalogue::transfer::import(&db, &admin, &serde_json::to_vec(&file).unwrap()).await.unwrap().expect("the test regime loads");
    let s = generate(&db, &GenerateOptions { year: 2025, until: None, large_regime_rows: 0, seed: 3 }).await.unwrap();
    assert!(s.redrawn > 0, "{s:?}");
    let regime_id = regime::Entity::find().filter(regime::Column::Code.eq("THU_LOI")).one(&db).await.unwrap().unwrap().id;
    let stored = report::Entity::find().filter(report::Column::RegimeId.eq(regime_id)).all(&db).await.unwrap();
    assert_eq!(stored.len() + s.withheld, 75 * 12, "a report is stored or counted as withheld");
    let values = report_value::Entity::find().filter(report_value::Column::RegimeId.eq(regime_id)).all(&db).await.unwrap();
    assert_eq!(values.iter().filter(|v| v.part.is_empty()).count(), stored.len());
    for v in values.iter().filter(|v| v.part.is_empty()) {
        assert!(v.num.is_some_and(|n| n <= 30), "{} {}: {:?}", v.unit_id, v.period_key, v.num);
    }
}
