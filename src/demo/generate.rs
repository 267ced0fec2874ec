//! The demo database's rows: a fixed seed, a Django-shaped platform, and the planted defects the
//! README lists, as one SQL script.

use std::fmt::Write as _;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How a time is written: Django's own form, or the forms hand edits and other clients leave.
#[derive(Clone, Copy)]
enum Style {
    Django,
    IsoZ,
    PlusTwo,
}

/// Minutes since 2025-01-06 00:00 UTC (a Monday), as SQLite text in the given style.
fn at_styled(minutes: u64, style: Style) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(2025, 1, 6)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let t = base + chrono::Duration::minutes(minutes as i64);
    match style {
        Style::Django => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        Style::IsoZ => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Style::PlusTwo => (t + chrono::Duration::hours(2))
            .format("%Y-%m-%d %H:%M:%S+02:00")
            .to_string(),
    }
}

fn at(minutes: u64) -> String {
    at_styled(minutes, Style::Django)
}

const DAY: u64 = 24 * 60;
const CREATED: &str = "2024-12-01 10:00:00";

#[derive(Default)]
struct Sql {
    sessions: Vec<String>,
    bookings: Vec<String>,
    after: Vec<String>,
    next_session: u64,
    next_booking: u64,
}

/// A session as the demo writes it: when, how long, who.
struct Session<'a> {
    service: u64,
    start: Option<(u64, Style)>,
    minutes: u64,
    max: u64,
    current: u64,
    kind: &'a str,
    visibility: &'a str,
}

impl Sql {
    fn session(&mut self, s: Session<'_>) -> u64 {
        self.next_session += 1;
        let (start, end) = match s.start {
            Some((m, style)) => (
                format!("'{}'", at_styled(m, style)),
                format!("'{}'", at_styled(m + s.minutes, style)),
            ),
            None => ("NULL".into(), "NULL".into()),
        };
        self.sessions.push(format!(
            "({}, {start}, {end}, {}, {}, {}, '{}', '{}', '{CREATED}', '{CREATED}', {})",
            self.next_session, s.minutes, s.max, s.current, s.kind, s.visibility, s.service
        ));
        self.next_session
    }

    /// A booking; `legacy` is its deprecated start (and end, an hour later), in minutes.
    fn booking(
        &mut self,
        service: u64,
        session: Option<u64>,
        status: &str,
        legacy: Option<u64>,
        user: u64,
    ) -> u64 {
        self.next_booking += 1;
        let session = session.map_or("NULL".into(), |s| s.to_string());
        let (start, end) = match legacy {
            Some(m) => (format!("'{}'", at(m)), format!("'{}'", at(m + 60))),
            None => ("NULL".into(), "NULL".into()),
        };
        self.bookings.push(format!(
            "({}, '{status}', {start}, {end}, 9000, '{CREATED}', '{CREATED}', {user}, {service}, {session})",
            self.next_booking
        ));
        self.next_booking
    }
}

fn one_to_one(service: u64, start: u64) -> Session<'static> {
    Session {
        service,
        start: Some((start, Style::Django)),
        minutes: 60,
        max: 1,
        current: 1,
        kind: "individual",
        visibility: "private",
    }
}

fn group(
    service: u64,
    start: Option<(u64, Style)>,
    kind: &'static str,
    visibility: &'static str,
) -> Session<'static> {
    Session {
        service,
        start,
        minutes: 90,
        max: 12,
        current: 0,
        kind,
        visibility,
    }
}

