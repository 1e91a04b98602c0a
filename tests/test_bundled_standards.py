"""Every bundled standard, generically: thresholds at their boundaries, fast path = explained path, docs in step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fivegood_core import Engine, Verdict
from fivegood_core.compiler import CompiledStandard
from fivegood_core.docgen import page_name, render_standard, render_vocabulary
from fivegood_core.testing import boundary_cases, evidence

ENGINE = Engine.from_entry_points(strict=True)
DOCS = Path(__file__).parent.parent / "docs" / "standards"
STANDARDS = [ENGINE.get(s.ref) for s in ENGINE.standards()]


def _as_of(c: CompiledStandard) -> dt.date:
    return max(c.defn.effective_from, dt.date(2000, 1, 1))


CASES = [(c, *case) for c in STANDARDS for case in boundary_cases(c)]


@pytest.mark.parametrize("compiled, criterion, position, doc, expected", CASES,
                         ids=[f"{c.defn.ref}::{cid}::{pos}" for c, cid, pos, _, _ in CASES])
def test_threshold_boundary(compiled: CompiledStandard, criterion: str, position: str, doc: dict[str, Any], expected: str) -> None:
    result = ENGINE.evaluate(doc, compiled, _as_of(compiled))
    assert result.find(criterion).verdict is Verdict.from_label(expected)


def test_every_numeric_threshold_has_boundary_cases() -> None:
    from fivegood_core.checks import Threshold

    for c in STANDARDS:
        covered = {cid for cid, *_ in boundary_cases(c)}
        thresholds = {n.defn.id for n in c.nodes if isinstance(n.check, Threshold)}
        assert thresholds == covered, c.defn.ref


@pytest.mark.parametrize("compiled", STANDARDS, ids=lambda c: c.defn.ref)
def test_fast_path_agrees_with_explained_evaluation(compiled: CompiledStandard) -> None:
    keys = [k for n in compiled.nodes for k in n.check.inputs]
    for other in STANDARDS:  # keys of standards this one requires
        keys += [k for n in other.nodes for k in n.check.inputs]

    @given(evidence(compiled, subject={"year": 2013, "district": "jiangbei"}, keys=keys), st.just(_as_of(compiled)))
    def agree(doc: dict[str, Any], on: dt.date) -> None:
        result = ENGINE.evaluate(doc, compiled, on)
        decision = ENGINE.decide(doc, compiled, on)
        assert (decision.verdict, decision.failed, decision.unknown) == (result.verdict, result.failed, result.unknown)

    agree()


def test_vocabulary_reference_is_up_to_date() -> None:
    page = DOCS.parent / "vocabulary.md"
    assert page.read_text(encoding="utf-8") == render_vocabulary(ENGINE), "run: fivegood docs docs"


@pytest.mark.parametrize("compiled", STANDARDS, ids=lambda c: c.defn.ref)
def test_generated_docs_are_up_to_date(compiled: CompiledStandard) -> None:
    page = DOCS / page_name(compiled)
    assert page.exists(), f"run: fivegood docs docs  (missing {page.name})"
    assert page.read_text(encoding="utf-8") == render_standard(compiled), f"run: fivegood docs docs  ({page.name} is stale)"
