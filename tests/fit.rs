//! `wfsim fit`: Kaplan-Meier against a hand-worked example, piecewise-exponential hazards
//! recovered from records simulated with known hazards (and the bias of ignoring left
//! truncation), reading and merging census returns, bad records files, and the command line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use wfsim::fit::{
    self, Bands, Date, FitError, FitOptions, Group, Ratio, Spell, kaplan_meier, kaplan_meier_with,
    piecewise_exponential, read_records,
};
use wfsim::output::CsvRow;
use wfsim::route::Route;

fn spell(entry: f64, exit: f64, event: bool) -> Spell {
    Spell { entry, exit, event }
}

fn r(numerator: i128, denominator: i128) -> Ratio {
    Ratio::new(numerator, denominator)
}

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn options(bands: &str, by_route: bool) -> FitOptions {
    FitOptions { bands: Bands::parse(bands).unwrap(), by_route }
}

fn wfsim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfsim")).args(args).current_dir(dir).output().expect("the wfsim binary runs")
}

fn record_errors(result: Result<fit::Fit, FitError>) -> Vec<String> {
    match result {
        Err(error @ FitError::Records(_)) => error.lines(),
        Err(other) => panic!("expected record errors, got {other}"),
        Ok(_) => panic!("expected record errors, got a fit"),
    }
}

// ---------------------------------------------------------------------------------------------
// Kaplan-Meier by hand

/// Six workers, tenure in months: (entry, exit, left?). Worker E is left-truncated: first
/// observed at 3.5 months, so it is not at risk at 2 months but is at 4 and 6. Worker B is
/// censored at 4 months, the time of two leavings, so it is still at risk then.
///
/// | t | at risk (entry < t ≤ exit) | n | d | S | Σ d/(n(n−d)) | Var = S² Σ |
/// |---|---|---|---|---|---|---|
/// | 2 | A B C D F | 5 | 1 | 4/5 | 1/20 | 16/25 · 1/20 = 4/125 |
/// | 4 | B C D E F | 5 | 2 | 4/5 · 3/5 = 12/25 | 1/20 + 2/15 = 11/60 | 144/625 · 11/60 = 132/3125 |
/// | 6 | E F | 2 | 1 | 12/25 · 1/2 = 6/25 | 11/60 + 1/2 = 41/60 | 36/625 · 41/60 = 123/3125 |
fn hand_example() -> Vec<Spell> {
    vec![
        spell(0.0, 2.0, true),  // A
        spell(0.0, 4.0, false), // B
        spell(1.0, 4.0, true),  // C, observed from 1 month
        spell(0.0, 4.0, true),  // D
        spell(3.5, 6.0, true),  // E, observed from 3.5 months
        spell(0.0, 7.0, false), // F
    ]
}

#[test]
fn kaplan_meier_equals_the_hand_worked_example_exactly() {
    let steps = kaplan_meier_with::<Ratio>(&hand_example());
    let got: Vec<(f64, u64, u64, Ratio, Option<Ratio>)> =
        steps.iter().map(|s| (s.time, s.at_risk, s.events, s.survival, s.variance)).collect();
    assert_eq!(
        got,
        vec![
            (2.0, 5, 1, r(4, 5), Some(r(4, 125))),
            (4.0, 5, 2, r(12, 25), Some(r(132, 3125))),
            (6.0, 2, 1, r(6, 25), Some(r(123, 3125))),
        ]
    );
    assert_eq!(steps.iter().map(|s| s.greenwood_sum.unwrap()).collect::<Vec<_>>(), [r(1, 20), r(11, 60), r(41, 60)]);

    // The same in floating point, with the curve's start, end and intervals.
    let curve = kaplan_meier(&hand_example());
    let times: Vec<f64> = curve.iter().map(|p| p.time).collect();
    assert_eq!(times, [0.0, 2.0, 4.0, 6.0, 7.0]);
    assert_eq!((curve[0].survival, curve[0].at_risk), (1.0, 4));
    for (point, step) in curve[1..4].iter().zip(&steps) {
        assert!((point.survival - step.survival.to_f64()).abs() < 1e-15);
        assert!(point.lower < point.survival && point.survival < point.upper, "{point:?}");
        assert!(point.lower >= 0.0 && point.upper <= 1.0);
    }
    assert_eq!((curve[4].survival, curve[4].events, curve[4].at_risk), (0.24, 0, 1));

    // Ignoring the truncation of E puts it at risk from the start: a different answer.
    let mut naive = hand_example();
    naive[4].entry = 0.0;
    naive[2].entry = 0.0;
    let naive_steps = kaplan_meier_with::<Ratio>(&naive);
    assert_eq!((naive_steps[0].at_risk, naive_steps[0].survival), (6, r(5, 6)));
}

