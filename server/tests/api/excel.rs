//! The Excel round trip over HTTP: who may download a report's form and
//! upload a filled one, the round trip (no edits change nothing; an edit
//! imports exactly that change, audited with source Excel and the file
//! name), and hostile files, each refused with a Vietnamese message while
//! the server stays up.

use crate::helpers::*;
use calamine::Data;
use chrono::Utc;
use domain::Actor;
use entity::{app_user, value_audit};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use service::excel::{Book, Limits, cell_text};

crate::on_both_backends!(
    downloads_need_a_sign_in_and_access_to_the_unit,
    another_units_workbook_is_refused,
    a_round_trip_without_edits_changes_nothing_and_an_edit_imports_exactly_that,
    hostile_files_get_a_vietnamese_message_and_the_server_stays_up,
    excel_check_prints_the_preview_and_exits_by_what_it_found,
);

async fn actor(app: &TestApp, username: &str) -> Actor {
    let u = app_user::Entity::find().filter(app_user::Column::Username.eq(username)).one(&app.db).await.unwrap().unwrap();
    Actor { user_id: u.id, role: domain::Role::from_code(&u.role).unwrap(), unit_id: u.unit_id }
}

/// The clerk's report of a regime for its first open period.
async fn open_report(app: &TestApp, clerk: &Actor, regime_code: &str) -> i32 {
    let due = service::reports::due_for_unit(&app.db, clerk, clerk.unit_id, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == regime_code && d.state.accepts_entry()).expect("an open period");
    service::reports::start(&app.db, clerk, d.regime_id, &d.period_key, Utc::now()).await.unwrap()
}

async fn download(app: &TestApp, id: i32) -> reqwest::Response {
    app.client.get(app.url("/tai-xuong/bao-cao.xlsx")).query(&[("id", id.to_string())]).send().await.unwrap()
}

/// Uploads a file as the report page's form does; answers the status and where it leads.
async fn upload(app: &TestApp, report: Option<i32>, name: &str, bytes: Vec<u8>) -> (StatusCode, String, String) {
    let mut form = reqwest::multipart::Form::new().text("csrf", app.csrf().await);
    if let Some(id) = report {
        form = form.text("bao_cao", id.to_string());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let r = app.client.post(app.url("/tai-len/bao-cao")).multipart(form).send().await.unwrap();
    let status = r.status();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, r.text().await.unwrap_or_default())
}

