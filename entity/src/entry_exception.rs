use sea_orm::entity::prelude::*;

/// The office lets a unit enter a regime's report for a period until a later
/// day than the window allows, whether or not the report was started.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "entry_exception")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub regime_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period_key: String,
    pub until: Date,
    pub granted_by: Option<i32>,
    pub granted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regime::Entity", from = "Column::RegimeId", to = "super::regime::Column::Id")]
    Regime,
    #[sea_orm(belongs_to = "super::org_unit::Entity", from = "Column::UnitId", to = "super::org_unit::Column::Id")]
    Unit,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::regime::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Regime.def()
    }
}

impl Related<super::org_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}
