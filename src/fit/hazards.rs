//! Piecewise-exponential hazards by tenure band: the maximum likelihood estimate under left
//! truncation and right censoring.
//!
//! Within band b = [a, c) the monthly hazard h_b is constant. A spell observed from tenure
//! `entry` to `exit` contributes its months at risk inside the band,
//! max(0, min(exit, c) − max(entry, a)), to the band's **exposure** E_b, and its leaving, if
//! `a ≤ exit < c`, to the band's **events** D_b. The likelihood factorises by band, and the MLE
//! is h_b = D_b / E_b. Months before `entry` are not counted: a worker first observed at 8
//! years' tenure tells nothing about the first year (that is what left truncation means).
//!
//! The 95% interval is the **exact Poisson (Garwood) interval** for D_b given E_b:
//! [Γ⁻¹(0.025; D_b, 1), Γ⁻¹(0.975; D_b + 1, 1)] / E_b (equivalently χ²₂D(0.025)/2E and
//! χ²₂D₊₂(0.975)/2E), with lower bound 0 when D_b = 0. The annual leaving probability is
//! p = 1 − exp(−12 h); being monotone, it carries the interval over unchanged in coverage.
//! (The scenario converts p back to a monthly probability 1 − (1 − p)^(1/12) = 1 − exp(−h).)

use statrs::distribution::{ContinuousCDF, Gamma};

use super::survival::Spell;

/// Tenure band edges in months, starting at 0 and increasing: `[0, 12, 24, 60]` gives the bands
/// 0-12, 12-24, 24-60 and 60+ months (the last open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bands {
    edges: Vec<u32>,
}

impl Bands {
    /// The bands from their edges: at least two, the first 0, strictly increasing.
    pub fn new(edges: Vec<u32>) -> Result<Bands, String> {
        if edges.first() != Some(&0) {
            return Err(format!("tenure band edges must start at 0 (the start of the job), got {edges:?}"));
        }
        if edges.len() < 2 {
            return Err("give at least two tenure band edges, such as 0,12 (bands 0-12 and 12+ months)".to_string());
        }
        if let Some(pair) = edges.windows(2).find(|pair| pair[1] <= pair[0]) {
            return Err(format!("tenure band edges must increase, got {} after {} in {edges:?}", pair[1], pair[0]));
        }
        Ok(Bands { edges })
    }

    /// Reads `0,12,24,60` (months, separated by commas).
    pub fn parse(text: &str) -> Result<Bands, String> {
        let edges = text
            .split(',')
            .map(|part| {
                part.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("expected tenure band edges in whole months such as 0,12,24,60, got {text:?}"))
            })
            .collect::<Result<Vec<u32>, String>>()?;
        Bands::new(edges)
    }

    /// The edges as given, starting at 0.
    pub fn edges(&self) -> &[u32] {
        &self.edges
    }

    /// The scenario's `retention.band_edges_months`: the edges after 0.
    pub fn scenario_edges(&self) -> &[u32] {
        &self.edges[1..]
    }

    /// Number of bands, the last open.
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// Always false: there are at least two bands.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Start and end of band `index` in months (`None`: open).
    pub fn range(&self, index: usize) -> (f64, Option<f64>) {
        (f64::from(self.edges[index]), self.edges.get(index + 1).map(|&edge| f64::from(edge)))
    }

    /// `0-12`, `60+`.
    pub fn label(&self, index: usize) -> String {
        match self.edges.get(index + 1) {
            Some(to) => format!("{}-{to}", self.edges[index]),
            None => format!("{}+", self.edges[index]),
        }
    }
}

/// One band's fitted hazard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandHazard {
    pub band: usize,
    pub from_months: f64,
    /// `None` for the open last band.
    pub to_months: Option<f64>,
    pub events: u64,
    /// Months at risk in the band.
    pub exposure_months: f64,
    /// Leavers per month at risk (NaN when there is no exposure).
    pub monthly_hazard: f64,
    /// 95% exact Poisson interval (NaN when there is no exposure).
    pub lower: f64,
    pub upper: f64,
    /// 1 − exp(−12 h) and its interval.
    pub annual_leave_prob: f64,
    pub annual_lower: f64,
    pub annual_upper: f64,
}

impl BandHazard {
    /// Whether anyone was at risk in the band.
    pub fn has_exposure(&self) -> bool {
        self.exposure_months > 0.0
    }
}

