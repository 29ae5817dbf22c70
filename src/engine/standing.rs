//! A worker's standing: what the engine needs to know about a worker that changes only now
//! and then (leaving rate before caseload pressure, grade, whether their post is paid the
//! allowance, the cases they can hold).
//!
//! These change only at known months (a tenure band edge, a grade boundary, a step of the
//! NQSW ramp, the allowance starting, a clawback period ending), so each worker carries them
//! with the last month they hold for, and the engine works them out again only after that
//! month. Between those months nothing about the worker needs looking at, unless they leave
//! or an absence starts or ends.

use super::model::{Model, RepParams};
use super::workforce::{Grade, NEVER, NEVER_FROM, Worker, on_census_grid};

/// A worker's standing in one month, and the last month it holds for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// The monthly leaving rate (hazard) before the caseload-pressure multiplier: by route and
    /// tenure band, times the allowance and welcome-payment ratios. Last month's position sets
    /// it, as leaving is decided on the worker as they started the month. Nobody leaves at the
    /// start (month 0) or in the month they join, so then it is next month's rate.
    pub leaving_rate: f64,
    pub grade: Grade,
    /// The post is paid the retention allowance this month.
    pub allowance_paid: bool,
    /// Cases the worker can hold when present (0 for managers), on the census grid.
    pub capacity_cases: f64,
    /// The last month all of the above hold for.
    pub until: i32,
}

impl Standing {
    /// Not yet worked out: the pass works it out before any use.
    pub const UNSETTLED: Standing = Standing {
        leaving_rate: 0.0,
        grade: Grade::SocialWorker,
        allowance_paid: false,
        capacity_cases: 0.0,
        until: i32::MIN,
    };
}

/// The rules a standing follows, for one replication (its hazard table and ratios).
pub struct StandingRules<'a> {
    model: &'a Model,
    /// See `RepParams::leaving_rate_by_tenure`; empty without retention.
    rate_by_tenure: &'a [f64],
    rate_stride: usize,
    band_edges_months: &'a [u32],
    allowance_hazard_ratio: f64,
    welcome_ratio_during: f64,
    welcome_ratio_after: f64,
    /// Months after a clawback period that `welcome_ratio_after` lasts.
    clawback_tail_months: i32,
}

