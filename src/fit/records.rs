//! Worker-level records: reading the DfE children's social work workforce census (CSV files with
//! the census field names, or the census XML return itself), checking each row, and merging
//! several years' returns into one spell in post per worker.
//!
//! # What is read
//!
//! A **CSV file** has a header row and one row per worker per return. Column names are the DfE
//! census field names, matched without regard to case or surrounding spaces:
//!
//! | column | | meaning |
//! |---|---|---|
//! | `SWENo` | required | Social Work England registration number: merges a worker's returns |
//! | `AgencyWorker` | required | 0 permanent, 1 agency (agency rows are counted and left out) |
//! | `RoleStartDate` | required | start in the role with this council |
//! | `CensusYear` or `ReferenceDate` | one required | the return: `CensusYear` 2023 means 30 September 2023; a `ReferenceDate` (a date) wins where both are given |
//! | `RoleEndDate` | optional | the leaving date, empty while in post |
//! | `StartOrigin`, `StepUpGrad`, `FrontlineGrad` | optional | the route of entry (see [`Route`]) |
//! | `FTE` | optional | checked to be a number if present |
//!
//! Every other column (`PersonBirthDate`, `OrgRole`, `LeaverDestination`, `Cases30`, ...) is
//! ignored. Dates are `YYYY-MM-DD` (a time after it, `2019-09-30T00:00:00`, is ignored) or
//! `DD/MM/YYYY`.
//!
//! An **XML file** (a CSWW census return) is read tolerantly: the worker elements are the
//! elements named `CSWWWorker` (or, failing that, every element with an `SWENo` child), and
//! each worker's fields are its descendant elements named as the CSV columns. The reference
//! date is the worker's own `ReferenceDate`/`CensusYear` if it has one, else the document's
//! `ReferenceDate`, `CensusYear` or (in `CollectionDetails`) `Year`.
//!
//! A file named `*.xml` is read as XML and `*.csv` as CSV; any other name is read as XML if
//! it starts with `<`, as CSV otherwise.
//!
//! # Errors and skipped rows
//!
//! Positions are `FILE:LINE`, the line in the file where the row (CSV; the header is line 1)
//! or the worker element (XML) starts, followed by the column.
//!
//! - A file that cannot be read, is empty, is not XML when it claims to be, has no worker
//!   elements, lacks a required column, or has no worker rows is an error: it is not a
//!   records file.
//! - A value that cannot be read (a bad date, `FTE` not a number, `AgencyWorker` not 0 or 1,
//!   `StartOrigin` not 1 to 10, an empty `SWENo`) is an error.
//! - Rows with impossible dates (an end before the start, a start after the return's
//!   reference date) are skipped with a message and counted.
//! - An end date after the return's reference date (a leaving the council knew of when it
//!   made the return) is ignored for that return, with a warning: the worker was in post on
//!   the reference date.
//!
//! Errors are collected across all files and reported together; nothing is fitted if any.
//!
//! # Merging returns into spells
//!
//! A worker's rows (same `SWENo`, agency rows left out) are taken in order of reference date.
//! They form one spell in post, except that a row starting after the spell's recorded end date
//! begins a new spell (a leaver who came back). Within a spell the latest return is believed:
//! its `RoleStartDate` (a different start in an earlier return is counted as a warning) and
//! its `RoleEndDate` (an end date that a later return drops is a warning too).
//!
//! **Observation window.** A return with reference date R lists everyone in post at any time in
//! the 12 months to R: (R − 12 months, R]. A spell is observed from W = (reference date of the
//! first return listing it) − 12 months, so it **enters** observation at tenure
//! `entry = max(0, W − RoleStartDate)`. With consecutive annual returns W is the same for
//! everyone in post at the start: W0 = first reference date in the data − 12 months, and
//! entry = max(start, W0). Workers who started earlier and left before W were never seen: the
//! others are *left-truncated* at their tenure on W. (Using each spell's own first return
//! rather than W0 keeps this right when a year's return is missing.)
//!
//! **Exit.** A spell with an end date ends there (a leaving, an *event*). Otherwise it is
//! *censored* at the reference date of the last return listing it, whether or not later
//! returns exist (a worker who vanishes from later returns with no end date is treated as
//! censored at their last return).
//!
//! A spell with no time at risk (ended on or before W, or left the day it started) is left
//! out and counted. Tenure is measured in months of 30.4375 days (days / 30.4375).

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::FitError;
use super::survival::Spell;
use crate::route::Route;

