//! Every file the commands write, byte for byte: a small fixed run of each command is hashed
//! and compared with `tests/fixtures/golden.sha256`. A refactor must leave every hash as it
//! was; a change meant to alter results (a new model feature, a recalibration) regenerates
//! the fixture with `WFSIM_BLESS=1 cargo test --release --test golden`, and its diff shows
//! which files moved.
//!
//! On a mismatch the fresh files are kept in `target/golden/` for comparison.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const FIXTURE: &str = "tests/fixtures/golden.sha256";

/// The commands run from the project's folder, each into its own folder: (folder, arguments
/// before `--out`). Paths are relative, as files record them: the bytes must not depend on
/// where the project is checked out.
fn commands() -> Vec<(&'static str, Vec<String>)> {
    let baseline = "scenarios/baseline.toml";
    let owned = |args: &[&str]| args.iter().map(|arg| arg.to_string()).collect::<Vec<_>>();
    vec![
        ("run", owned(&["run", "--reps", "20", "--months", "24", "--seed", "7"])),
        (
            "sweep",
            owned(&[
                "sweep",
                "--param",
                "retention.allowance.amount_gbp=0..3000:1500",
                "--reps",
                "20",
                "--months",
                "24",
                baseline,
            ]),
        ),
        ("backtest", owned(&["backtest", "--la", "County Durham", "--reps", "20"])),
        ("national", owned(&["national", "--reps", "4", "--months", "24"])),
        ("init", owned(&["init", "--la", "Hackney", "--year", "2021"])),
        ("fit", owned(&["fit", "--by", "route", "tests/fixtures/fit_records.csv"])),
    ]
}

/// sha256 of every file under `dir`, by its path relative to `dir` (with `/`).
fn hashes(dir: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("a folder written by the command") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).expect("a file written by the command");
            let relative = path.strip_prefix(dir).expect("under the folder");
            let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            found.insert(name, format!("{:x}", Sha256::digest(&bytes)));
        }
    }
    found
}

#[test]
fn every_file_of_a_fixed_run_of_each_command_is_unchanged() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target").join("golden");
    let _ = std::fs::remove_dir_all(&out);
    let mut fresh = BTreeMap::new();
    for (folder, args) in commands() {
        let dir = out.join(folder);
        let target = if folder == "init" { dir.join("hackney.toml") } else { dir.clone() };
        std::fs::create_dir_all(&dir).expect("a folder");
        let output = Command::new(env!("CARGO_BIN_EXE_wfsim"))
            .current_dir(&root)
            .args(&args)
            .arg("--out")
            .arg(&target)
            .output()
            .expect("runs");
        assert!(output.status.success(), "{folder}: {}", String::from_utf8_lossy(&output.stderr));
        for (name, hash) in hashes(&dir) {
            fresh.insert(format!("{folder}/{name}"), hash);
        }
    }
    let rendered: String = fresh.iter().map(|(name, hash)| format!("{hash}  {name}\n")).collect();
    let fixture = root.join(FIXTURE);
    if std::env::var_os("WFSIM_BLESS").is_some() {
        std::fs::create_dir_all(fixture.parent().expect("a parent")).expect("the fixtures folder");
        std::fs::write(&fixture, &rendered).expect("the fixture is written");
        return;
    }
    let expected = std::fs::read_to_string(&fixture).expect("tests/fixtures/golden.sha256 (WFSIM_BLESS=1 writes it)");
    let expected: BTreeMap<&str, &str> =
        expected.lines().filter_map(|line| line.split_once("  ")).map(|(hash, name)| (name, hash)).collect();
    let mut differences = Vec::new();
    for (name, hash) in &expected {
        match fresh.get(*name) {
            None => differences.push(format!("missing: {name}")),
            Some(fresh_hash) if fresh_hash != hash => differences.push(format!("changed: {name}")),
            Some(_) => {}
        }
    }
    differences
        .extend(fresh.keys().filter(|name| !expected.contains_key(name.as_str())).map(|name| format!("new: {name}")));
    assert!(
        differences.is_empty(),
        "{} file(s) differ from the fixture (fresh files in {}; if the change is meant, regenerate with WFSIM_BLESS=1):\n{}",
        differences.len(),
        out.display(),
        differences.join("\n")
    );
    let _ = std::fs::remove_dir_all(&out);
}
