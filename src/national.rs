//! A national run: every council's baseline from the bundled DfE data (built as `wfsim init`
//! builds it, retention calibrated to its own turnover), projected side by side, and England
//! as the sum of the councils, replication by replication.
//!
//! Each council's own luck is seeded from the master seed and the council's code; the national
//! part of the year-to-year swings is drawn from the master seed alone, so in replication r
//! every council meets the same national years, and England's interval carries them.
//! Councils are simulated in parallel and only a few totals of each replication are kept, so
//! memory does not grow with the number of councils x replications x months.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dataset::{Area, Dataset, Level};
use crate::engine::metrics::Metric;
use crate::engine::rng::{mix64, name_hash};
use crate::init::{self, Calibration};
use crate::output::OutputFile;
use crate::output::manifest::Provenance;
use crate::output::row::{self, CsvRow};
use crate::run::{RunSettings, ScenarioRun, simulate_keeping};
use crate::stats::{QUANTILE_METHOD, Spread, Summary, annual_value, septembers, summarise};

/// How a national run is set up.
#[derive(Debug, Clone)]
pub struct NationalSettings {
    /// The year of the 30 September position every council starts from.
    pub year: i32,
    pub replications: u32,
    pub months: u32,
    pub seed: u64,
    pub calibration: Calibration,
}

/// The figures reported for each council and for England, at each 30 September.
pub const METRICS: [Metric; 6] = [
    Metric::FteInPost,
    Metric::VacancyRate,
    Metric::AgencyRate,
    Metric::TurnoverRate,
    Metric::AvgCaseload,
    Metric::CostTotalGbp,
];

/// One area's figure at 30 September of `year` (a cost is the year to that date).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub year: i32,
    pub metric: Metric,
    pub summary: Summary,
}

/// One council's projection.
#[derive(Debug, Clone)]
pub struct CouncilProjection {
    pub name: String,
    pub code: String,
    pub region: String,
    /// sha256 of the generated baseline scenario.
    pub sha256: String,
    pub figures: Vec<Figure>,
    /// Each 30 September's year, with each replication's totals then: what England's figures
    /// add up.
    totals: Vec<(i32, Vec<Totals>)>,
}

/// One council's stocks and flows at one 30 September in one replication, or their sum over
/// councils: what England's figures are made of. England's rates are the ratios of the sums
/// (not the mean of the councils' rates), with the engine's definitions (see
/// [`Totals::value`]). Flows are NaN where the year was not fully simulated. Shared with the
/// backtest, which sums the councils it projects into England the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub fte: f64,
    pub vacancy_fte: f64,
    pub agency_fte: f64,
    /// Leavers over the 12 months to the date: the numerator of the turnover rate.
    pub leavers_12m_fte: f64,
    /// Starters over the 12 months to the date.
    pub starters_12m_fte: f64,
    pub open_cases: f64,
    /// Case-holding FTE (agency included): the denominator of the caseload.
    pub case_holding_fte: f64,
    pub cost_gbp: f64,
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        self.fte += other.fte;
        self.vacancy_fte += other.vacancy_fte;
        self.agency_fte += other.agency_fte;
        self.leavers_12m_fte += other.leavers_12m_fte;
        self.starters_12m_fte += other.starters_12m_fte;
        self.open_cases += other.open_cases;
        self.case_holding_fte += other.case_holding_fte;
        self.cost_gbp += other.cost_gbp;
    }

    /// The figure of `metric` these totals make, as the engine defines it for one council
    /// (`src/engine/metrics.rs`; a ratio with a zero denominator is 0, as there). NaN for a
    /// metric not made of these totals.
    pub fn value(&self, metric: Metric) -> f64 {
        let ratio = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { 0.0 };
        match metric {
            Metric::FteInPost => self.fte,
            Metric::VacancyFte => self.vacancy_fte,
            Metric::VacancyRate => ratio(self.vacancy_fte, self.vacancy_fte + self.fte),
            Metric::AgencyFte => self.agency_fte,
            Metric::AgencyRate => ratio(self.agency_fte, self.agency_fte + self.fte),
            Metric::TurnoverRate => ratio(self.leavers_12m_fte, self.fte),
            Metric::LeaversFte => self.leavers_12m_fte,
            Metric::StartersFte => self.starters_12m_fte,
            Metric::OpenCases => self.open_cases,
            Metric::CaseHoldingFte => self.case_holding_fte,
            Metric::AvgCaseload => ratio(self.open_cases, self.case_holding_fte),
            Metric::CostTotalGbp => self.cost_gbp,
            _ => f64::NAN,
        }
    }
}

