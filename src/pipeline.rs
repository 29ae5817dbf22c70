//! The pipeline of a run: from checked scenarios to every file `wfsim run` writes, in memory.
//!
//! Simulate each scenario (the baseline first), turn it into its result rows as soon as it is
//! done (so that only one scenario's replications are held at a time), then the allowance
//! break-even searches, the manifest and, if asked, the charts, report and workbook, built from
//! the result files exactly as `wfsim report` builds them. The command line writes what this
//! returns in one go; a server can send it instead. Nothing here touches the file system.

use thiserror::Error;

use crate::appraisal::{self, BreakEven};
use crate::calendar::YearMonth;
use crate::engine::metrics::Metric;
use crate::output::manifest::{GroupLink, ScenarioEntry};
use crate::output::{
    AnnualCsv, AppraisalCsv, AssumptionsCsv, BreakEvenCsv, BytesFile, CostsCsv, DifferencesCsv, Manifest, OutputFile,
    ProbabilitiesCsv, ScenarioTable, TableSet, TimeseriesCsv, WholeYearCsv,
};
use crate::report::{self, ReportError, Results};
use crate::run::{self, RunSettings, ScenarioRun};
use crate::scenario::Scenario;
use crate::stats::{self, Summary};

/// Why a run's files could not be made (the scenarios were checked before, so none of these is
/// the user's input).
#[derive(Debug, Error)]
pub enum PipelineError {
    #[error("cannot build the result files: {0}")]
    Results(#[from] std::io::Error),
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// Everything a run writes, with each scenario's headline figures.
#[derive(Debug)]
pub struct RunOutput {
    pub files: Vec<BytesFile>,
    /// In the scenarios' order.
    pub headlines: Vec<ScenarioHeadline>,
}

/// One scenario's vacancy and agency rates at its headline month (the last 30 September
/// simulated, or the last month): what the terminal prints.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioHeadline {
    pub scenario: String,
    /// `30 September 2029`, or `end of 2029-08` if no 30 September was simulated.
    pub when: String,
    pub vacancy_rate: Summary,
    pub agency_rate: Summary,
}

impl ScenarioHeadline {
    fn of(run: &ScenarioRun) -> ScenarioHeadline {
        let stats::Headline { label, month, .. } = stats::Headline::of(run);
        let rate = |metric: Metric| stats::summarise(run.replications_of(month, metric));
        ScenarioHeadline {
            scenario: run.name.clone(),
            when: label,
            vacancy_rate: rate(Metric::VacancyRate),
            agency_rate: rate(Metric::AgencyRate),
        }
    }
}

/// `--months` may take a scenario past December 9999, which outputs cannot date as "YYYY-MM"
/// (a scenario's own `horizon_months` is checked when it is loaded): one line per scenario
/// it would take there.
pub fn check_months_datable(scenarios: &[Scenario], months: u32) -> Result<(), Vec<String>> {
    let last_datable = YearMonth::LAST_DATABLE;
    let lines: Vec<String> = scenarios
        .iter()
        .filter(|scenario| scenario.start.plus(months as i32 - 1) > last_datable)
        .map(|scenario| {
            format!(
                "--months {months}: scenario {} starts {}, so the run would end after {last_datable}, the last month that can be dated: give fewer months",
                scenario.file.display(),
                scenario.start
            )
        })
        .collect();
    if lines.is_empty() { Ok(()) } else { Err(lines) }
}

/// Simulates the scenarios (one group: a baseline and its options) and makes every file of
/// the run; the charts, report and workbook only `with_report`. `other_groups` says where the
/// run's other groups are, for the manifest and the report.
pub fn run(
    scenarios: &[Scenario],
    settings: &RunSettings,
    with_report: bool,
    other_groups: Vec<GroupLink>,
) -> Result<RunOutput, PipelineError> {
    let tables: [&dyn ScenarioTable; 8] = [
        &TimeseriesCsv,
        &AnnualCsv,
        &WholeYearCsv,
        &DifferencesCsv,
        &ProbabilitiesCsv,
        &AssumptionsCsv,
        &CostsCsv,
        &AppraisalCsv,
    ];
    let mut table_set = TableSet::new(tables.to_vec(), scenarios.len());
    let mut entries: Vec<Option<ScenarioEntry>> = scenarios.iter().map(|_| None).collect();
    let mut headlines: Vec<Option<ScenarioHeadline>> = scenarios.iter().map(|_| None).collect();
    let baseline_name = run::baseline_scenario(scenarios).map(|(_, scenario)| scenario.name.clone());
    // The break-even searches need nothing from the runs: they are simulated beside them, and
    // keep the cores busy while the last run's tables are made.
    let (simulated, break_even) = rayon::join(
        || {
            run::run_each(scenarios, settings, |position, run, baseline| {
                table_set.add(position, run, baseline)?;
                if let (Some(entry), Some(headline)) = (entries.get_mut(position), headlines.get_mut(position)) {
                    *entry = Some(ScenarioEntry::of(run));
                    *headline = Some(ScenarioHeadline::of(run));
                }
                Ok::<(), std::io::Error>(())
            })
        },
        || BreakEvenCsv { rows: break_even_rows(scenarios, baseline_name.as_deref(), settings) },
    );
    simulated?;

    let manifest =
        Manifest { other_groups, ..Manifest::new(entries.into_iter().flatten().collect(), baseline_name, settings) };
    let mut files = table_set.into_files()?;
    for file in [&break_even as &dyn OutputFile, &manifest] {
        files.push(BytesFile::of(file)?);
    }
    if with_report {
        let results = Results::from_files(&files)?;
        files.extend(report::render(&results)?);
    }
    Ok(RunOutput { files, headlines: headlines.into_iter().flatten().collect() })
}

/// The allowance break-even of the baseline and of every option that changes its allowance.
fn break_even_rows(scenarios: &[Scenario], baseline: Option<&str>, settings: &RunSettings) -> Vec<(String, BreakEven)> {
    let Some(baseline) = baseline else { return Vec::new() };
    appraisal::allowance_scenarios(scenarios, baseline)
        .into_iter()
        .filter_map(|scenario| {
            appraisal::break_even(scenario, settings).map(|outcome| (scenario.name.clone(), outcome))
        })
        .collect()
}
