//! Uncertain parameters. Any rate in a scenario may be a plain number or a distribution,
//! drawn once per replication: that is how parameter uncertainty (the true effect of an
//! allowance, next year's NQSW market) enters the results.
//!
//! In a file:
//!
//! ```toml
//! hazard_ratio = 0.9                                              # fixed
//! hazard_ratio = { dist = "uniform", min = 0.85, max = 1.0 }
//! hazard_ratio = { dist = "triangular", min = 0.8, mode = 0.9, max = 1.0 }
//! hazard_ratio = { dist = "normal", mean = 0.9, sd = 0.05 }        # clamped to the domain
//! completion_rate = { dist = "beta", alpha = 40, beta = 8 }        # or mean and sd
//! ```

use std::fmt;
use std::marker::PhantomData;

use rand::RngExt;
use rand_distr::Distribution;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// The range a parameter may take, checked when the file is read.
pub trait Domain {
    const MIN: f64;
    const MAX: f64;
    /// How the range reads in an error message.
    const WHAT: &'static str;
}

/// A probability or share: 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probability;
impl Domain for Probability {
    const MIN: f64 = 0.0;
    const MAX: f64 = 1.0;
    const WHAT: &'static str = "a probability between 0 and 1";
}

/// A count, size, ratio or amount: 0 or more.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NonNegative;
impl Domain for NonNegative {
    const MIN: f64 = 0.0;
    const MAX: f64 = f64::INFINITY;
    const WHAT: &'static str = "a number of 0 or more";
}

/// A growth rate: may be negative, but not below -100%.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrowthRate;
impl Domain for GrowthRate {
    const MIN: f64 = -1.0;
    const MAX: f64 = f64::INFINITY;
    const WHAT: &'static str = "a rate of -1 or more";
}

/// The shape of a parameter's uncertainty.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Dist {
    Fixed {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta on [0, 1]; given in files by `alpha` and `beta`, or by `mean` and `sd`.
    Beta {
        alpha: f64,
        beta: f64,
    },
    /// Normal, clamped to the parameter's domain.
    Normal {
        mean: f64,
        sd: f64,
    },
}

/// A parameter in domain `D`: fixed or uncertain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param<D> {
    pub dist: Dist,
    domain: PhantomData<D>,
}

impl<D: Domain> Param<D> {
    /// A fixed value. Panics only on a value outside the domain, which is a programming error.
    pub fn fixed(value: f64) -> Self {
        assert!((D::MIN..=D::MAX).contains(&value), "fixed parameter outside its domain");
        Param { dist: Dist::Fixed { value }, domain: PhantomData }
    }

    /// Checks a distribution against the domain, as when it is read from a file.
    pub fn new(dist: Dist) -> Result<Self, String> {
        check::<D>(&dist)?;
        Ok(Param { dist, domain: PhantomData })
    }

    /// The mean of the distribution before clamping: what the parameter is "on average".
    pub fn mean(&self) -> f64 {
        match self.dist {
            Dist::Fixed { value } => value,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Beta { alpha, beta } => alpha / (alpha + beta),
            Dist::Normal { mean, .. } => mean,
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self.dist, Dist::Fixed { .. })
    }

    /// One draw, clamped to the domain. Fixed values use no randomness at all.
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let draw = match self.dist {
            Dist::Fixed { value } => return value,
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Triangular { min, mode, max } => {
                if max > min {
                    rand_distr::Triangular::new(min, max, mode).map_or(mode, |t| t.sample(rng))
                } else {
                    min
                }
            }
            Dist::Beta { alpha, beta } => {
                rand_distr::Beta::new(alpha, beta).map_or(alpha / (alpha + beta), |b| b.sample(rng))
            }
            Dist::Normal { mean, sd } => rand_distr::Normal::new(mean, sd).map_or(mean, |n| n.sample(rng)),
        };
        draw.clamp(D::MIN, D::MAX)
    }
}

/// The largest magnitude of any number of a parameter: far beyond any real rate, size or ratio,
/// and small enough that no draw overflows (a beta with alpha and beta of 1e308 draws only NaN,
/// a triangular with its mode at 1e308 NaN too, a normal with an sd of 1e308 infinities).
const MAX_MAGNITUDE: f64 = 1e15;

