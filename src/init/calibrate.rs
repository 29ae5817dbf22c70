//! Stage 3 of `wfsim init`: the parameters fitted to the panel (`wfsim calibrate`, data up to
//! the year only) for an area-year, and the scale on leaving, calibrated by simulating the
//! scenario written with them.

use super::figures::Figures;
use super::{
    CALIBRATION_MONTHS, Calibration, FILL_PROB_RANGE, HAZARD_SCALE_RANGE, InitError, MAX_COVER_SHARE,
    NEWLY_QUALIFIED_SHARE, fnum, round_to,
};
use crate::calibrate::{AgencyResponseFit, PanelFit};
use crate::dataset::{Area, Dataset, Field, Level};
use crate::engine::metrics::Metric;
use crate::run::{RunSettings, run_all};
use crate::scenario::Scenario;
use crate::scenario::schema::{GrowthWithSwings, YearlyVariation};

/// The parameters fitted for an area-year: everything but the scale on leaving, which
/// [`scale_on_leaving`] finds by simulation.
pub(super) struct Fitted {
    pub panel: PanelBasis,
    /// University NQSWs a year, FTE: the recent starters times [`NEWLY_QUALIFIED_SHARE`].
    pub intake: f64,
    /// Where vacancies settle, and the experienced hiring that puts them there.
    pub equilibrium: Equilibrium,
    /// The experienced fill chance written: the equilibrium's, within [`FILL_PROB_RANGE`].
    pub fill: f64,
    pub hiring_elasticity: f64,
    /// The share of experienced hires into non-case-holding posts, and the present permanent
    /// staff's share holding cases; `None` without case-holding figures.
    pub manager_share: Option<(f64, f64)>,
    /// The swings of leaving, with how well the council's level is known.
    pub turnover_variation: YearlyVariation,
    /// The swings of open cases, started at today's caseload's gap from the council's own
    /// level when both are known: then `caseload` holds (today's caseload, that level).
    pub demand_variation: YearlyVariation,
    pub caseload: Option<(f64, f64)>,
}

impl Fitted {
    pub(super) fn new(figures: &Figures, panel: PanelBasis) -> Fitted {
        let intake = round_to(figures.starters.mean * NEWLY_QUALIFIED_SHARE, 1);
        let equilibrium = Equilibrium::new(figures, &panel, intake);
        let fill = round_to(equilibrium.fill.clamp(FILL_PROB_RANGE.0, FILL_PROB_RANGE.1), 4);
        let hiring_elasticity = hiring_elasticity(&panel, fill);
        let manager_share = joiners_manager_share(figures, intake, equilibrium.experienced_fte);
        let turnover_variation = {
            let v = panel.turnover_variation;
            // The level is the council's years shrunk toward its region's, so what stays
            // unknown is the posterior spread: its years' noise (the swings and the luck of
            // who leaves, about 1 / leavers in logs) weighed against how far councils differ.
            let leavers = figures.turnover.target * figures.starting.fte_in_post.value;
            let luck = if leavers > 0.0 { 1.0 / leavers } else { 0.0 };
            let known = shrunk_level_sd(v, luck, panel.own_years, panel.turnover_between_sd);
            YearlyVariation { level_sd: round_to(known, 4), ..v }
        };
        // A caseload away from the council's own level comes back toward it, mostly as cases
        // close (panel): open cases start that far from their level and return as the swings'
        // persistence says.
        let f = &figures.starting;
        let caseload_now = f.case_holding_fte.as_ref().filter(|c| c.value > 0.0).map(|c| f.open_cases.value / c.value);
        let (demand_variation, caseload) = match (panel.caseload_level, caseload_now) {
            (Some(level), Some(now)) if level > 0.0 && now > 0.0 => {
                let start = round_to((now / level).ln().clamp(-1.0, 1.0), 4);
                (YearlyVariation { start: Some(start), ..panel.demand_variation }, Some((now, level)))
            }
            _ => (panel.demand_variation, None),
        };
        Fitted {
            panel,
            intake,
            equilibrium,
            fill,
            hiring_elasticity,
            manager_share,
            turnover_variation,
            demand_variation,
            caseload,
        }
    }

