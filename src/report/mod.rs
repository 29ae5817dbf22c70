//! What readers see: fan and comparison charts (planners), a self-contained HTML report
//! (scrutiny members) and an Excel workbook (finance teams), all built from a finished run's
//! saved results ([`Results`]), so `wfsim report DIR` can rebuild them without simulating.

pub mod charts;
pub mod findings;
pub mod html;
pub mod results;
pub mod trust;
pub mod workbook;

use std::path::PathBuf;

pub use results::Results;

use crate::output::BytesFile;

/// Builds every reader-facing file from a finished run's results: `charts/NAME.png` and
/// `charts/NAME.svg` for each chart, `report.html` and `results.xlsx`.
pub fn render(results: &Results) -> Result<Vec<BytesFile>, ReportError> {
    // The workbook does not need the charts: it is built while they are drawn.
    let (charts, workbook) = rayon::join(|| charts::render_all(results), || workbook::render(results));
    let (charts, workbook) = (charts?, workbook?);
    let mut files = Vec::with_capacity(2 * charts.len() + 2);
    files.push(BytesFile { name: "report.html".into(), bytes: html::render(results, &charts).into_bytes() });
    files.push(BytesFile { name: "results.xlsx".into(), bytes: workbook });
    for chart in charts {
        files.push(BytesFile { name: format!("charts/{}.svg", chart.name), bytes: chart.svg.into_bytes() });
        files.push(BytesFile { name: format!("charts/{}.png", chart.name), bytes: chart.png });
    }
    Ok(files)
}

/// A rendered chart: the same picture as PNG (for documents) and SVG (for the report).
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem under `charts/`, e.g. `fan_vacancy_rate_baseline`.
    pub name: String,
    pub title: String,
    pub kind: ChartKind,
    /// The metric drawn.
    pub metric: crate::engine::metrics::Metric,
    /// The scenario drawn, for a fan chart or a difference chart; `None` for a comparison.
    pub scenario: Option<String>,
    pub width: u32,
    pub height: u32,
    pub png: Vec<u8>,
    pub svg: String,
}

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// One scenario: median line with 25-75% and 5-95% bands.
    Fan,
    /// Every scenario's median (with light bands) on one chart, the baseline drawn distinctly.
    Comparison,
    /// One option minus the baseline, paired by replication, with its interval.
    Difference,
}

/// Why the charts, report or workbook could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Malformed { path: PathBuf, line: usize, message: String },
    #[error(transparent)]
    Chart(#[from] crate::plot::PlotError),
    #[error("cannot build the workbook: {0}")]
    Workbook(String),
}
