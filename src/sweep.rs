//! `wfsim sweep`: one scenario parameter over a range of values, on common random numbers.
//!
//! `--param PATH=FROM..TO:STEP` names a parameter by its dotted key path in the resolved
//! scenario (`retention.allowance.amount_gbp`, `routes.apprenticeship.cohorts[0].size`) and the
//! values to give it. Each value is written into the scenario's resolved TOML and the result
//! goes through the normal schema and check stages ([`scenario::load_resolved`]), so a value
//! the scenario would refuse in a file is refused here too, before anything is simulated.
//!
//! Every value runs with the same seed and replication indices as the scenario as given (the
//! reference), and the engine's random streams depend only on (seed, replication, process):
//! replication r of every value sees the same luck, so the differences between values are
//! the parameter's effect rather than noise. Net cost and vacancy FTE-months avoided are
//! paired by replication against the reference run.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::appraisal::{Period, period_sums};
use crate::calendar::YearMonth;
use crate::engine::metrics::{self, Metric};
use crate::format::{percent, pounds};
use crate::output::manifest::Provenance;
use crate::output::row::{self, CsvRow};
use crate::output::{BytesFile, OutputFile, format_number};
use crate::plot::{self, PlotError, SweepPanel, SweepPlot};
use crate::run::{self, RunSettings, ScenarioRun};
use crate::scenario::{self, LoadErrors, Scenario};
use crate::stats::{Headline, QUANTILE_METHOD, Spread, Summary, summarise};

/// The most values one sweep may have.
pub const MAX_VALUES: usize = 200;

/// How far short of TO (in steps) the last step may land and still count as TO.
pub const STEP_TOLERANCE: f64 = 1e-9;

/// The memory the simulated months of one batch of runs may take; a long sweep runs in batches
/// of about this size (the results do not depend on it).
const BATCH_BYTES: usize = 1 << 30;

// ---------------------------------------------------------------------------------------------
// The --param argument

/// A parsed `--param PATH=FROM..TO:STEP`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSweep {
    /// The key path as given.
    pub path: String,
    pub segments: Vec<Segment>,
    pub from: f64,
    pub to: f64,
    pub step: f64,
    /// FROM, FROM + STEP, ..., up to TO: each FROM + i × STEP rounded to the decimals written
    /// in the argument, so `0..1:0.1` gives 0.3, not 0.30000000000000004.
    pub values: Vec<f64>,
}

/// One key of a path, with any array indexes after it: `cohorts[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub key: String,
    pub indexes: Vec<usize>,
}

/// What `--param` should look like, for error messages.
const PARAM_FORM: &str = "expected PATH=FROM..TO:STEP, for example retention.allowance.amount_gbp=0..5000:500";

/// Parses `PATH=FROM..TO:STEP`. FROM, TO and STEP are integers or decimals (`-0.5`, `2500`);
/// STEP > 0, FROM <= TO, at most [`MAX_VALUES`] values. TO is included when the steps land on
/// it (within [`STEP_TOLERANCE`] of a step).
pub fn parse_param(text: &str) -> Result<ParamSweep, String> {
    let bad = |why: String| format!("--param {text}: {why}");
    let (path, range) = text.split_once('=').ok_or_else(|| bad(PARAM_FORM.to_string()))?;
    let path = path.trim();
    let segments = parse_path(path).map_err(bad)?;
    let (span, step_text) = range.rsplit_once(':').ok_or_else(|| bad(PARAM_FORM.to_string()))?;
    let (from_text, to_text) = span.split_once("..").ok_or_else(|| bad(PARAM_FORM.to_string()))?;
    let number = |what: &str, written: &str| {
        parse_decimal(written.trim()).ok_or_else(|| {
            bad(format!("{what} {:?} is not a number (write an integer or a decimal like 0.5)", written))
        })
    };
    let (from, from_decimals) = number("FROM", from_text)?;
    let (to, to_decimals) = number("TO", to_text)?;
    let (step, step_decimals) = number("STEP", step_text)?;
    if step <= 0.0 {
        return Err(bad(format!("STEP must be more than 0, got {}", step_text.trim())));
    }
    if from > to {
        return Err(bad(format!("FROM ({}) is more than TO ({})", from_text.trim(), to_text.trim())));
    }
    let steps = ((to - from) / step + STEP_TOLERANCE).floor();
    if !steps.is_finite() || steps + 1.0 > MAX_VALUES as f64 {
        let count = if steps.is_finite() { format!("{}", steps + 1.0) } else { "too many".to_string() };
        return Err(bad(format!("{count} values; a sweep may have at most {MAX_VALUES}: use a larger STEP")));
    }
    let decimals = from_decimals.max(to_decimals).max(step_decimals);
    let values = (0..=steps as usize).map(|i| round_to(from + i as f64 * step, decimals)).collect();
    Ok(ParamSweep { path: path.to_string(), segments, from, to, step, values })
}

