//! What was acknowledged stays: the server binary is killed with SIGKILL in
//! the middle of a stream of saves and sends and started again; a backup
//! taken during a stream of saves is restored into a fresh directory. In
//! both, every acknowledged change is present and no report is half-written.

use crate::helpers::*;
use reqwest::StatusCode;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

crate::on_both_backends!(a_killed_server_keeps_every_acknowledged_change);

/// A port nobody listens on.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The real server binary on `url`, started as an operator would.
fn start_binary(url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BAOCAO_DATABASE_URL", url)
        .env("BAOCAO_LISTEN", format!("127.0.0.1:{port}"))
        .env("BAOCAO_DEMO", "true")
        .env("BAOCAO_DEMO_HISTORY", "false")
        .env("BAOCAO_SITE_ROOT", std::env::temp_dir().display().to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary")
}

async fn wait_ready(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server binary did not become ready");
}

/// A browser signed in to the server at `base`.
async fn browser(base: &str, url: &str, user: &str) -> TestApp {
    let app = TestApp::remote(base, url).await;
    app.sign_in_ok(user).await;
    app
}

struct Open {
    regime_id: i32,
    period: String,
}

async fn open_periods(app: &TestApp) -> Vec<Open> {
    let r = app.query("bao-cao/cua-don-vi", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let due: serde_json::Value = r.json().await.unwrap();
    due.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["state"] == "Open" || d["state"] == "Late")
        .map(|d| Open { regime_id: d["regime_id"].as_i64().unwrap() as i32, period: d["period_key"].as_str().unwrap().to_string() })
        .collect()
}

async fn start_report(app: &TestApp, o: &Open) -> i32 {
    let r = app.call("bao-cao/lap", &[("regime_id", &o.regime_id.to_string()), ("period", &o.period)]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let target: String = r.json().await.unwrap();
    target.trim_start_matches("/bao-cao/").parse().unwrap()
}

/// The first whole-number cell of a report's form that is not a breakdown part.
async fn a_number_cell(app: &TestApp, id: i32) -> String {
    let page: serde_json::Value = app.query("bao-cao/xem", &[("id", &id.to_string())]).await.json().await.unwrap();
    page["data"]["specs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["value_type"] == "Integer" && s["parts"].as_array().is_some_and(|p| p.is_empty()) && s["min"].as_i64().unwrap_or(0) <= 0)
        .map(|s| s["code"].as_str().unwrap().to_string())
        .expect("a whole-number row")
}

/// One save, as the form's script sends it; `None` when the server went away.
async fn try_save(app: &TestApp, token: &str, id: i32, rv: i32, cell: &str, value: i64) -> Option<reqwest::Response> {
    let key = format!("values[{cell}]");
    let form = [
        ("csrf", token.to_string()),
        ("id", id.to_string()),
        ("row_version", rv.to_string()),
        ("intent", "luu".to_string()),
        (key.as_str(), value.to_string()),
    ];
    app.client.post(app.url("/api/bao-cao/luu")).form(&form).send().await.ok()
}

async fn save_one(app: &TestApp, id: i32, rv: i32, cell: &str, value: i64) -> reqwest::Response {
    let token = app.csrf().await;
    try_save(app, &token, id, rv, cell, value).await.expect("the server answers")
}

async fn a_killed_server_keeps_every_acknowledged_change(b: Backend) {
    let url = fresh_database(b).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = start_binary(&url, port);
    wait_ready(&base).await;
    let clerk = browser(&base, &url, "cv.syt").await;
    let open = open_periods(&clerk).await;
    assert!(!open.is_empty(), "the demo has open periods");
    let id = start_report(&clerk, &open[0]).await;
    let cell = a_number_cell(&clerk, id).await;

    // Saves one after another, acknowledged or not; the kill lands while one is in flight.
    let acked: std::sync::Arc<std::sync::Mutex<Vec<(i32, i64)>>> = Default::default();
    let writer = {
        let acked = acked.clone();
        let clerk = clerk.same_browser();
        let cell = cell.clone();
        tokio::spawn(async move {
            let token = clerk.csrf().await;
            let mut rv = 0;
            for value in 1.. {
                match tokio::time::timeout(Duration::from_secs(5), try_save(&clerk, &token, id, rv, &cell, value)).await {
                    Ok(Some(r)) if r.status() == StatusCode::OK => {
                        let v: serde_json::Value = r.json().await.unwrap_or_default();
                        rv = v["row_version"].as_i64().unwrap_or(0) as i32;
                        acked.lock().unwrap().push((rv, value));
                    }
                    _ => return value,
                }
            }
            0
        })
    };
    while acked.lock().unwrap().len() < 25 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().ok();
    let in_flight = writer.await.unwrap();
    let (last_rv, last_value) = *acked.lock().unwrap().last().unwrap();

    let mut child = start_binary(&url, port);
    wait_ready(&base).await;
    let clerk = browser(&base, &url, "cv.syt").await;
    let page: serde_json::Value = clerk.query("bao-cao/xem", &[("id", &id.to_string())]).await.json().await.unwrap();
    let rv = page["data"]["header"]["row_version"].as_i64().unwrap() as i32;
    let stored: i64 = page["data"]["values"][&cell].as_str().unwrap().replace('.', "").parse().unwrap();
    // Either the last acknowledged save, or the one in flight committed whole.
    assert!(
        (rv == last_rv && stored == last_value) || (rv == last_rv + 1 && stored == in_flight),
        "stored version {rv} value {stored}; acknowledged {last_rv}/{last_value}, in flight {in_flight}"
    );
    // The audit trail agrees with the figure: one entry per committed save.
    let history: HashMap<String, serde_json::Value> = [("total".to_string(), page["history_total"].clone())].into();
    assert_eq!(history["total"].as_i64().unwrap(), i64::from(rv) + 1, "a status event plus one audit row per save");

    // A send acknowledged just before a kill survives it.
    let r = clerk
        .call("bao-cao/luu", &[("id", &id.to_string()), ("row_version", &rv.to_string()), ("intent", "gui"), (&format!("values[{cell}]"), "7")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    let sent = v["go_to"].is_string();
    child.kill().expect("SIGKILL");
    child.wait().ok();
    let mut child = start_binary(&url, port);
    wait_ready(&base).await;
    let clerk = browser(&base, &url, "cv.syt").await;
    let page: serde_json::Value = clerk.query("bao-cao/xem", &[("id", &id.to_string())]).await.json().await.unwrap();
    assert_eq!(page["data"]["values"][&cell], "7");
    if sent {
        assert_ne!(page["data"]["header"]["status"], "Draft", "the acknowledged send is kept");
    }
    child.kill().ok();
    child.wait().ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_saves_restores_every_acknowledged_change() {
    bounded(backup_during_saves()).await
}

async fn backup_during_saves() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_in_ok("cv.syt").await;
    let open = open_periods(&app).await;
    let id = start_report(&app, &open[0]).await;
    let cell = a_number_cell(&app, id).await;
    let acked: std::sync::Arc<std::sync::Mutex<Vec<(i32, i64)>>> = Default::default();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (acked, stop, clerk, cell) = (acked.clone(), stop.clone(), app.same_browser(), cell.clone());
        tokio::spawn(async move {
            let mut rv = 0;
            let mut value = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                value += 1;
                let r = save_one(&clerk, id, rv, &cell, value).await;
                assert_eq!(r.status(), StatusCode::OK);
                rv = r.json::<serde_json::Value>().await.unwrap()["row_version"].as_i64().unwrap() as i32;
                acked.lock().unwrap().push((rv, value));
            }
        })
    };
    while acked.lock().unwrap().len() < 10 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before = *acked.lock().unwrap().last().unwrap();
    let dir = std::env::temp_dir().join(format!("baocao-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let backup = dir.join(format!("sao-luu-{}.db", before.0));
    service::db::backup(&app.db, &backup).await.expect("backup while saving");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.await.unwrap();
    let acked = acked.lock().unwrap().clone();

    // Restored by the binary into a fresh directory, as an operator would.
    let fresh = dir.join(format!("moi-{}", before.0));
    std::fs::create_dir_all(&fresh).unwrap();
    let url = format!("sqlite://{}/baocao.db?mode=rwc", fresh.display());
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("BAOCAO_DATABASE_URL", &url)
        .args(["restore", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let restored = service::db::open(&url, 1).await.unwrap();
    let rep = entity::report::Entity::find_by_id(id).one(&restored).await.unwrap().unwrap();
    assert!(rep.row_version >= before.0, "every save acknowledged before the backup began is in it");
    let expected = acked.iter().find(|(rv, _)| *rv == rep.row_version).map(|(_, v)| *v).expect("the backup holds an acknowledged version");
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let values = entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&restored).await.unwrap();
    assert_eq!(values.iter().filter_map(|v| v.num).collect::<Vec<_>>(), vec![expected], "the figure of that version, whole");
    // A file that is not a backup is refused, and the database is left alone.
    let junk = dir.join("khong-phai.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("BAOCAO_DATABASE_URL", &url)
        .args(["restore", junk.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("không phải bản sao lưu hợp lệ"));
    close(restored).await;
    app.stop().await;
}
