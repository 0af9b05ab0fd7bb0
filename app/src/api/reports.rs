//! Server functions of reports: the unit's overview, starting, viewing,
//! saving and sending, approving and reviewing.

use crate::error::AppError;
use domain::reporting::{DueReport, HistoryEntry, ReportData, Stash};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use crate::ssr::*;

/// The reports of a unit for open periods, overdue first. Without a unit:
/// the signed-in user's own unit.
#[server(prefix = "/api", endpoint = "bao-cao/cua-don-vi", input = server_fn::codec::GetUrl)]
pub async fn unit_reports(unit_id: Option<i32>) -> Result<Vec<DueReport>, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::reports::due_for_unit(&ctx.db, &actor, unit_id.unwrap_or(actor.unit_id), chrono::Utc::now()).await.map_err(service_err)
}

/// A unit's reports of every period and status (the caller's unit unless given).
#[server(prefix = "/api", endpoint = "bao-cao/luu-tru", input = server_fn::codec::GetUrl)]
pub async fn unit_archive(
    unit_id: Option<i32>,
    regime: Option<i32>,
    year: Option<i32>,
    page: Option<u64>,
) -> Result<domain::reporting::Archive, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::reports::archive(&ctx.db, &actor, unit_id.unwrap_or(actor.unit_id), regime, year, page.unwrap_or(1)).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "bao-cao/lap")]
pub async fn start_report(csrf: Option<String>, regime_id: i32, period: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let id = service::reports::start(&ctx.db, &actor, regime_id, &period, chrono::Utc::now()).await.map_err(service_err)?;
    let target = format!("/bao-cao/{id}");
    redirect_form_post(&target);
    Ok(target)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    pub data: ReportData,
    /// The newest entries of the report's history.
    pub history: Vec<HistoryEntry>,
    /// How many entries the history holds in all.
    pub history_total: u64,
    /// What a failed save without JavaScript submitted, shown again.
    pub stash: Option<Stash>,
    /// The office's notes on rows at the latest return, by cell key.
    pub review_notes: HashMap<String, String>,
}

#[server(prefix = "/api", endpoint = "bao-cao/xem", input = server_fn::codec::GetUrl)]
pub async fn get_report(id: i32, stash: Option<String>) -> Result<ReportPage, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let now = chrono::Utc::now();
    let (data, (history, history_total)) = service::reports::page(&ctx.db, &actor, id, now).await.map_err(service_err)?;
    let stash = match stash {
        Some(t) => service::reports::stash::get(&ctx.db, &actor, id, &t, now).await.map_err(service_err)?,
        None => None,
    };
    let review_notes = service::reports::review_notes::current(&ctx.db, &actor, id).await.map_err(service_err)?;
    Ok(ReportPage { data, history, history_total, stash, review_notes })
}

/// What a successful save answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveReply {
    pub row_version: i32,
    pub message: String,
    /// A page to load now (after sending), if any.
    pub go_to: Option<String>,
    /// The figures were saved but sending was refused: why.
    pub send_error: Option<AppError>,
    /// Figures copied from the previous period still to be confirmed.
    pub copied: Vec<String>,
}

#[cfg(feature = "ssr")]
fn to_map<T: std::str::FromStr + std::hash::Hash + Eq>(m: Option<HashMap<String, String>>) -> HashMap<T, String> {
    m.unwrap_or_default().into_iter().filter_map(|(k, v)| k.parse::<T>().ok().map(|k| (k, v))).collect()
}

