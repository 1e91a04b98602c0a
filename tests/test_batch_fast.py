"""The fast lane of a JSON Lines batch (batch/fast.py) writes exactly the rows of the reference path.

The reference is the path every other input takes: each line parsed by
``parse_json_evidence`` (duplicate keys refused, decimals exact), checked by
``check_document``, assessed by ``assess_record`` into a ``BatchRow``, written
with ``json.dumps(row.to_json(), ensure_ascii=False)``, counted by ``Tally``.
The varied input mixes passes, fails, incomplete and error records; integers,
decimals and exponents; duplicate keys, escapes, unknown keys and sections,
dotted keys, bad types and bounds, broken lines and blank ones.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivegood_core.batch import Tally, batch_rows, fast, read_records
from fivegood_core.batch.fast import FastLane, FastRow, json_line
from fivegood_core.batch.records import parse_line
from fivegood_core.batch.rows import assess_record
from fivegood_core.batch.run import fast_rows
from fivegood_core.engine import Engine

ROOT = Path(__file__).resolve().parent.parent

COUNTS = {
    "staff": ("establishment_posts", "headcount"),
    "equipment": ("fax", "phones", "copiers", "computers", "printers", "vehicles"),
    "activities": ("standing_committee", "executive_committee", "theory_study", "publicity", "training", "research", "events"),
}
FLAGS = {"party_group": ("established", "complete", "rules", "secretary_is_ufwd_deputy"), "finance": ("independent_account", "in_budget")}
NUMBERS = ["0", "1", "2", "3", "5", "12", "40", "59", "60", "60.0", "59.99", "60.5", "1e2", "1E+1", "0.10", "-0", "-1", "-0.5"]
ODD = ["true", "false", "null", '"7"', "[]", "{}", "1e400", "1" * 17, "0.000000000000000000001", "NaN", "[1]", '{"a": 1}']


def _value(rnd: random.Random, usual: list[str]) -> str:
    return rnd.choice(ODD) if rnd.random() < 0.003 else rnd.choice(usual)


def _record(rnd: random.Random, i: int) -> str:
    """One line of JSON text, written by hand so that it can hold what json.dumps never writes."""
    subject = [f'"id": "county-{i}"', '"kind": "county_federation"', '"year": 2013']
    roll = rnd.random()
    if roll < 0.01:
        subject[0] = '"id": "县\\u4e2d-\\"q\\""'  # escapes: the reference path decides
    elif roll < 0.02:
        subject[0] = '"id": "中文-名"'
    elif roll < 0.025:
        subject[0] = '"id": "  "'
    elif roll < 0.03:
        subject[0] = '"id": 7'
    elif roll < 0.035:
        subject[1] = '"kind": "chamber"'
    elif roll < 0.04:
        subject[2] = '"year": "2013"'
    elif roll < 0.045:
        subject.append('"id": "twice"')
    elif roll < 0.05:
        subject.append('"name": "a\\u0007b"')
    sections = ['"subject": {' + ", ".join(subject) + "}"]
    for section, keys in COUNTS.items():
        items = [f'"{k}": {_value(rnd, ["0", "1", "2", "3", "4", "5", "6", "null"])}' for k in keys if rnd.random() > 0.03]
        if rnd.random() < 0.01:
            items.append(f'"{keys[0]}": 1')  # a key given twice
        if rnd.random() < 0.01:
            items.append('"no_such_key": 1')
        sections.append(f'"{section}": {{{", ".join(items)}}}')
    for section, keys in FLAGS.items():
        items = [f'"{k}": {_value(rnd, ["true", "true", "false", "null"])}' for k in keys if rnd.random() > 0.03]
        if section == "finance":
            items += [f'"working_funds": {_value(rnd, ["30000", "50000", "50000.5", "49999.99", "5e4", "60000"])}']
            items += [f'"investment_funds": {_value(rnd, ["100000", "200000.00", "2E+5", "150000"])}']
        sections.append(f'"{section}": {{{", ".join(items)}}}')
    sections.append(f'"office": {{"area_m2": {_value(rnd, NUMBERS)}, "independent": {_value(rnd, ["true", "false"])}}}')
    sections.append(f'"attest": {{"party-group-functioning": {_value(rnd, ["true", "false", "null"])}}}')
    roll = rnd.random()
    if roll < 0.01:
        sections.append('"unknown_section": {"a": 1}')
    elif roll < 0.02:
        sections.append('"office.area_m2": 60')
    elif roll < 0.03:
        sections.append('"equipment": null')
    elif roll < 0.04:
        sections.append('"members": {"total_by_year": {"2012": 3}}')
    elif roll < 0.05:
        sections.append('"local": {"leading_industries": ["a", "b"]}')
    elif roll < 0.06:
        sections.append('"office": 5')
    rnd.shuffle(sections)
    return "{" + ", ".join(sections) + "}"


def _varied(path: Path, n: int, seed: int) -> None:
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        roll = rnd.random()
        if roll < 0.01:
            lines.append("")
        elif roll < 0.02:
            lines.append("{not json")
        elif roll < 0.025:
            lines.append("[1, 2]")
        elif roll < 0.03:
            lines.append('{"a": 1} {"b": 2}')
        else:
            lines.append(" " + _record(rnd, i) + "\t" if roll < 0.04 else _record(rnd, i))
    data = ("\ufeff" + "\n".join(lines) + "\n").encode()
    data += b'{"subject": {"id": "\xff"}}\n{"subject": {"id": "last"}}'  # a line that is not UTF-8, and no final line feed
    path.write_bytes(data)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_entry_points()


@pytest.fixture(params=["typed", "plain"])
def lane(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test of this process's fast lane runs twice: parsed by msgspec (the ``fast`` extra), and without it."""
    if request.param == "plain":
        monkeypatch.setattr(fast, "_typed", lambda vocabulary: None)
    return str(request.param)


