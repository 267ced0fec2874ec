#!/usr/bin/env python3
"""Fills a PostgreSQL database or a SQLite file with a Django-shaped booking dataset.

    python3 bench/generate.py --bookings 1000000 --pg-url postgres://postgres@127.0.0.1/bench_1m
    python3 bench/generate.py --bookings 1000000 --sqlite /tmp/bench_1m.sqlite3

    python3 bench/generate.py --bookings 1000000 --mysql-db bench_1m   # MariaDB/MySQL, as root

The shape (see bench/README.md): 0.4 sessions per booking; 70% of sessions individual/private
with one booking each; workshops and courses (public) with about six bookings each; 0.1% of
bookings without a session (half of them scheduled); a few hundred workshop/course sessions
sharing a service and start time; current_participants counted from the bookings; the
indexes Django creates (primary keys, foreign keys). Bookings are stored in creation order,
interleaved across sessions as Django writes them (booking id j takes the place k of a fixed
permutation of 1..N), so no index walk is cheaper here than on a real table. Deterministic:
same size, same data. The database is created if missing; existing tables in it are replaced.
"""

import argparse
import os
import subprocess
import sys
import time


# Booking id j is the k-th booking of the layout, k = (j * STRIDE) mod N + 1: a permutation
# of 1..N whenever N is not a multiple of this prime, which spreads consecutive ids over
# sessions far apart (a sequential read of the table meets its sessions in random order).
STRIDE = 7919


