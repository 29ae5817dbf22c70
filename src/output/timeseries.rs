//! `timeseries.csv`: one row per scenario, month (0 to the horizon) and metric, with the mean
//! and percentiles across replications. Long ("tidy") rows, so that a spreadsheet pivot table
//! or any plotting tool can read them directly.

use std::io;

use serde::{Deserialize, Serialize};

use super::row::{self, CsvRow};
use super::table::ScenarioTable;
use crate::calendar::YearMonth;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, Summary};

/// One row of `timeseries.csv` (and of `differences.csv`): one metric of one scenario in one
/// month, across replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesRow {
    pub scenario: String,
    /// Months since the starting position (month 0).
    pub month: u32,
    pub date: YearMonth,
    pub metric: Metric,
    #[serde(with = "row::summary")]
    pub summary: Summary,
}

impl CsvRow for SeriesRow {
    const COLUMNS: &'static [&'static str] =
        &["scenario", "month", "date", "metric", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"];
}

impl SeriesRow {
    /// The row of `run`'s `metric` in `month`.
    pub(super) fn new(run: &ScenarioRun, month: u32, metric: Metric, summary: Summary) -> SeriesRow {
        SeriesRow { scenario: run.name.clone(), month, date: run.date(month as usize), metric, summary }
    }
}

/// Monthly summaries of every scenario.
pub struct TimeseriesCsv;

impl ScenarioTable for TimeseriesCsv {
    fn file_name(&self) -> &'static str {
        "timeseries.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        SeriesRow::COLUMNS
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        let summaries = stats::monthly_summaries(run);
        let cells = (0..=run.months).flat_map(|month| Metric::ALL.iter().map(move |&m| (month, m)));
        for ((month, metric), summary) in cells.zip(summaries) {
            out.serialize(SeriesRow::new(run, month, metric, summary))?;
        }
        Ok(())
    }
}
