use crate::helpers::*;
use reqwest::StatusCode;

crate::on_both_backends!(
    only_administrators_change_the_catalogue,
    rules_are_checked_when_saved,
    published_versions_never_change,
    catalogue_export_imports_into_an_empty_database_identically,
    a_bad_catalogue_import_changes_nothing_and_lists_every_problem,
    indicator_workbook_round_trips_and_names_bad_cells,
    a_draft_broken_by_a_catalogue_change_can_be_repaired,
);

async fn regime_id(app: &TestApp, code: &str) -> i32 {
    let page = service::catalogue::regimes::list(&app.db, code, 1).await.unwrap();
    page.items.iter().find(|r| r.code == code).expect("regime").id
}

async fn indicator_id(app: &TestApp, code: &str) -> i32 {
    let page = service::catalogue::indicators::list(
        &app.db,
        service::catalogue::indicators::IndicatorQuery { search: code.into(), include_inactive: true, ..Default::default() },
    )
    .await
    .unwrap();
    page.items.iter().find(|r| r.fields.code == code).expect("indicator").id
}

fn indicator_fields<'a>(code: &'a str, value_type: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name", "Số thôn có đường ô tô đến trung tâm"),
        ("unit", "Thôn"),
        ("value_type", value_type),
        ("scale", "0"),
        ("min", "0"),
        ("max", ""),
        ("aggregation", "tong"),
        ("sector", "Nông nghiệp - Lâm nghiệp"),
        ("owner_unit", "SXD"),
        ("breakdown", ""),
        ("method", ""),
        ("description", ""),
    ]
}

