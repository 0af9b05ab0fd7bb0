//! Yearly plans (kế hoạch năm): the target a unit is given for an indicator
//! of a regime in a year. The form shows them beside the year-to-date figure
//! ("Kế hoạch năm", "% so với kế hoạch"), as the province's socio-economic
//! forms do.

use crate::{Result, ServiceError, audit, users::require_admin};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::catalogue::{PlanLine, PlanPage};
use domain::indicator::Value;
use entity::{indicator, org_unit, regime, regime_plan};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// The plans of a regime for a year, by unit then indicator.
pub async fn list<C: ConnectionTrait>(db: &C, regime_id: i32, year: i32) -> Result<Vec<PlanLine>> {
    let rows = regime_plan::Entity::find()
        .filter(regime_plan::Column::RegimeId.eq(regime_id))
        .filter(regime_plan::Column::Year.eq(year))
        .order_by_asc(regime_plan::Column::UnitId)
        .order_by_asc(regime_plan::Column::IndicatorId)
        .all(db)
        .await?;
    let units: HashMap<i32, (String, String)> = org_unit::Entity::find().all(db).await?.into_iter().map(|u| (u.id, (u.code, u.name))).collect();
    let specs = super::indicators::specs(db, false).await?;
    let codes: HashMap<i32, String> = indicator::Entity::find().all(db).await?.into_iter().map(|i| (i.id, i.code)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let (unit_code, unit_name) = units.get(&p.unit_id)?.clone();
            let code = codes.get(&p.indicator_id)?;
            let spec = specs.get(code)?;
            Some(PlanLine {
                unit_code,
                unit_name,
                indicator_code: code.clone(),
                indicator_name: spec.name.clone(),
                value: spec.format(&Value::Num(p.num)),
            })
        })
        .collect())
}

/// The plan page of a regime for a year (readable by every signed-in user,
/// like the rest of the catalogue).
pub async fn page(db: &crate::Db, regime_id: i32, year: i32) -> Result<PlanPage> {
    let r = regime::Entity::find_by_id(regime_id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy chế độ báo cáo.".into()))?;
    let doc = super::regimes::parse_doc(&r.draft)?;
    let indicators =
        super::regimes::form_specs(db, &doc).await?.into_iter().filter(|s| s.value_type.is_numeric()).map(|s| (s.code, s.name)).collect();
    let unit_ids = super::regimes::expand_units(db, &doc.reporting_units).await?;
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(unit_ids))
        .order_by_asc(org_unit::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    Ok(PlanPage { regime_id, regime_code: r.code, regime_name: doc.name.clone(), year, plans: list(db, regime_id, year).await?, indicators, units })
}

/// A unit's plans for a regime and year, by cell key (what a report's form needs).
pub async fn for_report<C: ConnectionTrait>(
    db: &C,
    regime_id: i32,
    unit_id: i32,
    year: i32,
    codes_by_id: &HashMap<i32, String>,
) -> Result<HashMap<String, Value>> {
    Ok(regime_plan::Entity::find()
        .filter(regime_plan::Column::RegimeId.eq(regime_id))
        .filter(regime_plan::Column::UnitId.eq(unit_id))
        .filter(regime_plan::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| Some((codes_by_id.get(&p.indicator_id)?.clone(), Value::Num(p.num))))
        .collect())
}

/// Sets (or, with an empty value, removes) one unit's plan for an indicator
/// of a regime in a year. The indicator must be a number on the regime's
/// current form, the unit one of those bound to it.
#[allow(clippy::too_many_arguments)]
pub async fn set(
    db: &crate::Db,
    actor: &Actor,
    regime_id: i32,
    year: i32,
    unit_code: &str,
    indicator_code: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    require_admin(actor)?;
    let mut e = domain::FieldErrors::new();
    let r = regime::Entity::find_by_id(regime_id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy chế độ báo cáo.".into()))?;
    if !(2000..=2100).contains(&year) {
        e.add("year", "Năm kế hoạch không hợp lệ.");
    }
    let unit = org_unit::Entity::find().filter(org_unit::Column::Code.eq(unit_code.trim())).one(db).await?;
    if unit.is_none() {
        e.add("unit", format!("Không có đơn vị mã {}.", unit_code.trim()));
    }
    let code = domain::indicator::normalize_code(indicator_code);
    let doc = super::regimes::parse_doc(&r.draft)?;
    let specs = super::indicators::specs(db, false).await?;
    let spec = specs.get(&code).filter(|s| s.value_type.is_numeric());
    if spec.is_none() || !doc.indicator_codes().contains(&code) {
        e.add("indicator", format!("Chỉ tiêu {code} không phải chỉ tiêu số của biểu mẫu chế độ {}.", r.code));
    }
    let parsed = match spec {
        Some(s) if !value.trim().is_empty() => match s.parse_input(value) {
            Ok(Some(Value::Num(n))) => Some(n),
            Ok(_) => None,
            Err(m) => {
                e.add("value", m);
                None
            }
        },
        _ => None,
    };
    e.into_result()?;
    let (Some(unit), Some(ind)) = (unit, indicator::Entity::find().filter(indicator::Column::Code.eq(&code)).one(db).await?) else {
        return Err(ServiceError::Internal("checked above".into()));
    };
    let txn = db.begin().await?;
    match parsed {
        Some(num) => {
            let am = regime_plan::ActiveModel {
                regime_id: Set(regime_id),
                indicator_id: Set(ind.id),
                unit_id: Set(unit.id),
                year: Set(year),
                num: Set(num),
                updated_at: Set(now),
                updated_by: Set(Some(actor.user_id)),
                ..Default::default()
            };
            regime_plan::Entity::insert(am)
                .on_conflict(
                    OnConflict::columns([
                        regime_plan::Column::RegimeId,
                        regime_plan::Column::IndicatorId,
                        regime_plan::Column::UnitId,
                        regime_plan::Column::Year,
                    ])
                    .update_columns([regime_plan::Column::Num, regime_plan::Column::UpdatedAt, regime_plan::Column::UpdatedBy])
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        None => {
            regime_plan::Entity::delete_many()
                .filter(regime_plan::Column::RegimeId.eq(regime_id))
                .filter(regime_plan::Column::IndicatorId.eq(ind.id))
                .filter(regime_plan::Column::UnitId.eq(unit.id))
                .filter(regime_plan::Column::Year.eq(year))
                .exec(&txn)
                .await?;
        }
    }
    let what = format!("{} · {} · {} · năm {year}", r.code, unit.code, code);
    audit::record(&txn, Some(actor.user_id), "dat_ke_hoach", &what, value.trim()).await?;
    txn.commit().await?;
    Ok(())
}
