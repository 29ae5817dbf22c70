//! A hostile-input battery for the `wfsim` binary: malformed TOML, wrong types, unknown fields,
//! values out of range, empty and huge files, non-UTF-8 bytes, a directory given as a file,
//! missing and circular `extends`, and absurd flags. Every case must exit with status 2, print
//! a clear `error:` message naming what is wrong and where, never panic, and never create or
//! change the output directory.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The least a scenario needs when it starts with no staff.
const MINIMAL: &str = "start = \"2024-10\"\nhorizon_months = 24\n";

/// Bytes known to be in `out/timeseries.csv` before a bad run, which must leave them alone.
const PREVIOUS_RESULTS: &[u8] = b"scenario,month,date,metric,mean\nold,0,2024-09,fte,1.0\n";

/// No single hostile case may take longer than this (a hang or a runaway loop).
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn wfsim(args: &[&str], dir: &Path) -> Output {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_wfsim"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run wfsim");
    assert!(started.elapsed() < TIME_LIMIT, "wfsim {args:?} took {:?}", started.elapsed());
    output
}

/// A hostile scenario: the files to write (name, bytes), the one to give the binary, and
/// fragments its message must contain (the file, and its line:column where there is one).
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    target: &'static str,
    /// Fragments of stderr; `{dir}` is replaced by the temporary directory.
    expect: Vec<&'static str>,
}

fn case(name: &'static str, text: &str, expect: &[&'static str]) -> Case {
    Case { name, files: vec![("bad.toml", text.as_bytes().to_vec())], target: "bad.toml", expect: expect.to_vec() }
}

fn with_minimal(name: &'static str, extra: &str, expect: &[&'static str]) -> Case {
    case(name, &format!("{MINIMAL}{extra}"), expect)
}

