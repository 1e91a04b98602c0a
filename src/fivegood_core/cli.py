"""The ``fivegood`` command line.

Exit status (SPEC section 5): 0 pass, 1 fail, 3 incomplete, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Sequence

from .engine import Engine
from .errors import FivegoodError
from .report import render_text
from .verdict import Overall

EXIT = {Overall.PASS: 0, Overall.FAIL: 1, Overall.INCOMPLETE: 3}
EXIT_BAD_INPUT = 2


def _default_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2014-01-01, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fivegood", description="Check evidence against certification standards defined as code.")
    sub = p.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check one organisation's evidence against a standard")
    check.add_argument("evidence", help="evidence file (.toml or .json)")
    check.add_argument("--standard", "-s", required=True, help="ID or ID@VERSION")
    check.add_argument("--as-of", type=_date, default=None, help="date that selects the version in force (default: today)")
    check.add_argument("--format", "-f", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=("zh", "en"), default=None, help="language of the text report (default: from the locale)")
    check.add_argument("--output", "-o", default=None, help="write the report to this file instead of standard output")

    sub.add_parser("list", help="list installed standards and their versions")

    test = sub.add_parser("test", help="run example cases (*.cases.toml): the installed plugins' or the files given")
    test.add_argument("cases", nargs="*", help="cases files (default: every bundled one)")

    docs = sub.add_parser("docs", help="write a Markdown page per installed standard, and the vocabulary reference")
    docs.add_argument("directory", help="docs folder: pages go to DIRECTORY/standards/, the vocabulary to DIRECTORY/vocabulary.md")
    docs.add_argument("--jurisdiction", action="append", default=None, help="only standards of this jurisdiction (repeatable)")
    return p


def _engine() -> Engine:
    engine = Engine.from_entry_points()
    for error in engine.errors:
        print(f"fivegood: warning: {error}", file=sys.stderr)
    return engine


def _check(args: argparse.Namespace) -> int:
    engine = _engine()
    as_of = args.as_of or dt.date.today()
    result = engine.evaluate(args.evidence, args.standard, as_of)
    if args.format == "json":
        text = result.dumps() + "\n"
    else:
        colour = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_text(result, args.lang or _default_lang(), colour)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT[result.verdict]


def _list(args: argparse.Namespace) -> int:
    engine = _engine()
    for s in engine.standards():
        until = s.effective_until or "…"
        print(f"{s.ref:40} {s.effective_from} – {until}  {s.jurisdiction:10} {s.provider or '-':10} {s.title.zh} / {s.title.en}")
    return 0


def _test(args: argparse.Namespace) -> int:
    from .cases import load_cases, run_case

    engine = _engine()
    files = [Path(f) for f in args.cases] or [Path(f) for f in engine.case_files]
    passed = failed = 0
    for path in files:
        for case in load_cases(path):
            mismatches = run_case(engine, case)
            if mismatches:
                failed += 1
                print(f"✘ {path.name}: {case.name}")
                for m in mismatches:
                    print(f"    {m.what}: expected {m.expected}, got {m.actual}")
            else:
                passed += 1
                print(f"✔ {path.name}: {case.name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _docs(args: argparse.Namespace) -> int:
    from .docgen import write_docs

    engine = _engine()
    for path in write_docs(engine, Path(args.directory), args.jurisdiction):
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return {"check": _check, "list": _list, "test": _test, "docs": _docs}[args.command](args)
    except FivegoodError as exc:
        for line in str(exc).splitlines():
            print(f"fivegood: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"fivegood: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