pub fn generate() -> String {
    let mut rng = Rng(20_250_115);
    let mut sql = Sql::default();
    let mut out = String::from("BEGIN;\n");

    out.push_str("INSERT INTO django_migrations (app, name, applied) VALUES ('contenttypes', '0001_initial', '2024-06-01 09:00:00'), ('auth', '0001_initial', '2024-06-01 09:00:00')");
    for n in 1..=19 {
        let _ = write!(out, ", ('services', '{n:04}_auto', '2024-06-01 09:00:00')");
    }
    for n in 1..=12 {
        let _ = write!(out, ", ('bookings', '{n:04}_auto', '2024-06-01 09:00:00')");
    }
    out.push_str(";\n");
    out.push_str("INSERT INTO services_servicetype (id, name, code, description) VALUES (1, '1-to-1 session', 'session', ''), (2, 'Coaching', 'coaching', ''), (3, 'Workshop', 'workshop', ''), (4, 'Course', 'course', '');\n");
    // Services 1-18: 1-to-1; 19-25: workshops; 26-30: courses.
    out.push_str("INSERT INTO services_service (id, name, duration_minutes, max_participants, price_cents, is_active, created_at, service_type_id) VALUES ");
    let services: Vec<String> = (1..=30u64)
        .map(|id| {
            let (kind, max, name) = match id {
                1..=18 => (1 + id % 2, 1, format!("Session {id}")),
                19..=25 => (3, 12, format!("Workshop {id}")),
                _ => (4, 10, format!("Course {id}")),
            };
            format!("({id}, '{name}', 60, {max}, 9000, 1, '{CREATED}', {kind})")
        })
        .collect();
    out.push_str(&services.join(", "));
    out.push_str(";\n");

    let statuses = [
        "confirmed",
        "confirmed",
        "confirmed",
        "completed",
        "completed",
        "canceled",
        "pending_payment",
    ];
    // 1-to-1: one private session per booking, the legacy times copied by migration 0019.
    // A canceled booking frees its seat.
    for _ in 0..3_000 {
        let service = 1 + rng.below(18);
        let start = rng.below(300) * DAY + 8 * 60 + rng.below(20) * 30;
        let status = statuses[rng.below(statuses.len() as u64) as usize];
        let mut session = one_to_one(service, start);
        session.current = u64::from(status != "canceled");
        let session = sql.session(session);
        sql.booking(
            service,
            Some(session),
            status,
            Some(start),
            1 + rng.below(900),
        );
    }
    // Two 1-to-1 sessions of one service at one time: allowed, never reported.
    for _ in 0..2 {
        let start = 40 * DAY + 10 * 60;
        let session = sql.session(one_to_one(3, start));
        sql.booking(
            3,
            Some(session),
            "confirmed",
            Some(start),
            1 + rng.below(900),
        );
    }
    // Workshops (weekly) and courses (twice a week): public sessions with several bookings.
    let mut workshop_sessions = Vec::new();
    for service in 19..=30u64 {
        let (kind, count, step) = if service <= 25 {
            ("workshop", 12, 7 * DAY)
        } else {
            ("course_session", 8, 3 * DAY)
        };
        for week in 0..count {
            let start = service * DAY + week * step + 17 * 60;
            let seats = 3 + rng.below(8);
            let mut session = group(service, Some((start, Style::Django)), kind, "public");
            session.current = seats;
            let session = sql.session(session);
            workshop_sessions.push(session);
            for _ in 0..seats {
                sql.booking(
                    service,
                    Some(session),
                    "confirmed",
                    None,
                    1 + rng.below(900),
                );
            }
        }
    }

    // Defects, on purpose. Duplicate times: a workshop twice, a course three times, and the
    // same instant written as UTC and as +02:00.
    sql.session(group(
        19,
        Some((19 * DAY + 2 * 7 * DAY + 17 * 60, Style::Django)),
        "workshop",
        "public",
    ));
    let course = 27 * DAY + 3 * 3 * DAY + 17 * 60;
    // Three sessions of one course at one time: the scheduled one and these two.
    for _ in 0..2 {
        sql.session(Session {
            max: 10,
            ..group(
                27,
                Some((course, Style::Django)),
                "course_session",
                "public",
            )
        });
    }
    sql.session(group(
        21,
        Some((21 * DAY + 4 * 7 * DAY + 17 * 60, Style::PlusTwo)),
        "workshop",
        "public",
    ));
    // Not yet scheduled: NULL start times are not duplicates of each other.
    sql.session(group(20, None, "workshop", "public"));
    sql.session(group(20, None, "workshop", "public"));
    // Unknown values and unexpected pairs, written the way hand edits write them.
    sql.session(group(
        22,
        Some((250 * DAY + 17 * 60, Style::IsoZ)),
        "Workshop",
        "public",
    ));
    sql.session(Session {
        max: 10,
        ..group(
            26,
            Some((251 * DAY + 17 * 60, Style::Django)),
            "course_session",
            "",
        )
    });
    sql.session(group(
        23,
        Some((252 * DAY + 17 * 60, Style::Django)),
        "workshop",
        "private",
    ));
    sql.session(group(
        24,
        Some((253 * DAY + 17 * 60, Style::Django)),
        "workshop",
        "private",
    ));
    // Time ranges: one session ends before it starts, one lasts longer than its duration says.
    let mut inverted = one_to_one(5, 260 * DAY + 9 * 60);
    inverted.minutes = 0;
    let inverted = sql.session(inverted);
    sql.booking(5, Some(inverted), "confirmed", Some(260 * DAY + 9 * 60), 7);
    sql.after.push(format!(
        "UPDATE services_servicesession SET end_time = '{}' WHERE id = {inverted}",
        at(260 * DAY + 8 * 60)
    ));
    let long = sql.session(one_to_one(6, 261 * DAY + 9 * 60));
    sql.booking(6, Some(long), "confirmed", Some(261 * DAY + 9 * 60), 8);
    sql.after.push(format!(
        "UPDATE services_servicesession SET end_time = '{}' WHERE id = {long}",
        at(261 * DAY + 11 * 60)
    ));
    // Capacity: counts that drifted, an overbooked workshop, a 1-to-1 session for two.
    for id in &workshop_sessions[..2] {
        sql.after.push(format!("UPDATE services_servicesession SET current_participants = current_participants + 2 WHERE id = {id}"));
    }
    sql.after.push(format!(
        "UPDATE services_servicesession SET max_participants = 2 WHERE id = {}",
        workshop_sessions[5]
    ));
    sql.after
        .push("UPDATE services_servicesession SET max_participants = 2 WHERE id = 17".into());
    // Bookings rescheduled on one side only: their legacy times drift from the session's.
    for id in [101u64, 202, 303] {
        sql.after.push(format!(
            "UPDATE bookings_booking SET start_time = datetime(start_time, '+1 day'), end_time = datetime(end_time, '+1 day') WHERE id = {id}"
        ));
    }
    // Status values typed by hand.
    for (id, status) in [
        (404u64, "cancelled"),
        (505, "cancelled"),
        (606, "cancelled"),
        (707, "Confirmed"),
    ] {
        sql.after.push(format!(
            "UPDATE bookings_booking SET status = '{status}' WHERE id = {id}"
        ));
    }
    // New-style 1-to-1 bookings without legacy times: a rollback of 0019 would lose them.
    for k in 0..4 {
        let start = 270 * DAY + 10 * 60 + k * 60;
        let session = sql.session(one_to_one(7, start));
        sql.booking(7, Some(session), "confirmed", None, 20 + k);
    }
    // Sessions whose booking was deleted, and bookings whose session was.
    for k in 0..3 {
        sql.session(one_to_one(8, 280 * DAY + 9 * 60 + k * 60));
    }
    for missing in [999_001u64, 999_002] {
        sql.booking(9, Some(missing), "confirmed", Some(285 * DAY + 9 * 60), 30);
    }
    // A booking moved to a session of another service.
    let other = sql.session(one_to_one(10, 290 * DAY + 9 * 60));
    sql.booking(11, Some(other), "confirmed", Some(290 * DAY + 9 * 60), 31);
    // Bookings the migration missed: scheduled ones block bookings.0013, the others do not.
    for (status, with_start) in [
        ("confirmed", true),
        ("confirmed", true),
        ("confirmed", true),
        ("confirmed", true),
        ("confirmed", true),
        ("confirmed", true),
        ("pending_payment", true),
        ("pending_payment", true),
        ("draft", true),
        ("draft", true),
        ("draft", true),
        ("canceled", true),
        ("canceled", true),
        ("confirmed", false),
    ] {
        let start = with_start.then(|| rng.below(300) * DAY + 9 * 60);
        sql.booking(1 + rng.below(18), None, status, start, 1 + rng.below(900));
    }

    for chunk in sql.sessions.chunks(500) {
        out.push_str("INSERT INTO services_servicesession (id, start_time, end_time, duration, max_participants, current_participants, session_type, visibility, created_at, updated_at, service_id) VALUES ");
        out.push_str(&chunk.join(", "));
        out.push_str(";\n");
    }
    for chunk in sql.bookings.chunks(500) {
        out.push_str("INSERT INTO bookings_booking (id, status, start_time, end_time, price_charged_cents, created_at, updated_at, user_id, service_id, service_session_id) VALUES ");
        out.push_str(&chunk.join(", "));
        out.push_str(";\n");
    }
    for statement in &sql.after {
        out.push_str(statement);
        out.push_str(";\n");
    }
    out.push_str("COMMIT;\n");
    out
}
