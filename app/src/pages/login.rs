use crate::api::auth::{DemoInfo, Login};
use crate::components::form::{CsrfField, FieldMessage, FormBanner};
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
fn DemoAccounts(demo: DemoInfo) -> impl IntoView {
    view! {
        <aside class="card demo" aria-label="Tài khoản dùng thử">
            <h2>"Tài khoản dùng thử"</h2>
            <p>
                "Bản trình diễn. Mọi tài khoản dưới đây dùng chung mật khẩu "
                <code>{demo.password.clone()}</code>"."
            </p>
            <table class="table compact">
                <thead><tr><th>"Tên đăng nhập"</th><th>"Vai trò"</th><th>"Đơn vị"</th></tr></thead>
                <tbody>
                    {demo.accounts.into_iter().map(|a| view! {
                        <tr>
                            <td><code>{a.username}</code></td>
                            <td>{a.role_label}</td>
                            <td>{a.unit_name}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </aside>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("tiep").unwrap_or_else(|| "/".into());
    let error = Signal::derive(move || action_error(login.value().get()));
    crate::util::follow_success(login.value());
    view! {
        <Title text="Đăng nhập"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match session.info.await {
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    Ok(info) if info.user.is_some() => view! { <Redirect path="/"/> }.into_any(),
                    Ok(info) => view! {
                        <div class="login-grid">
                            <section class="card login">
                                <h1>"Đăng nhập"</h1>
                                <p class="muted">"Dành cho cán bộ các sở, ban, ngành và UBND các xã, phường tỉnh Sơn La."</p>
                                <ActionForm action=login attr:class="form" attr:novalidate=true>
                                    <FormBanner error/>
                                    <CsrfField/>
                                    <input type="hidden" name="next" value=next/>
                                    <label for="username">"Tên đăng nhập"</label>
                                    <input id="username" name="username" type="text" autocomplete="username"
                                        required autofocus aria-describedby="username-error"/>
                                    <FieldMessage error name="username"/>
                                    <label for="password">"Mật khẩu"</label>
                                    <input id="password" name="password" type="password" autocomplete="current-password"
                                        required aria-describedby="password-error"/>
                                    <FieldMessage error name="password"/>
                                    <button type="submit" class="button" disabled=move || login.pending().get()>
                                        {move || if login.pending().get() { "Đang đăng nhập…" } else { "Đăng nhập" }}
                                    </button>
                                </ActionForm>
                            </section>
                            {info.demo.map(|d| view! { <DemoAccounts demo=d/> })}
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
