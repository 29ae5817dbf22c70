//! Loading scenario files: every kind of mistake a planner can make is reported against the
//! right file, line, column and field, with the bad value and what was expected; and `extends`
//! chains merge child over parent.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use wfsim::scenario::param::Dist;
use wfsim::scenario::{LoadError, Scenario, load, load_all};

/// The least a scenario needs when it starts with no staff.
const MINIMAL: &str = "start = \"2024-10\"\nhorizon_months = 24\n";

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, text).expect("write scenario file");
    path
}

fn errors(path: &Path) -> Vec<LoadError> {
    match load(path) {
        Ok(scenario) => panic!("{} loaded, expected errors: {scenario:?}", path.display()),
        Err(errors) => errors.0,
    }
}

/// The one error of a file that should have exactly one.
fn only_error(path: &Path) -> LoadError {
    let mut errors = errors(path);
    assert_eq!(errors.len(), 1, "expected one error, got:\n{}", render(&errors));
    errors.remove(0)
}

fn loaded(path: &Path) -> Scenario {
    load(path).unwrap_or_else(|errors| panic!("{} should load, got:\n{errors}", path.display()))
}

fn render(errors: &[LoadError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// Asserts the file, line, column and field of an error, and a fragment of its message.
#[track_caller]
fn assert_error(error: &LoadError, file: &Path, line: usize, column: usize, field: &str, fragment: &str) {
    assert_eq!(error.file, file, "{error}");
    assert_eq!((error.line, error.column), (Some(line), Some(column)), "{error}");
    assert_eq!(error.field.as_deref(), Some(field), "{error}");
    assert!(error.message.contains(fragment), "expected {fragment:?} in: {error}");
}

// ---------------------------------------------------------------------------------------------
// Errors within one file

#[test]
fn toml_syntax_error() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "bad.toml", "start = \"2024-10\"\nhorizon_months = 24\n[initial\nheadcount = 3\n");
    let error = only_error(&path);
    assert_eq!(error.file, path);
    assert_eq!((error.line, error.column), (Some(3), Some(9)), "{error}");
    assert!(error.message.contains("]"), "{error}");
    assert!(!error.message.contains('\n'), "one-line message: {error}");
}

#[test]
fn wrong_type_names_the_field_and_the_value() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "bad.toml", &format!("{MINIMAL}\n[initial]\nfte_in_post = \"ten\"\n"));
    let error = only_error(&path);
    assert_error(&error, &path, 5, 15, "initial.fte_in_post", "invalid type: string \"ten\", expected f64");
    assert_eq!(
        error.to_string(),
        format!("{}:5:15: initial.fte_in_post: invalid type: string \"ten\", expected f64", path.display())
    );
}

#[test]
fn unknown_top_level_field() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "bad.toml", "start = \"2024-10\"\nhorizon = 24\n");
    let error = only_error(&path);
    assert_error(&error, &path, 2, 1, "horizon", "unknown field `horizon`, expected one of");
    assert!(error.message.contains("`horizon_months`"), "{error}");
}

#[test]
fn unknown_nested_field() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}\n[retention.allowance]\nhazard_ration = 0.9\n");
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    assert_error(
        &error,
        &path,
        5,
        1,
        "retention.allowance.hazard_ration",
        "unknown field `hazard_ration`, expected one of",
    );
    assert!(error.message.contains("`hazard_ratio`"), "{error}");
}

#[test]
fn probability_above_one_in_a_parameter() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}[routes.apprenticeship]\ncompletion_rate = 1.7\n");
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    assert_error(
        &error,
        &path,
        4,
        19,
        "routes.apprenticeship.completion_rate",
        "expected a probability between 0 and 1, got 1.7",
    );
}

#[test]
fn probability_above_one_in_a_plain_number() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!(
        "{MINIMAL}[retention]\nannual_leave_prob.default = [0.2, 0.15, 0.1, 0.08]\n\n[retention.allowance]\neligible_share = 1.7\n"
    );
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    assert_error(
        &error,
        &path,
        7,
        18,
        "retention.allowance.eligible_share",
        "expected a probability between 0 and 1, got 1.7",
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}:7:18: retention.allowance.eligible_share: expected a probability between 0 and 1, got 1.7",
            path.display()
        )
    );
}

