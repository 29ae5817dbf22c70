//! `whole_year.csv`: what the year between two census dates was like. For each year whose 12
//! months to 30 September were all simulated, each replication's average over those months and
//! its worst month, of the vacancy and agency rates, the caseload and the case shortfall
//! ([`stats::WHOLE_YEAR_METRICS`]): 30 September is the lowest point of a year's vacancies, so
//! `annual.csv` alone would hide the rest of the year.

use std::io;

use serde::{Deserialize, Serialize};

use super::row::{self, CsvRow};
use super::table::ScenarioTable;
use crate::engine::metrics::Metric;
use crate::run::ScenarioRun;
use crate::stats::{self, Summary, YearMeasure};

/// One row of `whole_year.csv`: one metric's year average or worst month, for one scenario and
/// year, across replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WholeYearRow {
    pub scenario: String,
    /// The year of the 30 September that ends the 12 months.
    pub year: i32,
    pub metric: Metric,
    /// `year_average` or `worst_month`.
    pub measure: YearMeasure,
    #[serde(with = "row::summary")]
    pub summary: Summary,
}

impl CsvRow for WholeYearRow {
    const COLUMNS: &'static [&'static str] =
        &["scenario", "year", "metric", "measure", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"];
}

pub struct WholeYearCsv;

impl ScenarioTable for WholeYearCsv {
    fn file_name(&self) -> &'static str {
        "whole_year.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        WholeYearRow::COLUMNS
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        for figure in stats::whole_year_summaries(run) {
            let stats::WholeYearFigure { year, metric, measure, summary } = figure;
            out.serialize(WholeYearRow { scenario: run.name.clone(), year, metric, measure, summary })?;
        }
        Ok(())
    }
}
