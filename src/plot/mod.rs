//! Drawing charts, in one style for every command: the report's time series (drawn from a
//! [`Plot`] the report builds), the sweep's panels, the survival curves of `wfsim fit`, and
//! the backtest's calibration and PIT charts (`backtest.rs` beside this file).
//!
//! Each chart is described once (what to draw, in data units) and drawn twice from that
//! description, to SVG for the HTML report and to PNG for documents, so the two always show
//! the same picture. Text is drawn with DejaVu Sans compiled into the binary (plotters'
//! `ab_glyph` feature): the charts render on a server with no fonts installed.
//!
//! Drawing is deterministic: the same description gives byte-identical PNG and SVG.

mod backtest;

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{BoldPoints, DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use backtest::{
    CALIBRATION_HEIGHT, CalibrationPlot, CalibrationSeries, PIT_HEIGHT, PitPanel, PitPlot, calibration_chart, pit_chart,
};

use crate::calendar::YearMonth;
use crate::stats::Summary;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw chart {name}: {message}")]
pub struct PlotError {
    /// The chart's name (`fan_vacancy_rate_baseline`, `sweep`), or `(fonts)`.
    pub name: String,
    pub message: String,
}

/// Size of every chart, PNG and SVG alike.
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 500;

/// The family every text is drawn in; [`register_fonts`] maps it to the bundled font.
const FONT: &str = "sans-serif";

// Colours. The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008) stays
// distinguishable under the common forms of colour blindness. Colour alone does not survive
// greyscale printing, so every option line also has its own dash pattern (or markers), and the
// baseline is a thicker solid black line: lines can be told apart without colour at all.
pub const OI_BLUE: RGBColor = RGBColor(0, 114, 178);
pub const OI_VERMILLION: RGBColor = RGBColor(213, 94, 0);
const OI_BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
const OI_REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
const OI_ORANGE: RGBColor = RGBColor(230, 159, 0);
const OI_SKY_BLUE: RGBColor = RGBColor(86, 180, 233);

/// Option colours, darkest first so that the first options (the common case) print best.
/// Okabe-Ito yellow is left out: it is unreadable as a line on white.
const OPTION_COLOURS: [RGBColor; 6] =
    [OI_BLUE, OI_VERMILLION, OI_BLUISH_GREEN, OI_REDDISH_PURPLE, OI_ORANGE, OI_SKY_BLUE];

/// Option line patterns, cycled alongside the colours (4 patterns × 6 colours give 12 distinct
/// combinations before any repeats). None is plain solid, which is kept for the baseline.
const OPTION_DASHES: [Dash; 4] = [Dash::Dashed(12, 5), Dash::Dashed(5, 4), Dash::Dashed(2, 3), Dash::Markers];

pub const BASELINE_COLOUR: RGBColor = RGBColor(0, 0, 0);
const GRID_BOLD: RGBColor = RGBColor(215, 215, 215);
const GRID_LIGHT: RGBColor = RGBColor(240, 240, 240);
const SEPTEMBER_MARKER: RGBColor = RGBColor(120, 120, 120);
const TEXT: RGBColor = RGBColor(30, 30, 30);

/// Band opacities: nested bands get darker towards the median, in colour and in grey alike.
pub const FAN_OUTER_OPACITY: f64 = 0.18;
pub const FAN_INNER_OPACITY: f64 = 0.40;
pub const COMPARISON_BAND_OPACITY: f64 = 0.12;

/// Longest scenario name drawn in a title or legend before it is shortened with "…".
const TITLE_CHARS: usize = 90;
pub const LEGEND_CHARS: usize = 40;

/// Longest slug (before a `_2` suffix): chart names become file names.
pub const SLUG_CHARS: usize = 60;

/// Makes plotters' "sans-serif" the bundled DejaVu Sans, once per process: with the `ab_glyph`
/// feature plotters knows no fonts but those registered.
pub fn register_fonts() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let normal = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        let bold = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
        plotters::style::register_font(FONT, FontStyle::Normal, normal).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, bold).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(PlotError { name: "(fonts)".into(), message: "the bundled DejaVu Sans font is invalid".into() })
    }
}

// ---------------------------------------------------------------------------------------------
// Names

/// A file-name-safe form of a scenario name: lowercase ASCII letters and digits, every run of
/// anything else one `_`, none at either end ("scenario" if nothing is left), at most
/// [`SLUG_CHARS`] long so that file names stay well within file system limits.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if out.len() >= SLUG_CHARS {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() { "scenario".to_string() } else { out }
}