#[test]
fn negative_cohort_size() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}\n[[routes.apprenticeship.cohorts]]\nstart = \"2025-01\"\nsize = -3\n");
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    assert_error(
        &error,
        &path,
        6,
        8,
        "routes.apprenticeship.cohorts[0].size",
        "expected a number of 0 or more, got -3",
    );
}

#[test]
fn unknown_distribution() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}[retention]\nhazard_scale = {{ dist = \"gamma\", mean = 1, sd = 0.1 }}\n");
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    assert_error(&error, &path, 4, 16, "retention.hazard_scale", "unknown distribution `gamma`");
    assert!(error.message.contains("`uniform`"), "{error}");
}

#[test]
fn cohorts_out_of_date_order() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!(
        "{MINIMAL}
[[routes.step_up.cohorts]]
start = \"2025-06\"
size = 4

[[routes.step_up.cohorts]]
start = \"2025-01\"
size = 5
"
    );
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    assert_error(
        &error,
        &path,
        9,
        9,
        "routes.step_up.cohorts[1].start",
        "expected entries in date order, but 2025-01 comes after 2025-06",
    );
}

#[test]
fn cohort_start_after_the_horizon() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}\n[[routes.frontline.cohorts]]\nstart = \"2026-10\"\nsize = 6\n");
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    // 24 months from October 2024 end in September 2026.
    assert_error(
        &error,
        &path,
        5,
        9,
        "routes.frontline.cohorts[0].start",
        "2026-10 is after the horizon, which ends 2026-09",
    );
}

#[test]
fn cohort_that_qualified_before_the_start_belongs_in_the_starting_stock() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!(
        "{MINIMAL}\n[routes.apprenticeship]\nduration_months = 36\n\n[[routes.apprenticeship.cohorts]]\nstart = \"2021-09\"\nsize = 6\n"
    );
    let path = write(&dir, "bad.toml", &text);
    let error = only_error(&path);
    assert_error(
        &error,
        &path,
        8,
        9,
        "routes.apprenticeship.cohorts[0].start",
        "include those workers in the starting stock",
    );
}

#[test]
fn missing_start_is_reported_at_the_top_of_the_file() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "bad.toml", "horizon_months = 24\n");
    let error = only_error(&path);
    assert_error(&error, &path, 1, 1, "start", "expected a month like \"2024-10\"");
}

#[test]
fn empty_file_lacks_only_start() {
    // Everything else has a default (horizon_months: 60); `start` has none.
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "empty.toml", "");
    let errors = errors(&path);
    let fields: Vec<_> = errors.iter().map(|error| error.field.as_deref()).collect();
    assert_eq!(fields, [Some("start")], "{}", render(&errors));
    assert!(errors.iter().all(|error| error.line == Some(1) && error.column == Some(1)));
}

#[test]
fn badly_formed_month() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "bad.toml", "start = \"2024-13\"\nhorizon_months = 24\n");
    let error = only_error(&path);
    assert_error(&error, &path, 1, 9, "start", "expected a month as \"YYYY-MM\"");
}

#[test]
fn every_check_problem_is_reported_not_just_the_first() {
    let dir = TempDir::new().expect("temp dir");
    let text = "start = \"2024-10\"
horizon_months = 0

[initial]
headcount = 10
fte_in_post = 12.0
vacancy_rate = 1.0
route_shares = { university = 0.5, experienced = 0.3 }
tenure_band_shares = [0.5, 0.5]

[caseload]
full_cases_per_fte = 0
nqsw_ramp_cases = [5, -1]

[demand]
monthly_noise_sd = nan
";
    let path = write(&dir, "bad.toml", text);
    let errors = errors(&path);
    let found: Vec<(Option<&str>, Option<usize>, Option<usize>)> =
        errors.iter().map(|error| (error.field.as_deref(), error.line, error.column)).collect();
    assert_eq!(
        found,
        [
            (Some("horizon_months"), Some(2), Some(18)),
            (Some("initial.fte_in_post"), Some(6), Some(15)),
            (Some("initial.vacancy_rate"), Some(7), Some(16)),
            (Some("initial.route_shares"), Some(8), Some(16)),
            (Some("initial.tenure_band_shares"), Some(9), Some(22)),
            (Some("demand.monthly_noise_sd"), Some(16), Some(20)),
            (Some("caseload.full_cases_per_fte"), Some(12), Some(22)),
            (Some("caseload.nqsw_ramp_cases[1]"), Some(13), Some(23)),
        ],
        "{}",
        render(&errors)
    );
    assert!(errors[3].message.contains("0.5 + 0 + 0 + 0 + 0 + 0.3 = 0.8"), "{}", errors[3]);
    assert!(errors[4].message.contains("expected 4 shares"), "{}", errors[4]);
}

