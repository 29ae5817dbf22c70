//! One replication: the monthly loop. See the module docs of `engine` for the order of the
//! processes; each is one method of [`Replication`] below, called in that order.

use super::due::DueList;
use super::metrics::{COUNT, LEAVERS_BY_DESTINATION, Metric, STARTERS_BY_ROUTE, TRAINEES_BY_ROUTE};
use super::model::{Model, RepParams, split_by_shares};
use super::rng::{Key, Process};
use super::standing::{Careers, NO_CAREER, StandingRules};
use super::swings::Swings;
use super::workforce::{Census, Grade, NEVER_FROM, Trainee, Worker};
use super::{Destination, Route};

/// Simulates replication `replication` of `model` for `months` months and writes one row of
/// metrics per month (month 0, the start, to `months`) into `out`, which must hold
/// `(months + 1) * metrics::COUNT` values.
pub fn simulate(model: &Model, seed: u64, replication: u64, months: u32, out: &mut [f64]) {
    assert_eq!(out.len(), (months as usize + 1) * COUNT, "output buffer has the wrong length");
    MEMORY.with_borrow_mut(|memory| {
        let mut rep = Replication::start(model, seed, replication, std::mem::take(memory));
        rep.record(0, &Flows::default(), &mut out[..COUNT]);
        for month in 1..=months as i32 {
            rep.month(month, &mut out[month as usize * COUNT..(month as usize + 1) * COUNT]);
        }
        *memory = rep.into_memory();
    });
}

thread_local! {
    /// Each thread's replication memory, handed from one replication to the next: allocating
    /// and growing the lists afresh for each of thousands of replications cost several percent.
    static MEMORY: std::cell::RefCell<Memory> = std::cell::RefCell::new(Memory::default());
}

/// The lists a replication fills, kept between replications. Nothing carries over but their
/// capacity: [`Replication::start`] empties each before use.
#[derive(Default)]
struct Memory {
    workers: Vec<Worker>,
    careers: Careers,
    due: DueList,
    due_now: Vec<usize>,
    leaver_positions: Vec<usize>,
    trainees: Vec<Trainee>,
    recent_caseloads: Vec<f64>,
}

impl Memory {
    fn clear(&mut self) {
        self.workers.clear();
        self.careers.clear();
        self.due.clear();
        self.due_now.clear();
        self.leaver_positions.clear();
        self.trainees.clear();
        self.recent_caseloads.clear();
    }
}

/// [`simulate`], checking after every month that the census kept up to date is exactly a
/// census counted afresh.
#[cfg(test)]
pub(super) fn simulate_recounting(model: &Model, seed: u64, replication: u64, months: u32) {
    let mut rep = Replication::start(model, seed, replication, Memory::default());
    let mut row = vec![0.0; COUNT];
    for month in 1..=months as i32 {
        rep.month(month, &mut row);
        let mut recount = Census::default();
        for worker in &rep.workers {
            assert!(worker.standing.until >= month, "month {month}: a standing out of date");
            recount.add(worker);
        }
        assert_eq!(rep.census, recount, "month {month}");
        assert_eq!(rep.due.len(), rep.workers.len());
    }
}

/// What moved during one month.
#[derive(Debug, Clone, Copy, Default)]
struct Flows {
    starters_fte: [f64; Route::COUNT],
    starters_headcount: [u32; Route::COUNT],
    leavers_fte: [f64; 5],
    /// FTE moving in (negative: out) with their posts, neither starters nor leavers.
    moved_fte: f64,
    /// Welcome payments made to this month's starters, and repaid by this month's leavers.
    welcome_paid_gbp: f64,
    welcome_repaid_gbp: f64,
}

impl Flows {
    fn record_starter(&mut self, worker: &Worker) {
        self.starters_fte[worker.route.index()] += worker.fte;
        self.starters_headcount[worker.route.index()] += 1;
        self.welcome_paid_gbp += worker.welcome_gbp;
    }
}

