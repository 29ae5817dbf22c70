//! `costs.csv`: each scenario's costs by financial year (April to March) and over the whole
//! horizon, by category, with the mean and a 90% interval across replications. The first and
//! last financial years may be part-years (a run starting in October has six months of its
//! first).

use std::io;

use serde::{Deserialize, Serialize};

use super::row::{CsvRow, spread};
use super::table::ScenarioTable;
use crate::appraisal::{Period, period_sums, periods};
use crate::engine::metrics::{COSTS, Metric};
use crate::run::ScenarioRun;
use crate::stats::{Spread, summarise};

/// One row of `costs.csv`: one scenario's spend in one category over a financial year (or
/// the whole horizon), pounds, across replications. Grant income is a positive amount that
/// the total is net of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostRow {
    pub scenario: String,
    /// `2024-25` (April 2024 to March 2025) or `total` (the whole horizon).
    pub financial_year: Period,
    /// One of [`COSTS`], written as its [`category`] name (`total`, `salary`, ...,
    /// `grant_income`).
    #[serde(with = "category_column")]
    pub category: Metric,
    #[serde(with = "spread")]
    pub spread: Spread,
}

impl CsvRow for CostRow {
    const COLUMNS: &'static [&'static str] = &["scenario", "financial_year", "category", "mean", "p5", "p50", "p95"];
}

/// The category name of a cost metric: `cost_agency_gbp` is `agency`.
pub fn category(metric: Metric) -> &'static str {
    let name = metric.name();
    let name = name.strip_suffix("_gbp").unwrap_or(name);
    name.strip_prefix("cost_").unwrap_or(name)
}

/// The cost metric of a category name: `agency` is `cost_agency_gbp`.
pub fn metric_of_category(name: &str) -> Option<Metric> {
    COSTS.into_iter().find(|&metric| category(metric) == name)
}

/// The `category` column: a cost metric by its category name.
mod category_column {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::engine::metrics::Metric;

    pub fn serialize<S: Serializer>(metric: &Metric, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(super::category(*metric))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Metric, D::Error> {
        let name = String::deserialize(deserializer)?;
        super::metric_of_category(&name).ok_or_else(|| D::Error::custom(format!("unknown cost category {name:?}")))
    }
}

pub struct CostsCsv;

impl ScenarioTable for CostsCsv {
    fn file_name(&self) -> &'static str {
        "costs.csv"
    }

    fn header(&self) -> &'static [&'static str] {
        CostRow::COLUMNS
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        for period in periods(run) {
            for metric in COSTS {
                out.serialize(CostRow {
                    scenario: run.name.clone(),
                    financial_year: period,
                    category: metric,
                    spread: summarise(&period_sums(run, period, metric)).into(),
                })?;
            }
        }
        Ok(())
    }
}
