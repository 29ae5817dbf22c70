//! `report.html`: the report for scrutiny members. One self-contained HTML5 file — the charts
//! inline as SVG, one `<style>` block, no scripts, fonts, images or links — that reads on a
//! laptop or a phone and prints to A4.
//!
//! It opens with a plain-English summary ([`summary_sentences`]), then the options side by side
//! at 30 September, the charts, every scenario's assumptions with their sources (what differs
//! from the baseline marked) and a note on method.
//!
//! The document is built as a plain string. Every piece of data text (scenario names,
//! descriptions, parameters, values, sources, file names, chart titles) goes through
//! [`escape`]; the chart SVGs, drawn by plotters, are the only markup taken as given. The same
//! results and charts always give the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::results::{AssumptionRow, ManifestScenario};
use super::{Chart, ChartKind, Results};
use crate::calendar::YearMonth;
use crate::stats::Summary;

const VACANCY: &str = "vacancy_rate";
const AGENCY: &str = "agency_rate";
const FTE_IN_POST: &str = "fte_in_post";
const TURNOVER: &str = "turnover_rate";
const CASELOAD: &str = "avg_caseload";

/// The vacancy-rate thresholds of the probability statements, the main one first.
const THRESHOLDS: [f64; 2] = [0.10, 0.05];

/// Medians closer than this many tenths of a percentage point are "about the same".
const SAME_WITHIN_TENTHS: i64 = 5;

/// Escapes text for HTML element content and attribute values: `& < > " '`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with line-break opportunities (`<wbr>`) after each `.`, `/` and `_`, so
/// that long parameter names and paths wrap at their joints rather than mid-word.
fn breakable(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::with_capacity(escaped.len() * 2);
    for c in escaped.chars() {
        out.push(c);
        if matches!(c, '.' | '/' | '_') {
            out.push_str("<wbr>");
        }
    }
    out
}

/// How many runs a share of replications is, in words: "8 of 10 runs" (the share rounded to
/// the nearest tenth), "every run" and "no run" only when the share is exactly 1 or 0, and
/// "fewer than 1 in 10 runs" or "more than 9 in 10 runs" when it rounds to 0 or 10 without
/// being exact. "not known" for a share that is not a number.
pub fn runs_phrase(share: f64) -> String {
    if share.is_nan() {
        return "not known".to_string();
    }
    if share >= 1.0 {
        return "every run".to_string();
    }
    if share <= 0.0 {
        return "no run".to_string();
    }
    match (share * 10.0).round() as i64 {
        0 => "fewer than 1 in 10 runs".to_string(),
        10 => "more than 9 in 10 runs".to_string(),
        n => format!("{n} of 10 runs"),
    }
}

/// The plain-English summary of every scenario, baseline first, each sentence prefixed with
/// its scenario's name (`"baseline: By September 2026 ..."`). The report shows the same
/// sentences ([`scenario_sentences`]) grouped under each scenario's name.
pub fn summary_sentences(results: &Results) -> Vec<String> {
    ordered_scenarios(results)
        .into_iter()
        .flat_map(|s| scenario_sentences(results, &s.name).into_iter().map(move |text| format!("{}: {text}", s.name)))
        .collect()
}

/// The plain-English summary of one scenario, in reading order: the starting position (for
/// the baseline, and for an option that starts elsewhere); for an option, the headline — its
/// vacancy and agency rates against the baseline's at the last 30 September (medians); the
/// vacancy and agency rates at each 30 September after the start (median and 90% interval);
/// and how often the vacancy rate is below 10% (and 5%) at a middle and the last 30 September.
pub fn scenario_sentences(results: &Results, scenario: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    if let Some(sentence) = starting_position(results, scenario) {
        sentences.push(sentence);
    }
    let years = projected_years(results, scenario);
    // Options say how they differ and where they end up; their year-by-year figures are in
    // the side-by-side table, so that the summary stays a two-minute read.
    let is_option = results.baseline().is_some_and(|baseline| baseline != scenario);
    if let (Some(baseline), Some(&last)) = (results.baseline(), years.last())
        && baseline != scenario
    {
        for (metric, name) in [(VACANCY, "vacancy"), (AGENCY, "agency")] {
            let (Some(option), Some(base)) =
                (annual_summary(results, scenario, metric, last), annual_summary(results, baseline, metric, last))
            else {
                continue;
            };
            if let Some(comparison) = comparison(option.p50, base.p50) {
                sentences.push(format!(
                    "By September {last} the {name} rate is {comparison} (median {} against {}).",
                    pct(option.p50),
                    pct(base.p50)
                ));
            }
        }
    }
    let (shown_years, chance_years) = if is_option {
        (years.last().copied().into_iter().collect(), years.last().copied().into_iter().collect())
    } else {
        (years.clone(), probability_years(&years))
    };
    for &year in &shown_years {
        let vacancy = annual_summary(results, scenario, VACANCY, year);
        let agency = annual_summary(results, scenario, AGENCY, year);
        let sentence = match (vacancy, agency) {
            (Some(v), Some(a)) => format!(
                "By September {year} the vacancy rate is projected at {} and the agency rate at {}.",
                with_interval(&v),
                with_interval(&a)
            ),
            (Some(v), None) => format!("By September {year} the vacancy rate is projected at {}.", with_interval(&v)),
            (None, Some(a)) => format!("By September {year} the agency rate is projected at {}.", with_interval(&a)),
            (None, None) => continue,
        };
        sentences.push(sentence);
    }
    for year in chance_years {
        if let Some(sentence) = probability_sentence(results, scenario, year) {
            sentences.push(sentence);
        }
    }
    sentences
}

