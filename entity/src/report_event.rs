use sea_orm::entity::prelude::*;

/// A status change of a report, with who made it and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i32,
    pub at: DateTimeUtc,
    pub user_id: Option<i32>,
    pub from_status: String,
    pub to_status: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
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
