use crate::api::admin::{CreateUser, ResetPassword, UpdateUser, assignable_units, get_user, list_users};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice};
use crate::components::guard::{ADMIN_ONLY, Protected, is_admin};
use crate::components::status::{ErrorView, Loading, Pager};
use crate::error::{AppError, action_error};
use crate::util::follow_success;
use domain::Role;
use domain::datefmt::format_datetime;
use domain::org::OrgKind;
use domain::views::{UnitRow, UserRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
fn RoleSelect(#[prop(optional)] selected: Option<Role>) -> impl IntoView {
    view! {
        <select id="role" name="role" required>
            <option value="" disabled selected=selected.is_none()>"— Chọn vai trò —"</option>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.code() selected=selected == Some(r)>{r.label()}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn UnitSelect(units: Vec<UnitRow>, #[prop(optional)] selected: Option<i32>) -> impl IntoView {
    let kinds = [OrgKind::Province, OrgKind::Office, OrgKind::Department, OrgKind::Branch, OrgKind::Ward, OrgKind::Commune];
    view! {
        <select id="unit_id" name="unit_id" required>
            <option value="" selected=selected.is_none()>"— Chọn đơn vị —"</option>
            {kinds.into_iter().map(|k| {
                let members: Vec<UnitRow> = units.iter().filter(|u| u.kind == k).cloned().collect();
                view! {
                    <optgroup label=k.label()>
                        {members.into_iter().map(|u| view! {
                            <option value=u.id.to_string() selected=selected == Some(u.id)>{u.name}</option>
                        }).collect_view()}
                    </optgroup>
                }
            }).collect_view()}
        </select>
    }
}

fn user_query_link(q: &str, role: &str, page: u64) -> String {
    format!("/quan-tri/nguoi-dung?q={}&vai-tro={}&trang={page}", crate::util::url_encode(q), crate::util::url_encode(role))
}

#[component]
fn UsersTable(rows: Vec<UserRow>) -> impl IntoView {
    view! {
        <table class="table">
            <thead><tr><th>"Tên đăng nhập"</th><th>"Họ và tên"</th><th>"Vai trò"</th><th>"Đơn vị"</th><th>"Trạng thái"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|u| view! {
                    <tr class:inactive=!u.active>
                        <td><A href=format!("/quan-tri/nguoi-dung/{}", u.id)><code>{u.username.clone()}</code></A></td>
                        <td>{u.full_name.clone()}</td>
                        <td>{u.role.label()}</td>
                        <td>{u.unit_name.clone()}</td>
                        <td>{if u.active { "Hoạt động" } else { "Đã vô hiệu hóa" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (q.get("q").unwrap_or_default(), q.get("vai-tro").unwrap_or_default(), q.get("trang").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1))
    };
    let data = Resource::new(params, |(q, r, p)| list_users(q, r, p));
    view! {
        <Title text="Người dùng"/>
        <Protected allow=is_admin refusal=ADMIN_ONLY children=move |_| {
            let (q, role, _) = params();
            view! {
                <div class="page-head row">
                    <h1>"Người dùng"</h1>
                    <A href="/quan-tri/nguoi-dung/moi" attr:class="button">"Thêm người dùng"</A>
                </div>
                <form method="get" class="filters" role="search">
                    <label for="q">"Tìm"</label>
                    <input id="q" name="q" type="search" value=q.clone() placeholder="Tên đăng nhập hoặc họ tên"/>
                    <label for="vai-tro">"Vai trò"</label>
                    <select id="vai-tro" name="vai-tro">
                        <option value="">"Tất cả"</option>
                        {Role::ALL.into_iter().map(|r| view! {
                            <option value=r.code() selected=role == r.code()>{r.label()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button-secondary">"Lọc"</button>
                </form>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        let (q, role, _) = params();
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(page) => {
                                let pages = page.page_count();
                                let current = page.page;
                                let summary = format!("{} người dùng · trang {} / {}", page.total, current, pages.max(1));
                                view! {
                                    <p class="muted">{summary}</p>
                                    {if page.items.is_empty() {
                                        view! { <p class="empty">"Không có người dùng nào khớp điều kiện lọc."</p> }.into_any()
                                    } else {
                                        view! { <UsersTable rows=page.items/> }.into_any()
                                    }}
                                    <Pager current pages link=move |n| user_query_link(&q, &role, n)/>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }
        }/>
    }
}

#[component]
pub fn NewUserPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let error = Signal::derive(move || action_error(create.value().get()));
    follow_success(create.value());
    let units = Resource::new(|| (), |_| assignable_units());
    view! {
        <Title text="Thêm người dùng"/>
        <Protected allow=is_admin refusal=ADMIN_ONLY children=move |_| view! {
            <section class="card narrow">
                <h1>"Thêm người dùng"</h1>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match units.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(units) => view! {
                                <ActionForm action=create attr:class="form" attr:novalidate=true>
                                    <FormBanner error/>
                                    <CsrfField/>
                                    <label for="username">"Tên đăng nhập"</label>
                                    <input id="username" name="username" type="text" required autocomplete="off"/>
                                    <p class="hint">"Chữ thường không dấu, chữ số và . _ - (ví dụ: cv.syt)"</p>
                                    <FieldMessage error name="username"/>
                                    <label for="full_name">"Họ và tên"</label>
                                    <input id="full_name" name="full_name" type="text" required/>
                                    <FieldMessage error name="full_name"/>
                                    <label for="role">"Vai trò"</label>
                                    <RoleSelect/>
                                    <FieldMessage error name="role"/>
                                    <label for="unit_id">"Đơn vị"</label>
                                    <UnitSelect units=units/>
                                    <FieldMessage error name="unit_id"/>
                                    <label for="password">"Mật khẩu tạm"</label>
                                    <input id="password" name="password" type="password" required autocomplete="new-password"/>
                                    <p class="hint">"Người dùng phải đổi mật khẩu này ở lần đăng nhập đầu tiên."</p>
                                    <FieldMessage error name="password"/>
                                    <button type="submit" class="button" disabled=move || create.pending().get()>"Tạo tài khoản"</button>
                                </ActionForm>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        }/>
    }
}

#[component]
pub fn EditUserPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i32>().ok()).unwrap_or(0);
    let data = Resource::new(id, |id| async move {
        let user = get_user(id).await?;
        let units = assignable_units().await?;
        Ok::<_, AppError>((user, units))
    });
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let update_error = Signal::derive(move || action_error(update.value().get()));
    let reset_error = Signal::derive(move || action_error(reset.value().get()));
    follow_success(update.value());
    follow_success(reset.value());
    view! {
        <Title text="Sửa người dùng"/>
        <Protected allow=is_admin refusal=ADMIN_ONLY children=move |_| view! {
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let notice = {
                        let q = query.read_untracked();
                        if q.get("da-tao").is_some() { Some("Đã tạo tài khoản.") }
                        else if q.get("da-luu").is_some() { Some("Đã lưu thay đổi.") }
                        else if q.get("da-dat-lai").is_some() { Some("Đã đặt lại mật khẩu. Người dùng phải đổi mật khẩu ở lần đăng nhập tới.") }
                        else { None }
                    };
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok((u, units)) => view! {
                            <div class="page-head">
                                <h1>{u.full_name.clone()}</h1>
                                <p class="muted">
                                    <code>{u.username.clone()}</code>
                                    {format!(" · tạo lúc {}", format_datetime(u.created_at))}
                                </p>
                            </div>
                            {notice.map(|m| view! { <Notice message=m/> })}
                            <section class="card narrow">
                                <h2>"Thông tin tài khoản"</h2>
                                <ActionForm action=update attr:class="form" attr:novalidate=true>
                                    <FormBanner error=update_error/>
                                    <CsrfField/>
                                    <input type="hidden" name="id" value=u.id.to_string()/>
                                    <label for="full_name">"Họ và tên"</label>
                                    <input id="full_name" name="full_name" type="text" required value=u.full_name.clone()/>
                                    <FieldMessage error=update_error name="full_name"/>
                                    <label for="role">"Vai trò"</label>
                                    <RoleSelect selected=u.role/>
                                    <FieldMessage error=update_error name="role"/>
                                    <label for="unit_id">"Đơn vị"</label>
                                    <UnitSelect units=units selected=u.unit_id/>
                                    <FieldMessage error=update_error name="unit_id"/>
                                    <label class="check">
                                        <input type="checkbox" name="active" value="on" checked=u.active/>
                                        " Tài khoản đang hoạt động"
                                    </label>
                                    <FieldMessage error=update_error name="active"/>
                                    <button type="submit" class="button" disabled=move || update.pending().get()>"Lưu thay đổi"</button>
                                </ActionForm>
                            </section>
                            <section class="card narrow">
                                <h2>"Đặt lại mật khẩu"</h2>
                                <ActionForm action=reset attr:class="form" attr:novalidate=true>
                                    <FormBanner error=reset_error/>
                                    <CsrfField/>
                                    <input type="hidden" name="id" value=u.id.to_string()/>
                                    <label for="reset-password">"Mật khẩu tạm mới"</label>
                                    <input id="reset-password" name="password" type="password" required autocomplete="new-password"/>
                                    <FieldMessage error=reset_error name="password"/>
                                    <button type="submit" class="button-secondary" disabled=move || reset.pending().get()>"Đặt lại mật khẩu"</button>
                                </ActionForm>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
