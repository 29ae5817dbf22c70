//! `costs.csv`: each scenario's costs by financial year (April to March) and over the whole
//! horizon, by category, with the mean and a 90% interval across replications. The first and
//! last financial years may be part-years (a run starting in October has six months of its
//! first).

use std::io;

use super::format_number;
use super::table::ScenarioTable;
use crate::appraisal::{period_sums, periods};
use crate::engine::metrics::{COSTS, Metric};
use crate::run::ScenarioRun;
use crate::stats::summarise;

pub struct CostsCsv;

/// The category name of a cost metric: `cost_agency_gbp` is `agency`.
pub fn category(metric: Metric) -> &'static str {
    let name = metric.name();
    let name = name.strip_suffix("_gbp").unwrap_or(name);
    name.strip_prefix("cost_").unwrap_or(name)
}

impl ScenarioTable for CostsCsv {
    fn file_name(&self) -> &'static str {
        "costs.csv"
    }

    fn header(&self) -> Vec<&'static str> {
        vec!["scenario", "financial_year", "category", "mean", "p5", "p50", "p95"]
    }

    fn write_rows(&self, run: &ScenarioRun, _: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
        for period in periods(run) {
            for metric in COSTS {
                let summary = summarise(&period_sums(run, period, metric));
                let mut record = vec![run.name.clone(), period.label(), category(metric).to_string()];
                record.extend(summary.short_columns().map(format_number));
                out.write_record(&record)?;
            }
        }
        Ok(())
    }
}
