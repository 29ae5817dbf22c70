//! `results.xlsx`: the run's results as an Excel workbook for finance teams and planners.
//!
//! Sheets, in order:
//!
//! 1. `Summary`: one row per scenario (the baseline first) with the vacancy and agency rates
//!    (median and 90% interval) at the first full year's and the final 30 September, FTE in
//!    post, turnover, caseload and the vacancy rate's difference from the baseline at the final
//!    one, and the median total cost over the projection and net cost against the baseline;
//! 2. one sheet per key metric ([`KEY_METRICS`]) of monthly percentiles, in the long layout of
//!    `timeseries.csv` (scenario, month, date, mean, p5 ... p95);
//! 3. `Annual`: every row of `annual.csv`;
//! 4. `Costs`: every row of `costs.csv` (each scenario's spend by financial year and category),
//!    with the number of months simulated in each financial year, so that part-years show;
//! 5. `Appraisal`: every row of `appraisal.csv` (each option against the baseline);
//! 6. `Break-even`: every row of `breakeven.csv` (the hazard ratio at which a retention
//!    allowance pays for itself), with its meaning in words;
//! 7. `Assumptions`: every parameter of every scenario, rows that differ from the baseline
//!    highlighted;
//! 8. `Manifest`: what produced the results.
//!
//! Every figure is written as the number in the CSV files (a rate as the fraction 0.132 with a
//! percent format, never multiplied by 100), so a cell equals its CSV field exactly. There are
//! no formulas: nothing depends on a spreadsheet program recalculating. A value that is not a
//! number (NaN, infinite) is left as an empty cell, as in the CSV files. The `date` column of
//! the monthly sheets is a real Excel date, the first day of the month shown as `Oct 2024`, so
//! that Excel can filter, group and chart by it (months before 1900, which Excel cannot
//! represent, are written as the text `YYYY-MM`).
//!
//! The same results give the same bytes: the document's creation time is fixed
//! ([`CREATION_DATE`]), rust_xlsxwriter stamps every zip entry with the same constant time,
//! and nothing else in the file depends on the clock or on hash order.

use rust_xlsxwriter::{
    ColNum, Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet,
    XlsxError,
};

use super::ReportError;
use super::results::{AnnualRow, AppraisalRow, AssumptionRow, BreakEvenRow, BreakEvenStatus, CostRow, Results};
use crate::appraisal::{Measure, Period};
use crate::calendar::YearMonth;
use crate::engine::metrics::{Metric, Unit};
use crate::output::CsvRow;
use crate::output::costs::category;
use crate::stats::{SUMMARY_COLUMNS, Summary};

/// The metrics with a sheet of monthly percentiles, in sheet order, each named by the
/// metric's name: a valid sheet name (at most 31 characters, none of `[]:*?/\`).
pub const KEY_METRICS: [Metric; 11] = [
    Metric::VacancyRate,
    Metric::AgencyRate,
    Metric::FteInPost,
    Metric::TurnoverRate,
    Metric::AvgCaseload,
    Metric::CaseShortfall,
    Metric::StartersFte,
    Metric::LeaversFte,
    Metric::CostTotalGbp,
    Metric::CostAgencyGbp,
    Metric::CostAllowanceGbp,
];

/// The document's creation date (year, month, day): a constant rather than the clock, so
/// that rendering the same results twice gives the same bytes.
pub const CREATION_DATE: (u16, u8, u8) = (2000, 1, 1);

/// Excel's limit on the length of a cell's text, in UTF-16 code units.
const MAX_CELL_TEXT: usize = 32_767;

/// Builds the workbook and returns the bytes of the `.xlsx` file.
pub fn render(results: &Results) -> Result<Vec<u8>, ReportError> {
    build(results).map_err(|e| ReportError::Workbook(e.to_string()))
}