fn scenario_cases() -> Vec<Case> {
    let mut cases = vec![
        // Malformed TOML.
        with_minimal("unclosed bracket", "[initial\nheadcount = 3\n", &["bad.toml:3:9"]),
        with_minimal("bad string escape", "description = \"a\\qb\"\n", &["bad.toml:3:"]),
        with_minimal("duplicate key", "horizon_months = 36\n", &["bad.toml:3:1", "`horizon_months`"]),
        with_minimal("duplicate table", "[initial]\nheadcount = 3\n[initial]\nheadcount = 4\n", &["bad.toml:5:"]),
        with_minimal("unterminated string", "description = \"never ends\n", &["bad.toml:3:"]),
        case("bare garbage", "this is not toml at all\n", &["bad.toml:1:"]),
        // Wrong types.
        case(
            "string for a number",
            "start = \"2024-10\"\nhorizon_months = \"sixty\"\n",
            &["bad.toml:2:18", "horizon_months"],
        ),
        with_minimal(
            "table for a number",
            "[initial]\nfte_in_post = { a = 1 }\n",
            &["bad.toml:4:15", "initial.fte_in_post"],
        ),
        with_minimal("array for a table", "initial = [1, 2]\n", &["bad.toml:3:11", "initial: invalid type: array"]),
        with_minimal(
            "array for a nested table",
            "[initial]\nroute_shares = [0.5, 0.5]\n",
            &["bad.toml:4:16", "initial.route_shares: invalid type: array"],
        ),
        with_minimal(
            "array for a cohort",
            "[routes.apprenticeship]\ncohorts = [[\"2024-09\", 10]]\n",
            &["bad.toml:4:12", "routes.apprenticeship.cohorts[0]: invalid type: array"],
        ),
        with_minimal("bool for a string", "description = true\n", &["bad.toml:3:15", "description"]),
        with_minimal(
            "date for a month",
            "[routes.university]\nintake_months = [1979-05-27]\n",
            &["bad.toml:4:", "routes.university.intake_months"],
        ),
        // Unknown fields at several depths.
        with_minimal("unknown top-level field", "bogus = 1\n", &["bad.toml:3:1", "bogus"]),
        with_minimal("unknown field in [initial]", "[initial]\nfte_in_psot = 3.0\n", &["bad.toml:4:1", "fte_in_psot"]),
        with_minimal(
            "unknown field two deep",
            "[retention.allowance]\nhazard_ration = 0.9\n",
            &["bad.toml:4:1", "hazard_ration"],
        ),
        with_minimal(
            "unknown field in a cohort",
            "[[routes.apprenticeship.cohorts]]\nstart = \"2024-09\"\nsize = 10\ncolour = \"red\"\n",
            &["bad.toml:6:1", "colour"],
        ),
        with_minimal(
            "unknown field in a distribution",
            "[retention.allowance]\nhazard_ratio = { dist = \"uniform\", min = 0.8, max = 1.0, mode = 0.9 }\n",
            &["bad.toml:4:", "retention.allowance.hazard_ratio"],
        ),
        with_minimal("unknown section", "[retentoin]\nhazard_scale = 1.0\n", &["bad.toml:3:", "retentoin"]),
        // Values out of range.
        with_minimal(
            "probability 1.5",
            "[retention.allowance]\neligible_share = 1.5\n",
            &["bad.toml:4:18", "retention.allowance.eligible_share"],
        ),
        with_minimal(
            "probability -0.1",
            "[retention.allowance]\neligible_share = -0.1\n",
            &["bad.toml:4:18", "retention.allowance.eligible_share"],
        ),
        with_minimal("negative size", "[initial]\nfte_in_post = -5.0\n", &["bad.toml:4:15", "initial.fte_in_post"]),
        with_minimal("negative count", "[initial]\nheadcount = -5\n", &["bad.toml:4:13", "initial.headcount"]),
        with_minimal(
            "negative cohort size",
            "[[routes.apprenticeship.cohorts]]\nstart = \"2024-09\"\nsize = -3\n",
            &["bad.toml:5:8", "size"],
        ),
        with_minimal("nan", "[initial]\nfte_in_post = nan\n", &["bad.toml:4:15", "initial.fte_in_post"]),
        with_minimal("inf", "[initial]\nfte_in_post = inf\n", &["bad.toml:4:15", "initial.fte_in_post"]),
        with_minimal(
            "-inf probability",
            "[retention.allowance]\neligible_share = -inf\n",
            &["bad.toml:4:18", "retention.allowance.eligible_share"],
        ),
        with_minimal(
            "nan in a distribution",
            "[retention]\nhazard_scale = { dist = \"uniform\", min = nan, max = 1.0 }\n",
            &["bad.toml:4:", "retention.hazard_scale"],
        ),
        with_minimal(
            "inf sd",
            "[retention]\nhazard_scale = { dist = \"normal\", mean = 1.0, sd = inf }\n",
            &["bad.toml:4:", "retention.hazard_scale"],
        ),
        with_minimal("huge integer", "[initial]\nheadcount = 99999999999999999999\n", &["bad.toml:4:"]),
        case(
            "horizon of 10,000 months",
            "start = \"2024-10\"\nhorizon_months = 10000\n",
            &["bad.toml:2:18", "horizon_months"],
        ),
        case("horizon of 0 months", "start = \"2024-10\"\nhorizon_months = 0\n", &["bad.toml:2:18", "horizon_months"]),
        case("negative horizon", "start = \"2024-10\"\nhorizon_months = -1\n", &["bad.toml:2:18", "horizon_months"]),
        case("month 13", "start = \"2024-13\"\nhorizon_months = 24\n", &["bad.toml:1:9", "start"]),
        case("year 99999", "start = \"99999-01\"\nhorizon_months = 24\n", &["bad.toml:1:9", "start"]),
        case("month 0", "start = \"2024-00\"\nhorizon_months = 24\n", &["bad.toml:1:9", "start"]),
        case(
            "start near the end of time",
            "start = \"9999-12\"\nhorizon_months = 1200\n",
            &["bad.toml:2:18", "horizon_months"],
        ),
        case("start in January 1000", "start = \"1000-01\"\nhorizon_months = 24\n", &["bad.toml:1:9", "start"]),
        case("start year 0", "start = \"0000-01\"\nhorizon_months = 24\n", &["bad.toml"]),
        // Empty and odd files.
        case("empty file", "", &["bad.toml", "start"]),
        case("only whitespace", " \n\t\n", &["bad.toml", "start"]),
        case("byte-order mark only", "\u{feff}", &["bad.toml"]),
        // Missing and circular `extends`.
        with_minimal("missing extends", "extends = \"nowhere.toml\"\n", &["bad.toml:3:11", "extends", "nowhere.toml"]),
        case("self extends", "extends = \"bad.toml\"\nstart = \"2024-10\"\n", &["bad.toml:1:11", "cycle"]),
        Case {
            name: "circular extends a -> b -> a",
            files: vec![
                ("a.toml", b"extends = \"b.toml\"\nstart = \"2024-10\"\n".to_vec()),
                ("b.toml", b"extends = \"a.toml\"\nhorizon_months = 12\n".to_vec()),
            ],
            target: "a.toml",
            expect: vec!["b.toml:1:11", "cycle"],
        },
        Case {
            name: "extends a directory",
            files: vec![("bad.toml", b"extends = \".\"\nstart = \"2024-10\"\n".to_vec())],
            target: "bad.toml",
            expect: vec!["bad.toml:1:11", "extends"],
        },
        Case {
            name: "extends a number",
            files: vec![("bad.toml", b"extends = 3\nstart = \"2024-10\"\n".to_vec())],
            target: "bad.toml",
            expect: vec!["bad.toml:1:11", "extends"],
        },
        Case {
            name: "bad value inherited from a parent",
            files: vec![
                ("parent.toml", b"start = \"2024-10\"\n[initial]\nvacancy_rate = 1.5\n".to_vec()),
                ("bad.toml", b"extends = \"parent.toml\"\nname = \"child\"\n".to_vec()),
            ],
            target: "bad.toml",
            expect: vec!["parent.toml:3:16", "initial.vacancy_rate"],
        },
        Case {
            name: "parent with a syntax error",
            files: vec![
                ("parent.toml", b"start = \"2024-10\"\n[initial\n".to_vec()),
                ("bad.toml", b"extends = \"parent.toml\"\n".to_vec()),
            ],
            target: "bad.toml",
            expect: vec!["parent.toml:2:"],
        },
        // Not text.
        Case {
            name: "non-UTF-8 bytes",
            files: vec![("bad.toml", b"start = \"2024-10\"\ndescription = \"caf\xe9\"\n".to_vec())],
            target: "bad.toml",
            expect: vec!["bad.toml:2:19", "UTF-8"],
        },
        Case {
            name: "binary junk",
            files: vec![("bad.toml", (0..=255u8).cycle().take(4096).collect())],
            target: "bad.toml",
            expect: vec!["bad.toml:"],
        },
        Case {
            name: "UTF-16 file",
            files: vec![(
                "bad.toml",
                [0xff, 0xfe].into_iter().chain(MINIMAL.encode_utf16().flat_map(u16::to_le_bytes)).collect(),
            )],
            target: "bad.toml",
            expect: vec!["bad.toml:"],
        },
        Case { name: "a directory given as a file", files: vec![], target: "adir", expect: vec!["adir", "directory"] },
        Case {
            name: "a file that does not exist",
            files: vec![],
            target: "missing.toml",
            expect: vec!["missing.toml"],
        },
    ];

    // Huge files: 10 MB of comments, then a wrong line, whose line number must be right.
    let comments = "# a comment line that is padded out to make the file large, line after line\n";
    let lines = 10_000_000 / comments.len();
    let mut huge = String::with_capacity(lines * comments.len() + 100);
    huge.push_str(MINIMAL);
    for _ in 0..lines {
        huge.push_str(comments);
    }
    huge.push_str("[initial]\nvacancy_rate = 2.5\n");
    let line: &'static str = format!("bad.toml:{}:16", lines + 4).leak();
    cases.push(Case {
        name: "10 MB of comments then a bad value",
        files: vec![("bad.toml", huge.into_bytes())],
        target: "bad.toml",
        expect: vec![line, "initial.vacancy_rate"],
    });

    // A huge array: 100,000 cohorts, the last of them bad.
    let mut many = String::from(MINIMAL);
    for _ in 0..99_999 {
        many.push_str("[[routes.apprenticeship.cohorts]]\nstart = \"2024-09\"\nsize = 1\n");
    }
    many.push_str("[[routes.apprenticeship.cohorts]]\nstart = \"2024-09\"\nsize = 1\ncompletion_rate = 1.5\n");
    let line: &'static str = format!("bad.toml:{}:19", 2 + 3 * 99_999 + 4).leak();
    cases.push(Case {
        name: "100,000 cohorts, the last with a bad completion rate",
        files: vec![("bad.toml", many.into_bytes())],
        target: "bad.toml",
        expect: vec![line, "completion_rate"],
    });

    // A deeply nested value.
    let depth = 5_000;
    let nested = format!("{MINIMAL}description = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    cases.push(case("5,000 nested arrays", &nested, &["bad.toml:3:"]));
    let nested = format!("{MINIMAL}description = {}1{}\n", "{a=".repeat(depth), "}".repeat(depth));
    cases.push(case("5,000 nested inline tables", &nested, &["bad.toml:3:"]));
    cases
}

/// Writes a case's files into a fresh directory (with `adir/` for the directory case).
fn set_up(case: &Case) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    for (name, bytes) in &case.files {
        fs::write(dir.path().join(name), bytes).expect("write scenario file");
    }
    fs::create_dir(dir.path().join("adir")).expect("make adir");
    dir
}

