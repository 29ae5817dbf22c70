//! `timeseries.csv`: one row per scenario, month (0 to the horizon) and metric, with the mean
//! and percentiles across replications. Long ("tidy") rows, so that a spreadsheet pivot table
//! or any plotting tool can read them directly.

use std::io;

use super::format_number;
use super::table::ScenarioTable;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, SUMMARY_COLUMNS};

/// The columns before the summary columns.
const KEY_COLUMNS: [&str; 4] = ["scenario", "month", "date", "metric"];

/// Monthly summaries of every scenario.
pub struct TimeseriesCsv;

impl ScenarioTable for TimeseriesCsv {
    fn file_name(&self) -> &'static str {
        "timeseries.csv"
    }

    fn header(&self) -> Vec<&'static str> {
        KEY_COLUMNS.iter().chain(SUMMARY_COLUMNS.iter()).copied().collect()
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        let summaries = stats::monthly_summaries(run);
        let cells = (0..run.rows_per_replication()).flat_map(|month| Metric::ALL.iter().map(move |&m| (month, m)));
        for ((month, metric), summary) in cells.zip(&summaries) {
            let mut record =
                vec![run.name.clone(), month.to_string(), run.date(month).to_string(), metric.name().to_string()];
            record.extend(summary.columns().map(format_number));
            out.write_record(&record)?;
        }
        Ok(())
    }
}
