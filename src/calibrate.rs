//! `wfsim calibrate`: what the DfE panel (every council, every year up to a given year) says
//! about how councils' figures move, fitted once and written as `data/calibration.toml`.
//!
//! A generated baseline (`wfsim init`) takes from this fit:
//! - each council's **own level** of turnover and of its vacancy rate: the mean of its years,
//!   shrunk toward its region's mean by how noisy a single year is (empirical Bayes: a
//!   council with few or noisy years leans on its region);
//! - how turnover **swings from year to year** around that level: a standard deviation (in
//!   logs), a year-to-year correlation, and the share of the variance that is national (the
//!   same in every council in the same year);
//! - the growth of **funded posts** (in post plus vacancies) and of **open cases**: the mean
//!   growth a year and its swings, estimated the same way.
//!
//! Only years up to `up_to` are read, so a backtest from an earlier year sees nothing later.
//! The fit is pure arithmetic on the data (no simulation, no randomness): a fresh fit of the
//! bundled data gives the same bytes as the shipped file, which a test checks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dataset::{Area, Dataset, Field, LAST_YEAR, Level};
use crate::scenario::schema::YearlyVariation;

/// The shipped fit of the bundled data, up to their last year.
pub const SHIPPED: &str = include_str!("../data/calibration.toml");

/// What the panel says, fitted from the years up to `up_to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelFit {
    /// How the file was made; never edited by hand.
    pub about: String,
    /// The last year read.
    pub up_to: i32,
    /// The first year read.
    pub first_year: i32,
    /// Councils with at least one year used.
    pub councils: usize,
    pub turnover: LevelFit,
    pub vacancy_rate: LevelFit,
    /// Agency FTE per vacant FTE, in logs: how agency use swings from year to year.
    pub agency_cover: LevelFit,
    pub establishment_growth: GrowthFit,
    pub moves_with_staff: MovesFit,
    pub demand_growth: GrowthFit,
    /// Each council's own levels, by its code.
    pub levels: BTreeMap<String, CouncilLevels>,
}

/// A figure with a level of each council's own and year-to-year swings around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelFit {
    /// What the figure is and its scale.
    pub what: String,
    /// The mean of every council's level.
    pub england_level: f64,
    /// Standard deviation of councils' true levels (between councils).
    pub between_sd: f64,
    /// The swings of a year around a council's level (and the national part).
    pub variation: YearlyVariation,
    /// Council-years used.
    pub observations: usize,
}

/// Growth a year, with its swings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowthFit {
    pub what: String,
    /// Mean growth a year, as a rate (0.03: +3%), over every council and year.
    pub mean: f64,
    pub variation: YearlyVariation,
    /// Council-year pairs used.
    pub observations: usize,
}

/// FTE in post that changes with funded posts but not through starters or leavers: teams
/// moving in or out of children's social work with their posts, hours changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovesFit {
    pub what: String,
    /// A year's change in logs: its spread is the covariance of funded posts' growth with
    /// the change in FTE in post that starters and leavers do not explain (robust:
    /// from the spreads of their sum and difference); persistence and national share are
    /// not estimated (0).
    pub variation: YearlyVariation,
    /// Council-year pairs used.
    pub observations: usize,
}

/// One council's own levels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CouncilLevels {
    /// Turnover (leavers FTE / FTE in post), a fraction.
    pub turnover: f64,
    /// Vacancy rate, a fraction.
    pub vacancy_rate: f64,
    /// Agency FTE per vacant FTE (a mean in logs, within 0.05-5); none without a year with
    /// vacancies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_cover: Option<f64>,
    /// Years the council's own figures came from.
    pub years: u32,
}

/// Why no fit could be read.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error("data/calibration.toml does not read as a fit (a bug: regenerate it with `wfsim calibrate`): {0}")]
    Shipped(String),
    #[error("no council has figures up to {0}")]
    NoData(i32),
}

