//! The Excel round trip at the service level, on SQLite and PostgreSQL: a report downloaded
//! as the biểu mẫu reads back unchanged; edits in the workbook are exactly
//! what an upload imports; a report changed since the download keeps those
//! changes and shows real conflicts; bulk workbooks import sheet by sheet;
//! the confirmed import is one audited transaction. Real spreadsheet
//! programs' files and the hostile corpus are in `excel_fixtures.rs`.

use calamine::Data;
use chrono::Utc;
use domain::Actor;
use domain::excel::{Identity, ImportState, Verdict};
use domain::figures::Figures;
use domain::indicator::Value;
use entity::{report_event, value_audit};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use service::excel::import::check_book;
use service::excel::{Book, Limits, cell_name, cell_text};
use service::reports::{Changes, Source};

mod common;
use common::{Backend, actor, demo_db};

on_both_backends!(
    a_downloaded_form_reads_back_unchanged_and_imports_exactly_the_edits,
    upload_previews_then_confirms_in_one_audited_transaction,
    a_report_changed_since_the_download_keeps_those_changes_and_shows_real_conflicts,
    confirming_stores_every_importable_sheet_with_its_file_name,
    a_form_copied_into_another_file_is_matched_by_code_and_needs_confirmation,
    a_bulk_workbook_imports_sheet_by_sheet,
    an_empty_form_starts_the_report_when_imported,
);

/// The clerk's report of a regime for its first open period.
pub async fn open_report(db: &service::Db, clerk: &Actor, regime_code: &str) -> i32 {
    let due = service::reports::due_for_unit(db, clerk, clerk.unit_id, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == regime_code && d.state.accepts_entry()).expect("an open period");
    service::reports::start(db, clerk, d.regime_id, &d.period_key, Utc::now()).await.unwrap()
}

pub async fn save(db: &service::Db, clerk: &Actor, id: i32, values: &[(&str, Value)]) {
    let l = service::reports::load(db, id).await.unwrap();
    let mut figures = Figures::default();
    let stored = service::reports::store::load_values(db, id, &l.ids).await.unwrap();
    figures.values = service::reports::store::figures_of(&l.doc, &l.specs, &stored).values;
    for (k, v) in values {
        figures.values.insert((*k).to_string(), v.clone());
    }
    let changes = Changes { figures, ..Changes::default() };
    service::reports::save_changes(db, clerk, id, l.report.row_version, changes, Source::Form, Utc::now()).await.unwrap();
}

pub fn read(bytes: &[u8]) -> Book {
    service::excel::read(bytes, &Limits::default()).unwrap()
}

/// Where a cell key's input sits in a sheet: (row, column) of its "Thực hiện kỳ này".
pub fn input_of(book: &Book, sheet: usize, key: &str) -> (u32, u32) {
    let s = &book.sheets[sheet];
    let t = service::excel::read::find_table(s).unwrap();
    let code = match key.split_once("__") {
        Some((c, p)) => format!("{c}[{p}]"),
        None => key.to_string(),
    };
    let row = s
        .rows()
        .into_iter()
        .find(|r| s.get(*r, t.code_col).map(cell_text).as_deref() == Some(code.as_str()))
        .unwrap_or_else(|| panic!("row of {key}"));
    (row, t.input_col)
}

pub fn set(book: &mut Book, sheet: usize, key: &str, d: Data) {
    let at = input_of(book, sheet, key);
    book.sheets[sheet].cells.insert(at, d);
}

async fn check(db: &service::Db, clerk: &Actor, book: &Book, target: Option<i32>) -> service::excel::import::Checked {
    check_book(db, Some(clerk), std::sync::Arc::new(book.clone()), target, Utc::now(), &mut |_, _| {}).await.unwrap()
}

