"""One catalogue of words: every message has both languages, with the same placeholders."""

from __future__ import annotations

import ast
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from fivegood_core import EvidenceError, Problem, ResolutionError, errors
from fivegood_core.reading.schema import BuildError
from fivegood_core.words.catalogue import CATALOGUE, UnknownMessage, placeholders, say, word
from helpers import script, standard


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_entry_has_both_languages_with_the_same_placeholders(code: str) -> None:
    en, zh = CATALOGUE[code]
    assert en.strip() and zh.strip()
    assert placeholders(en) == placeholders(zh), code


def test_an_unknown_code_is_a_bug_caught_where_it_is_written() -> None:
    with pytest.raises(UnknownMessage):
        say("no.such.message")


def test_errors_render_in_either_language_and_survive_a_process_boundary() -> None:
    problem = Problem("county.toml", 3, "office.area_m2", say("word.error"))
    assert problem.render("zh") == "county.toml:3: office.area_m2: 错误"
    assert str(problem) == "county.toml:3: office.area_m2: error"
    error = pickle.loads(pickle.dumps(EvidenceError([problem])))
    assert error.render("zh") == "county.toml:3: office.area_m2: 错误"
    resolution = pickle.loads(pickle.dumps(ResolutionError(say("word.warning"))))
    assert resolution.render("zh") == "警告" and str(resolution) == "warning"
    assert word("word.error", "zh") == "错误"


# --- no message is written outside the catalogue ---------------------------------------------------

SOURCE = Path(__file__).parent.parent / "src" / "fivegood_core"


def _error_classes() -> set[str]:
    found: set[str] = set()
    queue: list[type] = [errors.FivegoodError]
    while queue:
        cls = queue.pop()
        found.add(cls.__name__)
        queue.extend(cls.__subclasses__())
    return found


