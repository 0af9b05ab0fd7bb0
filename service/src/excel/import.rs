//! Uploading filled forms: every sheet identified (by the hidden sheet, or
//! as the report the file was uploaded on), read by indicator code, merged
//! with what is stored, checked as the form checks, and shown as a preview
//! of every change and every problem with its sheet and cell. Nothing is
//! stored until the clerk confirms; then every importable sheet goes in,
//! in one transaction, audited with source Excel and the file name.
//!
//! Merging: when the hidden sheet is intact, the file's edits are the cells
//! that differ from what the form held at download, so a report changed on
//! the web since then keeps those changes; a cell changed on both sides
//! differently is a conflict, shown with both values, and keeps its sheet
//! out. Without the hidden sheet, the file's cells replace the stored ones.

use super::book::{Book, BookError, Limits};
use super::layout::{GUIDE_SHEET, INFO_SHEET, ReadStamp, Snap, read_info, snap_of};
use super::read::{FileSheet, find_table, read_sheet, sheet_ref};
use super::target::{self, Target};
use crate::reports::entry::{Changes, check_editable, save_in_txn};
use crate::reports::{Source, load};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::entry::check_figures;
use domain::excel::{CellChange, CellProblem, Conflict, Identity, ImportLine, ImportState, ImportView, ReportRef, SheetPreview, Verdict};
use domain::figures::Figures;
use domain::indicator::{IndicatorSpec, Value};
use domain::rules::Severity;
use entity::excel_import;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const READING: &str = "dang_doc";
const READY: &str = "xem_truoc";
const APPLYING: &str = "dang_nhap";
const APPLIED: &str = "da_nhap";
const FAILED: &str = "loi";
/// An upload still "being read" after this long was cut off (the server
/// stopped): shown as failed, so the clerk uploads again.
const STALLED_AFTER_MINUTES: i64 = 10;
/// How long uploads are kept.
const KEEP_DAYS: i64 = 30;

/// What confirming writes for one sheet.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub sheet: String,
    pub report_id: Option<i32>,
    pub regime_id: i32,
    pub unit_id: i32,
    pub period_key: String,
    /// The report's row version the preview was made against.
    pub base_row_version: i32,
    /// The report's figures after the import: every cell of the form.
    pub figures: Figures,
    pub comments: Option<HashMap<String, String>>,
    pub needs_confirmation: bool,
}

/// A checked upload.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    pub sheets: Vec<SheetPreview>,
    pub plans: Vec<Plan>,
}

impl Checked {
    /// Whether every sheet that is a form would go in (or is already as
    /// stored) with no problem, and no check of the form finds an error.
    pub fn is_clean(&self) -> bool {
        self.sheets.iter().all(|s| matches!(s.verdict, Verdict::Importable | Verdict::Unchanged | Verdict::Ignored(_)) && s.check_errors.is_empty())
    }
}

fn format_opt(spec: &IndicatorSpec, v: Option<&Value>, raw: Option<&str>) -> String {
    match (v, raw) {
        (Some(v), _) => spec.format(v),
        (None, Some(r)) => format!("«{r}» (chưa đọc được)"),
        _ => String::new(),
    }
}

/// What a sheet would do to its report, read and merged.
struct Merged {
    figures: Figures,
    comments: Option<HashMap<String, String>>,
    changes: Vec<CellChange>,
    conflicts: Vec<Conflict>,
    absent: usize,
}

fn shown(spec: &IndicatorSpec, s: Option<&Snap>) -> String {
    match s {
        Some(Snap::Figure(v)) => spec.format(v),
        Some(Snap::Unreadable(r)) => format_opt(spec, None, Some(r)),
        None => String::new(),
    }
}