impl PanelFit {
    /// The fit for data up to `up_to`: the shipped file for the last year of the bundled data,
    /// a fresh fit otherwise.
    pub fn for_year(data: &Dataset, up_to: i32) -> Result<PanelFit, CalibrateError> {
        if up_to == LAST_YEAR && std::ptr::eq(data, Dataset::embedded()) {
            return PanelFit::shipped();
        }
        PanelFit::fit(data, up_to)
    }

    /// The shipped fit.
    pub fn shipped() -> Result<PanelFit, CalibrateError> {
        toml::from_str(SHIPPED).map_err(|error| CalibrateError::Shipped(error.to_string()))
    }

    /// Fits the panel of councils from the years up to `up_to`.
    pub fn fit(data: &Dataset, up_to: i32) -> Result<PanelFit, CalibrateError> {
        let councils: Vec<&Area> = data.areas().iter().filter(|a| a.level == Level::LocalAuthority).collect();
        let value = |area: &Area, year: i32, field: Field| data.figures(area, year).and_then(|f| f.value(field));
        fn years(area: &Area, up_to: i32) -> impl Iterator<Item = i32> + '_ {
            area.years.iter().copied().filter(move |&y| y <= up_to)
        }

        // Turnover in logs (leavers FTE / FTE in post, kept within 2-60% so that a return
        // with no leavers or a half-empty one does not dominate).
        // Each year's turnover rests on few leavers, and the luck of who leaves is the model's
        // own (it simulates every worker): that part of the swings, about 1 / leavers in logs
        // (Poisson), is taken out of the swings it is given.
        let mut leavers_counted = Vec::new();
        let turnover = Panel::gather(&councils, |area| {
            years(area, up_to)
                .filter_map(|y| {
                    let fte = value(area, y, Field::InpostFte).filter(|&f| f > 0.0)?;
                    let leavers = match (value(area, y, Field::LeaversFte)?, value(area, y, Field::LeaversHeadcount)) {
                        // 0 FTE beside leavers by headcount is a gap in the return (as in init).
                        (0.0, Some(heads)) if heads > 0.0 => {
                            heads * fte / value(area, y, Field::InpostHeadcount).filter(|&h| h > 0.0)?
                        }
                        (leavers, _) => leavers,
                    };
                    leavers_counted.push(leavers);
                    Some((y, (leavers / fte).clamp(0.02, 0.6).ln()))
                })
                .collect()
        });
        let vacancy = Panel::gather(&councils, |area| {
            years(area, up_to)
                .filter_map(|y| {
                    let fte = value(area, y, Field::InpostFte).filter(|&f| f > 0.0)?;
                    let vacancies = value(area, y, Field::VacancyFte)?.max(0.0);
                    Some((y, vacancies / (vacancies + fte)))
                })
                .collect()
        });
        // Agency FTE per vacant FTE, in logs (kept within 0.05-5, so that a year with almost no
        // vacancies does not dominate).
        let agency = Panel::gather(&councils, |area| {
            years(area, up_to)
                .filter_map(|y| {
                    let vacancies = value(area, y, Field::VacancyFte).filter(|&v| v > 0.0)?;
                    let agency = value(area, y, Field::AgencyFte)?;
                    Some((y, (agency / vacancies).clamp(0.05, 5.0).ln()))
                })
                .collect()
        });
        let growth_of = |area: &Area, level: &dyn Fn(i32) -> Option<f64>| -> Vec<(i32, f64)> {
            years(area, up_to)
                .filter_map(|y| {
                    let (now, before) = (level(y)?, level(y - 1)?);
                    (now > 0.0 && before > 0.0).then(|| (y, (now / before).ln()))
                })
                .collect()
        };
        let establishment = Panel::gather(&councils, |area| {
            growth_of(area, &|y| Some(value(area, y, Field::InpostFte)? + value(area, y, Field::VacancyFte)?.max(0.0)))
        });
        let demand = Panel::gather(&councils, |area| growth_of(area, &|y| value(area, y, Field::Cases)));
        // Pairs (change in FTE in post beyond starters less leavers, as a share of last year's;
        // growth of funded posts, in logs), each within +-50% so that a broken return does
        // not dominate.
        let moves: Vec<(f64, f64)> = councils
            .iter()
            .flat_map(|&area| years(area, up_to).map(move |y| (area, y)))
            .filter_map(|(area, y)| {
                let (before, now) = (value(area, y - 1, Field::InpostFte)?, value(area, y, Field::InpostFte)?);
                let flows = value(area, y, Field::StartersFte)? - value(area, y, Field::LeaversFte)?;
                let posts =
                    |year| Some(value(area, year, Field::InpostFte)? + value(area, year, Field::VacancyFte)?.max(0.0));
                let (posts_before, posts_now) = (posts(y - 1)?, posts(y)?);
                if before <= 0.0 || posts_before <= 0.0 || posts_now <= 0.0 {
                    return None;
                }
                let unexplained = (now - before - flows) / before;
                let growth = (posts_now / posts_before).ln();
                (unexplained.abs() < 0.5 && growth.abs() < 0.5).then_some((unexplained, growth))
            })
            .collect();
        if turnover.observations() == 0 {
            return Err(CalibrateError::NoData(up_to));
        }

