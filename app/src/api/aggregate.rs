//! Server functions of the leaders' pages (tổng hợp): the dashboard, the
//! digital-data share and the pivot; the administrator's yearly target.

use crate::error::AppError;
use domain::dashboard::{Dashboard, DigitalPage, Pivot};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::*;

/// The dashboard's query in URLs: `ky` (period key), `nut` (unit or group
/// id), `chi_tieu` (indicator id), `tinh` (`da_tiep_nhan`: accepted only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashQuery {
    pub ky: Option<String>,
    pub nut: Option<String>,
    pub chi_tieu: Option<String>,
    pub tinh: Option<String>,
}

/// The pivot's query: `nam`, `tan_suat` (thang, quy, 6thang, 9thang, nam),
/// `ct` (indicator ids, comma-separated or repeated), `nut`, `tinh`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PivotQuery {
    pub nam: Option<String>,
    pub tan_suat: Option<String>,
    pub ct: Option<String>,
    pub nut: Option<String>,
    pub tinh: Option<String>,
}

pub fn id_of(s: &Option<String>) -> Option<i32> {
    s.as_deref().and_then(|v| v.trim().parse::<i32>().ok()).filter(|v| *v > 0)
}

impl PivotQuery {
    pub fn indicator_ids(&self) -> Vec<i32> {
        self.ct.as_deref().unwrap_or("").split(',').filter_map(|v| v.trim().parse::<i32>().ok()).filter(|v| *v > 0).collect()
    }

    /// The query string (for the page's links and downloads).
    pub fn to_query(&self) -> String {
        let mut parts = vec![];
        for (k, v) in [("nam", &self.nam), ("tan_suat", &self.tan_suat), ("ct", &self.ct), ("nut", &self.nut), ("tinh", &self.tinh)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", crate::util::url_encode(v)));
            }
        }
        parts.join("&")
    }
}

#[cfg(feature = "ssr")]
pub fn pivot_request(q: &PivotQuery) -> Result<service::aggregate::views::PivotQuery, AppError> {
    let year = match q.nam.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(y) => Some(y.parse::<i32>().map_err(|_| AppError::Validation(domain::FieldErrors::single("nam", "Năm phải là số, ví dụ 2025.")))?),
    };
    Ok(service::aggregate::views::PivotQuery {
        year,
        frequency: q.tan_suat.clone(),
        indicators: q.indicator_ids(),
        node: id_of(&q.nut),
        counted: q.tinh.clone(),
    })
}

#[server(prefix = "/api", endpoint = "tong-hop/bang-dieu-khien", input = server_fn::codec::GetUrl)]
pub async fn get_dashboard(q: DashQuery) -> Result<Dashboard, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let today = domain::datefmt::vn_today(chrono::Utc::now());
    let req =
        service::aggregate::views::DashQuery { period: q.ky.clone(), node: id_of(&q.nut), indicator: id_of(&q.chi_tieu), counted: q.tinh.clone() };
    service::aggregate::views::dashboard(&ctx.db, &actor, req, today).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "tong-hop/so-hoa", input = server_fn::codec::GetUrl)]
pub async fn get_digital(ky: Option<String>, tinh: Option<String>) -> Result<DigitalPage, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let today = domain::datefmt::vn_today(chrono::Utc::now());
    service::aggregate::views::digital_page(&ctx.db, &actor, ky.as_deref(), tinh.as_deref(), today).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "tong-hop/bang", input = server_fn::codec::GetUrl)]
pub async fn get_pivot(q: PivotQuery) -> Result<Pivot, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let today = domain::datefmt::vn_today(chrono::Utc::now());
    let req = pivot_request(&q).map_err(fail)?;
    service::aggregate::views::pivot(&ctx.db, &actor, req, today).await.map_err(service_err)
}

/// The administrator sets the year's target (percent, Vietnamese notation), then back to the page.
#[server(prefix = "/api", endpoint = "tong-hop/muc-tieu")]
pub async fn set_digital_target(csrf: Option<String>, nam: String, muc_tieu: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let year =
        nam.trim().parse::<i32>().map_err(|_| fail(AppError::Validation(domain::FieldErrors::single("nam", "Năm phải là số, ví dụ 2025."))))?;
    service::aggregate::digital::set_target(&ctx.db, &actor, year, &muc_tieu).await.map_err(service_err)?;
    let back = format!("/tong-hop/so-hoa?ky={year}");
    redirect_form_post(&back);
    Ok(back)
}

/// The administrator picks the dashboard's key indicators (codes in order), then back to the dashboard.
#[server(prefix = "/api", endpoint = "tong-hop/chi-tieu-chinh")]
pub async fn set_key_indicators(csrf: Option<String>, chi_tieu: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::aggregate::views::set_key_indicators(&ctx.db, &actor, &chi_tieu).await.map_err(service_err)?;
    let back = "/tong-hop".to_string();
    redirect_form_post(&back);
    Ok(back)
}
