//! The bell: unread notifications, linked to their list. A plain link, so
//! it works without JavaScript; the count is read when the page is made.

use crate::api::notifications::unread_count;
use leptos::prelude::*;

#[component]
pub fn Bell() -> impl IntoView {
    let count = Resource::new(|| (), |_| unread_count());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let n = count.await.unwrap_or(0);
                let label = if n == 0 { "Thông báo: không có thông báo mới".to_string() } else { format!("Thông báo: {n} chưa đọc") };
                view! {
                    <a href="/thong-bao" class="bell" aria-label=label.clone() title=label>
                        <span aria-hidden="true">"🔔"</span>
                        " Thông báo"
                        {(n > 0).then(|| view! { <span class="bell-count">{n}</span> })}
                    </a>
                }
            })}
        </Suspense>
    }
}