        // The typical council-year's (a median, as the swings' spread is a robust one).
        let leaving_luck =
            percentile(&leavers_counted.iter().map(|&leavers| 1.0 / leavers.max(1.0)).collect::<Vec<_>>(), 0.5);
        let turnover_fit = turnover.levels(leaving_luck);
        let vacancy_fit = vacancy.levels(0.0);
        let agency_fit = agency.levels(0.0);
        let mut levels = BTreeMap::new();
        let (region_turnover, region_vacancy, region_agency) = (
            region_means(&councils, &turnover_fit),
            region_means(&councils, &vacancy_fit),
            region_means(&councils, &agency_fit),
        );
        for area in &councils {
            let (Some(t), Some(v)) = (turnover_fit.own.get(&area.code), vacancy_fit.own.get(&area.code)) else {
                continue;
            };
            let region = area.region_code.clone().unwrap_or_default();
            let prior = |levels: &Levels, regions: &BTreeMap<String, f64>| {
                regions.get(&region).copied().unwrap_or(levels.england)
            };
            levels.insert(
                area.code.clone(),
                CouncilLevels {
                    turnover: round(turnover_fit.shrunk(t, prior(&turnover_fit, &region_turnover)).exp()),
                    vacancy_rate: round(vacancy_fit.shrunk(v, prior(&vacancy_fit, &region_vacancy)).clamp(0.0, 0.9)),
                    agency_cover: agency_fit
                        .own
                        .get(&area.code)
                        .map(|a| round(agency_fit.shrunk(a, prior(&agency_fit, &region_agency)).exp())),
                    years: t.count as u32,
                },
            );
        }
        let moves_with_staff = MovesFit::fit(&moves);
        // Open cases' own swings, as the engine needs them: its case holders follow FTE in
        // post, so cases swing by what the caseload's year-to-year spread leaves beyond FTE's
        // (cases and case holders, counted on the same day, swing together in the returns).
        let mut demand_growth = demand.growth("open cases, growth a year; swings as caseloads need them");
        let growth_pairs: Vec<(f64, f64)> = councils
            .iter()
            .flat_map(|&area| years(area, up_to).map(move |y| (area, y)))
            .filter_map(|(area, y)| {
                let caseload =
                    |year| Some(value(area, year, Field::Cases)? / value(area, year, Field::CaseHoldersFte)?);
                let caseload_change = (caseload(y)? / caseload(y - 1)?).ln();
                let fte_change = (value(area, y, Field::InpostFte)? / value(area, y - 1, Field::InpostFte)?).ln();
                (caseload_change.abs() < 1.0 && fte_change.abs() < 1.0).then_some((caseload_change, fte_change))
            })
            .collect();
        if growth_pairs.len() > 1 {
            let caseload = robust_variance(&growth_pairs.iter().map(|(c, _)| *c).collect::<Vec<_>>());
            let fte = robust_variance(&growth_pairs.iter().map(|(_, f)| *f).collect::<Vec<_>>());
            let cases = demand_growth.variation.sd * demand_growth.variation.sd;
            let own = (caseload - fte).clamp(0.1 * cases, cases);
            demand_growth.variation = YearlyVariation { sd: round(own.sqrt()), ..demand_growth.variation };
        }
        // Funded posts' own swings are what is left when the moves are taken out.
        let mut establishment_growth = establishment.growth("funded posts (FTE in post plus vacancies), growth a year");
        let posts = establishment_growth.variation;
        let own_variance = (posts.sd * posts.sd - moves_with_staff.variation.sd.powi(2)).max(0.1 * posts.sd * posts.sd);
        establishment_growth.variation = YearlyVariation { sd: round(own_variance.sqrt()), ..posts };
        let first_year = councils.iter().filter_map(|a| a.years.first()).copied().min().unwrap_or(up_to);
        Ok(PanelFit {
            about: format!(
                "Fitted by `wfsim calibrate --year {up_to}` from the bundled DfE children's social work workforce statistics, {first_year}-{up_to}; regenerate, never edit"
            ),
            up_to,
            first_year,
            councils: levels.len(),
            turnover: LevelFit {
                what: "turnover, leavers FTE / FTE in post; swings in logs".to_string(),
                england_level: round(turnover_fit.england.exp()),
                between_sd: round(turnover_fit.between_sd),
                variation: turnover_fit.variation,
                observations: turnover.observations(),
            },
            vacancy_rate: LevelFit {
                what: "vacancy rate, vacancy FTE / (vacancy FTE + FTE in post); swings in rate points".to_string(),
                england_level: round(vacancy_fit.england),
                between_sd: round(vacancy_fit.between_sd),
                variation: vacancy_fit.variation,
                observations: vacancy.observations(),
            },
            agency_cover: LevelFit {
                what: "agency FTE per vacant FTE; swings in logs".to_string(),
                england_level: round(agency_fit.england.exp()),
                between_sd: round(agency_fit.between_sd),
                variation: agency_fit.variation,
                observations: agency.observations(),
            },
            establishment_growth,
            moves_with_staff,
            demand_growth,
            levels,
        })
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# The DfE panel fitted by `wfsim calibrate` (src/calibrate.rs says how). Regenerate it with\n# `cargo run --release -- calibrate`; a test fails if it differs from a fresh fit.\n\n{body}"
        )
    }

    /// A council's own levels, if it had figures.
    pub fn council(&self, code: &str) -> Option<CouncilLevels> {
        self.levels.get(code).copied()
    }
}

