//! `wfsim fit`: retention fitted from worker-level records (the DfE children's social work
//! workforce census), ready to paste into a scenario.
//!
//! 1. [`records`]: read CSV files with the census field names and census XML returns, check
//!    every row, leave out agency workers and rows with impossible dates, and merge several
//!    years' returns into one spell per worker (by `SWENo`), with its left truncation
//!    (observed from part-way through the tenure) and right censoring (still in post at the
//!    last return).
//! 2. [`survival`]: Kaplan-Meier curves with Greenwood variance and log(−log) 95% intervals.
//! 3. [`hazards`]: piecewise-exponential maximum likelihood hazards by tenure band with exact
//!    Poisson 95% intervals, turned into annual leaving probabilities.
//! 4. [`output`]: `retention.toml` (the scenario's `[retention]` band edges and leaving
//!    probabilities), `survival.csv`, `hazards.csv` and `charts/survival.png`/`.svg`.
//!
//! Everything is fitted for all workers together (`all`, written as the scenario's `default`)
//! and, with [`FitOptions::by_route`], for each route of entry found in the data. A route with
//! fewer than [`MIN_ROUTE_EVENTS`] leavers is not written to the retention table (it takes the
//! `default`), and a band with no months at risk in a route takes the pooled band's value; each
//! such fallback is noted in [`Fit::notes`] and beside the number in `retention.toml`.

pub mod hazards;
pub mod output;
pub mod records;
pub mod survival;

use std::path::PathBuf;

pub use hazards::{BandHazard, Bands, piecewise_exponential};
pub use records::{Date, RecordIssue, Records, WorkerSpell, read_records, route_from_fields};
pub use survival::{KmStep, Ratio, Scalar, Spell, SurvivalPoint, kaplan_meier, kaplan_meier_with};

use crate::route::Route;

/// A route with fewer leavers than this is not fitted on its own: it uses the pooled fit.
pub const MIN_ROUTE_EVENTS: u64 = 5;

/// What to fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitOptions {
    pub bands: Bands,
    /// Fit each route of entry as well as all workers together.
    pub by_route: bool,
}

/// Why nothing could be fitted: always the records' fault (bad input).
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// Files that are not records files, or values that cannot be read: every one found.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Records(Vec<RecordIssue>),
    /// Readable records that leave nothing to fit.
    #[error("{0}")]
    NoData(String),
}

impl FitError {
    /// One line per problem.
    pub fn lines(&self) -> Vec<String> {
        match self {
            FitError::Records(issues) => issues.iter().map(ToString::to_string).collect(),
            FitError::NoData(message) => vec![message.clone()],
        }
    }
}

/// Whose spells a fit is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Every permanent worker: the scenario's `default`.
    All,
    /// Those who joined by a route the census records.
    Route(Route),
    /// Those whose route is another or not known: counted in the default only.
    OtherRoute,
}

impl Group {
    /// The groups by route, in the order they are fitted and listed: the census's routes
    /// (it cannot tell apprentices or overseas recruits apart), then the rest.
    pub const BY_ROUTE: [Group; 5] = [
        Group::Route(Route::University),
        Group::Route(Route::Experienced),
        Group::Route(Route::StepUp),
        Group::Route(Route::Frontline),
        Group::OtherRoute,
    ];

    /// The group of a spell's route.
    fn of(route: Option<Route>) -> Group {
        route.map_or(Group::OtherRoute, Group::Route)
    }

    /// `all`, or the route's key as in scenario files: the `route` column of the CSV files.
    pub fn key(self) -> &'static str {
        match self {
            Group::All => "all",
            Group::Route(route) => route.name(),
            Group::OtherRoute => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Group::All => "All workers",
            Group::Route(Route::University) => "Newly qualified",
            Group::Route(Route::Experienced) => "Experienced hires",
            Group::Route(Route::StepUp) => "Step Up",
            Group::Route(Route::Frontline) => "Frontline",
            Group::Route(Route::Apprenticeship) => "Apprentices",
            Group::Route(Route::Overseas) => "Overseas recruits",
            Group::OtherRoute => "Other or not known",
        }
    }
}

/// The fits of one group.
#[derive(Debug, Clone)]
pub struct GroupFit {
    pub group: Group,
    pub spells: usize,
    pub events: u64,
    pub curve: Vec<SurvivalPoint>,
    pub hazards: Vec<BandHazard>,
}

/// One number of the retention table and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionValue {
    /// The annual leaving probability written.
    pub annual: f64,
    /// The band estimate it is taken from (of `source`, possibly another band).
    pub hazard: BandHazard,
    pub source: Group,
    /// Why it is not the group's own estimate for this band, if it is not.
    pub note: Option<String>,
}

/// The scenario's retention table: the pooled `default` and the routes fitted on their own.
#[derive(Debug, Clone)]
pub struct RetentionTable {
    pub default: Vec<RetentionValue>,
    pub routes: Vec<(Route, Vec<RetentionValue>)>,
}

