use sea_orm::entity::prelude::*;

/// Every change of a figure: who, when, old, new, and through what (form, Excel, API).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "value_audit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i32,
    pub indicator_id: i32,
    pub part: String,
    pub at: DateTimeUtc,
    pub user_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub old_value: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub new_value: Option<String>,
    pub source: String,
    /// The uploaded file a change came from (source Excel).
    pub source_file: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::report::Entity", from = "Column::ReportId", to = "super::report::Column::Id")]
    Report,
    #[sea_orm(belongs_to = "super::indicator::Entity", from = "Column::IndicatorId", to = "super::indicator::Column::Id")]
    Indicator,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::indicator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Indicator.def()
    }
}
