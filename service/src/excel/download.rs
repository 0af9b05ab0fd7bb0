//! Downloading forms: a report (or several) as the biểu mẫu, the empty form
//! of a report not started yet, and one workbook with a sheet per unit for
//! those who read many units. Whoever may read a unit's reports may
//! download its forms.

use super::layout::{Stamp, sheet_name};
use super::target::{self, Target};
use super::write::{FormSheet, workbook};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::entry::References;
use domain::figures::Figures;
use entity::{regime, regime_unit, regime_version};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// How many sheets one workbook may hold (the province has under 100 units).
pub const MAX_SHEETS: usize = 150;

/// A workbook and the name to save it under.
pub struct Download {
    pub bytes: Vec<u8>,
    pub file_name: String,
}

struct Parts {
    target: Target,
    refs: References,
    figures: Figures,
    comments: HashMap<String, String>,
    receiving: String,
    name: String,
}

fn forbidden() -> ServiceError {
    ServiceError::Forbidden("Bạn chỉ được tải biểu mẫu của đơn vị mình.".into())
}

/// "Biểu03-YT" from "Biểu số 03/YT": short, and written in cell references without quotes.
fn form_sheet_base(t: &Target) -> String {
    let number = t.doc.form_number.trim();
    let folded = domain::text::fold(number);
    let rest = if folded.starts_with("bieu so") {
        number.chars().skip("Biểu số".chars().count()).collect::<String>()
    } else if folded.starts_with("bieu") {
        number.chars().skip("Biểu".chars().count()).collect::<String>()
    } else {
        number.to_string()
    };
    // "03_YT": letters, digits and `_` only, so a reference needs no quotes (Biểu03_YT!E12).
    let rest: String = rest
        .trim()
        .trim_start_matches(':')
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    if rest.is_empty() { format!("Biểu{}", t.regime.code) } else { format!("Biểu{rest}") }
}

fn ascii_slug(s: &str) -> String {
    let folded = domain::text::fold(s);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

async fn parts(db: &crate::Db, t: Target, name: String) -> Result<Parts> {
    let refs = t.references(db).await?;
    let (figures, comments) = t.stored(db).await?;
    let receiving = crate::org::find_unit_by_code(db, &t.doc.receiving_unit).await.map(|u| u.name).unwrap_or_default();
    Ok(Parts { target: t, refs, figures, comments, receiving, name })
}

fn build(list: &[Parts], now: DateTime<Utc>) -> Result<Vec<u8>> {
    let sheets: Vec<FormSheet<'_>> = list
        .iter()
        .map(|p| FormSheet {
            name: p.name.clone(),
            doc: &p.target.doc,
            specs: &p.target.specs,
            refs: &p.refs,
            figures: &p.figures,
            comments: &p.comments,
            unit_name: p.target.unit.name.clone(),
            receiving_name: p.receiving.clone(),
            period: p.target.period,
            window: p.target.window,
            stamp: Stamp {
                sheet: p.name.clone(),
                regime_code: p.target.regime.code.clone(),
                version: p.target.version,
                unit_code: p.target.unit.code.clone(),
                period_key: p.target.period.key(),
                report_id: p.target.report_id(),
                row_version: p.target.row_version(),
                downloaded_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            },
        })
        .collect();
    workbook(&sheets).map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))
}

