//! A finished run's results, read back from its output directory: everything the charts, the
//! report and the workbook need, so that `wfsim report DIR` can rebuild them without
//! simulating again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ReportError;
use crate::appraisal::{Measure, Period};
use crate::engine::metrics::Metric;
pub use crate::output::manifest::{Manifest, ScenarioEntry};
use crate::stats::YearMeasure;
// The rows of each file, defined beside its writer: one definition for writing and reading.
pub use crate::output::{
    AnnualRow, AppraisalRow, AssumptionRow, BreakEvenRow, BreakEvenStatus, CostRow, ProbabilityRow, SeriesRow,
    WholeYearRow,
};
use crate::output::{CsvRow, read_rows as read_csv_rows};

/// The contents of a run's output directory.
#[derive(Debug, Clone)]
pub struct Results {
    pub manifest: Manifest,
    /// `timeseries.csv`: every scenario, month and metric.
    pub timeseries: Vec<SeriesRow>,
    /// `annual.csv`: DfE-style figures at each 30 September.
    pub annual: Vec<AnnualRow>,
    /// `whole_year.csv`: each year's average and worst month of the figures census dates hide.
    pub whole_year: Vec<WholeYearRow>,
    /// `differences.csv`: each option minus the baseline, paired by replication.
    pub differences: Vec<SeriesRow>,
    /// `probabilities.csv`: the share of replications below thresholds at each 30 September.
    pub probabilities: Vec<ProbabilityRow>,
    /// `assumptions.csv`: every parameter of every scenario, with its source comment.
    pub assumptions: Vec<AssumptionRow>,
    /// `costs.csv`: each scenario's costs by financial year and in total, by category.
    pub costs: Vec<CostRow>,
    /// `appraisal.csv`: each option against the baseline, paired by replication, by financial
    /// year and in total.
    pub appraisal: Vec<AppraisalRow>,
    /// `breakeven.csv`: the hazard ratio at which a retention allowance pays for itself.
    pub break_even: Vec<BreakEvenRow>,
}

impl Results {
    /// Reads every result file of `dir`.
    pub fn read(dir: &Path) -> Result<Results, ReportError> {
        Results::parse(|name| {
            let path = dir.join(name);
            std::fs::read(&path).map(|bytes| (path.clone(), bytes)).map_err(|source| ReportError::Read { path, source })
        })
    }

    /// Reads the result files of a run still in memory (`files` by name, as they will be
    /// written), so that the report can be made before anything is written.
    pub fn from_files(files: &[crate::output::BytesFile]) -> Result<Results, ReportError> {
        Results::parse(|name| {
            let path = PathBuf::from(name);
            match files.iter().find(|file| file.name == name) {
                Some(file) => Ok((path, file.bytes.clone())),
                None => Err(ReportError::Read { path, source: std::io::ErrorKind::NotFound.into() }),
            }
        })
    }

