//! What `wfsim fit` writes: `retention.toml`, `survival.csv`, `hazards.csv` and
//! `charts/survival.png`/`.svg`, as [`BytesFile`]s for [`crate::output::write_all`], and the
//! summary it prints.
//!
//! - `retention.toml`: a `[retention]` section with `band_edges_months` and
//!   `[retention.annual_leave_prob]` (`default` = all workers, then each route fitted on its
//!   own), every number commented with its leavers, months at risk and 95% interval.
//! - `survival.csv` (`route,months,survival,lower,upper,at_risk,events`): each group's
//!   Kaplan-Meier curve; `route` is `all` or a route key; S holds from `months` until the next
//!   row; `lower`/`upper` the 95% log(−log) interval.
//! - `hazards.csv` (`route,band,from_months,to_months,events,exposure_months,monthly_hazard,
//!   lower,upper,annual_leave_prob,annual_lower,annual_upper`): each group's band hazards;
//!   `to_months` is empty for the open last band, and the estimates are empty for a band with
//!   no months at risk.

use std::fmt::Write as _;

use super::{Fit, Group, MIN_ROUTE_EVENTS, RetentionValue};
use crate::fit::records::Date;
use crate::format::percent;
use serde::{Deserialize, Serialize};

use crate::output::BytesFile;
use crate::output::row::{self, CsvRow};
use crate::plot::{self, PlotError, SurvivalPlot, SurvivalSeries};

pub const RETENTION_FILE: &str = "retention.toml";
pub const SURVIVAL_FILE: &str = "survival.csv";
pub const HAZARDS_FILE: &str = "hazards.csv";
pub const CHART_STEM: &str = "charts/survival";

/// One row of `survival.csv`: a step of one group's Kaplan-Meier curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurvivalRow {
    /// `all`, a route key, or `other`.
    pub route: String,
    /// Months with the council; the survival holds from here until the next row.
    #[serde(with = "row::number")]
    pub months: f64,
    #[serde(with = "row::number")]
    pub survival: f64,
    /// The 95% log(−log) interval.
    #[serde(with = "row::number")]
    pub lower: f64,
    #[serde(with = "row::number")]
    pub upper: f64,
    pub at_risk: u64,
    pub events: u64,
}

impl CsvRow for SurvivalRow {
    const COLUMNS: &'static [&'static str] = &["route", "months", "survival", "lower", "upper", "at_risk", "events"];
}

/// One row of `hazards.csv`: one group's leaving hazard in one band of months with the
/// council. `to_months` is empty for the open last band; the estimates are empty (NaN) for a
/// band with no months at risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HazardRow {
    pub route: String,
    /// `0-12`, or `60+` for the last.
    pub band: String,
    #[serde(with = "row::number")]
    pub from_months: f64,
    #[serde(with = "row::optional_number")]
    pub to_months: Option<f64>,
    pub events: u64,
    #[serde(with = "row::number")]
    pub exposure_months: f64,
    #[serde(with = "row::number")]
    pub monthly_hazard: f64,
    #[serde(with = "row::number")]
    pub lower: f64,
    #[serde(with = "row::number")]
    pub upper: f64,
    #[serde(with = "row::number")]
    pub annual_leave_prob: f64,
    #[serde(with = "row::number")]
    pub annual_lower: f64,
    #[serde(with = "row::number")]
    pub annual_upper: f64,
}

impl CsvRow for HazardRow {
    const COLUMNS: &'static [&'static str] = &[
        "route",
        "band",
        "from_months",
        "to_months",
        "events",
        "exposure_months",
        "monthly_hazard",
        "lower",
        "upper",
        "annual_leave_prob",
        "annual_lower",
        "annual_upper",
    ];
}

/// Every file, in the order written: `retention.toml`, `survival.csv`, `hazards.csv`,
/// `charts/survival.png`, `charts/survival.svg`.
pub fn files(fit: &Fit) -> Result<Vec<BytesFile>, PlotError> {
    let (png, svg) = chart(fit)?;
    Ok(vec![
        BytesFile { name: RETENTION_FILE.into(), bytes: retention_toml(fit).into_bytes() },
        BytesFile { name: SURVIVAL_FILE.into(), bytes: survival_csv(fit).into_bytes() },
        BytesFile { name: HAZARDS_FILE.into(), bytes: hazards_csv(fit).into_bytes() },
        BytesFile { name: format!("{CHART_STEM}.png"), bytes: png },
        BytesFile { name: format!("{CHART_STEM}.svg"), bytes: svg.into_bytes() },
    ])
}

/// `30 September 2023`.
pub fn long_date(date: Date) -> String {
    let (year, month, day) = date.ymd();
    format!("{day} {} {year}", crate::calendar::MONTH_NAMES[(month as usize - 1) % 12])
}

