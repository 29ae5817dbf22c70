//! Stage 2 of loading: checks that need the whole merged scenario (dates in order and inside
//! the horizon, shares that add up, lists as long as the tenure bands), and range checks on
//! plain numbers. Every problem is reported, each at the line that set the offending value.

use super::LoadError;
use super::load::Provenance;
use super::param::{Dist, Param};
use super::schema::{
    AbsenceSpec, AgencySpec, CaseloadSpec, CostsSpec, DemandSpec, DestinationShares, EstablishmentSpec,
    ExperiencedSpec, InitialSpec, PipelineSpec, RetentionSpec, RouteTable, ScenarioSpec, Section, UniversitySpec,
    VacancyResponse, WelcomePaymentSpec, YearlyVariation, active,
};
use crate::calendar::YearMonth;
use crate::route::Route;
// Durations, tenures, periods and horizons: at most 100 years, the longest run.
use crate::limits::{MAX_MONTHS, MAX_NATIONAL_YEARS, MAX_TAIL, MAX_TITLE_CHARS};

/// Tenure band edges when the scenario has no `retention` section.
const DEFAULT_BAND_EDGES: [u32; 3] = [12, 24, 60];
/// How far shares may add up to something other than 1 (rounding in spreadsheets).
const SUM_TOLERANCE: f64 = 1e-6;
/// The NQSW ramp covers at most the first two years.
const MAX_RAMP_MONTHS: usize = 24;
const PROBABILITY: &str = "a probability between 0 and 1";
const NON_NEGATIVE: &str = "a number of 0 or more";
const FTE: &str = "an FTE between 0.1 and 1.0";

// Limits far beyond any council (England had about 36,000 FTE children's social workers in
// 2024, and 400,000 children in need): a value past one is a typo, and would have the engine
// allocate or loop without end, or overflow to infinity.
/// Headcount, FTE, cohort sizes and intakes.
const MAX_PEOPLE: f64 = 100_000.0;
const PEOPLE: &str = "a number from 0 to 100000";
const MAX_OPEN_CASES: f64 = 10_000_000.0;
/// Cases held by one FTE.
const MAX_CASES_PER_FTE: f64 = 1_000.0;
const CASES_PER_FTE: &str = "a number of cases per FTE from 0 to 1000";
/// Any amount of money, in pounds.
const MAX_GBP: f64 = 1_000_000_000.0;
const GBP: &str = "an amount from 0 to 1000000000 pounds";
/// Growth a year (demand, pay): at most doubling.
const MAX_GROWTH: f64 = 1.0;
/// Multipliers of recruitment, and the agency premium.
const MAX_MULTIPLIER: f64 = 10.0;
/// Most agency FTE per FTE of the gap.
const MAX_COVER: f64 = 10.0;

/// Every problem of a merged scenario; empty if it is ready to run.
pub(crate) fn check(spec: &ScenarioSpec, provenance: &Provenance) -> Vec<LoadError> {
    let mut checker = Checker { provenance, window: Window::of(spec), errors: Vec::new() };
    checker.top_level(spec);
    checker.initial(&spec.initial, band_edges(spec));
    if let Some(establishment) = active(&spec.establishment) {
        checker.establishment(establishment);
    }
    if let Some(retention) = active(&spec.retention) {
        checker.retention(retention);
    }
    if let Some(university) = active(&spec.routes.university) {
        checker.university(university);
    }
    for (route, pipeline) in spec.routes.pipelines() {
        if let Some(pipeline) = pipeline.filter(|p| p.is_enabled()) {
            checker.pipeline(route.name(), pipeline);
        }
    }
    if let Some(experienced) = active(&spec.routes.experienced) {
        checker.experienced(experienced);
    }
    if let Some(welcome) = active(&spec.welcome_payment) {
        checker.welcome_payment(welcome);
    }
    if let Some(agency) = active(&spec.agency) {
        checker.agency(agency);
    }
    if let Some(absence) = active(&spec.absence) {
        checker.absence(absence);
    }
    if let Some(demand) = active(&spec.demand) {
        checker.demand(demand);
    }
    checker.caseload(&spec.caseload);
    if let Some(costs) = active(&spec.costs) {
        checker.costs(costs);
    }
    checker.errors
}

/// The tenure bands of the starting position: those of `retention` if the section is written.
fn band_edges(spec: &ScenarioSpec) -> &[u32] {
    match &spec.retention {
        Some(retention) => &retention.band_edges_months,
        None => &DEFAULT_BAND_EDGES,
    }
}

