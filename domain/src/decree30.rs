//! A report laid out as an administrative document of Decree 30/2020/NĐ-CP
//! (Nghị định về công tác văn thư): the issuing body top left, the Quốc hiệu
//! and Tiêu ngữ top right, "Số: …/BC-…", the place and date, the title and
//! its subject, the figures table, "Nơi nhận:" and the signature block.
//!
//! Pure: the service fills it from a loaded report, the server writes it as
//! a printable HTML page. The figures table is the report form's own (the
//! same rows, parts, Roman-numeral sections and columns as the web form and
//! the Excel download, the same Vietnamese formatting of every column).

use crate::column::Column;
use crate::entry::{References, Sheet, cell_key};
use crate::figures::Figures;
use crate::indicator::IndicatorSpec;
use crate::org::OrgKind;
use crate::regime::{RegimeDoc, roman};
use crate::report::ReportStatus;
use chrono::NaiveDate;
use std::collections::HashMap;

pub const NATIONAL_TITLE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
/// The province every unit of the system belongs to.
pub const PROVINCE_PLACE: &str = "Sơn La";
const PROVINCE_COMMITTEE: &str = "UBND TỈNH SƠN LA";

/// The issuing body and who signs, by the unit's kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    /// The body above the unit (tên cơ quan chủ quản), upper case; none when
    /// the unit's own name says it all (a commune's People's Committee) or
    /// the superior is not recorded (a branch of a ministry).
    pub superior: Option<String>,
    /// The unit's name, upper case (tên cơ quan ban hành).
    pub unit: String,
    /// Its abbreviation after "BC-" in the document number.
    pub abbreviation: String,
    /// "TM. ỦY BAN NHÂN DÂN" when the head signs for a collective body.
    pub on_behalf: Option<String>,
    /// The signer's title: "GIÁM ĐỐC", "CHỦ TỊCH", …
    pub signer: String,
    /// The place name before the date (địa danh).
    pub place: String,
}

/// The issuer of a unit's reports. Departments of the province sit under
/// the provincial People's Committee and their director signs; a commune's
/// or ward's People's Committee issues in its own name and its chairman
/// signs on its behalf, dated from the commune; the provincial office's
/// chief signs its reports. A branch of a ministry (Công an tỉnh, Thống kê
/// tỉnh) has its superior outside the province, which the catalogue does
/// not record: only its own name is printed and "THỦ TRƯỞNG CƠ QUAN" signs.
pub fn issuer(kind: OrgKind, code: &str, name: &str, short_name: &str) -> Issuer {
    let upper = name.trim().to_uppercase();
    let folded = crate::text::fold(name.trim());
    let plain_code =
        !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) && code.chars().any(|c| c.is_ascii_uppercase());
    let abbreviation = if plain_code { code.to_string() } else { initials(name) };
    match kind {
        OrgKind::Commune | OrgKind::Ward => {
            let place = if short_name.trim().is_empty() { name.trim().to_string() } else { short_name.trim().to_string() };
            Issuer {
                superior: Some("ỦY BAN NHÂN DÂN".into()),
                unit: upper,
                abbreviation: "UBND".into(),
                on_behalf: Some("TM. ỦY BAN NHÂN DÂN".into()),
                signer: "CHỦ TỊCH".into(),
                place,
            }
        }
        OrgKind::Office => Issuer {
            superior: Some(PROVINCE_COMMITTEE.into()),
            unit: upper,
            abbreviation,
            on_behalf: None,
            signer: "CHÁNH VĂN PHÒNG".into(),
            place: PROVINCE_PLACE.into(),
        },
        OrgKind::Department => {
            let signer = if folded.starts_with("so ") {
                "GIÁM ĐỐC"
            } else if folded.starts_with("thanh tra") {
                "CHÁNH THANH TRA"
            } else if folded.starts_with("ban ") {
                "TRƯỞNG BAN"
            } else {
                "THỦ TRƯỞNG CƠ QUAN"
            };
            Issuer {
                superior: Some(PROVINCE_COMMITTEE.into()),
                unit: upper,
                abbreviation,
                on_behalf: None,
                signer: signer.into(),
                place: PROVINCE_PLACE.into(),
            }
        }
        OrgKind::Province => Issuer {
            superior: None,
            unit: "ỦY BAN NHÂN DÂN TỈNH SƠN LA".into(),
            abbreviation: "UBND".into(),
            on_behalf: Some("TM. ỦY BAN NHÂN DÂN".into()),
            signer: "CHỦ TỊCH".into(),
            place: PROVINCE_PLACE.into(),
        },
        OrgKind::Branch | OrgKind::Group => {
            Issuer {
                superior: None, unit: upper, abbreviation, on_behalf: None, signer: "THỦ TRƯỞNG CƠ QUAN".into(), place: PROVINCE_PLACE.into()
            }
        }
    }
}

