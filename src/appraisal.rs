//! Option appraisal for finance teams: what each option costs by financial year, what it
//! saves against the baseline on the same random draws, and, for retention allowances, the
//! effect size at which the allowance pays for itself.

use std::fmt;

use rayon::prelude::*;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::FinancialYear;
use crate::engine::metrics::{COUNT, Metric};
use crate::engine::{Model, simulate};
use crate::run::{RunSettings, ScenarioRun};
use crate::scenario::Scenario;
use crate::scenario::param::Param;
use crate::stats::{Summary, share_below, summarise};

/// A financial year or the whole horizon: the `financial_year` column of `costs.csv` and
/// `appraisal.csv`, written `2024-25` or `total`. Ordered by time, the total last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    FinancialYear(FinancialYear),
    Total,
}

/// The label of the whole horizon ([`Period::Total`]) in the `financial_year` column.
const TOTAL: &str = "total";

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::FinancialYear(year) => year.fmt(f),
            Period::Total => f.write_str(TOTAL),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;

    /// `2024-25` or `total`, anything else refused.
    fn from_str(label: &str) -> Result<Self, Self::Err> {
        if label == TOTAL {
            return Ok(Period::Total);
        }
        label.parse().map(Period::FinancialYear).map_err(|_| {
            format!("column `financial_year`: expected a financial year such as 2024-25, or total, got {label:?}")
        })
    }
}

/// How serde writes a period: its label.
impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// How serde reads a period: by its label, in the `financial_year` column.
impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(D::Error::custom)
    }
}

/// The periods of a run: each financial year its simulated months touch, then the total.
pub fn periods(run: &ScenarioRun) -> Vec<Period> {
    let mut years: Vec<FinancialYear> = (1..=run.months as usize).map(|m| run.date(m).financial_year()).collect();
    years.dedup();
    years.into_iter().map(Period::FinancialYear).chain([Period::Total]).collect()
}

/// Per replication, the sum of a flow `metric` over the months of `period` (months 1 on).
pub fn period_sums(run: &ScenarioRun, period: Period, metric: Metric) -> Vec<f64> {
    let months = (1..=run.months as usize).filter(|&m| match period {
        Period::FinancialYear(year) => run.date(m).financial_year() == year,
        Period::Total => true,
    });
    crate::stats::sum_over_months(run, months, metric)
}

/// One measure of an option against the baseline. `appraisal.csv` writes it by its name
/// (`net_cost_gbp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Measure {
    /// The option's own extra spend: the change in total cost other than agency, pounds.
    ExtraCostGbp,
    /// Agency spend saved, pounds.
    AgencySavingGbp,
    /// The change in total cost after agency savings, pounds (negative: the option saves).
    NetCostGbp,
    /// Vacant FTE-months avoided (the sum over months of vacancy FTE, baseline less option).
    VacancyFteMonthsAvoided,
    /// Agency FTE-months saved.
    AgencyFteMonthsSaved,
    /// Mean net cost / mean vacancy FTE-months avoided (a ratio of means: no interval).
    CostPerVacancyFteMonthAvoidedGbp,
    /// Share of replications in which the option costs less than the baseline.
    ProbabilityCheaper,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::ExtraCostGbp,
        Measure::AgencySavingGbp,
        Measure::NetCostGbp,
        Measure::VacancyFteMonthsAvoided,
        Measure::AgencyFteMonthsSaved,
        Measure::CostPerVacancyFteMonthAvoidedGbp,
        Measure::ProbabilityCheaper,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Measure::ExtraCostGbp => "extra_cost_gbp",
            Measure::AgencySavingGbp => "agency_saving_gbp",
            Measure::NetCostGbp => "net_cost_gbp",
            Measure::VacancyFteMonthsAvoided => "vacancy_fte_months_avoided",
            Measure::AgencyFteMonthsSaved => "agency_fte_months_saved",
            Measure::CostPerVacancyFteMonthAvoidedGbp => "cost_per_vacancy_fte_month_avoided_gbp",
            Measure::ProbabilityCheaper => "probability_cheaper",
        }
    }

    pub fn from_name(name: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// A measure is shown by its name, as `appraisal.csv` writes it: `net_cost_gbp`.
impl std::fmt::Display for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How serde writes a measure: its name.
impl From<Measure> for &'static str {
    fn from(measure: Measure) -> &'static str {
        measure.name()
    }
}