fn build(results: &Results) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let (year, month, day) = CREATION_DATE;
    let properties = DocProperties::new()
        .set_title("wfsim results")
        .set_subject("Children's social work workforce: Monte Carlo projections")
        .set_comment(format!("wfsim {}", results.manifest.provenance.wfsim_version))
        .set_creation_datetime(&ExcelDateTime::from_ymd(year, month, day)?);
    workbook.set_properties(&properties);

    let formats = Formats::new();
    summary_sheet(workbook.add_worksheet(), results, &formats)?;
    for metric in KEY_METRICS {
        metric_sheet(workbook.add_worksheet(), results, metric, &formats)?;
    }
    annual_sheet(workbook.add_worksheet(), results, &formats)?;
    costs_sheet(workbook.add_worksheet(), results, &formats)?;
    appraisal_sheet(workbook.add_worksheet(), results, &formats)?;
    break_even_sheet(workbook.add_worksheet(), results, &formats)?;
    assumptions_sheet(workbook.add_worksheet(), results, &formats)?;
    manifest_sheet(workbook.add_worksheet(), results, &formats)?;
    workbook.save_to_buffer()
}

/// How a quantity is displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A fraction shown as a percentage: `0.0%`.
    Percent,
    /// FTE, caseloads, years: `#,##0.0`.
    Decimal,
    /// Heads and cases: `#,##0`.
    Count,
    /// Pounds: `£#,##0`.
    Money,
}

/// The display of a metric, from its unit: fractions as percentages, pounds as money, heads
/// and cases as counts, everything else (FTE, caseloads, years) to one decimal.
pub fn number_kind(metric: Metric) -> NumberKind {
    match metric.unit() {
        Unit::Fraction => NumberKind::Percent,
        Unit::Gbp => NumberKind::Money,
        Unit::People | Unit::Cases => NumberKind::Count,
        Unit::Fte | Unit::CasesPerFte | Unit::Years => NumberKind::Decimal,
    }
}

/// The workbook's formats, made once.
struct Formats {
    title: Format,
    note: Format,
    /// Column headers: bold with a bottom border.
    header: Format,
    /// Column headers that wrap onto several lines (the Summary's long headers).
    header_wrap: Format,
    /// Manifest keys.
    key: Format,
    text: Format,
    wrap: Format,
    /// Assumption rows that differ from the baseline.
    text_highlight: Format,
    wrap_highlight: Format,
    /// Whole numbers that are not quantities (seed, month index, year): no separators.
    integer: Format,
    date: Format,
    percent: Format,
    /// A probability: `0%`.
    percent_whole: Format,
    /// A hazard ratio: `0.000`.
    ratio: Format,
    /// A difference of fractions, signed: +1.2%.
    percent_change: Format,
    decimal: Format,
    count: Format,
    money: Format,
}

impl Formats {
    fn new() -> Formats {
        let fill = Color::RGB(0xFFF2CC);
        let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_italic(),
            header_wrap: header.clone().set_text_wrap().set_align(FormatAlign::Top),
            header,
            key: Format::new().set_bold(),
            text: Format::new(),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            text_highlight: Format::new().set_background_color(fill),
            wrap_highlight: Format::new().set_text_wrap().set_align(FormatAlign::Top).set_background_color(fill),
            integer: Format::new().set_num_format("0"),
            date: Format::new().set_num_format("mmm yyyy").set_align(FormatAlign::Left),
            percent: Format::new().set_num_format("0.0%"),
            percent_whole: Format::new().set_num_format("0%"),
            ratio: Format::new().set_num_format("0.000"),
            percent_change: Format::new().set_num_format("+0.0%;-0.0%;0.0%"),
            decimal: Format::new().set_num_format("#,##0.0"),
            count: Format::new().set_num_format("#,##0"),
            money: Format::new().set_num_format("£#,##0"),
        }
    }

    fn number(&self, kind: NumberKind) -> &Format {
        match kind {
            NumberKind::Percent => &self.percent,
            NumberKind::Decimal => &self.decimal,
            NumberKind::Count => &self.count,
            NumberKind::Money => &self.money,
        }
    }

    fn metric(&self, metric: Metric) -> &Format {
        self.number(number_kind(metric))
    }
}

