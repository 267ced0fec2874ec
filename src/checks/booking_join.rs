//! The booking join: one pass of every booking joined to its session, that five checks share.
//!
//! Grouped by reminder-readiness's keys (has a session, status, effective start missing,
//! upcoming), each group also counts what dangling-session, service-mismatch,
//! legacy-time-drift and rollback-safety look for. Joining the two largest tables is what an
//! audit costs; doing it once instead of five times is most of its speed (docs/performance.md).
//! Made on first use and kept for the rest of the audit (same snapshot, same answer).
//!
//! On SQLite with two or more connections it is made in parts, ranges of booking ids that
//! each connection takes as it comes free, their groups then added up: the join is SQLite's
//! longest query by far (a lookup of each booking's session), and whole it kept one connection
//! busy for seconds after the other had run everything else. A part costs what its share of
//! the bookings costs, since each booking finds its session through the primary key. Only
//! where the bookings' id is the table's rowid (Django's `integer PRIMARY KEY`), which SQLite
//! keeps an integer: a range of integers would leave out a text or REAL id of another key.
//! PostgreSQL hashes every session for the join, once per query, so there it stays whole.

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use tokio::sync::OnceCell;

use super::{CheckContext, CheckError, CheckId, sql};
use crate::db::{BackendKind, Schema};
use crate::settings::{AuditSettings, TableRole};
use crate::sql::Bindings;

/// What the join reads: every check that takes its numbers from it needs these columns (the
/// legacy start/end times are read where they exist and NULL otherwise).
pub const READS: &[(TableRole, &[&str])] = &[
    (
        TableRole::Bookings,
        &["id", "service_session_id", "service_id", "status"],
    ),
    (
        TableRole::Sessions,
        &[
            "id",
            "service_id",
            "start_time",
            "end_time",
            "session_type",
            "visibility",
        ],
    ),
];

#[derive(Debug, Clone, QueryableByName)]
pub struct JoinGroup {
    #[diesel(sql_type = Bool)]
    pub has_session: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Bool)]
    pub start_missing: bool,
    #[diesel(sql_type = Bool)]
    pub upcoming: bool,
    #[diesel(sql_type = BigInt)]
    pub bookings: i64,
    /// An effective start that is not a timestamp (SQLite's text times only).
    #[diesel(sql_type = BigInt)]
    pub unreadable_start: i64,
    #[diesel(sql_type = BigInt)]
    pub dangling: i64,
    #[diesel(sql_type = BigInt)]
    pub service_mismatch: i64,
    #[diesel(sql_type = BigInt)]
    pub drifted: i64,
    #[diesel(sql_type = BigInt)]
    pub start_drift: i64,
    #[diesel(sql_type = BigInt)]
    pub end_drift: i64,
    /// A legacy or session time that is not a timestamp (SQLite's text times only).
    #[diesel(sql_type = BigInt)]
    pub unreadable_drift: i64,
    /// Bookings of individual/private sessions, which a rollback of services.0019 deletes.
    #[diesel(sql_type = BigInt)]
    pub individual: i64,
    /// Of those, the ones with no legacy start time to fall back to.
    #[diesel(sql_type = BigInt)]
    pub individual_losing: i64,
    /// Bookings whose session is a draft without times: not yet scheduled.
    #[diesel(sql_type = BigInt)]
    pub awaiting_schedule: i64,
}

/// How many parts the join is made in: enough that the connection that finishes its other
/// checks first still finds parts to take, few enough that each query is worth its start.
const PARTS: usize = 8;

/// The join in parts, for the connections to share (see the module's text).
#[derive(Default)]
pub struct JoinParts {
    /// How many parts (0 or 1: the whole join in one query).
    count: usize,
    /// The next part no connection has taken.
    next: AtomicUsize,
    /// The first and last booking id (none in an empty table).
    ids: OnceCell<Option<(i64, i64)>>,
    groups: Vec<OnceCell<Vec<JoinGroup>>>,
}

/// How many parts the join is made in on `connections` connections to `backend`: several on
/// SQLite when the bookings' id is the rowid (the schema reads it as generated: an INTEGER
/// PRIMARY KEY that SQLite does not index apart, see schema.sqlite.sql), else one.
pub fn parts(
    backend: BackendKind,
    connections: usize,
    schema: &Schema,
    settings: &AuditSettings,
) -> usize {
    let rowid = schema
        .column(settings.table(TableRole::Bookings), "id")
        .is_some_and(|id| id.generated);
    if backend == BackendKind::Sqlite && connections >= 2 && rowid {
        PARTS
    } else {
        1
    }
}

impl JoinParts {
    /// The join in `count` parts (1: whole).
    pub fn new(count: usize) -> Self {
        JoinParts {
            count,
            groups: (0..count).map(|_| OnceCell::new()).collect(),
            ..JoinParts::default()
        }
    }

