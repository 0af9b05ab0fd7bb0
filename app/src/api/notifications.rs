//! Server functions of notifications: the bell's count, the list, marking
//! read, and the person's own contacts (where reminders go).

use crate::error::AppError;
use domain::office::NotificationView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr::*;

/// Unread notifications of the signed-in person (0 when signed out: the bell is part of every page).
#[server(prefix = "/api", endpoint = "thong-bao/dem", input = server_fn::codec::GetUrl)]
pub async fn unread_count() -> Result<u64, AppError> {
    // Answered quietly for anyone (it is on every page): no count without a usable session.
    let auth = request_auth()?;
    let Some(session) = auth.session.filter(|s| !s.view.must_change_password) else { return Ok(0) };
    let actor = session.actor();
    let ctx = server_context()?;
    service::reminders::notices::unread(&ctx.db, &actor).await.map_err(service_err)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsPage {
    pub items: Vec<NotificationView>,
    pub email_on: bool,
    pub email: String,
    pub phone: String,
}

#[server(prefix = "/api", endpoint = "thong-bao", input = server_fn::codec::GetUrl)]
pub async fn get_notifications() -> Result<NotificationsPage, AppError> {
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let items = service::reminders::notices::list(&ctx.db, &actor).await.map_err(service_err)?;
    let (email, phone) = service::users::contacts(&ctx.db, &actor).await.map_err(service_err)?;
    Ok(NotificationsPage { items, email_on: ctx.email_on, email, phone })
}

/// Marks one notification (`id`) or all of them read.
#[server(prefix = "/api", endpoint = "thong-bao/da-doc")]
pub async fn mark_read(csrf: Option<String>, id: Option<i64>) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::reminders::notices::mark_read(&ctx.db, &actor, id, chrono::Utc::now()).await.map_err(service_err)?;
    let target = "/thong-bao?da-doc=1".to_string();
    redirect_form_post(&target);
    Ok(target)
}

/// The signed-in person's e-mail and telephone, for reminders and the office's phone round.
#[server(prefix = "/api", endpoint = "thong-bao/lien-he")]
pub async fn save_contacts(csrf: Option<String>, email: String, phone: String) -> Result<String, AppError> {
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::users::set_contacts(&ctx.db, &actor, &email, &phone).await.map_err(service_err)?;
    let target = "/thong-bao?lien-he=1".to_string();
    redirect_form_post(&target);
    Ok(target)
}
