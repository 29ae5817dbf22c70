//! Result files: the only code that writes results to disk.
//!
//! Each format is a small [`OutputFile`] in its own module. [`write_all`] writes every file to
//! a temporary file in the output directory and only then renames them all into place, so an
//! interrupted or failed run leaves the previous results intact and never a half-written file.

pub mod annual;
pub mod appraisal;
pub mod assumptions;
pub mod costs;
pub mod differences;
pub mod manifest;
pub mod probabilities;
pub mod table;
pub mod timeseries;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

pub use annual::AnnualCsv;
pub use appraisal::{AppraisalCsv, BreakEvenCsv};
pub use assumptions::AssumptionsCsv;
pub use costs::CostsCsv;
pub use differences::DifferencesCsv;
pub use manifest::Manifest;
pub use probabilities::ProbabilitiesCsv;
pub use table::{ScenarioTable, TableSet};
pub use timeseries::TimeseriesCsv;

/// One result file: its name in the output directory and how to write its bytes.
pub trait OutputFile {
    fn file_name(&self) -> &str;
    fn write(&self, out: &mut dyn Write) -> io::Result<()>;
}

/// Why results could not be written, naming the path.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create the output directory {path}: {source}")]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot move the finished file into place as {path}: {source}")]
    Persist { path: PathBuf, source: io::Error },
}

/// Writes `files` into `dir` (created if need be): all to temporary files first, synced to
/// disk, then each renamed onto its final name. A file name may include a subdirectory
/// (`charts/fan.svg`), created as needed. Returns the paths written, in order.
pub fn write_all(dir: &Path, files: &[&dyn OutputFile]) -> Result<Vec<PathBuf>, OutputError> {
    let mut finished = Vec::with_capacity(files.len());
    let mut cleaned: Vec<PathBuf> = Vec::new();
    for file in files {
        let path = dir.join(file.file_name());
        let folder = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder)
            .map_err(|source| OutputError::CreateDir { path: folder.to_path_buf(), source })?;
        if !cleaned.iter().any(|done| done == folder) {
            remove_stale_temporaries(folder);
            cleaned.push(folder.to_path_buf());
        }
        let temporary =
            write_temporary(folder, *file).map_err(|source| OutputError::Write { path: path.clone(), source })?;
        finished.push((temporary, path));
    }
    let mut written = Vec::with_capacity(finished.len());
    for (temporary, path) in finished {
        temporary.persist(&path).map_err(|e| OutputError::Persist { path: path.clone(), source: e.error })?;
        written.push(path);
    }
    Ok(written)
}

/// A file whose bytes are already made (a chart, the report, the workbook).
pub struct BytesFile {
    /// Path relative to the output directory.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl BytesFile {
    /// The bytes of `file`, made in memory.
    pub fn of(file: &dyn OutputFile) -> io::Result<BytesFile> {
        let mut bytes = Vec::new();
        file.write(&mut bytes)?;
        Ok(BytesFile { name: file.file_name().to_string(), bytes })
    }
}

impl OutputFile for BytesFile {
    fn file_name(&self) -> &str {
        &self.name
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.bytes)
    }
}

/// Removes temporary files that a killed run left behind (a killed process cannot delete its
/// own). Only files with wfsim's temporary prefix are touched; one run per output directory at
/// a time.
fn remove_stale_temporaries(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let stale = entry.file_name().to_string_lossy().starts_with(TEMPORARY_PREFIX);
        if stale && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            // Best effort: a file that cannot be removed now will be tried again next run.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The name prefix of wfsim's temporary files.
const TEMPORARY_PREFIX: &str = ".wfsim-";

/// Writes one file's bytes to a new temporary file in `dir`, flushed and synced.
fn write_temporary(dir: &Path, file: &dyn OutputFile) -> io::Result<NamedTempFile> {
    let mut temporary = new_temporary(dir)?;
    {
        let mut buffered = io::BufWriter::new(temporary.as_file_mut());
        file.write(&mut buffered)?;
        buffered.flush()?;
    }
    temporary.as_file().sync_all()?;
    Ok(temporary)
}

/// A new temporary file in `dir`. On Unix it gets the permissions of an ordinary new file
/// (0o666 less the umask) rather than tempfile's private 0o600, since it becomes a result file.
fn new_temporary(dir: &Path) -> io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// A number as written in CSV files: Rust's shortest round-trip form (`0.125`, `362.8`,
/// never an exponent), with `-0` written as `0`, and an empty (missing) field for NaN or
/// infinity.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        String::new()
    } else if value == 0.0 {
        "0".to_string()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(&'static str, &'static str);

    impl OutputFile for Fixed {
        fn file_name(&self) -> &str {
            self.0
        }
        fn write(&self, out: &mut dyn Write) -> io::Result<()> {
            out.write_all(self.1.as_bytes())
        }
    }

    struct Failing;

    impl OutputFile for Failing {
        fn file_name(&self) -> &str {
            "b.txt"
        }
        fn write(&self, out: &mut dyn Write) -> io::Result<()> {
            out.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn numbers_are_shortest_round_trip_without_negative_zero() {
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(362.8), "362.8");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(1e-7), "0.0000001");
        assert_eq!(format_number(-2.5), "-2.5");
        assert_eq!(format_number(f64::NAN), "");
    }

    #[test]
    fn writes_every_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new").join("nested");
        let written = write_all(&out, &[&Fixed("a.txt", "one"), &Fixed("b.txt", "two")]).unwrap();
        assert_eq!(written, vec![out.join("a.txt"), out.join("b.txt")]);
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "two");
        assert_eq!(entries(&out), ["a.txt", "b.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn result_files_get_ordinary_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[&Fixed("a.txt", "one")]).unwrap();
        std::fs::write(dir.path().join("plain.txt"), "plain").unwrap();
        let mode = |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().permissions().mode();
        assert_eq!(mode("a.txt"), mode("plain.txt"));
    }

    #[test]
    fn a_failed_write_keeps_the_previous_results() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[&Fixed("a.txt", "old a"), &Fixed("b.txt", "old b")]).unwrap();
        let error = write_all(dir.path(), &[&Fixed("a.txt", "new a"), &Failing]).unwrap_err();
        assert!(error.to_string().contains("b.txt"), "{error}");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(dir.path().join("b.txt")).unwrap(), "old b");
        assert_eq!(entries(dir.path()), ["a.txt", "b.txt"]);
    }
}