impl<'a> StandingRules<'a> {
    pub fn new(model: &'a Model, params: &'a RepParams) -> StandingRules<'a> {
        let clawback_tail_months = model.welcome.as_ref().map_or(0, |w| w.months_after as i32);
        StandingRules {
            model,
            rate_by_tenure: &params.leaving_rate_by_tenure,
            rate_stride: params.leaving_rate_stride,
            band_edges_months: model.retention.as_ref().map_or(&[], |r| &r.band_edges_months),
            allowance_hazard_ratio: params.allowance_hazard_ratio,
            welcome_ratio_during: params.welcome_ratio_during,
            welcome_ratio_after: params.welcome_ratio_after,
            clawback_tail_months,
        }
    }

    /// `worker`'s standing in `month`, worked out from scratch.
    #[inline]
    pub fn standing(&self, worker: &Worker, month: i32) -> Standing {
        let model = self.model;
        let senior_after = model.senior_after_months;
        let grade = worker.grade(month, senior_after);
        // The first month from `month` on in which the worker may leave.
        let leaving_month = month.max(worker.joined.saturating_add(1)).max(1);
        let capacity_per_fte = self.capacity_per_fte(worker, month);
        Standing {
            leaving_rate: self.leaving_rate(worker, leaving_month),
            grade,
            allowance_paid: model.allowance_applies(worker, month, || grade),
            capacity_cases: on_census_grid(worker.fte * capacity_per_fte),
            until: self.until(worker, month, leaving_month),
        }
    }

    /// Cases per FTE the worker can hold in `month` when present (0 for managers).
    fn capacity_per_fte(&self, worker: &Worker, month: i32) -> f64 {
        if worker.manager { 0.0 } else { self.model.caseload.capacity_per_fte(month.saturating_sub(worker.qualified)) }
    }

    /// The leaving rate in `month` before caseload pressure, from the worker's position at
    /// the end of the month before.
    fn leaving_rate(&self, worker: &Worker, month: i32) -> f64 {
        if self.rate_by_tenure.is_empty() {
            return 0.0;
        }
        let stride = self.rate_stride;
        // A worker joining in `month` has no tenure yet; count it as 0.
        let tenure = (month - 1 - worker.joined).max(0) as usize;
        let mut hazard = self.rate_by_tenure[worker.route.index() * stride + tenure.min(stride - 1)];
        let last_month = month - 1;
        if self.model.allowance_applies(worker, last_month, || worker.grade(last_month, self.model.senior_after_months))
        {
            hazard *= self.allowance_hazard_ratio;
        }
        if month <= worker.clawback_until {
            hazard *= self.welcome_ratio_during;
        } else if month <= worker.clawback_until.saturating_add(self.clawback_tail_months) {
            hazard *= self.welcome_ratio_after;
        }
        hazard
    }

    /// The last month from `month` on before anything in the standing may change: the month
    /// before the earliest change point after `month` (after `leaving_month`, for the hazard).
    /// Some change points may change nothing (a grade boundary when the allowance ignores
    /// grade); working the standing out again there costs a little time and nothing else.
    fn until(&self, worker: &Worker, month: i32, leaving_month: i32) -> i32 {
        // In i64, where no change point can overflow ("never" months are far off in i32).
        let month = i64::from(month);
        let leaving_month = i64::from(leaving_month);
        let qualified = i64::from(worker.qualified);
        let senior = i64::from(self.model.senior_after_months);
        let allowance_from = i64::from(worker.allowance_from);
        let clawback_end = i64::from(worker.clawback_until) + 1;
        let mut next_change = i64::from(i32::MAX);
        // Branch-free (a conditional move): change points are in no predictable order.
        let mut consider = |point: i64, after: i64| {
            next_change = next_change.min(if point > after { point } else { i64::MAX });
        };
        // Grade this month, and last month's grade where the allowance's hazard depends on it.
        let allowance_by_grade = !self.model.allowance_all_grades;
        for boundary in [qualified + 12, qualified + senior] {
            consider(boundary, month);
            if allowance_by_grade {
                consider(boundary + 1, leaving_month);
            }
        }
        // The allowance starts (paid this month; its hazard ratio the month after).
        if worker.allowance_from != NEVER_FROM {
            consider(allowance_from, month);
            consider(allowance_from + 1, leaving_month);
        }
        // The clawback period ends, then the months after it.
        if worker.clawback_until != NEVER {
            consider(clawback_end, leaving_month);
            consider(clawback_end + i64::from(self.clawback_tail_months), leaving_month);
        }
        // The tenure bands: the hazard in a month follows the tenure at the month's start.
        // Edges and steps are ascending, so the first one ahead is the only one that counts.
        let mut band_edges = self.band_edges_months.iter().map(|&edge| i64::from(worker.joined) + 1 + i64::from(edge));
        if let Some(edge) = band_edges.find(|&edge| edge > leaving_month) {
            next_change = next_change.min(edge);
        }
        // The steps of the NQSW ramp (cases held by months since qualifying).
        let mut ramp_steps = self.model.caseload.capacity_steps_months.iter().map(|&step| qualified + i64::from(step));
        if let Some(step) = ramp_steps.find(|&step| step > month) {
            next_change = next_change.min(step);
        }
        (next_change - 1) as i32
    }
}

/// The standings of workers who join during a run, worked out once per replication for each
/// kind of joiner. A joiner's standing depends on the month only through the months since
/// they joined (and qualified), so every joiner of one kind (route, manager or not, months
/// qualified on joining, when the allowance starts and the clawback ends after joining) goes
/// through the same stages at the same ages: moving a joiner on is then a lookup, where
/// working a standing out afresh costs tens of nanoseconds, thousands of times per
/// replication. The starting stock, whose tenures all differ, is worked out afresh.
#[derive(Debug, Default)]
pub struct Careers {
    /// Each kind met so far in this replication, with the place of its first stage.
    kinds: Vec<(JoinerKind, u32)>,
    /// The stages of every kind, each kind's together and in order, the last holding for good.
    stages: Vec<Stage>,
}

