//! Fuzzing with proptest: the scenario loader, the records reader and the command line are fed
//! mutated copies of good inputs (the shipped scenarios, small census returns) and random
//! bytes. Whatever they are given, they must not panic or hang: bad input is an error that
//! names the file, and a scenario that passes the checks builds and simulates with finite
//! metrics. Each input that once broke them is kept below as a plain regression test.
//!
//! The case counts suit CI; hunt for more with, for example,
//! `PROPTEST_CASES=20000 cargo test --release --test fuzz`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{LazyLock, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{RngSeed, TestCaseError};
use tempfile::TempDir;
use wfsim::engine::metrics::{COUNT, Metric};
use wfsim::engine::{Model, simulate};
use wfsim::fit::{self, Bands, FitError, FitOptions};
use wfsim::scenario::{self, LoadErrors, Scenario};

/// Months simulated for a scenario that loads: enough to pass an April (pay award, caseload
/// cap review) and a September (university intake) twice.
const SIMULATED_MONTHS: u32 = 30;

/// No single case may take longer than this: a runaway loop or allocation is a failure.
const CASE_TIME_LIMIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// A watchdog: a case that hangs is reported with its input, rather than hanging the test run.

static RUNNING: LazyLock<Mutex<HashMap<ThreadId, (Instant, String)>>> = LazyLock::new(|| {
    thread::spawn(|| {
        loop {
            thread::sleep(Duration::from_secs(1));
            let running = RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some((_, input)) = running.values().find(|(started, _)| started.elapsed() > CASE_TIME_LIMIT) {
                eprintln!("fuzz case still running after {CASE_TIME_LIMIT:?}, a hang; its input:\n{input}");
                std::process::abort();
            }
        }
    });
    Mutex::new(HashMap::new())
});

/// Runs one case under the watchdog. `input` describes the case for a report.
///
/// With `FUZZ_HUNT=DIR` in the environment (for long hunts), a failing or panicking case is
/// appended to `DIR/failures.txt` and the hunt goes on, and each case's input is written to
/// `DIR/last-THREAD.txt` first, so that a case that aborts the process is known too.
fn watched(
    input: impl FnOnce() -> String,
    case: impl FnOnce() -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    let input = input();
    let hunt = std::env::var_os("FUZZ_HUNT").map(PathBuf::from);
    let thread = thread::current().id();
    if let Some(dir) = &hunt {
        let _ = fs::write(dir.join(format!("last-{thread:?}.txt")), &input);
    }
    RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(thread, (Instant::now(), input.clone()));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(case));
    RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&thread);
    let Some(dir) = hunt else {
        return outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    };
    let failure = match outcome {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(error)) => error.to_string(),
        Err(panic) => format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        ),
    };
    let mut log =
        fs::OpenOptions::new().create(true).append(true).open(dir.join("failures.txt")).expect("open the log");
    let _ = std::io::Write::write_all(&mut log, format!("===== {failure}\n{input}\n").as_bytes());
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    // The same cases on every run, so that the test suite passes or fails for the code, not
    // for the luck of the draw. For a hunt, `FUZZ_SEED` picks other cases and `PROPTEST_CASES`
    // overrides `cases`: `FUZZ_SEED=7 PROPTEST_CASES=20000 cargo test --release --test fuzz`.
    let from_env = |name: &str| std::env::var(name).ok().and_then(|value| value.parse().ok());
    let cases = from_env("PROPTEST_CASES").map_or(cases, |n: u64| n as u32);
    let rng_seed = RngSeed::Fixed(from_env("FUZZ_SEED").unwrap_or(FUZZ_SEED));
    ProptestConfig { cases, rng_seed, failure_persistence: None, max_shrink_iters: 2048, ..ProptestConfig::default() }
}

/// The seed of the cases the test suite runs.
const FUZZ_SEED: u64 = 2026;

/// Bytes shown as text where they are text, for failure messages.
fn show(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| format!("{bytes:?}"))
}

// ---------------------------------------------------------------------------------------------
// Mutations of a text file

/// One edit of a file. Positions are indices into whatever the file holds at that point.
#[derive(Debug, Clone)]
enum Edit {
    FlipBits {
        at: Index,
        mask: u8,
    },
    InsertBytes {
        at: Index,
        bytes: Vec<u8>,
    },
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// Replaces what follows `=` on a line that has one.
    ReplaceValue {
        line: Index,
        value: String,
    },
    /// Replaces a number written in the file.
    ReplaceNumber {
        number: Index,
        value: String,
    },
    InsertLine {
        at: Index,
        line: String,
    },
    Truncate(Index),
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// Byte ranges of the numbers in a text: digits (with `.`, `e`, `_`, signs) after `=`, `[`,
/// `,`, `{` or a space.
fn number_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_digit() || bytes[i] == b'-' || bytes[i] == b'+')
            && (i == 0 || b" =[,{".contains(&bytes[i - 1]));
        if starts {
            let mut end = i + 1;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || b"._+-:".contains(&bytes[end])) {
                end += 1;
            }
            if bytes[i..end].iter().any(u8::is_ascii_digit) {
                spans.push((i, end));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    match edit {
        Edit::FlipBits { at, mask } => {
            if !bytes.is_empty() {
                let at = at.index(bytes.len());
                bytes[at] ^= mask;
            }
        }
        Edit::InsertBytes { at, bytes: inserted } => {
            let at = at.index(bytes.len() + 1);
            bytes.splice(at..at, inserted.iter().copied());
        }
        Edit::DeleteLine(line) => edit_lines(bytes, |lines| {
            lines.remove(line.index(lines.len()));
        }),
        Edit::DuplicateLine(line) => edit_lines(bytes, |lines| {
            let at = line.index(lines.len());
            let copy = lines[at].clone();
            lines.insert(at, copy);
        }),
        Edit::SwapLines(a, b) => edit_lines(bytes, |lines| {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
        }),
        Edit::ReplaceValue { line, value } => edit_lines(bytes, |lines| {
            let with_value: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].contains(&b'=')).collect();
            if with_value.is_empty() {
                return;
            }
            let text = &mut lines[with_value[line.index(with_value.len())]];
            let equals = text.iter().position(|&b| b == b'=').unwrap_or(0);
            text.truncate(equals + 1);
            text.extend_from_slice(format!(" {value}\n").as_bytes());
        }),
        Edit::ReplaceNumber { number, value } => {
            let spans = number_spans(bytes);
            if !spans.is_empty() {
                let (start, end) = spans[number.index(spans.len())];
                bytes.splice(start..end, value.bytes());
            }
        }
        Edit::InsertLine { at, line } => edit_lines_or_empty(bytes, |lines| {
            let at = at.index(lines.len() + 1);
            lines.insert(at, format!("{line}\n").into_bytes());
        }),
        Edit::Truncate(at) => {
            let at = at.index(bytes.len() + 1);
            bytes.truncate(at);
        }
    }
}