/// Every file under `dir` (relative) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            let relative = path.strip_prefix(root).expect("under root").to_path_buf();
            if path.is_dir() {
                files.insert(relative.join(""), Vec::new());
                walk(root, &path, files);
            } else {
                files.insert(relative, fs::read(&path).expect("read file"));
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// Checks the outcome of one hostile command: status 2, a clear message, no panic. Returns
/// the problems found rather than panicking, so that every case is tried.
fn judge(label: &str, output: &Output, expect: &[&str], dir: &Path) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let dir_text = dir.display().to_string();
    let mut problems = Vec::new();
    let mut fail = |why: String| problems.push(format!("{label}: {why}\n--- stderr:\n{stderr}---"));
    if output.status.code() != Some(2) {
        fail(format!("exit status {:?}, expected 2", output.status.code()));
    }
    if stderr.trim().is_empty() {
        fail("nothing on stderr".to_string());
    }
    if !stderr.contains("error") {
        fail("stderr does not say \"error\"".to_string());
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        fail("panicked".to_string());
    }
    let error_lines = stderr.lines().filter(|line| line.starts_with("error")).count();
    if error_lines > 3 {
        fail(format!("{error_lines} error lines: expected one clear message"));
    }
    if stderr.len() > 4000 {
        fail(format!("{} bytes of stderr: expected one clear message", stderr.len()));
    }
    for fragment in expect {
        let fragment = fragment.replace("{dir}", &dir_text);
        if !stderr.contains(&fragment) {
            fail(format!("stderr does not contain {fragment:?}"));
        }
    }
    problems
}

