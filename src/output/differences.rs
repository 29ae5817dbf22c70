//! `differences.csv`: each option minus the baseline, paired by replication, for every month
//! and metric: the effect of the option with the luck both runs share taken out. Same columns
//! as `timeseries.csv`; the baseline itself has no rows, nor an option that cannot be paired
//! with it (a different start month).

use std::io;

use super::table::ScenarioTable;
use super::{FieldBuffer, timeseries};
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, SUMMARY_COLUMNS};

pub struct DifferencesCsv;

impl ScenarioTable for DifferencesCsv {
    fn file_name(&self) -> &'static str {
        "differences.csv"
    }

    fn header(&self) -> Vec<&'static str> {
        timeseries::KEY_COLUMNS.iter().chain(SUMMARY_COLUMNS.iter()).copied().collect()
    }

    fn write_rows(
        &self,
        option: &ScenarioRun,
        baseline: &ScenarioRun,
        out: &mut csv::Writer<Vec<u8>>,
    ) -> io::Result<()> {
        if option.name == baseline.name {
            return Ok(());
        }
        let Some(summaries) = stats::paired_difference_summaries(option, baseline) else { return Ok(()) };
        let cells = (0..).flat_map(|month| Metric::ALL.iter().map(move |&metric| (month, metric)));
        let mut field = FieldBuffer::default();
        for ((month, metric), summary) in cells.zip(&summaries) {
            timeseries::write_row(out, &mut field, option, month, metric, summary)?;
        }
        Ok(())
    }
}
