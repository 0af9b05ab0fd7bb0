//! Issue 14: DHIS2 data value sets out of and into baocao (`/api/v1/dhis2/…`).

use crate::feeds::{api, draft, error_code, get, machine, post, row_version, token};
use crate::helpers::*;
use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

crate::on_both_backends!(
    a_round_trip_into_an_empty_installation_gives_the_same_figures,
    imports_name_every_conflict_and_dry_runs_write_nothing,
    hostile_imports_are_refused_and_the_server_stays_up,
);

const IMPORT: &str = "/api/v1/dhis2/dataValueSets";

/// The open KTXH_XA period of To Hieu (baocao key, DHIS2 period).
async fn open_period(app: &TestApp) -> (String, String) {
    let unit = app.unit_id("03646").await;
    let office = domain::Actor { user_id: 0, role: domain::Role::Reviewer, unit_id: 0 };
    let due = service::reports::due_for_unit(&app.db, &office, unit, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == "KTXH_XA" && d.state.accepts_entry()).expect("an open period");
    let p = domain::period::Period::parse_key(&d.period_key).unwrap();
    (d.period_key.clone(), domain::dhis2::to_dhis2(&p).unwrap())
}

async fn send(app: &TestApp, tok: &str, query: &str, content_type: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
    api().post(app.url(&format!("{IMPORT}{query}"))).bearer_auth(tok).header("content-type", content_type).body(body).send().await.unwrap()
}

/// Every stored figure of a unit's reports for a period, by cell: (code, part, num, txt, invalid, comment).
async fn stored(app: &TestApp, unit: &str, period_key: &str) -> Vec<(String, String, Option<i64>, Option<String>, bool, String)> {
    let unit_id = app.unit_id(unit).await;
    let reports = entity::report::Entity::find()
        .filter(entity::report::Column::UnitId.eq(unit_id))
        .filter(entity::report::Column::PeriodKey.eq(period_key))
        .all(&app.db)
        .await
        .unwrap();
    let codes: std::collections::HashMap<i32, String> =
        entity::indicator::Entity::find().all(&app.db).await.unwrap().into_iter().map(|i| (i.id, i.code)).collect();
    let mut out = Vec::new();
    for r in reports {
        for v in entity::report_value::Entity::find().filter(entity::report_value::Column::ReportId.eq(r.id)).all(&app.db).await.unwrap() {
            out.push((codes[&v.indicator_id].clone(), v.part, v.num, v.txt, v.invalid, v.comment));
        }
    }
    out.sort();
    out
}

async fn counts(app: &TestApp) -> (u64, u64, u64, u64) {
    (
        entity::report::Entity::find().count(&app.db).await.unwrap(),
        entity::report_value::Entity::find().count(&app.db).await.unwrap(),
        entity::value_audit::Entity::find().count(&app.db).await.unwrap(),
        entity::report_event::Entity::find().count(&app.db).await.unwrap(),
    )
}

async fn summary(r: reqwest::Response, want: StatusCode) -> Value {
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, want, "{v}");
    v
}

