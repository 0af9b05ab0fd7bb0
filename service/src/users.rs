//! Account administration. Only administrators get past `require_admin`.

use crate::{Result, ServiceError, audit, auth, org, password};
use chrono::Utc;
use domain::account::{check_full_name, check_new_password, check_username, normalize_username};
use domain::org::OrgKind;
use domain::views::{Page, UserRow};
use domain::{Actor, FieldErrors, Role};
use entity::{app_user, org_unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

pub fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() { Ok(()) } else { Err(ServiceError::Forbidden("Chức năng này chỉ dành cho quản trị hệ thống.".into())) }
}

#[derive(Clone, Debug, Default)]
pub struct UserQuery {
    pub search: String,
    pub role: Option<Role>,
    pub unit_id: Option<i32>,
    pub page: u64,
}

pub const PER_PAGE: u64 = 20;

fn to_row(u: app_user::Model, unit: Option<org_unit::Model>) -> crate::Result<UserRow> {
    Ok(UserRow {
        id: u.id,
        role: crate::codes::decode(&u.role, Role::from_code, "app_user.role")?,
        username: u.username,
        full_name: u.full_name,
        unit_id: u.unit_id,
        unit_name: unit.map(|x| x.name).unwrap_or_default(),
        active: u.active,
        must_change_password: u.must_change_password,
        created_at: u.created_at,
    })
}

pub async fn list_users(db: &crate::Db, actor: &Actor, q: UserQuery) -> Result<Page<UserRow>> {
    require_admin(actor)?;
    let mut cond = Condition::all();
    let search = q.search.trim();
    if !search.is_empty() {
        let like = format!("%{}%", search.to_lowercase());
        // Full names are matched as typed: SQLite's LOWER() only folds ASCII.
        cond = cond.add(Condition::any().add(app_user::Column::Username.like(like)).add(app_user::Column::FullName.like(format!("%{search}%"))));
    }
    if let Some(r) = q.role {
        cond = cond.add(app_user::Column::Role.eq(r.code()));
    }
    if let Some(u) = q.unit_id {
        cond = cond.add(app_user::Column::UnitId.eq(u));
    }
    let paginator =
        app_user::Entity::find().filter(cond).find_also_related(org_unit::Entity).order_by_asc(app_user::Column::Username).paginate(db, PER_PAGE);
    let total = paginator.num_items().await?;
    let page = domain::views::clamp_page(q.page, total, PER_PAGE);
    let items = paginator.fetch_page(page - 1).await?.into_iter().map(|(u, o)| to_row(u, o)).collect::<Result<Vec<_>>>()?;
    Ok(Page { items, total, page, per_page: PER_PAGE })
}

pub async fn get_user(db: &crate::Db, actor: &Actor, id: i32) -> Result<UserRow> {
    require_admin(actor)?;
    app_user::Entity::find_by_id(id)
        .find_also_related(org_unit::Entity)
        .one(db)
        .await?
        .map(|(u, o)| to_row(u, o))
        .ok_or_else(|| ServiceError::NotFound("Không tìm thấy người dùng.".into()))?
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub unit_id: i32,
    pub password: String,
}

/// Role and unit must fit together: clerks and unit leaders belong to a reporting unit.
async fn check_role_and_unit<C: ConnectionTrait>(db: &C, role: &str, unit_id: i32, errors: &mut FieldErrors) -> Result<Option<Role>> {
    let role = Role::from_code(role);
    if role.is_none() {
        errors.add("role", "Vai trò không hợp lệ.");
    }
    match org::find_unit(db, unit_id).await {
        Ok(unit) => {
            if role.is_some_and(|r| r.is_unit_bound()) && !unit.kind.is_reporting_unit() {
                errors.add("unit_id", "Chuyên viên và lãnh đạo đơn vị phải thuộc một đơn vị báo cáo (sở, ngành, xã, phường).");
            }
        }
        Err(ServiceError::NotFound(_)) => errors.add("unit_id", "Vui lòng chọn đơn vị."),
        Err(e) => return Err(e),
    }
    Ok(role)
}

