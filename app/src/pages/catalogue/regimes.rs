use super::is_admin;
use crate::api::catalogue::{CreateRegime, PublishRegime, SaveRegimeFields, SetRegimeActive, get_regime, list_regimes};
use crate::components::form::{CsrfField, ErrorList, FieldMessage, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::regime_head::{RegimeHead, regime_id};
use crate::components::status::{ErrorView, Loading, Pager};
use crate::components::tabs::CatalogueTabs;
use crate::error::action_error;
use crate::util::{follow_success, url_encode};
use domain::catalogue::{RegimeFieldsForm, RegimeRow};
use domain::column::Column;
use domain::datefmt::format_datetime;
use domain::org::{GROUP_BRANCHES, GROUP_COMMUNES, GROUP_DEPARTMENTS, OrgKind};
use domain::period::{Frequency, WindowStyle};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RegimesPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (q.get("q").unwrap_or_default(), q.get("trang").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1))
    };
    let data = Resource::new(params, |(q, p)| list_regimes(q, p));
    let create = ServerAction::<CreateRegime>::new();
    let error = Signal::derive(move || action_error(create.value().get()));
    follow_success(create.value());
    view! {
        <Title text="Chế độ báo cáo"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            let (q, _) = params();
            view! {
                <h1>"Chế độ báo cáo"</h1>
                <CatalogueTabs admin/>
                <form method="get" class="filters" role="search">
                    <label for="q">"Tìm"</label>
                    <input id="q" name="q" type="search" value=q.clone() placeholder="Mã hoặc tên chế độ"/>
                    <button type="submit" class="button-secondary">"Lọc"</button>
                </form>
                <Suspense fallback=Loading>
                    {move || {
                        let q = q.clone();
                        Suspend::new(async move {
                            match data.await {
                                Err(e) => view! { <ErrorView error=e/> }.into_any(),
                                Ok(page) => {
                                    let (pages, current) = (page.page_count(), page.page);
                                    view! {
                                        {if page.items.is_empty() {
                                            view! { <p class="empty">"Chưa có chế độ báo cáo nào khớp điều kiện."</p> }.into_any()
                                        } else {
                                            view! { <RegimeTable rows=page.items/> }.into_any()
                                        }}
                                        <Pager current pages link=move |n| format!("/danh-muc/che-do?q={}&trang={n}", url_encode(&q))/>
                                    }.into_any()
                                }
                            }
                        })
                    }}
                </Suspense>
                {admin.then(|| view! {
                    <section class="card narrow">
                        <h2>"Thêm chế độ báo cáo"</h2>
                        <ActionForm action=create attr:class="form" attr:novalidate=true>
                            <FormBanner error/>
                            <CsrfField/>
                            <label for="rcode">"Mã"</label>
                            <input id="rcode" name="code" type="text" placeholder="vd: KTXH_XA"/>
                            <FieldMessage error name="code"/>
                            <label for="rname">"Tên chế độ báo cáo"</label>
                            <input id="rname" name="name" type="text"/>
                            <FieldMessage error name="name"/>
                            <button type="submit" class="button">"Tạo bản nháp"</button>
                        </ActionForm>
                    </section>
                })}
            }
        }/>
    }
}

