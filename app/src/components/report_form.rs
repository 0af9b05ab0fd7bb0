//! The table a report's figures are typed into, shared by the report page
//! (editing or reading) and the catalogue's preview (blank): one renderer,
//! so the preview is exactly what the clerk will fill.

use domain::column::Column;
use domain::entry::{Checked, References, Sheet, cell_key};
use domain::indicator::{IndicatorSpec, ValueType};
use domain::regime::{RegimeDoc, roman};
use domain::rules::Severity;
use leptos::prelude::*;
use std::collections::HashMap;

/// How a typed figure was read, when it differs from what was typed
/// (`1234.5` → `1.234,5`), so the clerk sees the system understood.
fn reading(spec: &IndicatorSpec, typed: &str) -> Option<String> {
    let t = typed.trim();
    let v = spec.parse_input(t).ok().flatten()?;
    let shown = spec.format(&v);
    (shown != t && spec.value_type.is_numeric()).then(|| format!("Đã hiểu là {shown}"))
}

/// How the form table shows the current period's cells.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Inputs the clerk types in.
    Edit,
    /// The stored figures as text.
    Read,
    /// Empty, disabled inputs: the catalogue's preview of a form.
    Blank,
}

/// Figures copied from the previous period and not yet confirmed, given by
/// the report page as context: cell key → the text copied (the mark goes
/// as soon as the input holds something else), and whether the last
/// attempt to send was refused (then the marked inputs are invalid).
#[derive(Clone, Copy)]
pub struct CopyMarks {
    pub copied: RwSignal<HashMap<String, String>>,
    pub refused: Signal<bool>,
}

#[derive(Clone)]
pub struct Ctx {
    pub doc: RegimeDoc,
    pub specs: HashMap<String, IndicatorSpec>,
    pub refs: References,
}

