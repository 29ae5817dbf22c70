//! The HTML report (`report.html`): it parses, holds every scenario, the summary figures of
//! `annual.csv` and the assumptions, references nothing outside itself and keeps hostile text
//! as text. The summary sentences are snapshot-tested.

use scraper::{Html, Selector};
use wfsim::appraisal::Measure;
use wfsim::calendar::YearMonth;
use wfsim::engine::metrics::Metric;
use wfsim::output::costs::metric_of_category;
use wfsim::output::manifest::{Manifest, MetricEntry, Provenance, ScenarioEntry};
use wfsim::report::html::{break_even_sentence, escape, render, runs_phrase, scenario_sentences, summary_sentences};
use wfsim::report::results::{
    AnnualRow, AppraisalRow, AssumptionRow, BreakEvenRow, BreakEvenStatus, CostRow, ProbabilityRow,
};
use wfsim::report::{Chart, ChartKind, Results};
use wfsim::stats::{Spread, Summary};

const HOSTILE: &str = r#"<script>alert("x")</script>"#;
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

fn summary(p5: f64, p50: f64, p95: f64) -> Summary {
    Summary { mean: p50, p5, p10: p5, p25: p50, p50, p75: p50, p90: p95, p95 }
}

fn scenario(name: &str, description: &str, file: &str) -> ScenarioEntry {
    ScenarioEntry {
        name: name.to_string(),
        title: None,
        description: description.to_string(),
        file: file.to_string(),
        sha256: format!("{:064x}", name.len()),
        start: "2024-10".parse::<YearMonth>().unwrap(),
        months: 24,
    }
}

/// (scenario, year, metric, p5, p50, p95)
type Figure = (&'static str, i32, &'static str, f64, f64, f64);

fn figures() -> Vec<Figure> {
    let mut rows = Vec::new();
    for name in ["baseline", "larger_allowance", HOSTILE] {
        // The starting position, the same for every scenario.
        rows.push((name, 2024, "vacancy_rate", 0.132, 0.132, 0.132));
        rows.push((name, 2024, "agency_rate", 0.089, 0.089, 0.089));
        rows.push((name, 2024, "fte_in_post", 362.8, 362.8, 362.8));
    }
    rows.extend([
        ("baseline", 2025, "vacancy_rate", 0.042, 0.07, 0.101),
        ("baseline", 2025, "agency_rate", 0.03, 0.053, 0.08),
        ("baseline", 2025, "fte_in_post", 360.5, 371.2, 382.0),
        ("baseline", 2025, "turnover_rate", 0.09, 0.103, 0.12),
        ("baseline", 2025, "avg_caseload", 15.1, 16.2, 17.4),
        ("baseline", 2026, "vacancy_rate", 0.06, 0.093, 0.13),
        ("baseline", 2026, "agency_rate", 0.04, 0.06, 0.085),
        ("baseline", 2026, "fte_in_post", 355.0, 372.4, 390.1),
        ("baseline", 2026, "turnover_rate", 0.085, 0.105, 0.125),
        ("baseline", 2026, "avg_caseload", 15.0, 16.5, 18.0),
        ("larger_allowance", 2025, "vacancy_rate", 0.035, 0.061, 0.09),
        ("larger_allowance", 2025, "agency_rate", 0.028, 0.05, 0.075),
        ("larger_allowance", 2025, "fte_in_post", 365.0, 374.9, 385.3),
        ("larger_allowance", 2025, "turnover_rate", 0.07, 0.084, 0.1),
        ("larger_allowance", 2025, "avg_caseload", 14.9, 16.0, 17.1),
        ("larger_allowance", 2026, "vacancy_rate", 0.042, 0.07, 0.101),
        ("larger_allowance", 2026, "agency_rate", 0.036, 0.057, 0.08),
        ("larger_allowance", 2026, "fte_in_post", 368.2, 381.6, 396.0),
        ("larger_allowance", 2026, "turnover_rate", 0.068, 0.082, 0.099),
        ("larger_allowance", 2026, "avg_caseload", 14.6, 16.1, 17.5),
        (HOSTILE, 2025, "vacancy_rate", 0.08, 0.112, 0.15),
        (HOSTILE, 2025, "agency_rate", 0.05, 0.071, 0.095),
        (HOSTILE, 2025, "fte_in_post", 350.0, 361.0, 372.5),
        (HOSTILE, 2025, "turnover_rate", 0.1, 0.118, 0.14),
        (HOSTILE, 2025, "avg_caseload", 15.5, 16.8, 18.2),
        (HOSTILE, 2026, "vacancy_rate", 0.07, 0.104, 0.14),
        (HOSTILE, 2026, "agency_rate", 0.045, 0.07, 0.1),
        (HOSTILE, 2026, "fte_in_post", 352.3, 366.0, 380.7),
        (HOSTILE, 2026, "turnover_rate", 0.098, 0.115, 0.133),
        (HOSTILE, 2026, "avg_caseload", 15.2, 16.9, 18.8),
    ]);
    rows
}

