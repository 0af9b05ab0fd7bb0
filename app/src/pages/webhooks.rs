//! `/quan-tri/webhook`: the administrator's webhook subscriptions (for the
//! Intelligent Operations Centre) and the delivery log.

use crate::api::webhooks::{CreateWebhook, DeactivateWebhook, DeleteWebhook, list_webhooks};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice, SecretOnce};
use crate::components::guard::{ADMIN_ONLY, Protected, is_admin};
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::datefmt::format_datetime;
use domain::webhook::{DeliveryView, WebhookEvent, WebhookView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn event_label(code: &str) -> String {
    WebhookEvent::from_code(code).map(|e| e.label().to_string()).unwrap_or_else(|| code.to_string())
}

#[component]
fn SubscriptionRow(s: WebhookView) -> impl IntoView {
    let deactivate = ServerAction::<DeactivateWebhook>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    follow_success(deactivate.value());
    follow_success(delete.value());
    let events = s.events.iter().map(|e| e.label()).collect::<Vec<_>>().join("; ");
    let id = s.id.to_string();
    let off_id = id.clone();
    view! {
        <tr class:inactive=!s.active>
            <td>{s.name.clone()}</td>
            <td><code>{s.url.clone()}</code></td>
            <td>{events}</td>
            <td>{format_datetime(s.created_at)}</td>
            <td>{if s.active { "Đang bật" } else { "Đã tắt" }}</td>
            <td class="actions">
                {s.active.then(move || view! {
                    <ActionForm action=deactivate>
                        <CsrfField/>
                        <input type="hidden" name="id" value=off_id/>
                        <button type="submit" class="button-secondary">"Tắt"</button>
                    </ActionForm>
                })}
                <ActionForm action=delete>
                    <CsrfField/>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="button-secondary">"Xóa"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
fn DeliveryRow(d: DeliveryView) -> impl IntoView {
    view! {
        <tr>
            <td>{format_datetime(d.created_at)}</td>
            <td>{d.subscription.clone()}</td>
            <td title=d.event.clone()>{event_label(&d.event)}</td>
            <td>{d.status.label()}</td>
            <td class="num">{d.attempts}</td>
            <td class="num">{d.http_status.map(|c| c.to_string()).unwrap_or_default()}</td>
            <td>{d.last_error.clone().unwrap_or_default()}</td>
            <td>{d.next_attempt_at.map(format_datetime).unwrap_or_default()}</td>
        </tr>
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateWebhook>::new();
    let error = Signal::derive(move || action_error(create.value().get()));
    let data = Resource::new(move || create.version().get(), |_| list_webhooks());
    view! {
        <Title text="Webhook"/>
        <Protected allow=is_admin refusal=ADMIN_ONLY children=move |_| view! {
            <div class="page-head"><h1>"Webhook gửi tới Trung tâm điều hành"</h1>
                <p class="muted">"Khi báo cáo được gửi, tiếp nhận, trả lại hoặc số liệu tổng hợp thay đổi, hệ thống gửi một yêu cầu POST (JSON, có chữ ký HMAC-SHA256) tới địa chỉ đã đăng ký; nếu không thành công sẽ gửi lại sau 1 phút, 5 phút, 30 phút, 2 giờ và 12 giờ."</p>
            </div>
            {move || query.read().get("da-tat").map(|_| view! { <Notice message="Đã tắt đăng ký webhook."/> })}
            {move || query.read().get("da-xoa").map(|_| view! { <Notice message="Đã xóa đăng ký webhook."/> })}
            {move || create.value().get().and_then(|r| r.ok()).map(|n| view! {
                <SecretOnce title="Đăng ký mới đã được tạo" hint="Sao chép khóa bí mật này ngay để máy nhận kiểm tra chữ ký: hệ thống sẽ không hiển thị lại." secret=n.secret/>
            })}
            <section class="card narrow">
                <h2>"Đăng ký địa chỉ nhận"</h2>
                <ActionForm action=create attr:class="form" attr:novalidate=true>
                    <FormBanner error/>
                    <CsrfField/>
                    <label for="name">"Tên"</label>
                    <input id="name" name="name" type="text" required maxlength="120" placeholder="Ví dụ: IOC Sơn La"/>
                    <FieldMessage error name="name"/>
                    <label for="url">"Địa chỉ nhận (URL)"</label>
                    <input id="url" name="url" type="url" required maxlength="500" placeholder="https://ioc.sonla.gov.vn/baocao/webhook" aria-describedby="url-hint"/>
                    <p class="hint" id="url-hint">"Nên dùng https. Địa chỉ trong mạng nội bộ (10.x, 192.168.x, máy chủ này…) chỉ dùng được khi máy chủ đặt BAOCAO_WEBHOOK_PRIVATE=true."</p>
                    <FieldMessage error name="url"/>
                    <fieldset>
                        <legend>"Sự kiện"</legend>
                        <label class="check"><input type="checkbox" name="ev_sent" value="1" checked=true/>" Báo cáo được gửi"</label>
                        <label class="check"><input type="checkbox" name="ev_accepted" value="1" checked=true/>" Báo cáo được tiếp nhận"</label>
                        <label class="check"><input type="checkbox" name="ev_returned" value="1" checked=true/>" Báo cáo bị trả lại"</label>
                        <label class="check"><input type="checkbox" name="ev_aggregate" value="1"/>" Số liệu tổng hợp thay đổi"</label>
                    </fieldset>
                    <FieldMessage error name="events"/>
                    <button type="submit" class="button" disabled=move || create.pending().get()>"Đăng ký"</button>
                </ActionForm>
            </section>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(page) => view! {
                            <section>
                                <h2>"Các đăng ký"</h2>
                                {if page.subscriptions.is_empty() {
                                    view! { <p class="empty">"Chưa có đăng ký webhook nào."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table">
                                            <thead><tr><th>"Tên"</th><th>"Địa chỉ nhận"</th><th>"Sự kiện"</th><th>"Tạo lúc"</th><th>"Trạng thái"</th><th></th></tr></thead>
                                            <tbody>{page.subscriptions.into_iter().map(|s| view! { <SubscriptionRow s/> }).collect_view()}</tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                            <section>
                                <h2>"Nhật ký gửi gần đây"</h2>
                                {if page.deliveries.is_empty() {
                                    view! { <p class="empty">"Chưa có lần gửi nào."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table">
                                            <thead><tr><th>"Thời điểm"</th><th>"Đăng ký"</th><th>"Sự kiện"</th><th>"Kết quả"</th><th>"Số lần thử"</th><th>"Mã HTTP"</th><th>"Lỗi"</th><th>"Thử lại lúc"</th></tr></thead>
                                            <tbody>{page.deliveries.into_iter().map(|d| view! { <DeliveryRow d/> }).collect_view()}</tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
