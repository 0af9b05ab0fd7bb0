//! Excel uploads of filled forms: the upload page (`/nhap-excel`) and the
//! preview of one upload (`/nhap-excel/:id`), where the clerk sees every
//! change (old → new) and every problem with its cell before anything is
//! stored, and confirms. The upload is a plain multipart form handled by
//! `/tai-len/bao-cao`; the check runs in the background and the preview
//! refreshes itself (a meta refresh, without JavaScript) until it is done.

use crate::api::excel::{ConfirmExcelImport, excel_import, recent_excel_imports};
use crate::components::excel_upload::ExcelUploadForm;
use crate::components::form::{CsrfField, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::datefmt::format_datetime;
use domain::excel::{Identity, ImportLine, ImportState, ImportView, SheetPreview, Verdict};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

const CLERKS_ONLY: &str = "Chỉ chuyên viên của đơn vị mới nhập số liệu từ tệp Excel.";

fn state_text(l: &ImportLine) -> &'static str {
    match l.state {
        ImportState::Reading { .. } => "Đang kiểm tra",
        ImportState::Ready => "Chờ xác nhận",
        ImportState::Applied { .. } => "Đã nhập",
        ImportState::Failed { .. } => "Không đọc được",
    }
}

#[component]
pub fn ExcelUploadPage() -> impl IntoView {
    let recent = Resource::new(|| (), |_| recent_excel_imports());
    view! {
        <Title text="Nhập số liệu từ Excel"/>
        <Protected allow=|a| a.can_write_unit(a.unit_id) refusal=CLERKS_ONLY children=move |_| view! {
            <h1>"Nhập số liệu từ Excel"</h1>
            <section class="card">
                <ol class="steps">
                    <li>"Tải biểu mẫu Excel của báo cáo (nút «Tải biểu mẫu Excel» trên trang báo cáo hoặc ở danh sách báo cáo trên trang chủ)."</li>
                    <li>"Nhập số liệu vào các ô trắng của biểu mẫu, lưu tệp."</li>
                    <li>"Tải tệp lên đây. Hệ thống kiểm tra và cho xem trước mọi thay đổi; chưa có gì được lưu cho đến khi bạn bấm «Xác nhận nhập»."</li>
                </ol>
                <ExcelUploadForm/>
                <p class="hint">"Một tệp có thể chứa nhiều trang tính, mỗi trang một báo cáo: trang có lỗi không làm chặn các trang đúng."</p>
            </section>
            <section class="card">
                <h2>"Các lần tải lên gần đây"</h2>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match recent.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p class="empty">"Bạn chưa tải lên tệp nào."</p> }.into_any(),
                            Ok(list) => view! {
                                <div class="table-wrap">
                                    <table class="table compact stack-table">
                                        <thead><tr><th>"Thời gian"</th><th>"Tệp"</th><th>"Tình trạng"</th><th>"Kết quả"</th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|l| { let state = state_text(&l); view! {
                                                <tr>
                                                    <td data-label="Thời gian">{format_datetime(l.created_at)}</td>
                                                    <td data-label="Tệp"><A href=format!("/nhap-excel/{}", l.id)>{l.file_name.clone()}</A></td>
                                                    <td data-label="Tình trạng">{state}</td>
                                                    <td data-label="Kết quả">{l.summary.clone()}</td>
                                                </tr>
                                            }}).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        }/>
    }
}

fn verdict_badge(v: &Verdict) -> (&'static str, String) {
    match v {
        Verdict::Importable => ("ok", "Sẽ được nhập".into()),
        Verdict::Unchanged => ("muted", "Không có thay đổi".into()),
        Verdict::Blocked(_) => ("err", "Không nhập được".into()),
        Verdict::Ignored(_) => ("muted", "Bỏ qua".into()),
        Verdict::Applied { changed } => ("ok", format!("Đã nhập ({changed} thay đổi)")),
        Verdict::Skipped(_) => ("err", "Chưa được nhập".into()),
    }
}

