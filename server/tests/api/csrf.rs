use crate::helpers::*;
use reqwest::StatusCode;

crate::on_both_backends!(state_changing_requests_need_the_csrf_proof);

async fn state_changing_requests_need_the_csrf_proof(b: Backend) {
    let app = spawn_app(b).await;

    // Anonymous: the sign-in form itself is protected (no login CSRF).
    let r = app.call_without_csrf("dang-nhap", &[("username", "quantri"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("CSRF"));

    app.sign_in_ok("quantri").await;
    let unit = app.unit_id("SYT").await.to_string();
    let fields =
        [("username", "cv2.syt"), ("full_name", "Nguyễn Văn Hai"), ("role", "clerk"), ("unit_id", unit.as_str()), ("password", "TamThoi2025")];
    // No token at all.
    let r = app.call_without_csrf("quan-tri/nguoi-dung/tao", &fields).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A wrong token, in the form or in the header.
    let mut wrong = vec![("csrf", "0".repeat(64))];
    wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let r = app.client.post(app.url("/api/quan-tri/nguoi-dung/tao")).form(&wrong).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.client.post(app.url("/api/quan-tri/nguoi-dung/tao")).header("x-csrf-token", "1".repeat(64)).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A plain browser form post without the token gets a page that says why.
    let r = app.client.post(app.url("/api/quan-tri/nguoi-dung/tao")).header("accept", "text/html").form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Vui lòng tải lại trang"));
    // Nothing was created by the refused requests.
    let page = app.get_html("/quan-tri/nguoi-dung?q=cv2").await.1;
    assert!(page.contains("Không có người dùng nào"), "refused requests wrote nothing");

    // Each page carries the token under a new mask (pages are compressed:
    // BREACH); a masked token altered in one digit is refused.
    let (a, b2) = (app.csrf().await, app.csrf().await);
    assert_ne!(a, b2, "a fresh mask on every page");
    assert_eq!(a.len(), 128);
    let mut altered = a.clone().into_bytes();
    altered[100] = if altered[100] == b'0' { b'1' } else { b'0' };
    let altered = String::from_utf8(altered).unwrap();
    let r = app.client.post(app.url("/api/quan-tri/nguoi-dung/tao")).header("x-csrf-token", altered).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The token of an earlier page, in the header: accepted.
    let r = app.client.post(app.url("/api/quan-tri/nguoi-dung/tao")).header("x-csrf-token", a).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    app.stop().await;
}