    /// The agency cover share, its response to vacancies and its swings: a council with
    /// vacancies now starts from its own ratio and returns toward its level; otherwise (a
    /// region, England, no vacancies now) the ratio now, swinging around itself.
    /// `vacancy_profile` is the calibration's simulated year, if run.
    pub(super) fn agency(&self, figures: &Figures, vacancy_profile: Option<&[f64]>) -> AgencyPath {
        let f = &figures.starting;
        let posts = f.fte_in_post.value + f.vacancy_fte.value;
        let vacancy_rate = if posts > 0.0 { f.vacancy_fte.value / posts } else { 0.0 };
        let response = self.panel.agency_response.clone();
        let reference = round_to(self.panel.vacancy_level.unwrap_or(vacancy_rate).clamp(0.01, 0.6), 4);
        // The ratio now, read at the reference vacancy rate as the level is.
        let at_reference =
            if vacancy_rate > 0.0 { (vacancy_rate / reference).powf(1.0 - response.elasticity) } else { 1.0 };
        let now = (figures.cover_share * at_reference).clamp(AGENCY_COVER_RANGE.0, AGENCY_COVER_RANGE.1);
        let (level, variation) = match self.panel.agency_level {
            Some(level) if f.vacancy_fte.value > 0.0 => {
                let level = round_to(level.min(MAX_COVER_SHARE), 3);
                // The swing now, on the scale the swings are fitted on: agency FTE per funded
                // post plus the offset, against what the level gives at today's vacancies.
                let offset = response.swing_offset;
                let expected = level * vacancy_rate / at_reference;
                let agency_per_post = f.agency_fte.value / posts;
                let start = round_to(((agency_per_post + offset) / (expected + offset)).ln(), 4);
                let v = self.panel.agency_variation;
                let known = round_to(level_sd(v.sd, v.persistence, self.panel.own_years), 4);
                (level, YearlyVariation { start: Some(start), level_sd: known, ..v })
            }
            _ => (round_to(now.min(MAX_COVER_SHARE), 3), self.panel.agency_variation),
        };
        // The model's own year (simulated), else one rising evenly by the NQSW intake.
        let (profile, simulated) = match vacancy_profile {
            Some(profile) if profile.len() == 12 => (profile.to_vec(), true),
            _ => {
                let rise = if posts > 0.0 { self.intake / posts } else { 0.0 };
                ((1..=12).map(|month| vacancy_rate + rise * f64::from(month % 12) / 12.0).collect(), false)
            }
        };
        let seasonal = seasonal_agency_factor(&profile, response.elasticity, response.adjustment_months);
        let lowest = profile.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = profile.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        AgencyPath {
            level,
            cover_share: round_to(level * seasonal, 3),
            seasonal,
            vacancy_range: (lowest, highest),
            simulated_profile: simulated,
            reference_vacancy_rate: reference,
            response,
            variation,
        }
    }
}

/// The elasticity of hires to vacancies that makes a gap from the vacancy level close as
/// councils' do: near the level, a month closes `fill * elasticity` of the gap, so a year
/// leaves (1 - fill * elasticity)^12 of it, which is set to the panel's persistence.
fn hiring_elasticity(panel: &PanelBasis, fill: f64) -> f64 {
    let persistence = panel.vacancy_persistence.clamp(0.01, 0.99);
    let monthly_closing = 1.0 - persistence.powf(1.0 / 12.0);
    round_to((monthly_closing / fill.max(1e-9)).clamp(MIN_HIRING_ELASTICITY, 1.0), 3)
}

