//! The report a workbook sheet fills — one already started, or the empty
//! form of one not started yet — with everything needed to write its sheet
//! or check an upload against it.

use crate::catalogue::regimes::parse_doc;
use crate::reports::store::{self, IndicatorIds};
use crate::reports::{Loaded, load};
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::calendar::{EntryState, EntryWindow};
use domain::datefmt::{format_date, vn_today};
use domain::entry::References;
use domain::figures::Figures;
use domain::indicator::IndicatorSpec;
use domain::period::Period;
use domain::regime::RegimeDoc;
use domain::report::ReportStatus;
use domain::views::UnitRow;
use entity::{regime, regime_unit, regime_version, report};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub struct Target {
    /// The report, when it has been started.
    pub loaded: Option<Loaded>,
    pub regime: regime::Model,
    pub version: i32,
    pub doc: RegimeDoc,
    pub specs: HashMap<String, IndicatorSpec>,
    pub ids: IndicatorIds,
    pub unit: UnitRow,
    pub period: Period,
    pub window: EntryWindow,
}

impl Target {
    pub fn report_id(&self) -> Option<i32> {
        self.loaded.as_ref().map(|l| l.report.id)
    }

    pub fn row_version(&self) -> i32 {
        self.loaded.as_ref().map_or(0, |l| l.report.row_version)
    }

    pub fn status(&self) -> ReportStatus {
        self.loaded.as_ref().map_or(ReportStatus::Draft, |l| l.status)
    }

    /// Why figures cannot go in now, if they cannot (the report sent or
    /// accepted, the period not open or locked). Who asks is checked apart.
    pub fn closed_because(&self, now: DateTime<Utc>) -> Option<String> {
        if !self.status().is_editable() {
            return Some(format!(
                "Báo cáo đang ở trạng thái \"{}\" nên không sửa được; báo cáo chỉ sửa lại được khi bị trả lại.",
                self.status().label()
            ));
        }
        let exception = self.loaded.as_ref().and_then(|l| l.report.window_exception_until);
        match self.window.state(vn_today(now), exception) {
            EntryState::NotOpen => Some(format!("{} chưa mở để nhập số liệu (mở từ ngày {}).", self.period.label(), format_date(self.window.opens))),
            EntryState::Locked => Some(format!(
                "Kỳ báo cáo {} đã khóa (hạn nhận cuối cùng {}). Liên hệ Văn phòng UBND tỉnh nếu cần được mở lại.",
                self.period.label(),
                format_date(exception.map_or(self.window.locks, |e| e.max(self.window.locks)))
            )),
            _ => None,
        }
    }

    /// The stored figures (typed) and comments.
    pub async fn stored<C: ConnectionTrait>(&self, db: &C) -> Result<(Figures, HashMap<String, String>)> {
        let Some(l) = &self.loaded else { return Ok((Figures::default(), HashMap::new())) };
        let rows = store::load_values(db, l.report.id, &self.ids).await?;
        let comments = rows.iter().filter(|(_, r)| !r.comment.is_empty()).map(|(k, r)| (k.clone(), r.comment.clone())).collect();
        Ok((store::figures_of(&self.doc, &self.specs, &rows), comments))
    }

    pub async fn references<C: ConnectionTrait>(&self, db: &C) -> Result<References> {
        store::references(db, self.unit.id, self.regime.id, &self.period, &self.specs, &self.ids).await
    }
}

fn not_found(what: &str) -> ServiceError {
    ServiceError::NotFound(what.to_string())
}

async fn specs_and_ids<C: ConnectionTrait>(db: &C, doc: &RegimeDoc) -> Result<(HashMap<String, IndicatorSpec>, IndicatorIds)> {
    let found = crate::catalogue::indicators::specs_for(db, &doc.indicator_codes()).await?;
    let ids = IndicatorIds {
        by_code: found.iter().map(|(id, s)| (s.code.clone(), *id)).collect(),
        by_id: found.iter().map(|(id, s)| (*id, s.code.clone())).collect(),
    };
    Ok((found.into_iter().map(|(_, s)| (s.code.clone(), s)).collect(), ids))
}

/// A started report.
pub async fn of_report<C: ConnectionTrait>(db: &C, id: i32) -> Result<Target> {
    let l = load(db, id).await?;
    let unit = crate::org::find_unit(db, l.report.unit_id).await?;
    Ok(Target {
        regime: l.regime.clone(),
        version: l.version,
        doc: l.doc.clone(),
        specs: l.specs.clone(),
        ids: IndicatorIds { by_code: l.ids.by_code.clone(), by_id: l.ids.by_id.clone() },
        unit,
        period: l.period,
        window: l.window,
        loaded: Some(l),
    })
}

/// The report of a regime, unit and period: the one started, or the empty
/// form of the regime's current version (the one a start would bind) for a
/// unit the regime binds.
pub async fn of_triple<C: ConnectionTrait>(db: &C, regime_id: i32, unit_id: i32, period_key: &str) -> Result<Target> {
    let period = Period::parse_key(period_key).map_err(|e| ServiceError::field("ky", e.to_string()))?;
    let existing = report::Entity::find()
        .filter(report::Column::RegimeId.eq(regime_id))
        .filter(report::Column::UnitId.eq(unit_id))
        .filter(report::Column::PeriodKey.eq(period.key()))
        .one(db)
        .await?;
    if let Some(r) = existing {
        return of_report(db, r.id).await;
    }
    let regime = regime::Entity::find_by_id(regime_id).one(db).await?.ok_or_else(|| not_found("Không tìm thấy chế độ báo cáo."))?;
    let version = regime_version::Entity::find()
        .filter(regime_version::Column::RegimeId.eq(regime.id))
        .filter(regime_version::Column::Version.eq(regime.current_version))
        .one(db)
        .await?
        .ok_or_else(|| not_found("Chế độ báo cáo này chưa ban hành biểu mẫu."))?;
    let bound = regime_unit::Entity::find()
        .filter(regime_unit::Column::RegimeVersionId.eq(version.id))
        .filter(regime_unit::Column::UnitId.eq(unit_id))
        .one(db)
        .await?;
    let unit = crate::org::find_unit(db, unit_id).await?;
    if bound.is_none() || !regime.active {
        return Err(ServiceError::NotFound(format!("{} không thuộc đối tượng thực hiện chế độ báo cáo \"{}\".", unit.name, regime.name)));
    }
    let doc = parse_doc(&version.definition)?;
    if period.frequency() != doc.schedule.frequency {
        return Err(ServiceError::field(
            "ky",
            format!("Chế độ này báo cáo {}, không theo kỳ {}.", doc.schedule.frequency.label().to_lowercase(), period.label()),
        ));
    }
    let (specs, ids) = specs_and_ids(db, &doc).await?;
    let holidays = crate::catalogue::holidays::all(db).await?;
    let window = doc.schedule.entry_window(&period, &holidays);
    Ok(Target { loaded: None, regime, version: version.version, doc, specs, ids, unit, period, window })
}

/// By the codes a hidden sheet names.
pub async fn of_codes<C: ConnectionTrait>(db: &C, regime_code: &str, unit_code: &str, period_key: &str) -> Result<Target> {
    let regime = regime::Entity::find()
        .filter(regime::Column::Code.eq(regime_code))
        .one(db)
        .await?
        .ok_or_else(|| not_found(&format!("Không có chế độ báo cáo mã {regime_code}.")))?;
    let unit = crate::org::find_unit_by_code(db, unit_code).await?;
    of_triple(db, regime.id, unit.id, period_key).await
}
