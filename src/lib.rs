//! wfsim: a Monte Carlo workforce-planning simulator for children's social work services in
//! English councils.
//!
//! The pieces, in the order data flows through them:
//! - [`calendar`]: calendar months (`YYYY-MM`) and financial years (`2024-25`);
//! - [`route`]: routes of entry into post, one type for files, engine and fit;
//! - [`scenario`]: the scenario file format, read and checked in stages;
//! - [`engine`]: builds a model from a scenario and simulates one replication month by month;
//! - [`run`]: runs scenarios × replications in parallel, reproducibly;
//! - [`stats`]: quantiles and DfE-style annual figures;
//! - [`appraisal`]: costs by financial year, options against the baseline, the break-even;
//! - [`output`]: the result files, written atomically, each CSV file's rows one type ([`output::CsvRow`]);
//! - [`plot`]: drawing charts to PNG and SVG, in one style for every command;
//! - [`report`]: the charts, report and workbook, built from the result files;
//! - [`pipeline`]: a run from checked scenarios to every file it writes, in memory;
//! - [`sweep`]: one parameter over a range of values, on common random numbers;
//! - [`dataset`]: the DfE workforce indicators for every council, embedded;
//! - [`calibrate`]: the DfE panel fitted (councils' levels, year-to-year swings, growth);
//! - [`init`]: a council's baseline scenario built from them;
//! - [`backtest`]: projections from past years scored against what happened;
//! - [`national`]: every council at once, and England as their sum;
//! - [`fit`]: retention fitted from worker-level census records (`wfsim fit`);
//! - [`format`](mod@format): percentages, pounds and thousands separators, one way everywhere;
//! - [`limits`]: the limits users' input is held to;
//! - [`commands`]: one module per subcommand, its flags and what it does;
//! - [`cli`]: the `wfsim` command line: parse, dispatch, exit status.

pub mod appraisal;
pub mod backtest;
pub mod calendar;
pub mod calibrate;
pub mod cli;
pub mod commands;
pub mod dataset;
pub mod engine;
pub mod fit;
pub mod format;
pub mod init;
pub mod limits;
pub mod national;
pub mod output;
pub mod pipeline;
pub mod plot;
pub mod report;
pub mod route;
pub mod run;
pub mod scenario;
pub mod stats;
pub mod sweep;