/// Everything `wfsim fit` found.
#[derive(Debug, Clone)]
pub struct Fit {
    pub records: Records,
    pub options: FitOptions,
    /// `all` first, then (by route) each route with spells, in [`Group::BY_ROUTE`] order.
    pub groups: Vec<GroupFit>,
    pub retention: RetentionTable,
    /// Fallbacks and other things a reader should know.
    pub notes: Vec<String>,
}

impl Fit {
    pub fn group(&self, group: Group) -> Option<&GroupFit> {
        self.groups.iter().find(|fit| fit.group == group)
    }

    /// Leavers (events) over all spells.
    pub fn events(&self) -> u64 {
        self.groups.first().map_or(0, |fit| fit.events)
    }
}

/// Reads the records and fits them.
pub fn fit(paths: &[PathBuf], options: &FitOptions) -> Result<Fit, FitError> {
    let records = read_records(paths)?;
    fit_records(records, options)
}

/// Fits records already read.
pub fn fit_records(records: Records, options: &FitOptions) -> Result<Fit, FitError> {
    if records.spells.is_empty() {
        return Err(FitError::NoData(format!(
            "{}: no spells in post to fit ({} rows read, {} agency, {} with impossible dates, {} with no time at risk)",
            records.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "),
            records.rows,
            records.agency_rows,
            records.skipped.len(),
            records.no_time_at_risk
        )));
    }
    let bands = &options.bands;
    let fit_group = |group: Group| -> Option<GroupFit> {
        let spells: Vec<Spell> = records
            .spells
            .iter()
            .filter(|s| group == Group::All || group == Group::of(s.route))
            .map(|s| s.spell)
            .collect();
        (!spells.is_empty()).then(|| GroupFit {
            group,
            spells: spells.len(),
            events: spells.iter().filter(|s| s.event).count() as u64,
            curve: kaplan_meier(&spells),
            hazards: piecewise_exponential(&spells, bands),
        })
    };
    let mut groups: Vec<GroupFit> = fit_group(Group::All).into_iter().collect();
    if options.by_route {
        groups.extend(Group::BY_ROUTE.into_iter().filter_map(fit_group));
    }

    let mut notes = Vec::new();
    // The pooled fit is always there: it has every spell, and there is at least one.
    let pooled = &groups[0];
    if pooled.events == 0 {
        notes.push("no worker left in the records: every leaving probability is 0 (an upper bound is given)".into());
    }
    let default = pooled_values(pooled, bands, &mut notes)?;
    let mut routes = Vec::new();
    for fit in groups.iter().skip(1) {
        let route = match fit.group {
            Group::All => continue,
            Group::OtherRoute => {
                notes.push(format!(
                    "{} ({} spells, {} leavers): no such route in scenarios, so they count in the default only",
                    fit.group.label(),
                    fit.spells,
                    fit.events
                ));
                continue;
            }
            Group::Route(route) => route,
        };
        if fit.events < MIN_ROUTE_EVENTS {
            notes.push(format!(
                "{}: {} leaver(s), fewer than {MIN_ROUTE_EVENTS}, so not fitted on its own: it uses the default",
                route.name(),
                fit.events
            ));
        } else {
            let values = fit
                .hazards
                .iter()
                .zip(&default)
                .map(|(own, pooled)| {
                    if own.has_exposure() {
                        RetentionValue { annual: own.annual_leave_prob, hazard: *own, source: fit.group, note: None }
                    } else {
                        let note = format!(
                            "no months at risk for {} in band {} months: the default's value is used",
                            route.name(),
                            bands.label(own.band)
                        );
                        notes.push(note.clone());
                        RetentionValue { note: Some(note), ..pooled.clone() }
                    }
                })
                .collect();
            routes.push((route, values));
        }
    }
    Ok(Fit { records, options: options.clone(), groups, retention: RetentionTable { default, routes }, notes })
}

/// The pooled values: each band's own estimate, or where no one was at risk in a band the
/// nearest earlier band's (else the nearest later band's).
fn pooled_values(pooled: &GroupFit, bands: &Bands, notes: &mut Vec<String>) -> Result<Vec<RetentionValue>, FitError> {
    let hazards = &pooled.hazards;
    hazards
        .iter()
        .map(|own| {
            if own.has_exposure() {
                return Ok(RetentionValue {
                    annual: own.annual_leave_prob,
                    hazard: *own,
                    source: Group::All,
                    note: None,
                });
            }
            let nearest = hazards[..own.band]
                .iter()
                .rev()
                .chain(&hazards[own.band + 1..])
                .find(|h| h.has_exposure())
                .ok_or_else(|| FitError::NoData("no months at risk in any tenure band".to_string()))?;
            let note = format!(
                "no months at risk in band {} months: the value of band {} months is used",
                bands.label(own.band),
                bands.label(nearest.band)
            );
            notes.push(note.clone());
            Ok(RetentionValue {
                annual: nearest.annual_leave_prob,
                hazard: *nearest,
                source: Group::All,
                note: Some(note),
            })
        })
        .collect()
}
