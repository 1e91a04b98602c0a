"""JSON Schemas of evidence, results and batch rows: what they accept is what the engine accepts and writes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fivegood_core import Engine
from fivegood_core.batch import batch_rows, read_records
from fivegood_core.errors import EvidenceError, FivegoodError
from fivegood_core.evidence.document import check_document, load_evidence, parse_json_evidence
from fivegood_core.model.results import Result
from fivegood_core.model.verdict import Overall
from fivegood_core.model.vocabulary import MAX_MAGNITUDE, MAX_PLACES, TYPES, BadValue
from fivegood_core.render.jsonschema import JSON_TYPES, batch_row_schema, evidence_schema, result_schema, value_schema
from helpers import ROOT, fivegood

jsonschema_rs = pytest.importorskip("jsonschema_rs")

HENAN = dt.date(2014, 1, 1)
NINGBO = dt.date(2011, 1, 12)
SAMPLE = dt.date(2024, 6, 1)
#: Every bundled example evidence file, with the standards it is evidence for and the date it is read on.
EXAMPLES: dict[str, list[tuple[str, dt.date]]] = {
    "henan/model-county.toml": [("henan/county-five-good", HENAN), ("henan/five-guarantees", HENAN)],
    "henan/narrow-miss.toml": [("henan/county-five-good", HENAN)],
    "henan/xinzheng.toml": [("henan/county-five-good", HENAN)],
    "ningbo/haishu-certified.toml": [("ningbo/five-have-five-good", NINGBO)],
    "ningbo/jiangbei-certified.toml": [("ningbo/five-have-five-good", NINGBO)],
    "ningbo/jiangbei-failed.toml": [("ningbo/five-have-five-good", NINGBO)],
    "ningbo/yinzhou-certified.toml": [("ningbo/five-have-five-good", NINGBO)],
    "sample/county.toml": [("sample/office", SAMPLE), ("sample/equipment", SAMPLE)],
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_entry_points()


_validators: dict[tuple[str, dt.date], Any] = {}


def _evidence_validator(engine: Engine, ref: str, on: dt.date) -> Any:
    if (ref, on) not in _validators:
        schema = json.loads(json.dumps(evidence_schema(engine, engine.get(ref, on), on)))  # as a JSON text gives it
        _validators[ref, on] = jsonschema_rs.validator_for(schema, validate_formats=True)
    return _validators[ref, on]


def _json_text(value: Any) -> str:
    """JSON text of a value holding exact decimals (written as JSON numbers, as a person writes them)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def _as_json(doc: Any) -> Any:
    """A document as the engine reads it from JSON: fractions as Decimal."""
    return parse_json_evidence(_json_text(doc))


def _errors(validator: Any, instance: Any) -> list[str]:
    return [str(e).splitlines()[0] for e in validator.iter_errors(instance)]


# --- evidence ----------------------------------------------------------------------------------------


def test_every_bundled_example_is_listed() -> None:
    found = {str(p.relative_to(ROOT / "examples")) for p in (ROOT / "examples").glob("*/*.toml")}
    assert found == set(EXAMPLES)


@pytest.mark.parametrize("example, ref, on", [(e, r, on) for e, uses in EXAMPLES.items() for r, on in uses])
def test_every_example_validates_against_its_standards_evidence_schema(engine: Engine, example: str, ref: str, on: dt.date) -> None:
    doc = _as_json(load_evidence(ROOT / "examples" / example))
    engine.evaluate(doc, ref, on)  # the engine accepts it
    assert _errors(_evidence_validator(engine, ref, on), doc) == []


def test_the_evidence_schema_describes_what_the_standard_reads(engine: Engine) -> None:
    on = HENAN
    schema = evidence_schema(engine, engine.get("henan/county-five-good", on), on)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://fivegood.dev/schemas/evidence/henan/county-five-good/2013.json"
    area = schema["$defs"]["office.area_m2"]
    assert area["type"] == ["number", "null"] and area["minimum"] == 0 and area["exclusiveMaximum"] == MAX_MAGNITUDE
    assert area["x-unit"] == {"zh": "平方米", "en": "m²"} and area["x-label-zh"] == "办公用房面积" and area["title"] == "office area"
    # Art. 19 requires the five guarantees: their keys are read too, and say by which standard.
    refs = {a["ref"] for a in area["x-articles"]}
    assert any(r.startswith("henan/five-guarantees") for r in refs), refs
    assert "office.area_m2" in schema["x-reads"] and schema["properties"]["office"]["properties"]["area_m2"] == {
        "$ref": "#/$defs/office.area_m2"
    }
    # attest keys: those read are named with their criterion; any other must still be true, false or null.
    attested = [k for k in schema["x-reads"] if k.startswith("attest.")]
    assert attested and all(schema["$defs"][k]["x-articles"] for k in attested)
    # The subject: kind and jurisdiction are the standard's, the prefecture one of Henan's in force.
    subject = schema["properties"]["subject"]["properties"]
    assert subject["kind"]["enum"] == ["county_federation", None] and subject["jurisdiction"]["enum"] == ["henan", None]
    assert "410100" in {p["code"] for p in subject["prefecture"]["x-places"]}
    validator = _evidence_validator(engine, "henan/county-five-good", on)
    for prefecture in ("410100", "郑州市", "郑州", "Zhengzhou", "zheng zhou", None):
        assert validator.is_valid({"subject": {"prefecture": prefecture}}), prefecture
    assert not validator.is_valid({"subject": {"prefecture": "Hangzhou"}})
    assert not validator.is_valid({"subject": {"name": "  "}})
    # Dotted keys at the top are the same values; unknown keys are allowed (the engine warns).
    assert validator.is_valid({"office.area_m2": 60, "nonsense": {"x": 1}})
    assert not validator.is_valid({"office.area_m2": "60"})
    assert not validator.is_valid({"members.total_by_year.2012": -1})
    assert not validator.is_valid({"attest": {"anything": "yes"}})