/// The state of one replication between months.
struct Replication<'a> {
    model: &'a Model,
    params: RepParams,
    /// This year's swings of the leaving rate, fill chance, establishment, agency and demand.
    swings: Swings,
    absence: AbsenceTiming,
    key: Key,
    workers: Vec<Worker>,
    /// The standings joiners go through, by kind of joiner.
    careers: Careers,
    /// What is next due for each worker, in the order of `workers`.
    due: DueList,
    /// The census of `workers`, kept up to date as they join, leave and change.
    census: Census,
    /// The exposure clock: months elapsed, each weighted by its caseload-pressure multiplier.
    /// A worker at leaving rate r leaves once r times the clock's advance since they joined
    /// passes their own exponential draw: a monthly chance of 1 - exp(-r x pressure), decided
    /// without looking at them every month.
    exposure: f64,
    /// The clock's reading at the end of last month.
    exposure_before: f64,
    /// Places in `workers` of those with something due this month, and of this month's
    /// leavers (kept to save allocating every month).
    due_now: Vec<usize>,
    leaver_positions: Vec<usize>,
    trainees: Vec<Trainee>,
    /// Index in `model.cohorts` of the next cohort to start.
    next_cohort: usize,
    /// Funded posts from the starting establishment and its schedule.
    scheduled_establishment: f64,
    /// Posts added by the caseload cap's April reviews.
    cap_posts: f64,
    open_cases: f64,
    agency_fte: f64,
    cover_share_multiplier: f64,
    /// Leavers FTE (all, and to attrition) in the last 12 months, by month mod 12.
    leavers_window: [f64; 12],
    attrition_window: [f64; 12],
    /// Caseloads felt in recent months, for the caseload-pressure modifier.
    recent_caseloads: Vec<f64>,
    /// Fractional experienced hires carried between months at a fixed hiring rate.
    hire_carry: f64,
    /// FTE moving in (negative: out) with their posts each month this year, and the
    /// fraction of a worker carried between months.
    moves_fte_per_month: f64,
    moves_carry: f64,
    /// Share of FTE in post holding cases at the start, which progression keeps.
    case_holding_share: f64,
    /// The last census taken: what April's caseload-cap review sees.
    last_census: Census,
    /// Salaries and agency rates relative to the start, after the pay awards so far.
    pay_factor: f64,
}

