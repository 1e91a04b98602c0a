"""Evidence is untrusted: every bad document gives a clear error or warning, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from fivegood_core import Engine, EvidenceError, Overall, load_evidence
from fivegood_core.evidence.document import MAX_DEPTH, nest

ON = dt.date(2024, 6, 1)
REF = "sample/office"


def error(engine: Engine, evidence: Any, fast: bool = True) -> str:
    with pytest.raises(EvidenceError) as info:
        engine.evaluate(evidence, REF, ON)
    # The fast path refuses the same evidence: it checks every key it reads.
    if fast and isinstance(evidence, dict):
        with pytest.raises(EvidenceError):
            engine.decide(evidence, REF, ON)
    return str(info.value)


def test_string_where_a_count_belongs(engine: Engine) -> None:
    msg = error(engine, {"staff": {"headcount": "6"}})
    assert msg == '<evidence>: staff.headcount: expected a whole number ≥ 0, got "6"'


def test_negative_count(engine: Engine) -> None:
    assert "equipment.computers: expected a whole number ≥ 0, got -1" in error(engine, {"equipment": {"computers": -1}})


def test_boolean_is_not_a_number(engine: Engine) -> None:
    assert "office.area_m2: expected an area in m² ≥ 0, got true" in error(engine, {"office": {"area_m2": True}})


def test_number_where_a_flag_belongs(engine: Engine) -> None:
    assert "finance.independent_account: expected true or false, got 1" in error(engine, {"finance": {"independent_account": 1}})


def test_non_table_where_a_table_belongs(engine: Engine) -> None:
    assert "<evidence>: office: expected a table, got 60" in error(engine, {"office": 60})


def test_not_a_table_at_all(engine: Engine) -> None:
    with pytest.raises(EvidenceError, match=r"expected a table of evidence, got \[1, 2\]"):
        engine.evaluate([1, 2], REF, ON)
    with pytest.raises(EvidenceError, match=r"expected a table of evidence, got \[1, 2\]"):
        engine.decide([1, 2], REF, ON)  # type: ignore[arg-type]


def test_wrong_subject_kind(engine: Engine) -> None:
    msg = error(engine, {"subject": {"kind": "chamber"}})
    assert "subject.kind" in msg and "'county_federation'" in msg and "'chamber'" in msg


def test_deep_nesting_is_refused(engine: Engine) -> None:
    doc: dict[str, Any] = {}
    node = doc.setdefault("staff", {})
    for _ in range(MAX_DEPTH + 2):
        node = node.setdefault("x", {})
    # The fast path reads only the keys it needs, so only the full evaluation walks this deep.
    assert f"nested deeper than {MAX_DEPTH} levels" in error(engine, doc, fast=False)


def test_unknown_keys_warn_and_change_nothing(engine: Engine) -> None:
    good = load_evidence("examples/sample/county.toml")
    noisy = json.loads(json.dumps(good))
    noisy["office"]["colour"] = "red"
    noisy["weather"] = {"sunny": True}
    a, b = engine.evaluate(good, REF, ON), engine.evaluate(noisy, REF, ON)
    assert a.verdict is b.verdict is Overall.PASS
    assert tuple(map(str, b.warnings)) == ("unknown evidence key 'office.colour' ignored", "unknown evidence section 'weather' ignored")


def test_dotted_keys_are_nested() -> None:
    assert nest({"office.area_m2": 60, "staff.headcount": 5}) == {"office": {"area_m2": 60}, "staff": {"headcount": 5}}
    with pytest.raises(EvidenceError, match="is both a value and a table"):
        nest({"office": 1, "office.area_m2": 60})


def test_flat_dotted_evidence_evaluates_like_nested(engine: Engine) -> None:
    nested = {"office": {"area_m2": 50}}
    assert (
        engine.evaluate({"office.area_m2": 50}, REF, ON).find("office-area").verdict
        is engine.evaluate(nested, REF, ON).find("office-area").verdict
    )


def test_malformed_json_names_the_line(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "office": {"area_m2": 60,}\n}\n', encoding="utf-8")
    assert error(engine, str(path)).startswith(f"{path}:2: malformed JSON")


def test_json_rejects_nan_and_non_objects(tmp_path: Path) -> None:
    (tmp_path / "nan.json").write_text('{"office": {"area_m2": NaN}}', encoding="utf-8")
    (tmp_path / "list.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(EvidenceError, match="NaN is not a number"):
        load_evidence(tmp_path / "nan.json")
    with pytest.raises(EvidenceError, match="expected a JSON object"):
        load_evidence(tmp_path / "list.json")


def test_json_numbers_load_exactly(tmp_path: Path) -> None:
    (tmp_path / "e.json").write_text('{"finance": {"working_funds": 60000.10}}', encoding="utf-8")
    assert str(load_evidence(tmp_path / "e.json")["finance"]["working_funds"]) == "60000.10"


def test_malformed_toml_evidence(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[office]\narea_m2 = \n", encoding="utf-8")
    assert error(engine, str(path)).startswith(f"{path}:2: malformed TOML")


def test_missing_directory_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no such file"):
        load_evidence(tmp_path / "none.toml")
    with pytest.raises(EvidenceError, match="is a directory"):
        load_evidence(tmp_path)
    (tmp_path / "e.yaml").write_text("a: 1", encoding="utf-8")
    with pytest.raises(EvidenceError, match="expected a .toml or .json evidence file"):
        load_evidence(tmp_path / "e.yaml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(EvidenceError, match="is not UTF-8 text"):
        load_evidence(tmp_path / "bin.toml")


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core.evidence import document as evidence

    monkeypatch.setattr(evidence, "MAX_BYTES", 10)
    (tmp_path / "big.toml").write_text("[office]\narea_m2 = 60\n", encoding="utf-8")
    with pytest.raises(EvidenceError, match="at most 10 are accepted"):
        load_evidence(tmp_path / "big.toml")


def test_a_bad_value_in_a_year_table(engine: Engine) -> None:
    with pytest.raises(EvidenceError, match=r"members\.total_by_year: expected a table of year → whole number ≥ 0"):
        engine.evaluate({"members": {"total_by_year": {"20x0": 5}}}, REF, ON)
