"""Writing fast-path code: the small API a kind uses to emit inline Python for a check.

The generated source never contains text from a standard file: evidence keys,
thresholds and ids enter the generated function's namespace as bound
constants (``_c0``, ``_c1`` …), and every identifier is made here. Operators
come from a fixed table, not from the file.
"""

from __future__ import annotations

import itertools
from typing import Any, Sequence

from fivegood_core.model.vocabulary import key_path

_OPCODE = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "=="}


class Emitter:
    """Builds the generated function's source and its namespace of bound constants."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self.prologue: list[str] = []
        self.body: list[str] = []
        self.depth = 1
        self._sections: dict[str, str] = {}
        self._reads: dict[str, str] = {}
        self._names = itertools.count()

    def name(self, prefix: str) -> str:
        """A fresh identifier."""
        return f"{prefix}{next(self._names)}"

    def const(self, value: Any) -> str:
        """Bind ``value`` as a constant of the generated function; returns its identifier."""
        name = self.name("_c")
        self.namespace[name] = value
        return name

    @staticmethod
    def op(op: str) -> str:
        """The Python operator for a comparison, from a fixed table."""
        return _OPCODE[op]

    def line(self, text: str) -> None:
        """Append a line to the body at the current depth."""
        self.body.append("    " * self.depth + text)

    def or_all(self, target: str, names: Sequence[str]) -> None:
        """Emit ``target = n0 | n1 | …``, in chunks: one expression of thousands of terms overflows Python's compiler."""
        chunks = [names[i : i + 64] for i in range(0, len(names), 64)] or [["0"]]
        self.line(f"{target} = {' | '.join(chunks[0])}")
        for chunk in chunks[1:]:
            self.line(f"{target} |= {' | '.join(chunk)}")

    def slow(self, check: object) -> str:
        """An expression evaluating ``check`` (a :class:`~fivegood_core.kinds.contract.Check`) through its ``verdict`` method."""
        return f"_slow({self.const(check)}, ev, _ctx(on, _y), _vocab)"

    def read(self, key: str) -> str | None:
        """A variable holding the raw value of a two-part key (read once, up front); None otherwise."""
        if key in self._reads:
            return self._reads[key]
        parts = key_path(key)
        if len(parts) != 2:
            return None
        section = self._sections.get(parts[0])
        if section is None:
            section = self._sections[parts[0]] = self.name("s")
            k = self.const(parts[0])
            self.prologue.append(f"    {section} = ev.get({k})")
            self.prologue.append(f"    if {section}.__class__ is not dict: {section} = _section({section}, {k})")
        var = self._reads[key] = self.name("v")
        self.prologue.append(f"    {var} = {section}.get({self.const(parts[1])})")
        return var
