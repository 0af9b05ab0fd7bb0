//! `bench/run rollup`: a province-wide roll-up of 50 indicators over one
//! year by unit and month through the service layer, on a SQLite database
//! holding three generated years; the same values exported to CSV for
//! DuckDB (timed by bench/rollup.sh in the same run). Measured hot (the
//! figures unchanged since the last request: the server's kept facts) and
//! cold (the stamp changed, as after a clerk's send: the year read again).

use chrono::{Datelike, Utc};
use domain::aggregate::Counted;
use domain::period::Period;
use domain::{Actor, Role};
use sea_orm::{ConnectionTrait, Statement};
use service::reports::generator::GenerateOptions;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(((v.len() as f64 - 1.0) * 0.95).round() as usize).copied().unwrap_or(0.0)
}

/// The roll-up measured: one read of the year, then every month's figure
/// for every unit and for the province, for every indicator. Returns the
/// province's sum of all figures (to compare with DuckDB) and the cells.
async fn rollup(db: &service::Db, ids: &[i32], year: i32) -> (String, usize) {
    let leader = Actor { user_id: 0, role: Role::Leader, unit_id: 0 };
    let t = Instant::now();
    let f = service::aggregate::figures(db, &leader, Some(ids), Period::Year { year }, Counted::SentOrAccepted).await.expect("figures");
    if std::env::var_os("ROLLUP_SPLIT").is_some() {
        eprintln!("figures() {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut cells = 0;
    let mut total = domain::dec::Dec::ZERO;
    let units: Vec<i32> = f.units.iter().map(|u| u.id).collect();
    for month in 1..=12 {
        let r = f.at(Period::Month { year, month }).expect("month");
        for id in ids {
            for u in &units {
                if r.unit_figure(*id, "", *u).is_some() {
                    cells += 1;
                }
            }
            if let Some(v) = r.cell(&f.tree, f.scope, *id, "").expect("cell").value
                && f.indicator(*id).is_some_and(|i| i.aggregation == domain::indicator::Aggregation::Sum)
            {
                total = total.checked_add(v).expect("sum");
            }
        }
    }
    (total.to_string(), cells)
}

#[tokio::main]
async fn main() {
    let iterations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let csv_path = std::env::args().nth(2).unwrap_or_else(|| "/tmp/baocao-rollup.csv".into());
    let dir = std::env::temp_dir().join(format!("baocao-bench-rollup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // BENCH_DATABASE_URL: an empty PostgreSQL database for the same run on
    // PostgreSQL (bench/rollup.sh makes one); an SQLite file otherwise.
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db?mode=rwc", dir.display()));
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
    // The province holds at least 2 million values: the demo regimes
    // and a monthly regime of this many indicators for every unit, 3 years.
    let large_rows: usize = std::env::var("ROLLUP_LARGE_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(640);
    for year in this_year - 3..this_year {
        service::reports::generator::generate(&db, &GenerateOptions { year, until: None, large_regime_rows: large_rows, seed: 7 })
            .await
            .expect("generate");
    }
    let backend = db.get_database_backend();
    let count = |sql: &str| {
        let db = db.clone();
        let sql = sql.to_string();
        async move {
            let row = db.query_one_raw(Statement::from_string(backend, sql)).await.expect("count").expect("row");
            row.try_get_by_index::<i64>(0).expect("n")
        }
    };
    let values = count("SELECT COUNT(*) FROM report_value").await;
    eprintln!("generated {values} values in {:.1} s", t.elapsed().as_secs_f64());
    let year = this_year - 1;
    // The 50 sum indicators with the most monthly figures that year.
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT v.indicator_id FROM report_value v JOIN indicator i ON i.id = v.indicator_id \
                 WHERE v.period_year = {year} AND v.frequency = 'thang' AND i.aggregation = 'tong' \
                 GROUP BY v.indicator_id ORDER BY COUNT(*) DESC, v.indicator_id LIMIT 50"
            ),
        ))
        .await
        .expect("indicators");
    let ids: Vec<i32> = rows.iter().map(|r| r.try_get_by_index::<i32>(0).expect("id")).collect();
    // Export the values for DuckDB.
    let all = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT indicator_id, unit_id, regime_id, period_year, frequency, ordinal, part, num, delivery FROM report_value WHERE num IS NOT NULL"
                .to_string(),
        ))
        .await
        .expect("export");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&csv_path).expect("csv"));
    writeln!(out, "indicator_id,unit_id,regime_id,period_year,frequency,ordinal,part,num,delivery").expect("write");
    for r in &all {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            r.try_get_by_index::<i32>(0).unwrap_or(0),
            r.try_get_by_index::<i32>(1).unwrap_or(0),
            r.try_get_by_index::<i32>(2).unwrap_or(0),
            r.try_get_by_index::<i32>(3).unwrap_or(0),
            r.try_get_by_index::<String>(4).unwrap_or_default(),
            r.try_get_by_index::<i16>(5).unwrap_or(0),
            r.try_get_by_index::<String>(6).unwrap_or_default(),
            r.try_get_by_index::<i64>(7).unwrap_or(0),
            r.try_get_by_index::<i16>(8).unwrap_or(0)
        )
        .expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    let (first, cells) = rollup(&db, &ids, year).await;
    let mut ms = Vec::new();
    for _ in 0..iterations {
        let t = Instant::now();
        let (total, _) = rollup(&db, &ids, year).await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(total, first);
    }
    // Cold: the figures changed since the last request (a clerk sent a
    // report), so the year's facts of the 50 indicators are read again.
    let mut cold = Vec::new();
    for _ in 0..iterations.min(10) {
        db.execute_raw(Statement::from_string(backend, "UPDATE facts_stamp SET stamp = stamp + 1 WHERE id = 1".to_string())).await.expect("stamp");
        let t = Instant::now();
        let (total, _) = rollup(&db, &ids, year).await;
        cold.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(total, first);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let id_list = ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    // Parsed by bench/rollup.sh.
    println!(
        "ROLLUP p95_ms={:.1} cold_p95_ms={:.1} values={values} year={year} indicators={id_list} province_sum={first} unit_month_cells={cells}",
        p95(ms),
        p95(cold)
    );
}
