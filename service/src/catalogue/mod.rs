//! The catalogue: indicators, breakdowns, report regimes and holidays.
//! Everyone signed in may read it; only administrators change it.

pub mod breakdowns;
pub mod holidays;
pub mod imports;
pub mod indicators;
pub mod plans;
pub mod regimes;
pub mod transfer;
pub mod xlsx;

use crate::ServiceError;
use domain::views::Page;

/// One page of an in-memory list (catalogue lists are hundreds of rows, and
/// filtering in Rust gives diacritic-insensitive Vietnamese search).
pub(crate) fn paginate<T>(items: Vec<T>, page: u64, per_page: u64) -> Page<T> {
    let total = items.len() as u64;
    let page = page.max(1);
    let items = items.into_iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).collect();
    Page { items, total, page, per_page }
}

pub(crate) fn json_err(what: &str, e: serde_json::Error) -> ServiceError {
    ServiceError::Internal(format!("{what}: {e}"))
}