/// Days in a month of tenure: 365.25 / 12.
pub const DAYS_PER_MONTH: f64 = 30.4375;

// ---------------------------------------------------------------------------------------------
// Dates

/// A calendar date (proleptic Gregorian), stored as days since 1 January 1970.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

impl Date {
    /// The date, if it exists (years 1 to 9999).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { days: days_from_civil(year, month, day) })
    }

    /// 30 September of `year`: the census reference date.
    pub fn census(year: i32) -> Option<Date> {
        Date::from_ymd(year, 9, 30)
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Reads `YYYY-MM-DD` (optionally followed by a time, `2019-09-30T00:00:00`) or
    /// `DD/MM/YYYY`.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let number = |part: &str, digits: std::ops::RangeInclusive<usize>| {
            (digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<i32>().ok())?
        };
        if text.contains('/') {
            let parts: Vec<&str> = text.split('/').collect();
            let [day, month, year] = parts.as_slice() else { return None };
            let (day, month, year) = (number(day, 1..=2)?, number(month, 1..=2)?, number(year, 4..=4)?);
            return Date::from_ymd(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?);
        }
        let date = match text.find(['T', ' ']) {
            Some(index) => &text[..index],
            None => text,
        };
        let parts: Vec<&str> = date.split('-').collect();
        let [year, month, day] = parts.as_slice() else { return None };
        let (year, month, day) = (number(year, 4..=4)?, number(month, 2..=2)?, number(day, 2..=2)?);
        Date::from_ymd(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
    }

    /// Days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i32 {
        self.days - earlier.days
    }

    /// Months of tenure from `earlier` to `self`: days / 30.4375.
    pub fn months_since(self, earlier: Date) -> f64 {
        f64::from(self.days_since(earlier)) / DAYS_PER_MONTH
    }

    /// The date `days` days later.
    pub fn plus_days(self, days: i32) -> Date {
        Date { days: self.days + days }
    }

    /// The same day `years` years earlier (29 February becomes 28 February).
    pub fn years_earlier(self, years: i32) -> Date {
        let (year, month, day) = self.ymd();
        let year = year - years;
        Date { days: days_from_civil(year, month, day.min(days_in_month(year, month))) }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.ymd();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month, day of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

// ---------------------------------------------------------------------------------------------
// Routes

/// Route of entry, from the census fields: `FrontlineGrad` = 1 → [`Route::Frontline`];
/// otherwise `StepUpGrad` = 1 → [`Route::StepUp`]; otherwise `StartOrigin` 1 (newly qualified)
/// → [`Route::University`]; `StartOrigin` 2 to 5 (another council in England, social work
/// outside England, agency, other social work) → [`Route::Experienced`]; anything else
/// (`StartOrigin` 6 to 10 or missing) → `None`, other or not known.
///
/// The census cannot tell apprentices or overseas recruits apart, so those scenario routes are
/// never fitted on their own: they take the pooled `default`. Newly qualified workers from any
/// course count as `university`.
pub fn route_from_fields(frontline: bool, step_up: bool, start_origin: Option<u8>) -> Option<Route> {
    if frontline {
        Some(Route::Frontline)
    } else if step_up {
        Some(Route::StepUp)
    } else {
        match start_origin {
            Some(1) => Some(Route::University),
            Some(2..=5) => Some(Route::Experienced),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Issues

/// A problem with a records file, located by file, line (where the row or element starts;
/// `None` for the file as a whole) and column (or XML field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordIssue {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl RecordIssue {
    fn new(file: &Path, line: Option<usize>, column: Option<&str>, message: impl Into<String>) -> RecordIssue {
        RecordIssue { file: file.to_path_buf(), line, column: column.map(str::to_string), message: message.into() }
    }
}

/// `FILE:LINE: COLUMN: message`, leaving out what is not known.
impl fmt::Display for RecordIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

// ---------------------------------------------------------------------------------------------
// Fields

/// The census fields that are read; every other column is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    SweNo,
    AgencyWorker,
    RoleStartDate,
    RoleEndDate,
    StartOrigin,
    StepUpGrad,
    FrontlineGrad,
    Fte,
    CensusYear,
    ReferenceDate,
}

const FIELDS: [Field; 10] = [
    Field::SweNo,
    Field::AgencyWorker,
    Field::RoleStartDate,
    Field::RoleEndDate,
    Field::StartOrigin,
    Field::StepUpGrad,
    Field::FrontlineGrad,
    Field::Fte,
    Field::CensusYear,
    Field::ReferenceDate,
];

impl Field {
    /// The DfE field name.
    fn name(self) -> &'static str {
        match self {
            Field::SweNo => "SWENo",
            Field::AgencyWorker => "AgencyWorker",
            Field::RoleStartDate => "RoleStartDate",
            Field::RoleEndDate => "RoleEndDate",
            Field::StartOrigin => "StartOrigin",
            Field::StepUpGrad => "StepUpGrad",
            Field::FrontlineGrad => "FrontlineGrad",
            Field::Fte => "FTE",
            Field::CensusYear => "CensusYear",
            Field::ReferenceDate => "ReferenceDate",
        }
    }

    fn find(name: &str) -> Option<Field> {
        let name = name.trim().trim_start_matches('\u{feff}').trim();
        FIELDS.into_iter().find(|field| field.name().eq_ignore_ascii_case(name))
    }
}

/// One row (CSV) or worker element (XML) as text: each known field's value, `None` if the
/// file has no such column or element.
#[derive(Debug, Clone, Default)]
struct RawRow {
    line: usize,
    values: [Option<String>; FIELDS.len()],
}

impl RawRow {
    /// The field's value, trimmed; `None` if absent or empty.
    fn get(&self, field: Field) -> Option<&str> {
        self.values[field as usize].as_deref().map(str::trim).filter(|value| !value.is_empty())
    }

    fn set(&mut self, field: Field, value: &str) {
        let slot = &mut self.values[field as usize];
        if slot.is_none() {
            *slot = Some(value.to_string());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rows

/// One checked row of a permanent worker.
#[derive(Debug, Clone)]
struct Row {
    file: usize,
    line: usize,
    swe_no: String,
    reference: Date,
    start: Date,
    end: Option<Date>,
    start_origin: Option<u8>,
    step_up: bool,
    frontline: bool,
}

/// What became of one row.
enum Checked {
    Row(Row),
    Agency,
    /// Impossible dates: left out, with the reason.
    Skipped(RecordIssue),
    /// Values that cannot be read.
    Bad(Vec<RecordIssue>),
}

/// Values that cannot be read, collected for one row.
struct Problems<'a> {
    path: &'a Path,
    line: usize,
    errors: Vec<RecordIssue>,
}

impl Problems<'_> {
    fn add(&mut self, field: Field, message: String) {
        self.errors.push(RecordIssue::new(self.path, Some(self.line), Some(field.name()), message));
    }

    /// The field as a date (`None` and an error if it cannot be read, or if it is required and
    /// missing).
    fn date(&mut self, raw: &RawRow, field: Field, required: bool) -> Option<Date> {
        match raw.get(field) {
            Some(text) => {
                let date = Date::parse(text).filter(plausible);
                if date.is_none() {
                    self.add(field, bad_date_message(text));
                }
                date
            }
            None => {
                if required {
                    self.add(field, "missing: expected a date like 2019-09-30 or 30/09/2019".to_string());
                }
                None
            }
        }
    }

    /// A 0/1 flag; missing means 0.
    fn flag(&mut self, raw: &RawRow, field: Field) -> bool {
        match raw.get(field) {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => {
                self.add(field, format!("expected 0 or 1, got {other:?}"));
                false
            }
        }
    }

    /// The return the row belongs to: its `ReferenceDate`, else its `CensusYear`, else the
    /// XML header's.
    fn reference(&mut self, raw: &RawRow, header_reference: Option<Date>) -> Option<Date> {
        if raw.get(Field::ReferenceDate).is_some() {
            self.date(raw, Field::ReferenceDate, true)
        } else if let Some(text) = raw.get(Field::CensusYear) {
            let year = census_year(text);
            if year.is_none() {
                self.add(
                    Field::CensusYear,
                    format!("expected a year such as 2023 (reference date 30 September), got {text:?}"),
                );
            }
            year
        } else if header_reference.is_some() {
            header_reference
        } else {
            let field = if raw.values[Field::ReferenceDate as usize].is_some() {
                Field::ReferenceDate
            } else {
                Field::CensusYear
            };
            self.add(field, "missing: the row does not say which return it belongs to".to_string());
            None
        }
    }
}

/// 30 September of a census year written as text (1900 to 2100).
fn census_year(text: &str) -> Option<Date> {
    text.trim().parse::<i32>().ok().filter(|year| (1900..=2100).contains(year)).and_then(Date::census)
}

/// Checks one row: values that cannot be read are errors, impossible dates skip the row.
/// `header_reference` is an XML file's reference date, used when the row has none.
fn check_row(
    path: &Path,
    file: usize,
    raw: &RawRow,
    header_reference: Option<Date>,
    warnings: &mut Vec<RecordIssue>,
) -> Checked {
    let mut problems = Problems { path, line: raw.line, errors: Vec::new() };
    let agency = match raw.get(Field::AgencyWorker) {
        Some("0") => Some(false),
        Some("1") => Some(true),
        Some(other) => {
            problems.add(Field::AgencyWorker, format!("expected 0 (permanent) or 1 (agency), got {other:?}"));
            None
        }
        None => {
            problems.add(Field::AgencyWorker, "missing: expected 0 (permanent) or 1 (agency)".to_string());
            None
        }
    };
    let reference = problems.reference(raw, header_reference);
    if agency == Some(true) {
        // Agency workers are left out of retention: nothing else of theirs is needed.
        return if problems.errors.is_empty() { Checked::Agency } else { Checked::Bad(problems.errors) };
    }
    let swe_no = raw.get(Field::SweNo).map(str::to_string);
    if swe_no.is_none() {
        problems
            .add(Field::SweNo, "missing: every permanent worker needs a registration number to merge returns".into());
    }
    let start = problems.date(raw, Field::RoleStartDate, true);
    let end = problems.date(raw, Field::RoleEndDate, false);
    let start_origin = raw.get(Field::StartOrigin).and_then(|text| {
        let code = text.parse::<u8>().ok().filter(|code| (1..=10).contains(code));
        if code.is_none() {
            problems.add(Field::StartOrigin, format!("expected a code from 1 to 10, got {text:?}"));
        }
        code
    });
    let step_up = problems.flag(raw, Field::StepUpGrad);
    let frontline = problems.flag(raw, Field::FrontlineGrad);
    if let Some(text) = raw.get(Field::Fte)
        && !text.parse::<f64>().is_ok_and(|fte| fte.is_finite() && fte >= 0.0)
    {
        problems.add(Field::Fte, format!("expected a number of FTE such as 0.8, got {text:?}"));
    }
    let (Some(swe_no), Some(reference), Some(start), true) = (swe_no, reference, start, problems.errors.is_empty())
    else {
        return Checked::Bad(problems.errors);
    };

    let line = Some(raw.line);
    let skip =
        |field: Field, message: String| Checked::Skipped(RecordIssue::new(path, line, Some(field.name()), message));
    if let Some(end) = end
        && end < start
    {
        return skip(
            Field::RoleEndDate,
            format!("impossible dates: ends {end}, before it starts {start}; row left out"),
        );
    }
    if start > reference {
        return skip(
            Field::RoleStartDate,
            format!("impossible dates: starts {start}, after the return's reference date {reference}; row left out"),
        );
    }
    let end = match end {
        Some(end) if end > reference => {
            warnings.push(RecordIssue::new(
                path,
                line,
                Some(Field::RoleEndDate.name()),
                format!("ends {end}, after the return's reference date {reference}: taken as in post on {reference}"),
            ));
            None
        }
        other => other,
    };
    Checked::Row(Row { file, line: raw.line, swe_no, reference, start, end, start_origin, step_up, frontline })
}

/// Dates the census could hold: years 1900 to 2100.
fn plausible(date: &Date) -> bool {
    (1900..=2100).contains(&date.year())
}

fn bad_date_message(text: &str) -> String {
    format!("expected a date like 2019-09-30 or 30/09/2019 (years 1900 to 2100), got {text:?}")
}

// ---------------------------------------------------------------------------------------------
// Files

/// What one file gave.
#[derive(Default)]
struct FileRows {
    raw: Vec<RawRow>,
    /// The XML header's reference date.
    header_reference: Option<Date>,
}

/// The largest records file read: a census return for all of England over ten years is about
/// 100 MB.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Reads one file's rows as text, or says why it is not a records file.
fn read_file(path: &Path) -> Result<FileRows, RecordIssue> {
    // At most one byte more than allowed is read, so that a device (`/dev/zero`) or a huge file
    // named by mistake cannot exhaust memory.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|error| RecordIssue::new(path, None, None, format!("cannot read: {error}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let message = format!("not a records file: larger than {} MB", MAX_FILE_BYTES / (1024 * 1024));
        return Err(RecordIssue::new(path, None, None, message));
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        RecordIssue::new(
            path,
            None,
            None,
            format!("not a records file: not UTF-8 text (invalid byte at offset {})", error.utf8_error().valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        return Err(RecordIssue::new(path, None, None, "not a records file: the file is empty"));
    }
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let xml = match extension.as_deref() {
        Some("xml") => true,
        Some("csv") => false,
        _ => text.trim_start().starts_with('<'),
    };
    if xml { read_xml(path, text) } else { read_csv(path, text) }
}

fn read_csv(path: &Path, text: &str) -> Result<FileRows, RecordIssue> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| RecordIssue::new(path, Some(1), None, format!("not a CSV records file: {error}")))?
        .clone();
    let columns: Vec<Option<Field>> = headers.iter().map(Field::find).collect();
    let has = |field: Field| columns.contains(&Some(field));
    let mut missing: Vec<Field> =
        [Field::SweNo, Field::AgencyWorker, Field::RoleStartDate].into_iter().filter(|f| !has(*f)).collect();
    let reference_missing = !has(Field::CensusYear) && !has(Field::ReferenceDate);
    if !missing.is_empty() || reference_missing {
        let mut found: Vec<&str> = headers.iter().map(str::trim).take(12).collect();
        if headers.len() > found.len() {
            found.push("...");
        }
        let looks_xml = text.trim_start().starts_with('<');
        let hint = if looks_xml { " (the file looks like XML: name it .xml)" } else { "" };
        let mut names: Vec<&str> = missing.drain(..).map(Field::name).collect();
        if reference_missing {
            names.push("CensusYear");
        }
        let first = names[0];
        let message = format!(
            "not a records file: missing required column{} {}{hint}; expected the DfE census field names, found \
             columns: {}",
            if names.len() > 1 { "s" } else { "" },
            names
                .iter()
                .map(|n| if *n == "CensusYear" { "CensusYear (or ReferenceDate)" } else { n })
                .collect::<Vec<_>>()
                .join(", "),
            found.join(", ")
        );
        return Err(RecordIssue::new(path, Some(1), Some(first), message));
    }
    let mut rows = FileRows::default();
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error.position().map(|p| p.line() as usize);
            RecordIssue::new(path, line, None, format!("not a CSV records file: {error}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            return Err(RecordIssue::new(
                path,
                Some(line),
                None,
                format!("the row has {} fields but the header has {}", record.len(), headers.len()),
            ));
        }
        let mut raw = RawRow { line, ..RawRow::default() };
        for (value, field) in record.iter().zip(&columns) {
            if let Some(field) = field {
                raw.set(*field, value);
            }
        }
        rows.raw.push(raw);
    }
    if rows.raw.is_empty() {
        return Err(RecordIssue::new(path, None, None, "not a records file: it has a header but no worker rows"));
    }
    Ok(rows)
}

