//! Issue 14, "Push": webhooks. A real receiver (axum on 127.0.0.1:0)
//! subscribed by the administrator gets the events of a report sent,
//! accepted and reopened through the ordinary flow, signed with the
//! subscription's secret; a receiver answering 500 is retried on the
//! backoff schedule and ends failed; a receiver that never answers does not
//! slow the save; only the administrator manages subscriptions and the
//! secret is never shown again.

use crate::helpers::*;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::report::{ReportStatus, Transition};
use domain::webhook::{RETRY_AFTER_SECS, WebhookEvent};
use domain::{Actor, Role};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use service::feeds::webhooks::{DeliveryRun, Receivers, WebhookRequest, deliver_due};
use std::sync::{Arc, Mutex};

crate::on_both_backends!(
    deliveries_are_signed_once_and_logged,
    a_failing_receiver_is_retried_then_fails,
    subscriptions_are_checked_and_admin_only,
    a_receiver_inside_is_never_reached_unless_allowed,
);

/// An instant given in Vietnamese local time.
fn vn(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, s).unwrap()) - Duration::hours(7)
}

async fn actor_of(app: &TestApp, username: &str) -> Actor {
    let u = entity::app_user::Entity::find().filter(entity::app_user::Column::Username.eq(username)).one(&app.db).await.unwrap().unwrap();
    Actor { user_id: u.id, role: Role::from_code(&u.role).unwrap(), unit_id: u.unit_id }
}

/// What a receiver got: headers and the exact body.
type Inbox = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver answering `status` to every POST on `/hook`.
async fn receiver(status: u16) -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            post(|State((inbox, status)): State<(Inbox, u16)>, headers: HeaderMap, body: String| async move {
                inbox.lock().unwrap().push((headers, body));
                axum::http::StatusCode::from_u16(status).unwrap()
            }),
        )
        .with_state((inbox.clone(), status));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (format!("http://{addr}/hook"), inbox)
}

async fn subscribe(app: &TestApp, name: &str, url: &str, events: &[WebhookEvent]) -> (i32, String) {
    let admin = actor_of(app, "quantri").await;
    let req = WebhookRequest { name: name.into(), url: url.into(), events: events.to_vec() };
    // The receivers of these tests listen on 127.0.0.1: an installation
    // with BAOCAO_WEBHOOK_PRIVATE=true.
    let made = service::feeds::webhooks::create(&app.db, &admin, req, Receivers::AnyAddress, Utc::now()).await.unwrap();
    (made.view.id, made.secret)
}

/// Phường Tô Hiệu's July 2031 report, filled in and sent by its clerk (to
/// the unit leader), then approved at `approve_at`: sent.
async fn send_report(app: &TestApp, approve_at: DateTime<Utc>) -> i32 {
    let clerk = actor_of(app, "cv.tohieu").await;
    let leader = actor_of(app, "ld.tohieu").await;
    let xa = entity::regime::Entity::find().filter(entity::regime::Column::Code.eq("KTXH_XA")).one(&app.db).await.unwrap().unwrap();
    let t0 = vn(2031, 7, 15, 9, 0, 0);
    let id = service::reports::start(&app.db, &clerk, xa.id, "2031-07", t0).await.unwrap();
    let done = service::reports::save_and_send(&app.db, &clerk, id, 0, commune_figures(), service::reports::Source::Form, t0).await.unwrap();
    assert_eq!(done.sent.unwrap(), ReportStatus::AwaitingApproval);
    let s = service::reports::transition(&app.db, &leader, id, Transition::Approve, "", approve_at).await.unwrap();
    assert_eq!(s, ReportStatus::Sent);
    id
}

async fn deliveries(app: &TestApp) -> Vec<entity::webhook_delivery::Model> {
    entity::webhook_delivery::Entity::find().order_by_asc(entity::webhook_delivery::Column::Id).all(&app.db).await.unwrap()
}

/// The receiver's check: the signature is the HMAC-SHA256 of
/// "timestamp.body" with the secret.
fn verify(secret: &str, headers: &HeaderMap, body: &str) {
    let ts = headers["x-baocao-timestamp"].to_str().unwrap();
    assert!(ts.parse::<i64>().unwrap() > 1_700_000_000, "a Unix timestamp");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{ts}.{body}").as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(headers["x-baocao-signature"].to_str().unwrap(), expected);
    assert_eq!(headers["content-type"], "application/json");
}