/// Applies `change` to the lines of a file that has at least one.
fn edit_lines(bytes: &mut Vec<u8>, change: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let mut lines = lines_of(bytes);
    if !lines.is_empty() {
        change(&mut lines);
        *bytes = lines.concat();
    }
}

fn edit_lines_or_empty(bytes: &mut Vec<u8>, change: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let mut lines = lines_of(bytes);
    change(&mut lines);
    *bytes = lines.concat();
}

/// Numbers that have broken parsers and engines before: non-finite, signed zero, the largest
/// and smallest floats, integers at every width's edge, and things that are not numbers.
const HOSTILE_NUMBERS: &[&str] = &[
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "-0",
    "-0.0",
    "0",
    "0.0",
    "1",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "1e-300",
    "-1",
    "-1.5",
    "2",
    "0.5",
    "0.9999999999999999",
    "1.0000000000000002",
    "12",
    "99",
    "1200",
    "1201",
    "65535",
    "100000",
    "1000000",
    "1e9",
    "1e15",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999",
    "0x7fffffff",
    "0o777",
    "0b1",
    "1_000",
    "\"\"",
    "\"1\"",
    "true",
    "[]",
    "{}",
    "1979-05-27",
    "07:32:00",
];

/// Values of every TOML type, many of them absurd for the field they land in.
const HOSTILE_VALUES: &[&str] = &[
    "\"\"",
    "\" \"",
    "\"\\u0000\"",
    "\"\\n\"",
    "\"2024-10\"",
    "\"1000-01\"",
    "\"1000-02\"",
    "\"9999-12\"",
    "\"9999-01\"",
    "\"0000-01\"",
    "\"2024-13\"",
    "\"+202-10\"",
    "\"university\"",
    "\"pro_rata\"",
    "[]",
    "[[]]",
    "[1, 2]",
    "[0.5, 0.5]",
    "[1e308, 1e308, 1e308, 1e308]",
    "[nan, nan, nan, nan]",
    "[-1, 0, 1, 2]",
    "[4294967295]",
    "[12, 12]",
    "[\"university\", \"university\"]",
    "{}",
    "{ a = 1 }",
    "{ dist = \"fixed\", value = 1e308 }",
    "{ dist = \"uniform\", min = 0, max = 1e308 }",
    "{ dist = \"uniform\", min = -1, max = 1e308 }",
    "{ dist = \"normal\", mean = 0.5, sd = 1e308 }",
    "{ dist = \"normal\", mean = 1e308, sd = 1e308 }",
    "{ dist = \"normal\", mean = 1, sd = 1e300 }",
    "{ dist = \"beta\", alpha = 1e-308, beta = 1e-308 }",
    "{ dist = \"beta\", alpha = 1e308, beta = 1e308 }",
    "{ dist = \"beta\", alpha = 5e-324, beta = 1 }",
    "{ dist = \"beta\", mean = 0.5, sd = 1e-200 }",
    "{ dist = \"beta\", mean = 0.5, sd = 0.4999999 }",
    "{ dist = \"triangular\", min = 0, mode = 0, max = 0 }",
    "{ dist = \"triangular\", min = 0, mode = 1e308, max = 1e308 }",
    "{ dist = \"gamma\" }",
    "{ dist = 1 }",
    "true",
    "false",
    "1979-05-27T07:32:00Z",
];

/// Sections and keys that the scenario schema knows, to build lines it half understands.
const SECTIONS: &[&str] = &[
    "[initial]",
    "[[initial]]",
    "[initial.route_shares]",
    "[establishment]",
    "[[establishment.changes]]",
    "[retention]",
    "[retention.allowance]",
    "[retention.caseload_pressure]",
    "[retention.annual_leave_prob]",
    "[retention.destinations.default]",
    "[routes.university]",
    "[routes.apprenticeship]",
    "[[routes.apprenticeship.cohorts]]",
    "[routes.apprenticeship.recurring]",
    "[[routes.step_up.cohorts]]",
    "[routes.frontline.recurring]",
    "[routes.experienced]",
    "[welcome_payment]",
    "[agency]",
    "[[agency.supply_changes]]",
    "[absence]",
    "[demand]",
    "[caseload]",
    "[costs]",
    "[costs.salary_gbp]",
    "[costs.trainee_monthly_gbp]",
    "[foo]",
    "[]",
    "[[",
    "[a.b.c.d.e.f]",
];

