//! The scheme's target (QĐ 1836/QĐ-UBND, 2025: 50 %): the share of the
//! provincial statistical indicators provided as digital data through
//! baocao.
//!
//! **Definition.** A provincial statistical indicator (flagged in the
//! catalogue) is *provided as digital data* for a period when
//! 1. at least one published regime on baocao asks some unit for it for that
//!    period (otherwise nobody can provide it through the system), and
//! 2. every unit so asked has a figure for the whole period (its months or
//!    the period itself, by the roll-up's rules) in reports that count: sent
//!    or accepted (or accepted only, by the switch), whether entered in the
//!    form, imported from Excel or sent through the API. Drafts and
//!    unreadable text do not count; a missing unit makes the indicator missing.
//!
//! The share is provided ÷ flagged, for the province, by sector and by
//! owning department, against the administrator's yearly target.

use crate::dec::Dec;
use std::collections::{BTreeMap, BTreeSet};

/// One flagged indicator and who was asked and who gave it, for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlaggedIndicator {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub sector: String,
    pub owner: Option<i32>,
    pub expected: BTreeSet<i32>,
    pub reported: BTreeSet<i32>,
}

impl FlaggedIndicator {
    pub fn provided(&self) -> bool {
        !self.expected.is_empty() && self.expected.is_subset(&self.reported)
    }

    /// Units asked for it that have not given it.
    pub fn owing(&self) -> Vec<i32> {
        self.expected.difference(&self.reported).copied().collect()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub provided: usize,
    pub total: usize,
}

impl Share {
    fn add(&mut self, provided: bool) {
        self.total += 1;
        if provided {
            self.provided += 1;
        }
    }

    /// provided ÷ total × 100, rounded to one decimal (half away from zero);
    /// None when there is nothing to count.
    pub fn percent(&self) -> Option<Dec> {
        if self.total == 0 {
            return None;
        }
        Dec::from_int(self.provided as i64 * 100).checked_div(Dec::from_int(self.total as i64)).ok().map(|d| d.round(1))
    }

    /// Whether the share reaches a target percentage (compared exactly, not rounded).
    pub fn meets(&self, target_percent: Dec) -> bool {
        self.total > 0
            && Dec::from_int(self.provided as i64 * 100) >= target_percent.checked_mul(Dec::from_int(self.total as i64)).unwrap_or(Dec::ZERO)
    }
}

/// The figure for one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub province: Share,
    pub by_sector: BTreeMap<String, Share>,
    pub by_owner: BTreeMap<Option<i32>, Share>,
    /// Indicators not provided, with the units that owe them (empty: no regime asks for it).
    pub missing: Vec<(i32, Vec<i32>)>,
}

pub fn summarize(indicators: &[FlaggedIndicator]) -> Summary {
    let mut s = Summary::default();
    for i in indicators {
        let p = i.provided();
        s.province.add(p);
        s.by_sector.entry(i.sector.clone()).or_default().add(p);
        s.by_owner.entry(i.owner).or_default().add(p);
        if !p {
            s.missing.push((i.id, i.owing()));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(id: i32, sector: &str, owner: i32, expected: &[i32], reported: &[i32]) -> FlaggedIndicator {
        FlaggedIndicator {
            id,
            code: format!("T{id}"),
            name: String::new(),
            sector: sector.into(),
            owner: Some(owner),
            expected: expected.iter().copied().collect(),
            reported: reported.iter().copied().collect(),
        }
    }

    #[test]
    fn provided_needs_every_expected_unit() {
        let list = [
            ind(1, "y_te", 7, &[1, 2], &[1, 2]),
            ind(2, "y_te", 7, &[1, 2], &[1]),
            ind(3, "giao_duc", 8, &[], &[]),
            ind(4, "giao_duc", 8, &[3], &[3, 4]),
        ];
        let s = summarize(&list);
        assert_eq!(s.province, Share { provided: 2, total: 4 });
        assert_eq!(s.province.percent(), Some(Dec::from_int(50)));
        assert!(s.province.meets(Dec::from_int(50)));
        assert!(!s.province.meets(Dec::new(501, 1)));
        assert_eq!(s.by_sector["y_te"], Share { provided: 1, total: 2 });
        assert_eq!(s.by_owner[&Some(8)], Share { provided: 1, total: 2 });
        assert_eq!(s.missing, vec![(2, vec![2]), (3, vec![])]);
        assert_eq!(Share { provided: 1, total: 3 }.percent(), Some(Dec::new(333, 1)));
        assert_eq!(Share::default().percent(), None);
    }
}
