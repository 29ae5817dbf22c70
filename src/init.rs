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
//! is copied from the shipped Durham baseline (`scenarios/baseline.toml`) and says so. No
//! planned training cohorts, establishment changes, allowance or welcome payment: the data do
//! not give them, and the file tells the user to add their own.
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

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::calendar::YearMonth;
use crate::calibrate::{AgencyResponseFit, PanelFit};
use crate::dataset::{Area, Cell, Dataset, FIRST_YEAR, Field, FindError, LAST_YEAR, Level, Symbol};
use crate::engine::metrics::Metric;
use crate::format::{percent, signed_thousands};
use crate::route::Route;
use crate::run::{RunSettings, run_all};
use crate::scenario::schema::YearlyVariation;
use crate::scenario::{Scenario, load_resolved};

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
    /// Mean turnover at month 12 with that scale; `None` if not simulated.
    pub simulated_turnover: Option<f64>,
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

/// The area a query names, for a year if one is given: of areas sharing a name (Dorset), the
/// one with data for the year, else the latest.
pub fn resolve_area<'a>(data: &'a Dataset, query: &str, year: Option<i32>) -> Result<&'a Area, InitError> {
    let candidates = data.find_all(query);
    let Some(&latest) = candidates.first() else {
        return Err(InitError::UnknownArea(FindError {
            query: query.to_string(),
            suggestions: data.near_matches(query),
        }));
    };
    let Some(year) = year else { return Ok(latest) };
    if let Some(area) = candidates.iter().find(|area| area.has_year(year)) {
        return Ok(area);
    }
    let available = if candidates.len() == 1 {
        latest.years_label()
    } else {
        candidates
            .iter()
            .map(|area| format!("{} as {}", area.years_label(), area.label()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let range = if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        String::new()
    } else {
        format!(" (the data run from {FIRST_YEAR} to {LAST_YEAR})")
    };
    Err(InitError::NoYear { area: latest.label(), year, available: format!("{available}{range}") })
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
    let plan = Plan::new(data, area, year)?;
    let Calibrated { hazard_scale, simulated, iterations, vacancy_profile } = calibrate(&plan, calibration)?;
    let outcome = CalibrationOutcome {
        vacancy_profile,
        target_turnover: plan.turnover.target,
        target_years: plan.turnover.years.iter().map(|(year, _)| *year).collect(),
        hazard_scale,
        simulated_turnover: simulated,
        iterations,
        replications: calibration.replications,
        seed: calibration.seed,
    };
    let toml = plan.render(hazard_scale, Some(&outcome));
    let scenario = plan.load(&toml)?;
    Ok(GeneratedScenario {
        area: area.clone(),
        year,
        name: plan.name.clone(),
        toml,
        scenario,
        notes: plan.notes.clone(),
        figures: plan.figures.clone(),
        calibration: outcome,
    })
}

/// Scales the hazards until the simulated first-year turnover meets the target.
fn calibrate(plan: &Plan, calibration: &Calibration) -> Result<Calibrated, InitError> {
    let target = plan.turnover.target;
    let mut scale = 1.0;
    let mut simulated = None;
    let mut profile = None;
    let mut iterations = 0;
    let settings = RunSettings {
        replications: calibration.replications.max(1),
        seed: calibration.seed,
        months: Some(CALIBRATION_MONTHS),
        progress: false,
        national_seed: None,
    };
    while iterations < calibration.max_iterations {
        iterations += 1;
        let scenario = plan.load(&plan.render(scale, None))?;
        let run = run_all(std::slice::from_ref(&scenario), &settings).remove(0);
        let median = |month: usize, metric: Metric| {
            let mut values: Vec<f64> =
                run.across_replications(month, metric).into_iter().filter(|value| value.is_finite()).collect();
            values.sort_by(f64::total_cmp);
            (!values.is_empty()).then(|| crate::stats::quantile_sorted(&values, 0.5))
        };
        profile = (1..=CALIBRATION_MONTHS as usize).map(|month| median(month, Metric::VacancyRate)).collect();
        let mut values: Vec<f64> = run
            .across_replications(CALIBRATION_MONTHS as usize, Metric::TurnoverRate)
            .into_iter()
            .filter(|value| value.is_finite())
            .collect();
        if values.is_empty() {
            // Everyone left in every replication (a tiny area): nothing to scale by.
            simulated = None;
            break;
        }
        // The median, as the target is a council's typical year (a mean in logs): a year's
        // turnover is skewed, so its mean would sit above it.
        values.sort_by(f64::total_cmp);
        let median = crate::stats::quantile_sorted(&values, 0.5);
        simulated = Some(median);
        if (median - target).abs() <= calibration.tolerance * target {
            break;
        }
        if iterations == calibration.max_iterations {
            break;
        }
        let next = if median > 0.0 { scale * target / median } else { scale * 2.0 };
        let next = round_to(next.clamp(HAZARD_SCALE_RANGE.0, HAZARD_SCALE_RANGE.1), 4);
        if next == scale {
            break;
        }
        scale = next;
    }
    Ok(Calibrated { hazard_scale: scale, simulated, iterations, vacancy_profile: profile })
}

/// What `calibrate` found.
struct Calibrated {
    hazard_scale: f64,
    /// The median first-year turnover at that scale; `None` if not simulated or everyone left.
    simulated: Option<f64>,
    /// Simulations run.
    iterations: u32,
    /// The median vacancy rate of each month of the first year at that scale.
    vacancy_profile: Option<Vec<f64>>,
}

// ---------------------------------------------------------------------------------------------
// Resolving figures

/// How a parent area's value stands in for a missing one.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A rate or share: as it is.
    Rate,
    /// A count: scaled by the ratio of FTE in post.
    Count,
}

struct Resolver<'a> {
    data: &'a Dataset,
    area: &'a Area,
    year: i32,
    notes: Vec<String>,
}

impl Resolver<'_> {
    fn cell(&self, area: &Area, year: i32, field: Field) -> Option<Cell> {
        self.data.figures(area, year).map(|figures| figures.get(field))
    }

    /// The area's cell for the year as text: `` `u` (low reliability, not published) ``.
    fn year_cell(&self, field: Field) -> String {
        self.cell(self.area, self.year, field).map_or("missing".to_string(), |cell| cell.to_string())
    }

    /// The area's own value for the year, or else for the latest of the [`RECENT_YEARS`] years
    /// before; `low` counts as 0. Otherwise `None` and a description of each missing cell.
    fn own(&mut self, field: Field) -> (Option<Sourced>, Vec<String>) {
        let mut missing: Vec<String> = Vec::new();
        for year in (self.year - RECENT_YEARS..=self.year).rev() {
            let Some(cell) = self.cell(self.area, year, field) else { continue };
            let this_year = year == self.year;
            let found = match cell {
                Cell::Value(value) => value,
                Cell::Missing(Symbol::Low) => 0.0,
                Cell::Missing(symbol) => {
                    missing.push(if this_year {
                        format!("{year} value is {symbol}")
                    } else {
                        format!("{year} {symbol}")
                    });
                    continue;
                }
            };
            let low = matches!(cell, Cell::Missing(Symbol::Low));
            if this_year && !low {
                return (Some(Sourced { value: found, source: format!("DfE {year}") }), missing);
            }
            let used = if low {
                format!("the {year} value is {}; used 0", Symbol::Low)
            } else {
                format!("used the {year} value {found}")
            };
            let note = if missing.is_empty() {
                format!("{field}: {used}")
            } else {
                format!("{field}: {}; {used}", missing.join(", "))
            };
            self.notes.push(note);
            let source = match (this_year, low) {
                (true, _) => format!("DfE {year}: `low`, rounds to 0"),
                (false, false) => format!("DfE {year}: {} is {}, see the notes", self.year, self.year_cell(field)),
                (false, true) => {
                    format!("DfE {year}: `low`; {} is {}, see the notes", self.year, self.year_cell(field))
                }
            };
            return (Some(Sourced { value: found, source }), missing);
        }
        (None, missing)
    }

    /// The area's value, or else a parent's for the same year (see the module documentation).
    fn resolve(&mut self, field: Field, kind: Kind, fte: f64) -> Option<Sourced> {
        let (own, missing) = self.own(field);
        if own.is_some() {
            return own;
        }
        let earlier = if missing.len() > 1 { "" } else { " (no earlier year in the data)" };
        let missing = format!("{}{earlier}", missing.join(", "));
        let mut parent = self.data.parent(self.area);
        while let Some(area) = parent {
            parent = self.data.parent(area);
            let Some(figures) = self.data.figures(area, self.year) else { continue };
            let value = match figures.get(field) {
                Cell::Value(value) => value,
                Cell::Missing(Symbol::Low) => 0.0,
                Cell::Missing(_) => continue,
            };
            let (used, how) = match kind {
                Kind::Rate => (value, format!("{} {} value {value}", area.name, self.year)),
                Kind::Count => {
                    let Some(parent_fte) = figures.value(Field::InpostFte).filter(|&fte| fte > 0.0) else { continue };
                    let scaled = round_to(value * fte / parent_fte, 1);
                    let how = format!(
                        "{} {} value {value} scaled by FTE in post ({} / {}) = {scaled}",
                        area.name,
                        self.year,
                        fnum(fte),
                        fnum(parent_fte)
                    );
                    (scaled, how)
                }
            };
            self.notes.push(format!("{field}: {missing}; used {how}"));
            let scaled = if kind == Kind::Count { " scaled" } else { "" };
            let source = format!(
                "{} {}{scaled}: {} is {}, see the notes",
                area.name,
                self.year,
                self.year,
                self.year_cell(field)
            );
            return Some(Sourced { value: used, source });
        }
        self.notes.push(format!("{field}: {missing}, and no region or England value"));
        None
    }
}

// ---------------------------------------------------------------------------------------------
// The plan: every number of the scenario, before it is written

/// Mean turnover over recent years.
#[derive(Debug, Clone)]
struct Turnover {
    /// A fraction.
    target: f64,
    /// (year, turnover) averaged.
    years: Vec<(i32, f64)>,
    /// How the target was set, if not from the years.
    fallback: Option<String>,
    /// The council's own level from the panel fit, if it replaced the recent mean.
    fitted_level: Option<f64>,
}

