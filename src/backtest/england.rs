//! England in the backtest: the councils projected from each origin added up, replication by
//! replication, and compared with what happened in England.
//!
//! Councils projected from one origin share their national years (`national_seed`), so
//! replication r of every council is one world; England's replication r is the sum of the
//! councils' replications r, made with the national run's [`Totals`] and
//! [`add_replications`]. England's rates are the ratios of the sums, with the engine's
//! definitions for one council ([`Totals::value`]): vacancy FTE / (vacancy FTE + FTE in
//! post), agency FTE / (agency FTE + FTE in post), leavers FTE over the year / FTE in post,
//! open cases / case-holding FTE (agency included). The DfE defines its rates the same way.
//!
//! **Which councils.** For each origin, horizon and figure, the councils with a comparison of
//! that figure there (a row of `backtest.csv`): projected from the origin, with the year in
//! the data, and the figure published both at the origin and in the year compared. The
//! `councils` column counts them.
//!
//! **What England is compared with.** The councils projected do not cover all of England:
//! councils formed or abolished around the origin (Dorset 2019, Northamptonshire 2021,
//! Cumbria 2023), one with no permanent staff to start from (Isles of Scilly), and figures
//! suppressed in a year are left out, about 2-6 of some 150 councils. So:
//!
//! - a **rate** (vacancy, agency, turnover, caseload) is compared with England's published
//!   DfE figure: a ratio of sums barely moves when a few councils are missing. It is not
//!   exact: England's published rates differ from the same ratio of all the councils' own
//!   published figures by up to 0.2 points (the agency rate of 2022-2024), a small gap
//!   beside the swings of a year;
//! - a **count** (FTE in post, starters, leavers) is compared with the sum of the same
//!   councils' published figures, and "no change" is the sum of their figures at the
//!   origin: England's published total holds councils the sum does not, and comparing the
//!   two would count the missing councils as the model's error.

use super::{AreaProjection, COMPARED, Compared, HORIZONS};
use crate::dataset::Dataset;
use crate::engine::metrics::Metric;
use crate::national::{Totals, add_replications};
use crate::stats::{Summary, summarise};

/// What a figure of England's is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum ActualSource {
    /// England's published DfE figure (rates).
    England,
    /// The sum of the published figures of the councils added up (counts).
    SameCouncils,
}

impl ActualSource {
    /// Counts grow with the councils covered; rates do not.
    pub fn of(metric: Metric) -> ActualSource {
        match metric {
            Metric::FteInPost | Metric::StartersFte | Metric::LeaversFte => ActualSource::SameCouncils,
            _ => ActualSource::England,
        }
    }

    /// As written in `backtest_england.csv` and `manifest.json`.
    pub fn name(self) -> &'static str {
        match self {
            ActualSource::England => "dfe_england",
            ActualSource::SameCouncils => "sum_of_councils_compared",
        }
    }

    /// How it is described in the printed summary.
    pub fn description(self) -> &'static str {
        match self {
            ActualSource::England => "against England's DfE figure",
            ActualSource::SameCouncils => "against the same councils' DfE figures added up",
        }
    }
}

/// How serde writes a source: its name.
impl From<ActualSource> for &'static str {
    fn from(source: ActualSource) -> &'static str {
        source.name()
    }
}

/// How serde reads a source: by its name, in the `actual_source` column.
impl TryFrom<String> for ActualSource {
    type Error = String;

    fn try_from(name: String) -> Result<ActualSource, String> {
        [ActualSource::England, ActualSource::SameCouncils].into_iter().find(|source| source.name() == name).ok_or_else(
            || format!("column `actual_source`: expected dfe_england or sum_of_councils_compared, got {name:?}"),
        )
    }
}