/// The share of experienced hires into non-case-holding posts that keeps joiners' share of
/// case holders at the present permanent staff's: (1 - s) / (1 - q), with s that share and q
/// the NQSWs' share of joiners at the equilibrium; and s. `None` without case-holding figures.
fn joiners_manager_share(figures: &Figures, nqsw_intake_fte: f64, experienced_fte: f64) -> Option<(f64, f64)> {
    let f = &figures.starting;
    let case_holding = f.case_holding_fte.as_ref()?.value;
    let present = f.fte_in_post.value * (1.0 - figures.absent_share());
    if present <= 0.0 || case_holding <= 0.0 {
        return None;
    }
    let agency_holding = f.agency_fte.value * figures.agency_case_holding_share().unwrap_or(1.0);
    let holding_share = ((case_holding - agency_holding) / present).clamp(0.0, 1.0);
    let joiners = nqsw_intake_fte + experienced_fte;
    let nqsw_share = if joiners > 0.0 { nqsw_intake_fte / joiners } else { 0.0 };
    let share = ((1.0 - holding_share) / (1.0 - nqsw_share).max(1e-9)).clamp(0.0, MAX_MANAGER_SHARE);
    Some((round_to(share, 3), holding_share))
}

/// Where vacancies settle in a generated baseline, and how.
pub(super) struct Equilibrium {
    /// The vacancy rate settled at, and where it comes from.
    pub vacancy_level: f64,
    pub level_source: String,
    /// The mean over the year of the vacancy rate that settles at `vacancy_level` each 30
    /// September, and the vacant FTE at it.
    pub average_vacancy_rate: f64,
    pub vacant_fte: f64,
    /// Posts opened a year by leavers and growth, and filled by experienced hires, FTE.
    pub opened_fte: f64,
    pub experienced_fte: f64,
    /// The monthly chance a vacant post is filled by an experienced hire.
    pub fill: f64,
}

impl Equilibrium {
    /// Where vacancies settle, and the experienced fill chance that puts them there.
    fn new(figures: &Figures, panel: &PanelBasis, nqsw_intake_fte: f64) -> Equilibrium {
        let f = &figures.starting;
        let establishment = f.fte_in_post.value / (1.0 - f.vacancy_rate);
        let (vacancy_level, level_source) = match panel.vacancy_level {
            Some(level) => (level, format!("its DfE years shrunk toward its region, {}", panel.label)),
            None => {
                (f.vacancy_rate, format!("the {} rate; an area of many councils has no level of its own", figures.year))
            }
        };
        let vacancy_level = vacancy_level.clamp(0.02, 0.6);
        let in_post = establishment * (1.0 - vacancy_level);
        let leavers = figures.turnover.target * in_post;
        let opened_fte = leavers + (1.0 + panel.establishment_growth).ln() * establishment;
        let experienced_fte = (opened_fte - nqsw_intake_fte).max(EXPERIENCED_FLOOR_SHARE * leavers);
        // The level is a 30 September figure, when the year's NQSWs have just joined: the
        // vacancies build up by about the intake over the year, half of it on average.
        let average_vacancy_rate = (vacancy_level + 0.5 * nqsw_intake_fte / establishment.max(1.0)).min(0.9);
        let vacant_fte = (establishment * average_vacancy_rate).max(1.0);
        Equilibrium {
            vacancy_level,
            level_source,
            average_vacancy_rate,
            vacant_fte,
            opened_fte,
            experienced_fte,
            fill: experienced_fte / HIRE_FTE / 12.0 / vacant_fte,
        }
    }
}

/// The mean FTE of an experienced hire: 10% part-time at 0.6 FTE (the Durham baseline).
pub(super) const HIRE_FTE: f64 = 0.96;

/// Which first-year turnover across replications is set to meet the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnoverStatistic {
    /// The median, as the target is a council's typical year (a mean in logs): a year's
    /// turnover is skewed, so its mean would sit above it.
    Median,
    /// The mean, for an area with few leavers a year: there the median is a whole number of
    /// leavers, most often none, and no scale on leaving moves it to the target (the Isles of
    /// Scilly, two FTE, were pushed to the largest scale and lost their staff within a year).
    Mean,
}