fn assumption(scenario: &str, parameter: &str, value: &str, source: &str, file: &str, differs: bool) -> AssumptionRow {
    AssumptionRow {
        scenario: scenario.to_string(),
        parameter: parameter.to_string(),
        value: value.to_string(),
        source: source.to_string(),
        file: file.to_string(),
        differs_from_baseline: differs,
    }
}

fn results() -> Results {
    let scenarios = vec![
        scenario("baseline", "Durham-like council from 30 September 2024", "scenarios/baseline.toml"),
        scenario("larger_allowance", "£5,000 allowance on all posts", "scenarios/larger_allowance.toml"),
        scenario(HOSTILE, "Hostile <i>description</i> & more", "scenarios/evil.toml"),
    ];
    let metric = |name: &str, description: &str| MetricEntry {
        name: name.to_string(),
        kind: "stock".to_string(),
        description: description.to_string(),
    };
    let manifest = Manifest {
        provenance: Provenance { wfsim_version: "0.1.0".to_string(), seed: 42, replications: 1000 },
        quantile_method: "Hyndman-Fan type 7".to_string(),
        baseline: Some("baseline".to_string()),
        scenarios,
        metrics: vec![
            metric("vacancy_rate", "Vacancy FTE / (vacancy FTE + FTE in post), a fraction."),
            metric("agency_rate", "Agency FTE / (agency FTE + FTE in post), a fraction."),
        ],
        other_groups: Vec::new(),
    };
    let annual = figures()
        .into_iter()
        .map(|(scenario, year, metric, p5, p50, p95)| AnnualRow {
            scenario: scenario.to_string(),
            year,
            metric: Metric::from_name(metric).unwrap(),
            summary: summary(p5, p50, p95),
        })
        .collect();
    let probabilities = [
        ("baseline", 2025, 0.10, 0.8),
        ("baseline", 2025, 0.05, 0.04),
        ("baseline", 2026, 0.10, 0.5),
        ("baseline", 2026, 0.05, 0.0),
        ("larger_allowance", 2025, 0.10, 1.0),
        ("larger_allowance", 2025, 0.05, 0.96),
        ("larger_allowance", 2026, 0.10, 0.96),
        ("larger_allowance", 2026, 0.05, 0.3),
        (HOSTILE, 2025, 0.10, 0.0),
        (HOSTILE, 2025, 0.05, 0.0),
        (HOSTILE, 2026, 0.10, 0.2),
        (HOSTILE, 2026, 0.05, 0.0),
    ]
    .into_iter()
    .map(|(scenario, year, threshold, share_below)| ProbabilityRow {
        scenario: scenario.to_string(),
        year,
        metric: Metric::VacancyRate,
        threshold,
        share_below,
    })
    .collect();
    let base = "scenarios/baseline.toml";
    let assumptions = vec![
        assumption("baseline", "initial.fte_in_post", "362.8", "DfE 2024", base, false),
        assumption("baseline", "retention.allowance.hazard_ratio", "0.9", "seed 002", base, false),
        assumption("baseline", "agency.max_fte", "60", "", base, false),
        assumption("larger_allowance", "initial.fte_in_post", "362.8", "DfE 2024", base, false),
        assumption(
            "larger_allowance",
            "retention.allowance.hazard_ratio",
            r#"{ dist = "uniform", min = 0.75, max = 0.95 }"#,
            "assumption <b>& co</b>",
            "scenarios/larger_allowance.toml",
            true,
        ),
        assumption("larger_allowance", "agency.max_fte", "60", "", base, false),
        assumption(HOSTILE, "initial.fte_in_post", "362.8", "DfE 2024", base, false),
        assumption(HOSTILE, "retention.allowance.hazard_ratio", "0.9", "seed 002", base, false),
        assumption(HOSTILE, "agency.max_fte", "60", "", base, false),
        assumption(HOSTILE, "pipelines.apprenticeship.cohort_size", "20", "<img src=x>", "scenarios/evil.toml", true),
    ];
    Results {
        manifest,
        timeseries: Vec::new(),
        annual,
        whole_year: Vec::new(),
        differences: Vec::new(),
        probabilities,
        assumptions,
        costs: costs(),
        appraisal: appraisal(),
        break_even: break_even(),
    }
}

