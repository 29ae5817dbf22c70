//! `results.xlsx` read back with an independent reader (calamine): the sheets, every number
//! against the results it was built from, no formulas, and the same bytes every time.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use wfsim::appraisal::Measure;
use wfsim::calendar::YearMonth;
use wfsim::engine::metrics::Metric;
use wfsim::output::costs::{category, metric_of_category};
use wfsim::output::manifest::{Manifest, MetricEntry, Provenance, ScenarioEntry};
use wfsim::report::results::{
    AnnualRow, AppraisalRow, AssumptionRow, BreakEvenRow, BreakEvenStatus, CostRow, Results, SeriesRow,
};
use wfsim::report::workbook::{self, KEY_METRICS};
use wfsim::stats::{Spread, Summary};

const BASELINE: &str = "baseline, central";
const HOSTILE: &str = "<script>alert('x')</script> & \"co\"";

fn expected_sheet_names() -> Vec<String> {
    let mut names = vec!["Summary".to_string()];
    names.extend(KEY_METRICS.iter().map(|m| m.to_string()));
    names.extend(["Annual", "Costs", "Appraisal", "Break-even", "Assumptions", "Manifest"].map(String::from));
    names
}

/// A summary whose values are awkward doubles (none with a short decimal form).
fn summary(base: f64) -> Summary {
    Summary {
        mean: base + 0.1 + 0.2,
        p5: base / 3.0,
        p10: base * 0.7,
        p25: base * 0.9 + 1e-9,
        p50: base,
        p75: base * 1.1,
        p90: base * 1.3,
        p95: base * std::f64::consts::PI / 2.0,
    }
}

fn rate_summary(base: f64) -> Summary {
    Summary {
        mean: base + 0.0012345,
        p5: base * 0.5,
        p10: base * 0.6,
        p25: base * 0.8,
        p50: base,
        p75: base * 1.2,
        p90: base * 1.4,
        p95: base * 1.5 + 1.0 / 3.0e3,
    }
}

fn month(text: &str) -> YearMonth {
    text.parse().unwrap()
}

