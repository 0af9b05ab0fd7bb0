//! A report as a printable document in the Decree 30/2020/NĐ-CP layout
//! ([`domain::decree30`]). Readable by whoever reads the report elsewhere:
//! its unit's clerks and leaders and the province-wide roles. The report's
//! unit is checked before anything else of the report is read.

use crate::excel::target;
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::datefmt::vn_today;
use domain::decree30::{self, Printable};
use sea_orm::{EntityTrait, QuerySelect};

/// The printable form of report `id`.
pub async fn printable(db: &crate::Db, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<Printable> {
    // Whose report it is, before anything of it is loaded.
    let unit_id: Option<i32> =
        entity::report::Entity::find_by_id(id).select_only().column(entity::report::Column::UnitId).into_tuple().one(db).await?;
    let unit_id = unit_id.ok_or_else(|| ServiceError::NotFound("Không tìm thấy báo cáo.".into()))?;
    super::require_read(actor, unit_id)?;
    let t = target::of_report(db, id).await?;
    let (figures, comments) = t.stored(db).await?;
    let refs = t.references(db).await?;
    let receiving = crate::org::find_unit_by_code(db, &t.doc.receiving_unit).await.map(|u| u.name).unwrap_or_default();
    let issuer = decree30::issuer(t.unit.kind, &t.unit.code, &t.unit.name, &t.unit.short_name);
    let loaded = t.loaded.as_ref().ok_or_else(|| ServiceError::NotFound("Không tìm thấy báo cáo.".into()))?;
    let dated = loaded.report.sent_at.map_or_else(|| vn_today(now), vn_today);
    let texts: Vec<String> = serde_json::from_str(&loaded.report.narrative).unwrap_or_default();
    let narrative = t
        .doc
        .outline
        .iter()
        .zip(texts.into_iter().chain(std::iter::repeat(String::new())))
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(section, text)| (section.title.clone(), text))
        .collect();
    let rows = decree30::rows(&t.doc, &t.specs, &figures, &refs, &comments);
    Ok(Printable {
        report_id: id,
        place_date: decree30::place_date(&issuer.place, dated),
        issuer,
        number: None,
        subject: decree30::subject(&t.doc.name),
        period_label: t.period.label(),
        form_number: t.doc.form_number.clone(),
        receiving_unit: receiving,
        status: loaded.status,
        columns: decree30::value_columns(&t.doc).iter().map(|c| c.label().to_string()).collect(),
        has_comments: rows.iter().any(|r| !r.comment.trim().is_empty()),
        rows,
        narrative,
    })
}
