//! End-to-end tests of the `wfsim` binary: the output contract, reproducibility at any thread
//! count, and exit statuses for bad input (which must never touch the output directory).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wfsim::engine::metrics::Metric;

const TIMESERIES_HEADER: &str = "scenario,month,date,metric,mean,p5,p10,p25,p50,p75,p90,p95";
const ANNUAL_HEADER: &str = "scenario,year,metric,mean,p5,p10,p25,p50,p75,p90,p95";
/// Every file `wfsim run` writes at the top of the output directory (charts go in `charts/`).
const OUTPUT_FILES: [&str; 12] = [
    "annual.csv",
    "appraisal.csv",
    "assumptions.csv",
    "breakeven.csv",
    "costs.csv",
    "differences.csv",
    "manifest.json",
    "probabilities.csv",
    "report.html",
    "results.xlsx",
    "timeseries.csv",
    "whole_year.csv",
];

/// A small valid scenario, with a name that needs quoting in CSV.
const MINI: &str = r#"
name = "Mini, \"test\" council"
description = "A small council for tests."
start = "2024-10"
horizon_months = 24

[initial]
fte_in_post = 90.0
headcount = 95
vacancy_rate = 0.15
agency_fte = 8.0
open_cases = 1500.0
leavers_fte_last_12_months = 14.0
tenure_band_shares = [0.2, 0.2, 0.3, 0.3]
route_shares = { university = 0.6, experienced = 0.4 }

[establishment]

[retention]
band_edges_months = [12, 24, 60]
annual_leave_prob = { default = [0.2, 0.18, 0.14, 0.1] }
hazard_scale = { dist = "uniform", min = 0.9, max = 1.1 }

[routes.experienced]
monthly_fill_prob = 0.08

[agency]
cover_share = 0.8
"#;

/// A scenario that extends `MINI` (saved as `mini.toml`).
const MINI_OPTION: &str = r#"
extends = "mini.toml"
name = "Mini option"

[routes.experienced]
monthly_fill_prob = { dist = "triangular", min = 0.08, mode = 0.1, max = 0.14 }
"#;

/// `MINI` with a vacancy rate that is not a fraction, on line 10.
fn bad_scenario() -> String {
    MINI.replace("vacancy_rate = 0.15", "vacancy_rate = 1.7")
}

fn wfsim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfsim")).args(args).current_dir(dir).output().expect("the wfsim binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_status(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit status\nstdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped scenarios, as `wfsim run` finds them.
fn shipped_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("scenarios"))
        .expect("scenarios/ exists at the crate root")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml") && path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no shipped scenarios");
    files
}

/// A temporary directory holding `mini.toml` and `option.toml`.
fn mini_scenarios() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mini.toml"), MINI).unwrap();
    std::fs::write(dir.path().join("option.toml"), MINI_OPTION).unwrap();
    dir
}

fn read_csv(path: &Path) -> (String, Vec<csv::StringRecord>) {
    let content = std::fs::read_to_string(path).unwrap();
    let header = content.lines().next().unwrap_or_default().to_string();
    let mut reader = csv::Reader::from_reader(content.as_bytes());
    let rows = reader.records().map(|record| record.unwrap()).collect();
    (header, rows)
}

fn number(field: &str) -> f64 {
    field.parse().unwrap_or_else(|_| panic!("not a number: {field:?}"))
}

