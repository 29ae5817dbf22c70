//! Backtests: councils projected from past origins against what happened, the naive-empirical
//! benchmark on data whose answers are known, its use of nothing after the origin, England as
//! the councils added up, the ranges councils had shown (and nothing after the origin in
//! them), and the command's files, summary, refusals and reproducibility.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, Output};

use wfsim::backtest::drift::{DRIFT_FIGURES, ObservedRanges, observed_range};
use wfsim::backtest::england::ActualSource;
use wfsim::backtest::scores::{self, Change};
use wfsim::backtest::{self, BacktestSettings, Benchmarks, COMPARED, HORIZONS, PastData};
use wfsim::dataset::{Dataset, Field};
use wfsim::engine::metrics::Metric;
use wfsim::init::{Calibration, resolve_area};

// ---------------------------------------------------------------------------------------------
// A tiny data set with known changes

/// The identifying columns of the data file, then every figure.
fn header() -> String {
    let ids = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,\
               old_la_code,new_la_code,la_name";
    let fields: Vec<&str> = Field::ALL.iter().map(|field| field.column()).collect();
    format!("{ids},{}", fields.join(","))
}

/// A row for a council (or England, with `code` "E92000001") with FTE in post and the vacancy
/// rate (%) given as text; every other figure unavailable (`x`).
fn row(year: i32, code: &str, fte: &str, vacancy_rate: &str) -> String {
    let ids = if code == "E92000001" {
        format!("{year},Reporting year,National,E92000001,England,,,,,")
    } else {
        format!(
            "{year},Reporting year,Local authority,E92000001,England,E12000001,North East,8{code},E060000{code},Council {code}"
        )
    };
    let cells: Vec<&str> = Field::ALL
        .iter()
        .map(|field| match field {
            Field::InpostFte => fte,
            Field::VacancyRateFte => vacancy_rate,
            _ => "x",
        })
        .collect();
    format!("{ids},{}", cells.join(","))
}