#[test]
fn log_log_interval_is_the_textbook_formula() {
    let curve = kaplan_meier(&hand_example());
    // At 4 months: S = 0.48, Σ = 11/60; se of log(-log S) = sqrt(11/60) / |ln 0.48|.
    let (s, sum): (f64, f64) = (0.48, 11.0 / 60.0);
    let se = sum.sqrt() / s.ln().abs();
    let lower = s.powf((1.959_963_984_540_054 * se).exp());
    let upper = s.powf((-1.959_963_984_540_054 * se).exp());
    assert!((curve[2].lower - lower).abs() < 1e-12 && (curve[2].upper - upper).abs() < 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Simulated records with known hazards

const HEADER: &str = "SWENo,AgencyWorker,PersonBirthDate,OrgRole,FTE,RoleStartDate,RoleEndDate,StartOrigin,\
StepUpGrad,FrontlineGrad,CensusYear";

/// True monthly hazards for the bands 0-12, 12-24, 24-36, 36+ months: annual leaving 30% in
/// year 1, 15% in years 2 and 3, 8% after.
fn true_hazards() -> [f64; 4] {
    let h = |annual: f64| -(1.0f64 - annual).ln() / 12.0;
    [h(0.30), h(0.15), h(0.15), h(0.08)]
}

const TRUE_EDGES: [f64; 3] = [12.0, 24.0, 36.0];

/// A duration in months drawn from the piecewise-exponential hazards, by inversion.
fn draw_months(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let hazards = true_hazards();
    let mut remaining = -(1.0 - rng.random::<f64>()).ln();
    let mut from = 0.0;
    for (band, &hazard) in hazards.iter().enumerate() {
        let to = TRUE_EDGES.get(band).copied().unwrap_or(f64::INFINITY);
        let mass = hazard * (to - from);
        if remaining < mass {
            return from + remaining / hazard;
        }
        remaining -= mass;
        from = to;
    }
    unreachable!("the last band is open")
}

/// A simulated worker: start, end (possibly after the last return), StartOrigin.
struct Worker {
    start: Date,
    end: Date,
    origin: u8,
}

/// `count` workers starting uniformly over the 15 years to 30 September 2023.
fn simulate(count: usize, seed: u64) -> Vec<Worker> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let first = date("2008-10-01");
    let span = date("2023-09-30").days_since(first);
    (0..count)
        .map(|_| {
            let start = first.plus_days(rng.random_range(0..=span));
            let days = (draw_months(&mut rng) * fit::records::DAYS_PER_MONTH).round().max(1.0) as i32;
            let origin = if rng.random::<f64>() < 0.6 { 1 } else { 2 };
            Worker { start, end: start.plus_days(days), origin }
        })
        .collect()
}

const YEARS: [i32; 5] = [2019, 2020, 2021, 2022, 2023];

/// The workers listed in the return of `year`: in post at some time in the 12 months to its
/// 30 September, with the end date if they had left by then.
fn listed(workers: &[Worker], year: i32) -> impl Iterator<Item = (usize, &Worker, Option<Date>)> {
    let reference = Date::census(year).unwrap();
    let window_start = reference.years_earlier(1);
    workers
        .iter()
        .enumerate()
        .filter(move |(_, w)| w.start <= reference && w.end > window_start)
        .map(move |(i, w)| (i, w, (w.end <= reference).then_some(w.end)))
}

/// One CSV per return (2019 to 2022) and the 2023 return as census XML, with a few agency
/// workers in each. Returns the files and the number of agency rows.
fn write_returns(dir: &Path, workers: &[Worker]) -> (Vec<PathBuf>, usize) {
    let mut files = Vec::new();
    let mut agency = 0;
    for year in &YEARS[..4] {
        let mut csv = format!("{HEADER}\n");
        for (i, worker, end) in listed(workers, *year) {
            let end = end.map(|d| d.to_string()).unwrap_or_default();
            csv.push_str(&format!("SW{i:05},0,1980-01-01,5,1,{},{end},{},0,0,{year}\n", worker.start, worker.origin));
        }
        for k in 0..3 {
            csv.push_str(&format!("AG{year}{k},1,,,1,,,,,,{year}\n"));
            agency += 1;
        }
        files.push(write(dir, &format!("csww_{year}.csv"), &csv));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n      \
         <Collection>CSWW</Collection>\n      <Year>2023</Year>\n      <ReferenceDate>2023-09-30</ReferenceDate>\n    \
         </CollectionDetails>\n  </Header>\n",
    );
    for (i, worker, end) in listed(workers, 2023) {
        let end = end.map(|d| format!("<RoleEndDate>{d}</RoleEndDate>")).unwrap_or_default();
        xml.push_str(&format!(
            "  <CSWWWorker>\n    <AgencyWorker>0</AgencyWorker>\n    <SWENo>SW{i:05}</SWENo>\n    <FTE>1</FTE>\n    \
             <RoleStartDate>{}</RoleStartDate>\n    {end}\n    <StartOrigin>{}</StartOrigin>\n  </CSWWWorker>\n",
            worker.start, worker.origin
        ));
    }
    xml.push_str("  <CSWWWorker><AgencyWorker>1</AgencyWorker><SWENo>AG1</SWENo></CSWWWorker>\n</Message>\n");
    agency += 1;
    files.push(write(dir, "csww_2023.xml", &xml));
    (files, agency)
}

#[test]
fn fitted_hazards_recover_the_truth_and_ignoring_truncation_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let workers = simulate(6000, 20_240_930);
    let (files, agency) = write_returns(dir.path(), &workers);
    let bands = Bands::parse("0,12,24,36").unwrap();
    let fitted = fit::fit(&files, &FitOptions { bands: bands.clone(), by_route: true }).unwrap();

    // What was read: every simulated worker seen in some return, agency rows left out.
    let seen = workers.iter().filter(|w| w.end > date("2018-09-30")).count();
    assert_eq!(fitted.records.workers, seen);
    // (A worker starting on the last reference date has no time at risk.)
    assert_eq!(fitted.records.spells.len() + fitted.records.no_time_at_risk, seen);
    assert_eq!(fitted.records.agency_rows, agency);
    assert!(fitted.records.skipped.is_empty() && fitted.records.warnings.is_empty());
    let leavers = workers.iter().filter(|w| w.end > date("2018-09-30") && w.end <= date("2023-09-30")).count();
    assert_eq!(fitted.events(), leavers as u64);
    let truncated = fitted.records.spells.iter().filter(|s| s.spell.entry > 0.0).count();
    assert!(truncated > 1000, "{truncated} left-truncated spells");

    let truth = true_hazards();
    let all = fitted.group(Group::All).unwrap();
    for (hazard, true_hazard) in all.hazards.iter().zip(truth) {
        assert!(
            hazard.lower <= true_hazard && true_hazard <= hazard.upper,
            "band {}: true {true_hazard} outside {:?}",
            bands.label(hazard.band),
            hazard
        );
        assert!(hazard.events > 100, "{hazard:?}");
    }
    // Kaplan-Meier at one year: 70% still in post.
    let at_12 = all.curve.iter().rev().find(|p| p.time <= 12.0).unwrap();
    assert!(at_12.lower <= 0.7 && 0.7 <= at_12.upper, "{at_12:?}");

    // Counting exposure from the start date (ignoring left truncation) credits long-serving
    // workers with early years in which, having survived, they could not have left.
    let naive: Vec<Spell> =
        read_records(&files).unwrap().spells().into_iter().map(|s| Spell { entry: 0.0, ..s }).collect();
    let naive = piecewise_exponential(&naive, &bands);
    assert!(
        naive[0].monthly_hazard < all.hazards[0].lower,
        "naive first-year hazard {} is not below the interval {:?}",
        naive[0].monthly_hazard,
        (all.hazards[0].lower, all.hazards[0].upper)
    );
    assert!(naive[0].upper < truth[0], "the naive interval {:?} should miss the truth {}", naive[0], truth[0]);
    assert!(naive[0].monthly_hazard < 0.75 * truth[0]);

    // Routes share the true hazards; both are fitted and written.
    let keys: Vec<&str> = fitted.retention.routes.iter().map(|(route, _)| route.name()).collect();
    assert_eq!(keys, ["university", "experienced"]);
    for route in [Route::University, Route::Experienced] {
        let group = fitted.group(Group::Route(route)).unwrap();
        assert!(group.hazards[0].lower < truth[0] && truth[0] < group.hazards[0].upper, "{route:?}");
    }
}

