use crate::config::Config;
use app::ssr::ServerContext;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: ServerContext,
    pub config: Arc<Config>,
    /// Paths of the files at the top of the site root (`/favicon.svg`…).
    pub static_files: Arc<std::collections::HashSet<String>>,
    /// Per-token rate limits of `/api/v1`.
    pub api_limits: Arc<crate::api_v1::Limits>,
    /// `/du-lieu-mo`: the licence and the files built so far.
    pub open_data: Arc<crate::open_data::OpenData>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
