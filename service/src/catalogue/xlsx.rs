//! The indicator list as an Excel workbook, out and back in. Import errors
//! name the row and the cell so the administrator can fix the sheet.

use super::indicators::{apply_fields, check_in_use_change, fields_of, lookups, resolve_refs};
use crate::excel::Book;
use crate::excel::{cell_name, cell_scaled, cell_text};
use crate::{ServiceError, audit, users::require_admin};
use calamine::Data;
use domain::Actor;
use domain::catalogue::IndicatorForm;
use domain::indicator::{Aggregation, ValueType};
use domain::numfmt::format_scaled;
use entity::indicator;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait};

/// The columns, in order. The last three came later: a file exported before
/// them still imports (they read as empty).
const REQUIRED_HEADERS: usize = 15;
const HEADERS: [(&str, f64); 18] = [
    ("Mã chỉ tiêu", 12.0),
    ("Tên chỉ tiêu", 48.0),
    ("Đơn vị tính", 12.0),
    ("Kiểu giá trị", 14.0),
    ("Số chữ số thập phân", 10.0),
    ("Giá trị nhỏ nhất", 12.0),
    ("Giá trị lớn nhất", 12.0),
    ("Cách tổng hợp", 16.0),
    ("Lĩnh vực", 24.0),
    ("Đơn vị chủ trì (mã)", 12.0),
    ("Thuộc hệ thống chỉ tiêu thống kê tỉnh", 14.0),
    ("Phân tổ (mã)", 12.0),
    ("Phương pháp tính", 30.0),
    ("Mô tả", 30.0),
    ("Đang sử dụng", 10.0),
    ("Mã chỉ tiêu quốc gia (QĐ 05/2023)", 14.0),
    ("Tỷ lệ: mã chỉ tiêu tử số", 12.0),
    ("Tỷ lệ: mã chỉ tiêu mẫu số", 12.0),
];

fn xerr(e: rust_xlsxwriter::XlsxError) -> ServiceError {
    ServiceError::Internal(format!("xlsx: {e}"))
}

fn yes_no(b: bool) -> &'static str {
    if b { "Có" } else { "Không" }
}