#[test]
fn cli_fits_simulated_returns_and_writes_a_retention_section_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let workers = simulate(3000, 7);
    let (files, _) = write_returns(dir.path(), &workers);
    let out = dir.path().join("fitted");
    let mut args = vec!["fit".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--by", "route", "--bands", "0,12,24,60", "--out"].map(String::from));
    args.push(out.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = wfsim(&args, dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("Left out: 13 agency rows"), "{stdout}");
    assert!(stdout.contains("university"), "{stdout}");

    for name in ["retention.toml", "survival.csv", "hazards.csv", "charts/survival.png", "charts/survival.svg"] {
        assert!(out.join(name).is_file(), "{name} not written");
    }
    let survival = std::fs::read_to_string(out.join("survival.csv")).unwrap();
    assert!(
        survival.starts_with(&format!("{}\nall,0,1,1,1,", fit::output::SurvivalRow::COLUMNS.join(","))),
        "{survival}"
    );
    let hazards = std::fs::read_to_string(out.join("hazards.csv")).unwrap();
    let lines: Vec<&str> = hazards.lines().collect();
    assert_eq!(lines[0], fit::output::HazardRow::COLUMNS.join(","));
    assert!(lines[1].starts_with("all,0-12,0,12,"), "{}", lines[1]);
    assert!(lines[4].starts_with("all,60+,60,,"), "{}", lines[4]);
    assert_eq!(lines.len(), 1 + 4 * 3, "all, university and experienced, 4 bands each");
    let png = std::fs::read(out.join("charts/survival.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));

    // The retention section, pasted into a scenario, loads through the scenario schema.
    let retention = std::fs::read_to_string(out.join("retention.toml")).unwrap();
    let text = format!("start = \"2024-10\"\n\n{retention}");
    let scenario = wfsim::scenario::load_resolved(&text, Path::new("fitted.toml")).unwrap_or_else(|errors| {
        panic!("{}\n{text}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
    });
    let spec = scenario.spec.retention.unwrap();
    assert_eq!(spec.band_edges_months, [12, 24, 60]);
    let table = &spec.annual_leave_prob;
    assert_eq!(table.default.len(), 4);
    assert!(table.university.as_ref().is_some_and(|p| p.len() == 4));
    assert!(table.experienced.as_ref().is_some_and(|p| p.len() == 4));
    assert!(table.frontline.is_none() && table.step_up.is_none());
    let first_year = table.default[0].mean();
    assert!((0.2..0.4).contains(&first_year), "{first_year}");
}

#[test]
fn cli_refuses_bad_bands() {
    let dir = tempfile::tempdir().unwrap();
    let records = write(dir.path(), "r.csv", &format!("{HEADER}\nA,0,,,1,2020-01-01,,1,0,0,2023\n"));
    for bands in ["0,24,12", "12,24,60", "0", "0,12,x", "0,12,12"] {
        let output = wfsim(&["fit", records.to_str().unwrap(), "--bands", bands, "--out", "out"], dir.path());
        assert_eq!(output.status.code(), Some(2), "--bands {bands}");
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn cli_bad_records_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let records = write(dir.path(), "r.csv", &format!("{HEADER}\nA,0,,,1,2020-02-30,,1,0,0,2023\n"));
    let output = wfsim(&["fit", records.to_str().unwrap(), "--out", "out"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("r.csv:2: RoleStartDate:"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}

// ---------------------------------------------------------------------------------------------
// Reading and merging returns

#[test]
fn returns_merge_into_spells_with_entry_and_exit() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "2022.csv",
        "SWENo,AgencyWorker,RoleStartDate,RoleEndDate,StartOrigin,FrontlineGrad,ReferenceDate\n\
         LONG,0,2015-09-30,,2,0,2022-09-30\n\
         NEW,0,01/03/2022,,1,0,30/09/2022\n\
         GONE,0,2020-01-01,,,1,2022-09-30\n\
         OLD,0,2010-01-01,2021-06-30,2,0,2022-09-30\n",
    );
    // Column names in any case, with spaces around them.
    let b = write(
        dir.path(),
        "2023.csv",
        "swENo , agencyworker,rolestartdate,roleenddate,censusyear\n\
         LONG,0,2015-09-30,,2023\n\
         NEW,0,2022-03-01,2023-01-31,2023\n",
    );
    let records = read_records(&[a, b]).unwrap();
    assert_eq!(records.reference_dates, [date("2022-09-30"), date("2023-09-30")]);
    assert_eq!((records.rows, records.workers, records.no_time_at_risk), (6, 4, 1), "OLD left before the window");
    let by_id = |id: &str| records.spells.iter().find(|s| s.swe_no == id).unwrap().clone();

    let long = by_id("LONG");
    assert_eq!(
        (long.entry_date, long.exit_date, long.route),
        (date("2021-09-30"), date("2023-09-30"), Some(Route::Experienced))
    );
    assert_eq!(long.spell.entry, f64::from(date("2021-09-30").days_since(date("2015-09-30"))) / 30.4375);
    assert!(!long.spell.event);

    let new = by_id("NEW");
    assert_eq!(
        (new.entry_date, new.exit_date, new.route),
        (date("2022-03-01"), date("2023-01-31"), Some(Route::University))
    );
    assert_eq!(new.spell, Spell { entry: 0.0, exit: 336.0 / 30.4375, event: true });

    // In the 2022 return only, no end date: censored at its last return.
    let gone = by_id("GONE");
    assert_eq!((gone.exit_date, gone.spell.event, gone.route), (date("2022-09-30"), false, Some(Route::Frontline)));
}

#[test]
fn conflicting_start_dates_use_the_later_return_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "r.csv",
        "SWENo,AgencyWorker,RoleStartDate,RoleEndDate,CensusYear\n\
         A,0,2019-01-01,,2021\n\
         A,0,2019-02-01,,2022\n\
         B,0,2015-01-01,2021-03-01,2021\n\
         B,0,2021-06-01,,2022\n",
    );
    let records = read_records(&[file]).unwrap();
    assert_eq!(records.warnings.len(), 1, "{:?}", records.warnings);
    assert!(records.warnings[0].to_string().contains("r.csv:3: RoleStartDate:"), "{}", records.warnings[0]);
    let a: Vec<_> = records.spells.iter().filter(|s| s.swe_no == "A").collect();
    assert_eq!((a.len(), a[0].start), (1, date("2019-02-01")));
    // B left and came back: two spells.
    let b: Vec<_> = records.spells.iter().filter(|s| s.swe_no == "B").collect();
    assert_eq!(b.len(), 2);
    assert!(b[0].spell.event && !b[1].spell.event);
    // The second spell is first listed in the 2022 return: observed from 30 September 2021.
    assert_eq!(b[1].entry_date, date("2021-09-30"));
    assert_eq!(b[1].spell.entry, 121.0 / 30.4375);
}

#[test]
fn agency_workers_are_excluded_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "r.csv",
        "SWENo,AgencyWorker,RoleStartDate,RoleEndDate,CensusYear\n\
         A,0,2019-01-01,,2023\n\
         X,1,,,2023\n\
         Y,1,2022-01-01,,2023\n\
         B,0,2020-01-01,2023-01-01,2023\n",
    );
    let fitted = fit::fit(&[file], &options("0,12", false)).unwrap();
    assert_eq!((fitted.records.rows, fitted.records.agency_rows, fitted.records.workers), (4, 2, 2));
    assert_eq!(fitted.events(), 1);
    let summary = fit::output::summary_lines(&fitted).join("\n");
    assert!(summary.contains("Left out: 2 agency rows"), "{summary}");
}

// ---------------------------------------------------------------------------------------------
// Bad records files

#[test]
fn a_missing_required_column_names_the_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "no_start.csv", "SWENo,AgencyWorker,RoleEndDate,CensusYear\nA,0,,2023\n");
    let errors = record_errors(fit::fit(&[file], &options("0,12", false)));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("no_start.csv:1: RoleStartDate:"), "{}", errors[0]);
    assert!(errors[0].contains("missing required column"), "{}", errors[0]);

    let file = write(dir.path(), "no_year.csv", "SWENo,AgencyWorker,RoleStartDate\nA,0,2020-01-01\n");
    let errors = record_errors(fit::fit(&[file], &options("0,12", false)));
    assert!(errors[0].contains("no_year.csv:1: CensusYear:") && errors[0].contains("ReferenceDate"), "{errors:?}");
}

