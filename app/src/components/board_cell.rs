//! What the board and a unit's record share: a report's status in a cell,
//! and the board's query read from the address bar (the board and the
//! printable overdue list take the same one).

use crate::api::board::BoardQuery;
use domain::board::CellStatus;
use domain::datefmt::format_datetime;
use domain::office::BoardCell;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The board's query from the page's URL.
pub fn query_from_url() -> Memo<BoardQuery> {
    let q = use_query_map();
    Memo::new(move |_| {
        let q = q.read();
        BoardQuery { thang: q.get("thang"), che_do: q.get("che_do"), linh_vuc: q.get("linh_vuc"), nhom: q.get("nhom"), sap_xep: q.get("sap_xep") }
    })
}

/// A status in words, its colour only a help (class `st-…`).
#[component]
pub fn StatusCell(cell: BoardCell, #[prop(optional)] period: Option<String>, #[prop(optional)] pick: bool) -> impl IntoView {
    let c = cell.cell;
    let late = c.days_late.filter(|d| *d > 0).map(|d| format!("trễ {d} ngày"));
    let sent = cell.sent_at.map(|t| format!("gửi {}", format_datetime(t)));
    let pickable = pick && matches!(c.status, CellStatus::SentOnTime | CellStatus::SentLate);
    let label = c.status.label();
    view! {
        <td class=format!("cell st-{}", c.status.code()) title=sent.unwrap_or_default()>
            {period.map(|p| view! { <small class="muted">{p}</small><br/> })}
            {match cell.report_id {
                Some(id) => view! { <a href=format!("/bao-cao/{id}")>{label}</a> }.into_any(),
                None => view! { <span>{label}</span> }.into_any(),
            }}
            {late.map(|l| view! { <br/><small class="late">{l}</small> })}
            {pickable.then(|| cell.report_id.map(|id| view! {
                <label class="pick">
                    <input type="checkbox" form="tiep-nhan-hang-loat" name=format!("chon[{id}]") value="1"/>
                    " chọn"
                </label>
            }))}
        </td>
    }
}
