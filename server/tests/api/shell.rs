use crate::helpers::*;
use reqwest::StatusCode;

crate::on_both_backends!(probes_and_error_pages);

async fn probes_and_error_pages(b: Backend) {
    let app = spawn_app(b).await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    let (status, html) = app.get_html("/khong-co-trang-nay").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không tìm thấy") && html.contains("lang=\"vi\""));
    app.stop().await;
}

crate::on_both_backends!(security_headers_and_caching, demo_mode_refuses_a_database_with_real_accounts);

async fn security_headers_and_caching(b: Backend) {
    let app = spawn_app(b).await;
    // Every answer: no framing, no sniffing, a strict referrer policy.
    for path in ["/dang-nhap", "/healthz", "/khong-co-trang-nay"] {
        let r = app.get(path).await;
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
    }
    // A page carries a nonce that its hydration script also carries.
    let r = app.get("/dang-nhap").await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a script nonce").to_string();
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the page's nonce");
    assert!(!csp.contains("unsafe-inline"));
    // Signed in, pages and server-function answers are never cached.
    app.sign_in_ok("cv.syt").await;
    assert_eq!(app.get("/").await.headers()["cache-control"], "no-store");
    assert_eq!(app.query("bao-cao/cua-don-vi", &[]).await.headers()["cache-control"], "no-store");
    // Static files carry no session cookie.
    let fresh = new_client();
    let r = fresh.get(app.url("/pkg/baocao.css")).send().await.unwrap();
    assert!(r.headers().get("set-cookie").is_none(), "no cookie on a static file");
    app.stop().await;
}

async fn demo_mode_refuses_a_database_with_real_accounts(b: Backend) {
    let url = fresh_database(b).await;
    let mut cfg = test_config(&url);
    cfg.demo = false;
    let db = server::prepare_database(&cfg).await.unwrap();
    let office = service::org::find_unit_by_code(&db, domain::org::OFFICE_CODE).await.unwrap();
    service::users::create_first_admin(&db, "admin.that", "Quản trị thật", "Mat-khau-that-2025", &office.code).await.unwrap();
    close(db).await;
    let err = server::prepare_database(&test_config(&url)).await.err().expect("demo mode refused").to_string();
    assert!(err.contains("tài khoản thật") && err.contains("BAOCAO_DEMO"), "{err}");
}