/// The months the scenario plans for, where known.
struct Window {
    start: Option<YearMonth>,
    /// Last month of the horizon: start + horizon_months - 1.
    end: Option<YearMonth>,
    horizon_months: u32,
}

impl Window {
    fn of(spec: &ScenarioSpec) -> Self {
        let horizon = spec.horizon_months;
        let end = spec
            .start
            .filter(|_| (1..=MAX_MONTHS).contains(&horizon))
            .and_then(|start| months_after(start, horizon - 1));
        Window { start: spec.start, end, horizon_months: horizon }
    }
}

/// Whether a month can be written as "YYYY-MM" and read back (years 1000 to 9999).
fn is_datable(month: YearMonth) -> bool {
    YearMonth::new(month.year(), month.month()).is_some()
}

/// `month` plus `months`, unless that is absurdly far away (a typo in a duration).
fn months_after(month: YearMonth, months: u32) -> Option<YearMonth> {
    i32::try_from(months).ok().filter(|&months| months <= 100_000).map(|months| month.plus(months))
}

/// A sum or other computed number, without floating-point noise such as 0.7999999999999999.
fn show(value: f64) -> String {
    let rounded = format!("{value:.9}");
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" { "0".to_string() } else { trimmed.to_string() }
}

/// The default of a per-route table, then each override given.
fn route_entries<T>(table: &RouteTable<T>) -> Vec<(&'static str, &T)> {
    std::iter::once(("default", &table.default))
        .chain(Route::ALL.into_iter().filter_map(|route| Some((route.name(), table.override_for(route)?))))
        .collect()
}

/// Collects problems, each placed through the provenance of its field.
struct Checker<'a> {
    provenance: &'a Provenance,
    window: Window,
    errors: Vec<LoadError>,
}

