pub mod form;
pub mod form_client;
pub mod guard;
pub mod layout;
pub mod report_form;
pub mod report_list;
pub mod status;
pub mod tabs;
