//! Tổng hợp: the leaders' dashboard (tiles, trend and bars drawn as SVG on
//! the server with the figures in a table beside each, drill-down from the
//! province to a group, a unit and its reports), the digital-data share
//! page and the pivot with its XLSX/CSV files. All work without JavaScript:
//! every choice is a GET form or a link.

use crate::api::aggregate::{DashQuery, PivotQuery, SetDigitalTarget, SetKeyIndicators, get_dashboard, get_digital, get_pivot};
use crate::components::form::{CsrfField, FormBanner};
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::aggregate::Counted;
use domain::dashboard::{Breakdown, Choice, Dashboard, DigitalPage, FigureCell, Pivot, RankRow, ShareRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn options(list: &[Choice], current: &str) -> impl IntoView + use<> {
    list.iter().map(|c| view! { <option value=c.value.clone() selected=c.value == current>{c.label.clone()}</option> }).collect_view()
}

fn counted_select(current: &str) -> impl IntoView + use<> {
    view! {
        <label>"Số liệu tính"
            <select name="tinh">
                {[Counted::SentOrAccepted, Counted::AcceptedOnly].into_iter().map(|c| {
                    let chosen = Counted::from_code(current).unwrap_or_default() == c;
                    view! { <option value=c.code() selected=chosen>{c.label()}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

fn accepted_share(c: &FigureCell) -> String {
    if c.reported == 0 {
        "chưa có đơn vị nào báo cáo".into()
    } else {
        format!("{} đơn vị báo cáo / {} phải báo cáo; {} có số liệu đã tiếp nhận", c.reported, c.expected, c.accepted)
    }
}

#[component]
fn Tiles(d: Dashboard) -> impl IntoView {
    // One root, the picker inside it: an optional sibling after the tiles
    // did not hydrate.
    view! {
        <section class="tiles-wrap" aria-label="Chỉ tiêu chính">
        <div class="tiles">
            {d.tiles.iter().map(|t| view! {
                <article class="tile">
                    <h3><a href=dash_link(&d, d.node_id, t.indicator_id)>{t.name.clone()}</a></h3>
                    <p class="tile-value"><strong>{t.value.text.clone()}</strong>" "<small>{t.uom.clone()}</small></p>
                    <p class="muted">{format!("{} · {}", d.period_label, t.value.counts())}</p>
                    <p>{format!("Cùng kỳ năm trước: {}", t.last_year.text)}
                        {t.change.clone().map(|c| view! { " (" <strong>{c}</strong> ")" })}</p>
                    {t.plan.clone().map(|p| view! { <p>{p}</p> })}
                    {t.anomaly.clone().map(|a| view! { <p class="warning" role="note">{a}</p> })}
                    {(t.value.double_reported > 0).then(|| view! {
                        <p class="muted">{format!("{} đơn vị báo cáo trùng ở hai chế độ: lấy một nguồn theo quy tắc bên dưới.", t.value.double_reported)}</p>
                    })}
                </article>
            }).collect_view()}
        </div>
        {d.key_codes.clone().map(|codes| view! { <KeyIndicatorsForm codes/> })}
        </section>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let crumbs = d.breadcrumb.clone();
    let nut = d.node_id.to_string();
    let chi_tieu = d.indicator_id.to_string();
    view! {
        <form method="get" action="/tong-hop" class="filters" aria-label="Chọn kỳ và chỉ tiêu">
            <input type="hidden" name="nut" value=nut/>
            <label>"Kỳ"<select name="ky">{options(&d.periods, &d.period_key)}</select></label>
            <label>"Chỉ tiêu xem chi tiết"<select name="chi_tieu">{options(&d.indicators, &chi_tieu)}</select></label>
            {counted_select(&d.counted)}
            <button type="submit" class="button">"Xem"</button>
        </form>
        <nav aria-label="Cấp đơn vị" class="breadcrumb">
            {crumbs.into_iter().enumerate().map(|(k, (id, name))| view! {
                {(k > 0).then_some(" › ")}<a href=dash_link(&d, id, d.indicator_id)>{name}</a>
            }).collect_view()}
        </nav>
        <h2>{format!("{} – {}", d.node_name, d.period_label)}</h2>
        <Tiles d=d.clone()/>
        <section class="card">
            <h2>{d.indicator_label.clone()}</h2>
            <p><strong>{d.node_cell.text.clone()}</strong>{format!(" — {}", accepted_share(&d.node_cell))}</p>
            <div class="chart-pair">
                <div class="chart-box" inner_html=d.bars_svg.clone()></div>
                <table class="table">
                    <caption>"Theo đơn vị trực thuộc (bấm để xem chi tiết)"</caption>
                    <thead><tr><th>"Đơn vị"</th><th class="num">"Số liệu"</th><th class="num">"Đã báo cáo"</th><th class="num">"Đã tiếp nhận"</th></tr></thead>
                    <tbody>
                        {d.children.iter().map(|c| view! {
                            <tr>
                                <th scope="row"><a href=dash_link(&d, c.unit_id, d.indicator_id)>{c.name.clone()}</a></th>
                                <td class="num">{c.cell.text.clone()}</td>
                                <td class="num">{format!("{}/{}", c.cell.reported, c.cell.expected)}</td>
                                <td class="num">{c.cell.accepted}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!d.reports.is_empty()).then(|| view! {
                <h3>"Báo cáo của đơn vị trong kỳ"</h3>
                <ul>{d.reports.iter().map(|r| view! { <li><a href=format!("/bao-cao/{}", r.report_id)>{r.label.clone()}</a></li> }).collect_view()}</ul>
            })}
            <div class="chart-pair">
                <div class="chart-box" inner_html=d.trend_svg.clone()></div>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Xu hướng theo kỳ (kéo ngang để xem thêm cột)">
                <table class="table">
                    <caption>"Xu hướng theo kỳ (năm nay, năm trước và dự báo)"</caption>
                    <thead><tr><th>"Kỳ"</th><th class="num">"Năm nay"</th><th class="num">"Năm trước"</th><th class="num">"Dự báo (khoảng)"</th></tr></thead>
                    <tbody>
                        {d.trend.iter().zip(d.trend_last_year.iter()).enumerate().map(|(k, (a, b))| {
                            let projected = d.projection.as_ref().and_then(|p| p.periods.get(k).cloned()).unwrap_or_default();
                            // "329.032 (295.852 – 365.683)": the range on a line of its own.
                            let (value, range) = match projected.split_once(" (") {
                                Some((v, r)) => (v.to_string(), format!("({r}")),
                                None => (projected, String::new()),
                            };
                            view! {
                                <tr>
                                    <th scope="row">{a.label.clone()}</th>
                                    <td class="num">{a.value.text.clone()}</td>
                                    <td class="num">{b.value.text.clone()}</td>
                                    <td class="num">{value}<br/><small class="muted">{range}</small></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </div>
            <div class="projection" role="note">
                {match d.projection.clone() {
                    Some(p) => view! {
                        <p><strong>{format!("{}: {}", p.title, p.value)}</strong>{format!(" (khoảng {} – {})", p.low, p.high)}</p>
                        <p class="muted">{p.method}</p>
                    }.into_any(),
                    None => view! { <p class="muted">{format!("Chưa có dự báo cả năm: {}", d.projection_note)}</p> }.into_any(),
                }}
            </div>
        </section>
        <BreakdownCard d=d.clone()/>
        <RankingCard d=d.clone()/>
        <section class="card muted">
            <h2>"Cách tính"</h2>
            <ul>
                <li>"Số liệu lấy trực tiếp từ các báo cáo, cập nhật ngay khi đơn vị gửi (không chờ tổng hợp qua đêm)."</li>
                <li>"Tổng hợp theo cây đơn vị và theo kỳ theo cách tổng hợp của từng chỉ tiêu (cộng, trung bình, nhỏ nhất, lớn nhất, số cuối kỳ); tỷ lệ được tính lại từ tử số và mẫu số đã tổng hợp, không lấy trung bình các tỷ lệ."</li>
                <li>"Một kỳ chỉ có số khi đơn vị báo cáo đủ kỳ đó (ví dụ đủ 3 tháng của quý); thiếu là « — », không tính là 0."</li>
                <li>"Báo cáo trùng: nếu đơn vị báo cáo cùng chỉ tiêu ở hai chế độ cho cùng kỳ, lấy nguồn gần kỳ nhất (số của chính kỳ trước số cộng từ các tháng), rồi nguồn đã tiếp nhận, rồi chế độ ban hành trước."</li>
                <li>"Phân tổ (ví dụ nam, nữ): mỗi phần được tổng hợp như tổng số của chỉ tiêu; phần tổng số không được phân tổ (do thiếu số của một phần) được vẽ gạch chéo « Chưa phân tổ », không tính phần thiếu là 0."</li>
                <li>"Xếp hạng xã, phường: số cao nhất xếp hạng 1, số bằng nhau cùng hạng (hạng tiếp theo bỏ qua số hạng tương ứng), xã, phường chưa báo cáo xếp cuối, không có hạng."</li>
                <li>"Phát hiện bất thường: điểm z bền vững theo trung vị và độ lệch tuyệt đối trung vị của chính đơn vị, ngưỡng ±3,5."</li>
                <li>"Dự báo cả năm: mỗi kỳ còn lại bằng số cùng kỳ năm trước nhân hệ số tăng trưởng của năm nay (tổng các kỳ đã có ÷ tổng cùng các kỳ năm trước), khoảng dao động theo hệ số thấp nhất và cao nhất của từng kỳ; cả năm cộng dồn, lấy kỳ cuối hoặc trung bình theo cách tổng hợp của chỉ tiêu. Không dự báo tỷ lệ."</li>
                <li>{d.rounding.clone()}</li>
            </ul>
        </section>
    }
}

/// The dashboard at another node or indicator, same period and counting.
fn dash_link(d: &Dashboard, node: i32, indicator: impl std::fmt::Display) -> String {
    format!("/tong-hop?ky={}&nut={node}&chi_tieu={indicator}&tinh={}", d.period_key, d.counted)
}

#[component]
fn BreakdownCard(d: Dashboard) -> impl IntoView {
    let Some(b) = d.breakdown.clone() else {
        // The chosen indicator has no parts: offer the ones that have.
        let links: Vec<(String, String)> = d.breakdown_indicators.iter().map(|c| (dash_link(&d, d.node_id, &c.value), c.label.clone())).collect();
        return view! {
            <section class="card" aria-labelledby="phan-to">
                <h2 id="phan-to">"Phân tổ"</h2>
                <p class="muted">"Chỉ tiêu đang xem không có phân tổ (ví dụ theo giới tính, nhóm tuổi)."</p>
                {(!links.is_empty()).then(|| view! {
                    <p>"Xem phân tổ của chỉ tiêu: "
                        {links.into_iter().enumerate().map(|(k, (href, label))| view! { {(k > 0).then_some(" · ")}<a href=href>{label}</a> }).collect_view()}
                    </p>
                })}
            </section>
        }
        .into_any();
    };
    let Breakdown { title, parts, by, rows, svg } = b;
    // Nothing at all for the period: one sentence instead of a chart of empty rows.
    if !rows.iter().any(|r| !r.total.plain.is_empty() || r.parts.iter().any(|c| !c.plain.is_empty())) {
        return view! {
            <section class="card" aria-labelledby="phan-to">
                <h2 id="phan-to">{format!("Phân tổ: {}", parts.join(" / "))}</h2>
                <p class="muted">{format!("Chưa có số liệu phân tổ: {title}.")}</p>
            </section>
        }
        .into_any();
    }
    let first = if by.starts_with("theo từng kỳ") { "Kỳ" } else { "Đơn vị" };
    let links: Vec<Option<String>> = rows.iter().map(|r| (r.unit_id > 0).then(|| dash_link(&d, r.unit_id, d.indicator_id))).collect();
    view! {
        <section class="card" aria-labelledby="phan-to">
            <h2 id="phan-to">{format!("Phân tổ: {}", parts.join(" / "))}</h2>
            <div class="chart-pair">
                <div class="chart-box" inner_html=svg></div>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng số liệu phân tổ (kéo ngang để xem thêm cột)">
                <table class="table">
                    <caption>{title}</caption>
                    <thead><tr>
                        <th>{first}</th>
                        {parts.iter().map(|p| view! { <th class="num">{p.clone()}</th> }).collect_view()}
                        <th class="num">"Tổng số"</th>
                        <th>"Ghi chú"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().zip(links).map(|(r, link)| view! {
                            <tr>
                                <th scope="row">{match link {
                                    Some(href) => view! { <a href=href>{r.label.clone()}</a> }.into_any(),
                                    None => view! { {r.label.clone()} }.into_any(),
                                }}</th>
                                {r.parts.iter().zip(r.shares.iter()).map(|(c, share)| view! {
                                    <td class="num">{c.text.clone()}
                                        {(!share.is_empty()).then(|| view! { <br/><small class="muted">{share.clone()}</small> })}
                                    </td>
                                }).collect_view()}
                                <td class="num">{r.total.text.clone()}</td>
                                <td>{r.note.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </div>
            <p class="muted">"« — »: chưa có số liệu (không tính là 0)."</p>
        </section>
    }
    .into_any()
}

fn rank_bar(r: &RankRow) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 14" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="{}" height="14"/></svg>"#,
        r.bar
    )
}

#[component]
fn RankingCard(d: Dashboard) -> impl IntoView {
    if d.ranking.is_empty() {
        return ().into_any();
    }
    // Nobody reported yet: one sentence, not a list of every commune saying so.
    if d.ranking.iter().all(|r| r.rank.is_empty()) {
        return view! {
            <section class="card" aria-labelledby="xep-hang">
                <h2 id="xep-hang">{d.ranking_title.clone()}</h2>
                <p>{format!("Chưa xã, phường nào có số liệu «{}» được tính cho kỳ này.", d.indicator_label)}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card" aria-labelledby="xep-hang">
            <h2 id="xep-hang">{d.ranking_title.clone()}</h2>
            {(!d.ranking_current.is_empty()).then(|| view! { <p class="ranking-current"><a href="#xep-hang-dang-xem">{d.ranking_current.clone()}</a></p> })}
            <p class="muted">{format!("{}: cao nhất xếp trước, số bằng nhau cùng hạng; xã, phường chưa báo cáo xếp cuối (không tính là 0).", d.indicator_label)}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng xếp hạng xã, phường">
            <table class="table ranking">
                <thead><tr><th class="num">"Hạng"</th><th>"Xã, phường"</th><th class="num">"Số liệu"</th><th class="bar-col">"So với cao nhất"</th></tr></thead>
                <tbody>
                    {d.ranking.iter().map(|r| view! {
                        <tr class:current=r.current class:unreported=r.rank.is_empty() id=r.current.then_some("xep-hang-dang-xem")>
                            <td class="num">{r.rank.clone()}</td>
                            <th scope="row"><a href=dash_link(&d, r.unit_id, d.indicator_id)>{r.name.clone()}</a>
                                // On a phone the bar goes under the name (the column is hidden).
                                <span class="rank-bar narrow" inner_html=rank_bar(r)></span>
                            </th>
                            <td class="num">{r.value.clone()}</td>
                            <td class="bar-col"><span class="rank-bar" inner_html=rank_bar(r)></span></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
    .into_any()
}

fn dash_query() -> Memo<DashQuery> {
    let q = use_query_map();
    Memo::new(move |_| {
        let q = q.read();
        DashQuery { ky: q.get("ky"), nut: q.get("nut"), chi_tieu: q.get("chi_tieu"), tinh: q.get("tinh") }
    })
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let q = dash_query();
    let data = Resource::new(move || q.get(), get_dashboard);
    view! {
        <Title text="Tổng hợp số liệu"/>
        <Protected children=move |_user| view! {
            <div class="page-head">
                <h1>"Tổng hợp số liệu"</h1>
                <p class="actions"><a href="/tong-hop/so-hoa">"Tỷ lệ dữ liệu số (mục tiêu 50 %)"</a>" · "<a href="/tong-hop/bang">"Bảng tổng hợp, tải Excel/CSV"</a></p>
            </div>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(d) => view! { <DashboardView d/> }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}

fn share_table(caption: &str, rows: &[ShareRow]) -> impl IntoView + use<> {
    let (caption, label) = (caption.to_string(), caption.to_string());
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
        <table class="table">
            <caption>{caption}</caption>
            <thead><tr><th>"Nhóm"</th><th class="num">"Đã cung cấp"</th><th class="num">"Tổng số chỉ tiêu"</th><th class="num">"Tỷ lệ"</th></tr></thead>
            <tbody>
                {rows.iter().map(|r| view! {
                    <tr><th scope="row">{r.label.clone()}</th><td class="num">{r.provided}</td><td class="num">{r.total}</td><td class="num">{r.percent.clone()}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

#[component]
fn KeyIndicatorsForm(codes: String) -> impl IntoView {
    let set = ServerAction::<SetKeyIndicators>::new();
    let error = Signal::derive(move || action_error(set.value().get()));
    follow_success(set.value());
    view! {
        <ActionForm action=set attr:class="inline-form">
            <CsrfField/>
            <FormBanner error/>
            <label>"Chỉ tiêu chính (mã, cách nhau bằng dấu phẩy; để trống: hệ thống tự chọn)"
                <input type="text" name="chi_tieu" value=codes/>
            </label>
            <button type="submit" class="button">"Lưu chỉ tiêu chính"</button>
        </ActionForm>
    }
}

#[component]
fn TargetForm(year: String) -> impl IntoView {
    let set = ServerAction::<SetDigitalTarget>::new();
    let error = Signal::derive(move || action_error(set.value().get()));
    follow_success(set.value());
    view! {
        <ActionForm action=set attr:class="inline-form">
            <CsrfField/>
            <FormBanner error/>
            <input type="hidden" name="nam" value=year.clone()/>
            <label>{format!("Mục tiêu năm {year} (%)")}<input name="muc_tieu" inputmode="decimal" required/></label>
            <button type="submit" class="button">"Đặt mục tiêu"</button>
        </ActionForm>
    }
}

fn share_tile(title: &str, r: &ShareRow, unit: &str, target: String, meets: Option<bool>, anchor: &str) -> impl IntoView + use<> {
    let (title, anchor) = (title.to_string(), format!("#{anchor}"));
    let counts = format!("{}/{} {unit}", r.provided, r.total);
    view! {
        <article class="tile">
            <h3>{title}</h3>
            <p class="tile-value"><strong>{r.percent.clone()}</strong></p>
            <p class="muted">{counts}</p>
            <p>{format!("Mục tiêu: {target}")}
                {meets.map(|m| if m { view! { " — " <strong>"đã đạt"</strong> }.into_any() } else { view! { " — " <strong class="warning-text">"chưa đạt"</strong> }.into_any() })}
            </p>
            <p><a href=anchor>"Cách tính"</a></p>
        </article>
    }
}

#[component]
fn DigitalView(p: DigitalPage) -> impl IntoView {
    let year = p.period_key.split('-').next().unwrap_or_default().to_string();
    let target = p.target.clone().unwrap_or_else(|| "chưa đặt".into());
    view! {
        <form method="get" action="/tong-hop/so-hoa" class="filters" aria-label="Chọn kỳ">
            <label>"Kỳ"<select name="ky">{options(&p.periods, &p.period_key)}</select></label>
            {counted_select(&p.counted)}
            <button type="submit" class="button">"Xem"</button>
        </form>
        <section class="card">
            <h2>{format!("{}: tỷ lệ cung cấp dữ liệu số", p.period_label)}</h2>
            <div class="tiles">
                {share_tile("Chỉ tiêu thống kê cấp tỉnh", &p.province, "chỉ tiêu", target.clone(), p.meets, "dinh-nghia")}
                {share_tile("Số liệu báo cáo", &p.figures, "số liệu", target.clone(), p.figures_meets, "dinh-nghia-so-lieu")}
                {share_tile("Chế độ báo cáo trên hệ thống", &p.regimes, "chế độ", "100 %".into(), Some(p.regimes_meets), "dinh-nghia-che-do")}
            </div>
            <p class="muted">{p.target_note.clone()}" Mục tiêu chế độ báo cáo trên hệ thống: 100\u{a0}%."</p>
            {p.can_set_target.then(|| view! { <TargetForm year=year.clone()/> })}
            <h3>"Định nghĩa"</h3>
            <h4>"Chỉ tiêu thống kê cấp tỉnh"</h4>
            <p id="dinh-nghia">{p.definition.clone()}</p>
            <h4>"Số liệu báo cáo"</h4>
            <p id="dinh-nghia-so-lieu">{p.figures_definition.clone()}</p>
            <h4>"Chế độ báo cáo trên hệ thống"</h4>
            <p id="dinh-nghia-che-do">{p.regimes_definition.clone()}</p>
        </section>
        <section class="card">
            <div class="chart-pair">
                <div class="chart-box" inner_html=p.trend_svg.clone()></div>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Tỷ lệ theo kỳ (kéo ngang để xem thêm cột)">
                <table class="table">
                    <caption>"Theo kỳ trong năm"</caption>
                    <thead><tr><th>"Kỳ"</th><th class="num">"Chỉ tiêu thống kê"</th><th class="num">"Số liệu báo cáo"</th><th class="num">"Chế độ trên hệ thống"</th></tr></thead>
                    <tbody>
                        {p.trend.iter().zip(p.trend_figures.iter()).zip(p.trend_regimes.iter()).map(|((a, b), c)| view! {
                            <tr>
                                <th scope="row">{a.label.clone()}</th>
                                <td class="num">{a.percent.clone()}<br/><small class="muted">{format!("{}/{}", a.provided, a.total)}</small></td>
                                <td class="num">{b.percent.clone()}<br/><small class="muted">{format!("{}/{}", b.provided, b.total)}</small></td>
                                <td class="num">{c.percent.clone()}<br/><small class="muted">{format!("{}/{}", c.provided, c.total)}</small></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </div>
            {share_table("Chỉ tiêu thống kê theo lĩnh vực", &p.by_sector)}
            {share_table("Chỉ tiêu thống kê theo đơn vị chủ trì", &p.by_owner)}
        </section>
        <section class="card">
            <h2>{format!("Chỉ tiêu chưa được cung cấp ({})", p.missing.len())}</h2>
            <table class="table">
                <thead><tr><th>"Mã"</th><th>"Chỉ tiêu"</th><th>"Đơn vị chủ trì"</th><th>"Đơn vị còn thiếu số liệu"</th></tr></thead>
                <tbody>
                    {p.missing.iter().map(|m| view! {
                        <tr>
                            <td>{m.code.clone()}</td>
                            <td>{m.name.clone()}</td>
                            <td>{m.owner.clone()}</td>
                            <td>{if m.owing.is_empty() { "Chưa có chế độ báo cáo nào trên hệ thống yêu cầu chỉ tiêu này".to_string() } else { m.owing.join(", ") }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>{format!("Chế độ báo cáo chưa đưa lên hệ thống ({})", p.regimes_missing.len())}</h2>
            {if p.regimes_missing.is_empty() {
                view! { <p>"Mọi chế độ báo cáo đang áp dụng đều đã có trên hệ thống trong kỳ này."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Mã"</th><th>"Chế độ báo cáo"</th><th>"Lý do"</th></tr></thead>
                        <tbody>
                            {p.regimes_missing.iter().map(|r| view! {
                                <tr><td>{r.code.clone()}</td><td>{r.name.clone()}</td><td>{r.reason.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn DigitalSharePage() -> impl IntoView {
    let q = use_query_map();
    let data = Resource::new(move || (q.read().get("ky"), q.read().get("tinh")), |(ky, tinh)| get_digital(ky, tinh));
    view! {
        <Title text="Tỷ lệ chỉ tiêu cung cấp dưới dạng dữ liệu số"/>
        <Protected allow=|a| a.sees_whole_province()
            refusal="Tỷ lệ dữ liệu số toàn tỉnh dành cho lãnh đạo tỉnh, Văn phòng UBND tỉnh và quản trị."
            children=move |_user| view! {
            <div class="page-head">
                <h1>"Chỉ tiêu thống kê cung cấp dưới dạng dữ liệu số"</h1>
                <p class="muted">"Mục tiêu của Đề án phát triển dữ liệu số tỉnh Sơn La năm 2025: 50 % chỉ tiêu thống kê, số liệu báo cáo được cung cấp dưới dạng dữ liệu số."</p>
            </div>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(p) => view! { <DigitalView p/> }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}

#[component]
fn PivotView(p: Pivot, query: PivotQuery) -> impl IntoView {
    let qs = query.to_query();
    let chosen: Vec<String> = p.chosen.iter().map(|i| i.to_string()).collect();
    let freqs = [("thang", "Theo tháng"), ("quy", "Theo quý"), ("6thang", "6 tháng"), ("9thang", "9 tháng"), ("nam", "Cả năm")];
    view! {
        <form method="get" action="/tong-hop/bang" class="filters" aria-label="Chọn bảng">
            <input type="hidden" name="nut" value=p.node_id.to_string()/>
            <label>"Năm"<input type="number" name="nam" value=p.year.to_string() min="2000" max="2200"/></label>
            <label>"Kỳ"<select name="tan_suat">
                {freqs.iter().map(|(v, l)| view! { <option value=*v selected=p.frequency == *v>{*l}</option> }).collect_view()}
            </select></label>
            <label>"Chỉ tiêu (giữ Ctrl để chọn nhiều)"<select name="ct" multiple size="6">
                {p.indicators.iter().map(|c| view! { <option value=c.value.clone() selected=chosen.contains(&c.value)>{c.label.clone()}</option> }).collect_view()}
            </select></label>
            {counted_select(&p.counted)}
            <button type="submit" class="button">"Xem bảng"</button>
        </form>
        <p class="actions">
            <a class="button-secondary" href=format!("/tai-xuong/tong-hop.xlsx?{qs}")>"Tải Excel (XLSX)"</a>
            " "
            <a class="button-secondary" href=format!("/tai-xuong/tong-hop.csv?{qs}")>"Tải CSV (cho phần mềm)"</a>
        </p>
        // Excel set to Vietnamese reads 1.234 in a CSV as one thousand two
        // hundred and thirty-four: the file is for software, the XLSX for people.
        <p class="muted">"Tệp CSV ghi số theo chuẩn máy tính (dấu chấm thập phân, không tách hàng nghìn: 1234.5), dùng cho phần mềm và cổng dữ liệu. Để mở bằng Excel, hãy tải tệp XLSX."</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Bảng tổng hợp (kéo ngang để xem thêm cột)">
            <table class="table pivot">
                <thead><tr><th>"Chỉ tiêu"</th><th>"Đơn vị"</th>{p.headers.iter().map(|h| view! { <th class="num">{h.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {p.rows.iter().map(|r| view! {
                        <tr><th scope="row">{r.indicator.clone()}</th><td>{r.unit.clone()}</td>
                            {r.cells.iter().map(|c| view! { <td class="num" title=format!("{} đơn vị báo cáo", c.reported)>{c.text.clone()}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="muted">{p.rounding.clone()}" « — »: chưa có số liệu (không tính là 0)."</p>
    }
}

#[component]
pub fn PivotPage() -> impl IntoView {
    let q = use_query_map();
    let query = Memo::new(move |_| {
        let q = q.read();
        let ct = q.get_all("ct").map(|v| v.join(",")).filter(|s| !s.is_empty());
        PivotQuery { nam: q.get("nam"), tan_suat: q.get("tan_suat"), ct, nut: q.get("nut"), tinh: q.get("tinh") }
    });
    let data = Resource::new(move || query.get(), get_pivot);
    view! {
        <Title text="Bảng tổng hợp"/>
        <Protected children=move |_user| view! {
            <div class="page-head">
                <h1>"Bảng tổng hợp"</h1>
                <p class="muted">"Chọn chỉ tiêu, năm và kỳ: hàng là đơn vị (cấp đang xem và các đơn vị trực thuộc), cột là kỳ."</p>
            </div>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let query = query.get_untracked();
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(p) => view! { <PivotView p query/> }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