impl<'a> Replication<'a> {
    fn start(model: &'a Model, seed: u64, replication: u64, mut memory: Memory) -> Replication<'a> {
        memory.clear();
        let Memory { mut workers, mut careers, mut due, due_now, leaver_positions, trainees, recent_caseloads } =
            memory;
        let key = Key::replication(seed, replication);
        let params = RepParams::draw(model, key);
        let national = Key::replication(model.national_seed.unwrap_or(seed), replication);
        let swings = Swings::new(&model.variations, key, national);
        let stock_key = key.process(Process::StartingStock);
        let eligible_share =
            model.retention.as_ref().and_then(|r| r.allowance.as_ref()).map_or(0.0, |a| a.eligible_share);
        let absence = AbsenceTiming::new(&params);
        let rules = StandingRules::new(model, &params);
        workers.extend(model.stock.workers.iter().enumerate().map(|(i, template)| {
            let worker_key = stock_key.child(i as u64);
            let mut worker = Worker::new(
                worker_key,
                template.route,
                template.fte,
                -(template.tenure_months as i32),
                -(template.months_qualified as i32),
            );
            worker.manager = template.manager;
            let eligible = worker_key.child(ALLOWANCE_DRAW).uniform(0) < eligible_share;
            worker.allowance_from = model.allowance_from(eligible, worker.joined);
            if template.absent {
                worker.absent = true;
                worker.absent_until = absence.length(worker.key, 0) - 1;
            }
            enter_post(&mut worker, 0, &rules, &mut careers, 0.0, &absence);
            worker
        }));
        let mut census = Census::default();
        for worker in &workers {
            census.add(worker);
        }
        due.fill(&workers);
        let mut rep = Replication {
            model,
            params,
            swings,
            absence,
            key,
            workers,
            careers,
            due,
            census,
            exposure: 0.0,
            exposure_before: 0.0,
            due_now,
            leaver_positions,
            trainees,
            next_cohort: 0,
            scheduled_establishment: model.initial.establishment_fte,
            cap_posts: 0.0,
            open_cases: model.initial.open_cases,
            agency_fte: model.initial.agency_fte,
            cover_share_multiplier: 1.0,
            leavers_window: [model.initial.leavers_fte_per_month; 12],
            attrition_window: [0.0; 12],
            recent_caseloads,
            hire_carry: 0.0,
            moves_fte_per_month: 0.0,
            moves_carry: 0.0,
            case_holding_share: 0.0,
            last_census: Census::default(),
            pay_factor: 1.0,
        };
        // Cohorts already training at the start join their pipelines now.
        rep.start_cohorts(0);
        if rep.census.fte > 0.0 {
            rep.case_holding_share = rep.census.case_holding_fte / rep.census.fte;
        }
        rep
    }

    /// The lists, for the next replication.
    fn into_memory(self) -> Memory {
        Memory {
            workers: self.workers,
            careers: self.careers,
            due: self.due,
            due_now: self.due_now,
            leaver_positions: self.leaver_positions,
            trainees: self.trainees,
            recent_caseloads: self.recent_caseloads,
        }
    }

    /// One month's processes, in order, then the month's row of metrics into `row`.
    fn month(&mut self, month: i32, row: &mut [f64]) {
        let mut flows = Flows::default();
        self.swings.month(month);
        self.pay_award(month);
        self.demand(month);
        self.establishment(month);
        self.advance_exposure_clock();
        self.pipelines(month, &mut flows);
        self.leavers_and_absence(month, &mut flows);
        self.moves(month, &mut flows);
        self.recruitment(month, &mut flows);
        self.progression(month);
        self.agency(month);
        self.record(month, &flows, row);
    }

    /// 0. Prices: the pay award each April after the start (salaries and agency rates).
    fn pay_award(&mut self, month: i32) {
        if month >= 2 && self.model.first_date.plus(month).month() == 4 {
            self.pay_factor *= 1.0 + self.params.annual_pay_award;
        }
    }

    /// 1. Demand: open cases follow a random walk in logs around the trend.
    fn demand(&mut self, month: i32) {
        let Some(demand) = &self.model.demand else { return };
        let stream = self.key.process(Process::Demand);
        let noise = demand.monthly_noise_sd
            * standard_normal(stream.uniform(2 * month as u64), stream.uniform(2 * month as u64 + 1));
        let growth = self.params.demand_monthly_log_growth + self.swings.demand_log_growth / 12.0;
        self.open_cases *= (growth + noise).exp();
    }

    /// 2. Establishment: a month's growth, scheduled changes, then the April cap review.
    fn establishment(&mut self, month: i32) {
        let growth = self.params.establishment_monthly_log_growth + self.swings.establishment_log_growth / 12.0;
        if growth != 0.0 {
            self.scheduled_establishment *= growth.exp();
        }
        for (from, change) in &self.model.establishment_changes {
            if *from == month {
                self.scheduled_establishment += change;
            }
        }
        let april = self.model.first_date.plus(month).month() == 4;
        if let (Some(cap), true) = (self.model.caseload.cap_cases_per_fte, april) {
            let census = &self.last_census;
            let vacant = (self.scheduled_establishment + self.cap_posts - census.fte).max(0.0);
            let holding_if_full = census.case_holding_fte + vacant;
            let needed = self.open_cases / cap - holding_if_full;
            // Posts once created stay: councils rarely disestablish them within the horizon.
            self.cap_posts += needed.max(0.0);
        }
    }

    fn establishment_fte(&self) -> f64 {
        (self.scheduled_establishment + self.cap_posts).max(0.0)
    }

    /// 3. Pipelines: trainees drop out or qualify into post; then new cohorts start.
    fn pipelines(&mut self, month: i32, flows: &mut Flows) {
        let mut qualified = Vec::new();
        self.trainees.retain(|trainee| {
            if trainee.key.uniform(month as u64) < trainee.monthly_dropout {
                return false;
            }
            if trainee.qualifies == month {
                qualified.push(*trainee);
                return false;
            }
            true
        });
        for trainee in qualified {
            let joined_qualified = month - trainee.prior_experience_months as i32;
            let worker = self.new_worker(trainee.key, trainee.route, trainee.fte, month, joined_qualified, false);
            self.hire(worker, flows);
        }
        self.start_cohorts(month);
    }

    /// Starts every cohort due by `month` (at the start, every cohort already training).
    fn start_cohorts(&mut self, month: i32) {
        let stream = self.key.process(Process::CohortSize);
        while let Some(cohort) = self.model.cohorts.get(self.next_cohort).filter(|c| c.start <= month) {
            self.next_cohort += 1;
            let cohort_key =
                stream.child(cohort.route as u64).child(cohort.start as i64 as u64).child(cohort.ordinal as u64);
            let size = cohort.size.sample(&mut cohort_key.generator()).round() as u32;
            let completion = cohort.completion_rate.sample(&mut cohort_key.child(1).generator());
            let monthly_dropout = 1.0 - completion.powf(1.0 / cohort.duration_months as f64);
            let qualifies = cohort.start + cohort.duration_months as i32;
            let trainee_stream = cohort_key.process(Process::TraineeDropout);
            self.trainees.extend((0..size).map(|i| Trainee {
                key: trainee_stream.child(i as u64),
                route: cohort.route,
                qualifies,
                monthly_dropout,
                fte: cohort.fte,
                prior_experience_months: cohort.prior_experience_months,
            }));
        }
    }

    /// 4 (first part). The exposure clock moves on by this month's caseload-pressure
    /// multiplier, before anyone joins, so that this month's joiners start from its new
    /// reading and cannot leave in the month they join.
    fn advance_exposure_clock(&mut self) {
        self.exposure_before = self.exposure;
        self.exposure += self.pressure_factor() * self.swings.leaving_multiplier;
    }

    /// 4 and 5. Leavers, then absence. Only the workers with something due this month are
    /// looked at: their standing changes, an absence ends or starts, or the exposure clock
    /// has reached their leaving point. For each, in this order: a new standing (which sets
    /// this month's leaving rate), the end of an absence, leaving, the start of an absence.
    /// Workers who joined this month neither leave nor start an absence in it.
    fn leavers_and_absence(&mut self, month: i32, flows: &mut Flows) {
        let model = self.model;
        let params = &self.params;
        let rules = StandingRules::new(model, params);
        let clawback = model.costs.as_ref().and_then(|c| c.welcome);
        let destination_cdf = model.retention.as_ref().map(|r| &r.destination_cdf);
        let absence = &self.absence;
        let clock = self.exposure;

        // Those who qualified into post this month (from the pipelines) are at the end.
        let joiners_from = self.workers.iter().rposition(|worker| worker.joined < month).map_or(0, |i| i + 1);
        self.due.due_by(month, clock, joiners_from, &mut self.due_now);

        let mut leavers = [0.0; 5];
        let mut repaid = 0.0;
        self.leaver_positions.clear();
        for &position in &self.due_now {
            let worker = &mut self.workers[position];
            let new_standing = month > worker.standing.until;
            let absence_ends = worker.absent && month > worker.absent_until;
            if new_standing || absence_ends {
                let (was_standing, was_absent) = (worker.standing, worker.absent);
                if new_standing {
                    // Last month's exposure was at the old rate.
                    worker.advance_exposure(self.exposure_before);
                    self.careers.move_on(&rules, worker, month);
                }
                if absence_ends {
                    worker.absent = false;
                    worker.next_absence = absence.next_start(worker.key, worker.absent_until);
                }
                self.census.restate(worker, &was_standing, was_absent);
            }
            // Leaving.
            if let Some(cdf) = destination_cdf
                && worker.leaving_exposure() <= clock
            {
                let u = worker.key.child(DESTINATION_DRAW).uniform(month as u64);
                let destination = cdf[worker.route.index()].iter().position(|&c| u < c).unwrap_or(4);
                leavers[destination] += worker.fte;
                if let Some(clawback) = clawback
                    && month <= worker.clawback_until
                {
                    repaid += clawback.repayment(worker.welcome_gbp, worker.clawback_until - month);
                }
                self.census.remove(worker);
                self.leaver_positions.push(position);
                continue;
            }
            // Absence.
            if !worker.absent && worker.next_absence <= month {
                worker.absent = true;
                worker.absent_until = month + absence.length(worker.key, month) - 1;
                // Only the absence changes: the standing before is the standing now.
                self.census.restate(worker, &worker.standing, false);
            }
            self.due.update(position, worker);
        }
        // Leavers go latest first, each place taken by the last worker (not a leaver: those
        // after it have gone), so that nobody else moves.
        for &position in self.leaver_positions.iter().rev() {
            self.workers.swap_remove(position);
            self.due.swap_remove(position);
        }
        flows.welcome_repaid_gbp = repaid;
        let slot = month as usize % 12;
        self.leavers_window[slot] = leavers.iter().sum();
        self.attrition_window[slot] =
            Destination::ALL.iter().filter(|d| d.is_attrition()).map(|d| leavers[*d as usize]).sum();
        flows.leavers_fte = leavers;
    }

    /// 5b. Moves: staff moving in or out of children's social work with their posts (not
    /// starters or leavers). Each year's change is set at its first month from FTE in post
    /// then, and made a twelfth a month, whole workers at a time: those who move out are
    /// drawn at random; those who move in are experienced and full-time.
    fn moves(&mut self, month: i32, flows: &mut Flows) {
        if month >= 1 && (month - 1) % 12 == 0 {
            self.moves_fte_per_month = self.census.fte * self.swings.moves_log_change.exp_m1() / 12.0;
        }
        if self.moves_fte_per_month == 0.0 {
            return;
        }
        self.moves_carry += self.moves_fte_per_month;
        let stream = self.key.process(Process::Moves).child(month as u64);
        let mut draw = 0u64;
        while self.moves_carry >= 1.0 {
            let prior = self.model.initial.experienced_prior_months as i32;
            let joiner = self.joiner(stream.child(draw), Route::Experienced, 1.0, month, month - prior, false);
            let worker = self.ready(joiner, month);
            self.moves_carry -= worker.fte;
            self.scheduled_establishment += worker.fte;
            flows.moved_fte += worker.fte;
            self.census.add(&worker);
            self.due.push(&worker);
            self.workers.push(worker);
            draw += 1;
        }
        while self.moves_carry <= -1.0 && !self.workers.is_empty() {
            let count = self.workers.len();
            let position = ((stream.child(draw).uniform(0) * count as f64) as usize).min(count - 1);
            let worker = self.workers.swap_remove(position);
            self.due.swap_remove(position);
            self.census.remove(&worker);
            self.moves_carry += worker.fte;
            self.scheduled_establishment -= worker.fte;
            flows.moved_fte -= worker.fte;
            draw += 1;
        }
    }

    /// 6b. Progression: in the last month of each year (September, for a start in October:
    /// after the NQSW intake, before the census date), the longest-serving present case
    /// holders past their NQSW year move into non-case-holding posts until the share of FTE in
    /// post holding cases is back at its starting share (none move the other way). Each
    /// leaves their precomputed career for a standing worked out afresh, as the starting
    /// stock's is.
    fn progression(&mut self, month: i32) {
        if !self.model.steady_case_holding_share || month < 12 || month % 12 != 0 {
            return;
        }
        let mut excess = self.census.case_holding_fte - self.case_holding_share * self.census.fte;
        if excess < 1.0 {
            return;
        }
        let senior_after = self.model.senior_after_months;
        let mut candidates: Vec<(i32, usize)> = self
            .workers
            .iter()
            .enumerate()
            .filter(|(_, worker)| !worker.manager && !worker.absent && worker.grade(month, senior_after) != Grade::Nqsw)
            .map(|(i, worker)| (worker.joined, i))
            .collect();
        let smallest_fte = candidates.iter().map(|&(_, i)| self.workers[i].fte).fold(f64::INFINITY, f64::min);
        // Longest-serving first; ties by position (the keys are unique, so the order is the
        // same on every run however they are sorted). Only the first few can move (their FTE
        // add up to the excess), so only those are put in order.
        // (One more than can move, and one spare against rounding.)
        let moving = if smallest_fte > 0.0 { (excess / smallest_fte).floor() as usize + 2 } else { candidates.len() };
        if moving < candidates.len() {
            candidates.select_nth_unstable(moving);
            candidates.truncate(moving);
        }
        candidates.sort_unstable();
        let rules = StandingRules::new(self.model, &self.params);
        for (_, position) in candidates {
            if excess < self.workers[position].fte {
                break;
            }
            let worker = &mut self.workers[position];
            self.census.remove(worker);
            // This month's exposure was at the old rate; the new standing holds from next month.
            worker.advance_exposure(self.exposure);
            worker.manager = true;
            worker.career_stage = NO_CAREER;
            worker.standing = rules.standing(worker, month);
            self.census.add(worker);
            self.due.update(position, worker);
            excess -= worker.fte;
        }
    }

    /// The leaving-rate multiplier from caseloads felt over recent months.
    fn pressure_factor(&self) -> f64 {
        let Some(pressure) = self.model.retention.as_ref().and_then(|r| r.pressure.as_ref()) else { return 1.0 };
        if self.recent_caseloads.is_empty() {
            return 1.0;
        }
        let felt = self.recent_caseloads.iter().sum::<f64>() / self.recent_caseloads.len() as f64;
        (1.0 + self.params.pressure_increase_per_case * (felt - pressure.threshold_cases).max(0.0)).max(0.0)
    }

    /// 6. Recruitment: the university intake in its months, then experienced hires.
    fn recruitment(&mut self, month: i32, flows: &mut Flows) {
        let calendar_month = self.model.first_date.plus(month).month();
        let stream = self.key.process(Process::NewWorker).child(month as u64);
        if let Some(university) = &self.model.university
            && let Some(slot) = university.intake.iter().position(|(m, _)| *m == calendar_month)
        {
            // The year's intake, whole people, split over its months.
            let year = (self.params.university_annual_intake * self.swings.intake_multiplier).round() as u32;
            let mut intake = split_by_shares(year, university.intake.iter().map(|(_, share)| *share))[slot];
            if university.cap_at_vacancies {
                // Into vacant posts, less those always between holders.
                let fillable = self.establishment_fte() * (1.0 - university.frictional_vacancy_rate);
                let vacant_posts = ((fillable - self.census.fte) / university.fte + 1e-9).floor().max(0.0);
                intake = intake.min(vacant_posts as u32);
            }
            for i in 0..intake {
                let key = stream.child(Route::University as u64).child(i as u64);
                let worker = self.new_worker(key, Route::University, university.fte, month, month, false);
                self.hire(worker, flows);
            }
        }
        if let Some(experienced) = &self.model.experienced {
            let hires = match self.params.experienced_per_month {
                Some(rate) => {
                    self.hire_carry += rate;
                    let whole = self.hire_carry.floor();
                    self.hire_carry -= whole;
                    whole as u32
                }
                None => {
                    // One draw per vacant post, so that each post's luck is common to every
                    // scenario; no council advertises more posts in a month than the largest
                    // workforce a scenario may have (a bound for runaway caseload caps).
                    let establishment = self.establishment_fte();
                    let vacant_posts =
                        (establishment - self.census.fte + 1e-9).floor().clamp(0.0, MAX_POSTS_ADVERTISED);
                    let draws = self.key.process(Process::ExperiencedHire).child(month as u64);
                    let vacancy_rate =
                        if establishment > 0.0 { (1.0 - self.census.fte / establishment).max(0.0) } else { 0.0 };
                    let fill_prob = (self.params.experienced_fill_prob
                        * self.swings.fill_multiplier
                        * experienced.fill_response(vacancy_rate))
                    .min(1.0);
                    let filled = draws.count_below(vacant_posts as u64, fill_prob);
                    experienced.max_per_month.map_or(filled as u32, |most| (filled as u32).min(most))
                }
            };
            let prior = self.model.initial.experienced_prior_months as i32;
            for i in 0..hires {
                let key = stream.child(Route::Experienced as u64).child(i as u64);
                let part_time = key.child(PART_TIME_DRAW).uniform(0) < experienced.part_time_share;
                let fte = if part_time { self.model.initial.part_time_fte } else { 1.0 };
                let manager = key.child(MANAGER_DRAW).uniform(0) < experienced.manager_share;
                let worker = self.new_worker(key, Route::Experienced, fte, month, month - prior, manager);
                self.hire(worker, flows);
            }
        }
    }

    /// Puts a worker who joins this month in post and counts it in the census.
    fn hire(&mut self, worker: Worker, flows: &mut Flows) {
        self.census.add(&worker);
        flows.record_starter(&worker);
        self.due.push(&worker);
        self.workers.push(worker);
    }

    /// A worker joining this month: allowance eligibility, any welcome payment with its
    /// clawback period, then readied to enter post (`enter_post`).
    fn new_worker(&mut self, key: Key, route: Route, fte: f64, month: i32, qualified: i32, manager: bool) -> Worker {
        let mut worker = self.joiner(key, route, fte, month, qualified, manager);
        if let Some(welcome) = &self.model.welcome
            && welcome.routes[route.index()]
        {
            worker.clawback_until = month + welcome.clawback_months as i32;
            if let Some(costs) = &self.model.costs
                && let Some(payment) = costs.welcome
            {
                let grade = worker.grade(month, self.model.senior_after_months);
                let salary = costs.salary_gbp[grade.index()] * self.pay_factor;
                worker.welcome_gbp = payment.amount_gbp + payment.salary_share * salary * fte;
            }
        }
        self.ready(worker, month)
    }

    /// A worker joining this month, with allowance eligibility; not yet readied.
    fn joiner(&self, key: Key, route: Route, fte: f64, month: i32, qualified: i32, manager: bool) -> Worker {
        let mut worker = Worker::new(key, route, fte, month, qualified);
        worker.manager = manager;
        if let Some(allowance) = self.model.retention.as_ref().and_then(|r| r.allowance.as_ref()) {
            let eligible = key.child(ALLOWANCE_DRAW).uniform(0) < allowance.eligible_share;
            worker.allowance_from = self.model.allowance_from(eligible, month);
        }
        worker
    }

    /// Readies a joiner to enter post (`enter_post`): standing, leaving draw, first absence.
    fn ready(&mut self, mut worker: Worker, month: i32) -> Worker {
        let rules = StandingRules::new(self.model, &self.params);
        enter_post(&mut worker, month, &rules, &mut self.careers, self.exposure, &self.absence);
        worker
    }

    /// 7. Agency cover for vacancies (and absence, if covered), up to supply and budget.
    fn agency(&mut self, month: i32) {
        let census = &self.census;
        let Some(agency) = &self.model.agency else {
            self.agency_fte = 0.0;
            return;
        };
        for (from, multiplier) in &self.params.agency_supply_changes {
            if *from == month {
                self.cover_share_multiplier *= multiplier;
            }
        }
        let establishment = self.establishment_fte();
        let vacancy = (establishment - census.fte).max(0.0);
        let gap = if agency.cover_absence { vacancy + census.absent_fte } else { vacancy };
        let response = agency.vacancy_response.map_or(1.0, |response| {
            response.per_vacancy(if establishment > 0.0 { vacancy / establishment } else { 0.0 })
        });
        let share = self.params.agency_cover_share * self.cover_share_multiplier * response;
        // The year's swing multiplies agency use plus an offset in proportion to posts, so
        // that a council using little agency swings by FTE as much as one using more.
        let offset = agency.swing_offset * establishment;
        let wanted = ((share * gap + offset) * self.swings.agency_multiplier - offset).max(0.0);
        // Sticky: agency contracts run on, and new ones take time to arrange.
        let agency = match agency.adjustment_months {
            0 | 1 => wanted,
            months => self.agency_fte + (wanted - self.agency_fte) / f64::from(months),
        };
        self.agency_fte = agency.min(self.params.agency_max_fte);
    }

    /// 8 and 9. Caseload, then every metric for this month into `row`.
    fn record(&mut self, month: i32, flows: &Flows, row: &mut [f64]) {
        row.fill(0.0);
        let census = &self.census;
        let caseload = &self.model.caseload;
        let fte = census.fte;
        let establishment = self.establishment_fte();
        let vacancy = (establishment - fte).max(0.0);
        let agency = self.agency_fte;
        let agency_holding = agency * caseload.agency_case_holding_share;
        let case_holding = census.case_holding_fte + agency_holding;
        let agency_capacity = agency_holding
            * caseload
                .cap_cases_per_fte
                .map_or(caseload.agency_cases_per_fte, |cap| cap.min(caseload.agency_cases_per_fte));
        let capacity = census.capacity + agency_capacity;
        let avg_caseload = if case_holding > 0.0 { self.open_cases / case_holding } else { 0.0 };
        let ratio = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { 0.0 };
        let leavers_12m: f64 = self.leavers_window.iter().sum();
        let attrition_12m: f64 = self.attrition_window.iter().sum();

        let mut set = |metric: Metric, value: f64| row[metric.index()] = value;
        set(Metric::FteInPost, fte);
        set(Metric::Headcount, census.headcount as f64);
        set(Metric::EstablishmentFte, establishment);
        set(Metric::VacancyFte, vacancy);
        set(Metric::VacancyRate, ratio(vacancy, vacancy + fte));
        set(Metric::AgencyFte, agency);
        set(Metric::AgencyRate, ratio(agency, agency + fte));
        set(Metric::StartersFte, flows.starters_fte.iter().sum());
        set(Metric::LeaversFte, flows.leavers_fte.iter().sum());
        set(Metric::MovedFte, flows.moved_fte);
        set(Metric::TurnoverRate, ratio(leavers_12m, fte));
        set(Metric::AvgCaseload, avg_caseload);
        set(Metric::CaseShortfall, (self.open_cases - capacity).max(0.0));
        set(Metric::AbsenceRate, ratio(census.absent_fte, fte));
        set(Metric::NqswShare, ratio(census.nqsw_fte(), fte));
        set(Metric::Trainees, self.trainees.len() as f64);
        set(Metric::OpenCases, self.open_cases);
        set(Metric::CaseHoldingFte, case_holding);
        set(Metric::CaseCapacity, capacity);
        set(Metric::AbsentFte, census.absent_fte);
        set(Metric::MeanTenureYears, ratio(census.tenure_months_total(month), census.headcount as f64) / 12.0);
        set(Metric::AttritionRate, ratio(attrition_12m, fte));
        for (metric, value) in STARTERS_BY_ROUTE.into_iter().zip(flows.starters_fte) {
            set(metric, value);
        }
        for (metric, value) in LEAVERS_BY_DESTINATION.into_iter().zip(flows.leavers_fte) {
            set(metric, value);
        }
        let mut trainees = [0u32; Route::COUNT];
        for trainee in &self.trainees {
            trainees[trainee.route.index()] += 1;
        }
        let pipelines = [Route::Apprenticeship, Route::StepUp, Route::Frontline, Route::Overseas];
        for (metric, route) in TRAINEES_BY_ROUTE.into_iter().zip(pipelines) {
            set(metric, f64::from(trainees[route.index()]));
        }
        // Costs are flows: none at month 0, which is a position.
        if let (Some(costs), true) = (&self.model.costs, month > 0) {
            let month_of = |annual: f64| annual / 12.0;
            let oncost = 1.0 + costs.oncost_rate;
            let salary = month_of(census.priced_by_grade(&costs.salary_gbp) * self.pay_factor * oncost);
            let supplement = month_of(census.priced_by_grade(&costs.supplement_gbp) * oncost);
            let allowance = month_of(census.allowance_fte * costs.allowance_gbp * oncost);
            let agency_salary = costs.salary_gbp[Grade::SocialWorker.index()] * self.pay_factor * oncost;
            let agency_cost = month_of(agency * agency_salary * (1.0 + self.params.agency_premium));
            let recruitment: f64 = Route::ALL
                .iter()
                .map(|&route| {
                    let per_hire = if route.joins_newly_qualified() {
                        costs.hire_newly_qualified_gbp
                    } else {
                        costs.hire_experienced_gbp
                    };
                    f64::from(flows.starters_headcount[route.index()]) * per_hire
                })
                .sum();
            let training: f64 =
                Route::ALL.iter().map(|&r| f64::from(trainees[r.index()]) * costs.trainee_monthly_gbp[r.index()]).sum();
            let welcome = flows.welcome_paid_gbp - flows.welcome_repaid_gbp;
            let grants = month_of(f64::from(census.nqsw_headcount) * costs.asye_grant_gbp);
            set(Metric::CostSalaryGbp, salary);
            set(Metric::CostSupplementGbp, supplement);
            set(Metric::CostAllowanceGbp, allowance);
            set(Metric::CostWelcomeGbp, welcome);
            set(Metric::CostAgencyGbp, agency_cost);
            set(Metric::CostRecruitmentGbp, recruitment);
            set(Metric::CostTrainingGbp, training);
            set(Metric::GrantIncomeGbp, grants);
            let total = salary + supplement + allowance + welcome + agency_cost + recruitment + training - grants;
            set(Metric::CostTotalGbp, total);
        }

        // The caseload felt, for next month's pressure modifier: a cap protects workers.
        if let Some(pressure) = self.model.retention.as_ref().and_then(|r| r.pressure.as_ref()) {
            let felt = caseload.cap_cases_per_fte.map_or(avg_caseload, |cap| avg_caseload.min(cap));
            if self.recent_caseloads.len() == pressure.averaging_months {
                self.recent_caseloads.remove(0);
            }
            self.recent_caseloads.push(felt);
        }
        self.last_census = self.census;
    }
}

/// The most vacant posts drawn for in one month (see `recruitment`).
const MAX_POSTS_ADVERTISED: f64 = 100_000.0;

/// Sub-streams of a worker's keys for draws made once or rarely.
const DESTINATION_DRAW: u64 = 1;
const ALLOWANCE_DRAW: u64 = 2;
const PART_TIME_DRAW: u64 = 3;
const MANAGER_DRAW: u64 = 4;
const ABSENCE_LENGTH_DRAW: u64 = 5;
const LEAVING_DRAW: u64 = 6;
const ABSENCE_START_DRAW: u64 = 7;

/// Readies a worker who joins in `month` (or is in post at the start, month 0): their
/// standing, their leaving draw counted from the exposure clock's reading `clock`, and when
/// their first absence starts (unless they are absent already).
fn enter_post(
    worker: &mut Worker,
    month: i32,
    rules: &StandingRules,
    careers: &mut Careers,
    clock: f64,
    absence: &AbsenceTiming,
) {
    careers.enter(rules, worker, month);
    worker.exposure_left = leaving_draw(worker.key);
    worker.exposure_anchor = clock;
    if !worker.absent {
        worker.next_absence = absence.next_start(worker.key, month);
    }
}

/// A worker's leaving draw: the exposure (months at their leaving rate, weighted by
/// pressure) they will take before leaving, exponential with mean 1. Drawn once, on joining,
/// so that a worker whose rate is lower in one scenario than another leaves later, never
/// sooner, on the same luck.
fn leaving_draw(worker_key: Key) -> f64 {
    -(1.0 - worker_key.child(LEAVING_DRAW).uniform(0)).ln()
}

/// When absences start and how long they last in one replication: geometric waits and
/// lengths, each the same chance as a draw every month, with their logarithms worked out once.
#[derive(Debug, Clone, Copy)]
struct AbsenceTiming {
    start_prob: f64,
    /// ln(1 - start_prob): the log of the monthly chance that no absence starts.
    log_none_starts: f64,
    mean_months: f64,
    /// ln(1 - 1 / mean_months): the log of the monthly chance that an absence goes on.
    log_goes_on: f64,
}

impl AbsenceTiming {
    fn new(params: &RepParams) -> AbsenceTiming {
        let (start_prob, mean_months) = (params.absence_start_prob, params.absence_mean_months);
        AbsenceTiming {
            start_prob,
            log_none_starts: (-start_prob).ln_1p(),
            mean_months,
            log_goes_on: (1.0 - 1.0 / mean_months).ln(),
        }
    }

