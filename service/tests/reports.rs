//! The report and account use cases at the service level, without HTTP, on
//! SQLite and PostgreSQL: a report saved, submitted, approved, accepted and
//! returned by the people whose job each step is; another unit's clerk and a
//! stale save refused with nothing written; accounts made by the
//! administrator only, signed in, and locked out after wrong passwords.

use chrono::Utc;
use domain::Actor;
use domain::report::{ReportStatus, Transition};
use domain::reporting::Submission;
use entity::{report, report_event, report_value};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use service::ServiceError;
use service::auth::{AuthSettings, SignInRequest};
use service::reports::Source;

mod common;
use common::{Backend, actor, demo_db};

on_both_backends!(
    a_report_goes_from_draft_to_accepted_by_the_people_whose_step_it_is,
    another_units_clerk_and_a_stale_save_write_nothing,
    only_the_administrator_makes_accounts_and_wrong_passwords_lock_out,
    a_report_starts_from_the_previous_periods_accepted_figures,
);

/// The clerk's report of a regime for its first open period.
async fn open_report(db: &service::Db, clerk: &Actor, regime_code: &str) -> i32 {
    let due = service::reports::due_for_unit(db, clerk, clerk.unit_id, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == regime_code && d.state.accepts_entry()).expect("an open period");
    service::reports::start(db, clerk, d.regime_id, &d.period_key, Utc::now()).await.unwrap()
}

fn figures(pairs: &[(&str, &str)]) -> Submission {
    let mut s = Submission::default();
    for (k, v) in pairs {
        s.values.insert((*k).to_string(), (*v).to_string());
    }
    s
}

const HEALTH: &[(&str, &str)] = &[("YT01", "1.200"), ("YT02", "15.300"), ("YT03", "450"), ("YT04", "97,5"), ("YT05", "92,1"), ("YT06", "3")];

async fn row(db: &service::Db, id: i32) -> report::Model {
    report::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}

async fn values(db: &service::Db, id: i32) -> u64 {
    report_value::Entity::find().filter(report_value::Column::ReportId.eq(id)).count(db).await.unwrap()
}

async fn a_report_goes_from_draft_to_accepted_by_the_people_whose_step_it_is(b: Backend) {
    let db = demo_db(b, "flow").await;
    let (clerk, leader, office) = (actor(&db, "cv.syt").await, actor(&db, "ld.syt").await, actor(&db, "vp.tonghop").await);
    let id = open_report(&db, &clerk, "YTE_THANG").await;
    let now = Utc::now();

    // A draft keeps a figure it cannot read, as typed, and sending refuses it.
    let mut typed = figures(HEALTH);
    typed.values.insert("YT02".into(), "khoảng 15 nghìn".into());
    let saved = service::reports::save(&db, &clerk, id, row(&db, id).await.row_version, typed, Source::Form, now).await.unwrap();
    assert_eq!(saved.unreadable, 1);
    let refused = service::reports::transition(&db, &clerk, id, Transition::Send, "", now).await;
    assert!(matches!(refused, Err(ServiceError::Validation(_))), "{refused:?}");
    assert_eq!(row(&db, id).await.status, ReportStatus::Draft.code());

    // Fixed, it goes to the unit leader (the regime asks for approval), who sends it.
    let saved = service::reports::save(&db, &clerk, id, row(&db, id).await.row_version, figures(HEALTH), Source::Form, now).await.unwrap();
    assert_eq!(saved.unreadable, 0);
    assert_eq!(service::reports::transition(&db, &clerk, id, Transition::Send, "", now).await.unwrap(), ReportStatus::AwaitingApproval);
    assert!(service::reports::transition(&db, &clerk, id, Transition::Approve, "", now).await.is_err(), "a clerk does not approve");
    assert!(service::reports::transition(&db, &office, id, Transition::Accept, "", now).await.is_err(), "not sent yet");
    assert_eq!(service::reports::transition(&db, &leader, id, Transition::Approve, "", now).await.unwrap(), ReportStatus::Sent);

    // Only the office accepts or returns; a return needs its reason.
    assert!(service::reports::transition(&db, &leader, id, Transition::Accept, "", now).await.is_err());
    assert!(service::reports::transition(&db, &office, id, Transition::Return, "", now).await.is_err(), "a return without a reason");
    assert_eq!(
        service::reports::transition(&db, &office, id, Transition::Return, "Số bác sĩ chưa khớp báo cáo quý.", now).await.unwrap(),
        ReportStatus::Returned
    );
    let mut fixed = figures(HEALTH);
    fixed.values.insert("YT03".into(), "452".into());
    let saved = service::reports::save(&db, &clerk, id, row(&db, id).await.row_version, fixed, Source::Form, now).await;
    assert!(saved.is_ok(), "a returned report is open to its clerk again: {saved:?}");
    service::reports::transition(&db, &clerk, id, Transition::Send, "", now).await.unwrap();
    service::reports::transition(&db, &leader, id, Transition::Approve, "", now).await.unwrap();
    assert_eq!(service::reports::transition(&db, &office, id, Transition::Accept, "", now).await.unwrap(), ReportStatus::Accepted);

    // Every step is recorded, in order from the start, with the reason of the return.
    let events = report_event::Entity::find().filter(report_event::Column::ReportId.eq(id)).all(&db).await.unwrap();
    let steps: Vec<(&str, &str)> = events.iter().map(|e| (e.from_status.as_str(), e.to_status.as_str())).collect();
    assert_eq!(
        steps,
        [
            ("", "nhap"),
            ("nhap", "cho_duyet"),
            ("cho_duyet", "da_gui"),
            ("da_gui", "tra_lai"),
            ("tra_lai", "cho_duyet"),
            ("cho_duyet", "da_gui"),
            ("da_gui", "da_tiep_nhan")
        ]
    );
    assert!(events[3].note.contains("Số bác sĩ chưa khớp"));
    // The accepted figures count, on every value row.
    let rows = report_value::Entity::find().filter(report_value::Column::ReportId.eq(id)).all(&db).await.unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.delivery == 2), "accepted on every row");
}