/// A plain integer or decimal (optional sign, digits, optional fraction; no exponent) and the
/// number of decimals written.
fn parse_decimal(text: &str) -> Option<(f64, usize)> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some((value, fraction.len()))
}

/// 340 decimal places pin every normal double (its 17 significant digits end before them).
const MAX_DECIMALS: usize = 340;

/// `value` rounded to `decimals` places (through its decimal text, so that the result is the
/// double nearest to the decimal), never -0.
fn round_to(value: f64, decimals: usize) -> f64 {
    // More decimals than a double holds change nothing (and a format precision must stay
    // below 2^16).
    let decimals = decimals.min(MAX_DECIMALS);
    let rounded = format!("{value:.decimals$}").parse().unwrap_or(value);
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// `a.b[0].c` into segments. Keys are bare TOML keys (letters, digits, `_`, `-`).
fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let bad = || {
        format!(
            "the parameter path {path:?} is not a dotted key path like retention.allowance.amount_gbp or \
             routes.apprenticeship.cohorts[0].size"
        )
    };
    if path.is_empty() {
        return Err(bad());
    }
    path.split('.')
        .map(|part| {
            let (key, mut rest) = part.split_once('[').map_or((part, ""), |(key, rest)| (key, rest));
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return Err(bad());
            }
            let mut indexes = Vec::new();
            if part.contains('[') {
                // `rest` is everything after the first `[`: `0]`, `0][1]`.
                loop {
                    let (index, after) = rest.split_once(']').ok_or_else(bad)?;
                    indexes.push(index.parse::<usize>().map_err(|_| bad())?);
                    if after.is_empty() {
                        break;
                    }
                    rest = after.strip_prefix('[').ok_or_else(bad)?;
                }
            }
            Ok(Segment { key: key.to_string(), indexes })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Setting the value

/// The scenario with the parameter set to each value, loaded and checked; the same order as
/// the values. On failure, one line per problem: the path cannot be set at all, or the
/// scenario check refuses a value (every error of the first value refused, then the other
/// values refused).
pub fn variants(reference: &Scenario, sweep: &ParamSweep) -> Result<Vec<Scenario>, Vec<String>> {
    let table: toml::Table = toml::from_str(&reference.resolved_toml).map_err(|error| {
        vec![format!("cannot read back the resolved scenario {}: {}", reference.file.display(), error.message())]
    })?;
    let existing = lookup(&table, &sweep.segments);
    let mut scenarios = Vec::with_capacity(sweep.values.len());
    let mut refused: Vec<(f64, LoadErrors)> = Vec::new();
    for &value in &sweep.values {
        let label = format!("{} [{} = {}]", reference.file.display(), sweep.path, format_number(value));
        let mut first_errors = None;
        for number in number_forms(existing, value) {
            let mut changed = table.clone();
            set_path(&mut changed, &sweep.segments, number).map_err(|why| {
                vec![format!("--param {}: cannot set it in {}: {why}", sweep.path, reference.file.display())]
            })?;
            let text = toml::to_string(&changed)
                .map_err(|error| vec![format!("--param {}: cannot write the scenario: {error}", sweep.path)])?;
            match scenario::load_resolved(&text, Path::new(&label)) {
                Ok(scenario) => {
                    first_errors = None;
                    scenarios.push(scenario);
                    break;
                }
                Err(errors) => {
                    first_errors.get_or_insert(errors);
                }
            }
        }
        if let Some(errors) = first_errors {
            refused.push((value, errors));
        }
    }
    let Some((_, first_errors)) = refused.first() else { return Ok(scenarios) };
    // The file of each error is labelled with the parameter and the value.
    let mut lines: Vec<String> = first_errors.iter().map(|error| error.to_string()).collect();
    if refused.len() > 1 {
        let others: Vec<String> = refused[1..].iter().map(|(value, _)| format_number(*value)).collect();
        lines.push(format!(
            "--param {}: the scenario check also refuses {} = {}",
            sweep.path,
            sweep.path,
            others.join(", ")
        ));
    }
    Err(lines)
}

/// The scenario's own value at the path, if it is a plain number.
pub fn reference_value(reference: &Scenario, sweep: &ParamSweep) -> Option<f64> {
    let table: toml::Table = toml::from_str(&reference.resolved_toml).ok()?;
    match lookup(&table, &sweep.segments)? {
        toml::Value::Integer(value) => Some(*value as f64),
        toml::Value::Float(value) => Some(*value),
        _ => None,
    }
}

/// The TOML numbers to try for `value`, in order: an integer where the value there now is an
/// integer (or there is no number there yet) and `value` is whole, else a float; a whole value
/// replacing something other than a number is tried as an integer first (a count must be),
/// then as a float.
fn number_forms(existing: Option<&toml::Value>, value: f64) -> Vec<toml::Value> {
    let whole = value.fract() == 0.0 && value.abs() < 9.0e15;
    let integer = toml::Value::Integer(value as i64);
    let float = toml::Value::Float(value);
    match existing {
        Some(toml::Value::Float(_)) => vec![float],
        Some(toml::Value::Integer(_)) if whole => vec![integer],
        _ if whole => vec![integer, float],
        _ => vec![float],
    }
}

/// The value at a path, if there is one.
fn lookup<'t>(table: &'t toml::Table, segments: &[Segment]) -> Option<&'t toml::Value> {
    let (first, rest) = segments.split_first()?;
    let mut value = table.get(&first.key)?;
    for &index in &first.indexes {
        value = value.as_array()?.get(index)?;
    }
    if rest.is_empty() { Some(value) } else { lookup(value.as_table()?, rest) }
}