def _reference(engine: Engine, path: Path, ref: str, on: dt.date, jobs: int = 1) -> tuple[list[str], list[list[str]], Any, list[Any]]:
    compiled = engine.get(ref, on)
    tally = Tally(compiled, on)
    lines, cells, errors = [], [], []
    for row in batch_rows(engine, read_records(path, engine.vocabulary), compiled, on, str(path), every=True, jobs=jobs):
        tally.add(row)
        lines.append(json.dumps(row.to_json(), ensure_ascii=False))
        cells.append(row.to_csv())
        errors.append((row.error_in("zh"), row.error_in("en")))
    return lines, cells, tally.summary().to_json(), errors


def _fast(engine: Engine, path: Path, ref: str, on: dt.date, jobs: int = 1) -> tuple[list[str], list[list[str]], Any, list[Any], int]:
    compiled = engine.get(ref, on)
    tally = Tally(compiled, on)
    lines, cells, errors = [], [], []
    fast = 0
    for row in fast_rows(engine, str(path), compiled, on, str(path), every=True, jobs=jobs):
        fast += row.__class__ is FastRow
        tally.add(row)
        lines.append(json_line(row))
        cells.append(row.to_csv())
        errors.append((row.error_in("zh"), row.error_in("en")))
    return lines, cells, tally.summary().to_json(), errors, fast


@pytest.mark.parametrize(
    ("ref", "on"),
    [
        ("henan/five-guarantees", dt.date(2014, 1, 1)),
        ("henan/county-five-good", dt.date(2014, 1, 1)),
        ("henan/five-guarantees", dt.date(2012, 10, 1)),
    ],
)
def test_fast_lane_writes_the_reference_rows(engine: Engine, tmp_path: Path, ref: str, on: dt.date, lane: str) -> None:
    assert FastLane(engine, engine.get(ref, on), on).typed is (lane == "typed")
    path = tmp_path / "varied.jsonl"
    _varied(path, 3000, seed=len(ref) + on.year)
    want_lines, want_cells, want_summary, want_errors = _reference(engine, path, ref, on)
    lines, cells, summary, errors, fast = _fast(engine, path, ref, on)
    assert lines == want_lines
    assert cells == want_cells
    assert summary == want_summary
    assert errors == want_errors
    verdicts = {json.loads(line)["verdict"] for line in lines}
    assert {"fail", None} <= verdicts and len(verdicts) >= 3, verdicts  # errors, fails and incomplete or passes
    assert fast > len(lines) / 2  # the fast lane did most of the work
    assert sum(1 for line in lines if json.loads(line)["error"]) > 50  # and the reference path the errors


