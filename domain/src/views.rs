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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_rounds_up() {
        let p = Page::<u8> { items: vec![], total: 41, page: 1, per_page: 20 };
        assert_eq!(p.page_count(), 3);
        let empty = Page::<u8> { items: vec![], total: 0, page: 1, per_page: 20 };
        assert_eq!(empty.page_count(), 0);
    }
}