/// Adds one council's totals into England's, replication by replication: replication r of
/// the council into replication r of the sum, so that England's replication r is a world in
/// which every council met the same national years. Both hold one entry per replication.
pub fn add_replications(sums: &mut [Totals], council: &[Totals]) {
    for (sum, totals) in sums.iter_mut().zip(council) {
        sum.add(totals);
    }
}

/// A council left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub area: String,
    pub reason: String,
}

/// Every council's projection and England's.
#[derive(Debug, Clone)]
pub struct National {
    pub settings: NationalSettings,
    /// Councils in the data's order.
    pub councils: Vec<CouncilProjection>,
    pub skipped: Vec<Skipped>,
    /// England as the sum of the projected councils.
    pub england: Vec<Figure>,
}

/// The seed of one council's replications: the master seed mixed with the council's code.
pub fn council_seed(seed: u64, code: &str) -> u64 {
    mix64(seed ^ name_hash(code))
}

/// Projects every council with figures in `settings.year`.
pub fn project(data: &Dataset, settings: &NationalSettings) -> National {
    let councils: Vec<&Area> = data.areas().iter().filter(|area| area.level == Level::LocalAuthority).collect();
    let outcomes: Vec<Result<CouncilProjection, Skipped>> = councils
        .par_iter()
        .map(|area| project_council(data, area, settings).map_err(|reason| Skipped { area: area.name.clone(), reason }))
        .collect();
    let mut projected = Vec::new();
    let mut skipped = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(council) => projected.push(council),
            Err(reason) => skipped.push(reason),
        }
    }
    let england = england(&projected);
    National { settings: settings.clone(), councils: projected, skipped, england }
}

fn project_council(data: &Dataset, area: &Area, settings: &NationalSettings) -> Result<CouncilProjection, String> {
    if !area.has_year(settings.year) {
        return Err(format!("no data for {}", settings.year));
    }
    let generated = init::baseline_scenario_with(data, &area.code, settings.year, &settings.calibration)
        .map_err(|error| error.to_string())?;
    let run_settings = RunSettings {
        replications: settings.replications,
        seed: council_seed(settings.seed, &area.code),
        months: Some(settings.months),
        progress: false,
        // Every council meets the same national years in a replication.
        national_seed: Some(settings.seed),
    };
    // Only each 30 September's figures and totals are kept of each replication.
    let kept = simulate_keeping(&generated.scenario, &run_settings, |rows| {
        let value = |month, metric| rows.value(month, metric);
        septembers(rows.first_date, rows.months)
            .into_iter()
            .map(|(year, september)| {
                let annual = METRICS.map(|metric| annual_value(value, rows.months, september, metric));
                AtSeptember { year, annual, totals: totals_of(value, rows.months, september) }
            })
            .collect::<Vec<_>>()
    });
    let Some(first) = kept.first() else {
        return Err("nothing was simulated".to_string());
    };
    let mut figures = Vec::new();
    for (index, at_first) in first.iter().enumerate() {
        for (slot, metric) in METRICS.into_iter().enumerate() {
            // A flow over a year not fully simulated is missing in every replication alike.
            if at_first.annual[slot].is_some() {
                let values: Vec<f64> =
                    kept.iter().map(|septembers| septembers[index].annual[slot].unwrap_or(f64::NAN)).collect();
                figures.push(Figure { year: at_first.year, metric, summary: summarise(&values) });
            }
        }
    }
    let totals = first
        .iter()
        .enumerate()
        .map(|(index, at_first)| (at_first.year, kept.iter().map(|septembers| septembers[index].totals).collect()))
        .collect();
    Ok(CouncilProjection {
        name: area.name.clone(),
        code: area.code.clone(),
        region: area.region_name.clone().unwrap_or_default(),
        sha256: generated.scenario.sha256.clone(),
        figures,
        totals,
    })
}

