"""Example cases: declarative expectations beside a standard, run by ``fivegood test`` and the pytest plugin.

A cases file is TOML named ``*.cases.toml``, placed among a plugin's standard
files (the engine does not read it as a standard)::

    standard = "henan/county-five-good"        # default for every case

    [[case]]
    name = "Province aggregate: 21.14% passes the 20% line"
    as_of = 2014-01-01
    evidence = { members = { enterprise = 77670 }, local = { private_enterprises = 367400 } }
    criteria = { "art5-share" = "pass" }       # criterion id → expected verdict
    observed = { "art5-share" = "21.14%" }     # optional: expected observed value
    verdict = "incomplete"                     # optional: the standard's verdict
    reward = "none"                            # optional: "none" or an amount of yuan ("15000")
    warnings = ["self-reported"]               # optional: each must be in a warning; [] for none

``evidence`` is an inline table, or ``sample = "path.toml"`` (relative to the
cases file) with optional ``overrides`` (dotted keys).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

import attrs

from fivegood_core.engine import Engine
from fivegood_core.errors import FivegoodError, Problem, StandardError
from fivegood_core.evidence.document import load_evidence, nest
from fivegood_core.model.verdict import Overall, Verdict
from fivegood_core.reading.loader import read_toml
from fivegood_core.reading.schema import Field, check_table
from fivegood_core.words.catalogue import say, shown

CASE_FIELDS = (
    Field("name", "string", True, "what the case shows"),
    Field("standard", "standard", False, "ID or ID@VERSION (default: the file's)"),
    Field("as_of", "date", True, "evaluation date"),
    Field("evidence", "table", False, "the evidence, inline"),
    Field("sample", "string", False, "an evidence file, relative to this file"),
    Field("overrides", "table", False, "dotted keys replacing values of the sample"),
    Field("verdict", "string", False, "expected verdict of the standard: pass, fail or incomplete"),
    Field("criteria", "table", False, "criterion id → expected verdict"),
    Field("observed", "table", False, "criterion id → expected observed value"),
    Field("reward", "string", False, '"none" or the expected amount of yuan'),
    Field("warnings", "strings", False, "texts each expected in one of the result's warnings; [] expects none"),
)


@attrs.frozen
class Case:
    """One example case, validated."""

    name: str
    standard: str
    as_of: dt.date
    evidence: Mapping[str, Any]
    source: str
    line: int | None
    verdict: Overall | None = None
    criteria: Mapping[str, Verdict] = attrs.field(factory=dict)
    observed: Mapping[str, str] = attrs.field(factory=dict)
    reward: Decimal | None | str = "unchecked"
    #: Texts each expected in a warning of the result; None: not checked.
    warnings: tuple[str, ...] | None = None


@attrs.frozen
class Mismatch:
    """A case's expectation that the engine did not meet."""

    case: Case
    what: str
    expected: str
    actual: str

    def __str__(self) -> str:
        where = f"{self.case.source}:{self.case.line}" if self.case.line else self.case.source
        return f"{where}: case {self.case.name!r}: {self.what}: expected {self.expected}, got {self.actual}"


