//! `/api/v1`: JSON for machine clients (the IOC, the open-data portal,
//! sector software). Bearer tokens only: no cookies, no CSRF (this router
//! sits outside the session layer). One error shape:
//! `{ "error": { "code": "stable_code", "message": "Vietnamese text" } }`
//! (validation errors add `"fields": [{ "field", "message" }]`). Lists
//! carry an ETag and answer 304 to a matching If-None-Match.

use crate::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::feed::Bucket;
use serde::{Deserialize, Serialize};
use service::ServiceError;
use service::feeds::{self, ApiClient};
use std::collections::HashMap;
use std::sync::Mutex;

/// Per-token rate limits, in this server's memory.
pub struct Limits {
    buckets: Mutex<HashMap<i32, Bucket>>,
    burst: f64,
    per_second: f64,
    started: std::time::Instant,
}

impl Limits {
    pub fn new(burst: u32, per_second: u32) -> Limits {
        Limits {
            buckets: Mutex::new(HashMap::new()),
            burst: burst.max(1) as f64,
            per_second: per_second.max(1) as f64,
            started: std::time::Instant::now(),
        }
    }

    fn take(&self, token_id: i32) -> Result<(), u64> {
        let now = self.started.elapsed().as_millis() as i64;
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(token_id).or_insert_with(|| Bucket::full(self.burst, now)).take(self.burst, self.per_second, now)
    }
}

/// The one error shape.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable: `unauthenticated`, `forbidden`, `report_not_delivered`, `not_found`, `conflict`, `validation`, `rate_limited`, `bad_json`, `bad_csv`, `bad_body`, `bad_query`, `too_large`, `internal`.
    pub code: String,
    /// Vietnamese text for people.
    pub message: String,
    /// Validation only: each field with its message (the first 100).
    pub fields: Option<Vec<FieldOut>>,
    /// Validation only: how many fields were wrong in all.
    pub fields_total: Option<usize>,
}

/// The most field errors one answer lists.
pub const MAX_FIELD_ERRORS: usize = 100;

/// The largest request body `/api/v1` reads (256 KiB).
pub const BODY_LIMIT: usize = 256 * 1024;

/// The largest DHIS2 data value set an import reads (4 MiB: about 20 000
/// values, `domain::dhis2::MAX_VALUES`).
pub const DHIS2_BODY_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldOut {
    pub field: String,
    pub message: String,
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("Khóa API do quản trị viên cấp (bcapi_…)")).build(),
            ),
        );
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "API báo cáo Sơn La", version = "1", description = "Dữ liệu cho máy khách: danh mục, báo cáo, số liệu, nhật ký thay đổi."),
    paths(units, indicators, regimes, periods, reports, report_values, send_values, changes, aggregates, completeness, digital_share, dhis2_export_json, dhis2_export_csv, dhis2_import, qcvn125),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The OpenAPI 3 document, generated from the handlers above.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

async fn openapi_json() -> Response {
    json_response(StatusCode::OK, &openapi_document())
}

/// `/api`: the endpoints in Vietnamese, from the same document.
async fn api_page() -> Response {
    let doc = openapi_document();
    let esc = domain::text::escape_html;
    let mut rows = String::new();
    for (path, item) in doc.paths.paths.iter() {
        let ops = [("GET", &item.get), ("POST", &item.post)];
        for (method, op) in ops {
            if let Some(op) = op {
                rows.push_str(&format!(
                    "<tr><td><code>{method}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    esc(path),
                    esc(op.summary.as_deref().unwrap_or("")),
                    esc(op.description.as_deref().unwrap_or(""))
                ));
            }
        }
    }
    let body = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>API báo cáo Sơn La</title></head><body>\
         <h1>API cho máy khách (/api/v1)</h1>\
         <p>Xác thực bằng khóa API do quản trị viên cấp: tiêu đề <code>Authorization: Bearer bcapi_…</code>. Khóa chỉ đọc, hoặc được gửi số liệu cho các đơn vị đã nêu. Giới hạn tần suất theo từng khóa (lỗi 429 kèm Retry-After).</p>\
         <p>Mọi lỗi có cùng dạng: <code>{{\"error\": {{\"code\": \"mã ổn định\", \"message\": \"lời giải thích tiếng Việt\"}}}}</code>. Danh sách có ETag; gửi If-None-Match để nhận 304 khi không đổi. Báo cáo phân trang bằng <code>after</code>/<code>next</code>; nhật ký thay đổi theo con trỏ <code>/api/v1/changes?after=…</code>, không bỏ sót thay đổi nào.</p>\
         <p>DHIS2: xuất số liệu đã gửi (<code>GET /api/v1/dhis2/dataValueSets.json</code> hoặc <code>.csv?period=202507</code>) và nhập (<code>POST /api/v1/dhis2/dataValueSets?dryRun=true</code>) theo dạng dataValueSet của DHIS2, dùng mã làm định danh: dataElement = mã chỉ tiêu, orgUnit = mã đơn vị, categoryOptionCombo = mã phần chia (bỏ trống là tổng số), period = kỳ DHIS2 (202507, 2025Q3, 2025S1, 2025). Số viết với dấu chấm thập phân. Kết quả nhập theo dạng importSummary: imported, updated, deleted, ignored và từng xung đột kèm lý do.</p>\
         <p>QCVN 125:2021/BTTTT: 13 loại gói tin trao đổi với Hệ thống thông tin báo cáo Chính phủ (<code>GET /api/v1/qcvn125/{{loại}}</code>, ví dụ <code>che-do-bao-cao</code>, <code>so-lieu?report=…</code>, <code>ky-bao-cao?year=2025</code>, <code>so-lieu-chi-tieu?period=2025-07</code>), mỗi gói tin trong một phong bì có phiên bản. Tên trường hiện là tạm thời, cho đến khi đối chiếu với văn bản quy chuẩn; bảng đối chiếu từng trường ở docs/QCVN125.md.</p>\
         <p>Tài liệu OpenAPI 3: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>\
         <table><thead><tr><th>Phương thức</th><th>Địa chỉ</th><th>Nội dung</th><th>Ghi chú</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
    );
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    res
}

pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    json_response(status, &body)
}

fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut res = (status, bytes).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    res.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

/// A service error in the API's shape; internals go to the log only.
pub fn failure(e: ServiceError) -> Response {
    match e {
        ServiceError::Unauthenticated => {
            error(StatusCode::UNAUTHORIZED, "unauthenticated", "Thiếu khóa API hoặc khóa không hợp lệ, đã bị thu hồi (Authorization: Bearer …).")
        }
        ServiceError::Forbidden(m) => error(StatusCode::FORBIDDEN, "forbidden", &m),
        ServiceError::NotFound(m) => error(StatusCode::NOT_FOUND, "not_found", &m),
        ServiceError::Conflict(m) => error(StatusCode::CONFLICT, "conflict", &m),
        ServiceError::Duplicate(_) => error(StatusCode::CONFLICT, "conflict", "Dữ liệu trùng với bản ghi đã có."),
        ServiceError::TooManyRequests(m) => error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &m),
        ServiceError::Validation(f) => {
            let total = f.0.len();
            let fields: Vec<_> = f.0.iter().take(MAX_FIELD_ERRORS).map(|e| serde_json::json!({ "field": e.field, "message": e.message })).collect();
            let message = if total > MAX_FIELD_ERRORS {
                format!("Có {total} ô không hợp lệ; danh sách dưới đây chỉ nêu {MAX_FIELD_ERRORS} ô đầu tiên.")
            } else {
                f.to_string()
            };
            let body = serde_json::json!({ "error": { "code": "validation", "message": message, "fields": fields, "fields_total": total } });
            json_response(StatusCode::UNPROCESSABLE_ENTITY, &body)
        }
        ServiceError::Internal(m) => {
            tracing::error!(error = %m, "api request failed");
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Hệ thống gặp sự cố; yêu cầu chưa được xử lý. Vui lòng thử lại sau.")
        }
    }
}

/// A JSON answer with an ETag (the hash of the body): 304 when the client has it.
fn with_etag<T: Serialize>(headers: &HeaderMap, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let tag = etag(&bytes);
    with_etag_of(headers, tag, bytes)
}

/// An ETag: the hash of the bytes that say whether an answer changed.
fn etag(tagged: &[u8]) -> String {
    format!("\"{}\"", &service::auth::token_hash_bytes(tagged)[..32])
}

/// A JSON answer with the given ETag (for an envelope, the hash of its
/// payload: its creation time and message id change on every answer).
fn with_etag_of(headers: &HeaderMap, tag: String, bytes: Vec<u8>) -> Response {
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*" || t.trim().trim_start_matches("W/") == tag));
    let mut res = if matches { StatusCode::NOT_MODIFIED.into_response() } else { (StatusCode::OK, bytes).into_response() };
    let h = res.headers_mut();
    if !matches {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    }
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

fn answer<T: Serialize>(headers: &HeaderMap, r: service::Result<T>) -> Response {
    match r {
        Ok(v) => with_etag(headers, &v),
        Err(e) => failure(e),
    }
}

/// A query string read in the API's error shape: a parameter of the wrong
/// type (`limit=abc`) is 400 `bad_query`, never axum's plain-text answer.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Response> {
        Query::<T>::from_request_parts(parts, state).await.map(|Query(q)| ApiQuery(q)).map_err(|_| {
            error(StatusCode::BAD_REQUEST, "bad_query", "Tham số truy vấn không hợp lệ: limit và year phải là số; xem /api/v1/openapi.json.")
        })
    }
}

