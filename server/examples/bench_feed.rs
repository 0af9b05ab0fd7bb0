//! `bench/run feed`: a whole province-year of aggregates (every indicator ×
//! every unit, group and the province × every month) pulled as JSON through
//! `/api/v1/aggregates` from a generated province, with a machine token,
//! over the loopback. Peer in the same run: reading the year's raw value
//! rows straight from the database (what any feed must at least do).
//! Memory: the process's peak RSS while serving a one-month pull and,
//! measured afresh, while serving the whole year (a streamed answer holds
//! one period at a time, so the two should match). The peak is reset after
//! the province is generated (`/proc/self/clear_refs`), so what the
//! generator held does not hide what serving needs, and the allocator is
//! tuned as the server binary tunes it.

use chrono::{Datelike, Utc};
use sea_orm::{ConnectionTrait, Statement};
use service::reports::generator::GenerateOptions;
use std::sync::Arc;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Starts a fresh peak: gives freed memory back, then resets VmHWM to the
/// current resident size (Linux `clear_refs` 5).
fn reset_peak_rss() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
    if let Err(e) = std::fs::write("/proc/self/clear_refs", "5") {
        eprintln!("cannot reset the peak RSS ({e}); figures include the generator");
    }
}

/// Pulls a URL, counting bytes as they arrive (nothing is kept).
async fn pull(client: &reqwest::Client, url: &str, token: &str) -> (f64, usize) {
    let t = Instant::now();
    let mut r = client.get(url).bearer_auth(token).send().await.expect("pull");
    assert!(r.status().is_success(), "{}", r.status());
    let mut bytes = 0;
    let mut tail = Vec::new();
    while let Some(chunk) = r.chunk().await.expect("chunk") {
        bytes += chunk.len();
        tail = chunk.to_vec();
    }
    assert!(tail.ends_with(b"]}"), "a whole JSON document");
    (t.elapsed().as_secs_f64(), bytes)
}

fn main() {
    server::tune_allocator();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime").block_on(bench());
}

async fn bench() {
    let iterations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("baocao-bench-feed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let mut config = server::config::Config {
        database_url: url,
        demo: true,
        demo_history: false,
        listen: "127.0.0.1:0".parse().expect("addr"),
        ..Default::default()
    };
    config.database_max_connections = 8;
    config.api_burst = 1000;
    let config = Arc::new(config);
    let db = server::prepare_database(&config).await.expect("database");
    let year = domain::datefmt::vn_today(Utc::now()).year() - 1;
    let t = Instant::now();
    let s =
        service::reports::generator::generate(&db, &GenerateOptions { year, until: None, large_regime_rows: 30, seed: 7 }).await.expect("generate");
    eprintln!("generated {} reports in {:.1} s", s.reports, t.elapsed().as_secs_f64());

    // A machine account and its read token, made the administrator's way.
    let admin_id: i32 = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT id FROM app_user WHERE username = 'quantri'".to_string()))
        .await
        .expect("admin")
        .expect("row")
        .try_get_by_index(0)
        .expect("id");
    let office = service::org::list_units(&db).await.expect("units").into_iter().find(|u| u.code == domain::org::OFFICE_CODE).expect("office").id;
    let admin = domain::Actor { user_id: admin_id, role: domain::Role::Admin, unit_id: office };
    service::users::create_user(
        &db,
        &admin,
        service::users::NewUser {
            username: "ioc.bench".into(),
            full_name: "Trung tâm điều hành".into(),
            role: "machine".into(),
            unit_id: office,
            password: "MayKhach@2025x".into(),
        },
    )
    .await
    .expect("machine account");
    let req = service::feeds::tokens::TokenRequest { username: "ioc.bench".into(), name: "bench".into(), write_units: vec![] };
    let token = service::feeds::tokens::create(&db, &admin, req, Utc::now()).await.expect("token").token;

    let listener = tokio::net::TcpListener::bind(config.listen).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = server::router(config.clone(), db.clone());
    tokio::spawn(async move {
        let _ = server::serve(listener, router, std::future::pending()).await;
    });
    let client = reqwest::Client::new();
    let base = format!("http://{addr}/api/v1/aggregates");

    // Warm up, then one month: the memory baseline.
    let _ = pull(&client, &format!("{base}?period={year}-12"), &token).await;
    reset_peak_rss();
    let (_, month_bytes) = pull(&client, &format!("{base}?period={year}-12"), &token).await;
    let rss_month = peak_rss_mb();
    reset_peak_rss();
    let mut secs = Vec::new();
    let mut bytes = 0;
    for _ in 0..iterations {
        let (s, b) = pull(&client, &format!("{base}?year={year}&frequency=thang"), &token).await;
        secs.push(s);
        bytes = b;
    }
    let rss_year = peak_rss_mb();
    secs.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let median = secs[secs.len() / 2];

    // The peer: the year's counted value rows read raw.
    let backend = db.get_database_backend();
    let mut sql = Vec::new();
    for _ in 0..iterations {
        let t = Instant::now();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT indicator_id, unit_id, part, regime_id, frequency, ordinal, num, delivery FROM report_value \
                     WHERE period_year = {year} AND delivery >= 1 AND num IS NOT NULL"
                ),
            ))
            .await
            .expect("rows");
        assert!(!rows.is_empty());
        sql.push(t.elapsed().as_secs_f64());
    }
    sql.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let sql_median = sql[sql.len() / 2];
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "feed seconds={median:.3} mb={:.1} peak_rss_mb={rss_year:.1} month_peak_rss_mb={rss_month:.1} month_mb={:.2} year_vs_month_rss={:.2} raw_sql_seconds={sql_median:.3} vs_raw_sql={:.1}",
        bytes as f64 / 1_048_576.0,
        month_bytes as f64 / 1_048_576.0,
        rss_year / rss_month.max(1e-6),
        median / sql_median.max(1e-6)
    );
}
