//! How good are the projections? Each council's baseline is built from the data up to a year
//! (`wfsim init`), projected to 30 September of each later year in the data, and compared
//! with what happened, beside a naive forecast that nothing changes.

use std::io::{self, Write};

use rayon::prelude::*;

use crate::dataset::{Area, Dataset, Field, Level};
use crate::engine::metrics::Metric;
use crate::init::{self, Calibration, InitError};
use crate::output::{OutputFile, format_number};
use crate::run::{RunSettings, run_all};
use crate::stats::{Summary, summarise};

/// The figures compared: the model's metric and the DfE column it is checked against (rates
/// in the data are percentages).
pub const COMPARED: [(Metric, Field, f64); 4] = [
    (Metric::FteInPost, Field::InpostFte, 1.0),
    (Metric::VacancyRate, Field::VacancyRateFte, 0.01),
    (Metric::TurnoverRate, Field::TurnoverRateFte, 0.01),
    (Metric::AgencyRate, Field::AgencyRateFte, 0.01),
];

/// How a backtest is run.
#[derive(Debug, Clone)]
pub struct BacktestSettings {
    /// The year of the 30 September position projected from.
    pub from_year: i32,
    pub replications: u32,
    pub seed: u64,
    /// How each baseline's retention is calibrated to its turnover before the year.
    pub calibration: Calibration,
}

/// One projected figure against what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub area: String,
    pub code: String,
    pub from_year: i32,
    pub year: i32,
    pub metric: Metric,
    pub actual: f64,
    /// The figure in `from_year`: the "no change" forecast.
    pub naive: f64,
    pub projected: Summary,
}

impl Comparison {
    pub fn error(&self) -> f64 {
        self.projected.p50 - self.actual
    }

    pub fn naive_error(&self) -> f64 {
        self.naive - self.actual
    }

    pub fn in_50(&self) -> bool {
        (self.projected.p25..=self.projected.p75).contains(&self.actual)
    }

    pub fn in_90(&self) -> bool {
        (self.projected.p5..=self.projected.p95).contains(&self.actual)
    }
}

/// An area left out of the backtest, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub area: String,
    pub reason: String,
}

/// The councils (or the one area) to test: those with data in `from_year` and a later year.
pub fn councils(data: &Dataset) -> Vec<&Area> {
    data.areas().iter().filter(|area| area.level == Level::LocalAuthority).collect()
}

/// Backtests one area; `Ok(empty)` if it has no later year to compare with.
pub fn backtest_area(data: &Dataset, area: &Area, settings: &BacktestSettings) -> Result<Vec<Comparison>, InitError> {
    let from = settings.from_year;
    let later: Vec<i32> = (from + 1..=area.last_year()).filter(|&year| area.has_year(year)).collect();
    let Some(&last) = later.last() else { return Ok(Vec::new()) };
    let generated = init::baseline_scenario_with(data, &area.code, from, &settings.calibration)?;
    let run_settings = RunSettings {
        replications: settings.replications,
        seed: settings.seed,
        months: Some(12 * (last - from) as u32),
        progress: false,
        national_seed: None,
    };
    let run = run_all(std::slice::from_ref(&generated.scenario), &run_settings).remove(0);
    let value_in = |year: i32, field: Field, scale: f64| data.figures(area, year)?.value(field).map(|v| v * scale);
    let mut comparisons = Vec::new();
    for year in later {
        let month = 12 * (year - from) as usize;
        for (metric, field, scale) in COMPARED {
            let (Some(actual), Some(naive)) = (value_in(year, field, scale), value_in(from, field, scale)) else {
                continue;
            };
            comparisons.push(Comparison {
                area: area.name.clone(),
                code: area.code.clone(),
                from_year: from,
                year,
                metric,
                actual,
                naive,
                projected: summarise(run.replications_of(month, metric)),
            });
        }
    }
    Ok(comparisons)
}

