//! The biểu mẫu as an Excel workbook, laid out like the paper form: "Biểu
//! số …" top left, the reporting and receiving units top right, the centred
//! title, the period and its cut-off window, then STT | Chỉ tiêu | Mã | ĐVT
//! | the form's columns | Ghi chú, Roman-numeral sections and breakdown
//! parts as "Trong đó" rows, exactly as the web form lays them out.
//!
//! Only the input cells are unlocked (the sheet is protected without a
//! password, so anyone can lift it), each with a data validation whose
//! message is Vietnamese; numbers carry formats a Vietnamese-locale Excel
//! shows as `1.234,5`. A hidden sheet says which report each sheet fills
//! and what it held at download ([`super::layout`]); the regime's guidance
//! is a visible sheet of its own.

use super::layout::{self, HEAD_CODE, HEAD_COMMENT, HEAD_NAME, HEAD_STT, HEAD_UNIT, PART_PREFIX, Snapshot, Stamp};
use domain::calendar::EntryWindow;
use domain::column::Column;
use domain::datefmt::format_date;
use domain::entry::{References, Sheet as FigureSheet, cell_key};
use domain::figures::Figures;
use domain::indicator::{IndicatorSpec, Value, ValueType};
use domain::numfmt::format_scaled;
use domain::period::Period;
use domain::regime::{RegimeDoc, roman};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};
use std::collections::HashMap;

/// One report's sheet: the form, its figures and who it is from.
pub struct FormSheet<'a> {
    pub name: String,
    pub doc: &'a RegimeDoc,
    pub specs: &'a HashMap<String, IndicatorSpec>,
    pub refs: &'a References,
    pub figures: &'a Figures,
    pub comments: &'a HashMap<String, String>,
    pub unit_name: String,
    pub receiving_name: String,
    pub period: Period,
    pub window: EntryWindow,
    pub stamp: Stamp,
}

/// The row (0-based) of the column headers; the column numbering row follows.
pub const HEADER_ROW: u32 = 6;
const FIRST_DATA_ROW: u32 = HEADER_ROW + 2;
const FONT: &str = "Times New Roman";
/// Light yellow: where the clerk types.
const INPUT_FILL: u32 = 0xFFF8D6;
/// Numbers beyond this are not exact as an Excel number (2^53): written as text.
const EXACT_IN_F64: i64 = 1 << 53;

struct Formats {
    plain: Format,
    bold: Format,
    italic: Format,
    title: Format,
    centre_bold: Format,
    centre_italic: Format,
    right: Format,
    head: Format,
    numbering: Format,
    section: Format,
    cell: Format,
    cell_part: Format,
    cell_centre: Format,
    reference_text: Format,
    input_text: Format,
    input_date: Format,
    wrap: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name(FONT).set_font_size(12);
        let border = base.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Formats {
            plain: base.clone(),
            bold: base.clone().set_bold(),
            italic: base.clone().set_italic(),
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter).set_text_wrap(),
            centre_bold: base.clone().set_bold().set_align(FormatAlign::Center),
            centre_italic: base.clone().set_italic().set_align(FormatAlign::Center),
            right: base.clone().set_align(FormatAlign::Right),
            head: border.clone().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_background_color(Color::RGB(0xDDE6F2)),
            numbering: border.clone().set_italic().set_align(FormatAlign::Center).set_font_size(10),
            section: border.clone().set_bold().set_background_color(Color::RGB(0xF2F2F2)),
            cell: border.clone().set_text_wrap(),
            cell_part: border.clone().set_text_wrap().set_italic().set_indent(2),
            cell_centre: border.clone().set_align(FormatAlign::Center),
            reference_text: border.clone().set_align(FormatAlign::Right).set_font_color(Color::RGB(0x404040)),
            input_text: border.clone().set_unlocked().set_background_color(Color::RGB(INPUT_FILL)).set_text_wrap(),
            input_date: border.clone().set_unlocked().set_background_color(Color::RGB(INPUT_FILL)).set_num_format("dd/mm/yyyy"),
            wrap: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            note: base.set_italic().set_font_size(11).set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// `#,##0.0`: a Vietnamese-locale Excel shows it as `1.234,5` (the file
/// stores the format, the reader's locale picks the separators).
pub(crate) fn number_format(scale: u8) -> String {
    if scale == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(usize::from(scale))) }
}

