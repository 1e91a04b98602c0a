"""Spreadsheets: the xlsx evidence template, xlsx batch input read exactly, and batch rows written as a workbook."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

openpyxl = pytest.importorskip("openpyxl")

from fivegood_core import Engine  # noqa: E402
from fivegood_core.batch.xlsx import read_xlsx  # noqa: E402
from fivegood_core.errors import EvidenceError  # noqa: E402
from fivegood_core.render.template import keys_read, template_keys  # noqa: E402
from fivegood_core.render.template_xlsx import FIRST_DATA_ROW, evidence_workbook  # noqa: E402
from helpers import ROOT, fivegood, script  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

STANDARDS = [
    ("henan/county-five-good", dt.date(2014, 1, 1)),
    ("henan/five-guarantees", dt.date(2014, 1, 1)),
    ("ningbo/five-have-five-good", dt.date(2011, 1, 12)),
    ("sample/office", dt.date(2024, 6, 1)),
    ("sample/equipment", dt.date(2024, 6, 1)),
]

#: Each bundled example's evidence, the standard it is checked against, and the date.
EXAMPLES = [
    ("henan/model-county.toml", "henan/county-five-good", "2014-01-01"),
    ("henan/narrow-miss.toml", "henan/county-five-good", "2014-01-01"),
    ("henan/xinzheng.toml", "henan/county-five-good", "2014-01-01"),
    ("ningbo/jiangbei-certified.toml", "ningbo/five-have-five-good", "2011-01-12"),
    ("ningbo/jiangbei-failed.toml", "ningbo/five-have-five-good", "2011-01-12"),
    ("ningbo/yinzhou-certified.toml", "ningbo/five-have-five-good", "2011-01-12"),
    ("ningbo/haishu-certified.toml", "ningbo/five-have-five-good", "2011-01-12"),
    ("sample/county.toml", "sample/office", "2024-06-01"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_entry_points()


def _template(engine: Engine, ref: str, on: dt.date) -> Any:
    return openpyxl.load_workbook(io.BytesIO(evidence_workbook(engine, engine.get(ref, on), on)))


@pytest.mark.parametrize("ref, on", STANDARDS, ids=[s for s, _ in STANDARDS])
def test_the_template_of_every_bundled_standard_has_keys_labels_drop_downs_and_articles(engine: Engine, ref: str, on: dt.date) -> None:
    book = _template(engine, ref, on)
    assert book.sheetnames[0] == "evidence" and "instructions" in book.sheetnames
    ws = book["evidence"]
    keys = [c.value for c in ws[1]]
    assert keys[:2] == ["subject.id", "subject.name"] and "subject.year" in keys
    wanted = template_keys(engine, engine.get(ref, on), on)
    # One source of truth: every key the TOML template asks for is a column (a year table by its years).
    for item in wanted:
        if item.entry.type.name == "by_year":
            assert f"{item.key}.{on.year}" in keys
        else:
            assert item.key in keys
    # Rows 2–4: labels and units, marked as comments for the reader.
    for row in (2, 3, 4):
        assert str(ws.cell(row=row, column=1).value).startswith("#")
    column = keys.index(wanted[0].key if wanted[0].entry.type.name != "by_year" else f"{wanted[0].key}.{on.year}") + 1
    assert ws.cell(row=2, column=column).value.startswith(wanted[0].entry.label.zh)
    assert ws.cell(row=3, column=column).value.startswith(wanted[0].entry.label.en)
    validations = ws.data_validations.dataValidation
    flags = [v for v in validations if v.type == "list" and v.formula1 == '"是,否,yes,no"']
    assert bool(flags) == any(item.entry.type.name == "flag" for item in wanted)
    assert any(v.type == "whole" for v in validations)
    # Articles: each key's criteria and citations.
    text = "\n".join(str(c) for row in book["instructions"].iter_rows(values_only=True) for c in row if c)
    for item in wanted:
        assert item.key in text
        assert str(item.uses[0]) in text
        if item.uses[0].citation:
            assert item.uses[0].citation in text
    assert "members.total_by_year.2012" in text  # how to fill in year tables


@pytest.mark.parametrize("ref, on", STANDARDS, ids=[s for s, _ in STANDARDS])
def test_templates_follow_the_standard_article_by_article(engine: Engine, ref: str, on: dt.date) -> None:
    # Filling in a template follows the text: each section where its first key is first read, its keys in the
    # order they are first read (sections kept whole, as TOML tables must be), attestations last.
    compiled = engine.get(ref, on)
    read = [k for k in keys_read(engine, compiled, on) if not k.startswith("subject.")]
    keys = [item.key for item in template_keys(engine, compiled, on)]
    assert sorted(keys) == sorted(read)
    sections = [k.partition(".")[0] for k in keys]
    assert sections == sorted(sections, key=lambda s: (s == "attest", min(read.index(k) for k in read if k.startswith(s + "."))))
    for head in set(sections):
        mine = [k for k in keys if k.startswith(head + ".")]
        assert mine == sorted(mine, key=read.index)
    columns = [str(c.value) for c in _template(engine, ref, on)["evidence"][1]]
    # The workbook's columns in the same order (a year table as a column a year: members.total_by_year.2012).
    as_keys = [c if c in keys else c.rpartition(".")[0] for c in columns]
    assert [k for k in dict.fromkeys(as_keys) if k in keys] == keys


def test_the_five_guarantees_template_opens_with_the_party_group_of_article_one(engine: Engine) -> None:
    keys = [item.key for item in template_keys(engine, engine.get("henan/five-guarantees", dt.date(2014, 1, 1)), dt.date(2014, 1, 1))]
    order = list(dict.fromkeys(k.partition(".")[0] for k in keys))
    assert order == ["party_group", "staff", "finance", "office", "equipment", "activities", "attest"]


def test_districts_are_a_drop_down_of_the_jurisdictions_divisions(engine: Engine) -> None:
    book = _template(engine, "ningbo/five-have-five-good", dt.date(2011, 1, 12))
    ws = book["evidence"]
    keys = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(keys.index("subject.district") + 1)
    (district,) = [v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(letter + "5")]
    assert district.type == "list" and district.formula1.startswith("lists!")
    names = [r[0] for r in book["lists"].iter_rows(values_only=True)]
    assert "江北区" in names and "鄞州区" in names and "江东区" in names  # before the 2016 reorganisation


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, name + "."))
        else:
            out[name] = value
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return ";".join(value)
    return value


def _fill(book: Any, evidences: list[dict[str, Any]]) -> None:
    """Write each evidence table into the template's rows, adding a column for a year the template has no column for."""
    ws = book["evidence"]
    keys = [c.value for c in ws[1]]
    for offset, evidence in enumerate(evidences):
        for key, value in _flat(evidence).items():
            if key in ("subject.kind", "subject.jurisdiction"):
                continue  # the standard's own: the template leaves them out
            if key not in keys:
                if not any(k.startswith(key.rsplit(".", 1)[0] + ".") for k in keys if k.count(".") == 2):
                    continue  # a key the standard does not read
                keys.append(key)
                ws.cell(row=1, column=len(keys), value=key)
            ws.cell(row=FIRST_DATA_ROW + offset, column=keys.index(key) + 1, value=_cell(value))


