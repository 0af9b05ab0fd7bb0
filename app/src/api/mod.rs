//! Server functions, grouped by area. Each one checks who is asking (through
//! `crate::ssr`), calls one `service` use case and maps the error.

pub mod admin;
pub mod aggregate;
pub mod api_tokens;
pub mod auth;
pub mod board;
pub mod catalogue;
pub mod excel;
pub mod notifications;
pub mod reports;
pub mod units;
pub mod webhooks;

/// Parses an id typed or chosen in a form; a missing choice is a field error.
pub fn parse_id(field: &str, raw: &str, message: &str) -> Result<i32, crate::error::AppError> {
    raw.trim().parse::<i32>().ok().filter(|v| *v > 0).ok_or_else(|| crate::error::AppError::Validation(domain::FieldErrors::single(field, message)))
}
