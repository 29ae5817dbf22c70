//! `wfsim national`: every council's baseline projected, England as their sum.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn national(out: &Path, threads: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wfsim"))
        .args(["national", "--reps", "8", "--months", "12", "--seed", "3", "--threads", threads, "--out"])
        .arg(out)
        .output()
        .expect("the wfsim binary runs")
}

/// `national.csv` as (area code, year, metric) -> (mean, p50).
fn read(out: &Path) -> BTreeMap<(String, i32, String), (f64, f64)> {
    let mut reader = csv::Reader::from_path(out.join("national.csv")).expect("national.csv");
    reader
        .records()
        .map(|record| {
            let record = record.expect("a record");
            let number = |i: usize| record[i].parse::<f64>().expect("a number");
            ((record[1].to_string(), record[3].parse().expect("a year"), record[4].to_string()), (number(5), number(7)))
        })
        .collect()
}

#[test]
fn every_council_is_projected_and_england_is_their_sum() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let output = national(&one, "1");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("England, 30 September 2025: vacancy_rate"), "{stdout}");
    assert!(stdout.contains("Skipped Poole: no data for 2024"), "{stdout}");

    let rows = read(&one);
    let councils: Vec<&String> = rows
        .keys()
        .filter(|(code, ..)| code != "E92000001")
        .map(|(code, ..)| code)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(councils.len() > 140, "{} councils", councils.len());
    // At the start every replication is the same: England's FTE is the councils' FTE added up.
    let fte = |code: &str| rows[&(code.to_string(), 2024, "fte_in_post".to_string())].1;
    let sum: f64 = councils.iter().map(|code| fte(code)).sum();
    assert!((fte("E92000001") - sum).abs() < 1e-6 * sum, "England {} vs sum {sum}", fte("E92000001"));
    // Rates are ratios of England's sums, in [0, 1]; a year's cost only once it is simulated.
    for ((_, year, metric), (mean, p50)) in &rows {
        assert!(mean.is_finite() && p50.is_finite());
        if metric.ends_with("_rate") {
            assert!((0.0..=1.0).contains(p50), "{metric} {year}: {p50}");
        }
        if metric == "cost_total_gbp" {
            assert_eq!(*year, 2025, "a cost for the year to 30 September {year}");
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(one.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest["replications"], 8);
    assert_eq!(manifest["councils"].as_array().map(Vec::len), Some(councils.len()));
    assert!(manifest["skipped"].as_array().is_some_and(|skipped| skipped.iter().any(|s| s["area"] == "Poole")));

    // The same bytes whatever the thread count.
    assert!(national(&two, "2").status.success());
    for file in ["national.csv", "manifest.json"] {
        assert_eq!(std::fs::read(one.join(file)).ok(), std::fs::read(two.join(file)).ok(), "{file} differs");
    }
}

#[test]
fn a_year_outside_the_data_is_bad_input() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_wfsim"))
        .args(["national", "--year", "2031", "--out"])
        .arg(&out)
        .output()
        .expect("the wfsim binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--year 2031: expected a year from 2017 to 2024"));
    assert!(!out.exists(), "nothing is written");
}
