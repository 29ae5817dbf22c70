//! Summaries across replications: the mean and percentiles written to every output, and the
//! DfE-style annual figures (stocks at 30 September, flows over the year to 30 September).
//!
//! Quantiles are Hyndman & Fan type 7, the method of Excel's `PERCENTILE.INC` and numpy's
//! default, so that finance teams can check any figure in a spreadsheet. Everything here is
//! serial and order-preserving: the same values in the same order give the same bits.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calendar::YearMonth;
use crate::engine::metrics::{Kind, Metric};
use crate::run::ScenarioRun;

/// The quantile method, as written into `manifest.json`.
pub const QUANTILE_METHOD: &str = "Hyndman-Fan type 7: linear interpolation between order statistics at h = (n - 1)p \
     (as Excel PERCENTILE.INC and numpy's default)";

/// The percentiles reported, as fractions, in output column order.
/// The 95th and 75th percentiles of a standard normal: the half-widths, in standard
/// deviations, of its central 90% and 50%.
pub const NORMAL_Z95: f64 = 1.644_853_626_951_472_2;
pub const NORMAL_Z75: f64 = 0.674_489_750_196_081_7;

pub const PERCENTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// The column names of a [`Summary`], in output order.
pub const SUMMARY_COLUMNS: [&str; 8] = ["mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"];

/// The distribution of one quantity across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
}

impl Summary {
    /// The values in the order of [`SUMMARY_COLUMNS`].
    pub fn columns(&self) -> [f64; 8] {
        [self.mean, self.p5, self.p10, self.p25, self.p50, self.p75, self.p90, self.p95]
    }
}

/// The mean and the 90% interval with its median: what the smaller result tables (sweep,
/// national, costs, appraisal) give of a [`Summary`], so they share one type for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

impl Spread {
    /// The values in column order: `mean`, `p5`, `p50`, `p95`.
    pub fn columns(&self) -> [f64; 4] {
        [self.mean, self.p5, self.p50, self.p95]
    }
}

impl From<Summary> for Spread {
    fn from(summary: Summary) -> Spread {
        Spread { mean: summary.mean, p5: summary.p5, p50: summary.p50, p95: summary.p95 }
    }
}

/// Mean and percentiles of `values`. The mean is computed serially in the given order (see
/// [`mean`]); the percentiles read the order statistics a full sort (by `f64::total_cmp`)
/// would give, found by selection on a copy. An empty slice gives NaN throughout.
pub fn summarise(values: &[f64]) -> Summary {
    let mean = mean(values);
    // Every replication alike (month 0, or an option that changes nothing here): every
    // percentile is that value, as selection would find.
    if let Some(&first) = values.first()
        && values.iter().all(|value| value.to_bits() == first.to_bits())
    {
        return Summary { mean, p5: first, p10: first, p25: first, p50: first, p75: first, p90: first, p95: first };
    }
    // The two order statistics either side of each percentile (see `quantile_sorted`).
    let n = values.len();
    let mut ranks: Vec<usize> = PERCENTILES
        .iter()
        .flat_map(|p| {
            let below = ((n.max(1) - 1) as f64 * p).floor() as usize;
            [below, below + 1]
        })
        .filter(|&rank| rank < n)
        .collect();
    // Close percentiles of few values share ranks.
    ranks.sort_unstable();
    ranks.dedup();
    let q = ORDER_KEYS.with_borrow_mut(|keys| {
        keys.clear();
        keys.extend(values.iter().map(|&value| order_key(value)));
        select_ranks(keys, &ranks);
        PERCENTILES.map(|p| quantile_by_rank(n, p, |rank| from_order_key(keys[rank])))
    });
    Summary { mean, p5: q[0], p10: q[1], p25: q[2], p50: q[3], p75: q[4], p90: q[5], p95: q[6] }
}

thread_local! {
    /// Each thread's scratch for `summarise`, kept to save allocating for every summary.
    static ORDER_KEYS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `f64::total_cmp`'s order as the order of plain integers: a negative value has every bit
/// flipped, any other only its sign bit. Selection then compares integers, where `total_cmp`
/// reworks both sides at every comparison.
fn order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// The value whose `order_key` is `key`.
fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
}

