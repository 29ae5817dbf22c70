//! The build stage: a checked scenario becomes the engine's parameters. Dates become month
//! indices (month 0 is the starting position), route tables become arrays, recurring cohorts
//! become a list, and the starting stock is laid out from the aggregate figures. Uncertain
//! parameters stay distributions here; [`RepParams::draw`] draws them once per replication.

use super::Route;
use super::rng::{Key, Process, name_hash};
use super::swings::Variations;
use super::workforce::{Grade, NEVER_FROM, StockTemplate, Worker, build_stock_template};
use crate::calendar::YearMonth;
use crate::scenario::Scenario;
use crate::scenario::param::{Domain, GrowthRate, NonNegative, Param, Probability};
use crate::scenario::schema::{self, DestinationShares, RouteTable, Section, StreamId, VacancyResponse};

/// Everything one replication needs, built once per scenario and shared by all replications.
#[derive(Debug, Clone)]
pub struct Model {
    pub(super) first_date: YearMonth,
    pub(super) stock: StockTemplate,
    pub(super) initial: InitialFigures,
    pub(super) establishment_changes: Vec<(i32, f64)>,
    /// Growth of funded posts a year, applied a twelfth each month (fixed 0 without it).
    pub(super) establishment_growth: Param<GrowthRate>,
    /// The year-to-year swings of the rates that have them.
    pub(super) variations: Variations,
    /// The seed national swings are drawn from; `None`: the run's own seed. A national run
    /// gives every council the master seed here, so that councils share national years.
    pub national_seed: Option<u64>,
    pub(super) retention: Option<RetentionModel>,
    pub(super) university: Option<UniversityModel>,
    pub(super) cohorts: Vec<CohortModel>,
    pub(super) experienced: Option<ExperiencedModel>,
    pub(super) welcome: Option<WelcomeModel>,
    pub(super) agency: Option<AgencyModel>,
    pub(super) absence: Option<AbsenceModel>,
    pub(super) demand: Option<DemandModel>,
    pub(super) caseload: CaseloadModel,
    /// Progression keeps the share of FTE in post holding cases at its start.
    pub(super) steady_case_holding_share: bool,
    pub(super) costs: Option<CostModel>,
    /// Months after qualifying from which a case holder is a senior practitioner.
    pub(super) senior_after_months: i32,
    /// Which grades' posts the allowance reaches (by `Grade::index`; all without an allowance,
    /// when no worker is eligible anyway), copied out of `retention` for the monthly loop.
    pub(super) allowance_grades: [bool; Grade::COUNT],
    pub(super) allowance_all_grades: bool,
}

/// Prices: what each month of the workforce costs (see `CostsSpec`).
#[derive(Debug, Clone)]
pub(super) struct CostModel {
    /// Annual salary and market supplement per FTE, by `Grade::index`.
    pub salary_gbp: [f64; Grade::COUNT],
    pub supplement_gbp: [f64; Grade::COUNT],
    pub oncost_rate: f64,
    pub annual_pay_award: Param<GrowthRate>,
    pub agency_premium: Param<NonNegative>,
    pub hire_newly_qualified_gbp: f64,
    pub hire_experienced_gbp: f64,
    /// Per trainee per month, by `Route::index`.
    pub trainee_monthly_gbp: [f64; Route::COUNT],
    pub asye_grant_gbp: f64,
    /// The retention allowance a year per FTE (0 without an allowance).
    pub allowance_gbp: f64,
    pub welcome: Option<WelcomeCost>,
}

/// What a welcome payment pays and what a leaver repays.
#[derive(Debug, Clone, Copy)]
pub(super) struct WelcomeCost {
    pub amount_gbp: f64,
    pub salary_share: f64,
    pub clawback: schema::Clawback,
    pub clawback_months: u32,
}

