//! Load-test accounts (`server prepare-load`, `bench/run load`): N clerks,
//! each in a unit of its own under the group "Đơn vị thử tải", every unit
//! bound to the large load-test regime (see
//! [`generator::ensure_large_regime`]), so that each clerk has a report of
//! its own to fill for today's open period: two clerks never edit the same
//! report, whose saves would conflict by design.
//!
//! The accounts share one known password. Preparing them on a database with
//! real accounts (beyond the demonstration's and earlier load-test ones) is
//! refused unless forced.

use crate::reports::generator::{self, LARGE_REGIME_CODE};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::org::{OrgKind, PROVINCE_CODE};
use domain::{Actor, Role};
use entity::{app_user, org_unit, regime, regime_unit, regime_version};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::collections::HashSet;

/// The password of every load-test account.
pub const LOAD_PASSWORD: &str = "ThuTai@2026";
/// The group the load-test units belong to.
pub const LOAD_GROUP_CODE: &str = "NHOM_THUTAI";
/// Most accounts one run prepares (user names and unit codes have 4 digits).
pub const MAX_USERS: usize = 9_999;

/// The user name of the `i`-th (1-based) load-test clerk: `thutai.0001`.
pub fn load_username(i: usize) -> String {
    format!("thutai.{i:04}")
}

/// The code of the `i`-th (1-based) load-test unit.
pub fn load_unit_code(i: usize) -> String {
    format!("THUTAI{i:04}")
}