/// What a national run keeps of one replication at one 30 September.
struct AtSeptember {
    year: i32,
    /// Each of [`METRICS`], as `annual_values` gives it (`None`: a flow over a year not fully
    /// simulated).
    annual: [Option<f64>; METRICS.len()],
    totals: Totals,
}

/// Each replication's totals at `september` (a month index whose date is September). Flows are
/// the sums over the 12 months to it, as `annual_values` gives them, and NaN where those
/// months were not all simulated; except leavers, which before a simulated year are the
/// engine's own 12-month window (turnover rate x FTE in post), so that the starting turnover
/// is there too.
pub fn totals_at(run: &ScenarioRun, september: usize) -> Vec<Totals> {
    (0..run.replications as usize)
        .map(|rep| totals_of(|month, metric| run.value(rep, month, metric), run.months, september))
        .collect()
}

/// One replication's totals at `september`, as [`totals_at`] describes them;
/// `value(month, metric)` reads the replication, which ran `months` months.
fn totals_of(value: impl Fn(usize, Metric) -> f64 + Copy, months: u32, september: usize) -> Totals {
    let of_year = |metric| annual_value(value, months, september, metric);
    let at = |metric| value(september, metric);
    Totals {
        fte: at(Metric::FteInPost),
        vacancy_fte: at(Metric::VacancyFte),
        agency_fte: at(Metric::AgencyFte),
        leavers_12m_fte: of_year(Metric::LeaversFte)
            .unwrap_or_else(|| at(Metric::TurnoverRate) * at(Metric::FteInPost)),
        starters_12m_fte: of_year(Metric::StartersFte).unwrap_or(f64::NAN),
        open_cases: at(Metric::OpenCases),
        case_holding_fte: at(Metric::CaseHoldingFte),
        cost_gbp: of_year(Metric::CostTotalGbp).unwrap_or(f64::NAN),
    }
}

/// England's figures: the councils' totals added up replication by replication (in the
/// councils' order, so the bits do not depend on the thread count), then summarised.
/// Every council starts from the same 30 September, so their years line up.
fn england(councils: &[CouncilProjection]) -> Vec<Figure> {
    let Some(first) = councils.first() else { return Vec::new() };
    let mut figures = Vec::new();
    for (index, (year, per_rep)) in first.totals.iter().enumerate() {
        let mut sums = vec![Totals::default(); per_rep.len()];
        for council in councils {
            let Some((_, council_totals)) = council.totals.get(index) else { continue };
            add_replications(&mut sums, council_totals);
        }
        let year = *year;
        for metric in METRICS {
            let values: Vec<f64> = sums.iter().map(|sum| sum.value(metric)).collect();
            if values.iter().any(|value| value.is_nan()) {
                continue; // a flow over a year not fully simulated
            }
            figures.push(Figure { year, metric, summary: summarise(&values) });
        }
    }
    figures
}

/// One row of `national.csv`: an area's figure at one 30 September, across replications.
/// England's `region` is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalRow {
    pub area: String,
    pub code: String,
    pub region: String,
    pub year: i32,
    pub metric: Metric,
    #[serde(with = "row::spread")]
    pub spread: Spread,
}

impl CsvRow for NationalRow {
    const COLUMNS: &'static [&'static str] = &["area", "code", "region", "year", "metric", "mean", "p5", "p50", "p95"];
}

/// `national.csv` ([`NationalRow`]): England first, then every council, at each 30 September.
pub struct NationalCsv<'a> {
    pub national: &'a National,
}

/// The name and code England's rows carry.
pub const ENGLAND: (&str, &str) = ("England (sum of councils)", "E92000001");

impl OutputFile for NationalCsv<'_> {
    fn file_name(&self) -> &str {
        "national.csv"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let england = std::iter::once((ENGLAND.0, ENGLAND.1, "", &self.national.england));
        let councils =
            self.national.councils.iter().map(|c| (c.name.as_str(), c.code.as_str(), c.region.as_str(), &c.figures));
        let rows = england.chain(councils).flat_map(|(name, code, region, figures)| {
            figures.iter().map(move |figure| NationalRow {
                area: name.to_string(),
                code: code.to_string(),
                region: region.to_string(),
                year: figure.year,
                metric: figure.metric,
                spread: figure.summary.into(),
            })
        });
        row::write_rows(out, rows)
    }
}

