//! `wfsim calibrate`: fit the DfE panel from the data up to a year and write it.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::{Failure, folder_and_name, write};
use crate::calibrate::PanelFit;
use crate::dataset::{self, Dataset};
use crate::output::BytesFile;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Use the years up to this one, 2017 to 2024 [default: the last in the data].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// The file to write.
    #[arg(long, value_name = "FILE", default_value = "data/calibration.toml")]
    pub out: PathBuf,
}

pub fn execute(args: &Args) -> Result<(), Failure> {
    let data = Dataset::embedded();
    let year = args.year.unwrap_or(dataset::LAST_YEAR);
    if !(dataset::FIRST_YEAR..=dataset::LAST_YEAR).contains(&year) {
        return Err(Failure::bad(format!(
            "--year {year}: expected a year from {} to {}",
            dataset::FIRST_YEAR,
            dataset::LAST_YEAR
        )));
    }
    let fit = PanelFit::fit(data, year).map_err(|error| Failure::bad(error.to_string()))?;
    let (folder, name) = folder_and_name(&args.out)?;
    write(folder, &[BytesFile { name, bytes: fit.render().into_bytes() }])?;
    let mut stdout = std::io::stdout().lock();
    let _ =
        writeln!(stdout, "Wrote {}: {} councils, {}-{}.", args.out.display(), fit.councils, fit.first_year, fit.up_to);
    let lines = [
        (format!("turnover level {} (England)", fit.turnover.england_level), fit.turnover.variation),
        (format!("starters per FTE level {} (England)", fit.starters.england_level), fit.starters.variation),
        (format!("vacancy rate level {} (England)", fit.vacancy_rate.england_level), fit.vacancy_rate.variation),
        (format!("agency per vacancy level {} (England)", fit.agency_cover.england_level), fit.agency_cover.variation),
        (format!("funded posts growth {} a year", fit.establishment_growth.mean), fit.establishment_growth.variation),
        ("staff moving with their posts".to_string(), fit.moves_with_staff.variation),
        (format!("open cases growth {} a year, level", fit.demand_growth.mean), fit.open_cases.variation),
    ];
    for (what, v) in lines {
        let read_from =
            if v.national_years > 0 { format!(" (read from {} years)", v.national_years) } else { String::new() };
        let _ = writeln!(
            stdout,
            "{what}, swings sd {}, persistence {}, national share {}{read_from}",
            v.sd, v.persistence, v.national_share
        );
    }
    let follows = &fit.posts_with_swings;
    let _ = writeln!(
        stdout,
        "funded posts grow {} more in logs per unit log swing of turnover, {} per unit of starters",
        follows.leaving, follows.intake
    );
    let response = &fit.agency_response;
    let _ = writeln!(
        stdout,
        "agency use goes as the vacancy rate to the power {}, {} of it within the year ({} months' adjustment), swing offset {} per post",
        response.elasticity, response.same_year_share, response.adjustment_months, response.swing_offset
    );
    Ok(())
}
