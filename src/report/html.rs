//! `report.html`: the report for scrutiny members. One self-contained HTML5 file — the charts
//! inline as SVG, one `<style>` block, no scripts, fonts, images or links — that reads on a
//! laptop or a phone and prints to A4.
//!
//! It opens with a plain-English summary ([`summary_sentences`]), then the options side by side
//! at 30 September, their costs and value for money (total cost by financial year, each option
//! against the baseline, the break-even effect of retention allowances), the charts, every
//! scenario's assumptions with their sources (what differs from the baseline marked) and a
//! note on method.
//!
//! The document is built as a plain string. Every piece of data text (scenario names,
//! descriptions, parameters, values, sources, file names, chart titles) goes through
//! [`escape`]; the chart SVGs, drawn by plotters, are the only markup taken as given. The same
//! results and charts always give the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::results::{AssumptionRow, BreakEvenRow, BreakEvenStatus, ScenarioEntry};
use super::{Chart, ChartKind, Results, findings};
use crate::appraisal::{Measure, Period};
use crate::calendar::YearMonth;
use crate::engine::metrics::Metric;
use crate::format::{num1, percent_half_away, percent_tenths, pounds_short, tenths_as_decimal, thousands, whole};
use crate::stats::{Spread, Summary};

/// The assumption that sets a retention allowance's effect on leaving.
const ALLOWANCE_EFFECT: &str = "retention.allowance.hazard_ratio";

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
/// how often the vacancy rate is below 10% (and 5%) at a middle and the last 30 September;
/// what the census dates hide ([`findings`]: caseloads an option moves, trainees still in
/// training at the end, staff above funded posts); and what it costs over the horizon
/// ([`cost_sentences`]).
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
        for (metric, name) in [(Metric::VacancyRate, "vacancy"), (Metric::AgencyRate, "agency")] {
            let (Some(option), Some(base)) =
                (annual_summary(results, scenario, metric, last), annual_summary(results, baseline, metric, last))
            else {
                continue;
            };
            if let Some(comparison) = comparison(option.p50, base.p50) {
                sentences.push(format!(
                    "By September {last} the {name} rate is {comparison} (median {} against {}).",
                    percent_half_away(option.p50),
                    percent_half_away(base.p50)
                ));
            }
        }
    }
    // Caseloads move between census dates (an agency cut bites at once): whenever an option
    // moves them, the summary says so beside its vacancy and agency rates.
    sentences.extend(findings::whole_year_sentence(results, scenario));
    sentences.extend(findings::caseload_sentence(results, scenario));
    let (shown_years, chance_years) = if is_option {
        (years.last().copied().into_iter().collect(), years.last().copied().into_iter().collect())
    } else {
        (years.clone(), probability_years(&years))
    };
    for &year in &shown_years {
        let vacancy = annual_summary(results, scenario, Metric::VacancyRate, year);
        let agency = annual_summary(results, scenario, Metric::AgencyRate, year);
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
    sentences.extend(findings::trainees_sentence(results, scenario));
    sentences.extend(findings::above_posts_sentence(results, scenario));
    sentences.extend(cost_sentences(results, scenario));
    sentences
}