async fn another_units_clerk_and_a_stale_save_write_nothing(b: Backend) {
    let db = demo_db(b, "refused").await;
    let (clerk, stranger) = (actor(&db, "cv.syt").await, actor(&db, "cv.tohieu").await);
    let id = open_report(&db, &clerk, "YTE_THANG").await;
    let now = Utc::now();
    let first = service::reports::save(&db, &clerk, id, row(&db, id).await.row_version, figures(HEALTH), Source::Form, now).await.unwrap();
    let before = (values(&db, id).await, row(&db, id).await.row_version);

    let foreign = service::reports::save(&db, &stranger, id, first.row_version, figures(&[("YT01", "1")]), Source::Form, now).await;
    assert!(matches!(foreign, Err(ServiceError::Forbidden(_) | ServiceError::NotFound(_))), "{foreign:?}");
    assert!(service::reports::page(&db, &stranger, id, now).await.is_err(), "nor read");
    assert!(service::reports::transition(&db, &stranger, id, Transition::Send, "", now).await.is_err(), "nor send");

    // A save based on the version before the first one: a conflict naming the figure, nothing written.
    let stale = service::reports::save(&db, &clerk, id, first.row_version - 1, figures(&[("YT01", "999")]), Source::Form, now).await;
    assert!(matches!(stale, Err(ServiceError::Conflict(_))), "{stale:?}");
    assert_eq!((values(&db, id).await, row(&db, id).await.row_version), before, "nothing written");
}

async fn only_the_administrator_makes_accounts_and_wrong_passwords_lock_out(b: Backend) {
    let db = demo_db(b, "accounts").await;
    let (admin, clerk) = (actor(&db, "quantri").await, actor(&db, "cv.syt").await);
    let input = |username: &str| service::users::NewUser {
        username: username.into(),
        full_name: "Lò Thị Hoa".into(),
        role: "clerk".into(),
        unit_id: clerk.unit_id,
        password: "MatKhau@2025x".into(),
    };
    assert!(matches!(service::users::create_user(&db, &clerk, input("cv.moi")).await, Err(ServiceError::Forbidden(_))));
    service::users::create_user(&db, &admin, input("cv.moi")).await.unwrap();
    assert!(service::users::create_user(&db, &admin, input("CV.MOI")).await.is_err(), "names are unique whatever their case");

    let settings = AuthSettings::default();
    let attempt = |password: &str| SignInRequest {
        username: "cv.moi".into(),
        password: password.into(),
        client_addr: "203.113.131.5".into(),
        user_agent: "kiểm thử".into(),
    };
    let now = Utc::now();
    let s = service::auth::sign_in(&db, &settings, attempt("MatKhau@2025x"), now).await.unwrap();
    let session = service::auth::resolve_session(&db, &settings, &s.token, now).await.unwrap().expect("a live session");
    assert_eq!(session.view.username, "cv.moi");
    // The last allowed wrong password is told of the lock at once.
    let max = settings.account_policy.max_failures;
    for n in 1..=max {
        let wrong = service::auth::sign_in(&db, &settings, attempt("sai"), now).await;
        if n < max {
            assert!(matches!(wrong, Err(ServiceError::Validation(_))), "{:?}", wrong.err());
        } else {
            assert!(matches!(wrong, Err(ServiceError::TooManyRequests(_))), "{:?}", wrong.err());
        }
    }
    let locked = service::auth::sign_in(&db, &settings, attempt("MatKhau@2025x"), now).await;
    assert!(matches!(&locked, Err(ServiceError::TooManyRequests(m)) if m.contains("tạm thời bị khóa")), "{:?}", locked.err());
}

