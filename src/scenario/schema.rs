//! The scenario file format: what a planner writes. These types only describe and range-check
//! the input; `check.rs` checks what needs the whole (merged) scenario, and the engine builds
//! its own parameters from a checked scenario.
//!
//! Every section is optional. A missing section switches its process off, so that simple cases
//! can be checked against exact answers; a child scenario can switch off an inherited process
//! with `enabled = false`. Every field inside a section has a default, so that a scenario that
//! `extends` another can give only the fields that differ.

use serde::{Deserialize, Serialize};

use super::param::{GrowthRate, NonNegative, Param, Probability};
use crate::calendar::YearMonth;
use crate::route::Route;

/// The name of a drawn parameter's random stream: the parameter's field path in the file
/// (`retention.hazard_scale`). The engine keys each parameter's draws by this name, so that
/// scenarios agreeing on a parameter draw the same values and adding a parameter shifts no
/// other's draws. Each id is declared in an `impl StreamId` beside the struct owning its
/// field, so a renamed field shows its stream id next to it; the tests below check that every
/// id is in [`StreamId::ALL`], distinct, and names a real field. Changing an id's text
/// changes that parameter's draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamId(&'static str);

impl StreamId {
    /// Every stream id, in file order.
    pub const ALL: &[StreamId] = &[
        StreamId::ESTABLISHMENT_ANNUAL_GROWTH,
        StreamId::ESTABLISHMENT_YEARLY_VARIATION,
        StreamId::ESTABLISHMENT_MOVES_WITH_STAFF,
        StreamId::RETENTION_ANNUAL_LEAVE_PROB,
        StreamId::RETENTION_HAZARD_SCALE,
        StreamId::RETENTION_YEARLY_VARIATION,
        StreamId::ALLOWANCE_HAZARD_RATIO,
        StreamId::PRESSURE_HAZARD_INCREASE_PER_CASE,
        StreamId::UNIVERSITY_ANNUAL_INTAKE,
        StreamId::UNIVERSITY_YEARLY_VARIATION,
        StreamId::EXPERIENCED_MONTHLY_FILL_PROB,
        StreamId::EXPERIENCED_PER_MONTH,
        StreamId::EXPERIENCED_YEARLY_VARIATION,
        StreamId::WELCOME_HAZARD_RATIO_DURING_CLAWBACK,
        StreamId::WELCOME_HAZARD_RATIO_AFTER_CLAWBACK,
        StreamId::WELCOME_RECRUITMENT_MULTIPLIER,
        StreamId::AGENCY_COVER_SHARE,
        StreamId::AGENCY_MAX_FTE,
        StreamId::AGENCY_SUPPLY_CHANGES,
        StreamId::AGENCY_YEARLY_VARIATION,
        StreamId::ABSENCE_MONTHLY_START_PROB,
        StreamId::ABSENCE_MEAN_DURATION_MONTHS,
        StreamId::DEMAND_ANNUAL_GROWTH,
        StreamId::DEMAND_YEARLY_VARIATION,
        StreamId::COSTS_ANNUAL_PAY_AWARD,
        StreamId::COSTS_AGENCY_PREMIUM,
    ];

    /// The field path, the text the stream is keyed by.
    pub fn path(self) -> &'static str {
        self.0
    }

    /// The stream of item `index` of a list parameter (`agency.supply_changes[0]`).
    pub fn element(self, index: usize) -> String {
        format!("{}[{index}]", self.0)
    }

    /// The stream of item `index` of a route table's entry `label`, the route's name or
    /// `default` (`retention.annual_leave_prob.default[0]`).
    pub fn route_element(self, label: &str, index: usize) -> String {
        format!("{}.{label}[{index}]", self.0)
    }
}

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScenarioSpec {
    /// Path of the parent scenario, relative to this file. Only the differences need be given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Name in outputs; defaults to the file name without `.toml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The option as readers know it ("A £5,000 retention allowance"): the report's headings
    /// use it, the name stays the key in files. Not inherited: an option that extends a
    /// baseline is not titled as the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub description: String,
    /// First simulated month. Month 0 of the outputs is the position at the end of the month
    /// before (for `start = "2024-10"`, the 30 September 2024 position).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<YearMonth>,
    /// Months the scenario plans for (default 60); every dated event must fall inside it.
    /// `wfsim run --months` can run a different number of months.
    pub horizon_months: u32,
    pub initial: InitialSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub establishment: Option<EstablishmentSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<RetentionSpec>,
    pub routes: RoutesSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub welcome_payment: Option<WelcomePaymentSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<AgencySpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absence: Option<AbsenceSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demand: Option<DemandSpec>,
    pub caseload: CaseloadSpec,
    /// Money: salaries, agency, recruitment, training and grants. Without it nothing is costed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub costs: Option<CostsSpec>,
}

impl Default for ScenarioSpec {
    fn default() -> Self {
        ScenarioSpec {
            extends: None,
            name: None,
            title: None,
            description: String::new(),
            start: None,
            horizon_months: 60,
            initial: InitialSpec::default(),
            establishment: None,
            retention: None,
            routes: RoutesSpec::default(),
            welcome_payment: None,
            agency: None,
            absence: None,
            demand: None,
            caseload: CaseloadSpec::default(),
            costs: None,
        }
    }
}

