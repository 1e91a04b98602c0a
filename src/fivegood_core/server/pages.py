"""The staff pages: server-rendered HTML in Chinese and English that works without JavaScript.

The catalogue, each standard article by article, the evidence form (checked as
it is typed by ``/api/v1/check``, the engine's own messages), the scorecard,
programme dashboards, a subject's history with the actions the user's role
allows, and batch uploads. Every page is a template over the same library
calls the API makes; Jinja2 escapes every value for HTML.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, AsyncIterator, Mapping
from urllib.parse import quote, urlencode

import attrs
import jinja2
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.model.definitions import Text
from fivegood_core.model.results import Result
from fivegood_core.register import reports
from fivegood_core.register.errors import RefusedError
from fivegood_core.register.programmes import Programme
from fivegood_core.register.users import LoginRefused, LoginThrottled, User
from fivegood_core.render.docgen import standard_json
from fivegood_core.render.template import evidence_sections, subject_places
from fivegood_core.server import auth
from fivegood_core.server.api import date_field
from fivegood_core.server.auth import authorise, csrf_token, current_user, programme_for, services_of, subject_for
from fivegood_core.server.bodies import spool
from fivegood_core.server.problems import NotFound, status_of
from fivegood_core.words.catalogue import render, say, word

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
LANGS = ("zh", "en")
LANG_COOKIE = "fivegood_lang"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,  # every value is escaped for HTML; nothing is marked safe that came from input
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def language(request: Request) -> str:
    """``?lang=``, else the language cookie, else the browser's first choice between Chinese and English (default Chinese)."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return cookie
    accept = request.headers.get("accept-language", "").lower()
    if accept.startswith("en"):
        return "en"
    return "zh"


def _text(value: Any, lang: str) -> str:
    """A text in both languages (a Text or its JSON), in ``lang``."""
    if value is None:
        return ""
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("en") or value.get("zh") or "")
    return str(value)


@functools.lru_cache(maxsize=1)
def _divisions() -> dict[str, Any]:
    from fivegood_core.model import divisions

    return {d.code: d for d in sorted(divisions.all_divisions(), key=lambda d: d.valid_from)}


def _place(value: Any, lang: str) -> str:
    """A division's name in ``lang`` for its code (``330205`` → 江北区 / Jiangbei); any other value as it is."""
    d = _divisions().get(value) if isinstance(value, str) else None
    if d is None:
        return "" if value is None else str(value)
    return str(d.zh if lang == "zh" else d.en)


def _jurisdiction(value: Any, lang: str) -> str:
    """A jurisdiction's name in ``lang`` (``henan`` → 河南省 / Henan), from the area it covers; else its id as it is."""
    from fivegood_core.model import divisions

    area = divisions.jurisdiction_area(value) if isinstance(value, str) else None
    return _place(area, lang) if area is not None and area in _divisions() else _place(value, lang)


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """Render ``template`` in the request's language, with the user, a CSRF token and the words catalogue."""
    lang = language(request)
    try:
        user = current_user(request)
    except FivegoodError:
        user = None
    other = "en" if lang == "zh" else "zh"
    query = dict(request.query_params) | {"lang": other}
    values = {
        "lang": lang,
        "user": user,
        "csrf": csrf_token(request),
        "t": lambda code: word(code, lang),
        "say": lambda code, **params: say(code, **params).render(lang),
        "text": lambda value: _text(value, lang),
        "msg": lambda message: render(message, lang),
        # Re-quoted and with one leading slash: a path such as "//elsewhere" or "/\\elsewhere" must not become a link off the site.
        "switch_url": "/" + quote(request.url.path.lstrip("/\\"), safe="/@") + "?" + urlencode(query),
        "path": request.url.path,
        "q": lambda value: quote(str(value), safe="/@"),
        "place": lambda value: _place(value, lang),
        "jurisdiction": lambda value: _jurisdiction(value, lang),
    }
    html = _env.get_template(template).render(**values, **context)
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return auth.finish(request, response)


def error_page(request: Request, exc: FivegoodError, status: int, headers: Mapping[str, str] | None = None) -> Response:
    """An error as a page; a page that needs a login sends the person to the login form and back."""
    if status == 401:
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
    lang = language(request)
    problems = [p.render(lang) for p in exc.problems] if isinstance(exc, EvidenceError) else []
    response = page(request, "error.html", status=status, status_code=status, message=exc.render(lang), problems=problems)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(value: Any) -> str:
    # Only a path of this site: never "//elsewhere" or "https://elsewhere" (an open redirect).
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _date(value: Any, field: str) -> dt.date | None:
    # A form sends an empty field for a date not given.
    return date_field(value or None, field)


