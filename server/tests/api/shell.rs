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
