"""Cold start: whole ``fivegood`` processes against bare ``python -c pass``, and compile time against criteria count.

    python benchmarks/bench_startup.py --runs 21

Measure an installed wheel (bytecode compiled at install), not an editable
checkout, and with bytecode writing allowed, as people run it::

    pip wheel --no-deps -w dist . && python -m venv /tmp/v && /tmp/v/bin/pip install dist/fivegood-*.whl
    env -u PYTHONDONTWRITEBYTECODE /tmp/v/bin/python benchmarks/bench_startup.py

Each round runs every command once, in turn, so that load from other work
falls on all of them alike; each figure is the median of the rounds, with the
fastest and slowest run (wall clock, and the process's own CPU time, which
other work disturbs less). The compile figures are in this process: a
generated standard of N threshold criteria in groups of ten, read, validated,
built and its fast path generated, the median of ``--compile-runs``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "henan" / "model-county.toml"


def machine() -> str:
    """The machine, as the figures should be read."""
    try:
        load = ", load average %.1f %.1f %.1f" % os.getloadavg()
    except OSError:  # pragma: no cover - not on every platform
        load = ""
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}{load}"


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {err.decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"median {statistics.median(ms):6.1f} ms  (min {ms[0]:6.1f}, max {ms[-1]:6.1f})"


def fivegood_of(python: str) -> list[str]:
    """The ``fivegood`` command of an interpreter's environment."""
    script = Path(python).with_name("fivegood")
    return [str(script)] if script.exists() else [python, "-m", "fivegood_core.cli.main"]


def processes(pythons: list[str], runs: int) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands: dict[str, list[str]] = {}
    for python in pythons:
        # With several environments (say, before and after a change), each line names its own.
        tag = f"[{Path(python).parent.parent.name}] " if len(pythons) > 1 else ""
        fivegood = fivegood_of(python)
        commands[f"{tag}python -c pass"] = [python, "-c", "pass"]
        commands[f"{tag}fivegood check (Henan sample)"] = [
            *fivegood,
            "check",
            str(SAMPLE),
            "-s",
            "henan/county-five-good",
            "--as-of",
            "2014-01-01",
        ]
        commands[f"{tag}fivegood list"] = [*fivegood, "list"]
    for cmd in commands.values():  # warm the file cache and the bytecode, untimed
        run_once(cmd, env)
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            w, c = run_once(cmd, env)
            wall[name].append(w)
            cpu[name].append(c)
    print(f"whole processes, {runs} rounds:")
    width = max(len(name) for name in commands)
    for name in commands:
        print(f"  {name:{width}} wall {spread(wall[name])}   cpu {spread(cpu[name])}")
    bare = ""
    for name in commands:
        if name.endswith("python -c pass"):
            bare = name
            continue
        extra = statistics.median(wall[name]) - statistics.median(wall[bare])
        extra_cpu = statistics.median(cpu[name]) - statistics.median(cpu[bare])
        print(f"  {name:{width}} over bare python: wall {extra * 1000:.1f} ms, cpu {extra_cpu * 1000:.1f} ms (medians)")


def generated_standard(criteria: int) -> str:
    """A standard of ``criteria`` criteria: groups of ten thresholds (one criterion per group too)."""
    lines = [
        "[standard]",
        f'id = "bench/generated-{criteria}"',
        'version = "1"',
        'title = { zh = "生成的标准", en = "Generated" }',
        'issuer = { zh = "基准", en = "Benchmark" }',
        'subject_kind = "county_federation"',
        'jurisdiction = "test"',
        "effective_from = 2000-01-01",
    ]
    groups = max(1, criteria // 11)
    made = 0
    for g in range(groups):
        lines += ["", "[[criterion]]", f'id = "g{g}"', 'kind = "all"', f'title = {{ zh = "组{g}", en = "Group {g}" }}']
        made += 1
    i = 0
    while made < criteria:
        key = ("equipment.computers", "equipment.printers")[i % 2]
        op = (">=", "<=")[i % 2]
        lines += [
            "",
            "[[criterion]]",
            f'id = "c{i}"',
            f'parent = "g{i % groups}"',
            'kind = "threshold"',
            f'key = "{key}"',
            f'op = "{op}"',
            f"value = {i % 50}",
            f'title = {{ zh = "条件{i}", en = "Condition {i}" }}',
        ]
        made += 1
        i += 1
    return "\n".join(lines) + "\n"


def compile_times(sizes: list[int], runs: int) -> None:
    from fivegood_core import Engine
    from fivegood_core.evaluation.compiled import compile_standard
    from fivegood_core.reading.loader import load_standard

    engine = Engine.from_entry_points(strict=True)
    toolkit = engine.toolkit
    on = dt.date(2014, 1, 1)
    print(f"compiling a generated standard (read, validate, build, generate the fast path), median of {runs}:")
    per: list[float] = []
    for n in sizes:
        text = generated_standard(n)

        def once(text: str = text) -> float:
            start = time.perf_counter()
            compiled = compile_standard(load_standard(text, "<generated>", toolkit), toolkit)
            compiled.decide({"equipment": {"computers": 5, "printers": 2}}, on)
            return time.perf_counter() - start

        times = [once() for _ in range(runs)]
        median = statistics.median(times)
        per.append(median / n)
        print(f"  {n:6,} criteria: {spread(times)}   {median / n * 1e6:6.1f} µs a criterion")
    if len(per) > 1:
        print(f"  per-criterion cost, largest / smallest size: {per[-1] / per[0]:.2f} (1.00 is linear)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--runs", type=int, default=21, help="rounds of whole processes (default 21; 0: none)")
    ap.add_argument("--compile-runs", type=int, default=5, help="timed compiles per size (default 5)")
    ap.add_argument("--sizes", default="1000,5000", help="criteria counts to compile (default 1000,5000)")
    ap.add_argument(
        "--python",
        action="append",
        default=None,
        help="an interpreter whose fivegood is measured (default: this one); repeat it to compare environments in the same rounds",
    )
    args = ap.parse_args(argv)
    pythons = args.python or [sys.executable]
    print(f"machine: {machine()}")
    for python in pythons:
        print(f"fivegood: {' '.join(fivegood_of(python))}")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set here; the processes measured run without it")
    if args.runs > 0:
        processes(pythons, args.runs)
    if args.compile_runs > 0:
        compile_times([int(s) for s in args.sizes.split(",") if s.strip()], args.compile_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
