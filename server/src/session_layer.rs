//! Per-request middleware: resolves the session cookie, issues the CSRF
//! token, refuses state-changing requests that do not carry it, and puts
//! the security and caching headers on every answer.

use crate::config::CookieSecure;
use crate::state::AppState;
use app::ssr::{CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, RequestAuth, SESSION_COOKIE, cookie};
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares without an early exit, so timing does not reveal the prefix matched.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client's address. Behind a trusted proxy it is the hop the proxy
/// appended (the last one): everything to its left was sent by the client
/// and proves nothing. It must read as an address, or the peer's is used.
fn client_addr(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        let last_hop = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty())
            .and_then(|s| s.parse::<std::net::IpAddr>().ok());
        if let Some(ip) = last_hop {
            return ip.to_string();
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

fn is_secure(req: &Request, mode: CookieSecure, trust_proxy: bool) -> bool {
    match mode {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => {
            req.uri().scheme_str() == Some("https")
                || (trust_proxy && req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https"))
        }
    }
}

fn csrf_refused(wants_html: bool) -> Response {
    let msg = "Yêu cầu bị từ chối vì thiếu mã xác thực biểu mẫu (CSRF). Vui lòng tải lại trang rồi thử lại.";
    if wants_html {
        let body = format!(
            "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Yêu cầu bị từ chối</title></head>\
             <body><h1>403 — Yêu cầu bị từ chối</h1><p>{msg}</p><p><a href=\"/\">Về trang chủ</a></p></body></html>"
        );
        (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
    } else {
        // The shape of `AppError::Forbidden`, so the app shows the message.
        let body = serde_json::json!({ "Forbidden": msg }).to_string();
        (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The `csrf` field of a multipart body (forms put it before the file).
async fn multipart_field(body: axum::body::Bytes, content_type: &str, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Files of the site (the wasm bundle, styles, icons): served without a
/// session, so they never carry a cookie and can be cached.
pub fn is_static_path(path: &str, static_files: &std::collections::HashSet<String>) -> bool {
    path.starts_with("/pkg/") || static_files.contains(path)
}

/// Headers every answer carries: no framing, no sniffing, no leaking the
/// address of a page. Pages rendered by the app also carry a
/// Content-Security-Policy with the script nonce (set by the app's shell);
/// anything else gets one without inline scripts.
fn security_headers(res: &mut Response) {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"),
        );
    }
}

pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = &state.config;
    if is_static_path(req.uri().path(), &state.static_files) && matches!(*req.method(), Method::GET | Method::HEAD) {
        let mut res = next.run(req).await;
        security_headers(&mut res);
        // A file under its plain name keeps it across releases, so the
        // browser must ask whether it changed (a 304 when not): a stale
        // bundle against a newer server would fail to hydrate. The pages
        // load the bundle under hashed names, cached for good (assets.rs).
        if res.status().is_success() && !res.headers().contains_key(header::CACHE_CONTROL) {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        return res;
    }
    let is_api = req.uri().path().starts_with("/api/");
    let headers = req.headers();
    let session_cookie = cookie_value(headers, SESSION_COOKIE);
    let had_session_cookie = session_cookie.is_some();
    let session_token = session_cookie.filter(|t| is_token(t));
    let csrf_cookie = cookie_value(headers, CSRF_COOKIE).filter(|t| is_token(t));
    let secure = is_secure(&req, cfg.cookie_secure, cfg.trust_proxy);
    let wants_html = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));

    let session = match &session_token {
        Some(t) => match service::auth::resolve_session(&state.ctx.db, &state.ctx.auth, t, chrono::Utc::now()).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "Cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng thử lại sau.").into_response();
            }
        },
        None => None,
    };

    // Signed in: the token belongs to the session. Anonymous (the sign-in
    // form): a random token in a cookie, echoed by the form.
    let (csrf_token, issue_cookie) = match (&session, &csrf_cookie) {
        (Some(s), _) => (s.csrf_token.clone(), csrf_cookie.as_deref() != Some(s.csrf_token.as_str())),
        (None, Some(c)) => (c.clone(), false),
        (None, None) => (service::auth::random_token(), true),
    };

    let mut req = req;
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        let expected = match (&session, &csrf_cookie) {
            (Some(s), _) => Some(s.csrf_token.clone()),
            (None, Some(c)) => Some(c.clone()),
            (None, None) => None,
        };
        let from_header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let is_form = content_type.starts_with("application/x-www-form-urlencoded");
        let is_multipart = content_type.starts_with("multipart/form-data");
        // The token travels in a header or in the body, never in the URL
        // (URLs end up in logs, history and Referer headers).
        let provided = match from_header {
            Some(h) => Some(h),
            None if is_form || is_multipart => {
                let (parts, body) = req.into_parts();
                let bytes = match to_bytes(body, cfg.upload_max_bytes()).await {
                    Ok(b) => b,
                    Err(_) => {
                        let mut res = (StatusCode::PAYLOAD_TOO_LARGE, "Dữ liệu gửi lên vượt quá giới hạn cho phép.").into_response();
                        security_headers(&mut res);
                        return res;
                    }
                };
                let field = if is_form { form_field(&bytes, CSRF_FIELD) } else { multipart_field(bytes.clone(), &content_type, CSRF_FIELD).await };
                req = Request::from_parts(parts, Body::from(bytes));
                field
            }
            None => None,
        };
        // Pages carry the token masked (a new mask each time); a client that
        // read the cookie may send it bare.
        let ok = matches!((&expected, &provided), (Some(e), Some(p)) if same_token(e, p) || service::auth::unmask_token(p).is_some_and(|u| same_token(e, &u)));
        if !ok {
            tracing::warn!(path = %req.uri().path(), "refused a state-changing request without a valid CSRF token");
            let mut res = csrf_refused(wants_html);
            security_headers(&mut res);
            return res;
        }
    }

    let auth = RequestAuth {
        session_token: session.as_ref().and(session_token.clone()),
        session,
        csrf_token: service::auth::mask_token(&csrf_token),
        client_addr: client_addr(&req, cfg.trust_proxy),
        user_agent: req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").chars().take(300).collect(),
        secure,
    };
    let signed_in = auth.session.is_some();
    req.extensions_mut().insert(auth);
    let mut res = next.run(req).await;

    security_headers(&mut res);
    // What a signed-in user saw must not come back from the browser's cache
    // after they sign out (a shared commune computer); nor may any answer of
    // a server function.
    if (signed_in || is_api) && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A handler that signed in or out has set its own cookies; leave those alone.
    let handler_set_cookies = res.headers().contains_key(header::SET_COOKIE);
    if !handler_set_cookies {
        let ttl = state.ctx.auth.session_ttl.num_seconds();
        if issue_cookie && let Ok(v) = HeaderValue::from_str(&cookie(CSRF_COOKIE, &csrf_token, ttl, secure)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        if had_session_cookie
            && !signed_in
            && let Ok(v) = HeaderValue::from_str(&cookie(SESSION_COOKIE, "", 0, secure))
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_and_form_fields() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; baocao_csrf=abc; b=2"));
        assert_eq!(cookie_value(&h, "baocao_csrf").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&h, "missing"), None);
        assert_eq!(form_field(b"username=x&csrf=tok%20en", "csrf").as_deref(), Some("tok en"));
        assert_eq!(form_field(b"username=x", "csrf"), None);
    }

    #[test]
    fn the_client_is_the_hop_the_proxy_appended() {
        let req = |xff: &[&str]| {
            let mut b = Request::builder().uri("/");
            for v in xff {
                b = b.header("x-forwarded-for", *v);
            }
            let mut r = b.body(Body::empty()).unwrap();
            r.extensions_mut().insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 9))));
            r
        };
        assert_eq!(client_addr(&req(&["1.2.3.4, 203.0.113.7"]), true), "203.0.113.7");
        assert_eq!(client_addr(&req(&["1.2.3.4", "203.0.113.8"]), true), "203.0.113.8");
        assert_eq!(client_addr(&req(&["203.0.113.7, not-an-ip"]), true), "10.0.0.1");
        assert_eq!(client_addr(&req(&["1.2.3.4"]), false), "10.0.0.1");
        assert_eq!(client_addr(&req(&[]), true), "10.0.0.1");
    }

    #[tokio::test]
    async fn finds_the_token_in_a_multipart_body() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\nPK\r\n--XyZ--\r\n";
        let got = multipart_field(axum::body::Bytes::from(body), "multipart/form-data; boundary=XyZ", "csrf").await;
        assert_eq!(got.as_deref(), Some("abc"));
        assert_eq!(multipart_field(axum::body::Bytes::from("junk"), "multipart/form-data; boundary=XyZ", "csrf").await, None);
    }

    #[test]
    fn tokens_compare_exactly() {
        let t = "a".repeat(64);
        assert!(is_token(&t));
        assert!(!is_token("xyz"));
        assert!(same_token(&t, &t));
        assert!(!same_token(&t, &"b".repeat(64)));
        assert!(!same_token(&t, "a"));
    }
}