impl TurnoverStatistic {
    /// Fewer expected leavers a year than this and the median is too coarse to aim at.
    pub const FEWEST_LEAVERS_FOR_MEDIAN: f64 = 10.0;

    /// The statistic for an area expecting `leavers` FTE to leave a year.
    pub fn for_expected_leavers(leavers: f64) -> TurnoverStatistic {
        if leavers < Self::FEWEST_LEAVERS_FOR_MEDIAN { TurnoverStatistic::Mean } else { TurnoverStatistic::Median }
    }

    pub fn name(self) -> &'static str {
        match self {
            TurnoverStatistic::Median => "median",
            TurnoverStatistic::Mean => "mean",
        }
    }
}

/// Scales the hazards until the simulated first-year turnover (its `statistic` across
/// replications) meets `target`: each simulation runs `scenario_at(scale)`, the area's
/// scenario written with that scale.
pub(super) fn scale_on_leaving(
    calibration: &Calibration,
    target: f64,
    statistic: TurnoverStatistic,
    mut scenario_at: impl FnMut(f64) -> Result<Scenario, InitError>,
) -> Result<Calibrated, InitError> {
    let mut scale = 1.0;
    let mut simulated = None;
    let mut profile = None;
    let mut iterations = 0;
    let settings = RunSettings {
        replications: calibration.replications.max(1),
        seed: calibration.seed,
        months: Some(CALIBRATION_MONTHS),
        progress: false,
        national_seed: None,
    };
    while iterations < calibration.max_iterations {
        iterations += 1;
        let scenario = scenario_at(scale)?;
        let run = run_all(std::slice::from_ref(&scenario), &settings).remove(0);
        let median = |month: usize, metric: Metric| {
            let mut values: Vec<f64> =
                run.across_replications(month, metric).into_iter().filter(|value| value.is_finite()).collect();
            values.sort_by(f64::total_cmp);
            (!values.is_empty()).then(|| crate::stats::quantile_sorted(&values, 0.5))
        };
        profile = (1..=CALIBRATION_MONTHS as usize).map(|month| median(month, Metric::VacancyRate)).collect();
        let mut values: Vec<f64> = run
            .across_replications(CALIBRATION_MONTHS as usize, Metric::TurnoverRate)
            .into_iter()
            .filter(|value| value.is_finite())
            .collect();
        if values.is_empty() {
            // Everyone left in every replication (a tiny area): nothing to scale by.
            simulated = None;
            break;
        }
        let turnover = match statistic {
            TurnoverStatistic::Median => {
                values.sort_by(f64::total_cmp);
                crate::stats::quantile_sorted(&values, 0.5)
            }
            TurnoverStatistic::Mean => crate::stats::mean(&values),
        };
        simulated = Some(turnover);
        if (turnover - target).abs() <= calibration.tolerance * target {
            break;
        }
        if iterations == calibration.max_iterations {
            break;
        }
        let next = if turnover > 0.0 { scale * target / turnover } else { scale * 2.0 };
        let next = round_to(next.clamp(HAZARD_SCALE_RANGE.0, HAZARD_SCALE_RANGE.1), 4);
        if next == scale {
            break;
        }
        scale = next;
    }
    Ok(Calibrated { hazard_scale: scale, simulated, iterations, vacancy_profile: profile })
}

/// What [`scale_on_leaving`] found.
pub(super) struct Calibrated {
    pub hazard_scale: f64,
    /// The first-year turnover at that scale (the statistic aimed at); `None` if not
    /// simulated or everyone left.
    pub simulated: Option<f64>,
    /// Simulations run.
    pub iterations: u32,
    /// The median vacancy rate of each month of the first year at that scale.
    pub vacancy_profile: Option<Vec<f64>>,
}

