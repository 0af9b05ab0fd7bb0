//! Per-request middleware: resolves the session cookie, issues the CSRF
//! token, and refuses state-changing requests that do not carry it.

use crate::config::CookieSecure;
use crate::state::AppState;
use app::ssr::{cookie, RequestAuth, CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
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

fn client_addr(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            return first.to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn is_secure(req: &Request, mode: CookieSecure, trust_proxy: bool) -> bool {
    match mode {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => {
            req.uri().scheme_str() == Some("https")
                || (trust_proxy
                    && req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https"))
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

pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = &state.config;
    let headers = req.headers();
    let session_cookie = cookie_value(headers, SESSION_COOKIE);
    let had_session_cookie = session_cookie.is_some();
    let session_token = session_cookie.filter(|t| is_token(t));
    let csrf_cookie = cookie_value(headers, CSRF_COOKIE).filter(|t| is_token(t));
    let secure = is_secure(&req, cfg.cookie_secure, cfg.trust_proxy);
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));

    let session = match &session_token {
        Some(t) => match service::auth::resolve_session(&state.ctx.db, &state.ctx.auth, t, chrono::Utc::now()).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "Cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng thử lại sau.")
                    .into_response();
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
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        // Multipart uploads carry the token in the query string: their bodies
        // are streamed to the handler, not read here.
        let from_query = req.uri().query().and_then(|q| form_field(q.as_bytes(), CSRF_FIELD));
        let provided = match from_header.or(from_query) {
            Some(h) => Some(h),
            None if is_form => {
                let (parts, body) = req.into_parts();
                let bytes = match to_bytes(body, cfg.upload_max_bytes()).await {
                    Ok(b) => b,
                    Err(_) => {
                        return (StatusCode::PAYLOAD_TOO_LARGE, "Dữ liệu gửi lên vượt quá giới hạn cho phép.").into_response()
                    }
                };
                let field = form_field(&bytes, CSRF_FIELD);
                req = Request::from_parts(parts, Body::from(bytes));
                field
            }
            None => None,
        };
        let ok = matches!((&expected, &provided), (Some(e), Some(p)) if same_token(e, p));
        if !ok {
            tracing::warn!(path = %req.uri().path(), "refused a state-changing request without a valid CSRF token");
            return csrf_refused(wants_html);
        }
    }

    let auth = RequestAuth {
        session_token: session.as_ref().and(session_token.clone()),
        session,
        csrf_token: csrf_token.clone(),
        client_addr: client_addr(&req, cfg.trust_proxy),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect(),
        secure,
    };
    let signed_in = auth.session.is_some();
    req.extensions_mut().insert(auth);
    let mut res = next.run(req).await;

    // A handler that signed in or out has set its own cookies; leave those alone.
    let handler_set_cookies = res.headers().contains_key(header::SET_COOKIE);
    if !handler_set_cookies {
        let ttl = state.ctx.auth.session_ttl.num_seconds();
        if issue_cookie {
            if let Ok(v) = HeaderValue::from_str(&cookie(CSRF_COOKIE, &csrf_token, ttl, secure)) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        if had_session_cookie && !signed_in {
            if let Ok(v) = HeaderValue::from_str(&cookie(SESSION_COOKIE, "", 0, secure)) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
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
    fn tokens_compare_exactly() {
        let t = "a".repeat(64);
        assert!(is_token(&t));
        assert!(!is_token("xyz"));
        assert!(same_token(&t, &t));
        assert!(!same_token(&t, &"b".repeat(64)));
        assert!(!same_token(&t, "a"));
    }
}
