//! The backtest's charts (`wfsim backtest`): the calibration of the model's intervals
//! (nominal against actual coverage) and its PIT histograms, in the fonts, colours and axis
//! style of the other charts.

use plotters::prelude::*;

use super::{
    Area, BASELINE_COLOUR, Dash, DrawResult, Drawable, LEGEND_CHARS, LEGEND_ROW, OI_BLUE, PlotError, Stroke, Swatch,
    TEXT, bold_font, clean_text, draw_legend, draw_line, draw_note, draw_twice, fit_title, format_tick, house_mesh,
    layout_legend, option_stroke, register_fonts, shorten, tick_decimals,
};

/// Height of the calibration chart (a little taller than the others: both axes are 0-100%).
pub const CALIBRATION_HEIGHT: u32 = 600;

/// Height of the PIT chart (panels in two rows).
pub const PIT_HEIGHT: u32 = 620;

/// Panels per row of the PIT chart.
const PIT_COLUMNS: usize = 4;

/// Nominal against actual coverage of central intervals, one line per figure.
#[derive(Debug, Clone)]
pub struct CalibrationPlot {
    pub title: String,
    pub series: Vec<CalibrationSeries>,
}

/// One figure's coverage: (nominal, actual) pairs, as fractions, nominal ascending.
#[derive(Debug, Clone)]
pub struct CalibrationSeries {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// PIT histograms, one small panel per figure.
#[derive(Debug, Clone)]
pub struct PitPlot {
    pub title: String,
    pub panels: Vec<PitPanel>,
}

/// One figure's PIT histogram: the share of comparisons in each of equal bins of [0, 1].
#[derive(Debug, Clone)]
pub struct PitPanel {
    pub title: String,
    /// Fractions summing to 1 (or all 0 for no comparisons), one per bin, from PIT 0 up.
    pub shares: Vec<f64>,
    pub count: usize,
}

/// Draws the calibration chart, [`WIDTH`](super::WIDTH) × [`CALIBRATION_HEIGHT`]: the diagonal a calibrated
/// forecast would follow, and each figure's actual coverage at each nominal level, in the
/// option strokes (colour and dash pattern). Returns the PNG and the SVG.
pub fn calibration_chart(plot: &CalibrationPlot) -> Result<(Vec<u8>, String), PlotError> {
    register_fonts()?;
    draw_twice(plot, "calibration", CALIBRATION_HEIGHT)
}

/// Draws the PIT histograms, [`WIDTH`](super::WIDTH) × [`PIT_HEIGHT`], with the flat line a calibrated
/// forecast would give. Returns the PNG and the SVG.
pub fn pit_chart(plot: &PitPlot) -> Result<(Vec<u8>, String), PlotError> {
    register_fonts()?;
    draw_twice(plot, "pit", PIT_HEIGHT)
}

impl Drawable for CalibrationPlot {
    fn draw_on<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<DB> {
        draw_calibration(root, self)
    }
}

impl Drawable for PitPlot {
    fn draw_on<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<DB> {
        draw_pit(root, self)
    }
}

/// Opacity of the PIT bars.
const BAR_OPACITY: f64 = 0.6;

const DIAGONAL: Stroke = Stroke { colour: BASELINE_COLOUR, width: 1, dash: Dash::Solid };
const FLAT: Stroke = Stroke { colour: BASELINE_COLOUR, width: 2, dash: Dash::Dashed(6, 4) };

/// A series' stroke: the option strokes in turn, two pixels wider so that seven lines read.
fn series_stroke(index: usize) -> Stroke {
    let stroke = option_stroke(index);
    Stroke { width: stroke.width + 2, ..stroke }
}

fn draw_calibration<DB: DrawingBackend>(root: &Area<DB>, plot: &CalibrationPlot) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title_style = bold_font(20.0).color(&TEXT);
    let title = fit_title(root, &clean_text(&plot.title), &title_style)?;
    let mut legend: Vec<(Swatch, String)> = plot
        .series
        .iter()
        .enumerate()
        .map(|(i, series)| (Swatch::Line(series_stroke(i)), shorten(&clean_text(&series.label), LEGEND_CHARS)))
        .collect();
    legend.push((Swatch::Line(DIAGONAL), "Calibrated: actual = nominal".to_string()));
    let rows = layout_legend(root, &legend)?;
    let legend_height = rows.len() as i32 * LEGEND_ROW + 10;
    let (_, height) = root.dim_in_pixel();
    let (upper, lower) = root.split_vertically(height as i32 - legend_height);

