//! The form designer: sections with Roman-numeral headings holding indicator
//! rows, and the outline's narrative sections. Each change is one small form
//! post, so the designer works with and without JavaScript.

use super::is_admin;
use crate::api::catalogue::{EditRegime, catalogue_choices, get_regime};
use crate::components::form::{CsrfField, FormBanner};
use crate::components::guard::Protected;
use crate::components::regime_head::{RegimeHead, regime_id};
use crate::components::status::{ErrorView, Loading};
use crate::error::{AppError, action_error};
use crate::util::follow_success;
use domain::regime::roman;
use leptos::prelude::*;
use leptos_meta::Title;

/// Where a designer change returns to.
fn back(rid: i32) -> String {
    format!("/danh-muc/che-do/{rid}/bieu-mau")
}

/// A one-button form for a designer operation.
#[component]
fn OpButton(
    action: ServerAction<EditRegime>,
    id: i32,
    back: String,
    op: &'static str,
    #[prop(optional)] section: Option<usize>,
    #[prop(optional)] row: Option<usize>,
    #[prop(optional)] index: Option<usize>,
    label: &'static str,
    #[prop(into)] title: String,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline">
            <CsrfField/>
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="op" value=op/>
            <input type="hidden" name="back" value=back/>
            {section.map(|s| view! { <input type="hidden" name="section" value=s.to_string()/> })}
            {row.map(|r| view! { <input type="hidden" name="row" value=r.to_string()/> })}
            {index.map(|i| view! { <input type="hidden" name="index" value=i.to_string()/> })}
            <button type="submit" class="icon-button" title=title.clone() aria-label=title>{label}</button>
        </ActionForm>
    }
}

