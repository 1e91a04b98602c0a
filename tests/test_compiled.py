"""A compiled standard is self-contained: it pickles with what it requires and evaluates without an engine."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

from fivegood_core import Engine, load_evidence
from fivegood_core.batch import evaluate_batch, read_records
from fivegood_core.evidence.reader import Reader

ROOT = Path(__file__).parent.parent
ON = dt.date(2014, 1, 1)


def test_a_pickled_standard_decides_and_explains_as_the_original(engine: Engine) -> None:
    original = engine.get("henan/county-five-good", ON)
    copy = pickle.loads(pickle.dumps(original))
    assert copy is not original and copy.source_code == original.source_code
    for name in ("narrow-miss", "model-county", "xinzheng"):
        doc = load_evidence(ROOT / "examples" / "henan" / f"{name}.toml")
        assert copy.decide(doc, ON) == original.decide(doc, ON)
        # Art. 19 requires the five guarantees: the copy resolves it from what it carries.
        explained = copy.evaluate(Reader(doc, copy.vocabulary), ON)
        assert explained.to_json() == original.evaluate(Reader(doc, original.vocabulary), ON).to_json()
        nested = explained.find("art19-five-guarantees").nested
        assert nested is not None and nested.standard.id == "henan/five-guarantees"


def test_a_standard_carries_only_what_it_requires(engine: Engine) -> None:
    county = engine.get("henan/county-five-good", ON)
    assert county.requirements.ids() == ["henan/five-guarantees"]
    assert engine.get("henan/five-guarantees", ON).requirements.ids() == []


def test_worker_processes_give_the_same_rows(engine: Engine) -> None:
    batch = ROOT / "examples" / "ningbo" / "batch.jsonl"
    on = dt.date(2011, 1, 12)
    one = evaluate_batch(engine, read_records(batch, engine.vocabulary), "ningbo/five-have-five-good", on, str(batch), every=True)
    two = evaluate_batch(engine, read_records(batch, engine.vocabulary), "ningbo/five-have-five-good", on, str(batch), every=True, jobs=2)
    assert [r.to_json() for r in two.rows] == [r.to_json() for r in one.rows]
    assert two.summary.to_json() == one.summary.to_json()
    assert any(r.error for r in one.rows) and any(r.reward and r.reward.amount for r in one.rows)