async fn a_round_trip_into_an_empty_installation_gives_the_same_figures(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    machine(&app, "phanmem.xa").await;
    let read = token(&app, "ioc", &[]).await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;
    let (key, pe) = open_period(&app).await;
    let id = draft(&app).await;
    let path = format!("/api/v1/reports/{id}/values");
    let body = json!({ "row_version": row_version(&app, id).await,
        "values": { "DS03": 20, "DS03__nam": "11", "DS03__nu": 9, "NS01": "123456789012.5", "HC01": 150 } });
    let r = post(&app, &write, &path, body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let export = format!("/api/v1/dhis2/dataValueSets.json?period={pe}");
    // A draft is not delivered: nothing to export yet.
    let r = get(&app, &read, &export).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({ "dataValues": [] }));
    app.db.execute_unprepared(&format!("UPDATE report SET status = 'da_gui' WHERE id = {id}")).await.unwrap();

    let r = get(&app, &read, &export).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let json_text = r.text().await.unwrap();
    let set: Value = serde_json::from_str(&json_text).unwrap();
    let rows: Vec<(String, String, String, String, String)> = set["dataValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["dataElement"].as_str().unwrap().into(),
                v["period"].as_str().unwrap().into(),
                v["orgUnit"].as_str().unwrap().into(),
                v["categoryOptionCombo"].as_str().unwrap_or("").into(),
                v["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want: Vec<(String, String, String, String, String)> =
        [("DS03", "", "20"), ("DS03", "nam", "11"), ("DS03", "nu", "9"), ("HC01", "", "150"), ("NS01", "", "123456789012.5")]
            .iter()
            .map(|(d, c, v)| (d.to_string(), pe.clone(), "03646".to_string(), c.to_string(), v.to_string()))
            .collect();
    assert_eq!(rows, want, "{json_text}");
    // The same with the baocao period key, one unit, one regime; another unit has nothing.
    let r = get(&app, &read, &format!("/api/v1/dhis2/dataValueSets.json?period={key}&unit=03646&regime=KTXH_XA")).await;
    assert_eq!(serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap(), set);
    let r = get(&app, &read, &format!("/api/v1/dhis2/dataValueSets.json?period={pe}&unit=SYT")).await;
    assert_eq!(r.json::<Value>().await.unwrap()["dataValues"], json!([]));
    let r = get(&app, &read, &format!("/api/v1/dhis2/dataValueSets.csv?period={pe}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv_text = r.text().await.unwrap();
    assert!(
        csv_text
            .starts_with("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n")
    );
    assert_eq!(csv_text.lines().count(), 6, "{csv_text}");
    // The same download for the provincial office, signed in; a unit's clerk is refused.
    app.sign_in_ok("vp.tonghop").await;
    let r = app.client.get(app.url(&format!("/tai-xuong/dhis2.csv?period={pe}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(&format!("dhis2-{pe}.csv")));
    assert_eq!(r.text().await.unwrap(), csv_text);
    let r = app.client.get(app.url(&format!("/tai-xuong/dhis2.json?period={pe}"))).send().await.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap(), set);
    let clerk = app.another_browser();
    clerk.sign_in_ok("cv.tohieu").await;
    let r = clerk.client.get(clerk.url(&format!("/tai-xuong/dhis2.csv?period={pe}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Bad exports: no period, a period DHIS2 has no type for, unknown codes.
    for q in ["", "?period=2025W1", "?period=9T-2025", &format!("?period={pe}&unit=KHONGCO"), &format!("?period={pe}&regime=KHONGCO")] {
        let r = get(&app, &read, &format!("/api/v1/dhis2/dataValueSets.json{q}")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(error_code(r).await, "validation");
    }
    // The API page says how, in Vietnamese, and lists the routes.
    let page = api().get(app.url("/api")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("/api/v1/dhis2/dataValueSets.csv") && page.contains("dùng mã làm định danh"));
    let original = stored(&app, "03646", &key).await;
    assert_eq!(original.len(), 5);

    // An empty installation: no report for the period until the import starts one.
    for (format, text, content_type) in [("json", json_text.clone(), "application/json"), ("csv", csv_text.clone(), "text/csv")] {
        let fresh = spawn_app(b).await;
        machine(&fresh, "phanmem.xa").await;
        let w = token(&fresh, "phanmem.xa", &["03646"]).await;
        assert!(stored(&fresh, "03646", &key).await.is_empty());
        let before = counts(&fresh).await;
        let s = summary(send(&fresh, &w, &format!("?dryRun=true&format={format}"), content_type, text.clone()).await, StatusCode::OK).await;
        assert_eq!((s["status"].as_str(), s["dry_run"].as_bool()), (Some("SUCCESS"), Some(true)), "{s}");
        assert_eq!(
            (s["imported"].as_u64(), s["updated"].as_u64(), s["ignored"].as_u64(), s["reports_created"].as_u64()),
            (Some(5), Some(0), Some(0), Some(1))
        );
        assert_eq!(counts(&fresh).await, before, "a dry run writes nothing ({format})");
        // The format is also read from the Content-Type.
        let s = summary(send(&fresh, &w, "?dryRun=false", content_type, text.clone()).await, StatusCode::OK).await;
        assert_eq!(
            (s["status"].as_str(), s["imported"].as_u64(), s["conflicts"].as_array().map(Vec::len)),
            (Some("SUCCESS"), Some(5), Some(0)),
            "{s}"
        );
        assert_eq!(stored(&fresh, "03646", &key).await, original, "the same figures ({format})");
        let rep = entity::report::Entity::find().filter(entity::report::Column::PeriodKey.eq(&key)).one(&fresh.db).await.unwrap().unwrap();
        assert_eq!(rep.status, "nhap", "a draft, for the unit to check and send");
        let audits = entity::value_audit::Entity::find().filter(entity::value_audit::Column::ReportId.eq(rep.id)).all(&fresh.db).await.unwrap();
        assert!(audits.len() == 5 && audits.iter().all(|a| a.source == "dhis2"), "audited as coming from DHIS2");
        // The other format of the same set changes nothing: every value is already there.
        let (other, other_type) = if format == "json" { (csv_text.clone(), "text/csv") } else { (json_text.clone(), "application/json") };
        let s = summary(send(&fresh, &w, "", other_type, other).await, StatusCode::OK).await;
        assert_eq!((s["imported"].as_u64(), s["updated"].as_u64(), s["ignored"].as_u64()), (Some(0), Some(0), Some(5)), "{s}");
        assert_eq!(row_version(&fresh, rep.id).await, rep.row_version as i64, "no empty save");
        fresh.stop().await;
    }
    app.stop().await;
}

async fn imports_name_every_conflict_and_dry_runs_write_nothing(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    machine(&app, "phanmem.xa").await;
    let read = token(&app, "ioc", &[]).await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;
    let (key, pe) = open_period(&app).await;
    let dv = |de: &str, ou: &str, period: &str, value: Value| json!({ "dataElement": de, "period": period, "orgUnit": ou, "value": value });
    let set = json!({ "dataValues": [
        dv("DS03", "03646", &pe, json!("20")),
        dv("ZZ99", "03646", &pe, json!("1")),
        dv("DS03", "KHONGCO", &pe, json!("1")),
        dv("DS03", "03646", "2025W1", json!("1")),
        dv("DS03", "SYT", &pe, json!("1")),
        dv("NS01", "03646", &pe, json!("1.234,5")),
        dv("HC01", "03646", &pe, json!(1)),
        { "dataElement": "DS03", "period": pe, "orgUnit": "03646", "categoryOptionCombo": "khong_co", "value": "1" },
        dv("DS03", "03646", &pe, json!("99")),
    ] });
    // A read token cannot import, whatever it sends.
    let r = send(&app, &read, "", "application/json", set.to_string()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "forbidden");
    let r = send(&app, &read, "", "application/json", "{not json").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let before = counts(&app).await;
    let s = summary(send(&app, &write, "?dryRun=true", "application/json", set.to_string()).await, StatusCode::OK).await;
    assert_eq!(counts(&app).await, before, "a dry run writes nothing");
    assert_eq!((s["status"].as_str(), s["imported"].as_u64(), s["ignored"].as_u64()), (Some("WARNING"), Some(2), Some(7)), "{s}");
    let reasons: Vec<(String, String)> = s["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["object"].as_str().unwrap().to_string(), c["reason"].as_str().unwrap().to_string()))
        .collect();
    let has = |at: &str, word: &str| reasons.iter().any(|(o, r)| o.starts_with(at) && r.contains(word));
    assert!(has("dataValues[1]", "Không có chỉ tiêu mã «ZZ99»"), "{reasons:?}");
    assert!(has("dataValues[2]", "Không có đơn vị mã «KHONGCO»"), "{reasons:?}");
    assert!(has("dataValues[3]", "Kỳ DHIS2 «2025W1» không hợp lệ"), "{reasons:?}");
    assert!(has("dataValues[4]", "không được gửi số liệu cho đơn vị «SYT»"), "{reasons:?}");
    assert!(has("dataValues[5]", "dấu chấm thập phân"), "{reasons:?}");
    assert!(has("dataValues[7]", "không có phần chia «khong_co»"), "{reasons:?}");
    assert!(has("dataValues[8]", "chỉ nhận giá trị đầu tiên"), "{reasons:?}");
    assert_eq!(s["conflicts_total"], 7);
    assert_eq!(s["conflicts"][0]["value"], "1", "the value as sent");

    let s = summary(send(&app, &write, "?dryRun=false", "application/json", set.to_string()).await, StatusCode::OK).await;
    assert_eq!((s["status"].as_str(), s["imported"].as_u64(), s["conflicts_total"].as_u64()), (Some("WARNING"), Some(2), Some(7)), "{s}");
    let figures = stored(&app, "03646", &key).await;
    assert_eq!(figures.iter().map(|f| (f.0.as_str(), f.2)).collect::<Vec<_>>(), vec![("DS03", Some(20)), ("HC01", Some(1))]);

    // A change, a clearing (empty CSV value) and an unchanged value, in CSV without a header.
    let csv = format!("DS03,{pe},03646,,,21\nHC01,{pe},03646,,,\nDS03,{pe},03646,nam,,11,,,ước tính\n");
    let s = summary(send(&app, &write, "?format=csv", "text/plain", csv).await, StatusCode::OK).await;
    assert_eq!((s["imported"].as_u64(), s["updated"].as_u64(), s["deleted"].as_u64()), (Some(1), Some(1), Some(1)), "{s}");
    let figures = stored(&app, "03646", &key).await;
    assert_eq!(
        figures.iter().map(|f| (f.0.as_str(), f.1.as_str(), f.2, f.5.as_str())).collect::<Vec<_>>(),
        vec![("DS03", "", Some(21), ""), ("DS03", "nam", Some(11), "ước tính")]
    );

    // A sent report is closed: every value is a conflict and nothing changes (409: nothing taken).
    let id = entity::report::Entity::find().filter(entity::report::Column::PeriodKey.eq(&key)).one(&app.db).await.unwrap().unwrap().id;
    app.db.execute_unprepared(&format!("UPDATE report SET status = 'da_gui' WHERE id = {id}")).await.unwrap();
    let s = summary(
        send(&app, &write, "", "application/json", json!({ "dataValues": [dv("DS03", "03646", &pe, json!("22"))] }).to_string()).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(s["status"], "ERROR");
    assert!(s["conflicts"][0]["reason"].as_str().unwrap().contains("Đã gửi"), "{s}");
    assert_eq!(stored(&app, "03646", &key).await, figures);
    app.stop().await;
}

async fn hostile_imports_are_refused_and_the_server_stays_up(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "phanmem.xa").await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;
    let (_, pe) = open_period(&app).await;
    let before = counts(&app).await;
    // Over 4 MiB.
    let huge = format!(
        "{{\"dataValues\":[{}]}}",
        vec![format!("{{\"dataElement\":\"DS03\",\"period\":\"{pe}\",\"orgUnit\":\"03646\",\"value\":\"1\"}}"); 80_000].join(",")
    );
    assert!(huge.len() > 4 * 1024 * 1024);
    let r = send(&app, &write, "", "application/json", huge).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(r).await, "too_large");
    // Too many values within the size.
    let many = format!("{{\"dataValues\":[{}]}}", vec!["{}"; 20_001].join(","));
    let r = send(&app, &write, "", "application/json", many).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Deeply nested JSON, inside the list and as a value.
    for deep in [
        format!("{{\"dataValues\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000)),
        format!(
            "{{\"dataValues\":[{{\"dataElement\":\"DS03\",\"period\":\"{pe}\",\"orgUnit\":\"03646\",\"value\":{}{}}}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    ] {
        let r = send(&app, &write, "", "application/json", deep).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_code(r).await, "bad_json");
    }
    // Control characters.
    let r = send(
        &app,
        &write,
        "",
        "application/json",
        format!("{{\"dataValues\":[{{\"dataElement\":\"DS\\u000003\",\"period\":\"{pe}\",\"orgUnit\":\"03646\"}}]}}"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = send(&app, &write, "", "text/csv", format!("DS03,{pe},03646,,,1\nDS03,{pe},036\u{7}46,,,2\n")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_csv");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("Dòng 2"), "{v}");
    // Not UTF-8; a bad dryRun.
    let r = send(&app, &write, "", "text/csv", vec![0xff, 0xfe, 0x00]).await;
    assert_eq!(error_code(r).await, "bad_body");
    let r = send(&app, &write, "?dryRun=maybe", "application/json", "{}").await;
    assert_eq!(error_code(r).await, "bad_query");
    // A number too large for any float: refused, never rounded.
    let r = send(
        &app,
        &write,
        "",
        "application/json",
        format!("{{\"dataValues\":[{{\"dataElement\":\"DS03\",\"period\":\"{pe}\",\"orgUnit\":\"03646\",\"value\":1e400}}]}}"),
    )
    .await;
    let s = summary(r, StatusCode::CONFLICT).await;
    assert!(s["conflicts"][0]["reason"].as_str().unwrap().contains("1e400"), "{s}");
    assert_eq!(counts(&app).await, before, "nothing written");
    // Still up.
    let r = get(&app, &write, "/api/v1/units").await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}
