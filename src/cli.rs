//! The command line: `wfsim run` simulates scenarios and writes the results, `wfsim validate`
//! checks scenario files without running them, `wfsim sweep` runs one scenario over a range of
//! values of one parameter, `wfsim fit` fits retention from worker-level census records.
//!
//! Exit status: 0 success, 2 bad input (scenario files, flags), 1 anything else (for example
//! an output directory that cannot be written). Every scenario is loaded and checked before
//! anything is simulated or written, so bad input never touches the output directory.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::appraisal::{self, BreakEven};
use crate::backtest;
use crate::dataset::{Dataset, Level};
use crate::engine::metrics::Metric;
use crate::fit::{self, Bands, FitOptions};
use crate::format::percent;
use crate::init::{self, InitError};
use crate::limits;
use crate::national;
use crate::output::manifest::ScenarioEntry;
use crate::output::{
    self, AnnualCsv, AppraisalCsv, AssumptionsCsv, BreakEvenCsv, CostsCsv, DifferencesCsv, Manifest, ProbabilitiesCsv,
    ScenarioTable, TableSet, TimeseriesCsv,
};
use crate::report::{self, Results};
use crate::run::{self, RunSettings, ScenarioRun};
use crate::scenario::{self, LoadErrors, Scenario};
use crate::stats;
use crate::sweep;

/// Exit status for a failure that is not the user's input (for example an unwritable output
/// directory).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status for bad input: scenario files or command-line flags. Clap uses it too.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Where `wfsim run` looks for scenarios when none are named, relative to the current
/// directory.
pub const SCENARIO_DIR: &str = "scenarios";
/// The scenario listed (and reported) first when running every scenario in `scenarios/`.
pub const BASELINE_FILE: &str = "baseline.toml";

/// Monte Carlo workforce planning for children's social work services.
#[derive(Debug, Parser)]
#[command(name = "wfsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenarios and write the results, charts, report and workbook.
    Run(RunArgs),
    /// Check scenario files without running them.
    Validate(ValidateArgs),
    /// Write a council's (or region's, or England's) baseline scenario from the DfE data.
    Init(InitArgs),
    /// Rebuild the charts, report and workbook from a finished run's results.
    Report(ReportArgs),
    /// Run one scenario with a parameter swept over a range of values, on common random numbers.
    Sweep(SweepArgs),
    /// Fit retention (leaving by tenure band and route) from worker-level census records.
    Fit(FitArgs),
    /// Project councils' baselines from a past year and compare with what happened.
    Backtest(BacktestArgs),
    /// Project every council's baseline from the DfE data, and England as their sum.
    National(NationalArgs),
    /// Fit the DfE panel (councils' own levels, year-to-year swings, growth) that baselines use.
    Calibrate(CalibrateArgs),
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Use the years up to this one, 2017 to 2024 [default: the last in the data].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// The file to write.
    #[arg(long, value_name = "FILE", default_value = "data/calibration.toml")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct NationalArgs {
    /// The year of the 30 September position every council starts from, 2017 to 2024
    /// [default: the latest in the data]. Councils without figures that year are listed as
    /// skipped.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// Replications per council (1 to 100,000).
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_REPLICATIONS_PER_COUNCIL)))]
    pub reps: u32,
    /// Months to simulate (1 to 1200).
    #[arg(long, value_name = "M", allow_negative_numbers = true, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_MONTHS)))]
    pub months: u32,
    /// Master seed; each council's replications are seeded from it and the council's code.
    #[arg(long, value_name = "S", allow_negative_numbers = true, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads [default: one per CPU]. Results do not depend on it.
    #[arg(long, value_name = "T", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_THREADS)))]
    pub threads: Option<u32>,
    /// Output directory for national.csv and manifest.json.
    #[arg(long, value_name = "DIR", default_value = "output/national")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// One council (or region, or England): a name, an old code or a new code.
    #[arg(long, value_name = "QUERY", required_unless_present = "all", conflicts_with = "all")]
    pub la: Option<String>,
    /// Every council in the data.
    #[arg(long)]
    pub all: bool,
    /// The first origin: the year of the 30 September position projected from (2017 to 2023).
    #[arg(long, value_name = "YEAR", allow_negative_numbers = true, default_value_t = backtest::DEFAULT_FROM)]
    pub from: i32,
    /// The last origin [default: the last year with a later year in the data, 2023]. Every
    /// year from --from to --to is an origin.
    #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
    pub to: Option<i32>,
    /// Replications per council and origin.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_REPLICATIONS_PER_COUNCIL)))]
    pub reps: u32,
    /// Master seed; each council and origin is seeded from it, the council's code and the
    /// origin.
    #[arg(long, value_name = "S", allow_negative_numbers = true, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads [default: one per CPU]. Results do not depend on it.
    #[arg(long, value_name = "T", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_THREADS)))]
    pub threads: Option<u32>,
    /// Output directory for backtest.csv, backtest_summary.csv, manifest.json,
    /// charts/calibration and charts/pit (.png and .svg), and with --all backtest_england.csv.
    #[arg(long, value_name = "DIR", default_value = "output/backtest")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// Worker-level records: CSV files with the DfE census column names (SWENo, AgencyWorker,
    /// RoleStartDate, RoleEndDate, CensusYear or ReferenceDate, ...) or CSWW census XML
    /// returns. Several years' returns are merged per worker by SWENo.
    #[arg(value_name = "RECORDS", required = true)]
    pub records: Vec<PathBuf>,
    /// Fit each route of entry too (routes with fewer than 5 leavers use the pooled fit).
    #[arg(long, value_name = "GROUPING")]
    pub by: Option<FitBy>,
    /// Tenure band edges in months, starting at 0: 0,12,24,60 gives the bands 0-12, 12-24,
    /// 24-60 and 60+ months.
    #[arg(long, value_name = "EDGES", default_value = "0,12,24,60", value_parser = Bands::parse)]
    pub bands: Bands,
    /// Output directory, created if need be: retention.toml, survival.csv, hazards.csv and
    /// charts/survival.png/.svg.
    #[arg(long, value_name = "DIR", default_value = "output/fit")]
    pub out: PathBuf,
}