// Column widths, in Excel's character units.
const WIDTH_SCENARIO: f64 = 22.0;
const WIDTH_NUMBER: f64 = 10.0;
const WIDTH_MONEY: f64 = 14.0;
const WIDTH_SUMMARY_NUMBER: f64 = 13.0;
const WIDTH_METRIC: f64 = 28.0;
const WIDTH_PARAMETER: f64 = 42.0;
const WIDTH_VALUE: f64 = 30.0;
const WIDTH_SOURCE: f64 = 60.0;
const WIDTH_FILE: f64 = 26.0;

/// A number, or an empty cell if it is NaN or infinite (Excel has neither).
fn write_number(sheet: &mut Worksheet, row: RowNum, col: ColNum, value: f64, format: &Format) -> Result<(), XlsxError> {
    if value.is_finite() {
        sheet.write_number_with_format(row, col, value, format)?;
    }
    Ok(())
}

/// Text, always as a string (never a formula, whatever it starts with), cut to Excel's
/// limit on a cell's length rather than failing the whole workbook.
fn write_text(sheet: &mut Worksheet, row: RowNum, col: ColNum, text: &str, format: &Format) -> Result<(), XlsxError> {
    let mut units = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            units += c.len_utf16();
            units > MAX_CELL_TEXT
        })
        .map_or(text.len(), |(index, _)| index);
    if text.is_empty() {
        // An empty string with a format is a blank cell; without, no cell at all.
        sheet.write_blank(row, col, format)?;
    } else {
        sheet.write_string_with_format(row, col, &text[..end], format)?;
    }
    Ok(())
}

/// A header row at `row`; the rows above it and the header stay in view when scrolling
/// (and the first `frozen_cols` columns when scrolling sideways).
fn write_header(
    sheet: &mut Worksheet,
    row: RowNum,
    headers: &[&str],
    format: &Format,
    frozen_cols: ColNum,
) -> Result<(), XlsxError> {
    for (col, header) in headers.iter().enumerate() {
        write_text(sheet, row, col as ColNum, header, format)?;
    }
    sheet.set_freeze_panes(row + 1, frozen_cols)?;
    Ok(())
}

/// An autofilter over a table whose header is at `header_row` and whose data ends at
/// `last_row` (the header itself if there are no data rows).
fn filter(sheet: &mut Worksheet, header_row: RowNum, last_row: RowNum, columns: usize) -> Result<(), XlsxError> {
    sheet.autofilter(header_row, 0, last_row.max(header_row), columns.saturating_sub(1) as ColNum)?;
    Ok(())
}

/// The summary columns of a row: mean, p5 ... p95, in [`SUMMARY_COLUMNS`] order.
fn write_summary(
    sheet: &mut Worksheet,
    row: RowNum,
    first_col: ColNum,
    summary: &Summary,
    format: &Format,
) -> Result<(), XlsxError> {
    for (offset, value) in summary.columns().into_iter().enumerate() {
        write_number(sheet, row, first_col + offset as ColNum, value, format)?;
    }
    Ok(())
}

/// Scenario names with the baseline first, then the others in run order.
fn scenarios_baseline_first(results: &Results) -> Vec<&str> {
    let baseline = results.baseline();
    let mut names: Vec<&str> = baseline.filter(|b| results.scenario(b).is_some()).into_iter().collect();
    names.extend(results.scenario_names().into_iter().filter(|name| Some(*name) != baseline));
    names
}

/// The first year whose 30 September closes twelve simulated months for every scenario (the
/// first "full" year, with annual flows), if any.
fn first_full_year(results: &Results, years: &[i32]) -> Option<i32> {
    let latest_start = results.manifest.scenarios.iter().map(|s| s.start).max()?;
    years.iter().copied().find(|&year| YearMonth::new(year, 9).is_some_and(|sept| sept >= latest_start.plus(11)))
}

fn annual_summary<'a>(results: &'a Results, scenario: &str, year: i32, metric: Metric) -> Option<&'a AnnualRow> {
    results.annual.iter().find(|r| r.scenario == scenario && r.year == year && r.metric == metric)
}

