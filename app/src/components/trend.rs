//! A small line chart drawn on the server (SVG, no script): completion and
//! on-time rates over periods, with the numbers in a table beside it so
//! nothing depends on reading the lines.

use domain::board::format_rate;
use domain::office::TrendSeries;
use leptos::prelude::*;

const W: f64 = 320.0;
const H: f64 = 140.0;
const PAD_L: f64 = 34.0;
const PAD_B: f64 = 22.0;

/// Points of a polyline for rates (tenths of a percent) at the series' positions.
fn line(rates: &[Option<u32>]) -> String {
    let n = rates.len().max(2) as f64 - 1.0;
    rates
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let r = (*r)?;
            let x = PAD_L + (W - PAD_L - 8.0) * i as f64 / n;
            let y = 8.0 + (H - PAD_B - 8.0) * (1.0 - f64::from(r) / 1000.0);
            Some(format!("{x:.1},{y:.1}"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn TrendChart(series: TrendSeries) -> impl IntoView {
    let completion: Vec<Option<u32>> = series.points.iter().map(|p| p.tally.completion().map(|r| r.0)).collect();
    let timeliness: Vec<Option<u32>> = series.points.iter().map(|p| p.tally.timeliness().map(|r| r.0)).collect();
    let first = series.points.first().map(|p| p.label.clone()).unwrap_or_default();
    let last = series.points.last().map(|p| p.label.clone()).unwrap_or_default();
    let y = |pct: f64| 8.0 + (H - PAD_B - 8.0) * (1.0 - pct);
    let summary = format!("{}: tỷ lệ đã gửi và đúng hạn từ {first} đến {last}", series.label);
    view! {
        <figure class="trend">
            <figcaption>{series.label.clone()}</figcaption>
            <div class="trend-body">
                <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary width="320" height="140">
                    {[0.0, 0.5, 1.0].into_iter().map(|p| view! {
                        <line x1=PAD_L.to_string() x2=(W - 8.0).to_string() y1=y(p).to_string() y2=y(p).to_string() class="grid"/>
                        <text x="2" y=(y(p) + 4.0).to_string() class="axis">{format!("{}%", (p * 100.0) as u32)}</text>
                    }).collect_view()}
                    <text x=PAD_L.to_string() y=(H - 4.0).to_string() class="axis">{first}</text>
                    <text x=(W - 8.0).to_string() y=(H - 4.0).to_string() class="axis" text-anchor="end">{last}</text>
                    <polyline points=line(&completion) class="sent"/>
                    <polyline points=line(&timeliness) class="ontime"/>
                </svg>
                <table class="table compact trend-numbers">
                    <thead><tr><th>"Kỳ"</th><th class="num">"Đã gửi"</th><th class="num">"Đúng hạn"</th></tr></thead>
                    <tbody>
                        {series.points.into_iter().rev().map(|p| view! {
                            <tr>
                                <td>{p.label}</td>
                                <td class="num">{format!("{} ({}/{})", format_rate(p.tally.completion()), p.tally.sent, p.tally.expected)}</td>
                                <td class="num">{format_rate(p.tally.timeliness())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}
