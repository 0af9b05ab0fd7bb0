//! `bench/run entry`: saves and sends 300-row reports through the service
//! layer, many times, on a database that already holds a full province-year
//! (made by the same generator as `server generate`). Prints reports per
//! second and latency percentiles, and, as a peer in the same run, the time
//! of a bare bulk insert of the same 300 figures (the floor of any save).

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use domain::entry::cell_key;
use domain::period::Period;
use domain::report::Transition;
use domain::reporting::Submission;
use domain::{Actor, Role};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use service::reports::generator::{GenerateOptions, LARGE_REGIME_CODE, large_code};
use std::time::Instant;

const ROWS: usize = 300;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn figures(seed: usize) -> Submission {
    let mut s = Submission::default();
    for i in 1..=ROWS {
        let v = if i % 2 == 1 { 1_000 + (seed * 7 + i) % 5_000 } else { 500 + (seed + i) % 400 };
        s.values.insert(cell_key(&large_code(i), None), domain::numfmt::format_int(v as i64));
    }
    s
}

#[tokio::main]
async fn main() {
    let iterations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("baocao-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let db = service::db::open(&url, 8).await.expect("database");
    service::org::seed_reference_units(&db).await.expect("units");
    service::demo::seed_demo_accounts(&db).await.expect("accounts");
    service::demo::seed_demo_catalogue(&db).await.expect("catalogue");

    let year = 2025;
    let t = Instant::now();
    let summary = service::reports::generator::generate(&db, &GenerateOptions { year, until: None, large_regime_rows: ROWS, seed: 42 })
        .await
        .expect("generate");
    eprintln!("generated {} reports, {} values in {:.1} s", summary.reports, summary.values, t.elapsed().as_secs_f64());

    let regime = service::catalogue::regimes::list(&db, LARGE_REGIME_CODE, 1).await.expect("regime").items[0].id;
    let units: Vec<i32> = entity::regime_unit::Entity::find()
        .all(&db)
        .await
        .expect("units")
        .into_iter()
        .map(|u| u.unit_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let user_id = service::users::list_users(
        &db,
        &Actor { user_id: 0, role: Role::Admin, unit_id: 0 },
        service::users::UserQuery { search: "cv.syt".into(), ..Default::default() },
    )
    .await
    .expect("user")
    .items[0]
        .id;

    let (mut save_ms, mut send_ms, mut peer_ms) = (Vec::new(), Vec::new(), Vec::new());
    let started = Instant::now();
    let mut done = 0;
    'outer: for month in 1..=12u32 {
        let period = Period::Month { year: year + 1, month };
        let (_, cutoff_end) = period.window(domain::period::WindowStyle::Decree09);
        // Inside the period's entry window, before the deadline.
        let now = Utc.from_utc_datetime(&cutoff_end.and_time(NaiveTime::from_hms_opt(3, 0, 0).unwrap_or_default())) + Duration::days(1);
        for unit in &units {
            if done == iterations {
                break 'outer;
            }
            let actor = Actor { user_id, role: Role::Clerk, unit_id: *unit };
            let id = service::reports::start(&db, &actor, regime, &period.key(), now).await.expect("start");
            let sub = figures(done);
            let t = Instant::now();
            service::reports::save(&db, &actor, id, 0, sub, service::reports::Source::Form, now).await.expect("save");
            save_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            service::reports::transition(&db, &actor, id, Transition::Send, "", now).await.expect("send");
            send_ms.push(t.elapsed().as_secs_f64() * 1000.0);

            // The peer: the same 300 figures as one bare bulk insert in a transaction.
            let t = Instant::now();
            let txn = sea_orm::TransactionTrait::begin(&db).await.expect("txn");
            let rows: Vec<entity::report_value::ActiveModel> = (1..=ROWS)
                .map(|i| entity::report_value::ActiveModel {
                    report_id: Set(id),
                    indicator_id: Set(i as i32),
                    part: Set(format!("peer{i}")),
                    num: Set(Some(i as i64)),
                    txt: Set(None),
                    comment: Set(String::new()),
                    unit_id: Set(*unit),
                    regime_id: Set(regime),
                    period_key: Set("peer".into()),
                    updated_at: Set(now),
                    updated_by: Set(None),
                    ..Default::default()
                })
                .collect();
            entity::report_value::Entity::insert_many(rows).exec(&txn).await.expect("peer insert");
            txn.commit().await.expect("peer commit");
            peer_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            done += 1;
        }
    }
    let total_s = started.elapsed().as_secs_f64() - peer_ms.iter().sum::<f64>() / 1000.0;
    let values: i64 = db
        .query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM report_value"))
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0);
    for v in [&mut save_ms, &mut send_ms, &mut peer_ms] {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "entry reports_per_s={:.1} p95_ms={:.2} p50_ms={:.2} send_p95_ms={:.2} peer_p95_ms={:.2} ratio={:.2} reports={} db_values={}",
        done as f64 / total_s,
        percentile(&save_ms, 0.95),
        percentile(&save_ms, 0.50),
        percentile(&send_ms, 0.95),
        percentile(&peer_ms, 0.95),
        percentile(&save_ms, 0.95) / percentile(&peer_ms, 0.95).max(0.001),
        done,
        values
    );
}
