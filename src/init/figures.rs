//! Stage 2 of `wfsim init`: what the DfE data give for an area and year, each figure with its
//! source, and a note for every figure that fell back (the rules are in the module
//! documentation of [`super`]).

use super::{GROWTH_RANGE, InitError, MAX_COVER_SHARE, RECENT_YEARS, Sourced, StartingFigures, fixed1, fnum, round_to};
use crate::calibrate::PanelFit;
use crate::dataset::{Area, Cell, Dataset, Field, Symbol};
use crate::format::{percent, signed_thousands};

/// The turnover the scale on leaving is calibrated to: the council's own level from the panel
/// fit, else the mean over recent years.
#[derive(Debug, Clone)]
pub(super) struct Turnover {
    /// A fraction.
    pub target: f64,
    /// (year, turnover) averaged.
    pub years: Vec<(i32, f64)>,
    /// How the target was set, if not from the years.
    pub fallback: Option<String>,
    /// The council's own level from the panel fit, if it replaced the recent mean.
    pub fitted_level: Option<f64>,
}

/// Starters FTE: the year's (for the tenure mix) and the recent years' mean (for the intake).
#[derive(Debug, Clone)]
pub(super) struct Starters {
    /// Starters in the year.
    pub year: Sourced,
    /// (year, starters FTE) averaged, and their mean.
    pub years: Vec<(i32, f64)>,
    pub mean: f64,
    /// Why the mean is the year's value, if no recent year had one.
    pub fallback: Option<String>,
}

/// What the data give for an area and year.
#[derive(Debug, Clone)]
pub(super) struct Figures {
    pub area: Area,
    pub year: i32,
    /// The position at 30 September, as written in `[initial]`.
    pub starting: StartingFigures,
    /// One line per figure that was missing, suppressed or adjusted, and what was used.
    pub notes: Vec<String>,
    pub turnover: Turnover,
    pub starters: Starters,
    /// Agency FTE per vacant FTE now, and how it was found.
    pub cover_share: f64,
    pub cover_comment: String,
    /// The area's own recent trends in open cases and in funded posts, described (the
    /// panel's growth is used; these are said beside it).
    pub growth_comment: String,
    pub establishment_comment: String,
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

impl Figures {
    /// Every figure of the area-year, through the fallbacks. Errors: no data for the year, no
    /// FTE in post or vacancies anywhere, or no permanent staff to start from.
    pub(super) fn new(data: &Dataset, area: &Area, year: i32) -> Result<Figures, InitError> {
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

        let (cover_share, cover_comment) = agency_cover(&mut r, &vacancy_fte, &agency_fte);
        let growth_comment = demand_trend(&mut r);
        let establishment_comment = establishment_trend(&mut r);

        let starting = StartingFigures {
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
        Ok(Figures {
            area: area.clone(),
            year,
            starting,
            notes: r.notes,
            turnover,
            starters: Starters {
                year: starters_year,
                years: starters_years,
                mean: starters_mean,
                fallback: starters_fallback,
            },
            cover_share,
            cover_comment,
            growth_comment,
            establishment_comment,
        })
    }

    /// The absence rate as the share on long absence, at most half.
    pub(super) fn absent_share(&self) -> f64 {
        round_to((self.starting.absence_rate.value / 100.0).clamp(0.0, 0.5), 4)
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
    pub(super) fn agency_case_holding_share(&self) -> Option<f64> {
        let f = &self.starting;
        let case_holding = f.case_holding_fte.as_ref()?.value;
        let all = f.fte_in_post.value + f.agency_fte.value;
        (f.agency_fte.value > 0.0 && all > 0.0).then(|| round_to((case_holding / all).clamp(0.0, 1.0), 3))
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
/// three years, limited to [`GROWTH_RANGE`] of the current establishment a year, described;
/// none if the area has no earlier year with both figures.
fn establishment_trend(r: &mut Resolver) -> String {
    let year = r.year;
    let establishment = |y: i32| {
        let figures = r.data.figures(r.area, y)?;
        Some(figures.value(Field::InpostFte)? + figures.value(Field::VacancyFte)?).filter(|&total| total > 0.0)
    };
    let Some(now) = establishment(year) else {
        r.notes.push(format!("establishment trend: no in-post and vacancy figures for {year}; assumed no change"));
        return "no figures: assumed no change".to_string();
    };
    let Some((then_year, then)) = (year - RECENT_YEARS..year).find_map(|y| establishment(y).map(|e| (y, e))) else {
        r.notes.push(format!(
            "establishment trend: no earlier year of in-post and vacancy figures before {year}; assumed no change"
        ));
        return format!("no earlier year before {year} in the data: assumed no change");
    };
    let raw = (now - then) / f64::from(year - then_year);
    let change = round_to(raw.clamp(GROWTH_RANGE.0 * now, GROWTH_RANGE.1 * now), 1);
    let limited =
        if change != round_to(raw, 1) { format!(", limited to {} FTE a year", fixed1(change)) } else { String::new() };
    format!(
        "{} FTE ({then_year}) to {} FTE ({year}) in post plus vacancies (DfE), {} FTE a year{limited}",
        fixed1(then),
        fixed1(now),
        fixed1(raw)
    )
}

/// Open cases' yearly growth over up to the last three years, described: the area's own, else
/// its parent's, else none; clamped to [`GROWTH_RANGE`].
fn demand_trend(r: &mut Resolver) -> String {
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
            let described = format!(
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
            return described;
        }
        area = r.data.parent(current);
        own = false;
    }
    r.notes.push(format!("demand trend: no earlier year of open cases before {year}; assumed flat (0%)"));
    format!("no open cases before {year} in the data: assumed flat")
}
