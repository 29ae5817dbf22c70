//! What `wfsim backtest` writes, for [`crate::output::write_all`], and the summary it prints:
//!
//! - `backtest.csv`: one row per council, origin, horizon and figure;
//! - `backtest_summary.csv`: the scores by figure and horizon ([`Accuracy`]), with the share
//!   of replications outside the range councils had shown ([`super::drift`]);
//! - `backtest_england.csv`: England as the sum of the councils, by origin, horizon and
//!   figure ([`super::england`]), when every council is backtested;
//! - `manifest.json`: what produced them, England's coverage, the observed ranges and the
//!   drift, and the (council, origin) pairs left out;
//! - `charts/calibration.png`/`.svg` and `charts/pit.png`/`.svg`.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::drift::{DRIFT_FIGURES, OutsideCount};
use super::england::{self, ActualSource, EnglandComparison};
use super::scores::{self, Interval, PIT_BINS};
use super::{Accuracy, Backtest, COMPARED, Comparison, HORIZONS, SkipReason};
use crate::engine::metrics::Metric;
use crate::output::manifest::Provenance;
use crate::output::row::{self, CsvRow};
use crate::output::{BytesFile, OutputFile};
use crate::plot::{self, CalibrationPlot, CalibrationSeries, PitPanel, PitPlot, PlotError};
use crate::stats::{QUANTILE_METHOD, Summary};

pub const ROWS_FILE: &str = "backtest.csv";
pub const SUMMARY_FILE: &str = "backtest_summary.csv";
pub const ENGLAND_FILE: &str = "backtest_england.csv";
pub const CALIBRATION_STEM: &str = "charts/calibration";
pub const PIT_STEM: &str = "charts/pit";

/// The columns `backtest.csv` and `backtest_england.csv` share, in this order: a figure
/// projected from an origin to a year, what happened, "no change" (the origin's figure), and
/// the model's percentiles across replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectionColumns {
    pub origin: i32,
    pub year: i32,
    pub horizon_years: i32,
    pub metric: Metric,
    #[serde(with = "row::number")]
    pub actual: f64,
    #[serde(with = "row::number")]
    pub naive: f64,
    #[serde(with = "row::number")]
    pub p5: f64,
    #[serde(with = "row::number")]
    pub p25: f64,
    #[serde(with = "row::number")]
    pub p50: f64,
    #[serde(with = "row::number")]
    pub p75: f64,
    #[serde(with = "row::number")]
    pub p95: f64,
}

impl ProjectionColumns {
    pub const COLUMNS: [&'static str; 11] =
        ["origin", "year", "horizon_years", "metric", "actual", "naive", "p5", "p25", "p50", "p75", "p95"];

    fn new(origin: i32, year: i32, metric: Metric, actual: f64, naive: f64, projected: &Summary) -> Self {
        let Summary { p5, p25, p50, p75, p95, .. } = *projected;
        ProjectionColumns { origin, year, horizon_years: year - origin, metric, actual, naive, p5, p25, p50, p75, p95 }
    }
}

/// One row of `backtest.csv`: a council's projection of one figure from one origin against
/// what happened at one horizon, with the naive forecasts' errors and intervals. The
/// naive-empirical columns are empty where the benchmark has no interval (NaN and `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub area: String,
    pub code: String,
    pub projection: ProjectionColumns,
    #[serde(with = "row::number")]
    pub pit: f64,
    #[serde(with = "row::number")]
    pub error: f64,
    #[serde(with = "row::number")]
    pub naive_error: f64,
    pub in_50: bool,
    pub in_90: bool,
    #[serde(with = "row::number")]
    pub interval_score: f64,
    #[serde(with = "row::number")]
    pub naive_empirical_p5: f64,
    #[serde(with = "row::number")]
    pub naive_empirical_p25: f64,
    #[serde(with = "row::number")]
    pub naive_empirical_p75: f64,
    #[serde(with = "row::number")]
    pub naive_empirical_p95: f64,
    pub naive_empirical_in_50: Option<bool>,
    pub naive_empirical_in_90: Option<bool>,
    #[serde(with = "row::number")]
    pub naive_empirical_interval_score: f64,
}

