"""Reading one evidence document key by key, with the vocabulary's type checks."""

from __future__ import annotations

from typing import Any, Mapping

from fivegood_core.errors import EvidenceError, Problem
from fivegood_core.model.vocabulary import BadValue, Vocabulary, key_path
from fivegood_core.words.catalogue import say, shown

_UNREAD = object()
#: Dotted keys split once (the keys criteria read are few and read for every record).
_PATHS: dict[str, tuple[str, ...]] = {}


class Reader:
    """Reads typed values from one evidence document, raising EvidenceError on bad types.

    Results are memoised so that criteria sharing a key read and check it once.
    """

    __slots__ = ("doc", "vocabulary", "source", "_cache")

    def __init__(self, doc: Mapping[str, Any], vocabulary: Vocabulary, source: str = "<evidence>") -> None:
        self.doc = doc
        self.vocabulary = vocabulary
        self.source = source
        self._cache: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        """The normalised value of ``key``, or ``None`` when it is absent."""
        value = self._cache.get(key, _UNREAD)
        if value is not _UNREAD:
            return value
        parts = _PATHS.get(key)
        doc = self.doc
        if parts is not None and len(parts) == 2 and doc.__class__ is dict:
            # The common case, a key of a section of a plain table, without the general walk.
            table = doc.get(parts[0])
            if table is None:
                value = None
            elif table.__class__ is dict:
                value = table.get(parts[1])
            else:
                value = self.raw(key)  # says what is wrong
        else:
            value = self.raw(key)
        if value is not None:
            entry = self.vocabulary.get(key)
            if entry is not None:
                try:
                    value = entry.type.parse(value)
                except BadValue:
                    try:
                        entry.read(value)  # raises, saying what the key's type expects
                    except BadValue as exc:
                        raise EvidenceError([Problem(self.source, None, key, exc.message)]) from None
                    raise
        self._cache[key] = value
        return value

    def raw(self, key: str) -> Any:
        """The value as given, unchecked, or ``None``."""
        parts = _PATHS.get(key)
        if parts is None:
            parts = key_path(key)
            if len(_PATHS) < 4096:
                _PATHS[key] = parts
        node: Any = self.doc
        for i, part in enumerate(parts):
            if not isinstance(node, dict):
                raise EvidenceError([Problem(self.source, None, ".".join(parts[:i]), say("evidence.expected_table", got=shown(node)))])
            node = node.get(part)
            if node is None:
                return None
        return node
