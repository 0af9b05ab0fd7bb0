//! A unit's own record (its regimes × the last 12 months, in words) and
//! what the provincial office did to its reports; on the unit's page and
//! on its clerks' and leaders' home.

use crate::api::board::{SetException, get_unit_board};
use crate::components::board_cell::StatusCell;
use crate::components::form::{CsrfField, FieldMessage, FormBanner};
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::board::format_rate;
use domain::datefmt::format_datetime;
use leptos::prelude::*;

#[component]
pub fn UnitBoard(
    unit_id: Option<i32>,
    reviewer: bool,
    /// The record, when the page made it at its top (see `UnitReports`).
    #[prop(optional)]
    data: Option<Resource<Result<crate::api::board::UnitBoard, crate::error::AppError>>>,
) -> impl IntoView {
    let data = data.unwrap_or_else(|| Resource::new(move || unit_id, get_unit_board));
    let extend = ServerAction::<SetException>::new();
    let error = Signal::derive(move || action_error(extend.value().get()));
    follow_success(extend.value());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    Ok(d) => {
                        let t = d.record.total;
                        let regimes: Vec<(i32, String)> = d.record.rows.iter().map(|r| (r.regime_id, r.regime_name.clone())).collect();
                        view! {
                            <section class="card">
                                <h2>"Tình hình gửi báo cáo 12 tháng gần nhất"</h2>
                                <p class="muted">{format!("{} báo cáo phải gửi: đã gửi {} ({}), đúng hạn {} ({}), chưa gửi {}.", t.expected, t.sent, format_rate(t.completion()), t.on_time, format_rate(t.timeliness()), t.missing)}</p>
                                {if d.record.rows.is_empty() {
                                    view! { <p class="empty">"Đơn vị không thuộc đối tượng của chế độ báo cáo nào trong 12 tháng qua."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="table board record">
                                                <thead><tr><th>"Chế độ báo cáo"</th>{d.record.months.iter().map(|m| view! { <th>{m.clone()}</th> }).collect_view()}<th class="num">"Tỷ lệ đã gửi"</th></tr></thead>
                                                <tbody>
                                                    {d.record.rows.into_iter().map(|r| view! {
                                                        <tr>
                                                            <th scope="row">{r.regime_name.clone()}</th>
                                                            {r.cells.into_iter().map(|c| match c {
                                                                Some((period, cell)) => view! { <StatusCell cell period=period/> }.into_any(),
                                                                None => view! { <td class="cell none">"—"</td> }.into_any(),
                                                            }).collect_view()}
                                                            <td class="num">{format_rate(r.tally.completion())}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            </section>
                            {reviewer.then(|| {
                                let unit = d.record.unit_id.to_string();
                                view! {
                                    <section class="card">
                                        <h2>"Gia hạn nhập số liệu cho đơn vị"</h2>
                                        <p class="muted">"Cho phép đơn vị lập, sửa và gửi báo cáo của một kỳ đã khóa đến hết ngày được chọn, hoặc thu hồi gia hạn đã cấp."</p>
                                        <ActionForm action=extend attr:class="form">
                                            <CsrfField/>
                                            <FormBanner error/>
                                            <input type="hidden" name="unit_id" value=unit.clone()/>
                                            <input type="hidden" name="back" value=format!("/don-vi/{unit}")/>
                                            <label for="regime_id">"Chế độ báo cáo"</label>
                                            <select id="regime_id" name="regime_id">
                                                {regimes.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                            </select>
                                            <label for="period">"Kỳ báo cáo (mã kỳ, ví dụ 2025-09, 2025-Q3, 2025-S1, 2025)"</label>
                                            <input id="period" name="period" type="text" required/>
                                            <FieldMessage error name="period"/>
                                            <label for="until">"Được nhập đến hết ngày (ngày/tháng/năm)"</label>
                                            <input id="until" name="until" type="text" placeholder="dd/mm/yyyy"/>
                                            <FieldMessage error name="until"/>
                                            <div class="actions">
                                                <button type="submit" class="button">"Gia hạn"</button>
                                                <button type="submit" name="thu_hoi" value="1" class="button-secondary">"Thu hồi gia hạn"</button>
                                            </div>
                                        </ActionForm>
                                    </section>
                                }
                            })}
                            <section class="card">
                                <h2>"Xử lý của Văn phòng UBND tỉnh"</h2>
                                {if d.actions.is_empty() {
                                    view! { <p class="empty">"Chưa có."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="office-actions">
                                            {d.actions.into_iter().map(|a| view! {
                                                <li>
                                                    <small class="muted">{format!("{} · {}", format_datetime(a.at), a.who)}</small><br/>
                                                    {match a.report_id {
                                                        Some(id) => view! { <a href=format!("/bao-cao/{id}")>{a.what.clone()}</a> }.into_any(),
                                                        None => view! { <span>{a.what.clone()}</span> }.into_any(),
                                                    }}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