/// The starting position, as aggregate figures (the DfE return at 30 September).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct InitialSpec {
    pub fte_in_post: f64,
    pub headcount: u32,
    /// Vacancy FTE / (vacancy FTE + FTE in post); sets the starting establishment.
    pub vacancy_rate: f64,
    pub agency_fte: f64,
    /// Case-holding FTE including agency (the DfE definition). Permanent workers with the
    /// longest tenure are made non-case-holding (managers and other roles) until the figure,
    /// less the agency FTE holding cases (`caseload.agency_case_holding_share`), is met. If
    /// absent, `manager_share` of headcount is used instead.
    pub case_holding_fte: Option<f64>,
    pub manager_share: f64,
    /// Open cases at the start.
    pub open_cases: f64,
    /// Leavers in the year before the start: they fill the 12-month turnover window at first.
    pub leavers_fte_last_12_months: f64,
    /// FTE of each part-time worker; the number of part-timers follows from FTE and headcount.
    pub part_time_fte: f64,
    /// Share of headcount on long absence at the start.
    pub absent_share: f64,
    /// Share of headcount by route of entry.
    pub route_shares: RouteShares,
    /// Share of headcount in each tenure band of `retention.band_edges_months` (one more share
    /// than edges). Workers are spread evenly across each band.
    pub tenure_band_shares: Vec<f64>,
    /// Longest tenure in the open last band.
    pub max_tenure_months: u32,
    /// Months of post-qualifying experience an experienced hire brings.
    pub experienced_prior_months: u32,
}

impl Default for InitialSpec {
    fn default() -> Self {
        InitialSpec {
            fte_in_post: 0.0,
            headcount: 0,
            vacancy_rate: 0.0,
            agency_fte: 0.0,
            case_holding_fte: None,
            manager_share: 0.0,
            open_cases: 0.0,
            leavers_fte_last_12_months: 0.0,
            part_time_fte: 0.6,
            absent_share: 0.0,
            route_shares: RouteShares::default(),
            tenure_band_shares: Vec::new(),
            max_tenure_months: 240,
            experienced_prior_months: 48,
        }
    }
}

/// Shares by route of entry; they must add up to 1 when any is given.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RouteShares {
    pub university: f64,
    pub apprenticeship: f64,
    pub step_up: f64,
    pub frontline: f64,
    pub overseas: f64,
    pub experienced: f64,
}

impl RouteShares {
    /// Each route's share, in [`Route::ALL`] order.
    pub fn by_route(&self) -> [(Route, f64); Route::COUNT] {
        Route::ALL.map(|route| {
            let share = match route {
                Route::University => self.university,
                Route::Apprenticeship => self.apprenticeship,
                Route::StepUp => self.step_up,
                Route::Frontline => self.frontline,
                Route::Overseas => self.overseas,
                Route::Experienced => self.experienced,
            };
            (route, share)
        })
    }
}

/// Funded posts: the starting establishment follows from FTE in post and the vacancy rate.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EstablishmentSpec {
    pub enabled: Enabled,
    /// Dated changes, in order (for example a new team of 6 FTE from April 2026).
    pub changes: Vec<EstablishmentChange>,
    /// Growth of funded posts a year (0.03: +3% a year), applied a twelfth each month and
    /// drawn once per replication.
    pub annual_growth: Param<GrowthRate>,
    /// How the growth swings from year to year around `annual_growth` (in logs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly_variation: Option<YearlyVariation>,
    /// Teams moving in or out of children's social work with their posts and their staff
    /// (restructures, changes of scope, hours changed), which the DfE counts neither as
    /// starters nor as leavers: each year FTE in post and funded posts change together by a
    /// log amount with these swings, a twelfth each month. Absent, nothing moves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moves_with_staff: Option<YearlyVariation>,
    /// How the year's growth of funded posts goes with the year's swings of leaving and of
    /// the NQSW intake (`retention.yearly_variation`, `routes.university.yearly_variation`):
    /// councils grow posts less in a year when more staff leave than usual and more in a
    /// year when more join. Only the swings count, never a scenario's own changes, so an
    /// option that recruits more makes no posts. Absent, posts ignore the swings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growth_with_swings: Option<GrowthWithSwings>,
}

/// Change in funded posts' log growth over a year per unit of that year's log swing.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GrowthWithSwings {
    /// Per unit log swing of the leaving rate (around its level): -0.025 means posts grow
    /// 0.25% less in a year when leaving runs 10% above its level.
    pub leaving: f64,
    /// Per unit log swing of the NQSW intake.
    pub intake: f64,
}

impl StreamId {
    pub const ESTABLISHMENT_ANNUAL_GROWTH: StreamId = StreamId("establishment.annual_growth");
    pub const ESTABLISHMENT_YEARLY_VARIATION: StreamId = StreamId("establishment.yearly_variation");
    pub const ESTABLISHMENT_MOVES_WITH_STAFF: StreamId = StreamId("establishment.moves_with_staff");
}

impl Default for EstablishmentSpec {
    fn default() -> Self {
        EstablishmentSpec {
            enabled: Enabled::default(),
            changes: Vec::new(),
            annual_growth: Param::fixed(0.0),
            yearly_variation: None,
            moves_with_staff: None,
            growth_with_swings: None,
        }
    }
}

