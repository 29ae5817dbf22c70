//! Stage 1 of loading: read a scenario file and every file it `extends`, parse each on its own
//! (so that syntax, type and range errors point at the right file, line and column), merge the
//! chain child over parent, and remember which file and span set every key of the result, so
//! that the checks of stage 2 can point at the line to change even in an inherited value.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::error::path_text;
use super::{Assumption, LoadError, LoadErrors, Scenario, ScenarioSpec, check};

/// Reads, merges and checks one scenario file and the files it `extends`.
pub fn load(path: &Path) -> Result<Scenario, LoadErrors> {
    load_traced(path).map(|loaded| loaded.scenario)
}

/// Loads every scenario, reporting the problems of all files together, and insists that no two
/// scenarios share a name (outputs are keyed by name).
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Scenario>, LoadErrors> {
    let mut scenarios = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    let mut first_file_by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in paths {
        match load_traced(path) {
            Ok(loaded) => {
                let name = &loaded.scenario.name;
                if let Some(first) = first_file_by_name.get(name) {
                    errors.push(loaded.duplicate_name_error(first));
                } else {
                    first_file_by_name.insert(name.clone(), path.clone());
                }
                scenarios.push(loaded.scenario);
            }
            Err(file_errors) => errors.extend(file_errors.0),
        }
    }
    if errors.is_empty() { Ok(scenarios) } else { Err(LoadErrors(errors)) }
}

/// A loaded scenario, with where its name came from (for the duplicate-name error).
struct Loaded {
    scenario: Scenario,
    name_position: LoadError,
}

impl Loaded {
    fn duplicate_name_error(&self, first: &Path) -> LoadError {
        let mut error = self.name_position.clone();
        error.message = format!(
            "the name {:?} of scenario {} is already used by scenario {}: give each scenario a different `name`",
            self.scenario.name,
            path_text(&self.scenario.file),
            path_text(first)
        );
        error
    }
}

/// The whole of stage 1 and stage 2 for one file, keeping the provenance of its name.
fn load_traced(path: &Path) -> Result<Loaded, LoadErrors> {
    let chain = read_chain(path);
    if !chain.errors.is_empty() {
        return Err(LoadErrors(chain.errors));
    }
    let mut tables = chain.tables;
    // A title belongs to its own file: an option is not titled as the baseline it extends.
    for parent in tables.iter_mut().skip(1) {
        parent.remove("title");
    }
    let mut merged = merge_chain(tables);
    merged.remove("extends");
    check_merged(path, chain.files, merged)
}

/// Loads a scenario from TOML text that is already resolved (an `extends` chain merged, as in
/// [`Scenario::resolved_toml`], possibly changed since): the text is read as a single scenario
/// file named `file`, which need not exist on disk, and goes through the same schema and check
/// stages as any file. Errors are positioned in `text` and name `file`, so `file` should say
/// where the text came from, e.g. `scenarios/baseline.toml [retention.allowance.amount_gbp = 1500]`.
/// The text may not `extends` another file.
pub fn load_resolved(text: &str, file: &Path) -> Result<Scenario, LoadErrors> {
    let source = SourceFile::new(file.to_path_buf(), text.to_string());
    let mut errors = Vec::new();
    let parsed = parse_file(&source, 0, &mut errors);
    let Some(parsed) = parsed.filter(|_| errors.is_empty()) else {
        return Err(LoadErrors(errors));
    };
    if let Some((_, origin)) = &parsed.extends {
        let message = "a resolved scenario cannot `extends` another file: its parents are already merged";
        return Err(source.error_at(origin.key.start, Some("extends".to_string()), message).into());
    }
    check_merged(file, vec![source], parsed.table).map(|loaded| loaded.scenario)
}

