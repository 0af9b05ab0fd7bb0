use crate::helpers::*;
use chrono::{Datelike, Utc};
use reqwest::StatusCode;

crate::on_both_backends!(
    fill_save_send_approve_accept,
    every_error_and_warning_path,
    authorisation_matrix_by_report_id,
    concurrent_edits_never_overwrite_silently,
    locked_periods_are_read_only_until_an_exception,
    without_javascript_a_failed_save_keeps_the_input,
);

struct Ctx {
    regime_id: i32,
    period: String,
}

/// The first period of a regime that accepts entry today for a unit.
async fn open_period(app: &TestApp, unit_code: &str, regime_code: &str) -> Ctx {
    let unit = app.unit_id(unit_code).await;
    let actor = domain::Actor { user_id: 0, role: domain::Role::Reviewer, unit_id: 0 };
    let due = service::reports::due_for_unit(&app.db, &actor, unit, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == regime_code && d.state.accepts_entry()).expect("an open period");
    Ctx { regime_id: d.regime_id, period: d.period_key.clone() }
}

async fn start(app: &TestApp, c: &Ctx) -> i32 {
    let r = app.call("bao-cao/lap", &[("regime_id", &c.regime_id.to_string()), ("period", &c.period)]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let target: String = r.json().await.unwrap();
    target.trim_start_matches("/bao-cao/").parse().unwrap()
}

async fn row_version(app: &TestApp, id: i32) -> i32 {
    let r = app.query("bao-cao/xem", &[("id", &id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    v["data"]["header"]["row_version"].as_i64().unwrap() as i32
}

/// The figures of a complete, valid KTXH_XA report.
fn good_values() -> Vec<(&'static str, &'static str)> {
    vec![
        ("DS03", "20"),
        ("DS03__nam", "11"),
        ("DS03__nu", "9"),
        ("NS01", "1.234,5"),
        ("NS02", "1000.5"),
        ("HC01", "150"),
        ("HC02", "90"),
        ("HC03", "98,5"),
        ("LN03", "1"),
        ("LN05", "0,75"),
    ]
}

async fn save(app: &TestApp, id: i32, rv: i32, intent: &str, values: &[(&str, &str)], extra: &[(&str, &str)]) -> reqwest::Response {
    let mut fields: Vec<(String, String)> =
        vec![("id".into(), id.to_string()), ("row_version".into(), rv.to_string()), ("intent".into(), intent.into())];
    fields.extend(values.iter().map(|(k, v)| (format!("values[{k}]"), v.to_string())));
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("bao-cao/luu", &refs).await
}

/// A send that saved the draft but was refused: the reason, as the script gets it.
async fn refused_sending(r: reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::OK, "the draft itself was saved");
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["go_to"].is_null(), "not sent: {v}");
    assert!(v["message"].as_str().unwrap().contains("chưa được gửi"));
    v["send_error"].to_string()
}

async fn status_of(app: &TestApp, id: i32) -> String {
    let r = app.query("bao-cao/xem", &[("id", &id.to_string())]).await;
    let v: serde_json::Value = r.json().await.unwrap();
    v["data"]["header"]["status"].as_str().unwrap().to_string()
}

async fn fill_save_send_approve_accept(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    let c = open_period(&app, "03646", "KTXH_XA").await;
    let id = start(&app, &c).await;
    assert_eq!(start(&app, &c).await, id, "starting twice finds the same report");
    let r = save(&app, id, 0, "luu", &good_values(), &[("comments[NS01]", "Số liệu sơ bộ"), ("narrative[0]", "Tình hình ổn định.")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let page = app.query("bao-cao/xem", &[("id", &id.to_string())]).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(page["data"]["values"]["NS02"], "1.000,5", "a plain 1000.5 is read and shown the Vietnamese way");
    assert_eq!(page["data"]["comments"]["NS01"], "Số liệu sơ bộ");
    assert_eq!(page["data"]["narrative"][0], "Tình hình ổn định.");
    // Figures are stored typed and exact: scaled integers.
    let rows = entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
    let ns02 = rows.iter().find(|v| v.num == Some(10005)).expect("NS02 stored as 10005 tenths");
    assert_eq!(ns02.period_key, c.period);
    // Every change audited, with its source.
    let audits = entity::value_audit::Entity::find().filter(entity::value_audit::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
    assert_eq!(audits.len(), 10);
    assert!(audits.iter().all(|a| a.source == "form" && a.old_value.is_none()));

    // KTXH_XA asks for the unit leader's approval.
    let r = save(&app, id, 1, "gui", &good_values(), &[("narrative[0]", "Tình hình ổn định.")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(status_of(&app, id).await, "AwaitingApproval");
    let r = save(&app, id, 3, "luu", &good_values(), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "no edits while awaiting approval");

    let leader = app.another_browser();
    leader.sign_in_ok("ld.tohieu").await;
    let r = leader.call("bao-cao/xu-ly", &[("id", &id.to_string()), ("action", "duyet")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(status_of(&app, id).await, "Sent");
    let page = app.query("bao-cao/xem", &[("id", &id.to_string())]).await.json::<serde_json::Value>().await.unwrap();
    assert!(page["data"]["header"]["sent_at"].is_string(), "a receipt with the time");
    assert!(page["data"]["header"]["on_time"].is_boolean());

    let office = app.another_browser();
    office.sign_in_ok("vp.tonghop").await;
    let r = office.call("bao-cao/xu-ly", &[("id", &id.to_string()), ("action", "tra_lai")]).await;
    assert!(r.text().await.unwrap().contains("Vui lòng ghi lý do"), "returning needs a reason");
    let deliveries = || async {
        let rows = entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
        rows.iter().map(|v| v.delivery).collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(deliveries().await, [1].into(), "every figure counts as sent, in the status change's transaction");
    let r = office.call("bao-cao/xu-ly", &[("id", &id.to_string()), ("action", "tiep_nhan")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(status_of(&app, id).await, "Accepted");
    assert_eq!(deliveries().await, [2].into(), "and as accepted");
    let rows = entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
    let period = domain::period::Period::parse_key(&c.period).unwrap();
    assert!(
        rows.iter().all(|v| v.period_year == period.year() && v.ordinal == period.ordinal() as i16 && v.frequency == "thang"),
        "the period, for roll-ups"
    );
    let events = entity::report_event::Entity::find().filter(entity::report_event::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
    let path: Vec<&str> = events.iter().map(|e| e.to_status.as_str()).collect();
    assert_eq!(path, vec!["nhap", "cho_duyet", "da_gui", "da_tiep_nhan"]);
    // The page shows the history.
    let (_, html) = app.get_html(&format!("/bao-cao/{id}")).await;
    assert!(html.contains("Lịch sử thay đổi") && html.contains("Đã tiếp nhận") && html.contains("NS01: trống → 1.234,5 (qua biểu mẫu)"));
    app.stop().await;
}

async fn every_error_and_warning_path(b: Backend) {
    let app = spawn_app(b).await;
    // Last year's figures, so the "change against the same period" warning can fire.
    let year = Utc::now().year();
    service::reports::generator::generate(
        &app.db,
        &service::reports::generator::GenerateOptions { year: year - 1, until: None, large_regime_rows: 0, seed: 7 },
    )
    .await
    .unwrap();
    app.sign_in_ok("cv.tohieu").await;
    let c = open_period(&app, "03646", "KTXH_XA").await;
    // Periods that make no sense for the regime are refused with a reason.
    for (period, needle) in [("2026-13", "không hợp lệ"), ("2026-Q4", "hằng tháng"), ("", "không hợp lệ")] {
        let r = app.call("bao-cao/lap", &[("regime_id", &c.regime_id.to_string()), ("period", period)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{period}");
        assert!(r.text().await.unwrap().contains(needle), "{period}");
    }
    let id = start(&app, &c).await;
    // An action the office does not know is refused, not guessed.
    let r = app.call("bao-cao/xu-ly", &[("id", &id.to_string()), ("action", "xoa")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An unreadable figure: the draft keeps it as typed (nothing typed is
    // lost), the readable ones are stored, and sending names the row.
    let mut bad = good_values();
    bad[3] = ("NS01", "một nghìn");
    let r = save(&app, id, 0, "luu", &bad, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let reply: serde_json::Value = r.json().await.unwrap();
    assert!(reply["message"].as_str().unwrap().contains("1 ô chưa đọc được"), "{reply}");
    let page: serde_json::Value = app.query("bao-cao/xem", &[("id", &id.to_string())]).await.json().await.unwrap();
    assert_eq!(page["data"]["values"]["NS01"], "một nghìn", "kept as typed");
    assert_eq!(page["data"]["values"]["NS02"], "1.000,5");
    let rows = entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(id)).all(&app.db).await.unwrap();
    assert!(rows.iter().any(|v| v.invalid && v.txt.as_deref() == Some("một nghìn") && v.num.is_none()), "marked, never a number");
    let body = refused_sending(save(&app, id, 1, "gui", &bad, &[]).await).await;
    assert!(body.contains("values[NS01]") && body.contains("Dòng 2 (Thu ngân sách nhà nước trên địa bàn): Không đọc được số"), "{body}");

    // Required rows missing: a draft saves, sending is refused and says which.
    let body = refused_sending(save(&app, id, 2, "gui", &[("DS03", "5")], &[]).await).await;
    assert!(body.contains("Dòng 2 (Thu ngân sách nhà nước trên địa bàn): chỉ tiêu bắt buộc, chưa có số liệu."), "{body}");
    assert_eq!(row_version(&app, id).await, 3, "the draft was saved before sending was refused");

    // Parts that do not add up, and a rule error.
    let mut wrong = good_values();
    wrong[2] = ("DS03__nu", "8");
    wrong[4] = ("NS02", "2.000");
    let body = refused_sending(save(&app, id, 3, "gui", &wrong, &[]).await).await;
    assert!(body.contains("tổng các phần (Nam + Nữ = 19) khác tổng số (20)"), "{body}");
    assert!(body.contains("Thu nội địa không được lớn hơn tổng thu ngân sách trên địa bàn."), "{body}");

    // A warning: receipts far below last year's need an explanation. The
    // other comparisons depend on the generated year, so all are explained.
    let mut far = good_values();
    far[3] = ("NS01", "100");
    far[4] = ("NS02", "90");
    let body = refused_sending(save(&app, id, 4, "gui", &far, &[]).await).await;
    assert!(body.contains("explain[3]") && body.contains("Cần giải trình: Thu ngân sách giảm trên 50%"), "{body}");
    let explained = [
        ("explain[2]", "Số trẻ sinh ra biến động tự nhiên; đã đối chiếu sổ đăng ký khai sinh."),
        ("explain[3]", "Trong tháng chưa phát sinh khoản thu tiền sử dụng đất như cùng kỳ."),
        ("explain[4]", "Xã tiếp nhận thêm thủ tục của cấp huyện từ 01/7/2025."),
    ];
    let r = save(&app, id, 5, "gui", &far, &explained).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(status_of(&app, id).await, "AwaitingApproval");
    app.stop().await;
}

async fn authorisation_matrix_by_report_id(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    let c = open_period(&app, "03646", "KTXH_XA").await;
    let id = start(&app, &c).await;
    let ids = id.to_string();

    let other = app.another_browser();
    other.sign_in_ok("cv.syt").await;
    assert_eq!(other.query("bao-cao/xem", &[("id", &ids)]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(other.get_html(&format!("/bao-cao/{id}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(save(&other, id, 0, "luu", &good_values(), &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(other.call("bao-cao/xu-ly", &[("id", &ids), ("action", "duyet")]).await.status(), StatusCode::FORBIDDEN);
    // A department is not bound by the communes' regime.
    let r = other.call("bao-cao/lap", &[("regime_id", &c.regime_id.to_string()), ("period", &c.period)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A report that does not exist: 404, not a crash.
    assert_eq!(other.query("bao-cao/xem", &[("id", "999999")]).await.status(), StatusCode::NOT_FOUND);

    // Only the unit's clerk starts a report; its leader and the office do not.
    for user in ["ld.tohieu", "vp.tonghop"] {
        let x = app.another_browser();
        x.sign_in_ok(user).await;
        let r = x.call("bao-cao/lap", &[("regime_id", &c.regime_id.to_string()), ("period", &c.period)]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user} starts");
    }
    // The unit's leader reads but does not type; other roles neither.
    for (user, can_read) in [("ld.tohieu", true), ("vp.tonghop", true), ("ld.tinh", true), ("quantri", true), ("ld.syt", false)] {
        let x = app.another_browser();
        x.sign_in_ok(user).await;
        let read = x.query("bao-cao/xem", &[("id", &ids)]).await.status();
        assert_eq!(read == StatusCode::OK, can_read, "{user} reads");
        assert_eq!(save(&x, id, 0, "luu", &good_values(), &[]).await.status(), StatusCode::FORBIDDEN, "{user} saves");
    }
    // The office cannot approve for the unit, the leader cannot accept.
    let office = app.another_browser();
    office.sign_in_ok("vp.tonghop").await;
    assert_eq!(office.call("bao-cao/xu-ly", &[("id", &ids), ("action", "duyet")]).await.status(), StatusCode::FORBIDDEN);
    let top = app.another_browser();
    top.sign_in_ok("ld.tinh").await;
    assert_eq!(top.call("bao-cao/xu-ly", &[("id", &ids), ("action", "tiep_nhan")]).await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn concurrent_edits_never_overwrite_silently(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    let second = app.another_browser();
    second.sign_in_ok("cv.tohieu").await;
    let c = open_period(&app, "03646", "KTXH_XA").await;
    let id = start(&app, &c).await;
    // Both open the page at version 0; the first saves.
    assert_eq!(save(&app, id, 0, "luu", &[("NS01", "100")], &[]).await.status(), StatusCode::OK);
    let r = save(&second, id, 0, "luu", &[("NS01", "250")], &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("CHƯA được lưu") && body.contains("NS01: bạn nhập \\\"250,0\\\", bản đã lưu là \\\"100,0\\\""), "{body}");
    let page = app.query("bao-cao/xem", &[("id", &id.to_string())]).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(page["data"]["values"]["NS01"], "100,0", "the first save stands");

    // Truly simultaneous saves: exactly one wins.
    let (a, bb) = tokio::join!(save(&app, id, 1, "luu", &[("NS01", "300")], &[]), save(&second, id, 1, "luu", &[("NS01", "400")], &[]));
    let mut codes = vec![a.status(), bb.status()];
    codes.sort();
    assert_eq!(codes, vec![StatusCode::OK, StatusCode::CONFLICT]);
    app.stop().await;
}

async fn locked_periods_are_read_only_until_an_exception(b: Backend) {
    let app = spawn_app(b).await;
    let unit = app.unit_id("03646").await;
    let clerk_id = service::users::list_users(
        &app.db,
        &domain::Actor { user_id: 0, role: domain::Role::Admin, unit_id: 0 },
        service::users::UserQuery { search: "cv.tohieu".into(), ..Default::default() },
    )
    .await
    .unwrap()
    .items[0]
        .id;
    let clerk = domain::Actor { user_id: clerk_id, role: domain::Role::Clerk, unit_id: unit };
    let regime = service::catalogue::regimes::list(&app.db, "KTXH_XA", 1).await.unwrap().items[0].id;
    // A report started back in March 2025, inside that month's window.
    let then = chrono::TimeZone::with_ymd_and_hms(&Utc, 2025, 3, 10, 3, 0, 0).unwrap();
    let id = service::reports::start(&app.db, &clerk, regime, "2025-03", then).await.unwrap();
    // Starting a locked period today is refused.
    app.sign_in_ok("cv.tohieu").await;
    let r = app.call("bao-cao/lap", &[("regime_id", &regime.to_string()), ("period", "2025-04")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("đã khóa"));
    // Saving the old one is refused, and the page is read-only.
    let r = save(&app, id, 0, "luu", &good_values(), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Kỳ báo cáo Tháng 3/2025 đã khóa"));
    let page = app.query("bao-cao/xem", &[("id", &id.to_string())]).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(page["data"]["permissions"]["edit"], false);
    // The office grants an exception; the clerk may save and send again.
    let office = app.another_browser();
    office.sign_in_ok("vp.tonghop").await;
    let until = domain::datefmt::format_date(domain::datefmt::vn_today(Utc::now()) + chrono::Duration::days(3));
    assert_eq!(app.call("bao-cao/gia-han", &[("id", &id.to_string()), ("until", &until)]).await.status(), StatusCode::FORBIDDEN, "not the clerk");
    let r = office.call("bao-cao/gia-han", &[("id", &id.to_string()), ("until", "01/01/2024")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "an exception cannot end in the past");
    assert!(r.text().await.unwrap().contains("từ hôm nay trở đi"));
    let r = office.call("bao-cao/gia-han", &[("id", &id.to_string()), ("until", "ngày mai")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = office.call("bao-cao/gia-han", &[("id", &id.to_string()), ("until", &until)]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = save(&app, id, 0, "luu", &good_values(), &[]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    app.stop().await;
}

async fn without_javascript_a_failed_save_keeps_the_input(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    let c = open_period(&app, "03646", "KTXH_XA").await;
    let id = start(&app, &c).await;
    let token = app.csrf().await;
    let form = [
        ("csrf", token.as_str()),
        ("id", &id.to_string()),
        // Stale: another save landed since this page was opened.
        ("row_version", "7"),
        ("intent", "luu"),
        ("values[NS01]", "mười hai"),
        ("values[HC01]", "77"),
        ("narrative[1]", "Đường giao thông xuống cấp."),
    ];
    let post = |client: reqwest::Client, form: Vec<(String, String)>| {
        let url = app.url("/api/bao-cao/luu");
        let referer = app.url(&format!("/bao-cao/{id}"));
        async move { client.post(url).header("accept", "text/html").header("referer", referer).form(&form).send().await.unwrap() }
    };
    let owned: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let r = post(app.client.clone(), owned.clone()).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!("/bao-cao/{id}?nhap-lai=")), "{location}");
    // Another clerk's stash token leads nowhere: a stash is its owner's alone.
    let other = app.another_browser();
    other.sign_in_ok("ld.tohieu").await;
    let (_, theirs) = other.get_html(&location).await;
    assert!(!theirs.contains("Đường giao thông xuống cấp."), "not shown to anyone else");
    let (status, html) = app.get_html(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("value=\"mười hai\"") && html.contains("value=\"77\"") && html.contains("Đường giao thông xuống cấp."),
        "the typed input is back"
    );
    assert!(html.contains("CHƯA được lưu"), "with the reason");

    // A session that expired meanwhile: back through the sign-in page, input kept.
    let anonymous = app.another_browser();
    let anon_token = anonymous.csrf().await;
    let mut expired = owned.clone();
    expired[0].1 = anon_token;
    expired[4].1 = "12".into();
    let r = post(anonymous.client.clone(), expired).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/dang-nhap?tiep=/bao-cao/"), "{location}");
    app.stop().await;
}

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
