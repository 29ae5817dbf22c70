//! Runs scenarios × replications in parallel and collects every recorded month.
//!
//! Determinism: each replication's randomness comes from (seed, replication, process), never
//! from the thread or the scenario, and results are collected in replication order, so the
//! output is bit-identical whatever the thread count.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::calendar::YearMonth;
use crate::engine::{self, Model, metrics};
use crate::scenario::{Assumption, Scenario};

/// How a run is set up, whatever the scenarios.
#[derive(Debug, Clone, Copy)]
pub struct RunSettings {
    pub replications: u32,
    pub seed: u64,
    /// Months to simulate; `None` uses each scenario's `horizon_months`.
    pub months: Option<u32>,
    /// Show a progress bar (only ever on a terminal).
    pub progress: bool,
    /// The seed of the national year-to-year swings (see `engine::Model::national_seed`);
    /// `None`: `seed`. A national run sets the master seed here while each council has a
    /// seed of its own.
    pub national_seed: Option<u64>,
}

/// Every recorded month of every replication of one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    pub name: String,
    pub description: String,
    /// The scenario's own title, if it has one.
    pub title: Option<String>,
    pub file: PathBuf,
    pub sha256: String,
    /// The scenario's parameters as written, for the assumptions table.
    pub assumptions: Vec<Assumption>,
    /// The date of month 0 (the starting position).
    pub first_date: YearMonth,
    /// Months simulated; rows run from month 0 to `months`.
    pub months: u32,
    pub replications: u32,
    /// `[month][metric][replication]`, flattened: every summary reads one metric at one month
    /// across replications, so those values sit side by side.
    values: Vec<f64>,
}

impl ScenarioRun {
    pub fn rows_per_replication(&self) -> usize {
        self.months as usize + 1
    }

    pub fn value(&self, replication: usize, month: usize, metric: metrics::Metric) -> f64 {
        self.replications_of(month, metric)[replication]
    }

    /// The value of `metric` at `month` in every replication, in replication order.
    pub fn replications_of(&self, month: usize, metric: metrics::Metric) -> &[f64] {
        let replications = self.replications as usize;
        let start = (month * metrics::COUNT + metric.index()) * replications;
        &self.values[start..start + replications]
    }

    /// One replication's recorded row for `month`, indexed by `Metric::index` (gathered from
    /// the layout by metric: for checks, not for summaries).
    pub fn row(&self, replication: usize, month: usize) -> Vec<f64> {
        metrics::Metric::ALL.iter().map(|&metric| self.value(replication, month, metric)).collect()
    }

    /// The same, as a vector to sort.
    pub fn across_replications(&self, month: usize, metric: metrics::Metric) -> Vec<f64> {
        self.replications_of(month, metric).to_vec()
    }

    pub fn date(&self, month: usize) -> YearMonth {
        self.first_date.plus(month as i32)
    }
}

/// The run the others are compared with: the scenario named `baseline`, or else the first.
pub fn baseline(runs: &[ScenarioRun]) -> Option<&ScenarioRun> {
    runs.iter().find(|run| run.name == BASELINE_NAME).or(runs.first())
}

/// The scenario the others are compared with, and its position: the one named `baseline`, or
/// else the first (as [`baseline`] finds among runs).
pub fn baseline_scenario(scenarios: &[Scenario]) -> Option<(usize, &Scenario)> {
    let position = scenarios.iter().position(|scenario| scenario.name == BASELINE_NAME).unwrap_or(0);
    scenarios.get(position).map(|scenario| (position, scenario))
}

/// The name that marks the baseline scenario.
pub const BASELINE_NAME: &str = "baseline";

/// Scenarios compared with one another: a council's baseline and its options. A run's
/// scenarios are grouped by the root of their `extends` chain and their first month, so an
/// option is compared only with its own council's baseline from the same month, and a second
/// council initialised into the same folder forms a group of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Positions of its scenarios in the run's list: the baseline first (the one named
    /// `baseline`, else the root file itself, else the first listed), then the rest in order.
    pub members: Vec<usize>,
}

impl Group {
    /// The position of the group's baseline in the run's list.
    pub fn baseline(&self) -> usize {
        self.members[0]
    }
}

