//! What the leaders' pages show (tổng hợp): tiles, a node's figures by
//! child unit, trends, the pivot and the digital-data share, as plain data
//! for the browser, and the charts drawn as SVG text on the server (no
//! script, nothing from the internet; a table beside each).

use crate::dec::Dec;
use crate::numfmt::format_dec;
use crate::text::escape_html as esc;
use serde::{Deserialize, Serialize};

/// How figures are rounded on these pages.
pub const ROUNDING_NOTE: &str = "Số liệu tính chính xác (không làm tròn trung gian); hiển thị làm tròn theo số chữ số thập phân của chỉ tiêu, trung bình và tỷ lệ đến 2 chữ số, nửa đơn vị làm tròn ra xa số 0.";

/// A figure for display: the value (or "—" when missing) and who reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureCell {
    /// Vietnamese notation, "—" when missing.
    pub text: String,
    /// Plain notation with a dot (files), empty when missing.
    pub plain: String,
    pub reported: usize,
    pub expected: usize,
    pub accepted: usize,
    pub double_reported: usize,
}

impl FigureCell {
    pub fn new(value: Option<Dec>, places: u32, reported: usize, expected: usize, accepted: usize, double_reported: usize) -> FigureCell {
        let v = value.map(|v| v.round(places));
        FigureCell {
            text: v.map(format_dec).unwrap_or_else(|| "—".into()),
            plain: v.map(|v| v.to_string()).unwrap_or_default(),
            reported,
            expected,
            accepted,
            double_reported,
        }
    }

    pub fn counts(&self) -> String {
        format!("{}/{} đơn vị", self.reported, self.expected)
    }
}

/// Change between two figures in percent, one decimal ("+5,2 %").
pub fn change_text(now: Option<Dec>, before: Option<Dec>) -> Option<String> {
    let (n, b) = (now?, before?);
    if b.is_zero() {
        return None;
    }
    let pct = n.checked_sub(b).ok()?.checked_mul(Dec::from_int(100)).ok()?.checked_div(b.abs()).ok()?.round(1);
    let sign = if pct > Dec::ZERO { "+" } else { "" };
    Some(format!("{sign}{} %", format_dec(pct)))
}