/// Slugs of `names`, in order, made unique by appending `_2`, `_3`, ... to later duplicates.
pub fn unique_slugs(names: &[&str]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    names
        .iter()
        .map(|name| {
            let base = slug(name);
            let mut candidate = base.clone();
            let mut n = 2;
            while taken.contains(&candidate) {
                candidate = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(candidate.clone());
            candidate
        })
        .collect()
}

/// Text safe to draw and to put in XML: control characters (and the two non-characters XML
/// forbids) become U+FFFD, so a hostile scenario name cannot break the SVG.
pub fn clean_text(text: &str) -> String {
    text.chars().map(|c| if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' { '\u{FFFD}' } else { c }).collect()
}

/// `text` cut to at most `max` characters, ending in "…" if it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

// ---------------------------------------------------------------------------------------------
// What to draw

/// A chart in data units, independent of the backend it is drawn on.
pub struct Plot {
    pub title: String,
    pub y_label: String,
    /// `None` when there is nothing to draw: the chart then says "no data".
    pub frame: Option<Frame>,
    pub layers: Vec<Layer>,
    pub legend: Vec<(Swatch, String)>,
}

/// The axes: months from `start` to `start + last`, and the y range.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub start: YearMonth,
    pub last: i32,
    pub y: (f64, f64),
}

pub enum Layer {
    /// A filled band between two values at each x; missing values break it.
    Band { points: Vec<(f64, f64, f64)>, colour: RGBColor, opacity: f64 },
    /// A line; missing values break it.
    Line { points: Vec<(f64, f64)>, stroke: Stroke },
}

#[derive(Debug, Clone, Copy)]
pub struct Stroke {
    pub colour: RGBColor,
    /// Pixels. Keep it even (or 1): plotters' bitmap rasteriser rounds the two edges of an
    /// odd-width line differently, which puts a kink at each end of a flat line.
    pub width: u32,
    pub dash: Dash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    /// Dash length and gap, in pixels.
    Dashed(u32, u32),
    /// Solid with a dot at every month.
    Markers,
}

#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Line(Stroke),
    Band(RGBColor, f64),
    /// The 30 September marker.
    September,
}

/// The percentiles a chart draws, picked from a summary.
pub const P5: fn(&Summary) -> f64 = |s| s.p5;
pub const P25: fn(&Summary) -> f64 = |s| s.p25;
pub const P50: fn(&Summary) -> f64 = |s| s.p50;
pub const P75: fn(&Summary) -> f64 = |s| s.p75;
pub const P95: fn(&Summary) -> f64 = |s| s.p95;

/// Months since January of year 0 (so that month arithmetic is subtraction).
fn month_number(date: YearMonth) -> i32 {
    date.year() * 12 + date.month() as i32 - 1
}

pub fn scaled(s: &Summary, k: f64) -> Summary {
    Summary {
        mean: s.mean * k,
        p5: s.p5 * k,
        p10: s.p10 * k,
        p25: s.p25 * k,
        p50: s.p50 * k,
        p75: s.p75 * k,
        p90: s.p90 * k,
        p95: s.p95 * k,
    }
}

/// A y range covering `values` (non-finite ones ignored) with a margin, `None` if no value is
/// finite. A constant series gets a range of its own (±10%, at least ±1) so that it is drawn
/// mid-chart, and with `floor_at_zero`, data that are all ≥ 0 never get a negative axis.
pub fn padded_range(values: impl IntoIterator<Item = f64>, floor_at_zero: bool) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    let span = hi - lo;
    let pad = if span > 0.0 { span * 0.08 } else { (lo.abs() * 0.1).max(1.0) };
    let mut low = lo - pad;
    if floor_at_zero && lo >= 0.0 && low < 0.0 {
        low = 0.0;
    }
    let high = hi + pad;
    (low.is_finite() && high.is_finite() && high > low).then_some((low, high))
}