async fn deliveries_are_signed_once_and_logged(b: Backend) {
    let app = spawn_app(b).await;
    let (url, inbox) = receiver(204).await;
    let (other_url, other_inbox) = receiver(200).await;
    let (_, secret) = subscribe(&app, "IOC Sơn La", &url, &WebhookEvent::ALL).await;
    let (_, other_secret) = subscribe(&app, "Chỉ trả lại", &other_url, &[WebhookEvent::ReportReturned]).await;
    assert!(secret.starts_with("whsec_") && secret != other_secret);

    // Sent: two events queued with the status change, nothing sent yet.
    let at = vn(2031, 7, 16, 10, 0, 0);
    let id = send_report(&app, at).await;
    let rows = deliveries(&app).await;
    assert_eq!(
        rows.iter().map(|r| (r.event.as_str(), r.status.as_str())).collect::<Vec<_>>(),
        vec![("report.sent", "pending"), ("aggregate.changed", "pending")]
    );
    assert!(inbox.lock().unwrap().is_empty(), "no network in the save");

    // Two workers at once: each row is sent exactly once.
    let (a, b2) = tokio::join!(deliver_due(&app.db, Receivers::AnyAddress, at), deliver_due(&app.db, Receivers::AnyAddress, at));
    let (a, b2) = (a.unwrap(), b2.unwrap());
    assert_eq!(a.delivered + b2.delivered, 2, "{a:?} {b2:?}");
    assert_eq!(deliver_due(&app.db, Receivers::AnyAddress, at + Duration::hours(1)).await.unwrap(), DeliveryRun::default(), "nothing left");
    {
        let got = inbox.lock().unwrap().clone();
        assert_eq!(got.len(), 2);
        let rows = deliveries(&app).await;
        let mut events = Vec::new();
        for (h, body) in got.iter() {
            verify(&secret, h, body);
            let v: Value = serde_json::from_str(body).unwrap();
            let event = h["x-baocao-event"].to_str().unwrap().to_string();
            assert_eq!(v["event"], event.as_str());
            let did: i64 = h["x-baocao-delivery"].to_str().unwrap().parse().unwrap();
            let row = rows.iter().find(|r| r.id == did).expect("the delivery id names its row");
            assert_eq!(row.event, event);
            assert_eq!((row.status.as_str(), row.attempts, row.http_status), ("delivered", 1, Some(204)));
            assert_eq!(v["report"]["id"], id);
            assert_eq!(v["report"]["unit_code"], "03646");
            assert_eq!(v["report"]["regime_code"], "KTXH_XA");
            assert_eq!(v["report"]["period_key"], "2031-07");
            assert_eq!(v["report"]["status"], "da_gui");
            if event == "aggregate.changed" {
                assert_eq!(
                    (v["unit_code"].as_str(), v["regime_code"].as_str(), v["period_key"].as_str()),
                    (Some("03646"), Some("KTXH_XA"), Some("2031-07"))
                );
                let codes: Vec<&str> = v["indicator_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
                assert!(codes.contains(&"HC01") && codes.contains(&"NS01") && codes.contains(&"DS03"), "{codes:?}");
                assert_eq!(v["counted"]["sent_or_accepted"], true);
                assert_eq!(v["counted"]["accepted_only"], false);
            }
            // A forged body does not verify.
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(format!("{}.{}", h["x-baocao-timestamp"].to_str().unwrap(), body.replace("03646", "03647")).as_bytes());
            assert_ne!(h["x-baocao-signature"].to_str().unwrap(), format!("sha256={}", hex::encode(mac.finalize().into_bytes())));
            events.push(event);
        }
        events.sort();
        assert_eq!(events, vec!["aggregate.changed", "report.sent"]);
    }
    assert!(other_inbox.lock().unwrap().is_empty(), "a subscription gets only the events it chose");

    // Accepted, then reopened (returned): the second subscription gets the return only.
    let office = actor_of(&app, "vp.tonghop").await;
    service::reports::transition(&app.db, &office, id, Transition::Accept, "", at + Duration::hours(1)).await.unwrap();
    service::reports::transition(&app.db, &office, id, Transition::Reopen, "Cần sửa số hộ.", at + Duration::hours(2)).await.unwrap();
    let run = deliver_due(&app.db, Receivers::AnyAddress, at + Duration::hours(3)).await.unwrap();
    assert_eq!(run, DeliveryRun { delivered: 5, ..Default::default() });
    let got: Vec<(String, Value)> = inbox
        .lock()
        .unwrap()
        .iter()
        .skip(2)
        .map(|(h, b)| {
            verify(&secret, h, b);
            (h["x-baocao-event"].to_str().unwrap().to_string(), serde_json::from_str(b).unwrap())
        })
        .collect();
    let mut names: Vec<&str> = got.iter().map(|(e, _)| e.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["aggregate.changed", "aggregate.changed", "report.accepted", "report.returned"]);
    let back = got.iter().find(|(e, v)| e == "aggregate.changed" && v["report"]["status"] == "tra_lai").expect("taken back");
    assert_eq!((back.1["counted"]["sent_or_accepted"].as_bool(), back.1["report"]["previous_status"].as_str()), (Some(false), Some("da_tiep_nhan")));
    let other = other_inbox.lock().unwrap().clone();
    assert_eq!(other.len(), 1);
    verify(&other_secret, &other[0].0, &other[0].1);
    assert_eq!(other[0].0["x-baocao-event"], "report.returned");

    // The log, as the administrator reads it.
    app.sign_in_ok("quantri").await;
    let page: Value = app.query("quan-tri/webhook", &[]).await.json().await.unwrap();
    assert_eq!(page["deliveries"].as_array().unwrap().len(), 7);
    assert!(page["deliveries"].as_array().unwrap().iter().all(|d| d["status"] == "Delivered" && d["attempts"] == 1));
    let text = page.to_string();
    assert!(!text.contains(&secret) && !text.contains(&other_secret) && !text.contains("whsec_"), "never the secret");
    let (status, html) = app.get_html("/quan-tri/webhook").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("IOC Sơn La") && html.contains("Đã gửi thành công") && html.contains("Báo cáo bị trả lại"));
    assert!(!html.contains("whsec_"), "the secret is never shown again");
    app.stop().await;
}

