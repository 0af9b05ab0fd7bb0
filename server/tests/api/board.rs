//! The provincial office's board: exact counts on a seeded period where
//! every status occurs, on time against late at the deadline boundary
//! (Vietnamese time, a deadline moved past a holiday), expectations of a
//! past period after the regime gained a unit, who may act, and reminders
//! produced once (notifications, and e-mails through a real SMTP server).

use crate::helpers::*;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::board::CellStatus;
use domain::office::{Board, BoardFilter};
use domain::report::{ReportStatus, Transition};
use domain::{Actor, Role};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

crate::on_both_backends!(
    every_status_is_counted_exactly,
    on_time_and_late_at_the_deadline_boundary,
    a_past_period_keeps_its_expectations,
    only_the_office_acts_and_only_on_what_it_may,
    reminders_are_produced_once,
    a_deactivated_unit_is_expected_by_no_one,
);

/// An instant given in Vietnamese local time.
fn vn(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, s).unwrap()) - chrono::Duration::hours(7)
}

async fn user(app: &TestApp, username: &str) -> entity::app_user::Model {
    entity::app_user::Entity::find().filter(entity::app_user::Column::Username.eq(username)).one(&app.db).await.unwrap().unwrap()
}

async fn actor_of(app: &TestApp, username: &str) -> Actor {
    let u = user(app, username).await;
    Actor { user_id: u.id, role: Role::from_code(&u.role).unwrap(), unit_id: u.unit_id }
}

async fn regime(app: &TestApp, code: &str) -> entity::regime::Model {
    entity::regime::Entity::find().filter(entity::regime::Column::Code.eq(code)).one(&app.db).await.unwrap().unwrap()
}

async fn latest_version(app: &TestApp, regime_id: i32) -> entity::regime_version::Model {
    entity::regime_version::Entity::find()
        .filter(entity::regime_version::Column::RegimeId.eq(regime_id))
        .order_by_desc(entity::regime_version::Column::Version)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn bound_units(app: &TestApp, version_id: i32) -> Vec<i32> {
    entity::regime_unit::Entity::find()
        .filter(entity::regime_unit::Column::RegimeVersionId.eq(version_id))
        .order_by_asc(entity::regime_unit::Column::UnitId)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.unit_id)
        .collect()
}

fn reviewer() -> Actor {
    Actor { user_id: 0, role: Role::Reviewer, unit_id: 0 }
}

async fn board_of(app: &TestApp, year: i32, month: u32, now: DateTime<Utc>) -> Board {
    let f = BoardFilter { year, month, ..Default::default() };
    service::board::matrix::board(&app.db, &reviewer(), f, now).await.unwrap()
}

fn cell_of(b: &Board, regime_id: i32, unit_id: i32) -> Option<domain::board::Cell> {
    let col = b.columns.iter().position(|c| c.regime_id == regime_id)?;
    let row = b.rows.iter().find(|r| r.unit_id == unit_id)?;
    row.cells[col].as_ref().map(|c| c.cell)
}

