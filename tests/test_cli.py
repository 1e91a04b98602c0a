"""The console script, driven as a user drives it: a subprocess, its output and exit status."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import fivegood, script

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "examples" / "sample" / "county.toml"


def test_check_pass_text() -> None:
    run = fivegood("check", str(SAMPLE), "--standard", "sample/office", "--as-of", "2024-06-01")
    assert run.returncode == 0, run.stderr
    assert "sample/office@2024" in run.stdout and "verdict: PASS" in run.stdout
    assert "\x1b[" not in run.stdout  # not a terminal: no colour


def test_check_fail_json(tmp_path: Path) -> None:
    evidence = tmp_path / "small.toml"
    evidence.write_text(SAMPLE.read_text(encoding="utf-8").replace("area_m2 = 82", "area_m2 = 52"), encoding="utf-8")
    run = fivegood("check", str(evidence), "--standard", "sample/office@2024", "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["verdict"] == "fail" and data["failed"] == ["office-area"]
    area = next(c for c in data["criteria"] if c["id"] == "office-area")
    assert area["gap"]["en"] == "28 m² short of 80 m²"


def test_check_incomplete_in_chinese(tmp_path: Path) -> None:
    evidence = tmp_path / "partial.json"
    evidence.write_text(json.dumps({"subject": {"kind": "county_federation"}, "office": {"area_m2": 90}}), encoding="utf-8")
    out = tmp_path / "report.txt"
    run = fivegood("check", str(evidence), "-s", "sample/office", "--as-of", "2024-06-01", "--lang", "zh", "--output", str(out))
    assert run.returncode == 3, run.stderr
    text = out.read_text(encoding="utf-8")
    assert "结论: 证据不全,无法认定" in text and "缺少证据: staff.establishment_posts" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (("check", "missing.toml", "-s", "sample/office"), "fivegood: error: missing.toml: no such file"),
        (("check", str(SAMPLE), "-s", "sample/nothing"), "fivegood: error: unknown standard 'sample/nothing'"),
        (("check", str(SAMPLE), "-s", "sample/office", "--as-of", "2019-01-01"), "no version of sample/office is in force on 2019-01-01"),
        (("check", str(SAMPLE), "-s", "sample/office", "--as-of", "yesterday"), 'expected a date such as 2014-01-01, got "yesterday"'),
        (("check", str(SAMPLE)), "the following arguments are required: --standard"),
    ],
)
def test_bad_usage_and_input_exit_2(args: tuple[str, ...], message: str) -> None:
    run = fivegood(*args)
    assert run.returncode == 2
    assert message in run.stderr


def test_bad_evidence_names_the_key(tmp_path: Path) -> None:
    evidence = tmp_path / "bad.toml"
    evidence.write_text('[office]\narea_m2 = "big"\n', encoding="utf-8")
    run = fivegood("check", str(evidence), "-s", "sample/office")
    assert run.returncode == 2
    assert f'fivegood: error: {evidence}: office.area_m2: expected an area in m² ≥ 0, got "big"' in run.stderr


def test_list_shows_versions_and_dates() -> None:
    run = fivegood("list")
    assert run.returncode == 0
    line = next(line for line in run.stdout.splitlines() if line.startswith("sample/office@2020"))
    assert "2020-01-01 – 2024-01-01" in line and "sample" in line


def test_test_command_runs_bundled_cases_and_names_a_failing_one(tmp_path: Path) -> None:
    run = fivegood("test")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "✔ henan.cases.toml: Province aggregate: 77,670 of 367,400 private enterprises is 21.14%, over the 20% line" in run.stdout
    assert run.stdout.strip().endswith("0 failed")
    wrong = tmp_path / "wrong.cases.toml"
    wrong.write_text(
        'standard = "henan/five-guarantees"\n[[case]]\nname = "wrong"\nas_of = 2014-01-01\n'
        'evidence = { office = { area_m2 = 59 } }\ncriteria = { premises = "pass" }\n',
        encoding="utf-8",
    )
    run = fivegood("test", str(wrong))
    assert run.returncode == 1
    assert "✘ wrong.cases.toml: wrong" in run.stdout and "criterion premises: expected pass, got fail" in run.stdout


def test_test_command_reports_a_malformed_cases_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cases.toml"
    bad.write_text('[[case]]\nname = "x"\nas_of = "soon"\nevidence = {}\n', encoding="utf-8")
    run = fivegood("test", str(bad))
    assert run.returncode == 2
    assert f'{bad}:3: case[0].as_of: expected a date such as 2013-01-25 (unquoted), got "soon"' in run.stderr
    assert "no standard" in run.stderr


@pytest.mark.parametrize(
    "fmt, marker",
    [
        ("markdown", "## ❌ Good support"),
        ("html", '<div class="verdict v-fail" id="verdict">'),
        ("junit", '<testsuite name="henan/county-five-good@2013"'),
    ],
)
def test_check_report_formats(tmp_path: Path, fmt: str, marker: str) -> None:
    out = tmp_path / f"report.{fmt}"
    run = fivegood(
        "check",
        str(ROOT / "examples/henan/narrow-miss.toml"),
        "-s",
        "henan/county-five-good",
        "--as-of",
        "2014-01-01",
        "-f",
        fmt,
        "-o",
        str(out),
    )
    assert run.returncode == 1, run.stderr
    text = out.read_text(encoding="utf-8")
    assert marker in text
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        suite = ET.fromstring(text).find("testsuite")
        assert suite is not None and suite.get("failures") == "2"
        failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
        assert [n.split(":")[0] for n in failed] == ["art5-growth-computed", "art19-five-guarantees"]  # type: ignore[union-attr]
    if fmt == "html":
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text and "<script" not in text


def test_show_lists_criteria_with_thresholds_and_interpretations() -> None:
    run = fivegood("show", "henan/five-guarantees@2013")
    assert run.returncode == 0
    assert "premises · threshold ≥ 60 m² ← office.area_m2 · Office area" in run.stdout
    assert "office-independent · flag = true ← office.independent · Premises of its own" in run.stdout
    assert '⤷ "At least" (至少) governs both amounts' in run.stdout


def test_template_lists_every_key_and_checks_as_incomplete(tmp_path: Path) -> None:
    out = tmp_path / "blank.toml"
    run = fivegood("template", "-s", "henan/county-five-good", "--as-of", "2014-01-01", "-o", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert "# 办公用房面积 / office area — an area in m² ≥ 0, m²" in text
    assert "#   used by henan/five-guarantees@2013 premises (≥ 60 m²)" in text  # keys of the required standard too
    assert "# art1-team = true" in text
    filled = text.replace("# area_m2 = 0", "area_m2 = 59")
    out.write_text(filled, encoding="utf-8")
    run = fivegood("check", str(out), "-s", "henan/five-guarantees", "--as-of", "2014-01-01", "-f", "json")
    assert run.returncode == 1 and json.loads(run.stdout)["failed"] == ["premises"]


def test_diff_between_versions() -> None:
    run = fivegood("diff", "henan/five-guarantees@2012", "henan/five-guarantees@2013")
    assert run.returncode == 0
    assert "~ premises" in run.stdout and "threshold: '> 0 m²' → '≥ 60 m²'" in run.stdout
    assert "+ activities-villages" in run.stdout and "- equipment" not in run.stdout
    same = fivegood("diff", "henan/five-guarantees@2013", "henan/five-guarantees@2013")
    assert same.stdout.strip() == "no differences"


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    good = ROOT / "standards/henan/five-guarantees-2013.toml"
    bad = tmp_path / "bad.toml"
    bad.write_text(
        good.read_text(encoding="utf-8")
        .replace("value = 60\n", 'value = "60"\n')
        .replace('op = ">="\nvalue = 3', 'op = "=>"\nvalue = 3', 1)
        .replace('id = "henan/five-guarantees"', 'id = "test/copy"'),
        encoding="utf-8",
    )
    run = fivegood("validate", str(good), str(bad))
    assert run.returncode == 1
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 2, lines
    assert any(f"{bad}:" in line and 'value: expected a number, got "60"' in line for line in lines)
    assert any("op: expected one of" in line for line in lines)
    assert fivegood("validate", str(good)).stdout.strip() == "1 valid"


def test_validate_reads_each_threshold_against_its_own_sentence(tmp_path: Path) -> None:
    good = ROOT / "standards/henan/five-guarantees-2013.toml"
    text = good.read_text(encoding="utf-8").replace('id = "henan/five-guarantees"', 'id = "test/wording"')
    # 不少于60平方米 written as "more than 60": every type and key is right, only the reading is wrong.
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text.replace('key = "office.area_m2"\nop = ">="', 'key = "office.area_m2"\nop = ">"'), encoding="utf-8")
    assert wrong.read_text(encoding="utf-8") != text
    run = fivegood("validate", str(wrong))
    assert run.returncode == 1
    line = text[: text.index('key = "office.area_m2"')].count("\n")
    assert f"{wrong}:" in run.stdout and "criterion[premises].text" in run.stdout
    assert "the text says '不少于60平方米' (>= 60), the check is > 60" in run.stdout
    assert abs(int(run.stdout.split(":")[1]) - line) < 10


def test_validate_reads_how_a_sentence_joins_its_requirements(tmp_path: Path) -> None:
    good = ROOT / "standards/henan/five-guarantees-2013.toml"
    text = good.read_text(encoding="utf-8").replace('id = "henan/five-guarantees"', 'id = "test/wording"')
    # 编制数不少于3个或工作人员数不少于5个 (either one) encoded as both required.
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        text.replace(
            'id = "staffing-numbers"\nparent = "staffing"\nkind = "any"', 'id = "staffing-numbers"\nparent = "staffing"\nkind = "all"'
        ),
        encoding="utf-8",
    )
    assert wrong.read_text(encoding="utf-8") != text
    run = fivegood("validate", str(wrong))
    assert run.returncode == 1
    assert (
        "criterion[staffing-numbers].kind" in run.stdout
        and "joins its requirements with '或' (any of them), the group is all" in run.stdout
    )
    right = tmp_path / "right.toml"
    right.write_text(text, encoding="utf-8")
    assert fivegood("validate", str(right)).returncode == 0


def test_batch_streams_rows_and_summarises(tmp_path: Path) -> None:
    rows, summary, report = tmp_path / "rows.csv", tmp_path / "summary.json", tmp_path / "dash.html"
    run = fivegood(
        "batch",
        str(ROOT / "examples/ningbo/batch.jsonl"),
        "-s",
        "ningbo/five-have-five-good",
        "--as-of",
        "2011-01-12",
        "-f",
        "csv",
        "-o",
        str(rows),
        "--summary",
        str(summary),
        "--report",
        str(report),
    )
    assert run.returncode == 2, run.stderr  # two records are error rows: every row is written, and the status says so
    table = list(csv.DictReader(rows.open(encoding="utf-8")))
    assert [r["verdict"] for r in table] == ["pass", "pass", "pass", "fail", "error", "pass", "error"]
    assert table[4]["line"] == "5" and "malformed JSON" in table[4]["error"]
    assert f"{ROOT / 'examples/ningbo/batch.jsonl'}:7: staff.headcount" in run.stderr
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["counts"] == {"pass": 4, "fail": 1, "incomplete": 0, "error": 2}
    assert {t["district"]: (t["certified"], t["amount"]) for t in data["totals"]} == {"330205": (2, "30000"), "330212": (1, "20000")}
    premises = next(c for c in data["criteria"] if c["id"] == "has-premises")
    assert premises["counts"]["fail"] == 1 and premises["pass_rate"] == "0.8000"
    assert "summary: 7 records: pass 4, fail 1, incomplete 0, error 2" in run.stderr
    assert 'id="criteria"' in report.read_text(encoding="utf-8")


def test_batch_with_jobs_gives_the_same_rows(tmp_path: Path) -> None:
    one = fivegood("batch", str(ROOT / "examples/ningbo/batch.csv"), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12")
    two = fivegood(
        "batch", str(ROOT / "examples/ningbo/batch.csv"), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "--jobs", "2"
    )
    assert one.returncode == two.returncode == 2  # the sample holds a record with an error on purpose
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 5


@pytest.mark.parametrize(
    "args, english, chinese",
    [
        (("check", "missing.toml", "-s", "sample/office"), "error: missing.toml: no such file", "错误: missing.toml: 文件不存在"),
        (
            ("check", str(SAMPLE), "-s", "sample/office", "--as-of", "2019-01-01"),
            "no version of sample/office is in force on 2019-01-01",
            "sample/office 在 2019-01-01 没有生效的版本(版本:2020: 2020-01-01 – 2024-01-01; 2024: 2024-01-01 – open)",
        ),
        (("check", str(SAMPLE), "-s", "sample/nothing"), "unknown standard 'sample/nothing'", "未知标准 'sample/nothing'"),
    ],
)
def test_messages_in_both_languages(args: tuple[str, ...], english: str, chinese: str) -> None:
    en = fivegood(*args, "--lang", "en")
    zh = fivegood(*args, "--lang", "zh")
    assert en.returncode == zh.returncode == 2
    assert english in en.stderr and chinese in zh.stderr, zh.stderr


def test_a_bad_value_in_chinese(tmp_path: Path) -> None:
    evidence = tmp_path / "bad.toml"
    evidence.write_text('[office]\narea_m2 = "big"\n', encoding="utf-8")
    run = fivegood("check", str(evidence), "-s", "sample/office", "--lang", "zh")
    assert f'fivegood: 错误: {evidence}: office.area_m2: 应为不小于 0 的面积(平方米),实际为 "big"' in run.stderr


def test_malformed_toml_evidence_names_its_line(tmp_path: Path) -> None:
    evidence = tmp_path / "bad.toml"
    evidence.write_text("[office]\narea_m2 = 60\n[staff\nheadcount = 5\n", encoding="utf-8")
    run = fivegood("check", str(evidence), "-s", "sample/office")
    assert run.returncode == 2
    assert f"fivegood: error: {evidence}:3: malformed TOML" in run.stderr


def test_docs_command_writes_pages_matching_the_committed_ones(tmp_path: Path) -> None:
    run = fivegood("docs", str(tmp_path))
    assert run.returncode == 0, run.stderr
    page = tmp_path / "standards" / "henan-five-guarantees-2013.md"
    assert page.read_text(encoding="utf-8") == (ROOT / "docs/standards/henan-five-guarantees-2013.md").read_text(encoding="utf-8")
    assert (tmp_path / "vocabulary.md").read_text(encoding="utf-8") == (ROOT / "docs/vocabulary.md").read_text(encoding="utf-8")


def test_batch_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty

    primary, secondary = pty.openpty()
    exe = script()
    done = subprocess.run(
        [
            exe,
            "batch",
            str(ROOT / "examples/ningbo/batch.csv"),
            "-s",
            "ningbo/five-have-five-good",
            "--as-of",
            "2011-01-12",
            "-o",
            str(tmp_path / "rows.jsonl"),
        ],
        stderr=secondary,
        stdout=subprocess.DEVNULL,
        timeout=60,
        env={"PATH": str(Path(sys.executable).parent), "LANG": "C.UTF-8", "TERM": "xterm"},
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    assert done.returncode == 2  # one of the five records is an error row
    text = seen.decode("utf-8", "replace")
    assert "fivegood batch" in text and "5/?" in text.replace(" ", "")
    assert "summary: 5 records" in text
