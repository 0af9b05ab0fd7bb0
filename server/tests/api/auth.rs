use crate::helpers::*;
use reqwest::StatusCode;

crate::on_both_backends!(
    right_password_signs_in_wrong_one_does_not,
    account_throttling_engages,
    address_throttling_engages,
    session_survives_a_restart,
    sign_out_ends_the_session,
    password_change_checks_and_ends_other_sessions,
);

async fn right_password_signs_in_wrong_one_does_not(b: Backend) {
    let app = spawn_app(b).await;
    let r = app.sign_in("cv.syt", "MatKhauSai1").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    let r = app.sign_in("khong.co.ai", "MatKhauSai1").await;
    assert!(r.text().await.unwrap().contains("Tên đăng nhập hoặc mật khẩu không đúng."), "unknown names read the same");
    let (status, _) = app.get_html("/").await;
    assert_eq!(status, StatusCode::FOUND, "still anonymous");

    let r = app.sign_in("CV.SYT ", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK, "names are case-insensitive and trimmed");
    let cookies: Vec<String> = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session = cookies.iter().find(|c| c.starts_with("baocao_session=")).expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    assert!(!session.contains("Secure"), "plain http here");
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Xin chào, Lò Thị Hoa"));
    assert!(!html.contains("$argon2"), "no hash in a page");
    app.stop().await;
}

async fn account_throttling_engages(b: Backend) {
    let url = fresh_database(b).await;
    let mut cfg = test_config(&url);
    cfg.login_max_failures = 3;
    let app = spawn_app_with(cfg, new_client()).await;
    for _ in 0..2 {
        assert_eq!(app.sign_in("ld.syt", "MatKhauSai1").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let third = app.sign_in("ld.syt", "MatKhauSai1").await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.text().await.unwrap().contains("tạm thời bị khóa"));
    // Locked: even the right password is refused, with the same clear message.
    let r = app.sign_in("ld.syt", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("15 phút"));
    // Other accounts are not affected.
    app.sign_in_ok("cv.syt").await;
    app.stop().await;
}

async fn address_throttling_engages(b: Backend) {
    let url = fresh_database(b).await;
    let mut cfg = test_config(&url);
    cfg.address_max_failures = 4;
    let app = spawn_app_with(cfg, new_client()).await;
    for name in ["a.1", "a.2", "a.3"] {
        assert_eq!(app.sign_in(name, "MatKhauSai1").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app.sign_in("a.4", "MatKhauSai1").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("địa chỉ máy của bạn"));
    assert_eq!(app.sign_in("cv.syt", DEMO_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

async fn session_survives_a_restart(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("vp.tonghop").await;
    let url = app.database_url.clone();
    let client = app.stop().await;
    let again = spawn_app_with(test_config(&url), client).await;
    let (status, html) = again.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Xin chào, Trần Minh Đức"));
    again.stop().await;
}

async fn sign_out_ends_the_session(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    let r = app.call("dang-xuat", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (status, _) = app.get_html("/").await;
    assert_eq!(status, StatusCode::FOUND);
    app.stop().await;
}

async fn password_change_checks_and_ends_other_sessions(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.syt").await;
    let other_app_view = app.another_browser();
    other_app_view.sign_in_ok("cv.syt").await;

    let r = app.call("doi-mat-khau", &[("current", "sai"), ("new", "ngan"), ("confirm", "khac")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("ít nhất 8 ký tự") && body.contains("không khớp"), "{body}");

    let r = app.call("doi-mat-khau", &[("current", "SaiMatKhau1"), ("new", "MoiHon2026"), ("confirm", "MoiHon2026")]).await;
    assert!(r.text().await.unwrap().contains("Mật khẩu hiện tại không đúng."));

    let r = app.call("doi-mat-khau", &[("current", DEMO_PASSWORD), ("new", "MoiHon2026"), ("confirm", "MoiHon2026")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.get_html("/").await.0, StatusCode::OK, "this session goes on");
    assert_eq!(other_app_view.get_html("/").await.0, StatusCode::FOUND, "the other one ended");
    assert_eq!(app.sign_in("cv.syt", DEMO_PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.sign_in("cv.syt", "MoiHon2026").await.status(), StatusCode::OK);
    app.stop().await;
}
