"""Tests of xinzheng/four-have: generated properties (through the fivegood marker) and the sample evidence."""

import datetime as dt
from pathlib import Path

import pytest

from fivegood_core import Engine, Overall

ROOT = Path(__file__).parent.parent


@pytest.mark.fivegood("xinzheng/four-have")
def test_properties(fivegood_property):
    fivegood_property.run()


def test_the_sample_passes():
    engine = Engine.from_entry_points(strict=True)
    result = engine.evaluate(str(ROOT / "examples" / "sample.toml"), "xinzheng/four-have", dt.date(2012, 12, 31))
    assert result.verdict is Overall.PASS, result.failed + result.unknown
