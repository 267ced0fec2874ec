#!/usr/bin/env python3
"""Times session-audit against the migration guide's own SQL, in one run, alternating.

    python3 bench/run.py --pg-url postgres://postgres@127.0.0.1/bench_1m --sqlite /tmp/bench_1m.sqlite3

Each round runs every variant once, in the same order, as a whole process: the guide's three
verification queries (bench/guide.sql) in psql or the sqlite3 shell, session-audit with only the
three guide checks, and session-audit with every check. Reported: the median wall time of the
rounds (after one warm-up round that is not counted), each variant's ratio to the guide's
queries, and the peak resident memory of each process. Memory is read by GNU time (/usr/bin/time,
Debian package `time`): a child forked from this Python process would inherit Python's resident
pages until exec, and its ru_maxrss could never be smaller than Python's own.
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


def variants(binary, backend, target, jobs):
    audit = [binary, "check", "--database-url", target, "--format", "json", "--sample", "20"]
    if jobs:
        audit += ["--jobs", str(jobs)]
    if backend == "postgres":
        guide = (["psql", "-X", "-q", "-f", GUIDE_SQL, target], None)
    else:
        guide = (["sqlite3", target], GUIDE_SQL)
    return [
        ("guide's 3 queries", guide[0], guide[1]),
        ("session-audit, 3 guide checks", audit + ["--only", GUIDE_CHECKS], None),
        ("session-audit, all 15 checks", audit, None),
    ]


def bench(binary, backend, target, runs, jobs):
    vs = variants(binary, backend, target, jobs)
    times = {name: [] for name, _, _ in vs}
    rss = {name: 0.0 for name, _, _ in vs}
    for round_no in range(runs + 1):
        for name, argv, stdin in vs:
            elapsed, peak, code, err = run(argv, stdin)
            if code not in (0, 1):
                sys.exit(f"{name} failed with exit code {code}: {err.strip()}")
            if round_no > 0:  # round 0 warms the cache
                times[name].append(elapsed)
                rss[name] = max(rss[name], peak)
    base = statistics.median(times[vs[0][0]])
    print(f"\n{backend}: {target} ({runs} runs each, alternating; median wall time)")
    print(f"{'variant':32} {'median s':>9} {'ratio':>7} {'peak RSS MiB':>13}")
    for name, _, _ in vs:
        m = statistics.median(times[name])
        print(f"{name:32} {m:9.3f} {m / base:7.2f} {rss[name]:13.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url")
    parser.add_argument("--sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=0, help="pass --jobs N to session-audit (0: its default)")
    parser.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "session-audit"))
    args = parser.parse_args()
    if not os.path.exists(TIME):
        sys.exit("GNU time (/usr/bin/time) is needed to measure peak memory: apt-get install time")
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")
    if args.pg_url:
        bench(args.bin, "postgres", args.pg_url, args.runs, args.jobs)
    if args.sqlite:
        bench(args.bin, "sqlite", args.sqlite, args.runs, args.jobs)


if __name__ == "__main__":
    main()
