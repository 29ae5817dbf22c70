//! Errors found while loading scenarios. Every error names a file and, wherever the problem can
//! be traced to a place in a file, the 1-based line and column and the dotted key path, so that
//! a planner can go straight to the value to change.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem with a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file to change.
    pub file: PathBuf,
    /// 1-based line of the offending key or value, where known.
    pub line: Option<usize>,
    /// 1-based column (in characters) on that line, where known.
    pub column: Option<usize>,
    /// Dotted key path, like `routes.apprenticeship.cohorts[1].start`, where known.
    pub field: Option<String>,
    /// What is wrong: the bad value and what was expected.
    pub message: String,
}

impl LoadError {
    /// An error about a file as a whole (it cannot be read at all, for example).
    pub(crate) fn in_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        LoadError { file: file.into(), line: None, column: None, field: None, message: message.into() }
    }

    /// Adds a position (1-based line and column).
    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Adds the dotted key path of the offending field.
    pub(crate) fn field(mut self, field: Option<impl Into<String>>) -> Self {
        self.field = field.map(Into::into);
        self
    }
}

/// A path as text on one line: control characters (a line break in a file name) are escaped,
/// so that every error stays on one line.
pub(crate) fn path_text(path: &Path) -> String {
    path.display()
        .to_string()
        .chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

impl fmt::Display for LoadError {
    /// `file:line:column: field: message`, leaving out the parts that are not known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", path_text(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for LoadError {}

/// Every problem found, so that a planner can fix them all in one go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadErrors(pub Vec<LoadError>);

impl LoadErrors {
    pub fn iter(&self) -> std::slice::Iter<'_, LoadError> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<LoadError> for LoadErrors {
    fn from(error: LoadError) -> Self {
        LoadErrors(vec![error])
    }
}

impl From<Vec<LoadError>> for LoadErrors {
    fn from(errors: Vec<LoadError>) -> Self {
        LoadErrors(errors)
    }
}

impl<'a> IntoIterator for &'a LoadErrors {
    type Item = &'a LoadError;
    type IntoIter = std::slice::Iter<'a, LoadError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for LoadErrors {
    type Item = LoadError;
    type IntoIter = std::vec::IntoIter<LoadError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for LoadErrors {
    /// One error per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_only_the_known_parts() {
        let full = LoadError::in_file("scenarios/bad.toml", "expected a probability between 0 and 1, got 1.7")
            .at(12, 19)
            .field(Some("retention.allowance.eligible_share"));
        assert_eq!(
            full.to_string(),
            "scenarios/bad.toml:12:19: retention.allowance.eligible_share: expected a probability between 0 and 1, got 1.7"
        );
        let bare = LoadError::in_file("a.toml", "file not found");
        assert_eq!(bare.to_string(), "a.toml: file not found");
        let errors = LoadErrors(vec![bare.clone(), bare]);
        assert_eq!(errors.to_string(), "a.toml: file not found\na.toml: file not found");
    }
}
