//! `timeseries.csv`: one row per scenario, month (0 to the horizon) and metric, with the mean
//! and percentiles across replications. Long ("tidy") rows, so that a spreadsheet pivot table
//! or any plotting tool can read them directly.

use std::io::{self, Write};

use super::{OutputFile, format_number};
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, SUMMARY_COLUMNS};

/// The columns before the summary columns.
const KEY_COLUMNS: [&str; 4] = ["scenario", "month", "date", "metric"];

/// Monthly summaries of every scenario.
pub struct TimeseriesCsv<'a> {
    pub runs: &'a [ScenarioRun],
}

impl OutputFile for TimeseriesCsv<'_> {
    fn file_name(&self) -> &str {
        "timeseries.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        let header = KEY_COLUMNS.iter().chain(SUMMARY_COLUMNS.iter());
        writer.write_record(header)?;
        for run in self.runs {
            let summaries = stats::monthly_summaries(run);
            let cells = (0..run.rows_per_replication()).flat_map(|month| Metric::ALL.iter().map(move |&m| (month, m)));
            for ((month, metric), summary) in cells.zip(&summaries) {
                let mut record =
                    vec![run.name.clone(), month.to_string(), run.date(month).to_string(), metric.name().to_string()];
                record.extend(summary.columns().map(format_number));
                writer.write_record(&record)?;
            }
        }
        writer.flush()
    }
}
