use sea_orm::entity::prelude::*;

/// A regime version × unit × period. `row_version` grows at every save so a
/// second editor never silently overwrites the first.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub regime_id: i32,
    pub regime_version_id: i32,
    pub unit_id: i32,
    pub period_key: String,
    pub status: String,
    pub row_version: i32,
    /// JSON array: the text of each outline section.
    #[sea_orm(column_type = "Text")]
    pub narrative: String,
    /// JSON object: rule index → the clerk's explanation of a warning.
    #[sea_orm(column_type = "Text")]
    pub explanations: String,
    pub window_exception_until: Option<Date>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i32>,
    pub sent_at: Option<DateTimeUtc>,
    pub sent_by: Option<i32>,
    pub on_time: Option<bool>,
    pub approved_at: Option<DateTimeUtc>,
    pub approved_by: Option<i32>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub return_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regime::Entity", from = "Column::RegimeId", to = "super::regime::Column::Id")]
    Regime,
    #[sea_orm(belongs_to = "super::regime_version::Entity", from = "Column::RegimeVersionId", to = "super::regime_version::Column::Id")]
    RegimeVersion,
    #[sea_orm(belongs_to = "super::org_unit::Entity", from = "Column::UnitId", to = "super::org_unit::Column::Id")]
    Unit,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::regime::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Regime.def()
    }
}

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