/// How `wfsim fit` splits the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FitBy {
    /// By route of entry: newly qualified (university), experienced, Step Up, Frontline, other.
    Route,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file whose parameter is swept.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenario: PathBuf,
    /// The parameter and its values: a dotted key path in the resolved scenario, from, to
    /// (included when the steps land on it) and step, e.g.
    /// retention.allowance.amount_gbp=0..5000:500 (at most 200 values).
    #[arg(long, value_name = "PATH=FROM..TO:STEP", allow_hyphen_values = true)]
    pub param: String,
    /// Replications per value (1 to 1,000,000).
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_REPLICATIONS)))]
    pub reps: u32,
    /// Master seed: every value uses the same seed and replications (common random numbers).
    #[arg(long, value_name = "S", allow_negative_numbers = true, default_value_t = 1)]
    pub seed: u64,
    /// Months to simulate (1 to 1200) [default: the scenario's horizon_months].
    #[arg(long, value_name = "M", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_MONTHS)))]
    pub months: Option<u32>,
    /// Worker threads (1 to 1024) [default: one per CPU]. Results do not depend on it.
    #[arg(long, value_name = "T", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_THREADS)))]
    pub threads: Option<u32>,
    /// Output directory, created if need be: sweep.csv, sweep.json and charts/sweep_*.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output directory of a finished `wfsim run`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files. Default: every *.toml in scenarios/ (in the current directory), sorted
    /// by file name, with baseline.toml first.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenarios: Vec<PathBuf>,
    /// Replications per scenario (1 to 1,000,000).
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_REPLICATIONS)))]
    pub reps: u32,
    /// Master seed: the same seed and inputs give the same results, bit for bit.
    #[arg(long, value_name = "S", allow_negative_numbers = true, default_value_t = 1)]
    pub seed: u64,
    /// Months to simulate (1 to 1200) [default: each scenario's horizon_months, which
    /// defaults to 60].
    #[arg(long, value_name = "M", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_MONTHS)))]
    pub months: Option<u32>,
    /// Worker threads (1 to 1024) [default: one per CPU]. Results do not depend on it.
    #[arg(long, value_name = "T", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_THREADS)))]
    pub threads: Option<u32>,
    /// Output directory, created if need be. Existing result files in it are replaced only
    /// once all new ones are written.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Write only the result files (CSV and JSON), not the charts, report and workbook.
    #[arg(long)]
    pub no_report: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// List every council (name, old and new codes, region, years with data), then the regions
    /// and England.
    #[arg(long, conflicts_with_all = ["la", "year", "out", "force"])]
    pub list: bool,
    /// The council, region or England: a name in any case ("County Durham"), an old code (840)
    /// or a new code (E06000047).
    #[arg(long, value_name = "QUERY", required_unless_present = "list")]
    pub la: Option<String>,
    /// The year of the 30 September position to start from, 2017 to 2024 [default: the
    /// area's latest].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// The scenario file to write [default: scenarios/NAME_YEAR.toml, such as
    /// scenarios/county_durham_2024.toml].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Why a command failed, and so which exit status it gets.
#[derive(Debug)]
enum Failure {
    /// Bad input: each line is printed with an `error: ` prefix; exit status 2.
    BadInput(Vec<String>),
    /// Anything else; exit status 1.
    Other(String),
}

/// Runs `wfsim` with the process's arguments.
pub fn main() -> ExitCode {
    main_with(std::env::args_os())
}

