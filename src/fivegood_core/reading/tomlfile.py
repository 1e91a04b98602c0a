"""Reading TOML exactly (floats as ``Decimal``) and remembering which line each key is on.

``tomllib`` reports the line of a syntax error but not where a valid key sits,
and authors need "file:line: key: expected …" for schema errors too. A small
line scanner recovers that: it only has to find table headers and key/value
lines, since the content itself was already parsed by ``tomllib``.
"""

from __future__ import annotations

import os
import re
import sys
from decimal import Decimal
from typing import Any, Union

import attrs

from fivegood_core.errors import Problem
from fivegood_core.reading.cache import entry_path, load, store
from fivegood_core.words.catalogue import Message, say

KeyPath = tuple[Union[str, int], ...]

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"' + r"|'[^']*'"
_KEY = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(_KEY)
_ERROR_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _split_key(dotted: str) -> list[str]:
    parts = []
    for m in _PART.finditer(dotted):
        raw = m.group(0)
        if raw[0] in "\"'":
            raw = raw[1:-1]
        parts.append(raw)
    return parts


@attrs.frozen
class LineIndex:
    """Maps key paths (with array-of-table indices) to the 1-based line that defines them."""

    lines: dict[KeyPath, int]

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for n in range(len(path), 0, -1):
            line = self.lines.get(path[:n])
            if line is not None:
                return line
        return None


def index_lines(text: str) -> LineIndex:
    """Scan TOML source for headers and assignments; the text is assumed to parse."""
    lines: dict[KeyPath, int] = {}
    array_counts: dict[tuple[str, ...], int] = {}
    current: KeyPath = ()
    in_multiline: str | None = None

    def resolve(names: list[str]) -> KeyPath:
        # A header like [criterion.x] after [[criterion]] refers to the last element.
        out: list[str | int] = []
        for i, name in enumerate(names):
            out.append(name)
            count = array_counts.get(tuple(names[: i + 1]))
            if count is not None and i < len(names) - 1:
                out.append(count - 1)
        return tuple(out)

    for lineno, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                key = tuple(names)
                array_counts[key] = array_counts.get(key, 0) + 1
                current = resolve(names) + (array_counts[key] - 1,)
            else:
                current = resolve(names)
            lines.setdefault(current, lineno)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            path = current + tuple(_split_key(assign.group(1)))
            lines.setdefault(path, lineno)
            rest = line[assign.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return LineIndex(lines)


@attrs.frozen
class TomlDocument:
    """A parsed TOML file: its data (floats as Decimal) and its line index."""

    name: str
    data: dict[str, Any]
    index: LineIndex
    text: str

    def problem(self, path: KeyPath, message: Message) -> Problem:
        """A :class:`Problem` located at ``path`` in this file; ``message`` is a ``say(...)`` (or a plugin's plain text)."""
        key = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
        return Problem(self.name, self.index.line_of(path), key or None, message)


def toml_parser() -> Any:
    """The TOML parser, imported when first used: with the cache warm, most commands parse no TOML."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib


def parse_toml(text: str, name: str) -> TomlDocument:
    """Parse ``text``; a syntax error raises :class:`TomlSyntaxError` with its line."""
    tomllib = toml_parser()
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        pos = _ERROR_POS.search(msg)
        if pos:
            line: int | None = int(pos.group(1))
        elif "(at end of document)" in msg:
            line = len(text.splitlines()) or 1
        else:
            line = getattr(exc, "lineno", None)
        detail = _ERROR_POS.sub("", msg).replace("(at end of document)", "at end of file").strip()
        raise TomlSyntaxError(Problem(name, line, None, say("toml.malformed", detail=detail))) from None
    except RecursionError:
        raise TomlSyntaxError(Problem(name, None, None, say("toml.malformed", detail=say("toml.nested_too_deeply")))) from None
    except ValueError:  # an integer beyond Python's digit limit, raised by the parser itself
        raise TomlSyntaxError(Problem(name, None, None, say("toml.malformed", detail=say("toml.too_many_digits")))) from None
    return TomlDocument(name, data, index_lines(text), text)


class TomlSyntaxError(ValueError):
    """Raised by :func:`parse_toml` on malformed TOML; ``problem`` says where."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


# --- parsed files, cached ------------------------------------------------------------------
#
# Parsing TOML (and finding each key's line) is most of what loading the bundled standards
# costs, and it depends only on the text and on the parsing code. So the parsed form of a
# standard or vocabulary file is kept in the cache (:mod:`.cache`), keyed by the text and by
# the parsing code itself (this file's size and modification time, the Python version and a
# format number): a new install, an edited checkout or another interpreter never meets an
# entry it did not write. Everything after parsing (validating against the kinds, metrics and
# vocabulary the plugins provide, building the checks) runs every time, so the problems found
# are the same.

#: Raised whenever what is cached changes shape.
CACHE_FORMAT = 1


def _code_stamp() -> bytes:
    try:
        st = os.stat(__file__)
        return f"{st.st_size}-{st.st_mtime_ns}".encode()
    except OSError:  # pragma: no cover - a module without a file: never trust a cached entry
        return os.urandom(8)


def parse_toml_cached(text: str, name: str) -> TomlDocument:
    """:func:`parse_toml`, through the cache of parsed files (see above); the same document either way."""
    path = entry_path("parsed", str(CACHE_FORMAT).encode(), sys.version.encode(), _code_stamp(), text.encode("utf-8", "surrogatepass"))
    if path is None:
        return parse_toml(text, name)
    entry = load(path)
    if type(entry) is tuple and len(entry) == 3 and entry[0] == CACHE_FORMAT and type(entry[1]) is dict and type(entry[2]) is dict:
        return TomlDocument(name, entry[1], LineIndex(entry[2]), text)
    doc = parse_toml(text, name)  # a syntax error is raised, and nothing cached
    store(path, (CACHE_FORMAT, doc.data, doc.index.lines))
    return doc
