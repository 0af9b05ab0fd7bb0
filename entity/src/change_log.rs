use sea_orm::entity::prelude::*;

/// One change to figures, a report's status or the catalogue, in the order
/// clients follow (see `service::changes`). Written by triggers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The writing transaction (PostgreSQL); 0 on SQLite.
    pub txid: i64,
    /// `value`, `report_status` or `catalogue`.
    pub kind: String,
    /// The table changed (`report_value`, `report`, `indicator`…).
    pub entity: String,
    pub entity_id: i64,
    pub report_id: Option<i32>,
    pub unit_id: Option<i32>,
    pub indicator_id: Option<i32>,
    pub part: String,
    pub period_key: String,
    /// The row was deleted (a cleared value).
    pub tombstone: bool,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
