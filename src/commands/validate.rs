//! `wfsim validate`: every file on its own; `ok: FILE` or its errors.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::{Failure, error_lines};
use crate::scenario;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Scenario files to check.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// Every file is checked; the errors of all of them make the failure, in the files' order.
pub fn execute(args: &Args) -> Result<(), Failure> {
    let (mut all_good, mut errors) = (true, Vec::new());
    for file in &args.files {
        match scenario::load(file) {
            Ok(_) => {
                let _ = writeln!(std::io::stdout().lock(), "ok: {}", file.display());
            }
            Err(file_errors) => {
                all_good = false;
                errors.extend(error_lines(&file_errors));
            }
        }
    }
    if all_good { Ok(()) } else { Err(Failure::BadInput(errors)) }
}
