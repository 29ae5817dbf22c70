//! An interrupted run (killed part-way) leaves the previous results in DIR intact and no
//! partial files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Every file under `dir` (recursively), by path relative to `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("readable directory") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("readable file");
                files.insert(path.strip_prefix(dir).expect("under dir").to_path_buf(), bytes);
            }
        }
    }
    files
}

fn wfsim(out: &Path, reps: &str, months: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wfsim"));
    command
        .args(["run", "scenarios/baseline.toml", "--reps", reps, "--months", months, "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn run_to_completion(out: &Path) {
    let output = wfsim(out, "50", "24").output().expect("the wfsim binary runs");
    assert!(output.status.success(), "wfsim run failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// Kills the child if the test fails before it does (a long run must not outlive the test).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_killed_run_leaves_the_previous_results_intact_and_no_partial_files() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out");
    run_to_completion(&out);
    let before = snapshot(&out);
    assert!(before.contains_key(Path::new("timeseries.csv")) && before.contains_key(Path::new("manifest.json")));
    assert!(before.keys().any(|path| path.starts_with("charts")), "charts were written: {:?}", before.keys());

    let mut child = KillOnDrop(wfsim(&out, "200000", "120").spawn().expect("the long run starts"));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(child.0.try_wait().expect("child status").is_none(), "the long run should still be running");
    child.0.kill().expect("SIGKILL the long run");
    child.0.wait().expect("the killed run is reaped");
    drop(child);

    let after = snapshot(&out);
    let leftovers: Vec<&PathBuf> = after.keys().filter(|path| !before.contains_key(*path)).collect();
    assert!(leftovers.is_empty(), "the killed run left files behind: {leftovers:?}");
    for (path, bytes) in &before {
        let now = after.get(path).unwrap_or_else(|| panic!("{} was removed by the killed run", path.display()));
        assert!(now == bytes, "{} was changed by the killed run", path.display());
    }

    // The directory still takes a run afterwards, which gives the same bytes as the first.
    run_to_completion(&out);
    assert_eq!(snapshot(&out), before, "a rerun with the same settings reproduces the results");
}

/// The same, killed while the results are being written rather than while simulating: the
/// files are staged beside DIR, never inside it, so DIR still holds exactly the previous
/// results; the next run clears the staging directory away.
#[test]
fn a_run_killed_while_writing_leaves_no_partial_files() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out");
    run_to_completion(&out);
    let before = snapshot(&out);

    let mut child = KillOnDrop(wfsim(&out, "400", "60").spawn().expect("the run starts"));
    // Kill as soon as a staging directory appears (the write phase has begun).
    let staging = || {
        std::fs::read_dir(dir.path())
            .expect("readable directory")
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with(".wfsim-")))
    };
    let mut staged = None;
    while child.0.try_wait().expect("child status").is_none() {
        staged = staging();
        if staged.is_some() {
            break;
        }
    }
    child.0.kill().expect("SIGKILL the run");
    child.0.wait().expect("the killed run is reaped");
    drop(child);
    assert!(staged.is_some(), "the run finished before its write phase was seen; nothing was tested");

    assert_eq!(snapshot(&out), before, "the killed run changed the output directory");
    run_to_completion(&out);
    assert_eq!(staging(), None, "the next run cleared the staging directory away");
    assert_eq!(snapshot(&out), before, "and wrote the same results as the first");
}
