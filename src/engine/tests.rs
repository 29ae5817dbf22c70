//! Engine tests against exact answers: closed forms, hand-computed schedules and invariants.
//! Scenarios here are built straight from TOML text, bypassing the loader (which has its own
//! tests), so that each test shows the whole model it checks.

use super::metrics::{COUNT, Metric};
use super::{Model, simulate};
use crate::calendar::YearMonth;
use crate::scenario::{Scenario, ScenarioSpec};

fn scenario(text: &str) -> Scenario {
    let spec: ScenarioSpec = toml::from_str(text).expect("test scenario parses");
    let start = spec.start.unwrap_or(YearMonth::new(2024, 10).expect("valid month"));
    Scenario {
        name: "test".into(),
        file: "test.toml".into(),
        root: "test.toml".into(),
        is_root: true,
        spec,
        start,
        resolved_toml: String::new(),
        sha256: String::new(),
        assumptions: Vec::new(),
    }
}

/// Every replication's rows, `[rep][month][metric]`.
fn run(text: &str, replications: u64, months: u32) -> Vec<Vec<f64>> {
    let model = Model::build(&scenario(text));
    (0..replications)
        .map(|rep| {
            let mut out = vec![0.0; (months as usize + 1) * COUNT];
            simulate(&model, 1, rep, months, &mut out);
            out
        })
        .collect()
}

fn at(rows: &[f64], month: usize, metric: Metric) -> f64 {
    rows[month * COUNT + metric.index()]
}

fn mean_at(runs: &[Vec<f64>], month: usize, metric: Metric) -> f64 {
    runs.iter().map(|rows| at(rows, month, metric)).sum::<f64>() / runs.len() as f64
}

#[test]
fn closed_cohort_with_constant_hazard_follows_the_survival_formula() {
    // 1,000 full-time workers, 20% leave a year, nobody joins: E[headcount at month t] is
    // 1000 x 0.8^(t/12). Per replication the count is binomial, so the mean of 400
    // replications has standard error sqrt(1000 p (1-p) / 400), under 0.8.
    let text = r#"
        start = "2024-10"
        [initial]
        fte_in_post = 1000
        headcount = 1000
        route_shares = { experienced = 1.0 }
        [retention]
        band_edges_months = []
        annual_leave_prob = { default = [0.2] }
    "#;
    let runs = run(text, 400, 36);
    assert_cohort_survives(&runs, &[1, 6, 12, 24, 36], |month| 0.8f64.powf(month / 12.0), 4.0);
}

/// The mean headcount of a closed cohort of 1,000 at each of `months` is within
/// `standard_errors` of 1000 x `survival(month)` (the count per replication is binomial).
fn assert_cohort_survives(runs: &[Vec<f64>], months: &[usize], survival: impl Fn(f64) -> f64, standard_errors: f64) {
    for &month in months {
        let survival = survival(month as f64);
        let expected = 1000.0 * survival;
        let standard_error = (1000.0 * survival * (1.0 - survival) / runs.len() as f64).sqrt();
        let mean = mean_at(runs, month, Metric::Headcount);
        assert!(
            (mean - expected).abs() < standard_errors * standard_error,
            "month {month}: mean {mean}, expected {expected}"
        );
    }
}

#[test]
fn modifiers_multiply_the_leaving_rate() {
    // A closed cohort, 60% leaving a year, every post paid an allowance with a hazard ratio of
    // 0.5 from the start: the rate halves, so E[headcount at month t] is 1000 x 0.4^(t/24)
    // (not 1000 x (1 - 0.5 x (1 - 0.4^(1/12)))^t, what halving the monthly probability would
    // give: 6.7 more at month 36, over 15 standard errors of the mean of 1,000 replications).
    let text = r#"
        start = "2024-10"
        [initial]
        fte_in_post = 1000
        headcount = 1000
        route_shares = { experienced = 1.0 }
        [retention]
        band_edges_months = []
        annual_leave_prob = { default = [0.6] }
        [retention.allowance]
        eligible_share = 1.0
        min_service_months = 0
        hazard_ratio = 0.5
        amount_gbp = 1000
    "#;
    let runs = run(text, 1000, 36);
    assert_cohort_survives(&runs, &[12, 36], |month| 0.4f64.powf(month / 24.0), 3.0);
}