async fn a_failing_receiver_is_retried_then_fails(b: Backend) {
    let app = spawn_app(b).await;
    let (url, inbox) = receiver(500).await;
    let (id, _) = subscribe(&app, "Máy nhận hỏng", &url, &[WebhookEvent::ReportSent]).await;
    // A receiver that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}/hook", silent.local_addr().unwrap());
    let (_, _) = subscribe(&app, "Máy nhận im lặng", &silent_url, &[WebhookEvent::ReportSent]).await;

    let at = vn(2031, 7, 16, 10, 0, 0);
    let started = std::time::Instant::now();
    send_report(&app, at).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(8), "the save never waits for a receiver");
    let row_of = |rows: Vec<entity::webhook_delivery::Model>| rows.into_iter().find(|r| r.subscription_id == id).unwrap();

    // The silent one times out after 10 s and waits a minute, like the failing one.
    let run = deliver_due(&app.db, Receivers::AnyAddress, at).await.unwrap();
    assert_eq!(run, DeliveryRun { retried: 2, ..Default::default() });
    let silent_row = deliveries(&app).await.into_iter().find(|r| r.subscription_id != id).unwrap();
    assert!(silent_row.last_error.as_deref().unwrap().contains("10 giây"), "{:?}", silent_row.last_error);
    assert_eq!(silent_row.http_status, None);
    service::feeds::webhooks::deactivate(&app.db, &actor_of(&app, "quantri").await, silent_row.subscription_id).await.unwrap();

    let mut now = at;
    for attempt in 1..=RETRY_AFTER_SECS.len() + 1 {
        if attempt > 1 {
            let row = row_of(deliveries(&app).await);
            let due = row.next_attempt_at.unwrap();
            assert_eq!(due, now + Duration::seconds(RETRY_AFTER_SECS[attempt - 2]), "backoff after attempt {}", attempt - 1);
            assert_eq!(deliver_due(&app.db, Receivers::AnyAddress, due - Duration::seconds(1)).await.unwrap(), DeliveryRun::default(), "not due yet");
            now = due;
            let run = deliver_due(&app.db, Receivers::AnyAddress, now).await.unwrap();
            let want = if attempt == RETRY_AFTER_SECS.len() + 1 {
                DeliveryRun { failed: 1, ..Default::default() }
            } else {
                DeliveryRun { retried: 1, ..Default::default() }
            };
            assert_eq!(run, want, "attempt {attempt}");
        }
        let row = row_of(deliveries(&app).await);
        assert_eq!((row.attempts, row.http_status), (attempt as i32, Some(500)));
        assert_eq!(row.last_attempt_at, Some(now));
        assert!(row.last_error.as_deref().unwrap().contains("HTTP 500"));
        assert_eq!(inbox.lock().unwrap().len(), attempt);
    }
    let row = row_of(deliveries(&app).await);
    assert_eq!((row.status.as_str(), row.next_attempt_at, row.delivered_at), ("failed", None, None));
    assert_eq!(deliver_due(&app.db, Receivers::AnyAddress, now + Duration::days(30)).await.unwrap(), DeliveryRun::default(), "failed for good");
    assert_eq!(inbox.lock().unwrap().len(), 6);
    let silent_row = deliveries(&app).await.into_iter().find(|r| r.subscription_id != id).unwrap();
    assert_eq!((silent_row.status.as_str(), silent_row.attempts), ("failed", 1), "a deactivated subscription's rows stop");

    app.sign_in_ok("quantri").await;
    let (_, html) = app.get_html("/quan-tri/webhook").await;
    assert!(html.contains("Thất bại") && html.contains("Máy nhận trả lời HTTP 500.") && html.contains("Đã tắt"));
    app.stop().await;
}