    /// Whether a part is left that no connection has taken: a check that needs the join
    /// then has work to do, and is not waiting for another connection.
    pub fn untaken(&self) -> bool {
        self.count > 1 && self.next.load(Ordering::Relaxed) < self.count
    }

    /// Takes the next part nobody has, if any.
    pub(super) fn take(&self) -> Option<usize> {
        let part = self.next.fetch_add(1, Ordering::Relaxed);
        (part < self.count).then_some(part)
    }
}

/// The ids of part `part` of `count` over `first..=last`: `from..=through`, or none when
/// there are fewer ids than parts and this one gets none. The ranges are consecutive, the
/// first starts at `first` and the last ends at `last`, so each id is in exactly one.
fn part_range(first: i64, last: i64, part: usize, count: usize) -> Option<(i64, i64)> {
    let span = i128::from(last) - i128::from(first) + 1;
    // The first id of part k; one past the last id for k = count.
    let start = |k: usize| i128::from(first) + span * k as i128 / count as i128;
    let (from, through) = (start(part), start(part + 1) - 1);
    // Both lie within first..=last when the part is not empty, so they fit.
    (from <= through).then_some((from as i64, through as i64))
}

#[derive(QueryableByName)]
struct IdRange {
    #[diesel(sql_type = Nullable<BigInt>)]
    first_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    last_id: Option<i64>,
}

/// The join's groups, read on first use.
pub async fn booking_join(ctx: &mut CheckContext<'_>) -> Result<Vec<JoinGroup>, CheckError> {
    let shared = ctx.shared;
    if let Some(groups) = shared.booking_join.get() {
        return Ok(groups.clone());
    }
    let parts = &shared.join_parts;
    if parts.count <= 1 {
        return whole(ctx).await;
    }
    let ids = parts
        .ids
        .get_or_try_init(|| async {
            let rows: Vec<IdRange> = ctx.load(sql!(ctx, "bookings_id_range")).await?;
            Ok::<_, CheckError>(rows.first().and_then(|r| r.first_id.zip(r.last_id)))
        })
        .await?;
    // No booking: the join in one query.
    let Some((first, last)) = *ids else {
        return whole(ctx).await;
    };
    let ranges: Vec<Option<(i64, i64)>> = (0..parts.count)
        .map(|index| part_range(first, last, index, parts.count))
        .collect();
    // The parts nobody has taken first; then every part, which waits for one another
    // connection is making, or makes it again if that one failed.
    let mut took = Vec::new();
    while let Some(taken) = parts.take() {
        took.push(taken);
        if let Some(range) = ranges[taken] {
            parts.groups[taken]
                .get_or_try_init(|| part(ctx, Some(range)))
                .await?;
        }
    }
    if !took.is_empty() {
        tracing::info!(
            "{}: booking join part(s) {took:?} of {} (booking ids {first} to {last})",
            ctx.id,
            parts.count
        );
    }
    let mut made = Vec::with_capacity(parts.count);
    for (cell, range) in parts.groups.iter().zip(&ranges) {
        if let Some(range) = *range {
            made.push(cell.get_or_try_init(|| part(ctx, Some(range))).await?);
        }
    }
    let groups = added_up(made.into_iter().flatten());
    Ok(shared
        .booking_join
        .get_or_init(|| async { groups })
        .await
        .clone())
}

/// The join made in one query, once per audit.
async fn whole(ctx: &mut CheckContext<'_>) -> Result<Vec<JoinGroup>, CheckError> {
    let shared = ctx.shared;
    let groups = shared
        .booking_join
        .get_or_try_init(|| part(ctx, None))
        .await?;
    Ok(groups.clone())
}

/// The join of the bookings with ids in `range` (`from..=through`), or of every booking
/// (PostgreSQL's and MySQL's templates take no range).
async fn part(
    ctx: &mut CheckContext<'_>,
    range: Option<(i64, i64)>,
) -> Result<Vec<JoinGroup>, CheckError> {
    // The drift tolerance is legacy-time-drift's setting; the other checks do not read drift.
    let tolerance = ctx
        .settings
        .check(CheckId::LegacyTimeDrift)
        .tolerance_seconds as i64;
    ctx.load_with(sql!(ctx, "booking_join"), |b| {
        with_join_range(b.int("tolerance_seconds", tolerance), range)
    })
    .await
}

/// Binds the join's range (booking_join.sqlite.sql): a part's ids, `b."id" BETWEEN from AND
/// through`; or, for the whole join, `0 BETWEEN` every 64-bit integer, which holds for every
/// booking whatever its id. `session-audit sql` and `explain` show the whole join.
pub fn with_join_range(bindings: Bindings, range: Option<(i64, i64)>) -> Bindings {
    match range {
        Some((from, through)) => bindings
            .column("part_key", "b", "id", true)
            .int("id_from", from)
            .int("id_through", through),
        None => bindings
            .int("part_key", 0)
            .int("id_from", i64::MIN)
            .int("id_through", i64::MAX),
    }
}