/// How a rate swings from one year to the next around its level, as councils' rates do in
/// the DfE panel. Each year (from the start, twelve months at a time) has a log multiplier
/// x following x(y) = persistence x(y-1) + a fresh normal, with standard deviation `sd`
/// overall; the share `national_share` of the fresh part is a national swing, the same for
/// every council (and every scenario) in a replication, the rest the council's own.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct YearlyVariation {
    /// Standard deviation of a year's log multiplier (0.2: roughly +-20%).
    pub sd: f64,
    /// Correlation of a year's multiplier with the year before's, 0 to 0.99.
    #[serde(default)]
    pub persistence: f64,
    /// Share of the variance shared by every council in the same year, 0 to 1.
    #[serde(default)]
    pub national_share: f64,
    /// The log multiplier of the year before the start, when it is known (a council whose
    /// rate is now away from its level): the first year is then `persistence` times it plus
    /// a fresh draw, and the rate returns toward its level as the persistence says. Absent,
    /// the first year is drawn like any other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    /// How well the level itself is known (a council's level rests on a few years): a log
    /// offset drawn once per replication with this standard deviation, around which the
    /// years swing. A known `start` is measured from the estimated level, so the first
    /// year is the offset plus `persistence` times (start - offset) plus a fresh draw. 0:
    /// the level is known.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub level_sd: f64,
    /// How heavy the tails of a year's fresh draw are (Tukey's h, 0 to 0.5; 0: a normal).
    /// Councils' years are mostly quiet with the odd large jump: the fresh draw z becomes
    /// z exp(tail z^2 / 2), scaled so that its 5th-95th percentile range stays that of
    /// `sd`, so a larger tail narrows the middle half of the years (by exp(-1.1253 tail))
    /// and keeps the 90% range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tail: f64,
    /// How many years `national_share` was read from (0: take it as known). A variance read
    /// from n years has n - 1 degrees of freedom, and from the DfE's few years the national
    /// part is far from known, so each replication draws its own share, `national_share`
    /// times (n - 1) / chi-square(n - 1), at most the whole variance. England's interval
    /// then carries the chance of a national year larger than any yet seen.
    #[serde(default, skip_serializing_if = "is_zero_years")]
    pub national_years: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EstablishmentChange {
    pub from: YearMonth,
    /// Posts added (negative: removed).
    pub change_fte: f64,
}

/// Leaving: annual leaving probabilities by tenure band and route, and what multiplies them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSpec {
    pub enabled: Enabled,
    /// Upper edges of the tenure bands, in months with this council: `[12, 24, 60]` gives the
    /// bands 0-1, 1-2, 2-5 and 5+ years.
    pub band_edges_months: Vec<u32>,
    /// Annual leaving probability per band; converted to monthly as 1 - (1 - p)^(1/12).
    pub annual_leave_prob: RouteTable<Vec<Param<Probability>>>,
    /// Multiplies every hazard: overall uncertainty in retention.
    pub hazard_scale: Param<NonNegative>,
    pub allowance: Option<AllowanceSpec>,
    pub caseload_pressure: Option<CaseloadPressureSpec>,
    /// Where leavers go, per route.
    pub destinations: RouteTable<DestinationShares>,
    /// How every leaving rate swings from year to year (turnover is mostly such noise
    /// around a council's own level).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly_variation: Option<YearlyVariation>,
}

impl StreamId {
    /// A table: each band draws on `StreamId::route_element` of it.
    pub const RETENTION_ANNUAL_LEAVE_PROB: StreamId = StreamId("retention.annual_leave_prob");
    pub const RETENTION_HAZARD_SCALE: StreamId = StreamId("retention.hazard_scale");
    pub const RETENTION_YEARLY_VARIATION: StreamId = StreamId("retention.yearly_variation");
}

impl Default for RetentionSpec {
    fn default() -> Self {
        RetentionSpec {
            enabled: Enabled::default(),
            band_edges_months: vec![12, 24, 60],
            annual_leave_prob: RouteTable::default(),
            hazard_scale: Param::fixed(1.0),
            allowance: None,
            caseload_pressure: None,
            destinations: RouteTable::default(),
            yearly_variation: None,
        }
    }
}

/// A value for every route: `default`, overridden per route where given.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RouteTable<T> {
    pub default: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub university: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apprenticeship: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_up: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontline: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overseas: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experienced: Option<T>,
}

impl<T> RouteTable<T> {
    /// The route's own value, if the file gives one.
    pub fn override_for(&self, route: Route) -> Option<&T> {
        match route {
            Route::University => self.university.as_ref(),
            Route::Apprenticeship => self.apprenticeship.as_ref(),
            Route::StepUp => self.step_up.as_ref(),
            Route::Frontline => self.frontline.as_ref(),
            Route::Overseas => self.overseas.as_ref(),
            Route::Experienced => self.experienced.as_ref(),
        }
    }

    /// The route's value: its own, or the default.
    pub fn for_route(&self, route: Route) -> &T {
        self.override_for(route).unwrap_or(&self.default)
    }
}

/// The retention allowance: a hazard ratio on eligible posts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AllowanceSpec {
    pub enabled: Enabled,
    /// Share of posts eligible.
    pub eligible_share: f64,
    /// Months of service before the allowance applies.
    pub min_service_months: u32,
    /// Multiplies the leaving hazard of eligible workers; below 1 means the allowance works.
    pub hazard_ratio: Param<NonNegative>,
    /// Paid a year per FTE on eligible posts (pro rata), not uprated by the pay award.
    pub amount_gbp: f64,
    /// Grades whose posts can be eligible; all grades if empty.
    pub eligible_grades: Vec<GradeName>,
}

