"""Batches on a real Dask cluster agree with the single-process batch on every record; Parquet input.

The cluster is ``distributed``'s LocalCluster with two worker processes on the
loopback interface (127.0.0.1 only), stopped when the module's tests end: the
compiled standard is pickled, sent over TCP and unpickled in other processes,
as on a real cluster.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import pickle
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import attrs
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from distributed import Client, LocalCluster

from fivegood_core import Engine, FivegoodError
from fivegood_core.batch import BatchRow, BatchSummary, Tally, read_records, stream_batch
from fivegood_core.batch import distributed as fg_distributed
from fivegood_core.batch import records as fg_records
from fivegood_core.batch.distributed import DaskBatch, Shipment, assess_bag, merge, plan, read_piece, records_bag
from fivegood_core.batch.fast import FastRow, json_line
from fivegood_core.cli import main
from fivegood_core.evidence.document import nest

ON = dt.date(2011, 1, 12)
NINGBO = "ningbo/five-have-five-good"
ATTESTS = ("good-leadership", "good-self-discipline", "good-member-services", "good-role", "good-party-building")


def _flat(rnd: random.Random, i: int) -> dict[str, Any]:
    """One chamber's evidence with dotted keys: certified ones in each district, failures, missing values, odd amounts."""
    flat: dict[str, Any] = {
        "subject.id": f"chamber-{i}",
        "subject.kind": "chamber",
        "subject.district": rnd.choice(["jiangbei", "yinzhou", "haishu", "jiangbei", "yinzhou"]),
        "subject.year": 2010,
        "staff.headcount": rnd.choice([0, 1, 3, 3, 5]),
        "office.area_m2": rnd.choice([0, 12, 40, 40]),
        "governance.rules": rnd.random() > 0.1,
        "activities.events": rnd.choice([0, 2, 6, 9]),
        "finance.working_funds": rnd.choice([Decimal("50000.00"), Decimal("0.01"), Decimal("0"), Decimal("123456.78")]),
    }
    flat.update({f"attest.{a}": rnd.random() > 0.05 for a in ATTESTS})
    for key in rnd.sample(sorted(flat), rnd.choice([0, 0, 0, 1])):
        if not key.startswith("subject."):
            del flat[key]
    if i % 97 == 5:
        flat["staff.headcount"] = -1  # a bad value: an error row
    if i % 101 == 7:
        flat["subject.kind"] = "county_federation"  # the wrong kind of subject: an error row
    return flat


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    rnd = random.Random(14)
    return [_flat(rnd, i) for i in range(1500)]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]) -> dict[str, Path]:
    """The same records as JSON Lines (with a BOM, blank and malformed lines), CSV and Parquet (small row groups)."""
    folder = tmp_path_factory.mktemp("batch")
    jsonl = folder / "chambers.jsonl"
    lines = [json.dumps(nest(r), default=float) for r in records]  # amounts of whole cents: a float writes them exactly
    lines[10] = '{"subject": {"id": "broken", "kind": "chamber"}, "staff": {"headcount": 3,'
    lines[20] = "[1, 2, 3]"
    lines[30] = ""
    lines[40] = "   "
    lines[50] = '{"subject": {"id": "huge", "kind": "chamber"}, "notes": "' + "x" * 5000 + '"}'
    jsonl.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")

    columns = sorted({k for r in records for k in r})
    path_csv = folder / "chambers.csv"
    with path_csv.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for i, r in enumerate(records):
            row = ["true" if r.get(c) is True else "false" if r.get(c) is False else "" if r.get(c) is None else str(r[c]) for c in columns]
            if i == 12:
                row[columns.index("staff.headcount")] = "three"
            writer.writerow(row)

    types = {
        "finance.working_funds": pa.decimal128(12, 2),
        "staff.headcount": pa.int64(),
        "office.area_m2": pa.float64(),
        "activities.events": pa.int64(),
        "subject.year": pa.int64(),
    }
    schema = pa.schema([(c, types.get(c, pa.bool_() if c.startswith(("attest.", "governance.")) else pa.string())) for c in columns])
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in records], schema=schema)
    path_parquet = folder / "chambers.parquet"
    pq.write_table(table, path_parquet, row_group_size=100)
    return {"jsonl": jsonl, "csv": path_csv, "parquet": path_parquet}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_entry_points(strict=True)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, memory_limit="1GiB"
        ) as cluster,
        Client(cluster) as c,  # type: ignore[no-untyped-call]
    ):
        yield c