/// A subscription made while private receivers were allowed, delivered by
/// a server where they are not (the setting was switched off, or the name
/// now points inside): the row fails at once with the reason, and the
/// receiver gets nothing.
async fn a_receiver_inside_is_never_reached_unless_allowed(b: Backend) {
    let app = spawn_app(b).await;
    let (url, inbox) = receiver(200).await;
    let (id, _) = subscribe(&app, "IOC nội bộ", &url, &[WebhookEvent::ReportSent]).await;
    let named = url.replace("127.0.0.1", "localhost");
    let (named_id, _) = subscribe(&app, "IOC theo tên", &named, &[WebhookEvent::ReportSent]).await;
    let at = vn(2031, 7, 16, 10, 0, 0);
    send_report(&app, at).await;
    let run = deliver_due(&app.db, Receivers::PublicOnly, at).await.unwrap();
    assert_eq!(run, DeliveryRun { failed: 2, ..Default::default() });
    assert!(inbox.lock().unwrap().is_empty(), "nothing reached the receiver");
    for (sub, addr) in [(id, "127.0.0.1"), (named_id, "127.0.0.1")] {
        let row = deliveries(&app).await.into_iter().find(|r| r.subscription_id == sub).unwrap();
        assert_eq!((row.status.as_str(), row.attempts, row.next_attempt_at), ("failed", 1, None), "not retried");
        let error = row.last_error.unwrap();
        assert!(error.contains(addr) && error.contains("BAOCAO_WEBHOOK_PRIVATE"), "{error}");
    }
    app.stop().await;
}