impl StreamId {
    pub const ALLOWANCE_HAZARD_RATIO: StreamId = StreamId("retention.allowance.hazard_ratio");
}

/// Grades as written in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeName {
    Nqsw,
    SocialWorker,
    Senior,
    Manager,
}

impl Default for AllowanceSpec {
    fn default() -> Self {
        AllowanceSpec {
            enabled: Enabled::default(),
            eligible_share: 0.0,
            min_service_months: 0,
            hazard_ratio: Param::fixed(1.0),
            amount_gbp: 0.0,
            eligible_grades: Vec::new(),
        }
    }
}

/// Overloaded teams lose staff: above a threshold, each extra case per case-holding FTE
/// raises everyone's hazard.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseloadPressureSpec {
    pub enabled: Enabled,
    pub threshold_cases: f64,
    /// Relative increase in hazard per case above the threshold (0.05: +5% per case).
    pub hazard_increase_per_case: Param<NonNegative>,
    /// The pressure felt is the mean caseload over this many recent months.
    pub averaging_months: u32,
}

impl StreamId {
    pub const PRESSURE_HAZARD_INCREASE_PER_CASE: StreamId =
        StreamId("retention.caseload_pressure.hazard_increase_per_case");
}

impl Default for CaseloadPressureSpec {
    fn default() -> Self {
        CaseloadPressureSpec {
            enabled: Enabled::default(),
            threshold_cases: 20.0,
            hazard_increase_per_case: Param::fixed(0.0),
            averaging_months: 3,
        }
    }
}

/// Where leavers go. Shares must add up to 1.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DestinationShares {
    pub other_council: f64,
    pub agency: f64,
    pub left_profession: f64,
    /// A move within the council out of children's social work (fostering, adoption).
    pub internal_move: f64,
    pub retirement: f64,
}

impl Default for DestinationShares {
    fn default() -> Self {
        DestinationShares { other_council: 1.0, agency: 0.0, left_profession: 0.0, internal_move: 0.0, retirement: 0.0 }
    }
}

/// Every route into post.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutesSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub university: Option<UniversitySpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apprenticeship: Option<PipelineSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_up: Option<PipelineSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontline: Option<PipelineSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overseas: Option<PipelineSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experienced: Option<ExperiencedSpec>,
}

/// The routes whose trainees qualify in post after a programme (a [`PipelineSpec`] each).
pub const PIPELINE_ROUTES: [Route; 4] = [Route::Apprenticeship, Route::StepUp, Route::Frontline, Route::Overseas];

impl RoutesSpec {
    /// Each pipeline route with its section, in [`PIPELINE_ROUTES`] order.
    pub fn pipelines(&self) -> [(Route, Option<&PipelineSpec>); 4] {
        [
            (Route::Apprenticeship, self.apprenticeship.as_ref()),
            (Route::StepUp, self.step_up.as_ref()),
            (Route::Frontline, self.frontline.as_ref()),
            (Route::Overseas, self.overseas.as_ref()),
        ]
    }
}

/// Newly qualified social workers from university courses, recruited once a year.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct UniversitySpec {
    pub enabled: Enabled,
    /// NQSWs wanted each year (headcount), drawn once per replication.
    pub annual_intake: Param<NonNegative>,
    /// Calendar months they join in (9 = September) and the share joining in each.
    pub intake_months: Vec<u32>,
    pub intake_shares: Vec<f64>,
    /// Recruit no more than the vacant posts (councils recruit NQSWs into vacancies).
    pub cap_at_vacancies: bool,
    /// With `cap_at_vacancies`, the share of funded posts the intake leaves vacant: some
    /// posts are always between holders (notice served, a post being advertised), so a
    /// council never fills every one at once: councils' vacancy rates fall below a seventh of
    /// their own level in one year in forty (`wfsim init` sets it so).
    pub frictional_vacancy_rate: f64,
    pub fte: f64,
    /// How each year's intake swings around `annual_intake` (a log multiplier a year):
    /// councils' starters swing by about a third from one year to the next around their own
    /// level, so a planned intake fixed year after year makes starters look too certain.
    pub yearly_variation: Option<YearlyVariation>,
}

impl StreamId {
    pub const UNIVERSITY_ANNUAL_INTAKE: StreamId = StreamId("routes.university.annual_intake");
    pub const UNIVERSITY_YEARLY_VARIATION: StreamId = StreamId("routes.university.yearly_variation");
}

impl Default for UniversitySpec {
    fn default() -> Self {
        UniversitySpec {
            enabled: Enabled::default(),
            annual_intake: Param::fixed(0.0),
            intake_months: vec![9],
            intake_shares: vec![1.0],
            cap_at_vacancies: false,
            frictional_vacancy_rate: 0.0,
            fte: 1.0,
            yearly_variation: None,
        }
    }
}

/// A training pipeline (degree apprenticeship, Step Up, Frontline) or a registration pipeline
/// (overseas qualified): trainees are not in post until they qualify.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineSpec {
    pub enabled: Enabled,
    /// Months from start to qualifying into post.
    pub duration_months: u32,
    /// Share of a cohort that qualifies; the rest drop out evenly over the duration.
    pub completion_rate: Param<Probability>,
    /// Months of post-qualifying experience on joining (0 for newly qualified routes).
    pub prior_experience_months: u32,
    pub fte: f64,
    /// Named cohorts. A cohort that started before the scenario gives its size at the start.
    pub cohorts: Vec<CohortSpec>,
    /// A cohort every `every_months` from `first_start`.
    pub recurring: Option<RecurringSpec>,
}