    let mut chart = ChartBuilder::on(&upper)
        .caption(&title, title_style)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..100.0, 0.0..100.0)?;
    let format = |v: &f64| format_tick(*v, 0);
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh, 13.0, 15.0)
        .x_labels(11)
        .y_labels(11)
        .x_max_light_lines(1)
        .y_max_light_lines(1)
        .x_label_formatter(&format)
        .y_label_formatter(&format)
        .x_desc("Nominal coverage of the model's central interval (%)")
        .y_desc("Actual values inside it (%)")
        .draw()?;
    draw_line(chart.plotting_area(), &[(0.0, 0.0), (100.0, 100.0)], DIAGONAL)?;
    for (i, series) in plot.series.iter().enumerate() {
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .map(|&(nominal, actual)| (nominal * 100.0, actual * 100.0))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        if !points.is_empty() {
            draw_line(chart.plotting_area(), &points, series_stroke(i))?;
        }
    }
    draw_legend(&lower, &legend, &rows)
}

fn draw_pit<DB: DrawingBackend>(root: &Area<DB>, plot: &PitPlot) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title_style = bold_font(20.0).color(&TEXT);
    let title = fit_title(root, &clean_text(&plot.title), &title_style)?;
    let legend = vec![
        (Swatch::Band(OI_BLUE, BAR_OPACITY), "Share of comparisons, by PIT".to_string()),
        (Swatch::Line(FLAT), "Calibrated forecast (flat)".to_string()),
    ];
    let rows = layout_legend(root, &legend)?;
    let legend_height = rows.len() as i32 * LEGEND_ROW + 10;
    let body = root.titled(&title, title_style)?;
    let (_, body_height) = body.dim_in_pixel();
    let (panels, lower) = body.split_vertically(body_height as i32 - legend_height);
    // One y range for every panel, in percent, so that their bars compare.
    let flat = plot.panels.iter().map(|panel| 100.0 / panel.shares.len().max(1) as f64).fold(0.0, f64::max);
    let highest =
        plot.panels.iter().flat_map(|panel| panel.shares.iter().map(|s| s * 100.0)).fold(flat * 1.5, f64::max);
    let y_max = highest * 1.08;
    let grid_rows = plot.panels.len().div_ceil(PIT_COLUMNS).max(1);
    for (area, panel) in panels.split_evenly((grid_rows, PIT_COLUMNS)).iter().zip(&plot.panels) {
        draw_pit_panel(area, panel, y_max)?;
    }
    draw_legend(&lower, &legend, &rows)
}

fn draw_pit_panel<DB: DrawingBackend>(area: &Area<DB>, panel: &PitPanel, y_max: f64) -> DrawResult<DB> {
    let caption_style = bold_font(14.0).color(&TEXT);
    let caption = shorten(&clean_text(&panel.title), 30);
    let bins = panel.shares.len();
    if panel.count == 0 || bins == 0 {
        let body = area.titled(&caption, caption_style)?;
        return draw_note(&body, "No comparisons", 14.0);
    }
    let mut chart = ChartBuilder::on(area)
        .caption(caption, caption_style)
        .margin(8)
        .margin_right(14)
        .x_label_area_size(34)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..1.0, 0.0..y_max)?;
    let y_decimals = tick_decimals(0.0..y_max, 5);
    let x_format = |x: &f64| format_tick(*x, 1);
    let y_format = |y: &f64| format!("{}%", format_tick(*y, y_decimals));
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh, 12.0, 13.0)
        .x_labels(3)
        .y_labels(5)
        .x_max_light_lines(1)
        .y_max_light_lines(1)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc("PIT")
        .draw()?;
    let width = 1.0 / bins as f64;
    for (bin, share) in panel.shares.iter().enumerate().filter(|(_, s)| s.is_finite()) {
        let (x0, x1) = (bin as f64 * width, (bin + 1) as f64 * width);
        let top = share * 100.0;
        chart.plotting_area().draw(&Rectangle::new([(x0, 0.0), (x1, top)], OI_BLUE.mix(BAR_OPACITY).filled()))?;
        chart.plotting_area().draw(&Rectangle::new([(x0, 0.0), (x1, top)], WHITE.stroke_width(1)))?;
    }
    let flat = 100.0 / bins as f64;
    draw_line(chart.plotting_area(), &[(0.0, flat), (1.0, flat)], FLAT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_charts_render_with_and_without_data() {
        let calibration = CalibrationPlot {
            title: "Calibration".into(),
            series: vec![
                CalibrationSeries { label: "FTE in post".into(), points: vec![(0.1, 0.02), (0.5, 0.2), (0.9, 0.4)] },
                CalibrationSeries { label: "empty".into(), points: vec![(0.1, f64::NAN)] },
            ],
        };
        let (png, svg) = calibration_chart(&calibration).unwrap();
        assert!(png.starts_with(b"\x89PNG") && svg.contains("FTE in post"));
        let pit = PitPlot {
            title: "PIT".into(),
            panels: vec![
                PitPanel { title: "FTE in post (n = 4)".into(), shares: vec![0.5, 0.0, 0.0, 0.5], count: 4 },
                PitPanel { title: "caseload (n = 0)".into(), shares: vec![0.0; 4], count: 0 },
            ],
        };
        let (png, svg) = pit_chart(&pit).unwrap();
        assert!(png.starts_with(b"\x89PNG") && svg.contains("No comparisons"));
    }
}