/// Stage 1's end and stage 2 for a merged scenario: name, provenance, schema, checks.
fn check_merged(path: &Path, files: Vec<SourceFile>, merged: Table) -> Result<Loaded, LoadErrors> {
    let name = scenario_name(&merged, path);
    let root = files.last().map_or(path, |file| file.path.as_path());
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let is_root = files.len() <= 1;
    let provenance = Provenance::new(path, files, &merged);
    let assumptions = provenance.assumptions(&merged, &name);

    let mut table = to_toml_table(merged);
    table.insert("name".to_string(), toml::Value::String(name.clone()));
    let resolved_toml = toml::to_string(&table)
        .map_err(|error| provenance.scenario_error(format!("cannot write the merged scenario as TOML: {error}")))?;
    let spec = parse_resolved(&resolved_toml, &provenance)?;

    let problems = check::check(&spec, &provenance);
    if !problems.is_empty() {
        return Err(LoadErrors(problems));
    }
    let start = spec
        .start
        .ok_or_else(|| provenance.error("start", "`start` is required: expected a month like \"2024-10\""))?;
    let name_position = provenance.key_error("name", String::new());
    let sha256 = sha256_hex(&resolved_toml);
    let scenario =
        Scenario { name, file: path.to_path_buf(), root, is_root, spec, start, resolved_toml, sha256, assumptions };
    Ok(Loaded { scenario, name_position })
}

/// The `name` field of the merged scenario, or else the file name without `.toml`.
fn scenario_name(merged: &Table, path: &Path) -> String {
    match merged.get("name").map(|node| &node.tree) {
        Some(Tree::Leaf(toml::Value::String(name))) => name.clone(),
        _ => path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default(),
    }
}

/// Reads the merged scenario into the schema. Each file has already been read on its own, so
/// an error here is rare (a field only required once the chain is merged, for example); it is
/// still traced back to the file that wrote the offending value.
fn parse_resolved(text: &str, provenance: &Provenance) -> Result<ScenarioSpec, LoadError> {
    toml::from_str::<ScenarioSpec>(text).map_err(|error| {
        let message = one_line(error.message());
        let field = error.span().and_then(|span| {
            let table = DeTable::parse(text).ok()?;
            let nodes = NodeBuilder::new(0).table(table.get_ref());
            field_at(&flatten_root(&nodes), &span)
        });
        match field {
            Some(field) => provenance.error(&field, message),
            None => provenance.scenario_error(message),
        }
    })
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

// ---------------------------------------------------------------------------------------------
// Files and positions

/// A file of the chain, kept so that byte offsets can be turned into lines and columns.
pub(crate) struct SourceFile {
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        SourceFile { path, text, line_starts }
    }

    /// 1-based line and column (counted in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self.text.get(line_start..offset).map_or(offset - line_start, |before| before.chars().count());
        (line, column + 1)
    }

    /// The comment that documents a key: the comment at the end of the line where its value
    /// ends, or else the comment lines just above the key.
    fn comment_for(&self, origin: &Origin) -> Option<String> {
        let (value_line, _) = self.line_column(origin.value.end.saturating_sub(1).max(origin.value.start));
        if let Some(comment) = self.line(value_line).and_then(trailing_comment) {
            return Some(comment);
        }
        let (key_line, _) = self.line_column(origin.key.start);
        let mut above = Vec::new();
        for line in (1..key_line).rev() {
            match self.line(line).map(str::trim) {
                Some(text) if text.starts_with('#') => above.push(text.trim_start_matches('#').trim()),
                _ => break,
            }
        }
        above.reverse();
        let joined = above.join(" ");
        (!joined.is_empty()).then_some(joined)
    }

    /// The text of a 1-based line, without its line break.
    fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text.get(start..end).map(|text| text.trim_end_matches(['\n', '\r']))
    }

    /// An error at a byte offset of this file.
    fn error_at(&self, offset: usize, field: Option<String>, message: impl Into<String>) -> LoadError {
        let (line, column) = self.line_column(offset);
        LoadError::in_file(&self.path, message).at(line, column).field(field)
    }
}

/// Why a file could not be read as text.
enum ReadFailure {
    NotFound,
    Directory,
    TooLarge,
    Io(io::Error),
    /// Not UTF-8: the valid text before the bad byte, and the bad byte.
    NotUtf8 {
        valid: String,
        byte: u8,
    },
}

