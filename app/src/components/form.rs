//! Pieces every form uses: the CSRF field, field messages, the banner.

use crate::error::AppError;
use crate::session::use_session;
use leptos::prelude::*;

/// The hidden field that proves a form came from one of our pages.
#[component]
pub fn CsrfField() -> impl IntoView {
    let session = use_session();
    view! { <input type="hidden" name="csrf" value=move || session.csrf()/> }
}

/// The message under one input, if the last submission failed on it.
#[component]
pub fn FieldMessage(error: Signal<Option<AppError>>, #[prop(into)] name: String) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.field(&name)).map(|m| {
            view! { <p class="field-error" id=format!("{name}-error") role="alert">{m}</p> }
        })
    }
}

/// The line at the top of a form when the last submission failed.
#[component]
pub fn FormBanner(error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().and_then(|e| e.banner()).map(|m| view! { <div class="banner banner-error" role="alert">{m}</div> })
}

/// Every message of a failed submission, as a list under a title: for an
/// action whose problems are not all fields of one form (publishing a
/// regime checks the form, the outline and the rules).
#[component]
pub fn ErrorList(error: Signal<Option<AppError>>, #[prop(into)] title: String) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let items: Vec<String> = match &e {
                AppError::Validation(f) => f.0.iter().map(|x| x.message.clone()).collect(),
                other => vec![other.to_string()],
            };
            view! {
                <div class="banner banner-error" role="alert">
                    <p>{title.clone()}</p>
                    <ul>{items.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                </div>
            }
        })
    }
}

/// A line confirming something was done.
#[component]
pub fn Notice(#[prop(into)] message: String) -> impl IntoView {
    view! { <div class="banner banner-ok" role="status">{message}</div> }
}

/// A secret shown once, right after it was made (an API token, a webhook's
/// signing key): the server keeps no way to show it again.
#[component]
pub fn SecretOnce(title: &'static str, hint: &'static str, secret: String) -> impl IntoView {
    view! {
        <section class="card notice" role="status">
            <h2>{title}</h2>
            <p>{hint}</p>
            <p><code class="secret">{secret}</code></p>
        </section>
    }
}
