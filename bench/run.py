#!/usr/bin/env python3
"""Times session-audit against the migration guide's own SQL and against the floor, paired.

    python3 bench/run.py --pg-url postgres://postgres@127.0.0.1/bench_1m --sqlite /tmp/bench_1m.sqlite3
    python3 bench/run.py --mysql-db bench_1m

Variants, each a whole process: the guide's three verification queries (bench/guide.sql) in the
operator's client (psql, the sqlite3 shell, mysql); the floor: one read of each big table
(floor_scan.sql) and one join of every booking to its session returning one row
(floor_join.sql), in the same client; session-audit with only the three guide checks; and
session-audit with every check. Each round runs every variant once, the order rotating from
round to round so no variant always follows the same one (a cache or a drifting machine hits
all alike); one warm-up round is not counted. A ratio is taken within each round (variant
over guide, variant over the join floor, same round) and the median of those per-round ratios
is reported, beside each variant's median wall time and peak resident memory. Memory is read
by GNU time (/usr/bin/time, Debian package `time`): a child forked from this Python process
would inherit Python's resident pages until exec, and its ru_maxrss could never be smaller
than Python's own.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

TIME = "/usr/bin/time"

HERE = os.path.dirname(os.path.abspath(__file__))
GUIDE_SQL = os.path.join(HERE, "guide.sql")
FLOOR_SCAN_SQL = os.path.join(HERE, "floor_scan.sql")
FLOOR_JOIN_SQL = os.path.join(HERE, "floor_join.sql")
GUIDE_CHECKS = "coverage,type-distribution,duplicate-times"


def run(argv, stdin_path=None):
    """Runs one process to the end; returns (seconds, peak RSS in MiB, exit status, stderr)."""
    fd, report = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    started = time.monotonic()
    proc = subprocess.run([TIME, "-o", report, "-f", "%M"] + argv, stdin=stdin,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.monotonic() - started
    if stdin_path:
        stdin.close()
    with open(report) as f:
        lines = [line for line in f.read().split("\n") if line.strip()]
    os.remove(report)
    peak_kib = int(lines[-1]) if lines and lines[-1].strip().isdigit() else 0
    return elapsed, peak_kib / 1024, proc.returncode, proc.stderr.decode(errors="replace")


GUIDE = "guide's 3 queries"
FLOOR_JOIN = "floor: one join"


def client(backend, target, script):
    """The operator's client running one SQL file: (argv, stdin path)."""
    if backend == "postgres":
        return ["psql", "-X", "-q", "-f", script, target], None
    if backend == "mysql":
        return ["mysql", "-uroot", "-h127.0.0.1", target], script
    return ["sqlite3", target], script


def variants(binary, backend, target, jobs, baseline=None):
    url = f"mysql://root@127.0.0.1/{target}" if backend == "mysql" else target

    def audit(program):
        argv = [program, "check", "--database-url", url, "--format", "json", "--sample", "20"]
        return argv + ["--jobs", str(jobs)] if jobs else argv

    vs = [
        (GUIDE, *client(backend, target, GUIDE_SQL)),
        ("floor: read each table", *client(backend, target, FLOOR_SCAN_SQL)),
        (FLOOR_JOIN, *client(backend, target, FLOOR_JOIN_SQL)),
        ("session-audit, 3 guide checks", audit(binary) + ["--only", GUIDE_CHECKS], None),
        ("session-audit, all 15 checks", audit(binary), None),
    ]
    if baseline:
        # A change measured against the build before it, in the same paired rounds.
        vs += [
            ("baseline, 3 guide checks", audit(baseline) + ["--only", GUIDE_CHECKS], None),
            ("baseline, all 15 checks", audit(baseline), None),
        ]
    return vs


def bench(binary, backend, target, runs, jobs, baseline=None):
    vs = variants(binary, backend, target, jobs, baseline)
    times = {name: [] for name, _, _ in vs}
    rss = {name: 0.0 for name, _, _ in vs}
    for round_no in range(runs + 1):
        order = vs[round_no % len(vs):] + vs[:round_no % len(vs)]
        elapsed_now = {}
        for name, argv, stdin in order:
            elapsed, peak, code, err = run(argv, stdin)
            if code not in (0, 1):
                sys.exit(f"{name} failed with exit code {code}: {err.strip()}")
            elapsed_now[name] = elapsed
            rss[name] = max(rss[name], peak)
        if round_no > 0:  # round 0 warms the cache
            for name in elapsed_now:
                times[name].append(elapsed_now[name])
    print(f"\n{backend}: {target} ({runs} paired rounds, order rotating; medians)")
    print(f"{'variant':32} {'median s':>9} {'× guide':>8} {'range':>12} {'× join':>7} {'peak RSS MiB':>13}")
    for name, _, _ in vs:
        over_guide = [t / g for t, g in zip(times[name], times[GUIDE])]
        over_join = [t / j for t, j in zip(times[name], times[FLOOR_JOIN])]
        spread = f"{min(over_guide):.2f}-{max(over_guide):.2f}"
        print(f"{name:32} {statistics.median(times[name]):9.3f} {statistics.median(over_guide):8.2f} "
              f"{spread:>12} {statistics.median(over_join):7.2f} {rss[name]:13.1f}")
    if baseline:
        # The change itself: this build over the baseline, round by round (both ran in each).
        for mine, theirs in (("session-audit, 3 guide checks", "baseline, 3 guide checks"),
                             ("session-audit, all 15 checks", "baseline, all 15 checks")):
            ratios = [m / b for m, b in zip(times[mine], times[theirs])]
            print(f"{mine} over {theirs}: median {statistics.median(ratios):.2f} "
                  f"(rounds {', '.join(f'{r:.2f}' for r in ratios)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url")
    parser.add_argument("--sqlite")
    parser.add_argument("--mysql-db", help="a MariaDB/MySQL database on 127.0.0.1, as root")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=0, help="pass --jobs N to session-audit (0: its default)")
    parser.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "session-audit"))
    parser.add_argument("--baseline-bin", help="another build (say, of the previous commit) timed in the same rounds")
    args = parser.parse_args()
    if not os.path.exists(TIME):
        sys.exit("GNU time (/usr/bin/time) is needed to measure peak memory: apt-get install time")
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")
    if args.pg_url:
        bench(args.bin, "postgres", args.pg_url, args.runs, args.jobs, args.baseline_bin)
    if args.sqlite:
        bench(args.bin, "sqlite", args.sqlite, args.runs, args.jobs, args.baseline_bin)
    if args.mysql_db:
        bench(args.bin, "mysql", args.mysql_db, args.runs, args.jobs, args.baseline_bin)


if __name__ == "__main__":
    main()