/// The run's groups, in the order of their first scenario.
pub fn groups(scenarios: &[Scenario]) -> Vec<Group> {
    let mut keys: Vec<(&std::path::Path, YearMonth)> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (position, scenario) in scenarios.iter().enumerate() {
        let key = (scenario.root.as_path(), scenario.start);
        match keys.iter().position(|known| *known == key) {
            Some(group) => members[group].push(position),
            None => {
                keys.push(key);
                members.push(vec![position]);
            }
        }
    }
    members
        .into_iter()
        .map(|mut positions| {
            let chosen = positions
                .iter()
                .position(|&p| scenarios[p].name == BASELINE_NAME)
                .or_else(|| positions.iter().position(|&p| scenarios[p].is_root))
                .unwrap_or(0);
            let baseline = positions.remove(chosen);
            positions.insert(0, baseline);
            Group { members: positions }
        })
        .collect()
}

/// Simulates every scenario; scenarios and replications share one pool of work. Holds every
/// replication of every scenario: for a few scenarios, or when all are needed at once.
pub fn run_all(scenarios: &[Scenario], settings: &RunSettings) -> Vec<ScenarioRun> {
    let bar = progress_bar(settings, scenarios.len() as u64 * settings.replications as u64);
    let runs = scenarios
        .par_iter()
        .map(|scenario| simulate_scenario(scenario, settings, &bar, &mut Buffers::default()))
        .collect();
    bar.finish_and_clear();
    runs
}

/// One replication's rows as the engine writes them: month by month (0 to `months`), every
/// metric of a month side by side.
pub struct Rows<'a> {
    pub first_date: YearMonth,
    pub months: u32,
    values: &'a [f64],
}

impl Rows<'_> {
    pub fn value(&self, month: usize, metric: metrics::Metric) -> f64 {
        self.values[month * metrics::COUNT + metric.index()]
    }

    pub fn date(&self, month: usize) -> YearMonth {
        self.first_date.plus(month as i32)
    }
}

