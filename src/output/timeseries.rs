//! `timeseries.csv`: one row per scenario, month (0 to the horizon) and metric, with the mean
//! and percentiles across replications. Long ("tidy") rows, so that a spreadsheet pivot table
//! or any plotting tool can read them directly.

use std::io;

use super::FieldBuffer;
use super::table::ScenarioTable;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, SUMMARY_COLUMNS, Summary};

/// The columns before the summary columns (also those of `differences.csv`).
pub(super) const KEY_COLUMNS: [&str; 4] = ["scenario", "month", "date", "metric"];

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
        let mut field = FieldBuffer::default();
        for ((month, metric), summary) in cells.zip(&summaries) {
            write_row(out, &mut field, run, month, metric, summary)?;
        }
        Ok(())
    }
}

/// One row: `run`'s name, the month and its date, the metric, then the summary's columns (the
/// rows of `differences.csv` too).
pub(super) fn write_row(
    out: &mut csv::Writer<Vec<u8>>,
    field: &mut FieldBuffer,
    run: &ScenarioRun,
    month: usize,
    metric: Metric,
    summary: &Summary,
) -> csv::Result<()> {
    out.write_field(&run.name)?;
    out.write_field(field.display(month))?;
    out.write_field(field.display(run.date(month)))?;
    out.write_field(metric.name())?;
    for value in summary.columns() {
        out.write_field(field.number(value))?;
    }
    out.write_record(None::<&[u8]>)
}
