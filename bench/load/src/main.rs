//! The load client of `bench/run load`: goose users behaving like clerks of
//! Sơn La in the days before a deadline. User `i` signs in as
//! `thutai.000i` (prepared by `server prepare-load`), finds the report its
//! unit owes for the load-test regime (starting it if need be), then, until
//! the run ends, opens the home page and the list of due reports, opens the
//! 300-row form and saves it; when the run ends it sends the report with
//! figures that pass the regime's rules.
//!
//! Goose's own options (`--host`, `--users`, `--increase-time`,
//! `--run-time`, `--report-file`, ...) come from the command line; this
//! client's own settings from the environment:
//! - `LOAD_ROWS` rows of the form (300),
//! - `LOAD_PASSWORD` the load accounts' password,
//! - `LOAD_WAIT_MS` think time between a clerk's actions, `MIN-MAX`
//!   milliseconds (`1000-3000`),
//! - `LOAD_CHANGED` figures a clerk changes between two saves (10;
//!   every save posts the whole form, as the browser does).
//!
//! Any answer that is not 2xx is an error, and so is an answer that does not
//! say what it should (no CSRF token on the page, a send refused). The last
//! line printed is `load_client users=… requests=… rps=… p95_ms=… errors=…`.

use goose::metrics::GooseMetrics;
use goose::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// Errors that are not a failed request: a page without what it must hold,
/// a refused send.
static LOGIC_ERRORS: AtomicUsize = AtomicUsize::new(0);
static SENT: AtomicUsize = AtomicUsize::new(0);

struct Settings {
    rows: usize,
    password: String,
    wait: (Duration, Duration),
    changed: usize,
}

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(|| {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let wait = var("LOAD_WAIT_MS")
            .and_then(|w| {
                let (a, b) = w.split_once('-')?;
                Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
            })
            .unwrap_or((1000u64, 3000u64));
        Settings {
            rows: var("LOAD_ROWS").and_then(|v| v.parse().ok()).unwrap_or(300),
            password: var("LOAD_PASSWORD").unwrap_or_else(|| "ThuTai@2026".into()),
            wait: (Duration::from_millis(wait.0), Duration::from_millis(wait.1.max(wait.0))),
            changed: var("LOAD_CHANGED").and_then(|v| v.parse().ok()).unwrap_or(10),
        }
    })
}

/// What a clerk's browser holds between actions.
#[derive(Clone, Debug)]
struct Clerk {
    csrf: String,
    report: i32,
    row_version: i32,
    saves: usize,
}

fn logic_error(what: String) -> Box<TransactionError> {
    LOGIC_ERRORS.fetch_add(1, Ordering::Relaxed);
    eprintln!("lỗi: {what}");
    Box::new(TransactionError::Custom(what))
}

/// The `value` of the first input named `name` in a page.
fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].to_string())
}

/// The figure of row `row` (1-based) after `saves` saves: totals (odd rows)
/// in 1.000..6.100, their parts (even rows) in 500..1.000, so the regime's
/// rules (a part never above its total) hold; each save changes `changed`
/// figures, a different few each time.
fn figure(row: usize, saves: usize, rows: usize, changed: usize) -> u64 {
    let base = if row % 2 == 1 { 1_000 + (row * 37) % 5_000 } else { 500 + (row * 13) % 400 };
    let window = (saves * changed) % rows.max(1);
    let touched = saves > 0 && (row - 1 + rows - window) % rows < changed;
    (base + if touched { saves % 97 } else { 0 }) as u64
}

fn form_fields(c: &Clerk, intent: &str) -> Vec<(String, String)> {
    let s = settings();
    let mut f = Vec::with_capacity(s.rows + 4);
    f.push(("csrf".to_string(), c.csrf.clone()));
    f.push(("id".to_string(), c.report.to_string()));
    f.push(("row_version".to_string(), c.row_version.to_string()));
    f.push(("intent".to_string(), intent.to_string()));
    for r in 1..=s.rows {
        f.push((format!("values[TT{r:04}]"), figure(r, c.saves, s.rows, s.changed).to_string()));
    }
    f
}