/// How serde reads a measure: by its name, or says which name it does not know.
impl TryFrom<String> for Measure {
    type Error = String;

    fn try_from(name: String) -> Result<Measure, String> {
        Measure::from_name(&name).ok_or_else(|| format!("unknown measure {name:?}"))
    }
}

/// One row of the appraisal: a measure for a period, with its spread across paired
/// replications (`None` where a spread means nothing: a ratio of means, a probability).
#[derive(Debug, Clone, PartialEq)]
pub struct Appraisal {
    pub period: Period,
    pub measure: Measure,
    pub mean: f64,
    pub spread: Option<Summary>,
}

/// Appraises `option` against `baseline`, paired by replication: `None` if the runs cannot be
/// paired (different start months, lengths or replication counts).
pub fn appraise(option: &ScenarioRun, baseline: &ScenarioRun) -> Option<Vec<Appraisal>> {
    if option.first_date != baseline.first_date
        || option.months != baseline.months
        || option.replications != baseline.replications
    {
        return None;
    }
    let mut rows = Vec::new();
    for period in periods(option) {
        let change = |metric| {
            let (o, b) = (period_sums(option, period, metric), period_sums(baseline, period, metric));
            o.iter().zip(&b).map(|(o, b)| o - b).collect::<Vec<f64>>()
        };
        let total = change(Metric::CostTotalGbp);
        let agency = change(Metric::CostAgencyGbp);
        let vacancy = change(Metric::VacancyFte);
        let agency_fte = change(Metric::AgencyFte);
        let negate = |values: &[f64]| values.iter().map(|v| -v).collect::<Vec<f64>>();
        let per_rep = [
            (Measure::ExtraCostGbp, total.iter().zip(&agency).map(|(t, a)| t - a).collect::<Vec<f64>>()),
            (Measure::AgencySavingGbp, negate(&agency)),
            (Measure::NetCostGbp, total.clone()),
            (Measure::VacancyFteMonthsAvoided, negate(&vacancy)),
            (Measure::AgencyFteMonthsSaved, negate(&agency_fte)),
        ];
        let mut net_mean = 0.0;
        let mut avoided_mean = 0.0;
        for (measure, values) in per_rep {
            let summary = summarise(&values);
            match measure {
                Measure::NetCostGbp => net_mean = summary.mean,
                Measure::VacancyFteMonthsAvoided => avoided_mean = summary.mean,
                _ => {}
            }
            rows.push(Appraisal { period, measure, mean: summary.mean, spread: Some(summary) });
        }
        let per_month_avoided = if avoided_mean > 0.0 { net_mean / avoided_mean } else { f64::NAN };
        rows.push(Appraisal {
            period,
            measure: Measure::CostPerVacancyFteMonthAvoidedGbp,
            mean: per_month_avoided,
            spread: None,
        });
        rows.push(Appraisal {
            period,
            measure: Measure::ProbabilityCheaper,
            mean: share_below(&total, 0.0),
            spread: None,
        });
    }
    Some(rows)
}

/// The spend the break-even search weighs: the allowance against the agency and recruitment
/// spend it saves. Salaries are left out: a post kept filled is funded in the establishment
/// either way.
pub const BREAK_EVEN_COSTS: [Metric; 3] = [Metric::CostAllowanceGbp, Metric::CostAgencyGbp, Metric::CostRecruitmentGbp];

