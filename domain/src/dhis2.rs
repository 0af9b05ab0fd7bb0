//! DHIS2 interchange: baocao periods ↔ DHIS2 period identifiers
//! (monthly `202507`, quarterly `2025Q3`, six-monthly `2025S1`, yearly
//! `2025`; nine-month and one-off periods have no DHIS2 period type), and
//! DHIS2 data value sets in JSON (`{"dataValues": [...]}`) and CSV (DHIS2's
//! column order), with codes as identifiers: indicator code ↔ data element,
//! unit code ↔ org unit, breakdown part code ↔ category option combo (empty
//! or `default` = the total). Machine formats: numbers with a dot decimal.

use crate::period::Period;

/// The DHIS2 period of a baocao period.
pub fn to_dhis2(p: &Period) -> Result<String, String> {
    match *p {
        Period::Month { year, month } => Ok(format!("{year:04}{month:02}")),
        Period::Quarter { year, quarter } => Ok(format!("{year:04}Q{quarter}")),
        Period::HalfYear { year, half } => Ok(format!("{year:04}S{half}")),
        Period::Year { year } => Ok(format!("{year:04}")),
        Period::NineMonths { .. } | Period::OneOff { .. } => Err(format!("Kỳ {} không có kiểu kỳ tương ứng trong DHIS2.", p.label())),
    }
}

/// The baocao period of a DHIS2 period identifier.
pub fn from_dhis2(s: &str) -> Result<Period, String> {
    let s = s.trim();
    let bad = || format!("Kỳ DHIS2 «{}» không hợp lệ (dạng 202507, 2025Q3, 2025S1 hoặc 2025).", s.chars().take(20).collect::<String>());
    if s.len() < 4 || !s.is_char_boundary(4) {
        return Err(bad());
    }
    let (y, rest) = s.split_at(4);
    let year: i32 = y.parse().ok().filter(|y| (1900..=2999).contains(y)).ok_or_else(bad)?;
    let digits = |r: &str| r.chars().all(|c| c.is_ascii_digit()) && !r.is_empty();
    let p = match rest.as_bytes() {
        [] => Period::Year { year },
        [b'Q', ..] if digits(&rest[1..]) => {
            let quarter: u32 = rest[1..].parse().map_err(|_| bad())?;
            if !(1..=4).contains(&quarter) {
                return Err(bad());
            }
            Period::Quarter { year, quarter }
        }
        [b'S', ..] if digits(&rest[1..]) => {
            let half: u32 = rest[1..].parse().map_err(|_| bad())?;
            if !(1..=2).contains(&half) {
                return Err(bad());
            }
            Period::HalfYear { year, half }
        }
        [_, _] if digits(rest) => {
            let month: u32 = rest.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&month) {
                return Err(bad());
            }
            Period::Month { year, month }
        }
        _ => return Err(bad()),
    };
    Ok(p)
}

/// The most data values one import reads.
pub const MAX_VALUES: usize = 20_000;
/// The longest identifier (data element, period, org unit, combo) read.
pub const MAX_CODE: usize = 100;
/// The longest value or comment read (longer text is refused, not cut).
pub const MAX_TEXT: usize = 20_000;

/// A value as a data value set carries it: JSON `null`, `true`/`false`, a
/// number's literal text, or a string (DHIS2 writes every value as one; a
/// CSV value is always text). Read against the indicator by the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
}

/// One data value read from an import, with where it was (`dòng 3`,
/// `dataValues[2]`) for the import summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataValueIn {
    pub at: String,
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    /// As sent; see [`part_of_combo`].
    pub category_option_combo: String,
    pub value: Literal,
    pub comment: Option<String>,
}

/// One data value to export (the value already in its machine form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataValueOut {
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    /// The breakdown part code; empty for the total (written as nothing,
    /// which DHIS2 reads as its default combination).
    pub category_option_combo: String,
    pub value: String,
    pub comment: String,
    pub stored_by: String,
    /// RFC 3339.
    pub last_updated: String,
}

/// The breakdown part a category option combo names: `None` for the total
/// (empty or DHIS2's `default`).
pub fn part_of_combo(coc: &str) -> Option<&str> {
    let c = coc.trim();
    if c.is_empty() || c.eq_ignore_ascii_case("default") { None } else { Some(c) }
}

fn has_control(s: &str, allow_newlines: bool) -> bool {
    s.chars().any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')))
}

