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
//!   growth a year and its swings, estimated the same way;
//! - how every figure's swings **shrink with a council's size** and how heavy their **tails**
//!   are, and each council's own **caseload** level, toward which a caseload away from it
//!   returns.
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
    /// The median council's funded posts (its mean over the years read). The `variation`s
    /// are spreads pooled over every council, so about this size's; a council of another
    /// size scales them by (posts / reference_posts) to the power of the figure's
    /// `size_slope`.
    pub reference_posts: f64,
    pub turnover: LevelFit,
    /// Starters per FTE in post: how recruitment swings from year to year (the NQSW intake's
    /// swings in a generated baseline).
    pub starters: LevelFit,
    pub vacancy_rate: LevelFit,
    /// How low a council's vacancy rate goes against its own level.
    pub vacancy_floor: VacancyFloorFit,
    /// Agency FTE per vacant FTE at a council's own vacancy level, in logs: how agency use
    /// swings from year to year.
    pub agency_cover: LevelFit,
    /// How agency use follows the vacancy rate, and how quickly.
    pub agency_response: AgencyResponseFit,
    pub establishment_growth: GrowthFit,
    pub moves_with_staff: MovesFit,
    /// How funded posts' growth goes with the year's swings of turnover and starters.
    pub posts_with_swings: PostsWithSwingsFit,
    /// The trend of open cases (its mean; baselines take the swings from `open_cases`).
    pub demand_growth: GrowthFit,
    /// Open cases' level, swinging around each council's own.
    pub open_cases: LevelFit,
    /// Caseload (open cases per case-holding FTE, agency included), in logs: each council's
    /// own level, toward which a caseload away from it returns.
    pub caseload: LevelFit,
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
    /// The swings of a year around a council's level (and the national part), at
    /// `reference_posts`.
    pub variation: YearlyVariation,
    /// How the swings' spread goes with a council's size (see `size_slope`).
    pub size_slope: f64,
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
    /// How the swings' spread goes with a council's size (see `size_slope`).
    pub size_slope: f64,
    /// Council-year pairs used.
    pub observations: usize,
}

/// How agency use follows the vacancy rate: from the regression of a year's change in agency
/// FTE per funded post (in logs) on the change in the vacancy rate (in logs) that year and the
/// year before, over every council and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyResponseFit {
    pub what: String,
    /// Agency FTE go as the vacancy rate to this power in the long run (the two years'
    /// responses together), within 0.1-1.
    pub elasticity: f64,
    /// The part of the response seen in the same year's return.
    pub same_year_share: f64,
    /// Months over which agency use closes the gap to the cover wanted (a month closing
    /// 1 / months of it) that give `same_year_share` for a change at a random time of the year.
    pub adjustment_months: u32,
    /// Agency FTE per funded post added before a year's swing multiplies agency use (see
    /// `AgencySpec::swing_offset`): the offset, from 0.01 to 0.3, that makes the spread of a
    /// year's change in log(agency per post + offset) most alike across fifths of councils
    /// ordered by agency use.
    pub swing_offset: f64,
    /// Council-years used.
    pub observations: usize,
}

/// The offset of `AgencyResponseFit::swing_offset` from (last year, this year) pairs of
/// agency FTE per funded post; `SWING_OFFSET_UNMEASURED` with too few pairs.
fn swing_offset_fit(pairs: &[(f64, f64)]) -> f64 {
    if pairs.len() < 5 * MIN_REGRESSION_YEARS {
        return SWING_OFFSET_UNMEASURED;
    }
    let mut sorted = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let fifth = sorted.len() / 5;
    let unevenness = |offset: f64| {
        let log_spreads: Vec<f64> = sorted
            .chunks(fifth)
            .take(5)
            .map(|chunk| {
                let changes: Vec<f64> = chunk.iter().map(|(a, b)| ((b + offset) / (a + offset)).ln()).collect();
                robust_variance(&changes).max(1e-12).ln()
            })
            .collect();
        variance(&log_spreads)
    };
    let best = (1..=30).min_by(|&a, &b| unevenness(f64::from(a) / 100.0).total_cmp(&unevenness(f64::from(b) / 100.0)));
    f64::from(best.unwrap_or(10)) / 100.0
}

/// The swing offset when the panel has too few successive years (assumption: about the
/// value fitted on the full panel).
pub const SWING_OFFSET_UNMEASURED: f64 = 0.1;

/// A council's year: changes in logs of agency FTE per funded post and of the vacancy rate,
/// and the vacancy rate's change the year before, if known.
struct AgencyChange {
    agency: f64,
    vacancies: f64,
    vacancies_before: Option<f64>,
}

/// The part of agency use's response to vacancies seen within the year when the panel has
/// no two successive changes (assumption: about three quarters, as in councils' returns from
/// 2019 on).
pub const SAME_YEAR_SHARE_UNMEASURED: f64 = 0.75;

/// Fewest council-years for a regression; with fewer, the stated assumptions stand.
const MIN_REGRESSION_YEARS: usize = 30;

