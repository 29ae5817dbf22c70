//! The Monte Carlo engine: one replication of one scenario, month by month.
//!
//! # The monthly step
//!
//! Month 0 is the starting position (the end of the month before the scenario's `start`).
//! Each simulated month `m = 1, 2, ...` runs these processes, in this order, and then records
//! the state at the end of the month:
//!
//! 1. **demand**: open cases follow their trend, with noise;
//! 2. **establishment**: scheduled changes to funded posts; each April, the caseload cap (if
//!    any) adds the posts needed to hold open cases within it;
//! 3. **pipelines**: new trainee cohorts start; trainees drop out; those who finish qualify
//!    into post;
//! 4. **leavers**: each worker leaves at a monthly rate (hazard) by route and tenure band,
//!    times the modifiers (retention allowance, welcome-payment clawback, caseload pressure
//!    felt over recent months), so with probability 1 - exp(-rate) in a month; with no
//!    modifier that is the monthly probability of MODEL.md, 1 - (1 - p)^(1/12) for an annual
//!    probability p. Each leaver gets a destination;
//! 5. **absence**: absent workers whose absence has ended return; others may start a long
//!    absence of random length;
//! 6. **recruitment**: the university NQSW intake in its months, then experienced hires into
//!    the posts still vacant (or at a fixed rate);
//! 7. **agency**: agency cover for the gap, up to supply and budget;
//! 8. **caseload**: case-holding FTE, capacity after the NQSW ramp-up, caseload, shortfall;
//! 9. **record** every metric.
//!
//! Steps 4 and 5 do not look at every worker every month. Each worker draws, on joining, how
//! much exposure to leaving they will take (exponential, mean 1); an exposure clock advances
//! each month by the caseload-pressure multiplier, and a worker leaves once their rate times
//! the clock's advance passes their draw: the same chance, month by month, as a fresh draw
//! each month. Absences start after a geometric wait, again the same chance as a monthly
//! draw. With each worker's standing (`standing`) fixed until a known month, the engine
//! knows for every worker when something can next happen (`due`), and the census is kept
//! up to date by changes (`workforce::Census`) rather than counted afresh. Joiners of one kind
//! go through the same standings at the same months after joining, so those are worked out
//! once per replication for each kind (`standing::Careers`) and looked up after that.
//!
//! # What is and is not modelled
//!
//! Permanent workers are individuals (route, tenure, months since qualifying, FTE, manager or
//! case holder, allowance eligibility, absence, welcome-payment clawback). Trainees are
//! individuals in their pipelines. Agency cover, demand and the establishment are aggregates.
//! Not modelled: promotion between grades (grades follow from months since qualifying and the
//! manager flag), internal moves between teams, the regional agency rules beyond a change in
//! supply, and sickness shorter than a month.

mod due;
pub mod metrics;
mod model;
pub mod rng;
mod simulate;
mod standing;
mod swings;
mod workforce;

#[cfg(test)]
mod tests;

pub use model::{MAX_MONTHS, Model};
pub use simulate::simulate;

pub use crate::route::Route;

/// Where a leaver goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    OtherCouncil = 0,
    Agency = 1,
    LeftProfession = 2,
    InternalMove = 3,
    Retirement = 4,
}

impl Destination {
    pub const ALL: [Destination; 5] = [
        Destination::OtherCouncil,
        Destination::Agency,
        Destination::LeftProfession,
        Destination::InternalMove,
        Destination::Retirement,
    ];

    /// Leaves the profession (attrition), not just this council (turnover).
    pub fn is_attrition(self) -> bool {
        matches!(self, Destination::LeftProfession | Destination::Retirement)
    }
}
