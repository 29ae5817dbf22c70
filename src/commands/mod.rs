//! One module per `wfsim` subcommand. Each holds its flags (`Args`) and `execute`, which checks
//! the input, does the work through the library and prints what the user needs; [`crate::cli`]
//! only parses and dispatches. What the commands share is here: how they fail, their worker
//! pool, and writing and listing files.

pub mod backtest;
pub mod calibrate;
pub mod fit;
pub mod init;
pub mod national;
pub mod report;
pub mod run;
pub mod sweep;
pub mod validate;

use std::fmt::Display;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::limits;
use crate::output::{self, OutputFile};
use crate::scenario::LoadErrors;

/// Where `wfsim run` looks for scenarios when none are named, and `wfsim init` writes by
/// default, relative to the current directory.
pub const SCENARIO_DIR: &str = "scenarios";

/// Why a command failed, and so which exit status it gets.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: each line is printed with an `error: ` prefix; exit status 2.
    BadInput(Vec<String>),
    /// Anything else; exit status 1.
    Other(String),
}

impl Failure {
    /// Bad input in one line.
    pub fn bad(message: impl Into<String>) -> Failure {
        Failure::BadInput(vec![message.into()])
    }

    /// A failure that is not the user's input.
    pub fn other(error: impl Display) -> Failure {
        Failure::Other(error.to_string())
    }
}

/// The `--threads` flag of the commands that simulate scenarios (`run`, `sweep`), declared
/// once so that its range and help stay the same in both.
#[derive(Debug, clap::Args)]
pub struct WorkerPool {
    /// Worker threads (1 to 1024) [default: one per CPU]. Results do not depend on it.
    #[arg(long, value_name = "T", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_THREADS)))]
    pub threads: Option<u32>,
}

impl WorkerPool {
    /// Runs `work` on the pool the flag asks for.
    pub fn install<T: Send>(&self, work: impl FnOnce() -> T + Send) -> Result<T, Failure> {
        in_pool(self.threads, work)
    }
}

/// Runs `work` on `threads` worker threads (rayon's default if `None`).
pub fn in_pool<T: Send>(threads: Option<u32>, work: impl FnOnce() -> T + Send) -> Result<T, Failure> {
    match threads {
        Some(threads) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads as usize)
            .build()
            .map_err(|error| Failure::Other(format!("cannot start {threads} worker threads: {error}")))?
            .install(work)),
        None => Ok(work()),
    }
}

/// One line per load error, as printed after `error: `.
pub fn error_lines(errors: &LoadErrors) -> Vec<String> {
    errors.iter().map(|error| error.to_string()).collect()
}

/// Writes `files` into `dir` in one go (all or none), and returns their paths.
pub fn write<F: OutputFile>(dir: &Path, files: &[F]) -> Result<Vec<PathBuf>, Failure> {
    let outputs: Vec<&dyn OutputFile> = files.iter().map(|file| file as &dyn OutputFile).collect();
    write_all(dir, &outputs)
}

/// Writes files of several kinds into `dir` in one go (all or none), and returns their paths.
pub fn write_all(dir: &Path, files: &[&dyn OutputFile]) -> Result<Vec<PathBuf>, Failure> {
    output::write_all(dir, files).map_err(Failure::other)
}

/// The folder and file name of a single file to write (`--out FILE`).
pub fn folder_and_name(out: &Path) -> Result<(&Path, String), Failure> {
    let Some(file_name) = out.file_name().map(|name| name.to_string_lossy().into_owned()) else {
        return Err(Failure::bad(format!("--out {} is not a file name", out.display())));
    };
    let folder = out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok((folder, file_name))
}

/// Prints `lines`, then `Wrote PATH` for each file written.
pub fn print_lines_and_written(lines: impl IntoIterator<Item = String>, written: &[PathBuf]) {
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(stdout, "{line}");
    }
    for path in written {
        let _ = writeln!(stdout, "Wrote {}", path.display());
    }
}
