"""Helpers for tests: standards written inline, as an author would write them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

HEADER = """
[standard]
id = "{id}"
version = "{version}"
title = {{ zh = "测试", en = "Test" }}
issuer = {{ zh = "测试", en = "Test" }}
subject_kind = "county_federation"
jurisdiction = "test"
effective_from = {effective_from}
{extra}
"""


def standard(body: str, id: str = "test/std", version: str = "1", effective_from: str = "2000-01-01", extra: str = "") -> str:
    """A standard file: the usual header followed by ``body`` (criteria, rewards)."""
    return HEADER.format(id=id, version=version, effective_from=effective_from, extra=extra) + textwrap.dedent(body)


ROOT = Path(__file__).parent.parent


def script() -> str:
    """The ``fivegood`` console script of the environment under test (another on PATH may be another version)."""
    own = Path(sys.executable).parent / "fivegood"
    return str(own) if own.exists() else shutil.which("fivegood") or str(own)


def fivegood(*args: str, cwd: Path = ROOT, stdin: str | bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user would: a subprocess, its output and exit status."""
    return subprocess.run(
        [script(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin.decode("utf-8", "replace") if isinstance(stdin, bytes) else stdin,
        env={"PATH": str(Path(sys.executable).parent), "LANG": "C.UTF-8"},
        timeout=timeout,
    )
