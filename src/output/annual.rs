//! `annual.csv`: DfE-style annual figures, one row per scenario, year and metric. Stocks are
//! the position at 30 September of the year; flows are totals over the 12 months to that
//! 30 September, given only for years whose 12 months were all simulated.

use std::io;

use serde::{Deserialize, Serialize};

use super::row::{self, CsvRow};
use super::table::ScenarioTable;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, Summary};

/// One row of `annual.csv`: one metric of one scenario at one 30 September, across
/// replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualRow {
    pub scenario: String,
    /// The year of the 30 September reference date.
    pub year: i32,
    pub metric: Metric,
    #[serde(with = "row::summary")]
    pub summary: Summary,
}

impl CsvRow for AnnualRow {
    const COLUMNS: &'static [&'static str] =
        &["scenario", "year", "metric", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"];
}

pub struct AnnualCsv;

impl ScenarioTable for AnnualCsv {
    fn file_name(&self) -> &'static str {
        "annual.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        AnnualRow::COLUMNS
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        for figure in stats::annual_summaries(run) {
            let stats::AnnualFigure { year, metric, summary } = figure;
            out.serialize(AnnualRow { scenario: run.name.clone(), year, metric, summary })?;
        }
        Ok(())
    }
}
