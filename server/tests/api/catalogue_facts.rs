//! What the catalogue now records: yearly plans shown on the form, make-up
//! working days, the date each version takes effect and the indicators it
//! uses, and status and type columns the database itself keeps honest.

use crate::helpers::*;
use chrono::{Datelike, Utc};
use reqwest::StatusCode;

crate::on_both_backends!(
    a_yearly_plan_reaches_the_units_form,
    make_up_days_are_weekend_days_and_listed,
    a_version_takes_effect_on_its_day_and_records_its_indicators,
    the_database_refuses_codes_outside_their_sets,
);

async fn regime_id(app: &TestApp, code: &str) -> i32 {
    service::catalogue::regimes::list(&app.db, code, 1).await.unwrap().items.iter().find(|r| r.code == code).expect("regime").id
}

async fn a_yearly_plan_reaches_the_units_form(b: Backend) {
    let app = spawn_app(b).await;
    let rid = regime_id(&app, "YTE_THANG").await.to_string();
    let year = Utc::now().year().to_string();
    // A clerk may read plans but not set them.
    app.sign_in_ok("cv.syt").await;
    let good = [("id", rid.as_str()), ("year", year.as_str()), ("unit", "SYT"), ("indicator", "YT01"), ("value", "4.500")];
    assert_eq!(app.call("danh-muc/ke-hoach/dat", &good).await.status(), StatusCode::FORBIDDEN);
    let admin = app.another_browser();
    admin.sign_in_ok("quantri").await;
    // A figure read with certainty or refused, by field.
    let bad = [("id", rid.as_str()), ("year", year.as_str()), ("unit", "SYT"), ("indicator", "YT01"), ("value", "4,500")];
    let r = admin.call("danh-muc/ke-hoach/dat", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("hay 4.500?"), "the ambiguous figure shows both readings");
    let not_on_form = [("id", rid.as_str()), ("year", year.as_str()), ("unit", "SYT"), ("indicator", "NS01"), ("value", "10")];
    assert_eq!(admin.call("danh-muc/ke-hoach/dat", &not_on_form).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(admin.call("danh-muc/ke-hoach/dat", &good).await.status(), StatusCode::OK);
    let page: serde_json::Value = app.query("danh-muc/ke-hoach", &[("id", &rid), ("year", &year)]).await.json().await.unwrap();
    assert_eq!(page["plans"][0]["value"], "4.500");
    assert_eq!(page["plans"][0]["unit_code"], "SYT");
    // The clerk's report of that regime carries the plan for its form.
    let actor = domain::Actor { user_id: 0, role: domain::Role::Reviewer, unit_id: 0 };
    let syt = app.unit_id("SYT").await;
    let due = service::reports::due_for_unit(&app.db, &actor, syt, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == "YTE_THANG" && d.state.accepts_entry()).expect("an open month");
    let r = app.call("bao-cao/lap", &[("regime_id", &d.regime_id.to_string()), ("period", &d.period_key)]).await;
    let target: String = r.json().await.unwrap();
    let id = target.trim_start_matches("/bao-cao/").to_string();
    let report: serde_json::Value = app.query("bao-cao/xem", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(report["data"]["references"]["plan"]["YT01"]["Num"], 4500);
    // An empty value takes the plan back.
    let clear = [("id", rid.as_str()), ("year", year.as_str()), ("unit", "SYT"), ("indicator", "YT01"), ("value", "")];
    assert_eq!(admin.call("danh-muc/ke-hoach/dat", &clear).await.status(), StatusCode::OK);
    let page: serde_json::Value = app.query("danh-muc/ke-hoach", &[("id", &rid), ("year", &year)]).await.json().await.unwrap();
    assert!(page["plans"].as_array().unwrap().is_empty());
    app.stop().await;
}

async fn make_up_days_are_weekend_days_and_listed(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    // 10/04/2031 is a Thursday: a make-up working day must be a weekend day.
    let r = app.call("danh-muc/ngay-nghi/them", &[("day", "10/04/2031"), ("name", "Làm bù"), ("kind", "lam_bu")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("thứ Bảy hoặc Chủ nhật"));
    let r = app.call("danh-muc/ngay-nghi/them", &[("day", "12/04/2031"), ("name", "Làm bù cho ngày 02/5/2031"), ("kind", "lam_bu")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: serde_json::Value = app.query("danh-muc/ngay-nghi", &[("year", "2031")]).await.json().await.unwrap();
    let day = page["days"].as_array().unwrap().iter().find(|d| d["day"] == "2031-04-12").expect("listed");
    assert_eq!(day["make_up"], true);
    // The calendar counts it as a working day.
    let h = service::catalogue::holidays::all(&app.db).await.unwrap();
    assert!(h.is_working_day(domain::period::date(2031, 4, 12)));
    assert!(!h.is_working_day(domain::period::date(2031, 4, 13)));
    app.stop().await;
}

async fn a_version_takes_effect_on_its_day_and_records_its_indicators(b: Backend) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let rid = regime_id(&app, "YTE_THANG").await;
    // A change to publish: one more rule.
    let rule = [
        ("id", rid.to_string()),
        ("op", "them_quy_tac".into()),
        ("back", "/".into()),
        ("expression", "YT03 >= 0".into()),
        ("message", "Số bác sĩ không âm.".into()),
        ("severity", "loi".into()),
        ("missing", "bo_qua_neu_thieu".into()),
    ];
    let fields: Vec<(&str, &str)> = rule.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.call("danh-muc/che-do/sua", &fields).await.status(), StatusCode::OK);
    let r = app.call("danh-muc/che-do/ban-hanh", &[("id", &rid.to_string()), ("effective_from", "01/01/2020")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("không được trước hôm nay"), "a past period keeps what was asked then");
    let next_year = Utc::now().year() + 1;
    let r = app.call("danh-muc/che-do/ban-hanh", &[("id", &rid.to_string()), ("effective_from", &format!("01/01/{next_year}"))]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let versions = entity::regime_version::Entity::find().filter(entity::regime_version::Column::RegimeId.eq(rid)).all(&app.db).await.unwrap();
    let latest = versions.iter().max_by_key(|v| v.version).unwrap();
    assert_eq!(latest.effective_from, Some(domain::period::date(next_year, 1, 1)));
    let rows = entity::regime_version_indicator::Entity::find()
        .filter(entity::regime_version_indicator::Column::RegimeVersionId.eq(latest.id))
        .all(&app.db)
        .await
        .unwrap();
    let doc = service::catalogue::regimes::version_doc(&app.db, rid, latest.version).await.unwrap();
    assert_eq!(rows.len(), doc.indicator_codes().len(), "one row per indicator the version uses");
    let in_use = service::catalogue::indicators::codes_in_use(&app.db).await.unwrap();
    assert!(in_use.contains("YT01") && in_use.contains("YT03"));
    app.stop().await;
}

async fn the_database_refuses_codes_outside_their_sets(b: Backend) {
    use sea_orm::ConnectionTrait;
    let app = spawn_app(b).await;
    // A report to try the status column on.
    app.sign_in_ok("cv.syt").await;
    let actor = domain::Actor { user_id: 0, role: domain::Role::Reviewer, unit_id: 0 };
    let due = service::reports::due_for_unit(&app.db, &actor, app.unit_id("SYT").await, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.state.accepts_entry()).expect("an open period");
    assert_eq!(app.call("bao-cao/lap", &[("regime_id", &d.regime_id.to_string()), ("period", &d.period_key)]).await.status(), StatusCode::OK);
    for sql in [
        "UPDATE report SET status = 'bogus'",
        "UPDATE indicator SET value_type = 'integer' WHERE code = 'YT01'",
        "UPDATE indicator SET aggregation = 'sum' WHERE code = 'YT01'",
        "UPDATE app_user SET role = 'superuser' WHERE username = 'cv.syt'",
        "UPDATE org_unit SET kind = 'district' WHERE code = 'SYT'",
    ] {
        assert!(app.db.execute_unprepared(sql).await.is_err(), "refused: {sql}");
    }
    app.stop().await;
}
