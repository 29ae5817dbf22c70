//! What the CSV result files have in common: each file's rows are one serde type
//! ([`CsvRow`]), defined beside the file's writer and read back by `wfsim report` with
//! [`read_rows`], so that a file's columns are declared once.
//!
//! Rows are written and read by position, in field order, under the header
//! [`CsvRow::COLUMNS`]; the reader checks the header first, so a file with other columns is
//! refused rather than misread. A number is written as [`format_number`](super::format_number)
//! writes it, and an empty cell (a value that was not a number) reads as NaN.

use std::cell::RefCell;
use std::io::{self, Write};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::FieldBuffer;
use crate::stats::{Spread, Summary};

/// The rows of one CSV result file.
pub trait CsvRow: Serialize + DeserializeOwned {
    /// The header: one name per field, in field order; a nested [`Summary`] has its eight, a
    /// nested [`Spread`] its four.
    const COLUMNS: &'static [&'static str];
}

/// A number field (`#[serde(with = "number")]`): written in the shortest form that reads
/// back exactly, empty if not a number; an empty cell reads as NaN.
pub mod number {
    use super::*;

    thread_local! {
        /// Each thread's buffer to format numbers in: the large tables write millions of them.
        static FIELD: RefCell<FieldBuffer> = RefCell::default();
    }

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        FIELD.with_borrow_mut(|field| serializer.serialize_str(field.number(*value)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
    }
}

/// An optional number field (`#[serde(with = "optional_number")]`): `None` is an empty cell,
/// and so reads back; a number is written as [`number`] writes it.
pub mod optional_number {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
        value.map(Number).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
        Option::<f64>::deserialize(deserializer)
    }
}

/// A [`Summary`] field (`#[serde(with = "summary")]`): its eight numbers, `mean` to `p95`, as
/// eight columns.
pub mod summary {
    use super::*;

    pub fn serialize<S: Serializer>(summary: &Summary, serializer: S) -> Result<S::Ok, S::Error> {
        summary.columns().map(Number).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Summary, D::Error> {
        let [mean, p5, p10, p25, p50, p75, p90, p95] = <[Number; 8]>::deserialize(deserializer)?.map(|n| n.0);
        Ok(Summary { mean, p5, p10, p25, p50, p75, p90, p95 })
    }
}

/// A [`Spread`] field (`#[serde(with = "spread")]`): its four numbers, `mean`, `p5`, `p50`,
/// `p95`, as four columns.
pub mod spread {
    use super::*;

    pub fn serialize<S: Serializer>(spread: &Spread, serializer: S) -> Result<S::Ok, S::Error> {
        spread.columns().map(Number).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Spread, D::Error> {
        let [mean, p5, p50, p95] = <[Number; 4]>::deserialize(deserializer)?.map(|n| n.0);
        Ok(Spread { mean, p5, p50, p95 })
    }
}

/// One number of a summary or a spread, as [`number`] writes and reads it.
struct Number(f64);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        number::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Number, D::Error> {
        number::deserialize(deserializer).map(Number)
    }
}

/// The columns of `parts`, one after another, for a row that nests the columns of another
/// type: `N` must be their number, or the constant does not compile.
pub const fn join<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut columns = [""; N];
    let (mut part, mut filled) = (0, 0);
    while part < parts.len() {
        let mut column = 0;
        while column < parts[part].len() {
            columns[filled] = parts[part][column];
            (column, filled) = (column + 1, filled + 1);
        }
        part += 1;
    }
    assert!(filled == N, "N is not the number of columns");
    columns
}

/// Writes a CSV result file: the header [`CsvRow::COLUMNS`], then each of `rows`.
pub fn write_rows<R: CsvRow>(out: &mut dyn Write, rows: impl IntoIterator<Item = R>) -> io::Result<()> {
    // The header is written from `COLUMNS`, the one list the reader checks.
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(out);
    writer.write_record(R::COLUMNS)?;
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()
}

