//! `annual.csv`: DfE-style annual figures, one row per scenario, year and metric. Stocks are
//! the position at 30 September of the year; flows are totals over the 12 months to that
//! 30 September, given only for years whose 12 months were all simulated.

use std::io::{self, Write};

use super::{OutputFile, format_number};
use crate::run::ScenarioRun;
use crate::stats::{self, SUMMARY_COLUMNS};

/// The columns before the summary columns.
const KEY_COLUMNS: [&str; 3] = ["scenario", "year", "metric"];

/// Annual figures of every scenario.
pub struct AnnualCsv<'a> {
    pub runs: &'a [ScenarioRun],
}

impl OutputFile for AnnualCsv<'_> {
    fn file_name(&self) -> &str {
        "annual.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        let header = KEY_COLUMNS.iter().chain(SUMMARY_COLUMNS.iter());
        writer.write_record(header)?;
        for run in self.runs {
            for figure in stats::annual_summaries(run) {
                let mut record = vec![run.name.clone(), figure.year.to_string(), figure.metric.name().to_string()];
                record.extend(figure.summary.columns().map(format_number));
                writer.write_record(&record)?;
            }
        }
        writer.flush()
    }
}
