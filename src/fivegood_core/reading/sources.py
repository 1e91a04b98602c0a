"""Where standard and vocabulary files come from: a file, or a folder searched recursively."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

#: Files with this suffix among standard sources are example cases, not standards.
CASE_SUFFIX = ".cases.toml"


def toml_files(source: Any) -> Iterator[tuple[str, str]]:
    """(name, text) of each TOML file at a source: a file, or a directory searched recursively.

    ``source`` is a path or a package resource (``importlib.resources`` Traversable).
    """
    if isinstance(source, (str, os.PathLike)):
        source = Path(source)
    if source.is_file():
        yield str(source), source.read_text(encoding="utf-8")
        return
    if not source.is_dir():
        raise FileNotFoundError(str(source))
    for child in sorted(source.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            yield from toml_files(child)
        elif child.name.endswith(".toml"):
            yield str(child), child.read_text(encoding="utf-8")
