//! Who may do what. Every server function and route asks these questions;
//! keeping the answers here means one matrix, tested once.

use crate::role::Role;
use serde::{Deserialize, Serialize};

/// The authenticated party making a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i32,
    pub role: Role,
    pub unit_id: i32,
}

impl Actor {
    /// Read a unit's reports and figures.
    pub fn can_read_unit(&self, unit_id: i32) -> bool {
        match self.role {
            Role::Clerk | Role::UnitLeader => unit_id == self.unit_id,
            Role::Admin | Role::Reviewer | Role::Leader | Role::Machine => true,
        }
    }

    /// Fill in and send a unit's reports.
    pub fn can_write_unit(&self, unit_id: i32) -> bool {
        self.role == Role::Clerk && unit_id == self.unit_id
    }

    /// Approve a unit's report before it is sent.
    pub fn can_approve_unit(&self, unit_id: i32) -> bool {
        self.role == Role::UnitLeader && unit_id == self.unit_id
    }

    /// Accept or return sent reports, grant entry-window exceptions.
    pub fn can_review(&self) -> bool {
        self.role == Role::Reviewer
    }

    /// Manage accounts and the catalogue.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Province-wide, read-only views (dashboards, aggregates).
    pub fn sees_whole_province(&self) -> bool {
        !self.role.is_unit_bound()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor { user_id: 1, role, unit_id: 10 }
    }

    #[test]
    fn unit_bound_roles_touch_only_their_unit() {
        let clerk = actor(Role::Clerk);
        assert!(clerk.can_read_unit(10));
        assert!(!clerk.can_read_unit(11));
        assert!(clerk.can_write_unit(10));
        assert!(!clerk.can_write_unit(11));
        assert!(!clerk.can_approve_unit(10));

        let head = actor(Role::UnitLeader);
        assert!(head.can_read_unit(10));
        assert!(!head.can_read_unit(11));
        assert!(head.can_approve_unit(10));
        assert!(!head.can_approve_unit(11));
        assert!(!head.can_write_unit(10));
    }

    #[test]
    fn provincial_roles_read_all_but_do_not_fill_reports() {
        for role in [Role::Admin, Role::Reviewer, Role::Leader, Role::Machine] {
            let a = actor(role);
            assert!(a.can_read_unit(999), "{role:?}");
            assert!(!a.can_write_unit(10), "{role:?}");
            assert!(a.sees_whole_province());
        }
        assert!(actor(Role::Reviewer).can_review());
        assert!(!actor(Role::Leader).can_review());
        assert!(actor(Role::Admin).is_admin());
        assert!(!actor(Role::Reviewer).is_admin());
    }
}
