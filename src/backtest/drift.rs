//! Drift: how often the model projects a council to a caseload, vacancy rate or agency rate
//! that no council had shown by the origin.
//!
//! Interval coverage can look fine while a share of replications wanders where no council has
//! ever been (a caseload of 40, a vacancy rate of 60%): such replications cost little in the
//! scores when the actual lies elsewhere, but they are not plausible futures. For each origin
//! and figure, the **observed range** is the lowest and highest value of the figure over
//! every council and every year up to the origin (the years after it are not looked at, so
//! the check is one that could have been made at the time); each comparison counts its
//! replications outside that range, ends included as inside.
//!
//! Council-years with no permanent social workers in post are left out of the range: every
//! rate of theirs is 100% by definition (the Isles of Scilly from 2021, covered by agency
//! staff alone), which would stretch the vacancy and agency rates' ranges to 0-100% and leave
//! nothing to find; and the model never projects such a council (`wfsim init` needs permanent
//! staff to start from).

use std::ops::RangeInclusive;

use super::{COMPARED, Compared};
use crate::dataset::{Area, Dataset, Field, Level};
use crate::engine::metrics::Metric;

/// The figures checked for drift: ratios whose plausible values what councils have shown
/// bounds (counts and flows grow with a council's size, so no range across councils bounds
/// them), and those whose projections are most in question (see the README's backtest).
pub const DRIFT_FIGURES: [Metric; 3] = [Metric::AvgCaseload, Metric::VacancyRate, Metric::AgencyRate];

/// The lowest and highest value of a figure over every council and year up to an origin, in
/// the metric's units (rates as fractions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObservedRange {
    pub min: f64,
    pub max: f64,
    /// (council, year) values the range is taken over.
    pub values: usize,
}

impl ObservedRange {
    /// Whether `value` lies within the range, ends included.
    pub fn contains(&self, value: f64) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// Whether the data say the council had no permanent social workers in post that year (FTE in
/// post 0; a missing figure is not taken for 0).
fn no_permanent_staff(data: &Dataset, area: &Area, year: i32) -> bool {
    data.figures(area, year).and_then(|figures| figures.value(Field::InpostFte)) == Some(0.0)
}

/// The observed range of `compared`'s figure over `data`'s councils, every year up to
/// `origin` (nothing later is looked at), council-years without permanent staff left out;
/// `None` if no council has the figure by then.
pub fn observed_range(data: &Dataset, compared: &Compared, origin: i32) -> Option<ObservedRange> {
    let mut range: Option<ObservedRange> = None;
    for area in data.areas().iter().filter(|area| area.level == Level::LocalAuthority) {
        for &year in area.years.iter().filter(|&&year| year <= origin && !no_permanent_staff(data, area, year)) {
            let Some(value) = compared.actual(data, area, year).filter(|value| value.is_finite()) else { continue };
            range = Some(match range {
                None => ObservedRange { min: value, max: value, values: 1 },
                Some(r) => ObservedRange { min: r.min.min(value), max: r.max.max(value), values: r.values + 1 },
            });
        }
    }
    range
}

/// The observed ranges of [`DRIFT_FIGURES`] for every origin, worked out once from the data.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedRanges {
    /// (origin, metric, range; `None` where no council has the figure by the origin), origins
    /// ascending, figures in [`DRIFT_FIGURES`] order.
    entries: Vec<(i32, Metric, Option<ObservedRange>)>,
}

impl ObservedRanges {
    pub fn new(data: &Dataset, origins: RangeInclusive<i32>) -> ObservedRanges {
        let mut entries = Vec::new();
        for origin in origins {
            for c in COMPARED.iter().filter(|c| DRIFT_FIGURES.contains(&c.metric)) {
                entries.push((origin, c.metric, observed_range(data, c, origin)));
            }
        }
        ObservedRanges { entries }
    }

    /// The range of `metric` by `origin`; `None` for a figure not checked, or not in the data.
    pub fn get(&self, origin: i32, metric: Metric) -> Option<&ObservedRange> {
        self.entries.iter().find(|(o, m, _)| *o == origin && *m == metric).and_then(|(_, _, range)| range.as_ref())
    }

    pub fn entries(&self) -> &[(i32, Metric, Option<ObservedRange>)] {
        &self.entries
    }
}

/// Replications, and how many of them fell outside an observed range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutsideCount {
    pub outside: usize,
    pub replications: usize,
}

impl OutsideCount {
    /// How many of `values` lie outside `range`.
    pub fn of(values: &[f64], range: &ObservedRange) -> OutsideCount {
        let outside = values.iter().filter(|&&value| !range.contains(value)).count();
        OutsideCount { outside, replications: values.len() }
    }

    /// The counts added up (whole numbers, so the order does not matter); `None` if none is
    /// present.
    pub fn total(counts: impl IntoIterator<Item = Option<OutsideCount>>) -> Option<OutsideCount> {
        counts.into_iter().flatten().reduce(|a, b| OutsideCount {
            outside: a.outside + b.outside,
            replications: a.replications + b.replications,
        })
    }

    /// The share outside; NaN for no replications.
    pub fn share(&self) -> f64 {
        if self.replications == 0 { f64::NAN } else { self.outside as f64 / self.replications as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_on_the_ends_are_inside() {
        let range = ObservedRange { min: 0.1, max: 0.2, values: 2 };
        let count = OutsideCount::of(&[0.05, 0.1, 0.15, 0.2, 0.25], &range);
        assert_eq!(count, OutsideCount { outside: 2, replications: 5 });
        assert_eq!(count.share(), 0.4);
        assert!(!range.contains(f64::NAN));
    }

    #[test]
    fn counts_add_up_and_skip_the_absent() {
        let a = OutsideCount { outside: 1, replications: 10 };
        let b = OutsideCount { outside: 4, replications: 30 };
        assert_eq!(OutsideCount::total([Some(a), None, Some(b)]), Some(OutsideCount { outside: 5, replications: 40 }));
        assert_eq!(OutsideCount::total([None, None]), None);
        assert!(OutsideCount::default().share().is_nan());
    }
}
