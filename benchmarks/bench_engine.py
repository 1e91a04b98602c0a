"""fivegood ``decide`` side by side with zen-engine and a hand-written function, on the same varied records.

    pip install -e ".[bench]"
    python benchmarks/bench_engine.py                 # 24,000 records per number type, 5 runs
    python benchmarks/bench_engine.py --records 50000 --runs 7

The decision is the 2013 "one establishment, five guarantees" standard
(``henan/five-guarantees@2013``, 30 checks): the three-valued verdict (pass,
fail, incomplete) and the list of failed checks. Every engine gets the same
records and makes that decision in one evaluation per record:

* **fivegood** ``Engine.decide(record, compiled, as_of)``;
* **by hand**: a straight-line Python function written for this standard
  alone (no type checks, no generality): the floor an interpreter can reach;
* **zen graph**: GoRules zen-engine's decision graph (input → one expression
  node → output) served by ``ZenEngine.evaluate(key, record)``;
* **zen expression**: zen-engine's ``compile_expression`` of one expression
  returning ``{verdict, failed}``, ``Expression.evaluate(record)``.

The zen forms are generated from the compiled standard (nulls become
"unknown", ``all`` is the maximum of its children's codes, ``any`` the
minimum), so they make the same three-valued decision.

The records (pass, fail and incomplete mixed, values at and around every
threshold) come in three number types, timed separately: area and money as
``int``, as ``Decimal`` (what JSON with ``parse_float=Decimal`` and
spreadsheets give), and as ``float``. zen-engine cannot take a ``Decimal`` in a
Python dict, so for the Decimal set it gets each record as JSON text (numbers
written exactly, encoded before timing): its idiomatic exact-decimal input.

Before timing, every engine's verdict and failed list are compared on every
record; any disagreement stops the benchmark. Each run times one pass of every
engine over all records, engines interleaved so that a noisy neighbour slows
all of them alike; the report gives the median over runs, the spread
(min–max), and ratios computed run by run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from fivegood_core import Engine
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.tree import Node
from fivegood_core.kinds.contract import Check, Group
from fivegood_core.kinds.groups import AnyOf
from fivegood_core.kinds.leaves import Flag, Threshold

ON = dt.date(2014, 1, 1)
STANDARD = "henan/five-guarantees@2013"

# --- records ---------------------------------------------------------------------------------------

#: key: (threshold, kind) for the 2013 standard's numeric checks; "number" keys may be decimals.
NUMBERS = {
    "staff.establishment_posts": (3, "count"),
    "staff.headcount": (5, "count"),
    "finance.working_funds": (60000, "number"),
    "finance.investment_funds": (200000, "number"),
    "office.area_m2": (60, "number"),
    "equipment.fax": (1, "count"),
    "equipment.phones": (2, "count"),
    "equipment.copiers": (1, "count"),
    "equipment.computers": (3, "count"),
    "equipment.printers": (1, "count"),
    "equipment.vehicles": (1, "count"),
    "activities.standing_committee": (2, "count"),
    "activities.executive_committee": (1, "count"),
    "activities.theory_study": (2, "count"),
    "activities.publicity": (2, "count"),
    "activities.training": (1, "count"),
    "activities.research": (1, "count"),
    "activities.participation": (2, "count"),
    "activities.welfare": (1, "count"),
    "activities.chamber_exchange": (1, "count"),
    "activities.investment_trade": (1, "count"),
    "activities.villages": (1, "count"),
}
FLAGS = [
    "party_group.established",
    "party_group.complete",
    "party_group.rules",
    "staff.civil_servant_scope",
    "finance.independent_account",
    "finance.in_budget",
    "office.independent",
]


def base_records(n: int, seed: int = 2013) -> list[dict[str, Any]]:
    """``n`` records as flat ``{key: value}`` with numbers in hundredths (exact), to be typed per variant.

    About a third pass, a third fail (one to three checks short, some by a
    hundredth), a third are incomplete (one or two keys missing), and some
    both fail and miss keys. Values sit at, just under and above thresholds.
    """
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        shape = rnd.random()
        flat: dict[str, Any] = {}
        for key, (limit, kind) in NUMBERS.items():
            if kind == "count":
                flat[key] = limit + rnd.choice((0, 0, 1, 2, 5))
            else:
                flat[key] = ("cents", limit * 100 + rnd.choice((0, 0, 1, 99, 12345, 100 * limit)))
        for key in FLAGS:
            flat[key] = True
        flat["attest.party-group-functioning"] = True
        flat["party_group.secretary_is_ufwd_deputy"] = rnd.random() < 0.7  # advisory: never decides
        keys = list(NUMBERS) + FLAGS + ["attest.party-group-functioning"]
        if shape < 0.33:
            pass
        elif shape < 0.66 or shape > 0.9:
            for key in rnd.sample(keys, rnd.randint(1, 3)):
                if key in NUMBERS:
                    limit, kind = NUMBERS[key]
                    flat[key] = (
                        limit - rnd.randint(1, limit) if kind == "count" else ("cents", limit * 100 - rnd.choice((1, 50, 100, limit * 50)))
                    )
                else:
                    flat[key] = False
        if shape >= 0.66:
            for key in rnd.sample(keys, rnd.randint(1, 2)):
                flat.pop(key, None)
        if rnd.random() < 0.05:  # sometimes one of the any-of pair alone fails: staffing still passes
            flat["staff.establishment_posts"] = 0
        flat["subject.id"] = f"county-{i}"
        out.append(flat)
    return out


def typed(flat: dict[str, Any], number: str) -> dict[str, Any]:
    """The nested record, with hundredths made ``int`` (whole units, rounded down), ``Decimal`` or ``float``."""
    doc: dict[str, Any] = {"subject": {"kind": "county_federation", "year": 2013}}
    for key, value in flat.items():
        if isinstance(value, tuple):
            cents = value[1]
            value = cents // 100 if number == "int" else Decimal(cents).scaleb(-2) if number == "Decimal" else cents / 100
        section, _, name = key.partition(".")
        doc.setdefault(section, {})[name] = value
    return doc


def as_json(value: Any) -> str:
    """JSON text with every Decimal written exactly, as a number (``json`` alone would refuse it)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {as_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)


