//! Issue 14, QCVN 125:2021/BTTTT: the thirteen messages under
//! `/api/v1/qcvn125/{message}`, their envelope, their access rules (those of
//! the other `/api/v1` readers) and their bounds.

use crate::feeds::{api, error_code, get, get_json, machine, post, row_version, token, user_id};
use crate::helpers::*;
use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use std::collections::BTreeSet;

crate::on_both_backends!(every_message_answers_in_its_envelope, drafts_never_leak_and_bad_queries_are_named);

/// The message codes (their stable spelling is checked in `domain::qcvn125`).
fn codes() -> Vec<&'static str> {
    domain::qcvn125::MessageType::ALL.iter().map(|m| m.code()).collect()
}

/// A message, checked against its envelope; returns the envelope.
async fn message(app: &TestApp, tok: &str, code: &str, query: &str) -> Value {
    let path = format!("/api/v1/qcvn125/{code}{query}");
    let v = get_json(app, tok, &path).await;
    assert_eq!(v["tieuChuan"], "QCVN 125:2021/BTTTT", "{path}");
    assert_eq!(v["phienBanGoiTin"], domain::qcvn125::ENVELOPE_VERSION);
    assert_eq!(v["loaiGoiTin"], code);
    assert!(v["tenGoiTin"].as_str().unwrap().starts_with("Gói tin "));
    assert_eq!(v["maDonViGui"], domain::org::PROVINCE_CODE);
    assert!(v["maGoiTin"].as_str().unwrap().starts_with(&format!("{}-", domain::org::PROVINCE_CODE)));
    assert!(v["thoiGianTao"].as_str().unwrap().ends_with("+07:00"), "{}", v["thoiGianTao"]);
    assert!(v["heThongGui"].is_string() && v["heThongNhan"].is_string());
    let items = v["duLieu"].as_array().unwrap_or_else(|| panic!("{path}: duLieu is a list"));
    assert_eq!(v["soLuong"].as_u64(), Some(items.len() as u64), "{path}");
    v
}

/// (indicator, part, value) of every figure, as a set.
fn figure_set(list: &[Value], ind: &str, part: &str, value: &str) -> BTreeSet<(String, String, String)> {
    list.iter().map(|f| (f[ind].as_str().unwrap().to_string(), f[part].as_str().unwrap().to_string(), f[value].to_string())).collect()
}

/// The To Hieu KTXH_XA draft, filled with figures, an outline text per
/// section and sent through the leader; returns (report id, period key, outline texts).
async fn sent_report(app: &TestApp, tok: &str) -> (i32, String, Vec<String>) {
    let id = crate::feeds::draft(app).await;
    let report = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let outline = message(app, tok, "de-cuong", "?regime=KTXH_XA").await;
    let sections = outline["duLieu"].as_array().unwrap().last().unwrap()["muc"].as_array().unwrap().len();
    let texts: Vec<String> = (0..sections).map(|i| format!("Nội dung mục {} của Tô Hiệu", i + 1)).collect();
    let clerk = domain::Actor { user_id: user_id(app, "cv.tohieu").await, role: domain::Role::Clerk, unit_id: report.unit_id };
    let leader = domain::Actor { user_id: user_id(app, "ld.tohieu").await, role: domain::Role::UnitLeader, unit_id: report.unit_id };
    let mut sub = crate::helpers::commune_figures();
    sub.narrative = texts.clone();
    let now = Utc::now();
    let row = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().row_version;
    let done = service::reports::save_and_send(&app.db, &clerk, id, row, sub, service::reports::Source::Form, now).await.unwrap();
    if done.sent.unwrap() == domain::report::ReportStatus::AwaitingApproval {
        service::reports::transition(&app.db, &leader, id, domain::report::Transition::Approve, "", now).await.unwrap();
    }
    let status = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().status;
    assert!(service::feeds::read::is_delivered(&status), "sent: {status}");
    (id, report.period_key, texts)
}

