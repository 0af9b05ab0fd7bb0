//! Exact decimal arithmetic for rule evaluation and aggregation: a value is
//! `mantissa × 10^-scale`. Sums and comparisons are exact; division rounds
//! half away from zero at `DIV_SCALE` places.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Dec {
    mantissa: i128,
    scale: u32,
}

pub const DIV_SCALE: u32 = 12;
const MAX_SCALE: u32 = 18;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecError {
    DivisionByZero,
    Overflow,
}

fn p10(n: u32) -> Option<i128> {
    10_i128.checked_pow(n)
}

impl Dec {
    pub const ZERO: Dec = Dec { mantissa: 0, scale: 0 };

    pub fn new(mantissa: i128, scale: u32) -> Dec {
        Dec { mantissa, scale }.normalized()
    }

    pub fn from_int(v: i64) -> Dec {
        Dec { mantissa: v as i128, scale: 0 }
    }

    /// From a stored scaled integer (value × 10^scale).
    pub fn from_scaled(v: i64, scale: u8) -> Dec {
        Dec::new(v as i128, scale as u32)
    }

    /// Back to a scaled integer at `scale`, rounding half away from zero.
    pub fn to_scaled(self, scale: u8) -> Option<i64> {
        let r = self.round(scale as u32);
        let target = scale as u32;
        let m = if r.scale < target { r.mantissa.checked_mul(p10(target - r.scale)?)? } else { r.mantissa };
        i64::try_from(m).ok()
    }

    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }

    fn normalized(mut self) -> Dec {
        if self.mantissa == 0 {
            return Dec::ZERO;
        }
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }

    fn aligned(a: Dec, b: Dec) -> Option<(i128, i128, u32)> {
        let s = a.scale.max(b.scale);
        Some((a.mantissa.checked_mul(p10(s - a.scale)?)?, b.mantissa.checked_mul(p10(s - b.scale)?)?, s))
    }

    pub fn checked_add(self, o: Dec) -> Result<Dec, DecError> {
        let (a, b, s) = Dec::aligned(self, o).ok_or(DecError::Overflow)?;
        Ok(Dec::new(a.checked_add(b).ok_or(DecError::Overflow)?, s))
    }

    pub fn checked_sub(self, o: Dec) -> Result<Dec, DecError> {
        let (a, b, s) = Dec::aligned(self, o).ok_or(DecError::Overflow)?;
        Ok(Dec::new(a.checked_sub(b).ok_or(DecError::Overflow)?, s))
    }

    pub fn checked_mul(self, o: Dec) -> Result<Dec, DecError> {
        let m = self.mantissa.checked_mul(o.mantissa).ok_or(DecError::Overflow)?;
        let d = Dec::new(m, self.scale.saturating_add(o.scale));
        Ok(if d.scale > MAX_SCALE { d.round(MAX_SCALE) } else { d })
    }

    pub fn checked_div(self, o: Dec) -> Result<Dec, DecError> {
        if o.mantissa == 0 {
            return Err(DecError::DivisionByZero);
        }
        // self/o = (a / 10^sa) / (b / 10^sb); scale the numerator so the
        // quotient has DIV_SCALE + 1 places, then round once.
        let extra = (DIV_SCALE + 1).checked_add(o.scale).ok_or(DecError::Overflow)?;
        let (num, shift) = if extra >= self.scale {
            (self.mantissa.checked_mul(p10(extra - self.scale).ok_or(DecError::Overflow)?).ok_or(DecError::Overflow)?, 0)
        } else {
            (self.mantissa, self.scale - extra)
        };
        let q = num / o.mantissa;
        let d = Dec { mantissa: q, scale: DIV_SCALE + 1 + shift };
        Ok(d.round(DIV_SCALE))
    }

    pub fn abs(self) -> Dec {
        Dec { mantissa: self.mantissa.saturating_abs(), scale: self.scale }
    }

    /// Rounds half away from zero to at most `places` decimals.
    pub fn round(self, places: u32) -> Dec {
        if self.scale <= places {
            return self;
        }
        let Some(div) = p10(self.scale - places) else { return Dec::ZERO };
        let q = self.mantissa / div;
        let r = self.mantissa % div;
        let q = if r.abs() * 2 >= div { q + self.mantissa.signum() } else { q };
        Dec::new(q, places)
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }

    /// Parses a literal written with a dot as decimal point (`12.5`, `-3`).
    pub fn parse_literal(s: &str) -> Option<Dec> {
        let (neg, body) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (i, f) = body.split_once('.').unwrap_or((body, ""));
        if (i.is_empty() && f.is_empty()) || !i.chars().chain(f.chars()).all(|c| c.is_ascii_digit()) || f.len() > MAX_SCALE as usize {
            return None;
        }
        let digits = format!("{i}{f}");
        let m: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        Some(Dec::new(if neg { -m } else { m }, f.len() as u32))
    }
}