/// What the panel fit (`wfsim calibrate`) gives a baseline: levels, swings and growth.
#[derive(Debug, Clone)]
struct PanelBasis {
    /// "fitted to the DfE years 2017-2024, 156 councils (wfsim calibrate)".
    label: String,
    /// The council's own vacancy rate level (shrunk toward its region); `None` for a region
    /// or England, which have no council level: their current rate is used.
    vacancy_level: Option<f64>,
    /// How much of a council's gap from its vacancy level remains a year later (panel fit).
    vacancy_persistence: f64,
    /// The experienced market's swings (an assumption, with the tails and size scaling of
    /// councils' vacancy rates).
    fill_variation: YearlyVariation,
    /// How the swings were scaled to the council's size ("" for a region or England).
    size_note: String,
    /// Swings of the leaving rate, establishment growth and demand, scaled to the area
    /// (a region's or England's swings are mostly the national part).
    turnover_variation: YearlyVariation,
    /// Swings of the NQSW intake: those of councils' starters per FTE around their own level.
    intake_variation: YearlyVariation,
    establishment_growth: f64,
    establishment_variation: YearlyVariation,
    moves_variation: YearlyVariation,
    demand_growth: f64,
    /// Swings of the level of open cases (scaled to the area).
    demand_variation: YearlyVariation,
    /// The council's own caseload level (open cases per case-holding FTE, shrunk toward its
    /// region's); `None` for a region or England.
    caseload_level: Option<f64>,
    agency_variation: YearlyVariation,
    /// The council's own agency FTE per vacant FTE at its vacancy level (shrunk toward its
    /// region); `None` for a region or England, or a council that never had vacancies.
    agency_level: Option<f64>,
    /// How agency use follows the vacancy rate (elasticity) and how quickly.
    agency_response: AgencyResponseFit,
    /// Years the council's own levels rest on (0 for a region or England).
    own_years: u32,
}

/// The standard deviation of the mean of `years` years of a stationary AR(1) with standard
/// deviation `sd` and year-to-year correlation `persistence`: how well a level resting on
/// those years is known.
fn level_sd(sd: f64, persistence: f64, years: u32) -> f64 {
    if years == 0 {
        return 0.0;
    }
    let n = f64::from(years);
    let pairs: f64 =
        (0..years).flat_map(|i| (0..years).map(move |j| persistence.powi((i as i32 - j as i32).abs()))).sum();
    sd * pairs.sqrt() / n
}

impl PanelBasis {
    fn new(data: &Dataset, area: &Area, year: i32) -> Result<PanelBasis, InitError> {
        let fit = PanelFit::for_year(data, year).map_err(|error| InitError::Invalid {
            area: area.label(),
            year,
            message: error.to_string(),
        })?;
        // A region or England is the sum of its councils: their own swings mostly cancel.
        let councils = match area.level {
            Level::LocalAuthority => 1,
            Level::Region => data
                .areas()
                .iter()
                .filter(|a| a.level == Level::LocalAuthority && a.region_code.as_deref() == Some(area.code.as_str()))
                .count()
                .max(1),
            Level::England => fit.councils.max(1),
        };
        // A council smaller than the median one swings more, a larger one less, as the
        // panel's residuals go with size (each figure's `size_slope`); a region's or
        // England's own swings are its councils' averaged (below).
        let posts_now = data
            .figures(area, year)
            .and_then(|f| Some(f.value(Field::InpostFte)? + f.value(Field::VacancyFte)?.max(0.0)))
            .filter(|&posts| posts > 0.0);
        let (size_ratio, size_note) = match (area.level, posts_now) {
            (Level::LocalAuthority, Some(posts)) if fit.reference_posts > 0.0 => (
                posts / fit.reference_posts,
                format!(
                    ", scaled to its {} funded posts against the median council's {} (smaller councils swing more)",
                    fnum(round_to(posts, 1)),
                    fnum(round_to(fit.reference_posts, 1))
                ),
            ),
            _ => (1.0, String::new()),
        };
        let sized = |v: YearlyVariation, slope: f64| YearlyVariation { sd: v.sd * size_ratio.powf(slope), ..v };
        let scaled = |v: YearlyVariation| {
            let share = v.national_share + (1.0 - v.national_share) / councils as f64;
            YearlyVariation {
                sd: round_to(v.sd * share.sqrt(), 4),
                persistence: v.persistence,
                national_share: round_to(v.national_share / share, 4),
                start: None,
                level_sd: 0.0,
                tail: v.tail,
            }
        };
        Ok(PanelBasis {
            label: format!(
                "fitted to the DfE years {}-{}, {} councils (wfsim calibrate)",
                fit.first_year, fit.up_to, fit.councils
            ),
            vacancy_level: fit.council(&area.code).map(|levels| levels.vacancy_rate),
            vacancy_persistence: fit.vacancy_rate.variation.persistence,
            fill_variation: scaled(sized(
                YearlyVariation { tail: fit.vacancy_rate.variation.tail, ..FILL_VARIATION },
                fit.vacancy_rate.size_slope,
            )),
            size_note,
            // Leaving luck scales with size in the engine itself (it simulates every worker).
            turnover_variation: scaled(fit.turnover.variation),
            intake_variation: scaled(sized(fit.starters.variation, fit.starters.size_slope)),
            establishment_growth: fit.establishment_growth.mean,
            establishment_variation: scaled(sized(
                fit.establishment_growth.variation,
                fit.establishment_growth.size_slope,
            )),
            moves_variation: scaled(fit.moves_with_staff.variation),
            demand_growth: fit.demand_growth.mean,
            demand_variation: scaled(sized(fit.open_cases.variation, fit.open_cases.size_slope)),
            caseload_level: fit.council(&area.code).and_then(|levels| levels.caseload),
            agency_variation: scaled(sized(fit.agency_cover.variation, fit.agency_cover.size_slope)),
            agency_level: fit.council(&area.code).and_then(|levels| levels.agency_cover),
            own_years: fit.council(&area.code).map_or(0, |levels| levels.years),
            agency_response: fit.agency_response,
        })
    }
}

/// `{ sd = 0.2, persistence = 0.5, national_share = 0.1 }`.
fn variation_toml(v: &YearlyVariation) -> String {
    let mut start = v.start.map_or(String::new(), |start| format!(", start = {}", fnum(start)));
    if v.level_sd > 0.0 {
        start.push_str(&format!(", level_sd = {}", fnum(v.level_sd)));
    }
    if v.tail > 0.0 {
        start.push_str(&format!(", tail = {}", fnum(v.tail)));
    }
    format!(
        "{{ sd = {}, persistence = {}, national_share = {}{start} }}",
        fnum(v.sd),
        fnum(v.persistence),
        fnum(v.national_share)
    )
}

/// Agency FTE per vacant FTE as the panel fit reads it (src/calibrate.rs): a council's ratio
/// now is held within this range before its gap from its level is taken.
const AGENCY_COVER_RANGE: (f64, f64) = (0.05, 5.0);

/// A generated baseline's agency cover: see `Plan::agency_path`.
struct AgencyPath {
    /// Agency FTE per vacant FTE at the reference vacancy rate, as the DfE returns give it at
    /// 30 September.
    level: f64,
    /// The level times `seasonal`: what the engine is given.
    cover_share: f64,
    seasonal: f64,
    /// The lowest and highest vacancy rate of the year the factor was worked out on, and
    /// whether that year was simulated (else assumed to rise evenly by the NQSW intake).
    vacancy_range: (f64, f64),
    simulated_profile: bool,
    reference_vacancy_rate: f64,
    response: AgencyResponseFit,
    variation: YearlyVariation,
}

/// What turns agency FTE per vacant FTE at 30 September into the cover the engine is given.
/// The model's vacancies rise through the year as staff leave and fall each September when
/// NQSWs join; sticky agency use follows the months before, so at 30 September it stands
/// above the cover times that day's vacancies. The factor is that day's vacancy rate to the
/// elasticity over the sticky average (months closing 1 / `adjustment_months` of the gap)
/// of the year's rates, the year repeating, so that September's agency FTE per vacant FTE
/// comes out as the returns give it. `profile` holds the vacancy rate of each month from
/// October to September.
fn seasonal_agency_factor(profile: &[f64], elasticity: f64, adjustment_months: u32) -> f64 {
    let Some(&september) = profile.last() else { return 1.0 };
    let stay = if adjustment_months <= 1 { 0.0 } else { 1.0 - 1.0 / f64::from(adjustment_months) };
    let at = |rate: f64| rate.max(0.005).powf(elasticity);
    // The stationary average at September: the month k back weighs (1 - stay) stay^k.
    let year: f64 =
        profile.iter().rev().enumerate().map(|(k, &rate)| (1.0 - stay) * stay.powi(k as i32) * at(rate)).sum();
    let average = year / (1.0 - stay.powi(profile.len() as i32));
    if average > 0.0 { at(september) / average } else { 1.0 }
}

/// The year-to-year swings of the experienced fill chance: the data give no direct measure
/// (assumption, checked by the backtest). Half national: councils' starters per FTE move
/// together from year to year (the panel's year effects have a standard deviation of about
/// 0.09 in logs; 2022: -0.15), and experienced hires, about half of starters, must carry
/// most of that; with a fifth national, England's FTE in post fell inside its 90% interval
/// in 8 of 15 backtest years, with half in 10, councils' own scores unchanged.
const FILL_VARIATION: YearlyVariation =
    YearlyVariation { sd: 0.3, persistence: 0.5, national_share: 0.5, start: None, level_sd: 0.0, tail: 0.0 };
/// At most this share of experienced hires go into non-case-holding posts (assumption).
const MAX_MANAGER_SHARE: f64 = 0.9;
/// Hiring responds to vacancies at least this much (assumption): with none, a council with
/// no experienced hires at its level would never hire whatever its vacancies.
const MIN_HIRING_ELASTICITY: f64 = 0.1;
/// Experienced hires are at least this share of leavers at the equilibrium, however many
/// newly qualified join (assumption).
const EXPERIENCED_FLOOR_SHARE: f64 = 0.2;

