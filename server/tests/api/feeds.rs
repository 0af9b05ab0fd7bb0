//! Issue 14: the machine API (`/api/v1`), its tokens and the change log.

use crate::helpers::*;
use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::{Value, json};
use std::collections::BTreeSet;

crate::on_both_backends!(
    the_openapi_document_lists_every_endpoint,
    admin_page_creates_lists_and_revokes,
    tokens_scope_write_and_revocation,
    lists_carry_etags_and_pages,
    changes_follow_every_kind_of_write,
    pulls_never_skip_under_concurrent_writes,
    api_writes_are_exact_bounded_and_scoped,
    only_delivered_figures_are_read_and_written_reports_are_closed,
    accounts_that_stop_being_machine_clients_lose_their_tokens,
    aggregates_completeness_and_the_digital_share,
);

pub(crate) async fn user_id(app: &TestApp, username: &str) -> i32 {
    entity::app_user::Entity::find().filter(entity::app_user::Column::Username.eq(username)).one(&app.db).await.unwrap().expect(username).id
}

pub(crate) async fn admin(app: &TestApp) -> domain::Actor {
    let id = user_id(app, "quantri").await;
    let unit = app.unit_id(domain::org::OFFICE_CODE).await;
    domain::Actor { user_id: id, role: domain::Role::Admin, unit_id: unit }
}

/// A machine-client account `name`.
pub(crate) async fn machine(app: &TestApp, name: &str) {
    let a = admin(app).await;
    service::users::create_user(
        &app.db,
        &a,
        service::users::NewUser {
            username: name.into(),
            full_name: "Trung tâm điều hành thông minh".into(),
            role: "machine".into(),
            unit_id: a.unit_id,
            password: "MayKhach@2025x".into(),
        },
    )
    .await
    .unwrap();
}

pub(crate) async fn token(app: &TestApp, username: &str, units: &[&str]) -> String {
    let a = admin(app).await;
    let req = service::feeds::tokens::TokenRequest {
        username: username.into(),
        name: format!("Khóa {username} {}", units.join(",")),
        write_units: units.iter().map(|u| u.to_string()).collect(),
    };
    service::feeds::tokens::create(&app.db, &a, req, Utc::now()).await.unwrap().token
}

pub(crate) fn api() -> reqwest::Client {
    reqwest::Client::new()
}

pub(crate) async fn get(app: &TestApp, tok: &str, path: &str) -> reqwest::Response {
    api().get(app.url(path)).bearer_auth(tok).send().await.unwrap()
}

