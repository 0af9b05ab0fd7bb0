//! What an Excel upload found, as the preview page and `server excel-check`
//! show it: per sheet, the report it belongs to, every change (old → new)
//! and every problem with its sheet and cell. Plain data, shared by the
//! server (which builds it) and the browser (which shows it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an upload is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    /// Being read and checked in the background; `done` of `total` sheets.
    Reading { done: usize, total: usize },
    /// Checked; waiting for the clerk to confirm (nothing stored yet).
    Ready,
    /// Confirmed: what went in is in each sheet's verdict.
    Applied { at: DateTime<Utc> },
    /// The file could not be read at all: why, and what to do.
    Failed { message: String },
}

impl ImportState {
    pub fn code(&self) -> &'static str {
        match self {
            ImportState::Reading { .. } => "dang_doc",
            ImportState::Ready => "xem_truoc",
            ImportState::Applied { .. } => "da_nhap",
            ImportState::Failed { .. } => "loi",
        }
    }
}

/// How the sheet's report was identified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Identity {
    /// By the hidden information sheet of a form downloaded from baocao,
    /// intact (its checksum holds).
    Verified,
    /// The hidden sheet is there but was changed: its report is only a
    /// guess the clerk must confirm; rows are matched by indicator code.
    Altered,
    /// No hidden sheet (the form was copied into another file): the report
    /// the file was uploaded on, which the clerk must confirm.
    Target,
    /// Not identified: the sheet cannot be imported.
    Unknown,
}

impl Identity {
    /// Whether the clerk must confirm the report before the sheet goes in.
    pub fn needs_confirmation(self) -> bool {
        matches!(self, Identity::Altered | Identity::Target)
    }
}

/// The report a sheet fills.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRef {
    /// `None` for an empty form whose report has not been started yet (the
    /// import starts it).
    pub report_id: Option<i32>,
    pub regime_id: i32,
    pub regime_code: String,
    pub regime_name: String,
    pub version: i32,
    pub unit_id: i32,
    pub unit_code: String,
    pub unit_name: String,
    pub period_key: String,
    pub period_label: String,
}

impl ReportRef {
    /// "Báo cáo tình hình y tế tháng — Sở Y tế — Tháng 7/2025".
    pub fn describe(&self) -> String {
        format!("{} — {} — {}", self.regime_name, self.unit_name, self.period_label)
    }
}

/// One figure the file changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellChange {
    /// `Biểu01!E12`.
    pub cell: String,
    /// The cell key (`DS01`, `DS01__nu`) and what the form calls the row.
    pub key: String,
    pub label: String,
    /// As stored now, the Vietnamese way; empty when there is none.
    pub old: String,
    pub new: String,
    /// A comment change rather than a figure change.
    #[serde(default)]
    pub comment: bool,
}

/// A problem, at a cell when it has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellProblem {
    /// `Biểu01!E12`, or `None` for the sheet as a whole.
    pub cell: Option<String>,
    pub message: String,
}

impl CellProblem {
    /// `Biểu01!E12: "abc" không phải là số…`
    pub fn line(&self) -> String {
        match &self.cell {
            Some(c) => format!("{c}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// A cell both the file and someone else changed since the download.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub cell: String,
    pub key: String,
    pub label: String,
    /// When the form was downloaded.
    pub downloaded: String,
    /// In the file.
    pub yours: String,
    /// Stored now.
    pub theirs: String,
}

/// What happens (or happened) to a sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Goes in when the clerk confirms.
    Importable,
    /// Matches what is stored: nothing to do.
    Unchanged,
    /// Does not go in: why, and what to do.
    Blocked(String),
    /// Not a form (a notes sheet, an empty sheet): left alone.
    Ignored(String),
    /// Went in: how many figures and comments changed.
    Applied { changed: usize },
    /// Was importable but did not go in at confirmation: why.
    Skipped(String),
}

/// One sheet of an upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetPreview {
    pub sheet: String,
    pub report: Option<ReportRef>,
    pub identity: Identity,
    pub changes: Vec<CellChange>,
    /// What keeps the sheet out (unreadable cells, formula errors, unknown codes, …).
    pub problems: Vec<CellProblem>,
    /// What the form's checks say of the figures after the import: errors
    /// block sending (not the import of a draft), warnings need an
    /// explanation on the form.
    pub check_errors: Vec<CellProblem>,
    pub check_warnings: Vec<CellProblem>,
    pub conflicts: Vec<Conflict>,
    /// Remarks that need no action (rows of the form absent from the file
    /// keep their stored figures, extra columns ignored…).
    pub notes: Vec<String>,
    pub verdict: Verdict,
}

impl SheetPreview {
    pub fn importable(&self) -> bool {
        self.verdict == Verdict::Importable
    }
}

/// An upload as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i32,
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub state: ImportState,
    /// The report the file was uploaded on, if any.
    pub target_report: Option<i32>,
    pub sheets: Vec<SheetPreview>,
}