def _single(engine: Engine, path: Path) -> tuple[list[BatchRow], BatchSummary]:
    """What ``fivegood batch`` computes on one process: the reference."""
    compiled = engine.get(NINGBO, ON)
    tally = Tally(compiled, ON)
    rows = []
    for row in stream_batch(engine, read_records(path, engine.vocabulary), compiled, ON, str(path), every=True):
        tally.add(row)
        rows.append(row)
    return rows, tally.summary()


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_the_cluster_agrees_with_one_process_on_every_record(engine: Engine, client: Client, inputs: dict[str, Path], kind: str) -> None:
    path = inputs[kind]
    expected_rows, expected_summary = _single(engine, path)
    batch = DaskBatch(engine, path, NINGBO, ON, client=client, blocksize=4096, parquet_rows=150, window=3)
    if kind != "csv":
        assert len(batch.pieces) > 5  # really split, so line numbers and tallies cross partitions
    rows = list(batch.rows())
    assert rows == expected_rows
    assert [json_line(r) for r in rows] == [json_line(r) for r in expected_rows]
    # JSON Lines are read on the workers' fast lane, like `fivegood batch` reads them.
    assert (sum(r.__class__ is FastRow for r in rows) > len(rows) / 2) is (kind == "jsonl")
    summary = batch.summary()
    assert summary == expected_summary
    assert summary.to_json() == expected_summary.to_json()
    # The comparison means something: errors, rewards in two districts, exact totals.
    assert summary.counts["error"] >= 10 and summary.counts["pass"] > 100 and summary.counts["fail"] > 100
    assert {t.district for t in summary.totals} == {"330205", "330212"}  # 江北区, 鄞州区: the codes results store
    assert all(isinstance(t.amount, Decimal) for t in summary.totals)
    assert sum(t.amount for t in summary.totals) == 15000 * summary.totals[0].certified + 20000 * summary.totals[1].certified


def test_jsonl_blocks_number_lines_exactly_whatever_the_block_size(engine: Engine, inputs: dict[str, Path], tmp_path: Path) -> None:
    """Blocks smaller than a line, line feeds on block edges, a long line, CRLF: the local scheduler, no cluster."""
    expected_rows, expected_summary = _single(engine, inputs["jsonl"])
    for blocksize in (997, 5000, 10**9):
        batch = DaskBatch(engine, inputs["jsonl"], NINGBO, ON, client=False, blocksize=blocksize)
        assert list(batch.rows()) == expected_rows, blocksize
        assert batch.summary() == expected_summary
    small = tmp_path / "small.jsonl"
    small.write_bytes(b'{"subject": {"id": "a"}}\r\n\r\n{"staff": {"headcount": 3}}\n{oops\n\n  \n{"office": {"area_m2": 12}}')
    expected = _single(engine, small)[0]
    assert [r.line for r in expected] == [1, 3, 4, 7]
    for blocksize in (1, 2, 3, 5, 7, 11, 26, 27, 28, 200):
        assert list(DaskBatch(engine, small, NINGBO, ON, client=False, blocksize=blocksize).rows()) == expected, blocksize


def test_error_rows_name_the_file_and_line(engine: Engine, inputs: dict[str, Path]) -> None:
    rows = list(DaskBatch(engine, inputs["jsonl"], NINGBO, ON, client=False, blocksize=30_000).rows())
    errors = {r.line: r.error for r in rows if r.error}
    assert errors[11].startswith(f"{inputs['jsonl']}:11: malformed JSON")
    assert "expected a JSON object" in errors[21]
    assert 31 not in {r.line for r in rows} and 41 not in {r.line for r in rows}  # blank lines are skipped, not numbered anew
    assert rows[-1].line == 1500