/// Two scenarios (one name with a comma, one full of markup), 14 months (Sep 2024 to Oct
/// 2025) of four metrics, one of them NaN in places, annual rows, assumptions and a manifest.
fn fixture() -> Results {
    let scenarios = [BASELINE, HOSTILE];
    let start = month("2024-10");
    let mut timeseries = Vec::new();
    for (s, scenario) in scenarios.iter().enumerate() {
        for m in 0..14u32 {
            let shift = s as f64 * 0.01 + f64::from(m) * 0.001;
            for (metric, value) in [
                ("vacancy_rate", rate_summary(0.132 - shift)),
                ("fte_in_post", summary(362.8 + f64::from(m) * 1.7 + s as f64)),
                ("avg_caseload", summary(17.25 - shift)),
                ("starters_fte", summary(f64::from(m) * 0.9)),
            ] {
                let mut value = value;
                if metric == "avg_caseload" && m == 3 {
                    value.p95 = f64::NAN;
                    value.mean = f64::INFINITY;
                }
                timeseries.push(SeriesRow {
                    scenario: scenario.to_string(),
                    month: m,
                    date: start.plus(m as i32 - 1),
                    metric: Metric::from_name(metric).unwrap(),
                    summary: value,
                });
            }
        }
    }
    let mut annual = Vec::new();
    for (s, scenario) in scenarios.iter().enumerate() {
        for year in [2024, 2025] {
            let shift = s as f64 * 0.02 + f64::from(year - 2024) * 0.01;
            let mut metrics = vec![
                ("fte_in_post", summary(362.8 + shift * 100.0)),
                ("vacancy_rate", rate_summary(0.132 - shift)),
                ("agency_rate", rate_summary(0.089 - shift)),
                ("turnover_rate", rate_summary(0.151 + shift)),
                ("avg_caseload", summary(17.0 + shift)),
            ];
            if year == 2025 {
                metrics.push(("starters_fte", summary(41.3 + shift)));
            }
            for (metric, value) in metrics {
                annual.push(AnnualRow {
                    scenario: scenario.to_string(),
                    year,
                    metric: Metric::from_name(metric).unwrap(),
                    summary: value,
                });
            }
        }
    }
    let assumption = |scenario: &str, parameter: &str, value: &str, source: &str, differs: bool| AssumptionRow {
        scenario: scenario.to_string(),
        parameter: parameter.to_string(),
        value: value.to_string(),
        source: source.to_string(),
        file: "scenarios/baseline.toml".to_string(),
        differs_from_baseline: differs,
    };
    let assumptions = vec![
        assumption(BASELINE, "initial.fte_in_post", "362.8", "DfE CSWW 2024, table 1", false),
        assumption(BASELINE, "initial.vacancy_rate", "0.132", "", false),
        assumption(HOSTILE, "initial.fte_in_post", "362.8", "DfE CSWW 2024, table 1", false),
        assumption(HOSTILE, "retention.allowance.hazard_ratio", "=SUM(A1:A2)", "a \"guess\",\nsee <notes>", true),
    ];
    let manifest_scenario = |name: &str, file: &str| ScenarioEntry {
        name: name.to_string(),
        title: None,
        description: format!("Description of {name}"),
        file: file.to_string(),
        sha256: "ab".repeat(32),
        start,
        months: 13,
    };
    Results {
        manifest: Manifest {
            provenance: Provenance { wfsim_version: "0.1.0".to_string(), seed: 42, replications: 250 },
            quantile_method: "Hyndman-Fan type 7".to_string(),
            baseline: Some(BASELINE.to_string()),
            scenarios: vec![
                manifest_scenario(BASELINE, "scenarios/baseline.toml"),
                manifest_scenario(HOSTILE, "scenarios/hostile.toml"),
            ],
            other_groups: Vec::new(),
            metrics: vec![
                MetricEntry {
                    name: "vacancy_rate".to_string(),
                    kind: "stock".to_string(),
                    description: "Vacancy FTE / (vacancy FTE + FTE in post)".to_string(),
                },
                MetricEntry {
                    name: "starters_fte".to_string(),
                    kind: "flow".to_string(),
                    description: "FTE joining".to_string(),
                },
            ],
        },
        timeseries,
        annual,
        whole_year: Vec::new(),
        differences: Vec::new(),
        probabilities: Vec::new(),
        assumptions,
        costs: costs(),
        appraisal: appraisal(),
        break_even: vec![
            BreakEvenRow {
                scenario: BASELINE.to_string(),
                status: BreakEvenStatus::Found,
                hazard_ratio: 0.17041015625,
                net_cost_gbp: 2771.1980573534966,
            },
            BreakEvenRow {
                scenario: HOSTILE.to_string(),
                status: BreakEvenStatus::NeverPays,
                hazard_ratio: 0.0,
                net_cost_gbp: 7_494_238.909804292,
            },
            BreakEvenRow {
                scenario: "always".to_string(),
                status: BreakEvenStatus::AlwaysPays,
                hazard_ratio: 1.0,
                net_cost_gbp: -0.1 - 0.2,
            },
        ],
    }
}

/// The financial years of a 13-month run from October 2024, with the months of each.
const FINANCIAL_YEARS: [(&str, u32); 3] = [("2024-25", 6), ("2025-26", 7), ("total", 13)];

/// Every category of cost for both scenarios and financial years, awkward doubles.
fn costs() -> Vec<CostRow> {
    let categories =
        ["total", "salary", "supplement", "allowance", "welcome", "agency", "recruitment", "training", "grant_income"];
    let mut rows = Vec::new();
    for (s, scenario) in [BASELINE, HOSTILE].into_iter().enumerate() {
        for (year, months) in FINANCIAL_YEARS {
            for (c, category) in categories.into_iter().enumerate() {
                let base = f64::from(months) * 1_141_926.524453748 / (c as f64 + 1.0) + s as f64 / 3.0;
                rows.push(CostRow {
                    scenario: scenario.to_string(),
                    financial_year: year.parse().unwrap(),
                    category: metric_of_category(category).unwrap(),
                    spread: Spread {
                        mean: base + 0.1 + 0.2,
                        p5: base * 0.97,
                        p50: base,
                        p95: if category == "supplement" { 0.0 } else { base * std::f64::consts::E / 2.6 },
                    },
                });
            }
        }
    }
    rows
}