async fn subscriptions_are_checked_and_admin_only(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let long = format!("https://ioc.sonla.gov.vn/{}", "a".repeat(500));
    for (fields, field) in [
        (vec![("name", ""), ("url", "https://ioc.sonla.gov.vn/h"), ("ev_sent", "1")], "name"),
        (vec![("name", "IOC"), ("url", "ftp://ioc.sonla.gov.vn/h"), ("ev_sent", "1")], "url"),
        (vec![("name", "IOC"), ("url", "https://u:p@ioc.sonla.gov.vn/h"), ("ev_sent", "1")], "url"),
        (vec![("name", "IOC"), ("url", long.as_str()), ("ev_sent", "1")], "url"),
        (vec![("name", "IOC"), ("url", "https://ioc.sonla.gov.vn/h")], "events"),
        // Passes the words' check, but no HTTP client could send to it.
        (vec![("name", "IOC"), ("url", "http://[zzz]/h"), ("ev_sent", "1")], "url"),
        (vec![("name", "IOC"), ("url", "http://ioc.sonla.gov.vn:99999/h"), ("ev_sent", "1")], "url"),
        // Inside the server's own network (BAOCAO_WEBHOOK_PRIVATE is off).
        (vec![("name", "IOC"), ("url", "http://127.0.0.1:8080/h"), ("ev_sent", "1")], "chỉ gửi tới địa chỉ công khai"),
        (vec![("name", "IOC"), ("url", "http://169.254.169.254/latest/meta-data"), ("ev_sent", "1")], "169.254.169.254"),
        (vec![("name", "IOC"), ("url", "http://[::ffff:10.0.0.1]/h"), ("ev_sent", "1")], "mạng nội bộ"),
        (vec![("name", "IOC"), ("url", "http://localhost/h"), ("ev_sent", "1")], "loopback"),
    ] {
        let r = app.call("quan-tri/webhook/tao", &fields).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let body = r.text().await.unwrap();
        assert!(body.contains(field), "{field}: {body}");
    }
    assert!(deliveries(&app).await.is_empty());
    assert!(entity::webhook_subscription::Entity::find().all(&app.db).await.unwrap().is_empty(), "nothing half-written");

    let r = app.call("quan-tri/webhook/tao", &[("name", "IOC Sơn La"), ("url", "https://ioc.sonla.gov.vn/h"), ("ev_accepted", "1")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let made: Value = r.json().await.unwrap();
    let secret = made["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), "whsec_".len() + 64);
    assert_eq!(made["view"]["events"], serde_json::json!(["ReportAccepted"]));
    let id = made["view"]["id"].as_i64().unwrap().to_string();
    let stored = entity::webhook_subscription::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.secret, secret, "kept so the server can sign");
    assert!(!format!("{stored:?}").contains(&secret), "never in a log line");

    // Nobody else lists, creates, switches off or deletes.
    for who in ["cv.tohieu", "ld.tohieu", "vp.tonghop", "ld.tinh"] {
        let c = app.another_browser();
        c.sign_in_ok(who).await;
        assert_eq!(c.query("quan-tri/webhook", &[]).await.status(), StatusCode::FORBIDDEN, "{who} lists");
        let r = c.call("quan-tri/webhook/tao", &[("name", "X"), ("url", "https://x.vn/h"), ("ev_sent", "1")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who} creates");
        assert_eq!(c.call("quan-tri/webhook/tat", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN, "{who} switches off");
        assert_eq!(c.call("quan-tri/webhook/xoa", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN, "{who} deletes");
        let (status, html) = c.get_html("/quan-tri/webhook").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who} opens the page");
        assert!(!html.contains("ioc.sonla.gov.vn"));
    }
    assert_eq!(app.another_browser().query("quan-tri/webhook", &[]).await.status(), StatusCode::UNAUTHORIZED);
    let stored = entity::webhook_subscription::Entity::find().all(&app.db).await.unwrap();
    assert_eq!((stored.len(), stored[0].active), (1, true), "nothing changed");

    // The administrator switches it off, then deletes it.
    assert_eq!(app.call("quan-tri/webhook/tat", &[("id", &id)]).await.status(), StatusCode::OK);
    let page: Value = app.query("quan-tri/webhook", &[]).await.json().await.unwrap();
    assert_eq!(page["subscriptions"][0]["active"], false);
    assert!(!page.to_string().contains(&secret));
    assert_eq!(app.call("quan-tri/webhook/xoa", &[("id", &id)]).await.status(), StatusCode::OK);
    assert!(entity::webhook_subscription::Entity::find().all(&app.db).await.unwrap().is_empty());
    assert_eq!(app.call("quan-tri/webhook/xoa", &[("id", &id)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.call("quan-tri/webhook/tat", &[("id", &id)]).await.status(), StatusCode::NOT_FOUND);

    // At most MAX_SUBSCRIPTIONS: the next one is refused and nothing is stored.
    for n in 0..service::feeds::webhooks::MAX_SUBSCRIPTIONS {
        subscribe(&app, &format!("IOC {n}"), "https://ioc.sonla.gov.vn/h", &[WebhookEvent::ReportSent]).await;
    }
    let r = app.call("quan-tri/webhook/tao", &[("name", "Thừa"), ("url", "https://ioc.sonla.gov.vn/h"), ("ev_sent", "1")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let count = entity::webhook_subscription::Entity::find().all(&app.db).await.unwrap().len() as u64;
    assert_eq!(count, service::feeds::webhooks::MAX_SUBSCRIPTIONS);
    app.stop().await;
}
