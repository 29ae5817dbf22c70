//! The assumptions table: every parameter of a scenario as written, with its source comment
//! and the file that set it, read from the shipped scenarios.

use std::path::{Path, PathBuf};

use wfsim::scenario::{Assumption, load};

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn find<'a>(assumptions: &'a [Assumption], parameter: &str) -> &'a Assumption {
    assumptions.iter().find(|a| a.parameter == parameter).unwrap_or_else(|| {
        panic!("no parameter {parameter} in {:#?}", assumptions.iter().map(|a| &a.parameter).collect::<Vec<_>>())
    })
}

#[test]
fn baseline_parameters_carry_their_values_and_sources() {
    let baseline = load(&scenario_path("baseline.toml")).expect("baseline loads");
    let assumptions = &baseline.assumptions;
    let fte = find(assumptions, "initial.fte_in_post");
    assert_eq!(fte.value, "362.8");
    assert_eq!(fte.source, "DfE 2024");
    assert!(fte.file.ends_with("baseline.toml"));
    // A distribution is one parameter, written as in the file.
    let ratio = find(assumptions, "retention.allowance.hazard_ratio");
    assert_eq!(ratio.value, r#"{ dist = "uniform", min = 0.85, max = 1.0 }"#);
    assert!(ratio.source.starts_with("assumption"), "{}", ratio.source);
    // A comment block above a key is its source when the line has none.
    let scale = find(assumptions, "retention.hazard_scale");
    assert!(scale.source.starts_with("Overall scale, calibrated"), "{}", scale.source);
    // Elements of a list of tables are walked into; inline elements take their line's comment.
    let cohort = find(assumptions, "routes.apprenticeship.cohorts[2].size");
    assert_eq!(cohort.value, "36");
    assert!(cohort.source.contains("seed 000"), "{}", cohort.source);
    let from_2023 = load(&scenario_path("backtest/durham_from_2023.toml")).expect("backtest scenario loads");
    let cohort = find(&from_2023.assumptions, "routes.apprenticeship.cohorts[1].size");
    assert_eq!(cohort.value, "24");
    assert!(cohort.source.starts_with("one more month of drop-out"), "{}", cohort.source);
    // An inline table's fields are parameters of their own.
    let response = find(assumptions, "routes.experienced.vacancy_response.elasticity");
    assert_eq!(response.value, "0.864");
    // Lists of plain values are one parameter.
    assert_eq!(find(assumptions, "caseload.nqsw_ramp_cases").value, "[8, 8, 8, 8, 12, 12, 12, 12, 18, 18, 18, 18]");
    // Sorted by parameter, each once.
    let names: Vec<&str> = assumptions.iter().map(|a| a.parameter.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted);
}

#[test]
fn an_option_shows_inherited_and_own_parameters_with_their_files() {
    let option = load(&scenario_path("combination.toml")).expect("combination loads");
    let assumptions = &option.assumptions;
    // Own value, from the option's file.
    let agency = find(assumptions, "agency.max_fte");
    assert_eq!(agency.value, "25");
    assert!(agency.file.ends_with("combination.toml"));
    // Inherited through the chain combination -> apprentices_20 -> baseline.
    let recurring = find(assumptions, "routes.apprenticeship.recurring.size");
    assert!(recurring.file.ends_with("apprentices_20.toml"));
    let fte = find(assumptions, "initial.fte_in_post");
    assert!(fte.file.ends_with("baseline.toml"));
    assert_eq!(find(assumptions, "name").value, "\"combination\"");
    // Canonical values compare across layouts: the same number written as 0.68 in both.
    let baseline = load(&scenario_path("baseline.toml")).expect("baseline loads");
    let share = |list: &[Assumption]| find(list, "retention.allowance.eligible_share").canonical.clone();
    assert_eq!(share(assumptions), share(&baseline.assumptions));
}
