//! `wfsim fit`: read and check the records, fit, write, summarise. Records that are not
//! records files, or hold values that cannot be read, are bad input and nothing is written.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args as ClapArgs, ValueEnum};

use super::{Failure, print_lines_and_written, write};
use crate::fit::{self, Bands, FitOptions};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Worker-level records: CSV files with the DfE census column names (SWENo, AgencyWorker,
    /// RoleStartDate, RoleEndDate, CensusYear or ReferenceDate, ...) or CSWW census XML
    /// returns. Several years' returns are merged per worker by SWENo.
    #[arg(value_name = "RECORDS", required = true)]
    pub records: Vec<PathBuf>,
    /// Fit each route of entry too (routes with fewer than 5 leavers use the pooled fit).
    #[arg(long, value_name = "GROUPING")]
    pub by: Option<FitBy>,
    /// Tenure band edges in months, starting at 0: 0,12,24,60 gives the bands 0-12, 12-24,
    /// 24-60 and 60+ months.
    #[arg(long, value_name = "EDGES", default_value = "0,12,24,60", value_parser = Bands::parse)]
    pub bands: Bands,
    /// Output directory, created if need be: retention.toml, survival.csv, hazards.csv and
    /// charts/survival.png/.svg.
    #[arg(long, value_name = "DIR", default_value = "output/fit")]
    pub out: PathBuf,
}

/// How `wfsim fit` splits the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FitBy {
    /// By route of entry: newly qualified (university), experienced, Step Up, Frontline, other.
    Route,
}

/// Most skipped-row messages and warnings printed (the counts are always given).
const MESSAGES_SHOWN: usize = 20;

pub fn execute(args: &Args) -> Result<(), Failure> {
    let options = FitOptions { bands: args.bands.clone(), by_route: args.by == Some(FitBy::Route) };
    let fitted = fit::fit(&args.records, &options).map_err(|error| Failure::BadInput(error.lines()))?;
    {
        let mut stderr = std::io::stderr().lock();
        for (kind, issues) in [("skipped", &fitted.records.skipped), ("warning", &fitted.records.warnings)] {
            for issue in issues.iter().take(MESSAGES_SHOWN) {
                let _ = writeln!(stderr, "{kind}: {issue}");
            }
            if issues.len() > MESSAGES_SHOWN {
                let _ = writeln!(stderr, "{kind}: ... and {} more", issues.len() - MESSAGES_SHOWN);
            }
        }
    }
    let files = fit::output::files(&fitted).map_err(Failure::other)?;
    let written = write(&args.out, &files)?;
    print_lines_and_written(fit::output::summary_lines(&fitted), &written);
    Ok(())
}
