"""Errors that fivegood raises, each naming the file, the line or key, and what was expected.

Every error a user can cause by writing a bad standard or a bad evidence file
derives from :class:`FivegoodError`; anything else escaping the engine is a bug.
"""

from __future__ import annotations

from typing import Any, Sequence, TypeVar

import attrs

from fivegood_core.words.catalogue import Message, render


@attrs.frozen
class Problem:
    """One thing wrong with an input file: where it is and what was expected there."""

    file: str | None
    line: int | None
    key: str | None
    #: What is wrong: a message of the catalogue (``say(...)``), or a plugin's own text.
    message: Message

    def render(self, lang: str = "en") -> str:
        """``file:line: key: message`` with the message in ``lang``."""
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        parts = [p for p in (where, self.key) if p]
        return ": ".join(parts + [render(self.message, lang)])

    def __str__(self) -> str:
        return self.render("en")


class FivegoodError(Exception):
    """Base class of every error caused by input rather than by a bug."""

    def __init__(self, message: Message = "") -> None:
        self.message = message
        super().__init__(render(message))

    def render(self, lang: str = "en") -> str:
        """The error in ``lang``."""
        return render(self.message, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the message itself (not its English text) when sent to or from a worker process.
        return type(self), (self.message,)


_E = TypeVar("_E", bound="ProblemsError")


class ProblemsError(FivegoodError):
    """An input had one or more problems; all of them are listed, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def render(self, lang: str = "en") -> str:
        """Every problem, one a line, in ``lang``."""
        return "\n".join(p.render(lang) for p in self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the problems, not the message, when sent to or from a worker process.
        return type(self), (self.problems,)

    def located(self: _E, file: str | None, line: int | None = None) -> _E:
        """The same error with ``file`` and ``line`` filled in where its problems do not say where they are."""
        return type(self)([Problem(p.file or file, p.line if p.line is not None else line, p.key, p.message) for p in self.problems])

    @property
    def first(self) -> Problem:
        """The first problem, for callers that show a single line."""
        return self.problems[0]


class StandardError(ProblemsError):
    """A standard definition (TOML file) is malformed or inconsistent with the others."""


class EvidenceError(ProblemsError):
    """An evidence document is malformed: wrong type, negative count, bad structure."""


class ResolutionError(FivegoodError):
    """A standard id or version cannot be resolved (unknown id, no version in force)."""


class PluginError(FivegoodError):
    """A plugin is broken: it failed to import, or a hook of it raised."""
