use serde::{Deserialize, Serialize};

/// What a person (or machine) may do in baocao. Stored by [`Role::code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Clerk,
    UnitLeader,
    Reviewer,
    Leader,
    Machine,
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Admin, Role::Clerk, Role::UnitLeader, Role::Reviewer, Role::Leader, Role::Machine];

    /// Stable code for the database, the API and forms.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clerk => "clerk",
            Role::UnitLeader => "unit_leader",
            Role::Reviewer => "reviewer",
            Role::Leader => "leader",
            Role::Machine => "machine",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Clerk => "Chuyên viên báo cáo",
            Role::UnitLeader => "Lãnh đạo đơn vị",
            Role::Reviewer => "Chuyên viên Văn phòng UBND tỉnh",
            Role::Leader => "Lãnh đạo UBND tỉnh",
            Role::Machine => "Máy khách (API)",
        }
    }

    /// Roles bound to one reporting unit: they act only for it.
    pub fn is_unit_bound(self) -> bool {
        matches!(self, Role::Clerk | Role::UnitLeader)
    }

    /// Machine clients authenticate with API tokens, never with the sign-in page.
    pub fn can_sign_in_interactively(self) -> bool {
        !matches!(self, Role::Machine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        let mut codes: Vec<_> = Role::ALL.iter().map(|r| r.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Role::ALL.len());
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn only_clerks_and_unit_leaders_are_unit_bound() {
        let bound: Vec<_> = Role::ALL.into_iter().filter(|r| r.is_unit_bound()).collect();
        assert_eq!(bound, vec![Role::Clerk, Role::UnitLeader]);
        assert!(!Role::Machine.can_sign_in_interactively());
        assert!(Role::Leader.can_sign_in_interactively());
    }
}