#[test]
fn the_census_kept_up_to_date_is_always_a_fresh_count() {
    // Every shipped scenario (absences, allowances, welcome payments, caseload caps, cohorts
    // of every route), every month of ten years: the census changed worker by worker equals,
    // bit for bit, one counted afresh from everyone in post.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the scenarios directory")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 9);
    for file in files {
        let model = Model::build(&crate::scenario::load(&file).expect("a shipped scenario loads"));
        for rep in 0..4 {
            super::simulate::simulate_recounting(&model, 3, rep, 120);
        }
    }
}

#[test]
fn steady_state_obeys_littles_law() {
    // Two hires a month, monthly leaving probability q = 1 - 0.8^(1/12). A hire stays 1/q
    // recorded months on average, so Little's law gives a mean stock of 2/q = 108.6.
    let text = r#"
        start = "2024-10"
        [retention]
        band_edges_months = []
        annual_leave_prob = { default = [0.2] }
        [routes.experienced]
        per_month = 2
    "#;
    let q = 1.0 - 0.8f64.powf(1.0 / 12.0);
    let expected = 2.0 / q;
    let runs = run(text, 100, 600);
    // Average over months 400-600, far past the warm-up (time constant 1/q = 54 months).
    let total: f64 = runs.iter().flat_map(|rows| (400..=600).map(move |m| at(rows, m, Metric::Headcount))).sum();
    let mean = total / (100.0 * 201.0);
    // Stationary count is Poisson(108.6), sd 10.4, with about 4 independent stretches per
    // replication here: standard error about 0.5.
    assert!((mean - expected).abs() < 2.0, "mean stock {mean}, Little's law {expected}");
}

#[test]
fn one_nqsw_ramps_up_exactly_on_schedule() {
    let text = r#"
        start = "2024-09"
        [routes.university]
        annual_intake = 1
        intake_months = [9]
        intake_shares = [1.0]
        [caseload]
        full_cases_per_fte = 22
        nqsw_ramp_cases = [8, 8, 8, 8, 12, 12, 12, 12, 18, 18, 18, 18]
    "#;
    let rows = &run(text, 1, 30)[0];
    let schedule = [8.0, 8.0, 8.0, 8.0, 12.0, 12.0, 12.0, 12.0, 18.0, 18.0, 18.0, 18.0];
    assert_eq!(at(rows, 0, Metric::CaseCapacity), 0.0);
    // The first NQSW joins in month 1 (September 2024), the second a year later.
    for month in 1..=12 {
        assert_eq!(at(rows, month, Metric::CaseCapacity), schedule[month - 1], "month {month}");
        assert_eq!(at(rows, month, Metric::NqswShare), 1.0, "month {month}");
    }
    for month in 13..=24 {
        assert_eq!(at(rows, month, Metric::CaseCapacity), 22.0 + schedule[month - 13], "month {month}");
        assert_eq!(at(rows, month, Metric::NqswShare), 0.5, "month {month}");
    }
    assert_eq!(at(rows, 25, Metric::CaseCapacity), 22.0 + 22.0 + 8.0);
}

#[test]
fn cohort_completion_matches_the_rate() {
    // 200 trainees, 80% complete over 10 months: qualifiers are binomial(200, 0.8), so the
    // mean over 200 replications has standard error sqrt(200 x 0.16 / 200) = 0.4.
    let text = r#"
        start = "2024-10"
        [routes.step_up]
        duration_months = 10
        completion_rate = 0.8
        [[routes.step_up.cohorts]]
        start = "2024-11"
        size = 200
    "#;
    let runs = run(text, 200, 12);
    for rows in &runs {
        assert_eq!(at(rows, 1, Metric::Trainees), 0.0);
        assert_eq!(at(rows, 2, Metric::Trainees), 200.0);
        // Starts in month 2 (November 2024), qualifies 10 months later, in month 12.
        assert_eq!(at(rows, 11, Metric::FteInPost), 0.0);
        assert_eq!(at(rows, 12, Metric::Trainees), 0.0, "all qualified or dropped out by month 12");
        assert_eq!(at(rows, 12, Metric::StartersFte), at(rows, 12, Metric::FteInPost));
        assert_eq!(at(rows, 12, Metric::StartersStepUpFte), at(rows, 12, Metric::StartersFte));
    }
    let qualified = mean_at(&runs, 12, Metric::Headcount);
    assert!((qualified - 160.0).abs() < 1.6, "mean qualifiers {qualified}");
}

