//! Year-to-year swings: the leaving rate, the experienced fill chance, the NQSW intake, establishment growth,
//! staff moving in or out with their posts, agency cover and demand each move from one year to the next around their level, as
//! councils' figures do in the DfE panel. A swing is a log multiplier following an AR(1) year
//! by year; part of each year's fresh draw is national (shared by every council and every
//! scenario in a replication, so that England's interval carries the years when every council
//! moved together), the rest the council's own. A fresh draw is normal, or (`tail`) has the
//! heavier tails councils' years show: mostly quiet, the odd large jump.
//!
//! Years run twelve months at a time from the start (months 1-12 are year 0), so for a start
//! in October they are the DfE's years to 30 September.

use super::rng::{Key, Process, name_hash};
use crate::scenario::schema::{GrowthWithSwings, StreamId, YearlyVariation};
use crate::stats::NORMAL_Z95 as Z95;

/// One swinging quantity's state in one replication.
#[derive(Debug, Clone, Copy)]
pub(super) struct Swing {
    variation: YearlyVariation,
    /// Draws of the council's own part and of the national part, by year.
    own: Key,
    national: Key,
    /// This year's log multiplier.
    log_multiplier: f64,
    /// The replication's offset of the level (0 when the level is known).
    level_offset: f64,
}

/// The child stream of a swing's own draws that its level offset comes from, and of its
/// national draws that its national share comes from (years use the others).
const LEVEL_STREAM: u64 = u64::MAX;

impl Swing {
    /// A swing with the stream id of its field (its streams follow the id, so scenarios that
    /// agree on a swing draw the same years). `None` without a variation: no swing.
    pub fn new(stream: StreamId, variation: Option<YearlyVariation>, own: Key, national: Key) -> Option<Swing> {
        let variation = variation.filter(|v| v.sd > 0.0)?;
        let id = name_hash(stream.path());
        let own = own.process(Process::YearToYear).child(id);
        let level_offset = if variation.level_sd > 0.0 {
            variation.level_sd * standard_normal(own.child(LEVEL_STREAM), 0)
        } else {
            0.0
        };
        let national = national.process(Process::YearToYear).child(id);
        let variation = YearlyVariation { national_share: drawn_national_share(&variation, national), ..variation };
        Some(Swing { variation, own, national, log_multiplier: variation.start.unwrap_or(0.0), level_offset })
    }

    /// Moves on to year `year` (0 first) and returns its log multiplier. Year 0 follows the
    /// known `start` if there is one; otherwise it is drawn from the stationary distribution,
    /// so every year has standard deviation `sd`.
    pub fn enter_year(&mut self, year: u64) -> f64 {
        let v = self.variation;
        let fresh = heavy_tailed(
            v.national_share.sqrt() * standard_normal(self.national, year)
                + (1.0 - v.national_share).sqrt() * standard_normal(self.own, year),
            v.tail,
        );
        // The swing around the replication's level: the known start is measured from the
        // estimated level, so from the true one it is start - offset.
        let level = self.level_offset;
        self.log_multiplier = if year == 0 && v.start.is_none() {
            level + v.sd * fresh
        } else {
            let phi = v.persistence;
            level + phi * (self.log_multiplier - level) + v.sd * (1.0 - phi * phi).sqrt() * fresh
        };
        self.log_multiplier
    }

    /// This year's log multiplier around the replication's level (its swing alone).
    pub fn deviation(&self) -> f64 {
        self.log_multiplier - self.level_offset
    }
}

/// The replication's national share. Read from n years, a variance has n - 1 degrees of
/// freedom: the share is `national_share` times (n - 1) / chi-square(n - 1), drawn from the
/// national streams so that every council and scenario of the replication draws the same,
/// and at most 1 (the year's whole variance national, none its own).
fn drawn_national_share(v: &YearlyVariation, national: Key) -> f64 {
    if v.national_years < 2 || v.national_share == 0.0 {
        return v.national_share;
    }
    let freedom = u64::from(v.national_years - 1);
    let stream = national.child(LEVEL_STREAM);
    let chi_square: f64 = (0..freedom).map(|i| standard_normal(stream, i).powi(2)).sum();
    (v.national_share * freedom as f64 / chi_square).min(1.0)
}