struct Plan {
    area: Area,
    year: i32,
    name: String,
    figures: StartingFigures,
    notes: Vec<String>,
    turnover: Turnover,
    /// Starters in the year (for the tenure mix).
    starters_year: Sourced,
    /// (year, starters FTE) averaged, and the mean.
    starters_years: Vec<(i32, f64)>,
    starters_mean: f64,
    starters_fallback: Option<String>,
    tenure_band_shares: [f64; 4],
    /// Agency cover share and how it was found.
    cover_share: f64,
    cover_comment: String,
    /// The area's own recent trends in open cases and in funded posts, described (the
    /// panel's growth is used; these are said beside it).
    growth_comment: String,
    establishment_comment: String,
    /// What the panel fit gives.
    panel: PanelBasis,
}

impl Plan {
    fn new(data: &Dataset, area: &Area, year: i32) -> Result<Plan, InitError> {
        if data.figures(area, year).is_none() {
            return Err(InitError::NoYear { area: area.label(), year, available: area.years_label() });
        }
        let mut r = Resolver { data, area, year, notes: Vec::new() };

        // FTE in post: own value, an earlier year, else headcount times the parent's FTE per head.
        let fte = match r.own(Field::InpostFte) {
            (Some(fte), _) => fte,
            (None, missing) => fte_from_headcount(&mut r, &missing.join(", ")).ok_or(InitError::MissingFigure {
                area: area.label(),
                year,
                field: "inpost_fte",
            })?,
        };
        if fte.value <= 0.0 {
            let agency = data.figures(area, year).and_then(|f| f.value(Field::AgencyFte));
            let staffed: Vec<i32> = area
                .years
                .iter()
                .copied()
                .filter(|&y| data.figures(area, y).and_then(|f| f.value(Field::InpostFte)).is_some_and(|v| v > 0.0))
                .collect();
            let hint = match (staffed.last(), data.parent(area)) {
                (Some(_), Some(parent)) => format!(
                    "it had permanent staff in {}; or use its region, {}",
                    crate::dataset::years_label(&staffed),
                    parent.name
                ),
                (Some(_), None) => format!("it had permanent staff in {}", crate::dataset::years_label(&staffed)),
                (None, Some(parent)) => format!("use its region, {}", parent.name),
                (None, None) => "no year has any".to_string(),
            };
            return Err(InitError::NoStaff {
                area: area.label(),
                year,
                fte: fte.value,
                agency: agency.map_or(String::new(), |a| format!("; agency FTE {a}")),
                hint,
            });
        }
        let fte_value = fte.value;

        // Headcount: at least one worker per FTE, at most ten.
        let headcount_sourced = r
            .resolve(Field::InpostHeadcount, Kind::Count, fte_value)
            .unwrap_or_else(|| Sourced { value: fte_value.ceil(), source: "FTE in post rounded up".to_string() });
        let mut headcount = headcount_sourced.value.round().max(1.0) as u32;
        if f64::from(headcount) < fte_value {
            let fixed = fte_value.ceil() as u32;
            r.notes.push(format!(
                "inpost_headcount: {year} headcount {headcount} is below FTE in post {} (a worker is at most 1 FTE); used {fixed}",
                fnum(fte_value)
            ));
            headcount = fixed;
        } else if fte_value < 0.1 * f64::from(headcount) {
            let fixed = (fte_value * 10.0).floor().max(1.0) as u32;
            r.notes.push(format!(
                "inpost_headcount: {year} headcount {headcount} is more than ten per FTE in post ({}); used {fixed}",
                fnum(fte_value)
            ));
            headcount = fixed;
        }

        let vacancy_fte = r.resolve(Field::VacancyFte, Kind::Count, fte_value).ok_or(InitError::MissingFigure {
            area: area.label(),
            year,
            field: "vacancy_fte",
        })?;
        let vacancy_fte = Sourced { value: vacancy_fte.value.max(0.0), ..vacancy_fte };
        let vacancy_rate = vacancy_fte.value / (vacancy_fte.value + fte_value);

        let agency_fte = r.resolve(Field::AgencyFte, Kind::Count, fte_value).unwrap_or_else(|| {
            r.notes.push("agency_fte: assumed 0".to_string());
            Sourced { value: 0.0, source: "no data: assumed 0, see the notes".to_string() }
        });
        let case_holding_fte = r.resolve(Field::CaseHoldersFte, Kind::Count, fte_value).map(|case_holders| {
            let most = fte_value + agency_fte.value;
            if case_holders.value > most {
                r.notes.push(format!(
                    "case_holders_fte: {} is more than FTE in post plus agency FTE ({}); used {}",
                    case_holders.value,
                    fnum(most),
                    fnum(most)
                ));
                Sourced { value: most, source: format!("{}, capped at FTE in post plus agency", case_holders.source) }
            } else {
                case_holders
            }
        });
        let open_cases = r.resolve(Field::Cases, Kind::Count, fte_value).unwrap_or_else(|| {
            r.notes.push("cases: assumed 0 (caseloads will read 0)".to_string());
            Sourced { value: 0.0, source: "no data: assumed 0, see the notes".to_string() }
        });
        let absence_rate = r.resolve(Field::AbsenceRateFte, Kind::Rate, fte_value).unwrap_or_else(|| {
            r.notes.push("absence_rate_fte: assumed 0".to_string());
            Sourced { value: 0.0, source: "no data: assumed 0, see the notes".to_string() }
        });

        let panel = PanelBasis::new(data, area, year)?;
        let mut turnover = turnover_target(&mut r, fte_value);
        if let Some(levels) = PanelFit::for_year(data, year).ok().and_then(|fit| fit.council(&area.code)) {
            turnover.fitted_level = Some(levels.turnover);
            turnover.target = levels.turnover;
        }
        let from_headcount = data.figures(area, year).and_then(leavers_from_headcount);
        let leavers_fte = match from_headcount {
            Some(value) => {
                r.notes.push(format!(
                    "leavers_fte: {year} value is 0 against {} leavers by headcount (a gap in the return); used leavers headcount x FTE per head in post = {value}",
                    data.figures(area, year).and_then(|f| f.value(Field::LeaversHeadcount)).unwrap_or(0.0)
                ));
                Sourced { value, source: format!("DfE {year} leavers headcount x FTE per head, see the notes") }
            }
            None => r.resolve(Field::LeaversFte, Kind::Count, fte_value).unwrap_or_else(|| {
                let value = round_to(turnover.target * fte_value, 1);
                r.notes.push(format!("leavers_fte: used the target turnover times FTE in post, {value}"));
                Sourced { value, source: "target turnover x FTE in post, see the notes".to_string() }
            }),
        };

        let starters_year = r.resolve(Field::StartersFte, Kind::Count, fte_value).unwrap_or_else(|| {
            r.notes.push("starters_fte: assumed 0".to_string());
            Sourced { value: 0.0, source: "no data: assumed 0, see the notes".to_string() }
        });
        let (starters_years, starters_fallback) =
            recent_values(&mut r, Field::StartersFte, |figures| figures.value(Field::StartersFte));
        let (starters_mean, starters_fallback) = if starters_years.is_empty() {
            (starters_year.value, Some(starters_fallback.unwrap_or_default()))
        } else {
            (starters_years.iter().map(|(_, v)| v).sum::<f64>() / starters_years.len() as f64, None)
        };

        // Tenure: the first-year share from starters, the rest in the Durham proportions.
        let first_year_share = round_to((starters_year.value / fte_value).clamp(0.02, 0.6), 3);
        let rest = 1.0 - first_year_share;
        let durham_rest: f64 = DURHAM_TENURE_REST.iter().sum();
        let band1 = round_to(rest * DURHAM_TENURE_REST[0] / durham_rest, 3);
        let band2 = round_to(rest * DURHAM_TENURE_REST[1] / durham_rest, 3);
        let band3 = round_to(1.0 - first_year_share - band1 - band2, 3);
        let tenure_band_shares = [first_year_share, band1, band2, band3];

        let (cover_share, cover_comment) = agency_cover(&mut r, &vacancy_fte, &agency_fte);
        let (_, growth_comment) = demand_trend(&mut r);
        let (_, establishment_comment) = establishment_trend(&mut r);

        let figures = StartingFigures {
            fte_in_post: fte,
            headcount,
            vacancy_fte,
            vacancy_rate,
            agency_fte,
            case_holding_fte,
            open_cases,
            leavers_fte,
            absence_rate,
        };
        Ok(Plan {
            area: area.clone(),
            year,
            name: format!("{}_{year}", area.slug()),
            figures,
            notes: r.notes,
            turnover,
            starters_year,
            starters_years,
            starters_mean,
            starters_fallback,
            tenure_band_shares,
            cover_share,
            cover_comment,
            growth_comment,
            establishment_comment,
            panel,
        })
    }

    /// The text as a scenario, checked.
    fn load(&self, text: &str) -> Result<Scenario, InitError> {
        let file = PathBuf::from(format!("{}.toml", self.name));
        load_resolved(text, Path::new(&file)).map_err(|errors| InitError::Invalid {
            area: self.area.label(),
            year: self.year,
            message: errors.iter().map(|error| error.to_string()).collect::<Vec<_>>().join("; "),
        })
    }
}

/// FTE from headcount when FTE in post is missing: the area's headcount times its parent's FTE
/// per head in the year.
fn fte_from_headcount(r: &mut Resolver, missing: &str) -> Option<Sourced> {
    let headcount = r.cell(r.area, r.year, Field::InpostHeadcount)?.value()?;
    let parent = r.data.parent(r.area)?;
    let figures = r.data.figures(parent, r.year)?;
    let ratio = figures.value(Field::InpostFte)? / figures.value(Field::InpostHeadcount)?.max(1.0);
    let value = round_to(headcount * ratio, 1);
    r.notes.push(format!(
        "inpost_fte: {missing}; used headcount {headcount} x {} FTE per head ({} {}) = {value}",
        round_to(ratio, 3),
        parent.name,
        r.year
    ));
    Some(Sourced { value, source: format!("headcount x {} FTE per head, see the notes", parent.name) })
}