impl CsvRow for ComparisonRow {
    const COLUMNS: &'static [&'static str] = &row::join::<26>(&[
        &["area", "code"],
        &ProjectionColumns::COLUMNS,
        &[
            "pit",
            "error",
            "naive_error",
            "in_50",
            "in_90",
            "interval_score",
            "naive_empirical_p5",
            "naive_empirical_p25",
            "naive_empirical_p75",
            "naive_empirical_p95",
            "naive_empirical_in_50",
            "naive_empirical_in_90",
            "naive_empirical_interval_score",
        ],
    ]);
}

impl From<&Comparison> for ComparisonRow {
    fn from(c: &Comparison) -> ComparisonRow {
        let b = c.benchmark.as_ref();
        let benchmark = |pick: fn(&Interval) -> f64| b.map_or(f64::NAN, pick);
        ComparisonRow {
            area: c.area.clone(),
            code: c.code.clone(),
            projection: ProjectionColumns::new(c.origin, c.year, c.metric, c.actual, c.naive, &c.projected),
            pit: c.pit,
            error: c.error(),
            naive_error: c.naive_error(),
            in_50: c.in_50(),
            in_90: c.in_90(),
            interval_score: c.interval_score(),
            naive_empirical_p5: benchmark(|b| b.p5),
            naive_empirical_p25: benchmark(|b| b.p25),
            naive_empirical_p75: benchmark(|b| b.p75),
            naive_empirical_p95: benchmark(|b| b.p95),
            naive_empirical_in_50: b.map(|b| b.in_50(c.actual)),
            naive_empirical_in_90: b.map(|b| b.in_90(c.actual)),
            naive_empirical_interval_score: b.map_or(f64::NAN, |b| b.interval_score(c.actual)),
        }
    }
}

/// One row of `backtest_summary.csv`: a figure's scores at one horizon. `wfsim backtest`
/// writes it and the report's "how far to trust" section reads the shipped copy, so the two
/// cannot drift apart. Shares and means over no comparisons are empty (NaN), and so is the
/// share outside the observed range for the figures not checked for drift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub metric: Metric,
    pub horizon_years: i32,
    pub count: usize,
    #[serde(with = "row::number")]
    pub model_median_abs_error: f64,
    #[serde(with = "row::number")]
    pub naive_median_abs_error: f64,
    #[serde(with = "row::number")]
    pub model_in_50: f64,
    #[serde(with = "row::number")]
    pub model_in_90: f64,
    pub naive_empirical_count: usize,
    #[serde(with = "row::number")]
    pub naive_empirical_in_50: f64,
    #[serde(with = "row::number")]
    pub naive_empirical_in_90: f64,
    #[serde(with = "row::number")]
    pub model_interval_score: f64,
    #[serde(with = "row::number")]
    pub model_interval_score_paired: f64,
    #[serde(with = "row::number")]
    pub naive_empirical_interval_score: f64,
    #[serde(with = "row::number")]
    pub interval_score_ratio: f64,
    #[serde(with = "row::number")]
    pub share_model_closer: f64,
    #[serde(with = "row::number")]
    pub share_outside_observed_range: f64,
}

impl CsvRow for SummaryRow {
    const COLUMNS: &'static [&'static str] = &[
        "metric",
        "horizon_years",
        "count",
        "model_median_abs_error",
        "naive_median_abs_error",
        "model_in_50",
        "model_in_90",
        "naive_empirical_count",
        "naive_empirical_in_50",
        "naive_empirical_in_90",
        "model_interval_score",
        "model_interval_score_paired",
        "naive_empirical_interval_score",
        "interval_score_ratio",
        "share_model_closer",
        "share_outside_observed_range",
    ];
}

impl From<&Accuracy> for SummaryRow {
    fn from(a: &Accuracy) -> SummaryRow {
        SummaryRow {
            metric: a.metric,
            horizon_years: a.horizon_years,
            count: a.count,
            model_median_abs_error: a.model_median_abs_error,
            naive_median_abs_error: a.naive_median_abs_error,
            model_in_50: a.model_in_50,
            model_in_90: a.model_in_90,
            naive_empirical_count: a.naive_empirical_count,
            naive_empirical_in_50: a.naive_empirical_in_50,
            naive_empirical_in_90: a.naive_empirical_in_90,
            model_interval_score: a.model_interval_score,
            model_interval_score_paired: a.model_interval_score_paired,
            naive_empirical_interval_score: a.naive_empirical_interval_score,
            interval_score_ratio: a.interval_score_ratio,
            share_model_closer: a.share_model_closer,
            share_outside_observed_range: a.outside_observed_range.map_or(f64::NAN, |count| count.share()),
        }
    }
}

