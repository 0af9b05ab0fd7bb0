//! What the report form does in the browser beyond checking figures: bring
//! the first problem into view after a failed action, ask before leaving
//! with unsaved input, and save a draft on its own while the clerk types.
//! Without JavaScript none of this runs and the server's pages do the work.

use leptos::prelude::*;

/// Scrolls to and focuses the first field marked invalid (or the first
/// error banner), so the clerk sees what went wrong where they are looking.
pub fn focus_first_problem() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let target = doc.query_selector("[aria-invalid='true']").ok().flatten().or_else(|| doc.query_selector(".banner-error").ok().flatten());
        if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let opts = web_sys::ScrollIntoViewOptions::new();
            opts.set_block(web_sys::ScrollLogicalPosition::Center);
            el.scroll_into_view_with_scroll_into_view_options(&opts);
            if !el.has_attribute("tabindex") && el.tag_name() == "DIV" {
                let _ = el.set_attribute("tabindex", "-1");
            }
            let _ = el.focus();
        }
    }
}

/// While `dirty` holds, leaving the page (closing it, following a link,
/// reloading) asks the browser's "leave this page?" question first.
pub fn warn_before_leaving(dirty: Signal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty.get_untracked() {
                ev.prevent_default();
                ev.set_return_value("Số liệu chưa được lưu.");
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = dirty;
}

/// Every `every_secs`, if the form has unsaved input and nothing is being
/// sent, presses its "save draft" button for the clerk (the form's own
/// submit path: the same checks, the same answer shown).
pub fn autosave(form_id: &'static str, button_id: &'static str, dirty: Signal<bool>, busy: Signal<bool>, every_secs: u32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = set_interval_with_handle(
            move || {
                if !dirty.get_untracked() || busy.get_untracked() {
                    return;
                }
                let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
                let form = doc.get_element_by_id(form_id).and_then(|e| e.dyn_into::<web_sys::HtmlFormElement>().ok());
                let button = doc.get_element_by_id(button_id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let (Some(form), Some(button)) = (form, button) {
                    let _ = form.request_submit_with_submitter(Some(&button));
                }
            },
            std::time::Duration::from_secs(u64::from(every_secs)),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (form_id, button_id, dirty, busy, every_secs);
}