impl WelcomeCost {
    /// What a leaver repays of a `paid` welcome payment with `months_left` of the clawback
    /// period still to run.
    pub fn repayment(&self, paid: f64, months_left: i32) -> f64 {
        match self.clawback {
            schema::Clawback::Full => paid,
            schema::Clawback::ProRata if self.clawback_months > 0 => {
                paid * f64::from(months_left.max(0)) / f64::from(self.clawback_months)
            }
            schema::Clawback::ProRata => 0.0,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct InitialFigures {
    pub establishment_fte: f64,
    pub agency_fte: f64,
    pub open_cases: f64,
    pub leavers_fte_per_month: f64,
    pub part_time_fte: f64,
    pub experienced_prior_months: u32,
}

#[derive(Debug, Clone)]
pub(super) struct RetentionModel {
    pub band_edges_months: Vec<u32>,
    /// Per route, per band: the annual leaving probability, with the parameter name its
    /// stream is keyed by (routes sharing the default table share its draws).
    pub annual_leave_prob: Vec<Vec<(String, Param<Probability>)>>,
    pub hazard_scale: Param<NonNegative>,
    pub allowance: Option<AllowanceModel>,
    pub pressure: Option<PressureModel>,
    /// Per route: cumulative destination shares, in `Destination::ALL` order.
    pub destination_cdf: [[f64; 5]; Route::COUNT],
}

#[derive(Debug, Clone)]
pub(super) struct AllowanceModel {
    pub eligible_share: f64,
    pub min_service_months: u32,
    pub hazard_ratio: Param<NonNegative>,
    /// By `Grade::index`: may this grade's posts be eligible.
    pub eligible_grades: [bool; Grade::COUNT],
}

#[derive(Debug, Clone)]
pub(super) struct PressureModel {
    pub threshold_cases: f64,
    pub hazard_increase_per_case: Param<NonNegative>,
    pub averaging_months: usize,
}

#[derive(Debug, Clone)]
pub(super) struct UniversityModel {
    pub annual_intake: Param<NonNegative>,
    /// (calendar month, share of the year's intake).
    pub intake: Vec<(u32, f64)>,
    pub cap_at_vacancies: bool,
    /// Share of funded posts the capped intake leaves vacant.
    pub frictional_vacancy_rate: f64,
    pub fte: f64,
}

/// One trainee cohort of a pipeline route.
#[derive(Debug, Clone)]
pub(super) struct CohortModel {
    pub route: Route,
    /// Month index of the start (0 or less: already training at the start).
    pub start: i32,
    pub duration_months: u32,
    pub size: Param<NonNegative>,
    pub completion_rate: Param<Probability>,
    pub prior_experience_months: u32,
    pub fte: f64,
    /// Distinguishes cohorts of one route starting in the same month.
    pub ordinal: u32,
}

#[derive(Debug, Clone)]
pub(super) struct ExperiencedModel {
    pub monthly_fill_prob: Param<Probability>,
    pub max_per_month: Option<u32>,
    pub per_month: Option<Param<NonNegative>>,
    pub manager_share: f64,
    pub part_time_share: f64,
    pub vacancy_response: Option<VacancyResponse>,
}

impl ExperiencedModel {
    /// What multiplies the fill chance at a vacancy rate (see `VacancyResponse::per_vacancy`).
    pub fn fill_response(&self, vacancy_rate: f64) -> f64 {
        self.vacancy_response.map_or(1.0, |response| response.per_vacancy(vacancy_rate))
    }
}

#[derive(Debug, Clone)]
pub(super) struct WelcomeModel {
    pub routes: [bool; Route::COUNT],
    pub clawback_months: u32,
    pub hazard_ratio_during: Param<NonNegative>,
    pub hazard_ratio_after: Param<NonNegative>,
    pub months_after: u32,
    pub recruitment_multiplier: Param<NonNegative>,
}

#[derive(Debug, Clone)]
pub(super) struct AgencyModel {
    pub cover_share: Param<NonNegative>,
    pub cover_absence: bool,
    pub max_fte: Option<Param<NonNegative>>,
    pub supply_changes: Vec<(i32, Param<NonNegative>)>,
    /// Months over which agency use closes the gap to the cover wanted (0: at once).
    pub adjustment_months: u32,
    /// How the cover per vacant FTE responds to the vacancy rate; absent, it does not.
    pub vacancy_response: Option<VacancyResponse>,
    /// Agency FTE per funded post added before the yearly swing multiplies, and taken after.
    pub swing_offset: f64,
}

#[derive(Debug, Clone)]
pub(super) struct AbsenceModel {
    pub monthly_start_prob: Param<Probability>,
    pub mean_duration_months: Param<NonNegative>,
}

#[derive(Debug, Clone)]
pub(super) struct DemandModel {
    pub annual_growth: Param<GrowthRate>,
    pub monthly_noise_sd: f64,
}

#[derive(Debug, Clone)]
pub(super) struct CaseloadModel {
    /// Cases one FTE can hold by months since qualifying: the NQSW ramp, then one last entry
    /// for everyone further on (the full caseload), each within any cap. Never empty.
    pub capacity_by_months_qualified: Vec<f64>,
    /// Months since qualifying at which the cases one FTE can hold change.
    pub capacity_steps_months: Vec<i32>,
    pub agency_cases_per_fte: f64,
    /// Share of agency FTE holding cases.
    pub agency_case_holding_share: f64,
    pub cap_cases_per_fte: Option<f64>,
}

impl CaseloadModel {
    pub fn new(spec: &schema::CaseloadSpec) -> CaseloadModel {
        let cap = spec.cap_cases_per_fte;
        let within_cap = |cases: f64| cap.map_or(cases, |cap| cases.min(cap));
        let capacity_by_months_qualified: Vec<f64> =
            spec.nqsw_ramp_cases.iter().chain([&spec.full_cases_per_fte]).map(|&cases| within_cap(cases)).collect();
        let capacity_steps_months = (1..capacity_by_months_qualified.len())
            .filter(|&k| capacity_by_months_qualified[k] != capacity_by_months_qualified[k - 1])
            .map(|k| k as i32)
            .collect();
        CaseloadModel {
            capacity_by_months_qualified,
            capacity_steps_months,
            agency_cases_per_fte: spec.agency_cases_per_fte,
            agency_case_holding_share: spec.agency_case_holding_share,
            cap_cases_per_fte: cap,
        }
    }

    /// Cases one FTE can hold `months_qualified` months after qualifying (the full caseload
    /// for a negative count: experience gained before qualifying as a social worker).
    #[inline]
    pub fn capacity_per_fte(&self, months_qualified: i32) -> f64 {
        let table = &self.capacity_by_months_qualified;
        let last = table.len() - 1;
        // A negative count wraps to a huge index, and so to the last entry.
        table[(months_qualified as u32 as usize).min(last)]
    }
}

impl Model {
    /// Builds the model of a checked scenario. Infallible: the check stage has ruled out
    /// everything that would stop it.
    /// Builds the model from a checked scenario, section by section: each section that is
    /// written and switched on ([`schema::active`]) becomes its part of the model.
    pub fn build(scenario: &Scenario) -> Model {
        let spec = &scenario.spec;
        let first_date = scenario.start.plus(-1);
        let month_index = |date: YearMonth| date.months_since(first_date);

        let retention_spec = schema::active(&spec.retention);
        let establishment_spec = schema::active(&spec.establishment);
        let experienced_spec = schema::active(&spec.routes.experienced);
        let welcome_spec = schema::active(&spec.welcome_payment);
        let agency_spec = schema::active(&spec.agency);
        let demand_spec = schema::active(&spec.demand);
        let costs_spec = schema::active(&spec.costs);

        let default_edges = schema::RetentionSpec::default().band_edges_months;
        let band_edges = retention_spec.map_or(default_edges, |r| r.band_edges_months.clone());
        let stock = build_stock_template(&spec.initial, spec.caseload.agency_case_holding_share, &band_edges);
        let initial = InitialFigures::from(&spec.initial);

        let establishment_changes = establishment_spec
            .map(|e| e.changes.iter().map(|c| (month_index(c.from), c.change_fte)).collect())
            .unwrap_or_default();
        let establishment_growth = establishment_spec.map_or(Param::fixed(0.0), |e| e.annual_growth);
        let retention = retention_spec.map(RetentionModel::from);
        let university = schema::active(&spec.routes.university).map(UniversityModel::from);
        let mut cohorts = Vec::new();
        for (route, pipeline) in spec.routes.pipelines() {
            if let Some(pipeline) = pipeline.filter(|p| p.is_enabled()) {
                cohorts.extend(pipeline_cohorts(route, pipeline, first_date));
            }
        }
        // One queue for all routes, in start order (stable: routes keep their order in a month).
        cohorts.sort_by_key(|c| c.start);
        let experienced = experienced_spec.map(ExperiencedModel::from);
        let welcome = welcome_spec.map(WelcomeModel::from);
        let agency = agency_spec.map(|a| AgencyModel::new(a, month_index));
        let absence = schema::active(&spec.absence).map(|a| AbsenceModel {
            monthly_start_prob: a.monthly_start_prob,
            mean_duration_months: a.mean_duration_months,
        });
        let demand =
            demand_spec.map(|d| DemandModel { annual_growth: d.annual_growth, monthly_noise_sd: d.monthly_noise_sd });
        let caseload = CaseloadModel::new(&spec.caseload);
        let allowance_gbp = retention_spec.and_then(|r| schema::active(&r.allowance)).map_or(0.0, |a| a.amount_gbp);
        let costs = costs_spec.map(|c| CostModel::new(c, allowance_gbp, welcome_spec));
        let senior_after_months = costs_spec.map_or(60, |c| c.senior_after_months) as i32;

        let variations = Variations {
            leaving: retention_spec.and_then(|r| r.yearly_variation),
            fill: experienced_spec.and_then(|e| e.yearly_variation),
            intake: schema::active(&spec.routes.university).and_then(|u| u.yearly_variation),
            establishment: establishment_spec.and_then(|e| e.yearly_variation),
            moves: establishment_spec.and_then(|e| e.moves_with_staff),
            establishment_with: establishment_spec.and_then(|e| e.growth_with_swings).unwrap_or_default(),
            agency: agency_spec.and_then(|a| a.yearly_variation),
            demand: demand_spec.and_then(|d| d.yearly_variation),
            demand_in_level: spec.demand.as_ref().is_some_and(|d| d.level_swings),
        };
        let allowance_grades =
            retention.as_ref().and_then(|r| r.allowance.as_ref()).map_or([true; Grade::COUNT], |a| a.eligible_grades);
        Model {
            allowance_grades,
            allowance_all_grades: allowance_grades.iter().all(|&eligible| eligible),
            first_date,
            stock,
            initial,
            establishment_changes,
            establishment_growth,
            variations,
            national_seed: None,
            retention,
            university,
            cohorts,
            experienced,
            welcome,
            agency,
            absence,
            demand,
            caseload,
            steady_case_holding_share: spec.caseload.steady_case_holding_share,
            costs,
            senior_after_months,
        }
    }

    /// Whether a worker's post is paid the retention allowance (and gets its effect), given
    /// months with the council and grade.
    #[inline]
    /// `grade` is asked for only when it matters.
    pub(super) fn allowance_applies(&self, worker: &Worker, month: i32, grade: impl FnOnce() -> Grade) -> bool {
        month >= worker.allowance_from && (self.allowance_all_grades || self.allowance_grades[grade().index()])
    }

    /// The month from which a worker joining in `joined` is paid the allowance, given whether
    /// the post is eligible (see `Worker::allowance_from`).
    pub(super) fn allowance_from(&self, eligible: bool, joined: i32) -> i32 {
        match self.retention.as_ref().and_then(|r| r.allowance.as_ref()) {
            Some(allowance) if eligible => joined.saturating_add(allowance.min_service_months as i32),
            _ => NEVER_FROM,
        }
    }

    /// The date of month 0, the starting position.
    pub fn first_date(&self) -> YearMonth {
        self.first_date
    }

    /// Permanent workers in the starting stock (the same in every replication).
    pub fn starting_headcount(&self) -> usize {
        self.stock.workers.len()
    }
}

impl From<&schema::InitialSpec> for InitialFigures {
    fn from(initial: &schema::InitialSpec) -> InitialFigures {
        InitialFigures {
            establishment_fte: initial.fte_in_post / (1.0 - initial.vacancy_rate),
            agency_fte: initial.agency_fte,
            open_cases: initial.open_cases,
            leavers_fte_per_month: initial.leavers_fte_last_12_months / 12.0,
            part_time_fte: initial.part_time_fte,
            experienced_prior_months: initial.experienced_prior_months,
        }
    }
}

impl From<&schema::RetentionSpec> for RetentionModel {
    fn from(r: &schema::RetentionSpec) -> RetentionModel {
        RetentionModel {
            band_edges_months: r.band_edges_months.clone(),
            annual_leave_prob: route_tables(&r.annual_leave_prob),
            hazard_scale: r.hazard_scale,
            allowance: schema::active(&r.allowance).map(|a| AllowanceModel {
                eligible_share: a.eligible_share,
                min_service_months: a.min_service_months,
                hazard_ratio: a.hazard_ratio,
                eligible_grades: if a.eligible_grades.is_empty() {
                    [true; Grade::COUNT]
                } else {
                    let mut grades = [false; Grade::COUNT];
                    for &name in &a.eligible_grades {
                        grades[Grade::from(name).index()] = true;
                    }
                    grades
                },
            }),
            pressure: schema::active(&r.caseload_pressure).map(|p| PressureModel {
                threshold_cases: p.threshold_cases,
                hazard_increase_per_case: p.hazard_increase_per_case,
                averaging_months: p.averaging_months.max(1) as usize,
            }),
            destination_cdf: destination_cdfs(&r.destinations),
        }
    }
}

impl From<&schema::UniversitySpec> for UniversityModel {
    fn from(u: &schema::UniversitySpec) -> UniversityModel {
        UniversityModel {
            annual_intake: u.annual_intake,
            intake: u.intake_months.iter().copied().zip(u.intake_shares.iter().copied()).collect(),
            cap_at_vacancies: u.cap_at_vacancies,
            frictional_vacancy_rate: u.frictional_vacancy_rate,
            fte: u.fte,
        }
    }
}

impl From<&schema::ExperiencedSpec> for ExperiencedModel {
    fn from(e: &schema::ExperiencedSpec) -> ExperiencedModel {
        ExperiencedModel {
            monthly_fill_prob: e.monthly_fill_prob,
            max_per_month: e.max_per_month,
            per_month: e.per_month,
            manager_share: e.manager_share,
            part_time_share: e.part_time_share,
            vacancy_response: e.vacancy_response,
        }
    }
}

impl From<&schema::WelcomePaymentSpec> for WelcomeModel {
    fn from(w: &schema::WelcomePaymentSpec) -> WelcomeModel {
        let mut routes = [false; Route::COUNT];
        for route in &w.routes {
            routes[route.index()] = true;
        }
        WelcomeModel {
            routes,
            clawback_months: w.clawback_months,
            hazard_ratio_during: w.hazard_ratio_during_clawback,
            hazard_ratio_after: w.hazard_ratio_after_clawback,
            months_after: w.months_after_clawback,
            recruitment_multiplier: w.recruitment_multiplier,
        }
    }
}

impl AgencyModel {
    /// `month_index` places a dated supply change among the simulated months.
    fn new(a: &schema::AgencySpec, month_index: impl Fn(YearMonth) -> i32) -> AgencyModel {
        AgencyModel {
            cover_share: a.cover_share,
            cover_absence: a.cover_absence,
            max_fte: a.max_fte,
            supply_changes: a.supply_changes.iter().map(|c| (month_index(c.from), c.cover_share_multiplier)).collect(),
            adjustment_months: a.adjustment_months,
            vacancy_response: a.vacancy_response,
            swing_offset: a.swing_offset,
        }
    }
}

impl CostModel {
    /// The costs, with the allowance paid (0 without one) and the welcome payment, if any.
    fn new(c: &schema::CostsSpec, allowance_gbp: f64, welcome: Option<&schema::WelcomePaymentSpec>) -> CostModel {
        let grades = |g: &schema::GradeSalaries| [g.nqsw, g.social_worker, g.senior, g.manager];
        let mut trainee_monthly_gbp = [0.0; Route::COUNT];
        for (route, cost) in c.trainee_monthly_gbp.by_route() {
            trainee_monthly_gbp[route.index()] = cost;
        }
        CostModel {
            salary_gbp: grades(&c.salary_gbp),
            supplement_gbp: grades(&c.market_supplement_gbp),
            oncost_rate: c.oncost_rate,
            annual_pay_award: c.annual_pay_award,
            agency_premium: c.agency_premium,
            hire_newly_qualified_gbp: c.recruitment_per_hire_gbp.newly_qualified,
            hire_experienced_gbp: c.recruitment_per_hire_gbp.experienced,
            trainee_monthly_gbp,
            asye_grant_gbp: c.asye_grant_gbp,
            allowance_gbp,
            welcome: welcome.map(|w| WelcomeCost {
                amount_gbp: w.amount_gbp,
                salary_share: w.salary_share,
                clawback: w.clawback,
                clawback_months: w.clawback_months,
            }),
        }
    }
}

/// Each route's leaving table, falling back to the default; parameter names follow the file
/// so that the same table gets the same draws in every scenario.
fn route_tables(table: &RouteTable<Vec<Param<Probability>>>) -> Vec<Vec<(String, Param<Probability>)>> {
    Route::ALL
        .iter()
        .map(|route| {
            let (label, probs) = match table.override_for(*route) {
                Some(probs) => (route.name(), probs),
                None => ("default", &table.default),
            };
            probs
                .iter()
                .enumerate()
                .map(|(band, p)| (StreamId::RETENTION_ANNUAL_LEAVE_PROB.route_element(label, band), *p))
                .collect()
        })
        .collect()
}

fn destination_cdfs(table: &RouteTable<DestinationShares>) -> [[f64; 5]; Route::COUNT] {
    Route::ALL.map(|route| {
        let shares = table.for_route(route);
        let ordered =
            [shares.other_council, shares.agency, shares.left_profession, shares.internal_move, shares.retirement];
        let mut cumulative = [0.0; 5];
        let mut total = 0.0;
        for (slot, share) in cumulative.iter_mut().zip(ordered) {
            total += share;
            *slot = total;
        }
        cumulative[4] = f64::INFINITY; // rounding never leaves a leaver without a destination
        cumulative
    })
}

/// Named and recurring cohorts of one pipeline route, as month indices.
fn pipeline_cohorts(route: Route, pipeline: &schema::PipelineSpec, first_date: YearMonth) -> Vec<CohortModel> {
    let cohort =
        |start: YearMonth, size: Param<NonNegative>, duration: Option<u32>, completion: Option<Param<Probability>>| {
            CohortModel {
                route,
                start: start.months_since(first_date),
                duration_months: duration.unwrap_or(pipeline.duration_months).max(1),
                size,
                completion_rate: completion.unwrap_or(pipeline.completion_rate),
                prior_experience_months: pipeline.prior_experience_months,
                fte: pipeline.fte,
                ordinal: 0,
            }
        };
    let mut cohorts: Vec<CohortModel> =
        pipeline.cohorts.iter().map(|c| cohort(c.start, c.size, c.duration_months, c.completion_rate)).collect();
    if let Some(recurring) = &pipeline.recurring {
        // Expanded up to the longest horizon a run may have.
        let last = recurring.last_start.unwrap_or(first_date.plus(MAX_MONTHS as i32));
        let mut start = recurring.first_start;
        while start <= last {
            cohorts.push(cohort(start, recurring.size, None, None));
            start = start.plus(recurring.every_months.max(1) as i32);
        }
    }
    cohorts.sort_by_key(|c| c.start);
    for i in 1..cohorts.len() {
        if cohorts[i].start == cohorts[i - 1].start {
            cohorts[i].ordinal = cohorts[i - 1].ordinal + 1;
        }
    }
    cohorts
}

/// The longest run the engine supports (100 years).
pub use crate::limits::MAX_MONTHS;

/// The parameters of one replication, drawn from the model's distributions.
#[derive(Debug, Clone)]
pub(super) struct RepParams {
    /// The monthly leaving rate (hazard) of each route by months with the council, scale
    /// included: `leaving_rate_stride` entries per route in `Route::index` order, the last of
    /// them for any longer tenure. A flat lookup by tenure spares working out a standing a
    /// search through the band edges. Empty without retention.
    pub leaving_rate_by_tenure: Vec<f64>,
    pub leaving_rate_stride: usize,
    pub allowance_hazard_ratio: f64,
    pub pressure_increase_per_case: f64,
    pub welcome_ratio_during: f64,
    pub welcome_ratio_after: f64,
    /// University NQSWs wanted a year before the year's swing (`Swings::intake_multiplier`).
    pub university_annual_intake: f64,
    pub experienced_fill_prob: f64,
    pub experienced_per_month: Option<f64>,
    pub agency_cover_share: f64,
    pub agency_max_fte: f64,
    pub agency_supply_changes: Vec<(i32, f64)>,
    /// The monthly chance that a long absence starts (0 with absence switched off).
    pub absence_start_prob: f64,
    pub absence_mean_months: f64,
    pub demand_monthly_log_growth: f64,
    pub establishment_monthly_log_growth: f64,
    pub annual_pay_award: f64,
    pub agency_premium: f64,
}

impl RepParams {
    pub fn draw(model: &Model, rep: Key) -> RepParams {
        let stream = rep.process(Process::Parameters);
        // Keyed by name so that a parameter's draws do not depend on which others are drawn.
        let draw_named = |name: &str, param: &dyn Drawable| param.draw_with(stream.child(name_hash(name)));
        let draw = |id: StreamId, param: &dyn Drawable| draw_named(id.path(), param);

        let (leaving_rate_by_tenure, leaving_rate_stride) = match &model.retention {
            Some(retention) => {
                let scale = draw(StreamId::RETENTION_HAZARD_SCALE, &retention.hazard_scale);
                let edges = &retention.band_edges_months;
                let longest = edges.last().copied().unwrap_or(0);
                let mut table = Vec::new();
                for bands in &retention.annual_leave_prob {
                    let rates: Vec<f64> =
                        bands.iter().map(|(name, p)| monthly_rate_from_annual(draw_named(name, p)) * scale).collect();
                    table.extend(
                        (0..=longest).map(|tenure| rates[edges.iter().take_while(|&&edge| tenure >= edge).count()]),
                    );
                }
                (table, longest as usize + 1)
            }
            None => (Vec::new(), 1),
        };
        let retention = model.retention.as_ref();
        let allowance = retention.and_then(|r| r.allowance.as_ref());
        let pressure = retention.and_then(|r| r.pressure.as_ref());
        let welcome = model.welcome.as_ref();
        let recruitment_multiplier =
            welcome.map_or(1.0, |w| draw(StreamId::WELCOME_RECRUITMENT_MULTIPLIER, &w.recruitment_multiplier));

        let university_annual_intake = model
            .university
            .as_ref()
            .map_or(0.0, |u| draw(StreamId::UNIVERSITY_ANNUAL_INTAKE, &u.annual_intake) * recruitment_multiplier);
        let experienced = model.experienced.as_ref();
        let agency = model.agency.as_ref();
        let absence = model.absence.as_ref();

        RepParams {
            leaving_rate_by_tenure,
            leaving_rate_stride,
            allowance_hazard_ratio: allowance.map_or(1.0, |a| draw(StreamId::ALLOWANCE_HAZARD_RATIO, &a.hazard_ratio)),
            pressure_increase_per_case: pressure
                .map_or(0.0, |p| draw(StreamId::PRESSURE_HAZARD_INCREASE_PER_CASE, &p.hazard_increase_per_case)),
            welcome_ratio_during: welcome
                .map_or(1.0, |w| draw(StreamId::WELCOME_HAZARD_RATIO_DURING_CLAWBACK, &w.hazard_ratio_during)),
            welcome_ratio_after: welcome
                .map_or(1.0, |w| draw(StreamId::WELCOME_HAZARD_RATIO_AFTER_CLAWBACK, &w.hazard_ratio_after)),
            university_annual_intake,
            experienced_fill_prob: experienced.map_or(0.0, |e| {
                (draw(StreamId::EXPERIENCED_MONTHLY_FILL_PROB, &e.monthly_fill_prob) * recruitment_multiplier).min(1.0)
            }),
            experienced_per_month: experienced
                .and_then(|e| e.per_month.as_ref())
                .map(|p| draw(StreamId::EXPERIENCED_PER_MONTH, p)),
            agency_cover_share: agency.map_or(0.0, |a| draw(StreamId::AGENCY_COVER_SHARE, &a.cover_share)),
            agency_max_fte: agency
                .and_then(|a| a.max_fte.as_ref())
                .map_or(f64::INFINITY, |m| draw(StreamId::AGENCY_MAX_FTE, m)),
            agency_supply_changes: agency.map_or_else(Vec::new, |a| {
                a.supply_changes
                    .iter()
                    .enumerate()
                    .map(|(i, (month, p))| (*month, draw_named(&StreamId::AGENCY_SUPPLY_CHANGES.element(i), p)))
                    .collect()
            }),
            absence_start_prob: absence
                .map_or(0.0, |a| draw(StreamId::ABSENCE_MONTHLY_START_PROB, &a.monthly_start_prob)),
            absence_mean_months: absence
                .map_or(1.0, |a| draw(StreamId::ABSENCE_MEAN_DURATION_MONTHS, &a.mean_duration_months).max(1.0)),
            demand_monthly_log_growth: model
                .demand
                .as_ref()
                .map_or(0.0, |d| (1.0 + draw(StreamId::DEMAND_ANNUAL_GROWTH, &d.annual_growth)).max(1e-9).ln() / 12.0),
            establishment_monthly_log_growth: (1.0
                + draw(StreamId::ESTABLISHMENT_ANNUAL_GROWTH, &model.establishment_growth))
            .max(1e-9)
            .ln()
                / 12.0,
            annual_pay_award: model
                .costs
                .as_ref()
                .map_or(0.0, |c| draw(StreamId::COSTS_ANNUAL_PAY_AWARD, &c.annual_pay_award)),
            agency_premium: model
                .costs
                .as_ref()
                .map_or(0.0, |c| draw(StreamId::COSTS_AGENCY_PREMIUM, &c.agency_premium)),
        }
    }
}

/// A parameter that can be drawn from a stream, whatever its domain.
pub(super) trait Drawable {
    fn draw_with(&self, key: Key) -> f64;
}

impl<D: Domain> Drawable for Param<D> {
    fn draw_with(&self, key: Key) -> f64 {
        self.sample(&mut key.generator())
    }
}

/// The monthly leaving rate (hazard) with the same chance of leaving over a year:
/// -ln(1 - p) / 12. A month at this rate is left with probability 1 - (1 - p)^(1/12), the
/// monthly probability of MODEL.md; modifiers multiply the rate (proportional hazards).
pub fn monthly_rate_from_annual(annual_prob: f64) -> f64 {
    -(-annual_prob).ln_1p() / 12.0
}

/// Splits `total` into whole parts in proportion to `shares` (largest remainder, ties to the
/// earlier part), so that the parts add up to `total` exactly.
pub fn split_by_shares(total: u32, shares: impl Iterator<Item = f64> + Clone) -> Vec<u32> {
    let sum: f64 = shares.clone().sum();
    if sum <= 0.0 {
        return shares.map(|_| 0).collect();
    }
    let exact: Vec<f64> = shares.map(|s| total as f64 * s / sum).collect();
    let mut parts: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut left = total.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for index in order {
        if left == 0 {
            break;
        }
        parts[index] += 1;
        left -= 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_rate_compounds_back_to_the_annual_probability() {
        for annual in [0.0, 0.05, 0.2, 0.5, 0.99] {
            let rate = monthly_rate_from_annual(annual);
            let monthly_prob = 1.0 - (-rate).exp();
            assert!((monthly_prob - (1.0 - (1.0 - annual).powf(1.0 / 12.0))).abs() < 1e-12);
            assert!((1.0 - (1.0 - monthly_prob).powi(12) - annual).abs() < 1e-12);
        }
        assert_eq!(monthly_rate_from_annual(1.0), f64::INFINITY, "certain to leave within the month");
    }

    #[test]
    fn shares_split_into_whole_parts_that_add_up() {
        assert_eq!(split_by_shares(10, [0.75, 0.25].into_iter()), vec![8, 2]);
        assert_eq!(split_by_shares(3, [1.0, 1.0, 1.0].into_iter()), vec![1, 1, 1]);
        assert_eq!(split_by_shares(2, [1.0, 1.0, 1.0].into_iter()), vec![1, 1, 0]);
        assert_eq!(split_by_shares(7, [0.0, 0.0].into_iter()), vec![0, 0]);
        assert_eq!(split_by_shares(378, [0.5, 0.3, 0.2].into_iter()).iter().sum::<u32>(), 378);
    }
}