/// One row of `backtest_england.csv`: England's projection of one figure from one origin, as
/// the sum of the councils compared, against what happened at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnglandRow {
    pub projection: ProjectionColumns,
    pub in_90: bool,
    pub councils: usize,
    pub actual_source: ActualSource,
}

impl CsvRow for EnglandRow {
    const COLUMNS: &'static [&'static str] =
        &row::join::<14>(&[&ProjectionColumns::COLUMNS, &["in_90", "councils", "actual_source"]]);
}

impl From<&EnglandComparison> for EnglandRow {
    fn from(e: &EnglandComparison) -> EnglandRow {
        EnglandRow {
            projection: ProjectionColumns::new(e.origin, e.year, e.metric, e.actual, e.naive, &e.projected),
            in_90: e.in_90(),
            councils: e.councils,
            actual_source: e.actual_source,
        }
    }
}

/// `backtest.csv`: one row per council, origin, horizon and figure. The naive-empirical
/// columns are empty where the benchmark has no interval.
pub struct RowsCsv<'a> {
    pub comparisons: &'a [Comparison],
}

impl OutputFile for RowsCsv<'_> {
    fn file_name(&self) -> &str {
        ROWS_FILE
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        row::write_rows(out, self.comparisons.iter().map(ComparisonRow::from))
    }
}

/// `backtest_summary.csv`: the scores by figure and horizon. Shares and means over no
/// comparisons are empty, and so is the share outside the observed range for the figures not
/// checked for drift.
pub struct SummaryCsv<'a> {
    pub rows: &'a [Accuracy],
}

impl OutputFile for SummaryCsv<'_> {
    fn file_name(&self) -> &str {
        SUMMARY_FILE
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        row::write_rows(out, self.rows.iter().map(SummaryRow::from))
    }
}

/// `backtest_england.csv`: one row per origin, horizon and figure of England as the sum of the
/// councils compared; `actual_source` says whether `actual` and `naive` are England's
/// published figure or the sum of the same councils' ([`ActualSource`]).
pub struct EnglandCsv<'a> {
    pub rows: &'a [EnglandComparison],
}

impl OutputFile for EnglandCsv<'_> {
    fn file_name(&self) -> &str {
        ENGLAND_FILE
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        row::write_rows(out, self.rows.iter().map(EnglandRow::from))
    }
}

/// `manifest.json` of a backtest: what produced it, how it was scored, and every (council,
/// origin) left out with the reason. Nothing that varies between identical runs.
#[derive(Debug, Serialize)]
pub struct BacktestManifest {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub origins: Vec<i32>,
    pub horizons: Vec<i32>,
    /// Areas tried from every origin, and those with at least one comparison.
    pub councils: usize,
    pub councils_compared: usize,
    pub comparisons: usize,
    pub quantile_method: &'static str,
    pub seeding: &'static str,
    pub scores: Vec<&'static str>,
    pub figures: Vec<ManifestFigure>,
    /// For each origin, horizon and figure, the past changes the naive-empirical intervals
    /// come from (0: no interval).
    pub naive_empirical_pairs: Vec<ManifestPairs>,
    /// England as the sum of the councils: how it is made and how often its actual fell
    /// inside the 90% interval; `null` when one council is backtested.
    pub england: Option<ManifestEngland>,
    /// How the observed ranges are taken, and what is counted outside them.
    pub observed_range_method: &'static str,
    /// For each origin and figure checked for drift, the range of values over every council
    /// and year up to the origin (council-years with no permanent staff left out).
    pub observed_ranges: Vec<ManifestRange>,
    /// For each figure checked for drift and horizon, the replications (every council and
    /// origin) and how many fell outside the origin's observed range.
    pub share_outside_observed_range: Vec<ManifestOutside>,
    pub skipped: Vec<ManifestSkipped>,
}

