//! `wfsim report DIR`: the charts, report and workbook rebuilt from a finished run's result
//! files, without simulating.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::{Failure, write};
use crate::report::{self, Results};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The output directory of a finished `wfsim run`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn execute(args: &Args) -> Result<(), Failure> {
    let results = Results::read(&args.dir).map_err(|error| {
        Failure::bad(format!("{} does not hold a finished run's results: {error}", args.dir.display()))
    })?;
    let files = report::render(&results).map_err(Failure::other)?;
    let written = write(&args.dir, &files)?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "Rebuilt the charts, report and workbook from {}.", args.dir.display());
    let _ = writeln!(stdout, "Wrote {} files, among them {}", written.len(), args.dir.join("report.html").display());
    Ok(())
}