#[test]
fn geometric_absences_give_the_steady_absent_share() {
    // Start probability p, mean length L: in steady state a share pL / (1 + pL - p) of
    // workers is absent (renewal argument for a two-state chain), here 0.06/1.05 = 5.71%.
    let text = r#"
        start = "2024-10"
        [initial]
        fte_in_post = 1000
        headcount = 1000
        route_shares = { experienced = 1.0 }
        [absence]
        monthly_start_prob = 0.01
        mean_duration_months = 6
    "#;
    let runs = run(text, 50, 120);
    let total: f64 = runs.iter().flat_map(|rows| (60..=120).map(move |m| at(rows, m, Metric::AbsenceRate))).sum();
    let mean = total / (50.0 * 61.0);
    let expected = 0.01 * 6.0 / (1.0 + 0.01 * 6.0 - 0.01);
    assert!((mean - expected).abs() < 0.003, "absent share {mean}, expected {expected}");
}

#[test]
fn identical_scenarios_see_identical_luck_and_more_hires_shift_nothing_else() {
    // Common random numbers: a scenario differing only in something that never happens
    // (a cohort of 0) gives bit-identical results.
    let base = r#"
        start = "2024-10"
        [initial]
        fte_in_post = 300
        headcount = 300
        route_shares = { experienced = 1.0 }
        [retention]
        band_edges_months = []
        annual_leave_prob = { default = [0.15] }
        [absence]
        monthly_start_prob = 0.01
        mean_duration_months = 4
    "#;
    let with_empty_cohort = format!("{base}\n[routes.frontline]\ncohorts = [{{ start = \"2025-09\", size = 0 }}]\n");
    assert_eq!(run(base, 5, 24), run(&with_empty_cohort, 5, 24));
}

#[test]
fn replications_differ_but_repeat_exactly() {
    let text = r#"
        start = "2024-10"
        [initial]
        fte_in_post = 100
        headcount = 100
        route_shares = { university = 1.0 }
        [retention]
        band_edges_months = []
        annual_leave_prob = { default = [0.3] }
    "#;
    let first = run(text, 3, 24);
    assert_eq!(first, run(text, 3, 24));
    assert_ne!(first[0], first[1]);
}

#[test]
fn cohorts_of_every_route_start_on_time() {
    // A late apprenticeship cohort must not hold back an earlier Frontline one.
    let text = r#"
        start = "2024-10"
        [routes.apprenticeship]
        duration_months = 36
        cohorts = [{ start = "2026-01", size = 4 }]
        [routes.frontline]
        duration_months = 12
        cohorts = [{ start = "2023-11", size = 3 }, { start = "2024-11", size = 5 }]
    "#;
    let rows = &run(text, 1, 20)[0];
    assert_eq!(at(rows, 0, Metric::TraineesFrontline), 3.0, "already training at the start");
    assert_eq!(at(rows, 1, Metric::TraineesFrontline), 3.0);
    assert_eq!(at(rows, 1, Metric::StartersFrontlineFte), 0.0);
    // November 2024 (month 2): the first cohort qualifies and the second starts.
    assert_eq!(at(rows, 2, Metric::StartersFrontlineFte), 3.0);
    assert_eq!(at(rows, 2, Metric::TraineesFrontline), 5.0);
    assert_eq!(at(rows, 15, Metric::TraineesApprenticeship), 0.0);
    assert_eq!(at(rows, 16, Metric::TraineesApprenticeship), 4.0, "January 2026 is month 16");
}

