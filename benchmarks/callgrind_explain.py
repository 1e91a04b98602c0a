"""Evaluate N varied five-guarantees records (explained), for instruction counts under callgrind.

Run once with 0 and once with N; the difference is the cost of N evaluations
(docs/performance.md, "The explained evaluation")::

    valgrind --tool=callgrind python benchmarks/callgrind_explain.py 0
    valgrind --tool=callgrind python benchmarks/callgrind_explain.py 300
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import ON, STANDARD, base_records, typed  # noqa: E402

from fivegood_core import Engine  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    engine = Engine.from_entry_points(strict=True)
    compiled = engine.get(STANDARD, ON)
    records = [typed(f, ("int", "Decimal", "float")[i % 3]) for i, f in enumerate(base_records(max(n, 1)))]
    engine.evaluate(records[0], compiled, ON)  # planned before counting
    for r in records[:n]:
        engine.evaluate(r, compiled, ON)
    return 0


if __name__ == "__main__":
    sys.exit(main())