/// The stroke of the `index`th option (baseline excluded): colour and pattern both vary.
pub fn option_stroke(index: usize) -> Stroke {
    Stroke {
        colour: OPTION_COLOURS[index % OPTION_COLOURS.len()],
        width: 2,
        dash: OPTION_DASHES[index % OPTION_DASHES.len()],
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing

/// Encodes an RGB8 buffer of `width` × `height` as PNG (plotters' own encoder would pull in
/// the `image` crate).
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
type Area<DB> = DrawingArea<DB, Shift>;

/// A picture that can be drawn on any plotters backend, so that one description gives both
/// the SVG and the PNG.
pub trait Drawable {
    fn draw_on<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<DB>;
}

impl Drawable for Plot {
    fn draw_on<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<DB> {
        draw(root, self)
    }
}

impl Drawable for SweepPlot {
    fn draw_on<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<DB> {
        draw_sweep(root, self)
    }
}

impl Drawable for SurvivalPlot {
    fn draw_on<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<DB> {
        draw_survival(root, self)
    }
}

/// Draws `picture` at [`WIDTH`] x `height` to SVG and to PNG: `(png, svg)`.
pub fn draw_twice(picture: &impl Drawable, name: &str, height: u32) -> Result<(Vec<u8>, String), PlotError> {
    let fail = |message: String| PlotError { name: name.to_string(), message };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        picture.draw_on(&root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let mut rgb = vec![0u8; WIDTH as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area();
        picture.draw_on(&root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = encode_png(&rgb, WIDTH, height).map_err(|e| fail(format!("PNG encoding: {e}")))?;
    Ok((png, svg))
}

fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal)
}

fn bold_font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Bold)
}

/// A chart's grid in the house style, which every chart shares: tick labels of `label_size`
/// and axis titles of `title_size` points in the text colour, the grid's two line weights,
/// axes in the text colour. The caller adds its own ticks, formats and titles.
fn house_mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    label_size: f64,
    title_size: f64,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style(font(label_size).color(&TEXT))
        .axis_desc_style(font(title_size).color(&TEXT))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .axis_style(TEXT)
}

/// Draws a whole chart: title, axes, data and the legend strip below.
fn draw<DB: DrawingBackend>(root: &Area<DB>, plot: &Plot) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title_style = bold_font(20.0).color(&TEXT);
    let title = fit_title(root, &plot.title, &title_style)?;

    let Some(frame) = plot.frame else {
        let body = root.titled(&title, title_style)?;
        return draw_note(&body, "No data: the results hold no values for this chart", 16.0);
    };

    let mut legend = plot.legend.clone();
    legend.push((Swatch::September, "30 September (DfE census date)".into()));
    let rows = layout_legend(root, &legend)?;
    let legend_height = rows.len() as i32 * LEGEND_ROW + 10;
    let (upper, lower) = root.split_vertically(HEIGHT as i32 - legend_height);

    let x_axis = MonthsAxis::calendar(frame.start, frame.last.max(1) as f64);
    let (y_lo, y_hi) = frame.y;
    let mut chart = ChartBuilder::on(&upper)
        .caption(&title, title_style)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x_axis, y_lo..y_hi)?;

    let x_format = |x: &f64| month_label(frame.start.plus(x.round() as i32));
    let decimals = tick_decimals(y_lo..y_hi, Y_LABELS);
    let y_format = |y: &f64| format_tick(*y, decimals);
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh, 13.0, 15.0)
        .x_labels(9)
        .y_labels(Y_LABELS)
        .y_max_light_lines(2)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc("Month")
        .y_desc(plot.y_label.as_str())
        .draw()?;

    // 30 September markers behind the data: the DfE census date, where the annual figures are.
    for x in (0..=frame.last).filter(|m| frame.start.plus(*m).month() == 9) {
        let x = x as f64;
        chart.plotting_area().draw(&DashedPathElement::new(
            vec![(x, y_lo), (x, y_hi)],
            4,
            4,
            SEPTEMBER_MARKER.stroke_width(1),
        ))?;
    }

    for layer in &plot.layers {
        match layer {
            Layer::Band { points, colour, opacity } => fill_band(chart.plotting_area(), points, *colour, *opacity)?,
            Layer::Line { points, stroke } => {
                for segment in line_segments(points) {
                    draw_line(chart.plotting_area(), &segment, *stroke)?;
                }
            }
        }
    }

    draw_legend(&lower, &legend, &rows)
}

/// `title`, shortened with "…" until it fits the chart width (long scenario names).
fn fit_title<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    style: &TextStyle,
) -> Result<String, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chars = title.chars().count().min(TITLE_CHARS);
    loop {
        let candidate = shorten(title, chars);
        let (width, _) = root.estimate_text_size(&candidate, style)?;
        if width + 24 <= WIDTH || chars <= 10 {
            return Ok(candidate);
        }
        chars -= 1;
    }
}

/// Fills the band between the low and high ends of `points` (x, low, high) in `colour` at
/// `opacity`, one polygon per run of finite points: every chart's uncertainty bands look alike.
fn fill_band<DB: DrawingBackend, CT: CoordTranslate<From = (f64, f64)>>(
    area: &DrawingArea<DB, CT>,
    points: &[(f64, f64, f64)],
    colour: RGBColor,
    opacity: f64,
) -> DrawResult<DB> {
    for segment in band_segments(points) {
        let outline: Vec<(f64, f64)> = segment
            .iter()
            .map(|&(x, _, high)| (x, high))
            .chain(segment.iter().rev().map(|&(x, low, _)| (x, low)))
            .collect();
        area.draw(&Polygon::new(outline, colour.mix(opacity).filled()))?;
    }
    Ok(())
}

