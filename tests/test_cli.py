"""The console script, driven as a user drives it: a subprocess, its output and exit status."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "examples" / "sample" / "county.toml"


def fivegood(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("fivegood") or str(Path(sys.executable).parent / "fivegood")
    return subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd, env={"PATH": str(Path(sys.executable).parent), "LANG": "C.UTF-8"}, timeout=60)


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
        (("check", str(SAMPLE), "-s", "sample/office", "--as-of", "yesterday"), "expected a date such as 2014-01-01, got 'yesterday'"),
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
    assert f"fivegood: error: {evidence}: office.area_m2: expected an area in m² ≥ 0, got str 'big'" in run.stderr


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
    wrong.write_text('standard = "henan/five-guarantees"\n[[case]]\nname = "wrong"\nas_of = 2014-01-01\n'
                     'evidence = { office = { area_m2 = 59 } }\ncriteria = { premises = "pass" }\n', encoding="utf-8")
    run = fivegood("test", str(wrong))
    assert run.returncode == 1
    assert "✘ wrong.cases.toml: wrong" in run.stdout and "criterion premises: expected pass, got fail" in run.stdout


def test_test_command_reports_a_malformed_cases_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cases.toml"
    bad.write_text('[[case]]\nname = "x"\nas_of = "soon"\nevidence = {}\n', encoding="utf-8")
    run = fivegood("test", str(bad))
    assert run.returncode == 2
    assert f"{bad}:3: case[0].as_of: expected a date such as 2013-01-25 (unquoted), got 'soon'" in run.stderr
    assert "no standard" in run.stderr