/// Runs `wfsim` with the given arguments (the first is the program name).
pub fn main_with<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version go to stdout with status 0; usage errors to stderr with 2.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_BAD_INPUT } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Run(args) => run_command(args),
        Command::Validate(args) => validate_command(args),
        Command::Init(args) => init_command(args),
        Command::Report(args) => report_command(args),
        Command::Sweep(args) => sweep_command(args),
        Command::Fit(args) => fit_command(args),
        Command::Backtest(args) => backtest_command(args),
        Command::National(args) => national_command(args),
        Command::Calibrate(args) => calibrate_command(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(lines)) => {
            print_errors(&lines);
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(Failure::Other(message)) => {
            print_errors(&[message]);
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn print_errors(lines: &[String]) {
    let mut stderr = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(stderr, "error: {line}");
    }
}

/// `wfsim run`: load and check everything, simulate, write, summarise.
fn run_command(args: &RunArgs) -> Result<(), Failure> {
    let files =
        if args.scenarios.is_empty() { find_scenarios(Path::new(SCENARIO_DIR))? } else { args.scenarios.clone() };
    let scenarios = scenario::load_all(&files).map_err(|errors| Failure::BadInput(error_lines(&errors)))?;
    if let Some(months) = args.months {
        check_months_datable(&scenarios, months)?;
    }

    let settings = RunSettings {
        replications: args.reps,
        seed: args.seed,
        months: args.months,
        progress: true,
        national_seed: None,
    };
    let simulate_and_write = || -> Result<(Vec<String>, Vec<PathBuf>), Failure> {
        let files = simulate_and_summarise(&scenarios, &settings, !args.no_report)?;
        let outputs: Vec<&dyn output::OutputFile> =
            files.files.iter().map(|file| file as &dyn output::OutputFile).collect();
        // One write: every result, chart and report file is in place, or none is.
        let written = output::write_all(&args.out, &outputs).map_err(|error| Failure::Other(error.to_string()))?;
        Ok((files.headlines, written))
    };
    let (headlines, written) = in_pool(args.threads, simulate_and_write)??;
    print_summary(&headlines, &settings, scenarios.len(), &written);
    Ok(())
}

/// Everything `wfsim run` writes, made in memory.
struct RunFiles {
    files: Vec<output::BytesFile>,
    /// Each scenario's headline figures, for the terminal.
    headlines: Vec<String>,
}

/// Simulates the scenarios one at a time, turning each into its result rows as soon as it is
/// done; then the break-even searches, the manifest and (if `with_report`) the charts, report
/// and workbook, built from the result files exactly as `wfsim report` would build them.
fn simulate_and_summarise(
    scenarios: &[Scenario],
    settings: &RunSettings,
    with_report: bool,
) -> Result<RunFiles, Failure> {
    let other = |error: &dyn std::fmt::Display| Failure::Other(error.to_string());
    let tables: [&dyn ScenarioTable; 7] =
        [&TimeseriesCsv, &AnnualCsv, &DifferencesCsv, &ProbabilitiesCsv, &AssumptionsCsv, &CostsCsv, &AppraisalCsv];
    let mut table_set = TableSet::new(tables.to_vec(), scenarios.len());
    let mut entries: Vec<Option<ScenarioEntry>> = scenarios.iter().map(|_| None).collect();
    let mut headlines: Vec<Option<String>> = scenarios.iter().map(|_| None).collect();
    // Names are aligned up to a sensible length (a format width must also stay below 2^16).
    let width = scenarios.iter().map(|scenario| scenario.name.chars().count()).max().unwrap_or(0).min(MAX_NAME_WIDTH);
    let mut baseline_name = None;
    run::run_each(scenarios, settings, |position, run, baseline| {
        table_set.add(position, run, baseline)?;
        if let (Some(entry), Some(headline)) = (entries.get_mut(position), headlines.get_mut(position)) {
            *entry = Some(ScenarioEntry::of(run));
            *headline = Some(headline_line(run, width));
        }
        baseline_name = Some(baseline.name.clone());
        Ok::<(), std::io::Error>(())
    })
    .map_err(|error| other(&error))?;

    let manifest = Manifest::new(entries.into_iter().flatten().collect(), baseline_name.clone(), settings);
    let break_even = BreakEvenCsv { rows: break_even_rows(scenarios, baseline_name.as_deref(), settings) };
    let mut files = table_set.into_files().map_err(|error| other(&error))?;
    for file in [&break_even as &dyn output::OutputFile, &manifest] {
        files.push(output::BytesFile::of(file).map_err(|error| other(&error))?);
    }
    if with_report {
        let results = Results::from_files(&files).map_err(|error| other(&error))?;
        files.extend(report::render(&results).map_err(|error| other(&error))?);
    }
    Ok(RunFiles { files, headlines: headlines.into_iter().flatten().collect() })
}

/// `wfsim sweep`: parse the parameter, load and check the scenario at every value, then
/// simulate them all with the scenario as given, write, summarise.
fn sweep_command(args: &SweepArgs) -> Result<(), Failure> {
    let param = sweep::parse_param(&args.param).map_err(|message| Failure::BadInput(vec![message]))?;
    let reference = scenario::load(&args.scenario).map_err(|errors| Failure::BadInput(error_lines(&errors)))?;
    let variants = sweep::variants(&reference, &param).map_err(Failure::BadInput)?;

    let months = args.months.unwrap_or(reference.spec.horizon_months);
    check_months_datable(std::slice::from_ref(&reference), months)?;
    let settings = RunSettings {
        replications: args.reps,
        seed: args.seed,
        months: Some(months),
        progress: true,
        national_seed: None,
    };
    let simulate_and_write = || -> Result<(sweep::SweepResults, Vec<PathBuf>), Failure> {
        let results = sweep::simulate(&reference, &variants, &param, &settings);
        let charts = sweep::chart_files(&results).map_err(|error| Failure::Other(error.to_string()))?;
        let csv = sweep::SweepCsv { results: &results };
        let manifest = sweep::SweepManifest::new(&results);
        let mut files: Vec<&dyn output::OutputFile> = vec![&csv, &manifest];
        files.extend(charts.iter().map(|file| file as &dyn output::OutputFile));
        let written = output::write_all(&args.out, &files).map_err(|error| Failure::Other(error.to_string()))?;
        Ok((results, written))
    };
    let (results, written) = in_pool(args.threads, simulate_and_write)??;
    let mut stdout = std::io::stdout().lock();
    for line in sweep::summary_lines(&results) {
        let _ = writeln!(stdout, "{line}");
    }
    for path in &written {
        let _ = writeln!(stdout, "Wrote {}", path.display());
    }
    Ok(())
}

/// Most skipped-row messages and warnings printed by `wfsim fit` (the counts are always given).
const FIT_MESSAGES_SHOWN: usize = 20;

/// `wfsim fit`: read and check the records, fit, write, summarise. Records that are not
/// records files, or hold values that cannot be read, are bad input and nothing is written.
fn fit_command(args: &FitArgs) -> Result<(), Failure> {
    let options = FitOptions { bands: args.bands.clone(), by_route: args.by == Some(FitBy::Route) };
    let fitted = fit::fit(&args.records, &options).map_err(|error| Failure::BadInput(error.lines()))?;
    {
        let mut stderr = std::io::stderr().lock();
        for (kind, issues) in [("skipped", &fitted.records.skipped), ("warning", &fitted.records.warnings)] {
            for issue in issues.iter().take(FIT_MESSAGES_SHOWN) {
                let _ = writeln!(stderr, "{kind}: {issue}");
            }
            if issues.len() > FIT_MESSAGES_SHOWN {
                let _ = writeln!(stderr, "{kind}: ... and {} more", issues.len() - FIT_MESSAGES_SHOWN);
            }
        }
    }
    let files = fit::output::files(&fitted).map_err(|error| Failure::Other(error.to_string()))?;
    let outputs: Vec<&dyn output::OutputFile> = files.iter().map(|file| file as &dyn output::OutputFile).collect();
    let written = output::write_all(&args.out, &outputs).map_err(|error| Failure::Other(error.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    for line in fit::output::summary_lines(&fitted) {
        let _ = writeln!(stdout, "{line}");
    }
    for path in &written {
        let _ = writeln!(stdout, "Wrote {}", path.display());
    }
    Ok(())
}

/// The allowance break-even of the baseline and of every option that changes its allowance.
fn break_even_rows(scenarios: &[Scenario], baseline: Option<&str>, settings: &RunSettings) -> Vec<(String, BreakEven)> {
    let Some(baseline) = baseline else { return Vec::new() };
    appraisal::allowance_scenarios(scenarios, baseline)
        .into_iter()
        .filter_map(|scenario| {
            appraisal::break_even(scenario, settings).map(|outcome| (scenario.name.clone(), outcome))
        })
        .collect()
}

/// `wfsim backtest`: project every council from every origin year, score the projections
/// against what happened beside two naive benchmarks, write the rows, the summary, the
/// manifest and the charts, and print the summary.
fn backtest_command(args: &BacktestArgs) -> Result<(), Failure> {
    let data = Dataset::embedded();
    let bad = |message: String| Failure::BadInput(vec![message]);
    let Some((first, last)) = backtest::origin_years(data) else {
        return Err(Failure::Other("the bundled data hold fewer than two years".to_string()));
    };
    if !(first..=last).contains(&args.from) {
        return Err(bad(format!(
            "--from {}: expected a year from {first} to {last}, so that a later year can be compared",
            args.from
        )));
    }
    let to = args.to.unwrap_or(last);
    if to < args.from {
        return Err(bad(format!("--to {to} is before --from {}: the last origin cannot precede the first", args.from)));
    }
    if to > last {
        return Err(bad(format!(
            "--to {to}: expected a year from {} to {last}, so that a later year can be compared",
            args.from
        )));
    }
    let areas: Vec<&crate::dataset::Area> = match &args.la {
        Some(query) => vec![backtest_area_named(data, query, args.from, to).map_err(bad)?],
        None => backtest::councils(data),
    };
    let settings = backtest::BacktestSettings {
        from: args.from,
        to,
        replications: args.reps,
        seed: args.seed,
        calibration: init::Calibration::default(),
        england: args.la.is_none(),
    };
    let work = || {
        let result = backtest::backtest(data, &areas, &settings);
        let accuracy = backtest::accuracy(&result.comparisons);
        (result, accuracy)
    };
    let (result, accuracy) = in_pool(args.threads, work)?;
    if result.comparisons.is_empty() {
        let reasons: Vec<String> =
            result.skipped.iter().map(|s| format!("{} from {}: {}", s.area, s.origin, s.reason)).collect();
        return Err(bad(format!(
            "nothing to compare: no area has figures both in an origin from {} to {to} and a later year{}",
            args.from,
            if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join("; ")) }
        )));
    }
    let charts = backtest::output::charts(&result).map_err(|error| Failure::Other(error.to_string()))?;
    let manifest = backtest::output::BacktestManifest::new(&result);
    let rows = backtest::output::RowsCsv { comparisons: &result.comparisons };
    let summary = backtest::output::SummaryCsv { rows: &accuracy };
    let england = result.england.as_deref().map(|rows| backtest::output::EnglandCsv { rows });
    let mut files: Vec<&dyn output::OutputFile> = vec![&rows, &summary, &manifest];
    files.extend(england.as_ref().map(|file| file as &dyn output::OutputFile));
    files.extend(charts.iter().map(|chart| chart as &dyn output::OutputFile));
    let written = output::write_all(&args.out, &files).map_err(|error| Failure::Other(error.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    let lines = backtest::output::summary_lines(&result, &accuracy).into_iter();
    for line in lines.chain(backtest::output::skipped_lines(&result)) {
        let _ = writeln!(stdout, "{line}");
    }
    for path in written {
        let _ = writeln!(stdout, "Wrote {}", path.display());
    }
    Ok(())
}

/// The area `--la` names: of areas sharing a name (Dorset), the first with data in an origin
/// from `from` to `to`. An unknown name, or an area with no data in any origin, is an error
/// naming the years it has.
fn backtest_area_named<'a>(
    data: &'a Dataset,
    query: &str,
    from: i32,
    to: i32,
) -> Result<&'a crate::dataset::Area, String> {
    if let Some(area) = (from..=to).find_map(|year| init::resolve_area(data, query, Some(year)).ok()) {
        return Ok(area);
    }
    let area = init::resolve_area(data, query, None).map_err(|error| error.to_string())?;
    Err(format!(
        "{} has no data for any origin from {from} to {to}; it has data for {}",
        area.label(),
        area.years_label()
    ))
}

/// `wfsim national`: every council's baseline projected, England as their sum.
fn national_command(args: &NationalArgs) -> Result<(), Failure> {
    let data = Dataset::embedded();
    let latest =
        data.areas().iter().filter(|area| area.level == Level::LocalAuthority).map(|area| area.last_year()).max();
    let Some(year) = args.year.or(latest) else {
        return Err(Failure::Other("the bundled data holds no council".to_string()));
    };
    if latest.is_some_and(|latest| !(crate::dataset::FIRST_YEAR..=latest).contains(&year)) {
        return Err(Failure::BadInput(vec![format!(
            "--year {year}: expected a year from {} to {}, the years of the data",
            crate::dataset::FIRST_YEAR,
            latest.unwrap_or(crate::dataset::LAST_YEAR)
        )]));
    }
    let settings = national::NationalSettings {
        year,
        replications: args.reps,
        months: args.months,
        seed: args.seed,
        calibration: init::Calibration::default(),
    };
    let projected = in_pool(args.threads, || national::project(data, &settings))?;
    if projected.councils.is_empty() {
        return Err(Failure::BadInput(vec![format!("no council has figures for 30 September {year}")]));
    }
    let manifest = national::NationalManifest::new(&projected);
    let files: [&dyn output::OutputFile; 2] = [&national::NationalCsv { national: &projected }, &manifest];
    let written = output::write_all(&args.out, &files).map_err(|error| Failure::Other(error.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "Projected {} councils from 30 September {year}, {} months, {} replications each, seed {}.",
        projected.councils.len(),
        args.months,
        args.reps,
        args.seed
    );
    let last_year = projected.england.iter().map(|figure| figure.year).max();
    for figure in projected.england.iter().filter(|figure| Some(figure.year) == last_year) {
        let s = &figure.summary;
        let value = |v: f64| match figure.metric {
            metric if metric.is_rate() => percent(v),
            Metric::AvgCaseload => format!("{v:.1}"),
            Metric::CostTotalGbp => format!("£{:.1}m", v / 1e6),
            _ => format!("{v:.0}"),
        };
        let _ = writeln!(
            stdout,
            "  England, 30 September {}: {} {} (90% interval {} to {})",
            figure.year,
            figure.metric.name(),
            value(s.p50),
            value(s.p5),
            value(s.p95)
        );
    }
    for skip in &projected.skipped {
        let _ = writeln!(stdout, "Skipped {}: {}", skip.area, skip.reason);
    }
    for path in written {
        let _ = writeln!(stdout, "Wrote {}", path.display());
    }
    Ok(())
}

/// Runs `work` on `threads` worker threads (rayon's default if `None`).
fn in_pool<T: Send>(threads: Option<u32>, work: impl FnOnce() -> T + Send) -> Result<T, Failure> {
    match threads {
        Some(threads) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads as usize)
            .build()
            .map_err(|error| Failure::Other(format!("cannot start {threads} worker threads: {error}")))?
            .install(work)),
        None => Ok(work()),
    }
}

