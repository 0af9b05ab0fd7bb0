use sea_orm::entity::prelude::*;

/// A unit's yearly plan (kế hoạch năm) for an indicator of a regime, as a
/// scaled integer at the indicator's scale.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regime_plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub regime_id: i32,
    pub indicator_id: i32,
    pub unit_id: i32,
    pub year: i32,
    pub num: i64,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regime::Entity", from = "Column::RegimeId", to = "super::regime::Column::Id")]
    Regime,
    #[sea_orm(belongs_to = "super::indicator::Entity", from = "Column::IndicatorId", to = "super::indicator::Column::Id")]
    Indicator,
    #[sea_orm(belongs_to = "super::org_unit::Entity", from = "Column::UnitId", to = "super::org_unit::Column::Id")]
    Unit,
}

impl ActiveModelBehavior for ActiveModel {}