#[test]
fn hostile_scenarios_are_bad_input_and_write_nothing() {
    let mut problems = Vec::new();
    for case in scenario_cases() {
        let dir = set_up(&case);
        let out = dir.path().join("out");
        let out_text = out.to_str().expect("utf-8 temp path");
        let target = dir.path().join(case.target);
        let target = target.to_str().expect("utf-8 temp path");

        let output = wfsim(&["run", target, "--reps", "5", "--months", "6", "--out", out_text], dir.path());
        problems.extend(judge(&format!("[{}] run", case.name), &output, &case.expect, dir.path()));
        if out.exists() {
            problems.push(format!("[{}] run created the output directory", case.name));
        }

        let output = wfsim(&["validate", target], dir.path());
        problems.extend(judge(&format!("[{}] validate", case.name), &output, &case.expect, dir.path()));

        // Beside a good scenario: still nothing runs.
        fs::write(dir.path().join("good.toml"), MINIMAL).expect("write good scenario");
        let good = dir.path().join("good.toml");
        let output = wfsim(
            &["run", good.to_str().unwrap(), target, "--reps", "5", "--months", "6", "--out", out_text],
            dir.path(),
        );
        problems.extend(judge(&format!("[{}] run with a good one", case.name), &output, &case.expect, dir.path()));
        if out.exists() {
            problems.push(format!("[{}] run with a good scenario created the output directory", case.name));
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn bad_input_leaves_previous_results_byte_identical() {
    let mut problems = Vec::new();
    for case in scenario_cases().into_iter().filter(|case| {
        ["unclosed bracket", "probability 1.5", "circular extends a -> b -> a", "non-UTF-8 bytes", "empty file"]
            .contains(&case.name)
    }) {
        let dir = set_up(&case);
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("charts")).expect("make out");
        fs::write(out.join("timeseries.csv"), PREVIOUS_RESULTS).expect("write previous results");
        fs::write(out.join("charts").join("old.svg"), b"<svg/>").expect("write previous chart");
        let before = snapshot(&out);
        let target = dir.path().join(case.target);
        let output = wfsim(
            &["run", target.to_str().unwrap(), "--reps", "5", "--months", "6", "--out", out.to_str().unwrap()],
            dir.path(),
        );
        problems.extend(judge(&format!("[{}] run over old results", case.name), &output, &case.expect, dir.path()));
        if snapshot(&out) != before {
            problems.push(format!("[{}] changed the output directory", case.name));
        }
        assert_eq!(fs::read(out.join("timeseries.csv")).unwrap(), PREVIOUS_RESULTS);
    }
    // And absurd flags with a good scenario.
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("out");
    fs::create_dir_all(&out).expect("make out");
    fs::write(out.join("timeseries.csv"), PREVIOUS_RESULTS).expect("write previous results");
    fs::write(dir.path().join("good.toml"), MINIMAL).expect("write good scenario");
    let good = dir.path().join("good.toml");
    for flags in [["--reps", "0"], ["--months", "10000"], ["--seed", "x"]] {
        let mut args = vec!["run", good.to_str().unwrap(), "--out", out.to_str().unwrap()];
        args.extend(flags);
        let output = wfsim(&args, dir.path());
        problems.extend(judge(&format!("run {flags:?} over old results"), &output, &[flags[0]], dir.path()));
    }
    assert_eq!(fs::read(out.join("timeseries.csv")).unwrap(), PREVIOUS_RESULTS);
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1, "nothing new in out/");
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn absurd_flags_are_bad_input() {
    let dir = TempDir::new().expect("temp dir");
    let good = dir.path().join("good.toml");
    fs::write(&good, MINIMAL).expect("write good scenario");
    let good = good.to_str().unwrap().to_string();
    let out = dir.path().join("out");
    let out_text = out.to_str().unwrap().to_string();
    let junk = dir.path().join("junk.csv");
    fs::write(&junk, "this,is,not\na,census,return\n").expect("write junk");
    let junk = junk.to_str().unwrap().to_string();
    let junk_xml = dir.path().join("junk.xml");
    fs::write(&junk_xml, "<not><a census='return'/></not>").expect("write junk xml");
    let junk_xml = junk_xml.to_str().unwrap().to_string();
    let binary = dir.path().join("binary.csv");
    fs::write(&binary, [0xffu8, 0xfe, 0x00, 0x01, b'\n', 0x80]).expect("write binary");
    let binary = binary.to_str().unwrap().to_string();
    let empty_csv = dir.path().join("empty.csv");
    fs::write(&empty_csv, "").expect("write empty");
    let empty_csv = empty_csv.to_str().unwrap().to_string();
    let not_results = dir.path().join("not_results");
    fs::create_dir(&not_results).expect("make dir");
    fs::write(not_results.join("notes.txt"), "hello").expect("write notes");
    let not_results = not_results.to_str().unwrap().to_string();
    let half_results = dir.path().join("half_results");
    fs::create_dir(&half_results).expect("make dir");
    fs::write(half_results.join("timeseries.csv"), "garbage\n\u{0}\u{1}").expect("write");
    fs::write(half_results.join("manifest.json"), "{ not json").expect("write");
    let half_results = half_results.to_str().unwrap().to_string();
    let late = dir.path().join("late.toml");
    fs::write(&late, "start = \"9999-01\"\nhorizon_months = 6\n[retention]\nannual_leave_prob = { default = [0.1, 0.1, 0.1, 0.1] }\n").expect("write late scenario");
    let late = late.to_str().unwrap().to_string();
    let scenario_out = dir.path().join("new.toml");
    let scenario_out_text = scenario_out.to_str().unwrap().to_string();

    let run = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = vec!["run".into(), good.clone(), "--out".into(), out_text.clone()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let sweep = |param: &str| -> Vec<String> {
        ["sweep", &good, "--param", param, "--reps", "5", "--months", "6", "--out", &out_text]
            .map(String::from)
            .to_vec()
    };
    let fit = |file: &str| -> Vec<String> { ["fit", file, "--out", &out_text].map(String::from).to_vec() };
    let strings = |args: &[&str]| -> Vec<String> { args.iter().map(|s| s.to_string()).collect() };

    let cases: Vec<(&str, Vec<String>, Vec<&str>)> = vec![
        ("--reps 0", run(&["--reps", "0"]), vec!["--reps", "0"]),
        ("--reps -1", run(&["--reps", "-1"]), vec!["--reps"]),
        ("--reps 1e9", run(&["--reps", "1e9"]), vec!["--reps", "1e9"]),
        ("--reps 2000000", run(&["--reps", "2000000"]), vec!["--reps"]),
        ("--reps empty", run(&["--reps", ""]), vec!["--reps"]),
        ("--months 0", run(&["--months", "0"]), vec!["--months", "0"]),
        ("--months 10000", run(&["--months", "10000"]), vec!["--months", "10000"]),
        ("--months 99999999999999999999", run(&["--months", "99999999999999999999"]), vec!["--months"]),
        ("--seed notanumber", run(&["--seed", "notanumber"]), vec!["--seed", "notanumber"]),
        ("--seed -1", run(&["--seed", "-1"]), vec!["--seed"]),
        ("--seed 1.5", run(&["--seed", "1.5"]), vec!["--seed"]),
        (
            "--months past the year 9999",
            strings(&["run", &late, "--months", "1200", "--out", &out_text]),
            vec!["late.toml", "--months"],
        ),
        (
            "sweep --months past the year 9999",
            strings(&[
                "sweep",
                &late,
                "--param",
                "retention.hazard_scale=1..2:1",
                "--months",
                "1200",
                "--out",
                &out_text,
            ]),
            vec!["late.toml", "--months"],
        ),
        ("--threads 0", run(&["--threads", "0"]), vec!["--threads", "0"]),
        ("--threads 100000", run(&["--threads", "100000"]), vec!["--threads"]),
        ("unknown flag", run(&["--frobnicate"]), vec!["--frobnicate"]),
        ("flag without value", run(&["--reps"]), vec!["--reps"]),
        ("unknown command", strings(&["frobnicate"]), vec!["frobnicate"]),
        ("validate without files", strings(&["validate"]), vec!["FILE"]),
        ("sweep --param garbage", sweep("garbage"), vec!["--param", "garbage"]),
        ("sweep --param empty", sweep(""), vec!["--param"]),
        ("sweep --param no range", sweep("retention.hazard_scale="), vec!["--param"]),
        ("sweep --param unknown path", sweep("retention.nonsense=0..1:0.5"), vec!["retention.nonsense"]),
        ("sweep --param step 0", sweep("retention.hazard_scale=0..1:0"), vec!["STEP"]),
        ("sweep --param step nan", sweep("retention.hazard_scale=0..1:nan"), vec!["STEP"]),
        ("sweep --param backwards", sweep("retention.hazard_scale=1..0:0.1"), vec!["FROM"]),
        ("sweep --param too many", sweep("retention.hazard_scale=0..1:0.000001"), vec!["200"]),
        ("sweep --param huge range", sweep("retention.hazard_scale=0..1e308:1"), vec!["--param"]),
        ("sweep --param out of range", sweep("initial.vacancy_rate=1..3:1"), vec!["vacancy_rate"]),
        ("sweep --param brackets", sweep("routes.x[99999999999999999999].size=0..1:1"), vec!["--param"]),
        ("init --la \"\"", strings(&["init", "--la", "", "--out", &scenario_out_text]), vec!["\"\""]),
        ("init --la nonsense", strings(&["init", "--la", "Atlantis", "--out", &scenario_out_text]), vec!["Atlantis"]),
        (
            "init --year 1066",
            strings(&["init", "--la", "840", "--year", "1066", "--out", &scenario_out_text]),
            vec!["1066"],
        ),
        ("init --out a directory", strings(&["init", "--la", "840", "--out", &not_results]), vec!["directory"]),
        ("fit a non-records CSV", fit(&junk), vec!["junk.csv"]),
        ("fit a non-records XML", fit(&junk_xml), vec!["junk.xml"]),
        ("fit a binary file", fit(&binary), vec!["binary.csv"]),
        ("fit an empty file", fit(&empty_csv), vec!["empty.csv"]),
        ("fit a missing file", fit("nowhere.csv"), vec!["nowhere.csv"]),
        ("fit a directory", fit(&not_results), vec!["not_results"]),
        ("fit bad bands", strings(&["fit", &junk, "--bands", "12,0", "--out", &out_text]), vec!["--bands"]),
        ("report a non-results directory", strings(&["report", &not_results]), vec!["not_results"]),
        ("report broken results", strings(&["report", &half_results]), vec!["half_results"]),
        ("report a missing directory", strings(&["report", "nowhere"]), vec!["nowhere"]),
        ("report a file", strings(&["report", &good]), vec!["good.toml"]),
        (
            "backtest --from 1900",
            strings(&["backtest", "--la", "840", "--from", "1900", "--out", &out_text]),
            vec!["1900"],
        ),
        (
            "backtest --la nonsense",
            strings(&["backtest", "--la", "Atlantis", "--from", "2021", "--out", &out_text]),
            vec!["Atlantis"],
        ),
    ];

    let mut problems = Vec::new();
    for (name, args, expect) in cases {
        let before = snapshot(dir.path());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = wfsim(&args, dir.path());
        problems.extend(judge(&format!("[{name}]"), &output, &expect, dir.path()));
        if out.exists() {
            problems.push(format!("[{name}] created the output directory"));
            let _ = fs::remove_dir_all(&out);
        }
        if scenario_out.exists() {
            problems.push(format!("[{name}] wrote a scenario file"));
            let _ = fs::remove_file(&scenario_out);
        }
        if snapshot(dir.path()) != before {
            problems.push(format!("[{name}] changed the working directory"));
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}
