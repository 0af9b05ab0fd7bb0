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
    /// So sánh (%): this period against the same period last year.
    Comparison,
}

impl Column {
    pub const ALL: [Column; 5] =
        [Column::Current, Column::SamePeriodLastYear, Column::PreviousPeriod, Column::YearToDate, Column::Comparison];

    /// The code used in forms, files and rule expressions (`T0101.cung_ky`).
    pub fn code(self) -> &'static str {
        match self {
            Column::Current => "ky_nay",
            Column::SamePeriodLastYear => "cung_ky",
            Column::PreviousPeriod => "ky_truoc",
            Column::YearToDate => "luy_ke",
            Column::Comparison => "so_sanh",
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
        }
    }

    /// Columns holding figures a rule may refer to (comparison is derived).
    pub fn is_data(self) -> bool {
        self != Column::Comparison
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
    }
}
