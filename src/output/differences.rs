//! `differences.csv`: each option minus the baseline, paired by replication, for every month
//! and metric: the effect of the option with the luck both runs share taken out. Same columns
//! as `timeseries.csv`; the baseline itself has no rows, nor an option that cannot be paired
//! with it (a different start month).

use std::io::{self, Write};

use super::{OutputFile, format_number};
use crate::engine::metrics::Metric;
use crate::run::{self, ScenarioRun};
use crate::stats::{self, SUMMARY_COLUMNS};

pub struct DifferencesCsv<'a> {
    pub runs: &'a [ScenarioRun],
}

impl OutputFile for DifferencesCsv<'_> {
    fn file_name(&self) -> &str {
        "differences.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["scenario", "month", "date", "metric"].iter().chain(SUMMARY_COLUMNS.iter()))?;
        let Some(baseline) = run::baseline(self.runs) else { return writer.flush() };
        for option in self.runs.iter().filter(|run| run.name != baseline.name) {
            let Some(summaries) = stats::paired_difference_summaries(option, baseline) else { continue };
            let cells = (0..).flat_map(|month| Metric::ALL.iter().map(move |&metric| (month, metric)));
            for ((month, metric), summary) in cells.zip(&summaries) {
                let mut record = vec![
                    option.name.clone(),
                    month.to_string(),
                    option.date(month).to_string(),
                    metric.name().to_string(),
                ];
                record.extend(summary.columns().map(format_number));
                writer.write_record(&record)?;
            }
        }
        writer.flush()
    }
}
