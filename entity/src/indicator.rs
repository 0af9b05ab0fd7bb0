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
    /// The national statistical code (QĐ 05/2023/QĐ-TTg), empty when the
    /// indicator is not one of the provincial statistical indicators.
    pub national_code: String,
    /// For a rate: the codes of the indicators it is numerator ÷ denominator × 100 of.
    pub rate_numerator: Option<String>,
    pub rate_denominator: Option<String>,
    /// Published as open data (`/du-lieu-mo`).
    pub public: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::org_unit::Entity", from = "Column::OwnerUnitId", to = "super::org_unit::Column::Id")]
    OwnerUnit,
    #[sea_orm(belongs_to = "super::breakdown::Entity", from = "Column::BreakdownId", to = "super::breakdown::Column::Id")]
    Breakdown,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::org_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OwnerUnit.def()
    }
}

impl Related<super::breakdown::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Breakdown.def()
    }
}