#[component]
fn RegimeTable(rows: Vec<RegimeRow>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead><tr><th>"Mã"</th><th>"Tên"</th><th>"Tần suất"</th><th>"Chỉ tiêu"</th><th>"Quy tắc"</th><th>"Phiên bản"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr class:inactive=!r.active>
                            <td><A href=format!("/danh-muc/che-do/{}", r.id)><code>{r.code.clone()}</code></A></td>
                            <td>{r.name.clone()}</td>
                            <td>{r.frequency.label()}</td>
                            <td>{r.row_count}</td>
                            <td>{r.rule_count}</td>
                            <td>
                                {if r.current_version == 0 { "Chưa ban hành".to_string() } else { format!("Phiên bản {}", r.current_version) }}
                                {(r.unpublished_changes && r.current_version > 0).then(|| view! { <span class="badge">"có thay đổi chưa ban hành"</span> })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn RegimePage() -> impl IntoView {
    let id = regime_id();
    let query = use_query_map();
    let data = Resource::new(id, get_regime);
    let save = ServerAction::<SaveRegimeFields>::new();
    let publish = ServerAction::<PublishRegime>::new();
    let toggle = ServerAction::<SetRegimeActive>::new();
    let publish_failure = Signal::derive(move || action_error(publish.value().get()));
    // A refused publication names each missing item: they show under their
    // fields in the editor as well as listed by the publish button.
    let error = Signal::derive(move || action_error(save.value().get()).or_else(|| publish_failure.get()));
    let toggle_error = Signal::derive(move || action_error(toggle.value().get()));
    follow_success(save.value());
    follow_success(publish.value());
    follow_success(toggle.value());
    view! {
        <Title text="Chế độ báo cáo"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        let notice = {
                            let q = query.read_untracked();
                            q.get("ban-hanh").map(|v| format!("Đã ban hành phiên bản {v}. Báo cáo đã bắt đầu trước đó vẫn theo phiên bản cũ."))
                                .or_else(|| q.get("trang-thai").map(|v| if v == "ngung" { "Đã ngừng áp dụng chế độ báo cáo này.".to_string() } else { "Đã áp dụng lại chế độ báo cáo này.".to_string() }))
                                .or_else(|| q.get("da-luu").map(|_| "Đã lưu bản nháp.".to_string()))
                                .or_else(|| q.get("da-tao").map(|_| "Đã tạo bản nháp. Hãy điền các thông tin theo Nghị định 09, thiết kế biểu mẫu rồi ban hành.".to_string()))
                        };
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(data) => {
                                let d = data.detail.clone();
                                let units = data.units.clone();
                                view! {
                                    <RegimeHead data/>
                                    {notice.map(|m| view! { <Notice message=m/> })}
                                    {if admin {
                                        view! { <RegimeFieldsEditor id=d.id form=RegimeFieldsForm::from_doc(&d.draft) units save error/> }.into_any()
                                    } else {
                                        view! { <RegimeFacts doc=d.draft.clone() units/> }.into_any()
                                    }}
                                    <section class="card">
                                        <h2>"Phiên bản đã ban hành"</h2>
                                        {if d.versions.is_empty() {
                                            view! { <p class="empty">"Chưa ban hành phiên bản nào."</p> }.into_any()
                                        } else {
                                            view! {
                                                <table class="table compact">
                                                    <thead><tr><th>"Phiên bản"</th><th>"Ban hành lúc"</th><th>"Người ban hành"</th><th><span class="visually-hidden">"Thao tác"</span></th></tr></thead>
                                                    <tbody>
                                                        {d.versions.iter().map(|v| view! {
                                                            <tr>
                                                                <td>{v.version}</td>
                                                                <td>{format_datetime(v.published_at)}</td>
                                                                <td>{v.published_by.clone().unwrap_or_else(|| "Nhập từ tệp danh mục".into())}</td>
                                                                <td><A href=format!("/danh-muc/che-do/{}/xem-truoc?phien-ban={}", d.id, v.version)>"Xem biểu mẫu"</A></td>
                                                            </tr>
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            }.into_any()
                                        }}
                                        {admin.then(|| view! {
                                            <ErrorList error=publish_failure title="Chưa ban hành được. Còn thiếu hoặc chưa đúng:"/>
                                            <FormBanner error=toggle_error/>
                                            // Publishing and withdrawing cannot be undone in one
                                            // click: each opens first, says what will happen, and
                                            // is confirmed by a second button.
                                            {
                                                let next = if d.current_version == 0 { 1 } else { d.current_version + 1 };
                                                if d.unpublished_changes {
                                                    view! {
                                                        <details class="confirm">
                                                            <summary class="button">{format!("Ban hành phiên bản {next}…")}</summary>
                                                            <ActionForm action=publish attr:class="form">
                                                                <CsrfField/>
                                                                <input type="hidden" name="id" value=d.id.to_string()/>
                                                                <p>"Phiên bản đã ban hành không sửa được nữa; báo cáo đã lập trước đó vẫn theo phiên bản cũ."</p>
                                                                <label for="effective_from">"Có hiệu lực từ ngày"</label>
                                                                <input id="effective_from" name="effective_from" type="text" inputmode="numeric" placeholder="ngày/tháng/năm" aria-describedby="effective_from-hint"/>
                                                                <p class="hint" id="effective_from-hint">"Để trống: từ hôm nay. Kỳ báo cáo kết thúc từ ngày này trở đi theo phiên bản mới."</p>
                                                                <FieldMessage error=publish_failure name="effective_from"/>
                                                                <button type="submit" class="button">{format!("Xác nhận ban hành phiên bản {next}")}</button>
                                                            </ActionForm>
                                                        </details>
                                                    }.into_any()
                                                } else {
                                                    view! {
                                                        <p class="hint">{format!("Chưa thể ban hành phiên bản {next}: bản nháp không có thay đổi nào so với phiên bản đang áp dụng.")}</p>
                                                    }.into_any()
                                                }
                                            }
                                            <details class="confirm">
                                                <summary class="button-secondary">{if d.active { "Ngừng áp dụng…" } else { "Áp dụng lại…" }}</summary>
                                                <ActionForm action=toggle attr:class="form">
                                                    <CsrfField/>
                                                    <input type="hidden" name="id" value=d.id.to_string()/>
                                                    <input type="hidden" name="active" value=(!d.active).to_string()/>
                                                    <p>{if d.active {
                                                        "Đơn vị sẽ không lập báo cáo mới theo chế độ này nữa; báo cáo đã lập vẫn được giữ."
                                                    } else {
                                                        "Các đơn vị lại lập báo cáo theo phiên bản đang áp dụng."
                                                    }}</p>
                                                    <button type="submit" class="button-secondary">{if d.active { "Xác nhận ngừng áp dụng" } else { "Xác nhận áp dụng lại" }}</button>
                                                </ActionForm>
                                            </details>
                                        })}
                                    </section>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }
        }/>
    }
}

fn unit_label(units: &[domain::views::UnitRow], code: &str) -> String {
    units.iter().find(|u| u.code == code).map(|u| u.name.clone()).unwrap_or_else(|| code.to_string())
}

#[component]
fn RegimeFacts(doc: domain::regime::RegimeDoc, units: Vec<domain::views::UnitRow>) -> impl IntoView {
    let reporting = doc.reporting_units.iter().map(|c| unit_label(&units, c)).collect::<Vec<_>>().join("; ");
    view! {
        <section class="card">
            <dl class="facts">
                <dt>"Căn cứ pháp lý"</dt><dd>{doc.legal_basis.clone()}</dd>
                <dt>"Nội dung"</dt><dd>{doc.content.clone()}</dd>
                <dt>"Đơn vị thực hiện"</dt><dd>{reporting}</dd>
                <dt>"Cơ quan nhận"</dt><dd>{unit_label(&units, &doc.receiving_unit)}</dd>
                <dt>"Phương thức gửi"</dt><dd>{doc.sending_method.clone()}</dd>
                <dt>"Tần suất"</dt><dd>{doc.schedule.frequency.label()}</dd>
                <dt>"Thời gian chốt số liệu"</dt><dd>{doc.schedule.window.label()}</dd>
                <dt>"Thời hạn gửi"</dt><dd>{doc.schedule.deadline.describe(doc.schedule.working_days)}</dd>
                <dt>"Lãnh đạo đơn vị duyệt"</dt><dd>{if doc.approval_required { "Có" } else { "Không" }}</dd>
                <dt>"Hướng dẫn"</dt><dd>{doc.guidance.clone()}</dd>
            </dl>
        </section>
    }
}

#[component]
fn RegimeFieldsEditor(
    id: i32,
    form: RegimeFieldsForm,
    units: Vec<domain::views::UnitRow>,
    save: ServerAction<SaveRegimeFields>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let has = |g: &str| form.groups.iter().any(|x| x == g);
    let (g_sbn, g_xp, g_nd) = (has(GROUP_DEPARTMENTS), has(GROUP_COMMUNES), has(GROUP_BRANCHES));
    let optional_columns: Vec<(Column, bool)> =
        [Column::SamePeriodLastYear, Column::PreviousPeriod, Column::YearToDate, Column::Comparison, Column::Plan, Column::PlanPercent]
            .into_iter()
            .map(|c| (c, form.columns.iter().any(|x| x == c.code())))
            .collect();
    let receivers: Vec<_> = units.iter().filter(|u| matches!(u.kind, OrgKind::Office | OrgKind::Department | OrgKind::Province)).cloned().collect();
    let listed: Vec<_> = units.iter().filter(|u| u.kind.is_reporting_unit()).cloned().collect();
    let day_kind = form.deadline_kind == "ngay_thang";
    view! {
        <ActionForm action=save attr:class="form card" attr:novalidate=true>
            <FormBanner error/>
            <CsrfField/>
            <input type="hidden" name="id" value=id.to_string()/>
            <h2>"Thông tin theo Nghị định 09/2019/NĐ-CP"</h2>
            <label for="name">"Tên chế độ báo cáo"</label>
            <input id="name" name="name" type="text" value=form.name.clone()/>
            <FieldMessage error name="name"/>
            <label for="legal_basis">"Căn cứ pháp lý"</label>
            <textarea id="legal_basis" name="legal_basis" rows="2">{form.legal_basis.clone()}</textarea>
            <FieldMessage error name="legal_basis"/>
            <label for="content">"Nội dung báo cáo"</label>
            <textarea id="content" name="content" rows="3">{form.content.clone()}</textarea>
            <FieldMessage error name="content"/>
            <fieldset>
                <legend>"Đối tượng thực hiện báo cáo"</legend>
                <label class="check"><input type="checkbox" name="group_sbn" value="on" checked=g_sbn/>" Tất cả sở, ban, ngành"</label>
                <label class="check"><input type="checkbox" name="group_xp" value="on" checked=g_xp/>" Tất cả xã, phường"</label>
                <label class="check"><input type="checkbox" name="group_nganhdoc" value="on" checked=g_nd/>" Tất cả cơ quan ngành dọc"</label>
                <label for="units">"Các đơn vị khác (mã đơn vị, cách nhau bởi dấu phẩy)"</label>
                <input id="units" name="units" type="text" value=form.units.clone() placeholder="vd: SYT, SGDDT"/>
                <details>
                    <summary>"Mã các đơn vị"</summary>
                    <ul class="codes">{listed.into_iter().map(|u| view! { <li><code>{u.code.clone()}</code>" "{u.name.clone()}</li> }).collect_view()}</ul>
                </details>
                <FieldMessage error name="reporting_units"/>
            </fieldset>
            <label for="receiving_unit">"Cơ quan nhận báo cáo"</label>
            <select id="receiving_unit" name="receiving_unit">
                {receivers.into_iter().map(|u| view! { <option value=u.code.clone() selected=u.code == form.receiving_unit>{u.name.clone()}</option> }).collect_view()}
            </select>
            <FieldMessage error name="receiving_unit"/>
            <label for="sending_method">"Phương thức gửi, nhận báo cáo"</label>
            <input id="sending_method" name="sending_method" type="text" value=form.sending_method.clone()/>
            <FieldMessage error name="sending_method"/>
            <fieldset>
                <legend>"Tần suất, thời gian chốt số liệu và thời hạn gửi"</legend>
                <label for="frequency">"Tần suất"</label>
                <select id="frequency" name="frequency">
                    {Frequency::ALL.into_iter().map(|f| view! { <option value=f.code() selected=form.frequency == f.code()>{f.label()}</option> }).collect_view()}
                </select>
                <FieldMessage error name="frequency"/>
                <label for="window">"Thời gian chốt số liệu"</label>
                <select id="window" name="window">
                    {[WindowStyle::Decree09, WindowStyle::Calendar].into_iter().map(|w| view! { <option value=w.code() selected=form.window == w.code()>{w.label()}</option> }).collect_view()}
                </select>
                <label for="deadline_kind">"Hạn gửi"</label>
                <select id="deadline_kind" name="deadline_kind">
                    <option value="ngay_thang" selected=day_kind>"Vào một ngày của tháng cuối kỳ"</option>
                    <option value="sau_chot" selected=!day_kind>"Sau ngày chốt số liệu một số ngày"</option>
                </select>
                <label for="deadline_value">"Ngày (hoặc số ngày)"</label>
                <input id="deadline_value" name="deadline_value" type="number" min="0" max="120" value=form.deadline_value.clone()/>
                <p class="hint">{format!("Mặc định ngày {}; Chính phủ nhận báo cáo chậm nhất ngày {} của tháng cuối kỳ.", domain::calendar::DEFAULT_DEADLINE_DAY, domain::calendar::GOVERNMENT_DEADLINE_DAY)}</p>
                <FieldMessage error name="deadline_value"/>
                <label class="check"><input type="checkbox" name="working_days" value="on" checked=form.working_days/>" Tính theo ngày làm việc (bỏ thứ Bảy, Chủ nhật, ngày nghỉ lễ)"</label>
                <label for="grace_days">"Số ngày còn nhận báo cáo muộn sau hạn"</label>
                <input id="grace_days" name="grace_days" type="number" min="0" value=form.grace_days.clone()/>
                <FieldMessage error name="grace_days"/>
            </fieldset>
            <label class="check"><input type="checkbox" name="approval_required" value="on" checked=form.approval_required/>" Lãnh đạo đơn vị duyệt trước khi gửi"</label>
            <label for="form_number">"Số hiệu biểu mẫu"</label>
            <input id="form_number" name="form_number" type="text" value=form.form_number.clone() placeholder="vd: Biểu số 01/XP"/>
            <fieldset>
                <legend>"Các cột của biểu mẫu (luôn có cột Thực hiện kỳ này)"</legend>
                {optional_columns.into_iter().map(|(c, on)| {
                    let name = format!("col_{}", c.code());
                    view! { <label class="check"><input type="checkbox" name=name value="on" checked=on/>" "{c.label()}</label> }
                }).collect_view()}
                <FieldMessage error name="columns"/>
            </fieldset>
            <label for="guidance">"Hướng dẫn lập báo cáo"</label>
            <textarea id="guidance" name="guidance" rows="3">{form.guidance.clone()}</textarea>
            <FieldMessage error name="guidance"/>
            <button type="submit" class="button" disabled=move || save.pending().get()>"Lưu bản nháp"</button>
        </ActionForm>
    }
}