/// What a joiner's standing depends on besides the months since joining and their FTE.
#[derive(Debug, Clone, Copy, PartialEq)]
struct JoinerKind {
    route: super::Route,
    manager: bool,
    qualified_after_joining: i32,
    allowance_after_joining: Option<i32>,
    clawback_after_joining: Option<i32>,
}

/// One stage of a career: a standing with its FTE left out, and its last month counted from
/// joining (`None`: it holds for good).
#[derive(Debug, Clone, Copy)]
struct Stage {
    leaving_rate: f64,
    grade: Grade,
    allowance_paid: bool,
    capacity_per_fte: f64,
    until_after_joining: Option<i32>,
}

/// A worker's place in `Careers::stages`: none for the starting stock.
pub const NO_CAREER: u32 = u32::MAX;

/// The last month of a standing that holds for good (no change point ahead; see `until`).
const FOR_GOOD: i32 = i32::MAX - 1;

impl Careers {
    /// Forgets every kind, keeping the memory (for the next replication).
    pub fn clear(&mut self) {
        self.kinds.clear();
        self.stages.clear();
    }

    /// Sets `worker`'s standing on entering post in `month`: from their career if they join
    /// during the run (worked out now if they are the first of their kind), afresh if they
    /// are in the starting stock.
    pub fn enter(&mut self, rules: &StandingRules, worker: &mut Worker, month: i32) {
        if month < 1 || worker.joined != month {
            worker.career_stage = NO_CAREER;
            worker.standing = rules.standing(worker, month);
            return;
        }
        let kind = JoinerKind::of(worker);
        let first = match self.kinds.iter().find(|(known, _)| *known == kind) {
            Some(&(_, first)) => first,
            None => self.work_out(rules, worker, kind),
        };
        worker.career_stage = first;
        worker.standing = self.stages[first as usize].standing_of(worker);
    }

    /// Sets `worker`'s standing in `month`, after the last month of the one they had.
    pub fn move_on(&self, rules: &StandingRules, worker: &mut Worker, month: i32) {
        if worker.career_stage == NO_CAREER {
            worker.standing = rules.standing(worker, month);
            return;
        }
        // The last stage holds for good, so this stays within the worker's career.
        let mut place = worker.career_stage as usize;
        while self.stages[place].until_after_joining.is_some_and(|until| worker.joined + until < month) {
            place += 1;
        }
        worker.career_stage = place as u32;
        worker.standing = self.stages[place].standing_of(worker);
    }

    /// Works out the stages of `kind` from `worker`, its first member, and gives the place of
    /// the first.
    fn work_out(&mut self, rules: &StandingRules, worker: &Worker, kind: JoinerKind) -> u32 {
        let first = self.stages.len() as u32;
        let mut month = worker.joined;
        loop {
            let standing = rules.standing(worker, month);
            let holds_for_good = standing.until >= FOR_GOOD;
            self.stages.push(Stage {
                leaving_rate: standing.leaving_rate,
                grade: standing.grade,
                allowance_paid: standing.allowance_paid,
                capacity_per_fte: rules.capacity_per_fte(worker, month),
                until_after_joining: (!holds_for_good).then(|| standing.until - worker.joined),
            });
            if holds_for_good {
                break;
            }
            month = standing.until + 1;
        }
        self.kinds.push((kind, first));
        first
    }
}

impl JoinerKind {
    fn of(worker: &Worker) -> JoinerKind {
        let after_joining = |month: i32, never: i32| (month != never).then(|| month - worker.joined);
        JoinerKind {
            route: worker.route,
            manager: worker.manager,
            qualified_after_joining: worker.qualified - worker.joined,
            allowance_after_joining: after_joining(worker.allowance_from, NEVER_FROM),
            clawback_after_joining: after_joining(worker.clawback_until, NEVER),
        }
    }
}