    /// Parses the result files that `open` gives by name (with the path to name in errors).
    fn parse(open: impl Fn(&str) -> Result<(PathBuf, Vec<u8>), ReportError> + Sync) -> Result<Results, ReportError> {
        let (manifest_path, bytes) = open("manifest.json")?;
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| ReportError::Malformed {
            path: manifest_path.clone(),
            line: e.line(),
            message: e.to_string(),
        })?;
        // No run is longer: a manifest claiming more was not written by wfsim, and the report
        // would step through every month it claims.
        if let Some(scenario) = manifest.scenarios.iter().find(|s| s.months > crate::engine::MAX_MONTHS) {
            return Err(ReportError::Malformed {
                path: manifest_path,
                line: 0,
                message: format!(
                    "scenario {:?} claims {} months; a run has at most {}",
                    scenario.name,
                    scenario.months,
                    crate::engine::MAX_MONTHS
                ),
            });
        }
        // The two long files are read side by side; a failure is still the first in this order.
        let (timeseries, differences) =
            rayon::join(|| read_rows(open("timeseries.csv")?), || read_rows(open("differences.csv")?));
        Ok(Results {
            manifest,
            timeseries: timeseries?,
            annual: read_rows(open("annual.csv")?)?,
            whole_year: read_rows(open("whole_year.csv")?)?,
            differences: differences?,
            probabilities: read_rows(open("probabilities.csv")?)?,
            assumptions: read_rows(open("assumptions.csv")?)?,
            costs: read_rows(open("costs.csv")?)?,
            appraisal: read_rows(open("appraisal.csv")?)?,
            break_even: read_rows(open("breakeven.csv")?)?,
        })
    }

    /// Scenario names in run order (the baseline first when there is one).
    pub fn scenario_names(&self) -> Vec<&str> {
        self.manifest.scenarios.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn baseline(&self) -> Option<&str> {
        self.manifest.baseline.as_deref()
    }

    pub fn scenario(&self, name: &str) -> Option<&ScenarioEntry> {
        self.manifest.scenarios.iter().find(|s| s.name == name)
    }

    /// The monthly rows of one scenario and metric, in month order.
    pub fn series(&self, scenario: &str, metric: Metric) -> Vec<&SeriesRow> {
        self.timeseries.iter().filter(|r| r.scenario == scenario && r.metric == metric).collect()
    }

    /// The paired difference from the baseline of one option and metric, in month order
    /// (empty for the baseline itself).
    pub fn difference_series(&self, scenario: &str, metric: Metric) -> Vec<&SeriesRow> {
        self.differences.iter().filter(|r| r.scenario == scenario && r.metric == metric).collect()
    }

    /// The whole-year rows of one scenario, metric and measure, in year order.
    pub fn whole_year(&self, scenario: &str, metric: Metric, measure: YearMeasure) -> Vec<&WholeYearRow> {
        self.whole_year
            .iter()
            .filter(|r| r.scenario == scenario && r.metric == metric && r.measure == measure)
            .collect()
    }

    /// The annual rows of one scenario and metric, in year order.
    pub fn annual(&self, scenario: &str, metric: Metric) -> Vec<&AnnualRow> {
        self.annual.iter().filter(|r| r.scenario == scenario && r.metric == metric).collect()
    }

    /// The years with a 30 September in the results, in order.
    pub fn years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = self.annual.iter().map(|r| r.year).collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// Share of replications with `metric` below `threshold` at 30 September `year`, if
    /// recorded (thresholds are matched to within 1e-9).
    pub fn share_below(&self, scenario: &str, year: i32, metric: Metric, threshold: f64) -> Option<f64> {
        self.probabilities
            .iter()
            .find(|r| {
                r.scenario == scenario && r.year == year && r.metric == metric && (r.threshold - threshold).abs() < 1e-9
            })
            .map(|r| r.share_below)
    }

    /// One scenario's parameters, in file order of `assumptions.csv`.
    pub fn assumptions(&self, scenario: &str) -> Vec<&AssumptionRow> {
        self.assumptions.iter().filter(|r| r.scenario == scenario).collect()
    }

    /// One scenario's cost in one category (a metric of [`COSTS`](crate::engine::metrics::COSTS))
    /// over a financial year (`2024-25`) or `total`.
    pub fn cost(&self, scenario: &str, period: Period, category: Metric) -> Option<&CostRow> {
        self.costs.iter().find(|r| r.scenario == scenario && r.financial_year == period && r.category == category)
    }

    /// One measure of an option against the baseline over a financial year or `total`.
    pub fn appraisal(&self, scenario: &str, period: Period, measure: Measure) -> Option<&AppraisalRow> {
        self.appraisal.iter().find(|r| r.scenario == scenario && r.financial_year == period && r.measure == measure)
    }

    /// The break-even search for one scenario's retention allowance, if it has one.
    pub fn break_even(&self, scenario: &str) -> Option<&BreakEvenRow> {
        self.break_even.iter().find(|r| r.scenario == scenario)
    }

    /// The financial years of `costs.csv`, in order, with `total` last.
    pub fn financial_years(&self) -> Vec<Period> {
        sorted_years(self.costs.iter().map(|r| r.financial_year))
    }

    /// The financial years of one scenario's costs, in order, with `total` last.
    pub fn financial_years_of(&self, scenario: &str) -> Vec<Period> {
        sorted_years(self.costs.iter().filter(|r| r.scenario == scenario).map(|r| r.financial_year))
    }

    /// The description of each metric, by name.
    pub fn metric_descriptions(&self) -> BTreeMap<&str, &str> {
        self.manifest.metrics.iter().map(|m| (m.name.as_str(), m.description.as_str())).collect()
    }
}