/// `part` ÷ `whole` in percent, one decimal ("62,5 %").
pub fn share_text(part: Option<Dec>, whole: Option<Dec>) -> Option<String> {
    let (p, w) = (part?, whole?);
    if w.is_zero() {
        return None;
    }
    Some(format!("{} %", format_dec(p.checked_mul(Dec::from_int(100)).ok()?.checked_div(w).ok()?.round(1))))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A labelled point of a series (None: missing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub label: String,
    pub value: FigureCell,
    #[serde(skip)]
    pub raw: Option<Dec>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tile {
    pub indicator_id: i32,
    pub code: String,
    pub name: String,
    pub uom: String,
    pub value: FigureCell,
    pub last_year: FigureCell,
    pub change: Option<String>,
    /// "Kế hoạch năm 12.000 · đã đạt 45,2 %"
    pub plan: Option<String>,
    /// A value that departs from the node's own history (robust z-score).
    pub anomaly: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRow {
    pub unit_id: i32,
    pub name: String,
    pub is_group: bool,
    pub cell: FigureCell,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLink {
    pub report_id: i32,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub node_id: i32,
    pub node_name: String,
    /// From the actor's top node down to this one.
    pub breadcrumb: Vec<(i32, String)>,
    pub period_key: String,
    pub period_label: String,
    pub counted: String,
    pub periods: Vec<Choice>,
    pub indicators: Vec<Choice>,
    pub tiles: Vec<Tile>,
    pub indicator_id: i32,
    pub indicator_label: String,
    pub node_cell: FigureCell,
    pub children: Vec<NodeRow>,
    pub trend: Vec<Point>,
    pub trend_last_year: Vec<Point>,
    pub trend_svg: String,
    pub bars_svg: String,
    pub reports: Vec<ReportLink>,
    pub rounding: String,
    /// The key indicators' codes, for the administrator's picker (None for others).
    pub key_codes: Option<String>,
    /// The chosen indicator projected to the year's end, or why it is not.
    pub projection: Option<ProjectionView>,
    pub projection_note: String,
}

/// A projection as the page shows it (see [`crate::forecast`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectionView {
    /// "Dự báo cả năm 2026"
    pub title: String,
    pub value: String,
    pub low: String,
    pub high: String,
    pub method: String,
    /// One per period of the trend: the projected figure with its range,
    /// empty for the periods already observed.
    pub periods: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PivotRow {
    pub indicator: String,
    pub unit: String,
    pub cells: Vec<FigureCell>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pivot {
    pub year: i32,
    pub frequency: String,
    pub counted: String,
    pub node_id: i32,
    pub headers: Vec<String>,
    pub rows: Vec<PivotRow>,
    pub indicators: Vec<Choice>,
    pub chosen: Vec<i32>,
    pub rounding: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRow {
    pub label: String,
    pub provided: usize,
    pub total: usize,
    pub percent: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingRow {
    pub code: String,
    pub name: String,
    pub owner: String,
    /// Units that owe it; empty: no regime on baocao asks for it.
    pub owing: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigitalPage {
    pub period_key: String,
    pub period_label: String,
    pub counted: String,
    pub periods: Vec<Choice>,
    pub definition: String,
    pub province: ShareRow,
    pub target: Option<String>,
    pub target_note: String,
    pub meets: Option<bool>,
    pub by_sector: Vec<ShareRow>,
    pub by_owner: Vec<ShareRow>,
    pub trend: Vec<ShareRow>,
    pub trend_svg: String,
    pub missing: Vec<MissingRow>,
    pub can_set_target: bool,
}

const W: f64 = 560.0;
const H: f64 = 220.0;
const L: f64 = 70.0;
const B: f64 = 40.0;

/// A line chart of one or two series over the same labels (drawing
/// positions only are floating point; the figures come from the table).
pub fn line_svg(title: &str, labels: &[String], series: &[(&str, &[Option<Dec>])]) -> String {
    let vals: Vec<f64> = series.iter().flat_map(|(_, s)| s.iter().flatten().map(|d| d.to_f64())).collect();
    let max = vals.iter().cloned().fold(0.0_f64, f64::max);
    let min = vals.iter().cloned().fold(0.0_f64, f64::min);
    let span = if max - min == 0.0 { 1.0 } else { max - min };
    let n = labels.len().max(2) as f64 - 1.0;
    let x = |i: usize| L + (W - L - 16.0) * i as f64 / n;
    let y = |v: f64| 12.0 + (H - B - 12.0) * (1.0 - (v - min) / span);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-label="{}" class="chart"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    s.push_str(&format!(r#"<line x1="{L}" y1="{}" x2="{}" y2="{}" class="axis"/>"#, H - B, W - 8.0, H - B));
    // The ticks show the figures themselves (a rate from 0 to 0,4 is not "0 … 0").
    let figures = series.iter().flat_map(|(_, s)| s.iter().flatten().copied());
    let dmax = figures.clone().max().unwrap_or(Dec::ZERO).max(Dec::ZERO);
    let dmin = figures.min().unwrap_or(Dec::ZERO).min(Dec::ZERO);
    for (v, d, anchor) in [(max, dmax, "max"), (min, dmin, "min")] {
        s.push_str(&format!(
            r#"<text x="{}" y="{:.1}" class="tick" text-anchor="end" data-tick="{anchor}">{}</text>"#,
            L - 6.0,
            y(v) + 4.0,
            esc(&crate::numfmt::format_dec(d))
        ));
    }
    for (i, l) in labels.iter().enumerate() {
        if labels.len() <= 12 || i % 2 == 0 {
            s.push_str(&format!(r#"<text x="{:.1}" y="{}" class="tick" text-anchor="middle">{}</text>"#, x(i), H - B + 16.0, esc(l)));
        }
    }
    for (k, (name, pts)) in series.iter().enumerate() {
        let mut segs: Vec<Vec<String>> = vec![vec![]];
        for (i, p) in pts.iter().enumerate() {
            match p {
                Some(d) => segs.last_mut().map(|v| v.push(format!("{:.1},{:.1}", x(i), y(d.to_f64())))).unwrap_or(()),
                None => segs.push(vec![]),
            }
        }
        for seg in segs.iter().filter(|s| !s.is_empty()) {
            s.push_str(&format!(r#"<polyline points="{}" class="series s{k}" fill="none"/>"#, seg.join(" ")));
            for pt in seg {
                let (px, py) = pt.split_once(',').unwrap_or(("0", "0"));
                s.push_str(&format!(r#"<circle cx="{px}" cy="{py}" r="3" class="dot s{k}"/>"#));
            }
        }
        s.push_str(&format!(r#"<text x="{}" y="{}" class="legend s{k}">{}</text>"#, L + 150.0 * k as f64, H - 6.0, esc(&format!("— {name}"))));
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, one per labelled figure (missing shown as "chưa có số liệu").
pub fn bars_svg(title: &str, rows: &[(String, Option<Dec>, String)]) -> String {
    let row_h = 22.0;
    let h = 16.0 + row_h * rows.len() as f64;
    let max = rows.iter().filter_map(|r| r.1.map(|d| d.to_f64().abs())).fold(0.0_f64, f64::max);
    let left = 190.0;
    let width = W - left - 90.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" role="img" aria-label="{}" class="chart bars"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    for (i, (label, v, text)) in rows.iter().enumerate() {
        let y = 8.0 + row_h * i as f64;
        let short: String = label.chars().take(28).collect();
        s.push_str(&format!(r#"<text x="{}" y="{:.1}" class="tick" text-anchor="end">{}</text>"#, left - 6.0, y + 14.0, esc(&short)));
        match v {
            Some(d) => {
                let w = if max > 0.0 { width * d.to_f64().abs() / max } else { 0.0 };
                s.push_str(&format!(r#"<rect x="{left}" y="{y:.1}" width="{w:.1}" height="{}" class="bar"/>"#, row_h - 6.0));
                s.push_str(&format!(r#"<text x="{:.1}" y="{:.1}" class="tick">{}</text>"#, left + w + 4.0, y + 14.0, esc(text)));
            }
            None => s.push_str(&format!(r#"<text x="{left}" y="{:.1}" class="tick missing">chưa có số liệu</text>"#, y + 14.0)),
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_and_cells_in_vietnamese() {
        let d = |s: &str| Dec::parse_literal(s).unwrap();
        assert_eq!(change_text(Some(d("110")), Some(d("100"))).as_deref(), Some("+10 %"));
        assert_eq!(change_text(Some(d("90")), Some(d("120"))).as_deref(), Some("-25 %"));
        assert_eq!(change_text(Some(d("1")), Some(d("0"))), None);
        assert_eq!(share_text(Some(d("45")), Some(d("72"))).as_deref(), Some("62,5 %"));
        let c = FigureCell::new(Some(d("1234.567")), 2, 2, 3, 1, 0);
        assert_eq!((c.text.as_str(), c.plain.as_str(), c.counts().as_str()), ("1.234,57", "1234.57", "2/3 đơn vị"));
        assert_eq!(FigureCell::new(None, 0, 0, 3, 0, 0).text, "—");
    }

    #[test]
    fn charts_are_self_contained_svg() {
        let s = line_svg("Xu hướng <A>", &["T1".into(), "T2".into()], &[("2025", &[Some(Dec::from_int(5)), None])]);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>") && s.contains("&lt;A&gt;") && !s.contains("http://w3") && !s.contains("<script"));
        let b = bars_svg("Theo đơn vị", &[("Xã A".into(), Some(Dec::from_int(3)), "3".into()), ("Xã B".into(), None, "—".into())]);
        assert!(b.contains("chưa có số liệu") && b.contains("<rect"));
    }

    #[test]
    fn chart_ticks_show_the_figures_themselves() {
        let d = |s: &str| Dec::parse_literal(s).unwrap();
        let s = line_svg("Tỷ lệ", &["T1".into(), "T2".into()], &[("2025", &[Some(d("0.25")), Some(d("0.4"))])]);
        assert!(s.contains(r#"data-tick="max">0,4<"#), "{s}");
        assert!(s.contains(r#"data-tick="min">0<"#), "{s}");
        let s = line_svg("Dân số", &["T1".into()], &[("2025", &[Some(d("1234567"))])]);
        assert!(s.contains(r#"data-tick="max">1.234.567<"#), "{s}");
    }
}
