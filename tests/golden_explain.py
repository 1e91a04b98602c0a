"""Golden outputs of the explained evaluation, to hold it to exactly what it gave before it was optimised.

``python tests/golden_explain.py`` writes ``tests/fixtures/explain/``: for every
bundled example, the result's JSON and its text, Markdown and HTML renderings
in both languages; and, for a large set of varied records derived from the
examples (values at, under and over every threshold as int, Decimal and float;
keys dropped; flags flipped; year tables changed; waivers), the SHA-256 of
each record's ``Result.dumps()`` (or of its error) plus the full JSON of the
first few. ``tests/test_explain_golden.py`` compares the engine with them.
The files were generated with the engine *before* the explained evaluation was
made lazy (branch ``explainperf``); regenerate them only for a deliberate
change of output.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from fivegood_core import Engine
from fivegood_core.errors import FivegoodError
from fivegood_core.evidence.document import load_evidence
from fivegood_core.kinds.leaves import Threshold
from fivegood_core.model.results import Result
from fivegood_core.render.report import render_html, render_markdown, render_text

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "fixtures" / "explain"

#: (standard, as-of date, example files); every example evaluated against its standard.
CASES = (
    ("henan/five-guarantees@2013", dt.date(2014, 1, 1), ("henan/model-county.toml", "henan/narrow-miss.toml", "henan/xinzheng.toml")),
    ("henan/county-five-good@2013", dt.date(2014, 1, 1), ("henan/model-county.toml", "henan/narrow-miss.toml", "henan/xinzheng.toml")),
    (
        "ningbo/five-have-five-good@2010",
        dt.date(2010, 12, 1),
        ("ningbo/jiangbei-certified.toml", "ningbo/jiangbei-failed.toml", "ningbo/haishu-certified.toml", "ningbo/yinzhou-certified.toml"),
    ),
    ("sample/office@2024", dt.date(2024, 6, 1), ("sample/county.toml",)),
    ("sample/office@2020", dt.date(2021, 6, 1), ("sample/county.toml",)),
)
#: Varied records per (standard, example).
VARIED = 150
FULL = 1


def example(path: str) -> dict[str, Any]:
    return load_evidence(ROOT / "examples" / path)  # type: ignore[no-any-return]


def keys_of(engine: Engine, ref: str, on: dt.date) -> tuple[list[str], dict[str, list[Decimal]]]:
    """Every key the standard (and the standards it requires) reads, and the limits each is compared with."""
    compiled = engine.get(ref, on)
    keys: list[str] = []
    limits: dict[str, list[Decimal]] = {}
    todo, seen = [compiled], set()
    while todo:
        c = todo.pop()
        if c.defn.ref in seen:
            continue
        seen.add(c.defn.ref)
        for n in c.nodes:
            for check in (n.check, getattr(n.check, "condition", None)):
                if check is None:
                    continue
                keys.extend(check.inputs)
                if isinstance(check, Threshold) and check.key is not None:
                    limits.setdefault(check.key, []).append(Decimal(check.limit))
                ref_ = getattr(check, "ref", None)
                if isinstance(ref_, str):
                    todo.append(engine.get(ref_, c.required_on(on)))
    return list(dict.fromkeys(k for k in keys if not k.startswith("subject."))), limits


def _set(doc: dict[str, Any], key: str, value: Any) -> None:
    section, _, rest = key.partition(".")
    doc.setdefault(section, {})[rest] = value


def _drop(doc: dict[str, Any], key: str) -> None:
    section, _, rest = key.partition(".")
    if isinstance(doc.get(section), dict):
        doc[section].pop(rest, None)


def _number(rnd: random.Random, base: Decimal) -> Any:
    kind = rnd.choice(("int", "int", "Decimal", "float"))
    if kind == "int":
        return int(base)
    if kind == "Decimal":
        return base
    return float(base)


def varied(
    engine: Engine, ref: str, on: dt.date, base: dict[str, Any], n: int, seed: int
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """``n`` records derived from ``base``, each with the waivers to apply."""
    rnd = random.Random(seed)
    compiled = engine.get(ref, on)
    keys, limits = keys_of(engine, ref, on)
    vocab = compiled.vocabulary
    ids = [node.defn.id for node in compiled.nodes]
    for _ in range(n):
        doc = copy.deepcopy(base)
        for key in rnd.sample(keys, rnd.randint(0, min(len(keys), 6))):
            entry = vocab.get(key)
            kind = entry.type.name if entry is not None else "flag"
            what = rnd.random()
            if what < 0.25:
                _drop(doc, key)
            elif kind == "flag":
                _set(doc, key, rnd.random() < 0.5)
            elif kind in ("count", "amount", "area", "number", "rate"):
                limit = rnd.choice(limits.get(key, [Decimal(rnd.randint(0, 100))]))
                step = Decimal(1) if kind == "count" else rnd.choice((Decimal("0.01"), Decimal("0.5"), Decimal(1), Decimal("0.001")))
                value = max(Decimal(0), limit + rnd.choice((-step, 0, step, 10 * step, -limit)))
                _set(doc, key, int(value) if kind == "count" and rnd.random() < 0.9 else _number(rnd, value))
            elif kind == "by_year":
                table = dict(doc.get(key.partition(".")[0], {}).get(key.partition(".")[2]) or {"2010": 100, "2013": 120})
                for y in list(table)[: rnd.randint(0, len(table))]:
                    table[y] = rnd.choice((0, 1, 100, 119, 121, 1000, int(table[y]) + rnd.randint(-20, 20) if int(table[y]) > 20 else 5))
                if rnd.random() < 0.2 and table:
                    table.pop(rnd.choice(list(table)))
                _set(doc, key, table)
            elif kind == "names":
                _set(doc, key, rnd.sample(["红枣", "食品", "纺织", "建材", "物流"], rnd.randint(0, 3)))
            else:
                _drop(doc, key)
        if rnd.random() < 0.03:
            _set(doc, rnd.choice(keys), "not a value")  # an error, reported the same way
        waive = {}
        if rnd.random() < 0.15:
            for cid in rnd.sample(ids, rnd.randint(1, 2)):
                waive[cid] = rnd.choice(("省里同意", "agreed by the province"))
        yield doc, waive


def outcome(engine: Engine, doc: Any, ref: str, on: dt.date, waive: dict[str, str]) -> tuple[str, Result | None]:
    try:
        result = engine.evaluate(doc, ref, on, waive=waive or None)
    except FivegoodError as exc:
        return f"error: {type(exc).__name__}: {exc}", None
    return result.dumps(), result


def renderings(result: Result) -> dict[str, str]:
    out = {}
    for lang in ("en", "zh"):
        out[f"text.{lang}"] = render_text(result, lang)
        out[f"markdown.{lang}"] = render_markdown(result, lang)
        out[f"html.{lang}"] = render_html(result, lang)
    return out


def golden(engine: Engine) -> dict[str, Any]:
    """Everything the fixtures hold, computed with ``engine``."""
    # The versions a result records change with every commit; the fixtures hold a fixed one.
    for defn in engine.standards():
        compiled = engine.get(f"{defn.id}@{defn.version}", defn.effective_from)
        compiled.engine_info = dict.fromkeys(compiled.engine_info, "0.0.0")
    examples: dict[str, Any] = {}
    digests: dict[str, list[str]] = {}
    full: dict[str, str] = {}
    for ref, on, files in CASES:
        for f in files:
            name = f"{ref} {f}"
            text, result = outcome(engine, example(f), ref, on, {})
            examples[name] = {"json": text, **(renderings(result) if result is not None else {})}
            seed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
            rows = []
            for i, (doc, waive) in enumerate(varied(engine, ref, on, example(f), VARIED, seed)):
                text, result = outcome(engine, doc, ref, on, waive)
                rows.append(hashlib.sha256(text.encode()).hexdigest())
                if i < FULL:
                    full[f"{name} #{i}"] = text
                if result is not None and i % 25 == 0:
                    for kind, rendered in renderings(result).items():
                        rows.append(kind + ":" + hashlib.sha256(rendered.encode()).hexdigest())
            digests[name] = rows
    return {"examples": examples, "digests": digests, "full": full}


def main() -> int:
    engine = Engine.from_entry_points(strict=True)
    data = golden(engine)
    OUT.mkdir(parents=True, exist_ok=True)
    for part, value in data.items():
        (OUT / f"{part}.json").write_text(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {sum(len(v) for v in data['digests'].values())} digests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
