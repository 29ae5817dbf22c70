//! wfsim: a Monte Carlo workforce-planning simulator for children's social work services in
//! English councils.
//!
//! The pieces, in the order data flows through them:
//! - [`scenario`]: the scenario file format, read and checked in stages;
//! - [`engine`]: builds a model from a scenario and simulates one replication month by month;
//! - [`run`]: runs scenarios × replications in parallel, reproducibly;
//! - [`stats`]: quantiles and DfE-style annual figures;
//! - [`output`]: the result files, written atomically;
//! - [`sweep`]: one parameter over a range of values, on common random numbers;
//! - [`dataset`]: the DfE workforce indicators for every council, embedded;
//! - [`init`]: a council's baseline scenario built from them;
//! - [`fit`]: retention fitted from worker-level census records (`wfsim fit`);
//! - [`format`]: percentages and thousands separators, one way everywhere;
//! - [`limits`]: the limits users' input is held to;
//! - [`cli`]: the `wfsim` command.

pub mod appraisal;
pub mod backtest;
pub mod calendar;
pub mod calibrate;
pub mod cli;
pub mod dataset;
pub mod engine;
pub mod fit;
pub mod format;
pub mod init;
pub mod limits;
pub mod national;
pub mod output;
pub mod report;
pub mod run;
pub mod scenario;
pub mod stats;
pub mod sweep;