/// Puts the key of each rank (ascending, within `keys`) where a full sort would, by nested
/// selection: the middle rank first, then the ranks either side within their own part. About
/// half the work of sorting 1,000 values for the 14 ranks the percentiles need.
fn select_ranks(keys: &mut [u64], ranks: &[usize]) {
    select_ranks_from(keys, 0, ranks);
}

/// `select_ranks` on the part of the whole that starts at rank `first`.
fn select_ranks_from(keys: &mut [u64], first: usize, ranks: &[usize]) {
    let middle = ranks.len() / 2;
    let Some(&rank) = ranks.get(middle) else { return };
    let (below, _, above) = keys.select_nth_unstable(rank - first);
    select_ranks_from(below, first, &ranks[..middle]);
    select_ranks_from(above, rank + 1, &ranks[middle + 1..]);
}

/// Serial mean in slice order; NaN for an empty slice. Sums the differences from the first
/// value, so that identical values (every replication at month 0, say) have exactly that value
/// as their mean rather than one a rounding error away.
pub fn mean(values: &[f64]) -> f64 {
    let Some(&first) = values.first() else {
        return f64::NAN;
    };
    let mut sum = 0.0;
    for value in values {
        sum += value - first;
    }
    first + sum / values.len() as f64
}

/// The `p` quantile (0 to 1) of ascending `sorted` values, Hyndman & Fan type 7:
/// h = (n - 1)p, then linear interpolation between the order statistics either side of h.
/// The result is clamped to those two values, so that rounding can never make a higher
/// percentile smaller than a lower one. NaN for an empty slice.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    quantile_by_rank(sorted.len(), p, |rank| sorted[rank])
}

/// `quantile_sorted` of `n` values, reading the order statistic of each rank it needs (those
/// either side of h, all below `n`) from `value_of_rank`.
fn quantile_by_rank(n: usize, p: f64, value_of_rank: impl Fn(usize) -> f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let below = h.floor();
    let index = below as usize;
    if index + 1 >= n {
        return value_of_rank(n - 1);
    }
    let (lower, upper) = (value_of_rank(index), value_of_rank(index + 1));
    if lower == upper {
        return lower;
    }
    let value = lower + (h - below) * (upper - lower);
    // Not `f64::clamp`: that panics on NaN bounds, and a metric could be NaN.
    if value < lower {
        lower
    } else if value > upper {
        upper
    } else {
        value
    }
}

/// The summary of `metric` at `month` across a run's replications.
pub fn summarise_month(run: &ScenarioRun, month: usize, metric: Metric) -> Summary {
    summarise(run.replications_of(month, metric))
}

/// Summaries of every month (0 to `run.months`) and metric, month by month in
/// `Metric::ALL` order. Computed in parallel, but each summary on its own, so the result does
/// not depend on the thread count.
pub fn monthly_summaries(run: &ScenarioRun) -> Vec<Summary> {
    let cells: Vec<(usize, Metric)> = (0..run.rows_per_replication())
        .flat_map(|month| Metric::ALL.iter().map(move |&metric| (month, metric)))
        .collect();
    cells.par_iter().map(|&(month, metric)| summarise(run.replications_of(month, metric))).collect()
}

/// Summaries of `option - baseline`, paired by replication, for every month both simulated
/// (month by month in `Metric::ALL` order). Pairing removes the luck the two runs share
/// (common random numbers), so the interval shows the effect of the option alone. `None` if the
/// runs cannot be paired (different start months or replication counts).
pub fn paired_difference_summaries(option: &ScenarioRun, baseline: &ScenarioRun) -> Option<Vec<Summary>> {
    if option.first_date != baseline.first_date || option.replications != baseline.replications {
        return None;
    }
    let months = option.months.min(baseline.months) as usize;
    let cells: Vec<(usize, Metric)> =
        (0..=months).flat_map(|month| Metric::ALL.iter().map(move |&metric| (month, metric))).collect();
    let summaries = cells
        .par_iter()
        .map_init(Vec::new, |differences, &(month, metric)| {
            differences.clear();
            let pairs = option.replications_of(month, metric).iter().zip(baseline.replications_of(month, metric));
            differences.extend(pairs.map(|(option, baseline)| option - baseline));
            summarise(differences)
        })
        .collect();
    Some(summaries)
}

/// Share of `values` strictly below `threshold`.
pub fn share_below(values: &[f64], threshold: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().filter(|&&value| value < threshold).count() as f64 / values.len() as f64
}