/// "At 30 September 2024, the starting position, ...": for the baseline (or the first
/// scenario when there is none), and for an option whose starting position differs from it.
fn starting_position(results: &Results, scenario: &str) -> Option<String> {
    let year = start_year(results.scenario(scenario)?)?;
    let reference = results.baseline().or_else(|| results.scenario_names().first().copied())?;
    let vacancy = annual_summary(results, scenario, VACANCY, year);
    let agency = annual_summary(results, scenario, AGENCY, year);
    if reference != scenario {
        let reference_year = results.scenario(reference).and_then(start_year);
        let same = reference_year == Some(year)
            && vacancy.map(|s| tenths(s.p50))
                == annual_summary(results, reference, VACANCY, year).map(|s| tenths(s.p50))
            && agency.map(|s| tenths(s.p50)) == annual_summary(results, reference, AGENCY, year).map(|s| tenths(s.p50));
        if same {
            return None;
        }
    }
    let body = match (vacancy, agency) {
        (Some(v), Some(a)) => format!("the vacancy rate was {} and the agency rate {}", pct(v.p50), pct(a.p50)),
        (Some(v), None) => format!("the vacancy rate was {}", pct(v.p50)),
        (None, Some(a)) => format!("the agency rate was {}", pct(a.p50)),
        (None, None) => return None,
    };
    Some(format!("At 30 September {year}, the starting position, {body}."))
}

/// "In 8 of 10 runs the vacancy rate is below 10% by September 2026, and in 3 of 10 runs
/// below 5%." The lower threshold is left out when no run is below the higher one.
fn probability_sentence(results: &Results, scenario: &str, year: i32) -> Option<String> {
    let shares: Vec<(f64, f64)> = THRESHOLDS
        .iter()
        .filter_map(|&t| results.share_below(scenario, year, VACANCY, t).filter(|s| !s.is_nan()).map(|s| (t, s)))
        .collect();
    let (&(threshold, share), rest) = shares.split_first()?;
    let mut sentence = if share <= 0.0 {
        format!("In no run is the vacancy rate below {} by September {year}", whole_pct(threshold))
    } else {
        format!("In {} the vacancy rate is below {} by September {year}", runs_phrase(share), whole_pct(threshold))
    };
    if share > 0.0 {
        for &(threshold, share) in rest {
            let _ = write!(sentence, ", and in {} below {}", runs_phrase(share), whole_pct(threshold));
        }
    }
    sentence.push('.');
    Some(sentence)
}

/// "2.3 percentage points lower than in the baseline", from the medians as shown (rounded to
/// a tenth of a percentage point), or "about the same as in the baseline" within half a point.
fn comparison(option: f64, baseline: f64) -> Option<String> {
    if !option.is_finite() || !baseline.is_finite() {
        return None;
    }
    let difference = tenths(option) - tenths(baseline);
    if difference.abs() <= SAME_WITHIN_TENTHS {
        return Some("about the same as in the baseline".to_string());
    }
    let unit = if difference.abs() == 10 { "percentage point" } else { "percentage points" };
    let direction = if difference < 0 { "lower" } else { "higher" };
    Some(format!("{} {unit} {direction} than in the baseline", fmt_tenths(difference.abs())))
}

/// The years of the probability statements: a middle year and the last, in order.
fn probability_years(years: &[i32]) -> Vec<i32> {
    let Some(&last) = years.last() else {
        return Vec::new();
    };
    let middle = years[(years.len() - 1) / 2];
    if middle == last { vec![last] } else { vec![middle, last] }
}

