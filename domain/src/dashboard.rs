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
    /// The chosen indicator's breakdown parts stacked (None: it has none).
    pub breakdown: Option<Breakdown>,
    /// Indicators that have breakdown parts (to switch to when this one has none).
    pub breakdown_indicators: Vec<Choice>,
    /// The communes (xã, phường) ranked by the chosen indicator.
    pub ranking: Vec<RankRow>,
    /// "Xếp hạng 75 xã, phường trong Tỉnh Sơn La – Tháng 7/2025: 60 đã báo cáo".
    pub ranking_title: String,
    /// The node's own place when it is a ranked commune ("Phường Tô Hiệu: hạng 26/75, 90"), else empty.
    pub ranking_current: String,
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
    /// Report figures provided as digital data, with its definition and the period's trend.
    pub figures: ShareRow,
    pub figures_meets: Option<bool>,
    pub figures_definition: String,
    pub trend_figures: Vec<ShareRow>,
    /// Regimes on the system (target 100 %), with its definition, the trend and those not yet on it.
    pub regimes: ShareRow,
    pub regimes_meets: bool,
    pub regimes_definition: String,
    pub trend_regimes: Vec<ShareRow>,
    pub regimes_missing: Vec<RegimeGap>,
}

/// A regime of the catalogue not on the system for the period, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeGap {
    pub code: String,
    pub name: String,
    pub reason: String,
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

/// One bar of a stacked breakdown chart: a unit or a period, the figure of
/// each breakdown part (in the parts' order; None: missing) and the total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackRow {
    pub label: String,
    /// Links the row to a drill-down (unit id), 0 for none.
    pub unit_id: i32,
    pub parts: Vec<FigureCell>,
    /// Each part's share of the total ("48,7 %"), empty when either is missing.
    pub shares: Vec<String>,
    pub total: FigureCell,
    /// "—" or what the bar shows beyond the stated parts ("Chưa phân tổ: 12").
    pub note: String,
    #[serde(skip)]
    pub raw_parts: Vec<Option<Dec>>,
    #[serde(skip)]
    pub raw_total: Option<Dec>,
}

/// A stacked chart's breakdown for the page: the parts' names, one row per bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// "Giới tính"… for the caption.
    pub title: String,
    pub parts: Vec<String>,
    /// "theo đơn vị trực thuộc" or "theo kỳ".
    pub by: String,
    pub rows: Vec<StackRow>,
    pub svg: String,
}

/// What a stacked bar draws for one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// The n-th breakdown part.
    Part(usize),
    /// The total's share that no stated part explains (a part missing, or
    /// parts that do not add up to the total).
    Unsplit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub start: Dec,
    pub len: Dec,
}

/// A row's stacked bar, computed exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    pub segments: Vec<Segment>,
    /// The bar's whole length: the total, or the parts' sum when there is
    /// no total or the parts exceed it.
    pub length: Dec,
    /// Parts without a figure (drawn as nothing, named as missing).
    pub missing: Vec<usize>,
    /// The stated parts add up to more than the total.
    pub exceeds_total: bool,
    /// A negative figure: a stack cannot show it (the table does).
    pub negative: bool,
}

impl Default for Stack {
    fn default() -> Stack {
        Stack { segments: vec![], length: Dec::ZERO, missing: vec![], exceeds_total: false, negative: false }
    }
}

/// Lays out a stacked bar: the stated parts in order, then, when the total
/// is larger than their sum, the rest as [`SegmentKind::Unsplit`]. So the
/// segments add up to the total; a missing part is never drawn as zero.
pub fn stack(parts: &[Option<Dec>], total: Option<Dec>) -> Stack {
    let missing: Vec<usize> = parts.iter().enumerate().filter(|(_, p)| p.is_none()).map(|(k, _)| k).collect();
    let negative = parts.iter().flatten().chain(total.iter()).any(|d| *d < Dec::ZERO);
    if negative {
        return Stack { missing, negative, ..Default::default() };
    }
    let mut segments = vec![];
    let mut at = Dec::ZERO;
    for (k, p) in parts.iter().enumerate() {
        let Some(v) = p else { continue };
        let Ok(next) = at.checked_add(*v) else { return Stack { missing, negative: true, ..Default::default() } };
        if !v.is_zero() {
            segments.push(Segment { kind: SegmentKind::Part(k), start: at, len: *v });
        }
        at = next;
    }
    let mut exceeds_total = false;
    let length = match total {
        Some(t) if t > at => {
            if let Ok(rest) = t.checked_sub(at) {
                segments.push(Segment { kind: SegmentKind::Unsplit, start: at, len: rest });
            }
            t
        }
        Some(t) => {
            exceeds_total = t < at;
            at
        }
        None => at,
    };
    Stack { segments, length, missing, exceeds_total, negative: false }
}

