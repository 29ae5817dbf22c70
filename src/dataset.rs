//! The DfE children's social work workforce indicators, 2017 to 2024, for England, its regions
//! and every council (`data/csww_indicators_2017_to_2024.csv`, Open Government Licence v3.0),
//! embedded in the binary so that `wfsim init` works from any directory.
//!
//! The file has one row per year and area. Here the rows become [`Area`]s (each with the years
//! it has data for) and per-year [`Figures`], whose cells are either a number or the symbol the
//! DfE printed instead ([`Cell`]): nothing is silently read as zero.
//!
//! Areas are keyed by their own code: a council by its new (GSS) code, a region by its region
//! code, England by its country code. Council names are not unique over time (Dorset county to
//! 2018 and the Dorset unitary council from 2019 are different areas), and two areas are
//! reported jointly under joined codes and names (`314 / 318`, Kingston upon Thames / Richmond
//! upon Thames; `940 / 941`, North and West Northamptonshire).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

/// The embedded data file, exactly as published.
pub const CSV: &str = include_str!("../data/csww_indicators_2017_to_2024.csv");
/// The sha256 of [`CSV`], as given in `data/README.md`.
pub const CSV_SHA256: &str = "370139c045d78a8b6e9d9afd51a7487de981d7485f393bff4ae122eef1c728aa";
/// The first and last years (30 September) in the data.
pub const FIRST_YEAR: i32 = 2017;
pub const LAST_YEAR: i32 = 2024;

/// What kind of area a row describes. Ordered as listed: councils, regions, England.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    LocalAuthority,
    Region,
    England,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::LocalAuthority => "council",
            Level::Region => "region",
            Level::England => "country",
        }
    }
}

/// A council, a region or England.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub level: Level,
    /// As the DfE writes it: "County Durham", "North East", "England".
    pub name: String,
    /// The area's own code, its key: new (GSS) code of a council (`E06000047`), region code
    /// (`E12000001`), country code (`E92000001`).
    pub code: String,
    /// A council's old three-digit code (`840`); `None` for regions and England.
    pub old_la_code: Option<String>,
    /// A council's new code (the same as `code`); `None` for regions and England.
    pub new_la_code: Option<String>,
    /// The region a council belongs to (Inner or Outer London for London boroughs); `None`
    /// for regions and England.
    pub region_name: Option<String>,
    pub region_code: Option<String>,
    /// Years with a row, in order.
    pub years: Vec<i32>,
}

impl Area {
    pub fn first_year(&self) -> i32 {
        self.years.first().copied().unwrap_or(FIRST_YEAR)
    }

    pub fn last_year(&self) -> i32 {
        self.years.last().copied().unwrap_or(LAST_YEAR)
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The name with its codes: `County Durham (840, E06000047)`, `North East (E12000001)`.
    pub fn label(&self) -> String {
        match &self.old_la_code {
            Some(old) => format!("{} ({old}, {})", self.name, self.code),
            None => format!("{} ({})", self.name, self.code),
        }
    }

    /// The years as a range or list: `2017-2024`, `2019-2024`.
    pub fn years_label(&self) -> String {
        years_label(&self.years)
    }

    /// A file-name-safe lower-case form of the name: `county_durham`.
    pub fn slug(&self) -> String {
        let mut slug = String::new();
        for c in self.name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('_') {
                slug.push('_');
            }
        }
        slug.trim_end_matches('_').to_string()
    }

    /// Every code the area answers to: its own, its old code, and each part of a joined code.
    fn codes(&self) -> Vec<String> {
        let mut codes = Vec::new();
        for code in std::iter::once(&self.code).chain(&self.old_la_code) {
            codes.push(code.trim().to_ascii_lowercase());
            if code.contains('/') {
                codes.extend(code.split('/').map(|part| part.trim().to_ascii_lowercase()));
            }
        }
        codes
    }

    /// Every name the area answers to (normalised): its name, each part of a joined name, and
    /// the name without ", City of" or ", County of" ("Bristol" for "Bristol, City of").
    fn names(&self) -> Vec<String> {
        let mut names = vec![normalise(&self.name)];
        if self.name.contains(" / ") {
            names.extend(self.name.split(" / ").map(normalise));
        }
        for suffix in [", City of", ", County of"] {
            if let Some(short) = self.name.strip_suffix(suffix) {
                names.push(normalise(short));
            }
        }
        names
    }
}

