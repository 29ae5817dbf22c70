//! Result files: the only code that writes results to disk.
//!
//! Each format is a small [`OutputFile`] in its own module. A CSV file's rows are one serde
//! type beside its writer ([`SeriesRow`], [`CostRow`], ...), which `wfsim report` reads back
//! with [`read_rows`]: a file's columns are declared once ([`row`]).
//!
//! [`write_all`] makes a run's files appear in the output directory together or not at all:
//!
//! 1. every file is written in full, and synced, into a staging directory beside the output
//!    directory, so a run killed while writing leaves the output directory untouched (inside
//!    it, hidden, only when its parent cannot be written to);
//! 2. the staging directory is then marked complete (an atomic rename): this is the commit;
//! 3. its files are renamed into place, and the staging directory removed.
//!
//! A run killed during step 3 leaves a complete staging directory, and the next write to the
//! same output directory finishes moving it before anything else; a staging directory that
//! was never marked complete is simply deleted.
pub mod annual;
pub mod appraisal;
pub mod assumptions;
pub mod costs;
pub mod differences;
pub mod manifest;
pub mod probabilities;
pub mod row;
pub mod table;
pub mod timeseries;
pub mod whole_year;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use annual::{AnnualCsv, AnnualRow};
pub use appraisal::{AppraisalCsv, AppraisalRow, BreakEvenCsv, BreakEvenRow, BreakEvenStatus};
pub use assumptions::{AssumptionRow, AssumptionsCsv};
pub use costs::{CostRow, CostsCsv};
pub use differences::DifferencesCsv;
pub use manifest::Manifest;
pub use probabilities::{ProbabilitiesCsv, ProbabilityRow};
pub use row::{CsvRow, RowError, read_rows};
pub use table::{ScenarioTable, TableSet};
pub use timeseries::{SeriesRow, TimeseriesCsv};
pub use whole_year::{WholeYearCsv, WholeYearRow};

/// One result file: its name in the output directory and how to write its bytes.
pub trait OutputFile: Sync {
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

/// Writes `files` into `dir` (created if need be), all or nothing (see the module docs). A file
/// name may include a subdirectory (`charts/fan.svg`), created as needed. Returns the paths
/// written, in order.
pub fn write_all(dir: &Path, files: &[&dyn OutputFile]) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir { path: dir.to_path_buf(), source })?;
    let shown = dir;
    // Staged beside the directory itself, not beside a symbolic link to it: renames cannot
    // cross file systems.
    let dir = &std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    // Beside the directory; inside it (hidden) only if its parent cannot be written to.
    let places = [staging_parent(dir), dir.to_path_buf()];
    for place in &places {
        recover_staging(place, dir);
    }

    // 1. Everything into a fresh staging directory.
    let staging = new_staging(&places, &staging_prefix(dir, STAGING))
        .map_err(|source| OutputError::CreateDir { path: dir.to_path_buf(), source })?;
    let staging_parent = staging.path().parent().unwrap_or(dir).to_path_buf();
    for file in files {
        let path = staging.path().join(file.file_name());
        let folder = path.parent().unwrap_or(staging.path());
        std::fs::create_dir_all(folder)
            .map_err(|source| OutputError::CreateDir { path: folder.to_path_buf(), source })?;
    }
    // In parallel: each file waits for its own sync to disk, and a run writes a hundred or more.
    // The first failure in the files' order is the one reported.
    let written: Vec<io::Result<()>> =
        files.par_iter().map(|file| write_file(&staging.path().join(file.file_name()), *file)).collect();
    for (file, result) in files.iter().zip(written) {
        result.map_err(|source| OutputError::Write { path: shown.join(file.file_name()), source })?;
    }

    // 2. The commit: from here on the new results win, even if this process dies.
    let committed = staging_parent.join(format!("{}{}", staging_prefix(dir, COMMITTED), unique_suffix(staging.path())));
    let staging = staging.keep();
    std::fs::rename(&staging, &committed).map_err(|source| OutputError::Persist { path: committed.clone(), source })?;

    // 3. Into place.
    let names: Vec<&str> = files.iter().map(|file| file.file_name()).collect();
    move_into_place(&committed, dir, &names).map_err(|(path, source)| OutputError::Persist { path, source })?;
    Ok(names.iter().map(|name| shown.join(name)).collect())
}

