//! Reminders that reach people:
//!
//! - [`notices`]: in-app notifications (the bell): added once per person and key, listed, marked read;
//! - [`daily`]: the daily run (due in N days, due today, overdue; the units'
//!   and the office's e-mails), once a day across servers thanks to a lease
//!   in the database and a record of each e-mail;
//! - [`mail`]: SMTP settings and sending (lettre), off when not configured.

pub mod daily;
pub mod mail;
pub mod notices;
