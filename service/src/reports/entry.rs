//! The report page's data, and saving what a unit typed: figures, comments,
//! narrative and explanations, each change audited in the transaction that
//! makes it. Saving and sending is one use case: what is sent is exactly
//! what was checked.

use super::history::history_of;
use super::review::{check_before_sending, permissions, send_in};
use super::store::{self, Stored, decode, figure_of, load_values, value_row};
use super::{Loaded, MAX_COMMENT, MAX_TEXT, Source, load, require_read, user_name};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::carry::Confirm;
use domain::datefmt::{format_date, vn_today};
use domain::entry::{Checked, References, cell_key, check_figures};
use domain::figures::{Figures, read_form};
use domain::indicator::Value;
use domain::report::ReportStatus;
use domain::reporting::{HistoryEntry, ReportData, ReportHeader, Submission};
use entity::{org_unit, report, report_text_audit, report_value, value_audit};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use std::collections::HashMap;

/// What the form's inputs show: each figure the Vietnamese way, and text
/// that could not be read exactly as it was typed (the checks mark it).
fn display_values(l: &Loaded, stored: &HashMap<String, report_value::Model>) -> (HashMap<String, String>, HashMap<String, String>) {
    let mut values = HashMap::new();
    let mut comments = HashMap::new();
    for (key, row) in stored {
        let (code, _) = domain::entry::split_cell_key(key);
        if let Some(spec) = l.specs.get(code) {
            if row.invalid {
                values.insert(key.clone(), row.txt.clone().unwrap_or_default());
            } else if let Some(v) = decode(spec, row.num, row.txt.as_deref()) {
                values.insert(key.clone(), spec.format(&v));
            }
        }
        if !row.comment.is_empty() {
            comments.insert(key.clone(), row.comment.clone());
        }
    }
    (values, comments)
}

/// A report as its page shows it, with its history, from one load.
/// Readable by its unit and by province-wide roles.
/// The history holds the newest entries and how many there are in all.
pub async fn page(db: &crate::Db, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<(ReportData, (Vec<HistoryEntry>, u64))> {
    let l = load(db, id).await?;
    require_read(actor, l.report.unit_id)?;
    let history = history_of(db, &l, super::history::PAGE_SIZE).await?;
    Ok((data_of(db, actor, l, now).await?, history))
}

async fn data_of(db: &crate::Db, actor: &Actor, l: Loaded, now: DateTime<Utc>) -> Result<ReportData> {
    let id = l.report.id;
    let stored = load_values(db, id, &l.ids).await?;
    let (values, comments) = display_values(&l, &stored);
    let references = store::references(db, l.report.unit_id, l.report.regime_id, &l.period, &l.specs, &l.ids).await?;
    let unusual = super::unusual::unusual(db, &l, &stored).await?;
    let unit = org_unit::Entity::find_by_id(l.report.unit_id).one(db).await?.map(|u| u.name).unwrap_or_default();
    let receiving = crate::org::find_unit_by_code(db, &l.doc.receiving_unit).await.map(|u| u.name).unwrap_or_default();
    let mut narrative: Vec<String> = serde_json::from_str(&l.report.narrative).unwrap_or_default();
    narrative.resize(l.doc.outline.len(), String::new());
    let explanations: HashMap<usize, String> = serde_json::from_str(&l.report.explanations).unwrap_or_default();
    let today = vn_today(now);
    let header = ReportHeader {
        id,
        regime_id: l.report.regime_id,
        regime_code: l.regime.code.clone(),
        version: l.version,
        unit_id: l.report.unit_id,
        unit_name: unit,
        receiving_unit: receiving,
        period_key: l.report.period_key.clone(),
        period_label: l.period.label(),
        window: l.window,
        state: l.state(now),
        days_to_deadline: l.window.days_to_deadline(today),
        status: l.status,
        row_version: l.report.row_version,
        sent_at: l.report.sent_at,
        on_time: l.report.on_time,
        return_reason: l.report.return_reason.clone(),
        exception_until: l.report.window_exception_until,
        updated_at: l.report.updated_at,
        updated_by: user_name(db, l.report.updated_by).await?,
    };
    let permissions = permissions(actor, &l, now);
    let copied = super::copy::unconfirmed_in(&l, &stored).into_iter().map(|(k, _)| k).collect();
    // Offered only to whoever may fill a report that has no figures yet.
    let copy_offer = if permissions.edit && !super::copy::has_figures(&stored) { Some(super::copy::offer_for(db, &l).await?.0) } else { None };
    let specs = l.doc.indicator_codes().iter().filter_map(|c| l.specs.get(c).cloned()).collect();
    Ok(ReportData { header, doc: l.doc, specs, values, comments, narrative, explanations, references, permissions, unusual, copied, copy_offer })
}

/// The outcome of a save: the new version number and what the checks found.
#[derive(Clone, Debug)]
pub struct Saved {
    pub row_version: i32,
    pub checked: Checked,
    pub changed: usize,
    /// Cells kept as typed because they could not be read.
    pub unreadable: usize,
    /// Figures copied from the previous period still unconfirmed after this save.
    pub copied: Vec<String>,
}

/// What a save changes, typed: the figures (every cell of the form, read
/// once where they entered), and the texts when the edge carries them. An
/// edge that does not (an Excel file has no narrative) leaves them as stored.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    pub figures: Figures,
    pub comments: Option<HashMap<String, String>>,
    pub narrative: Option<Vec<String>>,
    pub explanations: Option<HashMap<usize, String>>,
    /// The uploaded file the changes come from, kept on their audit rows.
    pub file_name: Option<String>,
    /// Copied figures the clerk confirms as they are with this save.
    pub confirm: Confirm,
}

