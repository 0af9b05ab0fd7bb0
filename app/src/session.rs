//! Who is signed in, loaded once per page load (on the server, then handed to
//! the browser with the page) and shared through context.

use crate::api::auth::{SessionInfo, get_session_info};
use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct SessionCtx {
    pub info: Resource<Result<SessionInfo, AppError>>,
}

pub fn provide_session() {
    let info = Resource::new_blocking(|| (), |_| get_session_info());
    provide_context(SessionCtx { info });
}

pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}

impl SessionCtx {
    /// The CSRF token for forms, once the session info has arrived.
    pub fn csrf(&self) -> String {
        self.info.get().and_then(|r| r.ok()).map(|i| i.csrf).unwrap_or_default()
    }
}
