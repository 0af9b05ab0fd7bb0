use sea_orm::entity::prelude::*;

/// Something the provincial office did to a unit's report or period
/// (accept, return, reopen, grant or revoke an exception): shown on the
/// unit's page.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "office_action")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub user_id: Option<i32>,
    pub unit_id: i32,
    pub regime_id: i32,
    pub period_key: String,
    pub report_id: Option<i32>,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org_unit::Entity", from = "Column::UnitId", to = "super::org_unit::Column::Id")]
    Unit,
    #[sea_orm(belongs_to = "super::regime::Entity", from = "Column::RegimeId", to = "super::regime::Column::Id")]
    Regime,
    #[sea_orm(belongs_to = "super::report::Entity", from = "Column::ReportId", to = "super::report::Column::Id")]
    Report,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::org_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::regime::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Regime.def()
    }
}

impl Related<super::report::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Report.def()
    }
}