/// England's projection of one figure from one origin against what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct EnglandComparison {
    pub origin: i32,
    pub year: i32,
    pub metric: Metric,
    pub actual: f64,
    pub actual_source: ActualSource,
    /// The "no change" forecast: the origin year's figure, from the same source as `actual`.
    pub naive: f64,
    /// The distribution of England's figure across replications (type 7 percentiles).
    pub projected: Summary,
    /// Councils added up.
    pub councils: usize,
}

impl EnglandComparison {
    pub fn horizon(&self) -> i32 {
        self.year - self.origin
    }

    /// Whether the actual is inside the 90% interval (p5 to p95), ends included.
    pub fn in_90(&self) -> bool {
        (self.projected.p5..=self.projected.p95).contains(&self.actual)
    }
}

/// One origin, horizon and figure's running sums.
#[derive(Debug, Clone)]
struct Cell {
    origin: i32,
    horizon: i32,
    compared: &'static Compared,
    councils: usize,
    /// One per replication.
    replications: Vec<Totals>,
    /// The councils' published figures in the year compared and at the origin (used for
    /// counts only).
    actual_sum: f64,
    naive_sum: f64,
}

/// England's sums, added to one (council, origin) at a time, in the councils' order.
#[derive(Debug, Clone, Default)]
pub struct EnglandSums {
    /// Origins, horizons and figures in the order first met; sorted when compared.
    cells: Vec<Cell>,
}

impl EnglandSums {
    /// Adds one council's projection from one origin: each figure it was compared on, at
    /// each horizon, with that horizon's totals. A horizon without totals is left out.
    pub fn add(&mut self, projection: &AreaProjection) {
        for comparison in &projection.comparisons {
            let horizon = comparison.horizon();
            let (Some(compared), Some(totals)) = (super::compared(comparison.metric), projection.totals_at(horizon))
            else {
                continue;
            };
            let cell = self.cell(comparison.origin, horizon, compared, totals.len());
            add_replications(&mut cell.replications, totals);
            cell.actual_sum += comparison.actual;
            cell.naive_sum += comparison.naive;
            cell.councils += 1;
        }
    }

    /// The cell of (origin, horizon, figure), made empty with `replications` entries if new.
    fn cell(&mut self, origin: i32, horizon: i32, compared: &'static Compared, replications: usize) -> &mut Cell {
        let found =
            self.cells.iter().position(|c| c.origin == origin && c.horizon == horizon && c.compared == compared);
        let index = found.unwrap_or_else(|| {
            self.cells.push(Cell {
                origin,
                horizon,
                compared,
                councils: 0,
                replications: vec![Totals::default(); replications],
                actual_sum: 0.0,
                naive_sum: 0.0,
            });
            self.cells.len() - 1
        });
        &mut self.cells[index]
    }

    /// England's comparisons, by origin, horizon and figure (in [`COMPARED`] order). A figure
    /// whose England value is missing from the data at the origin or in the year compared, or
    /// whose every replication is undefined, has no comparison.
    pub fn compare(mut self, data: &Dataset) -> Vec<EnglandComparison> {
        let order = |c: &Cell| {
            let figure = COMPARED.iter().position(|x| x == c.compared).unwrap_or(COMPARED.len());
            (c.origin, c.horizon, figure)
        };
        self.cells.sort_by_key(order);
        self.cells.iter().filter_map(|cell| compare_cell(data, cell)).collect()
    }
}

/// One cell against what happened; `None` if it cannot be compared.
fn compare_cell(data: &Dataset, cell: &Cell) -> Option<EnglandComparison> {
    let compared = cell.compared;
    let year = cell.origin + cell.horizon;
    let source = ActualSource::of(compared.metric);
    let (actual, naive) = match source {
        ActualSource::SameCouncils => (cell.actual_sum, cell.naive_sum),
        ActualSource::England => {
            let england = data.england()?;
            (compared.actual(data, england, year)?, compared.actual(data, england, cell.origin)?)
        }
    };
    let values: Vec<f64> =
        cell.replications.iter().map(|sum| sum.value(compared.metric)).filter(|value| value.is_finite()).collect();
    if values.is_empty() || cell.councils == 0 {
        return None;
    }
    Some(EnglandComparison {
        origin: cell.origin,
        year,
        metric: compared.metric,
        actual,
        actual_source: source,
        naive,
        projected: summarise(&values),
        councils: cell.councils,
    })
}

