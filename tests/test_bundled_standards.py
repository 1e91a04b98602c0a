"""Every bundled standard, generically: boundary cases cover every threshold, docs in step with the TOML.

The properties themselves (boundaries, wording, monotonicity, fast path …) run
through the fivegood pytest plugin, configured in pyproject.toml.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fivegood_core import Engine
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.render.docgen import page_name, render_standard, render_vocabulary
from fivegood_core.testing import boundary_cases

ENGINE = Engine.from_entry_points(strict=True)
DOCS = Path(__file__).parent.parent / "docs" / "standards"
STANDARDS = [ENGINE.get(s.ref) for s in ENGINE.standards()]


def _as_of(c: CompiledStandard) -> dt.date:
    return max(c.defn.effective_from, dt.date(2000, 1, 1))


def test_every_numeric_threshold_has_boundary_cases() -> None:
    from fivegood_core.kinds.leaves import Threshold

    for c in STANDARDS:
        covered = {cid for cid, *_ in boundary_cases(c)}
        thresholds = {n.defn.id for n in c.nodes if isinstance(n.check, Threshold)}
        assert thresholds == covered, c.defn.ref


def test_vocabulary_reference_is_up_to_date() -> None:
    page = DOCS.parent / "vocabulary.md"
    assert page.read_text(encoding="utf-8") == render_vocabulary(ENGINE), "run: fivegood docs docs"


@pytest.mark.parametrize("compiled", STANDARDS, ids=lambda c: c.defn.ref)
def test_generated_docs_are_up_to_date(compiled: CompiledStandard) -> None:
    page = DOCS / page_name(compiled)
    assert page.exists(), f"run: fivegood docs docs  (missing {page.name})"
    assert page.read_text(encoding="utf-8") == render_standard(compiled), f"run: fivegood docs docs  ({page.name} is stale)"
