//! How good are the projections? A rolling-origin backtest: for every origin year, each
//! council's baseline is built from the data up to that year only (`wfsim init`), projected
//! one, two and three years on, and compared with what the DfE then published, beside two
//! benchmarks anyone could have made from the published figures:
//!
//! - naive "no change": the origin year's figure;
//! - naive-empirical: no change, with intervals from the changes over the same number of years
//!   seen across all councils before the origin ([`scores`]).
//!
//! Each (council, origin) is simulated once, for as many years as its last horizon, and every
//! horizon is read from that one run. The pairs run in parallel; each has its own seed (from
//! the master seed, the council's code and the origin), and the results are collected in a
//! fixed order (council, origin, horizon, figure), so they are the same at any thread count.
//!
//! Two checks look past single councils: [`england`] adds the councils projected from each
//! origin up into England, replication by replication, and compares England with what
//! happened; [`drift`] counts the replications that leave the range of values councils had
//! shown by the origin.
//!
//! [`output`] writes the files; [`scores`] holds the scores and the benchmark.

pub mod drift;
pub mod england;
pub mod output;
pub mod scores;

use std::ops::RangeInclusive;

use rayon::prelude::*;

use crate::dataset::{Area, Dataset, Field, Level};
use crate::engine::metrics::{Kind, Metric};
use crate::engine::rng::mix64;
use crate::init::{self, Calibration};
use crate::national::{Totals, council_seed, totals_at};
use crate::run::{RunSettings, ScenarioRun, run_all};
use crate::stats::{Summary, mean, sum_over_months, summarise};

use drift::{ObservedRanges, OutsideCount};
use england::{EnglandComparison, EnglandSums};
use scores::{Change, ChangeQuantiles, Interval};

/// The horizons scored, in years after the origin (those whose year is in the data).
pub const HORIZONS: [i32; 3] = [1, 2, 3];

/// The first origin by default: the first year with a year of change before it, so that the
/// naive-empirical benchmark has something to go on.
pub const DEFAULT_FROM: i32 = 2018;

/// A figure scored: the model's metric, the DfE column it is checked against, the factor
/// from the column to the metric's units (rates in the data are percentages), and how its
/// change is measured for the naive-empirical benchmark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compared {
    pub metric: Metric,
    pub field: Field,
    pub scale: f64,
    pub change: Change,
}

impl Compared {
    /// A flow (starters, leavers) is the sum over the 12 months to 30 September; any other
    /// figure is the value at 30 September.
    pub fn is_flow(&self) -> bool {
        self.metric.kind() == Kind::Flow
    }

    /// How the figure is named in the printed summary and the charts.
    pub fn label(&self) -> &'static str {
        match self.metric {
            Metric::FteInPost => "FTE in post",
            Metric::VacancyRate => "vacancy rate",
            Metric::AgencyRate => "agency rate",
            Metric::TurnoverRate => "turnover",
            Metric::StartersFte => "starters FTE",
            Metric::LeaversFte => "leavers FTE",
            Metric::AvgCaseload => "caseload",
            other => other.name(),
        }
    }

    /// The factor from stored values to the units printed: percentage points for rates.
    pub fn print_scale(&self) -> f64 {
        if self.metric.is_rate() { 100.0 } else { 1.0 }
    }

    /// The figure in the data for `area` in `year`, in the metric's units.
    pub fn actual(&self, data: &Dataset, area: &Area, year: i32) -> Option<f64> {
        data.figures(area, year)?.value(self.field).map(|value| value * self.scale)
    }
}

/// The figures scored, in output order.
pub const COMPARED: [Compared; 7] = [
    Compared { metric: Metric::FteInPost, field: Field::InpostFte, scale: 1.0, change: Change::LogRatio },
    Compared { metric: Metric::VacancyRate, field: Field::VacancyRateFte, scale: 0.01, change: Change::Absolute },
    Compared { metric: Metric::AgencyRate, field: Field::AgencyRateFte, scale: 0.01, change: Change::Absolute },
    Compared { metric: Metric::TurnoverRate, field: Field::TurnoverRateFte, scale: 0.01, change: Change::Absolute },
    Compared { metric: Metric::StartersFte, field: Field::StartersFte, scale: 1.0, change: Change::LogRatio },
    Compared { metric: Metric::LeaversFte, field: Field::LeaversFte, scale: 1.0, change: Change::LogRatio },
    Compared { metric: Metric::AvgCaseload, field: Field::CaseloadFte, scale: 1.0, change: Change::LogRatio },
];