/// (year, value) for the year and the [`RECENT_YEARS`] - 1 before it where the area has a value;
/// a note for each year left out; and, if none has one, a description for the fallback note.
fn recent_values(
    r: &mut Resolver,
    field: Field,
    value: impl Fn(&crate::dataset::Figures) -> Option<f64>,
) -> (Vec<(i32, f64)>, Option<String>) {
    let mut found = Vec::new();
    let mut left_out = Vec::new();
    for year in r.year - RECENT_YEARS + 1..=r.year {
        let Some(figures) = r.data.figures(r.area, year) else { continue };
        match value(figures) {
            Some(v) => found.push((year, v)),
            None => left_out.push(format!("{year} ({})", figures.get(field))),
        }
    }
    if !left_out.is_empty() && !found.is_empty() {
        r.notes.push(format!(
            "{field}: left out of the {}-year average: {}",
            found.len() + left_out.len(),
            left_out.join(", ")
        ));
    }
    let fallback = found.is_empty().then(|| format!("no year with a value ({})", left_out.join(", ")));
    (found, fallback)
}

/// The mean of leavers FTE / FTE in post over the recent years; else the year's leavers (with
/// fallbacks) over FTE in post.
fn turnover_target(r: &mut Resolver, fte: f64) -> Turnover {
    let (years, fallback) = recent_values(r, Field::LeaversFte, |figures| {
        let leavers = match (figures.get(Field::LeaversFte), leavers_from_headcount(figures)) {
            (_, Some(value)) => value,
            (Cell::Value(value), None) => value,
            (Cell::Missing(Symbol::Low), None) => 0.0,
            (Cell::Missing(_), None) => return None,
        };
        figures.value(Field::InpostFte).filter(|&fte| fte > 0.0).map(|fte| leavers / fte)
    });
    for &(year, _) in &years {
        if let Some(value) = r.data.figures(r.area, year).and_then(leavers_from_headcount) {
            r.notes.push(format!(
                "turnover target: {year} leavers FTE is 0 against {} leavers by headcount; used {value} FTE (headcount x FTE per head in post)",
                r.data.figures(r.area, year).and_then(|f| f.value(Field::LeaversHeadcount)).unwrap_or(0.0)
            ));
        }
    }
    if !years.is_empty() {
        let target = years.iter().map(|(_, t)| t).sum::<f64>() / years.len() as f64;
        return Turnover { target, years, fallback: None, fitted_level: None };
    }
    let leavers = r.resolve(Field::LeaversFte, Kind::Count, fte).map_or(0.0, |s| s.value);
    let target = leavers / fte;
    let how =
        format!("{}; used {} leavers FTE / {} FTE in post", fallback.unwrap_or_default(), fnum(leavers), fnum(fte));
    r.notes.push(format!("turnover target: {how}"));
    Turnover { target, years, fallback: Some(how), fitted_level: None }
}

/// Leavers FTE of 0 beside leavers by headcount (Derby, East Sussex and Hull in 2017) is a gap in
/// the return, not a year without leavers: the headcount times the FTE per head in post.
fn leavers_from_headcount(figures: &crate::dataset::Figures) -> Option<f64> {
    let headcount_leavers = figures.value(Field::LeaversHeadcount).filter(|&h| h > 0.0)?;
    if figures.value(Field::LeaversFte) != Some(0.0) {
        return None;
    }
    let fte = figures.value(Field::InpostFte)?;
    let headcount = figures.value(Field::InpostHeadcount).filter(|&h| h > 0.0)?;
    Some(round_to(headcount_leavers * fte / headcount, 1))
}

/// Agency cover FTE / vacancy FTE, in [0, 1]; else agency FTE / vacancy FTE; with no vacancies,
/// the parent's ratio.
fn agency_cover(r: &mut Resolver, vacancy: &Sourced, agency: &Sourced) -> (f64, String) {
    let year = r.year;
    if vacancy.value > 0.0 {
        // All agency FTE, not only those the return counts as covering vacancies: the agency
        // rate counts them all, and the model's agency FTE stands for them all.
        let cover = r.cell(r.area, year, Field::AgencyCoverFte).unwrap_or(Cell::Missing(Symbol::Empty));
        let what = match cover {
            Cell::Value(value) => format!("DfE {year}: agency cover {} FTE", fnum(value)),
            Cell::Missing(Symbol::Low) => format!("DfE {year}: agency cover `low`, rounds to 0"),
            Cell::Missing(symbol) => {
                r.notes.push(format!(
                    "agency_cover_fte: {year} value is {symbol}; used agency FTE ({}) over vacancy FTE for the cover share",
                    fnum(agency.value)
                ));
                format!("agency {} FTE ({}; agency cover is {symbol})", fnum(agency.value), agency.source)
            }
        };
        let what = format!("DfE {year}: agency {} FTE ({what})", fnum(agency.value));
        let share = agency.value / vacancy.value;
        let clamped =
            if share > MAX_COVER_SHARE { format!(" (limited to {})", fnum(MAX_COVER_SHARE)) } else { String::new() };
        let comment = format!(
            "{what} / {} vacancy FTE = {}{clamped}",
            fnum(vacancy.value),
            fnum(round_to(share.min(MAX_COVER_SHARE), 3))
        );
        return (round_to(share.clamp(0.0, MAX_COVER_SHARE), 3), comment);
    }
    let mut parent = r.data.parent(r.area);
    while let Some(area) = parent {
        if let Some(figures) = r.data.figures(area, year)
            && let (Some(cover), Some(vacancies)) =
                (figures.value(Field::AgencyCoverFte), figures.value(Field::VacancyFte))
            && vacancies > 0.0
        {
            let share = (cover / vacancies).clamp(0.0, 1.0);
            r.notes.push(format!(
                "agency cover share: no vacancies in {year}; used the {} {year} ratio, agency cover {} / vacancy {} FTE = {}",
                area.name,
                fnum(cover),
                fnum(vacancies),
                percent(share)
            ));
            let comment = format!("{} {year}: no vacancies here; the region's cover share, see the notes", area.name);
            return (round_to(share, 3), comment);
        }
        parent = r.data.parent(area);
    }
    r.notes.push(format!("agency cover share: no vacancies in {year} and no region ratio; assumed 0"));
    (0.0, "no data: assumed 0, see the notes".to_string())
}

/// The establishment's (FTE in post plus vacancies) yearly change in FTE over up to the last
/// three years, limited to [`GROWTH_RANGE`] of the current establishment a year; 0 if the area
/// has no earlier year with both figures.
fn establishment_trend(r: &mut Resolver) -> (f64, String) {
    let year = r.year;
    let establishment = |y: i32| {
        let figures = r.data.figures(r.area, y)?;
        Some(figures.value(Field::InpostFte)? + figures.value(Field::VacancyFte)?).filter(|&total| total > 0.0)
    };
    let Some(now) = establishment(year) else {
        r.notes.push(format!("establishment trend: no in-post and vacancy figures for {year}; assumed no change"));
        return (0.0, "no figures: assumed no change".to_string());
    };
    let Some((then_year, then)) = (year - RECENT_YEARS..year).find_map(|y| establishment(y).map(|e| (y, e))) else {
        r.notes.push(format!(
            "establishment trend: no earlier year of in-post and vacancy figures before {year}; assumed no change"
        ));
        return (0.0, format!("no earlier year before {year} in the data: assumed no change"));
    };
    let raw = (now - then) / f64::from(year - then_year);
    let change = round_to(raw.clamp(GROWTH_RANGE.0 * now, GROWTH_RANGE.1 * now), 1);
    let limited =
        if change != round_to(raw, 1) { format!(", limited to {} FTE a year", fixed1(change)) } else { String::new() };
    let comment = format!(
        "{} FTE ({then_year}) to {} FTE ({year}) in post plus vacancies (DfE), {} FTE a year{limited} (assumption: the trend goes on)",
        fixed1(then),
        fixed1(now),
        fixed1(raw)
    );
    (change, comment)
}

/// Open cases' yearly growth over up to the last three years: the area's own, else its
/// parent's, else 0; clamped to [`GROWTH_RANGE`].
fn demand_trend(r: &mut Resolver) -> (f64, String) {
    let year = r.year;
    let mut area = Some(r.area);
    let mut own = true;
    while let Some(current) = area {
        let cases =
            |y: i32| r.data.figures(current, y).and_then(|f| f.value(Field::Cases)).filter(|&cases| cases > 0.0);
        let last = (year - RECENT_YEARS + 1..=year).rev().find_map(|y| cases(y).map(|c| (y, c)));
        let first =
            last.and_then(|(last_year, _)| (year - RECENT_YEARS..last_year).find_map(|y| cases(y).map(|c| (y, c))));
        if let (Some((y1, c1)), Some((y0, c0))) = (last, first) {
            let raw = (c1 / c0).powf(1.0 / f64::from(y1 - y0)) - 1.0;
            let growth = round_to(raw.clamp(GROWTH_RANGE.0, GROWTH_RANGE.1), 3);
            let clamped = if growth != round_to(raw, 3) {
                format!(", {} a year, limited to {}", percent(raw), percent(growth))
            } else {
                format!(", {} a year", percent(growth))
            };
            let whose = if own { String::new() } else { format!("{} ", current.name) };
            let comment = format!(
                "{whose}open cases {} ({y0}) to {} ({y1}) (DfE){clamped}",
                signed_thousands(c0),
                signed_thousands(c1)
            );
            if !own {
                r.notes.push(format!(
                    "demand trend: too few years of open cases for {} up to {year}; used the {} trend ({})",
                    r.area.name,
                    current.name,
                    percent(growth)
                ));
            }
            return (growth, comment);
        }
        area = r.data.parent(current);
        own = false;
    }
    r.notes.push(format!("demand trend: no earlier year of open cases before {year}; assumed flat (0%)"));
    (0.0, format!("no open cases before {year} in the data: assumed flat"))
}

// ---------------------------------------------------------------------------------------------
// Writing the file

/// The Durham baseline's values copied into every generated scenario (see
/// `scenarios/baseline.toml` for their sources); `tests/init.rs` checks they still match.
const DURHAM: &str = "assumption (as the shipped Durham baseline)";
/// Tenure bands 1-2, 2-5 and 5+ years of the Durham baseline; the first band comes from data.
const DURHAM_TENURE_REST: [f64; 3] = [0.13, 0.30, 0.42];

