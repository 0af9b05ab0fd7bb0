//! Server functions of the provincial office's board: the completion
//! board and its trend, the overdue list, a unit's record and the office's
//! actions on it, the reviewer's inbox, accepting many reports, exceptions
//! for a unit and period.

use crate::error::AppError;
use domain::office::{Board, BoardFilter, BoardSort, InboxRow, OfficeActionView, OverdueUnit, Trend, UnitRecord};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use crate::ssr::*;

/// The board's query as it travels in URLs and forms: `thang=2025-09`,
/// `che_do`, `linh_vuc`, `nhom` (ids or text, empty for all), `sap_xep`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardQuery {
    pub thang: Option<String>,
    pub che_do: Option<String>,
    pub linh_vuc: Option<String>,
    pub nhom: Option<String>,
    pub sap_xep: Option<String>,
}

impl BoardQuery {
    /// The filter it asks for; a missing or unreadable month is today's (Vietnamese time).
    pub fn filter(&self, today: chrono::NaiveDate) -> Result<BoardFilter, AppError> {
        use chrono::Datelike;
        let (year, month) = match self.thang.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => (today.year(), today.month()),
            Some(t) => parse_month(t)
                .ok_or_else(|| AppError::Validation(domain::FieldErrors::single("thang", "Tháng phải theo dạng tháng/năm, ví dụ 09/2025.")))?,
        };
        let id = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<i32>().ok()).filter(|v| *v > 0);
        Ok(BoardFilter {
            year,
            month,
            regime_id: id(&self.che_do),
            sector: self.linh_vuc.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            group_id: id(&self.nhom),
            unit_id: None,
            sort: BoardSort::from_code(self.sap_xep.as_deref().unwrap_or("")),
        })
    }

    /// The query string of a filter (for links and downloads).
    pub fn of(f: &BoardFilter) -> String {
        let mut q = format!("thang={}-{:02}", f.year, f.month);
        if let Some(r) = f.regime_id {
            q.push_str(&format!("&che_do={r}"));
        }
        if let Some(s) = &f.sector {
            q.push_str(&format!("&linh_vuc={}", crate::util::url_encode(s)));
        }
        if let Some(g) = f.group_id {
            q.push_str(&format!("&nhom={g}"));
        }
        if f.sort == BoardSort::Lateness {
            q.push_str("&sap_xep=cham-nhat");
        }
        q
    }
}

/// "2025-09" (a month input) or "09/2025" (typed).
pub fn parse_month(t: &str) -> Option<(i32, u32)> {
    let (y, m) = if let Some((y, m)) = t.split_once('-') { (y, m) } else { t.split_once('/').map(|(m, y)| (y, m))? };
    let (y, m) = (y.trim().parse::<i32>().ok()?, m.trim().parse::<u32>().ok()?);
    ((2000..=2200).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

#[server(prefix = "/api", endpoint = "tinh-hinh/bang", input = server_fn::codec::GetUrl)]
pub async fn get_board(q: BoardQuery) -> Result<Board, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let now = chrono::Utc::now();
    let filter = q.filter(domain::datefmt::vn_today(now)).map_err(fail)?;
    service::board::matrix::board(&ctx.db, &actor, filter, now).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "tinh-hinh/xu-huong", input = server_fn::codec::GetUrl)]
pub async fn get_trend(q: BoardQuery) -> Result<Trend, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let now = chrono::Utc::now();
    let filter = q.filter(domain::datefmt::vn_today(now)).map_err(fail)?;
    service::board::matrix::trend(&ctx.db, &actor, &filter, now).await.map_err(service_err)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverduePage {
    pub month_label: String,
    pub today: chrono::NaiveDate,
    pub units: Vec<OverdueUnit>,
}