/// Five councils, 2017 and 2018, and a third year for some. From 2017 to 2018 the vacancy
/// rates move by 1, 2, 3, 4 and 5 points and FTE by log ratios 0, ln 2, ln 2, -ln 4 and 0;
/// a suppressed value, a zero FTE and England's wild figures must all be left out.
fn tiny() -> Dataset {
    let rows = [
        row(2017, "01", "100", "10"),
        row(2018, "01", "100", "11"),
        row(2017, "02", "100", "10"),
        row(2018, "02", "200", "12"),
        row(2017, "03", "10", "20"),
        row(2018, "03", "20", "23"),
        row(2017, "04", "40", "5"),
        row(2018, "04", "10", "9"),
        row(2017, "05", "7", "30"),
        row(2018, "05", "7", "35"),
        // Suppressed, and a zero FTE (no log ratio): left out.
        row(2017, "06", "c", "c"),
        row(2018, "06", "0", "40"),
        // England is not a council.
        row(2017, "E92000001", "30000", "1"),
        row(2018, "E92000001", "90000", "99"),
        // 2019, for the look-ahead: a change of 50 points that an origin of 2018 must not see.
        row(2019, "01", "1000", "61"),
        row(2019, "02", "1000", "62"),
    ];
    Dataset::parse(&format!("{}\n{}\n", header(), rows.join("\n"))).expect("the tiny data parse")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn naive_empirical_percentiles_of_known_changes() {
    let data = tiny();
    // Vacancy rate: differences 0.01 to 0.05; type 7 on five values: p5 at 0.2 of the way from
    // the first to the second, p25 the second, p75 the fourth, p95 0.8 of the way from the
    // fourth to the fifth.
    let changes = scores::past_changes(&data, Field::VacancyRateFte, 0.01, Change::Absolute, 1, 2018);
    assert_eq!(changes.len(), 5, "{changes:?}");
    let q = scores::change_quantiles(&data, Field::VacancyRateFte, 0.01, Change::Absolute, 1, 2018).expect("pairs");
    assert_eq!(q.count, 5);
    for (got, want) in [(q.p5, 0.012), (q.p25, 0.02), (q.p75, 0.04), (q.p95, 0.048)] {
        assert!(close(got, want), "{got} vs {want}");
    }
    // Around an origin rate of 20%: 21.2% to 24.8%.
    let interval = q.around(0.20, Change::Absolute);
    assert!(close(interval.p5, 0.212) && close(interval.p95, 0.248), "{interval:?}");

    // FTE: log ratios -ln 4, 0, 0, ln 2, ln 2 (the zero FTE left out).
    let q = scores::change_quantiles(&data, Field::InpostFte, 1.0, Change::LogRatio, 1, 2018).expect("pairs");
    let ln2 = 2f64.ln();
    assert_eq!(q.count, 5);
    for (got, want) in [(q.p5, -1.6 * ln2), (q.p25, 0.0), (q.p75, ln2), (q.p95, ln2)] {
        assert!(close(got, want), "{got} vs {want}");
    }
    // Applied to the origin value: a council ten times the size, an interval ten times as wide.
    let small = q.around(50.0, Change::LogRatio);
    let large = q.around(500.0, Change::LogRatio);
    assert!(close(small.p5, 50.0 * 2f64.powf(-1.6)) && close(small.p95, 100.0), "{small:?}");
    assert!(close(large.p95 - large.p5, 10.0 * (small.p95 - small.p5)));

    // Nothing ends by 2018 over two years: no interval, rather than one invented.
    assert_eq!(scores::change_quantiles(&data, Field::VacancyRateFte, 0.01, Change::Absolute, 2, 2018), None);
    // From 2019, the 2018-2019 changes join in.
    let later = scores::change_quantiles(&data, Field::VacancyRateFte, 0.01, Change::Absolute, 1, 2019).expect("pairs");
    assert_eq!(later.count, 7);
    let two_years = scores::change_quantiles(&data, Field::InpostFte, 1.0, Change::LogRatio, 2, 2019).expect("pairs");
    assert_eq!(two_years.count, 2);
}

#[test]
fn the_naive_empirical_benchmark_looks_at_nothing_after_its_origin() {
    let data = Dataset::embedded();
    for origin in 2018..=2023 {
        let then = data.up_to(origin);
        assert!(then.areas().iter().all(|area| area.last_year() <= origin), "up_to drops the later years");
        assert!(data.areas().iter().any(|area| area.last_year() > origin), "the full data go further");
        for horizon in HORIZONS {
            for c in &COMPARED {
                let with_later = scores::change_quantiles(data, c.field, c.scale, c.change, horizon, origin);
                let without = scores::change_quantiles(&then, c.field, c.scale, c.change, horizon, origin);
                assert_eq!(with_later, without, "{} {horizon} year(s) from {origin}", c.metric.name());
            }
        }
        let all = Benchmarks::new(data, origin..=origin);
        let cut = Benchmarks::new(&then, origin..=origin);
        assert_eq!(all.entries(), cut.entries(), "from {origin}");
    }
    // And on the tiny data: the 2019 jumps do not reach an origin of 2018.
    let tiny = tiny();
    let q = |data: &Dataset| scores::change_quantiles(data, Field::VacancyRateFte, 0.01, Change::Absolute, 1, 2018);
    assert_eq!(q(&tiny), q(&tiny.up_to(2018)));
    assert_eq!(tiny.up_to(2017).areas().iter().filter(|a| a.has_year(2018)).count(), 0);
}

// ---------------------------------------------------------------------------------------------
// One council, from the library

#[test]
fn a_council_is_compared_at_every_horizon_from_one_run() {
    let data = Dataset::embedded();
    let settings = BacktestSettings {
        from: 2021,
        to: 2021,
        replications: 60,
        seed: 1,
        calibration: Calibration::default(),
        england: false,
    };
    let durham = resolve_area(data, "840", Some(2021)).expect("County Durham");
    let past = PastData::new(data, settings.origins());
    let comparisons = backtest::backtest_area(data, durham, 2021, &settings, &past).expect("backtest runs");
    // 2022, 2023 and 2024, every figure present for Durham.
    assert_eq!(comparisons.len(), HORIZONS.len() * COMPARED.len());
    let fte_2024 = comparisons.iter().find(|c| c.year == 2024 && c.metric == Metric::FteInPost).expect("FTE in 2024");
    assert_eq!(fte_2024.horizon(), 3);
    assert_eq!(fte_2024.actual, 362.8, "DfE 2024");
    assert_eq!(fte_2024.naive, 323.9, "DfE 2021: no change");
    let p = &fte_2024.projected;
    assert!(p.p5 <= p.p25 && p.p25 <= p.p50 && p.p50 <= p.p75 && p.p75 <= p.p95);
    assert_eq!(fte_2024.in_90(), (p.p5..=p.p95).contains(&362.8));
    for c in &comparisons {
        assert!((0.0..=1.0).contains(&c.pit), "{c:?}");
        // An actual inside the 90% interval has a PIT within it too, give or take the
        // interpolation between replications.
        if c.pit > 0.06 && c.pit < 0.94 {
            assert!(c.in_90(), "{c:?}");
        }
        let b = c.benchmark.expect("every horizon has earlier pairs of years by 2021");
        assert!(b.p5 <= b.p25 && b.p25 <= b.p75 && b.p75 <= b.p95);
    }
    // Flows are the year's sum: starters and leavers read from months 25-36 for 2024.
    let starters = comparisons.iter().find(|c| c.year == 2024 && c.metric == Metric::StartersFte).expect("starters");
    assert_eq!(starters.naive, 49.0, "DfE 2021 starters FTE: {starters:?}");

    // Same again: the run is seeded by the council and origin, not by anything else.
    let again = backtest::backtest_area(data, durham, 2021, &settings, &past).expect("backtest runs");
    assert_eq!(comparisons, again);

    // Drift is counted for caseload, vacancy and agency rates alone, over every replication.
    for c in &comparisons {
        match c.outside_observed_range {
            Some(count) => {
                assert!(DRIFT_FIGURES.contains(&c.metric), "{c:?}");
                assert_eq!(count.replications, 60);
                assert!(count.outside <= 60);
            }
            None => assert!(!DRIFT_FIGURES.contains(&c.metric), "{c:?}"),
        }
    }
    // What the data said before the origin, from the data cut after it: the same comparisons,
    // drift counts and benchmark included.
    let cut = PastData::new(&data.up_to(2021), settings.origins());
    let from_cut = backtest::backtest_area(data, durham, 2021, &settings, &cut).expect("backtest runs");
    assert_eq!(comparisons, from_cut);
}

// ---------------------------------------------------------------------------------------------
// The ranges councils had shown

#[test]
fn the_observed_range_looks_at_nothing_after_its_origin() {
    // Tiny data: vacancy rates 5% to 35% by 2018; the council with no FTE in post (40%) and
    // England (99%) left out; 2019's 61% and 62% only from an origin of 2019.
    let tiny = tiny();
    let vacancy = backtest::compared(Metric::VacancyRate).expect("a compared figure");
    let range = observed_range(&tiny, vacancy, 2018).expect("a range");
    assert_eq!((range.min, range.max, range.values), (5.0 * 0.01, 35.0 * 0.01, 10));
    assert_eq!(observed_range(&tiny.up_to(2018), vacancy, 2018), Some(range));
    let later = observed_range(&tiny, vacancy, 2019).expect("a range");
    assert_eq!((later.max, later.values), (62.0 * 0.01, 12));
    assert_eq!(observed_range(&tiny, vacancy, 2016), None, "no year by 2016");

    // The bundled data: cut after each origin, the same ranges, though later years widen them.
    let data = Dataset::embedded();
    for origin in 2018..=2023 {
        let full = ObservedRanges::new(data, origin..=origin);
        let cut = ObservedRanges::new(&data.up_to(origin), origin..=origin);
        assert_eq!(full, cut, "from {origin}");
        assert_eq!(full.entries().len(), DRIFT_FIGURES.len());
        assert!(full.entries().iter().all(|(_, _, range)| range.is_some()));
    }
    let max = |origin: i32| ObservedRanges::new(data, origin..=origin).get(origin, Metric::VacancyRate).map(|r| r.max);
    assert!(max(2022) < max(2023), "Herefordshire's 62.4% of 2023 is not seen from 2022");
    // No council-year without permanent staff: the Isles of Scilly's 100% never enters.
    assert!(max(2024).is_some_and(|max| max < 1.0));
}

// ---------------------------------------------------------------------------------------------
// England, from two councils

/// Two councils projected from 2022 and added up: England's replication r is the councils'
/// replications r added up by hand, its rates the ratios of the sums, each council's totals
/// the very figures it was compared on, and England compared with the same councils' DfE
/// figures (counts) or England's (rates).
#[test]
fn england_is_the_councils_added_up_replication_by_replication() {
    let data = Dataset::embedded();
    let settings = BacktestSettings {
        from: 2022,
        to: 2022,
        replications: 12,
        seed: 5,
        calibration: Calibration::default(),
        england: true,
    };
    let areas = [
        resolve_area(data, "840", Some(2022)).expect("County Durham"),
        resolve_area(data, "805", Some(2022)).expect("Hartlepool"),
    ];
    let past = PastData::new(data, settings.origins());
    let projections: Vec<_> = areas
        .iter()
        .map(|area| backtest::project_area(data, area, 2022, &settings, &past).expect("projected"))
        .collect();
    let result = backtest::backtest(data, &areas, &settings);
    let england = result.england.as_ref().expect("England is formed");
    // Horizons 1 and 2 (2023, 2024), every figure, both councils.
    assert_eq!(england.len(), 2 * COMPARED.len());
    let england_area = data.england().expect("England in the data");

    for row in england {
        let horizon = row.horizon();
        let [a, b] = [&projections[0], &projections[1]].map(|p| p.totals_at(horizon).expect("totals kept"));
        let by_hand: Vec<f64> = a
            .iter()
            .zip(b)
            .map(|(a, b)| match row.metric {
                Metric::FteInPost => a.fte + b.fte,
                Metric::VacancyRate => {
                    (a.vacancy_fte + b.vacancy_fte) / ((a.vacancy_fte + b.vacancy_fte) + (a.fte + b.fte))
                }
                Metric::AgencyRate => (a.agency_fte + b.agency_fte) / ((a.agency_fte + b.agency_fte) + (a.fte + b.fte)),
                Metric::TurnoverRate => (a.leavers_12m_fte + b.leavers_12m_fte) / (a.fte + b.fte),
                Metric::StartersFte => a.starters_12m_fte + b.starters_12m_fte,
                Metric::LeaversFte => a.leavers_12m_fte + b.leavers_12m_fte,
                Metric::AvgCaseload => (a.open_cases + b.open_cases) / (a.case_holding_fte + b.case_holding_fte),
                other => panic!("{other:?} is not compared"),
            })
            .collect();
        assert_eq!(row.projected, wfsim::stats::summarise(&by_hand), "{row:?}");
        assert_eq!(row.councils, 2);

        let compared = backtest::compared(row.metric).expect("a compared figure");
        let of = |p: &backtest::AreaProjection| {
            p.comparisons.iter().find(|c| c.metric == row.metric && c.horizon() == horizon).expect("compared").clone()
        };
        let (first, second) = (of(&projections[0]), of(&projections[1]));
        match row.actual_source {
            ActualSource::SameCouncils => {
                assert_eq!(row.actual, first.actual + second.actual);
                assert_eq!(row.naive, first.naive + second.naive);
            }
            ActualSource::England => {
                assert_eq!(Some(row.actual), compared.actual(data, england_area, row.year));
                assert_eq!(Some(row.naive), compared.actual(data, england_area, 2022));
            }
        }
        assert_eq!(row.in_90(), (row.projected.p5..=row.projected.p95).contains(&row.actual));
    }

    // Each council's totals are the figures it was compared on, as the engine defines them
    // (turnover's 12 months are added in another order by the engine: equal within rounding).
    for projection in &projections {
        for c in &projection.comparisons {
            let totals = projection.totals_at(c.horizon()).expect("totals kept");
            let values: Vec<f64> = totals
                .iter()
                .map(|t| match c.metric {
                    Metric::FteInPost => t.fte,
                    Metric::VacancyRate => t.vacancy_fte / (t.vacancy_fte + t.fte),
                    Metric::AgencyRate => t.agency_fte / (t.agency_fte + t.fte),
                    Metric::TurnoverRate => t.leavers_12m_fte / t.fte,
                    Metric::StartersFte => t.starters_12m_fte,
                    Metric::LeaversFte => t.leavers_12m_fte,
                    Metric::AvgCaseload => t.open_cases / t.case_holding_fte,
                    other => panic!("{other:?} is not compared"),
                })
                .collect();
            let summary = wfsim::stats::summarise(&values);
            if c.metric == Metric::TurnoverRate {
                for (got, want) in summary.columns().iter().zip(c.projected.columns()) {
                    assert!(close(*got, want), "{c:?}: {got} vs {want}");
                }
            } else {
                assert_eq!(summary, c.projected, "{} {}", c.code, c.metric.name());
            }
        }
    }
    // The comparisons and the councils' rows are those of a backtest without England.
    let without = backtest::backtest(data, &areas, &BacktestSettings { england: false, ..settings.clone() });
    assert_eq!(without.comparisons, result.comparisons);
    assert!(without.england.is_none());
}

// ---------------------------------------------------------------------------------------------
// The command

fn wfsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfsim")).args(args).output().expect("wfsim runs")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The type 7 quantile of `values` (sorted here), written out afresh for the test.
fn quantile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * p;
    let below = h.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + (h - below as f64) * (sorted[above] - sorted[below])
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The rows of a CSV file as maps from column name to text.
fn table(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("a whole row");
            headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    let text = &row[column];
    if text.is_empty() { f64::NAN } else { text.parse().unwrap_or_else(|_| panic!("{column} = {text:?}")) }
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn durham_from_three_origins_writes_every_row_a_summary_that_follows_from_them_and_the_charts() {
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("bt");
    let dir_text = dir.to_str().expect("utf-8");
    let ok = wfsim(&["backtest", "--la", "840", "--from", "2021", "--to", "2023", "--reps", "30", "--out", dir_text]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let stdout = String::from_utf8_lossy(&ok.stdout);

    // Every origin, horizon (whose year is in the data) and figure.
    let rows = table(&read(&dir.join("backtest.csv")));
    let found: BTreeSet<(i32, i32, String)> = rows
        .iter()
        .map(|r| (r["origin"].parse().unwrap(), r["horizon_years"].parse().unwrap(), r["metric"].clone()))
        .collect();
    let mut expected = BTreeSet::new();
    for origin in 2021..=2023 {
        for horizon in HORIZONS.into_iter().filter(|h| origin + h <= 2024) {
            for c in &COMPARED {
                expected.insert((origin, horizon, c.metric.name().to_string()));
            }
        }
    }
    assert_eq!(found, expected);
    assert_eq!(rows.len(), expected.len(), "one row each");
    assert!(rows.iter().all(|r| r["area"] == "County Durham" && r["code"] == "E06000047"));
    for r in &rows {
        assert_eq!(number(r, "year") - number(r, "origin"), number(r, "horizon_years"));
        let (p5, p95, actual) = (number(r, "p5"), number(r, "p95"), number(r, "actual"));
        let score = (p95 - p5) + 20.0 * (p5 - actual).max(0.0) + 20.0 * (actual - p95).max(0.0);
        assert!(same(number(r, "interval_score"), score), "{r:?}");
        assert_eq!(r["in_90"], (p5 <= actual && actual <= p95).to_string());
        assert!(same(number(r, "error"), number(r, "p50") - actual));
        assert!(same(number(r, "naive_error"), number(r, "naive") - actual));
    }

    // Every summary row, recomputed from the rows.
    let summary = table(&read(&dir.join("backtest_summary.csv")));
    assert_eq!(summary.len(), COMPARED.len() * HORIZONS.len());
    type Row = HashMap<String, String>;
    let share =
        |rows: &[&Row], column: &str| rows.iter().filter(|r| r[column] == "true").count() as f64 / rows.len() as f64;
    let mean_of = |rows: &[&Row], column: &str| mean(&rows.iter().map(|r| number(r, column)).collect::<Vec<_>>());
    for s in &summary {
        let group: Vec<&Row> =
            rows.iter().filter(|r| r["metric"] == s["metric"] && r["horizon_years"] == s["horizon_years"]).collect();
        let paired: Vec<&Row> = group.iter().copied().filter(|r| !r["naive_empirical_p5"].is_empty()).collect();
        let abs = |column: &str| group.iter().map(|r| number(r, column).abs()).collect::<Vec<f64>>();
        let model_paired = mean_of(&paired, "interval_score");
        let benchmark = mean_of(&paired, "naive_empirical_interval_score");
        let closer = group.iter().filter(|r| number(r, "error").abs() < number(r, "naive_error").abs()).count();
        let checks = [
            ("count", group.len() as f64),
            ("model_median_abs_error", quantile(&abs("error"), 0.5)),
            ("naive_median_abs_error", quantile(&abs("naive_error"), 0.5)),
            ("model_in_50", share(&group, "in_50")),
            ("model_in_90", share(&group, "in_90")),
            ("naive_empirical_count", paired.len() as f64),
            ("naive_empirical_in_50", share(&paired, "naive_empirical_in_50")),
            ("naive_empirical_in_90", share(&paired, "naive_empirical_in_90")),
            ("model_interval_score", mean_of(&group, "interval_score")),
            ("model_interval_score_paired", model_paired),
            ("naive_empirical_interval_score", benchmark),
            ("interval_score_ratio", model_paired / benchmark),
            ("share_model_closer", closer as f64 / group.len() as f64),
        ];
        for (column, want) in checks {
            let got = number(s, column);
            assert!(same(got, want), "{} {}: {column} {got} vs {want}", s["metric"], s["horizon_years"]);
        }
    }
    // Three origins: 3 comparisons a year ahead, 2 two years ahead, 1 three years ahead.
    let fte: Vec<_> = summary.iter().filter(|s| s["metric"] == "fte_in_post").map(|s| s["count"].clone()).collect();
    assert_eq!(fte, ["3", "2", "1"]);

    // The charts, as valid PNG and SVG of the stated sizes.
    for (stem, height, text) in [("calibration", 600, "Nominal coverage"), ("pit", 620, "caseload")] {
        let png = std::fs::read(dir.join(format!("charts/{stem}.png"))).expect("the PNG");
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().expect("a valid PNG");
        assert_eq!((reader.info().width, reader.info().height), (900, height), "{stem}");
        let svg = read(&dir.join(format!("charts/{stem}.svg")));
        let document = roxmltree::Document::parse(&svg).expect("a valid SVG");
        assert_eq!(document.root_element().tag_name().name(), "svg");
        assert!(document.descendants().filter_map(|n| n.text()).any(|t| t.contains(text)), "{stem}: {text}");
    }

    // The manifest names the origins, horizons and council.
    let manifest: serde_json::Value = serde_json::from_str(&read(&dir.join("manifest.json"))).expect("JSON");
    assert_eq!(manifest["origins"], serde_json::json!([2021, 2022, 2023]));
    assert_eq!(manifest["horizons"], serde_json::json!([1, 2, 3]));
    assert_eq!(manifest["councils"], 1);
    assert_eq!(manifest["replications"], 30);
    assert_eq!(manifest["skipped"], serde_json::json!([]));

    // One council is not England: no England file, nothing of it in the manifest.
    assert!(!dir.join("backtest_england.csv").exists());
    assert_eq!(manifest["england"], serde_json::Value::Null);
    assert!(stdout.contains("England: not formed from one area"), "{stdout}");
    // The drift column: a share for caseload, vacancy and agency rates, empty for the rest.
    for s in &summary {
        let drift = DRIFT_FIGURES.iter().any(|m| m.name() == s["metric"]);
        let share = number(s, "share_outside_observed_range");
        assert_eq!(share.is_nan(), !drift, "{s:?}");
        assert!(share.is_nan() || (0.0..=1.0).contains(&share), "{s:?}");
    }

    // The printed summary: a line per figure and horizon.
    assert!(stdout.contains("model MAE") && stdout.contains("IS n-e"), "{stdout}");
    for c in &COMPARED {
        assert_eq!(stdout.lines().filter(|line| line.starts_with(c.label())).count(), 3, "{}: {stdout}", c.label());
    }
}

/// `backtest_england.csv`'s rows as (origin, horizon, metric) -> row.
fn england_rows(dir: &Path) -> HashMap<(i32, i32, String), HashMap<String, String>> {
    let text = read(&dir.join("backtest_england.csv"));
    let header = text.lines().next().unwrap_or_default();
    assert_eq!(header, "origin,year,horizon_years,metric,actual,naive,p5,p25,p50,p75,p95,in_90,councils,actual_source");
    table(&text)
        .into_iter()
        .map(|r| ((r["origin"].parse().unwrap(), r["horizon_years"].parse().unwrap(), r["metric"].clone()), r))
        .collect()
}

#[test]
fn every_council_adds_up_into_england_and_drift_is_counted() {
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("bt");
    let dir_text = dir.to_str().expect("utf-8");
    let ok = wfsim(&["backtest", "--all", "--from", "2022", "--reps", "8", "--seed", "3", "--out", dir_text]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let stdout = String::from_utf8_lossy(&ok.stdout);
    let rows = table(&read(&dir.join("backtest.csv")));
    let england = england_rows(&dir);
    let data = Dataset::embedded();
    let england_area = data.england().expect("England in the data");

    // 2022 one and two years ahead, 2023 one year ahead: every figure.
    assert_eq!(england.len(), 3 * COMPARED.len());
    for ((origin, horizon, metric), e) in &england {
        let c = COMPARED.iter().find(|c| c.metric.name() == metric).expect("a compared figure");
        let councils: Vec<&HashMap<String, String>> = rows
            .iter()
            .filter(|r| {
                r["origin"] == origin.to_string() && r["horizon_years"] == horizon.to_string() && &r["metric"] == metric
            })
            .collect();
        // Every council compared there is added, and only those.
        assert_eq!(e["councils"], councils.len().to_string(), "{e:?}");
        assert!(councils.len() > 140, "{} councils", councils.len());
        let year = origin + horizon;
        assert_eq!(e["year"], year.to_string());
        match c.metric {
            Metric::FteInPost | Metric::StartersFte | Metric::LeaversFte => {
                assert_eq!(e["actual_source"], "sum_of_councils_compared");
                let sum = |column: &str| councils.iter().map(|r| number(r, column)).sum::<f64>();
                assert!(same(number(e, "actual"), sum("actual")), "{e:?}");
                assert!(same(number(e, "naive"), sum("naive")), "{e:?}");
                // England is a sum per replication, so councils' luck partly cancels: its
                // 90% interval sits inside the sum of theirs, around the sum of their medians
                // (not on it: councils' levels are uncertain in logs, so each council's mean
                // sits a little above its median, and the national swings of eight
                // replications move every council at once).
                let (p5s, medians, p95s) = (sum("p5"), sum("p50"), sum("p95"));
                assert!(p5s <= number(e, "p5") && number(e, "p95") <= p95s, "{e:?} vs {p5s}-{p95s}");
                assert!(number(e, "p5") <= medians && medians <= number(e, "p95"), "{e:?} vs {medians}");
            }
            _ => {
                assert_eq!(e["actual_source"], "dfe_england");
                assert_eq!(Some(number(e, "actual")), c.actual(data, england_area, year), "{e:?}");
                assert_eq!(Some(number(e, "naive")), c.actual(data, england_area, *origin), "{e:?}");
            }
        }
        let (p5, p95, actual) = (number(e, "p5"), number(e, "p95"), number(e, "actual"));
        assert!(p5 <= number(e, "p25") && number(e, "p25") <= number(e, "p50") && number(e, "p75") <= p95);
        assert_eq!(e["in_90"], (p5 <= actual && actual <= p95).to_string(), "{e:?}");
    }

    // The manifest counts what the file shows, per figure and horizon.
    let manifest: serde_json::Value = serde_json::from_str(&read(&dir.join("manifest.json"))).expect("JSON");
    let figures = manifest["england"]["figures"].as_array().expect("England's figures");
    assert_eq!(figures.len(), COMPARED.len());
    for figure in figures {
        let metric = figure["metric"].as_str().expect("a name");
        let of = |horizon: Option<i32>| {
            let group: Vec<_> = england
                .iter()
                .filter(|((_, h, m), _)| m == metric && horizon.is_none_or(|horizon| *h == horizon))
                .collect();
            (group.len(), group.iter().filter(|(_, e)| e["in_90"] == "true").count())
        };
        assert_eq!((figure["pairs"].as_u64(), figure["in_90"].as_u64()), {
            let (pairs, inside) = of(None);
            (Some(pairs as u64), Some(inside as u64))
        });
        for h in figure["horizons"].as_array().expect("horizons") {
            let (pairs, inside) = of(h["horizon_years"].as_i64().map(|h| h as i32));
            assert_eq!((h["pairs"].as_u64(), h["in_90"].as_u64()), (Some(pairs as u64), Some(inside as u64)));
        }
        // The printed line says the same.
        let label = COMPARED.iter().find(|c| c.metric.name() == metric).map(|c| c.label()).expect("a label");
        let (pairs, inside) = of(None);
        let line = format!("  {label:<13} {inside} of {pairs} origin-horizon pairs");
        assert!(stdout.contains(&line), "{line:?} in {stdout}");
    }

    // Drift: the summary's shares are the manifest's counts, and each is printed.
    let summary = table(&read(&dir.join("backtest_summary.csv")));
    let drift = manifest["share_outside_observed_range"].as_array().expect("drift counts");
    assert_eq!(drift.len(), DRIFT_FIGURES.len() * 2, "horizons 1 and 2");
    for d in drift {
        let (outside, replications) = (d["outside"].as_u64().unwrap_or(0), d["replications"].as_u64().unwrap_or(0));
        let horizon = d["horizon_years"].as_i64().expect("a horizon").to_string();
        let s = summary
            .iter()
            .find(|s| s["metric"] == d["metric"].as_str().unwrap_or("") && s["horizon_years"] == horizon)
            .expect("a summary row");
        assert_eq!(replications, 8 * s["count"].parse::<u64>().expect("a count"), "{d:?}");
        assert!(same(number(s, "share_outside_observed_range"), outside as f64 / replications as f64), "{d:?}");
    }
    assert!(stdout.contains("Replications outside the range councils had shown by the origin"), "{stdout}");
    let ranges = manifest["observed_ranges"].as_array().expect("observed ranges");
    assert_eq!(ranges.len(), DRIFT_FIGURES.len() * 2, "origins 2022 and 2023");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let out = tempfile::tempdir().expect("temp dir");
    let missing = out.path().join("none");
    let missing = missing.to_str().expect("utf-8");
    for (args, expect) in [
        (vec!["--la", "840", "--from", "2024"], "2024"),
        (vec!["--la", "840", "--from", "2030"], "2030"),
        (vec!["--la", "840", "--from", "2016"], "2016"),
        (vec!["--la", "840", "--from", "2022", "--to", "2021"], "before"),
        (vec!["--la", "840", "--to", "2024"], "2024"),
        (vec!["--la", "Durhm", "--from", "2021"], "Durhm"),
        (vec!["--la", "Cumberland", "--from", "2018", "--to", "2021"], "Cumberland"),
        (vec!["--from", "2021"], "--la"),
        (vec!["--all", "--reps", "0"], "reps"),
    ] {
        let mut full = vec!["backtest"];
        full.extend(&args);
        full.extend(["--out", missing]);
        let output = wfsim(&full);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
        assert!(!out.path().join("none").exists(), "nothing written for {args:?}");
    }
}

/// One council from five origins, and every council (England added up) from two.
#[test]
fn the_files_are_the_same_bytes_at_any_thread_count() {
    let out = tempfile::tempdir().expect("temp dir");
    let run = |name: &str, areas: &[&str], threads: &str| {
        let dir = out.path().join(format!("{name}_threads_{threads}"));
        let dir_text = dir.to_str().expect("utf-8").to_string();
        let mut args = vec!["backtest"];
        args.extend(areas);
        args.extend(["--seed", "7", "--threads", threads, "--out", &dir_text]);
        let output = wfsim(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        dir
    };
    let files = [
        "backtest.csv",
        "backtest_summary.csv",
        "manifest.json",
        "charts/calibration.png",
        "charts/calibration.svg",
        "charts/pit.png",
        "charts/pit.svg",
    ];
    let durham = ["--la", "840", "--from", "2019", "--reps", "30"];
    let all = ["--all", "--from", "2022", "--reps", "6"];
    for (name, areas, england) in [("durham", &durham[..], false), ("all", &all[..], true)] {
        let (one, two) = (run(name, areas, "1"), run(name, areas, "2"));
        let extra = england.then_some("backtest_england.csv");
        for file in files.into_iter().chain(extra) {
            let a = std::fs::read(one.join(file)).expect("written at 1 thread");
            let b = std::fs::read(two.join(file)).expect("written at 2 threads");
            assert!(a == b, "{name}: {file} differs between 1 and 2 threads");
        }
    }
}

/// The report's "how far to trust these projections" reads the shipped summary of the full
/// backtest: it must be what a fresh run gives (regenerate with
/// `cargo run --release -- backtest --all --out output/backtest` and copy its
/// `backtest_summary.csv` to `data/`).
#[test]
fn the_shipped_backtest_summary_is_a_fresh_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("backtest");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wfsim"))
        .args(["backtest", "--all", "--reps", "200", "--seed", "1", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let fresh = std::fs::read_to_string(out.join("backtest_summary.csv")).expect("written");
    assert!(
        fresh == wfsim::report::trust::SHIPPED_SUMMARY,
        "data/backtest_summary.csv is out of date: regenerate it from `wfsim backtest --all` (see this test)"
    );
}