/// Years as a compact label: `2017-2024`, `2017-2018, 2020`.
pub fn years_label(years: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        parts.push(if j > i { format!("{}-{}", years[i], years[j]) } else { years[i].to_string() });
        i = j + 1;
    }
    parts.join(", ")
}

/// What the DfE printed instead of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// `c`: suppressed (to protect confidentiality).
    Suppressed,
    /// `x`: unavailable.
    Unavailable,
    /// `z`: not applicable.
    NotApplicable,
    /// `u`: low reliability (not published).
    LowReliability,
    /// `low`: rounds to zero.
    Low,
    /// An empty cell.
    Empty,
}

impl Symbol {
    fn parse(text: &str) -> Option<Symbol> {
        match text {
            "c" => Some(Symbol::Suppressed),
            "x" => Some(Symbol::Unavailable),
            "z" => Some(Symbol::NotApplicable),
            "u" => Some(Symbol::LowReliability),
            "low" => Some(Symbol::Low),
            "" => Some(Symbol::Empty),
            _ => None,
        }
    }

    /// As printed in the data: `c`, `x`, `z`, `u`, `low`, or `` for an empty cell.
    pub fn code(self) -> &'static str {
        match self {
            Symbol::Suppressed => "c",
            Symbol::Unavailable => "x",
            Symbol::NotApplicable => "z",
            Symbol::LowReliability => "u",
            Symbol::Low => "low",
            Symbol::Empty => "",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Symbol::Suppressed => "suppressed",
            Symbol::Unavailable => "unavailable",
            Symbol::NotApplicable => "not applicable",
            Symbol::LowReliability => "low reliability, not published",
            Symbol::Low => "rounds to zero",
            Symbol::Empty => "empty",
        }
    }
}

impl fmt::Display for Symbol {
    /// `` `c` (suppressed) ``, or `empty` for an empty cell.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Symbol::Empty => write!(f, "empty"),
            symbol => write!(f, "`{}` ({})", symbol.code(), symbol.meaning()),
        }
    }
}

/// One cell of the data: a number, or the symbol printed instead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    Missing(Symbol),
}

impl Cell {
    /// The number, if the cell holds one (`low` is not a number: see [`Symbol::Low`]).
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Value(value) => Some(value),
            Cell::Missing(_) => None,
        }
    }

    fn parse(text: &str) -> Option<Cell> {
        let text = text.trim();
        if let Some(symbol) = Symbol::parse(text) {
            return Some(Cell::Missing(symbol));
        }
        text.parse::<f64>().ok().filter(|value| value.is_finite()).map(Cell::Value)
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Value(value) => write!(f, "{value}"),
            Cell::Missing(symbol) => write!(f, "{symbol}"),
        }
    }
}

macro_rules! fields {
    ($($variant:ident => $column:literal, $doc:literal;)*) => {
        /// A column of figures. Rates are percentages, as in the data.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field { $(#[doc = $doc] $variant,)* }

        impl Field {
            /// Every column of figures, in file order.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The column's name in the data file.
            pub fn column(self) -> &'static str {
                match self { $(Field::$variant => $column,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Field::$variant => $doc,)* }
            }
        }
    };
}

fields! {
    InpostFte => "inpost_fte", "FTE social workers in post at 30 September";
    InpostHeadcount => "inpost_headcount", "social workers in post (headcount)";
    StartersFte => "starters_fte", "FTE starters in the year to 30 September";
    StartersHeadcount => "starters_headcount", "starters (headcount)";
    LeaversFte => "leavers_fte", "FTE leavers in the year to 30 September";
    LeaversHeadcount => "leavers_headcount", "leavers (headcount)";
    TurnoverRateFte => "turnover_rate_fte", "FTE leavers / FTE in post, %";
    TurnoverRateHeadcount => "turnover_rate_headcount", "turnover by headcount, %";
    AgencyFte => "agency_fte", "FTE agency workers at 30 September";
    AgencyHeadcount => "agency_headcount", "agency workers (headcount)";
    AgencyRateFte => "agency_rate_fte", "agency FTE / (agency FTE + FTE in post), %";
    AgencyRateHeadcount => "agency_rate_headcount", "agency rate by headcount, %";
    AgencyCoverFte => "agency_cover_fte", "agency FTE covering vacancies";
    AgencyCoverRateFte => "agency_cover_rate_fte", "agency cover FTE / agency FTE, %";
    VacancyFte => "vacancy_fte", "FTE vacancies at 30 September";
    VacancyRateFte => "vacancy_rate_fte", "vacancy FTE / (vacancy FTE + FTE in post), %";
    VacancyAgencyCoverRateFte => "vacancy_agency_cover_rate_fte", "agency cover FTE / vacancy FTE, %";
    CaseHoldersFte => "case_holders_fte", "FTE holding cases, agency included";
    Cases => "cases", "cases held at 30 September";
    CaseloadFte => "caseload_fte", "cases / case-holding FTE";
    WorkingDaysLostFte => "working_days_lost_fte", "working days lost to sickness absence";
    AbsenceRateFte => "absence_rate_fte", "sickness absence rate (days lost / days available), %";
}

