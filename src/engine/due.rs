//! What is next due for each worker: the one thing the engine reads about every worker every
//! month. Everything else about a worker is looked at only when something is due.
//!
//! Kept as two plain arrays beside `Replication::workers` (same order), so that finding this
//! month's few due workers among hundreds is a compare over contiguous numbers, which the
//! compiler turns into vector instructions.

use super::workforce::Worker;

/// The workers' due points, in the order of the workers.
#[derive(Debug, Clone, Default)]
pub struct DueList {
    /// The reading of the exposure clock at which each worker leaves.
    leaving_exposure: Vec<f64>,
    /// The next month in which each worker's standing changes or an absence starts or ends.
    event_month: Vec<i32>,
}

impl DueList {
    #[cfg(test)]
    pub fn new(workers: &[Worker]) -> DueList {
        let mut due = DueList::default();
        due.fill(workers);
        due
    }

    /// Empties the list, keeping its memory.
    pub fn clear(&mut self) {
        self.leaving_exposure.clear();
        self.event_month.clear();
    }

    /// Adds `workers` at the end.
    pub fn fill(&mut self, workers: &[Worker]) {
        for worker in workers {
            self.push(worker);
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.event_month.len()
    }

    /// Adds a worker at the end.
    pub fn push(&mut self, worker: &Worker) {
        let (exposure, month) = due_points(worker);
        self.leaving_exposure.push(exposure);
        self.event_month.push(month);
    }

    /// Works out again what is due for the worker at `position`, after a change.
    pub fn update(&mut self, position: usize, worker: &Worker) {
        (self.leaving_exposure[position], self.event_month[position]) = due_points(worker);
    }

    /// Removes the worker at `position`, as `Vec::swap_remove` does to the workers.
    pub fn swap_remove(&mut self, position: usize) {
        self.leaving_exposure.swap_remove(position);
        self.event_month.swap_remove(position);
    }

    /// Puts into `out`, ascending, the positions among the first `count` workers at which
    /// something is due by `month`, or leaving by the clock reading `clock`.
    pub fn due_by(&self, month: i32, clock: f64, count: usize, out: &mut Vec<usize>) {
        out.clear();
        let months = &self.event_month[..count];
        let exposures = &self.leaving_exposure[..count];
        let whole_blocks = months.chunks_exact(64).zip(exposures.chunks_exact(64));
        let last_block = (months.chunks_exact(64).remainder(), exposures.chunks_exact(64).remainder());
        for (block, (months, exposures)) in whole_blocks.chain([last_block]).enumerate() {
            let mut due = due_mask(months, exposures, month, clock);
            while due != 0 {
                out.push(block * 64 + due.trailing_zeros() as usize);
                due &= due - 1;
            }
        }
    }
}

/// Bit `i` set if worker `i` of a block (at most 64) is due. No branches, so that the
/// compiler can compare several workers at once.
#[inline(always)]
fn due_mask(months: &[i32], exposures: &[f64], month: i32, clock: f64) -> u64 {
    let mut mask = 0;
    for (i, (&event_month, &leaving_exposure)) in months.iter().zip(exposures).enumerate() {
        mask |= u64::from((event_month <= month) | (leaving_exposure <= clock)) << i;
    }
    mask
}

/// The worker's leaving point on the exposure clock and next event month: the first month
/// after their standing's last, or when their absence ends or the next one starts.
fn due_points(worker: &Worker) -> (f64, i32) {
    let absence_event = if worker.absent { worker.absent_until.saturating_add(1) } else { worker.next_absence };
    (worker.leaving_exposure(), worker.standing.until.saturating_add(1).min(absence_event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Route;
    use crate::engine::rng::Key;
    use crate::engine::workforce::NEVER_FROM;

    fn worker(event_month: i32, leaving_exposure: f64) -> Worker {
        let mut worker = Worker::new(Key::replication(1, 0), Route::University, 1.0, 0, 0);
        worker.standing.until = event_month - 1;
        worker.next_absence = NEVER_FROM;
        worker.standing.leaving_rate = 1.0;
        worker.exposure_anchor = 0.0;
        worker.exposure_left = leaving_exposure;
        worker
    }

    #[test]
    fn finds_exactly_the_due_workers_across_blocks() {
        // 150 workers: whole blocks of 64 and a part block; due ones scattered through all.
        let workers: Vec<Worker> = (0..150)
            .map(|i| match i % 7 {
                0 => worker(5, 100.0),   // an event this month
                3 => worker(50, 4.5),    // leaves by the clock
                _ => worker(6 + i, 9.0), // nothing yet
            })
            .collect();
        let due = DueList::new(&workers);
        let mut out = Vec::new();
        due.due_by(5, 4.5, workers.len(), &mut out);
        let expected: Vec<usize> = (0..150).filter(|i| i % 7 == 0 || i % 7 == 3).collect();
        assert_eq!(out, expected);
        // Only the first `count` are looked at.
        due.due_by(5, 4.5, 64, &mut out);
        assert_eq!(out, expected.iter().copied().filter(|&i| i < 64).collect::<Vec<_>>());
        due.due_by(5, 4.5, 0, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn follows_the_workers_through_updates_and_removals() {
        let mut workers = vec![worker(10, 100.0), worker(3, 100.0), worker(10, 2.0)];
        let mut due = DueList::new(&workers);
        let mut out = Vec::new();
        due.due_by(3, 2.0, 3, &mut out);
        assert_eq!(out, [1, 2]);
        workers[1] = worker(20, 100.0);
        due.update(1, &workers[1]);
        due.swap_remove(0);
        workers.swap_remove(0);
        // Worker 2 (leaving at 2.0) is now at position 0.
        due.due_by(3, 2.0, 2, &mut out);
        assert_eq!(out, [0]);
        assert_eq!(due.len(), 2);
    }
}
