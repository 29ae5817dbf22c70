//! `wfsim init`: a complete, commented baseline scenario for any council (or region, or
//! England) and year in the DfE data, built from its 30 September position.
//!
//! What comes from the data, for the area and year (each number's source year is written
//! beside it in the file):
//! - `[initial]`: FTE in post, headcount, vacancy rate (vacancy FTE / (vacancy FTE + FTE in
//!   post)), agency FTE, case-holding FTE, open cases, leavers in the year, the share absent
//!   (the absence rate) and the share in their first year (starters / FTE in post);
//! - the university intake, from the starters of the last up-to-3 years, 58% of them taken to
//!   be newly qualified (the split Durham reported, an assumption elsewhere), and the absence
//!   start rate, from the absence rate.
//!
//! What comes from the panel fit (`calibrate`, data up to the year only):
//! - `retention.hazard_scale`, calibrated by simulation so that the median first-year turnover
//!   meets the council's own turnover level, with its yearly swings;
//! - the experienced fill chance, set so that vacancies settle at the council's own vacancy
//!   level, and the hiring response (`vacancy_response`) that makes a gap from that level
//!   close as councils' gaps do;
//! - agency cover: from the council's ratio now toward its own level, sticky, with swings;
//! - growth of funded posts and open cases (the panel means) with their swings, and staff
//!   moving with their posts;
//! - the share of experienced hires into non-case-holding posts that keeps joiners' share of
//!   case holders at the council's.
//!
//! Everything else (tenure and route mix, leaving tables, destinations, caseload ramp, costs)
//! is the shipped Durham baseline's (`scenarios/baseline.toml`, embedded), with its comments:
//! the file is that baseline with the values above set, each with its source beside it. No
//! planned training cohorts, establishment changes, allowance or welcome payment: the data do
//! not give them, and the file tells the user to add their own.
//!
//! In four stages, one module each:
//! 1. [`resolve`]: which area and year a query names;
//! 2. [`figures`]: what the DfE data give for them, with the notes on every fallback;
//! 3. [`calibrate`]: the parameters fitted to the panel, and the scale on leaving, found by
//!    simulating the scenario rendered with them;
//! 4. [`render`]: the embedded baseline, edited.
//!
//! # Missing and suppressed cells
//!
//! Each figure needed is resolved in this order, and every step past the first is recorded as
//! a note (printed by the command and written at the top of the file):
//! 1. the area's own value for the year; `low` (rounds to zero) counts as 0, with a note;
//! 2. the area's own latest value in the three years before, as it is (not scaled);
//! 3. the parent area's value for the same year (a council's region, a region's England; then
//!    England): rates as they are, counts (agency, leavers, starters, case holders, cases,
//!    vacancies) scaled by the ratio of FTE in post;
//! 4. for the few figures a scenario can do without, a stated default (no agency, no absence,
//!    leavers at the target turnover).
//!
//! Particular rules, each with a note when it applies:
//! - FTE in post: as above to step 2, else headcount times the parent's FTE per head. An area
//!   with no permanent social workers in post (FTE 0: the Isles of Scilly from 2021, agency
//!   staff only) cannot start a simulation: [`InitError::NoStaff`].
//! - Headcount below FTE in post (a worker is at most 1 FTE; Bromley 2022, Sunderland 2021,
//!   Warwickshire 2020): FTE in post rounded up.
//! - Case-holding FTE above FTE in post plus agency: capped there.
//! - Leavers FTE of 0 beside leavers by headcount (Derby, East Sussex, Hull 2017): a gap in the
//!   return; leavers headcount times FTE per head in post.
//! - Averages over recent years (starters, turnover) leave out the years without a value; with
//!   none, the year's value through the steps above.
//! - Agency cover share: agency cover FTE / vacancy FTE; without agency cover FTE, agency FTE /
//!   vacancy FTE; with no vacancies, the parent's ratio.
//! - Demand trend: with fewer than two years of open cases (new councils, 2017), the parent's
//!   trend, else flat.
//!
//! Only data up to the year asked for are used (the parent's for the same year), so a backtest
//! from a year sees nothing later.

