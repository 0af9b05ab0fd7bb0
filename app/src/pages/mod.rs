pub mod admin_users;
pub mod archive;
pub mod catalogue;
pub mod home;
pub mod login;
pub mod password;
pub mod report;
pub mod units;