impl Plan {
    /// The scenario file with `hazard_scale`; `outcome` is the calibration to describe beside it.
    fn render(&self, hazard_scale: f64, outcome: Option<&CalibrationOutcome>) -> String {
        let f = &self.figures;
        let year = self.year;
        let area = &self.area;
        let start = YearMonth::new(year, 10).unwrap_or_else(|| YearMonth::new(LAST_YEAR, 10).expect("a valid month"));
        let horizon_months = 60;
        let end = start.plus(horizon_months - 1);
        let mut t = Toml::default();

        // Header.
        let kind = match (area.level, &area.region_name) {
            (Level::LocalAuthority, Some(region)) => format!("a council (region: {region})"),
            (Level::LocalAuthority, None) => "a council".to_string(),
            (Level::Region, _) => "a region (all its councils together)".to_string(),
            (Level::England, _) => "all councils together".to_string(),
        };
        t.comment(&format!(
            "Baseline: {}, {kind}, from the 30 September {year} position, generated by `wfsim init` from the DfE figures.",
            area.label()
        ));
        t.comment(&format!(
            "Regenerate with: wfsim init --la {} --year {year}",
            area.code.split('/').next().unwrap_or(&area.code).trim()
        ));
        t.line("#");
        t.comment("Sources:");
        t.comment_indented(&format!(
            "DfE YEAR = DfE \"Children's social work workforce\" statistics, {}, year to 30 September YEAR (data/csww_indicators_2017_to_2024.csv, embedded in wfsim; contains public sector information licensed under the Open Government Licence v3.0)",
            area.name
        ));
        t.comment_indented(&format!(
            "{DURHAM} = the value of scenarios/baseline.toml, a council like County Durham, where its sources are given; the data say nothing about it for {}. Change it and see.",
            area.name
        ));
        t.comment_indented("calibrated = fitted by wfsim init to the DfE figures named beside it");
        t.line("#");
        if self.notes.is_empty() {
            t.comment("Fallbacks: none. Every figure is the area's own for the year.");
        } else {
            t.comment("Fallbacks (missing, suppressed or inconsistent cells in the DfE data, and what was used):");
            for note in &self.notes {
                t.comment_indented(&format!("- {note}"));
            }
        }
        t.line("#");
        t.comment(
            "Not in the data, so not here: planned training cohorts (apprentices, Step Up, Frontline, overseas), \
             planned changes to the establishment (only its recent trend is assumed to go on), a retention \
             allowance or welcome payment, a caseload cap. Add the council's own (scenarios/baseline.toml shows how).",
        );
        t.blank();

        t.kv("name", &format!("{:?}", self.name), "");
        t.kv(
            "description",
            &format!(
                "{:?}",
                format!(
                    "{} from 30 September {year}: DfE figures, other assumptions as the Durham baseline",
                    area.name
                )
            ),
            "",
        );
        t.kv(
            "start",
            &format!("\"{start}\""),
            &format!("first simulated month; month 0 is the 30 September {year} position"),
        );
        t.kv("horizon_months", &horizon_months.to_string(), &format!("to {}", end.long_label()));
        t.blank();

        // [initial]
        t.line("[initial]");
        t.kv("fte_in_post", &fnum(f.fte_in_post.value), &f.fte_in_post.source);
        t.kv("headcount", &f.headcount.to_string(), &self.headcount_source());
        let establishment = f.fte_in_post.value / (1.0 - f.vacancy_rate);
        t.kv(
            "vacancy_rate",
            &fnum(f.vacancy_rate),
            &format!(
                "{}: {} vacancy FTE / ({} + {} FTE in post) = {}; establishment {} FTE",
                f.vacancy_fte.source,
                fnum(f.vacancy_fte.value),
                fnum(f.vacancy_fte.value),
                fnum(f.fte_in_post.value),
                percent(f.vacancy_rate),
                fixed1(establishment)
            ),
        );
        let agency_rate = f.agency_fte.value / (f.agency_fte.value + f.fte_in_post.value);
        t.kv(
            "agency_fte",
            &fnum(f.agency_fte.value),
            &format!("{} (agency rate {})", f.agency_fte.source, percent(agency_rate)),
        );
        if let Some(case_holding) = &f.case_holding_fte {
            t.kv("case_holding_fte", &fnum(case_holding.value), &format!("{}, agency included", case_holding.source));
        } else {
            t.kv("manager_share", "0.0", "no case-holding FTE in the data: every permanent worker holds cases");
        }
        let caseload = f.case_holding_fte.as_ref().filter(|c| c.value > 0.0).map(|c| f.open_cases.value / c.value);
        t.kv(
            "open_cases",
            &fnum(f.open_cases.value),
            &match caseload {
                Some(caseload) => format!("{} (caseload {})", f.open_cases.source, fixed1(caseload)),
                None => f.open_cases.source.clone(),
            },
        );
        t.kv(
            "leavers_fte_last_12_months",
            &fnum(f.leavers_fte.value),
            &format!("{} (turnover {})", f.leavers_fte.source, percent(f.leavers_fte.value / f.fte_in_post.value)),
        );
        t.kv("part_time_fte", "0.6", &format!("{DURHAM}: FTE of a part-time worker"));
        let absent_share = self.absent_share();
        t.kv(
            "absent_share",
            &fnum(absent_share),
            &format!(
                "absence rate {}% ({}), used as the share on long absence (assumption, as the Durham baseline)",
                fnum(f.absence_rate.value),
                f.absence_rate.source
            ),
        );
        let shares = self.tenure_band_shares;
        t.kv(
            "tenure_band_shares",
            &format!("[{}]", shares.iter().map(|s| fnum(*s)).collect::<Vec<_>>().join(", ")),
            &format!(
                "bands 0-1, 1-2, 2-5, 5+ years: 0-1 year from {} starters {} FTE / {} FTE in post{}; the rest in the proportions of the Durham baseline (assumption)",
                self.starters_year.source,
                fnum(self.starters_year.value),
                fnum(f.fte_in_post.value),
                if (self.starters_year.value / f.fte_in_post.value - shares[0]).abs() > 0.0005 {
                    " (kept within 2% to 60%)"
                } else {
                    ""
                }
            ),
        );
        t.kv("max_tenure_months", "300", &format!("{DURHAM}: longest-serving worker 25 years"));
        t.kv("experienced_prior_months", "48", &format!("{DURHAM}: experienced hires bring 4 years since qualifying"));
        t.blank();
        t.kv("[initial.route_shares]", "", &format!("share of headcount by route of entry; {DURHAM}"));
        for (route, share) in [
            (Route::University, "0.50"),
            (Route::Apprenticeship, "0.07"),
            (Route::StepUp, "0.02"),
            (Route::Frontline, "0.01"),
            (Route::Overseas, "0.0"),
            (Route::Experienced, "0.40"),
        ] {
            t.line(&format!("{} = {share}", route.name()));
        }
        t.blank();

        // [establishment]
        t.line("[establishment]");
        t.comment(&format!(
            "The starting establishment is FTE in post / (1 - vacancy rate) = {} FTE. Funded posts grow as \
             councils' have grown, not by the area's own recent trend ({}), which carries on barely at all \
             from one year to the next. Add the council's own plans as dated `changes`.",
            fixed1(establishment),
            self.establishment_comment
        ));
        let panel = &self.panel;
        t.kv("changes", "[]", "");
        t.kv(
            "annual_growth",
            &fnum(panel.establishment_growth),
            &format!("mean growth of funded posts a year, {}", panel.label),
        );
        t.kv(
            "yearly_variation",
            &variation_toml(&panel.establishment_variation),
            &format!("swings a year in logs, {}{}", panel.label, panel.size_note),
        );
        t.kv(
            "moves_with_staff",
            &variation_toml(&panel.moves_variation),
            &format!(
                "staff moving in or out with their posts, not counted as starters or leavers (a year's change in logs), {}",
                panel.label
            ),
        );
        t.blank();

        // [retention]
        t.line("[retention]");
        t.kv("band_edges_months", "[12, 24, 60]", &format!("tenure bands 0-1, 1-2, 2-5, 5+ years; {DURHAM}"));
        t.comment(&self.calibration_comment(outcome));
        let calibrated = match outcome.and_then(|outcome| outcome.simulated_turnover) {
            Some(simulated) => format!(
                "calibrated: simulated first-year turnover {} against the DfE {}",
                percent(simulated),
                percent(self.turnover.target)
            ),
            None => "calibrated, see above".to_string(),
        };
        t.kv("hazard_scale", &fnum(hazard_scale), &calibrated);
        let turnover_variation = {
            let v = self.panel.turnover_variation;
            YearlyVariation { level_sd: round_to(level_sd(v.sd, v.persistence, self.panel.own_years), 4), ..v }
        };
        t.kv(
            "yearly_variation",
            &variation_toml(&turnover_variation),
            &format!(
                "turnover swings around the council's level each year (in logs), {}{}",
                self.panel.label,
                if turnover_variation.level_sd > 0.0 {
                    format!("; level_sd: the level is known as well as {} years tell", self.panel.own_years)
                } else {
                    String::new()
                }
            ),
        );
        t.blank();
        t.line("[retention.annual_leave_prob]");
        t.comment(&format!(
            "Annual probability of leaving the council by tenure band and route of entry, before hazard_scale: {DURHAM}."
        ));
        for (route, table) in [
            ("default", "[0.18, 0.17, 0.13, 0.08]"),
            (Route::University.name(), "[0.10, 0.16, 0.14, 0.07]"),
            (Route::Apprenticeship.name(), "[0.06, 0.09, 0.09, 0.06]"),
            (Route::StepUp.name(), "[0.10, 0.16, 0.14, 0.07]"),
            (Route::Frontline.name(), "[0.35, 0.60, 0.25, 0.10]"),
        ] {
            t.line(&format!("{route} = {table}"));
        }
        t.blank();
        t.line("[retention.caseload_pressure]");
        t.kv("threshold_cases", "20", &format!("{DURHAM}: above 20 cases per FTE teams lose staff faster"));
        t.kv(
            "hazard_increase_per_case",
            "{ dist = \"uniform\", min = 0.0, max = 0.06 }",
            &format!("{DURHAM}: 0-6% more leaving per case above it"),
        );
        t.kv("averaging_months", "3", DURHAM);
        t.blank();
        let newly_qualified_destinations = [
            ("other_council", "0.66"),
            ("agency", "0.05"),
            ("left_profession", "0.21"),
            ("internal_move", "0.08"),
            ("retirement", "0.0"),
        ];
        let destinations = [
            (
                "default",
                [
                    ("other_council", "0.55"),
                    ("agency", "0.12"),
                    ("left_profession", "0.10"),
                    ("internal_move", "0.08"),
                    ("retirement", "0.15"),
                ],
            ),
            (Route::University.name(), newly_qualified_destinations),
            (Route::Apprenticeship.name(), newly_qualified_destinations),
            (Route::StepUp.name(), newly_qualified_destinations),
            (Route::Frontline.name(), newly_qualified_destinations),
        ];
        for (route, shares) in destinations {
            t.kv(&format!("[retention.destinations.{route}]"), "", &format!("where leavers go; {DURHAM}"));
            for (destination, share) in shares {
                t.line(&format!("{destination} = {share}"));
            }
            t.blank();
        }

        // [routes.university]
        let intake = round_to(self.starters_mean * NEWLY_QUALIFIED_SHARE, 1);
        t.line("[routes.university]");
        t.comment(&format!(
            "University NQSWs wanted a year: {}, times {} newly qualified (the split of Durham's recruits 2019-2023 in seed 002; assumption) = {}; uncertain by +-20% (assumption).",
            self.starters_description(),
            percent(NEWLY_QUALIFIED_SHARE),
            fixed1(intake)
        ));
        t.kv("annual_intake", &spread_triangular(intake, 0.2, 1), "");
        t.kv("intake_months", "[9, 10]", &format!("{DURHAM}: \"mostly joining in September-October\" (MODEL.md)"));
        t.kv(
            "intake_shares",
            "[0.85, 0.15]",
            &format!("{DURHAM}: most of a year's intake is in the 30 September figures"),
        );
        t.kv("cap_at_vacancies", "true", &format!("{DURHAM}: NQSWs are recruited into vacant posts"));
        t.kv("fte", "1.0", DURHAM);
        t.kv(
            "yearly_variation",
            &variation_toml(&self.panel.intake_variation),
            &format!(
                "each year's intake swings around the plan as councils' starters per FTE swing around their own level (in logs), {}{}",
                self.panel.label, self.panel.size_note
            ),
        );
        t.blank();

        // Pipelines: national parameters, no cohorts.
        let example_start = YearMonth::new(year, 9).map_or_else(String::new, |m| m.to_string());
        for (route, duration, completion, duration_source, completion_source) in [
            (
                Route::Apprenticeship,
                36,
                "0.827",
                "MODEL.md: about 36 months",
                "MODEL.md: 82.7% of the first national cohort qualified",
            ),
            (Route::StepUp, 14, "0.95", "MODEL.md: 14-month programme", "MODEL.md: about 95%"),
            (Route::Frontline, 12, "0.90", "MODEL.md: bursary year, then employed as NQSWs", "MODEL.md: about 90%"),
        ] {
            let route = route.name();
            t.line(&format!("[routes.{route}]"));
            t.comment(&format!(
                "No cohorts: the DfE data do not give the council's trainees. Add its own, e.g. [[routes.{route}.cohorts]] with start = \"{example_start}\" and size = 10."
            ));
            t.kv(
                "duration_months",
                &duration.to_string(),
                &format!("{duration_source} (as the shipped Durham baseline)"),
            );
            t.kv("completion_rate", completion, &format!("{completion_source} (as the shipped Durham baseline)"));
            t.blank();
        }

        // [routes.experienced]
        let equilibrium = self.equilibrium(intake);
        let fill = round_to(equilibrium.fill.clamp(FILL_PROB_RANGE.0, FILL_PROB_RANGE.1), 4);
        let limited = if round_to(equilibrium.fill, 4) != fill {
            format!(", limited to {}-{}", fnum(FILL_PROB_RANGE.0), fnum(FILL_PROB_RANGE.1))
        } else {
            String::new()
        };
        t.line("[routes.experienced]");
        t.comment(&format!(
            "Chance a vacant post is filled by an experienced hire in a month, set so that vacancies settle at the council's own level, {} ({}), not at none: that is at 30 September, when NQSWs have just joined; over the year the rate averages about {} (the level plus half the intake), and {} FTE of posts are vacant; leavers ({} turnover) and growth ({} a year) open {} FTE of posts a year, of which the NQSW intake fills {} and experienced hires the rest, {} FTE (at least {} of leavers); {} a month over {} vacant FTE = {}{limited}. Vacancies above that level are filled faster, below it slower: the vacancy rate returns toward its level over a few years, as councils' do. Uncertain by +-20% (assumption).",
            percent(equilibrium.vacancy_level),
            equilibrium.level_source,
            percent(equilibrium.average_vacancy_rate),
            fixed1(equilibrium.vacant_fte),
            percent(self.turnover.target),
            percent(self.panel.establishment_growth),
            fixed1(equilibrium.opened_fte),
            fixed1(intake),
            fixed1(equilibrium.experienced_fte),
            percent(EXPERIENCED_FLOOR_SHARE),
            fnum(round_to(equilibrium.experienced_fte / HIRE_FTE / 12.0, 2)),
            fixed1(equilibrium.vacant_fte),
            fnum(fill)
        ));
        t.kv("monthly_fill_prob", &spread_uniform(fill, 0.2, 4, 1.0), "");
        let elasticity = self.hiring_elasticity(fill);
        t.kv(
            "vacancy_response",
            &format!(
                "{{ reference_vacancy_rate = {}, elasticity = {} }}",
                fnum(round_to(equilibrium.average_vacancy_rate, 4)),
                fnum(elasticity)
            ),
            &format!(
                "hiring from a limited market (the reference is the year's average rate): a gap from the council's vacancy level closes by a month's fill chance times the elasticity each month, so that {} of it remains after a year, as in the panel ({}); the elasticity is at least {} and at most 1",
                percent(self.panel.vacancy_persistence),
                self.panel.label,
                fnum(MIN_HIRING_ELASTICITY)
            ),
        );
        match self.joiners_manager_share(intake, equilibrium.experienced_fte) {
            Some((share, present_share)) => t.kv(
                "manager_share",
                &fnum(share),
                &format!(
                    "share of experienced hires into non-case-holding posts, set so that joiners hold cases as the council's present permanent staff do ({} of them, DfE {}), with the NQSW intake all holding cases; councils' shares hold steady from year to year (DfE panel), so joiners must not shift it{}",
                    percent(present_share),
                    self.year,
                    if share == MAX_MANAGER_SHARE { format!(", limited to {}", fnum(MAX_MANAGER_SHARE)) } else { String::new() }
                ),
            ),
            None => {
                t.kv("manager_share", "0.30", &format!("{DURHAM}: share of experienced hires into non-case-holding posts"))
            }
        }
        t.kv("part_time_share", "0.10", DURHAM);
        t.kv(
            "yearly_variation",
            &variation_toml(&self.panel.fill_variation),
            &format!("the market for experienced staff swings from year to year, half of it nationally (assumption: the data give no direct measure, but councils' starters per FTE move together, sd about 0.09 in logs a year; the backtest checks it); its tails, and how it goes with size, are those of councils' vacancy rates around their levels ({}){}", self.panel.label, self.panel.size_note),
        );
        t.blank();

        // [agency]
        t.line("[agency]");
        let path = self.agency_path(intake, outcome.and_then(|outcome| outcome.vacancy_profile.as_deref()));
        match path.variation.start {
            Some(start) => t.comment(&format!(
                "Agency FTE per vacant FTE: the council's own level {} (its DfE years in logs at its vacancy level, shrunk toward its region's, {}), known as well as {} years of swings tell (the yearly variation's level_sd). Now {}, so it starts {} the level and returns toward it as the yearly variation's persistence says.",
                fnum(path.level),
                self.panel.label,
                self.panel.own_years,
                self.cover_comment,
                if start >= 0.0 { "above" } else { "below" }
            )),
            None => t.comment(&format!(
                "Agency FTE per vacant FTE: {}, at the reference vacancy rate {} (an area of many councils has no level of its own: it swings around this).",
                self.cover_comment,
                percent(path.reference_vacancy_rate)
            )),
        }
        t.comment(&format!(
            "The model's vacancy rate rises through the year (from {} to {}, {}) and falls when NQSWs join, and agency use follows the months before: so that agency at 30 September stands at the level times that day's vacancies, the cover given is the level times {} = {}.",
            percent(path.vacancy_range.0),
            percent(path.vacancy_range.1),
            if path.simulated_profile {
                "the median of the calibration's simulation"
            } else {
                "assumed: rising evenly by the NQSW intake"
            },
            fnum(round_to(path.seasonal, 3)),
            fnum(path.cover_share)
        ));
        t.kv("cover_share", &fnum(path.cover_share), "");
        t.kv("cover_absence", "false", DURHAM);
        let response = &path.response;
        t.kv(
            "adjustment_months",
            &response.adjustment_months.to_string(),
            &format!(
                "agency use is sticky: it closes 1/{} of the gap to the cover wanted each month, so that {} of its response to vacancies shows in the same year's return, as in the panel ({})",
                response.adjustment_months,
                percent(response.same_year_share),
                self.panel.label
            ),
        );
        t.kv(
            "vacancy_response",
            &format!(
                "{{ reference_vacancy_rate = {}, elasticity = {} }}",
                fnum(path.reference_vacancy_rate),
                fnum(response.elasticity)
            ),
            &format!(
                "agency FTE go as the vacancy rate to the power {}, not in proportion ({}); the reference is the council's vacancy level (a region's or England's rate now)",
                fnum(response.elasticity),
                self.panel.label
            ),
        );
        t.kv(
            "swing_offset",
            &fnum(response.swing_offset),
            &format!(
                "agency FTE per funded post added before the yearly swing multiplies agency use, and taken after: councils using little agency swing by as many FTE as those using much ({})",
                self.panel.label
            ),
        );
        t.kv(
            "yearly_variation",
            &variation_toml(&path.variation),
            &format!(
                "agency use (plus the offset) swings around the council's level each year (in logs), {}{}{}",
                self.panel.label,
                self.panel.size_note,
                if path.variation.start.is_some() { "; start: this year's gap from the level, in logs" } else { "" }
            ),
        );
        let supply_change = YearMonth::new(2025, 10).filter(|month| start <= *month && *month <= end);
        if let Some(month) = supply_change {
            t.blank();
            t.line("[[agency.supply_changes]]");
            t.comment(
                "From October 2025 agency workers need 3+ years' post-qualifying experience and leavers cannot return as agency in the region within 3 months (MODEL.md): supply falls 0-20% (assumption, as the shipped Durham baseline).",
            );
            t.line(&format!("from = \"{month}\""));
            t.line("cover_share_multiplier = { dist = \"uniform\", min = 0.8, max = 1.0 }");
        }
        t.blank();

        // [absence]
        let start_prob = round_to(absent_share / 6.0, 5);
        t.line("[absence]");
        t.kv(
            "monthly_start_prob",
            &fnum(start_prob),
            &format!(
                "absent share {} / 6-month mean duration: about {} absent (as the Durham baseline)",
                fnum(absent_share),
                percent(absent_share)
            ),
        );
        t.kv("mean_duration_months", "6", DURHAM);
        t.blank();

        // [demand]
        t.line("[demand]");
        t.comment(&format!(
            "Open cases grow as councils' have, not by the area's own recent trend ({}), which carries on barely at all from one year to the next.",
            self.growth_comment
        ));
        t.kv(
            "annual_growth",
            &fnum(self.panel.demand_growth),
            &format!("mean growth of open cases a year, {}", self.panel.label),
        );
        t.kv(
            "monthly_noise_sd",
            "0.0",
            "the yearly swings below carry the spread the panel shows; none month to month",
        );
        // A caseload away from the council's own level comes back toward it, mostly as cases
        // close (panel): open cases start that far from their level and return as the swings'
        // persistence says.
        let f = &self.figures;
        let caseload_now = f.case_holding_fte.as_ref().filter(|c| c.value > 0.0).map(|c| f.open_cases.value / c.value);
        let (demand_variation, start_note) = match (self.panel.caseload_level, caseload_now) {
            (Some(level), Some(now)) if level > 0.0 && now > 0.0 => {
                let start = round_to((now / level).ln().clamp(-1.0, 1.0), 4);
                (
                    YearlyVariation { start: Some(start), ..self.panel.demand_variation },
                    format!(
                        "; start: today's caseload {} against the council's own level {} (its DfE years in logs, shrunk toward its region's), in logs",
                        fnum(round_to(now, 1)),
                        fnum(round_to(level, 1))
                    ),
                )
            }
            _ => (self.panel.demand_variation, String::new()),
        };
        t.kv(
            "yearly_variation",
            &variation_toml(&demand_variation),
            &format!(
                "the level of open cases swings around its trend from today's (in logs), as far as caseloads need beyond FTE's own swings, {}{}{start_note}",
                self.panel.label, self.panel.size_note
            ),
        );
        t.kv(
            "level_swings",
            "true",
            "councils' open cases swing around their own level and pull back (DfE panel: one year's change is negatively correlated with the next), not by growth that adds up",
        );
        t.blank();

        // [caseload]
        t.line("[caseload]");
        t.kv("full_cases_per_fte", "22", &format!("{DURHAM} (seed 000: \"around 22 to 25 from their second year\")"));
        t.kv("nqsw_ramp_cases", "[8, 8, 8, 8, 12, 12, 12, 12, 18, 18, 18, 18]", &format!("{DURHAM} (seed 000)"));
        t.kv("agency_cases_per_fte", "22", DURHAM);
        if let (Some(share), Some(case_holding)) = (self.agency_case_holding_share(), &self.figures.case_holding_fte) {
            let all = self.figures.fte_in_post.value + self.figures.agency_fte.value;
            t.kv(
                "agency_case_holding_share",
                &fnum(share),
                &format!(
                    "agency staff hold cases as often as the council's staff as a whole: case-holding FTE {} over FTE in post plus agency {} ({}); councils' shares do not rise with their agency share (DfE panel), so agency staff are not all case holders",
                    fnum(case_holding.value),
                    fnum(round_to(all, 1)),
                    case_holding.source
                ),
            );
        }
        t.kv(
            "steady_case_holding_share",
            "true",
            "progression: each year the longest-serving case holders move into non-case-holding posts as needed to keep the share of staff holding cases at today's, as councils' shares hold steady (DfE panel); NQSWs all hold cases, so without it caseloads drift down",
        );
        t.blank();

        // [costs]
        t.line("[costs]");
        t.comment(&format!(
            "Prices of October 2024 (the Durham baseline's start): {DURHAM}. For an earlier start, prices are those of 2024 all the same; change them if money matters for the backtest."
        ));
        t.kv("salary_gbp", "{ nqsw = 33000, social_worker = 38000, senior = 44000, manager = 52000 }", DURHAM);
        t.kv("senior_after_months", "60", DURHAM);
        t.kv("oncost_rate", "0.30", DURHAM);
        t.kv("annual_pay_award", "{ dist = \"uniform\", min = 0.02, max = 0.04 }", DURHAM);
        t.kv(
            "agency_premium",
            "{ dist = \"uniform\", min = 0.41, max = 0.53 }",
            &format!("{DURHAM} (MODEL.md section 8)"),
        );
        t.kv("recruitment_per_hire_gbp", "{ newly_qualified = 1000, experienced = 3000 }", DURHAM);
        t.kv(
            "trainee_monthly_gbp",
            "{ apprenticeship = 2500, step_up = 500, frontline = 600, overseas = 400 }",
            DURHAM,
        );
        t.kv("asye_grant_gbp", "2000", DURHAM);
        t.out
    }