/// The financial years of a 24-month run from October 2024: two part-years and a full one.
const FINANCIAL_YEARS: [&str; 4] = ["2024-25", "2025-26", "2026-27", "total"];

/// Total and agency cost of each scenario in each financial year: (p5, p50, p95) scaled by
/// the months covered, awkward doubles, the hostile option a little dearer.
fn costs() -> Vec<CostRow> {
    let mut rows = Vec::new();
    for (s, name) in ["baseline", "larger_allowance", HOSTILE].into_iter().enumerate() {
        for (year, months) in FINANCIAL_YEARS.into_iter().zip([6.0, 12.0, 6.0, 24.0]) {
            let scale = months / 12.0 * (1.0 + 0.01 * s as f64);
            for (category, p5, p50, p95) in [
                ("total", 27_138_281.944, 27_443_087.987, 27_791_500.655),
                ("agency", 1_635_759.498_9, 2_182_822.429, 2_800_305.433_9),
            ] {
                rows.push(CostRow {
                    scenario: name.to_string(),
                    financial_year: year.parse().unwrap(),
                    category: metric_of_category(category).unwrap(),
                    spread: Spread { mean: p50 * scale + 0.5, p5: p5 * scale, p50: p50 * scale, p95: p95 * scale },
                });
            }
        }
    }
    rows
}

/// The appraisal of both options: (measure, mean, p5, p50, p95) over the whole projection;
/// each financial year's row is a share of it.
fn appraisal() -> Vec<AppraisalRow> {
    let nan = f64::NAN;
    let larger = [
        ("extra_cost_gbp", 10_122_488.2, 9_206_996.85, 10_106_280.2, 11_007_108.2),
        ("agency_saving_gbp", 866_333.35, 369_203.99, 815_354.83, 1_528_498.06),
        ("net_cost_gbp", 9_256_154.85, 8_746_353.19, 9_261_299.55, 9_736_769.0),
        ("vacancy_fte_months_avoided", 222.8, 102.93, 213.5, 380.59),
        ("agency_fte_months_saved", 132.17, 52.87, 125.21, 235.95),
        ("cost_per_vacancy_fte_month_avoided_gbp", 41_543.7, nan, nan, nan),
        ("probability_cheaper", 0.0, nan, nan, nan),
    ];
    let hostile = [
        ("extra_cost_gbp", -900_000.0, -2_000_000.0, -950_000.0, 40_000.0),
        ("agency_saving_gbp", 250_000.0, -30_000.0, 284_567.0, 600_000.0),
        ("net_cost_gbp", -1_150_000.0, -2_500_000.0, -1_234_567.0, 120_000.0),
        ("vacancy_fte_months_avoided", -40.4, -90.2, -40.4, 3.2),
        ("agency_fte_months_saved", -20.0, -51.0, -19.6, 0.0),
        ("cost_per_vacancy_fte_month_avoided_gbp", nan, nan, nan, nan),
        ("probability_cheaper", 0.7, nan, nan, nan),
    ];
    let mut rows = Vec::new();
    for (name, measures) in [("larger_allowance", larger), (HOSTILE, hostile)] {
        for (year, share) in FINANCIAL_YEARS.into_iter().zip([0.25, 0.5, 0.25, 1.0]) {
            for (measure, mean, p5, p50, p95) in measures {
                // Ratios and probabilities are not shares; keep them as they are.
                let share =
                    if measure.starts_with("cost_per") || measure.starts_with("probability") { 1.0 } else { share };
                rows.push(AppraisalRow {
                    scenario: name.to_string(),
                    financial_year: year.parse().unwrap(),
                    measure: Measure::from_name(measure).unwrap(),
                    spread: Spread { mean: mean * share, p5: p5 * share, p50: p50 * share, p95: p95 * share },
                });
            }
        }
    }
    rows
}

