//! Issue 14, open data: `/du-lieu-mo` publishes only the indicators an
//! administrator marks public, and only figures of accepted reports.

use crate::helpers::*;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::report::{ReportStatus, Transition};
use domain::{Actor, Role};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

crate::on_both_backends!(
    only_public_indicators_and_accepted_figures_are_published,
    hostile_addresses_are_not_found_and_the_server_stays_up,
    an_imported_catalogue_publishes_nothing,
);

fn vn(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()) - chrono::Duration::hours(7)
}

async fn actor_of(app: &TestApp, username: &str) -> Actor {
    let u = entity::app_user::Entity::find().filter(entity::app_user::Column::Username.eq(username)).one(&app.db).await.unwrap().unwrap();
    Actor { user_id: u.id, role: Role::from_code(&u.role).unwrap(), unit_id: u.unit_id }
}

/// Three communes bound to KTXH_XA, each with a clerk and a leader.
async fn communes(app: &TestApp) -> (i32, Vec<(i32, Actor, Actor)>) {
    let xa = entity::regime::Entity::find().filter(entity::regime::Column::Code.eq("KTXH_XA")).one(&app.db).await.unwrap().unwrap();
    let v = entity::regime_version::Entity::find()
        .filter(entity::regime_version::Column::RegimeId.eq(xa.id))
        .order_by_desc(entity::regime_version::Column::Version)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let units: Vec<i32> = entity::regime_unit::Entity::find()
        .filter(entity::regime_unit::Column::RegimeVersionId.eq(v.id))
        .order_by_asc(entity::regime_unit::Column::UnitId)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.unit_id)
        .collect();
    let admin = actor_of(app, "quantri").await;
    let mut out = Vec::new();
    for (n, tag) in ["a", "b", "c"].into_iter().enumerate() {
        let unit_id = units[10 + n];
        let mk = |role: &str, name: &str| service::users::NewUser {
            username: format!("{name}.mo{tag}"),
            full_name: format!("Người thử {name}"),
            role: role.into(),
            unit_id,
            password: "TamThoi2025".into(),
        };
        let clerk = service::users::create_user(&app.db, &admin, mk("clerk", "cv")).await.unwrap();
        let leader = service::users::create_user(&app.db, &admin, mk("unit_leader", "ld")).await.unwrap();
        out.push((unit_id, Actor { user_id: clerk, role: Role::Clerk, unit_id }, Actor { user_id: leader, role: Role::UnitLeader, unit_id }));
    }
    (xa.id, out)
}

/// A complete, valid KTXH_XA report with `hc01` as HC01 and `ns02` as NS02.
fn values(hc01: &str, ns02: &str) -> domain::reporting::Submission {
    let mut s = domain::reporting::Submission::default();
    for (k, v) in [
        ("DS03", "20"),
        ("DS03__nam", "11"),
        ("DS03__nu", "9"),
        ("NS01", "1.234,5"),
        ("NS02", ns02),
        ("HC01", hc01),
        ("HC02", "90"),
        ("HC03", "98,5"),
        ("LN03", "1"),
        ("LN05", "0,75"),
    ] {
        s.values.insert(k.into(), v.into());
    }
    s
}

/// The indicator's edit form as the administrator sends it, publishing it or not.
async fn publish(app: &TestApp, code: &str, public: bool) -> reqwest::Response {
    let row = service::catalogue::indicators::list(
        &app.db,
        service::catalogue::indicators::IndicatorQuery { search: code.into(), include_inactive: true, ..Default::default() },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|r| r.fields.code == code)
    .unwrap();
    let f = row.fields.to_form();
    let id = row.id.to_string();
    let mut fields: Vec<(&str, &str)> = vec![
        ("id", &id),
        ("code", &f.code),
        ("name", &f.name),
        ("unit", &f.unit),
        ("value_type", &f.value_type),
        ("scale", &f.scale),
        ("min", &f.min),
        ("max", &f.max),
        ("aggregation", &f.aggregation),
        ("sector", &f.sector),
        ("owner_unit", &f.owner_unit),
        ("breakdown", &f.breakdown),
        ("method", &f.method),
        ("description", &f.description),
        ("national_code", &f.national_code),
    ];
    if f.statistical {
        fields.push(("statistical", "on"));
    }
    if public {
        fields.push(("public", "on"));
    }
    app.call("danh-muc/chi-tieu/luu", &fields).await
}