impl Default for PipelineSpec {
    fn default() -> Self {
        PipelineSpec {
            enabled: Enabled::default(),
            duration_months: 12,
            completion_rate: Param::fixed(1.0),
            prior_experience_months: 0,
            fte: 1.0,
            cohorts: Vec::new(),
            recurring: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CohortSpec {
    pub start: YearMonth,
    /// Trainees (headcount); rounded after drawing.
    pub size: Param<NonNegative>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_rate: Option<Param<Probability>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringSpec {
    pub first_start: YearMonth,
    #[serde(default = "twelve")]
    pub every_months: u32,
    /// Trainees per cohort; drawn once per cohort.
    pub size: Param<NonNegative>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_start: Option<YearMonth>,
}

fn twelve() -> u32 {
    12
}

/// Experienced social workers hired into vacant posts month by month, or at a fixed rate.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExperiencedSpec {
    pub enabled: Enabled,
    /// Chance that a vacant post is filled in a month (1 / mean months to fill).
    pub monthly_fill_prob: Param<Probability>,
    /// Most hires in one month (market supply); none if absent.
    pub max_per_month: Option<u32>,
    /// Hire this many a month whatever the vacancies, instead of filling vacancies.
    pub per_month: Option<Param<NonNegative>>,
    /// Share of hires into managerial or other non-case-holding posts.
    pub manager_share: f64,
    pub part_time_share: f64,
    /// How the fill chance swings from year to year (the market for experienced staff).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly_variation: Option<YearlyVariation>,
    /// How hiring responds to the number of vacancies; absent, in proportion to them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacancy_response: Option<VacancyResponse>,
}

impl StreamId {
    pub const EXPERIENCED_MONTHLY_FILL_PROB: StreamId = StreamId("routes.experienced.monthly_fill_prob");
    pub const EXPERIENCED_PER_MONTH: StreamId = StreamId("routes.experienced.per_month");
    pub const EXPERIENCED_YEARLY_VARIATION: StreamId = StreamId("routes.experienced.yearly_variation");
}

/// Hiring from a limited market: experienced hires respond to vacancies less than in
/// proportion. At the reference vacancy rate each vacant post is filled with
/// `monthly_fill_prob`; elsewhere the expected hires are those at the reference times
/// (vacancy rate / reference) ^ `elasticity`. Elasticity 1 is the plain fixed chance per
/// vacant post, which empties a council's vacancies within a few years; councils' vacancy
/// rates return toward their level far more slowly (DfE panel), as a smaller elasticity does.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VacancyResponse {
    /// Vacancy rate (vacant FTE / funded posts) at which `monthly_fill_prob` applies, a fraction.
    pub reference_vacancy_rate: f64,
    /// Hires per month rise as (vacancy rate / reference) to this power, 0 to 1.
    pub elasticity: f64,
}

impl VacancyResponse {
    /// What multiplies a quantity per vacant post at a vacancy rate: (rate / reference) ^
    /// (elasticity - 1), so that the total, per post times the vacancies, goes as the rate
    /// to the elasticity. 1 with elasticity 1, or when no post is vacant.
    pub fn per_vacancy(&self, vacancy_rate: f64) -> f64 {
        if vacancy_rate > 0.0 && self.elasticity != 1.0 {
            (vacancy_rate / self.reference_vacancy_rate).powf(self.elasticity - 1.0)
        } else {
            1.0
        }
    }
}

impl Default for ExperiencedSpec {
    fn default() -> Self {
        ExperiencedSpec {
            enabled: Enabled::default(),
            monthly_fill_prob: Param::fixed(0.0),
            max_per_month: None,
            per_month: None,
            manager_share: 0.0,
            part_time_share: 0.0,
            yearly_variation: None,
            vacancy_response: None,
        }
    }
}

/// A welcome payment tied to staying: leaving is less likely during the clawback period and
/// more likely just after it ends; it may also draw more recruits.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WelcomePaymentSpec {
    pub enabled: Enabled,
    /// Routes whose starters receive it: "university", "apprenticeship", "step_up",
    /// "frontline", "overseas", "experienced".
    pub routes: Vec<Route>,
    pub clawback_months: u32,
    pub hazard_ratio_during_clawback: Param<NonNegative>,
    pub hazard_ratio_after_clawback: Param<NonNegative>,
    pub months_after_clawback: u32,
    /// Multiplies university intake and the experienced fill probability.
    pub recruitment_multiplier: Param<NonNegative>,
    /// A fixed payment on joining, in pounds ...
    pub amount_gbp: f64,
    /// ... plus this share of the starter's annual salary (0.15: 15% of salary).
    pub salary_share: f64,
    /// What a leaver inside the clawback period repays: all of it, or the share of the
    /// period left.
    pub clawback: Clawback,
}

impl StreamId {
    pub const WELCOME_HAZARD_RATIO_DURING_CLAWBACK: StreamId = StreamId("welcome_payment.hazard_ratio_during_clawback");
    pub const WELCOME_HAZARD_RATIO_AFTER_CLAWBACK: StreamId = StreamId("welcome_payment.hazard_ratio_after_clawback");
    pub const WELCOME_RECRUITMENT_MULTIPLIER: StreamId = StreamId("welcome_payment.recruitment_multiplier");
}

/// How much of a welcome payment a leaver inside the clawback period repays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Clawback {
    #[default]
    Full,
    ProRata,
}