/// One break-even outcome of each kind.
fn break_even() -> Vec<BreakEvenRow> {
    let row = |scenario: &str, status, hazard_ratio, net_cost_gbp| BreakEvenRow {
        scenario: scenario.to_string(),
        status,
        hazard_ratio,
        net_cost_gbp,
    };
    vec![
        row("baseline", BreakEvenStatus::Found, 0.14041015625, 2_771.198),
        row("larger_allowance", BreakEvenStatus::NeverPays, 0.0, 7_494_238.91),
        row(HOSTILE, BreakEvenStatus::AlwaysPays, 1.0, -12_345.6),
    ]
}

fn charts() -> Vec<Chart> {
    let chart = |name: &str, title: &str, kind: ChartKind, scenario: Option<&str>, svg: &str| Chart {
        name: name.to_string(),
        title: title.to_string(),
        kind,
        metric: Metric::VacancyRate,
        scenario: scenario.map(str::to_string),
        width: 900,
        height: 500,
        png: Vec::new(),
        svg: svg.to_string(),
    };
    vec![
        chart(
            "fan_vacancy_rate_hostile",
            &format!("Vacancy rate: {HOSTILE}"),
            ChartKind::Fan,
            Some(HOSTILE),
            r#"<?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="http://www.w3.org/2000/svg" width="900" height="500"><text x="10" y="20">Month</text></svg>"#,
        ),
        chart(
            "comparison_vacancy_rate",
            "Vacancy rate, every scenario",
            ChartKind::Comparison,
            None,
            r##"<svg width="900" height="500" viewBox="0 0 900 500" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="900" height="500" fill="#FFFFFF"/>
<polyline fill="none" stroke="#1D4F91" points="0,10 450,200 900,300"/>
<text x="10" y="20">Vacancy rate &amp; more</text>
</svg>"##,
        ),
    ]
}

fn report() -> String {
    render(&results(), &charts())
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn text_of(document: &Html) -> String {
    document.root_element().text().collect()
}

/// The tags of an HTML document without the text between them.
fn tags_only(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        if c == '<' {
            in_tag = true;
        }
        if in_tag {
            out.push(c);
        }
        if c == '>' {
            in_tag = false;
            out.push('\n');
        }
    }
    out
}

