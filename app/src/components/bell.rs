//! The bell: unread notifications, linked to their list. A plain link, so
//! it works without JavaScript; the count is read when the page is made.

use leptos::prelude::*;

/// Takes the count already read by the layout: a resource made inside the
/// layout's suspense would be numbered differently in the browser than on
/// the server, and its missing value broke hydration of the header.
#[component]
pub fn Bell(count: u64) -> impl IntoView {
    let label = if count == 0 { "Thông báo: không có thông báo mới".to_string() } else { format!("Thông báo: {count} chưa đọc") };
    view! {
        <a href="/thong-bao" class="bell" aria-label=label.clone() title=label>
            <span aria-hidden="true">"🔔"</span>
            " Thông báo"
            {(count > 0).then(|| view! { <span class="bell-count">{count}</span> })}
        </a>
    }
}
