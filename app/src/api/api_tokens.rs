//! The administrator's API tokens (issue 14): list, create (the secret is
//! answered this once), revoke.

use crate::error::AppError;
use domain::feed::{ApiTokenView, NewApiToken};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "quan-tri/api", input = server_fn::codec::GetUrl)]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenView>, AppError> {
    use crate::ssr::*;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::feeds::tokens::list(&ctx.db, &actor).await.map_err(service_err)
}

/// `write_units`: unit codes separated by commas or spaces; empty for a read-only token.
#[server(prefix = "/api", endpoint = "quan-tri/api/tao")]
pub async fn create_api_token(csrf: Option<String>, username: String, name: String, write_units: Option<String>) -> Result<NewApiToken, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let write_units =
        write_units.unwrap_or_default().split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_string).collect();
    let req = service::feeds::tokens::TokenRequest { username, name, write_units };
    service::feeds::tokens::create(&ctx.db, &actor, req, chrono::Utc::now()).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "quan-tri/api/thu-hoi")]
pub async fn revoke_api_token(csrf: Option<String>, id: i32) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::feeds::tokens::revoke(&ctx.db, &actor, id, chrono::Utc::now()).await.map_err(service_err)?;
    let target = "/quan-tri/api?da-thu-hoi=1".to_string();
    redirect_form_post(&target);
    Ok(target)
}