/// A scenario's value in one column of the Summary sheet, if it has one.
type ScenarioValue<'a> = Box<dyn Fn(&str) -> Option<f64> + 'a>;

/// A column of the Summary sheet: its header and how to get a scenario's value.
struct SummaryColumn<'a> {
    header: String,
    value: ScenarioValue<'a>,
    format: &'a Format,
}

/// The side-by-side comparison of scenarios at 30 September.
fn summary_sheet(sheet: &mut Worksheet, results: &Results, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    let manifest = &results.manifest;
    let years = results.years();
    let final_year = years.last().copied();
    let first_full = first_full_year(results, &years).filter(|&year| Some(year) != final_year);
    let baseline = results.baseline();

    let mut columns: Vec<SummaryColumn> = Vec::new();
    let percentile = |year: i32, metric: Metric, header: String, which: fn(&Summary) -> f64| SummaryColumn {
        header,
        value: Box::new(move |scenario: &str| {
            annual_summary(results, scenario, year, metric).map(|r| which(&r.summary))
        }),
        format: formats.metric(metric),
    };
    let labelled_years = first_full
        .map(|year| (year, " (first full year)"))
        .into_iter()
        .chain(final_year.map(|year| (year, " (final year)")));
    for (year, which_year) in labelled_years {
        for (metric, label) in [(Metric::VacancyRate, "Vacancy rate"), (Metric::AgencyRate, "Agency rate")] {
            let at = format!("{label}, 30 Sep {year}");
            columns.push(percentile(year, metric, format!("{at}{which_year}: median"), |s| s.p50));
            columns.push(percentile(year, metric, format!("{at}: 5th percentile"), |s| s.p5));
            columns.push(percentile(year, metric, format!("{at}: 95th percentile"), |s| s.p95));
        }
    }
    if let Some(year) = final_year {
        for (metric, label) in [
            (Metric::FteInPost, "FTE in post"),
            (Metric::TurnoverRate, "Turnover rate"),
            (Metric::AvgCaseload, "Average caseload"),
        ] {
            columns.push(percentile(year, metric, format!("{label}, 30 Sep {year}: median"), |s| s.p50));
        }
        if let Some(baseline) = baseline {
            let median = move |scenario: &str| {
                annual_summary(results, scenario, year, Metric::VacancyRate).map(|r| r.summary.p50)
            };
            columns.push(SummaryColumn {
                header: format!("Vacancy rate, 30 Sep {year}: median minus baseline median (percentage points)"),
                value: Box::new(move |scenario: &str| Some(median(scenario)? - median(baseline)?)),
                format: &formats.percent_change,
            });
        }
    }
    columns.push(SummaryColumn {
        header: "Total cost over the projection (£): median".to_string(),
        value: Box::new(|scenario: &str| {
            results.cost(scenario, Period::Total, Metric::CostTotalGbp).map(|r| r.spread.p50)
        }),
        format: &formats.money,
    });
    if baseline.is_some() {
        columns.push(SummaryColumn {
            header: "Net cost against the baseline over the projection (£): median".to_string(),
            value: Box::new(|scenario: &str| {
                results.appraisal(scenario, Period::Total, Measure::NetCostGbp).map(|r| r.spread.p50)
            }),
            format: &formats.money,
        });
    }

    sheet.write_string_with_format(0, 0, "wfsim results: scenarios side by side at 30 September", &formats.title)?;
    let note = format!(
        "Medians and 90% intervals (5th to 95th percentiles) across {} replications; seed {}. \
         Rates are shares of FTE shown as percentages. Costs are pounds at the start's prices plus pay awards; \
         net cost is an option's total cost minus the baseline's, run by run on the same random numbers.",
        manifest.provenance.replications, manifest.provenance.seed
    );
    sheet.write_string_with_format(1, 0, note, &formats.note)?;
    let years_note = match (first_full, final_year) {
        (Some(first), Some(last)) => format!(
            "First full year: 30 September {first}, the first whose 12 months were all simulated; \
             final year: 30 September {last}, the last in the results."
        ),
        (None, Some(last)) => format!("Final year: 30 September {last}, the last in the results."),
        _ => "No 30 September was simulated: there are no annual figures to compare.".to_string(),
    };
    sheet.write_string_with_format(2, 0, years_note, &formats.note)?;

    let header_row: RowNum = 3;
    let mut headers: Vec<&str> = vec!["Scenario", "Role"];
    headers.extend(columns.iter().map(|c| c.header.as_str()));
    headers.push("Description");
    write_header(sheet, header_row, &headers, &formats.header_wrap, 1)?;
    sheet.set_row_height(header_row, 92)?;

    let scenarios = scenarios_baseline_first(results);
    for (index, scenario) in scenarios.iter().enumerate() {
        let row = header_row + 1 + index as RowNum;
        write_text(sheet, row, 0, scenario, &formats.text)?;
        let role = if Some(*scenario) == baseline { "baseline" } else { "option" };
        write_text(sheet, row, 1, role, &formats.text)?;
        for (offset, column) in columns.iter().enumerate() {
            if let Some(value) = (column.value)(scenario) {
                write_number(sheet, row, 2 + offset as ColNum, value, column.format)?;
            }
        }
        let description = results.scenario(scenario).map_or("", |s| s.description.as_str());
        write_text(sheet, row, 2 + columns.len() as ColNum, description, &formats.wrap)?;
    }
    filter(sheet, header_row, header_row + scenarios.len() as RowNum, headers.len())?;

    sheet.set_column_width(0, WIDTH_SCENARIO)?;
    sheet.set_column_width(1, WIDTH_NUMBER)?;
    for offset in 0..columns.len() {
        sheet.set_column_width(2 + offset as ColNum, WIDTH_SUMMARY_NUMBER)?;
    }
    sheet.set_column_width(2 + columns.len() as ColNum, WIDTH_SOURCE)?;
    Ok(())
}