// Generic checks.
impl Checker<'_> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(self.provenance.error(field, message));
    }

    /// A finite number in `min..=max`; `what` says what was expected.
    fn within(&mut self, field: &str, value: f64, min: f64, max: f64, what: &str) -> bool {
        let ok = value.is_finite() && min <= value && value <= max;
        if !ok {
            self.fail(field, format!("expected {what}, got {value}"));
        }
        ok
    }

    fn probability(&mut self, field: &str, value: f64) -> bool {
        self.within(field, value, 0.0, 1.0, PROBABILITY)
    }

    fn non_negative(&mut self, field: &str, value: f64) -> bool {
        self.within(field, value, 0.0, f64::MAX, NON_NEGATIVE)
    }

    fn positive(&mut self, field: &str, value: f64) -> bool {
        let ok = value.is_finite() && value > 0.0;
        if !ok {
            self.fail(field, format!("expected a number greater than 0, got {value}"));
        }
        ok
    }

    fn people(&mut self, field: &str, value: f64) -> bool {
        self.within(field, value, 0.0, MAX_PEOPLE, PEOPLE)
    }

    fn gbp(&mut self, field: &str, value: f64) -> bool {
        self.within(field, value, 0.0, MAX_GBP, GBP)
    }

    fn cases_per_fte(&mut self, field: &str, value: f64) -> bool {
        self.within(field, value, 0.0, MAX_CASES_PER_FTE, CASES_PER_FTE)
    }

    fn at_most_months(&mut self, field: &str, months: u32) {
        if months > MAX_MONTHS {
            self.fail(field, format!("expected at most {MAX_MONTHS} months (100 years), got {months}"));
        }
    }

    /// A parameter whose draws stay at or below `max`. A normal's draws are unbounded (up to its
    /// domain's limit, which may be infinite): its mean plus 6 standard deviations must stay
    /// there, which draws pass about once in a billion. The domain, checked when the parameter
    /// was read, bounds it below.
    fn param_at_most<D>(&mut self, field: &str, param: &Param<D>, max: f64, what: &str) {
        let (largest, got) = match param.dist {
            Dist::Fixed { value } => (value, format!("got {value}")),
            Dist::Uniform { max, .. } | Dist::Triangular { max, .. } => (max, format!("got a `max` of {max}")),
            Dist::Beta { .. } => (1.0, String::new()),
            Dist::Normal { mean, sd } => {
                let largest = mean + 6.0 * sd;
                (largest, format!("got a mean plus 6 standard deviations of {largest}"))
            }
        };
        if largest.is_nan() || largest > max {
            self.fail(field, format!("expected {what}, {got}"));
        }
    }

    fn fte(&mut self, field: &str, value: f64) -> bool {
        self.within(field, value, 0.1, 1.0, FTE)
    }

    /// A year-to-year variation: a standard deviation of at most 2 in logs (a factor of
    /// about 7 either way), a persistence below 1 (at 1 a swing would never fade), a share.
    fn yearly_variation(&mut self, field: &str, variation: Option<YearlyVariation>) {
        let Some(variation) = variation else { return };
        self.within(&format!("{field}.sd"), variation.sd, 0.0, 2.0, "a standard deviation from 0 to 2 (in logs)");
        self.within(&format!("{field}.persistence"), variation.persistence, 0.0, 0.99, "a correlation from 0 to 0.99");
        self.probability(&format!("{field}.national_share"), variation.national_share);
        if let Some(start) = variation.start {
            self.within(&format!("{field}.start"), start, -5.0, 5.0, "a log multiplier from -5 to 5");
        }
        self.within(
            &format!("{field}.level_sd"),
            variation.level_sd,
            0.0,
            2.0,
            "a standard deviation from 0 to 2 (in logs)",
        );
        self.within(
            &format!("{field}.tail"),
            variation.tail,
            0.0,
            MAX_TAIL,
            &format!("a tail weight (Tukey's h) from 0 to {MAX_TAIL}"),
        );
        let years = variation.national_years;
        if years == 1 || years > MAX_NATIONAL_YEARS {
            self.fail(
                &format!("{field}.national_years"),
                format!(
                    "expected 0 (the national share known) or the years it was read from, 2 to {MAX_NATIONAL_YEARS}, got {years}"
                ),
            );
        }
    }

    fn at_least_one_month(&mut self, field: &str, months: u32) {
        if months == 0 {
            self.fail(field, "expected at least 1 month, got 0");
        }
    }

    /// Each share a probability, and (if `must_sum`) all of them adding up to 1.
    fn shares(&mut self, field: &str, shares: &[(String, f64)], must_sum: bool) {
        let mut all_valid = true;
        for (share_field, value) in shares {
            all_valid &= self.probability(share_field, *value);
        }
        if !(must_sum && all_valid) {
            return;
        }
        let sum: f64 = shares.iter().map(|(_, value)| value).sum();
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            let terms: Vec<String> = shares.iter().map(|(_, value)| value.to_string()).collect();
            self.fail(field, format!("expected shares adding up to 1, got {} = {}", terms.join(" + "), show(sum)));
        }
    }

    /// A dated event: not after the horizon, and (unless it may have begun earlier, like a
    /// training cohort) not before the start.
    fn month_in_window(&mut self, field: &str, month: YearMonth, may_precede_start: bool) {
        if let Some(start) = self.window.start
            && !may_precede_start
            && month < start
        {
            self.fail(field, format!("{month} is before the scenario start, {start}"));
        }
        if let (Some(start), Some(end)) = (self.window.start, self.window.end)
            && month > end
        {
            let horizon = self.window.horizon_months;
            self.fail(
                field,
                format!("{month} is after the horizon, which ends {end} (start {start} plus {horizon} months)"),
            );
        }
    }

    /// Dated entries of a list must not go back in time.
    fn in_date_order(&mut self, fields: &[String], months: &[YearMonth]) {
        for (i, pair) in months.windows(2).enumerate() {
            let (previous, month) = (pair[0], pair[1]);
            if month < previous
                && let Some(field) = fields.get(i + 1)
            {
                self.fail(
                    field,
                    format!("expected entries in date order, but {month} comes after {previous} in the list"),
                );
            }
        }
    }

    /// Dated changes (establishment, agency supply): in order and inside the horizon.
    fn dated_changes(&mut self, list: &str, date_key: &str, months: &[YearMonth]) {
        let fields: Vec<String> = (0..months.len()).map(|i| format!("{list}[{i}].{date_key}")).collect();
        for (field, month) in fields.iter().zip(months) {
            self.month_in_window(field, *month, false);
        }
        self.in_date_order(&fields, months);
    }
}

