"""One catalogue of words: every message has both languages, with the same placeholders."""

from __future__ import annotations

import pickle

import pytest

from fivegood_core import EvidenceError, Problem, ResolutionError
from fivegood_core.words.catalogue import CATALOGUE, UnknownMessage, placeholders, say, word


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_entry_has_both_languages_with_the_same_placeholders(code: str) -> None:
    en, zh = CATALOGUE[code]
    assert en.strip() and zh.strip()
    assert placeholders(en) == placeholders(zh), code


def test_an_unknown_code_is_a_bug_caught_where_it_is_written() -> None:
    with pytest.raises(UnknownMessage):
        say("no.such.message")


def test_errors_render_in_either_language_and_survive_a_process_boundary() -> None:
    problem = Problem("county.toml", 3, "office.area_m2", say("word.error"))
    assert problem.render("zh") == "county.toml:3: office.area_m2: 错误"
    assert str(problem) == "county.toml:3: office.area_m2: error"
    error = pickle.loads(pickle.dumps(EvidenceError([problem])))
    assert error.render("zh") == "county.toml:3: office.area_m2: 错误"
    resolution = pickle.loads(pickle.dumps(ResolutionError(say("word.warning"))))
    assert resolution.render("zh") == "警告" and str(resolution) == "warning"
    assert word("word.error", "zh") == "错误"