#[test]
fn a_bad_date_names_the_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "dates.csv",
        "SWENo,AgencyWorker,RoleStartDate,RoleEndDate,FTE,CensusYear\n\
         A,0,2019-01-01,,1,2023\n\
         B,0,2019-01-01,,1,2023\n\
         C,0,2019-01-01,,1,2023\n\
         D,0,2019-13-45,,1,2023\n\
         E,2,2019-01-01,,lots,2023\n",
    );
    let errors = record_errors(fit::fit(&[file], &options("0,12", false)));
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!("{}:5: RoleStartDate: ", dir.path().join("dates.csv").display())),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("2019-13-45"));
    assert!(errors[1].contains("dates.csv:6: AgencyWorker: expected 0 (permanent) or 1 (agency)"), "{}", errors[1]);
    assert!(errors[2].contains("dates.csv:6: FTE: expected a number"), "{}", errors[2]);
}

#[test]
fn impossible_dates_are_skipped_with_a_message_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "r.csv",
        "SWENo,AgencyWorker,RoleStartDate,RoleEndDate,CensusYear\n\
         A,0,2019-01-01,,2023\n\
         B,0,2020-05-01,2020-01-01,2023\n\
         C,0,2024-01-01,,2023\n\
         D,0,2020-01-01,2023-03-01,2023\n",
    );
    let fitted = fit::fit(&[file], &options("0,12", false)).unwrap();
    let skipped: Vec<String> = fitted.records.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].contains("r.csv:3: RoleEndDate: impossible dates"), "{}", skipped[0]);
    assert!(skipped[1].contains("r.csv:4: RoleStartDate: impossible dates"), "{}", skipped[1]);
    assert_eq!((fitted.records.workers, fitted.events()), (2, 1));
    let summary = fit::output::summary_lines(&fitted).join("\n");
    assert!(summary.contains("2 rows with impossible dates"), "{summary}");
}

