#!/usr/bin/env python3
"""Times a fleet audit (`check --targets`) against auditing the same databases one by one.

    python3 bench/fleet.py --pg-url postgres://postgres@127.0.0.1 --small 20 --large 2

Makes (once; --regenerate to redo) `--small` PostgreSQL databases of `--small-bookings`
bookings and `--large` of `--large-bookings`, with bench/generate.py (Django's tables, bookings
interleaved across sessions), named fleet_small_NN and fleet_large_NN. Then, in paired rounds
whose order alternates, one unmeasured warm-up first:
- sequential: session-audit run once per database, one after the other, as a shell loop over
  the databases would (the wall time of all of them);
- fleet: one `session-audit check --targets targets.toml` with `--parallel N` for each N asked.
Prints each variant's median wall time, the median of its per-round ratio to the sequential
runs, and the peak resident memory of one process (GNU time), and checks that the fleet's
verdict per target is the one each database gets alone.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIME = "/usr/bin/time"


def timed(argv):
    """(seconds, peak RSS MiB, exit code, stdout) of one process."""
    fd, report = tempfile.mkstemp(prefix="fleet-time-")
    os.close(fd)
    started = time.monotonic()
    proc = subprocess.run([TIME, "-o", report, "-f", "%M"] + argv, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    elapsed = time.monotonic() - started
    with open(report) as f:
        lines = [line for line in f.read().split("\n") if line.strip()]
    os.remove(report)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else 0.0
    return elapsed, peak, proc.returncode, proc.stdout.decode()


def database_exists(base, name):
    out = subprocess.run(["psql", "-X", "-Atq", f"{base}/postgres", "-c",
                          f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip() == "1"


def ensure(base, name, bookings, regenerate):
    if regenerate or not database_exists(base, name):
        print(f"generating {name} ({bookings:,} bookings)", flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--bookings",
                        str(bookings), "--pg-url", f"{base}/{name}"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", required=True, help="the server, without a database")
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=2)
    parser.add_argument("--small-bookings", type=int, default=10_001)
    parser.add_argument("--large-bookings", type=int, default=1_000_000)
    parser.add_argument("--parallel", default="1,2,4", help="the --parallel values to time")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "session-audit"))
    args = parser.parse_args()
    if not os.path.exists(TIME):
        sys.exit("GNU time (/usr/bin/time) is needed to measure peak memory: apt-get install time")
    base = args.pg_url.rstrip("/")
    names = [f"fleet_small_{i:02}" for i in range(args.small)] + \
            [f"fleet_large_{i:02}" for i in range(args.large)]
    for name in names:
        ensure(base, name, args.large_bookings if "large" in name else args.small_bookings,
               args.regenerate)
    work = tempfile.mkdtemp(prefix="fleet-bench-")
    targets = os.path.join(work, "targets.toml")
    with open(targets, "w") as f:
        for name in names:
            f.write(f'[[target]]\nname = "{name}"\nurl = "{base}/{name}"\n\n')

    def one_by_one():
        started = time.monotonic()
        peak = 0.0
        verdicts = {}
        for name in names:
            _, rss, _, out = timed([args.bin, "check", "--database-url", f"{base}/{name}", "--format", "json"])
            peak = max(peak, rss)
            verdicts[name] = json.loads(out)["verdict"]
        return time.monotonic() - started, peak, verdicts

    def fleet(parallel):
        elapsed, rss, _, out = timed([args.bin, "check", "--targets", targets, "--format", "json",
                                      "--parallel", str(parallel)])
        report = json.loads(out)
        return elapsed, rss, {t["name"]: t["report"]["verdict"] for t in report["targets"]}

    parallels = [int(p) for p in args.parallel.split(",")]
    variants = [("one by one", one_by_one)] + [
        (f"fleet, --parallel {p}", (lambda p=p: fleet(p))) for p in parallels]
    times = {name: [] for name, _ in variants}
    peaks = {name: 0.0 for name, _ in variants}
    alone = None
    for round_no in range(args.runs + 1):
        order = variants if round_no % 2 == 0 else list(reversed(variants))
        for name, run in order:
            elapsed, peak, verdicts = run()
            if name == "one by one":
                alone = verdicts
            elif alone is not None and verdicts != alone:
                sys.exit(f"{name}: verdicts differ from the databases audited alone: {verdicts} vs {alone}")
            peaks[name] = max(peaks[name], peak)
            if round_no > 0:
                times[name].append(elapsed)
    print(f"\n{len(names)} databases ({args.small} of {args.small_bookings:,} bookings, "
          f"{args.large} of {args.large_bookings:,}); {args.runs} paired rounds, medians")
    print(f"{'variant':24} {'median s':>9} {'× one by one':>13} {'range':>12} {'peak RSS MiB':>13}")
    base_times = times["one by one"]
    for name, _ in variants:
        ratios = [t / b for t, b in zip(times[name], base_times)]
        print(f"{name:24} {statistics.median(times[name]):9.3f} {statistics.median(ratios):13.2f} "
              f"{min(ratios):5.2f}-{max(ratios):<6.2f} {peaks[name]:13.1f}")


if __name__ == "__main__":
    main()
