//! The report's charts, chosen and built from a run's results: fan charts (one scenario, with
//! its uncertainty), comparison charts (every scenario's median on one chart) and difference
//! charts (an option minus the baseline, paired by replication). Each is described as a
//! [`Plot`] in data units here and drawn by [`crate::plot`], to SVG and PNG alike.
//!
//! Rendering is deterministic: the same [`Results`] give byte-identical PNG and SVG.

use rayon::prelude::*;

use super::results::SeriesRow;
use super::{Chart, ChartKind, ReportError, Results};
use crate::calendar::YearMonth;
use crate::engine::metrics::{Metric, Unit};
use crate::plot::{
    BASELINE_COLOUR, COMPARISON_BAND_OPACITY, Dash, FAN_INNER_OPACITY, FAN_OUTER_OPACITY, Frame, HEIGHT, LEGEND_CHARS,
    Layer, OI_BLUE, OI_VERMILLION, P5, P25, P50, P75, P95, Plot, Stroke, Swatch, WIDTH, clean_text, draw_twice,
    option_stroke, padded_range, register_fonts, scaled, shorten, unique_slugs,
};
use crate::stats::Summary;

/// Metrics with a fan chart per scenario, in the order they are rendered.
pub const FAN_METRICS: [Metric; 5] =
    [Metric::VacancyRate, Metric::AgencyRate, Metric::FteInPost, Metric::AvgCaseload, Metric::TurnoverRate];

/// Metrics with a comparison chart and difference charts: the two that scrutiny asks about.
pub const COMPARISON_METRICS: [Metric; 2] = [Metric::VacancyRate, Metric::AgencyRate];

/// Renders every chart of `results`, in a fixed order: fan charts (scenario by scenario, in
/// run order), comparison charts, then difference charts (option by option).
///
/// A metric the results do not contain at all is skipped; a scenario whose values are all
/// missing gets a chart saying so, so that every scenario has the same set of charts.
pub fn render_all(results: &Results) -> Result<Vec<Chart>, ReportError> {
    register_fonts()?;
    let scenarios = results.scenario_names();
    let slugs = unique_slugs(&scenarios);
    let has_metric = |metric: &Metric| results.timeseries.iter().any(|r| r.metric == *metric);
    let baseline = results.baseline().filter(|b| scenarios.contains(b));

    // Described in order here, then drawn in parallel: drawing is nearly all the time, and
    // each chart's bytes depend on its plot alone.
    let mut plots = Vec::new();
    for (scenario, slug) in scenarios.iter().zip(&slugs) {
        for metric in FAN_METRICS.into_iter().filter(|m| has_metric(m)) {
            let name = format!("fan_{}_{slug}", metric.name());
            plots.push((name, ChartKind::Fan, metric, Some(*scenario), fan_plot(results, scenario, metric)));
        }
    }
    for metric in COMPARISON_METRICS.into_iter().filter(|m| has_metric(m)) {
        let name = format!("compare_{}", metric.name());
        plots.push((name, ChartKind::Comparison, metric, None, comparison_plot(results, metric)));
    }
    if let Some(baseline) = baseline {
        for (option, slug) in scenarios.iter().zip(&slugs).filter(|(s, _)| **s != baseline) {
            for metric in COMPARISON_METRICS.into_iter().filter(|m| has_metric(m)) {
                let name = format!("difference_{}_{slug}", metric.name());
                let plot = difference_plot(results, option, baseline, metric);
                plots.push((name, ChartKind::Difference, metric, Some(*option), plot));
            }
        }
    }
    plots
        .into_par_iter()
        .map(|(name, kind, metric, scenario, plot)| render(name, kind, metric, scenario, plot))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Metrics and units

/// Factor from stored values to drawn values: fractions are drawn as percentages.
fn scale(unit: Unit) -> f64 {
    if unit == Unit::Fraction { 100.0 } else { 1.0 }
}

/// Readable label of a metric, and its unit.
fn describe(metric: Metric) -> (String, Unit) {
    let label = match metric {
        Metric::VacancyRate => "Vacancy rate",
        Metric::AgencyRate => "Agency rate",
        Metric::TurnoverRate => "Turnover rate",
        Metric::AbsenceRate => "Absence rate",
        Metric::NqswShare => "NQSW share",
        Metric::FteInPost => "FTE in post",
        Metric::AgencyFte => "Agency FTE",
        Metric::VacancyFte => "Vacancy FTE",
        Metric::AvgCaseload => "Average caseload (cases per FTE)",
        other => other.name(),
    };
    (label.to_string(), metric.unit())
}

/// The y axis label of a metric's level.
fn level_axis_label(metric: Metric) -> String {
    let (label, unit) = describe(metric);
    match unit {
        Unit::Fraction => format!("{label} (%)"),
        Unit::Fte => "FTE".to_string(),
        Unit::CasesPerFte => "Cases per FTE".to_string(),
        _ => label,
    }
}

/// The y axis label of a difference in a metric.
fn difference_axis_label(metric: Metric) -> String {
    let (label, unit) = describe(metric);
    let short = label.split(" (").next().unwrap_or(&label).to_string();
    match unit {
        Unit::Fraction => format!("{short} difference (percentage points)"),
        Unit::Fte => format!("{short} difference (FTE)"),
        Unit::CasesPerFte => format!("{short} difference (cases per FTE)"),
        _ => format!("{short} difference"),
    }
}

/// Monthly values of one series in drawing units: x is months since the frame start.
struct Points {
    rows: Vec<(f64, Summary)>,
}

impl Points {
    /// `rows` in date order, x counted in months from `start`, values multiplied by `scale`.
    fn new(rows: &[&SeriesRow], scale: f64, start: YearMonth) -> Points {
        let mut rows: Vec<(f64, Summary)> =
            rows.iter().map(|r| (f64::from(r.date.months_since(start)), scaled(&r.summary, scale))).collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        Points { rows }
    }

    fn line(&self, pick: fn(&Summary) -> f64) -> Vec<(f64, f64)> {
        self.rows.iter().map(|(x, s)| (*x, pick(s))).collect()
    }

    fn band(&self, low: fn(&Summary) -> f64, high: fn(&Summary) -> f64) -> Vec<(f64, f64, f64)> {
        self.rows.iter().map(|(x, s)| (*x, low(s), high(s))).collect()
    }
}

/// The month span covering every row of `series` (`None` if there are no rows).
fn month_span<'a>(series: impl IntoIterator<Item = &'a SeriesRow>) -> Option<(YearMonth, i32)> {
    let dates: Vec<YearMonth> = series.into_iter().map(|r| r.date).collect();
    let first = *dates.iter().min()?;
    let last = *dates.iter().max()?;
    Some((first, last.months_since(first)))
}