#[test]
fn files_that_are_not_records_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "notes.txt",
            "Minutes of the meeting of 12 March.\nNothing to see here.\n",
            "notes.txt:1: SWENo: not a records file",
        ),
        ("broken.xml", "<Message><CSWWWorker><SWENo>1</SWENo></Message>", "broken.xml:1: not a census XML file"),
        ("empty.xml", "<?xml version=\"1.0\"?>\n<Message><Header/></Message>\n", "empty.xml: not a census return"),
        ("empty.csv", "", "empty.csv: not a records file: the file is empty"),
        ("header.csv", "SWENo,AgencyWorker,RoleStartDate,CensusYear\n", "header.csv: not a records file"),
        ("looks.csv", "<?xml version=\"1.0\"?>\n<Message/>\n", "name it .xml"),
    ];
    for (name, text, expected) in cases {
        let file = write(dir.path(), name, text);
        let errors = record_errors(fit::fit(&[file], &options("0,12", false)));
        assert!(errors.iter().any(|e| e.contains(expected)), "{name}: {errors:?}");
    }
    let errors = record_errors(fit::fit(&[dir.path().join("missing.csv")], &options("0,12", false)));
    assert!(errors[0].contains("missing.csv: cannot read"), "{errors:?}");

    // Several bad files: every one reported.
    let bad = [write(dir.path(), "a.txt", "hello\n"), write(dir.path(), "b.xml", "not xml")];
    assert_eq!(record_errors(fit::fit(&bad, &options("0,12", false))).len(), 2);
}

