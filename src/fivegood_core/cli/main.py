"""The ``fivegood`` command line.

Exit status (docs/concepts.md, "Exit statuses"): 0 pass, 1 fail, 3 incomplete, 2 bad usage or bad input.
Commands that do not judge one organisation exit 0 on success, 1 when what
they check has failures (``test``, ``validate``), 2 on bad usage or input.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from fivegood_core.cli.output import destination, refuse_overwriting, stdout, write_bytes
from fivegood_core.engine import Engine
from fivegood_core.errors import FivegoodError
from fivegood_core.model.divisions import place_label
from fivegood_core.model.verdict import Overall
from fivegood_core.words.catalogue import render, say, shown, word

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
        raise argparse.ArgumentTypeError(str(say("cli.bad_date", got=shown(text)))) from None


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(str(say("cli.bad_jobs", got=shown(text))))
    return int(text)


class _Version(argparse.Action):
    """``--version``: the installed version, read from the distribution's metadata only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from fivegood_core.version import installed_version

        print(f"fivegood {installed_version()}")  # on standard output, as argparse's own version action
        parser.exit()


def _columns() -> int:
    """The terminal's width, as :func:`shutil.get_terminal_size` finds it (``COLUMNS``, else the terminal, else 80)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):  # no standard output, or not a terminal
        return 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, sized as argparse sizes it, without importing :mod:`shutil` to do so.

    argparse makes a formatter for every argument added (to check its
    metavar), and the formatter imports ``shutil`` (and with it ``bz2`` and
    ``lzma``) for the terminal's width: a couple of milliseconds of every start.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None, **kwargs: Any) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width, **kwargs)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help is formatted by :class:`_Formatter`; its commands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


#: The ``register`` command's line in ``fivegood --help`` (its own parser says the same).
REGISTER_HELP = "the certification register: nominate, submit, assess, certify, pay, audit"


def _dated(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--as-of", type=_date, default=None, help="date that selects the version in force (default: today)")


def _check_args(check: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    check.add_argument("evidence", help="evidence file (.toml or .json), or - for standard input")
    check.add_argument("--standard", "-s", required=True, help="ID or ID@VERSION")
    _dated(check)
    check.add_argument(
        "--format", "-f", choices=("text", "json", "markdown", "html", "junit"), default="text", help="report format (default: text)"
    )
    check.add_argument("--output", "-o", default=None, help="write the report to this file instead of standard output")


def _no_args(cmd: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    pass


def _new_plugin_args(new: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    new.add_argument("name", help="jurisdiction name, e.g. xinzheng (the package is fivegood-NAME)")
    new.add_argument("--standard", default="example", help="name of the first standard (its id is NAME/STANDARD)")
    new.add_argument("--directory", "-d", default=".", help="where to create the package folder")


def _show_args(show: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    show.add_argument("standard", help="ID or ID@VERSION")
    _dated(show)


def _template_args(template: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    template.add_argument("--standard", "-s", required=True, help="ID or ID@VERSION")
    _dated(template)
    template.add_argument(
        "--format",
        "-f",
        choices=("toml", "xlsx"),
        default=None,
        help="toml (an evidence file) or xlsx (a workbook, one organisation per row); default: xlsx for an --output ending .xlsx, else toml",
    )
    template.add_argument("--output", "-o", default=None, help="write the template to this file instead of standard output")
    template.add_argument("--force", action="store_true", help="replace an existing --output file (it may hold filled-in evidence)")


def _batch_args(batch: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    batch.add_argument("input", help="a .jsonl, .csv, .parquet or .xlsx file (Parquet needs fivegood[distributed], xlsx fivegood[xlsx])")
    batch.add_argument("--standard", "-s", required=True, help="ID or ID@VERSION")
    _dated(batch)
    batch.add_argument(
        "--format",
        "-f",
        choices=("jsonl", "csv", "xlsx"),
        default="jsonl",
        help="format of the rows written (xlsx: rows and a summary sheet)",
    )
    batch.add_argument("--output", "-o", default=None, help="write rows here (default: standard output)")
    batch.add_argument("--summary", default=None, help="also write the summary as JSON to this file")
    batch.add_argument("--report", default=None, help="also write an HTML dashboard to this file")
    batch.add_argument("--jobs", "-j", type=_jobs, default=1, help="worker processes (default 1)")
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on the Dask cluster whose scheduler is at ADDRESS, e.g. tcp://10.0.0.5:8786 (needs fivegood[distributed])",
    )


def _schema_args(schema: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    schemas = schema.add_subparsers(dest="schema", required=True)
    evidence = schemas.add_parser("evidence", parents=[common], help="the JSON evidence document of a standard version")
    evidence.add_argument("--standard", "-s", required=True, help="ID or ID@VERSION")
    _dated(evidence)
    result = schemas.add_parser("result", parents=[common], help="the JSON result (fivegood check --format json)")
    batch_row = schemas.add_parser("batch-row", parents=[common], help="one row of fivegood batch --format jsonl")
    for cmd in (evidence, result, batch_row):
        cmd.add_argument("--output", "-o", default=None, help="write the schema to this file instead of standard output")


def _diff_args(diff: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    diff.add_argument("old", help="ID@VERSION")
    diff.add_argument("new", help="ID@VERSION")


def _validate_args(validate: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    validate.add_argument("files", nargs="+", help="standard TOML files (example-case files among them are passed over)")


def _test_args(test: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    test.add_argument("cases", nargs="*", help="cases files (default: every bundled one)")


def _docs_args(docs: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    docs.add_argument("directory", help="docs folder: pages go to DIRECTORY/standards/, the vocabulary to DIRECTORY/vocabulary.md")
    docs.add_argument("--jurisdiction", action="append", default=None, help="only standards of this jurisdiction (repeatable)")


def _serve_args(serve: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    serve.add_argument("--db", default=None, metavar="URL", help="the register (as for `fivegood register`; created if missing)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    serve.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (behind HTTPS)")
    serve.add_argument("--log-evidence", action="store_true", help="log query strings too (never by default)")


#: Each command: its line in ``fivegood --help`` and what adds its own arguments, in the order of the help.
SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser, argparse.ArgumentParser], None]]] = {
    "check": ("check one organisation's evidence against a standard", _check_args),
    "list": ("list installed standards, their versions, dates and plugins", _no_args),
    "plugins": ("list plugins: version, hooks implemented, standards provided", _no_args),
    "new-plugin": ("scaffold an installable jurisdiction plugin that passes its own tests", _new_plugin_args),
    "show": ("show a standard's criteria with citations, thresholds and interpretations", _show_args),
    "template": ("write an evidence file to fill in for a standard", _template_args),
    "batch": ("check many organisations: JSON Lines, CSV, Parquet or xlsx in, one result per record out", _batch_args),
    "schema": ("write a JSON Schema: a standard's evidence, a result, a batch row", _schema_args),
    "diff": ("criteria added, removed and changed between two versions", _diff_args),
    "validate": ("check standard files for authors, listing every problem", _validate_args),
    "test": ("run example cases (*.cases.toml): the installed plugins' or the files given", _test_args),
    "docs": ("write a Markdown page per installed standard, and the vocabulary reference", _docs_args),
    "serve": ("start the web service: the JSON API, its OpenAPI document and the staff pages", _serve_args),
}


def _parser(argv: Sequence[str] | None = None, *, every: bool = False) -> argparse.ArgumentParser:
    """The command line's parser; only the commands named in ``argv`` (or all, with ``every``) get their own arguments.

    argparse matches command names exactly, so a command line without a
    command's name cannot select it: its parser need only be listed, with its
    help line, for ``fivegood --help`` and argparse's "invalid choice" message.
    Building every command's arguments (each argument asks gettext for its
    words and sizes the terminal) took several milliseconds of every start.
    """
    p = _Parser(prog="fivegood", description="Check evidence against certification standards defined as code.")
    p.add_argument("--version", action=_Version, help="show the installed version and exit")
    # Accepted before the command too (`fivegood --lang zh list`); after it, the command's own --lang wins.
    p.add_argument(
        "--lang", dest="global_lang", choices=("zh", "en"), default=None, help="language of reports and messages (default: from the locale)"
    )
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=("zh", "en"), default=None, help="language of reports and messages (default: from the locale)")
    sub = p.add_subparsers(dest="command", required=True)
    words = set(sys.argv[1:] if argv is None else argv)
    for name, (line, add_arguments) in SUBCOMMANDS.items():
        if every or name in words:
            add_arguments(sub.add_parser(name, parents=[common], help=line), common)
        else:
            sub.add_parser(name, help=line, add_help=False)
    if every or "register" in words:
        from fivegood_core.register import cli as register_cli

        register_cli.add_parser(sub, common)  # `fivegood register …` (the certification register, issue 12)
    else:
        # Its fourteen subcommands are built only when they may be used, as above.
        sub.add_parser("register", help=REGISTER_HELP, add_help=False)
    return p


def _engine(lang: str) -> Engine:
    # FIVEGOOD_PLUGINS=henan,ningbo loads only those plugins; FIVEGOOD_TRACE=1 traces every hook call.
    only = os.environ.get("FIVEGOOD_PLUGINS")
    trace = sys.stderr.write if os.environ.get("FIVEGOOD_TRACE") else None
    engine = Engine.from_entry_points(only=[p.strip() for p in only.split(",") if p.strip()] if only else None, trace=trace)
    for error in engine.error_messages:
        print(f"fivegood: {word('word.warning', lang)}: {error.render(lang)}", file=sys.stderr)
    return engine


def _write(text: str, output: str | None) -> None:
    with destination(output) as out:
        out.write(text)


def _check(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.render.report import render_html, render_junit, render_markdown, render_text

    refuse_overwriting([args.output], [args.evidence])
    engine = _engine(lang)
    result = engine.evaluate(args.evidence, args.standard, args.as_of or dt.date.today())
    for warning in result.warnings:
        # Also on stderr, where a misspelt key is seen even when the report goes to a file or is long.
        print(f"fivegood: {word('word.warning', lang)}: {render(warning, lang)}", file=sys.stderr)
    if args.format == "json":
        text = result.dumps() + "\n"
    elif args.format == "markdown":
        text = render_markdown(result, lang)
    elif args.format == "html":
        text = render_html(result, lang)
    elif args.format == "junit":
        text = render_junit(result, lang)
    else:
        colour = args.output is None and stdout().isatty() and "NO_COLOR" not in os.environ
        text = render_text(result, lang, colour)
    _write(text, args.output)
    return EXIT[result.verdict]


def _list(args: argparse.Namespace, lang: str) -> int:
    engine = _engine(lang)
    for s in engine.standards():
        until = s.effective_until or "…"
        print(f"{s.ref:40} {s.effective_from} – {until!s:10}  {s.jurisdiction:10} {s.provider or '-':10} {s.title.get(lang)}")
    return 0


def _plugins(args: argparse.Namespace, lang: str) -> int:
    engine = _engine(lang)
    for info in engine.plugins:
        provided = [s.ref for s in engine.standards() if s.provider == info.name]
        where = f"{info.distribution} {info.version}" if info.distribution else word("cli.plugin_registered_directly", lang)
        print(f"{info.name} ({where})")
        print(f"    {word('cli.plugin_hooks', lang)}: {', '.join(h.removeprefix('fivegood_') for h in info.hooks) or '-'}")
        if provided:
            print(f"    {word('cli.plugin_standards', lang)}: {', '.join(provided)}")
    return 1 if engine.errors else 0


def _new_plugin(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.cli.scaffold import new_plugin

    root = new_plugin(args.name, Path(args.directory), args.standard)
    print(root)
    print(say("cli.next_steps", root=root).render(lang))
    return 0


def _show(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.render.docgen import render_standard_text

    engine = _engine(lang)
    sys.stdout.write(render_standard_text(engine.get(args.standard, args.as_of), lang))
    return 0


def _template(args: argparse.Namespace, lang: str) -> int:
    if args.output and args.output != "-" and Path(args.output).exists() and not args.force:
        # A template is written to be filled in: writing another over it would lose someone's work.
        raise FivegoodError(say("cli.template_exists", path=args.output))
    engine = _engine(lang)
    on = args.as_of or dt.date.today()
    xlsx = args.format == "xlsx" or (args.format is None and str(args.output or "").lower().endswith(".xlsx"))
    if xlsx:
        from fivegood_core.render.template_xlsx import evidence_workbook

        write_bytes(evidence_workbook(engine, engine.get(args.standard, on), on), args.output)
        return 0
    from fivegood_core.render.template import evidence_template

    _write(evidence_template(engine, engine.get(args.standard, on), on), args.output)
    return 0


def _rows(args: argparse.Namespace, engine: Engine, on: dt.date, stack: contextlib.ExitStack) -> Iterator[Any]:
    if args.scheduler:
        from fivegood_core.batch.distributed import DaskBatch, connect

        client = stack.enter_context(connect(args.scheduler))
        return DaskBatch(engine, args.input, args.standard, on, client=client).rows()
    from fivegood_core.batch.run import file_rows

    return file_rows(engine, args.input, engine.get(args.standard, on), on, args.input, every=True, jobs=args.jobs)


def _in_blocks(args: argparse.Namespace) -> bool:
    """Whether ``fivegood batch`` hands its JSON Lines to workers in raw blocks and gets back text (see :func:`_rows` otherwise)."""
    from fivegood_core.batch.records import input_format

    return (
        args.jobs > 1
        and not args.scheduler
        and args.format in ("jsonl", "csv")
        and input_format(args.input) == "jsonl"
        and not os.environ.get("FIVEGOOD_BATCH_REFERENCE")
    )


def _progress(rows: Iterator[Any], enabled: bool, size: Callable[[Any], int] | None = None) -> Iterator[Any]:
    # Advances a row at a time, or by ``size`` of each item (a block's rows).
    if not enabled:
        yield from rows
        return
    from rich.console import Console
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("fivegood batch", total=None)
        for row in rows:
            bar.advance(task, 1 if size is None else size(row))
            yield row


def _batch(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.batch import Tally

    if args.scheduler and args.jobs > 1:
        raise FivegoodError(say("cli.scheduler_and_jobs"))
    refuse_overwriting([args.output, args.summary, args.report], [args.input])
    engine = _engine(lang)
    on = args.as_of or dt.date.today()
    compiled = engine.get(args.standard, on)
    if not Path(args.input).exists():
        raise FivegoodError(say("cli.no_such_file", file=args.input))
    tally = Tally(compiled, on)
    if args.format == "xlsx":
        summary = _batch_xlsx(args, engine, on, tally, lang)
    else:
        summary = _batch_text(args, engine, on, tally, lang)
    _print_summary(summary, lang)
    if args.summary:
        _write(json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n", args.summary)
    if args.report:
        from fivegood_core.render.report import render_batch_html

        _write(render_batch_html(summary, lang), args.report)
    # Every row is written first; then a batch with any error row says so in its status.
    return EXIT_BAD_INPUT if summary.counts.get("error") else 0


def _batch_xlsx(args: argparse.Namespace, engine: Engine, on: dt.date, tally: Any, lang: str) -> Any:
    from fivegood_core.batch.xlsx import RowsWorkbook

    if not args.output and stdout().isatty():
        raise FivegoodError(say("xlsx.needs_output"))
    # Rows are streamed to openpyxl's own temporary file; the workbook is written (atomically) only at the end.
    book = RowsWorkbook()
    with contextlib.ExitStack() as stack:
        for row in _progress(_rows(args, engine, on, stack), sys.stderr.isatty()):
            tally.add(row)
            book.add(row)
            if row.error:
                _say_error_row(row.error_in(lang), lang)
    summary = tally.summary()
    import io  # imported when used, not at start-up

    buffer = io.BytesIO()
    book.finish(summary, buffer)
    write_bytes(buffer.getvalue(), args.output)
    return summary


def _batch_text(args: argparse.Namespace, engine: Engine, on: dt.date, tally: Any, lang: str) -> Any:
    from fivegood_core.batch import CSV_COLUMNS
    from fivegood_core.batch.fast import json_line

    # Rows go to a temporary file renamed into place at the end: an interrupted run leaves no half output.
    with contextlib.ExitStack() as stack, destination(args.output, newline="") as out:
        import csv  # imported when used, not at start-up

        writer = csv.writer(out) if args.format == "csv" else None
        if writer is not None:
            writer.writerow(CSV_COLUMNS)
        if _in_blocks(args):
            # Workers write the rows; here only each block's text, its errors and its tally (batch/run.py: text_blocks).
            from fivegood_core.batch.run import text_blocks

            blocks = text_blocks(engine.get(args.standard, on), args.input, on, args.input, args.jobs, lang, args.format)
            # The first block starts the workers before the progress bar starts its thread, so that they can be forked.
            first = list(itertools.islice(blocks, 1))
            for block in _progress(itertools.chain(first, blocks), sys.stderr.isatty(), lambda block: block.rows):
                out.write(block.text)
                for error in block.errors:
                    _say_error_row(error, lang)
                tally.merge(block.counted)
            return tally.summary()
        for row in _progress(_rows(args, engine, on, stack), sys.stderr.isatty()):
            tally.add(row)
            if writer is not None:
                writer.writerow(row.to_csv())
            else:
                out.write(json_line(row) + "\n")
            if row.error:
                _say_error_row(row.error_in(lang), lang)
    return tally.summary()


def _say_error_row(message: str, lang: str) -> None:
    # An error row's message on standard error too, where it is seen while the rows go to a file.
    print(f"fivegood: {word('word.error', lang)}: {message}", file=sys.stderr)


def _print_summary(summary: Any, lang: str) -> None:
    err = sys.stderr
    total = sum(summary.counts.values())
    counts = ", ".join(f"{word('cli.count.' + k, lang)} {v}" for k, v in summary.counts.items())
    print(f"{word('word.summary', lang)}: {total} {word('word.records', lang)}: {counts}", file=err)
    decided = [c for c in summary.criteria if c.pass_rate is not None]
    if decided:
        print(f"{word('cli.pass_rate', lang)}:", file=err)
        for c in decided:
            print(
                f"  {c.id:40} {float(c.pass_rate) * 100:6.1f}%  ({c.counts.get('pass', 0)}/{c.counts.get('pass', 0) + c.counts.get('fail', 0)})",
                file=err,
            )
    for t in summary.totals:
        print(
            f"{word('word.rewards', lang)}: {place_label(t.district or '-')}: {t.payer.get(lang)}: {t.certified} × → {t.amount} {t.currency}",
            file=err,
        )


def _schema(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.render import jsonschema

    if args.schema == "evidence":
        engine = _engine(lang)
        on = args.as_of or dt.date.today()
        made = jsonschema.evidence_schema(engine, engine.get(args.standard, on), on)
    elif args.schema == "result":
        made = jsonschema.result_schema()
    else:
        made = jsonschema.batch_row_schema()
    _write(json.dumps(made, ensure_ascii=False, indent=2, sort_keys=True) + "\n", args.output)
    return 0


def _diff(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.render.diff import diff_standards

    engine = _engine(lang)
    changes = diff_standards(engine.get(args.old), engine.get(args.new))
    for change in changes:
        print(change)
    if not changes:
        print(word("cli.no_changes", lang))
    return 0


def _validate(args: argparse.Namespace, lang: str) -> int:
    engine = _engine(lang)
    problems = engine.validate(args.files)
    for problem in problems:
        print(problem.render(lang))
    if problems:
        return 1
    print(f"{len(args.files)} {word('word.valid', lang)}")
    return 0


def _test(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.testing.cases import load_cases, run_case

    engine = _engine(lang)
    files = [Path(f) for f in args.cases] or [Path(f) for f in engine.case_files]
    passed = failed = 0
    for path in files:
        for case in load_cases(path):
            mismatches = run_case(engine, case)
            if mismatches:
                failed += 1
                print(f"✘ {path.name}: {case.name}")
                for m in mismatches:
                    print(f"    {say('cli.case_mismatch', what=m.what, expected=m.expected, actual=m.actual).render(lang)}")
            else:
                passed += 1
                print(f"✔ {path.name}: {case.name}")
    print(say("cli.cases_tally", passed=passed, failed=failed).render(lang))
    return 1 if failed else 0


def _docs(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.render.docgen import write_docs

    engine = _engine(lang)
    for path in write_docs(engine, Path(args.directory), args.jurisdiction):
        print(path)
    return 0


def _serve(args: argparse.Namespace, lang: str) -> int:
    try:
        from fivegood_core.server.serve import serve
        from fivegood_core.server.settings import Settings
    except ImportError as e:
        raise FivegoodError(say("server.needs_extra", error=e)) from None
    settings = Settings.from_environment(args.db, secure_cookies=args.secure_cookies, log_evidence=args.log_evidence)
    return serve(settings, args.host, args.port, lang)


def _register(args: argparse.Namespace, lang: str) -> int:
    from fivegood_core.register import cli as register_cli

    return register_cli.run(args, lang)


COMMANDS = {
    "check": _check,
    "list": _list,
    "plugins": _plugins,
    "new-plugin": _new_plugin,
    "show": _show,
    "template": _template,
    "batch": _batch,
    "schema": _schema,
    "diff": _diff,
    "validate": _validate,
    "test": _test,
    "docs": _docs,
    "register": _register,
    "serve": _serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser(argv).parse_args(argv)
    lang = getattr(args, "lang", None) or args.global_lang or _default_lang()
    try:
        if sys.stdout is None and not getattr(args, "output", None):
            stdout()  # a clear error before any work, rather than output silently dropped
        try:
            return COMMANDS[args.command](args, lang)
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            # Every message names where: an error without a file name came from writing standard output.
            raise FivegoodError(say("cli.os_error", file=exc.filename or "<stdout>", error=str(exc.strerror or exc))) from None
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error worth a message. Standard output is
        # pointed at nothing so that the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"fivegood: {word('word.error', lang)}: {word('cli.interrupted', lang)}", file=sys.stderr)
        return 130
    except (FivegoodError, OSError) as exc:
        message = exc.render(lang) if isinstance(exc, FivegoodError) else str(exc)
        for line in message.splitlines():
            print(f"fivegood: {word('word.error', lang)}: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