fn all_values(points: &Points, picks: &[fn(&Summary) -> f64]) -> Vec<f64> {
    points.rows.iter().flat_map(|(_, s)| picks.iter().map(move |pick| pick(s))).collect()
}

/// One scenario: median with 25-75% and 5-95% bands.
fn fan_plot(results: &Results, scenario: &str, metric: Metric) -> Plot {
    let (label, unit) = describe(metric);
    let rows = results.series(scenario, metric);
    let colour = OI_BLUE;
    let mut plot = Plot {
        title: clean_text(&format!("{label}: {scenario}")),
        y_label: level_axis_label(metric),
        frame: None,
        layers: Vec::new(),
        legend: vec![
            (Swatch::Line(Stroke { colour, width: 4, dash: Dash::Solid }), "Median".into()),
            (Swatch::Band(colour, FAN_INNER_OPACITY), "25–75% of runs".into()),
            (Swatch::Band(colour, FAN_OUTER_OPACITY), "5–95% of runs".into()),
        ],
    };
    let Some((start, last)) = month_span(rows.iter().copied()) else { return plot };
    let points = Points::new(&rows, scale(unit), start);
    let Some(y) = padded_range(all_values(&points, &[P5, P25, P50, P75, P95]), true) else { return plot };
    plot.frame = Some(Frame { start, last, y });
    plot.layers = vec![
        Layer::Band { points: points.band(P5, P95), colour, opacity: FAN_OUTER_OPACITY },
        Layer::Band { points: points.band(P25, P75), colour, opacity: FAN_INNER_OPACITY },
        Layer::Line { points: points.line(P50), stroke: Stroke { colour, width: 4, dash: Dash::Solid } },
    ];
    plot
}

