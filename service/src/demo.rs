//! Demonstration data: one account per role with a known password. Only
//! loaded when the demo switch is on; a production install never has them.

use crate::{Result, org, users};
use domain::Role;
use domain::org::OFFICE_CODE;

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
    seed_demo_contacts(db).await
}

/// Contacts for the demo accounts (reminders and the office's phone round
/// need them), on a reserved domain that never delivers: `sonla.example`.
async fn seed_demo_contacts(db: &crate::Db) -> Result<()> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    for (i, a) in DEMO_ACCOUNTS.iter().enumerate() {
        entity::app_user::Entity::update_many()
            .col_expr(entity::app_user::Column::Email, Expr::value(format!("{}@sonla.example", a.username)))
            .col_expr(entity::app_user::Column::Phone, Expr::value(format!("0212 385 {:03}", 100 + i)))
            .filter(entity::app_user::Column::Username.eq(a.username))
            .filter(entity::app_user::Column::Email.eq(""))
            .exec(db)
            .await?;
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
    seed_demo_plans(db, today.year(), now).await
}

/// This year's plans (the budget estimate) for the regimes whose forms show
/// a plan column: last year's total for each unit and indicator, plus 8 %.
async fn seed_demo_plans(db: &crate::Db, year: i32, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    use domain::column::Column;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use std::collections::HashMap;
    for r in entity::regime::Entity::find().all(db).await? {
        let doc = crate::catalogue::regimes::parse_doc(&r.draft)?;
        if !doc.columns.contains(&Column::Plan) {
            continue;
        }
        let last_year: Vec<String> = domain::period::Period::all_in_year(doc.schedule.frequency, year - 1).iter().map(|p| p.key()).collect();
        let rows = entity::report_value::Entity::find()
            .filter(entity::report_value::Column::RegimeId.eq(r.id))
            .filter(entity::report_value::Column::PeriodKey.is_in(last_year))
            .filter(entity::report_value::Column::Part.eq(""))
            .all(db)
            .await?;
        // A plan is a year's total: only for figures that add up over the year.
        let summed: std::collections::HashSet<i32> = entity::indicator::Entity::find()
            .filter(entity::indicator::Column::Aggregation.eq(domain::indicator::Aggregation::Sum.code()))
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect();
        let mut totals: HashMap<(i32, i32), i64> = HashMap::new();
        for v in rows.into_iter().filter(|v| summed.contains(&v.indicator_id)) {
            if let Some(n) = v.num {
                *totals.entry((v.unit_id, v.indicator_id)).or_default() += n;
            }
        }
        for ((unit_id, indicator_id), total) in totals {
            entity::regime_plan::ActiveModel {
                regime_id: Set(r.id),
                indicator_id: Set(indicator_id),
                unit_id: Set(unit_id),
                year: Set(year),
                num: Set(total + total * 8 / 100),
                updated_at: Set(now),
                updated_by: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