mod calibrate;
mod figures;
mod render;
mod resolve;

use std::path::{Path, PathBuf};

use crate::dataset::{Area, Dataset, FindError};
use crate::scenario::{Scenario, load_resolved};
pub use calibrate::TurnoverStatistic;
use calibrate::{Calibrated, Fitted, PanelBasis};
use figures::Figures;

pub use render::BASELINE;
pub use resolve::resolve_area;

/// Share of starters taken to be newly qualified (seed 002: 58% of Durham's recruits 2019-2023);
/// the rest are experienced hires.
pub const NEWLY_QUALIFIED_SHARE: f64 = 0.58;
/// Recent years: starters and turnover are averaged over the year and the `RECENT_YEARS - 1`
/// before it; a missing value and the demand trend look back up to `RECENT_YEARS` years.
pub const RECENT_YEARS: i32 = 3;
/// Limits on what the data may set.
pub const GROWTH_RANGE: (f64, f64) = (-0.05, 0.10);
pub const FILL_PROB_RANGE: (f64, f64) = (0.005, 0.5);
pub const HAZARD_SCALE_RANGE: (f64, f64) = (0.05, 10.0);
/// Most agency FTE per vacant FTE a generated baseline assumes (some councils use agency
/// beyond their vacancies: for absence, projects, or posts outside the establishment).
pub const MAX_COVER_SHARE: f64 = 3.0;
/// Months simulated to calibrate turnover: the first year.
pub const CALIBRATION_MONTHS: u32 = 12;

/// How `retention.hazard_scale` is calibrated: simulate, compare the median turnover at month 12
/// with the target, scale by target / simulated, until within `tolerance` (relative) or
/// `max_iterations` simulations have been run. `max_iterations = 0` skips it (scale 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub replications: u32,
    pub max_iterations: u32,
    pub tolerance: f64,
    pub seed: u64,
}

impl Default for Calibration {
    /// 100 replications (seed 1, as `wfsim run`), at most 4 simulations, within 2%.
    fn default() -> Self {
        Calibration { replications: 100, max_iterations: 4, tolerance: 0.02, seed: 1 }
    }
}

/// What the calibration found.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationOutcome {
    /// Mean turnover (leavers FTE / FTE in post) over `target_years`, a fraction.
    pub target_turnover: f64,
    pub target_years: Vec<i32>,
    /// The scale written in the file.
    pub hazard_scale: f64,
    /// Turnover at month 12 with that scale (`statistic` across replications); `None` if
    /// not simulated.
    pub simulated_turnover: Option<f64>,
    pub statistic: TurnoverStatistic,
    /// Simulations run.
    pub iterations: u32,
    pub replications: u32,
    pub seed: u64,
    /// The median vacancy rate in each month of the first year (October to September) of
    /// the last simulation: the model's own rise and fall through the year, which agency
    /// cover is set against; `None` if not simulated.
    pub vacancy_profile: Option<Vec<f64>>,
}

/// A number used in the scenario and where it came from (`DfE 2024`, or a fallback).
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    pub value: f64,
    pub source: String,
}

/// The starting figures written in `[initial]`, with their sources.
#[derive(Debug, Clone, PartialEq)]
pub struct StartingFigures {
    pub fte_in_post: Sourced,
    pub headcount: u32,
    pub vacancy_fte: Sourced,
    /// vacancy FTE / (vacancy FTE + FTE in post), as written.
    pub vacancy_rate: f64,
    pub agency_fte: Sourced,
    pub case_holding_fte: Option<Sourced>,
    pub open_cases: Sourced,
    pub leavers_fte: Sourced,
    /// Percent, as in the data.
    pub absence_rate: Sourced,
}

/// A generated baseline: the file's text, the scenario loaded from it, and the notes on every
/// figure that fell back.
#[derive(Debug, Clone)]
pub struct GeneratedScenario {
    pub area: Area,
    pub year: i32,
    /// The scenario's name and the default file stem: `county_durham_2024`.
    pub name: String,
    /// The scenario file, comments and all.
    pub toml: String,
    /// `toml` loaded and checked (via [`load_resolved`]).
    pub scenario: Scenario,
    /// One line per figure that was missing, suppressed or adjusted, and what was used.
    pub notes: Vec<String>,
    pub figures: StartingFigures,
    pub calibration: CalibrationOutcome,
}

