//! Server-side use cases over a database connection. Each public function is
//! one use case: it checks who is asking, does its work in one transaction and
//! returns plain data (`domain::views`) or a [`ServiceError`].

pub mod aggregate;
pub mod audit;
pub mod auth;
pub mod board;
pub mod catalogue;
pub mod codes;
pub mod db;
pub mod demo;
pub mod demo_catalogue;
pub mod error;
pub mod excel;
pub mod feeds;
pub mod loadtest;
pub mod org;
pub mod password;
pub mod reminders;
pub mod reports;
pub mod users;

pub use error::ServiceError;
pub use sea_orm::DatabaseConnection as Db;

pub type Result<T> = std::result::Result<T, ServiceError>;