/// The scored figure of a metric.
pub fn compared(metric: Metric) -> Option<&'static Compared> {
    COMPARED.iter().find(|c| c.metric == metric)
}

/// How a backtest is run.
#[derive(Debug, Clone)]
pub struct BacktestSettings {
    /// The first and last origins: the 30 September positions projected from.
    pub from: i32,
    pub to: i32,
    pub replications: u32,
    pub seed: u64,
    /// How each baseline's retention is calibrated to its turnover before the origin.
    pub calibration: Calibration,
    /// Whether to add the councils up into England ([`england`]): for a backtest of every
    /// council, not of one (whose sum would be that council, not England).
    pub england: bool,
}

impl BacktestSettings {
    pub fn origins(&self) -> RangeInclusive<i32> {
        self.from..=self.to
    }
}

/// The first and last years of a data set that can be origins: every year but the last (each
/// needs a later year to be compared with). `None` for data of one year or none.
pub fn origin_years(data: &Dataset) -> Option<(i32, i32)> {
    let years = data.areas().iter().flat_map(|area| area.years.iter().copied());
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(lo, hi), year| (lo.min(year), hi.max(year)));
    (first < last).then_some((first, last - 1))
}

/// The seed of one (council, origin): the master seed mixed with the council's code (as the
/// national run) and the origin, so that no two projections share their luck.
pub fn pair_seed(seed: u64, code: &str, origin: i32) -> u64 {
    mix64(council_seed(seed, code) ^ (origin as u64))
}

/// One projected figure against what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub area: String,
    pub code: String,
    /// The year of the 30 September position projected from.
    pub origin: i32,
    /// The year of the 30 September compared.
    pub year: i32,
    pub metric: Metric,
    pub actual: f64,
    /// The figure in the origin year: the "no change" forecast.
    pub naive: f64,
    /// The model's distribution across replications (type 7 percentiles).
    pub projected: Summary,
    /// Share of replications below the actual, plus half the share equal to it.
    pub pit: f64,
    /// The naive-empirical benchmark's intervals; `None` where no past changes over the
    /// horizon precede the origin.
    pub benchmark: Option<Interval>,
    /// For the figures of [`drift::DRIFT_FIGURES`], how many replications fell outside the
    /// range councils had shown by the origin; `None` for the other figures.
    pub outside_observed_range: Option<OutsideCount>,
}

impl Comparison {
    pub fn horizon(&self) -> i32 {
        self.year - self.origin
    }

    pub fn error(&self) -> f64 {
        self.projected.p50 - self.actual
    }

    pub fn naive_error(&self) -> f64 {
        self.naive - self.actual
    }

    pub fn interval(&self) -> Interval {
        Interval::of(&self.projected)
    }

    pub fn in_50(&self) -> bool {
        self.interval().in_50(self.actual)
    }

    pub fn in_90(&self) -> bool {
        self.interval().in_90(self.actual)
    }

    /// The model's interval score (90% interval).
    pub fn interval_score(&self) -> f64 {
        self.interval().interval_score(self.actual)
    }

    pub fn benchmark_in_50(&self) -> Option<bool> {
        self.benchmark.map(|b| b.in_50(self.actual))
    }

    pub fn benchmark_in_90(&self) -> Option<bool> {
        self.benchmark.map(|b| b.in_90(self.actual))
    }

    pub fn benchmark_interval_score(&self) -> Option<f64> {
        self.benchmark.map(|b| b.interval_score(self.actual))
    }
}

/// A (council, origin) left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedOrigin {
    pub area: String,
    pub code: String,
    pub origin: i32,
    pub reason: SkipReason,
}