def test_a_filled_template_gives_the_verdicts_and_rewards_of_check(engine: Engine, tmp_path: Path) -> None:
    by_standard: dict[tuple[str, str], list[str]] = {}
    for example, ref, on in EXAMPLES:
        by_standard.setdefault((ref, on), []).append(example)
    for (ref, on), examples in by_standard.items():
        date = dt.date.fromisoformat(on)
        book = _template(engine, ref, date)
        _fill(book, [tomllib.loads((ROOT / "examples" / e).read_text(encoding="utf-8")) for e in examples])
        path = tmp_path / f"{ref.replace('/', '-')}.xlsx"
        book.save(path)
        run = fivegood("batch", str(path), "-s", ref, "--as-of", on)
        rows = [json.loads(line) for line in run.stdout.splitlines()]
        assert len(rows) == len(examples), run.stderr
        for example, row in zip(examples, rows):
            result = engine.evaluate(str(ROOT / "examples" / example), ref, date)
            assert row["error"] is None, (example, row)
            assert row["line"] >= FIRST_DATA_ROW
            assert row["verdict"] == result.verdict.value, example
            assert row["failed"] == list(result.failed) and row["unknown"] == list(result.unknown), example
            expected = result.to_json()["reward"]
            assert (row["reward"] or {}).get("amount") == (expected or {}).get("amount"), example
    # The amounts the documents give, through the spreadsheet.
    ningbo = tmp_path / "ningbo-five-have-five-good.xlsx"
    run = fivegood("batch", str(ningbo), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12")
    amounts = {json.loads(line)["subject"]: (json.loads(line)["reward"] or {}).get("amount") for line in run.stdout.splitlines()}
    assert amounts["jiangbei-cicheng"] == "15000" and amounts["yinzhou-yinjiang"] == "20000"


def _sheet(tmp_path: Path, rows: list[list[Any]], title: str = "evidence", formulas: bool = False) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("=") and not formulas:
                cell.data_type = "s"  # text that looks like a formula, as someone may type it
    path = tmp_path / "plain.xlsx"
    book.save(path)
    return path


def test_number_cells_stay_exact_and_whole_numbers_stay_int(engine: Engine, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            ["subject.id", "office.area_m2", "staff.headcount", "finance.working_funds", "members.total_by_year.2012", "note.when"],
            ["a", 1.1, 3, 2.675, 1000.0, dt.datetime(2013, 2, 25)],
        ],
    )
    ((line, record),) = list(read_xlsx(path, engine.vocabulary))
    assert line == 2
    assert record["office"]["area_m2"] == Decimal("1.1") and isinstance(record["office"]["area_m2"], Decimal)
    assert record["staff"]["headcount"] == 3 and type(record["staff"]["headcount"]) is int
    assert str(record["finance"]["working_funds"]) == "2.675"  # not 2.67499999999999982236431605997495353221893310546875
    assert record["members"]["total_by_year"] == {"2012": 1000} or record["members"]["total_by_year"] == {2012: 1000}
    assert record["note"]["when"] == dt.date(2013, 2, 25)


