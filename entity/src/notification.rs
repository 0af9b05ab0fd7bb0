use sea_orm::entity::prelude::*;

/// An in-app notice to one person; `dedupe` makes each notice happen once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i32,
    pub kind: String,
    pub unit_id: i32,
    pub report_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub link: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    pub dedupe: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::app_user::Entity", from = "Column::UserId", to = "super::app_user::Column::Id")]
    User,
    #[sea_orm(belongs_to = "super::org_unit::Entity", from = "Column::UnitId", to = "super::org_unit::Column::Id")]
    Unit,
    #[sea_orm(belongs_to = "super::report::Entity", from = "Column::ReportId", to = "super::report::Column::Id")]
    Report,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::org_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::report::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Report.def()
    }
}