impl Stage {
    /// The standing of `worker`, a joiner of this stage's kind, in it.
    fn standing_of(&self, worker: &Worker) -> Standing {
        Standing {
            leaving_rate: self.leaving_rate,
            grade: self.grade,
            allowance_paid: self.allowance_paid,
            capacity_cases: on_census_grid(worker.fte * self.capacity_per_fte),
            until: self.until_after_joining.map_or(FOR_GOOD, |until| worker.joined + until),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Route;
    use crate::engine::rng::Key;
    use proptest::prelude::*;

    fn model() -> Model {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let mut scenario = crate::scenario::load(&path).expect("the shipped baseline loads");
        // Grade-specific allowance and a welcome payment, so that every rule is in play.
        let spec = &mut scenario.spec;
        if let Some(allowance) = spec.retention.as_mut().and_then(|r| r.allowance.as_mut()) {
            allowance.eligible_grades = vec![crate::scenario::schema::GradeName::SocialWorker];
        }
        let welcome: crate::scenario::schema::WelcomePaymentSpec =
            toml::from_str("amount_gbp = 2000\nclawback_months = 24\nmonths_after_clawback = 6")
                .expect("a valid welcome payment");
        spec.welcome_payment = Some(welcome);
        Model::build(&scenario)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, rng_seed: proptest::test_runner::RngSeed::Fixed(2026),
            ..ProptestConfig::default() })]

        /// The standing worked out in a month holds, unchanged, for every month through its
        /// `until`, and is worked out again correctly after it.
        #[test]
        fn a_standing_holds_until_its_last_month(
            joined in -200i32..100,
            prior in 0i32..200,
            route in 0usize..Route::COUNT,
            manager: bool,
            allowance_after in proptest::option::of(0i32..48),
            clawback in proptest::option::of(0i32..36),
            start_offset in 0i32..60,
        ) {
            let model = model();
            let params = RepParams::draw(&model, Key::replication(7, 0));
            let rules = StandingRules::new(&model, &params);
            let mut worker = Worker::new(Key::replication(7, 1), Route::ALL[route], 1.0, joined, joined - prior);
            worker.manager = manager;
            if let Some(after) = allowance_after {
                worker.allowance_from = joined + after;
            }
            if let Some(months) = clawback {
                worker.clawback_until = joined + months;
            }
            let mut month = joined + start_offset;
            let mut standing = rules.standing(&worker, month);
            for _ in 0..240 {
                let fresh = rules.standing(&worker, month);
                prop_assert!(standing.until >= month);
                let same = |a: &Standing, b: &Standing| {
                    (a.leaving_rate, a.grade, a.allowance_paid, a.capacity_cases)
                        == (b.leaving_rate, b.grade, b.allowance_paid, b.capacity_cases)
                };
                prop_assert!(same(&standing, &fresh), "month {month}: kept {standing:?}, fresh {fresh:?}");
                if month > worker.joined && month >= 1 {
                    prop_assert_eq!(standing.leaving_rate, rate_by_the_rules(&model, &params, &worker, month), "month {}", month);
                }
                month += 1;
                if month > standing.until {
                    standing = rules.standing(&worker, month);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, rng_seed: proptest::test_runner::RngSeed::Fixed(2027),
            ..ProptestConfig::default() })]

