//! Result tables made one scenario at a time.
//!
//! A run simulates its scenarios one after another and turns each into rows as soon as it is
//! done, so that only the baseline's replications (needed for the paired differences) and
//! the current scenario's are held in memory: memory grows with replications x months, not
//! with the number of scenarios. Each table keeps its rows per scenario and puts them back in
//! the scenarios' order at the end, whatever the order they were simulated in.

use std::io;

use super::BytesFile;
use crate::run::ScenarioRun;

/// A CSV result file with rows for each scenario.
pub trait ScenarioTable: Sync {
    fn file_name(&self) -> &'static str;
    /// The file's header: its row type's [`CsvRow::COLUMNS`](super::row::CsvRow::COLUMNS).
    fn header(&self) -> &'static [&'static str];
    /// The rows of `run`; `baseline` is the run options are compared with (it may be `run`).
    fn write_rows(&self, run: &ScenarioRun, baseline: &ScenarioRun, out: &mut csv::Writer<Vec<u8>>) -> io::Result<()>;
}

/// The rows of several tables, filled scenario by scenario.
pub struct TableSet<'t> {
    tables: Vec<&'t dyn ScenarioTable>,
    /// `[table][scenario position]`: that scenario's rows, as CSV bytes.
    rows: Vec<Vec<Option<Vec<u8>>>>,
}

impl<'t> TableSet<'t> {
    /// Tables for `scenarios` scenarios, each table in the order given.
    pub fn new(tables: Vec<&'t dyn ScenarioTable>, scenarios: usize) -> TableSet<'t> {
        let rows = tables.iter().map(|_| vec![None; scenarios]).collect();
        TableSet { tables, rows }
    }

    /// Makes every table's rows for the scenario at `position` in the final order.
    pub fn add(&mut self, position: usize, run: &ScenarioRun, baseline: &ScenarioRun) -> io::Result<()> {
        use rayon::prelude::*;
        let made: Vec<io::Result<Vec<u8>>> = self
            .tables
            .par_iter()
            .map(|table| {
                let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
                table.write_rows(run, baseline, &mut writer)?;
                writer.into_inner().map_err(|error| error.into_error())
            })
            .collect();
        for (slots, bytes) in self.rows.iter_mut().zip(made) {
            if let Some(slot) = slots.get_mut(position) {
                *slot = Some(bytes?);
            }
        }
        Ok(())
    }

    /// Each table as a file: its header, then each scenario's rows in order.
    pub fn into_files(self) -> io::Result<Vec<BytesFile>> {
        let mut files = Vec::with_capacity(self.tables.len());
        for (table, rows) in self.tables.iter().zip(self.rows) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(table.header())?;
            let mut bytes = writer.into_inner().map_err(|error| error.into_error())?;
            for chunk in rows.into_iter().flatten() {
                bytes.extend_from_slice(&chunk);
            }
            files.push(BytesFile { name: table.file_name().to_string(), bytes });
        }
        Ok(files)
    }
}