def test_fast_lane_passes_and_rewards_as_the_reference(engine: Engine, tmp_path: Path, lane: str) -> None:
    # A standard with reward schemes and districts (placed as codes), passes among its records.
    path = tmp_path / "ningbo.jsonl"
    base = (ROOT / "examples/ningbo/batch.jsonl").read_text(encoding="utf-8").splitlines()
    rnd = random.Random(3)
    out = []
    for _ in range(400):
        line = rnd.choice(base)
        line = line.replace('"events": 6', f'"events": {rnd.choice(["6", "2", "6.5", "1e1", "null"])}')
        line = line.replace('"working_funds": 50000', f'"working_funds": {rnd.choice(["50000", "50000.50", "4E+4", "60000"])}')
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    on = dt.date(2011, 1, 12)
    want = _reference(engine, path, "ningbo/five-have-five-good", on)
    got = _fast(engine, path, "ningbo/five-have-five-good", on)
    assert got[:4] == want
    assert list(got[2]["districts"]) == list(want[2]["districts"])  # in the order they first appear, whichever lane
    assert got[4] > 200
    rewarded = [json.loads(line) for line in got[0] if '"amount": "' in line]
    assert rewarded and all(r["verdict"] == "pass" and r["district"] for r in rewarded)


#: Lines each lane must hand to the reference path, or read exactly as it does: numbers written as strings,
#: numbers the JSON module reads differently (a 5,000-digit integer, which it refuses), a key twice with
#: values of different types, keys unknown or misplaced, a section of the wrong type, attestations
#: under names evidence refuses, and bounds just inside and outside.
EDGES = [
    '"office": {"area_m2": "60"}',
    '"office": {"area_m2": "60", "area_m2": 60}',
    '"office": {"area_m2": 60, "area_m2": "60"}',
    '"finance": {"working_funds": "50000.5"}',
    '"finance": {"working_funds": 50000.5, "working_funds": 1}',
    '"finance": {"working_funds": 999999999999999}',
    '"finance": {"working_funds": 1000000000000000}',
    '"finance": {"working_funds": 1E+15}',
    '"finance": {"working_funds": 0.000000000000000000001}',
    '"finance": {"working_funds": -0.0}',
    '"staff": {"headcount": 1.0}',
    '"staff": {"headcount": 1e0}',
    '"staff": {"headcount": -0}',
    '"staff": {"headcount": true}',
    '"staff": {"headcount": "3"}',
    '"staff": {"headcount": 999999999999999}',
    '"staff": {"headcount": 1000000000000000}',
    '"staff": {"headcount": ' + "9" * 5000 + "}",
    '"staff": {"headcount": 3, "nobody": 1}',
    '"staff": {"civil_servant_scope": 1}',
    '"staff": []',
    '"staff": null',
    '"staff": {}',
    '"attest": {"": true}',
    '"attest": {"a.b": true}',
    '"attest": {"party-group-functioning": 1}',
    '"attest": {"party-group-functioning": true, "party-group-functioning": false}',
    '"attest": null',
    '"members": {"leading_industries": ["a"]}',
    '"local": {"leading_industries": ["a", 1]}',
    '"local": {"leading_industries": "a"}',
    '"members": {"growth_rate_reported": 0.5}',
    '"members": {"growth_rate_reported": "0.5"}',
    # A rate (or number) is read by a criterion only in some standards: the others must still refuse a bad one.
    '"members": {"growth_rate_reported": true}',
    '"members": {"growth_rate_reported": []}',
    '"members": {"growth_rate_reported": {}}',
    '"members": {"nonpublic_share_reported": 1e-21}',
    '"members": {"nonpublic_share_reported": 1E+15}',
    '"members": {"nonpublic_share_reported": ' + "1" * 16 + "}",
    '"no_such_section": {}',
    '"subject": {"id": "a", "year": 2013, "year": 2012}',
    '"subject": {"id": "a", "year": 999}',
    '"subject": {"id": "a", "year": ' + "2" * 5000 + "}",
    '"subject": {"id": "a", "name": ""}',
    '"subject": {"id": "a", "name": " "}',
    '"subject": {"id": "' + "x" * 501 + '"}',
    '"subject": {"id": "a", "kind": 7}',
    '"subject": "a"',
]