impl Default for WelcomePaymentSpec {
    fn default() -> Self {
        WelcomePaymentSpec {
            enabled: Enabled::default(),
            routes: Vec::new(),
            clawback_months: 0,
            hazard_ratio_during_clawback: Param::fixed(1.0),
            hazard_ratio_after_clawback: Param::fixed(1.0),
            months_after_clawback: 0,
            recruitment_multiplier: Param::fixed(1.0),
            amount_gbp: 0.0,
            salary_share: 0.0,
            clawback: Clawback::Full,
        }
    }
}

/// Agency workers covering vacancies (and, optionally, absence), limited by supply and budget.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgencySpec {
    pub enabled: Enabled,
    /// Agency FTE per FTE of the gap, when supply allows: usually a share below 1, but some
    /// councils use more agency than they have vacancies (projects, cover for sickness).
    pub cover_share: Param<NonNegative>,
    pub cover_absence: bool,
    /// Most agency FTE the budget pays for; unlimited if absent.
    pub max_fte: Option<Param<NonNegative>>,
    /// Dated changes in market supply, multiplying `cover_share` from then on.
    pub supply_changes: Vec<SupplyChange>,
    /// Agency use is sticky: each month it moves this many months' share of the way to the
    /// cover wanted (1 / adjustment_months of the gap). 0: at once.
    pub adjustment_months: u32,
    /// How the cover share swings from year to year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly_variation: Option<YearlyVariation>,
    /// How agency use responds to the vacancy rate: the cover per vacant FTE is `cover_share`
    /// at the reference rate, and agency FTE go as (vacancy rate / reference) ^ elasticity
    /// times the agency FTE at the reference. Absent: in proportion to the vacancies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vacancy_response: Option<VacancyResponse>,
    /// Agency FTE per funded post added to agency use before the yearly swing multiplies it,
    /// and taken away after: with an offset, a council using little agency swings by about
    /// as many FTE as one using more, as councils' returns do (a swing of agency use alone
    /// would keep a low user low). 0: the swing multiplies agency use itself.
    #[serde(skip_serializing_if = "is_zero")]
    pub swing_offset: f64,
}

impl StreamId {
    pub const AGENCY_COVER_SHARE: StreamId = StreamId("agency.cover_share");
    pub const AGENCY_MAX_FTE: StreamId = StreamId("agency.max_fte");
    /// A list: each change's multiplier draws on `StreamId::element` of it.
    pub const AGENCY_SUPPLY_CHANGES: StreamId = StreamId("agency.supply_changes");
    pub const AGENCY_YEARLY_VARIATION: StreamId = StreamId("agency.yearly_variation");
}

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

impl YearlyVariation {
    /// Swings of standard deviation `sd` a year and nothing more: independent from one year
    /// to the next, none of them national, normal, around a known level.
    pub fn independent(sd: f64) -> YearlyVariation {
        YearlyVariation {
            sd,
            persistence: 0.0,
            national_share: 0.0,
            start: None,
            level_sd: 0.0,
            tail: 0.0,
            national_years: 0,
        }
    }
}

fn is_zero_years(years: &u32) -> bool {
    *years == 0
}

impl Default for AgencySpec {
    fn default() -> Self {
        AgencySpec {
            enabled: Enabled::default(),
            cover_share: Param::fixed(1.0),
            cover_absence: false,
            max_fte: None,
            supply_changes: Vec::new(),
            adjustment_months: 0,
            yearly_variation: None,
            vacancy_response: None,
            swing_offset: 0.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SupplyChange {
    pub from: YearMonth,
    pub cover_share_multiplier: Param<NonNegative>,
}

/// Long absences (maternity, long-term sickness, secondment, career break).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AbsenceSpec {
    pub enabled: Enabled,
    pub monthly_start_prob: Param<Probability>,
    /// Durations are geometric with this mean (at least one month).
    pub mean_duration_months: Param<NonNegative>,
}

impl StreamId {
    pub const ABSENCE_MONTHLY_START_PROB: StreamId = StreamId("absence.monthly_start_prob");
    pub const ABSENCE_MEAN_DURATION_MONTHS: StreamId = StreamId("absence.mean_duration_months");
}

impl Default for AbsenceSpec {
    fn default() -> Self {
        AbsenceSpec {
            enabled: Enabled::default(),
            monthly_start_prob: Param::fixed(0.0),
            mean_duration_months: Param::fixed(1.0),
        }
    }
}

/// Open cases: a random walk around a trend.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemandSpec {
    pub enabled: Enabled,
    /// Trend in open cases per year (0.03: +3% a year), drawn once per replication.
    pub annual_growth: Param<GrowthRate>,
    /// Standard deviation of the monthly change in log open cases.
    pub monthly_noise_sd: f64,
    /// How the trend swings from year to year (added to the year's log growth), or with
    /// `level_swings` how the level of open cases swings around the trend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly_variation: Option<YearlyVariation>,
    /// The yearly variation moves the level of open cases around the trend, not its growth:
    /// a year's log growth is the trend's plus this year's swing less last year's (the first
    /// year's less `start`, or 0). Councils' open cases swing around their own level and pull
    /// back (DfE panel: one year's change is negatively correlated with the next), which
    /// swings in growth, adding up year on year, would not do.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub level_swings: bool,
}

impl StreamId {
    pub const DEMAND_ANNUAL_GROWTH: StreamId = StreamId("demand.annual_growth");
    pub const DEMAND_YEARLY_VARIATION: StreamId = StreamId("demand.yearly_variation");
}

impl Default for DemandSpec {
    fn default() -> Self {
        DemandSpec {
            enabled: Enabled::default(),
            annual_growth: Param::fixed(0.0),
            monthly_noise_sd: 0.0,
            yearly_variation: None,
            level_swings: false,
        }
    }
}

/// How many cases a worker can hold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseloadSpec {
    /// Cases a fully effective full-time worker holds.
    pub full_cases_per_fte: f64,
    /// Cases by month since qualifying during the first year (the NQSW ramp-up).
    pub nqsw_ramp_cases: Vec<f64>,
    pub agency_cases_per_fte: f64,
    /// Share of agency FTE holding cases. The DfE counts case holders with agency staff
    /// included and does not split them; across councils the share of all FTE (in post plus
    /// agency) holding cases does not rise with the share that is agency (see `wfsim init`), so
    /// agency staff hold cases about as often as permanent staff do. With 1, every agency
    /// worker holds cases.
    pub agency_case_holding_share: f64,
    /// A cap on cases per case-holding FTE. Each April the establishment grows, if need be,
    /// so that a full establishment could hold open cases within the cap.
    pub cap_cases_per_fte: Option<f64>,
    /// Progression: at the start of each year, the longest-serving case holders (past their
    /// NQSW year) move into non-case-holding posts until the share of FTE in post holding
    /// cases is back at its starting share, as councils' shares hold steady (DfE panel). NQSWs
    /// all hold cases, so without it the share creeps up and caseloads fall.
    pub steady_case_holding_share: bool,
}

