//! Sub-navigation inside an area (catalogue sections, a regime's tabs).

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Tabs(#[prop(into)] label: String, items: Vec<(String, &'static str)>) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label=label>
            {items.into_iter().map(|(href, text)| view! { <A href=href exact=true>{text}</A> }).collect_view()}
        </nav>
    }
}

/// The catalogue's sections; the import/export tab only for administrators.
#[component]
pub fn CatalogueTabs(admin: bool) -> impl IntoView {
    let mut items = vec![
        ("/danh-muc/chi-tieu".to_string(), "Chỉ tiêu"),
        ("/danh-muc/phan-to".to_string(), "Phân tổ"),
        ("/danh-muc/che-do".to_string(), "Chế độ báo cáo"),
        ("/danh-muc/ngay-nghi".to_string(), "Ngày nghỉ lễ"),
    ];
    if admin {
        items.push(("/danh-muc/nhap-xuat".to_string(), "Nhập/xuất"));
    }
    view! { <Tabs label="Danh mục" items/> }
}

/// The tabs of one regime.
#[component]
pub fn RegimeTabs(id: i32) -> impl IntoView {
    let items = vec![
        (format!("/danh-muc/che-do/{id}"), "Thông tin chung"),
        (format!("/danh-muc/che-do/{id}/bieu-mau"), "Biểu mẫu và đề cương"),
        (format!("/danh-muc/che-do/{id}/quy-tac"), "Quy tắc kiểm tra"),
        (format!("/danh-muc/che-do/{id}/ke-hoach"), "Kế hoạch năm"),
        (format!("/danh-muc/che-do/{id}/xem-truoc"), "Xem trước"),
    ];
    view! { <Tabs label="Chế độ báo cáo" items/> }
}