/// The Excel date of the first day of `month`, if Excel can represent it (1900 on).
fn excel_date(month: YearMonth) -> Option<ExcelDateTime> {
    let year = u16::try_from(month.year()).ok()?;
    ExcelDateTime::from_ymd(year, month.month() as u8, 1).ok()
}

/// Monthly percentiles of one metric, every scenario, in `timeseries.csv` order.
fn metric_sheet(sheet: &mut Worksheet, results: &Results, metric: Metric, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(metric.name())?;
    let mut headers = vec!["scenario", "month", "date"];
    headers.extend(SUMMARY_COLUMNS);
    write_header(sheet, 0, &headers, &formats.header, 0)?;
    let format = formats.metric(metric);
    let mut row: RowNum = 0;
    for series in results.timeseries.iter().filter(|r| r.metric == metric) {
        row += 1;
        write_text(sheet, row, 0, &series.scenario, &formats.text)?;
        sheet.write_number_with_format(row, 1, series.month, &formats.integer)?;
        match excel_date(series.date) {
            Some(date) => sheet.write_datetime_with_format(row, 2, &date, &formats.date)?,
            None => sheet.write_string_with_format(row, 2, series.date.to_string(), &formats.text)?,
        };
        write_summary(sheet, row, 3, &series.summary, format)?;
    }
    filter(sheet, 0, row, headers.len())?;
    sheet.set_column_width(0, WIDTH_SCENARIO)?;
    sheet.set_column_width(1, 7)?;
    for col in 2..headers.len() {
        sheet.set_column_width(col as ColNum, WIDTH_NUMBER)?;
    }
    Ok(())
}

