//! What the downloaded biểu mẫu and its reader agree on: the header texts
//! the reader looks for (never positions), and the hidden information sheet
//! that says which report each sheet fills, what it held when it was
//! downloaded, and a checksum that tells an intact sheet from an altered one.

use calamine::Data;
use domain::figures::CellKey;
use domain::indicator::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The hidden sheet (hidden, not "very hidden", so a clerk who unhides it
/// in Excel or LibreOffice is not trapped).
pub const INFO_SHEET: &str = "_baocao";
/// The regime's guidance, a visible sheet after the forms.
pub const GUIDE_SHEET: &str = "Hướng dẫn";
/// Column headers the reader finds the table by.
pub const HEAD_STT: &str = "STT";
pub const HEAD_NAME: &str = "Chỉ tiêu";
pub const HEAD_CODE: &str = "Mã";
pub const HEAD_UNIT: &str = "ĐVT";
pub const HEAD_COMMENT: &str = "Ghi chú";
/// "Trong đó: Nữ" — how a breakdown part's row is labelled.
pub const PART_PREFIX: &str = "Trong đó:";

const INFO_TITLE: &str = "Thông tin nhận dạng biểu mẫu của Hệ thống báo cáo tỉnh Sơn La. Không sửa trang này.";
const STAMP_HEAD: [&str; 9] =
    ["Trang tính", "Chế độ", "Phiên bản", "Mã đơn vị", "Kỳ", "Mã báo cáo", "Phiên bản số liệu", "Tải về lúc", "Mã kiểm tra"];
const SNAPSHOT_HEAD: [&str; 4] = ["Trang tính", "Ô", "Giá trị lúc tải về", "Ghi chú lúc tải về"];

/// Which report a sheet fills, as the download wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub sheet: String,
    pub regime_code: String,
    pub version: i32,
    pub unit_code: String,
    pub period_key: String,
    /// `None` for an empty form of a report not started yet.
    pub report_id: Option<i32>,
    pub row_version: i32,
    pub downloaded_at: String,
}

/// A cell as it was at download: its figure or the text kept as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Snap {
    Figure(Value),
    Unreadable(String),
}

/// A stored or downloaded cell: its figure, or text kept as typed.
pub fn snap_of(f: &domain::figures::Figures, key: &str) -> Option<Snap> {
    match (f.values.get(key), f.unreadable.get(key)) {
        (Some(v), _) => Some(Snap::Figure(v.clone())),
        (None, Some(u)) => Some(Snap::Unreadable(u.raw.clone())),
        _ => None,
    }
}

/// What a sheet held at download, by cell key: the figure (if any) and the comment.
pub type Snapshot = BTreeMap<String, (Option<Snap>, String)>;

/// A figure in the hidden sheet: exact and typed, never formatted.
pub fn encode_snap(s: &Snap) -> String {
    match s {
        Snap::Figure(Value::Num(n)) => format!("n{n}"),
        Snap::Figure(Value::Text(t)) => format!("t{t}"),
        Snap::Figure(Value::Bool(b)) => format!("b{}", u8::from(*b)),
        Snap::Figure(Value::Date(d)) => format!("d{}", d.format("%Y-%m-%d")),
        Snap::Unreadable(raw) => format!("u{raw}"),
    }
}

pub fn decode_snap(s: &str) -> Option<Snap> {
    let mut chars = s.chars();
    let tag = chars.next()?;
    let rest = chars.as_str();
    Some(match tag {
        'n' => Snap::Figure(Value::Num(rest.parse().ok()?)),
        't' => Snap::Figure(Value::Text(rest.to_string())),
        'b' => Snap::Figure(Value::Bool(match rest {
            "1" => true,
            "0" => false,
            _ => return None,
        })),
        'd' => Snap::Figure(Value::Date(chrono::NaiveDate::parse_from_str(rest, "%Y-%m-%d").ok()?)),
        'u' => Snap::Unreadable(rest.to_string()),
        _ => return None,
    })
}