/// A request, with its answer read whole; a non-2xx answer (already counted
/// by goose as a failed request) fails the transaction.
async fn call(user: &mut GooseUser, method: GooseMethod, path: &str, name: &str, form: Option<&[(String, String)]>) -> Result<String, Box<TransactionError>> {
    let mut rb = user.get_request_builder(&method, path)?;
    if let Some(f) = form {
        rb = rb.form(f);
    }
    let req = GooseRequest::builder().method(method).path(path).name(name).set_request_builder(rb).build();
    let mut goose = user.request(req).await?;
    match goose.response {
        Ok(r) => {
            let ok = r.status().is_success();
            let status = r.status();
            let body = r.text().await.map_err(|e| Box::new(TransactionError::Reqwest(e)))?;
            if ok {
                Ok(body)
            } else {
                let short: String = body.chars().take(200).collect();
                eprintln!("lỗi: {name}: {status} {short}");
                user.set_failure(name, &mut goose.request, None, None)?;
                Err(Box::new(TransactionError::Custom(format!("{name}: {status}"))))
            }
        }
        Err(e) => Err(Box::new(TransactionError::Reqwest(e))),
    }
}

/// Signs in and finds (or starts) the clerk's report, once per user, or
/// again after an earlier attempt failed.
async fn ensure_ready(user: &mut GooseUser) -> Result<(), Box<TransactionError>> {
    if user.get_session_data::<Clerk>().is_some() {
        return Ok(());
    }
    let i = user.weighted_users_index + 1;
    // Each clerk at an address of its own behind the province's proxy (the
    // server trusts X-Forwarded-For in this run): sign-in throttling counts
    // attempts per address, and a province does not sign in from one machine.
    let mut headers = reqwest::header::HeaderMap::new();
    let addr = format!("10.{}.{}.{}", 1 + i / 62_500, (i / 250) % 250, 1 + i % 250);
    headers.insert("x-forwarded-for", addr.parse().map_err(|_| logic_error("address".into()))?);
    headers.insert("accept-language", reqwest::header::HeaderValue::from_static("vi-VN,vi;q=0.9"));
    user.set_client_builder(
        reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .user_agent("baocao-load (goose)"),
    )
    .await
    .map_err(Box::new)?;

    let page = call(user, GooseMethod::Get, "/dang-nhap", "/dang-nhap", None).await?;
    let csrf = hidden(&page, "csrf").filter(|t| !t.is_empty()).ok_or_else(|| logic_error("no CSRF token on /dang-nhap".into()))?;
    let username = format!("thutai.{i:04}");
    let form = vec![("csrf".to_string(), csrf), ("username".to_string(), username.clone()), ("password".to_string(), settings().password.clone())];
    call(user, GooseMethod::Post, "/api/dang-nhap", "/api/dang-nhap", Some(&form)).await?;

    let due = call(user, GooseMethod::Get, "/api/bao-cao/cua-don-vi", "/api/bao-cao/cua-don-vi", None).await?;
    let due: serde_json::Value = serde_json::from_str(&due).map_err(|e| logic_error(format!("due list: {e}")))?;
    let line = due
        .as_array()
        .and_then(|a| a.iter().find(|d| d["regime_code"] == "THU_TAI" && (d["state"] == "Open" || d["state"] == "Overdue")))
        .ok_or_else(|| logic_error(format!("{username}: no open THU_TAI report")))?
        .clone();
    let report = match line["report_id"].as_i64() {
        Some(id) => id as i32,
        None => {
            // A token of the new session is on every page; the sign-in answer set it as a cookie too.
            let home = call(user, GooseMethod::Get, "/", "/", None).await?;
            let csrf = hidden(&home, "csrf").filter(|t| !t.is_empty()).ok_or_else(|| logic_error("no CSRF token on /".into()))?;
            let form = vec![
                ("csrf".to_string(), csrf),
                ("regime_id".to_string(), line["regime_id"].to_string()),
                ("period".to_string(), line["period_key"].as_str().unwrap_or_default().to_string()),
            ];
            let target = call(user, GooseMethod::Post, "/api/bao-cao/lap", "/api/bao-cao/lap", Some(&form)).await?;
            let target: String = serde_json::from_str(&target).map_err(|e| logic_error(format!("start: {e}")))?;
            target.trim_start_matches("/bao-cao/").parse().map_err(|_| logic_error(format!("start answered {target}")))?
        }
    };
    let mut clerk = Clerk { csrf: String::new(), report, row_version: 0, saves: 0 };
    read_form(user, &mut clerk).await?;
    user.set_session_data(clerk);
    Ok(())
}