impl ReadFailure {
    fn reason(&self) -> String {
        match self {
            ReadFailure::NotFound => "file not found".to_string(),
            ReadFailure::Directory => "this is a directory, expected a scenario file".to_string(),
            ReadFailure::TooLarge => {
                format!("the file is larger than {} MB, expected a scenario file", MAX_FILE_BYTES / (1024 * 1024))
            }
            ReadFailure::Io(error) => format!("cannot read the file: {error}"),
            ReadFailure::NotUtf8 { valid, byte } => format!(
                "the file is not valid UTF-8: byte 0x{byte:02x} at byte offset {} cannot be read; save the file as UTF-8",
                valid.len()
            ),
        }
    }
}

/// The largest scenario file read: far beyond any real scenario (the shipped baseline is
/// 12 KB).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a whole file as UTF-8 text.
fn read_text(path: &Path) -> Result<String, ReadFailure> {
    let metadata = fs::metadata(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => ReadFailure::NotFound,
        _ => ReadFailure::Io(error),
    })?;
    if metadata.is_dir() {
        return Err(ReadFailure::Directory);
    }
    // At most one byte more than allowed is read, so that a device (`/dev/zero`) or a huge file
    // named by mistake cannot exhaust memory.
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadFailure::TooLarge);
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid_up_to = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
        let valid = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
        ReadFailure::NotUtf8 { valid, byte }
    })
}

// ---------------------------------------------------------------------------------------------
// Reading the `extends` chain

/// The files of an `extends` chain, scenario file first, each parsed on its own.
#[derive(Default)]
struct Chain {
    files: Vec<SourceFile>,
    tables: Vec<Table>,
    errors: Vec<LoadError>,
}

/// A file to read next: the scenario itself, or the parent named by an `extends`.
struct Link {
    path: PathBuf,
    /// Where the `extends` naming this file was written; `None` for the scenario file.
    named_at: Option<Origin>,
}

/// Reads the scenario file and its ancestors, collecting every error; stops at a file that
/// cannot be read or parsed, or at a cycle.
fn read_chain(path: &Path) -> Chain {
    let mut chain = Chain::default();
    let mut seen: Vec<Option<PathBuf>> = Vec::new();
    let mut next = Some(Link { path: path.to_path_buf(), named_at: None });
    while let Some(link) = next.take() {
        let canonical = fs::canonicalize(&link.path).ok();
        if canonical.is_some() && seen.contains(&canonical) {
            chain.errors.push(chain.cycle_error(&link));
            break;
        }
        let text = match read_text(&link.path) {
            Ok(text) => text,
            Err(failure) => {
                chain.errors.push(chain.read_error(&link, &failure));
                break;
            }
        };
        let index = chain.files.len();
        chain.files.push(SourceFile::new(link.path.clone(), text));
        seen.push(canonical);
        let Some(parsed) = parse_file(&chain.files[index], index, &mut chain.errors) else {
            break;
        };
        chain.tables.push(parsed.table);
        next = parsed
            .extends
            .map(|(relative, origin)| Link { path: parent_path(&link.path, &relative), named_at: Some(origin) });
    }
    chain
}

/// `extends` is relative to the directory of the file that says it.
fn parent_path(child: &Path, relative: &str) -> PathBuf {
    child.parent().unwrap_or_else(|| Path::new("")).join(relative)
}

impl Chain {
    /// An unreadable scenario file is reported against itself; an unreadable parent against
    /// the `extends` that names it, since that is the line to fix.
    fn read_error(&self, link: &Link, failure: &ReadFailure) -> LoadError {
        if let ReadFailure::NotUtf8 { valid, .. } = failure {
            let partial = SourceFile::new(link.path.clone(), valid.clone());
            return partial.error_at(valid.len(), None, failure.reason());
        }
        match self.extends_error(link, |path| {
            format!("cannot read the parent scenario {}: {}", path_text(path), failure.reason())
        }) {
            Some(error) => error,
            None => LoadError::in_file(&link.path, failure.reason()),
        }
    }

    /// A file that extends itself, directly or through others.
    fn cycle_error(&self, link: &Link) -> LoadError {
        let cycle = self
            .files
            .iter()
            .map(|file| path_text(&file.path))
            .chain(std::iter::once(path_text(&link.path)))
            .collect::<Vec<_>>()
            .join(" -> ");
        let message = format!("`extends` makes a cycle: {cycle}");
        self.extends_error(link, |_| message.clone()).unwrap_or_else(|| LoadError::in_file(&link.path, message.clone()))
    }

