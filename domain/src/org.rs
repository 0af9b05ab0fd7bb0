//! The organisational tree: the province, its groups and the reporting units.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    Province,
    Group,
    Office,
    Department,
    Branch,
    Commune,
    Ward,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] =
        [OrgKind::Province, OrgKind::Group, OrgKind::Office, OrgKind::Department, OrgKind::Branch, OrgKind::Commune, OrgKind::Ward];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Province => "tinh",
            OrgKind::Group => "nhom",
            OrgKind::Office => "van_phong",
            OrgKind::Department => "so_nganh",
            OrgKind::Branch => "nganh_doc",
            OrgKind::Commune => "xa",
            OrgKind::Ward => "phuong",
        }
    }

    pub fn from_code(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Province => "Tỉnh",
            OrgKind::Group => "Nhóm đơn vị",
            OrgKind::Office => "Văn phòng",
            OrgKind::Department => "Sở, ban, ngành",
            OrgKind::Branch => "Ngành dọc",
            OrgKind::Commune => "Xã",
            OrgKind::Ward => "Phường",
        }
    }

    /// Units that send reports (groups and the province only aggregate).
    pub fn is_reporting_unit(self) -> bool {
        !matches!(self, OrgKind::Province | OrgKind::Group)
    }
}

/// The three groups under the province, by their stable codes.
pub const GROUP_DEPARTMENTS: &str = "NHOM_SBN";
pub const GROUP_COMMUNES: &str = "NHOM_XP";
pub const GROUP_BRANCHES: &str = "NHOM_NGANHDOC";
pub const PROVINCE_CODE: &str = "14";
/// The provincial People's Committee office, which receives and reviews reports.
pub const OFFICE_CODE: &str = "VPUBND";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::from_code(k.code()), Some(k));
        }
        assert!(OrgKind::Commune.is_reporting_unit());
        assert!(!OrgKind::Group.is_reporting_unit());
    }
}