/// The scenarios in report order: the baseline first, then the others in run order.
fn ordered_scenarios(results: &Results) -> Vec<&ManifestScenario> {
    let baseline = results.baseline();
    let scenarios = &results.manifest.scenarios;
    scenarios
        .iter()
        .filter(|s| Some(s.name.as_str()) == baseline)
        .take(1)
        .chain(scenarios.iter().filter(|s| Some(s.name.as_str()) != baseline))
        .collect()
}

/// The year of the 30 September that is the starting position (month 0), if month 0 is a
/// September.
fn start_year(scenario: &ManifestScenario) -> Option<i32> {
    let month0 = scenario.start.plus(-1);
    (month0.month() == 9).then(|| month0.year())
}

/// The years with annual figures for `scenario` whose 30 September was simulated (after the
/// starting position).
fn projected_years(results: &Results, scenario: &str) -> Vec<i32> {
    let start = results.scenario(scenario).map(|s| s.start);
    let mut years: Vec<i32> = results
        .annual
        .iter()
        .filter(|r| r.scenario == scenario && (r.metric == VACANCY || r.metric == AGENCY))
        .map(|r| r.year)
        .filter(|&y| match (start, YearMonth::new(y, 9)) {
            (Some(start), Some(september)) => september >= start,
            _ => true,
        })
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

fn annual_summary(results: &Results, scenario: &str, metric: &str, year: i32) -> Option<Summary> {
    results.annual.iter().find(|r| r.scenario == scenario && r.metric == metric && r.year == year).map(|r| r.summary)
}

/// "7.0% (90% interval 4.2% to 10.1%)".
fn with_interval(summary: &Summary) -> String {
    format!("{} (90% interval {} to {})", pct(summary.p50), pct(summary.p5), pct(summary.p95))
}

/// A fraction in tenths of a percentage point: 0.0705 is 71 (7.1%).
fn tenths(fraction: f64) -> i64 {
    (fraction * 1000.0).round() as i64
}

/// Tenths as a decimal: 71 is "7.1", -5 is "-0.5".
fn fmt_tenths(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
}

/// A fraction as a percentage with one decimal: 0.0705 is "7.1%".
fn pct(fraction: f64) -> String {
    if fraction.is_finite() { format!("{}%", fmt_tenths(tenths(fraction))) } else { "n/a".to_string() }
}

/// A threshold as a percentage without needless decimals: 0.1 is "10%", 0.075 is "7.5%".
fn whole_pct(fraction: f64) -> String {
    let t = tenths(fraction);
    if t % 10 == 0 { format!("{}%", t / 10) } else { pct(fraction) }
}

/// A number with one decimal: 362.84 is "362.8".
fn num1(value: f64) -> String {
    if value.is_finite() { fmt_tenths((value * 10.0).round() as i64) } else { "n/a".to_string() }
}

/// A whole number with thousands separators: 10000 is "10,000".
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(count as u64), if count == 1 { one } else { many })
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "September 2029".
fn month_name(month: YearMonth) -> String {
    format!("{} {}", MONTH_NAMES[month.month() as usize - 1], month.year())
}

/// The end of the month before `start`, the starting position: "30 September 2024".
fn starting_date(start: YearMonth) -> String {
    let month0 = start.plus(-1);
    if month0.month() == 9 {
        format!("30 September {}", month0.year())
    } else {
        format!("the end of {}", month_name(month0))
    }
}