/// A standard normal `z` given tails of weight `tail` (Tukey's h): z exp(tail z^2 / 2),
/// divided by what that does to the 95th percentile, so that the 5th-95th percentile range
/// is the normal's and only the shape changes. A tail of 0 leaves `z` as it is.
pub(super) fn heavy_tailed(z: f64, tail: f64) -> f64 {
    if tail == 0.0 { z } else { z * (tail * (z * z - Z95 * Z95) / 2.0).exp() }
}

/// A standard normal for `year` from a stream (Box-Muller on two of its uniforms).
fn standard_normal(stream: Key, year: u64) -> f64 {
    let u1 = stream.uniform(2 * year);
    let u2 = stream.uniform(2 * year + 1);
    (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Every swing of one replication, and this year's multipliers.
#[derive(Debug, Clone)]
pub(super) struct Swings {
    leaving: Option<Swing>,
    fill: Option<Swing>,
    intake: Option<Swing>,
    establishment: Option<Swing>,
    moves: Option<Swing>,
    agency: Option<Swing>,
    demand: Option<Swing>,
    /// How funded posts' growth goes with the leaving and intake swings.
    establishment_with: GrowthWithSwings,
    /// Whether demand swings the level (see `Variations::demand_in_level`), and last year's
    /// level swing.
    demand_in_level: bool,
    demand_level: f64,
    /// This year's multipliers of the leaving rate, the fill chance, the NQSW intake and
    /// agency cover.
    pub leaving_multiplier: f64,
    pub fill_multiplier: f64,
    pub intake_multiplier: f64,
    pub agency_multiplier: f64,
    /// This year's swing in the log growth of funded posts and of open cases, a year.
    pub establishment_log_growth: f64,
    pub demand_log_growth: f64,
    /// This year's change in FTE in post and funded posts moving together, in logs.
    pub moves_log_change: f64,
}

/// The variations of each swinging quantity, as the model holds them.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Variations {
    pub leaving: Option<YearlyVariation>,
    pub fill: Option<YearlyVariation>,
    pub intake: Option<YearlyVariation>,
    pub establishment: Option<YearlyVariation>,
    pub moves: Option<YearlyVariation>,
    pub agency: Option<YearlyVariation>,
    pub demand: Option<YearlyVariation>,
    /// How funded posts' growth goes with the leaving and intake swings (zeros: not at all).
    pub establishment_with: GrowthWithSwings,
    /// The demand swings move the level of open cases (`DemandSpec::level_swings`).
    pub demand_in_level: bool,
}

impl Swings {
    /// `own` is the replication's key, `national` the key national swings are drawn from
    /// (the same for every council of a national run).
    pub fn new(variations: &Variations, own: Key, national: Key) -> Swings {
        let swing = |stream, variation| Swing::new(stream, variation, own, national);
        let demand = swing(StreamId::DEMAND_YEARLY_VARIATION, variations.demand);
        Swings {
            leaving: swing(StreamId::RETENTION_YEARLY_VARIATION, variations.leaving),
            fill: swing(StreamId::EXPERIENCED_YEARLY_VARIATION, variations.fill),
            intake: swing(StreamId::UNIVERSITY_YEARLY_VARIATION, variations.intake),
            establishment: swing(StreamId::ESTABLISHMENT_YEARLY_VARIATION, variations.establishment),
            moves: swing(StreamId::ESTABLISHMENT_MOVES_WITH_STAFF, variations.moves),
            agency: swing(StreamId::AGENCY_YEARLY_VARIATION, variations.agency),
            establishment_with: variations.establishment_with,
            demand_in_level: variations.demand_in_level,
            demand_level: demand.and_then(|swing| swing.variation.start).unwrap_or(0.0),
            demand,
            leaving_multiplier: 1.0,
            fill_multiplier: 1.0,
            intake_multiplier: 1.0,
            agency_multiplier: 1.0,
            establishment_log_growth: 0.0,
            demand_log_growth: 0.0,
            moves_log_change: 0.0,
        }
    }

    /// Sets this year's multipliers at the first month of each year.
    pub fn month(&mut self, month: i32) {
        if month < 1 || (month - 1) % 12 != 0 {
            return;
        }
        let year = ((month - 1) / 12) as u64;
        let log = |swing: &mut Option<Swing>| swing.as_mut().map_or(0.0, |s| s.enter_year(year));
        self.leaving_multiplier = log(&mut self.leaving).exp();
        self.fill_multiplier = log(&mut self.fill).exp();
        self.intake_multiplier = log(&mut self.intake).exp();
        self.agency_multiplier = log(&mut self.agency).exp();
        let deviation = |swing: &Option<Swing>| swing.as_ref().map_or(0.0, Swing::deviation);
        let with = self.establishment_with;
        self.establishment_log_growth = log(&mut self.establishment)
            + with.leaving * deviation(&self.leaving)
            + with.intake * deviation(&self.intake);
        let demand = log(&mut self.demand);
        self.demand_log_growth = if self.demand_in_level {
            // This year's level less last year's: the growth that moves the level there.
            let growth = demand - self.demand_level;
            self.demand_level = demand;
            growth
        } else {
            demand
        };
        self.moves_log_change = log(&mut self.moves);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A swing's stream; the tests hold whichever it is.
    const ANY: StreamId = StreamId::RETENTION_YEARLY_VARIATION;

    fn variation(sd: f64, persistence: f64, national_share: f64) -> Option<YearlyVariation> {
        Some(YearlyVariation { persistence, national_share, ..YearlyVariation::independent(sd) })
    }

    /// Many replications' paths: the spread, the year-to-year correlation and the shared part
    /// come out as asked.
    #[test]
    fn swings_have_the_spread_persistence_and_national_share_asked_for() {
        let (sd, phi, share) = (0.3, 0.6, 0.25);
        let n = 20_000;
        let mut years = vec![[0.0; 3]; n];
        let mut other_council = vec![0.0; n];
        for (rep, path) in years.iter_mut().enumerate() {
            let national = Key::replication(7, rep as u64);
            let mut swing =
                Swing::new(ANY, variation(sd, phi, share), Key::replication(1, rep as u64), national).expect("a swing");
            for (year, slot) in path.iter_mut().enumerate() {
                *slot = swing.enter_year(year as u64);
            }
            let mut other =
                Swing::new(ANY, variation(sd, phi, share), Key::replication(2, rep as u64), national).expect("a swing");
            other_council[rep] = other.enter_year(0);
        }
        let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
        let cov = |a: &[f64], b: &[f64]| {
            let (ma, mb) = (mean(a), mean(b));
            a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / a.len() as f64
        };
        let year = |k: usize| years.iter().map(|p| p[k]).collect::<Vec<f64>>();
        let (y0, y1, y2) = (year(0), year(1), year(2));
        // Standard errors at n = 20,000 are under 0.01 for each figure.
        for y in [&y0, &y1, &y2] {
            assert!((cov(y, y).sqrt() - sd).abs() < 0.01, "sd {}", cov(y, y).sqrt());
        }
        let corr = |a: &[f64], b: &[f64]| cov(a, b) / (cov(a, a) * cov(b, b)).sqrt();
        assert!((corr(&y0, &y1) - phi).abs() < 0.02, "lag 1 {}", corr(&y0, &y1));
        assert!((corr(&y0, &y2) - phi * phi).abs() < 0.02, "lag 2 {}", corr(&y0, &y2));
        // Two councils sharing the national key: correlated by the national share.
        assert!((corr(&y0, &other_council) - share).abs() < 0.02, "shared {}", corr(&y0, &other_council));
    }

    /// A share read from n years is drawn as share x (n - 1) / chi-square(n - 1): across
    /// replications (n - 1) share / drawn has the chi-square's mean n - 1 and variance
    /// 2 (n - 1); every council of a replication draws the same; 0 years keeps it as it is;
    /// a draw never passes 1.
    #[test]
    fn a_national_share_read_from_few_years_is_drawn_from_its_sampling_distribution() {
        let (share, years) = (0.02, 5u32);
        let freedom = f64::from(years - 1);
        let read = YearlyVariation { national_years: years, ..variation(0.3, 0.0, share).expect("some") };
        let n = 20_000;
        let mut chi_squares = Vec::with_capacity(n);
        for rep in 0..n as u64 {
            let national = Key::replication(11, rep);
            let one = Swing::new(ANY, Some(read), Key::replication(12, rep), national).expect("a swing");
            let other = Swing::new(ANY, Some(read), Key::replication(13, rep), national).expect("a swing");
            assert_eq!(one.variation.national_share, other.variation.national_share, "rep {rep}");
            assert!(one.variation.national_share <= 1.0);
            chi_squares.push(freedom * share / one.variation.national_share);
        }
        let mean = chi_squares.iter().sum::<f64>() / n as f64;
        let variance = chi_squares.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard errors at n = 20,000: 0.02 for the mean, 0.2 for the variance.
        assert!((mean - freedom).abs() < 0.07, "mean {mean}");
        assert!((variance - 2.0 * freedom).abs() < 0.7, "variance {variance}");
        let known = Swing::new(ANY, variation(0.3, 0.0, share), Key::replication(12, 0), Key::replication(11, 0));
        assert_eq!(known.expect("a swing").variation.national_share, share);
        let large = YearlyVariation { national_years: 2, ..variation(0.3, 0.0, 0.9).expect("some") };
        let most = (0..2000)
            .map(|rep| Swing::new(ANY, Some(large), Key::replication(1, rep), Key::replication(2, rep)))
            .map(|swing| swing.expect("a swing").variation.national_share)
            .fold(0.0, f64::max);
        assert_eq!(most, 1.0, "with one degree of freedom and a share of 0.9 some draws reach the cap");
    }

    /// Tukey's h in closed form: the 95th percentile stays at z95 and the 75th moves to
    /// z75 exp(-tail (z95^2 - z75^2) / 2); a tail of 0 changes nothing.
    #[test]
    fn heavy_tails_keep_the_ninety_percent_range_and_narrow_the_middle() {
        let z75 = crate::stats::NORMAL_Z75;
        assert_eq!(heavy_tailed(0.37, 0.0), 0.37);
        for tail in [0.1, 0.2, 0.4] {
            assert!((heavy_tailed(Z95, tail) - Z95).abs() < 1e-15);
            assert!((heavy_tailed(-Z95, tail) + Z95).abs() < 1e-15);
            let expected = z75 * (-tail * (Z95 * Z95 - z75 * z75) / 2.0).exp();
            assert!((heavy_tailed(z75, tail) - expected).abs() < 1e-15);
        }
        // Drawn through a swing (n = 40,000: standard errors under 0.003): half the years
        // fall within the narrower middle, 90% within the normal's 90% range, and more than
        // half within the normal's middle half.
        let n = 40_000;
        let tail = 0.2;
        let sd = 0.3;
        let narrower = z75 * (-tail * (Z95 * Z95 - z75 * z75) / 2.0).exp();
        let (mut middle, mut normal_middle, mut ninety) = (0usize, 0usize, 0usize);
        for rep in 0..n as u64 {
            let v = Some(YearlyVariation { tail, ..variation(sd, 0.0, 0.3).expect("some") });
            let x =
                Swing::new(ANY, v, Key::replication(8, rep), Key::replication(9, rep)).expect("a swing").enter_year(0);
            middle += usize::from(x.abs() < sd * narrower);
            normal_middle += usize::from(x.abs() < sd * z75);
            ninety += usize::from(x.abs() < sd * Z95);
        }
        let share = |count: usize| count as f64 / n as f64;
        assert!((share(middle) - 0.5).abs() < 0.01, "middle half {}", share(middle));
        assert!((share(ninety) - 0.9).abs() < 0.008, "90% range {}", share(ninety));
        // Within +-z75 of x: |z| below the root of z exp(0.1 (z^2 - z95^2)) = z75, 0.826; 2 Phi(0.826) - 1 = 0.591.
        assert!(
            (share(normal_middle) - 0.591).abs() < 0.01,
            "within the normal's middle half {}",
            share(normal_middle)
        );
    }

    #[test]
    fn no_variation_is_no_swing_and_multipliers_change_only_at_the_year() {
        assert!(Swing::new(ANY, None, Key::replication(1, 0), Key::replication(1, 0)).is_none());
        assert!(Swing::new(ANY, variation(0.0, 0.5, 0.5), Key::replication(1, 0), Key::replication(1, 0)).is_none());
        let variations = Variations { leaving: variation(0.2, 0.0, 0.0), ..Variations::default() };
        let mut swings = Swings::new(&variations, Key::replication(1, 0), Key::replication(1, 0));
        swings.month(1);
        let first = swings.leaving_multiplier;
        assert_ne!(first, 1.0);
        for month in 2..=12 {
            swings.month(month);
            assert_eq!(swings.leaving_multiplier, first, "month {month}");
        }
        swings.month(13);
        assert_ne!(swings.leaving_multiplier, first);
        assert_eq!((swings.fill_multiplier, swings.establishment_log_growth), (1.0, 0.0));
    }

    #[test]
    fn an_uncertain_level_is_drawn_once_and_the_start_is_measured_from_the_estimate() {
        // With swings of 1e-9, year y is offset + phi^(y+1) (start - offset): the offset is
        // the same in every year, and across replications it has standard deviation level_sd.
        let (phi, start, level_sd) = (0.6, 0.5, 0.3);
        let known = Some(YearlyVariation { start: Some(start), level_sd, ..variation(1e-9, phi, 0.0).expect("some") });
        let n = 4000;
        let mut offsets = Vec::with_capacity(n);
        for rep in 0..n as u64 {
            let mut swing =
                Swing::new(ANY, known, Key::replication(5, rep), Key::replication(6, rep)).expect("a swing");
            let first = swing.enter_year(0);
            let offset = (first - phi * start) / (1.0 - phi);
            for year in 1..5 {
                let expected = offset + phi.powi(year as i32 + 1) * (start - offset);
                assert!((swing.enter_year(year) - expected).abs() < 1e-6, "rep {rep} year {year}");
            }
            offsets.push(offset);
        }
        let mean = offsets.iter().sum::<f64>() / n as f64;
        let sd = (offsets.iter().map(|o| (o - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        // Standard errors at n = 4,000: 0.005 for the mean, 0.0034 for the sd.
        assert!(mean.abs() < 0.02, "mean offset {mean}");
        assert!((sd - level_sd).abs() < 0.015, "sd of the offset {sd}");
    }

    #[test]
    fn a_known_start_returns_toward_the_level_by_the_persistence() {
        // With the same draws, a start of s moves every year by persistence^(year + 1) x s
        // against the swing without one: year y is phi^(y+1) s + the same fresh part.
        let (sd, phi, start) = (0.3, 0.6, -0.8);
        let keys = (Key::replication(3, 0), Key::replication(4, 0));
        let mut drawn = Swing::new(ANY, variation(sd, phi, 0.2), keys.0, keys.1).expect("a swing");
        let known = Some(YearlyVariation { start: Some(start), ..variation(sd, phi, 0.2).expect("some") });
        let mut started = Swing::new(ANY, known, keys.0, keys.1).expect("a swing");
        // Year 0 without a start is stationary (sd x fresh); with one, phi s + sd sqrt(1 - phi^2) fresh.
        let fresh = drawn.enter_year(0) / sd;
        let first = started.enter_year(0);
        assert!((first - (phi * start + sd * (1.0 - phi * phi).sqrt() * fresh)).abs() < 1e-12);
        let mut gap = first - fresh * sd;
        for year in 1..6 {
            let difference = started.enter_year(year) - drawn.enter_year(year);
            gap *= phi;
            assert!((difference - gap).abs() < 1e-12, "year {year}: {difference} against {gap}");
        }
    }
}
