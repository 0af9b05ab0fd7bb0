use sea_orm::entity::prelude::*;

/// One figure of a report: numbers as scaled integers (value × 10^scale),
/// yes/no as 0/1, dates as days from the common era; text in `txt`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_value")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i32,
    pub indicator_id: i32,
    /// Breakdown part code; empty for the total.
    pub part: String,
    pub num: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub txt: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub unit_id: i32,
    pub regime_id: i32,
    pub period_key: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i32>,
    /// Text that could not be read as a figure, kept as typed in `txt`.
    pub invalid: bool,
    /// Copied from the previous period and not yet confirmed by the clerk
    /// (a change replaces the row, which clears it).
    pub copied: bool,
    /// 0: the report is still in the unit; 1: sent; 2: accepted.
    pub delivery: i16,
    pub period_year: i32,
    /// The period's frequency code (`thang`, `quy`…).
    pub frequency: String,
    /// Month, quarter or half within the year; 1 for nine months and year; 0 one-off.
    pub ordinal: i16,
    /// Decimal places of `num`.
    pub scale: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::report::Entity", from = "Column::ReportId", to = "super::report::Column::Id")]
    Report,
    #[sea_orm(belongs_to = "super::indicator::Entity", from = "Column::IndicatorId", to = "super::indicator::Column::Id")]
    Indicator,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::report::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Report.def()
    }
}

impl Related<super::indicator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Indicator.def()
    }
}
