//! A unit's reports of every period and status, with search by regime and
//! year: one click from home, so last year's report is never hard to find.

use crate::api::reports::unit_archive;
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use domain::datefmt::format_datetime;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ArchivePage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        let num = |k: &str| q.get(k).and_then(|v| v.parse::<i32>().ok());
        (num("don-vi"), num("che-do"), num("nam"), q.get("trang").and_then(|v| v.parse::<u64>().ok()))
    };
    let data = Resource::new(args, |(unit, regime, year, page)| unit_archive(unit, regime, year, page));
    view! {
        <Title text="Báo cáo các kỳ"/>
        <Protected children=move |_| view! {
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(a) => {
                            let (unit, regime, year, _) = args();
                            let pages = a.reports.page_count();
                            let page = a.reports.page;
                            let link = move |p: u64| {
                                let mut parts = vec![format!("trang={p}")];
                                if let Some(u) = unit { parts.push(format!("don-vi={u}")); }
                                if let Some(r) = regime { parts.push(format!("che-do={r}")); }
                                if let Some(y) = year { parts.push(format!("nam={y}")); }
                                format!("/bao-cao?{}", parts.join("&"))
                            };
                            view! {
                                <div class="page-head">
                                    <h1>"Báo cáo các kỳ"</h1>
                                    <p class="muted">{format!("{} · mọi kỳ, mọi trạng thái", a.unit_name)}</p>
                                </div>
                                <form method="get" action="/bao-cao" class="filters" role="search">
                                    {unit.map(|u| view! { <input type="hidden" name="don-vi" value=u.to_string()/> })}
                                    <label for="che-do" class="visually-hidden">"Chế độ báo cáo"</label>
                                    <select id="che-do" name="che-do">
                                        <option value="">"Mọi chế độ báo cáo"</option>
                                        {a.regimes.iter().map(|(id, code, name)| view! { <option value=id.to_string() selected=regime == Some(*id)>{format!("{name} ({code})")}</option> }).collect_view()}
                                    </select>
                                    <label for="nam" class="visually-hidden">"Năm"</label>
                                    <select id="nam" name="nam">
                                        <option value="">"Mọi năm"</option>
                                        {a.years.iter().map(|y| view! { <option value=y.to_string() selected=year == Some(*y)>{format!("Năm {y}")}</option> }).collect_view()}
                                    </select>
                                    <button type="submit" class="button-secondary">"Lọc"</button>
                                </form>
                                {if a.reports.items.is_empty() {
                                    view! { <p class="empty">"Không có báo cáo nào phù hợp."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="table due-list">
                                                <thead><tr><th>"Chế độ báo cáo"</th><th>"Kỳ"</th><th>"Trạng thái"</th><th>"Gửi lúc"</th><th><span class="visually-hidden">"Thao tác"</span></th></tr></thead>
                                                <tbody>
                                                    {a.reports.items.iter().map(|r| {
                                                        let sent = match (r.sent_at, r.on_time) {
                                                            (Some(t), Some(false)) => format!("{} (muộn)", format_datetime(t)),
                                                            (Some(t), _) => format_datetime(t),
                                                            (None, _) => "—".into(),
                                                        };
                                                        view! {
                                                            <tr>
                                                                <td data-label="Chế độ báo cáo">{r.regime_name.clone()}<br/><small class="muted">{r.regime_code.clone()}</small></td>
                                                                <td data-label="Kỳ">{r.period_label.clone()}</td>
                                                                <td data-label="Trạng thái"><span class=format!("status status-{}", r.status.code())>{r.status.label()}</span></td>
                                                                <td data-label="Gửi lúc">{sent}</td>
                                                                <td><A href=format!("/bao-cao/{}", r.report_id) attr:class="button-secondary">"Mở báo cáo"</A></td>
                                                            </tr>
                                                        }
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <nav class="pager" aria-label="Trang">
                                            {(page > 1).then(|| view! { <A href=link(page - 1)>"← Trang trước"</A> })}
                                            <span class="muted">{format!("Trang {page}/{} · {} báo cáo", pages.max(1), a.reports.total)}</span>
                                            {(page < pages).then(|| view! { <A href=link(page + 1)>"Trang sau →"</A> })}
                                        </nav>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        }/>
    }
}
