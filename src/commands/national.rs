//! `wfsim national`: every council's baseline projected, England as their sum.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::{Failure, in_pool, write_all};
use crate::dataset::{self, Dataset, Level};
use crate::engine::metrics::Metric;
use crate::format::percent;
use crate::init;
use crate::limits;
use crate::national;
use crate::output::OutputFile;

#[derive(Debug, ClapArgs)]
pub struct Args {
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

pub fn execute(args: &Args) -> Result<(), Failure> {
    let data = Dataset::embedded();
    let latest =
        data.areas().iter().filter(|area| area.level == Level::LocalAuthority).map(|area| area.last_year()).max();
    let Some(year) = args.year.or(latest) else {
        return Err(Failure::other("the bundled data holds no council"));
    };
    if latest.is_some_and(|latest| !(dataset::FIRST_YEAR..=latest).contains(&year)) {
        return Err(Failure::bad(format!(
            "--year {year}: expected a year from {} to {}, the years of the data",
            dataset::FIRST_YEAR,
            latest.unwrap_or(dataset::LAST_YEAR)
        )));
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
        return Err(Failure::bad(format!("no council has figures for 30 September {year}")));
    }
    let manifest = national::NationalManifest::new(&projected);
    let files: [&dyn OutputFile; 2] = [&national::NationalCsv { national: &projected }, &manifest];
    let written = write_all(&args.out, &files)?;
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
