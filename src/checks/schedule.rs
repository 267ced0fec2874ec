//! Which check a free connection takes next.
//!
//! The checks share three passes (the bookings profile, the booking join, the sessions'
//! load), each made once per audit by the first check that needs it; a check that needs a pass
//! another connection is still making waits for it, and so does its connection. So a free
//! connection takes the first pending check whose passes are made or free to make, and takes a
//! check that would wait only when nothing else is left. Without that, at 10M bookings the
//! connection that had made the booking join sat idle for eight seconds behind rollback-safety,
//! which waits for the sessions' load, while every session scan queued behind it (issue 17).
//!
//! The pending checks are in start order: those that open the costliest passes first, so each
//! pass gets a connection of its own at once, then the session scans by their cost at 10M
//! (duplicate-times' grouping of every workshop and course about twice any other), so the
//! last check to finish is a short one. Results keep the registry order whatever the schedule.

use super::{CheckId, Shared};
use crate::checks::profile::ProfileSource;

/// A result several checks read, made once per audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    BookingsProfile,
    BookingJoin,
    SessionLoad,
}

impl Pass {
    /// Made, or open to one more connection: a booking join made in parts with a part no
    /// connection has taken yet (see `booking_join`). A check that needs it does not wait.
    fn made_or_open(self, shared: &Shared) -> bool {
        match self {
            Pass::BookingsProfile => shared.bookings_profile.initialized(),
            Pass::BookingJoin => shared.booking_join.initialized() || shared.join_parts.untaken(),
            Pass::SessionLoad => shared.session_load.initialized(),
        }
    }
}

/// The passes `id` reads in an audit whose profile comes from `source`: read off the queries
/// its spec declares (a unit test keeps those equal to the queries its code runs).
pub fn passes(id: CheckId, source: ProfileSource) -> Vec<Pass> {
    let queries = id.spec().queries;
    let mut passes = Vec::new();
    if queries.contains(&"bookings_profile") || queries.contains(&"bookings_profile_lean") {
        passes.push(Pass::BookingsProfile);
        if source == ProfileSource::Join {
            passes.push(Pass::BookingJoin);
        }
    }
    if queries.contains(&"booking_join") && !passes.contains(&Pass::BookingJoin) {
        passes.push(Pass::BookingJoin);
    }
    if queries.contains(&"session_load") {
        passes.push(Pass::SessionLoad);
    }
    passes
}

/// The pending checks, and those running, of one audit.
pub struct Schedule {
    pending: Vec<(usize, CheckId)>,
    running: Vec<CheckId>,
}

impl Schedule {
    /// `checks` in registry order (their index is their place in the report).
    pub fn new(checks: &[CheckId]) -> Self {
        let mut pending: Vec<(usize, CheckId)> = checks.iter().copied().enumerate().collect();
        pending.sort_by_key(|(index, id)| (start_rank(*id), *index));
        Schedule {
            pending,
            running: Vec::new(),
        }
    }

    /// The next check for a free connection, marked running: the first pending one that
    /// would not wait for a pass another connection is making, else the first pending one.
    pub fn take(&mut self, shared: &Shared) -> Option<(usize, CheckId)> {
        let position = self
            .pending
            .iter()
            .position(|(_, id)| !self.would_wait(*id, shared))
            .or_else(|| (!self.pending.is_empty()).then_some(0))?;
        let next = self.pending.remove(position);
        self.running.push(next.1);
        Some(next)
    }

    /// `id` has finished: its passes are made, or it failed to make them and the next check
    /// that needs one tries again.
    pub fn finish(&mut self, id: CheckId) {
        if let Some(position) = self.running.iter().position(|running| *running == id) {
            self.running.remove(position);
        }
    }

    /// Would `id` wait for a pass that a running check is making or waiting for?
    fn would_wait(&self, id: CheckId, shared: &Shared) -> bool {
        let source = shared.profile_source;
        passes(id, source).into_iter().any(|pass| {
            !pass.made_or_open(shared)
                && self
                    .running
                    .iter()
                    .any(|running| passes(*running, source).contains(&pass))
        })
    }
}