def test_booleans_from_shi_fou_yes_no_and_true_false(engine: Engine, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            ["subject.id", "governance.rules", "attest.good-role", "attest.good-leadership", "attest.good-self-discipline"],
            ["a", "是", "否", True, "FALSE"],
            ["b", "yes", "no", "true", False],
        ],
    )
    (_, a), (_, b) = list(read_xlsx(path, engine.vocabulary))
    assert a["governance"]["rules"] is True and a["attest"] == {"good-role": False, "good-leadership": True, "good-self-discipline": False}
    assert b["governance"]["rules"] is True and b["attest"] == {"good-role": False, "good-leadership": True, "good-self-discipline": False}


def test_a_formula_without_a_saved_value_is_an_error_not_an_empty_cell(engine: Engine, tmp_path: Path) -> None:
    # openpyxl, like any script, writes formulas without their values: such a cell must not read as "unknown".
    path = _sheet(
        tmp_path,
        [
            ["subject.id", "staff.headcount", "office.area_m2", "governance.rules"],
            ["unsaved", 3, "=50+10", "是"],
            ["plain", 3, 60, "是"],
            ["", None, "=B3*20", None],  # a row of nothing but an unsaved formula is not skipped as blank
        ],
        formulas=True,
    )
    (n1, first), (n2, second), (n3, third) = list(read_xlsx(path, engine.vocabulary))
    assert (n1, n2, n3) == (2, 3, 4)
    assert isinstance(first, EvidenceError) and isinstance(third, EvidenceError)
    assert "evidence!C2" in first.render("en") and "=50+10" in first.render("en") and "saved" in first.render("en")
    assert "公式" in first.render("zh") and "evidence!C4" in third.render("en")
    assert second["office"]["area_m2"] == 60
    # The same formula with the value a spreadsheet program saves beside it reads as that value.
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<f>50+10</f><v />", b"<f>50+10</f><v>60</v>").replace(
                    b"<f>B3*20</f><v />", b"<f>B3*20</f><v>1200</v>"
                )
            out.writestr(item, data)
    rows = list(read_xlsx(saved, engine.vocabulary))
    assert rows[0][1]["office"]["area_m2"] == 60 and not isinstance(rows[2][1], EvidenceError)


def test_a_bad_cell_is_an_error_row_naming_the_cell_and_the_rest_run(tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            ["subject.id", "subject.district", "staff.headcount", "office.area_m2", "governance.rules", "activities.events"],
            ["# 编号", "区县", "工作人员数", "", "", ""],
            ["bad", "jiangbei", "three", 40, "是", 6],
            ["good", "jiangbei", 3, 40, "是", 6],
            ["bad-flag", "jiangbei", 3, 40, "maybe", 6],
        ],
    )
    run = fivegood("batch", str(path), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12")
    assert run.returncode == 2, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["line"] for r in rows] == [3, 4, 5]
    assert "evidence!C3" in rows[0]["error"] and "staff.headcount" in rows[0]["error"] and "three" in rows[0]["error"]
    assert "expected a whole number" in rows[0]["error"]
    assert rows[1]["error"] is None and rows[1]["verdict"] == "incomplete"
    assert "evidence!E5" in rows[2]["error"] and "governance.rules" in rows[2]["error"]
    assert "evidence!C3" in run.stderr
    zh = fivegood("batch", str(path), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "--lang", "zh")
    assert "evidence!C3" in zh.stderr and "应为" in zh.stderr