fn is_load_username(name: &str) -> bool {
    name.strip_prefix("thutai.").is_some_and(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A clerk's name, drawn from names common in Sơn La.
fn full_name(i: usize) -> String {
    const FAMILY: [&str; 12] = ["Lò", "Cầm", "Quàng", "Hà", "Lường", "Tòng", "Vì", "Điêu", "Nguyễn", "Trần", "Hoàng", "Lê"];
    const GIVEN: [&str; 16] =
        ["An", "Bình", "Chiến", "Dung", "Hạnh", "Khánh", "Lan", "Minh", "Nga", "Phúc", "Quý", "Sơn", "Tâm", "Uyên", "Vân", "Xuân"];
    let middle = if i.is_multiple_of(2) { "Thị" } else { "Văn" };
    format!("{} {middle} {}", FAMILY[i % FAMILY.len()], GIVEN[(i / FAMILY.len()) % GIVEN.len()])
}

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub users: usize,
    /// Rows of the large regime, when this run creates it.
    pub rows: usize,
    /// Prepare even on a database with real accounts.
    pub force: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadSummary {
    pub users: usize,
    pub units_created: usize,
    pub users_created: usize,
    pub regime_id: i32,
    /// Rows on the regime's form (it may exist from an earlier run).
    pub rows: usize,
    /// The open period each clerk reports for.
    pub period_key: String,
}

/// Refused on a database with accounts other than the demonstration's and
/// the load test's own, unless `force`.
async fn refuse_over_real_accounts(db: &crate::Db, force: bool) -> Result<()> {
    let demo: HashSet<&str> = crate::demo::DEMO_ACCOUNTS.iter().map(|a| a.username).collect();
    let real =
        app_user::Entity::find().all(db).await?.into_iter().filter(|u| !demo.contains(u.username.as_str()) && !is_load_username(&u.username)).count();
    if real > 0 && !force {
        return Err(ServiceError::Forbidden(format!(
            "cơ sở dữ liệu này đã có {real} tài khoản thật: lệnh này tạo các tài khoản thử tải có mật khẩu biết trước nên không chạy. Hãy dùng một cơ sở dữ liệu riêng cho thử tải, hoặc thêm --force nếu chắc chắn."
        )));
    }
    Ok(())
}

/// Prepares `opts.users` clerks, each with a unit of its own bound to the
/// large regime, and checks that the regime has an open period for them
/// today. Running it again adds only what is missing.
pub async fn prepare(db: &crate::Db, opts: &LoadOptions, now: DateTime<Utc>) -> Result<LoadSummary> {
    if opts.users == 0 || opts.users > MAX_USERS {
        return Err(ServiceError::field("users", format!("Số người dùng thử tải phải từ 1 đến {MAX_USERS}.")));
    }
    if opts.rows == 0 {
        return Err(ServiceError::field("rows", "Số dòng của biểu thử tải phải lớn hơn 0."));
    }
    refuse_over_real_accounts(db, opts.force).await?;
    let regime_id = generator::ensure_large_regime(db, opts.rows).await?;
    let r = regime::Entity::find_by_id(regime_id).one(db).await?.ok_or_else(|| ServiceError::Internal(format!("{LARGE_REGIME_CODE} vanished")))?;
    let version = regime_version::Entity::find()
        .filter(regime_version::Column::RegimeId.eq(regime_id))
        .filter(regime_version::Column::Version.eq(r.current_version))
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::Internal(format!("{LARGE_REGIME_CODE} has no published version")))?;
    let rows = crate::catalogue::regimes::parse_doc(&version.definition)?.row_count();
    // One hash for every account: hashing is deliberately slow, and the
    // accounts share their password anyway.
    let hash = crate::password::hash(LOAD_PASSWORD.to_string()).await?;

    let txn = db.begin().await?;
    let province = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(PROVINCE_CODE))
        .one(&txn)
        .await?
        .ok_or_else(|| ServiceError::Internal("the reference units are not loaded".into()))?;
    let mut units_created = 0;
    let group = match org_unit::Entity::find().filter(org_unit::Column::Code.eq(LOAD_GROUP_CODE)).one(&txn).await? {
        Some(g) => g,
        None => {
            units_created += 1;
            org_unit::ActiveModel {
                code: Set(LOAD_GROUP_CODE.into()),
                name: Set("Đơn vị thử tải".into()),
                short_name: Set("Thử tải".into()),
                kind: Set(OrgKind::Group.code().into()),
                parent_id: Set(Some(province.id)),
                sort_order: Set(100_000),
                active: Set(true),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let bound: HashSet<i32> = regime_unit::Entity::find()
        .filter(regime_unit::Column::RegimeVersionId.eq(version.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|b| b.unit_id)
        .collect();
    let mut users_created = 0;
    let mut first_unit = None;
    for i in 1..=opts.users {
        let code = load_unit_code(i);
        let unit = match org_unit::Entity::find().filter(org_unit::Column::Code.eq(&code)).one(&txn).await? {
            Some(u) => u,
            None => {
                units_created += 1;
                org_unit::ActiveModel {
                    code: Set(code),
                    name: Set(format!("Xã Thử Tải số {i}")),
                    short_name: Set(format!("Thử Tải {i}")),
                    kind: Set(OrgKind::Commune.code().into()),
                    parent_id: Set(Some(group.id)),
                    sort_order: Set(100_000 + i as i32),
                    active: Set(true),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        first_unit.get_or_insert(unit.id);
        // Bound to the version in force, as publishing would have bound a
        // unit of a listed group.
        if !bound.contains(&unit.id) {
            regime_unit::ActiveModel { regime_version_id: Set(version.id), unit_id: Set(unit.id) }.insert(&txn).await?;
        }
        let username = load_username(i);
        if app_user::Entity::find().filter(app_user::Column::Username.eq(&username)).count(&txn).await? == 0 {
            users_created += 1;
            app_user::ActiveModel {
                username: Set(username),
                full_name: Set(full_name(i)),
                password_hash: Set(hash.0.clone()),
                role: Set(Role::Clerk.code().into()),
                unit_id: Set(unit.id),
                active: Set(true),
                must_change_password: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    crate::audit::record(&txn, None, "chuan_bi_thu_tai", LOAD_GROUP_CODE, &format!("{} người dùng, {rows} dòng", opts.users)).await?;
    txn.commit().await?;

    // What a clerk will see on the home page: the regime, with a period open for entry.
    let unit_id = first_unit.ok_or_else(|| ServiceError::Internal("no load-test unit".into()))?;
    let actor = Actor { user_id: 0, role: Role::Clerk, unit_id };
    let due = crate::reports::due_for_unit(db, &actor, unit_id, now).await?;
    let period_key = due
        .iter()
        .find(|d| d.regime_id == regime_id && d.state.accepts_entry())
        .map(|d| d.period_key.clone())
        .ok_or_else(|| ServiceError::Conflict(format!("chế độ {LARGE_REGIME_CODE} không có kỳ nào đang mở để nhập hôm nay")))?;
    Ok(LoadSummary { users: opts.users, units_created, users_created, regime_id, rows, period_key })
}

/// The load-test units in order (for checks and tests).
pub async fn load_units(db: &crate::Db) -> Result<Vec<org_unit::Model>> {
    let Some(group) = org_unit::Entity::find().filter(org_unit::Column::Code.eq(LOAD_GROUP_CODE)).one(db).await? else {
        return Ok(vec![]);
    };
    Ok(org_unit::Entity::find().filter(org_unit::Column::ParentId.eq(group.id)).order_by_asc(org_unit::Column::SortOrder).all(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(load_username(7), "thutai.0007");
        assert!(is_load_username("thutai.0200"));
        assert!(!is_load_username("thutai.admin") && !is_load_username("cv.syt"));
        let mut e = domain::FieldErrors::new();
        domain::account::check_username(&load_username(MAX_USERS), &mut e);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(full_name(1), "Cầm Văn An");
        assert!(load_unit_code(MAX_USERS).len() <= 32);
    }
}
