//! The people: permanent workers in post, trainees in pipelines, and the starting stock laid
//! out from aggregate figures.

use super::Route;
use super::model::split_by_shares;
use super::rng::{Key, Process};
use super::standing::{NO_CAREER, Standing};
use crate::scenario::schema::InitialSpec;

/// "No such month": not absent, no clawback.
pub const NEVER: i32 = i32::MIN / 2;

/// "From no month": never paid the allowance.
pub const NEVER_FROM: i32 = i32::MAX;

/// A permanent social worker in post. The engine looks at a worker only when something
/// happens to them (see `simulate`): they leave, an absence starts or ends, or their standing
/// changes.
#[derive(Debug, Clone, Copy)]
pub struct Worker {
    /// This worker's stream: their rare draws (leaving, destination, absences) come from its
    /// children.
    pub key: Key,
    /// On the census grid (see [`on_census_grid`]).
    pub fte: f64,
    /// Month index of joining this council (0 or less for the starting stock).
    pub joined: i32,
    /// Month index of qualifying as a social worker.
    pub qualified: i32,
    /// On a long absence now.
    pub absent: bool,
    /// The last month of the current absence (if `absent`).
    pub absent_until: i32,
    /// The month the next absence starts (if not `absent`); `NEVER_FROM` if none will.
    pub next_absence: i32,
    /// Welcome-payment clawback ends after this month index, or `NEVER`.
    pub clawback_until: i32,
    /// The welcome payment received on joining, in pounds (0 if none).
    pub welcome_gbp: f64,
    pub route: Route,
    /// Manager or other non-case-holding post.
    pub manager: bool,
    /// The month from which this worker's post is paid the retention allowance (once the
    /// minimum service is reached), if it is eligible at all; `NEVER_FROM` if not. Worked out
    /// on joining so that a standing compares one number.
    pub allowance_from: i32,
    /// What changes only now and then, worked out again when it may change.
    pub standing: Standing,
    /// For a worker who joined during the run, the place of their standing's stage in the
    /// replication's `Careers`; `NO_CAREER` for the starting stock.
    pub career_stage: u32,
    /// Leaving: the exposure (pressure-weighted months at the leaving rate, see `simulate`)
    /// still to come before this worker leaves, counted from the replication's exposure clock
    /// at `exposure_anchor`.
    pub exposure_left: f64,
    pub exposure_anchor: f64,
}

impl Worker {
    /// A worker with streams derived from `key` (unique per worker within a replication).
    pub fn new(key: Key, route: Route, fte: f64, joined: i32, qualified: i32) -> Worker {
        Worker {
            key: key.process(Process::Leaving),
            fte: on_census_grid(fte),
            joined,
            qualified,
            absent: false,
            absent_until: NEVER,
            next_absence: NEVER_FROM,
            clawback_until: NEVER,
            welcome_gbp: 0.0,
            route,
            manager: false,
            allowance_from: NEVER_FROM,
            standing: Standing::UNSETTLED,
            career_stage: NO_CAREER,
            exposure_left: f64::INFINITY,
            exposure_anchor: 0.0,
        }
    }

    /// The replication's exposure clock reading at which this worker leaves, at their
    /// current leaving rate (infinite at a rate of 0).
    #[inline]
    pub fn leaving_exposure(&self) -> f64 {
        let rate = self.standing.leaving_rate;
        if rate > 0.0 { self.exposure_anchor + self.exposure_left / rate } else { f64::INFINITY }
    }

    /// Uses up the exposure between the anchor and `clock` at the current leaving rate, and
    /// anchors at `clock`: done before the rate changes.
    #[inline]
    pub fn advance_exposure(&mut self, clock: f64) {
        let elapsed = clock - self.exposure_anchor;
        if elapsed > 0.0 && self.standing.leaving_rate > 0.0 {
            self.exposure_left = (self.exposure_left - self.standing.leaving_rate * elapsed).max(0.0);
        }
        self.exposure_anchor = clock;
    }

    /// The grade, which sets pay: managers (non-case-holding posts) by their flag, the others
    /// by months since qualifying.
    #[inline]
    pub fn grade(&self, month: i32, senior_after_months: i32) -> Grade {
        let months_qualified = month - self.qualified;
        if self.manager {
            Grade::Manager
        } else if months_qualified < 12 {
            Grade::Nqsw
        } else if months_qualified >= senior_after_months {
            Grade::Senior
        } else {
            Grade::SocialWorker
        }
    }
}