/// `manifest.json` of a national run: what produced it, each council's scenario hash, and the
/// councils left out with the reason.
#[derive(Debug, Serialize)]
pub struct NationalManifest {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub months: u32,
    pub start_year: i32,
    pub quantile_method: &'static str,
    pub seeding: &'static str,
    pub councils: Vec<ManifestCouncil>,
    pub skipped: Vec<ManifestSkipped>,
}

#[derive(Debug, Serialize)]
pub struct ManifestCouncil {
    pub name: String,
    pub code: String,
    pub sha256: String,
}

#[derive(Debug, Serialize)]
pub struct ManifestSkipped {
    pub area: String,
    pub reason: String,
}

impl NationalManifest {
    pub fn new(national: &National) -> NationalManifest {
        let settings = &national.settings;
        NationalManifest {
            provenance: Provenance::new(settings.seed, settings.replications),
            months: settings.months,
            start_year: settings.year,
            quantile_method: QUANTILE_METHOD,
            seeding: "each council's replications use the master seed mixed with the council's code",
            councils: national
                .councils
                .iter()
                .map(|c| ManifestCouncil { name: c.name.clone(), code: c.code.clone(), sha256: c.sha256.clone() })
                .collect(),
            skipped: national
                .skipped
                .iter()
                .map(|s| ManifestSkipped { area: s.area.clone(), reason: s.reason.clone() })
                .collect(),
        }
    }
}

impl OutputFile for NationalManifest {
    fn file_name(&self) -> &str {
        "manifest.json"
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        crate::output::write_json(out, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_csv_has_the_columns_it_always_had() {
        let row = NationalRow {
            area: ENGLAND.0.into(),
            code: ENGLAND.1.into(),
            region: String::new(),
            year: 2026,
            metric: Metric::FteInPost,
            spread: Spread { mean: 33_000.25, p5: 32_000.0, p50: 33_000.0, p95: 34_000.5 },
        };
        let mut bytes = Vec::new();
        row::write_rows(&mut bytes, [row.clone()]).unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "area,code,region,year,metric,mean,p5,p50,p95\n\
             England (sum of councils),E92000001,,2026,fte_in_post,33000.25,32000,33000,34000.5\n"
        );
        assert_eq!(row::read_rows::<NationalRow>(&bytes).unwrap(), [row]);
    }

    fn totals(fte: f64, vacancy_fte: f64, leavers: f64) -> Totals {
        Totals {
            fte,
            vacancy_fte,
            agency_fte: fte / 10.0,
            leavers_12m_fte: leavers,
            starters_12m_fte: fte / 5.0,
            open_cases: fte * 15.0,
            case_holding_fte: fte,
            cost_gbp: 1000.0,
        }
    }

    #[test]
    fn england_adds_councils_up_before_taking_rates() {
        let mut sum = totals(100.0, 0.0, 10.0);
        sum.add(&totals(300.0, 100.0, 90.0));
        // (0 + 100) / (100 + 300 + 100): not the mean of the councils' rates (0 and 25%).
        assert_eq!(sum.value(Metric::VacancyRate), 0.2);
        assert_eq!(sum.value(Metric::TurnoverRate), 0.25);
        assert_eq!(sum.value(Metric::AgencyRate), 40.0 / 440.0);
        assert_eq!(sum.value(Metric::AvgCaseload), 15.0);
        assert_eq!(sum.value(Metric::CostTotalGbp), 2000.0);
        // Flows add up: starters 20 + 60, leavers 10 + 90.
        assert_eq!(sum.value(Metric::StartersFte), 80.0);
        assert_eq!(sum.value(Metric::LeaversFte), 100.0);
        assert_eq!(Totals::default().value(Metric::VacancyRate), 0.0);
    }

    #[test]
    fn councils_get_their_own_seeds() {
        assert_ne!(council_seed(1, "E06000047"), council_seed(1, "E10000032"));
        assert_ne!(council_seed(1, "E06000047"), council_seed(2, "E06000047"));
        assert_eq!(council_seed(1, "E06000047"), council_seed(1, "E06000047"));
    }
}