/// Where the records came from, as comment or summary lines.
fn provenance(fit: &Fit) -> Vec<String> {
    let records = &fit.records;
    let files: Vec<String> = records.files.iter().map(|f| f.display().to_string()).collect();
    let dates = &records.reference_dates;
    let mut lines = vec![format!(
        "Read {} from {}: {}.",
        count(records.rows, "worker row"),
        count(files.len(), "file"),
        files.join(", ")
    )];
    if let (Some(first), Some(last)) = (dates.first(), dates.last()) {
        let returns = if first == last {
            format!("1 return, {}", long_date(*first))
        } else {
            format!("{} returns, {} to {}", dates.len(), long_date(*first), long_date(*last))
        };
        lines.push(format!("{returns}; observed from {}.", long_date(first.years_earlier(1))));
    }
    lines.push(format!(
        "Left out: {}; {} with impossible dates; {} with no time at risk in the observation window.",
        count(records.agency_rows, "agency row"),
        count(records.skipped.len(), "row"),
        count(records.no_time_at_risk, "spell"),
    ));
    let spells = records.spells.len();
    let events = fit.events() as usize;
    lines.push(format!(
        "{}: {} in post, {} (events), {} still in post at their last return (censored); {} already in post when \
         observation began (left-truncated).",
        count(records.workers, "worker"),
        count(spells, "spell"),
        count(events, "leaver"),
        spells - events,
        records.spells.iter().filter(|s| s.spell.entry > 0.0).count()
    ));
    lines
}

/// `1 row`, `2 rows`.
fn count(n: usize, singular: &str) -> String {
    if n == 1 { format!("1 {singular}") } else { format!("{n} {singular}s") }
}

