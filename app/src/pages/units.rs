use crate::api::units::{get_unit, list_units};
use crate::components::guard::Protected;
use crate::components::report_list::UnitReports;
use crate::components::status::{ErrorView, Loading};
use domain::org::OrgKind;
use domain::views::UnitRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
fn UnitTable(units: Vec<UnitRow>) -> impl IntoView {
    view! {
        <table class="table">
            <thead><tr><th>"Mã"</th><th>"Tên đơn vị"</th><th>"Loại"</th></tr></thead>
            <tbody>
                {units.into_iter().map(|u| view! {
                    <tr>
                        <td><code>{u.code.clone()}</code></td>
                        <td><A href=format!("/don-vi/{}", u.id)>{u.name.clone()}</A></td>
                        <td>{u.kind.label()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn UnitsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_units());
    view! {
        <Title text="Đơn vị"/>
        <Protected allow=|a| a.sees_whole_province()
            refusal="Danh sách toàn tỉnh dành cho Văn phòng UBND tỉnh, lãnh đạo tỉnh và quản trị."
            children=move |_| view! {
            <h1>"Đơn vị báo cáo"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(all) => {
                            let groups: Vec<UnitRow> = all.iter().filter(|u| matches!(u.kind, OrgKind::Group)).cloned().collect();
                            let office: Vec<UnitRow> = all.iter().filter(|u| u.kind == OrgKind::Office).cloned().collect();
                            view! {
                                <section class="card"><h2>"Cơ quan tiếp nhận"</h2><UnitTable units=office/></section>
                                {groups.into_iter().map(|g| {
                                    let members: Vec<UnitRow> = all.iter().filter(|u| u.parent_id == Some(g.id)).cloned().collect();
                                    let title = format!("{} ({})", g.name, members.len());
                                    view! { <section class="card"><h2>{title}</h2><UnitTable units=members/></section> }
                                }).collect_view()}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        }/>
    }
}

#[component]
pub fn UnitPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i32>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_unit);
    // Made here, not inside the suspense below (see `UnitReports`).
    let reports = Resource::new(id, |id| crate::api::reports::unit_reports(Some(id)));
    let record = Resource::new(id, |id| crate::api::board::get_unit_board(Some(id)));
    view! {
        <Title text="Đơn vị"/>
        <Protected children=move |user| {
            let reviewer = user.role == domain::Role::Reviewer;
            view! {
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(d) => view! {
                            <div class="page-head">
                                <h1>{d.unit.name.clone()}</h1>
                                <p class="muted">{format!("{} · mã {}", d.unit.kind.label(), d.unit.code)}</p>
                            </div>
                            <section class="card">
                                <dl class="facts">
                                    <dt>"Tên"</dt><dd>{d.unit.name.clone()}</dd>
                                    <dt>"Mã"</dt><dd><code>{d.unit.code.clone()}</code></dd>
                                    <dt>"Loại"</dt><dd>{d.unit.kind.label()}</dd>
                                    <dt>"Trực thuộc"</dt><dd>{d.parent.map(|p| p.name).unwrap_or_else(|| "—".into())}</dd>
                                    <dt>"Trạng thái"</dt><dd>{if d.unit.active { "Đang hoạt động" } else { "Ngừng hoạt động" }}</dd>
                                </dl>
                            </section>
                            {d.unit.kind.is_reporting_unit().then(|| view! {
                                <section class="card"><h2>"Báo cáo của đơn vị"</h2><UnitReports unit_id=Some(d.unit.id) can_start=false data=reports/></section>
                                <crate::components::unit_board::UnitBoard unit_id=Some(d.unit.id) reviewer data=record/>
                            })}
                            {(!d.children.is_empty()).then(|| view! {
                                <section class="card"><h2>"Đơn vị trực thuộc"</h2><UnitTable units=d.children/></section>
                            })}
                        }.into_any(),
                    }
                })}
            </Suspense>
        }}/>
    }
}
