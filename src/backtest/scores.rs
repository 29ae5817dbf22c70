//! How a probabilistic forecast is scored against what happened, and the honest benchmark it
//! is scored beside.
//!
//! - The **interval score** (Winkler; Gneiting & Raftery 2007) of a central `1 - alpha`
//!   interval `[l, u]` for an actual `y` is `(u - l) + 2/alpha (l - y)+ + 2/alpha (y - u)+`:
//!   the width, plus a penalty for every unit the actual falls outside. Lower is better; a
//!   narrow interval that misses pays more than a wide one that covers.
//! - The **PIT** (probability integral transform) of `y` is the share of the forecast's
//!   replications below it, plus half the share equal to it. Over many forecasts, a
//!   calibrated forecaster's PITs are uniform on [0, 1]: its central `q` intervals cover the
//!   actual a share `q` of the time.
//! - The **naive-empirical** benchmark forecasts no change, with intervals from the
//!   percentiles of the changes over the same number of years seen across all councils
//!   before the origin: what anyone could forecast from the published figures alone.

use crate::dataset::{Dataset, Field, Level};
use crate::stats::{Summary, summarise};

/// The interval scored: the central 90% (p5 to p95), so `alpha` = 0.1.
pub const ALPHA: f64 = 0.1;

/// The nominal coverages of the calibration chart, in percent: central 10%, 20%, ..., 90%
/// intervals.
pub const NOMINAL_PERCENT: [u32; 9] = [10, 20, 30, 40, 50, 60, 70, 80, 90];

/// Bins of the PIT histograms.
pub const PIT_BINS: usize = 10;

/// The interval score of `[lower, upper]` as a central `1 - alpha` interval for `actual`.
pub fn interval_score(lower: f64, upper: f64, actual: f64, alpha: f64) -> f64 {
    let penalty = 2.0 / alpha;
    (upper - lower) + penalty * (lower - actual).max(0.0) + penalty * (actual - upper).max(0.0)
}

/// The PIT of `actual` against `values` (the replications): the share below it plus half the
/// share equal to it. NaN for no values.
pub fn pit(values: &[f64], actual: f64) -> f64 {
    let below = values.iter().filter(|&&value| value < actual).count();
    let equal = values.iter().filter(|&&value| value == actual).count();
    (below as f64 + 0.5 * equal as f64) / values.len() as f64
}

/// Whether a central interval of nominal coverage `percent` covers the actual whose PIT is
/// `pit`: `(1 - q)/2 <= pit <= (1 + q)/2`. The bounds are computed from whole percents so that
/// 5% is the same number as a PIT of 10/200.
pub fn covers(pit: f64, percent: u32) -> bool {
    let lower = f64::from(100 - percent.min(100)) / 200.0;
    let upper = f64::from(100 + percent.min(100)) / 200.0;
    (lower..=upper).contains(&pit)
}

/// For each of [`NOMINAL_PERCENT`], the share of `pits` its central interval covers: (nominal,
/// actual), both as fractions. NaN PITs are left out; no PITs give NaN shares.
pub fn coverage_curve(pits: &[f64]) -> Vec<(f64, f64)> {
    let pits: Vec<f64> = pits.iter().copied().filter(|pit| !pit.is_nan()).collect();
    NOMINAL_PERCENT
        .iter()
        .map(|&percent| {
            let covered = pits.iter().filter(|&&pit| covers(pit, percent)).count();
            (f64::from(percent) / 100.0, covered as f64 / pits.len() as f64)
        })
        .collect()
}

/// The PITs counted in `bins` equal bins of [0, 1]; a PIT on a boundary goes in the bin above
/// it, and 1 in the last. NaN PITs are left out.
pub fn pit_histogram(pits: &[f64], bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins];
    if bins == 0 {
        return counts;
    }
    for &pit in pits.iter().filter(|pit| !pit.is_nan()) {
        let bin = ((pit.clamp(0.0, 1.0) * bins as f64).floor() as usize).min(bins - 1);
        counts[bin] += 1;
    }
    counts
}

/// The 50% and 90% central intervals of a forecast, scored alike for the model and the
/// benchmark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub p5: f64,
    pub p25: f64,
    pub p75: f64,
    pub p95: f64,
}

impl Interval {
    pub fn of(summary: &Summary) -> Interval {
        Interval { p5: summary.p5, p25: summary.p25, p75: summary.p75, p95: summary.p95 }
    }

