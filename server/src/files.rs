//! File downloads and uploads that are not server functions: catalogue
//! exports and imports. The session layer has already resolved the caller
//! and checked the CSRF token (carried in the query string for uploads).

use crate::state::AppState;
use app::ssr::RequestAuth;
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use domain::Actor;
use service::ServiceError;

/// A page for the rare error a plain form or link meets here.
fn page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{0}</title></head>\
         <body><h1>{0}</h1><p>{message}</p><p><a href=\"/danh-muc/nhap-xuat\">Quay lại Nhập/xuất</a></p></body></html>",
        status.canonical_reason().unwrap_or("Lỗi")
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A service error as a page, through the one mapping server functions use
/// too (status and words come from `AppError`, internals go to the log).
fn failure(e: ServiceError) -> Response {
    let err = app::ssr::to_app_error(e);
    if err == app::error::AppError::Unauthenticated {
        return Redirect::to("/dang-nhap").into_response();
    }
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match &err {
        app::error::AppError::Validation(f) => f.to_string(),
        other => other.to_string(),
    };
    page(status, &message)
}

fn actor(auth: &RequestAuth) -> Result<Actor, Response> {
    match &auth.session {
        Some(s) if !s.view.must_change_password => Ok(s.actor()),
        Some(_) => Err(Redirect::to("/doi-mat-khau").into_response()),
        None => Err(Redirect::to("/dang-nhap").into_response()),
    }
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn stamp() -> String {
    domain::datefmt::vn_today(chrono::Utc::now()).format("%Y%m%d").to_string()
}

pub async fn export_catalogue(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match service::catalogue::transfer::export_json(&state.ctx.db, &actor).await {
        Ok(json) => attachment(json.into_bytes(), "application/json; charset=utf-8", &format!("danh-muc-baocao-{}.json", stamp())),
        Err(e) => failure(e),
    }
}

pub async fn export_indicators(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match service::catalogue::xlsx::export(&state.ctx.db, &actor).await {
        Ok(bytes) => attachment(
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("chi-tieu-{}.xlsx", stamp()),
        ),
        Err(e) => failure(e),
    }
}

/// The uploaded file: its name and bytes.
async fn read_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), Response> {
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("tep").to_string();
            return match field.bytes().await {
                Ok(b) if b.is_empty() => Err(page(StatusCode::UNPROCESSABLE_ENTITY, "Tệp tải lên đang trống.")),
                Ok(b) => Ok((name, b.to_vec())),
                Err(_) => Err(page(StatusCode::PAYLOAD_TOO_LARGE, "Không đọc được tệp tải lên (có thể tệp quá lớn).")),
            };
        }
    }
    Err(page(StatusCode::UNPROCESSABLE_ENTITY, "Vui lòng chọn một tệp để tải lên."))
}

/// Which import an upload feeds.
#[derive(Clone, Copy)]
enum Upload {
    Catalogue,
    Indicators,
}

async fn import(state: AppState, auth: RequestAuth, multipart: Multipart, kind: Upload) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    // Checked before the body is read, so a clerk's upload is not even stored.
    if let Err(e) = service::users::require_admin(&actor) {
        return failure(e);
    }
    let (name, bytes) = match read_file(multipart).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let db = &state.ctx.db;
    let job = match kind {
        Upload::Catalogue => service::catalogue::imports::import_catalogue(db, &actor, &name, &bytes).await,
        Upload::Indicators => service::catalogue::imports::import_indicators(db, &actor, &name, &bytes).await,
    };
    match job {
        Ok(id) => Redirect::to(&format!("/danh-muc/nhap-xuat/{id}")).into_response(),
        Err(e) => failure(e),
    }
}

pub async fn import_catalogue(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, multipart: Multipart) -> Response {
    import(state, auth, multipart, Upload::Catalogue).await
}

pub async fn import_indicators(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, multipart: Multipart) -> Response {
    import(state, auth, multipart, Upload::Indicators).await
}

/// The completion board as a workbook, for the month and filters in the query string.
pub async fn export_board(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    axum::extract::Query(q): axum::extract::Query<app::api::board::BoardQuery>,
) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let now = chrono::Utc::now();
    let filter = match q.filter(domain::datefmt::vn_today(now)) {
        Ok(f) => f,
        Err(e) => return page(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    let name = format!("tinh-hinh-bao-cao-{}-{:02}.xlsx", filter.year, filter.month);
    match service::board::workbook::export(&state.ctx.db, &actor, filter, now).await {
        Ok(bytes) => attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &name),
        Err(e) => failure(e),
    }
}

/// The pivot's query from the URL: `ct` may be repeated (a multiple select
/// posted as a plain form) or comma-separated.
fn pivot_query(pairs: Vec<(String, String)>) -> app::api::aggregate::PivotQuery {
    let mut q = app::api::aggregate::PivotQuery::default();
    let mut ct: Vec<String> = vec![];
    for (k, v) in pairs {
        match k.as_str() {
            "nam" => q.nam = Some(v),
            "tan_suat" => q.tan_suat = Some(v),
            "nut" => q.nut = Some(v),
            "tinh" => q.tinh = Some(v),
            "ct" => ct.push(v),
            _ => {}
        }
    }
    q.ct = (!ct.is_empty()).then(|| ct.join(","));
    q
}

async fn export_pivot(state: AppState, auth: RequestAuth, pairs: Vec<(String, String)>, csv: bool) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let req = match app::api::aggregate::pivot_request(&pivot_query(pairs)) {
        Ok(r) => r,
        Err(e) => return page(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    let today = domain::datefmt::vn_today(chrono::Utc::now());
    let p = match service::aggregate::views::pivot(&state.ctx.db, &actor, req, today).await {
        Ok(p) => p,
        Err(e) => return failure(e),
    };
    let name = format!("tong-hop-{}-{}", p.year, p.frequency);
    let out = if csv { service::aggregate::views::pivot_csv(&p) } else { service::aggregate::views::pivot_xlsx(&p) };
    match out {
        Ok(bytes) if csv => attachment(bytes, "text/csv; charset=utf-8", &format!("{name}.csv")),
        Ok(bytes) => attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &format!("{name}.xlsx")),
        Err(e) => failure(e),
    }
}

/// The pivot table as a workbook.
pub async fn export_pivot_xlsx(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    axum::extract::Query(pairs): axum::extract::Query<Vec<(String, String)>>,
) -> Response {
    export_pivot(state, auth, pairs, false).await
}

/// The pivot table as CSV (UTF-8, numbers with a dot).
pub async fn export_pivot_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    axum::extract::Query(pairs): axum::extract::Query<Vec<(String, String)>>,
) -> Response {
    export_pivot(state, auth, pairs, true).await
}
