//! Pages that say what went wrong, with the matching HTTP status.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_location;

/// Sets the response status while rendering on the server.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(o), Ok(c)) = (use_context::<leptos_axum::ResponseOptions>(), axum::http::StatusCode::from_u16(code)) {
        o.set_status(c);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

fn title_for(status: u16) -> &'static str {
    match status {
        403 => "Không có quyền truy cập",
        404 => "Không tìm thấy",
        409 => "Dữ liệu đã thay đổi",
        429 => "Tạm thời bị giới hạn",
        401 => "Cần đăng nhập",
        _ => "Hệ thống gặp sự cố",
    }
}

#[component]
pub fn ErrorPage(status: u16, #[prop(into)] message: String) -> impl IntoView {
    set_status(status);
    view! {
        <section class="error-page" data-status=status>
            <p class="error-code">{status}</p>
            <h1>{title_for(status)}</h1>
            <p>{message}</p>
            <p><a class="button" href="/">"Về trang chủ"</a></p>
        </section>
    }
}

/// What a page shows while its data is on the way.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading">"Đang tải…"</p> }
}

/// Links to the previous and next page of a list; `link` builds the URL of page N.
#[component]
pub fn Pager(current: u64, pages: u64, link: impl Fn(u64) -> String) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Phân trang">
            {(current > 1).then(|| view! { <A href=link(current - 1)>"‹ Trang trước"</A> })}
            {(current < pages).then(|| view! { <A href=link(current + 1)>"Trang sau ›"</A> })}
        </nav>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage status=404 message="Trang bạn tìm không có hoặc đã được chuyển đi. Hãy kiểm tra lại địa chỉ."/> }
}

/// The sign-in page, remembering where the user wanted to go.
#[component]
pub fn ToSignIn() -> impl IntoView {
    let loc = use_location();
    let here = format!("{}{}", loc.pathname.get_untracked(), {
        let s = loc.search.get_untracked();
        if s.is_empty() { String::new() } else { format!("?{s}") }
    });
    view! { <Redirect path=format!("/dang-nhap?tiep={}", crate::util::url_encode(&here))/> }
}

/// Shows any server-function error as a page; "not signed in" goes to sign-in.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <ToSignIn/> }.into_any(),
        other => view! { <ErrorPage status=other.status() message=other.to_string()/> }.into_any(),
    }
}
