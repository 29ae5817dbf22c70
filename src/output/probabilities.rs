//! `probabilities.csv`: in what share of replications a rate was below each threshold at each
//! 30 September, for the statements of the report ("in 8 of 10 runs the vacancy rate is below
//! 10% by September 2026"). Thresholds run from 1% to 30% in steps of one point.

use std::io;

use serde::{Deserialize, Serialize};

use super::row::{CsvRow, number};
use super::table::ScenarioTable;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats;

/// The rates with probability statements.
pub const METRICS: [Metric; 3] = [Metric::VacancyRate, Metric::AgencyRate, Metric::TurnoverRate];

/// Thresholds in whole percentage points.
pub const THRESHOLD_POINTS: std::ops::RangeInclusive<u32> = 1..=30;

/// One row of `probabilities.csv`: in what share of replications `metric` was below
/// `threshold` (a fraction) at 30 September of `year`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbabilityRow {
    pub scenario: String,
    pub year: i32,
    pub metric: Metric,
    #[serde(with = "number")]
    pub threshold: f64,
    #[serde(with = "number")]
    pub share_below: f64,
}

impl CsvRow for ProbabilityRow {
    const COLUMNS: &'static [&'static str] = &["scenario", "year", "metric", "threshold", "share_below"];
}

pub struct ProbabilitiesCsv;

impl ScenarioTable for ProbabilitiesCsv {
    fn file_name(&self) -> &'static str {
        "probabilities.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        ProbabilityRow::COLUMNS
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        for (year, september) in stats::september_months(run) {
            for metric in METRICS {
                let values = run.across_replications(september, metric);
                for points in THRESHOLD_POINTS {
                    let threshold = f64::from(points) / 100.0;
                    out.serialize(ProbabilityRow {
                        scenario: run.name.clone(),
                        year,
                        metric,
                        threshold,
                        share_below: stats::share_below(&values, threshold),
                    })?;
                }
            }
        }
        Ok(())
    }
}
