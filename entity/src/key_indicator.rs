use sea_orm::entity::prelude::*;

/// An indicator on the leaders' dashboard, in the administrator's order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "key_indicator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_id: i32,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::indicator::Entity", from = "Column::IndicatorId", to = "super::indicator::Column::Id")]
    Indicator,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::indicator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Indicator.def()
    }
}