/// Rounds a fitted figure to 5 decimal places, so that the file reads back to the same value.
fn round(value: f64) -> f64 {
    (value * 1e5).round() / 1e5
}

/// One figure for every council and year: (year, value) lists by council code.
struct Panel {
    series: Vec<(String, Vec<(i32, f64)>)>,
}

/// A council's own mean and how many years it rests on.
#[derive(Debug, Clone, Copy)]
struct OwnMean {
    mean: f64,
    count: usize,
}

/// Council levels: own means, the England mean, and how much to trust a council's own.
struct Levels {
    own: BTreeMap<String, OwnMean>,
    england: f64,
    between_sd: f64,
    /// Variance of one year around the council's level (own part and national part).
    within_variance: f64,
    variation: YearlyVariation,
}

impl Levels {
    /// The council's level shrunk toward `prior` (its region's): weight on its own mean
    /// between / (between + within / years).
    fn shrunk(&self, own: &OwnMean, prior: f64) -> f64 {
        let between = self.between_sd * self.between_sd;
        let noise = self.within_variance / own.count as f64;
        let weight = if between + noise > 0.0 { between / (between + noise) } else { 1.0 };
        weight * own.mean + (1.0 - weight) * prior
    }
}

impl Panel {
    fn gather(councils: &[&Area], mut series: impl FnMut(&Area) -> Vec<(i32, f64)>) -> Panel {
        Panel {
            series: councils
                .iter()
                .map(|area| (area.code.clone(), series(area)))
                .filter(|(_, values)| !values.is_empty())
                .collect(),
        }
    }

    fn observations(&self) -> usize {
        self.series.iter().map(|(_, values)| values.len()).sum()
    }

