//! The form as a clerk will see it, for the draft or any published version.

use crate::api::catalogue::regime_preview;
use crate::components::guard::Protected;
use crate::components::regime_head::regime_id;
use crate::components::report_form::BlankForm;
use crate::components::status::{ErrorView, Loading};
use crate::components::tabs::RegimeTabs;
use domain::catalogue::PreviewData;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PreviewPage() -> impl IntoView {
    let id = regime_id();
    let query = use_query_map();
    let version = move || query.read().get("phien-ban").and_then(|v| v.parse::<i32>().ok());
    let data = Resource::new(move || (id(), version()), |(id, v)| regime_preview(id, v));
    view! {
        <Title text="Xem trước biểu mẫu"/>
        <Protected children=move |_| view! {
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(p) => {
                            let which = match p.version { Some(v) => format!("Phiên bản {v}"), None => "Bản nháp".into() };
                            view! {
                                <div class="page-head">
                                    <h1>{format!("Xem trước: {}", p.doc.name)}</h1>
                                    <p class="muted">{format!("{which} · biểu mẫu như chuyên viên đơn vị sẽ thấy (kỳ minh họa: {})", p.sample_period)}</p>
                                </div>
                                <RegimeTabs id=p.regime_id/>
                                <FormPreview data=p/>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        }/>
    }
}

#[component]
pub fn FormPreview(data: PreviewData) -> impl IntoView {
    let doc = data.doc;
    let specs = data.specs;
    view! {
        <article class="card report-form preview" aria-label="Biểu mẫu xem trước">
            <header class="form-header">
                <div class="form-number">{doc.form_number.clone()}</div>
                <div class="form-unit">"Đơn vị báo cáo: (tên đơn vị)"<br/>{format!("Đơn vị nhận: {}", data.receiving_unit)}</div>
            </header>
            <h2 class="form-title">{doc.name.to_uppercase()}</h2>
            <p class="form-period">{format!("{} · ({})", data.sample_period, data.window)}</p>
            <p class="form-deadline">{format!("Hạn gửi: {}", data.deadline)}</p>
            {(!doc.sections.is_empty()).then(|| view! { <BlankForm doc=doc.clone() specs=specs.clone()/> })}
            {(!doc.outline.is_empty()).then(|| view! {
                <section class="outline-preview">
                    <h3>"Phần thuyết minh"</h3>
                    {doc.outline.iter().enumerate().map(|(i, o)| view! {
                        <label>{format!("{}. {}", i + 1, o.title)}</label>
                        {(!o.guidance.is_empty()).then(|| view! { <p class="hint">{o.guidance.clone()}</p> })}
                        <textarea disabled rows="3" aria-label=o.title.clone()></textarea>
                    }).collect_view()}
                </section>
            })}
            {(!doc.guidance.is_empty()).then(|| view! { <p class="hint">{doc.guidance.clone()}</p> })}
        </article>
    }
}
