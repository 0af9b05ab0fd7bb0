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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