/// Rounds an FTE or a number of cases to a multiple of 2^-36 (about 1.5e-11). Sums of such
/// numbers up to 2^17 (131,072) are exact in any order, so the census, kept up to date by
/// adding and taking away one worker at a time, is always exactly what counting everyone
/// afresh would give, and a stock that empties is exactly 0, never a rounding error below.
pub fn on_census_grid(value: f64) -> f64 {
    const SCALE: f64 = (1u64 << 36) as f64;
    // Adding and taking away 1.5 x 2^52 rounds to a whole number (ties to even) in two
    // instructions, where `f64::round` is a library call on baseline x86-64.
    const ROUNDER: f64 = 1.5 * (1u64 << 52) as f64;
    let scaled = value * SCALE;
    if scaled.abs() < (1u64 << 51) as f64 { ((scaled + ROUNDER) - ROUNDER) / SCALE } else { value }
}

/// Grade of a permanent worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Newly qualified, in the ASYE year.
    Nqsw = 0,
    SocialWorker = 1,
    /// Senior or advanced practitioner.
    Senior = 2,
    /// Manager or other non-case-holding post.
    Manager = 3,
}

impl Grade {
    pub const COUNT: usize = 4;

    pub fn index(self) -> usize {
        self as usize
    }
}

impl From<crate::scenario::schema::GradeName> for Grade {
    fn from(name: crate::scenario::schema::GradeName) -> Grade {
        use crate::scenario::schema::GradeName;
        match name {
            GradeName::Nqsw => Grade::Nqsw,
            GradeName::SocialWorker => Grade::SocialWorker,
            GradeName::Senior => Grade::Senior,
            GradeName::Manager => Grade::Manager,
        }
    }
}

/// A trainee in a pipeline: not in post, not a case holder, not in the FTE.
#[derive(Debug, Clone, Copy)]
pub struct Trainee {
    pub key: Key,
    pub route: Route,
    /// Month index in which the trainee qualifies into post.
    pub qualifies: i32,
    pub monthly_dropout: f64,
    pub fte: f64,
    pub prior_experience_months: u32,
}

/// One worker of the starting stock, before any randomness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StockWorker {
    pub route: Route,
    pub fte: f64,
    pub tenure_months: u32,
    pub months_qualified: u32,
    pub manager: bool,
    pub absent: bool,
}

/// The starting stock, laid out once per scenario and identical in every replication, so
/// that month 0 reproduces the aggregate figures exactly.
#[derive(Debug, Clone, Default)]
pub struct StockTemplate {
    pub workers: Vec<StockWorker>,
}

/// Lays out the starting stock from the aggregate figures:
/// - headcount split by route and tenure band (largest remainder, so counts are whole and add
///   up), tenure spread evenly within each band;
/// - the part-timers needed to turn headcount into FTE in post, spread evenly;
/// - absent workers (`absent_share` of headcount), spread evenly;
/// - managers (non-case-holding posts) taken from the longest-serving experienced workers
///   until the case-holding FTE (with the agency FTE holding cases, `agency_case_holding_share`
///   of it) matches `case_holding_fte`, or `manager_share` of headcount if that is not given.
pub fn build_stock_template(
    initial: &InitialSpec,
    agency_case_holding_share: f64,
    band_edges: &[u32],
) -> StockTemplate {
    let headcount = initial.headcount as usize;
    if headcount == 0 {
        return StockTemplate::default();
    }
    let routes = initial.route_shares.by_route();
    // No tenure mix given: one band from 0 to the longest tenure.
    let (band_shares, band_edges): (Vec<f64>, &[u32]) = if initial.tenure_band_shares.is_empty() {
        (vec![1.0], &[])
    } else {
        (initial.tenure_band_shares.clone(), band_edges)
    };
    let mut band_bounds: Vec<(u32, u32)> = Vec::new();
    let mut lower = 0;
    for band in 0..band_shares.len() {
        let upper = band_edges.get(band).copied().unwrap_or(initial.max_tenure_months.max(lower + 1));
        band_bounds.push((lower, upper));
        lower = upper;
    }
    let cell_shares =
        routes.iter().flat_map(|(_, route_share)| band_shares.iter().map(move |band_share| route_share * band_share));
    let cell_counts = split_by_shares(initial.headcount, cell_shares);

    let mut workers = Vec::with_capacity(headcount);
    for (cell, count) in cell_counts.iter().enumerate() {
        let (route, _) = routes[cell / band_shares.len()];
        let (low, high) = band_bounds[cell % band_shares.len()];
        for k in 0..*count {
            let tenure_months = low + ((k as f64 + 0.5) * (high - low) as f64 / *count as f64) as u32;
            let prior = if route.joins_newly_qualified() { 0 } else { initial.experienced_prior_months };
            workers.push(StockWorker {
                route,
                fte: 1.0,
                tenure_months,
                months_qualified: tenure_months + prior,
                manager: false,
                absent: false,
            });
        }
    }

    set_part_time(&mut workers, initial.fte_in_post, initial.part_time_fte);
    let absent_count = (initial.absent_share * headcount as f64).round() as usize;
    for (i, worker) in workers.iter_mut().enumerate() {
        worker.absent = spread_evenly(i, absent_count, headcount);
    }
    assign_managers(&mut workers, initial, agency_case_holding_share);
    StockTemplate { workers }
}