/// "Sở Văn hóa, Thể thao và Du lịch" → "SVHTTDL": the first letter of each
/// word, diacritics dropped, "và" left out.
fn initials(name: &str) -> String {
    let out: String = crate::text::fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "va")
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if out.is_empty() { "DV".into() } else { out }
}

/// "Sơn La, ngày 05 tháng 02 năm 2026": Decree 30 writes a day below 10
/// and the months 1 and 2 with a leading zero.
pub fn place_date(place: &str, d: NaiveDate) -> String {
    format!("{place}, {}", crate::datefmt::long_date(d))
}

/// The document's subject under "BÁO CÁO": the regime's name without its
/// leading "Báo cáo", first letter upper case.
pub fn subject(regime_name: &str) -> String {
    let name = regime_name.trim();
    let rest = if crate::text::fold(name).starts_with("bao cao ") {
        name.chars().skip("Báo cáo ".chars().count()).collect::<String>()
    } else {
        name.to_string()
    };
    let rest = rest.trim();
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a row of the printed table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// "I. Tên mục", across the table.
    Section,
    Indicator,
    /// "Trong đó: Nữ", under its indicator.
    Part,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintRow {
    pub kind: RowKind,
    /// "I", "1", or empty for a part.
    pub stt: String,
    pub label: String,
    pub unit: String,
    /// One text per column, the Vietnamese way (`1.234,5`), empty when nothing.
    pub cells: Vec<String>,
    /// Whether the figures are numbers (printed flush right).
    pub numeric: bool,
    pub comment: String,
}

/// The columns after ĐVT: the form's, "Thực hiện kỳ này" first when the
/// form leaves it out (as the Excel download does).
pub fn value_columns(doc: &RegimeDoc) -> Vec<Column> {
    let mut cols: Vec<Column> = doc.columns.clone();
    if !cols.contains(&Column::Current) {
        cols.insert(0, Column::Current);
    }
    cols
}

/// The figures table: sections, indicators and their breakdown parts in the
/// form's order, numbered as the web form numbers them (rows whose
/// indicator is missing from the catalogue are left out and not counted).
/// A cell the clerk typed that could not be read shows as typed.
pub fn rows(
    doc: &RegimeDoc,
    specs: &HashMap<String, IndicatorSpec>,
    figures: &Figures,
    refs: &References,
    comments: &HashMap<String, String>,
) -> Vec<PrintRow> {
    let columns = value_columns(doc);
    let sheet = Sheet { specs, refs, current: &figures.values };
    let mut out = Vec::new();
    let mut stt = 0usize;
    for (si, section) in doc.sections.iter().enumerate() {
        out.push(PrintRow {
            kind: RowKind::Section,
            stt: roman(si + 1),
            label: section.title.clone(),
            unit: String::new(),
            cells: vec![],
            numeric: false,
            comment: String::new(),
        });
        for row in &section.rows {
            let Some(spec) = specs.get(&row.indicator) else { continue };
            stt += 1;
            let lines =
                std::iter::once((None, spec.name.clone())).chain(spec.parts.iter().map(|p| (Some(p.code.as_str()), format!("Trong đó: {}", p.name))));
            for (part, label) in lines {
                let key = cell_key(&spec.code, part);
                let cells = columns
                    .iter()
                    .map(|c| match c {
                        Column::Current => match (figures.values.get(&key), figures.unreadable.get(&key)) {
                            (Some(v), _) => spec.format(v),
                            (None, Some(u)) => u.raw.clone(),
                            (None, None) => String::new(),
                        },
                        other => sheet.display(&key, *other),
                    })
                    .collect();
                out.push(PrintRow {
                    kind: if part.is_some() { RowKind::Part } else { RowKind::Indicator },
                    stt: if part.is_some() { String::new() } else { stt.to_string() },
                    label,
                    unit: if part.is_some() { String::new() } else { spec.unit.clone() },
                    cells,
                    numeric: spec.value_type.is_numeric(),
                    comment: comments.get(&key).cloned().unwrap_or_default(),
                });
            }
        }
    }
    out
}

/// A report ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printable {
    pub report_id: i32,
    pub issuer: Issuer,
    /// The document number when one is recorded; the system records none
    /// yet, so the number is left blank to write by hand.
    pub number: Option<String>,
    /// "Sơn La, ngày … tháng … năm …": the day it was sent, else today.
    pub place_date: String,
    pub subject: String,
    pub period_label: String,
    /// "Biểu số …" of the form.
    pub form_number: String,
    pub receiving_unit: String,
    pub status: ReportStatus,
    /// Column headings after STT, Chỉ tiêu, ĐVT.
    pub columns: Vec<String>,
    pub rows: Vec<PrintRow>,
    /// Whether any row has a comment (then a "Ghi chú" column is printed).
    pub has_comments: bool,
    /// The outline's sections with the unit's text, empty ones left out.
    pub narrative: Vec<(String, String)>,
}