#[test]
fn costs_by_financial_year_match_a_hand_calculation_to_the_penny() {
    // Two senior practitioners (48,000 a year) who never leave; each February one NQSW joins
    // (30,000) with a welcome payment of 1,000 + 10% of salary, and leaves the next month,
    // repaying it all. On-costs 25%, pay award 3% from April 2025, allowance 2,400 a year on
    // every post, recruitment 500 per NQSW, ASYE grant 1,200 a year.
    let text = r#"
        start = "2025-01"
        [initial]
        fte_in_post = 2
        headcount = 2
        route_shares = { experienced = 1.0 }
        [retention]
        band_edges_months = []
        annual_leave_prob = { default = [0.0], university = [1.0] }
        allowance = { eligible_share = 1.0, amount_gbp = 2400 }
        [routes.university]
        annual_intake = 1
        intake_months = [2]
        intake_shares = [1.0]
        [welcome_payment]
        routes = ["university"]
        clawback_months = 12
        amount_gbp = 1000
        salary_share = 0.1
        clawback = "full"
        [costs]
        salary_gbp = { nqsw = 30000, social_worker = 36000, senior = 48000, manager = 55000 }
        senior_after_months = 60
        oncost_rate = 0.25
        annual_pay_award = 0.03
        recruitment_per_hire_gbp = { newly_qualified = 500, experienced = 3000 }
        asye_grant_gbp = 1200
    "#;
    let rows = &run(text, 1, 15)[0];
    let first_date = YearMonth::new(2024, 12).expect("valid month");
    let fy_total = |metric: Metric, financial_year: i32| -> f64 {
        (1..=15)
            .filter(|&m| first_date.plus(m as i32).financial_year().start_year == financial_year)
            .map(|m| at(rows, m, metric))
            .sum()
    };
    let penny = |a: f64, b: f64| (a - b).abs() < 0.005;
    // Month by month: the welcome payment in February, repaid in March.
    assert!(penny(at(rows, 2, Metric::CostWelcomeGbp), 4000.0));
    assert!(penny(at(rows, 3, Metric::CostWelcomeGbp), -4000.0));
    assert!(penny(at(rows, 14, Metric::CostWelcomeGbp), 1000.0 + 0.1 * 30000.0 * 1.03));
    assert!(penny(at(rows, 15, Metric::CostWelcomeGbp), -(1000.0 + 0.1 * 30000.0 * 1.03)));
    // Salaries cross April: 2 x 48,000 x 1.25 / 12 = 10,000 a month, then 10,300.
    assert!(penny(at(rows, 3, Metric::CostSalaryGbp), 10000.0));
    assert!(penny(at(rows, 4, Metric::CostSalaryGbp), 10300.0));
    // 2024-25 (January to March 2025): salaries 3 x 10,000 + one NQSW month 3,125;
    // allowance 3 x 500 + 250; recruitment 500; grant 100.
    assert!(penny(fy_total(Metric::CostSalaryGbp, 2024), 33125.0));
    assert!(penny(fy_total(Metric::CostAllowanceGbp, 2024), 1750.0));
    assert!(penny(fy_total(Metric::CostWelcomeGbp, 2024), 0.0));
    assert!(penny(fy_total(Metric::CostRecruitmentGbp, 2024), 500.0));
    assert!(penny(fy_total(Metric::GrantIncomeGbp, 2024), 100.0));
    assert!(penny(fy_total(Metric::CostTotalGbp, 2024), 35275.0));
    // 2025-26 (April 2025 to March 2026): 12 x 10,300 + 30,000 x 1.25 x 1.03 / 12.
    assert!(penny(fy_total(Metric::CostSalaryGbp, 2025), 126818.75));
    assert!(penny(fy_total(Metric::CostAllowanceGbp, 2025), 6250.0));
    assert!(penny(fy_total(Metric::CostTotalGbp, 2025), 126818.75 + 6250.0 + 500.0 - 100.0));
    assert_eq!(at(rows, 0, Metric::CostTotalGbp), 0.0, "no costs at the starting position");
}

