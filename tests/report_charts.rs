//! The charts render from in-memory results: every PNG decodes at the stated size, every SVG is
//! well-formed XML holding its title and axis labels as text (hostile scenario names escaped),
//! and the same results give the same bytes.

use std::collections::BTreeSet;

use wfsim::calendar::YearMonth;
use wfsim::engine::metrics::Metric;
use wfsim::output::manifest::{Manifest, MetricEntry, Provenance, ScenarioEntry};
use wfsim::report::charts::render_all;
use wfsim::report::results::SeriesRow;
use wfsim::report::{Chart, ChartKind, Results};
use wfsim::stats::Summary;

const BASELINE: &str = "Baseline";
const APPRENTICES: &str = "20 apprentices a year";
const HOSTILE: &str = "<script>alert(1)</script>";
const METRICS: [&str; 5] = ["vacancy_rate", "agency_rate", "fte_in_post", "avg_caseload", "turnover_rate"];
const MONTHS: u32 = 24;

fn summary(p50: f64, spread: f64) -> Summary {
    Summary {
        mean: p50,
        p5: p50 - 2.0 * spread,
        p10: p50 - 1.5 * spread,
        p25: p50 - spread,
        p50,
        p75: p50 + spread,
        p90: p50 + 1.5 * spread,
        p95: p50 + 2.0 * spread,
    }
}

fn start() -> YearMonth {
    YearMonth::new(2024, 9).unwrap()
}

/// A plausible level for each metric, month and scenario (`effect` > 0 improves things).
fn level(metric: &str, month: u32, effect: f64) -> (f64, f64) {
    let t = f64::from(month) / f64::from(MONTHS);
    let spread = 0.1 + t;
    match metric {
        "vacancy_rate" => (0.18 - 0.06 * effect * t, 0.01 * spread),
        "agency_rate" => (0.15 - 0.05 * effect * t, 0.008 * spread),
        "fte_in_post" => (120.0 + 15.0 * effect * t, 3.0 * spread),
        "avg_caseload" => (17.0 - 2.0 * effect * t, 0.5 * spread),
        // All zeros for one scenario: a constant series must still draw.
        "turnover_rate" if effect == 0.0 => (0.0, 0.0),
        _ => (0.16 - 0.02 * effect * t, 0.01 * spread),
    }
}

fn results(baseline: bool) -> Results {
    let scenarios = [(BASELINE, 0.0), (APPRENTICES, 1.0), (HOSTILE, 0.5)];
    let manifest = Manifest {
        provenance: Provenance { wfsim_version: "0.1.0".into(), seed: 1, replications: 100 },
        quantile_method: "Hyndman-Fan type 7".into(),
        baseline: baseline.then(|| BASELINE.to_string()),
        scenarios: scenarios
            .iter()
            .map(|(name, _)| ScenarioEntry {
                title: None,
                name: name.to_string(),
                description: String::new(),
                file: format!("scenarios/{}.toml", name.len()),
                sha256: "0".repeat(64),
                start: start().plus(1),
                months: MONTHS,
            })
            .collect(),
        metrics: METRICS
            .iter()
            .map(|m| MetricEntry { name: m.to_string(), kind: "stock".into(), description: String::new() })
            .collect(),
        other_groups: Vec::new(),
    };
    let mut timeseries = Vec::new();
    let mut differences = Vec::new();
    for (name, effect) in scenarios {
        for month in 0..=MONTHS {
            for metric in METRICS {
                let (p50, spread) = level(metric, month, effect);
                let mut summary = summary(p50, spread);
                // A missing cell (written empty, read as NaN) must be skipped, not drawn.
                if name == APPRENTICES && metric == "vacancy_rate" && month == 5 {
                    summary.p50 = f64::NAN;
                    summary.p95 = f64::NAN;
                }
                let row = |summary| SeriesRow {
                    scenario: name.to_string(),
                    month,
                    date: start().plus(month as i32),
                    metric: Metric::from_name(metric).unwrap(),
                    summary,
                };
                timeseries.push(row(summary));
                if baseline && name != BASELINE && (metric == "vacancy_rate" || metric == "agency_rate") {
                    let (base, _) = level(metric, month, 0.0);
                    differences.push(row(self::summary(p50 - base, spread * 0.5)));
                }
            }
        }
    }
    Results {
        manifest,
        timeseries,
        annual: Vec::new(),
        whole_year: Vec::new(),
        differences,
        probabilities: Vec::new(),
        assumptions: Vec::new(),
        costs: Vec::new(),
        appraisal: Vec::new(),
        break_even: Vec::new(),
    }
}

