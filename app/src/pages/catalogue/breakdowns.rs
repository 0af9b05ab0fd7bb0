use super::is_admin;
use crate::api::catalogue::{SaveBreakdown, list_breakdowns};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use crate::components::tabs::CatalogueTabs;
use crate::error::action_error;
use crate::util::follow_success;
use domain::catalogue::format_parts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BreakdownsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_breakdowns());
    let save = ServerAction::<SaveBreakdown>::new();
    let error = Signal::derive(move || action_error(save.value().get()));
    follow_success(save.value());
    let query = use_query_map();
    view! {
        <Title text="Phân tổ"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            view! {
                <h1>"Phân tổ"</h1>
                <CatalogueTabs admin/>
                {query.read_untracked().get("da-luu").map(|_| view! { <Notice message="Đã lưu phân tổ."/> })}
                <p class="muted">"Phân tổ chia một chỉ tiêu thành các phần cộng lại bằng tổng (ví dụ giới tính: nam, nữ). Trong quy tắc, phần được viết T0101[nu]."</p>
                <FormBanner error/>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(list) => view! {
                                <table class="table">
                                    <thead><tr><th>"Mã"</th><th>"Tên"</th><th>"Các phần"</th></tr></thead>
                                    <tbody>
                                        {list.iter().map(|b| view! {
                                            <tr><td><code>{b.code.clone()}</code></td><td>{b.name.clone()}</td><td>{format_parts(&b.parts)}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {admin.then(|| list.into_iter().map(|b| view! {
                                    <details class="card narrow">
                                        <summary>{format!("Sửa phân tổ {}", b.code)}</summary>
                                        <ActionForm action=save attr:class="form">
                                            <CsrfField/>
                                            <input type="hidden" name="id" value=b.id.to_string()/>
                                            <input type="hidden" name="code" value=b.code.clone()/>
                                            <label>"Tên"<input name="name" type="text" value=b.name.clone()/></label>
                                            <label>"Các phần (mã: tên; …)"<input name="parts" type="text" value=format_parts(&b.parts)/></label>
                                            <button type="submit" class="button-secondary">"Lưu"</button>
                                        </ActionForm>
                                    </details>
                                }).collect_view())}
                            }.into_any(),
                        }
                    })}
                </Suspense>
                {admin.then(|| view! {
                    <section class="card narrow">
                        <h2>"Thêm phân tổ"</h2>
                        <ActionForm action=save attr:class="form" attr:novalidate=true>
                            <CsrfField/>
                            <label for="bd-code">"Mã"</label>
                            <input id="bd-code" name="code" type="text" placeholder="vd: thanh_thi_nong_thon"/>
                            <FieldMessage error name="code"/>
                            <label for="bd-name">"Tên"</label>
                            <input id="bd-name" name="name" type="text" placeholder="vd: Thành thị/nông thôn"/>
                            <FieldMessage error name="name"/>
                            <label for="bd-parts">"Các phần"</label>
                            <input id="bd-parts" name="parts" type="text" placeholder="thanh_thi: Thành thị; nong_thon: Nông thôn"/>
                            <FieldMessage error name="parts"/>
                            <button type="submit" class="button">"Thêm phân tổ"</button>
                        </ActionForm>
                    </section>
                })}
            }
        }/>
    }
}
