//! The board as the office files it: an A4 landscape sheet in Times New
//! Roman with the issuing body top-left and the national motto top-right
//! (Decree 30/2020), a centred title with the month, one row per unit and
//! one column per regime (the status in words, days late), each unit's and
//! each regime's counts and rates, the province's totals, a legend, and the
//! place, date and signature block.

use super::expected::Expectations;
use super::matrix::{build, words};
use super::require_province;
use crate::{Result, ServiceError};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::board::{CellStatus, Tally, format_rate};
use domain::datefmt::vn_today;
use domain::office::BoardFilter;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

fn xerr(e: rust_xlsxwriter::XlsxError) -> ServiceError {
    ServiceError::Internal(format!("xlsx: {e}"))
}

const FONT: &str = "Times New Roman";

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(11)
}

fn boxed() -> Format {
    base().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter)
}

/// The counts after a row's cells: expected, sent, on time, late, missing, accepted, rates.
const COUNT_HEADERS: [&str; 8] = ["Phải gửi", "Đã gửi", "Đúng hạn", "Muộn", "Chưa gửi", "Đã tiếp nhận", "Tỷ lệ đã gửi", "Tỷ lệ đúng hạn"];

fn write_counts(ws: &mut Worksheet, row: u32, first_col: u16, t: &Tally, f: &Format) -> Result<()> {
    let nums = [t.expected, t.sent, t.on_time, t.late, t.missing, t.accepted];
    for (i, n) in nums.iter().enumerate() {
        ws.write_number_with_format(row, first_col + i as u16, f64::from(*n), f).map_err(xerr)?;
    }
    ws.write_string_with_format(row, first_col + 6, format_rate(t.completion()), f).map_err(xerr)?;
    ws.write_string_with_format(row, first_col + 7, format_rate(t.timeliness()), f).map_err(xerr)?;
    Ok(())
}

fn fill(status: CellStatus) -> Color {
    match status {
        CellStatus::Accepted => Color::RGB(0xD9EAD3),
        CellStatus::SentOnTime => Color::RGB(0xE2F0D9),
        CellStatus::SentLate => Color::RGB(0xFFF2CC),
        CellStatus::Returned => Color::RGB(0xFCE4D6),
        CellStatus::OverdueMissing => Color::RGB(0xF4CCCC),
        _ => Color::White,
    }
}