    /// Whether `actual` is inside the 50% interval (p25 to p75), ends included.
    pub fn in_50(&self, actual: f64) -> bool {
        (self.p25..=self.p75).contains(&actual)
    }

    /// Whether `actual` is inside the 90% interval (p5 to p95), ends included.
    pub fn in_90(&self, actual: f64) -> bool {
        (self.p5..=self.p95).contains(&actual)
    }

    /// The interval score of the 90% interval ([`ALPHA`] = 0.1).
    pub fn interval_score(&self, actual: f64) -> f64 {
        interval_score(self.p5, self.p95, actual, ALPHA)
    }
}

/// How a figure's change over some years is measured for the naive-empirical benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The difference, for rates (fractions): a council's vacancy rate moves by points
    /// whatever its size. A rate changed by it is kept within 0 to 1.
    Absolute,
    /// The log of the ratio (counts and caseloads): a council ten times the size gets an
    /// interval ten times as wide. Pairs with a zero or negative value are left out.
    LogRatio,
}

impl Change {
    /// The change from `from` to `to`; `None` where it is undefined.
    pub fn between(self, from: f64, to: f64) -> Option<f64> {
        let change = match self {
            Change::Absolute => to - from,
            Change::LogRatio if from > 0.0 && to > 0.0 => (to / from).ln(),
            Change::LogRatio => return None,
        };
        change.is_finite().then_some(change)
    }

    /// `value` changed by `change`.
    pub fn apply(self, value: f64, change: f64) -> f64 {
        match self {
            Change::Absolute => (value + change).clamp(0.0, 1.0),
            Change::LogRatio => value * change.exp(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Change::Absolute => "difference",
            Change::LogRatio => "log ratio",
        }
    }
}

/// Percentiles (type 7) of the past changes over a horizon, and how many there were.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangeQuantiles {
    /// Pairs of years (council, t, t + h) the percentiles come from.
    pub count: usize,
    pub p5: f64,
    pub p25: f64,
    pub p75: f64,
    pub p95: f64,
}

impl ChangeQuantiles {
    /// The benchmark's intervals for a figure whose origin value is `origin_value`.
    pub fn around(&self, origin_value: f64, change: Change) -> Interval {
        Interval {
            p5: change.apply(origin_value, self.p5),
            p25: change.apply(origin_value, self.p25),
            p75: change.apply(origin_value, self.p75),
            p95: change.apply(origin_value, self.p95),
        }
    }
}

/// Every council's change in `field` (times `scale`) over `horizon` years, for every pair of
/// years (t, t + horizon) with both values present and t + horizon <= `origin`: nothing after
/// the origin is looked at. Councils in the data's order, years ascending.
pub fn past_changes(data: &Dataset, field: Field, scale: f64, change: Change, horizon: i32, origin: i32) -> Vec<f64> {
    let mut changes = Vec::new();
    for area in data.areas().iter().filter(|area| area.level == Level::LocalAuthority) {
        for &year in area.years.iter().filter(|&&year| year + horizon <= origin) {
            let value =
                |year: i32| data.figures(area, year).and_then(|figures| figures.value(field)).map(|v| v * scale);
            if let (Some(from), Some(to)) = (value(year), value(year + horizon))
                && let Some(change) = change.between(from, to)
            {
                changes.push(change);
            }
        }
    }
    changes
}

