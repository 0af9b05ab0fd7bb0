//! The office's note on one row of a returned report: chosen beside the
//! reason when returning, shown to the clerk beside the figure. The report
//! page provides [`ReviewNotes`] as context; these pieces read it.

use leptos::prelude::*;
use std::collections::HashMap;

/// The notes of the latest return (by cell key) and the rows a note may name.
#[derive(Clone, Debug, Default)]
pub struct ReviewNotes {
    pub notes: HashMap<String, String>,
    /// (indicator code, row label) in form order.
    pub rows: Vec<(String, String)>,
}

/// The note on this row, if the office wrote one.
#[component]
pub fn RowNote(#[prop(into)] key: String) -> impl IntoView {
    let note = use_context::<ReviewNotes>().and_then(|n| n.notes.get(&key).cloned());
    note.map(|n| view! { <p class="review-note" role="note"><strong>"Ý kiến Văn phòng UBND tỉnh: "</strong>{n}</p> })
}

/// The row and note fields of the office's return form.
#[component]
pub fn RowNoteFields() -> impl IntoView {
    let rows = use_context::<ReviewNotes>().map(|n| n.rows).unwrap_or_default();
    (!rows.is_empty()).then(|| {
        view! {
            <label for="row">"Dòng cần sửa (không bắt buộc)"</label>
            <select id="row" name="row">
                <option value="">"— Không chọn dòng —"</option>
                {rows.into_iter().map(|(code, label)| view! { <option value=code.clone()>{format!("{code} — {label}")}</option> }).collect_view()}
            </select>
            <label for="row_note">"Ý kiến cho dòng này (đơn vị thấy ngay bên cạnh số liệu)"</label>
            <input id="row_note" name="row_note" type="text"/>
        }
    })
}
