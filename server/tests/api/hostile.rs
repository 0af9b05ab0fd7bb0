//! Inputs meant to bring the server down or to write where no one checked:
//! each is sent to a running server, which must answer with a clear
//! refusal and still answer `/healthz` afterwards.

use crate::helpers::*;
use reqwest::StatusCode;
use std::io::Write;

crate::on_both_backends!(
    deep_and_long_rules_are_refused_and_the_server_stays_up,
    hostile_workbooks_are_refused_and_the_server_stays_up,
    redirect_targets_stay_on_the_site,
    anonymous_requests_store_nothing,
    parallel_wrong_passwords_are_all_counted,
    a_sign_in_flood_is_answered_and_passes,
    huge_page_numbers_show_the_last_page,
);

async fn deep_and_long_rules_are_refused_and_the_server_stays_up(b: Backend) {
    let app = spawn_app(b).await;
    // As deep as a URL can carry (a query string is limited to 64 KB); the
    // editor below takes a far deeper one in a form body.
    let deep = format!("{}1{}", "(".repeat(8_000), ")".repeat(8_000));
    let nots = format!("{}T0101", "not ".repeat(10_000));
    let minus = format!("{}1", "-".repeat(20_000));
    // "Try this rule" is an administrator's tool: the leader's read-only
    // account is refused before anything is parsed.
    app.sign_in_ok("ld.tinh").await;
    for e in [&deep, &nots, &minus] {
        let r = app.client.get(app.url("/api/danh-muc/quy-tac/thu")).query(&[("expression", e.as_str()), ("samples", "")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    app.still_up().await;
    let admin = app.another_browser();
    admin.sign_in_ok("quantri").await;
    let r = admin.client.get(admin.url("/api/danh-muc/quy-tac/thu")).query(&[("expression", deep.as_str()), ("samples", "")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["parse_error"]["message"].as_str().unwrap().contains("dài quá"), "{v}");
    let nested = format!("{}T0101{}", "abs(".repeat(200), ")".repeat(200));
    let r = admin.client.get(admin.url("/api/danh-muc/quy-tac/thu")).query(&[("expression", nested.as_str()), ("samples", "")]).send().await.unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["parse_error"]["message"].as_str().unwrap().contains("lồng nhau quá"), "{v}");
    let very_deep = format!("{}1{}", "(".repeat(300_000), ")".repeat(300_000));
    // The rule editor checks the role first, then refuses the expression by field.
    let rid = service::catalogue::regimes::list(&app.db, "KTXH_XA", 1).await.unwrap().items[0].id.to_string();
    for (expression, why) in [(nested.as_str(), "lồng nhau quá"), (very_deep.as_str(), "dài quá")] {
        let fields = [
            ("id", rid.as_str()),
            ("op", "them_quy_tac"),
            ("back", "/"),
            ("expression", expression),
            ("message", "x"),
            ("severity", "loi"),
            ("missing", "bo_qua_neu_thieu"),
        ];
        let r = app.call("danh-muc/che-do/sua", &fields).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = admin.call("danh-muc/che-do/sua", &fields).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains(why), "{why}");
    }
    app.still_up().await;
    app.stop().await;
}

/// An .xlsx whose only cell sits at XFD1048576.
fn far_cell_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(1_048_575, 16_383, "x").unwrap();
    wb.save_to_buffer().unwrap()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

/// An .ods whose one row repeats a million times across every column.
fn repeated_ods() -> Vec<u8> {
    let content = "<?xml version=\"1.0\"?><office:document-content><office:body><office:spreadsheet><table:table table:name=\"A\">\
        <table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>\
        </table:table></office:spreadsheet></office:body></office:document-content>";
    zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content.as_bytes())])
}

/// An .ods cell holding a trillion spaces.
fn spaces_ods() -> Vec<u8> {
    let content = "<?xml version=\"1.0\"?><office:document-content><office:body><office:spreadsheet><table:table table:name=\"A\">\
        <table:table-row><table:table-cell office:value-type=\"string\"><text:p><text:s text:c=\"999999999999\"/></text:p></table:table-cell></table:table-row>\
        </table:table></office:spreadsheet></office:body></office:document-content>";
    zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content.as_bytes())])
}

fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend((data.len() as u16).to_le_bytes());
    v.extend(data);
    v
}

/// An .xls whose one sheet declares a grid of a million rows by 256 columns
/// and holds cells at opposite corners.
fn far_cell_xls() -> Vec<u8> {
    let bof = biff(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let sheet_bof = biff(0x0809, &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let eof = biff(0x000A, &[]);
    let mut name = vec![0u8, 0, 0, 0, 0, 0, 1, 0];
    name.push(b'A');
    let bound_len = biff(0x0085, &name).len();
    let offset = (bof.len() + bound_len + eof.len()) as u32;
    let mut bound = offset.to_le_bytes().to_vec();
    bound.extend([0, 0, 1, 0, b'A']);
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(1_000_000u32.to_le_bytes());
    dims.extend([0, 0, 0, 1, 0, 0]);
    let number = |row: u16, col: u16| {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        biff(0x0203, &d)
    };
    let stream = [bof, biff(0x0085, &bound), eof.clone(), sheet_bof, biff(0x0200, &dims), number(0, 0), number(65_535, 255), eof].concat();
    let mut comp = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/Workbook").unwrap().write_all(&stream).unwrap();
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

async fn upload_indicators(app: &TestApp, name: &str, bytes: Vec<u8>) -> String {
    let token = app.csrf().await;
    let form = reqwest::multipart::Form::new().text("csrf", token).part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let r = app.client.post(app.url("/tai-len/chi-tieu")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}: {}", r.text().await.unwrap_or_default());
    let location = r.headers()["location"].to_str().unwrap().to_string();
    app.get_html(&location).await.1
}

async fn hostile_workbooks_are_refused_and_the_server_stays_up(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("xa.xlsx", far_cell_xlsx(), "Không tìm thấy dòng tiêu đề"),
        ("lap-lai.ods", repeated_ods(), "Tệp quá lớn để xử lý"),
        ("khoang-trang.ods", spaces_ods(), "Tệp quá lớn để xử lý"),
        ("xa.xls", far_cell_xls(), "Tệp quá lớn để xử lý"),
        ("bao-cao.xlsx", b"%PDF-1.7 not a workbook".to_vec(), "tệp PDF"),
        ("cut.xlsx", far_cell_xlsx()[..300].to_vec(), "bị hỏng hoặc chưa tải hết"),
    ];
    for (name, bytes, expected) in cases {
        let html = upload_indicators(&app, name, bytes).await;
        assert!(html.contains(expected), "{name}: expected «{expected}» in the result page");
        assert!(!html.contains("Zip error") && !html.contains("EOCD"), "{name}: no library English");
        app.still_up().await;
    }
    app.stop().await;
}

async fn redirect_targets_stay_on_the_site(b: Backend) {
    let app = spawn_app(b).await;
    for next in ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/a\u{7}b", "https://evil.example", "/\\evil.example"] {
        let token = app.csrf().await;
        let form = [("csrf", token.as_str()), ("username", "cv.syt"), ("password", DEMO_PASSWORD), ("next", next)];
        let r = app.client.post(app.url("/api/dang-nhap")).header("accept", "text/html").form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FOUND, "{next:?}");
        assert_eq!(r.headers()["location"], "/", "{next:?}");
        app.call("dang-xuat", &[]).await;
    }
    let (status, _) = app.get_html("/dang-nhap?tiep=%09%2F%2Fevil.example").await;
    assert_eq!(status, StatusCode::OK);
    app.still_up().await;
    app.stop().await;
}

async fn anonymous_requests_store_nothing(b: Backend) {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = spawn_app(b).await;
    let token = app.csrf().await;
    let big = "9".repeat(100_000);
    for id in ["1", "2", "999"] {
        let form = [("csrf", token.as_str()), ("id", id), ("row_version", "0"), ("values[DS01]", big.as_str())];
        let r = app.client.post(app.url("/api/bao-cao/luu")).header("accept", "text/html").form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FOUND);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/dang-nhap"));
    }
    assert_eq!(entity::form_stash::Entity::find().count(&app.db).await.unwrap(), 0, "no stash without a signed-in clerk");
    app.still_up().await;
    app.stop().await;
}

