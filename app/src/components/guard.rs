//! Pages that need a signed-in user with the right role.

use crate::components::status::{ErrorPage, ErrorView, Loading, ToSignIn};
use crate::session::use_session;
use domain::Actor;
use domain::views::SessionView;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use std::sync::Arc;

/// The refusal of the administrator's pages.
pub const ADMIN_ONLY: &str = "Chức năng này chỉ dành cho quản trị hệ thống.";

/// `allow` of the administrator's pages.
pub fn is_admin(a: &Actor) -> bool {
    a.is_admin()
}

/// Renders `children` for a signed-in user whom `allow` admits; otherwise
/// sends them to sign in, to change a temporary password, or shows 403.
/// The server functions behind the page check again: this guard is for the
/// user's sake, not the only line of defence.
#[component]
pub fn Protected<F, V>(
    #[prop(optional)] allow: Option<fn(&Actor) -> bool>,
    #[prop(optional, into)] refusal: Option<String>,
    /// Lets in a user who still has to replace a temporary password (the page where they do it).
    #[prop(optional)]
    allow_pending: bool,
    children: F,
) -> impl IntoView
where
    F: Fn(SessionView) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    let children = Arc::new(children);
    let refusal = refusal.unwrap_or_else(|| "Tài khoản của bạn không được dùng chức năng này.".into());
    view! {
        <Suspense fallback=Loading>
            {
                let children = children.clone();
                let refusal = refusal.clone();
                move || {
                    let children = children.clone();
                    let refusal = refusal.clone();
                    Suspend::new(async move {
                        match session.info.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(info) => match info.user {
                                None => view! { <ToSignIn/> }.into_any(),
                                Some(u) if u.must_change_password && !allow_pending => {
                                    view! { <Redirect path="/doi-mat-khau"/> }.into_any()
                                }
                                Some(u) if !allow.is_none_or(|f| f(&u.actor())) => {
                                    view! { <ErrorPage status=403 message=refusal/> }.into_any()
                                }
                                Some(u) => children(u).into_any(),
                            },
                        }
                    })
                }
            }
        </Suspense>
    }
}