async fn is_public(app: &TestApp, code: &str) -> bool {
    entity::indicator::Entity::find().filter(entity::indicator::Column::Code.eq(code)).one(&app.db).await.unwrap().unwrap().public
}

/// No cookies, no sign-in: anyone on the internet.
fn anonymous() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    anonymous().get(app.url(path)).send().await.unwrap()
}

async fn json(app: &TestApp, path: &str) -> Value {
    let r = get(app, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn only_public_indicators_and_accepted_figures_are_published(b: Backend) {
    let app = spawn_app(b).await;
    // A clerk cannot publish; the administrator can, through the indicator's form.
    app.sign_in_ok("cv.syt").await;
    assert_eq!(publish(&app, "HC01", true).await.status(), StatusCode::FORBIDDEN);
    assert!(!is_public(&app, "HC01").await);
    let admin_browser = app.another_browser();
    admin_browser.sign_in_ok("quantri").await;
    let r = publish(&admin_browser, "HC01", true).await;
    assert!(r.status().is_success() || r.status().is_redirection(), "{}", r.status());
    assert!(is_public(&app, "HC01").await);
    assert!(!is_public(&app, "NS02").await, "NS02 stays unpublished");

    // July 2031: one commune's report accepted, one only sent, one a draft.
    let (xa, people) = communes(&app).await;
    let reviewer = actor_of(&app, "vp.tonghop").await;
    let t0 = vn(2031, 7, 15, 9);
    let mut ids = Vec::new();
    for (n, (_, clerk, leader)) in people.iter().enumerate() {
        let hc01 = ["150", "777", "555"][n];
        let id = service::reports::start(&app.db, clerk, xa, "2031-07", t0).await.unwrap();
        if n == 2 {
            service::reports::save(&app.db, clerk, id, 0, values(hc01, "432,1"), service::reports::Source::Form, t0).await.unwrap();
        } else {
            let done =
                service::reports::save_and_send(&app.db, clerk, id, 0, values(hc01, "432,1"), service::reports::Source::Form, t0).await.unwrap();
            assert_eq!(done.sent.unwrap(), ReportStatus::AwaitingApproval);
            service::reports::transition(&app.db, leader, id, Transition::Approve, "", t0 + chrono::Duration::hours(1)).await.unwrap();
        }
        ids.push(id);
    }
    let accepted_at = vn(2031, 8, 4, 10);
    assert_eq!(service::reports::transition(&app.db, &reviewer, ids[0], Transition::Accept, "", accepted_at).await.unwrap(), ReportStatus::Accepted);
    let status = |id: i32| {
        let db = app.db.clone();
        async move { entity::report::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().status }
    };
    assert_eq!((status(ids[1]).await, status(ids[2]).await), ("da_gui".to_string(), "nhap".to_string()));
    let unit_code = |id: i32| {
        let db = app.db.clone();
        async move { entity::org_unit::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().code }
    };
    let accepted_unit = unit_code(people[0].0).await;

    // The indicator's figures: the accepted one only, for its unit and the province.
    let r = get(&app, "/du-lieu-mo/HC01.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("set-cookie").is_none(), "no cookie for anonymous readers");
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("public"));
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(r.headers().contains_key("last-modified"));
    let body = r.text().await.unwrap();
    for leak in ["777", "555", "432.1"] {
        assert!(!body.contains(leak), "an unaccepted figure or an unpublished indicator leaks ({leak}): {body}");
    }
    let d: Value = serde_json::from_str(&body).unwrap();
    let meta = &d["meta"];
    assert_eq!(meta["code"], "HC01");
    assert_eq!(meta["title"], "Số hồ sơ thủ tục hành chính tiếp nhận");
    assert_eq!(meta["unit_of_measure"], "hồ sơ");
    assert_eq!(meta["publisher"], "UBND tỉnh Sơn La");
    assert_eq!(meta["licence"], "Giấy phép Dữ liệu mở CC BY 4.0");
    assert_eq!(meta["periods"], serde_json::json!(["2031-07"]));
    assert_eq!(meta["reporting_units"], 1);
    let last: DateTime<Utc> = serde_json::from_value(meta["last_updated"].clone()).unwrap();
    assert_eq!(last.timestamp(), accepted_at.timestamp(), "last updated: when the report was accepted");
    let rows: Vec<(String, String, String, String, u64)> = d["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["period"].as_str().unwrap().into(),
                f["level"].as_str().unwrap().into(),
                f["unit_code"].as_str().unwrap().into(),
                f["value"].as_str().unwrap().into(),
                f["units_reporting"].as_u64().unwrap(),
            )
        })
        .collect();
    let province = d["figures"][1]["unit_code"].as_str().unwrap_or("").to_string();
    assert_eq!(
        rows,
        vec![
            ("2031-07".into(), "don_vi".into(), accepted_unit.clone(), "150".into(), 1),
            ("2031-07".into(), "toan_tinh".into(), province, "150".into(), 1)
        ]
    );
    assert_eq!(d["figures"][0]["period_start"], "2031-07-01");
    assert_eq!(d["figures"][0]["period_end"], "2031-07-31");
    // Unchanged: 304 on the ETag.
    let r = anonymous().get(app.url("/du-lieu-mo/HC01.json")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // The same as CSV for software.
    let r = get(&app, "/du-lieu-mo/HC01.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("Mã chỉ tiêu,Tên chỉ tiêu,Đơn vị tính,Mã kỳ,Kỳ,Từ ngày,Đến ngày,"), "{}", lines[0]);
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].contains(&format!(",2031-07-01,2031-07-31,Đơn vị,{accepted_unit},")) && lines[1].contains(",150,1,"), "{}", lines[1]);
    assert!(!csv.contains("777") && !csv.contains("555"));

    // The catalogue and the page: HC01 and the demonstration's public indicators, never NS02.
    let cat = json(&app, "/du-lieu-mo/chi-tieu.json").await;
    let codes: Vec<&str> = cat["indicators"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"HC01") && !codes.contains(&"NS02"), "{codes:?}");
    assert_eq!(cat["licence"], "Giấy phép Dữ liệu mở CC BY 4.0");
    let r = get(&app, "/du-lieu-mo/chi-tieu.csv").await;
    let csv = String::from_utf8(r.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("HC01,")) && !csv.lines().any(|l| l.starts_with("NS02,")));
    let r = get(&app, "/du-lieu-mo").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("set-cookie").is_none());
    let html = r.text().await.unwrap();
    assert!(html.contains("Số hồ sơ thủ tục hành chính tiếp nhận") && html.contains("/du-lieu-mo/HC01.csv"));
    assert!(!html.contains("Thu nội địa") && !html.contains("NS02"), "an unpublished indicator is not named");
    assert!(html.contains("Giấy phép Dữ liệu mở CC BY 4.0") && html.contains("dấu chấm") && html.contains("UTF-8 có BOM"));

    // An unpublished code answers exactly like an unknown one.
    for ext in ["json", "csv"] {
        let unknown = get(&app, &format!("/du-lieu-mo/KHONGCO99.{ext}")).await;
        let hidden = get(&app, &format!("/du-lieu-mo/NS02.{ext}")).await;
        assert_eq!((unknown.status(), hidden.status()), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
        assert_eq!(unknown.headers().get("content-type"), hidden.headers().get("content-type"));
        assert_eq!(unknown.text().await.unwrap(), hidden.text().await.unwrap());
    }

    // Withdrawn: gone at once (the change log moved), from the files and the page.
    let r = publish(&admin_browser, "HC01", false).await;
    assert!(r.status().is_success() || r.status().is_redirection());
    assert_eq!(get(&app, "/du-lieu-mo/HC01.json").await.status(), StatusCode::NOT_FOUND);
    let cat = json(&app, "/du-lieu-mo/chi-tieu.json").await;
    assert!(!cat["indicators"].as_array().unwrap().iter().any(|i| i["code"] == "HC01"));
    assert!(!get(&app, "/du-lieu-mo").await.text().await.unwrap().contains("/du-lieu-mo/HC01.csv"));
    // The audit log says who published and withdrew it.
    let audit: Vec<String> = entity::audit_event::Entity::find().all(&app.db).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(audit.iter().any(|a| a == "cong_bo_du_lieu_mo") && audit.iter().any(|a| a == "thoi_cong_bo_du_lieu_mo"), "{audit:?}");
    drop(admin_browser);
    app.stop().await;
}