impl Default for CaseloadSpec {
    fn default() -> Self {
        CaseloadSpec {
            full_cases_per_fte: 22.0,
            nqsw_ramp_cases: Vec::new(),
            agency_cases_per_fte: 22.0,
            agency_case_holding_share: 1.0,
            cap_cases_per_fte: None,
            steady_case_holding_share: false,
        }
    }
}

/// `enabled = true|false`, true when the section is written but the field is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Enabled(pub bool);

impl Default for Enabled {
    fn default() -> Self {
        Enabled(true)
    }
}

/// The cost model. Amounts are at the prices of the scenario's start; salaries and agency
/// rates rise by the pay award each April.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostsSpec {
    pub enabled: Enabled,
    /// Annual salary per FTE by grade, before on-costs.
    pub salary_gbp: GradeSalaries,
    /// Months after qualifying from which a case holder is paid as a senior practitioner.
    pub senior_after_months: u32,
    /// Employer national insurance and pension, as a share of salary.
    pub oncost_rate: f64,
    /// The pay award each April (0.03: 3%), drawn once per replication.
    pub annual_pay_award: Param<GrowthRate>,
    /// Agency cost per FTE as a premium over a permanent social worker's salary and on-costs
    /// (0.45: 45% more).
    pub agency_premium: Param<NonNegative>,
    /// Recruitment cost per starter (advertising, interviews, checks), by kind of starter.
    pub recruitment_per_hire_gbp: HireCosts,
    /// Cost per trainee per month while in a pipeline (apprentice salary and backfill, Step Up
    /// and Frontline employer costs, overseas registration), by route.
    pub trainee_monthly_gbp: TraineeCosts,
    /// Grant received per NQSW in the ASYE year, a year (pro rata by month).
    pub asye_grant_gbp: f64,
    /// Market supplements a year per FTE by grade (on top of salary, not uprated).
    pub market_supplement_gbp: GradeSalaries,
}

impl StreamId {
    pub const COSTS_ANNUAL_PAY_AWARD: StreamId = StreamId("costs.annual_pay_award");
    pub const COSTS_AGENCY_PREMIUM: StreamId = StreamId("costs.agency_premium");
}

impl Default for CostsSpec {
    fn default() -> Self {
        CostsSpec {
            enabled: Enabled::default(),
            salary_gbp: GradeSalaries::default(),
            senior_after_months: 60,
            oncost_rate: 0.0,
            annual_pay_award: Param::fixed(0.0),
            agency_premium: Param::fixed(0.0),
            recruitment_per_hire_gbp: HireCosts::default(),
            trainee_monthly_gbp: TraineeCosts::default(),
            asye_grant_gbp: 0.0,
            market_supplement_gbp: GradeSalaries::default(),
        }
    }
}

