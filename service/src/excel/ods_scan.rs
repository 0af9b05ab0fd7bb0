//! A streaming pass over an .ods `content.xml` that measures what calamine
//! would build from it before calamine reads it. calamine expands repeated
//! rows and columns (`table:number-rows-repeated`, `…-columns-repeated`) and
//! repeated spaces (`<text:s text:c="…"/>`) into memory, so a file of a few
//! kilobytes can ask for gigabytes. The pass reads the same elements with
//! the same settings and adds up cells and bytes as calamine would hold them.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// calamine's own caps on an .ods sheet.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
/// What one cell costs calamine before its text: a `Data` and a formula `String`.
const CELL_BYTES: u64 = 56;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// The largest dense grid (rows × columns) of any sheet.
    pub largest_grid: u64,
    /// Bytes of cell values and text calamine would hold, all sheets.
    pub bytes: u64,
    pub sheets: usize,
    /// Per sheet in order: cells holding a percentage (`office:value-type=
    /// "percentage"`), whose value is a hundredth of what the clerk sees.
    pub percent: Vec<std::collections::BTreeSet<(u32, u32)>>,
}

/// Percentage cells recorded at most (a form has a few hundred).
const MAX_PERCENT_CELLS: u64 = 1_000_000;

#[derive(Debug, PartialEq, Eq)]
pub enum ScanError {
    /// Not well-formed XML, or cut short.
    Corrupt(String),
    /// A single element asks for more than any real form holds.
    TooLarge(String),
}

fn attr_u64(e: &BytesStart<'_>, name: &str) -> Result<Option<u64>, ScanError> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| ScanError::Corrupt(err.to_string()))?;
        if a.key.as_ref() == name {
            let v = a.value.as_ref();
            return v.trim().parse::<u64>().map(Some).map_err(|_| ScanError::Corrupt(format!("{name}={v}")));
        }
    }
    Ok(None)
}

/// Whether a cell holds a value calamine keeps, the bytes of its attributes,
/// and whether it holds a percentage.
fn cell_attrs(e: &BytesStart<'_>) -> Result<(bool, u64, bool), ScanError> {
    let mut holds = false;
    let mut percent = false;
    let mut bytes = 0u64;
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| ScanError::Corrupt(err.to_string()))?;
        match a.key.as_ref() {
            "office:value" | "office:string-value" | "office:date-value" | "office:time-value" | "office:boolean-value" | "table:formula" => {
                holds = true;
                bytes += a.value.len() as u64;
            }
            "office:value-type" | "calcext:value-type" => {
                holds |= a.value.as_ref() == "string" || a.value.as_ref() == "error";
                percent |= a.value.as_ref() == "percentage";
            }
            _ => {}
        }
    }
    Ok((holds, bytes, percent))
}

struct Table {
    rows: u64,
    first_row: Option<u64>,
    end_row: u64,
    cols: (u64, u64),
}

impl Table {
    fn new() -> Self {
        Table { rows: 0, first_row: None, end_row: 0, cols: (u64::MAX, 0) }
    }

    fn grid(&self) -> u64 {
        match self.first_row {
            Some(first) => (self.end_row - first).saturating_mul(self.cols.1 - self.cols.0 + 1),
            None => 0,
        }
    }
}