impl AgencyResponseFit {
    fn fit(changes: &[AgencyChange]) -> AgencyResponseFit {
        // Changes beyond a factor of e (a return with almost no agency or vacancies) left out.
        let usable = |c: &&AgencyChange| c.agency.abs() < 2.0 && c.vacancies.abs() < 2.0;
        let both: Vec<[f64; 3]> = changes
            .iter()
            .filter(usable)
            .filter_map(|c| c.vacancies_before.filter(|b| b.abs() < 2.0).map(|b| [c.agency, c.vacancies, b]))
            .collect();
        let same: Vec<[f64; 2]> = changes.iter().filter(usable).map(|c| [c.agency, c.vacancies]).collect();
        let (elasticity, same_year_share, observations) = if both.len() >= MIN_REGRESSION_YEARS {
            let (now, before) = two_slopes(&both);
            let total = now + before;
            let share = if total > 0.0 { (now / total).clamp(0.0, 1.0) } else { 1.0 };
            (total, share, both.len())
        } else if same.len() >= MIN_REGRESSION_YEARS {
            let slope = covariance(&same, 0, 1) / covariance(&same, 1, 1).max(1e-12);
            (slope / SAME_YEAR_SHARE_UNMEASURED, SAME_YEAR_SHARE_UNMEASURED, same.len())
        } else {
            (1.0, SAME_YEAR_SHARE_UNMEASURED, same.len())
        };
        let same_year_share = round(same_year_share);
        AgencyResponseFit {
            what: "agency FTE per funded post against the vacancy rate, changes in logs".to_string(),
            elasticity: round(elasticity.clamp(0.1, 1.0)),
            same_year_share,
            adjustment_months: adjustment_months_for(same_year_share),
            swing_offset: SWING_OFFSET_UNMEASURED,
            observations,
        }
    }
}

/// The share of a change that a sticky monthly adjustment over `months` shows by the
/// September return, for a change at a random month of the year before.
pub fn same_year_share_of(months: u32) -> f64 {
    let stay = if months <= 1 { 0.0 } else { 1.0 - 1.0 / f64::from(months) };
    1.0 - (1..=12).map(|elapsed| stay.powi(elapsed)).sum::<f64>() / 12.0
}

/// The adjustment (1 to 24 months) whose same-year share is closest to `share`.
fn adjustment_months_for(share: f64) -> u32 {
    (1..=24)
        .min_by(|&a, &b| (same_year_share_of(a) - share).abs().total_cmp(&(same_year_share_of(b) - share).abs()))
        .unwrap_or(1)
}

/// Least-squares slopes of column 0 on columns 1 and 2, with an intercept.
fn two_slopes(rows: &[[f64; 3]]) -> (f64, f64) {
    let (s11, s22, s12) = (covariance3(rows, 1, 1), covariance3(rows, 2, 2), covariance3(rows, 1, 2));
    let (s01, s02) = (covariance3(rows, 0, 1), covariance3(rows, 0, 2));
    let determinant = s11 * s22 - s12 * s12;
    if determinant.abs() < 1e-12 {
        return (s01 / s11.max(1e-12), 0.0);
    }
    ((s01 * s22 - s02 * s12) / determinant, (s02 * s11 - s01 * s12) / determinant)
}

fn covariance3(rows: &[[f64; 3]], a: usize, b: usize) -> f64 {
    covariance_of(rows.iter().map(|r| (r[a], r[b])))
}

fn covariance(rows: &[[f64; 2]], a: usize, b: usize) -> f64 {
    covariance_of(rows.iter().map(|r| (r[a], r[b])))
}

/// The (population) covariance of pairs.
fn covariance_of(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> f64 {
    let n = pairs.clone().count() as f64;
    if n == 0.0 {
        return 0.0;
    }
    let (mean_a, mean_b) = pairs.clone().fold((0.0, 0.0), |(x, y), (a, b)| (x + a / n, y + b / n));
    pairs.map(|(a, b)| (a - mean_a) * (b - mean_b)).sum::<f64>() / n
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

/// How low vacancies go: some posts are always between holders, so a council's vacancy rate
/// seldom falls far below its own level. Read as the 2.5th percentile, over every council-year,
/// of the vacancy rate over the council's own mean rate (councils with three years or more,
/// with vacancies on average); 0 with none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VacancyFloorFit {
    pub what: String,
    /// The 2.5th percentile of a year's vacancy rate over the council's own mean.
    pub share_of_level: f64,
    /// Council-years used.
    pub observations: usize,
}

/// The percentile of councils' vacancy rates over their own level that the NQSW intake
/// leaves vacant. The engine keeps the floor whenever the intake is capped, so it sits
/// below the lower edge of a 90% interval (the 5th percentile): half that tail falls below.
const FLOOR_PERCENTILE: f64 = 0.025;

impl VacancyFloorFit {
    fn fit(vacancy: &Panel) -> VacancyFloorFit {
        let ratios: Vec<f64> = vacancy
            .series
            .iter()
            // A year over a mean of itself and one other says little: three years at least.
            .filter(|(_, values)| values.len() >= 3)
            .flat_map(|(_, values)| {
                let own = mean(&values.iter().map(|(_, v)| *v).collect::<Vec<_>>());
                values.iter().filter(move |_| own > 0.0).map(move |(_, v)| v / own)
            })
            .collect();
        VacancyFloorFit {
            what: "a year's vacancy rate over the council's own mean: its 2.5th percentile".to_string(),
            share_of_level: if ratios.is_empty() { 0.0 } else { round(percentile(&ratios, FLOOR_PERCENTILE)) },
            observations: ratios.len(),
        }
    }
}

/// Funded posts follow staff: in a year when more leave than usual councils grow posts less
/// (some leavers' posts go with them), and in a year when more join, more (posts made for
/// them). Read by least squares of posts' growth (around the common trend and the year's
/// national growth) on the same council-year's deviations of turnover and of starters per
/// FTE in post (in logs, around the council's own level and the year's national one). The
/// turnover deviations carry the luck of who leaves as well as the swings, so the leaving
/// coefficient errs toward 0. The two explain little of posts' own spread (about 4%), which
/// is left as it is; what they change is how vacancies move, since posts then move with the
/// flows that open and fill them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostsWithSwingsFit {
    pub what: String,
    /// Change in funded posts' log growth per unit log swing of the leaving rate.
    pub leaving: f64,
    /// Change in funded posts' log growth per unit log swing of starters (a baseline's
    /// NQSW intake carries starters' swings).
    pub intake: f64,
    /// Council-years used.
    pub observations: usize,
}