/// The hostile option against the baseline: every measure, each year; the ratio and the
/// probability without percentiles (NaN), one ratio NaN altogether.
fn appraisal() -> Vec<AppraisalRow> {
    let mut rows = Vec::new();
    for (year, months) in FINANCIAL_YEARS {
        let m = f64::from(months);
        for (measure, mean, p5, p50, p95) in [
            ("extra_cost_gbp", 84_372.1 * m, 80_000.3 * m, 84_000.7 / 3.0 * m, 90_001.9 * m),
            ("agency_saving_gbp", -1_234.5 * m, -9_999.99 * m, -1_000.0 / 7.0 * m, 0.0),
            ("net_cost_gbp", 85_606.6 * m, 81_000.1 * m, 85_000.0 / 3.0 * m, 99_999.5 * m),
            ("vacancy_fte_months_avoided", 1.1 * m, -0.3 * m, 1.0 / 3.0 * m, 2.9 * m),
            ("agency_fte_months_saved", 0.7 * m, 0.1 * m, 0.65 * m, 1.3 * m),
            (
                "cost_per_vacancy_fte_month_avoided_gbp",
                if year == "2024-25" { f64::NAN } else { 77_824.181818 },
                f64::NAN,
                f64::NAN,
                f64::NAN,
            ),
            ("probability_cheaper", 0.04, f64::NAN, f64::NAN, f64::NAN),
        ] {
            rows.push(AppraisalRow {
                scenario: HOSTILE.to_string(),
                financial_year: year.parse().unwrap(),
                measure: Measure::from_name(measure).unwrap(),
                spread: Spread { mean, p5, p50, p95 },
            });
        }
    }
    rows
}

/// Writes the workbook to a temporary file and opens it with calamine.
fn open(bytes: &[u8]) -> (tempfile::NamedTempFile, Xlsx<std::io::BufReader<std::fs::File>>) {
    let mut file = tempfile::Builder::new().suffix(".xlsx").tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file.flush().unwrap();
    let workbook = open_workbook::<Xlsx<_>, _>(file.path()).unwrap();
    (file, workbook)
}

fn cell(range: &Range<Data>, row: usize, col: usize) -> Data {
    range.get_value((row as u32, col as u32)).cloned().unwrap_or(Data::Empty)
}

fn text(range: &Range<Data>, row: usize, col: usize) -> String {
    match cell(range, row, col) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => panic!("expected text at ({row}, {col}), got {other:?}"),
    }
}

/// A number cell as f64; `None` for an empty cell.
fn number(range: &Range<Data>, row: usize, col: usize) -> Option<f64> {
    match cell(range, row, col) {
        Data::Float(v) => Some(v),
        Data::Int(v) => Some(v as f64),
        Data::DateTime(d) => Some(d.as_f64()),
        Data::Empty => None,
        other => panic!("expected a number at ({row}, {col}), got {other:?}"),
    }
}

/// Checks a cell against a value: exactly equal if finite, empty if not.
fn assert_number(range: &Range<Data>, row: usize, col: usize, expected: f64, context: &str) {
    let actual = number(range, row, col);
    if expected.is_finite() {
        assert_eq!(actual, Some(expected), "{context}, row {row}, column {col}");
    } else {
        assert_eq!(actual, None, "{context}, row {row}, column {col}: a non-finite value must be an empty cell");
    }
}

/// Days from the civil date to 1970-01-01 (Howard Hinnant's algorithm), to compute Excel
/// serial dates independently of the writer.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Excel serial number (1900 system) of the first day of `date`.
fn excel_serial(date: YearMonth) -> f64 {
    (days_from_civil(i64::from(date.year()), i64::from(date.month()), 1) - days_from_civil(1899, 12, 30)) as f64
}

fn header(range: &Range<Data>, row: usize) -> Vec<String> {
    (0..range.width()).map(|col| text(range, row, col)).filter(|t| !t.is_empty()).collect()
}