/// Sets the value at a path to `number`, creating missing tables on the way and replacing
/// whatever is there (a section or a distribution becomes the number). An array element must
/// already exist.
fn set_path(table: &mut toml::Table, segments: &[Segment], number: toml::Value) -> Result<(), String> {
    let Some((last, parents)) = segments.split_last() else { return Err("the path is empty".to_string()) };
    let mut current = table;
    let mut walked = String::new();
    for segment in parents {
        walked = joined(&walked, &segment.key);
        let mut value = if segment.indexes.is_empty() {
            current.entry(segment.key.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()))
        } else {
            current.get_mut(&segment.key).ok_or_else(|| format!("there is no `{walked}` to take an element of"))?
        };
        for &index in &segment.indexes {
            value = element(value, index, &walked)?;
            walked = format!("{walked}[{index}]");
        }
        current = match value {
            toml::Value::Table(next) => next,
            other => return Err(format!("`{walked}` is {}, not a table", kind(other))),
        };
    }
    walked = joined(&walked, &last.key);
    let Some((&final_index, indexes)) = last.indexes.split_last() else {
        current.insert(last.key.clone(), number);
        return Ok(());
    };
    let mut value =
        current.get_mut(&last.key).ok_or_else(|| format!("there is no `{walked}` to take an element of"))?;
    for &index in indexes {
        value = element(value, index, &walked)?;
        walked = format!("{walked}[{index}]");
    }
    *element(value, final_index, &walked)? = number;
    Ok(())
}

/// Element `index` of the array `value` at `walked`.
fn element<'v>(value: &'v mut toml::Value, index: usize, walked: &str) -> Result<&'v mut toml::Value, String> {
    match value {
        toml::Value::Array(items) => {
            let len = items.len();
            items.get_mut(index).ok_or_else(|| format!("`{walked}` has {len} element(s), so no [{index}]"))
        }
        other => Err(format!("`{walked}` is {}, not a list", kind(other))),
    }
}