/// Saturates at the one mantissa (`i128::MIN`) whose negation does not fit.
impl std::ops::Neg for Dec {
    type Output = Dec;

    fn neg(self) -> Dec {
        Dec { mantissa: self.mantissa.saturating_neg(), scale: self.scale }
    }
}

impl PartialEq for Dec {
    fn eq(&self, o: &Dec) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Dec {}

impl PartialOrd for Dec {
    fn partial_cmp(&self, o: &Dec) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Dec {
    fn cmp(&self, o: &Dec) -> Ordering {
        match Dec::aligned(*self, *o) {
            Some((a, b, _)) => a.cmp(&b),
            // Only astronomically different magnitudes overflow: compare as floats.
            None => self.to_f64().partial_cmp(&o.to_f64()).unwrap_or(Ordering::Equal),
        }
    }
}

/// Plain notation with a dot (`1234.5`), as in rule expressions.
impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs().to_string();
        let s = self.scale as usize;
        let padded = format!("{abs:0>width$}", width = s + 1);
        let (i, frac) = padded.split_at(padded.len() - s);
        write!(f, "{sign}{i}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse_literal(s).unwrap()
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(d("0.1").checked_add(d("0.2")).unwrap(), d("0.3"));
        assert_eq!(d("1.50").checked_sub(d("0.5")).unwrap(), d("1"));
        assert_eq!(d("2.5").checked_mul(d("4")).unwrap(), d("10"));
        assert_eq!(d("1").checked_div(d("3")).unwrap().to_string(), "0.333333333333");
        assert_eq!(d("2").checked_div(d("3")).unwrap().to_string(), "0.666666666667");
        assert_eq!(d("10").checked_div(d("4")).unwrap(), d("2.5"));
        assert_eq!(d("-7").checked_div(d("2")).unwrap(), d("-3.5"));
        assert_eq!(d("1").checked_div(d("0")), Err(DecError::DivisionByZero));
        assert_eq!(d("12.345").round(2), d("12.35"));
        assert_eq!(d("-12.345").round(2), d("-12.35"));
        assert!(d("3.10") == d("3.1"));
        assert!(d("-1") < d("0.001"));
    }

    #[test]
    fn scaled_round_trip() {
        assert_eq!(Dec::from_scaled(12345, 2).to_string(), "123.45");
        assert_eq!(Dec::from_scaled(12345, 2).to_scaled(2), Some(12345));
        assert_eq!(Dec::from_scaled(12345, 2).to_scaled(1), Some(1235));
        assert_eq!(Dec::from_scaled(5, 0).to_scaled(3), Some(5000));
        assert_eq!(Dec::parse_literal("abc"), None);
        assert_eq!(Dec::parse_literal("-0.05").unwrap().to_string(), "-0.05");
        assert_eq!(Dec::parse_literal(".5").unwrap().to_string(), "0.5");
    }
}
