//! Server functions of indicators (`service::catalogue::indicators`), and
//! the drop-down choices every catalogue form offers.

use crate::error::AppError;
use domain::catalogue::IndicatorRow;
use domain::views::{Page, UnitRow};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::*;

#[server(prefix = "/api", endpoint = "danh-muc/chi-tieu", input = server_fn::codec::GetUrl)]
pub async fn list_indicators(search: String, sector: String, statistical: bool, inactive: bool, page: u64) -> Result<Page<IndicatorRow>, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    let q = service::catalogue::indicators::IndicatorQuery { search, sector, only_statistical: statistical, include_inactive: inactive, page };
    service::catalogue::indicators::list(&ctx.db, q).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "danh-muc/chi-tieu/xem", input = server_fn::codec::GetUrl)]
pub async fn get_indicator(id: i32) -> Result<IndicatorRow, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    service::catalogue::indicators::get(&ctx.db, id).await.map_err(service_err)
}

/// What the catalogue forms offer in their drop-downs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub sectors: Vec<String>,
    pub units: Vec<UnitRow>,
    pub breakdowns: Vec<(String, String)>,
    pub indicators: Vec<(String, String)>,
}

#[server(prefix = "/api", endpoint = "danh-muc/lua-chon", input = server_fn::codec::GetUrl)]
pub async fn catalogue_choices() -> Result<Choices, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    let mut sectors: Vec<String> = domain::catalogue::SECTORS.iter().map(|s| s.to_string()).collect();
    for s in service::catalogue::indicators::sectors(&ctx.db).await.map_err(service_err)? {
        if !sectors.contains(&s) {
            sectors.push(s);
        }
    }
    let units = service::org::list_units(&ctx.db).await.map_err(service_err)?;
    let (indicators, breakdowns) = service::catalogue::indicators::choices(&ctx.db).await.map_err(service_err)?;
    Ok(Choices { sectors, units, breakdowns, indicators })
}

#[server(prefix = "/api", endpoint = "danh-muc/chi-tieu/luu")]
#[allow(clippy::too_many_arguments)]
pub async fn save_indicator(
    csrf: Option<String>,
    id: Option<i32>,
    code: String,
    name: String,
    unit: String,
    value_type: String,
    scale: Option<String>,
    min: String,
    max: String,
    aggregation: String,
    sector: String,
    owner_unit: String,
    statistical: Option<String>,
    breakdown: String,
    method: String,
    description: String,
    national_code: Option<String>,
    rate_numerator: Option<String>,
    rate_denominator: Option<String>,
    public: Option<String>,
) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let form = domain::catalogue::IndicatorForm {
        code,
        name,
        unit,
        value_type,
        scale: scale.unwrap_or_default(),
        min,
        max,
        aggregation,
        sector,
        owner_unit,
        statistical: statistical.is_some(),
        breakdown,
        method,
        description,
        national_code: national_code.unwrap_or_default(),
        rate_numerator: rate_numerator.unwrap_or_default(),
        rate_denominator: rate_denominator.unwrap_or_default(),
        public: public.is_some(),
    };
    let id = match id {
        Some(id) => {
            service::catalogue::indicators::update(&ctx.db, &actor, id, form).await.map_err(service_err)?;
            id
        }
        None => service::catalogue::indicators::create(&ctx.db, &actor, form).await.map_err(service_err)?,
    };
    let target = format!("/danh-muc/chi-tieu/{id}?da-luu=1");
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "danh-muc/chi-tieu/trang-thai")]
pub async fn set_indicator_active(csrf: Option<String>, id: i32, active: bool) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::catalogue::indicators::set_active(&ctx.db, &actor, id, active).await.map_err(service_err)?;
    let target = format!("/danh-muc/chi-tieu/{id}?da-luu=1");
    redirect_form_post(&target);
    Ok(target)
}