#[test]
fn pro_rata_clawback_repays_the_share_of_the_period_left() {
    // Joins in February (month 2) with a 12-month clawback, leaves in March with 11 months
    // of it left: repays 11/12 of 1,200.
    let text = r#"
        start = "2025-01"
        [retention]
        band_edges_months = []
        annual_leave_prob = { default = [1.0] }
        [routes.university]
        annual_intake = 1
        intake_months = [2]
        intake_shares = [1.0]
        [welcome_payment]
        routes = ["university"]
        clawback_months = 12
        amount_gbp = 1200
        clawback = "pro_rata"
        [costs]
    "#;
    let rows = &run(text, 1, 3)[0];
    assert_eq!(at(rows, 2, Metric::CostWelcomeGbp), 1200.0);
    assert!((at(rows, 3, Metric::CostWelcomeGbp) + 1100.0).abs() < 1e-9);
}

/// 50 full-time workers in 100 funded posts, nobody leaves: the first month's hires are
/// binomial over the 50 vacant posts, each filled with the chance times the response.
fn hiring_scenario(response: &str) -> String {
    format!(
        r#"
        start = "2024-10"
        [initial]
        fte_in_post = 50
        headcount = 50
        vacancy_rate = 0.5
        route_shares = {{ experienced = 1.0 }}
        [routes.experienced]
        monthly_fill_prob = 0.2
        {response}
    "#
    )
}

#[test]
fn hiring_responds_to_vacancies_with_the_elasticity_asked_for() {
    // At a vacancy rate of 0.5 against a reference of 0.25 with elasticity 0.5, each vacant
    // post is filled with 0.2 x (0.5 / 0.25)^(0.5 - 1) = 0.14142 in the first month: 7.071
    // hires expected, with a standard error over 4,000 replications of
    // sqrt(50 x 0.1414 x 0.8586 / 4000) = 0.039.
    let text = hiring_scenario("vacancy_response = { reference_vacancy_rate = 0.25, elasticity = 0.5 }");
    let runs = run(&text, 4000, 1);
    let hires = mean_at(&runs, 1, Metric::FteInPost) - 50.0;
    let expected = 50.0 * 0.2 * 2f64.powf(-0.5);
    assert!((hires - expected).abs() < 4.0 * 0.039, "{hires} hires against {expected}");
    // Elasticity 1 is hiring in proportion to vacancies: the same draws as no response at all.
    let proportional = hiring_scenario("vacancy_response = { reference_vacancy_rate = 0.25, elasticity = 1.0 }");
    assert_eq!(run(&proportional, 5, 24), run(&hiring_scenario(""), 5, 24));
    // At the reference rate the response is 1, whatever the elasticity.
    let at_reference = hiring_scenario("vacancy_response = { reference_vacancy_rate = 0.5, elasticity = 0.3 }");
    assert_eq!(run(&at_reference, 5, 1), run(&hiring_scenario(""), 5, 1));
}

/// 80 full-time workers in 100 posts; nobody leaves or is hired; agency as `agency` says.
fn agency_scenario(agency: &str) -> String {
    format!(
        r#"
        start = "2024-10"
        [initial]
        fte_in_post = 80
        headcount = 80
        vacancy_rate = 0.2
        route_shares = {{ experienced = 1.0 }}
        [agency]
        cover_share = 0.5
        {agency}
    "#
    )
}

