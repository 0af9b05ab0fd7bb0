use sea_orm::entity::prelude::*;

/// The units a published version binds (groups expanded at publication).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regime_unit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub regime_version_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regime_version::Entity", from = "Column::RegimeVersionId", to = "super::regime_version::Column::Id")]
    RegimeVersion,
    #[sea_orm(belongs_to = "super::org_unit::Entity", from = "Column::UnitId", to = "super::org_unit::Column::Id")]
    Unit,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::regime_version::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RegimeVersion.def()
    }
}

impl Related<super::org_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}