/// The preview of the upload a redirect leads to, once its check is done.
async fn preview(app: &TestApp, location: &str) -> domain::excel::ImportView {
    let id = location.strip_prefix("/nhap-excel/").unwrap_or_else(|| panic!("a preview, not {location:?}"));
    for _ in 0..100 {
        let r = app.query("nhap-excel/xem", &[("id", id)]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: domain::excel::ImportView = r.json().await.unwrap();
        if !matches!(v.state, domain::excel::ImportState::Reading { .. }) {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the check of upload {id} never finished");
}

async fn audits(app: &TestApp, report: i32) -> Vec<value_audit::Model> {
    value_audit::Entity::find().filter(value_audit::Column::ReportId.eq(report)).all(&app.db).await.unwrap()
}

fn read(bytes: &[u8]) -> Book {
    service::excel::read(bytes, &Limits::default()).unwrap()
}

/// Sets the "Thực hiện kỳ này" of an indicator code in a sheet.
fn set(book: &mut Book, sheet: usize, code: &str, d: Data) {
    let s = &book.sheets[sheet];
    let t = service::excel::read::find_table(s).unwrap();
    let row = s.rows().into_iter().find(|r| s.get(*r, t.code_col).map(cell_text).as_deref() == Some(code)).unwrap_or_else(|| panic!("row of {code}"));
    let col = t.input_col;
    book.sheets[sheet].cells.insert((row, col), d);
}

/// A workbook holding a book's cells (values only), hidden sheets hidden.
fn write_book(book: &Book) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for s in &book.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).unwrap();
        for ((r, c), d) in &s.cells {
            let c = *c as u16;
            match d {
                Data::Float(f) => ws.write_number(*r, c, *f).map(|_| ()).unwrap(),
                Data::Int(i) => ws.write_number(*r, c, *i as f64).map(|_| ()).unwrap(),
                Data::Bool(b) => ws.write_boolean(*r, c, *b).map(|_| ()).unwrap(),
                other => ws.write_string(*r, c, cell_text(other)).map(|_| ()).unwrap(),
            }
        }
        if !s.visible {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn downloads_need_a_sign_in_and_access_to_the_unit(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    // Signed out: to the sign-in page, no file.
    let r = download(&app, id).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/dang-nhap");
    // Another unit's clerk: refused, in Vietnamese, no file.
    app.sign_in_ok("cv.tohieu").await;
    let r = download(&app, id).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(!r.headers()["content-type"].to_str().unwrap().contains("spreadsheet"));
    assert!(r.text().await.unwrap().contains("Bạn"), "a Vietnamese refusal");
    // A report that does not exist.
    let r = download(&app, 999_999).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The unit's own clerk: the biểu mẫu.
    let own = app.another_browser();
    own.sign_in_ok("cv.syt").await;
    let r = download(&own, id).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let book = read(&r.bytes().await.unwrap());
    assert!(book.sheets.iter().any(|s| s.name == "_baocao" && !s.visible), "the hidden information sheet");
    app.stop().await;
}

async fn another_units_workbook_is_refused(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    // Sở Y tế's stored figure, which no other unit's clerk may see.
    let mut figures = domain::figures::Figures::default();
    figures.values.insert("YT01".into(), domain::indicator::Value::Num(87_654));
    let changes = service::reports::Changes { figures, ..Default::default() };
    let rv = entity::report::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().row_version;
    service::reports::save_changes(&app.db, &clerk, id, rv, changes, service::reports::Source::Form, Utc::now()).await.unwrap();
    let audited = audits(&app, id).await.len();
    let bytes = service::excel::download::reports(&app.db, &clerk, &[id], Utc::now()).await.unwrap().bytes;
    let mut book = read(&bytes);
    set(&mut book, 0, "YT01", Data::Float(999.0));
    let edited = write_book(&book);
    // The same hidden sheet with its checksum broken (a hand-made stamp):
    // it still names Sở Y tế's report.
    let mut altered = book.clone();
    let info = altered.sheets.iter_mut().find(|s| s.name == "_baocao").expect("the hidden sheet");
    *info.cells.get_mut(&(2, 8)).expect("the first stamp's checksum") = Data::String("0".repeat(20));
    let altered = write_book(&altered);
    app.sign_in_ok("cv.tohieu").await;
    // Onto Sở Y tế's report: refused before the file is read.
    let (status, _, body) = upload(&app, Some(id), "syt.xlsx", edited.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("đơn vị mình"), "{body}");
    // Without naming a report: read, but the sheet belongs to another unit and nothing can be confirmed.
    let (status, location, _) = upload(&app, None, "syt.xlsx", edited).await;
    assert!(status.is_redirection(), "{status}");
    let v = preview(&app, &location).await;
    assert!(!v.can_confirm(), "{v:?}");
    assert!(matches!(v.sheets[0].verdict, domain::excel::Verdict::Blocked(_)), "{:?}", v.sheets[0].verdict);
    let r = app.call("nhap-excel/xac-nhan", &[("id", &v.id.to_string())]).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    // Nothing of Sở Y tế's report is shown: no figure, no change, no conflict, no check.
    let (_, location2, _) = upload(&app, None, "syt-sua.xlsx", altered).await;
    let v2 = preview(&app, &location2).await;
    for v in [&v, &v2] {
        for s in v.sheets.iter().filter(|s| s.sheet != "_baocao") {
            assert!(s.report.is_none() && s.changes.is_empty() && s.conflicts.is_empty(), "{s:?}");
            assert!(s.check_errors.is_empty() && s.check_warnings.is_empty(), "{s:?}");
        }
        let json = serde_json::to_string(v).unwrap();
        assert!(!json.contains("87.654") && !json.contains("87654"), "{json}");
        assert!(matches!(v.sheets[0].verdict, domain::excel::Verdict::Blocked(_)), "{:?}", v.sheets[0].verdict);
    }
    assert_eq!(audits(&app, id).await.len(), audited, "nothing stored");
    app.stop().await;
}

async fn a_round_trip_without_edits_changes_nothing_and_an_edit_imports_exactly_that(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    app.sign_in_ok("cv.syt").await;
    let r = download(&app, id).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();

    // No edits: nothing to confirm, nothing stored.
    let (status, location, _) = upload(&app, Some(id), "bieu-mau.xlsx", bytes.clone()).await;
    assert!(status.is_redirection(), "{status}");
    let v = preview(&app, &location).await;
    assert_eq!(v.state, domain::excel::ImportState::Ready);
    assert!(!v.can_confirm(), "{v:?}");
    assert_eq!(v.sheets[0].verdict, domain::excel::Verdict::Unchanged);
    let r = app.call("nhap-excel/xac-nhan", &[("id", &v.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(audits(&app, id).await.is_empty());
    // The preview page itself answers for the clerk.
    let (status, html) = app.get_html(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Không có thay đổi"), "the verdict in words");

    // One edit: exactly that change, previewed old → new, then confirmed.
    let mut book = read(&bytes);
    set(&mut book, 0, "YT01", Data::String("1.234".into()));
    let (status, location, _) = upload(&app, Some(id), "so-lieu-thang.xlsx", write_book(&book)).await;
    assert!(status.is_redirection(), "{status}");
    let v = preview(&app, &location).await;
    assert!(v.can_confirm(), "{v:?}");
    let changes: Vec<(&str, &str, &str)> = v.sheets[0].changes.iter().map(|c| (c.key.as_str(), c.old.as_str(), c.new.as_str())).collect();
    assert_eq!(changes, [("YT01", "", "1.234")]);
    assert!(v.sheets[0].changes[0].cell.contains('!'), "sheet!cell");
    let (_, html) = app.get_html(&location).await;
    assert!(html.contains("Xác nhận nhập") && html.contains("1.234"), "the preview shows the change and the confirmation");
    assert!(audits(&app, id).await.is_empty(), "nothing stored before the confirmation");
    let r = app.call("nhap-excel/xac-nhan", &[("id", &v.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let a = audits(&app, id).await;
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].source, "excel");
    assert_eq!(a[0].source_file.as_deref(), Some("so-lieu-thang.xlsx"));
    assert_eq!(a[0].old_value, None);
    // A second confirmation finds it done.
    let r = app.call("nhap-excel/xac-nhan", &[("id", &v.id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(audits(&app, id).await.len(), 1);
    // The form shows the figure.
    let r = app.query("bao-cao/xem", &[("id", &id.to_string())]).await;
    let page: serde_json::Value = r.json().await.unwrap();
    assert_eq!(page["data"]["values"]["YT01"], "1.234", "{}", page["data"]["values"]);
    app.stop().await;
}

async fn hostile_files_get_a_vietnamese_message_and_the_server_stays_up(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    let good = service::excel::download::reports(&app.db, &clerk, &[id], Utc::now()).await.unwrap().bytes;
    app.sign_in_ok("cv.syt").await;
    // A huge declared dimension: one cell at XFD1048576 in a sheet that claims the whole grid.
    let huge = {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        let files = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Biểu01" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            (
                "xl/worksheets/sheet1.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#,
            ),
        ];
        for (name, text) in files {
            z.start_file(name, o).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("cat-do.xlsx", good[..good.len() / 2].to_vec()),
        ("van-ban.xlsx", "Đây là một tệp văn bản đổi tên thành .xlsx".as_bytes().to_vec()),
        ("anh.xlsx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ("luoi-khong-lo.xlsx", huge),
    ];
    for (name, bytes) in cases {
        let (status, location, body) = upload(&app, Some(id), name, bytes).await;
        let message = if status.is_redirection() {
            let v = preview(&app, &location).await;
            assert!(!v.can_confirm(), "{name}: {v:?}");
            match v.state {
                domain::excel::ImportState::Failed { message } => message,
                _ => v
                    .sheets
                    .iter()
                    .flat_map(|s| {
                        s.problems.iter().map(|p| p.line()).chain(match &s.verdict {
                            domain::excel::Verdict::Blocked(r) => Some(r.clone()),
                            _ => None,
                        })
                    })
                    .collect::<Vec<_>>()
                    .join(" | "),
            }
        } else {
            assert!(status.is_client_error(), "{name}: {status}");
            body
        };
        // Vietnamese, saying what to do; never a library's English.
        assert!(message.chars().any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ".contains(c)), "{name}: {message}");
        for english in ["Zip error", "invalid", "not found", "EOCD", "File not found", "error:"] {
            assert!(!message.contains(english), "{name}: {message}");
        }
        app.still_up().await;
    }
    assert!(audits(&app, id).await.is_empty(), "nothing stored");
    app.stop().await;
}

/// Runs `server excel-check FILE` on the app's database: exit code and the JSON it printed.
fn excel_check(app: &TestApp, file: &std::path::Path) -> (i32, serde_json::Value) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("excel-check")
        .arg(file)
        .env("BAOCAO_DATABASE_URL", &app.database_url)
        .env_remove("BAOCAO_CONFIG")
        .output()
        .expect("the server binary runs");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON on stdout ({e}): {} / {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), json)
}

async fn excel_check_prints_the_preview_and_exits_by_what_it_found(b: Backend) {
    let app = spawn_app(b).await;
    let clerk = actor(&app, "cv.syt").await;
    let id = open_report(&app, &clerk, "YTE_THANG").await;
    let bytes = service::excel::download::reports(&app.db, &clerk, &[id], Utc::now()).await.unwrap().bytes;
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("baocao-excel-check-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // Clean: one figure changed, exit 0, the change listed with its cell.
    let mut book = read(&bytes);
    set(&mut book, 0, "YT01", Data::Float(1500.0));
    let clean = dir.join("sach.xlsx");
    std::fs::write(&clean, write_book(&book)).unwrap();
    let (code, json) = excel_check(&app, &clean);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["readable"], true);
    assert_eq!(json["clean"], true);
    assert_eq!(json["format"], "xlsx");
    let changes = json["sheets"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{json:#}");
    assert_eq!(changes[0]["new"], "1.500");
    assert!(changes[0]["cell"].as_str().unwrap().contains('!'));

    // Text in a number cell: exit 1, the problem at its cell, in Vietnamese.
    set(&mut book, 0, "YT01", Data::String("abc".into()));
    let bad = dir.join("loi.xlsx");
    std::fs::write(&bad, write_book(&book)).unwrap();
    let (code, json) = excel_check(&app, &bad);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["clean"], false);
    let problems = json["sheets"][0]["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["cell"].as_str().is_some_and(|c| c.contains('!')) && p["message"].as_str().unwrap().contains("abc")),
        "{json:#}"
    );

    // Unreadable: exit 2 with the reason.
    let junk = dir.join("van-ban.xlsx");
    std::fs::write(&junk, "không phải bảng tính").unwrap();
    let (code, json) = excel_check(&app, &junk);
    assert_eq!(code, 2, "{json:#}");
    assert_eq!(json["readable"], false);
    assert!(!json["summary"].as_str().unwrap().is_empty());
    let (code, _) = excel_check(&app, &dir.join("khong-co.xlsx"));
    assert_eq!(code, 2);

    // Nothing stored by any of it.
    assert!(audits(&app, id).await.is_empty());
    assert_eq!(entity::excel_import::Entity::find().all(&app.db).await.unwrap().len(), 0);
    std::fs::remove_dir_all(&dir).ok();
    app.stop().await;
}
