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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