/// Why an area is not compared from an origin.
#[derive(Debug, Clone, PartialEq)]
pub enum SkipReason {
    /// No data for the origin year (a council formed later, or abolished before).
    NoOriginData,
    /// No data for any of the horizons' years.
    NoLaterYear,
    /// No figure present both at the origin and in a later year.
    NoFigures,
    /// No baseline could be built (no permanent staff, say): `wfsim init`'s reason.
    Baseline(String),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NoOriginData => write!(f, "no data for the origin year"),
            SkipReason::NoLaterYear => write!(f, "no data for any of the {} years after the origin", HORIZONS.len()),
            SkipReason::NoFigures => write!(f, "no figure present both in the origin year and a later year"),
            SkipReason::Baseline(reason) => write!(f, "{reason}"),
        }
    }
}

/// The naive-empirical benchmark's change percentiles for every origin, horizon and figure,
/// worked out once from the data.
#[derive(Debug, Clone)]
pub struct Benchmarks {
    /// (origin, horizon, metric, percentiles; `None` for no past pairs).
    entries: Vec<(i32, i32, Metric, Option<ChangeQuantiles>)>,
}

impl Benchmarks {
    /// The percentiles for each origin in `origins`, each of [`HORIZONS`] and each figure,
    /// from `data`'s councils (only pairs of years ending by the origin).
    pub fn new(data: &Dataset, origins: RangeInclusive<i32>) -> Benchmarks {
        let mut entries = Vec::new();
        for origin in origins {
            for horizon in HORIZONS {
                for c in &COMPARED {
                    let quantiles = scores::change_quantiles(data, c.field, c.scale, c.change, horizon, origin);
                    entries.push((origin, horizon, c.metric, quantiles));
                }
            }
        }
        Benchmarks { entries }
    }

    pub fn get(&self, origin: i32, horizon: i32, metric: Metric) -> Option<&ChangeQuantiles> {
        self.entries
            .iter()
            .find(|(o, h, m, _)| *o == origin && *h == horizon && *m == metric)
            .and_then(|(_, _, _, quantiles)| quantiles.as_ref())
    }

    /// Every entry: (origin, horizon, metric, percentiles), origins, horizons and figures in
    /// order.
    pub fn entries(&self) -> &[(i32, i32, Metric, Option<ChangeQuantiles>)] {
        &self.entries
    }
}

/// The councils in the data, in its order.
pub fn councils(data: &Dataset) -> Vec<&Area> {
    data.areas().iter().filter(|area| area.level == Level::LocalAuthority).collect()
}

/// The horizons of [`HORIZONS`] whose year `area` has data for, from `origin`.
pub fn horizons(area: &Area, origin: i32) -> Vec<i32> {
    HORIZONS.into_iter().filter(|h| area.has_year(origin + h)).collect()
}

/// Backtests one area from one origin: its baseline built from the data up to the origin
/// (as `wfsim init`), simulated once for 12 x its last horizon months, each horizon's figures
/// compared with the data. `Err` with the reason if there is nothing to compare.
pub fn backtest_area(
    data: &Dataset,
    area: &Area,
    origin: i32,
    settings: &BacktestSettings,
    past: &PastData,
) -> Result<Vec<Comparison>, SkipReason> {
    project_area(data, area, origin, settings, past).map(|projection| projection.comparisons)
}

/// What the data said before each origin, worked out once for every (council, origin): the
/// naive-empirical benchmark and the ranges councils had shown.
#[derive(Debug, Clone)]
pub struct PastData {
    pub benchmarks: Benchmarks,
    pub ranges: ObservedRanges,
}

impl PastData {
    /// From `data`'s councils, for each origin in `origins` (nothing after an origin is used
    /// for it).
    pub fn new(data: &Dataset, origins: RangeInclusive<i32>) -> PastData {
        PastData { benchmarks: Benchmarks::new(data, origins.clone()), ranges: ObservedRanges::new(data, origins) }
    }
}