/// Checks one identifier field: present (unless `optional`), short, no
/// control characters.
fn ident(at: &str, field: &str, v: Option<&str>, optional: bool) -> Result<String, String> {
    let v = v.map(str::trim).unwrap_or("");
    if v.is_empty() && !optional {
        return Err(format!("{at}: thiếu {field}."));
    }
    if v.chars().count() > MAX_CODE {
        return Err(format!("{at}: {field} dài quá {MAX_CODE} ký tự."));
    }
    if has_control(v, false) {
        return Err(format!("{at}: {field} chứa ký tự điều khiển."));
    }
    Ok(v.to_string())
}

fn text_field(at: &str, field: &str, v: &str) -> Result<String, String> {
    if v.chars().count() > MAX_TEXT {
        return Err(format!("{at}: {field} dài quá {MAX_TEXT} ký tự."));
    }
    if has_control(v, true) {
        return Err(format!("{at}: {field} chứa ký tự điều khiển."));
    }
    Ok(v.to_string())
}

fn too_many() -> String {
    format!("Tệp có quá {} giá trị; hãy chia thành nhiều lần nhập.", crate::numfmt::format_int(MAX_VALUES as i64))
}

/// The set as sent, each value kept as its raw text: the count is checked
/// before any value is read (a 4 MiB body of `{},` would otherwise build a
/// million values first).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetIn<'a> {
    period: Option<String>,
    org_unit: Option<String>,
    #[serde(borrow)]
    data_values: Option<Vec<&'a serde_json::value::RawValue>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValueIn {
    data_element: Option<String>,
    period: Option<String>,
    org_unit: Option<String>,
    category_option_combo: Option<String>,
    value: Option<Box<serde_json::value::RawValue>>,
    comment: Option<String>,
    /// DHIS2 marks a value it deleted: here it clears the cell.
    deleted: Option<bool>,
}

/// Reads a DHIS2 data value set in JSON. A top-level `period` or `orgUnit`
/// applies to values without their own. Errors name the place in the text
/// (line and column) or the value (`dataValues[i]`, counted from 0).
pub fn parse_json(text: &str) -> Result<Vec<DataValueIn>, String> {
    let set: SetIn = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        format!(
            "Nội dung không đúng dạng JSON của DHIS2 ({{\"dataValues\": [{{\"dataElement\", \"period\", \"orgUnit\", \"categoryOptionCombo\", \"value\", \"comment\"}}]}}): dòng {}, cột {}.",
            e.line(),
            e.column()
        )
    })?;
    let values = set.data_values.ok_or("Thiếu danh sách dataValues.")?;
    if values.len() > MAX_VALUES {
        return Err(too_many());
    }
    let period = set.period.as_deref();
    let org_unit = set.org_unit.as_deref();
    values
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let at = format!("dataValues[{i}]");
            let v: ValueIn = serde_json::from_str(raw.get()).map_err(|e| {
                format!(
                    "{at}: không đúng dạng một giá trị DHIS2 (dataElement, period, orgUnit, categoryOptionCombo, value, comment): dòng {}, cột {} của giá trị.",
                    e.line(),
                    e.column()
                )
            })?;
            let value = match v.value.as_deref().map(|r| r.get().trim()).filter(|_| v.deleted != Some(true)) {
                None | Some("null") => Literal::Null,
                Some("true") => Literal::Bool(true),
                Some("false") => Literal::Bool(false),
                Some(s) if s.starts_with('"') => {
                    let t: String = serde_json::from_str(s).map_err(|_| format!("{at}: value không đọc được."))?;
                    Literal::Text(text_field(&at, "value", &t)?)
                }
                Some(s) if s.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => Literal::Number(s.to_string()),
                Some(_) => return Err(format!("{at}: value phải là chuỗi, số, true/false hoặc null.")),
            };
            Ok(DataValueIn {
                data_element: ident(&at, "dataElement", v.data_element.as_deref(), false)?,
                period: ident(&at, "period", v.period.as_deref().or(period), false)?,
                org_unit: ident(&at, "orgUnit", v.org_unit.as_deref().or(org_unit), false)?,
                category_option_combo: ident(&at, "categoryOptionCombo", v.category_option_combo.as_deref(), true)?,
                value,
                comment: v.comment.map(|c| text_field(&at, "comment", &c)).transpose()?,
                at,
            })
        })
        .collect()
}

/// The CSV columns, in DHIS2's order (DHIS2 writes all eleven).
pub const CSV_COLUMNS: [&str; 11] = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
];

