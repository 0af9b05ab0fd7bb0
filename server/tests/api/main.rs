//! Integration tests: one binary, a fresh database and port 0 per test, each
//! test run on SQLite and on PostgreSQL.

mod helpers;

mod access;
mod admin;
mod auth;
mod catalogue;
mod reports;
mod csrf;
mod durability;
mod loadtest;
mod hostile;
mod shell;