pub async fn export(db: &crate::Db, actor: &Actor) -> crate::Result<Vec<u8>> {
    require_admin(actor)?;
    let l = lookups(db).await?;
    let rows = indicator::Entity::find().order_by_asc(indicator::Column::Code).all(db).await?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Chỉ tiêu").map_err(xerr)?;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_font_name("Times New Roman")
        .set_background_color(Color::RGB(0xDDE6F2))
        .set_border(FormatBorder::Thin);
    let body = Format::new().set_font_name("Times New Roman").set_border(FormatBorder::Thin);
    for (c, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head).map_err(xerr)?;
        ws.set_column_width(c as u16, *w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 1).map_err(xerr)?;
    for (i, m) in rows.iter().enumerate() {
        let f = fields_of(m, &l)?;
        let r = i as u32 + 1;
        let bound = |b: Option<i64>| b.map(|v| format_scaled(v, f.scale)).unwrap_or_default();
        let cells: [String; 18] = [
            f.code.clone(),
            f.name.clone(),
            f.unit.clone(),
            f.value_type.label().into(),
            f.scale.to_string(),
            bound(f.min),
            bound(f.max),
            f.aggregation.label().into(),
            f.sector.clone(),
            f.owner_unit.clone().unwrap_or_default(),
            yes_no(f.statistical).into(),
            f.breakdown.clone().unwrap_or_default(),
            f.method.clone(),
            f.description.clone(),
            yes_no(m.active).into(),
            f.national_code.clone(),
            f.rate_of.as_ref().map(|r| r.numerator.clone()).unwrap_or_default(),
            f.rate_of.as_ref().map(|r| r.denominator.clone()).unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, v, &body).map_err(xerr)?;
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

fn by_label_or_code<T: Copy>(all: &[T], raw: &str, code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Option<T> {
    let f = domain::text::fold(raw.trim());
    all.iter().copied().find(|v| domain::text::fold(code(*v)) == f || domain::text::fold(label(*v)) == f)
}

fn read_bool(raw: &str) -> Option<bool> {
    match domain::text::fold(raw.trim()).as_str() {
        "co" | "x" | "1" | "true" => Some(true),
        "khong" | "" | "0" | "false" => Some(false),
        _ => None,
    }
}

/// A checked row: the form, whether it is active, and the row number.
struct SheetRow {
    line: u32,
    form: IndicatorForm,
    active: bool,
}

/// Reads the first sheet into forms, or lists every problem by cell.
fn read_sheet(book: &Book) -> Result<Vec<SheetRow>, Vec<String>> {
    let sheet = book.sheets.first().ok_or_else(|| vec!["Bảng tính không có trang nào.".to_string()])?;
    let (r0, c0) = sheet.cells.keys().next().map(|(r, _)| (*r, sheet.cells.keys().map(|(_, c)| *c).min().unwrap_or(0))).unwrap_or((0, 0));
    let get = |r: u32, c: u32| sheet.get(r, c).cloned().unwrap_or(Data::Empty);
    let header_row = (r0..r0 + 5)
        .find(|r| domain::text::fold(&cell_text(&get(*r, c0))) == domain::text::fold(HEADERS[0].0))
        .ok_or_else(|| vec![format!("Không tìm thấy dòng tiêu đề có ô \"{}\" ở cột đầu tiên.", HEADERS[0].0)])?;
    let mut problems = Vec::new();
    for (i, (h, _)) in HEADERS.iter().enumerate() {
        let got = cell_text(&get(header_row, c0 + i as u32));
        if i >= REQUIRED_HEADERS && got.is_empty() {
            continue;
        }
        if domain::text::fold(&got) != domain::text::fold(h) {
            problems.push(format!("Ô {}: cần tiêu đề \"{h}\", đang là \"{got}\".", cell_name(header_row, c0 + i as u32)));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    for r in sheet.rows().into_iter().filter(|r| *r > header_row) {
        let cell = |c: usize| get(r, c0 + c as u32);
        let text = |c: usize| cell_text(&cell(c));
        if (0..HEADERS.len()).all(|c| text(c).is_empty()) {
            continue;
        }
        let at = |c: usize| format!("Dòng {}, ô {} ({})", r + 1, cell_name(r, c0 + c as u32), HEADERS[c].0);
        let vt = by_label_or_code(&ValueType::ALL, &text(3), ValueType::code, ValueType::label);
        if vt.is_none() {
            problems.push(format!("{}: không có kiểu giá trị \"{}\".", at(3), text(3)));
        }
        let agg = by_label_or_code(&Aggregation::ALL, &text(7), Aggregation::code, Aggregation::label);
        if agg.is_none() {
            problems.push(format!("{}: không có cách tổng hợp \"{}\".", at(7), text(7)));
        }
        // Bounds are read at the row's scale; one beyond what any figure can
        // hold is refused by the form check below and must not reach the reader.
        let scale: u8 = text(4).parse().ok().filter(|s| *s <= domain::numfmt::MAX_SCALE).unwrap_or(0);
        let bound = |c: usize, problems: &mut Vec<String>| match cell_scaled(&cell(c), scale) {
            Ok(v) => v.map(|v| format_scaled(v, scale)).unwrap_or_default(),
            Err(m) => {
                problems.push(format!("{}: {m}", at(c)));
                String::new()
            }
        };
        let min = bound(5, &mut problems);
        let max = bound(6, &mut problems);
        let statistical = read_bool(&text(10)).unwrap_or_else(|| {
            problems.push(format!("{}: chỉ nhận \"Có\" hoặc \"Không\".", at(10)));
            false
        });
        let active = read_bool(&text(14)).unwrap_or_else(|| {
            problems.push(format!("{}: chỉ nhận \"Có\" hoặc \"Không\".", at(14)));
            true
        }) || text(14).is_empty();
        let form = IndicatorForm {
            code: text(0),
            name: text(1),
            unit: text(2),
            value_type: vt.map(|v| v.code().to_string()).unwrap_or_default(),
            scale: text(4),
            min,
            max,
            aggregation: agg.map(|a| a.code().to_string()).unwrap_or_default(),
            sector: text(8),
            owner_unit: text(9),
            statistical,
            breakdown: text(11),
            method: text(12),
            description: text(13),
            national_code: text(15),
            rate_numerator: text(16),
            rate_denominator: text(17),
            // Publishing is decided on the indicator's page, not by a file.
            public: false,
        };
        if let Err(e) = form.check() {
            let col_of = |field: &str| match field {
                "code" => 0,
                "name" => 1,
                "unit" => 2,
                "value_type" => 3,
                "scale" => 4,
                "min" => 5,
                "max" => 6,
                "aggregation" => 7,
                "sector" => 8,
                "owner_unit" => 9,
                "breakdown" => 11,
                "national_code" => 15,
                "rate_numerator" => 16,
                "rate_denominator" => 17,
                _ => 0,
            };
            for fe in e.0 {
                let line = format!("{}: {}", at(col_of(&fe.field)), fe.message);
                if !problems.contains(&line) {
                    problems.push(line);
                }
            }
        }
        out.push(SheetRow { line: r + 1, form, active });
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// Imports the indicator sheet: new codes are added, known codes updated,
/// all in one transaction; nothing is written if any row is wrong.
pub async fn import(db: &crate::Db, actor: &Actor, bytes: &[u8]) -> crate::Result<Result<(usize, usize), Vec<String>>> {
    require_admin(actor)?;
    let book = match crate::excel::read_untrusted(bytes.to_vec(), crate::excel::Limits::default()).await {
        Ok(b) => b,
        Err(crate::excel::BookError::Busy) => return Err(crate::excel::BookError::Busy.into()),
        Err(e) => return Ok(Err(vec![e.to_string()])),
    };
    let rows = match read_sheet(&book) {
        Ok(r) => r,
        Err(p) => return Ok(Err(p)),
    };
    let mut l = lookups(db).await?;
    l.indicator_codes.extend(rows.iter().map(|r| domain::indicator::normalize_code(&r.form.code)));
    let in_use = super::indicators::codes_in_use(db).await?;
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let mut checked = Vec::new();
    for row in rows {
        let Ok(f) = row.form.check() else { continue };
        if let Some(first) = seen.insert(f.code.clone(), row.line) {
            problems.push(format!("Dòng {}: mã {} đã có ở dòng {first}.", row.line, f.code));
        }
        let mut e = domain::FieldErrors::new();
        let refs = resolve_refs(&f, &l, &mut e);
        if let Some(old) = indicator::Entity::find().filter(indicator::Column::Code.eq(&f.code)).one(db).await?
            && in_use.contains(&f.code)
        {
            check_in_use_change(&fields_of(&old, &l)?, &f, &mut e);
        }
        problems.extend(e.0.into_iter().map(|x| format!("Dòng {} ({}): {}", row.line, f.code, x.message)));
        checked.push((f, refs, row.active));
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let txn = db.begin().await?;
    let (mut created, mut updated) = (0, 0);
    for (f, (owner, bd), active) in &checked {
        match indicator::Entity::find().filter(indicator::Column::Code.eq(&f.code)).one(&txn).await? {
            Some(m) => {
                let mut am = m.into_active_model();
                apply_fields(&mut am, f, *owner, *bd);
                am.active = Set(*active);
                am.update(&txn).await?;
                updated += 1;
            }
            None => {
                super::indicators::insert(&txn, f, *owner, *bd, *active, false).await?;
                created += 1;
            }
        }
    }
    audit::record(&txn, Some(actor.user_id), "nhap_chi_tieu_xlsx", "chỉ tiêu", &format!("{created} thêm, {updated} cập nhật")).await?;
    txn.commit().await?;
    Ok(Ok((created, updated)))
}