fn joined(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

fn kind(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "text",
        toml::Value::Integer(_) | toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

// ---------------------------------------------------------------------------------------------
// Simulating and summarising

/// What the sweep reports, one per value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum SweepMetric {
    /// Vacancy rate at the last 30 September simulated (the last month if none).
    VacancyRate,
    /// Agency rate at the same month.
    AgencyRate,
    /// Total cost over the simulated months.
    CostTotalGbp,
    /// Total cost less the scenario as given, paired by replication.
    NetCostGbp,
    /// Vacancy FTE summed over the simulated months, the scenario as given less this value,
    /// paired by replication.
    VacancyFteMonthsAvoided,
}

impl SweepMetric {
    pub const ALL: [SweepMetric; 5] = [
        SweepMetric::VacancyRate,
        SweepMetric::AgencyRate,
        SweepMetric::CostTotalGbp,
        SweepMetric::NetCostGbp,
        SweepMetric::VacancyFteMonthsAvoided,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SweepMetric::VacancyRate => "vacancy_rate",
            SweepMetric::AgencyRate => "agency_rate",
            SweepMetric::CostTotalGbp => "cost_total_gbp",
            SweepMetric::NetCostGbp => "net_cost_gbp",
            SweepMetric::VacancyFteMonthsAvoided => "vacancy_fte_months_avoided",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            SweepMetric::VacancyRate => {
                "Vacancy rate (a fraction) at the last 30 September simulated, or the last month if none."
            }
            SweepMetric::AgencyRate => "Agency rate (a fraction) at the same month as vacancy_rate.",
            SweepMetric::CostTotalGbp => "Total cost over the simulated months, pounds.",
            SweepMetric::NetCostGbp => {
                "Total cost over the simulated months less that of the scenario as given, paired by replication, pounds."
            }
            SweepMetric::VacancyFteMonthsAvoided => {
                "Vacancy FTE summed over the simulated months, the scenario as given less this value, paired by \
                 replication."
            }
        }
    }
}

/// How serde writes a sweep metric: its name.
impl From<SweepMetric> for &'static str {
    fn from(metric: SweepMetric) -> &'static str {
        metric.name()
    }
}

/// How serde reads a sweep metric: by its name, in the `metric` column.
impl TryFrom<String> for SweepMetric {
    type Error = String;

    fn try_from(name: String) -> Result<SweepMetric, String> {
        SweepMetric::ALL
            .into_iter()
            .find(|metric| metric.name() == name)
            .ok_or_else(|| format!("unknown sweep metric {name:?}"))
    }
}

/// The per-replication figures of one run that the sweep needs.
#[derive(Debug, Clone)]
struct Outcome {
    vacancy_rate: Vec<f64>,
    agency_rate: Vec<f64>,
    cost_total: Vec<f64>,
    vacancy_fte_months: Vec<f64>,
}

impl Outcome {
    fn of(run: &ScenarioRun, headline: &Headline) -> Outcome {
        Outcome {
            vacancy_rate: run.across_replications(headline.month, Metric::VacancyRate),
            agency_rate: run.across_replications(headline.month, Metric::AgencyRate),
            cost_total: period_sums(run, Period::Total, Metric::CostTotalGbp),
            vacancy_fte_months: period_sums(run, Period::Total, Metric::VacancyFte),
        }
    }
}

/// A finished sweep: everything its files and summary need.
#[derive(Debug, Clone)]
pub struct SweepResults {
    pub sweep: ParamSweep,
    /// The scenario as given.
    pub scenario_name: String,
    pub scenario_file: PathBuf,
    pub scenario_sha256: String,
    /// Its own value of the parameter, if a plain number.
    pub reference_value: Option<f64>,
    pub seed: u64,
    pub replications: u32,
    pub months: u32,
    /// The first simulated month.
    pub start: YearMonth,
    pub headline: Headline,
    /// Per value (in order), the summaries in [`SweepMetric::ALL`] order.
    pub summaries: Vec<[Summary; 5]>,
}

impl SweepResults {
    pub fn summary(&self, value_index: usize, metric: SweepMetric) -> Summary {
        let position = SweepMetric::ALL.iter().position(|m| *m == metric).unwrap_or(0);
        self.summaries[value_index][position]
    }
}