/// Bearer authentication and the per-token rate limit.
async fn bearer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string());
    let Some(token) = token else {
        return failure(ServiceError::Unauthenticated);
    };
    let client = match feeds::tokens::authenticate(&state.ctx.db, &token, chrono::Utc::now()).await {
        Ok(c) => c,
        Err(e) => return failure(e),
    };
    if let Err(wait) = state.api_limits.take(client.token_id) {
        let mut res = error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &format!("Khóa API gửi quá nhiều yêu cầu; hãy thử lại sau {wait} giây."));
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return res;
    }
    req.extensions_mut().insert(client);
    next.run(req).await
}

#[utoipa::path(get, path = "/api/v1/units", tag = "Danh mục", summary = "Danh sách đơn vị", responses((status = 200, body = Vec<feeds::read::UnitOut>), (status = 304, description = "Không đổi (If-None-Match)"), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn units(State(s): State<AppState>, Extension(c): Extension<ApiClient>, h: HeaderMap) -> Response {
    answer(&h, feeds::read::units(&s.ctx.db, &c).await)
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "Danh mục", summary = "Danh mục chỉ tiêu", responses((status = 200, body = Vec<feeds::read::IndicatorOut>), (status = 304, description = "Không đổi (If-None-Match)"), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn indicators(State(s): State<AppState>, Extension(c): Extension<ApiClient>, h: HeaderMap) -> Response {
    answer(&h, feeds::read::indicators(&s.ctx.db, &c).await)
}

#[utoipa::path(get, path = "/api/v1/regimes", tag = "Danh mục", summary = "Chế độ báo cáo và các phiên bản (biểu mẫu, đề cương)", responses((status = 200, body = Vec<feeds::read::RegimeOut>), (status = 304, description = "Không đổi (If-None-Match)"), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn regimes(State(s): State<AppState>, Extension(c): Extension<ApiClient>, h: HeaderMap) -> Response {
    answer(&h, feeds::read::regimes(&s.ctx.db, &c).await)
}

#[utoipa::path(get, path = "/api/v1/periods", tag = "Danh mục", summary = "Các kỳ báo cáo đã có báo cáo", responses((status = 200, body = Vec<feeds::read::PeriodOut>), (status = 304, description = "Không đổi (If-None-Match)"), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn periods(State(s): State<AppState>, Extension(c): Extension<ApiClient>, h: HeaderMap) -> Response {
    answer(&h, feeds::read::periods(&s.ctx.db, &c).await)
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    regime: Option<String>,
    period: Option<String>,
    unit: Option<String>,
    status: Option<String>,
    after: Option<String>,
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "Báo cáo", summary = "Báo cáo (trạng thái, thời điểm), phân trang theo con trỏ", params(("regime" = Option<String>, Query, description = "Mã chế độ báo cáo"), ("period" = Option<String>, Query, description = "Khóa kỳ, ví dụ 2025-07"), ("unit" = Option<String>, Query, description = "Mã đơn vị"), ("status" = Option<String>, Query, description = "Mã trạng thái"), ("after" = Option<String>, Query, description = "Giá trị next của trang trước"), ("limit" = Option<u64>, Query, description = "Tối đa 1000")), responses((status = 200, body = feeds::read::ReportPage), (status = 304, description = "Không đổi (If-None-Match)"), (status = 400, description = "Tham số truy vấn sai kiểu (limit không phải số)", body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn reports(State(s): State<AppState>, Extension(c): Extension<ApiClient>, h: HeaderMap, ApiQuery(q): ApiQuery<ReportQuery>) -> Response {
    let f = feeds::read::ReportFilter { regime: q.regime, period: q.period, unit: q.unit, status: q.status, after: q.after, limit: q.limit };
    answer(&h, feeds::read::reports(&s.ctx.db, &c, f).await)
}

fn report_id(raw: &str) -> Result<i32, Response> {
    raw.parse::<i32>().map_err(|_| error(StatusCode::NOT_FOUND, "not_found", "Không tìm thấy báo cáo."))
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/values", tag = "Báo cáo", summary = "Số liệu của một báo cáo", description = "Chỉ báo cáo đã gửi hoặc đã tiếp nhận (delivered); báo cáo chưa gửi trả 403 report_not_delivered, trừ khóa được gửi số liệu cho đơn vị của báo cáo.", params(("id" = i32, Path, description = "Mã số báo cáo")), responses((status = 200, body = feeds::read::ReportValues), (status = 304, description = "Không đổi (If-None-Match)"), (status = 403, description = "Báo cáo chưa gửi (report_not_delivered)", body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn report_values(State(s): State<AppState>, Extension(c): Extension<ApiClient>, h: HeaderMap, Path(id): Path<String>) -> Response {
    match report_id(&id) {
        Ok(id) => match feeds::read::report_values(&s.ctx.db, &c, id).await {
            Ok(Err(nd)) => not_delivered(nd),
            Ok(Ok(v)) => with_etag(&h, &v),
            Err(e) => failure(e),
        },
        Err(r) => r,
    }
}

/// 403 `report_not_delivered`: a report still in the unit.
fn not_delivered(nd: feeds::read::NotDelivered) -> Response {
    error(
        StatusCode::FORBIDDEN,
        "report_not_delivered",
        &format!("Báo cáo đang ở trạng thái \"{}\", chưa gửi: số liệu chỉ đọc được khi báo cáo đã gửi hoặc đã tiếp nhận.", nd.status_label),
    )
}

#[derive(Serialize, utoipa::ToSchema)]
struct SavedOut {
    row_version: i32,
    changed: usize,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/values", tag = "Báo cáo", summary = "Gửi số liệu của báo cáo (khóa có quyền ghi cho đơn vị)", description = "Ô không nêu giữ nguyên; null xóa ô. Số viết với dấu chấm thập phân. Kiểm tra như biểu mẫu; ghi nhật ký với nguồn API.", params(("id" = i32, Path, description = "Mã số báo cáo")), request_body = feeds::write::ValuesIn, responses((status = 200, body = SavedOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, description = "Không có báo cáo này", body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, description = "Nội dung quá 256 KiB (too_large)", body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn send_values(State(s): State<AppState>, Extension(c): Extension<ApiClient>, Path(id): Path<String>, req: Request) -> Response {
    let id = match report_id(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    // The token's scope before anything of the body is read.
    if let Err(e) = feeds::write::check_may_write(&c) {
        return failure(e);
    }
    let body = match axum::body::to_bytes(req.into_body(), BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "Nội dung gửi lên quá lớn (tối đa 256 KiB); hãy gửi số liệu thành nhiều lần.");
        }
    };
    let input: feeds::write::ValuesIn = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_json",
                &format!(
                    "Nội dung gửi lên không đúng dạng JSON mong đợi ({{\"row_version\": số, \"values\": {{…}}}}): dòng {}, cột {}.",
                    e.line(),
                    e.column()
                ),
            );
        }
    };
    match feeds::write::send_values(&s.ctx.db, &c, id, input, chrono::Utc::now()).await {
        Ok(saved) => json_response(StatusCode::OK, &SavedOut { row_version: saved.row_version, changed: saved.changed }),
        Err(e) => failure(e),
    }
}

