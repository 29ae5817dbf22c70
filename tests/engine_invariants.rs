//! The shipped scenarios, run through the library: invariants on every month of every
//! replication, and the starting position against the figures it was built from.

use std::path::{Path, PathBuf};

use wfsim::engine::metrics::{COSTS, COUNT, LEAVERS_BY_DESTINATION, Metric, STARTERS_BY_ROUTE, TRAINEES_BY_ROUTE};
use wfsim::run::{RunSettings, run_all};
use wfsim::scenario::{Scenario, load, load_all};

fn shipped_scenarios() -> Vec<Scenario> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 7, "the baseline and at least six options ship");
    load_all(&paths).unwrap_or_else(|errors| panic!("shipped scenarios are valid:\n{errors}"))
}

fn baseline() -> Scenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")).expect("baseline loads")
}

fn settings(replications: u32, months: u32) -> RunSettings {
    RunSettings { replications, seed: 7, months: Some(months), progress: false, national_seed: None }
}

#[test]
fn every_month_of_every_replication_keeps_the_books() {
    let runs = run_all(&shipped_scenarios(), &settings(60, 96));
    for run in &runs {
        for rep in 0..run.replications as usize {
            for month in 0..run.rows_per_replication() {
                let row = run.row(rep, month);
                let at = |metric: Metric| row[metric.index()];
                let context = format!("{} replication {rep} month {month}", run.name);
                assert_eq!(row.len(), COUNT);
                for metric in Metric::ALL {
                    let value = at(*metric);
                    // Welcome payments net of clawback can be negative (repayments by leavers), as
                    // can staff moving with their posts (out).
                    let may_be_negative = matches!(*metric, Metric::CostWelcomeGbp | Metric::MovedFte);
                    assert!(
                        value.is_finite() && (may_be_negative || value >= 0.0),
                        "{context}: {} = {value}",
                        metric.name()
                    );
                    if metric.is_rate() {
                        assert!(value <= 1.0, "{context}: {} = {value} above 1", metric.name());
                    }
                }
                assert_eq!(at(Metric::Headcount).fract(), 0.0, "{context}: whole people");
                assert!(at(Metric::FteInPost) <= at(Metric::Headcount) + 1e-9, "{context}: FTE above headcount");
                let vacancy = (at(Metric::EstablishmentFte) - at(Metric::FteInPost)).max(0.0);
                assert!((at(Metric::VacancyFte) - vacancy).abs() < 1e-9, "{context}: vacancy FTE");
                let parts = |metrics: &[Metric]| metrics.iter().map(|m| at(*m)).sum::<f64>();
                let starters = parts(&STARTERS_BY_ROUTE);
                assert!((starters - at(Metric::StartersFte)).abs() < 1e-9, "{context}: starters by route");
                let leavers = parts(&LEAVERS_BY_DESTINATION);
                assert!((leavers - at(Metric::LeaversFte)).abs() < 1e-9, "{context}: leavers by destination");
                let trainees = parts(&TRAINEES_BY_ROUTE);
                assert_eq!(trainees, at(Metric::Trainees), "{context}: trainees by route");
                assert!(at(Metric::AbsentFte) <= at(Metric::FteInPost) + 1e-9, "{context}: absent within in post");
                let components = parts(&COSTS[1..8]) - at(Metric::GrantIncomeGbp);
                assert!((components - at(Metric::CostTotalGbp)).abs() < 1e-6, "{context}: cost total");
                if month > 0 {
                    // Flows balance: next month's FTE is this month's plus starters less leavers,
                    // plus staff moving in (or out) with their posts.
                    let previous = run.value(rep, month - 1, Metric::FteInPost);
                    let expected = previous + at(Metric::StartersFte) - at(Metric::LeaversFte) + at(Metric::MovedFte);
                    assert!((at(Metric::FteInPost) - expected).abs() < 1e-9, "{context}: FTE does not balance");
                }
            }
        }
    }
}

#[test]
fn month_zero_reproduces_the_30_september_2024_position() {
    let runs = run_all(&[baseline()], &settings(20, 1));
    let run = &runs[0];
    assert_eq!(run.date(0).to_string(), "2024-09");
    for rep in 0..20 {
        let at = |metric: Metric| run.value(rep, 0, metric);
        assert!((at(Metric::FteInPost) - 362.8).abs() < 1e-9);
        assert_eq!(at(Metric::Headcount), 378.0);
        assert!((at(Metric::VacancyRate) - 0.132).abs() < 1e-12);
        assert!((at(Metric::AgencyFte) - 35.5).abs() < 1e-12);
        assert!((at(Metric::AgencyRate) - 35.5 / (35.5 + 362.8)).abs() < 1e-12, "8.9% (DfE)");
        assert!((at(Metric::TurnoverRate) - 40.2 / 362.8).abs() < 1e-12, "11.1% (DfE)");
        assert_eq!(at(Metric::OpenCases), 4271.0);
        // Case-holding FTE is met to within half a worker: caseload 16.9 (DfE: 4271 / 253.1).
        assert!((at(Metric::CaseHoldingFte) - 253.1).abs() <= 0.5, "{}", at(Metric::CaseHoldingFte));
        assert!((at(Metric::AvgCaseload) - 16.9).abs() < 0.05, "{}", at(Metric::AvgCaseload));
        // Seed 000: 37 NQSWs in autumn 2024; the route and tenure mix gives 34.
        let nqsw_headcount = at(Metric::NqswShare) * 362.8;
        assert!((33.0..=38.0).contains(&nqsw_headcount), "{nqsw_headcount}");
        assert_eq!(at(Metric::Trainees), 5.0 + 23.0 + 36.0 + 6.0 + 11.0, "cohorts in training at the start");
    }
}