impl Printable {
    /// Whether the report has not been sent yet: printed as a draft.
    pub fn is_draft(&self) -> bool {
        matches!(self.status, ReportStatus::Draft | ReportStatus::AwaitingApproval | ReportStatus::Returned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::Value;

    #[test]
    fn issuers_by_kind() {
        let syt = issuer(OrgKind::Department, "SYT", "Sở Y tế", "Sở Y tế");
        assert_eq!(syt.superior.as_deref(), Some("UBND TỈNH SƠN LA"));
        assert_eq!((syt.unit.as_str(), syt.abbreviation.as_str(), syt.signer.as_str()), ("SỞ Y TẾ", "SYT", "GIÁM ĐỐC"));
        assert_eq!(syt.place, "Sơn La");
        let th = issuer(OrgKind::Ward, "03646", "Phường Tô Hiệu", "Tô Hiệu");
        assert_eq!((th.unit.as_str(), th.abbreviation.as_str(), th.signer.as_str()), ("PHƯỜNG TÔ HIỆU", "UBND", "CHỦ TỊCH"));
        assert_eq!(th.on_behalf.as_deref(), Some("TM. ỦY BAN NHÂN DÂN"));
        assert_eq!(th.place, "Tô Hiệu");
        assert_eq!(issuer(OrgKind::Department, "TTT", "Thanh tra tỉnh", "").signer, "CHÁNH THANH TRA");
        assert_eq!(issuer(OrgKind::Office, "VPUBND", "Văn phòng UBND tỉnh", "").signer, "CHÁNH VĂN PHÒNG");
        let cat = issuer(OrgKind::Branch, "CAT", "Công an tỉnh", "");
        assert_eq!((cat.superior, cat.signer.as_str()), (None, "THỦ TRƯỞNG CƠ QUAN"));
        // A code that is not a plain abbreviation: the name's initials.
        assert_eq!(issuer(OrgKind::Department, "so-vh", "Sở Văn hóa, Thể thao và Du lịch", "").abbreviation, "SVHTTDL");
    }

    #[test]
    fn dates_as_decree_30_writes_them() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(place_date("Sơn La", d(2026, 2, 5)), "Sơn La, ngày 05 tháng 02 năm 2026");
        assert_eq!(place_date("Sơn La", d(2026, 11, 27)), "Sơn La, ngày 27 tháng 11 năm 2026");
        assert_eq!(place_date("Tô Hiệu", d(2026, 3, 9)), "Tô Hiệu, ngày 09 tháng 3 năm 2026");
    }

    #[test]
    fn subject_drops_the_leading_bao_cao() {
        assert_eq!(subject("Báo cáo kết quả hoạt động du lịch hằng tháng"), "Kết quả hoạt động du lịch hằng tháng");
        assert_eq!(subject("Tình hình thiên tai"), "Tình hình thiên tai");
        assert_eq!(subject("  "), "");
    }

    #[test]
    fn rows_follow_the_form_with_parts_and_vietnamese_numbers() {
        use crate::indicator::{BreakdownPart, ValueType};
        use crate::regime::{FormRow, FormSection};
        let mut doc = RegimeDoc::new("T", "Báo cáo thử");
        doc.columns = vec![Column::Current, Column::SamePeriodLastYear];
        doc.sections = vec![
            FormSection {
                title: "Dân số".into(),
                rows: vec![FormRow { indicator: "DS".into(), required: true }, FormRow { indicator: "MISSING".into(), required: false }],
            },
            FormSection { title: "Thu chi".into(), rows: vec![FormRow { indicator: "NS".into(), required: false }] },
        ];
        let spec = |code: &str, name: &str, vt: ValueType, scale: u8| IndicatorSpec {
            code: code.into(),
            name: name.into(),
            unit: "Người".into(),
            value_type: vt,
            scale,
            min: None,
            max: None,
            aggregation: crate::indicator::Aggregation::Sum,
            parts: vec![],
            rate_of: None,
        };
        let mut ds = spec("DS", "Dân số", ValueType::Integer, 0);
        ds.parts = vec![BreakdownPart { code: "nam".into(), name: "Nam".into() }, BreakdownPart { code: "nu".into(), name: "Nữ".into() }];
        let ns = spec("NS", "Thu ngân sách", ValueType::Decimal, 1);
        let specs: HashMap<String, IndicatorSpec> = [("DS".to_string(), ds), ("NS".to_string(), ns)].into_iter().collect();
        let mut figures = Figures::default();
        figures.values.insert("DS".into(), Value::Num(1_234_567));
        figures.values.insert(cell_key("DS", Some("nu")), Value::Num(600_000));
        figures.values.insert("NS".into(), Value::Num(12_345));
        let mut refs = References::default();
        refs.same_period_last_year.insert("NS".into(), Value::Num(10_000));
        let comments: HashMap<String, String> = [("NS".to_string(), "Ước tính".to_string())].into_iter().collect();
        let rows = rows(&doc, &specs, &figures, &refs, &comments);
        let summary: Vec<(RowKind, &str, &str, Vec<&str>)> =
            rows.iter().map(|r| (r.kind, r.stt.as_str(), r.label.as_str(), r.cells.iter().map(String::as_str).collect())).collect();
        assert_eq!(
            summary,
            vec![
                (RowKind::Section, "I", "Dân số", vec![]),
                (RowKind::Indicator, "1", "Dân số", vec!["1.234.567", ""]),
                (RowKind::Part, "", "Trong đó: Nam", vec!["", ""]),
                (RowKind::Part, "", "Trong đó: Nữ", vec!["600.000", ""]),
                (RowKind::Section, "II", "Thu chi", vec![]),
                (RowKind::Indicator, "2", "Thu ngân sách", vec!["1.234,5", "1.000,0"]),
            ]
        );
        assert_eq!(rows[1].unit, "Người");
        assert_eq!(rows[5].comment, "Ước tính");
    }
}