/// Simulates the scenario as given and every variant (one per value, in order) with the same
/// seed and replications, and summarises. `settings.months` should be set, so that every run
/// covers the same months. Runs go through [`run::run_all`] together, in batches only when
/// their months would not fit in memory at once; the results are the same either way.
pub fn simulate(
    reference: &Scenario,
    variants: &[Scenario],
    sweep: &ParamSweep,
    settings: &RunSettings,
) -> SweepResults {
    let months = settings.months.unwrap_or(reference.spec.horizon_months);
    let settings = RunSettings { months: Some(months), ..*settings };
    let bytes_per_run =
        (months as usize + 1) * metrics::COUNT * settings.replications as usize * std::mem::size_of::<f64>();
    let batch = (BATCH_BYTES / bytes_per_run.max(1)).max(1);
    let all: Vec<Scenario> = std::iter::once(reference).chain(variants).cloned().collect();

    let mut headline = None;
    let mut start = reference.start;
    let mut outcomes = Vec::with_capacity(all.len());
    for chunk in all.chunks(batch) {
        for run in run::run_all(chunk, &settings) {
            let headline = headline.get_or_insert_with(|| {
                start = run.date(1);
                Headline::of(&run)
            });
            outcomes.push(Outcome::of(&run, headline));
        }
    }
    let headline = headline.unwrap_or_else(|| Headline { month: 0, date: reference.start, label: String::new() });
    let (reference_outcome, value_outcomes) = outcomes.split_first().expect("the reference run is always simulated");
    let summaries = value_outcomes.iter().map(|outcome| summarise_value(outcome, reference_outcome)).collect();
    SweepResults {
        sweep: sweep.clone(),
        scenario_name: reference.name.clone(),
        scenario_file: reference.file.clone(),
        scenario_sha256: reference.sha256.clone(),
        reference_value: reference_value(reference, sweep),
        seed: settings.seed,
        replications: settings.replications,
        months,
        start,
        headline,
        summaries,
    }
}

fn summarise_value(outcome: &Outcome, reference: &Outcome) -> [Summary; 5] {
    let paired = |this: &[f64], other: &[f64], sign: f64| -> Vec<f64> {
        this.iter().zip(other).map(|(a, b)| sign * (a - b)).map(|v| if v == 0.0 { 0.0 } else { v }).collect()
    };
    SweepMetric::ALL.map(|metric| {
        let values = match metric {
            SweepMetric::VacancyRate => outcome.vacancy_rate.clone(),
            SweepMetric::AgencyRate => outcome.agency_rate.clone(),
            SweepMetric::CostTotalGbp => outcome.cost_total.clone(),
            SweepMetric::NetCostGbp => paired(&outcome.cost_total, &reference.cost_total, 1.0),
            SweepMetric::VacancyFteMonthsAvoided => {
                paired(&outcome.vacancy_fte_months, &reference.vacancy_fte_months, -1.0)
            }
        };
        summarise(&values)
    })
}

// ---------------------------------------------------------------------------------------------
// Files

/// One row of `sweep.csv`: one figure across replications at one value of the parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// The key path as given to `--param`.
    pub parameter: String,
    #[serde(with = "row::number")]
    pub value: f64,
    pub metric: SweepMetric,
    #[serde(with = "row::spread")]
    pub spread: Spread,
}

impl CsvRow for SweepRow {
    const COLUMNS: &'static [&'static str] = &["parameter", "value", "metric", "mean", "p5", "p50", "p95"];
}

/// `sweep.csv` ([`SweepRow`]): value by value, metrics in [`SweepMetric::ALL`] order.
pub struct SweepCsv<'a> {
    pub results: &'a SweepResults,
}

impl OutputFile for SweepCsv<'_> {
    fn file_name(&self) -> &str {
        "sweep.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let results = self.results;
        let rows = results.sweep.values.iter().enumerate().flat_map(|(index, &value)| {
            SweepMetric::ALL.into_iter().map(move |metric| SweepRow {
                parameter: results.sweep.path.clone(),
                value,
                metric,
                spread: results.summary(index, metric).into(),
            })
        });
        row::write_rows(out, rows)
    }
}