/// The parts' groups as the whole join gives them: one per key, its counts added up, in the
/// order of SQLite's GROUP BY (false before true, NULL before text, text byte by byte).
fn added_up<'a>(parts: impl Iterator<Item = &'a JoinGroup>) -> Vec<JoinGroup> {
    let mut groups: Vec<JoinGroup> = Vec::new();
    for group in parts {
        match groups.iter_mut().find(|g| g.key() == group.key()) {
            Some(same) => same.add(group),
            None => groups.push(group.clone()),
        }
    }
    groups.sort_by(|a, b| a.key().cmp(&b.key()));
    groups
}

impl JoinGroup {
    fn key(&self) -> (bool, Option<&str>, bool, bool) {
        (
            self.has_session,
            self.status.as_deref(),
            self.start_missing,
            self.upcoming,
        )
    }

    /// Adds the counts of `other`, a group of the same key. Every field is named, so a count
    /// added to the struct does not compile until it is added up here too.
    fn add(&mut self, other: &JoinGroup) {
        let JoinGroup {
            has_session: _,
            status: _,
            start_missing: _,
            upcoming: _,
            bookings,
            unreadable_start,
            dangling,
            service_mismatch,
            drifted,
            start_drift,
            end_drift,
            unreadable_drift,
            individual,
            individual_losing,
            awaiting_schedule,
        } = other;
        self.bookings += bookings;
        self.unreadable_start += unreadable_start;
        self.dangling += dangling;
        self.service_mismatch += service_mismatch;
        self.drifted += drifted;
        self.start_drift += start_drift;
        self.end_drift += end_drift;
        self.unreadable_drift += unreadable_drift;
        self.individual += individual;
        self.individual_losing += individual_losing;
        self.awaiting_schedule += awaiting_schedule;
    }
}

/// One count summed over the groups.
pub fn total(groups: &[JoinGroup], count: impl Fn(&JoinGroup) -> i64) -> i64 {
    groups.iter().map(count).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts' ranges follow one another and cover every id from the first to the last,
    /// whatever the ids: few, many, or at the ends of the 64-bit range.
    #[test]
    fn each_id_falls_in_exactly_one_part() {
        for (first, last) in [
            (1, 1_000_000),
            (1, 3),
            (5, 5),
            (-10, 10),
            (i64::MIN, i64::MAX),
            (i64::MAX - 2, i64::MAX),
            (i64::MIN, i64::MIN + 1),
        ] {
            let ranges: Vec<(i64, i64)> = (0..PARTS)
                .filter_map(|part| part_range(first, last, part, PARTS))
                .collect();
            assert_eq!(ranges[0].0, first, "{first}..{last}");
            assert_eq!(ranges[ranges.len() - 1].1, last);
            for (from, through) in &ranges {
                assert!(from <= through, "{ranges:?}");
            }
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].1 + 1, pair[1].0, "{ranges:?}");
            }
        }
        // Equal shares when the ids are dense; parts without ids when they are few.
        assert_eq!(part_range(1, 800, 0, 8), Some((1, 100)));
        assert_eq!(part_range(1, 800, 7, 8), Some((701, 800)));
        let few = (0..8).filter_map(|p| part_range(1, 3, p, 8)).count();
        assert_eq!(few, 3);
    }

    fn group(status: Option<&str>, upcoming: bool, bookings: i64) -> JoinGroup {
        JoinGroup {
            has_session: true,
            status: status.map(str::to_owned),
            start_missing: false,
            upcoming,
            bookings,
            unreadable_start: 0,
            dangling: bookings,
            service_mismatch: 0,
            drifted: 0,
            start_drift: 0,
            end_drift: 0,
            unreadable_drift: 0,
            individual: 1,
            individual_losing: 0,
            awaiting_schedule: 0,
        }
    }

    /// Groups of the same key are one, their counts added; keys come in the join's order.
    #[test]
    fn parts_add_up_to_the_whole_joins_groups() {
        let parts = [
            group(Some("paid"), true, 2),
            group(None, false, 1),
            group(Some("paid"), true, 3),
            group(Some("canceled"), false, 4),
        ];
        let whole = added_up(parts.iter());
        let keys: Vec<_> = whole
            .iter()
            .map(|g| (g.status.clone(), g.bookings))
            .collect();
        assert_eq!(
            keys,
            [
                (None, 1),
                (Some("canceled".to_owned()), 4),
                (Some("paid".to_owned()), 5)
            ]
        );
        assert_eq!(whole[2].dangling, 5);
        assert_eq!(whole[2].individual, 2);
    }
}