/// The checksum of a sheet's stamp and snapshot: any change to either (a
/// clerk editing the hidden sheet, a sheet pasted from another download)
/// makes it differ, and the sheet is then only a guess to confirm.
pub fn checksum(stamp: &Stamp, snapshot: &Snapshot) -> String {
    let mut h = Sha256::new();
    let fields = [
        "baocao-bieu-mau-1".to_string(),
        stamp.sheet.clone(),
        stamp.regime_code.clone(),
        stamp.version.to_string(),
        stamp.unit_code.clone(),
        stamp.period_key.clone(),
        stamp.report_id.map(|i| i.to_string()).unwrap_or_default(),
        stamp.row_version.to_string(),
        stamp.downloaded_at.clone(),
    ];
    for f in fields {
        h.update(f.as_bytes());
        h.update([0u8]);
    }
    for (key, (value, comment)) in snapshot {
        h.update(key.as_bytes());
        h.update([1u8]);
        h.update(value.as_ref().map(encode_snap).unwrap_or_default().as_bytes());
        h.update([1u8]);
        h.update(comment.as_bytes());
        h.update([2u8]);
    }
    hex::encode(&h.finalize()[..10])
}

/// The hidden sheet's rows, as cells to write: (row, column, text).
pub fn info_cells(sheets: &[(Stamp, Snapshot)]) -> Vec<(u32, u16, String)> {
    let mut out = vec![(0, 0, INFO_TITLE.to_string())];
    for (c, h) in STAMP_HEAD.iter().enumerate() {
        out.push((1, c as u16, (*h).to_string()));
    }
    let mut r = 2u32;
    for (stamp, snapshot) in sheets {
        let fields = [
            stamp.sheet.clone(),
            stamp.regime_code.clone(),
            stamp.version.to_string(),
            stamp.unit_code.clone(),
            stamp.period_key.clone(),
            stamp.report_id.map(|i| i.to_string()).unwrap_or_default(),
            stamp.row_version.to_string(),
            stamp.downloaded_at.clone(),
            checksum(stamp, snapshot),
        ];
        for (c, f) in fields.into_iter().enumerate() {
            out.push((r, c as u16, f));
        }
        r += 1;
    }
    r += 1;
    for (c, h) in SNAPSHOT_HEAD.iter().enumerate() {
        out.push((r, c as u16, (*h).to_string()));
    }
    r += 1;
    for (stamp, snapshot) in sheets {
        for (key, (value, comment)) in snapshot {
            out.push((r, 0, stamp.sheet.clone()));
            out.push((r, 1, key.clone()));
            if let Some(v) = value {
                out.push((r, 2, encode_snap(v)));
            }
            if !comment.is_empty() {
                out.push((r, 3, comment.clone()));
            }
            r += 1;
        }
    }
    out
}

/// A stamp read back, and whether its checksum holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadStamp {
    pub stamp: Stamp,
    pub snapshot: Snapshot,
    pub intact: bool,
}

fn text(d: Option<&Data>) -> String {
    d.map(super::cells::cell_text).unwrap_or_default()
}