/// Every row of `annual.csv`: DfE-style figures at 30 September.
fn annual_sheet(sheet: &mut Worksheet, results: &Results, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Annual")?;
    let headers = AnnualRow::COLUMNS;
    write_header(sheet, 0, headers, &formats.header, 0)?;
    let mut row: RowNum = 0;
    for annual in &results.annual {
        row += 1;
        write_text(sheet, row, 0, &annual.scenario, &formats.text)?;
        sheet.write_number_with_format(row, 1, annual.year, &formats.integer)?;
        write_text(sheet, row, 2, annual.metric.name(), &formats.text)?;
        write_summary(sheet, row, 3, &annual.summary, formats.metric(annual.metric))?;
    }
    filter(sheet, 0, row, headers.len())?;
    sheet.set_column_width(0, WIDTH_SCENARIO)?;
    sheet.set_column_width(1, 7)?;
    sheet.set_column_width(2, WIDTH_METRIC)?;
    for col in 3..headers.len() {
        sheet.set_column_width(col as ColNum, WIDTH_NUMBER)?;
    }
    Ok(())
}

/// The number of months a scenario simulates in a financial year (`2024-25`), or in all
/// (`total`): 12 for a full year, fewer for a part-year.
fn months_in(results: &Results, scenario: &str, period: Period) -> Option<f64> {
    let scenario = results.scenario(scenario)?;
    Some(match period {
        Period::FinancialYear(year) => scenario.months_in_financial_year(year).len() as f64,
        Period::Total => f64::from(scenario.months),
    })
}

/// The column the Costs and Appraisal sheets add to the CSV file's: the months simulated.
const MONTHS_COLUMN: &str = "months";

/// Every row of `costs.csv`: each scenario's spend by financial year and category, pounds.
fn costs_sheet(sheet: &mut Worksheet, results: &Results, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Costs")?;
    let headers = [CostRow::COLUMNS, &[MONTHS_COLUMN]].concat();
    write_header(sheet, 0, &headers, &formats.header, 0)?;
    let mut row: RowNum = 0;
    for cost in &results.costs {
        row += 1;
        write_text(sheet, row, 0, &cost.scenario, &formats.text)?;
        write_text(sheet, row, 1, &cost.financial_year.to_string(), &formats.text)?;
        write_text(sheet, row, 2, category(cost.category), &formats.text)?;
        for (offset, value) in cost.spread.columns().into_iter().enumerate() {
            write_number(sheet, row, 3 + offset as ColNum, value, &formats.money)?;
        }
        if let Some(months) = months_in(results, &cost.scenario, cost.financial_year) {
            write_number(sheet, row, 7, months, &formats.integer)?;
        }
    }
    filter(sheet, 0, row, headers.len())?;
    sheet.set_column_width(0, WIDTH_SCENARIO)?;
    sheet.set_column_width(1, 14)?;
    sheet.set_column_width(2, 14)?;
    for col in 3..7 {
        sheet.set_column_width(col as ColNum, WIDTH_MONEY)?;
    }
    sheet.set_column_width(7, 8)?;
    Ok(())
}

/// The display of an appraisal measure: pounds, FTE-months or a probability.
fn appraisal_format(formats: &Formats, measure: Measure) -> &Format {
    match measure {
        Measure::ExtraCostGbp
        | Measure::AgencySavingGbp
        | Measure::NetCostGbp
        | Measure::CostPerVacancyFteMonthAvoidedGbp => &formats.money,
        Measure::ProbabilityCheaper => &formats.percent_whole,
        Measure::VacancyFteMonthsAvoided | Measure::AgencyFteMonthsSaved => &formats.decimal,
    }
}

/// Every row of `appraisal.csv`: each option against the baseline, paired by replication.
fn appraisal_sheet(sheet: &mut Worksheet, results: &Results, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Appraisal")?;
    let headers = [AppraisalRow::COLUMNS, &[MONTHS_COLUMN]].concat();
    write_header(sheet, 0, &headers, &formats.header, 0)?;
    let mut row: RowNum = 0;
    for appraisal in &results.appraisal {
        row += 1;
        write_text(sheet, row, 0, &appraisal.scenario, &formats.text)?;
        write_text(sheet, row, 1, &appraisal.financial_year.to_string(), &formats.text)?;
        write_text(sheet, row, 2, appraisal.measure.name(), &formats.text)?;
        let format = appraisal_format(formats, appraisal.measure);
        for (offset, value) in appraisal.spread.columns().into_iter().enumerate() {
            write_number(sheet, row, 3 + offset as ColNum, value, format)?;
        }
        if let Some(months) = months_in(results, &appraisal.scenario, appraisal.financial_year) {
            write_number(sheet, row, 7, months, &formats.integer)?;
        }
    }
    filter(sheet, 0, row, headers.len())?;
    sheet.set_column_width(0, WIDTH_SCENARIO)?;
    sheet.set_column_width(1, 14)?;
    sheet.set_column_width(2, 38)?;
    for col in 3..7 {
        sheet.set_column_width(col as ColNum, WIDTH_MONEY)?;
    }
    sheet.set_column_width(7, 8)?;
    Ok(())
}

