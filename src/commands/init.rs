//! `wfsim init`: list the areas, or build an area's baseline from the embedded DfE data,
//! calibrate it and write it (never over an existing file without `--force`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;

use super::{Failure, SCENARIO_DIR, folder_and_name, write};
use crate::dataset::{self, Dataset, Level};
use crate::format::percent;
use crate::init::{self, InitError};
use crate::output::BytesFile;

#[derive(Debug, ClapArgs)]
pub struct Args {
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

pub fn execute(args: &Args) -> Result<(), Failure> {
    let data = Dataset::embedded();
    if args.list {
        print_areas(data);
        return Ok(());
    }
    let Some(query) = &args.la else {
        return Err(Failure::bad("give the area with --la QUERY, or --list to list them"));
    };
    let init_failure = |error: InitError| match error {
        InitError::Invalid { .. } => Failure::other(error),
        _ => Failure::bad(error.to_string()),
    };
    let area = init::resolve_area(data, query, args.year).map_err(init_failure)?;
    let year = args.year.unwrap_or_else(|| area.last_year());
    let out = args.out.clone().unwrap_or_else(|| Path::new(SCENARIO_DIR).join(format!("{}_{year}.toml", area.slug())));
    let (folder, file_name) = folder_and_name(&out)?;
    if out.is_dir() {
        return Err(Failure::bad(format!("{} is a directory: give a file name with --out", out.display())));
    }
    if out.exists() && !args.force {
        return Err(Failure::bad(format!(
            "{} already exists: add --force to replace it, or choose another file with --out FILE",
            out.display()
        )));
    }
    let generated = init::baseline_scenario(data, &area.code, year).map_err(init_failure)?;
    {
        let mut stderr = std::io::stderr().lock();
        for note in &generated.notes {
            let _ = writeln!(stderr, "note: {note}");
        }
    }
    write(folder, &[BytesFile { name: file_name, bytes: generated.toml.clone().into_bytes() }])?;

    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "Wrote {}: {}, from the 30 September {year} position.", out.display(), area.label());
    let calibration = &generated.calibration;
    if let Some(simulated) = calibration.simulated_turnover {
        let _ = writeln!(
            stdout,
            "Retention calibrated: hazard_scale {} gives a first-year turnover of {} ({} of {} replications) against the DfE {} ({}).",
            calibration.hazard_scale,
            percent(simulated),
            calibration.statistic.name(),
            calibration.replications,
            percent(calibration.target_turnover),
            match calibration.target_years.as_slice() {
                [] => "see the notes".to_string(),
                [year] => year.to_string(),
                years => format!("mean of {}", dataset::years_label(years)),
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