pub(crate) async fn get_json(app: &TestApp, tok: &str, path: &str) -> Value {
    let r = get(app, tok, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

pub(crate) async fn post(app: &TestApp, tok: &str, path: &str, body: Value) -> reqwest::Response {
    api().post(app.url(path)).bearer_auth(tok).json(&body).send().await.unwrap()
}

/// The stable error code of an API error (and the shape holds).
pub(crate) async fn error_code(r: reqwest::Response) -> String {
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "a message: {v}");
    v["error"]["code"].as_str().expect("error.code").to_string()
}

/// A draft KTXH_XA report of To Hieu for an open period, started by its clerk.
pub(crate) async fn draft(app: &TestApp) -> i32 {
    let unit = app.unit_id("03646").await;
    let office = domain::Actor { user_id: 0, role: domain::Role::Reviewer, unit_id: 0 };
    let due = service::reports::due_for_unit(&app.db, &office, unit, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == "KTXH_XA" && d.state.accepts_entry()).expect("an open period");
    let clerk = domain::Actor { user_id: user_id(app, "cv.tohieu").await, role: domain::Role::Clerk, unit_id: unit };
    service::reports::start(&app.db, &clerk, d.regime_id, &d.period_key, Utc::now()).await.unwrap()
}

pub(crate) async fn row_version(app: &TestApp, id: i32) -> i64 {
    entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().row_version as i64
}

async fn tokens_scope_write_and_revocation(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    machine(&app, "phanmem.xa").await;
    let read = token(&app, "ioc", &[]).await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;
    let other = token(&app, "phanmem.xa", &["SYT"]).await;
    assert!(read.starts_with("bcapi_") && read.len() > 60);
    let stored = entity::api_token::Entity::find().all(&app.db).await.unwrap();
    assert!(stored.iter().all(|t| t.hash.len() == 64 && !t.hash.contains(&read[6..20]) && t.prefix.len() == 12), "only hashes are stored");

    // A token is only for machine-client accounts, and only an administrator makes one.
    let a = admin(&app).await;
    let refused = service::feeds::tokens::create(
        &app.db,
        &a,
        service::feeds::tokens::TokenRequest { username: "cv.syt".into(), name: "x".into(), write_units: vec![] },
        Utc::now(),
    )
    .await;
    assert!(matches!(refused, Err(service::ServiceError::Validation(_))));
    let clerk = domain::Actor { user_id: user_id(&app, "cv.syt").await, role: domain::Role::Clerk, unit_id: app.unit_id("SYT").await };
    assert!(matches!(service::feeds::tokens::list(&app.db, &clerk).await, Err(service::ServiceError::Forbidden(_))));

    // No token, a wrong one, a cookie session: 401 in the one JSON shape.
    let r = api().get(app.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(r).await, "unauthenticated");
    assert_eq!(error_code(get(&app, "bcapi_0000", "/api/v1/units").await).await, "unauthenticated");
    app.sign_in_ok("quantri").await;
    assert_eq!(app.client.get(app.url("/api/v1/units")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "cookies do not open the API");

    let units = get_json(&app, &read, "/api/v1/units").await;
    assert!(units.as_array().unwrap().iter().any(|u| u["code"] == "03646"));
    assert_eq!(error_code(get(&app, &read, "/api/v1/khong-co").await).await, "not_found");

    let id = draft(&app).await;
    let path = format!("/api/v1/reports/{id}/values");
    let body = json!({ "row_version": row_version(&app, id).await, "values": { "DS03": 20, "DS03__nam": "11", "DS03__nu": 9, "NS01": "1234.5" } });
    // A read token cannot write; a write token cannot touch another unit.
    let r = post(&app, &read, &path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "forbidden");
    let r = post(&app, &other, &path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&app.db).await.unwrap().is_empty());

    // Bad input: 422 naming the cell, nothing written; bad JSON: 400.
    let r = post(&app, &write, &path, json!({ "row_version": 0, "values": { "DS03": 20, "NS01": "1.234,5", "ZZ99": 1 } })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "validation");
    let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["values[NS01]", "values[ZZ99]"], "{v}");
    assert!(entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&app.db).await.unwrap().is_empty());
    let r = api().post(app.url(&path)).bearer_auth(&write).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(r).await, "bad_json");
    // The token's scope is checked before the body is read.
    let r = api().post(app.url(&path)).bearer_auth(&read).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "forbidden");

    let r = post(&app, &write, &path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["changed"], 4);
    // A stale row version is a conflict.
    let r = post(&app, &write, &path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(r).await, "conflict");
    // Cells not named keep their figure; null clears one.
    let r = post(&app, &write, &path, json!({ "row_version": saved["row_version"], "values": { "NS01": null, "HC01": 150 } })).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // A draft's figures are not delivered: a read token is refused, the
    // software that writes the unit's figures reads its draft back.
    let r = get(&app, &read, &path).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "report_not_delivered");
    let got = get_json(&app, &write, &path).await;
    assert_eq!(got["report"]["delivered"], false);
    let vals: Vec<(String, Value)> = got["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (format!("{}{}", v["indicator"].as_str().unwrap(), v["part"].as_str().unwrap()), v["value"].clone()))
        .collect();
    assert_eq!(
        vals,
        vec![("DS03".into(), json!("20")), ("DS03nam".into(), json!("11")), ("DS03nu".into(), json!("9")), ("HC01".into(), json!("150"))]
    );
    assert_eq!(got["report"]["unit_code"], "03646");
    assert_eq!(got["report"]["status"], "nhap");
    let audits = entity::value_audit::Entity::find().filter(entity::value_audit::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
    let machine_id = user_id(&app, "phanmem.xa").await;
    assert_eq!(audits.len(), 6);
    assert!(audits.iter().all(|a| a.source == "api" && a.user_id == Some(machine_id)), "audited as API, by the machine account");

    // Last use is shown; a revoked token stops at once.
    let list = service::feeds::tokens::list(&app.db, &a).await.unwrap();
    let shown = list.iter().find(|t| t.username == "ioc").unwrap();
    assert!(shown.last_used_at.is_some() && !shown.can_write);
    assert_eq!(list.iter().find(|t| t.write_units == vec!["03646".to_string()]).map(|t| t.can_write), Some(true));
    service::feeds::tokens::revoke(&app.db, &a, shown.id, Utc::now()).await.unwrap();
    assert_eq!(error_code(get(&app, &read, "/api/v1/units").await).await, "unauthenticated");
    assert_eq!(get(&app, &write, "/api/v1/units").await.status(), StatusCode::OK, "other tokens go on");
    app.stop().await;
}

async fn lists_carry_etags_and_pages(b: Backend) {
    let mut config = test_config(&fresh_database(b).await);
    config.api_burst = 40;
    config.api_per_second = 1;
    let app = spawn_app_with(config, new_client()).await;
    machine(&app, "ioc").await;
    let tok = token(&app, "ioc", &[]).await;
    let r = get(&app, &tok, "/api/v1/indicators").await;
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let body: Value = r.json().await.unwrap();
    assert!(body.as_array().unwrap().iter().any(|i| i["code"] == "NS01"));
    let r = api().get(app.url("/api/v1/indicators")).bearer_auth(&tok).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.text().await.unwrap().is_empty());
    // A change to the catalogue changes the tag.
    app.db.execute_unprepared("UPDATE indicator SET name = 'Dân số trung bình (sửa)' WHERE code = 'DS03'").await.unwrap();
    let r = api().get(app.url("/api/v1/indicators")).bearer_auth(&tok).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag);

    let regimes = get_json(&app, &tok, "/api/v1/regimes").await;
    let xa = regimes.as_array().unwrap().iter().find(|r| r["code"] == "KTXH_XA").unwrap();
    assert!(!xa["versions"].as_array().unwrap().is_empty() && xa["versions"][0]["definition"].is_object());

    // Three reports, paged one at a time, each once.
    for code in ["03646", "SYT"] {
        let unit = app.unit_id(code).await;
        let office = domain::Actor { user_id: 0, role: domain::Role::Reviewer, unit_id: 0 };
        let due = service::reports::due_for_unit(&app.db, &office, unit, Utc::now()).await.unwrap();
        let Some(d) = due.iter().find(|d| d.state.accepts_entry()) else { continue };
        let clerk_name = entity::app_user::Entity::find()
            .filter(entity::app_user::Column::UnitId.eq(unit))
            .filter(entity::app_user::Column::Role.eq("clerk"))
            .one(&app.db)
            .await
            .unwrap();
        let clerk_id = match clerk_name {
            Some(u) => u.id,
            None => continue,
        };
        let clerk = domain::Actor { user_id: clerk_id, role: domain::Role::Clerk, unit_id: unit };
        service::reports::start(&app.db, &clerk, d.regime_id, &d.period_key, Utc::now()).await.unwrap();
    }
    let all = entity::report::Entity::find().all(&app.db).await.unwrap();
    assert!(all.len() >= 2, "reports to page through");
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = get_json(&app, &tok, &format!("/api/v1/reports?limit=1&after={after}")).await;
        for r in page["reports"].as_array().unwrap() {
            seen.push(r["id"].as_i64().unwrap());
        }
        match page["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    let mut ids: Vec<i64> = all.iter().map(|r| r.id as i64).collect();
    ids.sort();
    assert_eq!(seen, ids);
    let only = get_json(&app, &tok, "/api/v1/reports?unit=03646&status=nhap").await;
    assert!(only["reports"].as_array().unwrap().iter().all(|r| r["unit_code"] == "03646"));
    let r = get(&app, &tok, "/api/v1/reports?period=thang-13").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let periods = get_json(&app, &tok, "/api/v1/periods").await;
    assert!(!periods.as_array().unwrap().is_empty() && periods[0]["label"].is_string());

    // The per-token rate limit: a burst, then 429 with Retry-After.
    let mut limited = None;
    for _ in 0..60 {
        let r = get(&app, &tok, "/api/v1/units").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the limit bites within the burst");
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(error_code(r).await, "rate_limited");
    app.stop().await;
}

async fn pull_all(app: &TestApp, tok: &str, after: &str) -> (Vec<Value>, String) {
    let mut out = Vec::new();
    let mut cursor = after.to_string();
    loop {
        let page = get_json(app, tok, &format!("/api/v1/changes?limit=7&after={cursor}")).await;
        out.extend(page["changes"].as_array().unwrap().iter().cloned());
        cursor = page["next"].as_str().unwrap().to_string();
        if !page["more"].as_bool().unwrap() {
            return (out, cursor);
        }
    }
}

/// Pulls until at least `n` changes arrived: on PostgreSQL the safe horizon
/// holds changes back while any older transaction of the cluster (another
/// test's, a migration under a loaded machine) is still running; a minute at most.
async fn pull_until(app: &TestApp, tok: &str, after: &str, n: usize) -> (Vec<Value>, String) {
    let mut out = Vec::new();
    let mut cursor = after.to_string();
    for _ in 0..600 {
        let (got, next) = pull_all(app, tok, &cursor).await;
        out.extend(got);
        cursor = next;
        if out.len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    (out, cursor)
}

/// The cursor after every change made so far. One pull is not enough on
/// PostgreSQL (another test's transaction may hold the horizon back for a
/// moment): a marker committed now and seen means every earlier change was
/// returned. The marker is a catalogue change to HC03's description.
async fn caught_up(app: &TestApp, tok: &str) -> String {
    app.db.execute_unprepared("UPDATE indicator SET description = 'mốc' WHERE code = 'HC03'").await.unwrap();
    let marker = futures_ids(app, &["HC03"]).await[0];
    let seen = pull_until_found(app, tok, |c| c["entity"] == "indicator" && c["entity_id"].as_i64() == Some(marker)).await;
    let at = seen.iter().rposition(|c| c["entity"] == "indicator" && c["entity_id"].as_i64() == Some(marker)).unwrap();
    seen[at]["cursor"].as_str().unwrap().to_string()
}

/// Every change from the start, pulled again until one matches (held back
/// by the safe horizon while another test's transaction is open).
async fn pull_until_found(app: &TestApp, tok: &str, found: impl Fn(&Value) -> bool) -> Vec<Value> {
    for _ in 0..600 {
        let (changes, _) = pull_all(app, tok, "").await;
        if changes.iter().any(&found) {
            return changes;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the change never arrived within a minute");
}

async fn changes_follow_every_kind_of_write(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    machine(&app, "phanmem.xa").await;
    let read = token(&app, "ioc", &[]).await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;
    let start = caught_up(&app, &read).await;
    let id = draft(&app).await;
    let path = format!("/api/v1/reports/{id}/values");
    let body = json!({ "row_version": row_version(&app, id).await, "values": { "DS03": 20, "DS03__nam": 11, "DS03__nu": 9 } });
    assert_eq!(post(&app, &write, &path, body).await.status(), StatusCode::OK);
    let (got, after_save) = pull_until(&app, &read, &start, 4).await;
    let kinds: Vec<(String, String)> = got
        .iter()
        .map(|c| (c["kind"].as_str().unwrap().into(), format!("{}{}", c["indicator_code"].as_str().unwrap_or(""), c["part"].as_str().unwrap())))
        .collect();
    assert_eq!(kinds[0], ("report_status".into(), "".into()), "the report's creation");
    let values: BTreeSet<String> = kinds.iter().filter(|k| k.0 == "value").map(|k| k.1.clone()).collect();
    assert_eq!(values, ["DS03", "DS03nam", "DS03nu"].iter().map(|s| s.to_string()).collect());
    assert!(got.iter().all(|c| c["deleted"] == false && (c["kind"] != "value" || c["unit_code"] == "03646")));

    // Clearing a value leaves a tombstone; nothing is repeated.
    let body = json!({ "row_version": row_version(&app, id).await, "values": { "DS03__nu": null } });
    assert_eq!(post(&app, &write, &path, body).await.status(), StatusCode::OK);
    let (got, after_clear) = pull_until(&app, &read, &after_save, 1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0]["kind"].as_str(), got[0]["indicator_code"].as_str(), got[0]["part"].as_str(), got[0]["deleted"].as_bool()),
        (Some("value"), Some("DS03"), Some("nu"), Some(true))
    );

    // A status change and a catalogue change.
    let admin = admin(&app).await;
    let before: Vec<_> = entity::indicator::Entity::find().filter(entity::indicator::Column::Code.eq("HC01")).all(&app.db).await.unwrap();
    app.db.execute_unprepared(&format!("UPDATE indicator SET description = 'Mô tả mới' WHERE id = {}", before[0].id)).await.unwrap();
    let _ = admin;
    let unit = app.unit_id("03646").await;
    let clerk = domain::Actor { user_id: user_id(&app, "cv.tohieu").await, role: domain::Role::Clerk, unit_id: unit };
    let changes = service::reports::Changes::default();
    // Saving an empty form clears every figure: three tombstones in one save.
    let rv = row_version(&app, id).await as i32;
    service::reports::save_changes(&app.db, &clerk, id, rv, changes, service::reports::Source::Form, Utc::now()).await.unwrap();
    app.db.execute_unprepared(&format!("UPDATE report SET status = 'cho_duyet' WHERE id = {id}")).await.unwrap();
    let (got, after_all) = pull_until(&app, &read, &after_clear, 4).await;
    let summary: Vec<(String, bool)> =
        got.iter().map(|c| (format!("{}:{}", c["kind"].as_str().unwrap(), c["entity"].as_str().unwrap()), c["deleted"].as_bool().unwrap())).collect();
    assert_eq!(summary[0], ("catalogue:indicator".to_string(), false));
    assert_eq!(summary[1..3].to_vec(), vec![("value:report_value".to_string(), true); 2]);
    assert_eq!(summary[3], ("report_status:report".to_string(), false));
    assert_eq!(summary.len(), 4);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(pull_all(&app, &read, &after_all).await.0.is_empty(), "nothing more, nothing twice");
    // A cursor that is not one is refused in the one shape.
    assert_eq!(get(&app, &read, "/api/v1/changes?after=abc").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

async fn pulls_never_skip_under_concurrent_writes(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    let read = token(&app, "ioc", &[]).await;
    let id = draft(&app).await;
    let unit = app.unit_id("03646").await;
    let clerk = domain::Actor { user_id: user_id(&app, "cv.tohieu").await, role: domain::Role::Clerk, unit_id: unit };

    // A transaction that wrote a change and has not committed yet, while a
    // later one commits: the pull must wait for the first, never skip it.
    if matches!(b, Backend::Postgres) {
        let cursor = caught_up(&app, &read).await;
        let slow = app.db.begin().await.unwrap();
        slow.execute_unprepared("UPDATE indicator SET description = 'chậm' WHERE code = 'HC01'").await.unwrap();
        app.db.execute_unprepared("UPDATE indicator SET description = 'nhanh' WHERE code = 'HC02'").await.unwrap();
        let (seen, held) = pull_all(&app, &read, &cursor).await;
        assert!(seen.is_empty(), "nothing past a transaction still in flight: {seen:?}");
        assert_eq!(held, cursor);
        slow.commit().await.unwrap();
        let (seen, _) = pull_until(&app, &read, &held, 2).await;
        let ids: Vec<i64> = seen.iter().map(|c| c["entity_id"].as_i64().unwrap()).collect();
        let hc: Vec<i64> = futures_ids(&app, &["HC01", "HC02"]).await;
        assert_eq!(ids, hc, "both, the slow one first");
    }

    // Saves land while a client pulls: every change is seen exactly once.
    let start = caught_up(&app, &read).await;
    let writer = {
        let db = app.db.clone();
        tokio::spawn(async move {
            for i in 0..30 {
                let l = service::reports::load(&db, id).await.unwrap();
                let mut raw = std::collections::HashMap::new();
                raw.insert("HC01".to_string(), (100 + i).to_string());
                if i % 3 == 0 {
                    raw.insert("HC02".to_string(), i.to_string());
                }
                let figures = domain::figures::read_form(&l.doc, &l.specs, &raw);
                let changes = service::reports::Changes { figures, ..Default::default() };
                service::reports::save_changes(&db, &clerk, id, l.report.row_version, changes, service::reports::Source::Form, Utc::now())
                    .await
                    .unwrap();
            }
        })
    };
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor = start;
    let mut done = false;
    loop {
        let finished = writer.is_finished();
        let (got, next) = pull_all(&app, &read, &cursor).await;
        seen.extend(got.iter().map(|c| c["cursor"].as_str().unwrap().rsplit_once('.').unwrap().1.parse::<i64>().unwrap()));
        cursor = next;
        if done {
            break;
        }
        if finished {
            // One more pull after the writer is known finished.
            done = true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    writer.await.unwrap();
    let mut all: Vec<i64> = entity::change_log::Entity::find()
        .filter(entity::change_log::Column::ReportId.eq(id))
        .filter(entity::change_log::Column::Kind.eq("value"))
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    all.sort();
    let missing = all.len().saturating_sub(seen.len());
    let (rest, _) = pull_until(&app, &read, &cursor, missing).await;
    seen.extend(rest.iter().map(|c| c["cursor"].as_str().unwrap().rsplit_once('.').unwrap().1.parse::<i64>().unwrap()));
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no change twice");
    assert_eq!(sorted, all, "no change missed");
    assert!(all.len() >= 60, "30 saves, each a delete and an insert or more: {}", all.len());
    app.stop().await;
}

async fn futures_ids(app: &TestApp, codes: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for c in codes {
        out.push(entity::indicator::Entity::find().filter(entity::indicator::Column::Code.eq(*c)).one(&app.db).await.unwrap().unwrap().id as i64);
    }
    out
}

async fn admin_page_creates_lists_and_revokes(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    app.sign_in_ok("quantri").await;
    let r = app.call("quan-tri/api/tao", &[("username", "ioc"), ("name", "IOC Sơn La"), ("write_units", "")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let made: Value = r.json().await.unwrap();
    let tok = made["token"].as_str().unwrap().to_string();
    assert_eq!(made["view"]["can_write"], false);
    assert_eq!(get(&app, &tok, "/api/v1/units").await.status(), StatusCode::OK);
    let (status, html) = app.get_html("/quan-tri/api").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Khóa API cho máy khách") && html.contains("IOC Sơn La") && html.contains(&tok[..12]), "listed by its prefix");
    assert!(!html.contains(&tok), "the secret is never shown again");
    let list: Value = app.query("quan-tri/api", &[]).await.json().await.unwrap();
    let id = list[0]["id"].as_i64().unwrap().to_string();
    assert!(list[0]["last_used_at"].is_string(), "its last use");
    let r = app.call("quan-tri/api/thu-hoi", &[("id", &id)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(get(&app, &tok, "/api/v1/units").await.status(), StatusCode::UNAUTHORIZED);
    let (_, html) = app.get_html("/quan-tri/api").await;
    assert!(html.contains("Đã thu hồi"));
    app.stop().await;
}

async fn the_openapi_document_lists_every_endpoint(b: Backend) {
    let app = spawn_app(b).await;
    let r = api().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    // Every route of the machine API's router is in the document, and nothing else.
    let src = include_str!("../../src/api_v1/mod.rs");
    let router = &src[src.find("pub fn router(").unwrap()..];
    let mut routed: BTreeSet<(String, String)> = BTreeSet::new();
    for (i, _) in router.match_indices(".route(\"/api/v1/") {
        let rest = &router[i + 8..];
        let path = &rest[..rest.find('"').unwrap()];
        if path.contains('*') || path.ends_with("openapi.json") {
            continue;
        }
        let line = &rest[..rest.find('\n').unwrap()];
        for (w, m) in [("get(", "get"), ("post(", "post")] {
            if line.contains(w) {
                routed.insert((path.to_string(), m.to_string()));
            }
        }
    }
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, item)| item.as_object().unwrap().keys().filter(|k| *k == "get" || *k == "post").map(move |m| (p.clone(), m.clone())))
        .collect();
    assert_eq!(documented, routed);
    assert!(doc["components"]["schemas"]["ChangePage"].is_object() && doc["components"]["securitySchemes"]["bearer"].is_object());
    let (status, html) = app.get_html("/api").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nhật ký thay đổi") && html.contains("/api/v1/reports/{id}/values") && html.contains("Authorization: Bearer"));
    app.stop().await;
}

/// A report of `regime` for `unit` written straight into the table, for a
/// past period kept open by an exception (as the office grants one).
pub(crate) async fn seeded(app: &TestApp, regime: &str, unit: &str, period: &str) -> i32 {
    use sea_orm::{ActiveModelTrait, Set};
    let r = entity::regime::Entity::find().filter(entity::regime::Column::Code.eq(regime)).one(&app.db).await.unwrap().unwrap();
    let v = entity::regime_version::Entity::find()
        .filter(entity::regime_version::Column::RegimeId.eq(r.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|v| v.version)
        .unwrap();
    let now = Utc::now();
    entity::report::ActiveModel {
        regime_id: Set(r.id),
        regime_version_id: Set(v.id),
        unit_id: Set(app.unit_id(unit).await),
        period_key: Set(period.into()),
        status: Set("nhap".into()),
        row_version: Set(1),
        narrative: Set("[]".into()),
        explanations: Set("{}".into()),
        window_exception_until: Set(Some(now.date_naive() + chrono::Duration::days(30))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

async fn post_raw(app: &TestApp, tok: &str, path: &str, body: String) -> reqwest::Response {
    api().post(app.url(path)).bearer_auth(tok).header("content-type", "application/json").body(body).send().await.unwrap()
}

async fn api_writes_are_exact_bounded_and_scoped(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "phanmem.xa").await;
    let read = token(&app, "phanmem.xa", &[]).await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;
    let id = draft(&app).await;
    let path = format!("/api/v1/reports/{id}/values");

    // A number is read from its literal: never rounded through a float
    // (as f64, 1234567890123456.7 is ...456.8 and 12345678901234567 is ...568).
    let rv = row_version(&app, id).await;
    let r = post_raw(&app, &write, &path, format!(r#"{{"row_version": {rv}, "values": {{"NS01": 1.25}}}}"#)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "more places than the cell has are refused, not rounded");
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["fields"][0]["message"].as_str().unwrap().contains("chỉ được 1 chữ số thập phân"), "{v}");
    let r = post_raw(&app, &write, &path, format!(r#"{{"row_version": {rv}, "values": {{"NS01": 1234567890123456.7, "HC01": 12345678901234567}}}}"#))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let got = get_json(&app, &write, &path).await;
    let value = |code: &str| got["values"].as_array().unwrap().iter().find(|v| v["indicator"] == code && v["part"] == "").unwrap()["value"].clone();
    assert_eq!(value("NS01"), json!("1234567890123456.7"));
    assert_eq!(value("HC01"), json!("12345678901234567"));

    // At most 100 field errors are listed, with the count of all.
    let many: serde_json::Map<String, Value> = (0..150).map(|i| (format!("ZZ{i:03}"), json!(1))).collect();
    let r = post(&app, &write, &path, json!({ "row_version": 0, "values": many })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"].as_array().unwrap().len(), 100);
    assert_eq!(v["error"]["fields_total"], 150);
    assert!(v["error"]["message"].as_str().unwrap().contains("150"), "{v}");

    // A body over 256 KiB is refused whole; a read token is refused before its body is read.
    let big = format!(r#"{{"row_version": 0, "values": {{"HC01": "{}"}}}}"#, "1".repeat(300 * 1024));
    let r = post_raw(&app, &write, &path, big.clone()).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(r).await, "too_large");
    let r = post_raw(&app, &read, &path, big).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "forbidden");
    // A report that does not exist: 404.
    let r = post(&app, &write, "/api/v1/reports/999999/values", json!({ "row_version": 1, "values": {} })).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Text has the form's limit: 2.000 characters, named by cell.
    machine(&app, "phanmem.syt").await;
    let syt = token(&app, "phanmem.syt", &["SYT"]).await;
    let cds = seeded(&app, "CDS_QUY", "SYT", "2025-Q3").await;
    let cpath = format!("/api/v1/reports/{cds}/values");
    let r = post(&app, &syt, &cpath, json!({ "row_version": 1, "values": { "CDS06": "ă".repeat(3000) } })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "values[CDS06]", "{v}");
    assert!(v["error"]["fields"][0]["message"].as_str().unwrap().contains("2.000 ký tự"), "{v}");
    assert!(entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(cds)).all(&app.db).await.unwrap().is_empty());
    let r = post(&app, &syt, &cpath, json!({ "row_version": 1, "values": { "CDS06": "ă".repeat(2000) } })).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    app.stop().await;
}

async fn only_delivered_figures_are_read_and_written_reports_are_closed(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    machine(&app, "phanmem.xa").await;
    let read = token(&app, "ioc", &[]).await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;
    let id = draft(&app).await;
    let path = format!("/api/v1/reports/{id}/values");
    let r = post(&app, &write, &path, json!({ "row_version": row_version(&app, id).await, "values": { "HC01": 150 } })).await;
    assert_eq!(r.status(), StatusCode::OK);
    let is_hc = |c: &Value| c["kind"] == "value" && c["report_id"] == id;
    let changes = pull_until_found(&app, &read, is_hc).await;
    let hc = changes.iter().find(|c| is_hc(c)).expect("the value change");
    assert_eq!((hc["status"].clone(), hc["delivered"].clone()), (json!("nhap"), json!(false)));
    assert!(changes.iter().filter(|c| c["kind"] == "catalogue").all(|c| c["delivered"].is_null()));

    for (status, label) in [("da_gui", "Đã gửi"), ("da_tiep_nhan", "Đã tiếp nhận")] {
        app.db.execute_unprepared(&format!("UPDATE report SET status = '{status}' WHERE id = {id}")).await.unwrap();
        // Delivered: every token reads it.
        let got = get_json(&app, &read, &path).await;
        assert_eq!((got["report"]["status"].as_str(), got["report"]["delivered"].as_bool()), (Some(status), Some(true)));
        assert!(got["values"].as_array().unwrap().iter().any(|v| v["indicator"] == "HC01" && v["value"] == "150"));
        // Closed: the API cannot change it.
        let r = post(&app, &write, &path, json!({ "row_version": row_version(&app, id).await, "values": { "HC01": 151 } })).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{status}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"]["message"].as_str().unwrap().contains(label), "{v}");
    }
    let changes = pull_until_found(&app, &read, is_hc).await;
    let hc = changes.iter().find(|c| is_hc(c)).unwrap();
    assert_eq!(hc["delivered"], true, "the report's status now");
    let stored = entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
    assert_eq!(stored.iter().map(|v| v.num).collect::<Vec<_>>(), vec![Some(150)]);

    // A query parameter of the wrong type: 400.
    for p in ["/api/v1/reports?limit=abc", "/api/v1/changes?limit=abc"] {
        let r = get(&app, &read, p).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{p}");
        assert_eq!(error_code(r).await, "bad_query");
    }
    app.stop().await;
}

async fn accounts_that_stop_being_machine_clients_lose_their_tokens(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    let tok = token(&app, "ioc", &[]).await;
    assert_eq!(get(&app, &tok, "/api/v1/units").await.status(), StatusCode::OK);
    app.db.execute_unprepared("UPDATE app_user SET active = false WHERE username = 'ioc'").await.unwrap();
    let r = get(&app, &tok, "/api/v1/units").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "a deactivated account");
    assert_eq!(error_code(r).await, "unauthenticated");
    app.db.execute_unprepared("UPDATE app_user SET active = true WHERE username = 'ioc'").await.unwrap();
    assert_eq!(get(&app, &tok, "/api/v1/units").await.status(), StatusCode::OK);
    app.db.execute_unprepared("UPDATE app_user SET role = 'clerk' WHERE username = 'ioc'").await.unwrap();
    let r = get(&app, &tok, "/api/v1/units").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "moved off the machine role");
    assert_eq!(error_code(r).await, "unauthenticated");
    app.stop().await;
}

async fn aggregates_completeness_and_the_digital_share(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    let tok = token(&app, "ioc", &[]).await;
    for p in ["/api/v1/aggregates?year=2025", "/api/v1/completeness?month=2025-07", "/api/v1/digital-share?period=2025"] {
        let r = api().get(app.url(p)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{p}");
    }

    // A report sent and approved is in the next pull.
    let id = draft(&app).await;
    let report = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let clerk = domain::Actor { user_id: user_id(&app, "cv.tohieu").await, role: domain::Role::Clerk, unit_id: report.unit_id };
    let leader = domain::Actor { user_id: user_id(&app, "ld.tohieu").await, role: domain::Role::UnitLeader, unit_id: report.unit_id };
    let figures = crate::helpers::commune_figures();
    let now = Utc::now();
    let done = service::reports::save_and_send(&app.db, &clerk, id, report.row_version, figures, service::reports::Source::Form, now).await.unwrap();
    assert_eq!(done.sent.unwrap(), domain::report::ReportStatus::AwaitingApproval);
    let s = service::reports::transition(&app.db, &leader, id, domain::report::Transition::Approve, "", now).await.unwrap();
    assert_eq!(s, domain::report::ReportStatus::Sent);
    let status = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().status;
    let period = report.period_key.clone();
    let r = get(&app, &tok, &format!("/api/v1/aggregates?period={period}&indicators=HC01")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["periods"], json!([period.clone()]));
    let items = v["items"].as_array().unwrap();
    let mine = items.iter().find(|i| i["unit"] == "03646" && i["indicator"] == "HC01" && i["part"] == "").expect("the unit's row");
    if status == "da_gui" {
        assert_eq!(mine["value"], "1234", "{mine}");
        assert_eq!(mine["reported"], 1);
        let province = items.iter().find(|i| i["unit_kind"] == "tinh" && i["indicator"] == "HC01" && i["part"] == "").unwrap();
        assert!(province["expected"].as_u64().unwrap() >= 1 && province["reported"].as_u64().unwrap() >= 1, "{province}");
    } else {
        panic!("the report was not sent (status {status}); the test must send it");
    }
    // A whole year of months streams as one JSON document.
    let v = get_json(&app, &tok, "/api/v1/aggregates?year=2025").await;
    assert_eq!(v["periods"].as_array().unwrap().len(), 12);
    assert!(v["items"].as_array().unwrap().iter().all(|i| i["value"].is_null() || i["value"].is_string()));

    // Wrong queries: 400 for a wrong type, 422 naming the field otherwise.
    let r = get(&app, &tok, "/api/v1/aggregates?year=abc").await;
    assert_eq!((r.status(), error_code(r).await.as_str()), (StatusCode::BAD_REQUEST, "bad_query"));
    for (p, field) in [
        ("/api/v1/aggregates", "period"),
        ("/api/v1/aggregates?period=2025-13", "period"),
        ("/api/v1/aggregates?period=2025&indicators=KHONG_CO", "indicators"),
        ("/api/v1/aggregates?period=2025&frequency=thang", "frequency"),
        ("/api/v1/aggregates?year=2025&frequency=dot_xuat", "frequency"),
        ("/api/v1/aggregates?year=1999", "year"),
        ("/api/v1/aggregates?period=2025&unit=KHONG_CO", "unit"),
        ("/api/v1/aggregates?period=2025&counted=tat_ca", "counted"),
        ("/api/v1/digital-share?period=2025&counted=tat_ca", "counted"),
        ("/api/v1/completeness?month=2025", "month"),
        ("/api/v1/completeness?month=2025-07&regime=%07KHONG", "regime"),
        ("/api/v1/digital-share?period=x", "period"),
    ] {
        let r = get(&app, &tok, p).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["fields"][0]["field"], field, "{p}: {v}");
        assert!(!v["error"]["fields"][0]["message"].as_str().unwrap().contains('\u{7}'), "control characters are not echoed");
    }

    // Completeness of the report's month: counts and rates, with an ETag.
    let month = {
        let p = domain::period::Period::parse_key(&period).unwrap();
        let (y, m) = p.last_month();
        format!("{y}-{m:02}")
    };
    let r = get(&app, &tok, &format!("/api/v1/completeness?month={month}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let c: Value = r.json().await.unwrap();
    assert!(c["total"]["expected"].as_u64().unwrap() > 0, "{c}");
    assert!(c["total"]["sent"].as_u64().unwrap() >= 1);
    // The office's board rate (one place), as its page shows it.
    let rate = c["total"]["reporting_rate"].as_str().unwrap();
    assert!(rate.split_once('.').is_some_and(|(w, f)| f.len() == 1 && w.parse::<u32>().is_ok_and(|w| w <= 100)), "{rate}");
    let tohieu = c["units"].as_array().unwrap().iter().find(|u| u["unit"] == "03646").expect("To Hieu is expected");
    let cell = tohieu["reports"].as_array().unwrap().iter().find(|x| x["report_id"] == id).expect("its report");
    assert!(["dung_han", "gui_muon"].contains(&cell["status"].as_str().unwrap()), "{cell}");
    let r = api().get(app.url(&format!("/api/v1/completeness?month={month}"))).bearer_auth(&tok).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // The 50 % figure: statistical indicators provided, and the scheme's target.
    let d = get_json(&app, &tok, "/api/v1/digital-share?period=2025").await;
    assert!(d["total"].as_u64().unwrap() > 0, "{d}");
    assert!(d["provided"].as_u64().unwrap() <= d["total"].as_u64().unwrap());
    assert_eq!(d["target_percent"], "50");
    app.stop().await;
}