def shape(bookings):
    if bookings % STRIDE == 0:
        sys.exit(f"--bookings must not be a multiple of {STRIDE} (the interleaving permutation)")
    sessions = bookings * 4 // 10
    individual = sessions * 7 // 10
    group = sessions - individual
    without = max(1, bookings // 1000)
    duplicate_every = max(1, group // 300)
    return dict(N=bookings, S=sessions, I=individual, G=group, U=without, M=duplicate_every)


SERVICE_OF_GROUP = "CASE WHEN {x} % 3 = 0 THEN 1801 + {x} % 200 ELSE 1401 + {x} % 400 END"
STATUS = ("CASE WHEN j % 20 < 2 THEN 'canceled' WHEN j % 20 < 8 THEN 'completed' "
          "WHEN j % 20 = 8 THEN 'pending_payment' ELSE 'confirmed' END")


def sql(dialect, p):
    pg = dialect == "postgres"
    my = dialect == "mysql"
    ts = "timestamptz" if pg else "datetime(6)" if my else "datetime"
    big = "bigint"
    # Django's SQLite primary keys are `integer NOT NULL PRIMARY KEY AUTOINCREMENT`: the rowid.
    pk = "bigint PRIMARY KEY" if pg or my else "integer NOT NULL PRIMARY KEY"

    def at(hours):
        # An hour-granular instant after 2024-01-01 00:00 UTC.
        if pg:
            return f"(timestamptz '2024-01-01 00:00:00+00' + ({hours}) * interval '1 hour')"
        if my:
            return f"(TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ({hours}) HOUR)"
        return f"datetime('2024-01-01 00:00:00', '+' || ({hours}) || ' hours')"

    def series(name, upper):
        if pg:
            return f"generate_series(1, {upper}) AS {name}(i)"
        if my:  # MariaDB's Sequence engine (MySQL has no such table)
            return f"(SELECT seq AS i FROM seq_1_to_{upper}) AS {name}"
        return f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {upper}) SELECT i FROM s) AS {name}"

    def concat(a, b):
        return f"CONCAT({a}, {b})" if my else f"{a} || {b}"

    now = "now()" if pg else "NOW(6)" if my else "'2024-01-01 00:00:00'"
    out = []
    out.append("DROP TABLE IF EXISTS bookings_booking" + (" CASCADE" if pg else ""))
    for t in ("services_servicesession", "services_service", "services_servicetype", "django_migrations"):
        out.append(f"DROP TABLE IF EXISTS {t}" + (" CASCADE" if pg else ""))
    out.append(f"CREATE TABLE services_servicetype (id {pk}, name varchar(100) NOT NULL, code varchar(50) NOT NULL UNIQUE)")
    out.append(f"CREATE TABLE services_service (id {pk}, name varchar(200) NOT NULL, service_type_id {big} NOT NULL)")
    out.append(
        f"CREATE TABLE services_servicesession (id {pk}, start_time {ts} NULL, end_time {ts} NULL, "
        f"duration integer NULL, max_participants integer NOT NULL, current_participants integer NOT NULL, "
        f"session_type varchar(20) NOT NULL, visibility varchar(20) NOT NULL, created_at {ts} NOT NULL, "
        f"updated_at {ts} NOT NULL, service_id {big} NOT NULL)")
    out.append(
        f"CREATE TABLE bookings_booking (id {pk}, status varchar(20) NOT NULL, start_time {ts} NULL, "
        f"end_time {ts} NULL, price_charged_cents integer NOT NULL, created_at {ts} NOT NULL, "
        f"updated_at {ts} NOT NULL, user_id {big} NOT NULL, service_id {big} NOT NULL, service_session_id {big} NULL)")
    out.append(f"CREATE TABLE django_migrations (id {pk}, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied {ts} NOT NULL)")
    out.append("INSERT INTO services_servicetype VALUES (1, '1-to-1', 'session'), (2, 'Workshop', 'workshop'), (3, 'Course', 'course')")
    out.append(f"INSERT INTO services_service SELECT i, " + concat("'Service '", "i") + f", CASE WHEN i <= 1400 THEN 1 WHEN i <= 1800 THEN 2 ELSE 3 END FROM {series('n', 2000)}")
    migrations = ["('services', '0017_add_session_type_and_visibility_to_servicesession')",
                  "('services', '0018_populate_session_type_and_visibility')",
                  "('services', '0019_create_servicesessions_for_existing_bookings')",
                  "('bookings', '0012_remove_meeting_url_fields')"]
    out.append("INSERT INTO django_migrations VALUES " + ", ".join(
        f"({k + 1}, {m[1:-1]}, {now})" for k, m in enumerate(migrations)))
    I, S, N, U, G, M = p["I"], p["S"], p["N"], p["U"], p["G"], p["M"]
    # Session i starts i hours after 2024-01-01: unique, except the duplicates made below.
    out.append(
        "INSERT INTO services_servicesession SELECT i, " + at("i") + ", " + at("i + 1") + ", 60, "
        f"CASE WHEN i <= {I} THEN 1 ELSE 12 END, 0, "
        f"CASE WHEN i <= {I} THEN 'individual' WHEN i % 3 = 0 THEN 'course_session' ELSE 'workshop' END, "
        f"CASE WHEN i <= {I} THEN 'private' ELSE 'public' END, {now}, {now}, "
        f"CASE WHEN i <= {I} THEN 1 + i % 1400 ELSE " + SERVICE_OF_GROUP.format(x="i") + " END "
        f"FROM {series('n', S)}")
    # Session i - 1200 has the same type and service (1200 is a multiple of 3, 400 and 200).
    out.append(
        "UPDATE services_servicesession SET start_time = " + at("id - 1200") + ", end_time = " + at("id - 1199") +
        f" WHERE id > {I + 1200} AND id % {M} = 0")
    # Every attribute below is that of layout place j; the row's id is the place's creation
    # order, and rows are written in id order (the physical order of a table Django fills).
    out.append(
        "INSERT INTO bookings_booking SELECT id, " + STATUS + ", "
        f"CASE WHEN j <= {I} THEN " + at("j") + f" WHEN j > {N - U} AND j % 2 = 0 THEN " + at("j % 5000") + " END, "
        f"CASE WHEN j <= {I} THEN " + at("j + 1") + f" WHEN j > {N - U} AND j % 2 = 0 THEN " + at("j % 5000 + 1") + " END, "
        f"9000, {now}, {now}, 1 + j % 50000, "
        f"CASE WHEN j <= {I} THEN 1 + j % 1400 WHEN j <= {N - U} THEN "
        + SERVICE_OF_GROUP.format(x=f"({I} + 1 + (j - {I}) % {G})") + " ELSE 1 + j % 1400 END, "
        f"CASE WHEN j <= {I} THEN j WHEN j <= {N - U} THEN {I} + 1 + (j - {I}) % {G} END "
        f"FROM (SELECT i AS j, (" + ("CAST(i AS bigint)" if pg else "i") + f" * {STRIDE}) % {N} + 1 AS id FROM {series('n', N)}) AS b ORDER BY id")
    # Bookings without a session are scheduled (confirmed, with a time) or drafts.
    out.append("UPDATE bookings_booking SET status = CASE WHEN start_time IS NOT NULL THEN 'confirmed' ELSE 'draft' END "
               "WHERE service_session_id IS NULL")
    # Django's foreign-key indexes, before the recount below (which SQLite runs per session).
    for table, column in (("services_service", "service_type_id"), ("services_servicesession", "service_id"),
                          ("bookings_booking", "service_id"), ("bookings_booking", "service_session_id")):
        out.append(f"CREATE INDEX {table}_{column}_idx ON {table} ({column})")
    out.append(
        "UPDATE services_servicesession SET current_participants = (SELECT COUNT(*) FROM bookings_booking b "
        "WHERE b.service_session_id = services_servicesession.id AND b.status <> 'canceled')"
        if not pg and not my else
        "UPDATE services_servicesession AS s JOIN (SELECT service_session_id AS sid, COUNT(*) AS n FROM bookings_booking "
        "WHERE service_session_id IS NOT NULL AND status <> 'canceled' GROUP BY service_session_id) AS c ON s.id = c.sid "
        "SET s.current_participants = c.n"
        if my else
        "UPDATE services_servicesession AS s SET current_participants = c.n FROM (SELECT service_session_id AS sid, "
        "COUNT(*) AS n FROM bookings_booking WHERE service_session_id IS NOT NULL AND status <> 'canceled' "
        "GROUP BY service_session_id) AS c WHERE s.id = c.sid")
    out.append("VACUUM ANALYZE" if pg else "ANALYZE TABLE bookings_booking, services_servicesession, services_service" if my else "ANALYZE")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, required=True)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--pg-url")
    target.add_argument("--sqlite")
    target.add_argument("--mysql-db", help="a MariaDB database on 127.0.0.1 as root (the mysql client)")
    args = parser.parse_args()
    p = shape(args.bookings)
    started = time.monotonic()
    if args.pg_url:
        base, db = args.pg_url.rsplit("/", 1)
        subprocess.run(["psql", "-X", "-q", f"{base}/postgres", "-c", f'CREATE DATABASE "{db}"'],
                       stderr=subprocess.DEVNULL)
        script = ";\n".join(sql("postgres", p)) + ";\n"
        # VACUUM cannot run inside the single transaction psql -1 would use; run plainly.
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", args.pg_url], input=script, text=True, check=True)
    elif args.mysql_db:
        subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-e", f"CREATE DATABASE IF NOT EXISTS `{args.mysql_db}`"], check=True)
        script = ";\n".join(sql("mysql", p)) + ";\n"
        subprocess.run(["mysql", "-uroot", "-h127.0.0.1", args.mysql_db], input=script, text=True, check=True)
    else:
        if os.path.exists(args.sqlite):
            os.remove(args.sqlite)
        script = "PRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;\nBEGIN;\n" + ";\n".join(
            sql("sqlite", p)[:-1]) + ";\nCOMMIT;\nANALYZE;\n"
        subprocess.run(["sqlite3", args.sqlite], input=script, text=True, check=True)
    print(f"generated {p['N']:,} bookings, {p['S']:,} sessions in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