/// "7.0%", computed independently of the report's own formatting.
fn pct(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

#[test]
fn report_parses_without_errors() {
    let document = Html::parse_document(&report());
    assert!(document.errors.is_empty(), "parse errors: {:?}", document.errors);
    assert_eq!(document.select(&selector("html[lang=en]")).count(), 1);
    assert_eq!(document.select(&selector("meta[name=viewport]")).count(), 1);
    assert_eq!(document.select(&selector("style")).count(), 1);
    let headings: Vec<String> = document.select(&selector("h2")).map(|h| h.text().collect()).collect();
    assert_eq!(
        headings,
        [
            "Summary",
            "Options side by side",
            "Costs and value for money",
            "Charts",
            "Assumptions",
            "How far to trust these projections",
            "Method"
        ]
    );
}

#[test]
fn how_far_to_trust_states_the_shipped_backtest() {
    // Read independently of the report's own reader: turnover one year ahead, share inside
    // the model's 90% interval.
    let summary = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/backtest_summary.csv"))
        .expect("shipped summary");
    let mut lines = summary.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let row: Vec<&str> = lines
        .map(|line| line.split(',').collect::<Vec<_>>())
        .find(|row| row[column("metric")] == "turnover_rate" && row[column("horizon_years")] == "1")
        .expect("turnover one year ahead");
    let inside: f64 = row[column("model_in_90")].parse().expect("a number");
    let document = Html::parse_document(&report());
    let rows: Vec<Vec<String>> = document
        .select(&selector("#trust table tbody tr"))
        .map(|tr| tr.select(&selector("td")).map(|td| td.text().collect()).collect())
        .collect();
    assert_eq!(rows.len(), 5, "{rows:?}");
    let turnover = rows.iter().find(|r| r[0] == "Turnover").expect("a turnover row");
    assert!(turnover[1].starts_with(&format!("{:.0}%", inside * 100.0)), "{turnover:?}");
}

#[test]
fn report_contains_every_scenario_as_text() {
    let results = results();
    let document = Html::parse_document(&render(&results, &charts()));
    let summary_headings: Vec<String> =
        document.select(&selector("#summary h3")).map(|h| h.text().collect::<String>()).collect();
    assert_eq!(summary_headings, ["baselinebaseline", "larger_allowance", HOSTILE]);
    for section in ["#options tbody", "#costs tbody", "#assumptions", "#method tbody"] {
        let text: String = document.select(&selector(section)).flat_map(|e| e.text()).collect();
        for name in results.scenario_names() {
            assert!(text.contains(name), "{section} lacks {name}");
        }
    }
    let text = text_of(&document);
    for scenario in &results.manifest.scenarios {
        assert!(text.contains(&scenario.description), "no description {}", scenario.description);
        assert!(text.contains(&scenario.sha256), "no sha256 of {}", scenario.name);
        assert!(text.contains(&scenario.file), "no file of {}", scenario.name);
    }
}

#[test]
fn report_contains_the_annual_summary_figures() {
    let document = Html::parse_document(&report());
    let summary: String = document.select(&selector("#summary")).flat_map(|e| e.text()).collect();
    let table: String = document.select(&selector("#options")).flat_map(|e| e.text()).collect();
    for (scenario, year, metric, p5, p50, p95) in figures() {
        if year == 2024 {
            continue;
        }
        match metric {
            "vacancy_rate" | "agency_rate" => {
                // The summary gives the baseline's every year, and each option's final year
                // (the table has the rest).
                let stated = format!("{} (90% interval {} to {})", pct(p50), pct(p5), pct(p95));
                if scenario == "baseline" || year == 2026 {
                    assert!(summary.contains(&stated), "summary lacks {scenario} {year} {metric}: {stated}");
                }
                // Every year of every scenario is in the summary's tables.
                assert!(summary.contains(&format!("{}{} to {}", pct(p50), pct(p5), pct(p95))), "{scenario} {year}");
                assert!(table.contains(&format!("{}{} to {}", pct(p50), pct(p5), pct(p95))));
            }
            "turnover_rate" => assert!(table.contains(&format!("{}{} to {}", pct(p50), pct(p5), pct(p95)))),
            _ => assert!(table.contains(&format!("{p50:.1}{p5:.1} to {p95:.1}")), "{scenario} {year} {metric}"),
        }
    }
    // The starting position, and the difference from the baseline in the table.
    assert!(summary.contains("At 30 September 2024, the starting position, the vacancy rate was 13.2%"));
    assert!(table.contains("\u{2212}2.3 pp"), "larger_allowance 2026 is 2.3 points below the baseline");
    assert!(table.contains("+1.1 pp"), "the hostile option 2026 is 1.1 points above the baseline");
    let captions: Vec<String> = document.select(&selector("#options caption")).map(|c| c.text().collect()).collect();
    assert_eq!(captions, ["30 September 2026 (end of the projection)", "30 September 2025 (first year)"]);
}

/// The cells of the table row in `table` (a selector) headed by `name`: header text, then each
/// data cell's text.
fn row_cells(document: &Html, table: &str, name: &str) -> Vec<String> {
    let row = document
        .select(&selector(&format!("{table} tbody tr")))
        .find(|row| row.select(&selector("th")).next().is_some_and(|th| th.text().collect::<String>() == name))
        .unwrap_or_else(|| panic!("no row {name} in {table}"));
    row.select(&selector("td")).map(|cell| cell.text().collect()).collect()
}

#[test]
fn costs_section_holds_the_costs_of_every_scenario() {
    let document = Html::parse_document(&report());
    let tables: Vec<_> = document.select(&selector("#costs table")).collect();
    assert_eq!(tables.len(), 3, "total cost, options over the projection, net cost by year");
    let captions: Vec<String> = document.select(&selector("#costs caption")).map(|c| c.text().collect()).collect();
    assert!(captions[0].starts_with("Total cost by financial year"), "{captions:?}");
    // Part-years are marked in the header, with the months covered.
    let headers: Vec<String> = document.select(&selector("#total-cost thead th")).map(|h| h.text().collect()).collect();
    assert_eq!(
        headers,
        [
            "Scenario",
            "2024-25part-year: Oct\u{2013}Mar",
            "2025-26",
            "2026-27part-year: Apr\u{2013}Sep",
            "Whole projectionOct 2024 to Sep 2026"
        ]
    );
    // The baseline's total cost, £27,443,088 in 2025-26 (£27,138,282 to £27,791,501); half of
    // it in each part-year; twice it in total.
    assert_eq!(
        row_cells(&document, "#total-cost", "baselinebaseline"),
        ["£13.7m£13.6m to £13.9m", "£27.4m£27.1m to £27.8m", "£13.7m£13.6m to £13.9m", "£54.9m£54.3m to £55.6m"]
    );
    // The hostile option, 2% dearer.
    assert_eq!(row_cells(&document, "#total-cost", HOSTILE)[1], "£28.0m£27.7m to £28.3m");
}

#[test]
fn costs_section_compares_each_option_with_the_baseline() {
    let document = Html::parse_document(&report());
    let whole = "#options-cost";
    let headers: Vec<String> =
        document.select(&selector(&format!("{whole} thead th"))).map(|h| h.text().collect()).collect();
    assert_eq!(
        headers,
        [
            "Option",
            "Extra cost",
            "Agency saving",
            "Net cost",
            "Vacant FTE-months avoided",
            "Agency FTE-months saved",
            "Net cost per vacant FTE-month avoided",
            "Costs less than the baseline"
        ]
    );
    assert_eq!(
        row_cells(&document, whole, "larger_allowance"),
        [
            "£10.1m£9.2m to £11.0m",
            "£815k£369k to £1.5m",
            "£9.3m£8.7m to £9.7m",
            "214103 to 381",
            "12553 to 236",
            "£42k",
            "in no run"
        ]
    );
    // Negative amounts carry a minus sign; no vacancy avoided, no cost per month.
    assert_eq!(
        row_cells(&document, whole, HOSTILE),
        [
            "\u{2212}£950k\u{2212}£2.0m to £40k",
            "£285k\u{2212}£30k to £600k",
            "\u{2212}£1.2m\u{2212}£2.5m to £120k",
            "\u{2212}40\u{2212}90 to 3",
            "\u{2212}20\u{2212}51 to 0",
            "n/a",
            "in 7 of 10 runs"
        ]
    );
    // The baseline is not an option.
    let options: Vec<String> =
        document.select(&selector(&format!("{whole} tbody th"))).map(|h| h.text().collect()).collect();
    assert_eq!(options, ["larger_allowance", HOSTILE]);
    // Net cost by financial year: a quarter, a half and a quarter of the total.
    let by_year = "#net-cost-by-year";
    assert_eq!(
        row_cells(&document, by_year, "larger_allowance"),
        ["£2.3m£2.2m to £2.4m", "£4.6m£4.4m to £4.9m", "£2.3m£2.2m to £2.4m", "£9.3m£8.7m to £9.7m"]
    );
    let text: String = document.select(&selector("#costs")).flat_map(|e| e.text()).collect();
    for needed in ["salaries", "agency", "pay awards", "October 2024 prices", "n/a when the option avoids none"] {
        assert!(text.contains(needed), "the costs note lacks {needed:?}");
    }
}

#[test]
fn break_even_is_stated_for_each_outcome() {
    let results = results();
    let document = Html::parse_document(&render(&results, &charts()));
    let sentences: Vec<String> = document.select(&selector("#costs li")).map(|li| li.text().collect()).collect();
    assert_eq!(sentences.len(), 3);
    assert_eq!(
        sentences[0],
        "The baseline's retention allowance pays for itself through lower agency and recruitment spend only if it \
         cuts leaving among eligible workers by at least 86% (a hazard ratio of 0.14 or lower). The scenario \
         assumes a hazard ratio of 0.90 (10% less leaving)."
    );
    assert_eq!(
        sentences[1],
        "The retention allowance in larger_allowance does not pay for itself through lower agency and recruitment \
         spend even if no eligible worker ever left: even then it would cost £7.5m more than it saves over the two \
         years. The scenario assumes a hazard ratio between 0.75 and 0.95 (5% to 25% less leaving)."
    );
    assert_eq!(
        sentences[2],
        format!(
            "The retention allowance in {HOSTILE} pays for itself even with no effect on leaving. The scenario \
             assumes a hazard ratio of 0.90 (10% less leaving)."
        )
    );
    for (row, sentence) in results.break_even.iter().zip(&sentences) {
        assert_eq!(&break_even_sentence(&results, row), sentence);
    }
    // Without any allowance, the section says so.
    let none = Results { break_even: Vec::new(), ..results };
    let document = Html::parse_document(&render(&none, &[]));
    let text: String = document.select(&selector("#costs")).flat_map(|e| e.text()).collect();
    assert!(text.contains("No scenario has a retention allowance to test."));
}

#[test]
fn report_references_no_external_resource() {
    let html = report();
    let document = Html::parse_document(&html);
    // The markup itself (tags and the style sheet); hostile text, such as a source comment
    // reading `<img src=x>`, is escaped text and so not markup.
    let style: String = document.select(&selector("style")).flat_map(|e| e.text()).collect();
    let markup = format!("{}\n{style}", tags_only(&html)).to_lowercase();
    for forbidden in ["src=", "href=", "<link", "@import", "url(", "<iframe", "<object", "<embed", "<img", "<base"] {
        assert!(!markup.contains(forbidden), "report contains {forbidden}");
    }
    assert!(markup.contains("<svg"), "the markup check sees the charts");
    assert!(!html.to_lowercase().replace(SVG_NAMESPACE, "").contains("http"), "a URL other than the SVG namespace");
    for element in ["script", "link", "img", "iframe", "object", "embed", "base", "audio", "video", "source"] {
        assert_eq!(document.select(&selector(element)).count(), 0, "a <{element}> element");
    }
    for element in document.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        for (attribute, value) in element.value().attrs() {
            assert!(!["src", "href", "xlink:href", "action", "srcset"].contains(&attribute), "{attribute}={value}");
            assert!(!attribute.starts_with("on"), "event handler {attribute}");
        }
    }
}