#[component]
pub fn FormTable(
    ctx: StoredValue<Ctx>,
    inputs: RwSignal<HashMap<String, String>>,
    findings: Memo<Checked>,
    comments: HashMap<String, String>,
    mode: Mode,
) -> impl IntoView {
    let (doc, specs) = ctx.with_value(|c| (c.doc.clone(), c.specs.clone()));
    let columns = doc.columns.clone();
    let ncols = columns.len() + 3;
    let mut stt = 0usize;
    let rows = doc.sections.iter().enumerate().map(|(si, section)| {
        let lines = section.rows.iter().filter_map(|row| {
            let spec = specs.get(&row.indicator)?.clone();
            stt += 1;
            let n = stt;
            let mut cells: Vec<(String, String, bool)> = vec![(cell_key(&spec.code, None), spec.name.clone(), false)];
            cells.extend(spec.parts.iter().map(|p| (cell_key(&spec.code, Some(&p.code)), format!("Trong đó: {}", p.name), true)));
            let required = row.required;
            Some(cells.into_iter().map(|(key, label, is_part)| {
                let spec = spec.clone();
                let comment = comments.get(&key).cloned().unwrap_or_default();
                view! {
                    <FormRowView ctx inputs findings spec key label is_part required stt=(!is_part).then_some(n) columns=columns.clone() comment mode/>
                }
            }).collect_view())
        }).collect_view();
        view! {
            <tr class="section-row"><td colspan=ncols.to_string()>{format!("{}. {}", roman(si + 1), section.title)}</td></tr>
            {lines}
        }
    }).collect_view();
    view! {
        <div class="table-wrap">
            <table class="table form-table">
                <thead>
                    <tr>
                        <th>"STT"</th><th>"Chỉ tiêu"</th><th>"ĐVT"</th>
                        {columns.iter().map(|c| view! { <th>{c.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A regime version's form with nothing typed in: the catalogue preview
/// shows the very table the clerk will fill.
#[component]
pub fn BlankForm(doc: RegimeDoc, specs: Vec<IndicatorSpec>) -> impl IntoView {
    let specs = specs.into_iter().map(|s| (s.code.clone(), s)).collect();
    let ctx = StoredValue::new(Ctx { doc, specs, refs: References::default() });
    let inputs = RwSignal::new(HashMap::new());
    let findings = Memo::new(|_| Checked::default());
    view! { <FormTable ctx inputs findings comments=HashMap::new() mode=Mode::Blank/> }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn FormRowView(
    ctx: StoredValue<Ctx>,
    inputs: RwSignal<HashMap<String, String>>,
    findings: Memo<Checked>,
    spec: IndicatorSpec,
    key: String,
    label: String,
    is_part: bool,
    required: bool,
    stt: Option<usize>,
    columns: Vec<Column>,
    comment: String,
    mode: Mode,
) -> impl IntoView {
    let initial = inputs.with_untracked(|m| m.get(&key).cloned().unwrap_or_default());
    let input_name = format!("values[{key}]");
    // The input is labelled by its row's name and described by its messages,
    // so a screen reader hears what it is and what is wrong with it.
    let (input_id, label_id, msg_id) = (format!("in-{key}"), format!("lb-{key}"), format!("msg-{key}"));
    // A figure copied from the previous period, unchanged and unconfirmed.
    let marks = if mode == Mode::Edit { use_context::<CopyMarks>() } else { None };
    let marked = {
        let key = key.clone();
        Signal::derive(move || {
            marks.is_some_and(|m| {
                m.copied.with(|c| c.get(&key).is_some_and(|copied| inputs.with(|i| i.get(&key).map(|t| t.trim()) == Some(copied.trim()))))
            })
        })
    };
    let refused_copy = Signal::derive(move || marked.get() && marks.is_some_and(|m| m.refused.get()));
    let has_error = {
        let key = key.clone();
        Signal::derive(move || refused_copy.get() || findings.with(|c| c.for_cell(&key).any(|f| f.severity == Severity::Error)))
    };
    let copy_id = format!("cp-{key}");
    let described = {
        let (msg_id, copy_id) = (msg_id.clone(), copy_id.clone());
        move || if marked.get() { format!("{msg_id} {copy_id}") } else { msg_id.clone() }
    };
    let input = if mode == Mode::Blank {
        view! { <input type="text" disabled aria-labelledby=label_id.clone()/> }.into_any()
    } else if mode == Mode::Read {
        view! { <span class="figure" id=input_id.clone()>{initial.clone()}</span> }.into_any()
    } else if spec.value_type == ValueType::YesNo {
        let key2 = key.clone();
        let opts = ["", "Có", "Không"];
        view! {
            <select id=input_id.clone() name=input_name aria-labelledby=label_id.clone() aria-describedby=described
                aria-invalid=move || has_error.get().then_some("true")
                on:change=move |ev| { let v = event_target_value(&ev); inputs.update(|m| { m.insert(key2.clone(), v); }); }>
                {opts.into_iter().map(|o| view! { <option value=o selected=initial == o>{if o.is_empty() { "—" } else { o }}</option> }).collect_view()}
            </select>
        }.into_any()
    } else {
        let key2 = key.clone();
        let mode = if spec.value_type.is_numeric() { "decimal" } else { "text" };
        let placeholder = if spec.value_type == ValueType::Date { "dd/mm/yyyy" } else { "" };
        view! {
            <input type="text" id=input_id.clone() name=input_name inputmode=mode placeholder=placeholder value=initial.clone()
                aria-labelledby=label_id.clone() aria-describedby=described
                aria-invalid=move || has_error.get().then_some("true")
                class:numeric=spec.value_type.is_numeric()
                on:input=move |ev| { let v = event_target_value(&ev); inputs.update(|m| { m.insert(key2.clone(), v); }); }/>
        }
        .into_any()
    };
    let hint = {
        let (key, spec) = (key.clone(), spec.clone());
        move || inputs.with(|m| m.get(&key).and_then(|t| reading(&spec, t))).map(|h| view! { <small class="reading">{h}</small> })
    };
    // The mark, and "Giữ nguyên": a submit of the whole form (nothing typed
    // is lost) that confirms this figure as it is, with or without JavaScript.
    let copy_mark = {
        let (key, label) = (key.clone(), label.clone());
        move || {
            marked.get().then(|| {
                view! {
                    <div class="copied">
                        <span class="copied-mark" id=copy_id.clone()>{domain::carry::MARK}</span>
                        <button type="submit" name="intent" value=format!("giu:{key}") class="button-small"
                            aria-label=format!("Giữ nguyên số liệu chép từ kỳ trước: {label}")>"Giữ nguyên"</button>
                        {refused_copy.get().then(|| view! { <p class="field-error">"Chưa xác nhận: bấm “Giữ nguyên” nếu đúng cho kỳ này, hoặc sửa lại."</p> })}
                    </div>
                }
            })
        }
    };
    let messages = {
        let key = key.clone();
        move || {
            findings
                .with(|c| c.for_cell(&key).map(|f| (f.severity, f.message.clone())).collect::<Vec<_>>())
                .into_iter()
                .map(|(sev, m)| {
                    view! { <p class=if sev == Severity::Error { "field-error" } else { "field-warn" }>{m}</p> }
                })
                .collect_view()
        }
    };
    // The comment comes after the figure: one Tab stop for the figure, the
    // comment's toggle next.
    let comment_box = if mode == Mode::Edit {
        view! {
            <details class="comment" open=!comment.is_empty()>
                <summary>"Ghi chú"</summary>
                <input type="text" name=format!("comments[{key}]") value=comment.clone() aria-label=format!("Ghi chú cho {label}")/>
            </details>
        }
        .into_any()
    } else {
        (!comment.is_empty()).then(|| view! { <p class="hint">{format!("Ghi chú: {comment}")}</p> }).into_any()
    };
    let mut input = Some((input, comment_box));
    let cols = columns
        .into_iter()
        .map(|c| {
            if c == Column::Current {
                let (field, comment_box) = input.take().unzip();
                return view! {
                    <td class="current" data-label=c.label()>
                        {field}{hint.clone()}{copy_mark.clone()}<div id=msg_id.clone() class="messages">{messages.clone()}</div>{comment_box}
                        {(!is_part).then(|| view! { <crate::components::review_note::RowNote key=key.clone()/> })}
                    </td>
                }
                .into_any();
            }
            let key = key.clone();
            // Every reference column from one sheet of this period's readable
            // figures: a rate compares in percentage points, a rate's year to
            // date is Σ numerator ÷ Σ denominator, and a year to date says how
            // many of its periods were reported.
            let shown = move || {
                ctx.with_value(|cx| {
                    findings.with(|checked| {
                        let sheet = Sheet { specs: &cx.specs, refs: &cx.refs, current: &checked.values };
                        let note = (c == Column::YearToDate).then(|| sheet.year_to_date(&key).coverage_note(cx.doc.schedule.frequency)).flatten();
                        (sheet.display(&key, c), note)
                    })
                })
            };
            view! {
                <td class="ref" data-label=c.label()>{move || {
                    let (text, note) = shown();
                    view! { {text}{note.map(|n| view! { <small class="muted coverage">{n}</small> })} }
                }}</td>
            }
            .into_any()
        })
        .collect_view();
    let row_id = format!("row-{key}");
    let unit = if is_part { String::new() } else { spec.unit.clone() };
    view! {
        <tr id=row_id class:part-row=is_part class:has-error=has_error class:copied-row=marked>
            <td class="stt">{stt.map(|n| n.to_string()).unwrap_or_default()}</td>
            <td class="label">
                <span id=label_id>{label}</span>
                {(required && !is_part).then(|| view! { <span class="required" title="Bắt buộc">" *"<span class="visually-hidden">" (bắt buộc)"</span></span> })}
                {(!is_part).then(|| view! { <small class="muted code">{spec.code.clone()}</small> })}
                {(!unit.is_empty()).then(|| view! { <small class="muted unit-inline">{format!("ĐVT: {unit}")}</small> })}
            </td>
            <td class="unit">{unit.clone()}</td>
            {cols}
        </tr>
    }
}
