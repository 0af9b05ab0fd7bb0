//! File downloads and uploads that are not server functions: catalogue
//! exports and imports. The session layer has already resolved the caller
//! and checked the CSRF token (carried in the query string for uploads).

use crate::state::AppState;
use app::ssr::RequestAuth;
use axum::Extension;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Actor;
use service::ServiceError;

/// A page for the rare error a plain form or link meets here.
fn page(status: StatusCode, message: &str) -> Response {
    page_back(status, message, ("/danh-muc/nhap-xuat", "Quay lại Nhập/xuất"))
}

/// The same, with the way back the page came from.
pub(crate) fn page_back(status: StatusCode, message: &str, back: (&str, &str)) -> Response {
    let escape = domain::text::escape_html;
    let body = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{0}</title></head>\
         <body><h1>{0}</h1><p>{1}</p><p><a href=\"{2}\">{3}</a></p></body></html>",
        status.canonical_reason().unwrap_or("Lỗi"),
        escape(message),
        escape(back.0),
        escape(back.1)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A service error as a page, through the one mapping server functions use
/// too (status and words come from `AppError`, internals go to the log).
fn failure(e: ServiceError) -> Response {
    failure_back(e, ("/danh-muc/nhap-xuat", "Quay lại Nhập/xuất"))
}

pub(crate) fn failure_back(e: ServiceError, back: (&str, &str)) -> Response {
    let err = app::ssr::to_app_error(e);
    if err == app::error::AppError::Unauthenticated {
        return Redirect::to("/dang-nhap").into_response();
    }
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match &err {
        app::error::AppError::Validation(f) => f.to_string(),
        other => other.to_string(),
    };
    page_back(status, &message, back)
}

pub(crate) fn actor(auth: &RequestAuth) -> Result<Actor, Response> {
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
        Ok(bytes) => attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &format!("chi-tieu-{}.xlsx", stamp())),
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

// --- Excel forms of reports (see service::excel) -------------------------------------------------

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub(crate) const HOME: (&str, &str) = ("/", "Về trang chủ");

/// The query string, repeated keys kept in order (`id=1&id=2`).
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
}

fn ids_of(pairs: &[(String, String)], key: &str) -> Vec<i32> {
    pairs.iter().filter(|(k, _)| k == key).filter_map(|(_, v)| v.trim().parse().ok()).collect()
}

fn value_of<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn workbook(result: service::Result<service::excel::download::Download>, back: (&str, &str)) -> Response {
    match result {
        Ok(d) => attachment(d.bytes, XLSX, &d.file_name),
        Err(e) => failure_back(e, back),
    }
}

/// `/tai-xuong/bao-cao.xlsx?id=…[&id=…]`: started reports as the biểu mẫu, a sheet each.
pub async fn download_reports(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, RawQuery(q): RawQuery) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let ids = ids_of(&query_pairs(q.as_deref()), "id");
    let back = match ids.first() {
        Some(id) => format!("/bao-cao/{id}"),
        None => "/".to_string(),
    };
    workbook(service::excel::download::reports(&state.ctx.db, &actor, &ids, chrono::Utc::now()).await, (&back, "Quay lại báo cáo"))
}

/// `/tai-xuong/bieu-mau.xlsx?che_do=…&ky=…[&don_vi=…]`: a unit's form for a
/// period, empty when the report is not started (a unit can start offline).
pub async fn download_form(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, RawQuery(q): RawQuery) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let pairs = query_pairs(q.as_deref());
    let (Some(regime), Some(period)) = (ids_of(&pairs, "che_do").first().copied(), value_of(&pairs, "ky")) else {
        return page_back(StatusCode::UNPROCESSABLE_ENTITY, "Thiếu chế độ báo cáo hoặc kỳ báo cáo của biểu mẫu cần tải.", HOME);
    };
    let unit = ids_of(&pairs, "don_vi").first().copied();
    workbook(service::excel::download::form(&state.ctx.db, &actor, regime, period, unit, chrono::Utc::now()).await, HOME)
}

/// `/tai-xuong/bieu-mau-don-vi.xlsx?che_do=…&ky=…`: one workbook, a sheet per unit the caller reads.
pub async fn download_units(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, RawQuery(q): RawQuery) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let pairs = query_pairs(q.as_deref());
    let (Some(regime), Some(period)) = (ids_of(&pairs, "che_do").first().copied(), value_of(&pairs, "ky")) else {
        return page_back(StatusCode::UNPROCESSABLE_ENTITY, "Thiếu chế độ báo cáo hoặc kỳ báo cáo của biểu mẫu cần tải.", HOME);
    };
    workbook(service::excel::download::units(&state.ctx.db, &actor, regime, period, chrono::Utc::now()).await, HOME)
}