/// The outcome of the break-even search for one scenario's retention allowance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakEven {
    /// The hazard ratio at which the allowance's cost equals the agency and recruitment spend
    /// it saves over the horizon, on average.
    Found { hazard_ratio: f64, net_cost_gbp: f64 },
    /// Even a hazard ratio of 0 (no eligible worker ever leaves) does not pay for it.
    NeverPays { net_cost_at_zero_gbp: f64 },
    /// The allowance pays for itself even with no effect at all (a hazard ratio of 1).
    AlwaysPays { net_cost_at_one_gbp: f64 },
}

/// The break-even search uses at most this many replications (the first ones of the run).
pub const BREAK_EVEN_REPLICATIONS: u32 = 250;

/// Hazard ratios are searched to within this.
pub const BREAK_EVEN_TOLERANCE: f64 = 0.001;

/// Finds the hazard ratio at which `scenario`'s retention allowance pays for itself through
/// lower agency and recruitment spend: the mean over replications of that spend plus the
/// allowance, with the allowance at that ratio, less the same spend without the allowance, is
/// zero. Found by bisection on common random numbers, not by fitting a formula. `None` if the
/// scenario has no allowance or no costs.
pub fn break_even(scenario: &Scenario, settings: &RunSettings) -> Option<BreakEven> {
    let spec = &scenario.spec;
    let allowance = spec.retention.as_ref()?.allowance.as_ref()?;
    if !allowance.enabled.0 || spec.costs.as_ref().is_none_or(|c| !c.enabled.0) {
        return None;
    }
    let months = settings.months.unwrap_or(spec.horizon_months);
    // The first replications only: each step of the search is a whole run, and common random
    // numbers keep the comparison precise with fewer of them.
    let settings = &RunSettings { replications: settings.replications.min(BREAK_EVEN_REPLICATIONS), ..*settings };
    let spend_at = |ratio: f64| {
        let mut variant = scenario.clone();
        if let Some(allowance) = variant.spec.retention.as_mut().and_then(|r| r.allowance.as_mut()) {
            allowance.hazard_ratio = Param::fixed(ratio);
        }
        break_even_spend(&Model::build(&variant), settings, months)
    };
    // At a ratio of 1 the allowance changes nobody's leaving, so every replication runs as it
    // would without it (common random numbers): that run gives the spend without the
    // allowance too, and one simulation serves for two.
    let at_one = spend_at(1.0);
    let without: Vec<f64> = at_one.iter().map(|spend| spend.without_allowance_gbp).collect();
    // The mean net cost at a ratio, and the Monte Carlo standard error of that mean (paired by
    // replication): a net cost within it cannot be told apart from zero.
    let net_of = |with: &[Spend]| {
        let net: Vec<f64> = with.iter().zip(&without).map(|(with, without)| with.total_gbp - without).collect();
        (crate::stats::mean(&net), standard_error(&net))
    };
    let net_and_error = |ratio: f64| net_of(&spend_at(ratio));
    let (mut low, mut high) = (0.0, 1.0);
    let (at_low, at_high) = (net_and_error(low).0, net_of(&at_one).0);
    if at_low > 0.0 {
        return Some(BreakEven::NeverPays { net_cost_at_zero_gbp: at_low });
    }
    if at_high <= 0.0 {
        return Some(BreakEven::AlwaysPays { net_cost_at_one_gbp: at_high });
    }
    // Net cost rises with the ratio (a weaker effect saves less), nearly in a straight line:
    // the Illinois variant of false position brackets the root like bisection but needs far
    // fewer simulations.
    let (mut net_low, mut net_high) = (at_low, at_high);
    let mut kept_side = 0i8;
    let mut best = (low, at_low);
    while high - low > BREAK_EVEN_TOLERANCE {
        let guess = (low * net_high - high * net_low) / (net_high - net_low);
        // Keep each guess strictly inside, and narrow by at least the tolerance.
        let guess = guess.clamp(low + BREAK_EVEN_TOLERANCE / 2.0, high - BREAK_EVEN_TOLERANCE / 2.0);
        let (net, error) = net_and_error(guess);
        best = if net.abs() < best.1.abs() { (guess, net) } else { best };
        if net > 0.0 {
            (high, net_high) = (guess, net);
            if kept_side == -1 {
                net_low /= 2.0;
            }
            kept_side = -1;
        } else {
            (low, net_low) = (guess, net);
            if kept_side == 1 {
                net_high /= 2.0;
            }
            kept_side = 1;
        }
        if net.abs() < error.max(BREAK_EVEN_NET_TOLERANCE_GBP) {
            break;
        }
    }
    Some(BreakEven::Found { hazard_ratio: best.0, net_cost_gbp: best.1 })
}

