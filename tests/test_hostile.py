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


# --- nothing lost ------------------------------------------------------------------------------

BATCH = ROOT / "examples" / "ningbo" / "batch.jsonl"


def test_a_batch_never_writes_over_its_own_input(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(BATCH.read_bytes())
    for option in ("-o", "--summary", "--report"):
        run = fivegood("batch", str(data), "-s", "ningbo/five-have-five-good", option, str(data))
        assert run.returncode == 2 and "is also" in run.stderr
        assert data.read_bytes() == BATCH.read_bytes()


def test_check_never_writes_over_its_evidence(tmp_path: Path) -> None:
    evidence = tmp_path / "county.toml"
    original = (ROOT / "examples" / "sample" / "county.toml").read_bytes()
    evidence.write_bytes(original)
    run = fivegood("check", str(evidence), "-s", "sample/office", "-o", str(evidence))
    assert run.returncode == 2 and "is also" in run.stderr
    assert evidence.read_bytes() == original


def test_an_output_is_replaced_only_once_everything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    out.write_text("yesterday's rows\n", encoding="utf-8")
    missing = fivegood("batch", str(tmp_path / "absent.jsonl"), "-s", "ningbo/five-have-five-good", "-o", str(out))
    assert missing.returncode == 2 and out.read_text(encoding="utf-8") == "yesterday's rows\n"
    done = fivegood("batch", str(BATCH), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "-o", str(out))
    assert done.returncode == 2  # the sample holds two error rows on purpose
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7
    assert [p.name for p in tmp_path.iterdir()] == ["rows.jsonl"]  # no temporary file left behind


def test_writing_errors_name_where(tmp_path: Path) -> None:
    run = fivegood(
        "check", str(ROOT / "examples/sample/county.toml"), "-s", "sample/office", "-o", str(tmp_path / "no" / "such" / "dir.txt")
    )
    assert run.returncode == 2 and f"{tmp_path / 'no' / 'such' / 'dir.txt'}: cannot be written" in run.stderr


def test_closed_and_full_standard_output(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = str(Path(sys.executable).parent / "fivegood")
    closed = subprocess.run(f"'{exe}' list >&-", shell=True, capture_output=True, text=True, timeout=60)
    assert closed.returncode == 2 and "standard output is closed" in closed.stderr and "Traceback" not in closed.stderr
    full = subprocess.run(f"'{exe}' list > /dev/full", shell=True, capture_output=True, text=True, timeout=60)
    assert full.returncode == 2 and "<stdout>: No space left on device" in full.stderr and "Traceback" not in full.stderr


# --- a batch reads every record it can -----------------------------------------------------------


def _batch(tmp_path: Path, name: str, content: bytes) -> tuple[int, list[dict[str, object]], str]:
    import json

    data = tmp_path / name
    data.write_bytes(content)
    run = fivegood("batch", str(data), "-s", "henan/five-guarantees", "--as-of", ON, "-o", str(tmp_path / "rows.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text(encoding="utf-8").splitlines()] if run.returncode != 1 else []
    assert "Traceback" not in run.stderr
    return run.returncode, rows, run.stderr


def test_a_byte_that_is_not_utf8_costs_one_row(tmp_path: Path) -> None:
    status, rows, _ = _batch(tmp_path, "b.jsonl", b'{"subject": {"id": "a"}}\n{"subject": {"id": "b\xff"}}\n{"subject": {"id": "c"}}\n')
    assert status == 2
    assert [(r["line"], r["subject"], r["error"] is not None) for r in rows] == [(1, "a", False), (2, None, True), (3, "c", False)]
    assert "b.jsonl:2: is not UTF-8 text" in str(rows[1]["error"])


def test_a_utf16_file_is_named_not_parsed_line_by_line(tmp_path: Path) -> None:
    data = tmp_path / "u.jsonl"
    data.write_text('{"subject": {"id": "a"}}\n', encoding="utf-16")
    run = fivegood("batch", str(data), "-s", "henan/five-guarantees")
    assert run.returncode == 2 and "is UTF-16 text; expected UTF-8" in run.stderr


def test_an_overlong_line_is_an_error_row_and_memory_stays_bounded(tmp_path: Path) -> None:
    huge = b'{"subject": {"id": "' + b"x" * (2 * 1024 * 1024) + b'"}}\n'
    status, rows, _ = _batch(tmp_path, "long.jsonl", b'{"subject": {"id": "a"}}\n' + huge + b'{"subject": {"id": "c"}}\n')
    assert status == 2 and [r["line"] for r in rows] == [1, 2, 3]
    assert "longer than" in str(rows[1]["error"]) and rows[2]["subject"] == "c"


def test_csv_rows_that_cannot_be_read_are_error_rows(tmp_path: Path) -> None:
    content = (
        (
            "subject.id,office.area_m2\n"
            "a,60\n"
            f"b,{'9' * 200_000}\n"  # over the csv module's own field limit
            "c,61,62\n"  # more cells than the header
            "d,6\xff0\n"
        ).encode("utf-8", "surrogateescape")
        if False
        else (b"subject.id,office.area_m2\na,60\nb," + b"9" * 200_000 + b"\nc,61,62\nd,6\xff0\n")
    )
    status, rows, _ = _batch(tmp_path, "rows.csv", content)
    assert status == 2
    assert [(r["line"], r["error"] is None) for r in rows] == [(2, True), (3, False), (4, False), (5, False)]
    assert "the row has 3 cells, the header 2" in str(rows[2]["error"])
    assert "office.area_m2: is not UTF-8 text" in str(rows[3]["error"])


def test_an_unbalanced_quote_is_reported_not_swallowed(tmp_path: Path) -> None:
    status, rows, _ = _batch(tmp_path, "q.csv", b'subject.id,office.area_m2\na,60\n"b,61\nc,62\nd,63\n')
    assert status == 2
    assert rows[0]["subject"] == "a" and rows[1]["line"] == 3
    assert "a quoted cell runs from line 3 to line 5" in str(rows[1]["error"])


def test_a_column_named_twice_refuses_the_file(tmp_path: Path) -> None:
    data = tmp_path / "twice.csv"
    data.write_text("subject.id,office.area_m2,office.area_m2\na,60,10\n", encoding="utf-8")
    run = fivegood("batch", str(data), "-s", "henan/five-guarantees", "-o", str(tmp_path / "out.jsonl"))
    assert run.returncode == 2 and "office.area_m2: the column appears twice in the header" in run.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_spreadsheet_formulas_in_csv_output_are_inert(tmp_path: Path) -> None:
    import csv

    data = tmp_path / "f.jsonl"
    data.write_text('{"subject": {"id": "=HYPERLINK(\\"http://x\\")", "kind": "county_federation"}}\n', encoding="utf-8")
    run = fivegood("batch", str(data), "-s", "henan/five-guarantees", "--as-of", ON, "-f", "csv", "-o", str(tmp_path / "out.csv"))
    assert run.returncode == 0, run.stderr
    row = next(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert row["subject"] == '\'=HYPERLINK("http://x")'


# --- evidence files --------------------------------------------------------------------------------


def test_size_is_bounded_by_what_is_read_not_what_the_file_system_says(tmp_path: Path) -> None:
    run = fivegood("check", "/dev/zero", "-s", "henan/five-guarantees", timeout=30)
    assert run.returncode == 2 and "expected a .toml or .json evidence file" in run.stderr
    fifo = tmp_path / "pipe.toml"
    import os
    import subprocess
    import sys

    os.mkfifo(fifo)
    exe = str(Path(sys.executable).parent / "fivegood")
    writer = subprocess.Popen(f"head -c 9000000 /dev/zero > '{fifo}'", shell=True)
    run = subprocess.run([exe, "check", str(fifo), "-s", "henan/five-guarantees"], capture_output=True, text=True, timeout=60)
    writer.kill()
    writer.wait()
    assert run.returncode == 2 and "at most 8388608 are accepted" in run.stderr


def test_evidence_from_standard_input() -> None:
    run = fivegood("check", "-", "-s", "sample/office", "--as-of", "2024-06-01", "--format", "json", stdin='{"office": {"area_m2": 82}}')
    assert run.returncode in (0, 3) and '"verdict"' in run.stdout
    toml = fivegood("check", "-", "-s", "sample/office", "--as-of", "2024-06-01", stdin="[office]\narea_m2 = 10\n")
    assert toml.returncode == 1, toml.stderr


@pytest.mark.parametrize(
    "doc, message",
    [
        ('{"office": {"area_m2": 60, "area_m2": 10}}', "area_m2: is given twice"),
        ('{"subject": {"id": ""}}', "subject.id: expected a non-empty line of text"),
        ('{"subject": {"name": "Good chamber\\nverdict: PASS"}}', "<stdin>: subject.name: expected a string"),
        ('{"subject": {"name": "\\u001b[32mPASS"}}', "<stdin>: subject.name: expected a string"),
    ],
)
def test_evidence_that_says_two_things_or_hides_text_is_refused(doc: str, message: str) -> None:
    run = fivegood("check", "-", "-s", "henan/five-guarantees", stdin=doc)
    assert run.returncode == 2 and message in run.stderr, run.stderr


def test_a_template_left_unfilled_does_not_ship_an_empty_id(tmp_path: Path) -> None:
    out = tmp_path / "t.toml"
    assert fivegood("template", "-s", "henan/five-guarantees", "--as-of", ON, "-o", str(out)).returncode == 0
    run = fivegood("check", str(out), "-s", "henan/five-guarantees", "--as-of", ON)
    assert run.returncode == 3, run.stderr


# --- reports cannot be forged --------------------------------------------------------------------

FORGED = "Good chamber\n\nverdict: PASS\x1b[2K\x1b[1A<img src=x onerror=alert(1)># **bold** | cell\x00\x08"


@pytest.fixture(scope="module")
def forged() -> object:
    import attrs

    from fivegood_core import Engine, Overall

    engine = Engine.from_entry_points(strict=True)
    result = engine.evaluate(ROOT / "examples/henan/narrow-miss.toml", "henan/county-five-good", dt.date(2014, 1, 1))
    assert result.verdict is Overall.FAIL
    # Results can come back from JSON (a register, another tool): renderers must not trust their text.
    return attrs.evolve(result, subject=attrs.evolve(result.subject, name=FORGED))


def test_the_text_report_shows_control_characters_and_cannot_print_a_verdict(forged: object) -> None:
    from fivegood_core.render.report import render_text

    text = render_text(forged, "en", colour=False)  # type: ignore[arg-type]
    assert "\x1b" not in text and "\x00" not in text and "\\x1b[2K" in text
    assert [line for line in text.splitlines() if line.startswith("verdict:")] == ["verdict: FAIL"]


def test_markdown_html_and_junit_neutralise_the_same_text(forged: object) -> None:
    import xml.etree.ElementTree as ET

    from fivegood_core.render.report import render_html, render_junit, render_markdown

    md = render_markdown(forged, "en")  # type: ignore[arg-type]
    assert "<img" not in md and "&lt;img" in md and "\n# " not in md.split("\n", 1)[1]
    assert "\\*\\*bold\\*\\*" in md and "\x1b" not in md
    page = render_html(forged, "en")  # type: ignore[arg-type]
    assert "<img" not in page and "&lt;img" in page and "\x1b" not in page and "\x00" not in page
    ET.fromstring(render_junit(forged, "en"))  # type: ignore[arg-type]


def test_list_values_with_control_characters_are_bad_evidence() -> None:
    doc = '{"local": {"leading_industries": ["红枣\\u001b[31m"]}}'
    run = fivegood("check", "-", "-s", "henan/county-five-good", "--as-of", ON, stdin=doc)
    assert run.returncode == 2 and "control characters are not text" in run.stderr


def test_a_real_gap_never_reads_as_zero(engine: Engine) -> None:
    from decimal import Decimal
    from fractions import Fraction

    from fivegood_core.kinds import display

    doc = {"office": {"area_m2": Decimal("59.99999")}, "finance": {"working_funds": Decimal("59999.999")}}
    result = engine.evaluate(doc, "henan/five-guarantees", dt.date(2014, 1, 1))
    assert result.find("premises").gap.en == "0.00001 m² short of 60 m²"  # type: ignore[union-attr]
    assert result.find("funds-working").gap.en == "¥0.001 short of ¥60,000"  # type: ignore[union-attr]
    assert result.find("funds-working").observed == "¥59,999.999"
    assert display.fmt(Fraction(-1, 10**6), "area") == "0 m²"


def test_ctrl_c_leaves_the_previous_output_and_says_so(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    big = tmp_path / "big.jsonl"
    line = (ROOT / "examples/ningbo/batch.jsonl").read_text(encoding="utf-8").splitlines()[1]
    big.write_text((line + "\n") * 200_000, encoding="utf-8")
    out = tmp_path / "rows.jsonl"
    out.write_text("yesterday's rows\n", encoding="utf-8")
    exe = str(Path(sys.executable).parent / "fivegood")
    run = subprocess.Popen([exe, "batch", str(big), "-s", "ningbo/five-have-five-good", "-o", str(out)], stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "yesterday's rows\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_small_things_a_new_user_tripped_on() -> None:
    import fivegood_core

    assert fivegood("--version").stdout.strip() == f"fivegood {fivegood_core.__version__}"
    chinese = fivegood("--lang", "zh", "list")
    assert chinese.returncode == 0 and "河南省" in chinese.stdout
    for command, words in (
        ("check", "report format"),
        ("template", "write the template to this file"),
        ("validate", "standard TOML files"),
    ):
        assert words in " ".join(fivegood(command, "--help").stdout.split()), f"{command} --help lacks {words!r}"


def test_an_output_that_is_a_pipe_or_device_is_written_to_never_replaced(tmp_path: Path) -> None:
    # Renaming a finished file over /dev/null (as root) would replace the device for every program on the machine.
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    run = fivegood(
        "check",
        str(ROOT / "examples/ningbo/jiangbei-certified.toml"),
        "--standard",
        "ningbo/five-have-five-good",
        "--format",
        "json",
        "--output",
        str(fifo),
    )
    reader.join(timeout=30)
    assert run.returncode == 0, run.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b'"verdict": "pass"' in got[0]


def test_an_output_through_a_symlink_replaces_the_file_it_names(tmp_path: Path) -> None:
    real = tmp_path / "report.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    run = fivegood(
        "check",
        str(ROOT / "examples/ningbo/jiangbei-certified.toml"),
        "--standard",
        "ningbo/five-have-five-good",
        "--format",
        "json",
        "--output",
        str(link),
    )
    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and '"verdict": "pass"' in real.read_text(encoding="utf-8")
