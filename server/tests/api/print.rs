//! The printable report (`/bao-cao/{id}/in`, issue 14): the Decree 30
//! layout with the report's figures in Vietnamese notation, readable by
//! exactly those who read the report elsewhere, and hostile ids and texts
//! answered without a panic or an injected tag.

use crate::helpers::*;
use chrono::Utc;
use domain::Actor;
use domain::indicator::Value;
use entity::app_user;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

crate::on_both_backends!(
    the_print_shows_the_decree_30_layout_and_the_figures,
    a_communes_print_is_signed_by_its_chairman,
    only_those_who_read_the_report_may_print_it,
    hostile_ids_and_texts_are_answered_safely,
);

async fn actor(app: &TestApp, username: &str) -> Actor {
    let u = app_user::Entity::find().filter(app_user::Column::Username.eq(username)).one(&app.db).await.unwrap().unwrap();
    Actor { user_id: u.id, role: domain::Role::from_code(&u.role).unwrap(), unit_id: u.unit_id }
}

/// The clerk's report of a regime for its first open period.
async fn open_report(app: &TestApp, clerk: &Actor, regime_code: &str) -> i32 {
    let due = service::reports::due_for_unit(&app.db, clerk, clerk.unit_id, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == regime_code && d.state.accepts_entry()).expect("an open period");
    service::reports::start(&app.db, clerk, d.regime_id, &d.period_key, Utc::now()).await.unwrap()
}

async fn save(app: &TestApp, clerk: &Actor, id: i32, values: &[(&str, i64)], comments: &[(&str, &str)], narrative: &[&str]) {
    let mut figures = domain::figures::Figures::default();
    for (k, v) in values {
        figures.values.insert((*k).into(), Value::Num(*v));
    }
    let changes = service::reports::Changes {
        figures,
        comments: Some(comments.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect::<HashMap<_, _>>()),
        narrative: Some(narrative.iter().map(|s| (*s).to_string()).collect()),
        ..Default::default()
    };
    let rv = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().row_version;
    service::reports::save_changes(&app.db, clerk, id, rv, changes, service::reports::Source::Form, Utc::now()).await.unwrap();
}

fn print_path(id: impl std::fmt::Display) -> String {
    format!("/bao-cao/{id}/in")
}

async fn the_print_shows_the_decree_30_layout_and_the_figures(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    save(&app, &clerk, id, &[("YT01", 1234), ("YT04", 955)], &[("YT01", "Kể cả giường kê thêm")], &["Không có dịch lớn.\n\nĐã phun thuốc."]).await;
    app.sign_in_ok("cv.syt").await;
    let r = app.get(&print_path(id)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(r.headers()["cache-control"], "no-store");
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'nonce-") && !csp.contains("unsafe-inline"), "{csp}");
    let html = r.text().await.unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).unwrap();
    assert!(html.contains(&format!("<script nonce=\"{nonce}\">")) && html.contains("window.print()"), "the print button runs under the page's nonce");
    for want in [
        "<html lang=\"vi\">",
        "@page { size: A4; margin: 20mm 15mm 20mm 30mm;",
        "Times New Roman",
        "UBND TỈNH SƠN LA",
        "SỞ Y TẾ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SYT",
        "<h1>BÁO CÁO</h1>",
        "Hoạt động khám bệnh, chữa bệnh và y tế dự phòng hằng tháng",
        "Biểu số 03/YT",
        "<th>STT</th><th>Chỉ tiêu</th><th>ĐVT</th><th>Thực hiện kỳ này</th><th>Cùng kỳ năm trước</th>",
        "<td class=\"stt\">I</td><td colspan=",
        "Số giường bệnh",
        ">1.234</td>",
        ">95,5</td>",
        "Kể cả giường kê thêm",
        "<h2>Tình hình dịch bệnh</h2><p>Không có dịch lớn.</p><p>Đã phun thuốc.</p>",
        "Nơi nhận:",
        "Lưu: VT.",
        "GIÁM ĐỐC",
        "(Ký, ghi rõ họ tên, đóng dấu)",
        "DỰ THẢO",
        "href=\"/bao-cao/",
    ] {
        assert!(html.contains(want), "the print lacks {want:?}");
    }
    // Dated today (not sent yet), as Decree 30 writes a date.
    let today = domain::datefmt::vn_today(Utc::now());
    let dated = domain::decree30::place_date("Sơn La", today);
    assert!(html.contains(&dated), "the print lacks {dated:?}");
    // No number is recorded: left blank to write by hand.
    assert!(html.contains("Số: <span class=\"blank\"></span>/BC-SYT"));
    // The same report once sent (stored as the send stores it): no longer a
    // draft, dated the day it was sent, Vietnamese time.
    let sent_at = chrono::DateTime::parse_from_rfc3339("2026-02-04T18:30:00Z").unwrap().with_timezone(&Utc);
    let mut rep: entity::report::ActiveModel = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().into();
    rep.status = sea_orm::Set("da_gui".into());
    rep.sent_at = sea_orm::Set(Some(sent_at));
    sea_orm::ActiveModelTrait::update(rep, &app.db).await.unwrap();
    let html = app.get(&print_path(id)).await.text().await.unwrap();
    assert!(!html.contains("DỰ THẢO"), "a sent report is not printed as a draft");
    assert!(html.contains("Sơn La, ngày 05 tháng 02 năm 2026"), "dated the day it was sent (01:30 on the 5th in Hà Nội)");
    app.stop().await;
}