const STYLE: &str = r#"
:root { color-scheme: light; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #1b1b1b; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; font-size: 1rem; line-height: 1.5; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.5rem 0 0.75rem; }
h2 { font-size: 1.4rem; line-height: 1.3; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 2px solid #1d4f91; }
h3 { font-size: 1.15rem; line-height: 1.3; margin: 1.75rem 0 0.5rem; overflow-wrap: anywhere; }
p, ul, ol, dl { margin: 0.5rem 0 0.75rem; }
ul { padding-left: 1.25rem; }
li { margin: 0.2rem 0; }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; overflow-wrap: break-word; }
code.hash { overflow-wrap: anywhere; }
.intro { font-size: 1.05rem; }
.note { color: #4a4a4a; font-size: 0.95rem; }
.description { color: #4a4a4a; margin-top: 0; }
.tag { display: inline-block; margin-left: 0.4rem; padding: 0 0.4rem; border: 1px solid #1d4f91; border-radius: 0.25rem; color: #1d4f91; font-size: 0.75rem; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase; vertical-align: middle; }
.scenario-summary { margin: 1rem 0 1.5rem; padding: 0.75rem 1rem; border-left: 4px solid #1d4f91; background: #f5f7fa; }
.scenario-summary h3 { margin-top: 0; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { padding: 0.4rem 0.5rem; border-bottom: 1px solid #d5d9e0; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #8a94a6; background: #eef1f5; font-weight: 600; vertical-align: bottom; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tbody th { font-weight: 600; background: #fff; }
tbody th .interval { font-weight: normal; }
.sticky th:first-child { position: sticky; left: 0; z-index: 1; }
.sticky tbody th { min-width: 8rem; max-width: 14rem; }
tr.baseline th, tr.baseline td { background: #eef1f5; }
.interval { display: block; color: #555; font-size: 0.85em; }
.lower { color: #0b6e3a; }
.higher { color: #a3261b; }
tr.changed td, tr.changed th { background: #fff1c2; }
.marker { display: inline-block; margin-left: 0.3rem; padding: 0 0.3rem; border: 1px solid #8a6d00; border-radius: 0.2rem; color: #5c4800; font-size: 0.75rem; font-weight: 700; text-transform: uppercase; }
.was { display: block; color: #555; font-size: 0.85em; }
.none { color: #777; font-style: italic; }
details { margin: 0.5rem 0 1rem; }
details > summary { cursor: pointer; color: #1d4f91; font-weight: 600; }
figure { margin: 1.25rem 0 1.75rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
dt { font-weight: 600; }
dd { margin: 0 0 0.5rem 1rem; }
@media (max-width: 40rem) {
  main { padding: 0.75rem 0.75rem 2rem; }
  h1 { font-size: 1.45rem; }
  h2 { font-size: 1.25rem; }
  table { font-size: 0.875rem; }
  th, td { padding: 0.35rem 0.4rem; }
  .scenario-summary { padding: 0.6rem 0.75rem; }
}
@media print {
  @page { size: A4; margin: 15mm; }
  html { font-size: 10pt; }
  body { color: #000; }
  main { max-width: none; margin: 0; padding: 0; }
  h2 { margin-top: 1.5rem; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  #charts, #assumptions, #method { break-before: page; page-break-before: always; }
  .table-wrap { overflow: visible; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, li, figure, .scenario-summary { break-inside: avoid; page-break-inside: avoid; }
  .scenario-summary { background: none; border-left: 2px solid #000; }
  tr.changed td, tr.changed th, tr.baseline th, tr.baseline td, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details > summary { color: #000; }
  figure svg { max-height: 125mm; }
}
"#;

/// The whole report as an HTML5 document.
pub fn render(results: &Results, charts: &[Chart]) -> String {
    let mut out = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    let title = "Children's social work workforce: options compared";
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{title}</title>");
    let _ = writeln!(out, "<style>{STYLE}</style>");
    out.push_str("</head>\n<body>\n<main>\n");
    let _ = writeln!(out, "<header>\n<h1>{title}</h1>");
    intro(&mut out, results);
    out.push_str("</header>\n");
    summary_section(&mut out, results);
    options_section(&mut out, results);
    charts_section(&mut out, results, charts);
    assumptions_section(&mut out, results);
    method_section(&mut out, results);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn intro(out: &mut String, results: &Results) {
    let manifest = &results.manifest;
    let scenarios = ordered_scenarios(results);
    let count = scenarios.len();
    let what = match results.baseline() {
        Some(baseline) if count > 1 => format!(
            "This report compares {} for the children's social work workforce: the baseline{}, and {}.",
            plural(count, "scenario", "scenarios"),
            if baseline == "baseline" { String::new() } else { format!(", <strong>{}</strong>", escape(baseline)) },
            plural(count - 1, "option", "options")
        ),
        _ => format!(
            "This report describes {} for the children's social work workforce.",
            plural(count, "scenario", "scenarios")
        ),
    };
    let runs = format!(
        "Each was simulated {} (replications) with seed {}",
        plural(manifest.replications as usize, "time", "times"),
        manifest.seed
    );
    let period = match scenarios.first() {
        Some(first) if scenarios.iter().all(|s| s.start == first.start && s.months == first.months) => format!(
            ", starting from the position at {} and running {} to the end of {}.",
            starting_date(first.start),
            plural(first.months as usize, "month", "months"),
            month_name(first.start.plus(first.months as i32 - 1))
        ),
        Some(_) => ", over the periods listed under Method.".to_string(),
        None => ".".to_string(),
    };
    let _ = writeln!(
        out,
        "<p class=\"intro\">{what} {runs}{period} Every figure is the median of the runs, with a 90% interval: \
         the range within which 90% of the runs fell.</p>"
    );
    let _ = writeln!(out, "<p class=\"note\">Generated by wfsim version {}.</p>", escape(&manifest.wfsim_version));
}

/// The name of a scenario as a heading, with a "baseline" tag when it is the baseline.
fn scenario_heading(results: &Results, scenario: &ManifestScenario) -> String {
    let tag =
        if results.baseline() == Some(scenario.name.as_str()) { "<span class=\"tag\">baseline</span>" } else { "" };
    format!("{}{tag}", escape(&scenario.name))
}

fn description(scenario: &ManifestScenario) -> String {
    if scenario.description.is_empty() {
        String::new()
    } else {
        format!("<p class=\"description\">{}</p>\n", escape(&scenario.description))
    }
}

fn summary_section(out: &mut String, results: &Results) {
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    out.push_str(
        "<p>For each scenario: the vacancy rate (vacant posts as a share of all posts) and the agency rate (agency \
         workers as a share of all workers) projected at 30 September each year, as the DfE measures them, and how \
         often the vacancy rate falls below 10% and 5%.</p>\n",
    );
    for (metric, label) in [(VACANCY, "Vacancy rate"), (AGENCY, "Agency rate")] {
        yearly_table(out, results, metric, label);
    }
    for scenario in ordered_scenarios(results) {
        let _ = writeln!(out, "<section class=\"scenario-summary\">\n<h3>{}</h3>", scenario_heading(results, scenario));
        out.push_str(&description(scenario));
        let sentences = scenario_sentences(results, &scenario.name);
        if sentences.is_empty() {
            out.push_str("<p class=\"none\">No projected figures at 30 September.</p>\n");
        } else {
            out.push_str("<ul>\n");
            for sentence in sentences {
                let _ = writeln!(out, "<li>{}</li>", escape(&sentence));
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

/// One rate for every scenario at each projected 30 September: median with the 90% interval
/// beneath, so that every option's path can be read at a glance.
fn yearly_table(out: &mut String, results: &Results, metric: &str, label: &str) {
    let Some(reference) = results.baseline().or_else(|| results.scenario_names().first().copied()) else { return };
    let years = projected_years(results, reference);
    if years.is_empty() {
        return;
    }
    out.push_str("<div class=\"table-wrap\">\n<table class=\"sticky\">\n");
    let _ = writeln!(out, "<caption>{} at 30 September: median, 90% interval beneath</caption>", escape(label));
    out.push_str("<thead><tr><th scope=\"col\">Scenario</th>");
    for year in &years {
        let _ = write!(out, "<th scope=\"col\" class=\"num\">{year}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for scenario in ordered_scenarios(results) {
        let is_baseline = results.baseline() == Some(scenario.name.as_str());
        let _ = write!(
            out,
            "<tr{}><th scope=\"row\">{}</th>",
            if is_baseline { " class=\"baseline\"" } else { "" },
            scenario_heading(results, scenario)
        );
        for &year in &years {
            out.push_str(&figure_cell(annual_summary(results, &scenario.name, metric, year), pct));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

/// The years of the side-by-side tables: the last 30 September, then the first after the
/// start, of the baseline (or the first scenario).
fn table_years(results: &Results) -> Vec<(i32, &'static str)> {
    let Some(reference) = results.baseline().or_else(|| results.scenario_names().first().copied()) else {
        return Vec::new();
    };
    let years = projected_years(results, reference);
    match (years.first(), years.last()) {
        (Some(&first), Some(&last)) if first != last => vec![(last, "end of the projection"), (first, "first year")],
        (Some(&only), _) => vec![(only, "end of the projection")],
        _ => Vec::new(),
    }
}

/// A table cell with the median and, beneath, the 90% interval.
fn figure_cell(summary: Option<Summary>, format: fn(f64) -> String) -> String {
    match summary {
        Some(s) if s.p50.is_finite() => format!(
            "<td class=\"num\">{}<span class=\"interval\">{} to {}</span></td>",
            escape(&format(s.p50)),
            escape(&format(s.p5)),
            escape(&format(s.p95))
        ),
        _ => "<td class=\"num\"><span class=\"none\">n/a</span></td>".to_string(),
    }
}

fn options_section(out: &mut String, results: &Results) {
    out.push_str("<section id=\"options\">\n<h2>Options side by side</h2>\n");
    let years = table_years(results);
    if years.is_empty() {
        out.push_str("<p class=\"none\">No 30 September falls within the projection.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<p>Figures at 30 September: the median of the runs, with the 90% interval beneath. Turnover is leavers over \
         the year as a share of FTE in post; caseload is open cases per case-holding FTE.</p>\n",
    );
    let baseline = results.baseline();
    for (year, label) in years {
        out.push_str("<div class=\"table-wrap\">\n<table class=\"sticky\">\n");
        let _ = writeln!(out, "<caption>30 September {year} ({label})</caption>");
        out.push_str("<thead><tr><th scope=\"col\">Scenario</th><th scope=\"col\" class=\"num\">Vacancy rate</th>");
        if baseline.is_some() {
            out.push_str("<th scope=\"col\" class=\"num\">Vacancy rate vs baseline</th>");
        }
        out.push_str(
            "<th scope=\"col\" class=\"num\">Agency rate</th><th scope=\"col\" class=\"num\">FTE in post</th>\
             <th scope=\"col\" class=\"num\">Turnover</th><th scope=\"col\" class=\"num\">Average caseload</th>\
             </tr></thead>\n<tbody>\n",
        );
        let baseline_vacancy = baseline.and_then(|b| annual_summary(results, b, VACANCY, year));
        for scenario in ordered_scenarios(results) {
            let name = scenario.name.as_str();
            let is_baseline = baseline == Some(name);
            let _ = write!(
                out,
                "<tr{}><th scope=\"row\">{}",
                if is_baseline { " class=\"baseline\"" } else { "" },
                scenario_heading(results, scenario)
            );
            if !scenario.description.is_empty() {
                let _ = write!(out, "<span class=\"interval\">{}</span>", escape(&scenario.description));
            }
            out.push_str("</th>");
            let vacancy = annual_summary(results, name, VACANCY, year);
            out.push_str(&figure_cell(vacancy, pct));
            if baseline.is_some() {
                out.push_str(&difference_cell(is_baseline, vacancy, baseline_vacancy));
            }
            out.push_str(&figure_cell(annual_summary(results, name, AGENCY, year), pct));
            out.push_str(&figure_cell(annual_summary(results, name, FTE_IN_POST, year), num1));
            out.push_str(&figure_cell(annual_summary(results, name, TURNOVER, year), pct));
            out.push_str(&figure_cell(annual_summary(results, name, CASELOAD, year), num1));
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
    if baseline.is_some() {
        out.push_str(
            "<p class=\"note\">Vacancy rate vs baseline: the option's median minus the baseline's, in percentage \
             points (pp); negative is fewer vacancies.</p>\n",
        );
    }
    out.push_str("</section>\n");
}

/// The difference of two medians in percentage points, signed: "−2.3 pp".
fn difference_cell(is_baseline: bool, option: Option<Summary>, baseline: Option<Summary>) -> String {
    if is_baseline {
        return "<td class=\"num\">baseline</td>".to_string();
    }
    match (option, baseline) {
        (Some(o), Some(b)) if o.p50.is_finite() && b.p50.is_finite() => {
            let d = tenths(o.p50) - tenths(b.p50);
            let (class, sign) = match d.signum() {
                -1 => (" lower", "\u{2212}"),
                1 => (" higher", "+"),
                _ => ("", ""),
            };
            format!("<td class=\"num{class}\">{sign}{} pp</td>", fmt_tenths(d.abs()))
        }
        _ => "<td class=\"num\"><span class=\"none\">n/a</span></td>".to_string(),
    }
}

/// A chart's SVG ready to sit inside HTML: any XML declaration or doctype removed, and a
/// `viewBox` added if it has none, so that it scales to the page.
fn inline_svg(chart: &Chart) -> String {
    let mut svg = chart.svg.trim_start();
    loop {
        let end = if svg.starts_with("<?") {
            svg.find("?>").map(|i| i + 2)
        } else if svg.starts_with("<!DOCTYPE") || svg.starts_with("<!doctype") {
            svg.find('>').map(|i| i + 1)
        } else {
            None
        };
        match end {
            Some(end) => svg = svg[end..].trim_start(),
            None => break,
        }
    }
    let mut svg = svg.trim_end().to_string();
    if let Some(open) = svg.find("<svg") {
        let tag_end = svg[open..].find('>').map_or(svg.len(), |i| open + i);
        if !svg[open..tag_end].contains("viewBox") && chart.width > 0 && chart.height > 0 {
            svg.insert_str(open + 4, &format!(" viewBox=\"0 0 {} {}\"", chart.width, chart.height));
        }
    }
    svg
}

fn chart_figure(out: &mut String, chart: &Chart) {
    let _ = writeln!(
        out,
        "<figure class=\"chart\">\n{}\n<figcaption class=\"visually-hidden\">{}</figcaption>\n</figure>",
        inline_svg(chart),
        escape(&chart.title)
    );
}

fn charts_section(out: &mut String, results: &Results, charts: &[Chart]) {
    out.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    if charts.is_empty() {
        out.push_str("<p class=\"none\">No charts were drawn.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<p>In a fan chart the line is the median run; the darker band holds the middle half of the runs (25th to \
         75th percentile) and the lighter band 90% of them (5th to 95th). A difference chart shows an option minus \
         the baseline, run by run on the same luck: below zero, the option has less of the quantity.</p>\n",
    );
    let comparisons: Vec<&Chart> = charts.iter().filter(|c| c.kind == ChartKind::Comparison).collect();
    if !comparisons.is_empty() {
        out.push_str("<h3>All scenarios compared</h3>\n");
        for chart in comparisons {
            chart_figure(out, chart);
        }
    }
    let names = results.scenario_names();
    for scenario in ordered_scenarios(results) {
        let own: Vec<&Chart> = [ChartKind::Fan, ChartKind::Difference]
            .iter()
            .flat_map(|&kind| {
                charts.iter().filter(move |c| c.kind == kind && c.scenario.as_deref() == Some(scenario.name.as_str()))
            })
            .collect();
        if own.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h3>{}</h3>", scenario_heading(results, scenario));
        for chart in own {
            chart_figure(out, chart);
        }
    }
    let others: Vec<&Chart> = charts
        .iter()
        .filter(|c| c.kind != ChartKind::Comparison && !c.scenario.as_deref().is_some_and(|s| names.contains(&s)))
        .collect();
    if !others.is_empty() {
        out.push_str("<h3>Other charts</h3>\n");
        for chart in others {
            chart_figure(out, chart);
        }
    }
    out.push_str("</section>\n");
}

fn assumptions_section(out: &mut String, results: &Results) {
    out.push_str("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n");
    out.push_str(
        "<p>Every parameter of every scenario as its file sets it (its own or inherited), with the comment that \
         gives its source. A value written as a distribution is uncertain: each run draws it once.</p>\n",
    );
    let baseline = results.baseline();
    let baseline_values: BTreeMap<&str, &str> = baseline
        .map(|b| results.assumptions(b).into_iter().map(|r| (r.parameter.as_str(), r.value.as_str())).collect())
        .unwrap_or_default();
    if baseline.is_some() {
        out.push_str(
            "<p>In each option, the parameters set differently from the baseline are marked \
             <span class=\"marker\">changed</span> and shaded, with the baseline's value beneath; the others are \
             folded away.</p>\n",
        );
    }
    for scenario in ordered_scenarios(results) {
        let name = scenario.name.as_str();
        let _ = writeln!(out, "<h3>{}</h3>", scenario_heading(results, scenario));
        out.push_str(&description(scenario));
        let _ = writeln!(out, "<p class=\"note\">File: <code>{}</code></p>", breakable(&scenario.file));
        let rows = results.assumptions(name);
        if rows.is_empty() {
            out.push_str("<p class=\"none\">No parameters recorded.</p>\n");
            continue;
        }
        let is_option = baseline.is_some() && baseline != Some(name);
        if !is_option {
            assumptions_table(out, &rows, &baseline_values, false);
            continue;
        }
        let (changed, same): (Vec<&AssumptionRow>, Vec<&AssumptionRow>) =
            rows.into_iter().partition(|r| r.differs_from_baseline);
        if changed.is_empty() {
            out.push_str("<p>No parameter differs from the baseline.</p>\n");
        } else {
            assumptions_table(out, &changed, &baseline_values, true);
        }
        if !same.is_empty() {
            let _ = writeln!(
                out,
                "<details>\n<summary>{} as in the baseline</summary>",
                plural(same.len(), "parameter", "parameters")
            );
            assumptions_table(out, &same, &baseline_values, false);
            out.push_str("</details>\n");
        }
    }
    out.push_str("</section>\n");
}

fn assumptions_table(out: &mut String, rows: &[&AssumptionRow], baseline: &BTreeMap<&str, &str>, show_baseline: bool) {
    out.push_str(
        "<div class=\"table-wrap\">\n<table class=\"assumptions\">\n<thead><tr><th scope=\"col\">Parameter</th>\
         <th scope=\"col\">Value</th><th scope=\"col\">Source</th><th scope=\"col\">Set in file</th></tr></thead>\n\
         <tbody>\n",
    );
    for row in rows {
        let (class, marker) = if row.differs_from_baseline {
            (" class=\"changed\"", "<span class=\"marker\">changed</span>")
        } else {
            ("", "")
        };
        let was = if show_baseline && row.differs_from_baseline {
            match baseline.get(row.parameter.as_str()) {
                Some(value) => format!("<span class=\"was\">baseline: <code>{}</code></span>", escape(value)),
                None => "<span class=\"was\">baseline: not set</span>".to_string(),
            }
        } else {
            String::new()
        };
        let source = if row.source.trim().is_empty() {
            "<span class=\"none\">none given</span>".to_string()
        } else {
            escape(&row.source)
        };
        let _ = writeln!(
            out,
            "<tr{class}><td><code>{}</code>{marker}</td><td><code>{}</code>{was}</td><td>{source}</td>\
             <td><code>{}</code></td></tr>",
            breakable(&row.parameter),
            escape(&row.value),
            breakable(&row.file)
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

fn method_section(out: &mut String, results: &Results) {
    let manifest = &results.manifest;
    out.push_str("<section id=\"method\">\n<h2>Method</h2>\n<ul>\n");
    let _ = writeln!(
        out,
        "<li><strong>Runs.</strong> Each scenario was simulated {} (replications) from master seed {}. The same \
         scenario files, seed and number of runs give exactly the same figures on any machine.</li>",
        plural(manifest.replications as usize, "time", "times"),
        manifest.seed
    );
    out.push_str(
        "<li><strong>Month by month.</strong> Each run steps through the months one at a time: open cases, funded \
         posts, trainees in their pipelines, leavers, long absences, recruitment, agency cover and caseloads. \
         Figures at 30 September follow the DfE workforce return's definitions.</li>\n",
    );
    out.push_str(
        "<li><strong>Two kinds of uncertainty.</strong> Parameters whose true value is uncertain (an allowance's \
         effect, the number of newly qualified workers next year) are drawn once for each run from the ranges in the \
         scenario; chance events (who leaves this month) are drawn every month.</li>\n",
    );
    let _ = writeln!(
        out,
        "<li><strong>Percentiles.</strong> The median (50th percentile) is the middle run: half the runs were \
         below it. The 90% interval runs from the 5th to the 95th percentile: in 90% of runs the value fell between \
         them. Quantile method: {}.</li>",
        escape(&manifest.quantile_method)
    );
    out.push_str(
        "<li><strong>Paired comparisons.</strong> Run 17 of an option uses the same random numbers as run 17 of the \
         baseline wherever their states agree (common random numbers), so differences between options reflect the \
         options rather than luck. The statements of probability count the runs in which the vacancy rate at 30 \
         September was below the threshold.</li>\n",
    );
    out.push_str(
        "<li><strong>Modelled:</strong> permanent social workers one by one (route of entry, time with the council, \
         time since qualifying, hours, allowances and welcome payments, long absence); recruitment by route \
         (university, degree apprenticeship, Step Up, Frontline, overseas and experienced hires); leavers and their \
         destinations; agency cover limited by supply and budget; funded posts; open cases and caseloads.</li>\n",
    );
    out.push_str(
        "<li><strong>Not modelled:</strong> costs (not yet modelled, so this report shows no spending or savings); \
         promotion between grades; movements between teams.</li>\n</ul>\n",
    );
    let descriptions = results.metric_descriptions();
    let defined: Vec<(&str, &str)> = [
        (VACANCY, "Vacancy rate"),
        (AGENCY, "Agency rate"),
        (FTE_IN_POST, "FTE in post"),
        (TURNOVER, "Turnover"),
        (CASELOAD, "Average caseload"),
    ]
    .into_iter()
    .filter_map(|(metric, label)| descriptions.get(metric).map(|d| (label, *d)))
    .collect();
    if !defined.is_empty() {
        out.push_str("<h3>The figures</h3>\n<dl>\n");
        for (label, text) in defined {
            let _ = writeln!(out, "<dt>{label}</dt><dd>{}</dd>", escape(text));
        }
        out.push_str("</dl>\n");
    }
    out.push_str("<h3>Scenario files</h3>\n");
    out.push_str(
        "<div class=\"table-wrap\">\n<table>\n<thead><tr><th scope=\"col\">Scenario</th><th scope=\"col\">File</th>\
         <th scope=\"col\">Starting position</th><th scope=\"col\" class=\"num\">Months</th><th scope=\"col\">SHA-256 of the \
         resolved scenario</th></tr></thead>\n<tbody>\n",
    );
    for scenario in ordered_scenarios(results) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td><code class=\"hash\">{}</code></td></tr>",
            scenario_heading(results, scenario),
            breakable(&scenario.file),
            escape(&starting_date(scenario.start)),
            scenario.months,
            escape(&scenario.sha256)
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">Generated by wfsim version {}. This file is self-contained: it needs no network \
         connection and no other files.</p>",
        escape(&manifest.wfsim_version)
    );
    out.push_str("</section>\n");
}
