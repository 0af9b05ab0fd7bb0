use crate::api::units::get_overview;
use crate::components::form::Notice;
use crate::components::guard::Protected;
use crate::components::report_list::UnitReports;
use crate::components::status::{ErrorView, Loading};
use domain::Role;
use domain::views::SessionView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
fn UnitHome(user: SessionView) -> impl IntoView {
    let duty = match user.role {
        Role::Clerk => "Bạn lập và gửi báo cáo định kỳ của đơn vị ngay trên trình duyệt.",
        _ => "Bạn xem xét và phê duyệt báo cáo của đơn vị trước khi gửi Văn phòng UBND tỉnh.",
    };
    view! {
        <section class="card">
            <h2>{format!("Báo cáo của {}", user.unit_name)}</h2>
            <p class="muted">{duty}</p>
            <UnitReports unit_id=None can_start=user.role == Role::Clerk approvals=user.role == Role::UnitLeader/>
            <p><A href="/bao-cao">"Tất cả báo cáo của đơn vị (các kỳ đã qua)"</A></p>
            {(user.role == Role::Clerk).then(|| view! { <p><A href="/nhap-excel">"Nhập số liệu từ tệp Excel"</A></p> })}
        </section>
        <crate::components::unit_board::UnitBoard unit_id=None reviewer=false/>
    }
}

#[component]
fn ProvinceHome(user: SessionView) -> impl IntoView {
    let data = Resource::new(|| (), |_| get_overview());
    let duty = match user.role {
        Role::Reviewer => "Bạn theo dõi tình hình gửi báo cáo của các đơn vị, tiếp nhận hoặc trả lại báo cáo.",
        Role::Leader => "Bạn theo dõi số liệu tổng hợp toàn tỉnh và tiến độ số hóa chỉ tiêu thống kê.",
        _ => "Bạn quản lý tài khoản, đơn vị và danh mục chỉ tiêu, chế độ báo cáo.",
    };
    let reviewer = user.role == Role::Reviewer;
    view! {
        <p>{duty}</p>
        {reviewer.then(|| view! { <crate::components::inbox::Inbox/> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    Ok(o) => view! {
                        <div class="stats">
                            {o.reporting_units.into_iter().map(|k| view! {
                                <div class="stat"><span class="stat-value">{k.count}</span><span class="stat-label">{k.label}</span></div>
                            }).collect_view()}
                            {o.active_users.map(|n| view! {
                                <div class="stat"><span class="stat-value">{n}</span><span class="stat-label">"Tài khoản đang hoạt động"</span></div>
                            })}
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
        <p class="actions">
            <A href="/tinh-hinh-bao-cao" attr:class="button">"Tình hình báo cáo"</A>
            <A href="/don-vi" attr:class="button-secondary">"Danh sách đơn vị"</A>
            {(user.role == Role::Admin).then(|| view! { <A href="/quan-tri/nguoi-dung" attr:class="button-secondary">"Quản lý người dùng"</A> })}
        </p>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    view! {
        <Title text="Trang chủ"/>
        <Protected children=move |user| {
            let changed = query.read_untracked().get("doi-mat-khau").is_some();
            let greeting = format!("Xin chào, {}", user.full_name);
            let role = user.role;
            view! {
                <div class="page-head" data-role=role.code()>
                    <h1>{greeting}</h1>
                    <p class="muted">{format!("{} · {}", role.label(), user.unit_name)}</p>
                </div>
                {changed.then(|| view! { <Notice message="Đã đổi mật khẩu."/> })}
                {if role.is_unit_bound() {
                    view! { <UnitHome user=user.clone()/> }.into_any()
                } else {
                    view! { <ProvinceHome user=user.clone()/> }.into_any()
                }}
            }
        }/>
    }
}
