"""Ningbo: "Five Haves, Five Goods" township and street chambers, and the district rewards they earn.

The standard lives in ``standards/ningbo/`` (in the wheel, inside this package);
the chamber evidence keys it reads, in ``vocabulary.toml`` beside this file.
"""

from __future__ import annotations

from importlib.resources import files

from fivegood_core import hookimpl


@hookimpl
def fivegood_standard_sources() -> list[object]:
    """``ningbo/five-have-five-good`` (2010), with the Jiangbei and Yinzhou reward schemes."""
    return [files(__package__) / "standards"]


@hookimpl
def fivegood_vocabulary() -> list[object]:
    """Chamber keys: written rules and yearly activities."""
    return [files(__package__) / "vocabulary.toml"]