/// Walks `content.xml`. `max_text` bounds the text of one cell.
pub fn scan<R: BufRead>(xml: R, max_text: u64) -> Result<Scan, ScanError> {
    let mut reader = Reader::from_reader(xml);
    let config = reader.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = true;
    let corrupt = |e: quick_xml::Error| ScanError::Corrupt(e.to_string());
    let mut out = Scan::default();
    let mut buf = Vec::with_capacity(1024);
    let mut table: Option<Table> = None;
    // Inside a row: its repeat count, column reached, extent and bytes.
    let mut row: Option<(u64, u64, Option<(u64, u64)>, u64)> = None;
    // Inside a cell: whether it holds a value, its repeat count, its bytes.
    let mut cell: Option<(bool, u64, u64)> = None;
    // The row a row element starts at, and whether the open cell is a percentage.
    let mut row_start = 0u64;
    let mut cell_percent = false;
    let mut percent_cells = 0u64;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(corrupt)? {
            Event::Start(e) => match e.name().as_ref() {
                "table:table" => {
                    table = Some(Table::new());
                    out.sheets += 1;
                    out.percent.push(Default::default());
                }
                "table:table-row" => {
                    if let Some(t) = &table {
                        let wanted = attr_u64(&e, "table:number-rows-repeated")?.unwrap_or(1);
                        let repeats = wanted.min(MAX_ROWS.saturating_sub(t.rows));
                        row = Some((repeats, 0, None, 0));
                        row_start = t.rows;
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some((_, col, _, _)) = &row {
                        let wanted = attr_u64(&e, "table:number-columns-repeated")?.unwrap_or(1);
                        let repeats = wanted.min(MAX_COLUMNS.saturating_sub(*col));
                        let (holds, bytes, percent) = cell_attrs(&e)?;
                        cell = Some((holds, repeats, bytes));
                        cell_percent = percent;
                    }
                }
                "text:s" => {
                    if let Some((_, _, bytes)) = &mut cell {
                        *bytes = bytes.saturating_add(attr_u64(&e, "text:c")?.unwrap_or(1));
                        if *bytes > max_text {
                            return Err(ScanError::TooLarge(format!("a cell of more than {max_text} characters")));
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some((_, _, bytes)) = &mut cell {
                    *bytes = bytes.saturating_add(t.len() as u64);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let (Some((holds, repeats, bytes)), Some((row_repeats, col, extent, row_bytes))) = (cell.take(), &mut row) {
                        let row_repeats = *row_repeats;
                        if bytes > max_text {
                            return Err(ScanError::TooLarge(format!("a cell of more than {max_text} characters")));
                        }
                        if holds && repeats > 0 && cell_percent {
                            percent_cells = percent_cells.saturating_add(repeats.saturating_mul(row_repeats));
                            if percent_cells > MAX_PERCENT_CELLS {
                                return Err(ScanError::TooLarge(format!("hơn {MAX_PERCENT_CELLS} ô dạng phần trăm")));
                            }
                            if let Some(set) = out.percent.last_mut() {
                                for r in row_start..row_start + row_repeats {
                                    for c in *col..*col + repeats {
                                        set.insert((r as u32, c as u32));
                                    }
                                }
                            }
                        }
                        if holds && repeats > 0 {
                            let last = *col + repeats - 1;
                            *extent = Some(extent.map_or((*col, last), |(a, b)| (a.min(*col), b.max(last))));
                            *row_bytes = row_bytes.saturating_add((CELL_BYTES + bytes).saturating_mul(repeats));
                        }
                        *col += repeats;
                    }
                }
                "table:table-row" => {
                    if let (Some((repeats, _, extent, row_bytes)), Some(t)) = (row.take(), &mut table) {
                        if let Some((a, b)) = extent {
                            t.first_row.get_or_insert(t.rows);
                            t.end_row = t.rows + repeats;
                            t.cols = (t.cols.0.min(a), t.cols.1.max(b));
                            out.bytes = out.bytes.saturating_add(row_bytes.saturating_mul(repeats));
                        }
                        t.rows += repeats;
                    }
                }
                "table:table" => {
                    if let Some(t) = table.take() {
                        let grid = t.grid();
                        out.largest_grid = out.largest_grid.max(grid);
                        out.bytes = out.bytes.saturating_add(grid.saturating_mul(CELL_BYTES));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rows: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"A\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
        )
    }

    #[test]
    fn measures_ordinary_sheets() {
        let xml = doc("<table:table-row><table:table-cell office:value-type=\"string\"><text:p>Mã</text:p></table:table-cell>\
             <table:table-cell office:value-type=\"float\" office:value=\"12\"/><table:table-cell table:number-columns-repeated=\"1022\"/></table:table-row>\
             <table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>");
        let s = scan(xml.as_bytes(), 32_768).unwrap();
        assert_eq!((s.largest_grid, s.sheets), (2, 1));
        assert!(s.bytes < 1_000, "{s:?}");
    }

    #[test]
    fn sees_repeats_that_would_explode() {
        let xml = doc(
            "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>",
        );
        let s = scan(xml.as_bytes(), 32_768).unwrap();
        assert_eq!(s.largest_grid, 1_000_000 * 16_384);
        let spaces = doc(
            "<table:table-row><table:table-cell office:value-type=\"string\"><text:p><text:s text:c=\"999999999999\"/></text:p></table:table-cell></table:table-row>",
        );
        assert!(matches!(scan(spaces.as_bytes(), 32_768), Err(ScanError::TooLarge(_))));
    }

    #[test]
    fn records_percentage_cells() {
        let xml = doc("<table:table-row><table:table-cell office:value-type=\"string\"><text:p>Tỷ lệ</text:p></table:table-cell>\
             <table:table-cell office:value-type=\"percentage\" office:value=\"0.455\"><text:p>45,5%</text:p></table:table-cell></table:table-row>\
             <table:table-row table:number-rows-repeated=\"2\"><table:table-cell/><table:table-cell office:value-type=\"float\" office:value=\"0.5\"/>\
             <table:table-cell table:number-columns-repeated=\"2\" office:value-type=\"percentage\" office:value=\"0.1\"/></table:table-row>");
        let s = scan(xml.as_bytes(), 32_768).unwrap();
        let want: std::collections::BTreeSet<(u32, u32)> = [(0, 1), (1, 2), (1, 3), (2, 2), (2, 3)].into_iter().collect();
        assert_eq!(s.percent, vec![want]);
    }

    #[test]
    fn refuses_broken_xml() {
        assert!(matches!(scan(&b"<table:table><table:table-row"[..], 10), Err(ScanError::Corrupt(_))));
        assert!(matches!(
            scan(doc("<table:table-row table:number-rows-repeated=\"x\"></table:table-row>").as_bytes(), 10),
            Err(ScanError::Corrupt(_))
        ));
    }
}
