use crate::error::AppError;
use domain::views::UnitRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[server(prefix = "/api", endpoint = "don-vi", input = server_fn::codec::GetUrl)]
pub async fn list_units() -> Result<Vec<UnitRow>, AppError> {
    use crate::ssr::*;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    if !actor.sees_whole_province() {
        return Err(fail(AppError::Forbidden("Danh sách toàn tỉnh dành cho Văn phòng UBND tỉnh, lãnh đạo tỉnh và quản trị.".into())));
    }
    service::org::list_units(&ctx.db).await.map_err(service_err)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitDetail {
    pub unit: UnitRow,
    pub parent: Option<UnitRow>,
    pub children: Vec<UnitRow>,
}

#[server(prefix = "/api", endpoint = "don-vi/xem", input = server_fn::codec::GetUrl)]
pub async fn get_unit(id: i32) -> Result<UnitDetail, AppError> {
    use crate::ssr::*;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    let unit = service::org::view_unit(&ctx.db, &actor, id).await.map_err(service_err)?;
    let all = service::org::list_units(&ctx.db).await.map_err(service_err)?;
    let parent = unit.parent_id.and_then(|p| all.iter().find(|u| u.id == p).cloned());
    let children = all.into_iter().filter(|u| u.parent_id == Some(unit.id)).collect();
    Ok(UnitDetail { unit, parent, children })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    pub label: String,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub reporting_units: Vec<KindCount>,
    /// Only for administrators.
    pub active_users: Option<u64>,
}

/// The province at a glance, for the home pages of province-wide roles.
#[server(prefix = "/api", endpoint = "tong-quan", input = server_fn::codec::GetUrl)]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::ssr::*;
    use domain::org::OrgKind;
    let (actor, _) = require_actor()?;
    let ctx = server_context()?;
    if !actor.sees_whole_province() {
        return Err(fail(AppError::Forbidden("Tổng quan toàn tỉnh dành cho Văn phòng UBND tỉnh, lãnh đạo tỉnh và quản trị.".into())));
    }
    let units = service::org::list_units(&ctx.db).await.map_err(service_err)?;
    let reporting_units = [OrgKind::Department, OrgKind::Branch, OrgKind::Commune, OrgKind::Ward]
        .into_iter()
        .map(|k| KindCount { label: k.label().into(), count: units.iter().filter(|u| u.kind == k && u.active).count() })
        .collect();
    let active_users = if actor.is_admin() { Some(service::users::count_active_users(&ctx.db, &actor).await.map_err(service_err)?) } else { None };
    Ok(Overview { reporting_units, active_users })
}
