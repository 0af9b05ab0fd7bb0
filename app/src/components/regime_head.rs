//! The head every page of one regime shares (title, version state, tabs)
//! and the regime's id from the address.

use crate::api::catalogue::RegimePage as RegimeData;
use crate::components::tabs::RegimeTabs;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The head of every regime page: title, version state, tabs.
#[component]
pub fn RegimeHead(data: RegimeData) -> impl IntoView {
    let d = &data.detail;
    let state = if d.current_version == 0 {
        "Bản nháp, chưa ban hành".to_string()
    } else if d.unpublished_changes {
        format!("Đang áp dụng phiên bản {} · bản nháp có thay đổi chưa ban hành", d.current_version)
    } else {
        format!("Đang áp dụng phiên bản {}", d.current_version)
    };
    view! {
        <div class="page-head">
            <h1>{d.draft.name.clone()}</h1>
            <p class="muted"><code>{d.draft.code.clone()}</code>{format!(" · {state}{}", if d.active { "" } else { " · ngừng áp dụng" })}</p>
        </div>
        <RegimeTabs id=d.id/>
    }
}

pub fn regime_id() -> impl Fn() -> i32 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|s| s.parse::<i32>().ok()).unwrap_or(0)
}
