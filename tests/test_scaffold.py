"""`fivegood new-plugin`: the generated package is complete and passes its own checks as generated."""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from fivegood_core import Engine, Overall
from fivegood_core.cli.scaffold import new_plugin
from fivegood_core.testing import properties_for
from fivegood_core.testing.cases import load_cases, run_case

ROOT = Path(__file__).parent.parent


def load(root: Path, package: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The generated plugin, imported from its src folder as if installed, on an engine of its own."""
    monkeypatch.syspath_prepend(str(root / "src"))
    module = importlib.import_module(package)
    return Engine.from_plugins([module.plugin], strict=True)


def test_the_scaffold_is_complete_and_passes_its_own_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = new_plugin("demo_town", tmp_path, "basics", 2024)
    expected = {
        "pyproject.toml",
        "README.md",
        "src/fivegood_demo_town/__init__.py",
        "src/fivegood_demo_town/vocabulary.toml",
        "src/fivegood_demo_town/standards/basics-2024.toml",
        "src/fivegood_demo_town/standards/basics.cases.toml",
        "examples/sample.toml",
        "tests/test_standard.py",
    }
    assert {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} == expected
    assert '[project.entry-points.fivegood]\ndemo_town = "fivegood_demo_town:plugin"' in (root / "pyproject.toml").read_text(
        encoding="utf-8"
    )
    engine = load(root, "fivegood_demo_town", monkeypatch)
    assert [s.ref for s in engine.standards()] == ["demo_town/basics@2024"]
    assert engine.validate(sorted((root / "src/fivegood_demo_town/standards").glob("basics-*.toml"))) == []
    for case in load_cases(root / "src/fivegood_demo_town/standards/basics.cases.toml"):
        assert run_case(engine, case) == [], case.name
    for prop in properties_for(engine, ["demo_town/basics"]):
        prop.run()
    assert engine.evaluate(str(root / "examples/sample.toml"), "demo_town/basics", dt.date(2024, 6, 1)).verdict is Overall.PASS
    compile((root / "tests/test_standard.py").read_text(encoding="utf-8"), "test_standard.py", "exec")


def test_the_xinzheng_worked_example(monkeypatch: pytest.MonkeyPatch) -> None:
    root = ROOT / "examples/plugins/fivegood-xinzheng"
    engine = load(root, "fivegood_xinzheng", monkeypatch)
    assert [s.ref for s in engine.standards()] == ["xinzheng/four-have@2012"]
    for case in load_cases(root / "src/fivegood_xinzheng/standards/four-have.cases.toml"):
        assert run_case(engine, case) == [], case.name
    for prop in properties_for(engine, ["xinzheng/four-have"]):
        prop.run()
    result = engine.evaluate(str(root / "examples/sample.toml"), "xinzheng/four-have", dt.date(2012, 12, 31))
    assert result.verdict is Overall.PASS
    assert [c.id for c in result.find("four-haves").children] == ["has-personnel", "has-premises", "has-rules", "has-activities"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("new-plugin", "Bad-Name"), "plugin name 'Bad-Name': expected lower-case letters"),
        (("new-plugin", "twice"), "already exists"),
    ],
)
def test_new_plugin_refuses_bad_names_and_existing_folders(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    exe = str(Path(sys.executable).parent / "fivegood")
    env = {"PATH": str(Path(sys.executable).parent), "LANG": "C.UTF-8"}
    (tmp_path / "fivegood-twice").mkdir()
    run = subprocess.run([exe, *args, "--directory", str(tmp_path)], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2 and message in run.stderr