#[derive(Debug, Serialize)]
pub struct ManifestEngland {
    pub method: Vec<&'static str>,
    pub figures: Vec<ManifestEnglandFigure>,
}

#[derive(Debug, Serialize)]
pub struct ManifestEnglandFigure {
    pub metric: &'static str,
    pub actual_source: &'static str,
    /// Origin-horizon pairs compared, and those with England's actual inside the 90% interval.
    pub pairs: usize,
    pub in_90: usize,
    pub horizons: Vec<ManifestEnglandHorizon>,
}

#[derive(Debug, Serialize)]
pub struct ManifestEnglandHorizon {
    pub horizon_years: i32,
    pub pairs: usize,
    pub in_90: usize,
}

#[derive(Debug, Serialize)]
pub struct ManifestRange {
    pub origin: i32,
    pub metric: &'static str,
    /// `null` where no council has the figure by the origin.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// (council, year) values the range is taken over.
    pub values: usize,
}

#[derive(Debug, Serialize)]
pub struct ManifestOutside {
    pub metric: &'static str,
    pub horizon_years: i32,
    pub replications: usize,
    pub outside: usize,
    /// `outside / replications`; `null` for none.
    pub share: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct ManifestFigure {
    pub metric: &'static str,
    pub dfe_column: &'static str,
    /// Multiplies the DfE value (0.01: a percentage as a fraction).
    pub scale: f64,
    /// "stock" (value at 30 September) or "flow" (sum over the year to it).
    pub kind: &'static str,
    /// How the naive-empirical benchmark measures its change.
    pub change: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ManifestPairs {
    pub origin: i32,
    pub horizon_years: i32,
    pub metric: &'static str,
    pub pairs: usize,
}

#[derive(Debug, Serialize)]
pub struct ManifestSkipped {
    pub area: String,
    pub code: String,
    pub origin: i32,
    pub reason: String,
}

impl BacktestManifest {
    pub fn new(backtest: &Backtest) -> BacktestManifest {
        let settings = &backtest.settings;
        BacktestManifest {
            provenance: Provenance::new(settings.seed, settings.replications),
            origins: settings.origins().collect(),
            horizons: HORIZONS.to_vec(),
            councils: backtest.areas,
            councils_compared: backtest.areas_compared(),
            comparisons: backtest.comparisons.len(),
            quantile_method: QUANTILE_METHOD,
            seeding: "each (council, origin) uses the master seed mixed with the council's code and the origin; \
                      each baseline is built from the data up to its origin only, as `wfsim init` builds it",
            scores: vec![
                "error: model median minus actual; naive_error: origin value minus actual",
                "in_50, in_90: actual within p25-p75, p5-p95 (ends included)",
                "interval_score: Winkler, alpha 0.1: (p95 - p5) + 20 max(0, p5 - actual) + 20 max(0, actual - p95)",
                "pit: share of replications below the actual plus half the share equal to it",
                "naive_empirical: the origin value, with intervals from the 5th, 25th, 75th and 95th percentiles \
                 of the changes over the same number of years across all councils, from pairs of years ending by \
                 the origin (rates: differences; counts and caseload: log ratios)",
            ],
            figures: COMPARED
                .iter()
                .map(|c| ManifestFigure {
                    metric: c.metric.name(),
                    dfe_column: c.field.column(),
                    scale: c.scale,
                    kind: if c.is_flow() { "flow" } else { "stock" },
                    change: c.change.name(),
                })
                .collect(),
            naive_empirical_pairs: backtest
                .benchmarks
                .entries()
                .iter()
                .map(|(origin, horizon, metric, quantiles)| ManifestPairs {
                    origin: *origin,
                    horizon_years: *horizon,
                    metric: metric.name(),
                    pairs: quantiles.map_or(0, |q| q.count),
                })
                .collect(),
            england: backtest.england.as_deref().map(manifest_england),
            observed_range_method: "for caseload, vacancy rate and agency rate: the lowest and highest value over \
                                    every council and every year up to the origin, council-years with FTE in post 0 \
                                    left out (their rates are 100% by definition); a replication on an end is inside",
            observed_ranges: backtest
                .ranges
                .entries()
                .iter()
                .map(|(origin, metric, range)| ManifestRange {
                    origin: *origin,
                    metric: metric.name(),
                    min: range.map(|r| r.min),
                    max: range.map(|r| r.max),
                    values: range.map_or(0, |r| r.values),
                })
                .collect(),
            share_outside_observed_range: outside_by_figure(&backtest.comparisons)
                .into_iter()
                .map(|(metric, horizon, count)| ManifestOutside {
                    metric: metric.name(),
                    horizon_years: horizon,
                    replications: count.replications,
                    outside: count.outside,
                    share: Some(count.share()).filter(|share| share.is_finite()),
                })
                .collect(),
            skipped: backtest
                .skipped
                .iter()
                .map(|s| ManifestSkipped {
                    area: s.area.clone(),
                    code: s.code.clone(),
                    origin: s.origin,
                    reason: s.reason.to_string(),
                })
                .collect(),
        }
    }
}

/// What the manifest says of England: the method, and the coverage of each figure.
fn manifest_england(rows: &[EnglandComparison]) -> ManifestEngland {
    ManifestEngland {
        method: vec![
            "each replication: the councils' replications of the same index added up (they share national years)",
            "councils: those compared on the figure from the origin at the horizon (a row of backtest.csv)",
            "rates: ratios of the sums (vacancy FTE / (vacancy FTE + FTE in post), agency FTE / (agency FTE + FTE \
             in post), leavers FTE / FTE in post, open cases / case-holding FTE), compared with England's DfE figure",
            "counts (FTE in post, starters, leavers): compared with the sum of the same councils' DfE figures, as the \
             councils compared do not cover all of England",
            "in_90: actual within p5-p95 (ends included)",
        ],
        figures: england::coverage(rows)
            .into_iter()
            .map(|figure| ManifestEnglandFigure {
                metric: figure.metric.name(),
                actual_source: ActualSource::of(figure.metric).name(),
                pairs: figure.pairs(),
                in_90: figure.inside(),
                horizons: figure
                    .by_horizon
                    .iter()
                    .map(|&(horizon_years, pairs, in_90)| ManifestEnglandHorizon { horizon_years, pairs, in_90 })
                    .collect(),
            })
            .collect(),
    }
}

/// For each figure checked for drift (in [`DRIFT_FIGURES`] order) and horizon with
/// comparisons, the replications outside the observed range, over every council and origin.
pub fn outside_by_figure(comparisons: &[Comparison]) -> Vec<(crate::engine::metrics::Metric, i32, OutsideCount)> {
    let mut rows = Vec::new();
    for metric in DRIFT_FIGURES {
        for horizon in HORIZONS {
            let group = comparisons.iter().filter(|c| c.metric == metric && c.horizon() == horizon);
            if let Some(count) = OutsideCount::total(group.map(|c| c.outside_observed_range)) {
                rows.push((metric, horizon, count));
            }
        }
    }
    rows
}

impl OutputFile for BacktestManifest {
    fn file_name(&self) -> &str {
        "manifest.json"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        crate::output::write_json(out, self)
    }
}

/// The PITs of one figure's comparisons, every origin and horizon.
fn pits_of(comparisons: &[Comparison], metric: crate::engine::metrics::Metric) -> Vec<f64> {
    comparisons.iter().filter(|c| c.metric == metric).map(|c| c.pit).collect()
}

/// The calibration and PIT charts: `charts/calibration.png`, `.svg`, `charts/pit.png`, `.svg`.
pub fn charts(backtest: &Backtest) -> Result<Vec<BytesFile>, PlotError> {
    let comparisons = &backtest.comparisons;
    let origins = origins_label(backtest);
    let calibration = CalibrationPlot {
        title: format!("Calibration of the model's intervals, origins {origins}, every horizon"),
        series: COMPARED
            .iter()
            .map(|c| {
                let pits = pits_of(comparisons, c.metric);
                CalibrationSeries {
                    label: c.label().to_string(),
                    points: if pits.is_empty() { Vec::new() } else { scores::coverage_curve(&pits) },
                }
            })
            .collect(),
    };
    let pit = PitPlot {
        title: format!("PIT of what happened in the model's replications, origins {origins}"),
        panels: COMPARED
            .iter()
            .map(|c| {
                let pits = pits_of(comparisons, c.metric);
                let counts = scores::pit_histogram(&pits, PIT_BINS);
                let total: usize = counts.iter().sum();
                PitPanel {
                    title: format!("{} (n = {total})", c.label()),
                    shares: counts.iter().map(|&n| if total > 0 { n as f64 / total as f64 } else { 0.0 }).collect(),
                    count: total,
                }
            })
            .collect(),
    };
    let (calibration_png, calibration_svg) = plot::calibration_chart(&calibration)?;
    let (pit_png, pit_svg) = plot::pit_chart(&pit)?;
    Ok(vec![
        BytesFile { name: format!("{CALIBRATION_STEM}.png"), bytes: calibration_png },
        BytesFile { name: format!("{CALIBRATION_STEM}.svg"), bytes: calibration_svg.into_bytes() },
        BytesFile { name: format!("{PIT_STEM}.png"), bytes: pit_png },
        BytesFile { name: format!("{PIT_STEM}.svg"), bytes: pit_svg.into_bytes() },
    ])
}

/// `2018-2023`, or `2021` for one origin.
fn origins_label(backtest: &Backtest) -> String {
    let settings = &backtest.settings;
    if settings.from == settings.to { settings.from.to_string() } else { format!("{}-{}", settings.from, settings.to) }
}

/// What `wfsim backtest` prints: a line per figure and horizon, with the errors of the
/// model's median and of "no change", the model's coverage, and the interval scores of the
/// model and the naive-empirical benchmark over the comparisons the benchmark has.
pub fn summary_lines(backtest: &Backtest, rows: &[Accuracy]) -> Vec<String> {
    let settings = &backtest.settings;
    let mut lines = vec![
        format!(
            "Backtest: {} area(s) projected from 30 September of {}, {} comparisons, {} replications, seed {}.",
            backtest.areas_compared(),
            if settings.from == settings.to {
                settings.from.to_string()
            } else {
                format!("each year {} to {}", settings.from, settings.to)
            },
            backtest.comparisons.len(),
            settings.replications,
            settings.seed
        ),
        format!(
            "{:<13} {:>2} {:>5} {:>9} {:>9} {:>11} {:>11} {:>11} {:>10} {:>6}",
            "figure", "h", "n", "model MAE", "naive MAE", "model 50/90", "n-e 50/90", "IS model", "IS n-e", "ratio"
        ),
    ];
    let coverage = |in_50: f64, in_90: f64| {
        if in_50.is_nan() { "-".to_string() } else { format!("{:.0}/{:.0}%", in_50 * 100.0, in_90 * 100.0) }
    };
    let number = |value: f64, decimals: usize| {
        if value.is_finite() { format!("{value:.decimals$}") } else { "-".to_string() }
    };
    for row in rows {
        let Some(c) = super::compared(row.metric) else { continue };
        let k = c.print_scale();
        let decimals =
            if c.metric.is_rate() || c.metric == crate::engine::metrics::Metric::AvgCaseload { 2 } else { 1 };
        lines.push(format!(
            "{:<13} {:>2} {:>5} {:>9} {:>9} {:>11} {:>11} {:>11} {:>10} {:>6}",
            c.label(),
            row.horizon_years,
            row.count,
            number(row.model_median_abs_error * k, decimals),
            number(row.naive_median_abs_error * k, decimals),
            coverage(row.model_in_50, row.model_in_90),
            if row.naive_empirical_count == 0 {
                "none".to_string()
            } else {
                coverage(row.naive_empirical_in_50, row.naive_empirical_in_90)
            },
            number(row.model_interval_score_paired * k, decimals),
            number(row.naive_empirical_interval_score * k, decimals),
            number(row.interval_score_ratio, 2),
        ));
    }
    lines.extend(
        [
            "h: years ahead. Rates in percentage points, caseload in cases per FTE.",
            "MAE: median absolute error of the model's median and of \"no change\".",
            "model 50/90: actual values inside the model's 50% and 90% intervals.",
            "n-e: naive-empirical, \"no change\" with intervals from past changes across councils.",
            "IS: mean interval score of the 90% interval (lower is better), over the comparisons n-e has an",
            "interval for; ratio: IS model / IS n-e (below 1: the model's intervals are the better).",
        ]
        .map(String::from),
    );
    let mut without: Vec<String> = Vec::new();
    for horizon in HORIZONS {
        let origins: Vec<i32> = settings
            .origins()
            .filter(|&origin| COMPARED.iter().any(|c| backtest.benchmarks.get(origin, horizon, c.metric).is_none()))
            .collect();
        if !origins.is_empty() {
            without.push(format!("{horizon} year(s) ahead from {}", crate::dataset::years_label(&origins)));
        }
    }
    if !without.is_empty() {
        lines.push(format!(
            "No naive-empirical interval {}: no pair of years ends by the origin (count 0 in manifest.json); \
             those comparisons are left out of its scores and of the paired model score.",
            without.join(", ")
        ));
    }
    lines.extend(drift_lines(rows));
    lines.extend(england_lines(backtest));
    lines
}

/// "1 year", "2 years".
fn years(horizon: i32) -> String {
    if horizon == 1 { "1 year".to_string() } else { format!("{horizon} years") }
}

/// A line per figure checked for drift: the share of replications outside the range
/// councils had shown by the origin, at each horizon.
pub fn drift_lines(rows: &[Accuracy]) -> Vec<String> {
    let mut lines = Vec::new();
    for metric in DRIFT_FIGURES {
        let Some(c) = super::compared(metric) else { continue };
        let shares: Vec<String> = rows
            .iter()
            .filter(|row| row.metric == metric)
            .filter_map(|row| {
                let count = row.outside_observed_range?;
                Some(format!("{} ahead {:.1}%", years(row.horizon_years), 100.0 * count.share()))
            })
            .collect();
        if !shares.is_empty() {
            lines.push(format!("  {:<13} {}", c.label(), shares.join(", ")));
        }
    }
    if !lines.is_empty() {
        lines.insert(
            0,
            "Replications outside the range councils had shown by the origin (lowest to highest over every \
             council and year up to it, years with no permanent staff left out):"
                .to_string(),
        );
    }
    lines
}

/// A line per figure: how often England's actual fell inside the 90% interval of the councils
/// added up, by horizon, what it was compared with, and how many councils were added.
pub fn england_lines(backtest: &Backtest) -> Vec<String> {
    let Some(rows) = backtest.england.as_deref() else {
        return vec!["England: not formed from one area (with --all, the councils are added up into England).".into()];
    };
    let mut lines = vec![
        "England, the councils compared added up replication by replication: actual inside the 90% interval in"
            .to_string(),
    ];
    for figure in england::coverage(rows) {
        let Some(c) = super::compared(figure.metric) else { continue };
        let by_horizon: Vec<String> = figure
            .by_horizon
            .iter()
            .map(|&(horizon, pairs, inside)| format!("{} ahead {inside}/{pairs}", years(horizon)))
            .collect();
        let councils: Vec<usize> = rows.iter().filter(|r| r.metric == figure.metric).map(|r| r.councils).collect();
        let (fewest, most) = (councils.iter().min().copied().unwrap_or(0), councils.iter().max().copied().unwrap_or(0));
        lines.push(format!(
            "  {:<13} {} of {} origin-horizon pairs ({}), {}; {} councils",
            c.label(),
            figure.inside(),
            figure.pairs(),
            by_horizon.join(", "),
            ActualSource::of(figure.metric).description(),
            if fewest == most { fewest.to_string() } else { format!("{fewest}-{most}") },
        ));
    }
    if lines.len() == 1 {
        lines = vec!["England: no figure could be compared.".to_string()];
    }
    lines
}

/// The pairs left out, one line per area: each reason with the origins it applies to.
pub fn skipped_lines(backtest: &Backtest) -> Vec<String> {
    let mut lines = Vec::new();
    for group in backtest.skipped.chunk_by(|a, b| a.code == b.code) {
        let mut reasons: Vec<(String, Vec<i32>)> = Vec::new();
        for s in group {
            // Why no baseline could be built names the year: one entry for them all, the
            // last year's reason shown (every reason is in manifest.json).
            let reason = match &s.reason {
                SkipReason::Baseline(reason) => format!("no baseline; in {}: {reason}", s.origin),
                other => other.to_string(),
            };
            let key = |text: &str| text.starts_with("no baseline; ");
            match reasons.iter_mut().find(|(known, _)| *known == reason || (key(known) && key(&reason))) {
                Some((known, origins)) => {
                    *known = reason;
                    origins.push(s.origin);
                }
                None => reasons.push((reason, vec![s.origin])),
            }
        }
        let reasons: Vec<String> = reasons
            .iter()
            .map(|(reason, origins)| format!("{} ({reason})", crate::dataset::years_label(origins)))
            .collect();
        lines.push(format!("Skipped {} ({}) from {}", group[0].area, group[0].code, reasons.join(" and from ")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rows` as their file's text.
    fn text<R: CsvRow>(rows: impl IntoIterator<Item = R>) -> String {
        let mut bytes = Vec::new();
        row::write_rows(&mut bytes, rows).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    fn projected() -> Summary {
        Summary { mean: 0.2, p5: 0.1, p10: 0.12, p25: 0.15, p50: 0.2, p75: 0.25, p90: 0.28, p95: 0.3 }
    }

    #[test]
    fn backtest_csv_has_the_columns_it_always_had_and_empty_cells_without_a_benchmark() {
        let mut comparison = Comparison {
            area: "Bristol, City of".into(),
            code: "E06000023".into(),
            origin: 2019,
            year: 2021,
            metric: Metric::VacancyRate,
            actual: 0.25,
            naive: 0.5,
            projected: projected(),
            pit: 0.625,
            benchmark: None,
            outside_observed_range: None,
        };
        let without = text([ComparisonRow::from(&comparison)]);
        comparison.benchmark = Some(Interval { p5: 0.0, p25: 0.125, p75: 0.375, p95: 0.5 });
        let with = text([ComparisonRow::from(&comparison)]);
        let header = "area,code,origin,year,horizon_years,metric,actual,naive,p5,p25,p50,p75,p95,pit,error,\
                      naive_error,in_50,in_90,interval_score,naive_empirical_p5,naive_empirical_p25,\
                      naive_empirical_p75,naive_empirical_p95,naive_empirical_in_50,naive_empirical_in_90,\
                      naive_empirical_interval_score";
        let start = "\"Bristol, City of\",E06000023,2019,2021,2,vacancy_rate,0.25,0.5,0.1,0.15,0.2,0.25,0.3,0.625,";
        let lines: Vec<&str> = without.lines().collect();
        assert_eq!(lines[0], header);
        assert!(lines[1].starts_with(start) && lines[1].ends_with(",,,,,,,"), "{}", lines[1]);
        let with_line = with.lines().nth(1).unwrap();
        assert!(with_line.ends_with(",0,0.125,0.375,0.5,true,true,0.5"), "{with_line}");
        assert_eq!(read_rows_of(&without)[0].naive_empirical_in_50, None);
        assert_eq!(read_rows_of(&with)[0], ComparisonRow::from(&comparison));
    }

    fn read_rows_of(text: &str) -> Vec<ComparisonRow> {
        row::read_rows(text.as_bytes()).unwrap()
    }

    #[test]
    fn backtest_england_csv_has_the_columns_it_always_had() {
        let comparison = EnglandComparison {
            origin: 2019,
            year: 2020,
            metric: Metric::FteInPost,
            actual: 31_000.5,
            actual_source: ActualSource::SameCouncils,
            naive: 30_000.0,
            projected: projected(),
            councils: 150,
        };
        let written = text([EnglandRow::from(&comparison)]);
        assert_eq!(
            written,
            "origin,year,horizon_years,metric,actual,naive,p5,p25,p50,p75,p95,in_90,councils,actual_source\n\
             2019,2020,1,fte_in_post,31000.5,30000,0.1,0.15,0.2,0.25,0.3,false,150,sum_of_councils_compared\n"
        );
        let read: Vec<EnglandRow> = row::read_rows(written.as_bytes()).unwrap();
        assert_eq!(read, [EnglandRow::from(&comparison)]);
    }
}