# --- the hand-written function ---------------------------------------------------------------------


def by_hand(ev: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The 2013 five guarantees written out by hand, for this standard alone: verdict and failed checks.

    No type checks and no generality: the floor plain Python reaches. Codes: 1 pass,
    2 unknown, 4 fail; an ``all`` fails if a part fails, the ``any`` pair only if both do.
    """
    pg = ev.get("party_group") or _EMPTY
    st = ev.get("staff") or _EMPTY
    fi = ev.get("finance") or _EMPTY
    of = ev.get("office") or _EMPTY
    eq = ev.get("equipment") or _EMPTY
    ac = ev.get("activities") or _EMPTY
    at = ev.get("attest") or _EMPTY
    v = pg.get("established")
    e1 = 2 if v is None else 1 if v is True else 4
    v = pg.get("complete")
    e2 = 2 if v is None else 1 if v is True else 4
    v = pg.get("rules")
    e3 = 2 if v is None else 1 if v is True else 4
    v = at.get("party-group-functioning")
    e4 = 2 if v is None else 1 if v is True else 4
    v = st.get("establishment_posts")
    s1 = 2 if v is None else 1 if v >= 3 else 4
    v = st.get("headcount")
    s2 = 2 if v is None else 1 if v >= 5 else 4
    v = st.get("civil_servant_scope")
    s3 = 2 if v is None else 1 if v is True else 4
    v = fi.get("independent_account")
    f1 = 2 if v is None else 1 if v is True else 4
    v = fi.get("working_funds")
    f2 = 2 if v is None else 1 if v >= 60000 else 4
    v = fi.get("investment_funds")
    f3 = 2 if v is None else 1 if v >= 200000 else 4
    v = fi.get("in_budget")
    f4 = 2 if v is None else 1 if v is True else 4
    v = of.get("independent")
    o1 = 2 if v is None else 1 if v is True else 4
    v = of.get("area_m2")
    p = 2 if v is None else 1 if v >= 60 else 4
    v = eq.get("fax")
    q0 = 2 if v is None else 1 if v >= 1 else 4
    v = eq.get("phones")
    q1 = 2 if v is None else 1 if v >= 2 else 4
    v = eq.get("copiers")
    q2 = 2 if v is None else 1 if v >= 1 else 4
    v = eq.get("computers")
    q3 = 2 if v is None else 1 if v >= 3 else 4
    v = eq.get("printers")
    q4 = 2 if v is None else 1 if v >= 1 else 4
    v = eq.get("vehicles")
    q5 = 2 if v is None else 1 if v >= 1 else 4
    v = ac.get("standing_committee")
    a0 = 2 if v is None else 1 if v >= 2 else 4
    v = ac.get("executive_committee")
    a1 = 2 if v is None else 1 if v >= 1 else 4
    v = ac.get("theory_study")
    a2 = 2 if v is None else 1 if v >= 2 else 4
    v = ac.get("publicity")
    a3 = 2 if v is None else 1 if v >= 2 else 4
    v = ac.get("training")
    a4 = 2 if v is None else 1 if v >= 1 else 4
    v = ac.get("research")
    a5 = 2 if v is None else 1 if v >= 1 else 4
    v = ac.get("participation")
    a6 = 2 if v is None else 1 if v >= 2 else 4
    v = ac.get("welfare")
    a7 = 2 if v is None else 1 if v >= 1 else 4
    v = ac.get("chamber_exchange")
    a8 = 2 if v is None else 1 if v >= 1 else 4
    v = ac.get("investment_trade")
    a9 = 2 if v is None else 1 if v >= 1 else 4
    v = ac.get("villages")
    a10 = 2 if v is None else 1 if v >= 1 else 4
    sn = 1 if s1 == 1 or s2 == 1 else 2 if s1 == 2 or s2 == 2 else 4
    m = (
        e1
        | e2
        | e3
        | e4
        | sn
        | s3
        | f1
        | f2
        | f3
        | f4
        | o1
        | p
        | q0
        | q1
        | q2
        | q3
        | q4
        | q5
        | a0
        | a1
        | a2
        | a3
        | a4
        | a5
        | a6
        | a7
        | a8
        | a9
        | a10
    )
    if not m & 4:
        return ("incomplete" if m & 2 else "pass"), ()
    failed = [
        n
        for n, v in (
            ("party-group-established", e1),
            ("party-group-complete", e2),
            ("party-group-rules", e3),
            ("party-group-functioning", e4),
        )
        if v == 4
    ]
    if sn == 4:
        failed += ["staffing-posts", "staffing-headcount"]
    if s3 == 4:
        failed.append("staffing-civil-service")
    failed += [
        n
        for n, v in (
            ("funds-account", f1),
            ("funds-working", f2),
            ("funds-investment", f3),
            ("funds-budget", f4),
            ("office-independent", o1),
            ("premises", p),
        )
        if v == 4
    ]
    failed += [n for n, v in zip(EQUIPMENT, (q0, q1, q2, q3, q4, q5)) if v == 4]
    failed += [n for n, v in zip(ACTIVITIES, (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10)) if v == 4]
    return "fail", tuple(failed)


_EMPTY: dict[str, Any] = {}


EQUIPMENT = ("equipment-fax", "equipment-phones", "equipment-copiers", "equipment-computers", "equipment-printers", "equipment-vehicles")
ACTIVITIES = (
    "activities-standing-committee",
    "activities-executive-committee",
    "activities-theory-study",
    "activities-publicity",
    "activities-training",
    "activities-research",
    "activities-participation",
    "activities-welfare",
    "activities-chamber-exchange",
    "activities-investment-trade",
    "activities-villages",
)

# --- zen-engine forms of the same decision, generated from the compiled standard -------------------


def _zen_key(key: str) -> str:
    section, _, name = key.partition(".")
    return f"{section}['{name}']"


def _decides(node: Node) -> bool:
    return node.defn.kind != "advisory"


def zen_code(node: Node, ref: Callable[[Node], str] | None = None) -> str:
    """A zen expression for the node's code: 1 pass, 2 unknown, 4 fail. ``ref`` names a child already computed."""
    check = node.check
    if isinstance(check, Threshold) and check.key:
        v = _zen_key(check.key)
        return f"({v} == null ? 2 : ({v} {check.op} {check.limit} ? 1 : 4))"
    if isinstance(check, Flag):
        v = _zen_key(check.key)
        return f"({v} == null ? 2 : ({v} == {'true' if check.expect else 'false'} ? 1 : 4))"
    if isinstance(check, Group) and node.defn.kind in ("all", "any"):
        kids = [ref(c) if ref else zen_code(c) for c in node.children if _decides(c)]
        return f"{'min' if isinstance(check, AnyOf) else 'max'}([{', '.join(kids)}])"
    raise TypeError(f"no zen form for {node.defn.kind}")


def _failed_paths(compiled: CompiledStandard) -> list[tuple[Node, list[Node]]]:
    """Each deciding check with the ``any`` groups above it: failed when it and every such group fail."""
    out: list[tuple[Node, list[Node]]] = []

    def walk(node: Node, anys: list[Node]) -> None:
        if not _decides(node):
            return
        if isinstance(node.check, Check):
            out.append((node, anys))
            return
        below = anys + [node] if isinstance(node.check, AnyOf) else anys
        for c in node.children:
            walk(c, below)

    for root in compiled.roots:
        walk(root, [])
    return out


def zen_expression(compiled: CompiledStandard) -> str:
    """One expression returning ``{verdict, failed}``: no variables, so shared parts are repeated."""
    roots = [r for r in compiled.roots if _decides(r)]
    verdict = f"max([{', '.join(zen_code(r) for r in roots)}])"
    items = []
    for leaf, anys in _failed_paths(compiled):
        cond = " and ".join(f"{zen_code(n)} == 4" for n in [leaf, *anys])
        items.append(f"({cond}) ? '{leaf.defn.id}' : null")
    failed = f"filter([{', '.join(items)}], # != null)"
    return f"{{verdict: {verdict}, failed: {verdict} == 4 ? {failed} : []}}"


def zen_graph(compiled: CompiledStandard) -> dict[str, Any]:
    """A decision graph: input → an expression node computing ``answer`` = ``{verdict, failed}`` → output.

    Of the forms tried with zen-engine 2.1.3 this is the fastest: one row per
    node chained with ``$`` references ran about a third slower.
    """
    pos = {"x": 0, "y": 0}
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": pos},
            {
                "id": "five",
                "type": "expressionNode",
                "name": "five guarantees",
                "position": pos,
                "content": {"expressions": [{"id": "1", "key": "answer", "value": zen_expression(compiled)}]},
            },
            {"id": "out", "type": "outputNode", "name": "response", "position": pos},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "five", "type": "edge"},
            {"id": "e2", "sourceId": "five", "targetId": "out", "type": "edge"},
        ],
    }