/// Simulates every replication of one scenario in parallel, as [`run_all`] does, but keeps
/// only what `keep` takes from each replication's rows, in replication order. For callers
/// that need a few figures of each replication of many scenarios (a national run's 150-odd
/// councils): storing every metric of every month and laying it out metric by metric cost
/// them more than simulating. No progress bar.
pub fn simulate_keeping<T: Send>(
    scenario: &Scenario,
    settings: &RunSettings,
    keep: impl Fn(&Rows<'_>) -> T + Sync,
) -> Vec<T> {
    let mut model = Model::build(scenario);
    model.national_seed = settings.national_seed;
    let months = settings.months.unwrap_or(scenario.spec.horizon_months);
    let row = (months as usize + 1) * metrics::COUNT;
    (0..settings.replications)
        .into_par_iter()
        .map_init(
            || vec![0.0; row],
            |values, replication| {
                engine::simulate(&model, settings.seed, u64::from(replication), months, values);
                keep(&Rows { first_date: model.first_date(), months, values })
            },
        )
        .collect()
}

/// Simulates the scenarios one at a time, the baseline first, and hands each finished run to
/// `visit(position, run, baseline)` (`position` in `scenarios`; the baseline's `run` is the
/// baseline itself) before dropping it. Each run is visited while the next is simulated, so
/// that the cores are kept busy through the serial parts of a visit. Only the baseline's
/// replications are kept, for the paired comparisons: memory holds three scenarios' worth (the
/// baseline, the run visited and the one simulated), however many scenarios there are.
pub fn run_each<E>(
    scenarios: &[Scenario],
    settings: &RunSettings,
    mut visit: impl FnMut(usize, &ScenarioRun, &ScenarioRun) -> Result<(), E>,
) -> Result<(), E> {
    let Some((baseline_position, baseline_scenario)) = baseline_scenario(scenarios) else { return Ok(()) };
    let bar = progress_bar(settings, scenarios.len() as u64 * settings.replications as u64);
    let mut buffers = Buffers::default();
    let baseline = simulate_scenario(baseline_scenario, settings, &bar, &mut buffers);
    let mut options = scenarios.iter().enumerate().filter(|(position, _)| *position != baseline_position);
    // The run to visit next (`None`: the baseline).
    let mut visiting: (usize, Option<ScenarioRun>) = (baseline_position, None);
    loop {
        let next = options.next();
        let mut simulated = None;
        let visited = rayon::in_place_scope(|scope| {
            if let Some((position, scenario)) = next {
                let (simulated, buffers, bar) = (&mut simulated, &mut buffers, &bar);
                scope
                    .spawn(move |_| *simulated = Some((position, simulate_scenario(scenario, settings, bar, buffers))));
            }
            let (position, run) = (visiting.0, visiting.1.as_ref().unwrap_or(&baseline));
            visit(position, run, &baseline)
        });
        visited?;
        if let Some(run) = visiting.1 {
            buffers.values = run.values;
        }
        match simulated {
            Some((position, run)) => visiting = (position, Some(run)),
            None => break,
        }
    }
    bar.finish_and_clear();
    Ok(())
}

/// Every replication of one scenario, in parallel: simulated a block of replications at a time
/// (each replication's rows month by month), then laid out metric by metric.
fn simulate_scenario(
    scenario: &Scenario,
    settings: &RunSettings,
    bar: &ProgressBar,
    buffers: &mut Buffers,
) -> ScenarioRun {
    let mut model = Model::build(scenario);
    model.national_seed = settings.national_seed;
    let months = settings.months.unwrap_or(scenario.spec.horizon_months);
    let replications = settings.replications as usize;
    let row = (months as usize + 1) * metrics::COUNT;
    // Every value of both buffers is written below before it is read, so a reused buffer is
    // not cleared, and a fresh one comes zeroed from the system untouched: its pages are
    // first touched by the threads that fill it, not cleared by one thread while others wait.
    let mut values = std::mem::take(&mut buffers.values);
    if values.len() != row * replications {
        values = vec![0.0; row * replications];
    }
    let block = &mut buffers.block;
    if block.len() < row * REPLICATION_BLOCK.min(replications) {
        *block = vec![0.0; row * REPLICATION_BLOCK.min(replications)];
    }
    for first in (0..replications).step_by(REPLICATION_BLOCK) {
        let count = REPLICATION_BLOCK.min(replications - first);
        block[..row * count].par_chunks_mut(row).enumerate().for_each(|(offset, out)| {
            engine::simulate(&model, settings.seed, (first + offset) as u64, months, out);
            bar.inc(1);
        });
        // Cell `c` (month x metric) of replication `first + k` goes to `c * replications + first + k`,
        // a tile of cells at a time: each replication's part of a tile is read once, whole.
        values.par_chunks_mut(replications * TILE_CELLS).enumerate().for_each(|(tile, across)| {
            let first_cell = tile * TILE_CELLS;
            let cells = across.len() / replications;
            for k in 0..count {
                let part = &block[k * row + first_cell..k * row + first_cell + cells];
                for (cell, &value) in part.iter().enumerate() {
                    across[cell * replications + first + k] = value;
                }
            }
        });
    }
    ScenarioRun {
        name: scenario.name.clone(),
        description: scenario.spec.description.clone(),
        title: scenario.spec.title.clone(),
        file: scenario.file.clone(),
        sha256: scenario.sha256.clone(),
        assumptions: scenario.assumptions.clone(),
        first_date: model.first_date(),
        months,
        replications: settings.replications,
        values,
    }
}

/// Memory a run of scenarios one after another reuses, where fresh memory for each scenario
/// would cost the system a page fault for every 4 KB of it.
#[derive(Default)]
struct Buffers {
    /// One block of replications as simulated.
    block: Vec<f64>,
    /// A finished scenario's values, free for the next scenario.
    values: Vec<f64>,
}

/// Replications simulated before they are laid out metric by metric: enough to keep every
/// core busy, few enough that the block is small beside the run.
const REPLICATION_BLOCK: usize = 256;

/// Cells (months x metrics) laid out together: two cache lines of each replication's row.
const TILE_CELLS: usize = 16;

fn progress_bar(settings: &RunSettings, total: u64) -> ProgressBar {
    if !settings.progress || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} replications ({eta} left)") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
        crate::scenario::load(&path).expect("a shipped scenario loads")
    }

    /// What `simulate_keeping` hands over of each replication is what `run_all` stores.
    #[test]
    fn kept_rows_match_the_stored_run() {
        let scenario = shipped("baseline.toml");
        let settings =
            RunSettings { replications: 5, seed: 3, months: Some(14), progress: false, national_seed: Some(9) };
        let run = run_all(std::slice::from_ref(&scenario), &settings).pop().expect("one run");
        let kept = simulate_keeping(&scenario, &settings, |rows| {
            assert_eq!((rows.first_date, rows.months), (run.first_date, run.months));
            (0..=rows.months as usize)
                .flat_map(|month| metrics::Metric::ALL.iter().map(move |&metric| rows.value(month, metric)))
                .collect::<Vec<f64>>()
        });
        for (rep, values) in kept.iter().enumerate() {
            let stored = (0..=run.months as usize)
                .flat_map(|month| metrics::Metric::ALL.iter().map(move |&metric| (month, metric)))
                .map(|(month, metric)| run.value(rep, month, metric));
            assert!(values.iter().zip(stored).all(|(kept, stored)| kept.to_bits() == stored.to_bits()), "{rep}");
        }
    }

    /// One after another, reusing (not clearing) the buffers of the scenario before, a run
    /// holds exactly what running every scenario at once with fresh buffers holds.
    #[test]
    fn scenarios_run_one_after_another_match_scenarios_run_at_once() {
        let scenarios: Vec<Scenario> =
            ["baseline.toml", "larger_allowance.toml", "apprentices_20.toml"].into_iter().map(shipped).collect();
        // More replications than a block, and not a whole number of blocks.
        let settings =
            RunSettings { replications: 300, seed: 11, months: Some(6), progress: false, national_seed: None };
        let at_once = run_all(&scenarios, &settings);
        let mut seen = Vec::new();
        run_each(&scenarios, &settings, |position, run, baseline| {
            assert_eq!(baseline.name, BASELINE_NAME);
            assert_eq!(run.values, at_once[position].values, "{}", run.name);
            seen.push(position);
            Ok::<(), ()>(())
        })
        .expect("the visits succeed");
        assert_eq!(seen, [0, 1, 2]);
    }

    /// A reused buffer is not cleared: every value in it must be written afresh.
    #[test]
    fn a_scenario_in_reused_buffers_overwrites_every_value() {
        let scenario = shipped("baseline.toml");
        let settings =
            RunSettings { replications: 300, seed: 3, months: Some(5), progress: false, national_seed: None };
        let fresh = simulate_scenario(&scenario, &settings, &ProgressBar::hidden(), &mut Buffers::default());
        let size = fresh.values.len();
        let mut dirty = Buffers { block: vec![f64::NAN; size], values: vec![f64::NAN; size] };
        let reused = simulate_scenario(&scenario, &settings, &ProgressBar::hidden(), &mut dirty);
        let bits = |values: &[f64]| values.iter().map(|value| value.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&reused.values), bits(&fresh.values));
    }

    /// Scenarios in temporary files: (file name, text).
    fn written(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<Scenario>) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let paths: Vec<PathBuf> = files.iter().map(|(name, _)| dir.path().join(name)).collect();
        let scenarios = crate::scenario::load_all(&paths).expect("the scenarios load");
        (dir, scenarios)
    }

    /// One group per root of an `extends` chain and first month, the baseline first: the
    /// scenario named `baseline`, else the root file itself, else the first listed.
    #[test]
    fn scenarios_are_grouped_by_the_root_of_their_chain_and_their_first_month() {
        let root = "start = \"2024-10\"\nhorizon_months = 12\n";
        let option = "extends = \"a.toml\"\n";
        let later = "extends = \"a.toml\"\nstart = \"2025-04\"\n";
        let (_dir, scenarios) = written(&[
            ("opt.toml", option),
            ("b.toml", root),
            ("a.toml", root),
            ("later.toml", later),
            ("opt2.toml", "extends = \"opt.toml\"\n"),
        ]);
        let names = |group: &Group| group.members.iter().map(|&p| scenarios[p].name.as_str()).collect::<Vec<_>>();
        let found = groups(&scenarios);
        let listed: Vec<Vec<&str>> = found.iter().map(names).collect();
        assert_eq!(listed, [vec!["a", "opt", "opt2"], vec!["b"], vec!["later"]]);
        assert_eq!(scenarios[found[0].baseline()].name, "a");

        // A scenario named `baseline` leads its group, root or not.
        let named = "extends = \"a.toml\"\nname = \"baseline\"\n";
        let (_dir, scenarios) = written(&[("a.toml", root), ("x.toml", named)]);
        let found = groups(&scenarios);
        assert_eq!(found.len(), 1);
        assert_eq!(scenarios[found[0].baseline()].name, "baseline");

        // The shipped scenarios are one council's: one group, the baseline first.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("scenarios/")
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        let shipped = crate::scenario::load_all(&paths).expect("the shipped scenarios load");
        let found = groups(&shipped);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].members.len(), shipped.len());
        assert_eq!(shipped[found[0].baseline()].name, BASELINE_NAME);
    }
}