/// What the panel fit (`wfsim calibrate`) gives a baseline: levels, swings and growth.
#[derive(Debug, Clone)]
pub(super) struct PanelBasis {
    /// "fitted to the DfE years 2017-2024, 156 councils (wfsim calibrate)".
    pub label: String,
    /// The council's own vacancy rate level (shrunk toward its region); `None` for a region
    /// or England, which have no council level: their current rate is used.
    pub vacancy_level: Option<f64>,
    /// How much of a council's gap from its vacancy level remains a year later (panel fit).
    pub vacancy_persistence: f64,
    /// The experienced market's swings (an assumption, with the tails and size scaling of
    /// councils' vacancy rates).
    pub fill_variation: YearlyVariation,
    /// How the swings were scaled to the council's size ("" for a region or England).
    pub size_note: String,
    /// Swings of the leaving rate, establishment growth and demand, scaled to the area
    /// (a region's or England's swings are mostly the national part).
    pub turnover_variation: YearlyVariation,
    /// Swings of the NQSW intake: those of councils' starters per FTE around their own level.
    pub intake_variation: YearlyVariation,
    pub establishment_growth: f64,
    pub establishment_variation: YearlyVariation,
    pub moves_variation: YearlyVariation,
    /// How funded posts' growth goes with the leaving and intake swings.
    pub posts_with_swings: GrowthWithSwings,
    /// How low a council's vacancy rate goes, as a share of its own level.
    pub vacancy_floor_share: f64,
    pub demand_growth: f64,
    /// Swings of the level of open cases (scaled to the area).
    pub demand_variation: YearlyVariation,
    /// The council's own caseload level (open cases per case-holding FTE, shrunk toward its
    /// region's); `None` for a region or England.
    pub caseload_level: Option<f64>,
    pub agency_variation: YearlyVariation,
    /// The council's own agency FTE per vacant FTE at its vacancy level (shrunk toward its
    /// region); `None` for a region or England, or a council that never had vacancies.
    pub agency_level: Option<f64>,
    /// How agency use follows the vacancy rate (elasticity) and how quickly.
    pub agency_response: AgencyResponseFit,
    /// Years the council's own levels rest on (0 for a region or England).
    pub own_years: u32,
    /// How far councils' own turnover levels differ (in logs): what a council's own years
    /// are weighed against when its level is estimated.
    pub turnover_between_sd: f64,
}

/// The standard deviation of the mean of `years` years of a stationary AR(1) with standard
/// deviation `sd` and year-to-year correlation `persistence`: how well a level resting on
/// those years is known.
/// The spread of a council's true level around its estimate, the mean of `years` years of
/// swings `v` plus luck of variance `luck` a year, shrunk toward its region's mean, councils'
/// levels differing by `between_sd` (the empirical-Bayes posterior: noise x between / (noise +
/// between), in variances).
fn shrunk_level_sd(v: YearlyVariation, luck: f64, years: u32, between_sd: f64) -> f64 {
    if years == 0 {
        return 0.0;
    }
    let noise = level_sd(v.sd, v.persistence, years).powi(2) + luck / f64::from(years);
    let between = between_sd * between_sd;
    if between > 0.0 { (noise * between / (noise + between)).sqrt() } else { noise.sqrt() }
}

fn level_sd(sd: f64, persistence: f64, years: u32) -> f64 {
    if years == 0 {
        return 0.0;
    }
    let n = f64::from(years);
    let pairs: f64 =
        (0..years).flat_map(|i| (0..years).map(move |j| persistence.powi((i as i32 - j as i32).abs()))).sum();
    sd * pairs.sqrt() / n
}