/// The `[retention]` section, ready to paste into a scenario.
pub fn retention_toml(fit: &Fit) -> String {
    let bands = &fit.options.bands;
    let mut out = String::new();
    let _ =
        writeln!(out, "# Retention fitted by `wfsim fit` from worker-level records (the DfE children's social work");
    let _ = writeln!(out, "# workforce census).");
    for line in provenance(fit) {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "#");
    let _ =
        writeln!(out, "# Annual leaving probability per tenure band = 1 - exp(-12 h), where h = leavers / months at");
    let _ = writeln!(out, "# risk in the band (piecewise-exponential maximum likelihood; months before a worker was");
    let _ = writeln!(out, "# first observed are not counted, so left truncation and censoring are respected). Beside");
    let _ =
        writeln!(out, "# each number: leavers / months at risk and the 95% interval (exact Poisson interval on h).");
    let _ = writeln!(out, "# Paste over a scenario's band_edges_months and annual_leave_prob; keep its hazard_scale,");
    let _ = writeln!(
        out,
        "# allowance, caseload_pressure and destinations. If the scenario has initial.tenure_band_shares,"
    );
    let _ = writeln!(out, "# give one share per band below.");
    for note in &fit.notes {
        let _ = writeln!(out, "# Note: {note}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[retention]");
    let edges: Vec<String> = bands.scenario_edges().iter().map(u32::to_string).collect();
    let labels: Vec<String> = (0..bands.len()).map(|i| bands.label(i)).collect();
    let _ = writeln!(out, "band_edges_months = [{}]   # tenure bands {} months", edges.join(", "), labels.join(", "));
    let _ = writeln!(out);
    let _ = writeln!(out, "[retention.annual_leave_prob]");
    let all = fit.group(Group::All);
    let _ = writeln!(
        out,
        "# All workers: {}, {}{}",
        count(all.map_or(0, |g| g.spells), "spell"),
        count(all.map_or(0, |g| g.events) as usize, "leaver"),
        if fit.options.by_route { " (routes not listed below use these)" } else { "" }
    );
    write_array(&mut out, "default", &fit.retention.default, fit);
    for (route, values) in &fit.retention.routes {
        let group = fit.group(Group::Route(*route));
        let _ = writeln!(
            out,
            "# {}: {}, {}",
            Group::Route(*route).label(),
            count(group.map_or(0, |g| g.spells), "spell"),
            count(group.map_or(0, |g| g.events) as usize, "leaver")
        );
        write_array(&mut out, route.name(), values, fit);
    }
    out
}

fn write_array(out: &mut String, key: &str, values: &[RetentionValue], fit: &Fit) {
    let bands = &fit.options.bands;
    let _ = writeln!(out, "{key} = [");
    for (band, value) in values.iter().enumerate() {
        let hazard = &value.hazard;
        let mut comment = format!(
            "{} months: {} / {:.1} months at risk; 95% interval {:.4} to {:.4}",
            bands.label(band),
            count(hazard.events as usize, "leaver"),
            hazard.exposure_months,
            hazard.annual_lower,
            hazard.annual_upper
        );
        if let Some(note) = &value.note {
            comment = format!("{} months: {note} ({})", bands.label(band), comment);
        }
        let _ = writeln!(out, "    {:.4},  # {comment}", value.annual);
    }
    let _ = writeln!(out, "]");
}

/// `survival.csv` ([`SurvivalRow`]): each group's curve, `all` first.
pub fn survival_csv(fit: &Fit) -> String {
    let rows = fit.groups.iter().flat_map(|group| {
        group.curve.iter().map(|point| SurvivalRow {
            route: group.group.key().to_string(),
            months: point.time,
            survival: point.survival,
            lower: point.lower,
            upper: point.upper,
            at_risk: point.at_risk,
            events: point.events,
        })
    });
    csv_text(rows)
}

/// `hazards.csv` ([`HazardRow`]): each group's bands, `all` first.
pub fn hazards_csv(fit: &Fit) -> String {
    let bands = &fit.options.bands;
    let rows = fit.groups.iter().flat_map(|group| {
        group.hazards.iter().map(|hazard| HazardRow {
            route: group.group.key().to_string(),
            band: bands.label(hazard.band),
            from_months: hazard.from_months,
            to_months: hazard.to_months,
            events: hazard.events,
            exposure_months: hazard.exposure_months,
            monthly_hazard: hazard.monthly_hazard,
            lower: hazard.lower,
            upper: hazard.upper,
            annual_leave_prob: hazard.annual_leave_prob,
            annual_lower: hazard.annual_lower,
            annual_upper: hazard.annual_upper,
        })
    });
    csv_text(rows)
}

/// `rows` as the text of their CSV file.
fn csv_text<R: CsvRow>(rows: impl IntoIterator<Item = R>) -> String {
    let mut bytes = Vec::new();
    // Writing into memory cannot fail, and the fields are UTF-8.
    let _ = row::write_rows(&mut bytes, rows);
    String::from_utf8(bytes).unwrap_or_default()
}

/// The survival chart (PNG, SVG): all workers, and each route with at least
/// [`MIN_ROUTE_EVENTS`] leavers.
pub fn chart(fit: &Fit) -> Result<(Vec<u8>, String), PlotError> {
    let series = fit
        .groups
        .iter()
        .filter(|group| group.group == Group::All || group.events >= MIN_ROUTE_EVENTS)
        .map(|group| SurvivalSeries {
            label: format!("{} ({})", group.group.label(), count(group.events as usize, "leaver")),
            steps: group.curve.iter().map(|p| (p.time, p.survival, p.lower, p.upper)).collect(),
            emphasis: group.group == Group::All,
        })
        .collect();
    let plot = SurvivalPlot {
        title: "Still in post by months with the council (Kaplan-Meier)".to_string(),
        interval_label: "95% interval (Greenwood, log-log)".to_string(),
        series,
    };
    plot::survival_chart(&plot)
}

/// What `wfsim fit` prints: where the records came from, what was left out, and the fitted
/// annual leaving probabilities by band with their 95% intervals.
pub fn summary_lines(fit: &Fit) -> Vec<String> {
    let bands = &fit.options.bands;
    let mut lines = provenance(fit);
    lines.push("Annual leaving probability by tenure band (95% interval):".to_string());
    let width = fit.groups.iter().map(|g| g.group.key().len()).max().unwrap_or(0);
    for group in &fit.groups {
        let cells: Vec<String> = group
            .hazards
            .iter()
            .map(|h| {
                let value = if h.has_exposure() {
                    format!(
                        "{} ({}-{})",
                        percent(h.annual_leave_prob),
                        percent(h.annual_lower),
                        percent(h.annual_upper)
                    )
                } else {
                    "no one at risk".to_string()
                };
                format!("{} months {value}", bands.label(h.band))
            })
            .collect();
        lines.push(format!(
            "  {:width$}  {}: {}",
            group.group.key(),
            count(group.events as usize, "leaver"),
            cells.join(", "),
            width = width
        ));
    }
    for note in &fit.notes {
        lines.push(format!("Note: {note}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survival_and_hazards_csv_have_the_columns_they_always_had() {
        let survival = SurvivalRow {
            route: "all".into(),
            months: 0.0,
            survival: 1.0,
            lower: 1.0,
            upper: 1.0,
            at_risk: 90,
            events: 0,
        };
        assert_eq!(
            csv_text([survival.clone()]),
            "route,months,survival,lower,upper,at_risk,events\nall,0,1,1,1,90,0\n"
        );
        assert_eq!(row::read_rows::<SurvivalRow>(csv_text([survival.clone()]).as_bytes()).unwrap(), [survival]);
        let open_band = HazardRow {
            route: "university".into(),
            band: "60+".into(),
            from_months: 60.0,
            to_months: None,
            events: 3,
            exposure_months: 250.5,
            monthly_hazard: 0.012,
            lower: f64::NAN,
            upper: 0.03,
            annual_leave_prob: 0.135,
            annual_lower: 0.01,
            annual_upper: 0.3,
        };
        let closed_band =
            HazardRow { band: "0-12".into(), from_months: 0.0, to_months: Some(12.0), ..open_band.clone() };
        assert_eq!(
            csv_text([open_band.clone(), closed_band.clone()]),
            "route,band,from_months,to_months,events,exposure_months,monthly_hazard,lower,upper,annual_leave_prob,\
             annual_lower,annual_upper\n\
             university,60+,60,,3,250.5,0.012,,0.03,0.135,0.01,0.3\n\
             university,0-12,0,12,3,250.5,0.012,,0.03,0.135,0.01,0.3\n"
        );
        let read = row::read_rows::<HazardRow>(csv_text([open_band, closed_band]).as_bytes()).unwrap();
        assert_eq!((read[0].to_months, read[1].to_months), (None, Some(12.0)));
    }
}
