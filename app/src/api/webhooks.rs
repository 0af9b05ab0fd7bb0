//! The administrator's webhooks (issue 14, "Push"): subscriptions (the
//! secret is answered once, at creation) and the delivery log.

use crate::error::AppError;
use domain::webhook::{NewWebhook, WebhookPage};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "quan-tri/webhook", input = server_fn::codec::GetUrl)]
pub async fn list_webhooks() -> Result<WebhookPage, AppError> {
    use crate::ssr::*;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::feeds::webhooks::page(&ctx.db, &actor).await.map_err(service_err)
}

/// One checkbox per event (`ev_sent`, `ev_accepted`, `ev_returned`,
/// `ev_aggregate`): present when ticked.
#[server(prefix = "/api", endpoint = "quan-tri/webhook/tao")]
pub async fn create_webhook(
    csrf: Option<String>,
    name: String,
    url: String,
    ev_sent: Option<String>,
    ev_accepted: Option<String>,
    ev_returned: Option<String>,
    ev_aggregate: Option<String>,
) -> Result<NewWebhook, AppError> {
    use crate::ssr::*;
    use domain::webhook::WebhookEvent;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let events = [
        (ev_sent, WebhookEvent::ReportSent),
        (ev_accepted, WebhookEvent::ReportAccepted),
        (ev_returned, WebhookEvent::ReportReturned),
        (ev_aggregate, WebhookEvent::AggregateChanged),
    ]
    .into_iter()
    .filter_map(|(ticked, e)| ticked.filter(|v| !v.is_empty()).map(|_| e))
    .collect();
    let req = service::feeds::webhooks::WebhookRequest { name, url, events };
    service::feeds::webhooks::create(&ctx.db, &actor, req, ctx.webhook_receivers, chrono::Utc::now()).await.map_err(service_err)
}

#[server(prefix = "/api", endpoint = "quan-tri/webhook/tat")]
pub async fn deactivate_webhook(csrf: Option<String>, id: i32) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::feeds::webhooks::deactivate(&ctx.db, &actor, id).await.map_err(service_err)?;
    let target = "/quan-tri/webhook?da-tat=1".to_string();
    redirect_form_post(&target);
    Ok(target)
}

#[server(prefix = "/api", endpoint = "quan-tri/webhook/xoa")]
pub async fn delete_webhook(csrf: Option<String>, id: i32) -> Result<String, AppError> {
    use crate::ssr::*;
    let _ = csrf; // checked by the CSRF middleware (see `login`)
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    service::feeds::webhooks::delete(&ctx.db, &actor, id).await.map_err(service_err)?;
    let target = "/quan-tri/webhook?da-xoa=1".to_string();
    redirect_form_post(&target);
    Ok(target)
}
