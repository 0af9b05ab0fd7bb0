//! Webhooks (issue 14, "Push"): an administrator subscribes a receiver to
//! report and aggregate events; each delivery is signed with the
//! subscription's secret and retried with backoff.
//!
//! The outbox: when a report's status changes, [`enqueue`] inserts one
//! `webhook_delivery` row per matching active subscription in the same
//! transaction (no network there, so a slow or failing receiver never slows
//! a clerk's save, and a rolled-back change sends nothing). [`deliver_due`]
//! later sends the rows that are due. Each attempt first claims its row
//! (`UPDATE … WHERE id = ? AND status = 'pending' AND attempts = ?`, moving
//! `next_attempt_at` past the attempt's lease), so two servers never send
//! the same row at once; the result is written back under the same guard.
//!
//! Signing: `X-Baocao-Signature: sha256=<hex>` where hex is the HMAC-SHA256,
//! keyed with the secret (its UTF-8 bytes, `whsec_` included), of
//! `"<X-Baocao-Timestamp>.<body>"`.

use crate::auth::random_token;
use crate::users::require_admin;
use crate::{Result, ServiceError, audit};
use chrono::{DateTime, Duration, Utc};
use domain::Actor;
use domain::report::ReportStatus;
use domain::webhook::{
    self, DeliveryStatus, DeliveryView, NewWebhook, WebhookEvent, WebhookPage, WebhookView, decode_events, encode_events, events_for,
};
use entity::{org_unit, report_value, webhook_delivery, webhook_subscription};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use sha2::Sha256;
use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;

/// A receiver has this long to answer.
pub const TIMEOUT_SECS: u64 = 10;
/// An attempt holds its row this long: past it, a row whose worker died is
/// tried again. Longer than a whole run (every row of a batch timing out),
/// since a run's rows are claimed with the run's start time.
pub const LEASE_SECS: i64 = 300;
/// Attempts sent at once by one worker.
pub const CONCURRENCY: usize = 4;
/// Rows taken per run.
pub const BATCH: u64 = 50;
const _: () = assert!(LEASE_SECS as u64 > BATCH.div_ceil(CONCURRENCY as u64) * (TIMEOUT_SECS + 5));
/// Subscriptions an administrator may keep (each status change writes one
/// row per matching one).
pub const MAX_SUBSCRIPTIONS: u64 = 20;
/// Deliveries shown in the log.
pub const LOG_ROWS: u64 = 100;

/// Which receivers deliveries may reach.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Receivers {
    /// Public addresses only: a subscription must not reach the machines
    /// around the server (the default).
    #[default]
    PublicOnly,
    /// Also private, loopback and link-local addresses
    /// (`BAOCAO_WEBHOOK_PRIVATE=true`, for a receiver inside the province's network).
    AnyAddress,
}

impl Receivers {
    /// Why this address may not be reached, in words; `None`: it may.
    pub fn refusal(self, ip: IpAddr) -> Option<String> {
        match self {
            Receivers::AnyAddress => None,
            Receivers::PublicOnly => webhook::private_address(ip).map(|why| webhook::private_address_message(ip, why)),
        }
    }

    /// The refusal for a URL whose host is an address or a name that can
    /// only be this machine (names are checked again, as resolved, at every
    /// delivery).
    fn refusal_of_url(self, url: &reqwest::Url) -> Option<String> {
        let host = url.host_str()?;
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let ip = match literal.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => {
                let name = host.trim_end_matches('.').to_ascii_lowercase();
                if name == "localhost" || name.ends_with(".localhost") {
                    IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
                } else {
                    return None;
                }
            }
        };
        self.refusal(ip)
    }
}