/// One area's backtest from one origin: its comparisons, and, when England is formed, each
/// horizon's totals in every replication (what England adds up).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaProjection {
    pub comparisons: Vec<Comparison>,
    /// (horizon, one [`Totals`] per replication), horizons ascending; empty unless
    /// `settings.england`.
    pub totals: Vec<(i32, Vec<Totals>)>,
}

impl AreaProjection {
    /// Each replication's totals `horizon` years on; `None` if not kept.
    pub fn totals_at(&self, horizon: i32) -> Option<&[Totals]> {
        self.totals.iter().find(|(h, _)| *h == horizon).map(|(_, totals)| totals.as_slice())
    }
}

/// [`backtest_area`], keeping each horizon's totals for England when `settings.england`.
pub fn project_area(
    data: &Dataset,
    area: &Area,
    origin: i32,
    settings: &BacktestSettings,
    past: &PastData,
) -> Result<AreaProjection, SkipReason> {
    if !area.has_year(origin) {
        return Err(SkipReason::NoOriginData);
    }
    let horizons = horizons(area, origin);
    let Some(&last) = horizons.last() else { return Err(SkipReason::NoLaterYear) };
    let run = simulate_from(data, area, origin, last, settings)?;
    let comparisons: Vec<Comparison> =
        horizons.iter().flat_map(|&horizon| compare_horizon(data, area, &run, origin, horizon, past)).collect();
    if comparisons.is_empty() {
        return Err(SkipReason::NoFigures);
    }
    let totals = if settings.england {
        horizons.iter().map(|&horizon| (horizon, totals_at(&run, 12 * horizon as usize))).collect()
    } else {
        Vec::new()
    };
    Ok(AreaProjection { comparisons, totals })
}

/// The area's baseline from the data up to `origin`, simulated for `last_horizon` years with
/// `settings.replications` replications from 30 September of the origin.
fn simulate_from(
    data: &Dataset,
    area: &Area,
    origin: i32,
    last_horizon: i32,
    settings: &BacktestSettings,
) -> Result<ScenarioRun, SkipReason> {
    let generated = init::baseline_scenario_with(data, &area.code, origin, &settings.calibration)
        .map_err(|error| SkipReason::Baseline(error.to_string()))?;
    let run_settings = RunSettings {
        replications: settings.replications,
        seed: pair_seed(settings.seed, &area.code, origin),
        months: Some(12 * last_horizon as u32),
        progress: false,
        // Councils projected from one origin meet the same national years, as in `wfsim national`.
        national_seed: Some(settings.seed),
    };
    let Some(run) = run_all(std::slice::from_ref(&generated.scenario), &run_settings).pop() else {
        return Err(SkipReason::Baseline("nothing was simulated".to_string()));
    };
    if run.date(0).year() != origin || run.date(0).month() != 9 {
        return Err(SkipReason::Baseline(format!("the baseline starts at {}, not September {origin}", run.date(0))));
    }
    // England adds replication r of every council into its replication r: each needs them all.
    if run.replications != settings.replications {
        return Err(SkipReason::Baseline(format!(
            "{} replications simulated, not {}",
            run.replications, settings.replications
        )));
    }
    Ok(run)
}

/// Every figure of the area `horizon` years after `origin` that the data have both then and
/// at the origin, compared with the run's replications.
fn compare_horizon(
    data: &Dataset,
    area: &Area,
    run: &ScenarioRun,
    origin: i32,
    horizon: i32,
    past: &PastData,
) -> Vec<Comparison> {
    let year = origin + horizon;
    let mut comparisons = Vec::new();
    for c in &COMPARED {
        let (Some(actual), Some(naive)) = (c.actual(data, area, year), c.actual(data, area, origin)) else {
            continue;
        };
        let values: Vec<f64> = projected_values(run, c, horizon).into_iter().filter(|v| v.is_finite()).collect();
        if values.is_empty() {
            continue;
        }
        comparisons.push(Comparison {
            area: area.name.clone(),
            code: area.code.clone(),
            origin,
            year,
            metric: c.metric,
            actual,
            naive,
            projected: summarise(&values),
            pit: scores::pit(&values, actual),
            benchmark: past.benchmarks.get(origin, horizon, c.metric).map(|q| q.around(naive, c.change)),
            outside_observed_range: past.ranges.get(origin, c.metric).map(|range| OutsideCount::of(&values, range)),
        });
    }
    comparisons
}

