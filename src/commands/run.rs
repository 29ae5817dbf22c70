//! `wfsim run`: load and check every scenario, run the pipeline, write its files in one go,
//! and print each scenario's headline figures.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;

use super::{Failure, SCENARIO_DIR, WorkerPool, error_lines, write};
use crate::format::percent;
use crate::limits;
use crate::output::BytesFile;
use crate::output::manifest::GroupLink;
use crate::pipeline::{self, ScenarioHeadline};
use crate::run::{self, Group, RunSettings};
use crate::scenario::{self, Scenario};
use crate::stats::Summary;

/// The scenario listed (and reported) first when running every scenario in `scenarios/`.
pub const BASELINE_FILE: &str = "baseline.toml";

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Scenario files. Default: every *.toml in scenarios/ (in the current directory), sorted
    /// by file name, with baseline.toml first.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenarios: Vec<PathBuf>,
    /// Replications per scenario (1 to 1,000,000).
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_REPLICATIONS)))]
    pub reps: u32,
    /// Master seed: the same seed and inputs give the same results, bit for bit.
    #[arg(long, value_name = "S", allow_negative_numbers = true, default_value_t = 1)]
    pub seed: u64,
    /// Months to simulate (1 to 1200) [default: each scenario's horizon_months, which
    /// defaults to 60].
    #[arg(long, value_name = "M", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_MONTHS)))]
    pub months: Option<u32>,
    #[command(flatten)]
    pub pool: WorkerPool,
    /// Output directory, created if need be. Existing result files in it are replaced only
    /// once all new ones are written.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Write only the result files (CSV and JSON), not the charts, report and workbook.
    #[arg(long)]
    pub no_report: bool,
}

pub fn execute(args: &Args) -> Result<(), Failure> {
    let files =
        if args.scenarios.is_empty() { find_scenarios(Path::new(SCENARIO_DIR))? } else { args.scenarios.clone() };
    let scenarios = scenario::load_all(&files).map_err(|errors| Failure::BadInput(error_lines(&errors)))?;
    if let Some(months) = args.months {
        pipeline::check_months_datable(&scenarios, months).map_err(Failure::BadInput)?;
    }
    let settings = RunSettings {
        replications: args.reps,
        seed: args.seed,
        months: args.months,
        progress: true,
        national_seed: None,
    };
    let groups = run::groups(&scenarios);
    let simulate_and_write = || -> Result<(Vec<ScenarioHeadline>, Vec<PathBuf>), Failure> {
        let (mut headlines, mut files) = (Vec::new(), Vec::new());
        let folders = group_folders(&groups, &scenarios);
        for (index, (group, folder)) in groups.iter().zip(&folders).enumerate() {
            let members: Vec<Scenario> = group.members.iter().map(|&p| scenarios[p].clone()).collect();
            let others = links(&groups, &scenarios, &folders, index);
            let output = pipeline::run(&members, &settings, !args.no_report, others).map_err(Failure::other)?;
            headlines.extend(output.headlines);
            files.extend(output.files.into_iter().map(|file| match &folder {
                Some(folder) => BytesFile { name: format!("{folder}/{}", file.name), ..file },
                None => file,
            }));
        }
        // One write: every result, chart and report file of every group is in place, or none is.
        let written = write(&args.out, &files)?;
        Ok((headlines, written))
    };
    let (headlines, written) = args.pool.install(simulate_and_write)??;
    print_groups(&groups, &scenarios, &args.out);
    print_summary(&headlines, &settings, scenarios.len(), &written);
    Ok(())
}

/// Where each group's files go, inside the output directory: the group holding the scenario
/// named `baseline` (else the first) at the top, as a run of one group writes them; each other
/// group in a folder named after its baseline ([`folder_name`]).
fn group_folders(groups: &[Group], scenarios: &[Scenario]) -> Vec<Option<String>> {
    let main = groups.iter().position(|group| scenarios[group.baseline()].name == run::BASELINE_NAME).unwrap_or(0);
    // The top level's own folder is taken.
    let mut taken = vec!["charts".to_string()];
    groups
        .iter()
        .enumerate()
        .map(|(index, group)| (index != main).then(|| folder_name(&scenarios[group.baseline()].name, &mut taken)))
        .collect()
}

/// Where the other groups are from group `from`: their baselines and folders, relative to its.
fn links(groups: &[Group], scenarios: &[Scenario], folders: &[Option<String>], from: usize) -> Vec<GroupLink> {
    let here = &folders[from];
    groups
        .iter()
        .zip(folders)
        .enumerate()
        .filter(|(index, _)| *index != from)
        .map(|(_, (group, folder))| {
            let baseline = &scenarios[group.baseline()];
            GroupLink {
                baseline: baseline.name.clone(),
                title: baseline.spec.title.clone(),
                // From the top to a group's folder, from a folder up to the top, or across.
                folder: match (here, folder) {
                    (None, Some(folder)) => folder.clone(),
                    (Some(_), Some(folder)) => format!("../{folder}"),
                    (_, None) => "..".to_string(),
                },
            }
        })
        .collect()
}

/// A folder name from a scenario name, which is the user's and may hold `/` or `..`: letters,
/// digits, `-` and `_` kept, anything else `_`; made different from those `taken` (`_2`, `_3`,
/// ...), and then taken.
fn folder_name(name: &str, taken: &mut Vec<String>) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let safe = if safe.is_empty() { "group".to_string() } else { safe };
    let mut folder = safe.clone();
    let mut count = 1;
    while taken.contains(&folder) {
        count += 1;
        folder = format!("{safe}_{count}");
    }
    taken.push(folder.clone());
    folder
}

