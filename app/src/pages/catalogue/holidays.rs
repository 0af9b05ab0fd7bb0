use super::is_admin;
use crate::api::catalogue::{AddHoliday, RemoveHoliday, list_holidays};
use crate::components::form::{CsrfField, FieldMessage, FormBanner};
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use crate::components::tabs::CatalogueTabs;
use crate::error::action_error;
use crate::util::follow_success;
use domain::datefmt::format_date;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

const WEEKDAYS: [&str; 7] = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];

#[component]
pub fn HolidaysPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.read().get("nam").and_then(|y| y.parse::<i32>().ok());
    let data = Resource::new(year, list_holidays);
    let add = ServerAction::<AddHoliday>::new();
    let remove = ServerAction::<RemoveHoliday>::new();
    let add_error = Signal::derive(move || action_error(add.value().get()));
    let remove_error = Signal::derive(move || action_error(remove.value().get()));
    follow_success(add.value());
    follow_success(remove.value());
    view! {
        <Title text="Ngày nghỉ lễ"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            view! {
                <h1>"Ngày nghỉ lễ"</h1>
                <CatalogueTabs admin/>
                <p class="muted">"Hạn gửi của chế độ tính theo ngày làm việc bỏ qua thứ Bảy, Chủ nhật và các ngày dưới đây."</p>
                <FormBanner error=remove_error/>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(page) => view! {
                                <nav class="tabs" aria-label="Năm">
                                    {page.years.iter().map(|y| view! { <A href=format!("/danh-muc/ngay-nghi?nam={y}")>{format!("Năm {y}")}</A> }).collect_view()}
                                </nav>
                                {if page.days.is_empty() {
                                    view! { <p class="empty">{format!("Chưa có ngày nghỉ nào của năm {}.", page.year)}</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table">
                                            <thead><tr><th>"Ngày"</th><th>"Thứ"</th><th>"Loại"</th><th>"Tên"</th>{admin.then(|| view! { <th><span class="visually-hidden">"Thao tác"</span></th> })}</tr></thead>
                                            <tbody>
                                                {page.days.into_iter().map(|h| {
                                                    let wd = WEEKDAYS[chrono::Datelike::weekday(&h.day).num_days_from_monday() as usize];
                                                    view! {
                                                        <tr>
                                                            <td>{format_date(h.day)}</td>
                                                            <td>{wd}</td>
                                                            <td>{if h.make_up { "Ngày làm bù" } else { "Ngày nghỉ" }}</td>
                                                            <td>{h.name.clone()}</td>
                                                            {admin.then(|| view! {
                                                                <td>
                                                                    <ActionForm action=remove attr:class="inline">
                                                                        <CsrfField/>
                                                                        <input type="hidden" name="day" value=format_date(h.day)/>
                                                                        <button type="submit" class="link-button" aria-label=format!("Xóa ngày nghỉ {}", format_date(h.day))>"Xóa"</button>
                                                                    </ActionForm>
                                                                </td>
                                                            })}
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            }.into_any(),
                        }
                    })}
                </Suspense>
                {admin.then(|| view! {
                    <section class="card narrow">
                        <h2>"Thêm ngày nghỉ hoặc ngày làm bù"</h2>
                        <ActionForm action=add attr:class="form" attr:novalidate=true>
                            <FormBanner error=add_error/>
                            <CsrfField/>
                            <label for="day">"Ngày (ngày/tháng/năm)"</label>
                            <input id="day" name="day" type="text" placeholder="02/09/2026" inputmode="numeric"/>
                            <FieldMessage error=add_error name="day"/>
                            <fieldset>
                                <legend>"Loại ngày"</legend>
                                <label class="check"><input type="radio" name="kind" value="nghi" checked/>" Ngày nghỉ (lễ, Tết, nghỉ bù)"</label>
                                <label class="check"><input type="radio" name="kind" value="lam_bu"/>" Ngày làm bù (thứ Bảy hoặc Chủ nhật đi làm)"</label>
                            </fieldset>
                            <label for="hname">"Tên hoặc ghi chú"</label>
                            <input id="hname" name="name" type="text" placeholder="Quốc khánh; hoặc: Làm bù cho ngày 02/5/2025"/>
                            <FieldMessage error=add_error name="name"/>
                            <p class="hint">"Hạn gửi báo cáo rơi vào ngày nghỉ được lùi sang ngày làm việc kế tiếp; ngày làm bù được tính là ngày làm việc."</p>
                            <button type="submit" class="button">"Thêm"</button>
                        </ActionForm>
                    </section>
                })}
            }
        }/>
    }
}