fn expected_names() -> Vec<String> {
    let slugs = ["baseline", "20_apprentices_a_year", "script_alert_1_script"];
    let mut names = Vec::new();
    for slug in slugs {
        for metric in METRICS {
            names.push(format!("fan_{metric}_{slug}"));
        }
    }
    names.push("compare_vacancy_rate".into());
    names.push("compare_agency_rate".into());
    for slug in &slugs[1..] {
        for metric in ["vacancy_rate", "agency_rate"] {
            names.push(format!("difference_{metric}_{slug}"));
        }
    }
    names
}

/// The y axis label a chart must carry.
fn y_label(chart: &Chart) -> &'static str {
    match (chart.kind, chart.metric.name()) {
        (ChartKind::Difference, "vacancy_rate") => "Vacancy rate difference (percentage points)",
        (ChartKind::Difference, "agency_rate") => "Agency rate difference (percentage points)",
        (_, "vacancy_rate") => "Vacancy rate (%)",
        (_, "agency_rate") => "Agency rate (%)",
        (_, "turnover_rate") => "Turnover rate (%)",
        (_, "fte_in_post") => "FTE",
        (_, "avg_caseload") => "Cases per FTE",
        (kind, metric) => panic!("unexpected chart {kind:?} of {metric}"),
    }
}

/// Every `<text>` of an SVG, trimmed, after XML parsing (so entities are decoded).
fn svg_texts(chart: &Chart) -> Vec<String> {
    let document = roxmltree::Document::parse(&chart.svg)
        .unwrap_or_else(|e| panic!("{}: the SVG is not well-formed XML: {e}", chart.name));
    assert_eq!(document.root_element().tag_name().name(), "svg", "{}", chart.name);
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

fn decode_png(chart: &Chart) -> (u32, u32) {
    let decoder = png::Decoder::new(chart.png.as_slice());
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{}: PNG header: {e}", chart.name));
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap_or_else(|e| panic!("{}: PNG data: {e}", chart.name));
    (frame.width, frame.height)
}

#[test]
fn every_expected_chart_is_rendered_once_in_order() {
    let charts = render_all(&results(true)).unwrap();
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, expected_names());
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "chart names must be unique");
    for chart in &charts {
        assert!(
            chart.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{}",
            chart.name
        );
        let expected_scenario = match chart.kind {
            ChartKind::Comparison => None,
            ChartKind::Fan | ChartKind::Difference => Some(()),
        };
        assert_eq!(chart.scenario.as_ref().map(|_| ()), expected_scenario, "{}", chart.name);
    }
}

#[test]
fn every_png_decodes_at_the_stated_size() {
    for chart in render_all(&results(true)).unwrap() {
        assert_eq!((chart.width, chart.height), (900, 500), "{}", chart.name);
        assert_eq!(decode_png(&chart), (chart.width, chart.height), "{}", chart.name);
    }
}

#[test]
fn every_svg_parses_and_holds_its_title_and_axis_labels() {
    for chart in render_all(&results(true)).unwrap() {
        let texts = svg_texts(&chart);
        for wanted in [chart.title.as_str(), "Month", y_label(&chart)] {
            assert!(texts.iter().any(|t| t == wanted), "{}: no text {wanted:?} in {texts:?}", chart.name);
        }
        // Dates on the x axis, as "Sep 2025".
        assert!(texts.iter().any(|t| t == "Sep 2025"), "{}: no date labels in {texts:?}", chart.name);
        let width = format!("width=\"{}\"", chart.width);
        assert!(chart.svg.contains(&width), "{}", chart.name);
    }
}

