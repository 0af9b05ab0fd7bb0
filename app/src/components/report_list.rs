//! A unit's reports for open periods: what is due, by when, in what state.

use crate::api::reports::{StartReport, unit_reports};
use crate::components::form::{CsrfField, FormBanner};
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::datefmt::format_date;
use domain::reporting::DueReport;
use leptos::prelude::*;
use leptos_router::components::A;

fn status_text(d: &DueReport) -> String {
    match (d.status, d.on_time) {
        (None, _) => "Chưa lập".into(),
        (Some(s), Some(true)) if s.is_delivered() => format!("{} (đúng hạn)", s.label()),
        (Some(s), Some(false)) if s.is_delivered() => format!("{} (quá hạn)", s.label()),
        (Some(s), _) => s.label().into(),
    }
}

#[component]
pub fn UnitReports(
    unit_id: Option<i32>,
    can_start: bool,
    /// A unit leader's home: the reports waiting for their approval first.
    #[prop(optional)]
    approvals: bool,
    /// The list, when the page made it at its top: a resource made inside a
    /// page's own suspense is numbered differently in the browser and breaks
    /// hydration.
    #[prop(optional)]
    data: Option<Resource<Result<Vec<DueReport>, crate::error::AppError>>>,
) -> impl IntoView {
    let data = data.unwrap_or_else(|| Resource::new(move || unit_id, unit_reports));
    let start = ServerAction::<StartReport>::new();
    let error = Signal::derive(move || action_error(start.value().get()));
    follow_success(start.value());
    view! {
        <FormBanner error/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">"Không có báo cáo nào đến kỳ."</p> }.into_any(),
                    Ok(list) => view! {
                        {approvals.then(|| {
                            let waiting: Vec<_> = list.iter().filter(|d| d.status == Some(domain::report::ReportStatus::AwaitingApproval)).cloned().collect();
                            view! {
                                <section class="awaiting" aria-labelledby="cho-duyet">
                                    <h3 id="cho-duyet">{format!("Chờ bạn duyệt ({})", waiting.len())}</h3>
                                    {if waiting.is_empty() {
                                        view! { <p class="empty">"Không có báo cáo nào chờ duyệt."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="plain-list">
                                                {waiting.into_iter().filter_map(|d| d.report_id.map(|id| view! {
                                                    <li><A href=format!("/bao-cao/{id}")>{format!("{} — {}", d.regime_name, d.period_label)}</A>
                                                        <small class="muted">{format!(" · hạn {}", format_date(d.deadline))}</small></li>
                                                })).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </section>
                            }
                        })}
                        <div class="table-wrap">
                            <table class="table due-list">
                                <thead><tr><th>"Chế độ báo cáo"</th><th>"Kỳ"</th><th>"Hạn gửi"</th><th>"Trạng thái"</th><th><span class="visually-hidden">"Thao tác"</span></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|d| {
                                        let overdue = d.is_overdue();
                                        let note = d.deadline_note();
                                        let status = status_text(&d);
                                        let excel = (d.report_id.is_none() && d.state.accepts_entry()).then(|| (
                                            format!("/tai-xuong/bieu-mau.xlsx?che_do={}&ky={}{}", d.regime_id, d.period_key, unit_id.map(|u| format!("&don_vi={u}")).unwrap_or_default()),
                                            format!("Tải biểu mẫu Excel trống ({})", d.period_label),
                                        ));
                                        view! {
                                            <tr class:overdue=overdue>
                                                <td data-label="Chế độ báo cáo">{d.regime_name.clone()}<br/><small class="muted">{d.regime_code.clone()}</small></td>
                                                <td data-label="Kỳ">{d.period_label.clone()}</td>
                                                <td data-label="Hạn gửi">{format_date(d.deadline)}<br/><small class:late=overdue>{if d.status.is_some_and(|s| s.is_delivered()) { String::new() } else { note }}</small></td>
                                                <td data-label="Trạng thái">{status}</td>
                                                <td>
                                                    {match d.report_id {
                                                        Some(id) => view! { <A href=format!("/bao-cao/{id}") attr:class="button-secondary">"Mở báo cáo"</A> }.into_any(),
                                                        None if can_start && d.state.accepts_entry() => view! {
                                                            <ActionForm action=start attr:class="inline">
                                                                <CsrfField/>
                                                                <input type="hidden" name="regime_id" value=d.regime_id.to_string()/>
                                                                <input type="hidden" name="period" value=d.period_key.clone()/>
                                                                <button type="submit" class="button">{format!("Lập báo cáo {}", d.period_label)}</button>
                                                            </ActionForm>
                                                        }.into_any(),
                                                        None => view! { <span class="muted">{d.state.label()}</span> }.into_any(),
                                                    }}
                                                    {excel.map(|(href, label)| view! { <a class="excel-link" href=href download>{label}</a> })}
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
    }
}