const COSTS_HEADER: [&str; 8] = ["scenario", "financial_year", "category", "mean", "p5", "p50", "p95", "months"];
const APPRAISAL_HEADER: [&str; 8] = ["scenario", "financial_year", "measure", "mean", "p5", "p50", "p95", "months"];
const BREAK_EVEN_HEADER: [&str; 5] = ["scenario", "status", "hazard_ratio", "net_cost_gbp", "meaning"];

/// The Costs, Appraisal and Break-even sheets hold exactly the rows of `results`, in order.
fn check_costs(workbook: &mut Xlsx<std::io::BufReader<std::fs::File>>, results: &Results) {
    let range = workbook.worksheet_range("Costs").unwrap();
    assert_eq!(header(&range, 0), COSTS_HEADER);
    assert_eq!(range.end().map_or(0, |(row, _)| row as usize), results.costs.len());
    for (index, expected) in results.costs.iter().enumerate() {
        let row = index + 1;
        let context = format!("Costs, {} {} {}", expected.scenario, expected.financial_year, expected.category);
        assert_eq!(text(&range, row, 0), expected.scenario, "{context}");
        assert_eq!(text(&range, row, 1), expected.financial_year.to_string(), "{context}");
        assert_eq!(text(&range, row, 2), category(expected.category), "{context}");
        for (offset, value) in expected.spread.columns().into_iter().enumerate() {
            assert_number(&range, row, 3 + offset, value, &context);
        }
    }

    let range = workbook.worksheet_range("Appraisal").unwrap();
    assert_eq!(header(&range, 0), APPRAISAL_HEADER);
    assert_eq!(range.end().map_or(0, |(row, _)| row as usize), results.appraisal.len());
    for (index, expected) in results.appraisal.iter().enumerate() {
        let row = index + 1;
        let context = format!("Appraisal, {} {} {}", expected.scenario, expected.financial_year, expected.measure);
        assert_eq!(text(&range, row, 0), expected.scenario, "{context}");
        assert_eq!(text(&range, row, 1), expected.financial_year.to_string(), "{context}");
        assert_eq!(text(&range, row, 2), expected.measure.name(), "{context}");
        for (offset, value) in expected.spread.columns().into_iter().enumerate() {
            assert_number(&range, row, 3 + offset, value, &context);
        }
    }

    let range = workbook.worksheet_range("Break-even").unwrap();
    assert_eq!(header(&range, 0), BREAK_EVEN_HEADER);
    assert_eq!(range.end().map_or(0, |(row, _)| row as usize), results.break_even.len());
    for (index, expected) in results.break_even.iter().enumerate() {
        let row = index + 1;
        let context = format!("Break-even, {}", expected.scenario);
        assert_eq!(text(&range, row, 0), expected.scenario, "{context}");
        assert_eq!(text(&range, row, 1), expected.status.name(), "{context}");
        assert_number(&range, row, 2, expected.hazard_ratio, &context);
        assert_number(&range, row, 3, expected.net_cost_gbp, &context);
        assert!(!text(&range, row, 4).is_empty(), "{context}: its meaning in words");
    }
}

