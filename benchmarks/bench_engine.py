"""Throughput of the engine, and of GoRules' zen-engine on the same decision, in one run.

    python benchmarks/bench_engine.py            # fivegood only
    pip install ".[bench]" && python benchmarks/bench_engine.py   # side by side with zen-engine

Measures, on one core:
* loading and compiling every bundled standard (start-up);
* ``Engine.decide`` on ``henan/five-guarantees@2013`` (30 checks): the
  three-valued verdict with the decisive failed and unknown checks;
* ``Engine.evaluate`` on the same standard: every criterion explained;
* zen-engine (if installed) on the same 30 checks generated from the same
  compiled standard: the bare verdict, and the verdict with the failed list.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable

from fivegood_core import Engine, load_evidence
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evaluation.tree import Node
from fivegood_core.kinds.contract import Check, Group
from fivegood_core.kinds.groups import AnyOf
from fivegood_core.kinds.leaves import Flag, Threshold

ROOT = Path(__file__).parent.parent
ON = dt.date(2014, 1, 1)
RECORDS = [load_evidence(ROOT / "examples" / "henan" / name) for name in ("model-county.toml", "narrow-miss.toml")]


def rate(fn: Callable[[Any], Any], records: list[Any], seconds: float = 2.0) -> float:
    """Calls per second of ``fn`` over ``records``, best of three runs of about ``seconds``/3."""
    best = 0.0
    n = len(records)
    for _ in range(3):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            for i in range(1000):
                fn(records[i % n])
            count += 1000
        best = max(best, count / (time.perf_counter() - start))
    return best


def zen_key(key: str) -> str:
    section, _, name = key.partition(".")
    return f"{section}['{name}']"


def zen_condition(node: Node) -> str:
    """The zen expression for one node of our compiled tree (two-valued, as zen has it)."""
    check = node.check
    if isinstance(check, Threshold) and check.key:
        return f"({zen_key(check.key)} != null and {zen_key(check.key)} {check.op} {check.limit})"
    if isinstance(check, Flag):
        return f"({zen_key(check.key)} == {'true' if check.expect else 'false'})"
    if isinstance(check, Group):
        joiner = " or " if isinstance(check, AnyOf) else " and "
        parts = [zen_condition(c) for c in node.children if not (isinstance(c.check, Group) and c.defn.kind == "advisory")]
        return "(" + joiner.join(parts) + ")" if parts else "true"
    raise TypeError(f"no zen form for {node.defn.kind}")


def zen_leaves(compiled: CompiledStandard) -> list[Node]:
    return [n for n in compiled.nodes if isinstance(n.check, Check) and not _under_advisory(compiled, n)]


def _under_advisory(compiled: CompiledStandard, node: Node) -> bool:
    parents = {c.defn.id: p for p in compiled.nodes for c in p.children}
    p = parents.get(node.defn.id)
    while p is not None:
        if p.defn.kind == "advisory":
            return True
        p = parents.get(p.defn.id)
    return False


def main() -> None:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), ""
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {cpu or platform.processor() or 'unknown cpu'}; "
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.system()}"
    )
    start = time.perf_counter()
    runs = 5
    for _ in range(runs):
        engine = Engine.from_entry_points(strict=True)
    load = (time.perf_counter() - start) / runs
    print(f"load and compile all {len(engine.standards())} bundled standards: {load * 1000:.1f} ms")

    compiled = engine.get("henan/five-guarantees", ON)
    # Both engines get the same records, holding just the keys the standard reads.
    wanted = {k for n in compiled.nodes for k in n.check.inputs}
    records = [{s: {k: v for k, v in t.items() if f"{s}.{k}" in wanted or s == "subject"} for s, t in r.items()} for r in RECORDS]
    checks = sum(1 for n in compiled.nodes if isinstance(n.check, Check))
    print(f"standard: {compiled.defn.ref}, {checks} checks, {len(compiled.nodes)} criteria")
    print(f"  decisions: {[str(engine.decide(r, compiled, ON)) for r in records]}")

    decide = rate(lambda r: engine.decide(r, compiled, ON), records)
    print(f"fivegood decide (verdict + failed + unknown, three-valued): {decide:,.0f} records/s")
    explain = rate(lambda r: engine.evaluate(r, compiled, ON), records, seconds=1.0)
    print(f"fivegood evaluate (every criterion explained):            {explain:,.0f} records/s")

    try:
        import zen  # type: ignore[import-not-found]
    except ImportError:
        print("zen-engine not installed: pip install '.[bench]' to compare")
        return
    verdict_expr = " and ".join(zen_condition(r) for r in compiled.roots if r.defn.kind != "advisory")
    failed_expr = "filter([" + ", ".join(f"{zen_condition(n)} ? null : '{n.defn.id}'" for n in zen_leaves(compiled)) + "], # != null)"
    verdict = zen.compile_expression(verdict_expr)
    failed = zen.compile_expression(failed_expr)
    print(f"  zen answers: {[verdict.evaluate(r) for r in records]}, {[failed.evaluate(r) for r in records]}")
    bare = rate(lambda r: verdict.evaluate(r), records)
    print(f"zen-engine bare verdict:                                   {bare:,.0f} records/s")
    with_failed = rate(lambda r: (verdict.evaluate(r), failed.evaluate(r)), records)
    print(f"zen-engine verdict + failed list:                          {with_failed:,.0f} records/s")
    print(f"fivegood decide / zen verdict + failed:                    {decide / with_failed:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
