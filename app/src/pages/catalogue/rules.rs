//! Validation rules of a regime: list, add, edit, remove, and a box to try a
//! rule on sample values. As the administrator types, the browser parses the
//! expression with the same engine the server uses and points at mistakes.

use super::is_admin;
use crate::api::catalogue::{EditRegime, get_regime, try_rule};
use crate::components::form::{CsrfField, FieldMessage, FormBanner};
use crate::components::guard::Protected;
use crate::components::regime_head::{RegimeHead, regime_id};
use crate::components::status::{ErrorView, Loading};
use crate::error::action_error;
use crate::util::follow_success;
use domain::rules::{MissingStrategy, Outcome, RuleDef, Severity};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn outcome_label(o: &Outcome) -> String {
    match o {
        Outcome::Pass => "Đạt".into(),
        Outcome::Fail => "Không đạt — thông báo sẽ hiện cho người nhập".into(),
        Outcome::Skipped => "Bỏ qua (thiếu số liệu)".into(),
        Outcome::Error(m) => format!("Không tính được: {m}"),
    }
}

/// Parses as the user types (in the browser) and says where the mistake is.
#[component]
fn LiveSyntax(expression: RwSignal<String>) -> impl IntoView {
    move || {
        let e = expression.get();
        if e.trim().is_empty() {
            return None;
        }
        Some(match domain::rules::parse(&e) {
            Ok(_) => view! { <p class="hint ok" role="status">"Cú pháp hợp lệ."</p> }.into_any(),
            Err(p) => view! { <p class="field-error" role="status">{p.to_string()}</p> }.into_any(),
        })
    }
}

