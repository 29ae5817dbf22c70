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
        let capacity_per_fte =
            if worker.manager { 0.0 } else { model.caseload.capacity_per_fte(month.saturating_sub(worker.qualified)) };
        Standing {
            leaving_rate: self.leaving_rate(worker, leaving_month),
            grade,
            allowance_paid: model.allowance_applies(worker, month, || grade),
            capacity_cases: on_census_grid(worker.fte * capacity_per_fte),
            until: self.until(worker, month, leaving_month),
        }
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
