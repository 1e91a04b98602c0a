"""Concurrency and crashes, in separate processes, on both backends: a reward is created exactly once, and a killed
certification leaves the register before or after it, never half-written."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from register_helpers import NINGBO, cli, db_url, dump, evidence, ok  # noqa: F401

WORKERS = 6


def _certify_at_once(db: str, subject: str, barrier: "multiprocessing.synchronize.Barrier", results: "multiprocessing.Queue[str]") -> None:
    # Each process opens the register itself, waits for the others, then certifies: the attempts overlap.
    from fivegood_core.register import RefusedError, Register

    with Register(db) as reg:
        reg.engine  # noqa: B018 - load the engine before the race, not during it
        barrier.wait()
        try:
            reg.certify(NINGBO, subject, actor=f"pid{os.getpid()}")
            results.put("certified")
        except RefusedError as e:
            results.put(f"refused:{e.rule}")
        except Exception as e:  # reported, so the test shows what went wrong
            results.put(f"error:{type(e).__name__}:{e}")


def test_concurrent_certifications_create_one_reward(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    for sid, example in [("jiangbei-race", "ningbo/jiangbei-certified.toml"), ("yinzhou-race", "ningbo/yinzhou-certified.toml")]:
        ok("submit", NINGBO, str(evidence(tmp_path, example, sid)), "--on", "2010-12-01", db=db_url)
        ok("assess", NINGBO, sid, "--as-of", "2010-12-15", db=db_url)
    ctx = multiprocessing.get_context("spawn")
    for sid in ("jiangbei-race", "yinzhou-race"):
        barrier = ctx.Barrier(WORKERS)
        results: multiprocessing.Queue[str] = ctx.Queue()
        procs = [ctx.Process(target=_certify_at_once, args=(db_url, sid, barrier, results)) for _ in range(WORKERS)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        outcomes = sorted(results.get(timeout=5) for _ in procs)
        assert outcomes.count("certified") == 1, outcomes
        assert all(o.startswith("refused:") for o in outcomes if o != "certified"), outcomes
    ledger = json.loads(ok("ledger", "--format", "json", db=db_url))
    assert sorted((e["subject"], e["amount"]) for e in ledger) == [("jiangbei-race", "15000"), ("yinzhou-race", "20000")]
    decisions = dump(db_url)["decisions"]
    assert len(decisions) == 2
    assert ok("verify", db=db_url).startswith("ok:")


def test_concurrent_certifications_from_the_command_line(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    ok("submit", NINGBO, str(evidence(tmp_path, "ningbo/jiangbei-certified.toml", "jb-cli")), "--on", "2010-12-01", db=db_url)
    ok("assess", NINGBO, "jb-cli", "--as-of", "2010-12-15", db=db_url)
    exe = str(Path(sys.executable).parent / "fivegood")
    procs = [
        subprocess.Popen(
            [exe, "register", "certify", NINGBO, "jb-cli", "--db", db_url, "--as", f"clerk{i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    codes = []
    for p in procs:
        _, err = p.communicate(timeout=120)
        codes.append(p.returncode)
        assert "Traceback" not in err, err
    assert sorted(codes) == [0, 4, 4, 4]
    ledger = json.loads(ok("ledger", "--format", "json", db=db_url))
    assert [(e["subject"], e["amount"], e["state"]) for e in ledger] == [("jb-cli", "15000", "due")]


CHILD = textwrap.dedent("""
    import sys, time
    from fivegood_core.register import store

    marker, db = sys.argv[1], sys.argv[2]
    real_audit = store._Tx.audit

    def audit_then_hang(self, action, detail):
        # Called inside the certification's transaction, after its decision and reward rows are written.
        if action == "certify":
            open(marker, "w").write("inside")
            time.sleep(600)
        return real_audit(self, action, detail)

    store._Tx.audit = audit_then_hang
    reg = store.Register(db)
    reg.certify("ningbo/five-have-five-good-chambers", "jb-kill", actor="doomed")
""")


def test_a_killed_certification_leaves_the_register_before_it(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    ok("submit", NINGBO, str(evidence(tmp_path, "ningbo/jiangbei-certified.toml", "jb-kill")), "--on", "2010-12-01", db=db_url)
    ok("assess", NINGBO, "jb-kill", "--as-of", "2010-12-15", db=db_url)
    before = dump(db_url)
    marker = tmp_path / "inside"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(marker), db_url])
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, "the certifying process ended before reaching the middle of its transaction"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    # Before: no decision, no reward, and the audit chain verifies.
    assert dump(db_url) == before
    assert ok("verify", db=db_url).startswith("ok:")
    # The register is usable at once (no stale lock): the certification can be made.
    ok("certify", NINGBO, "jb-kill", db=db_url)
    assert [e["amount"] for e in json.loads(ok("ledger", "--format", "json", db=db_url))] == ["15000"]
    assert cli("verify", db=db_url)[0] == 0


def test_the_database_itself_refuses_a_second_reward(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    # The check in Register.certify is backed by UNIQUE(subject, programme, scheme): a writer that skipped the check
    # (an old version, a script) still cannot create a second reward.
    import pytest
    import sqlalchemy as sa

    from fivegood_core.register import schema as t
    from fivegood_core.register.db import create_engine, database_url

    ok("init", db=db_url)
    ok("submit", NINGBO, str(evidence(tmp_path, "ningbo/jiangbei-certified.toml", "jb-dup")), "--on", "2010-12-01", db=db_url)
    ok("assess", NINGBO, "jb-dup", "--as-of", "2010-12-15", db=db_url)
    ok("certify", NINGBO, "jb-dup", db=db_url)
    eng = create_engine(database_url(db_url))
    with eng.connect() as conn:
        with conn.begin():
            row = dict(conn.execute(sa.select(t.rewards)).mappings().one())
        row.pop("id")
        with pytest.raises(sa.exc.IntegrityError, match="(?i)unique"):
            with conn.begin():
                conn.execute(t.rewards.insert().values(**row))
    eng.dispose()


def _nominate_at_once(db: str, subject: str, barrier: "multiprocessing.synchronize.Barrier", results: "multiprocessing.Queue[str]") -> None:
    import datetime as dt

    from fivegood_core.register import RefusedError, Register

    with Register(db) as reg:
        barrier.wait()
        try:
            reg.nominate("henan/five-good-demonstration-sites", subject, prefecture="410300", on=dt.date(2013, 2, 20), actor=subject)
            results.put("nominated")
        except RefusedError as e:
            results.put(f"refused:{e.rule}")
        except Exception as e:
            results.put(f"error:{type(e).__name__}:{e}")


def test_concurrent_nominations_respect_the_quota(db_url: str) -> None:  # noqa: F811
    # The quota is a count, not a UNIQUE key: only serialised writers keep five simultaneous nominations to three.
    ok("init", db=db_url)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(5)
    results: multiprocessing.Queue[str] = ctx.Queue()
    procs = [ctx.Process(target=_nominate_at_once, args=(db_url, f"luoyang-{i}", barrier, results)) for i in range(5)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert outcomes == ["nominated"] * 3 + ["refused:nomination.quota"] * 2, outcomes
    assert len(dump(db_url)["nominations"]) == 3
    assert ok("verify", db=db_url).startswith("ok:")
