//! API tokens: created by an administrator for a machine-client account,
//! shown once, stored as a SHA-256 (like session cookies), revocable, with
//! their last use recorded.

use super::ApiClient;
use crate::auth::{random_token, token_hash};
use crate::{Result, ServiceError, audit};
use chrono::{DateTime, Duration, Utc};
use domain::feed::{ApiTokenView, NewApiToken};
use domain::{Actor, Role};
use entity::{api_token, app_user, org_unit};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashMap;

/// Every API token starts so, which makes a leaked one easy to recognise.
pub const TOKEN_PREFIX: &str = "bcapi_";
const SHOWN_PREFIX_CHARS: usize = 12;
/// How often the last use is written (not on every request).
const LAST_USE_RESOLUTION: i64 = 60;

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() { Ok(()) } else { Err(ServiceError::Forbidden("Chỉ quản trị viên mới quản lý được khóa API.".into())) }
}

/// What the administrator asks for.
#[derive(Clone, Debug, Default)]
pub struct TokenRequest {
    /// The machine-client account's user name.
    pub username: String,
    pub name: String,
    /// Codes of the units it may send figures for; empty: read only.
    pub write_units: Vec<String>,
}

pub async fn create(db: &crate::Db, actor: &Actor, req: TokenRequest, now: DateTime<Utc>) -> Result<NewApiToken> {
    require_admin(actor)?;
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(ServiceError::field("name", "Tên khóa bắt buộc, tối đa 120 ký tự (ví dụ: \"IOC Sơn La\")."));
    }
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(req.username.trim().to_lowercase()))
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::field("username", "Không có tài khoản này."))?;
    if Role::from_code(&user.role) != Some(Role::Machine) || !user.active {
        return Err(ServiceError::field("username", "Khóa API chỉ cấp cho tài khoản máy khách (API) đang hoạt động."));
    }
    let mut unit_ids = Vec::new();
    for code in req.write_units.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let u = org_unit::Entity::find().filter(org_unit::Column::Code.eq(code)).one(db).await?;
        match u {
            Some(u) => unit_ids.push(u.id),
            None => return Err(ServiceError::field("write_units", format!("Không có đơn vị mã «{code}»."))),
        }
    }
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let txn = db.begin().await?;
    let m = api_token::ActiveModel {
        user_id: Set(user.id),
        name: Set(name.clone()),
        prefix: Set(token.chars().take(SHOWN_PREFIX_CHARS).collect()),
        hash: Set(token_hash(&token)),
        can_write: Set(!unit_ids.is_empty()),
        write_units: Set(serde_json::to_string(&unit_ids).unwrap_or_else(|_| "[]".into())),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, Some(actor.user_id), "api_token.create", &format!("api_token:{}", m.id), &format!("{} cho {}", name, user.username)).await?;
    txn.commit().await?;
    let view = views(db, vec![m]).await?.pop().ok_or_else(|| ServiceError::Internal("token vanished".into()))?;
    Ok(NewApiToken { token, view })
}

async fn views(db: &crate::Db, rows: Vec<api_token::Model>) -> Result<Vec<ApiTokenView>> {
    let users: HashMap<i32, String> = app_user::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.username)).collect();
    let units: HashMap<i32, String> = org_unit::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.code)).collect();
    Ok(rows
        .into_iter()
        .map(|m| {
            let ids: Vec<i32> = serde_json::from_str(&m.write_units).unwrap_or_default();
            ApiTokenView {
                id: m.id,
                name: m.name,
                prefix: m.prefix,
                username: users.get(&m.user_id).cloned().unwrap_or_default(),
                // Derived from the units (the column is kept, written the same way).
                can_write: !ids.is_empty(),
                write_units: ids.iter().filter_map(|i| units.get(i).cloned()).collect(),
                created_at: m.created_at,
                last_used_at: m.last_used_at,
                revoked_at: m.revoked_at,
            }
        })
        .collect())
}

pub async fn list(db: &crate::Db, actor: &Actor) -> Result<Vec<ApiTokenView>> {
    require_admin(actor)?;
    let rows = api_token::Entity::find().order_by_desc(api_token::Column::Id).all(db).await?;
    views(db, rows).await
}

pub async fn revoke(db: &crate::Db, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<()> {
    require_admin(actor)?;
    let txn = db.begin().await?;
    let r = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if r.rows_affected == 0 {
        txn.rollback().await.ok();
        return match api_token::Entity::find_by_id(id).one(db).await? {
            Some(_) => Ok(()),
            None => Err(ServiceError::NotFound("Không tìm thấy khóa API.".into())),
        };
    }
    audit::record(&txn, Some(actor.user_id), "api_token.revoke", &format!("api_token:{id}"), "").await?;
    txn.commit().await?;
    Ok(())
}

/// The machine client a bearer token stands for: `Unauthenticated` for an
/// unknown or revoked token, or one whose account is no longer an active
/// machine client.
pub async fn authenticate(db: &crate::Db, token: &str, now: DateTime<Utc>) -> Result<ApiClient> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Err(ServiceError::Unauthenticated);
    }
    let m = api_token::Entity::find().filter(api_token::Column::Hash.eq(token_hash(token))).one(db).await?.ok_or(ServiceError::Unauthenticated)?;
    if m.revoked_at.is_some() {
        return Err(ServiceError::Unauthenticated);
    }
    let user = app_user::Entity::find_by_id(m.user_id).one(db).await?.ok_or(ServiceError::Unauthenticated)?;
    if !user.active || Role::from_code(&user.role) != Some(Role::Machine) {
        return Err(ServiceError::Unauthenticated);
    }
    if m.last_used_at.is_none_or(|t| now - t >= Duration::seconds(LAST_USE_RESOLUTION)) {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(m.id))
            .exec(db)
            .await?;
    }
    Ok(ApiClient { token_id: m.id, user_id: m.user_id, write_units: serde_json::from_str(&m.write_units).unwrap_or_default() })
}
