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
