"""The installed version of fivegood, recorded in every result so a verdict can be traced to the code that made it."""

from __future__ import annotations

import importlib.metadata

try:
    __version__ = importlib.metadata.version("fivegood")
except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