const KEYS: &[&str] = &[
    "name",
    "description",
    "start",
    "horizon_months",
    "enabled",
    "fte_in_post",
    "headcount",
    "vacancy_rate",
    "agency_fte",
    "case_holding_fte",
    "manager_share",
    "open_cases",
    "leavers_fte_last_12_months",
    "part_time_fte",
    "absent_share",
    "tenure_band_shares",
    "max_tenure_months",
    "experienced_prior_months",
    "band_edges_months",
    "hazard_scale",
    "hazard_ratio",
    "eligible_share",
    "min_service_months",
    "amount_gbp",
    "threshold_cases",
    "hazard_increase_per_case",
    "averaging_months",
    "annual_intake",
    "intake_months",
    "intake_shares",
    "cap_at_vacancies",
    "fte",
    "duration_months",
    "completion_rate",
    "prior_experience_months",
    "first_start",
    "every_months",
    "last_start",
    "size",
    "from",
    "change_fte",
    "monthly_fill_prob",
    "max_per_month",
    "per_month",
    "part_time_share",
    "routes",
    "clawback_months",
    "hazard_ratio_during_clawback",
    "hazard_ratio_after_clawback",
    "months_after_clawback",
    "recruitment_multiplier",
    "salary_share",
    "clawback",
    "cover_share",
    "cover_absence",
    "max_fte",
    "cover_share_multiplier",
    "monthly_start_prob",
    "mean_duration_months",
    "annual_growth",
    "monthly_noise_sd",
    "full_cases_per_fte",
    "nqsw_ramp_cases",
    "agency_cases_per_fte",
    "agency_case_holding_share",
    "cap_cases_per_fte",
    "senior_after_months",
    "oncost_rate",
    "annual_pay_award",
    "agency_premium",
    "asye_grant_gbp",
    "nqsw",
    "social_worker",
    "default",
    "\"\"",
    "a.b",
];

/// A float as TOML writes it (`{:?}` always has a point or an exponent; non-finite values are
/// spelt the TOML way).
fn toml_float(value: f64) -> String {
    if value.is_nan() {
        "nan".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "inf".to_string() } else { "-inf".to_string() }
    } else {
        format!("{value:?}")
    }
}

fn hostile_number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(HOSTILE_NUMBERS).prop_map(str::to_string),
        2 => (0.0f64..1.0).prop_map(toml_float),
        2 => (0u32..60).prop_map(|n| n.to_string()),
        1 => (0.0f64..5000.0).prop_map(toml_float),
        1 => any::<f64>().prop_map(toml_float),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (0u32..2000).prop_map(|n| n.to_string()),
        1 => (-2.0f64..2.0).prop_map(toml_float),
    ]
}

fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => hostile_number(),
        3 => select(HOSTILE_VALUES).prop_map(str::to_string),
        1 => (0usize..200_000).prop_map(|n| format!("\"{}\"", "x".repeat(n))),
        1 => any::<String>().prop_map(|text| format!("{text:?}")),
        1 => prop::collection::vec(hostile_number(), 0..8).prop_map(|items| format!("[{}]", items.join(", "))),
    ]
}

/// `extends` targets: the file itself, its siblings, nothing, a directory, odd paths.
fn extends_target() -> impl Strategy<Value = String> {
    prop_oneof![
        select(
            &[
                "SELF",
                "baseline.toml",
                "apprentices_20.toml",
                "combination.toml",
                "missing.toml",
                ".",
                "..",
                "/",
                "",
                "sub",
                "sub/",
                "sub/child.toml",
                "./baseline.toml",
                "baseline.toml/",
                "/dev/null",
                "/dev/zero",
                "/proc/self/status",
                "bad\u{0}name.toml",
            ][..]
        )
        .prop_map(str::to_string),
        (1usize..600).prop_map(|n| "a".repeat(n)),
        "[a-z./]{0,20}",
    ]
}

fn inserted_line() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => extends_target().prop_map(|target| format!("extends = {}", toml::Value::String(target))),
        2 => select(SECTIONS).prop_map(str::to_string),
        4 => (select(KEYS), hostile_value()).prop_map(|(key, value)| format!("{key} = {value}")),
        1 => "[ -~]{0,40}",
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => (any::<Index>(), 1u8..=255).prop_map(|(at, mask)| Edit::FlipBits { at, mask }),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Edit::InsertBytes { at, bytes }),
        2 => any::<Index>().prop_map(Edit::DeleteLine),
        2 => any::<Index>().prop_map(Edit::DuplicateLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        6 => (any::<Index>(), hostile_value()).prop_map(|(line, value)| Edit::ReplaceValue { line, value }),
        6 => (any::<Index>(), hostile_number()).prop_map(|(number, value)| Edit::ReplaceNumber { number, value }),
        5 => (any::<Index>(), inserted_line()).prop_map(|(at, line)| Edit::InsertLine { at, line }),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/// The shipped scenarios, by file name.
static SHIPPED: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .expect("the scenarios directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| {
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            (name, fs::read(&path).expect("a readable scenario"))
        })
        .collect();
    files.sort();
    files
});

/// What the fuzzer loads: the shipped scenarios with one of them changed.
#[derive(Debug, Clone)]
struct ScenarioCase {
    /// Index into [`SHIPPED`] of the file to change and load.
    target: Index,
    /// Replaces the target's bytes, before the edits, if given.
    replacement: Option<Vec<u8>>,
    edits: Vec<Edit>,
    /// Also load every shipped scenario together (duplicate names, one bad file among many).
    load_all: bool,
}

fn scenario_case() -> impl Strategy<Value = ScenarioCase> {
    let replacement = prop_oneof![
        8 => Just(None),
        1 => prop::collection::vec(any::<u8>(), 0..2000).prop_map(Some),
        1 => "[ -~\n\t]{0,400}".prop_map(|text| Some(text.into_bytes())),
        1 => prop::collection::vec(inserted_line(), 0..12).prop_map(|lines| Some(lines.join("\n").into_bytes())),
    ];
    (any::<Index>(), replacement, prop::collection::vec(edit(), 1..5), prop::bool::weighted(0.1))
        .prop_map(|(target, replacement, edits, load_all)| ScenarioCase { target, replacement, edits, load_all })
}