impl Field {
    pub const COUNT: usize = Field::ALL.len();

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.column())
    }
}

/// One area's figures for one year (30 September).
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub year: i32,
    cells: [Cell; Field::COUNT],
}

impl Figures {
    pub fn get(&self, field: Field) -> Cell {
        self.cells[field.index()]
    }

    /// The number in `field`, if there is one.
    pub fn value(&self, field: Field) -> Option<f64> {
        self.get(field).value()
    }
}

/// The whole data set: every area and its figures by year.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Councils by name (then code), regions by code, then England.
    areas: Vec<Area>,
    /// By area index: figures by year.
    figures: Vec<BTreeMap<i32, Figures>>,
    by_code: HashMap<String, usize>,
}

/// Why a data file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data file, line {line}: {message}")]
pub struct DatasetError {
    pub line: u64,
    pub message: String,
}

/// No area matches a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindError {
    pub query: String,
    /// Near matches, best first, as `Area::label`s.
    pub suggestions: Vec<String>,
}

impl fmt::Display for FindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no council, region or England matches {:?} (a name, in any case, or an old or new code)",
            self.query
        )?;
        if self.suggestions.is_empty() {
            write!(f, "; `wfsim init --list` lists them all")
        } else {
            write!(f, "; did you mean {}? (`wfsim init --list` lists them all)", self.suggestions.join(", or "))
        }
    }
}

impl std::error::Error for FindError {}

const ID_COLUMNS: [&str; 10] = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
];