#[test]
fn agency_follows_the_vacancy_rate_and_its_swing_moves_it_with_the_offset() {
    let agency = |text: &str| {
        run(&agency_scenario(text), 2, 3).iter().map(|rows| at(rows, 3, Metric::AgencyFte)).collect::<Vec<_>>()
    };
    // In proportion: 0.5 x 20 vacant FTE = 10.
    for value in agency("") {
        assert!((value - 10.0).abs() < 1e-9, "{value}");
    }
    // A vacancy rate of 0.2 against a reference of 0.4 at elasticity 0.5: 10 x (0.2 / 0.4)^(0.5 - 1)
    // = 10 sqrt(2).
    let response = "vacancy_response = { reference_vacancy_rate = 0.4, elasticity = 0.5 }";
    for value in agency(response) {
        assert!((value - 10.0 * 2f64.sqrt()).abs() < 1e-9, "{value}");
    }
    // A swing of x 1.5 (persistence 0.5 of a start of 2 ln 1.5; the fresh part is 1e-9 x a
    // normal) with an offset of 0.1 per post (10 FTE): (10 + 10) x 1.5 - 10 = 20, not 15.
    let swing = |start: f64| {
        format!("swing_offset = 0.1\nyearly_variation = {{ sd = 1e-9, persistence = 0.5, start = {start} }}")
    };
    for value in agency(&swing(2.0 * 1.5f64.ln())) {
        assert!((value - 20.0).abs() < 1e-6, "{value}");
    }
    // A swing of x 0.25: (10 + 10) x 0.25 - 10 is below none, so none.
    for value in agency(&swing(2.0 * 0.25f64.ln())) {
        assert_eq!(value, 0.0);
    }
}

#[test]
fn level_swings_of_demand_move_open_cases_to_each_year_level_and_back() {
    // 1,000 open cases, no trend, no monthly noise; the level swing starts at ln(1.2) and its
    // fresh part is 1e-9 x a normal, so year y's level is 0.5^(y+1) ln(1.2): the first year
    // ends at 1000 x 1.2^0.5, the second at 1000 x 1.2^0.25, a twelfth of the way each month.
    let text = r#"
        start = "2024-10"
        [initial]
        fte_in_post = 50
        headcount = 50
        vacancy_rate = 0.0
        open_cases = 1000
        route_shares = { experienced = 1.0 }
        [demand]
        annual_growth = 0.0
        level_swings = true
        yearly_variation = { sd = 1e-9, persistence = 0.5, start = 0.1823215567939546 }
    "#;
    let start = 1.2f64.ln();
    for rows in run(text, 2, 24) {
        for month in 1..=24usize {
            let (year, into) = ((month - 1) / 12, ((month - 1) % 12 + 1) as f64);
            let before = if year == 0 { start } else { 0.5f64.powi(year as i32) * start };
            let level = 0.5f64.powi(year as i32 + 1) * start;
            let expected = 1000.0 * (before + (level - before) * into / 12.0).exp() / 1.2;
            let cases = at(&rows, month, Metric::OpenCases);
            assert!((cases - expected).abs() < 1e-5, "month {month}: {cases} against {expected}");
        }
    }
}

#[test]
fn staff_moving_with_their_posts_change_fte_and_posts_together_and_are_no_starters_or_leavers() {
    // 120 full-time workers in 150 posts, nobody leaves or is hired. The moves' first year is
    // persistence x start (the fresh part, 1e-9 x a normal, is far below one worker):
    // 0.5 x 2 ln(1.1) = ln(1.1), so 120 x 0.1 / 12 = 1 worker a month moves in, with a post;
    // a start of 2 ln(0.9) moves one a month out. Vacant posts stay at 30 throughout.
    for (start, step) in [(2.0 * 1.1f64.ln(), 1.0), (2.0 * 0.9f64.ln(), -1.0)] {
        let text = format!(
            r#"
            start = "2024-10"
            [initial]
            fte_in_post = 120
            headcount = 120
            vacancy_rate = 0.2
            route_shares = {{ experienced = 1.0 }}
            [establishment]
            moves_with_staff = {{ sd = 1e-9, persistence = 0.5, start = {start} }}
        "#
        );
        for rows in run(&text, 3, 12) {
            for month in 1..=12 {
                // Carried fractions can put a worker a month early or late, never more.
                let moved = at(&rows, month, Metric::FteInPost) - 120.0;
                assert!((moved - step * month as f64).abs() <= 1.0, "month {month}: {moved}");
                assert_eq!(at(&rows, month, Metric::VacancyFte), 30.0, "month {month}");
                assert_eq!(at(&rows, month, Metric::StartersFte), 0.0);
                assert_eq!(at(&rows, month, Metric::LeaversFte), 0.0);
            }
        }
    }
}