/// Started reports, a sheet each (one id: the report's form).
pub async fn reports(db: &crate::Db, actor: &Actor, ids: &[i32], now: DateTime<Utc>) -> Result<Download> {
    if ids.is_empty() {
        return Err(ServiceError::field("id", "Chưa chọn báo cáo nào để tải về."));
    }
    if ids.len() > MAX_SHEETS {
        return Err(ServiceError::field("id", format!("Mỗi lần tải tối đa {MAX_SHEETS} báo cáo.")));
    }
    let mut list = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for id in ids {
        // Whose report it is, before anything of it is read.
        let unit_id: Option<i32> =
            entity::report::Entity::find_by_id(*id).select_only().column(entity::report::Column::UnitId).into_tuple().one(db).await?;
        let unit_id = unit_id.ok_or_else(|| ServiceError::NotFound("Không tìm thấy báo cáo.".into()))?;
        if !actor.can_read_unit(unit_id) {
            return Err(forbidden());
        }
        let t = target::of_report(db, *id).await?;
        let wanted = if ids.len() == 1 { form_sheet_base(&t) } else { format!("{} {}", form_sheet_base(&t), t.period.key()) };
        let name = sheet_name(&wanted, &taken);
        taken.push(name.clone());
        list.push(parts(db, t, name).await?);
    }
    let file_name = match &list[..] {
        [one] => format!("bieu-mau-{}-{}-{}.xlsx", ascii_slug(&one.target.regime.code), ascii_slug(&one.target.unit.code), one.target.period.key()),
        _ => format!("bieu-mau-{}-bao-cao.xlsx", list.len()),
    };
    Ok(Download { bytes: build(&list, now)?, file_name })
}

/// A unit's form for a regime and period: its report if started, else the
/// empty form (so a unit can start offline). Without a unit: the caller's.
pub async fn form(db: &crate::Db, actor: &Actor, regime_id: i32, period_key: &str, unit_id: Option<i32>, now: DateTime<Utc>) -> Result<Download> {
    let unit_id = unit_id.unwrap_or(actor.unit_id);
    if !actor.can_read_unit(unit_id) {
        return Err(forbidden());
    }
    let t = target::of_triple(db, regime_id, unit_id, period_key).await?;
    let name = sheet_name(&form_sheet_base(&t), &[]);
    let file_name = format!("bieu-mau-{}-{}-{}.xlsx", ascii_slug(&t.regime.code), ascii_slug(&t.unit.code), t.period.key());
    let list = vec![parts(db, t, name).await?];
    Ok(Download { bytes: build(&list, now)?, file_name })
}

/// A regime's form for a period with a sheet per unit it binds that the
/// caller may read: every unit for a reviewer or a leader, the caller's own
/// for a clerk.
pub async fn units(db: &crate::Db, actor: &Actor, regime_id: i32, period_key: &str, now: DateTime<Utc>) -> Result<Download> {
    let r = regime::Entity::find_by_id(regime_id).one(db).await?.ok_or_else(|| ServiceError::NotFound("Không tìm thấy chế độ báo cáo.".into()))?;
    let version = regime_version::Entity::find()
        .filter(regime_version::Column::RegimeId.eq(r.id))
        .filter(regime_version::Column::Version.eq(r.current_version))
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("Chế độ báo cáo này chưa ban hành biểu mẫu.".into()))?;
    let mut unit_ids: Vec<i32> = regime_unit::Entity::find()
        .filter(regime_unit::Column::RegimeVersionId.eq(version.id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.unit_id)
        .filter(|u| actor.can_read_unit(*u))
        .collect();
    if unit_ids.is_empty() {
        return Err(ServiceError::Forbidden("Không có đơn vị nào của chế độ này mà bạn được xem.".into()));
    }
    let mut units = Vec::new();
    for id in unit_ids.drain(..) {
        units.push(crate::org::find_unit(db, id).await?);
    }
    units.sort_by(|a, b| a.code.cmp(&b.code));
    units.truncate(MAX_SHEETS);
    let mut list = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for u in units {
        let t = target::of_triple(db, r.id, u.id, period_key).await?;
        let short = if u.short_name.trim().is_empty() { u.name.clone() } else { u.short_name.clone() };
        let name = sheet_name(&format!("{} {short}", u.code), &taken);
        taken.push(name.clone());
        list.push(parts(db, t, name).await?);
    }
    let period = list[0].target.period.key();
    let file_name = format!("bieu-mau-{}-{period}-{}-don-vi.xlsx", ascii_slug(&r.code), list.len());
    Ok(Download { bytes: build(&list, now)?, file_name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_sheet_names_are_plain() {
        assert_eq!(ascii_slug("YTE_THANG"), "yte-thang");
        assert_eq!(ascii_slug("Sở Y tế"), "so-y-te");
    }
}