async fn every_message_answers_in_its_envelope(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    let tok = token(&app, "ioc", &[]).await;
    let (id, period, texts) = sent_report(&app, &tok).await;
    let year: i32 = period[..4].parse().unwrap();

    let query = |code: &str| -> String {
        match code {
            "so-lieu" | "gui-de-cuong" => format!("?report={id}"),
            "ky-bao-cao" => format!("?year={year}"),
            "so-lieu-chi-tieu" => format!("?period={period}"),
            "so-lieu-danh-sach" | "trang-thai" => "?unit=03646".to_string(),
            _ => String::new(),
        }
    };
    let mut got = std::collections::HashMap::new();
    for code in codes() {
        let v = message(&app, &tok, code, &query(code)).await;
        assert!(v["soLuong"].as_u64().unwrap() > 0, "{code}: something to say");
        // Only paged messages say where the next page starts.
        let paged = ["so-lieu-danh-sach", "trang-thai", "so-lieu-chi-tieu"].contains(&code);
        assert_eq!(v.get("trangTiep").is_some(), paged, "{code}");
        got.insert(code, v);
    }

    // The catalogue as baocao keeps it.
    let regimes = got["che-do-bao-cao"]["duLieu"].as_array().unwrap();
    let xa = regimes.iter().find(|r| r["maCheDo"] == "KTXH_XA").expect("the commune regime");
    assert!(xa["phienBan"].as_i64().unwrap() >= 1 && xa["tanSuat"].is_string() && xa["thoiHanGui"].is_string());
    let form = got["bieu-mau"]["duLieu"].as_array().unwrap().iter().rev().find(|f| f["maCheDo"] == "KTXH_XA").unwrap();
    let rows: Vec<&Value> = form["phan"].as_array().unwrap().iter().flat_map(|s| s["dong"].as_array().unwrap()).collect();
    let ds03 = rows.iter().find(|r| r["maChiTieu"] == "DS03").expect("DS03 on the form");
    assert!(!ds03["tenChiTieu"].as_str().unwrap().is_empty() && !ds03["donViTinh"].as_str().unwrap().is_empty());
    let indicators = got["chi-tieu"]["duLieu"].as_array().unwrap();
    let ds03 = indicators.iter().find(|i| i["maChiTieu"] == "DS03").unwrap();
    let breakdown = ds03["maPhanTo"].as_str().expect("DS03 is broken down").to_string();
    assert_eq!(ds03["cacPhan"].as_array().unwrap().len(), 2, "{ds03}");
    let b = got["phan-to"]["duLieu"].as_array().unwrap().iter().find(|b| b["maPhanTo"] == breakdown.as_str()).unwrap();
    assert!(b["chiSo"].as_array().unwrap().contains(&json!("DS03")));
    let stat = got["bo-chi-tieu"]["duLieu"].as_array().unwrap().iter().find(|s| s["maBoChiSo"] == domain::qcvn125::SET_STATISTICAL).unwrap();
    let flagged: BTreeSet<&str> = indicators
        .iter()
        .filter(|i| i["thuocHeThongChiTieuThongKe"] == true && i["dangSuDung"] == true)
        .map(|i| i["maChiTieu"].as_str().unwrap())
        .collect();
    let members: BTreeSet<&str> = stat["chiSo"].as_array().unwrap().iter().map(|m| m["maChiTieu"].as_str().unwrap()).collect();
    assert_eq!(members, flagged);
    let grouped: usize = got["nhom-chi-tieu"]["duLieu"].as_array().unwrap().iter().map(|g| g["chiSo"].as_array().unwrap().len()).sum();
    assert_eq!(grouped, indicators.iter().filter(|i| i["dangSuDung"] == true).count(), "every indicator in use in one group");
    let p = got["ky-bao-cao"]["duLieu"].as_array().unwrap().iter().find(|p| p["maCheDo"] == "KTXH_XA" && p["maKy"] == period.as_str()).unwrap();
    assert!(p["chotSoLieuTuNgay"].as_str().unwrap() <= p["chotSoLieuDenNgay"].as_str().unwrap());
    assert!(p["chotSoLieuDenNgay"].as_str().unwrap() <= p["hanGui"].as_str().unwrap());

    // Figures: the same as /api/v1/reports/{id}/values returns, exact.
    let values = get_json(&app, &tok, &format!("/api/v1/reports/{id}/values")).await;
    let want = figure_set(values["values"].as_array().unwrap(), "indicator", "part", "value");
    let figures = &got["so-lieu"]["duLieu"][0];
    assert_eq!(figures["baoCao"]["idBaoCao"], id);
    assert_eq!(figure_set(figures["soLieu"].as_array().unwrap(), "maChiTieu", "maPhanTo", "giaTri"), want);
    assert!(want.contains(&("NS01".into(), "".into(), "\"1234.5\"".into())), "{want:?}");
    let listed = message(&app, &tok, "so-lieu-danh-sach", "?unit=03646").await;
    let mine = listed["duLieu"].as_array().unwrap().iter().find(|r| r["baoCao"]["idBaoCao"] == id).expect("the sent report listed");
    assert_eq!(figure_set(mine["soLieu"].as_array().unwrap(), "maChiTieu", "maPhanTo", "giaTri"), want);
    let outline = &got["gui-de-cuong"]["duLieu"][0]["noiDung"];
    let written: Vec<&str> = outline.as_array().unwrap().iter().map(|s| s["noiDung"].as_str().unwrap()).collect();
    assert_eq!(written, texts.iter().map(String::as_str).collect::<Vec<_>>());
    let status = got["trang-thai"]["duLieu"].as_array().unwrap().iter().find(|s| s["idBaoCao"] == id).unwrap();
    assert_eq!((status["daGui"].as_bool(), status["tenTrangThai"].is_string()), (Some(true), true));
    assert!(status["thoiGianGui"].as_str().unwrap().ends_with("+07:00"));

    // KPI data: the aggregates of the period, paged by row without loss or repeat.
    let whole = message(&app, &tok, "so-lieu-chi-tieu", &format!("?period={period}&indicators=DS03,HC01&limit=1000")).await;
    let all = whole["duLieu"].as_array().unwrap().clone();
    assert!(whole["trangTiep"].is_null() && all.len() > 3, "{}", all.len());
    let hc = all.iter().find(|r| r["maDonVi"] == "03646" && r["maChiTieu"] == "HC01" && r["maPhanTo"] == "").unwrap();
    assert_eq!(hc["giaTri"], "1234");
    let mut paged = vec![];
    let mut after = String::new();
    loop {
        let v = message(&app, &tok, "so-lieu-chi-tieu", &format!("?period={period}&indicators=DS03,HC01&limit=2&after={after}")).await;
        paged.extend(v["duLieu"].as_array().unwrap().iter().cloned());
        match v["trangTiep"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    assert_eq!(paged, all);

    // The ETag follows the payload, not the envelope's time and id.
    let r = get(&app, &tok, "/api/v1/qcvn125/chi-tieu").await;
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let r = api().get(app.url("/api/v1/qcvn125/chi-tieu")).bearer_auth(&tok).header("if-none-match", &tag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    app.db.execute_unprepared("UPDATE indicator SET name = 'Dân số trung bình (sửa)' WHERE code = 'DS03'").await.unwrap();
    let r = api().get(app.url("/api/v1/qcvn125/chi-tieu")).bearer_auth(&tok).header("if-none-match", &tag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a changed catalogue");

    // Listed in the OpenAPI document and on the readable page.
    let doc = get_json(&app, &tok, "/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/qcvn125/{message}"]["get"].is_object());
    let (_, html) = app.get_html("/api").await;
    assert!(html.contains("/api/v1/qcvn125/{message}") && html.contains("QCVN 125:2021/BTTTT"));
    app.stop().await;
}

async fn drafts_never_leak_and_bad_queries_are_named(b: Backend) {
    let app = spawn_app(b).await;
    machine(&app, "ioc").await;
    machine(&app, "phanmem.xa").await;
    let read = token(&app, "ioc", &[]).await;
    let write = token(&app, "phanmem.xa", &["03646"]).await;

    // Anonymous: 401 in the one shape.
    for code in ["chi-tieu", "so-lieu", "khong-co"] {
        let r = api().get(app.url(&format!("/api/v1/qcvn125/{code}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{code}");
        assert_eq!(error_code(r).await, "unauthenticated");
    }

    // A draft with figures sent by the sector software.
    let id = crate::feeds::draft(&app).await;
    let r = post(
        &app,
        &write,
        &format!("/api/v1/reports/{id}/values"),
        json!({ "row_version": row_version(&app, id).await, "values": { "HC01": 150, "NS01": "77.5" } }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    for code in ["so-lieu", "gui-de-cuong"] {
        let r = get(&app, &read, &format!("/api/v1/qcvn125/{code}?report={id}")).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{code}");
        assert_eq!(error_code(r).await, "report_not_delivered");
    }
    let listed = message(&app, &read, "so-lieu-danh-sach", "").await;
    assert!(listed["duLieu"].as_array().unwrap().iter().all(|r| r["baoCao"]["idBaoCao"] != id), "a draft's figures never appear");
    let text = listed.to_string();
    assert!(!text.contains("77.5"), "{text}");
    let period = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().period_key;
    let kpi = message(&app, &read, "so-lieu-chi-tieu", &format!("?period={period}&indicators=HC01&unit=03646")).await;
    assert!(kpi["duLieu"].as_array().unwrap().iter().all(|r| r["giaTri"].is_null()), "no figure from a draft: {kpi}");
    // Its status is public to machine clients, as /api/v1/reports shows it.
    let st = message(&app, &read, "trang-thai", "?unit=03646").await;
    let mine = st["duLieu"].as_array().unwrap().iter().find(|s| s["idBaoCao"] == id).unwrap();
    assert_eq!((mine["maTrangThai"].as_str(), mine["daGui"].as_bool()), (Some("nhap"), Some(false)));
    // The token that writes the unit reads its draft back, as /api/v1/reports/{id}/values lets it.
    let own = message(&app, &write, "so-lieu", &format!("?report={id}")).await;
    assert!(own["duLieu"][0]["soLieu"].as_array().unwrap().iter().any(|f| f["maChiTieu"] == "NS01" && f["giaTri"] == "77.5"));

    // Pages of statuses: each report once.
    app.db.execute_unprepared(&format!("UPDATE report SET status = 'da_gui' WHERE id = {id}")).await.unwrap();
    let other = crate::feeds::seeded(&app, "CDS_QUY", "SYT", "2025-Q3").await;
    let mut seen = vec![];
    let mut after = String::new();
    loop {
        let v = message(&app, &read, "trang-thai", &format!("?limit=1&after={after}")).await;
        seen.extend(v["duLieu"].as_array().unwrap().iter().map(|s| s["idBaoCao"].as_i64().unwrap()));
        match v["trangTiep"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no report twice");
    assert!(seen.contains(&(id as i64)) && seen.contains(&(other as i64)));

    // An unknown message: 404, with the list of the valid ones in Vietnamese.
    let r = get(&app, &read, "/api/v1/qcvn125/khong-co").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    let m = v["error"]["message"].as_str().unwrap();
    assert!(m.contains("«khong-co»") && m.contains("Các loại gói tin"), "{m}");
    assert!(codes().iter().all(|c| m.contains(c)), "{m}");

    // A missing or wrong parameter: 422 naming it.
    for (path, field) in [
        ("so-lieu", "report"),
        ("so-lieu?report=abc", "report"),
        ("gui-de-cuong", "report"),
        ("ky-bao-cao", "year"),
        ("ky-bao-cao?year=1990", "year"),
        ("so-lieu-chi-tieu", "period"),
        ("so-lieu-chi-tieu?year=2025", "year"),
        ("so-lieu-chi-tieu?period=2025-13", "period"),
        ("trang-thai?after=x", "after"),
        ("trang-thai?status=khong", "status"),
        ("che-do-bao-cao?regime=KHONG_CO", "regime"),
    ] {
        let r = get(&app, &read, &format!("/api/v1/qcvn125/{path}")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!((v["error"]["code"].as_str(), v["error"]["fields"][0]["field"].as_str()), (Some("validation"), Some(field)), "{path}: {v}");
    }
    let r = get(&app, &read, "/api/v1/qcvn125/trang-thai?limit=abc").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(r).await, "bad_query");
    let r = get(&app, &read, "/api/v1/qcvn125/so-lieu?report=999999").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}