/// Each replication's value of a figure `horizon` years on: a stock at month 12 x horizon, a
/// flow summed over months 12 (horizon - 1) + 1 to 12 x horizon.
pub fn projected_values(run: &ScenarioRun, compared: &Compared, horizon: i32) -> Vec<f64> {
    let end = 12 * horizon as usize;
    if compared.is_flow() {
        sum_over_months(run, end - 11..=end, compared.metric)
    } else {
        run.across_replications(end, compared.metric)
    }
}

/// A finished backtest: every comparison in order, the pairs left out, the benchmark, the
/// observed ranges, and England when formed.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub settings: BacktestSettings,
    /// Council (in the order given), then origin, horizon and figure.
    pub comparisons: Vec<Comparison>,
    pub skipped: Vec<SkippedOrigin>,
    /// Areas tried (each from every origin).
    pub areas: usize,
    pub benchmarks: Benchmarks,
    pub ranges: ObservedRanges,
    /// England as the sum of the councils compared: origin, horizon and figure in order;
    /// `None` unless `settings.england`.
    pub england: Option<Vec<EnglandComparison>>,
}

impl Backtest {
    /// Areas with at least one comparison.
    pub fn areas_compared(&self) -> usize {
        let mut codes: Vec<&str> = self.comparisons.iter().map(|c| c.code.as_str()).collect();
        codes.dedup();
        codes.sort_unstable();
        codes.dedup();
        codes.len()
    }
}

/// Pairs simulated at once per worker thread: the per-replication totals England needs are
/// kept only for the pairs in flight, so memory does not grow with the number of pairs.
const PAIRS_PER_THREAD: usize = 32;

/// Backtests every area given from every origin, the (area, origin) pairs in parallel,
/// keeping their order; pairs that cannot be compared are listed with the reason. With
/// `settings.england`, each pair's totals are added into England's as soon as its batch is
/// done, in the pairs' order, so England's bits do not depend on the thread count either.
pub fn backtest(data: &Dataset, areas: &[&Area], settings: &BacktestSettings) -> Backtest {
    let past = PastData::new(data, settings.origins());
    let pairs: Vec<(&Area, i32)> =
        areas.iter().flat_map(|&area| settings.origins().map(move |origin| (area, origin))).collect();
    let mut comparisons = Vec::new();
    let mut skipped = Vec::new();
    let mut england = settings.england.then(EnglandSums::default);
    let batch = PAIRS_PER_THREAD * rayon::current_num_threads().max(1);
    for batch_pairs in pairs.chunks(batch) {
        let outcomes: Vec<Result<AreaProjection, SkipReason>> =
            batch_pairs.par_iter().map(|&(area, origin)| project_area(data, area, origin, settings, &past)).collect();
        for (&(area, origin), outcome) in batch_pairs.iter().zip(outcomes) {
            match outcome {
                Ok(projection) => {
                    if let Some(sums) = england.as_mut() {
                        sums.add(&projection);
                    }
                    comparisons.extend(projection.comparisons);
                }
                Err(reason) => {
                    skipped.push(SkippedOrigin { area: area.name.clone(), code: area.code.clone(), origin, reason })
                }
            }
        }
    }
    let PastData { benchmarks, ranges } = past;
    Backtest {
        settings: settings.clone(),
        comparisons,
        skipped,
        areas: areas.len(),
        benchmarks,
        ranges,
        england: england.map(|sums| sums.compare(data)),
    }
}