async fn hostile_addresses_are_not_found_and_the_server_stays_up(b: Backend) {
    let app = spawn_app(b).await;
    let huge = format!("/du-lieu-mo/{}.json", "A".repeat(20_000));
    let paths = [
        huge.as_str(),
        "/du-lieu-mo/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.json",
        "/du-lieu-mo/..%2Fchi-tieu.json",
        "/du-lieu-mo/DS01%00.json",
        "/du-lieu-mo/DS01%0D%0ASet-Cookie:%20x=1.csv",
        "/du-lieu-mo/%01%02.csv",
        "/du-lieu-mo/%FF%FE.json",
        "/du-lieu-mo/ds01.json",
        "/du-lieu-mo/DS01.xml",
        "/du-lieu-mo/DS01",
        "/du-lieu-mo/chi-tieu.json.csv",
        "/du-lieu-mo/Đ01.json",
        "/du-lieu-mo/DS01.json/thua",
    ];
    for p in paths {
        let r = get(&app, p).await;
        let s = r.status();
        assert!(matches!(s, StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST | StatusCode::URI_TOO_LONG), "{} → {s}", &p[..p.len().min(80)]);
        // (A deeper path is not an open-data address: the app's 404 page.)
        if !p.ends_with("/thua") {
            assert!(r.headers().get("set-cookie").is_none(), "{p}");
        }
    }
    // A flood of anonymous requests is served from memory, and the server stays up.
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for n in 0..60 {
        let url = app.url(if n % 2 == 0 { "/du-lieu-mo/chi-tieu.csv" } else { "/du-lieu-mo/DS01.json" });
        tasks.push(tokio::spawn(async move { anonymous().get(url).send().await.map(|r| r.status()) }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), StatusCode::OK);
    }
    eprintln!("60 anonymous requests in {:?}", started.elapsed());
    assert_eq!(get(&app, "/du-lieu-mo").await.status(), StatusCode::OK);
    assert_eq!(get(&app, "/healthz").await.status(), StatusCode::OK);
    app.stop().await;
}

/// A catalogue file marks an indicator public: importing it creates the
/// indicator unpublished (only the indicator's own form publishes).
async fn an_imported_catalogue_publishes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let admin = actor_of(&app, "quantri").await;
    let mut file = service::catalogue::transfer::export(&app.db).await.unwrap();
    let mut new = file.indicators.iter().find(|i| i.fields.code == "HC01").unwrap().clone();
    new.fields.code = "MOI01".into();
    new.fields.name = "Chỉ tiêu mới từ tệp".into();
    new.fields.public = true;
    file.indicators.push(new);
    let bytes = serde_json::to_vec(&file).unwrap();
    let summary = service::catalogue::transfer::import(&app.db, &admin, &bytes).await.unwrap().expect("the file imports");
    assert!(summary.indicators_created >= 1);
    assert!(!is_public(&app, "MOI01").await, "an import never publishes");
    assert_eq!(get(&app, "/du-lieu-mo/MOI01.json").await.status(), reqwest::StatusCode::NOT_FOUND);
    app.stop().await;
}