impl ImportView {
    pub fn importable(&self) -> impl Iterator<Item = &SheetPreview> {
        self.sheets.iter().filter(|s| s.importable())
    }

    /// Whether the clerk has anything to confirm.
    pub fn can_confirm(&self) -> bool {
        self.state == ImportState::Ready && self.importable().next().is_some()
    }

    /// "2 báo cáo sẽ được nhập (15 thay đổi); 1 trang tính có lỗi."
    pub fn summary(&self) -> String {
        let count = |f: &dyn Fn(&Verdict) -> bool| self.sheets.iter().filter(|s| f(&s.verdict)).count();
        let changes: usize = self.importable().map(|s| s.changes.len()).sum();
        let mut parts = Vec::new();
        match &self.state {
            ImportState::Applied { .. } => {
                let applied: usize =
                    self.sheets.iter().filter_map(|s| if let Verdict::Applied { changed } = s.verdict { Some(changed) } else { None }).sum();
                let n = count(&|v| matches!(v, Verdict::Applied { .. }));
                parts.push(format!("Đã nhập {n} báo cáo ({applied} thay đổi)"));
                let skipped = count(&|v| matches!(v, Verdict::Skipped(_) | Verdict::Blocked(_)));
                if skipped > 0 {
                    parts.push(format!("{skipped} trang tính không được nhập"));
                }
            }
            _ => {
                let n = count(&|v| *v == Verdict::Importable);
                parts.push(format!("{n} báo cáo sẽ được nhập ({changes} thay đổi)"));
                let unchanged = count(&|v| *v == Verdict::Unchanged);
                if unchanged > 0 {
                    parts.push(format!("{unchanged} báo cáo không có gì thay đổi"));
                }
                let blocked = count(&|v| matches!(v, Verdict::Blocked(_)));
                if blocked > 0 {
                    parts.push(format!("{blocked} trang tính có lỗi, sẽ không được nhập"));
                }
            }
        }
        format!("{}.", parts.join("; "))
    }
}

/// One line of a clerk's recent uploads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    pub id: i32,
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub state: ImportState,
    pub summary: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(verdict: Verdict, changes: usize) -> SheetPreview {
        SheetPreview {
            sheet: "Biểu01".into(),
            report: None,
            identity: Identity::Verified,
            changes: (0..changes)
                .map(|i| CellChange {
                    cell: format!("Biểu01!E{}", 10 + i),
                    key: "A".into(),
                    label: "A".into(),
                    old: String::new(),
                    new: "1".into(),
                    comment: false,
                })
                .collect(),
            problems: vec![],
            check_errors: vec![],
            check_warnings: vec![],
            conflicts: vec![],
            notes: vec![],
            verdict,
        }
    }

    #[test]
    fn summarises_what_will_go_in() {
        let v = ImportView {
            id: 1,
            file_name: "a.xlsx".into(),
            created_at: DateTime::from_timestamp(1_750_000_000, 0).unwrap(),
            state: ImportState::Ready,
            target_report: None,
            sheets: vec![sheet(Verdict::Importable, 3), sheet(Verdict::Blocked("x".into()), 1), sheet(Verdict::Unchanged, 0)],
        };
        assert!(v.can_confirm());
        assert_eq!(v.summary(), "1 báo cáo sẽ được nhập (3 thay đổi); 1 báo cáo không có gì thay đổi; 1 trang tính có lỗi, sẽ không được nhập.");
        let p = CellProblem { cell: Some("Biểu01!E12".into()), message: "\"abc\" không phải là số.".into() };
        assert_eq!(p.line(), "Biểu01!E12: \"abc\" không phải là số.");
        assert!(Identity::Target.needs_confirmation() && !Identity::Verified.needs_confirmation());
    }
}