fn check<D: Domain>(dist: &Dist) -> Result<(), String> {
    let numbers: &[(&str, f64)] = match *dist {
        Dist::Fixed { value } => &[("value", value)],
        Dist::Uniform { min, max } => &[("min", min), ("max", max)],
        Dist::Triangular { min, mode, max } => &[("min", min), ("mode", mode), ("max", max)],
        Dist::Beta { alpha, beta } => &[("alpha", alpha), ("beta", beta)],
        Dist::Normal { mean, sd } => &[("mean", mean), ("sd", sd)],
    };
    if let Some((name, value)) = numbers.iter().find(|(_, value)| value.abs() > MAX_MAGNITUDE) {
        let name = if matches!(dist, Dist::Fixed { .. }) { "the value".to_string() } else { format!("`{name}`") };
        return Err(format!("{name} must lie between -1e15 and 1e15, got {value}"));
    }
    let in_domain = |name: &str, value: f64| {
        if value.is_finite() && (D::MIN..=D::MAX).contains(&value) {
            Ok(())
        } else {
            Err(format!("`{name}` must be {}, got {value}", D::WHAT))
        }
    };
    let positive = |name: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(format!("`{name}` must be greater than 0, got {value}"))
        }
    };
    match *dist {
        Dist::Fixed { value } => {
            if value.is_finite() && (D::MIN..=D::MAX).contains(&value) {
                Ok(())
            } else {
                Err(format!("expected {}, got {value}", D::WHAT))
            }
        }
        Dist::Uniform { min, max } => {
            in_domain("min", min)?;
            in_domain("max", max)?;
            if min > max {
                return Err(format!("uniform `min` ({min}) must not exceed `max` ({max})"));
            }
            Ok(())
        }
        Dist::Triangular { min, mode, max } => {
            in_domain("min", min)?;
            in_domain("mode", mode)?;
            in_domain("max", max)?;
            if !(min <= mode && mode <= max) {
                return Err(format!("triangular needs min <= mode <= max, got {min}, {mode}, {max}"));
            }
            Ok(())
        }
        Dist::Beta { alpha, beta } => {
            if D::MIN > 0.0 || D::MAX < 1.0 {
                return Err(format!("a beta distribution lies in [0, 1], but this parameter must be {}", D::WHAT));
            }
            positive("alpha", alpha)?;
            positive("beta", beta)
        }
        Dist::Normal { mean, sd } => {
            in_domain("mean", mean)?;
            if sd.is_finite() && sd >= 0.0 { Ok(()) } else { Err(format!("`sd` must be 0 or more, got {sd}")) }
        }
    }
}

/// Beta parameters from a mean and standard deviation (method of moments).
fn beta_from_moments(mean: f64, sd: f64) -> Result<(f64, f64), String> {
    if !(mean > 0.0 && mean < 1.0) {
        return Err(format!("a beta `mean` must lie strictly between 0 and 1, got {mean}"));
    }
    let variance = sd * sd;
    if !(sd > 0.0 && variance < mean * (1.0 - mean)) {
        return Err(format!("a beta with mean {mean} needs 0 < sd < {:.4}, got {sd}", (mean * (1.0 - mean)).sqrt()));
    }
    let common = mean * (1.0 - mean) / variance - 1.0;
    Ok((mean * common, (1.0 - mean) * common))
}

impl<D> Serialize for Param<D> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.dist {
            Dist::Fixed { value } => serializer.serialize_f64(value),
            other => other.serialize(serializer),
        }
    }
}

impl<'de, D: Domain> Deserialize<'de> for Param<D> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserializer.deserialize_any(ParamVisitor::<D>(PhantomData))
    }
}

struct ParamVisitor<D>(PhantomData<D>);

const DIST_KEYS: &[&str] = &["dist", "value", "min", "max", "mode", "alpha", "beta", "mean", "sd"];

impl<'de, D: Domain> Visitor<'de> for ParamVisitor<D> {
    type Value = Param<D>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} or a distribution such as {{ dist = \"uniform\", min = .., max = .. }}", D::WHAT)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        self.visit_f64(value as f64)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        self.visit_f64(value as f64)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Param::new(Dist::Fixed { value }).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind: Option<String> = None;
        let mut fields: Vec<(String, f64)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "dist" {
                kind = Some(map.next_value()?);
            } else if DIST_KEYS.contains(&key.as_str()) {
                let value: f64 = map.next_value::<NumberValue>()?.0;
                fields.push((key, value));
            } else {
                return Err(de::Error::unknown_field(&key, DIST_KEYS));
            }
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("dist"))?;
        let dist = dist_from_fields(&kind, &fields).map_err(de::Error::custom)?;
        Param::new(dist).map_err(de::Error::custom)
    }
}

/// A number that may be written as an integer or a float.
struct NumberValue(f64);

