use super::is_admin;
use crate::api::catalogue::{Choices, SaveIndicator, SetIndicatorActive, catalogue_choices, get_indicator, list_indicators};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading, Pager};
use crate::components::tabs::CatalogueTabs;
use crate::error::{AppError, action_error};
use crate::util::{follow_success, url_encode};
use domain::catalogue::{IndicatorForm, IndicatorRow};
use domain::indicator::{Aggregation, ValueType};
use domain::org::OrgKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

fn list_link(q: &str, sector: &str, stat: bool, inactive: bool, page: u64) -> String {
    format!(
        "/danh-muc/chi-tieu?q={}&linh-vuc={}{}{}&trang={page}",
        url_encode(q),
        url_encode(sector),
        if stat { "&thong-ke=1" } else { "" },
        if inactive { "&ca-ngung=1" } else { "" }
    )
}

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            q.get("linh-vuc").unwrap_or_default(),
            q.get("thong-ke").is_some(),
            q.get("ca-ngung").is_some(),
            q.get("trang").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1),
        )
    };
    let data = Resource::new(params, |(q, s, st, ina, p)| async move {
        let page = list_indicators(q, s, st, ina, p).await?;
        let choices = catalogue_choices().await?;
        Ok::<_, AppError>((page, choices.sectors))
    });
    view! {
        <Title text="Chỉ tiêu"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            let (q, sector, stat, inactive, _) = params();
            view! {
                <div class="page-head row">
                    <h1>"Danh mục chỉ tiêu"</h1>
                    {admin.then(|| view! { <A href="/danh-muc/chi-tieu/moi" attr:class="button">"Thêm chỉ tiêu"</A> })}
                </div>
                <CatalogueTabs admin/>
                <Suspense fallback=Loading>
                    {move || {
                        let (q, sector) = (q.clone(), sector.clone());
                        Suspend::new(async move {
                            match data.await {
                                Err(e) => view! { <ErrorView error=e/> }.into_any(),
                                Ok((page, sectors)) => {
                                    let pages = page.page_count();
                                    let current = page.page;
                                    view! {
                                        <form method="get" class="filters" role="search">
                                            <label for="q">"Tìm"</label>
                                            <input id="q" name="q" type="search" value=q.clone() placeholder="Mã hoặc tên (gõ không dấu cũng được)"/>
                                            <label for="linh-vuc">"Lĩnh vực"</label>
                                            <select id="linh-vuc" name="linh-vuc">
                                                <option value="">"Tất cả"</option>
                                                {sectors.into_iter().map(|s| view! { <option value=s.clone() selected=s == sector>{s.clone()}</option> }).collect_view()}
                                            </select>
                                            <label class="check"><input type="checkbox" name="thong-ke" value="1" checked=stat/>" Chỉ tiêu thống kê tỉnh"</label>
                                            <label class="check"><input type="checkbox" name="ca-ngung" value="1" checked=inactive/>" Gồm cả chỉ tiêu ngừng sử dụng"</label>
                                            <button type="submit" class="button-secondary">"Lọc"</button>
                                        </form>
                                        <p class="muted">{format!("{} chỉ tiêu · trang {} / {}", page.total, current, pages.max(1))}</p>
                                        {if page.items.is_empty() {
                                            view! { <p class="empty">"Không có chỉ tiêu nào khớp điều kiện lọc."</p> }.into_any()
                                        } else {
                                            view! { <IndicatorTable rows=page.items/> }.into_any()
                                        }}
                                        <Pager current pages link=move |n| list_link(&q, &sector, stat, inactive, n)/>
                                    }.into_any()
                                }
                            }
                        })
                    }}
                </Suspense>
            }
        }/>
    }
}