/// Reads the hidden sheet: a stamp per form sheet, by sheet name. Rows that
/// do not read (a clerk typed into the sheet) make their stamp altered, never
/// an error: the rows are then matched by indicator code.
pub fn read_info(sheet: &super::Sheet) -> BTreeMap<String, ReadStamp> {
    let rows = sheet.rows();
    let head = |r: u32, names: &[&str]| names.iter().enumerate().all(|(c, h)| text(sheet.get(r, c as u32)) == *h);
    let Some(stamp_head) = rows.iter().copied().find(|r| head(*r, &STAMP_HEAD)) else {
        return BTreeMap::new();
    };
    let snap_head = rows.iter().copied().find(|r| *r > stamp_head && head(*r, &SNAPSHOT_HEAD));
    let mut out = BTreeMap::new();
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    for r in rows.iter().copied().filter(|r| *r > stamp_head && snap_head.is_none_or(|s| *r < s)) {
        let f = |c: u32| text(sheet.get(r, c));
        if f(0).is_empty() {
            continue;
        }
        let stamp = Stamp {
            sheet: f(0),
            regime_code: f(1),
            version: f(2).parse().unwrap_or(-1),
            unit_code: f(3),
            period_key: f(4),
            report_id: f(5).parse().ok(),
            row_version: f(6).parse().unwrap_or(-1),
            downloaded_at: f(7),
        };
        claimed.insert(stamp.sheet.clone(), f(8));
        out.insert(stamp.sheet.clone(), ReadStamp { stamp, snapshot: Snapshot::new(), intact: false });
    }
    let mut readable = true;
    if let Some(s) = snap_head {
        for r in rows.iter().copied().filter(|r| *r > s) {
            let (name, key) = (text(sheet.get(r, 0)), text(sheet.get(r, 1)));
            let Some(entry) = out.get_mut(&name) else { continue };
            let value = text(sheet.get(r, 2));
            let decoded = if value.is_empty() { None } else { decode_snap(&value) };
            if CellKey::parse(&key).is_none() || (!value.is_empty() && decoded.is_none()) {
                readable = false;
                continue;
            }
            // Cells keep the comment as written; a cell read back from .xls or
            // .ods comes as the same text.
            let comment = sheet.get(r, 3).map(|d| match d {
                Data::String(s) => s.clone(),
                other => super::cells::cell_text(other),
            });
            entry.snapshot.insert(key, (decoded, comment.unwrap_or_default()));
        }
    }
    for (name, entry) in out.iter_mut() {
        entry.intact = readable && claimed.get(name).is_some_and(|c| *c == checksum(&entry.stamp, &entry.snapshot));
    }
    out
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`,
/// not starting or ending with an apostrophe), unique among `taken`.
pub fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    let base = if clean.is_empty() { "Biểu".to_string() } else { clean };
    let fit = |s: &str, room: usize| s.chars().take(room).collect::<String>();
    let mut name = fit(&base, 31);
    let mut n = 2;
    while taken.iter().any(|t| t.to_lowercase() == name.to_lowercase()) || name == INFO_SHEET || name == GUIDE_SHEET {
        let suffix = format!(" ({n})");
        name = format!("{}{suffix}", fit(&base, 31 - suffix.chars().count()));
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> Stamp {
        Stamp {
            sheet: "Biểu 01".into(),
            regime_code: "YTE_THANG".into(),
            version: 1,
            unit_code: "SYT".into(),
            period_key: "2025-07".into(),
            report_id: Some(12),
            row_version: 3,
            downloaded_at: "2025-07-10T08:00:00Z".into(),
        }
    }

    #[test]
    fn snapshots_round_trip_exactly() {
        for s in [
            Snap::Figure(Value::Num(-12_345)),
            Snap::Figure(Value::Text("Tốt, đạt".into())),
            Snap::Figure(Value::Bool(false)),
            Snap::Figure(Value::Date(domain::period::date(2025, 7, 1))),
            Snap::Unreadable("khoảng 6 nghìn".into()),
        ] {
            assert_eq!(decode_snap(&encode_snap(&s)), Some(s));
        }
        assert_eq!(decode_snap("x12"), None);
        assert_eq!(decode_snap("n1,5"), None);
    }

    #[test]
    fn the_hidden_sheet_reads_back_and_notices_changes() {
        let mut snapshot = Snapshot::new();
        snapshot.insert("DS01".into(), (Some(Snap::Figure(Value::Num(12_000))), "ước tính".into()));
        snapshot.insert("DS01__nu".into(), (None, String::new()));
        let cells = info_cells(&[(stamp(), snapshot.clone())]);
        let mut sheet = super::super::Sheet { name: INFO_SHEET.into(), ..Default::default() };
        for (r, c, t) in &cells {
            sheet.cells.insert((*r, u32::from(*c)), Data::String(t.clone()));
        }
        let read = read_info(&sheet);
        let got = &read["Biểu 01"];
        assert!(got.intact);
        assert_eq!(got.stamp, stamp());
        assert_eq!(got.snapshot.get("DS01"), snapshot.get("DS01"));
        // A clerk changes the stored figure in the hidden sheet.
        let at = cells.iter().find(|(_, _, t)| t == "n12000").map(|(r, c, _)| (*r, u32::from(*c))).unwrap();
        sheet.cells.insert(at, Data::String("n13000".into()));
        assert!(!read_info(&sheet)["Biểu 01"].intact);
        // A report id read back as a number (LibreOffice may store it so) still holds.
        sheet.cells.insert(at, Data::String("n12000".into()));
        sheet.cells.insert((2, 5), Data::Float(12.0));
        assert!(read_info(&sheet)["Biểu 01"].intact);
    }

    #[test]
    fn names_sheets_as_excel_allows() {
        assert_eq!(sheet_name("Biểu 01/YT", &[]), "Biểu 01-YT");
        assert_eq!(sheet_name("Biểu 01", &["biểu 01".into()]), "Biểu 01 (2)");
        let long = "Ủy ban nhân dân phường Tô Hiệu thành phố Sơn La";
        assert_eq!(sheet_name(long, &[]).chars().count(), 31);
        assert_eq!(sheet_name("_baocao", &[]), "_baocao (2)");
    }
}
