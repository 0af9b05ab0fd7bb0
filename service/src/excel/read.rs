//! Reading a form sheet back: the table is found by its header texts, rows
//! by the indicator code in the Mã column (never by position), so rows in
//! another order, inserted rows, blank rows, extra columns and merged cells
//! all read. Every cell that cannot be read is a problem naming its cell.

use super::book::{MergeIndex, Sheet};
use super::cells::{cell_name, cell_text, read_typed_in};
use super::layout::{HEAD_CODE, HEAD_COMMENT, HEAD_NAME, PART_PREFIX};
use domain::column::Column;
use domain::excel::CellProblem;
use domain::figures::CellKey;
use domain::indicator::{IndicatorSpec, Value, normalize_code};
use domain::regime::RegimeDoc;
use domain::text::fold;
use std::collections::{BTreeMap, HashMap};

/// How far down a sheet the header row may sit.
const HEADER_SCAN_ROWS: usize = 200;

/// Where the table of a form sheet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    pub header_row: u32,
    pub code_col: u32,
    pub input_col: u32,
    pub name_col: Option<u32>,
    pub comment_col: Option<u32>,
}

/// Finds the header row: the first row with a "Mã" cell and a "Thực hiện
/// kỳ này" cell, wherever they sit.
pub fn find_table(sheet: &Sheet) -> Option<Table> {
    let code_heads = [fold(HEAD_CODE), fold("Mã chỉ tiêu"), fold("Mã số")];
    let input_head = fold(Column::Current.label());
    for r in sheet.rows().into_iter().take(HEADER_SCAN_ROWS) {
        let (mut code, mut input, mut name, mut comment) = (None, None, None, None);
        for (c, d) in sheet.row(r) {
            let t = fold(&cell_text(d));
            if code.is_none() && code_heads.contains(&t) {
                code = Some(c);
            } else if input.is_none() && t == input_head {
                input = Some(c);
            } else if name.is_none() && (t == fold(HEAD_NAME) || t == fold("Tên chỉ tiêu")) {
                name = Some(c);
            } else if comment.is_none() && t == fold(HEAD_COMMENT) {
                comment = Some(c);
            }
        }
        if let (Some(code_col), Some(input_col)) = (code, input) {
            return Some(Table { header_row: r, code_col, input_col, name_col: name, comment_col: comment });
        }
    }
    None
}

/// A figure the file holds, at its cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCell {
    /// `E12`.
    pub cell: String,
    /// `None` for a blank cell: the clerk cleared the figure.
    pub value: Option<Value>,
}

/// What a form sheet holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSheet {
    /// By cell key.
    pub figures: BTreeMap<String, FileCell>,
    /// By cell key, when the sheet has a Ghi chú column: (cell, text).
    pub comments: Option<BTreeMap<String, (String, String)>>,
    /// Cells that could not be read, rows that name no indicator of the form…
    /// The first [`MAX_PROBLEMS`] of them.
    pub problems: Vec<CellProblem>,
    /// How many more there are.
    pub more_problems: usize,
    pub notes: Vec<String>,
}

/// Problems listed per sheet: a file with a problem on every row says so
/// with a count, not with a hundred thousand lines.
pub const MAX_PROBLEMS: usize = 100;

impl FileSheet {
    fn problem(&mut self, p: CellProblem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }
}

/// `DS01`, `ds01`, `DS01[nu]`, `DS01 [nu]`, `DS01__nu` → the cell key (not
/// yet checked against the form).
pub fn parse_code(text: &str) -> Option<CellKey> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    let (code, part) = if let Some((c, rest)) = t.split_once('[') {
        (c.to_string(), Some(rest.strip_suffix(']')?.to_lowercase()))
    } else if let Some((c, p)) = t.split_once("__") {
        (c.to_string(), Some(p.to_lowercase()))
    } else {
        (t.clone(), None)
    };
    CellKey::parse(&domain::entry::cell_key(&normalize_code(&code), part.as_deref()))
}

