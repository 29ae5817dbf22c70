//! Kaplan-Meier survival with left truncation and right censoring, and Greenwood's variance.
//!
//! Each [`Spell`] is observed from tenure `entry` (0 unless the worker was already in post when
//! observation began) to tenure `exit`, where the worker left (`event`) or was last seen in
//! post (censored). At an event time t the **risk set** is every spell with
//! `entry < t ≤ exit`: in post and under observation just before t. With `n` at risk and `d`
//! leaving at t,
//!
//! - S(t) = Π over event times tᵢ ≤ t of (1 − dᵢ/nᵢ);
//! - Greenwood: Var S(t) = S(t)² Σ dᵢ / (nᵢ (nᵢ − dᵢ)).
//!
//! The 95% interval is the **log(−log)** interval (Kalbfleisch & Prentice): with
//! se = √(Σ dᵢ/(nᵢ(nᵢ − dᵢ))) / |ln S(t)|, the interval is S(t)^exp(±1.96 se). It stays within
//! 0 and 1. Once every worker at risk leaves at one time (d = n) S is 0 and the variance is
//! undefined: the interval is then [0, 0].
//!
//! The estimator is generic over the number type ([`Scalar`]): [`f64`] for fitting, [`Ratio`]
//! for exact answers on small hand-worked examples.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Div, Mul, Sub};

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// One spell in post, in months of tenure with the council.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spell {
    /// Tenure when observation began (left truncation; 0 if observed from the start).
    pub entry: f64,
    /// Tenure at leaving (event) or when last seen in post (censored). Greater than `entry`.
    pub exit: f64,
    /// Whether the worker left at `exit`.
    pub event: bool,
}

/// Numbers the Kaplan-Meier estimator can be computed in.
pub trait Scalar:
    Copy + PartialEq + fmt::Debug + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    fn from_count(count: u64) -> Self;
}

impl Scalar for f64 {
    fn from_count(count: u64) -> Self {
        count as f64
    }
}

/// An exact fraction, always in lowest terms with a positive denominator, for checking the
/// estimator against hand-worked examples. Arithmetic panics on overflow (it is meant for
/// small examples) and on division by zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    numerator: i128,
    denominator: i128,
}

impl Ratio {
    /// `numerator / denominator` in lowest terms. Panics if `denominator` is 0.
    pub fn new(numerator: i128, denominator: i128) -> Ratio {
        assert!(denominator != 0, "a ratio with denominator 0");
        let divisor = gcd(numerator.unsigned_abs(), denominator.unsigned_abs()) as i128;
        let sign = if denominator < 0 { -1 } else { 1 };
        Ratio { numerator: sign * numerator / divisor, denominator: sign * denominator / divisor }
    }

    pub fn integer(value: i128) -> Ratio {
        Ratio { numerator: value, denominator: 1 }
    }

    pub fn numerator(self) -> i128 {
        self.numerator
    }

    pub fn denominator(self) -> i128 {
        self.denominator
    }

    pub fn to_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

fn checked(value: Option<i128>) -> i128 {
    value.expect("Ratio arithmetic overflowed")
}

impl Add for Ratio {
    type Output = Ratio;
    fn add(self, other: Ratio) -> Ratio {
        let numerator = checked(
            checked(self.numerator.checked_mul(other.denominator))
                .checked_add(checked(other.numerator.checked_mul(self.denominator))),
        );
        Ratio::new(numerator, checked(self.denominator.checked_mul(other.denominator)))
    }
}

impl Sub for Ratio {
    type Output = Ratio;
    fn sub(self, other: Ratio) -> Ratio {
        self + Ratio { numerator: -other.numerator, denominator: other.denominator }
    }
}

impl Mul for Ratio {
    type Output = Ratio;
    fn mul(self, other: Ratio) -> Ratio {
        Ratio::new(
            checked(self.numerator.checked_mul(other.numerator)),
            checked(self.denominator.checked_mul(other.denominator)),
        )
    }
}

impl Div for Ratio {
    type Output = Ratio;
    fn div(self, other: Ratio) -> Ratio {
        Ratio::new(
            checked(self.numerator.checked_mul(other.denominator)),
            checked(self.denominator.checked_mul(other.numerator)),
        )
    }
}

impl fmt::Debug for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Scalar for Ratio {
    fn from_count(count: u64) -> Self {
        Ratio::integer(i128::from(count))
    }
}

/// The Kaplan-Meier estimate at one event time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmStep<T> {
    /// Months of tenure.
    pub time: f64,
    /// Spells at risk just before `time`: entry < time ≤ exit.
    pub at_risk: u64,
    /// Leavers at `time`.
    pub events: u64,
    /// S(time).
    pub survival: T,
    /// Greenwood's sum Σ d/(n(n − d)) up to `time`; `None` once some d = n.
    pub greenwood_sum: Option<T>,
    /// Greenwood's variance S² Σ d/(n(n − d)); `None` once some d = n.
    pub variance: Option<T>,
}