#[derive(Deserialize)]
pub struct ChangeQuery {
    after: Option<String>,
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/changes", tag = "Thay đổi", summary = "Nhật ký thay đổi (số liệu, trạng thái, danh mục) sau một con trỏ", description = "Lấy tiếp bằng giá trị next. Không bao giờ bỏ sót thay đổi ghi muộn: chỉ trả các thay đổi của giao dịch đã kết thúc.", params(("after" = Option<String>, Query, description = "Con trỏ; trống: từ đầu"), ("limit" = Option<u64>, Query, description = "Tối đa 1000")), responses((status = 200, body = feeds::changes::ChangePage), (status = 400, description = "Tham số truy vấn sai kiểu (limit không phải số)", body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn changes(State(s): State<AppState>, Extension(c): Extension<ApiClient>, ApiQuery(q): ApiQuery<ChangeQuery>) -> Response {
    match feeds::changes::pull(&s.ctx.db, &c, q.after.as_deref().unwrap_or(""), q.limit).await {
        Ok(p) => json_response(StatusCode::OK, &p),
        Err(e) => failure(e),
    }
}

#[derive(Deserialize)]
pub struct AggregateParams {
    period: Option<String>,
    year: Option<i32>,
    frequency: Option<String>,
    indicators: Option<String>,
    unit: Option<String>,
    counted: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/aggregates", tag = "Tổng hợp", summary = "Số liệu tổng hợp: chỉ tiêu × đơn vị, nhóm hoặc toàn tỉnh × kỳ", description = "Tính trực tiếp từ số liệu đã gửi (không chờ tổng hợp qua đêm). Nêu một kỳ (period) hoặc cả năm theo tần suất (year, frequency); frequency không đi cùng period. Mỗi dòng nêu số đơn vị đã báo cáo trên số đơn vị phải báo cáo; không có số thì value là null, không bao giờ là 0 (không đơn vị nào báo cáo — xem reported —, chỉ tiêu không cộng được giữa các đơn vị, hoặc tỷ lệ thiếu mẫu số). Số thập phân viết với dấu chấm, chính xác (không làm tròn qua số thực). Câu trả lời được gửi dần theo từng kỳ.", params(("period" = Option<String>, Query, description = "Khóa kỳ: 2025-07, 2025-Q3, 2025-S1, 2025-N9, 2025"), ("year" = Option<i32>, Query, description = "Năm: mọi kỳ của tần suất trong năm"), ("frequency" = Option<String>, Query, description = "thang (mặc định), quy, 6thang, 9thang, nam"), ("indicators" = Option<String>, Query, description = "Mã chỉ tiêu, cách nhau bằng dấu phẩy (mặc định: mọi chỉ tiêu đang dùng)"), ("unit" = Option<String>, Query, description = "Chỉ một đơn vị, nhóm hoặc toàn tỉnh (mã)"), ("counted" = Option<String>, Query, description = "da_gui (đã gửi hoặc đã tiếp nhận, mặc định) hoặc da_tiep_nhan")), responses((status = 200, description = "{ counted, periods, items: [AggregateRow] }", body = Vec<feeds::aggregates::AggregateRow>), (status = 400, description = "Tham số truy vấn sai kiểu", body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn aggregates(State(s): State<AppState>, Extension(c): Extension<ApiClient>, ApiQuery(q): ApiQuery<AggregateParams>) -> Response {
    let query = feeds::aggregates::AggregateQuery {
        period: q.period,
        year: q.year,
        frequency: q.frequency,
        indicators: q.indicators,
        unit: q.unit,
        counted: q.counted,
    };
    let pull = match feeds::aggregates::plan_aggregates(&s.ctx.db, &c, query).await {
        Ok(p) => std::sync::Arc::new(p),
        Err(e) => return failure(e),
    };
    let head = serde_json::json!({
        "counted": pull.counted.code(),
        "periods": pull.periods.iter().map(|p| p.key()).collect::<Vec<_>>(),
    });
    // `{"counted":…,"periods":[…],"items":[` then one chunk per period.
    let mut first = serde_json::to_vec(&head).unwrap_or_else(|_| b"{}".to_vec());
    first.pop();
    first.extend_from_slice(b",\"items\":[");
    let n = pull.periods.len();
    let chunks = futures_util::stream::unfold((0usize, false, Some(first)), move |(i, wrote, first)| {
        let pull = pull.clone();
        async move {
            if let Some(first) = first {
                return Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(first)), (i, wrote, None)));
            }
            if i > n {
                return None;
            }
            if i == n {
                return Some((Ok(axum::body::Bytes::from_static(b"]}")), (i + 1, wrote, None)));
            }
            // Rolling up a period is CPU work: off the request threads.
            let rows = tokio::task::spawn_blocking(move || pull.rows(i)).await;
            let rows = match rows {
                Ok(Ok(rows)) => rows,
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "aggregate feed failed mid-stream");
                    return Some((Err(std::io::Error::other("roll-up failed")), (n + 1, wrote, None)));
                }
                Err(e) => {
                    tracing::error!(error = %e, "aggregate feed task failed");
                    return Some((Err(std::io::Error::other("roll-up failed")), (n + 1, wrote, None)));
                }
            };
            let mut buf = Vec::with_capacity(rows.len() * 160);
            let mut wrote = wrote;
            for r in &rows {
                if wrote {
                    buf.push(b',');
                }
                if serde_json::to_writer(&mut buf, r).is_err() {
                    return Some((Err(std::io::Error::other("serialisation failed")), (n + 1, wrote, None)));
                }
                wrote = true;
            }
            Some((Ok(axum::body::Bytes::from(buf)), (i + 1, wrote, None)))
        }
    });
    let mut res = axum::body::Body::from_stream(chunks).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

