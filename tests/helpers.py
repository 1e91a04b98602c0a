"""Helpers for tests: standards written inline, as an author would write them."""

from __future__ import annotations

import textwrap

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