async fn a_communes_print_is_signed_by_its_chairman(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.tohieu").await;
    let id = open_report(&app, &clerk, "KTXH_XA").await;
    app.sign_in_ok("cv.tohieu").await;
    let (status, html) = app.get_html(&print_path(id)).await;
    assert_eq!(status, StatusCode::OK);
    for want in ["ỦY BAN NHÂN DÂN", "PHƯỜNG TÔ HIỆU", "/BC-UBND", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Tô Hiệu, ngày "] {
        assert!(html.contains(want), "the commune's print lacks {want:?}");
    }
    assert!(!html.contains("GIÁM ĐỐC"));
    app.stop().await;
}

async fn only_those_who_read_the_report_may_print_it(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    save(&app, &clerk, id, &[("YT01", 87_654)], &[], &[]).await;
    // Signed out: to the sign-in page, nothing of the report.
    let r = app.get(&print_path(id)).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/dang-nhap");
    // Another unit's clerk and leader: refused in Vietnamese, no figure.
    for who in ["cv.tohieu", "ld.tohieu"] {
        let other = app.another_browser();
        other.sign_in_ok(who).await;
        let (status, html) = other.get_html(&print_path(id)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(html.contains("Bạn chỉ được xem báo cáo của đơn vị mình."), "{who}: {html}");
        assert!(!html.contains("87.654") && !html.contains("SỞ Y TẾ"), "{who} sees nothing of the report");
    }
    // The unit's clerk and leader, the office, the provincial leader and the administrator: the print.
    for who in ["cv.syt", "ld.syt", "vp.tonghop", "ld.tinh", "quantri"] {
        let reader = app.another_browser();
        reader.sign_in_ok(who).await;
        let (status, html) = reader.get_html(&print_path(id)).await;
        assert_eq!(status, StatusCode::OK, "{who}");
        assert!(html.contains(">87.654</td>"), "{who} sees the figure");
    }
    app.stop().await;
}

async fn hostile_ids_and_texts_are_answered_safely(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    let evil = "<script>alert(1)</script>\"'&";
    save(&app, &clerk, id, &[("YT01", 1)], &[("YT01", evil)], &[evil]).await;
    app.sign_in_ok("cv.syt").await;
    let long = "9".repeat(5000);
    for raw in ["0", "-1", "abc", "999999", "2147483648", "99999999999999999999", "1%20OR%201=1", "1%27", "%00", "1.5", "%F0%9F%92%A3", long.as_str()]
    {
        let r = app.get(&print_path(raw)).await;
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::NOT_FOUND, "{raw}: {body}");
        assert!(body.contains("Không tìm thấy báo cáo."), "{raw}: {body}");
    }
    // The clerk's texts are printed as text, never as markup.
    let html = app.get(&print_path(id)).await.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}
