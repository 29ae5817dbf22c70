//! The files `wfsim run` adds for the report (paired differences, probabilities, assumptions),
//! and `wfsim report DIR`, which must rebuild the charts, report and workbook from the saved
//! results alone, byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wfsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the wfsim binary runs")
}

fn assert_ok(output: &Output) {
    assert!(output.status.success(), "wfsim failed: {}", String::from_utf8_lossy(&output.stderr));
}

fn records(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("CSV opens");
    let header = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("record");
            header.iter().zip(record.iter()).map(|(k, v)| (k.to_string(), v.to_string())).collect()
        })
        .collect()
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("inside").to_path_buf();
                files.insert(relative, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    files
}

#[test]
fn report_rebuilds_the_same_files_from_saved_results() {
    let out = tempfile::tempdir().expect("temp dir");
    let out_path = out.path().to_str().expect("utf-8 path");
    assert_ok(&wfsim(&["run", "--reps", "30", "--months", "24", "--out", out_path]));
    let after_run = snapshot(out.path());
    for name in ["report.html", "results.xlsx", "charts/compare_vacancy_rate.svg", "charts/compare_vacancy_rate.png"] {
        assert!(after_run.contains_key(Path::new(name)), "run wrote no {name}");
    }
    // Remove everything the report builds, then rebuild it from the saved results alone.
    std::fs::remove_file(out.path().join("report.html")).expect("remove");
    std::fs::remove_file(out.path().join("results.xlsx")).expect("remove");
    std::fs::remove_dir_all(out.path().join("charts")).expect("remove");
    let output = wfsim(&["report", out_path]);
    assert_ok(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("report.html"));
    assert_eq!(snapshot(out.path()), after_run, "wfsim report must rebuild the same bytes");
}

