//! Workbooks made by a real spreadsheet program, and a corpus of bad files,
//! committed under `tests/fixtures/excel/` and made again by
//! `tests/fixtures/excel/regenerate.sh`:
//!
//! - `base.xlsx`: the empty biểu mẫu of Sở Y tế's monthly health report as
//!   baocao writes it at a fixed moment ([`NOW`]), by `write_base_form`;
//! - `libreoffice.{xlsx,xls,ods}`: that form with the edits of [`EDITS`],
//!   typed in and saved by LibreOffice (headless);
//! - `bad/*`: broken and hostile files, each with the message it must get
//!   in `bad/expected.tsv` (file name, then a part of the message).

use chrono::{DateTime, TimeZone, Utc};
use domain::Actor;
use domain::excel::Verdict;
use entity::app_user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use service::excel::Limits;
use service::excel::import::check_book;
use std::path::PathBuf;

mod common;

/// The moment the fixtures are checked at: the report's period is open.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 10, 3, 0, 0).unwrap()
}

/// What the LibreOffice files change: code, and the figure as the preview shows it.
const EDITS: &[(&str, &str)] = &[("YT01", "1.250"), ("YT02", "12.345"), ("YT04", "97,5")];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/excel")
}

/// The demo on SQLite: these tests are about the files, not the database.
async fn demo_db(name: &str) -> service::Db {
    common::demo_db(common::Backend::Sqlite, name).await
}

async fn clerk(db: &service::Db) -> Actor {
    let u = app_user::Entity::find().filter(app_user::Column::Username.eq("cv.syt")).one(db).await.unwrap().unwrap();
    Actor { user_id: u.id, role: domain::Role::Clerk, unit_id: u.unit_id }
}

/// Writes `base.xlsx` (run by regenerate.sh: `cargo test -p service --test excel_fixtures -- --ignored`).
#[tokio::test]
#[ignore]
async fn write_base_form() {
    let db = demo_db("base").await;
    let clerk = clerk(&db).await;
    let due = service::reports::due_for_unit(&db, &clerk, clerk.unit_id, now()).await.unwrap();
    let d = due.iter().find(|d| d.regime_code == "YTE_THANG" && d.state.accepts_entry()).expect("an open period");
    let dl = service::excel::download::form(&db, &clerk, d.regime_id, &d.period_key, None, now()).await.unwrap();
    std::fs::write(dir().join("base.xlsx"), dl.bytes).unwrap();
}

#[tokio::test]
async fn files_saved_by_libreoffice_import_exactly_the_edits() {
    lo_files_import_exactly_the_edits(&["libreoffice.xlsx", "libreoffice.ods", "libreoffice.xls"]).await;
}

async fn lo_files_import_exactly_the_edits(names: &[&str]) {
    let db = demo_db(&names[0].replace('.', "-")).await;
    let clerk = clerk(&db).await;
    for name in names.iter().copied() {
        let bytes = std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let book = service::excel::read(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e} ({e:?})"));
        let c = check_book(&db, Some(&clerk), std::sync::Arc::new(book.clone()), None, now(), &mut |_, _| {}).await.unwrap();
        let s = c.sheets.iter().find(|s| s.report.is_some()).unwrap_or_else(|| panic!("{name}: no report found: {:?}", c.sheets));
        assert_eq!(s.verdict, Verdict::Importable, "{name}: {s:?}");
        assert!(s.problems.is_empty(), "{name}: {:?}", s.problems);
        let mut got: Vec<(String, String, String)> =
            s.changes.iter().filter(|c| !c.comment).map(|c| (c.key.clone(), c.old.clone(), c.new.clone())).collect();
        got.sort();
        let want: Vec<(String, String, String)> = EDITS.iter().map(|(k, v)| (k.to_string(), String::new(), v.to_string())).collect();
        assert_eq!(got, want, "{name}");
        assert!(s.changes.iter().all(|c| c.cell.contains('!')), "{name}: every change names its cell");
    }
}

#[tokio::test]
async fn every_bad_file_gets_its_message() {
    let db = demo_db("bad").await;
    let clerk = clerk(&db).await;
    let expected = std::fs::read_to_string(dir().join("bad/expected.tsv")).unwrap();
    let mut seen = 0;
    for line in expected.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (name, want) = line.split_once('\t').unwrap_or_else(|| panic!("bad line {line:?}"));
        let bytes = std::fs::read(dir().join("bad").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let message = match service::excel::read_untrusted(bytes, Limits::default()).await {
            Err(e) => e.to_string(),
            Ok(book) => {
                let c = check_book(&db, Some(&clerk), std::sync::Arc::new(book.clone()), None, now(), &mut |_, _| {}).await.unwrap();
                c.sheets
                    .iter()
                    .flat_map(|s| {
                        let verdict = match &s.verdict {
                            Verdict::Blocked(r) | Verdict::Ignored(r) => vec![r.clone()],
                            _ => vec![],
                        };
                        s.problems.iter().map(|p| p.line()).chain(verdict).chain(s.notes.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            }
        };
        assert!(message.contains(want), "{name}: expected «{want}» in «{message}»");
        for english in ["Zip error", "EOCD", "File not found", "Invalid", "invalid"] {
            assert!(!message.contains(english), "{name}: {message}");
        }
        seen += 1;
    }
    assert!(seen >= 8, "the corpus holds {seen} files");
}
