#!/usr/bin/env python3
"""Times session-audit against the migration guide's own SQL, in one run, alternating.

    python3 bench/run.py --pg-url postgres://postgres@127.0.0.1/bench_1m --sqlite /tmp/bench_1m.sqlite3

Each round runs every variant once, in the same order, as a whole process: the guide's three
verification queries (bench/guide.sql) in psql or the sqlite3 shell, session-audit with only the
three guide checks, and session-audit with every check. Reported: the median wall time of the
rounds (after one warm-up round that is not counted), each variant's ratio to the guide's
queries, and the peak resident memory of each process (ru_maxrss from wait4).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GUIDE_SQL = os.path.join(HERE, "guide.sql")
GUIDE_CHECKS = "coverage,type-distribution,duplicate-times"


def run(argv, stdin_path=None):
    """Runs one process to the end; returns (seconds, peak RSS in MiB, exit status)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - started
    err = proc.stderr.read().decode(errors="replace")
    if stdin_path:
        stdin.close()
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, code, err


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
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")
    if args.pg_url:
        bench(args.bin, "postgres", args.pg_url, args.runs, args.jobs)
    if args.sqlite:
        bench(args.bin, "sqlite", args.sqlite, args.runs, args.jobs)


if __name__ == "__main__":
    main()