/// Fill colours of the parts (self-contained: the SVG keeps them when saved or printed).
const PART_FILLS: [&str; 6] = ["#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457"];

/// Horizontal stacked bars, one per row, a segment per breakdown part with
/// a legend; the total's unexplained rest hatched ("chưa phân tổ"); a row
/// without any figure says "chưa có số liệu". Figures in Vietnamese
/// notation rounded to `places`.
pub fn stacked_svg(title: &str, part_names: &[String], rows: &[StackRow], places: u32) -> String {
    // Narrower than the other charts, each name above its bar: the text
    // stays readable on a phone, where the chart is shrunk to the screen.
    const SW: f64 = 420.0;
    let row_h = 40.0;
    let stacks: Vec<Stack> = rows.iter().map(|r| stack(&r.raw_parts, r.raw_total)).collect();
    let unsplit = stacks.iter().any(|s| s.segments.iter().any(|g| g.kind == SegmentKind::Unsplit));
    let mut entries: Vec<(String, String)> =
        part_names.iter().enumerate().map(|(k, n)| (PART_FILLS[k % PART_FILLS.len()].to_string(), n.clone())).collect();
    if unsplit {
        entries.push(("url(#chua-phan-to)".into(), "Chưa phân tổ".into()));
    }
    let legend_h = 20.0 * entries.len().div_ceil(3) as f64;
    let top = legend_h + 10.0;
    let h = top + row_h * rows.len() as f64 + 4.0;
    let (left, width) = (8.0, SW - 8.0 - 96.0);
    let max = stacks.iter().map(|s| s.length.to_f64()).fold(0.0_f64, f64::max);
    let fmt = |d: Dec| crate::numfmt::format_dec(d.round(places));
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SW} {h:.0}" role="img" aria-label="{}" class="chart stacked"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    s.push_str(r##"<defs><pattern id="chua-phan-to" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="3"/></pattern></defs>"##);
    for (k, (fill, name)) in entries.iter().enumerate() {
        let (x, y) = (left + 136.0 * (k % 3) as f64, 4.0 + 20.0 * (k / 3) as f64);
        s.push_str(&format!(
            r##"<rect x="{x}" y="{y}" width="14" height="14" fill="{fill}" stroke="#555" stroke-width="0.5"/><text x="{}" y="{}" class="legend">{}</text>"##,
            x + 20.0,
            y + 12.0,
            esc(name)
        ));
    }
    for (i, (row, st)) in rows.iter().zip(&stacks).enumerate() {
        let y = top + row_h * i as f64;
        let mut name: String = row.label.chars().take(40).collect();
        if !st.missing.is_empty() && (!st.segments.is_empty() || row.raw_total.is_some()) {
            let names: Vec<&str> = st.missing.iter().filter_map(|k| part_names.get(*k).map(String::as_str)).collect();
            name.push_str(&format!(" · thiếu {}", names.join(", ")));
        }
        s.push_str(&format!(r#"<text x="{left}" y="{:.1}" class="label">{}</text>"#, y + 12.0, esc(&name)));
        let bar_y = y + 17.0;
        if st.negative {
            s.push_str(&format!(r#"<text x="{left}" y="{:.1}" class="tick missing">có số âm, xem bảng</text>"#, bar_y + 12.0));
            continue;
        }
        if st.segments.is_empty() && row.raw_total.is_none() {
            s.push_str(&format!(r#"<text x="{left}" y="{:.1}" class="tick missing">chưa có số liệu</text>"#, bar_y + 12.0));
            continue;
        }
        let px = |d: Dec| if max > 0.0 { width * d.to_f64() / max } else { 0.0 };
        for seg in &st.segments {
            let (fill, name) = match seg.kind {
                SegmentKind::Part(k) => (PART_FILLS[k % PART_FILLS.len()], part_names.get(k).cloned().unwrap_or_default()),
                SegmentKind::Unsplit => ("url(#chua-phan-to)", "Chưa phân tổ".to_string()),
            };
            s.push_str(&format!(
                r##"<rect x="{:.1}" y="{bar_y:.1}" width="{:.1}" height="16" fill="{fill}" stroke="#fff" stroke-width="0.5" data-part="{}"><title>{}</title></rect>"##,
                left + px(seg.start),
                px(seg.len),
                match seg.kind {
                    SegmentKind::Part(k) => k.to_string(),
                    SegmentKind::Unsplit => "chua_phan_to".into(),
                },
                esc(&format!("{} – {name}: {}", row.label, fmt(seg.len)))
            ));
        }
        let label = row.raw_total.map(fmt).unwrap_or_else(|| "tổng: —".into());
        s.push_str(&format!(r#"<text x="{:.1}" y="{:.1}" class="tick">{}</text>"#, left + px(st.length) + 4.0, bar_y + 12.0, esc(&label)));
    }
    s.push_str("</svg>");
    s
}

/// A place in a ranking: its rank (None: missing, listed last), the item, its figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked<T> {
    pub rank: Option<usize>,
    pub item: T,
    pub value: Option<Dec>,
}

/// Highest first, ties share a rank ("1, 2, 2, 4"), the items keep their
/// given order within a tie; missing figures last, unranked, never zero.
pub fn rank_by_value<T>(items: Vec<(T, Option<Dec>)>) -> Vec<Ranked<T>> {
    let (mut with, without): (Vec<(T, Option<Dec>)>, Vec<(T, Option<Dec>)>) = items.into_iter().partition(|(_, v)| v.is_some());
    with.sort_by_key(|a| std::cmp::Reverse(a.1));
    let mut out: Vec<Ranked<T>> = Vec::with_capacity(with.len() + without.len());
    for (k, (item, value)) in with.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.value == value => prev.rank,
            _ => Some(k + 1),
        };
        out.push(Ranked { rank, item, value });
    }
    out.extend(without.into_iter().map(|(item, _)| Ranked { rank: None, item, value: None }));
    out
}

/// A commune in the dashboard's ranking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub unit_id: i32,
    pub name: String,
    /// "1", "2", "2", "4"…; empty when not reported.
    pub rank: String,
    /// The figure, or "chưa báo cáo".
    pub value: String,
    /// The bar's length in thousandths of the highest figure (0 for none or ≤ 0).
    pub bar: u16,
    /// The node being looked at.
    pub current: bool,
}

/// The ranking of communes for the page: `rows` are (unit id, name, figure)
/// in reference order; figures in Vietnamese notation rounded to `places`.
pub fn commune_ranking(rows: Vec<(i32, String, Option<Dec>)>, places: u32, current: i32) -> Vec<RankRow> {
    let max = rows.iter().filter_map(|r| r.2).max().filter(|m| *m > Dec::ZERO);
    let ranked = rank_by_value(rows.into_iter().map(|(id, name, v)| ((id, name), v)).collect());
    ranked
        .into_iter()
        .map(|r| {
            let bar = match (r.value, max) {
                (Some(v), Some(m)) if v > Dec::ZERO => {
                    let permille =
                        v.checked_mul(Dec::from_int(1000)).ok().and_then(|x| x.checked_div(m).ok()).map(|x| x.round(0).to_f64()).unwrap_or(0.0);
                    permille.clamp(0.0, 1000.0) as u16
                }
                _ => 0,
            };
            RankRow {
                current: r.item.0 == current,
                unit_id: r.item.0,
                name: r.item.1,
                rank: r.rank.map(|k| k.to_string()).unwrap_or_default(),
                value: r.value.map(|v| crate::numfmt::format_dec(v.round(places))).unwrap_or_else(|| "chưa báo cáo".into()),
                bar,
            }
        })
        .collect()
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

    fn d(s: &str) -> Dec {
        Dec::parse_literal(s).unwrap()
    }

    fn row(label: &str, parts: &[Option<&str>], total: Option<&str>) -> StackRow {
        StackRow { label: label.into(), raw_parts: parts.iter().map(|p| p.map(d)).collect(), raw_total: total.map(d), ..Default::default() }
    }

    #[test]
    fn stacked_segments_add_up_to_the_total() {
        let st = stack(&[Some(d("600.5")), Some(d("400"))], Some(d("1000.5")));
        assert_eq!(st.segments.iter().map(|s| s.len).fold(Dec::ZERO, |a, b| a.checked_add(b).unwrap()), d("1000.5"));
        assert_eq!(st.segments[1], Segment { kind: SegmentKind::Part(1), start: d("600.5"), len: d("400") });
        assert_eq!((st.length, st.missing.len(), st.exceeds_total), (d("1000.5"), 0, false));
        // A part missing: the rest of the total is "not broken down", the missing part is not a zero-width segment.
        let st = stack(&[Some(d("6")), None], Some(d("10")));
        assert_eq!(st.missing, vec![1]);
        assert!(!st.segments.iter().any(|s| s.kind == SegmentKind::Part(1)));
        assert_eq!(st.segments[1], Segment { kind: SegmentKind::Unsplit, start: d("6"), len: d("4") });
        assert_eq!(st.segments.iter().map(|s| s.len).fold(Dec::ZERO, |a, b| a.checked_add(b).unwrap()), d("10"));
        // A real zero is a figure, not missing.
        let st = stack(&[Some(d("0")), Some(d("5"))], Some(d("5")));
        assert!(st.missing.is_empty() && st.segments.len() == 1);
        // Parts over the total, no total, a negative figure.
        assert!(stack(&[Some(d("6")), Some(d("6"))], Some(d("10"))).exceeds_total);
        assert_eq!(stack(&[Some(d("6")), Some(d("6"))], None).length, d("12"));
        assert!(stack(&[Some(d("-1")), Some(d("6"))], Some(d("5"))).negative);
        assert_eq!(stack(&[None, None], None), Stack { missing: vec![0, 1], ..Default::default() });
    }

    #[test]
    fn stacked_chart_is_self_contained_accessible_and_in_vietnamese() {
        let parts = vec!["Nam".to_string(), "Nữ".to_string()];
        let rows = vec![
            row("Xã Chiềng <Mai>", &[Some("1234.5"), Some("1000")], Some("2234.5")),
            row("Xã B", &[Some("6"), None], Some("10")),
            row("Xã C", &[None, None], None),
        ];
        let s = stacked_svg("Lao động theo giới tính", &parts, &rows, 1);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"), "{s}");
        assert!(s.contains(r#"role="img" aria-label="Lao động theo giới tính""#) && s.contains("<title>Lao động theo giới tính</title>"));
        assert!(!s.contains("<script") && !s.contains("href") && !s.contains("https:"), "nothing from the internet: {s}");
        assert!(s.contains("Xã Chiềng &lt;Mai&gt; – Nam: 1.234,5"), "{s}");
        assert!(s.contains(">2.234,5<"), "{s}");
        assert!(s.contains("Xã B – Chưa phân tổ: 4") && s.contains("Xã B · thiếu Nữ</text>") && s.contains(">10</text>"), "{s}");
        assert_eq!(s.matches(r#"data-part="1""#).count(), 1, "Xã B's missing part draws nothing: {s}");
        assert!(s.contains("chưa có số liệu"));
        // Legend: each part and the hatched rest.
        assert!(s.contains(">Nam</text>") && s.contains(">Nữ</text>") && s.contains(">Chưa phân tổ</text>"));
        // Nothing hatched, no hatch in the legend.
        let s = stacked_svg("Lao động", &parts, &rows[..1], 1);
        assert!(!s.contains(">Chưa phân tổ</text>"), "{s}");
    }

    #[test]
    fn ranking_puts_ties_together_and_missing_last() {
        let r =
            rank_by_value(vec![("A", Some(d("5"))), ("B", None), ("C", Some(d("9"))), ("D", Some(d("5"))), ("E", Some(d("1"))), ("F", Some(d("0")))]);
        let got: Vec<(Option<usize>, &str)> = r.iter().map(|x| (x.rank, x.item)).collect();
        assert_eq!(got, vec![(Some(1), "C"), (Some(2), "A"), (Some(2), "D"), (Some(4), "E"), (Some(5), "F"), (None, "B")]);
        assert!(rank_by_value::<&str>(vec![]).is_empty());
        let rows = commune_ranking(
            vec![
                (1, "Xã A".into(), Some(d("1234.56"))),
                (2, "Xã B".into(), None),
                (3, "Phường C".into(), Some(d("617.28"))),
                (4, "Xã D".into(), Some(d("0"))),
            ],
            1,
            3,
        );
        let got: Vec<(&str, &str, &str, u16, bool)> =
            rows.iter().map(|r| (r.name.as_str(), r.rank.as_str(), r.value.as_str(), r.bar, r.current)).collect();
        assert_eq!(
            got,
            vec![
                ("Xã A", "1", "1.234,6", 1000, false),
                ("Phường C", "2", "617,3", 500, true),
                ("Xã D", "3", "0", 0, false),
                ("Xã B", "", "chưa báo cáo", 0, false)
            ]
        );
    }
}
