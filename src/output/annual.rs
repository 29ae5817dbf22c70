//! `annual.csv`: DfE-style annual figures, one row per scenario, year and metric. Stocks are
//! the position at 30 September of the year; flows are totals over the 12 months to that
//! 30 September, given only for years whose 12 months were all simulated.

use std::io;

use super::format_number;
use super::table::ScenarioTable;
use crate::run::ScenarioRun;
use crate::stats::{self, SUMMARY_COLUMNS};

const KEY_COLUMNS: [&str; 3] = ["scenario", "year", "metric"];

pub struct AnnualCsv;

impl ScenarioTable for AnnualCsv {
    fn file_name(&self) -> &'static str {
        "annual.csv"
    }

    fn header(&self) -> Vec<&'static str> {
        KEY_COLUMNS.iter().chain(SUMMARY_COLUMNS.iter()).copied().collect()
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        for figure in stats::annual_summaries(run) {
            let mut record = vec![run.name.clone(), figure.year.to_string(), figure.metric.name().to_string()];
            record.extend(figure.summary.columns().map(format_number));
            out.write_record(&record)?;
        }
        Ok(())
    }
}
