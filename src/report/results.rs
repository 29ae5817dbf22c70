//! A finished run's results, read back from its output directory: everything the charts, the
//! report and the workbook need, so that `wfsim report DIR` can rebuild them without
//! simulating again.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ReportError;
use crate::calendar::YearMonth;
use crate::stats::Summary;

/// The contents of a run's output directory.
#[derive(Debug, Clone)]
pub struct Results {
    pub manifest: RunManifest,
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
}

/// `manifest.json`: what produced the results.
#[derive(Debug, Clone, Deserialize)]
pub struct RunManifest {
    pub wfsim_version: String,
    pub seed: u64,
    pub replications: u32,
    pub quantile_method: String,
    /// The scenario options are compared against, if any.
    pub baseline: Option<String>,
    pub scenarios: Vec<ManifestScenario>,
    pub metrics: Vec<ManifestMetric>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ManifestScenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub file: String,
    pub sha256: String,
    /// First simulated month.
    pub start: YearMonth,
    pub months: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ManifestMetric {
    pub name: String,
    pub kind: String,
    pub description: String,
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

impl Results {
    /// Reads every result file of `dir`.
    pub fn read(dir: &Path) -> Result<Results, ReportError> {
        let manifest_path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|source| ReportError::Read { path: manifest_path.clone(), source })?;
        let manifest: RunManifest = serde_json::from_str(&text).map_err(|e| ReportError::Malformed {
            path: manifest_path,
            line: e.line(),
            message: e.to_string(),
        })?;
        Ok(Results {
            manifest,
            timeseries: read_rows(&dir.join("timeseries.csv"), series_row)?,
            annual: read_rows(&dir.join("annual.csv"), annual_row)?,
            differences: read_rows(&dir.join("differences.csv"), series_row)?,
            probabilities: read_rows(&dir.join("probabilities.csv"), probability_row)?,
            assumptions: read_rows(&dir.join("assumptions.csv"), assumption_row)?,
        })
    }

    /// Scenario names in run order (the baseline first when there is one).
    pub fn scenario_names(&self) -> Vec<&str> {
        self.manifest.scenarios.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn baseline(&self) -> Option<&str> {
        self.manifest.baseline.as_deref()
    }

    pub fn scenario(&self, name: &str) -> Option<&ManifestScenario> {
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

    /// The description of each metric, by name.
    pub fn metric_descriptions(&self) -> BTreeMap<&str, &str> {
        self.manifest.metrics.iter().map(|m| (m.name.as_str(), m.description.as_str())).collect()
    }
}

/// Reads a CSV with a header, turning each record into a row; errors name the file and line.
fn read_rows<T>(
    path: &Path,
    parse: impl Fn(&csv::StringRecord, &Header) -> Result<T, String>,
) -> Result<Vec<T>, ReportError> {
    let file = std::fs::File::open(path).map_err(|source| ReportError::Read { path: path.to_path_buf(), source })?;
    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
    let malformed = |line: usize, message: String| ReportError::Malformed { path: path.to_path_buf(), line, message };
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