/// Every row of `breakeven.csv`, with what it means in words.
fn break_even_sheet(sheet: &mut Worksheet, results: &Results, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Break-even")?;
    let headers = [BreakEvenRow::COLUMNS, &["meaning"]].concat();
    write_header(sheet, 0, &headers, &formats.header, 0)?;
    let mut row: RowNum = 0;
    for outcome in &results.break_even {
        row += 1;
        write_text(sheet, row, 0, &outcome.scenario, &formats.text)?;
        write_text(sheet, row, 1, outcome.status.name(), &formats.text)?;
        write_number(sheet, row, 2, outcome.hazard_ratio, &formats.ratio)?;
        write_number(sheet, row, 3, outcome.net_cost_gbp, &formats.money)?;
        let meaning = match outcome.status {
            BreakEvenStatus::Found => format!(
                "The allowance pays for itself through lower agency and recruitment spend at a hazard ratio of \
                 {:.3} or lower (leaving cut by {:.1}% or more); net_cost_gbp is the mean net cost at that ratio.",
                outcome.hazard_ratio,
                (1.0 - outcome.hazard_ratio) * 100.0
            ),
            BreakEvenStatus::NeverPays => "The allowance does not pay for itself even if no eligible worker ever \
                 left (hazard ratio 0); net_cost_gbp is the mean net cost then."
                .to_string(),
            BreakEvenStatus::AlwaysPays => "The allowance pays for itself even with no effect on leaving (hazard \
                 ratio 1); net_cost_gbp is the mean net cost then."
                .to_string(),
        };
        write_text(sheet, row, 4, &meaning, &formats.wrap)?;
    }
    filter(sheet, 0, row, headers.len())?;
    for (col, width) in [WIDTH_SCENARIO, 12.0, 12.0, WIDTH_MONEY, 80.0].into_iter().enumerate() {
        sheet.set_column_width(col as ColNum, width)?;
    }
    Ok(())
}

/// Every parameter of every scenario, with its source; rows that differ from the baseline
/// are marked "yes" and filled, so that an option's changes stand out.
fn assumptions_sheet(sheet: &mut Worksheet, results: &Results, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Assumptions")?;
    let headers = AssumptionRow::COLUMNS;
    write_header(sheet, 0, headers, &formats.header, 0)?;
    let mut row: RowNum = 0;
    for assumption in &results.assumptions {
        row += 1;
        let (text, wrap) = if assumption.differs_from_baseline {
            (&formats.text_highlight, &formats.wrap_highlight)
        } else {
            (&formats.text, &formats.wrap)
        };
        write_text(sheet, row, 0, &assumption.scenario, text)?;
        write_text(sheet, row, 1, &assumption.parameter, text)?;
        write_text(sheet, row, 2, &assumption.value, wrap)?;
        write_text(sheet, row, 3, &assumption.source, wrap)?;
        write_text(sheet, row, 4, &assumption.file, text)?;
        write_text(sheet, row, 5, if assumption.differs_from_baseline { "yes" } else { "" }, text)?;
    }
    filter(sheet, 0, row, headers.len())?;
    for (col, width) in
        [WIDTH_SCENARIO, WIDTH_PARAMETER, WIDTH_VALUE, WIDTH_SOURCE, WIDTH_FILE, 12.0].into_iter().enumerate()
    {
        sheet.set_column_width(col as ColNum, width)?;
    }
    Ok(())
}