/// Writes `message` in the middle of `area`, for a chart or panel with nothing to draw.
fn draw_note<DB: DrawingBackend>(area: &Area<DB>, message: &str, size: f64) -> DrawResult<DB> {
    let (width, height) = area.dim_in_pixel();
    let style = font(size).color(&TEXT).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(message, (width as i32 / 2, height as i32 / 2), style))
}

/// Draws one unbroken line in `stroke`'s style (a lone point as a dot, so it is not lost).
fn draw_line<DB: DrawingBackend, CT: CoordTranslate<From = P>, P: Copy + 'static>(
    area: &DrawingArea<DB, CT>,
    points: &[P],
    stroke: Stroke,
) -> DrawResult<DB> {
    let style = stroke.colour.stroke_width(stroke.width);
    if points.len() == 1 {
        return area.draw(&Circle::new(points[0], stroke.width.max(2) + 1, stroke.colour.filled()));
    }
    match stroke.dash {
        Dash::Solid => area.draw(&PathElement::new(points.to_vec(), style)),
        Dash::Dashed(dash, gap) => area.draw(&DashedPathElement::new(points.iter().copied(), dash, gap, style)),
        Dash::Markers => {
            area.draw(&PathElement::new(points.to_vec(), style))?;
            for &point in points {
                area.draw(&Circle::new(point, 3, stroke.colour.filled()))?;
            }
            Ok(())
        }
    }
}

/// Runs of consecutive points with a finite value (a missing value breaks the line).
fn line_segments(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    points
        .split(|(x, y)| !x.is_finite() || !y.is_finite())
        .filter(|segment| !segment.is_empty())
        .map(<[_]>::to_vec)
        .collect()
}

/// Runs of consecutive points where both ends of the band are finite.
fn band_segments(points: &[(f64, f64, f64)]) -> Vec<Vec<(f64, f64, f64)>> {
    points
        .split(|(x, lo, hi)| !x.is_finite() || !lo.is_finite() || !hi.is_finite())
        .filter(|segment| !segment.is_empty())
        .map(<[_]>::to_vec)
        .collect()
}

/// Legend entries by row: (x of the swatch, index of the entry).
type LegendRows = Vec<Vec<(i32, usize)>>;

const LEGEND_ROW: i32 = 22;
const SWATCH_WIDTH: i32 = 36;
const LEGEND_LEFT: i32 = 76;

/// Legend entries packed into rows that fit the chart width.
fn layout_legend<DB: DrawingBackend>(
    root: &Area<DB>,
    legend: &[(Swatch, String)],
) -> Result<LegendRows, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = TextStyle::from(font(13.0));
    let mut rows: Vec<Vec<(i32, usize)>> = vec![Vec::new()];
    let mut x = LEGEND_LEFT;
    for (index, (_, label)) in legend.iter().enumerate() {
        let (text_width, _) = root.estimate_text_size(label, &style)?;
        let width = SWATCH_WIDTH + 6 + text_width as i32;
        let row_is_empty = rows.last().is_none_or(Vec::is_empty);
        if x + width > WIDTH as i32 - 12 && !row_is_empty {
            rows.push(Vec::new());
            x = LEGEND_LEFT;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, index));
        }
        x += width + 22;
    }
    Ok(rows)
}

/// The legend strip under the chart: outside the plot, so it never hides data.
fn draw_legend<DB: DrawingBackend>(area: &Area<DB>, legend: &[(Swatch, String)], rows: &LegendRows) -> DrawResult<DB> {
    let text = font(13.0).color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    for (row_index, row) in rows.iter().enumerate() {
        let y = 4 + row_index as i32 * LEGEND_ROW + LEGEND_ROW / 2;
        for &(x, index) in row {
            let (swatch, label) = &legend[index];
            let (x0, x1) = (x, x + SWATCH_WIDTH);
            match swatch {
                Swatch::Line(stroke) => draw_line(area, &[(x0, y), (x1, y)], *stroke)?,
                Swatch::Band(colour, opacity) => {
                    area.draw(&Rectangle::new([(x0, y - 6), (x1, y + 6)], colour.mix(*opacity).filled()))?
                }
                Swatch::September => area.draw(&DashedPathElement::new(
                    [(x0 + SWATCH_WIDTH / 2, y - 8), (x0 + SWATCH_WIDTH / 2, y + 8)],
                    4,
                    4,
                    SEPTEMBER_MARKER.stroke_width(1),
                ))?,
            }
            area.draw(&Text::new(label.clone(), (x1 + 6, y), text.clone()))?;
        }
    }
    Ok(())
}