/// The target file's name and its bytes after the edits.
fn target_bytes(case: &ScenarioCase) -> (String, Vec<u8>) {
    let (name, original) = &SHIPPED[case.target.index(SHIPPED.len())];
    let mut bytes = case.replacement.clone().unwrap_or_else(|| original.clone());
    for edit in &case.edits {
        apply(&mut bytes, edit);
    }
    // `SELF` stands for the file's own name in an `extends`.
    (name.clone(), replace_bytes(&bytes, b"\"SELF\"", format!("{name:?}").as_bytes()))
}

fn replace_bytes(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Writes the shipped scenarios into a fresh directory (with a `sub/` directory holding a
/// child of the baseline), the target changed.
fn write_scenarios(name: &str, bytes: &[u8]) -> TempDir {
    let dir = TempDir::new().expect("a temporary directory");
    for (shipped, original) in SHIPPED.iter() {
        fs::write(dir.path().join(shipped), original).expect("write a scenario");
    }
    fs::create_dir(dir.path().join("sub")).expect("make sub/");
    fs::write(dir.path().join("sub/child.toml"), "extends = \"../baseline.toml\"\nname = \"child\"\n")
        .expect("write sub/child.toml");
    fs::write(dir.path().join(name), bytes).expect("write the changed scenario");
    dir
}

/// The loader's contract for one file: errors name a file of the directory, on one line each;
/// a scenario that loads builds, simulates with finite metrics and loads again from its
/// resolved text.
fn check_load(dir: &Path, path: &Path, result: Result<Scenario, LoadErrors>) -> Result<(), TestCaseError> {
    match result {
        Err(errors) => check_errors(dir, &errors),
        Ok(scenario) => {
            check_simulates(&scenario)?;
            let again = scenario::load_resolved(&scenario.resolved_toml, path);
            prop_assert!(again.is_ok(), "the resolved scenario does not load again: {:?}", again.err());
            Ok(())
        }
    }
}

fn check_errors(dir: &Path, errors: &LoadErrors) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "an error without any message");
    for error in errors {
        let line = error.to_string();
        prop_assert!(
            error.file.starts_with(dir) || error.file.starts_with("/dev") || error.file.starts_with("/proc"),
            "the error names no file of the scenario: {line}"
        );
        if error.file.starts_with(dir) {
            prop_assert!(
                line.starts_with(&error.file.display().to_string()),
                "the line does not start with the file: {line}"
            );
        }
        prop_assert!(!error.message.trim().is_empty(), "an empty message: {line}");
        prop_assert!(!line.contains('\n'), "a message over several lines: {line}");
    }
    Ok(())
}

fn check_simulates(scenario: &Scenario) -> Result<(), TestCaseError> {
    let model = Model::build(scenario);
    let months = scenario.spec.horizon_months.min(SIMULATED_MONTHS);
    let mut out = vec![0.0; (months as usize + 1) * COUNT];
    simulate(&model, 1, 0, months, &mut out);
    for (i, value) in out.iter().enumerate() {
        prop_assert!(
            value.is_finite(),
            "{} is {value} in month {} of {}",
            Metric::ALL[i % COUNT].name(),
            i / COUNT,
            scenario.file.display()
        );
    }
    Ok(())
}

fn fuzz_scenario(case: &ScenarioCase) -> Result<(), TestCaseError> {
    let (name, bytes) = target_bytes(case);
    watched(
        || format!("{name}:\n{}", show(&bytes)),
        || {
            let dir = write_scenarios(&name, &bytes);
            let path = dir.path().join(&name);
            check_load(dir.path(), &path, scenario::load(&path))?;
            if case.load_all {
                let paths: Vec<PathBuf> = SHIPPED.iter().map(|(shipped, _)| dir.path().join(shipped)).collect();
                if let Err(errors) = scenario::load_all(&paths) {
                    check_errors(dir.path(), &errors)?;
                }
            }
            Ok(())
        },
    )
}

