use domain::FieldErrors;
use sea_orm::DbErr;

/// Every way a use case can fail. The web layer maps each variant to a status
/// and a Vietnamese message; `Internal` details go to the log only.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("chưa đăng nhập")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Validation(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// A unique key already taken (usually by a concurrent request); callers
    /// that know which field it is turn it into a field error.
    #[error("duplicate key: {0}")]
    Duplicate(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn forbidden() -> Self {
        ServiceError::Forbidden("Bạn không có quyền thực hiện thao tác này.".into())
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation(FieldErrors::single(field, message))
    }
}

impl From<DbErr> for ServiceError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(m)) => ServiceError::Duplicate(m),
            _ => ServiceError::Internal(format!("database: {e}")),
        }
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        ServiceError::Validation(e)
    }
}

impl From<tokio::task::JoinError> for ServiceError {
    fn from(e: tokio::task::JoinError) -> Self {
        ServiceError::Internal(format!("blocking task: {e}"))
    }
}