impl PanelBasis {
    pub(super) fn new(data: &Dataset, area: &Area, year: i32) -> Result<PanelBasis, InitError> {
        let fit = PanelFit::for_year(data, year).map_err(|error| InitError::Invalid {
            area: area.label(),
            year,
            message: error.to_string(),
        })?;
        // A region or England is the sum of its councils: their own swings mostly cancel.
        let councils = match area.level {
            Level::LocalAuthority => 1,
            Level::Region => data
                .areas()
                .iter()
                .filter(|a| a.level == Level::LocalAuthority && a.region_code.as_deref() == Some(area.code.as_str()))
                .count()
                .max(1),
            Level::England => fit.councils.max(1),
        };
        // A council smaller than the median one swings more, a larger one less, as the
        // panel's residuals go with size (each figure's `size_slope`); a region's or
        // England's own swings are its councils' averaged (below).
        let posts_now = data
            .figures(area, year)
            .and_then(|f| Some(f.value(Field::InpostFte)? + f.value(Field::VacancyFte)?.max(0.0)))
            .filter(|&posts| posts > 0.0);
        let (size_ratio, size_note) = match (area.level, posts_now) {
            (Level::LocalAuthority, Some(posts)) if fit.reference_posts > 0.0 => (
                posts / fit.reference_posts,
                format!(
                    ", scaled to its {} funded posts against the median council's {} (smaller councils swing more)",
                    fnum(round_to(posts, 1)),
                    fnum(round_to(fit.reference_posts, 1))
                ),
            ),
            _ => (1.0, String::new()),
        };
        let sized = |v: YearlyVariation, slope: f64| YearlyVariation { sd: v.sd * size_ratio.powf(slope), ..v };
        let scaled = |v: YearlyVariation| {
            let share = v.national_share + (1.0 - v.national_share) / councils as f64;
            YearlyVariation {
                sd: round_to(v.sd * share.sqrt(), 4),
                persistence: v.persistence,
                national_share: round_to(v.national_share / share, 4),
                start: None,
                level_sd: 0.0,
                tail: v.tail,
                national_years: v.national_years,
            }
        };
        Ok(PanelBasis {
            label: format!(
                "fitted to the DfE years {}-{}, {} councils (wfsim calibrate)",
                fit.first_year, fit.up_to, fit.councils
            ),
            vacancy_level: fit.council(&area.code).map(|levels| levels.vacancy_rate),
            vacancy_persistence: fit.vacancy_rate.variation.persistence,
            fill_variation: scaled(sized(
                YearlyVariation { tail: fit.vacancy_rate.variation.tail, ..FILL_VARIATION },
                fit.vacancy_rate.size_slope,
            )),
            size_note,
            // Leaving luck scales with size in the engine itself (it simulates every worker).
            turnover_variation: scaled(fit.turnover.variation),
            intake_variation: scaled(sized(fit.starters.variation, fit.starters.size_slope)),
            establishment_growth: fit.establishment_growth.mean,
            establishment_variation: scaled(sized(
                fit.establishment_growth.variation,
                fit.establishment_growth.size_slope,
            )),
            moves_variation: scaled(fit.moves_with_staff.variation),
            vacancy_floor_share: fit.vacancy_floor.share_of_level,
            posts_with_swings: GrowthWithSwings {
                leaving: fit.posts_with_swings.leaving,
                intake: fit.posts_with_swings.intake,
            },
            demand_growth: fit.demand_growth.mean,
            demand_variation: scaled(sized(fit.open_cases.variation, fit.open_cases.size_slope)),
            caseload_level: fit.council(&area.code).and_then(|levels| levels.caseload),
            agency_variation: scaled(sized(fit.agency_cover.variation, fit.agency_cover.size_slope)),
            agency_level: fit.council(&area.code).and_then(|levels| levels.agency_cover),
            own_years: fit.council(&area.code).map_or(0, |levels| levels.years),
            turnover_between_sd: fit.turnover.between_sd,
            agency_response: fit.agency_response,
        })
    }
}

/// Agency FTE per vacant FTE as the panel fit reads it (src/calibrate.rs): a council's ratio
/// now is held within this range before its gap from its level is taken.
const AGENCY_COVER_RANGE: (f64, f64) = (0.05, 5.0);