# --- timing ----------------------------------------------------------------------------------------

VERDICTS = {1: "pass", 2: "incomplete", 4: "fail"}


def machine() -> str:
    cpu = ""
    info = Path("/proc/cpuinfo")
    if info.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in info.read_text().splitlines() if line.startswith("model name")), "")
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {cpu or platform.processor() or 'unknown cpu'}; "
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.system()}"
    )


def one_pass(fn: Callable[[Any], Any], inputs: list[Any]) -> float:
    start = time.perf_counter()
    for r in inputs:
        fn(r)
    return len(inputs) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=24_000, help="records per number type (default 24,000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per engine and number type (default 5)")
    ap.add_argument("--explain", type=int, default=2_000, help="records for the explained evaluation (0: skip)")
    args = ap.parse_args(argv)
    print(f"machine: {machine()}")
    start = time.perf_counter()
    engine = Engine.from_entry_points(strict=True)
    print(f"load and compile all {len(engine.standards())} bundled standards: {(time.perf_counter() - start) * 1000:.0f} ms")
    compiled = engine.get(STANDARD, ON)
    checks = sum(1 for n in compiled.nodes if isinstance(n.check, Check))
    print(
        f"standard: {compiled.defn.ref}, {checks} checks, {len(compiled.nodes)} criteria; {args.records:,} records per number type, "
        f"{args.runs} runs"
    )

    zen: Any
    try:
        import zen
    except ImportError:
        zen = None
        print("zen-engine not installed (pip install -e '.[bench]'): comparing with the hand-written function only")

    engines: dict[str, tuple[Callable[[Any], Any], Callable[[Any], tuple[str, tuple[str, ...]]]]] = {}
    # name: (the timed call, its answer as (verdict, failed)); the timed call is exactly what the answer reads.
    engines["fivegood decide"] = (
        lambda r: engine.decide(r, compiled, ON),
        lambda r: (lambda d: (d.verdict.value, tuple(d.failed)))(engine.decide(r, compiled, ON)),
    )
    engines["by hand"] = (by_hand, by_hand)
    if zen is not None:
        # The engine with a loader is zen's serving API; ZenDecision.evaluate (create_decision) ran 8× slower here.
        zen_engine = zen.ZenEngine({"loader": {"type": "static", "content": {"five-guarantees": zen_graph(compiled)}}})
        expression = zen.compile_expression(zen_expression(compiled))

        def graph(r: Any) -> Any:
            return zen_engine.evaluate("five-guarantees", r)

        engines["zen graph"] = (
            graph,
            lambda r: (lambda o: (VERDICTS[int(o["verdict"])], tuple(o["failed"])))(graph(r)["result"]["answer"]),
        )
        engines["zen expression"] = (
            expression.evaluate,
            lambda r: (lambda o: (VERDICTS[int(o["verdict"])], tuple(o["failed"])))(expression.evaluate(r)),
        )

    flat = base_records(args.records)
    overall_ok = True
    table: dict[str, dict[str, list[float]]] = {}
    for number in ("int", "Decimal", "float"):
        records = [typed(f, number) for f in flat]
        zen_inputs = [as_json(r) for r in records] if number == "Decimal" else records
        inputs = {name: (zen_inputs if name.startswith("zen") else records) for name in engines}
        # Agreement on every record first.
        reference = [engines["fivegood decide"][1](r) for r in records]
        mix = {v: sum(1 for a in reference if a[0] == v) for v in ("pass", "fail", "incomplete")}
        for name, (_, answer) in engines.items():
            got = [answer(r) for r in inputs[name]]
            bad = [i for i, (a, b) in enumerate(zip(reference, got)) if a != b]
            if bad:
                overall_ok = False
                i = bad[0]
                print(
                    f"  DISAGREEMENT {name} on {len(bad)} {number} records, first #{i}: fivegood {reference[i]} vs {got[i]}\n    {records[i]}"
                )
        rates: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(args.runs):
            for name, (call, _) in engines.items():
                rates[name].append(one_pass(call, inputs[name]))
        table[number] = rates
        print(
            f"\n{number} evidence: {mix['pass']:,} pass, {mix['fail']:,} fail, {mix['incomplete']:,} incomplete; "
            f"all {len(engines)} engines agree on every record's verdict and failed list: {'yes' if overall_ok else 'NO'}"
        )
        print(f"  {'engine':16} {'median records/s':>17} {'spread (min–max)':>22}   fivegood ÷ engine (median, min–max of runs)")
        for name, values in rates.items():
            med = statistics.median(values)
            ratios = [a / b for a, b in zip(rates["fivegood decide"], values)]
            ratio = "" if name == "fivegood decide" else f"{statistics.median(ratios):5.2f}× ({min(ratios):.2f}–{max(ratios):.2f})"
            print(f"  {name:16} {med:17,.0f} {min(values):10,.0f}–{max(values):<11,.0f}   {ratio}")
    if args.explain:
        # The same varied records (the first --explain of them), in each number type; every criterion explained.
        print(
            f"\nfivegood evaluate (every criterion explained, {len(compiled.nodes)} criteria), {args.explain:,} records, {args.runs} runs:"
        )
        print(f"  {'evidence':9} {'evaluate: median records/s':>27} {'(min–max)':>18}   {'evaluate + to_json':>19} {'(min–max)':>18}")
        for number in ("int", "Decimal", "float"):
            sample = [typed(f, number) for f in flat[: args.explain]]
            alone: list[float] = []
            with_json: list[float] = []
            for _ in range(args.runs):
                alone.append(one_pass(lambda r: engine.evaluate(r, compiled, ON), sample))
                with_json.append(one_pass(lambda r: engine.evaluate(r, compiled, ON).to_json(), sample))
            print(
                f"  {number:9} {statistics.median(alone):27,.0f} {min(alone):8,.0f}–{max(alone):<9,.0f}   "
                f"{statistics.median(with_json):19,.0f} {min(with_json):8,.0f}–{max(with_json):<9,.0f}"
            )
    return 0 if overall_ok else 1


if __name__ == "__main__":
    sys.exit(main())
