use crate::error::AppError;
use domain::views::{Page, UnitRow, UserRow};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "quan-tri/nguoi-dung", input = server_fn::codec::GetUrl)]
pub async fn list_users(search: String, role: String, page: u64) -> Result<Page<UserRow>, AppError> {
    use crate::ssr::*;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let q = service::users::UserQuery { search, role: domain::Role::from_code(&role), unit_id: None, page };
    service::users::list_users(&ctx.db, &actor, q).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "quan-tri/nguoi-dung/xem", input = server_fn::codec::GetUrl)]
pub async fn get_user(id: i32) -> Result<UserRow, AppError> {
    use crate::ssr::*;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::users::get_user(&ctx.db, &actor, id).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "quan-tri/don-vi-chon", input = server_fn::codec::GetUrl)]
pub async fn assignable_units() -> Result<Vec<UnitRow>, AppError> {
    use crate::ssr::*;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::users::assignable_units(&ctx.db, &actor).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "quan-tri/nguoi-dung/tao")]
pub async fn create_user(
    csrf: Option<String>,
    username: String,
    full_name: String,
    role: String,
    unit_id: String,
    password: String,
) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let unit_id = super::parse_id("unit_id", &unit_id, "Vui lòng chọn đơn vị.").map_err(fail)?;
    let input = service::users::NewUser { username, full_name, role, unit_id, password };
    let id = service::users::create_user(&ctx.db, &actor, input).await.map_err(service_err)?;
    let target = format!("/quan-tri/nguoi-dung/{id}?da-tao=1");
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "quan-tri/nguoi-dung/sua")]
pub async fn update_user(
    csrf: Option<String>,
    id: i32,
    full_name: String,
    role: String,
    unit_id: String,
    active: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let unit_id = super::parse_id("unit_id", &unit_id, "Vui lòng chọn đơn vị.").map_err(fail)?;
    let input = service::users::UserUpdate { full_name, role, unit_id, active: active.is_some() };
    service::users::update_user(&ctx.db, &actor, id, input).await.map_err(service_err)?;
    let target = format!("/quan-tri/nguoi-dung/{id}?da-luu=1");
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "quan-tri/nguoi-dung/dat-lai-mat-khau")]
pub async fn reset_password(csrf: Option<String>, id: i32, password: String) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::users::reset_password(&ctx.db, &actor, id, password).await.map_err(service_err)?;
    let target = format!("/quan-tri/nguoi-dung/{id}?da-dat-lai=1");
    redirect_form_post(&target);
    Ok(target)
}
