//! Validation rules: expressions over indicator codes and columns, such as
//! `T0102 + T0103 == T0101`, `H0301 >= H0302`, `T0501 <= 100` or
//! `if(T0601 > 0; T0602 > 0; true)`. One engine, in pure Rust: the server
//! checks with it at every save and send, the browser as the user types.
//!
//! Syntax, as a Vietnamese-locale spreadsheet writes it:
//! - numbers exactly as in a form cell ([`crate::numfmt`]): `1.000` is one
//!   thousand, `0,5` a half, `1,5E+03` fifteen hundred; `1,000` is refused
//!   as ambiguous;
//! - `CODE`, `CODE[part]` (a breakdown part), `CODE.column` (`ky_nay`,
//!   `cung_ky`, `ky_truoc`, `luy_ke`, `ke_hoach`);
//! - `+ - * /`; `== != < <= > >=` (also `=` and `<>`); `and or not` (also
//!   `&& || !`, `và hoặc`);
//! - functions with arguments separated by `;`: `if(c; a; b)`, `abs(x)`,
//!   `min(a; b; …)`, `max(a; b; …)`, `round(x; n)`. The old `,` separator is
//!   refused with the rule rewritten; [`rewrite_legacy`] migrates stored rules.
//!
//! Expressions are at most [`MAX_EXPR_CHARS`] characters and
//! [`MAX_DEPTH`] levels deep, so checking and evaluating them is bounded.

mod check;
mod eval;
mod lexer;
mod parser;
mod samples;

pub use check::{CatalogueEntry, CheckError, check};
pub use eval::{Outcome, RVal, evaluate};
pub use parser::{BinOp, Expr, ExprKind, Func, MAX_DEPTH, MAX_EXPR_CHARS, ParseError, Ref, parse, rewrite_legacy};
pub use samples::{parse_samples, ref_key};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Blocks sending.
    Error,
    /// Sending needs a written explanation.
    Warning,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "loi",
            Severity::Warning => "canh_bao",
        }
    }

    pub fn from_code(c: &str) -> Option<Severity> {
        [Severity::Error, Severity::Warning].into_iter().find(|s| s.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "Lỗi (chặn gửi)",
            Severity::Warning => "Cảnh báo (cần giải trình)",
        }
    }
}

/// What to do when values a rule refers to are missing (as in DHIS2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MissingStrategy {
    /// Skip the rule if any value it refers to is missing.
    SkipIfAnyMissing,
    /// Skip only if all are missing; otherwise missing values count as 0.
    SkipIfAllMissing,
    /// Always evaluate; missing values count as 0 (false, empty text).
    NeverSkip,
}

impl MissingStrategy {
    pub const ALL: [MissingStrategy; 3] = [MissingStrategy::SkipIfAnyMissing, MissingStrategy::SkipIfAllMissing, MissingStrategy::NeverSkip];

    pub fn code(self) -> &'static str {
        match self {
            MissingStrategy::SkipIfAnyMissing => "bo_qua_neu_thieu",
            MissingStrategy::SkipIfAllMissing => "bo_qua_neu_thieu_het",
            MissingStrategy::NeverSkip => "luon_kiem_tra",
        }
    }

    pub fn from_code(c: &str) -> Option<MissingStrategy> {
        MissingStrategy::ALL.into_iter().find(|m| m.code() == c)
    }

    pub fn label(self) -> &'static str {
        match self {
            MissingStrategy::SkipIfAnyMissing => "Bỏ qua nếu thiếu bất kỳ số liệu nào",
            MissingStrategy::SkipIfAllMissing => "Bỏ qua nếu thiếu tất cả số liệu",
            MissingStrategy::NeverSkip => "Luôn kiểm tra (số liệu thiếu tính là 0)",
        }
    }
}

/// A rule as the catalogue stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDef {
    pub expression: String,
    pub message: String,
    pub severity: Severity,
    pub missing: MissingStrategy,
}

#[cfg(test)]
mod tests;
