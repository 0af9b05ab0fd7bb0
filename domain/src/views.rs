//! The shapes that cross the wire to the browser and the API. Entities never do.

use crate::org::OrgKind;
use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who is signed in, as the pages need to know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub user_id: i32,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_id: i32,
    pub unit_name: String,
    pub must_change_password: bool,
}

impl SessionView {
    pub fn actor(&self) -> crate::Actor {
        crate::Actor { user_id: self.user_id, role: self.role, unit_id: self.unit_id }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i32,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_id: i32,
    pub unit_name: String,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: OrgKind,
    pub parent_id: Option<i32>,
    pub active: bool,
}

/// One page of a longer list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u64 {
        if self.per_page == 0 { 0 } else { self.total.div_ceil(self.per_page) }
    }
}

/// The page a request may have: from 1 to the last page (1 for an empty
/// list). The number comes from the address bar, and the database's offset
/// is `per_page × (page − 1)`, which a huge page would overflow.
pub fn clamp_page(page: u64, total: u64, per_page: u64) -> u64 {
    let last = if per_page == 0 { 1 } else { total.div_ceil(per_page).max(1) };
    page.clamp(1, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requested_page_stays_within_the_list() {
        assert_eq!(clamp_page(0, 45, 20), 1);
        assert_eq!(clamp_page(2, 45, 20), 2);
        assert_eq!(clamp_page(u64::MAX, 45, 20), 3);
        assert_eq!(clamp_page(7, 0, 20), 1);
        assert_eq!(clamp_page(7, 10, 0), 1);
    }

    #[test]
    fn page_count_rounds_up() {
        let p = Page::<u8> { items: vec![], total: 41, page: 1, per_page: 20 };
        assert_eq!(p.page_count(), 3);
        let empty = Page::<u8> { items: vec![], total: 0, page: 1, per_page: 20 };
        assert_eq!(empty.page_count(), 0);
    }
}
