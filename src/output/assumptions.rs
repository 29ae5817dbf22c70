//! `assumptions.csv`: every parameter of every scenario as its files set it, with the source
//! comment written beside it and whether it differs from the baseline: the assumptions tables
//! of the report and the workbook.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::OutputFile;
use crate::run::{self, ScenarioRun};

pub struct AssumptionsCsv<'a> {
    pub runs: &'a [ScenarioRun],
}

impl OutputFile for AssumptionsCsv<'_> {
    fn file_name(&self) -> &str {
        "assumptions.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["scenario", "parameter", "value", "source", "file", "differs_from_baseline"])?;
        let baseline: BTreeMap<&str, &str> = run::baseline(self.runs)
            .map(|run| run.assumptions.iter().map(|a| (a.parameter.as_str(), a.canonical.as_str())).collect())
            .unwrap_or_default();
        for run in self.runs {
            for assumption in &run.assumptions {
                // `name` and `description` always differ; they are labels, not assumptions.
                let label = matches!(assumption.parameter.as_str(), "name" | "description");
                let differs =
                    !label && baseline.get(assumption.parameter.as_str()) != Some(&assumption.canonical.as_str());
                writer.write_record([
                    run.name.as_str(),
                    &assumption.parameter,
                    &assumption.value,
                    &assumption.source,
                    &assumption.file.to_string_lossy(),
                    if differs { "true" } else { "false" },
                ])?;
            }
        }
        writer.flush()
    }
}
