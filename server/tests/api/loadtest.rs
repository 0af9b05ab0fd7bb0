//! `server prepare-load`: load-test clerks each sign in, find a report of
//! their own and fill it, as the load benchmark's clients do.

use crate::helpers::*;
use reqwest::StatusCode;
use service::loadtest::{LOAD_PASSWORD, LoadOptions, load_username};

crate::on_both_backends!(load_clerks_each_fill_a_report_of_their_own);

async fn load_clerks_each_fill_a_report_of_their_own(b: Backend) {
    let app = spawn_app(b).await;
    let opts = LoadOptions { users: 3, rows: 30, force: false };
    let s = service::loadtest::prepare(&app.db, &opts, chrono::Utc::now()).await.unwrap();
    assert_eq!((s.users_created, s.units_created, s.rows), (3, 4, 30), "{s:?}");
    // Again: nothing new, the same period.
    let again = service::loadtest::prepare(&app.db, &opts, chrono::Utc::now()).await.unwrap();
    assert_eq!((again.users_created, again.units_created, &again.period_key), (0, 0, &s.period_key));

    let mut reports = Vec::new();
    for i in [1, 3] {
        let clerk = app.another_browser();
        clerk.sign_in_ok_with(&load_username(i), LOAD_PASSWORD).await;
        let due: serde_json::Value = clerk.query("bao-cao/cua-don-vi", &[]).await.json().await.unwrap();
        let line = due.as_array().unwrap().iter().find(|d| d["regime_id"] == s.regime_id).expect("the load-test regime is due");
        assert_eq!(line["period_key"], s.period_key.as_str());
        let r = clerk.call("bao-cao/lap", &[("regime_id", &s.regime_id.to_string()), ("period", &s.period_key)]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let target: String = r.json().await.unwrap();
        let id = target.trim_start_matches("/bao-cao/").to_string();
        let (status, html) = clerk.get_html(&target).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("values[TT0030]"), "the form shows every row");
        // Totals (odd rows) above their parts (even rows): the regime's rules hold.
        let mut fields: Vec<(String, String)> = vec![("id".into(), id.clone()), ("row_version".into(), "0".into()), ("intent".into(), "gui".into())];
        fields.extend((1..=30).map(|r| (format!("values[TT{r:04}]"), if r % 2 == 1 { "1000".to_string() } else { "600".to_string() })));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = clerk.call("bao-cao/luu", &refs).await;
        assert_eq!(r.status(), StatusCode::OK);
        let reply: serde_json::Value = r.json().await.unwrap();
        assert!(reply["go_to"].is_string(), "sent: {reply}");
        reports.push(id);
    }
    assert_ne!(reports[0], reports[1], "each clerk has a report of its own");

    // Not on a database with a real account, unless forced.
    let admin = service::users::list_users(&app.db, &domain::Actor { user_id: 0, role: domain::Role::Admin, unit_id: 0 }, Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|u| u.username == "quantri")
        .unwrap();
    let actor = domain::Actor { user_id: admin.id, role: domain::Role::Admin, unit_id: admin.unit_id };
    let unit = app.unit_id("SYT").await;
    let input = service::users::NewUser {
        username: "cv.that".into(),
        full_name: "Lò Văn Thật".into(),
        role: domain::Role::Clerk.code().into(),
        unit_id: unit,
        password: "Mat-khau-that-2025".into(),
    };
    service::users::create_user(&app.db, &actor, input).await.unwrap();
    let refused = service::loadtest::prepare(&app.db, &opts, chrono::Utc::now()).await.unwrap_err();
    assert!(refused.to_string().contains("tài khoản thật"), "{refused}");
    service::loadtest::prepare(&app.db, &LoadOptions { force: true, ..opts }, chrono::Utc::now()).await.unwrap();
    app.stop().await;
}
