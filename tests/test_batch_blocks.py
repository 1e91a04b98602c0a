"""`fivegood batch --jobs N` on JSON Lines: raw blocks of lines to the workers, each block's text back (batch/run.py: text_blocks).

Everything here is held to what one process writes (``--jobs 1``: rows one by
one in the parent, from :func:`.records.jsonl_lines`), byte for byte: rows in
JSON Lines and CSV, error messages on standard error and their order, the
summary (counts, reward totals as exact decimals, districts, criteria), the
exit status. Blocks are made tiny so that a file of a few dozen lines crosses
many of them, and lines end exactly at, just before and just after a block's end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivegood_core.batch import Tally, records
from fivegood_core.batch.fast import FastLane, json_line
from fivegood_core.batch.records import MAX_RECORD, block_lines, jsonl_blocks, jsonl_lines
from fivegood_core.batch.run import assess_block, text_blocks
from fivegood_core.cli.main import main
from fivegood_core.engine import Engine
from fivegood_core.errors import EvidenceError, FivegoodError

ROOT = Path(__file__).resolve().parent.parent
NINGBO = "ningbo/five-have-five-good"
ON = dt.date(2011, 1, 12)
EXAMPLES = (ROOT / "examples/ningbo/batch.jsonl").read_text(encoding="utf-8").splitlines()


def _records(rnd: random.Random, n: int) -> list[bytes]:
    """Ningbo records that pass (with rewards, in three districts), fail and are incomplete, and broken ones."""
    out = []
    for _ in range(n):
        line = rnd.choice(EXAMPLES)
        line = line.replace('"events": 6', f'"events": {rnd.choice(["6", "2", "6.5", "null"])}')
        line = line.replace('"working_funds": 50000', f'"working_funds": {rnd.choice(["50000", "50000.50", "4E+4"])}')
        if rnd.random() < 0.1:
            line = line.replace('"headcount": 3', '"headcount": null')  # incomplete
        out.append(line.encode())
    return out


#: Lines that are not records, or not good ones: blank, white space, malformed, not UTF-8, not an object.
ODD = [
    b"",
    b"   \t",
    b"{not json",
    b'{"subject": {"id": "\xff"}}',
    b"[1, 2]",
    b'{"a": 1} {"b": 2}',
    b"\x1c",
    b'{"subject": {"id": "a\\u4e2d"}}',
]


def _mixed(path: Path, n: int = 60, seed: int = 1) -> list[bytes]:
    """A file of every kind of line: a BOM on line 1, records, odd lines, a line too long, no final line feed."""
    rnd = random.Random(seed)
    lines = _records(rnd, n)
    for odd in ODD:
        lines.insert(rnd.randrange(len(lines)), odd)
    lines.insert(n // 2, b'{"subject": {"id": "' + b"x" * (MAX_RECORD + 10) + b'"}}')  # too long: an error row, then on
    lines[0] = b"\xef\xbb\xbf" + lines[0]
    path.write_bytes(b"\n".join(lines))
    return lines


def _batch(
    capsys: pytest.CaptureFixture[str], path: Path, out: Path, jobs: int, form: str = "jsonl", ref: str = NINGBO, on: str = "2011-01-12"
) -> tuple[int, bytes, bytes, str]:
    summary = out.with_suffix(".summary.json")
    status = main(
        ["batch", str(path), "-s", ref, "--as-of", on, "-f", form, "-o", str(out), "--summary", str(summary), "--jobs", str(jobs)]
    )
    return status, out.read_bytes(), summary.read_bytes(), capsys.readouterr().err


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_jobs_write_the_bytes_of_one_process(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any, form: str) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = _mixed(path)
    want = _batch(capsys, path, tmp_path / f"one.{form}", 1, form)
    status, rows, summary, err = want
    assert status == 2  # error rows
    counts = json.loads(summary)["counts"]
    assert counts["pass"] and counts["fail"] and counts["incomplete"] and counts["error"] >= 6, counts
    assert err.count("fivegood: error: ") == counts["error"]
    assert len(json.loads(summary)["totals"]) == 2 and len(json.loads(summary)["districts"]) == 4  # rewards in two districts of three
    first = len(lines[0]) + 1
    # Blocks of every size from the default down to a few bytes; blocks ending exactly at a line's end, one byte before, one after.
    for size in (records.BLOCK_BYTES, 1000, first, first - 1, first + 1, 7):
        monkeypatch.setattr(records, "BLOCK_BYTES", size)
        for jobs in (2, 3):
            assert _batch(capsys, path, tmp_path / f"{jobs}-{size}.{form}", jobs, form) == want, (size, jobs)


def test_the_block_path_is_taken_and_the_blocks_are_small(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    # The test above must cross blocks: count them, and see that the parent makes no row (it only reads blocks).
    path = tmp_path / "mixed.jsonl"
    _mixed(path)
    monkeypatch.setattr(records, "BLOCK_BYTES", 7)
    seen = []
    blocks = records.jsonl_blocks

    def counted(*args: Any, **kwargs: Any) -> Any:
        for block in blocks(*args, **kwargs):
            seen.append(block)
            yield block

    monkeypatch.setattr("fivegood_core.batch.run.jsonl_blocks", counted)
    monkeypatch.setattr("fivegood_core.batch.run.fast_rows", lambda *args, **kwargs: pytest.fail("rows made in the parent"))
    _batch(capsys, path, tmp_path / "rows.jsonl", 2)
    assert len(seen) > 60
    assert max(len(data) for _, _, data in seen) == MAX_RECORD + 1  # the line too long, cut


def test_jobs_write_the_same_with_spawned_workers(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    import multiprocessing

    from fivegood_core.batch import pool

    path = tmp_path / "mixed.jsonl"
    _mixed(path, seed=2)
    want = _batch(capsys, path, tmp_path / "one.jsonl", 1)
    monkeypatch.setattr(records, "BLOCK_BYTES", 2000)
    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("spawn"))
    assert _batch(capsys, path, tmp_path / "two.jsonl", 2) == want


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_read_once_by_the_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    # A pipe cannot be read again by offset: its blocks go to the workers as bytes.
    source = tmp_path / "mixed.jsonl"
    _mixed(source, seed=3)
    want = _batch(capsys, source, tmp_path / "one.jsonl", 1)
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    monkeypatch.setattr(records, "BLOCK_BYTES", 500)
    copy = f"import shutil; shutil.copyfileobj(open({str(source)!r}, 'rb'), open({str(pipe)!r}, 'wb'))"
    writer = subprocess.Popen([sys.executable, "-c", copy])
    try:
        status, rows, summary, err = _batch(capsys, pipe, tmp_path / "two.jsonl", 2)
    finally:
        writer.wait(timeout=60)
    named = (status, rows.replace(str(pipe).encode(), str(source).encode()), summary, err.replace(str(pipe), str(source)))
    assert named == want


def test_workers_are_forked_only_from_one_thread() -> None:
    code = """