    /// The mean across councils of each year's deviations from the councils' own means: the
    /// national swing of the year.
    fn year_effects(&self, centre: impl Fn(&str) -> f64) -> BTreeMap<i32, (f64, usize)> {
        let mut sums: BTreeMap<i32, (f64, usize)> = BTreeMap::new();
        for (code, values) in &self.series {
            let c = centre(code);
            for &(year, value) in values {
                let entry = sums.entry(year).or_default();
                entry.0 += value - c;
                entry.1 += 1;
            }
        }
        sums.into_iter().map(|(year, (sum, n))| (year, (sum / n as f64, n))).collect()
    }

    /// Council levels and swings; `simulated_variance` is the part of a year's own variance
    /// that the engine makes itself, left out of the swings (but not of how far a single year
    /// is trusted).
    fn levels(&self, simulated_variance: f64) -> Levels {
        let own: BTreeMap<String, OwnMean> = self
            .series
            .iter()
            .map(|(code, values)| {
                let mean = values.iter().map(|(_, v)| v).sum::<f64>() / values.len() as f64;
                (code.clone(), OwnMean { mean, count: values.len() })
            })
            .collect();
        let years = self.year_effects(|code| own[code].mean);
        let (own_variance, national_variance, persistence) =
            self.residual_variances(&years, |code| own[code].mean, true, simulated_variance);
        let within_variance = own_variance + national_variance;
        let means: Vec<f64> = own.values().map(|m| m.mean).collect();
        let england = mean(&means);
        let spread = variance(&means);
        let noise = own.values().map(|m| within_variance / m.count as f64).sum::<f64>() / own.len().max(1) as f64;
        let between_sd = (spread - noise).max(spread * 0.1).sqrt();
        Levels {
            own,
            england,
            between_sd,
            within_variance,
            variation: variation(
                (own_variance - simulated_variance).max(own_variance * 0.1),
                national_variance,
                persistence,
            ),
        }
    }

    /// Growth: one mean for every council (councils' own trends barely carry on: year-to-year
    /// correlation of growth is about zero or negative), and its swings.
    fn growth(&self, what: &str) -> GrowthFit {
        let all: Vec<f64> = self.series.iter().flat_map(|(_, values)| values.iter().map(|(_, v)| *v)).collect();
        let centre = mean(&all);
        let years = self.year_effects(|_| centre);
        let (own_variance, national_variance, persistence) = self.residual_variances(&years, |_| centre, false, 0.0);
        // The mean of the log growth, back to a rate; a year's swings are in logs.
        GrowthFit {
            what: what.to_string(),
            mean: round(centre.exp() - 1.0),
            variation: variation(own_variance, national_variance, persistence),
            observations: all.len(),
        }
    }