    /// Where vacancies settle, and the experienced fill chance that puts them there.
    fn equilibrium(&self, nqsw_intake_fte: f64) -> Equilibrium {
        let f = &self.figures;
        let establishment = f.fte_in_post.value / (1.0 - f.vacancy_rate);
        let (vacancy_level, level_source) = match self.panel.vacancy_level {
            Some(level) => (level, format!("its DfE years shrunk toward its region, {}", self.panel.label)),
            None => {
                (f.vacancy_rate, format!("the {} rate; an area of many councils has no level of its own", self.year))
            }
        };
        let vacancy_level = vacancy_level.clamp(0.02, 0.6);
        let in_post = establishment * (1.0 - vacancy_level);
        let leavers = self.turnover.target * in_post;
        let opened_fte = leavers + (1.0 + self.panel.establishment_growth).ln() * establishment;
        let experienced_fte = (opened_fte - nqsw_intake_fte).max(EXPERIENCED_FLOOR_SHARE * leavers);
        // The level is a 30 September figure, when the year's NQSWs have just joined: the
        // vacancies build up by about the intake over the year, half of it on average.
        let average_vacancy_rate = (vacancy_level + 0.5 * nqsw_intake_fte / establishment.max(1.0)).min(0.9);
        let vacant_fte = (establishment * average_vacancy_rate).max(1.0);
        Equilibrium {
            vacancy_level,
            level_source,
            average_vacancy_rate,
            vacant_fte,
            opened_fte,
            experienced_fte,
            fill: experienced_fte / HIRE_FTE / 12.0 / vacant_fte,
        }
    }