/// An x axis of months from 0 to `last`, labelled every `step` months for the smallest of
/// `steps` whose labels fit, at the months `m` where `m + offset` is a multiple of the step:
/// the time series label Septembers (the DfE census date), the survival curves whole years of
/// tenure.
struct MonthsAxis {
    last: f64,
    offset: i32,
    steps: &'static [i32],
}

impl MonthsAxis {
    /// Calendar months from `start`, labelled on Septembers.
    fn calendar(start: YearMonth, last: f64) -> MonthsAxis {
        // Month number 8 (September of year 0) is a multiple of every step from the anchor.
        MonthsAxis { last, offset: month_number(start) - 8, steps: &[1, 2, 3, 6, 12, 24, 60, 120, 240, 600] }
    }

    /// Months of tenure from 0.
    fn tenure(last: f64) -> MonthsAxis {
        MonthsAxis { last, offset: 0, steps: &[1, 3, 6, 12, 24, 36, 60, 120, 240, 600] }
    }
}

impl Ranged for MonthsAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = value / self.last;
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Light grid lines only where the labelled ones are: monthly lines would crowd out the
        // September markers.
        let max = hint.bold_points().max(1);
        let last = self.last as i32;
        for &step in self.steps {
            let ticks: Vec<f64> =
                (0..=last).filter(|m| (m + self.offset).rem_euclid(step) == 0).map(f64::from).collect();
            if ticks.len() <= max {
                return ticks;
            }
        }
        Vec::new()
    }

    fn range(&self) -> Range<f64> {
        0.0..self.last
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `Sep 2025`.
fn month_label(date: YearMonth) -> String {
    format!("{} {}", MONTHS[(date.month() as usize - 1) % 12], date.year())
}

const Y_LABELS: usize = 8;

/// Decimals for the y tick labels: the fewest that show every tick plotters will label exactly
/// (so "15", "16" rather than "15.0", but "12.5" where the ticks are halves).
fn tick_decimals(range: Range<f64>, labels: usize) -> usize {
    let ticks = RangedCoordf64::from(range).key_points(BoldPoints(labels));
    (0..6)
        .find(|&d| {
            let unit = 10f64.powi(-(d as i32));
            ticks.iter().all(|t| ((t / unit).round() * unit - t).abs() <= unit * 1e-6)
        })
        .unwrap_or(6)
}

fn format_tick(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    // No "-0.0" on the axis.
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') { text[1..].to_string() } else { text }
}

// ---------------------------------------------------------------------------------------------
// Sweep charts

/// Height of a sweep chart (two panels, one above the other); its width is [`WIDTH`].
pub const SWEEP_HEIGHT: u32 = 700;

/// A parameter sweep to draw: quantities against the swept parameter's values.
#[derive(Debug, Clone)]
pub struct SweepPlot {
    pub title: String,
    /// The x axis label: the parameter.
    pub x_label: String,
    /// The swept values, ascending.
    pub values: Vec<f64>,
    /// The scenario's own value of the parameter, marked with a vertical line if given.
    pub reference: Option<f64>,
    /// Drawn one above the other, first at the top.
    pub panels: Vec<SweepPanel>,
}

/// One panel of a sweep chart: a quantity's distribution across replications at each value.
#[derive(Debug, Clone)]
pub struct SweepPanel {
    pub title: String,
    pub y_label: String,
    /// One summary per swept value, in stored units.
    pub summaries: Vec<Summary>,
    /// Factor from stored to drawn units (100 for a rate drawn in %).
    pub scale: f64,
    /// Draw (and always show) a line at zero: for differences from the scenario as given.
    pub zero_line: bool,
}

/// Draws a sweep chart, [`WIDTH`] × [`SWEEP_HEIGHT`], with the same fonts, colours and axis
/// style as the other charts: for each panel the median across replications (a line with a
/// marker at each value) and its 25-75% and 5-95% bands. Returns the PNG and the SVG.
pub fn sweep_chart(plot: &SweepPlot) -> Result<(Vec<u8>, String), PlotError> {
    register_fonts()?;
    draw_twice(plot, "sweep", SWEEP_HEIGHT)
}

const SWEEP_MEDIAN: Stroke = Stroke { colour: OI_BLUE, width: 4, dash: Dash::Solid };
const SWEEP_REFERENCE: Stroke = Stroke { colour: SEPTEMBER_MARKER, width: 2, dash: Dash::Dashed(6, 4) };
const SWEEP_ZERO: Stroke = Stroke { colour: BASELINE_COLOUR, width: 1, dash: Dash::Solid };

/// Title on top, the panels one above the other, the legend strip below.
fn draw_sweep<DB: DrawingBackend>(root: &Area<DB>, plot: &SweepPlot) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title_style = bold_font(20.0).color(&TEXT);
    let title = fit_title(root, &clean_text(&plot.title), &title_style)?;
    let mut legend = vec![
        (Swatch::Line(SWEEP_MEDIAN), "Median".to_string()),
        (Swatch::Band(OI_BLUE, FAN_INNER_OPACITY), "25–75% of runs".to_string()),
        (Swatch::Band(OI_BLUE, FAN_OUTER_OPACITY), "5–95% of runs".to_string()),
    ];
    if let Some(reference) = plot.reference.filter(|r| r.is_finite()) {
        legend.push((Swatch::Line(SWEEP_REFERENCE), format!("Scenario as given ({})", format_value(reference))));
    }
    let rows = layout_legend(root, &legend)?;
    let legend_height = rows.len() as i32 * LEGEND_ROW + 10;
    let body = root.titled(&title, title_style)?;
    let (_, body_height) = body.dim_in_pixel();
    let (panels, lower) = body.split_vertically(body_height as i32 - legend_height);
    let count = plot.panels.len().max(1);
    for (area, panel) in panels.split_evenly((count, 1)).iter().zip(&plot.panels) {
        draw_sweep_panel(area, plot, panel)?;
    }
    draw_legend(&lower, &legend, &rows)
}

