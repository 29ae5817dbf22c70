//! "How far to trust these projections": the report's plain-words account of how the model's
//! projections of every council have held up against what happened, read from the shipped
//! rolling-origin backtest summary (`data/backtest_summary.csv`: the `backtest_summary.csv` of
//! `wfsim backtest --all --reps 200`, copied; a test checks it against a fresh run, so it never
//! goes stale or is edited by hand).

use std::fmt::Write;

use super::html::escape;
use crate::engine::metrics::Metric;
use crate::format::whole_percent;

/// The shipped summary of `wfsim backtest --all --reps 200` (seed 1).
pub const SHIPPED_SUMMARY: &str = include_str!("../../data/backtest_summary.csv");

pub use crate::backtest::output::SummaryRow;

/// The figures a reader is told about, with their names in plain words.
const FIGURES: [(Metric, &str); 5] = [
    (Metric::FteInPost, "Social workers in post (FTE)"),
    (Metric::VacancyRate, "Vacancy rate"),
    (Metric::AgencyRate, "Agency rate"),
    (Metric::TurnoverRate, "Turnover"),
    (Metric::AvgCaseload, "Caseload"),
];

/// Reads a summary file's rows; `None` if it cannot be read (the section is then left out).
pub fn read(text: &str) -> Option<Vec<SummaryRow>> {
    crate::output::row::read_rows(text.as_bytes()).ok()
}

/// How a figure's projections compare with "no change, with the usual swing", from its
/// interval-score ratios at every horizon.
fn against_no_change(ratios: &[f64]) -> &'static str {
    if ratios.iter().all(|r| *r < 0.95) {
        "better"
    } else if ratios.iter().all(|r| *r <= 1.05) {
        "about as good"
    } else if ratios.iter().all(|r| *r > 1.05) {
        "worse"
    } else {
        "mixed"
    }
}

/// What a reader should make of a figure's ranges, from the share of outcomes inside the 90%
/// range (at the nearest horizon).
fn ranges(inside: f64) -> &'static str {
    if inside < 0.85 {
        "too narrow"
    } else if inside > 0.95 {
        "too wide"
    } else {
        "about right"
    }
}

/// The section, or nothing if the shipped summary cannot be read.
pub fn section(out: &mut String) {
    let Some(rows) = read(SHIPPED_SUMMARY) else { return };
    let of = |metric: Metric| -> Vec<&SummaryRow> { rows.iter().filter(|r| r.metric == metric).collect() };
    let councils = of(Metric::FteInPost).iter().map(|r| r.count).max().unwrap_or(0);
    out.push_str("<section id=\"trust\">\n<h2>How far to trust these projections</h2>\n");
    let _ = writeln!(
        out,
        "<p>A projection is only worth acting on if projections like it have come true. So the model was tested the \
         way a forecast should be: from each 30 September from 2018 to 2023 it projected every council from what was \
         known then, and the projections were compared with what happened one, two and three years later ({} \
         comparisons one year ahead). A 90% range should contain the actual figure about 9 times in 10. The \
         comparison is with assuming nothing changes, with the usual year-to-year swing of councils' figures.</p>",
        councils
    );
    out.push_str(
        "<div class=\"table-wrap\">\n<table class=\"trust\">\n<thead><tr><th>Figure</th><th>Inside the 90% range, 1 / 2 / 3 \
         years on</th><th>Error, 1 year on (no change)</th><th>Against \"no change\"</th><th>Ranges</th></tr>\
         </thead>\n<tbody>\n",
    );
    for (metric, name) in FIGURES {
        let rows = of(metric);
        let Some(first) = rows.iter().min_by_key(|r| r.horizon_years) else { continue };
        let inside: Vec<String> = rows.iter().map(|r| whole_percent(r.model_in_90)).collect();
        let ratios: Vec<f64> = rows.iter().map(|r| r.interval_score_ratio).filter(|r| r.is_finite()).collect();
        let comparison = if ratios.is_empty() { "not scored" } else { against_no_change(&ratios) };
        let error = |value: f64| {
            if metric.is_rate() { format!("{:.1} points", 100.0 * value) } else { format!("{value:.1}") }
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{} ({})</td><td>{comparison}</td><td>{}</td></tr>",
            escape(name),
            inside.join(" / "),
            error(first.model_median_abs_error),
            error(first.naive_median_abs_error),
            ranges(first.model_in_90)
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out.push_str(
        "<p>In plain words: where the model is better than \"no change\", its ranges can be used as they are. Where \
         it is about as good, read a projection as \"about where it is now, give or take the usual swing\", not as a \
         forecast of change. Where its ranges are too narrow, allow for more uncertainty than they show. Where it \
         is worse, treat a projected change as a question to check against the council's own plans; where it is \
         mixed, it is worse at some horizons (and as good or better at others), so do the same. These tests \
         are of baselines built from the national statistics alone; a council's own plans and records can make its projections better, or worse.</p>\n</section>\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_scores() {
        assert_eq!(against_no_change(&[0.7, 0.8, 0.9]), "better");
        assert_eq!(against_no_change(&[0.97, 1.02, 1.05]), "about as good");
        assert_eq!(against_no_change(&[1.2, 1.5, 1.1]), "worse");
        assert_eq!(against_no_change(&[0.9, 1.2]), "mixed");
        assert_eq!(ranges(0.77), "too narrow");
        assert_eq!(ranges(0.9), "about right");
        assert_eq!(ranges(0.97), "too wide");
    }

    #[test]
    fn the_shipped_summary_reads_and_the_section_states_its_figures() {
        let rows = read(SHIPPED_SUMMARY).expect("the shipped summary reads");
        let turnover = rows
            .iter()
            .find(|r| r.metric == Metric::TurnoverRate && r.horizon_years == 1)
            .expect("turnover one year ahead");
        let mut out = String::new();
        section(&mut out);
        assert!(out.contains("How far to trust these projections"));
        assert!(out.contains(&format!("<td>Turnover</td><td>{}", whole_percent(turnover.model_in_90))), "{out}");
        assert!(read("metric,horizon_years\nx,not a number\n").is_none());
    }
}
