//! The one error type of every server function: what went wrong, in words a
//! user can act on. Internal details never reach the browser.

use domain::FieldErrors;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Phiên làm việc đã hết hạn hoặc bạn chưa đăng nhập. Vui lòng đăng nhập lại.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("Dữ liệu chưa hợp lệ: {0}")]
    Validation(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Hệ thống gặp sự cố khi xử lý yêu cầu. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại sau ít phút.")]
    Internal,
    /// The network failed, or the answer could not be read; the detail is
    /// for the browser console, never shown.
    #[error("Không liên lạc được với máy chủ. Vui lòng kiểm tra kết nối mạng và thử lại; những gì bạn đã nhập vẫn còn trên trang.")]
    Transport(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// The message for one form field, if this is a validation error about it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation(e) => e.for_field(name).map(str::to_string),
            _ => None,
        }
    }

    /// The message for the top of a form: validation errors are shown by their
    /// fields, so this is only for the rest.
    pub fn banner(&self) -> Option<String> {
        match self {
            AppError::Validation(e) if e.0.len() == 1 && e.0[0].field == "form" => Some(e.0[0].message.clone()),
            AppError::Validation(_) => Some("Vui lòng sửa các ô được đánh dấu bên dưới.".into()),
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The form's fields could not be read into the function's
            // arguments (on the server, or in the browser before sending):
            // the user hears which field, never the decoder's words.
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Serialization(m) => argument_error(&m),
            ServerFnErrorErr::MissingArg(name) => argument_error(&format!("missing field `{name}`")),
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// `missing field `role`` and `invalid digit … for key `id`` name a field;
/// that field gets the message, anything else goes to the top of the form.
fn argument_error(detail: &str) -> AppError {
    let named = detail.split('`').nth(1).filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match named {
        Some(field) if detail.contains("missing field") => AppError::Validation(FieldErrors::single(field, "Vui lòng điền hoặc chọn mục này.")),
        Some(field) => AppError::Validation(FieldErrors::single(field, "Giá trị của mục này không đúng dạng.")),
        None => AppError::Validation(FieldErrors::single("form", "Biểu mẫu gửi lên thiếu hoặc sai dữ liệu. Vui lòng tải lại trang và thử lại.")),
    }
}

/// The error of an action as seen by a form: `None` while nothing failed.
pub fn action_error<T: Clone>(value: Option<Result<T, AppError>>) -> Option<AppError> {
    value.and_then(|r| r.err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_errors_become_field_messages() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Serialization("missing field `role` at line 1 column 19".into()));
        assert_eq!(e.field("role").as_deref(), Some("Vui lòng điền hoặc chọn mục này."));
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("invalid digit found in string for key `id`".into()));
        assert_eq!(e.field("id").as_deref(), Some("Giá trị của mục này không đúng dạng."));
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("expected `&` at 3".into()));
        assert!(e.field("form").is_some());
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Request("connection refused".into()));
        assert!(!e.to_string().contains("connection refused"));
        assert!(!format!("{}", AppError::Transport("error serializing".into())).contains("serializing"));
    }
}
