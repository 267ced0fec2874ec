//! Which bookings without a session `fix-sql` repairs, and how; which it leaves alone, and why.
//!
//! Pure: takes the rows read from the snapshot and the vocabulary, and asks the database
//! nothing more. Only scheduled bookings with a known status (and a legacy start time to rebuild the
//! session from) are repaired: an unknown status such as `cancelled` is usually a typo of one that
//! takes no session, so it is left alone unless the operator asks for it.

use std::collections::BTreeMap;

use diesel::sql_types::{Nullable, Text};

use crate::db::types::AnyInteger;
use crate::settings::Vocabulary;

/// A booking without a session, as `queries/fix_bookings.*.sql` reads it.
#[derive(Debug, Clone, PartialEq, diesel::QueryableByName)]
pub struct Unlinked {
    #[diesel(sql_type = AnyInteger)]
    pub booking_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    /// The legacy start time as text, for the script's comments; None when there is none.
    #[diesel(sql_type = Nullable<Text>)]
    pub start_time: Option<String>,
}

/// The one existing session a booking could be linked to, and the seats it has left, as
/// `queries/fix_link*.sql` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::QueryableByName)]
pub struct LinkCandidate {
    #[diesel(sql_type = AnyInteger)]
    pub booking_id: i64,
    #[diesel(sql_type = AnyInteger)]
    pub session_id: i64,
    #[diesel(sql_type = AnyInteger)]
    pub room: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Link to this existing session (a workshop or course at the booking's service and time).
    Link(i64),
    /// Give the booking an individual/private session of its own; the n-th such one.
    Create(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    pub booking: Unlinked,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// The status is not in `statuses.known` (NULL included).
    UnknownStatus(Option<String>),
    /// The status is one that needs no schedule (`statuses.not_scheduled`).
    NotScheduled(String),
    /// Nothing to rebuild a session from.
    NoStartTime,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Triage {
    pub repairs: Vec<Repair>,
    /// reason -> booking ids, in id order.
    pub left_alone: BTreeMap<Reason, Vec<i64>>,
}

impl Triage {
    pub fn links(&self) -> usize {
        self.repairs
            .iter()
            .filter(|r| matches!(r.action, Action::Link(_)))
            .count()
    }

    pub fn creates(&self) -> usize {
        self.repairs.len() - self.links()
    }

    pub fn left_alone_count(&self) -> usize {
        self.left_alone.values().map(Vec::len).sum()
    }
}

/// Decides every booking in `unlinked` (in id order). A link candidate is used while its
/// session has seats left for the bookings linked before it; the others get sessions of their own.
pub fn triage(
    unlinked: &[Unlinked],
    links: &[LinkCandidate],
    vocabulary: &Vocabulary,
    include_unknown_status: bool,
) -> Triage {
    let link_of: BTreeMap<i64, LinkCandidate> = links.iter().map(|l| (l.booking_id, *l)).collect();
    let mut seats_taken: BTreeMap<i64, i64> = BTreeMap::new();
    let mut triage = Triage::default();
    let mut created = 0u32;
    for booking in unlinked {
        let reason = match booking.status.as_deref() {
            Some(s) if vocabulary.not_scheduled.iter().any(|n| n == s) => {
                Some(Reason::NotScheduled(s.to_owned()))
            }
            Some(s) if vocabulary.statuses.iter().any(|k| k == s) => None,
            _ if include_unknown_status => None,
            other => Some(Reason::UnknownStatus(other.map(str::to_owned))),
        };
        let reason = reason.or_else(|| booking.start_time.is_none().then_some(Reason::NoStartTime));
        if let Some(reason) = reason {
            triage
                .left_alone
                .entry(reason)
                .or_default()
                .push(booking.booking_id);
            continue;
        }
        let link = link_of.get(&booking.booking_id).filter(|l| {
            let taken = seats_taken.entry(l.session_id).or_default();
            let fits = *taken < l.room;
            if fits {
                *taken += 1;
            }
            fits
        });
        let action = match link {
            Some(l) => Action::Link(l.session_id),
            None => {
                created += 1;
                Action::Create(created)
            }
        };
        triage.repairs.push(Repair {
            booking: booking.clone(),
            action,
        });
    }
    triage
}

/// The known status closest to `unknown`, when it looks like a typo of one.
pub fn likely_meant<'v>(unknown: &str, vocabulary: &'v Vocabulary) -> Option<&'v str> {
    vocabulary
        .statuses
        .iter()
        .map(|k| (strsim::jaro_winkler(&unknown.to_lowercase(), k), k))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booking(id: i64, status: Option<&str>, start: bool) -> Unlinked {
        Unlinked {
            booking_id: id,
            status: status.map(str::to_owned),
            start_time: start.then(|| "2025-01-15 14:00:00".to_owned()),
        }
    }

    #[test]
    fn only_scheduled_known_bookings_with_a_start_are_repaired() {
        let v = Vocabulary::default();
        let rows = [
            booking(1, Some("confirmed"), true),
            booking(2, Some("cancelled"), true),
            booking(3, Some("canceled"), true),
            booking(4, Some("confirmed"), false),
            booking(5, None, true),
            booking(6, Some("pending_payment"), true),
        ];
        let t = triage(&rows, &[], &v, false);
        let repaired: Vec<i64> = t.repairs.iter().map(|r| r.booking.booking_id).collect();
        assert_eq!(repaired, [1, 6]);
        assert_eq!(t.repairs[1].action, Action::Create(2));
        assert_eq!(
            t.left_alone[&Reason::UnknownStatus(Some("cancelled".into()))],
            [2]
        );
        assert_eq!(t.left_alone[&Reason::NotScheduled("canceled".into())], [3]);
        assert_eq!(t.left_alone[&Reason::NoStartTime], [4]);
        assert_eq!(t.left_alone[&Reason::UnknownStatus(None)], [5]);

        let t = triage(&rows, &[], &v, true);
        let repaired: Vec<i64> = t.repairs.iter().map(|r| r.booking.booking_id).collect();
        assert_eq!(
            repaired,
            [1, 2, 5, 6],
            "unknown statuses only when asked for"
        );
        assert_eq!(t.left_alone_count(), 2);
    }

    #[test]
    fn links_stop_at_the_seats_a_session_has_left() {
        let v = Vocabulary::default();
        let rows = [
            booking(1, Some("confirmed"), true),
            booking(2, Some("confirmed"), true),
            booking(3, Some("confirmed"), true),
        ];
        let links = [1, 2, 3].map(|b| LinkCandidate {
            booking_id: b,
            session_id: 9,
            room: 2,
        });
        let t = triage(&rows, &links, &v, false);
        let actions: Vec<Action> = t.repairs.iter().map(|r| r.action).collect();
        assert_eq!(
            actions,
            [Action::Link(9), Action::Link(9), Action::Create(1)]
        );
        assert_eq!((t.links(), t.creates()), (2, 1));
    }

    #[test]
    fn a_typo_names_the_status_it_likely_meant() {
        let v = Vocabulary::default();
        assert_eq!(likely_meant("cancelled", &v), Some("canceled"));
        assert_eq!(likely_meant("Confirmed", &v), Some("confirmed"));
        assert_eq!(likely_meant("zzz", &v), None);
    }
}