/// `wfsim report DIR`: charts, report and workbook from a finished run, without simulating.
fn report_command(args: &ReportArgs) -> Result<(), Failure> {
    let results = Results::read(&args.dir).map_err(|error| {
        Failure::BadInput(vec![format!("{} does not hold a finished run's results: {error}", args.dir.display())])
    })?;
    let written = write_report(&results, &args.dir)?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "Rebuilt the charts, report and workbook from {}.", args.dir.display());
    let _ = writeln!(stdout, "Wrote {} files, among them {}", written.len(), args.dir.join("report.html").display());
    Ok(())
}

/// Renders the charts, report and workbook and writes them atomically into `dir`.
fn write_report(results: &Results, dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let files = report::render(results).map_err(|error| Failure::Other(error.to_string()))?;
    let outputs: Vec<&dyn output::OutputFile> = files.iter().map(|file| file as &dyn output::OutputFile).collect();
    output::write_all(dir, &outputs).map_err(|error| Failure::Other(error.to_string()))
}

/// `wfsim validate`: every file on its own; `ok: FILE` or its errors.
fn validate_command(args: &ValidateArgs) -> Result<(), Failure> {
    let mut all_good = true;
    for file in &args.files {
        match scenario::load(file) {
            Ok(_) => {
                let _ = writeln!(std::io::stdout().lock(), "ok: {}", file.display());
            }
            Err(errors) => {
                all_good = false;
                print_errors(&error_lines(&errors));
            }
        }
    }
    if all_good { Ok(()) } else { Err(Failure::BadInput(Vec::new())) }
}

