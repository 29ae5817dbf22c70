//! `appraisal.csv`: each option against the baseline, paired by replication, by financial
//! year and in total: extra cost, agency saving, net cost, vacancy FTE-months avoided, agency
//! FTE-months saved, cost per vacancy FTE-month avoided and the probability that the option
//! costs less. Ratios and probabilities have a mean only.
//!
//! `breakeven.csv`: for the baseline's allowance and every option that changes it, the
//! allowance hazard ratio at which it pays for itself.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::OutputFile;
use super::row::{self, CsvRow, number, spread};
use super::table::ScenarioTable;
use crate::appraisal::{BreakEven, Measure, Period, appraise};
use crate::run::ScenarioRun;
use crate::stats::Spread;

/// One row of `appraisal.csv`: a measure of an option against the baseline over a financial
/// year (or the whole horizon). The ratio and the probability have a mean only: their
/// percentiles are empty cells, read as NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppraisalRow {
    pub scenario: String,
    /// `2024-25` or `total`.
    pub financial_year: Period,
    pub measure: Measure,
    #[serde(with = "spread")]
    pub spread: Spread,
}

impl CsvRow for AppraisalRow {
    const COLUMNS: &'static [&'static str] = &["scenario", "financial_year", "measure", "mean", "p5", "p50", "p95"];
}

pub struct AppraisalCsv;

impl ScenarioTable for AppraisalCsv {
    fn file_name(&self) -> &'static str {
        "appraisal.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        AppraisalRow::COLUMNS
    }

    fn write_rows(
        &self,
        option: &ScenarioRun,
        baseline: &ScenarioRun,
        out: &mut csv::Writer<Vec<u8>>,
    ) -> io::Result<()> {
        if option.name == baseline.name {
            return Ok(());
        }
        for row in appraise(option, baseline).unwrap_or_default() {
            // A ratio or a probability has a mean only: its percentiles are NaN, empty cells.
            let spread = match row.spread {
                Some(summary) => Spread { mean: row.mean, ..summary.into() },
                None => Spread { mean: row.mean, p5: f64::NAN, p50: f64::NAN, p95: f64::NAN },
            };
            out.serialize(AppraisalRow {
                scenario: option.name.clone(),
                financial_year: row.period,
                measure: row.measure,
                spread,
            })?;
        }
        Ok(())
    }
}

/// The outcome of the break-even search for a retention allowance, as `breakeven.csv` names
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
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

/// How serde writes a status: its name.
impl From<BreakEvenStatus> for &'static str {
    fn from(status: BreakEvenStatus) -> &'static str {
        status.name()
    }
}

/// How serde reads a status: by its name, in the `status` column.
impl TryFrom<String> for BreakEvenStatus {
    type Error = String;

    fn try_from(name: String) -> Result<BreakEvenStatus, String> {
        name.parse().map_err(|error| format!("column `status`: {error}"))
    }
}

/// One row of `breakeven.csv`: for a scenario with a retention allowance, the allowance
/// hazard ratio at which it pays for itself through lower agency and recruitment spend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakEvenRow {
    pub scenario: String,
    pub status: BreakEvenStatus,
    /// The break-even ratio if found; 0 for `never_pays`, 1 for `always_pays`.
    #[serde(with = "number")]
    pub hazard_ratio: f64,
    /// The mean net cost (allowance less the agency and recruitment spend saved) over the
    /// horizon at that ratio, pounds: about 0 when found.
    #[serde(with = "number")]
    pub net_cost_gbp: f64,
}

impl CsvRow for BreakEvenRow {
    const COLUMNS: &'static [&'static str] = &["scenario", "status", "hazard_ratio", "net_cost_gbp"];
}

impl BreakEvenRow {
    /// The row of `scenario`'s break-even search.
    pub fn new(scenario: String, outcome: BreakEven) -> BreakEvenRow {
        let (status, hazard_ratio, net_cost_gbp) = match outcome {
            BreakEven::Found { hazard_ratio, net_cost_gbp } => (BreakEvenStatus::Found, hazard_ratio, net_cost_gbp),
            BreakEven::NeverPays { net_cost_at_zero_gbp } => (BreakEvenStatus::NeverPays, 0.0, net_cost_at_zero_gbp),
            BreakEven::AlwaysPays { net_cost_at_one_gbp } => (BreakEvenStatus::AlwaysPays, 1.0, net_cost_at_one_gbp),
        };
        BreakEvenRow { scenario, status, hazard_ratio, net_cost_gbp }
    }
}

pub struct BreakEvenCsv {
    pub rows: Vec<(String, BreakEven)>,
}

impl OutputFile for BreakEvenCsv {
    fn file_name(&self) -> &str {
        "breakeven.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        row::write_rows(out, self.rows.iter().map(|(scenario, outcome)| BreakEvenRow::new(scenario.clone(), *outcome)))
    }
}
