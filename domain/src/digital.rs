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

/// The share of report figures provided as digital data: every pair
/// (indicator, unit) that a regime in force asks for in the period is one
/// figure (a unit asked by two regimes for the same indicator gives it
/// once: the roll-up keeps one source); it is provided when the unit has a
/// figure for the whole period in reports that count. Pairs given without
/// being asked are not counted either way.
pub fn figure_share(indicators: &[FlaggedIndicator]) -> Share {
    let mut s = Share::default();
    for i in indicators {
        s.total += i.expected.len();
        s.provided += i.expected.intersection(&i.reported).count();
    }
    s
}

/// A regime of the catalogue and how far it is on baocao for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegimeCheck {
    pub id: i32,
    pub code: String,
    pub name: String,
    /// A version was published on baocao.
    pub published: bool,
    /// A published version had taken effect by the period's last day.
    pub in_force: bool,
    /// Active reporting units that version binds.
    pub units: usize,
    /// Indicators on that version's form.
    pub indicators: usize,
}

impl RegimeCheck {
    /// None when the regime is on the system for the period; otherwise why not.
    pub fn missing_reason(&self) -> Option<&'static str> {
        if !self.published {
            Some("Chưa ban hành biểu mẫu trên hệ thống")
        } else if !self.in_force {
            Some("Phiên bản đã ban hành chưa có hiệu lực trong kỳ")
        } else if self.units == 0 {
            Some("Chưa giao đơn vị báo cáo")
        } else if self.indicators == 0 {
            Some("Biểu mẫu chưa có chỉ tiêu")
        } else {
            None
        }
    }
}

/// The share of the catalogue's active regimes on the system for a period.
pub fn regime_share(regimes: &[RegimeCheck]) -> Share {
    let mut s = Share::default();
    for r in regimes {
        s.add(r.missing_reason().is_none());
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

    #[test]
    fn figures_are_pairs_of_indicator_and_asked_unit() {
        let list = [ind(1, "y_te", 7, &[1, 2], &[1, 2]), ind(2, "y_te", 7, &[1, 2, 3], &[1, 4]), ind(3, "giao_duc", 8, &[], &[5])];
        // 2 of 2, 1 of 3 (unit 4 was not asked), none asked for 3.
        assert_eq!(figure_share(&list), Share { provided: 3, total: 5 });
        assert_eq!(figure_share(&list).percent(), Some(Dec::from_int(60)));
        assert_eq!(figure_share(&[]).percent(), None);
    }

    #[test]
    fn a_regime_is_on_the_system_when_published_in_force_with_units_and_indicators() {
        let r = |published, in_force, units, indicators| RegimeCheck {
            id: 1,
            code: "R".into(),
            name: String::new(),
            published,
            in_force,
            units,
            indicators,
        };
        let list = [r(true, true, 3, 9), r(false, false, 0, 0), r(true, false, 3, 9), r(true, true, 0, 9), r(true, true, 3, 0)];
        assert_eq!(list[0].missing_reason(), None);
        assert_eq!(list[1].missing_reason(), Some("Chưa ban hành biểu mẫu trên hệ thống"));
        assert_eq!(list[2].missing_reason(), Some("Phiên bản đã ban hành chưa có hiệu lực trong kỳ"));
        assert_eq!(list[3].missing_reason(), Some("Chưa giao đơn vị báo cáo"));
        assert_eq!(list[4].missing_reason(), Some("Biểu mẫu chưa có chỉ tiêu"));
        assert_eq!(regime_share(&list), Share { provided: 1, total: 5 });
        assert!(!regime_share(&list).meets(Dec::from_int(100)));
        assert!(regime_share(&list[..1]).meets(Dec::from_int(100)));
    }
}
