//! A finished run's results, read back from its output directory: everything the charts, the
//! report and the workbook need, so that `wfsim report DIR` can rebuild them without
//! simulating again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::ReportError;
use crate::calendar::YearMonth;
pub use crate::output::manifest::{Manifest, ScenarioEntry};
use crate::stats::Summary;

/// The contents of a run's output directory.
#[derive(Debug, Clone)]
pub struct Results {
    pub manifest: Manifest,
    /// `timeseries.csv`: every scenario, month and metric.
    pub timeseries: Vec<SeriesRow>,
    /// `annual.csv`: DfE-style figures at each 30 September.
    pub annual: Vec<AnnualRow>,
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

/// One row of `timeseries.csv` or `differences.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRow {
    pub scenario: String,
    pub month: u32,
    pub date: YearMonth,
    pub metric: String,
    pub summary: Summary,
}

/// One row of `annual.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualRow {
    pub scenario: String,
    /// The year of the 30 September reference date.
    pub year: i32,
    pub metric: String,
    pub summary: Summary,
}

/// One row of `probabilities.csv`: in what share of replications `metric` was below
/// `threshold` at 30 September of `year`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbabilityRow {
    pub scenario: String,
    pub year: i32,
    pub metric: String,
    pub threshold: f64,
    pub share_below: f64,
}

/// One row of `assumptions.csv`: a parameter as the scenario sets it (its own or inherited).
#[derive(Debug, Clone, PartialEq)]
pub struct AssumptionRow {
    pub scenario: String,
    /// Dotted path, as in the scenario file: `retention.allowance.hazard_ratio`.
    pub parameter: String,
    /// The value as written in the file.
    pub value: String,
    /// The comment that gives its source, or "" if none.
    pub source: String,
    /// The file that set it.
    pub file: String,
    /// Set differently from the baseline (or not set there at all).
    pub differs_from_baseline: bool,
}

/// One row of `costs.csv`: one scenario's spend in one category over a financial year (or
/// the whole horizon), pounds, across replications. Grant income is a positive amount that
/// the total is net of.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    pub scenario: String,
    /// `2024-25` (April 2024 to March 2025) or `total` (the whole horizon).
    pub financial_year: String,
    /// `total`, `salary`, `supplement`, `allowance`, `welcome`, `agency`, `recruitment`,
    /// `training` or `grant_income`.
    pub category: String,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// One row of `appraisal.csv`: a measure of an option against the baseline over a financial
/// year (or the whole horizon). The ratio and the probability have a mean only: their
/// percentiles read as NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct AppraisalRow {
    pub scenario: String,
    /// `2024-25` or `total`.
    pub financial_year: String,
    /// `extra_cost_gbp`, `agency_saving_gbp`, `net_cost_gbp`, `vacancy_fte_months_avoided`,
    /// `agency_fte_months_saved`, `cost_per_vacancy_fte_month_avoided_gbp` or
    /// `probability_cheaper`.
    pub measure: String,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// The outcome of the break-even search for a retention allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakEvenStatus {
    /// The allowance pays for itself at hazard ratios up to `hazard_ratio`.
    Found,
    /// It does not pay for itself even if no eligible worker ever left (hazard ratio 0).
    NeverPays,
    /// It pays for itself even with no effect on leaving (hazard ratio 1).
    AlwaysPays,
}

impl BreakEvenStatus {
    /// The status as written in `breakeven.csv`.
    pub fn name(self) -> &'static str {
        match self {
            BreakEvenStatus::Found => "found",
            BreakEvenStatus::NeverPays => "never_pays",
            BreakEvenStatus::AlwaysPays => "always_pays",
        }
    }
}

impl std::str::FromStr for BreakEvenStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [BreakEvenStatus::Found, BreakEvenStatus::NeverPays, BreakEvenStatus::AlwaysPays]
            .into_iter()
            .find(|status| status.name() == text)
            .ok_or_else(|| format!("expected found, never_pays or always_pays, got {text:?}"))
    }
}