#[test]
fn census_xml_is_read_with_the_header_reference_date() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "return.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CSWW</Collection><Year>2023</Year></CollectionDetails>
  </Header>
  <CSWWWorker>
    <AgencyWorker>0</AgencyWorker><SWENo>A</SWENo><RoleStartDate>2023-01-01</RoleStartDate>
    <RoleEndDate>2023-07-01</RoleEndDate><StepUpGrad>1</StepUpGrad>
  </CSWWWorker>
  <CSWWWorker>
    <AgencyWorker>0</AgencyWorker><SWENo>B</SWENo><RoleStartDate>2024-01-01</RoleStartDate>
  </CSWWWorker>
  <CSWWWorker>
    <AgencyWorker>0</AgencyWorker><SWENo>C</SWENo><RoleStartDate>2023-01-01</RoleStartDate><FTE>full</FTE>
  </CSWWWorker>
</Message>
"#,
    );
    let errors = record_errors(fit::fit(std::slice::from_ref(&file), &options("0,12", false)));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("return.xml:13: FTE: expected a number"), "{errors:?}");

    std::fs::write(&file, std::fs::read_to_string(&file).unwrap().replace("<FTE>full</FTE>", "<FTE>0.8</FTE>"))
        .unwrap();
    let records = read_records(&[file]).unwrap();
    assert_eq!(records.reference_dates, [date("2023-09-30")]);
    assert_eq!(records.skipped.len(), 1);
    assert!(records.skipped[0].to_string().contains("return.xml:10: RoleStartDate: impossible dates"));
    let a = records.spells.iter().find(|s| s.swe_no == "A").unwrap();
    assert_eq!((a.route, a.spell.event, a.exit_date), (Some(Route::StepUp), true, date("2023-07-01")));
}

