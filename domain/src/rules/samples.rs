//! Sample values for the "try this rule" box: `T0101 = 1.234; T0102[nu] = 600`.

use super::eval::RVal;
use super::parser::Ref;
use crate::column::Column;
use crate::indicator::{IndicatorSpec, Value};
use std::collections::HashMap;

/// Reads `REF = value` pairs separated by `;` or new lines. Values are read
/// as the indicator's type, in Vietnamese notation (`1.234,5`, `Có`).
pub fn parse_samples(text: &str, spec: &dyn Fn(&str) -> Option<IndicatorSpec>) -> Result<HashMap<Ref, RVal>, String> {
    let mut out = HashMap::new();
    for item in text.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let (lhs, rhs) = item.split_once('=').ok_or_else(|| format!("\"{item}\": viết dạng MÃ = giá trị, ví dụ T0101 = 1.234."))?;
        let expr = super::parse(lhs.trim()).map_err(|e| format!("\"{}\": {}", lhs.trim(), e.message))?;
        let super::ExprKind::Ref(r) = expr.kind else {
            return Err(format!("\"{}\": bên trái dấu = phải là một mã chỉ tiêu.", lhs.trim()));
        };
        let s = spec(&r.code).ok_or_else(|| format!("Không có chỉ tiêu mã {}.", r.code))?;
        // Bounds are for typed-in figures of this period; samples may test any value.
        let unbounded = IndicatorSpec { min: None, max: None, ..s.clone() };
        let v = unbounded.parse_input(rhs).map_err(|m| format!("{r}: {m}"))?;
        if let Some(v) = v {
            let rv = match v {
                Value::Text(t) => RVal::Text(t),
                Value::Bool(b) => RVal::Bool(b),
                other => RVal::Num(s.as_dec(&other).unwrap_or(crate::dec::Dec::ZERO)),
            };
            out.insert(r, rv);
        }
    }
    Ok(out)
}

/// A reference's key as the samples box and the forms write it.
pub fn ref_key(code: &str, part: Option<&str>, column: Column) -> Ref {
    Ref { code: code.to_string(), part: part.map(str::to_string), column }
}
