"""Assessments per second into the register, for 10,000 Ningbo chambers, on SQLite and (if given) PostgreSQL.

    python benchmarks/bench_register.py                        # SQLite only, 10,000 subjects
    python benchmarks/bench_register.py 2000                   # fewer subjects
    FIVEGOOD_TEST_POSTGRES=postgresql://postgres@127.0.0.1:54329/postgres python benchmarks/bench_register.py

Not a timed test: it records numbers. Each chamber's evidence is submitted
through the register's API first (not timed); then every chamber is assessed,
one transaction and one audit entry each, as `fivegood register assess --all`
does, and the rate is printed. PostgreSQL gets a fresh database, dropped after.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid

from fivegood_core.register import Register

PROGRAMME = "ningbo/five-have-five-good-chambers"
DISTRICTS = ("jiangbei", "yinzhou", "haishu", "beilun", "zhenhai")


def evidence(rnd: random.Random, i: int) -> bytes:
    attest = "\n".join(
        f"good-{k} = {str(rnd.random() > 0.05).lower()}"
        for k in ("leadership", "self-discipline", "member-services", "role", "party-building")
    )
    return (
        f'[subject]\nid = "chamber-{i}"\nname = "商会{i}"\nkind = "chamber"\njurisdiction = "ningbo"\ndistrict = "{rnd.choice(DISTRICTS)}"\nyear = 2010\n\n'
        f"[staff]\nheadcount = {rnd.randint(0, 6)}\n\n[office]\narea_m2 = {rnd.randint(0, 80)}\n\n[governance]\nrules = {str(rnd.random() > 0.1).lower()}\n\n"
        f"[activities]\nevents = {rnd.randint(0, 9)}\n\n[finance]\nworking_funds = {rnd.randint(0, 90000)}\n\n[attest]\n{attest}\n"
    ).encode("utf-8")


def run(url: str, n: int, label: str) -> None:
    rnd = random.Random(2010)
    on = dt.date(2010, 12, 1)
    with Register.init(url, actor="bench") as reg:
        start = time.perf_counter()
        for i in range(n):
            reg.submit(PROGRAMME, evidence(rnd, i), f"chamber-{i}.toml", on=on, actor="bench")
        submitted = time.perf_counter() - start
        start = time.perf_counter()
        verdicts: dict[str, int] = {}
        for i in range(n):
            v = reg.assess(PROGRAMME, f"chamber-{i}", as_of=on, actor="bench")["verdict"]
            verdicts[v] = verdicts.get(v, 0) + 1
        assessed = time.perf_counter() - start
        start = time.perf_counter()
        ok = reg.verify().ok
        verified = time.perf_counter() - start
    print(
        f"{label}: {n} subjects; submit {n / submitted:,.0f}/s; assess {n / assessed:,.0f} assessments/s "
        f"({assessed:.1f} s); verify {verified:.1f} s ({'ok' if ok else 'BROKEN'}); verdicts {verdicts}"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        run(os.path.join(tmp, "bench.sqlite3"), n, "sqlite")
    admin = os.environ.get("FIVEGOOD_TEST_POSTGRES")
    if not admin:
        print("postgresql: skipped (set FIVEGOOD_TEST_POSTGRES to a server where databases may be created)")
        return
    import psycopg

    name = "fivegood_bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        run(admin.rsplit("/", 1)[0] + "/" + name, n, "postgresql")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
