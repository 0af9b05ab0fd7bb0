use crate::helpers::*;
use reqwest::StatusCode;

crate::on_both_backends!(
    anonymous_visitors_are_sent_to_sign_in,
    clerk_gets_403_on_another_units_pages,
    clerk_gets_403_on_administrator_pages_and_calls,
    province_roles_read_every_unit,
);

async fn anonymous_visitors_are_sent_to_sign_in(b: Backend) {
    let app = spawn_app(b).await;
    let r = app.get("/quan-tri/nguoi-dung").await;
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()["location"], "/dang-nhap?tiep=/quan-tri/nguoi-dung");
    let r = app.query("don-vi", &[]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

async fn clerk_gets_403_on_another_units_pages(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.syt").await;
    let own = app.unit_id("SYT").await;
    let other = app.unit_id("03646").await;
    let (status, html) = app.get_html(&format!("/don-vi/{own}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sở Y tế"));
    let (status, html) = app.get_html(&format!("/don-vi/{other}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Bạn chỉ được xem thông tin của đơn vị mình."));
    assert!(!html.contains("Phường Tô Hiệu"), "nothing of the other unit leaks");
    // The same through the server function, by id.
    let r = app.query("don-vi/xem", &[("id", &other.to_string())]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The province-wide list is not for clerks either.
    assert_eq!(app.get_html("/don-vi").await.0, StatusCode::FORBIDDEN);
    // A unit that does not exist is a 404, not a crash.
    assert_eq!(app.get_html("/don-vi/999999").await.0, StatusCode::NOT_FOUND);
    app.stop().await;
}

async fn clerk_gets_403_on_administrator_pages_and_calls(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    for path in ["/quan-tri/nguoi-dung", "/quan-tri/nguoi-dung/moi", "/quan-tri/nguoi-dung/1"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("quản trị hệ thống"), "{path}");
    }
    let unit = app.unit_id("03646").await.to_string();
    let r = app
        .call(
            "quan-tri/nguoi-dung/tao",
            &[("username", "ke.gian"), ("full_name", "Kẻ Gian"), ("role", "admin"), ("unit_id", &unit), ("password", "KeGian2025")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.call("quan-tri/nguoi-dung/dat-lai-mat-khau", &[("id", "1"), ("password", "KeGian2025")]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.query("quan-tri/nguoi-dung", &[("search", ""), ("role", ""), ("page", "1")]).await.status(), StatusCode::FORBIDDEN);
    // Reading by id is checked too: a clerk cannot read an account.
    assert_eq!(app.query("quan-tri/nguoi-dung/xem", &[("id", "1")]).await.status(), StatusCode::FORBIDDEN);
    // Unit leaders and provincial leaders are not administrators either.
    let leader = app.another_browser();
    leader.sign_in_ok("ld.tinh").await;
    assert_eq!(leader.get_html("/quan-tri/nguoi-dung").await.0, StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn province_roles_read_every_unit(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("vp.tonghop").await;
    let (status, html) = app.get_html("/don-vi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Xã, phường (75)"), "all 75 communes and wards are listed");
    assert!(html.contains("Phường Tô Hiệu") && html.contains("Xã Mường Lạn") && html.contains("Công an tỉnh"));
    let other = app.unit_id("03646").await;
    assert_eq!(app.get_html(&format!("/don-vi/{other}")).await.0, StatusCode::OK);
    app.stop().await;
}