#[component]
fn SheetCard(sheet: SheetPreview) -> impl IntoView {
    let (tone, badge) = verdict_badge(&sheet.verdict);
    let reason = match &sheet.verdict {
        Verdict::Blocked(r) | Verdict::Skipped(r) | Verdict::Ignored(r) => Some(r.clone()),
        _ => None,
    };
    let title = sheet.report.as_ref().map(|r| r.describe()).unwrap_or_else(|| "Chưa xác định được báo cáo".into());
    let report_link = sheet.report.as_ref().and_then(|r| r.report_id).map(|id| format!("/bao-cao/{id}"));
    let identity = match sheet.identity {
        Identity::Verified => None,
        Identity::Altered => Some(
            "Trang thông tin ẩn của biểu mẫu đã bị sửa: báo cáo dưới đây chỉ là phỏng đoán, các dòng được khớp theo mã chỉ tiêu. Hãy kiểm tra đúng chế độ, kỳ và đơn vị rồi đánh dấu xác nhận bên dưới.",
        ),
        Identity::Target => Some(
            "Tệp không phải biểu mẫu tải từ Hệ thống (thiếu trang thông tin ẩn): số liệu được khớp theo mã chỉ tiêu vào báo cáo bạn tải tệp lên. Hãy kiểm tra đúng chế độ, kỳ và đơn vị rồi đánh dấu xác nhận bên dưới.",
        ),
        Identity::Unknown => None,
    };
    let SheetPreview { sheet: name, changes, problems, check_errors, check_warnings, conflicts, notes, .. } = sheet;
    let figures = changes.iter().filter(|c| !c.comment).count();
    view! {
        <section class="card excel-sheet" aria-label=format!("Trang tính {name}")>
            <div class="row-line">
                <div>
                    <p class="muted">{format!("Trang tính «{name}»")}</p>
                    <h2>{match report_link {
                        Some(href) => view! { <A href=href>{title.clone()}</A> }.into_any(),
                        None => view! { <span>{title.clone()}</span> }.into_any(),
                    }}</h2>
                </div>
                <span class=format!("verdict verdict-{tone}")>{badge}</span>
            </div>
            {reason.map(|r| view! { <p class=if tone == "err" { "banner banner-error" } else { "hint" }>{r}</p> })}
            {identity.map(|m| view! { <div class="banner banner-warn">{m}</div> })}
            {(!problems.is_empty()).then(|| view! {
                <h3>{format!("Lỗi cần sửa trong tệp ({})", problems.len())}</h3>
                <ol class="problems">{problems.iter().map(|p| view! { <li>{p.line()}</li> }).collect_view()}</ol>
            })}
            {(!conflicts.is_empty()).then(|| view! {
                <h3>{format!("Ô đã được người khác sửa sau khi bạn tải biểu mẫu ({})", conflicts.len())}</h3>
                <p class="hint">"Số trong tệp của bạn sẽ thay số hiện tại khi bạn xác nhận. Nếu số hiện tại mới đúng, hãy sửa lại tệp rồi tải lên lần nữa."</p>
                <div class="table-wrap">
                    <table class="table compact stack-table">
                        <thead><tr><th>"Ô"</th><th>"Chỉ tiêu"</th><th class="num">"Khi tải biểu mẫu"</th><th class="num">"Hiện tại"</th><th class="num">"Trong tệp"</th></tr></thead>
                        <tbody>
                            {conflicts.into_iter().map(|c| view! {
                                <tr class="conflict">
                                    <td data-label="Ô"><code>{c.cell}</code></td>
                                    <td data-label="Chỉ tiêu">{c.label}</td>
                                    <td data-label="Khi tải biểu mẫu" class="num">{blank(c.downloaded)}</td>
                                    <td data-label="Hiện tại" class="num">{blank(c.theirs)}</td>
                                    <td data-label="Trong tệp" class="num"><strong>{blank(c.yours)}</strong></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {if changes.is_empty() {
                view! { <p class="empty">"Không có số liệu nào thay đổi so với báo cáo hiện tại."</p> }.into_any()
            } else {
                view! {
                    <h3>{format!("Thay đổi ({} số liệu{})", figures, if changes.len() > figures { format!(", {} ghi chú", changes.len() - figures) } else { String::new() })}</h3>
                    <div class="table-wrap">
                        <table class="table compact stack-table excel-changes">
                            <thead><tr><th>"Ô"</th><th>"Chỉ tiêu"</th><th class="num">"Hiện tại"</th><th class="num">"Trong tệp"</th></tr></thead>
                            <tbody>
                                {changes.into_iter().map(|c| view! {
                                    <tr>
                                        <td data-label="Ô"><code>{c.cell}</code></td>
                                        <td data-label="Chỉ tiêu">{c.label}<small class="muted">{format!(" · {}{}", c.key, if c.comment { " · ghi chú" } else { "" })}</small></td>
                                        <td data-label="Hiện tại" class="num old">{blank(c.old)}</td>
                                        <td data-label="Trong tệp" class="num new"><span aria-hidden="true">"→ "</span><strong>{blank(c.new)}</strong></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {(!check_errors.is_empty()).then(|| view! {
                <h3>{format!("Lỗi kiểm tra số liệu ({}): vẫn nhập được bản nháp, nhưng phải sửa trước khi gửi", check_errors.len())}</h3>
                <ul class="problems">{check_errors.iter().map(|p| view! { <li>{p.line()}</li> }).collect_view()}</ul>
            })}
            {(!check_warnings.is_empty()).then(|| view! {
                <h3>{format!("Cảnh báo ({}): cần giải trình trên biểu mẫu", check_warnings.len())}</h3>
                <ul class="warnings">{check_warnings.iter().map(|p| view! { <li>{p.line()}</li> }).collect_view()}</ul>
            })}
            {(!notes.is_empty()).then(|| view! {
                <details class="notes">
                    <summary>{format!("Ghi chú ({})", notes.len())}</summary>
                    <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </details>
            })}
        </section>
    }
}

fn blank(s: String) -> String {
    if s.trim().is_empty() { "(trống)".into() } else { s }
}

#[component]
fn Preview(view: ImportView, applied_now: bool) -> impl IntoView {
    let confirm = ServerAction::<ConfirmExcelImport>::new();
    let error = Signal::derive(move || action_error(confirm.value().get()));
    follow_success(confirm.value());
    let id = view.id;
    let summary = view.summary();
    let can_confirm = view.can_confirm();
    let needs_confirmation = view.importable().any(|s| s.identity.needs_confirmation());
    let meta = format!("Tệp «{}» · tải lên lúc {}", view.file_name, format_datetime(view.created_at));
    let head = match &view.state {
        ImportState::Reading { done, total } => {
            let (done, total) = (*done, *total);
            view! {
                <Meta http_equiv="refresh" content="2"/>
                <section class="card" aria-busy="true">
                    <p role="status">{if total > 0 { format!("Đang đọc và kiểm tra tệp: {done}/{total} trang tính…") } else { "Đang đọc và kiểm tra tệp…".to_string() }}</p>
                    <progress max=total.max(1).to_string() value=done.to_string()>{format!("{done}/{total}")}</progress>
                    <p class="hint">"Trang này tự tải lại sau vài giây. Chưa có gì được lưu."</p>
                    <p><a href=format!("/nhap-excel/{id}")>"Tải lại ngay"</a></p>
                </section>
            }.into_any()
        }
        ImportState::Failed { message } => view! {
            <div class="banner banner-error" role="alert">{message.clone()}</div>
            <p>"Không có số liệu nào được lưu."</p>
        }.into_any(),
        ImportState::Applied { at } => view! {
            <Notice message=format!("{} Lúc {}.", summary.clone(), format_datetime(*at))/>
        }.into_any(),
        ImportState::Ready => view! {
            <div class=if can_confirm { "banner banner-warn" } else { "banner banner-error" } role="status">
                <strong>{summary.clone()}</strong>
                " "{if can_confirm { "Chưa có gì được lưu: hãy xem lại rồi bấm «Xác nhận nhập» ở cuối trang." } else { "Không có gì để nhập từ tệp này." }}
            </div>
        }.into_any(),
    };
    let ready = view.state == ImportState::Ready;
    view! {
        <p class="muted">{meta}</p>
        {applied_now.then(|| view! { <span class="visually-hidden" role="status">"Đã nhập."</span> })}
        {head}
        {(ready && can_confirm).then(|| view! { <p><a href="#xac-nhan" class="button-secondary">"Đến nút xác nhận"</a></p> })}
        {view.sheets.into_iter().map(|s| view! { <SheetCard sheet=s/> }).collect_view()}
        {if ready && can_confirm {
            view! {
                <section class="card confirm-import" id="xac-nhan">
                    <h2>"Xác nhận nhập"</h2>
                    <p>{summary.clone()}</p>
                    <ActionForm action=confirm attr:class="form">
                        <FormBanner error/>
                        <CsrfField/>
                        <input type="hidden" name="id" value=id.to_string()/>
                        {needs_confirmation.then(|| view! {
                            <label class="check">
                                <input type="checkbox" name="xac_nhan" value="1" required/>
                                " Tôi đã kiểm tra: số liệu trong tệp đúng là của báo cáo (chế độ, kỳ, đơn vị) ghi ở trên."
                            </label>
                        })}
                        <button type="submit" class="button" disabled=move || confirm.pending().get()>"Xác nhận nhập"</button>
                        <p class="hint">"Mọi trang «Sẽ được nhập» được lưu cùng lúc vào bản nháp của báo cáo, ghi lịch sử «Nhập từ Excel» kèm tên tệp; các trang có lỗi không được nhập."</p>
                    </ActionForm>
                </section>
            }.into_any()
        } else {
            ().into_any()
        }}
        <p class="actions"><A href="/nhap-excel" attr:class="button-secondary">"Tải lên tệp khác"</A></p>
    }
}

#[component]
pub fn ExcelPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i32>().ok()).unwrap_or(0);
    let data = Resource::new(id, excel_import);
    view! {
        <Title text="Xem trước số liệu từ Excel"/>
        <Protected children=move |_| view! {
            <h1>"Xem trước số liệu từ Excel"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let applied_now = query.read_untracked().get("da-nhap").is_some();
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(v) => view! { <Preview view=v applied_now/> }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