def test_fast_lane_reads_edge_cases_as_the_reference(engine: Engine, tmp_path: Path, lane: str) -> None:
    path = tmp_path / "edges.jsonl"
    base = '"subject": {"id": "c", "kind": "county_federation", "year": 2013}, "staff": {"headcount": 4}'
    lines = ["{" + base + ", " + edge + "}" for edge in EDGES] + ["{" + edge + "}" for edge in EDGES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    on = dt.date(2014, 1, 1)
    want = _reference(engine, path, "henan/five-guarantees", on)
    got = _fast(engine, path, "henan/five-guarantees", on)
    assert got[:4] == want
    assert 0 < got[4] < len(lines)  # some on the fast lane, some handed over


def test_districts_are_summed_in_the_order_they_first_appear_whichever_lane_reads_them(engine: Engine, tmp_path: Path) -> None:
    # A Jiangbei chamber on the fast lane, then a Yinzhou one that the reference path reads (an escape in its
    # name), then Jiangbei again: the summary lists Jiangbei first, as the reference path alone does.
    base = (ROOT / "examples/ningbo/batch.jsonl").read_text(encoding="utf-8").splitlines()
    jiangbei = next(line for line in base if '"district": "jiangbei"' in line)
    yinzhou = next(line for line in base if '"district": "yinzhou"' in line).replace('"name": "', '"name": "\\u9102')
    path = tmp_path / "order.jsonl"
    path.write_text("\n".join([jiangbei, yinzhou, jiangbei]) + "\n", encoding="utf-8")
    on = dt.date(2011, 1, 12)
    want = _reference(engine, path, "ningbo/five-have-five-good", on)
    got = _fast(engine, path, "ningbo/five-have-five-good", on)
    assert got[4] == 2  # the first and last on the fast lane
    assert list(got[2]["districts"]) == list(want[2]["districts"]) == [json.loads(got[0][0])["district"], json.loads(got[0][1])["district"]]


def test_fast_lane_in_workers_gives_the_same_rows(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "varied.jsonl"
    _varied(path, 1500, seed=11)
    on = dt.date(2014, 1, 1)
    want = _reference(engine, path, "henan/five-guarantees", on)
    got = _fast(engine, path, "henan/five-guarantees", on, jobs=2)
    assert got[:4] == want


def test_batch_command_writes_the_reference_rows(engine: Engine, tmp_path: Path) -> None:
    # End to end: the command's JSON Lines and CSV (one process and two) against the reference, byte for byte.
    path = tmp_path / "varied.jsonl"
    _varied(path, 1200, seed=5)
    on = dt.date(2014, 1, 1)
    lines, cells, summary, _ = _reference(engine, path, "henan/five-guarantees", on)
    for jobs in ("1", "2"):
        out, csv_out, summary_out = tmp_path / f"rows{jobs}.jsonl", tmp_path / f"rows{jobs}.csv", tmp_path / f"summary{jobs}.json"
        common = [sys.executable, "-m", "fivegood_core.cli", "batch", str(path), "-s", "henan/five-guarantees", "--as-of", "2014-01-01"]
        subprocess.run([*common, "-o", str(out), "--summary", str(summary_out), "--jobs", jobs], capture_output=True, check=False)
        subprocess.run([*common, "-o", str(csv_out), "-f", "csv", "--jobs", jobs], capture_output=True, check=False)
        assert out.read_text(encoding="utf-8") == "".join(line + "\n" for line in lines)
        assert json.loads(summary_out.read_text(encoding="utf-8")) == summary
        import csv

        with csv_out.open(newline="", encoding="utf-8") as handle:
            assert list(csv.reader(handle))[1:] == cells


#: SHA-256 of the rows and the summary that `fivegood batch` wrote for ``_varied(…, 2000, seed=2024)`` before the
#: fast lane existed (branch server at 8c37fbf, one job and two): what the fast lane must go on writing.
BEFORE_ROWS = "f33f880940329ca791af2a513156381e04b1d238b29371a1aa6690b4ca757333"
BEFORE_SUMMARY = "50d2cb5cf27c11c7d2cc6993931828b1b1daf36415148deb606c897e5461cc20"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_command_writes_what_it_wrote_before(tmp_path: Path, jobs: str) -> None:
    import hashlib

    _varied(tmp_path / "varied.jsonl", 2000, seed=2024)
    args = [
        "batch",
        "varied.jsonl",
        "-s",
        "henan/five-guarantees",
        "--as-of",
        "2014-01-01",
        "-o",
        "rows.jsonl",
        "--summary",
        "summary.json",
    ]
    run = subprocess.run([sys.executable, "-m", "fivegood_core.cli", *args, "--jobs", jobs], cwd=tmp_path, capture_output=True, check=False)
    assert run.returncode == 2  # the input has error rows
    assert hashlib.sha256((tmp_path / "rows.jsonl").read_bytes()).hexdigest() == BEFORE_ROWS
    assert hashlib.sha256((tmp_path / "summary.json").read_bytes()).hexdigest() == BEFORE_SUMMARY


# Values as JSON text: what each key type takes, what it refuses, and what the two parsers might read apart.
_VALUE_TEXTS = ["0", "1", "7", "-1", "1.5", "60.0", "1e2", "-0.0", "999999999999999", "1000000000000000", "1" * 30, "true"]
_VALUE_TEXTS += ["false", "null", '"7"', '"a"', '""', '" "', "[]", '["a"]', '["a", 2]', "{}", '{"2012": 3}', "0.000000000000000000001"]
_JSON_VALUES = st.sampled_from(_VALUE_TEXTS)


@st.composite
def _lines_of_json(draw: st.DrawFn, vocabulary: Any) -> str:
    plain = vocabulary.plain_keys()
    sections = draw(st.lists(st.sampled_from([*sorted(plain), "attest", "nowhere"]), max_size=5))
    parts = []
    for section in sections:
        if draw(st.integers(0, 9)) == 0:
            parts.append(f'"{section}": {draw(_JSON_VALUES)}')
            continue
        names = sorted(plain.get(section, {"party-group-functioning": None, "a.b": None, "": None}))
        keys = draw(st.lists(st.sampled_from([*names, "nobody"]), max_size=6))
        parts.append(f'"{section}": {{' + ", ".join(f'"{k}": {draw(_JSON_VALUES)}' for k in keys) + "}")
    return "{" + ", ".join(parts) + "}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_either_lane_writes_any_line_as_the_reference(engine: Engine, lane: str, data: st.DataObject) -> None:
    on = dt.date(2014, 1, 1)
    compiled = engine.get("henan/five-guarantees", on)
    line = data.draw(_lines_of_json(compiled.vocabulary))
    got = FastLane(engine, compiled, on, "x.jsonl", every=True).row(3, line)
    want = assess_record(engine, compiled, on, 3, parse_line(3, line, "x.jsonl"), "x.jsonl", True)
    assert json_line(got) == json.dumps(want.to_json(), ensure_ascii=False)
    assert (got.error_in("zh"), list(got.verdicts)) == (want.error_in("zh"), list(want.verdicts))


@pytest.mark.parametrize(("ref", "on"), [("henan/five-guarantees", dt.date(2014, 1, 1)), ("sample/office", dt.date(2024, 6, 1))])
def test_every_key_with_every_value_alone_as_the_reference(engine: Engine, lane: str, ref: str, on: dt.date) -> None:
    # One key a line, so that no other value sends the line to the reference path and hides what the fast lane
    # accepted: every key of the vocabulary (most of them read by no criterion of these standards, which the
    # fast lane must check all the same), with each value, alone and beside a subject.
    compiled = engine.get(ref, on)
    fast_lane = FastLane(engine, compiled, on, "x.jsonl", every=True)
    values = [*_VALUE_TEXTS, "-0.5", "1e-21", "1E+15", "59.999999999999999999999", "1" * 16, '{"a": 1}', "[1]"]
    taken = 0
    for section, keys in engine.vocabulary.plain_keys().items():
        for name in keys:
            for value in values:
                for line in (
                    f'{{"{section}": {{"{name}": {value}}}}}',
                    f'{{"subject": {{"id": "a"}}, "{section}": {{"{name}": {value}}}}}',
                ):
                    got = fast_lane.row(3, line)
                    want = assess_record(engine, compiled, on, 3, parse_line(3, line, "x.jsonl"), "x.jsonl", True)
                    assert json_line(got) == json.dumps(want.to_json(), ensure_ascii=False), line
                    assert (got.error_in("zh"), list(got.verdicts)) == (want.error_in("zh"), list(want.verdicts)), line
                    taken += got.__class__ is FastRow
    assert taken > 500


def test_a_fast_row_equals_the_reference_row_of_its_record_and_no_other(engine: Engine) -> None:
    on = dt.date(2011, 1, 12)
    compiled = engine.get("ningbo/five-have-five-good", on)
    lines = (ROOT / "examples/ningbo/batch.jsonl").read_text(encoding="utf-8").splitlines()
    lane = FastLane(engine, compiled, on, "b.jsonl", every=True)
    fast_rows_ = [lane.row(n, line) for n, line in enumerate(lines, start=1)]
    reference = [
        assess_record(engine, compiled, on, n, parse_line(n, line, "b.jsonl"), "b.jsonl", True) for n, line in enumerate(lines, start=1)
    ]
    assert sum(row.__class__ is FastRow for row in fast_rows_) >= 3
    assert fast_rows_ == reference and reference == fast_rows_
    assert fast_rows_[0] != reference[1] and reference[1] != fast_rows_[0]
    assert {hash(r) for r in fast_rows_} == {hash(r) for r in reference}
