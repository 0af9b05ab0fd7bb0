//! Thông báo: the signed-in person's notifications (due soon, due today,
//! overdue, returned with its reason, accepted), marking them read, and
//! the contacts reminders go to.

use crate::api::notifications::{MarkRead, SaveContacts, get_notifications};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::datefmt::format_datetime;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_notifications());
    let read = ServerAction::<MarkRead>::new();
    let contacts = ServerAction::<SaveContacts>::new();
    let error = Signal::derive(move || action_error(read.value().get()));
    let contact_error = Signal::derive(move || action_error(contacts.value().get()));
    follow_success(read.value());
    follow_success(contacts.value());
    let query = use_query_map();
    view! {
        <Title text="Thông báo"/>
        <Protected children=move |_| {
            let saved = query.read_untracked().get("lien-he").is_some();
            view! {
                <div class="page-head"><h1>"Thông báo"</h1></div>
                {saved.then(|| view! { <Notice message="Đã lưu thông tin liên hệ."/> })}
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(p) => {
                                let unread = p.items.iter().filter(|n| !n.read).count();
                                view! {
                                    <section class="card">
                                        <FormBanner error/>
                                        <p class="muted">{format!("{unread} thông báo chưa đọc.")}</p>
                                        {(unread > 0).then(|| view! {
                                            <ActionForm action=read attr:class="inline">
                                                <CsrfField/>
                                                <button type="submit" class="button-secondary">"Đánh dấu tất cả là đã đọc"</button>
                                            </ActionForm>
                                        })}
                                        {if p.items.is_empty() {
                                            view! { <p class="empty">"Chưa có thông báo nào."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ul class="notices">
                                                    {p.items.into_iter().map(|n| view! {
                                                        <li class:unread=!n.read>
                                                            <span class="status">{n.kind_label.clone()}</span>
                                                            " "<a href=n.link.clone()>{n.text.clone()}</a>
                                                            <br/><small class="muted">{format_datetime(n.created_at)}{if n.read { " · đã đọc" } else { " · chưa đọc" }}</small>
                                                            {(!n.read).then(|| view! {
                                                                <ActionForm action=read attr:class="inline">
                                                                    <CsrfField/>
                                                                    <input type="hidden" name="id" value=n.id.to_string()/>
                                                                    <button type="submit" class="link-button">"Đã đọc"</button>
                                                                </ActionForm>
                                                            })}
                                                        </li>
                                                    }).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </section>
                                    <section class="card">
                                        <h2>"Nhận nhắc việc qua thư điện tử"</h2>
                                        {if p.email_on {
                                            view! { <p class="muted">"Mỗi ngày hệ thống gửi một thư tóm tắt các báo cáo sắp đến hạn và quá hạn đến địa chỉ dưới đây."</p> }.into_any()
                                        } else {
                                            view! { <p class="banner banner-warn">"Thư điện tử đang tắt: máy chủ thư chưa được cấu hình. Thông báo trong hệ thống vẫn hoạt động."</p> }.into_any()
                                        }}
                                        <ActionForm action=contacts attr:class="form">
                                            <CsrfField/>
                                            <FormBanner error=contact_error/>
                                            <label for="email">"Thư điện tử"</label>
                                            <input id="email" name="email" type="email" value=p.email.clone() autocomplete="email"/>
                                            <FieldMessage error=contact_error name="email"/>
                                            <label for="phone">"Số điện thoại"</label>
                                            <input id="phone" name="phone" type="tel" value=p.phone.clone() autocomplete="tel"/>
                                            <FieldMessage error=contact_error name="phone"/>
                                            <button type="submit" class="button">"Lưu liên hệ"</button>
                                        </ActionForm>
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