/// Loads one scenario text as `bad.toml` (beside the shipped scenarios) and checks the
/// loader's contract.
fn load_text(text: &str) -> Result<(), TestCaseError> {
    let dir = write_scenarios("bad.toml", text.as_bytes());
    let path = dir.path().join("bad.toml");
    check_load(dir.path(), &path, scenario::load(&path))
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn mutated_scenarios_load_or_say_why(case in scenario_case()) {
        fuzz_scenario(&case)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Records

const CSV_HEADER: &str =
    "SWENo,AgencyWorker,RoleStartDate,RoleEndDate,StartOrigin,StepUpGrad,FrontlineGrad,FTE,CensusYear";

/// Two CSV returns' worth of rows in one file: leavers, stayers, a returner, agency workers.
fn valid_csv() -> String {
    let rows = [
        "SW001,0,2015-04-01,,1,0,0,1,2022",
        "SW001,0,2015-04-01,,1,0,0,1,2023",
        "SW002,0,2021-09-01,2023-02-28,2,0,0,0.8,2023",
        "SW003,0,2022-01-10,,1,1,0,1,2022",
        "SW003,0,2022-01-10,2023-06-30,1,1,0,1,2023",
        "SW004,0,2010-06-01,2022-03-31,3,0,0,1,2022",
        "SW005,0,2019-09-01,,,0,1,0.5,2022",
        "SW005,0,2019-09-01,,,0,1,0.5,2023",
        "SW006,0,2022-11-01,2023-01-15,4,0,0,1,2023",
        "SW006,0,2023-03-01,,4,0,0,1,2023",
        "AG01,1,,,,,,,2022",
        "AG02,1,,,,,,,2023",
    ];
    format!("{CSV_HEADER}\n{}\n", rows.join("\n"))
}

/// A census XML return with a header reference date.
fn valid_xml() -> String {
    let worker = |swe: &str, start: &str, end: &str, origin: u8| {
        let end = if end.is_empty() { String::new() } else { format!("<RoleEndDate>{end}</RoleEndDate>") };
        format!(
            "  <CSWWWorker>\n    <AgencyWorker>0</AgencyWorker>\n    <SWENo>{swe}</SWENo>\n    <FTE>1</FTE>\n    \
             <RoleStartDate>{start}</RoleStartDate>\n    {end}\n    <StartOrigin>{origin}</StartOrigin>\n  </CSWWWorker>\n"
        )
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n      \
         <Collection>CSWW</Collection>\n      <Year>2023</Year>\n      <ReferenceDate>2023-09-30</ReferenceDate>\n    \
         </CollectionDetails>\n  </Header>\n",
    );
    xml += &worker("SW001", "2015-04-01", "", 1);
    xml += &worker("SW002", "2021-09-01", "2023-02-28", 2);
    xml += &worker("SW003", "2022-01-10", "2023-06-30", 1);
    xml += &worker("SW007", "30/09/2020", "", 5);
    xml += "  <CSWWWorker><AgencyWorker>1</AgencyWorker><SWENo>AG1</SWENo></CSWWWorker>\n</Message>\n";
    xml
}

/// Field values that have broken readers before: empty, impossible and extreme dates, numbers
/// that are not, quotes and separators, very long text.
const HOSTILE_FIELDS: &[&str] = &[
    "",
    " ",
    "0",
    "1",
    "2",
    "-1",
    "11",
    "255",
    "256",
    "nan",
    "inf",
    "-0",
    "1e308",
    "2019-02-29",
    "2020-02-29",
    "2019-02-30",
    "0000-01-01",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2100-12-31",
    "2101-01-01",
    "9999-12-31",
    "31/12/9999",
    "1/1/1900",
    "00/00/2000",
    "2019-09-30T",
    "2019-09-30 12:00",
    "2019-09-30Tgarbage",
    "2019-9-30",
    "+2019-09-30",
    "-2019-09-30",
    "2019-09-30-01",
    "1899",
    "1900",
    "2100",
    "2101",
    "2147483647",
    "-2147483648",
    "99999999999999999999",
    "\"",
    "\"\"",
    "a,b",
    "\u{feff}",
    "é",
    "<",
    "&amp;",
    "&#0;",
    "]]>",
];

fn hostile_field() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(HOSTILE_FIELDS).prop_map(str::to_string),
        1 => (0usize..100_000).prop_map(|n| "9".repeat(n)),
        1 => "[ -~]{0,12}",
        1 => (1900i32..=2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => any::<i32>().prop_map(|n| n.to_string()),
    ]
}

/// Edits of a records file: the text edits, plus changing one field of a CSV row or the text
/// of one XML element.
#[derive(Debug, Clone)]
enum RecordEdit {
    Text(Edit),
    Field { row: Index, column: Index, value: String },
    ElementText { element: Index, value: String },
}

fn record_edit() -> impl Strategy<Value = RecordEdit> {
    prop_oneof![
        3 => edit().prop_map(RecordEdit::Text),
        4 => (any::<Index>(), any::<Index>(), hostile_field())
            .prop_map(|(row, column, value)| RecordEdit::Field { row, column, value }),
        3 => (any::<Index>(), hostile_field()).prop_map(|(element, value)| RecordEdit::ElementText { element, value }),
    ]
}

fn apply_record_edit(bytes: &mut Vec<u8>, edit: &RecordEdit) {
    match edit {
        RecordEdit::Text(edit) => apply(bytes, edit),
        RecordEdit::Field { row, column, value } => edit_lines(bytes, |lines| {
            let at = row.index(lines.len());
            let line = &mut lines[at];
            let text = show(line);
            let mut fields: Vec<&str> = text.trim_end_matches('\n').split(',').collect();
            let at = column.index(fields.len());
            fields[at] = value;
            *line = format!("{}\n", fields.join(",")).into_bytes();
        }),
        RecordEdit::ElementText { element, value } => {
            // The text between a `>` and the next `<`.
            let spans: Vec<(usize, usize)> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'>')
                .filter_map(|(open, _)| {
                    let close = bytes[open + 1..].iter().position(|&b| b == b'<')?;
                    Some((open + 1, open + 1 + close))
                })
                .collect();
            if !spans.is_empty() {
                let (start, end) = spans[element.index(spans.len())];
                bytes.splice(start..end, value.bytes());
            }
        }
    }
}

#[derive(Debug, Clone)]
struct RecordsCase {
    /// 0: the CSV, 1: the XML, 2: both files together.
    files: u8,
    /// The file name's extension; `None` to let the reader guess from the content.
    extension: Option<&'static str>,
    replacement: Option<Vec<u8>>,
    edits: Vec<RecordEdit>,
    by_route: bool,
}

fn records_case() -> impl Strategy<Value = RecordsCase> {
    let replacement = prop_oneof![
        10 => Just(None),
        1 => prop::collection::vec(any::<u8>(), 0..1000).prop_map(Some),
        1 => "[ -~\n,]{0,300}".prop_map(|text| Some(text.into_bytes())),
    ];
    (
        0u8..3,
        prop_oneof![3 => Just(None), 1 => select(&[Some("csv"), Some("xml"), Some("txt"), Some("CSV")][..])],
        replacement,
        prop::collection::vec(record_edit(), 1..5),
        any::<bool>(),
    )
        .prop_map(|(files, extension, replacement, edits, by_route)| RecordsCase {
            files,
            extension,
            replacement,
            edits,
            by_route,
        })
}