fn read_xml(path: &Path, text: &str) -> Result<FileRows, RecordIssue> {
    let document = roxmltree::Document::parse(text).map_err(|error| {
        RecordIssue::new(path, Some(error.pos().row as usize), None, format!("not a census XML file: {error}"))
    })?;
    let line_of = |node: roxmltree::Node| document.text_pos_at(node.range().start).row as usize;
    let named =
        |node: &roxmltree::Node, name: &str| node.is_element() && node.tag_name().name().eq_ignore_ascii_case(name);

    let mut workers: Vec<roxmltree::Node> = document.descendants().filter(|n| named(n, "CSWWWorker")).collect();
    if workers.is_empty() {
        workers = document
            .descendants()
            .filter(|n| n.is_element() && n.children().any(|child| named(&child, Field::SweNo.name())))
            .collect();
    }
    if workers.is_empty() {
        return Err(RecordIssue::new(
            path,
            None,
            None,
            "not a census return: no worker elements (CSWWWorker, or elements with an SWENo) in the XML",
        ));
    }
    let worker_ids: std::collections::HashSet<roxmltree::NodeId> = workers.iter().map(|n| n.id()).collect();
    let inside_worker = |node: &roxmltree::Node| node.ancestors().any(|a| worker_ids.contains(&a.id()));
    let header_text = |name: &str| {
        document
            .descendants()
            .find(|n| named(n, name) && !inside_worker(n))
            .map(|n| (n, n.text().unwrap_or("").trim().to_string()))
    };
    let header_reference = if let Some((node, text)) = header_text("ReferenceDate") {
        let date = Date::parse(&text).filter(plausible).ok_or_else(|| {
            RecordIssue::new(path, Some(line_of(node)), Some("ReferenceDate"), bad_date_message(&text))
        })?;
        Some(date)
    } else if let Some((node, text)) = header_text("CensusYear").or_else(|| {
        document
            .descendants()
            .find(|n| named(n, "Year") && n.parent().is_some_and(|p| named(&p, "CollectionDetails")))
            .map(|n| (n, n.text().unwrap_or("").trim().to_string()))
    }) {
        Some(census_year(&text).ok_or_else(|| {
            RecordIssue::new(
                path,
                Some(line_of(node)),
                Some(node.tag_name().name()),
                format!("expected a year such as 2023, got {text:?}"),
            )
        })?)
    } else {
        None
    };

    let mut rows = FileRows { raw: Vec::with_capacity(workers.len()), header_reference };
    for worker in &workers {
        let mut raw = RawRow { line: line_of(*worker), ..RawRow::default() };
        for node in worker.descendants().filter(|n| n.is_element() && !n.children().any(|c| c.is_element())) {
            if let Some(field) = Field::find(node.tag_name().name()) {
                raw.set(field, node.text().unwrap_or(""));
            }
        }
        rows.raw.push(raw);
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Records

/// One spell in post of one worker, as observed.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerSpell {
    pub swe_no: String,
    /// `None`: other or not known (see [`route_from_fields`]).
    pub route: Option<Route>,
    /// `RoleStartDate`.
    pub start: Date,
    /// `RoleEndDate`, if the worker left.
    pub end: Option<Date>,
    /// When observation began: max(start, W).
    pub entry_date: Date,
    /// The end date, or the last reference date listing the worker (censored).
    pub exit_date: Date,
    /// The same in months of tenure.
    pub spell: Spell,
}

/// Worker-level records read from one or more files, merged into spells.
#[derive(Debug, Clone)]
pub struct Records {
    /// The files, in the order given.
    pub files: Vec<PathBuf>,
    /// Every reference date in the data, ascending.
    pub reference_dates: Vec<Date>,
    /// Worker rows (CSV rows or XML worker elements) read, agency included.
    pub rows: usize,
    /// Agency rows, left out.
    pub agency_rows: usize,
    /// Rows left out for impossible dates, with the reason.
    pub skipped: Vec<RecordIssue>,
    /// Rows used despite a problem: conflicting start dates across returns, an end date a
    /// later return drops, an end date after the reference date.
    pub warnings: Vec<RecordIssue>,
    /// Distinct permanent workers (`SWENo`) with a usable row.
    pub workers: usize,
    /// Spells with time at risk, ordered by `SWENo` then start.
    pub spells: Vec<WorkerSpell>,
    /// Spells with no time at risk in the observation window (ended before it began, or on
    /// the day they started), left out.
    pub no_time_at_risk: usize,
}

impl Records {
    /// The spells in months of tenure.
    pub fn spells(&self) -> Vec<Spell> {
        self.spells.iter().map(|s| s.spell).collect()
    }
}

/// Reads every file, checks every row and merges the returns into spells. All the errors of
/// all the files are reported together; any error means no records.
pub fn read_records(paths: &[PathBuf]) -> Result<Records, FitError> {
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
    let (mut read, mut agency_rows) = (0, 0);
    for (index, path) in paths.iter().enumerate() {
        let file = match read_file(path) {
            Ok(file) => file,
            Err(issue) => {
                errors.push(issue);
                continue;
            }
        };
        read += file.raw.len();
        for raw in &file.raw {
            match check_row(path, index, raw, file.header_reference, &mut warnings) {
                Checked::Row(row) => rows.push(row),
                Checked::Agency => agency_rows += 1,
                Checked::Skipped(issue) => skipped.push(issue),
                Checked::Bad(issues) => errors.extend(issues),
            }
        }
    }
    if !errors.is_empty() {
        return Err(FitError::Records(errors));
    }
    let mut reference_dates: Vec<Date> = rows.iter().map(|r| r.reference).collect();
    reference_dates.sort();
    reference_dates.dedup();

    let mut by_worker: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for row in rows {
        by_worker.entry(row.swe_no.clone()).or_default().push(row);
    }
    let workers = by_worker.len();
    let mut spells = Vec::new();
    let mut no_time_at_risk = 0;
    for (swe_no, mut rows) in by_worker {
        rows.sort_by_key(|r| (r.reference, r.file, r.line));
        for merged in merge_worker(&swe_no, &rows, paths, &mut warnings) {
            match merged {
                Some(spell) => spells.push(spell),
                None => no_time_at_risk += 1,
            }
        }
    }
    Ok(Records {
        files: paths.to_vec(),
        reference_dates,
        rows: read,
        agency_rows,
        skipped,
        warnings,
        workers,
        spells,
        no_time_at_risk,
    })
}

/// A spell being merged from a worker's rows.
struct Merging<'a> {
    rows: Vec<&'a Row>,
    start: Date,
    end: Option<Date>,
}

