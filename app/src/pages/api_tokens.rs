//! `/quan-tri/api`: the administrator's API tokens for machine clients.

use crate::api::api_tokens::{CreateApiToken, RevokeApiToken, list_api_tokens};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice, SecretOnce};
use crate::components::guard::{ADMIN_ONLY, Protected, is_admin};
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::datefmt::format_datetime;
use domain::feed::ApiTokenView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
fn TokenRow(t: ApiTokenView) -> impl IntoView {
    let revoke = ServerAction::<RevokeApiToken>::new();
    follow_success(revoke.value());
    let scope = if t.can_write { format!("Đọc; gửi số liệu cho: {}", t.write_units.join(", ")) } else { "Chỉ đọc".to_string() };
    let revoked = t.revoked_at.is_some();
    view! {
        <tr class:inactive=revoked>
            <td>{t.name.clone()}</td>
            <td><code>{format!("{}…", t.prefix)}</code></td>
            <td><code>{t.username.clone()}</code></td>
            <td>{scope}</td>
            <td>{format_datetime(t.created_at)}</td>
            <td>{t.last_used_at.map(format_datetime).unwrap_or_else(|| "Chưa dùng".into())}</td>
            <td>
                {match t.revoked_at {
                    Some(at) => view! { <span>{format!("Đã thu hồi {}", format_datetime(at))}</span> }.into_any(),
                    None => view! {
                        <ActionForm action=revoke>
                            <CsrfField/>
                            <input type="hidden" name="id" value=t.id.to_string()/>
                            <button type="submit" class="button-secondary">"Thu hồi"</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateApiToken>::new();
    let error = Signal::derive(move || action_error(create.value().get()));
    let data = Resource::new(move || create.version().get(), |_| list_api_tokens());
    view! {
        <Title text="Khóa API"/>
        <Protected allow=is_admin refusal=ADMIN_ONLY children=move |_| view! {
            <div class="page-head"><h1>"Khóa API cho máy khách"</h1>
                <p class="muted">"Trung tâm điều hành thông minh, cổng dữ liệu mở và phần mềm chuyên ngành truy cập "<a href="/api">"API /api/v1"</a>" bằng khóa cấp cho một tài khoản máy khách (API)."</p>
            </div>
            {move || query.read().get("da-thu-hoi").map(|_| view! { <Notice message="Đã thu hồi khóa API."/> })}
            {move || create.value().get().and_then(|r| r.ok()).map(|n| view! {
                <SecretOnce title="Khóa mới đã được tạo" hint="Sao chép khóa này ngay: hệ thống chỉ lưu bản băm và sẽ không hiển thị lại." secret=n.token/>
            })}
            <section class="card narrow">
                <h2>"Tạo khóa mới"</h2>
                <ActionForm action=create attr:class="form" attr:novalidate=true>
                    <FormBanner error/>
                    <CsrfField/>
                    <label for="name">"Tên khóa"</label>
                    <input id="name" name="name" type="text" required placeholder="Ví dụ: IOC Sơn La"/>
                    <FieldMessage error name="name"/>
                    <label for="username">"Tài khoản máy khách"</label>
                    <input id="username" name="username" type="text" required autocomplete="off"/>
                    <p class="hint">"Tên đăng nhập của một tài khoản có vai trò \"Máy khách (API)\"."</p>
                    <FieldMessage error name="username"/>
                    <label for="write_units">"Được gửi số liệu cho các đơn vị (mã, cách nhau bởi dấu phẩy)"</label>
                    <input id="write_units" name="write_units" type="text" placeholder="Để trống: chỉ đọc"/>
                    <FieldMessage error name="write_units"/>
                    <button type="submit" class="button" disabled=move || create.pending().get()>"Tạo khóa"</button>
                </ActionForm>
            </section>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">"Chưa có khóa API nào."</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="table">
                                <thead><tr><th>"Tên"</th><th>"Khóa"</th><th>"Tài khoản"</th><th>"Quyền"</th><th>"Tạo lúc"</th><th>"Dùng lần cuối"</th><th></th></tr></thead>
                                <tbody>{rows.into_iter().map(|t| view! { <TokenRow t/> }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
