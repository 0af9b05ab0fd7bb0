//! `/du-lieu-mo`: open data for anyone, no sign-in (see
//! `service::feeds::open_data` for what is published).
//!
//! These routes sit outside the session layer: no cookie is read or set, so
//! answers can be cached by browsers and proxies. Each file is built once
//! and kept in memory until a report's status or the catalogue changes
//! (what is published can change no other way) or 30 seconds pass,
//! whichever comes first; a request then costs two indexed queries. At most
//! two files are built at once, and an unknown code is answered before it
//! waits for one; a request that waits over 10 seconds for its turn gets a
//! 503 with Retry-After. ETag / If-None-Match answers 304.

use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::text::escape_html as esc;
use service::feeds::open_data::{self as od, Licence, Meta};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a built file is served without rebuilding, at most.
const FRESH_FOR: Duration = Duration::from_secs(30);
/// Files built at the same time, at most.
const BUILDERS: usize = 2;
/// How long a request waits for a builder.
const WAIT_FOR_BUILDER: Duration = Duration::from_secs(10);
/// Files kept in memory, at most (one per public indicator and format, the
/// catalogue twice and the page).
const MAX_CACHED: usize = 1024;

#[derive(Clone)]
struct Built {
    version: i64,
    at: Instant,
    body: axum::body::Bytes,
    content_type: &'static str,
    etag: String,
    last_modified: Option<DateTime<Utc>>,
    file_name: Option<String>,
}

/// The licence and the files built so far.
pub struct OpenData {
    licence: Licence,
    cache: Mutex<HashMap<String, Built>>,
    builders: tokio::sync::Semaphore,
}

impl OpenData {
    pub fn new(licence: &str, licence_url: &str) -> OpenData {
        OpenData {
            licence: Licence { name: licence.to_string(), url: licence_url.to_string() },
            cache: Mutex::new(HashMap::new()),
            builders: tokio::sync::Semaphore::new(BUILDERS),
        }
    }

    fn cached(&self, key: &str, version: i64) -> Option<Built> {
        let map = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).filter(|b| b.version == version && b.at.elapsed() < FRESH_FOR).cloned()
    }

    fn keep(&self, key: &str, built: &Built) {
        let mut map = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_CACHED && !map.contains_key(key) {
            map.retain(|_, b| b.at.elapsed() < FRESH_FOR);
            if map.len() >= MAX_CACHED {
                map.clear();
            }
        }
        map.insert(key.to_string(), built.clone());
    }
}

/// What a request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Wanted {
    Page,
    Catalogue(Format),
    Dataset(String, Format),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// `chi-tieu.json`, `HC01.csv`…; anything else is not found.
fn parse_file(name: &str) -> Option<Wanted> {
    let (stem, format) = if let Some(s) = name.strip_suffix(".json") {
        (s, Format::Json)
    } else if let Some(s) = name.strip_suffix(".csv") {
        (s, Format::Csv)
    } else {
        return None;
    };
    if stem == "chi-tieu" {
        return Some(Wanted::Catalogue(format));
    }
    od::plausible_code(stem).then(|| Wanted::Dataset(stem.to_string(), format))
}

fn key_of(w: &Wanted) -> String {
    match w {
        Wanted::Page => "page".into(),
        Wanted::Catalogue(f) => format!("chi-tieu.{f:?}"),
        Wanted::Dataset(code, f) => format!("{code}.{f:?}"),
    }
}

fn security(h: &mut HeaderMap) {
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"),
    );
}

/// The one answer for an unknown, unpublished or malformed address.
fn not_found() -> Response {
    let body = "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Không có dữ liệu</title></head>\
                <body><h1>404 — Không có dữ liệu mở này</h1><p>Xem danh sách dữ liệu mở tại <a href=\"/du-lieu-mo\">/du-lieu-mo</a>.</p></body></html>";
    let mut res = (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    security(res.headers_mut());
    res
}

fn unavailable() -> Response {
    let mut res = (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::RETRY_AFTER, "10")],
        "Hệ thống đang bận; vui lòng thử lại sau ít giây.",
    )
        .into_response();
    security(res.headers_mut());
    res
}

