use crate::{ServiceError, audit, users::require_admin};
use chrono::{Datelike, NaiveDate};
use domain::Actor;
use domain::calendar::Holidays;
use domain::catalogue::HolidayRow;
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
    Ok(q.all(db).await?.into_iter().map(|h| HolidayRow { make_up: h.kind == KIND_MAKE_UP, day: h.day, name: h.name }).collect())
}

const KIND_DAY_OFF: &str = "nghi";
const KIND_MAKE_UP: &str = "lam_bu";

/// Every holiday and make-up working day, as the calendar needs them.
pub async fn all<C: ConnectionTrait>(db: &C) -> crate::Result<Holidays> {
    let rows = holiday::Entity::find().all(db).await?;
    let (make_up, off): (Vec<_>, Vec<_>) = rows.into_iter().partition(|h| h.kind == KIND_MAKE_UP);
    Ok(Holidays::new(off.into_iter().map(|h| h.day)).with_make_up_days(make_up.into_iter().map(|h| h.day)))
}

/// Adds a day off, or (`make_up`) a weekend day worked in exchange.
pub async fn add(db: &crate::Db, actor: &Actor, day: &str, name: &str, make_up: bool) -> crate::Result<()> {
    require_admin(actor)?;
    let mut e = domain::FieldErrors::new();
    let parsed = domain::datefmt::parse_date(day);
    if parsed.is_none() {
        e.add("day", "Ngày phải theo dạng ngày/tháng/năm, ví dụ 02/09/2026.");
    }
    if name.trim().is_empty() {
        e.add(
            "name",
            if make_up {
                "Vui lòng ghi làm bù cho ngày nào (ví dụ Làm bù cho ngày 02/5/2025)."
            } else {
                "Vui lòng nhập tên ngày nghỉ (ví dụ Quốc khánh)."
            },
        );
    }
    if let (Some(d), true) = (parsed, make_up)
        && !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
    {
        e.add("day", format!("{} là ngày làm việc bình thường; ngày làm bù phải là thứ Bảy hoặc Chủ nhật.", domain::datefmt::format_date(d)));
    }
    e.into_result()?;
    let day = parsed.ok_or_else(|| ServiceError::Internal("checked".into()))?;
    let txn = db.begin().await?;
    upsert(&txn, &HolidayRow { day, name: name.trim().to_string(), make_up }).await?;
    let action = if make_up { "them_ngay_lam_bu" } else { "them_ngay_nghi" };
    audit::record(&txn, Some(actor.user_id), action, &domain::datefmt::format_date(day), name.trim()).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn upsert<C: ConnectionTrait>(db: &C, h: &HolidayRow) -> crate::Result<()> {
    let am = holiday::ActiveModel {
        day: Set(h.day),
        name: Set(h.name.clone()),
        kind: Set(if h.make_up { KIND_MAKE_UP } else { KIND_DAY_OFF }.to_string()),
    };
    if holiday::Entity::find_by_id(h.day).one(db).await?.is_some() {
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