/// A new staging directory in the first of `places` that takes one.
fn new_staging(places: &[PathBuf], prefix: &str) -> io::Result<tempfile::TempDir> {
    let mut last_error = io::Error::other("no place to stage results");
    for place in places {
        match tempfile::Builder::new().prefix(prefix).tempdir_in(place) {
            Ok(staging) => return Ok(staging),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

/// Renames each of `names` from `from` into `dir`, then removes `from`.
fn move_into_place(from: &Path, dir: &Path, names: &[&str]) -> Result<(), (PathBuf, io::Error)> {
    for name in names {
        let (source, target) = (from.join(name), dir.join(name));
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|error| (folder.to_path_buf(), error))?;
        }
        // Already moved by a run that was killed part-way through this step.
        if !source.exists() && target.exists() {
            continue;
        }
        std::fs::rename(&source, &target).map_err(|error| (target.clone(), error))?;
    }
    std::fs::remove_dir_all(from).map_err(|error| (from.to_path_buf(), error))
}

/// Finishes or discards what an earlier, killed write to `dir` left in `parent`: a committed
/// staging directory is moved into place (its files are the newest complete results); one
/// never committed is deleted (one run per output directory at a time). Best effort: what
/// cannot be done now is tried next time.
fn recover_staging(parent: &Path, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let (staging, committed) = (staging_prefix(dir, STAGING), staging_prefix(dir, COMMITTED));
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Only this directory's: the random part that follows the prefix has no `-`, so
        // `output-2`'s staging is not taken for `output`'s.
        let ours = |prefix: &str| name.strip_prefix(prefix).is_some_and(|rest| !rest.contains('-'));
        if !entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        if ours(&committed) {
            let files = relative_files(&entry.path());
            let names: Vec<&str> = files.iter().map(String::as_str).collect();
            let _ = move_into_place(&entry.path(), dir, &names);
        } else if ours(&staging) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The files under `root`, as `/`-separated paths relative to it.
fn relative_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

/// Where staging directories for `dir` go: beside it, so that renames stay on one file
/// system and nothing half-written ever appears inside it.
fn staging_parent(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The name prefix of `dir`'s staging directories in each state: `.wfsim-staging-output-`.
fn staging_prefix(dir: &Path, state: &str) -> String {
    let name = dir.file_name().map_or_else(|| "output".into(), |name| name.to_string_lossy());
    format!("{TEMPORARY_PREFIX}{state}-{name}-")
}

const STAGING: &str = "staging";
const COMMITTED: &str = "committed";

/// The random part of a staging directory's name, kept when it is renamed on commit.
fn unique_suffix(staging: &Path) -> String {
    let name = staging.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    name.rsplit('-').next().unwrap_or_default().to_string()
}

/// A file whose bytes are already made (a chart, the report, the workbook).
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The name prefix of everything temporary that wfsim makes.
const TEMPORARY_PREFIX: &str = ".wfsim-";

/// Writes one file's bytes to `path`, flushed and synced. Result files get the permissions of
/// an ordinary new file (0o666 less the umask).
fn write_file(path: &Path, file: &dyn OutputFile) -> io::Result<()> {
    let handle = std::fs::File::create(path)?;
    let mut buffered = io::BufWriter::new(&handle);
    file.write(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    handle.sync_all()
}

/// `value` as pretty-printed JSON with a final newline: every JSON result file's format.
pub fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// A number as written in CSV files: Rust's shortest round-trip form (`0.125`, `362.8`,
/// never an exponent), with `-0` written as `0`, and an empty (missing) field for NaN or
/// infinity.
pub fn format_number(value: f64) -> String {
    FieldBuffer::default().number(value).to_owned()
}

/// One buffer, reused, to format CSV fields in: the large tables write a row per scenario,
/// month and metric, and a fresh string for every field would cost more than the formatting.
#[derive(Debug, Default)]
pub struct FieldBuffer(String);

impl FieldBuffer {
    /// `value` as [`format_number`] writes it.
    pub fn number(&mut self, value: f64) -> &str {
        self.0.clear();
        if value.is_finite() {
            if value == 0.0 {
                self.0.push('0');
            } else {
                self.display(value);
            }
        }
        &self.0
    }

    /// `value`'s `Display` form.
    pub fn display(&mut self, value: impl std::fmt::Display) -> &str {
        use std::fmt::Write as _;
        self.0.clear();
        // Writing into a `String` cannot fail.
        let _ = write!(self.0, "{value}");
        &self.0
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

    #[test]
    fn a_committed_write_killed_while_moving_is_finished_by_the_next() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("out");
        write_all(&out, &[&Fixed("a.txt", "old a"), &Fixed("b.txt", "old b")]).unwrap();
        // As a run killed after the commit leaves it: a.txt already moved, b.txt not yet.
        std::fs::write(out.join("a.txt"), "new a").unwrap();
        let committed = parent.path().join(".wfsim-committed-out-Ab12Cd");
        std::fs::create_dir_all(committed.join("charts")).unwrap();
        std::fs::write(committed.join("b.txt"), "new b").unwrap();
        std::fs::write(committed.join("charts").join("c.svg"), "new c").unwrap();
        // Never committed: discarded. Another directory's: left alone.
        let abandoned = parent.path().join(".wfsim-staging-out-Zz99Yy");
        std::fs::create_dir(&abandoned).unwrap();
        std::fs::write(abandoned.join("a.txt"), "half").unwrap();
        let other = parent.path().join(".wfsim-staging-out-2-Qq11Rr");
        std::fs::create_dir(&other).unwrap();

        write_all(&out, &[&Fixed("d.txt", "d")]).unwrap();
        let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(
            (read("a.txt"), read("b.txt"), read("charts/c.svg"), read("d.txt")),
            ("new a".to_string(), "new b".to_string(), "new c".to_string(), "d".to_string())
        );
        assert!(!committed.exists() && !abandoned.exists(), "staging directories were cleared");
        assert!(other.exists(), "another output directory's staging is not touched");
        assert_eq!(entries(parent.path()), [".wfsim-staging-out-2-Qq11Rr", "out"]);
    }

    #[test]
    fn nothing_is_staged_inside_the_output_directory() {
        struct Peek<'a>(&'a Path);
        impl OutputFile for Peek<'_> {
            fn file_name(&self) -> &str {
                "peek.txt"
            }
            fn write(&self, out: &mut dyn Write) -> io::Result<()> {
                // While writing, the output directory holds only the previous results.
                let names: Vec<String> = std::fs::read_dir(self.0)?
                    .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect::<io::Result<_>>()?;
                out.write_all(names.join(",").as_bytes())
            }
        }
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("out");
        write_all(&out, &[&Fixed("a.txt", "one")]).unwrap();
        write_all(&out, &[&Fixed("a.txt", "two"), &Peek(&out)]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("peek.txt")).unwrap(), "a.txt");
        assert_eq!(entries(parent.path()), ["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_directory_is_staged_beside_its_target() {
        let (here, there) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let target = there.path().join("results");
        std::fs::create_dir(&target).unwrap();
        let link = here.path().join("out");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let written = write_all(&link, &[&Fixed("a.txt", "one")]).unwrap();
        assert_eq!(written, vec![link.join("a.txt")], "paths as the caller gave them");
        assert_eq!(std::fs::read_to_string(target.join("a.txt")).unwrap(), "one");
        assert_eq!(entries(here.path()), ["out"]);
        assert_eq!(entries(there.path()), ["results"]);
    }

    #[test]
    fn staging_falls_back_to_inside_the_directory() {
        // As when the parent of the output directory cannot be written to.
        let dir = tempfile::tempdir().unwrap();
        let places = [dir.path().join("missing"), dir.path().to_path_buf()];
        let staging = new_staging(&places, ".wfsim-staging-out-").unwrap();
        assert_eq!(staging.path().parent(), Some(dir.path()));
        assert!(new_staging(&places[..1], ".wfsim-staging-out-").is_err());
    }
}
