//! `manifest.json`: what produced the results — wfsim version, seed, replications, quantile
//! method, each scenario's file and the sha256 of exactly what was simulated, and what each
//! metric means. Nothing that varies between identical runs (no timestamps, thread counts or
//! absolute paths): the same inputs and seed give the same bytes.

use std::io::{self, Write};

use serde::Serialize;

use super::OutputFile;
use crate::calendar::YearMonth;
use crate::engine::metrics::{Kind, Metric};
use crate::run::{RunSettings, ScenarioRun};
use crate::stats::QUANTILE_METHOD;

/// The manifest of one run of `wfsim`.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub wfsim_version: &'static str,
    pub seed: u64,
    pub replications: u32,
    pub quantile_method: &'static str,
    /// The scenario the options are compared with (`differences.csv`, the report).
    pub baseline: Option<String>,
    pub scenarios: Vec<ScenarioEntry>,
    pub metrics: Vec<MetricEntry>,
}

#[derive(Debug, Serialize)]
pub struct ScenarioEntry {
    pub name: String,
    pub description: String,
    /// The file as given on the command line or found in `scenarios/`.
    pub file: String,
    /// sha256 of the resolved scenario (the `extends` chain merged).
    pub sha256: String,
    /// The first simulated month (month 1 of the outputs).
    pub start: YearMonth,
    pub months: u32,
}

#[derive(Debug, Serialize)]
pub struct MetricEntry {
    pub name: &'static str,
    /// "stock" (annual figure at 30 September) or "flow" (summed over the year to it).
    pub kind: &'static str,
    pub description: &'static str,
}

impl ScenarioEntry {
    pub fn of(run: &ScenarioRun) -> ScenarioEntry {
        ScenarioEntry {
            name: run.name.clone(),
            description: run.description.clone(),
            file: run.file.to_string_lossy().into_owned(),
            sha256: run.sha256.clone(),
            start: run.date(1),
            months: run.months,
        }
    }
}

impl Manifest {
    /// The manifest of a run of `scenarios` (in output order), compared with `baseline`.
    pub fn new(scenarios: Vec<ScenarioEntry>, baseline: Option<String>, settings: &RunSettings) -> Self {
        let metrics = Metric::ALL
            .iter()
            .map(|&metric| MetricEntry {
                name: metric.name(),
                kind: match metric.kind() {
                    Kind::Stock => "stock",
                    Kind::Flow => "flow",
                },
                description: metric.description(),
            })
            .collect();
        Manifest {
            wfsim_version: env!("CARGO_PKG_VERSION"),
            seed: settings.seed,
            replications: settings.replications,
            quantile_method: QUANTILE_METHOD,
            baseline,
            scenarios,
            metrics,
        }
    }
}

impl OutputFile for Manifest {
    fn file_name(&self) -> &str {
        "manifest.json"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        crate::output::write_json(out, self)
    }
}