    /// An error at the `extends` value that named `link`, if any did.
    fn extends_error(&self, link: &Link, message: impl Fn(&Path) -> String) -> Option<LoadError> {
        let origin = link.named_at.as_ref()?;
        let file = self.files.get(origin.file)?;
        Some(file.error_at(origin.value.start, Some("extends".to_string()), message(&link.path)))
    }
}

/// One file of the chain, parsed on its own.
struct ParsedFile {
    table: Table,
    /// The parent path as written, and where.
    extends: Option<(String, Origin)>,
}

/// Parses one file: its syntax, then the schema (types, unknown fields, ranges). Returns
/// `None` if the syntax is broken, since then nothing more can be learnt from the file.
fn parse_file(file: &SourceFile, index: usize, errors: &mut Vec<LoadError>) -> Option<ParsedFile> {
    let document = match DeTable::parse(&file.text) {
        Ok(document) => document,
        Err(error) => {
            errors.push(syntax_error(file, &error));
            return None;
        }
    };
    let mut builder = NodeBuilder::new(index);
    let table = builder.table(document.get_ref());
    let extends = extends_of(&table);
    match ScenarioSpec::deserialize(toml::de::Deserializer::from(document)) {
        // A child may leave out a field its parent gives (the `first_start` of an inherited
        // `recurring`, say): the merged scenario is read again and reports it if still missing.
        Err(error) if extends.is_some() && is_missing_field(&error) => {}
        Err(error) => errors.push(toml_error(file, &flatten_root(&table), &error)),
        Ok(spec) => {
            errors.extend(builder.problems.into_iter().map(|(span, message)| file.error_at(span.start, None, message)));
            if let Ok(toml::Value::Table(read)) = toml::Value::try_from(&spec) {
                arrays_for_tables(file, &table, &read, "", errors);
            }
        }
    }
    Some(ParsedFile { table, extends })
}

/// Serde reads a section from an array too, field by field in order (`initial = [1, 2]` would
/// set `fte_in_post` and `headcount`): refuse an array wherever the schema reads a table, by
/// comparing the file with the scenario as read.
fn arrays_for_tables(file: &SourceFile, written: &Table, read: &toml::Table, path: &str, errors: &mut Vec<LoadError>) {
    for (key, node) in written {
        if let Some(value) = read.get(key) {
            let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            array_for_table(file, node, value, &field, errors);
        }
    }
}

fn array_for_table(file: &SourceFile, node: &Node, read: &toml::Value, field: &str, errors: &mut Vec<LoadError>) {
    match (&node.tree, read) {
        (Tree::Array(_), toml::Value::Table(_)) => errors.push(file.error_at(
            node.origin.value.start,
            Some(field.to_string()),
            "invalid type: array, expected a table",
        )),
        (Tree::Array(items), toml::Value::Array(values)) => {
            for (index, (item, value)) in items.iter().zip(values).enumerate() {
                array_for_table(file, item, value, &format!("{field}[{index}]"), errors);
            }
        }
        (Tree::Table(table), toml::Value::Table(read)) => arrays_for_tables(file, table, read, field, errors),
        _ => {}
    }
}

/// A TOML syntax error, naming the key being written where the partial parse allows.
fn syntax_error(file: &SourceFile, error: &toml::de::Error) -> LoadError {
    let (partial, _) = DeTable::parse_recoverable(&file.text);
    let nodes = NodeBuilder::new(0).table(partial.get_ref());
    let mut load_error = toml_error(file, &flatten_root(&nodes), error);
    // The TOML parser says only "duplicate key": name the key, as written.
    if error.message().starts_with("duplicate key")
        && let Some(key) =
            error.span().and_then(|span| file.text.get(span)).map(str::trim).filter(|key| !key.is_empty())
    {
        load_error.message = format!("duplicate key `{key}`: a key may be set only once in a table");
    }
    load_error
}

