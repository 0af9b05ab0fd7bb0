//! A report's life: draft → (awaiting the unit leader) → sent → accepted or
//! returned. Who may move it, and where to, is decided here once.

use crate::access::Actor;
use crate::role::Role;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportStatus {
    Draft,
    AwaitingApproval,
    Sent,
    Accepted,
    Returned,
}

impl ReportStatus {
    /// How far a report has gone, as the aggregates count it: 0 still in the
    /// unit, 1 sent, 2 accepted (copied onto every value row so a roll-up
    /// needs no join; a change of it is a change of the aggregates).
    pub fn delivery(self) -> i16 {
        match self {
            ReportStatus::Sent => 1,
            ReportStatus::Accepted => 2,
            _ => 0,
        }
    }

    pub const ALL: [ReportStatus; 5] =
        [ReportStatus::Draft, ReportStatus::AwaitingApproval, ReportStatus::Sent, ReportStatus::Accepted, ReportStatus::Returned];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Draft => "nhap",
            ReportStatus::AwaitingApproval => "cho_duyet",
            ReportStatus::Sent => "da_gui",
            ReportStatus::Accepted => "da_tiep_nhan",
            ReportStatus::Returned => "tra_lai",
        }
    }

    pub fn from_code(c: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|s| s.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Draft => "Nháp",
            ReportStatus::AwaitingApproval => "Chờ lãnh đạo duyệt",
            ReportStatus::Sent => "Đã gửi",
            ReportStatus::Accepted => "Đã tiếp nhận",
            ReportStatus::Returned => "Bị trả lại",
        }
    }

    /// The unit's clerk may change figures only in these.
    pub fn is_editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }

    /// Counts as delivered to the province.
    pub fn is_delivered(self) -> bool {
        matches!(self, ReportStatus::Sent | ReportStatus::Accepted)
    }
}

/// Something a person does to a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transition {
    /// The clerk sends (or, where the regime asks, submits for approval).
    Send,
    /// The unit leader approves and so sends.
    Approve,
    /// The unit leader sends it back to the clerk.
    SendBack,
    /// The provincial office accepts it.
    Accept,
    /// The provincial office returns it, with a reason.
    Return,
    /// The provincial office reopens an accepted report.
    Reopen,
}

impl Transition {
    pub fn label(self) -> &'static str {
        match self {
            Transition::Send => "Gửi báo cáo",
            Transition::Approve => "Duyệt và gửi",
            Transition::SendBack => "Trả lại chuyên viên",
            Transition::Accept => "Tiếp nhận",
            Transition::Return => "Trả lại đơn vị",
            Transition::Reopen => "Mở lại để sửa",
        }
    }

    pub fn needs_reason(self) -> bool {
        matches!(self, Transition::SendBack | Transition::Return | Transition::Reopen)
    }
}

/// Whether the actor's role and unit allow the transition at all.
pub fn may(actor: &Actor, report_unit: i32, t: Transition) -> bool {
    match t {
        Transition::Send => actor.can_write_unit(report_unit),
        Transition::Approve | Transition::SendBack => actor.can_approve_unit(report_unit),
        Transition::Accept | Transition::Return | Transition::Reopen => actor.can_review(),
    }
}

/// Where a transition leads from `from`, if the actor may make it.
/// `Err` carries a Vietnamese explanation.
pub fn next_status(actor: &Actor, report_unit: i32, from: ReportStatus, t: Transition, approval_required: bool) -> Result<ReportStatus, String> {
    use ReportStatus::*;
    if !may(actor, report_unit, t) {
        return Err(match actor.role {
            Role::Clerk | Role::UnitLeader if !actor.can_read_unit(report_unit) => "Bạn chỉ làm việc với báo cáo của đơn vị mình.".into(),
            _ => format!("Tài khoản của bạn không được thực hiện thao tác \"{}\".", t.label()),
        });
    }
    let to = match (t, from) {
        (Transition::Send, Draft | Returned) => {
            if approval_required {
                AwaitingApproval
            } else {
                Sent
            }
        }
        (Transition::Approve, AwaitingApproval) => Sent,
        (Transition::SendBack, AwaitingApproval) => Draft,
        (Transition::Accept, Sent) => Accepted,
        (Transition::Return, Sent) => Returned,
        (Transition::Reopen, Accepted) => Returned,
        (_, from) => return Err(format!("Báo cáo đang ở trạng thái \"{}\": không thể \"{}\".", from.label(), t.label().to_lowercase())),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::*;
    use Transition::*;

    fn a(role: Role, unit: i32) -> Actor {
        Actor { user_id: 1, role, unit_id: unit }
    }

    #[test]
    fn the_happy_paths() {
        let clerk = a(Role::Clerk, 5);
        let head = a(Role::UnitLeader, 5);
        let office = a(Role::Reviewer, 1);
        assert_eq!(next_status(&clerk, 5, Draft, Send, false), Ok(Sent));
        assert_eq!(next_status(&clerk, 5, Draft, Send, true), Ok(AwaitingApproval));
        assert_eq!(next_status(&head, 5, AwaitingApproval, Approve, true), Ok(Sent));
        assert_eq!(next_status(&head, 5, AwaitingApproval, SendBack, true), Ok(Draft));
        assert_eq!(next_status(&office, 5, Sent, Accept, false), Ok(Accepted));
        assert_eq!(next_status(&office, 5, Sent, Return, false), Ok(Returned));
        assert_eq!(next_status(&clerk, 5, Returned, Send, false), Ok(Sent));
        assert_eq!(next_status(&office, 5, Accepted, Reopen, false), Ok(Returned));
    }

    #[test]
    fn the_wrong_person_or_the_wrong_moment_is_refused() {
        let clerk = a(Role::Clerk, 5);
        assert!(next_status(&clerk, 6, Draft, Send, false).unwrap_err().contains("đơn vị mình"));
        assert!(next_status(&clerk, 5, Sent, Send, false).unwrap_err().contains("Đã gửi"));
        assert!(next_status(&clerk, 5, AwaitingApproval, Approve, true).is_err());
        assert!(next_status(&a(Role::UnitLeader, 6), 5, AwaitingApproval, Approve, true).is_err());
        assert!(next_status(&a(Role::Leader, 1), 5, Sent, Accept, false).is_err());
        assert!(next_status(&a(Role::Admin, 1), 5, Draft, Send, false).is_err());
        assert!(next_status(&a(Role::Reviewer, 1), 5, Draft, Accept, false).is_err());
        assert!(next_status(&a(Role::Reviewer, 1), 5, Returned, Reopen, false).is_err());
    }

    #[test]
    fn states() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::from_code(s.code()), Some(s));
        }
        assert!(Draft.is_editable() && Returned.is_editable() && !Sent.is_editable());
        assert!(Sent.is_delivered() && Accepted.is_delivered() && !Returned.is_delivered());
        assert!(Return.needs_reason() && !Accept.needs_reason());
    }
}
