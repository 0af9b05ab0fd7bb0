//! Tình hình báo cáo: the completion board of a month (units × regimes,
//! each expected report's status in words and colour, days late, counts
//! and rates per row, column and in total), accepting several sent reports
//! at once, the export, and the trend over the last 12 periods.

use crate::api::board::{AcceptReports, BoardQuery, get_board, get_trend};
use crate::components::board_cell::{StatusCell, query_from_url};
use crate::components::form::{CsrfField, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use crate::components::trend::TrendChart;
use crate::error::action_error;
use crate::util::follow_success;
use domain::Role;
use domain::board::{CellStatus, Tally, format_rate};
use domain::datefmt::format_date;
use domain::office::{Board, BoardSort};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Counts and rates of a row, a column or the whole board.
#[component]
pub fn TallyCells(tally: Tally) -> impl IntoView {
    view! {
        <td class="num">{tally.expected}</td>
        <td class="num">{tally.sent}</td>
        <td class="num">{tally.on_time}</td>
        <td class="num">{tally.late}</td>
        <td class="num">{tally.missing}</td>
        <td class="num">{tally.accepted}</td>
        <td class="num">{format_rate(tally.completion())}</td>
        <td class="num">{format_rate(tally.timeliness())}</td>
    }
}

pub const TALLY_HEADERS: [&str; 8] = ["Phải gửi", "Đã gửi", "Đúng hạn", "Muộn", "Chưa gửi", "Đã tiếp nhận", "Tỷ lệ đã gửi", "Tỷ lệ đúng hạn"];

#[component]
fn Filters(board: Board) -> impl IntoView {
    let f = board.filter.clone();
    let month = format!("{}-{:02}", f.year, f.month);
    let sel = |v: &str, cur: Option<String>| cur.as_deref() == Some(v);
    let regime = f.regime_id.map(|r| r.to_string());
    let group = f.group_id.map(|g| g.to_string());
    let sector = f.sector.clone();
    view! {
        <form method="get" action="/tinh-hinh-bao-cao" class="filters" aria-label="Lọc bảng tình hình">
            <label>"Tháng (các kỳ kết thúc trong tháng)"<input type="month" name="thang" value=month/></label>
            <label>"Chế độ báo cáo"
                <select name="che_do">
                    <option value="">"Tất cả"</option>
                    {board.regimes.iter().map(|c| view! { <option value=c.value.clone() selected=sel(&c.value, regime.clone())>{c.label.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Lĩnh vực"
                <select name="linh_vuc">
                    <option value="">"Tất cả"</option>
                    {board.sectors.iter().map(|c| view! { <option value=c.value.clone() selected=sel(&c.value, sector.clone())>{c.label.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Nhóm đơn vị"
                <select name="nhom">
                    <option value="">"Tất cả"</option>
                    {board.groups.iter().map(|c| view! { <option value=c.value.clone() selected=sel(&c.value, group.clone())>{c.label.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Sắp xếp"
                <select name="sap_xep">
                    <option value="don-vi" selected=f.sort == BoardSort::Unit>"Theo nhóm, đơn vị"</option>
                    <option value="cham-nhat" selected=f.sort == BoardSort::Lateness>"Chậm nhất trước"</option>
                </select>
            </label>
            <button type="submit" class="button">"Xem"</button>
        </form>
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <p class="legend" aria-label="Chú giải">
            {CellStatus::ALL.into_iter().map(|s| view! { <span class=format!("cell st-{}", s.code())>{s.label()}</span> }).collect_view()}
            <span class="cell">"— : không thuộc đối tượng trong kỳ"</span>
        </p>
    }
}

#[component]
fn BoardTable(board: Board, reviewer: bool) -> impl IntoView {
    let accept = ServerAction::<AcceptReports>::new();
    let error = Signal::derive(move || action_error(accept.value().get()));
    follow_success(accept.value());
    let back = format!("/tinh-hinh-bao-cao?{}", BoardQuery::of(&board.filter));
    let any_sent =
        board.rows.iter().flat_map(|r| r.cells.iter().flatten()).any(|c| matches!(c.cell.status, CellStatus::SentOnTime | CellStatus::SentLate));
    let total = board.total;
    let by_unit = board.filter.sort == BoardSort::Unit;
    let Board { columns, rows, .. } = board;
    let mut group = String::new();
    view! {
        <FormBanner error/>
        {(reviewer && any_sent).then(|| view! {
            <ActionForm action=accept attr:id="tiep-nhan-hang-loat" attr:class="inline-form bulk">
                <CsrfField/>
                <input type="hidden" name="back" value=back.clone()/>
                <span class="hint">"Đánh dấu « chọn » ở các báo cáo đã gửi, rồi:"</span>
                <button type="submit" class="button">"Tiếp nhận các báo cáo đã chọn"</button>
            </ActionForm>
        })}
        <div class="table-wrap">
            <table class="table board">
                <thead>
                    <tr>
                        <th>"Đơn vị"</th>
                        {columns.iter().map(|c| view! {
                            <th scope="col">{c.regime_name.clone()}<br/><small class="muted">{format!("{} · hạn {}", c.period_label, format_date(c.deadline))}</small>
                                <br/><a class="excel-link" href=format!("/tai-xuong/bieu-mau-don-vi.xlsx?che_do={}&ky={}", c.regime_id, c.period_key) download title=format!("Biểu mẫu Excel {} {}, mỗi đơn vị một trang tính", c.regime_name, c.period_label)>"Tải Excel các đơn vị"</a></th>
                        }).collect_view()}
                        {TALLY_HEADERS.iter().map(|h| view! { <th class="num">{*h}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let heading = (by_unit && r.group_name != group).then(|| {
                            group = r.group_name.clone();
                            view! { <tr class="group-row"><th colspan=(columns.len() + 9).to_string()>{group.clone()}</th></tr> }
                        });
                        view! {
                            {heading}
                            <tr>
                                <th scope="row"><a href=format!("/don-vi/{}", r.unit_id)>{r.unit_name.clone()}</a></th>
                                {r.cells.into_iter().map(|c| match c {
                                    Some(c) => view! { <StatusCell cell=c pick=reviewer/> }.into_any(),
                                    None => view! { <td class="cell none" title="Không thuộc đối tượng">"—"</td> }.into_any(),
                                }).collect_view()}
                                <TallyCells tally=r.tally/>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Tổng cộng"</th>
                        {columns.iter().map(|c| view! {
                            <td class="num">{format!("{}/{} đã gửi", c.tally.sent, c.tally.expected)}<br/>{format!("{} đúng hạn · {}", c.tally.on_time, format_rate(c.tally.completion()))}</td>
                        }).collect_view()}
                        <TallyCells tally=total/>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let q = query_from_url();
    let board = Resource::new(move || q.get(), get_board);
    let trend = Resource::new(move || q.get(), get_trend);
    let query = use_query_map();
    view! {
        <Title text="Tình hình báo cáo"/>
        <Protected allow=|a| a.sees_whole_province()
            refusal="Tình hình báo cáo toàn tỉnh dành cho Văn phòng UBND tỉnh, lãnh đạo tỉnh và quản trị."
            children=move |user| {
            let reviewer = user.role == Role::Reviewer;
            let done = query.read_untracked().get("da-tiep-nhan").map(|n| {
                let skipped = query.read_untracked().get("bo-qua").unwrap_or_default();
                if skipped.is_empty() || skipped == "0" { format!("Đã tiếp nhận {n} báo cáo.") } else { format!("Đã tiếp nhận {n} báo cáo; {skipped} báo cáo không còn chờ tiếp nhận nên được bỏ qua.") }
            });
            view! {
                <div class="page-head">
                    <h1>"Tình hình báo cáo"</h1>
                    <p class="muted">"Ai đã gửi, gửi đúng hạn hay muộn, ai chưa gửi: mỗi ô là một báo cáo phải gửi theo chế độ có hiệu lực trong kỳ."</p>
                </div>
                {done.map(|m| view! { <Notice message=m/> })}
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match board.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(b) => {
                                let qs = BoardQuery::of(&b.filter);
                                let t = b.total;
                                // The board's periods that DHIS2 has a period type for.
                                let mut dhis2: Vec<(String, String)> = Vec::new();
                                for c in &b.columns {
                                    let Ok(p) = domain::period::Period::parse_key(&c.period_key) else { continue };
                                    let Ok(d) = domain::dhis2::to_dhis2(&p) else { continue };
                                    if !dhis2.iter().any(|(x, _)| *x == d) {
                                        dhis2.push((d, c.period_label.clone()));
                                    }
                                }
                                view! {
                                    <section class="card">
                                        <Filters board=b.clone()/>
                                        <h2>{format!("Các kỳ báo cáo kết thúc trong {}", b.month_label.to_lowercase())}</h2>
                                        <div class="stats">
                                            <div class="stat"><span class="stat-value">{t.expected}</span><span class="stat-label">"Báo cáo phải gửi"</span></div>
                                            <div class="stat"><span class="stat-value">{format_rate(t.completion())}</span><span class="stat-label">{format!("Đã gửi ({} báo cáo)", t.sent)}</span></div>
                                            <div class="stat"><span class="stat-value">{format_rate(t.timeliness())}</span><span class="stat-label">{format!("Đúng hạn ({} báo cáo)", t.on_time)}</span></div>
                                            <div class="stat"><span class="stat-value">{t.missing}</span><span class="stat-label">{format!("Chưa gửi, trong đó {} quá hạn", t.overdue)}</span></div>
                                            <div class="stat"><span class="stat-value">{t.accepted}</span><span class="stat-label">"Đã tiếp nhận"</span></div>
                                        </div>
                                        <p class="actions">
                                            <a class="button-secondary" href=format!("/tai-xuong/tinh-hinh-bao-cao.xlsx?{qs}")>"Tải bảng (Excel)"</a>
                                            <A href=format!("/tinh-hinh-bao-cao/qua-han?{qs}") attr:class="button-secondary">"Danh sách đơn vị quá hạn (in)"</A>
                                            {dhis2
                                                .into_iter()
                                                .map(|(d, label)| {
                                                    view! {
                                                        <a class="button-secondary" href=format!("/tai-xuong/dhis2.csv?period={d}") title="Số liệu của các báo cáo đã gửi, dạng CSV của DHIS2 (mã làm định danh, số viết với dấu chấm thập phân)">
                                                            {format!("Số liệu đã gửi cho DHIS2: {label} (CSV)")}
                                                        </a>
                                                    }
                                                })
                                                .collect_view()}
                                        </p>
                                        <Legend/>
                                        {if b.rows.is_empty() {
                                            view! { <p class="empty">"Không có báo cáo nào phải gửi trong tháng này với bộ lọc đã chọn."</p> }.into_any()
                                        } else {
                                            view! { <BoardTable board=b reviewer/> }.into_any()
                                        }}
                                    </section>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match trend.await {
                            Err(_) => ().into_any(),
                            Ok(t) => view! {
                                <section class="card">
                                    <h2>"Xu hướng 12 kỳ gần nhất"</h2>
                                    <p class="muted">"Tỷ lệ đã gửi (đường liền) và tỷ lệ đúng hạn (đường gạch) trên số báo cáo phải gửi; số liệu ở bảng bên cạnh."</p>
                                    <h3>"Theo nhóm đơn vị (theo tháng)"</h3>
                                    <div class="trend-grid">{t.by_group.into_iter().map(|s| view! { <TrendChart series=s/> }).collect_view()}</div>
                                    <h3>"Theo chế độ báo cáo (theo kỳ của chế độ)"</h3>
                                    <div class="trend-grid">{t.by_regime.into_iter().map(|s| view! { <TrendChart series=s/> }).collect_view()}</div>
                                </section>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            }
        }/>
    }
}
