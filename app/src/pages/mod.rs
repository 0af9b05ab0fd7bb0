pub mod admin_users;
pub mod home;
pub mod login;
pub mod password;
pub mod units;