#: Calls whose message must be a ``say(...)`` (or a value built from one), never a literal:
#: the callee's name and the position of its message argument (None: every argument).
MESSAGE_ARGUMENT: dict[str, int | None] = {
    "Problem": 3,
    "problem": 1,  # TomlDocument.problem(path, message)
    "BuildError": 1,
    "Invalid": 0,
    "BadValue": 0,
    "ArgumentTypeError": 0,
    **{name: None for name in _error_classes()},
}


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _untranslated(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else None
        if name not in MESSAGE_ARGUMENT:
            continue
        position = MESSAGE_ARGUMENT[name]
        given = node.args if position is None else node.args[position : position + 1]
        given = [*given, *(k.value for k in node.keywords if k.arg == "message")]
        # A list of problems (EvidenceError([...])) is checked through the Problem calls inside it.
        if any(_literal(arg) for arg in given):
            found.append((node.lineno, name))
    return found


def test_every_message_fivegood_writes_comes_from_the_catalogue() -> None:
    offenders = [
        f"{path.relative_to(SOURCE)}:{line}: {name}(...) is given a string; write say(code, ...) and add the code to the catalogue"
        for path in sorted(SOURCE.rglob("*.py"))
        for line, name in _untranslated(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, "\n".join(offenders)


def test_the_scan_finds_a_literal_message() -> None:
    tree = ast.parse(
        'raise ResolutionError(f"unknown {x}")\nProblem(a, b, c, "bad")\ndoc.problem(p, message="worse")\nInvalid(say("field.table"))'
    )
    assert [name for _, name in _untranslated(tree)] == ["ResolutionError", "Problem", "problem"]


# --- the command line says errors in the language asked for ----------------------------------------

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "examples" / "sample" / "county.toml"


def _fivegood(*args: str) -> subprocess.CompletedProcess[str]:
    exe = script()
    env = {"PATH": str(Path(sys.executable).parent), "LANG": "C.UTF-8"}
    return subprocess.run([exe, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "bad_type": ('[office]\narea_m2 = "big"\n', "bad.toml"),
        "malformed": ("[office]\narea_m2 = 60\n[staff\n", "malformed.toml"),
        "unknown_kind": (standard('[[criterion]]\nid = "a"\ntitle = { zh = "甲", en = "A" }\nkind = "nonesuch"\n'), "kind.toml"),
    }
    out = {}
    for name, (text, file) in files.items():
        out[name] = tmp_path / file
        out[name].write_text(text, encoding="utf-8")
    return out


CASES = [
    # (what, arguments (files by name), English, Chinese)
    (
        "bad evidence type",
        ("check", "{bad_type}", "-s", "sample/office"),
        'office.area_m2: expected an area in m² ≥ 0, got "big"',
        'office.area_m2: 应为不小于 0 的面积(平方米),实际为 "big"',
    ),
    ("unknown standard", ("check", str(SAMPLE), "-s", "sample/nothing"), "unknown standard 'sample/nothing'", "未知标准 'sample/nothing'"),
    (
        "malformed TOML",
        ("check", "{malformed}", "-s", "sample/office"),
        "malformed.toml:3: malformed TOML: ",
        "malformed.toml:3: TOML 格式错误:",
    ),
    (
        "unknown check kind",
        ("validate", "{unknown_kind}"),
        "kind: unknown check kind 'nonesuch' (known: ",
        "kind: 未知检查类型 'nonesuch'(已知:",
    ),
    (
        "no version in force",
        ("check", str(SAMPLE), "-s", "sample/office", "--as-of", "2019-01-01"),
        "no version of sample/office is in force on 2019-01-01 (2020: 2020-01-01 – 2024-01-01; 2024: 2024-01-01 – open)",
        "sample/office 在 2019-01-01 没有生效的版本(版本:2020: 2020-01-01 – 2024-01-01; 2024: 2024-01-01 – open)",
    ),
]


@pytest.mark.parametrize("what, args, english, chinese", CASES, ids=[c[0] for c in CASES])
def test_errors_read_in_chinese_with_lang_zh_and_in_english_without(
    tmp_path: Path, what: str, args: tuple[str, ...], english: str, chinese: str
) -> None:
    files = _files(tmp_path)
    argv = [a.format(**files) for a in args]
    en = _fivegood(*argv)
    zh = _fivegood(*argv, "--lang", "zh")
    assert en.returncode == zh.returncode != 0
    assert english in en.stdout + en.stderr, en.stderr
    assert chinese in zh.stdout + zh.stderr, zh.stderr
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.stderr), en.stderr


def test_a_batch_says_its_errors_in_the_language_asked_for_and_writes_them_in_english() -> None:
    args = ("batch", str(ROOT / "examples/ningbo/batch.jsonl"), "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12")
    zh = _fivegood(*args, "--lang", "zh")
    assert zh.returncode == 2, zh.stderr  # every row is written; the error rows make the status 2
    assert "JSON 格式错误" in zh.stderr and "malformed JSON" not in zh.stderr
    errors = [json.loads(line)["error"] for line in zh.stdout.splitlines() if json.loads(line)["error"]]
    assert len(errors) == 2 and any("malformed JSON" in e for e in errors), errors


def test_a_plugins_own_plain_message_reads_the_same_in_both_languages() -> None:
    error = BuildError("n", "n must be a prime number")
    problem = Problem("x.toml", 4, "criterion[a].n", error.message)
    assert problem.render("zh") == problem.render("en") == "x.toml:4: criterion[a].n: n must be a prime number"
    assert BuildError("n", say("kind.at_least_one")).message.render("zh") == "应不小于 1"


def test_warnings_read_in_the_language_asked_for_and_json_keeps_english() -> None:
    from helpers import ROOT, fivegood

    sample = str(ROOT / "examples/ningbo/jiangbei-certified.toml")
    zh = fivegood("check", sample, "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "--lang", "zh")
    en = fivegood("check", sample, "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "--lang", "en")
    assert "系推定" in zh.stdout and "is assumed" not in zh.stdout
    assert "is assumed" in en.stdout and "系推定" not in en.stdout
    data = fivegood("check", sample, "-s", "ningbo/five-have-five-good", "--as-of", "2011-01-12", "--format", "json")
    import json

    assert any("is assumed" in w for w in json.loads(data.stdout)["warnings"])