#[derive(Deserialize)]
pub struct CompletenessParams {
    month: Option<String>,
    regime: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/completeness", tag = "Tổng hợp", summary = "Tình hình báo cáo của một tháng: phải gửi, đã gửi, đúng hạn, muộn, thiếu, đã tiếp nhận", description = "Mỗi chế độ báo cáo tính kỳ kết thúc trong tháng; theo đơn vị, theo chế độ và tổng cộng, kèm tỉ lệ báo cáo và tỉ lệ đúng hạn (%).", params(("month" = String, Query, description = "Tháng, ví dụ 2025-07"), ("regime" = Option<String>, Query, description = "Chỉ một chế độ báo cáo (mã)")), responses((status = 200, body = feeds::aggregates::Completeness), (status = 304, description = "Không đổi (If-None-Match)"), (status = 422, body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn completeness(
    State(s): State<AppState>,
    Extension(c): Extension<ApiClient>,
    h: HeaderMap,
    ApiQuery(q): ApiQuery<CompletenessParams>,
) -> Response {
    let month = q.month.unwrap_or_default();
    answer(&h, feeds::aggregates::completeness(&s.ctx.db, &c, &month, q.regime.as_deref(), chrono::Utc::now()).await)
}

#[derive(Deserialize)]
pub struct DigitalParams {
    period: Option<String>,
    counted: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/digital-share", tag = "Tổng hợp", summary = "Tỉ lệ chỉ tiêu thống kê được cung cấp dưới dạng số (mục tiêu 50 %)", params(("period" = String, Query, description = "Khóa kỳ, ví dụ 2025 hoặc 2025-Q3"), ("counted" = Option<String>, Query, description = "da_gui (mặc định) hoặc da_tiep_nhan")), responses((status = 200, body = feeds::aggregates::DigitalShare), (status = 304, description = "Không đổi (If-None-Match)"), (status = 422, body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn digital_share(
    State(s): State<AppState>,
    Extension(c): Extension<ApiClient>,
    h: HeaderMap,
    ApiQuery(q): ApiQuery<DigitalParams>,
) -> Response {
    let period = q.period.unwrap_or_default();
    answer(&h, feeds::aggregates::digital_share(&s.ctx.db, &c, &period, q.counted.as_deref()).await)
}

