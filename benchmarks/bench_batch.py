"""`fivegood batch` on generated records: throughput, and peak memory as the input grows tenfold.

    python benchmarks/bench_batch.py              # 10,000 and 100,000 records
    python benchmarks/bench_batch.py 20000 200000

Each size runs in its own process, so its peak RSS is its own. Rows stream
through, so memory should stay flat while the input grows.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
print(f"{elapsed} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.__stdout__)
"""


def run(path: Path, n: int, jobs: int) -> tuple[float, int]:
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
        os.devnull,
        "--jobs",
        str(jobs),
    ]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    elapsed, rss = done.stdout.split()
    return float(elapsed), int(rss)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"records-{n}.jsonl"
            start = time.perf_counter()
            generate(path, n)
            print(f"generated {n:,} records ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
            for jobs in (1, 2):
                elapsed, rss = run(path, n, jobs)
                print(f"  --jobs {jobs}: {n / elapsed:,.0f} records/s ({elapsed:.1f} s), peak RSS {rss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