fn as_f64(n: i64, scale: u8) -> f64 {
    // Exact enough to read back to the same scaled integer (`cells::number_of`
    // reads Excel's 15 significant digits).
    n as f64 / 10f64.powi(i32::from(scale))
}

/// At most `n` characters (Excel caps validation titles and messages).
fn cap(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// What the input message and the error say about a cell's values.
fn rule_text(spec: &IndicatorSpec) -> (String, String) {
    let scale = spec.effective_scale();
    let show = |b: i64| format_scaled(b, scale);
    let bounds = match (spec.min, spec.max) {
        (Some(lo), Some(hi)) => format!(" từ {} đến {}", show(lo), show(hi)),
        (Some(lo), None) => format!(" không nhỏ hơn {}", show(lo)),
        (None, Some(hi)) => format!(" không lớn hơn {}", show(hi)),
        (None, None) => String::new(),
    };
    match spec.value_type {
        ValueType::Integer => ("Số nguyên".into(), format!("Nhập số nguyên{bounds}, ví dụ 1.234.")),
        ValueType::Decimal => (
            format!("Số, {scale} chữ số thập phân"),
            format!("Nhập số{bounds}, tối đa {scale} chữ số thập phân, ví dụ {}.", format_scaled(12_345 * 10i64.pow(u32::from(scale)) / 10, scale)),
        ),
        ValueType::Percent => (
            "Tỷ lệ (%)".into(),
            format!(
                "Nhập tỷ lệ phần trăm{bounds}, tối đa {scale} chữ số thập phân, ví dụ {} (không cần dấu %).",
                format_scaled(455 * 10i64.pow(u32::from(scale)) / 10, scale)
            ),
        ),
        ValueType::Text => ("Văn bản".into(), "Nhập nội dung, tối đa 2.000 ký tự.".into()),
        ValueType::YesNo => ("Có/Không".into(), "Chọn \"Có\" hoặc \"Không\" trong danh sách.".into()),
        ValueType::Date => ("Ngày".into(), "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/07/2025.".into()),
    }
}

/// The data validation of an input cell: whole or decimal numbers with the
/// indicator's bounds, a list for yes/no, dates, text length.
fn validation(spec: &IndicatorSpec, cell_ref: &str, label: &str) -> Result<DataValidation, XlsxError> {
    let scale = spec.effective_scale();
    let (title, rule) = rule_text(spec);
    let to_f = |b: i64| as_f64(b, scale);
    let dv = DataValidation::new();
    let dv = match spec.value_type {
        ValueType::Integer => {
            let fits = |b: Option<i64>| b.is_none_or(|v| i32::try_from(v).is_ok());
            match (spec.min, spec.max) {
                (lo, hi) if fits(lo) && fits(hi) && (lo.is_some() || hi.is_some()) => {
                    let r = match (lo.map(|v| v as i32), hi.map(|v| v as i32)) {
                        (Some(a), Some(b)) => DataValidationRule::Between(a, b),
                        (Some(a), None) => DataValidationRule::GreaterThanOrEqualTo(a),
                        (None, Some(b)) => DataValidationRule::LessThanOrEqualTo(b),
                        (None, None) => unreachable!("one bound at least"),
                    };
                    dv.allow_whole_number(r)
                }
                // Beyond what Excel's whole-number rule holds, or unbounded:
                // a formula, relative to the cell it validates.
                (lo, hi) => {
                    let mut f = vec![format!("ISNUMBER({cell_ref})"), format!("INT({cell_ref})={cell_ref}")];
                    if let Some(a) = lo {
                        f.push(format!("{cell_ref}>={a}"));
                    }
                    if let Some(b) = hi {
                        f.push(format!("{cell_ref}<={b}"));
                    }
                    dv.allow_custom(Formula::new(format!("=AND({})", f.join(","))))
                }
            }
        }
        ValueType::Decimal | ValueType::Percent => {
            let r = match (spec.min, spec.max) {
                (Some(a), Some(b)) => DataValidationRule::Between(to_f(a), to_f(b)),
                (Some(a), None) => DataValidationRule::GreaterThanOrEqualTo(to_f(a)),
                (None, Some(b)) => DataValidationRule::LessThanOrEqualTo(to_f(b)),
                (None, None) => DataValidationRule::Between(-1e15, 1e15),
            };
            dv.allow_decimal_number(r)
        }
        ValueType::YesNo => dv.allow_list_strings(&["Có", "Không"])?,
        ValueType::Date => dv.allow_date(DataValidationRule::Between(ExcelDateTime::from_ymd(1900, 1, 1)?, ExcelDateTime::from_ymd(2199, 12, 31)?)),
        ValueType::Text => dv.allow_text_length(DataValidationRule::LessThanOrEqualTo(2000)),
    };
    dv.ignore_blank(true)
        .set_input_title(cap(&title, 32))?
        .set_input_message(cap(&rule, 255))?
        .set_error_title("Giá trị không hợp lệ")?
        .set_error_message(cap(&format!("{label}: {rule}"), 255))
        .map(|d| d.set_error_style(DataValidationErrorStyle::Stop))
}

/// What a sheet holds at download, for the hidden sheet.
pub fn snapshot(doc: &RegimeDoc, specs: &HashMap<String, IndicatorSpec>, figures: &Figures, comments: &HashMap<String, String>) -> Snapshot {
    let mut out = Snapshot::new();
    for (_, key, _, _, _) in domain::figures::cells(doc, specs) {
        let value = layout::snap_of(figures, &key);
        let comment = comments.get(&key).cloned().unwrap_or_default();
        out.insert(key, (value, comment));
    }
    out
}

/// The columns after ĐVT: the form's, then Ghi chú.
fn value_columns(doc: &RegimeDoc) -> Vec<Column> {
    let mut cols: Vec<Column> = doc.columns.clone();
    if !cols.contains(&Column::Current) {
        cols.insert(0, Column::Current);
    }
    cols
}

fn write_sheet(ws: &mut Worksheet, s: &FormSheet<'_>, f: &Formats) -> Result<(), XlsxError> {
    let columns = value_columns(s.doc);
    let first_value_col: u16 = 4;
    let comment_col = first_value_col + columns.len() as u16;
    let last_col = comment_col;
    ws.set_name(&s.name)?;
    // Widths: STT, Chỉ tiêu, Mã, ĐVT, the figures, Ghi chú.
    for (c, w) in [(0u16, 6.0), (1, 46.0), (2, 12.0), (3, 11.0)] {
        ws.set_column_width(c, w)?;
    }
    for (i, col) in columns.iter().enumerate() {
        ws.set_column_width(first_value_col + i as u16, if *col == Column::Current { 17.0 } else { 14.0 })?;
    }
    ws.set_column_width(comment_col, 28.0)?;

    // Heading, as on paper.
    let number = if s.doc.form_number.trim().is_empty() {
        format!("Biểu số: {}", s.doc.code)
    } else if domain::text::fold(&s.doc.form_number).starts_with("bieu") {
        s.doc.form_number.clone()
    } else {
        format!("Biểu số {}", s.doc.form_number)
    };
    ws.merge_range(0, 0, 0, 2, &number, &f.bold)?;
    if !s.doc.legal_basis.trim().is_empty() {
        ws.merge_range(1, 0, 2, 2, &cap(&format!("Ban hành kèm theo {}", s.doc.legal_basis.trim()), 250), &f.note)?;
    }
    let right_from = 3u16.max(last_col.saturating_sub(2));
    let right = |ws: &mut Worksheet, row: u32, text: &str| -> Result<(), XlsxError> {
        if right_from < last_col {
            ws.merge_range(row, right_from, row, last_col, text, &f.right)?;
        } else {
            ws.write_string_with_format(row, right_from, text, &f.right)?;
        }
        Ok(())
    };
    right(ws, 0, &format!("Đơn vị báo cáo: {}", s.unit_name))?;
    right(ws, 1, &format!("Đơn vị nhận báo cáo: {}", s.receiving_name))?;
    ws.merge_range(3, 0, 3, last_col, &s.doc.name.to_uppercase(), &f.title)?;
    ws.set_row_height(3, 36)?;
    ws.merge_range(4, 0, 4, last_col, &s.period.label(), &f.centre_bold)?;
    ws.merge_range(
        5,
        0,
        5,
        last_col,
        &format!(
            "(Số liệu từ ngày {} đến ngày {}; hạn gửi ngày {})",
            format_date(s.window.cutoff_start),
            format_date(s.window.cutoff_end),
            format_date(s.window.deadline)
        ),
        &f.centre_italic,
    )?;

    // The table's header and its numbering row (A, B, C, D, 1, 2, …).
    let heads: Vec<String> = [HEAD_STT, HEAD_NAME, HEAD_CODE, HEAD_UNIT]
        .iter()
        .map(|h| h.to_string())
        .chain(columns.iter().map(|c| c.label().to_string()))
        .chain(std::iter::once(HEAD_COMMENT.to_string()))
        .collect();
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, h, &f.head)?;
        let n = if c < 4 { ["A", "B", "C", "D"][c].to_string() } else { (c - 3).to_string() };
        ws.write_string_with_format(HEADER_ROW + 1, c as u16, format!("({n})"), &f.numbering)?;
    }
    ws.set_row_height(HEADER_ROW, 33)?;

    let sheet = FigureSheet { specs: s.specs, refs: s.refs, current: &s.figures.values };
    let mut number_formats: HashMap<u8, (Format, Format)> = HashMap::new();
    let mut r = FIRST_DATA_ROW;
    let mut stt = 0usize;
    for (si, section) in s.doc.sections.iter().enumerate() {
        ws.write_string_with_format(r, 0, roman(si + 1), &f.section)?;
        ws.merge_range(r, 1, r, last_col, &section.title, &f.section)?;
        r += 1;
        for row in &section.rows {
            let Some(spec) = s.specs.get(&row.indicator) else { continue };
            stt += 1;
            let scale = spec.effective_scale();
            let (input_num, reference_num) = number_formats
                .entry(scale)
                .or_insert_with(|| {
                    let base =
                        Format::new().set_font_name(FONT).set_font_size(12).set_border(FormatBorder::Thin).set_num_format(number_format(scale));
                    (base.clone().set_unlocked().set_background_color(Color::RGB(INPUT_FILL)), base.set_font_color(Color::RGB(0x404040)))
                })
                .clone();
            let cells = std::iter::once((None, spec.name.clone()))
                .chain(spec.parts.iter().map(|p| (Some(p.code.as_str()), format!("{PART_PREFIX} {}", p.name))));
            for (part, label) in cells {
                let key = cell_key(&spec.code, part);
                if part.is_none() {
                    ws.write_number_with_format(r, 0, stt as f64, &f.cell_centre)?;
                    let name = if row.required { format!("{label} (*)") } else { label.clone() };
                    ws.write_string_with_format(r, 1, &name, &f.cell)?;
                    ws.write_string_with_format(r, 2, &spec.code, &f.cell_centre)?;
                    ws.write_string_with_format(r, 3, &spec.unit, &f.cell_centre)?;
                } else {
                    ws.write_blank(r, 0, &f.cell_centre)?;
                    ws.write_string_with_format(r, 1, &label, &f.cell_part)?;
                    ws.write_string_with_format(r, 2, format!("{}[{}]", spec.code, part.unwrap_or_default()), &f.cell_centre)?;
                    ws.write_blank(r, 3, &f.cell_centre)?;
                }
                for (i, col) in columns.iter().enumerate() {
                    let c = first_value_col + i as u16;
                    if *col == Column::Current {
                        write_input(
                            ws,
                            r,
                            c,
                            spec,
                            s.figures.values.get(&key),
                            s.figures.unreadable.get(&key).map(|u| u.raw.as_str()),
                            &input_num,
                            f,
                        )?;
                        let cell_ref = super::cells::cell_name(r, u32::from(c));
                        let what = match part {
                            Some(_) => format!("{} — {label}", spec.name),
                            None => spec.name.clone(),
                        };
                        ws.add_data_validation(r, c, r, c, &validation(spec, &cell_ref, &what)?)?;
                    } else if col.is_data() {
                        match sheet.value(&key, *col) {
                            Some(Value::Num(n)) if n.abs() < EXACT_IN_F64 => {
                                ws.write_number_with_format(r, c, as_f64(n, scale), &reference_num)?;
                            }
                            Some(v) => {
                                ws.write_string_with_format(r, c, spec.format(&v), &f.reference_text)?;
                            }
                            None => {
                                ws.write_blank(r, c, &f.reference_text)?;
                            }
                        }
                    } else {
                        ws.write_string_with_format(r, c, sheet.display(&key, *col), &f.reference_text)?;
                    }
                }
                let comment = s.comments.get(&key).map(String::as_str).unwrap_or("");
                ws.write_string_with_format(r, comment_col, comment, &f.input_text)?;
                r += 1;
            }
        }
    }
    let last_table_row = r.saturating_sub(1);

    // Below the table: how to fill it in, and the signatures.
    r += 1;
    ws.merge_range(
        r,
        0,
        r + 1,
        last_col,
        "Ghi chú: chỉ nhập vào các ô màu vàng (cột \"Thực hiện kỳ này\" và \"Ghi chú\"). Số viết theo kiểu Việt Nam (1.234,5). Không sửa cột Mã: hệ thống đối chiếu từng dòng theo mã chỉ tiêu. Chỉ tiêu có dấu (*) là bắt buộc. Xem trang \"Hướng dẫn\".",
        &f.note,
    )?;
    ws.set_row_height(r, 18)?;
    r += 3;
    // The head's signature over the last columns, clear of the input column.
    let half = comment_col.saturating_sub(1).max(5);
    let span = |ws: &mut Worksheet, row: u32, first: u16, last: u16, text: &str, fmt: &Format| -> Result<(), XlsxError> {
        if first < last {
            ws.merge_range(row, first, row, last, text, fmt)?;
        } else {
            ws.write_string_with_format(row, first, text, fmt)?;
        }
        Ok(())
    };
    span(ws, r, 0, 1, "NGƯỜI LẬP BIỂU", &f.centre_bold)?;
    span(ws, r, half, last_col, "THỦ TRƯỞNG ĐƠN VỊ", &f.centre_bold)?;
    span(ws, r + 1, 0, 1, "(Ký, ghi rõ họ tên)", &f.centre_italic)?;
    span(ws, r + 1, half, last_col, "(Ký, ghi rõ họ tên, đóng dấu)", &f.centre_italic)?;
    span(ws, r - 1, half, last_col, "Sơn La, ngày …… tháng …… năm ……", &f.centre_italic)?;

    // A4, the header rows repeated on every page, one page wide.
    ws.set_paper_size(9);
    if columns.len() > 3 {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_margins(0.5, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW + 1)?;
    ws.set_print_area(0, 0, r + 1, last_col)?;
    ws.set_footer(format!("&L&\"Times New Roman\"&9{}&R&\"Times New Roman\"&9Trang &P/&N", cap(&s.doc.name, 80).replace('&', "&&")));
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    let _ = last_table_row;

    // Locked but for the yellow cells; no password, so nobody is trapped.
    let options = ProtectionOptions { format_columns: true, format_rows: true, ..ProtectionOptions::default() };
    ws.protect_with_options(&options);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_input(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    spec: &IndicatorSpec,
    value: Option<&Value>,
    unreadable: Option<&str>,
    number: &Format,
    f: &Formats,
) -> Result<(), XlsxError> {
    let scale = spec.effective_scale();
    match (value, unreadable) {
        (Some(Value::Num(n)), _) if n.abs() < EXACT_IN_F64 => {
            ws.write_number_with_format(r, c, as_f64(*n, scale), number)?;
        }
        (Some(Value::Date(d)), _) => {
            use chrono::Datelike;
            match ExcelDateTime::from_ymd(d.year().clamp(1900, 9999) as u16, d.month() as u8, d.day() as u8) {
                Ok(x) => ws.write_datetime_with_format(r, c, x, &f.input_date)?,
                Err(_) => ws.write_string_with_format(r, c, spec.format(&Value::Date(*d)), &f.input_text)?,
            };
        }
        (Some(v), _) => {
            ws.write_string_with_format(r, c, spec.format(v), &f.input_text)?;
        }
        // Text kept as the clerk typed it on the web form.
        (None, Some(raw)) => {
            ws.write_string_with_format(r, c, raw, &f.input_text)?;
        }
        (None, None) if spec.value_type.is_numeric() => {
            ws.write_blank(r, c, number)?;
        }
        (None, None) if spec.value_type == ValueType::Date => {
            ws.write_blank(r, c, &f.input_date)?;
        }
        (None, None) => {
            ws.write_blank(r, c, &f.input_text)?;
        }
    }
    Ok(())
}

fn write_guide(ws: &mut Worksheet, docs: &[&RegimeDoc], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(layout::GUIDE_SHEET)?;
    ws.set_column_width(0, 110.0)?;
    let mut r = 0u32;
    let mut line = |ws: &mut Worksheet, text: &str, fmt: &Format| -> Result<(), XlsxError> {
        ws.write_string_with_format(r, 0, text, fmt)?;
        r += 1;
        Ok(())
    };
    line(ws, "HƯỚNG DẪN NHẬP SỐ LIỆU BẰNG EXCEL", &f.bold)?;
    for t in [
        "1. Chỉ nhập vào các ô màu vàng: cột \"Thực hiện kỳ này\" và cột \"Ghi chú\". Các cột khác là số liệu tham khảo, không cần sửa.",
        "2. Số viết theo kiểu Việt Nam: dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân (1.234,5). Tỷ lệ (%) nhập số phần trăm, ví dụ 45,5.",
        "3. Không sửa, không xóa cột Mã: hệ thống đối chiếu từng dòng theo mã chỉ tiêu. Được đổi thứ tự dòng, thêm cột ghi chú riêng; dòng không có mã sẽ không được nhập.",
        "4. Ô để trống nghĩa là chưa có số liệu; xóa một số đã nhập thì số đó bị xóa khi nhập lại.",
        "5. Có thể lưu tệp dạng .xlsx, .xls hoặc .ods. Không đặt mật khẩu cho tệp. Trang tính được khóa không mật khẩu chỉ để tránh sửa nhầm (Xem lại → Bỏ bảo vệ trang tính).",
        "6. Tải tệp lên tại trang của báo cáo trên Hệ thống (nút \"Tải lên tệp Excel\"). Hệ thống kiểm tra và cho xem trước mọi thay đổi; số liệu chỉ được lưu khi bạn xác nhận.",
        "7. Nếu báo cáo đã được sửa trên Hệ thống sau khi tải biểu mẫu, chỉ các ô bạn sửa trong tệp được nhập; ô bị sửa ở cả hai nơi sẽ được liệt kê để bạn chọn lại.",
    ] {
        line(ws, t, &f.wrap)?;
    }
    for doc in docs {
        line(ws, "", &f.plain)?;
        line(ws, &doc.name.to_uppercase(), &f.bold)?;
        for (head, text) in [
            ("Căn cứ pháp lý", &doc.legal_basis),
            ("Nội dung báo cáo", &doc.content),
            ("Phương thức gửi, nhận", &doc.sending_method),
            ("Hướng dẫn lập báo cáo", &doc.guidance),
        ] {
            if !text.trim().is_empty() {
                line(ws, head, &f.italic)?;
                line(ws, text.trim(), &f.wrap)?;
            }
        }
        if !doc.outline.is_empty() {
            line(ws, "Phần thuyết minh (viết trên Hệ thống, không nhập trong tệp này)", &f.italic)?;
            for (i, o) in doc.outline.iter().enumerate() {
                let g = if o.guidance.trim().is_empty() { String::new() } else { format!(": {}", o.guidance.trim()) };
                line(ws, &format!("{}. {}{g}", i + 1, o.title), &f.wrap)?;
            }
        }
        let warnings: Vec<&str> = doc.rules.iter().map(|r| r.message.as_str()).collect();
        if !warnings.is_empty() {
            line(ws, "Các quy tắc kiểm tra số liệu", &f.italic)?;
            for w in warnings {
                line(ws, &format!("• {w}"), &f.wrap)?;
            }
        }
    }
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The workbook: a sheet per report, the guidance, the hidden sheet.
pub fn workbook(sheets: &[FormSheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let mut stamps = Vec::with_capacity(sheets.len());
    for s in sheets {
        let ws = wb.add_worksheet();
        write_sheet(ws, s, &f)?;
        stamps.push((s.stamp.clone(), snapshot(s.doc, s.specs, s.figures, s.comments)));
    }
    let mut docs: Vec<&RegimeDoc> = Vec::new();
    for s in sheets {
        if !docs.iter().any(|d| d.code == s.doc.code && d.name == s.doc.name) {
            docs.push(s.doc);
        }
    }
    write_guide(wb.add_worksheet(), &docs, &f)?;
    let info = wb.add_worksheet();
    info.set_name(layout::INFO_SHEET)?;
    for (r, c, t) in layout::info_cells(&stamps) {
        info.write_string(r, c, &t)?;
    }
    info.set_hidden(true);
    wb.save_to_buffer()
}
