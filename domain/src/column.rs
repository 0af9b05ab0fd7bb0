//! The columns of a report form.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Column {
    /// Thực hiện kỳ này: the only column a unit types in.
    Current,
    /// Cùng kỳ năm trước, from stored data.
    SamePeriodLastYear,
    /// Kỳ trước, from stored data.
    PreviousPeriod,
    /// Lũy kế từ đầu năm: this period plus the earlier ones of the year.
    YearToDate,
    /// So sánh (%): this period against the same period last year (for a
    /// rate, the difference in percentage points).
    Comparison,
    /// Kế hoạch năm: the year's target, from stored data.
    Plan,
    /// % so với kế hoạch: the year-to-date figure against the year's target.
    PlanPercent,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Current,
        Column::SamePeriodLastYear,
        Column::PreviousPeriod,
        Column::YearToDate,
        Column::Comparison,
        Column::Plan,
        Column::PlanPercent,
    ];

    /// The code used in forms, files and rule expressions (`T0101.cung_ky`).
    pub fn code(self) -> &'static str {
        match self {
            Column::Current => "ky_nay",
            Column::SamePeriodLastYear => "cung_ky",
            Column::PreviousPeriod => "ky_truoc",
            Column::YearToDate => "luy_ke",
            Column::Comparison => "so_sanh",
            Column::Plan => "ke_hoach",
            Column::PlanPercent => "so_ke_hoach",
        }
    }

    pub fn from_code(c: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|x| x.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Current => "Thực hiện kỳ này",
            Column::SamePeriodLastYear => "Cùng kỳ năm trước",
            Column::PreviousPeriod => "Kỳ trước",
            Column::YearToDate => "Lũy kế từ đầu năm",
            Column::Comparison => "So sánh (%)",
            Column::Plan => "Kế hoạch năm",
            Column::PlanPercent => "% so với kế hoạch",
        }
    }

    /// Columns holding figures a rule may refer to. The two percentages are
    /// derived; a rule writes them out (`T0101.luy_ke / T0101.ke_hoach * 100`).
    pub fn is_data(self) -> bool {
        !matches!(self, Column::Comparison | Column::PlanPercent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Column::ALL {
            assert_eq!(Column::from_code(c.code()), Some(c));
        }
        assert!(!Column::Comparison.is_data());
        assert!(!Column::PlanPercent.is_data());
        assert!(Column::Plan.is_data());
        assert_eq!(Column::from_code("ke_hoach"), Some(Column::Plan));
        assert_eq!(Column::PlanPercent.label(), "% so với kế hoạch");
    }
}