impl PostsWithSwingsFit {
    fn fit(
        posts: &BTreeMap<(String, i32), f64>,
        turnover: &BTreeMap<(String, i32), f64>,
        starters: &BTreeMap<(String, i32), f64>,
    ) -> PostsWithSwingsFit {
        let rows: Vec<[f64; 3]> = posts
            .iter()
            .filter_map(|(key, &growth)| Some([growth, *turnover.get(key)?, *starters.get(key)?]))
            .collect();
        let (leaving, intake) = if rows.len() >= MIN_REGRESSION_YEARS { two_slopes(&rows) } else { (0.0, 0.0) };
        PostsWithSwingsFit {
            what: "funded posts' growth (in logs) per unit log swing of turnover and of starters in the same year"
                .to_string(),
            leaving: round(leaving),
            intake: round(intake),
            observations: rows.len(),
        }
    }
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
    /// Open cases per case-holding FTE (a mean in logs); none without a year with both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caseload: Option<f64>,
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
        // Every (council, year) up to `up_to`.
        let council_years = || councils.iter().flat_map(|&area| years(area, up_to).map(move |y| (area, y)));
        // Funded posts: FTE in post plus vacancies.
        let funded_posts =
            |area: &Area, y: i32| Some(value(area, y, Field::InpostFte)? + value(area, y, Field::VacancyFte)?.max(0.0));
        // Each council's size: its mean funded posts over the years read (small councils'
        // rates swing more).
        let sizes: BTreeMap<String, f64> = councils
            .iter()
            .filter_map(|area| {
                let posts: Vec<f64> =
                    years(area, up_to).filter_map(|y| funded_posts(area, y)).filter(|&p| p > 0.0).collect();
                (!posts.is_empty()).then(|| (area.code.clone(), mean(&posts)))
            })
            .collect();
        let reference_posts = round(percentile(&sizes.values().copied().collect::<Vec<_>>(), 0.5));