/// What a scenario costs over the whole horizon. For an option compared with the baseline:
/// its net cost against the baseline (median and 90% interval), how often it costs less, and
/// the vacant FTE-months it avoids with the net cost of each. For the baseline (or an option
/// that cannot be paired with it): its total cost and the agency spend within it.
pub fn cost_sentences(results: &Results, scenario: &str) -> Vec<String> {
    let over = format!("Over {}", horizon(results, scenario));
    let appraisal = |measure: Measure| results.appraisal(scenario, Period::Total, measure);
    let Some(net) = appraisal(Measure::NetCostGbp) else {
        let Some(total) =
            results.cost(scenario, Period::Total, Metric::CostTotalGbp).filter(|r| r.spread.p50.is_finite())
        else {
            return Vec::new();
        };
        let agency = results
            .cost(scenario, Period::Total, Metric::CostAgencyGbp)
            .filter(|r| r.spread.p50.is_finite())
            .map(|r| format!(", including {} on agency staff", pounds_short(r.spread.p50)))
            .unwrap_or_default();
        return vec![format!(
            "{over} the workforce costs {} (90% interval {} to {}){agency}.",
            pounds_short(total.spread.p50),
            pounds_short(total.spread.p5),
            pounds_short(total.spread.p95)
        )];
    };
    let mut sentences = Vec::new();
    if net.spread.p50.is_finite() {
        let change = match change_words(net.spread.p50, pounds_short, "more", "less") {
            Some(words) => format!("{words} than the baseline"),
            None => "about the same as the baseline".to_string(),
        };
        sentences.push(format!(
            "{over} the option costs {change}, net of agency savings (90% interval {}).",
            interval_words(net.spread.p5, net.spread.p95, pounds_short, "more", "less")
        ));
    }
    if let Some(share) = appraisal(Measure::ProbabilityCheaper).map(|r| r.spread.mean).filter(|s| !s.is_nan()) {
        sentences.push(if share <= 0.0 {
            "In no run does it cost less than the baseline.".to_string()
        } else {
            format!("In {} it costs less than the baseline.", runs_phrase(share))
        });
    }
    if let Some(avoided) = appraisal(Measure::VacancyFteMonthsAvoided).filter(|r| r.spread.p50.is_finite()) {
        // A change in vacant FTE-months: positive is more vacancy than the baseline.
        let (p50, p5, p95) = (-avoided.spread.p50, -avoided.spread.p95, -avoided.spread.p5);
        let sentence = if [p50, p5, p95].iter().all(|v| whole(*v) == "0") {
            "It makes no difference to the number of vacant FTE-months.".to_string()
        } else {
            let change = match change_words(p50, whole, "more", "fewer") {
                Some(words) => format!("{words} vacant FTE-months than the baseline"),
                None => "about as many vacant FTE-months as the baseline".to_string(),
            };
            let each =
                appraisal(Measure::CostPerVacancyFteMonthAvoidedGbp).map(|r| r.spread.mean).filter(|v| v.is_finite());
            let each = match each {
                Some(per) if per > 0.0 => {
                    format!(", at a net cost of about {} for each one avoided", pounds_short(per))
                }
                Some(_) => ", while saving money on average".to_string(),
                None => String::new(),
            };
            format!("It has {change} (90% interval {}){each}.", interval_words(p5, p95, whole, "more", "fewer"))
        };
        sentences.push(sentence);
    }
    sentences
}

/// "the five years" (60 months), "the 18 months": the horizon of a scenario, from the manifest.
fn horizon(results: &Results, scenario: &str) -> String {
    const WORDS: [&str; 9] = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    let months = results.scenario(scenario).map_or(0, |s| s.months);
    let years = months / 12;
    if !months.is_multiple_of(12) || years < 2 {
        format!("the {}", plural(months as usize, "month", "months"))
    } else if let Some(word) = WORDS.get(years as usize - 2) {
        format!("the {word} years")
    } else {
        format!("the {years} years")
    }
}

/// "£9.3m more", "214 fewer": a signed change in words (positive is `more`), `None` when it
/// rounds to zero.
fn change_words(value: f64, format: fn(f64) -> String, more: &str, less: &str) -> Option<String> {
    let shown = format(value.abs());
    if shown == format(0.0) { None } else { Some(format!("{shown} {}", if value > 0.0 { more } else { less })) }
}

/// A 90% interval of a change in words: "£8.7m to £9.7m more", "£4.4m to £5.2m less",
/// "£0.6m less to £7.7m more" (`low` <= `high`; positive is `more`).
fn interval_words(low: f64, high: f64, format: fn(f64) -> String, more: &str, less: &str) -> String {
    let zero = format(0.0);
    let is_zero = |v: f64| format(v.abs()) == zero;
    if is_zero(low) && is_zero(high) {
        format!("{zero} to {zero}")
    } else if low >= 0.0 || is_zero(low) {
        format!("{} to {} {more}", format(low.max(0.0)), format(high.abs()))
    } else if high <= 0.0 || is_zero(high) {
        format!("{} to {} {less}", format(high.min(0.0).abs()), format(low.abs()))
    } else {
        format!("{} {less} to {} {more}", format(low.abs()), format(high))
    }
}

/// "At 30 September 2024, the starting position, ...": for the baseline (or the first
/// scenario when there is none), and for an option whose starting position differs from it.
fn starting_position(results: &Results, scenario: &str) -> Option<String> {
    let year = start_year(results.scenario(scenario)?)?;
    let reference = results.baseline().or_else(|| results.scenario_names().first().copied())?;
    let vacancy = annual_summary(results, scenario, Metric::VacancyRate, year);
    let agency = annual_summary(results, scenario, Metric::AgencyRate, year);
    if reference != scenario {
        let reference_year = results.scenario(reference).and_then(start_year);
        let same = reference_year == Some(year)
            && vacancy.map(|s| percent_tenths(s.p50))
                == annual_summary(results, reference, Metric::VacancyRate, year).map(|s| percent_tenths(s.p50))
            && agency.map(|s| percent_tenths(s.p50))
                == annual_summary(results, reference, Metric::AgencyRate, year).map(|s| percent_tenths(s.p50));
        if same {
            return None;
        }
    }
    let body = match (vacancy, agency) {
        (Some(v), Some(a)) => format!(
            "the vacancy rate was {} and the agency rate {}",
            percent_half_away(v.p50),
            percent_half_away(a.p50)
        ),
        (Some(v), None) => format!("the vacancy rate was {}", percent_half_away(v.p50)),
        (None, Some(a)) => format!("the agency rate was {}", percent_half_away(a.p50)),
        (None, None) => return None,
    };
    Some(format!("At 30 September {year}, the starting position, {body}."))
}