/// The sheet's name as Excel writes it in a reference: quoted when needed.
pub fn sheet_ref(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') && !name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// `"abc" không phải là số (DS01 — Dân số). Hãy nhập…`: the reader's
/// message with what the clerk wrote and which row it is.
fn cell_message(raw: &str, message: &str, label: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("Không đọc được số") {
        return format!("\"{raw}\" không phải là số ({label}){rest}");
    }
    // "ô báo lỗi…" starts the sentence: "Ô báo lỗi…".
    let mut chars = message.chars();
    let m: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    match m.find(". ") {
        Some(i) => format!("{} ({label}).{}", &m[..i], &m[i + 1..]),
        None => format!("{} ({label}).", m.trim_end_matches('.')),
    }
}

/// Reads a form sheet against the form it should be: every row whose Mã
/// names a cell of the form, by code.
pub fn read_sheet(sheet: &Sheet, table: Table, doc: &RegimeDoc, specs: &HashMap<String, IndicatorSpec>) -> FileSheet {
    let sref = sheet_ref(&sheet.name);
    let at = |r: u32, c: u32| format!("{sref}!{}", cell_name(r, c));
    let mut out = FileSheet { comments: table.comment_col.map(|_| BTreeMap::new()), ..FileSheet::default() };
    let on_form: HashMap<String, (&IndicatorSpec, String)> = domain::figures::cells(doc, specs)
        .into_iter()
        .map(|(_, key, spec, part, _)| {
            let label = match part {
                Some(p) => format!("{} — {}, {p}", spec.code, spec.name),
                None => format!("{} — {}", spec.code, spec.name),
            };
            (key, (spec, label))
        })
        .collect();
    let mut seen: HashMap<String, u32> = HashMap::new();
    // The indicator of the last total row, for part rows named only by their label.
    let mut last_code: Option<String> = None;
    let cols: Vec<u32> = [Some(table.code_col), Some(table.input_col), table.name_col, table.comment_col].into_iter().flatten().collect();
    let merges = MergeIndex::new(&sheet.merged, &cols);
    let input_head = merges.merge_of(table.header_row, table.input_col);
    for r in sheet.rows().into_iter().filter(|r| *r > table.header_row) {
        // A header merged down over several rows is still the header.
        if input_head.is_some_and(|m| m.contains(r, table.input_col)) {
            continue;
        }
        let input = sheet.shown_in(&merges, r, table.input_col);
        let has_input = input.is_some_and(|d| !cell_text(d).is_empty());
        // The code: a Mã cell merged down over a total and its parts names the total only.
        let code_merge = merges.merge_of(r, table.code_col);
        let code_text = match code_merge {
            Some(m) if m.first.0 != r => String::new(),
            _ => sheet.shown_in(&merges, r, table.code_col).map(cell_text).unwrap_or_default(),
        };
        let label_text = table.name_col.and_then(|c| sheet.shown_in(&merges, r, c)).map(cell_text).unwrap_or_default();
        // The numbering row under the header: (A) (B) (C) … (1) (2).
        if code_text.starts_with('(') && code_text.ends_with(')') {
            continue;
        }
        let key = if !code_text.is_empty() {
            match parse_code(&code_text) {
                Some(k) => Some(k.text()),
                None if has_input => {
                    out.problem(CellProblem {
                        cell: Some(at(r, table.code_col)),
                        message: format!("\"{code_text}\" không phải là mã chỉ tiêu của biểu mẫu. Hãy ghi lại đúng mã như biểu mẫu tải về."),
                    });
                    continue;
                }
                None => continue,
            }
        } else {
            // A part row named only by its label ("Trong đó: Nữ", or "Nữ").
            let name = fold(label_text.trim());
            let name = name
                .strip_prefix(&fold(PART_PREFIX))
                .or_else(|| name.strip_prefix("trong do"))
                .unwrap_or(&name)
                .trim()
                .trim_start_matches(':')
                .trim()
                .to_string();
            let part = last_code.as_ref().and_then(|c| specs.get(c)).and_then(|s| {
                s.parts
                    .iter()
                    .find(|p| !name.is_empty() && (fold(&p.name) == name || fold(&p.code) == name))
                    .map(|p| domain::entry::cell_key(&s.code, Some(&p.code)))
            });
            // Text under the table (signatures, notes) is not a figure; a
            // number on a row without a code is one that would be lost.
            let numeric = input.is_some_and(|d| super::cells::is_number(d) || domain::numfmt::parse_scaled(&cell_text(d), 6).is_ok());
            match part {
                Some(k) => Some(k),
                None if has_input && (numeric || !label_text.trim().is_empty()) => {
                    out.problem(CellProblem {
                        cell: Some(at(r, table.input_col)),
                        message: format!(
                            "dòng {} có số liệu nhưng không có mã chỉ tiêu ở ô {}. Hãy ghi mã chỉ tiêu như biểu mẫu tải về, hoặc xóa số liệu của dòng này.",
                            r + 1,
                            cell_name(r, table.code_col)
                        ),
                    });
                    continue;
                }
                None => continue,
            }
        };
        let Some(key) = key else { continue };
        let Some((spec, label)) = on_form.get(&key) else {
            let ck = CellKey::parse(&key);
            let known = ck.as_ref().is_some_and(|k| specs.contains_key(k.code()));
            if has_input || known {
                out.problem(CellProblem {
                    cell: Some(at(r, table.code_col)),
                    message: if known {
                        format!(
                            "{code_text}: chỉ tiêu {} không có phần phân tổ này trên biểu mẫu.",
                            ck.map(|k| k.code().to_string()).unwrap_or_default()
                        )
                    } else {
                        format!("mã {code_text} không có trên biểu mẫu của báo cáo này. Hãy sửa mã cho đúng hoặc xóa dòng.")
                    },
                });
            }
            continue;
        };
        if CellKey::parse(&key).is_some_and(|k| k.part().is_none()) {
            last_code = Some(spec.code.clone());
        }
        if let Some(first) = seen.insert(key.clone(), r) {
            out.problem(CellProblem {
                cell: Some(at(r, table.code_col)),
                message: format!("{label} đã có ở dòng {}. Mỗi chỉ tiêu chỉ ghi một dòng; hãy xóa dòng thừa.", first + 1),
            });
            continue;
        }
        // An input merged down over several rows would give one figure to many.
        let input_merge = merges.merge_of(r, table.input_col);
        if let Some(m) = input_merge.filter(|m| m.first.0 != m.last.0) {
            out.problem(CellProblem {
                cell: Some(at(r, table.input_col)),
                message: format!(
                    "ô đang gộp với các ô {}:{} ({label}). Hãy bỏ gộp ô để mỗi dòng có một số liệu.",
                    cell_name(m.first.0, m.first.1),
                    cell_name(m.last.0, m.last.1)
                ),
            });
            continue;
        }
        let cell = cell_name(r, table.input_col);
        let percent = input_merge.map_or((r, table.input_col), |m| m.first);
        let value = match input {
            None => Ok(None),
            Some(d) => read_typed_in(d, (!sheet.percent_unknown).then(|| sheet.percent.contains(&percent)), spec),
        };
        match value {
            Ok(value) => {
                out.figures.insert(key.clone(), FileCell { cell, value });
            }
            Err(e) => out.problem(CellProblem { cell: Some(at(r, table.input_col)), message: cell_message(&e.raw, &e.message, label) }),
        }
        if let (Some(c), Some(comments)) = (table.comment_col, out.comments.as_mut()) {
            let text: String = sheet.shown_in(&merges, r, c).map(cell_text).unwrap_or_default().chars().take(crate::reports::MAX_COMMENT).collect();
            comments.insert(key, (cell_name(r, c), text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::excel::book::Merge;
    use calamine::Data;
    use domain::indicator::{Aggregation, BreakdownPart, ValueType};
    use domain::regime::{FormRow, FormSection};

    fn form() -> (RegimeDoc, HashMap<String, IndicatorSpec>) {
        let mut doc = RegimeDoc::new("T", "Thử");
        doc.sections = vec![FormSection {
            title: "A".into(),
            rows: vec![FormRow { indicator: "DS01".into(), required: true }, FormRow { indicator: "NS01".into(), required: false }],
        }];
        let ds = IndicatorSpec {
            code: "DS01".into(),
            name: "Dân số".into(),
            value_type: ValueType::Integer,
            min: Some(0),
            aggregation: Aggregation::Last,
            parts: vec![BreakdownPart { code: "nu".into(), name: "Nữ".into() }],
            ..Default::default()
        };
        let ns = IndicatorSpec {
            code: "NS01".into(),
            name: "Thu ngân sách".into(),
            value_type: ValueType::Decimal,
            scale: 1,
            aggregation: Aggregation::Sum,
            ..Default::default()
        };
        (doc, [ds, ns].into_iter().map(|s| (s.code.clone(), s)).collect())
    }

    fn sheet(rows: &[(u32, &[(u32, Data)])]) -> Sheet {
        let mut s = Sheet { name: "Biểu01".into(), visible: true, ..Sheet::default() };
        for (r, cells) in rows {
            for (c, d) in cells.iter() {
                s.cells.insert((*r, *c), d.clone());
            }
        }
        s
    }

    fn t(s: &str) -> Data {
        Data::String(s.into())
    }

    #[test]
    fn rows_are_matched_by_code_in_any_order_with_extra_columns() {
        let (doc, specs) = form();
        let s = sheet(&[
            (3, &[(0, t("STT")), (1, t("Chỉ tiêu")), (2, t("Ghi chú thêm")), (3, t("Mã")), (5, t("Thực hiện kỳ này")), (6, t("Ghi chú"))]),
            (5, &[(1, t("Thu ngân sách")), (3, t("ns01")), (5, t("1.234,5"))]),
            (7, &[(1, t("Dân số")), (3, t("DS01")), (5, Data::Float(12000.0)), (6, t("ước tính"))]),
            (8, &[(1, t("Trong đó: Nữ")), (5, Data::Float(6100.0))]),
            (9, &[(1, t("Ghi chú của đơn vị, không phải chỉ tiêu"))]),
        ]);
        let table = find_table(&s).unwrap();
        assert_eq!((table.header_row, table.code_col, table.input_col, table.comment_col), (3, 3, 5, Some(6)));
        let f = read_sheet(&s, table, &doc, &specs);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.figures["NS01"], FileCell { cell: "F6".into(), value: Some(Value::Num(12345)) });
        assert_eq!(f.figures["DS01"].value, Some(Value::Num(12000)));
        assert_eq!(f.figures["DS01__nu"].value, Some(Value::Num(6100)));
        assert_eq!(f.comments.as_ref().unwrap()["DS01"].1, "ước tính");
    }

    #[test]
    fn every_unreadable_cell_is_named() {
        let (doc, specs) = form();
        let s = sheet(&[
            (0, &[(0, t("Mã")), (1, t("Thực hiện kỳ này"))]),
            (1, &[(0, t("DS01")), (1, t("abc"))]),
            (2, &[(0, t("DS01[nu]")), (1, Data::Error(calamine::CellErrorType::Div0))]),
            (3, &[(0, t("NS01")), (1, Data::Float(1.25))]),
            (4, &[(0, t("XX99")), (1, Data::Float(3.0))]),
            (5, &[(0, t("NS01")), (1, Data::Float(2.0))]),
            (6, &[(1, Data::Float(9.0))]),
        ]);
        let f = read_sheet(&s, find_table(&s).unwrap(), &doc, &specs);
        let lines: Vec<String> = f.problems.iter().map(CellProblem::line).collect();
        assert_eq!(
            lines[0],
            "Biểu01!B2: \"abc\" không phải là số (DS01 — Dân số). Hãy nhập theo dạng 1.234,5 (dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân)."
        );
        assert_eq!(lines[1], "Biểu01!B3: Ô báo lỗi công thức #DIV/0! (DS01 — Dân số, Nữ). Hãy sửa công thức hoặc nhập số liệu trực tiếp.");
        assert_eq!(lines[2], "Biểu01!B4: Chỉ được nhập tối đa 1 chữ số thập phân (NS01 — Thu ngân sách).");
        assert!(lines[3].starts_with("Biểu01!A5: mã XX99 không có trên biểu mẫu"), "{}", lines[3]);
        assert!(lines[4].starts_with("Biểu01!A6: NS01 — Thu ngân sách đã có ở dòng 4"), "{}", lines[4]);
        assert!(lines[5].starts_with("Biểu01!B7: dòng 7 có số liệu nhưng không có mã chỉ tiêu ở ô A7"), "{}", lines[5]);
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn merged_cells_read_as_the_clerk_sees_them() {
        let (doc, specs) = form();
        let mut s = sheet(&[
            (0, &[(0, t("Mã")), (1, t("Thực hiện kỳ này"))]),
            (2, &[(0, t("DS01")), (1, Data::Float(10.0))]),
            (3, &[(1, Data::Float(4.0))]),
            (4, &[(0, t("NS01")), (1, Data::Float(7.0))]),
        ]);
        // The code merged over the total and its part, the header over two rows.
        s.merged.push(Merge { first: (2, 0), last: (3, 0) });
        s.merged.push(Merge { first: (0, 1), last: (1, 1) });
        let f = read_sheet(&s, find_table(&s).unwrap(), &doc, &specs);
        // Row 4 has no label: it is not a part without its name.
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert_eq!(f.figures["DS01"].value, Some(Value::Num(10)));
        // An input merged over two rows is refused.
        s.merged.push(Merge { first: (4, 1), last: (5, 1) });
        let f = read_sheet(&s, find_table(&s).unwrap(), &doc, &specs);
        assert!(f.problems.iter().any(|p| p.message.contains("bỏ gộp")), "{:?}", f.problems);
    }

    #[test]
    fn problems_are_listed_up_to_a_hundred_and_counted_beyond() {
        let (doc, specs) = form();
        let mut rows: Vec<(u32, Vec<(u32, Data)>)> = vec![(0, vec![(0, t("Mã")), (1, t("Thực hiện kỳ này"))])];
        for r in 1..=250u32 {
            rows.push((r, vec![(0, t(&format!("XX{r:03}"))), (1, Data::Float(1.0))]));
        }
        let rows: Vec<(u32, &[(u32, Data)])> = rows.iter().map(|(r, c)| (*r, c.as_slice())).collect();
        let s = sheet(&rows);
        let f = read_sheet(&s, find_table(&s).unwrap(), &doc, &specs);
        assert_eq!((f.problems.len(), f.more_problems), (MAX_PROBLEMS, 150));
        assert!(f.problems[0].message.contains("XX001") && f.problems[99].message.contains("XX100"), "{:?}", f.problems[99]);
    }

    #[test]
    fn codes_read_in_every_spelling() {
        assert_eq!(parse_code("DS01[nu]").unwrap().text(), "DS01__nu");
        assert_eq!(parse_code(" ds01 [NU] ").unwrap().text(), "DS01__nu");
        assert_eq!(parse_code("DS01__nu").unwrap().text(), "DS01__nu");
        assert_eq!(parse_code("ns01").unwrap().text(), "NS01");
        assert!(parse_code("Dân số").is_none());
        assert!(parse_code("I").is_some(), "a roman numeral reads as a code; the form decides");
        assert_eq!(sheet_ref("Biểu01"), "Biểu01");
        assert_eq!(sheet_ref("SYT Sở Y tế"), "'SYT Sở Y tế'");
    }
}