fn merge(t: &Target, sref: &str, file: &FileSheet, stored: &Figures, stored_comments: &HashMap<String, String>, base: Option<&ReadStamp>) -> Merged {
    let mut figures = stored.clone();
    let mut changes = Vec::new();
    let mut conflicts = Vec::new();
    let mut absent = 0;
    let mut comments = file.comments.as_ref().map(|_| stored_comments.clone());
    for (_, key, spec, part, _) in domain::figures::cells(&t.doc, &t.specs) {
        let label = match part {
            Some(p) => format!("{} — {p}", spec.name),
            None => spec.name.clone(),
        };
        let Some(cell) = file.figures.get(&key) else {
            absent += 1;
            continue;
        };
        let at = format!("{sref}!{}", cell.cell);
        let mine = cell.value.clone().map(Snap::Figure);
        let now = snap_of(stored, &key);
        // What the form held at download, when the hidden sheet says so reliably.
        let was = base.map(|b| b.snapshot.get(&key).and_then(|(v, _)| v.clone()));
        let edited = match &was {
            Some(w) => mine != *w,
            None => mine != now,
        };
        if edited && mine != now {
            if let Some(w) = &was
                && now != *w
            {
                conflicts.push(Conflict {
                    cell: at.clone(),
                    key: key.clone(),
                    label: label.clone(),
                    downloaded: shown(spec, w.as_ref()),
                    yours: shown(spec, mine.as_ref()),
                    theirs: shown(spec, now.as_ref()),
                });
                continue;
            }
            figures.unreadable.remove(&key);
            match &cell.value {
                Some(v) => {
                    figures.values.insert(key.clone(), v.clone());
                }
                None => {
                    figures.values.remove(&key);
                }
            }
            changes.push(CellChange {
                cell: at,
                key: key.clone(),
                label: label.clone(),
                old: shown(spec, now.as_ref()),
                new: shown(spec, mine.as_ref()),
                comment: false,
            });
        }
        // The comment, merged the same way.
        if let (Some(file_comments), Some(merged)) = (&file.comments, comments.as_mut()) {
            let Some((ccell, text)) = file_comments.get(&key) else { continue };
            let now_c = stored_comments.get(&key).cloned().unwrap_or_default();
            let was_c = base.map(|b| b.snapshot.get(&key).map(|(_, c)| c.clone()).unwrap_or_default());
            let edited = match &was_c {
                Some(w) => text != w,
                None => *text != now_c,
            };
            if edited && *text != now_c {
                let at = format!("{sref}!{ccell}");
                if was_c.as_ref().is_some_and(|w| *w != now_c) {
                    conflicts.push(Conflict {
                        cell: at,
                        key: key.clone(),
                        label: format!("Ghi chú — {label}"),
                        downloaded: was_c.unwrap_or_default(),
                        yours: text.clone(),
                        theirs: now_c,
                    });
                    continue;
                }
                merged.insert(key.clone(), text.clone());
                changes.push(CellChange {
                    cell: at,
                    key: key.clone(),
                    label: format!("Ghi chú — {label}"),
                    old: now_c,
                    new: text.clone(),
                    comment: true,
                });
            }
        }
    }
    if let Some(c) = comments.as_mut() {
        c.retain(|_, v| !v.is_empty());
    }
    Merged { figures, comments, changes, conflicts, absent }
}

fn report_ref(t: &Target) -> ReportRef {
    ReportRef {
        report_id: t.report_id(),
        regime_id: t.regime.id,
        regime_code: t.regime.code.clone(),
        regime_name: t.doc.name.clone(),
        version: t.version,
        unit_id: t.unit.id,
        unit_code: t.unit.code.clone(),
        unit_name: t.unit.name.clone(),
        period_key: t.period.key(),
        period_label: t.period.label(),
    }
}

fn blank(sheet: &str, identity: Identity, verdict: Verdict) -> SheetPreview {
    SheetPreview {
        sheet: sheet.to_string(),
        report: None,
        identity,
        changes: vec![],
        problems: vec![],
        check_errors: vec![],
        check_warnings: vec![],
        conflicts: vec![],
        notes: vec![],
        verdict,
    }
}