async fn insert_user<C: ConnectionTrait>(db: &C, input: &NewUser, role: Role, must_change: bool) -> Result<app_user::Model> {
    let hash = password::hash(input.password.clone()).await?;
    let now = Utc::now();
    let model = app_user::ActiveModel {
        username: Set(normalize_username(&input.username)),
        full_name: Set(input.full_name.trim().to_string()),
        password_hash: Set(hash.0),
        role: Set(role.code().to_string()),
        unit_id: Set(input.unit_id),
        active: Set(true),
        must_change_password: Set(must_change),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model)
}

async fn validate_new_user<C: ConnectionTrait>(db: &C, input: &NewUser) -> Result<Role> {
    let username = normalize_username(&input.username);
    let mut errors = FieldErrors::new();
    check_username(&username, &mut errors);
    check_full_name(&input.full_name, &mut errors);
    check_new_password("password", &input.password, &username, &mut errors);
    let role = check_role_and_unit(db, &input.role, input.unit_id, &mut errors).await?;
    if errors.for_field("username").is_none() && app_user::Entity::find().filter(app_user::Column::Username.eq(&username)).count(db).await? > 0 {
        errors.add("username", format!("Tên đăng nhập \"{username}\" đã có người dùng."));
    }
    errors.into_result()?;
    role.ok_or_else(|| ServiceError::Internal("role validated".into()))
}

/// An administrator creates an account; its owner must change the password at first sign-in.
pub async fn create_user(db: &crate::Db, actor: &Actor, input: NewUser) -> Result<i32> {
    require_admin(actor)?;
    let role = validate_new_user(db, &input).await?;
    let txn = db.begin().await?;
    let user = insert_user(&txn, &input, role, true).await.map_err(|e| unique_to_field(e, &input.username))?;
    audit::record(&txn, Some(actor.user_id), "tao_nguoi_dung", &user.username, role.code()).await?;
    txn.commit().await?;
    Ok(user.id)
}

/// Two admins creating the same name at once: the second gets a field error, not a crash.
fn unique_to_field(e: ServiceError, username: &str) -> ServiceError {
    match e {
        ServiceError::Duplicate(_) => {
            ServiceError::field("username", format!("Tên đăng nhập \"{}\" đã có người dùng.", normalize_username(username)))
        }
        other => other,
    }
}

#[derive(Clone, Debug)]
pub struct UserUpdate {
    pub full_name: String,
    pub role: String,
    pub unit_id: i32,
    pub active: bool,
}