/// Why a result file's rows could not be read: the line (the header is line 1) and what is
/// wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// The rows of a CSV result file written with [`CsvRow::COLUMNS`] as its header.
pub fn read_rows<R: CsvRow>(bytes: &[u8]) -> Result<Vec<R>, RowError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let error_at = |line: usize, message: String| RowError { line, message };
    let header = reader.headers().map_err(|error| error_at(1, error.to_string()))?;
    if !header.iter().eq(R::COLUMNS.iter().copied()) {
        let found: Vec<&str> = header.iter().collect();
        return Err(error_at(1, format!("expected the columns {}, got {}", R::COLUMNS.join(","), found.join(","))));
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(rows),
            Err(error) => return Err(error_at(line_of(error.position()), error.to_string())),
        }
        let line = line_of(record.position());
        let row = record.deserialize(None).map_err(|error| error_at(line, describe(&error, &record, R::COLUMNS)))?;
        rows.push(row);
    }
}

fn line_of(position: Option<&csv::Position>) -> usize {
    position.map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
}

/// What is wrong with a row, naming the column and the text found where csv knows them.
fn describe(error: &csv::Error, record: &csv::StringRecord, columns: &[&str]) -> String {
    let csv::ErrorKind::Deserialize { err, .. } = error.kind() else { return error.to_string() };
    let Some(index) = err.field().and_then(|field| usize::try_from(field).ok()) else { return err.kind().to_string() };
    let column = columns.get(index).copied().unwrap_or("?");
    let text = record.get(index).unwrap_or_default();
    match err.kind() {
        csv::DeserializeErrorKind::ParseFloat(_) | csv::DeserializeErrorKind::ParseInt(_) => {
            format!("column `{column}`: expected a number, got {text:?}")
        }
        csv::DeserializeErrorKind::ParseBool(_) => format!("column `{column}`: expected true or false, got {text:?}"),
        kind => format!("column `{column}`: {kind}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appraisal::{Measure, Period};
    use crate::engine::metrics::Metric;
    use crate::output::{AnnualRow, AppraisalRow, AssumptionRow, BreakEvenRow, BreakEvenStatus, CostRow};
    use crate::output::{ProbabilityRow, SeriesRow};

    /// `rows` as their file: the header, then each row.
    fn write<R: CsvRow + Clone>(rows: &[R]) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_rows(&mut bytes, rows.iter().cloned()).unwrap();
        bytes
    }

    /// Each row has one field per column, and reads back as written.
    fn round_trip<R: CsvRow + Clone + PartialEq + std::fmt::Debug>(rows: Vec<R>) {
        let bytes = write(&rows);
        for line in String::from_utf8(bytes.clone()).unwrap().lines() {
            let fields = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes()).records().next();
            assert_eq!(fields.unwrap().unwrap().len(), R::COLUMNS.len(), "{line}");
        }
        assert_eq!(read_rows::<R>(&bytes).unwrap(), rows);
    }

    fn summary(base: f64) -> Summary {
        let s = base;
        Summary { mean: s, p5: s + 0.1, p10: s + 0.2, p25: s + 0.3, p50: s + 0.4, p75: s + 0.5, p90: s + 0.6, p95: s }
    }

    #[test]
    fn every_row_type_reads_back_as_written() {
        let date = "2024-10".parse().unwrap();
        let series = SeriesRow {
            scenario: "a, \"b\"".into(),
            month: 3,
            date,
            metric: Metric::AvgCaseload,
            summary: summary(1.5),
        };
        round_trip(vec![series]);
        round_trip(vec![AnnualRow {
            scenario: "a".into(),
            year: 2025,
            metric: Metric::VacancyRate,
            summary: summary(0.1),
        }]);
        let share = ProbabilityRow {
            scenario: "a".into(),
            year: 2025,
            metric: Metric::AgencyRate,
            threshold: 0.07,
            share_below: 0.25,
        };
        round_trip(vec![share]);
        let assumption = AssumptionRow {
            scenario: "a".into(),
            parameter: "retention.allowance.hazard_ratio".into(),
            value: "{ dist = \"uniform\", min = 0.8, max = 0.9 }".into(),
            source: String::new(),
            file: "scenarios/a.toml".into(),
            differs_from_baseline: true,
        };
        round_trip(vec![assumption]);
        let cost = CostRow {
            scenario: "a".into(),
            financial_year: "2024-25".parse().unwrap(),
            category: Metric::GrantIncomeGbp,
            spread: Spread { mean: 1e9, p5: -2.5, p50: 0.0, p95: 123_456.789 },
        };
        round_trip(vec![cost]);
        let appraisal = AppraisalRow {
            scenario: "a".into(),
            financial_year: Period::Total,
            measure: Measure::CostPerVacancyFteMonthAvoidedGbp,
            spread: Spread { mean: 41_543.7, p5: 1.0, p50: 2.0, p95: 3.0 },
        };
        round_trip(vec![appraisal]);
        let found = BreakEvenRow {
            scenario: "a".into(),
            status: BreakEvenStatus::NeverPays,
            hazard_ratio: 0.0,
            net_cost_gbp: 7.5,
        };
        round_trip(vec![found]);
    }

    #[test]
    fn numbers_are_written_as_format_number_writes_them_and_empty_reads_as_nan() {
        let row = BreakEvenRow {
            scenario: "a".into(),
            status: BreakEvenStatus::Found,
            hazard_ratio: -0.0,
            net_cost_gbp: f64::NAN,
        };
        let bytes = write(&[row]);
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "scenario,status,hazard_ratio,net_cost_gbp\na,found,0,\n"
        );
        let read = read_rows::<BreakEvenRow>(&bytes).unwrap();
        assert!(read[0].hazard_ratio == 0.0 && read[0].net_cost_gbp.is_nan());
        let cost = CostRow {
            scenario: "a".into(),
            financial_year: Period::Total,
            category: Metric::CostAgencyGbp,
            spread: Spread { mean: 1e-7, p5: 0.1 + 0.2, p50: 1e21, p95: f64::INFINITY },
        };
        let text = String::from_utf8(write(&[cost])).unwrap();
        assert_eq!(text.lines().nth(1), Some("a,total,agency,0.0000001,0.30000000000000004,1000000000000000000000,"));
    }

    #[test]
    fn errors_name_the_line_and_the_column() {
        let error = |text: &str| read_rows::<ProbabilityRow>(text.as_bytes()).unwrap_err();
        let header = "scenario,year,metric,threshold,share_below\n";
        assert_eq!(error("scenario,year,metric,threshold\n").line, 1);
        assert!(
            error("scenario,year,metric,threshold\n")
                .message
                .contains("expected the columns scenario,year,metric,threshold,share_below")
        );
        let bad_number = error(&format!("{header}a,2025,vacancy_rate,0.1,0.5\na,2025,vacancy_rate,0.1,lots\n"));
        assert_eq!(
            bad_number,
            RowError { line: 3, message: "column `share_below`: expected a number, got \"lots\"".into() }
        );
        let bad_year = error(&format!("{header}a,2025.5,vacancy_rate,0.1,0.5\n"));
        assert_eq!(bad_year.message, "column `year`: expected a number, got \"2025.5\"");
        let bad_metric = error(&format!("{header}a,2025,vacancy,0.1,0.5\n"));
        assert_eq!(bad_metric, RowError { line: 2, message: "unknown metric \"vacancy\"".into() });
        let short = error(&format!("{header}a,2025,vacancy_rate,0.1\n"));
        assert_eq!(short.line, 2);
        let bad_measure =
            read_rows::<AppraisalRow>(b"scenario,financial_year,measure,mean,p5,p50,p95\na,total,cost,1,,,\n");
        assert_eq!(bad_measure.unwrap_err().message, "unknown measure \"cost\"");
        let bad_category =
            read_rows::<CostRow>(b"scenario,financial_year,category,mean,p5,p50,p95\na,total,cost_total_gbp,1,1,1,1\n");
        assert_eq!(bad_category.unwrap_err().message, "unknown cost category \"cost_total_gbp\"");
    }
}