/// One DfE-style annual figure: the year to 30 September `year`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnnualFigure {
    /// The year of the 30 September reference date.
    pub year: i32,
    pub metric: Metric,
    pub summary: Summary,
}

/// The months of a run (0 to `run.months`) that end on 30 September, with their years.
pub fn september_months(run: &ScenarioRun) -> Vec<(i32, usize)> {
    septembers(run.first_date, run.months)
}

/// The months 0 to `months` after `first_date` that end on 30 September, with their years.
pub fn septembers(first_date: YearMonth, months: u32) -> Vec<(i32, usize)> {
    (0..=months as usize)
        .map(|month| (first_date.plus(month as i32), month))
        .filter(|(date, _)| date.month() == 9)
        .map(|(date, month)| (date.year(), month))
        .collect()
}

/// The month where rates are read: the last 30 September simulated, or else the last month.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// Month index (0 is the starting position).
    pub month: usize,
    pub date: YearMonth,
    /// `30 September 2026`, or `end of 2026-08`.
    pub label: String,
}

impl Headline {
    pub fn of(run: &ScenarioRun) -> Headline {
        match september_months(run).last() {
            Some(&(year, month)) => Headline { month, date: run.date(month), label: format!("30 September {year}") },
            None => {
                let month = run.months as usize;
                Headline { month, date: run.date(month), label: format!("end of {}", run.date(month)) }
            }
        }
    }
}

/// Per-replication annual values of `metric` for the year ending at `september` (a month
/// index whose date is September), in replication order.
///
/// A stock is its value at that month. A flow is the serial sum over the 12 months
/// `september - 11 ..= september`, and exists only when all 12 were simulated (month 0 is
/// the starting position, not a simulated month): `None` otherwise.
pub fn annual_values(run: &ScenarioRun, september: usize, metric: Metric) -> Option<Vec<f64>> {
    if september > run.months as usize {
        return None;
    }
    match metric.kind() {
        Kind::Stock => Some(run.across_replications(september, metric)),
        Kind::Flow => {
            let first = september.checked_sub(11).filter(|&first| first >= 1)?;
            Some(sum_over_months(run, first..=september, metric))
        }
    }
}

/// One replication's annual value of `metric` for the year ending at `september`, as
/// [`annual_values`] gives it (the same bits): `value(month, metric)` reads the replication.
pub fn annual_value(
    value: impl Fn(usize, Metric) -> f64 + Copy,
    months: u32,
    september: usize,
    metric: Metric,
) -> Option<f64> {
    if september > months as usize {
        return None;
    }
    match metric.kind() {
        Kind::Stock => Some(value(september, metric)),
        Kind::Flow => {
            let first = september.checked_sub(11).filter(|&first| first >= 1)?;
            // Serial, from 0.0, in month order: as `sum_over_months` adds.
            let mut sum = 0.0;
            for month in first..=september {
                sum += value(month, metric);
            }
            Some(sum)
        }
    }
}

/// Per replication, the serial sum of `metric` over `months` (in month order).
pub fn sum_over_months(run: &ScenarioRun, months: impl IntoIterator<Item = usize>, metric: Metric) -> Vec<f64> {
    let mut sums = vec![0.0; run.replications as usize];
    for month in months {
        for (sum, value) in sums.iter_mut().zip(run.replications_of(month, metric)) {
            *sum += value;
        }
    }
    sums
}

/// Every annual figure of a run: years in order, then metrics in `Metric::ALL` order, leaving
/// out flows for years not fully simulated.
pub fn annual_summaries(run: &ScenarioRun) -> Vec<AnnualFigure> {
    let mut figures = Vec::new();
    for (year, september) in september_months(run) {
        for &metric in Metric::ALL {
            if let Some(values) = annual_values(run, september, metric) {
                figures.push(AnnualFigure { year, metric, summary: summarise(&values) });
            }
        }
    }
    figures
}

/// The figures a census date hides, for the DfE's headline figures where higher is worse: 30
/// September is the lowest point of a year's vacancies (newly qualified staff join in
/// September), and an agency cut raises caseloads within months.
pub const WHOLE_YEAR_METRICS: [Metric; 4] =
    [Metric::VacancyRate, Metric::AgencyRate, Metric::AvgCaseload, Metric::CaseShortfall];