// The sections of a scenario.
impl Checker<'_> {
    fn top_level(&mut self, spec: &ScenarioSpec) {
        if spec.start.is_none() {
            self.fail("start", "`start` is required: expected a month like \"2024-10\"");
        }
        let horizon = spec.horizon_months;
        if !(1..=MAX_MONTHS).contains(&horizon) {
            self.fail("horizon_months", format!("expected a number of months from 1 to {MAX_MONTHS}, got {horizon}"));
        } else if let Some(start) = spec.start {
            // Outputs date every month "YYYY-MM", from month 0 (the month before `start`) to
            // the last month simulated, and read the dates back: all must have 4-digit years.
            let (first, last) = (start.plus(-1), start.plus(horizon as i32 - 1));
            if !is_datable(first) {
                self.fail(
                    "start",
                    format!("{start} is too early: month 0, {first}, must be in the year 1000 or later"),
                );
            } else if !is_datable(last) {
                self.fail(
                    "horizon_months",
                    format!(
                        "{horizon} months from {start} end after {}, the last month that can be dated: use an earlier start or a shorter horizon",
                        YearMonth::LAST_DATABLE
                    ),
                );
            }
        }
        if let Some(name) = &spec.name {
            if name.trim().is_empty() {
                self.fail("name", format!("expected a non-empty name, got {name:?}"));
            } else if name.chars().any(char::is_control) {
                self.fail("name", format!("expected a name without control characters, got {name:?}"));
            }
        }
        if let Some(title) = &spec.title {
            let length = title.chars().count();
            if title.trim().is_empty() || title.chars().any(char::is_control) || length > MAX_TITLE_CHARS {
                self.fail(
                    "title",
                    format!(
                        "expected a title of 1 to {MAX_TITLE_CHARS} characters on one line, got {length} characters: {title:?}"
                    ),
                );
            }
        }
    }

    fn initial(&mut self, initial: &InitialSpec, band_edges: &[u32]) {
        self.initial_fte(initial);
        self.probability("initial.manager_share", initial.manager_share);
        self.probability("initial.absent_share", initial.absent_share);
        self.within("initial.open_cases", initial.open_cases, 0.0, MAX_OPEN_CASES, "a number from 0 to 10000000");
        self.people("initial.leavers_fte_last_12_months", initial.leavers_fte_last_12_months);
        self.fte("initial.part_time_fte", initial.part_time_fte);
        self.at_most_months("initial.max_tenure_months", initial.max_tenure_months);
        self.at_most_months("initial.experienced_prior_months", initial.experienced_prior_months);
        let staffed = initial.headcount > 0;
        let route_shares = initial
            .route_shares
            .by_route()
            .map(|(route, share)| (format!("initial.route_shares.{}", route.name()), share));
        self.shares("initial.route_shares", &route_shares, staffed);
        self.tenure(initial, band_edges);
    }

    /// FTE in post must fit the headcount (each worker 0.1 to 1.0 FTE), and the rest of the
    /// starting staff must be consistent with it.
    fn initial_fte(&mut self, initial: &InitialSpec) {
        let fte = initial.fte_in_post;
        let fte_valid = self.non_negative("initial.fte_in_post", fte);
        let headcount = f64::from(initial.headcount);
        if headcount > MAX_PEOPLE {
            self.fail("initial.headcount", format!("expected {PEOPLE}, got {}", initial.headcount));
        }
        if fte_valid && initial.headcount == 0 && fte != 0.0 {
            self.fail("initial.fte_in_post", format!("expected 0 FTE in post when `headcount` is 0, got {fte}"));
        } else if fte_valid && initial.headcount > 0 && !(0.1 * headcount - 1e-9..=headcount + 1e-9).contains(&fte) {
            self.fail(
                "initial.fte_in_post",
                format!(
                    "expected between {} and {} FTE for a headcount of {} (each worker 0.1 to 1.0 FTE), got {fte}",
                    show(0.1 * headcount),
                    initial.headcount,
                    initial.headcount
                ),
            );
        }
        let vacancy = initial.vacancy_rate;
        if !(vacancy.is_finite() && (0.0..1.0).contains(&vacancy)) {
            self.fail(
                "initial.vacancy_rate",
                format!("expected a vacancy rate of 0 or more and below 1, got {vacancy}"),
            );
        } else if fte_valid && fte / (1.0 - vacancy) > MAX_PEOPLE {
            self.fail(
                "initial.vacancy_rate",
                format!(
                    "a vacancy rate of {vacancy} with {fte} FTE in post makes an establishment of {} FTE, more than {MAX_PEOPLE}",
                    show(fte / (1.0 - vacancy))
                ),
            );
        }
        let agency_valid = self.people("initial.agency_fte", initial.agency_fte);
        if let Some(case_holding) = initial.case_holding_fte {
            if fte_valid && agency_valid {
                let most = fte + initial.agency_fte;
                let what = format!("a case-holding FTE between 0 and FTE in post plus agency FTE ({})", show(most));
                self.within("initial.case_holding_fte", case_holding, 0.0, most, &what);
            } else {
                self.non_negative("initial.case_holding_fte", case_holding);
            }
        }
    }

    /// Shares by tenure band: one per band, adding up to 1, and a longest tenure beyond the
    /// last band edge.
    fn tenure(&mut self, initial: &InitialSpec, band_edges: &[u32]) {
        let field = "initial.tenure_band_shares";
        let shares: Vec<(String, f64)> =
            initial.tenure_band_shares.iter().enumerate().map(|(i, share)| (format!("{field}[{i}]"), *share)).collect();
        let bands = band_edges.len() + 1;
        let staffed = initial.headcount > 0;
        if staffed && shares.len() != bands {
            self.fail(
                field,
                format!(
                    "expected {bands} shares, one per tenure band (band edges {band_edges:?} months), got {}",
                    shares.len()
                ),
            );
            self.shares(field, &shares, false);
        } else {
            self.shares(field, &shares, staffed);
        }
        if let Some(&last_edge) = band_edges.last()
            && initial.max_tenure_months <= last_edge
        {
            self.fail(
                "initial.max_tenure_months",
                format!(
                    "expected more months than the last tenure band edge ({last_edge}), got {}",
                    initial.max_tenure_months
                ),
            );
        }
    }

    fn establishment(&mut self, establishment: &EstablishmentSpec) {
        let growth = "a rate a year from -1 to 1 (-100% to +100%)";
        self.param_at_most("establishment.annual_growth", &establishment.annual_growth, MAX_GROWTH, growth);
        self.yearly_variation("establishment.yearly_variation", establishment.yearly_variation);
        self.yearly_variation("establishment.moves_with_staff", establishment.moves_with_staff);
        if let Some(with) = establishment.growth_with_swings {
            let expected = "a change in log growth per unit log swing from -1 to 1";
            self.within("establishment.growth_with_swings.leaving", with.leaving, -1.0, 1.0, expected);
            self.within("establishment.growth_with_swings.intake", with.intake, -1.0, 1.0, expected);
        }
        let months: Vec<YearMonth> = establishment.changes.iter().map(|change| change.from).collect();
        self.dated_changes("establishment.changes", "from", &months);
        // Posts added, all together: the establishment never grows by more than this.
        let mut added = 0.0;
        for (i, change) in establishment.changes.iter().enumerate() {
            let field = format!("establishment.changes[{i}].change_fte");
            let fte = change.change_fte;
            if !(fte.is_finite() && fte.abs() <= MAX_PEOPLE) {
                self.fail(&field, format!("expected a number of FTE from -{MAX_PEOPLE} to {MAX_PEOPLE} (negative to remove posts), got {fte}"));
            } else if fte > 0.0 {
                added += fte;
                if added > MAX_PEOPLE {
                    self.fail(
                        &field,
                        format!("the changes so far add {} FTE of posts, more than {MAX_PEOPLE}", show(added)),
                    );
                    break;
                }
            }
        }
    }

    fn retention(&mut self, retention: &RetentionSpec) {
        self.yearly_variation("retention.yearly_variation", retention.yearly_variation);
        let edges = &retention.band_edges_months;
        self.band_edges(edges);
        let bands = edges.len() + 1;
        for (route, probabilities) in route_entries(&retention.annual_leave_prob) {
            if probabilities.len() != bands {
                self.fail(
                    &format!("retention.annual_leave_prob.{route}"),
                    format!(
                        "expected {bands} annual leaving probabilities, one per tenure band (band edges {edges:?} months), got {}",
                        probabilities.len()
                    ),
                );
            }
        }
        for (route, destinations) in route_entries(&retention.destinations) {
            self.destinations(&format!("retention.destinations.{route}"), destinations);
        }
        if let Some(allowance) = active(&retention.allowance) {
            self.probability("retention.allowance.eligible_share", allowance.eligible_share);
            self.gbp("retention.allowance.amount_gbp", allowance.amount_gbp);
            self.at_most_months("retention.allowance.min_service_months", allowance.min_service_months);
        }
        if let Some(pressure) = active(&retention.caseload_pressure) {
            if self.positive("retention.caseload_pressure.threshold_cases", pressure.threshold_cases) {
                self.cases_per_fte("retention.caseload_pressure.threshold_cases", pressure.threshold_cases);
            }
            let field = "retention.caseload_pressure.averaging_months";
            self.at_least_one_month(field, pressure.averaging_months);
            self.at_most_months(field, pressure.averaging_months);
        }
    }

    fn band_edges(&mut self, edges: &[u32]) {
        if edges.is_empty() {
            self.fail(
                "retention.band_edges_months",
                "expected at least one band edge in months, such as [12, 24, 60], got []",
            );
        }
        for (i, &edge) in edges.iter().enumerate() {
            let field = format!("retention.band_edges_months[{i}]");
            if edge == 0 {
                self.fail(&field, "expected a band edge of at least 1 month, got 0");
            } else if edge > MAX_MONTHS {
                self.at_most_months(&field, edge);
            } else if let Some(&previous) = i.checked_sub(1).and_then(|j| edges.get(j))
                && edge <= previous
            {
                self.fail(&field, format!("expected band edges in increasing order, got {edge} after {previous}"));
            }
        }
    }

    fn destinations(&mut self, field: &str, destinations: &DestinationShares) {
        let shares = [
            ("other_council", destinations.other_council),
            ("agency", destinations.agency),
            ("left_profession", destinations.left_profession),
            ("internal_move", destinations.internal_move),
            ("retirement", destinations.retirement),
        ]
        .map(|(destination, share)| (format!("{field}.{destination}"), share));
        self.shares(field, &shares, true);
    }

    fn university(&mut self, university: &UniversitySpec) {
        self.within(
            "routes.university.frictional_vacancy_rate",
            university.frictional_vacancy_rate,
            0.0,
            0.5,
            "a share of funded posts from 0 to 0.5",
        );
        let months = &university.intake_months;
        for (i, &month) in months.iter().enumerate() {
            let field = format!("routes.university.intake_months[{i}]");
            if !(1..=12).contains(&month) {
                self.fail(&field, format!("expected a calendar month from 1 to 12, got {month}"));
            } else if months[..i].contains(&month) {
                self.fail(&field, format!("expected each month once, but {month} is listed twice"));
            }
        }
        let field = "routes.university.intake_shares";
        let shares: Vec<(String, f64)> =
            university.intake_shares.iter().enumerate().map(|(i, share)| (format!("{field}[{i}]"), *share)).collect();
        if shares.len() == months.len() {
            self.shares(field, &shares, true);
        } else {
            self.fail(
                field,
                format!("expected one share per intake month ({} months), got {} share(s)", months.len(), shares.len()),
            );
            self.shares(field, &shares, false);
        }
        self.fte("routes.university.fte", university.fte);
        self.param_at_most("routes.university.annual_intake", &university.annual_intake, MAX_PEOPLE, PEOPLE);
        self.yearly_variation("routes.university.yearly_variation", university.yearly_variation);
    }

    fn pipeline(&mut self, route: &str, pipeline: &PipelineSpec) {
        let base = format!("routes.{route}");
        self.at_least_one_month(&format!("{base}.duration_months"), pipeline.duration_months);
        self.at_most_months(&format!("{base}.duration_months"), pipeline.duration_months);
        self.at_most_months(&format!("{base}.prior_experience_months"), pipeline.prior_experience_months);
        self.fte(&format!("{base}.fte"), pipeline.fte);
        let start_fields: Vec<String> =
            (0..pipeline.cohorts.len()).map(|i| format!("{base}.cohorts[{i}].start")).collect();
        for (i, cohort) in pipeline.cohorts.iter().enumerate() {
            let cohort_field = format!("{base}.cohorts[{i}]");
            if let Some(duration) = cohort.duration_months {
                self.at_least_one_month(&format!("{cohort_field}.duration_months"), duration);
                self.at_most_months(&format!("{cohort_field}.duration_months"), duration);
            }
            self.param_at_most(&format!("{cohort_field}.size"), &cohort.size, MAX_PEOPLE, PEOPLE);
            let duration = cohort.duration_months.unwrap_or(pipeline.duration_months);
            self.month_in_window(&start_fields[i], cohort.start, true);
            self.cohort_not_finished(&start_fields[i], cohort.start, duration);
        }
        let starts: Vec<YearMonth> = pipeline.cohorts.iter().map(|cohort| cohort.start).collect();
        self.in_date_order(&start_fields, &starts);
        if let Some(recurring) = &pipeline.recurring {
            let field = format!("{base}.recurring");
            self.at_least_one_month(&format!("{field}.every_months"), recurring.every_months);
            self.at_most_months(&format!("{field}.every_months"), recurring.every_months);
            self.param_at_most(&format!("{field}.size"), &recurring.size, MAX_PEOPLE, PEOPLE);
            self.month_in_window(&format!("{field}.first_start"), recurring.first_start, true);
            // Only the first cohort need be checked: the later ones start later.
            self.cohort_not_finished(&format!("{field}.first_start"), recurring.first_start, pipeline.duration_months);
            if let Some(last) = recurring.last_start
                && last < recurring.first_start
            {
                self.fail(
                    &format!("{field}.last_start"),
                    format!("expected a month not before `first_start` ({}), got {last}", recurring.first_start),
                );
            }
        }
    }

    /// A cohort that qualified before the scenario starts is already part of the workforce:
    /// it belongs in the starting position, not in a pipeline.
    fn cohort_not_finished(&mut self, field: &str, cohort_start: YearMonth, duration: u32) {
        let Some(start) = self.window.start else {
            return;
        };
        if duration == 0 {
            return;
        }
        if let Some(qualified) = months_after(cohort_start, duration)
            && qualified <= start
        {
            self.fail(
                field,
                format!(
                    "this cohort started {cohort_start} and, taking {duration} months, qualified by {qualified}, before the scenario starts ({start}): include those workers in the starting stock (`initial`) instead"
                ),
            );
        }
    }

    fn experienced(&mut self, experienced: &ExperiencedSpec) {
        self.probability("routes.experienced.manager_share", experienced.manager_share);
        self.probability("routes.experienced.part_time_share", experienced.part_time_share);
        self.yearly_variation("routes.experienced.yearly_variation", experienced.yearly_variation);
        if let Some(response) = experienced.vacancy_response {
            self.vacancy_response("routes.experienced.vacancy_response", response);
        }
        if let Some(per_month) = &experienced.per_month {
            self.param_at_most("routes.experienced.per_month", per_month, MAX_PEOPLE, PEOPLE);
        }
    }

    fn vacancy_response(&mut self, field: &str, response: VacancyResponse) {
        self.within(
            &format!("{field}.reference_vacancy_rate"),
            response.reference_vacancy_rate,
            0.001,
            0.99,
            "a vacancy rate from 0.001 to 0.99",
        );
        self.within(&format!("{field}.elasticity"), response.elasticity, 0.0, 1.0, "an elasticity from 0 to 1");
    }

    fn welcome_payment(&mut self, welcome: &WelcomePaymentSpec) {
        self.gbp("welcome_payment.amount_gbp", welcome.amount_gbp);
        self.probability("welcome_payment.salary_share", welcome.salary_share);
        self.at_most_months("welcome_payment.clawback_months", welcome.clawback_months);
        self.at_most_months("welcome_payment.months_after_clawback", welcome.months_after_clawback);
        self.param_at_most(
            "welcome_payment.recruitment_multiplier",
            &welcome.recruitment_multiplier,
            MAX_MULTIPLIER,
            "a multiplier from 0 to 10",
        );
        if welcome.routes.is_empty() {
            self.fail(
                "welcome_payment.routes",
                "expected at least one route, such as [\"university\", \"experienced\"], got []",
            );
        }
        for (i, route) in welcome.routes.iter().enumerate() {
            if welcome.routes[..i].contains(route) {
                self.fail(
                    &format!("welcome_payment.routes[{i}]"),
                    format!("expected each route once, but {:?} is listed twice", route.name()),
                );
            }
        }
    }

    fn agency(&mut self, agency: &AgencySpec) {
        let months: Vec<YearMonth> = agency.supply_changes.iter().map(|change| change.from).collect();
        self.dated_changes("agency.supply_changes", "from", &months);
        self.param_at_most(
            "agency.cover_share",
            &agency.cover_share,
            MAX_COVER,
            "agency FTE per vacant FTE from 0 to 10",
        );
        self.at_most_months("agency.adjustment_months", agency.adjustment_months);
        self.yearly_variation("agency.yearly_variation", agency.yearly_variation);
        if let Some(response) = agency.vacancy_response {
            self.vacancy_response("agency.vacancy_response", response);
        }
        self.within("agency.swing_offset", agency.swing_offset, 0.0, 1.0, "agency FTE per funded post from 0 to 1");
    }

    fn absence(&mut self, absence: &AbsenceSpec) {
        let months = format!("a mean of at most {MAX_MONTHS} months (100 years)");
        let mean = &absence.mean_duration_months;
        self.param_at_most("absence.mean_duration_months", mean, f64::from(MAX_MONTHS), &months);
    }

    fn demand(&mut self, demand: &DemandSpec) {
        let growth = "a rate a year from -1 to 1 (-100% to +100%)";
        self.param_at_most("demand.annual_growth", &demand.annual_growth, MAX_GROWTH, growth);
        self.yearly_variation("demand.yearly_variation", demand.yearly_variation);
        self.within(
            "demand.monthly_noise_sd",
            demand.monthly_noise_sd,
            0.0,
            1.0,
            "a standard deviation between 0 and 1",
        );
    }

    /// Amounts are pounds of 0 or more; on-costs a share of salary.
    fn costs(&mut self, costs: &CostsSpec) {
        let salaries = &costs.salary_gbp;
        for (grade, salary) in [
            ("nqsw", salaries.nqsw),
            ("social_worker", salaries.social_worker),
            ("senior", salaries.senior),
            ("manager", salaries.manager),
        ] {
            self.gbp(&format!("costs.salary_gbp.{grade}"), salary);
        }
        let supplements = &costs.market_supplement_gbp;
        for (grade, supplement) in [
            ("nqsw", supplements.nqsw),
            ("social_worker", supplements.social_worker),
            ("senior", supplements.senior),
            ("manager", supplements.manager),
        ] {
            self.gbp(&format!("costs.market_supplement_gbp.{grade}"), supplement);
        }
        self.at_most_months("costs.senior_after_months", costs.senior_after_months);
        let growth = "a rate a year from -1 to 1 (-100% to +100%)";
        self.param_at_most("costs.annual_pay_award", &costs.annual_pay_award, MAX_GROWTH, growth);
        let premium = "a premium from 0 to 10 (1000%)";
        self.param_at_most("costs.agency_premium", &costs.agency_premium, MAX_MULTIPLIER, premium);
        self.within("costs.oncost_rate", costs.oncost_rate, 0.0, 1.0, "a share of salary between 0 and 1");
        let hires = &costs.recruitment_per_hire_gbp;
        self.gbp("costs.recruitment_per_hire_gbp.newly_qualified", hires.newly_qualified);
        self.gbp("costs.recruitment_per_hire_gbp.experienced", hires.experienced);
        for (route, cost) in costs.trainee_monthly_gbp.by_route() {
            self.gbp(&format!("costs.trainee_monthly_gbp.{}", route.name()), cost);
        }
        self.gbp("costs.asye_grant_gbp", costs.asye_grant_gbp);
    }

    fn caseload(&mut self, caseload: &CaseloadSpec) {
        if self.positive("caseload.full_cases_per_fte", caseload.full_cases_per_fte) {
            self.cases_per_fte("caseload.full_cases_per_fte", caseload.full_cases_per_fte);
        }
        let ramp = &caseload.nqsw_ramp_cases;
        if ramp.len() > MAX_RAMP_MONTHS {
            self.fail(
                "caseload.nqsw_ramp_cases",
                format!(
                    "expected at most {MAX_RAMP_MONTHS} monthly caseloads (the first two years), got {}",
                    ramp.len()
                ),
            );
        }
        for (i, &cases) in ramp.iter().enumerate() {
            self.cases_per_fte(&format!("caseload.nqsw_ramp_cases[{i}]"), cases);
        }
        self.cases_per_fte("caseload.agency_cases_per_fte", caseload.agency_cases_per_fte);
        self.probability("caseload.agency_case_holding_share", caseload.agency_case_holding_share);
        if let Some(cap) = caseload.cap_cases_per_fte {
            // Each April the cap funds open cases / cap posts: a cap below 1 would fund more
            // posts than there are cases.
            self.within(
                "caseload.cap_cases_per_fte",
                cap,
                1.0,
                MAX_CASES_PER_FTE,
                "a cap from 1 to 1000 cases per FTE",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_sums_without_float_noise() {
        assert_eq!(show(0.1 + 0.7), "0.8");
        assert_eq!(show(1.0), "1");
        assert_eq!(show(2.5), "2.5");
        assert_eq!(show(-0.0000000001), "0");
    }

    #[test]
    fn months_after_refuses_absurd_offsets() {
        let october: YearMonth = "2024-10".parse().expect("valid month");
        assert_eq!(months_after(october, 3).map(|m| m.to_string()), Some("2025-01".to_string()));
        assert_eq!(months_after(october, u32::MAX), None);
    }
}
