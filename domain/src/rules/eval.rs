use super::MissingStrategy;
use super::parser::{BinOp, Expr, ExprKind, Func, Level, Ref, spine};
use crate::dec::{Dec, DecError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A value a rule can see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RVal {
    Num(Dec),
    Bool(bool),
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Pass,
    Fail,
    /// Not evaluated: values were missing and the rule's strategy says skip.
    Skipped,
    /// Could not be evaluated (for example a division by zero).
    Error(String),
}

#[derive(Clone, Debug)]
enum V {
    Num(Dec),
    Bool(bool),
    Text(String),
    /// A missing value under a strategy that evaluates anyway: 0, false or "".
    Missing,
}

impl V {
    fn num(self) -> Result<Dec, String> {
        match self {
            V::Num(d) => Ok(d),
            V::Missing => Ok(Dec::ZERO),
            V::Bool(b) => Ok(Dec::from_int(b as i64)),
            V::Text(_) => Err("không tính toán được với giá trị văn bản".into()),
        }
    }

    fn truth(self) -> Result<bool, String> {
        match self {
            V::Bool(b) => Ok(b),
            V::Missing => Ok(false),
            V::Num(d) => Ok(!d.is_zero()),
            V::Text(_) => Err("giá trị văn bản không phải điều kiện đúng/sai".into()),
        }
    }
}

struct Env<'a> {
    values: HashMap<&'a Ref, Option<RVal>>,
}