    /// The variance of a year's own deviation (robust: from the 5th-95th percentile range of
    /// the residuals, so that a few broken returns do not widen every interval), the variance
    /// of the national year effects beyond what sampling gives, and the year-to-year
    /// correlation of the own deviations.
    ///
    /// The correlation comes from successive changes, which a council's level does not
    /// enter: for deviations following x(y) = rho x(y-1) + e, the correlation of one
    /// year's change with the next is -(1 - rho) / 2, so rho = 1 + 2 corr, less the part of
    /// `white_noise_variance` (luck that passes in a year). (A correlation of
    /// deviations from a council's own mean is biased low by a full `1 / years`, which on the
    /// early years of the panel swamps it.) It needs three years in a row; with fewer, it is
    /// `PERSISTENCE_UNMEASURED`.
    fn residual_variances(
        &self,
        years: &BTreeMap<i32, (f64, usize)>,
        centre: impl Fn(&str) -> f64,
        demeaned: bool,
        white_noise_variance: f64,
    ) -> (f64, f64, f64) {
        let mut residuals = Vec::new();
        let (mut products, mut squares_a, mut squares_b, mut runs) = (0.0, 0.0, 0.0, 0usize);
        let mut lengths = Vec::new();
        for (code, values) in &self.series {
            let c = centre(code);
            let own: Vec<(i32, f64)> = values.iter().map(|&(y, v)| (y, v - c - years[&y].0)).collect();
            residuals.extend(own.iter().map(|(_, r)| *r));
            lengths.push(own.len() as f64);
            for run in own.windows(3) {
                if run[1].0 == run[0].0 + 1 && run[2].0 == run[1].0 + 1 {
                    let (first, second) = (run[1].1 - run[0].1, run[2].1 - run[1].1);
                    products += first * second;
                    squares_a += first * first;
                    squares_b += second * second;
                    runs += 1;
                }
            }
        }
        let robust = robust_variance(&residuals);
        // Deviations from a council's own mean of T years have (T - 1) / T of the variance.
        let mean_length = mean(&lengths).max(2.0);
        let own_variance = if demeaned { robust * mean_length / (mean_length - 1.0) } else { robust };
        // Year-to-year luck of variance s (who happens to leave) adds -s to the covariance of
        // successive changes and 2s to their variance; taken out, rho is that of the swings.
        let s = white_noise_variance;
        let change_variance = (squares_a + squares_b) / (2.0 * runs.max(1) as f64) - 2.0 * s;
        let persistence = if squares_a > 0.0 && squares_b > 0.0 && change_variance > 0.0 {
            let covariance = products / runs as f64 + s;
            1.0 + 2.0 * covariance / change_variance
        } else {
            PERSISTENCE_UNMEASURED
        };
        let effects: Vec<f64> = years.values().map(|(effect, _)| *effect).collect();
        let sampling = years.values().map(|(_, n)| own_variance / *n as f64).sum::<f64>() / years.len().max(1) as f64;
        let national_variance = if effects.len() > 1 { (variance(&effects) - sampling).max(0.0) } else { 0.0 };
        (own_variance, national_variance, persistence.clamp(0.0, 0.9))
    }
}

/// The year-to-year correlation of swings when the panel has fewer than three years in a row
/// (assumption: halfway between swings that pass in a year and swings that last).
pub const PERSISTENCE_UNMEASURED: f64 = 0.5;

impl MovesFit {
    fn fit(pairs: &[(f64, f64)]) -> MovesFit {
        let sum = robust_variance(&pairs.iter().map(|(a, b)| a + b).collect::<Vec<_>>());
        let difference = robust_variance(&pairs.iter().map(|(a, b)| a - b).collect::<Vec<_>>());
        let covariance = ((sum - difference) / 4.0).max(0.0);
        MovesFit {
            what: "FTE in post moving with funded posts, not as starters or leavers; a year's change in logs"
                .to_string(),
            variation: YearlyVariation {
                sd: round(covariance.sqrt()),
                persistence: 0.0,
                national_share: 0.0,
                start: None,
            },
            observations: pairs.len(),
        }
    }
}

fn variation(own_variance: f64, national_variance: f64, persistence: f64) -> YearlyVariation {
    let total = own_variance + national_variance;
    YearlyVariation {
        start: None,
        sd: round(total.sqrt()),
        persistence: round(persistence),
        national_share: if total > 0.0 { round(national_variance / total) } else { 0.0 },
    }
}

/// Each region's mean of its councils' own means, by region code.
fn region_means(councils: &[&Area], levels: &Levels) -> BTreeMap<String, f64> {
    let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for area in councils {
        if let (Some(own), Some(region)) = (levels.own.get(&area.code), &area.region_code) {
            let entry = sums.entry(region.clone()).or_default();
            entry.0 += own.mean;
            entry.1 += 1;
        }
    }
    sums.into_iter().map(|(region, (sum, n))| (region, sum / n as f64)).collect()
}

/// The variance of a normal with the same 5th-95th percentile range as `values`: robust to a
/// few broken returns, which would otherwise widen every interval.
fn robust_variance(values: &[f64]) -> f64 {
    let sd = (percentile(values, 0.95) - percentile(values, 0.05)) / (2.0 * 1.644_853_6);
    sd * sd
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

fn variance(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (values.len() - 1) as f64
}

/// Type 7 percentile of unsorted values.
fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}