#[test]
fn routes_with_few_leavers_fall_back_to_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("SWENo,AgencyWorker,RoleStartDate,RoleEndDate,StartOrigin,FrontlineGrad,CensusYear\n");
    for i in 0..40 {
        let start = date("2022-10-01").plus_days(7 * i);
        let end = if i % 2 == 0 { start.plus_days(60).to_string() } else { String::new() };
        csv.push_str(&format!("U{i},0,{start},{end},1,0,2023\n"));
    }
    csv.push_str("F1,0,2022-10-01,2023-05-01,1,1,2023\nF2,0,2022-10-01,,1,1,2023\n");
    let file = write(dir.path(), "r.csv", &csv);
    let fitted = fit::fit(&[file], &options("0,12,24", true)).unwrap();
    let keys: Vec<&str> = fitted.retention.routes.iter().map(|(route, _)| route.name()).collect();
    assert_eq!(keys, ["university"]);
    assert!(fitted.notes.iter().any(|n| n.starts_with("frontline: 1 leaver(s), fewer than 5")), "{:?}", fitted.notes);
    // Nobody has 12 months' tenure: the 12-24 and 24+ bands take the 0-12 band's value.
    let default = &fitted.retention.default;
    assert_eq!(default[1].annual, default[0].annual);
    assert!(default[2].note.as_deref().is_some_and(|n| n.contains("band 24+ months")), "{:?}", default[2]);
    let toml = fit::output::retention_toml(&fitted);
    assert!(toml.contains("# Note: frontline: 1 leaver(s)"), "{toml}");
    let scenario = format!("start = \"2024-10\"\n{toml}");
    wfsim::scenario::load_resolved(&scenario, Path::new("fitted.toml")).expect("the retention section loads");
}