#[component]
fn RuleFields(error: Signal<Option<crate::error::AppError>>, rule: Option<RuleDef>, prefix: String) -> impl IntoView {
    let expression = RwSignal::new(rule.as_ref().map(|r| r.expression.clone()).unwrap_or_default());
    let sev = rule.as_ref().map(|r| r.severity).unwrap_or(Severity::Error);
    let missing = rule.as_ref().map(|r| r.missing).unwrap_or(MissingStrategy::SkipIfAnyMissing);
    let message = rule.as_ref().map(|r| r.message.clone()).unwrap_or_default();
    view! {
        <label for=format!("{prefix}-expr")>"Biểu thức"</label>
        <input id=format!("{prefix}-expr") name="expression" type="text" class="mono" value=expression.get_untracked()
            placeholder="Ví dụ: T0102 + T0103 == T0101"
            on:input=move |ev| expression.set(event_target_value(&ev))/>
        <LiveSyntax expression/>
        <FieldMessage error name="expression"/>
        <label for=format!("{prefix}-msg")>"Thông báo cho người nhập"</label>
        <input id=format!("{prefix}-msg") name="message" type="text" value=message/>
        <FieldMessage error name="message"/>
        <label for=format!("{prefix}-sev")>"Mức độ"</label>
        <select id=format!("{prefix}-sev") name="severity">
            {[Severity::Error, Severity::Warning].into_iter().map(|s| view! { <option value=s.code() selected=s == sev>{s.label()}</option> }).collect_view()}
        </select>
        <label for=format!("{prefix}-miss")>"Khi thiếu số liệu"</label>
        <select id=format!("{prefix}-miss") name="missing">
            {MissingStrategy::ALL.into_iter().map(|m| view! { <option value=m.code() selected=m == missing>{m.label()}</option> }).collect_view()}
        </select>
    }
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let id = regime_id();
    let data = Resource::new(id, get_regime);
    let edit = ServerAction::<EditRegime>::new();
    let error = Signal::derive(move || action_error(edit.value().get()));
    follow_success(edit.value());
    view! {
        <Title text="Quy tắc kiểm tra"/>
        <Protected children=move |user| {
            let admin = is_admin(&user);
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(page) => {
                                let rid = page.detail.id;
                                let rules = page.detail.draft.rules.clone();
                                let codes = page.detail.draft.indicator_codes().join(", ");
                                view! {
                                    <RegimeHead data=page/>
                                    <FormBanner error/>
                                    <section class="card">
                                        <h2>"Quy tắc của bản nháp"</h2>
                                        <p class="muted">{format!("Chỉ tiêu trên biểu mẫu: {codes}. Viết CODE[phần] cho phần phân tổ, CODE.cung_ky / .ky_truoc / .luy_ke cho các cột tham chiếu.")}</p>
                                        {if rules.is_empty() {
                                            view! { <p class="empty">"Chưa có quy tắc nào. Các kiểm tra ngầm định (kiểu giá trị, giới hạn, dòng bắt buộc, tổng phân tổ) luôn được áp dụng."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ol class="rules">
                                                    {rules.into_iter().enumerate().map(|(i, r)| {
                                                        view! {
                                                            <li class="rule">
                                                                <code class="mono">{r.expression.clone()}</code>
                                                                <p>{r.message.clone()}</p>
                                                                <p class="muted">{format!("{} · {}", r.severity.label(), r.missing.label())}</p>
                                                                {admin.then(|| view! {
                                                                    <details>
                                                                        <summary>{format!("Sửa quy tắc {}", i + 1)}</summary>
                                                                        <ActionForm action=edit attr:class="form">
                                                                            <CsrfField/>
                                                                            <input type="hidden" name="id" value=rid.to_string()/>
                                                                            <input type="hidden" name="op" value="sua_quy_tac"/>
                                                                            <input type="hidden" name="back" value=format!("/danh-muc/che-do/{rid}/quy-tac")/>
                                                                            <input type="hidden" name="index" value=i.to_string()/>
                                                                            <RuleFields error rule=Some(r.clone()) prefix=format!("r{i}")/>
                                                                            <button type="submit" class="button-secondary">"Lưu quy tắc"</button>
                                                                        </ActionForm>
                                                                    </details>
                                                                    <ActionForm action=edit attr:class="inline">
                                                                        <CsrfField/>
                                                                        <input type="hidden" name="id" value=rid.to_string()/>
                                                                        <input type="hidden" name="op" value="xoa_quy_tac"/>
                                                                        <input type="hidden" name="back" value=format!("/danh-muc/che-do/{rid}/quy-tac")/>
                                                                        <input type="hidden" name="index" value=i.to_string()/>
                                                                        <button type="submit" class="link-button">{format!("Xóa quy tắc {}", i + 1)}</button>
                                                                    </ActionForm>
                                                                })}
                                                            </li>
                                                        }
                                                    }).collect_view()}
                                                </ol>
                                            }.into_any()
                                        }}
                                    </section>
                                    {admin.then(|| view! {
                                        <section class="card narrow">
                                            <h2>"Thêm quy tắc"</h2>
                                            <ActionForm action=edit attr:class="form" attr:novalidate=true>
                                                <CsrfField/>
                                                <input type="hidden" name="id" value=rid.to_string()/>
                                                <input type="hidden" name="op" value="them_quy_tac"/>
                                                <input type="hidden" name="back" value=format!("/danh-muc/che-do/{rid}/quy-tac")/>
                                                <RuleFields error rule=None prefix="new".to_string()/>
                                                <button type="submit" class="button">"Thêm quy tắc"</button>
                                            </ActionForm>
                                        </section>
                                    })}
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
                <TryBox/>
            }
        }/>
    }
}

/// "Try this rule": a plain GET form, so it works without JavaScript; the
/// page evaluates what the query names.
#[component]
fn TryBox() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (q.get("bieu-thuc").unwrap_or_default(), q.get("mau").unwrap_or_default())
    };
    let result = Resource::new(params, |(e, m)| async move { if e.trim().is_empty() { None } else { Some(try_rule(e, m).await) } });
    let (expr0, samples0) = params();
    let expression = RwSignal::new(expr0.clone());
    view! {
        <section class="card narrow" aria-labelledby="try-title">
            <h2 id="try-title">"Thử quy tắc"</h2>
            <form method="get" class="form" action="#try-title">
                <label for="try-expr">"Biểu thức"</label>
                <input id="try-expr" name="bieu-thuc" type="text" class="mono" placeholder="T0102 + T0103 == T0101" value=expr0
                    on:input=move |ev| expression.set(event_target_value(&ev))/>
                <LiveSyntax expression/>
                <label for="try-samples">"Giá trị mẫu (MÃ = giá trị; …)"</label>
                <textarea id="try-samples" name="mau" rows="3" placeholder="T0101 = 1.000; T0102 = 480; T0103 = 520">{samples0}</textarea>
                <button type="submit" class="button-secondary">"Thử"</button>
            </form>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    result.await.map(|r| match r {
                        Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                        Ok(t) => view! {
                            <div class="try-result" role="status">
                                {t.parse_error.map(|p| view! { <p class="field-error">{p.to_string()}</p> })}
                                {t.problems.into_iter().map(|p| view! { <p class="field-error">{p}</p> }).collect_view()}
                                {(!t.outcomes.is_empty()).then(|| view! {
                                    <table class="table compact">
                                        <thead><tr><th>"Khi thiếu số liệu"</th><th>"Kết quả"</th></tr></thead>
                                        <tbody>
                                            {t.outcomes.into_iter().map(|(m, o)| view! { <tr><td>{m.label()}</td><td>{outcome_label(&o)}</td></tr> }).collect_view()}
                                        </tbody>
                                    </table>
                                })}
                            </div>
                        }.into_any(),
                    })
                })}
            </Suspense>
        </section>
    }
}
