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


def _rewarded(tmp_path: Path, calculator: str) -> Path:
    from helpers import standard

    folder = tmp_path / "standards"
    folder.mkdir()
    body = """
[[criterion]]
id = "area"
kind = "threshold"
title = { zh = "面积", en = "Area" }
key = "office.area_m2"
op = ">="
value = 1

[[reward]]
id = "r"
payer = { zh = "区", en = "District" }
applies_to = {}
calculator = "CALC"
basis = { zh = "测试", en = "test" }
""".replace("CALC", calculator)
    (folder / "s.toml").write_text(standard(body, id="work/er"), encoding="utf-8")
    return folder


def test_a_worker_that_dies_ends_the_run_with_a_message_not_a_hang(tmp_path: Path) -> None:
    import pytest
    import workerkill

    from fivegood_core import FivegoodError, FolderPlugin

    engine = Engine.from_plugins([FolderPlugin(_rewarded(tmp_path, "die"), "w"), workerkill])
    records = [{"office": {"area_m2": 5}} for _ in range(600)]
    with pytest.raises(FivegoodError, match="a worker process stopped or could not start while evaluating work/er@1"):
        evaluate_batch(engine, records, "work/er", jobs=2)


def test_a_standard_that_cannot_travel_says_so(tmp_path: Path) -> None:
    from decimal import Decimal

    import pytest

    from fivegood_core import FivegoodError, FolderPlugin, RewardCalculator, hookimpl

    class Local:
        __name__ = "local"

        @hookimpl
        def fivegood_reward_calculators(self) -> list[RewardCalculator]:
            return [RewardCalculator("local", "a lambda", lambda scheme, subject, reader: Decimal(1))]

    engine = Engine.from_plugins([FolderPlugin(_rewarded(tmp_path, "local"), "w"), Local()])
    assert evaluate_batch(engine, [{"office": {"area_m2": 5}}], "work/er").rows[0].reward.amount == 1  # type: ignore[union-attr]
    with pytest.raises(FivegoodError, match="cannot be sent to worker processes"):
        evaluate_batch(engine, [{"office": {"area_m2": 5}}], "work/er", jobs=2)