# --- standards -------------------------------------------------------------------------------


@router.get("/")
def catalogue(request: Request) -> Response:
    on = dt.date.today()
    standards = services_of(request).engine.standards()
    return page(request, "catalogue.html", standards=standards, on=on)


def _compiled(request: Request, id: str) -> Any:
    version = request.query_params.get("version")
    ref = id if "@" in id or not version else f"{id}@{version}"
    return services_of(request).engine.get(ref, _date(request.query_params.get("as_of"), "as_of"))


@router.get("/standards/{id:path}/form")
def evidence_form(request: Request, id: str) -> Response:
    compiled = _compiled(request, id)
    return _form_page(request, compiled, action=f"/standards/{compiled.defn.ref}/form", values={})


def _form_page(
    request: Request,
    compiled: Any,
    *,
    action: str,
    values: Mapping[str, str],
    problems: Mapping[str, list[str]] | None = None,
    programme: Any = None,
    status: int = 200,
) -> Response:
    on = _date(values.get("_as_of"), "as_of") or dt.date.today()
    engine = services_of(request).engine
    sections = evidence_sections(engine, compiled, on)
    return page(
        request,
        "form.html",
        status=status,
        standard=compiled.defn,
        sections=sections,
        named=_field_titles(engine, sections, on),
        places=subject_places(compiled, on),
        values=values,
        problems=problems or {},
        action=action,
        as_of=values.get("_as_of") or on.isoformat(),
        programme=programme,
    )


def _field_titles(engine: Any, sections: Any, on: dt.date) -> dict[str, Text]:
    """Fields whose vocabulary label another field on the form shares ("assessor attests", five times over),
    each named by the title of the criterion that reads it, so that no two fields read alike."""
    labels = Counter((entry.label.en, entry.label.zh) for s in sections for entry, _ in s.fields)
    titles: dict[str, dict[str, Text]] = {}
    out: dict[str, Text] = {}
    for s in sections:
        for entry, uses in s.fields:
            if labels[(entry.label.en, entry.label.zh)] < 2 or not uses:
                continue
            use = uses[0]
            if use.ref not in titles:
                try:
                    titles[use.ref] = {n.defn.id: n.defn.title for n in engine.get(use.ref, on).nodes}
                except FivegoodError:
                    titles[use.ref] = {}
            title = titles[use.ref].get(use.criterion)
            if title is not None:
                out[entry.key] = title
    return out


def _evidence_from_form(request: Request, form: FormData, compiled: Any) -> tuple[dict[str, Any], dict[str, str], dt.date]:
    """The evidence a form describes (cells read as CSV cells are, by the key's type), the values as typed, and its date.

    Raises :class:`EvidenceError` with every problem: the cells that cannot be
    read, and what the engine finds wrong with the others (a negative area…).
    """
    from fivegood_core.batch.records import record_from_cells

    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    on = _date(values.get("_as_of"), "as_of") or dt.date.today()
    cells = {k: v for k, v in values.items() if not k.startswith("_") and k != auth.CSRF_FIELD}
    cells.setdefault("subject.kind", compiled.defn.subject_kind)
    cells.setdefault("subject.jurisdiction", compiled.defn.jurisdiction)
    found = record_from_cells("form", cells, compiled.vocabulary)
    if not isinstance(found, EvidenceError):
        return found, values, on
    # The engine checks the values that could be read too, so every wrong field is shown at once.
    problems = list(found.problems)
    unread = {p.key for p in problems}
    rest = record_from_cells("form", {k: v for k, v in cells.items() if k not in unread}, compiled.vocabulary)
    try:
        if not isinstance(rest, EvidenceError):
            services_of(request).engine.evaluate(rest, compiled, on)
    except EvidenceError as more:
        problems += [p for p in more.problems if p.key not in unread]
    raise EvidenceError(problems)


def _evaluate_form(request: Request, form: FormData, compiled: Any) -> tuple[Result, dict[str, Any], dict[str, str], dt.date]:
    """The form's evidence evaluated: the result, the evidence, the values as typed and the date."""
    evidence, values, on = _evidence_from_form(request, form, compiled)
    return services_of(request).engine.evaluate(evidence, compiled, on), evidence, values, on


