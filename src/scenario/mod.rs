//! Scenario files: the input schema, and loading in stages.
//!
//! 1. **read** (`load.rs`): read each file of the `extends` chain and parse it on its own, so
//!    that type errors, unknown fields and out-of-range values point at the right file, line
//!    and column; then merge the chain, child over parent.
//! 2. **check** (`check.rs`): checks that need the whole merged scenario (dates in order,
//!    shares that add up, events inside the horizon), still pointing at the line that set the
//!    offending value.
//! 3. **build** (`crate::engine::Model::build`): turn a checked scenario into the engine's
//!    parameters.

mod check;
mod error;
mod load;
pub mod param;
pub mod schema;

pub use error::{LoadError, LoadErrors};
pub use load::{load, load_all, load_resolved};
pub use schema::ScenarioSpec;

use std::path::PathBuf;

use crate::calendar::YearMonth;

/// A scenario that has been read, merged and checked: ready to build and run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name in outputs: the `name` field, or the file name without `.toml`.
    pub name: String,
    /// The file as given on the command line (or found in `scenarios/`).
    pub file: PathBuf,
    /// The file at the root of its `extends` chain (canonical where it can be): its council's
    /// baseline. A run compares a scenario only with those of the same root and first month.
    pub root: PathBuf,
    /// It extends no other file: it is the root of its own chain.
    pub is_root: bool,
    /// The merged specification, child over parent.
    pub spec: ScenarioSpec,
    /// First simulated month (checked to be present).
    pub start: YearMonth,
    /// The fully resolved scenario as canonical TOML (keys sorted, `extends` removed):
    /// exactly what was simulated.
    pub resolved_toml: String,
    /// sha256 of `resolved_toml`, hex.
    pub sha256: String,
    /// Every parameter as written, with its source comment: for the report's assumptions table.
    pub assumptions: Vec<Assumption>,
}

/// One parameter of a scenario as its files set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// Dotted path: `retention.allowance.hazard_ratio`, `routes.step_up.cohorts[0].size`.
    pub parameter: String,
    /// The value as written in the file.
    pub value: String,
    /// The value as plain TOML, to compare parameters between scenarios whatever the layout.
    pub canonical: String,
    /// The comment beside or above it (or its section), or "" if none.
    pub source: String,
    /// The file that set it.
    pub file: PathBuf,
}