/// True for `count` of `total` positions, spread evenly (Bresenham).
fn spread_evenly(position: usize, count: usize, total: usize) -> bool {
    (position + 1) * count / total > position * count / total
}

/// Makes enough workers part-time for the FTE to add up to `fte_in_post`.
fn set_part_time(workers: &mut [StockWorker], fte_in_post: f64, part_time_fte: f64) {
    let headcount = workers.len();
    let shortfall = headcount as f64 - fte_in_post;
    if shortfall <= 1e-9 {
        return;
    }
    let mut part_timers = ((shortfall / (1.0 - part_time_fte).max(1e-9)).round() as usize).clamp(1, headcount);
    // Each part-timer's FTE is whatever makes the total exact; keep it in (0, 1].
    while part_timers < headcount && (fte_in_post - (headcount - part_timers) as f64) / part_timers as f64 <= 0.0 {
        part_timers += 1;
    }
    let each = ((fte_in_post - (headcount - part_timers) as f64) / part_timers as f64).clamp(0.01, 1.0);
    for (i, worker) in workers.iter_mut().enumerate() {
        if spread_evenly(i, part_timers, headcount) {
            worker.fte = each;
        }
    }
}

fn assign_managers(workers: &mut [StockWorker], initial: &InitialSpec, agency_case_holding_share: f64) {
    // Longest-serving qualified (past their first year) workers first; ties by position.
    let mut candidates: Vec<usize> = (0..workers.len()).filter(|&i| workers[i].months_qualified >= 12).collect();
    candidates.sort_by(|&a, &b| workers[b].tenure_months.cmp(&workers[a].tenure_months).then(a.cmp(&b)));
    match initial.case_holding_fte {
        Some(target) => {
            let permanent_target = target - agency_case_holding_share * initial.agency_fte;
            let mut case_holding: f64 = workers.iter().filter(|w| !w.absent).map(|w| w.fte).sum();
            for i in candidates {
                let worker = &mut workers[i];
                if worker.absent {
                    continue;
                }
                if case_holding - permanent_target < worker.fte / 2.0 {
                    break;
                }
                worker.manager = true;
                case_holding -= worker.fte;
            }
        }
        None => {
            let count = (initial.manager_share * workers.len() as f64).round() as usize;
            for i in candidates.into_iter().take(count) {
                workers[i].manager = true;
            }
        }
    }
}

/// Sums over the workers in post: what the metrics, the costs and the next processes need.
/// Kept up to date as workers join, leave and change (each change takes the worker's old
/// contribution away and adds the new one); exact, as every amount is on the census grid, so
/// the order of the changes does not matter.
/// Prices are applied afterwards to the FTE by grade.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Census {
    pub fte: f64,
    pub headcount: u32,
    pub absent_fte: f64,
    /// Headcount in their first year after qualifying (managers excepted: they are not in
    /// the ASYE).
    pub nqsw_headcount: u32,
    /// Present, case-holding permanent FTE.
    pub case_holding_fte: f64,
    /// Cases the present permanent case holders can hold.
    pub capacity: f64,
    /// The sum of the workers' joining months: with the headcount, it gives their total
    /// tenure exactly.
    joined_total: i64,
    /// FTE by `Grade::index`.
    fte_by_grade: [f64; Grade::COUNT],
    /// FTE on posts paid the retention allowance.
    pub allowance_fte: f64,
}

impl Census {
    /// Counts a worker in, as they stand now (standing, absence).
    pub fn add(&mut self, worker: &Worker) {
        self.count(worker, 1);
    }

    /// Takes away what `add` counted for the worker as they stand now.
    pub fn remove(&mut self, worker: &Worker) {
        self.count(worker, -1);
    }

    /// Moves a worker's part from how they stood before a change (`was_standing`,
    /// `was_absent`) to how they stand now: what `remove` before the change and `add` after it
    /// would do, without the parts a change of standing or absence leaves alone (FTE,
    /// headcount, joining month). The same sums: every amount is on the census grid.
    pub fn restate(&mut self, worker: &Worker, was_standing: &Standing, was_absent: bool) {
        self.count_standing(worker, was_standing, was_absent, -1);
        self.count_standing(worker, &worker.standing, worker.absent, 1);
    }