/// A generated baseline's agency cover: see [`Fitted::agency`].
pub(super) struct AgencyPath {
    /// Agency FTE per vacant FTE at the reference vacancy rate, as the DfE returns give it at
    /// 30 September.
    pub level: f64,
    /// The level times `seasonal`: what the engine is given.
    pub cover_share: f64,
    pub seasonal: f64,
    /// The lowest and highest vacancy rate of the year the factor was worked out on, and
    /// whether that year was simulated (else assumed to rise evenly by the NQSW intake).
    pub vacancy_range: (f64, f64),
    pub simulated_profile: bool,
    pub reference_vacancy_rate: f64,
    pub response: AgencyResponseFit,
    pub variation: YearlyVariation,
}

/// What turns agency FTE per vacant FTE at 30 September into the cover the engine is given.
/// The model's vacancies rise through the year as staff leave and fall each September when
/// NQSWs join; sticky agency use follows the months before, so at 30 September it stands
/// above the cover times that day's vacancies. The factor is that day's vacancy rate to the
/// elasticity over the sticky average (months closing 1 / `adjustment_months` of the gap)
/// of the year's rates, the year repeating, so that September's agency FTE per vacant FTE
/// comes out as the returns give it. `profile` holds the vacancy rate of each month from
/// October to September.
fn seasonal_agency_factor(profile: &[f64], elasticity: f64, adjustment_months: u32) -> f64 {
    let Some(&september) = profile.last() else { return 1.0 };
    let stay = if adjustment_months <= 1 { 0.0 } else { 1.0 - 1.0 / f64::from(adjustment_months) };
    let at = |rate: f64| rate.max(0.005).powf(elasticity);
    // The stationary average at September: the month k back weighs (1 - stay) stay^k.
    let year: f64 =
        profile.iter().rev().enumerate().map(|(k, &rate)| (1.0 - stay) * stay.powi(k as i32) * at(rate)).sum();
    let average = year / (1.0 - stay.powi(profile.len() as i32));
    if average > 0.0 { at(september) / average } else { 1.0 }
}

/// The year-to-year swings of the experienced fill chance: the data give no direct measure
/// (assumption, checked by the backtest). Half national: councils' starters per FTE move
/// together from year to year (the panel's year effects have a standard deviation of about
/// 0.09 in logs; 2022: -0.15), and experienced hires, about half of starters, must carry
/// most of that; with a fifth national, England's FTE in post fell inside its 90% interval
/// in 8 of 15 backtest years, with half in 10, councils' own scores unchanged.
const FILL_VARIATION: YearlyVariation = YearlyVariation {
    sd: 0.3,
    persistence: 0.5,
    national_share: 0.5,
    start: None,
    level_sd: 0.0,
    tail: 0.0,
    national_years: 0,
};
/// At most this share of experienced hires go into non-case-holding posts (assumption).
pub(super) const MAX_MANAGER_SHARE: f64 = 0.9;
/// Hiring responds to vacancies at least this much (assumption): with none, a council with
/// no experienced hires at its level would never hire whatever its vacancies.
pub(super) const MIN_HIRING_ELASTICITY: f64 = 0.1;
/// Experienced hires are at least this share of leavers at the equilibrium, however many
/// newly qualified join (assumption).
pub(super) const EXPERIENCED_FLOOR_SHARE: f64 = 0.2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shrunk_level_is_known_better_than_its_own_years_alone_tell() {
        // 4 years of swings of sd 0.3 and luck of variance 0.01 a year: the mean's noise is
        // (0.09 + 0.01) / 4 = 0.025 in variance. Councils differing by the same 0.025 halve
        // it (posterior 0.0125); councils differing without limit leave it whole.
        let v = YearlyVariation::independent(0.3);
        assert!((shrunk_level_sd(v, 0.01, 4, 0.025f64.sqrt()) - 0.0125f64.sqrt()).abs() < 1e-12);
        assert!((shrunk_level_sd(v, 0.01, 4, 1e6) - 0.025f64.sqrt()).abs() < 1e-9);
        assert_eq!(shrunk_level_sd(v, 0.01, 4, 0.0), 0.025f64.sqrt(), "no spread between councils given");
        assert_eq!(shrunk_level_sd(v, 0.01, 0, 0.3), 0.0, "no years of its own: no level of its own");
    }
}