/// A parse or schema error of one file, as a one-line message at its position.
fn toml_error(file: &SourceFile, origins: &Origins, error: &toml::de::Error) -> LoadError {
    let message = one_line(error.message());
    match error.span() {
        Some(span) => file.error_at(span.start, field_at(origins, &span), message),
        None => LoadError::in_file(&file.path, message),
    }
}

fn is_missing_field(error: &toml::de::Error) -> bool {
    error.message().starts_with("missing field")
}

/// The message without any line breaks, so that each error stays on one line.
fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join(" ")
}

fn extends_of(table: &Table) -> Option<(String, Origin)> {
    match table.get("extends") {
        Some(Node { origin, tree: Tree::Leaf(toml::Value::String(parent)) }) => Some((parent.clone(), origin.clone())),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Documents with positions, and merging

/// Where a key and its value were written.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// Index of the file in the chain (0: the scenario file).
    file: usize,
    key: Range<usize>,
    value: Range<usize>,
}

/// A value of a document, remembering where it was written.
struct Node {
    origin: Origin,
    tree: Tree,
}

enum Tree {
    Leaf(toml::Value),
    Table(Table),
    Array(Vec<Node>),
}

type Table = BTreeMap<String, Node>;

/// Dotted key path to where it was written.
type Origins = BTreeMap<String, Origin>;

/// Turns a parsed document into nodes, noting values that do not convert.
struct NodeBuilder {
    file: usize,
    problems: Vec<(Range<usize>, String)>,
}

impl NodeBuilder {
    fn new(file: usize) -> Self {
        NodeBuilder { file, problems: Vec::new() }
    }

    fn table(&mut self, table: &DeTable<'_>) -> Table {
        table
            .iter()
            .filter_map(|(key, value)| {
                let node = self.node(key.span(), value)?;
                Some((key.get_ref().to_string(), node))
            })
            .collect()
    }

    fn node(&mut self, key: Range<usize>, value: &Spanned<DeValue<'_>>) -> Option<Node> {
        let origin = Origin { file: self.file, key, value: value.span() };
        let tree = match value.get_ref() {
            DeValue::Table(table) => Tree::Table(self.table(table)),
            DeValue::Array(items) => {
                Tree::Array(items.iter().filter_map(|item| self.node(item.span(), item)).collect())
            }
            _ => match toml::Value::deserialize(ValueDeserializer::from(value.clone())) {
                Ok(leaf) => Tree::Leaf(leaf),
                Err(error) => {
                    self.problems.push((value.span(), one_line(error.message())));
                    return None;
                }
            },
        };
        Some(Node { origin, tree })
    }
}

/// Merges the chain, root ancestor first, each child over its parent.
fn merge_chain(tables: Vec<Table>) -> Table {
    let mut merged = Table::new();
    for table in tables.into_iter().rev() {
        merge_tables(&mut merged, table);
    }
    merged
}

fn merge_tables(base: &mut Table, over: Table) {
    for (key, node) in over {
        match base.get_mut(&key) {
            Some(existing) => merge_node(existing, node),
            None => {
                base.insert(key, node);
            }
        }
    }
}

/// Tables merge key by key; arrays, plain values and distributions are replaced whole.
fn merge_node(base: &mut Node, over: Node) {
    match (&mut base.tree, over.tree) {
        (Tree::Table(base_table), Tree::Table(over_table))
            if !is_distribution(base_table) && !is_distribution(&over_table) =>
        {
            merge_tables(base_table, over_table);
            base.origin = over.origin;
        }
        (_, tree) => {
            *base = Node { origin: over.origin, tree };
        }
    }
}

/// A table with a `dist` key is one uncertain parameter (see `param.rs`), not a section.
fn is_distribution(table: &Table) -> bool {
    table.contains_key("dist")
}

fn to_toml_table(table: Table) -> toml::Table {
    table.into_iter().map(|(key, node)| (key, to_toml_value(node.tree))).collect()
}

fn to_toml_value(tree: Tree) -> toml::Value {
    match tree {
        Tree::Leaf(value) => value,
        Tree::Table(table) => toml::Value::Table(to_toml_table(table)),
        Tree::Array(items) => toml::Value::Array(items.into_iter().map(|node| to_toml_value(node.tree)).collect()),
    }
}

/// The comment at the end of a line of TOML, if any: a `#` outside quoted strings.
fn trailing_comment(line: &str) -> Option<String> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => {
                let comment = line[at + 1..].trim();
                return (!comment.is_empty()).then(|| comment.to_string());
            }
            None => {}
        }
    }
    None
}

