"""JSON Schemas (draft 2020-12) of what fivegood reads and writes: evidence per standard version, results, batch rows.

Other tools (a federation's OA system, a data platform, the web service's
OpenAPI document) validate before they call. Each schema is derived from the
code's own sources of truth: the vocabulary's types and bounds
(``model/vocabulary.py``), the keys a standard reads (``render/template.py``),
the subject's fields, the lists of divisions (``model/divisions.py``), the
verdict enums (``model/verdict.py``). See docs/schemas.md.

Identifiers (``$id``):

- evidence: ``https://fivegood.dev/schemas/evidence/{standard id}/{version}.json``
  (``…/evidence/henan/county-five-good/2013.json``);
- a result: ``https://fivegood.dev/schemas/result/v{SCHEMA_VERSION}.json``;
- a batch row: ``https://fivegood.dev/schemas/batch-row/v{SCHEMA_VERSION}.json``.

What JSON Schema cannot say, the evidence schema states in its description:
the engine refuses ``1.0`` where a whole number is expected (JSON Schema's
``integer`` accepts it), nesting deeper than the evidence limits, and more
values than they allow.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Any, Callable, Mapping

import attrs

from fivegood_core.evidence.document import MAX_DEPTH, MAX_NAME, MAX_VALUES, PLACE_FIELDS
from fivegood_core.model.dates import as_of_or_today
from fivegood_core.model.divisions import Division, division_list
from fivegood_core.model.results import SCHEMA_VERSION
from fivegood_core.model.subject import Subject
from fivegood_core.model.verdict import Overall, Verdict
from fivegood_core.model.vocabulary import (
    ATTEST_PREFIX,
    CONTROL_CHARACTERS,
    MAX_MAGNITUDE,
    MAX_PLACES,
    TYPES,
    EvidenceKey,
    ValueType,
    key_path,
)
from fivegood_core.reading.loader import OVERLAY_OPS
from fivegood_core.render.template import Use, keys_read

if TYPE_CHECKING:
    from fivegood_core.engine import Engine
    from fivegood_core.evaluation.compiled import CompiledStandard

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://fivegood.dev/schemas"

# --- the vocabulary's types as JSON Schema --------------------------------------------------------

#: A string with no control character (what the evidence check refuses), from the one pattern it uses.
NO_CONTROL = "^[^" + CONTROL_CHARACTERS.pattern[1:-1] + "]*$"
#: Whitespace as Python's ``str.split`` and ``str.strip`` see it, less the control characters refused anyway.
_SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and not CONTROL_CHARACTERS.match(c))


def _escaped(c: str) -> str:
    return c if c.isalnum() or c in "_-" else f"\\u{ord(c):04x}"


def _char_class(chars: str) -> str:
    """Characters as the inside of a regex class, in runs (``\\u2000-\\u200a``)."""
    codes = sorted(map(ord, set(chars)))
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(_escaped(chr(a)) if a == b else f"{_escaped(chr(a))}-{_escaped(chr(b))}" for a, b in runs)


#: A string holding something besides whitespace: a subject's id and names may not be blank.
NOT_BLANK = f"[^{_char_class(_SPACES)}]"
#: A year as the key of a year table.
YEAR_KEY = "^[12][0-9]{3}$"
#: The finest step an evidence number may have (:data:`MAX_PLACES` decimal places).
STEP = float(f"1e-{MAX_PLACES}")


def _whole(minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "exclusiveMaximum": MAX_MAGNITUDE}


def _decimal(nonnegative: bool) -> dict[str, Any]:
    bounds: dict[str, Any] = {"minimum": 0} if nonnegative else {"exclusiveMinimum": -MAX_MAGNITUDE}
    return {"type": "number", **bounds, "exclusiveMaximum": MAX_MAGNITUDE, "multipleOf": STEP}


#: Each vocabulary type (``TYPES`` in model/vocabulary.py) as the JSON values its parser accepts.
#: ``test_jsonschema`` checks that every type has an entry and that each agrees with the parser.
JSON_TYPES: Mapping[str, Callable[[], dict[str, Any]]] = {
    "count": _whole,
    "amount": lambda: _decimal(True),
    "area": lambda: _decimal(True),
    "number": lambda: _decimal(False),
    "rate": lambda: _decimal(False),
    "flag": lambda: {"type": "boolean"},
    "text": lambda: {"type": "string", "pattern": NO_CONTROL},
    "year": lambda: {"type": "integer", "minimum": 1000, "maximum": 2999},
    "names": lambda: {"type": "array", "items": {"type": "string", "pattern": NO_CONTROL}},
    "by_year": lambda: {"type": "object", "propertyNames": {"pattern": YEAR_KEY}, "additionalProperties": _whole()},
}


def value_schema(value_type: ValueType) -> dict[str, Any]:
    """The JSON values a key of this type accepts, ``null`` (unknown) included."""
    made = JSON_TYPES[value_type.name]()
    made["type"] = [made["type"], "null"]
    return made


def _key_schema(entry: EvidenceKey, uses: list[Use]) -> dict[str, Any]:
    t = entry.type
    out = value_schema(t)
    out.update(
        {
            "title": entry.label.en,
            "x-label-zh": entry.label.zh,
            "x-type": t.name,
            "x-expected": {"en": t.expected.render("en"), "zh": t.expected.render("zh")},
            "x-defined-by": entry.provider,
            "x-articles": [
                {k: v for k, v in attrs.asdict(u).items() if v is not None}
                for u in sorted(uses, key=lambda u: (u.ref, u.criterion, u.threshold or ""))
            ],
        }
    )
    if entry.meaning:
        out["description"] = entry.meaning
    if t.unit.en or t.unit.zh:
        out["x-unit"] = t.unit.to_json()
    return out


# --- subject ----------------------------------------------------------------------------------------


def _fold_pattern(name: str) -> str:
    # A division's name as DivisionList.find compares it: any case, spaces anywhere ignored.
    space = f"[{_char_class(_SPACES)}]*"
    parts = [f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else _escaped(c) for c in name]
    return space + space.join(parts) + space


def _places(jurisdiction: str, field: str, on: dt.date) -> dict[str, Any] | None:
    places = division_list(jurisdiction, field, on)
    if places is None or not places.complete:
        return None
    names = sorted({n for d in places.divisions for n in d.names()})
    return {
        "pattern": "^(?:" + "|".join(_fold_pattern(n) for n in names) + ")$",
        "x-places": [_place(d) for d in sorted(places.divisions, key=lambda d: d.code)],
    }


def _place(d: Division) -> dict[str, str]:
    return {"code": d.code, "zh": d.zh, "en": d.en}


def _subject_schema(engine: "Engine", compiled: "CompiledStandard", on: dt.date, keys: dict[str, dict[str, Any]]) -> dict[str, Any]:
    defn = compiled.defn
    props: dict[str, Any] = {}
    for field in attrs.fields(Subject):
        key = "subject." + field.name
        entry = engine.vocabulary.get(key)
        schema = dict(keys[key]) if key in keys else (value_schema(TYPES["text"]) if entry is None else _key_schema(entry, []))
        if field.name != "year":
            # subject_of: a subject's id and names are printed in every report, so none is blank or overlong.
            schema = {**schema, "maxLength": MAX_NAME, "allOf": [{"pattern": NO_CONTROL}, {"pattern": NOT_BLANK}]}
            schema.pop("pattern", None)
        props[field.name] = schema
    props["kind"] = {**props["kind"], "enum": [defn.subject_kind, None]}
    jurisdictions = [defn.jurisdiction, *defn.also_in]
    props["jurisdiction"] = {**props["jurisdiction"], "enum": [*jurisdictions, None]}
    out: dict[str, Any] = {
        "type": ["object", "null"],
        "title": "subject",
        "x-label-zh": "评估对象",
        "properties": props,
        "additionalProperties": True,
    }
    # A district or prefecture is read in the subject's jurisdiction (the standard's when not given).
    conditions = []
    for j in jurisdictions:
        places = {f: {**props[f], **p} for f in PLACE_FIELDS if (p := _places(j, f, on)) is not None}
        if not places:
            continue
        if not defn.also_in:
            props.update(places)
            continue
        if j == defn.jurisdiction:
            others = [o for o in jurisdictions if o != j]
            cond: dict[str, Any] = {"not": {"required": ["jurisdiction"], "properties": {"jurisdiction": {"enum": others}}}}
        else:
            cond = {"required": ["jurisdiction"], "properties": {"jurisdiction": {"const": j}}}
        conditions.append({"if": cond, "then": {"properties": places}})
    if conditions:
        out["allOf"] = conditions
    return out


# --- evidence ----------------------------------------------------------------------------------------


def _pointer(name: str) -> str:
    return "#/$defs/" + name.replace("~", "~0").replace("/", "~1")


def evidence_schema(engine: "Engine", standard: "CompiledStandard", on: dt.date | None = None) -> dict[str, Any]:
    """The JSON Schema of the JSON evidence document of one standard version, as on ``on`` (default today).

    Every key the standard reads (its required standards' too) is described
    with its type, bounds, labels, unit and the criteria that read it
    (``x-articles``); ``x-reads`` lists them. Every other vocabulary key is
    constrained too, since the engine refuses a bad value of any key it knows;
    unknown keys are allowed (the engine warns of them, it does not refuse).
    Values may be given nested (``{"office": {"area_m2": 60}}``) or dotted at
    the top (``{"office.area_m2": 60}``).
    """
    on = as_of_or_today(on)
    defn = standard.defn
    vocabulary = engine.vocabulary
    uses = keys_read(engine, standard, on)
    defs: dict[str, Any] = {}
    for key, entry in sorted(vocabulary.keys.items()):
        defs[key] = _key_schema(entry, uses.get(key, []))
    attested = sorted(k for k in uses if k.startswith(ATTEST_PREFIX))
    for key in attested:
        attestation = vocabulary.get(key)
        assert attestation is not None
        defs[key] = _key_schema(attestation, uses[key])
    any_attestation = value_schema(TYPES["flag"])
    any_attestation["description"] = "An assessor's yes/no on the criterion of that id (attest.<criterion id>)."
    subject = _subject_schema(engine, standard, on, defs)

    sections: dict[str, dict[str, Any]] = {}
    for key in defs:
        path = key_path(key)
        if path[0] == "subject":
            continue
        node = sections.setdefault(path[0], {"type": ["object", "null"], "properties": {}, "additionalProperties": True})
        for part in path[1:-1]:
            node = node["properties"].setdefault(part, {"type": ["object", "null"], "properties": {}, "additionalProperties": True})
        node["properties"][path[-1]] = {"$ref": _pointer(key)}
    attest = sections.setdefault("attest", {"type": ["object", "null"], "properties": {}})
    attest["additionalProperties"] = any_attestation
    attest["description"] = "attest.<criterion id>: an assessor's yes/no on a criterion; any id, each true, false or null."
    properties: dict[str, Any] = {"subject": subject, **dict(sorted(sections.items()))}
    # Dotted keys at the top level are nested on the way in (evidence/document.py, nest): the same values.
    for key in defs:
        if not key.startswith("subject."):
            properties[key] = {"$ref": _pointer(key)}
    for field, schema in subject["properties"].items():
        properties["subject." + field] = schema
    pattern_properties = {
        "^" + key.replace(".", "\\.") + "\\.[12][0-9]{3}$": _whole()
        for key, entry in vocabulary.keys.items()
        if entry.type.name == "by_year"
    }
    pattern_properties["^attest\\..+$"] = any_attestation
    reads = sorted(uses)
    return {
        "$schema": DIALECT,
        "$id": f"{BASE}/evidence/{defn.id}/{defn.version}.json",
        "title": f"Evidence for {defn.ref}: {defn.title.en}",
        "x-title-zh": f"{defn.ref} 证据:{defn.title.zh}",
        "description": (
            f"Evidence for {defn.ref} as read on {on.isoformat()}. A key that is absent or null is unknown. "
            f"Keys this schema does not name are allowed: the engine warns of them and reads nothing from them. "
            f"Numbers are JSON numbers, never strings: |n| < {MAX_MAGNITUDE}, at most {MAX_PLACES} decimal places; "
            f"a whole number is written without a fraction (the engine refuses 1.0 where it expects 1). "
            f"At most {MAX_DEPTH} tables deep and {MAX_VALUES} values."
        ),
        "x-standard": {"id": defn.id, "version": defn.version, "jurisdiction": defn.jurisdiction, "subject_kind": defn.subject_kind},
        "x-as-of": on.isoformat(),
        "x-reads": reads,
        "type": "object",
        "properties": properties,
        "patternProperties": pattern_properties,
        "additionalProperties": True,
        "$defs": defs,
    }


# --- results and batch rows ---------------------------------------------------------------------------

_STRING_OR_NULL = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_TEXT = {
    "type": "object",
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
    "required": ["zh", "en"],
    "additionalProperties": False,
}
#: An amount of yuan as ``str(Decimal)`` writes it.
AMOUNT = "^-?[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?$"


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": sorted(properties), "additionalProperties": False}


def _text_or_null() -> dict[str, Any]:
    return {"anyOf": [{"$ref": "#/$defs/text"}, {"type": "null"}]}


def _shared_defs() -> dict[str, Any]:
    reward = _obj(
        {
            "amount": {"type": ["string", "null"], "pattern": AMOUNT, "description": "yuan, exact, as a string"},
            "currency": _STRING_OR_NULL,
            "payer": _text_or_null(),
            "scheme": _STRING_OR_NULL,
            "basis": _text_or_null(),
            "reason": {"$ref": "#/$defs/text"},
        }
    )
    reward["title"] = "reward"
    return {"text": _TEXT, "reward": reward}


def _overall() -> list[str]:
    return [o.value for o in Overall]


def result_schema() -> dict[str, Any]:
    """The JSON Schema of ``Result.to_json()`` (``fivegood check --format json``), nested results included."""
    subject = {
        "type": "object",
        "properties": {f.name: {"type": "integer"} if f.name == "year" else {"type": "string"} for f in attrs.fields(Subject)},
        "additionalProperties": False,
    }
    result = _obj(
        {
            "schema": {"const": SCHEMA_VERSION},
            "standard": _obj(
                {
                    "id": {"type": "string"},
                    "version": {"type": "string"},
                    "title": {"$ref": "#/$defs/text"},
                    "content_hash": {"type": "string"},
                    "document": _STRING_OR_NULL,
                    "provider": _STRING_OR_NULL,
                }
            ),
            "verdict": {"enum": _overall()},
            "as_of": {"type": "string", "format": "date"},
            "subject": subject,
            "failed": _STRINGS,
            "unknown": _STRINGS,
            "missing": _STRINGS,
            "waived": _STRINGS,
            "criteria": {"type": "array", "items": {"$ref": "#/$defs/criterion"}},
            "reward": {"anyOf": [{"$ref": "#/$defs/reward"}, {"type": "null"}]},
            "warnings": _STRINGS,
            "engine": {"type": "object", "additionalProperties": {"type": "string"}},
        }
    )
    criterion = _obj(
        {
            "id": {"type": "string"},
            "kind": {"type": "string"},
            "verdict": {"enum": [v.label for v in Verdict.__members__.values()]},
            "title": {"$ref": "#/$defs/text"},
            "citation": _STRING_OR_NULL,
            "observed": _STRING_OR_NULL,
            "threshold": _STRING_OR_NULL,
            "reason": {"$ref": "#/$defs/text"},
            "gap": _text_or_null(),
            "inputs": _STRINGS,
            "values": {"type": "object", "description": "the evidence values read, by key; exact numbers as strings"},
            "missing": _STRINGS,
            "interpretation": _text_or_null(),
            "assumed": {"type": "boolean"},
            "self_reported": {"type": "boolean"},
            "basis": _STRING_OR_NULL,
            "counted": {"type": "boolean"},
            "waiver": _text_or_null(),
            "overlay": {"enum": [*OVERLAY_OPS, None]},
            "children": {"type": "array", "items": {"$ref": "#/$defs/criterion"}},
            "requires": {"anyOf": [{"$ref": "#/$defs/result"}, {"type": "null"}], "description": "the required standard's result"},
        }
    )
    return {
        "$schema": DIALECT,
        "$id": f"{BASE}/result/v{SCHEMA_VERSION}.json",
        "title": "fivegood result",
        "x-title-zh": "fivegood 评估结果",
        "description": "One organisation's result against one standard version (fivegood check --format json; docs/concepts.md).",
        "$ref": "#/$defs/result",
        "$defs": {**_shared_defs(), "result": result, "criterion": criterion},
    }


def batch_row_schema() -> dict[str, Any]:
    """The JSON Schema of one row of ``fivegood batch --format jsonl``: a verdict, or the error that stopped the record."""
    row = _obj(
        {
            "line": {"type": "integer", "minimum": 1},
            "subject": _STRING_OR_NULL,
            "district": _STRING_OR_NULL,
            "verdict": {"enum": [*_overall(), None]},
            "failed": _STRINGS,
            "unknown": _STRINGS,
            "reward": {"anyOf": [{"$ref": "#/$defs/reward"}, {"type": "null"}]},
            "error": _STRING_OR_NULL,
        }
    )
    return {
        "$schema": DIALECT,
        "$id": f"{BASE}/batch-row/v{SCHEMA_VERSION}.json",
        "title": "fivegood batch row",
        "x-title-zh": "fivegood 批量评估行",
        "description": "One record of fivegood batch --format jsonl: a verdict (error null), or an error row (verdict null, error says why).",
        **row,
        "oneOf": [
            {"properties": {"verdict": {"enum": _overall()}, "error": {"type": "null"}}},
            {"properties": {"verdict": {"type": "null"}, "error": {"type": "string"}, "reward": {"type": "null"}}},
        ],
        "$defs": _shared_defs(),
    }


__all__ = ["JSON_TYPES", "batch_row_schema", "evidence_schema", "result_schema", "value_schema"]