def _problems_by_key(error: EvidenceError, lang: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in error.problems:
        out.setdefault(p.key or "", []).append(render(p.message, lang))
    return out


@router.post("/standards/{id:path}/form/problems")
async def evidence_form_problems(request: Request, id: str) -> Response:
    """The form's problems by key, and the verdict so far: what the page's script shows as a person types."""
    from fivegood_core.server.jsonio import ExactJSON

    lang = language(request)
    compiled = _compiled(request, id)
    form = await request.form()
    try:
        result, _, _, _ = _evaluate_form(request, form, compiled)
    except EvidenceError as e:
        problems = _problems_by_key(e, lang)
        return ExactJSON({"problems": problems, "verdict": None, "summary": word("page.form_has_problems", lang)})
    summary = word(f"report.overall.{result.verdict.value}", lang)
    return ExactJSON({"problems": {}, "verdict": result.verdict.value, "summary": summary})


@router.post("/standards/{id:path}/form")
async def evidence_form_submit(request: Request, id: str) -> Response:
    compiled = _compiled(request, id)
    form = await request.form()
    try:
        result, _, _, _ = _evaluate_form(request, form, compiled)
    except EvidenceError as e:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return _form_page(
            request,
            compiled,
            action=f"/standards/{compiled.defn.ref}/form",
            values=values,
            problems=_problems_by_key(e, language(request)),
            status=422,
        )
    return _scorecard(request, result)


def _scorecard(request: Request, result: Result, **extra: Any) -> Response:
    from fivegood_core.render.actions import to_act_on

    return page(request, "scorecard.html", result=result, act=to_act_on(result), data=result.to_json(), **extra)


@router.get("/standards/{id:path}")
def show_standard(request: Request, id: str) -> Response:
    compiled = _compiled(request, id)
    return page(request, "standard.html", standard=standard_json(compiled), defn=compiled.defn)


# --- logins ----------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request) -> Response:
    return page(request, "login.html", next=_safe_next(request.query_params.get("next")), error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    auth.check_csrf(request, form.get(auth.CSRF_FIELD))
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    target = _safe_next(form.get("next"))
    users = services_of(request).users
    try:
        user = await run_in_threadpool(users.authenticate, name, password)
    except LoginThrottled as e:
        response = page(request, "login.html", status=429, next=target, error=e.render(language(request)))
        response.headers["Retry-After"] = str(max(1, int(e.retry_after + 0.999)))
        return response
    except LoginRefused as e:
        return page(request, "login.html", status=401, next=target, error=e.render(language(request)))
    redirect = _redirect(target)
    auth.start_session(request, redirect, user)
    return redirect


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    auth.check_csrf(request, form.get(auth.CSRF_FIELD))
    response = _redirect("/")
    await run_in_threadpool(auth.end_session, request, response)
    return response


# --- programmes ------------------------------------------------------------------------------


@router.get("/programmes")
def programmes(request: Request) -> Response:
    user = authorise(request, "read")
    progs = [p for p in services_of(request).register.programmes.all() if user.sees(p.jurisdiction)]
    return page(request, "programmes.html", programmes=progs)


@router.get("/programmes/{id:path}/submit")
def submit_form(request: Request, id: str) -> Response:
    user = authorise(request, "submit")
    prog = programme_for(request, user, id)
    compiled = services_of(request).engine.get(prog.standard, dt.date.today())
    return _form_page(request, compiled, action=f"/programmes/{prog.id}/submit", values={}, programme=prog)


@router.post("/programmes/{id:path}/submit")
async def submit(request: Request, id: str) -> Response:
    form = await request.form()
    user = authorise(request, "submit", csrf=form.get(auth.CSRF_FIELD))
    prog = programme_for(request, user, id)
    services = services_of(request)
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    on = _date(values.get("_as_of"), "as_of") or dt.date.today()
    compiled = services.engine.get(prog.standard, on)

    def again(problems: Mapping[str, list[str]], status: int) -> Response:
        # The form once more, as it was typed, with what is wrong by each field.
        return _form_page(
            request, compiled, action=f"/programmes/{prog.id}/submit", values=values, problems=problems, programme=prog, status=status
        )

    try:
        evidence, values, on = _evidence_from_form(request, form, compiled)
    except EvidenceError as e:
        return again(_problems_by_key(e, language(request)), 422)
    from fivegood_core.server.api import checked_subject_id
    from fivegood_core.server.jsonio import dumps

    reg = services.register
    try:
        checked_subject_id(evidence, "form")
        # Submitted today, whatever the form's date: that date is the assessment's, and a page must not backdate
        # a submission past a deadline (the command line's `submit --on` records past submissions, for whoever runs it).
        stored = await run_in_threadpool(reg.submit, prog.ref, dumps(evidence).encode("utf-8"), "form.json", actor=user.name)
        assessed = await run_in_threadpool(lambda: reg.assess(prog.ref, stored["subject"], as_of=on, actor=user.name))
    except RefusedError as e:
        if auth.screened(request, e) is not e:  # a subject of a jurisdiction this user may not see: not found
            raise auth.screened(request, e) from None
        return again({"": [e.render(language(request))]}, 409)
    except EvidenceError as e:
        return again(_problems_by_key(e, language(request)), 422)
    # The stored result keeps its warnings as English text; the same evidence's warnings, as messages, read in either language.
    result = attrs.evolve(Result.from_json(assessed["result"]), warnings=services.engine.evaluate(evidence, compiled, on).warnings)
    return _scorecard(request, result, programme=prog, subject=stored["subject"])


ACTIONS = ("assess", "certify", "refuse", "revoke", "waive", "pay")


@router.post("/programmes/{id:path}/subjects/{subject}/{action}")
async def subject_action(request: Request, id: str, subject: str, action: str) -> Response:
    if action not in ACTIONS:
        raise NotFound(say("server.not_found", what=action))
    form = await request.form()
    user = authorise(request, action, csrf=form.get(auth.CSRF_FIELD))
    prog = programme_for(request, user, id)
    reg = services_of(request).register
    subject_for(request, user, subject)
    f = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    on = _date(f.get("on"), "on")

    def run() -> Any:
        if action == "assess":
            return reg.assess(prog.ref, subject, as_of=on, actor=user.name)
        if action == "certify":
            return reg.certify(prog.ref, subject, on=on, actor=user.name)
        if action in ("refuse", "revoke"):
            operation = reg.refuse if action == "refuse" else reg.revoke
            return operation(prog.ref, subject, f.get("reason", ""), on=on, actor=user.name)
        if action == "waive":
            expires = _date(f.get("expires"), "expires")
            if expires is None:
                raise EvidenceError([Problem(None, None, "expires", say("cli.bad_date", got="''"))])
            return reg.waive(
                prog.ref,
                subject,
                f.get("criterion", ""),
                reason=f.get("reason", ""),
                approver=user.name,
                expires=expires,
                on=on,
                actor=user.name,
            )
        return reg.pay(
            subject,
            f.get("scheme", ""),
            to=f.get("to", ""),
            reference=f.get("reference") or None,
            reason=f.get("reason") or None,
            programme=prog.ref,
            actor=user.name,
        )

    try:
        await run_in_threadpool(run)
    except FivegoodError as e:
        status, _ = status_of(e)
        return _subject_page(request, user, prog, subject, status=status, error=e.render(language(request)))
    return _redirect(f"/programmes/{prog.id}/subjects/{quote(subject)}?" + urlencode({"done": action}))


def _subject_page(request: Request, user: User, prog: Programme, subject: str, status: int = 200, error: str | None = None) -> Response:
    subject_for(request, user, subject)
    reg = services_of(request).register
    history = reports.history(reg, subject)
    latest = next((a for a in reversed(history["assessments"]) if a["programme"] == prog.id), None)
    decided = next((d["kind"] for d in reversed(history["decisions"]) if d["programme"] == prog.id), None)
    # Only the actions the register could take now are offered: certify a passing, undecided subject; revoke a certified one.
    standing = {"certified": decided in ("certify", "designate"), "passing": latest is not None and latest["verdict"] == "pass"}
    result = Result.from_json(latest["result"]) if latest else None
    done = request.query_params.get("done")
    return page(
        request,
        "subject.html",
        status=status,
        programme=prog,
        history=history,
        latest=latest,
        standing=standing,
        result=result,
        error=error,
        done=done if done in ACTIONS else None,
        today=dt.date.today().isoformat(),
    )


@router.get("/programmes/{id:path}/subjects/{subject}")
def subject_page(request: Request, id: str, subject: str) -> Response:
    user = authorise(request, "read")
    prog = programme_for(request, user, id)
    return _subject_page(request, user, prog, subject)


@router.get("/programmes/{id:path}")
def dashboard(request: Request, id: str) -> Response:
    user = authorise(request, "read")
    prog = programme_for(request, user, id)
    reg = services_of(request).register
    on = _date(request.query_params.get("on"), "on") or dt.date.today()
    rows = reports.status(reg, prog.ref, on)
    rollup = reports.rollup(reg, prog.ref, on, rows=rows)
    failed = reports.failed_criteria(reg, prog.ref, on)
    ledger = reg.ledger(prog.ref)
    titles = _criterion_titles(request, prog, on)
    lang = language(request)

    def st(status: str) -> str:
        en, zh = reports.STATUSES.get(status, (status, status))
        return zh if lang == "zh" else en

    return page(
        request,
        "dashboard.html",
        programme=prog,
        rows=rows,
        rollup=rollup,
        failed=failed,
        titles=titles,
        ledger=ledger,
        on=on.isoformat(),
        chart=_bars(failed),
        names={r["subject"]: r["name"] for r in rows},
        st=st,
    )


def _criterion_titles(request: Request, prog: Programme, on: dt.date) -> dict[str, Text]:
    try:
        compiled = services_of(request).engine.get(prog.standard, on)
    except FivegoodError:
        return {}
    return {n.defn.id: n.defn.title for n in compiled.nodes}


def _bars(failed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bar geometry for the "most often failed" chart (an inline SVG: no script, no file fetched)."""
    top = failed[:12]
    most = max((r["failed"] + r["unknown"] for r in top), default=0) or 1
    return [
        {
            "criterion": r["criterion"],
            "failed": r["failed"],
            "unknown": r["unknown"],
            "y": i * 26,
            "failed_width": round(300 * r["failed"] / most),
            "unknown_width": round(300 * r["unknown"] / most),
        }
        for i, r in enumerate(top)
    ]


# --- batches ---------------------------------------------------------------------------------

#: Upload suffixes the batch page reads (the same readers as ``fivegood batch``).
UPLOAD_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".xlsx", ".parquet")


@router.get("/batch")
def batch_form(request: Request) -> Response:
    return page(
        request, "batch.html", standards=_standard_ids(request), summary=None, rows=[], error=None, as_of=dt.date.today().isoformat()
    )


def _standard_ids(request: Request) -> list[str]:
    return sorted({s.id for s in services_of(request).engine.standards()})


@router.post("/batch")
async def batch_upload(request: Request) -> Response:
    from fivegood_core.batch import Tally
    from fivegood_core.batch.run import file_rows

    services = services_of(request)
    # The file is spooled to disk; the other fields (standard, date, token) are small, and kept to the default 1 MiB each.
    form = await request.form()
    upload = form.get("file")
    standard = str(form.get("standard") or "")
    try:
        on = _date(form.get("as_of"), "as_of") or dt.date.today()
        compiled = services.engine.get(standard, on)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise EvidenceError([Problem(None, None, "file", say("server.no_file"))])
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise EvidenceError([Problem(upload.filename, None, None, say("batch.file_type"))])
    except FivegoodError as e:
        return page(
            request,
            "batch.html",
            status=status_of(e)[0],
            standards=_standard_ids(request),
            summary=None,
            rows=[],
            error=e.render(language(request)),
            as_of=str(form.get("as_of") or ""),
        )
    name = Path(upload.filename).name

    def run(path: str) -> tuple[Any, list[Any]]:
        tally = Tally(compiled, on)
        kept: list[Any] = []
        errors = 0
        for row in file_rows(services.engine, path, compiled, on, name, every=True):
            tally.add(row)
            # At most 1000 rows and 1000 more with errors: a file of millions of bad lines must not be kept whole in memory.
            if len(kept) < 1000:
                kept.append(row)
            elif row.error and errors < 1000:
                kept.append(row)
                errors += 1
        return tally.summary(), kept

    spooled = await spool(_chunks(upload), suffix)
    try:
        summary, rows = await run_in_threadpool(run, spooled)
    except FivegoodError as e:
        return page(
            request,
            "batch.html",
            status=422,
            standards=_standard_ids(request),
            summary=None,
            rows=[],
            error=e.render(language(request)),
            as_of=on.isoformat(),
        )
    finally:
        os.unlink(spooled)
    return page(
        request,
        "batch.html",
        standards=_standard_ids(request),
        summary=summary,
        rows=rows,
        error=None,
        as_of=on.isoformat(),
        filename=name,
        chosen=standard,
    )


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 20):
        yield chunk


def money(value: Any) -> str:
    """An amount of yuan as people write it: ``¥15,000``."""
    try:
        d = Decimal(str(value))
    except Exception:
        return str(value)
    return f"¥{d:,.2f}".replace(".00", "")


_env.filters["money"] = money