/// With more than one group, says which scenarios were compared with which baseline, and where
/// each group's files are: scenarios from different councils or months are never compared.
fn print_groups(groups: &[Group], scenarios: &[Scenario], out: &Path) {
    if groups.len() < 2 {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "The scenarios come from {} different baselines (councils or first months), so they form {} groups, each compared only within itself:",
        groups.len(),
        groups.len()
    );
    for (group, folder) in groups.iter().zip(group_folders(groups, scenarios)) {
        let baseline = &scenarios[group.baseline()];
        let options: Vec<&str> = group.members[1..].iter().map(|&p| scenarios[p].name.as_str()).collect();
        let compared = if options.is_empty() { "no options".to_string() } else { options.join(", ") };
        let dir = folder.map_or_else(|| out.to_path_buf(), |folder| out.join(folder));
        let _ = writeln!(
            stdout,
            "  {} ({}, from {}): {compared}; files in {}",
            baseline.name,
            baseline
                .root
                .file_name()
                .map_or_else(|| baseline.root.display().to_string(), |n| n.to_string_lossy().into_owned()),
            baseline.start,
            dir.display()
        );
    }
}

/// Every `*.toml` file in `dir`, sorted by file name, with `baseline.toml` first.
fn find_scenarios(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        Failure::bad(format!("no scenario files given, and cannot read {}/: {error}", dir.display()))
    })?;
    let mut names: Vec<OsString> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let path = entry.path();
            path.extension().is_some_and(|extension| extension == "toml") && path.is_file()
        })
        .map(|entry| entry.file_name())
        .collect();
    if names.is_empty() {
        return Err(Failure::bad(format!("no scenario files given, and no *.toml files in {}/", dir.display())));
    }
    names.sort();
    if let Some(position) = names.iter().position(|name| name == BASELINE_FILE) {
        let baseline = names.remove(position);
        names.insert(0, baseline);
    }
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// Scenario names longer than this are not padded in the terminal summary.
const MAX_NAME_WIDTH: usize = 40;

/// One scenario's headline line: vacancy and agency rates at the last 30 September.
fn headline_line(headline: &ScenarioHeadline, width: usize) -> String {
    let rate =
        |summary: &Summary| format!("{} ({} to {})", percent(summary.p50), percent(summary.p5), percent(summary.p95));
    format!(
        "  {:width$}  {}: vacancy rate {}, agency rate {}",
        headline.scenario,
        headline.when,
        rate(&headline.vacancy_rate),
        rate(&headline.agency_rate)
    )
}

/// Prints the headline figures of each scenario and the files written.
fn print_summary(headlines: &[ScenarioHeadline], settings: &RunSettings, scenarios: usize, written: &[PathBuf]) {
    // Names are aligned up to a sensible length (a format width must also stay below 2^16).
    let width =
        headlines.iter().map(|headline| headline.scenario.chars().count()).max().unwrap_or(0).min(MAX_NAME_WIDTH);
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "Simulated {} scenario(s), {} replications each, seed {}.",
        scenarios, settings.replications, settings.seed
    );
    let _ = writeln!(stdout, "Median (90% interval):");
    for headline in headlines {
        let _ = writeln!(stdout, "{}", headline_line(headline, width));
    }
    let is_chart = |path: &&PathBuf| path.parent().and_then(Path::file_name).is_some_and(|folder| folder == "charts");
    for path in written.iter().filter(|path| !is_chart(path)) {
        let _ = writeln!(stdout, "Wrote {}", path.display());
    }
    // A line per charts folder (one per group).
    let mut folders: Vec<(&Path, usize)> = Vec::new();
    for folder in written.iter().filter(is_chart).filter_map(|path| path.parent()) {
        match folders.iter_mut().find(|(known, _)| *known == folder) {
            Some((_, count)) => *count += 1,
            None => folders.push((folder, 1)),
        }
    }
    for (folder, count) in folders {
        let _ = writeln!(stdout, "Wrote {count} chart files (PNG and SVG) in {}", folder.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_scenarios_sorted_with_baseline_first() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.toml", "baseline.toml", "a.toml", "notes.md", "c.toml.bak"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("dir.toml")).unwrap();
        let found = find_scenarios(dir.path()).unwrap();
        let names: Vec<_> = found.iter().map(|path| path.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["baseline.toml", "a.toml", "b.toml"]);
        assert!(found[0].starts_with(dir.path()));
    }

    #[test]
    fn no_scenarios_is_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(find_scenarios(dir.path()), Err(Failure::BadInput(_))));
        assert!(matches!(find_scenarios(&dir.path().join("missing")), Err(Failure::BadInput(_))));
    }

    /// Group folders stay inside the output directory whatever the scenario names, apart from
    /// one another and from `charts/`.
    #[test]
    fn group_folders_are_safe_and_distinct() {
        let mut taken = vec!["charts".to_string()];
        let names = ["kent_2024", "../evil", "a/b", "charts", "kent 2024", "", "Mini, \"test\" council"];
        let folders: Vec<String> = names.iter().map(|name| folder_name(name, &mut taken)).collect();
        assert_eq!(
            folders,
            ["kent_2024", "___evil", "a_b", "charts_2", "kent_2024_2", "group", "Mini___test__council"]
        );
    }
}
