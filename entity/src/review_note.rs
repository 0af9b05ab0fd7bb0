use sea_orm::entity::prelude::*;

/// A reviewer's note on one row (cell key) of a report, written when the
/// office returns it; the clerk sees it beside the figure.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_note")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i32,
    pub cell: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub at: DateTimeUtc,
    pub user_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::report::Entity", from = "Column::ReportId", to = "super::report::Column::Id")]
    Report,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::report::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Report.def()
    }
}