/// A value of the Manifest sheet's settings.
enum Setting {
    Text(String),
    Number(f64),
}

/// What produced the results, as in `manifest.json`: settings, then the scenarios (with the
/// sha256 of each resolved file) and the metrics with their definitions.
fn manifest_sheet(sheet: &mut Worksheet, results: &Results, formats: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Manifest")?;
    let manifest = &results.manifest;
    sheet.write_string_with_format(0, 0, "wfsim run manifest", &formats.title)?;

    // A seed above 2^53 has no exact double: keep it exact as text.
    let seed = if manifest.provenance.seed <= 1 << 53 {
        Setting::Number(manifest.provenance.seed as f64)
    } else {
        Setting::Text(manifest.provenance.seed.to_string())
    };
    let settings = [
        ("wfsim version", Setting::Text(manifest.provenance.wfsim_version.clone())),
        ("seed", seed),
        ("replications", Setting::Number(f64::from(manifest.provenance.replications))),
        ("quantile method", Setting::Text(manifest.quantile_method.clone())),
        ("baseline", Setting::Text(manifest.baseline.clone().unwrap_or_else(|| "(none)".to_string()))),
    ];
    let mut row: RowNum = 1;
    for (key, value) in settings {
        row += 1;
        write_text(sheet, row, 0, key, &formats.key)?;
        match value {
            Setting::Text(text) => write_text(sheet, row, 1, &text, &formats.text)?,
            Setting::Number(number) => write_number(sheet, row, 1, number, &formats.integer)?,
        }
    }

    row += 2;
    write_text(sheet, row, 0, "Scenarios", &formats.title)?;
    row += 1;
    for (col, header) in ["name", "description", "file", "start", "months", "sha256"].into_iter().enumerate() {
        write_text(sheet, row, col as ColNum, header, &formats.header)?;
    }
    for scenario in &manifest.scenarios {
        row += 1;
        write_text(sheet, row, 0, &scenario.name, &formats.text)?;
        write_text(sheet, row, 1, &scenario.description, &formats.wrap)?;
        write_text(sheet, row, 2, &scenario.file, &formats.text)?;
        write_text(sheet, row, 3, &scenario.start.to_string(), &formats.text)?;
        sheet.write_number_with_format(row, 4, scenario.months, &formats.integer)?;
        write_text(sheet, row, 5, &scenario.sha256, &formats.text)?;
    }

    row += 2;
    write_text(sheet, row, 0, "Metrics", &formats.title)?;
    row += 1;
    for (col, header) in ["name", "kind", "description"].into_iter().enumerate() {
        write_text(sheet, row, col as ColNum, header, &formats.header)?;
    }
    for metric in &manifest.metrics {
        row += 1;
        write_text(sheet, row, 0, &metric.name, &formats.text)?;
        write_text(sheet, row, 1, &metric.kind, &formats.text)?;
        write_text(sheet, row, 2, &metric.description, &formats.wrap)?;
    }

    for (col, width) in [WIDTH_METRIC, WIDTH_SOURCE, WIDTH_FILE, 10.0, 8.0, 66.0].into_iter().enumerate() {
        sheet.set_column_width(col as ColNum, width)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_metric_names() {
        assert_eq!(number_kind(Metric::VacancyRate), NumberKind::Percent);
        assert_eq!(number_kind(Metric::NqswShare), NumberKind::Percent);
        assert_eq!(number_kind(Metric::CostAgencyGbp), NumberKind::Money);
        assert_eq!(number_kind(Metric::Headcount), NumberKind::Count);
        assert_eq!(number_kind(Metric::TraineesStepUp), NumberKind::Count);
        assert_eq!(number_kind(Metric::FteInPost), NumberKind::Decimal);
        assert_eq!(number_kind(Metric::AvgCaseload), NumberKind::Decimal);
    }

    #[test]
    fn key_metrics_are_valid_sheet_names() {
        for name in KEY_METRICS.map(Metric::name) {
            assert!(name.len() <= 31 && !name.contains(['[', ']', ':', '*', '?', '/', '\\']), "{name}");
        }
    }
}
