//! `appraisal.csv`: each option against the baseline, paired by replication, by financial
//! year and in total: extra cost, agency saving, net cost, vacancy FTE-months avoided, agency
//! FTE-months saved, cost per vacancy FTE-month avoided and the probability that the option
//! costs less. Ratios and probabilities have a mean only.
//!
//! `breakeven.csv`: for the baseline's allowance and every option that changes it, the
//! allowance hazard ratio at which it pays for itself.

use std::io::{self, Write};

use super::table::ScenarioTable;
use super::{OutputFile, format_number};
use crate::appraisal::{BreakEven, appraise};
use crate::run::ScenarioRun;

pub struct AppraisalCsv;

impl ScenarioTable for AppraisalCsv {
    fn file_name(&self) -> &'static str {
        "appraisal.csv"
    }

    fn header(&self) -> Vec<&'static str> {
        vec!["scenario", "financial_year", "measure", "mean", "p5", "p50", "p95"]
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
            let spread = |pick: fn(&crate::stats::Summary) -> f64| {
                row.spread.as_ref().map_or(String::new(), |s| format_number(pick(s)))
            };
            out.write_record([
                option.name.clone(),
                row.period.label(),
                row.measure.name().to_string(),
                format_number(row.mean),
                spread(|s| s.p5),
                spread(|s| s.p50),
                spread(|s| s.p95),
            ])?;
        }
        Ok(())
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
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["scenario", "status", "hazard_ratio", "net_cost_gbp"])?;
        for (scenario, outcome) in &self.rows {
            let (status, ratio, net) = match *outcome {
                BreakEven::Found { hazard_ratio, net_cost_gbp } => ("found", hazard_ratio, net_cost_gbp),
                BreakEven::NeverPays { net_cost_at_zero_gbp } => ("never_pays", 0.0, net_cost_at_zero_gbp),
                BreakEven::AlwaysPays { net_cost_at_one_gbp } => ("always_pays", 1.0, net_cost_at_one_gbp),
            };
            writer.write_record([scenario.clone(), status.to_string(), format_number(ratio), format_number(net)])?;
        }
        writer.flush()
    }
}