pub async fn update_user(db: &crate::Db, actor: &Actor, id: i32, input: UserUpdate) -> Result<()> {
    require_admin(actor)?;
    let user = app_user::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy người dùng.".into()))?;
    let mut errors = FieldErrors::new();
    check_full_name(&input.full_name, &mut errors);
    let role = check_role_and_unit(db, &input.role, input.unit_id, &mut errors).await?;
    if id == actor.user_id {
        if !input.active {
            errors.add("active", "Bạn không thể tự vô hiệu hóa tài khoản của mình.");
        }
        if role.is_some_and(|r| r != Role::Admin) {
            errors.add("role", "Bạn không thể tự bỏ quyền quản trị của mình.");
        }
    }
    errors.into_result()?;
    let role = role.ok_or_else(|| ServiceError::Internal("role validated".into()))?;
    let deactivated = user.active && !input.active;
    let username = user.username.clone();
    let txn = db.begin().await?;
    let mut am = user.into_active_model();
    am.full_name = Set(input.full_name.trim().to_string());
    am.role = Set(role.code().to_string());
    am.unit_id = Set(input.unit_id);
    am.active = Set(input.active);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    if deactivated {
        auth::end_sessions(&txn, id, None).await?;
    }
    let detail = format!("vai trò {}, đơn vị {}, {}", role.code(), input.unit_id, if input.active { "hoạt động" } else { "vô hiệu hóa" });
    audit::record(&txn, Some(actor.user_id), "sua_nguoi_dung", &username, &detail).await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a temporary password; the owner must change it at the next sign-in,
/// and every session the account had ends now.
pub async fn reset_password(db: &crate::Db, actor: &Actor, id: i32, new_password: String) -> Result<()> {
    require_admin(actor)?;
    let user = app_user::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy người dùng.".into()))?;
    let mut errors = FieldErrors::new();
    check_new_password("password", &new_password, &user.username, &mut errors);
    errors.into_result()?;
    let hash = password::hash(new_password).await?;
    let username = user.username.clone();
    let txn = db.begin().await?;
    let mut am = user.into_active_model();
    am.password_hash = Set(hash.0);
    am.must_change_password = Set(true);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    auth::end_sessions(&txn, id, None).await?;
    audit::record(&txn, Some(actor.user_id), "dat_lai_mat_khau", &username, "").await?;
    txn.commit().await?;
    Ok(())
}

/// The first administrator of a production install (server subcommand). Refused
/// once an administrator exists, so it cannot be used to take over an install.
pub async fn create_first_admin(db: &crate::Db, username: &str, full_name: &str, password: &str, unit_code: &str) -> Result<i32> {
    let admins = app_user::Entity::find().filter(app_user::Column::Role.eq(Role::Admin.code())).count(db).await?;
    if admins > 0 {
        return Err(ServiceError::Conflict("Đã có tài khoản quản trị; hãy đăng nhập và tạo thêm tài khoản trên trang Quản trị.".into()));
    }
    let unit = org::find_unit_by_code(db, unit_code).await?;
    let input = NewUser {
        username: username.into(),
        full_name: full_name.into(),
        role: Role::Admin.code().into(),
        unit_id: unit.id,
        password: password.into(),
    };
    let role = validate_new_user(db, &input).await?;
    let txn = db.begin().await?;
    let user = insert_user(&txn, &input, role, false).await?;
    audit::record(&txn, None, "tao_quan_tri_dau_tien", &user.username, "dòng lệnh").await?;
    txn.commit().await?;
    Ok(user.id)
}

/// Units a user may be attached to, for the admin form's drop-down.
pub async fn assignable_units(db: &crate::Db, actor: &Actor) -> Result<Vec<domain::views::UnitRow>> {
    require_admin(actor)?;
    Ok(org::list_units(db).await?.into_iter().filter(|u| u.kind != OrgKind::Group).collect())
}

/// Counts for the administrator's home page.
pub async fn count_active_users(db: &crate::Db, actor: &Actor) -> Result<u64> {
    require_admin(actor)?;
    Ok(app_user::Entity::find().filter(app_user::Column::Active.eq(true)).count(db).await?)
}

pub(crate) async fn insert_demo_user<C: ConnectionTrait>(db: &C, input: &NewUser, role: Role) -> Result<()> {
    if app_user::Entity::find().filter(app_user::Column::Username.eq(&input.username)).count(db).await? == 0 {
        insert_user(db, input, role, false).await?;
    }
    Ok(())
}

/// The signed-in person's own contacts (e-mail, telephone).
pub async fn contacts(db: &crate::Db, actor: &Actor) -> Result<(String, String)> {
    let u = app_user::Entity::find_by_id(actor.user_id).one(db).await?.ok_or(ServiceError::Unauthenticated)?;
    Ok((u.email, u.phone))
}

/// Sets the signed-in person's own contacts, where reminders go.
pub async fn set_contacts(db: &crate::Db, actor: &Actor, email: &str, phone: &str) -> Result<()> {
    let (email, phone) = domain::account::check_contacts(email, phone).map_err(ServiceError::Validation)?;
    let txn = db.begin().await?;
    let u = app_user::Entity::find_by_id(actor.user_id).one(&txn).await?.ok_or(ServiceError::Unauthenticated)?;
    let mut am = u.into_active_model();
    am.email = Set(email);
    am.phone = Set(phone);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    audit::record(&txn, Some(actor.user_id), "sua_lien_he", &actor.user_id.to_string(), "").await?;
    txn.commit().await?;
    Ok(())
}
