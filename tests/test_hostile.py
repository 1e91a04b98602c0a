"""Hostile input, each case a reproducer: a clear message and exit 2, never a traceback, a hang or a verdict built on it."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from fivegood_core import Engine, EvidenceError, FolderPlugin
from helpers import ROOT, fivegood, standard

ON = "2014-01-01"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[finance]\nworking_funds = 1000000000000000000000000000000\n", "finance.working_funds: expected an amount of yuan ≥ 0"),
        (
            "[finance]\nworking_funds = " + "9" * 5000 + "\n",
            "malformed TOML: a number with more digits than any standard or evidence needs",
        ),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "malformed TOML: nested too deeply"),
        ("[office]\narea_m2 = 1e-999999\n", "office.area_m2: expected an area in m² ≥ 0"),
        ("[office]\narea_m2 = 1e100000000\n", "office.area_m2: expected an area in m² ≥ 0"),
        ("[office]\narea_m2 = 1e999999999\n", "office.area_m2: expected an area in m² ≥ 0"),
        ("[office]\narea_m2 = nan\n", "office.area_m2: expected an area in m² ≥ 0"),
        ("[staff]\nheadcount = 1000000000000000\n", "staff.headcount: expected a whole number ≥ 0"),
        ("[members.total_by_year]\n2010 = 1000000000000000000\n", "members.total_by_year: expected a table of year"),
    ],
)
def test_numbers_beyond_bounds_are_bad_input_quickly(tmp_path: Path, text: str, message: str) -> None:
    evidence = tmp_path / "hostile.toml"
    evidence.write_text('[subject]\nkind = "county_federation"\n' + text, encoding="utf-8")
    started = time.monotonic()
    run = fivegood("check", str(evidence), "-s", "henan/county-five-good", "--as-of", ON, "--format", "json", timeout=30)
    assert run.returncode == 2, run.stdout[-500:] + run.stderr[-2000:]
    assert message in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""
    # Bounded at the edge: no exact arithmetic on a million-digit exponent (this took 40 s a record before).
    assert time.monotonic() - started < 20


def test_the_fast_path_refuses_what_the_explained_path_refuses(engine: Engine) -> None:
    on = dt.date(2014, 1, 1)
    for doc in ({"office": {"area_m2": 10**30}}, {"equipment": {"computers": 10**20}}, {"office": {"area_m2": -1}}):
        with pytest.raises(EvidenceError):
            engine.evaluate(doc, "henan/five-guarantees", on)
        with pytest.raises(EvidenceError):
            engine.decide(doc, "henan/five-guarantees", on)


def _criterion(value: str) -> str:
    return f"""
[[criterion]]
id = "area"
kind = "threshold"
title = {{ zh = "面积", en = "Area" }}
key = "office.area_m2"
op = ">="
value = {value}
"""


@pytest.mark.parametrize(
    "name, content",
    [
        ("nan", standard(_criterion("nan"), id="bad/nan")),
        ("inf", standard(_criterion("inf"), id="bad/inf")),
        ("huge", standard(_criterion("1e999999999"), id="bad/huge")),
        ("digits", standard(_criterion("9" * 5000), id="bad/digits")),
        ("binary", b"\xff\xfe[standard]\n"),
        ("version", standard(_criterion("60"), id="bad/version", version="../../x")),
    ],
)
def test_a_broken_standard_is_named_and_the_others_keep_working(tmp_path: Path, name: str, content: str | bytes) -> None:
    folder = tmp_path / "standards"
    folder.mkdir()
    bad = folder / f"{name}.toml"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (folder / "good.toml").write_text(standard(_criterion("60"), id="good/area"), encoding="utf-8")
    engine = Engine.from_plugins([FolderPlugin(folder, "hostile")], strict=False)
    assert any(str(bad) in e for e in engine.errors), engine.errors
    assert [s.ref for s in engine.standards() if s.id.startswith(("good/", "bad/"))] == ["good/area@1"]
    assert engine.evaluate({"office": {"area_m2": 60}}, "good/area").verdict.value == "pass"
    run = fivegood("validate", str(bad))
    assert run.returncode == 1 and str(bad) in run.stdout and "Traceback" not in run.stderr


def test_thousands_of_criteria_compile(tmp_path: Path) -> None:
    many = "".join(_criterion(str(i)).replace('id = "area"', f'id = "c{i}"') for i in range(3000))
    engine = Engine.from_plugins([FolderPlugin(_write(tmp_path, standard(many, id="big/many")), "many")])
    decision = engine.decide({"office": {"area_m2": 1500}}, "big/many")
    assert len(decision.failed) == 1499 and decision.failed[0] == "c1501"
    assert engine.evaluate({"office": {"area_m2": 1500}}, "big/many").failed == decision.failed


def _write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "s"
    folder.mkdir(exist_ok=True)
    (folder / "s.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("pair", [False, True])
def test_validate_finds_requirement_cycles(tmp_path: Path, pair: bool) -> None:
    def requiring(sid: str, target: str) -> str:
        body = f"""
[[criterion]]
id = "req"
kind = "requires"
title = {{ zh = "依据", en = "Requires" }}
standard = "{target}"
"""
        return standard(body, id=sid)

    files = [tmp_path / "a.toml"]
    files[0].write_text(requiring("cyc/a", "cyc/b" if pair else "cyc/a"), encoding="utf-8")
    if pair:
        files.append(tmp_path / "b.toml")
        files[1].write_text(requiring("cyc/b", "cyc/a"), encoding="utf-8")
    run = fivegood("validate", *map(str, files))
    assert run.returncode == 1
    assert ("cyc/a → cyc/b → cyc/a" if pair else "cyc/a → cyc/a") in run.stdout


def test_validate_passes_over_example_case_files() -> None:
    files = sorted(str(p) for p in (ROOT / "standards").glob("*/*.toml"))
    assert any(f.endswith(".cases.toml") for f in files)
    run = fivegood("validate", *files)
    assert run.returncode == 0, run.stdout
