"""The JSON API under ``/api/v1/``: standards, templates, schemas, checking, batches, and the register.

Each route is a few lines over a library call the command line also makes:
``POST /api/v1/check`` answers exactly ``fivegood check --format json``, a
batch answers exactly the rows of ``fivegood batch --format jsonl``, and each
register route is one :class:`~fivegood_core.register.store.Register` call,
recorded in the audit log under the calling user's name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from typing import Any, Iterator, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.register import reports
from fivegood_core.register.programmes import Programme
from fivegood_core.register.users import ROLES, User
from fivegood_core.render.docgen import standard_json, standard_summary
from fivegood_core.render.jsonschema import batch_row_schema, evidence_schema, result_schema
from fivegood_core.server.auth import authorise, current_user, programme_for, services_of, subject_for
from fivegood_core.server.bodies import spool
from fivegood_core.server.jsonio import ExactJSON, loads
from fivegood_core.server.observe import logger
from fivegood_core.server.problems import ERROR_SCHEMA, HTTPProblem
from fivegood_core.server.services import Services
from fivegood_core.version import installed_version
from fivegood_core.words.catalogue import say, shown

router = APIRouter(prefix="/api/v1", default_response_class=ExactJSON)

#: What a subject id in an address may hold: letters (any script), digits, ``-``, ``_``, and ``.`` between them (never ``..``);
#: at most 200 characters (``max_length`` beside each use).
SUBJECT_ID = r"^[\w][\w\-]*(\.[\w\-]+)*$"
#: A standard's or programme's id: ``jurisdiction/name``, optionally ``@VERSION``.
REF = r"^[a-z0-9][a-z0-9_\-]*(/[a-z0-9][a-z0-9_\-]*)+(@[A-Za-z0-9._\-]+)?$"

#: Answers every route may give, for the OpenAPI document.
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Bad input: the message names the field or key and what was expected.",
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    },
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"description": "Not logged in, or an unknown or revoked token.", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
    403: {
        "description": "The user's role does not allow this, or a form came without its CSRF token.",
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    },
    404: {
        "description": "No such programme or subject (or none this user may see).",
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    },
    409: {
        "description": "Refused by a rule of the programme or the register; nothing changed. `rule` names it.",
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    },
    503: {"description": "The register cannot be used.", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
}
READ_ERRORS = {k: v for k, v in WRITE_ERRORS.items() if k != 409}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "Unknown standard, or no version in force on that date.",
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    }
}


def _services(request: Request) -> Services:
    return services_of(request)


def _ref(id: str, version: str | None) -> str:
    if "@" in id or not version:
        return id
    return f"{id}@{version}"


def _checked_ref(text: str, field: str) -> str:
    if not isinstance(text, str) or not re.fullmatch(REF, text):
        raise EvidenceError([Problem(None, None, field, say("server.bad_ref", got=repr(text)[:80]))])
    return text


def date_field(value: Any, field: str) -> dt.date | None:
    """``value`` as a date written YYYY-MM-DD, or None when it is None; anything else is bad input naming ``field``."""
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise EvidenceError([Problem(None, None, field, say("cli.bad_date", got=repr(value)[:40]))])


# --- the service -----------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    standards: int
    database: Literal["ok", "unavailable"] = Field(description="Whether the register's database can be used")
    database_error: str | None = None


@router.get("/health", tags=["service"], response_model=Health, summary="Is the service up, and can it reach its register")
def health(request: Request) -> Any:
    services = _services(request)
    register = "ok"
    error = None
    try:
        _ = services.register  # opening it (creating or upgrading it, as configured) is the check
    except FivegoodError as e:
        # Why is logged for the operator; the answer, to anyone, says only that it is unavailable (no address, user or path).
        logger.warning("register unavailable: %s", e.render("en"))
        register, error = "unavailable", say("server.unavailable").render("en")
    return {
        "status": "ok",
        "version": installed_version(),
        "standards": len(services.engine.standards()),
        "database": register,
        "database_error": error,
    }


# --- standards -------------------------------------------------------------------------------


class StandardSummary(BaseModel):
    id: str
    version: str
    ref: str
    title: dict[str, str]
    issuer: dict[str, str]
    document: str | None
    issued: str | None
    effective_from: str
    effective_until: str | None
    subject_kind: str
    jurisdiction: str
    provider: str | None
    content_hash: str
    in_force: bool = Field(description="Whether this version is in force on `as_of` (default today).")


@router.get(
    "/standards", tags=["standards"], response_model=list[StandardSummary], responses=ERRORS, summary="Every installed standard version"
)
def list_standards(
    request: Request, as_of: str | None = Query(None, description="YYYY-MM-DD: which versions are in force then (default today)")
) -> Any:
    on = date_field(as_of, "as_of") or dt.date.today()
    return [standard_summary(s) | {"in_force": s.in_force(on)} for s in _services(request).engine.standards()]


def _compiled(request: Request, id: str, version: str | None, as_of: str | None) -> Any:
    _checked_ref(id if "@" in id or not version else f"{id}@{version}", "id")
    return _services(request).engine.get(_ref(id, version), date_field(as_of, "as_of"))


@router.get(
    "/standards/{id:path}/template",
    tags=["standards"],
    responses={
        **ERRORS,
        **NOT_FOUND,
        200: {"content": {"application/toml": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
    },
    summary="An evidence file to fill in for a standard",
)
def template(
    request: Request,
    id: str = Path(description="The standard's id, e.g. `ningbo/five-have-five-good`"),
    version: str | None = Query(None),
    as_of: str | None = Query(None, description="YYYY-MM-DD: the version in force then (default today)"),
    format: Literal["toml", "xlsx"] = Query("toml", description="`toml` (one organisation) or `xlsx` (a workbook, one organisation a row)"),
) -> Response:
    engine = _services(request).engine
    on = date_field(as_of, "as_of") or dt.date.today()
    compiled = _compiled(request, id, version, as_of)
    if format == "xlsx":
        from fivegood_core.render.template_xlsx import evidence_workbook

        name = compiled.defn.ref.replace("/", "-").replace("@", "-") + ".xlsx"
        return Response(
            evidence_workbook(engine, compiled, on),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    from fivegood_core.render.template import evidence_template

    return Response(evidence_template(engine, compiled, on), media_type="application/toml; charset=utf-8")


@router.get(
    "/standards/{id:path}/schema",
    tags=["standards"],
    responses={**ERRORS, **NOT_FOUND},
    summary="The JSON Schema of evidence for a standard",
)
def evidence_schema_route(request: Request, id: str, version: str | None = Query(None), as_of: str | None = Query(None)) -> Any:
    compiled = _compiled(request, id, version, as_of)
    return evidence_schema(_services(request).engine, compiled, date_field(as_of, "as_of"))


@router.get("/standards/{id:path}", tags=["standards"], responses={**ERRORS, **NOT_FOUND}, summary="A standard version, article by article")
def show_standard(
    request: Request,
    id: str = Path(description="The standard's id, e.g. `henan/five-guarantees`, or `ID@VERSION`"),
    version: str | None = Query(None, description="A version; without it, the version in force on `as_of`"),
    as_of: str | None = Query(None, description="YYYY-MM-DD (default today)"),
) -> Any:
    return standard_json(_compiled(request, id, version, as_of))


@router.get("/schemas/result", tags=["standards"], summary="The JSON Schema of a check's result")
def result_schema_route() -> Any:
    return result_schema()


@router.get("/schemas/batch-row", tags=["standards"], summary="The JSON Schema of one batch row")
def batch_row_schema_route() -> Any:
    return batch_row_schema()


# --- checking --------------------------------------------------------------------------------


class CheckRequest(BaseModel):
    """What ``POST /api/v1/check`` reads."""

    standard: str = Field(description="`ID` or `ID@VERSION`", examples=["ningbo/five-have-five-good"])
    as_of: str | None = Field(None, description="YYYY-MM-DD: the date of the assessment (default today)")
    evidence: dict[str, Any] = Field(description="The evidence document, as in a JSON evidence file")


def _check_body(doc: dict[str, Any]) -> tuple[str, dt.date, dict[str, Any]]:
    unknown = sorted(set(doc) - {"standard", "as_of", "evidence"})
    if unknown:
        raise EvidenceError([Problem("<request>", None, unknown[0], say("server.unknown_field", expected="standard, as_of, evidence"))])
    for field in ("standard", "evidence"):
        if field not in doc:
            raise EvidenceError([Problem("<request>", None, field, say("server.field_missing"))])
    standard = doc.get("standard")
    if not isinstance(standard, str):
        raise EvidenceError([Problem("<request>", None, "standard", say("server.standard_expected", got=shown(standard)))])
    _checked_ref(standard, "standard")
    on = date_field(doc.get("as_of"), "as_of") or dt.date.today()
    evidence = doc.get("evidence")
    if not isinstance(evidence, dict):
        raise EvidenceError([Problem("<request>", None, "evidence", say("server.object_expected", got=shown(evidence)))])
    return standard, on, evidence


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


@router.post(
    "/check",
    tags=["evidence"],
    openapi_extra=_schema(CheckRequest),
    responses={
        **ERRORS,
        **NOT_FOUND,
        200: {
            "description": "The result: the same JSON as `fivegood check --format json`, whatever the verdict.",
            "content": {"application/json": {"schema": result_schema()}},
        },
    },
    summary="Check evidence against a standard (nothing is stored)",
)
async def check(request: Request) -> Response:
    services = _services(request)
    doc = loads(await request.body(), "<request>")  # bounded by the BodyLimit middleware
    standard, on, evidence = _check_body(doc)
    result = services.engine.evaluate(evidence, standard, on)
    request.app.state.metrics.verdict(result.verdict.value)
    # The same JSON as `fivegood check --format json`, without its indentation: the C encoder writes it four times faster.
    return Response(result.dumps(indent=None), media_type="application/json")


# --- batches ---------------------------------------------------------------------------------

#: Sent with every export: whether the register it was taken from verifies.
VERIFIED_HEADER = "X-Fivegood-Register-Verified"

BATCH_TYPES = {"application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl", "application/json-lines": ".jsonl", "text/csv": ".csv"}


@router.post(
    "/batch",
    tags=["evidence"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
    responses={
        **ERRORS,
        **NOT_FOUND,
        413: {"description": "The body is larger than the limit.", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
        415: {"description": "The body is neither JSON Lines nor CSV.", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
        200: {
            "content": {"application/x-ndjson": {}},
            "description": "One row per record, as `fivegood batch --format jsonl` writes them, streamed.",
        },
    },
    summary="Assess many records (JSON Lines or CSV body) into JSON Lines rows",
)
async def batch(
    request: Request,
    standard: str = Query(description="`ID` or `ID@VERSION`"),
    as_of: str | None = Query(None, description="YYYY-MM-DD (default today)"),
) -> Response:
    from fivegood_core.batch.fast import json_line
    from fivegood_core.batch.run import file_rows

    services = _services(request)
    _checked_ref(standard, "standard")
    on = date_field(as_of, "as_of") or dt.date.today()
    compiled = services.engine.get(standard, on)
    media = request.headers.get("content-type", "application/x-ndjson").split(";")[0].strip().lower()
    suffix = BATCH_TYPES.get(media)
    if suffix is None:
        raise HTTPProblem(415, say("server.batch_type", got=media, expected=", ".join(BATCH_TYPES)), code="bad_request")
    name = await spool(request.stream(), suffix)
    try:
        found = file_rows(services.engine, name, compiled, on, "<body>", every=True)
        first = next(found, None)  # a refused file (UTF-16, a duplicated column) is refused whole, before any row
    except BaseException:
        os.unlink(name)
        raise

    def rows() -> Iterator[str]:
        try:
            if first is None:
                return
            for row in _chain(first, found):
                yield json_line(row) + "\n"
        finally:
            os.unlink(name)

    return StreamingResponse(iterate_in_threadpool(rows()), media_type="application/x-ndjson")


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


# --- the register: reading -------------------------------------------------------------------


def _programme(request: Request, user: User | None, ref: str, on: dt.date | None = None) -> Programme:
    return programme_for(request, user, _checked_ref(ref, "programme"), on)


SubjectId = Path(pattern=SUBJECT_ID, max_length=200, description="The subject's id (letters, digits, `-`, `_`, `.`)")


@router.get("/register/programmes", tags=["register"], responses=READ_ERRORS, summary="The programmes the register runs")
def programmes(request: Request) -> Any:
    user = authorise(request, "read")
    out = []
    for prog in _services(request).register.programmes.all():
        if user.sees(prog.jurisdiction):
            out.append(
                {
                    "id": prog.id,
                    "version": prog.version,
                    "ref": prog.ref,
                    "title": prog.title.to_json(),
                    "issuer": prog.issuer.to_json(),
                    "jurisdiction": prog.jurisdiction,
                    "standard": prog.standard,
                    "decision": prog.decision,
                    "effective_from": prog.effective_from,
                    "effective_until": prog.effective_until,
                }
            )
    return out


@router.get(
    "/register/programmes/{programme:path}/status", tags=["register"], responses=READ_ERRORS, summary="Each subject's standing on a date"
)
def programme_status(request: Request, programme: str, on: str | None = Query(None)) -> Any:
    user = authorise(request, "read")
    day = date_field(on, "on")
    prog = _programme(request, user, programme, day)
    return reports.status(_services(request).register, prog.ref, day)


@router.get(
    "/register/programmes/{programme:path}/rollup",
    tags=["register"],
    responses=READ_ERRORS,
    summary="Counts by status per area, quotas, reward totals",
)
def programme_rollup(request: Request, programme: str, on: str | None = Query(None), area: str | None = Query(None)) -> Any:
    user = authorise(request, "read")
    day = date_field(on, "on")
    prog = _programme(request, user, programme, day)
    return reports.rollup(_services(request).register, prog.ref, day, area)


@router.get("/register/subjects", tags=["register"], responses=READ_ERRORS, summary="Every subject the user may see")
def subjects(request: Request) -> Any:
    user = authorise(request, "read")
    return [s for s in _services(request).register.subjects() if user.sees(s["jurisdiction"])]


@router.get(
    "/register/subjects/{subject}",
    tags=["register"],
    responses=READ_ERRORS,
    summary="A subject's history: submissions, assessments, decisions, waivers, ledger, audit",
)
def subject_history(request: Request, subject: str = SubjectId) -> Any:
    user = authorise(request, "read")
    subject_for(request, user, subject)
    return reports.history(_services(request).register, subject)


@router.get("/register/ledger", tags=["register"], responses=READ_ERRORS, summary="The reward ledger (SPEC section 6's JSON)")
def ledger(request: Request, programme: str | None = Query(None), subject: str | None = Query(None, pattern=SUBJECT_ID)) -> Any:
    user = authorise(request, "read")
    reg = _services(request).register
    if programme:
        _programme(request, user, programme)
    rows = reg.ledger(programme, subject)
    jurisdictions = {s["id"]: s["jurisdiction"] for s in reg.subjects()}
    return [r for r in rows if user.sees(jurisdictions.get(r["subject"], ""))]


@router.get("/register/log", tags=["register"], responses=READ_ERRORS, summary="The audit log, oldest first")
def audit_log(request: Request) -> Any:
    user = authorise(request, "read")
    reg = _services(request).register
    if user.jurisdiction is None:
        return reg.log()
    jurisdictions = {s["id"]: s["jurisdiction"] for s in reg.subjects()}
    return [e for e in reg.log() if (s := e["detail"].get("subject")) and user.sees(jurisdictions.get(s, ""))]


@router.get("/register/verify", tags=["register"], responses=READ_ERRORS, summary="Check the audit chain and every row's hash")
def verify(request: Request) -> Any:
    authorise(request, "read")
    return _services(request).register.verify().to_json()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/register/export",
    tags=["register"],
    responses={
        **READ_ERRORS,
        200: {
            "content": {"application/json": {}, XLSX: {}},
            "description": "Every table, the ledger, and with a programme its status and roll-up",
            "headers": {
                VERIFIED_HEADER: {
                    "description": "`true` when the register's audit chain and rows verify (`fivegood register verify`), else `false`",
                    "schema": {"type": "string", "enum": ["true", "false"]},
                }
            },
        },
    },
    summary="The register as a workbook (one sheet a table) or JSON, as `fivegood register export` writes it",
)
def export(
    request: Request,
    programme: str | None = Query(None, description="Adds the programme's status and roll-up sheets"),
    on: str | None = Query(None, description="YYYY-MM-DD, for the status and roll-up (default today)"),
    format: Literal["json", "xlsx"] = Query("xlsx"),
) -> Response:
    from fivegood_core.register import export as exporting

    user = authorise(request, "read")
    if user.jurisdiction is not None:
        # The tables hold every jurisdiction's rows; a user limited to one reads them through the other routes.
        raise HTTPProblem(403, say("server.export_limited", user=user.name, jurisdiction=user.jurisdiction), code="forbidden")
    day = date_field(on, "on")
    ref = _programme(request, user, programme, day).ref if programme else None
    register = _services(request).register
    data = exporting.sheets(register, ref, day)
    # As `fivegood register export` says on stderr: whether the register the export was taken from verifies.
    verified = {VERIFIED_HEADER: "true" if register.verify().ok else "false"}
    if format == "json":
        return Response(exporting.to_json(data), media_type="application/json", headers=verified)
    with tempfile.TemporaryDirectory(prefix="fivegood-export-") as folder:
        workbook = exporting.to_xlsx(data, os.path.join(folder, "register.xlsx")).read_bytes()
    headers = {"Content-Disposition": 'attachment; filename="fivegood-register.xlsx"', **verified}
    return Response(workbook, media_type=XLSX, headers=headers)


# --- the register: changes -------------------------------------------------------------------


class Nomination(BaseModel):
    subject: str = Field(pattern=SUBJECT_ID, max_length=200)
    name: str | None = Field(None, max_length=500)
    prefecture: str | None = Field(None, max_length=100, description="Code, Chinese or romanised name")
    district: str | None = Field(None, max_length=100, description="Code, Chinese or romanised name")
    on: dt.date | None = None


class Dated(BaseModel):
    on: dt.date | None = Field(None, description="The date it takes effect (default today)")


class Assess(BaseModel):
    as_of: dt.date | None = Field(None, description="The date of the assessment (default today)")


class Reasoned(Dated):
    reason: str = Field(min_length=1, max_length=2000)


class Waiver(Dated):
    criterion: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    expires: dt.date


class Payment(BaseModel):
    to: Literal["approved", "paid", "reversed"]
    reference: str | None = Field(None, max_length=200)
    reason: str | None = Field(None, max_length=2000)


@router.post(
    "/register/programmes/{programme:path}/nominations", tags=["register"], responses=WRITE_ERRORS, summary="Nominate a subject (assessor)"
)
def nominate(request: Request, programme: str, body: Nomination) -> Any:
    user = authorise(request, "nominate")
    prog = _programme(request, user, programme, body.on)
    return _services(request).register.nominate(
        prog.ref, body.subject, name=body.name, prefecture=body.prefecture, district=body.district, on=body.on, actor=user.name
    )


@router.post(
    "/register/programmes/{programme:path}/submissions",
    tags=["register"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}, "application/toml": {"schema": {"type": "string"}}},
        }
    },
    responses=WRITE_ERRORS,
    summary="Submit evidence (assessor): the body is the evidence file, JSON or TOML, stored byte for byte",
)
async def submit(request: Request, programme: str, on: str | None = Query(None)) -> Any:
    user = authorise(request, "submit")
    day = date_field(on, "on")
    prog = _programme(request, user, programme, day)
    content = await request.body()  # bounded by the BodyLimit middleware
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    filename = "evidence.toml" if media in ("application/toml", "text/toml", "text/plain") else "evidence.json"
    reg = _services(request).register

    def store() -> Any:
        checked_subject_id(reg.parse(content, filename), filename)
        return reg.submit(prog.ref, content, filename, on=day, actor=user.name)

    return await run_in_threadpool(store)


def checked_subject_id(doc: Any, filename: str) -> None:
    """Refuse evidence whose ``subject.id`` is not an id the API and the pages can address (``../x``, ``<b>``, ``a/b``)."""
    table = doc.get("subject") if isinstance(doc, dict) else None
    found = table.get("id") if isinstance(table, dict) else None
    if isinstance(found, str) and (len(found) > 200 or not re.fullmatch(SUBJECT_ID, found)):
        raise EvidenceError([Problem(filename, None, "subject.id", say("server.bad_subject_id", got=repr(found)[:80]))])


def _subject_op(request: Request, action: str, programme: str, subject: str, on: dt.date | None) -> tuple[User, Programme]:
    user = authorise(request, action)
    prog = _programme(request, user, programme, on)
    subject_for(request, user, subject)
    return user, prog


@router.post(
    "/register/programmes/{programme:path}/subjects/{subject}/assess",
    tags=["register"],
    responses=WRITE_ERRORS,
    summary="Assess the latest submission (assessor)",
)
def assess(request: Request, programme: str, subject: str = SubjectId, body: Assess | None = None) -> Any:
    body = body or Assess(as_of=None)
    user, prog = _subject_op(request, "assess", programme, subject, body.as_of)
    return _services(request).register.assess(prog.ref, subject, as_of=body.as_of, actor=user.name)


@router.post(
    "/register/programmes/{programme:path}/subjects/{subject}/certify",
    tags=["register"],
    responses=WRITE_ERRORS,
    summary="Certify or designate (approver)",
)
def certify(request: Request, programme: str, subject: str = SubjectId, body: Dated | None = None) -> Any:
    body = body or Dated(on=None)
    user, prog = _subject_op(request, "certify", programme, subject, body.on)
    return _services(request).register.certify(prog.ref, subject, on=body.on, actor=user.name)


@router.post(
    "/register/programmes/{programme:path}/subjects/{subject}/refuse",
    tags=["register"],
    responses=WRITE_ERRORS,
    summary="Refuse certification (approver)",
)
def refuse(request: Request, programme: str, body: Reasoned, subject: str = SubjectId) -> Any:
    user, prog = _subject_op(request, "refuse", programme, subject, body.on)
    return _services(request).register.refuse(prog.ref, subject, body.reason, on=body.on, actor=user.name)


@router.post(
    "/register/programmes/{programme:path}/subjects/{subject}/revoke",
    tags=["register"],
    responses=WRITE_ERRORS,
    summary="Revoke a certification (approver)",
)
def revoke(request: Request, programme: str, body: Reasoned, subject: str = SubjectId) -> Any:
    user, prog = _subject_op(request, "revoke", programme, subject, body.on)
    return _services(request).register.revoke(prog.ref, subject, body.reason, on=body.on, actor=user.name)


@router.post(
    "/register/programmes/{programme:path}/subjects/{subject}/waive",
    tags=["register"],
    responses=WRITE_ERRORS,
    summary="Waive one criterion until a date (approver)",
)
def waive(request: Request, programme: str, body: Waiver, subject: str = SubjectId) -> Any:
    user, prog = _subject_op(request, "waive", programme, subject, body.on)
    return _services(request).register.waive(
        prog.ref, subject, body.criterion, reason=body.reason, approver=user.name, expires=body.expires, on=body.on, actor=user.name
    )


@router.post(
    "/register/programmes/{programme:path}/subjects/{subject}/rewards/{scheme}",
    tags=["register"],
    responses=WRITE_ERRORS,
    summary="Approve, pay or reverse a reward (approver)",
)
def pay(request: Request, programme: str, body: Payment, subject: str = SubjectId, scheme: str = Path(pattern=SUBJECT_ID)) -> Any:
    user, prog = _subject_op(request, "pay", programme, subject, None)
    return _services(request).register.pay(
        subject, scheme, to=body.to, reference=body.reference, reason=body.reason, programme=prog.ref, actor=user.name
    )


# --- users -----------------------------------------------------------------------------------


class NewUser(BaseModel):
    name: str = Field(pattern=SUBJECT_ID, max_length=200)
    role: Literal["viewer", "assessor", "approver", "admin"]
    password: str = Field(min_length=1, max_length=1000)
    jurisdiction: str | None = Field(None, max_length=100)


class NewToken(BaseModel):
    label: str = Field("", max_length=200)


def _user_json(user: User) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "jurisdiction": user.jurisdiction, "active": user.active, "created": user.created}


@router.get("/me", tags=["users"], responses=READ_ERRORS, summary="The calling user")
def me(request: Request) -> Any:
    user = current_user(request)
    if user is None:
        raise HTTPProblem(401, say("server.login_required"), {"WWW-Authenticate": "Bearer"}, code="login_required")
    return _user_json(user) | {"may": [a for a in sorted(_actions()) if user.may(a)]}


def _actions() -> set[str]:
    from fivegood_core.register.users import PERMISSIONS

    return set(PERMISSIONS)


@router.get("/users", tags=["users"], responses=READ_ERRORS, summary="Every user (admin)")
def users(request: Request) -> Any:
    authorise(request, "users")
    return [_user_json(u) for u in _services(request).users.list()]


@router.post("/users", tags=["users"], responses=WRITE_ERRORS, summary="Add a user (admin)")
def add_user(request: Request, body: NewUser) -> Any:
    admin = authorise(request, "users")
    assert body.role in ROLES
    return _user_json(_services(request).users.add(body.name, body.role, body.password, jurisdiction=body.jurisdiction, actor=admin.name))


@router.post("/users/{name}/disable", tags=["users"], responses=WRITE_ERRORS, summary="Disable a user and their tokens (admin)")
def disable_user(request: Request, name: str = Path(pattern=SUBJECT_ID)) -> Any:
    admin = authorise(request, "users")
    return _user_json(_services(request).users.disable(name, actor=admin.name))


@router.post(
    "/users/{name}/tokens",
    tags=["users"],
    responses=WRITE_ERRORS,
    summary="Issue an API token for a user (admin); the secret is shown once",
)
def issue_token(request: Request, body: NewToken, name: str = Path(pattern=SUBJECT_ID)) -> Any:
    admin = authorise(request, "users")
    secret, info = _services(request).users.issue_token(name, label=body.label, actor=admin.name)
    return {"token": secret, "id": info.id, "user": info.user, "label": info.label, "created": info.created}


@router.post("/tokens/{token_id}/revoke", tags=["users"], responses=WRITE_ERRORS, summary="Revoke an API token (admin)")
def revoke_token(request: Request, token_id: str = Path(pattern=SUBJECT_ID)) -> Any:
    admin = authorise(request, "users")
    info = _services(request).users.revoke_token(token_id, actor=admin.name)
    return {"id": info.id, "user": info.user, "label": info.label, "created": info.created, "revoked": info.revoked}


# --- the OpenAPI document ----------------------------------------------------------------------

#: Routes whose answers depend on who calls: a bearer token (or the pages' session cookie) identifies the user.
AUTHENTICATED = ("/api/v1/register/", "/api/v1/users", "/api/v1/tokens/", "/api/v1/me")


def with_security(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the bearer-token scheme declared, and required by every route that needs a user."""
    document.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `fivegood register user token NAME` prints one; an admin revokes it.",
    }
    for path, operations in document.get("paths", {}).items():
        if path.startswith(AUTHENTICATED):
            for operation in operations.values():
                operation["security"] = [{"bearer": []}]
    return document


# --- metrics ---------------------------------------------------------------------------------

metrics_router = APIRouter()


@metrics_router.get("/metrics", tags=["service"], response_class=PlainTextResponse, summary="Counters in Prometheus' text format")
def metrics(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.app.state.metrics.text(), media_type="text/plain; version=0.0.4")
