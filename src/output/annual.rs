//! `annual.csv`: DfE-style annual figures, one row per scenario, year and metric. Stocks are
//! the position at 30 September of the year; flows are totals over the 12 months to that
//! 30 September, given only for years whose 12 months were all simulated.

use std::io;

use super::FieldBuffer;
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
        let mut field = FieldBuffer::default();
        for figure in stats::annual_summaries(run) {
            out.write_field(&run.name)?;
            out.write_field(field.display(figure.year))?;
            out.write_field(figure.metric.name())?;
            for value in figure.summary.columns() {
                out.write_field(field.number(value))?;
            }
            out.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}