impl Dataset {
    /// The embedded data, parsed once.
    pub fn embedded() -> &'static Dataset {
        static DATA: OnceLock<Dataset> = OnceLock::new();
        // The embedded file is fixed at build time and tested to parse.
        DATA.get_or_init(|| Dataset::parse(CSV).expect("the embedded DfE data parses"))
    }

    /// Parses a file in the format of `data/csww_indicators_2017_to_2024.csv`.
    pub fn parse(text: &str) -> Result<Dataset, DatasetError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| DatasetError { line: 1, message: e.to_string() })?.clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|header| header.trim() == name)
                .ok_or_else(|| DatasetError { line: 1, message: format!("no column `{name}`") })
        };
        let ids: Vec<usize> = ID_COLUMNS.iter().map(|name| column(name)).collect::<Result<_, _>>()?;
        let values: Vec<usize> = Field::ALL.iter().map(|field| column(field.column())).collect::<Result<_, _>>()?;

        let mut areas: Vec<Area> = Vec::new();
        let mut figures: Vec<BTreeMap<i32, Figures>> = Vec::new();
        let mut by_code: HashMap<String, usize> = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| DatasetError {
                line: e.position().map_or(0, |position| position.line()),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |position| position.line());
            let fail = |message: String| DatasetError { line, message };
            let id = |i: usize| record.get(ids[i]).unwrap_or("").trim();
            let year: i32 = id(0).parse().map_err(|_| fail(format!("time_period {:?} is not a year", id(0))))?;
            let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
            let area = match id(2) {
                "National" => Area {
                    level: Level::England,
                    name: id(4).to_string(),
                    code: id(3).to_string(),
                    old_la_code: None,
                    new_la_code: None,
                    region_name: None,
                    region_code: None,
                    years: Vec::new(),
                },
                "Regional" => Area {
                    level: Level::Region,
                    name: id(6).to_string(),
                    code: id(5).to_string(),
                    old_la_code: None,
                    new_la_code: None,
                    region_name: None,
                    region_code: None,
                    years: Vec::new(),
                },
                "Local authority" => {
                    let new_code = optional(id(8));
                    Area {
                        level: Level::LocalAuthority,
                        name: id(9).to_string(),
                        // Keyed by new code where there is one, else by name.
                        code: new_code.clone().unwrap_or_else(|| id(9).to_string()),
                        old_la_code: optional(id(7)),
                        new_la_code: new_code,
                        region_name: optional(id(6)),
                        region_code: optional(id(5)),
                        years: Vec::new(),
                    }
                }
                other => return Err(fail(format!("unknown geographic_level {other:?}"))),
            };
            if area.name.is_empty() || area.code.is_empty() {
                return Err(fail("a row without an area name or code".to_string()));
            }
            let mut cells = [Cell::Missing(Symbol::Empty); Field::COUNT];
            for (field, &at) in Field::ALL.iter().zip(&values) {
                let text = record.get(at).unwrap_or("");
                cells[field.index()] = Cell::parse(text).ok_or_else(|| {
                    fail(format!("{} = {text:?} is neither a number nor one of c, x, z, u, low", field.column()))
                })?;
            }
            let index = match by_code.get(&area.code) {
                Some(&index) => {
                    let known = &mut areas[index];
                    if known.level != area.level {
                        return Err(fail(format!("code {} is used by areas of different levels", area.code)));
                    }
                    // The latest row's name and codes describe the area.
                    if year > known.last_year() {
                        let years = std::mem::take(&mut known.years);
                        *known = Area { years, ..area };
                    }
                    index
                }
                None => {
                    areas.push(area.clone());
                    figures.push(BTreeMap::new());
                    by_code.insert(area.code.clone(), areas.len() - 1);
                    areas.len() - 1
                }
            };
            if figures[index].insert(year, Figures { year, cells }).is_some() {
                return Err(fail(format!("two rows for {} in {year}", areas[index].name)));
            }
            areas[index].years = figures[index].keys().copied().collect();
        }

        // Councils by name, regions by code, England last.
        let mut order: Vec<usize> = (0..areas.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&areas[a], &areas[b]);
            let key = |area: &Area| match area.level {
                Level::LocalAuthority => (area.level, area.name.to_lowercase(), area.code.clone()),
                _ => (area.level, area.code.clone(), String::new()),
            };
            key(a).cmp(&key(b))
        });
        let mut sorted_areas = Vec::with_capacity(areas.len());
        let mut sorted_figures = Vec::with_capacity(areas.len());
        let mut taken_figures: Vec<Option<BTreeMap<i32, Figures>>> = figures.into_iter().map(Some).collect();
        for &i in &order {
            sorted_areas.push(areas[i].clone());
            sorted_figures.push(taken_figures[i].take().unwrap_or_default());
        }
        let by_code = sorted_areas.iter().enumerate().map(|(i, area)| (area.code.clone(), i)).collect();
        Ok(Dataset { areas: sorted_areas, figures: sorted_figures, by_code })
    }

    /// A copy without the years after `last_year`: as the data stood then (for checking that
    /// a forecast from `last_year` looks at nothing later). Areas with no year left are
    /// dropped; the others keep their order, names and codes.
    pub fn up_to(&self, last_year: i32) -> Dataset {
        let mut areas = Vec::new();
        let mut figures = Vec::new();
        for (area, by_year) in self.areas.iter().zip(&self.figures) {
            let kept: BTreeMap<i32, Figures> =
                by_year.range(..=last_year).map(|(&year, figures)| (year, figures.clone())).collect();
            if kept.is_empty() {
                continue;
            }
            areas.push(Area { years: kept.keys().copied().collect(), ..area.clone() });
            figures.push(kept);
        }
        let by_code = areas.iter().enumerate().map(|(i, area)| (area.code.clone(), i)).collect();
        Dataset { areas, figures, by_code }
    }

    /// Every area: councils by name, then regions by code, then England.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The area with this code (its key: new code, region code or country code).
    pub fn area(&self, code: &str) -> Option<&Area> {
        self.by_code.get(code).map(|&i| &self.areas[i])
    }

    /// The area's figures for a year, if it has a row for it.
    pub fn figures(&self, area: &Area, year: i32) -> Option<&Figures> {
        self.by_code.get(&area.code).and_then(|&i| self.figures[i].get(&year))
    }

    /// The area one level up, whose figures stand in for missing ones: a council's region,
    /// a region's England; `None` for England.
    pub fn parent(&self, area: &Area) -> Option<&Area> {
        match area.level {
            Level::LocalAuthority => {
                area.region_code.as_deref().and_then(|code| self.area(code)).or_else(|| self.england())
            }
            Level::Region => self.england(),
            Level::England => None,
        }
    }

    pub fn england(&self) -> Option<&Area> {
        self.areas.iter().find(|area| area.level == Level::England)
    }

    /// Every area a query names exactly: by code (old or new, or a part of a joined code, in
    /// any case), else by name (in any case, ignoring punctuation and extra spaces; a part of a
    /// joined name counts). Several areas can share a name (Dorset): latest data first.
    pub fn find_all(&self, query: &str) -> Vec<&Area> {
        let code = query.trim().to_ascii_lowercase();
        if code.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&Area> = self.areas.iter().filter(|area| area.codes().contains(&code)).collect();
        if found.is_empty() {
            let name = normalise(query);
            found = self.areas.iter().filter(|area| area.names().contains(&name)).collect();
        }
        found.sort_by_key(|area| std::cmp::Reverse(area.last_year()));
        found
    }

    /// The area a query names (see [`Dataset::find_all`]); of areas sharing a name, the one
    /// with the latest data. If none matches, the error lists near matches.
    pub fn find(&self, query: &str) -> Result<&Area, FindError> {
        self.find_all(query)
            .into_iter()
            .next()
            .ok_or_else(|| FindError { query: query.to_string(), suggestions: self.near_matches(query) })
    }

    /// Areas whose name contains the query (or is contained in it), or is within a small edit
    /// distance of it, whole or word for word; best first, at most 8.
    pub fn near_matches(&self, query: &str) -> Vec<String> {
        let query = normalise(query);
        if query.is_empty() {
            return Vec::new();
        }
        let query_words: Vec<&str> = query.split(' ').collect();
        let allowed = (query.chars().count() / 4).max(1);
        let mut scored: Vec<(usize, &Area)> = Vec::new();
        for area in &self.areas {
            let mut best: Option<usize> = None;
            for name in area.names() {
                let score =
                    if (query.len() >= 3 && name.contains(&query)) || (query.len() >= 4 && query.contains(&name)) {
                        Some(0)
                    } else {
                        let words: Vec<&str> = name.split(' ').collect();
                        let whole = edit_distance(&query, &name);
                        let windowed = words
                            .windows(query_words.len().min(words.len()))
                            .map(|window| edit_distance(&query, &window.join(" ")))
                            .min()
                            .unwrap_or(usize::MAX);
                        Some(whole.min(windowed) + 1).filter(|&distance| distance <= allowed + 1)
                    };
                best = match (best, score) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            if let Some(score) = best {
                scored.push((score, area));
            }
        }
        scored.sort_by(|(a_score, a), (b_score, b)| a_score.cmp(b_score).then(a.level.cmp(&b.level)));
        scored.into_iter().take(8).map(|(_, area)| area.label()).collect()
    }
}

