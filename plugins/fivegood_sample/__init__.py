"""A sample jurisdiction: the smallest plugin there is, and the engine's demonstration standard."""

from __future__ import annotations

from importlib.resources import files

from fivegood_core import hookimpl


@hookimpl
def fivegood_standard_sources() -> list[object]:
    """The sample standards shipped inside this package."""
    return [files(__package__) / "standards"]