/// A worker's rows (in order of reference date) as spells; `None` for a spell with no time
/// at risk.
fn merge_worker(
    swe_no: &str,
    rows: &[Row],
    paths: &[PathBuf],
    warnings: &mut Vec<RecordIssue>,
) -> Vec<Option<WorkerSpell>> {
    let mut spells: Vec<Merging> = Vec::new();
    for row in rows {
        let path = &paths[row.file];
        match spells.last_mut() {
            Some(spell) if spell.end.is_none_or(|end| row.start <= end) => {
                if row.start != spell.start {
                    warnings.push(RecordIssue::new(
                        path,
                        Some(row.line),
                        Some(Field::RoleStartDate.name()),
                        format!(
                            "SWENo {swe_no}: starts {} here but {} in an earlier return: the later return's date is used",
                            row.start, spell.start
                        ),
                    ));
                    spell.start = row.start;
                }
                if let (Some(end), None) = (spell.end, row.end) {
                    warnings.push(RecordIssue::new(
                        path,
                        Some(row.line),
                        Some(Field::RoleEndDate.name()),
                        format!(
                            "SWENo {swe_no}: in post at this return though an earlier return gave the end date {end}: \
                             taken as still in post"
                        ),
                    ));
                }
                spell.end = row.end;
                spell.rows.push(row);
            }
            _ => spells.push(Merging { rows: vec![row], start: row.start, end: row.end }),
        }
    }
    spells
        .into_iter()
        .map(|spell| {
            let first = spell.rows.first()?;
            let last = spell.rows.last()?;
            let window_start = first.reference.years_earlier(1);
            let entry_date = spell.start.max(window_start);
            let exit_date = spell.end.unwrap_or(last.reference);
            if exit_date <= entry_date {
                return None;
            }
            let frontline = spell.rows.iter().any(|r| r.frontline);
            let step_up = spell.rows.iter().any(|r| r.step_up);
            let start_origin = spell.rows.iter().rev().find_map(|r| r.start_origin);
            Some(WorkerSpell {
                swe_no: swe_no.to_string(),
                route: route_from_fields(frontline, step_up, start_origin),
                start: spell.start,
                end: spell.end,
                entry_date,
                exit_date,
                spell: Spell {
                    entry: entry_date.months_since(spell.start),
                    exit: exit_date.months_since(spell.start),
                    event: spell.end.is_some(),
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_parse_both_forms() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2023, 9, 30), (1900, 3, 1), (2100, 12, 31)] {
            let date = Date::from_ymd(y, m, d).unwrap();
            assert_eq!(date.ymd(), (y, m, d));
        }
        assert_eq!(Date::from_ymd(1970, 1, 2).unwrap().days_since(Date::from_ymd(1970, 1, 1).unwrap()), 1);
        assert_eq!(Date::from_ymd(2024, 3, 1).unwrap().days_since(Date::from_ymd(2023, 3, 1).unwrap()), 366);
        assert_eq!(Date::parse("2019-09-30"), Date::from_ymd(2019, 9, 30));
        assert_eq!(Date::parse("2019-09-30T00:00:00"), Date::from_ymd(2019, 9, 30));
        assert_eq!(Date::parse("30/09/2019"), Date::from_ymd(2019, 9, 30));
        assert_eq!(Date::parse("1/9/2019"), Date::from_ymd(2019, 9, 1));
        for bad in ["2019-13-01", "2019-02-30", "19-09-30", "30/09/19", "2019/09/30", "", "soon", "2019-9-30"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(Date::from_ymd(2024, 2, 29).unwrap().years_earlier(1), Date::from_ymd(2023, 2, 28).unwrap());
        assert_eq!(Date::census(2023).unwrap().years_earlier(1).to_string(), "2022-09-30");
    }

    #[test]
    fn routes_follow_the_census_fields() {
        assert_eq!(route_from_fields(true, true, Some(1)), Some(Route::Frontline));
        assert_eq!(route_from_fields(false, true, Some(2)), Some(Route::StepUp));
        assert_eq!(route_from_fields(false, false, Some(1)), Some(Route::University));
        for code in 2..=5 {
            assert_eq!(route_from_fields(false, false, Some(code)), Some(Route::Experienced));
        }
        for code in [6, 7, 8, 9, 10] {
            assert_eq!(route_from_fields(false, false, Some(code)), None);
        }
        assert_eq!(route_from_fields(false, false, None), None);
    }
}