/// The commune's figures of a month, as typed.
const COMMUNE: &[(&str, &str)] = &[
    ("DS03", "20"),
    ("DS03__nam", "11"),
    ("DS03__nu", "9"),
    ("NS01", "1.234,5"),
    ("NS02", "1.000,5"),
    ("HC01", "150"),
    ("HC02", "90"),
    ("HC03", "98,5"),
    ("LN03", "1"),
    ("LN05", "0,75"),
];

/// The previous period's report of the same unit and regime, as the office
/// left it (`status`), with `figures`, a comment and narrative, plus a
/// figure of an indicator the form does not have and a breakdown part its
/// indicator does not have.
async fn previous_report(db: &service::Db, current: i32, status: ReportStatus, figures: &[(&str, &str)]) -> i32 {
    use domain::period::Period;
    use sea_orm::{ActiveModelTrait, Set};
    use service::reports::store::{Stored, value_row};
    let cur = row(db, current).await;
    let period = Period::parse_key(&cur.period_key).unwrap().previous();
    let now = Utc::now();
    let prev = {
        let mut m = service::reports::overview::draft_model(
            cur.regime_id,
            cur.regime_version_id,
            cur.unit_id,
            &period,
            0,
            None,
            cur.created_by.expect("started by a clerk"),
            now,
        );
        m.status = Set(status.code().into());
        m.row_version = Set(3);
        m.narrative = Set(r#"["Kết quả tháng trước"]"#.into());
        m.sent_at = Set(Some(now));
        m.on_time = Set(Some(true));
        m
    }
    .insert(db)
    .await
    .unwrap();
    let l = service::reports::load(db, prev.id).await.unwrap();
    let mut rows = Vec::new();
    for (key, text) in figures {
        let (code, part) = domain::entry::split_cell_key(key);
        let spec = &l.specs[code];
        let v = spec.parse_input(text).unwrap().unwrap();
        rows.push(value_row(&prev, &period, status, spec, l.ids.by_code[code], part, Stored::Figure(&v), "Ghi chú kỳ trước", now, None));
    }
    // A part DS03 does not have, and an indicator of another form (Số giường bệnh).
    let ds03 = &l.specs["DS03"];
    rows.push(value_row(
        &prev,
        &period,
        status,
        ds03,
        l.ids.by_code["DS03"],
        Some("khac"),
        Stored::Figure(&domain::indicator::Value::Num(5)),
        "",
        now,
        None,
    ));
    let yt01 = entity::indicator::Entity::find().filter(entity::indicator::Column::Code.eq("YT01")).one(db).await.unwrap().unwrap();
    rows.push(value_row(&prev, &period, status, ds03, yt01.id, None, Stored::Figure(&domain::indicator::Value::Num(40)), "", now, None));
    report_value::Entity::insert_many(rows).exec(db).await.unwrap();
    prev.id
}

async fn copied_keys(db: &service::Db, id: i32) -> Vec<String> {
    let clerk_view = service::reports::load(db, id).await.unwrap();
    let mut keys: Vec<String> = report_value::Entity::find()
        .filter(report_value::Column::ReportId.eq(id))
        .filter(report_value::Column::Copied.eq(true))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| domain::entry::cell_key(&clerk_view.ids.by_id[&r.indicator_id], (!r.part.is_empty()).then_some(r.part.as_str())))
        .collect();
    keys.sort();
    keys
}

