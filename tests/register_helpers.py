"""Shared by the register tests: a fresh register on each backend, the CLI in-process, evidence, and a dump to compare.

PostgreSQL comes from ``FIVEGOOD_TEST_POSTGRES`` (a URL to a server where the
user may create databases; each test gets its own database, dropped after).
Without it the PostgreSQL tests skip locally, but FAIL under ``CI=true``: CI
must test the real server (``.ci/run`` starts one).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
PG_ENV = "FIVEGOOD_TEST_POSTGRES"
HENAN = "henan/five-good-demonstration-sites"
NINGBO = "ningbo/five-have-five-good-chambers"


def postgres_admin_url() -> str:
    """The PostgreSQL server to test against; skips locally, fails in CI, when none is configured."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{PG_ENV} is not set: CI must run the register tests against a real PostgreSQL (see .ci/run)")
    pytest.skip(f"{PG_ENV} not set: PostgreSQL register tests skipped locally")


def _plain(url: str) -> str:
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", url)


def _with_db(url: str, name: str) -> str:
    base, _, _query = url.partition("?")
    head, _, _db = base.rpartition("/")
    return f"{head}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL naming an empty database on each backend (not yet a register)."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.sqlite3")
        return
    import psycopg

    admin = _plain(postgres_admin_url())
    name = "fivegood_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cli(*args: str, db: str, actor: str = "tester") -> tuple[int, str, str]:
    """Run ``fivegood register ARGS --db DB --as ACTOR`` in-process; returns (status, stdout, stderr)."""
    import contextlib
    import io

    from fivegood_core.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["register", *args, "--db", db, "--as", actor])
    return status, out.getvalue(), err.getvalue()


def ok(*args: str, db: str, actor: str = "tester") -> str:
    """Run a register command that must succeed; returns its output."""
    status, out, err = cli(*args, db=db, actor=actor)
    assert status == 0, f"{args}: exit {status}\n{out}\n{err}"
    assert "Traceback" not in err
    return out


def evidence(tmp: Path, example: str, subject_id: str, name: str | None = None, district: str | None = None) -> Path:
    """A copy of an example evidence file with another subject id (and name or district)."""
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    text = re.sub(r'(?m)^id = ".*"$', f'id = "{subject_id}"', text, count=1)
    if name:
        text = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', text, count=1)
    if district:
        text = re.sub(r'(?m)^district = ".*"$', f'district = "{district}"', text, count=1)
    path = tmp / f"{subject_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def dump(db: str) -> dict[str, Any]:
    """Every row of every table, for comparing a register before and after an operation."""
    from fivegood_core.register import Register
    from fivegood_core.register.export import TABLES

    with Register(db) as reg:
        return json.loads(json.dumps({name: reg.table(name) for name in TABLES}, default=str))