def load_cases(path: Path) -> list[Case]:
    """Validate a cases file; raises :class:`StandardError` listing every problem."""
    doc = read_toml(path.read_text(encoding="utf-8"), str(path))
    problems: list[Problem] = []
    default = doc.data.get("standard")
    for key in doc.data:
        if key not in ("standard", "case"):
            problems.append(doc.problem((key,), say("cases.unknown_top_level_key")))
    cases: list[Case] = []
    for i, table in enumerate(doc.data.get("case", [])):
        path_key = ("case", i)
        before = len(problems)
        v = check_table(doc, path_key, table, CASE_FIELDS, problems, what=say("table.case"))
        ref = v.get("standard", default)
        if not isinstance(ref, str):
            problems.append(doc.problem(path_key, say("cases.no_standard")))
        if ("evidence" in v) == ("sample" in v):
            problems.append(doc.problem(path_key, say("cases.evidence_or_sample")))
        verdict = _enum(doc, path_key + ("verdict",), v.get("verdict"), Overall, problems)
        criteria = {k: _verdict(doc, path_key + ("criteria", k), x, problems) for k, x in v.get("criteria", {}).items()}
        reward: Decimal | None | str = "unchecked"
        if "reward" in v:
            try:
                reward = None if v["reward"] == "none" else Decimal(v["reward"])
            except InvalidOperation:
                problems.append(doc.problem(path_key + ("reward",), say("cases.reward", got=shown(v["reward"]))))
        if len(problems) > before:
            continue
        if "sample" in v:
            try:
                evidence = load_evidence(path.parent / v["sample"])
            except FivegoodError as exc:
                problems.append(doc.problem(path_key + ("sample",), say("cases.sample", error=exc)))
                continue
            for dotted, value in nest(v.get("overrides", {})).items():
                evidence[dotted] = {**evidence.get(dotted, {}), **value} if isinstance(value, dict) else value
        else:
            evidence = v["evidence"]
        cases.append(
            Case(
                v["name"],
                str(ref),
                v["as_of"],
                evidence,
                str(path),
                doc.index.line_of(path_key),
                verdict,
                {k: x for k, x in criteria.items() if x is not None},
                {k: str(x) for k, x in v.get("observed", {}).items()},
                reward,
                v.get("warnings"),
            )
        )
    if problems:
        raise StandardError(problems)
    return cases


def _enum(doc: Any, key: tuple[Any, ...], value: Any, enum: type[Overall], problems: list[Problem]) -> Overall | None:
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        problems.append(doc.problem(key, say("cases.one_of", options=", ".join(e.value for e in enum), got=shown(value))))
        return None


def _verdict(doc: Any, key: tuple[Any, ...], value: Any, problems: list[Problem]) -> Verdict | None:
    try:
        return Verdict.from_label(value)
    except (KeyError, TypeError):
        problems.append(doc.problem(key, say("cases.verdict", got=shown(value))))
        return None


def run_case(engine: Engine, case: Case) -> list[Mismatch]:
    """Evaluate one case; every unmet expectation is a :class:`Mismatch` (an error is one too)."""
    try:
        result = engine.evaluate(dict(case.evidence), case.standard, case.as_of)
    except FivegoodError as exc:
        return [Mismatch(case, "evaluation", "a result", f"error: {exc}")]
    out: list[Mismatch] = []
    if case.verdict is not None and result.verdict is not case.verdict:
        out.append(
            Mismatch(
                case,
                "verdict",
                case.verdict.value,
                f"{result.verdict.value} (failed: {', '.join(result.failed) or '-'}; missing: {', '.join(result.missing) or '-'})",
            )
        )
    found = {c.id: c for c in result.walk()}
    for cid, want in case.criteria.items():
        got = found.get(cid)
        if got is None:
            out.append(Mismatch(case, f"criterion {cid}", want.label, "no such criterion"))
        elif got.verdict is not want:
            out.append(Mismatch(case, f"criterion {cid}", want.label, f"{got.verdict.label} ({got.reason.en})"))
    for cid, want_text in case.observed.items():
        got = found.get(cid)
        if got is None or got.observed != want_text:
            out.append(Mismatch(case, f"observed value of {cid}", want_text, str(got.observed if got else "no such criterion")))
    if case.reward != "unchecked":
        amount = result.reward.amount if result.reward else None
        if amount != case.reward:
            reason = result.reward.reason.en if result.reward else "no reward scheme"
            out.append(Mismatch(case, "reward", str(case.reward or "none"), f"{amount or 'none'} ({reason})"))
    if case.warnings is not None:
        found_all = "; ".join(str(w) for w in result.warnings) or "no warnings"
        if not case.warnings and result.warnings:
            out.append(Mismatch(case, "warnings", "none", found_all))
        for wanted in case.warnings:
            if not any(wanted in str(w) for w in result.warnings):
                out.append(Mismatch(case, "warnings", repr(wanted), found_all))
    return out