/// A receiver's address refused by [`Receivers::PublicOnly`], found while
/// resolving its name.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Resolves a receiver's name and keeps only the public addresses. The
/// check is on the addresses the connection is made to, so a name that
/// pointed outside at subscription and inside later (DNS rebinding) is still
/// refused.
struct PublicResolver;

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let mut refused = None;
            let kept: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| match Receivers::PublicOnly.refusal(a.ip()) {
                    Some(why) => {
                        refused.get_or_insert(why);
                        false
                    }
                    None => true,
                })
                .collect();
            if kept.is_empty() {
                let why = refused.unwrap_or_else(|| format!("Không tìm thấy địa chỉ của máy nhận {host}."));
                return Err(Box::new(Refused(why)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The [`Refused`] somewhere in an error's chain of causes.
fn refusal_in(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(r) = c.downcast_ref::<Refused>() {
            return Some(r.0.clone());
        }
        cause = c.source();
    }
    None
}

/// What the administrator asks for.
#[derive(Clone, Debug, Default)]
pub struct WebhookRequest {
    pub name: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
}

fn view(m: &webhook_subscription::Model) -> WebhookView {
    WebhookView { id: m.id, name: m.name.clone(), url: m.url.clone(), events: decode_events(&m.events), active: m.active, created_at: m.created_at }
}

pub async fn create(db: &crate::Db, actor: &Actor, req: WebhookRequest, receivers: Receivers, now: DateTime<Utc>) -> Result<NewWebhook> {
    require_admin(actor)?;
    let mut errors = domain::FieldErrors::new();
    let name = webhook::validate_name(&req.name).map_err(|m| errors.add("name", m)).ok();
    // The domain's check says what is wrong in words; the client's own
    // parser must also take it, or every delivery would fail unsent.
    let url = webhook::validate_url(&req.url)
        .and_then(|u| match reqwest::Url::parse(&u) {
            Ok(parsed) => match receivers.refusal_of_url(&parsed) {
                Some(why) => Err(why),
                None => Ok(u),
            },
            Err(_) => Err("Địa chỉ nhận không hợp lệ (máy chủ hoặc cổng sai), ví dụ https://ioc.sonla.gov.vn/baocao/webhook.".to_string()),
        })
        .map_err(|m| errors.add("url", m))
        .ok();
    if req.events.is_empty() {
        errors.add("events", "Chọn ít nhất một sự kiện.");
    }
    errors.into_result().map_err(ServiceError::Validation)?;
    let (Some(name), Some(url)) = (name, url) else {
        return Err(ServiceError::Internal("validated fields missing".into()));
    };
    let count = webhook_subscription::Entity::find().count(db).await?;
    if count >= MAX_SUBSCRIPTIONS {
        return Err(ServiceError::Conflict(format!("Đã có {MAX_SUBSCRIPTIONS} đăng ký webhook; hãy xóa bớt đăng ký không dùng.")));
    }
    let secret = format!("{}{}", webhook::SECRET_PREFIX, random_token());
    let txn = db.begin().await?;
    let m = webhook_subscription::ActiveModel {
        name: Set(name.clone()),
        url: Set(url.clone()),
        events: Set(encode_events(&req.events)),
        secret: Set(secret.clone()),
        active: Set(true),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, Some(actor.user_id), "webhook.create", &format!("webhook:{}", m.id), &format!("{name} → {url}")).await?;
    txn.commit().await?;
    Ok(NewWebhook { secret, view: view(&m) })
}

/// The subscriptions (never their secrets) and the latest deliveries.
pub async fn page(db: &crate::Db, actor: &Actor) -> Result<WebhookPage> {
    require_admin(actor)?;
    let subs = webhook_subscription::Entity::find().order_by_desc(webhook_subscription::Column::Id).all(db).await?;
    let names: HashMap<i32, String> = subs.iter().map(|s| (s.id, s.name.clone())).collect();
    let rows = webhook_delivery::Entity::find().order_by_desc(webhook_delivery::Column::Id).limit(LOG_ROWS).all(db).await?;
    let deliveries = rows
        .into_iter()
        .map(|d| {
            let status = DeliveryStatus::from_code(&d.status).unwrap_or(DeliveryStatus::Pending);
            DeliveryView {
                id: d.id,
                subscription: names.get(&d.subscription_id).cloned().unwrap_or_default(),
                event: d.event,
                status,
                attempts: d.attempts,
                http_status: d.http_status,
                last_error: d.last_error,
                created_at: d.created_at,
                last_attempt_at: d.last_attempt_at,
                next_attempt_at: if status == DeliveryStatus::Pending { d.next_attempt_at } else { None },
            }
        })
        .collect();
    Ok(WebhookPage { subscriptions: subs.iter().map(view).collect(), deliveries })
}

async fn find(db: &crate::Db, id: i32) -> Result<webhook_subscription::Model> {
    webhook_subscription::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy đăng ký webhook.".into()))
}

/// Stops a subscription: nothing new is queued for it, and what waits is
/// marked failed.
pub async fn deactivate(db: &crate::Db, actor: &Actor, id: i32) -> Result<()> {
    require_admin(actor)?;
    let m = find(db, id).await?;
    if !m.active {
        return Ok(());
    }
    let txn = db.begin().await?;
    webhook_subscription::Entity::update_many()
        .col_expr(webhook_subscription::Column::Active, Expr::value(false))
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(DeliveryStatus::Failed.code()))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(webhook_delivery::Column::LastError, Expr::value(Some("Đăng ký đã bị tắt.".to_string())))
        .filter(webhook_delivery::Column::SubscriptionId.eq(id))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
        .exec(&txn)
        .await?;
    audit::record(&txn, Some(actor.user_id), "webhook.deactivate", &format!("webhook:{id}"), &m.name).await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a subscription and its delivery log.
pub async fn delete(db: &crate::Db, actor: &Actor, id: i32) -> Result<()> {
    require_admin(actor)?;
    let m = find(db, id).await?;
    let txn = db.begin().await?;
    webhook_delivery::Entity::delete_many().filter(webhook_delivery::Column::SubscriptionId.eq(id)).exec(&txn).await?;
    webhook_subscription::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, Some(actor.user_id), "webhook.delete", &format!("webhook:{id}"), &m.name).await?;
    txn.commit().await?;
    Ok(())
}

/// The outbox: called in the transaction that moves `report` (as it was
/// read) from `from` to `to`. Writes one pending row per event raised and
/// active subscription that wants it; nothing when no one subscribed.
pub(crate) async fn enqueue<C: ConnectionTrait>(
    txn: &C,
    l: &crate::reports::Loaded,
    from: ReportStatus,
    to: ReportStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    let events = events_for(from, to);
    if events.is_empty() {
        return Ok(());
    }
    let subs = webhook_subscription::Entity::find().filter(webhook_subscription::Column::Active.eq(true)).all(txn).await?;
    let wanted: Vec<(WebhookEvent, Vec<i32>)> = events
        .into_iter()
        .map(|e| (e, subs.iter().filter(|s| decode_events(&s.events).contains(&e)).map(|s| s.id).collect::<Vec<_>>()))
        .filter(|(_, ids)| !ids.is_empty())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let report = &l.report;
    let unit_code = org_unit::Entity::find_by_id(report.unit_id).one(txn).await?.map(|u| u.code).unwrap_or_default();
    let regime_code = l.regime.code.clone();
    let about = json!({
        "id": report.id,
        "unit_code": unit_code,
        "regime_code": regime_code,
        "period_key": report.period_key,
        "status": to.code(),
        "previous_status": from.code(),
    });
    let mut rows = Vec::new();
    for (event, ids) in wanted {
        let mut body = json!({ "event": event.code(), "occurred_at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "report": about });
        if event == WebhookEvent::AggregateChanged {
            body["unit_code"] = json!(unit_code);
            body["regime_code"] = json!(regime_code);
            body["period_key"] = json!(report.period_key);
            body["indicator_codes"] = json!(indicator_codes(txn, l).await?);
            body["counted"] = json!({
                "sent_or_accepted": matches!(to, ReportStatus::Sent | ReportStatus::Accepted),
                "accepted_only": to == ReportStatus::Accepted,
            });
        }
        let payload = body.to_string();
        rows.extend(ids.into_iter().map(|sid| webhook_delivery::ActiveModel {
            subscription_id: Set(sid),
            event: Set(event.code().into()),
            payload: Set(payload.clone()),
            status: Set(DeliveryStatus::Pending.code().into()),
            attempts: Set(0),
            next_attempt_at: Set(Some(now)),
            last_attempt_at: Set(None),
            http_status: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
            ..Default::default()
        }));
    }
    webhook_delivery::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// The codes of the indicators a report holds figures for, sorted (the
/// report's form already maps ids to codes).
async fn indicator_codes<C: ConnectionTrait>(db: &C, l: &crate::reports::Loaded) -> Result<Vec<String>> {
    let ids: Vec<i32> = report_value::Entity::find()
        .select_only()
        .column(report_value::Column::IndicatorId)
        .distinct()
        .filter(report_value::Column::ReportId.eq(l.report.id))
        .into_tuple()
        .all(db)
        .await?;
    let codes: BTreeSet<&String> = ids.iter().filter_map(|id| l.ids.by_id.get(id)).collect();
    Ok(codes.into_iter().cloned().collect())
}

/// The hex HMAC-SHA256 of `"timestamp.body"` keyed with `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        // HMAC takes keys of any length; this branch cannot be reached.
        return String::new();
    };
    mac.update(webhook::signing_input(timestamp, body).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// What one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryRun {
    pub delivered: usize,
    /// Failed this time, to be tried again later.
    pub retried: usize,
    /// Failed for good (the last attempt, or the subscription is gone).
    pub failed: usize,
    /// Taken by another worker first.
    pub skipped: usize,
}

fn client(receivers: Receivers) -> std::result::Result<&'static reqwest::Client, String> {
    type Built = std::result::Result<reqwest::Client, String>;
    static PUBLIC: OnceLock<Built> = OnceLock::new();
    static ANY: OnceLock<Built> = OnceLock::new();
    let build = || {
        let b = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(TIMEOUT_SECS))
            .connect_timeout(std::time::Duration::from_secs(TIMEOUT_SECS))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("baocao-webhook/1");
        match receivers {
            // Straight to the receiver, never through a proxy from the
            // environment (HTTP_PROXY…): through one, the proxy would resolve
            // the name and the address check would be on the proxy instead.
            Receivers::PublicOnly => b.no_proxy().dns_resolver(std::sync::Arc::new(PublicResolver)),
            Receivers::AnyAddress => b,
        }
        .build()
    };
    // A client that cannot be built fails every send (never a default
    // client, which would skip the address check).
    let cell = match receivers {
        Receivers::PublicOnly => &PUBLIC,
        Receivers::AnyAddress => &ANY,
    };
    cell.get_or_init(|| build().map_err(|e| e.to_string())).as_ref().map_err(|e| e.clone())
}

enum Outcome {
    Delivered,
    Retry,
    Failed,
    Skipped,
}

/// Sends every pending delivery due at `now` (at most [`BATCH`], a few at a
/// time), records each attempt and schedules retries. The server's worker
/// calls it every few seconds; tests call it directly.
pub async fn deliver_due(db: &crate::Db, receivers: Receivers, now: DateTime<Utc>) -> Result<DeliveryRun> {
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut run = DeliveryRun::default();
    if due.is_empty() {
        return Ok(run);
    }
    let sub_ids: Vec<i32> = due.iter().map(|d| d.subscription_id).collect::<BTreeSet<_>>().into_iter().collect();
    let subs: HashMap<i32, webhook_subscription::Model> = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Id.is_in(sub_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    let mut pending = due.into_iter();
    loop {
        while tasks.len() < CONCURRENCY {
            let Some(row) = pending.next() else { break };
            let sub = subs.get(&row.subscription_id).cloned();
            let db = db.clone();
            tasks.spawn(async move { attempt(&db, row, sub, receivers, now).await });
        }
        let Some(joined) = tasks.join_next().await else { break };
        match joined {
            Ok(Ok(Outcome::Delivered)) => run.delivered += 1,
            Ok(Ok(Outcome::Retry)) => run.retried += 1,
            Ok(Ok(Outcome::Failed)) => run.failed += 1,
            Ok(Ok(Outcome::Skipped)) => run.skipped += 1,
            Ok(Err(e)) => tracing::warn!(error = %e, "webhook delivery could not be recorded"),
            Err(e) => tracing::warn!(error = %e, "webhook delivery task ended abnormally"),
        }
    }
    Ok(run)
}

/// One attempt at one row: claim it, send, record.
async fn attempt(
    db: &crate::Db,
    row: webhook_delivery::Model,
    sub: Option<webhook_subscription::Model>,
    receivers: Receivers,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let tried = row.attempts + 1;
    let claimed = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(tried))
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(Some(now)))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(Some(now + Duration::seconds(LEASE_SECS))))
        .filter(webhook_delivery::Column::Id.eq(row.id))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
        .filter(webhook_delivery::Column::Attempts.eq(row.attempts))
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(Outcome::Skipped);
    }
    let result = match sub.as_ref().filter(|s| s.active) {
        None => Err((None, "Đăng ký đã bị tắt hoặc đã xóa.".to_string(), false)),
        Some(s) => send(s, &row, receivers).await,
    };
    let (status, next, http, error, outcome) = match result {
        Ok(code) => (DeliveryStatus::Delivered, None, Some(code), None, Outcome::Delivered),
        Err((code, error, retry)) => match webhook::retry_after(tried).filter(|_| retry) {
            Some(secs) => (DeliveryStatus::Pending, Some(now + Duration::seconds(secs)), code, Some(error), Outcome::Retry),
            None => (DeliveryStatus::Failed, None, code, Some(error), Outcome::Failed),
        },
    };
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(status.code()))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next))
        .col_expr(webhook_delivery::Column::HttpStatus, Expr::value(http))
        .col_expr(webhook_delivery::Column::LastError, Expr::value(error.map(|e| webhook::short_error(&e))))
        .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(if status == DeliveryStatus::Delivered { Some(now) } else { None }))
        .filter(webhook_delivery::Column::Id.eq(row.id))
        .filter(webhook_delivery::Column::Attempts.eq(tried))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
        .exec(db)
        .await?;
    Ok(outcome)
}

