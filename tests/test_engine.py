"""The engine's public behaviour: plugins, versions, JSON, the safety of generated code."""

from __future__ import annotations

import datetime as dt
import json
import types
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

import attrs
import pytest
from hypothesis import given

from fivegood_core import (
    Check,
    CheckKind,
    Engine,
    EvalContext,
    Field,
    FolderPlugin,
    Measured,
    Metric,
    Outcome,
    Overall,
    PluginError,
    ResolutionError,
    Result,
    Text,
    Verdict,
    hookimpl,
)
from fivegood_core.evidence.reader import Reader
from fivegood_core.kinds.contract import BoundMetric
from fivegood_core.testing import evidence
from helpers import standard

SAMPLE = Path(__file__).parent.parent / "examples" / "sample" / "county.toml"


def test_entry_points_find_the_bundled_plugins(engine: Engine) -> None:
    names = {p.name for p in engine.plugins}
    assert {"fivegood_core", "sample"} <= names
    sample = next(p for p in engine.plugins if p.name == "sample")
    assert (
        sample.hooks == ("fivegood_programme_sources", "fivegood_standard_sources", "fivegood_vocabulary")
        and sample.distribution == "fivegood"
    )
    assert {s.ref for s in engine.standards()} >= {"sample/office@2020", "sample/office@2024", "sample/equipment@2024"}


def test_explicit_plugins_without_entry_points(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        standard('[[criterion]]\nid = "x"\nkind = "attest"\ntitle = { zh = "x", en = "x" }\n'), encoding="utf-8"
    )
    engine = Engine.from_plugins([FolderPlugin(tmp_path)])
    assert [s.ref for s in engine.standards()] == ["test/std@1"]
    assert engine.evaluate({"attest": {"x": True}}, "test/std").verdict is Overall.PASS


def test_version_selection_by_date_and_pin(engine: Engine) -> None:
    assert engine.get("sample/office", dt.date(2023, 12, 31)).defn.version == "2020"
    assert engine.get("sample/office", dt.date(2024, 1, 1)).defn.version == "2024"
    assert engine.get("sample/office@2020", dt.date(2030, 1, 1)).defn.version == "2020"
    with pytest.raises(
        ResolutionError,
        match=r"no version of sample/office is in force on 2019-12-31 \(2020: 2020-01-01 – 2024-01-01; 2024: 2024-01-01 – open\)",
    ):
        engine.get("sample/office", dt.date(2019, 12, 31))
    with pytest.raises(ResolutionError, match="has no version '1999'"):
        engine.get("sample/office@1999")
    with pytest.raises(ResolutionError, match="unknown standard 'sample/nothing'"):
        engine.get("sample/nothing")


def test_result_records_what_an_auditor_needs(engine: Engine) -> None:
    result = engine.evaluate(str(SAMPLE), "sample/office", dt.date(2024, 6, 1))
    data = result.to_json()
    assert data["standard"]["id"] == "sample/office" and data["standard"]["version"] == "2024"
    assert data["standard"]["content_hash"].startswith("sha256:") and len(data["standard"]["content_hash"]) == 71
    assert data["as_of"] == "2024-06-01" and data["engine"]["fivegood"]
    area = next(c for c in data["criteria"] if c["id"] == "office-area")
    assert area["inputs"] == ["office.area_m2"] and area["values"] == {"office.area_m2": 82}
    assert area["citation"] == "二" and area["threshold"] == "≥ 80 m²" and set(area["reason"]) == {"zh", "en"}
    eq = next(c for c in data["criteria"] if c["id"] == "equipment")
    assert eq["requires"]["standard"]["id"] == "sample/equipment" and eq["requires"]["verdict"] == "pass"


INSTALLED = Engine.from_entry_points(strict=True)


@given(evidence(INSTALLED.get("sample/office", dt.date(2024, 6, 1)), keys=["equipment.computers", "equipment.vehicles"]))
def test_json_round_trips(doc: dict[str, Any]) -> None:
    result = INSTALLED.evaluate(doc, "sample/office", dt.date(2024, 6, 1))
    text = result.dumps()
    again = Result.from_json(json.loads(text))
    # JSON carries exact numbers as strings, so the values read come back as JSON gives them; all else is equal.
    assert attrs.evolve(again, criteria=()) == attrs.evolve(result, criteria=())
    assert [c.to_json() for c in again.walk()] == [c.to_json() for c in result.walk()]
    assert again.dumps() == text


def test_results_keep_exact_values_until_json() -> None:
    county = {"office": {"area_m2": Decimal("59.5")}}
    premises = INSTALLED.evaluate(county, "henan/five-guarantees", dt.date(2014, 1, 1)).find("premises")
    assert premises.values["office.area_m2"] == Decimal("59.5")
    assert isinstance(premises.values["office.area_m2"], Decimal)
    assert premises.to_json()["values"] == {"office.area_m2": "59.5"}