import sys, threading
from fivegood_core.batch.pool import _context
print(_context().get_start_method())
threading.Thread(target=threading.Event().wait, daemon=True).start()
print(_context().get_start_method())
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == (["fork", "spawn"] if sys.platform == "linux" else ["spawn", "spawn"])


#: In a process of its own (this one may run other threads: pyarrow's, for one): the command with its progress bar on.
WITH_BAR = """
import sys
from fivegood_core.batch import pool, records
from fivegood_core.cli.main import main

assert pool._one_thread()
methods = []
context = pool._context
pool._context = lambda: methods.append(context().get_start_method()) or context()
sys.stderr.isatty = lambda: True  # the progress bar, and its thread
records.BLOCK_BYTES = 2000
status = main(["batch", sys.argv[1], "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "-o", sys.argv[2], "--jobs", "2"])
print(status, methods, file=sys.__stdout__)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_workers_are_forked_before_the_progress_bar_starts_its_thread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mixed.jsonl"
    _mixed(path)
    want = _batch(capsys, path, tmp_path / "one.jsonl", 1)
    run = subprocess.run([sys.executable, "-c", WITH_BAR, str(path), str(tmp_path / "two.jsonl")], capture_output=True, text=True)
    assert run.stdout.split(maxsplit=1) == [str(want[0]), "['fork']\n"], run.stderr[-2000:]
    assert (tmp_path / "two.jsonl").read_bytes() == want[1]


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_empty_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    want = _batch(capsys, path, tmp_path / f"one.{form}", 1, form)
    assert want[0] == 0 and (want[1] == b"" if form == "jsonl" else want[1].count(b"\n") == 1)
    assert _batch(capsys, path, tmp_path / f"two.{form}", 2, form) == want


def test_a_file_in_another_encoding_is_refused_before_any_worker_starts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "utf16.jsonl"
    path.write_bytes('{"subject": {"id": "a"}}\n'.encode("utf-16"))
    one = main(["batch", str(path), "-s", NINGBO, "-o", str(tmp_path / "one.jsonl")]), capsys.readouterr().err
    two = main(["batch", str(path), "-s", NINGBO, "-o", str(tmp_path / "two.jsonl"), "--jobs", "2"]), capsys.readouterr().err
    assert one == two and one[0] == 2 and "UTF-16" in one[1]


def test_a_worker_that_dies_on_a_block_ends_the_run_with_a_message(tmp_path: Path) -> None:
    import workerkill
    from test_compiled import _rewarded

    from fivegood_core import FolderPlugin

    engine = Engine.from_plugins([FolderPlugin(_rewarded(tmp_path, "die"), "w"), workerkill])
    path = tmp_path / "die.jsonl"
    path.write_text('{"office": {"area_m2": 5}}\n' * 600, encoding="utf-8")
    on = dt.date.today()
    with pytest.raises(FivegoodError, match="a worker process stopped or could not start while evaluating work/er@1"):
        list(text_blocks(engine.get("work/er", on), str(path), on, str(path), jobs=2))


# In one process: blocks read as jsonl_lines reads, and assessed as FastLane assesses row by row.


def _plain(lines: Any) -> list[Any]:
    """Lines as comparable values: errors by their problems."""
    try:
        return [(n, line if isinstance(line, str) else line.problems) for n, line in lines]
    except EvidenceError as exc:
        return ["refused", exc.problems]


#: Line bytes: JSON-ish text, white space, bytes that are not UTF-8, a UTF-16 BOM, long enough to be too long (MAX_RECORD is 40 here).
LINE = st.one_of(
    st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")),
    st.text(alphabet='{}"ab: \t\r\x1c\ufeff中', max_size=50).map(str.encode),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINE, max_size=20), size=st.integers(1, 120), final=st.booleans(), bom=st.booleans())
def test_blocks_hold_exactly_the_lines_jsonl_lines_reads(lines: list[bytes], size: int, final: bool, bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + (b"\n" if final and lines else b"")
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(records, "MAX_RECORD", 40):
        path = Path(folder) / "f.jsonl"
        path.write_bytes(data)
        want = _plain(jsonl_lines(path, name="f"))
        try:
            blocks = list(jsonl_blocks(path, name="f", size=size))
        except EvidenceError as exc:
            assert want == ["refused", exc.problems]
            return
        got = [item for first, _, block in blocks for item in _plain(block_lines(block, "f", first))]
        assert got == want
        assert all(len(block) <= size + 41 and data[start : start + len(block)] == block for _, start, block in blocks)
        assert b"".join(block for _, _, block in blocks) == data or any(len(line) > 40 for line in data.split(b"\n"))


@pytest.fixture(scope="module")
def lane() -> FastLane:
    engine = Engine.from_entry_points()
    return FastLane(engine, engine.get(NINGBO, ON), ON, "f", every=True)


def _one_process(lane: FastLane, path: Path, form: str) -> tuple[str, list[str], Any]:
    import csv
    import io

    tally, buffer, errors = Tally(lane.compiled, ON), io.StringIO(), []
    writer = csv.writer(buffer)
    for row in lane.rows(jsonl_lines(path, name="f")):
        tally.add(row)
        if form == "csv":
            writer.writerow(row.to_csv())
        else:
            buffer.write(json_line(row) + "\n")
        if row.error:
            errors.append(row.error_in("zh"))
    return buffer.getvalue(), errors, tally.summary().to_json()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.integers(0, 10_000), max_size=30),
    size=st.integers(1, 3000),
    form=st.sampled_from(["jsonl", "csv"]),
    bom=st.booleans(),
)
def test_a_file_in_blocks_gives_the_rows_of_one_process(lane: FastLane, picks: list[int], size: int, form: str, bom: bool) -> None:
    rnd = random.Random(0)
    pool = _records(rnd, 20) + ODD
    data = (b"\xef\xbb\xbf" if bom else b"") + b"\n".join(pool[p % len(pool)] for p in picks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.jsonl"
        path.write_bytes(data)
        text, errors, summary = _one_process(lane, path, form)
        tally = Tally(lane.compiled, ON)
        blocks = [assess_block(lane, first, block, "zh", form) for first, _, block in jsonl_blocks(path, name="f", size=size)]
        for block in blocks:
            tally.merge(block.counted)
        assert "".join(b.text for b in blocks) == text
        assert [e for b in blocks for e in b.errors] == errors
        assert tally.summary().to_json() == summary
        assert sum(b.rows for b in blocks) == sum(1 for _ in jsonl_lines(path, name="f"))
