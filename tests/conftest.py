"""Fixtures: engines built from standards written inline (see helpers.py), and the installed engine."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import settings

from fivegood_core import Engine, FolderPlugin

# Parsed standard files are cached in a folder of this run's own, not the user's cache
# (subprocesses started by the tests inherit it); a test that sets its own still wins.
os.environ.setdefault("FIVEGOOD_CACHE_DIR", tempfile.mkdtemp(prefix="fivegood-test-cache-"))

# Profiles: "dev" (default) and "ci" run quickly; "nightly" searches far harder.
# Timing belongs to benchmarks/, so no profile has a deadline.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("nightly", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def make_engine(tmp_path: Path) -> Callable[..., Engine]:
    """Write TOML texts as files and build a strict engine from them (plus the built-ins)."""

    def make(*texts: str, strict: bool = True, plugins: tuple[Any, ...] = ()) -> Engine:
        folder = tmp_path / f"standards{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"s{i}.toml").write_text(text, encoding="utf-8")
        return Engine.from_plugins([FolderPlugin(folder, "tests"), *plugins], strict=strict)

    return make


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The installed engine: every bundled jurisdiction, through entry points."""
    return Engine.from_entry_points(strict=True)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Any]:
    """The web service on a fresh SQLite register (``server_helpers.Service``)."""
    from server_helpers import Service

    s = Service(str(tmp_path / "register.sqlite3"))
    yield s
    s.close()
