"""One catalogue of what fivegood says to people, in Chinese and English.

Every message the engine, the command line and the reports write has a
**code** here, with its English and Chinese text. Code that reports something
builds a :class:`Said` (``say("evidence.expected_table", got="list")``): the
code and its parameters (file names, keys, values, which are never
translated). Rendering picks the language at the last moment, so the same
error reads in English in JSON and logs and in Chinese on a terminal set to
``--lang zh``.

Why our own catalogue rather than stdlib ``gettext``: both languages are
needed in one process at once (a result carries both; the command line and a
web service choose per call, not per process as gettext's installed
translation does); the catalogue is plain Python, shipped in the wheel with no
``.po``/``.mo`` build step; and a unit test checks every entry has both
languages with the same placeholders, which gettext leaves to tooling.
Messages a third-party plugin writes may be plain strings: they read the same
in both languages.
"""

from __future__ import annotations

import string
from typing import Any, Mapping, Union

import attrs

#: code → (English, Chinese). Placeholders are ``{name}`` and must agree between the two.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- words of the command line and the reports -------------------------------------------
    "word.error": ("error", "错误"),
    "word.warning": ("warning", "警告"),
}


class UnknownMessage(KeyError):
    """A message code that is not in the catalogue: a bug in fivegood, never bad input."""


def _known(instance: Any, attribute: Any, code: str) -> None:
    if code not in CATALOGUE:
        raise UnknownMessage(code)


@attrs.frozen
class Said:
    """A message from the catalogue with its parameters; renders in either language."""

    code: str = attrs.field(validator=_known)
    params: Mapping[str, Any] = attrs.field(factory=dict)

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``); parameters that are messages render in the same language."""
        en, zh = CATALOGUE[self.code]
        return (zh if lang == "zh" else en).format_map({k: _param(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.render("en")


#: What a message may be: one of the catalogue's, or a plugin's own plain text.
Message = Union[Said, str]


def say(code: str, /, **params: Any) -> Said:
    """The message ``code`` with its parameters."""
    return Said(code, params)


def render(message: Message, lang: str = "en") -> str:
    """A message in ``lang``; a plain string is the same in every language."""
    return message.render(lang) if isinstance(message, Said) else message


def word(code: str, lang: str = "en") -> str:
    """A word or label without parameters (``word("word.error", "zh")`` → 错误)."""
    return Said(code).render(lang)


def _param(value: Any, lang: str) -> str:
    if isinstance(value, Said):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(_param(v, lang) for v in value)
    return str(value)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