/// Annual salary per FTE by grade.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GradeSalaries {
    /// Newly qualified, in the ASYE year.
    pub nqsw: f64,
    pub social_worker: f64,
    /// Senior or advanced practitioner.
    pub senior: f64,
    /// Managers and other non-case-holding posts.
    pub manager: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HireCosts {
    /// University NQSWs and qualifiers from the pipelines.
    pub newly_qualified: f64,
    /// Experienced and overseas hires.
    pub experienced: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TraineeCosts {
    pub apprenticeship: f64,
    pub step_up: f64,
    pub frontline: f64,
    pub overseas: f64,
}

impl TraineeCosts {
    /// Each pipeline route's monthly cost per trainee, in [`PIPELINE_ROUTES`] order.
    pub fn by_route(&self) -> [(Route, f64); 4] {
        [
            (Route::Apprenticeship, self.apprenticeship),
            (Route::StepUp, self.step_up),
            (Route::Frontline, self.frontline),
            (Route::Overseas, self.overseas),
        ]
    }
}

/// Sections that can be switched off with `enabled = false`: a switched-off section is as if
/// it were not written, neither checked nor simulated.
pub trait Section {
    fn is_enabled(&self) -> bool;
}

macro_rules! sections {
    ($($section:ty),* $(,)?) => {
        $(impl Section for $section {
            fn is_enabled(&self) -> bool {
                self.enabled.0
            }
        })*
    };
}

sections!(
    AbsenceSpec,
    EstablishmentSpec,
    RetentionSpec,
    AllowanceSpec,
    CaseloadPressureSpec,
    UniversitySpec,
    PipelineSpec,
    ExperiencedSpec,
    WelcomePaymentSpec,
    AgencySpec,
    DemandSpec,
    CostsSpec,
);

/// The section, if it is written and switched on.
pub fn active<T: Section>(section: &Option<T>) -> Option<&T> {
    section.as_ref().filter(|section| section.is_enabled())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario with every section, optional field, list and route override that a stream
    /// id can name, so that each id must resolve in its serialised file.
    fn fully_populated() -> ScenarioSpec {
        let variation = Some(YearlyVariation::independent(0.1));
        let bands = vec![Param::fixed(0.1)];
        let mut retention = RetentionSpec {
            allowance: Some(AllowanceSpec::default()),
            caseload_pressure: Some(CaseloadPressureSpec::default()),
            yearly_variation: variation,
            ..RetentionSpec::default()
        };
        retention.annual_leave_prob = RouteTable {
            default: bands.clone(),
            university: Some(bands.clone()),
            apprenticeship: Some(bands.clone()),
            step_up: Some(bands.clone()),
            frontline: Some(bands.clone()),
            overseas: Some(bands.clone()),
            experienced: Some(bands),
        };
        ScenarioSpec {
            establishment: Some(EstablishmentSpec {
                yearly_variation: variation,
                moves_with_staff: variation,
                ..EstablishmentSpec::default()
            }),
            retention: Some(retention),
            routes: RoutesSpec {
                university: Some(UniversitySpec { yearly_variation: variation, ..UniversitySpec::default() }),
                experienced: Some(ExperiencedSpec {
                    per_month: Some(Param::fixed(1.0)),
                    yearly_variation: variation,
                    ..ExperiencedSpec::default()
                }),
                ..RoutesSpec::default()
            },
            welcome_payment: Some(WelcomePaymentSpec::default()),
            agency: Some(AgencySpec {
                max_fte: Some(Param::fixed(10.0)),
                supply_changes: vec![SupplyChange {
                    from: YearMonth::new(2025, 4).expect("a month"),
                    cover_share_multiplier: Param::fixed(0.9),
                }],
                yearly_variation: variation,
                ..AgencySpec::default()
            }),
            absence: Some(AbsenceSpec::default()),
            demand: Some(DemandSpec { yearly_variation: variation, ..DemandSpec::default() }),
            costs: Some(CostsSpec::default()),
            ..ScenarioSpec::default()
        }
    }

    /// The value at a field path such as `routes.experienced.per_month` or
    /// `agency.supply_changes[0]`, if there is one.
    fn resolve<'a>(file: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
        path.split('.').try_fold(file, |value, segment| {
            let mut parts = segment.split('[');
            let mut value = value.get(parts.next()?)?;
            for index in parts {
                value = value.get(index.strip_suffix(']')?.parse::<usize>().ok()?)?;
            }
            Some(value)
        })
    }

    #[test]
    fn stream_ids_are_distinct() {
        for (i, id) in StreamId::ALL.iter().enumerate() {
            assert!(!StreamId::ALL[..i].contains(id), "{} appears twice", id.path());
        }
    }

    #[test]
    fn every_declared_stream_id_is_listed_in_all() {
        // Ids can only be made in this file (the field is private), so reading its
        // declarations back finds one missing from `ALL`.
        let source = include_str!("schema.rs");
        let declared: Vec<&str> = source
            .split("StreamId(\"")
            .skip(1)
            .filter_map(|rest| rest.split_once("\")").map(|(path, _)| path))
            .filter(|path| path.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'))
            .collect();
        for path in &declared {
            assert!(StreamId::ALL.iter().any(|id| id.path() == *path), "{path} is not in StreamId::ALL");
        }
        assert_eq!(declared.len(), StreamId::ALL.len());
    }

    #[test]
    fn every_stream_id_names_a_field_of_the_file() {
        let file = toml::Value::try_from(fully_populated()).expect("a scenario serialises");
        for id in StreamId::ALL {
            assert!(resolve(&file, id.path()).is_some(), "{} names no field", id.path());
        }
        let table = StreamId::RETENTION_ANNUAL_LEAVE_PROB;
        for label in std::iter::once("default").chain(Route::ALL.iter().map(|route| route.name())) {
            let band = table.route_element(label, 0);
            assert!(resolve(&file, &band).is_some(), "{band} names no field");
        }
        let change = StreamId::AGENCY_SUPPLY_CHANGES.element(0);
        assert!(resolve(&file, &change).is_some(), "{change} names no field");
        assert!(resolve(&file, "retention.no_such_field").is_none());
    }
}
