//! The log of catalogue uploads: each upload is checked, applied or not, and
//! its outcome kept so the result page can show every problem.

use crate::{ServiceError, users::require_admin};
use chrono::{DateTime, Utc};
use domain::Actor;
use entity::import_job;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};

pub const KIND_CATALOGUE: &str = "danh_muc_json";
pub const KIND_INDICATORS: &str = "chi_tieu_xlsx";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJobView {
    pub id: i32,
    pub kind: String,
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub applied: bool,
    pub summary: String,
    pub problems: Vec<String>,
}

fn view(m: import_job::Model) -> ImportJobView {
    ImportJobView {
        id: m.id,
        problems: serde_json::from_str(&m.problems).unwrap_or_default(),
        kind: m.kind,
        file_name: m.file_name,
        created_at: m.created_at,
        applied: m.applied,
        summary: m.summary,
    }
}

async fn record(db: &crate::Db, actor: &Actor, kind: &str, file_name: &str, outcome: Result<String, Vec<String>>) -> crate::Result<i32> {
    let (applied, summary, problems) = match outcome {
        Ok(s) => (true, s, Vec::new()),
        Err(p) => (false, format!("Không nhập: tệp có {} lỗi, dữ liệu chưa thay đổi.", p.len()), p),
    };
    let m = import_job::ActiveModel {
        user_id: Set(actor.user_id),
        kind: Set(kind.into()),
        file_name: Set(file_name.chars().take(255).collect()),
        created_at: Set(Utc::now()),
        applied: Set(applied),
        summary: Set(summary),
        problems: Set(serde_json::to_string(&problems).unwrap_or_else(|_| "[]".into())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(m.id)
}

/// Imports a catalogue JSON file and records the outcome; returns the job id.
pub async fn import_catalogue(db: &crate::Db, actor: &Actor, file_name: &str, bytes: &[u8]) -> crate::Result<i32> {
    require_admin(actor)?;
    let outcome = super::transfer::import(db, actor, bytes).await?.map(|s| format!("Đã nhập danh mục: {}", s.describe()));
    record(db, actor, KIND_CATALOGUE, file_name, outcome).await
}

/// Imports an indicator workbook and records the outcome; returns the job id.
pub async fn import_indicators(db: &crate::Db, actor: &Actor, file_name: &str, bytes: &[u8]) -> crate::Result<i32> {
    require_admin(actor)?;
    let outcome = super::xlsx::import(db, actor, bytes)
        .await?
        .map(|(c, u)| format!("Đã nhập danh sách chỉ tiêu: {c} chỉ tiêu thêm mới, {u} chỉ tiêu cập nhật."));
    record(db, actor, KIND_INDICATORS, file_name, outcome).await
}

pub async fn get(db: &crate::Db, actor: &Actor, id: i32) -> crate::Result<ImportJobView> {
    require_admin(actor)?;
    import_job::Entity::find_by_id(id).one(db).await?.map(view).ok_or_else(|| ServiceError::NotFound("Không tìm thấy lần nhập này.".into()))
}

pub async fn recent(db: &crate::Db, actor: &Actor) -> crate::Result<Vec<ImportJobView>> {
    require_admin(actor)?;
    Ok(import_job::Entity::find()
        .filter(import_job::Column::Id.gt(0))
        .order_by_desc(import_job::Column::Id)
        .limit(10)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}