/// Opens the form page; takes the CSRF token and the row version from it, as the browser does.
async fn read_form(user: &mut GooseUser, clerk: &mut Clerk) -> Result<(), Box<TransactionError>> {
    let path = format!("/bao-cao/{}", clerk.report);
    let page = call(user, GooseMethod::Get, &path, "/bao-cao/{id}", None).await?;
    let rows = page.matches("name=\"values[").count();
    if rows < settings().rows {
        return Err(logic_error(format!("the form shows {rows} rows")));
    }
    clerk.csrf = hidden(&page, "csrf").filter(|t| !t.is_empty()).ok_or_else(|| logic_error("no CSRF token on the form".into()))?;
    clerk.row_version = hidden(&page, "row_version").and_then(|v| v.parse().ok()).ok_or_else(|| logic_error("no row_version on the form".into()))?;
    Ok(())
}

async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    ensure_ready(user).await
}

async fn home(user: &mut GooseUser) -> TransactionResult {
    ensure_ready(user).await?;
    call(user, GooseMethod::Get, "/", "/", None).await?;
    Ok(())
}

async fn due_list(user: &mut GooseUser) -> TransactionResult {
    ensure_ready(user).await?;
    call(user, GooseMethod::Get, "/api/bao-cao/cua-don-vi", "/api/bao-cao/cua-don-vi", None).await?;
    Ok(())
}

async fn open_form(user: &mut GooseUser) -> TransactionResult {
    ensure_ready(user).await?;
    let mut clerk = user.get_session_data_unchecked::<Clerk>().clone();
    read_form(user, &mut clerk).await?;
    user.set_session_data(clerk);
    Ok(())
}

