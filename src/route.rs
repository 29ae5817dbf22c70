//! Routes of entry into post: how a social worker came to the council. Scenario files name
//! them (`university`, `step_up`, ...); the engine keeps retention tables, destinations and
//! starters per route; `wfsim fit` sorts census records into them. One type for all three.

use serde::{Deserialize, Serialize};

/// Route of entry into post, as scenario files name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Route {
    /// Newly qualified from a university course (the NQSW intake).
    University = 0,
    /// Degree apprentices, qualifying while employed.
    Apprenticeship = 1,
    StepUp = 2,
    Frontline = 3,
    /// Qualified abroad.
    Overseas = 4,
    /// Experienced social workers hired from elsewhere.
    Experienced = 5,
}

impl Route {
    pub const ALL: [Route; 6] = [
        Route::University,
        Route::Apprenticeship,
        Route::StepUp,
        Route::Frontline,
        Route::Overseas,
        Route::Experienced,
    ];
    pub const COUNT: usize = 6;

    /// Position in [`Route::ALL`], for tables kept per route.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Route::University => "university",
            Route::Apprenticeship => "apprenticeship",
            Route::StepUp => "step_up",
            Route::Frontline => "frontline",
            Route::Overseas => "overseas",
            Route::Experienced => "experienced",
        }
    }

    /// Newly qualified on joining: counts as an NQSW for the first 12 months.
    pub fn joins_newly_qualified(self) -> bool {
        !matches!(self, Route::Overseas | Route::Experienced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_those_serde_reads_and_writes_and_indexes_follow_all() {
        for (position, route) in Route::ALL.into_iter().enumerate() {
            assert_eq!(route.index(), position);
            let written = toml::Value::try_from(route).expect("a route serialises");
            assert_eq!(written.as_str(), Some(route.name()));
            let read: Route = written.try_into().expect("a route deserialises");
            assert_eq!(read, route);
        }
        assert_eq!(Route::ALL.len(), Route::COUNT);
    }
}