/// Writes the case's files: the first of them changed.
fn write_records(case: &RecordsCase, dir: &Path) -> (Vec<PathBuf>, Vec<u8>) {
    let xml_first = case.files == 1;
    let (good, default_extension) = if xml_first { (valid_xml(), "xml") } else { (valid_csv(), "csv") };
    let mut bytes = case.replacement.clone().unwrap_or_else(|| good.into_bytes());
    for edit in &case.edits {
        apply_record_edit(&mut bytes, edit);
    }
    let changed = match case.extension {
        Some(extension) => dir.join(format!("changed.{extension}")),
        None if case.replacement.is_some() => dir.join("changed"),
        None => dir.join(format!("changed.{default_extension}")),
    };
    fs::write(&changed, &bytes).expect("write the records");
    let mut paths = vec![changed];
    if case.files == 2 {
        let other = dir.join("other.xml");
        fs::write(&other, valid_xml()).expect("write the XML return");
        paths.push(other);
    }
    (paths, bytes)
}

fn options(by_route: bool) -> FitOptions {
    FitOptions { bands: Bands::parse("0,12,24,60").expect("valid bands"), by_route }
}

/// The reader's and the fit's contract: errors name a file given, and a fit's numbers are
/// probabilities.
fn check_fit(paths: &[PathBuf], by_route: bool) -> Result<(), TestCaseError> {
    let fitted = fit::read_records(paths).and_then(|records| fit::fit_records(records, &options(by_route)));
    match fitted {
        Err(FitError::Records(issues)) => {
            prop_assert!(!issues.is_empty(), "a records error without any issue");
            for issue in &issues {
                prop_assert!(paths.contains(&issue.file), "the issue names no file given: {issue}");
                prop_assert!(!issue.message.trim().is_empty(), "an empty message: {issue}");
            }
        }
        Err(FitError::NoData(message)) => prop_assert!(!message.trim().is_empty()),
        Ok(fitted) => {
            let values = fitted.retention.default.iter().chain(fitted.retention.routes.iter().flat_map(|(_, v)| v));
            for value in values {
                prop_assert!((0.0..=1.0).contains(&value.annual), "annual leaving probability {}", value.annual);
            }
            for group in &fitted.groups {
                for point in &group.curve {
                    prop_assert!((0.0..=1.0).contains(&point.survival), "survival {point:?}");
                }
            }
            let toml = fit::output::retention_toml(&fitted);
            prop_assert!(toml.parse::<toml::Table>().is_ok(), "retention.toml does not parse:\n{toml}");
            fit::output::survival_csv(&fitted);
            fit::output::hazards_csv(&fitted);
            fit::output::summary_lines(&fitted);
        }
    }
    Ok(())
}

fn fuzz_records(case: &RecordsCase) -> Result<(), TestCaseError> {
    let dir = TempDir::new().expect("a temporary directory");
    let (paths, bytes) = write_records(case, dir.path());
    watched(|| format!("{}:\n{}", paths[0].display(), show(&bytes)), || check_fit(&paths, case.by_route))
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn mutated_records_fit_or_say_why(case in records_case()) {
        fuzz_records(&case)?;
    }
}

// ---------------------------------------------------------------------------------------------
// A finished run's results, as `wfsim report DIR` reads them

/// The result files of a short run of the baseline and one option (with an allowance, so that
/// every file has rows), made once.
static RESULTS: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let dir = TempDir::new().expect("a temporary directory");
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let [baseline, option, out] =
        [scenarios.join("baseline.toml"), scenarios.join("larger_allowance.toml"), dir.path().join("out")]
            .map(|path| path.to_str().expect("a UTF-8 path").to_string());
    let args =
        ["run", &baseline, &option, "--reps", "3", "--months", "18", "--threads", "1", "--no-report", "--out", &out];
    assert_eq!(exit_code(&args), ExitCode::SUCCESS, "the run for the report fuzzer");
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&out)
        .expect("the results")
        .map(|entry| entry.expect("a directory entry").path())
        .map(|path| {
            (path.file_name().expect("a name").to_string_lossy().into_owned(), fs::read(&path).expect("a file"))
        })
        .collect();
    files.sort();
    files
});

#[derive(Debug, Clone)]
struct ResultsCase {
    /// Index into [`RESULTS`] of the file to change.
    target: Index,
    edits: Vec<RecordEdit>,
    /// Also leave out another file.
    remove: Option<Index>,
}

fn results_case() -> impl Strategy<Value = ResultsCase> {
    let edit = prop_oneof![
        1 => record_edit(),
        3 => (any::<Index>(), any::<Index>(), hostile_number())
            .prop_map(|(row, column, value)| RecordEdit::Field { row, column, value }),
    ];
    (any::<Index>(), prop::collection::vec(edit, 1..6), prop::option::weighted(0.05, any::<Index>()))
        .prop_map(|(target, edits, remove)| ResultsCase { target, edits, remove })
}