/// POSTs the row's payload, signed. `Ok`: the 2xx status; `Err`: the
/// status if any, the error in words, and whether trying again may help.
async fn send(
    sub: &webhook_subscription::Model,
    row: &webhook_delivery::Model,
    receivers: Receivers,
) -> std::result::Result<i32, (Option<i32>, String, bool)> {
    // An address in the URL is connected to without resolving: checked here;
    // names are checked by the client's resolver.
    match reqwest::Url::parse(&sub.url) {
        Ok(u) => {
            if let Some(why) = receivers.refusal_of_url(&u) {
                return Err((None, why, false));
            }
        }
        Err(_) => return Err((None, "Địa chỉ nhận không hợp lệ.".into(), false)),
    }
    let ts = Utc::now().timestamp();
    let signature = webhook::signature_header(&sign(&sub.secret, ts, &row.payload));
    let client = client(receivers).map_err(|e| (None, format!("Chưa tạo được kết nối gửi ({e})."), true))?;
    let r = client
        .post(&sub.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Baocao-Event", row.event.as_str())
        .header("X-Baocao-Delivery", row.id.to_string())
        .header("X-Baocao-Timestamp", ts.to_string())
        .header("X-Baocao-Signature", signature)
        .body(row.payload.clone())
        .send()
        .await;
    match r {
        Ok(resp) => {
            let code = resp.status().as_u16();
            if webhook::is_delivered(code) {
                Ok(code as i32)
            } else {
                Err((Some(code as i32), format!("Máy nhận trả lời HTTP {code}."), true))
            }
        }
        Err(e) => Err(match refusal_in(&e) {
            Some(why) => (None, why, false),
            None if e.is_timeout() => (None, format!("Máy nhận không trả lời trong {TIMEOUT_SECS} giây."), true),
            None if e.is_connect() => (None, "Không kết nối được tới máy nhận.".into(), true),
            None if e.is_builder() => (None, "Địa chỉ nhận không hợp lệ.".into(), false),
            None => (None, "Lỗi khi gửi tới máy nhận.".into(), true),
        }),
    }
}

/// How long delivered and failed rows stay in the log.
pub const KEEP_DAYS: i64 = 90;

/// Removes delivered and failed rows older than [`KEEP_DAYS`] (each status
/// change writes one per subscription, with its whole body).
pub async fn purge(db: &crate::Db, now: DateTime<Utc>) -> Result<u64> {
    let r = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.ne(DeliveryStatus::Pending.code()))
        .filter(webhook_delivery::Column::CreatedAt.lt(now - Duration::days(KEEP_DAYS)))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2, through the signing input.
    #[test]
    fn hmac_sha256_matches_the_rfc() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac.finalize().into_bytes()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // The signed text is "ts.body": a different timestamp or body signs differently.
        let a = sign("whsec_x", 1, "{}");
        assert_eq!(a.len(), 64);
        assert_ne!(a, sign("whsec_x", 2, "{}"));
        assert_ne!(a, sign("whsec_y", 1, "{}"));
        assert_eq!(a, sign("whsec_x", 1, "{}"));
    }

    /// A name is checked as resolved, on the address the connection would
    /// be made to; the refusal is found through the HTTP client's error.
    #[tokio::test]
    async fn names_resolving_inside_are_refused_by_the_client() {
        use reqwest::dns::Resolve;
        let err = PublicResolver.resolve("localhost".parse().unwrap()).await.err().expect("localhost is refused");
        assert!(refusal_in(&*err).unwrap().contains("loopback"), "{err}");
        let sent = client(Receivers::PublicOnly).unwrap().post("http://localhost:9/hook").send().await;
        let why = refusal_in(&sent.expect_err("never sent")).expect("the refusal, not a connection error");
        assert!(why.contains("127.0.0.1") || why.contains("::1"), "{why}");
    }

    #[test]
    fn literal_addresses_and_local_names_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:8080/h",
            "http://[::1]/h",
            "http://169.254.169.254/latest",
            "http://LOCALHOST./h",
            "http://a.localhost/h",
            "https://10.0.0.5/h",
        ] {
            let u = reqwest::Url::parse(url).unwrap();
            let why = Receivers::PublicOnly.refusal_of_url(&u).unwrap_or_else(|| panic!("{url} must be refused"));
            assert!(why.contains("BAOCAO_WEBHOOK_PRIVATE"), "{why}");
            assert_eq!(Receivers::AnyAddress.refusal_of_url(&u), None, "{url} allowed on request");
        }
        for url in ["https://ioc.sonla.gov.vn/h", "https://203.113.131.1/h", "http://localhost-ioc.vn/h"] {
            assert_eq!(Receivers::PublicOnly.refusal_of_url(&reqwest::Url::parse(url).unwrap()), None, "{url}");
        }
    }
}
