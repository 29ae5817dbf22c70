//! End-to-end tests of `wfsim sweep`: the CSV, JSON and chart it writes, common random numbers
//! (a paired difference of exactly 0 at the scenario's own value), reproducibility at any
//! thread count, and exit status 2 for bad input without touching the output directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEADER: &str = "parameter,value,metric,mean,p5,p50,p95";
const METRICS: [&str; 5] =
    ["vacancy_rate", "agency_rate", "cost_total_gbp", "net_cost_gbp", "vacancy_fte_months_avoided"];
const ALLOWANCE: &str = "retention.allowance.amount_gbp";

fn wfsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfsim"))
        .arg("sweep")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the wfsim binary runs")
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

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// `sweep.csv` as (value, metric) -> [mean, p5, p50, p95], after checking its header and
/// row order.
type Table = BTreeMap<(String, String), [f64; 4]>;

fn read_sweep(out: &Path, parameter: &str, values: &[&str]) -> Table {
    let content = std::fs::read_to_string(out.join("sweep.csv")).expect("sweep.csv is written");
    assert_eq!(content.lines().next(), Some(HEADER));
    let mut reader = csv::Reader::from_reader(content.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|record| record.unwrap()).collect();
    assert_eq!(rows.len(), values.len() * METRICS.len());
    let mut table = Table::new();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(&row[0], parameter);
        assert_eq!(&row[1], values[i / METRICS.len()], "values in order");
        assert_eq!(&row[2], METRICS[i % METRICS.len()], "metrics in order");
        let number = |field: &str| field.parse::<f64>().unwrap_or_else(|_| panic!("not a number: {field:?}"));
        let columns = [number(&row[3]), number(&row[4]), number(&row[5]), number(&row[6])];
        table.insert((row[1].to_string(), row[2].to_string()), columns);
    }
    table
}

fn get(table: &Table, value: &str, metric: &str) -> [f64; 4] {
    table[&(value.to_string(), metric.to_string())]
}

fn allowance_sweep(out: &Path, threads: &str) -> Output {
    wfsim(&[
        "scenarios/baseline.toml",
        "--param",
        "retention.allowance.amount_gbp=0..5000:2500",
        "--reps",
        "40",
        "--months",
        "24",
        "--threads",
        threads,
        "--out",
        path_arg(out),
    ])
}

