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

/// The pages load the bundle under names that carry a hash of its content,
/// kept by the browser for a year and sent brotli- or gzip-compressed as it
/// accepts; the same files under their plain names are revalidated; pages
/// travel compressed too, their CSRF token masked afresh each time (BREACH).
async fn static_files_travel_compressed_and_revalidated(b: Backend) {
    use std::io::Read;
    let site = std::env::temp_dir().join(format!("baocao-site-{}-{b:?}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let css = "body { color: #123456; }\n".repeat(200);
    let js = "export default function init() {}\nexport function hydrate() {}\n".repeat(100);
    std::fs::write(site.join("pkg/baocao.css"), &css).unwrap();
    std::fs::write(site.join("pkg/baocao.js"), &js).unwrap();
    std::fs::write(site.join("pkg/baocao.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let mut cfg = test_config(&fresh_database(b).await);
    cfg.site_root = site.to_str().unwrap().to_string();
    let app = spawn_app_with(cfg, new_client()).await;
    let plain = reqwest::Client::new(); // no decompression: bodies arrive as sent

    let r = plain.get(app.url("/dang-nhap")).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br", "pages travel compressed");
    let body = r.bytes().await.unwrap();
    let mut html = String::new();
    brotli::Decompressor::new(&body[..], 4096).read_to_string(&mut html).unwrap();
    assert!(html.contains("Đăng nhập"), "{}", &html[..html.len().min(300)]);
    let url_of = |ext: &str| {
        let end = html.find(&format!(".{ext}\"")).unwrap_or_else(|| panic!("a hashed .{ext} in the page"));
        let start = html[..end].rfind("/pkg/baocao.").unwrap();
        html[start..end + ext.len() + 1].to_string()
    };
    let (css_url, js_url, wasm_url) = (url_of("css"), url_of("js"), url_of("wasm"));
    assert!(css_url.len() == "/pkg/baocao.".len() + 16 + 4, "{css_url}");
    assert!(html.contains(&format!("<link rel=\"stylesheet\" id=\"leptos\" href=\"{css_url}\"")), "the style sheet under its hashed name");
    assert!(html.contains(&format!("module_or_path: \"{wasm_url}\"")) && html.contains(&format!("import(\"{js_url}\")")));

    let r = plain.get(app.url(&css_url)).header("accept-encoding", "gzip, deflate, br").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.headers()["vary"], "accept-encoding");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(r.headers().get("set-cookie").is_none(), "no cookie on a static file");
    let etag = r.headers()["etag"].clone();
    let body = r.bytes().await.unwrap();
    let mut back = String::new();
    brotli::Decompressor::new(&body[..], 4096).read_to_string(&mut back).unwrap();
    assert_eq!(back, css, "brotli decompresses to the file");
    assert!(body.len() < 200, "compressed: {} bytes", body.len());
    let r = plain.get(app.url(&css_url)).header("accept-encoding", "br").header("if-none-match", etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    let r = plain.get(app.url(&js_url)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let body = r.bytes().await.unwrap();
    let mut back = String::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut back).unwrap();
    assert_eq!(back, js, "gzip decompresses to the file");
    // Nothing accepted: the file as it is; a file too small to gain stays so.
    let r = plain.get(app.url(&js_url)).send().await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.text().await.unwrap(), js);
    let r = plain.get(app.url(&wasm_url)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert!(r.headers().get("content-encoding").is_none(), "8 bytes do not shrink");
    assert_eq!(&r.bytes().await.unwrap()[..], b"\0asm\x01\0\0\0");
    // A name that was never the content's hash is not found.
    let r = plain.get(app.url("/pkg/baocao.0123456789abcdef.css")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The plain name: from disk, gzipped, revalidated.
    let r = plain.get(app.url("/pkg/baocao.css")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let modified = r.headers()["last-modified"].clone();
    let r = plain.get(app.url("/pkg/baocao.css")).header("if-modified-since", modified).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "revalidated, not sent again");
    app.stop().await;
    let _ = std::fs::remove_dir_all(&site);
}
