use sea_orm::entity::prelude::*;

/// What a browser without JavaScript submitted when the save failed, so the
/// page can show it again with the error instead of losing it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "form_stash")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub report_id: i32,
    /// The clerk who submitted it: only they get it back.
    pub user_id: Option<i32>,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::report::Entity", from = "Column::ReportId", to = "super::report::Column::Id")]
    Report,
}

impl ActiveModelBehavior for ActiveModel {}
