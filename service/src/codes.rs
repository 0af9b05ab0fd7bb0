//! Reading the short codes stored in status and type columns. An unknown
//! code is an error with the column's name, never a silent default: a
//! figure read as the wrong type, or a report in a made-up state, would be
//! worse than a refusal. (The database refuses such values too; see
//! migration m0005.)

use crate::{Result, ServiceError};

pub fn decode<T>(value: &str, from_code: impl Fn(&str) -> Option<T>, column: &str) -> Result<T> {
    from_code(value).ok_or_else(|| ServiceError::Internal(format!("{column}: unknown code {value:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::indicator::ValueType;

    #[test]
    fn unknown_codes_are_errors_naming_the_column() {
        assert_eq!(decode("so_nguyen", ValueType::from_code, "indicator.value_type").unwrap(), ValueType::Integer);
        let e = decode("integer", ValueType::from_code, "indicator.value_type").unwrap_err().to_string();
        assert!(e.contains("indicator.value_type") && e.contains("integer"), "{e}");
    }
}