    /// Adds (`sign` 1) or takes away (-1) the worker's part.
    fn count(&mut self, worker: &Worker, sign: i32) {
        self.fte += f64::from(sign) * worker.fte;
        self.headcount = self.headcount.wrapping_add_signed(sign);
        self.joined_total += i64::from(sign) * i64::from(worker.joined);
        self.count_standing(worker, &worker.standing, worker.absent, sign);
    }

    /// The part of `count` that follows the worker's standing and absence. Without branches:
    /// which parts a worker counts in is down to luck, which a branch predictor cannot learn.
    /// Adding 0 where a branch would add nothing leaves the same bits (no sum is ever -0).
    fn count_standing(&mut self, worker: &Worker, standing: &Standing, absent: bool, sign: i32) {
        let fte = f64::from(sign) * worker.fte;
        let only_if = |counted: bool, amount: f64| if counted { amount } else { 0.0 };
        let case_holding = !absent && !worker.manager;
        self.fte_by_grade[standing.grade.index()] += fte;
        self.nqsw_headcount = self.nqsw_headcount.wrapping_add_signed(sign * i32::from(standing.grade == Grade::Nqsw));
        self.allowance_fte += only_if(standing.allowance_paid, fte);
        self.absent_fte += only_if(absent, fte);
        self.case_holding_fte += only_if(case_holding, fte);
        self.capacity += only_if(case_holding, f64::from(sign) * standing.capacity_cases);
    }

    /// FTE in their first year after qualifying (managers excepted).
    pub fn nqsw_fte(&self) -> f64 {
        self.fte_by_grade[Grade::Nqsw.index()]
    }

    /// The workers' months with the council at `month`, added up.
    pub fn tenure_months_total(&self, month: i32) -> f64 {
        (i64::from(self.headcount) * i64::from(month) - self.joined_total) as f64
    }

    /// The annual cost of `prices_gbp` (a figure a year per FTE, by `Grade::index`) for these
    /// workers.
    pub fn priced_by_grade(&self, prices_gbp: &[f64; Grade::COUNT]) -> f64 {
        self.fte_by_grade.iter().zip(prices_gbp).map(|(fte, price)| fte * price).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::RouteShares;

    fn durham_like() -> InitialSpec {
        InitialSpec {
            fte_in_post: 362.8,
            headcount: 378,
            vacancy_rate: 0.132,
            agency_fte: 35.5,
            case_holding_fte: Some(253.1),
            absent_share: 0.03,
            route_shares: RouteShares { university: 0.4, apprenticeship: 0.1, experienced: 0.5, ..Default::default() },
            tenure_band_shares: vec![0.15, 0.15, 0.3, 0.4],
            ..InitialSpec::default()
        }
    }

    #[test]
    fn starting_stock_reproduces_the_aggregates() {
        let initial = durham_like();
        let stock = build_stock_template(&initial, 1.0, &[12, 24, 60]).workers;
        assert_eq!(stock.len(), 378);
        let fte: f64 = stock.iter().map(|w| w.fte).sum();
        assert!((fte - 362.8).abs() < 1e-9, "FTE {fte}");
        assert!(stock.iter().all(|w| (0.1..=1.0).contains(&w.fte)));
        let absent = stock.iter().filter(|w| w.absent).count();
        assert_eq!(absent, (0.03f64 * 378.0).round() as usize);
        // Case-holding FTE (present non-managers plus agency) within half a worker of 253.1.
        let case_holding: f64 = stock.iter().filter(|w| !w.absent && !w.manager).map(|w| w.fte).sum::<f64>() + 35.5;
        assert!((case_holding - 253.1).abs() <= 0.5, "case-holding {case_holding}");
        // Route and band counts follow the shares: 40% university of 378 is 151.2.
        let university = stock.iter().filter(|w| w.route == Route::University).count();
        assert!((151..=152).contains(&university), "{university}");
        let first_year = stock.iter().filter(|w| w.tenure_months < 12).count();
        assert!((56..=57).contains(&first_year), "{first_year}");
        // No NQSW (first year after qualifying) is made a manager.
        assert!(stock.iter().all(|w| !(w.manager && w.months_qualified < 12)));
    }

    #[test]
    fn an_empty_start_has_no_workers() {
        assert!(build_stock_template(&InitialSpec::default(), 1.0, &[12]).workers.is_empty());
    }

    #[test]
    fn spreading_picks_exactly_count() {
        for (count, total) in [(0, 10), (3, 10), (10, 10), (38, 378)] {
            assert_eq!((0..total).filter(|&i| spread_evenly(i, count, total)).count(), count);
        }
    }
}