fn draw_sweep_panel<DB: DrawingBackend>(area: &Area<DB>, plot: &SweepPlot, panel: &SweepPanel) -> DrawResult<DB> {
    let caption_style = bold_font(15.0).color(&TEXT);
    let points: Vec<(f64, Summary)> =
        plot.values.iter().zip(&panel.summaries).map(|(x, s)| (*x, scaled(s, panel.scale))).collect();
    let x_range = padded_range(plot.values.iter().copied().chain(plot.reference), false);
    let mut ys: Vec<f64> = points.iter().flat_map(|(_, s)| [s.p5, s.p25, s.p50, s.p75, s.p95]).collect();
    if panel.zero_line {
        ys.push(0.0);
    }
    let (Some((x_lo, x_hi)), Some((y_lo, y_hi))) = (x_range, padded_range(ys, !panel.zero_line)) else {
        let body = area.titled(&clean_text(&panel.title), caption_style)?;
        return draw_note(&body, "No data for this panel", 16.0);
    };
    let mut chart = ChartBuilder::on(area)
        .caption(clean_text(&panel.title), caption_style)
        .margin(10)
        .margin_right(24)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    let x_decimals = tick_decimals(x_lo..x_hi, SWEEP_X_LABELS);
    let y_decimals = tick_decimals(y_lo..y_hi, SWEEP_Y_LABELS);
    let x_format = |x: &f64| format_tick(*x, x_decimals);
    let y_format = |y: &f64| format_tick(*y, y_decimals);
    let x_label = clean_text(&plot.x_label);
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh, 13.0, 15.0)
        .x_labels(SWEEP_X_LABELS)
        .y_labels(SWEEP_Y_LABELS)
        .x_max_light_lines(1)
        .y_max_light_lines(2)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc(x_label.as_str())
        .y_desc(clean_text(&panel.y_label))
        .draw()?;

    if let Some(reference) = plot.reference.filter(|r| r.is_finite()) {
        draw_line(chart.plotting_area(), &[(reference, y_lo), (reference, y_hi)], SWEEP_REFERENCE)?;
    }
    if panel.zero_line {
        draw_line(chart.plotting_area(), &[(x_lo, 0.0), (x_hi, 0.0)], SWEEP_ZERO)?;
    }
    for (low, high, opacity) in [(P5, P95, FAN_OUTER_OPACITY), (P25, P75, FAN_INNER_OPACITY)] {
        let band: Vec<(f64, f64, f64)> = points.iter().map(|(x, s)| (*x, low(s), high(s))).collect();
        fill_band(chart.plotting_area(), &band, OI_BLUE, opacity)?;
    }
    let median: Vec<(f64, f64)> = points.iter().map(|(x, s)| (*x, P50(s))).collect();
    for segment in line_segments(&median) {
        draw_line(chart.plotting_area(), &segment, SWEEP_MEDIAN)?;
        for &point in &segment {
            chart.plotting_area().draw(&Circle::new(point, 5, OI_BLUE.filled()))?;
        }
    }
    Ok(())
}

const SWEEP_X_LABELS: usize = 10;
const SWEEP_Y_LABELS: usize = 6;

/// A parameter value as a reader would write it: `2500`, `0.85`.
fn format_value(value: f64) -> String {
    if value == 0.0 { "0".to_string() } else { value.to_string() }
}