def test_a_plain_sheet_of_another_name_is_read_from_its_first_sheet(engine: Engine, tmp_path: Path) -> None:
    path = _sheet(tmp_path, [["subject.id", "staff.headcount"], [1001, 2], [None, None], ["b", None]], title="Sheet1")
    records = list(read_xlsx(path, engine.vocabulary))
    assert records == [(2, {"subject": {"id": "1001"}, "staff": {"headcount": 2}}), (4, {"subject": {"id": "b"}})]


def test_a_key_row_naming_a_column_twice_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = _sheet(tmp_path, [["subject.id", "staff.headcount", "staff.headcount"], ["a", 1, 2]])
    with pytest.raises(EvidenceError, match=r"evidence!C1: staff.headcount: the column appears twice"):
        list(read_xlsx(path, engine.vocabulary))


@pytest.mark.parametrize("content", [b"subject.id,staff.headcount\na,1\n", b"PK\x03\x04 not really a zip", b""])
def test_a_file_that_is_not_a_workbook_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    run = fivegood("batch", str(path), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12")
    assert run.returncode == 2
    assert "is not an .xlsx workbook" in run.stderr and str(path) in run.stderr, run.stderr


def test_a_damaged_workbook_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not xml")
    run = fivegood("batch", str(path), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12")
    assert run.returncode == 2 and "cannot be read as an .xlsx workbook" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_a_zip_bomb_is_refused_before_it_is_unpacked(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    with pytest.raises(EvidenceError, match="compressed more than"):
        list(read_xlsx(path, engine.vocabulary))


def test_rows_as_a_workbook_with_a_summary_and_formulas_made_inert(tmp_path: Path) -> None:
    source = _sheet(
        tmp_path,
        [
            ["subject.id", "subject.district", "staff.headcount", "office.area_m2", "governance.rules", "activities.events"],
            ["=1+1", "jiangbei", 3, 40, "是", 6],
            ["@SUM(A1)", "jiangbei", "-2", 40, "是", 6],
        ],
    )
    out = tmp_path / "rows.xlsx"
    csv_out = tmp_path / "rows.csv"
    args = ("-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12")
    run = fivegood("batch", str(source), *args, "-f", "xlsx", "-o", str(out))
    assert run.returncode == 2, run.stderr  # the second row is an error row
    assert fivegood("batch", str(source), *args, "-f", "csv", "-o", str(csv_out)).returncode == 2
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["rows", "summary"]
    rows = [list(r) for r in book["rows"].iter_rows(values_only=True)]
    import csv

    with open(csv_out, encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle))
    assert rows[0] == expected[0]
    for got, want in zip(rows[1:], expected[1:]):
        assert ["" if c is None else str(c) for c in got] == want
    assert rows[1][1] == "'=1+1" and book["rows"]["B2"].data_type == "s"  # text, never a formula
    summary = {r[0]: r[1] for r in book["summary"].iter_rows(values_only=True) if r and r[0]}
    assert summary["standard"] == "ningbo/five-have-five-good@2010" and summary["error"] == 1
    # And back: the rows file written is a workbook the reader opens (its first row holds the columns).
    from fivegood_core.batch.xlsx import read_xlsx as again

    assert len(list(again(out, Engine.from_entry_points().vocabulary))) == 2


def test_the_output_is_never_an_input_and_xlsx_needs_a_file_or_a_pipe(tmp_path: Path) -> None:
    source = _sheet(tmp_path, [["subject.id"], ["a"]])
    run = fivegood("batch", str(source), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "-f", "xlsx", "-o", str(source))
    assert run.returncode == 2 and "is also an input" in run.stderr
    import subprocess

    exe = script()
    args = [exe, "batch", str(source), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "-f", "xlsx"]
    piped = subprocess.run(args, capture_output=True, env={"PATH": str(Path(sys.executable).parent), "LANG": "C.UTF-8"}, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout)).sheetnames == ["rows", "summary"]  # bytes on a pipe


def test_template_command_writes_a_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    run = fivegood("template", "-s", "henan/county-five-good", "--as-of", "2014-01-01", "--format", "xlsx", "-o", str(out))
    assert run.returncode == 0, run.stderr
    book = openpyxl.load_workbook(out)
    keys = [c.value for c in book["evidence"][1]]
    assert "office.area_m2" in keys and "members.total_by_year.2013" in keys and "subject.prefecture" in keys
    again = fivegood("template", "-s", "henan/county-five-good", "--as-of", "2014-01-01", "-o", str(out))
    assert again.returncode == 2 and "exists already" in again.stderr
    # An empty template runs: no organisation, no rows.
    batch = fivegood("batch", str(out), "-s", "henan/county-five-good", "--as-of", "2014-01-01")
    assert batch.returncode == 0 and batch.stdout == "", batch.stderr


def test_an_empty_template_checks_as_incomplete_once_an_id_is_filled_in(engine: Engine, tmp_path: Path) -> None:
    book = _template(engine, "henan/five-guarantees", dt.date(2014, 1, 1))
    ws = book["evidence"]
    keys = [c.value for c in ws[1]]
    ws.cell(row=FIRST_DATA_ROW, column=1, value="x")
    ws.cell(row=FIRST_DATA_ROW, column=keys.index("office.area_m2") + 1, value=59)
    path = tmp_path / "one.xlsx"
    book.save(path)
    ((_, record),) = list(read_xlsx(path, engine.vocabulary))
    assert record == {"subject": {"id": "x"}, "office": {"area_m2": 59}}
    result = engine.evaluate(record, "henan/five-guarantees", dt.date(2014, 1, 1))
    assert result.verdict.value == "fail" and result.failed == ("premises",)


def test_a_cell_beyond_the_keys_is_an_error_row_and_an_excel_error_value_is_not_a_comment(engine: Engine, tmp_path: Path) -> None:
    path = _sheet(tmp_path, [["subject.id", "staff.headcount"], ["a", 1, "stray"], ["#N/A", 2]])
    (line, stray), (_, na) = list(read_xlsx(path, engine.vocabulary))
    assert line == 2 and isinstance(stray, EvidenceError) and "evidence!C2" in str(stray)
    assert na == {"subject": {"id": "#N/A"}, "staff": {"headcount": 2}}


def test_a_workbook_on_a_dask_cluster_is_one_piece_read_the_same(engine: Engine, tmp_path: Path) -> None:
    pytest.importorskip("dask")
    from fivegood_core.batch.distributed import plan, read_piece

    path = _sheet(tmp_path, [["subject.id", "staff.headcount"], ["a", 1], ["b", "x"]])
    (piece,) = plan([str(path)])
    assert piece.format == "xlsx"
    got = [(line, str(e) if isinstance(e, EvidenceError) else e) for _, line, e in read_piece(piece, engine.vocabulary)]
    want = [(line, str(e) if isinstance(e, EvidenceError) else e) for line, e in read_xlsx(path, engine.vocabulary, name=str(path))]
    assert got == want and len(got) == 2


def test_without_openpyxl_the_error_names_the_extra(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core.errors import FivegoodError

    path = _sheet(tmp_path, [["subject.id"], ["a"]])
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    with pytest.raises(FivegoodError, match=r"pip install 'fivegood\[xlsx\]'") as caught:
        list(read_xlsx(path, engine.vocabulary))
    assert "fivegood[xlsx]" in caught.value.render("zh")
    with pytest.raises(FivegoodError, match="openpyxl"):
        evidence_workbook(engine, engine.get("sample/office", dt.date(2024, 6, 1)), dt.date(2024, 6, 1))


def test_the_engine_and_a_toml_template_do_not_import_openpyxl() -> None:
    import subprocess

    code = (
        "import sys, datetime as dt\n"
        "from fivegood_core import Engine\n"
        "from fivegood_core.batch import read_records\n"
        "from fivegood_core.render.template import evidence_template\n"
        "e = Engine.from_entry_points()\n"
        "evidence_template(e, e.get('sample/office', dt.date(2024, 6, 1)), dt.date(2024, 6, 1))\n"
        "list(read_records('examples/ningbo/batch.csv', e.vocabulary))\n"
        "assert 'openpyxl' not in sys.modules\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
