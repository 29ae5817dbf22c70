//! Reproducible, shared randomness.
//!
//! Every random number is a pure function of (master seed, replication, process, entity,
//! month): nothing depends on the thread, on the order work is scheduled, or on the scenario.
//! Two scenarios therefore see the same luck wherever their states agree (common random
//! numbers): worker 17 of replication 3 has the same leaving draw in the baseline and in every
//! option, and leaves later, never sooner, where an option lowers their leaving rate; so
//! differences between options are due to the options.
//!
//! The mixing function is SplitMix64's finaliser (Steele, Lea & Flood 2014), which passes
//! BigCrush when applied to a counter; keys are chained through it so that every
//! (seed, replication, process, entity, month) gives an independent-looking 64-bit value.
//! Where a process needs a conventional generator (sampling a Beta or a Normal), it seeds a
//! `Xoshiro256PlusPlus` from such a key.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The processes that draw random numbers, each with its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Process {
    /// Uncertain parameters, one stream per parameter name.
    Parameters = 1,
    /// Attributes of the starting stock (allowance eligibility, absence lengths).
    StartingStock = 2,
    /// A worker's own draws, each on a child stream of the worker's key: the exposure after
    /// which they leave (one exponential, drawn when they enter post), a leaver's
    /// destination, and when absences start and how long they last.
    Leaving = 3,
    TraineeDropout = 7,
    CohortSize = 8,
    ExperiencedHire = 9,
    Demand = 10,
    NewWorker = 11,
    /// Year-to-year swings, one stream per swinging quantity (see `swings`).
    YearToYear = 12,
    /// Which workers move out with their posts, and who moves in (see `simulate`'s moves).
    Moves = 13,
}

/// SplitMix64's output function: a bijective mixer with full avalanche.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// A node in the tree of streams: seed → replication → process → entity → month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u64);

impl Key {
    /// The root for one replication of a run.
    pub fn replication(seed: u64, replication: u64) -> Key {
        Key(mix64(mix64(seed ^ GOLDEN).wrapping_add(replication.wrapping_mul(GOLDEN))))
    }

    /// A child key; different `part`s give unrelated keys.
    #[inline(always)]
    pub fn child(self, part: u64) -> Key {
        Key(mix64(self.0 ^ mix64(part.wrapping_add(GOLDEN))))
    }

    pub fn process(self, process: Process) -> Key {
        self.child(process as u64)
    }

    /// A uniform draw in [0, 1) for `step` (usually the month) of this key's stream: the
    /// `step`-th output of SplitMix64 started at this key.
    #[inline(always)]
    pub fn uniform(self, step: u64) -> f64 {
        (self.bits_at(step) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// The raw 64 bits of `step` of this key's stream, for callers that split one draw.
    #[inline(always)]
    pub fn bits_at(self, step: u64) -> u64 {
        mix64(self.0.wrapping_add(step.wrapping_add(1).wrapping_mul(GOLDEN)))
    }

    /// How many of the draws at steps `0..steps` of this key's stream fall below `prob`:
    /// exactly `(0..steps).filter(|&step| self.uniform(step) < prob).count()`, but compared
    /// as whole numbers, without branches, so that the compiler checks several steps at once.
    /// A uniform draw is `bits >> 11` times 2^-53, exactly, so it is below `prob` just when
    /// `bits >> 11` is below `prob` times 2^53 (exact too), or below that number's ceiling.
    #[inline]
    pub fn count_below(self, steps: u64, prob: f64) -> u64 {
        // `as` saturates: a probability of 0 or less (or NaN) gives 0, none below; more than
        // 1 gives at least 2^53, all below.
        let threshold = (prob * (1u64 << 53) as f64).ceil() as u64;
        (0..steps).map(|step| u64::from(self.bits_at(step) >> 11 < threshold)).sum()
    }

    /// The raw 64 bits, for seeding or identifying an entity.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// A conventional generator for draws that need one (Beta, Normal, ...).
    pub fn generator(self) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(self.0)
    }
}

/// FNV-1a of a name: gives each named parameter its own stream, so that adding a parameter to
/// a scenario does not shift the draws of the others.
pub fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ byte as u64).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_are_in_range_with_the_right_moments() {
        let key = Key::replication(1, 0).process(Process::Leaving).child(42);
        let n = 100_000;
        let draws: Vec<f64> = (0..n).map(|step| key.uniform(step)).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / n as f64;
        let variance = draws.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / n as f64;
        // Mean 1/2 with standard error 0.0009; variance 1/12 = 0.0833.
        assert!((mean - 0.5).abs() < 0.004, "mean {mean}");
        assert!((variance - 1.0 / 12.0).abs() < 0.002, "variance {variance}");
        // Successive draws are uncorrelated.
        let lag1 = draws.windows(2).map(|w| (w[0] - 0.5) * (w[1] - 0.5)).sum::<f64>() / n as f64;
        assert!(lag1.abs() < 0.002, "lag-1 covariance {lag1}");
    }

    #[test]
    fn counting_draws_below_a_probability_counts_what_comparing_each_draw_would() {
        let key = Key::replication(5, 2).process(Process::ExperiencedHire).child(7);
        let probs = [
            0.0,
            -0.5,
            f64::NAN,
            1.0,
            1.5,
            f64::INFINITY,
            0.3,
            0.5,
            0.999_999,
            // The smallest step between draws, and a subnormal.
            2.0_f64.powi(-53),
            // Exactly a draw's value, and the values either side: ties are not below.
            key.uniform(3),
            f64::from_bits(key.uniform(3).to_bits() + 1),
            f64::from_bits(key.uniform(3).to_bits() - 1),
            f64::MIN_POSITIVE / 4.0,
        ];
        for prob in probs {
            for steps in [0, 1, 4, 17, 200] {
                let by_comparing = (0..steps).filter(|&step| key.uniform(step) < prob).count() as u64;
                assert_eq!(key.count_below(steps, prob), by_comparing, "prob {prob:e}, {steps} steps");
            }
        }
        assert_eq!(key.count_below(200, 1.0), 200);
    }

    #[test]
    fn streams_depend_on_every_part_of_the_key() {
        let base = Key::replication(1, 0);
        let draws = [
            base.process(Process::Leaving).uniform(0),
            base.process(Process::Demand).uniform(0),
            Key::replication(2, 0).process(Process::Leaving).uniform(0),
            Key::replication(1, 1).process(Process::Leaving).uniform(0),
            base.process(Process::Leaving).uniform(1),
            base.process(Process::Leaving).child(1).uniform(0),
        ];
        for i in 0..draws.len() {
            for j in i + 1..draws.len() {
                assert_ne!(draws[i], draws[j], "draws {i} and {j} coincide");
            }
        }
        // And the same key always gives the same draw.
        assert_eq!(
            base.process(Process::Leaving).uniform(5),
            Key::replication(1, 0).process(Process::Leaving).uniform(5)
        );
    }
}