/// Lower starts first. Measured at 10M bookings (docs/performance.md): the sessions' load
/// about 7 s, the booking join 4-5 s, duplicate-times 1.5-2 s, each other session scan under
/// 1 s; a check served by a pass costs nothing once the pass is made.
fn start_rank(id: CheckId) -> u8 {
    let queries = id.spec().queries;
    if queries.contains(&"session_load") {
        0
    } else if queries.contains(&"booking_join") {
        1
    } else if queries.contains(&"duplicate_times") {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(schedule: &mut Schedule, shared: &Shared, n: usize) -> Vec<CheckId> {
        (0..n)
            .filter_map(|_| schedule.take(shared).map(|(_, id)| id))
            .collect()
    }

    /// The full audit at 10M: one connection makes the sessions' load, the other the join, and
    /// the second does not then queue behind the load.
    #[test]
    fn a_connection_never_takes_a_check_that_waits_while_another_is_free_to_run() {
        let shared = Shared::for_checks(CheckId::ALL, 1);
        let mut schedule = Schedule::new(CheckId::ALL);
        let first = ids(&mut schedule, &shared, 2);
        assert_eq!(first, [CheckId::Capacity, CheckId::DanglingSession]);
        // The join is not made yet, the load neither: the next free connection gets a check
        // that needs neither (a session scan), not rollback-safety or coverage.
        let (_, third) = schedule.take(&shared).unwrap();
        assert_eq!(third, CheckId::DuplicateTimes);
        assert!(passes(third, ProfileSource::Join).is_empty());
        // Every pending check that reads a pass comes after every one that does not.
        let rest = ids(&mut schedule, &shared, CheckId::ALL.len());
        let first_waiting = rest
            .iter()
            .position(|id| !passes(*id, ProfileSource::Join).is_empty())
            .unwrap();
        assert!(
            rest[first_waiting..]
                .iter()
                .all(|id| !passes(*id, ProfileSource::Join).is_empty()),
            "{rest:?}"
        );
    }

    #[test]
    fn a_finished_check_frees_its_passes_for_the_next() {
        let shared = Shared::for_checks(CheckId::ALL, 1);
        let mut schedule = Schedule::new(&[
            CheckId::Capacity,
            CheckId::OrphanSessions,
            CheckId::TypeDistribution,
        ]);
        assert_eq!(schedule.take(&shared).unwrap().1, CheckId::Capacity);
        assert_eq!(schedule.take(&shared).unwrap().1, CheckId::TypeDistribution);
        // Capacity failed to make the load: orphan-sessions may try it now.
        schedule.finish(CheckId::Capacity);
        assert!(!schedule.would_wait(CheckId::OrphanSessions, &shared));
        assert_eq!(
            schedule.take(&shared).unwrap(),
            (1, CheckId::OrphanSessions)
        );
        assert_eq!(schedule.take(&shared), None);
    }

    /// A booking join in parts (SQLite on two connections): a free connection takes a
    /// check that reads the join while a part is left, and waits for none; once every part
    /// is taken, it takes a check that needs no pass instead.
    #[test]
    fn a_join_in_parts_takes_help_until_every_part_is_taken() {
        let shared = Shared::for_checks(CheckId::ALL, 8);
        let mut schedule = Schedule::new(CheckId::ALL);
        assert_eq!(
            ids(&mut schedule, &shared, 2),
            [CheckId::Capacity, CheckId::DanglingSession]
        );
        let (_, third) = schedule.take(&shared).unwrap();
        assert!(
            passes(third, ProfileSource::Join).contains(&Pass::BookingJoin),
            "{third}"
        );
        while shared.join_parts.take().is_some() {}
        let (_, fourth) = schedule.take(&shared).unwrap();
        assert_eq!(fourth, CheckId::DuplicateTimes);
    }

    /// The migration guide's three checks on two connections: the costliest first.
    #[test]
    fn the_guide_checks_start_with_duplicate_times() {
        let checks = [
            CheckId::Coverage,
            CheckId::TypeDistribution,
            CheckId::DuplicateTimes,
        ];
        let shared = Shared::for_checks(&checks, 1);
        let mut schedule = Schedule::new(&checks);
        assert_eq!(
            ids(&mut schedule, &shared, 3),
            [
                CheckId::DuplicateTimes,
                CheckId::Coverage,
                CheckId::TypeDistribution
            ]
        );
    }
}
