//! The reviewer's inbox, the office's home: sent reports waiting for
//! review, oldest first; open, accept (one or several) or return from here.

use crate::api::board::{AcceptReports, get_inbox};
use crate::api::reports::ActOnReport;
use crate::components::form::{CsrfField, FormBanner, Notice};
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::datefmt::format_datetime;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Inbox() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_inbox());
    let accept = ServerAction::<AcceptReports>::new();
    let act = ServerAction::<ActOnReport>::new();
    let error = Signal::derive(move || action_error(accept.value().get()).or_else(|| action_error(act.value().get())));
    follow_success(accept.value());
    follow_success(act.value());
    let query = use_query_map();
    let done = query.read_untracked().get("da-tiep-nhan").map(|n| format!("Đã tiếp nhận {n} báo cáo."));
    view! {
        <section class="card inbox">
            <h2>"Báo cáo chờ tiếp nhận"</h2>
            {done.map(|m| view! { <Notice message=m/> })}
            <FormBanner error/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(page) if page.rows.is_empty() => view! {
                            <p class="empty">"Không có báo cáo nào đang chờ tiếp nhận."</p>
                            {(!page.email_on).then(|| view! { <p class="hint">"Thư điện tử nhắc hạn đang tắt (chưa cấu hình máy chủ thư); thông báo trong hệ thống vẫn hoạt động."</p> })}
                        }.into_any(),
                        Ok(page) => view! {
                            <p class="muted">{format!("{} báo cáo, cũ nhất trước. Chọn nhiều báo cáo để tiếp nhận một lần, hoặc xử lý từng báo cáo.", page.rows.len())}</p>
                            {(!page.email_on).then(|| view! { <p class="hint">"Thư điện tử nhắc hạn đang tắt (chưa cấu hình máy chủ thư); thông báo trong hệ thống vẫn hoạt động."</p> })}
                            <ActionForm action=accept attr:id="tiep-nhan-hop-thu" attr:class="inline-form bulk">
                                <CsrfField/>
                                <input type="hidden" name="back" value="/"/>
                                <button type="submit" class="button">"Tiếp nhận các báo cáo đã chọn"</button>
                            </ActionForm>
                            <div class="table-wrap">
                                <table class="table inbox-table">
                                    <thead><tr><th>"Chọn"</th><th>"Đơn vị"</th><th>"Chế độ, kỳ"</th><th>"Gửi lúc"</th><th>"Hạn"</th><th>"Cảnh báo đã giải trình"</th><th>"Xử lý"</th></tr></thead>
                                    <tbody>
                                        {page.rows.into_iter().map(|r| {
                                            let id = r.report_id.to_string();
                                            let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
                                            let timing = if r.on_time { "Đúng hạn".to_string() } else { format!("Muộn {} ngày", r.days_late) };
                                            view! {
                                                <tr class:late-row=!r.on_time>
                                                    <td><input type="checkbox" form="tiep-nhan-hop-thu" name=format!("chon[{}]", r.report_id) value="1" aria-label=format!("Chọn báo cáo của {}", r.unit_name)/></td>
                                                    <td>{r.unit_name.clone()}</td>
                                                    <td><a href=format!("/bao-cao/{}", r.report_id)>{r.regime_name.clone()}</a><br/><small class="muted">{r.period_label.clone()}</small></td>
                                                    <td>{format_datetime(r.sent_at)}</td>
                                                    <td><span class=if r.on_time { "status status-da_tiep_nhan" } else { "status status-tra_lai" }>{timing}</span></td>
                                                    <td class="num">{r.explained}</td>
                                                    <td class="row-actions">
                                                        <ActionForm action=act attr:class="inline">
                                                            <CsrfField/>
                                                            <input type="hidden" name="id" value=id1/>
                                                            <input type="hidden" name="action" value="tiep_nhan"/>
                                                            <button type="submit" class="button">"Tiếp nhận"</button>
                                                        </ActionForm>
                                                        <details class="return">
                                                            <summary>"Trả lại…"</summary>
                                                            <ActionForm action=act attr:class="form">
                                                                <CsrfField/>
                                                                <input type="hidden" name="id" value=id2/>
                                                                <input type="hidden" name="action" value="tra_lai"/>
                                                                <label for=format!("reason-{id3}")>"Lý do trả lại (bắt buộc)"</label>
                                                                <textarea id=format!("reason-{id}") name="reason" rows="2" required></textarea>
                                                                <button type="submit" class="button-secondary">"Trả lại đơn vị"</button>
                                                            </ActionForm>
                                                        </details>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
