//! `assumptions.csv`: every parameter of every scenario as its files set it, with the source
//! comment written beside it and whether it differs from the baseline: the assumptions tables
//! of the report and the workbook.

use std::collections::BTreeMap;
use std::io;

use super::table::ScenarioTable;
use crate::run::ScenarioRun;

pub struct AssumptionsCsv;

impl ScenarioTable for AssumptionsCsv {
    fn file_name(&self) -> &'static str {
        "assumptions.csv"
    }

    fn header(&self) -> Vec<&'static str> {
        vec!["scenario", "parameter", "value", "source", "file", "differs_from_baseline"]
    }

    fn write_rows(&self, run: &ScenarioRun, baseline: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        let baseline: BTreeMap<&str, &str> =
            baseline.assumptions.iter().map(|a| (a.parameter.as_str(), a.canonical.as_str())).collect();
        for assumption in &run.assumptions {
            // `name` and `description` always differ; they are labels, not assumptions.
            let label = matches!(assumption.parameter.as_str(), "name" | "description");
            let differs = !label && baseline.get(assumption.parameter.as_str()) != Some(&assumption.canonical.as_str());
            out.write_record([
                run.name.as_str(),
                &assumption.parameter,
                &assumption.value,
                &assumption.source,
                &assumption.file.to_string_lossy(),
                if differs { "true" } else { "false" },
            ])?;
        }
        Ok(())
    }
}