/// Splits CSV text (RFC 4180: quoted fields, doubled quotes, line breaks
/// inside quotes) into records, each with the line it starts on.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut start = 1;
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    let finish = |record: &mut Vec<String>, field: &mut String, out: &mut Vec<(usize, Vec<String>)>, start: usize| {
        record.push(std::mem::take(field));
        let r = std::mem::take(record);
        if !(r.len() == 1 && r[0].trim().is_empty()) {
            out.push((start, r));
        }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err(format!("Dòng {line}: dấu ngoặc kép đặt sai chỗ.")),
            ',' => {
                if record.len() + 1 >= CSV_COLUMNS.len() {
                    return Err(format!("Dòng {line}: quá {} cột (thứ tự {}).", CSV_COLUMNS.len(), CSV_COLUMNS.join(",")));
                }
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                finish(&mut record, &mut field, &mut out, start);
                was_quoted = false;
                line += 1;
                start = line;
                if out.len() > MAX_VALUES + 1 {
                    return Err(too_many());
                }
            }
            _ if was_quoted && !c.is_whitespace() => return Err(format!("Dòng {line}: có ký tự sau dấu ngoặc kép đóng.")),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(format!("Dòng {start}: dấu ngoặc kép chưa đóng."));
    }
    finish(&mut record, &mut field, &mut out, start);
    Ok(out)
}

/// Reads a DHIS2 data value set in CSV, in DHIS2's column order (the header
/// row is optional; at least the first six columns, up to value). An empty
/// value clears the figure. Errors name the line.
pub fn parse_csv(text: &str) -> Result<Vec<DataValueIn>, String> {
    let mut records = csv_records(text)?;
    if records.first().is_some_and(|(_, r)| r[0].trim().trim_matches('"').eq_ignore_ascii_case("dataelement")) {
        records.remove(0);
    }
    if records.len() > MAX_VALUES {
        return Err(too_many());
    }
    records
        .into_iter()
        .map(|(line, r)| {
            let at = format!("Dòng {line}");
            if r.len() < 6 || r.len() > CSV_COLUMNS.len() {
                return Err(format!("{at}: có {} cột; cần từ 6 đến {} cột theo thứ tự {}.", r.len(), CSV_COLUMNS.len(), CSV_COLUMNS.join(",")));
            }
            let raw = text_field(&at, "value", &r[5])?;
            let deleted = r.get(10).is_some_and(|d| d.trim().eq_ignore_ascii_case("true"));
            let value = if raw.trim().is_empty() || deleted { Literal::Null } else { Literal::Text(raw) };
            let comment = r.get(8).map(|c| text_field(&at, "comment", c)).transpose()?.filter(|c| !c.is_empty());
            Ok(DataValueIn {
                data_element: ident(&at, "dataelement", Some(&r[0]), false)?,
                period: ident(&at, "period", Some(&r[1]), false)?,
                org_unit: ident(&at, "orgunit", Some(&r[2]), false)?,
                category_option_combo: ident(&at, "categoryoptioncombo", Some(&r[3]), true)?,
                value,
                comment,
                at,
            })
        })
        .collect()
}