async fn parallel_wrong_passwords_are_all_counted(b: Backend) {
    let app = spawn_app(b).await;
    let attempts = 16;
    let mut tasks = Vec::new();
    for _ in 0..attempts {
        let browser = app.another_browser();
        tasks.push(tokio::spawn(async move { browser.sign_in("ld.syt", "sai-mat-khau-1").await.status() }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    // Five wrong passwords lock the account; none of the sixteen got past the count.
    let wrong = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
    assert!(wrong <= 5, "at most five passwords were checked: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY || *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // The right password is refused while the lock lasts.
    let r = app.sign_in("ld.syt", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("tạm thời bị khóa"));
    app.still_up().await;
    app.stop().await;
}

/// Hundreds of sign-ins at once from as many addresses (behind the
/// province's proxy), each for a name of its own so no lock-out stops them
/// before the password check: every one gets a clear answer (wrong name or
/// password, or "too many at once, try again"), none an error page, and the
/// server lets the next person in once the crowd has gone. That the queue
/// refuses at once when full, and gives back the place of a client that
/// hung up, is proved on the gate itself (service::password).
async fn a_sign_in_flood_is_answered_and_passes(b: Backend) {
    let url = fresh_database(b).await;
    let config = server::config::Config { trust_proxy: true, ..test_config(&url) };
    let app = spawn_app_with(config, new_client()).await;
    let csrf = app.csrf().await;
    let flood = 240;
    let mut tasks = Vec::new();
    for i in 0..flood {
        let (client, url, csrf) = (app.client.clone(), app.url("/api/dang-nhap"), csrf.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .header("x-forwarded-for", format!("10.{}.{}.7", i / 200, i % 200))
                .form(&[("csrf", csrf), ("username", format!("khong-co-{i}")), ("password", "sai-mat-khau".to_string())])
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.text().await.unwrap())
        }));
    }
    let mut busy = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::UNPROCESSABLE_ENTITY => assert!(body.contains("Tên đăng nhập hoặc mật khẩu không đúng"), "{body}"),
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(body.contains("Vui lòng thử lại sau ít giây"), "{body}");
                busy += 1;
            }
            other => panic!("a sign-in in the crowd got {other}: {body}"),
        }
    }
    eprintln!("sign-in flood: {busy} of {flood} asked to come back");
    // Two checks per core at a time and a queue of 64: a crowd of 240 is
    // more than that (about half were asked back when this was written).
    assert!(busy > 0, "the gate never filled: is it still there?");
    app.still_up().await;
    app.sign_in_ok("cv.syt").await;
    app.stop().await;
}

/// A page number from the address bar as large as it can be: the list's
/// last page, not an overflowing database offset.
async fn huge_page_numbers_show_the_last_page(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("cv.tohieu").await;
    let r = app.query("bao-cao/luu-tru", &[("page", &u64::MAX.to_string())]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let archive: serde_json::Value = r.json().await.unwrap();
    let reports = &archive["reports"];
    let last = reports["total"].as_u64().unwrap().div_ceil(reports["per_page"].as_u64().unwrap()).max(1);
    assert_eq!(reports["page"].as_u64(), Some(last), "the last page");
    let (status, _) = app.get_html(&format!("/bao-cao?trang={}", u64::MAX)).await;
    assert_eq!(status, StatusCode::OK);
    let admin = app.another_browser();
    admin.sign_in_ok("quantri").await;
    let r = admin.query("quan-tri/nguoi-dung", &[("search", ""), ("role", ""), ("page", &u64::MAX.to_string())]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let users: serde_json::Value = r.json().await.unwrap();
    assert_eq!(users["page"].as_u64(), Some(1), "one page of demo accounts: {}", users["page"]);
    app.still_up().await;
    app.stop().await;
}
