//! Reminders: which notice a report's deadline calls for today, the key
//! that makes each notice happen once, and the text of the daily e-mails.

use crate::datefmt::format_date;
use crate::report::ReportStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a notification is about. Stored by [`NoticeKind::code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NoticeKind {
    /// The deadline is N days away (N set per regime).
    DueSoon,
    DueToday,
    Overdue,
    /// The office returned (or reopened) the report, with a reason.
    Returned,
    Accepted,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 5] = [NoticeKind::DueSoon, NoticeKind::DueToday, NoticeKind::Overdue, NoticeKind::Returned, NoticeKind::Accepted];

    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::DueSoon => "sap_den_han",
            NoticeKind::DueToday => "den_han",
            NoticeKind::Overdue => "qua_han",
            NoticeKind::Returned => "tra_lai",
            NoticeKind::Accepted => "tiep_nhan",
        }
    }

    pub fn from_code(c: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::DueSoon => "Sắp đến hạn",
            NoticeKind::DueToday => "Đến hạn hôm nay",
            NoticeKind::Overdue => "Quá hạn",
            NoticeKind::Returned => "Bị trả lại",
            NoticeKind::Accepted => "Đã tiếp nhận",
        }
    }
}

/// The deadline notice a report calls for on `today`, if any: "due in N
/// days" from N days before (once), "due today" on the day, "overdue" from
/// the day after (once). Nothing for a report already delivered. `remind_days`
/// 0 turns the early reminder off.
pub fn deadline_notice(deadline: NaiveDate, today: NaiveDate, remind_days: u32, status: Option<ReportStatus>) -> Option<NoticeKind> {
    if status.is_some_and(|s| s.is_delivered()) {
        return None;
    }
    let left = (deadline - today).num_days();
    match left {
        0 => Some(NoticeKind::DueToday),
        l if l < 0 => Some(NoticeKind::Overdue),
        l if l <= i64::from(remind_days) => Some(NoticeKind::DueSoon),
        _ => None,
    }
}

/// The key under which a deadline notice for one report of a unit is kept
/// per person: the same key twice is the same notice, so a second run (or a
/// second server) adds nothing.
pub fn deadline_key(kind: NoticeKind, regime_id: i32, unit_id: i32, period_key: &str) -> String {
    format!("{}:{regime_id}:{unit_id}:{period_key}", kind.code())
}

/// The key of a notice about one status change (its event).
pub fn event_key(kind: NoticeKind, event_id: i64) -> String {
    format!("{}:{event_id}", kind.code())
}

/// The text of a deadline notice.
pub fn deadline_text(kind: NoticeKind, regime_name: &str, period_label: &str, deadline: NaiveDate, today: NaiveDate) -> String {
    let left = (deadline - today).num_days();
    match kind {
        NoticeKind::DueSoon => format!("{regime_name} — {period_label}: còn {left} ngày đến hạn gửi ({}).", format_date(deadline)),
        NoticeKind::DueToday => format!("{regime_name} — {period_label}: hôm nay ({}) là hạn cuối gửi báo cáo.", format_date(deadline)),
        _ => format!("{regime_name} — {period_label}: đã quá hạn gửi {} ngày (hạn {}).", -left, format_date(deadline)),
    }
}

/// One line of a unit's daily digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestLine {
    pub regime_name: String,
    pub period_label: String,
    pub deadline: NaiveDate,
    /// Positive: days left; negative: days late.
    pub days_to_deadline: i64,
    pub status_label: String,
}

/// The daily e-mail to a unit's clerks and leader: what is overdue, then
/// what is due, each with its deadline. `None` when there is nothing to say.
pub fn unit_digest(unit_name: &str, day: NaiveDate, lines: &[DigestLine], site: &str) -> Option<(String, String)> {
    if lines.is_empty() {
        return None;
    }
    let overdue: Vec<&DigestLine> = lines.iter().filter(|l| l.days_to_deadline < 0).collect();
    let due: Vec<&DigestLine> = lines.iter().filter(|l| l.days_to_deadline >= 0).collect();
    let subject = match (overdue.len(), due.len()) {
        (0, n) => format!("[Báo cáo Sơn La] {unit_name}: {n} báo cáo sắp đến hạn"),
        (o, 0) => format!("[Báo cáo Sơn La] {unit_name}: {o} báo cáo quá hạn chưa gửi"),
        (o, n) => format!("[Báo cáo Sơn La] {unit_name}: {o} báo cáo quá hạn, {n} báo cáo sắp đến hạn"),
    };
    let mut body = format!("Kính gửi {unit_name},\n\nTình hình báo cáo của đơn vị ngày {}:\n", format_date(day));
    if !overdue.is_empty() {
        body.push_str("\nQUÁ HẠN CHƯA GỬI\n");
        for l in &overdue {
            body.push_str(&format!(
                "- {} — {}: hạn {}, quá {} ngày ({}).\n",
                l.regime_name,
                l.period_label,
                format_date(l.deadline),
                -l.days_to_deadline,
                l.status_label
            ));
        }
    }
    if !due.is_empty() {
        body.push_str("\nSẮP ĐẾN HẠN\n");
        for l in &due {
            let when = if l.days_to_deadline == 0 { "hôm nay".to_string() } else { format!("còn {} ngày", l.days_to_deadline) };
            body.push_str(&format!("- {} — {}: hạn {} ({when}, {}).\n", l.regime_name, l.period_label, format_date(l.deadline), l.status_label));
        }
    }
    body.push_str(&format!(
        "\nVui lòng đăng nhập Hệ thống thông tin báo cáo tỉnh Sơn La để lập và gửi báo cáo: {site}\n\nThư này được gửi tự động; xin đừng trả lời thư.\n"
    ));
    Some((subject, body))
}

/// One late unit in the office's daily summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateUnit {
    pub unit_name: String,
    /// "Báo cáo … — Tháng 9/2025 (quá 3 ngày)".
    pub reports: Vec<String>,
    pub contacts: String,
}

/// The daily e-mail to the provincial office: who is late. `None` when nobody is.
pub fn office_summary(day: NaiveDate, late: &[LateUnit], site: &str) -> Option<(String, String)> {
    if late.is_empty() {
        return None;
    }
    let reports: usize = late.iter().map(|u| u.reports.len()).sum();
    let subject = format!("[Báo cáo Sơn La] {} đơn vị có {reports} báo cáo quá hạn chưa gửi ({})", late.len(), format_date(day));
    let mut body = format!("Tình hình báo cáo quá hạn chưa gửi ngày {}:\n", format_date(day));
    for (i, u) in late.iter().enumerate() {
        body.push_str(&format!("\n{}. {}", i + 1, u.unit_name));
        if !u.contacts.is_empty() {
            body.push_str(&format!(" — liên hệ: {}", u.contacts));
        }
        body.push('\n');
        for r in &u.reports {
            body.push_str(&format!("   - {r}\n"));
        }
    }
    body.push_str(&format!("\nDanh sách để gọi điện hoặc gửi văn bản nhắc: {site}/tinh-hinh-bao-cao/qua-han\n"));
    Some((subject, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::date;
    use NoticeKind::*;

    #[test]
    fn one_notice_per_moment() {
        let d = date(2025, 9, 22);
        let on = |today, n, s| deadline_notice(d, today, n, s);
        assert_eq!(on(date(2025, 9, 18), 3, None), None);
        assert_eq!(on(date(2025, 9, 19), 3, None), Some(DueSoon));
        assert_eq!(on(date(2025, 9, 21), 3, Some(ReportStatus::Draft)), Some(DueSoon));
        assert_eq!(on(d, 3, None), Some(DueToday));
        assert_eq!(on(date(2025, 9, 23), 3, Some(ReportStatus::Returned)), Some(Overdue));
        assert_eq!(on(date(2025, 9, 21), 0, None), None, "no early reminder when N is 0");
        assert_eq!(on(d, 3, Some(ReportStatus::Sent)), None);
        assert_eq!(on(date(2025, 9, 30), 3, Some(ReportStatus::Accepted)), None);
        assert_eq!(on(d, 3, Some(ReportStatus::AwaitingApproval)), Some(DueToday), "the leader still has to send it");
        assert_eq!(deadline_key(Overdue, 1, 2, "2025-09"), "qua_han:1:2:2025-09");
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::from_code(k.code()), Some(k));
        }
        assert!(deadline_text(DueSoon, "Báo cáo Y tế", "Tháng 9/2025", d, date(2025, 9, 19)).contains("còn 3 ngày"));
        assert!(deadline_text(Overdue, "Báo cáo Y tế", "Tháng 9/2025", d, date(2025, 9, 24)).contains("quá hạn gửi 2 ngày (hạn 22/09/2025)"));
    }

    #[test]
    fn digests_say_what_is_late_first() {
        let line = |days: i64| DigestLine {
            regime_name: "Báo cáo y tế".into(),
            period_label: "Tháng 9/2025".into(),
            deadline: date(2025, 9, 22),
            days_to_deadline: days,
            status_label: "Chưa lập".into(),
        };
        assert_eq!(unit_digest("Sở Y tế", date(2025, 9, 24), &[], "http://x"), None);
        let (subject, body) = unit_digest("Sở Y tế", date(2025, 9, 24), &[line(2), line(-2)], "http://x").unwrap();
        assert!(subject.contains("1 báo cáo quá hạn, 1 báo cáo sắp đến hạn"), "{subject}");
        assert!(body.find("QUÁ HẠN").unwrap() < body.find("SẮP ĐẾN HẠN").unwrap());
        assert!(body.contains("quá 2 ngày"));
        assert!(body.contains("còn 2 ngày"));
        let late = [LateUnit { unit_name: "Xã Mường Bú".into(), reports: vec!["A".into(), "B".into()], contacts: "0212 3852 123".into() }];
        let (subject, body) = office_summary(date(2025, 9, 24), &late, "http://x").unwrap();
        assert!(subject.contains("1 đơn vị có 2 báo cáo"), "{subject}");
        assert!(body.contains("1. Xã Mường Bú — liên hệ: 0212 3852 123"));
        assert_eq!(office_summary(date(2025, 9, 24), &[], "x"), None);
    }
}