/// Why no baseline could be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InitError {
    #[error("{0}")]
    UnknownArea(FindError),
    #[error("{area} has no data for {year}; it has data for {available}")]
    NoYear { area: String, year: i32, available: String },
    #[error(
        "{area} had no permanent social workers in post at 30 September {year} (FTE in post {fte}{agency}): the model needs permanent staff to start from; {hint}"
    )]
    NoStaff { area: String, year: i32, fte: f64, agency: String, hint: String },
    #[error("{area}: no value for {field} in {year}, in the three years before, in its region or in England")]
    MissingFigure { area: String, year: i32, field: &'static str },
    #[error("the scenario generated for {area} {year} does not load (a bug in wfsim init): {message}")]
    Invalid { area: String, year: i32, message: String },
}

/// The baseline scenario of an area (a name or code, as [`Dataset::find`]) from its position at
/// 30 September `year`, with the default calibration.
pub fn baseline_scenario(data: &Dataset, area: &str, year: i32) -> Result<GeneratedScenario, InitError> {
    baseline_scenario_with(data, area, year, &Calibration::default())
}

/// As [`baseline_scenario`], with the calibration's cost and precision chosen.
pub fn baseline_scenario_with(
    data: &Dataset,
    area: &str,
    year: i32,
    calibration: &Calibration,
) -> Result<GeneratedScenario, InitError> {
    let area = resolve_area(data, area, Some(year))?;
    let figures = Figures::new(data, area, year)?;
    let fitted = Fitted::new(&figures, PanelBasis::new(data, area, year)?);
    let name = format!("{}_{year}", area.slug());
    let render = |hazard_scale, outcome| render::render(&figures, &fitted, &name, hazard_scale, outcome);
    let load = |text: &str| load(area, year, &name, text);

    let statistic =
        TurnoverStatistic::for_expected_leavers(figures.turnover.target * figures.starting.fte_in_post.value);
    let Calibrated { hazard_scale, simulated, iterations, vacancy_profile } =
        calibrate::scale_on_leaving(calibration, figures.turnover.target, statistic, |scale| {
            load(&render(scale, None)?)
        })?;
    let outcome = CalibrationOutcome {
        vacancy_profile,
        target_turnover: figures.turnover.target,
        target_years: figures.turnover.years.iter().map(|(year, _)| *year).collect(),
        hazard_scale,
        simulated_turnover: simulated,
        statistic,
        iterations,
        replications: calibration.replications,
        seed: calibration.seed,
    };
    let toml = render(hazard_scale, Some(&outcome))?;
    let scenario = load(&toml)?;
    Ok(GeneratedScenario {
        area: area.clone(),
        year,
        name,
        toml,
        scenario,
        notes: figures.notes,
        figures: figures.starting,
        calibration: outcome,
    })
}

/// The scenario file's text loaded and checked as `NAME.toml`.
fn load(area: &Area, year: i32, name: &str, text: &str) -> Result<Scenario, InitError> {
    let file = PathBuf::from(format!("{name}.toml"));
    load_resolved(text, Path::new(&file)).map_err(|errors| InitError::Invalid {
        area: area.label(),
        year,
        message: errors.iter().map(|error| error.to_string()).collect::<Vec<_>>().join("; "),
    })
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// A number as TOML float: shortest round-trip form, with `.0` if whole.
fn fnum(value: f64) -> String {
    let value = if value == 0.0 { 0.0 } else { value };
    let text = value.to_string();
    if text.contains('.') || text.contains('e') || !value.is_finite() { text } else { format!("{text}.0") }
}

fn round_to(value: f64, digits: i32) -> f64 {
    let factor = 10f64.powi(digits);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 { 0.0 } else { rounded }
}

fn fixed1(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_toml_floats() {
        assert_eq!(fnum(4271.0), "4271.0");
        assert_eq!(fnum(362.8), "362.8");
        assert_eq!(fnum(-0.0), "0.0");
    }
}
