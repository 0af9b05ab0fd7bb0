use sea_orm::entity::prelude::*;

/// An Excel upload: read and checked in the background, shown as a
/// preview, applied when its clerk confirms. `preview` holds what the page
/// shows (`domain::excel::SheetPreview` list), `plan` what confirming
/// writes (typed figures per report), both JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "excel_import")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub file_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// dang_doc, xem_truoc, dang_nhap, da_nhap, loi.
    pub state: String,
    pub done: i32,
    pub total: i32,
    pub target_report_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub preview: String,
    #[sea_orm(column_type = "Text")]
    pub plan: String,
    pub applied_at: Option<DateTimeUtc>,
    /// The preview's summary line, for the list of recent uploads.
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::app_user::Entity", from = "Column::UserId", to = "super::app_user::Column::Id")]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