/// One row of `breakeven.csv`: for a scenario with a retention allowance, the allowance
/// hazard ratio at which it pays for itself through lower agency and recruitment spend.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakEvenRow {
    pub scenario: String,
    pub status: BreakEvenStatus,
    /// The break-even ratio if found; 0 for `never_pays`, 1 for `always_pays`.
    pub hazard_ratio: f64,
    /// The mean net cost (allowance less the agency and recruitment spend saved) over the
    /// horizon at that ratio, pounds: about 0 when found.
    pub net_cost_gbp: f64,
}

/// The label of the whole horizon in the `financial_year` column.
pub const TOTAL: &str = "total";

/// The first year of a financial-year label: `2024-25` is 2024 (April 2024 to March 2025).
/// `None` for `total` or anything else.
pub fn financial_year_start(label: &str) -> Option<i32> {
    let (first, second) = label.split_once('-')?;
    if first.len() != 4 || second.len() != 2 || !label.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let year: i32 = first.parse().ok()?;
    let next: i32 = second.parse().ok()?;
    (next == (year + 1) % 100).then_some(year)
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
    fn parse(open: impl Fn(&str) -> Result<(PathBuf, Vec<u8>), ReportError>) -> Result<Results, ReportError> {
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
        Ok(Results {
            manifest,
            timeseries: read_rows(open("timeseries.csv")?, series_row)?,
            annual: read_rows(open("annual.csv")?, annual_row)?,
            differences: read_rows(open("differences.csv")?, series_row)?,
            probabilities: read_rows(open("probabilities.csv")?, probability_row)?,
            assumptions: read_rows(open("assumptions.csv")?, assumption_row)?,
            costs: read_rows(open("costs.csv")?, cost_row)?,
            appraisal: read_rows(open("appraisal.csv")?, appraisal_row)?,
            break_even: read_rows(open("breakeven.csv")?, break_even_row)?,
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
    pub fn series(&self, scenario: &str, metric: &str) -> Vec<&SeriesRow> {
        self.timeseries.iter().filter(|r| r.scenario == scenario && r.metric == metric).collect()
    }

    /// The paired difference from the baseline of one option and metric, in month order
    /// (empty for the baseline itself).
    pub fn difference_series(&self, scenario: &str, metric: &str) -> Vec<&SeriesRow> {
        self.differences.iter().filter(|r| r.scenario == scenario && r.metric == metric).collect()
    }

    /// The annual rows of one scenario and metric, in year order.
    pub fn annual(&self, scenario: &str, metric: &str) -> Vec<&AnnualRow> {
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
    pub fn share_below(&self, scenario: &str, year: i32, metric: &str, threshold: f64) -> Option<f64> {
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

    /// One scenario's cost in one category over a financial year (`2024-25`) or `total`.
    pub fn cost(&self, scenario: &str, financial_year: &str, category: &str) -> Option<&CostRow> {
        self.costs
            .iter()
            .find(|r| r.scenario == scenario && r.financial_year == financial_year && r.category == category)
    }

    /// One measure of an option against the baseline over a financial year or `total`.
    pub fn appraisal(&self, scenario: &str, financial_year: &str, measure: &str) -> Option<&AppraisalRow> {
        self.appraisal
            .iter()
            .find(|r| r.scenario == scenario && r.financial_year == financial_year && r.measure == measure)
    }

    /// The break-even search for one scenario's retention allowance, if it has one.
    pub fn break_even(&self, scenario: &str) -> Option<&BreakEvenRow> {
        self.break_even.iter().find(|r| r.scenario == scenario)
    }

    /// The financial years of `costs.csv`, in order, with `total` last.
    pub fn financial_years(&self) -> Vec<&str> {
        sorted_years(self.costs.iter().map(|r| r.financial_year.as_str()))
    }

    /// The financial years of one scenario's costs, in order, with `total` last.
    pub fn financial_years_of(&self, scenario: &str) -> Vec<&str> {
        sorted_years(self.costs.iter().filter(|r| r.scenario == scenario).map(|r| r.financial_year.as_str()))
    }

    /// The description of each metric, by name.
    pub fn metric_descriptions(&self) -> BTreeMap<&str, &str> {
        self.manifest.metrics.iter().map(|m| (m.name.as_str(), m.description.as_str())).collect()
    }
}

/// Distinct financial-year labels in time order, `total` last.
fn sorted_years<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut years: Vec<&str> = labels.collect();
    years.sort_by_key(|label| (*label == TOTAL, financial_year_start(label), *label));
    years.dedup();
    years
}

/// Reads a CSV with a header, turning each record into a row; errors name the file and line.
fn read_rows<T>(
    (path, bytes): (PathBuf, Vec<u8>),
    parse: impl Fn(&csv::StringRecord, &Header) -> Result<T, String>,
) -> Result<Vec<T>, ReportError> {
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let malformed = |line: usize, message: String| ReportError::Malformed { path: path.clone(), line, message };
    let header = Header(reader.headers().map_err(|e| malformed(1, e.to_string()))?.clone());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| malformed(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push(parse(&record, &header).map_err(|message| malformed(line, message))?);
    }
    Ok(rows)
}

/// A CSV header, to find columns by name.
struct Header(csv::StringRecord);

impl Header {
    fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Result<&'r str, String> {
        let index = self.0.iter().position(|c| c == column).ok_or_else(|| format!("no column `{column}`"))?;
        record.get(index).ok_or_else(|| format!("missing value in column `{column}`"))
    }

    fn number<T: std::str::FromStr>(&self, record: &csv::StringRecord, column: &str) -> Result<T, String> {
        let text = self.get(record, column)?;
        text.parse().map_err(|_| format!("column `{column}`: expected a number, got {text:?}"))
    }

    /// A float; an empty cell (a value that was not a number) reads as NaN.
    fn float(&self, record: &csv::StringRecord, column: &str) -> Result<f64, String> {
        if self.get(record, column)?.is_empty() { Ok(f64::NAN) } else { self.number(record, column) }
    }

    fn summary(&self, record: &csv::StringRecord) -> Result<Summary, String> {
        Ok(Summary {
            mean: self.float(record, "mean")?,
            p5: self.float(record, "p5")?,
            p10: self.float(record, "p10")?,
            p25: self.float(record, "p25")?,
            p50: self.float(record, "p50")?,
            p75: self.float(record, "p75")?,
            p90: self.float(record, "p90")?,
            p95: self.float(record, "p95")?,
        })
    }
}

fn series_row(record: &csv::StringRecord, header: &Header) -> Result<SeriesRow, String> {
    let date = header.get(record, "date")?;
    Ok(SeriesRow {
        scenario: header.get(record, "scenario")?.to_string(),
        month: header.number(record, "month")?,
        date: date.parse().map_err(|e| format!("column `date`: {e}"))?,
        metric: header.get(record, "metric")?.to_string(),
        summary: header.summary(record)?,
    })
}

fn annual_row(record: &csv::StringRecord, header: &Header) -> Result<AnnualRow, String> {
    Ok(AnnualRow {
        scenario: header.get(record, "scenario")?.to_string(),
        year: header.number(record, "year")?,
        metric: header.get(record, "metric")?.to_string(),
        summary: header.summary(record)?,
    })
}

fn probability_row(record: &csv::StringRecord, header: &Header) -> Result<ProbabilityRow, String> {
    Ok(ProbabilityRow {
        scenario: header.get(record, "scenario")?.to_string(),
        year: header.number(record, "year")?,
        metric: header.get(record, "metric")?.to_string(),
        threshold: header.float(record, "threshold")?,
        share_below: header.float(record, "share_below")?,
    })
}

fn assumption_row(record: &csv::StringRecord, header: &Header) -> Result<AssumptionRow, String> {
    let differs = header.get(record, "differs_from_baseline")?;
    Ok(AssumptionRow {
        scenario: header.get(record, "scenario")?.to_string(),
        parameter: header.get(record, "parameter")?.to_string(),
        value: header.get(record, "value")?.to_string(),
        source: header.get(record, "source")?.to_string(),
        file: header.get(record, "file")?.to_string(),
        differs_from_baseline: match differs {
            "true" => true,
            "false" => false,
            other => return Err(format!("column `differs_from_baseline`: expected true or false, got {other:?}")),
        },
    })
}

/// The `financial_year` column: `2024-25` or `total`.
fn financial_year(record: &csv::StringRecord, header: &Header) -> Result<String, String> {
    let label = header.get(record, "financial_year")?;
    if label == TOTAL || financial_year_start(label).is_some() {
        Ok(label.to_string())
    } else {
        Err(format!("column `financial_year`: expected a financial year such as 2024-25, or total, got {label:?}"))
    }
}

fn cost_row(record: &csv::StringRecord, header: &Header) -> Result<CostRow, String> {
    Ok(CostRow {
        scenario: header.get(record, "scenario")?.to_string(),
        financial_year: financial_year(record, header)?,
        category: header.get(record, "category")?.to_string(),
        mean: header.float(record, "mean")?,
        p5: header.float(record, "p5")?,
        p50: header.float(record, "p50")?,
        p95: header.float(record, "p95")?,
    })
}

fn appraisal_row(record: &csv::StringRecord, header: &Header) -> Result<AppraisalRow, String> {
    Ok(AppraisalRow {
        scenario: header.get(record, "scenario")?.to_string(),
        financial_year: financial_year(record, header)?,
        measure: header.get(record, "measure")?.to_string(),
        mean: header.float(record, "mean")?,
        p5: header.float(record, "p5")?,
        p50: header.float(record, "p50")?,
        p95: header.float(record, "p95")?,
    })
}

fn break_even_row(record: &csv::StringRecord, header: &Header) -> Result<BreakEvenRow, String> {
    Ok(BreakEvenRow {
        scenario: header.get(record, "scenario")?.to_string(),
        status: header.get(record, "status")?.parse().map_err(|e| format!("column `status`: {e}"))?,
        hazard_ratio: header.float(record, "hazard_ratio")?,
        net_cost_gbp: header.float(record, "net_cost_gbp")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_year_labels_parse() {
        assert_eq!(financial_year_start("2024-25"), Some(2024));
        assert_eq!(financial_year_start("2099-00"), Some(2099));
        assert_eq!(financial_year_start("2024-26"), None);
        assert_eq!(financial_year_start("total"), None);
        assert_eq!(financial_year_start("+024-25"), None);
        let years = sorted_years(["total", "2025-26", "2024-25", "total", "2099-00", "2100-01"].into_iter());
        assert_eq!(years, ["2024-25", "2025-26", "2099-00", "2100-01", "total"]);
    }

    #[test]
    fn bad_cost_files_are_named_with_their_line() {
        let file = |name: &str, text: &str| (PathBuf::from(name), text.as_bytes().to_vec());
        let bad_status = file(
            "breakeven.csv",
            "scenario,status,hazard_ratio,net_cost_gbp\nbaseline,found,0.17,2771.2\nx,maybe,0,0\n",
        );
        let error = read_rows(bad_status, break_even_row).unwrap_err().to_string();
        assert!(error.contains("breakeven.csv:3:") && error.contains("maybe"), "{error}");

        let bad_year =
            file("costs.csv", "scenario,financial_year,category,mean,p5,p50,p95\nbaseline,2024,total,1,1,1,1\n");
        let error = read_rows(bad_year, cost_row).unwrap_err().to_string();
        assert!(error.contains("costs.csv:2:") && error.contains("financial_year"), "{error}");

        let empty_cells = file(
            "appraisal.csv",
            "scenario,financial_year,measure,mean,p5,p50,p95\nopt,total,probability_cheaper,0.25,,,\n",
        );
        let rows = read_rows(empty_cells, appraisal_row).unwrap();
        assert_eq!(rows[0].mean, 0.25);
        assert!(rows[0].p5.is_nan() && rows[0].p50.is_nan() && rows[0].p95.is_nan());
    }

    #[test]
    fn months_in_a_financial_year() {
        let scenario = ScenarioEntry {
            name: "baseline".to_string(),
            description: String::new(),
            file: "baseline.toml".to_string(),
            sha256: String::new(),
            start: "2024-10".parse().unwrap(),
            months: 60,
        };
        let months = |year| scenario.months_in_financial_year(year).iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(months(2024), ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]);
        assert_eq!(months(2025).len(), 12);
        assert_eq!(months(2029).first().map(String::as_str), Some("2029-04"));
        assert_eq!(months(2029).last().map(String::as_str), Some("2029-09"));
        assert!(months(2030).is_empty());
    }
}
