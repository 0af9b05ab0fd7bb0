use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "breakdown_part")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub breakdown_id: i32,
    pub code: String,
    pub name: String,
    pub sort_order: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::breakdown::Entity", from = "Column::BreakdownId", to = "super::breakdown::Column::Id")]
    Breakdown,
}

impl ActiveModelBehavior for ActiveModel {}