// ---------------------------------------------------------------------------------------------
// Survival charts

/// Survival curves to draw (`wfsim fit`): step functions of the share still in post against
/// months with the council, each with its confidence band.
#[derive(Debug, Clone)]
pub struct SurvivalPlot {
    pub title: String,
    /// The legend's label for the bands, e.g. "95% interval (Greenwood, log-log)".
    pub interval_label: String,
    pub series: Vec<SurvivalSeries>,
}

/// One survival curve.
#[derive(Debug, Clone)]
pub struct SurvivalSeries {
    pub label: String,
    /// (months, survival, lower, upper), survival and bounds as fractions, in time order: each
    /// value holds from its time until the next.
    pub steps: Vec<(f64, f64, f64, f64)>,
    /// Drawn thick, solid and black (the pooled curve); the others take the option colours
    /// and dash patterns in turn.
    pub emphasis: bool,
}

/// Draws survival curves, [`WIDTH`] × [`HEIGHT`], with the fonts, colours and axis style of the
/// other charts: y is the percentage still in post, x months with the council (ticks on whole
/// years). Returns the PNG and the SVG.
pub fn survival_chart(plot: &SurvivalPlot) -> Result<(Vec<u8>, String), PlotError> {
    register_fonts()?;
    draw_twice(plot, "survival", HEIGHT)
}

/// The stroke of each survival series: the emphasised one black and thick, the others the
/// option strokes in turn (solid instead of markers: a curve has too many points for them).
fn survival_strokes(plot: &SurvivalPlot) -> Vec<Stroke> {
    let mut option_index = 0;
    plot.series
        .iter()
        .map(|series| {
            if series.emphasis {
                Stroke { colour: BASELINE_COLOUR, width: 4, dash: Dash::Solid }
            } else {
                option_index += 1;
                let stroke = option_stroke(option_index - 1);
                Stroke { dash: if stroke.dash == Dash::Markers { Dash::Solid } else { stroke.dash }, ..stroke }
            }
        })
        .collect()
}

fn draw_survival<DB: DrawingBackend>(root: &Area<DB>, plot: &SurvivalPlot) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title_style = bold_font(20.0).color(&TEXT);
    let title = fit_title(root, &clean_text(&plot.title), &title_style)?;
    let last = plot
        .series
        .iter()
        .flat_map(|series| series.steps.iter().map(|step| step.0))
        .filter(|t| t.is_finite())
        .fold(0.0, f64::max);
    if last <= 0.0 {
        let body = root.titled(&title, title_style)?;
        return draw_note(&body, "No data: no survival curve to draw", 16.0);
    }
    let strokes = survival_strokes(plot);
    let mut legend: Vec<(Swatch, String)> = plot
        .series
        .iter()
        .zip(&strokes)
        .map(|(series, stroke)| (Swatch::Line(*stroke), shorten(&clean_text(&series.label), LEGEND_CHARS)))
        .collect();
    legend.push((Swatch::Band(SEPTEMBER_MARKER, 0.3), clean_text(&plot.interval_label)));
    let rows = layout_legend(root, &legend)?;
    let legend_height = rows.len() as i32 * LEGEND_ROW + 10;
    let (upper, lower) = root.split_vertically(HEIGHT as i32 - legend_height);

    let x_axis = MonthsAxis::tenure(last);
    let mut chart = ChartBuilder::on(&upper)
        .caption(&title, title_style)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x_axis, 0.0..100.0)?;
    let x_format = |x: &f64| format!("{}", x.round() as i64);
    let y_format = |y: &f64| format_tick(*y, 0);
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh, 13.0, 15.0)
        .x_labels(12)
        .y_labels(11)
        .y_max_light_lines(1)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc("Months with the council")
        .y_desc("Still in post (%)")
        .draw()?;

    for (series, stroke) in plot.series.iter().zip(&strokes) {
        let opacity = if series.emphasis { 0.10 } else { COMPARISON_BAND_OPACITY };
        let band: Vec<(f64, f64, f64)> = step_points(&series.steps).iter().map(|&(x, _, lo, hi)| (x, lo, hi)).collect();
        fill_band(chart.plotting_area(), &band, stroke.colour, opacity)?;
    }
    // Lines over every band; the emphasised line last, so nothing hides it.
    let mut order: Vec<usize> = (0..plot.series.len()).collect();
    order.sort_by_key(|&i| plot.series[i].emphasis);
    for i in order {
        let line: Vec<(f64, f64)> = step_points(&plot.series[i].steps).iter().map(|&(x, s, _, _)| (x, s)).collect();
        for segment in line_segments(&line) {
            draw_line(chart.plotting_area(), &segment, strokes[i])?;
        }
    }
    draw_legend(&lower, &legend, &rows)
}