    /// The agency cover share, its response to vacancies and its swings: a council with
    /// vacancies now starts from its own ratio and returns toward its level; otherwise (a
    /// region, England, no vacancies now) the ratio now, swinging around itself.
    fn agency_path(&self, nqsw_intake_fte: f64, vacancy_profile: Option<&[f64]>) -> AgencyPath {
        let f = &self.figures;
        let posts = f.fte_in_post.value + f.vacancy_fte.value;
        let vacancy_rate = if posts > 0.0 { f.vacancy_fte.value / posts } else { 0.0 };
        let response = self.panel.agency_response.clone();
        let reference = round_to(self.panel.vacancy_level.unwrap_or(vacancy_rate).clamp(0.01, 0.6), 4);
        // The ratio now, read at the reference vacancy rate as the level is.
        let at_reference =
            if vacancy_rate > 0.0 { (vacancy_rate / reference).powf(1.0 - response.elasticity) } else { 1.0 };
        let now = (self.cover_share * at_reference).clamp(AGENCY_COVER_RANGE.0, AGENCY_COVER_RANGE.1);
        let (level, variation) = match self.panel.agency_level {
            Some(level) if f.vacancy_fte.value > 0.0 => {
                let level = round_to(level.min(MAX_COVER_SHARE), 3);
                // The swing now, on the scale the swings are fitted on: agency FTE per funded
                // post plus the offset, against what the level gives at today's vacancies.
                let offset = response.swing_offset;
                let expected = level * vacancy_rate / at_reference;
                let agency_per_post = f.agency_fte.value / posts;
                let start = round_to(((agency_per_post + offset) / (expected + offset)).ln(), 4);
                let v = self.panel.agency_variation;
                let known = round_to(level_sd(v.sd, v.persistence, self.panel.own_years), 4);
                (level, YearlyVariation { start: Some(start), level_sd: known, ..v })
            }
            _ => (round_to(now.min(MAX_COVER_SHARE), 3), self.panel.agency_variation),
        };
        // The model's own year (simulated), else one rising evenly by the NQSW intake.
        let (profile, simulated) = match vacancy_profile {
            Some(profile) if profile.len() == 12 => (profile.to_vec(), true),
            _ => {
                let rise = if posts > 0.0 { nqsw_intake_fte / posts } else { 0.0 };
                ((1..=12).map(|month| vacancy_rate + rise * f64::from(month % 12) / 12.0).collect(), false)
            }
        };
        let seasonal = seasonal_agency_factor(&profile, response.elasticity, response.adjustment_months);
        let lowest = profile.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = profile.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        AgencyPath {
            level,
            cover_share: round_to(level * seasonal, 3),
            seasonal,
            vacancy_range: (lowest, highest),
            simulated_profile: simulated,
            reference_vacancy_rate: reference,
            response,
            variation,
        }
    }