/// Lower case, `&` as `and`, punctuation as spaces, single spaces.
fn normalise(text: &str) -> String {
    let text = text.to_lowercase().replace('&', " and ");
    let spaced: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("durhm", "durham"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalise("  St. Helens "), "st helens");
        assert_eq!(normalise("Kingston upon Hull, City of"), "kingston upon hull city of");
        assert_eq!(normalise("Brighton & Hove"), "brighton and hove");
    }

    #[test]
    fn cells_are_numbers_or_symbols() {
        assert_eq!(Cell::parse("362.8"), Some(Cell::Value(362.8)));
        assert_eq!(Cell::parse("c"), Some(Cell::Missing(Symbol::Suppressed)));
        assert_eq!(Cell::parse("low"), Some(Cell::Missing(Symbol::Low)));
        assert_eq!(Cell::parse(""), Some(Cell::Missing(Symbol::Empty)));
        assert_eq!(Cell::parse("n/a"), None);
        assert_eq!(Symbol::Suppressed.to_string(), "`c` (suppressed)");
    }

    #[test]
    fn years_are_labelled_compactly() {
        assert_eq!(years_label(&[2017, 2018, 2019]), "2017-2019");
        assert_eq!(years_label(&[2017, 2018, 2020]), "2017-2018, 2020");
        assert_eq!(years_label(&[2023]), "2023");
    }

    #[test]
    fn a_bad_cell_names_its_line_and_column() {
        let header = format!(
            "{},{}",
            ID_COLUMNS.join(","),
            Field::ALL.iter().map(|field| field.column()).collect::<Vec<_>>().join(",")
        );
        let mut row = vec!["2024", "Reporting year", "National", "E92000001", "England", "", "", "", "", ""];
        let mut cells = vec!["1"; Field::COUNT];
        cells[2] = "n/a";
        row.extend(cells);
        let error = Dataset::parse(&format!("{header}\n{}\n", row.join(","))).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("starters_fte"), "{error}");
    }
}
