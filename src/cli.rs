//! The `wfsim` command line: parse the arguments, hand them to the subcommand's module in
//! [`crate::commands`], and turn its outcome into messages and an exit status.
//!
//! Exit status: 0 success, 2 bad input (scenario files, flags), 1 anything else (for example
//! an output directory that cannot be written). Every input is loaded and checked before
//! anything is simulated or written, so bad input never touches the output directory.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{self, Failure};

/// Exit status for a failure that is not the user's input (for example an unwritable output
/// directory).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status for bad input: scenario files or command-line flags. Clap uses it too.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Monte Carlo workforce planning for children's social work services.
#[derive(Debug, Parser)]
#[command(name = "wfsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenarios and write the results, charts, report and workbook.
    Run(commands::run::Args),
    /// Check scenario files without running them.
    Validate(commands::validate::Args),
    /// Write a council's (or region's, or England's) baseline scenario from the DfE data.
    Init(commands::init::Args),
    /// Rebuild the charts, report and workbook from a finished run's results.
    Report(commands::report::Args),
    /// Run one scenario with a parameter swept over a range of values, on common random numbers.
    Sweep(commands::sweep::Args),
    /// Fit retention (leaving by tenure band and route) from worker-level census records.
    Fit(commands::fit::Args),
    /// Project councils' baselines from a past year and compare with what happened.
    Backtest(commands::backtest::Args),
    /// Project every council's baseline from the DfE data, and England as their sum.
    National(commands::national::Args),
    /// Fit the DfE panel (councils' own levels, year-to-year swings, growth) that baselines use.
    Calibrate(commands::calibrate::Args),
}

/// Runs `wfsim` with the process's arguments.
pub fn main() -> ExitCode {
    main_with(std::env::args_os())
}

/// Runs `wfsim` with the given arguments (the first is the program name).
pub fn main_with<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version go to stdout with status 0; usage errors to stderr with 2.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_BAD_INPUT } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Run(args) => commands::run::execute(args),
        Command::Validate(args) => commands::validate::execute(args),
        Command::Init(args) => commands::init::execute(args),
        Command::Report(args) => commands::report::execute(args),
        Command::Sweep(args) => commands::sweep::execute(args),
        Command::Fit(args) => commands::fit::execute(args),
        Command::Backtest(args) => commands::backtest::execute(args),
        Command::National(args) => commands::national::execute(args),
        Command::Calibrate(args) => commands::calibrate::execute(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(lines)) => {
            print_errors(&lines);
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(Failure::Other(message)) => {
            print_errors(&[message]);
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Prints each line to standard error after `error: `.
fn print_errors(lines: &[String]) {
    let mut stderr = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(stderr, "error: {line}");
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_out_of_range_are_usage_errors() {
        for bad in [["--reps", "0"], ["--months", "0"], ["--months", "1201"], ["--threads", "0"], ["--seed", "-1"]] {
            let parsed = Cli::try_parse_from(["wfsim", "run", bad[0], bad[1]]);
            assert!(parsed.is_err_and(|error| error.use_stderr()), "{bad:?} should be refused");
        }
        let parsed = Cli::try_parse_from(["wfsim", "run", "--reps", "40", "--months", "24", "a.toml"]).unwrap();
        let Command::Run(args) = parsed.command else { panic!("not run") };
        assert_eq!((args.reps, args.months, args.seed, args.pool.threads), (40, Some(24), 1, None));
        assert_eq!(args.out, PathBuf::from("output"));
    }
}