const SERIES_HEADER: [&str; 11] = ["scenario", "month", "date", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"];
const ANNUAL_HEADER: [&str; 11] =
    ["scenario", "year", "metric", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"];

/// Every metric sheet and the Annual sheet hold exactly the rows of `results`, in order.
fn check_numbers(workbook: &mut Xlsx<std::io::BufReader<std::fs::File>>, results: &Results) {
    for metric in KEY_METRICS {
        let range = workbook.worksheet_range(metric.name()).unwrap();
        assert_eq!(header(&range, 0), SERIES_HEADER, "{metric}");
        let rows: Vec<&SeriesRow> = results.timeseries.iter().filter(|r| r.metric == metric).collect();
        assert_eq!(
            range.end().map_or(0, |(row, _)| row as usize),
            rows.len(),
            "{metric}: one row per scenario × month"
        );
        for (index, expected) in rows.iter().enumerate() {
            let row = index + 1;
            let context = format!("sheet {metric}, {} month {}", expected.scenario, expected.month);
            assert_eq!(text(&range, row, 0), expected.scenario, "{context}");
            assert_eq!(number(&range, row, 1), Some(f64::from(expected.month)), "{context}");
            assert!(matches!(cell(&range, row, 2), Data::DateTime(_)), "{context}: date is a real date");
            assert_eq!(number(&range, row, 2), Some(excel_serial(expected.date)), "{context}: date");
            for (offset, value) in expected.summary.columns().into_iter().enumerate() {
                assert_number(&range, row, 3 + offset, value, &context);
            }
        }
    }

    let range = workbook.worksheet_range("Annual").unwrap();
    assert_eq!(header(&range, 0), ANNUAL_HEADER);
    assert_eq!(range.end().map_or(0, |(row, _)| row as usize), results.annual.len());
    for (index, expected) in results.annual.iter().enumerate() {
        let row = index + 1;
        let context = format!("Annual, {} {} {}", expected.scenario, expected.year, expected.metric);
        assert_eq!(text(&range, row, 0), expected.scenario, "{context}");
        assert_eq!(number(&range, row, 1), Some(f64::from(expected.year)), "{context}");
        assert_eq!(text(&range, row, 2), expected.metric.name(), "{context}");
        for (offset, value) in expected.summary.columns().into_iter().enumerate() {
            assert_number(&range, row, 3 + offset, value, &context);
        }
    }
}

#[test]
fn workbook_reads_back_with_the_same_numbers() {
    let results = fixture();
    let bytes = workbook::render(&results).unwrap();
    let (_file, mut workbook) = open(&bytes);

    assert_eq!(workbook.sheet_names(), expected_sheet_names());
    check_numbers(&mut workbook, &results);
    check_costs(&mut workbook, &results);

    // The NaN and infinite values of avg_caseload at month 3 are empty cells.
    let range = workbook.worksheet_range("avg_caseload").unwrap();
    let row = 1 + results
        .timeseries
        .iter()
        .filter(|r| r.metric == Metric::AvgCaseload)
        .position(|r| r.month == 3 && r.scenario == BASELINE)
        .unwrap();
    assert_eq!(cell(&range, row, 3), Data::Empty, "mean = inf");
    assert_eq!(cell(&range, row, 10), Data::Empty, "p95 = NaN");
    assert!(number(&range, row, 9).is_some());

    // A metric with no rows still has its sheet, with the header only.
    let range = workbook.worksheet_range("leavers_fte").unwrap();
    assert_eq!(header(&range, 0), SERIES_HEADER);
    assert_eq!(range.height(), 1);
}

#[test]
fn costs_sheets_mark_part_years_and_leave_missing_percentiles_empty() {
    let results = fixture();
    let (_file, mut workbook) = open(&workbook::render(&results).unwrap());
    let range = workbook.worksheet_range("Costs").unwrap();
    for (index, expected) in results.costs.iter().enumerate() {
        let months = FINANCIAL_YEARS.iter().find(|(year, _)| *year == expected.financial_year.to_string()).unwrap().1;
        assert_eq!(number(&range, index + 1, 7), Some(f64::from(months)), "months simulated in the year");
    }
    let range = workbook.worksheet_range("Appraisal").unwrap();
    for (index, expected) in results.appraisal.iter().enumerate() {
        let row = index + 1;
        if expected.measure.name() == "probability_cheaper" || expected.measure.name().starts_with("cost_per") {
            for col in 4..7 {
                assert_eq!(cell(&range, row, col), Data::Empty, "{} has no percentiles", expected.measure);
            }
        }
    }
    // The ratio of 2024-25 is NaN throughout: an empty row of figures.
    let row = 1 + results
        .appraisal
        .iter()
        .position(|r| r.financial_year.to_string() == "2024-25" && r.measure.name().starts_with("cost_per"))
        .unwrap();
    assert_eq!(cell(&range, row, 3), Data::Empty);
}

#[test]
fn assumptions_sheet_has_every_row() {
    let results = fixture();
    let (_file, mut workbook) = open(&workbook::render(&results).unwrap());
    let range = workbook.worksheet_range("Assumptions").unwrap();
    assert_eq!(header(&range, 0), ["scenario", "parameter", "value", "source", "file", "differs_from_baseline"]);
    assert_eq!(range.end().unwrap().0 as usize, results.assumptions.len());
    for (index, expected) in results.assumptions.iter().enumerate() {
        let row = index + 1;
        assert_eq!(text(&range, row, 0), expected.scenario);
        assert_eq!(text(&range, row, 1), expected.parameter);
        assert_eq!(text(&range, row, 2), expected.value, "written as text, not a formula");
        assert_eq!(text(&range, row, 3), expected.source);
        assert_eq!(text(&range, row, 4), expected.file);
        assert_eq!(text(&range, row, 5), if expected.differs_from_baseline { "yes" } else { "" });
    }
}

#[test]
fn summary_compares_every_scenario_with_the_baseline_first() {
    let results = fixture();
    let (_file, mut workbook) = open(&workbook::render(&results).unwrap());
    let range = workbook.worksheet_range("Summary").unwrap();
    let header_row = (0..range.height()).find(|&row| text(&range, row, 0) == "Scenario").expect("a header row");
    let headers: Vec<String> = (0..range.width()).map(|col| text(&range, header_row, col)).collect();
    assert_eq!(text(&range, header_row + 1, 0), BASELINE);
    assert_eq!(text(&range, header_row + 1, 1), "baseline");
    assert_eq!(text(&range, header_row + 2, 0), HOSTILE);
    assert_eq!(text(&range, header_row + 2, 1), "option");
    let note: String = (0..header_row).map(|row| text(&range, row, 0)).collect::<Vec<_>>().join(" ");
    assert!(note.contains("250 replications") && note.contains("seed 42"), "{note}");

    // The fixture has one full year (2025, 12 simulated months after September 2024): it is
    // also the final year, so it appears once, named in each header.
    let column = |wanted: &str| {
        headers.iter().position(|h| h == wanted).unwrap_or_else(|| panic!("no column {wanted:?} in {headers:?}"))
    };
    let annual = |scenario: &str, metric: &str| {
        results
            .annual
            .iter()
            .find(|r| r.scenario == scenario && r.year == 2025 && r.metric.name() == metric)
            .unwrap()
            .summary
    };
    for (offset, scenario) in [BASELINE, HOSTILE].into_iter().enumerate() {
        let row = header_row + 1 + offset;
        let vacancy = annual(scenario, "vacancy_rate");
        assert_eq!(number(&range, row, column("Vacancy rate, 30 Sep 2025 (final year): median")), Some(vacancy.p50));
        assert_eq!(number(&range, row, column("Vacancy rate, 30 Sep 2025: 5th percentile")), Some(vacancy.p5));
        assert_eq!(number(&range, row, column("Vacancy rate, 30 Sep 2025: 95th percentile")), Some(vacancy.p95));
        let agency = annual(scenario, "agency_rate");
        assert_eq!(number(&range, row, column("Agency rate, 30 Sep 2025 (final year): median")), Some(agency.p50));
        for (metric, label) in
            [("fte_in_post", "FTE in post"), ("turnover_rate", "Turnover rate"), ("avg_caseload", "Average caseload")]
        {
            let header = format!("{label}, 30 Sep 2025: median");
            assert_eq!(number(&range, row, column(&header)), Some(annual(scenario, metric).p50), "{header}");
        }
        let difference = vacancy.p50 - annual(BASELINE, "vacancy_rate").p50;
        let header = "Vacancy rate, 30 Sep 2025: median minus baseline median (percentage points)";
        assert_eq!(number(&range, row, column(header)), Some(difference));
        let total = results.costs.iter().find(|r| r.scenario == scenario && r.financial_year.to_string() == "total");
        let total = total.filter(|r| r.category == Metric::CostTotalGbp).unwrap();
        assert_eq!(number(&range, row, column("Total cost over the projection (£): median")), Some(total.spread.p50));
        let net = results
            .appraisal
            .iter()
            .find(|r| {
                r.scenario == scenario && r.financial_year.to_string() == "total" && r.measure == Measure::NetCostGbp
            })
            .map(|r| r.spread.p50);
        assert_eq!(number(&range, row, column("Net cost against the baseline over the projection (£): median")), net);
    }
}

#[test]
fn summary_names_the_first_full_and_final_years() {
    let mut results = fixture();
    // Extend the annual figures to 2026 so that the first full year (2025) and the final
    // year (2026) differ.
    let extra: Vec<AnnualRow> =
        results.annual.iter().filter(|r| r.year == 2025).map(|r| AnnualRow { year: 2026, ..r.clone() }).collect();
    results.annual.extend(extra);
    let (_file, mut workbook) = open(&workbook::render(&results).unwrap());
    let range = workbook.worksheet_range("Summary").unwrap();
    let header_row = (0..range.height()).find(|&row| text(&range, row, 0) == "Scenario").unwrap();
    let headers: Vec<String> = (0..range.width()).map(|col| text(&range, header_row, col)).collect();
    for wanted in [
        "Vacancy rate, 30 Sep 2025 (first full year): median",
        "Agency rate, 30 Sep 2025: 95th percentile",
        "Vacancy rate, 30 Sep 2026 (final year): median",
        "Agency rate, 30 Sep 2026: 5th percentile",
        "FTE in post, 30 Sep 2026: median",
    ] {
        assert!(headers.iter().any(|h| h == wanted), "no column {wanted:?} in {headers:?}");
    }
    assert!(!headers.iter().any(|h| h.contains("2024")), "2024 is the starting position, not a full year");
}

#[test]
fn manifest_sheet_records_the_run() {
    let results = fixture();
    let (_file, mut workbook) = open(&workbook::render(&results).unwrap());
    let range = workbook.worksheet_range("Manifest").unwrap();
    let value_of = |key: &str| {
        let row = (0..range.height()).find(|&row| text(&range, row, 0) == key).unwrap_or_else(|| panic!("no {key}"));
        cell(&range, row, 1)
    };
    assert_eq!(value_of("wfsim version"), Data::String("0.1.0".to_string()));
    assert_eq!(value_of("seed"), Data::Float(42.0));
    assert_eq!(value_of("replications"), Data::Float(250.0));
    assert_eq!(value_of("baseline"), Data::String(BASELINE.to_string()));
    assert_eq!(value_of("quantile method"), Data::String("Hyndman-Fan type 7".to_string()));
    for scenario in &results.manifest.scenarios {
        let row = (0..range.height()).find(|&row| text(&range, row, 0) == scenario.name).expect("scenario row");
        assert_eq!(text(&range, row, 2), scenario.file);
        assert_eq!(text(&range, row, 3), "2024-10");
        assert_eq!(number(&range, row, 4), Some(13.0));
        assert_eq!(text(&range, row, 5), scenario.sha256);
    }
    for metric in &results.manifest.metrics {
        let row = (0..range.height()).find(|&row| text(&range, row, 0) == metric.name).expect("metric row");
        assert_eq!(text(&range, row, 1), metric.kind);
        assert_eq!(text(&range, row, 2), metric.description);
    }
}

#[test]
fn no_cell_holds_a_formula() {
    let (_file, mut workbook) = open(&workbook::render(&fixture()).unwrap());
    for name in expected_sheet_names() {
        let formulas = workbook.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "a formula in sheet {name}");
    }
}

#[test]
fn same_results_give_the_same_bytes() {
    let results = fixture();
    let first = workbook::render(&results).unwrap();
    // The document's creation time has one-second resolution: wait past it, so that a
    // timestamp taken from the clock would show.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = workbook::render(&results.clone()).unwrap();
    assert!(first == second, "two renderings of the same results differ");
}

/// Parses a CSV number field: empty means not a number.
fn csv_number(field: &str) -> f64 {
    if field.is_empty() { f64::NAN } else { field.parse().unwrap() }
}

/// Reads `costs.csv`, `appraisal.csv` and `breakeven.csv` independently of the report's reader.
fn read_cost_rows(dir: &Path) -> (Vec<CostRow>, Vec<AppraisalRow>, Vec<BreakEvenRow>) {
    let mut reader = csv::Reader::from_path(dir.join("costs.csv")).unwrap();
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), COSTS_HEADER[..7]);
    let costs = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            CostRow {
                scenario: record[0].to_string(),
                financial_year: record[1].parse().unwrap(),
                category: metric_of_category(&record[2]).unwrap(),
                spread: Spread {
                    mean: csv_number(&record[3]),
                    p5: csv_number(&record[4]),
                    p50: csv_number(&record[5]),
                    p95: csv_number(&record[6]),
                },
            }
        })
        .collect();
    let mut reader = csv::Reader::from_path(dir.join("appraisal.csv")).unwrap();
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), APPRAISAL_HEADER[..7]);
    let appraisal = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            AppraisalRow {
                scenario: record[0].to_string(),
                financial_year: record[1].parse().unwrap(),
                measure: Measure::from_name(&record[2]).unwrap(),
                spread: Spread {
                    mean: csv_number(&record[3]),
                    p5: csv_number(&record[4]),
                    p50: csv_number(&record[5]),
                    p95: csv_number(&record[6]),
                },
            }
        })
        .collect();
    let mut reader = csv::Reader::from_path(dir.join("breakeven.csv")).unwrap();
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), BREAK_EVEN_HEADER[..4]);
    let break_even = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            BreakEvenRow {
                scenario: record[0].to_string(),
                status: record[1].parse().unwrap(),
                hazard_ratio: csv_number(&record[2]),
                net_cost_gbp: csv_number(&record[3]),
            }
        })
        .collect();
    (costs, appraisal, break_even)
}