/// Writes a data value set as DHIS2's JSON (every value a string, as DHIS2
/// writes them; the total's combination left out).
pub fn write_json(values: &[DataValueOut]) -> String {
    use serde_json::{Map, Value as J};
    let rows: Vec<J> = values
        .iter()
        .map(|v| {
            let mut m = Map::new();
            m.insert("dataElement".into(), J::String(v.data_element.clone()));
            m.insert("period".into(), J::String(v.period.clone()));
            m.insert("orgUnit".into(), J::String(v.org_unit.clone()));
            if !v.category_option_combo.is_empty() {
                m.insert("categoryOptionCombo".into(), J::String(v.category_option_combo.clone()));
            }
            m.insert("value".into(), J::String(v.value.clone()));
            if !v.stored_by.is_empty() {
                m.insert("storedBy".into(), J::String(v.stored_by.clone()));
            }
            if !v.last_updated.is_empty() {
                m.insert("lastUpdated".into(), J::String(v.last_updated.clone()));
            }
            if !v.comment.is_empty() {
                m.insert("comment".into(), J::String(v.comment.clone()));
            }
            J::Object(m)
        })
        .collect();
    serde_json::json!({ "dataValues": rows }).to_string()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes a data value set as DHIS2's CSV, header first.
pub fn write_csv(values: &[DataValueOut]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    for v in values {
        let fields = [
            v.data_element.as_str(),
            &v.period,
            &v.org_unit,
            &v.category_option_combo,
            "",
            &v.value,
            &v.stored_by,
            &v.last_updated,
            &v.comment,
            "false",
            "false",
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dhis2_period_type_maps_both_ways() {
        let cases = [
            (Period::Month { year: 2025, month: 7 }, "202507"),
            (Period::Month { year: 2025, month: 12 }, "202512"),
            (Period::Quarter { year: 2025, quarter: 3 }, "2025Q3"),
            (Period::HalfYear { year: 2025, half: 1 }, "2025S1"),
            (Period::HalfYear { year: 2025, half: 2 }, "2025S2"),
            (Period::Year { year: 2025 }, "2025"),
        ];
        for (p, d) in cases {
            assert_eq!(to_dhis2(&p).as_deref(), Ok(d));
            assert_eq!(from_dhis2(d), Ok(p));
        }
    }

    #[test]
    fn periods_without_a_dhis2_type_and_bad_identifiers_are_refused() {
        assert!(to_dhis2(&Period::NineMonths { year: 2025 }).unwrap_err().contains("không có kiểu kỳ"));
        for bad in ["", "25", "202513", "202500", "2025Q5", "2025Q0", "2025S3", "2025W1", "2025-07", "abcd", "2025Q", "20250", "2025071"] {
            assert!(from_dhis2(bad).unwrap_err().contains("không hợp lệ"), "{bad}");
        }
    }

    fn out(de: &str, coc: &str, value: &str, comment: &str) -> DataValueOut {
        DataValueOut {
            data_element: de.into(),
            period: "202507".into(),
            org_unit: "03646".into(),
            category_option_combo: coc.into(),
            value: value.into(),
            comment: comment.into(),
            stored_by: "cv.tohieu".into(),
            last_updated: "2025-08-01T02:00:00Z".into(),
        }
    }

    fn sample() -> Vec<DataValueOut> {
        vec![
            out("DS03", "", "20", ""),
            out("DS03", "nam", "11", ""),
            out("NS01", "", "123456789012345.68", "ước tính, \"tạm\"\ndòng hai"),
            out("GD01", "", "true", ""),
            out("TX01", "", "Xã, \"Tô Hiệu\"", ""),
        ]
    }

    fn back(v: &DataValueIn) -> (String, String, String, String, Literal, Option<String>) {
        (v.data_element.clone(), v.period.clone(), v.org_unit.clone(), v.category_option_combo.clone(), v.value.clone(), v.comment.clone())
    }

    #[test]
    fn json_and_csv_written_read_back_the_same() {
        let s = sample();
        let want: Vec<_> = s
            .iter()
            .map(|o| {
                let c = if o.comment.is_empty() { None } else { Some(o.comment.clone()) };
                (o.data_element.clone(), o.period.clone(), o.org_unit.clone(), o.category_option_combo.clone(), Literal::Text(o.value.clone()), c)
            })
            .collect();
        let j = parse_json(&write_json(&s)).unwrap();
        assert_eq!(j.iter().map(back).collect::<Vec<_>>(), want);
        assert_eq!(j[2].at, "dataValues[2]");
        let csv = write_csv(&s);
        assert!(csv.starts_with(
            "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n"
        ));
        let c = parse_csv(&csv).unwrap();
        assert_eq!(c.iter().map(back).collect::<Vec<_>>(), want);
        assert_eq!(
            c.iter().map(|v| v.at.as_str()).collect::<Vec<_>>(),
            vec!["Dòng 2", "Dòng 3", "Dòng 4", "Dòng 6", "Dòng 7"],
            "line of each record"
        );
        // Without its header, and with DHIS2's first six columns only.
        let bare = parse_csv("DS03,202507,03646,,,20\r\nDS03,202507,03646,nam,,\n").unwrap();
        assert_eq!(bare[0].value, Literal::Text("20".into()));
        assert_eq!(bare[1].value, Literal::Null, "an empty value clears");
        assert_eq!(bare[1].at, "Dòng 2");
    }

    #[test]
    fn json_literals_and_defaults() {
        let v = parse_json(
            r#"{"period":"2025Q3","orgUnit":"03646","dataValues":[
                {"dataElement":"A","value":1234.50},
                {"dataElement":"B","value":true,"orgUnit":"SYT"},
                {"dataElement":"C","value":null,"categoryOptionCombo":"default"},
                {"dataElement":"D"},
                {"dataElement":"E","value":1e400}]}"#,
        )
        .unwrap();
        assert_eq!(v[0].value, Literal::Number("1234.50".into()));
        assert_eq!((v[0].period.as_str(), v[0].org_unit.as_str()), ("2025Q3", "03646"));
        assert_eq!((v[1].value.clone(), v[1].org_unit.as_str()), (Literal::Bool(true), "SYT"));
        assert_eq!(v[2].value, Literal::Null);
        assert_eq!(part_of_combo(&v[2].category_option_combo), None);
        assert_eq!(part_of_combo(" nam "), Some("nam"));
        assert_eq!(v[3].value, Literal::Null);
        assert_eq!(v[4].value, Literal::Number("1e400".into()), "read later against the indicator, never as a float");
    }

    #[test]
    fn bad_json_is_refused_with_its_place() {
        let e = parse_json("{\n \"dataValues\": [\n {\"dataElement\": }]}").unwrap_err();
        assert!(e.contains("dòng 3"), "{e}");
        assert!(parse_json("{}").unwrap_err().contains("dataValues"));
        let deep = format!("{{\"dataValues\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
        assert!(parse_json(&deep).unwrap_err().contains("dòng"));
        let e = parse_json(
            r#"{"dataValues":[{"dataElement":"A","period":"202507","orgUnit":"X","value":1},{"period":"202507","orgUnit":"X","value":1}]}"#,
        )
        .unwrap_err();
        assert!(e.starts_with("dataValues[1]: thiếu dataElement"), "{e}");
        let e = parse_json(r#"{"dataValues":[{"dataElement":"A\u0000","period":"202507","orgUnit":"X"}]}"#).unwrap_err();
        assert!(e.contains("ký tự điều khiển"), "{e}");
        let e = parse_json(r#"{"dataValues":[{"dataElement":"A","period":"202507","orgUnit":"X","value":{"x":1}}]}"#).unwrap_err();
        assert!(e.contains("value phải là"), "{e}");
        let many = format!("{{\"dataValues\":[{}]}}", vec!["{}"; MAX_VALUES + 1].join(","));
        assert!(parse_json(&many).unwrap_err().contains("quá 20.000"));
    }

    #[test]
    fn bad_csv_is_refused_with_its_line() {
        let e = parse_csv("DS03,202507,03646,,,20\nDS03,202507\n").unwrap_err();
        assert!(e.starts_with("Dòng 2: có 2 cột"), "{e}");
        let e = parse_csv("DS03,202507,03646,,,20\nDS03,202507,03646,,,\"21\n").unwrap_err();
        assert!(e.contains("Dòng 2: dấu ngoặc kép chưa đóng"), "{e}");
        let e = parse_csv("DS03,202507,03646,,,2\"1\n").unwrap_err();
        assert!(e.contains("Dòng 1"), "{e}");
        let e = parse_csv("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nDS03,202507,036\u{1}46,,,1\n").unwrap_err();
        assert!(e.starts_with("Dòng 2"), "{e}");
        let e = parse_csv(",202507,03646,,,1\n").unwrap_err();
        assert!(e.contains("thiếu dataelement"), "{e}");
        let many = "A,202507,X,,,1\n".repeat(MAX_VALUES + 2);
        assert!(parse_csv(&many).unwrap_err().contains("quá 20.000"));
        assert_eq!(parse_csv("").unwrap(), vec![]);
    }

    #[test]
    fn dhis2s_own_files_and_deleted_values_read() {
        // DHIS2 writes eleven columns, the last one `deleted`.
        let csv = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\n\
                   DS01,202507,03646,,,12,admin,2025-08-01,,false,false\n\
                   DS02,202507,03646,,,7,admin,2025-08-01,,false,true\n";
        let v = parse_csv(csv).unwrap();
        assert_eq!(v.len(), 2);
        assert!(matches!(&v[0].value, Literal::Text(t) if t == "12"));
        assert!(matches!(v[1].value, Literal::Null), "a deleted value clears the cell");
        // A line of commas is refused at the twelfth column, not collected.
        let wide = format!("DS01,202507,03646{}", ",".repeat(100_000));
        assert!(parse_csv(&wide).unwrap_err().contains("quá 11 cột"));
        let json = r#"{"dataValues":[{"dataElement":"DS01","period":"202507","orgUnit":"03646","value":"5","deleted":true}]}"#;
        assert!(matches!(parse_json(json).unwrap()[0].value, Literal::Null));
        // The count is checked before any value is read.
        let many = format!("{{\"dataValues\":[{}{{}}]}}", "{},".repeat(MAX_VALUES + 5));
        assert_eq!(parse_json(&many).unwrap_err(), too_many());
        let bad = r#"{"dataValues":[{"dataElement":5}]}"#;
        assert!(parse_json(bad).unwrap_err().starts_with("dataValues[0]"));
    }
}
