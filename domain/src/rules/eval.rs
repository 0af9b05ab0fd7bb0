use super::parser::{BinOp, Expr, ExprKind, Func, Ref};
use super::MissingStrategy;
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
            V::Text(_) => Err("không thể tính toán với giá trị văn bản".into()),
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

fn dec_err(e: DecError) -> String {
    match e {
        DecError::DivisionByZero => "phép chia cho 0".into(),
        DecError::Overflow => "số quá lớn".into(),
    }
}

struct Env<'a> {
    values: HashMap<&'a Ref, Option<RVal>>,
}

impl Env<'_> {
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
            ExprKind::Neg(a) => V::Num(self.eval(a)?.num()?.neg()),
            ExprKind::Not(a) => V::Bool(!self.eval(a)?.truth()?),
            ExprKind::Bin(op, a, b) => self.binary(*op, a, b)?,
            ExprKind::Call(f, args) => self.call(*f, args)?,
        })
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr) -> Result<V, String> {
        match op {
            BinOp::And => return Ok(V::Bool(self.eval(a)?.truth()? && self.eval(b)?.truth()?)),
            BinOp::Or => return Ok(V::Bool(self.eval(a)?.truth()? || self.eval(b)?.truth()?)),
            _ => {}
        }
        let (x, y) = (self.eval(a)?, self.eval(b)?);
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            let eq = match (&x, &y) {
                (V::Text(s), V::Text(t)) => s == t,
                (V::Text(s), V::Missing) | (V::Missing, V::Text(s)) => s.is_empty(),
                (V::Bool(p), V::Bool(q)) => p == q,
                _ => x.num()? == y.num()?,
            };
            return Ok(V::Bool(if op == BinOp::Eq { eq } else { !eq }));
        }
        let (x, y) = (x.num()?, y.num()?);
        Ok(match op {
            BinOp::Add => V::Num(x.checked_add(y).map_err(dec_err)?),
            BinOp::Sub => V::Num(x.checked_sub(y).map_err(dec_err)?),
            BinOp::Mul => V::Num(x.checked_mul(y).map_err(dec_err)?),
            BinOp::Div => V::Num(x.checked_div(y).map_err(dec_err)?),
            BinOp::Lt => V::Bool(x < y),
            BinOp::Le => V::Bool(x <= y),
            BinOp::Gt => V::Bool(x > y),
            BinOp::Ge => V::Bool(x >= y),
            BinOp::Eq | BinOp::Ne | BinOp::And | BinOp::Or => unreachable!("handled above"),
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
            Func::Abs => Ok(V::Num(self.eval(&args[0])?.num()?.abs())),
            Func::Min | Func::Max => {
                let mut best: Option<Dec> = None;
                for a in args {
                    let v = self.eval(a)?.num()?;
                    best = Some(match best {
                        None => v,
                        Some(b) if (f == Func::Min) == (v < b) => v,
                        Some(b) => b,
                    });
                }
                Ok(V::Num(best.unwrap_or(Dec::ZERO)))
            }
            Func::Round => {
                let v = self.eval(&args[0])?.num()?;
                let places = self.eval(&args[1])?.num()?;
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