/// `wfsim calibrate`: fit the panel from the data up to a year and write it.
fn calibrate_command(args: &CalibrateArgs) -> Result<(), Failure> {
    let data = Dataset::embedded();
    let year = args.year.unwrap_or(crate::dataset::LAST_YEAR);
    if !(crate::dataset::FIRST_YEAR..=crate::dataset::LAST_YEAR).contains(&year) {
        return Err(Failure::BadInput(vec![format!(
            "--year {year}: expected a year from {} to {}",
            crate::dataset::FIRST_YEAR,
            crate::dataset::LAST_YEAR
        )]));
    }
    let fit =
        crate::calibrate::PanelFit::fit(data, year).map_err(|error| Failure::BadInput(vec![error.to_string()]))?;
    let Some(file_name) = args.out.file_name().map(|name| name.to_string_lossy().into_owned()) else {
        return Err(Failure::BadInput(vec![format!("--out {} is not a file name", args.out.display())]));
    };
    let folder = args.out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file = output::BytesFile { name: file_name, bytes: fit.render().into_bytes() };
    output::write_all(folder, &[&file]).map_err(|error| Failure::Other(error.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    let _ =
        writeln!(stdout, "Wrote {}: {} councils, {}-{}.", args.out.display(), fit.councils, fit.first_year, fit.up_to);
    let lines = [
        (format!("turnover level {} (England)", fit.turnover.england_level), fit.turnover.variation),
        (format!("vacancy rate level {} (England)", fit.vacancy_rate.england_level), fit.vacancy_rate.variation),
        (format!("agency per vacancy level {} (England)", fit.agency_cover.england_level), fit.agency_cover.variation),
        (format!("funded posts growth {} a year", fit.establishment_growth.mean), fit.establishment_growth.variation),
        ("staff moving with their posts".to_string(), fit.moves_with_staff.variation),
        (format!("open cases growth {} a year, level", fit.demand_growth.mean), fit.open_cases.variation),
    ];
    for (what, v) in lines {
        let _ = writeln!(
            stdout,
            "{what}, swings sd {}, persistence {}, national share {}",
            v.sd, v.persistence, v.national_share
        );
    }
    let response = &fit.agency_response;
    let _ = writeln!(
        stdout,
        "agency use goes as the vacancy rate to the power {}, {} of it within the year ({} months' adjustment), swing offset {} per post",
        response.elasticity, response.same_year_share, response.adjustment_months, response.swing_offset
    );
    Ok(())
}

/// `wfsim init`: list the areas, or build an area's baseline from the embedded DfE data,
/// calibrate it and write it (never over an existing file without `--force`).
fn init_command(args: &InitArgs) -> Result<(), Failure> {
    let data = Dataset::embedded();
    if args.list {
        print_areas(data);
        return Ok(());
    }
    let Some(query) = &args.la else {
        return Err(Failure::BadInput(vec!["give the area with --la QUERY, or --list to list them".to_string()]));
    };
    let init_failure = |error: InitError| match error {
        InitError::Invalid { .. } => Failure::Other(error.to_string()),
        _ => Failure::BadInput(vec![error.to_string()]),
    };
    let area = init::resolve_area(data, query, args.year).map_err(init_failure)?;
    let year = args.year.unwrap_or_else(|| area.last_year());
    let out = args.out.clone().unwrap_or_else(|| Path::new(SCENARIO_DIR).join(format!("{}_{year}.toml", area.slug())));
    let Some(file_name) = out.file_name().map(|name| name.to_string_lossy().into_owned()) else {
        return Err(Failure::BadInput(vec![format!("--out {} is not a file name", out.display())]));
    };
    if out.is_dir() {
        return Err(Failure::BadInput(vec![format!("{} is a directory: give a file name with --out", out.display())]));
    }
    if out.exists() && !args.force {
        return Err(Failure::BadInput(vec![format!(
            "{} already exists: add --force to replace it, or choose another file with --out FILE",
            out.display()
        )]));
    }
    let generated = init::baseline_scenario(data, &area.code, year).map_err(init_failure)?;
    {
        let mut stderr = std::io::stderr().lock();
        for note in &generated.notes {
            let _ = writeln!(stderr, "note: {note}");
        }
    }
    let folder = out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file = output::BytesFile { name: file_name, bytes: generated.toml.clone().into_bytes() };
    output::write_all(folder, &[&file]).map_err(|error| Failure::Other(error.to_string()))?;

    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "Wrote {}: {}, from the 30 September {year} position.", out.display(), area.label());
    let calibration = &generated.calibration;
    if let Some(simulated) = calibration.simulated_turnover {
        let _ = writeln!(
            stdout,
            "Retention calibrated: hazard_scale {} gives a first-year turnover of {} ({} replications) against the DfE {} ({}).",
            calibration.hazard_scale,
            percent(simulated),
            calibration.replications,
            percent(calibration.target_turnover),
            match calibration.target_years.as_slice() {
                [] => "see the notes".to_string(),
                [year] => year.to_string(),
                years => format!("mean of {}", crate::dataset::years_label(years)),
            }
        );
    }
    if generated.notes.is_empty() {
        let _ = writeln!(stdout, "Every figure is {}'s own for {year}.", area.name);
    } else {
        let _ = writeln!(
            stdout,
            "{} figure(s) fell back or were adjusted: see the notes above, also written at the top of the file.",
            generated.notes.len()
        );
    }
    let _ = writeln!(
        stdout,
        "The data give no planned training cohorts: add the council's own. Check with `wfsim validate {}`, run with `wfsim run {}`.",
        out.display(),
        out.display()
    );
    Ok(())
}

/// `wfsim init --list`: councils by name, then regions, then England.
fn print_areas(data: &Dataset) {
    let areas = data.areas();
    let rows: Vec<[String; 5]> = areas
        .iter()
        .map(|area| {
            let region = match area.level {
                Level::LocalAuthority => area.region_name.clone().unwrap_or_default(),
                Level::Region => "(region)".to_string(),
                Level::England => "(country)".to_string(),
            };
            let old = area.old_la_code.clone().unwrap_or_else(|| "-".to_string());
            [area.name.clone(), old, area.code.clone(), region, area.years_label()]
        })
        .collect();
    let header = ["name", "old code", "new code", "region", "years"].map(String::from);
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut stdout = std::io::stdout().lock();
    for row in std::iter::once(&header).chain(&rows) {
        let line = row.iter().zip(widths).map(|(cell, width)| format!("{cell:width$}")).collect::<Vec<_>>().join("  ");
        let _ = writeln!(stdout, "{}", line.trim_end());
    }
}

/// `--months` may take a scenario past December 9999, which outputs cannot date as "YYYY-MM"
/// (the scenario's own `horizon_months` is checked when it is loaded).
fn check_months_datable(scenarios: &[Scenario], months: u32) -> Result<(), Failure> {
    let last_datable = crate::calendar::YearMonth::LAST_DATABLE;
    let lines: Vec<String> = scenarios
        .iter()
        .filter(|scenario| scenario.start.plus(months as i32 - 1) > last_datable)
        .map(|scenario| {
            format!(
                "--months {months}: scenario {} starts {}, so the run would end after {last_datable}, the last month that can be dated: give fewer months",
                scenario.file.display(),
                scenario.start
            )
        })
        .collect();
    if lines.is_empty() { Ok(()) } else { Err(Failure::BadInput(lines)) }
}

/// One line per load error, as printed after `error: `.
fn error_lines(errors: &LoadErrors) -> Vec<String> {
    errors.iter().map(|error| error.to_string()).collect()
}

/// Every `*.toml` file in `dir`, sorted by file name, with `baseline.toml` first.
fn find_scenarios(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        Failure::BadInput(vec![format!("no scenario files given, and cannot read {}/: {error}", dir.display())])
    })?;
    let mut names: Vec<OsString> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let path = entry.path();
            path.extension().is_some_and(|extension| extension == "toml") && path.is_file()
        })
        .map(|entry| entry.file_name())
        .collect();
    if names.is_empty() {
        return Err(Failure::BadInput(vec![format!(
            "no scenario files given, and no *.toml files in {}/",
            dir.display()
        )]));
    }
    names.sort();
    if let Some(position) = names.iter().position(|name| name == BASELINE_FILE) {
        let baseline = names.remove(position);
        names.insert(0, baseline);
    }
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// Scenario names longer than this are not padded in the terminal summary.
const MAX_NAME_WIDTH: usize = 40;

