//! `manifest.json`: what produced the results — wfsim version, seed, replications, quantile
//! method, each scenario's file and the sha256 of exactly what was simulated, and what each
//! metric means. Nothing that varies between identical runs (no timestamps, thread counts or
//! absolute paths): the same inputs and seed give the same bytes. One type, written by `wfsim
//! run` and read back by `wfsim report`; its head ([`Provenance`]) opens every manifest the
//! commands write.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::OutputFile;
use crate::calendar::{FinancialYear, YearMonth};
use crate::engine::metrics::{Kind, Metric};
use crate::run::{RunSettings, ScenarioRun};
use crate::stats::QUANTILE_METHOD;

/// What produced a set of results: the first fields of every manifest (`wfsim run`, `sweep`,
/// `backtest`, `national`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub wfsim_version: String,
    pub seed: u64,
    pub replications: u32,
}

impl Provenance {
    /// This version of wfsim, with the run's master seed and replications.
    pub fn new(seed: u64, replications: u32) -> Provenance {
        Provenance { wfsim_version: env!("CARGO_PKG_VERSION").to_string(), seed, replications }
    }
}

/// The manifest of one run of `wfsim`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub quantile_method: String,
    /// The scenario the options are compared with (`differences.csv`, the report).
    pub baseline: Option<String>,
    pub scenarios: Vec<ScenarioEntry>,
    pub metrics: Vec<MetricEntry>,
    /// The other groups of the same run (scenarios from other councils or first months),
    /// compared separately and never with these: where their files are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_groups: Vec<GroupLink>,
}

/// Another group of the same run, as its files are reached from this one's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupLink {
    /// Its baseline's name, and title if it has one.
    pub baseline: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its folder, relative to this group's: `kent_2024`, `..`, `../kent_2024`.
    pub folder: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioEntry {
    pub name: String,
    /// The title readers know the scenario by, if it has one (the name stays the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    /// The file as given on the command line or found in `scenarios/`.
    pub file: String,
    /// sha256 of the resolved scenario (the `extends` chain merged).
    pub sha256: String,
    /// The first simulated month (month 1 of the outputs).
    pub start: YearMonth,
    pub months: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricEntry {
    pub name: String,
    /// "stock" (annual figure at 30 September) or "flow" (summed over the year to it).
    pub kind: String,
    pub description: String,
}

impl ScenarioEntry {
    /// The simulated months (`start` to `start + months - 1`) that fall in the financial year
    /// `year`, in order.
    pub fn months_in_financial_year(&self, year: FinancialYear) -> Vec<YearMonth> {
        (0..self.months as i32).map(|m| self.start.plus(m)).filter(|month| month.financial_year() == year).collect()
    }

    pub fn of(run: &ScenarioRun) -> ScenarioEntry {
        ScenarioEntry {
            name: run.name.clone(),
            title: run.title.clone(),
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
                name: metric.name().to_string(),
                kind: match metric.kind() {
                    Kind::Stock => "stock",
                    Kind::Flow => "flow",
                }
                .to_string(),
                description: metric.description().to_string(),
            })
            .collect();
        Manifest {
            provenance: Provenance::new(settings.seed, settings.replications),
            quantile_method: QUANTILE_METHOD.to_string(),
            baseline,
            scenarios,
            metrics,
            other_groups: Vec::new(),
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