async fn a_downloaded_form_reads_back_unchanged_and_imports_exactly_the_edits(b: Backend) {
    let db = demo_db(b, "round").await;
    let clerk = actor(&db, "cv.syt").await;
    let id = open_report(&db, &clerk, "YTE_THANG").await;
    save(&db, &clerk, id, &[("YT01", Value::Num(1200)), ("YT03", Value::Num(450))]).await;
    let dl = service::excel::download::reports(&db, &clerk, &[id], Utc::now()).await.unwrap();
    assert!(dl.file_name.starts_with("bieu-mau-yte-thang-syt-"), "{}", dl.file_name);
    let book = read(&dl.bytes);
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Biểu03_YT", "Hướng dẫn", "_baocao"]);
    assert!(!book.sheets[2].visible, "the information sheet is hidden");
    // The heading as on paper.
    let texts: Vec<String> = book.sheets[0].cells.values().map(cell_text).collect();
    for want in [
        "Biểu số 03/YT",
        "Đơn vị báo cáo: Sở Y tế",
        "STT",
        "Chỉ tiêu",
        "Mã",
        "ĐVT",
        "Thực hiện kỳ này",
        "Cùng kỳ năm trước",
        "Ghi chú",
        "I",
        "II",
        "III",
    ] {
        assert!(texts.iter().any(|t| t == want), "{want} missing from {texts:?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("(Số liệu từ ngày ")), "the cut-off window");

    // No edits: nothing changes.
    let c = check(&db, &clerk, &book, None).await;
    assert_eq!(c.sheets[0].identity, Identity::Verified);
    assert_eq!(c.sheets[0].verdict, Verdict::Unchanged, "{:?}", c.sheets[0]);
    assert!(c.sheets[0].changes.is_empty());
    assert!(matches!(c.sheets[1].verdict, Verdict::Ignored(_)));
    assert!(c.plans.is_empty());

    // Edits: a number, a number stored as Vietnamese text, a cleared cell, a comment.
    let mut edited = book.clone();
    set(&mut edited, 0, "YT01", Data::Float(1250.0));
    set(&mut edited, 0, "YT02", Data::String("12.345".into()));
    let yt03 = input_of(&edited, 0, "YT03");
    edited.sheets[0].cells.remove(&yt03);
    let t = service::excel::read::find_table(&edited.sheets[0]).unwrap();
    let yt01_row = input_of(&edited, 0, "YT01").0;
    edited.sheets[0].cells.insert((yt01_row, t.comment_col.unwrap()), Data::String("Thêm khoa mới".into()));
    let c = check(&db, &clerk, &edited, None).await;
    let s = &c.sheets[0];
    assert_eq!(s.verdict, Verdict::Importable, "{s:?}");
    let changes: Vec<(String, String, String)> = s.changes.iter().map(|c| (c.key.clone(), c.old.clone(), c.new.clone())).collect();
    assert_eq!(
        changes,
        [
            ("YT01".to_string(), "1.200".to_string(), "1.250".to_string()),
            ("YT01".to_string(), String::new(), "Thêm khoa mới".to_string()),
            ("YT03".to_string(), "450".to_string(), String::new()),
            ("YT02".to_string(), String::new(), "12.345".to_string()),
        ]
    );
    let yt01 = input_of(&edited, 0, "YT01");
    assert_eq!(s.changes[0].cell, format!("Biểu03_YT!{}", cell_name(yt01.0, yt01.1)));
}

async fn upload_previews_then_confirms_in_one_audited_transaction(b: Backend) {
    let db = demo_db(b, "confirm").await;
    let clerk = actor(&db, "cv.syt").await;
    let id = open_report(&db, &clerk, "YTE_THANG").await;
    let dl = service::excel::download::reports(&db, &clerk, &[id], Utc::now()).await.unwrap();
    // The workbook as written, uploaded through the job (read in the background).
    let (job, done) =
        service::excel::import::upload(&db, &clerk, "bieu-mau.xlsx", dl.bytes.clone(), Some(id), Limits::default(), Utc::now()).await.unwrap();
    done.await.unwrap();
    let v = service::excel::import::get(&db, &clerk, job, Utc::now()).await.unwrap();
    assert_eq!(v.state, ImportState::Ready);
    assert!(!v.can_confirm(), "nothing to import from an untouched form");

    // Another clerk's upload is not theirs to see.
    let other = actor(&db, "cv.tohieu").await;
    assert!(matches!(service::excel::import::get(&db, &other, job, Utc::now()).await, Err(service::ServiceError::Forbidden(_))));
    // Only clerks upload, and only onto their own unit's reports.
    let reviewer = actor(&db, "vp.tonghop").await;
    assert!(service::excel::import::authorize(&db, &reviewer, None).await.is_err());
    assert!(service::excel::import::authorize(&db, &other, Some(id)).await.is_err());

    // Edited: checked, previewed, nothing stored until confirmed.
    let book = read(&dl.bytes);
    let mut edited = book.clone();
    set(&mut edited, 0, "YT01", Data::Float(1300.0));
    set(&mut edited, 0, "YT04", Data::String("97,5".into()));
    let c = check(&db, &clerk, &edited, Some(id)).await;
    assert_eq!(c.sheets[0].verdict, Verdict::Importable, "{:?}", c.sheets[0]);
    let before = value_audit::Entity::find().filter(value_audit::Column::ReportId.eq(id)).all(&db).await.unwrap().len();
    assert_eq!(before, 0);
}

async fn a_report_changed_since_the_download_keeps_those_changes_and_shows_real_conflicts(b: Backend) {
    let db = demo_db(b, "stale").await;
    let clerk = actor(&db, "cv.syt").await;
    let id = open_report(&db, &clerk, "YTE_THANG").await;
    save(&db, &clerk, id, &[("YT01", Value::Num(1000)), ("YT03", Value::Num(300))]).await;
    let dl = service::excel::download::reports(&db, &clerk, &[id], Utc::now()).await.unwrap();
    // Meanwhile on the web: YT01 and YT02 change.
    save(&db, &clerk, id, &[("YT01", Value::Num(1100)), ("YT02", Value::Num(5000))]).await;
    // In the file: YT03 edited (nobody else touched it), YT01 left as downloaded.
    let mut edited = read(&dl.bytes);
    set(&mut edited, 0, "YT03", Data::Float(320.0));
    let c = check(&db, &clerk, &edited, None).await;
    let s = &c.sheets[0];
    assert_eq!(s.verdict, Verdict::Importable, "{s:?}");
    assert_eq!(s.changes.len(), 1, "only the file's own edit: {:?}", s.changes);
    assert!(s.notes.iter().any(|n| n.contains("sau khi bạn tải biểu mẫu")), "{:?}", s.notes);
    let plan = &c.plans[0];
    assert_eq!(plan.figures.values.get("YT01"), Some(&Value::Num(1100)), "the web's change is kept");
    assert_eq!(plan.figures.values.get("YT02"), Some(&Value::Num(5000)));
    assert_eq!(plan.figures.values.get("YT03"), Some(&Value::Num(320)));

    // Both changed YT01, differently: a conflict with the three values, and the sheet stays out.
    set(&mut edited, 0, "YT01", Data::Float(1050.0));
    let c = check(&db, &clerk, &edited, None).await;
    let s = &c.sheets[0];
    assert!(matches!(&s.verdict, Verdict::Blocked(m) if m.contains("người khác sửa")), "{:?}", s.verdict);
    assert_eq!(s.conflicts.len(), 1);
    let k = &s.conflicts[0];
    assert_eq!((k.downloaded.as_str(), k.yours.as_str(), k.theirs.as_str()), ("1.000", "1.050", "1.100"));
    assert!(c.plans.is_empty());
}

async fn confirming_stores_every_importable_sheet_with_its_file_name(b: Backend) {
    let db = demo_db(b, "apply").await;
    let clerk = actor(&db, "cv.syt").await;
    let id = open_report(&db, &clerk, "YTE_THANG").await;
    let dl = service::excel::download::reports(&db, &clerk, &[id], Utc::now()).await.unwrap();
    // Edit the bytes the way a program would not: the test writes a new
    // workbook with the same hidden sheet, from the book it read.
    let mut book = read(&dl.bytes);
    set(&mut book, 0, "YT01", Data::Float(1300.0));
    set(&mut book, 0, "YT02", Data::String("1.234".into()));
    let bytes = write_book(&book);
    let (job, done) = service::excel::import::upload(&db, &clerk, "So lieu thang.xlsx", bytes, None, Limits::default(), Utc::now()).await.unwrap();
    done.await.unwrap();
    let v = service::excel::import::get(&db, &clerk, job, Utc::now()).await.unwrap();
    assert_eq!(v.state, ImportState::Ready, "{v:?}");
    assert!(v.can_confirm(), "{:?}", v.sheets);
    assert_eq!(v.summary(), "1 báo cáo sẽ được nhập (2 thay đổi).");
    // The list of recent uploads shows the same line (kept in a column).
    let recent = service::excel::import::recent(&db, &clerk, Utc::now()).await.unwrap();
    assert_eq!((recent[0].id, recent[0].summary.as_str()), (job, "1 báo cáo sẽ được nhập (2 thay đổi)."));
    let stored_before = service::reports::store::load_values(&db, id, &service::reports::load(&db, id).await.unwrap().ids).await.unwrap();
    assert!(stored_before.is_empty(), "nothing stored before the clerk confirms");

    let v = service::excel::import::confirm(&db, &clerk, job, false, Utc::now()).await.unwrap();
    assert!(matches!(v.state, ImportState::Applied { .. }));
    assert_eq!(v.sheets[0].verdict, Verdict::Applied { changed: 2 });
    let recent = service::excel::import::recent(&db, &clerk, Utc::now()).await.unwrap();
    assert_eq!(recent[0].summary, v.summary());
    assert!(recent[0].summary.starts_with("Đã nhập 1 báo cáo (2 thay đổi)"), "{}", recent[0].summary);
    let audits = value_audit::Entity::find().filter(value_audit::Column::ReportId.eq(id)).all(&db).await.unwrap();
    assert_eq!(audits.len(), 2);
    assert!(audits.iter().all(|a| a.source == "excel" && a.source_file.as_deref() == Some("So lieu thang.xlsx")));
    let events = report_event::Entity::find().filter(report_event::Column::ReportId.eq(id)).all(&db).await.unwrap();
    assert!(events.iter().any(|e| e.note.contains("Nhập số liệu từ tệp Excel «So lieu thang.xlsx» (2 thay đổi)")));
    let (history, _) = service::reports::history::full_history(&db, &clerk, id).await.unwrap();
    assert!(history.iter().any(|h| h.what.contains("YT01: trống → 1.300 (qua tệp Excel «So lieu thang.xlsx»)")), "{history:?}");
    // A second confirmation is refused.
    assert!(matches!(service::excel::import::confirm(&db, &clerk, job, false, Utc::now()).await, Err(service::ServiceError::Conflict(_))));
}

async fn a_form_copied_into_another_file_is_matched_by_code_and_needs_confirmation(b: Backend) {
    let db = demo_db(b, "copied").await;
    let clerk = actor(&db, "cv.syt").await;
    let id = open_report(&db, &clerk, "YTE_THANG").await;
    let dl = service::excel::download::reports(&db, &clerk, &[id], Utc::now()).await.unwrap();
    let mut book = read(&dl.bytes);
    book.sheets.retain(|s| s.name != "_baocao");
    set(&mut book, 0, "YT01", Data::Float(900.0));
    // Without knowing the report, nothing is imported.
    let c = check(&db, &clerk, &book, None).await;
    assert!(matches!(&c.sheets[0].verdict, Verdict::Blocked(m) if m.contains("tại trang của báo cáo")), "{:?}", c.sheets[0].verdict);
    // Uploaded on the report: matched by code, the clerk must confirm.
    let bytes = write_book(&book);
    let (job, done) = service::excel::import::upload(&db, &clerk, "chep.xlsx", bytes, Some(id), Limits::default(), Utc::now()).await.unwrap();
    done.await.unwrap();
    let v = service::excel::import::get(&db, &clerk, job, Utc::now()).await.unwrap();
    assert_eq!(v.sheets[0].identity, Identity::Target);
    let e = service::excel::import::confirm(&db, &clerk, job, false, Utc::now()).await.unwrap_err();
    assert!(e.to_string().contains("xác nhận"), "{e}");
    let v = service::excel::import::confirm(&db, &clerk, job, true, Utc::now()).await.unwrap();
    assert_eq!(v.sheets[0].verdict, Verdict::Applied { changed: 1 });
}

async fn a_bulk_workbook_imports_sheet_by_sheet(b: Backend) {
    let db = demo_db(b, "bulk").await;
    let clerk = actor(&db, "cv.tohieu").await;
    let id = open_report(&db, &clerk, "KTXH_XA").await;
    // A reviewer downloads one workbook with a sheet per commune.
    let reviewer = actor(&db, "vp.tonghop").await;
    let l = service::reports::load(&db, id).await.unwrap();
    let dl = service::excel::download::units(&db, &reviewer, l.regime.id, &l.report.period_key, Utc::now()).await.unwrap();
    let mut book = read(&dl.bytes);
    let forms = book.sheets.iter().filter(|s| s.visible && s.name != "Hướng dẫn").count();
    assert!(forms > 70, "a sheet per commune: {forms}");
    let own = book.sheets.iter().position(|s| s.name.starts_with("03646")).expect("Tô Hiệu's sheet");
    let foreign = (0..forms).find(|i| *i != own).unwrap();
    set(&mut book, own, "NS01", Data::Float(1500.5));
    set(&mut book, foreign, "NS01", Data::Float(10.0));
    // A clerk cannot download the others' sheets…
    let mine = service::excel::download::units(&db, &clerk, l.regime.id, &l.report.period_key, Utc::now()).await.unwrap();
    assert_eq!(read(&mine.bytes).sheets.iter().filter(|s| s.visible).count(), 2, "own sheet and the guidance");
    // …and importing the province's workbook imports its own sheet only, saying why not the others.
    let c = check(&db, &clerk, &book, None).await;
    let verdict = |i: usize| c.sheets.iter().find(|s| s.sheet == book.sheets[i].name).unwrap().verdict.clone();
    assert_eq!(verdict(own), Verdict::Importable);
    assert!(matches!(verdict(foreign), Verdict::Blocked(m) if m.contains("chỉ chuyên viên của đơn vị đó")), "{:?}", verdict(foreign));
    assert_eq!(c.plans.len(), 1);
    // A bad cell blocks its sheet only.
    set(&mut book, own, "HC01", Data::String("abc".into()));
    let c = check(&db, &clerk, &book, None).await;
    let s = c.sheets.iter().find(|s| s.sheet == book.sheets[own].name).unwrap();
    assert!(matches!(&s.verdict, Verdict::Blocked(_)));
    assert!(s.problems[0].line().contains("\"abc\" không phải là số"), "{:?}", s.problems);
}

async fn an_empty_form_starts_the_report_when_imported(b: Backend) {
    let db = demo_db(b, "blank").await;
    let clerk = actor(&db, "cv.syt").await;
    let due = service::reports::due_for_unit(&db, &clerk, clerk.unit_id, Utc::now()).await.unwrap();
    let d =
        due.iter().find(|d| d.regime_code == "YTE_THANG" && d.state.accepts_entry() && d.report_id.is_none()).expect("an open period not started");
    let dl = service::excel::download::form(&db, &clerk, d.regime_id, &d.period_key, None, Utc::now()).await.unwrap();
    let mut book = read(&dl.bytes);
    set(&mut book, 0, "YT01", Data::Float(800.0));
    let (job, done) =
        service::excel::import::upload(&db, &clerk, "trong.xlsx", write_book(&book), None, Limits::default(), Utc::now()).await.unwrap();
    done.await.unwrap();
    let v = service::excel::import::get(&db, &clerk, job, Utc::now()).await.unwrap();
    assert_eq!(v.sheets[0].report.as_ref().unwrap().report_id, None);
    let v = service::excel::import::confirm(&db, &clerk, job, false, Utc::now()).await.unwrap();
    assert_eq!(v.sheets[0].verdict, Verdict::Applied { changed: 1 });
    let due = service::reports::due_for_unit(&db, &clerk, clerk.unit_id, Utc::now()).await.unwrap();
    assert!(due.iter().any(|x| x.regime_id == d.regime_id && x.period_key == d.period_key && x.report_id.is_some()));
}

/// A workbook holding a book's cells (values only), so a test can upload
/// what it edited: strings, numbers, booleans and errors as themselves.
pub fn write_book(book: &Book) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for s in &book.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).unwrap();
        for ((r, c), d) in &s.cells {
            let c = *c as u16;
            match d {
                Data::Float(f) => {
                    ws.write_number(*r, c, *f).unwrap();
                }
                Data::Int(i) => {
                    ws.write_number(*r, c, *i as f64).unwrap();
                }
                Data::Bool(b) => {
                    ws.write_boolean(*r, c, *b).unwrap();
                }
                other => {
                    ws.write_string(*r, c, cell_text(other)).unwrap();
                }
            }
        }
        if !s.visible {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().unwrap()
}