proptest! {
    #![proptest_config(config(200))]

    /// Reading and rendering mutated results: the charts, report and workbook, or an error.
    #[test]
    fn mutated_results_render_or_say_why(case in results_case()) {
        let dir = TempDir::new().expect("a temporary directory");
        let (target, original) = &RESULTS[case.target.index(RESULTS.len())];
        let mut bytes = original.clone();
        for edit in &case.edits {
            apply_record_edit(&mut bytes, edit);
        }
        for (name, original) in RESULTS.iter() {
            fs::write(dir.path().join(name), if name == target { &bytes } else { original }).expect("write a result");
        }
        if let Some(remove) = case.remove {
            let _ = fs::remove_file(dir.path().join(&RESULTS[remove.index(RESULTS.len())].0));
        }
        watched(|| format!("{target}:\n{}", show(&bytes)), || {
            if let Ok(results) = wfsim::report::Results::read(dir.path()) {
                let _ = wfsim::report::render(&results);
            }
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------------------------------------
// The command line

fn exit_code(args: &[&str]) -> ExitCode {
    let mut all = vec!["wfsim"];
    all.extend_from_slice(args);
    wfsim::cli::main_with(all)
}

proptest! {
    #![proptest_config(config(100))]

    /// `wfsim validate` and a short `wfsim run` on a mutated scenario: success or bad input.
    #[test]
    fn command_line_on_mutated_scenarios_is_ok_or_bad_input(case in scenario_case()) {
        let (name, bytes) = target_bytes(&case);
        watched(|| format!("{name}:\n{}", show(&bytes)), || {
            let dir = write_scenarios(&name, &bytes);
            let path = dir.path().join(&name);
            let path = path.to_str().expect("a UTF-8 path");
            let out = dir.path().join("out");
            let out = out.to_str().expect("a UTF-8 path");
            let validated = exit_code(&["validate", path]);
            prop_assert!(validated == ExitCode::SUCCESS || validated == ExitCode::from(2), "validate: {validated:?}");
            let run = exit_code(&["run", path, "--reps", "2", "--months", "14", "--threads", "1", "--no-report", "--out", out]);
            prop_assert_eq!(run == ExitCode::SUCCESS, validated == ExitCode::SUCCESS, "run: {:?}", run);
            prop_assert!(run == ExitCode::SUCCESS || run == ExitCode::from(2), "run: {run:?}");
            Ok(())
        })?;
    }

    /// `wfsim fit` on mutated records: success or bad input.
    #[test]
    fn command_line_on_mutated_records_is_ok_or_bad_input(case in records_case()) {
        let dir = TempDir::new().expect("a temporary directory");
        let (paths, bytes) = write_records(&case, dir.path());
        watched(|| format!("{}:\n{}", paths[0].display(), show(&bytes)), || {
            let out = dir.path().join("out");
            let mut args = vec!["fit".to_string()];
            args.extend(paths.iter().map(|p| p.to_str().expect("a UTF-8 path").to_string()));
            args.extend(["--out".to_string(), out.to_str().expect("a UTF-8 path").to_string()]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let code = exit_code(&args);
            prop_assert!(code == ExitCode::SUCCESS || code == ExitCode::from(2), "fit: {code:?}");
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------------------------------------
// Regression tests: inputs the fuzzer found, and what they used to do.

/// Loads `text` as `bad.toml` beside the shipped scenarios: it must be refused, with an error
/// on `field`, and keep the loader's contract.
fn refused(text: &str, field: &str) {
    let dir = write_scenarios("bad.toml", text.as_bytes());
    let path = dir.path().join("bad.toml");
    let result = scenario::load(&path);
    let errors = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert!(errors.contains(field), "expected an error on {field}, got {errors:?}");
    if let Err(error) = check_load(dir.path(), &path, result) {
        panic!("{error}");
    }
}

/// The baseline with one section changed (TOML keeps the last word on a key only across
/// files, so the change goes in a child).
fn baseline_with(section: &str) -> String {
    format!("extends = \"baseline.toml\"\nname = \"bad\"\n{section}\n")
}

#[test]
fn an_extends_naming_a_line_break_is_an_error_on_one_line() {
    // Found by the fuzzer: the path "\n" was written as it is, so the error spanned two lines.
    load_text("extends = \"\\n\"\nstart = \"2024-10\"\n").unwrap();
    refused("extends = \"\\n\"\n", "cannot read the parent scenario");
}

#[test]
fn an_extends_naming_an_endless_device_is_an_error() {
    // Read to the end: `/dev/zero` filled memory before the read failed (4 GB under a memory
    // limit of 4 GB; all of the machine's without one).
    refused("extends = \"/dev/zero\"\nstart = \"2024-10\"\n", "larger than 64 MB");
}

#[test]
fn a_cohort_of_two_billion_is_refused() {
    // Found by the fuzzer: 2,147,483,647 trainees, an 85 GB allocation that aborted the process.
    refused(
        &baseline_with("[[routes.step_up.cohorts]]\nstart = \"2024-01\"\nsize = 2147483647\n"),
        "routes.step_up.cohorts[0].size",
    );
}

#[test]
fn a_recurring_cohort_every_three_billion_months_is_refused() {
    // `every_months` as i32 was negative: building the model stepped back in time until the
    // month index overflowed (a panic with overflow checks, a wrap without).
    refused(
        &baseline_with(
            "[routes.apprenticeship.recurring]\nfirst_start = \"2025-09\"\nevery_months = 3000000000\nsize = 5\n",
        ),
        "routes.apprenticeship.recurring.every_months",
    );
}

#[test]
fn recurring_cohorts_from_the_year_1000_are_refused() {
    // Twelve thousand cohorts that had all qualified before the start waited in the pipeline
    // for ever (they never reach their qualifying month): 12 million phantom trainees, and
    // their training costs.
    refused(
        &baseline_with("[routes.apprenticeship.recurring]\nfirst_start = \"1000-01\"\nevery_months = 1\nsize = 1000\n"),
        "routes.apprenticeship.recurring.first_start",
    );
}

#[test]
fn a_salary_of_1e308_is_refused() {
    // Salary costs overflowed to infinity in the first month.
    refused(&baseline_with("[costs.salary_gbp]\nsocial_worker = 1e308\n"), "costs.salary_gbp.social_worker");
}

#[test]
fn a_pay_award_of_1e300_is_refused() {
    // The first April's award made every salary infinite.
    refused(&baseline_with("[costs]\nannual_pay_award = 1e300\n"), "costs.annual_pay_award");
}

#[test]
fn an_agency_premium_drawn_from_a_huge_normal_is_refused() {
    // A normal with sd 1e300 drew premiums of 1e300 and more: agency costs of 1e304 a month,
    // finite only by luck (an sd of 1e308 draws infinities).
    refused(
        &baseline_with("[costs]\nagency_premium = { dist = \"normal\", mean = 0.5, sd = 1e300 }\n"),
        "costs.agency_premium",
    );
}

#[test]
fn a_caseload_cap_of_1e_300_is_refused() {
    // Hung: April's review funded open cases / 1e-300 posts, an infinite establishment, and a
    // loop over 2^64 vacant posts to hire into them.
    refused(&baseline_with("[caseload]\ncap_cases_per_fte = 1e-300\n"), "caseload.cap_cases_per_fte");
}

#[test]
fn an_agency_case_holding_share_above_1_is_refused() {
    refused(&baseline_with("[caseload]\nagency_case_holding_share = 1.5\n"), "caseload.agency_case_holding_share");
}

#[test]
fn tenure_bands_four_billion_months_long_are_refused() {
    // The leaving hazard is tabled by month of tenure: 4 billion entries per route, a 32 GB
    // allocation that aborted (the longest tenure must exceed the last edge, so it is raised).
    refused(
        &baseline_with(
            "[initial]\nmax_tenure_months = 4000000001\n[retention]\nband_edges_months = [12, 24, 4000000000]\n",
        ),
        "band_edges_months[2]",
    );
}

#[test]
fn caseload_pressure_averaged_over_four_billion_months_is_refused() {
    // The window of recent caseloads was allocated up front: 32 GB, and the process aborted.
    refused(
        &baseline_with("[retention.caseload_pressure]\naveraging_months = 4000000000\n"),
        "retention.caseload_pressure.averaging_months",
    );
}

#[test]
fn a_headcount_of_four_billion_is_refused() {
    // Four billion workers in the starting stock: a 96 GB allocation that aborted.
    refused(
        "start = \"2024-10\"\n[initial]\nheadcount = 4000000000\nfte_in_post = 4000000000.0\ntenure_band_shares = [1, 0, 0, 0]\n\
         [initial.route_shares]\nexperienced = 1\n",
        "initial.headcount",
    );
}

#[test]
fn demand_growing_1e300_a_year_is_refused() {
    // Open cases overflowed to infinity, and caseloads with them.
    refused(&baseline_with("[demand]\nannual_growth = 1e300\n"), "demand.annual_growth");
}

#[test]
fn an_establishment_of_3e18_posts_is_refused() {
    // Hung: a vacancy rate a hair below 1 made 3e18 vacant posts, each drawn for a hire every
    // month.
    refused(&baseline_with("[initial]\nvacancy_rate = 0.9999999999999999\n"), "initial.vacancy_rate");
}

#[test]
fn establishment_changes_of_1e308_are_refused() {
    // Hung: two of them made the establishment infinite, and hiring looped over its posts.
    refused(
        &baseline_with(
            "[[establishment.changes]]\nfrom = \"2025-04\"\nchange_fte = 1e308\n\
             [[establishment.changes]]\nfrom = \"2025-05\"\nchange_fte = 1e308\n",
        ),
        "establishment.changes[0].change_fte",
    );
}

#[test]
fn a_university_intake_of_1e10_is_refused() {
    // Rounded to u32::MAX: four billion NQSWs in one September when not capped at the
    // vacancies, an allocation that aborted.
    refused(
        &baseline_with("[routes.university]\nannual_intake = 1e10\ncap_at_vacancies = false\n"),
        "routes.university.annual_intake",
    );
}

#[test]
fn experienced_hires_of_1e10_a_month_are_refused() {
    // Four billion hires a month: a 5.5 GB allocation that aborted (under a 4 GB limit).
    refused(&baseline_with("[routes.experienced]\nper_month = 1e10\n"), "routes.experienced.per_month");
}

#[test]
fn agency_of_1e308_fte_at_the_start_is_refused() {
    // Month 0's case capacity was 22 x 1e308: infinite.
    refused(&baseline_with("[initial]\nagency_fte = 1e308\ncase_holding_fte = 300\n"), "initial.agency_fte");
}

#[test]
fn open_cases_of_1e308_are_refused() {
    // Finite only while demand grows by less than 80%: then open cases overflow to infinity.
    refused(&baseline_with("[initial]\nopen_cases = 1e308\n"), "initial.open_cases");
}

#[test]
fn a_manifest_of_two_billion_months_is_refused() {
    // Found by reading the code after the fuzzer's report cases: `wfsim report` on results
    // whose manifest says a scenario ran 2,000,000,000 months stepped through every one of
    // them for each financial year it labels (over a minute, then still running).
    let dir = TempDir::new().expect("a temporary directory");
    for (name, bytes) in RESULTS.iter() {
        let bytes = if name == "manifest.json" {
            show(bytes).replace("\"months\": 18", "\"months\": 2000000000").into_bytes()
        } else {
            bytes.clone()
        };
        fs::write(dir.path().join(name), bytes).expect("write a result");
    }
    let error = wfsim::report::Results::read(dir.path()).expect_err("refused").to_string();
    assert!(error.contains("manifest.json") && error.contains("2000000000 months"), "{error}");
}

#[test]
fn a_pay_award_drawn_from_a_beta_of_1e308_is_refused() {
    // Found by checking the distributions the fuzzer writes: every draw of this beta is NaN, so
    // every cost was NaN, and `wfsim run` panicked in the allowance break-even search
    // ("fixed parameter outside its domain", a NaN hazard ratio).
    let text = baseline_with("[costs]\nannual_pay_award = { dist = \"beta\", alpha = 1e308, beta = 1e308 }\n");
    refused(&text, "costs.annual_pay_award");
    let dir = write_scenarios("bad.toml", text.as_bytes());
    let [path, out] = ["bad.toml", "out"].map(|name| dir.path().join(name).to_str().expect("a UTF-8 path").to_string());
    let code = exit_code(&["run", &path, "--reps", "2", "--months", "14", "--no-report", "--out", &out]);
    assert_eq!(code, ExitCode::from(2));
}

#[test]
fn a_triangular_with_its_mode_at_1e308_is_refused() {
    // Every draw was NaN (the agency budget here, which then left agency unlimited).
    refused(
        &baseline_with("[agency]\nmax_fte = { dist = \"triangular\", min = 0, mode = 1e308, max = 1e308 }\n"),
        "agency.max_fte",
    );
}