        // Turnover in logs (leavers FTE / FTE in post, kept within 2-60% so that a return
        // with no leavers or a half-empty one does not dominate).
        // Each year's turnover rests on few leavers, and the luck of who leaves is the model's
        // own (it simulates every worker): that part of the swings, about 1 / leavers in logs
        // (Poisson), is taken out of the swings it is given.
        let mut leavers_counted = Vec::new();
        let turnover = Panel::gather(&councils, &sizes, |area| {
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
        let vacancy = Panel::gather(&councils, &sizes, |area| {
            years(area, up_to)
                .filter_map(|y| {
                    let fte = value(area, y, Field::InpostFte).filter(|&f| f > 0.0)?;
                    let vacancies = value(area, y, Field::VacancyFte)?.max(0.0);
                    Some((y, vacancies / (vacancies + fte)))
                })
                .collect()
        });
        // Starters per FTE in post, in logs (within 2-100%, so that a return with no starters
        // does not dominate): how a year's recruitment swings around the council's own.
        let starters = Panel::gather(&councils, &sizes, |area| {
            years(area, up_to)
                .filter_map(|y| {
                    let fte = value(area, y, Field::InpostFte).filter(|&f| f > 0.0)?;
                    let starters = value(area, y, Field::StartersFte)?.max(0.0);
                    Some((y, (starters / fte).clamp(0.02, 1.0).ln()))
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
        let establishment = Panel::gather(&councils, &sizes, |area| growth_of(area, &|y| funded_posts(area, y)));
        let demand = Panel::gather(&councils, &sizes, |area| growth_of(area, &|y| value(area, y, Field::Cases)));
        // Open cases in logs: their level swings around the council's own.
        let cases = Panel::gather(&councils, &sizes, |area| {
            years(area, up_to)
                .filter_map(|y| value(area, y, Field::Cases).filter(|&c| c > 0.0).map(|c| (y, c.ln())))
                .collect()
        });
        // Pairs (change in FTE in post beyond starters less leavers, as a share of last year's;
        // growth of funded posts, in logs), each within +-50% so that a broken return does
        // not dominate.
        let moves: Vec<(f64, f64)> = council_years()
            .filter_map(|(area, y)| {
                let (before, now) = (value(area, y - 1, Field::InpostFte)?, value(area, y, Field::InpostFte)?);
                let flows = value(area, y, Field::StartersFte)? - value(area, y, Field::LeaversFte)?;
                let (posts_before, posts_now) = (funded_posts(area, y - 1)?, funded_posts(area, y)?);
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
        let starters_fit = starters.levels(0.0);
        let vacancy_floor = VacancyFloorFit::fit(&vacancy);
        let vacancy_levels = vacancy_fit.shrunk_by_council(&councils, |level| level.clamp(0.0, 0.9));

        // Agency FTE per funded post; the log of the vacancy rate.
        let per_post = |area: &Area, y: i32| -> Option<f64> {
            let posts = funded_posts(area, y)?;
            let agency = value(area, y, Field::AgencyFte)?;
            (posts > 0.0 && agency >= 0.0).then(|| agency / posts)
        };
        let log_per_post = |area: &Area, y: i32| per_post(area, y).filter(|&a| a > 0.0).map(f64::ln);
        let vacancy_rate = |area: &Area, y: i32| -> Option<f64> {
            let (fte, vacancies) = (value(area, y, Field::InpostFte)?, value(area, y, Field::VacancyFte)?);
            (fte > 0.0 && vacancies > 0.0).then(|| (vacancies / (fte + vacancies)).ln())
        };
        let changes: Vec<AgencyChange> = council_years()
            .filter_map(|(area, y)| {
                let before = vacancy_rate(area, y - 1)?;
                Some(AgencyChange {
                    agency: log_per_post(area, y)? - log_per_post(area, y - 1)?,
                    vacancies: vacancy_rate(area, y)? - before,
                    vacancies_before: vacancy_rate(area, y - 2).map(|earlier| before - earlier),
                })
            })
            .collect();
        let agency_response = AgencyResponseFit::fit(&changes);

        // Agency FTE per vacant FTE, less its response to the vacancy rate (at the council's
        // own vacancy level it is the ratio itself), in logs, kept within 0.05-5 so that a year
        // with almost no vacancies does not dominate.
        let unexplained = 1.0 - agency_response.elasticity;
        let agency = Panel::gather(&councils, &sizes, |area| {
            let level = vacancy_levels.get(area.code.as_str()).copied().unwrap_or(vacancy_fit.england).max(0.01);
            years(area, up_to)
                .filter_map(|y| {
                    let fte = value(area, y, Field::InpostFte)?;
                    let vacancies = value(area, y, Field::VacancyFte).filter(|&v| v > 0.0)?;
                    let agency = value(area, y, Field::AgencyFte)?;
                    let rate = vacancies / (vacancies + fte.max(0.0));
                    let cover = agency / vacancies * (rate / level).powf(unexplained);
                    Some((y, cover.clamp(0.05, 5.0).ln()))
                })
                .collect()
        });
        let agency_fit = agency.levels(0.0);
        let agency_levels = agency_fit.shrunk_by_council(&councils, f64::exp);

        // The swings of agency use, in logs of agency FTE per funded post plus an offset: the
        // offset that makes a year's change as large at every level of agency use (in logs
        // alone, a council using little agency swings far more than one using much).
        let successive: Vec<(f64, f64)> =
            council_years().filter_map(|(area, y)| Some((per_post(area, y - 1)?, per_post(area, y)?))).collect();
        let swing_offset = swing_offset_fit(&successive);
        let agency_swings = Panel::gather(&councils, &sizes, |area| {
            let (Some(&cover), Some(&level)) =
                (agency_levels.get(area.code.as_str()), vacancy_levels.get(area.code.as_str()))
            else {
                return Vec::new();
            };
            years(area, up_to)
                .filter_map(|y| {
                    let fte = value(area, y, Field::InpostFte)?;
                    let vacancies = value(area, y, Field::VacancyFte).filter(|&v| v > 0.0)?;
                    let agency = value(area, y, Field::AgencyFte).filter(|&a| a >= 0.0)?;
                    let posts = fte.max(0.0) + vacancies;
                    let rate = vacancies / posts;
                    // What the council's level gives at this year's vacancies, per post.
                    let expected = cover * rate * (rate / level.max(0.01)).powf(-unexplained);
                    Some((y, ((agency / posts + swing_offset) / (expected + swing_offset)).ln()))
                })
                .collect()
        });
        let agency_swing_fit = agency_swings.levels(0.0);
        let agency_response = AgencyResponseFit { swing_offset, ..agency_response };
        let cases_fit = cases.levels(0.0);
        // Caseloads in logs (open cases per case-holding FTE, within 1-100 so that a broken
        // return does not dominate): high ones come down, mostly as cases close (panel).
        let caseload = Panel::gather(&councils, &sizes, |area| {
            years(area, up_to)
                .filter_map(|y| {
                    let holders = value(area, y, Field::CaseHoldersFte).filter(|&h| h > 0.0)?;
                    let cases = value(area, y, Field::Cases).filter(|&c| c > 0.0)?;
                    Some((y, (cases / holders).clamp(1.0, 100.0).ln()))
                })
                .collect()
        });
        let caseload_fit = caseload.levels_at_latest_year(0.0);
        let caseload_levels = caseload_fit.shrunk_by_council(&councils, f64::exp);
        // The swings as the engine needs them: its case holders follow FTE in post, so open
        // cases swing by what the caseload's year-to-year changes leave beyond FTE's (cases
        // and case holders, counted on the same day, swing together in the returns). A level
        // swing of sd s and persistence rho changes by 2 s^2 (1 - rho) in variance a year.
        let change_pairs: Vec<(f64, f64)> = council_years()
            .filter_map(|(area, y)| {
                let caseload =
                    |year| Some(value(area, year, Field::Cases)? / value(area, year, Field::CaseHoldersFte)?);
                let caseload_change = (caseload(y)? / caseload(y - 1)?).ln();
                let fte_change = (value(area, y, Field::InpostFte)? / value(area, y - 1, Field::InpostFte)?).ln();
                (caseload_change.is_finite() && fte_change.is_finite())
                    .then_some((caseload_change, fte_change))
                    .filter(|(c, f)| c.abs() < 1.0 && f.abs() < 1.0)
            })
            .collect();
        let cases_variation = {
            let v = cases_fit.variation;
            let level_change = 2.0 * v.sd * v.sd * (1.0 - v.persistence);
            let needed = if change_pairs.len() > 1 {
                let caseload = robust_variance(&change_pairs.iter().map(|(c, _)| *c).collect::<Vec<_>>());
                let fte = robust_variance(&change_pairs.iter().map(|(_, f)| *f).collect::<Vec<_>>());
                (caseload - fte).clamp(0.1 * level_change, level_change)
            } else {
                level_change
            };
            let sd = if level_change > 0.0 { v.sd * (needed / level_change).sqrt() } else { v.sd };
            YearlyVariation { sd: round(sd), ..v }
        };
        let mut levels = BTreeMap::new();
        let turnover_levels = turnover_fit.shrunk_by_council(&councils, f64::exp);
        for area in &councils {
            let code = area.code.as_str();
            let (Some(t), Some(&turnover), Some(&vacancy_rate)) =
                (turnover_fit.own.get(code), turnover_levels.get(code), vacancy_levels.get(code))
            else {
                continue;
            };
            levels.insert(
                area.code.clone(),
                CouncilLevels {
                    turnover,
                    vacancy_rate,
                    agency_cover: agency_levels.get(code).copied(),
                    caseload: caseload_levels.get(code).copied(),
                    years: t.count as u32,
                },
            );
        }
        let moves_with_staff = MovesFit::fit(&moves);
        let posts_with_swings = PostsWithSwingsFit::fit(
            &establishment.deviations(false),
            &turnover.deviations(true),
            &starters.deviations(true),
        );
        let demand_growth = demand.growth("open cases, growth a year");
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
            reference_posts,
            turnover: LevelFit {
                what: "turnover, leavers FTE / FTE in post; swings in logs".to_string(),
                england_level: round(turnover_fit.england.exp()),
                between_sd: round(turnover_fit.between_sd),
                variation: turnover_fit.variation,
                size_slope: turnover_fit.size_slope,
                observations: turnover.observations(),
            },
            starters: LevelFit {
                what: "starters per FTE in post; swings in logs".to_string(),
                england_level: round(starters_fit.england.exp()),
                between_sd: round(starters_fit.between_sd),
                variation: starters_fit.variation,
                size_slope: starters_fit.size_slope,
                observations: starters.observations(),
            },
            vacancy_rate: LevelFit {
                what: "vacancy rate, vacancy FTE / (vacancy FTE + FTE in post); swings in rate points".to_string(),
                england_level: round(vacancy_fit.england),
                between_sd: round(vacancy_fit.between_sd),
                variation: vacancy_fit.variation,
                size_slope: vacancy_fit.size_slope,
                observations: vacancy.observations(),
            },
            vacancy_floor,
            agency_cover: LevelFit {
                what: "agency FTE per vacant FTE at the council's own vacancy level; swings in logs of agency FTE per funded post plus the swing offset".to_string(),
                england_level: round(agency_fit.england.exp()),
                between_sd: round(agency_fit.between_sd),
                variation: agency_swing_fit.variation,
                size_slope: agency_swing_fit.size_slope,
                observations: agency.observations(),
            },
            agency_response,
            establishment_growth,
            moves_with_staff,
            posts_with_swings,
            demand_growth,
            open_cases: LevelFit {
                what: "open cases in logs: the swings of a year around a council's own level, as caseloads need them beyond FTE's".to_string(),
                england_level: round(cases_fit.england.exp()),
                between_sd: round(cases_fit.between_sd),
                variation: cases_variation,
                size_slope: cases_fit.size_slope,
                observations: cases.observations(),
            },
            caseload: LevelFit {
                what: "caseload, open cases per case-holding FTE (agency included), levels at the latest year's national level; swings in logs".to_string(),
                england_level: round(caseload_fit.england.exp()),
                between_sd: round(caseload_fit.between_sd),
                variation: caseload_fit.variation,
                size_slope: caseload_fit.size_slope,
                observations: caseload.observations(),
            },
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
struct Panel<'a> {
    series: Vec<(String, Vec<(i32, f64)>)>,
    /// Councils' sizes (mean funded posts), by code.
    sizes: &'a BTreeMap<String, f64>,
}

/// What is left of a figure once council levels (or the common trend) and national years
/// are taken out: its spread, national part, persistence and shape.
struct Residuals {
    own_variance: f64,
    national_variance: f64,
    /// How many national year effects `national_variance` was read from.
    national_years: u32,
    persistence: f64,
    /// The weight of the tails (`tail_weight`).
    tail: f64,
    /// How the spread goes with council size (`size_slope`).
    size_slope: f64,
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
    size_slope: f64,
}

impl Levels {
    /// Each council's own level shrunk toward its region's (else England's), through
    /// `figure` (from the fitted scale to the one kept) and rounded, by council code.
    fn shrunk_by_council<'a>(&self, councils: &[&'a Area], figure: impl Fn(f64) -> f64) -> BTreeMap<&'a str, f64> {
        let regions = region_means(councils, self);
        councils
            .iter()
            .filter_map(|area| {
                let own = self.own.get(&area.code)?;
                Some((area.code.as_str(), round(figure(self.shrunk(own, region_prior(area, self, &regions))))))
            })
            .collect()
    }

    /// The council's level shrunk toward `prior` (its region's): weight on its own mean
    /// between / (between + within / years).
    fn shrunk(&self, own: &OwnMean, prior: f64) -> f64 {
        let between = self.between_sd * self.between_sd;
        let noise = self.within_variance / own.count as f64;
        let weight = if between + noise > 0.0 { between / (between + noise) } else { 1.0 };
        weight * own.mean + (1.0 - weight) * prior
    }
}

impl<'a> Panel<'a> {
    fn gather(
        councils: &[&Area],
        sizes: &'a BTreeMap<String, f64>,
        mut series: impl FnMut(&Area) -> Vec<(i32, f64)>,
    ) -> Panel<'a> {
        Panel {
            series: councils
                .iter()
                .map(|area| (area.code.clone(), series(area)))
                .filter(|(_, values)| !values.is_empty())
                .collect(),
            sizes,
        }
    }

    fn observations(&self) -> usize {
        self.series.iter().map(|(_, values)| values.len()).sum()
    }

    /// Each council-year's deviation from the council's own mean (`demeaned`) or the common
    /// mean, less the year's national effect, by (code, year).
    fn deviations(&self, demeaned: bool) -> BTreeMap<(String, i32), f64> {
        let all: Vec<f64> = self.series.iter().flat_map(|(_, values)| values.iter().map(|(_, v)| *v)).collect();
        let common = mean(&all);
        let own: BTreeMap<&str, f64> = self
            .series
            .iter()
            .map(|(code, values)| (code.as_str(), mean(&values.iter().map(|(_, v)| *v).collect::<Vec<_>>())))
            .collect();
        let centre = |code: &str| if demeaned { own[code] } else { common };
        let years = self.year_effects(centre);
        let mut deviations = BTreeMap::new();
        for (code, values) in &self.series {
            for &(year, value) in values {
                deviations.insert((code.clone(), year), value - centre(code) - years[&year].0);
            }
        }
        deviations
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

    /// Council levels (`levels`) moved to the panel's latest year: each council's own mean,
    /// less the mean of the national year effects over its years, plus the latest year's.
    /// For a figure whose national level moves for good, a mean of past years is a level
    /// already left behind: England's caseload fell in five of the seven years to 2024, as
    /// staff grew with funded posts and open cases did not, so councils' caseloads would be
    /// pulled back up toward where they all were.
    fn levels_at_latest_year(&self, simulated_variance: f64) -> Levels {
        let mut levels = self.levels(simulated_variance);
        let years = self.year_effects(|code| levels.own[code].mean);
        let Some(&(latest, _)) = years.values().next_back() else { return levels };
        for (code, values) in &self.series {
            if let Some(own) = levels.own.get_mut(code) {
                let seen = values.iter().map(|(year, _)| years[year].0).sum::<f64>() / values.len() as f64;
                own.mean += latest - seen;
            }
        }
        levels.england = mean(&levels.own.values().map(|own| own.mean).collect::<Vec<_>>());
        levels
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
        let residuals = self.residual_variances(&years, |code| own[code].mean, true, simulated_variance);
        let (own_variance, national_variance) = (residuals.own_variance, residuals.national_variance);
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
            variation: variation((own_variance - simulated_variance).max(own_variance * 0.1), &residuals),
            size_slope: round(residuals.size_slope),
        }
    }

    /// Growth: one mean for every council (councils' own trends barely carry on: year-to-year
    /// correlation of growth is about zero or negative), and its swings, those that last
    /// (`blip_variance` says what of a year's spread is blips in the returns).
    fn growth(&self, what: &str) -> GrowthFit {
        let all: Vec<f64> = self.series.iter().flat_map(|(_, values)| values.iter().map(|(_, v)| *v)).collect();
        let centre = mean(&all);
        let years = self.year_effects(|_| centre);
        let residuals = self.residual_variances(&years, |_| centre, false, 0.0);
        // The mean of the log growth, back to a rate; a year's swings are in logs.
        GrowthFit {
            what: what.to_string(),
            mean: round(centre.exp() - 1.0),
            variation: variation(residuals.own_variance, &residuals),
            size_slope: round(residuals.size_slope),
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
    /// `PERSISTENCE_UNMEASURED`. A series not `demeaned` by council (a growth, around the
    /// common trend) has no such bias, so there the correlation of successive deviations is
    /// read directly, from two years in a row: the panel's first three years then tell
    /// whether growth lasts (it does not: about 0 from 2019 on) instead of assuming it half
    /// does.
    ///
    /// Last, the weight of the residuals' tails (`tail_weight`) and how their spread goes
    /// with council size (`size_slope`).
    fn residual_variances(
        &self,
        years: &BTreeMap<i32, (f64, usize)>,
        centre: impl Fn(&str) -> f64,
        demeaned: bool,
        white_noise_variance: f64,
    ) -> Residuals {
        let mut residuals = Vec::new();
        let mut by_size = Vec::new();
        let (mut products, mut squares_a, mut squares_b, mut runs) = (0.0, 0.0, 0.0, 0usize);
        // Successive deviations themselves, gathered only for a series not demeaned.
        let mut successive = Vec::new();
        let mut lengths = Vec::new();
        for (code, values) in &self.series {
            let c = centre(code);
            let own: Vec<(i32, f64)> = values.iter().map(|&(y, v)| (y, v - c - years[&y].0)).collect();
            residuals.extend(own.iter().map(|(_, r)| *r));
            if let Some(&size) = self.sizes.get(code) {
                by_size.extend(own.iter().map(|&(_, r)| (size.ln(), r)));
            }
            lengths.push(own.len() as f64);
            for pair in own.windows(2).filter(|_| !demeaned) {
                if pair[1].0 == pair[0].0 + 1 {
                    successive.push([pair[0].1, pair[1].1]);
                }
            }
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
        // Year-to-year luck of variance s (who happens to leave) adds -s to the covariance of
        // successive changes and 2s to their variance; taken out, rho is that of the swings.
        let s = white_noise_variance;
        let change_variance = (squares_a + squares_b) / (2.0 * runs.max(1) as f64) - 2.0 * s;
        let persistence = if successive.len() >= MIN_REGRESSION_YEARS {
            let (before, after) = (covariance(&successive, 0, 0), covariance(&successive, 1, 1));
            if before > 0.0 && after > 0.0 {
                (covariance(&successive, 0, 1) / (before * after).sqrt()).clamp(0.0, 0.9)
            } else {
                0.0
            }
        } else if squares_a > 0.0 && squares_b > 0.0 && change_variance > 0.0 {
            let covariance = products / runs as f64 + s;
            (1.0 + 2.0 * covariance / change_variance).clamp(0.0, 0.9)
        } else {
            PERSISTENCE_UNMEASURED
        };
        let robust = robust_variance(&residuals);
        // Deviations from a council's own mean of T years keep 1 - S / T^2 of the variance,
        // S the sum of the years' correlations (rho^|i - j| over every pair): (T - 1) / T
        // for swings that pass in a year, far less for lasting ones on a short panel.
        let kept = |years: f64| {
            let t = years as i32;
            let pairs: f64 = (0..t).flat_map(|i| (0..t).map(move |j| persistence.powi((i - j).abs()))).sum();
            years - pairs / years
        };
        // The white noise in the residuals keeps (T - 1) / T, the swings 1 - S / T^2.
        let own_variance = if demeaned {
            let total: f64 = lengths.iter().sum();
            let kept_swings = lengths.iter().map(|&years| kept(years)).sum::<f64>() / total;
            let kept_noise = lengths.iter().map(|&years| years - 1.0).sum::<f64>() / total;
            let swings = (robust - s * kept_noise).max(0.0);
            if kept_swings > 0.0 { swings / kept_swings + s } else { robust }
        } else {
            robust - blip_variance(&self.series, |code, year, value| value - centre(code) - years[&year].0)
        };
        let effects: Vec<f64> = years.values().map(|(effect, _)| *effect).collect();
        let sampling = years.values().map(|(_, n)| own_variance / *n as f64).sum::<f64>() / years.len().max(1) as f64;
        let national_variance = if effects.len() > 1 { (variance(&effects) - sampling).max(0.0) } else { 0.0 };
        // The shape of the residuals at one size: a mixture of councils swinging by different
        // amounts would look heavy-tailed however each one swings.
        let size_slope = size_slope(&by_size);
        let mean_log_size = mean(&by_size.iter().map(|(log_size, _)| *log_size).collect::<Vec<_>>());
        let at_one_size: Vec<f64> =
            by_size.iter().map(|&(log_size, r)| r * (-size_slope * (log_size - mean_log_size)).exp()).collect();
        Residuals {
            own_variance,
            national_variance,
            national_years: effects.len() as u32,
            persistence,
            tail: tail_weight(if at_one_size.is_empty() { &residuals } else { &at_one_size }),
            size_slope,
        }
    }
}

/// The part of a growth's yearly variance that does not add up over the years: a post counted
/// in one year's return and not the next shows as a growth one year and its reverse the next,
/// which a year's spread takes for growth that lasts. For growth that lasts a year and passes
/// (the panel's: successive years' growths hardly correlate), the spread of h years' growth
/// is h times a year's; a blip adds the same (its count's variance twice: in and out) whatever
/// h. So a straight line through the robust variances of 1, 2, ... years' summed deviations
/// has the lasting variance as its slope and what the blips add to any span as its
/// intercept; this returns the intercept (never below 0, never above a year's variance), or 0
/// with fewer than two horizons of `MIN_REGRESSION_YEARS` sums each. `deviation` gives a
/// council's deviation in a year.
fn blip_variance(series: &[(String, Vec<(i32, f64)>)], deviation: impl Fn(&str, i32, f64) -> f64) -> f64 {
    let mut sums: Vec<Vec<f64>> = vec![Vec::new(); MAX_BLIP_HORIZON];
    for (code, values) in series {
        let own: Vec<(i32, f64)> = values.iter().map(|&(y, v)| (y, deviation(code, y, v))).collect();
        for start in 0..own.len() {
            let mut sum = 0.0;
            for (h, &(year, value)) in own[start..].iter().enumerate().take(MAX_BLIP_HORIZON) {
                if year != own[start].0 + h as i32 {
                    break;
                }
                sum += value;
                sums[h].push(sum);
            }
        }
    }
    let points: Vec<[f64; 2]> = sums
        .iter()
        .enumerate()
        .filter(|(_, s)| s.len() >= MIN_REGRESSION_YEARS)
        .map(|(h, s)| [(h + 1) as f64, robust_variance(s)])
        .collect();
    if points.len() < 2 {
        return 0.0;
    }
    let horizon_variance = covariance(&points, 0, 0);
    let slope = covariance(&points, 0, 1) / horizon_variance;
    let intercept = mean(&points.iter().map(|p| p[1]).collect::<Vec<_>>())
        - slope * mean(&points.iter().map(|p| p[0]).collect::<Vec<_>>());
    let one_year = points[0][1];
    if slope <= 0.0 { 0.0 } else { intercept.clamp(0.0, one_year) }
}

/// Horizons (years) whose summed growths `blip_variance` reads.
const MAX_BLIP_HORIZON: usize = 5;

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
            variation: YearlyVariation::independent(round(covariance.sqrt())),
            observations: pairs.len(),
        }
    }
}

/// A variation from its own and national variances; the national share carries the number
/// of years it was read from (`residuals.national_years`), which says how far it is known.
fn variation(own_variance: f64, residuals: &Residuals) -> YearlyVariation {
    let total = own_variance + residuals.national_variance;
    let national_share = if total > 0.0 { round(residuals.national_variance / total) } else { 0.0 };
    YearlyVariation {
        start: None,
        level_sd: 0.0,
        tail: round(residuals.tail),
        sd: round(total.sqrt()),
        persistence: round(residuals.persistence),
        national_share,
        national_years: if national_share > 0.0 { residuals.national_years } else { 0 },
    }
}

/// The level a council's own is shrunk toward: its region's mean, else England's.
fn region_prior(area: &Area, levels: &Levels, regions: &BTreeMap<String, f64>) -> f64 {
    area.region_code.as_ref().and_then(|region| regions.get(region)).copied().unwrap_or(levels.england)
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

/// How the spread of residuals goes with council size, from (log funded posts, residual)
/// pairs: the slope of log |residual| on log size (for residuals s e with s going as
/// size^b, the slope is b), held within -1 to 1; 0 with too few pairs.
fn size_slope(pairs: &[(f64, f64)]) -> f64 {
    let logs: Vec<[f64; 2]> =
        pairs.iter().filter(|(_, r)| r.abs() > 1e-12).map(|&(size, r)| [size, r.abs().ln()]).collect();
    let variance = covariance(&logs, 0, 0);
    if logs.len() < 20 || variance <= 0.0 {
        return 0.0;
    }
    (covariance(&logs, 0, 1) / variance).clamp(-1.0, 1.0)
}

/// The weight of the tails of `values` (Tukey's h, the engine's `tail`): councils' years are
/// mostly quiet with the odd jump, so their middle half is narrower than a normal's with
/// the same 5th-95th percentile range. For Tukey's h the ratio of the two ranges is
/// (z95 / z75) exp(h (z95^2 - z75^2) / 2), which gives h in closed form; a ratio at or
/// below a normal's (2.4387) is 0, and it is held below 0.45 (at 0.5 the variance is
/// infinite). Measured on deviations from councils' own means, it is diluted (by about a
/// third over 8 years: each deviation carries a share of the other years), so it errs
/// toward a normal.
fn tail_weight(values: &[f64]) -> f64 {
    use crate::stats::{NORMAL_Z75 as Z75, NORMAL_Z95 as Z95};
    let middle = percentile(values, 0.75) - percentile(values, 0.25);
    if values.len() < 20 || middle <= 0.0 {
        return 0.0;
    }
    let ratio = (percentile(values, 0.95) - percentile(values, 0.05)) / middle;
    ((ratio / (Z95 / Z75)).ln() / ((Z95 * Z95 - Z75 * Z75) / 2.0)).clamp(0.0, crate::limits::MAX_TAIL)
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
