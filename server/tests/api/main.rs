//! Integration tests: one binary, a fresh database and port 0 per test, each
//! test run on SQLite and on PostgreSQL.

mod helpers;

mod access;
mod admin;
mod auth;
mod board;
mod catalogue;
mod catalogue_facts;
mod copy_previous;
mod csrf;
mod dhis2;
mod durability;
mod excel;
mod feeds;
mod hostile;
mod loadtest;
mod matrix;
mod open_data;
mod print;
mod qcvn125;
mod reports;
mod shell;
mod webhooks;