/// One scenario's headline figures: vacancy and agency rates at the last 30 September.
fn headline_line(run: &ScenarioRun, width: usize) -> String {
    let stats::Headline { label: when, month, .. } = stats::Headline::of(run);
    let rate = |metric: Metric| {
        let summary = stats::summarise(run.replications_of(month, metric));
        format!("{} ({} to {})", percent(summary.p50), percent(summary.p5), percent(summary.p95))
    };
    format!(
        "  {:width$}  {when}: vacancy rate {}, agency rate {}",
        run.name,
        rate(Metric::VacancyRate),
        rate(Metric::AgencyRate)
    )
}

/// Prints the headline figures of each scenario and the files written.
fn print_summary(headlines: &[String], settings: &RunSettings, scenarios: usize, written: &[PathBuf]) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "Simulated {} scenario(s), {} replications each, seed {}.",
        scenarios, settings.replications, settings.seed
    );
    let _ = writeln!(stdout, "Median (90% interval):");
    for line in headlines {
        let _ = writeln!(stdout, "{line}");
    }
    let is_chart = |path: &&PathBuf| path.parent().and_then(Path::file_name).is_some_and(|folder| folder == "charts");
    for path in written.iter().filter(|path| !is_chart(path)) {
        let _ = writeln!(stdout, "Wrote {}", path.display());
    }
    let charts: Vec<&PathBuf> = written.iter().filter(is_chart).collect();
    if let Some(folder) = charts.first().and_then(|path| path.parent()) {
        let _ = writeln!(stdout, "Wrote {} chart files (PNG and SVG) in {}", charts.len(), folder.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn finds_scenarios_sorted_with_baseline_first() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.toml", "baseline.toml", "a.toml", "notes.md", "c.toml.bak"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("dir.toml")).unwrap();
        let found = find_scenarios(dir.path()).unwrap();
        let names: Vec<_> = found.iter().map(|path| path.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["baseline.toml", "a.toml", "b.toml"]);
        assert!(found[0].starts_with(dir.path()));
    }

    #[test]
    fn no_scenarios_is_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(find_scenarios(dir.path()), Err(Failure::BadInput(_))));
        assert!(matches!(find_scenarios(&dir.path().join("missing")), Err(Failure::BadInput(_))));
    }

    #[test]
    fn flags_out_of_range_are_usage_errors() {
        for bad in [["--reps", "0"], ["--months", "0"], ["--months", "1201"], ["--threads", "0"], ["--seed", "-1"]] {
            let parsed = Cli::try_parse_from(["wfsim", "run", bad[0], bad[1]]);
            assert!(parsed.is_err_and(|error| error.use_stderr()), "{bad:?} should be refused");
        }
        let parsed = Cli::try_parse_from(["wfsim", "run", "--reps", "40", "--months", "24", "a.toml"]).unwrap();
        let Command::Run(args) = parsed.command else { panic!("not run") };
        assert_eq!((args.reps, args.months, args.seed, args.threads), (40, Some(24), 1, None));
        assert_eq!(args.out, PathBuf::from("output"));
    }
}