/// Distinct financial years in time order, `total` last.
fn sorted_years(periods: impl Iterator<Item = Period>) -> Vec<Period> {
    let mut years: Vec<Period> = periods.collect();
    years.sort();
    years.dedup();
    years
}

/// Reads a result file's rows; errors name the file, the line and, where it is known, the
/// column.
fn read_rows<R: CsvRow>((path, bytes): (PathBuf, Vec<u8>)) -> Result<Vec<R>, ReportError> {
    read_csv_rows(&bytes).map_err(|error| ReportError::Malformed { path, line: error.line, message: error.message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::FinancialYear;

    #[test]
    fn financial_year_labels_parse() {
        let start = |label: &str| label.parse::<FinancialYear>().ok().map(|year| year.start_year);
        assert_eq!(start("2024-25"), Some(2024));
        assert_eq!(start("2099-00"), Some(2099));
        assert_eq!(start("2024-26"), None);
        assert_eq!(start("total"), None);
        assert_eq!(start("+024-25"), None);
        let labels = ["total", "2025-26", "2024-25", "total", "2099-00", "2100-01"];
        let years = sorted_years(labels.into_iter().map(|label| label.parse().unwrap()));
        let years: Vec<String> = years.iter().map(ToString::to_string).collect();
        assert_eq!(years, ["2024-25", "2025-26", "2099-00", "2100-01", "total"]);
    }

    #[test]
    fn bad_cost_files_are_named_with_their_line() {
        let file = |name: &str, text: &str| (PathBuf::from(name), text.as_bytes().to_vec());
        let bad_status = file(
            "breakeven.csv",
            "scenario,status,hazard_ratio,net_cost_gbp\nbaseline,found,0.17,2771.2\nx,maybe,0,0\n",
        );
        let error = read_rows::<BreakEvenRow>(bad_status).unwrap_err().to_string();
        assert!(error.contains("breakeven.csv:3:") && error.contains("maybe"), "{error}");

        let bad_year =
            file("costs.csv", "scenario,financial_year,category,mean,p5,p50,p95\nbaseline,2024,total,1,1,1,1\n");
        let error = read_rows::<CostRow>(bad_year).unwrap_err().to_string();
        assert!(error.contains("costs.csv:2:") && error.contains("financial_year"), "{error}");

        let empty_cells = file(
            "appraisal.csv",
            "scenario,financial_year,measure,mean,p5,p50,p95\nopt,total,probability_cheaper,0.25,,,\n",
        );
        let rows = read_rows::<AppraisalRow>(empty_cells).unwrap();
        let spread = rows[0].spread;
        assert_eq!(spread.mean, 0.25);
        assert!(spread.p5.is_nan() && spread.p50.is_nan() && spread.p95.is_nan());
    }

    #[test]
    fn months_in_a_financial_year() {
        let scenario = ScenarioEntry {
            name: "baseline".to_string(),
            title: None,
            description: String::new(),
            file: "baseline.toml".to_string(),
            sha256: String::new(),
            start: "2024-10".parse().unwrap(),
            months: 60,
        };
        let months = |start_year| {
            scenario
                .months_in_financial_year(FinancialYear { start_year })
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(months(2024), ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]);
        assert_eq!(months(2025).len(), 12);
        assert_eq!(months(2029).first().map(String::as_str), Some("2029-04"));
        assert_eq!(months(2029).last().map(String::as_str), Some("2029-09"));
        assert!(months(2030).is_empty());
    }
}