fn vn_datetime(at: DateTime<Utc>) -> String {
    domain::datefmt::format_datetime(at)
}

/// `/du-lieu-mo`: the list, readable on a phone (cards, no wide table).
fn page_html(metas: &[Meta], licence: &Licence) -> String {
    let licence_link = if licence.url.is_empty() {
        esc(&licence.name)
    } else {
        format!("<a href=\"{}\" rel=\"license noopener\">{}</a>", esc(&licence.url), esc(&licence.name))
    };
    let mut items = String::new();
    for m in metas {
        let opt = |label: &str, v: &str| if v.is_empty() { String::new() } else { format!("<dt>{label}</dt><dd>{}</dd>", esc(v)) };
        items.push_str(&format!(
            "<article class=\"card\" id=\"{code}\"><h2>{title} <code>{code}</code></h2>{desc}\
             <dl class=\"facts\"><dt>Đơn vị tính</dt><dd>{uom}</dd><dt>Kỳ số liệu</dt><dd>{periods}</dd>\
             <dt>Cách tổng hợp</dt><dd>{agg}</dd>{sector}{source}<dt>Đơn vị báo cáo</dt><dd>{n} đơn vị</dd>{national}\
             <dt>Cập nhật lần cuối</dt><dd>{updated}</dd></dl>\
             <p class=\"actions\"><a class=\"button\" href=\"{json}\">Tải JSON</a> <a class=\"button button-secondary\" href=\"{csv}\">Tải CSV</a></p></article>",
            code = esc(&m.code),
            title = esc(&m.title),
            desc = if m.description.is_empty() { String::new() } else { format!("<p>{}</p>", esc(&m.description)) },
            uom = if m.unit_of_measure.is_empty() { "—".into() } else { esc(&m.unit_of_measure) },
            periods = esc(&m.periods_text),
            agg = esc(&m.aggregation),
            sector = opt("Lĩnh vực", &m.sector),
            source = opt("Đơn vị chủ trì", m.source_unit.as_deref().unwrap_or("")),
            n = m.reporting_units,
            national = opt("Mã chỉ tiêu quốc gia", &m.national_code),
            updated = m.last_updated.map(vn_datetime).unwrap_or_else(|| "—".into()),
            json = esc(&m.json_url),
            csv = esc(&m.csv_url),
        ));
    }
    if metas.is_empty() {
        items.push_str("<p class=\"empty\">Chưa có chỉ tiêu nào được công bố.</p>");
    }
    format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Dữ liệu mở — UBND tỉnh Sơn La</title><link rel=\"stylesheet\" href=\"/pkg/baocao.css\">\
         <link rel=\"alternate\" type=\"application/json\" href=\"/du-lieu-mo/chi-tieu.json\"></head><body>\
         <a class=\"skip-link\" href=\"#noi-dung\">Bỏ qua, đến nội dung chính</a>\
         <header class=\"topbar\"><a class=\"brand\" href=\"/du-lieu-mo\"><span class=\"brand-mark\">BC</span>\
         <span class=\"brand-text\"><strong>Dữ liệu mở</strong><small>Ủy ban nhân dân tỉnh Sơn La</small></span></a></header>\
         <main class=\"content\" id=\"noi-dung\"><h1>Dữ liệu mở</h1>\
         <p>Các chỉ tiêu do {publisher} công bố, lấy từ báo cáo của các sở, ban, ngành và UBND các xã, phường <strong>đã được tiếp nhận</strong>. \
         Mọi người được dùng tự do, không cần đăng nhập, theo {licence_link}; khi dùng xin ghi nguồn “{publisher}”.</p>\
         <section class=\"card\"><h2>Cho phần mềm</h2><ul>\
         <li>Danh mục chỉ tiêu kèm siêu dữ liệu: <a href=\"/du-lieu-mo/chi-tieu.json\">chi-tieu.json</a> · <a href=\"/du-lieu-mo/chi-tieu.csv\">chi-tieu.csv</a>.</li>\
         <li>Số liệu một chỉ tiêu: <code>/du-lieu-mo/MÃ.json</code> hoặc <code>/du-lieu-mo/MÃ.csv</code> — số liệu của từng đơn vị theo từng kỳ, và số toàn tỉnh khi cách tổng hợp cho phép.</li>\
         <li>Tệp CSV: mã UTF-8 có BOM, phân cách bằng dấu phẩy, dòng đầu là tên cột tiếng Việt; số thập phân dùng <strong>dấu chấm</strong> (1234.5), không có dấu phân cách hàng nghìn; ngày theo ISO 8601 (2025-07-31), thời điểm theo giờ UTC.</li>\
         <li>Tệp JSON: số là chuỗi thập phân chính xác với dấu chấm (\"1234.5\"), ngày theo ISO 8601.</li>\
         <li>Có ETag: gửi If-None-Match để nhận 304 khi tệp không đổi (Last-Modified chỉ cho biết thời điểm tiếp nhận số liệu mới nhất).</li></ul></section>\
         <h2>Các chỉ tiêu công bố ({count})</h2>{items}</main>\
         <footer class=\"footer\"><p>© {publisher} · Hệ thống thông tin báo cáo · <a href=\"/dang-nhap\">Đăng nhập cho cán bộ</a></p></footer></body></html>",
        publisher = od::PUBLISHER,
        count = metas.len(),
    )
}

