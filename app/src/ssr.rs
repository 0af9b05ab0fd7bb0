//! The contract between the axum layer (crate `server`) and the server
//! functions: what the middleware puts in each request, what the app state
//! holds, and how service errors become responses.

use crate::error::AppError;
use axum::http::request::Parts;
use domain::Actor;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use service::auth::{ActiveSession, AuthSettings};
use service::{Db, ServiceError};

/// Shared by every request; provided as Leptos context to pages and server functions.
#[derive(Clone)]
pub struct ServerContext {
    pub db: Db,
    pub auth: AuthSettings,
    pub demo: bool,
    /// Reminder e-mails are configured (SMTP): pages say when they are off.
    pub email_on: bool,
    /// Which webhook receivers may be subscribed.
    pub webhook_receivers: service::feeds::webhooks::Receivers,
    /// Where the pages load the bundle from.
    pub assets: AssetUrls,
}

/// The bundle's addresses, under names that change with their content
/// (the server hashes them at start-up); the plain names until then, or
/// when the site has no bundle (tests of the server alone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetUrls {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl Default for AssetUrls {
    fn default() -> Self {
        AssetUrls { js: "/pkg/baocao.js".into(), wasm: "/pkg/baocao.wasm".into(), css: "/pkg/baocao.css".into() }
    }
}

/// Put in the request's extensions by the session middleware.
#[derive(Clone, Debug)]
pub struct RequestAuth {
    pub session: Option<ActiveSession>,
    /// The cookie secret of the session, to end it at sign-out.
    pub session_token: Option<String>,
    /// The CSRF token forms of this page must carry, masked afresh for
    /// each page (so pages may be compressed).
    pub csrf_token: String,
    pub client_addr: String,
    pub user_agent: String,
    /// Whether cookies should be marked `Secure` (the request came over TLS).
    pub secure: bool,
}

pub const SESSION_COOKIE: &str = "baocao_session";
pub const CSRF_COOKIE: &str = "baocao_csrf";
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A `Set-Cookie` value; `max_age` of 0 deletes the cookie.
pub fn cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}");
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub fn server_context() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("ServerContext missing from Leptos context");
        AppError::Internal
    })
}

pub fn request_auth() -> Result<RequestAuth, AppError> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<RequestAuth>().cloned()).ok_or_else(|| {
        tracing::error!("RequestAuth missing: is the session middleware installed?");
        AppError::Internal
    })
}

/// The signed-in actor, refused if their password must be changed first.
pub fn require_actor() -> Result<(Actor, RequestAuth), AppError> {
    let (actor, auth) = require_actor_even_pending()?;
    if auth.session.as_ref().is_some_and(|s| s.view.must_change_password) {
        return Err(fail(AppError::Forbidden("Bạn cần đổi mật khẩu trước khi tiếp tục làm việc.".into())));
    }
    Ok((actor, auth))
}

/// The signed-in actor, even one who still has to change a temporary password.
pub fn require_actor_even_pending() -> Result<(Actor, RequestAuth), AppError> {
    let auth = request_auth()?;
    match &auth.session {
        Some(s) => Ok((s.actor(), auth)),
        None => Err(fail(AppError::Unauthenticated)),
    }
}

/// A browser form submitted without JavaScript (it wants HTML back).
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|p| {
        p.method == axum::http::Method::POST
            && p.headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}

/// After a plain form post, send the browser on to `path`. Scripted calls get
/// the path back as their result and navigate themselves.
pub fn redirect_form_post(path: &str) {
    if is_plain_form_post() {
        redirect(path);
    }
}

/// `leptos_axum::redirect`, which panics on a path that is not a valid
/// header value; such a path (it can only come from a request) goes home.
pub fn redirect(path: &str) {
    if axum::http::HeaderValue::from_str(path).is_ok() {
        leptos_axum::redirect(path);
    } else {
        tracing::warn!("refused to redirect to a path that is not a valid header value");
        leptos_axum::redirect("/");
    }
}

/// Sets the HTTP status for an error, when the caller is a script (a plain
/// form post is answered with a redirect that must keep its 302).
pub fn fail(err: AppError) -> AppError {
    if !is_plain_form_post()
        && let (Some(opts), Ok(code)) = (use_context::<ResponseOptions>(), axum::http::StatusCode::from_u16(err.status()))
    {
        opts.set_status(code);
    }
    err
}

/// Maps a service error to what the user sees, logging what they must not,
/// and sets the response status.
pub fn service_err(e: ServiceError) -> AppError {
    fail(to_app_error(e))
}

/// The same mapping without touching the response (for an error reported
/// inside a successful answer).
pub fn to_app_error(e: ServiceError) -> AppError {
    match e {
        ServiceError::Unauthenticated => AppError::Unauthenticated,
        ServiceError::Forbidden(m) => AppError::Forbidden(m),
        ServiceError::NotFound(m) => AppError::NotFound(m),
        ServiceError::Validation(f) => AppError::Validation(f),
        ServiceError::Conflict(m) => AppError::Conflict(m),
        ServiceError::TooManyRequests(m) => AppError::TooManyRequests(m),
        ServiceError::Duplicate(detail) => {
            tracing::info!(%detail, "duplicate key not mapped to a field");
            AppError::Conflict("Dữ liệu này vừa được tạo bởi một thao tác khác. Vui lòng tải lại trang rồi kiểm tra.".into())
        }
        ServiceError::Internal(detail) => {
            tracing::error!(%detail, "internal error in a server function");
            AppError::Internal
        }
    }
}

pub fn set_cookie(value: String) {
    if let (Some(opts), Ok(v)) = (use_context::<ResponseOptions>(), axum::http::HeaderValue::from_str(&value)) {
        opts.append_header(axum::http::header::SET_COOKIE, v);
    }
}

/// The page's Content-Security-Policy: scripts only from this site or
/// carrying this response's nonce (the hydration script does), wasm
/// allowed to compile, nothing framed, nothing posted elsewhere.
pub fn content_security_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else { return };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    );
    if let (Some(opts), Ok(v)) = (use_context::<ResponseOptions>(), axum::http::HeaderValue::from_str(&policy)) {
        opts.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
    }
}
