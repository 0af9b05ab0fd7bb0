use crate::{ServiceError, audit, users::require_admin};
use domain::catalogue::{BreakdownView, parse_parts};
use domain::indicator::BreakdownPart;
use domain::{Actor, FieldErrors};
use entity::{breakdown, breakdown_part, indicator};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

pub async fn list<C: ConnectionTrait>(db: &C) -> crate::Result<Vec<BreakdownView>> {
    let heads = breakdown::Entity::find().order_by_asc(breakdown::Column::Code).all(db).await?;
    let parts = breakdown_part::Entity::find().order_by_asc(breakdown_part::Column::SortOrder).all(db).await?;
    Ok(heads
        .into_iter()
        .map(|b| BreakdownView {
            parts: parts.iter().filter(|p| p.breakdown_id == b.id).map(|p| BreakdownPart { code: p.code.clone(), name: p.name.clone() }).collect(),
            id: b.id,
            code: b.code,
            name: b.name,
        })
        .collect())
}

pub(crate) async fn insert<C: ConnectionTrait>(db: &C, code: &str, name: &str, parts: &[BreakdownPart]) -> crate::Result<i32> {
    let b = breakdown::ActiveModel { code: Set(code.to_string()), name: Set(name.to_string()), ..Default::default() }.insert(db).await?;
    replace_parts(db, b.id, parts).await?;
    Ok(b.id)
}

pub(crate) async fn replace_parts<C: ConnectionTrait>(db: &C, id: i32, parts: &[BreakdownPart]) -> crate::Result<()> {
    breakdown_part::Entity::delete_many().filter(breakdown_part::Column::BreakdownId.eq(id)).exec(db).await?;
    for (i, p) in parts.iter().enumerate() {
        breakdown_part::ActiveModel {
            breakdown_id: Set(id),
            code: Set(p.code.clone()),
            name: Set(p.name.clone()),
            sort_order: Set(i as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub fn check(code: &str, name: &str, parts_text: &str) -> Result<Vec<BreakdownPart>, FieldErrors> {
    let mut e = FieldErrors::new();
    if let Err(m) = domain::indicator::check_part_code(code) {
        e.add("code", m.replace("Mã phần phân tổ", "Mã phân tổ"));
    }
    if name.trim().is_empty() {
        e.add("name", "Tên phân tổ không được để trống.");
    }
    let parts = parse_parts(parts_text).map_err(|m| e.add("parts", m)).ok();
    e.into_result()?;
    Ok(parts.unwrap_or_default())
}

pub async fn create(db: &crate::Db, actor: &Actor, code: &str, name: &str, parts_text: &str) -> crate::Result<i32> {
    require_admin(actor)?;
    let code = code.trim().to_lowercase();
    let parts = check(&code, name, parts_text)?;
    if breakdown::Entity::find().filter(breakdown::Column::Code.eq(&code)).count(db).await? > 0 {
        return Err(ServiceError::field("code", format!("Đã có phân tổ mã \"{code}\".")));
    }
    let txn = db.begin().await?;
    let id = insert(&txn, &code, name.trim(), &parts).await?;
    audit::record(&txn, Some(actor.user_id), "tao_phan_to", &code, &domain::catalogue::format_parts(&parts)).await?;
    txn.commit().await?;
    Ok(id)
}

/// Renames a breakdown and changes its parts, unless indicators already use it
/// (their stored figures are split by these parts).
pub async fn update(db: &crate::Db, actor: &Actor, id: i32, name: &str, parts_text: &str) -> crate::Result<()> {
    require_admin(actor)?;
    let b = breakdown::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy phân tổ.".into()))?;
    let parts = check(&b.code, name, parts_text)?;
    let current: Vec<BreakdownPart> = list(db).await?.into_iter().find(|x| x.id == id).map(|x| x.parts).unwrap_or_default();
    let used = indicator::Entity::find().filter(indicator::Column::BreakdownId.eq(id)).count(db).await? > 0;
    if used && current != parts {
        return Err(ServiceError::field("parts", "Phân tổ đang được chỉ tiêu sử dụng: không thể đổi các phần của nó, chỉ đổi được tên."));
    }
    let txn = db.begin().await?;
    let code = b.code.clone();
    let mut am: breakdown::ActiveModel = b.into();
    am.name = Set(name.trim().to_string());
    am.update(&txn).await?;
    if current != parts {
        replace_parts(&txn, id, &parts).await?;
    }
    audit::record(&txn, Some(actor.user_id), "sua_phan_to", &code, "").await?;
    txn.commit().await?;
    Ok(())
}
