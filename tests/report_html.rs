//! The HTML report (`report.html`): it parses, holds every scenario, the summary figures of
//! `annual.csv` and the assumptions, references nothing outside itself and keeps hostile text
//! as text. The summary sentences are snapshot-tested.

use scraper::{Html, Selector};
use wfsim::calendar::YearMonth;
use wfsim::report::html::{escape, render, runs_phrase, scenario_sentences, summary_sentences};
use wfsim::report::results::{AnnualRow, AssumptionRow, ManifestMetric, ManifestScenario, ProbabilityRow, RunManifest};
use wfsim::report::{Chart, ChartKind, Results};
use wfsim::stats::Summary;

const HOSTILE: &str = r#"<script>alert("x")</script>"#;
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

fn summary(p5: f64, p50: f64, p95: f64) -> Summary {
    Summary { mean: p50, p5, p10: p5, p25: p50, p50, p75: p50, p90: p95, p95 }
}

fn scenario(name: &str, description: &str, file: &str) -> ManifestScenario {
    ManifestScenario {
        name: name.to_string(),
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
    let metric = |name: &str, description: &str| ManifestMetric {
        name: name.to_string(),
        kind: "stock".to_string(),
        description: description.to_string(),
    };
    let manifest = RunManifest {
        wfsim_version: "0.1.0".to_string(),
        seed: 42,
        replications: 1000,
        quantile_method: "Hyndman-Fan type 7".to_string(),
        baseline: Some("baseline".to_string()),
        scenarios,
        metrics: vec![
            metric("vacancy_rate", "Vacancy FTE / (vacancy FTE + FTE in post), a fraction."),
            metric("agency_rate", "Agency FTE / (agency FTE + FTE in post), a fraction."),
        ],
    };
    let annual = figures()
        .into_iter()
        .map(|(scenario, year, metric, p5, p50, p95)| AnnualRow {
            scenario: scenario.to_string(),
            year,
            metric: metric.to_string(),
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
        metric: "vacancy_rate".to_string(),
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
    Results { manifest, timeseries: Vec::new(), annual, differences: Vec::new(), probabilities, assumptions }
}

fn charts() -> Vec<Chart> {
    let chart = |name: &str, title: &str, kind: ChartKind, scenario: Option<&str>, svg: &str| Chart {
        name: name.to_string(),
        title: title.to_string(),
        kind,
        metric: "vacancy_rate".to_string(),
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
    assert_eq!(headings, ["Summary", "Options side by side", "Charts", "Assumptions", "Method"]);
}

#[test]
fn report_contains_every_scenario_as_text() {
    let results = results();
    let document = Html::parse_document(&render(&results, &charts()));
    let summary_headings: Vec<String> =
        document.select(&selector("#summary h3")).map(|h| h.text().collect::<String>()).collect();
    assert_eq!(summary_headings, ["baselinebaseline", "larger_allowance", HOSTILE]);
    for section in ["#options tbody", "#assumptions", "#method tbody"] {
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
