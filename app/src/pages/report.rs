//! The report form: generated from the regime version, typed inputs in
//! Vietnamese notation, reference and comparison columns, narrative sections,
//! checks as the clerk types (the domain engine, in the browser) and on the
//! server at every save and send; then approval and review.

use crate::api::reports::{ActOnReport, CopyPrevious, GrantException, ReportPage as PageData, SaveReport, get_report};
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::components::report_form::{CopyMarks, Ctx, FormTable, Mode};
use crate::components::status::{ErrorView, Loading};
use crate::error::{AppError, action_error};
use crate::util::follow_success;
use domain::calendar::EntryState;
use domain::datefmt::{format_date, format_datetime, vn_today};
use domain::entry::{Checked, check_entry};
use domain::regime::RegimeDoc;
use domain::report::ReportStatus;
use domain::reporting::ReportHeader;
use domain::rules::Severity;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::HashMap;

#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i32>().ok()).unwrap_or(0);
    let stash = move || query.read().get("nhap-lai");
    let data = Resource::new(move || (id(), stash()), |(id, s)| get_report(id, s));
    view! {
        <Title text="Báo cáo"/>
        <Protected children=move |_| view! {
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let notice = {
                        let q = query.read_untracked();
                        if q.get("da-luu").is_some() { Some("Đã lưu nháp.".to_string()) }
                        else if q.get("da-xac-nhan").is_some() { Some("Đã xác nhận số liệu chép từ kỳ trước và lưu nháp.".to_string()) }
                        else if let Some(n) = q.get("da-chep") { Some(format!("Đã chép {n} số liệu của kỳ trước. Hãy kiểm tra từng dòng: bấm “Giữ nguyên” nếu đúng cho kỳ này, hoặc sửa lại.")) }
                        else if let Some(s) = q.get("trang-thai").or_else(|| q.get("da-gui")).and_then(|c| ReportStatus::from_code(&c)) { Some(format!("Báo cáo đã chuyển sang trạng thái \"{}\".", s.label())) }
                        else if q.get("gia-han").is_some() { Some("Đã gia hạn nhập số liệu.".to_string()) }
                        else { None }
                    };
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(page) => view! { <ReportView page notice/> }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}

fn late_days(h: &ReportHeader) -> Option<i64> {
    let sent = vn_today(h.sent_at?);
    Some((sent - h.window.deadline).num_days())
}

#[component]
fn HeaderCard(header: ReportHeader, doc_name: String, form_number: String) -> impl IntoView {
    let h = header;
    let state_note = match h.state {
        EntryState::NotOpen => format!("Chưa mở nhập (mở từ {}).", format_date(h.window.opens)),
        EntryState::Open => match h.days_to_deadline {
            0 => "Hôm nay là hạn gửi.".into(),
            d => format!("Còn {d} ngày đến hạn gửi."),
        },
        EntryState::Overdue => format!(
            "Đã quá hạn {} ngày; vẫn nhận đến hết ngày {} (ghi nhận gửi muộn).",
            -h.days_to_deadline,
            format_date(h.exception_until.map_or(h.window.locks, |e| e.max(h.window.locks)))
        ),
        EntryState::Locked => "Kỳ báo cáo đã khóa: chỉ xem, không sửa được.".into(),
    };
    let receipt = h.sent_at.map(|at| {
        let timing = match late_days(&h) {
            Some(d) if d > 0 => format!("quá hạn {d} ngày"),
            _ => "đúng hạn".into(),
        };
        format!("Đã gửi lúc {} — {timing}.", format_datetime(at))
    });
    view! {
        <header class="report-head card">
            <div class="row-line">
                <div>
                    <p class="muted">{format!("{} · {} · phiên bản {}", form_number, h.regime_code, h.version)}</p>
                    <h1>{doc_name}</h1>
                    <p><strong>{h.unit_name.clone()}</strong>{format!(" · {} · gửi {}", h.period_label, h.receiving_unit)}</p>
                </div>
                <span class=format!("status status-{}", h.status.code())>{h.status.label()}</span>
            </div>
            <dl class="facts">
                <dt>"Thời gian chốt số liệu"</dt><dd>{format!("Từ ngày {} đến ngày {}", format_date(h.window.cutoff_start), format_date(h.window.cutoff_end))}</dd>
                <dt>"Hạn gửi"</dt><dd>{format_date(h.window.deadline)}" · "<span class:late=h.days_to_deadline < 0>{state_note}</span></dd>
            </dl>
            {receipt.map(|r| view! { <p class="receipt" role="status">{r}</p> })}
            {h.return_reason.clone().filter(|_| h.status == ReportStatus::Returned).map(|r| view! { <div class="banner banner-warn">{format!("Lý do trả lại: {r}")}</div> })}
        </header>
    }
}

/// Stored figures far from the unit's own history: a prompt to check, for
/// the clerk before sending and the reviewer before accepting; never a block.
#[component]
fn UnusualCard(items: Vec<domain::reporting::UnusualFigure>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <section class="card unusual" aria-labelledby="unusual-title">
                <h2 id="unusual-title">"Số liệu khác thường so với lịch sử của đơn vị"</h2>
                <p class="hint">"Không chặn việc gửi hay tiếp nhận: đơn vị nên kiểm tra lại, người duyệt có thể hỏi lại đơn vị."</p>
                <ul>
                    {items.into_iter().map(|u| view! {
                        <li>
                            <a href=format!("#in-{}", u.key)>{u.label}</a>
                            {format!(": {} — {}.", u.value, u.message)}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn ReportView(page: PageData, notice: Option<String>) -> impl IntoView {
    let PageData { data, history, history_total, stash, review_notes } = page;
    provide_context(crate::components::review_note::ReviewNotes {
        notes: review_notes,
        rows: data
            .doc
            .indicator_codes()
            .into_iter()
            .map(|c| {
                let name = data.specs.iter().find(|s| s.code == c).map(|s| s.name.clone()).unwrap_or_default();
                (c, name)
            })
            .collect(),
    });
    let perms = data.permissions;
    let header = data.header.clone();
    let report_id = header.id;
    let (mut values, mut comments, mut narrative, mut explanations) =
        (data.values.clone(), data.comments.clone(), data.narrative.clone(), data.explanations.clone());
    let stash_messages = stash.as_ref().map(|s| s.messages.clone()).unwrap_or_default();
    if let Some(s) = stash.filter(|_| perms.edit) {
        values = s.submission.values;
        comments = s.submission.comments;
        if !s.submission.narrative.is_empty() {
            narrative = s.submission.narrative;
        }
        explanations = s.submission.explanations;
    }
    narrative.resize(data.doc.outline.len(), String::new());
    let ctx = StoredValue::new(Ctx { specs: data.spec_map(), doc: data.doc.clone(), refs: data.references.clone() });
    // What was last saved, to know whether there is input to lose.
    let saved_inputs = RwSignal::new(values.clone());
    let inputs = RwSignal::new(values);
    let findings = Memo::new(move |_| ctx.with_value(|c| inputs.with(|v| check_entry(&c.doc, &c.specs, v, &c.refs, true))));
    let row_version = RwSignal::new(header.row_version);
    let save = ServerAction::<SaveReport>::new();
    let saved_note = RwSignal::new(notice);
    let dirty = Signal::derive(move || inputs.with(|now| saved_inputs.with(|then| now != then)));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(reply)) => {
            row_version.set(reply.row_version);
            saved_note.set(Some(reply.message.clone()));
            saved_inputs.set(inputs.get_untracked());
            if let Some(go) = reply.go_to {
                crate::util::hard_navigate(&go);
            } else if reply.send_error.is_some() {
                // After this answer's marks (aria-invalid) are on the page.
                request_animation_frame(crate::components::form_client::focus_first_problem);
            }
        }
        Some(Err(_)) => request_animation_frame(crate::components::form_client::focus_first_problem),
        None => {}
    });
    if perms.edit {
        crate::components::form_client::warn_before_leaving(dirty);
        let busy = Signal::derive(move || save.pending().get());
        crate::components::form_client::autosave("report-form", "save-draft", dirty, busy, 120);
    }
    let save_error = Signal::derive(move || match save.value().get() {
        Some(Ok(reply)) => reply.send_error,
        other => action_error(other),
    });
    // Figures copied from the previous period, still to be confirmed: the
    // marks follow each save's answer.
    // Each mark remembers the text copied: it goes once the input differs.
    let marks = move |keys: &[String]| -> HashMap<String, String> {
        keys.iter().map(|k| (k.clone(), inputs.with_untracked(|i| i.get(k).cloned().unwrap_or_default()))).collect()
    };
    let copied = RwSignal::new(marks(&data.copied));
    let stash_refused = !stash_messages.is_empty();
    let refused = Signal::derive(move || stash_refused || save_error.with(|e| matches!(e, Some(AppError::Validation(_)))));
    Effect::new(move |_| {
        if let Some(Ok(reply)) = save.value().get() {
            copied.set(marks(&reply.copied));
        }
    });
    provide_context(CopyMarks { copied, refused });
    let copy_offer = data.copy_offer.clone().filter(|_| perms.edit);
    let doc = data.doc.clone();
    let send_label = if doc.approval_required { "Trình lãnh đạo duyệt" } else { "Gửi báo cáo" };
    let title = doc.name.clone();
    let form_number = doc.form_number.clone();
    let body = view! {
        <section class="card report-form">
            <FormTable ctx inputs findings comments=comments.clone() mode=if perms.edit { Mode::Edit } else { Mode::Read }/>
        </section>
        <Narrative doc=doc.clone() texts=narrative.clone() editable=perms.edit/>
        <FindingsPanel doc=doc.clone() findings explanations=explanations.clone() editable=perms.edit error=save_error/>
    };
    view! {
        <Title text=title.clone()/>
        <HeaderCard header=header.clone() doc_name=title form_number/>
        <UnusualCard items=data.unusual.clone()/>
        <section class="card excel-tools" aria-label="Tải về và in">
            <a class="button-secondary" href=format!("/tai-xuong/bao-cao.xlsx?id={report_id}") download>"Tải biểu mẫu Excel"</a>
            // A whole page of its own (served by the server, not the app's router).
            <a class="button-secondary" href=format!("/bao-cao/{report_id}/in") rel="external">"Bản in"</a>
            {perms.edit.then(|| view! {
                <details class="excel-upload-box">
                    <summary class="button-secondary">"Nhập số liệu từ tệp Excel…"</summary>
                    <crate::components::excel_upload::ExcelUploadForm report_id=report_id compact=true/>
                    <p class="hint">"Bạn được xem trước mọi thay đổi trước khi lưu."</p>
                </details>
            })}
        </section>
        {move || saved_note.get().map(|m| view! { <Notice message=m/> })}
        {copy_offer.map(|offer| view! { <CopyOfferCard offer report_id row_version/> })}
        <UnreadableSummary inputs findings/>
        {(!stash_messages.is_empty()).then(|| view! {
            <div class="banner banner-error" role="alert">
                <p>"Lần gửi vừa rồi chưa thành công; số liệu bạn đã nhập được giữ lại bên dưới:"</p>
                <ul>{stash_messages.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            </div>
        })}
        {if perms.edit {
            view! {
                <ActionForm action=save attr:class="report-form-wrap" attr:novalidate=true attr:id="report-form">
                    <FormBanner error=save_error/>
                    <CsrfField/>
                    <input type="hidden" name="id" value=report_id.to_string()/>
                    <input type="hidden" name="row_version" value=move || row_version.get().to_string()/>
                    <CopiedSummary copied error=save_error/>
                    {body}
                    <div class="actions sticky-actions">
                        <button type="submit" id="save-draft" name="intent" value="luu" class="button-secondary" disabled=move || save.pending().get()>"Lưu nháp"</button>
                        <button type="submit" name="intent" value="gui" class="button" disabled=move || save.pending().get()>{send_label}</button>
                        // Read out when it changes, so a screen reader hears new errors.
                        <span class="muted" role="status" aria-live="polite">{move || {
                            let n = findings.with(|c| c.errors().count());
                            let unsaved = if dirty.get() { " Có thay đổi chưa lưu; bản nháp tự lưu 2 phút một lần." } else { "" };
                            if n > 0 { format!("Còn {n} lỗi cần sửa trước khi gửi.{unsaved}") } else { unsaved.trim().to_string() }
                        }}</span>
                    </div>
                </ActionForm>
            }.into_any()
        } else {
            body.into_any()
        }}
        <Decisions header=header.clone() approve=perms.approve review=perms.review grant=perms.grant_exception/>
        <details class="card history">
            <summary>{format!("Lịch sử thay đổi ({})", domain::numfmt::format_int(history_total as i64))}</summary>
            {(history_total > history.len() as u64).then(|| view! {
                <p class="hint">{format!("Hiển thị {} thay đổi gần nhất.", history.len())}</p>
            })}
            <table class="table compact">
                <thead><tr><th>"Thời gian"</th><th>"Người thực hiện"</th><th>"Nội dung"</th></tr></thead>
                <tbody>
                    {history.into_iter().map(|h| view! { <tr><td>{format_datetime(h.at)}</td><td>{h.who}</td><td>{h.what}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// "Chép số liệu kỳ trước", on a report with no figures yet: the button
/// when the previous period's report was accepted, else why there is none.
#[component]
fn CopyOfferCard(offer: domain::carry::CopyOffer, report_id: i32, row_version: RwSignal<i32>) -> impl IntoView {
    let copy = ServerAction::<CopyPrevious>::new();
    follow_success(copy.value());
    let error = Signal::derive(move || action_error(copy.value().get()));
    let label = match &offer {
        domain::carry::CopyOffer::Available { period_label } => Some(format!("Chép số liệu kỳ trước ({period_label})")),
        _ => None,
    };
    view! {
        <section class="card copy-offer" aria-labelledby="copy-offer-title">
            <h2 id="copy-offer-title">"Chép số liệu kỳ trước"</h2>
            <p class="hint">{offer.note()}</p>
            <FormBanner error/>
            {label.map(|label| view! {
                <ActionForm action=copy attr:class="form">
                    <CsrfField/>
                    <input type="hidden" name="id" value=report_id.to_string()/>
                    <input type="hidden" name="row_version" value=move || row_version.get().to_string()/>
                    <button type="submit" class="button-secondary" disabled=move || copy.pending().get()>{label}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// How many copied figures wait for the clerk, "Xác nhận tất cả", and
/// after a refused send the rows that held it back, each a link to its row.
#[component]
fn CopiedSummary(copied: RwSignal<HashMap<String, String>>, error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        let n = copied.with(|c| c.len());
        (n > 0).then(|| {
            let rows: Vec<(String, String)> = error.with(|e| match e {
                Some(AppError::Validation(f)) => f
                    .0
                    .iter()
                    .filter_map(|x| {
                        let key = x.field.strip_prefix("values[")?.strip_suffix(']')?;
                        copied.with(|c| c.contains_key(key)).then(|| (key.to_string(), x.message.clone()))
                    })
                    .collect(),
                _ => vec![],
            });
            view! {
                <div class="banner banner-warn copied-summary" role="status">
                    <p>{format!(
                        "{} số liệu được chép từ kỳ trước, chưa xác nhận (đánh dấu “Chép từ kỳ trước” bên dưới). Kiểm tra từng dòng rồi bấm “Giữ nguyên”, hoặc sửa lại; báo cáo chỉ gửi được khi đã xác nhận hết.",
                        domain::numfmt::format_int(n as i64)
                    )}</p>
                    {(!rows.is_empty()).then(|| view! {
                        <ul>{rows.into_iter().map(|(k, m)| view! { <li><a href=format!("#row-{k}")>{m}</a></li> }).collect_view()}</ul>
                    })}
                    <button type="submit" name="intent" value="xac_nhan" class="button-secondary">"Xác nhận tất cả"</button>
                </div>
            }
        })
    }
}

/// Cells whose text could not be read: kept as typed, listed at the top
/// with a link to each, so the clerk finds them before sending.
#[component]
fn UnreadableSummary(inputs: RwSignal<HashMap<String, String>>, findings: Memo<Checked>) -> impl IntoView {
    let unreadable = move || {
        findings.with(|c| {
            inputs.with(|typed| {
                c.errors()
                    .filter(|f| f.rule.is_none() && !c.values.contains_key(&f.key) && typed.get(&f.key).is_some_and(|t| !t.trim().is_empty()))
                    .map(|f| (f.key.clone(), f.message.clone()))
                    .collect::<Vec<_>>()
            })
        })
    };
    move || {
        let list = unreadable();
        (!list.is_empty()).then(|| {
            view! {
                <div class="banner banner-error" role="alert">
                    <p>{format!("{} ô chưa đọc được số liệu, được giữ nguyên như bạn nhập. Hãy sửa trước khi gửi:", list.len())}</p>
                    <ul>{list.into_iter().map(|(k, m)| view! { <li><a href=format!("#row-{k}")>{m}</a></li> }).collect_view()}</ul>
                </div>
            }
        })
    }
}

#[component]
fn Narrative(doc: RegimeDoc, texts: Vec<String>, editable: bool) -> impl IntoView {
    (!doc.outline.is_empty()).then(|| view! {
        <section class="card outline-preview">
            <h2>"Phần thuyết minh"</h2>
            {doc.outline.iter().enumerate().map(|(i, o)| {
                let text = texts.get(i).cloned().unwrap_or_default();
                let id = format!("narrative-{i}");
                view! {
                    <label for=id.clone()>{format!("{}. {}", i + 1, o.title)}</label>
                    {(!o.guidance.is_empty()).then(|| view! { <p class="hint">{o.guidance.clone()}</p> })}
                    {if editable {
                        view! { <textarea id=id name=format!("narrative[{i}]") rows="4">{text}</textarea> }.into_any()
                    } else {
                        view! { <p id=id class="narrative">{if text.is_empty() { "(chưa có nội dung)".to_string() } else { text }}</p> }.into_any()
                    }}
                }
            }).collect_view()}
        </section>
    })
}

#[component]
fn FindingsPanel(
    doc: RegimeDoc,
    findings: Memo<Checked>,
    explanations: HashMap<usize, String>,
    editable: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let rules_with_warnings: Vec<(usize, String)> =
        doc.rules.iter().enumerate().filter(|(_, r)| r.severity == Severity::Warning).map(|(i, r)| (i, r.message.clone())).collect();
    view! {
        <section class="card findings" aria-labelledby="findings-title">
            <h2 id="findings-title">"Kiểm tra số liệu"</h2>
            {move || {
                let errors: Vec<(String, String)> = findings.with(|c| c.errors().map(|f| (f.key.clone(), f.message.clone())).collect());
                if errors.is_empty() {
                    view! { <p class="hint ok">"Không có lỗi chặn gửi."</p> }.into_any()
                } else {
                    view! {
                        <p>"Cần sửa trước khi gửi:"</p>
                        <ul class="problems">{errors.into_iter().map(|(k, m)| view! { <li><a href=format!("#row-{k}")>{m}</a></li> }).collect_view()}</ul>
                    }.into_any()
                }
            }}
            {rules_with_warnings.into_iter().map(|(i, message)| {
                let active = move || findings.with(|c| c.warnings().any(|f| f.rule == Some(i)));
                let text = explanations.get(&i).cloned().unwrap_or_default();
                let field = format!("explain[{i}]");
                let has_text = !text.is_empty();
                view! {
                    <div class="warning-box" class:hidden=move || !active() && !has_text>
                        <p class="field-warn">{format!("Cảnh báo: {message}")}</p>
                        {if editable {
                            view! {
                                <label for=format!("explain-{i}")>"Giải trình (bắt buộc để gửi khi có cảnh báo)"</label>
                                <textarea id=format!("explain-{i}") name=field.clone() rows="2">{text}</textarea>
                                <FieldMessage error name=field/>
                            }.into_any()
                        } else {
                            view! { <p>{format!("Giải trình: {text}")}</p> }.into_any()
                        }}
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn Decisions(header: ReportHeader, approve: bool, review: bool, grant: bool) -> impl IntoView {
    let act = ServerAction::<ActOnReport>::new();
    let extend = ServerAction::<GrantException>::new();
    let error = Signal::derive(move || action_error(act.value().get()).or_else(|| action_error(extend.value().get())));
    follow_success(act.value());
    follow_success(extend.value());
    let (id, id2, id_direct) = (header.id.to_string(), header.id.to_string(), header.id.to_string());
    let status = header.status;
    let choices: Vec<(&'static str, &'static str, bool)> = [
        (approve, "duyet", "Duyệt và gửi", false),
        (approve, "tra_chuyen_vien", "Trả lại chuyên viên", true),
        (review && status == ReportStatus::Sent, "tiep_nhan", "Tiếp nhận", false),
        (review && status == ReportStatus::Sent, "tra_lai", "Trả lại đơn vị", true),
        (review && status == ReportStatus::Accepted, "mo_lai", "Mở lại để đơn vị sửa", true),
    ]
    .into_iter()
    .filter(|(ok, ..)| *ok)
    .map(|(_, a, l, reason)| (a, l, reason))
    .collect();
    let any = !choices.is_empty() || grant;
    let (direct, with_reason): (Vec<_>, Vec<_>) = choices.into_iter().partition(|(_, _, needs)| !needs);
    any.then(|| view! {
        <section class="card decisions">
            <h2>"Xử lý báo cáo"</h2>
            <FormBanner error/>
            {(!direct.is_empty()).then(|| view! {
                <ActionForm action=act attr:class="form">
                    <CsrfField/>
                    <input type="hidden" name="id" value=id_direct.clone()/>
                    <div class="actions">
                        {direct.into_iter().map(|(a, l, _)| view! { <button type="submit" name="action" value=a class="button">{l}</button> }).collect_view()}
                    </div>
                </ActionForm>
            })}
            // Sending a report back cannot be undone in one click: it opens
            // first, asks for the reason, and only then is confirmed.
            {with_reason.into_iter().map(|(a, l, _)| {
                let field = format!("reason-{a}");
                let id = id.clone();
                view! {
                    <details class="confirm">
                        <summary class="button-secondary">{format!("{l}…")}</summary>
                        <ActionForm action=act attr:class="form">
                            <CsrfField/>
                            <input type="hidden" name="id" value=id.clone()/>
                            <input type="hidden" name="action" value=a/>
                            <label for=field.clone()>"Lý do (đơn vị sẽ thấy để sửa)"</label>
                            <textarea id=field name="reason" rows="2" required></textarea>
                            <FieldMessage error name="reason"/>
                            {(a == "tra_lai").then(|| view! { <crate::components::review_note::RowNoteFields/> })}
                            <button type="submit" class="button">{format!("Xác nhận: {}", l.to_lowercase())}</button>
                        </ActionForm>
                    </details>
                }
            }).collect_view()}
            {grant.then(|| view! {
                <ActionForm action=extend attr:class="form inline-form">
                    <CsrfField/>
                    <input type="hidden" name="id" value=id2.clone()/>
                    <label for="until">"Cho phép đơn vị nhập, gửi báo cáo này đến hết ngày"</label>
                    <input id="until" name="until" type="text" placeholder="dd/mm/yyyy"/>
                    <button type="submit" class="button-secondary">"Gia hạn"</button>
                    <FieldMessage error name="until"/>
                </ActionForm>
            })}
        </section>
    })
}