#[test]
fn report_escapes_hostile_text() {
    let html = report();
    assert!(!html.contains(HOSTILE), "the hostile name appears unescaped");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(!html.contains("<i>description</i>"));
    assert!(!html.contains("<img"));
    let document = Html::parse_document(&html);
    assert_eq!(document.select(&selector("script")).count(), 0);
    assert_eq!(document.select(&selector("i, b, img")).count(), 0);
    let text = text_of(&document);
    assert!(text.contains(HOSTILE));
    assert!(text.contains("Hostile <i>description</i> & more"));
    // The source comment stays text, escaped in the markup.
    assert!(html.contains("assumption &lt;b&gt;&amp; co&lt;/b&gt;"));
    assert!(text.contains("assumption <b>& co</b>"));
    // So do chart titles.
    let captions: Vec<String> = document.select(&selector("figcaption")).map(|c| c.text().collect()).collect();
    assert!(captions.contains(&format!("Vacancy rate: {HOSTILE}")));
}

#[test]
fn charts_are_inline_svg_that_scales() {
    let html = report();
    assert!(!html.contains("<?xml"), "the XML declaration is stripped");
    let document = Html::parse_document(&html);
    let svgs: Vec<_> = document.select(&selector("#charts figure svg")).collect();
    assert_eq!(svgs.len(), 2);
    for svg in &svgs {
        assert_eq!(svg.value().attr("viewBox"), Some("0 0 900 500"));
    }
    // Comparison charts first, then each scenario's own.
    let captions: Vec<String> = document.select(&selector("#charts figcaption")).map(|c| c.text().collect()).collect();
    assert_eq!(captions, ["Vacancy rate, every scenario".to_string(), format!("Vacancy rate: {HOSTILE}")]);
    assert!(html.contains("figure svg { display: block; width: 100%; height: auto; }"));
    assert!(html.contains("@page { size: A4; margin: 15mm; }"));
}