/// How often England's actual fell inside the 90% interval, for one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct EnglandCoverage {
    pub metric: Metric,
    /// (horizon, origin-horizon pairs compared, pairs with the actual inside), for each of
    /// [`HORIZONS`] with a comparison.
    pub by_horizon: Vec<(i32, usize, usize)>,
}

impl EnglandCoverage {
    pub fn pairs(&self) -> usize {
        self.by_horizon.iter().map(|&(_, pairs, _)| pairs).sum()
    }

    pub fn inside(&self) -> usize {
        self.by_horizon.iter().map(|&(_, _, inside)| inside).sum()
    }
}

/// England's coverage for each figure with a comparison, in [`COMPARED`] order.
pub fn coverage(rows: &[EnglandComparison]) -> Vec<EnglandCoverage> {
    let mut figures = Vec::new();
    for c in &COMPARED {
        let mut by_horizon = Vec::new();
        for horizon in HORIZONS {
            let group: Vec<&EnglandComparison> =
                rows.iter().filter(|r| r.metric == c.metric && r.horizon() == horizon).collect();
            if !group.is_empty() {
                by_horizon.push((horizon, group.len(), group.iter().filter(|r| r.in_90()).count()));
            }
        }
        if !by_horizon.is_empty() {
            figures.push(EnglandCoverage { metric: c.metric, by_horizon });
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::Comparison;
    use crate::dataset::Field;

    /// England and two councils in 2020 and 2021: FTE in post, vacancy rate (%) and the
    /// vacancy FTE; every other figure unavailable.
    fn data() -> Dataset {
        let ids = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,\
                   old_la_code,new_la_code,la_name";
        let fields: Vec<&str> = Field::ALL.iter().map(|field| field.column()).collect();
        let row = |year: i32, place: &str, fte: &str, vacancy_rate: &str| {
            let cells: Vec<&str> = Field::ALL
                .iter()
                .map(|field| match field {
                    Field::InpostFte => fte,
                    Field::VacancyRateFte => vacancy_rate,
                    _ => "x",
                })
                .collect();
            format!("{year},Reporting year,{place},{}", cells.join(","))
        };
        let council = |code: &str| {
            format!("Local authority,E92000001,England,E12000001,North East,8{code},E060000{code},Council {code}")
        };
        let rows = [
            row(2020, "National,E92000001,England,,,,,", "30000", "15.5"),
            row(2021, "National,E92000001,England,,,,,", "31000", "16.5"),
            row(2020, &council("01"), "100", "10"),
            row(2021, &council("01"), "110", "12"),
            row(2020, &council("02"), "300", "20"),
            row(2021, &council("02"), "290", "25"),
        ];
        Dataset::parse(&format!("{ids},{}\n{}\n", fields.join(","), rows.join("\n"))).expect("the data parse")
    }

    fn comparison(code: &str, metric: Metric, actual: f64, naive: f64) -> Comparison {
        let nothing = summarise(&[]);
        Comparison {
            area: format!("Council {code}"),
            code: code.to_string(),
            origin: 2020,
            year: 2021,
            metric,
            actual,
            naive,
            projected: nothing,
            pit: f64::NAN,
            benchmark: None,
            outside_observed_range: None,
        }
    }

    fn totals(fte: f64, vacancy_fte: f64) -> Totals {
        Totals { fte, vacancy_fte, ..Totals::default() }
    }

    /// Two councils, three replications each, added by hand: FTE in post and the vacancy rate
    /// of each replication, England's percentiles of three values (type 7: p5 at 0.1 of the
    /// way from the lowest to the middle, p50 the middle), and what each is compared with.
    #[test]
    fn england_adds_the_councils_replication_by_replication() {
        let first = AreaProjection {
            comparisons: vec![
                comparison("01", Metric::FteInPost, 110.0, 100.0),
                comparison("01", Metric::VacancyRate, 0.12, 0.10),
            ],
            totals: vec![(1, vec![totals(100.0, 0.0), totals(110.0, 10.0), totals(120.0, 20.0)])],
        };
        // The second council has no vacancy rate compared: it enters FTE's sum only.
        let second = AreaProjection {
            comparisons: vec![comparison("02", Metric::FteInPost, 290.0, 300.0)],
            totals: vec![(1, vec![totals(300.0, 100.0), totals(250.0, 50.0), totals(310.0, 0.0)])],
        };
        let mut sums = EnglandSums::default();
        sums.add(&first);
        sums.add(&second);
        let rows = sums.compare(&data());
        assert_eq!(rows.len(), 2, "{rows:?}");

        // FTE in post: 400, 360, 430 by replication; against the two councils' 2021 FTE.
        let fte = &rows[0];
        assert_eq!(
            (fte.metric, fte.origin, fte.year, fte.horizon(), fte.councils),
            (Metric::FteInPost, 2020, 2021, 1, 2)
        );
        assert_eq!((fte.actual, fte.naive, fte.actual_source), (400.0, 400.0, ActualSource::SameCouncils));
        assert_eq!(fte.projected.p50, 400.0);
        assert_eq!(fte.projected.p5, 360.0 + 0.1 * (400.0 - 360.0));
        // p95: h = (3 - 1) x 0.95, 0.9 of the way from 400 to 430 (as the machine works out 0.9).
        assert_eq!(fte.projected.p95, 400.0 + (2.0 * 0.95 - 1.0) * (430.0 - 400.0));
        assert!(fte.in_90());

        // Vacancy rate from the first council alone: 0, 10/120, 20/140; against England's 16.5%.
        let vacancy = &rows[1];
        assert_eq!(
            (vacancy.metric, vacancy.councils, vacancy.actual_source),
            (Metric::VacancyRate, 1, ActualSource::England)
        );
        assert_eq!((vacancy.actual, vacancy.naive), (16.5 * 0.01, 15.5 * 0.01));
        assert_eq!(vacancy.projected.p50, 10.0 / 120.0);
        assert_eq!(vacancy.projected.p95, 10.0 / 120.0 + (2.0 * 0.95 - 1.0) * (20.0 / 140.0 - 10.0 / 120.0));
        assert!(!vacancy.in_90(), "16.5% is above 20/140 = 14.3%");

        let coverage = coverage(&rows);
        assert_eq!(coverage.len(), 2);
        assert_eq!((coverage[0].pairs(), coverage[0].inside()), (1, 1));
        assert_eq!(coverage[1].by_horizon, vec![(1, 1, 0)]);
    }

    /// Rates are the ratios of the sums, not the mean of the councils' rates.
    #[test]
    fn england_rates_are_ratios_of_the_sums() {
        let both = |metric: Metric| AreaProjection {
            comparisons: vec![comparison("01", metric, 0.5, 0.5)],
            totals: vec![(1, vec![totals(100.0, 0.0)])],
        };
        let other = AreaProjection {
            comparisons: vec![comparison("02", Metric::VacancyRate, 0.5, 0.5)],
            totals: vec![(1, vec![totals(300.0, 100.0)])],
        };
        let mut sums = EnglandSums::default();
        sums.add(&both(Metric::VacancyRate));
        sums.add(&other);
        let rows = sums.compare(&data());
        // (0 + 100) / (100 + 300 + 100) = 20%, where the councils' rates average 12.5%.
        assert_eq!(rows[0].projected.p50, 0.2);
        assert_eq!(rows[0].councils, 2);
    }
}
