"""Where standard and vocabulary files come from: a file, or a folder searched recursively."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

#: Files with this suffix among standard sources are example cases, not standards.
CASE_SUFFIX = ".cases.toml"
#: A standard or vocabulary file larger than this is refused unread (the largest real one is about 40 KB).
MAX_BYTES = 4 * 1024 * 1024


class Unreadable(ValueError):
    """A file among the sources that cannot be read as UTF-8 text; the message says why."""


def read_text(source: Any) -> str:
    """The UTF-8 text of one file (path or package resource), at most :data:`MAX_BYTES`; Unreadable otherwise."""
    try:
        with source.open("rb") as handle:
            raw: bytes = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise Unreadable(f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise Unreadable(f"is larger than {MAX_BYTES} bytes; not a standard")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start})") from None


def toml_files(source: Any) -> Iterator[tuple[str, str | Unreadable]]:
    """(name, text) of each TOML file at a source: a file, or a directory searched recursively.

    ``source`` is a path or a package resource (``importlib.resources`` Traversable).
    A file that cannot be read comes with an :class:`Unreadable` instead of its
    text, so that one bad file does not hide the others.
    """
    if isinstance(source, (str, os.PathLike)):
        source = Path(source)
    if source.is_file():
        yield str(source), _text_or_error(source)
        return
    if not source.is_dir():
        raise FileNotFoundError(str(source))
    for child in sorted(source.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            yield from toml_files(child)
        elif child.name.endswith(".toml"):
            yield str(child), _text_or_error(child)


def _text_or_error(source: Any) -> str | Unreadable:
    try:
        return read_text(source)
    except Unreadable as exc:
        return exc
