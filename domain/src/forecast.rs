//! A projection of an indicator to the year's end, kept explainable for the
//! leaders' dashboard: last year's seasonal pattern scaled by this year's
//! growth so far.
//!
//! Each remaining period = the same period last year × g, where g is this
//! year's total over the periods that have a figure both years ÷ last year's
//! total over the same periods (a ratio of sums, so a small month does not
//! swing it). The band uses the lowest and highest of the per-period ratios
//! instead of g. The year's end follows the indicator's aggregation: the
//! sum of every period for flows, the last period for stocks, the mean for
//! averages. Exact decimals throughout.

use crate::dec::Dec;
use crate::indicator::Aggregation;
use serde::{Deserialize, Serialize};

/// A projected figure and its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub value: Dec,
    pub low: Dec,
    pub high: Dec,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Projection {
    /// One per period of the year: `None` up to the current period (those
    /// are observed) and a band after it.
    pub periods: Vec<Option<Band>>,
    pub year_end: Band,
    /// Periods with a figure both years that the growth is measured on.
    pub pairs: usize,
    pub growth: Dec,
    pub lowest_ratio: Dec,
    pub highest_ratio: Dec,
}

/// Fewest periods with a figure both years for a projection.
pub const MIN_PAIRS: usize = 2;

fn band(base: Dec, g: Dec, lo: Dec, hi: Dec) -> Option<Band> {
    let (a, b) = (base.checked_mul(lo).ok()?, base.checked_mul(hi).ok()?);
    Some(Band { value: base.checked_mul(g).ok()?, low: a.min(b), high: a.max(b) })
}

fn add(x: Band, y: Band) -> Option<Band> {
    Some(Band { value: x.value.checked_add(y.value).ok()?, low: x.low.checked_add(y.low).ok()?, high: x.high.checked_add(y.high).ok()? })
}

/// Projects the year from this year's and last year's figures, period by
/// period (`current` is the index of the last period to take as observed).
/// `Err` says in words why there is no projection.
pub fn project(this_year: &[Option<Dec>], last_year: &[Option<Dec>], current: usize, aggregation: Aggregation) -> Result<Projection, String> {
    let n = this_year.len();
    if !matches!(aggregation, Aggregation::Sum | Aggregation::Last | Aggregation::Average) {
        return Err("Chỉ dự báo các chỉ tiêu cộng dồn, số cuối kỳ hoặc trung bình.".into());
    }
    if current + 1 >= n || last_year.len() != n {
        return Err("Đã hết năm: không còn kỳ nào để dự báo.".into());
    }
    let overflow = || "Số liệu quá lớn để dự báo.".to_string();
    let mut sums = (Dec::ZERO, Dec::ZERO);
    let mut ratios = vec![];
    for p in 0..=current {
        if let (Some(a), Some(b)) = (this_year[p], last_year[p])
            && !b.is_zero()
        {
            sums = (sums.0.checked_add(a).map_err(|_| overflow())?, sums.1.checked_add(b).map_err(|_| overflow())?);
            ratios.push(a.checked_div(b).map_err(|_| overflow())?);
        }
    }
    if ratios.len() < MIN_PAIRS {
        return Err(format!("Chưa đủ số liệu: cần ít nhất {MIN_PAIRS} kỳ có số cả năm nay và năm trước."));
    }
    let growth = sums.0.checked_div(sums.1).map_err(|_| "Tổng các kỳ năm trước bằng 0: không tính được hệ số tăng trưởng.".to_string())?;
    let (lo, hi) = (ratios.iter().copied().min().unwrap_or(growth), ratios.iter().copied().max().unwrap_or(growth));
    let mut periods = vec![None; n];
    for q in current + 1..n {
        let base = last_year[q].ok_or_else(|| format!("Năm trước thiếu số kỳ thứ {}: không dự báo được các kỳ còn lại.", q + 1))?;
        periods[q] = Some(band(base, growth, lo, hi).ok_or_else(overflow)?);
    }
    let observed: Vec<Dec> = this_year[..=current]
        .iter()
        .copied()
        .collect::<Option<_>>()
        .ok_or_else(|| "Năm nay còn kỳ chưa có số trước kỳ đang xem: không cộng được cả năm.".to_string())?;
    let projected: Vec<Band> = periods.iter().flatten().copied().collect();
    let year_end = match aggregation {
        Aggregation::Last => projected.last().copied().ok_or_else(overflow)?,
        _ => {
            let seen = observed.iter().try_fold(Dec::ZERO, |s, v| s.checked_add(*v)).map_err(|_| overflow())?;
            let start = Band { value: seen, low: seen, high: seen };
            let total = projected.iter().try_fold(start, |s, b| add(s, *b)).ok_or_else(overflow)?;
            if aggregation == Aggregation::Average {
                let count = Dec::from_int(n as i64);
                let div = |d: Dec| d.checked_div(count).map_err(|_| overflow());
                Band { value: div(total.value)?, low: div(total.low)?, high: div(total.high)? }
            } else {
                total
            }
        }
    };
    Ok(Projection { periods, year_end, pairs: ratios.len(), growth, lowest_ratio: lo, highest_ratio: hi })
}

