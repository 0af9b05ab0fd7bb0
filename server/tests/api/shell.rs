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

crate::on_both_backends!(
    security_headers_and_caching,
    static_files_travel_compressed_and_revalidated,
    demo_mode_refuses_a_database_with_real_accounts
);

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
    let err = server::prepare_database(&test_config(&url)).await.expect_err("demo mode refused").to_string();
    assert!(err.contains("tài khoản thật") && err.contains("BAOCAO_DEMO"), "{err}");
}

/// The bundle and style sheet travel gzipped and are revalidated (their names
/// do not change between releases); a page is never compressed, since it
/// carries the CSRF token beside text a user typed (BREACH).
async fn static_files_travel_compressed_and_revalidated(b: Backend) {
    let site = std::env::temp_dir().join(format!("baocao-site-{}-{b:?}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/baocao.css"), "body { color: #123456; }\n".repeat(200)).unwrap();
    let mut cfg = test_config(&fresh_database(b).await);
    cfg.site_root = site.to_str().unwrap().to_string();
    let app = spawn_app_with(cfg, new_client()).await;
    let plain = reqwest::Client::new(); // no gzip feature: bodies arrive as sent
    let r = plain.get(app.url("/pkg/baocao.css")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let modified = r.headers()["last-modified"].clone();
    let body = r.bytes().await.unwrap();
    assert!(body.len() < 1000, "compressed: {} bytes", body.len());
    let r = plain.get(app.url("/pkg/baocao.css")).header("if-modified-since", modified).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "revalidated, not sent again");
    let r = plain.get(app.url("/dang-nhap")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("content-encoding").is_none(), "pages are not compressed");
    app.stop().await;
    let _ = std::fs::remove_dir_all(&site);
}
