use sea_orm::entity::prelude::*;

/// A machine client's bearer token: only its SHA-256 is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The machine-client account the token acts as.
    pub user_id: i32,
    pub name: String,
    /// The token's first characters, to recognise it in the list.
    pub prefix: String,
    #[sea_orm(unique)]
    pub hash: String,
    pub can_write: bool,
    /// JSON array of the unit ids the token may write for.
    #[sea_orm(column_type = "Text")]
    pub write_units: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
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
