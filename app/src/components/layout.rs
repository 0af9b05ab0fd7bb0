//! The frame of every page: the header with navigation fitted to the role.

use crate::api::auth::Logout;
use crate::components::form::CsrfField;
use crate::session::use_session;
use domain::Role;
use domain::views::SessionView;
use leptos::prelude::*;
use leptos_router::components::A;

struct NavItem {
    href: String,
    label: &'static str,
}

fn nav_for(user: &SessionView) -> Vec<NavItem> {
    let mut items = vec![NavItem { href: "/".into(), label: "Trang chủ" }];
    match user.role {
        Role::Clerk | Role::UnitLeader => items.push(NavItem { href: format!("/don-vi/{}", user.unit_id), label: "Đơn vị của tôi" }),
        Role::Reviewer | Role::Leader => {
            items.push(NavItem { href: "/tong-hop".into(), label: "Tổng hợp" });
            items.push(NavItem { href: "/tinh-hinh-bao-cao".into(), label: "Tình hình báo cáo" });
            items.push(NavItem { href: "/don-vi".into(), label: "Đơn vị" });
            items.push(NavItem { href: "/danh-muc/che-do".into(), label: "Chế độ báo cáo" });
        }
        Role::Admin => {
            items.push(NavItem { href: "/tong-hop".into(), label: "Tổng hợp" });
            items.push(NavItem { href: "/danh-muc/chi-tieu".into(), label: "Danh mục" });
            items.push(NavItem { href: "/quan-tri/nguoi-dung".into(), label: "Người dùng" });
            items.push(NavItem { href: "/quan-tri/api".into(), label: "Khóa API" });
            items.push(NavItem { href: "/quan-tri/webhook".into(), label: "Webhook" });
            items.push(NavItem { href: "/don-vi".into(), label: "Đơn vị" });
        }
        Role::Machine => {}
    }
    items
}

#[component]
fn UserBox(user: SessionView) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    crate::util::follow_success(logout.value());
    view! {
        <div class="userbox">
            <span class="who">
                <strong>{user.full_name.clone()}</strong>
                <small>{format!("{} · {}", user.role.label(), user.unit_name)}</small>
            </span>
            <A href="/doi-mat-khau" attr:class="link">"Đổi mật khẩu"</A>
            <ActionForm action=logout attr:class="inline">
                <CsrfField/>
                <button type="submit" class="button-secondary">"Đăng xuất"</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    let unread = Resource::new(|| (), |_| crate::api::notifications::unread_count());
    view! {
        <a class="skip-link" href="#noi-dung">"Bỏ qua, đến nội dung chính"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark">"BC"</span>
                <span class="brand-text">
                    <strong>"Hệ thống thông tin báo cáo"</strong>
                    <small>"Ủy ban nhân dân tỉnh Sơn La"</small>
                </span>
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = session.info.await.ok().and_then(|i| i.user);
                    let count = match user {
                        Some(_) => unread.await.unwrap_or(0),
                        None => 0,
                    };
                    user.map(|u| {
                        let items = nav_for(&u);
                        view! {
                            <nav class="mainnav" aria-label="Điều hướng chính">
                                {items.into_iter().map(|i| view! { <A href=i.href>{i.label}</A> }).collect_view()}
                            </nav>
                            <crate::components::bell::Bell count/>
                            <UserBox user=u/>
                        }
                    })
                })}
            </Suspense>
        </header>
        <main class="content" id="noi-dung" tabindex="-1">{children()}</main>
        <footer class="footer">
            <p>
                "© UBND tỉnh Sơn La · Hệ thống thông tin báo cáo theo Nghị định 09/2019/NĐ-CP · "
                // Not a route of the app: a full page load (rel="external").
                <a href="/du-lieu-mo" rel="external">"Dữ liệu mở"</a>
            </p>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> SessionView {
        SessionView {
            user_id: 1,
            username: "x".into(),
            full_name: "X".into(),
            role,
            unit_id: 7,
            unit_name: "Sở Y tế".into(),
            must_change_password: false,
        }
    }

    #[test]
    fn navigation_fits_the_role() {
        let labels = |r| nav_for(&user(r)).into_iter().map(|i| i.label).collect::<Vec<_>>();
        assert_eq!(labels(Role::Clerk), vec!["Trang chủ", "Đơn vị của tôi"]);
        assert!(labels(Role::Admin).contains(&"Người dùng"));
        assert!(!labels(Role::Reviewer).contains(&"Người dùng"));
        assert_eq!(nav_for(&user(Role::UnitLeader))[1].href, "/don-vi/7");
    }
}
