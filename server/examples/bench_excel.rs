//! `bench/run excel`: imports a filled biểu mẫu of 1,000 indicator rows ×
//! 4 value columns (this period, same period last year, year to date, note)
//! end to end through the service (read through the safe reader, check,
//! diff against what is stored, store in one audited transaction), and, as
//! a peer in the same run, times calamine's bare parse of the same file.
//! Writes the file for bench/excel.sh to time openpyxl's load of it.
//!
//! Prints `import_ms=… calamine_ms=… peak_rss_mb=… file=…` (medians).
//!
//! An example of the server crate so it runs with what a deployment runs:
//! the server's allocator and its settings.

use calamine::{Data, Reader};
use chrono::Utc;
use domain::{Actor, Role};
use entity::app_user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use service::excel::{Book, Limits, cell_text};
use std::time::Instant;

const ROWS: usize = 1_000;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
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
                other => ws.write_string(*r, c, cell_text(other)).map(|_| ()).unwrap(),
            }
        }
        if !s.visible {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The downloaded form with every row filled: this period's figure, the
/// reference columns and a note.
fn filled(bytes: &[u8], round: usize) -> Vec<u8> {
    let mut book = service::excel::read(bytes, &Limits::default()).unwrap();
    let s = &book.sheets[0];
    let t = service::excel::read::find_table(s).unwrap();
    let rows: Vec<u32> = s.rows().into_iter().filter(|r| s.get(*r, t.code_col).map(cell_text).is_some_and(|c| c.starts_with("TT"))).collect();
    assert_eq!(rows.len(), ROWS, "every indicator row of the form");
    let (code_col, input_col, comment_col) = (t.code_col, t.input_col, t.comment_col);
    let sheet = &mut book.sheets[0];
    for (i, r) in rows.iter().enumerate() {
        // Each odd row a total at least its next one (the regime's rules).
        let v = if i % 2 == 0 { 5_000 + round * 10 + i } else { 1_000 + round + i };
        sheet.cells.insert((*r, input_col), Data::Float(v as f64));
        for c in code_col + 2..input_col {
            sheet.cells.remove(&(*r, c));
        }
        for c in input_col + 1..input_col + 3 {
            sheet.cells.insert((*r, c), Data::Float((v / 2) as f64));
        }
        if let Some(cc) = comment_col {
            sheet.cells.insert((*r, cc), Data::String(format!("Ghi chú {round}/{i}")));
        }
    }
    write_book(&book)
}

fn calamine_parse(bytes: &[u8]) -> usize {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names().to_vec();
    let mut cells = 0;
    for n in names {
        let range = wb.worksheet_range(&n).unwrap();
        cells += range.used_cells().count();
    }
    cells
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    server::tune_allocator();
    let dir = std::env::temp_dir().join(format!("baocao-bench-excel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let db = service::db::open(&url, 8).await.expect("database");
    service::org::seed_reference_units(&db).await.expect("units");
    service::demo::seed_demo_accounts(&db).await.expect("accounts");
    service::demo::seed_demo_catalogue(&db).await.expect("catalogue");
    let regime = service::reports::generator::ensure_large_regime(&db, ROWS).await.expect("the large regime");
    let u = app_user::Entity::find().filter(app_user::Column::Username.eq("cv.syt")).one(&db).await.unwrap().unwrap();
    let clerk = Actor { user_id: u.id, role: Role::Clerk, unit_id: u.unit_id };
    let due = service::reports::due_for_unit(&db, &clerk, clerk.unit_id, Utc::now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_id == regime && d.state.accepts_entry()).expect("an open period of the large regime");
    let id = service::reports::start(&db, &clerk, regime, &d.period_key, Utc::now()).await.unwrap();

    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut file = dir.join("bieu-mau-1000.xlsx");
    let mut peak_base = 0.0;
    for round in 0..rounds {
        // Downloaded afresh each round (the last import changed the report), then filled.
        let dl = service::excel::download::reports(&db, &clerk, &[id], Utc::now()).await.unwrap();
        let bytes = filled(&dl.bytes, round);
        file = dir.join(format!("bieu-mau-1000-{round}.xlsx"));
        std::fs::write(&file, &bytes).unwrap();
        if round == 0 {
            // Peak memory from here on: the import, not the set-up.
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            peak_base = peak_rss_mb();
        }
        let t = Instant::now();
        let cells = calamine_parse(&bytes);
        theirs.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(cells > ROWS * 4);

        // Where the time goes, piece by piece (outside the timed import).
        let split = {
            let t = Instant::now();
            let book = service::excel::read(&bytes, &Limits::default()).unwrap();
            let parse = t.elapsed().as_secs_f64() * 1000.0;
            let target = service::excel::target::of_report(&db, id).await.unwrap();
            let s = &book.sheets[0];
            let t = Instant::now();
            let table = service::excel::read::find_table(s).unwrap();
            let file = service::excel::read::read_sheet(s, table, &target.doc, &target.specs);
            let read_rows = t.elapsed().as_secs_f64() * 1000.0;
            assert!(file.figures.len() >= ROWS);
            let t = Instant::now();
            let c =
                service::excel::import::check_book(&db, Some(&clerk), std::sync::Arc::new(book), Some(id), Utc::now(), &mut |_, _| {}).await.unwrap();
            let check = t.elapsed().as_secs_f64() * 1000.0;
            assert!(!c.plans.is_empty());
            (parse, read_rows, check)
        };
        let t = Instant::now();
        let (job, done) =
            service::excel::import::upload(&db, &clerk, "bieu-mau-1000.xlsx", bytes, Some(id), Limits::default(), Utc::now()).await.unwrap();
        done.await.unwrap();
        let checked_ms = t.elapsed().as_secs_f64() * 1000.0;
        let v = service::excel::import::confirm(&db, &clerk, job, false, Utc::now()).await.unwrap_or_else(|e| panic!("round {round}: {e}"));
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        eprintln!(
            "round {round}: parse {:.1} ms, read rows {:.1} ms, check_book (reads rows, merges, checks) {:.1} ms; upload to preview {:.1} ms, confirm {:.1} ms",
            split.0,
            split.1,
            split.2,
            checked_ms,
            ours[round] - checked_ms
        );
        let applied: usize =
            v.sheets.iter().filter_map(|s| if let domain::excel::Verdict::Applied { changed } = s.verdict { Some(changed) } else { None }).sum();
        assert!(applied >= ROWS, "round {round}: {applied} changes applied: {:?}", v.sheets.iter().map(|s| &s.verdict).collect::<Vec<_>>());
        eprintln!("round {round}: import {:.1} ms ({applied} changes), calamine {:.1} ms", ours[round], theirs[round]);
    }
    println!(
        "import_ms={:.1} calamine_ms={:.1} peak_rss_mb={:.1} rss_before_mb={:.1} file={}",
        median(ours),
        median(theirs),
        peak_rss_mb(),
        peak_base,
        file.display()
    );
    // The directory stays for bench/excel.sh (openpyxl), which removes it.
}
