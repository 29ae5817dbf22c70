//! `wfsim sweep`: parse the parameter, load and check the scenario at every value, simulate
//! them all on common random numbers, write, summarise.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::{Failure, WorkerPool, error_lines, print_lines_and_written, write_all};
use crate::limits;
use crate::output::OutputFile;
use crate::pipeline;
use crate::run::RunSettings;
use crate::scenario;
use crate::sweep;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The scenario file whose parameter is swept.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenario: PathBuf,
    /// The parameter and its values: a dotted key path in the resolved scenario, from, to
    /// (included when the steps land on it) and step, e.g.
    /// retention.allowance.amount_gbp=0..5000:500 (at most 200 values).
    #[arg(long, value_name = "PATH=FROM..TO:STEP", allow_hyphen_values = true)]
    pub param: String,
    /// Replications per value (1 to 1,000,000).
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_REPLICATIONS)))]
    pub reps: u32,
    /// Master seed: every value uses the same seed and replications (common random numbers).
    #[arg(long, value_name = "S", allow_negative_numbers = true, default_value_t = 1)]
    pub seed: u64,
    /// Months to simulate (1 to 1200) [default: the scenario's horizon_months].
    #[arg(long, value_name = "M", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_MONTHS)))]
    pub months: Option<u32>,
    #[command(flatten)]
    pub pool: WorkerPool,
    /// Output directory, created if need be: sweep.csv, sweep.json and charts/sweep_*.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

pub fn execute(args: &Args) -> Result<(), Failure> {
    let param = sweep::parse_param(&args.param).map_err(Failure::bad)?;
    let reference = scenario::load(&args.scenario).map_err(|errors| Failure::BadInput(error_lines(&errors)))?;
    let variants = sweep::variants(&reference, &param).map_err(Failure::BadInput)?;

    let months = args.months.unwrap_or(reference.spec.horizon_months);
    pipeline::check_months_datable(std::slice::from_ref(&reference), months).map_err(Failure::BadInput)?;
    let settings = RunSettings {
        replications: args.reps,
        seed: args.seed,
        months: Some(months),
        progress: true,
        national_seed: None,
    };
    let simulate_and_write = || -> Result<(sweep::SweepResults, Vec<PathBuf>), Failure> {
        let results = sweep::simulate(&reference, &variants, &param, &settings);
        let charts = sweep::chart_files(&results).map_err(Failure::other)?;
        let csv = sweep::SweepCsv { results: &results };
        let manifest = sweep::SweepManifest::new(&results);
        let mut files: Vec<&dyn OutputFile> = vec![&csv, &manifest];
        files.extend(charts.iter().map(|file| file as &dyn OutputFile));
        let written = write_all(&args.out, &files)?;
        Ok((results, written))
    };
    let (results, written) = args.pool.install(simulate_and_write)??;
    print_lines_and_written(sweep::summary_lines(&results), &written);
    Ok(())
}