    /// The month the next absence starts after `from` (the month of joining, the start, or
    /// the last month of an absence): a wait of 1, 2, ... months. `NEVER_FROM` if absences
    /// never start.
    fn next_start(&self, worker_key: Key, from: i32) -> i32 {
        if self.start_prob <= 0.0 {
            return NEVER_FROM;
        }
        if self.start_prob >= 1.0 {
            return from.saturating_add(1);
        }
        let u = worker_key.child(ABSENCE_START_DRAW).uniform(from as i64 as u64);
        // `as` saturates: a wait beyond any horizon is simply never.
        let wait = 1.0 + ((1.0 - u).ln() / self.log_none_starts).floor();
        from.saturating_add(wait as i32)
    }

    /// The length in months (1, 2, ...) of an absence starting in `month`.
    fn length(&self, worker_key: Key, month: i32) -> i32 {
        if self.mean_months <= 1.0 {
            return 1;
        }
        let u = worker_key.child(ABSENCE_LENGTH_DRAW).uniform(month as i64 as u64);
        1 + ((1.0 - u).ln() / self.log_goes_on).floor().min(f64::from(crate::limits::MAX_MONTHS)) as i32
    }
}

/// A standard normal from two uniforms (Box-Muller).
fn standard_normal(u1: f64, u2: f64) -> f64 {
    (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
