use sea_orm::entity::prelude::*;

/// Every change of a report's texts: the narrative sections, a figure's
/// comment, the explanation of a warning. `field` names which
/// (`de_cuong.2`, `ghi_chu.T0101__nu`, `giai_trinh.3`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_text_audit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i32,
    pub at: DateTimeUtc,
    pub user_id: Option<i32>,
    pub field: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub old_text: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub new_text: Option<String>,
    pub source: String,
    /// The uploaded file a change came from (source Excel).
    pub source_file: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::report::Entity", from = "Column::ReportId", to = "super::report::Column::Id")]
    Report,
}

impl ActiveModelBehavior for ActiveModel {}
