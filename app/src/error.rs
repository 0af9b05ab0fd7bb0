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
    #[error("Không liên lạc được với máy chủ ({0}). Vui lòng kiểm tra kết nối và thử lại.")]
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
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Validation(FieldErrors::single(
                "form",
                "Biểu mẫu gửi lên thiếu hoặc sai dữ liệu. Vui lòng tải lại trang và thử lại.",
            )),
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// The error of an action as seen by a form: `None` while nothing failed.
pub fn action_error<T: Clone>(value: Option<Result<T, AppError>>) -> Option<AppError> {
    value.and_then(|r| r.err())
}