/// What a year's figure says of the 12 months to 30 September.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearMeasure {
    /// The average of the 12 month-end values.
    YearAverage,
    /// The highest of them.
    WorstMonth,
}

/// One whole-year figure of a run: one metric's year average or worst month, across
/// replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WholeYearFigure {
    /// The year of the 30 September that ends it.
    pub year: i32,
    pub metric: Metric,
    pub measure: YearMeasure,
    pub summary: Summary,
}

/// Each replication's average over `months` ([`sum_over_months`], then divided) and its worst
/// (highest) month, of `metric`.
fn average_and_worst(
    run: &ScenarioRun,
    months: std::ops::RangeInclusive<usize>,
    metric: Metric,
) -> (Vec<f64>, Vec<f64>) {
    let count = months.clone().count() as f64;
    let averages = sum_over_months(run, months.clone(), metric).into_iter().map(|sum| sum / count).collect();
    let mut worst = vec![f64::NEG_INFINITY; run.replications as usize];
    for month in months {
        for (high, &value) in worst.iter_mut().zip(run.replications_of(month, metric)) {
            *high = high.max(value);
        }
    }
    (averages, worst)
}

/// Every whole-year figure of a run, for the years whose 12 months to 30 September were all
/// simulated: years in order, then [`WHOLE_YEAR_METRICS`], each with its average then its
/// worst month.
pub fn whole_year_summaries(run: &ScenarioRun) -> Vec<WholeYearFigure> {
    let mut figures = Vec::new();
    for (year, september) in september_months(run) {
        let Some(first) = september.checked_sub(11).filter(|&first| first >= 1) else { continue };
        for metric in WHOLE_YEAR_METRICS {
            let (averages, worst) = average_and_worst(run, first..=september, metric);
            for (measure, values) in [(YearMeasure::YearAverage, averages), (YearMeasure::WorstMonth, worst)] {
                figures.push(WholeYearFigure { year, metric, measure, summary: summarise(&values) });
            }
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary_of(values: &[f64]) -> Summary {
        summarise(values)
    }

    #[test]
    fn type_7_quartiles_of_one_to_four() {
        // h = 3p: p25 -> 0.75 -> 1 + 0.75 (2 - 1); p50 -> 1.5 -> 2.5; p75 -> 2.25 -> 3.25.
        let s = summary_of(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(s.mean, 2.5);
        assert_eq!(s.p25, 1.75);
        assert_eq!(s.p50, 2.5);
        assert_eq!(s.p75, 3.25);
        // p5 -> h = 0.15 -> 1.15; p95 -> h = 2.85 -> 3.85 (within rounding).
        assert!((s.p5 - 1.15).abs() < 1e-12, "{}", s.p5);
        assert!((s.p95 - 3.85).abs() < 1e-12, "{}", s.p95);
    }

    #[test]
    fn matches_excel_percentile_inc_on_eleven_values() {
        // PERCENTILE.INC({0,10,...,100}, p) = 100p exactly at these p: h = 10p.
        let values: Vec<f64> = (0..=10).rev().map(|i| f64::from(i) * 10.0).collect();
        let s = summary_of(&values);
        assert_eq!([s.p10, s.p25, s.p50, s.p75, s.p90], [10.0, 25.0, 50.0, 75.0, 90.0]);
        assert_eq!(s.mean, 50.0);
    }

    #[test]
    fn single_value_is_every_percentile() {
        let s = summary_of(&[7.5]);
        assert_eq!(s.columns(), [7.5; 8]);
    }

    #[test]
    fn two_values_interpolate_linearly() {
        // h = p: p5 = 10 + 0.05 * 10 = 10.5, p50 = 15, p95 = 19.5.
        let s = summary_of(&[20.0, 10.0]);
        assert_eq!(s.mean, 15.0);
        assert_eq!(s.p50, 15.0);
        assert!((s.p5 - 10.5).abs() < 1e-12);
        assert!((s.p95 - 19.5).abs() < 1e-12);
        assert!((s.p25 - 12.5).abs() < 1e-12);
    }

    #[test]
    fn empty_or_nan_input_is_nan_not_a_panic() {
        assert!(summary_of(&[]).columns().iter().all(|v| v.is_nan()));
        let s = summary_of(&[f64::NAN, 1.0, -f64::NAN, 2.0]);
        assert!(s.mean.is_nan());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(2026),
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Selection puts every order statistic the percentiles read where a sort would, so
        /// the summary is bit for bit that of a sorted copy.
        #[test]
        fn selection_gives_the_same_bits_as_sorting(
            values in proptest::collection::vec(proptest::prop_oneof![
                -1e6f64..1e6, proptest::strategy::Just(0.0), proptest::strategy::Just(2.5)], 0..300)
        ) {
            let mut sorted = values.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let summary = summarise(&values);
            for (p, value) in PERCENTILES.iter().zip(&summary.columns()[1..]) {
                proptest::prop_assert_eq!(value.to_bits(), quantile_sorted(&sorted, *p).to_bits());
            }
        }
    }

    #[test]
    fn order_keys_sort_as_total_cmp_and_give_back_the_same_bits() {
        let values = [
            -f64::NAN,
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1e300,
            f64::INFINITY,
            f64::NAN,
        ];
        for pair in values.windows(2) {
            assert_eq!(pair[0].total_cmp(&pair[1]), std::cmp::Ordering::Less, "{pair:?}");
            assert!(order_key(pair[0]) < order_key(pair[1]), "{pair:?}");
        }
        for value in values {
            assert_eq!(from_order_key(order_key(value)).to_bits(), value.to_bits());
        }
    }

    #[test]
    fn percentiles_never_decrease() {
        let awkward = [1e-300, -0.1, 0.3, 0.1 + 0.2, 1e16, 1e16 + 2.0, -1e16, 0.7, 0.7];
        let q = summary_of(&awkward).columns();
        assert!(q[1..].windows(2).all(|pair| pair[0] <= pair[1]), "{q:?}");
    }

    #[test]
    fn mean_of_identical_values_is_that_value() {
        // A plain sum of twenty copies divided by 20 gives 0.14999999999999997 here.
        let value = 0.1 + 0.05;
        assert_eq!(mean(&[value; 20]), value);
        assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0]), 2.5);
        assert_eq!(mean(&[-3.0, 3.0]), 0.0);
    }

    /// Each year's average and worst month are those of the replication's own months, bit for
    /// bit; the average never passes the worst month, nor the worst month the census value
    /// from below; years without all 12 months simulated are left out.
    #[test]
    fn whole_year_figures_are_each_replications_average_and_worst_month() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let scenario = crate::scenario::load(&path).expect("the shipped baseline loads");
        let settings = crate::run::RunSettings {
            replications: 7,
            seed: 5,
            months: Some(30),
            progress: false,
            national_seed: None,
        };
        let run = crate::run::run_all(std::slice::from_ref(&scenario), &settings).pop().expect("one run");
        let figures = whole_year_summaries(&run);
        // From October 2024: Septembers 2024 (month 0), 2025 (12) and 2026 (24); only the
        // last two have 12 simulated months.
        assert_eq!(figures.len(), 2 * WHOLE_YEAR_METRICS.len() * 2);
        for figure in &figures {
            let september = if figure.year == 2025 { 12 } else { 24 };
            let per_replication: Vec<f64> = (0..run.replications as usize)
                .map(|rep| {
                    let months = (september - 11..=september).map(|month| run.value(rep, month, figure.metric));
                    match figure.measure {
                        YearMeasure::YearAverage => months.fold(0.0, |sum, v| sum + v) / 12.0,
                        YearMeasure::WorstMonth => months.fold(f64::NEG_INFINITY, f64::max),
                    }
                })
                .collect();
            assert_eq!(figure.summary, summarise(&per_replication), "{figure:?}");
        }
        for metric in WHOLE_YEAR_METRICS {
            for year in [2025, 2026] {
                let find = |measure| {
                    figures
                        .iter()
                        .find(|f| f.year == year && f.metric == metric && f.measure == measure)
                        .expect("a figure")
                };
                let (average, worst) = (find(YearMeasure::YearAverage), find(YearMeasure::WorstMonth));
                let september = if year == 2025 { 12 } else { 24 };
                let census = summarise(&run.across_replications(september, metric));
                assert!(average.summary.p95 <= worst.summary.p95 + 1e-12, "{metric:?} {year}");
                assert!(census.p50 <= worst.summary.p50 + 1e-12, "{metric:?} {year}");
            }
        }
    }
}
