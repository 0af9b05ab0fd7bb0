//! Sector software sending a report's figures through the API: only for
//! units its token names, through the same save as the form (one
//! transaction, every change audited with source "API").

use super::ApiClient;
use crate::reports::entry::{check_open, save_loaded};
use crate::reports::store::{figures_of, load_values};
use crate::reports::{Changes, Saved, Source};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::dec::Dec;
use domain::dhis2::Literal;
use domain::figures::CellKey;
use domain::indicator::{IndicatorSpec, Value, ValueType};
use domain::{Actor, FieldErrors, Role};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};

/// What a client sends: the cells it changes (a cell not named keeps its
/// figure; `null` clears it), and the report's `row_version` it read.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct ValuesIn {
    pub row_version: i32,
    /// Kept as sent: a number's literal text is read exactly, never
    /// through a binary floating-point number.
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, Box<RawValue>>,
}

/// Reads one value sent by a machine: numbers as JSON numbers or exact
/// decimal strings with a dot ("1234.5"), yes/no as booleans, dates as
/// "YYYY-MM-DD", text as a string. A JSON number is read from its literal
/// text, so `123456789012345.68` is kept exactly or refused, never rounded.
pub fn read_api_value(spec: &IndicatorSpec, raw: &RawValue) -> std::result::Result<Option<Value>, String> {
    use serde_json::Value as J;
    let literal = raw.get().trim();
    let v: J = serde_json::from_str(literal).map_err(|_| "giá trị JSON không hợp lệ".to_string())?;
    let lit = match v {
        J::Null => Literal::Null,
        J::Bool(b) => Literal::Bool(b),
        J::Number(_) => Literal::Number(literal.to_string()),
        J::String(s) => Literal::Text(s),
        J::Array(_) | J::Object(_) => return Err(expected(spec).into()),
    };
    read_literal(spec, &lit)
}

/// What a value of the indicator's type must look like.
fn expected(spec: &IndicatorSpec) -> &'static str {
    match spec.value_type {
        ValueType::Integer | ValueType::Decimal | ValueType::Percent => "cần một số (ví dụ 1234.5)",
        ValueType::YesNo => "cần true hoặc false",
        ValueType::Date => "cần ngày dạng YYYY-MM-DD",
        ValueType::Text => "cần một chuỗi văn bản",
    }
}

/// Reads one machine literal (the API's JSON value, a DHIS2 data value)
/// against its indicator: the one reading both edges share. A number is
/// read from its literal text ([`Dec::parse_literal`], dot decimal), never
/// through a binary floating-point number.
pub fn read_literal(spec: &IndicatorSpec, lit: &Literal) -> std::result::Result<Option<Value>, String> {
    let value = match (spec.value_type, lit) {
        (_, Literal::Null) => return Ok(None),
        (ValueType::Integer | ValueType::Decimal | ValueType::Percent, Literal::Number(t) | Literal::Text(t)) => {
            let text = t.trim();
            let d = Dec::parse_literal(text)
                .ok_or_else(|| format!("«{}» không phải số viết với dấu chấm thập phân (ví dụ 1234.5)", text.chars().take(40).collect::<String>()))?;
            let scale = spec.effective_scale();
            if d.round(scale as u32) != d {
                return Err(format!("chỉ được {scale} chữ số thập phân"));
            }
            Value::Num(d.to_scaled(scale).ok_or("số quá lớn")?)
        }
        (ValueType::YesNo, Literal::Bool(b)) => Value::Bool(*b),
        (ValueType::Date, Literal::Text(s)) => Value::Date(
            chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| format!("«{}» không phải ngày dạng YYYY-MM-DD", s.chars().take(40).collect::<String>()))?,
        ),
        (ValueType::Text, Literal::Text(s)) => {
            if s.trim().is_empty() {
                return Ok(None);
            }
            Value::Text(s.trim().to_string())
        }
        _ => return Err(expected(spec).into()),
    };
    spec.check_bounds(&value)?;
    Ok(Some(value))
}

/// A read token may not send figures: checked before the body is read.
pub fn check_may_write(client: &ApiClient) -> Result<()> {
    if client.can_write() { Ok(()) } else { Err(ServiceError::Forbidden("Khóa API này chỉ có quyền đọc.".into())) }
}

pub async fn send_values(db: &crate::Db, client: &ApiClient, report_id: i32, input: ValuesIn, now: DateTime<Utc>) -> Result<Saved> {
    check_may_write(client)?;
    let l = crate::reports::load(db, report_id).await?;
    if !client.may_write_unit(l.report.unit_id) {
        return Err(ServiceError::Forbidden("Khóa API này không được gửi số liệu cho đơn vị của báo cáo.".into()));
    }
    check_open(&l, now)?;
    let mut errors = FieldErrors::new();
    let stored = load_values(db, report_id, &l.ids).await?;
    let mut figures = figures_of(&l.doc, &l.specs, &stored);
    let on_form: HashMap<String, ()> = domain::figures::cells(&l.doc, &l.specs).into_iter().map(|(_, k, _, _, _)| (k, ())).collect();
    for (key, raw) in &input.values {
        let field = format!("values[{key}]");
        let Some(cell) = CellKey::parse(key).filter(|_| on_form.contains_key(key)) else {
            errors.add(field, format!("Ô «{key}» không có trong biểu mẫu của báo cáo."));
            continue;
        };
        let Some(spec) = l.specs.get(cell.code()) else { continue };
        match read_api_value(spec, raw) {
            Ok(Some(v)) => {
                figures.unreadable.remove(key);
                figures.values.insert(key.clone(), v);
            }
            Ok(None) => {
                figures.unreadable.remove(key);
                figures.values.remove(key);
            }
            Err(m) => errors.add(field, format!("{} ({}): {m}", spec.name, key)),
        }
    }
    errors.into_result().map_err(ServiceError::Validation)?;
    // The token's unit scope was checked above; the audit names the machine
    // account (its own role) and the source "API".
    let actor = Actor { user_id: client.user_id, role: Role::Machine, unit_id: l.report.unit_id };
    let changes = Changes { figures, comments: None, narrative: None, explanations: None, file_name: None, confirm: Default::default() };
    save_loaded(db, &actor, l, input.row_version, changes, Source::Api, now).await
}
