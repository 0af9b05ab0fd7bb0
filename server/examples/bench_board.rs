//! `bench/run board`: the completion board for every unit × the regimes
//! whose periods end in December (monthly, quarterly, half-year and annual:
//! 11 demo regimes, 12 with the load-test regime), on a SQLite database
//! holding three generated years of reports. Times the board query in the
//! service layer and the whole page as the office's browser gets it (a
//! server on the loopback, signed in as the reviewer).

use chrono::{Datelike, Utc};
use domain::office::BoardFilter;
use domain::{Actor, Role};
use service::reports::generator::GenerateOptions;
use std::sync::Arc;
use std::time::Instant;

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(((v.len() as f64 - 1.0) * 0.95).round() as usize).copied().unwrap_or(0.0)
}

#[tokio::main]
async fn main() {
    let iterations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(40);
    let dir = std::env::temp_dir().join(format!("baocao-bench-board-{}", std::process::id()));
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
    let config = Arc::new(config);
    let db = server::prepare_database(&config).await.expect("database");
    let this_year = domain::datefmt::vn_today(Utc::now()).year();
    let t = Instant::now();
    let mut reports = 0;
    for year in this_year - 3..this_year {
        let s = service::reports::generator::generate(&db, &GenerateOptions { year, until: None, large_regime_rows: 30, seed: 7 })
            .await
            .expect("generate");
        reports += s.reports;
    }
    eprintln!("generated {reports} reports in {:.1} s", t.elapsed().as_secs_f64());
    let year = this_year - 1;
    let reviewer = Actor { user_id: 0, role: Role::Reviewer, unit_id: 0 };
    let filter = BoardFilter { year, month: 12, ..Default::default() };
    let now = Utc::now();
    let first = service::board::matrix::board(&db, &reviewer, filter.clone(), now).await.expect("board");
    let mut board_ms = Vec::new();
    for _ in 0..iterations {
        let t = Instant::now();
        let b = service::board::matrix::board(&db, &reviewer, filter.clone(), now).await.expect("board");
        board_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(b.total, first.total);
    }

    let listener = tokio::net::TcpListener::bind(config.listen).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = server::router(config.clone(), db.clone());
    tokio::spawn(async move {
        let _ = server::serve(listener, router, std::future::pending()).await;
    });
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let base = format!("http://{addr}");
    let page = client.get(format!("{base}/dang-nhap")).send().await.expect("sign-in page").text().await.expect("html");
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
    let r = client
        .post(format!("{base}/api/dang-nhap"))
        .form(&[("csrf", csrf.as_str()), ("username", "vp.tonghop"), ("password", service::demo::DEMO_PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert!(r.status().is_success(), "sign in: {}", r.status());
    let path = format!("{base}/tinh-hinh-bao-cao?thang={year}-12");
    let mut page_ms = Vec::new();
    for _ in 0..iterations {
        let t = Instant::now();
        let r = client.get(&path).header("accept", "text/html").send().await.expect("page");
        assert!(r.status().is_success(), "page: {}", r.status());
        let html = r.text().await.expect("html");
        page_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(html.contains("Tình hình báo cáo"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "board p95_ms={:.1} page_p95_ms={:.1} units={} regimes={} reports={}",
        p95(board_ms),
        p95(page_ms),
        first.rows.len(),
        first.columns.len(),
        reports
    );
}