/// A report written straight into the table, as the generator writes them.
async fn seed(
    app: &TestApp,
    regime_id: i32,
    version_id: i32,
    unit_id: i32,
    period: &str,
    status: ReportStatus,
    sent: Option<(DateTime<Utc>, bool)>,
) -> i32 {
    use sea_orm::ActiveModelTrait;
    let now = Utc::now();
    entity::report::ActiveModel {
        regime_id: Set(regime_id),
        regime_version_id: Set(version_id),
        unit_id: Set(unit_id),
        period_key: Set(period.into()),
        status: Set(status.code().into()),
        row_version: Set(1),
        narrative: Set("[]".into()),
        explanations: Set("{}".into()),
        window_exception_until: Set(None),
        created_at: Set(now),
        created_by: Set(None),
        updated_at: Set(now),
        updated_by: Set(None),
        sent_at: Set(sent.map(|s| s.0)),
        sent_by: Set(None),
        on_time: Set(sent.map(|s| s.1)),
        approved_at: Set(None),
        approved_by: Set(None),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        return_reason: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

/// December 2031: the communes' monthly report is due Monday 22/12 (the
/// 20th is a Saturday), the half-year resolution report (departments and
/// communes) was due Monday 15/12. On 17/12 every status occurs.
async fn every_status_is_counted_exactly(b: Backend) {
    let app = spawn_app(b).await;
    let (xa, nq) = (regime(&app, "KTXH_XA").await, regime(&app, "NQ17_TU").await);
    let (xa_v, nq_v) = (latest_version(&app, xa.id).await, latest_version(&app, nq.id).await);
    let (xa_units, nq_units) = (bound_units(&app, xa_v.id).await, bound_units(&app, nq_v.id).await);
    let c = &xa_units[..6];
    let sent_early = vn(2031, 12, 10, 9, 0, 0);
    seed(&app, xa.id, xa_v.id, c[0], "2031-12", ReportStatus::Draft, None).await;
    seed(&app, xa.id, xa_v.id, c[1], "2031-12", ReportStatus::AwaitingApproval, None).await;
    seed(&app, xa.id, xa_v.id, c[2], "2031-12", ReportStatus::Sent, Some((sent_early, true))).await;
    seed(&app, xa.id, xa_v.id, c[3], "2031-12", ReportStatus::Returned, Some((sent_early, true))).await;
    seed(&app, xa.id, xa_v.id, c[4], "2031-12", ReportStatus::Accepted, Some((sent_early, true))).await;
    seed(&app, nq.id, nq_v.id, c[5], "2031-S2", ReportStatus::Sent, Some((vn(2031, 12, 16, 8, 0, 0), false))).await;
    let now = vn(2031, 12, 17, 10, 0, 0);
    let board = board_of(&app, 2031, 12, now).await;

    let want = [
        (xa.id, c[0], CellStatus::Drafting),
        (xa.id, c[1], CellStatus::AwaitingApproval),
        (xa.id, c[2], CellStatus::SentOnTime),
        (xa.id, c[3], CellStatus::Returned),
        (xa.id, c[4], CellStatus::Accepted),
        (xa.id, c[5], CellStatus::NotStarted),
        (nq.id, c[5], CellStatus::SentLate),
        (nq.id, c[0], CellStatus::OverdueMissing),
    ];
    for (r, u, s) in want {
        assert_eq!(cell_of(&board, r, u).map(|c| c.status), Some(s), "regime {r} unit {u}");
    }
    assert_eq!(cell_of(&board, nq.id, c[5]).unwrap().days_late, Some(1), "sent 16/12 for a deadline of 15/12");
    assert_eq!(cell_of(&board, nq.id, c[0]).unwrap().days_late, Some(2), "still missing two days after");
    let seen: std::collections::HashSet<CellStatus> = board.rows.iter().flat_map(|r| r.cells.iter().flatten().map(|c| c.cell.status)).collect();
    assert_eq!(seen.len(), CellStatus::ALL.len(), "every status occurs: {seen:?}");

    let col = |id: i32| board.columns.iter().find(|c| c.regime_id == id).unwrap().tally;
    let (n_xa, n_nq) = (xa_units.len() as u32, nq_units.len() as u32);
    let t = col(xa.id);
    assert_eq!((t.expected, t.sent, t.on_time, t.late, t.missing, t.accepted, t.overdue), (n_xa, 2, 2, 0, n_xa - 2, 1, 0));
    let t = col(nq.id);
    assert_eq!((t.expected, t.sent, t.on_time, t.late, t.missing, t.accepted, t.overdue), (n_nq, 1, 0, 1, n_nq - 1, 0, n_nq - 1));
    // Other regimes of December add their own; the total is the sum of the columns.
    let sum: u32 = board.columns.iter().map(|c| c.tally.expected).sum();
    assert_eq!(board.total.expected, sum);
    assert_eq!(board.rows.iter().map(|r| r.tally.expected).sum::<u32>(), sum, "rows and columns agree");
    let row = board.rows.iter().find(|r| r.unit_id == c[5]).unwrap();
    assert_eq!(row.tally.sent, 1);

    // Sorting by lateness puts a unit with an overdue report first.
    let late_first = service::board::matrix::board(
        &app.db,
        &reviewer(),
        BoardFilter { year: 2031, month: 12, sort: domain::office::BoardSort::Lateness, ..Default::default() },
        now,
    )
    .await
    .unwrap();
    assert!(late_first.rows[0].tally.overdue > 0);
    // The workbook is the same board, laid out to file.
    let xlsx =
        service::board::workbook::export(&app.db, &reviewer(), BoardFilter { year: 2031, month: 12, ..Default::default() }, now).await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX (zip) file");

    // The page and the download, as the office opens them.
    app.sign_in_ok("vp.tonghop").await;
    let (s, html) = app.get_html("/tinh-hinh-bao-cao?thang=2031-12").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Tình hình báo cáo") && html.contains("Chưa lập"), "the board in words");
    let r = app.get("/tai-xuong/tinh-hinh-bao-cao.xlsx?thang=2031-12").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("tinh-hinh-bao-cao-2031-12.xlsx"));
    app.stop().await;
}

/// A clerk and a leader for a commune that has none in the demo.
async fn people_of(app: &TestApp, unit_id: i32, tag: &str) -> (Actor, Actor) {
    let admin = actor_of(app, "quantri").await;
    let mk = |role: &str, name: &str| service::users::NewUser {
        username: format!("{name}.{tag}"),
        full_name: format!("Người thử {name}"),
        role: role.into(),
        unit_id,
        password: "TamThoi2025".into(),
    };
    let clerk = service::users::create_user(&app.db, &admin, mk("clerk", "cv")).await.unwrap();
    let leader = service::users::create_user(&app.db, &admin, mk("unit_leader", "ld")).await.unwrap();
    (Actor { user_id: clerk, role: Role::Clerk, unit_id }, Actor { user_id: leader, role: Role::UnitLeader, unit_id })
}

/// July 2031: the 20th is a Sunday, Monday 21st is made a holiday, so the
/// deadline is Tuesday 22/07. Approved (and so sent) at 23:59:59 on the
/// 22nd, Vietnamese time: on time; at 00:00:00 on the 23rd: late.
async fn on_time_and_late_at_the_deadline_boundary(b: Backend) {
    let app = spawn_app(b).await;
    let admin = actor_of(&app, "quantri").await;
    service::catalogue::holidays::add(&app.db, &admin, "21/07/2031", "Ngày nghỉ thử", false).await.unwrap();
    let xa = regime(&app, "KTXH_XA").await;
    let v = latest_version(&app, xa.id).await;
    let units = bound_units(&app, v.id).await;
    let (u1, u2) = (units[10], units[11]);
    let mut sent = Vec::new();
    for (unit, tag, approve_at) in [(u1, "a", vn(2031, 7, 22, 23, 59, 59)), (u2, "b", vn(2031, 7, 23, 0, 0, 0))] {
        let (clerk, leader) = people_of(&app, unit, tag).await;
        let t0 = vn(2031, 7, 15, 9, 0, 0);
        let id = service::reports::start(&app.db, &clerk, xa.id, "2031-07", t0).await.unwrap();
        let done = service::reports::save_and_send(&app.db, &clerk, id, 0, commune_figures(), service::reports::Source::Form, t0).await.unwrap();
        assert_eq!(done.sent.unwrap(), ReportStatus::AwaitingApproval);
        let s = service::reports::transition(&app.db, &leader, id, Transition::Approve, "", approve_at).await.unwrap();
        assert_eq!(s, ReportStatus::Sent);
        sent.push(id);
    }
    let board = board_of(&app, 2031, 7, vn(2031, 7, 24, 8, 0, 0)).await;
    let col = board.columns.iter().find(|c| c.regime_id == xa.id).unwrap();
    assert_eq!(col.deadline, NaiveDate::from_ymd_opt(2031, 7, 22).unwrap(), "Sunday 20th, holiday Monday 21st: Tuesday 22nd");
    assert_eq!(cell_of(&board, xa.id, u1).map(|c| (c.status, c.days_late)), Some((CellStatus::SentOnTime, None)));
    assert_eq!(cell_of(&board, xa.id, u2).map(|c| (c.status, c.days_late)), Some((CellStatus::SentLate, Some(1))));
    assert_eq!((col.tally.on_time, col.tally.late), (1, 1));
    // The inbox shows both, oldest first, with their timing.
    let inbox = service::board::inbox::inbox(&app.db, &actor_of(&app, "vp.tonghop").await).await.unwrap();
    let ids: Vec<i32> = inbox.iter().map(|r| r.report_id).collect();
    assert_eq!(ids, sent);
    assert!(inbox[0].on_time && !inbox[1].on_time && inbox[1].days_late == 1);
    app.stop().await;
}

/// A regime gains a unit from today: past periods keep the units they had,
/// periods from today on expect the new one too.
async fn a_past_period_keeps_its_expectations(b: Backend) {
    let app = spawn_app(b).await;
    let admin = actor_of(&app, "quantri").await;
    let dl = regime(&app, "DL_THANG").await;
    let before = bound_units(&app, latest_version(&app, dl.id).await.id).await;
    let syt = app.unit_id("SYT").await;
    assert!(!before.contains(&syt));
    let mut form =
        domain::catalogue::RegimeFieldsForm::from_doc(&service::catalogue::regimes::version_doc(&app.db, dl.id, dl.current_version).await.unwrap());
    form.units = format!("{} SYT", form.units);
    service::catalogue::regimes::update_fields(&app.db, &admin, dl.id, form).await.unwrap();
    let now = Utc::now();
    service::catalogue::regimes::publish(&app.db, &admin, dl.id, None, now).await.unwrap();
    let today = domain::datefmt::vn_today(now);
    use chrono::Datelike;
    let (py, pm) = domain::period::add_months(today.year(), today.month(), -2);
    let past = board_of(&app, py, pm, now).await;
    let current = board_of(&app, today.year(), today.month(), now).await;
    assert!(cell_of(&past, dl.id, syt).is_none(), "two months ago Sở Y tế did not send this report");
    assert!(cell_of(&past, dl.id, before[0]).is_some());
    assert!(cell_of(&current, dl.id, syt).map(|c| c.status).is_some(), "this month it does");
    app.stop().await;
}

/// Only the office accepts, returns, reopens and grants exceptions; a clerk
/// cannot accept its own report; a unit leader cannot act on another unit.
async fn only_the_office_acts_and_only_on_what_it_may(b: Backend) {
    let app = spawn_app(b).await;
    let xa = regime(&app, "KTXH_XA").await;
    let v = latest_version(&app, xa.id).await;
    let th = app.unit_id("03646").await;
    let syt = app.unit_id("SYT").await;
    let id = seed(&app, xa.id, v.id, th, "2031-06", ReportStatus::Sent, Some((vn(2031, 6, 10, 9, 0, 0), true))).await;
    let other = seed(&app, xa.id, v.id, app.unit_id("03664").await, "2031-06", ReportStatus::Sent, Some((vn(2031, 6, 10, 9, 0, 0), true))).await;
    let key = format!("chon[{id}]");
    for who in ["cv.tohieu", "ld.tohieu", "cv.syt", "ld.syt", "ld.tinh", "quantri"] {
        let c = app.another_browser();
        c.sign_in_ok(who).await;
        let r = c.call("hop-thu/tiep-nhan", &[(&key, "1")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who} accepts from the inbox");
        let r = c.call("bao-cao/xu-ly", &[("id", &id.to_string()), ("action", "tiep_nhan")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who} accepts the report");
        let r = c
            .call(
                "tinh-hinh/gia-han",
                &[("regime_id", &xa.id.to_string()), ("unit_id", &th.to_string()), ("period", "2031-06"), ("until", "31/12/2099")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who} grants an exception");
    }
    // A leader of another unit does not even see it.
    let c = app.another_browser();
    c.sign_in_ok("ld.syt").await;
    assert_eq!(c.query("tinh-hinh/don-vi", &[("unit_id", &th.to_string())]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(c.query("tinh-hinh/don-vi", &[("unit_id", &syt.to_string())]).await.status(), StatusCode::OK);
    assert_eq!(service::board::actions::status_of(&app.db, id).await.unwrap(), Some(ReportStatus::Sent), "nothing changed");

    // The office: return one with a reason and a row note, accept the other in bulk.
    app.sign_in_ok("vp.tonghop").await;
    let r = app
        .call(
            "bao-cao/xu-ly",
            &[
                ("id", &id.to_string()),
                ("action", "tra_lai"),
                ("reason", "Số hộ nghèo chưa khớp."),
                ("row", "HC01"),
                ("row_note", "Kiểm tra lại số hồ sơ."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = app.call("hop-thu/tiep-nhan", &[(&format!("chon[{other}]"), "1"), (&format!("chon[{id}]"), "1")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let target: String = r.json().await.unwrap();
    assert!(target.contains("da-tiep-nhan=1&bo-qua=1"), "{target}: the returned one is skipped, named");
    assert_eq!(service::board::actions::status_of(&app.db, other).await.unwrap(), Some(ReportStatus::Accepted));
    assert_eq!(service::board::actions::status_of(&app.db, id).await.unwrap(), Some(ReportStatus::Returned));
    // The clerk sees the note beside the row, the reason in the bell, the action on the unit's page.
    let clerk = app.another_browser();
    clerk.sign_in_ok("cv.tohieu").await;
    let page: serde_json::Value = clerk.query("bao-cao/xem", &[("id", &id.to_string())]).await.json().await.unwrap();
    assert_eq!(page["review_notes"]["HC01"], "Kiểm tra lại số hồ sơ.");
    let n: u64 = clerk.query("thong-bao/dem", &[]).await.json().await.unwrap();
    assert_eq!(n, 1, "one notification: returned with its reason");
    let list: serde_json::Value = clerk.query("thong-bao", &[]).await.json().await.unwrap();
    assert!(list["items"][0]["text"].as_str().unwrap().contains("Số hộ nghèo chưa khớp."));
    let unit: serde_json::Value = clerk.query("tinh-hinh/don-vi", &[]).await.json().await.unwrap();
    assert!(unit["actions"][0]["what"].as_str().unwrap().contains("Trả lại"), "{unit}");
    // Reading marks it read.
    assert_eq!(clerk.call("thong-bao/da-doc", &[]).await.status(), StatusCode::OK);
    let n: u64 = clerk.query("thong-bao/dem", &[]).await.json().await.unwrap();
    assert_eq!(n, 0);

    // An exception for a unit and period with no report yet, then revoked; both on the unit's page.
    let r = app
        .call("tinh-hinh/gia-han", &[("regime_id", &xa.id.to_string()), ("unit_id", &th.to_string()), ("period", "2025-01"), ("until", "31/12/2099")])
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(service::board::actions::exception_until(&app.db, xa.id, th, "2025-01").await.unwrap(), NaiveDate::from_ymd_opt(2099, 12, 31));
    let r = app
        .call("tinh-hinh/gia-han", &[("regime_id", &xa.id.to_string()), ("unit_id", &th.to_string()), ("period", "2025-01"), ("thu_hoi", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(service::board::actions::exception_until(&app.db, xa.id, th, "2025-01").await.unwrap(), None);
    // A period the monthly regime does not have, a unit it does not bind: refused, naming the field; nothing stored.
    for (unit, period, field) in [(th, "2025", "period"), (th, "2025-Q1", "period"), (syt, "2025-01", "unit")] {
        let r = app
            .call(
                "tinh-hinh/gia-han",
                &[("regime_id", &xa.id.to_string()), ("unit_id", &unit.to_string()), ("period", period), ("until", "31/12/2099")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{period} for unit {unit}");
        let body = r.text().await.unwrap();
        assert!(body.contains(field), "{period}: {body}");
        assert_eq!(service::board::actions::exception_until(&app.db, xa.id, unit, period).await.unwrap(), None);
    }
    let actions = entity::office_action::Entity::find().filter(entity::office_action::Column::UnitId.eq(th)).count(&app.db).await.unwrap();
    assert_eq!(actions, 3, "returned, granted, revoked");
    app.stop().await;
}

/// Reads the messages an aiosmtpd Mailbox handler stored.
fn mailbox(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd.flatten() {
                out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    out
}

/// A real SMTP server on a free local port (Python's aiosmtpd, storing
/// what it receives in a maildir), stopped and removed when dropped, so a
/// failing test leaves no process behind.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn smtp_server() -> SmtpServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("baocao-mail-{port}-{}", std::process::id()));
    // A maildir needs its three folders; Python's Mailbox only makes them
    // for a directory that does not exist yet.
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let child = std::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 -m aiosmtpd (scripts/tools.sh ensure_aiosmtpd installs it)");
    let server = SmtpServer { child, port, dir };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("aiosmtpd did not start on port {port}");
}

/// Two runs of the day (one after the other, then two servers at once)
/// produce each notification and each e-mail once.
async fn reminders_are_produced_once(b: Backend) {
    let app = spawn_app(b).await;
    let smtp = smtp_server();
    let (port, dir) = (smtp.port, smtp.dir.clone());
    let mailer = service::reminders::mail::Mailer::new(&service::reminders::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        from: "Báo cáo Sơn La <baocao@sonla.example>".into(),
        tls: service::reminders::mail::TlsMode::None,
    })
    .unwrap();
    // 21/12/2031 (a Sunday): the communes' December report is due tomorrow (the 22nd), the half-year one is overdue.
    let now = vn(2031, 12, 21, 8, 0, 0);
    let settings = |owner: &str| service::reminders::daily::DailySettings { hour: 7, site_url: "http://baocao.test".into(), owner: owner.into() };
    let early = service::reminders::daily::run_if_due(&app.db, Some(&mailer), &settings("a"), vn(2031, 12, 21, 6, 59, 0)).await.unwrap();
    assert_eq!(early, None, "before the hour nothing runs");
    let first = service::reminders::daily::run_if_due(&app.db, Some(&mailer), &settings("a"), now).await.unwrap().expect("the day's run");
    assert!(first.notices > 0 && first.emails_sent > 0, "{first:?}");
    let notices = entity::notification::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(notices, first.notices);
    // The same day again, and on two servers at once: nothing new.
    let again = service::reminders::daily::run_if_due(&app.db, Some(&mailer), &settings("a"), now + chrono::Duration::hours(1)).await.unwrap();
    assert_eq!(again, None);
    let (x, y) = tokio::join!(
        service::reminders::daily::run_day(&app.db, Some(&mailer), "http://baocao.test", now),
        service::reminders::daily::run_day(&app.db, Some(&mailer), "http://baocao.test", now),
    );
    assert_eq!((x.unwrap().notices, y.unwrap().notices), (0, 0));
    assert_eq!(entity::notification::Entity::find().count(&app.db).await.unwrap(), notices);
    // What the SMTP server received: one digest per person with an address.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mails = mailbox(&dir);
    assert_eq!(mails.len() as u64, first.emails_sent, "each e-mail once");
    let tohieu = mails.iter().filter(|m| m.contains("cv.tohieu@sonla.example")).count();
    assert_eq!(tohieu, 1);
    let office = mails.iter().find(|m| m.contains("vp.tonghop@sonla.example")).expect("the office's summary");
    assert!(office.contains("Subject:"), "{office}");
    let clerk = user(&app, "cv.tohieu").await;
    let mine = entity::notification::Entity::find().filter(entity::notification::Column::UserId.eq(clerk.id)).all(&app.db).await.unwrap();
    let kinds: std::collections::HashSet<String> = mine.iter().map(|n| n.kind.clone()).collect();
    assert!(kinds.contains("sap_den_han") && kinds.contains("qua_han"), "{kinds:?}");
    // The next day: "due today" for the December report, once.
    let next =
        service::reminders::daily::run_if_due(&app.db, None, &settings("b"), vn(2031, 12, 22, 7, 0, 0)).await.unwrap().expect("the next day's run");
    assert!(next.notices > 0 && next.emails_sent == 0, "without SMTP nothing is sent and nothing fails: {next:?}");
    drop(smtp);
    app.stop().await;
}

/// Deactivating a unit takes it off every expectation at once: the board's
/// columns, the daily reminders and the roll-ups all read the same list.
async fn a_deactivated_unit_is_expected_by_no_one(b: Backend) {
    let app = spawn_app(b).await;
    let xa = regime(&app, "KTXH_XA").await;
    let u = app.unit_id("03664").await;
    let period = domain::period::Period::parse_key("2031-06").unwrap();
    let expects = |ex: &service::board::expected::Expectations| ex.column_for(xa.id, &period).expect("a column for June 2031").expects(u);
    assert!(expects(&service::board::expected::Expectations::load(&app.db).await.unwrap()));
    entity::org_unit::ActiveModel { id: Set(u), active: Set(false), ..Default::default() }.update(&app.db).await.unwrap();
    assert!(!expects(&service::board::expected::Expectations::load(&app.db).await.unwrap()), "deactivated: expected by no one");
    app.stop().await;
}