/// Backtests every area given, in parallel, keeping their order; areas that cannot be
/// projected (no staff, no data in the year) are listed with the reason.
pub fn backtest_areas(data: &Dataset, areas: &[&Area], settings: &BacktestSettings) -> (Vec<Comparison>, Vec<Skipped>) {
    let outcomes: Vec<Result<Vec<Comparison>, Skipped>> = areas
        .par_iter()
        .map(|area| {
            if !area.has_year(settings.from_year) {
                return Err(Skipped { area: area.name.clone(), reason: format!("no data for {}", settings.from_year) });
            }
            backtest_area(data, area, settings)
                .map_err(|error| Skipped { area: area.name.clone(), reason: error.to_string() })
        })
        .collect();
    let mut comparisons = Vec::new();
    let mut skipped = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(rows) => comparisons.extend(rows),
            Err(reason) => skipped.push(reason),
        }
    }
    (comparisons, skipped)
}

/// Summary error figures for one metric and horizon (years after the start).
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
    pub share_in_50: f64,
    pub share_in_90: f64,
    /// Share of comparisons where the model's median is closer than the naive forecast.
    pub share_model_closer: f64,
}

/// Accuracy by metric and horizon, in `COMPARED` order then horizon.
pub fn accuracy(comparisons: &[Comparison]) -> Vec<Accuracy> {
    let mut horizons: Vec<i32> = comparisons.iter().map(|c| c.year - c.from_year).collect();
    horizons.sort_unstable();
    horizons.dedup();
    let mut rows = Vec::new();
    for (metric, _, _) in COMPARED {
        for &horizon in &horizons {
            let group: Vec<&Comparison> =
                comparisons.iter().filter(|c| c.metric == metric && c.year - c.from_year == horizon).collect();
            if group.is_empty() {
                continue;
            }
            let count = group.len();
            let share =
                |test: &dyn Fn(&Comparison) -> bool| group.iter().filter(|c| test(c)).count() as f64 / count as f64;
            let median_abs = |error: &dyn Fn(&Comparison) -> f64| {
                let errors: Vec<f64> = group.iter().map(|c| error(c).abs()).collect();
                summarise(&errors).p50
            };
            rows.push(Accuracy {
                metric,
                horizon_years: horizon,
                count,
                model_median_abs_error: median_abs(&|c| c.error()),
                naive_median_abs_error: median_abs(&|c| c.naive_error()),
                share_in_50: share(&|c| c.in_50()),
                share_in_90: share(&|c| c.in_90()),
                share_model_closer: share(&|c| c.error().abs() < c.naive_error().abs()),
            });
        }
    }
    rows
}

/// `backtest.csv`: one row per council, year and figure.
pub struct BacktestCsv<'a> {
    pub comparisons: &'a [Comparison],
}

impl OutputFile for BacktestCsv<'_> {
    fn file_name(&self) -> &str {
        "backtest.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "area",
            "code",
            "from_year",
            "year",
            "metric",
            "actual",
            "naive",
            "p5",
            "p25",
            "p50",
            "p75",
            "p95",
            "error",
            "naive_error",
            "in_50",
            "in_90",
        ])?;
        for c in self.comparisons {
            let p = &c.projected;
            writer.write_record([
                c.area.clone(),
                c.code.clone(),
                c.from_year.to_string(),
                c.year.to_string(),
                c.metric.name().to_string(),
                format_number(c.actual),
                format_number(c.naive),
                format_number(p.p5),
                format_number(p.p25),
                format_number(p.p50),
                format_number(p.p75),
                format_number(p.p95),
                format_number(c.error()),
                format_number(c.naive_error()),
                c.in_50().to_string(),
                c.in_90().to_string(),
            ])?;
        }
        writer.flush()
    }
}

/// `backtest_summary.csv`: accuracy by figure and horizon, model beside the naive forecast.
pub struct AccuracyCsv<'a> {
    pub rows: &'a [Accuracy],
}

impl OutputFile for AccuracyCsv<'_> {
    fn file_name(&self) -> &str {
        "backtest_summary.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "metric",
            "horizon_years",
            "count",
            "model_median_abs_error",
            "naive_median_abs_error",
            "share_in_50",
            "share_in_90",
            "share_model_closer",
        ])?;
        for row in self.rows {
            writer.write_record([
                row.metric.name().to_string(),
                row.horizon_years.to_string(),
                row.count.to_string(),
                format_number(row.model_median_abs_error),
                format_number(row.naive_median_abs_error),
                format_number(row.share_in_50),
                format_number(row.share_in_90),
                format_number(row.share_model_closer),
            ])?;
        }
        writer.flush()
    }
}
