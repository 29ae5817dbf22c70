//! What the engine records each month. The names are part of the output contract
//! (`timeseries.csv`, `annual.csv`): later tools and users read them.

/// How a metric turns into a DfE-style annual figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A stock or a rate of stocks: the annual figure is the value at 30 September.
    Stock,
    /// A flow within the month: the annual figure is the sum over the 12 months to 30
    /// September (only for years whose 12 months were all simulated).
    Flow,
}

/// What a metric's values count, so that readers show them right (a fraction as a
/// percentage and its differences in percentage points, money in pounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A fraction in [0, 1]: a rate or a share.
    Fraction,
    /// Full-time equivalents.
    Fte,
    /// People (headcount).
    People,
    /// Open cases.
    Cases,
    /// Open cases per case-holding FTE.
    CasesPerFte,
    /// Pounds.
    Gbp,
    Years,
}

macro_rules! metrics {
    ($($variant:ident => $name:literal, $kind:ident, $unit:ident, $doc:literal;)*) => {
        /// One recorded quantity. Result files write it by its name (`vacancy_rate`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(into = "&'static str", try_from = "String")]
        #[repr(usize)]
        pub enum Metric { $(#[doc = $doc] $variant,)* }

        impl Metric {
            /// Every metric, in recording (and output) order.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant,)*];

            /// The name in output files.
            pub fn name(self) -> &'static str {
                match self { $(Metric::$variant => $name,)* }
            }

            pub fn kind(self) -> Kind {
                match self { $(Metric::$variant => Kind::$kind,)* }
            }

            /// What the metric's values count.
            pub fn unit(self) -> Unit {
                match self { $(Metric::$variant => Unit::$unit,)* }
            }

            /// One line on what the metric means, for the manifest and reports.
            pub fn description(self) -> &'static str {
                match self { $(Metric::$variant => $doc,)* }
            }
        }
    };
}

metrics! {
    FteInPost => "fte_in_post", Stock, Fte, "FTE of permanent social workers in post (absent workers included), end of month.";
    Headcount => "headcount", Stock, People, "Permanent social workers in post (headcount), end of month.";
    EstablishmentFte => "establishment_fte", Stock, Fte, "Funded FTE posts.";
    VacancyFte => "vacancy_fte", Stock, Fte, "max(0, establishment FTE - FTE in post).";
    VacancyRate => "vacancy_rate", Stock, Fraction, "Vacancy FTE / (vacancy FTE + FTE in post), a fraction.";
    AgencyFte => "agency_fte", Stock, Fte, "Agency FTE covering vacancies (and absence, if the scenario says so).";
    AgencyRate => "agency_rate", Stock, Fraction, "Agency FTE / (agency FTE + FTE in post), a fraction.";
    StartersFte => "starters_fte", Flow, Fte, "FTE joining in the month (all routes); 0 at month 0, which is a position, not a month.";
    LeaversFte => "leavers_fte", Flow, Fte, "FTE leaving in the month; 0 at month 0. The 12-month rates use the year before the start.";
    MovedFte => "moved_fte", Flow, Fte, "FTE moving in with their posts (negative: out) in the month, neither starters nor leavers (`establishment.moves_with_staff`).";
    TurnoverRate => "turnover_rate", Stock, Fraction, "Leavers FTE over the last 12 months / FTE in post, a fraction.";
    AvgCaseload => "avg_caseload", Stock, CasesPerFte, "Open cases / case-holding FTE (agency included), the DfE caseload.";
    CaseShortfall => "case_shortfall", Stock, Cases, "Open cases beyond the case-holding capacity (unallocated or over-allocated).";
    AbsenceRate => "absence_rate", Stock, Fraction, "FTE on long absence / FTE in post, a fraction.";
    NqswShare => "nqsw_share", Stock, Fraction, "Share of FTE in post within 12 months of qualifying (in the ASYE year; managers excepted), a fraction.";
    Trainees => "trainees", Stock, People, "Trainees in all pipelines (headcount), not yet in post.";
    OpenCases => "open_cases", Stock, Cases, "Open cases (demand).";
    CaseHoldingFte => "case_holding_fte", Stock, Fte, "FTE holding cases: present permanent case holders plus agency holding cases.";
    CaseCapacity => "case_capacity", Stock, Cases, "Cases the case holders can hold, after the NQSW ramp-up and any cap.";
    AbsentFte => "absent_fte", Stock, Fte, "FTE on long absence.";
    MeanTenureYears => "mean_tenure_years", Stock, Years, "Mean years with the council of workers in post (headcount).";
    AttritionRate => "attrition_rate", Stock, Fraction, "Leavers FTE over the last 12 months who left the profession or retired / FTE in post.";
    StartersUniversityFte => "starters_university_fte", Flow, Fte, "FTE joining from university courses.";
    StartersApprenticeshipFte => "starters_apprenticeship_fte", Flow, Fte, "FTE qualifying from the degree apprenticeship.";
    StartersStepUpFte => "starters_step_up_fte", Flow, Fte, "FTE qualifying from Step Up to Social Work.";
    StartersFrontlineFte => "starters_frontline_fte", Flow, Fte, "FTE qualifying from Frontline.";
    StartersOverseasFte => "starters_overseas_fte", Flow, Fte, "FTE joining from the overseas programme.";
    StartersExperiencedFte => "starters_experienced_fte", Flow, Fte, "FTE of experienced hires.";
    LeaversOtherCouncilFte => "leavers_other_council_fte", Flow, Fte, "FTE leaving for another council.";
    LeaversAgencyFte => "leavers_agency_fte", Flow, Fte, "FTE leaving for agency work.";
    LeaversLeftProfessionFte => "leavers_left_profession_fte", Flow, Fte, "FTE leaving social work.";
    LeaversInternalMoveFte => "leavers_internal_move_fte", Flow, Fte, "FTE moving within the council out of children's social work.";
    LeaversRetirementFte => "leavers_retirement_fte", Flow, Fte, "FTE retiring.";
    TraineesApprenticeship => "trainees_apprenticeship", Stock, People, "Degree apprentices in training.";
    TraineesStepUp => "trainees_step_up", Stock, People, "Step Up trainees in training.";
    TraineesFrontline => "trainees_frontline", Stock, People, "Frontline trainees in their bursary year.";
    TraineesOverseas => "trainees_overseas", Stock, People, "Overseas social workers awaiting registration.";
    CostTotalGbp => "cost_total_gbp", Flow, Gbp, "Cost in the month, pounds: all the costs below less grant income.";
    CostSalaryGbp => "cost_salary_gbp", Flow, Gbp, "Salaries of permanent workers with on-costs, after pay awards.";
    CostSupplementGbp => "cost_supplement_gbp", Flow, Gbp, "Market supplements with on-costs.";
    CostAllowanceGbp => "cost_allowance_gbp", Flow, Gbp, "Retention allowance with on-costs.";
    CostWelcomeGbp => "cost_welcome_gbp", Flow, Gbp, "Welcome payments made, less clawback repaid by leavers.";
    CostAgencyGbp => "cost_agency_gbp", Flow, Gbp, "Agency workers: a social worker's salary and on-costs plus the premium.";
    CostRecruitmentGbp => "cost_recruitment_gbp", Flow, Gbp, "Recruitment cost of the month's starters.";
    CostTrainingGbp => "cost_training_gbp", Flow, Gbp, "Trainees in the pipelines (salaries, backfill, employer costs).";
    GrantIncomeGbp => "grant_income_gbp", Flow, Gbp, "Grants received (ASYE grant for NQSWs in their first year).";
}

