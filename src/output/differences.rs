//! `differences.csv`: each option minus the baseline, paired by replication, for every month
//! and metric: the effect of the option with the luck both runs share taken out. Same columns
//! as `timeseries.csv`; the baseline itself has no rows, nor an option that cannot be paired
//! with it (a different start month).

use std::io;

use super::FieldBuffer;
use super::table::ScenarioTable;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, SUMMARY_COLUMNS};

pub struct DifferencesCsv;

impl ScenarioTable for DifferencesCsv {
    fn file_name(&self) -> &'static str {
        "differences.csv"
    }

    fn header(&self) -> Vec<&'static str> {
        ["scenario", "month", "date", "metric"].iter().chain(SUMMARY_COLUMNS.iter()).copied().collect()
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
            out.write_field(&option.name)?;
            out.write_field(field.display(month))?;
            out.write_field(field.display(option.date(month)))?;
            out.write_field(metric.name())?;
            for value in summary.columns() {
                out.write_field(field.number(value))?;
            }
            out.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}