#[derive(Deserialize, Default)]
pub struct Dhis2ExportQuery {
    period: Option<String>,
    regime: Option<String>,
    unit: Option<String>,
}

fn dhis2_filter(q: Dhis2ExportQuery) -> feeds::dhis2::ExportFilter {
    feeds::dhis2::ExportFilter { period: q.period, regime: q.regime, unit: q.unit }
}

fn dhis2_file(body: String, content_type: &'static str, name: &str) -> Response {
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The file name of an export: `dataValueSets-202507.json`.
fn dhis2_name(period: Option<&str>, ext: &str) -> String {
    let p: String = period.unwrap_or("").chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(20).collect();
    format!("dataValueSets-{p}.{ext}")
}

#[utoipa::path(get, path = "/api/v1/dhis2/dataValueSets.json", tag = "DHIS2", summary = "Xuất số liệu đã gửi theo dạng dataValueSet JSON của DHIS2", description = "Chỉ báo cáo đã gửi hoặc đã tiếp nhận. Mã làm định danh: dataElement = mã chỉ tiêu, orgUnit = mã đơn vị, categoryOptionCombo = mã phần chia (bỏ trống: tổng số), period = kỳ DHIS2 (202507, 2025Q3, 2025S1, 2025). Giá trị luôn là chuỗi; số viết với dấu chấm thập phân.", params(("period" = String, Query, description = "Kỳ: 202507, 2025Q3, 2025S1, 2025 (hoặc khóa kỳ 2025-07)"), ("regime" = Option<String>, Query, description = "Mã chế độ báo cáo"), ("unit" = Option<String>, Query, description = "Mã đơn vị")), responses((status = 200, description = "{\"dataValues\": [{\"dataElement\", \"period\", \"orgUnit\", \"categoryOptionCombo\", \"value\", \"lastUpdated\", \"comment\"}]}", content_type = "application/json"), (status = 400, description = "Tham số truy vấn sai kiểu", body = ErrorBody), (status = 422, description = "Thiếu kỳ, kỳ không có trong DHIS2, mã không có", body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn dhis2_export_json(State(s): State<AppState>, Extension(c): Extension<ApiClient>, ApiQuery(q): ApiQuery<Dhis2ExportQuery>) -> Response {
    dhis2_export(&s, &c, q, false).await
}

#[utoipa::path(get, path = "/api/v1/dhis2/dataValueSets.csv", tag = "DHIS2", summary = "Xuất số liệu đã gửi theo dạng dataValueSet CSV của DHIS2", description = "Như bản JSON; các cột theo thứ tự của DHIS2: dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted (có dòng tiêu đề).", params(("period" = String, Query, description = "Kỳ: 202507, 2025Q3, 2025S1, 2025 (hoặc khóa kỳ 2025-07)"), ("regime" = Option<String>, Query, description = "Mã chế độ báo cáo"), ("unit" = Option<String>, Query, description = "Mã đơn vị")), responses((status = 200, description = "Tệp CSV UTF-8", content_type = "text/csv"), (status = 400, description = "Tham số truy vấn sai kiểu", body = ErrorBody), (status = 422, description = "Thiếu kỳ, kỳ không có trong DHIS2, mã không có", body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn dhis2_export_csv(State(s): State<AppState>, Extension(c): Extension<ApiClient>, ApiQuery(q): ApiQuery<Dhis2ExportQuery>) -> Response {
    dhis2_export(&s, &c, q, true).await
}

/// Both export formats: the same values, written as JSON or CSV.
async fn dhis2_export(s: &AppState, c: &ApiClient, q: Dhis2ExportQuery, csv: bool) -> Response {
    let name = dhis2_name(q.period.as_deref(), if csv { "csv" } else { "json" });
    match feeds::dhis2::export(&s.ctx.db, c, dhis2_filter(q)).await {
        Ok(v) if csv => dhis2_file(domain::dhis2::write_csv(&v), "text/csv; charset=utf-8", &name),
        Ok(v) => dhis2_file(domain::dhis2::write_json(&v), "application/json; charset=utf-8", &name),
        Err(e) => failure(e),
    }
}