/// The summary scores of one figure and horizon, over every council and origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracy {
    pub metric: Metric,
    pub horizon_years: i32,
    pub count: usize,
    /// Median absolute error of the model's median.
    pub model_median_abs_error: f64,
    /// Median absolute error of the "no change" forecast.
    pub naive_median_abs_error: f64,
    /// Share of actual values inside the model's 50% and 90% intervals.
    pub model_in_50: f64,
    pub model_in_90: f64,
    /// Comparisons the naive-empirical benchmark has an interval for (0 where no past
    /// changes precede any of the origins).
    pub naive_empirical_count: usize,
    /// Share of those inside its 50% and 90% intervals (NaN for none).
    pub naive_empirical_in_50: f64,
    pub naive_empirical_in_90: f64,
    /// Mean interval score of the model, over every comparison.
    pub model_interval_score: f64,
    /// The same over the comparisons the benchmark has an interval for.
    pub model_interval_score_paired: f64,
    /// Mean interval score of the benchmark (NaN for none).
    pub naive_empirical_interval_score: f64,
    /// `model_interval_score_paired / naive_empirical_interval_score`: below 1, the model's
    /// intervals are the better.
    pub interval_score_ratio: f64,
    /// Share of comparisons where the model's median is closer than the naive forecast.
    pub share_model_closer: f64,
    /// For the figures of [`drift::DRIFT_FIGURES`], the replications of every comparison in
    /// the group, and how many fell outside the range councils had shown by their origin;
    /// `None` for the other figures.
    pub outside_observed_range: Option<OutsideCount>,
}

/// The summary by figure (in [`COMPARED`] order) and horizon.
pub fn accuracy(comparisons: &[Comparison]) -> Vec<Accuracy> {
    let mut rows = Vec::new();
    for c in &COMPARED {
        for horizon in HORIZONS {
            let group: Vec<&Comparison> =
                comparisons.iter().filter(|x| x.metric == c.metric && x.horizon() == horizon).collect();
            if let Some(row) = accuracy_of(c.metric, horizon, &group) {
                rows.push(row);
            }
        }
    }
    rows
}

/// The summary of one group of comparisons; `None` for an empty group.
pub fn accuracy_of(metric: Metric, horizon: i32, group: &[&Comparison]) -> Option<Accuracy> {
    if group.is_empty() {
        return None;
    }
    let count = group.len();
    let share = |test: &dyn Fn(&Comparison) -> bool, of: &[&Comparison]| {
        of.iter().filter(|c| test(c)).count() as f64 / of.len() as f64
    };
    let median_abs = |error: &dyn Fn(&Comparison) -> f64| {
        let errors: Vec<f64> = group.iter().map(|c| error(c).abs()).collect();
        summarise(&errors).p50
    };
    let paired: Vec<&Comparison> = group.iter().copied().filter(|c| c.benchmark.is_some()).collect();
    let mean_of = |score: &dyn Fn(&Comparison) -> f64, of: &[&Comparison]| {
        let scores: Vec<f64> = of.iter().map(|c| score(c)).collect();
        mean(&scores)
    };
    let model_paired = mean_of(&|c| c.interval_score(), &paired);
    let benchmark = mean_of(&|c| c.benchmark_interval_score().unwrap_or(f64::NAN), &paired);
    Some(Accuracy {
        metric,
        horizon_years: horizon,
        count,
        model_median_abs_error: median_abs(&|c| c.error()),
        naive_median_abs_error: median_abs(&|c| c.naive_error()),
        model_in_50: share(&|c| c.in_50(), group),
        model_in_90: share(&|c| c.in_90(), group),
        naive_empirical_count: paired.len(),
        naive_empirical_in_50: share(&|c| c.benchmark_in_50() == Some(true), &paired),
        naive_empirical_in_90: share(&|c| c.benchmark_in_90() == Some(true), &paired),
        model_interval_score: mean_of(&|c| c.interval_score(), group),
        model_interval_score_paired: model_paired,
        naive_empirical_interval_score: benchmark,
        interval_score_ratio: model_paired / benchmark,
        share_model_closer: share(&|c| c.error().abs() < c.naive_error().abs(), group),
        outside_observed_range: OutsideCount::total(group.iter().map(|c| c.outside_observed_range)),
    })
}
