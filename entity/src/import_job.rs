use sea_orm::entity::prelude::*;

/// One upload of a catalogue or indicator file: what it contained, whether it
/// was applied, and every problem found. The result page reads it back.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_job")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: String,
    pub file_name: String,
    pub created_at: DateTimeUtc,
    pub applied: bool,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// JSON array of Vietnamese problem lines.
    #[sea_orm(column_type = "Text")]
    pub problems: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::app_user::Entity", from = "Column::UserId", to = "super::app_user::Column::Id")]
    User,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}