/// How long the upload waits for a small file's check before showing the
/// page (which shows progress for a large one and refreshes itself).
const UPLOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// `/tai-len/bao-cao`: an Excel file of filled forms (multipart: `csrf`,
/// then `bao_cao` when uploaded on a report, then `file`). Who asks is
/// checked before the file is read; the file is checked in the background
/// and the clerk lands on its preview.
pub async fn upload_reports(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, mut multipart: Multipart) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let db = &state.ctx.db;
    if let Err(e) = service::excel::import::authorize(db, &actor, None).await {
        return failure_back(e, HOME);
    }
    let mut target: Option<i32> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return page_back(StatusCode::UNPROCESSABLE_ENTITY, "Vui lòng chọn tệp Excel để tải lên.", ("/nhap-excel", "Quay lại")),
            Err(_) => return page_back(StatusCode::PAYLOAD_TOO_LARGE, &too_large(&state), ("/nhap-excel", "Quay lại")),
        };
        match field.name() {
            Some("bao_cao") => {
                target = field.text().await.ok().and_then(|t| t.trim().parse().ok());
                // Onto a report: its unit is checked before the file is read.
                if let Err(e) = service::excel::import::authorize(db, &actor, target).await {
                    return failure_back(e, HOME);
                }
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("tep.xlsx").to_string();
                let back = match target {
                    Some(id) => (format!("/bao-cao/{id}"), "Quay lại báo cáo"),
                    None => ("/nhap-excel".to_string(), "Quay lại"),
                };
                let bytes = match field.bytes().await {
                    Ok(b) if b.is_empty() => {
                        return page_back(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "Tệp tải lên đang trống. Hãy chọn tệp biểu mẫu đã nhập số liệu.",
                            (&back.0, back.1),
                        );
                    }
                    Ok(b) => b.to_vec(),
                    Err(_) => return page_back(StatusCode::PAYLOAD_TOO_LARGE, &too_large(&state), (&back.0, back.1)),
                };
                let limits = service::excel::Limits { max_file_bytes: state.config.upload_max_bytes(), ..service::excel::Limits::default() };
                return match service::excel::import::upload(db, &actor, &name, bytes, target, limits, chrono::Utc::now()).await {
                    Ok((id, done)) => {
                        let _ = tokio::time::timeout(UPLOAD_WAIT, done).await;
                        Redirect::to(&format!("/nhap-excel/{id}")).into_response()
                    }
                    Err(e) => failure_back(e, (&back.0, back.1)),
                };
            }
            _ => continue,
        }
    }
}

fn too_large(state: &AppState) -> String {
    format!(
        "Không nhận được tệp: tệp vượt giới hạn {} MB hoặc việc tải lên bị gián đoạn. Hãy xóa các trang tính không dùng hoặc chia thành nhiều tệp rồi tải lên lại.",
        state.config.upload_max_mb
    )
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

const PIVOT: (&str, &str) = ("/tong-hop/bang", "Quay lại bảng tổng hợp");

async fn export_pivot(state: AppState, auth: RequestAuth, raw: Option<String>, csv: bool) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let req = match app::api::aggregate::pivot_request(&pivot_query(query_pairs(raw.as_deref()))) {
        Ok(r) => r,
        Err(e) => return page_back(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string(), PIVOT),
    };
    let today = domain::datefmt::vn_today(chrono::Utc::now());
    let p = match service::aggregate::views::pivot(&state.ctx.db, &actor, req, today).await {
        Ok(p) => p,
        Err(e) => return failure_back(e, PIVOT),
    };
    let name = format!("tong-hop-{}-{}", p.year, p.frequency);
    let out = if csv { service::aggregate::views::pivot_csv(&p) } else { service::aggregate::views::pivot_xlsx(&p) };
    match out {
        Ok(bytes) if csv => attachment(bytes, "text/csv; charset=utf-8", &format!("{name}.csv")),
        Ok(bytes) => attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &format!("{name}.xlsx")),
        Err(e) => failure_back(e, PIVOT),
    }
}

/// The pivot table as a workbook.
pub async fn export_pivot_xlsx(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, RawQuery(q): RawQuery) -> Response {
    export_pivot(state, auth, q, false).await
}

/// The pivot table as CSV (UTF-8, numbers with a dot).
pub async fn export_pivot_csv(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, RawQuery(q): RawQuery) -> Response {
    export_pivot(state, auth, q, true).await
}

#[derive(serde::Deserialize, Default)]
pub struct Dhis2Query {
    period: Option<String>,
    regime: Option<String>,
    unit: Option<String>,
}

async fn export_dhis2(state: AppState, auth: RequestAuth, q: Dhis2Query, csv: bool) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let p: String = q.period.as_deref().unwrap_or("").chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(20).collect();
    let f = service::feeds::dhis2::ExportFilter { period: q.period, regime: q.regime, unit: q.unit };
    let back = ("/tinh-hinh-bao-cao", "Quay lại tình hình báo cáo");
    match service::feeds::dhis2::export_for(&state.ctx.db, &actor, f).await {
        Ok(v) if csv => attachment(domain::dhis2::write_csv(&v).into_bytes(), "text/csv; charset=utf-8", &format!("dhis2-{p}.csv")),
        Ok(v) => attachment(domain::dhis2::write_json(&v).into_bytes(), "application/json; charset=utf-8", &format!("dhis2-{p}.json")),
        Err(e) => failure_back(e, back),
    }
}

/// Delivered figures of a period as a DHIS2 data value set (JSON), for the
/// provincial office, leaders and the administrator.
pub async fn export_dhis2_json(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    axum::extract::Query(q): axum::extract::Query<Dhis2Query>,
) -> Response {
    export_dhis2(state, auth, q, false).await
}

/// The same in DHIS2's CSV.
pub async fn export_dhis2_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    axum::extract::Query(q): axum::extract::Query<Dhis2Query>,
) -> Response {
    export_dhis2(state, auth, q, true).await
}