fn tag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", &service::auth::token_hash_bytes(bytes)[..32])
}

async fn build(state: &AppState, wanted: &Wanted, version: i64) -> Result<Option<Built>, service::ServiceError> {
    let db = &state.ctx.db;
    let licence = &state.open_data.licence;
    let (body, content_type, last_modified, file_name): (Vec<u8>, &'static str, Option<DateTime<Utc>>, Option<String>) = match wanted {
        Wanted::Page => {
            let metas = od::catalogue(db, licence).await?;
            let last = metas.iter().filter_map(|m| m.last_updated).max();
            (page_html(&metas, licence).into_bytes(), "text/html; charset=utf-8", last, None)
        }
        Wanted::Catalogue(f) => {
            let metas = od::catalogue(db, licence).await?;
            let last = metas.iter().filter_map(|m| m.last_updated).max();
            match f {
                Format::Json => {
                    let doc = serde_json::json!({
                        "publisher": od::PUBLISHER,
                        "licence": licence.name,
                        "licence_url": licence.url,
                        "last_updated": last,
                        "indicators": metas,
                    });
                    (serde_json::to_vec_pretty(&doc).unwrap_or_default(), "application/json; charset=utf-8", last, None)
                }
                Format::Csv => (od::catalogue_csv(&metas)?, "text/csv; charset=utf-8", last, Some("chi-tieu.csv".into())),
            }
        }
        Wanted::Dataset(code, f) => {
            let Some(d) = od::dataset(db, code, licence).await? else { return Ok(None) };
            let last = d.meta.last_updated;
            match f {
                Format::Json => (serde_json::to_vec_pretty(&d).unwrap_or_default(), "application/json; charset=utf-8", last, None),
                Format::Csv => (od::dataset_csv(&d)?, "text/csv; charset=utf-8", last, Some(format!("{}.csv", d.meta.code))),
            }
        }
    };
    let etag = tag_of(&body);
    Ok(Some(Built { version, at: Instant::now(), body: body.into(), content_type, etag, last_modified, file_name }))
}

fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// On the ETag only: Last-Modified (the newest accepted figure) does not move
/// when an indicator is withdrawn or its description edited, so a date
/// alone cannot say a file is unchanged.
fn not_modified(headers: &HeaderMap, b: &Built) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == b.etag))
}

