//! Static checks of a rule against the catalogue, run when a rule is saved:
//! every code exists, every part belongs to its indicator, types fit, and
//! the whole expression is a condition.

use super::parser::{BinOp, Expr, ExprKind, Func, Level, spine};
use crate::indicator::ValueType;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the checker needs to know of an indicator.
pub struct CatalogueEntry {
    pub value_type: ValueType,
    pub parts: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckError {
    pub pos: usize,
    pub message: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vị trí {}: {}", self.pos, self.message)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
    Text,
}

fn ty_name(t: Ty) -> &'static str {
    match t {
        Ty::Num => "số",
        Ty::Bool => "đúng/sai",
        Ty::Text => "văn bản",
    }
}

struct Checker<'a> {
    lookup: &'a dyn Fn(&str) -> Option<CatalogueEntry>,
    errors: Vec<CheckError>,
}

impl Checker<'_> {
    fn err(&mut self, pos: usize, message: String) {
        self.errors.push(CheckError { pos, message });
    }

    fn want(&mut self, e: &Expr, want: Ty) {
        let got = self.ty(e);
        self.fits(e.pos, got, want);
    }

    fn fits(&mut self, pos: usize, got: Ty, want: Ty) {
        // Yes/no values count as 1/0 in arithmetic, as in spreadsheets.
        let ok = got == want || (want == Ty::Num && got == Ty::Bool);
        if !ok {
            self.err(pos, format!("Cần giá trị {} nhưng đây là giá trị {}.", ty_name(want), ty_name(got)));
        }
    }

    /// A chain of operators of one level (`A + B - C`), walked without
    /// recursing once per term.
    fn chain(&mut self, e: &Expr) -> Ty {
        let Some((first, rest)) = spine(e) else { return Ty::Num };
        let Some((op, _)) = rest.first() else { return self.ty(first) };
        match op.level() {
            Level::Or | Level::And => {
                self.want(first, Ty::Bool);
                for (_, r) in &rest {
                    self.want(r, Ty::Bool);
                }
                Ty::Bool
            }
            Level::Sum | Level::Product => {
                self.want(first, Ty::Num);
                for (_, r) in &rest {
                    self.want(r, Ty::Num);
                }
                Ty::Num
            }
            Level::Compare => {
                // Comparisons chain only through parentheses: `(A < B) == C`.
                let mut left = self.ty(first);
                for (op, r) in &rest {
                    if matches!(op, BinOp::Eq | BinOp::Ne) {
                        let right = self.ty(r);
                        if (left == Ty::Text) != (right == Ty::Text) {
                            self.err(e.pos, "Không so sánh được văn bản với số hoặc đúng/sai.".into());
                        }
                    } else {
                        self.fits(first.pos, left, Ty::Num);
                        self.want(r, Ty::Num);
                    }
                    left = Ty::Bool;
                }
                Ty::Bool
            }
        }
    }

    fn ty(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Num(_) => Ty::Num,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Str(_) => Ty::Text,
            ExprKind::Ref(r) => match (self.lookup)(&r.code) {
                None => {
                    self.err(e.pos, format!("Không có chỉ tiêu mã {} trong danh mục.", r.code));
                    Ty::Num
                }
                Some(entry) => {
                    if let Some(p) = &r.part
                        && !entry.parts.contains(p)
                    {
                        let known = if entry.parts.is_empty() {
                            "không có phân tổ".to_string()
                        } else {
                            format!("có các phần: {}", entry.parts.join(", "))
                        };
                        self.err(e.pos, format!("Chỉ tiêu {} không có phần phân tổ \"{p}\" ({known}).", r.code));
                    }
                    match entry.value_type {
                        ValueType::Text => Ty::Text,
                        ValueType::YesNo => Ty::Bool,
                        _ => Ty::Num,
                    }
                }
            },
            ExprKind::Neg(a) => {
                self.want(a, Ty::Num);
                Ty::Num
            }
            ExprKind::Not(a) => {
                self.want(a, Ty::Bool);
                Ty::Bool
            }
            ExprKind::Bin(..) => self.chain(e),
            ExprKind::Call(f, args) => match f {
                Func::If => {
                    self.want(&args[0], Ty::Bool);
                    let (x, y) = (self.ty(&args[1]), self.ty(&args[2]));
                    if x != y {
                        self.err(args[2].pos, "Hai nhánh của if phải cùng loại giá trị.".into());
                    }
                    x
                }
                Func::Abs | Func::Min | Func::Max | Func::Round => {
                    for a in args {
                        self.want(a, Ty::Num);
                    }
                    Ty::Num
                }
            },
        }
    }
}

/// Every problem of a parsed rule, by position; empty when the rule is sound.
pub fn check(expr: &Expr, lookup: &dyn Fn(&str) -> Option<CatalogueEntry>) -> Vec<CheckError> {
    let mut c = Checker { lookup, errors: Vec::new() };
    let t = c.ty(expr);
    if t != Ty::Bool && c.errors.is_empty() {
        c.err(expr.pos, "Quy tắc phải là một điều kiện đúng/sai, ví dụ T0102 + T0103 == T0101.".into());
    }
    c.errors
}