#[derive(Deserialize, Default)]
pub struct Dhis2ImportQuery {
    #[serde(rename = "dryRun")]
    dry_run: Option<String>,
    format: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/dhis2/dataValueSets", tag = "DHIS2", summary = "Nhập số liệu từ dataValueSet JSON hoặc CSV của DHIS2 (khóa có quyền ghi)", description = "Mỗi giá trị vào báo cáo của (đơn vị, chế độ có phiên bản hiệu lực cho kỳ chứa chỉ tiêu, kỳ); chưa có báo cáo thì lập bản nháp nếu đơn vị thuộc đối tượng của chế độ. Chỉ các đơn vị của khóa. Kiểm tra và lưu như khi gửi số liệu qua API, ghi nhật ký với nguồn DHIS2; mỗi báo cáo một giao dịch. Báo cáo đã gửi, đã tiếp nhận hoặc kỳ đã khóa là xung đột. dryRun=true: đếm như thật, không ghi gì. Kết quả theo dạng importSummary của DHIS2; 409 khi có xung đột mà không giá trị nào được nhận. Giá trị rỗng hoặc null xóa ô.", params(("dryRun" = Option<bool>, Query, description = "true: chạy thử, không ghi"), ("format" = Option<String>, Query, description = "json (mặc định) hoặc csv; cũng nhận Content-Type text/csv")), request_body(content = String, description = "dataValueSet JSON hoặc CSV (tối đa 4 MiB, 20 000 giá trị)", content_type = "application/json"), responses((status = 200, body = feeds::dhis2::ImportSummary), (status = 400, description = "Nội dung không đọc được (bad_json, bad_csv, bad_body), nêu dòng", body = ErrorBody), (status = 403, description = "Khóa chỉ đọc", body = ErrorBody), (status = 409, description = "Có xung đột, không giá trị nào được nhận", body = feeds::dhis2::ImportSummary), (status = 413, description = "Nội dung quá 4 MiB (too_large)", body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn dhis2_import(
    State(s): State<AppState>,
    Extension(c): Extension<ApiClient>,
    ApiQuery(q): ApiQuery<Dhis2ImportQuery>,
    req: Request,
) -> Response {
    // The token's scope before anything of the body is read.
    if let Err(e) = feeds::write::check_may_write(&c) {
        return failure(e);
    }
    let dry_run = match q.dry_run.as_deref().map(str::trim) {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => return error(StatusCode::BAD_REQUEST, "bad_query", "Tham số dryRun phải là true hoặc false."),
    };
    let content_csv = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("csv"));
    let csv = match q.format.as_deref().map(str::trim) {
        None | Some("") => content_csv,
        Some("json") => false,
        Some("csv") => true,
        Some(_) => return error(StatusCode::BAD_REQUEST, "bad_query", "Tham số format phải là json hoặc csv."),
    };
    let body = match axum::body::to_bytes(req.into_body(), DHIS2_BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "Nội dung gửi lên quá lớn (tối đa 4 MiB); hãy chia thành nhiều lần nhập.");
        }
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return error(StatusCode::BAD_REQUEST, "bad_body", "Nội dung gửi lên không phải văn bản UTF-8.");
    };
    let parsed = if csv { domain::dhis2::parse_csv(text) } else { domain::dhis2::parse_json(text) };
    let values = match parsed {
        Ok(v) => v,
        Err(m) => return error(StatusCode::BAD_REQUEST, if csv { "bad_csv" } else { "bad_json" }, &m),
    };
    match feeds::dhis2::import(&s.ctx.db, &c, values, dry_run, chrono::Utc::now()).await {
        Ok(summary) => {
            let status = if summary.status == "ERROR" { StatusCode::CONFLICT } else { StatusCode::OK };
            json_response(status, &summary)
        }
        Err(e) => failure(e),
    }
}