/// Number of metrics recorded per month.
pub const COUNT: usize = Metric::ALL.len();

/// Starters by route, in `Route::ALL` order; they add up to `StartersFte`.
pub const STARTERS_BY_ROUTE: [Metric; 6] = [
    Metric::StartersUniversityFte,
    Metric::StartersApprenticeshipFte,
    Metric::StartersStepUpFte,
    Metric::StartersFrontlineFte,
    Metric::StartersOverseasFte,
    Metric::StartersExperiencedFte,
];

/// Leavers by destination, in `Destination::ALL` order; they add up to `LeaversFte`.
pub const LEAVERS_BY_DESTINATION: [Metric; 5] = [
    Metric::LeaversOtherCouncilFte,
    Metric::LeaversAgencyFte,
    Metric::LeaversLeftProfessionFte,
    Metric::LeaversInternalMoveFte,
    Metric::LeaversRetirementFte,
];

/// The cost categories of `costs.csv`, in order; `CostTotalGbp` is the first less the
/// grant income.
pub const COSTS: [Metric; 9] = [
    Metric::CostTotalGbp,
    Metric::CostSalaryGbp,
    Metric::CostSupplementGbp,
    Metric::CostAllowanceGbp,
    Metric::CostWelcomeGbp,
    Metric::CostAgencyGbp,
    Metric::CostRecruitmentGbp,
    Metric::CostTrainingGbp,
    Metric::GrantIncomeGbp,
];

/// Trainees in each pipeline route (apprenticeship, Step Up, Frontline, overseas); they add
/// up to `Trainees`.
pub const TRAINEES_BY_ROUTE: [Metric; 4] =
    [Metric::TraineesApprenticeship, Metric::TraineesStepUp, Metric::TraineesFrontline, Metric::TraineesOverseas];

impl Metric {
    /// Position in a recorded row.
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for fractions in [0, 1].
    pub fn is_rate(self) -> bool {
        self.unit() == Unit::Fraction
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }
}

/// A metric is shown by its name, as files write it: `vacancy_rate`.
impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How serde writes a metric: its name.
impl From<Metric> for &'static str {
    fn from(metric: Metric) -> &'static str {
        metric.name()
    }
}

/// How serde reads a metric: by its name, or says which name it does not know.
impl TryFrom<String> for Metric {
    type Error = String;

    fn try_from(name: String) -> Result<Metric, String> {
        Metric::from_name(&name).ok_or_else(|| format!("unknown metric {name:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_follow_declaration_order_and_names_are_unique() {
        for (position, metric) in Metric::ALL.iter().enumerate() {
            assert_eq!(metric.index(), position);
            assert_eq!(Metric::from_name(metric.name()), Some(*metric));
        }
        assert!(Metric::VacancyRate.is_rate() && Metric::NqswShare.is_rate() && !Metric::FteInPost.is_rate());
    }

    #[test]
    fn units_agree_with_the_names() {
        for metric in Metric::ALL {
            let name = metric.name();
            let fraction = name.ends_with("_rate") || name.ends_with("_share");
            assert_eq!(metric.unit() == Unit::Fraction, fraction, "{name}");
            assert_eq!(metric.unit() == Unit::Gbp, name.ends_with("_gbp"), "{name}");
            if name.ends_with("_fte") && *metric != Metric::CaseShortfall {
                assert_eq!(metric.unit(), Unit::Fte, "{name}");
            }
        }
    }
}