pub async fn export(db: &crate::Db, actor: &Actor, filter: BoardFilter, now: DateTime<Utc>) -> Result<Vec<u8>> {
    require_province(actor)?;
    let ex = Expectations::load(db).await?;
    let units = crate::org::list_units(db).await?;
    let b = build(db, &ex, &units, filter, now).await?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tình hình báo cáo").map_err(xerr)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    let cols = b.columns.len() as u16;
    let last_col = 2 + cols + COUNT_HEADERS.len() as u16 - 1;
    ws.set_column_width(0, 5).map_err(xerr)?;
    ws.set_column_width(1, 30).map_err(xerr)?;
    for c in 0..cols {
        ws.set_column_width(2 + c, 16).map_err(xerr)?;
    }
    for i in 0..COUNT_HEADERS.len() as u16 {
        ws.set_column_width(2 + cols + i, 9).map_err(xerr)?;
    }
    let bold_c = base().set_bold().set_align(FormatAlign::Center);
    let centre = base().set_align(FormatAlign::Center);
    let italic_c = base().set_italic().set_align(FormatAlign::Center);
    let half = (last_col / 2).max(2);
    ws.merge_range(0, 0, 0, half - 1, "UBND TỈNH SƠN LA", &centre).map_err(xerr)?;
    ws.merge_range(1, 0, 1, half - 1, "VĂN PHÒNG", &bold_c).map_err(xerr)?;
    ws.merge_range(0, half, 0, last_col, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &bold_c).map_err(xerr)?;
    ws.merge_range(1, half, 1, last_col, "Độc lập - Tự do - Hạnh phúc", &bold_c).map_err(xerr)?;
    let today = vn_today(now);
    ws.merge_range(2, half, 2, last_col, &format!("Sơn La, {}", domain::datefmt::long_date(today)), &italic_c).map_err(xerr)?;
    let title = base().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    ws.merge_range(4, 0, 4, last_col, "TÌNH HÌNH GỬI BÁO CÁO ĐỊNH KỲ CỦA CÁC ĐƠN VỊ", &title).map_err(xerr)?;
    ws.merge_range(
        5,
        0,
        5,
        last_col,
        &format!("Các kỳ báo cáo kết thúc trong {} (số liệu đến ngày {})", b.month_label.to_lowercase(), domain::datefmt::format_date(today)),
        &italic_c,
    )
    .map_err(xerr)?;

    let head = boxed().set_bold().set_align(FormatAlign::Center).set_background_color(Color::RGB(0xDDE6F2));
    let hr = 7;
    ws.set_row_height(hr, 60).map_err(xerr)?;
    ws.write_string_with_format(hr, 0, "STT", &head).map_err(xerr)?;
    ws.write_string_with_format(hr, 1, "Đơn vị", &head).map_err(xerr)?;
    for (i, c) in b.columns.iter().enumerate() {
        let text = format!("{}\n{}\n(hạn {})", c.regime_name, c.period_label, domain::datefmt::format_date(c.deadline));
        ws.write_string_with_format(hr, 2 + i as u16, text, &head).map_err(xerr)?;
    }
    for (i, h) in COUNT_HEADERS.iter().enumerate() {
        ws.write_string_with_format(hr, 2 + cols + i as u16, *h, &head).map_err(xerr)?;
    }
    let plain = boxed();
    let num = boxed().set_align(FormatAlign::Center);
    let mut r = hr + 1;
    let mut group = String::new();
    let group_f = boxed().set_bold().set_background_color(Color::RGB(0xF2F2F2));
    for (n, row) in b.rows.iter().enumerate() {
        if row.group_name != group && b.filter.sort == domain::office::BoardSort::Unit {
            group = row.group_name.clone();
            ws.merge_range(r, 0, r, last_col, &group, &group_f).map_err(xerr)?;
            r += 1;
        }
        ws.write_number_with_format(r, 0, (n + 1) as f64, &num).map_err(xerr)?;
        ws.write_string_with_format(r, 1, &row.unit_name, &plain).map_err(xerr)?;
        for (i, c) in row.cells.iter().enumerate() {
            let col = 2 + i as u16;
            match c {
                Some(c) => {
                    let f = boxed().set_align(FormatAlign::Center).set_background_color(fill(c.cell.status));
                    ws.write_string_with_format(r, col, words(&c.cell), &f).map_err(xerr)?;
                }
                None => {
                    ws.write_string_with_format(r, col, "—", &num).map_err(xerr)?;
                }
            }
        }
        write_counts(ws, r, 2 + cols, &row.tally, &num)?;
        r += 1;
    }
    let total_f = boxed().set_bold().set_align(FormatAlign::Center);
    ws.merge_range(r, 0, r, 1, "Tổng cộng toàn tỉnh", &total_f).map_err(xerr)?;
    for (i, c) in b.columns.iter().enumerate() {
        let t = &c.tally;
        let text = format!("{}/{} đã gửi\n{} đúng hạn\n{}", t.sent, t.expected, t.on_time, format_rate(t.completion()));
        ws.write_string_with_format(r, 2 + i as u16, text, &total_f).map_err(xerr)?;
    }
    write_counts(ws, r, 2 + cols, &b.total, &total_f)?;
    r += 2;
    let note = base().set_italic();
    ws.write_string_with_format(r, 1, "Ghi chú: tỷ lệ đã gửi = số báo cáo đã gửi (kể cả đã tiếp nhận) / số báo cáo phải gửi; tỷ lệ đúng hạn = số gửi đúng hạn / số phải gửi; \"—\": đơn vị không thuộc đối tượng của chế độ báo cáo trong kỳ.", &note)
        .map_err(xerr)?;
    r += 2;
    ws.merge_range(r, half, r, last_col, "NGƯỜI LẬP BIỂU", &bold_c).map_err(xerr)?;
    ws.merge_range(r + 1, half, r + 1, last_col, "(Ký, ghi rõ họ tên)", &italic_c).map_err(xerr)?;
    ws.set_repeat_rows(hr, hr).map_err(xerr)?;
    ws.set_freeze_panes(hr + 1, 2).map_err(xerr)?;
    wb.save_to_buffer().map_err(xerr)
}