/// Kaplan-Meier at every event time, in `T` arithmetic. Spells with `exit ≤ entry` are
/// ignored (they are never at risk).
pub fn kaplan_meier_with<T: Scalar>(spells: &[Spell]) -> Vec<KmStep<T>> {
    let spells: Vec<&Spell> = spells.iter().filter(|s| s.exit > s.entry).collect();
    let mut entries: Vec<f64> = spells.iter().map(|s| s.entry).collect();
    let mut exits: Vec<f64> = spells.iter().map(|s| s.exit).collect();
    let mut event_times: Vec<f64> = spells.iter().filter(|s| s.event).map(|s| s.exit).collect();
    entries.sort_by(f64::total_cmp);
    exits.sort_by(f64::total_cmp);
    event_times.sort_by(f64::total_cmp);

    let one = T::from_count(1);
    let mut survival = one;
    let mut greenwood = Some(T::from_count(0));
    let mut steps = Vec::new();
    let mut index = 0;
    while index < event_times.len() {
        let time = event_times[index];
        let events = event_times[index..].iter().take_while(|t| t.total_cmp(&time) == Ordering::Equal).count();
        index += events;
        let at_risk = at_risk(&entries, &exits, time);
        let (n, d) = (at_risk as u64, events as u64);
        survival = survival * (one - T::from_count(d) / T::from_count(n));
        greenwood = greenwood.filter(|_| n > d).map(|sum| sum + T::from_count(d) / T::from_count(n * (n - d)));
        steps.push(KmStep {
            time,
            at_risk: n,
            events: d,
            survival,
            greenwood_sum: greenwood,
            variance: greenwood.map(|sum| survival * survival * sum),
        });
    }
    steps
}

/// Spells with entry < t ≤ exit, from the sorted entries and exits (exit > entry for all).
fn at_risk(entries: &[f64], exits: &[f64], t: f64) -> usize {
    let entered = entries.partition_point(|&e| e < t);
    let gone = exits.partition_point(|&x| x < t);
    entered - gone
}

/// A point of a fitted survival curve: S holds from `time` until the next point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurvivalPoint {
    pub time: f64,
    pub at_risk: u64,
    pub events: u64,
    pub survival: f64,
    /// 95% log(−log) interval.
    pub lower: f64,
    pub upper: f64,
}

/// The Kaplan-Meier curve with 95% log(−log) intervals: a point at tenure 0 (S = 1; at risk,
/// the spells observed from the start), one at every event time, and one at the longest
/// observed tenure if that is later than the last event (no events; S carried on).
pub fn kaplan_meier(spells: &[Spell]) -> Vec<SurvivalPoint> {
    let steps = kaplan_meier_with::<f64>(spells);
    let valid: Vec<&Spell> = spells.iter().filter(|s| s.exit > s.entry).collect();
    let mut entries: Vec<f64> = valid.iter().map(|s| s.entry).collect();
    let mut exits: Vec<f64> = valid.iter().map(|s| s.exit).collect();
    entries.sort_by(f64::total_cmp);
    exits.sort_by(f64::total_cmp);

    let from_start = valid.iter().filter(|s| s.entry <= 0.0).count() as u64;
    let mut points =
        vec![SurvivalPoint { time: 0.0, at_risk: from_start, events: 0, survival: 1.0, lower: 1.0, upper: 1.0 }];
    for step in &steps {
        let (lower, upper) = log_log_interval(step.survival, step.greenwood_sum);
        points.push(SurvivalPoint {
            time: step.time,
            at_risk: step.at_risk,
            events: step.events,
            survival: step.survival,
            lower,
            upper,
        });
    }
    let longest = exits.last().copied().unwrap_or(0.0);
    if let Some(last) = points.last().copied()
        && longest > last.time
    {
        let at_risk = at_risk(&entries, &exits, longest) as u64;
        points.push(SurvivalPoint { time: longest, at_risk, events: 0, ..last });
    }
    points
}

/// The 95% log(−log) interval of S given Greenwood's sum.
pub fn log_log_interval(survival: f64, greenwood_sum: Option<f64>) -> (f64, f64) {
    match greenwood_sum {
        _ if survival >= 1.0 => (1.0, 1.0),
        Some(sum) if survival > 0.0 => {
            let se = sum.sqrt() / survival.ln().abs();
            (survival.powf((Z95 * se).exp()), survival.powf((-Z95 * se).exp()))
        }
        _ => (0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_exact_and_reduced() {
        let third = Ratio::new(2, 6);
        assert_eq!((third.numerator(), third.denominator()), (1, 3));
        assert_eq!(Ratio::new(1, -2), Ratio::new(-1, 2));
        assert_eq!(third + Ratio::new(1, 6), Ratio::new(1, 2));
        assert_eq!(third - third, Ratio::integer(0));
        assert_eq!(third * Ratio::integer(3), Ratio::integer(1));
        assert_eq!(third / Ratio::new(2, 3), Ratio::new(1, 2));
    }

    #[test]
    fn without_truncation_or_censoring_it_is_the_empirical_survival() {
        let spells: Vec<Spell> =
            [1.0, 2.0, 2.0, 4.0].iter().map(|&exit| Spell { entry: 0.0, exit, event: true }).collect();
        let steps = kaplan_meier_with::<Ratio>(&spells);
        let survival: Vec<Ratio> = steps.iter().map(|s| s.survival).collect();
        assert_eq!(survival, [Ratio::new(3, 4), Ratio::new(1, 4), Ratio::integer(0)]);
        assert_eq!(steps[2].variance, None);
        let curve = kaplan_meier(&spells);
        assert_eq!(curve.last().unwrap().lower, 0.0);
    }

    #[test]
    fn log_log_interval_brackets_the_estimate() {
        let (lower, upper) = log_log_interval(0.6, Some(0.02));
        assert!(0.0 < lower && lower < 0.6 && 0.6 < upper && upper < 1.0);
        assert_eq!(log_log_interval(1.0, Some(0.0)), (1.0, 1.0));
        assert_eq!(log_log_interval(0.0, None), (0.0, 0.0));
    }
}