/// The percentiles of [`past_changes`]; `None` if there are none (an origin too early for
/// the horizon).
pub fn change_quantiles(
    data: &Dataset,
    field: Field,
    scale: f64,
    change: Change,
    horizon: i32,
    origin: i32,
) -> Option<ChangeQuantiles> {
    let changes = past_changes(data, field, scale, change, horizon, origin);
    if changes.is_empty() {
        return None;
    }
    let s = summarise(&changes);
    Some(ChangeQuantiles { count: changes.len(), p5: s.p5, p25: s.p25, p75: s.p75, p95: s.p95 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_scores_by_hand() {
        // Width 10; inside: the width alone.
        assert_eq!(interval_score(10.0, 20.0, 15.0, 0.1), 10.0);
        assert_eq!(interval_score(10.0, 20.0, 10.0, 0.1), 10.0);
        assert_eq!(interval_score(10.0, 20.0, 20.0, 0.1), 10.0);
        // 2 below: 10 + 20 x 2; 3 above: 10 + 20 x 3.
        assert_eq!(interval_score(10.0, 20.0, 8.0, 0.1), 50.0);
        assert_eq!(interval_score(10.0, 20.0, 23.0, 0.1), 70.0);
        // A 50% interval (alpha 0.5) is penalised 4 per unit.
        assert_eq!(interval_score(10.0, 20.0, 23.0, 0.5), 22.0);
        // A point forecast: the penalty alone.
        assert_eq!(interval_score(5.0, 5.0, 4.0, 0.1), 20.0);
        let interval = Interval { p5: 0.10, p25: 0.12, p75: 0.14, p95: 0.20 };
        assert_eq!(interval.interval_score(0.15), 0.20 - 0.10);
        assert!(interval.in_90(0.10) && interval.in_90(0.20) && !interval.in_90(0.21));
        assert!(interval.in_50(0.12) && !interval.in_50(0.15));
    }

    #[test]
    fn pit_counts_ties_as_half() {
        let values = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(pit(&values, 0.5), 0.0);
        assert_eq!(pit(&values, 1.0), 0.125);
        assert_eq!(pit(&values, 2.0), 0.5); // 1 below + half of 2 equal
        assert_eq!(pit(&values, 2.5), 0.75);
        assert_eq!(pit(&values, 3.0), 0.875);
        assert_eq!(pit(&values, 9.0), 1.0);
        assert_eq!(pit(&[4.0; 5], 4.0), 0.5);
        assert!(pit(&[], 1.0).is_nan());
    }

    #[test]
    fn central_intervals_cover_by_pit() {
        // 90%: 0.05 to 0.95, ends included.
        assert!(covers(0.05, 90) && covers(10.0 / 200.0, 90) && covers(0.95, 90));
        assert!(!covers(0.049, 90) && !covers(0.951, 90));
        // 50%: 0.25 to 0.75; 10%: 0.45 to 0.55.
        assert!(covers(0.25, 50) && covers(0.75, 50) && !covers(0.24, 50));
        assert!(covers(0.45, 10) && covers(0.55, 10) && !covers(0.44, 10) && !covers(0.56, 10));
        assert!(covers(0.5, 10));
        // Evenly spread PITs (0.0005, 0.0015, ..., 0.9995): a central q interval covers q of them.
        let uniform: Vec<f64> = (0..1000).map(|k| (k as f64 + 0.5) / 1000.0).collect();
        let curve = coverage_curve(&uniform);
        assert_eq!(curve.len(), 9);
        for (nominal, actual) in curve {
            assert!((nominal - actual).abs() < 1e-12, "{nominal}: {actual}");
        }
        // PITs all 0 or 1 (every actual outside every replication): nothing is covered.
        assert!(coverage_curve(&[0.0, 1.0, 1.0]).iter().all(|&(_, actual)| actual == 0.0));
        // Every PIT at 0.5: every interval covers.
        assert!(coverage_curve(&[0.5, 0.5]).iter().all(|&(_, actual)| actual == 1.0));
    }

    #[test]
    fn pits_fall_in_ten_bins() {
        let counts = pit_histogram(&[0.0, 0.05, 0.1, 0.3, 0.5, 0.99, 1.0, f64::NAN], 10);
        assert_eq!(counts, [2, 1, 0, 1, 0, 1, 0, 0, 0, 2]);
    }

    #[test]
    fn changes_are_differences_or_log_ratios() {
        assert_eq!(Change::Absolute.between(0.10, 0.15), Some(0.15 - 0.10));
        assert_eq!(Change::LogRatio.between(100.0, 200.0), Some(2f64.ln()));
        assert_eq!(Change::LogRatio.between(0.0, 5.0), None);
        assert_eq!(Change::LogRatio.apply(300.0, 2f64.ln()), 600.0);
        assert_eq!(Change::Absolute.apply(0.1, 0.05), 0.1 + 0.05);
        // A rate stays a rate.
        assert_eq!(Change::Absolute.apply(0.02, -0.05), 0.0);
        assert_eq!(Change::Absolute.apply(0.98, 0.05), 1.0);
        let q = ChangeQuantiles { count: 3, p5: -(2f64.ln()), p25: 0.0, p75: 0.0, p95: 2f64.ln() };
        let interval = q.around(50.0, Change::LogRatio);
        assert_eq!((interval.p5, interval.p95), (25.0, 100.0));
    }
}
