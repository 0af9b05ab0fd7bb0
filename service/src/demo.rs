//! Demonstration data: one account per role with a known password. Only
//! loaded when the demo switch is on; a production install never has them.

use crate::{org, users, Result};
use domain::org::OFFICE_CODE;
use domain::Role;

/// The one password of every demo account (shown on the sign-in page in demo mode).
pub const DEMO_PASSWORD: &str = "BaoCao@2025";

pub struct DemoAccount {
    pub username: &'static str,
    pub full_name: &'static str,
    pub role: Role,
    pub unit_code: &'static str,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { username: "quantri", full_name: "Quản trị hệ thống", role: Role::Admin, unit_code: OFFICE_CODE },
    DemoAccount { username: "cv.syt", full_name: "Lò Thị Hoa", role: Role::Clerk, unit_code: "SYT" },
    DemoAccount { username: "ld.syt", full_name: "Nguyễn Văn Bình", role: Role::UnitLeader, unit_code: "SYT" },
    DemoAccount { username: "cv.tohieu", full_name: "Cầm Văn Thắng", role: Role::Clerk, unit_code: "03646" },
    DemoAccount { username: "ld.tohieu", full_name: "Quàng Thị Mai", role: Role::UnitLeader, unit_code: "03646" },
    DemoAccount { username: "vp.tonghop", full_name: "Trần Minh Đức", role: Role::Reviewer, unit_code: OFFICE_CODE },
    DemoAccount { username: "ld.tinh", full_name: "Hoàng Quốc Khánh", role: Role::Leader, unit_code: "14" },
];

/// Demo mode on a database with real accounts would add accounts whose
/// password is printed on the sign-in page: refused, with what to do.
pub async fn refuse_over_real_accounts(db: &crate::Db) -> Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let demo_names: Vec<&str> = DEMO_ACCOUNTS.iter().map(|a| a.username).collect();
    let real = entity::app_user::Entity::find().filter(entity::app_user::Column::Username.is_not_in(demo_names)).count(db).await?;
    if real > 0 {
        return Err(crate::ServiceError::Forbidden(format!(
            "cơ sở dữ liệu này đã có {real} tài khoản thật: chế độ trình diễn (BAOCAO_DEMO=true) sẽ thêm các tài khoản có mật khẩu công khai nên không được bật. Hãy tắt BAOCAO_DEMO hoặc dùng một cơ sở dữ liệu khác."
        )));
    }
    Ok(())
}

/// Creates the demo accounts that do not exist yet.
pub async fn seed_demo_accounts(db: &crate::Db) -> Result<()> {
    for a in DEMO_ACCOUNTS {
        let unit = org::find_unit_by_code(db, a.unit_code).await?;
        let input = users::NewUser {
            username: a.username.into(),
            full_name: a.full_name.into(),
            role: a.role.code().into(),
            unit_id: unit.id,
            password: DEMO_PASSWORD.into(),
        };
        users::insert_demo_user(db, &input, a.role).await?;
    }
    Ok(())
}

/// Loads the demonstration catalogue (indicators, regimes with rules,
/// holidays) once: an install that already has regimes is left alone.
pub async fn seed_demo_catalogue(db: &crate::Db) -> Result<()> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    if entity::regime::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    crate::catalogue::transfer::load(db, &crate::demo_catalogue::demo_catalogue()).await?;
    Ok(())
}

/// A history for the demonstration: last year and this year's periods that
/// have already closed, as sent reports (some late, the most recent not yet
/// accepted by the office), each passing its regime's checks. Open periods
/// are left for the demo accounts to fill.
pub async fn seed_demo_history(db: &crate::Db, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    use chrono::Datelike;
    use sea_orm::{EntityTrait, PaginatorTrait};
    if entity::report::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let today = domain::datefmt::vn_today(now);
    for year in [today.year() - 1, today.year()] {
        let opts = crate::reports::generator::GenerateOptions { year, until: Some(today), large_regime_rows: 0, seed: 2025 + year as u64 };
        crate::reports::generator::generate(db, &opts).await?;
    }
    Ok(())
}