/// Every scenario's median with a light 25-75% band; the baseline thick, black and on top.
fn comparison_plot(results: &Results, metric: Metric) -> Plot {
    let (label, unit) = describe(metric);
    let baseline = results.baseline();
    let scenarios = results.scenario_names();
    let mut plot = Plot {
        title: format!("{label}: all scenarios (median and 25–75% band)"),
        y_label: level_axis_label(metric),
        frame: None,
        layers: Vec::new(),
        legend: Vec::new(),
    };
    let series: Vec<(&str, Vec<&SeriesRow>)> = scenarios.iter().map(|s| (*s, results.series(s, metric))).collect();
    let Some((start, last)) = month_span(series.iter().flat_map(|(_, rows)| rows.iter().copied())) else {
        return plot;
    };
    let mut bands = Vec::new();
    let mut lines = Vec::new();
    let mut baseline_layers = None;
    let mut values = Vec::new();
    let mut option_index = 0;
    for (scenario, rows) in &series {
        let points = Points::new(rows, scale(unit), start);
        values.extend(all_values(&points, &[P25, P50, P75]));
        let name = shorten(&clean_text(scenario), LEGEND_CHARS);
        if Some(*scenario) == baseline {
            let stroke = Stroke { colour: BASELINE_COLOUR, width: 4, dash: Dash::Solid };
            let band = Layer::Band { points: points.band(P25, P75), colour: BASELINE_COLOUR, opacity: 0.10 };
            baseline_layers = Some((band, Layer::Line { points: points.line(P50), stroke }));
            let label = if name.eq_ignore_ascii_case("baseline") { name } else { format!("{name} (baseline)") };
            plot.legend.insert(0, (Swatch::Line(stroke), label));
        } else {
            let stroke = option_stroke(option_index);
            option_index += 1;
            bands.push(Layer::Band {
                points: points.band(P25, P75),
                colour: stroke.colour,
                opacity: COMPARISON_BAND_OPACITY,
            });
            lines.push(Layer::Line { points: points.line(P50), stroke });
            plot.legend.push((Swatch::Line(stroke), name));
        }
    }
    let Some(y) = padded_range(values, true) else { return plot };
    plot.frame = Some(Frame { start, last, y });
    // Bands under lines; the baseline's line last, so nothing hides it.
    let (baseline_band, baseline_line) = baseline_layers.map_or((None, None), |(b, l)| (Some(b), Some(l)));
    plot.layers = baseline_band.into_iter().chain(bands).chain(lines).chain(baseline_line).collect();
    plot
}

/// One option minus the baseline, paired by replication: median difference, 5-95% band, zero.
fn difference_plot(results: &Results, option: &str, baseline: &str, metric: Metric) -> Plot {
    let (label, unit) = describe(metric);
    let rows = results.difference_series(option, metric);
    let colour = OI_VERMILLION;
    let median = Stroke { colour, width: 4, dash: Dash::Solid };
    let zero = Stroke { colour: BASELINE_COLOUR, width: 1, dash: Dash::Solid };
    let mut plot = Plot {
        title: clean_text(&format!("{label}: {option} minus {baseline}")),
        y_label: difference_axis_label(metric),
        frame: None,
        layers: Vec::new(),
        legend: vec![
            (Swatch::Line(median), "Median difference (paired runs)".into()),
            (Swatch::Band(colour, 0.25), "5–95% of paired runs".into()),
            (Swatch::Line(zero), "No difference".into()),
        ],
    };
    let Some((start, last)) = month_span(rows.iter().copied()) else { return plot };
    let points = Points::new(&rows, scale(unit), start);
    let values = all_values(&points, &[P5, P50, P95]);
    if !values.iter().any(|v| v.is_finite()) {
        return plot;
    }
    // The zero line is always in view: it is what the reader compares against.
    let Some(y) = padded_range(values.into_iter().chain([0.0]), false) else { return plot };
    plot.frame = Some(Frame { start, last, y });
    plot.layers = vec![
        Layer::Band { points: points.band(P5, P95), colour, opacity: 0.25 },
        Layer::Line { points: vec![(0.0, 0.0), (last.max(1) as f64, 0.0)], stroke: zero },
        Layer::Line { points: points.line(P50), stroke: median },
    ];
    plot
}

/// Draws `plot` to SVG and PNG.
fn render(
    name: String,
    kind: ChartKind,
    metric: Metric,
    scenario: Option<&str>,
    plot: Plot,
) -> Result<Chart, ReportError> {
    let (png, svg) = draw_twice(&plot, &name, HEIGHT)?;

    Ok(Chart {
        name,
        title: plot.title,
        kind,
        metric,
        scenario: scenario.map(str::to_string),
        width: WIDTH,
        height: HEIGHT,
        png,
        svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_read_well() {
        assert_eq!(level_axis_label(Metric::VacancyRate), "Vacancy rate (%)");
        assert_eq!(level_axis_label(Metric::FteInPost), "FTE");
        assert_eq!(level_axis_label(Metric::AvgCaseload), "Cases per FTE");
        assert_eq!(difference_axis_label(Metric::AgencyRate), "Agency rate difference (percentage points)");
    }
}
