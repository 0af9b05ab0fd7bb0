//! Server functions of Excel uploads (`service::excel::import`): the
//! preview of an upload, the clerk's recent uploads, and the confirmation
//! that stores it. The upload itself and the downloads are file routes
//! (`server/src/files.rs`).

use crate::error::AppError;
use domain::excel::{ImportLine, ImportView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::*;

/// An upload as its preview shows it (only to the clerk who uploaded it).
#[server(prefix = "/api", endpoint = "nhap-excel/xem", input = server_fn::codec::GetUrl)]
pub async fn excel_import(id: i32) -> Result<ImportView, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::excel::import::get(&ctx.db, &actor, id, chrono::Utc::now()).await.map_err(service_err)
}

/// The clerk's recent uploads, newest first.
#[server(prefix = "/api", endpoint = "nhap-excel/gan-day", input = server_fn::codec::GetUrl)]
pub async fn recent_excel_imports() -> Result<Vec<ImportLine>, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::excel::import::recent(&ctx.db, &actor, chrono::Utc::now()).await.map_err(service_err)
}

/// Stores a checked upload: every importable sheet in one transaction.
/// `xac_nhan` is the clerk's confirmation of the report where the file did
/// not name it itself.
#[server(prefix = "/api", endpoint = "nhap-excel/xac-nhan")]
pub async fn confirm_excel_import(csrf: Option<String>, id: i32, xac_nhan: Option<String>) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::excel::import::confirm(&ctx.db, &actor, id, xac_nhan.is_some(), chrono::Utc::now()).await.map_err(service_err)?;
    let target = format!("/nhap-excel/{id}?da-nhap=1");
    redirect_form_post(&target);
    Ok(target)
}
