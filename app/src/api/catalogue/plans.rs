//! Server functions of yearly plans (`service::catalogue::plans`).

use crate::error::AppError;
use domain::catalogue::PlanPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::*;

#[server(prefix = "/api", endpoint = "danh-muc/ke-hoach", input = server_fn::codec::GetUrl)]
pub async fn regime_plans(id: i32, year: Option<i32>) -> Result<PlanPage, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&domain::datefmt::vn_today(chrono::Utc::now())));
    service::catalogue::plans::page(&ctx.db, id, year).await.map_err(service_err)
}

/// Sets one unit's plan (an empty value removes it).
#[server(prefix = "/api", endpoint = "danh-muc/ke-hoach/dat")]
pub async fn set_regime_plan(csrf: Option<String>, id: i32, year: i32, unit: String, indicator: String, value: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::catalogue::plans::set(&ctx.db, &actor, id, year, &unit, &indicator, &value, chrono::Utc::now()).await.map_err(service_err)?;
    let target = format!("/danh-muc/che-do/{id}/ke-hoach?nam={year}&da-luu=1");
    redirect_form_post(&target);
    Ok(target)
}
