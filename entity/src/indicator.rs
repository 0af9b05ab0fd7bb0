use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value_type: String,
    pub scale: i16,
    /// Bounds as scaled integers (value × 10^scale).
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub aggregation: String,
    pub sector: String,
    pub owner_unit_id: Option<i32>,
    pub statistical: bool,
    pub breakdown_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub method: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