#[test]
fn report_on_a_directory_without_results_is_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = wfsim(&["report", dir.path().to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(snapshot(dir.path()).is_empty(), "nothing written");
}

#[test]
fn an_option_identical_to_the_baseline_differs_by_exactly_zero() {
    // The same scenario under another name: paired by replication, every difference is zero.
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("copy.toml");
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    std::fs::write(&copy, format!("extends = {:?}\nname = \"copy\"\n", baseline.to_str().expect("utf-8")))
        .expect("write");
    let out = dir.path().join("out");
    assert_ok(&wfsim(&[
        "run",
        baseline.to_str().expect("utf-8"),
        copy.to_str().expect("utf-8"),
        "--reps",
        "40",
        "--months",
        "24",
        "--no-report",
        "--out",
        out.to_str().expect("utf-8"),
    ]));
    let rows = records(&out.join("differences.csv"));
    assert_eq!(rows.len(), 25 * wfsim::engine::metrics::COUNT, "one row per month and metric, for the copy only");
    for row in &rows {
        assert_eq!(row["scenario"], "copy");
        for column in ["mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
            assert_eq!(row[column], "0", "{} month {} {column}", row["metric"], row["month"]);
        }
    }
    assert!(!out.join("report.html").exists(), "--no-report writes no report");
}

#[test]
fn probabilities_and_assumptions_are_consistent() {
    let out = tempfile::tempdir().expect("temp dir");
    assert_ok(&wfsim(&[
        "run",
        "--reps",
        "50",
        "--months",
        "24",
        "--no-report",
        "--out",
        out.path().to_str().expect("utf-8"),
    ]));
    let probabilities = records(&out.path().join("probabilities.csv"));
    // At month 0 (30 September 2024) every replication has the DfE vacancy rate of 13.2%.
    let share = |scenario: &str, year: &str, metric: &str, threshold: &str| -> f64 {
        probabilities
            .iter()
            .find(|r| {
                r["scenario"] == scenario && r["year"] == year && r["metric"] == metric && r["threshold"] == threshold
            })
            .map(|r| r["share_below"].parse().expect("number"))
            .unwrap_or_else(|| panic!("no row {scenario} {year} {metric} {threshold}"))
    };
    assert_eq!(share("baseline", "2024", "vacancy_rate", "0.13"), 0.0);
    assert_eq!(share("baseline", "2024", "vacancy_rate", "0.14"), 1.0);
    // Shares never fall as the threshold rises.
    let mut by_key: BTreeMap<(String, String, String), Vec<(u32, f64)>> = BTreeMap::new();
    for row in &probabilities {
        let points = (row["threshold"].parse::<f64>().expect("number") * 100.0).round() as u32;
        let value: f64 = row["share_below"].parse().expect("number");
        assert!((0.0..=1.0).contains(&value));
        by_key
            .entry((row["scenario"].clone(), row["year"].clone(), row["metric"].clone()))
            .or_default()
            .push((points, value));
    }
    for (key, mut shares) in by_key {
        shares.sort_by_key(|(points, _)| *points);
        assert_eq!(shares.len(), 30, "{key:?}");
        assert!(shares.windows(2).all(|w| w[0].1 <= w[1].1), "{key:?} not monotone");
    }

    let assumptions = records(&out.path().join("assumptions.csv"));
    let differs = |scenario: &str, parameter: &str| {
        assumptions
            .iter()
            .find(|r| r["scenario"] == scenario && r["parameter"] == parameter)
            .map(|r| r["differs_from_baseline"] == "true")
            .unwrap_or_else(|| panic!("no assumption {parameter} in {scenario}"))
    };
    assert!(assumptions.iter().filter(|r| r["scenario"] == "baseline").all(|r| r["differs_from_baseline"] == "false"));
    assert!(differs("reduced_agency", "agency.max_fte"), "set only by the option");
    assert!(differs("larger_allowance", "retention.allowance.hazard_ratio"), "changed by the option");
    assert!(!differs("larger_allowance", "initial.fte_in_post"), "inherited unchanged");
    let source = assumptions
        .iter()
        .find(|r| r["scenario"] == "baseline" && r["parameter"] == "initial.vacancy_rate")
        .map(|r| r["source"].clone());
    assert_eq!(source.as_deref(), Some("DfE 2024 (13.2%): establishment 418.0 FTE"));
}

#[test]
fn summary_sentences_of_the_shipped_scenarios_for_a_fixed_seed() {
    let out = tempfile::tempdir().expect("temp dir");
    assert_ok(&wfsim(&[
        "run",
        "--reps",
        "100",
        "--months",
        "24",
        "--seed",
        "2024",
        "--no-report",
        "--out",
        out.path().to_str().expect("utf-8"),
    ]));
    let results = wfsim::report::Results::read(out.path()).expect("results read back");
    insta::assert_snapshot!(wfsim::report::html::summary_sentences(&results).join("\n"));
}

/// What census dates hide is said in the summary: the caseload an option raises between them,
/// trainees still in training at the end (and how many more than the baseline leaves), and
/// staff in post above funded posts.
#[test]
fn the_summary_says_what_the_census_dates_hide() {
    let out = tempfile::tempdir().expect("temp dir");
    let out_path = out.path().join("shipped");
    let run = |args: &[&str], out: &Path| {
        let mut all = vec!["run", "--reps", "40", "--months", "24", "--seed", "7", "--no-report", "--out"];
        all.push(out.to_str().expect("utf-8"));
        all.extend(args);
        assert_ok(&wfsim(&all));
        wfsim::report::Results::read(out).expect("results read back")
    };
    let results = run(&[], &out_path);
    let said = |scenario: &str| wfsim::report::html::scenario_sentences(&results, scenario).join(" ");
    let baseline_said = said("baseline");
    assert!(
        baseline_said.contains("Between census dates vacancies are higher: over the year to September"),
        "{baseline_said}"
    );
    let reduced = said("reduced_agency");
    assert!(reduced.contains("Caseloads are higher than in the baseline: most in"), "{reduced}");
    let apprentices = said("apprentices_20");
    assert!(apprentices.contains("trainees are still in training"), "{apprentices}");
    assert!(apprentices.contains("20 more than in the baseline"), "{apprentices}");
    assert!(apprentices.contains("to September 2029, would show all of them qualify"), "{apprentices}");
    // An option that leaves the baseline's trainees as they are does not repeat them.
    assert!(!said("no_allowance").contains("still in training"), "{}", said("no_allowance"));
    assert!(!said("baseline").contains("above the funded posts"), "{}", said("baseline"));

    // 150 Frontline trainees qualifying into a council of about 420 posts in September 2025.
    let scenarios = tempfile::tempdir().expect("temp dir");
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let option = scenarios.path().join("overfilled.toml");
    std::fs::write(
        &option,
        format!(
            "extends = {:?}\nname = \"overfilled\"\n[[routes.frontline.cohorts]]\nstart = \"2024-09\"\nsize = 150\n",
            baseline.to_str().expect("utf-8")
        ),
    )
    .expect("write the option");
    let overfilled = out.path().join("overfilled");
    let results = run(&[baseline.to_str().expect("utf-8"), option.to_str().expect("utf-8")], &overfilled);
    let said = wfsim::report::html::scenario_sentences(&results, "overfilled").join(" ");
    assert!(said.contains("the median FTE in post is above the funded posts (by up to"), "{said}");
    assert!(said.contains("the vacancy rate shows 0% there"), "{said}");
}
