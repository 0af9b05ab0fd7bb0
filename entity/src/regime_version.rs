use sea_orm::entity::prelude::*;

/// A published, immutable version of a regime.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regime_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub regime_id: i32,
    pub version: i32,
    pub published_at: DateTimeUtc,
    pub published_by: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    /// The day from which this version governs (periods ending on or after it).
    pub effective_from: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regime::Entity", from = "Column::RegimeId", to = "super::regime::Column::Id")]
    Regime,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Entity::belongs_to(super::app_user::Entity).from(Column::PublishedBy).to(super::app_user::Column::Id).into()
    }
}

impl Related<super::regime::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Regime.def()
    }
}
