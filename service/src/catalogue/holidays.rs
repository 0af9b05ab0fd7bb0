use crate::{audit, users::require_admin, ServiceError};
use chrono::{Datelike, NaiveDate};
use domain::calendar::Holidays;
use domain::catalogue::HolidayRow;
use domain::Actor;
use entity::holiday;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

pub async fn list<C: ConnectionTrait>(db: &C, year: Option<i32>) -> crate::Result<Vec<HolidayRow>> {
    let mut q = holiday::Entity::find().order_by_asc(holiday::Column::Day);
    if let Some(y) = year {
        let (a, b) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31));
        if let (Some(a), Some(b)) = (a, b) {
            q = q.filter(holiday::Column::Day.between(a, b));
        }
    }
    Ok(q.all(db).await?.into_iter().map(|h| HolidayRow { day: h.day, name: h.name }).collect())
}

/// Every holiday, as the calendar needs them.
pub async fn all<C: ConnectionTrait>(db: &C) -> crate::Result<Holidays> {
    Ok(Holidays::new(holiday::Entity::find().all(db).await?.into_iter().map(|h| h.day)))
}

pub async fn add(db: &crate::Db, actor: &Actor, day: &str, name: &str) -> crate::Result<()> {
    require_admin(actor)?;
    let mut e = domain::FieldErrors::new();
    let parsed = domain::datefmt::parse_date(day);
    if parsed.is_none() {
        e.add("day", "Ngày phải theo dạng ngày/tháng/năm, ví dụ 02/09/2026.");
    }
    if name.trim().is_empty() {
        e.add("name", "Vui lòng nhập tên ngày nghỉ (ví dụ Quốc khánh).");
    }
    e.into_result()?;
    let day = parsed.ok_or_else(|| ServiceError::Internal("checked".into()))?;
    let txn = db.begin().await?;
    upsert(&txn, day, name.trim()).await?;
    audit::record(&txn, Some(actor.user_id), "them_ngay_nghi", &domain::datefmt::format_date(day), name.trim()).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn upsert<C: ConnectionTrait>(db: &C, day: NaiveDate, name: &str) -> crate::Result<()> {
    let am = holiday::ActiveModel { day: Set(day), name: Set(name.to_string()) };
    if holiday::Entity::find_by_id(day).one(db).await?.is_some() {
        am.update(db).await?;
    } else {
        am.insert(db).await?;
    }
    Ok(())
}

pub async fn remove(db: &crate::Db, actor: &Actor, day: NaiveDate) -> crate::Result<()> {
    require_admin(actor)?;
    let txn = db.begin().await?;
    let r = holiday::Entity::delete_by_id(day).exec(&txn).await?;
    if r.rows_affected == 0 {
        return Err(ServiceError::NotFound("Không có ngày nghỉ này.".into()));
    }
    audit::record(&txn, Some(actor.user_id), "xoa_ngay_nghi", &domain::datefmt::format_date(day), "").await?;
    txn.commit().await?;
    Ok(())
}

/// The years that have holidays, newest first, for the year picker.
pub async fn years<C: ConnectionTrait>(db: &C) -> crate::Result<Vec<i32>> {
    let mut ys: Vec<i32> = holiday::Entity::find().all(db).await?.iter().map(|h| h.day.year()).collect();
    ys.sort_unstable_by(|a, b| b.cmp(a));
    ys.dedup();
    Ok(ys)
}
