use sea_orm::entity::prelude::*;

/// An indicator a published regime version uses, written at publication:
/// "who uses this indicator" and "what a version asks" are queries, not a
/// parse of every version's document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regime_version_indicator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub regime_version_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_id: i32,
    /// Order of the row on the form.
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regime_version::Entity", from = "Column::RegimeVersionId", to = "super::regime_version::Column::Id")]
    RegimeVersion,
    #[sea_orm(belongs_to = "super::indicator::Entity", from = "Column::IndicatorId", to = "super::indicator::Column::Id")]
    Indicator,
}

impl Related<super::regime_version::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RegimeVersion.def()
    }
}

impl Related<super::indicator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Indicator.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
