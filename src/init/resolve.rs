//! Stage 1 of `wfsim init`: which area and year a query names.

use super::InitError;
use crate::dataset::{Area, Dataset, FIRST_YEAR, FindError, LAST_YEAR};

/// The area a query names, for a year if one is given: of areas sharing a name (Dorset), the
/// one with data for the year, else the latest.
pub fn resolve_area<'a>(data: &'a Dataset, query: &str, year: Option<i32>) -> Result<&'a Area, InitError> {
    let candidates = data.find_all(query);
    let Some(&latest) = candidates.first() else {
        return Err(InitError::UnknownArea(FindError {
            query: query.to_string(),
            suggestions: data.near_matches(query),
        }));
    };
    let Some(year) = year else { return Ok(latest) };
    if let Some(area) = candidates.iter().find(|area| area.has_year(year)) {
        return Ok(area);
    }
    let available = if candidates.len() == 1 {
        latest.years_label()
    } else {
        candidates
            .iter()
            .map(|area| format!("{} as {}", area.years_label(), area.label()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let range = if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        String::new()
    } else {
        format!(" (the data run from {FIRST_YEAR} to {LAST_YEAR})")
    };
    Err(InitError::NoYear { area: latest.label(), year, available: format!("{available}{range}") })
}
