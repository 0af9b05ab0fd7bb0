use sea_orm::entity::prelude::*;

/// One daily e-mail to one person: claimed before sending, so that it goes
/// out once per day and kind whichever server sends it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub day: Date,
    pub user_id: i32,
    pub kind: String,
    pub address: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub error: String,
    pub at: DateTimeUtc,
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
