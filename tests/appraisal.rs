//! Option appraisal: pairing really pays, and the allowance break-even search finds a ratio
//! at which the allowance does pay for itself.

use std::path::Path;

use wfsim::appraisal::{self, BreakEven, Period, mean_break_even_cost, period_sums};
use wfsim::engine::Model;
use wfsim::engine::metrics::Metric;
use wfsim::run::{RunSettings, run_all};
use wfsim::scenario::param::Param;
use wfsim::scenario::schema::Enabled;
use wfsim::scenario::{Scenario, load};

fn scenario(name: &str) -> Scenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)).expect("shipped scenario loads")
}

fn settings(seed: u64, replications: u32, months: u32) -> RunSettings {
    RunSettings { replications, seed, months: Some(months), progress: false, national_seed: None }
}

fn variance(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64
}

#[test]
fn paired_differences_vary_far_less_than_independent_ones() {
    let scenarios = [scenario("baseline.toml"), scenario("no_allowance.toml")];
    let same_seed = run_all(&scenarios, &settings(1, 200, 36));
    let other_seed = run_all(&scenarios[1..], &settings(2, 200, 36));
    let total = |run: &wfsim::run::ScenarioRun| period_sums(run, Period::Total, Metric::CostTotalGbp);
    let baseline = total(&same_seed[0]);
    let difference = |option: &[f64]| option.iter().zip(&baseline).map(|(o, b)| o - b).collect::<Vec<f64>>();
    let paired = variance(&difference(&total(&same_seed[1])));
    let independent = variance(&difference(&total(&other_seed[0])));
    assert!(paired < independent / 10.0, "paired variance {paired} vs independent {independent}");
}

#[test]
fn an_identical_option_appraises_to_exactly_zero() {
    let mut copy = scenario("baseline.toml");
    copy.name = "copy".into();
    let runs = run_all(&[scenario("baseline.toml"), copy], &settings(1, 50, 24));
    let rows = appraisal::appraise(&runs[1], &runs[0]).expect("paired");
    for row in rows {
        match row.measure {
            appraisal::Measure::ProbabilityCheaper => assert_eq!(row.mean, 0.0),
            appraisal::Measure::CostPerVacancyFteMonthAvoidedGbp => assert!(row.mean.is_nan()),
            _ => {
                let spread = row.spread.expect("a spread");
                assert_eq!(
                    [row.mean, spread.p5, spread.p50, spread.p95],
                    [0.0; 4],
                    "{:?} {:?}",
                    row.measure,
                    row.period
                );
            }
        }
    }
}

#[test]
fn the_break_even_ratio_fed_back_gives_a_net_cost_near_zero() {
    // The baseline's allowance at £500 (at £2,500 no cut in leaving pays for it through agency
    // and recruitment alone): its break-even ratio lies in (0, 1).
    let mut baseline = scenario("baseline.toml");
    let allowance = baseline.spec.retention.as_mut().and_then(|r| r.allowance.as_mut()).expect("allowance");
    allowance.amount_gbp = 500.0;
    let settings = settings(3, 150, 48);
    let Some(BreakEven::Found { hazard_ratio, net_cost_gbp }) = appraisal::break_even(&baseline, &settings) else {
        panic!("expected a break-even ratio for the baseline allowance");
    };
    assert!((0.0..1.0).contains(&hazard_ratio));
    let allowance = baseline.spec.retention.as_mut().and_then(|r| r.allowance.as_mut()).expect("allowance");
    allowance.hazard_ratio = Param::fixed(hazard_ratio);
    let with = mean_break_even_cost(&Model::build(&baseline), &settings, 48);
    let allowance = baseline.spec.retention.as_mut().and_then(|r| r.allowance.as_mut()).expect("allowance");
    allowance.enabled = Enabled(false);
    let without = mean_break_even_cost(&Model::build(&baseline), &settings, 48);
    // The same replications give the net the search reported, and it is near zero: the search
    // stops once the net is within its Monte Carlo standard error, here within 2% of what
    // the allowance costs over the horizon (500 x about 270 FTE x 1.3 x 4 years).
    let net = with - without;
    assert!((net - net_cost_gbp).abs() < 1e-6 * net.abs().max(1.0), "fed back {net}, reported {net_cost_gbp}");
    let tolerance = 0.02 * 500.0 * 270.0 * 1.3 * 4.0;
    assert!(net.abs() < tolerance, "net cost at the break-even ratio {hazard_ratio}: {net}");
}

#[test]
fn an_allowance_with_no_effect_leaves_every_replication_as_it_was_without_it() {
    // The break-even search takes the spend without the allowance from its run at a hazard
    // ratio of 1: that is sound only if, replication by replication, everything but the
    // allowance's own cost is the same bits as a run without the allowance.
    let mut baseline = scenario("baseline.toml");
    let settings = settings(2, 40, 36);
    let allowance = baseline.spec.retention.as_mut().and_then(|r| r.allowance.as_mut()).expect("allowance");
    allowance.hazard_ratio = Param::fixed(1.0);
    let at_one = appraisal::break_even_spend(&Model::build(&baseline), &settings, 36);
    let allowance = baseline.spec.retention.as_mut().and_then(|r| r.allowance.as_mut()).expect("allowance");
    allowance.enabled = Enabled(false);
    let without = appraisal::break_even_spend(&Model::build(&baseline), &settings, 36);
    for (rep, (at_one, without)) in at_one.iter().zip(&without).enumerate() {
        assert_eq!(at_one.without_allowance_gbp.to_bits(), without.total_gbp.to_bits(), "replication {rep}");
        assert_eq!(without.total_gbp.to_bits(), without.without_allowance_gbp.to_bits(), "replication {rep}");
        // The allowance itself costs something (about 2,500 a year on 250 FTE).
        assert!(at_one.total_gbp - at_one.without_allowance_gbp > 1_000_000.0, "replication {rep}");
    }
}
