//! `/bao-cao/{id}/in`: a report as a whole HTML document in the layout of
//! Decree 30/2020/NĐ-CP (A4, Times New Roman, the Quốc hiệu and Tiêu ngữ,
//! "Số: …/BC-…", place and date, the title, the figures table, "Nơi nhận:"
//! and the signature block), to print or save as PDF from the browser.
//! The layout itself comes from `domain::decree30`; this writes it out.

use crate::files::{HOME, actor, failure_back, page_back};
use crate::state::AppState;
use app::ssr::RequestAuth;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::decree30::{Printable, RowKind};
use domain::text::escape_html as esc;
use std::fmt::Write as _;

const STYLE: &str = r#"
@page { size: A4; margin: 20mm 15mm 20mm 30mm; @top-center { content: counter(page); font-family: "Times New Roman", Times, serif; font-size: 13pt; } }
@page :first { @top-center { content: none; } }
* { box-sizing: border-box; }
html { background: #e8e8e8; }
body { margin: 0; font-family: "Times New Roman", Times, "Liberation Serif", "Nimbus Roman", serif; font-size: 14pt; line-height: 1.3; color: #000; }
.sheet { background: #fff; width: 210mm; max-width: 100%; margin: 0 auto 24px; padding: 20mm 15mm 20mm 30mm; box-shadow: 0 1px 4px rgba(0,0,0,.25); }
.toolbar { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; justify-content: space-between; max-width: 210mm; margin: 0 auto; padding: 12px 8px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px; }
.toolbar a { color: #0b4f9c; }
.toolbar button { font: inherit; padding: 8px 20px; min-height: 44px; border: 0; border-radius: 6px; background: #0b4f9c; color: #fff; cursor: pointer; }
.toolbar .hint { flex-basis: 100%; margin: 0; color: #444; font-size: 14px; }
.heading { display: flex; justify-content: space-between; gap: 4mm; text-align: center; }
.issuer { flex: 0 0 40%; font-size: 13pt; }
.nation { flex: 0 0 58%; }
.issuer p, .nation p { margin: 0; }
.superior { text-transform: uppercase; }
.unit-name { font-weight: bold; text-transform: uppercase; }
.rule { display: block; width: 35%; margin: 1mm auto 3mm; border: 0; border-top: 1px solid #000; }
.nation .title { font-weight: bold; font-size: 13pt; white-space: nowrap; }
.nation .motto { font-weight: bold; font-size: 14pt; display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1px; margin-bottom: 3mm; }
.number { font-size: 13pt; }
.number .blank { display: inline-block; min-width: 14mm; }
.date { font-style: italic; }
.draft { display: inline-block; margin: 4mm 0 0; padding: 1mm 3mm; border: 1px solid #000; font-weight: bold; font-size: 12pt; }
.doc-title { text-align: center; margin: 8mm 0 4mm; }
.doc-title h1 { margin: 0; font-size: 14pt; font-weight: bold; }
.doc-title p { margin: 0; font-weight: bold; }
.doc-title .period { font-weight: normal; font-style: italic; }
.doc-title .rule { width: 25%; margin-top: 2mm; }
.form-number { text-align: right; font-style: italic; font-size: 12pt; margin: 0 0 2mm; }
.table-wrap { overflow-x: auto; }
table.figures { width: 100%; border-collapse: collapse; font-size: 12pt; }
table.figures.wide { font-size: 11pt; }
table.figures col.c-stt { width: 9mm; }
table.figures col.c-label { width: 34%; }
table.figures col.c-unit { width: 17mm; }
table.figures th, table.figures td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top; }
table.figures th { font-weight: bold; text-align: center; vertical-align: middle; }
table.figures tr.numbering th { font-weight: normal; font-style: italic; font-size: 10pt; }
table.figures td.stt, table.figures td.unit { text-align: center; }
table.figures td.num { text-align: right; white-space: nowrap; }
table.figures tr.section td { font-weight: bold; }
table.figures tr.part td.label { font-style: italic; padding-left: 6mm; }
table.figures tr { break-inside: avoid; page-break-inside: avoid; }
table.figures thead { display: table-header-group; }
.narrative { margin-top: 6mm; text-align: justify; }
.narrative h2 { font-size: 14pt; margin: 4mm 0 1mm; break-after: avoid; page-break-after: avoid; }
.narrative p { margin: 0 0 2mm; text-indent: 10mm; white-space: pre-wrap; }
.closing { display: flex; justify-content: space-between; gap: 6mm; margin-top: 8mm; break-inside: avoid; page-break-inside: avoid; }
.recipients { flex: 0 0 45%; font-size: 11pt; }
.recipients p { margin: 0; }
.recipients .head { font-size: 12pt; font-weight: bold; font-style: italic; }
.signature { flex: 0 0 50%; text-align: center; }
.signature p { margin: 0; }
.signature .title { font-weight: bold; text-transform: uppercase; }
.signature .how { font-style: italic; font-size: 13pt; }
.signature .space { height: 28mm; }
@media screen and (max-width: 600px) {
  .sheet { padding: 16px 12px; box-shadow: none; margin-bottom: 0; }
  body { font-size: 13pt; }
  .heading, .closing { flex-direction: column; gap: 12px; }
  .issuer, .nation, .recipients, .signature { flex-basis: auto; }
  .nation .title { white-space: normal; }
  .signature .space { height: 16mm; }
  table.figures { min-width: 40em; }
  table.figures td.label { min-width: 9em; }
}
@media print {
  html, body { background: #fff; }
  .toolbar { display: none !important; }
  .sheet { width: auto; max-width: none; margin: 0; padding: 0; box-shadow: none; }
  .table-wrap { overflow: visible; }
  a { color: #000; text-decoration: none; }
}
"#;

/// The whole document. `nonce` lets its own style and script run under the
/// Content-Security-Policy the response sends.
pub fn document(p: &Printable, nonce: &str) -> String {
    let i = &p.issuer;
    let mut h = String::with_capacity(16 * 1024);
    let title = format!("Bản in — {} — {}", p.subject, p.period_label);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"><style nonce=\"{nonce}\">{STYLE}</style></head><body>",
        esc(&title)
    );
    // On screen only: the way back and the print button (shown once the script runs).
    let _ = write!(
        h,
        "<nav class=\"toolbar\" aria-label=\"Công cụ\"><a href=\"/bao-cao/{id}\">← Quay lại báo cáo</a>\
         <button type=\"button\" id=\"in\" hidden>In</button>\
         <p class=\"hint\">Chọn khổ giấy A4, hướng dọc; để lưu thành tệp PDF, chọn máy in \"Lưu dưới dạng PDF\".</p></nav>",
        id = p.report_id
    );
    h.push_str("<main class=\"sheet\">");

    // The heading: the issuing body and the number (left), the Quốc hiệu, Tiêu ngữ, place and date (right).
    h.push_str("<header class=\"heading\"><div class=\"issuer\">");
    if let Some(s) = &i.superior {
        let _ = write!(h, "<p class=\"superior\">{}</p>", esc(s));
    }
    let number = p.number.as_deref().map_or_else(|| "<span class=\"blank\"></span>".to_string(), esc);
    let _ =
        write!(h, "<p class=\"unit-name\">{}</p><hr class=\"rule\"><p class=\"number\">Số: {number}/BC-{}</p>", esc(&i.unit), esc(&i.abbreviation));
    if p.is_draft() {
        let _ = write!(h, "<p class=\"draft\" title=\"{}\">DỰ THẢO</p>", esc(&format!("Báo cáo chưa gửi (trạng thái: {})", p.status.label())));
    }
    let _ = write!(
        h,
        "</div><div class=\"nation\"><p class=\"title\">{}</p><p><span class=\"motto\">{}</span></p><p class=\"date\">{}</p></div></header>",
        domain::decree30::NATIONAL_TITLE,
        domain::decree30::MOTTO,
        esc(&p.place_date)
    );

    // The title and subject.
    let _ = write!(
        h,
        "<section class=\"doc-title\"><h1>BÁO CÁO</h1><p>{}</p><p class=\"period\">Kỳ báo cáo: {}</p><hr class=\"rule\"></section>",
        esc(&p.subject),
        esc(&p.period_label)
    );

    // The figures table, as the report form lays it out.
    if !p.form_number.trim().is_empty() {
        let _ = write!(h, "<p class=\"form-number\">{}</p>", esc(p.form_number.trim()));
    }
    let ncols = 3 + p.columns.len() + usize::from(p.has_comments);
    let wide = p.columns.len() + usize::from(p.has_comments) > 3;
    let _ = write!(
        h,
        "<div class=\"table-wrap\"><table class=\"figures{}\"><colgroup><col class=\"c-stt\"><col class=\"c-label\"><col class=\"c-unit\">{}</colgroup>\
         <thead><tr><th>STT</th><th>Chỉ tiêu</th><th>ĐVT</th>",
        if wide { " wide" } else { "" },
        "<col>".repeat(ncols - 3)
    );
    for c in &p.columns {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    if p.has_comments {
        h.push_str("<th>Ghi chú</th>");
    }
    h.push_str("</tr><tr class=\"numbering\"><th>(A)</th><th>(B)</th><th>(C)</th>");
    for n in 1..=(ncols - 3) {
        let _ = write!(h, "<th>({n})</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for r in &p.rows {
        match r.kind {
            RowKind::Section => {
                let _ = write!(
                    h,
                    "<tr class=\"section\"><td class=\"stt\">{}</td><td colspan=\"{}\">{}</td></tr>",
                    esc(&r.stt),
                    ncols - 1,
                    esc(&r.label)
                );
            }
            RowKind::Indicator | RowKind::Part => {
                let class = if r.kind == RowKind::Part { "part" } else { "indicator" };
                let _ = write!(
                    h,
                    "<tr class=\"{class}\"><td class=\"stt\">{}</td><td class=\"label\">{}</td><td class=\"unit\">{}</td>",
                    esc(&r.stt),
                    esc(&r.label),
                    esc(&r.unit)
                );
                for c in &r.cells {
                    let _ = write!(h, "<td{}>{}</td>", if r.numeric { " class=\"num\"" } else { "" }, esc(c));
                }
                if p.has_comments {
                    let _ = write!(h, "<td>{}</td>", esc(&r.comment));
                }
                h.push_str("</tr>");
            }
        }
    }
    h.push_str("</tbody></table></div>");

    // The narrative, when the unit wrote one.
    if !p.narrative.is_empty() {
        h.push_str("<section class=\"narrative\">");
        for (title, text) in &p.narrative {
            let _ = write!(h, "<h2>{}</h2>", esc(title));
            for para in text.split("\n\n").map(str::trim).filter(|t| !t.is_empty()) {
                let _ = write!(h, "<p>{}</p>", esc(para));
            }
        }
        h.push_str("</section>");
    }

    // Recipients (left) and the signature (right).
    h.push_str("<footer class=\"closing\"><div class=\"recipients\"><p class=\"head\">Nơi nhận:</p>");
    if !p.receiving_unit.trim().is_empty() {
        let _ = write!(h, "<p>- {} (để tổng hợp);</p>", esc(p.receiving_unit.trim()));
    }
    h.push_str("<p>- UBND tỉnh (để báo cáo);</p>");
    h.push_str("<p>- Lưu: VT.</p></div><div class=\"signature\">");
    if let Some(o) = &i.on_behalf {
        let _ = write!(h, "<p class=\"title\">{}</p>", esc(o));
    }
    let _ = write!(
        h,
        "<p class=\"title\">{}</p><p class=\"how\">(Ký, ghi rõ họ tên, đóng dấu)</p><div class=\"space\"></div></div></footer>",
        esc(&i.signer)
    );
    h.push_str("</main>");
    let _ = write!(
        h,
        "<script nonce=\"{nonce}\">(function(){{var b=document.getElementById('in');if(b&&window.print){{b.hidden=false;b.addEventListener('click',function(){{window.print();}});}}}})();</script></body></html>"
    );
    h
}

/// `/bao-cao/{id}/in`: whoever reads the report elsewhere may print it.
pub async fn print_report(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>, Path(raw): Path<String>) -> Response {
    let actor = match actor(&auth) {
        Ok(a) => a,
        Err(r) => return r,
    };
    // A report id is a positive number of at most 10 digits; anything else names no report.
    let Some(id) = raw.trim().parse::<i32>().ok().filter(|id| *id > 0) else {
        return page_back(StatusCode::NOT_FOUND, "Không tìm thấy báo cáo.", HOME);
    };
    let printable = match service::reports::print::printable(&state.ctx.db, &actor, id, chrono::Utc::now()).await {
        Ok(p) => p,
        Err(e) => return failure_back(e, HOME),
    };
    let nonce = service::auth::random_token();
    let mut res = (StatusCode::OK, document(&printable, &nonce)).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}