/// "In 8 of 10 runs the vacancy rate is below 10% by September 2026, and in 3 of 10 runs
/// below 5%." The lower threshold is left out when no run is below the higher one.
fn probability_sentence(results: &Results, scenario: &str, year: i32) -> Option<String> {
    let shares: Vec<(f64, f64)> = THRESHOLDS
        .iter()
        .filter_map(|&t| {
            results.share_below(scenario, year, Metric::VacancyRate, t).filter(|s| !s.is_nan()).map(|s| (t, s))
        })
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
    let difference = percent_tenths(option) - percent_tenths(baseline);
    if difference.abs() <= SAME_WITHIN_TENTHS {
        return Some("about the same as in the baseline".to_string());
    }
    let unit = if difference.abs() == 10 { "percentage point" } else { "percentage points" };
    let direction = if difference < 0 { "lower" } else { "higher" };
    Some(format!("{} {unit} {direction} than in the baseline", tenths_as_decimal(difference.abs())))
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
fn ordered_scenarios(results: &Results) -> Vec<&ScenarioEntry> {
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
fn start_year(scenario: &ScenarioEntry) -> Option<i32> {
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
        .filter(|r| r.scenario == scenario && (r.metric == Metric::VacancyRate || r.metric == Metric::AgencyRate))
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

fn annual_summary(results: &Results, scenario: &str, metric: Metric, year: i32) -> Option<Summary> {
    results.annual.iter().find(|r| r.scenario == scenario && r.metric == metric && r.year == year).map(|r| r.summary)
}

/// "7.0% (90% interval 4.2% to 10.1%)".
fn with_interval(summary: &Summary) -> String {
    format!(
        "{} (90% interval {} to {})",
        percent_half_away(summary.p50),
        percent_half_away(summary.p5),
        percent_half_away(summary.p95)
    )
}

/// A threshold as a percentage without needless decimals: 0.1 is "10%", 0.075 is "7.5%".
fn whole_pct(fraction: f64) -> String {
    let t = percent_tenths(fraction);
    if t % 10 == 0 { format!("{}%", t / 10) } else { percent_half_away(fraction) }
}

/// A hazard ratio to two decimals: "0.17".
fn ratio2(value: f64) -> String {
    format!("{:.2}", (value * 100.0).round() / 100.0)
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(count as u64), if count == 1 { one } else { many })
}

/// The end of the month before `start`, the starting position: "30 September 2024".
fn starting_date(start: YearMonth) -> String {
    let month0 = start.plus(-1);
    if month0.month() == 9 {
        format!("30 September {}", month0.year())
    } else {
        format!("the end of {}", month0.long_label())
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
.key { color: #555; font-size: 0.8em; font-weight: 400; font-family: ui-monospace, monospace; }
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
  #costs, #charts, #assumptions, #method { break-before: page; page-break-before: always; }
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
    costs_section(&mut out, results);
    charts_section(&mut out, results, charts);
    assumptions_section(&mut out, results);
    super::trust::section(&mut out);
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
        plural(manifest.provenance.replications as usize, "time", "times"),
        manifest.provenance.seed
    );
    let period = match scenarios.first() {
        Some(first) if scenarios.iter().all(|s| s.start == first.start && s.months == first.months) => format!(
            ", starting from the position at {} and running {} to the end of {}.",
            starting_date(first.start),
            plural(first.months as usize, "month", "months"),
            last_month(first).long_label()
        ),
        Some(_) => ", over the periods listed under Method.".to_string(),
        None => ".".to_string(),
    };
    let _ = writeln!(
        out,
        "<p class=\"intro\">{what} {runs}{period} Every figure is the median of the runs, with a 90% interval: \
         the range within which 90% of the runs fell.</p>"
    );
    if !manifest.other_groups.is_empty() {
        let links: Vec<String> = manifest
            .other_groups
            .iter()
            .map(|group| {
                let label = match &group.title {
                    Some(title) => format!("{} ({})", escape(title), escape(&group.baseline)),
                    None => escape(&group.baseline),
                };
                format!("<a href=\"{}/report.html\">{label}</a>", escape(&group.folder))
            })
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"intro\">The same run also projected scenarios from another council or starting month. \
             They are compared only with their own baseline, never with these: {}.</p>",
            links.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">Generated by wfsim version {}.</p>",
        escape(&manifest.provenance.wfsim_version)
    );
}

/// A scenario as a heading: its title, with its name (the key in the files) beside it, or its
/// name alone; with a "baseline" tag when it is the baseline.
fn scenario_heading(results: &Results, scenario: &ScenarioEntry) -> String {
    let tag =
        if results.baseline() == Some(scenario.name.as_str()) { "<span class=\"tag\">baseline</span>" } else { "" };
    match &scenario.title {
        Some(title) => format!("{} <span class=\"key\">{}</span>{tag}", escape(title), escape(&scenario.name)),
        None => format!("{}{tag}", escape(&scenario.name)),
    }
}

fn description(scenario: &ScenarioEntry) -> String {
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
         often the vacancy rate falls below 10% and 5%; then what each costs over the projection, and for each \
         option what it costs against the baseline.</p>\n",
    );
    for (metric, label) in [(Metric::VacancyRate, "Vacancy rate"), (Metric::AgencyRate, "Agency rate")] {
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
fn yearly_table(out: &mut String, results: &Results, metric: Metric, label: &str) {
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
            out.push_str(&figure_cell(annual_summary(results, &scenario.name, metric, year), percent_half_away));
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
        let baseline_vacancy = baseline.and_then(|b| annual_summary(results, b, Metric::VacancyRate, year));
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
            let vacancy = annual_summary(results, name, Metric::VacancyRate, year);
            out.push_str(&figure_cell(vacancy, percent_half_away));
            if baseline.is_some() {
                out.push_str(&difference_cell(is_baseline, vacancy, baseline_vacancy));
            }
            out.push_str(&figure_cell(annual_summary(results, name, Metric::AgencyRate, year), percent_half_away));
            out.push_str(&figure_cell(annual_summary(results, name, Metric::FteInPost, year), num1));
            out.push_str(&figure_cell(annual_summary(results, name, Metric::TurnoverRate, year), percent_half_away));
            out.push_str(&figure_cell(annual_summary(results, name, Metric::AvgCaseload, year), num1));
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

const MONTH_ABBREVIATIONS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// "Oct 2024".
fn short_month(month: YearMonth) -> String {
    format!("{} {}", MONTH_ABBREVIATIONS[month.month() as usize - 1], month.year())
}

/// The months of a financial year (`2024-25`) that a scenario simulates, if it simulates
/// some but not all 12: "Oct–Mar", or "Oct" for a single month. `None` for a full year, a year
/// the scenario does not reach, or `total`.
fn part_year(scenario: &ScenarioEntry, period: Period) -> Option<String> {
    let Period::FinancialYear(year) = period else { return None };
    let months = scenario.months_in_financial_year(year);
    let (first, last) = (months.first()?, months.last()?);
    if months.len() >= 12 {
        return None;
    }
    let name = |month: &YearMonth| MONTH_ABBREVIATIONS[month.month() as usize - 1];
    Some(if first == last { name(first).to_string() } else { format!("{}\u{2013}{}", name(first), name(last)) })
}

/// The last month a scenario simulates. `months` comes from the manifest, so may be any u32.
fn last_month(scenario: &ScenarioEntry) -> YearMonth {
    scenario.start.plus(i32::try_from(scenario.months.max(1)).unwrap_or(i32::MAX) - 1)
}

/// "Oct 2024 to Sep 2029": the months a scenario simulates.
fn simulated_period(scenario: &ScenarioEntry) -> String {
    let last = last_month(scenario);
    format!("{} to {}", short_month(scenario.start), short_month(last))
}

/// The header cell of a financial-year column, marked when the reference scenario covers only
/// part of the year; the `total` column names the period covered.
fn year_header(reference: Option<&ScenarioEntry>, period: Period) -> String {
    if period == Period::Total {
        let period =
            reference.map(|r| format!("<span class=\"interval\">{}</span>", simulated_period(r))).unwrap_or_default();
        return format!("<th scope=\"col\" class=\"num\">Whole projection{period}</th>");
    }
    let part = reference
        .and_then(|r| part_year(r, period))
        .map(|months| format!("<span class=\"interval\">part-year: {months}</span>"))
        .unwrap_or_default();
    format!("<th scope=\"col\" class=\"num\">{}{part}</th>", escape(&period.to_string()))
}

/// A note for a cell whose scenario covers a different part of the year (or a different
/// period in total) from the reference that the column header describes; "" otherwise.
fn coverage_note(scenario: &ScenarioEntry, reference: Option<&ScenarioEntry>, period: Period) -> String {
    let Some(reference) = reference else { return String::new() };
    match period {
        Period::FinancialYear(year)
            if scenario.months_in_financial_year(year) != reference.months_in_financial_year(year) =>
        {
            match part_year(scenario, period) {
                Some(months) => format!("<span class=\"interval\">part-year: {months}</span>"),
                None => "<span class=\"interval\">full year</span>".to_string(),
            }
        }
        Period::Total if (scenario.start, scenario.months) != (reference.start, reference.months) => {
            format!("<span class=\"interval\">{}</span>", simulated_period(scenario))
        }
        _ => String::new(),
    }
}

/// A median with its 90% interval: `[p5, p50, p95]` of a `costs.csv` or `appraisal.csv` row.
fn interval_of(spread: &Spread) -> [f64; 3] {
    [spread.p5, spread.p50, spread.p95]
}

/// A table cell with a median and, beneath, its 90% interval, then any (markup) note.
fn spread_cell(spread: Option<[f64; 3]>, format: fn(f64) -> String, note: &str) -> String {
    match spread {
        Some([p5, p50, p95]) if p50.is_finite() => format!(
            "<td class=\"num\">{}<span class=\"interval\">{} to {}</span>{note}</td>",
            escape(&format(p50)),
            escape(&format(p5)),
            escape(&format(p95))
        ),
        _ => format!("<td class=\"num\"><span class=\"none\">n/a</span>{note}</td>"),
    }
}

/// A table cell with a single figure, or "n/a".
fn single_cell(value: Option<f64>, format: fn(f64) -> String) -> String {
    match value.filter(|v| v.is_finite()) {
        Some(value) => format!("<td class=\"num\">{}</td>", escape(&format(value))),
        None => "<td class=\"num\"><span class=\"none\">n/a</span></td>".to_string(),
    }
}

fn costs_section(out: &mut String, results: &Results) {
    out.push_str("<section id=\"costs\">\n<h2>Costs and value for money</h2>\n");
    let baseline = results.baseline();
    let reference_name = baseline.or_else(|| results.scenario_names().first().copied());
    let reference = reference_name.and_then(|name| results.scenario(name));
    let prices = reference.map_or_else(|| "the start".to_string(), |r| r.start.long_label());
    let _ = writeln!(
        out,
        "<p>What each scenario costs the council, by financial year (April to March) and over the whole \
         projection, and what each option costs or saves against the baseline, run by run on the same luck. Money \
         is rounded: £27.4m is £27.4 million, £350k is £350 thousand, smaller sums are to the pound. Figures \
         are at {} prices plus the assumed pay awards each April, not discounted. A financial year the projection covers only in part is marked \
         <em>part-year</em> with the months it covers; its cost is for those months alone.</p>",
        escape(&prices)
    );
    total_cost_table(out, results, reference);
    if baseline.is_some() {
        appraisal_tables(out, results, reference);
    }
    break_even_list(out, results);
    out.push_str(
        "<p class=\"note\"><strong>What the costs include.</strong> Total cost is the salaries of permanent \
         workers with on-costs, market supplements, retention allowances, welcome payments (less clawback), agency \
         workers, recruitment and trainees, less grant income; overheads such as offices, management and IT are \
         left out. <strong>Net cost</strong> is an option's total cost minus the baseline's: it counts the \
         salaries of the posts the option fills, so an option that fills vacancies costs more in salaries even as \
         it saves agency spend; and since agency workers cover only part of the vacancies, the agency spend saved \
         can be less than the salaries of the posts filled. <strong>Extra \
         cost</strong> is the change in everything but agency spend; <strong>agency saving</strong> the fall in \
         agency spend (negative if it rises); net cost is extra cost less agency saving (negative if the option \
         saves money). A <strong>vacant FTE-month</strong> is one funded full-time post empty for a month. The net \
         cost per vacant FTE-month avoided is the average net cost divided by the average number avoided, so it \
         has no interval, and is n/a when the option avoids none.</p>\n",
    );
    out.push_str("</section>\n");
}

/// Every scenario's total cost in each financial year and over the whole projection.
fn total_cost_table(out: &mut String, results: &Results, reference: Option<&ScenarioEntry>) {
    let years = results.financial_years();
    if years.is_empty() {
        out.push_str("<p class=\"none\">No costs were recorded.</p>\n");
        return;
    }
    out.push_str("<div class=\"table-wrap\">\n<table class=\"sticky\" id=\"total-cost\">\n");
    out.push_str("<caption>Total cost by financial year: median, 90% interval beneath</caption>\n");
    out.push_str("<thead><tr><th scope=\"col\">Scenario</th>");
    for &period in &years {
        out.push_str(&year_header(reference, period));
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
        for &period in &years {
            let cost = results.cost(&scenario.name, period, Metric::CostTotalGbp).map(|r| interval_of(&r.spread));
            out.push_str(&spread_cell(cost, pounds_short, &coverage_note(scenario, reference, period)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

/// Each option against the baseline: over the whole projection, every measure; then the net
/// cost in each financial year.
fn appraisal_tables(out: &mut String, results: &Results, reference: Option<&ScenarioEntry>) {
    let baseline = results.baseline();
    let options: Vec<&ScenarioEntry> =
        ordered_scenarios(results).into_iter().filter(|s| Some(s.name.as_str()) != baseline).collect();
    if options.is_empty() {
        return;
    }
    let (compared, apart): (Vec<&ScenarioEntry>, Vec<&ScenarioEntry>) =
        options.into_iter().partition(|s| results.appraisal(&s.name, Period::Total, Measure::NetCostGbp).is_some());
    if !compared.is_empty() {
        out.push_str("<h3>Each option against the baseline</h3>\n");
        out.push_str("<div class=\"table-wrap\">\n<table class=\"sticky\" id=\"options-cost\">\n");
        let period = reference.map(|r| format!(" ({})", simulated_period(r))).unwrap_or_default();
        let _ = writeln!(
            out,
            "<caption>Over the whole projection{}: median, 90% interval beneath</caption>",
            escape(&period)
        );
        out.push_str(
            "<thead><tr><th scope=\"col\">Option</th><th scope=\"col\" class=\"num\">Extra cost</th>\
             <th scope=\"col\" class=\"num\">Agency saving</th><th scope=\"col\" class=\"num\">Net cost</th>\
             <th scope=\"col\" class=\"num\">Vacant FTE-months avoided</th>\
             <th scope=\"col\" class=\"num\">Agency FTE-months saved</th>\
             <th scope=\"col\" class=\"num\">Net cost per vacant FTE-month avoided</th>\
             <th scope=\"col\" class=\"num\">Costs less than the baseline</th></tr></thead>\n<tbody>\n",
        );
        for scenario in &compared {
            let name = scenario.name.as_str();
            let measure = |measure: Measure| results.appraisal(name, Period::Total, measure);
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", scenario_heading(results, scenario));
            for (which, format) in [
                (Measure::ExtraCostGbp, pounds_short as fn(f64) -> String),
                (Measure::AgencySavingGbp, pounds_short),
                (Measure::NetCostGbp, pounds_short),
                (Measure::VacancyFteMonthsAvoided, whole),
                (Measure::AgencyFteMonthsSaved, whole),
            ] {
                out.push_str(&spread_cell(measure(which).map(|r| interval_of(&r.spread)), format, ""));
            }
            out.push_str(&single_cell(
                measure(Measure::CostPerVacancyFteMonthAvoidedGbp).map(|r| r.spread.mean),
                pounds_short,
            ));
            out.push_str(&single_cell(
                measure(Measure::ProbabilityCheaper).map(|r| r.spread.mean).filter(|s| !s.is_nan()),
                |share| format!("in {}", runs_phrase(share)),
            ));
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
        out.push_str(
            "<p class=\"note\">Net cost: positive, the option costs more than the baseline; negative \
             (\u{2212}), it saves money. Costs less than the baseline: how many runs end the projection with a lower \
             total cost than the baseline on the same luck.</p>\n",
        );

        let years: Vec<Period> = baseline.map(|b| results.financial_years_of(b)).unwrap_or_default();
        out.push_str("<div class=\"table-wrap\">\n<table class=\"sticky\" id=\"net-cost-by-year\">\n");
        out.push_str(
            "<caption>Net cost against the baseline by financial year: median, 90% interval beneath</caption>\n",
        );
        out.push_str("<thead><tr><th scope=\"col\">Option</th>");
        for &period in &years {
            out.push_str(&year_header(reference, period));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for scenario in &compared {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", scenario_heading(results, scenario));
            for &period in &years {
                let net =
                    results.appraisal(&scenario.name, period, Measure::NetCostGbp).map(|r| interval_of(&r.spread));
                out.push_str(&spread_cell(net, pounds_short, ""));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
    if !apart.is_empty() {
        let names: Vec<String> = apart.iter().map(|s| escape(&s.name)).collect();
        let _ = writeln!(
            out,
            "<p class=\"note\">Not compared with the baseline, as {} over a different period: {}.</p>",
            if apart.len() == 1 { "it runs" } else { "they run" },
            names.join(", ")
        );
    }
}

/// The break-even effect of each retention allowance searched for.
fn break_even_list(out: &mut String, results: &Results) {
    out.push_str("<h3>When a retention allowance pays for itself</h3>\n");
    if results.break_even.is_empty() {
        out.push_str("<p class=\"none\">No scenario has a retention allowance to test.</p>\n");
        return;
    }
    out.push_str(
        "<p>The effect of an allowance on leaving is uncertain. For the baseline's allowance, and for each option \
         that changes it, the search below finds the effect at which it pays for itself: the allowance (with \
         on-costs) against the agency and recruitment spend it saves over the projection, on average over the runs. \
         The effect is a hazard ratio: 0.80 means eligible workers are 20% less likely to leave in any month.</p>\n",
    );
    out.push_str("<ul>\n");
    let ordered: Vec<&BreakEvenRow> = ordered_scenarios(results)
        .into_iter()
        .filter_map(|s| results.break_even(&s.name))
        .chain(results.break_even.iter().filter(|r| results.scenario(&r.scenario).is_none()))
        .collect();
    for row in ordered {
        let _ = writeln!(out, "<li>{}</li>", escape(&break_even_sentence(results, row)));
    }
    out.push_str("</ul>\n");
}

/// "The baseline's retention allowance pays for itself ... only if it cuts leaving among
/// eligible workers by at least 83% (a hazard ratio of 0.17 or lower)." The cut is 1 − the
/// ratio as shown, so the two figures agree. Followed by what the scenario assumes, if known.
pub fn break_even_sentence(results: &Results, row: &BreakEvenRow) -> String {
    let subject = if results.baseline() == Some(row.scenario.as_str()) {
        "The baseline's retention allowance".to_string()
    } else {
        format!("The retention allowance in {}", row.scenario)
    };
    let mut sentence = match row.status {
        BreakEvenStatus::Found => {
            let hundredths = (row.hazard_ratio * 100.0).round() as i64;
            format!(
                "{subject} pays for itself through lower agency and recruitment spend only if it cuts leaving among \
                 eligible workers by at least {}% (a hazard ratio of {} or lower).",
                100i64.saturating_sub(hundredths),
                ratio2(row.hazard_ratio)
            )
        }
        BreakEvenStatus::NeverPays => {
            let still = if row.net_cost_gbp.is_finite() && row.net_cost_gbp > 0.0 {
                format!(
                    ": even then it would cost {} more than it saves over {}",
                    pounds_short(row.net_cost_gbp),
                    horizon(results, &row.scenario)
                )
            } else {
                String::new()
            };
            format!(
                "{subject} does not pay for itself through lower agency and recruitment spend even if no eligible \
                 worker ever left{still}."
            )
        }
        BreakEvenStatus::AlwaysPays => format!("{subject} pays for itself even with no effect on leaving."),
    };
    if let Some(assumed) = assumed_effect(results, &row.scenario) {
        sentence.push_str(&format!(" The scenario assumes {assumed}."));
    }
    sentence
}

/// What a scenario assumes about its allowance's effect, from `assumptions.csv`: "a hazard
/// ratio of 0.90 (10% less leaving)" or "a hazard ratio between 0.85 and 1.00 (0% to 15% less
/// leaving)". `None` if it is not set or not a number or a range.
fn assumed_effect(results: &Results, scenario: &str) -> Option<String> {
    let value = &results.assumptions(scenario).into_iter().find(|r| r.parameter == ALLOWANCE_EFFECT)?.value;
    let mut table: toml::Table = toml::from_str(&format!("value = {value}")).ok()?;
    let value = table.remove("value")?;
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    let cut = |ratio: f64| 100i64.saturating_sub((ratio * 100.0).round() as i64);
    if let Some(ratio) = number(&value) {
        return Some(format!("a hazard ratio of {} ({}% less leaving)", ratio2(ratio), cut(ratio)));
    }
    let range = value.as_table()?;
    let (min, max) = (number(range.get("min")?)?, number(range.get("max")?)?);
    Some(format!(
        "a hazard ratio between {} and {} ({}% to {}% less leaving)",
        ratio2(min),
        ratio2(max),
        cut(max),
        cut(min)
    ))
}

/// The difference of two medians in percentage points, signed: "−2.3 pp".
fn difference_cell(is_baseline: bool, option: Option<Summary>, baseline: Option<Summary>) -> String {
    if is_baseline {
        return "<td class=\"num\">baseline</td>".to_string();
    }
    match (option, baseline) {
        (Some(o), Some(b)) if o.p50.is_finite() && b.p50.is_finite() => {
            let d = percent_tenths(o.p50) - percent_tenths(b.p50);
            let (class, sign) = match d.signum() {
                -1 => (" lower", "\u{2212}"),
                1 => (" higher", "+"),
                _ => ("", ""),
            };
            format!("<td class=\"num{class}\">{sign}{} pp</td>", tenths_as_decimal(d.abs()))
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
        plural(manifest.provenance.replications as usize, "time", "times"),
        manifest.provenance.seed
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
        "<li><strong>Costs.</strong> Each run prices its workforce month by month: salaries by grade with on-costs \
         and the pay award each April, allowances, welcome payments, agency workers at a premium over a permanent \
         worker, recruitment and trainees, less grant income. An option's costs are compared with the baseline's \
         run by run, on the same random numbers. The break-even effect of a retention allowance is found by \
         searching (false position) over its hazard ratio, re-running the scenario at each trial value, to within \
         0.001.</li>\n",
    );
    out.push_str(
        "<li><strong>Not modelled:</strong> promotion between grades; movements between teams; overheads such as \
         office space, management and IT, which the costs leave out.</li>\n</ul>\n",
    );
    let descriptions = results.metric_descriptions();
    let defined: Vec<(&str, &str)> = [
        (Metric::VacancyRate, "Vacancy rate"),
        (Metric::AgencyRate, "Agency rate"),
        (Metric::FteInPost, "FTE in post"),
        (Metric::TurnoverRate, "Turnover"),
        (Metric::AvgCaseload, "Average caseload"),
    ]
    .into_iter()
    .filter_map(|(metric, label)| descriptions.get(metric.name()).map(|d| (label, *d)))
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
        escape(&manifest.provenance.wfsim_version)
    );
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_and_ratios() {
        assert_eq!(whole(213.5), "214");
        assert_eq!(whole(-148.25), "\u{2212}148");
        assert_eq!(whole(-0.4), "0");
        assert_eq!(whole(12_345.0), "12,345");
        assert_eq!(ratio2(0.17041015625), "0.17");
        assert_eq!(ratio2(1.0), "1.00");
    }

    #[test]
    fn changes_and_intervals_in_words() {
        assert_eq!(change_words(9_261_299.5, pounds_short, "more", "less").as_deref(), Some("£9.3m more"));
        assert_eq!(change_words(-4_739_560.2, pounds_short, "more", "less").as_deref(), Some("£4.7m less"));
        assert_eq!(change_words(-0.4, pounds_short, "more", "less"), None);
        assert_eq!(interval_words(8_746_353.0, 9_736_769.0, pounds_short, "more", "less"), "£8.7m to £9.7m more");
        assert_eq!(interval_words(-5_210_045.0, -4_370_079.0, pounds_short, "more", "less"), "£4.4m to £5.2m less");
        assert_eq!(interval_words(-600_000.0, 7_700_000.0, pounds_short, "more", "less"), "£600k less to £7.7m more");
        assert_eq!(interval_words(-0.000_000_05, 7_700_000.0, pounds_short, "more", "less"), "£0 to £7.7m more");
        assert_eq!(interval_words(0.0, 0.0, whole, "more", "fewer"), "0 to 0");
    }

    #[test]
    fn part_years_name_their_months() {
        let scenario = ScenarioEntry {
            name: "baseline".to_string(),
            title: None,
            description: String::new(),
            file: String::new(),
            sha256: String::new(),
            start: "2024-10".parse().unwrap(),
            months: 60,
        };
        assert_eq!(part_year(&scenario, "2024-25".parse().unwrap()).as_deref(), Some("Oct\u{2013}Mar"));
        assert_eq!(part_year(&scenario, "2025-26".parse().unwrap()), None);
        assert_eq!(part_year(&scenario, "2029-30".parse().unwrap()).as_deref(), Some("Apr\u{2013}Sep"));
        assert_eq!(part_year(&scenario, "2030-31".parse().unwrap()), None);
        assert_eq!(part_year(&scenario, "total".parse().unwrap()), None);
        let one_month = ScenarioEntry { start: "2025-03".parse().unwrap(), months: 1, ..scenario };
        assert_eq!(part_year(&one_month, "2024-25".parse().unwrap()).as_deref(), Some("Mar"));
        assert_eq!(simulated_period(&one_month), "Mar 2025 to Mar 2025");
    }
}