#[server(prefix = "/api", endpoint = "tinh-hinh/qua-han", input = server_fn::codec::GetUrl)]
pub async fn get_overdue(q: BoardQuery) -> Result<OverduePage, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let now = chrono::Utc::now();
    let today = domain::datefmt::vn_today(now);
    let filter = q.filter(today).map_err(fail)?;
    let month_label = domain::period::Period::Month { year: filter.year, month: filter.month }.label();
    let units = service::board::overdue::overdue_units(&ctx.db, &actor, filter, now).await.map_err(service_err)?;
    Ok(OverduePage { month_label, today, units })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitBoard {
    pub record: UnitRecord,
    pub actions: Vec<OfficeActionView>,
}

/// A unit's record (its regimes × the last 12 months) and what the office did to its reports.
#[server(prefix = "/api", endpoint = "tinh-hinh/don-vi", input = server_fn::codec::GetUrl)]
pub async fn get_unit_board(unit_id: Option<i32>) -> Result<UnitBoard, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let unit_id = unit_id.unwrap_or(actor.unit_id);
    let now = chrono::Utc::now();
    let record = service::board::matrix::unit_record(&ctx.db, &actor, unit_id, now).await.map_err(service_err)?;
    let actions = service::board::actions::unit_actions(&ctx.db, &actor, unit_id, 20).await.map_err(service_err)?;
    Ok(UnitBoard { record, actions })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    /// Whether reminder e-mails are configured.
    pub email_on: bool,
}

#[server(prefix = "/api", endpoint = "hop-thu", input = server_fn::codec::GetUrl)]
pub async fn get_inbox() -> Result<InboxPage, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let rows = service::board::inbox::inbox(&ctx.db, &actor).await.map_err(service_err)?;
    Ok(InboxPage { rows, email_on: ctx.email_on })
}

/// Accepts every report ticked (`chon[ID]`), then goes back to `back` (the inbox or the board).
#[server(prefix = "/api", endpoint = "hop-thu/tiep-nhan")]
pub async fn accept_reports(csrf: Option<String>, chon: Option<HashMap<String, String>>, back: Option<String>) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let ids: Vec<i32> = chon.unwrap_or_default().keys().filter_map(|k| k.parse::<i32>().ok()).collect();
    let out: domain::office::BulkOutcome =
        service::board::actions::accept_many(&ctx.db, &actor, &ids, chrono::Utc::now()).await.map_err(service_err)?;
    let back = crate::util::safe_next(back.as_deref());
    let sep = if back.contains('?') { '&' } else { '?' };
    let target = format!("{back}{sep}da-tiep-nhan={}&bo-qua={}", out.accepted, out.skipped.len());
    redirect_form_post(&target);
    Ok(target)
}

/// Grants (`until` given) or revokes (`thu_hoi`) an exception for a unit's report of a period.
#[server(prefix = "/api", endpoint = "tinh-hinh/gia-han")]
pub async fn set_exception(
    csrf: Option<String>,
    regime_id: i32,
    unit_id: i32,
    period: String,
    until: Option<String>,
    thu_hoi: Option<String>,
    back: Option<String>,
) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let until = match (thu_hoi.is_some(), until.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (true, _) => None,
        (false, Some(u)) => Some(
            domain::datefmt::parse_date(u)
                .ok_or_else(|| fail(AppError::Validation(domain::FieldErrors::single("until", "Ngày phải theo dạng ngày/tháng/năm."))))?,
        ),
        (false, None) => {
            return Err(fail(AppError::Validation(domain::FieldErrors::single(
                "until",
                "Vui lòng nhập ngày được nhập số liệu đến hết (ngày/tháng/năm).",
            ))));
        }
    };
    service::board::actions::set_exception(&ctx.db, &actor, regime_id, unit_id, &period, until, chrono::Utc::now()).await.map_err(service_err)?;
    let unit_page = format!("/don-vi/{unit_id}");
    let back = crate::util::safe_next(back.as_deref().or(Some(unit_page.as_str())));
    redirect_form_post(&back);
    Ok(back)
}