fn read_manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn scenario_names(manifest: &serde_json::Value) -> Vec<String> {
    manifest["scenarios"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect()
}

/// Checks the result files in `out` against the output contract.
fn check_contract(out: &Path, scenario_count: usize, months: usize) {
    let mut names_in_dir: Vec<String> =
        std::fs::read_dir(out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names_in_dir.sort();
    let mut expected: Vec<&str> = OUTPUT_FILES.iter().copied().chain(["charts"]).collect();
    expected.sort();
    assert_eq!(names_in_dir, expected, "no temporary files left");
    let charts = std::fs::read_dir(out.join("charts")).unwrap().map(|e| e.unwrap().file_name());
    assert!(
        charts
            .map(|name| name.to_string_lossy().into_owned())
            .all(|name| name.ends_with(".png") || name.ends_with(".svg")),
        "no temporary files left in charts/"
    );

    let manifest = read_manifest(out);
    let names = scenario_names(&manifest);
    assert_eq!(names.len(), scenario_count);
    for scenario in manifest["scenarios"].as_array().unwrap() {
        let sha = scenario["sha256"].as_str().unwrap();
        assert!(sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit()), "sha256 {sha:?}");
        assert_eq!(scenario["months"].as_u64(), Some(months as u64));
        assert!(scenario["file"].as_str().is_some_and(|f| f.ends_with(".toml")));
    }
    assert_eq!(manifest["metrics"].as_array().unwrap().len(), Metric::ALL.len());
    assert!(manifest["quantile_method"].as_str().unwrap().contains("type 7"));

    let (header, rows) = read_csv(&out.join("timeseries.csv"));
    assert_eq!(header, TIMESERIES_HEADER);
    assert_eq!(rows.len(), scenario_count * (months + 1) * Metric::ALL.len());
    let in_rows: BTreeSet<&str> = rows.iter().map(|row| &row[0]).collect();
    assert_eq!(in_rows, names.iter().map(String::as_str).collect());
    for (i, row) in rows.iter().enumerate() {
        let metric = Metric::ALL[i % Metric::ALL.len()];
        assert_eq!(&row[3], metric.name(), "metrics in Metric::ALL order");
        assert_eq!(number(&row[1]) as usize, (i / Metric::ALL.len()) % (months + 1), "months in order");
        check_summary(row, 4, metric);
    }

    // Each scenario's whole years (12 months to a 30 September all simulated): four figures,
    // each as an average and a worst month.
    let (header, rows) = read_csv(&out.join("whole_year.csv"));
    assert_eq!(header, "scenario,year,metric,measure,mean,p5,p10,p25,p50,p75,p90,p95");
    let whole_years = months / 12;
    assert_eq!(rows.len(), scenario_count * whole_years * 4 * 2, "whole-year rows");
    for row in &rows {
        assert!(["year_average", "worst_month"].contains(&&row[3]), "{row:?}");
        check_summary(row, 4, Metric::from_name(&row[2]).expect("a known metric"));
    }

    let (header, rows) = read_csv(&out.join("annual.csv"));
    assert_eq!(header, ANNUAL_HEADER);
    for name in &names {
        let in_2025: BTreeSet<&str> = rows.iter().filter(|r| &r[0] == name && &r[1] == "2025").map(|r| &r[2]).collect();
        assert!(in_2025.contains("vacancy_rate") && in_2025.contains("starters_fte"), "{name} has 2025 figures");
    }
    for row in &rows {
        check_summary(row, 3, Metric::from_name(&row[2]).expect("a known metric"));
    }
}

/// The mean and ordered percentiles from column `first` on; rates within [0, 1].
fn check_summary(row: &csv::StringRecord, first: usize, metric: Metric) {
    let values: Vec<f64> = (first..first + 8).map(|i| number(&row[i])).collect();
    assert!(values[1..].windows(2).all(|pair| pair[0] <= pair[1]), "percentiles in order: {row:?}");
    if metric.is_rate() {
        assert!(values.iter().all(|v| (0.0..=1.0).contains(v)), "{} outside [0, 1]: {row:?}", metric.name());
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `args` plus `--out <new dir>` and returns the directory (kept alive by the TempDir).
fn run_into(args: &[&str], cwd: &Path) -> (tempfile::TempDir, PathBuf, Output) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--out", out.to_str().unwrap()]);
    let output = wfsim(&all, cwd);
    (dir, out, output)
}

fn assert_same_results(a: &Path, b: &Path) {
    for file in OUTPUT_FILES {
        assert!(read(&a.join(file)) == read(&b.join(file)), "{file} differs");
    }
}

// ---- shipped scenarios -----------------------------------------------------------------------

#[test]
fn run_on_shipped_scenarios_writes_the_contract() {
    let count = shipped_scenarios().len();
    let (_dir, out, output) = run_into(&["run", "--reps", "40", "--months", "24"], &crate_dir());
    assert_status(&output, 0);
    check_contract(&out, count, 24);
    let names = scenario_names(&read_manifest(&out));
    let files: Vec<String> = read_manifest(&out)["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap().to_string())
        .collect();
    if files.iter().any(|f| f.ends_with("baseline.toml")) {
        assert!(files[0].ends_with("baseline.toml"), "baseline first: {files:?}");
    }
    let stdout = text(&output.stdout);
    for name in names {
        assert!(stdout.contains(&name), "summary names {name}: {stdout}");
    }
    assert!(stdout.contains("vacancy rate") && stdout.contains("timeseries.csv"), "{stdout}");
}

#[test]
fn shipped_results_are_identical_at_any_thread_count() {
    let args = ["run", "--reps", "40", "--months", "24", "--seed", "7"];
    let (_a, one, output) = run_into(&[&args[..], &["--threads", "1"]].concat(), &crate_dir());
    assert_status(&output, 0);
    let (_b, four, output) = run_into(&[&args[..], &["--threads", "4"]].concat(), &crate_dir());
    assert_status(&output, 0);
    assert_same_results(&one, &four);

    let (_c, other_seed, output) = run_into(&["run", "--reps", "40", "--months", "24", "--seed", "8"], &crate_dir());
    assert_status(&output, 0);
    assert!(read(&one.join("timeseries.csv")) != read(&other_seed.join("timeseries.csv")), "seed matters");
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let files = shipped_scenarios();
    let mut args = vec!["validate".to_string()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = wfsim(&args, &crate_dir());
    assert_status(&output, 0);
    let stdout = text(&output.stdout);
    for file in &files {
        assert!(stdout.contains(&format!("ok: {}", file.display())), "{stdout}");
    }
}

// ---- scenarios written here ------------------------------------------------------------------

#[test]
fn run_on_given_files_writes_the_contract() {
    let scenarios = mini_scenarios();
    let (_dir, out, output) =
        run_into(&["run", "mini.toml", "option.toml", "--reps", "30", "--months", "24"], scenarios.path());
    assert_status(&output, 0);
    check_contract(&out, 2, 24);
    let manifest = read_manifest(&out);
    assert_eq!(scenario_names(&manifest), ["Mini, \"test\" council", "Mini option"]);
    assert_eq!(manifest["scenarios"][0]["file"], "mini.toml");
    assert_eq!(manifest["scenarios"][0]["start"], "2024-10");
    assert_eq!(manifest["replications"], 30);
    assert_eq!(manifest["seed"], 1);
    let first_row = std::fs::read_to_string(out.join("timeseries.csv")).unwrap().lines().nth(1).unwrap().to_string();
    assert!(first_row.starts_with("\"Mini, \"\"test\"\" council\",0,2024-09,fte_in_post,"), "{first_row}");
}

#[test]
fn given_results_are_identical_at_any_thread_count_and_seed_matters() {
    let scenarios = mini_scenarios();
    let args = ["run", "mini.toml", "option.toml", "--reps", "30", "--months", "24"];
    let (_a, one, output) = run_into(&[&args[..], &["--threads", "1"]].concat(), scenarios.path());
    assert_status(&output, 0);
    let (_b, four, output) = run_into(&[&args[..], &["--threads", "4"]].concat(), scenarios.path());
    assert_status(&output, 0);
    assert_same_results(&one, &four);
    let (_c, seeded, output) = run_into(&[&args[..], &["--seed", "2"]].concat(), scenarios.path());
    assert_status(&output, 0);
    assert!(read(&one.join("timeseries.csv")) != read(&seeded.join("timeseries.csv")), "seed matters");
}

#[test]
fn run_without_files_takes_scenarios_dir_with_baseline_first() {
    let cwd = tempfile::tempdir().unwrap();
    let dir = cwd.path().join("scenarios");
    std::fs::create_dir(&dir).unwrap();
    // One council: mini.toml extends the baseline, option.toml extends mini.toml.
    std::fs::write(dir.join("mini.toml"), "extends = \"baseline.toml\"\nname = \"zz\"\n").unwrap();
    std::fs::write(dir.join("baseline.toml"), MINI.replace("Mini, \\\"test\\\" council", "base")).unwrap();
    std::fs::write(dir.join("option.toml"), MINI_OPTION).unwrap();
    std::fs::write(dir.join("notes.md"), "not a scenario").unwrap();
    let output = wfsim(&["run", "--reps", "5", "--months", "12"], cwd.path());
    assert_status(&output, 0);
    let manifest = read_manifest(&cwd.path().join("output"));
    let files: Vec<&str> =
        manifest["scenarios"].as_array().unwrap().iter().map(|s| s["file"].as_str().unwrap()).collect();
    let expected: Vec<String> = ["baseline.toml", "mini.toml", "option.toml"]
        .iter()
        .map(|f| Path::new("scenarios").join(f).to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, expected);
    assert_eq!(scenario_names(&manifest), ["base", "zz", "Mini option"]);
}

#[test]
fn validate_reports_good_and_bad_files() {
    let scenarios = mini_scenarios();
    std::fs::write(scenarios.path().join("bad.toml"), bad_scenario()).unwrap();
    let output = wfsim(&["validate", "mini.toml", "option.toml"], scenarios.path());
    assert_status(&output, 0);
    assert_eq!(text(&output.stdout), "ok: mini.toml\nok: option.toml\n");

    let output = wfsim(&["validate", "mini.toml", "bad.toml"], scenarios.path());
    assert_status(&output, 2);
    assert!(text(&output.stdout).contains("ok: mini.toml"));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error: ") && has_position(&stderr, "bad.toml"), "{stderr}");
    assert!(stderr.contains("vacancy_rate"), "{stderr}");
    let mut left: Vec<_> = std::fs::read_dir(scenarios.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["bad.toml", "mini.toml", "option.toml"], "validate writes nothing");
}

#[test]
fn validate_reports_unknown_fields_with_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("typo.toml"), MINI.replace("[agency]", "[agency]\ncover_shares = 0.5")).unwrap();
    let output = wfsim(&["validate", "typo.toml"], dir.path());
    assert_status(&output, 2);
    let stderr = text(&output.stderr);
    assert!(has_position(&stderr, "typo.toml") && stderr.contains("cover_shares"), "{stderr}");
}

/// True if `text` contains `file:LINE:COL` or names `file` and a line.
fn has_position(text: &str, file: &str) -> bool {
    let with_numbers = text.match_indices(&format!("{file}:")).any(|(at, found)| {
        let rest = &text[at + found.len()..];
        let (line, rest) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
        !line.is_empty() && rest.starts_with(':') && rest[1..].starts_with(|c: char| c.is_ascii_digit())
    });
    with_numbers || (text.contains(file) && text.contains("line"))
}

#[test]
fn bad_flags_exit_2_without_creating_the_output_directory() {
    let scenarios = mini_scenarios();
    std::fs::create_dir(scenarios.path().join("a_directory.toml")).unwrap();
    let bad: [&[&str]; 8] = [
        &["run", "mini.toml", "--reps", "0"],
        &["run", "mini.toml", "--reps", "1000001"],
        &["run", "mini.toml", "--months", "0"],
        &["run", "mini.toml", "--seed", "notanumber"],
        &["run", "mini.toml", "--threads", "0"],
        &["run", "missing.toml"],
        &["run", "a_directory.toml"],
        &["run", "mini.toml", "--no-such-flag"],
    ];
    for args in bad {
        let (_dir, out, output) = run_into(args, scenarios.path());
        assert_status(&output, 2);
        assert!(!text(&output.stderr).is_empty(), "{args:?} explains itself");
        assert!(!out.exists(), "{args:?} created the output directory");
    }
}

#[test]
fn missing_scenarios_directory_is_bad_input() {
    let cwd = tempfile::tempdir().unwrap();
    let output = wfsim(&["run", "--reps", "2"], cwd.path());
    assert_status(&output, 2);
    assert!(text(&output.stderr).contains("scenarios"));
    assert!(!cwd.path().join("output").exists());
}

#[test]
fn a_bad_scenario_among_good_ones_stops_everything() {
    let scenarios = mini_scenarios();
    std::fs::write(scenarios.path().join("bad.toml"), bad_scenario()).unwrap();
    let (_dir, out, output) =
        run_into(&["run", "mini.toml", "bad.toml", "option.toml", "--reps", "5"], scenarios.path());
    assert_status(&output, 2);
    assert!(has_position(&text(&output.stderr), "bad.toml"), "{}", text(&output.stderr));
    assert!(!out.exists());
}

#[test]
fn bad_input_leaves_previous_results_untouched() {
    let scenarios = mini_scenarios();
    std::fs::write(scenarios.path().join("bad.toml"), bad_scenario()).unwrap();
    let (_dir, out, output) = run_into(&["run", "mini.toml", "--reps", "5", "--months", "12"], scenarios.path());
    assert_status(&output, 0);
    let before: Vec<Vec<u8>> = OUTPUT_FILES.iter().map(|f| read(&out.join(f))).collect();
    let output = wfsim(&["run", "bad.toml", "--out", out.to_str().unwrap()], scenarios.path());
    assert_status(&output, 2);
    let after: Vec<Vec<u8>> = OUTPUT_FILES.iter().map(|f| read(&out.join(f))).collect();
    assert!(before == after);
}

#[test]
fn unwritable_output_is_a_failure_not_bad_input() {
    let scenarios = mini_scenarios();
    std::fs::write(scenarios.path().join("a_file"), "").unwrap();
    let output = wfsim(&["run", "mini.toml", "--reps", "2", "--months", "12", "--out", "a_file/out"], scenarios.path());
    assert_status(&output, 1);
    assert!(text(&output.stderr).contains("a_file"), "{}", text(&output.stderr));
}

#[test]
fn help_and_version_exit_0() {
    let cwd = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["--version"], &["run", "--help"], &["validate", "--help"]] {
        let output = wfsim(args, cwd.path());
        assert_status(&output, 0);
    }
    let help = text(&wfsim(&["run", "--help"], cwd.path()).stdout);
    assert!(help.contains("horizon_months") && help.contains("60"), "{help}");
    assert_status(&wfsim(&[], cwd.path()), 2);
}

#[test]
fn a_very_long_scenario_name_is_summarised_not_a_panic() {
    // Found by the fuzz harness: the terminal summary padded names to the longest, and a
    // format width of 2^16 or more panics ("Formatting argument out of range").
    let dir = mini_scenarios();
    let long = "x".repeat(70_000);
    std::fs::write(
        dir.path().join("mini.toml"),
        MINI.replacen(r#"name = "Mini, \"test\" council""#, &format!("name = \"{long}\""), 1),
    )
    .unwrap();
    let output =
        wfsim(&["run", "mini.toml", "--reps", "2", "--months", "3", "--no-report", "--out", "out"], dir.path());
    assert_status(&output, 0);
    assert!(
        text(&output.stdout).contains(&format!("  {long}  30 September 2024: vacancy rate")),
        "the name is printed in full"
    );
}

// ---- groups ------------------------------------------------------------------------------------

/// A second council initialised into the same folder forms a group of its own: each group's
/// files hold only its own scenarios, options are compared with their own baseline only, and
/// the second group's files are in a folder named after its baseline.
#[test]
fn a_second_council_in_the_folder_forms_its_own_group_and_is_never_compared() {
    let dir = mini_scenarios();
    assert_status(&wfsim(&["init", "--la", "Rutland", "--out", "rutland.toml"], dir.path()), 0);
    let files = ["mini.toml", "rutland.toml", "option.toml"];
    let (_keep, out, output) =
        run_into(&[&["run", "--reps", "20", "--months", "14"][..], &files[..]].concat(), dir.path());
    assert_status(&output, 0);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("so they form 2 groups, each compared only within itself"), "{stdout}");

    let mini = ["Mini, \"test\" council", "Mini option"];
    let second = out.join("rutland_2024");
    for (folder, names) in [(out.clone(), &mini[..]), (second.clone(), &["rutland_2024"][..])] {
        assert_eq!(scenario_names(&read_manifest(&folder)), names, "{}", folder.display());
        for file in ["timeseries.csv", "annual.csv", "assumptions.csv", "costs.csv"] {
            let (_, rows) = read_csv(&folder.join(file));
            let in_rows: BTreeSet<&str> = rows.iter().map(|row| &row[0]).collect();
            assert_eq!(in_rows, names.iter().copied().collect(), "{} {file}", folder.display());
        }
        // Paired comparisons: each option against its own baseline, and nothing else.
        for file in ["differences.csv", "appraisal.csv"] {
            let (_, rows) = read_csv(&folder.join(file));
            let in_rows: BTreeSet<&str> = rows.iter().map(|row| &row[0]).collect();
            assert_eq!(in_rows, names[1..].iter().copied().collect(), "{} {file}", folder.display());
        }
        // Beyond the paragraph that points to the other group, the report does not name it.
        let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
        let start = report.find("The same run also projected").expect("a pointer to the other group");
        let end = start + report[start..].find("</p>").expect("the paragraph ends");
        let rest = format!("{}{}", &report[..start], &report[end..]);
        assert!(!rest.contains(if names.len() == 1 { "Mini option" } else { "rutland" }), "{}", folder.display());
    }
    assert_eq!(read_manifest(&out)["baseline"], "Mini, \"test\" council");
    assert_eq!(read_manifest(&second)["baseline"], "rutland_2024");
    // Each group's report points to the other's, and its manifest says where it is.
    assert_eq!(read_manifest(&out)["other_groups"][0]["folder"], "rutland_2024");
    assert_eq!(read_manifest(&second)["other_groups"][0]["folder"], "..");
    let main_report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        main_report
            .contains("<a href=\"rutland_2024/report.html\">Current plans (Rutland, from 2024) (rutland_2024)</a>")
    );
    let second_report = std::fs::read_to_string(second.join("report.html")).unwrap();
    assert!(second_report.contains("<a href=\"../report.html\">"), "the second group's report points back");
}