#[component]
pub fn DesignerPage() -> impl IntoView {
    let id = regime_id();
    let data = Resource::new(id, |id| async move {
        let page = get_regime(id).await?;
        let choices = catalogue_choices().await?;
        Ok::<_, AppError>((page, choices))
    });
    let edit = ServerAction::<EditRegime>::new();
    let error = Signal::derive(move || action_error(edit.value().get()));
    follow_success(edit.value());
    view! {
        <Title text="Thiết kế biểu mẫu"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok((page, choices)) => {
                                let rid = page.detail.id;
                                let doc = page.detail.draft.clone();
                                let specs = page.specs.clone();
                                let on_form = doc.indicator_codes();
                                let available: Vec<(String, String)> = choices.indicators.into_iter().filter(|(c, _)| !on_form.contains(c)).collect();
                                let name_of = move |code: &str| specs.iter().find(|s| s.code == code).map(|s| format!("{} ({})", s.name, s.unit)).unwrap_or_default();
                                let nsec = doc.sections.len();
                                view! {
                                    <RegimeHead data=page/>
                                    <FormBanner error/>
                                    <p class="muted">"Các thay đổi lưu vào bản nháp; báo cáo chỉ dùng biểu mẫu mới sau khi ban hành phiên bản mới."</p>
                                    <section class="card">
                                        <h2>"Biểu mẫu số liệu"</h2>
                                        {if doc.sections.is_empty() { Some(view! { <p class="empty">"Biểu mẫu chưa có phần nào."</p> }) } else { None }}
                                        {doc.sections.iter().enumerate().map(|(si, sec)| {
                                            let nrows = sec.rows.len();
                                            let available = available.clone();
                                            view! {
                                                <div class="designer-section">
                                                    <div class="row-line">
                                                        <h3>{format!("{}. {}", roman(si + 1), sec.title)}</h3>
                                                        {admin.then(|| view! {
                                                            <span class="tools">
                                                                {(si > 0).then(|| view! { <OpButton action=edit id=rid back=back(rid) op="phan_len" section=si label="↑" title=format!("Chuyển phần {} lên", roman(si + 1))/> })}
                                                                {(si + 1 < nsec).then(|| view! { <OpButton action=edit id=rid back=back(rid) op="phan_xuong" section=si label="↓" title=format!("Chuyển phần {} xuống", roman(si + 1))/> })}
                                                                <OpButton action=edit id=rid back=back(rid) op="xoa_phan" section=si label="✕" title=format!("Xóa phần {}", roman(si + 1))/>
                                                            </span>
                                                        })}
                                                    </div>
                                                    <table class="table compact">
                                                        <thead><tr><th>"STT"</th><th>"Mã"</th><th>"Chỉ tiêu"</th><th>"Bắt buộc"</th>{admin.then(|| view! { <th><span class="visually-hidden">"Thao tác"</span></th> })}</tr></thead>
                                                        <tbody>
                                                            {sec.rows.iter().enumerate().map(|(ri, r)| {
                                                                                    view! {
                                                                    <tr>
                                                                        <td>{ri + 1}</td>
                                                                        <td><code>{r.indicator.clone()}</code></td>
                                                                        <td>{name_of(&r.indicator)}</td>
                                                                        <td>{if r.required { "Có" } else { "" }}</td>
                                                                        {admin.then(|| view! {
                                                                            <td class="tools">
                                                                                {(ri > 0).then(|| view! { <OpButton action=edit id=rid back=back(rid) op="dong_len" section=si row=ri label="↑" title=format!("Chuyển {} lên", r.indicator)/> })}
                                                                                {(ri + 1 < nrows).then(|| view! { <OpButton action=edit id=rid back=back(rid) op="dong_xuong" section=si row=ri label="↓" title=format!("Chuyển {} xuống", r.indicator)/> })}
                                                                                <OpButton action=edit id=rid back=back(rid) op=if r.required { "khong_bat_buoc" } else { "bat_buoc" } section=si row=ri
                                                                                    label=if r.required { "○" } else { "●" }
                                                                                    title=format!("{} {}", if r.required { "Bỏ bắt buộc" } else { "Đặt bắt buộc" }, r.indicator)/>
                                                                                <OpButton action=edit id=rid back=back(rid) op="xoa_dong" section=si row=ri label="✕" title=format!("Xóa {} khỏi biểu mẫu", r.indicator)/>
                                                                            </td>
                                                                        })}
                                                                    </tr>
                                                                }
                                                            }).collect_view()}
                                                        </tbody>
                                                    </table>
                                                    {admin.then(|| view! {
                                                        <ActionForm action=edit attr:class="form inline-form">
                                                            <CsrfField/>
                                                            <input type="hidden" name="id" value=rid.to_string()/>
                                                            <input type="hidden" name="op" value="them_dong"/>
                                                            <input type="hidden" name="back" value=back(rid)/>
                                                            <input type="hidden" name="section" value=si.to_string()/>
                                                            <label for=format!("add-{si}")>{format!("Thêm chỉ tiêu vào phần {}", roman(si + 1))}</label>
                                                            <select id=format!("add-{si}") name="indicator">
                                                                <option value="">"— Chọn chỉ tiêu —"</option>
                                                                {available.iter().map(|(c, n)| view! { <option value=c.clone()>{format!("{c} — {n}")}</option> }).collect_view()}
                                                            </select>
                                                            <label class="check"><input type="checkbox" name="required" value="on"/>" Bắt buộc"</label>
                                                            <button type="submit" class="button-secondary">"Thêm dòng"</button>
                                                        </ActionForm>
                                                    })}
                                                </div>
                                            }
                                        }).collect_view()}
                                        {admin.then(|| view! {
                                            <ActionForm action=edit attr:class="form inline-form">
                                                <CsrfField/>
                                                <input type="hidden" name="id" value=rid.to_string()/>
                                                <input type="hidden" name="op" value="them_phan"/>
                                                <input type="hidden" name="back" value=back(rid)/>
                                                <label for="new-section">{format!("Thêm phần {}", roman(nsec + 1))}</label>
                                                <input id="new-section" name="title" type="text" placeholder="Tiêu đề phần, ví dụ: Dân số"/>
                                                <button type="submit" class="button-secondary">"Thêm phần"</button>
                                            </ActionForm>
                                        })}
                                    </section>
                                    <section class="card">
                                        <h2>"Đề cương báo cáo"</h2>
                                        {if doc.outline.is_empty() { Some(view! { <p class="empty">"Chưa có mục đề cương nào."</p> }) } else { None }}
                                        <ol class="outline">
                                            {doc.outline.iter().enumerate().map(|(i, o)| {
                                                    let n = doc.outline.len();
                                                view! {
                                                    <li>
                                                        <strong>{o.title.clone()}</strong>
                                                        {(!o.guidance.is_empty()).then(|| view! { <span class="muted">{format!(" — {}", o.guidance)}</span> })}
                                                        {admin.then(|| view! {
                                                            <span class="tools">
                                                                {(i > 0).then(|| view! { <OpButton action=edit id=rid back=back(rid) op="muc_len" index=i label="↑" title=format!("Chuyển mục {} lên", i + 1)/> })}
                                                                {(i + 1 < n).then(|| view! { <OpButton action=edit id=rid back=back(rid) op="muc_xuong" index=i label="↓" title=format!("Chuyển mục {} xuống", i + 1)/> })}
                                                                <OpButton action=edit id=rid back=back(rid) op="xoa_muc" index=i label="✕" title=format!("Xóa mục {}", i + 1)/>
                                                            </span>
                                                        })}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ol>
                                        {admin.then(|| view! {
                                            <ActionForm action=edit attr:class="form inline-form">
                                                <CsrfField/>
                                                <input type="hidden" name="id" value=rid.to_string()/>
                                                <input type="hidden" name="op" value="them_muc"/>
                                                <input type="hidden" name="back" value=back(rid)/>
                                                <label for="outline-title">"Thêm mục đề cương"</label>
                                                <input id="outline-title" name="title" type="text" placeholder="Ví dụ: Kết quả đạt được"/>
                                                <input name="guidance" type="text" placeholder="Gợi ý nội dung (không bắt buộc)" aria-label="Gợi ý nội dung"/>
                                                <button type="submit" class="button-secondary">"Thêm mục"</button>
                                            </ActionForm>
                                        })}
                                    </section>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }
        }/>
    }
}