/// Saves (`luu`) or saves and sends (`gui`) the whole form.
async fn submit(user: &mut GooseUser, intent: &str) -> TransactionResult {
    let mut clerk = user.get_session_data_unchecked::<Clerk>().clone();
    if intent == "luu" {
        clerk.saves += 1;
    }
    let fields = form_fields(&clerk, intent);
    let name = format!("/api/bao-cao/luu ({intent})");
    let answer = call(user, GooseMethod::Post, "/api/bao-cao/luu", &name, Some(&fields)).await;
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            // Whatever happened, the browser's next save starts from the page again.
            let _ = read_form(user, &mut clerk).await;
            user.set_session_data(clerk);
            return Err(e);
        }
    };
    let reply: serde_json::Value = serde_json::from_str(&answer).map_err(|e| logic_error(format!("save answer: {e}")))?;
    clerk.row_version = reply["row_version"].as_i64().ok_or_else(|| logic_error(format!("save answer without row_version: {answer}")))? as i32;
    user.set_session_data(clerk);
    if intent == "gui" {
        if !reply["send_error"].is_null() || reply["go_to"].is_null() {
            return Err(logic_error(format!("the report was not sent: {}", reply["send_error"])));
        }
        SENT.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

async fn save(user: &mut GooseUser) -> TransactionResult {
    ensure_ready(user).await?;
    submit(user, "luu").await
}

async fn send(user: &mut GooseUser) -> TransactionResult {
    if user.get_session_data::<Clerk>().is_none() {
        return Err(logic_error("a clerk that never got its report cannot send it".into()));
    }
    submit(user, "gui").await
}

/// Percentile over all requests, from goose's time buckets (floor of each bucket).
fn overall(metrics: &GooseMetrics, p: f64) -> f64 {
    let mut buckets: Vec<(u64, usize)> = metrics.requests.values().flat_map(|r| r.raw_data.times_us.iter().map(|(b, c)| (*b, *c))).collect();
    buckets.sort_unstable();
    let total: usize = buckets.iter().map(|(_, c)| c).sum();
    if total == 0 {
        return 0.0;
    }
    let want = ((total as f64) * p).ceil().max(1.0) as usize;
    let mut seen = 0;
    for (b, c) in buckets {
        seen += c;
        if seen >= want {
            return b as f64 / 1000.0;
        }
    }
    0.0
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    let s = settings();
    let clerk = scenario!("ChuyenVien")
        .set_wait_time(s.wait.0, s.wait.1)?
        .register_transaction(transaction!(sign_in).set_name("dang_nhap").set_on_start())
        .register_transaction(transaction!(home).set_name("trang_chu").set_weight(1)?)
        .register_transaction(transaction!(due_list).set_name("danh_sach").set_weight(1)?)
        .register_transaction(transaction!(open_form).set_name("mo_bieu").set_weight(2)?)
        .register_transaction(transaction!(save).set_name("luu").set_weight(3)?)
        .register_transaction(transaction!(send).set_name("gui").set_on_stop());
    let metrics = GooseAttack::initialize()?
        .register_scenario(clerk)
        .set_default(GooseDefault::NoResetMetrics, true)?
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::NoWebSocket, true)?
        .execute()
        .await?;

    let requests: usize = metrics.requests.values().map(|r| r.success_count + r.fail_count).sum();
    let failed: usize = metrics.requests.values().map(|r| r.fail_count).sum();
    let errors = failed + LOGIC_ERRORS.load(Ordering::Relaxed);
    let secs = metrics.duration.max(1) as f64;
    let mut names: Vec<_> = metrics.requests.iter().collect();
    names.sort_by_key(|(k, _)| k.to_string());
    eprintln!("{:<44} {:>8} {:>6} {:>9} {:>9} {:>9}", "request", "count", "fail", "p50_ms", "p95_ms", "max_ms");
    for (name, r) in names {
        eprintln!(
            "{:<44} {:>8} {:>6} {:>9.1} {:>9.1} {:>9.1}",
            name,
            r.success_count + r.fail_count,
            r.fail_count,
            r.raw_data.percentile_us(0.5) as f64 / 1000.0,
            r.raw_data.percentile_us(0.95) as f64 / 1000.0,
            r.raw_data.maximum_time_us as f64 / 1000.0
        );
    }
    println!(
        "load_client users={} requests={} rps={:.1} p95_ms={:.1} p50_ms={:.1} errors={} sent={} seconds={}",
        metrics.maximum_users,
        requests,
        requests as f64 / secs,
        overall(&metrics, 0.95),
        overall(&metrics, 0.50),
        errors,
        SENT.load(Ordering::Relaxed),
        metrics.duration
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_parts_under_totals() {
        for saves in [0, 1, 7, 29, 30, 31, 500] {
            for r in (1..300).step_by(2) {
                assert!(figure(r + 1, saves, 300, 10) <= figure(r, saves, 300, 10));
            }
            let changed = (1..=300).filter(|&r| figure(r, saves, 300, 10) != figure(r, 0, 300, 10)).count();
            assert!(changed <= 10);
        }
    }

    #[test]
    fn reads_hidden_fields() {
        let html = r#"<form><input type="hidden" name="csrf" value="abc"/><input type="hidden" name="row_version" value="3"></form>"#;
        assert_eq!(hidden(html, "csrf").as_deref(), Some("abc"));
        assert_eq!(hidden(html, "row_version").as_deref(), Some("3"));
        assert_eq!(hidden(html, "nope"), None);
    }
}
