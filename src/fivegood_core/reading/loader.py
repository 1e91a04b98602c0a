"""Loading standard and vocabulary files: TOML in, validated model out, every problem located.

The loader checks each table against its schema (unknown keys are errors), the
criteria tree (unique ids, parents defined before children, groups with
children, leaves without), and each criterion's kind-specific fields against
that kind's schema. It collects every problem of a file before raising, so an
author fixes them in one pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import attrs

from fivegood_core.errors import Problem, StandardError
from fivegood_core.model.definitions import CriterionDef, OverlayDef, RewardScheme, StandardDef
from fivegood_core.model.divisions import division_list
from fivegood_core.model.vocabulary import KEY_PATTERN, TYPES, EvidenceKey, Vocabulary
from fivegood_core.reading.cache import sha256
from fivegood_core.reading.schema import TYPES as SCHEMA_TYPES
from fivegood_core.reading.schema import Field, Invalid, KindSchema, Schemas, check_table, invalid
from fivegood_core.reading.tomlfile import TomlDocument, TomlSyntaxError, parse_toml, parse_toml_cached
from fivegood_core.words.catalogue import say, shown

#: Deeper criteria trees than this are refused (real standards have 3 or 4 levels).
MAX_DEPTH = 24

STANDARD_FIELDS = (
    Field("id", "standard", True, 'standard id, e.g. "henan/five-guarantees"'),
    Field("version", "version", True, 'version label, e.g. "2013"'),
    Field("title", "text", True, "title in Chinese and English"),
    Field("issuer", "text", True, "who issued the standard"),
    Field("subject_kind", "string", True, 'what it certifies: "county_federation", "chamber" …'),
    Field("jurisdiction", "string", True, 'e.g. "henan"'),
    Field("effective_from", "date", True, "first day in force"),
    Field("effective_until", "date", False, "first day no longer in force (when superseded)"),
    Field("document", "string", False, "document number, e.g. 豫联(组)〔2013〕10号"),
    Field("issued", "date", False, "date of issue"),
    Field("supersedes", "version", False, "version this one replaces"),
    Field("notes", "text", False, "notes for readers: sources, what is inferred"),
    Field("extends", "standard", False, "ID@VERSION of a standard this one overlays (see docs/authoring.md)"),
    Field("assumed", "texts", False, 'values that are assumed, not from the source: { effective_from = { zh = "…", en = "…" } }'),
)

OVERLAY_OPS = ("tighten", "replace", "add", "drop")
OVERLAY_FIELD = Field("overlay", "string", False, "in an overlay: tighten, replace, add or drop")
#: Criterion fields a "tighten" may change besides the kind's own.
_TEXT_FIELDS = ("title", "citation", "text", "summary", "interpretation", "assumed", "self_reported", "basis")

CRITERION_FIELDS = (
    Field("id", "id", True, "unique id within the standard"),
    Field("kind", "string", True, "check kind: threshold, flag, attest, all, any …"),
    Field("parent", "id", False, "id of the group this criterion belongs to (defined earlier)"),
    Field("title", "text", True, "short title in Chinese and English"),
    Field("citation", "string", False, "where in the document: 第五条, 二、三是 …"),
    Field("text", "string", False, "the original sentence(s)"),
    Field("summary", "string", False, "English summary of the original"),
    Field("interpretation", "text", False, "how the text is read where it is not mechanical"),
    Field("assumed", "bool", False, "true when the criterion is assumed, not from an authoritative text"),
    Field("self_reported", "bool", False, "true when it reads a figure the organisation reports about itself"),
    Field("basis", "string", False, "the document a threshold comes from, when not this one: 豫联(组)〔2012〕15号"),
)

REWARD_FIELDS = (
    Field("id", "id", True, "scheme id"),
    Field("payer", "text", True, "who pays"),
    Field("applies_to", "table", True, 'which subjects: { district = "jiangbei" }'),
    Field("basis", "text", True, "what the scheme rests on"),
    Field("calculator", "string", False, 'how the amount is computed (default "fixed")'),
    Field("amount", "number", False, "yuan, for the fixed calculator"),
    Field("params", "table", False, "parameters for another calculator"),
    Field("currency", "string", False, 'ISO 4217 code (default "CNY")'),
    Field("document", "string", False, "document the scheme comes from"),
    Field("dated", "date", False, "date of that document"),
    Field("effective_from", "date", False, "first day the scheme pays"),
    Field("effective_until", "date", False, "first day it no longer pays"),
    Field("assumed", "texts", False, 'values that are assumed, not from the source: { cadence = { zh = "…", en = "…" } }'),
)

VOCABULARY_FIELDS = (
    Field("type", "string", True, f"one of {', '.join(TYPES)}"),
    Field("label", "text", True, "short label in Chinese and English"),
    Field("meaning", "string", False, "what the key means, with its unit"),
)

_SUBJECT_FIELDS = ("id", "name", "kind", "jurisdiction", "district", "prefecture", "year")
#: Subject fields whose values are administrative divisions, stored as their GB/T 2260 code.
_PLACE_FIELDS = ("district", "prefecture")


def read_toml(text: str, name: str, error: type[StandardError] = StandardError, *, cached: bool = False) -> TomlDocument:
    """Parse TOML, turning a syntax error into ``error`` with its line; ``cached``: through the cache of parsed files."""
    try:
        return parse_toml_cached(text, name) if cached else parse_toml(text, name)
    except TomlSyntaxError as exc:
        raise error([exc.problem]) from None


def load_standard(text: str, name: str, schemas: Schemas, provider: str | None = None) -> StandardDef:
    """Validate one standard file against the kinds, vocabulary and calculators of ``schemas``.

    Raises :class:`StandardError` listing every problem.
    """
    kinds, vocabulary, calculators = schemas.kinds, schemas.vocabulary, schemas.calculators
    doc = read_toml(text, name, cached=True)
    problems: list[Problem] = []
    data = doc.data
    for key in data:
        if key not in ("standard", "criterion", "reward"):
            problems.append(doc.problem((key,), say("standard.unknown_top_level_key")))
    if "standard" not in data:
        problems.append(Problem(name, None, "standard", say("standard.missing_table")))
    head = check_table(doc, ("standard",), data.get("standard", {}), STANDARD_FIELDS, problems, what=say("table.standard"))
    if head.get("effective_until") and head.get("effective_from") and head["effective_until"] <= head["effective_from"]:
        problems.append(doc.problem(("standard", "effective_until"), say("standard.until_before_from")))
    extends = head.get("extends")
    if extends is not None and "@" not in extends:
        problems.append(doc.problem(("standard", "extends"), say("standard.extends_unpinned")))
    overlays: tuple[OverlayDef, ...] = ()
    if extends is not None:
        overlays = _overlays(doc, data.get("criterion"), kinds, vocabulary, problems)
        criteria: tuple[CriterionDef, ...] = ()
    else:
        criteria = _criteria(doc, data.get("criterion"), kinds, vocabulary, problems)
    rewards = _rewards(doc, data.get("reward", []), calculators, problems, head.get("jurisdiction"), head.get("effective_from"))
    if problems:
        raise StandardError(problems)
    return StandardDef(
        id=head["id"],
        version=head["version"],
        title=head["title"],
        issuer=head["issuer"],
        subject_kind=head["subject_kind"],
        jurisdiction=head["jurisdiction"],
        effective_from=head["effective_from"],
        effective_until=head.get("effective_until"),
        document=head.get("document"),
        issued=head.get("issued"),
        supersedes=head.get("supersedes"),
        notes=head.get("notes"),
        criteria=criteria,
        rewards=rewards,
        source=name,
        content_hash="sha256:" + sha256(text.encode("utf-8")).hexdigest(),
        provider=provider,
        extends=extends,
        overlays=overlays,
        assumed=head.get("assumed", {}),
    )


def _overlays(
    doc: TomlDocument, raw: Any, kinds: Mapping[str, KindSchema], vocabulary: Vocabulary, problems: list[Problem]
) -> tuple[OverlayDef, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(doc.name, None, "criterion", say("overlay.needs_criterion")))
        return ()
    out: list[OverlayDef] = []
    for i, table in enumerate(raw):
        path = ("criterion", i)
        if not isinstance(table, dict):
            problems.append(doc.problem(path, say("field.table")))
            continue
        op, cid = table.get("overlay"), table.get("id")
        line = doc.index.line_of(path)
        if op not in OVERLAY_OPS:
            problems.append(doc.problem(path + ("overlay",), say("overlay.unknown_op", options=", ".join(OVERLAY_OPS), got=shown(op))))
            continue
        if not isinstance(cid, str):
            problems.append(doc.problem(path, say("criterion.missing_id")))
            continue
        if op == "drop":
            extra = set(table) - {"id", "overlay"}
            if extra:
                problems.append(doc.problem(path + (sorted(extra)[0],), say("overlay.drop_takes_only")))
            out.append(OverlayDef(op, cid, line))
        elif op == "tighten":
            out.append(OverlayDef(op, cid, line, fields={k: v for k, v in table.items() if k not in ("id", "overlay")}))
        else:
            found = _criteria(doc, [table], kinds, vocabulary, problems, overlay=True, index=i)
            if found:
                out.append(OverlayDef(op, cid, line, criterion=attrs.evolve(found[0], overlay=op)))
    return tuple(out)


def merge_overlay(base: StandardDef, overlay: StandardDef, schemas: Schemas) -> StandardDef:
    """The overlay's standard: the base's criteria, tightened, replaced, added to and dropped as it says."""
    kinds, vocabulary = schemas.kinds, schemas.vocabulary
    problems: list[Problem] = []
    criteria = list(base.criteria)

    def where(o: OverlayDef, key: str = "") -> tuple[str, int | None, str]:
        return overlay.source, o.line, f"criterion[{o.id}]" + (f".{key}" if key else "")

    def below(cid: str) -> set[str]:
        found = {cid}
        for c in criteria:
            if c.parent in found:
                found.add(c.id)
        return found

    for o in overlay.overlays:
        ids = [c.id for c in criteria]
        if o.op != "add" and o.id not in ids:
            problems.append(Problem(*where(o), say("overlay.no_such_criterion", op=o.op, id=repr(o.id), base=base.ref)))
            continue
        if o.op == "drop":
            gone = below(o.id)
            criteria = [c for c in criteria if c.id not in gone]
        elif o.op == "replace":
            old = criteria[ids.index(o.id)]
            assert o.criterion is not None
            criteria[ids.index(o.id)] = attrs.evolve(o.criterion, parent=o.criterion.parent or old.parent)
        elif o.op == "add":
            assert o.criterion is not None
            if o.id in ids:
                problems.append(Problem(*where(o), say("overlay.already_has", base=base.ref, id=repr(o.id))))
                continue
            parent = o.criterion.parent
            if parent is not None and parent not in ids:
                problems.append(Problem(*where(o, "parent"), say("overlay.unknown_parent", parent=repr(parent), base=base.ref)))
                continue
            if parent is not None and not kinds[criteria[ids.index(parent)].kind].group:
                problems.append(Problem(*where(o, "parent"), say("overlay.parent_not_group", parent=repr(parent))))
                continue
            at = max(ids.index(x) for x in below(parent)) + 1 if parent else len(criteria)
            criteria.insert(at, o.criterion)
        else:
            old = criteria[ids.index(o.id)]
            fields = {f.name: f for f in kinds[old.kind].fields} | {f.name: f for f in CRITERION_FIELDS if f.name in _TEXT_FIELDS}
            changes: dict[str, Any] = {}
            for key, value in o.fields.items():
                field = fields.get(key)
                if field is None:
                    problems.append(
                        Problem(
                            *where(o, key),
                            say("overlay.no_field_to_tighten", kind=old.kind, field=repr(key), fields=", ".join(sorted(fields))),
                        )
                    )
                    continue
                try:
                    changes[key] = SCHEMA_TYPES[field.type](value, vocabulary)
                except Invalid as exc:
                    problems.append(Problem(*where(o, key), invalid(exc, value)))
            common = {k: v for k, v in changes.items() if k in _TEXT_FIELDS}
            params = {**old.params, **{k: v for k, v in changes.items() if k not in _TEXT_FIELDS}}
            criteria[ids.index(o.id)] = attrs.evolve(old, params=params, overlay="tighten", line=o.line, **common)
    if problems:
        raise StandardError(problems)
    # A local overlay (Zhengzhou's stricter Five Good) also assesses the subjects of its base's jurisdiction (Henan's counties).
    also = tuple(dict.fromkeys(j for j in (base.jurisdiction, *base.also_in) if j != overlay.jurisdiction))
    return attrs.evolve(
        overlay,
        criteria=tuple(criteria),
        rewards=overlay.rewards or base.rewards,
        subject_kind=overlay.subject_kind,
        overlays=(),
        also_in=also,
    )


def _criteria(
    doc: TomlDocument,
    raw: Any,
    kinds: Mapping[str, KindSchema],
    vocabulary: Vocabulary,
    problems: list[Problem],
    overlay: bool = False,
    index: int = 0,
) -> tuple[CriterionDef, ...]:
    if raw is None:
        problems.append(Problem(doc.name, None, "criterion", say("standard.no_criteria")))
        return ()
    if not isinstance(raw, list):
        problems.append(doc.problem(("criterion",), say("standard.criterion_tables")))
        return ()
    out: list[CriterionDef] = []
    by_id: dict[str, CriterionDef] = {}  # the criteria of `out` by id: finding a parent must not scan them all
    depth: dict[str, int] = {}
    children: dict[str, int] = {}
    for i, table in enumerate(raw, start=index):
        path = ("criterion", i)
        kind_name = table.get("kind") if isinstance(table, dict) else None
        kind = kinds.get(kind_name) if isinstance(kind_name, str) else None
        if isinstance(table, dict) and kind_name is not None and kind is None:
            problems.append(
                doc.problem(path + ("kind",), say("standard.unknown_kind", kind=repr(kind_name), known=", ".join(sorted(kinds))))
            )
        fields = CRITERION_FIELDS + (kind.fields if kind else ()) + ((OVERLAY_FIELD,) if overlay else ())
        before = len(problems)
        values = check_table(
            doc,
            path,
            table,
            fields,
            problems,
            vocabulary,
            what=say("table.criterion_of_kind", kind=repr(kind_name)) if kind else say("table.criterion"),
        )
        if len(problems) > before or kind is None:
            # Still record the id so its children do not cascade into more errors.
            if isinstance(table, dict) and isinstance(table.get("id"), str):
                depth.setdefault(table["id"], 1)
            continue
        cid, parent = values["id"], values.get("parent")
        if cid in depth:
            problems.append(doc.problem(path + ("id",), say("criterion.duplicate_id", id=repr(cid))))
            continue
        if parent is not None and not overlay:  # an overlay's parents are in its base, checked when merged
            if parent not in depth:
                problems.append(doc.problem(path + ("parent",), say("criterion.parent_not_yet_defined", parent=repr(parent))))
                continue
            parent_def = by_id.get(parent)
            if parent_def is not None and not kinds[parent_def.kind].group:
                problems.append(
                    doc.problem(path + ("parent",), say("criterion.parent_not_group", parent=repr(parent), kind=parent_def.kind))
                )
                continue
            children[parent] = children.get(parent, 0) + 1
        depth[cid] = depth.get(parent, 0) + 1 if parent else 1
        if depth[cid] > MAX_DEPTH:
            problems.append(doc.problem(path + ("parent",), say("criterion.too_deep", depth=MAX_DEPTH)))
            continue
        common = {f.name for f in CRITERION_FIELDS} | {"overlay"}
        out.append(
            CriterionDef(
                id=cid,
                kind=values["kind"],
                parent=parent,
                title=values["title"],
                params={k: v for k, v in values.items() if k not in common},
                citation=values.get("citation"),
                text=values.get("text"),
                summary=values.get("summary"),
                interpretation=values.get("interpretation"),
                assumed=values.get("assumed", False),
                line=doc.index.line_of(path),
                self_reported=values.get("self_reported", False),
                basis=values.get("basis"),
            )
        )
        by_id[cid] = out[-1]
    for c in out:
        if kinds[c.kind].group and not children.get(c.id) and not overlay:
            problems.append(
                Problem(doc.name, c.line, f"criterion[{c.id}]", say("criterion.group_without_children", kind=c.kind, id=repr(c.id)))
            )
    return tuple(out)


def _rewards(
    doc: TomlDocument,
    raw: Any,
    calculators: Mapping[str, Any],
    problems: list[Problem],
    jurisdiction: str | None = None,
    effective_from: dt.date | None = None,
) -> tuple[RewardScheme, ...]:
    if not isinstance(raw, list):
        problems.append(doc.problem(("reward",), say("reward.tables")))
        return ()
    out: list[RewardScheme] = []
    seen: set[str] = set()
    for i, table in enumerate(raw):
        path = ("reward", i)
        before = len(problems)
        v = check_table(doc, path, table, REWARD_FIELDS, problems, what=say("table.reward"))
        if len(problems) > before:
            continue
        calculator = v.get("calculator", "fixed")
        if calculator not in calculators:
            problems.append(
                doc.problem(
                    path + ("calculator",), say("reward.unknown_calculator", name=repr(calculator), known=", ".join(sorted(calculators)))
                )
            )
            continue
        params = dict(v.get("params", {}))
        if "amount" in v:
            if v["amount"] < 0:
                problems.append(doc.problem(path + ("amount",), say("reward.amount")))
                continue
            params["amount"] = v["amount"]
        for needed in calculators[calculator].params:
            if needed not in params:
                problems.append(doc.problem(path, say("reward.calculator_needs", name=repr(calculator), param=repr(needed))))
        bad = [k for k in v["applies_to"] if k not in _SUBJECT_FIELDS or not isinstance(v["applies_to"][k], str)]
        if bad:
            problems.append(
                doc.problem(
                    path + ("applies_to",),
                    say("reward.applies_to", fields=", ".join(_SUBJECT_FIELDS), got=", ".join(bad)),
                )
            )
        applies_to = dict(v["applies_to"])
        for field in _PLACE_FIELDS:
            if not isinstance(applies_to.get(field), str) or jurisdiction is None:
                continue
            places = division_list(jurisdiction, field, v.get("effective_from") or effective_from or dt.date.today())
            found = places.find(applies_to[field]) if places else None
            if found is not None:
                applies_to[field] = found.code  # subjects' places are stored as codes, and so are these
            elif places is not None and places.complete:
                problems.append(
                    doc.problem(
                        path + ("applies_to", field),
                        say(
                            "reward.unknown_place",
                            field=field,
                            value=repr(applies_to[field]),
                            jurisdiction=jurisdiction,
                            nearest=", ".join(places.nearest(applies_to[field])),
                        ),
                    )
                )
        if v["id"] in seen:
            problems.append(doc.problem(path + ("id",), say("reward.duplicate_id", id=repr(v["id"]))))
        seen.add(v["id"])
        if len(problems) > before:
            continue
        out.append(
            RewardScheme(
                id=v["id"],
                payer=v["payer"],
                calculator=calculator,
                params=params,
                currency=v.get("currency", "CNY"),
                applies_to=applies_to,
                basis=v["basis"],
                document=v.get("document"),
                dated=v.get("dated"),
                effective_from=v.get("effective_from"),
                effective_until=v.get("effective_until"),
                assumed=v.get("assumed", {}),
            )
        )
    return tuple(out)


def load_vocabulary(text: str, name: str, provider: str) -> list[EvidenceKey]:
    """Validate a vocabulary file (``[keys."a.b"]`` tables)."""
    doc = read_toml(text, name, cached=True)
    problems: list[Problem] = []
    keys = doc.data.get("keys")
    if set(doc.data) - {"keys"} or not isinstance(keys, dict):
        raise StandardError([Problem(name, None, None, say("vocabulary.only_keys_tables"))])
    out: list[EvidenceKey] = []
    for key, table in keys.items():
        path = ("keys", key)
        before = len(problems)
        v = check_table(doc, path, table, VOCABULARY_FIELDS, problems, what=say("table.vocabulary_entry"))
        if not KEY_PATTERN.match(key):
            problems.append(doc.problem(path, say("vocabulary.key_name")))
        if "type" in v and v["type"] not in TYPES:
            problems.append(doc.problem(path + ("type",), say("vocabulary.unknown_type", type=repr(v["type"]), known=", ".join(TYPES))))
        if len(problems) == before:
            out.append(EvidenceKey(key, TYPES[v["type"]], v["label"], v.get("meaning", ""), provider))
    if problems:
        raise StandardError(problems)
    return out