/// The piecewise-exponential MLE by band, respecting each spell's entry (left truncation) and
/// censoring.
pub fn piecewise_exponential(spells: &[Spell], bands: &Bands) -> Vec<BandHazard> {
    (0..bands.len())
        .map(|band| {
            let (from, to) = bands.range(band);
            let to_or_inf = to.unwrap_or(f64::INFINITY);
            let mut events = 0;
            let mut exposure = 0.0;
            for spell in spells {
                let overlap = spell.exit.min(to_or_inf) - spell.entry.max(from);
                if overlap > 0.0 {
                    exposure += overlap;
                }
                if spell.event && spell.exit >= from && spell.exit < to_or_inf && spell.exit > spell.entry {
                    events += 1;
                }
            }
            band_hazard(band, from, to, events, exposure)
        })
        .collect()
}

/// A band's estimate and intervals from its events and exposure.
pub fn band_hazard(band: usize, from: f64, to: Option<f64>, events: u64, exposure: f64) -> BandHazard {
    let (monthly_hazard, lower, upper) = if exposure > 0.0 {
        let (lower, upper) = exact_poisson_interval(events, exposure);
        (events as f64 / exposure, lower, upper)
    } else {
        (f64::NAN, f64::NAN, f64::NAN)
    };
    BandHazard {
        band,
        from_months: from,
        to_months: to,
        events,
        exposure_months: exposure,
        monthly_hazard,
        lower,
        upper,
        annual_leave_prob: annual_probability(monthly_hazard),
        annual_lower: annual_probability(lower),
        annual_upper: annual_probability(upper),
    }
}

/// The 95% exact Poisson (Garwood) interval for a rate with `events` in `exposure`.
pub fn exact_poisson_interval(events: u64, exposure: f64) -> (f64, f64) {
    let quantile = |shape: f64, p: f64| Gamma::new(shape, 1.0).map(|gamma| gamma.inverse_cdf(p)).unwrap_or(f64::NAN);
    let lower = if events == 0 { 0.0 } else { quantile(events as f64, 0.025) };
    let upper = quantile(events as f64 + 1.0, 0.975);
    (lower / exposure, upper / exposure)
}

/// The annual leaving probability of a constant monthly hazard: 1 − exp(−12 h).
pub fn annual_probability(monthly_hazard: f64) -> f64 {
    -(-12.0 * monthly_hazard).exp_m1()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_must_start_at_zero_and_increase() {
        let bands = Bands::parse("0, 12,24,60").unwrap();
        assert_eq!(bands.scenario_edges(), [12, 24, 60]);
        assert_eq!(bands.len(), 4);
        assert_eq!((bands.label(0), bands.label(3)), ("0-12".to_string(), "60+".to_string()));
        for bad in ["12,24", "0", "0,24,12", "0,12,12", "0,a", "", "0,-12", "0,1.5"] {
            assert!(Bands::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn exposure_counts_only_time_at_risk() {
        let bands = Bands::parse("0,12").unwrap();
        let spells = [
            Spell { entry: 0.0, exit: 6.0, event: true },
            Spell { entry: 10.0, exit: 30.0, event: false },
            Spell { entry: 20.0, exit: 25.0, event: true },
        ];
        let fit = piecewise_exponential(&spells, &bands);
        assert_eq!((fit[0].events, fit[0].exposure_months), (1, 8.0));
        assert_eq!((fit[1].events, fit[1].exposure_months), (1, 18.0 + 5.0));
        assert_eq!(fit[0].monthly_hazard, 1.0 / 8.0);
    }

    #[test]
    fn garwood_interval_matches_published_values() {
        // Exact 95% limits for a Poisson count of 0, 1 and 10 (e.g. Ulm 1990's table).
        let (lower, upper) = exact_poisson_interval(0, 1.0);
        assert_eq!(lower, 0.0);
        assert!((upper - 3.688_879).abs() < 1e-5, "{upper}");
        let (lower, upper) = exact_poisson_interval(1, 1.0);
        assert!((lower - 0.025_318).abs() < 1e-5 && (upper - 5.571_643).abs() < 1e-5, "{lower} {upper}");
        let (lower, upper) = exact_poisson_interval(10, 2.0);
        assert!((lower - 4.795_389 / 2.0).abs() < 1e-5 && (upper - 18.390_356 / 2.0).abs() < 1e-5);
        assert!((annual_probability(-(0.7f64.ln()) / 12.0) - 0.3).abs() < 1e-12);
    }
}
