//! Backtests: a council projected from a past year against what happened, and the summary
//! figures computed from those comparisons.

use std::process::Command;

use wfsim::backtest::{self, BacktestSettings, COMPARED};
use wfsim::dataset::Dataset;
use wfsim::init::{Calibration, resolve_area};

fn settings() -> BacktestSettings {
    BacktestSettings { from_year: 2021, replications: 60, seed: 1, calibration: Calibration::default() }
}

#[test]
fn a_council_is_compared_with_every_later_year_and_the_summary_follows_from_the_rows() {
    let data = Dataset::embedded();
    let durham = resolve_area(data, "840", Some(2021)).expect("County Durham");
    let comparisons = backtest::backtest_area(data, durham, &settings()).expect("backtest runs");
    // 2022, 2023 and 2024, four figures each, all present for Durham.
    assert_eq!(comparisons.len(), 3 * COMPARED.len());
    let fte_2024 = comparisons
        .iter()
        .find(|c| c.year == 2024 && c.metric == wfsim::engine::metrics::Metric::FteInPost)
        .expect("FTE in 2024");
    assert_eq!(fte_2024.actual, 362.8, "DfE 2024");
    assert_eq!(fte_2024.naive, 323.9, "DfE 2021: no change");
    let p = &fte_2024.projected;
    assert!(p.p5 <= p.p25 && p.p25 <= p.p50 && p.p50 <= p.p75 && p.p75 <= p.p95);
    assert_eq!(fte_2024.in_90(), (p.p5..=p.p95).contains(&362.8));

    let accuracy = backtest::accuracy(&comparisons);
    assert_eq!(accuracy.len(), 3 * COMPARED.len(), "one row per figure and horizon");
    for row in &accuracy {
        assert_eq!(row.count, 1);
        let only = comparisons
            .iter()
            .find(|c| c.metric == row.metric && c.year - c.from_year == row.horizon_years)
            .expect("its comparison");
        assert_eq!(row.model_median_abs_error, only.error().abs());
        assert_eq!(row.naive_median_abs_error, only.naive_error().abs());
        assert_eq!(row.share_in_90, if only.in_90() { 1.0 } else { 0.0 });
    }
}

#[test]
fn the_command_writes_both_files_and_refuses_bad_years() {
    let out = tempfile::tempdir().expect("temp dir");
    let wfsim = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_wfsim")).args(args).output().expect("runs");
    let dir = out.path().join("bt");
    let dir = dir.to_str().expect("utf-8");
    let ok = wfsim(&["backtest", "--la", "County Durham", "--from", "2022", "--reps", "30", "--out", dir]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let rows = std::fs::read_to_string(out.path().join("bt/backtest.csv")).expect("backtest.csv");
    assert_eq!(rows.lines().count(), 1 + 2 * COMPARED.len(), "header, then 2023 and 2024");
    assert!(out.path().join("bt/backtest_summary.csv").exists());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("naive MAE"));

    let missing = out.path().join("none");
    let missing = missing.to_str().expect("utf-8");
    for bad in [
        vec!["backtest", "--la", "840", "--from", "2024", "--out", missing],
        vec!["backtest", "--la", "Durhm", "--from", "2021", "--out", missing],
        vec!["backtest", "--from", "2021", "--out", missing],
    ] {
        let output = wfsim(&bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(!out.path().join("none").exists(), "nothing written for {bad:?}");
    }
}
