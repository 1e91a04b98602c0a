"""`fivegood batch` on generated records: throughput, and peak memory as the input grows tenfold.

    python benchmarks/bench_batch.py                        # 10,000 and 100,000 records, 3 runs each
    python benchmarks/bench_batch.py 100000 1000000 --runs 5
    python benchmarks/bench_batch.py 100000 --before ../old/src   # another checkout's code, timed in the same rounds

Each run is its own process, so its peak RSS is its own (and its workers'
largest); rows go to a file in the temporary folder, and CPU time is reported
for the parent and its workers apart (less disturbed by other load than the
wall clock). Each round runs every variant in turn (one job, two jobs, and with
``--before`` the other checkout's one and two jobs), so load from other work
falls on all alike; the median of the rounds is reported with the fastest and
slowest. Rows stream through, so memory should stay flat while the input
grows. ``FIVEGOOD_BATCH_REFERENCE=1`` makes the command take the reference
path for JSON Lines too (``--reference`` times it as a variant).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

KEYS = {
    "staff": {"establishment_posts": (0, 6), "headcount": (0, 9)},
    "office": {"area_m2": (30, 120)},
    "equipment": {"fax": (0, 2), "phones": (0, 4), "copiers": (0, 2), "computers": (0, 6), "printers": (0, 3), "vehicles": (0, 2)},
    "activities": {
        k: (0, 4)
        for k in (
            "standing_committee",
            "executive_committee",
            "theory_study",
            "publicity",
            "training",
            "research",
            "participation",
            "welfare",
            "chamber_exchange",
            "investment_trade",
            "villages",
        )
    },
    "finance": {"working_funds": (30000, 90000), "investment_funds": (100000, 300000)},
}
FLAGS = {
    "party_group": ("established", "complete", "rules", "secretary_is_ufwd_deputy"),
    "staff": ("civil_servant_scope",),
    "finance": ("independent_account", "in_budget"),
}


def record(rnd: random.Random, i: int) -> dict[str, object]:
    doc: dict[str, dict[str, object]] = {"subject": {"id": f"county-{i}", "kind": "county_federation", "year": 2013}}
    for section, keys in KEYS.items():
        doc.setdefault(section, {}).update({k: rnd.randint(lo, hi) for k, (lo, hi) in keys.items() if rnd.random() > 0.02})
    for section, keys in FLAGS.items():
        doc.setdefault(section, {}).update({k: rnd.random() > 0.1 for k in keys})
    doc.setdefault("attest", {})["party-group-functioning"] = rnd.random() > 0.1
    return doc


def generate(path: Path, n: int) -> None:
    rnd = random.Random(n)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps(record(rnd, i)) + "\n")


CHILD = """
import resource, sys, time
from fivegood_core.cli import main
start = time.perf_counter()
status = main(sys.argv[1:])
elapsed = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(elapsed, me.ru_maxrss, kids.ru_maxrss, me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, file=sys.__stdout__)
"""


class Run(NamedTuple):
    """One run: seconds, peak RSS (KiB) of the parent and of its largest worker, CPU seconds of the parent and of all workers."""

    elapsed: float
    rss: int
    worker_rss: int
    cpu: float
    worker_cpu: float


def run(path: Path, jobs: int, pythonpath: str | None = None, reference: bool = False) -> Run:
    args = [
        sys.executable,
        "-c",
        CHILD,
        "batch",
        str(path),
        "-s",
        "henan/five-guarantees",
        "--as-of",
        "2014-01-01",
        "-o",
        str(path.with_suffix(".out")),
        "--jobs",
        str(jobs),
    ]
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    if reference:
        env["FIVEGOOD_BATCH_REFERENCE"] = "1"
    done = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    elapsed, rss, worker_rss, cpu, worker_cpu = done.stdout.split()
    return Run(float(elapsed), int(rss), int(worker_rss), float(cpu), float(worker_cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--before", default=None, help="a src folder of another checkout, timed beside this one")
    parser.add_argument("--reference", action="store_true", help="also time the reference path (FIVEGOOD_BATCH_REFERENCE=1)")
    opts = parser.parse_args()
    variants: list[tuple[str, int, str | None, bool]] = [("this", j, None, False) for j in opts.jobs]
    if opts.reference:
        variants += [("reference", j, None, True) for j in opts.jobs]
    if opts.before:
        variants += [("before", j, str(Path(opts.before).resolve()), False) for j in opts.jobs]
    with tempfile.TemporaryDirectory() as tmp:
        for n in opts.sizes:
            path = Path(tmp) / f"records-{n}.jsonl"
            start = time.perf_counter()
            generate(path, n)
            print(f"generated {n:,} records ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
            runs: dict[tuple[str, int], list[Run]] = {}
            for _ in range(opts.runs):
                for name, jobs, pythonpath, reference in variants:
                    runs.setdefault((name, jobs), []).append(run(path, jobs, pythonpath, reference))
            for (name, jobs), done in runs.items():
                rates = [n / r.elapsed for r in done]
                workers = f", worker {max(r.worker_rss for r in done) / 1024:.0f} MB" if jobs > 1 else ""
                cpu = statistics.median(r.cpu for r in done) / n * 1e6
                worker_cpu = statistics.median(r.worker_cpu for r in done) / n * 1e6
                print(
                    f"  {name:9} --jobs {jobs}: {statistics.median(rates):,.0f} records/s "
                    f"({min(rates):,.0f}–{max(rates):,.0f}), peak RSS {max(r.rss for r in done) / 1024:.0f} MB{workers}; "
                    f"CPU per record {cpu:.1f} µs parent, {worker_cpu:.1f} µs workers"
                )


if __name__ == "__main__":
    main()