/// Reads, merges and checks every sheet of an uploaded book against the
/// reports they fill. `actor`: who will import (their rights are checked);
/// `None` checks the file alone (`server excel-check`). `target`: the report
/// the file was uploaded on. `progress` hears (sheets done, sheets in all).
pub async fn check_book(
    db: &crate::Db,
    actor: Option<&Actor>,
    book: std::sync::Arc<Book>,
    target: Option<i32>,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Checked> {
    let stamps = book.sheet(INFO_SHEET).map(read_info).unwrap_or_default();
    let sheets: Vec<(usize, &super::Sheet)> = book.sheets.iter().enumerate().filter(|(_, s)| s.name != INFO_SHEET).collect();
    let total = sheets.len();
    let mut out = Checked::default();
    let mut claimed: HashMap<(i32, i32, String), String> = HashMap::new();
    let mut target_used_by: Option<String> = None;
    let mut any_form = false;
    for (i, &(sheet_at, sheet)) in sheets.iter().enumerate() {
        progress(i, total);
        let name = sheet.name.clone();
        let sref = sheet_ref(&name);
        let stamp = stamps.get(&name);
        let Some(table) = find_table(sheet) else {
            let verdict = if stamp.is_some() {
                Verdict::Blocked(format!(
                    "Trang tính «{name}» không còn bảng số liệu (không thấy dòng tiêu đề có cột \"Mã\" và cột \"Thực hiện kỳ này\"). Hãy tải biểu mẫu về lại và nhập vào đó."
                ))
            } else if name == GUIDE_SHEET || sheet.cells.is_empty() {
                Verdict::Ignored("Không phải biểu mẫu.".into())
            } else {
                Verdict::Ignored("Không phải biểu mẫu (không có cột \"Mã\" và cột \"Thực hiện kỳ này\"): bỏ qua.".into())
            };
            out.sheets.push(blank(&name, if stamp.is_some() { Identity::Verified } else { Identity::Unknown }, verdict));
            continue;
        };
        any_form = true;
        // Which report.
        let (identity, resolved) = match stamp {
            Some(s) => {
                let identity = if s.intact { Identity::Verified } else { Identity::Altered };
                let found = target::of_codes(db, &s.stamp.regime_code, &s.stamp.unit_code, &s.stamp.period_key).await;
                (identity, found.map_err(|e| match e {
                    ServiceError::NotFound(m) | ServiceError::Forbidden(m) | ServiceError::Conflict(m) => m,
                    ServiceError::Validation(f) => f.to_string(),
                    other => other.to_string(),
                }))
            }
            None => match target {
                Some(id) if target_used_by.is_none() => {
                    target_used_by = Some(name.clone());
                    (Identity::Target, target::of_report(db, id).await.map_err(|e| e.to_string()))
                }
                Some(_) => (
                    Identity::Unknown,
                    Err(format!(
                        "Trang tính này không có thông tin nhận dạng, và trang «{}» đã được đối chiếu với báo cáo đang mở. Mỗi tệp chỉ nhập một trang không có thông tin nhận dạng; hãy tải biểu mẫu của báo cáo kia về và nhập vào đó.",
                        target_used_by.clone().unwrap_or_default()
                    )),
                ),
                None => (
                    Identity::Unknown,
                    Err("Không xác định được trang tính này thuộc báo cáo nào (tệp không phải biểu mẫu tải về từ Hệ thống, hoặc trang thông tin ẩn đã bị xóa). Hãy mở báo cáo trên Hệ thống rồi tải tệp lên tại trang của báo cáo đó để đối chiếu theo mã chỉ tiêu.".to_string()),
                ),
            },
        };
        let t = match resolved {
            Ok(t) => t,
            Err(why) => {
                out.sheets.push(blank(&name, identity, Verdict::Blocked(why)));
                continue;
            }
        };
        // Another unit's report (the hidden sheet can be forged): refused
        // before anything of it is read, so none of its figures shows.
        if let Some(a) = actor
            && !a.can_write_unit(t.unit.id)
        {
            out.sheets.push(blank(
                &name,
                identity,
                Verdict::Blocked(format!("Bạn không được nhập số liệu cho {}: chỉ chuyên viên của đơn vị đó nhập được.", t.unit.name)),
            ));
            continue;
        }
        let mut preview = blank(&name, identity, Verdict::Unchanged);
        preview.report = Some(report_ref(&t));
        let mut blocked: Vec<String> = Vec::new();
        if let Some(other) = claimed.insert((t.regime.id, t.unit.id, t.period.key()), name.clone()) {
            out.sheets.push(SheetPreview {
                verdict: Verdict::Blocked(format!(
                    "Trang «{other}» cũng là báo cáo này; mỗi báo cáo chỉ nhập từ một trang tính. Hãy xóa trang thừa."
                )),
                ..preview
            });
            continue;
        }
        if let Some(why) = t.closed_because(now) {
            blocked.push(why);
        }
        if let Some(s) = stamp {
            if s.intact && s.stamp.version != t.version {
                preview.notes.push(format!(
                    "Biểu mẫu tải về theo phiên bản {} của chế độ; báo cáo dùng phiên bản {}: các dòng được đối chiếu theo mã chỉ tiêu.",
                    s.stamp.version, t.version
                ));
            }
            if !s.intact {
                preview.notes.push("Trang thông tin ẩn của biểu mẫu đã bị sửa: số liệu được đối chiếu với bản đang lưu theo mã chỉ tiêu. Hãy kiểm tra đúng báo cáo trước khi xác nhận.".into());
            }
        }
        if identity == Identity::Target {
            preview.notes.push("Tệp không có trang thông tin ẩn của biểu mẫu (có thể đã chép sang tệp khác): các dòng được đối chiếu theo mã chỉ tiêu với báo cáo đang mở. Hãy kiểm tra đúng báo cáo trước khi xác nhận.".into());
        }

        // Reading every row is the heavy part: off the runtime, within the readers' gate.
        let file = {
            let (book, doc, specs) = (book.clone(), t.doc.clone(), t.specs.clone());
            super::book::blocking(move || read_sheet(&book.sheets[sheet_at], table, &doc, &specs)).await?
        };
        let (stored, stored_comments) = t.stored(db).await?;
        // The download's snapshot is a reliable base only when intact and of this very report.
        let base = stamp.filter(|s| s.intact && (s.stamp.report_id.is_none() || s.stamp.report_id == t.report_id()));
        if let Some(b) = base
            && (b.stamp.row_version != t.row_version() || (b.stamp.report_id.is_none() && t.report_id().is_some()))
        {
            preview.notes.push(
                "Báo cáo đã được sửa trên Hệ thống sau khi bạn tải biểu mẫu: chỉ các ô bạn sửa trong tệp được nhập, các ô khác giữ như bản đang lưu."
                    .into(),
            );
        }
        let m = merge(&t, &sref, &file, &stored, &stored_comments, base);
        preview.problems = file.problems.clone();
        if file.more_problems > 0 {
            preview.problems.push(CellProblem {
                cell: None,
                message: format!("… và {} ô khác cần sửa (chỉ liệt kê {} ô đầu).", file.more_problems, file.problems.len()),
            });
        }
        preview.notes.extend(file.notes.iter().cloned());
        if m.absent > 0 && file.figures.is_empty() && file.problems.is_empty() {
            preview.notes.push("Trang tính không có dòng chỉ tiêu nào của biểu mẫu.".into());
        } else if m.absent > 0 {
            preview.notes.push(format!("{} ô của biểu mẫu không có trong tệp: giữ nguyên số liệu đang lưu.", m.absent));
        }
        if !m.conflicts.is_empty() {
            blocked.push(format!(
                "{} ô đã được người khác sửa trên Hệ thống sau khi bạn tải biểu mẫu, và bạn cũng sửa khác đi. Hãy tải biểu mẫu về lại, nhập lại các ô đó rồi tải lên.",
                m.conflicts.len()
            ));
        }
        preview.conflicts = m.conflicts;
        preview.changes = m.changes;

        // The form's own checks, on the figures as they would be.
        let refs = t.references(db).await?;
        let checked = check_figures(&t.doc, &t.specs, &m.figures, &refs, false);
        let cell_of: HashMap<&str, String> = file.figures.iter().map(|(k, c)| (k.as_str(), format!("{sref}!{}", c.cell))).collect();
        for f in &checked.findings {
            // Unreadable cells kept from an earlier draft are the form's affair.
            let p = CellProblem { cell: cell_of.get(f.key.as_str()).cloned(), message: f.message.clone() };
            match f.severity {
                Severity::Error => preview.check_errors.push(p),
                Severity::Warning => preview.check_warnings.push(p),
            }
        }
        preview.verdict = if !preview.problems.is_empty() {
            Verdict::Blocked(format!(
                "Có {} ô cần sửa trong tệp. Hãy sửa rồi tải lên lại; trang này chưa được nhập.",
                file.problems.len() + file.more_problems
            ))
        } else if !blocked.is_empty() {
            Verdict::Blocked(blocked.join(" "))
        } else if preview.changes.is_empty() {
            Verdict::Unchanged
        } else {
            Verdict::Importable
        };
        if preview.verdict == Verdict::Importable {
            out.plans.push(Plan {
                sheet: name.clone(),
                report_id: t.report_id(),
                regime_id: t.regime.id,
                unit_id: t.unit.id,
                period_key: t.period.key(),
                base_row_version: t.row_version(),
                figures: m.figures,
                comments: m.comments,
                needs_confirmation: identity.needs_confirmation(),
            });
        }
        out.sheets.push(preview);
    }
    progress(total, total);
    if !any_form && !out.sheets.is_empty() {
        // Say so on the first sheet: the file holds no form at all.
        if let Some(first) = out.sheets.first_mut() {
            first.verdict = Verdict::Blocked(
                "Tệp không có biểu mẫu nào (không thấy bảng có cột \"Mã\" và cột \"Thực hiện kỳ này\"). Hãy tải biểu mẫu của báo cáo về, nhập số liệu vào đó rồi tải lên.".into(),
            );
        }
    }
    Ok(out)
}

// --- Uploads kept between preview and confirmation -------------------------------------------

fn job_state(m: &excel_import::Model, now: DateTime<Utc>) -> ImportState {
    match m.state.as_str() {
        READING if (now - m.updated_at).num_minutes() >= STALLED_AFTER_MINUTES => ImportState::Failed {
            message: "Việc đọc tệp bị gián đoạn (máy chủ khởi động lại). Dữ liệu chưa thay đổi; hãy tải tệp lên lại.".into(),
        },
        READING => ImportState::Reading { done: m.done.max(0) as usize, total: m.total.max(0) as usize },
        READY | APPLYING => ImportState::Ready,
        APPLIED => ImportState::Applied { at: m.applied_at.unwrap_or(m.updated_at) },
        _ => ImportState::Failed { message: m.message.clone().unwrap_or_else(|| "Không đọc được tệp.".into()) },
    }
}

fn view_of(m: excel_import::Model, now: DateTime<Utc>) -> ImportView {
    ImportView {
        id: m.id,
        state: job_state(&m, now),
        file_name: m.file_name,
        created_at: m.created_at,
        target_report: m.target_report_id,
        sheets: serde_json::from_str(&m.preview).unwrap_or_default(),
    }
}

/// Who may upload at all, and onto which report: checked before the file
/// is read. Only a unit's clerks enter figures.
pub async fn authorize(db: &crate::Db, actor: &Actor, target: Option<i32>) -> Result<()> {
    if !actor.can_write_unit(actor.unit_id) {
        return Err(ServiceError::Forbidden("Chỉ chuyên viên của đơn vị mới nhập số liệu từ tệp Excel.".into()));
    }
    if let Some(id) = target {
        let l = load(db, id).await?;
        if !actor.can_write_unit(l.report.unit_id) {
            return Err(ServiceError::Forbidden("Bạn chỉ nhập số liệu cho báo cáo của đơn vị mình.".into()));
        }
    }
    Ok(())
}

/// Takes an upload: records it, reads and checks it in the background (a
/// large workbook does not hold the request open), and answers at once with
/// its id and a signal that fires when the check is done.
pub async fn upload(
    db: &crate::Db,
    actor: &Actor,
    file_name: &str,
    bytes: Vec<u8>,
    target: Option<i32>,
    limits: Limits,
    now: DateTime<Utc>,
) -> Result<(i32, tokio::sync::oneshot::Receiver<()>)> {
    authorize(db, actor, target).await?;
    let name: String = file_name.chars().filter(|c| !c.is_control()).take(255).collect();
    let job = excel_import::ActiveModel {
        user_id: Set(actor.user_id),
        file_name: Set(if name.trim().is_empty() { "tep.xlsx".into() } else { name }),
        created_at: Set(now),
        updated_at: Set(now),
        state: Set(READING.into()),
        done: Set(0),
        total: Set(0),
        target_report_id: Set(target),
        message: Set(None),
        preview: Set("[]".into()),
        plan: Set("[]".into()),
        applied_at: Set(None),
        summary: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (db, actor, id) = (db.clone(), *actor, job.id);
    tokio::spawn(async move {
        // The work runs in a task of its own so that even a panic ends as a
        // failed upload the clerk is told about, never one "being read" forever.
        let work = tokio::spawn({
            let db = db.clone();
            async move { process(&db, &actor, id, bytes, target, limits).await }
        });
        let failed = match work.await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => {
                tracing::error!(error = %e, job = id, "excel import check failed");
                Some("Hệ thống gặp sự cố khi kiểm tra tệp; dữ liệu chưa thay đổi. Vui lòng tải lên lại sau ít phút.".to_string())
            }
            Err(e) => {
                tracing::error!(error = %e, job = id, "excel import check stopped");
                Some("Hệ thống gặp sự cố khi kiểm tra tệp; dữ liệu chưa thay đổi. Vui lòng tải lên lại sau ít phút.".to_string())
            }
        };
        if let Some(message) = failed {
            let _ = set_state(&db, id, FAILED, Some(message)).await;
        }
        let _ = tx.send(());
    });
    Ok((id, rx))
}

async fn set_state(db: &crate::Db, id: i32, state: &str, message: Option<String>) -> Result<()> {
    excel_import::Entity::update_many()
        .col_expr(excel_import::Column::State, Expr::value(state))
        .col_expr(excel_import::Column::Message, Expr::value(message))
        .col_expr(excel_import::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(excel_import::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn process(db: &crate::Db, actor: &Actor, id: i32, bytes: Vec<u8>, target: Option<i32>, limits: Limits) -> Result<()> {
    let book = match super::read_untrusted(bytes, limits).await {
        Ok(b) => b,
        Err(e) => {
            if let BookError::Corrupt { detail } = &e {
                tracing::info!(%detail, job = id, "unreadable workbook refused");
            }
            return set_state(db, id, FAILED, Some(e.to_string())).await;
        }
    };
    // Progress goes to the upload's row at most twice a second.
    let (tx, mut rx) = tokio::sync::watch::channel((0usize, 0usize));
    let reporter = {
        let db = db.clone();
        tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                let (done, total) = *rx.borrow_and_update();
                let _ = excel_import::Entity::update_many()
                    .col_expr(excel_import::Column::Done, Expr::value(done as i32))
                    .col_expr(excel_import::Column::Total, Expr::value(total as i32))
                    .col_expr(excel_import::Column::UpdatedAt, Expr::value(Utc::now()))
                    .filter(excel_import::Column::Id.eq(id))
                    .filter(excel_import::Column::State.eq(READING))
                    .exec(&db)
                    .await;
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        })
    };
    let mut progress = move |done: usize, total: usize| {
        let _ = tx.send((done, total));
    };
    let checked = check_book(db, Some(actor), std::sync::Arc::new(book), target, Utc::now(), &mut progress).await;
    drop(progress);
    // The reporter may be waiting out its half second: the result below
    // carries the final count, so it stops now rather than holding the
    // preview back (an update of its in flight only ever touches a row
    // still being read).
    reporter.abort();
    let _ = reporter.await;
    let checked = checked?;
    let preview = serde_json::to_string(&checked.sheets).map_err(|e| ServiceError::Internal(format!("preview json: {e}")))?;
    let plan = serde_json::to_string(&checked.plans).map_err(|e| ServiceError::Internal(format!("plan json: {e}")))?;
    let total = checked.sheets.len() as i32;
    let summary = summary_of(ImportState::Ready, checked.sheets);
    excel_import::Entity::update_many()
        .col_expr(excel_import::Column::State, Expr::value(READY))
        .col_expr(excel_import::Column::Summary, Expr::value(Some(summary)))
        .col_expr(excel_import::Column::Preview, Expr::value(preview))
        .col_expr(excel_import::Column::Plan, Expr::value(plan))
        .col_expr(excel_import::Column::Done, Expr::value(total))
        .col_expr(excel_import::Column::Total, Expr::value(total))
        .col_expr(excel_import::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(excel_import::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn own_job(db: &crate::Db, actor: &Actor, id: i32) -> Result<excel_import::Model> {
    let job = excel_import::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy lần tải tệp này.".into()))?;
    if job.user_id != actor.user_id {
        return Err(ServiceError::Forbidden("Đây là tệp do người khác tải lên; chỉ người tải lên mới xem và nhập được.".into()));
    }
    Ok(job)
}

/// An upload as its page shows it: only to the clerk who uploaded it.
pub async fn get(db: &crate::Db, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<ImportView> {
    Ok(view_of(own_job(db, actor, id).await?, now))
}

/// The summary line of an upload's sheets in a state.
fn summary_of(state: ImportState, sheets: Vec<SheetPreview>) -> String {
    ImportView { id: 0, state, file_name: String::new(), created_at: DateTime::<Utc>::UNIX_EPOCH, target_report: None, sheets }.summary()
}

/// The clerk's recent uploads, newest first: their summary lines, kept in a
/// column, without reading their previews.
pub async fn recent(db: &crate::Db, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<ImportLine>> {
    use excel_import::Column as C;
    type Row = (i32, String, DateTime<Utc>, DateTime<Utc>, String, i32, i32, Option<String>, Option<DateTime<Utc>>, Option<String>);
    let rows: Vec<Row> = excel_import::Entity::find()
        .select_only()
        .columns([C::Id, C::FileName, C::CreatedAt, C::UpdatedAt, C::State, C::Done, C::Total, C::Message, C::AppliedAt, C::Summary])
        .filter(C::UserId.eq(actor.user_id))
        .order_by_desc(C::Id)
        .limit(10)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, file_name, created_at, updated_at, state, done, total, message, applied_at, summary) in rows {
        let m = excel_import::Model {
            id,
            user_id: actor.user_id,
            file_name,
            created_at,
            updated_at,
            state,
            done,
            total,
            target_report_id: None,
            message,
            preview: String::new(),
            plan: String::new(),
            applied_at,
            summary,
        };
        let state = job_state(&m, now);
        let summary = match (&state, m.summary) {
            (ImportState::Reading { .. }, _) => "Đang đọc tệp…".to_string(),
            (ImportState::Failed { message }, _) => message.clone(),
            (_, Some(s)) => s,
            // An upload from before summaries were kept: read its preview once.
            (_, None) => excel_import::Entity::find_by_id(id).one(db).await?.map(|full| view_of(full, now).summary()).unwrap_or_default(),
        };
        out.push(ImportLine { id, file_name: m.file_name, created_at, state, summary });
    }
    Ok(out)
}

/// Applies a checked upload: every importable sheet in one transaction (a
/// sheet whose report changed since the preview is skipped, and says so),
/// audited with source Excel and the file name. Sheets whose report was
/// identified only by the report the file was uploaded on (or by an altered
/// hidden sheet) go in only when the clerk confirmed the report.
pub async fn confirm(db: &crate::Db, actor: &Actor, id: i32, report_confirmed: bool, now: DateTime<Utc>) -> Result<ImportView> {
    let job = own_job(db, actor, id).await?;
    match job.state.as_str() {
        READY => {}
        APPLIED => {
            return Err(ServiceError::Conflict(format!(
                "Tệp này đã được nhập lúc {}.",
                domain::datefmt::format_datetime(job.applied_at.unwrap_or(job.updated_at))
            )));
        }
        READING => return Err(ServiceError::Conflict("Tệp đang được kiểm tra; hãy chờ xem trước rồi xác nhận.".into())),
        APPLYING => return Err(ServiceError::Conflict("Tệp này đang được nhập.".into())),
        _ => return Err(ServiceError::Conflict("Tệp này không đọc được nên không nhập được; hãy sửa tệp rồi tải lên lại.".into())),
    }
    let mut sheets: Vec<SheetPreview> = serde_json::from_str(&job.preview).map_err(|e| ServiceError::Internal(format!("preview json: {e}")))?;
    let mut plans: Vec<Plan> = serde_json::from_str(&job.plan).map_err(|e| ServiceError::Internal(format!("plan json: {e}")))?;
    if plans.is_empty() {
        return Err(ServiceError::Conflict("Tệp không có trang nào để nhập.".into()));
    }
    if plans.iter().any(|p| p.needs_confirmation) && !report_confirmed {
        return Err(ServiceError::field("xac_nhan", "Hãy đánh dấu ô xác nhận đúng báo cáo (chế độ, kỳ và đơn vị) trước khi nhập."));
    }
    apply(db, actor, &job, &mut sheets, &mut plans, now).await?;
    get(db, actor, id, now).await
}

fn verdict_of<'a>(sheets: &'a mut [SheetPreview], name: &str) -> Option<&'a mut SheetPreview> {
    sheets.iter_mut().find(|s| s.sheet == name)
}

async fn apply(
    db: &crate::Db,
    actor: &Actor,
    job: &excel_import::Model,
    sheets: &mut [SheetPreview],
    plans: &mut [Plan],
    now: DateTime<Utc>,
) -> Result<()> {
    // An empty form's report is started first (as the web form does when a
    // clerk opens it); its figures then go in with the others.
    for plan in plans.iter_mut().filter(|p| p.report_id.is_none()) {
        match crate::reports::start(db, actor, plan.regime_id, &plan.period_key, now).await {
            Ok(rid) => plan.report_id = Some(rid),
            Err(e) => {
                if let Some(s) = verdict_of(sheets, &plan.sheet) {
                    s.verdict = Verdict::Skipped(format!("Không lập được báo cáo: {e}"));
                }
            }
        }
    }
    let txn = db.begin().await?;
    // One confirmation at a time: a second click finds it taken. The claim
    // is part of the transaction, so a failure or a crash leaves the upload
    // ready to confirm again, never stuck "being imported".
    let claimed = excel_import::Entity::update_many()
        .col_expr(excel_import::Column::State, Expr::value(APPLYING))
        .col_expr(excel_import::Column::UpdatedAt, Expr::value(now))
        .filter(excel_import::Column::Id.eq(job.id))
        .filter(excel_import::Column::State.eq(READY))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(ServiceError::Conflict("Tệp này đang được nhập hoặc đã nhập.".into()));
    }
    for plan in plans.iter() {
        let Some(rid) = plan.report_id else { continue };
        let l = load(&txn, rid).await?;
        let verdict = if l.report.unit_id != plan.unit_id || l.report.regime_id != plan.regime_id {
            Verdict::Skipped("Báo cáo không còn khớp với trang tính; hãy tải tệp lên lại.".into())
        } else if let Err(e) = check_editable(actor, &l, now) {
            Verdict::Skipped(e.to_string())
        } else {
            let changes = Changes {
                figures: plan.figures.clone(),
                comments: plan.comments.clone(),
                narrative: None,
                explanations: None,
                file_name: Some(job.file_name.clone()),
                confirm: Default::default(),
            };
            match save_in_txn(&txn, actor, &l, plan.base_row_version, &changes, Source::Excel, now).await? {
                Some(saved) => {
                    crate::reports::record_event(
                        &txn,
                        rid,
                        Some(actor.user_id),
                        &l.report.status,
                        &l.report.status,
                        &format!("Nhập số liệu từ tệp Excel «{}» ({} thay đổi)", job.file_name, saved.changed),
                        now,
                    )
                    .await?;
                    Verdict::Applied { changed: saved.changed }
                }
                None => Verdict::Skipped(
                    "Báo cáo vừa được sửa (trên Hệ thống hoặc từ tệp khác) sau khi bạn xem trước, nên trang này chưa được nhập. Hãy tải tệp lên lại để xem trước lần nữa.".into(),
                ),
            }
        };
        if let Some(s) = verdict_of(sheets, &plan.sheet) {
            s.verdict = verdict;
        }
    }
    let preview = serde_json::to_string(&sheets).map_err(|e| ServiceError::Internal(format!("preview json: {e}")))?;
    let summary = summary_of(ImportState::Applied { at: now }, sheets.to_vec());
    excel_import::Entity::update_many()
        .col_expr(excel_import::Column::State, Expr::value(APPLIED))
        .col_expr(excel_import::Column::Summary, Expr::value(Some(summary)))
        .col_expr(excel_import::Column::Preview, Expr::value(preview))
        .col_expr(excel_import::Column::AppliedAt, Expr::value(Some(now)))
        .col_expr(excel_import::Column::UpdatedAt, Expr::value(now))
        .filter(excel_import::Column::Id.eq(job.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes uploads older than a month (they hold figures as typed).
pub async fn purge(db: &crate::Db, now: DateTime<Utc>) -> Result<u64> {
    Ok(excel_import::Entity::delete_many()
        .filter(excel_import::Column::CreatedAt.lt(now - chrono::Duration::days(KEEP_DAYS)))
        .exec(db)
        .await?
        .rows_affected)
}

/// Reads and checks a file without storing anything (`server excel-check`):
/// the preview, or why the file cannot be read.
pub async fn check_file(
    db: &crate::Db,
    bytes: Vec<u8>,
    limits: Limits,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(Option<super::Format>, Checked), BookError>> {
    let book = match super::read_untrusted(bytes, limits).await {
        Ok(b) => b,
        Err(e) => return Ok(Err(e)),
    };
    let format = book.format;
    let checked = check_book(db, None, std::sync::Arc::new(book), None, now, &mut |_, _| {}).await?;
    Ok(Ok((format, checked)))
}