REFUSED = [
    {"staff": {"headcount": "3"}},  # a string where a whole number is expected
    {"staff": {"headcount": 10**16}},  # beyond the bounds
    {"staff": {"headcount": -1}},
    {"office": {"area_m2": True}},
    {"office": {"area_m2": Decimal("1e-21")}},
    {"office": {"area_m2": Decimal(-1)}},
    {"subject": {"year": "2012"}},  # a year as text: not a date, not a year
    {"subject": {"year": 12}},
    {"members": {"total_by_year": {"twenty": 3}}},
    {"members": {"total_by_year": {"2012": Decimal("3.5")}}},
    {"members": {"growth_rate_reported": "7%"}},
    {"local": {"leading_industries": "textiles"}},
    {"subject": {"name": "a\x1b[31mb"}},
    {"staff": 3},
    {"attest": {"art19-improved": 1}},
]


@pytest.mark.parametrize("doc", REFUSED, ids=[_json_text(d)[:50] for d in REFUSED])
def test_evidence_the_engine_refuses_is_invalid_in_the_schema(engine: Engine, doc: dict[str, Any]) -> None:
    doc = _as_json(doc)
    with pytest.raises(EvidenceError):
        engine.evaluate(doc, "henan/county-five-good", HENAN)
    assert _errors(_evidence_validator(engine, "henan/county-five-good", HENAN), doc)


def test_every_vocabulary_type_has_a_json_schema() -> None:
    assert set(JSON_TYPES) == set(TYPES)


def _json_values() -> st.SearchStrategy[Any]:
    numbers = st.one_of(
        st.integers(-2 * MAX_MAGNITUDE, 2 * MAX_MAGNITUDE),
        st.integers(900, 3100),
        st.integers(-(10**40), 10**40),
        st.decimals(allow_nan=False, allow_infinity=False, min_value=-2 * MAX_MAGNITUDE, max_value=2 * MAX_MAGNITUDE),
        st.decimals(allow_nan=False, allow_infinity=False, places=MAX_PLACES + 2, min_value=-10, max_value=10),
    )
    text = st.text(max_size=8)
    scalars = st.one_of(st.none(), st.booleans(), numbers, text)
    return st.one_of(
        scalars,
        st.lists(st.one_of(text, numbers, st.none()), max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(["2012", "2013", "1999"]), text), st.one_of(numbers, st.none(), text), max_size=3),
    )


def _exact_in_json_schema(value: Any) -> bool:
    # What JSON Schema cannot tell apart: 1.0 from 1 (both "integer"), and trailing zeros past the 20th place.
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return False
        places, least = -int(value.as_tuple().exponent), -int(value.normalize().as_tuple().exponent)
        return (places <= MAX_PLACES) == (least <= MAX_PLACES)
    if isinstance(value, dict):
        return all(_exact_in_json_schema(v) for v in value.values())
    if isinstance(value, list):
        return all(_exact_in_json_schema(v) for v in value)
    return True


_type_validators = {
    name: jsonschema_rs.validator_for({"$schema": "https://json-schema.org/draft/2020-12/schema", **value_schema(t)})
    for name, t in TYPES.items()
}


@given(name=st.sampled_from(sorted(TYPES)), value=_json_values())
def test_a_value_is_schema_valid_exactly_when_its_type_accepts_it(name: str, value: Any) -> None:
    value = json.loads(_json_text(value), parse_float=Decimal)
    assume(_exact_in_json_schema(value))
    try:
        if value is not None:
            TYPES[name].parse(value)
        accepted = True
    except BadValue:
        accepted = False
    assert _type_validators[name].is_valid(value) is accepted, (name, value)