def test_a_hostile_standard_cannot_execute_code(make_engine: Callable[..., Engine], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f'"); open({str(marker)!r}, "w"); ("'
    text = standard(f"""
[[criterion]]
id = "area"
kind = "threshold"
key = "office.area_m2"
op = ">="
value = 60
title = {{ zh = {json.dumps(payload)}, en = {json.dumps(payload)} }}
citation = {json.dumps(payload)}
text = {json.dumps(payload)}
""")
    engine = make_engine(text)
    compiled = engine.get("test/std")
    assert "open(" not in compiled.source_code and "office" not in compiled.source_code and "area_m2" not in compiled.source_code
    evidence = {"office": {"area_m2": 70, payload: 1}, payload: {payload: payload}}
    assert engine.decide(evidence, compiled).verdict is Overall.PASS
    assert engine.evaluate(evidence, compiled).verdict is Overall.PASS
    assert not marker.exists()
    # A key is checked against the vocabulary's pattern before it could reach anything.
    with pytest.raises(Exception, match="expected an evidence key"):
        make_engine(text.replace('key = "office.area_m2"', f"key = {json.dumps(payload)}"))
    # The generated source is made of identifiers, bound constants and a fixed operator table.
    assert all(tok.isidentifier() or not tok.isalpha() for tok in compiled.source_code.split())


class QuotaCheck(Check):
    """A plugin's own check kind: members per staff member at least a quota."""

    def __init__(self, quota: int) -> None:
        self.quota = quota
        self.inputs = ("members.enterprise", "staff.headcount")
        self.threshold = f"≥ {quota} members per staff"

    def explain(self, r: Reader, ctx: EvalContext) -> Outcome:
        members, staff = r.get("members.enterprise"), r.get("staff.headcount")
        if members is None or staff is None:
            return Outcome(Verdict.UNKNOWN, Text("缺少", "missing"), missing=("members.enterprise", "staff.headcount"))
        ok = staff > 0 and members >= self.quota * staff
        return Outcome(Verdict.PASS if ok else Verdict.FAIL, Text("配额", "quota"), f"{members}/{staff}")


class DoubleArea(BoundMetric):
    inputs = ("office.area_m2",)
    unit = "area"

    def compute(self, r: Reader, ctx: EvalContext) -> Measured:
        area = r.get("office.area_m2")
        return Measured(None if area is None else area * 2, {"office.area_m2": area}, () if area is not None else ("office.area_m2",))


class KindAndMetricPlugin:
    __name__ = "quota-plugin"

    @hookimpl
    def fivegood_check_kinds(self) -> list[CheckKind]:
        return [CheckKind("quota", "members per staff", (Field("quota", "integer", True),), lambda p, ctx: QuotaCheck(p["quota"]))]

    @hookimpl
    def fivegood_metrics(self) -> list[Metric]:
        return [Metric("double_area", "twice the area", {}, lambda args, ctx: DoubleArea())]


def test_plugins_add_check_kinds_and_metrics(make_engine: Callable[..., Engine]) -> None:
    text = standard("""
[[criterion]]
id = "quota"
kind = "quota"
quota = 100
title = { zh = "配额", en = "Quota" }

[[criterion]]
id = "double"
kind = "threshold"
metric = "double_area"
op = ">="
value = 120
title = { zh = "双倍", en = "Double" }
""")
    engine = make_engine(text, plugins=(KindAndMetricPlugin(),))
    assert (
        engine.evaluate({"members": {"enterprise": 500}, "staff": {"headcount": 5}, "office": {"area_m2": 60}}, "test/std").verdict
        is Overall.PASS
    )
    result = engine.evaluate({"members": {"enterprise": 499}, "staff": {"headcount": 5}, "office": {"area_m2": 59}}, "test/std")
    assert result.failed == ("quota", "double")
    assert result.find("double").observed == "118 m²"
    assert engine.decide({"members": {"enterprise": 499}, "staff": {"headcount": 5}, "office": {"area_m2": 59}}, "test/std").failed == (
        "quota",
        "double",
    )


def test_a_kind_defined_twice_and_a_raising_hook_are_reported(make_engine: Callable[..., Engine], tmp_path: Path) -> None:
    class Twice(KindAndMetricPlugin):
        __name__ = "twice"

    class Raising:
        __name__ = "raising"

        @hookimpl
        def fivegood_metrics(self) -> list[Metric]:
            raise RuntimeError("boom")

    with pytest.raises(PluginError, match="plugin 'raising': hook fivegood_metrics raised RuntimeError: boom"):
        Engine.from_plugins([Raising()])
    engine = Engine.from_plugins([KindAndMetricPlugin(), Twice(), Raising()], strict=False)
    assert any("check kind 'quota' is defined by both 'quota-plugin' and 'twice'" in e for e in engine.errors)
    assert any("raising" in e for e in engine.errors)
    assert "quota" in engine.kinds and "ratio" in engine.metrics


def test_evaluation_is_pure(engine: Engine) -> None:
    doc: Mapping[str, Any] = {"subject": {"year": 2024}, "office": {"area_m2": Decimal("81.5")}, "staff": {"headcount": 5}}
    snapshot = json.dumps(doc, default=str, sort_keys=True)
    first = engine.evaluate(dict(doc), "sample/office", dt.date(2024, 6, 1))
    second = engine.evaluate(dict(doc), "sample/office", dt.date(2024, 6, 1))
    assert first == second and json.dumps(doc, default=str, sort_keys=True) == snapshot


def test_module_plugins_work_too(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        standard('[[criterion]]\nid = "x"\nkind = "attest"\ntitle = { zh = "x", en = "x" }\n'), encoding="utf-8"
    )
    module = types.ModuleType("my_jurisdiction")

    @hookimpl
    def fivegood_standard_sources() -> list[Path]:
        return [tmp_path]

    module.fivegood_standard_sources = fivegood_standard_sources  # type: ignore[attr-defined]
    engine = Engine.from_plugins([module])
    assert any(p.name == "my_jurisdiction" for p in engine.plugins)
    assert engine.standards()[0].provider == "my_jurisdiction"
