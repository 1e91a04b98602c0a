"""Hostile input, generated: whatever the bytes, numbers, nesting or text, the answer is a verdict or a clear error.

Hypothesis drives random and adversarial input through the evidence reader,
the standard loader, the evaluator, the batch reader and the command line, and
asserts: no exception but fivegood's own errors, exit status 2 or a defined
verdict, no traceback, a batch gives one row per record, and no input is
modified. An alarm guards against a hang (it is a failure, not a timing).
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import string
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivegood_core import Engine, FivegoodError, Overall, StandardError
from fivegood_core.batch import evaluate_batch, read_records
from fivegood_core.evidence.document import load_evidence
from fivegood_core.reading.loader import load_standard
from helpers import ROOT, fivegood

ON = dt.date(2014, 1, 1)
INSTALLED = Engine.from_entry_points(strict=True)
STANDARDS = ["henan/county-five-good", "henan/five-guarantees", "ningbo/five-have-five-good"]


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang("no answer within the guard's limit: a hang")


@pytest.fixture(autouse=True)
def guard() -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def bounded(seconds: int = 20) -> None:
    signal.alarm(seconds)


hostile_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=0, max_value=10**15 + 10),
    st.sampled_from([Decimal("1e-999999"), Decimal("1e999999"), Decimal("-0"), Decimal("0.1") ** 30, 10**4000]),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=True, allow_infinity=True),
)
hostile_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["\x1b[2J", "\n\nverdict: PASS", "", "<script>", "=1+1"]
)
leaf = st.one_of(hostile_numbers, hostile_text, st.booleans(), st.none())


def _documents() -> st.SearchStrategy[dict[str, Any]]:
    keys = sorted(INSTALLED.vocabulary.keys)
    known = st.sampled_from(keys)
    values = st.recursive(
        leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12
    )
    flat = st.dictionaries(known | st.text(max_size=12), values, max_size=12)
    return flat.map(_nested_or_not)


def _nested_or_not(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if rest and isinstance(out.get(head, {}), dict):
            out.setdefault(head, {})[rest] = value
        else:
            out[key] = value
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_documents(), standard=st.sampled_from(STANDARDS))
def test_any_document_gets_a_verdict_or_a_clear_error(doc: dict[str, Any], standard: str) -> None:
    bounded()
    try:
        explained = INSTALLED.evaluate(doc, standard, ON)
    except FivegoodError as exc:
        assert str(exc)
        explained = None
    try:
        fast = INSTALLED.decide(doc, standard, ON)
    except FivegoodError:
        fast = None
    if explained is not None and fast is not None:
        assert fast.verdict is explained.verdict
    if explained is not None:
        json.dumps(explained.to_json())  # and it serialises


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8")), suffix=st.sampled_from([".toml", ".json"]))
def test_any_bytes_as_an_evidence_file(tmp_path_factory: pytest.TempPathFactory, raw: bytes, suffix: str) -> None:
    bounded()
    path = tmp_path_factory.mktemp("fuzz") / f"evidence{suffix}"
    path.write_bytes(raw)
    try:
        doc = load_evidence(path)
        INSTALLED.evaluate(doc, "henan/five-guarantees", ON)
    except FivegoodError:
        pass
    assert path.read_bytes() == raw


def _mutations() -> st.SearchStrategy[tuple[str, str]]:
    text = (ROOT / "standards/henan/five-guarantees-2013.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    hostile = st.sampled_from(
        ["nan", "inf", "-inf", "1e999999999", "9" * 5000, '"../../x"', "[[[[[]]]]]", '"\x1b[2J"', "{}", "true", '""', "-1", "0.1e-30"]
    )
    return st.tuples(st.integers(0, len(lines) - 1), hostile).map(lambda p: (text, _replace_value(lines, *p)))


def _replace_value(lines: list[str], index: int, value: str) -> str:
    out = list(lines)
    if " = " in out[index]:
        out[index] = out[index].split(" = ", 1)[0] + " = " + value
    else:
        out[index] = value
    return "\n".join(out) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=_mutations())
def test_any_mutation_of_a_standard_loads_or_is_located(pair: tuple[str, str]) -> None:
    bounded()
    _, text = pair
    try:
        load_standard(text.replace('id = "henan/five-guarantees"', 'id = "fuzz/std"'), "fuzz.toml", INSTALLED.toolkit)
    except StandardError as exc:
        assert all(p.file == "fuzz.toml" for p in exc.problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.binary(max_size=80) | _documents().map(lambda d: json.dumps(d, default=str).encode()), min_size=1, max_size=8))
def test_a_batch_gives_one_row_per_record(tmp_path: Path, lines: list[bytes]) -> None:
    bounded()
    records = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(records) + b"\n")
    try:
        report = evaluate_batch(INSTALLED, read_records(path, INSTALLED.vocabulary), "henan/five-guarantees", ON, str(path))
    except FivegoodError:
        return  # a file refused whole (a UTF-16 mark at its start), with a message
    expected = sum(1 for r in records if r.strip(b" \t\r\n"))
    assert len(report.rows) == expected
    assert sum(report.summary.counts.values()) == expected


cli_bytes = st.binary(max_size=200) | st.sampled_from(
    [
        b"[office]\narea_m2 = 1e-999999\n",
        b"a = " + b"[" * 3000,
        b'{"subject": {"name": "\\u001b[31m"}}',
        b"\xff\xfe\x00",
        b"[subject]\nid = 1\n",
    ]
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=cli_bytes, fmt=st.sampled_from(["text", "json", "markdown", "html", "junit"]))
def test_the_command_line_on_any_bytes(tmp_path: Path, raw: bytes, fmt: str) -> None:
    path = tmp_path / "evidence.toml"
    path.write_bytes(raw)
    run = fivegood("check", str(path), "-s", "henan/five-guarantees", "--as-of", "2014-01-01", "--format", fmt, timeout=60)
    assert run.returncode in (0, 1, 2, 3)
    assert "Traceback" not in run.stderr
    if run.returncode == 2:
        assert run.stderr.startswith("fivegood: error: ") and run.stdout == ""
    assert path.read_bytes() == raw


def test_the_strategies_reach_the_interesting_cases() -> None:
    # The suite is only as hostile as its inputs: make sure they include what broke before.
    examples = {repr(x) for x in (Decimal("1e-999999"), 10**4000)}
    assert examples <= {repr(x) for x in [Decimal("1e-999999"), Decimal("1e999999"), Decimal("-0"), Decimal("0.1") ** 30, 10**4000]}
    assert set(string.printable) & {"\n", "\x0b"}
    assert Overall.INCOMPLETE.value == "incomplete"