impl Changes {
    /// What the browser's form sent: its text read once, here.
    pub fn from_form(l: &Loaded, sub: &Submission) -> Changes {
        Changes {
            figures: read_form(&l.doc, &l.specs, &sub.values),
            comments: Some(sub.comments.clone()),
            narrative: Some(sub.narrative.clone()),
            explanations: Some(sub.explanations.clone()),
            file_name: None,
            confirm: sub.confirm.clone(),
        }
    }
}

fn trimmed(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

fn conflict_message(l: &Loaded, stored: &HashMap<String, report_value::Model>, changes: &Changes, who: Option<String>, same_user: bool) -> String {
    let (theirs, _) = display_values(l, stored);
    let mut diffs = Vec::new();
    for (_, key, spec, _, _) in domain::figures::cells(&l.doc, &l.specs) {
        // Figures compared by what they mean (`0` and `0,0` are the same).
        let mine_value = changes.figures.values.get(&key);
        let theirs_value = stored.get(&key).and_then(|row| figure_of(spec, row));
        let mine_raw = changes.figures.unreadable.get(&key).map(|u| u.raw.clone());
        let same = match (mine_value, theirs_value.as_ref()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => mine_raw.as_deref().unwrap_or("") == theirs.get(&key).map(String::as_str).unwrap_or(""),
            _ => false,
        };
        if !same {
            let mine = mine_value.map(|v| spec.format(v)).or(mine_raw).unwrap_or_default();
            let other = theirs.get(&key).cloned().unwrap_or_default();
            diffs.push(format!("{key}: bạn nhập \"{mine}\", bản đã lưu là \"{other}\""));
        }
    }
    let at = domain::datefmt::format_datetime(l.report.updated_at);
    let mut m = if same_user {
        format!(
            "Bạn vừa lưu báo cáo này ở một cửa sổ hoặc thẻ khác lúc {at}, sau khi mở trang này. Số liệu ở trang này CHƯA được lưu và vẫn còn trên trang."
        )
    } else {
        let who = who.map(|w| format!(" ({w})")).unwrap_or_default();
        format!("Báo cáo vừa được lưu bởi người khác{who} lúc {at} sau khi bạn mở trang. Số liệu của bạn CHƯA được lưu và vẫn còn trên trang.")
    };
    if diffs.is_empty() {
        m.push_str(" Số liệu hai bên giống nhau; hãy tải lại trang rồi lưu lại.");
    } else {
        m.push_str(" Khác nhau: ");
        m.push_str(&diffs.join("; "));
        m.push_str(". Hãy tải lại trang để xem bản đã lưu, rồi nhập lại phần của bạn.");
    }
    m
}

/// Who may change figures, whether the report and its period still allow it.
pub(crate) fn check_editable(actor: &Actor, l: &Loaded, now: DateTime<Utc>) -> Result<()> {
    if !actor.can_write_unit(l.report.unit_id) {
        return Err(if actor.can_read_unit(l.report.unit_id) {
            ServiceError::Forbidden("Chỉ chuyên viên của đơn vị mới sửa được số liệu báo cáo.".into())
        } else {
            ServiceError::Forbidden("Bạn chỉ làm việc với báo cáo của đơn vị mình.".into())
        });
    }
    check_open(l, now)
}

/// Whether the report's status and its period still take figures (who may
/// change them is the caller's check).
pub(crate) fn check_open(l: &Loaded, now: DateTime<Utc>) -> Result<()> {
    if !l.status.is_editable() {
        return Err(ServiceError::Conflict(format!(
            "Báo cáo đang ở trạng thái \"{}\" nên không sửa được. Báo cáo chỉ sửa lại được khi bị trả lại.",
            l.status.label()
        )));
    }
    if !l.state(now).accepts_entry() {
        return Err(ServiceError::Forbidden(format!(
            "Kỳ báo cáo {} đã khóa (hạn nhận cuối cùng {}). Liên hệ Văn phòng UBND tỉnh nếu cần được mở lại.",
            l.period.label(),
            format_date(l.report.window_exception_until.map_or(l.window.locks, |e| Ord::max(e, l.window.locks)))
        )));
    }
    Ok(())
}

/// How a save inside a transaction ended.
enum Written {
    Saved(Saved),
    /// Someone saved since the caller read the report: nothing was written.
    Stale,
}

/// Writes a submission inside `txn`. Its first statement bumps the row
/// version where it is still the one the caller read, which takes the
/// write lock at once; everything after reads a state no one else changes.
async fn save_in<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    l: &Loaded,
    row_version: i32,
    changes: &Changes,
    source: Source,
    now: DateTime<Utc>,
) -> Result<Written> {
    let id = l.report.id;
    // A draft keeps everything typed: readable figures are stored,
    // unreadable text is kept as typed and marked; rules need not hold yet.
    // Sending refuses both.
    let figures = &changes.figures;
    let checked = check_figures(&l.doc, &l.specs, figures, &References::default(), false);
    let stored_narrative: Vec<String> = serde_json::from_str(&l.report.narrative).unwrap_or_default();
    let mut narrative: Vec<String> = match &changes.narrative {
        Some(n) => n.iter().map(|t| trimmed(t, MAX_TEXT)).collect(),
        None => stored_narrative,
    };
    narrative.resize(l.doc.outline.len(), String::new());
    let explanations = saved_explanations(changes, l);
    let source_file: Option<String> = changes.file_name.as_ref().map(|n| n.chars().take(255).collect());

    let bumped = report::Entity::update_many()
        .col_expr(report::Column::RowVersion, Expr::value(row_version + 1))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .col_expr(report::Column::UpdatedBy, Expr::value(actor.user_id))
        .col_expr(report::Column::Narrative, Expr::value(serde_json::to_string(&narrative).unwrap_or_else(|_| "[]".into())))
        .col_expr(report::Column::Explanations, Expr::value(serde_json::to_string(&explanations).unwrap_or_else(|_| "{}".into())))
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::RowVersion.eq(row_version))
        .filter(report::Column::Status.is_in([ReportStatus::Draft.code(), ReportStatus::Returned.code()]))
        .exec(txn)
        .await?;
    if bumped.rows_affected == 0 {
        return Ok(Written::Stale);
    }
    let stored = load_values(txn, id, &l.ids).await?;

    let mut inserts = Vec::new();
    let mut deletes = Vec::new();
    // Copied figures confirmed as they are: their rows stay, unmarked.
    let mut confirmed = Vec::new();
    // Copied figures still unconfirmed after this save, in the form's order.
    let mut still_marked = Vec::new();
    let mut audits = Vec::new();
    let mut text_audits = Vec::new();
    let text_audit = |field: String, old: &str, new: &str| report_text_audit::ActiveModel {
        report_id: Set(id),
        at: Set(now),
        user_id: Set(Some(actor.user_id)),
        field: Set(field.chars().take(80).collect()),
        old_text: Set((!old.is_empty()).then(|| old.to_string())),
        new_text: Set((!new.is_empty()).then(|| new.to_string())),
        source: Set(source.code().into()),
        source_file: Set(source_file.clone()),
        ..Default::default()
    };
    for code in l.doc.indicator_codes() {
        let (Some(spec), Some(&indicator_id)) = (l.specs.get(&code), l.ids.by_code.get(&code)) else { continue };
        let parts: Vec<Option<String>> = std::iter::once(None).chain(spec.parts.iter().map(|p| Some(p.code.clone()))).collect();
        for part in parts {
            let key = cell_key(&code, part.as_deref());
            let new_value = figures.values.get(&key);
            let new_raw = figures.unreadable.get(&key).map(|u| u.raw.as_str());
            let old = stored.get(&key);
            let new_comment = match &changes.comments {
                Some(c) => trimmed(c.get(&key).map(String::as_str).unwrap_or(""), MAX_COMMENT),
                None => old.map(|o| o.comment.clone()).unwrap_or_default(),
            };
            let old_value = old.and_then(|o| figure_of(spec, o));
            let old_raw = old.filter(|o| o.invalid).and_then(|o| o.txt.as_deref());
            let old_comment = old.map(|o| o.comment.clone()).unwrap_or_default();
            let same_figure = old_value.as_ref() == new_value && old_raw == new_raw;
            // A copied figure stays marked until it is confirmed or changed.
            let still_copied = old.is_some_and(|o| o.copied) && same_figure && !changes.confirm.covers(&key);
            if still_copied {
                still_marked.push(key.clone());
            }
            if same_figure && old_comment == new_comment {
                if let Some(o) = old.filter(|o| o.copied && !still_copied) {
                    confirmed.push(o.id);
                }
                continue;
            }
            if let Some(o) = old {
                deletes.push(o.id);
            }
            let cell = match (new_value, new_raw) {
                (Some(v), _) => Stored::Figure(v),
                (None, Some(raw)) => Stored::Unreadable(raw),
                (None, None) => Stored::Empty,
            };
            if !matches!(cell, Stored::Empty) || !new_comment.is_empty() {
                let mut row =
                    value_row(&l.report, &l.period, l.status, spec, indicator_id, part.as_deref(), cell, &new_comment, now, Some(actor.user_id));
                // Only the comment changed: the figure is still the copied one.
                row.copied = Set(still_copied);
                inserts.push(row);
            }
            // What each side shows in the audit: the figure, or the text kept as typed.
            let shown = |v: Option<&Value>, raw: Option<&str>| v.map(|v| spec.format(v)).or_else(|| raw.map(|r| format!("«{r}» (chưa đọc được)")));
            let (old_shown, new_shown) = (shown(old_value.as_ref(), old_raw), shown(new_value, new_raw));
            if old_shown != new_shown {
                audits.push(value_audit::ActiveModel {
                    report_id: Set(id),
                    indicator_id: Set(indicator_id),
                    part: Set(part.clone().unwrap_or_default()),
                    at: Set(now),
                    user_id: Set(Some(actor.user_id)),
                    old_value: Set(old_shown),
                    new_value: Set(new_shown),
                    source: Set(source.code().into()),
                    source_file: Set(source_file.clone()),
                    ..Default::default()
                });
            }
            if old_comment != new_comment {
                text_audits.push(text_audit(format!("ghi_chu.{key}"), &old_comment, &new_comment));
            }
        }
    }
    let old_narrative: Vec<String> = serde_json::from_str(&l.report.narrative).unwrap_or_default();
    for (i, new) in narrative.iter().enumerate() {
        let old = old_narrative.get(i).map(String::as_str).unwrap_or("");
        if old != new {
            text_audits.push(text_audit(format!("de_cuong.{i}"), old, new));
        }
    }
    let old_explanations: HashMap<usize, String> = serde_json::from_str(&l.report.explanations).unwrap_or_default();
    let mut rule_indexes: Vec<usize> = old_explanations.keys().chain(explanations.keys()).copied().collect();
    rule_indexes.sort_unstable();
    rule_indexes.dedup();
    for i in rule_indexes {
        let old = old_explanations.get(&i).map(String::as_str).unwrap_or("");
        let new = explanations.get(&i).map(String::as_str).unwrap_or("");
        if old != new {
            text_audits.push(text_audit(format!("giai_trinh.{i}"), old, new));
        }
    }
    let changed = audits.len() + text_audits.len();

    if !deletes.is_empty() {
        report_value::Entity::delete_many().filter(report_value::Column::Id.is_in(deletes)).exec(txn).await?;
    }
    for chunk in confirmed.chunks(500) {
        report_value::Entity::update_many()
            .col_expr(report_value::Column::Copied, Expr::value(false))
            .filter(report_value::Column::Id.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    for chunk in inserts.chunks(500) {
        report_value::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    for chunk in audits.chunks(500) {
        value_audit::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    for chunk in text_audits.chunks(500) {
        report_text_audit::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    Ok(Written::Saved(Saved { row_version: row_version + 1, checked, changed, unreadable: figures.unreadable.len(), copied: still_marked }))
}

/// Saves typed changes inside a transaction the caller holds (an Excel
/// import writes several reports in one): `None` when someone saved since
/// `row_version`, and then nothing was written.
pub(crate) async fn save_in_txn<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    l: &Loaded,
    row_version: i32,
    changes: &Changes,
    source: Source,
    now: DateTime<Utc>,
) -> Result<Option<Saved>> {
    Ok(match save_in(txn, actor, l, row_version, changes, source, now).await? {
        Written::Saved(s) => Some(s),
        Written::Stale => None,
    })
}

/// The conflict answer, built from what is stored now.
async fn stale(db: &crate::Db, actor: &Actor, id: i32, changes: &Changes) -> ServiceError {
    let built = async {
        let fresh = load(db, id).await?;
        let stored = load_values(db, id, &fresh.ids).await?;
        let who = user_name(db, fresh.report.updated_by).await?;
        let same_user = fresh.report.updated_by == Some(actor.user_id);
        Ok::<_, ServiceError>(conflict_message(&fresh, &stored, changes, who, same_user))
    };
    match built.await {
        Ok(m) => ServiceError::Conflict(m),
        Err(e) => e,
    }
}

/// Saves what the browser's form sent (a draft: rules do not block, and
/// text that cannot be read is kept as typed). Only changed cells are
/// written, each change audited.
pub async fn save(db: &crate::Db, actor: &Actor, id: i32, row_version: i32, sub: Submission, source: Source, now: DateTime<Utc>) -> Result<Saved> {
    let l = load(db, id).await?;
    check_editable(actor, &l, now)?;
    let changes = Changes::from_form(&l, &sub);
    save_loaded(db, actor, l, row_version, changes, source, now).await
}

/// Saves typed changes from any edge (Excel, the API): the same checks,
/// the same audit, with the edge as the source.
pub async fn save_changes(
    db: &crate::Db,
    actor: &Actor,
    id: i32,
    row_version: i32,
    changes: Changes,
    source: Source,
    now: DateTime<Utc>,
) -> Result<Saved> {
    let l = load(db, id).await?;
    check_editable(actor, &l, now)?;
    save_loaded(db, actor, l, row_version, changes, source, now).await
}

/// Saves changes to a report already loaded and checked by the caller.
pub(crate) async fn save_loaded(
    db: &crate::Db,
    actor: &Actor,
    l: Loaded,
    row_version: i32,
    changes: Changes,
    source: Source,
    now: DateTime<Utc>,
) -> Result<Saved> {
    let id = l.report.id;
    if row_version != l.report.row_version {
        return Err(stale(db, actor, id, &changes).await);
    }
    let txn = db.begin().await?;
    match save_in(&txn, actor, &l, row_version, &changes, source, now).await? {
        Written::Saved(s) => {
            txn.commit().await?;
            Ok(s)
        }
        Written::Stale => {
            txn.rollback().await.ok();
            Err(stale(db, actor, id, &changes).await)
        }
    }
}

/// What saving and sending did.
#[derive(Debug)]
pub struct SaveAndSend {
    pub saved: Saved,
    /// Where the report went (sent, or to the unit leader), or why it did
    /// not go: the figures are saved either way.
    pub sent: std::result::Result<ReportStatus, ServiceError>,
}

/// Saves the figures and sends them, in one transaction: the checks run on
/// exactly what this save wrote, and no other save can land in between.
/// When sending is refused the draft is still kept.
pub async fn save_and_send(
    db: &crate::Db,
    actor: &Actor,
    id: i32,
    row_version: i32,
    sub: Submission,
    source: Source,
    now: DateTime<Utc>,
) -> Result<SaveAndSend> {
    let l = load(db, id).await?;
    check_editable(actor, &l, now)?;
    let changes = Changes::from_form(&l, &sub);
    if row_version != l.report.row_version {
        return Err(stale(db, actor, id, &changes).await);
    }
    let txn = db.begin().await?;
    let saved = match save_in(&txn, actor, &l, row_version, &changes, source, now).await? {
        Written::Saved(s) => s,
        Written::Stale => {
            txn.rollback().await.ok();
            return Err(stale(db, actor, id, &changes).await);
        }
    };
    let sent = match check_before_sending(&txn, &l, &saved_explanations(&changes, &l)).await {
        Ok(()) => send_in(&txn, actor, &l, saved.row_version, now).await,
        Err(e) => Err(e),
    };
    match sent {
        Ok(status) => {
            txn.commit().await?;
            Ok(SaveAndSend { saved, sent: Ok(status) })
        }
        // A database failure undoes the save too; a refusal keeps the draft.
        Err(ServiceError::Internal(d)) => {
            txn.rollback().await.ok();
            Err(ServiceError::Internal(d))
        }
        Err(refused) => {
            txn.commit().await?;
            Ok(SaveAndSend { saved, sent: Err(refused) })
        }
    }
}

/// The explanations as this save stores them (the stored ones when the
/// edge does not carry explanations).
fn saved_explanations(changes: &Changes, l: &Loaded) -> HashMap<usize, String> {
    match &changes.explanations {
        Some(e) => e.iter().filter(|(i, t)| **i < l.doc.rules.len() && !t.trim().is_empty()).map(|(i, t)| (*i, trimmed(t, MAX_COMMENT))).collect(),
        None => serde_json::from_str(&l.report.explanations).unwrap_or_default(),
    }
}
