//! "Chép số liệu kỳ trước" over HTTP, as the browser calls it (script and
//! plain form): offered only from an accepted previous report, never over
//! figures, every copied figure marked on the page until "Giữ nguyên" or
//! "Xác nhận tất cả", sending refused until then.

use crate::helpers::*;
use chrono::Utc;
use domain::period::Period;
use domain::report::ReportStatus;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

crate::on_both_backends!(a_clerk_copies_confirms_and_sends);

const FIGURES: &[(&str, &str)] = &[
    ("DS03", "20"),
    ("DS03__nam", "11"),
    ("DS03__nu", "9"),
    ("NS01", "1.234,5"),
    ("NS02", "1.000,5"),
    ("HC01", "150"),
    ("HC02", "90"),
    ("HC03", "98,5"),
    ("LN03", "1"),
    ("LN05", "0,75"),
];

/// The unit's report for the period before `current`'s, in `status`, with
/// `FIGURES` (each with a comment that must not be copied).
async fn previous(app: &TestApp, current: i32, status: ReportStatus) -> entity::report::Model {
    use service::reports::store::{Stored, value_row};
    let cur = entity::report::Entity::find_by_id(current).one(&app.db).await.unwrap().unwrap();
    let period = Period::parse_key(&cur.period_key).unwrap().previous();
    let now = Utc::now();
    let prev = {
        let mut m = service::reports::overview::draft_model(
            cur.regime_id,
            cur.regime_version_id,
            cur.unit_id,
            &period,
            0,
            None,
            cur.created_by.expect("started by a clerk"),
            now,
        );
        m.status = Set(status.code().into());
        m.row_version = Set(2);
        m.sent_at = Set(Some(now));
        m.on_time = Set(Some(true));
        m
    }
    .insert(&app.db)
    .await
    .unwrap();
    let l = service::reports::load(&app.db, prev.id).await.unwrap();
    let rows: Vec<_> = FIGURES
        .iter()
        .map(|(key, text)| {
            let (code, part) = domain::entry::split_cell_key(key);
            let spec = &l.specs[code];
            let v = spec.parse_input(text).unwrap().unwrap();
            value_row(&prev, &period, status, spec, l.ids.by_code[code], part, Stored::Figure(&v), "Ghi chú của kỳ trước", now, None)
        })
        .collect();
    entity::report_value::Entity::insert_many(rows).exec(&app.db).await.unwrap();
    prev
}

async fn row_version(app: &TestApp, id: i32) -> String {
    let r = app.query("bao-cao/xem", &[("id", &id.to_string())]).await;
    let v: serde_json::Value = r.json().await.unwrap();
    v["data"]["header"]["row_version"].to_string()
}

async fn copy(app: &TestApp, id: i32) -> reqwest::Response {
    let rv = row_version(app, id).await;
    app.call("bao-cao/chep-ky-truoc", &[("id", &id.to_string()), ("row_version", &rv)]).await
}

fn form(id: i32, rv: &str, intent: &str) -> Vec<(String, String)> {
    let mut f = vec![("id".to_string(), id.to_string()), ("row_version".into(), rv.to_string()), ("intent".into(), intent.into())];
    f.extend(FIGURES.iter().map(|(k, v)| (format!("values[{k}]"), v.to_string())));
    f
}