#[test]
fn a_default_is_reported_at_its_nearest_written_section() {
    let dir = TempDir::new().expect("temp dir");
    // Retention with no leaving probabilities at all: the default is an empty list.
    let path = write(&dir, "bad.toml", &format!("{MINIMAL}\n[retention]\nhazard_scale = 1.0\n"));
    let error = only_error(&path);
    assert_error(&error, &path, 4, 1, "retention.annual_leave_prob.default", "expected 4 annual leaving probabilities");
}

#[test]
fn a_valid_staffed_scenario_loads() {
    let dir = TempDir::new().expect("temp dir");
    let text = "name = \"Baseline\"
start = \"2024-10\"
horizon_months = 36

[initial]
fte_in_post = 95.5
headcount = 104
vacancy_rate = 0.18
agency_fte = 14
case_holding_fte = 90
manager_share = 0.12
open_cases = 1650
route_shares = { university = 0.55, apprenticeship = 0.05, step_up = 0.05, frontline = 0.05, overseas = 0.1, experienced = 0.2 }
tenure_band_shares = [0.2, 0.15, 0.3, 0.35]

[retention]
annual_leave_prob.default = [0.22, 0.18, 0.14, 0.1]
annual_leave_prob.overseas = [0.3, 0.25, 0.2, 0.15]
destinations.default = { other_council = 0.5, agency = 0.2, left_profession = 0.2, internal_move = 0.05, retirement = 0.05 }

[routes.university]
annual_intake = { dist = \"triangular\", min = 8, mode = 12, max = 15 }
intake_months = [9, 1]
intake_shares = [0.8, 0.2]

[routes.apprenticeship]
duration_months = 36
cohorts = [{ start = \"2023-09\", size = 4 }, { start = \"2025-09\", size = 6 }]
recurring = { first_start = \"2026-09\", size = 5 }

[welcome_payment]
routes = [\"university\", \"experienced\"]

[establishment]
changes = [{ from = \"2025-04\", change_fte = 6 }]

[caseload]
nqsw_ramp_cases = [8, 10, 12, 14, 16, 18]
";
    let path = write(&dir, "baseline.toml", text);
    let scenario = loaded(&path);
    assert_eq!(scenario.name, "Baseline");
    assert_eq!(scenario.start.to_string(), "2024-10");
    assert_eq!(scenario.spec.initial.headcount, 104);
    assert_eq!(scenario.sha256.len(), 64);
}

// ---------------------------------------------------------------------------------------------
// Reading files

#[test]
fn missing_file() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("nowhere.toml");
    let error = only_error(&path);
    assert_eq!(error.file, path);
    assert_eq!((error.line, error.column, error.field.as_deref()), (None, None, None));
    assert!(error.message.contains("file not found"), "{error}");
}

#[test]
fn a_directory_given_as_a_file() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("scenarios");
    fs::create_dir(&path).expect("create directory");
    let error = only_error(&path);
    assert_eq!(error.file, path);
    assert!(error.message.contains("is a directory"), "{error}");
}

#[test]
fn bytes_that_are_not_utf8() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("latin1.toml");
    let mut bytes = b"start = \"2024-10\"\nname = \"Caf".to_vec();
    bytes.extend([0xe9, b'"', b'\n']);
    fs::write(&path, bytes).expect("write file");
    let error = only_error(&path);
    assert_eq!(error.file, path);
    assert_eq!((error.line, error.column), (Some(2), Some(12)), "{error}");
    assert!(error.message.contains("not valid UTF-8"), "{error}");
    assert!(error.message.contains("0xe9"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// `extends`

#[test]
fn missing_parent_is_reported_at_the_extends_line_of_the_child() {
    let dir = TempDir::new().expect("temp dir");
    let child = write(&dir, "child.toml", "name = \"child\"\nextends = \"base.toml\"\n");
    let error = only_error(&child);
    assert_error(&error, &child, 2, 11, "extends", "cannot read the parent scenario");
    let parent = dir.path().join("base.toml");
    assert!(error.message.contains(&parent.display().to_string()), "{error}");
    assert!(error.message.contains("file not found"), "{error}");
}

#[test]
fn extends_cycle() {
    let dir = TempDir::new().expect("temp dir");
    let a = write(&dir, "a.toml", &format!("extends = \"b.toml\"\n{MINIMAL}"));
    let b = write(&dir, "b.toml", "# the loop closes here\nextends = \"a.toml\"\n");
    let error = only_error(&a);
    assert_error(&error, &b, 2, 11, "extends", "`extends` makes a cycle");
    let chain = format!("{} -> {} -> {}", a.display(), b.display(), dir.path().join("a.toml").display());
    assert!(error.message.contains(&chain), "expected {chain:?} in: {error}");
}

#[test]
fn a_file_extending_itself() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "self.toml", &format!("{MINIMAL}extends = \"self.toml\"\n"));
    let error = only_error(&path);
    assert_error(&error, &path, 3, 11, "extends", "`extends` makes a cycle");
}

#[test]
fn a_check_error_in_a_child_points_at_the_child() {
    let dir = TempDir::new().expect("temp dir");
    write(&dir, "base.toml", &format!("{MINIMAL}\n[initial]\nvacancy_rate = 0.2\n"));
    let child = write(&dir, "child.toml", "extends = \"base.toml\"\n\n[initial]\nvacancy_rate = 1.2\n");
    let error = only_error(&child);
    assert_error(&error, &child, 4, 16, "initial.vacancy_rate", "got 1.2");
}

#[test]
fn a_check_error_in_an_inherited_value_points_at_the_parent() {
    let dir = TempDir::new().expect("temp dir");
    let base = write(&dir, "base.toml", "start = \"2024-10\"\n\n[initial]\nabsent_share = 1.5\n");
    let child = write(&dir, "child.toml", "extends = \"base.toml\"\nhorizon_months = 12\n");
    let error = only_error(&child);
    assert_error(&error, &base, 4, 16, "initial.absent_share", "got 1.5");
}

#[test]
fn errors_in_every_file_of_a_chain_are_reported() {
    let dir = TempDir::new().expect("temp dir");
    let base = write(&dir, "base.toml", "start = \"2024-10\"\nhorizon_mnths = 12\n");
    let child = write(&dir, "child.toml", "extends = \"base.toml\"\n[initial]\nheadcount = -1\n");
    let errors = errors(&child);
    assert_eq!(errors.len(), 2, "{}", render(&errors));
    assert_error(&errors[0], &child, 3, 13, "initial.headcount", "expected u32");
    assert_error(&errors[1], &base, 2, 1, "horizon_mnths", "unknown field `horizon_mnths`");
}

#[test]
fn a_child_may_give_only_part_of_an_inherited_table() {
    let dir = TempDir::new().expect("temp dir");
    write(
        &dir,
        "base.toml",
        &format!("{MINIMAL}\n[routes.frontline.recurring]\nfirst_start = \"2025-09\"\nsize = 4\n"),
    );
    let child = write(&dir, "child.toml", "extends = \"base.toml\"\n[routes.frontline.recurring]\nsize = 8\n");
    let scenario = loaded(&child);
    let recurring = scenario.spec.routes.frontline.and_then(|frontline| frontline.recurring).expect("recurring");
    assert_eq!(recurring.first_start.to_string(), "2025-09");
    assert_eq!(recurring.size.dist, Dist::Fixed { value: 8.0 });
}

#[test]
fn a_field_missing_from_the_whole_chain_is_reported_where_its_table_is() {
    let dir = TempDir::new().expect("temp dir");
    write(&dir, "base.toml", MINIMAL);
    let child = write(&dir, "child.toml", "extends = \"base.toml\"\n\n[routes.frontline.recurring]\nsize = 8\n");
    let error = only_error(&child);
    assert_error(&error, &child, 3, 1, "routes.frontline.recurring", "missing field `first_start`");
}

#[test]
fn a_chain_of_three_merges_child_over_parent() {
    let dir = TempDir::new().expect("temp dir");
    write(
        &dir,
        "base.toml",
        "name = \"base\"
description = \"The council today\"
start = \"2024-10\"
horizon_months = 36

[retention]
band_edges_months = [12, 24, 60]
annual_leave_prob.default = [0.2, 0.15, 0.1, 0.08]
hazard_scale = { dist = \"uniform\", min = 0.9, max = 1.1 }

[retention.allowance]
eligible_share = 0.5
hazard_ratio = { dist = \"triangular\", min = 0.8, mode = 0.9, max = 1.0 }

[[routes.apprenticeship.cohorts]]
start = \"2025-01\"
size = 4

[[routes.apprenticeship.cohorts]]
start = \"2026-01\"
size = 5
",
    );
    write(
        &dir,
        "middle.toml",
        "extends = \"base.toml\"
name = \"middle\"

[retention.allowance]
min_service_months = 24

[[routes.apprenticeship.cohorts]]
start = \"2025-09\"
size = 7
",
    );
    let leaf = write(
        &dir,
        "leaf.toml",
        "extends = \"./middle.toml\"

[retention]
annual_leave_prob.default = [0.25, 0.15, 0.1, 0.08]
hazard_scale = { dist = \"normal\", mean = 1.0, sd = 0.05 }

[retention.allowance]
hazard_ratio = { dist = \"uniform\", min = 0.85, max = 0.95 }
",
    );
    let scenario = loaded(&leaf);
    let spec = &scenario.spec;
    assert_eq!(scenario.name, "middle");
    assert_eq!(spec.extends, None);
    assert_eq!(spec.description, "The council today");
    assert_eq!(spec.horizon_months, 36);
    let retention = spec.retention.as_ref().expect("retention inherited");
    assert_eq!(retention.band_edges_months, [12, 24, 60]);
    let leave: Vec<f64> = retention.annual_leave_prob.default.iter().map(|p| p.mean()).collect();
    assert_eq!(leave, [0.25, 0.15, 0.1, 0.08]);
    // Distributions are replaced whole: no `min` or `max` is left over from the uniform.
    assert_eq!(retention.hazard_scale.dist, Dist::Normal { mean: 1.0, sd: 0.05 });
    let allowance = retention.allowance.as_ref().expect("allowance inherited");
    assert_eq!(allowance.eligible_share, 0.5, "from base");
    assert_eq!(allowance.min_service_months, 24, "from middle");
    assert_eq!(allowance.hazard_ratio.dist, Dist::Uniform { min: 0.85, max: 0.95 }, "from leaf");
    // Arrays of tables are replaced whole.
    let cohorts = &spec.routes.apprenticeship.as_ref().expect("apprenticeship").cohorts;
    let starts: Vec<String> = cohorts.iter().map(|cohort| cohort.start.to_string()).collect();
    assert_eq!(starts, ["2025-09"]);
    assert!(!scenario.resolved_toml.contains("extends"));
    assert!(scenario.resolved_toml.contains("name = \"middle\""));
}

#[test]
fn an_error_in_a_grandparent_points_at_the_grandparent() {
    let dir = TempDir::new().expect("temp dir");
    let base = write(
        &dir,
        "base.toml",
        &format!(
            "{MINIMAL}\n[[routes.overseas.cohorts]]\nstart = \"2025-03\"\nsize = 2\n\n[[routes.overseas.cohorts]]\nstart = \"2025-01\"\nsize = 2\n"
        ),
    );
    write(&dir, "middle.toml", "extends = \"base.toml\"\n");
    let leaf = write(&dir, "leaf.toml", "extends = \"middle.toml\"\n");
    let error = only_error(&leaf);
    assert_error(&error, &base, 9, 9, "routes.overseas.cohorts[1].start", "date order");
}

// ---------------------------------------------------------------------------------------------
// Names and hashes

#[test]
fn the_name_defaults_to_the_file_stem() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "retention-allowance.toml", MINIMAL);
    let scenario = loaded(&path);
    assert_eq!(scenario.name, "retention-allowance");
    assert!(scenario.resolved_toml.contains("name = \"retention-allowance\""), "{}", scenario.resolved_toml);
}

#[test]
fn sha256_is_stable_and_follows_the_content() {
    let dir = TempDir::new().expect("temp dir");
    let first = loaded(&write(&dir, "one.toml", &format!("name = \"s\"\n{MINIMAL}")));
    // Same content written differently: order, spacing, comments, dotted keys.
    let second = loaded(&write(&dir, "two.toml", "# same\nhorizon_months=24\nstart='2024-10'\nname = \"s\"\n"));
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(first.resolved_toml, second.resolved_toml);
    assert!(first.sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let changed = loaded(&write(&dir, "three.toml", "name = \"s\"\nstart = \"2024-10\"\nhorizon_months = 25\n"));
    assert_ne!(first.sha256, changed.sha256);
    let renamed = loaded(&write(&dir, "four.toml", &format!("name = \"t\"\n{MINIMAL}")));
    assert_ne!(first.sha256, renamed.sha256);
}

#[test]
fn load_all_rejects_duplicate_names() {
    let dir = TempDir::new().expect("temp dir");
    let first = write(&dir, "first.toml", &format!("name = \"Plan A\"\n{MINIMAL}"));
    let second = write(&dir, "second.toml", &format!("{MINIMAL}name = \"Plan A\"\n"));
    let errors = load_all(&[first.clone(), second.clone()]).expect_err("duplicate names").0;
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(&errors[0], &second, 3, 1, "name", "\"Plan A\"");
    assert!(errors[0].message.contains(&first.display().to_string()), "{}", errors[0]);
}

#[test]
fn load_all_rejects_a_name_that_matches_a_file_stem() {
    let dir = TempDir::new().expect("temp dir");
    let named = write(&dir, "a.toml", &format!("name = \"b\"\n{MINIMAL}"));
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).expect("create directory");
    let stem = sub.join("b.toml");
    fs::write(&stem, MINIMAL).expect("write file");
    let errors = load_all(&[named, stem.clone()]).expect_err("duplicate names").0;
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(&errors[0], &stem, 1, 1, "name", "already used");
}

#[test]
fn load_all_reports_the_errors_of_every_file() {
    let dir = TempDir::new().expect("temp dir");
    let good = write(&dir, "good.toml", MINIMAL);
    let bad_type = write(&dir, "bad_type.toml", "start = 2024\nhorizon_months = 24\n");
    let missing = dir.path().join("missing.toml");
    let errors = load_all(&[bad_type.clone(), good.clone(), missing.clone()]).expect_err("errors").0;
    let files: Vec<&Path> = errors.iter().map(|error| error.file.as_path()).collect();
    assert_eq!(files, [bad_type.as_path(), missing.as_path()], "{}", render(&errors));
    let scenarios = load_all(&[good.clone(), write(&dir, "other.toml", MINIMAL)]).expect("loads");
    let names: Vec<&str> = scenarios.iter().map(|scenario| scenario.name.as_str()).collect();
    assert_eq!(names, ["good", "other"]);
}

#[test]
fn hiring_response_and_a_swing_start_out_of_range() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!(
        "{MINIMAL}[routes.experienced]\nmonthly_fill_prob = 0.05\nvacancy_response = {{ reference_vacancy_rate = 0.12, elasticity = 1.5 }}\n\n[agency]\ncover_share = 0.8\nyearly_variation = {{ sd = 0.5, persistence = 0.4, start = 9 }}\n"
    );
    let path = write(&dir, "bad.toml", &text);
    let errors = errors(&path);
    assert_eq!(errors.len(), 2, "{}", render(&errors));
    assert_error(
        &errors[0],
        &path,
        5,
        66,
        "routes.experienced.vacancy_response.elasticity",
        "expected an elasticity from 0 to 1, got 1.5",
    );
    assert_error(
        &errors[1],
        &path,
        9,
        59,
        "agency.yearly_variation.start",
        "expected a log multiplier from -5 to 5, got 9",
    );
}

#[test]
fn agency_response_offset_and_level_uncertainty_out_of_range() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!(
        "{MINIMAL}[agency]\ncover_share = 0.8\nvacancy_response = {{ reference_vacancy_rate = 0.0, elasticity = 0.5 }}\nswing_offset = 2.0\nyearly_variation = {{ sd = 0.5, level_sd = -1.0 }}\n"
    );
    let path = write(&dir, "bad.toml", &text);
    let errors = errors(&path);
    assert_eq!(errors.len(), 3, "{}", render(&errors));
    let expected = [
        (7, 43, "agency.yearly_variation.level_sd", "expected a standard deviation from 0 to 2 (in logs), got -1"),
        (5, 47, "agency.vacancy_response.reference_vacancy_rate", "expected a vacancy rate from 0.001 to 0.99, got 0"),
        (6, 16, "agency.swing_offset", "expected agency FTE per funded post from 0 to 1, got 2"),
    ];
    for (error, (line, column, field, message)) in errors.iter().zip(expected) {
        assert_error(error, &path, line, column, field, message);
    }
}

#[test]
fn a_tail_weight_out_of_range_is_an_error_at_its_place() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}[agency]\ncover_share = 0.8\nyearly_variation = {{ sd = 0.2, tail = 0.6 }}\n");
    let path = write(&dir, "bad.toml", &text);
    let errors = errors(&path);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(
        &errors[0],
        &path,
        5,
        39,
        "agency.yearly_variation.tail",
        "expected a tail weight (Tukey's h) from 0 to 0.45, got 0.6",
    );
}

#[test]
fn a_bad_swing_of_the_nqsw_intake_is_an_error_at_its_place() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!(
        "{MINIMAL}[routes.university]\nannual_intake = 20\nyearly_variation = {{ sd = -0.3, persistence = 0.1 }}\n"
    );
    let path = write(&dir, "bad.toml", &text);
    let errors = errors(&path);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(
        &errors[0],
        &path,
        5,
        27,
        "routes.university.yearly_variation.sd",
        "expected a standard deviation from 0 to 2 (in logs), got -0.3",
    );
}

#[test]
fn posts_following_the_swings_out_of_range_is_an_error_at_its_place() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}[establishment]\ngrowth_with_swings = {{ leaving = -2.0, intake = 0.05 }}\n");
    let path = write(&dir, "bad.toml", &text);
    let errors = errors(&path);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(
        &errors[0],
        &path,
        4,
        34,
        "establishment.growth_with_swings.leaving",
        "expected a change in log growth per unit log swing from -1 to 1, got -2",
    );
}