/// Reads the CSV outputs into the rows the workbook is compared with.
fn read_csv_rows(dir: &Path) -> (Vec<SeriesRow>, Vec<AnnualRow>) {
    let summary = |record: &csv::StringRecord, first: usize| {
        let v: Vec<f64> = (first..first + 8).map(|i| csv_number(&record[i])).collect();
        Summary { mean: v[0], p5: v[1], p10: v[2], p25: v[3], p50: v[4], p75: v[5], p90: v[6], p95: v[7] }
    };
    let mut reader = csv::Reader::from_path(dir.join("timeseries.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["scenario", "month", "date", "metric"]
            .into_iter()
            .chain(SERIES_HEADER[3..].iter().copied())
            .collect::<Vec<_>>()
    );
    let timeseries = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            SeriesRow {
                scenario: record[0].to_string(),
                month: record[1].parse().unwrap(),
                date: record[2].parse().unwrap(),
                metric: Metric::from_name(&record[3]).unwrap(),
                summary: summary(&record, 4),
            }
        })
        .collect();
    let mut reader = csv::Reader::from_path(dir.join("annual.csv")).unwrap();
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ANNUAL_HEADER);
    let annual = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            AnnualRow {
                scenario: record[0].to_string(),
                year: record[1].parse().unwrap(),
                metric: Metric::from_name(&record[2]).unwrap(),
                summary: summary(&record, 3),
            }
        })
        .collect();
    (timeseries, annual)
}