/// How the projection was made, in words, for the page.
pub fn method_text(p: &Projection) -> String {
    // Two places: three would read as a thousands group (1,047 → "1,0470").
    let f = |d: Dec| crate::numfmt::format_dec(d.round(2));
    format!(
        "Dự báo theo mùa vụ năm trước: mỗi kỳ còn lại bằng số cùng kỳ năm trước × hệ số tăng trưởng {} (tổng {} kỳ đã có số năm nay ÷ tổng cùng các kỳ năm trước); khoảng dao động dùng hệ số thấp nhất và cao nhất của từng kỳ ({} – {}). Đây là ước tính, không phải số báo cáo.",
        f(p.growth),
        p.pairs,
        f(p.lowest_ratio),
        f(p.highest_ratio)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: i64) -> Option<Dec> {
        Some(Dec::from_int(v))
    }

    fn dec(s: &str) -> Dec {
        Dec::parse_literal(s).unwrap()
    }

    #[test]
    fn a_flow_follows_last_years_seasons_scaled_by_this_years_growth() {
        // Quarters: last year 100, 200, 300, 400; this year 110, 220 so far.
        let last = [d(100), d(200), d(300), d(400)];
        let this = [d(110), d(220), None, None];
        let p = project(&this, &last, 1, Aggregation::Sum).unwrap();
        assert_eq!(p.growth, dec("1.1"));
        assert_eq!(p.pairs, 2);
        assert_eq!(p.periods[0], None);
        assert_eq!(p.periods[2].unwrap().value, dec("330"));
        assert_eq!(p.periods[3].unwrap().value, dec("440"));
        // 110 + 220 + 330 + 440.
        assert_eq!(p.year_end.value, dec("1100"));
        assert_eq!((p.year_end.low, p.year_end.high), (dec("1100"), dec("1100")), "both ratios are 1,1: no spread");
        assert!(method_text(&p).contains("1,1"));
    }

    #[test]
    fn the_band_spans_the_lowest_and_highest_ratio() {
        let last = [d(100), d(100), d(100), d(100)];
        let this = [d(90), d(130), None, None];
        let p = project(&this, &last, 1, Aggregation::Sum).unwrap();
        assert_eq!(p.growth, dec("1.1"));
        let q = p.periods[3].unwrap();
        assert_eq!((q.low, q.value, q.high), (dec("90"), dec("110"), dec("130")));
        // Observed 220 plus two periods of 90..130.
        assert_eq!((p.year_end.low, p.year_end.value, p.year_end.high), (dec("400"), dec("440"), dec("480")));
    }

    #[test]
    fn stocks_take_the_last_period_and_averages_the_mean() {
        let last = [d(50), d(52), d(54), d(56)];
        let this = [d(60), d(62), d(64), None];
        let stock = project(&this, &last, 2, Aggregation::Last).unwrap();
        // g = 186 / 156.
        let g = dec("186").checked_div(dec("156")).unwrap();
        assert_eq!(stock.year_end.value, dec("56").checked_mul(g).unwrap());
        let mean = project(&this, &last, 2, Aggregation::Average).unwrap();
        let want = dec("186").checked_add(stock.year_end.value).unwrap().checked_div(Dec::from_int(4)).unwrap();
        assert_eq!(mean.year_end.value, want);
    }

    #[test]
    fn no_projection_without_enough_history_or_at_the_years_end() {
        let last = [d(100), d(200), d(300)];
        assert!(project(&[d(1), None, None], &last, 0, Aggregation::Sum).unwrap_err().contains("ít nhất 2 kỳ"));
        assert!(project(&[d(1), d(2), d(3)], &last, 2, Aggregation::Sum).unwrap_err().contains("hết năm"));
        assert!(project(&[d(1), d(2), None], &[d(1), d(2), None], 1, Aggregation::Sum).unwrap_err().contains("thiếu số kỳ thứ 3"));
        assert!(project(&[d(1), d(2), None], &last, 1, Aggregation::Max).is_err());
        // Last year's zeros give no ratio.
        assert!(project(&[d(1), d(2), None], &[d(0), d(0), d(5)], 1, Aggregation::Sum).unwrap_err().contains("ít nhất 2 kỳ"));
        // A gap this year before the period looked at: the year's total cannot be added up.
        let gap = project(&[d(10), None, d(30), None], &[d(10), d(20), d(30), d(40)], 2, Aggregation::Sum).unwrap_err();
        assert!(gap.contains("chưa có số"), "{gap}");
    }
}
