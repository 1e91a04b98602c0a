"""The explained evaluation gives exactly what it gave before it was optimised (tests/golden_explain.py).

The fixtures were generated before the explained walk was made lazy: the JSON
and the text, Markdown and HTML renderings of every bundled example, and the
SHA-256 of ``Result.dumps()`` (or of the error) for 2,000-odd varied records
(int, Decimal and float values at and around every threshold, keys missing,
flags flipped, year tables changed, waivers), with renderings of some.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest
import reference_explain
from golden_explain import OUT, example, golden, keys_of
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fivegood_core import Engine
from fivegood_core.errors import EvidenceError
from fivegood_core.evidence.document import check_document
from fivegood_core.evidence.reader import Reader
from fivegood_core.model.definitions import Text
from fivegood_core.model.verdict import Verdict
from fivegood_core.testing import strategies


@pytest.fixture(scope="module")
def now(engine: Engine) -> dict[str, Any]:
    return golden(engine)


@pytest.mark.parametrize("part", ["examples", "full", "digests"])
def test_same_as_before(now: dict[str, Any], part: str) -> None:
    before = json.loads((OUT / f"{part}.json").read_text(encoding="utf-8"))
    assert sorted(now[part]) == sorted(before)
    for name, value in before.items():
        if part == "digests":
            bad = [i for i, (a, b) in enumerate(zip(now[part][name], value)) if a != b]
            assert not bad and len(now[part][name]) == len(value), f"{name}: records {bad[:10]} differ"
        else:
            assert now[part][name] == value, name


# --- the planned, lazy walk against the eager one it replaced, on any evidence ------------------------

ON = dt.date(2014, 1, 1)
_ENGINE = Engine.from_entry_points(strict=True)
_STANDARDS = {ref: _ENGINE.get(ref, ON) for ref in ("henan/five-guarantees@2013", "henan/county-five-good@2013")}
_KEYS = {ref: keys_of(_ENGINE, ref, ON)[0] for ref in _STANDARDS}


def _floats(doc: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """Some Decimals of ``doc`` as floats (JSON gives them so)."""
    for table in doc.values():
        for k, v in table.items():
            if isinstance(v, Decimal) and data.draw(st.booleans()):
                table[k] = float(v)
    return doc


@settings(max_examples=150, suppress_health_check=list(HealthCheck))
@given(ref=st.sampled_from(sorted(_STANDARDS)), data=st.data())
def test_planned_walk_is_the_eager_walk(ref: str, data: st.DataObject) -> None:
    compiled = _STANDARDS[ref]
    if data.draw(st.booleans()):
        doc = _floats(
            data.draw(strategies.evidence(compiled, complete=data.draw(st.booleans()), subject={"year": 2013}, keys=_KEYS[ref])), data
        )
    else:
        # A record that passes everything, with a few values changed: passes, narrow misses.
        doc = example("henan/model-county.toml")
        limits = strategies.thresholds(compiled)
        for key in data.draw(st.lists(st.sampled_from(_KEYS[ref]), max_size=3, unique=True)):
            entry = compiled.vocabulary.get(key)
            assert entry is not None
            section, _, name = key.partition(".")
            doc.setdefault(section, {})[name] = data.draw(strategies.value(entry, limits.get(key, ())))
        doc = _floats(doc, data)
    ids = [n.defn.id for n in compiled.nodes]
    waive = {cid: Text("豁免", "waived") for cid in data.draw(st.lists(st.sampled_from(ids), max_size=2))}
    try:
        doc, _ = check_document(doc, compiled.vocabulary)
    except EvidenceError:
        event("bad evidence")
        return
    ctx = compiled.context(ON, 2013)
    try:
        before = tuple(reference_explain.explain(n, Reader(doc, compiled.vocabulary), ctx, waive) for n in compiled.roots)
    except EvidenceError as exc:
        with pytest.raises(EvidenceError) as now:
            compiled.explain(Reader(doc, compiled.vocabulary), ctx, waive)
        assert str(now.value) == str(exc)
        return
    lazy = compiled.explain(Reader(doc, compiled.vocabulary), ctx, waive)
    # Read before anything is built, then whole: the same values, the same JSON, equal results.
    assert [c.verdict for c in lazy] == [c.verdict for c in before]
    assert [c.to_json() for c in lazy] == [c.to_json() for c in before]
    assert lazy == before
    result = _ENGINE.evaluate(doc, compiled, ON, waive=waive)
    event(f"{ref}: {result.verdict.value}")
    if not waive:
        decision = _ENGINE.decide(doc, compiled, ON)
        assert (decision.verdict, decision.failed, decision.unknown) == (result.verdict, result.failed, result.unknown)
    again = pickle.loads(pickle.dumps(result))
    assert again == result and again.dumps() == result.dumps()


def test_a_lazy_result_reads_pickles_and_evolves_as_a_built_one(engine: Engine) -> None:
    doc = example("henan/narrow-miss.toml")
    compiled = engine.get("henan/five-guarantees@2013", ON)
    fresh = lambda: engine.evaluate(doc, compiled, ON)  # noqa: E731
    built = fresh()
    built.dumps()  # everything built
    for c in fresh().walk():
        assert "_fill" not in pickle.loads(pickle.dumps(c)).__dict__
    lazy = fresh()
    assert lazy == built and repr(lazy) == repr(built)
    c = next(x for x in fresh().walk() if x.gap is not None or x.verdict is Verdict.FAIL)
    assert attrs.evolve(c, counted=False).reason == c.reason
    assert attrs.asdict(fresh()) == attrs.asdict(built)
