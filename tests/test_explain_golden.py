"""The explained evaluation gives exactly what it gave before it was optimised (tests/golden_explain.py).

The fixtures were generated before the explained walk was made lazy: the JSON
and the text, Markdown and HTML renderings of every bundled example, and the
SHA-256 of ``Result.dumps()`` (or of the error) for 2,000-odd varied records
(int, Decimal and float values at and around every threshold, keys missing,
flags flipped, year tables changed, waivers), with renderings of some.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from golden_explain import OUT, golden

from fivegood_core import Engine


@pytest.fixture(scope="module")
def now(engine: Engine) -> dict[str, Any]:
    return golden(engine)


@pytest.mark.parametrize("part", ["examples", "full", "digests"])
def test_same_as_before(now: dict[str, Any], part: str) -> None:
    before = json.loads((OUT / f"{part}.json").read_text(encoding="utf-8"))
    assert sorted(now[part]) == sorted(before)
    for name, value in before.items():
        if part == "digests":
            bad = [i for i, (a, b) in enumerate(zip(now[part][name], value)) if a != b]
            assert not bad and len(now[part][name]) == len(value), f"{name}: records {bad[:10]} differ"
        else:
            assert now[part][name] == value, name
