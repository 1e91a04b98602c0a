"""The installed version of fivegood, recorded in every result so a verdict can be traced to the code that made it.

``__version__`` is looked up the first time it is asked for: reading the
installed distribution's metadata imports :mod:`importlib.metadata`, which a
command that never shows the version need not pay for.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    __version__: str


@lru_cache(maxsize=1)
def installed_version() -> str:
    """The version of the installed ``fivegood`` distribution (``0+unknown`` in a tree never installed)."""
    import importlib.metadata

    try:
        return importlib.metadata.version("fivegood")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
