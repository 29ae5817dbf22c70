//! `costs.csv`: each scenario's costs by financial year (April to March) and over the whole
//! horizon, by category, with the mean and a 90% interval across replications. The first and
//! last financial years may be part-years (a run starting in October has six months of its
//! first).

use std::io::{self, Write};

use super::{OutputFile, format_number};
use crate::appraisal::{period_sums, periods};
use crate::engine::metrics::{COSTS, Metric};
use crate::run::ScenarioRun;
use crate::stats::summarise;

pub struct CostsCsv<'a> {
    pub runs: &'a [ScenarioRun],
}

/// The category name of a cost metric: `cost_agency_gbp` is `agency`.
pub fn category(metric: Metric) -> &'static str {
    let name = metric.name();
    let name = name.strip_suffix("_gbp").unwrap_or(name);
    name.strip_prefix("cost_").unwrap_or(name)
}

impl OutputFile for CostsCsv<'_> {
    fn file_name(&self) -> &str {
        "costs.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["scenario", "financial_year", "category", "mean", "p5", "p50", "p95"])?;
        for run in self.runs {
            for period in periods(run) {
                for metric in COSTS {
                    let summary = summarise(&mut period_sums(run, period, metric));
                    writer.write_record([
                        run.name.clone(),
                        period.label(),
                        category(metric).to_string(),
                        format_number(summary.mean),
                        format_number(summary.p5),
                        format_number(summary.p50),
                        format_number(summary.p95),
                    ])?;
                }
            }
        }
        writer.flush()
    }
}