def test_many_files_keep_their_own_line_numbers(engine: Engine, inputs: dict[str, Path]) -> None:
    paths = [inputs["parquet"], inputs["jsonl"], inputs["csv"]]
    pieces = plan(paths, blocksize=50_000, parquet_rows=500, compute=None)
    assert [p.path for p in pieces][0] == str(inputs["parquet"]) and pieces[-1].path == str(inputs["csv"])
    batch = DaskBatch(engine, paths, NINGBO, ON, client=False, blocksize=50_000, parquet_rows=500)
    rows = list(batch.rows())
    expected = [r for p in paths for r in _single(engine, p)[0]]
    assert rows == expected


def test_cli_scheduler_writes_what_one_process_writes(
    client: Client, inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address: str = client.scheduler_info()["address"]
    for fmt in ("jsonl", "csv"):
        outs = []
        extras: list[list[str]] = [[], ["--scheduler", address]]
        for extra in extras:
            out, summary = tmp_path / f"rows-{fmt}-{len(extra)}", tmp_path / f"summary-{fmt}-{len(extra)}.json"
            status = main(
                [
                    "batch",
                    str(inputs["jsonl"]),
                    "-s",
                    NINGBO,
                    "--as-of",
                    ON.isoformat(),
                    "-f",
                    fmt,
                    "-o",
                    str(out),
                    "--summary",
                    str(summary),
                    *extra,
                ]
            )
            assert status == 2  # the input has error rows: every row is written, then the status says so
            outs.append((out.read_bytes(), summary.read_bytes(), capsys.readouterr().err))
        assert outs[0] == outs[1]
        assert b"330205" in outs[0][1] and "malformed JSON" in outs[0][2]


def test_cli_scheduler_refuses_jobs_and_unreachable_schedulers(
    inputs: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fg_distributed, "CONNECT_TIMEOUT", "1s")
    assert main(["batch", str(inputs["jsonl"]), "-s", NINGBO, "--scheduler", "tcp://127.0.0.1:9", "--jobs", "2"]) == 2
    assert "exclude each other" in capsys.readouterr().err
    assert main(["batch", str(inputs["jsonl"]), "-s", NINGBO, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_parquet_in_the_single_machine_batch(engine: Engine, tmp_path: Path) -> None:
    """Struct or dotted columns, exact decimals, nulls as missing values, error rows numbered by row."""
    office = pa.struct([("area_m2", pa.decimal128(8, 2))])
    table = pa.table(
        {
            "subject": pa.array([{"id": f"c{i}", "kind": "county_federation"} for i in range(4)]),
            "office": pa.array([{"area_m2": Decimal("59.99")}, {"area_m2": Decimal("60.00")}, None, {"area_m2": None}], type=office),
            "equipment.computers": pa.array([3, 3, None, -1], type=pa.int64()),
        }
    )
    path = tmp_path / "counties.parquet"
    pq.write_table(table, path)
    rows = list(
        stream_batch(
            engine,
            read_records(path, engine.vocabulary),
            engine.get("henan/five-guarantees", dt.date(2014, 1, 1)),
            dt.date(2014, 1, 1),
            str(path),
        )
    )
    assert [r.line for r in rows] == [1, 2, 3, 4]
    assert "premises" in rows[0].failed and "premises" not in rows[1].failed + rows[1].unknown
    assert "premises" in rows[2].unknown and "equipment-computers" in rows[2].unknown
    assert rows[3].error == f"{path}:4: equipment.computers: expected a whole number ≥ 0, got -1"


def test_a_broken_parquet_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.parquet"
    path.write_text("not parquet", encoding="utf-8")
    assert main(["batch", str(path), "-s", NINGBO, "--as-of", ON.isoformat()]) == 2
    assert "cannot be read as Parquet" in capsys.readouterr().err


def test_the_engine_needs_none_of_the_distributed_extra(inputs: dict[str, Path], tmp_path: Path) -> None:
    """Without dask, distributed, cloudpickle and pyarrow, the engine and ``fivegood batch`` still work; the extra's features say what to install."""
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"subject": {"id": "a", "kind": "chamber"}}\n', encoding="utf-8")
    script = f"""
import sys
for name in ("dask", "distributed", "cloudpickle", "pyarrow"):
    sys.modules[name] = None  # importing them now fails
from fivegood_core.cli import main
from fivegood_core.evidence.document import nest
assert main(["batch", {str(clean)!r}, "-s", {NINGBO!r}, "--as-of", "2011-01-12", "-o", {str(tmp_path / "rows.jsonl")!r}]) == 0
assert main(["batch", {str(inputs["parquet"])!r}, "-s", {NINGBO!r}, "--as-of", "2011-01-12"]) == 2
assert main(["batch", {str(inputs["jsonl"])!r}, "-s", {NINGBO!r}, "--scheduler", "tcp://127.0.0.1:9"]) == 2
for name in ("dask", "distributed", "cloudpickle", "pyarrow"):
    assert sys.modules[name] is None, name
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "reading Parquet needs pyarrow: pip install 'fivegood[distributed]'" in done.stderr
    assert "this needs distributed: pip install 'fivegood[distributed]'" in done.stderr
    assert (tmp_path / "rows.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_relative_names_are_kept_in_rows_and_found_by_workers_elsewhere(
    engine: Engine, client: Client, inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers run in another directory; rows and error messages still name the files as given."""
    monkeypatch.chdir(inputs["csv"].parent)
    names = ["chambers.csv", "chambers.parquet", "chambers.jsonl"]
    rows = list(DaskBatch(engine, names, NINGBO, ON, client=client, blocksize=50_000, parquet_rows=500).rows())
    expected = [r for name in names for r in _single(engine, Path(name))[0]]
    assert rows == expected
    assert any(r.error and r.error.startswith("chambers.csv:14: staff.headcount") for r in rows)


def test_bags_compose_with_other_dask_work(engine: Engine, inputs: dict[str, Path]) -> None:
    paths = [inputs["jsonl"], inputs["parquet"]]
    bag = records_bag(plan(paths, blocksize=100_000, parquet_rows=400), engine.vocabulary)
    assert bag.npartitions > 2
    parts = assess_bag(bag, Shipment.of(engine.get(NINGBO, ON), ON)).compute(scheduler="sync")
    assert [r for part in parts for r in part.rows] == [r for p in paths for r in _single(engine, p)[0]]
    summary = merge(parts, engine.get(NINGBO, ON), ON)
    assert summary.counts["pass"] == sum(_single(engine, p)[1].counts["pass"] for p in paths)
    assert sum(t.amount for t in summary.totals) == sum(t.amount for p in paths for t in _single(engine, p)[1].totals)


def _said(records: Any) -> list[tuple[int, Any]]:
    """Records with errors as their text in both languages (errors do not compare equal)."""
    return [(line, (type(e).__name__, e.render("en"), e.render("zh")) if isinstance(e, Exception) else e) for line, e in records]


HOSTILE_LINES = (
    b'\xef\xbb\xbf{"subject": {"id": "bom", "kind": "chamber"}}\n'  # a BOM before the first line
    b"\n"  # a blank line: no record, but it counts
    b'{"subject": {"id": "caf\xe9"}}\n'  # Latin-1, not UTF-8: an error record
    b"   \t \r\n"  # JSON white space only: blank
    b"\x1c\n"  # not JSON white space: a record, and a bad one
    b'{"staff": {"headcount": 3}}\r{"office": {"area_m2": 12}}\n'  # a bare CR does not end a line
    b'{"subject": {"id": "' + b"x" * 200 + b'"}}\n'  # longer than the (lowered) line limit
    b'{"subject": {"id": "\xe4\xb8"}}\n'  # UTF-8 cut short
    b"{oops\n"
    b'{"office": {"area_m2": 12.5}}'  # no line feed at the end
)


def test_jsonl_pieces_read_exactly_what_read_records_reads(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Non-UTF-8 and cut lines, blank lines, a BOM, CR, a line over the limit: the same records and error records, whatever the blocks."""
    monkeypatch.setattr(fg_records, "MAX_RECORD", 64)
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(HOSTILE_LINES)
    expected = _said(read_records(path, engine.vocabulary))
    errors = {line: said[1] for line, said in expected if isinstance(said, tuple)}
    assert sorted(errors) == [3, 5, 6, 7, 8, 9]
    assert "is not UTF-8 text" in errors[3] and "longer than 64 bytes" in errors[7] and "is not UTF-8 text" in errors[8]
    assert [line for line, _ in expected] == [1, 3, 5, 6, 7, 8, 9, 10]
    for blocksize in (1, 2, 3, 7, 31, 64, 65, 100, 199, 250, 10**6):
        pieces = plan([path], blocksize=blocksize)
        got = [(line, evidence) for piece in pieces for _, line, evidence in read_piece(piece, engine.vocabulary)]
        assert _said(got) == expected, blocksize
    expected_rows = _single(engine, path)[0]
    assert list(DaskBatch(engine, path, NINGBO, ON, client=False, blocksize=5).rows()) == expected_rows


def test_a_utf16_file_is_refused_whole_as_on_one_machine(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "utf16.jsonl"
    path.write_bytes('{"subject": {"id": "a"}}\n'.encode("utf-16"))
    with pytest.raises(fg_records.EvidenceError, match="is UTF-16 text"):
        list(read_records(path, engine.vocabulary))
    with pytest.raises(fg_records.EvidenceError, match="is UTF-16 text"):
        list(DaskBatch(engine, path, NINGBO, ON, client=False, blocksize=7).rows())


def test_the_cluster_is_on_the_loopback_interface_only(client: Client) -> None:
    info = client.scheduler_info()
    addresses = [info["address"], *info["workers"]]
    assert len(info["workers"]) == 2
    assert all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses


def test_hostile_lines_on_the_cluster_are_the_rows_of_one_process(engine: Engine, client: Client, tmp_path: Path) -> None:
    """The real 1 MiB line limit, across block edges, in worker processes."""
    path = tmp_path / "hostile.jsonl"
    long_line = b'{"subject": {"id": "' + b"x" * (fg_records.MAX_RECORD + 10) + b'"}}\n'
    path.write_bytes(HOSTILE_LINES.replace(b"{oops\n", b"{oops\n" + long_line + b"\n\xff\n"))
    expected = _single(engine, path)[0]
    assert [r.line for r in expected if r.error] == [3, 5, 6, 8, 9, 10, 12]
    assert "longer than 1048576 bytes" in str(expected[-3].error)
    batch = DaskBatch(engine, path, NINGBO, ON, client=client, blocksize=1 << 18)
    assert len(batch.pieces) == 5
    assert list(batch.rows()) == expected
    assert batch.summary() == _single(engine, path)[1]


def test_the_shipment_is_a_plain_pickle_of_the_compiled_standard_and_checks_the_version(engine: Engine) -> None:
    compiled = engine.get(NINGBO, ON)
    shipment = Shipment.of(compiled, ON)
    assert pickle.loads(shipment.payload).defn.ref == compiled.defn.ref  # the standard library's pickle, no engine inside
    evaluator, unpacked = shipment.unpack()
    assert unpacked.defn.ref == compiled.defn.ref and evaluator.vocabulary is unpacked.vocabulary
    with pytest.raises(FivegoodError, match="only the standard it was given"):
        evaluator.assess({}, "henan/five-guarantees", ON)
    other = attrs.evolve(shipment, fivegood="0.0.1", digest="another")
    with pytest.raises(FivegoodError, match="a Dask worker has fivegood .*, this client 0.0.1"):
        other.unpack()
