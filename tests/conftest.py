"""Shared helpers: engines built from standards written inline, as an author would write them."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import settings

from fivegood_core import Engine, FolderPlugin

# Profiles: "dev" (default) and "ci" run quickly; "nightly" searches far harder.
# Timing belongs to benchmarks/, so no profile has a deadline.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("nightly", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


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
