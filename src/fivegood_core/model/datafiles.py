"""Data files shipped beside the engine's modules, read without importing :mod:`importlib.resources` when it is not needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def beside(module_file: str, package: str, name: str) -> Any:
    """The file ``name`` in the folder of the module at ``module_file`` (of ``package``).

    A plain file on disk (an installed wheel or a checkout) is a
    :class:`~pathlib.Path`; otherwise (a zip) the package resource, through
    :func:`importlib.resources.files`, which costs milliseconds to import.
    """
    here = Path(module_file).with_name(name)
    if here.is_file():
        return here
    from importlib.resources import files

    return files(package) / name
