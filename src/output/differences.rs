//! `differences.csv`: each option minus the baseline, paired by replication, for every month
//! and metric: the effect of the option with the luck both runs share taken out. The rows of
//! `timeseries.csv` ([`SeriesRow`]); the baseline itself has no rows, nor an option that cannot
//! be paired with it (a different start month).

use std::io;

use super::row::CsvRow;
use super::table::ScenarioTable;
use super::timeseries::SeriesRow;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats;

pub struct DifferencesCsv;

impl ScenarioTable for DifferencesCsv {
    fn file_name(&self) -> &'static str {
        "differences.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        SeriesRow::COLUMNS
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
        for ((month, metric), summary) in cells.zip(summaries) {
            out.serialize(SeriesRow::new(option, month, metric, summary))?;
        }
        Ok(())
    }
}
