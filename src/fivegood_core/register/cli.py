"""``fivegood register …``: the register's command line (SPEC section 6).

Exit statuses: 0 done; 2 bad usage or bad input, or a register that cannot be
used (nothing changed); 4 refused by a rule of the programme or the register
(nothing changed, the message names the rule); 1 from ``verify`` when the
audit chain is broken (the message names the first bad entry).

The database is ``--db URL``, else ``$FIVEGOOD_DB``, else
``fivegood-register.sqlite3`` in the current directory. ``--as NAME`` records
who acts (default ``$FIVEGOOD_ACTOR``, else the login name).

This module imports no database library until a command runs, so the main
command line works without the ``register`` extra.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Any, Callable

from fivegood_core.words.catalogue import Message, say

EXIT_OK, EXIT_BROKEN, EXIT_BAD_INPUT, EXIT_REFUSED = 0, 1, 2, 4


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(str(say("register.bad_date", got=repr(text)))) from None


def _actor(value: str | None) -> str:
    if value:
        return value
    if os.environ.get("FIVEGOOD_ACTOR"):
        return os.environ["FIVEGOOD_ACTOR"]
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``register`` command group to the main command line's subparsers."""
    reg = sub.add_parser("register", parents=[common], help="the certification register: nominate, submit, assess, certify, pay, audit")
    opts = argparse.ArgumentParser(add_help=False)
    opts.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="SQLite path, sqlite:///PATH or postgresql://… (default: $FIVEGOOD_DB, else ./fivegood-register.sqlite3)",
    )
    opts.add_argument(
        "--as",
        dest="actor",
        default=None,
        metavar="NAME",
        help="who acts, recorded in the audit log (default: $FIVEGOOD_ACTOR or your login)",
    )
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text")
    table_fmt = argparse.ArgumentParser(add_help=False)
    table_fmt.add_argument("--format", choices=("text", "json", "csv", "xlsx"), default="text")
    table_fmt.add_argument("--output", "-o", help="with --format xlsx: the workbook to write")
    parents = [common, opts]
    cmds = reg.add_subparsers(dest="register_command", required=True)

    c = cmds.add_parser("init", parents=parents, help="create the register, or upgrade it to this version's schema")
    c = cmds.add_parser("nominate", parents=parents, help="nominate a subject to a programme (quota and deadline rules apply)")
    c.add_argument("programme")
    c.add_argument("subject", help="the subject's id")
    c.add_argument("--name", help="the subject's name")
    c.add_argument("--prefecture", help="the subject's prefecture-level city (code, Chinese or romanised name)")
    c.add_argument("--district", help="the subject's district (code, Chinese or romanised name)")
    c.add_argument("--by", help="the nominating body, checked against the subject's prefecture or district")
    c.add_argument("--on", type=_date, help="the nomination's date (default today)")
    c = cmds.add_parser("submit", parents=parents, help="store evidence exactly as submitted (a later submission corrects it)")
    c.add_argument("programme")
    c.add_argument("evidence", help="a .toml or .json evidence file")
    c.add_argument("--on", type=_date, help="the date the evidence is checked as of (default today)")
    c = cmds.add_parser("assess", parents=parents + [fmt], help="assess latest evidence and store the full result; --impact only compares")
    c.add_argument("programme")
    c.add_argument("subject", nargs="?", help="the subject's id (omit with --all or --impact)")
    c.add_argument("--all", action="store_true", help="assess every subject with evidence")
    c.add_argument("--as-of", type=_date, help="the date the standard's version is chosen and judged as of (default today)")
    c.add_argument("--impact", metavar="ID@VERSION", help="re-assess every subject's latest evidence against this version; change nothing")
    c = cmds.add_parser("certify", parents=parents, help="certify or designate (as the programme says) a subject with a passing assessment")
    c.add_argument("programme")
    c.add_argument("subject")
    c.add_argument("--on", type=_date, help="the decision's date (default today)")
    c.add_argument("--refuse", action="store_true", help="record a refusal instead (needs --reason)")
    c.add_argument("--reason")
    c = cmds.add_parser("revoke", parents=parents, help="revoke a certification or designation (unpaid rewards are reversed)")
    c.add_argument("programme")
    c.add_argument("subject")
    c.add_argument("--reason", required=True)
    c.add_argument("--on", type=_date, help="the decision's date (default today)")
    c = cmds.add_parser("waive", parents=parents, help="set one criterion aside for one subject until a date; it shows as waived")
    c.add_argument("programme")
    c.add_argument("subject")
    c.add_argument("criterion")
    c.add_argument("--reason", required=True)
    c.add_argument("--approver", required=True)
    c.add_argument("--expires", type=_date, required=True)
    c = cmds.add_parser("pay", parents=parents, help="approve, pay (with a reference) or reverse a reward")
    c.add_argument("subject")
    c.add_argument("--scheme", required=True)
    c.add_argument("--programme")
    act = c.add_mutually_exclusive_group(required=True)
    act.add_argument("--approve", action="store_true", help="due → approved")
    act.add_argument("--reference", help="approved → paid, with the payment's reference")
    act.add_argument("--reverse", action="store_true", help="a reversing entry (needs --reason)")
    c.add_argument("--reason")
    c = cmds.add_parser("status", parents=parents + [table_fmt], help="each subject's standing on a date, deadline-aware")
    c.add_argument("programme")
    c.add_argument("--as-of", type=_date)
    c = cmds.add_parser("ledger", parents=parents + [table_fmt], help="the reward ledger")
    c.add_argument("--programme")
    c.add_argument("--subject")
    c = cmds.add_parser(
        "rollup", parents=parents + [fmt], help="counts by status per prefecture or district, nominations, aggregates, reward totals"
    )
    c.add_argument("programme")
    c.add_argument("--as-of", type=_date)
    c.add_argument("--area", help="one prefecture or district")
    c = cmds.add_parser("log", parents=parents + [fmt], help="the audit log")
    c = cmds.add_parser("verify", parents=parents + [fmt], help="check the audit chain and every audited row (exit 1 if broken)")
    c = cmds.add_parser("export", parents=parents, help="the register's tables, ledger, status and roll-up as JSON, CSV or .xlsx")
    c.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    c.add_argument("--programme", help="add this programme's status and roll-up")
    c.add_argument("--as-of", type=_date)
    c.add_argument("--table", help="CSV: only this table, to standard output")
    c.add_argument(
        "--output",
        "-o",
        help="file (JSON, xlsx) or folder (CSV, one file per table); JSON and one CSV table default to standard output",
    )
    user = cmds.add_parser("user", parents=[common], help="who may change the register: users, roles, API tokens")
    ucmds = user.add_subparsers(dest="user_command", required=True)
    password = argparse.ArgumentParser(add_help=False)
    password.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password as one line of standard input (without it: asked twice on a terminal, else read the same way)",
    )
    c = ucmds.add_parser("add", parents=parents + [password], help="add a user with a role (and a jurisdiction)")
    c.add_argument("name")
    c.add_argument("--role", required=True, help="viewer, assessor, approver or admin")
    c.add_argument("--jurisdiction", help="limit the user to this jurisdiction and those below it (ningbo: also ningbo/…)")
    c = ucmds.add_parser("list", parents=parents + [fmt], help="every user, their role, jurisdiction and standing")
    c = ucmds.add_parser("role", parents=parents, help="change a user's role (and jurisdiction)")
    c.add_argument("name")
    c.add_argument("role", help="viewer, assessor, approver or admin")
    where = c.add_mutually_exclusive_group()
    where.add_argument("--jurisdiction", help="limit the user to this jurisdiction (default: keep theirs)")
    where.add_argument("--all-jurisdictions", action="store_true", help="lift any limit to a jurisdiction")
    c = ucmds.add_parser("password", parents=parents + [password], help="set a user's password")
    c.add_argument("name")
    c = ucmds.add_parser("disable", parents=parents, help="disable a user: no more logins, every token of theirs revoked")
    c.add_argument("name")
    c = ucmds.add_parser("enable", parents=parents, help="enable a disabled user again (old tokens stay revoked)")
    c.add_argument("name")
    c = ucmds.add_parser("token", parents=parents, help="issue an API token; its secret is printed once, on standard output")
    c.add_argument("name")
    c.add_argument("--label", default="", help="what the token is for")
    c = ucmds.add_parser("tokens", parents=parents + [fmt], help="API tokens (of one user), without their secrets")
    c.add_argument("name", nargs="?")
    c = ucmds.add_parser("revoke", parents=parents, help="revoke an API token by its id")
    c.add_argument("token_id")


