//! Server functions of public holidays and make-up working days
//! (`service::catalogue::holidays`).

use crate::error::AppError;
use domain::catalogue::HolidayRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::*;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayPage {
    pub year: i32,
    pub years: Vec<i32>,
    pub days: Vec<HolidayRow>,
}

#[server(prefix = "/api", endpoint = "danh-muc/ngay-nghi", input = server_fn::codec::GetUrl)]
pub async fn list_holidays(year: Option<i32>) -> Result<HolidayPage, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&domain::datefmt::vn_today(chrono::Utc::now())));
    let mut years = service::catalogue::holidays::years(&ctx.db).await.map_err(service_err)?;
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    let days = service::catalogue::holidays::list(&ctx.db, Some(year)).await.map_err(service_err)?;
    Ok(HolidayPage { year, years, days })
}

#[server(prefix = "/api", endpoint = "danh-muc/ngay-nghi/them")]
pub async fn add_holiday(csrf: Option<String>, day: String, name: String, kind: Option<String>) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let make_up = kind.as_deref() == Some("lam_bu");
    service::catalogue::holidays::add(&ctx.db, &actor, &day, &name, make_up).await.map_err(service_err)?;
    let year = domain::datefmt::parse_date(&day).map(|d| chrono::Datelike::year(&d)).unwrap_or(0);
    let target = format!("/danh-muc/ngay-nghi?nam={year}");
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "danh-muc/ngay-nghi/xoa")]
pub async fn remove_holiday(csrf: Option<String>, day: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let d = domain::datefmt::parse_date(&day).ok_or_else(|| fail(AppError::Validation(domain::FieldErrors::single("day", "Ngày không hợp lệ."))))?;
    service::catalogue::holidays::remove(&ctx.db, &actor, d).await.map_err(service_err)?;
    let target = format!("/danh-muc/ngay-nghi?nam={}", chrono::Datelike::year(&d));
    redirect_form_post(&target);
    Ok(target)
}
