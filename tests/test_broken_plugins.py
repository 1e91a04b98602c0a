"""Broken plugins are reported with their name, and every other plugin keeps working."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import fivegood_core
from fivegood_core import Engine, Overall, ResolutionError

ROOT = Path(__file__).parent.parent


def install_fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, target: str, module: str = "") -> None:
    """A distribution with one ``fivegood`` entry point, found by importlib.metadata through sys.path."""
    info = tmp_path / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[fivegood]\n{name} = {target}\n", encoding="utf-8")
    if module:
        (tmp_path / f"{target.split(':')[0]}.py").write_text(textwrap.dedent(module), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))


def still_works(engine: Engine) -> None:
    result = engine.evaluate(str(ROOT / "examples/henan/model-county.toml"), "henan/county-five-good", dt.date(2014, 1, 1))
    assert result.verdict is Overall.PASS


def test_a_plugin_that_fails_to_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake(tmp_path, monkeypatch, "broken", "no_such_module_anywhere:plugin")
    engine = Engine.from_entry_points()
    assert any(
        e.startswith("plugin 'broken' (no_such_module_anywhere:plugin) failed to load: ModuleNotFoundError") for e in engine.errors
    ), engine.errors
    still_works(engine)


def test_a_plugin_with_bad_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "badtoml_standards").mkdir()
    (tmp_path / "badtoml_standards" / "bad.toml").write_text("[standard]\nid = \n", encoding="utf-8")
    install_fake(
        tmp_path,
        monkeypatch,
        "badtoml",
        "badtoml_plugin:plugin",
        """
        from pathlib import Path
        from fivegood_core import FolderPlugin
        plugin = FolderPlugin(Path(__file__).parent / "badtoml_standards", "badtoml")
    """,
    )
    engine = Engine.from_entry_points()
    bad = tmp_path / "badtoml_standards" / "bad.toml"
    assert f"plugin 'badtoml': {bad}:2: malformed TOML: Invalid value" in engine.errors, engine.errors
    still_works(engine)


def test_a_plugin_whose_hook_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake(
        tmp_path,
        monkeypatch,
        "raiser",
        "raiser_plugin",
        """
        from fivegood_core import hookimpl

        @hookimpl
        def fivegood_standard_sources():
            raise RuntimeError("disk on fire")
    """,
    )
    engine = Engine.from_entry_points()
    assert "plugin 'raiser': hook fivegood_standard_sources raised RuntimeError: disk on fire" in engine.errors
    still_works(engine)


def test_two_plugins_claiming_the_same_standard_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "copycat_standards").mkdir()
    copy = tmp_path / "copycat_standards" / "copy.toml"
    copy.write_text(
        (ROOT / "standards/henan/five-guarantees-2013.toml").read_text(encoding="utf-8").replace("value = 60\n", "value = 6\n"),
        encoding="utf-8",
    )
    install_fake(
        tmp_path,
        monkeypatch,
        "copycat",
        "copycat_plugin:plugin",
        """
        from pathlib import Path
        from fivegood_core import FolderPlugin
        plugin = FolderPlugin(Path(__file__).parent / "copycat_standards", "copycat")
    """,
    )
    engine = Engine.from_entry_points()
    clash = [e for e in engine.errors if "henan/five-guarantees@2013 is also defined in" in e]
    assert len(clash) == 1 and "'copycat'" in clash[0] and "'henan'" in clash[0] and clash[0].endswith("neither is used"), engine.errors
    # Neither copy is used, whichever loaded first; the other versions and plugins keep working.
    with pytest.raises(ResolutionError, match="has no version '2013'"):
        engine.get("henan/five-guarantees@2013")
    assert engine.get("henan/five-guarantees@2012").defn.provider == "henan"
    chamber = engine.evaluate(str(ROOT / "examples/ningbo/yinzhou-certified.toml"), "ningbo/five-have-five-good", dt.date(2011, 1, 12))
    assert chamber.reward is not None and chamber.reward.amount == 20000


def test_plugins_command_and_the_environment_switches(tmp_path: Path) -> None:
    exe = str(Path(sys.executable).parent / "fivegood")
    env = {"PATH": str(Path(sys.executable).parent), "LANG": "C.UTF-8"}
    listing = subprocess.run([exe, "plugins"], capture_output=True, text=True, env=env, timeout=60)
    assert listing.returncode == 0
    assert (
        f"henan (fivegood {fivegood_core.__version__})\n    hooks: programme_sources, standard_sources, vocabulary\n    standards: henan/county-five-good@2013"
        in listing.stdout
    )
    only = subprocess.run([exe, "list"], capture_output=True, text=True, env={**env, "FIVEGOOD_PLUGINS": "ningbo"}, timeout=60)
    assert [line.split()[0] for line in only.stdout.splitlines()] == ["ningbo/five-have-five-good@2010"]
    traced = subprocess.run(
        [exe, "list"], capture_output=True, text=True, env={**env, "FIVEGOOD_PLUGINS": "sample", "FIVEGOOD_TRACE": "1"}, timeout=60
    )
    assert "fivegood: registered plugin 'sample' from entry point fivegood_sample:plugin" in traced.stderr
    assert "fivegood: sample.fivegood_standard_sources() -> [" in traced.stderr