fn respond(headers: &HeaderMap, b: &Built) -> Response {
    let mut res = if not_modified(headers, b) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (StatusCode::OK, b.body.clone()).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(b.content_type));
        if let Some(name) = &b.file_name
            && let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\""))
        {
            r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        r
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&b.etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(last) = b.last_modified
        && let Ok(v) = HeaderValue::from_str(&http_date(last))
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    if b.content_type != "text/html; charset=utf-8" {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    security(h);
    res
}

async fn serve(state: AppState, headers: HeaderMap, wanted: Wanted) -> Response {
    let od = &state.open_data;
    let key = key_of(&wanted);
    let version = match od::data_version(&state.ctx.db).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "open data: version check failed");
            return unavailable();
        }
    };
    if let Some(b) = od.cached(&key, version) {
        return respond(&headers, &b);
    }
    // An unknown or unpublished code is answered before it may queue for a
    // builder (a flood of made-up codes would keep real files waiting).
    if let Wanted::Dataset(code, _) = &wanted {
        match od::is_published(&state.ctx.db, code).await {
            Ok(true) => {}
            Ok(false) => return not_found(),
            Err(e) => {
                tracing::warn!(error = %e, "open data: code check failed");
                return unavailable();
            }
        }
    }
    let Ok(Ok(_permit)) = tokio::time::timeout(WAIT_FOR_BUILDER, od.builders.acquire()).await else {
        return unavailable();
    };
    // Another request may have built it meanwhile.
    if let Some(b) = od.cached(&key, version) {
        return respond(&headers, &b);
    }
    match build(&state, &wanted, version).await {
        Ok(Some(b)) => {
            od.keep(&key, &b);
            respond(&headers, &b)
        }
        Ok(None) => not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "open data: building {key} failed");
            unavailable()
        }
    }
}

/// `GET /du-lieu-mo`.
pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(state, headers, Wanted::Page).await
}

/// `GET /du-lieu-mo/{file}`: `chi-tieu.json|csv` or `MÃ.json|csv`.
pub async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let Ok(Path(name)) = path else { return not_found() };
    match parse_file(&name) {
        Some(w) => serve(state, headers, w).await,
        None => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(parse_file("chi-tieu.json"), Some(Wanted::Catalogue(Format::Json)));
        assert_eq!(parse_file("chi-tieu.csv"), Some(Wanted::Catalogue(Format::Csv)));
        assert_eq!(parse_file("HC01.csv"), Some(Wanted::Dataset("HC01".into(), Format::Csv)));
        for bad in ["HC01", "HC01.xml", ".json", "../HC01.json", "HC 01.json", "HC01.json.csv.json", "a\u{7}.csv"] {
            assert_eq!(parse_file(bad), None, "{bad:?}");
        }
        assert_eq!(parse_file(&format!("{}.json", "A".repeat(5000))), None);
    }

    #[test]
    fn the_page_escapes_what_administrators_typed() {
        let m = Meta {
            code: "HC01".into(),
            title: "<script>alert(1)</script>".into(),
            description: "a & b".into(),
            method: String::new(),
            unit_of_measure: "hồ sơ".into(),
            sector: String::new(),
            aggregation: "Tổng".into(),
            national_code: String::new(),
            source_unit: None,
            reporting_units: 3,
            publisher: od::PUBLISHER.into(),
            licence: "CC BY 4.0".into(),
            licence_url: String::new(),
            periods: vec![],
            periods_text: "Tháng 7/2031".into(),
            last_updated: None,
            json_url: "/du-lieu-mo/HC01.json".into(),
            csv_url: "/du-lieu-mo/HC01.csv".into(),
        };
        let html = page_html(&[m], &Licence { name: "Giấy phép <b>".into(), url: String::new() });
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;") && html.contains("a &amp; b") && html.contains("Giấy phép &lt;b&gt;"));
        assert!(html.contains("dấu chấm") && html.contains("UTF-8 có BOM") && html.contains("3 đơn vị"));
    }
}
