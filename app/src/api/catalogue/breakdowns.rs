//! Server functions of breakdowns (`service::catalogue::breakdowns`).

use crate::error::AppError;
use domain::catalogue::BreakdownView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::*;

#[server(prefix = "/api", endpoint = "danh-muc/phan-to", input = server_fn::codec::GetUrl)]
pub async fn list_breakdowns() -> Result<Vec<BreakdownView>, AppError> {
    require_actor()?;
    let ctx = server_context()?;
    service::catalogue::breakdowns::list(&ctx.db).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "danh-muc/phan-to/luu")]
pub async fn save_breakdown(csrf: Option<String>, id: Option<i32>, code: String, name: String, parts: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    match id {
        Some(id) => service::catalogue::breakdowns::update(&ctx.db, &actor, id, &name, &parts).await.map_err(service_err)?,
        None => {
            service::catalogue::breakdowns::create(&ctx.db, &actor, &code, &name, &parts).await.map_err(service_err)?;
        }
    }
    let target = "/danh-muc/phan-to?da-luu=1".to_string();
    redirect_form_post(&target);
    Ok(target)
}