        /// A joiner moved on through their career has, in every month, exactly the standing
        /// worked out afresh (same bits, same last month), whichever joiners came first.
        #[test]
        fn a_career_gives_the_standing_worked_out_afresh(
            joiners in proptest::collection::vec(
                (1i32..200, 0i32..40, 0usize..Route::COUNT, any::<bool>(), proptest::option::of(0i32..48),
                    proptest::option::of(0i32..36), prop_oneof![Just(1.0), Just(0.6), Just(0.5)]),
                1..6),
        ) {
            let model = model();
            let params = RepParams::draw(&model, Key::replication(7, 0));
            let rules = StandingRules::new(&model, &params);
            let mut careers = Careers::default();
            for (i, &(joined, prior, route, manager, allowance_after, clawback, fte)) in joiners.iter().enumerate() {
                let mut worker = Worker::new(Key::replication(7, i as u64), Route::ALL[route], fte, joined, joined - prior);
                worker.manager = manager;
                worker.allowance_from = allowance_after.map_or(NEVER_FROM, |after| joined + after);
                worker.clawback_until = clawback.map_or(NEVER, |months| joined + months);
                careers.enter(&rules, &mut worker, joined);
                prop_assert_ne!(worker.career_stage, NO_CAREER);
                for month in joined..joined + 240 {
                    if month > worker.standing.until {
                        careers.move_on(&rules, &mut worker, month);
                    }
                    let fresh = rules.standing(&worker, month);
                    prop_assert_eq!(worker.standing.leaving_rate.to_bits(), fresh.leaving_rate.to_bits());
                    prop_assert_eq!(worker.standing.capacity_cases.to_bits(), fresh.capacity_cases.to_bits());
                    prop_assert_eq!(worker.standing, fresh, "joiner {} in month {}", i, month);
                }
            }
        }
    }

    #[test]
    fn joiners_alike_share_one_career_and_the_starting_stock_has_none() {
        let model = model();
        let params = RepParams::draw(&model, Key::replication(7, 0));
        let rules = StandingRules::new(&model, &params);
        let mut careers = Careers::default();
        let mut join = |joined: i32, prior: i32, month: i32| {
            let mut worker = Worker::new(Key::replication(7, 1), Route::Frontline, 1.0, joined, joined - prior);
            careers.enter(&rules, &mut worker, month);
            worker
        };
        let first = join(5, 0, 5);
        let later = join(50, 0, 50);
        assert_eq!(later.career_stage, first.career_stage);
        assert_eq!(later.standing.until - later.joined, first.standing.until - first.joined);
        // Two years' prior experience: another kind, with its own stages after the first's.
        let experienced = join(50, 24, 50);
        assert!(experienced.career_stage > first.career_stage);
        // In post at the start (month 0), or not joining in the month given: worked out afresh.
        assert_eq!(join(-30, 0, 0).career_stage, NO_CAREER);
        assert_eq!(join(0, 0, 0).career_stage, NO_CAREER);
        assert_eq!(careers.kinds.len(), 2);
    }

    /// The leaving rate in `month` as MODEL.md states it, worked out directly.
    fn rate_by_the_rules(model: &Model, params: &RepParams, worker: &Worker, month: i32) -> f64 {
        let tenure = (month - 1 - worker.joined) as usize;
        let stride = params.leaving_rate_stride;
        let mut hazard = params.leaving_rate_by_tenure[worker.route.index() * stride + tenure.min(stride - 1)];
        let last_month = month - 1;
        let last_grade = worker.grade(last_month, model.senior_after_months);
        if last_month >= worker.allowance_from && model.allowance_grades[last_grade.index()] {
            hazard *= params.allowance_hazard_ratio;
        }
        let tail = model.welcome.as_ref().map_or(0, |w| w.months_after as i32);
        if month <= worker.clawback_until {
            hazard *= params.welcome_ratio_during;
        } else if month <= worker.clawback_until + tail {
            hazard *= params.welcome_ratio_after;
        }
        hazard
    }

    #[test]
    fn a_settled_worker_is_worked_out_again_only_at_its_change_points() {
        let model = model();
        let params = RepParams::draw(&model, Key::replication(7, 0));
        let rules = StandingRules::new(&model, &params);
        // Qualified and joined long ago, no allowance, no clawback: nothing ever changes.
        let mut worker = Worker::new(Key::replication(7, 1), Route::Experienced, 1.0, -500, -600);
        worker.allowance_from = crate::engine::workforce::NEVER_FROM;
        assert_eq!(rules.standing(&worker, 10).until, i32::MAX - 1);
        // A new NQSW is next worked out at the first step of the caseload ramp (8 cases for
        // four months, then 12, in the baseline), before the first tenure band or the ASYE
        // year ends.
        let nqsw = Worker::new(Key::replication(7, 2), Route::University, 1.0, 10, 10);
        assert_eq!(model.caseload.capacity_steps_months, [4, 8, 12]);
        assert_eq!(rules.standing(&nqsw, 10).until, 10 + 4 - 1);
        assert_eq!(rules.standing(&nqsw, 14).until, 10 + 8 - 1);
    }
}