def run(args: argparse.Namespace, lang: str) -> int:
    """Run ``fivegood register …``; returns the exit status. Errors are one-line messages, never tracebacks."""
    try:
        from fivegood_core.register import errors
    except ImportError as e:  # pragma: no cover
        print(f"fivegood register: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        from fivegood_core import FivegoodError

        args.said_in = lang  # the language of warnings a command prints itself
        return COMMANDS[args.register_command](args)
    except ImportError as e:
        print(f"fivegood register: error: the register needs the 'register' extra: pip install 'fivegood[register]' ({e})", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error worth a message.
        sys.stderr.close()
        return EXIT_BROKEN
    except errors.RefusedError as e:
        print(f"fivegood register: {e.render(lang)}", file=sys.stderr)
        return EXIT_REFUSED
    except (FivegoodError, OSError) as e:
        text = e.render(lang) if isinstance(e, FivegoodError) else str(e)
        for line in text.splitlines():
            print(f"fivegood register: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _open(args: argparse.Namespace) -> Any:
    from fivegood_core.register.store import Register

    return Register(args.db)


def _print_json(data: Any) -> None:
    from fivegood_core.register.export import to_json

    print(to_json(data))


def _init(args: argparse.Namespace) -> int:
    from fivegood_core.register.db import safe_url
    from fivegood_core.register.store import Register

    reg = Register.init(args.db, actor=_actor(args.actor))
    print(f"register ready at {safe_url(reg.url)}")
    return EXIT_OK


def _nominate(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        r = reg.nominate(
            args.programme,
            args.subject,
            name=args.name,
            prefecture=args.prefecture,
            district=args.district,
            by=args.by,
            on=args.on,
            actor=_actor(args.actor),
        )
    flags = f" [{', '.join(r['flags'])}]" if r["flags"] else ""
    print(f"nominated {r['subject']} to {r['programme']} by {r['by']} on {r['on']}{flags}")
    for note in r["notes"]:
        print(f"  {note}")
    return EXIT_OK


def _submit(args: argparse.Namespace) -> int:
    path = Path(args.evidence)
    content = path.read_bytes()
    with _open(args) as reg:
        r = reg.submit(args.programme, content, path.name, on=args.on, actor=_actor(args.actor))
    corrects = f", correcting submission #{r['corrects']}" if r["corrects"] else ""
    print(f"submission #{r['id']} of {r['subject']}: {len(content)} bytes, sha256 {r['sha256']}{corrects}")
    return EXIT_OK


def _assess(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        if args.impact:
            from fivegood_core.register.reports import impact

            rows = impact(reg, args.programme, args.impact, args.as_of)
            if args.format == "json":
                _print_json(rows)
            else:
                for r in rows:
                    extra = f"  newly failing: {', '.join(r['newly_failed'])}" if r["newly_failed"] else ""
                    print(f"{r['subject']}: {r['before']} → {r['after']} ({r['change']}){extra}")
                counts = {k: sum(1 for r in rows if r["change"] == k) for k in ("gains", "loses", "changes", "same")}
                print(", ".join(f"{v} {k}" for k, v in counts.items()) + " (nothing was changed)")
            return EXIT_OK
        if args.all == bool(args.subject):
            raise _usage(say("register.usage.subject_or_all"))
        subjects = [args.subject] if args.subject else _with_evidence(reg, args.programme)
        results = [reg.assess(args.programme, s, as_of=args.as_of, actor=_actor(args.actor)) for s in subjects]
    if args.format == "json":
        _print_json([{k: v for k, v in r.items() if k != "result"} for r in results])
    else:
        for r in results:
            why = f"  failed: {', '.join(r['failed'])}" if r["failed"] else ""
            why += f"  unknown: {', '.join(r['unknown'])}" if r["unknown"] else ""
            why += f"  waived: {', '.join(r['waived'])}" if r["waived"] else ""
            print(f"assessment #{r['id']} of {r['subject']}: {r['verdict']} ({r['standard']}, as of {r['as_of']}){why}")
    return EXIT_OK


def _with_evidence(reg: Any, programme: str) -> list[str]:
    import sqlalchemy as sa

    from fivegood_core.register import schema as t
    from fivegood_core.register.db import translated

    prog = reg.programme(programme)
    with translated(reg.url), reg._read() as conn:
        return sorted({r[0] for r in conn.execute(sa.select(t.submissions.c.subject_id).where(t.submissions.c.programme == prog.id))})


def _usage(message: Message) -> Exception:
    from fivegood_core.register.errors import RegisterError

    return RegisterError(message)


def _certify(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        if args.refuse:
            if not args.reason:
                raise _usage(say("register.usage.refusal_reason"))
            r = reg.refuse(args.programme, args.subject, args.reason, on=args.on, actor=_actor(args.actor))
            print(f"decision #{r['decision']}: {r['subject']} refused")
            return EXIT_OK
        r = reg.certify(args.programme, args.subject, on=args.on, actor=_actor(args.actor))
    print(f"decision #{r['decision']}: {r['subject']} {'designated' if r['kind'] == 'designate' else 'certified'}")
    for w in r["rewards"]:
        print(f"  reward due: ¥{w['amount']} from {w['payer']['zh']} ({w['payer']['en']}), scheme {w['scheme']}")
    if r["no_reward"]:
        print(f"  no reward: {r['no_reward']['en']}")
    return EXIT_OK


def _revoke(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        r = reg.revoke(args.programme, args.subject, args.reason, on=args.on, actor=_actor(args.actor))
    extra = f"; reversed unpaid rewards: {', '.join(r['reversed'])}" if r["reversed"] else ""
    print(f"decision #{r['decision']}: {r['subject']} revoked{extra}")
    return EXIT_OK


def _waive(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        r = reg.waive(
            args.programme,
            args.subject,
            args.criterion,
            reason=args.reason,
            approver=args.approver,
            expires=args.expires,
            actor=_actor(args.actor),
        )
    print(f"waiver #{r['id']}: {r['criterion']} set aside for {r['subject']} until {r['expires']} (shown as waived, not passed)")
    return EXIT_OK


def _pay(args: argparse.Namespace) -> int:
    to = "approved" if args.approve else "reversed" if args.reverse else "paid"
    with _open(args) as reg:
        r = reg.pay(
            args.subject,
            args.scheme,
            to=to,
            reference=args.reference,
            reason=args.reason,
            programme=args.programme,
            actor=_actor(args.actor),
        )
    ref = f", reference {r['reference']}" if r["reference"] else ""
    print(f"{r['subject']} {r['scheme']}: ¥{r['amount']} {r['state']}{ref}")
    return EXIT_OK


def _table_out(rows: list[dict[str, Any]], args: argparse.Namespace, name: str, text: Callable[[dict[str, Any]], str]) -> None:
    fmt = args.format
    if fmt == "xlsx":
        from fivegood_core.register.export import to_xlsx

        if not args.output:
            raise _usage(say("register.usage.xlsx_output"))
        print(to_xlsx({name: rows}, args.output))
    elif fmt == "json":
        _print_json(rows)
    elif fmt == "csv":
        from fivegood_core.register.export import to_csv

        sys.stdout.write(to_csv(rows))
    else:
        for r in rows:
            print(text(r))


def _status(args: argparse.Namespace) -> int:
    from fivegood_core.register.reports import status

    with _open(args) as reg:
        rows = status(reg, args.programme, args.as_of)
    _table_out(
        rows,
        args,
        "status",
        lambda r: (
            f"{r['subject']}\t{r['name']}\t{r['status_en']}\t{r['status_zh']}"
            + (f"\twaived: {', '.join(r['waived'])}" if r["waived"] else "")
        ),
    )
    return EXIT_OK


def _ledger(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        rows = reg.ledger(args.programme, args.subject)
    _table_out(
        rows,
        args,
        "ledger",
        lambda r: (
            f"{r['subject']}\t{r['scheme']}\t¥{r['amount']}\t{r['payer']['zh']}\t{r['state']}"
            + (f"\t{r['reference']}" if r["reference"] else "")
        ),
    )
    return EXIT_OK


def _rollup(args: argparse.Namespace) -> int:
    from fivegood_core.register.reports import rollup

    with _open(args) as reg:
        r = rollup(reg, args.programme, args.as_of, args.area)
    if args.format == "json":
        _print_json(r)
        return EXIT_OK
    print(f"{r['programme']} as of {r['as_of']}: " + ", ".join(f"{k} {v}" for k, v in r["totals"].items()))
    for g in r["groups"]:
        print(f"  {g['code']} {g['name']['zh']}: " + ", ".join(f"{k} {v}" for k, v in g["statuses"].items()))
    nom = r.get("nominations")
    if nom:
        short = [u for u in nom["units"] if u["state"] == "short"]
        pending = [u for u in nom["units"] if u["state"] == "pending"]
        print(
            f"nominations (quota {nom['quota']['min']}–{nom['quota']['max']}, due {nom['deadline']}): "
            f"{len(nom['units']) - len(short) - len(pending)} of {len(nom['units'])} complete"
        )
        for u in short:
            print(f"  short: {u['code']} {u['name']['zh']} ({u['on_time']} on time, {u['late']} late)")
        for u in pending:
            print(f"  pending: {u['code']} {u['name']['zh']} ({u['on_time']} so far)")
    agg = r.get("aggregate")
    if agg:
        print(
            f"enterprise members / private enterprises: {agg['enterprise_members']} / {agg['private_enterprises']} = {agg['percent']}% "
            f"({agg['subjects']} subjects)"
        )
    for p in r["rewards"]:
        print(f"rewards from {p['payer']['zh']}: due ¥{p['due']}, approved ¥{p['approved']}, paid ¥{p['paid']}, reversed ¥{p['reversed']}")
    return EXIT_OK


def _log(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        rows = reg.log()
    if args.format == "json":
        _print_json(rows)
    else:
        for e in rows:
            d = e["detail"]
            what = " ".join(str(d[k]) for k in ("programme", "subject", "verdict", "decision", "user", "token") if d.get(k))
            print(f"#{e['seq']} {e['at']} {e['actor']}: {e['action']} {what}  {e['hash'][:12]}")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    with _open(args) as reg:
        report = reg.verify()
    if args.format == "json":
        _print_json(report.to_json())
    elif report.ok:
        print(f"ok: {report.entries} audit entries, chain head {report.head}")
    else:
        print(f"BROKEN: {report.problems[0]}")
        for p in report.problems[1:]:
            print(f"  also: {p}")
    if not report.ok:
        print(f"fivegood register: audit chain broken: {report.problems[0]}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_BROKEN


def _export(args: argparse.Namespace) -> int:
    from fivegood_core.register.export import sheets, to_csv, to_json, to_xlsx, write_all

    with _open(args) as reg:
        data = sheets(reg, args.programme, args.as_of)
        # An export is what people trust when the register is not at hand: it says when the register does not verify.
        report = reg.verify()
    if args.table and args.table not in data:
        raise _usage(say("register.unknown_table", name=repr(args.table), expected=", ".join(data)))
    if args.format == "xlsx":
        if not args.output:
            raise _usage(say("register.usage.xlsx_export_output"))
        print(to_xlsx(data, args.output))
    elif args.format == "csv":
        if args.table and not args.output:
            sys.stdout.write(to_csv(data[args.table]))
        elif not args.output:
            raise _usage(say("register.usage.csv_output"))
        else:
            for path in write_all(data, args.output, [args.table] if args.table else None):
                print(path)
    else:
        text = to_json(data[args.table] if args.table else data)
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
            print(args.output)
        else:
            print(text)
    if not report.ok:
        warning = say("register.export_unverified", problem=report.problems[0]).render(getattr(args, "said_in", "en"))
        print(f"fivegood register: {warning}", file=sys.stderr)
        return EXIT_BROKEN
    return EXIT_OK


def _password(args: argparse.Namespace) -> str:
    """The new password: one line of standard input, or asked twice (not echoed) on a terminal."""
    if not args.password_stdin and sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise _usage(say("register.user.passwords_differ"))
        return first
    line = sys.stdin.readline()
    if not line:
        raise _usage(say("register.user.no_password"))
    return line.rstrip("\r\n")


def _users(args: argparse.Namespace, reg: Any) -> Any:
    from fivegood_core.register.users import Users

    return Users(reg)


def _user_line(u: Any) -> str:
    state = "active" if u.active else "disabled"
    return f"{u.name}\t{u.role}\t{u.jurisdiction or '*'}\t{state}\t{u.created}"


def _token_line(i: Any) -> str:
    return f"{i.id}\t{i.user}\t{i.label}\t{i.created}\t" + (f"revoked {i.revoked}" if i.revoked else "active")


def _user(args: argparse.Namespace) -> int:
    cmd, actor = args.user_command, _actor(args.actor)
    secret = _password(args) if cmd in ("add", "password") else None
    with _open(args) as reg:
        users = _users(args, reg)
        if cmd == "add":
            u = users.add(args.name, args.role, secret, jurisdiction=args.jurisdiction, actor=actor)
            print(f"user {u.name} added: {u.role}, {u.jurisdiction or 'every jurisdiction'}")
        elif cmd == "list":
            rows = users.list()
            if args.format == "json":
                _print_json([u.to_json() for u in rows])
            else:
                for u in rows:
                    print(_user_line(u))
        elif cmd == "role":
            where = None if args.all_jurisdictions else args.jurisdiction if args.jurisdiction else ...
            u = users.set_role(args.name, args.role, jurisdiction=where, actor=actor)
            print(f"user {u.name}: {u.role}, {u.jurisdiction or 'every jurisdiction'}")
        elif cmd == "password":
            users.set_password(args.name, secret, actor=actor)
            print(f"user {args.name}: password changed")
        elif cmd == "disable":
            u = users.disable(args.name, actor=actor)
            print(f"user {u.name} disabled; their tokens are revoked")
        elif cmd == "enable":
            u = users.enable(args.name, actor=actor)
            print(f"user {u.name} enabled")
        elif cmd == "token":
            token, info = users.issue_token(args.name, label=args.label, actor=actor)
            print(token)  # the only line on standard output: `fivegood register user token NAME > secret`
            print(f"token {info.id} issued to {info.user}; the secret above is shown only this once", file=sys.stderr)
        elif cmd == "tokens":
            infos = users.tokens(args.name)
            if args.format == "json":
                _print_json([i.to_json() for i in infos])
            else:
                for i in infos:
                    print(_token_line(i))
        else:
            info = users.revoke_token(args.token_id, actor=actor)
            print(f"token {info.id} of {info.user} revoked")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": _init,
    "nominate": _nominate,
    "submit": _submit,
    "assess": _assess,
    "certify": _certify,
    "revoke": _revoke,
    "waive": _waive,
    "pay": _pay,
    "status": _status,
    "ledger": _ledger,
    "rollup": _rollup,
    "log": _log,
    "verify": _verify,
    "export": _export,
    "user": _user,
}
