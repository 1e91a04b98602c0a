"""Henan: the county federation "Five Good" demonstration-site standard and "one establishment, five guarantees".

The standards live in ``standards/henan/`` (in the wheel, inside this package);
the extra evidence keys they read, in ``vocabulary.toml`` beside this file.
"""

from __future__ import annotations

from importlib.resources import files

from fivegood_core import hookimpl


@hookimpl
def fivegood_standard_sources() -> list[object]:
    """``henan/county-five-good`` (2013) and ``henan/five-guarantees`` (2012, 2013)."""
    return [files(__package__) / "standards"]


@hookimpl
def fivegood_vocabulary() -> list[object]:
    """Rules, mechanisms, posts and support flags the Henan standards read."""
    return [files(__package__) / "vocabulary.toml"]