#[test]
fn titles_name_the_metric_and_scenario() {
    let charts = render_all(&results(true)).unwrap();
    let title = |name: &str| charts.iter().find(|c| c.name == name).unwrap().title.clone();
    assert_eq!(title("fan_vacancy_rate_baseline"), "Vacancy rate: Baseline");
    assert_eq!(
        title("fan_avg_caseload_20_apprentices_a_year"),
        "Average caseload (cases per FTE): 20 apprentices a year"
    );
    assert_eq!(
        title("difference_agency_rate_20_apprentices_a_year"),
        "Agency rate: 20 apprentices a year minus Baseline"
    );
}

#[test]
fn hostile_scenario_names_are_escaped_in_the_svg() {
    let charts = render_all(&results(true)).unwrap();
    let hostile: Vec<&Chart> = charts.iter().filter(|c| c.name.ends_with("_script_alert_1_script")).collect();
    assert_eq!(hostile.len(), METRICS.len() + 2);
    for chart in hostile {
        assert_eq!(chart.scenario.as_deref(), Some(HOSTILE));
        assert!(!chart.svg.contains("<script"), "{}: unescaped name", chart.name);
        assert!(chart.svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", chart.name);
        assert!(svg_texts(chart).iter().any(|t| t.contains(HOSTILE)), "{}", chart.name);
    }
    // The comparison legends name it too, escaped.
    let compare = charts.iter().find(|c| c.name == "compare_vacancy_rate").unwrap();
    assert!(!compare.svg.contains("<script"));
    assert!(svg_texts(compare).iter().any(|t| t == HOSTILE));
}

#[test]
fn the_same_results_give_the_same_bytes() {
    let results = results(true);
    let first = render_all(&results).unwrap();
    let second = render_all(&results).unwrap();
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.name, b.name);
        assert!(a.png == b.png, "{}: PNG differs between renders", a.name);
        assert!(a.svg == b.svg, "{}: SVG differs between renders", a.name);
    }
}

#[test]
fn without_a_baseline_there_are_no_difference_charts() {
    let charts = render_all(&results(false)).unwrap();
    assert!(charts.iter().all(|c| c.kind != ChartKind::Difference));
    assert_eq!(charts.len(), 3 * METRICS.len() + 2);
}

#[test]
fn missing_data_give_a_chart_that_says_so() {
    let mut results = results(true);
    // Every value of one series missing; one metric absent altogether.
    for row in results.timeseries.iter_mut().filter(|r| r.scenario == BASELINE && r.metric == Metric::AgencyRate) {
        row.summary = Summary {
            mean: f64::NAN,
            p5: f64::NAN,
            p10: f64::NAN,
            p25: f64::NAN,
            p50: f64::NAN,
            p75: f64::NAN,
            p90: f64::NAN,
            p95: f64::NAN,
        };
    }
    results.timeseries.retain(|r| r.metric != Metric::TurnoverRate);
    // Duplicate slugs and a name with control characters still give unique names and valid SVG.
    results.manifest.scenarios[1].name = "Baseline!".into();
    for row in results.timeseries.iter_mut().chain(&mut results.differences).filter(|r| r.scenario == APPRENTICES) {
        row.scenario = "Baseline!".into();
    }
    results.manifest.scenarios[2].name = "bad\u{1}name".into();

    let charts = render_all(&results).unwrap();
    assert!(charts.iter().all(|c| c.metric != Metric::TurnoverRate));
    let names: BTreeSet<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), charts.len());
    assert!(names.contains("fan_vacancy_rate_baseline_2"), "{names:?}");
    let empty = charts.iter().find(|c| c.name == "fan_agency_rate_baseline").unwrap();
    assert!(svg_texts(empty).iter().any(|t| t.starts_with("No data")));
    for chart in &charts {
        svg_texts(chart);
        assert_eq!(decode_png(chart), (900, 500));
    }
}