#[test]
fn assumptions_mark_what_differs_from_the_baseline() {
    let document = Html::parse_document(&report());
    let changed: Vec<String> =
        document.select(&selector("#assumptions tr.changed")).map(|r| r.text().collect::<String>()).collect();
    assert_eq!(changed.len(), 2);
    assert!(changed.iter().all(|row| row.contains("changed")));
    assert!(changed[0].contains("retention.allowance.hazard_ratio") && changed[0].contains("baseline: 0.9"));
    assert!(changed[1].contains("pipelines.apprenticeship.cohort_size") && changed[1].contains("baseline: not set"));
    let folded: Vec<String> =
        document.select(&selector("#assumptions details > summary")).map(|s| s.text().collect()).collect();
    assert_eq!(folded, ["2 parameters as in the baseline", "3 parameters as in the baseline"]);
    // The baseline shows every parameter, none folded away; a missing source says so.
    let text: String = document.select(&selector("#assumptions")).flat_map(|e| e.text()).collect();
    assert!(text.contains("none given"));
    let method: String = document.select(&selector("#method")).flat_map(|e| e.text()).collect();
    for needed in ["1,000 times", "seed 42", "Hyndman-Fan type 7", "costs", "promotion between grades", "teams"] {
        assert!(method.contains(needed), "method note lacks {needed}");
    }
}