@given(
    key=st.sampled_from(sorted(k for k in Engine.from_entry_points().vocabulary.keys if not k.startswith("subject."))), value=_json_values()
)
def test_a_document_is_schema_valid_exactly_when_the_evidence_check_accepts_it(engine: Engine, key: str, value: Any) -> None:
    section, name = key.split(".", 1)
    doc = json.loads(_json_text({section: {name: value}}), parse_float=Decimal)
    assume(_exact_in_json_schema(doc))
    try:
        check_document(doc, engine.vocabulary)
        accepted = True
    except EvidenceError:
        accepted = False
    assert _evidence_validator(engine, "henan/county-five-good", HENAN).is_valid(doc) is accepted, doc


# --- results -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results(engine: Engine) -> list[Result]:
    out = [engine.evaluate(_as_json(load_evidence(ROOT / "examples" / e)), ref, on) for e, uses in EXAMPLES.items() for ref, on in uses]
    model = ROOT / "examples/henan/model-county.toml"
    out.append(engine.evaluate(str(model), "henan/county-five-good", HENAN, waive={"art19-improved": "set aside by the panel"}))
    out.append(engine.evaluate({"subject": {"kind": "chamber"}}, "ningbo/five-have-five-good", NINGBO))
    return out


def test_every_result_validates_against_the_result_schema(results: list[Result]) -> None:
    validator = jsonschema_rs.validator_for(json.loads(json.dumps(result_schema())), validate_formats=True)
    for result in results:
        assert _errors(validator, json.loads(result.dumps())) == [], result.standard.id
    # The examples cover what the schema describes: every verdict, rewards and none, a nested standard, a waiver.
    assert {r.verdict for r in results} == set(Overall)
    assert any(r.reward is not None and r.reward.amount is not None for r in results)
    assert any(r.reward is None for r in results)
    assert any(c.nested is not None for r in results for c in r.walk())
    assert any(r.waived for r in results)


def test_the_result_schema_takes_its_enums_from_the_code() -> None:
    schema = result_schema()
    assert schema["$defs"]["result"]["properties"]["verdict"]["enum"] == ["pass", "fail", "incomplete"]
    verdicts = schema["$defs"]["criterion"]["properties"]["verdict"]["enum"]
    assert set(verdicts) == {"pass", "fail", "unknown", "not_applicable", "advisory", "waived"}
    validator = jsonschema_rs.validator_for(schema)
    assert not validator.is_valid({"verdict": "maybe"})


# --- batch rows --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["batch.jsonl", "batch.csv"])
def test_batch_rows_validate_against_the_batch_row_schema(engine: Engine, name: str) -> None:
    path = ROOT / "examples" / "ningbo" / name
    compiled = engine.get("ningbo/five-have-five-good", NINGBO)
    rows = list(batch_rows(engine, read_records(path, engine.vocabulary), compiled, NINGBO, str(path)))
    validator = jsonschema_rs.validator_for(json.loads(json.dumps(batch_row_schema())))
    for row in rows:
        assert _errors(validator, json.loads(json.dumps(row.to_json()))) == [], row
    assert any(row.error for row in rows) or name == "batch.csv"
    assert any(row.reward is not None for row in rows)
    assert not validator.is_valid({**rows[0].to_json(), "verdict": None})  # neither a verdict nor an error


def test_batch_records_the_engine_accepts_are_schema_valid_and_those_it_refuses_for_a_value_are_not(engine: Engine) -> None:
    path = ROOT / "examples/ningbo/batch.jsonl"
    validator = _evidence_validator(engine, "ningbo/five-have-five-good", NINGBO)
    for line, record in read_records(path, engine.vocabulary):
        if isinstance(record, FivegoodError):
            continue  # malformed JSON: never a document
        try:
            engine.assess(record, "ningbo/five-have-five-good", NINGBO)
            assert _errors(validator, record) == [], line
        except EvidenceError:
            assert _errors(validator, record), line


# --- the command line --------------------------------------------------------------------------------


def test_the_command_line_writes_each_schema(tmp_path: Path) -> None:
    out = tmp_path / "evidence.json"
    run = fivegood("schema", "evidence", "--standard", "ningbo/five-have-five-good@2010", "--as-of", "2011-01-12", "--output", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert json.loads(text)["$id"] == "https://fivegood.dev/schemas/evidence/ningbo/five-have-five-good/2010.json"
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"  # sorted, stable
    for what, schema in (("result", result_schema()), ("batch-row", batch_row_schema())):
        run = fivegood("schema", what)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout) == json.loads(json.dumps(schema))


def test_an_unknown_standard_is_bad_usage_with_a_message() -> None:
    run = fivegood("schema", "evidence", "--standard", "nowhere/nothing")
    assert run.returncode == 2
    assert "unknown standard 'nowhere/nothing'" in run.stderr
    zh = fivegood("schema", "evidence", "--standard", "nowhere/nothing", "--lang", "zh")
    assert zh.returncode == 2 and "未知标准 'nowhere/nothing'" in zh.stderr