#[derive(Deserialize, Default)]
pub struct QcvnParams {
    report: Option<String>,
    regime: Option<String>,
    period: Option<String>,
    unit: Option<String>,
    status: Option<String>,
    year: Option<i32>,
    indicators: Option<String>,
    counted: Option<String>,
    after: Option<String>,
    limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/qcvn125/{message}", tag = "QCVN 125", summary = "Gói tin theo QCVN 125:2021/BTTTT (chế độ báo cáo, biểu mẫu, đề cương, số liệu, trạng thái, danh mục, chỉ số KPI)", description = "Mỗi gói tin nằm trong một phong bì có phiên bản: tieuChuan, phienBanGoiTin, loaiGoiTin, tenGoiTin, maGoiTin, heThongGui, maDonViGui, heThongNhan, thoiGianTao (ISO-8601, +07:00), soLuong, trangTiep (gói tin phân trang), duLieu. Tên trường là tạm thời cho đến khi đối chiếu với văn bản quy chuẩn (xem docs/QCVN125.md). Các loại gói tin (message): che-do-bao-cao, bieu-mau, de-cuong (regime: mã chế độ, tùy chọn); so-lieu, gui-de-cuong (report: mã số báo cáo, bắt buộc; chỉ báo cáo đã gửi hoặc đã tiếp nhận, như /api/v1/reports/{id}/values); so-lieu-danh-sach (như /api/v1/reports: regime, period, unit, status, after, limit tối đa 100; chỉ báo cáo đọc được số liệu); trang-thai (như /api/v1/reports, limit tối đa 1000); ky-bao-cao (year bắt buộc, regime tùy chọn: kỳ, thời gian chốt số liệu, hạn gửi); chi-tieu, bo-chi-tieu, nhom-chi-tieu, phan-to (danh mục); so-lieu-chi-tieu (period bắt buộc, indicators, unit, counted như /api/v1/aggregates; after, limit tối đa 1000 dòng). Số viết với dấu chấm thập phân, chính xác. Loại gói tin không có: 404 kèm danh sách các loại.", params(("message" = String, Path, description = "Loại gói tin, ví dụ so-lieu"), ("report" = Option<String>, Query, description = "so-lieu, gui-de-cuong: mã số báo cáo"), ("regime" = Option<String>, Query, description = "Mã chế độ báo cáo"), ("period" = Option<String>, Query, description = "Khóa kỳ, ví dụ 2025-07"), ("unit" = Option<String>, Query, description = "Mã đơn vị"), ("status" = Option<String>, Query, description = "Mã trạng thái báo cáo"), ("year" = Option<i32>, Query, description = "ky-bao-cao: năm"), ("indicators" = Option<String>, Query, description = "so-lieu-chi-tieu: mã chỉ tiêu, cách nhau bằng dấu phẩy"), ("counted" = Option<String>, Query, description = "so-lieu-chi-tieu: da_gui (mặc định) hoặc da_tiep_nhan"), ("after" = Option<String>, Query, description = "Giá trị trangTiep của trang trước"), ("limit" = Option<u64>, Query, description = "Số mục mỗi trang")), responses((status = 200, description = "Phong bì QCVN 125 (JSON)", content_type = "application/json"), (status = 304, description = "Không đổi (If-None-Match; ETag tính trên dữ liệu, không trên thời điểm tạo)"), (status = 400, description = "Tham số truy vấn sai kiểu", body = ErrorBody), (status = 403, description = "Báo cáo chưa gửi (report_not_delivered)", body = ErrorBody), (status = 404, description = "Không có loại gói tin này (kèm danh sách) hoặc không có báo cáo", body = ErrorBody), (status = 422, description = "Thiếu hoặc sai tham số, nêu tên tham số", body = ErrorBody), (status = 401, description = "Thiếu khóa hoặc khóa không hợp lệ", body = ErrorBody), (status = 429, description = "Vượt giới hạn tần suất", body = ErrorBody)), security(("bearer" = [])))]
async fn qcvn125(
    State(s): State<AppState>,
    Extension(c): Extension<ApiClient>,
    h: HeaderMap,
    Path(message): Path<String>,
    ApiQuery(q): ApiQuery<QcvnParams>,
) -> Response {
    let Some(t) = domain::qcvn125::MessageType::from_code(&message) else {
        return error(StatusCode::NOT_FOUND, "not_found", &domain::qcvn125::unknown_message(&message));
    };
    let query = feeds::qcvn125::MessageQuery {
        report: q.report,
        regime: q.regime,
        period: q.period,
        unit: q.unit,
        status: q.status,
        year: q.year,
        indicators: q.indicators,
        counted: q.counted,
        after: q.after,
        limit: q.limit,
    };
    match feeds::qcvn125::message(&s.ctx.db, &c, t, query, chrono::Utc::now()).await {
        Ok(Ok(env)) => {
            let bytes = serde_json::to_vec(&env).unwrap_or_else(|_| b"{}".to_vec());
            let tagged = serde_json::to_vec(&(&env.message_type, &env.next, &env.payload)).unwrap_or_default();
            with_etag_of(&h, etag(&tagged), bytes)
        }
        Ok(Err(nd)) => not_delivered(nd),
        Err(e) => failure(e),
    }
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "Không có địa chỉ API này; xem /api/v1/openapi.json.")
}

/// The `/api/v1` routes; merged outside the session layer.
pub fn router(state: AppState) -> Router<AppState> {
    let authed = Router::new()
        .route("/api/v1/units", get(units))
        .route("/api/v1/indicators", get(indicators))
        .route("/api/v1/regimes", get(regimes))
        .route("/api/v1/periods", get(periods))
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/reports/{id}/values", get(report_values).post(send_values))
        .route("/api/v1/changes", get(changes))
        .route("/api/v1/aggregates", get(aggregates))
        .route("/api/v1/completeness", get(completeness))
        .route("/api/v1/digital-share", get(digital_share))
        .route("/api/v1/dhis2/dataValueSets.json", get(dhis2_export_json))
        .route("/api/v1/dhis2/dataValueSets.csv", get(dhis2_export_csv))
        .route("/api/v1/dhis2/dataValueSets", post(dhis2_import))
        .route("/api/v1/qcvn125/{message}", get(qcvn125))
        .route("/api/v1/{*rest}", get(not_found).post(not_found))
        .route_layer(axum::middleware::from_fn_with_state(state, bearer));
    Router::new().route("/api/v1/openapi.json", get(openapi_json)).route("/api", get(api_page)).merge(authed)
}