#[test]
fn a_frictional_vacancy_rate_out_of_range_is_an_error_at_its_place() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!("{MINIMAL}[routes.university]\ncap_at_vacancies = true\nfrictional_vacancy_rate = 0.8\n");
    let path = write(&dir, "bad.toml", &text);
    let errors = errors(&path);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(
        &errors[0],
        &path,
        5,
        27,
        "routes.university.frictional_vacancy_rate",
        "expected a share of funded posts from 0 to 0.5, got 0.8",
    );
}

#[test]
fn a_national_share_read_from_one_year_is_an_error_at_its_place() {
    let dir = TempDir::new().expect("temp dir");
    let text = format!(
        "{MINIMAL}[agency]\ncover_share = 0.8\nyearly_variation = {{ sd = 0.2, national_share = 0.1, national_years = 1 }}\n"
    );
    let path = write(&dir, "bad.toml", &text);
    let errors = errors(&path);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(
        &errors[0],
        &path,
        5,
        71,
        "agency.yearly_variation.national_years",
        "expected 0 (the national share known) or the years it was read from, 2 to 100, got 1",
    );
}

#[test]
fn a_title_on_several_lines_or_too_long_is_an_error_at_its_place() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "bad.toml", &format!("{MINIMAL}title = \"A title\\nover two lines\"\n"));
    let errors = errors(&path);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_error(
        &errors[0],
        &path,
        3,
        9,
        "title",
        "expected a title of 1 to 80 characters on one line, got 22 characters: \"A title\\nover two lines\"",
    );
    let long = "x".repeat(81);
    let path = write(&dir, "long.toml", &format!("{MINIMAL}title = \"{long}\"\n"));
    let too_long = only_error(&path);
    assert!(too_long.message.contains("got 81 characters"), "{}", too_long.message);
}

/// An option is not titled as the baseline it extends: a title belongs to its own file.
#[test]
fn a_title_is_not_inherited() {
    let dir = TempDir::new().expect("temp dir");
    write(&dir, "base.toml", &format!("{MINIMAL}title = \"Current plans\"\n"));
    let option = write(&dir, "option.toml", "extends = \"base.toml\"\n");
    let titled = write(&dir, "titled.toml", "extends = \"base.toml\"\ntitle = \"Something else\"\n");
    assert_eq!(loaded(&dir.path().join("base.toml")).spec.title.as_deref(), Some("Current plans"));
    assert_eq!(loaded(&option).spec.title, None);
    assert_eq!(loaded(&titled).spec.title.as_deref(), Some("Something else"));
}