#[test]
fn report_is_deterministic() {
    assert_eq!(report(), report());
}

#[test]
fn summary_sentences_snapshot() {
    insta::assert_snapshot!(summary_sentences(&results()).join("\n"));
}

#[test]
fn summary_sentences_are_the_report_sentences_prefixed() {
    let results = results();
    let expected: Vec<String> = results
        .scenario_names()
        .into_iter()
        .flat_map(|name| scenario_sentences(&results, name).into_iter().map(move |s| format!("{name}: {s}")))
        .collect();
    assert_eq!(summary_sentences(&results), expected);
    let html = render(&results, &[]);
    for sentence in scenario_sentences(&results, "larger_allowance") {
        assert!(html.contains(&format!("<li>{}</li>", escape(&sentence))));
    }
}

#[test]
fn escape_covers_the_five_characters() {
    assert_eq!(
        escape(r#"<a title="x">Tom & Jerry's</a>"#),
        "&lt;a title=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
    );
    assert_eq!(escape("£5,000 allowance"), "£5,000 allowance");
    assert_eq!(escape(""), "");
    assert_eq!(escape("&amp;"), "&amp;amp;");
}

#[test]
fn runs_are_counted_in_tenths() {
    assert_eq!(runs_phrase(0.0), "no run");
    assert_eq!(runs_phrase(0.04), "fewer than 1 in 10 runs");
    assert_eq!(runs_phrase(0.8), "8 of 10 runs");
    assert_eq!(runs_phrase(0.83), "8 of 10 runs");
    assert_eq!(runs_phrase(0.96), "more than 9 in 10 runs");
    assert_eq!(runs_phrase(1.0), "every run");
}

/// A scenario with a title is headed by it, its name (the key in the files) beside it; one
/// without is headed by its name; a title is escaped like any text.
#[test]
fn scenarios_are_headed_by_their_titles() {
    let mut results = results();
    results.manifest.scenarios[1].title = Some("A £5,000 retention allowance".to_string());
    results.manifest.scenarios[2].title = Some("<b>Bold</b> & title".to_string());
    let html = render(&results, &charts());
    let document = Html::parse_document(&html);
    let headings: Vec<String> =
        document.select(&selector("#summary h3")).map(|h| h.text().collect::<String>()).collect();
    assert_eq!(
        headings,
        [
            "baselinebaseline",
            "A £5,000 retention allowance larger_allowance",
            &format!("<b>Bold</b> & title {HOSTILE}")
        ]
    );
    let keys: Vec<String> =
        document.select(&selector("#summary h3 .key")).map(|k| k.text().collect::<String>()).collect();
    assert_eq!(keys, ["larger_allowance", HOSTILE]);
    assert!(!html.contains("<b>Bold</b>"), "titles are escaped");
}
