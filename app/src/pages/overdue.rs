//! The units to chase, printable (A4): their overdue reports and their
//! clerks' and leaders' contacts, for a phone round or a reminder letter.

use crate::api::board::get_overdue;
use crate::components::board_cell::query_from_url;
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use domain::datefmt::{format_date, long_date};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverduePage() -> impl IntoView {
    let q = query_from_url();
    let data = Resource::new(move || q.get(), get_overdue);
    view! {
        <Title text="Đơn vị quá hạn gửi báo cáo"/>
        <Protected allow=|a| a.sees_whole_province()
            refusal="Danh sách này dành cho Văn phòng UBND tỉnh, lãnh đạo tỉnh và quản trị."
            children=move |_| view! {
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(p) => view! {
                            <article class="printable">
                                <header class="doc-head">
                                    <div><p>"UBND TỈNH SƠN LA"</p><p><strong>"VĂN PHÒNG"</strong></p></div>
                                    <div><p><strong>"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</strong></p><p><strong>"Độc lập - Tự do - Hạnh phúc"</strong></p><p><em>{format!("Sơn La, {}", long_date(p.today))}</em></p></div>
                                </header>
                                <h1 class="doc-title">"DANH SÁCH ĐƠN VỊ CHƯA GỬI BÁO CÁO ĐÚNG HẠN"</h1>
                                <p class="doc-sub">{format!("Các kỳ báo cáo kết thúc trong {} — tình hình đến ngày {}", p.month_label.to_lowercase(), format_date(p.today))}</p>
                                <p class="no-print"><button type="button" class="button-secondary" onclick="window.print()">"In danh sách"</button>" "<span class="hint">"(hoặc dùng lệnh In của trình duyệt)"</span></p>
                                {if p.units.is_empty() {
                                    view! { <p class="empty">"Không có đơn vị nào quá hạn chưa gửi báo cáo."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table print-table">
                                            <thead><tr><th>"STT"</th><th>"Đơn vị"</th><th>"Báo cáo quá hạn"</th><th>"Người liên hệ"</th></tr></thead>
                                            <tbody>
                                                {p.units.into_iter().enumerate().map(|(i, u)| view! {
                                                    <tr>
                                                        <td>{i + 1}</td>
                                                        <td><strong>{u.unit_name}</strong></td>
                                                        <td><ul class="plain">{u.reports.into_iter().map(|r| view! {
                                                            <li>{format!("{} — {}: hạn {}, quá {} ngày ({})", r.regime_name, r.period_label, format_date(r.deadline), r.days_late, r.status_label.to_lowercase())}</li>
                                                        }).collect_view()}</ul></td>
                                                        <td><ul class="plain">{u.contacts.into_iter().map(|c| view! {
                                                            <li>{format!("{} ({})", c.full_name, c.role_label)}<br/>
                                                                {(!c.phone.is_empty()).then(|| view! { <span>{format!("ĐT: {}", c.phone)}</span><br/> })}
                                                                {(!c.email.is_empty()).then(|| view! { <span>{c.email.clone()}</span> })}
                                                            </li>
                                                        }).collect_view()}</ul></td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                                <p class="signature"><strong>"NGƯỜI LẬP"</strong><br/><em>"(Ký, ghi rõ họ tên)"</em></p>
                            </article>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