impl Env<'_> {
    /// Why a division had a zero divisor, naming the figure when there is one.
    fn zero_divisor(&self, divisor: &Expr) -> String {
        match &divisor.kind {
            ExprKind::Ref(r) => match self.values.get(r) {
                Some(Some(_)) => format!("chia cho 0 ({r} bằng 0)"),
                _ => format!("chia cho 0 ({r} chưa có số liệu, được tính là 0)"),
            },
            _ => "chia cho 0 (số chia bằng 0)".into(),
        }
    }

    fn dec_err(&self, e: DecError, divisor: &Expr) -> String {
        match e {
            DecError::DivisionByZero => self.zero_divisor(divisor),
            DecError::Overflow => "kết quả tính toán quá lớn".into(),
        }
    }

    /// A number, or why the operand is not one (naming a text indicator).
    fn num_of(&self, v: V, e: &Expr) -> Result<Dec, String> {
        v.num().map_err(|m| match &e.kind {
            ExprKind::Ref(r) => format!("{m} ({r} là văn bản)"),
            _ => m,
        })
    }

    fn eval(&self, e: &Expr) -> Result<V, String> {
        Ok(match &e.kind {
            ExprKind::Num(d) => V::Num(*d),
            ExprKind::Bool(b) => V::Bool(*b),
            ExprKind::Str(s) => V::Text(s.clone()),
            ExprKind::Ref(r) => match self.values.get(r).cloned().flatten() {
                Some(RVal::Num(d)) => V::Num(d),
                Some(RVal::Bool(b)) => V::Bool(b),
                Some(RVal::Text(t)) => V::Text(t),
                None => V::Missing,
            },
            ExprKind::Neg(a) => V::Num(Dec::ZERO.checked_sub(self.num_of(self.eval(a)?, a)?).map_err(|e| self.dec_err(e, a))?),
            ExprKind::Not(a) => V::Bool(!self.eval(a)?.truth()?),
            ExprKind::Bin(..) => self.chain(e)?,
            ExprKind::Call(f, args) => self.call(*f, args)?,
        })
    }

    /// A chain of one level's operators, folded left to right in a loop:
    /// `A + B + … + Z` does not recurse once per term.
    fn chain(&self, e: &Expr) -> Result<V, String> {
        let Some((first, rest)) = spine(e) else { return Err("biểu thức không hợp lệ".into()) };
        let Some((op, _)) = rest.first() else { return self.eval(first) };
        match op.level() {
            Level::And | Level::Or => {
                // Lazy, as `if` is: `B > 0 and A / B > 1` never divides by zero.
                let stop_at = op.level() == Level::Or;
                let mut acc = self.eval(first)?.truth()?;
                for (_, r) in &rest {
                    if acc == stop_at {
                        break;
                    }
                    acc = self.eval(r)?.truth()?;
                }
                Ok(V::Bool(acc))
            }
            _ => {
                let mut acc = self.eval(first)?;
                let mut acc_expr = first;
                for (op, r) in &rest {
                    acc = self.binary(*op, acc, acc_expr, r)?;
                    acc_expr = e;
                }
                Ok(acc)
            }
        }
    }

    fn binary(&self, op: BinOp, x: V, a: &Expr, b: &Expr) -> Result<V, String> {
        let y = self.eval(b)?;
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            let eq = match (&x, &y) {
                (V::Text(s), V::Text(t)) => s == t,
                (V::Text(s), V::Missing) | (V::Missing, V::Text(s)) => s.is_empty(),
                (V::Bool(p), V::Bool(q)) => p == q,
                _ => self.num_of(x, a)? == self.num_of(y, b)?,
            };
            return Ok(V::Bool(if op == BinOp::Eq { eq } else { !eq }));
        }
        let (x, y) = (self.num_of(x, a)?, self.num_of(y, b)?);
        Ok(match op {
            BinOp::Add => V::Num(x.checked_add(y).map_err(|e| self.dec_err(e, b))?),
            BinOp::Sub => V::Num(x.checked_sub(y).map_err(|e| self.dec_err(e, b))?),
            BinOp::Mul => V::Num(x.checked_mul(y).map_err(|e| self.dec_err(e, b))?),
            BinOp::Div => V::Num(x.checked_div(y).map_err(|e| self.dec_err(e, b))?),
            BinOp::Lt => V::Bool(x < y),
            BinOp::Le => V::Bool(x <= y),
            BinOp::Gt => V::Bool(x > y),
            BinOp::Ge => V::Bool(x >= y),
            BinOp::Eq | BinOp::Ne | BinOp::And | BinOp::Or => return Err("phép toán không hợp lệ ở đây".into()),
        })
    }

    fn call(&self, f: Func, args: &[Expr]) -> Result<V, String> {
        match f {
            Func::If => {
                if self.eval(&args[0])?.truth()? {
                    self.eval(&args[1])
                } else {
                    self.eval(&args[2])
                }
            }
            Func::Abs => Ok(V::Num(self.num_of(self.eval(&args[0])?, &args[0])?.abs())),
            Func::Min | Func::Max => {
                let mut best: Option<Dec> = None;
                for a in args {
                    let v = self.num_of(self.eval(a)?, a)?;
                    best = Some(match best {
                        None => v,
                        Some(b) if (f == Func::Min) == (v < b) => v,
                        Some(b) => b,
                    });
                }
                Ok(V::Num(best.unwrap_or(Dec::ZERO)))
            }
            Func::Round => {
                let v = self.num_of(self.eval(&args[0])?, &args[0])?;
                let places = self.num_of(self.eval(&args[1])?, &args[1])?;
                let p = places.to_scaled(0).filter(|p| (0..=12).contains(p)).ok_or("số chữ số của round phải từ 0 đến 12")?;
                Ok(V::Num(v.round(p as u32)))
            }
        }
    }
}

/// Evaluates a rule against the values `lookup` finds (`None` = missing).
pub fn evaluate(expr: &Expr, missing: MissingStrategy, lookup: &dyn Fn(&Ref) -> Option<RVal>) -> Outcome {
    let refs = expr.refs();
    let values: HashMap<&Ref, Option<RVal>> = refs.iter().map(|r| (r, lookup(r))).collect();
    let absent = values.values().filter(|v| v.is_none()).count();
    let skip = match missing {
        MissingStrategy::SkipIfAnyMissing => absent > 0,
        MissingStrategy::SkipIfAllMissing => !refs.is_empty() && absent == refs.len(),
        MissingStrategy::NeverSkip => false,
    };
    if skip {
        return Outcome::Skipped;
    }
    match (Env { values }).eval(expr) {
        Ok(V::Bool(true)) => Outcome::Pass,
        Ok(V::Bool(false)) => Outcome::Fail,
        Ok(_) => Outcome::Error("biểu thức không cho kết quả đúng/sai".into()),
        Err(e) => Outcome::Error(e),
    }
}