async fn a_report_starts_from_the_previous_periods_accepted_figures(b: Backend) {
    use domain::carry::{Confirm, CopyOffer};
    let db = demo_db(b, "copy").await;
    let (clerk, other, leader) = (actor(&db, "cv.tohieu").await, actor(&db, "cv.syt").await, actor(&db, "ld.tinh").await);
    let id = open_report(&db, &clerk, "KTXH_XA").await;
    let now = Utc::now();
    let conflict = |r: Result<service::reports::Copied, ServiceError>| match r {
        Err(ServiceError::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    };

    // No previous report: nothing to copy, and the page says why.
    let (page, _) = service::reports::page(&db, &clerk, id, now).await.unwrap();
    assert!(matches!(page.copy_offer, Some(CopyOffer::Missing { .. })), "{:?}", page.copy_offer);
    let m = conflict(service::reports::copy_previous(&db, &clerk, id, 0, now).await);
    assert!(m.contains("chưa có báo cáo kỳ trước"), "{m}");

    // Sent but not accepted: refused, naming the status.
    let prev = previous_report(&db, id, ReportStatus::Sent, COMMUNE).await;
    let m = conflict(service::reports::copy_previous(&db, &clerk, id, 0, now).await);
    assert!(m.contains("\"Đã gửi\", chưa được tiếp nhận"), "{m}");
    assert_eq!(values(&db, id).await, 0);

    // Another unit's clerk and a leader may not copy, whatever the previous period holds.
    let r = service::reports::copy_previous(&db, &other, id, 0, now).await;
    assert!(matches!(r, Err(ServiceError::Forbidden(_))), "{r:?}");
    let r = service::reports::copy_previous(&db, &leader, id, 0, now).await;
    assert!(matches!(r, Err(ServiceError::Forbidden(_))), "{r:?}");

    // Accepted: offered, and copied — only the cells of this form, no comments, no narrative.
    report::Entity::update_many()
        .col_expr(report::Column::Status, sea_orm::sea_query::Expr::value(ReportStatus::Accepted.code()))
        .filter(report::Column::Id.eq(prev))
        .exec(&db)
        .await
        .unwrap();
    let (page, _) = service::reports::page(&db, &clerk, id, now).await.unwrap();
    assert!(page.copy_offer.as_ref().is_some_and(|o| o.available()), "{:?}", page.copy_offer);
    let stale = conflict(service::reports::copy_previous(&db, &clerk, id, 7, now).await);
    assert!(stale.contains("tải lại trang"), "{stale}");
    let done = service::reports::copy_previous(&db, &clerk, id, 0, now).await.unwrap();
    assert_eq!(done.figures, COMMUNE.len());
    assert_eq!(done.row_version, 1);
    let mut expected: Vec<String> = COMMUNE.iter().map(|(k, _)| k.to_string()).collect();
    expected.sort();
    assert_eq!(copied_keys(&db, id).await, expected);
    let (page, (history, _)) = service::reports::page(&db, &clerk, id, now).await.unwrap();
    assert_eq!(page.values["NS01"], "1.234,5");
    assert!(page.comments.is_empty(), "comments are not copied: {:?}", page.comments);
    assert!(page.narrative.iter().all(String::is_empty), "narrative is not copied");
    assert_eq!(page.copy_offer, None, "a report with figures offers no copy");
    assert_eq!(page.copied.len(), COMMUNE.len());
    assert!(history.iter().any(|h| h.what.starts_with("Chép số liệu kỳ trước (kỳ Tháng ")), "{history:?}");
    let audits = entity::value_audit::Entity::find().filter(entity::value_audit::Column::ReportId.eq(id)).all(&db).await.unwrap();
    assert_eq!(audits.len(), COMMUNE.len());
    assert!(audits.iter().all(|a| a.source == "form" && a.old_value.is_none()));

    // Never over figures already stored.
    let m = conflict(service::reports::copy_previous(&db, &clerk, id, 1, now).await);
    assert!(m.contains("đã có số liệu"), "{m}");

    // Sending is refused while a copied figure is unconfirmed, naming its row.
    let refused = service::reports::transition(&db, &clerk, id, Transition::Send, "", now).await;
    let Err(ServiceError::Validation(errors)) = refused else { panic!("{refused:?}") };
    let about_copy: Vec<_> = errors.0.iter().filter(|e| e.message.contains("chép từ kỳ trước chưa được xác nhận")).collect();
    assert_eq!(about_copy.len(), COMMUNE.len(), "{errors:?}");
    assert!(about_copy[0].field == "values[DS03]" && about_copy[0].message.starts_with("Dòng 1 ("), "{:?}", about_copy[0]);

    // A change clears its mark; "Giữ nguyên" clears one; a comment alone clears none.
    let mut typed = figures(COMMUNE);
    typed.values.insert("HC01".into(), "152".into());
    typed.comments.insert("HC02".into(), "Đã kiểm tra".into());
    typed.confirm = Confirm::from_intent("giu:NS01");
    let saved = service::reports::save(&db, &clerk, id, row(&db, id).await.row_version, typed, Source::Form, now).await.unwrap();
    let left: Vec<String> = expected.iter().filter(|k| !["HC01", "NS01"].contains(&k.as_str())).cloned().collect();
    assert_eq!(copied_keys(&db, id).await, left);
    let mut in_form_order = saved.copied.clone();
    in_form_order.sort();
    assert_eq!(in_form_order, left);
    assert!(saved.copied.contains(&"HC02".to_string()), "a comment is not a confirmation");

    // "Xác nhận tất cả", then it goes.
    let mut typed = figures(COMMUNE);
    typed.values.insert("HC01".into(), "152".into());
    typed.confirm = Confirm::All;
    let saved = service::reports::save(&db, &clerk, id, row(&db, id).await.row_version, typed, Source::Form, now).await.unwrap();
    assert!(saved.copied.is_empty() && copied_keys(&db, id).await.is_empty());
    assert_eq!(service::reports::transition(&db, &clerk, id, Transition::Send, "", now).await.unwrap(), ReportStatus::AwaitingApproval);
}