/// A node's value as plain TOML, for comparing parameters between scenarios.
fn to_value_ref(tree: &Tree) -> toml::Value {
    match tree {
        Tree::Leaf(value) => value.clone(),
        Tree::Table(table) => {
            toml::Value::Table(table.iter().map(|(key, node)| (key.clone(), to_value_ref(&node.tree))).collect())
        }
        Tree::Array(items) => toml::Value::Array(items.iter().map(|node| to_value_ref(&node.tree)).collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Key paths

/// Every dotted key path of a document (tables, arrays and their elements included).
fn flatten_root(table: &Table) -> Origins {
    let mut origins = Origins::new();
    flatten_table(table, "", &mut origins);
    origins
}

fn flatten_table(table: &Table, prefix: &str, origins: &mut Origins) {
    for (key, node) in table {
        flatten_node(node, join_key(prefix, key), origins);
    }
}

fn flatten_node(node: &Node, path: String, origins: &mut Origins) {
    match &node.tree {
        Tree::Table(table) => flatten_table(table, &path, origins),
        Tree::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_node(item, format!("{path}[{i}]"), origins);
            }
        }
        Tree::Leaf(_) => {}
    }
    origins.insert(path, node.origin.clone());
}

/// `prefix.key`, quoting keys that are not bare TOML keys.
fn join_key(prefix: &str, key: &str) -> String {
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare { key.to_string() } else { format!("{key:?}") };
    if prefix.is_empty() { key } else { format!("{prefix}.{key}") }
}

/// The key path whose key or value most tightly covers the start of an error span.
fn field_at(origins: &Origins, span: &Range<usize>) -> Option<String> {
    let at = span.start;
    let covers = |range: &Range<usize>| range.contains(&at) || (range.is_empty() && range.start == at);
    origins
        .iter()
        .filter_map(|(path, origin)| {
            let width = [&origin.key, &origin.value]
                .into_iter()
                .filter(|range| covers(range))
                .map(|range| range.len())
                .min()?;
            Some((width, std::cmp::Reverse(path.len()), path))
        })
        .min()
        .map(|(_, _, path)| path.clone())
}

/// The parent of a dotted key path: `a.b[1]` for `a.b[1].c`, `a.b` for `a.b[1]`.
fn parent_key_path(path: &str) -> Option<&str> {
    let cut = if path.ends_with(']') { path.rfind('[') } else { path.rfind('.') };
    cut.map(|at| &path[..at])
}

// ---------------------------------------------------------------------------------------------
// Provenance

/// Which file and span set every dotted key path of the merged scenario, so that the checks of
/// stage 2 can point at the value to change.
pub(crate) struct Provenance {
    scenario_file: PathBuf,
    files: Vec<SourceFile>,
    origins: Origins,
}

impl Provenance {
    fn new(scenario_file: &Path, files: Vec<SourceFile>, merged: &Table) -> Self {
        Provenance { scenario_file: scenario_file.to_path_buf(), files, origins: flatten_root(merged) }
    }

    /// An error about `field`, placed at the value that set it; for a default, at the nearest
    /// written ancestor; failing that, at the top of the scenario file.
    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> LoadError {
        self.error_in(field, message, |origin| origin.value.start)
    }

    /// Like [`Provenance::error`], but placed at the key rather than its value.
    fn key_error(&self, field: &str, message: impl Into<String>) -> LoadError {
        self.error_in(field, message, |origin| origin.key.start)
    }

    fn error_in(&self, field: &str, message: impl Into<String>, offset: impl Fn(&Origin) -> usize) -> LoadError {
        let mut path = Some(field);
        while let Some(current) = path {
            if let Some(origin) = self.origins.get(current)
                && let Some(file) = self.files.get(origin.file)
            {
                return file.error_at(offset(origin), Some(field.to_string()), message);
            }
            path = parent_key_path(current);
        }
        LoadError::in_file(&self.scenario_file, message).at(1, 1).field(Some(field))
    }

    /// An error about the scenario as a whole.
    fn scenario_error(&self, message: impl Into<String>) -> LoadError {
        LoadError::in_file(&self.scenario_file, message)
    }

    /// Every parameter of the merged scenario as written, with its source comment, in key
    /// order. A parameter is a plain value, a list of plain values or a distribution; sections
    /// and lists of tables are walked into. `name` is the scenario's final name.
    fn assumptions(&self, merged: &Table, name: &str) -> Vec<Assumption> {
        let mut found = Vec::new();
        let mut ancestors = Vec::new();
        for (key, node) in merged {
            self.collect(node, join_key("", key), &mut ancestors, &mut found);
        }
        if !found.iter().any(|a| a.parameter == "name") {
            let value = format!("{name:?}");
            let file = self.scenario_file.clone();
            found.push(Assumption {
                parameter: "name".into(),
                canonical: value.clone(),
                value,
                source: String::new(),
                file,
            });
            found.sort_by(|a, b| a.parameter.cmp(&b.parameter));
        }
        found
    }

    fn collect<'n>(&self, node: &'n Node, path: String, ancestors: &mut Vec<&'n Origin>, found: &mut Vec<Assumption>) {
        let walk_into = match &node.tree {
            Tree::Table(table) if !is_distribution(table) => {
                Some(table.iter().map(|(k, n)| (join_key(&path, k), n)).collect::<Vec<_>>())
            }
            Tree::Array(items)
                if items.iter().any(|item| matches!(&item.tree, Tree::Table(t) if !is_distribution(t))) =>
            {
                Some(items.iter().enumerate().map(|(i, n)| (format!("{path}[{i}]"), n)).collect())
            }
            _ => None,
        };
        match walk_into {
            Some(children) => {
                ancestors.push(&node.origin);
                for (child_path, child) in children {
                    self.collect(child, child_path, ancestors, found);
                }
                ancestors.pop();
            }
            None => {
                let Some(file) = self.files.get(node.origin.file) else { return };
                let value = file.text.get(node.origin.value.clone()).unwrap_or_default().trim().to_string();
                let source = std::iter::once(&node.origin)
                    .chain(ancestors.iter().rev().copied())
                    .filter(|origin| origin.file == node.origin.file)
                    .find_map(|origin| file.comment_for(origin))
                    .unwrap_or_default();
                found.push(Assumption {
                    parameter: path,
                    value,
                    canonical: to_value_ref(&node.tree).to_string(),
                    source,
                    file: file.path.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let file = SourceFile::new(PathBuf::from("a.toml"), "x = 1\nname = 'é'\n".to_string());
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(6), (2, 1));
        // The closing quote, after a two-byte character.
        assert_eq!(file.line_column(16), (2, 10));
        assert_eq!(file.line_column(999), (3, 1));
    }

    #[test]
    fn key_paths_name_array_elements_and_quote_odd_keys() {
        assert_eq!(join_key("", "routes"), "routes");
        assert_eq!(join_key("routes", "step_up"), "routes.step_up");
        assert_eq!(join_key("a", "b c"), "a.\"b c\"");
        assert_eq!(parent_key_path("a.b[1].c"), Some("a.b[1]"));
        assert_eq!(parent_key_path("a.b[1]"), Some("a.b"));
        assert_eq!(parent_key_path("a"), None);
    }

    #[test]
    fn distributions_replace_and_sections_merge() {
        let parse = |text: &str| {
            let document = DeTable::parse(text).expect("valid TOML");
            NodeBuilder::new(0).table(document.get_ref())
        };
        let parent = parse("[a]\nx = 1\ny = [1, 2]\np = { dist = \"uniform\", min = 0, max = 1 }\n");
        let child = parse("[a]\ny = [3]\np = { dist = \"normal\", mean = 0.5, sd = 0.1 }\n");
        let merged = to_toml_table(merge_chain(vec![child, parent]));
        let expected: toml::Table =
            toml::from_str("[a]\nx = 1\ny = [3]\np = { dist = \"normal\", mean = 0.5, sd = 0.1 }\n")
                .expect("valid TOML");
        assert_eq!(merged, expected);
    }
}
