//! A regime's yearly plans (kế hoạch năm) per unit and indicator: the form
//! shows them as "Kế hoạch năm" and "% so với kế hoạch" when the regime has
//! those columns.

use super::is_admin;
use crate::api::catalogue::{SetRegimePlan, regime_plans};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::regime_head::regime_id;
use crate::components::status::{ErrorView, Loading};
use crate::components::tabs::RegimeTabs;
use crate::error::action_error;
use crate::util::follow_success;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlansPage() -> impl IntoView {
    let id = regime_id();
    let query = use_query_map();
    let year = move || query.read().get("nam").and_then(|y| y.parse::<i32>().ok());
    let saved = move || query.read().get("da-luu").is_some();
    let data = Resource::new(move || (id(), year()), |(id, y)| regime_plans(id, y));
    let set = ServerAction::<SetRegimePlan>::new();
    let error = Signal::derive(move || action_error(set.value().get()));
    follow_success(set.value());
    view! {
        <Title text="Kế hoạch năm"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(p) => {
                                let (rid, y) = (p.regime_id, p.year);
                                view! {
                                    <div class="page-head">
                                        <h1>{format!("Kế hoạch năm {y}: {}", p.regime_name)}</h1>
                                        <p class="muted"><code>{p.regime_code.clone()}</code>" · chỉ tiêu kế hoạch giao cho từng đơn vị; biểu mẫu hiện cột \"Kế hoạch năm\" và \"% so với kế hoạch\" khi chế độ có các cột đó."</p>
                                    </div>
                                    <RegimeTabs id=rid/>
                                    <nav class="tabs" aria-label="Năm kế hoạch">
                                        {[y - 1, y, y + 1].into_iter().map(|n| view! { <A href=format!("/danh-muc/che-do/{rid}/ke-hoach?nam={n}")>{format!("Năm {n}")}</A> }).collect_view()}
                                    </nav>
                                    {saved().then(|| view! { <Notice message="Đã lưu kế hoạch."/> })}
                                    {if p.plans.is_empty() {
                                        view! { <p class="empty">{format!("Chưa giao kế hoạch năm {y} cho đơn vị nào.")}</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-wrap">
                                                <table class="table">
                                                    <thead><tr><th>"Đơn vị"</th><th>"Chỉ tiêu"</th><th class="num">"Kế hoạch năm"</th></tr></thead>
                                                    <tbody>
                                                        {p.plans.iter().map(|l| view! {
                                                            <tr>
                                                                <td>{l.unit_name.clone()}</td>
                                                                <td>{format!("{} ({})", l.indicator_name, l.indicator_code)}</td>
                                                                <td class="num">{l.value.clone()}</td>
                                                            </tr>
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                    {admin.then(|| view! {
                                        <section class="card narrow">
                                            <h2>"Giao hoặc sửa kế hoạch"</h2>
                                            <ActionForm action=set attr:class="form" attr:novalidate=true>
                                                <FormBanner error/>
                                                <CsrfField/>
                                                <input type="hidden" name="id" value=rid.to_string()/>
                                                <input type="hidden" name="year" value=y.to_string()/>
                                                <label for="plan-unit">"Đơn vị"</label>
                                                <select id="plan-unit" name="unit">
                                                    {p.units.iter().map(|(c, n)| view! { <option value=c.clone()>{n.clone()}</option> }).collect_view()}
                                                </select>
                                                <FieldMessage error name="unit"/>
                                                <label for="plan-indicator">"Chỉ tiêu"</label>
                                                <select id="plan-indicator" name="indicator">
                                                    {p.indicators.iter().map(|(c, n)| view! { <option value=c.clone()>{format!("{n} ({c})")}</option> }).collect_view()}
                                                </select>
                                                <FieldMessage error name="indicator"/>
                                                <label for="plan-value">{format!("Kế hoạch năm {y}")}</label>
                                                <input id="plan-value" name="value" type="text" inputmode="decimal" placeholder="vd: 1.250,5" aria-describedby="plan-value-hint"/>
                                                <p class="hint" id="plan-value-hint">"Để trống để xóa kế hoạch đã giao."</p>
                                                <FieldMessage error name="value"/>
                                                <button type="submit" class="button">"Lưu kế hoạch"</button>
                                            </ActionForm>
                                        </section>
                                    })}
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }
        }/>
    }
}
