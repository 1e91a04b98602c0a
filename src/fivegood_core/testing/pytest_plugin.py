"""The fivegood pytest plugin: property tests and example cases for the standards a project names.

Registered through the ``pytest11`` entry point, so installing fivegood is
enough. It does nothing until configured, in ``pyproject.toml``::

    [tool.pytest.ini_options]
    fivegood_standards = ["henan/five-guarantees", "henan/county-five-good"]   # or ID@VERSION
    fivegood_cases = ["bundled"]              # run the installed plugins' *.cases.toml

or per test module, with a marker and the ``fivegood_property`` fixture::

    @pytest.mark.fivegood("henan/five-guarantees")
    def test_standard(fivegood_property):
        fivegood_property.run()

Further options: ``fivegood_sources`` (folders of extra standard files,
relative to the rootdir), ``fivegood_entry_points`` (``false`` to load only
those folders and the built-ins). ``*.cases.toml`` files inside the collected
test folders are collected as they are. Test ids read
``henan/five-guarantees@2013::office.area_m2::boundary``; a failure shows the
property's message and hypothesis's shrunk counterexample.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from fivegood_core.errors import FivegoodError

_ENGINE = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("fivegood_standards", "standard ids (or ID@VERSION) to generate property tests for", type="linelist", default=[])
    parser.addini("fivegood_cases", '"bundled" to run installed *.cases.toml, or paths of cases files', type="linelist", default=[])
    parser.addini("fivegood_sources", "folders of extra standard files, relative to the rootdir", type="linelist", default=[])
    parser.addini("fivegood_entry_points", "load installed fivegood plugins (default true)", type="bool", default=True)
    parser.addini("fivegood_plugins", "plugins to register, as module:attribute (a plugin under development)", type="linelist", default=[])
    parser.addoption(
        "--fivegood",
        action="store_true",
        default=False,
        help="add the configured fivegood properties and cases even when test paths are given",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fivegood(*standards): generate fivegood property tests for these standard ids")


def engine_for(config: pytest.Config) -> Any:
    """The engine the configuration describes (built once per session)."""
    engine = config.stash.get(_ENGINE, None)
    if engine is None:
        import importlib

        from fivegood_core.catalogue.packaged import FolderPlugin
        from fivegood_core.engine import Engine

        root = Path(str(config.rootpath))
        plugins: list[Any] = [FolderPlugin(root / folder, f"fivegood_sources:{folder}") for folder in config.getini("fivegood_sources")]
        for spec in config.getini("fivegood_plugins"):
            module, _, attribute = spec.partition(":")
            loaded = importlib.import_module(module)
            plugins.append(getattr(loaded, attribute) if attribute else loaded)
        engine = Engine(plugins, entry_points=config.getini("fivegood_entry_points"), strict=True)
        config.stash[_ENGINE] = engine
    return engine


class PropertyItem(pytest.Item):
    """One generated property of one standard."""

    def __init__(self, *, prop: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prop = prop

    def runtest(self) -> None:
        self.prop.run()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, AssertionError):
            notes = "\n".join(getattr(excinfo.value, "__notes__", []))
            return f"{self.prop.id}\n{excinfo.value}" + (f"\n{notes}" if notes else "")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, self.prop.id


class CaseItem(pytest.Item):
    """One example case from a ``*.cases.toml`` file."""

    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from fivegood_core.testing.cases import run_case

        mismatches = run_case(engine_for(self.config), self.case)
        if mismatches:
            raise AssertionError("\n".join(str(m) for m in mismatches))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, (self.case.line or 1) - 1, f"case: {self.case.name}"


class CasesFile(pytest.File):
    """A ``*.cases.toml`` file: one test item per case."""

    def collect(self) -> Iterator[CaseItem]:
        from fivegood_core.testing.cases import load_cases

        for case in load_cases(Path(self.path)):
            yield CaseItem.from_parent(self, name=case.name, case=case)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CasesFile | None:
    if file_path.name.endswith(".cases.toml"):
        return CasesFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the items exist before -k and -m deselect among them.
    standards = config.getini("fivegood_standards")
    cases = config.getini("fivegood_cases")
    if not standards and not cases:
        return
    if config.args_source == pytest.Config.ArgsSource.ARGS and not config.getoption("--fivegood"):
        return  # the user named what to run; the configured suite joins the default run (or --fivegood)
    from fivegood_core.testing.cases import load_cases
    from fivegood_core.testing.properties import properties_for

    try:
        engine = engine_for(config)
        for prop in properties_for(engine, standards):
            items.append(PropertyItem.from_parent(session, name=prop.id, prop=prop))
        files = list(engine.case_files) if "bundled" in cases else []
        files += [str(Path(str(config.rootpath)) / c) for c in cases if c != "bundled"]
        for name in files:
            for case in load_cases(Path(name)):
                items.append(CaseItem.from_parent(session, name=f"{Path(name).name}::{case.name}", case=case))
    except (FivegoodError, LookupError) as exc:
        raise pytest.UsageError(f"fivegood: {exc}") from None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    # The criteria whose text could not be read mechanically, with how each says it is read.
    engine = config.stash.get(_ENGINE, None)
    standards = config.getini("fivegood_standards")
    if engine is None or not standards:
        return
    from fivegood_core.catalogue.wording import unread_wordings

    lines = [
        line
        for s in engine.standards()
        if any(s.id == w.partition("@")[0] for w in standards)
        for line in unread_wordings(engine.get(s.ref))
    ]
    if lines:
        terminalreporter.section("fivegood: thresholds read by interpretation, not from their wording")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("fivegood")
    if marker is None or "fivegood_property" not in metafunc.fixturenames:
        return
    from fivegood_core.testing.properties import properties_for

    props = properties_for(engine_for(metafunc.config), marker.args)
    metafunc.parametrize("fivegood_property", props, ids=[p.id for p in props])
