//! `wfsim backtest`: project every council from every origin year, score the projections
//! against what happened beside two naive benchmarks, write the rows, the summary, the
//! manifest and the charts, and print the summary.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::{Failure, in_pool, print_lines_and_written, write_all};
use crate::backtest;
use crate::dataset::{Area, Dataset};
use crate::init;
use crate::limits;
use crate::output::OutputFile;

#[derive(Debug, ClapArgs)]
pub struct Args {
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

pub fn execute(args: &Args) -> Result<(), Failure> {
    let data = Dataset::embedded();
    let Some((first, last)) = backtest::origin_years(data) else {
        return Err(Failure::other("the bundled data hold fewer than two years"));
    };
    if !(first..=last).contains(&args.from) {
        return Err(Failure::bad(format!(
            "--from {}: expected a year from {first} to {last}, so that a later year can be compared",
            args.from
        )));
    }
    let to = args.to.unwrap_or(last);
    if to < args.from {
        return Err(Failure::bad(format!(
            "--to {to} is before --from {}: the last origin cannot precede the first",
            args.from
        )));
    }
    if to > last {
        return Err(Failure::bad(format!(
            "--to {to}: expected a year from {} to {last}, so that a later year can be compared",
            args.from
        )));
    }
    let areas: Vec<&Area> = match &args.la {
        Some(query) => vec![area_named(data, query, args.from, to).map_err(Failure::bad)?],
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
        return Err(Failure::bad(format!(
            "nothing to compare: no area has figures both in an origin from {} to {to} and a later year{}",
            args.from,
            if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join("; ")) }
        )));
    }
    let charts = backtest::output::charts(&result).map_err(Failure::other)?;
    let manifest = backtest::output::BacktestManifest::new(&result);
    let rows = backtest::output::RowsCsv { comparisons: &result.comparisons };
    let summary = backtest::output::SummaryCsv { rows: &accuracy };
    let england = result.england.as_deref().map(|rows| backtest::output::EnglandCsv { rows });
    let mut files: Vec<&dyn OutputFile> = vec![&rows, &summary, &manifest];
    files.extend(england.as_ref().map(|file| file as &dyn OutputFile));
    files.extend(charts.iter().map(|chart| chart as &dyn OutputFile));
    let written = write_all(&args.out, &files)?;
    let lines = backtest::output::summary_lines(&result, &accuracy).into_iter();
    print_lines_and_written(lines.chain(backtest::output::skipped_lines(&result)), &written);
    Ok(())
}

/// The area `--la` names: of areas sharing a name (Dorset), the first with data in an origin
/// from `from` to `to`. An unknown name, or an area with no data in any origin, is an error
/// naming the years it has.
fn area_named<'a>(data: &'a Dataset, query: &str, from: i32, to: i32) -> Result<&'a Area, String> {
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