    /// The elasticity of hires to vacancies that makes a gap from the vacancy level close as
    /// councils' do: near the level, a month closes `fill * elasticity` of the gap, so a year
    /// leaves (1 - fill * elasticity)^12 of it, which is set to the panel's persistence.
    fn hiring_elasticity(&self, fill: f64) -> f64 {
        let persistence = self.panel.vacancy_persistence.clamp(0.01, 0.99);
        let monthly_closing = 1.0 - persistence.powf(1.0 / 12.0);
        round_to((monthly_closing / fill.max(1e-9)).clamp(MIN_HIRING_ELASTICITY, 1.0), 3)
    }

    fn headcount_source(&self) -> String {
        let fte = &self.figures.fte_in_post;
        match self.notes.iter().find(|note| note.starts_with("inpost_headcount:")) {
            Some(_) => "adjusted to fit FTE in post, see the notes".to_string(),
            None if fte.source.starts_with("DfE") => format!("DfE {}", self.year),
            None => "see the notes".to_string(),
        }
    }

    /// The share of experienced hires into non-case-holding posts that keeps joiners' share
    /// of case holders at the present permanent staff's: (1 - s) / (1 - q), with s that share
    /// and q the NQSWs' share of joiners at the equilibrium; and s. `None` without
    /// case-holding figures.
    fn joiners_manager_share(&self, nqsw_intake_fte: f64, experienced_fte: f64) -> Option<(f64, f64)> {
        let f = &self.figures;
        let case_holding = f.case_holding_fte.as_ref()?.value;
        let present = f.fte_in_post.value * (1.0 - self.absent_share());
        if present <= 0.0 || case_holding <= 0.0 {
            return None;
        }
        let agency_holding = f.agency_fte.value * self.agency_case_holding_share().unwrap_or(1.0);
        let holding_share = ((case_holding - agency_holding) / present).clamp(0.0, 1.0);
        let joiners = nqsw_intake_fte + experienced_fte;
        let nqsw_share = if joiners > 0.0 { nqsw_intake_fte / joiners } else { 0.0 };
        let share = ((1.0 - holding_share) / (1.0 - nqsw_share).max(1e-9)).clamp(0.0, MAX_MANAGER_SHARE);
        Some((round_to(share, 3), holding_share))
    }

    /// The share of agency FTE holding cases: the council's share of all its FTE (in post
    /// plus agency) that holds cases. The DfE does not split case holders into
    /// permanent and agency staff, but across councils the share holding cases does not rise
    /// with the share that is agency (DfE 2019: case holders are 55% of FTE in post plus
    /// agency at the median council, correlation with the agency share 0.08; if every agency
    /// worker held cases, the share would rise by about half the agency share). Taking every
    /// agency worker as a case holder instead makes caseloads at a council relying on agency
    /// swing with agency use far more than councils' caseloads do. `None` without agency or
    /// case-holding figures.
    fn agency_case_holding_share(&self) -> Option<f64> {
        let f = &self.figures;
        let case_holding = f.case_holding_fte.as_ref()?.value;
        let all = f.fte_in_post.value + f.agency_fte.value;
        (f.agency_fte.value > 0.0 && all > 0.0).then(|| round_to((case_holding / all).clamp(0.0, 1.0), 3))
    }

    fn absent_share(&self) -> f64 {
        round_to((self.figures.absence_rate.value / 100.0).clamp(0.0, 0.5), 4)
    }

    /// "DfE starters 48.2 (2022), 70.2 (2023), 55.2 (2024) FTE, a mean of 57.9".
    fn starters_description(&self) -> String {
        if let Some(fallback) = &self.starters_fallback {
            return format!(
                "starters {} FTE in the year ({}; {fallback}, see the notes)",
                fnum(self.starters_year.value),
                self.starters_year.source
            );
        }
        let years: Vec<String> =
            self.starters_years.iter().map(|(year, value)| format!("{} ({year})", fnum(*value))).collect();
        if years.len() == 1 {
            return format!("DfE starters {} FTE", years[0]);
        }
        format!("DfE starters {} FTE, a mean of {}", years.join(", "), fixed1(self.starters_mean))
    }

    fn calibration_comment(&self, outcome: Option<&CalibrationOutcome>) -> String {
        let turnover = &self.turnover;
        let target = match (&turnover.fallback, turnover.fitted_level) {
            (_, Some(level)) => format!(
                "the council's own turnover level {} ({}: the mean of its DfE years, shrunk toward its region's by how noisy one year is; recent years: {})",
                percent(level),
                self.panel.label,
                turnover
                    .years
                    .iter()
                    .map(|(year, rate)| format!("{} ({year})", percent(*rate)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, None) => {
                let years: Vec<String> =
                    turnover.years.iter().map(|(year, rate)| format!("{} ({year})", percent(*rate))).collect();
                format!(
                    "the DfE turnover (leavers FTE / FTE in post) {}, a mean of {}",
                    years.join(", "),
                    percent(turnover.target)
                )
            }
            (Some(how), None) => format!("a turnover of {} ({how}, see the notes)", percent(turnover.target)),
        };
        match outcome {
            Some(outcome) if outcome.iterations > 0 => {
                let simulated = outcome.simulated_turnover.map_or("no turnover (everyone left)".to_string(), percent);
                let limited =
                    if outcome.hazard_scale <= HAZARD_SCALE_RANGE.0 || outcome.hazard_scale >= HAZARD_SCALE_RANGE.1 {
                        format!(" (limited to {}-{})", fnum(HAZARD_SCALE_RANGE.0), fnum(HAZARD_SCALE_RANGE.1))
                    } else {
                        String::new()
                    };
                format!(
                    "Overall scale on leaving, calibrated by wfsim init so that the simulated turnover in the first year (median of {} replications, seed {}, at month 12) is {simulated}, against {target}{limited}.",
                    outcome.replications, outcome.seed
                )
            }
            Some(_) => format!("Overall scale on leaving: not calibrated (scale 1). Target: {target}."),
            None => format!("Overall scale on leaving, being calibrated against {target}."),
        }
    }
}

/// Where vacancies settle in a generated baseline, and how.
struct Equilibrium {
    /// The vacancy rate settled at, and where it comes from.
    vacancy_level: f64,
    level_source: String,
    /// The mean over the year of the vacancy rate that settles at `vacancy_level` each 30
    /// September, and the vacant FTE at it.
    average_vacancy_rate: f64,
    vacant_fte: f64,
    /// Posts opened a year by leavers and growth, and filled by experienced hires, FTE.
    opened_fte: f64,
    experienced_fte: f64,
    /// The monthly chance a vacant post is filled by an experienced hire.
    fill: f64,
}

/// The mean FTE of an experienced hire: 10% part-time at 0.6 FTE (the Durham baseline).
const HIRE_FTE: f64 = 0.96;

/// A triangular distribution of +-`spread` (relative) around `mode`, or the value if 0.
fn spread_triangular(mode: f64, spread: f64, digits: i32) -> String {
    if mode <= 0.0 {
        return "0.0".to_string();
    }
    format!(
        "{{ dist = \"triangular\", min = {}, mode = {}, max = {} }}",
        fnum(round_to(mode * (1.0 - spread), digits)),
        fnum(mode),
        fnum(round_to(mode * (1.0 + spread), digits))
    )
}

/// A uniform distribution of +-`spread` (relative) around `centre`, at most `most`, or the
/// value if 0.
fn spread_uniform(centre: f64, spread: f64, digits: i32, most: f64) -> String {
    if centre <= 0.0 {
        return "0.0".to_string();
    }
    let min = round_to(centre * (1.0 - spread), digits);
    let max = round_to((centre * (1.0 + spread)).min(most), digits);
    if min >= max {
        return fnum(centre);
    }
    format!("{{ dist = \"uniform\", min = {}, max = {} }}", fnum(min), fnum(max))
}

/// The lines of a scenario file, with comments aligned.
#[derive(Default)]
struct Toml {
    out: String,
}

impl Toml {
    const COMMENT_COLUMN: usize = 37;
    const WIDTH: usize = 100;

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    /// `key = value  # comment`; a table header if `value` is empty.
    fn kv(&mut self, key: &str, value: &str, comment: &str) {
        let code = if value.is_empty() { key.to_string() } else { format!("{key} = {value}") };
        if comment.is_empty() {
            self.line(&code);
        } else {
            let pad = Self::COMMENT_COLUMN.saturating_sub(code.chars().count()).max(1);
            let _ = writeln!(self.out, "{code}{}# {comment}", " ".repeat(pad));
        }
    }

    /// A comment wrapped at [`Toml::WIDTH`].
    fn comment(&mut self, text: &str) {
        self.wrapped(text, "# ", "# ");
    }

    /// A comment indented under a heading, continuation lines indented further.
    fn comment_indented(&mut self, text: &str) {
        self.wrapped(text, "#   ", "#     ");
    }

    fn wrapped(&mut self, text: &str, first: &str, rest: &str) {
        let mut line = first.to_string();
        let mut empty = true;
        for word in text.split_whitespace() {
            if !empty && line.chars().count() + 1 + word.chars().count() > Self::WIDTH {
                self.line(line.trim_end());
                line = rest.to_string();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        self.line(line.trim_end());
    }
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

    #[test]
    fn spreads_stay_in_range() {
        assert_eq!(spread_uniform(1.0, 0.1, 3, 1.0), "{ dist = \"uniform\", min = 0.9, max = 1.0 }");
        assert_eq!(spread_uniform(0.0, 0.1, 3, 1.0), "0.0");
        assert_eq!(spread_triangular(30.0, 0.2, 1), "{ dist = \"triangular\", min = 24.0, mode = 30.0, max = 36.0 }");
    }

    #[test]
    fn comments_wrap_at_the_width() {
        let mut toml = Toml::default();
        toml.comment(&"word ".repeat(40));
        assert!(toml.out.lines().all(|line| line.len() <= Toml::WIDTH && line.starts_with("# ")));
        assert!(toml.out.lines().count() > 1);
    }
}