/// After `wfsim run`, `results.xlsx` holds exactly the numbers of `timeseries.csv` and
/// `annual.csv`.
#[test]
fn run_writes_a_workbook_that_matches_the_csv_files() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_wfsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--reps", "30", "--months", "24", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "wfsim run failed: {}", String::from_utf8_lossy(&output.stderr));
    let path = out.path().join("results.xlsx");
    assert!(path.exists(), "wfsim run wrote no results.xlsx");

    let (timeseries, annual) = read_csv_rows(out.path());
    assert!(!timeseries.is_empty() && !annual.is_empty());
    let (costs, appraisal, break_even) = read_cost_rows(out.path());
    assert!(!costs.is_empty() && !appraisal.is_empty() && !break_even.is_empty());
    let read_back = Results::read(out.path()).unwrap();
    assert_eq!(read_back.costs, costs, "Results::read reads costs.csv as it is");
    assert_eq!(read_back.break_even, break_even);
    let from_csv = Results { timeseries, annual, costs, appraisal, break_even, ..read_back };
    let mut workbook = open_workbook::<Xlsx<_>, _>(&path).unwrap();
    assert_eq!(workbook.sheet_names(), expected_sheet_names());
    check_numbers(&mut workbook, &from_csv);
    check_costs(&mut workbook, &from_csv);
    let summary = workbook.worksheet_range("Summary").unwrap();
    for scenario in from_csv.scenario_names() {
        assert!(
            (0..summary.height()).any(|row| text(&summary, row, 0) == scenario),
            "{scenario} missing from the Summary sheet"
        );
    }
}