#[test]
fn progression_keeps_the_share_of_case_holders_at_its_start() {
    // 100 full-time workers, 60 of them holding cases; nobody leaves. 20 NQSWs join each
    // October (month 1 and month 13), all holding cases: 80 of 120 after the first. In the
    // year's last month (month 12) the 8 longest-serving case holders move into
    // non-case-holding posts, 72 of 120 = 60% again; then 20 more join in month 13.
    let text = |steady: bool| {
        format!(
            r#"
            start = "2024-10"
            [initial]
            fte_in_post = 100
            headcount = 100
            case_holding_fte = 60
            route_shares = {{ experienced = 1.0 }}
            [routes.university]
            annual_intake = 20
            intake_months = [10]
            [caseload]
            steady_case_holding_share = {steady}
        "#
        )
    };
    for rows in run(&text(true), 3, 14) {
        assert_eq!(at(&rows, 0, Metric::CaseHoldingFte), 60.0);
        assert_eq!(at(&rows, 1, Metric::CaseHoldingFte), 80.0);
        assert_eq!(at(&rows, 11, Metric::CaseHoldingFte), 80.0);
        assert_eq!(at(&rows, 12, Metric::CaseHoldingFte), 72.0);
        assert_eq!(at(&rows, 13, Metric::CaseHoldingFte), 92.0);
        assert_eq!(at(&rows, 13, Metric::FteInPost), 140.0);
    }
    // Without it, every joiner holding cases raises the share for good.
    for rows in run(&text(false), 3, 14) {
        assert_eq!(at(&rows, 13, Metric::CaseHoldingFte), 100.0);
    }
}

#[test]
fn agency_staff_hold_cases_in_their_share() {
    // 80 permanent FTE in 100 posts, 20 agency FTE at the start, 50 FTE holding cases with
    // agency included; from month 1 agency covers half the 20 vacant FTE (10). With half of
    // agency holding cases, 50 - 10 = 40 permanent staff hold cases, and in month 1
    // 40 + 5 = 45 FTE do, able to hold 45 x 22 cases; with all of agency holding cases,
    // 30 + 10 = 40 FTE, 880 cases.
    let text = |share: f64| {
        format!(
            r#"
            start = "2024-10"
            [initial]
            fte_in_post = 80
            headcount = 80
            vacancy_rate = 0.2
            agency_fte = 20
            case_holding_fte = 50
            open_cases = 900
            route_shares = {{ experienced = 1.0 }}
            [agency]
            cover_share = 0.5
            [caseload]
            agency_case_holding_share = {share}
        "#
        )
    };
    for (share, permanent) in [(0.5, 40.0), (1.0, 30.0)] {
        for rows in run(&text(share), 2, 1) {
            assert_eq!(at(&rows, 0, Metric::CaseHoldingFte), 50.0, "share {share}");
            assert_eq!(at(&rows, 1, Metric::AgencyFte), 10.0);
            let holding = permanent + share * 10.0;
            assert_eq!(at(&rows, 1, Metric::CaseHoldingFte), holding, "share {share}");
            assert_eq!(at(&rows, 1, Metric::CaseCapacity), 22.0 * holding, "share {share}");
            assert_eq!(at(&rows, 1, Metric::AvgCaseload), 900.0 / holding, "share {share}");
        }
    }
}

