//! `probabilities.csv`: in what share of replications a rate was below each threshold at each
//! 30 September, for the statements of the report ("in 8 of 10 runs the vacancy rate is below
//! 10% by September 2026"). Thresholds run from 1% to 30% in steps of one point.

use std::io::{self, Write};

use super::{OutputFile, format_number};
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats;

/// The rates with probability statements.
pub const METRICS: [Metric; 3] = [Metric::VacancyRate, Metric::AgencyRate, Metric::TurnoverRate];

/// Thresholds in whole percentage points.
pub const THRESHOLD_POINTS: std::ops::RangeInclusive<u32> = 1..=30;

pub struct ProbabilitiesCsv<'a> {
    pub runs: &'a [ScenarioRun],
}

impl OutputFile for ProbabilitiesCsv<'_> {
    fn file_name(&self) -> &str {
        "probabilities.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["scenario", "year", "metric", "threshold", "share_below"])?;
        for run in self.runs {
            for (year, september) in stats::september_months(run) {
                for metric in METRICS {
                    let values = run.across_replications(september, metric);
                    for points in THRESHOLD_POINTS {
                        let threshold = f64::from(points) / 100.0;
                        writer.write_record([
                            run.name.clone(),
                            year.to_string(),
                            metric.name().to_string(),
                            format_number(threshold),
                            format_number(stats::share_below(&values, threshold)),
                        ])?;
                    }
                }
            }
        }
        writer.flush()
    }
}
