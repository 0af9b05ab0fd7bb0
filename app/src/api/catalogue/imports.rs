//! Server functions of the catalogue import log (`service::catalogue::imports`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::*;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i32,
    pub kind_label: String,
    pub file_name: String,
    pub at: String,
    pub applied: bool,
    pub summary: String,
    pub problems: Vec<String>,
}

#[cfg(feature = "ssr")]
fn import_view(j: service::catalogue::imports::ImportJobView) -> ImportView {
    ImportView {
        id: j.id,
        kind_label: if j.kind == service::catalogue::imports::KIND_CATALOGUE {
            "Danh mục (JSON)".into()
        } else {
            "Danh sách chỉ tiêu (Excel)".into()
        },
        file_name: j.file_name,
        at: domain::datefmt::format_datetime(j.created_at),
        applied: j.applied,
        summary: j.summary,
        problems: j.problems,
    }
}

#[server(prefix = "/api", endpoint = "danh-muc/nhap/ket-qua", input = server_fn::codec::GetUrl)]
pub async fn get_import(id: i32) -> Result<ImportView, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::catalogue::imports::get(&ctx.db, &actor, id).await.map(import_view).map_err(service_err)
}

#[server(prefix = "/api", endpoint = "danh-muc/nhap/gan-day", input = server_fn::codec::GetUrl)]
pub async fn recent_imports() -> Result<Vec<ImportView>, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    Ok(service::catalogue::imports::recent(&ctx.db, &actor).await.map_err(service_err)?.into_iter().map(import_view).collect())
}
