//! `assumptions.csv`: every parameter of every scenario as its files set it, with the source
//! comment written beside it and whether it differs from the baseline: the assumptions tables
//! of the report and the workbook.

use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};

use super::row::CsvRow;
use super::table::ScenarioTable;
use crate::run::ScenarioRun;

/// One row of `assumptions.csv`: a parameter as the scenario sets it (its own or inherited).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssumptionRow {
    pub scenario: String,
    /// Dotted path, as in the scenario file: `retention.allowance.hazard_ratio`.
    pub parameter: String,
    /// The value as written in the file.
    pub value: String,
    /// The comment that gives its source, or "" if none.
    pub source: String,
    /// The file that set it.
    pub file: String,
    /// Set differently from the baseline (or not set there at all).
    pub differs_from_baseline: bool,
}

impl CsvRow for AssumptionRow {
    const COLUMNS: &'static [&'static str] =
        &["scenario", "parameter", "value", "source", "file", "differs_from_baseline"];
}

pub struct AssumptionsCsv;

impl ScenarioTable for AssumptionsCsv {
    fn file_name(&self) -> &'static str {
        "assumptions.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        AssumptionRow::COLUMNS
    }

    fn write_rows(&self, run: &ScenarioRun, baseline: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        let baseline: BTreeMap<&str, &str> =
            baseline.assumptions.iter().map(|a| (a.parameter.as_str(), a.canonical.as_str())).collect();
        for assumption in &run.assumptions {
            // `name` and `description` always differ; they are labels, not assumptions.
            let label = matches!(assumption.parameter.as_str(), "name" | "description");
            let differs = !label && baseline.get(assumption.parameter.as_str()) != Some(&assumption.canonical.as_str());
            out.serialize(AssumptionRow {
                scenario: run.name.clone(),
                parameter: assumption.parameter.clone(),
                value: assumption.value.clone(),
                source: assumption.source.clone(),
                file: assumption.file.to_string_lossy().into_owned(),
                differs_from_baseline: differs,
            })?;
        }
        Ok(())
    }
}