#[test]
fn the_nqsw_intake_swings_by_its_yearly_multiplier() {
    // 20 NQSWs wanted each September, nobody leaves, no cap. The intake's swing starts at
    // 2 ln 1.5 with persistence 0.5 and a fresh part of 1e-9 x a normal, so year y's
    // multiplier is 1.5^(0.5^y): 30 join in September 2025, round(20 x 1.5^0.5) = 24 in
    // 2026 and round(20 x 1.5^0.25) = 22 in 2027. Without the swing, 20 every year.
    let text = |swing: &str| {
        format!(
            r#"
            start = "2024-10"
            [initial]
            fte_in_post = 100
            headcount = 100
            vacancy_rate = 0.5
            route_shares = {{ experienced = 1.0 }}
            [routes.university]
            annual_intake = 20
            intake_months = [9]
            intake_shares = [1.0]
            {swing}
            "#
        )
    };
    let swung = format!("yearly_variation = {{ sd = 1e-9, persistence = 0.5, start = {} }}", 2.0 * 1.5f64.ln());
    for (swing, expected) in [("", [20.0, 20.0, 20.0]), (swung.as_str(), [30.0, 24.0, 22.0])] {
        for rows in run(&text(swing), 2, 36) {
            let septembers = [12, 24, 36].map(|month| at(&rows, month, Metric::StartersUniversityFte));
            assert_eq!(septembers, expected, "swing {swing:?}");
            let other_months: f64 = (1..=36)
                .filter(|month| month % 12 != 0)
                .map(|month| at(&rows, month, Metric::StartersUniversityFte))
                .sum();
            assert_eq!(other_months, 0.0);
        }
    }
}

#[test]
fn funded_posts_grow_with_the_years_swings_of_leaving_and_intake() {
    // 200 funded posts, no growth of their own. Leaving's swing is ln 1.5 in the first year
    // and half that in the second, the intake's ln 2 and half that (starts of twice those,
    // persistence 0.5, fresh parts of 1e-9). With posts growing -0.1 per unit of leaving's
    // swing and +0.2 per unit of the intake's, posts stand at 200 x 1.5^-0.1 x 2^0.2 after
    // a year and at that x 1.5^-0.05 x 2^0.1 after two; without the link, at 200.
    let text = |with: &str| {
        format!(
            r#"
            start = "2024-10"
            [initial]
            fte_in_post = 100
            headcount = 100
            vacancy_rate = 0.5
            route_shares = {{ experienced = 1.0 }}
            [establishment]
            {with}
            [retention]
            band_edges_months = []
            annual_leave_prob = {{ default = [0.1] }}
            yearly_variation = {{ sd = 1e-9, persistence = 0.5, start = {leaving} }}
            [routes.university]
            annual_intake = 10
            intake_months = [9]
            intake_shares = [1.0]
            yearly_variation = {{ sd = 1e-9, persistence = 0.5, start = {intake} }}
            "#,
            leaving = 2.0 * 1.5f64.ln(),
            intake = 2.0 * 2.0f64.ln(),
        )
    };
    let first = 200.0 * 1.5f64.powf(-0.1) * 2.0f64.powf(0.2);
    let linked = "growth_with_swings = { leaving = -0.1, intake = 0.2 }";
    for (with, expected) in [("", [200.0, 200.0]), (linked, [first, first * 1.5f64.powf(-0.05) * 2.0f64.powf(0.1)])] {
        for rows in run(&text(with), 3, 24) {
            for (month, expected) in [12, 24].into_iter().zip(expected) {
                let posts = at(&rows, month, Metric::EstablishmentFte);
                assert!((posts - expected).abs() < 1e-6, "{with:?} month {month}: {posts} against {expected}");
            }
        }
    }
}

#[test]
fn the_capped_intake_leaves_the_frictional_posts_vacant() {
    // 100 in post against 200 funded posts, nobody leaves, no other hires; 150 NQSWs wanted
    // in September, capped at the vacancies. With no frictional vacancies all 100 vacant
    // posts are filled; with 10% of posts kept between holders, 200 x 0.9 - 100 = 80.
    let text = |rate: f64| {
        format!(
            r#"
            start = "2024-10"
            [initial]
            fte_in_post = 100
            headcount = 100
            vacancy_rate = 0.5
            route_shares = {{ experienced = 1.0 }}
            [routes.university]
            annual_intake = 150
            intake_months = [9]
            intake_shares = [1.0]
            cap_at_vacancies = true
            frictional_vacancy_rate = {rate}
            "#
        )
    };
    for (rate, expected) in [(0.0, 100.0), (0.1, 80.0)] {
        for rows in run(&text(rate), 2, 12) {
            assert_eq!(at(&rows, 12, Metric::StartersUniversityFte), expected, "rate {rate}");
        }
    }
}
