"""Cold start: the command line imports only what a command uses, and parsed standard files are cached safely."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from fivegood_core import Engine
from fivegood_core.reading import cache, tomlfile

ROOT = Path(__file__).parent.parent
ON = dt.date(2014, 1, 1)
SAMPLE = ROOT / "plugins" / "fivegood_henan" / "standards" / "county-five-good-2013.toml"
#: Modules `fivegood check` does not use, which importing the command line must not import.
NOT_ON_IMPORT = (
    "sqlalchemy",
    "fivegood_core.register.store",
    "rich",
    "hypothesis",
    "fivegood_core.render.report",
    "fivegood_core.register.cli",
    "fivegood_core.register.programmes",
    "fivegood_core.batch",
    "fivegood_core.batch.distributed",
    "fivegood_core.testing",
    "importlib.metadata",
    "importlib.resources",
)


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_importing_the_command_line_imports_no_module_a_check_does_not_use() -> None:
    loaded = _modules_after("import fivegood_core.cli.main")
    assert "fivegood_core.cli.main" in loaded
    assert [m for m in NOT_ON_IMPORT if m in loaded] == []


def test_checking_one_file_imports_neither_the_register_nor_the_batch_modules() -> None:
    _modules_after("from fivegood_core import Engine; Engine.from_entry_points()")  # the cache filled (it may be new)
    loaded = _modules_after(
        "import contextlib, io\n"
        "from fivegood_core.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['check', {str(ROOT / 'examples' / 'henan' / 'model-county.toml')!r}, '-s', 'henan/county-five-good', '--as-of', '2014-01-01'])"
    )
    unused = (
        "sqlalchemy",
        "fivegood_core.register.store",
        "fivegood_core.register.programmes",
        "fivegood_core.batch",
        "rich",
        "hypothesis",
        "fivegood_core.register.cli",
        "fivegood_core.catalogue.wording",
        "importlib.metadata",  # the plugins installed come from the cache once it is filled
        "hashlib",  # OpenSSL's binding: cache keys and content hashes use CPython's own SHA-256 (cache.sha256)
        "shutil",  # argparse's formatter imports it for the terminal's width; ours finds the width as it does
    )
    assert [m for m in unused if m in loaded] == []


def test_listing_with_the_cache_filled_parses_no_toml_and_loads_no_openssl() -> None:
    code = "import contextlib, io\nfrom fivegood_core.cli.main import main\nwith contextlib.redirect_stdout(io.StringIO()):\n    main(['list'])"
    _modules_after(code)  # the cache filled (it may be new)
    loaded = _modules_after(code)
    # The catalogue comes built from the cache: no file parsed, so neither the TOML parser nor the loader's
    # difflib (a close match to a misspelt key); cache keys use CPython's own SHA-256, not OpenSSL's.
    assert [m for m in ("tomllib", "tomli", "hashlib", "difflib", "importlib.metadata") if m in loaded] == []


def test_the_cache_hashes_as_hashlib_does() -> None:
    import hashlib

    for data in (b"", b"abc", "县 Henan".encode() * 1000):
        ours, theirs = cache.sha256(data), hashlib.sha256(data)
        ours.update(b"more")
        theirs.update(b"more")
        assert ours.hexdigest() == theirs.hexdigest()


def test_a_standard_generates_its_fast_path_when_first_used(engine: Engine) -> None:
    fresh = Engine.from_entry_points(strict=True)
    compiled = fresh.get("henan/county-five-good", ON)
    assert "decide" not in compiled.__dict__
    assert compiled.source_code == engine.get("henan/county-five-good", ON).source_code
    assert "decide" in compiled.__dict__


def test_a_cached_parse_is_the_same_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))
    text = SAMPLE.read_text(encoding="utf-8")
    plain = tomlfile.parse_toml(text, "a.toml")
    first = tomlfile.parse_toml_cached(text, "a.toml")  # parsed, then written
    assert len(list(tmp_path.iterdir())) == 1
    second = tomlfile.parse_toml_cached(text, "b.toml")  # read from the cache, under its own name
    assert first == plain
    assert (second.data, second.index, second.text, second.name) == (plain.data, plain.index, plain.text, "b.toml")


def test_a_corrupt_or_foreign_cache_entry_is_ignored_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))
    text = SAMPLE.read_text(encoding="utf-8")
    tomlfile.parse_toml_cached(text, "a.toml")
    (entry,) = tmp_path.iterdir()
    for junk in (b"", b"not a pickle", entry.read_bytes()[: entry.stat().st_size // 2], b"\x80\x04K\x01."):  # the last: the pickle of 1
        entry.write_bytes(junk)
        assert tomlfile.parse_toml_cached(text, "a.toml") == tomlfile.parse_toml(text, "a.toml")
    assert [p.name for p in tmp_path.iterdir()] == [entry.name]  # written whole again, no temporary file left


def test_a_cache_entry_others_could_have_written_is_never_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Unpickling runs code: an entry writable by the group or others (a cache folder in a shared place) is ignored.
    import os
    import pickle

    from fivegood_core.reading import cache

    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))
    text = SAMPLE.read_text(encoding="utf-8")
    tomlfile.parse_toml_cached(text, "a.toml")
    (entry,) = tmp_path.iterdir()
    assert entry.stat().st_mode & 0o777 == 0o600  # written for the user alone, whatever the umask
    planted = pickle.dumps(("planted",))
    entry.write_bytes(planted)
    entry.chmod(0o600)
    assert cache.load(str(entry)) == ("planted",)  # the user's own file is read
    for mode in (0o620, 0o602, 0o666):
        entry.chmod(mode)
        assert cache.load(str(entry)) is None, oct(mode)
    assert tomlfile.parse_toml_cached(text, "a.toml") == tomlfile.parse_toml(text, "a.toml")
    monkeypatch.setattr(os, "getuid", lambda: os.stat(entry).st_uid + 1)  # a file owned by someone else
    entry.chmod(0o600)
    assert cache.load(str(entry)) is None


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    text = SAMPLE.read_text(encoding="utf-8")
    assert tomlfile.parse_toml_cached(text, "a.toml") == tomlfile.parse_toml(text, "a.toml")


def test_a_syntax_error_is_reported_and_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))
    with pytest.raises(tomlfile.TomlSyntaxError):
        tomlfile.parse_toml_cached("a = [", "bad.toml")
    assert list(tmp_path.iterdir()) == []


def test_processes_writing_the_same_entries_at_once_leave_whole_entries(tmp_path: Path) -> None:
    env = {**os.environ, "FIVEGOOD_CACHE_DIR": str(tmp_path)}
    code = "from fivegood_core import Engine; Engine.from_entry_points(strict=True)"
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(4)]
    assert [p.wait() for p in procs] == [0, 0, 0, 0]
    entries = list(tmp_path.iterdir())
    assert entries and all(p.suffix == ".pickle" for p in entries)
    assert any(p.name.startswith("catalogue-") for p in entries)
    # Every entry is whole: a fresh engine reads them all, the built catalogue among them, and loads as without the cache.
    cached = subprocess.run(
        [sys.executable, "-c", code.replace("Engine.from", "e = Engine.from") + "; print(e.catalogue.from_cache, len(e.standards()))"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert cached.stdout.split() == ["True", str(len(Engine.from_entry_points(strict=True).standards()))]


def test_a_standard_read_from_the_cache_has_the_same_problems_and_a_broken_catalogue_is_never_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "standards"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    (folder / "bad.toml").write_text(text.replace('kind = "threshold"', 'kind = "no-such-kind"', 1), encoding="utf-8")
    (folder / "good.toml").write_text(text.replace('id = "henan/county-five-good"', 'id = "tests/good"', 1), encoding="utf-8")
    from fivegood_core import FolderPlugin

    first = Engine.from_plugins([FolderPlugin(folder, "tests")], entry_points=True, strict=False)  # with Henan's vocabulary
    second = Engine.from_plugins([FolderPlugin(folder, "tests")], entry_points=True, strict=False)
    assert len(list((tmp_path / "cache").iterdir())) >= 1
    assert first.errors and first.errors == second.errors
    # Built, and its problems found, every time: a catalogue with problems is never kept.
    assert not first.catalogue.from_cache and not second.catalogue.from_cache
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith("catalogue-")]
    # The good standard beside the broken one still loads and evaluates, as the one it copies does.
    evidence = ROOT / "examples" / "henan" / "model-county.toml"
    assert second.evaluate(evidence, "tests/good", ON).verdict == second.evaluate(evidence, "henan/county-five-good", ON).verdict


def _fake_dist(folder: Path, name: str, value: str) -> Path:
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[fivegood]\n{name} = {value}\n", encoding="utf-8")
    return info


def test_installed_plugins_are_found_as_importlib_metadata_finds_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core.catalogue import manager

    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path / "cache"))
    first = manager.discover()  # found, then cached
    assert first == manager._discover_uncached() == manager.discover()
    assert {"henan", "ningbo", "sample"} <= {ep[0] for ep in first[1]}
    assert any(p.name.startswith("plugins-") for p in (tmp_path / "cache").iterdir())


def test_a_plugin_installed_or_changed_later_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core.catalogue import manager

    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path / "cache"))
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = {ep[0] for ep in manager.discover()[1]}
    assert "later" not in before
    info = _fake_dist(site, "later", "later_module:plugin")
    assert ("later", "later_module:plugin", "later", "0.1") in manager.discover()[1]
    # The entry point edited in place (same folder, same file) is seen too.
    (info / "entry_points.txt").write_text("[fivegood]\nlater = other_module:thing\n", encoding="utf-8")
    os.utime(info / "entry_points.txt", ns=(1, 1))
    assert ("later", "other_module:thing", "later", "0.1") in manager.discover()[1]
    assert manager.discover() == manager._discover_uncached()


def test_another_finder_of_distributions_turns_the_plugin_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core.catalogue import manager

    class Finder:
        def find_spec(self, *args: object) -> None:
            return None

        def find_distributions(self, *args: object) -> list[object]:
            return []

    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    assert manager._path_stamp() is None
    assert manager.discover() == manager._discover_uncached()
    assert not (tmp_path / "cache").exists()


def test_an_entry_point_loads_as_importlib_metadata_loads_it() -> None:
    import importlib.metadata

    from fivegood_core.catalogue import manager

    for value in ("fivegood_henan:plugin", "fivegood_core.catalogue.packaged:PackagePlugin.__init__", "fivegood_core"):
        ep = importlib.metadata.EntryPoint("x", value, "fivegood")
        assert manager.load_entry_point(value) is ep.load()
    for bad in ("no_such_module_anywhere:plugin", "fivegood_henan:no_such_name", "not a value"):
        ep = importlib.metadata.EntryPoint("x", bad, "fivegood")
        with pytest.raises(Exception) as ours:
            manager.load_entry_point(bad)
        with pytest.raises(Exception) as theirs:
            ep.load()
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def _every_help(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, str]:
    """The help of ``parser`` and, recursively, of every command under it, by command line."""
    out = {prefix: parser.format_help()}
    if any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        for name, cmd in _subparsers(parser).items():
            out.update(_every_help(cmd, f"{prefix} {name}".strip()))
    return out


def test_a_command_line_builds_only_its_own_command_and_every_help_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    cli = importlib.import_module("fivegood_core.cli.main")  # the module; the package's `main` is the function
    monkeypatch.setenv("COLUMNS", "100")
    full = _every_help(cli._parser([], every=True))
    lazy = cli._parser(["check", "x.toml", "-s", "a/b"])
    # Only `check` has its arguments: the others are listed with their help line, for `fivegood --help`.
    assert [n for n, c in _subparsers(lazy).items() if c._actions] == ["check"]
    assert lazy.format_help() == full[""]
    assert list(_subparsers(lazy)) == list(_subparsers(cli._parser([], every=True)))
    for command, text in full.items():
        words = command.split()
        if words:
            # The command as the user reaches it: `fivegood schema evidence --help`, built from its own words.
            built = cli._parser([*words, "--help"])
            for w in words:
                built = _subparsers(built)[w]
            assert built.format_help() == text, command
    args = cli._parser(["--lang", "zh", "check", "x.toml", "-s", "a/b"]).parse_args(["--lang", "zh", "check", "x.toml", "-s", "a/b"])
    assert (args.command, args.evidence, args.standard, args.global_lang, args.format) == ("check", "x.toml", "a/b", "zh", "text")


def _every_parser(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = [parser]
    if any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        for cmd in _subparsers(parser).values():
            out.extend(_every_parser(cmd))
    return out


@pytest.mark.parametrize("columns", [None, "40", "100", "0", "wide"])
def test_help_is_formatted_as_argparse_formats_it(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    import importlib

    cli = importlib.import_module("fivegood_core.cli.main")
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    parsers = _every_parser(cli._parser([], every=True))
    assert len(parsers) > 20 and all(p.formatter_class is cli._Formatter for p in parsers)
    for p in parsers:
        ours = (p.format_help(), p.format_usage())
        p.formatter_class = argparse.HelpFormatter
        assert (p.format_help(), p.format_usage()) == ours


# --- the built catalogue, cached -------------------------------------------------------------


def _fingerprint(engine: Engine) -> list[object]:
    """Everything a catalogue gives, as values: its standards, their generated code, results, problems."""
    out: list[object] = [engine.errors, engine.case_files, engine.vocabulary, dict(engine.engine_info)]
    for s in engine.standards():
        compiled = engine.get(s.ref)
        out += [s, compiled.source_code, [n.defn for n in compiled.nodes], sorted(v.defn.ref for v in compiled.requirements)]
    for evidence, sid in (
        ("henan/model-county.toml", "henan/county-five-good"),
        ("ningbo/jiangbei-failed.toml", "ningbo/five-have-five-good"),
    ):
        out.append(engine.evaluate(ROOT / "examples" / evidence, sid, ON).dumps())
    out.append(engine.validate([SAMPLE]))
    return out


def test_a_catalogue_read_from_the_cache_is_the_catalogue_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))
    built = Engine.from_entry_points(strict=True)
    cached = Engine.from_entry_points(strict=True)
    assert (built.catalogue.from_cache, cached.catalogue.from_cache) == (False, True)
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", "off")
    plain = Engine.from_entry_points(strict=True)
    assert not plain.catalogue.from_cache
    assert _fingerprint(cached) == _fingerprint(built) == _fingerprint(plain)


def _folder_engine(folder: Path) -> Engine:
    from fivegood_core import FolderPlugin

    return Engine.from_plugins([FolderPlugin(folder, "tests")], entry_points=True, strict=False)


def test_an_edited_standard_is_read_again_not_taken_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "standards"
    folder.mkdir()
    source = SAMPLE.read_text(encoding="utf-8").replace('id = "henan/county-five-good"', 'id = "tests/edited"', 1)
    (folder / "edited.toml").write_text(source, encoding="utf-8")
    _folder_engine(folder)
    assert _folder_engine(folder).catalogue.from_cache
    assert _folder_engine(folder).get("tests/edited", ON).defn.title.en != "Edited title"
    edited_source = source.replace(
        'en = "Henan county federation demonstration sites: the \\"Five Good\\" standard"', 'en = "Edited title"', 1
    )
    assert edited_source != source
    (folder / "edited.toml").write_text(edited_source, encoding="utf-8")
    edited = _folder_engine(folder)
    assert not edited.catalogue.from_cache
    assert edited.get("tests/edited", ON).defn.title.en == "Edited title"
    assert _folder_engine(folder).catalogue.from_cache  # and kept again


def test_a_plugin_whose_code_changed_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path / "cache"))
    module = tmp_path / "plugin_with_code.py"
    module.write_text(
        "from fivegood_core import hookimpl\n"
        "from fivegood_core.kinds.metrics import BUILTIN_METRICS\n"
        "class Plugin:\n"
        "    @hookimpl\n"
        "    def fivegood_metrics(self):\n"
        "        return []\n"
        "plugin = Plugin()\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    plugin = importlib.import_module("plugin_with_code").plugin

    def engine() -> Engine:
        return Engine.from_plugins([plugin], entry_points=True, strict=True)

    engine()
    assert engine().catalogue.from_cache
    os.utime(module, ns=(1, 1))  # its code edited (as an editable install's would be)
    assert not engine().catalogue.from_cache
    assert engine().catalogue.from_cache


def test_a_corrupt_or_foreign_catalogue_entry_is_ignored_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))
    built = Engine.from_entry_points(strict=True)
    (entry,) = [p for p in tmp_path.iterdir() if p.name.startswith("catalogue-")]
    whole = entry.read_bytes()
    for junk in (
        b"",
        b"not a pickle",
        whole[: len(whole) // 2],
        b"\x80\x04K\x01.",
        pickle.dumps((1, ON.isoformat(), [], None)),
        pickle.dumps((1, dt.date.today().isoformat(), [("/no/such/file", 1, 1)], None)),
    ):
        entry.write_bytes(junk)
        again = Engine.from_entry_points(strict=True)
        assert not again.catalogue.from_cache
        assert _fingerprint(again) == _fingerprint(built)
    assert Engine.from_entry_points(strict=True).catalogue.from_cache  # written whole again


def test_a_catalogue_kept_on_another_day_is_built_again_in_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core.catalogue import catalogue

    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))
    Engine.from_entry_points(strict=True)
    (entry,) = [p for p in tmp_path.iterdir() if p.name.startswith("catalogue-")]
    kept = pickle.loads(entry.read_bytes())
    assert kept[1] == dt.date.today().isoformat()
    entry.write_bytes(pickle.dumps((kept[0], "2014-01-01", *kept[2:])))
    assert catalogue._cached(str(entry)) is None
    assert not Engine.from_entry_points(strict=True).catalogue.from_cache
    assert [p for p in tmp_path.iterdir() if p.name.startswith("catalogue-")] == [entry]  # the same entry, replaced
    assert Engine.from_entry_points(strict=True).catalogue.from_cache


def test_a_catalogue_built_with_a_lambda_or_closure_is_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core import Metric, hookimpl

    monkeypatch.setenv("FIVEGOOD_CACHE_DIR", str(tmp_path))

    def metric_plugin(bind: object) -> object:
        class Plugin:
            @hookimpl
            def fivegood_metrics(self) -> list[Metric]:
                return [Metric("tests-metric", "a metric made in a test", {}, bind)]  # type: ignore[arg-type]

        return Plugin()

    # Two plugins alike but for a closure: nothing tells them apart, so neither catalogue is kept.
    for limit in (1, 2):
        plugin = metric_plugin(lambda args, ctx, limit=limit: limit)
        first = Engine.from_plugins([plugin], entry_points=True, strict=True)
        second = Engine.from_plugins([plugin], entry_points=True, strict=True)
        assert not first.catalogue.from_cache and not second.catalogue.from_cache
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("catalogue-")]


def test_what_plugins_provide_is_told_apart_by_every_field() -> None:
    from fivegood_core import CheckKind, Field
    from fivegood_core.catalogue.catalogue import _describe
    from fivegood_core.kinds import leaves

    kind = CheckKind("k", "doc", (Field("key", "key", True, "a key"),), leaves.build_threshold)
    assert _describe(kind) == _describe(CheckKind("k", "doc", (Field("key", "key", True, "a key"),), leaves.build_threshold))
    assert "fivegood_core.kinds.leaves:build_threshold" in _describe(kind)
    for other in (
        CheckKind("k", "doc", (Field("key", "key", False, "a key"),), leaves.build_threshold),
        CheckKind("k", "doc", (), leaves.build_threshold),
        CheckKind("k", "doc", (Field("key", "key", True, "a key"),), leaves.build_ratio),
        CheckKind("k", "doc", (Field("key", "key", True, "a key"),), leaves.build_threshold, group=True),
    ):
        assert _describe(other) != _describe(kind)