/// The search also stops once the mean net cost is within this of zero (pounds over the
/// horizon), or within its Monte Carlo standard error if that is larger: searching further
/// would chase noise.
pub const BREAK_EVEN_NET_TOLERANCE_GBP: f64 = 1000.0;

/// The standard error of the mean of `values` (0 for fewer than two).
fn standard_error(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mean = crate::stats::mean(values);
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (variance / n as f64).sqrt()
}

/// Mean over replications of the break-even spend (`BREAK_EVEN_COSTS`) over the horizon.
pub fn mean_break_even_cost(model: &Model, settings: &RunSettings, months: u32) -> f64 {
    let totals: Vec<f64> = break_even_spend(model, settings, months).iter().map(|spend| spend.total_gbp).collect();
    crate::stats::mean(&totals)
}

/// One replication's break-even spend over the horizon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    /// All of `BREAK_EVEN_COSTS`.
    pub total_gbp: f64,
    /// The same without the allowance itself: added in the same order, so that where the
    /// allowance costs nothing it has the same bits as `total_gbp`.
    pub without_allowance_gbp: f64,
}

/// Each replication's break-even spend (`BREAK_EVEN_COSTS`) over the horizon, replications in
/// parallel and returned in order (the same bits at any thread count).
pub fn break_even_spend(model: &Model, settings: &RunSettings, months: u32) -> Vec<Spend> {
    (0..settings.replications)
        .into_par_iter()
        .map_init(
            || vec![0.0; (months as usize + 1) * COUNT],
            |out, rep| {
                simulate(model, settings.seed, u64::from(rep), months, out);
                let mut spend = Spend { total_gbp: 0.0, without_allowance_gbp: 0.0 };
                for month in 1..=months as usize {
                    for metric in BREAK_EVEN_COSTS {
                        let cost = out[month * COUNT + metric.index()];
                        spend.total_gbp += cost;
                        if metric != Metric::CostAllowanceGbp {
                            spend.without_allowance_gbp += cost;
                        }
                    }
                }
                spend
            },
        )
        .collect()
}

/// The scenarios whose allowance needs its own break-even search: the baseline's, and every
/// option that changes the allowance (an option inheriting it unchanged has the same answer).
pub fn allowance_scenarios<'a>(scenarios: &'a [Scenario], baseline: &str) -> Vec<&'a Scenario> {
    let allowance_of = |scenario: &'a Scenario| -> Vec<(&'a str, &'a str)> {
        scenario
            .assumptions
            .iter()
            .filter(|a| a.parameter.starts_with("retention.allowance."))
            .map(|a| (a.parameter.as_str(), a.canonical.as_str()))
            .collect()
    };
    let Some(reference) = scenarios.iter().find(|s| s.name == baseline).map(allowance_of) else {
        return scenarios.iter().collect();
    };
    scenarios.iter().filter(|s| s.name == baseline || allowance_of(s) != reference).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_years_are_labelled_like_budgets() {
        let year = |start_year| Period::FinancialYear(FinancialYear { start_year });
        assert_eq!(year(2024).to_string(), "2024-25");
        assert_eq!(year(2099).to_string(), "2099-00");
        assert_eq!(Period::Total.to_string(), "total");
        assert_eq!("2024-25".parse(), Ok(year(2024)));
        assert_eq!("total".parse(), Ok(Period::Total));
        assert!("2024".parse::<Period>().unwrap_err().contains("column `financial_year`"));
        assert!(year(2099) < Period::Total);
    }
}
