//! The limits users' input is held to, in one place: the command line, the scenario checks and
//! the engine all read them from here, so that a limit is changed once.

/// The longest run, and the longest duration, tenure or period a scenario may give: 100 years.
pub const MAX_MONTHS: u32 = 1200;

/// Replications of `wfsim run` and `wfsim sweep` (per value).
pub const MAX_REPLICATIONS: u32 = 1_000_000;

/// Replications per council in `wfsim national` and per council and origin in
/// `wfsim backtest`, which run every council.
pub const MAX_REPLICATIONS_PER_COUNCIL: u32 = 100_000;

/// The heaviest tails a yearly variation may have (Tukey's h): at 0.5 the draws' variance
/// is infinite.
pub const MAX_TAIL: f64 = 0.45;

/// The most years a national share may be read from: the engine draws that many normals
/// per swing and replication, and beyond a century the share is as good as known.
pub const MAX_NATIONAL_YEARS: u32 = 100;

/// A scenario's title: a heading in a committee paper, not a paragraph.
pub const MAX_TITLE_CHARS: usize = 80;

/// Worker threads.
pub const MAX_THREADS: u32 = 1024;