/// Saves the form; with `intent = gui` also sends it. Without JavaScript a
/// failure keeps what was typed (stashed) and comes back to the form.
#[server(prefix = "/api", endpoint = "bao-cao/luu")]
#[allow(clippy::too_many_arguments)]
pub async fn save_report(
    csrf: Option<String>,
    id: i32,
    row_version: i32,
    intent: Option<String>,
    values: Option<HashMap<String, String>>,
    comments: Option<HashMap<String, String>>,
    narrative: Option<HashMap<String, String>>,
    explain: Option<HashMap<String, String>>,
) -> Result<SaveReply, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    use domain::reporting::Submission;
    let narrative: HashMap<usize, String> = to_map(narrative);
    let mut texts: Vec<(usize, String)> = narrative.into_iter().collect();
    texts.sort_by_key(|(i, _)| *i);
    let size = texts.last().map(|(i, _)| i + 1).unwrap_or(0).min(100);
    let mut narrative_vec = vec![String::new(); size];
    for (i, t) in texts.into_iter().filter(|(i, _)| *i < size) {
        narrative_vec[i] = t;
    }
    // "Giữ nguyên" on a row (`giu:KEY`) or "Xác nhận tất cả" (`xac_nhan`)
    // saves the form and confirms copied figures as they are.
    let confirm = intent.as_deref().map(domain::carry::Confirm::from_intent).unwrap_or_default();
    let confirming = confirm != domain::carry::Confirm::Nothing;
    let sub = Submission { values: to_map(values), comments: to_map(comments), narrative: narrative_vec, explanations: to_map(explain), confirm };
    let ctx = server_context()?;
    let now = chrono::Utc::now();
    let back = format!("/bao-cao/{id}");
    let actor = match require_actor() {
        Ok((a, _)) => a,
        Err(e) => {
            // Nothing is kept for someone who is not signed in: a stash must
            // belong to the clerk who may save the report.
            if is_plain_form_post() && e == AppError::Unauthenticated {
                redirect(&format!("/dang-nhap?tiep={}", crate::util::url_encode(&back)));
            }
            return Err(e);
        }
    };
    // Keeps the input of a plain form post that failed, and comes back to the form.
    let keep = |err: AppError, sub: Submission| {
        let ctx = ctx.clone();
        let back = back.clone();
        async move {
            if is_plain_form_post() {
                let messages = match &err {
                    AppError::Validation(f) => f.0.iter().map(|e| e.message.clone()).collect(),
                    other => vec![other.to_string()],
                };
                let stash = domain::reporting::Stash { submission: sub, messages };
                match service::reports::stash::put(&ctx.db, &actor, id, &stash, now).await {
                    Ok(Some(token)) => redirect(&format!("{back}?nhap-lai={token}")),
                    Ok(None) => redirect(&back),
                    Err(_) => {}
                }
            }
            err
        }
    };
    let time = domain::datefmt::format_datetime(now);
    if intent.as_deref() == Some("gui") {
        let done = match service::reports::save_and_send(&ctx.db, &actor, id, row_version, sub.clone(), service::reports::Source::Form, now).await {
            Ok(d) => d,
            Err(e) => return Err(keep(service_err(e), sub).await),
        };
        return match done.sent {
            Ok(status) => {
                let target = format!("/bao-cao/{id}?da-gui={}", status.code());
                redirect_form_post(&target);
                Ok(SaveReply {
                    row_version: done.saved.row_version + 1,
                    message: format!("Đã gửi lúc {time}."),
                    go_to: Some(target),
                    send_error: None,
                    copied: vec![],
                })
            }
            // The draft is saved; a plain form comes back with its input and
            // the reasons, the script learns its new version and the reasons.
            Err(e) if is_plain_form_post() => Err(keep(service_err(e), sub).await),
            Err(e) => Ok(SaveReply {
                row_version: done.saved.row_version,
                message: format!("Đã lưu nháp lúc {time}, nhưng báo cáo chưa được gửi."),
                go_to: None,
                send_error: Some(to_app_error(e)),
                copied: done.saved.copied,
            }),
        };
    }
    let saved = match service::reports::save(&ctx.db, &actor, id, row_version, sub.clone(), service::reports::Source::Form, now).await {
        Ok(s) => s,
        Err(e) => return Err(keep(service_err(e), sub).await),
    };
    redirect_form_post(&format!("/bao-cao/{id}?{}", if confirming { "da-xac-nhan=1" } else { "da-luu=1" }));
    let mut message = if confirming {
        format!("Đã xác nhận số liệu chép từ kỳ trước và lưu nháp lúc {time}.")
    } else {
        format!("Đã lưu nháp lúc {time}.")
    };
    if saved.unreadable > 0 {
        message.push_str(&format!(" {} ô chưa đọc được số liệu được giữ nguyên như bạn nhập; hãy sửa trước khi gửi.", saved.unreadable));
    }
    Ok(SaveReply { row_version: saved.row_version, message, go_to: None, send_error: None, copied: saved.copied })
}

/// Starts a report with no figures from the previous period's accepted
/// figures, each marked until the clerk confirms or changes it. Whoever may
/// save the report may copy (the service checks that before reading
/// anything else of the report).
#[server(prefix = "/api", endpoint = "bao-cao/chep-ky-truoc")]
pub async fn copy_previous(csrf: Option<String>, id: i32, row_version: i32) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let done = service::reports::copy_previous(&ctx.db, &actor, id, row_version, chrono::Utc::now()).await.map_err(service_err)?;
    let target = format!("/bao-cao/{id}?da-chep={}", done.figures);
    redirect_form_post(&target);
    Ok(target)
}

/// Approve, send back, accept, return or reopen a report.
#[server(prefix = "/api", endpoint = "bao-cao/xu-ly")]
pub async fn act_on_report(
    csrf: Option<String>,
    id: i32,
    action: String,
    reason: Option<String>,
    row: Option<String>,
    row_note: Option<String>,
) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    use domain::report::Transition;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let t = match action.as_str() {
        "duyet" => Transition::Approve,
        "tra_chuyen_vien" => Transition::SendBack,
        "tiep_nhan" => Transition::Accept,
        "tra_lai" => Transition::Return,
        "mo_lai" => Transition::Reopen,
        _ => return Err(fail(AppError::Validation(domain::FieldErrors::single("form", "Thao tác không hợp lệ.")))),
    };
    let note = row.zip(row_note);
    let status = service::reports::transition_noted(&ctx.db, &actor, id, t, reason.as_deref().unwrap_or(""), note, chrono::Utc::now())
        .await
        .map_err(service_err)?;
    let target = format!("/bao-cao/{id}?trang-thai={}", status.code());
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "bao-cao/gia-han")]
pub async fn grant_exception(csrf: Option<String>, id: i32, until: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let day = domain::datefmt::parse_date(&until)
        .ok_or_else(|| fail(AppError::Validation(domain::FieldErrors::single("until", "Ngày phải theo dạng ngày/tháng/năm."))))?;
    service::reports::grant_exception(&ctx.db, &actor, id, day, chrono::Utc::now()).await.map_err(service_err)?;
    let target = format!("/bao-cao/{id}?gia-han=1");
    redirect_form_post(&target);
    Ok(target)
}