#[component]
fn IndicatorTable(rows: Vec<IndicatorRow>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead><tr><th>"Mã"</th><th>"Tên chỉ tiêu"</th><th>"ĐVT"</th><th>"Kiểu"</th><th>"Tổng hợp"</th><th>"Lĩnh vực"</th><th>"Thống kê tỉnh"</th><th>"Dữ liệu mở"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr class:inactive=!r.active>
                            <td><A href=format!("/danh-muc/chi-tieu/{}", r.id)><code>{r.fields.code.clone()}</code></A></td>
                            <td>{r.fields.name.clone()}</td>
                            <td>{r.fields.unit.clone()}</td>
                            <td>{r.fields.value_type.label()}</td>
                            <td>{r.fields.aggregation.label()}</td>
                            <td>{r.fields.sector.clone()}</td>
                            <td>{if r.fields.statistical { "Có" } else { "" }}</td>
                            <td>{if r.fields.public { "Công bố" } else { "" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn NewIndicatorPage() -> impl IntoView {
    let choices = Resource::new(|| (), |_| catalogue_choices());
    view! {
        <Title text="Thêm chỉ tiêu"/>
        <Protected allow=|a| a.is_admin() refusal="Chức năng này chỉ dành cho quản trị hệ thống." children=move |_| view! {
            <h1>"Thêm chỉ tiêu"</h1>
            <CatalogueTabs admin=true/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match choices.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(c) => view! { <IndicatorEditor id=None form=IndicatorForm { value_type: "so_nguyen".into(), aggregation: "tong".into(), ..Default::default() } choices=c in_use=false/> }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}

#[component]
fn IndicatorEditor(id: Option<i32>, form: IndicatorForm, choices: Choices, in_use: bool) -> impl IntoView {
    let save = ServerAction::<SaveIndicator>::new();
    let error = Signal::derive(move || action_error(save.value().get()));
    follow_success(save.value());
    let unit_kinds = [OrgKind::Office, OrgKind::Department, OrgKind::Branch, OrgKind::Province];
    let owners: Vec<_> = choices.units.iter().filter(|u| unit_kinds.contains(&u.kind)).cloned().collect();
    view! {
        <ActionForm action=save attr:class="form card narrow" attr:novalidate=true>
            <FormBanner error/>
            <CsrfField/>
            {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
            {in_use.then(|| view! { <p class="banner banner-warn">"Chỉ tiêu đã có trong chế độ báo cáo đã ban hành: không đổi được mã, kiểu giá trị, số chữ số thập phân và phân tổ."</p> })}
            <label for="code">"Mã chỉ tiêu"</label>
            <input id="code" name="code" type="text" required value=form.code.clone() readonly=in_use/>
            <p class="hint">"Theo hệ thống chỉ tiêu thống kê (ví dụ T0101) hoặc mã riêng: chữ cái không dấu, chữ số, dấu _."</p>
            <FieldMessage error name="code"/>
            <label for="name">"Tên chỉ tiêu"</label>
            <input id="name" name="name" type="text" required value=form.name.clone()/>
            <FieldMessage error name="name"/>
            <label for="unit">"Đơn vị tính"</label>
            <input id="unit" name="unit" type="text" value=form.unit.clone()/>
            <FieldMessage error name="unit"/>
            <label for="value_type">"Kiểu giá trị"</label>
            <select id="value_type" name="value_type">
                {ValueType::ALL.into_iter().map(|v| view! { <option value=v.code() selected=form.value_type == v.code()>{v.label()}</option> }).collect_view()}
            </select>
            <FieldMessage error name="value_type"/>
            <label for="scale">"Số chữ số thập phân (số thập phân, tỷ lệ)"</label>
            <input id="scale" name="scale" type="number" min="0" max="6" value=form.scale.clone()/>
            <FieldMessage error name="scale"/>
            <label for="min">"Giá trị nhỏ nhất"</label>
            <input id="min" name="min" type="text" inputmode="decimal" value=form.min.clone() placeholder="Để trống nếu không giới hạn"/>
            <FieldMessage error name="min"/>
            <label for="max">"Giá trị lớn nhất"</label>
            <input id="max" name="max" type="text" inputmode="decimal" value=form.max.clone() placeholder="Để trống nếu không giới hạn"/>
            <FieldMessage error name="max"/>
            <label for="aggregation">"Cách tổng hợp lên toàn tỉnh"</label>
            <select id="aggregation" name="aggregation">
                {Aggregation::ALL.into_iter().map(|a| view! { <option value=a.code() selected=form.aggregation == a.code()>{a.label()}</option> }).collect_view()}
            </select>
            <FieldMessage error name="aggregation"/>
            <label for="sector">"Lĩnh vực"</label>
            <input id="sector" name="sector" type="text" list="sectors" value=form.sector.clone()/>
            <datalist id="sectors">{choices.sectors.iter().map(|s| view! { <option value=s.clone()/> }).collect_view()}</datalist>
            <FieldMessage error name="sector"/>
            <label for="owner_unit">"Đơn vị chủ trì"</label>
            <select id="owner_unit" name="owner_unit">
                <option value="">"— Không —"</option>
                {owners.into_iter().map(|u| view! { <option value=u.code.clone() selected=form.owner_unit == u.code>{u.name.clone()}</option> }).collect_view()}
            </select>
            <FieldMessage error name="owner_unit"/>
            <label for="breakdown">"Phân tổ"</label>
            <select id="breakdown" name="breakdown">
                <option value="">"— Không phân tổ —"</option>
                {choices.breakdowns.iter().map(|(c, n)| view! { <option value=c.clone() selected=form.breakdown == *c>{format!("{n} ({c})")}</option> }).collect_view()}
            </select>
            <FieldMessage error name="breakdown"/>
            <label class="check"><input type="checkbox" name="statistical" value="on" checked=form.statistical/>" Thuộc hệ thống chỉ tiêu thống kê cấp tỉnh (tính vào mục tiêu 50% dữ liệu số)"</label>
            <label for="national_code">"Mã chỉ tiêu quốc gia (QĐ 05/2023/QĐ-TTg)"</label>
            <input id="national_code" name="national_code" type="text" value=form.national_code.clone() placeholder="Để trống nếu không có mã chính xác" aria-describedby="national_code-hint"/>
            <p class="hint" id="national_code-hint">"Chỉ ghi mã khi biết chính xác; không tự đặt mã."</p>
            <FieldMessage error name="national_code"/>
            <fieldset>
                <legend>"Tỷ lệ tính từ hai chỉ tiêu (chỉ với kiểu Tỷ lệ %)"</legend>
                <p class="hint">"Lũy kế và số tổng hợp của một tỷ lệ là tổng tử số chia tổng mẫu số, không phải trung bình các tỷ lệ."</p>
                <label for="rate_numerator">"Mã chỉ tiêu tử số"</label>
                <input id="rate_numerator" name="rate_numerator" type="text" value=form.rate_numerator.clone() placeholder="vd: GN02"/>
                <FieldMessage error name="rate_numerator"/>
                <label for="rate_denominator">"Mã chỉ tiêu mẫu số"</label>
                <input id="rate_denominator" name="rate_denominator" type="text" value=form.rate_denominator.clone() placeholder="vd: DS02"/>
                <FieldMessage error name="rate_denominator"/>
            </fieldset>
            <label class="check"><input type="checkbox" name="public" value="on" checked=form.public aria-describedby="public-hint"/>" Công bố trên trang Dữ liệu mở (không cần đăng nhập)"</label>
            <p class="hint" id="public-hint">"Chỉ công bố số liệu của các báo cáo đã được tiếp nhận, kèm mô tả, đơn vị tính và giấy phép, tại "<a href="/du-lieu-mo" rel="external">"/du-lieu-mo"</a>". Chỉ áp dụng cho chỉ tiêu kiểu số."</p>
            <FieldMessage error name="public"/>
            <label for="method">"Phương pháp tính"</label>
            <textarea id="method" name="method" rows="3">{form.method.clone()}</textarea>
            <label for="description">"Mô tả"</label>
            <textarea id="description" name="description" rows="3">{form.description.clone()}</textarea>
            <button type="submit" class="button" disabled=move || save.pending().get()>"Lưu chỉ tiêu"</button>
        </ActionForm>
    }
}

#[component]
pub fn IndicatorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i32>().ok()).unwrap_or(0);
    let data = Resource::new(id, |id| async move {
        let row = get_indicator(id).await?;
        let choices = catalogue_choices().await?;
        Ok::<_, AppError>((row, choices))
    });
    let toggle = ServerAction::<SetIndicatorActive>::new();
    follow_success(toggle.value());
    let toggle_error = Signal::derive(move || action_error(toggle.value().get()));
    view! {
        <Title text="Chỉ tiêu"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        let saved = query.read_untracked().get("da-luu").is_some();
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok((row, choices)) => {
                                let f = row.fields.clone();
                                view! {
                                    <div class="page-head">
                                        <h1>{format!("{} — {}", f.code, f.name)}</h1>
                                        <p class="muted">{format!("{} · {}{}", f.sector, f.value_type.label(), if row.active { "" } else { " · ngừng sử dụng" })}</p>
                                    </div>
                                    <CatalogueTabs admin/>
                                    {saved.then(|| view! { <Notice message="Đã lưu."/> })}
                                    {if admin {
                                        view! {
                                            <IndicatorEditor id=Some(row.id) form=f.to_form() choices in_use=row.in_use/>
                                            <section class="card narrow">
                                                <h2>{if row.active { "Ngừng sử dụng" } else { "Dùng lại" }}</h2>
                                                <p class="muted">"Chỉ tiêu không bao giờ bị xóa: số liệu đã báo cáo và các phiên bản chế độ cũ vẫn cần đến nó. Chỉ tiêu ngừng sử dụng không được thêm vào biểu mẫu mới."</p>
                                                <ActionForm action=toggle>
                                                    <FormBanner error=toggle_error/>
                                                    <CsrfField/>
                                                    <input type="hidden" name="id" value=row.id.to_string()/>
                                                    <input type="hidden" name="active" value=(!row.active).to_string()/>
                                                    <button type="submit" class="button-secondary">{if row.active { "Ngừng sử dụng chỉ tiêu" } else { "Dùng lại chỉ tiêu" }}</button>
                                                </ActionForm>
                                            </section>
                                        }.into_any()
                                    } else {
                                        view! { <IndicatorFacts row/> }.into_any()
                                    }}
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }
        }/>
    }
}

#[component]
fn IndicatorFacts(row: IndicatorRow) -> impl IntoView {
    let f = row.fields;
    let form = f.to_form();
    view! {
        <section class="card">
            <dl class="facts">
                <dt>"Mã"</dt><dd><code>{f.code.clone()}</code></dd>
                <dt>"Tên"</dt><dd>{f.name.clone()}</dd>
                <dt>"Đơn vị tính"</dt><dd>{f.unit.clone()}</dd>
                <dt>"Kiểu giá trị"</dt><dd>{f.value_type.label()}</dd>
                <dt>"Giới hạn"</dt><dd>{format!("{} – {}", if form.min.is_empty() { "…".into() } else { form.min.clone() }, if form.max.is_empty() { "…".into() } else { form.max.clone() })}</dd>
                <dt>"Tổng hợp"</dt><dd>{f.aggregation.label()}</dd>
                <dt>"Lĩnh vực"</dt><dd>{f.sector.clone()}</dd>
                <dt>"Đơn vị chủ trì"</dt><dd>{row.owner_unit_name.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Phân tổ"</dt><dd>{f.breakdown.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Chỉ tiêu thống kê tỉnh"</dt><dd>{if f.statistical { "Có" } else { "Không" }}</dd>
                <dt>"Mã chỉ tiêu quốc gia"</dt><dd>{if f.national_code.is_empty() { "—".to_string() } else { f.national_code.clone() }}</dd>
                {f.rate_of.clone().map(|r| view! { <dt>"Tỷ lệ"</dt><dd>{format!("{} ÷ {} × 100", r.numerator, r.denominator)}</dd> })}
                <dt>"Phương pháp tính"</dt><dd>{f.method.clone()}</dd>
                <dt>"Mô tả"</dt><dd>{f.description.clone()}</dd>
                <dt>"Dữ liệu mở"</dt><dd>{if f.public { "Công bố" } else { "Không công bố" }}</dd>
            </dl>
        </section>
    }
}
