//! Calibration: the baseline against the seed figures of MODEL.md section 11 that fall inside
//! its horizon, and a backtest of its assumptions from the 30 September 2023 position against
//! what happened by 30 September 2024 (DfE 2024).

use std::path::Path;

use wfsim::engine::metrics::Metric;
use wfsim::run::{RunSettings, ScenarioRun, run_all};
use wfsim::scenario::{Scenario, load};
use wfsim::stats::{Summary, summarise};

fn scenario(relative: &str) -> Scenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).expect("shipped scenario loads")
}

fn run(relative: &str, replications: u32, months: u32) -> ScenarioRun {
    let settings = RunSettings { replications, seed: 1, months: Some(months), progress: false, national_seed: None };
    run_all(&[scenario(relative)], &settings).remove(0)
}

fn summary_at(run: &ScenarioRun, month: usize, metric: Metric) -> Summary {
    summarise(run.replications_of(month, metric))
}

fn median_at(run: &ScenarioRun, month: usize, metric: Metric) -> f64 {
    summary_at(run, month, metric).p50
}

#[test]
fn the_baseline_meets_the_seed_figures_inside_its_horizon() {
    let run = run("scenarios/baseline.toml", 400, 24);
    let run = &run;
    // Seed 000 (late 2024): vacancy rate "currently" 13%. Months 1-3 are October-December 2024.
    for month in 1..=3 {
        let vacancy = median_at(run, month, Metric::VacancyRate);
        assert!((0.12..=0.14).contains(&vacancy), "month {month}: vacancy {vacancy}");
    }
    // Seed 002: vacancies rise until summer, then fall as NQSWs join in September.
    let august = median_at(run, 11, Metric::VacancyRate);
    assert!(august > median_at(run, 3, Metric::VacancyRate), "vacancies rise through the year");
    assert!(median_at(run, 12, Metric::VacancyRate) < august - 0.03, "and fall when NQSWs join");
    // DfE: turnover 11.1% in the year to September 2024; the first simulated year stays close.
    let turnover = median_at(run, 12, Metric::TurnoverRate);
    assert!((0.095..=0.125).contains(&turnover), "turnover {turnover}");
    // DfE starters 55.2 (2024) and 70.2 (2023) FTE; the first year adds the planned pipelines.
    let starters: f64 = (1..=12).map(|m| median_at(run, m, Metric::StartersFte)).sum();
    assert!((45.0..=95.0).contains(&starters), "starters {starters}");
}

#[test]
fn the_backtest_from_2023_brackets_what_happened_by_september_2024() {
    let run = run("scenarios/backtest/durham_from_2023.toml", 1000, 12);
    assert_eq!(run.date(12).to_string(), "2024-09");
    // DfE 2024 figures: each inside the 90% interval, and the median close. (The vacancy
    // rate and agency use return toward Durham's levels, 11.7% and 0.77 per vacant FTE, as
    // councils' do: a third and half of the gap in a year. Agency per vacant FTE went from
    // 0.47 to 0.64 in the year, more than half way: the median falls 1.7 points short.)
    let checks = [
        (Metric::FteInPost, 362.8, 5.0),
        (Metric::VacancyRate, 0.132, 0.015),
        (Metric::AgencyRate, 0.089, 0.02),
        (Metric::TurnoverRate, 0.111, 0.01),
    ];
    for (metric, actual, tolerance) in checks {
        let summary = summary_at(&run, 12, metric);
        assert!((summary.p5..=summary.p95).contains(&actual), "{}: {actual} outside {summary:?}", metric.name());
        assert!((summary.p50 - actual).abs() < tolerance, "{}: median {} vs {actual}", metric.name(), summary.p50);
    }
    let starters: Vec<f64> =
        (0..1000).map(|rep| (1..=12).map(|m| run.value(rep, m, Metric::StartersFte)).sum()).collect();
    let starters = summarise(&starters);
    assert!((starters.p5..=starters.p95).contains(&55.2), "starters {starters:?}");
    // Seed 002, January 2024 (month 4): vacancy rate 17.27%.
    let january = median_at(&run, 4, Metric::VacancyRate);
    assert!((january - 0.1727).abs() < 0.02, "January vacancy {january}");
    // Known miss: open cases rose 19% in the year (DfE 3,596 to 4,271), far above the
    // baseline's demand trend, so the simulated caseload (about 14.4) falls short of 16.9.
    assert!(median_at(&run, 12, Metric::AvgCaseload) < 16.9);
}