async fn only_administrators_change_the_catalogue(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.syt").await;
    // Reading is open to every signed-in user.
    let (status, html) = app.get_html("/danh-muc/chi-tieu?q=dan%20so").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Dân số trung bình"), "diacritic-free search finds Dân số");
    assert_eq!(app.get_html("/danh-muc/che-do").await.0, StatusCode::OK);
    // Changing is not.
    let rid = regime_id(&app, "KTXH_XA").await.to_string();
    let iid = indicator_id(&app, "CDS05").await.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("danh-muc/chi-tieu/luu", indicator_fields("GT01", "so_nguyen")),
        ("danh-muc/chi-tieu/trang-thai", vec![("id", &iid), ("active", "false")]),
        ("danh-muc/phan-to/luu", vec![("code", "tuoi"), ("name", "Tuổi"), ("parts", "tre: Trẻ; gia: Già")]),
        ("danh-muc/che-do/tao", vec![("code", "X1"), ("name", "Báo cáo X")]),
        ("danh-muc/che-do/sua", vec![("id", &rid), ("op", "them_phan"), ("back", "/"), ("title", "Mới")]),
        ("danh-muc/che-do/ban-hanh", vec![("id", &rid)]),
        ("danh-muc/che-do/trang-thai", vec![("id", &rid), ("active", "false")]),
        ("danh-muc/ngay-nghi/them", vec![("day", "02/09/2027"), ("name", "Quốc khánh")]),
    ];
    for (endpoint, fields) in &calls {
        let r = app.call(endpoint, fields).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
    assert_eq!(app.get_html("/danh-muc/chi-tieu/moi").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/tai-xuong/danh-muc.json").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/tai-xuong/chi-tieu.xlsx").await.status(), StatusCode::FORBIDDEN);
    let token = app.csrf().await;
    let form = reqwest::multipart::Form::new().text("csrf", token).part("file", reqwest::multipart::Part::bytes(b"{}".to_vec()).file_name("x.json"));
    let r = app.client.post(app.url("/tai-len/danh-muc")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nothing changed.
    assert!(
        service::catalogue::indicators::list(&app.db, service::catalogue::indicators::IndicatorQuery { search: "GT01".into(), ..Default::default() })
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // The administrator may.
    let admin = app.another_browser();
    admin.sign_in_ok("quantri").await;
    for (endpoint, fields) in &calls {
        let r = admin.call(endpoint, fields).await;
        assert!(r.status().is_success(), "{endpoint}: {}", r.text().await.unwrap());
    }
    app.stop().await;
}

async fn rules_are_checked_when_saved(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let rid = regime_id(&app, "KTXH_XA").await.to_string();
    let add = |expr: &'static str| {
        let rid = rid.clone();
        let app = &app;
        async move {
            app.call(
                "danh-muc/che-do/sua",
                &[
                    ("id", &rid),
                    ("op", "them_quy_tac"),
                    ("back", "/"),
                    ("expression", expr),
                    ("message", "Thông báo"),
                    ("severity", "loi"),
                    ("missing", "luon_kiem_tra"),
                ],
            )
            .await
        }
    };
    let r = add("DS01 >").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Lỗi cú pháp ở vị trí 7"));
    let r = add("XX99 > 0").await;
    assert!(r.text().await.unwrap().contains("Không có chỉ tiêu mã XX99"));
    let r = add("YT01 > 0").await;
    assert!(r.text().await.unwrap().contains("YT01 không có trên biểu mẫu"));
    let r = add("DS03[nam] + DS03[nu] == DS03").await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // A breakdown in use keeps its parts (figures are split by them); its name may change.
    let bd = service::catalogue::breakdowns::list(&app.db).await.unwrap().into_iter().find(|b| b.code == "gioi_tinh").unwrap();
    let r = app
        .call(
            "danh-muc/phan-to/luu",
            &[("id", &bd.id.to_string()), ("code", "gioi_tinh"), ("name", "Giới tính"), ("parts", "nam: Nam; nu: Nữ; khac: Khác")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("đang được chỉ tiêu sử dụng"));
    let r = app
        .call(
            "danh-muc/phan-to/luu",
            &[("id", &bd.id.to_string()), ("code", "gioi_tinh"), ("name", "Giới tính (nam, nữ)"), ("parts", "nam: Nam; nu: Nữ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // Removing a holiday that is not there is a clear 404.
    assert_eq!(app.call("danh-muc/ngay-nghi/xoa", &[("day", "03/03/2031")]).await.status(), StatusCode::NOT_FOUND);
    // Trying a rule with sample values.
    let r = app
        .client
        .get(app.url("/api/danh-muc/quy-tac/thu"))
        .query(&[("expression", "DS01[nam] + DS01[nu] == DS01"), ("samples", "DS01 = 1.000; DS01[nam] = 480; DS01[nu] = 520")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("\"Pass\""), "{body}");
    app.stop().await;
}

async fn published_versions_never_change(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let rid = regime_id(&app, "YTE_THANG").await;
    let v1 = service::catalogue::regimes::version_doc(&app.db, rid, 1).await.unwrap();
    let r = app
        .call(
            "danh-muc/che-do/sua",
            &[("id", &rid.to_string()), ("op", "them_dong"), ("back", "/"), ("section", "0"), ("indicator", "DS01"), ("required", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(service::catalogue::regimes::version_doc(&app.db, rid, 1).await.unwrap(), v1, "editing the draft leaves v1 alone");
    let r = app.call("danh-muc/che-do/ban-hanh", &[("id", &rid.to_string())]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<String>().await.unwrap(), format!("/danh-muc/che-do/{rid}?ban-hanh=2"));
    assert_eq!(service::catalogue::regimes::version_doc(&app.db, rid, 1).await.unwrap(), v1, "publishing v2 leaves v1 alone");
    let v2 = service::catalogue::regimes::version_doc(&app.db, rid, 2).await.unwrap();
    assert_eq!(v2.row_count(), v1.row_count() + 1);
    // Publishing again without a change is refused.
    let r = app.call("danh-muc/che-do/ban-hanh", &[("id", &rid.to_string())]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // An indicator on a published version keeps its type.
    let iid = indicator_id(&app, "YT01").await.to_string();
    let mut f = indicator_fields("YT01", "so_thap_phan");
    f.push(("id", &iid));
    let r = app.call("danh-muc/chi-tieu/luu", &f).await;
    assert!(r.text().await.unwrap().contains("không thể đổi kiểu giá trị"));
    app.stop().await;
}

async fn download(app: &TestApp, path: &str) -> Vec<u8> {
    let r = app.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.bytes().await.unwrap().to_vec()
}

async fn upload(app: &TestApp, path: &str, name: &str, bytes: Vec<u8>) -> String {
    let token = app.csrf().await;
    let form = reqwest::multipart::Form::new().text("csrf", token).part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let r = app.client.post(app.url(path)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (status, html) = app.get_html(&location).await;
    assert_eq!(status, StatusCode::OK);
    html
}

async fn empty_install(b: Backend) -> TestApp {
    let url = fresh_database(b).await;
    let mut cfg = test_config(&url);
    cfg.demo = false;
    let db = server::prepare_database(&cfg).await.unwrap();
    service::users::create_first_admin(&db, "admin", "Quản trị", "BatDau2025", "VPUBND").await.unwrap();
    close(db).await;
    let app = spawn_app_with(cfg, new_client()).await;
    app.sign_in_ok_with("admin", "BatDau2025").await;
    app
}

async fn catalogue_export_imports_into_an_empty_database_identically(b: Backend) {
    let demo = spawn_app(b).await;
    demo.sign_in_ok("quantri").await;
    let exported = download(&demo, "/tai-xuong/danh-muc.json").await;
    demo.stop().await;

    let fresh = empty_install(b).await;
    let html = upload(&fresh, "/tai-len/danh-muc", "danh-muc.json", exported.clone()).await;
    assert!(html.contains("Đã nhập danh mục"), "{html}");
    // The same catalogue, except that an administrator's import publishes
    // nothing as open data: publishing is its own audited act, indicator by
    // indicator (the demo publishes some).
    let exported = String::from_utf8(exported).unwrap();
    assert!(exported.contains("\"public\": true"), "the demo publishes some indicators");
    let unpublished = exported.replace("\"public\": true", "\"public\": false");
    let again = download(&fresh, "/tai-xuong/danh-muc.json").await;
    assert_eq!(String::from_utf8(again).unwrap(), unpublished);
    // Importing the same file twice changes nothing.
    let html = upload(&fresh, "/tai-len/danh-muc", "danh-muc.json", exported.clone().into_bytes()).await;
    assert!(html.contains("0 phiên bản được thêm"), "{html}");
    assert_eq!(String::from_utf8(download(&fresh, "/tai-xuong/danh-muc.json").await).unwrap(), unpublished);
    fresh.stop().await;
}

async fn a_bad_catalogue_import_changes_nothing_and_lists_every_problem(b: Backend) {
    let app = empty_install(b).await;
    let mut file = service::catalogue::transfer::export(&spawn_and_export_demo(b).await).await.unwrap();
    file.indicators[0].fields.owner_unit = Some("KHONGCO".into());
    let dup = file.indicators[1].clone();
    file.indicators.push(dup);
    file.regimes[0].draft.rules[0].expression = "NS02 <=".into();
    let html = upload(&app, "/tai-len/danh-muc", "loi.json", serde_json::to_vec(&file).unwrap()).await;
    for needle in ["không có đơn vị chủ trì mã KHONGCO", "xuất hiện hai lần", "Lỗi cú pháp ở vị trí"] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(html.contains("dữ liệu chưa thay đổi"));
    let after = service::catalogue::transfer::export(&app.db).await.unwrap();
    assert!(after.indicators.is_empty() && after.regimes.is_empty() && after.breakdowns.is_empty(), "all or nothing");
    let html = upload(&app, "/tai-len/danh-muc", "rac.json", b"{ khong phai json".to_vec()).await;
    assert!(html.contains("dòng 1"), "{html}");
    app.stop().await;
}

async fn spawn_and_export_demo(b: Backend) -> service::Db {
    let url = fresh_database(b).await;
    server::prepare_database(&test_config(&url)).await.unwrap()
}

async fn indicator_workbook_round_trips_and_names_bad_cells(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let bytes = download(&app, "/tai-xuong/chi-tieu.xlsx").await;
    let before = service::catalogue::transfer::export(&app.db).await.unwrap();
    let html = upload(&app, "/tai-len/chi-tieu", "chi-tieu.xlsx", bytes).await;
    assert!(html.contains(&format!("0 chỉ tiêu thêm mới, {} chỉ tiêu cập nhật", before.indicators.len())), "{html}");
    let after = service::catalogue::transfer::export(&app.db).await.unwrap();
    assert_eq!(before.indicators, after.indicators, "the workbook round-trips exactly");

    // A workbook with mistakes, as a user might type it.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Kiểu giá trị",
        "Số chữ số thập phân",
        "Giá trị nhỏ nhất",
        "Giá trị lớn nhất",
        "Cách tổng hợp",
        "Lĩnh vực",
        "Đơn vị chủ trì (mã)",
        "Thuộc hệ thống chỉ tiêu thống kê tỉnh",
        "Phân tổ (mã)",
        "Phương pháp tính",
        "Mô tả",
        "Đang sử dụng",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let good = ["MOI01", "Chỉ tiêu mới", "Người", "Số nguyên", "0", "0", "", "Cộng tổng", "Y tế", "SYT", "Có", "", "", "", "Có"];
    let bad = ["MOI02", "Chỉ tiêu lỗi", "Người", "Số phức", "0", "", "", "Cộng tổng", "Y tế", "SYT", "Có", "", "", "", "Có"];
    let bad2 = ["3SAI", "", "Người", "Số nguyên", "0", "abc", "", "Cộng tổng", "Y tế", "KHONGCO", "Có", "", "", "", "Có"];
    for (r, row) in [good, bad, bad2].iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    ws.write_number(1, 6, 1000.5).unwrap();
    let html = upload(&app, "/tai-len/chi-tieu", "loi.xlsx", wb.save_to_buffer().unwrap()).await;
    for needle in [
        "Dòng 2, ô G2 (Giá trị lớn nhất): Chỉ tiêu này chỉ nhận số nguyên.",
        "Dòng 3, ô D3 (Kiểu giá trị): không có kiểu giá trị",
        "Dòng 4, ô A4 (Mã chỉ tiêu)",
        "Dòng 4, ô B4 (Tên chỉ tiêu)",
        "Dòng 4, ô F4 (Giá trị nhỏ nhất)",
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
    let still = service::catalogue::transfer::export(&app.db).await.unwrap();
    assert!(!still.indicators.iter().any(|i| i.fields.code == "MOI01"), "nothing written when any row is wrong");
    app.stop().await;
}

async fn a_draft_broken_by_a_catalogue_change_can_be_repaired(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let rid = regime_id(&app, "KTXH_XA").await.to_string();
    let iid = indicator_id(&app, "HC03").await.to_string();
    assert_eq!(app.call("danh-muc/chi-tieu/trang-thai", &[("id", &iid), ("active", "false")]).await.status(), StatusCode::OK);
    // The draft now has a stopped indicator: publication is refused and says why.
    let r = app.call("danh-muc/che-do/sua", &[("id", &rid), ("op", "them_phan"), ("back", "/"), ("title", "Phần mới")]).await;
    assert_eq!(r.status(), StatusCode::OK, "unrelated edits still save: {}", r.text().await.unwrap());
    let r = app.call("danh-muc/che-do/ban-hanh", &[("id", &rid)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("HC03 không có trong danh mục hoặc đã ngừng sử dụng"));
    // Removing the row repairs it; the new empty section is removed too.
    let r = app.call("danh-muc/che-do/sua", &[("id", &rid), ("op", "xoa_dong"), ("back", "/"), ("section", "2"), ("row", "2")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = app.call("danh-muc/che-do/sua", &[("id", &rid), ("op", "xoa_phan"), ("back", "/"), ("section", "4")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = app.call("danh-muc/che-do/ban-hanh", &[("id", &rid)]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    app.stop().await;
}