/// A step function as points to draw, in percent, each value held until the next time:
/// (t₀, v₀), (t₁, v₀), (t₁, v₁), ... with v = (estimate, lower, upper).
fn step_points(steps: &[(f64, f64, f64, f64)]) -> Vec<(f64, f64, f64, f64)> {
    let mut points = Vec::with_capacity(2 * steps.len());
    for (i, &(t, s, lo, hi)) in steps.iter().enumerate() {
        if let Some(&(_, s0, lo0, hi0)) = i.checked_sub(1).and_then(|j| steps.get(j)) {
            points.push((t, s0 * 100.0, lo0 * 100.0, hi0 * 100.0));
        }
        points.push((t, s * 100.0, lo * 100.0, hi * 100.0));
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_unique() {
        assert_eq!(slug("Baseline"), "baseline");
        assert_eq!(slug("20 apprentices / year"), "20_apprentices_year");
        assert_eq!(slug("<script>alert(1)</script>"), "script_alert_1_script");
        assert_eq!(slug("Café option"), "caf_option");
        assert_eq!(slug("***"), "scenario");
        assert_eq!(slug(""), "scenario");
        assert_eq!(slug(&"ab ".repeat(100)).len(), SLUG_CHARS - 1);
        let slugs = unique_slugs(&["A b", "a-b", "a_b_2", "a b", "ü"]);
        assert_eq!(slugs, ["a_b", "a_b_2", "a_b_2_2", "a_b_3", "scenario"]);
    }

    #[test]
    fn y_range_is_padded_and_never_empty() {
        let (lo, hi) = padded_range([10.0, 20.0], true).unwrap();
        assert!(lo < 10.0 && hi > 20.0);
        // Constant series, including all zeros, still get a range of their own.
        assert_eq!(padded_range([0.0, 0.0], true), Some((0.0, 1.0)));
        assert_eq!(padded_range([0.0], false), Some((-1.0, 1.0)));
        assert_eq!(padded_range([50.0, 50.0], true), Some((45.0, 55.0)));
        // Non-negative data are not given a negative axis; differences may be.
        assert_eq!(padded_range([0.0, 10.0], true).unwrap().0, 0.0);
        assert!(padded_range([0.0, 10.0], false).unwrap().0 < 0.0);
        // Missing values are ignored; nothing finite gives no range.
        assert_eq!(padded_range([f64::NAN, 5.0, f64::INFINITY], true), Some((4.0, 6.0)));
        assert_eq!(padded_range([f64::NAN], true), None);
        assert_eq!(padded_range([], true), None);
    }

    #[test]
    fn segments_skip_missing_values() {
        let line = [(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0), (3.0, 4.0)];
        assert_eq!(line_segments(&line), vec![vec![(0.0, 1.0)], vec![(2.0, 3.0), (3.0, 4.0)]]);
        assert!(line_segments(&[(0.0, f64::NAN)]).is_empty());
        let band = [(0.0, 1.0, 2.0), (1.0, 1.0, f64::NAN), (2.0, 1.0, 2.0)];
        assert_eq!(band_segments(&band).len(), 2);
    }

    #[test]
    fn axis_labels_read_well() {
        assert_eq!(month_label(YearMonth::new(2025, 9).unwrap()), "Sep 2025");
        assert_eq!(format_tick(-0.0001, 2), "0.00");
        assert_eq!(format_tick(12.5, 1), "12.5");
        assert_eq!(tick_decimals(0.0..40.0, 8), 0);
        assert_eq!(tick_decimals(9.0..15.5, 8), 0);
        assert_eq!(tick_decimals(10.0..12.0, 8), 1);
        assert_eq!(tick_decimals(0.0..0.04, 8), 2);
    }

    #[test]
    fn yearly_ticks_fall_on_september() {
        let start = YearMonth::new(2024, 10).unwrap();
        let axis = MonthsAxis::calendar(start, 60.0);
        let ticks = axis.key_points(6usize);
        assert!(!ticks.is_empty() && ticks.len() <= 6);
        assert!(ticks.iter().all(|t| start.plus(*t as i32).month() == 9), "{ticks:?}");
        // Tenure: whole years once monthly labels would crowd.
        assert_eq!(MonthsAxis::tenure(60.0).key_points(6usize), [0.0, 12.0, 24.0, 36.0, 48.0, 60.0]);
    }

    #[test]
    fn hostile_text_is_made_xml_safe() {
        assert_eq!(clean_text("a\u{0}b\u{1b}c\u{FFFF}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