impl<'de> Deserialize<'de> for NumberValue {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = NumberValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumberValue, E> {
                Ok(NumberValue(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumberValue, E> {
                Ok(NumberValue(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumberValue, E> {
                Ok(NumberValue(v))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

fn dist_from_fields(kind: &str, fields: &[(String, f64)]) -> Result<Dist, String> {
    let wanted: &[&str] = match kind {
        "fixed" => &["value"],
        "uniform" => &["min", "max"],
        "triangular" => &["min", "mode", "max"],
        "normal" => &["mean", "sd"],
        "beta" => {
            let has = |k: &str| fields.iter().any(|(name, _)| name == k);
            if has("mean") || has("sd") { &["mean", "sd"] } else { &["alpha", "beta"] }
        }
        other => {
            return Err(format!(
                "unknown distribution `{other}`, expected one of `fixed`, `uniform`, `triangular`, `beta`, `normal`"
            ));
        }
    };
    if let Some((extra, _)) = fields.iter().find(|(name, _)| !wanted.contains(&name.as_str())) {
        return Err(format!("`{extra}` does not belong in a `{kind}` distribution, which takes {}", list(wanted)));
    }
    let get = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| *value)
            .ok_or_else(|| format!("a `{kind}` distribution needs {}; `{name}` is missing", list(wanted)))
    };
    Ok(match kind {
        "fixed" => Dist::Fixed { value: get("value")? },
        "uniform" => Dist::Uniform { min: get("min")?, max: get("max")? },
        "triangular" => Dist::Triangular { min: get("min")?, mode: get("mode")?, max: get("max")? },
        "normal" => Dist::Normal { mean: get("mean")?, sd: get("sd")? },
        _ if wanted.contains(&"mean") => {
            let (alpha, beta) = beta_from_moments(get("mean")?, get("sd")?)?;
            Dist::Beta { alpha, beta }
        }
        _ => Dist::Beta { alpha: get("alpha")?, beta: get("beta")? },
    })
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[derive(Deserialize)]
    struct Holder {
        p: Param<Probability>,
    }

    fn parse(text: &str) -> Result<Param<Probability>, String> {
        toml::from_str::<Holder>(text).map(|h| h.p).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_form() {
        assert_eq!(parse("p = 0.5").unwrap().dist, Dist::Fixed { value: 0.5 });
        assert_eq!(parse("p = 1").unwrap().dist, Dist::Fixed { value: 1.0 });
        assert_eq!(
            parse("p = { dist = \"uniform\", min = 0.1, max = 0.3 }").unwrap().dist,
            Dist::Uniform { min: 0.1, max: 0.3 }
        );
        assert_eq!(
            parse("p = { dist = \"triangular\", min = 0, mode = 0.2, max = 0.5 }").unwrap().dist,
            Dist::Triangular { min: 0.0, mode: 0.2, max: 0.5 }
        );
        assert_eq!(
            parse("p = { dist = \"beta\", alpha = 2, beta = 8 }").unwrap().dist,
            Dist::Beta { alpha: 2.0, beta: 8.0 }
        );
        let Dist::Beta { alpha, beta } = parse("p = { dist = \"beta\", mean = 0.2, sd = 0.1 }").unwrap().dist else {
            panic!("expected beta")
        };
        // mean 0.2, sd 0.1: common = 0.16/0.01 - 1 = 15, so alpha 3 and beta 12.
        assert!((alpha - 3.0).abs() < 1e-12 && (beta - 12.0).abs() < 1e-12);
    }

    #[test]
    fn rejects_out_of_domain_and_malformed() {
        let cases = [
            ("p = 1.7", "between 0 and 1, got 1.7"),
            ("p = -0.1", "between 0 and 1"),
            ("p = { dist = \"uniform\", min = 0.5, max = 0.2 }", "must not exceed"),
            ("p = { dist = \"uniform\", min = 0.5 }", "`max` is missing"),
            ("p = { dist = \"gamma\", shape = 1 }", "unknown field `shape`"),
            ("p = { dist = \"gamma\" }", "unknown distribution `gamma`"),
            ("p = { dist = \"normal\", mean = 0.5, sd = 0.1, min = 0 }", "does not belong"),
            ("p = { min = 0, max = 1 }", "missing field `dist`"),
            ("p = \"high\"", "a probability between 0 and 1"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
            assert!(err.contains("line 1"), "{text}: error has no position: {err}");
        }
    }

    #[test]
    fn draws_stay_in_domain_and_match_moments() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let normal: Param<Probability> = Param::new(Dist::Normal { mean: 0.95, sd: 0.2 }).unwrap();
        let uniform: Param<Probability> = Param::new(Dist::Uniform { min: 0.2, max: 0.4 }).unwrap();
        let n = 20_000;
        let mut uniform_sum = 0.0;
        for _ in 0..n {
            let draw = normal.sample(&mut rng);
            assert!((0.0..=1.0).contains(&draw));
            let u = uniform.sample(&mut rng);
            assert!((0.2..=0.4).contains(&u));
            uniform_sum += u;
        }
        // Standard error of the mean of U(0.2, 0.4) over 20,000 draws is about 0.0004.
        assert!((uniform_sum / n as f64 - 0.3).abs() < 0.002);
        assert_eq!(Param::<Probability>::fixed(0.25).sample(&mut rng), 0.25);
    }
}