/// `sweep.json`: what produced `sweep.csv`. No timestamps, thread counts or absolute paths
/// beyond those given: the same inputs give the same bytes.
#[derive(Debug, Serialize)]
pub struct SweepManifest {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub months: u32,
    /// The first simulated month.
    pub start: YearMonth,
    pub quantile_method: &'static str,
    pub scenario: ScenarioEntry,
    pub parameter: ParameterEntry,
    /// The month where `vacancy_rate` and `agency_rate` are read.
    pub rates_at: YearMonth,
    pub rates_at_description: String,
    pub metrics: Vec<MetricEntry>,
}

#[derive(Debug, Serialize)]
pub struct ScenarioEntry {
    pub name: String,
    /// As given on the command line.
    pub file: String,
    /// sha256 of the resolved scenario as given.
    pub sha256: String,
}

#[derive(Debug, Serialize)]
pub struct ParameterEntry {
    pub path: String,
    pub from: f64,
    pub to: f64,
    pub step: f64,
    pub values: Vec<f64>,
    /// The scenario's own value, if a plain number (where `net_cost_gbp` is 0).
    pub scenario_value: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct MetricEntry {
    pub name: &'static str,
    pub description: &'static str,
}

impl SweepManifest {
    pub fn new(results: &SweepResults) -> SweepManifest {
        SweepManifest {
            provenance: Provenance::new(results.seed, results.replications),
            months: results.months,
            start: results.start,
            quantile_method: QUANTILE_METHOD,
            scenario: ScenarioEntry {
                name: results.scenario_name.clone(),
                file: results.scenario_file.to_string_lossy().into_owned(),
                sha256: results.scenario_sha256.clone(),
            },
            parameter: ParameterEntry {
                path: results.sweep.path.clone(),
                from: results.sweep.from,
                to: results.sweep.to,
                step: results.sweep.step,
                values: results.sweep.values.clone(),
                scenario_value: results.reference_value,
            },
            rates_at: results.headline.date,
            rates_at_description: format!("{} (month {})", results.headline.label, results.headline.month),
            metrics: SweepMetric::ALL
                .iter()
                .map(|metric| MetricEntry { name: metric.name(), description: metric.description() })
                .collect(),
        }
    }
}

impl OutputFile for SweepManifest {
    fn file_name(&self) -> &str {
        "sweep.json"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        crate::output::write_json(out, self)
    }
}

/// The chart file stem: `sweep_` and the slug of the path.
pub fn chart_name(sweep: &ParamSweep) -> String {
    format!("sweep_{}", plot::slug(&sweep.path))
}

/// `charts/sweep_PATH.png` and `.svg`: vacancy rate and net cost against the value.
pub fn chart_files(results: &SweepResults) -> Result<Vec<BytesFile>, PlotError> {
    let pick = |metric| results.summaries.iter().enumerate().map(|(i, _)| results.summary(i, metric)).collect();
    let net: Vec<Summary> = pick(SweepMetric::NetCostGbp);
    let largest =
        net.iter().flat_map(|s| [s.p5, s.p95]).filter(|v| v.is_finite()).fold(0.0, |m: f64, v| m.max(v.abs()));
    let (scale, unit) = money_unit(largest);
    let plot = SweepPlot {
        title: format!("{}: sweep of {}", results.scenario_name, results.sweep.path),
        x_label: results.sweep.path.clone(),
        values: results.sweep.values.clone(),
        reference: results.reference_value,
        panels: vec![
            SweepPanel {
                title: format!("Vacancy rate at {}", results.headline.label),
                y_label: "Vacancy rate (%)".to_string(),
                summaries: pick(SweepMetric::VacancyRate),
                scale: 100.0,
                zero_line: false,
            },
            SweepPanel {
                title: format!("Net cost over {} months against the scenario as given (paired runs)", results.months),
                y_label: format!("Net cost ({unit})"),
                summaries: net,
                scale,
                zero_line: true,
            },
        ],
    };
    let (png, svg) = plot::sweep_chart(&plot)?;
    let name = chart_name(&results.sweep);
    Ok(vec![
        BytesFile { name: format!("charts/{name}.png"), bytes: png },
        BytesFile { name: format!("charts/{name}.svg"), bytes: svg.into_bytes() },
    ])
}

/// The scale and unit label for amounts of money up to `largest` pounds.
fn money_unit(largest: f64) -> (f64, &'static str) {
    if largest >= 1e6 {
        (1e-6, "£ million")
    } else if largest >= 1e4 {
        (1e-3, "£ thousand")
    } else {
        (1.0, "£")
    }
}

// ---------------------------------------------------------------------------------------------
// The printed summary

/// The lines printed after a sweep: per value, the median vacancy rate and net cost.
pub fn summary_lines(results: &SweepResults) -> Vec<String> {
    let mut lines = vec![
        format!(
            "Swept {} over {} value(s) on {} ({}): {} replications each, seed {}, {} months, common random numbers.",
            results.sweep.path,
            results.sweep.values.len(),
            results.scenario_name,
            results.scenario_file.display(),
            results.replications,
            results.seed,
            results.months
        ),
        format!(
            "Medians: vacancy rate at {}; net cost over {} months against the scenario as given.",
            results.headline.label, results.months
        ),
    ];
    let labels: Vec<String> = results.sweep.values.iter().map(|v| format_number(*v)).collect();
    let width = labels.iter().map(String::len).max().unwrap_or(0);
    for (index, label) in labels.iter().enumerate() {
        let vacancy = results.summary(index, SweepMetric::VacancyRate).p50;
        let net = results.summary(index, SweepMetric::NetCostGbp).p50;
        let own = if results.reference_value == Some(results.sweep.values[index]) { "  (as given)" } else { "" };
        lines.push(format!(
            "  {} = {label:>width$}: vacancy rate {}, net cost {}{own}",
            results.sweep.path,
            percent(vacancy),
            pounds(net)
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_csv_has_the_columns_it_always_had() {
        let row = SweepRow {
            parameter: "retention.allowance.amount_gbp".into(),
            value: 1500.0,
            metric: SweepMetric::NetCostGbp,
            spread: Spread { mean: -0.0, p5: -12.5, p50: 0.3, p95: f64::NAN },
        };
        let mut bytes = Vec::new();
        row::write_rows(&mut bytes, [row.clone()]).unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "parameter,value,metric,mean,p5,p50,p95\nretention.allowance.amount_gbp,1500,net_cost_gbp,0,-12.5,0.3,\n"
        );
        let read: Vec<SweepRow> = row::read_rows(&bytes).unwrap();
        assert_eq!((read[0].metric, read[0].spread.p50), (row.metric, row.spread.p50));
    }

    #[test]
    fn rounding_to_absurdly_many_decimals_is_the_value_itself() {
        // A format precision of 2^16 or more panics; a step written with 70,000 decimals asks
        // for that.
        assert_eq!(round_to(0.1 + 0.2, 70_000), 0.1 + 0.2);
        assert_eq!(round_to(0.123456, 2), 0.12);
    }

    fn values(text: &str) -> Vec<f64> {
        parse_param(text).unwrap().values
    }

    #[test]
    fn integer_ranges_include_to() {
        assert_eq!(values("retention.allowance.amount_gbp=0..5000:2500"), [0.0, 2500.0, 5000.0]);
        assert_eq!(values("a=0..30:10"), [0.0, 10.0, 20.0, 30.0]);
        assert_eq!(values("a=0..29:10"), [0.0, 10.0, 20.0]);
        assert_eq!(values("a=5..5:1"), [5.0]);
        assert_eq!(values("a=-2..2:2"), [-2.0, 0.0, 2.0]);
    }

    #[test]
    fn decimal_ranges_do_not_drift() {
        let tenths = values("retention.allowance.hazard_ratio=0..1:0.1");
        assert_eq!(tenths.len(), 11);
        assert_eq!(tenths[3], 0.3);
        assert_eq!(tenths[7], 0.7);
        assert_eq!(tenths[10], 1.0);
        assert_eq!(values("a=0.7..1.0:0.05"), [0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]);
        assert_eq!(values("a=.5..1.5:0.5"), [0.5, 1.0, 1.5]);
        assert_eq!(values("a=-0.3..0:0.1"), [-0.3, -0.2, -0.1, 0.0]);
        assert!(values("a=-0.3..0:0.1")[3].is_sign_positive());
    }

    #[test]
    fn paths_with_indexes_are_split() {
        let sweep = parse_param("routes.apprenticeship.cohorts[0].size=0..10:5").unwrap();
        assert_eq!(sweep.path, "routes.apprenticeship.cohorts[0].size");
        assert_eq!(
            sweep.segments,
            [
                Segment { key: "routes".into(), indexes: vec![] },
                Segment { key: "apprenticeship".into(), indexes: vec![] },
                Segment { key: "cohorts".into(), indexes: vec![0] },
                Segment { key: "size".into(), indexes: vec![] },
            ]
        );
        assert_eq!(parse_path("a[1][2]").unwrap(), [Segment { key: "a".into(), indexes: vec![1, 2] }]);
    }

    #[test]
    fn bad_forms_are_refused_with_the_argument_named() {
        for bad in [
            "nonsense",
            "a=1..2",
            "a=1:2",
            "=0..1:1",
            "a..b=0..1:1",
            "a.=0..1:1",
            "a[x]=0..1:1",
            "a[0=0..1:1",
            "a[0]b=0..1:1",
            "a b=0..1:1",
            "a=x..1:1",
            "a=0..1:1e-1",
            "a=0..inf:1",
            "a=0..NaN:1",
            "a=1..0:1",
            "a=0..1:0",
            "a=0..1:-1",
            "a=0..200:1",
            "a=0..1:0.00000000001",
        ] {
            let error = parse_param(bad).expect_err(bad);
            assert!(error.starts_with(&format!("--param {bad}: ")), "{error}");
        }
        assert!(parse_param("a=0..199:1").is_ok());
        assert!(parse_param("a=0..200:1").unwrap_err().contains("201 values"));
        assert!(parse_param("a=0..1:0").unwrap_err().contains("STEP must be more than 0"));
        assert!(parse_param("x=1..0:1").unwrap_err().contains("FROM (1) is more than TO (0)"));
    }

    #[test]
    fn values_are_set_creating_tables_and_replacing_distributions() {
        let mut table: toml::Table =
            toml::from_str("[r.a]\nn = 3\nx = 0.5\nd = { dist = \"uniform\", min = 0, max = 1 }\n[[c]]\nsize = 1\n")
                .unwrap();
        let set = |table: &mut toml::Table, path: &str, value: toml::Value| {
            set_path(table, &parse_path(path).unwrap(), value)
        };
        set(&mut table, "r.a.d", toml::Value::Float(0.9)).unwrap();
        set(&mut table, "r.b.new", toml::Value::Integer(4)).unwrap();
        set(&mut table, "c[0].size", toml::Value::Integer(7)).unwrap();
        let expected: toml::Table =
            toml::from_str("[r.a]\nn = 3\nx = 0.5\nd = 0.9\n[r.b]\nnew = 4\n[[c]]\nsize = 7\n").unwrap();
        assert_eq!(table, expected);
        assert!(set(&mut table, "c[1].size", toml::Value::Integer(1)).unwrap_err().contains("1 element(s)"));
        assert!(set(&mut table, "r.a.n.deeper", toml::Value::Integer(1)).unwrap_err().contains("not a table"));
        assert!(set(&mut table, "missing[0]", toml::Value::Integer(1)).is_err());
        assert!(set(&mut table, "r[0].x", toml::Value::Integer(1)).unwrap_err().contains("not a list"));
    }

    #[test]
    fn numbers_keep_the_kind_already_there() {
        let int = toml::Value::Integer(1);
        let float = toml::Value::Float(1.0);
        assert_eq!(number_forms(Some(&int), 3.0), [toml::Value::Integer(3)]);
        assert_eq!(number_forms(Some(&int), 2.5), [toml::Value::Float(2.5)]);
        assert_eq!(number_forms(Some(&float), 3.0), [toml::Value::Float(3.0)]);
        assert_eq!(number_forms(None, 3.0), [toml::Value::Integer(3), toml::Value::Float(3.0)]);
    }
}