async fn save(app: &TestApp, id: i32, intent: &str) -> serde_json::Value {
    let rv = row_version(app, id).await;
    let f = form(id, &rv, intent);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.call("bao-cao/luu", &refs).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

const MARK: &str = "Chép từ kỳ trước — chưa xác nhận";

async fn a_clerk_copies_confirms_and_sends(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    let unit = app.unit_id("03646").await;
    let office = domain::Actor { user_id: 0, role: domain::Role::Reviewer, unit_id: 0 };
    let due = service::reports::due_for_unit(&app.db, &office, unit, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == "KTXH_XA" && d.state.accepts_entry()).expect("an open period");
    let r = app.call("bao-cao/lap", &[("regime_id", &d.regime_id.to_string()), ("period", &d.period_key)]).await;
    let target: String = r.json().await.unwrap();
    let id: i32 = target.trim_start_matches("/bao-cao/").parse().unwrap();

    // Nothing to copy yet: the page says why, the call is refused.
    let (_, html) = app.get_html(&format!("/bao-cao/{id}")).await;
    assert!(html.contains("chưa có báo cáo kỳ trước"), "the page says why there is no copy");
    let r = copy(&app, id).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("chưa có báo cáo kỳ trước"));

    // Only sent: still refused, saying so.
    let prev = previous(&app, id, ReportStatus::Sent).await;
    let (_, html) = app.get_html(&format!("/bao-cao/{id}")).await;
    assert!(html.contains("chưa được tiếp nhận nên chưa chép được"), "the page says the previous report is not accepted");
    let r = copy(&app, id).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Accepted: the button, then the copy.
    entity::report::Entity::update_many()
        .col_expr(entity::report::Column::Status, sea_orm::sea_query::Expr::value(ReportStatus::Accepted.code()))
        .filter(entity::report::Column::Id.eq(prev.id))
        .exec(&app.db)
        .await
        .unwrap();
    let prev_label = Period::parse_key(&prev.period_key).unwrap().label();
    let (_, html) = app.get_html(&format!("/bao-cao/{id}")).await;
    assert!(html.contains(&format!("Chép số liệu kỳ trước ({prev_label})")), "the button names the period");
    // Another unit's clerk may not copy into this report.
    let other = app.another_browser();
    other.sign_in_ok("cv.syt").await;
    let rv = row_version(&app, id).await;
    let r = other.call("bao-cao/chep-ky-truoc", &[("id", &id.to_string()), ("row_version", &rv)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = copy(&app, id).await;
    assert_eq!(r.status(), StatusCode::OK);
    let target: String = r.json().await.unwrap();
    assert_eq!(target, format!("/bao-cao/{id}?da-chep={}", FIGURES.len()));
    let (_, html) = app.get_html(&target).await;
    assert_eq!(html.matches(MARK).count(), FIGURES.len(), "every copied figure is marked");
    assert!(html.contains("value=\"1.234,5\"") && html.contains("Xác nhận tất cả") && html.contains("Giữ nguyên"));
    assert!(html.contains("aria-describedby=\"msg-NS01 cp-NS01\""), "the mark is read out with the input");
    assert!(!html.contains("Ghi chú của kỳ trước"), "comments are not copied");
    assert!(html.contains(&format!("Chép số liệu kỳ trước (kỳ {prev_label})")), "the history shows the copy");

    // Never over figures.
    let r = copy(&app, id).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("đã có số liệu"));

    // Sending waits for the confirmation, naming the rows.
    let v = save(&app, id, "gui").await;
    assert!(v["go_to"].is_null(), "{v}");
    assert!(v["send_error"].to_string().contains("chép từ kỳ trước chưa được xác nhận"), "{v}");
    assert_eq!(v["copied"].as_array().unwrap().len(), FIGURES.len());

    // Without JavaScript, "Giữ nguyên" on one row posts the form and comes back.
    let rv = row_version(&app, id).await;
    let mut plain = form(id, &rv, "giu:NS01");
    plain.push(("csrf".into(), app.csrf().await));
    let r = app
        .client
        .post(app.url("/api/bao-cao/luu"))
        .header("accept", "text/html")
        .header("referer", app.url(&format!("/bao-cao/{id}")))
        .form(&plain)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/bao-cao/{id}?da-xac-nhan=1"));
    let (_, html) = app.get_html(&format!("/bao-cao/{id}?da-xac-nhan=1")).await;
    assert_eq!(html.matches(MARK).count(), FIGURES.len() - 1);
    assert!(!html.contains("aria-describedby=\"msg-NS01 cp-NS01\""), "NS01 is confirmed");

    // "Xác nhận tất cả", and it goes.
    let v = save(&app, id, "xac_nhan").await;
    assert_eq!(v["copied"], serde_json::json!([]), "{v}");
    let v = save(&app, id, "gui").await;
    assert!(v["send_error"].is_null(), "{v}");
    assert!(v["go_to"].as_str().unwrap().contains("?da-gui="), "{v}");
    app.stop().await;
}