#[test]
fn allowance_amount_sweep_pairs_runs_and_draws_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = allowance_sweep(&out, "2");
    assert_status(&output, 0);
    let table = read_sweep(&out, ALLOWANCE, &["0", "2500", "5000"]);

    // The baseline's own amount: paired with itself, the difference is exactly 0.
    for metric in ["net_cost_gbp", "vacancy_fte_months_avoided"] {
        assert_eq!(get(&table, "2500", metric), [0.0; 4], "{metric}");
    }
    // The amount changes the cost only...
    let net = |value| get(&table, value, "net_cost_gbp")[0];
    assert!(net("5000") > 0.0 && net("0") < 0.0, "net cost at 0: {}, at 5000: {}", net("0"), net("5000"));
    let cost = |value| get(&table, value, "cost_total_gbp")[0];
    assert!(cost("0") < cost("2500") && cost("2500") < cost("5000"));
    // ...not leaving: with common random numbers every value sees the same workforce.
    for metric in ["vacancy_rate", "agency_rate"] {
        let reference = get(&table, "2500", metric);
        assert_eq!(get(&table, "0", metric), reference, "{metric}");
        assert_eq!(get(&table, "5000", metric), reference, "{metric}");
        assert!(reference.iter().all(|v| (0.0..=1.0).contains(v)), "{metric}: {reference:?}");
    }

    let stdout = text(&output.stdout);
    assert!(stdout.contains("retention.allowance.amount_gbp = 2500: vacancy rate"), "{stdout}");
    assert!(stdout.contains("(as given)") && stdout.contains("sweep.csv"), "{stdout}");

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 1);
    assert_eq!(manifest["replications"], 40);
    assert_eq!(manifest["months"], 24);
    assert_eq!(manifest["scenario"]["file"], "scenarios/baseline.toml");
    assert_eq!(manifest["scenario"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(manifest["parameter"]["path"], ALLOWANCE);
    assert_eq!(manifest["parameter"]["values"], serde_json::json!([0.0, 2500.0, 5000.0]));
    assert_eq!(manifest["parameter"]["scenario_value"], 2500.0);
    assert_eq!(manifest["rates_at"], "2026-09");

    let chart = out.join("charts").join("sweep_retention_allowance_amount_gbp");
    let png = std::fs::read(chart.with_extension("png")).expect("the PNG chart is written");
    let mut reader = png::Decoder::new(png.as_slice()).read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("PNG data");
    assert_eq!((frame.width, frame.height), (900, 700));
    let svg = std::fs::read_to_string(chart.with_extension("svg")).expect("the SVG chart is written");
    let document = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    assert_eq!(document.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = document.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    assert!(texts.iter().any(|t| t.contains("Vacancy rate at 30 September 2026")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("Net cost (£ million)")), "{texts:?}");
}

#[test]
fn apprentice_cohort_size_sweep_costs_more_and_avoids_vacancies() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = wfsim(&[
        "scenarios/apprentices_20.toml",
        "--param",
        "routes.apprenticeship.recurring.size=0..30:10",
        "--reps",
        "40",
        "--months",
        "72",
        "--out",
        path_arg(&out),
    ]);
    assert_status(&output, 0);
    let table = read_sweep(&out, "routes.apprenticeship.recurring.size", &["0", "10", "20", "30"]);
    let mean = |value, metric| get(&table, value, metric)[0];
    assert!(mean("0", "cost_total_gbp") < mean("10", "cost_total_gbp"));
    assert!(mean("10", "cost_total_gbp") < mean("20", "cost_total_gbp"));
    assert!(mean("20", "cost_total_gbp") < mean("30", "cost_total_gbp"));
    assert_eq!(get(&table, "20", "net_cost_gbp"), [0.0; 4]);
    assert!(mean("30", "vacancy_fte_months_avoided") >= mean("0", "vacancy_fte_months_avoided"));
    assert!(out.join("charts/sweep_routes_apprenticeship_recurring_size.png").is_file());
}

#[test]
fn bad_input_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cases: [(&str, &str, &str); 7] = [
        ("scenarios/baseline.toml", "nonsense", "--param nonsense: expected PATH=FROM..TO:STEP"),
        ("scenarios/baseline.toml", "x=1..0:1", "FROM (1) is more than TO (0)"),
        ("scenarios/baseline.toml", "retention.allowance.amount_gbp=0..5000:0", "STEP must be more than 0"),
        ("scenarios/baseline.toml", "retention.allowance.amount_gbp=0..5000:1", "at most 200"),
        (
            "scenarios/baseline.toml",
            "retention.allowance.eligible_share=0..2:1",
            "[retention.allowance.eligible_share = 2]",
        ),
        ("scenarios/baseline.toml", "name.first=0..1:1", "`name` is text, not a table"),
        ("scenarios/missing.toml", "retention.allowance.amount_gbp=0..1:1", "scenarios/missing.toml: file not found"),
    ];
    for (scenario, param, expected) in cases {
        let output = wfsim(&[scenario, "--param", param, "--reps", "5", "--months", "12", "--out", path_arg(&out)]);
        assert_status(&output, 2);
        let stderr = text(&output.stderr);
        assert!(stderr.contains(expected), "--param {param}: expected {expected:?} in\n{stderr}");
        assert!(stderr.lines().all(|line| line.starts_with("error: ")), "{stderr}");
        assert!(!out.exists(), "--param {param}: nothing may be written");
    }
    // A value the check refuses names the parameter, the value and the problem.
    let output = wfsim(&[
        "scenarios/baseline.toml",
        "--param",
        "retention.allowance.eligible_share=0..2:1",
        "--out",
        path_arg(&out),
    ]);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("expected a probability between 0 and 1, got 2"), "{stderr}");
    assert!(!stderr.contains("= 1]"), "1 is a valid share: {stderr}");
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let outputs: Vec<PathBuf> = ["1", "4"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("threads_{threads}"));
            assert_status(&allowance_sweep(&out, threads), 0);
            out
        })
        .collect();
    for file in ["sweep.csv", "sweep.json", "charts/sweep_retention_allowance_amount_gbp.png"] {
        let read = |out: &PathBuf| std::fs::read(out.join(file)).unwrap();
        assert!(read(&outputs[0]) == read(&outputs[1]), "{file} differs between 1 and 4 threads");
    }
}

#[test]
fn a_resolved_scenario_loads_back_to_itself_and_errors_name_the_label() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = wfsim::scenario::load(&root.join("scenarios/apprentices_20.toml")).unwrap();
    let label = Path::new("scenarios/apprentices_20.toml [as resolved]");
    let again = wfsim::scenario::load_resolved(&scenario.resolved_toml, label).unwrap();
    assert_eq!(again.name, scenario.name);
    assert_eq!(again.resolved_toml, scenario.resolved_toml);
    assert_eq!(again.sha256, scenario.sha256);
    assert_eq!(again.file, label);

    let bad = scenario.resolved_toml.replace("eligible_share = 0.68", "eligible_share = 1.5");
    let errors = wfsim::scenario::load_resolved(&bad, label).unwrap_err();
    let message = errors.to_string();
    assert!(message.starts_with("scenarios/apprentices_20.toml [as resolved]:"), "{message}");
    assert!(message.contains("retention.allowance.eligible_share"), "{message}");

    let extends = format!("extends = \"baseline.toml\"\n{}", scenario.resolved_toml);
    let errors = wfsim::scenario::load_resolved(&extends, label).unwrap_err();
    assert!(errors.to_string().contains("cannot `extends`"), "{errors}");
}
