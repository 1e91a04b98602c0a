"""The ASGI application: the JSON API, the pages, their errors and headers, put together by :func:`create_app`.

Why FastAPI (on uvicorn): the OpenAPI document is generated from the routes'
own type hints and models, so it cannot drift from what the service does; it
runs plain functions in a thread pool, which suits the register's blocking
database calls; and Starlette underneath gives signed-cookie-friendly
requests, streaming answers and a test client without a network.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from fivegood_core.engine import Engine
from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.register.errors import UnavailableError
from fivegood_core.server import api, pages
from fivegood_core.server.auth import screened
from fivegood_core.server.jsonio import ExactJSON
from fivegood_core.server.observe import Metrics, RequestLog, logger
from fivegood_core.server.problems import HTTPProblem, body, status_of
from fivegood_core.server.services import Services
from fivegood_core.server.settings import Settings
from fivegood_core.version import installed_version
from fivegood_core.words.catalogue import say

HERE = Path(__file__).parent

#: Sent with every answer. Scripts and styles come only from this service (no inline script, nothing from elsewhere).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

DESCRIPTION = """Standards as code: check evidence against versioned certification standards, article by article,
and run certification programmes on the register (nominate, submit, assess, certify, pay).

Reading standards and checking evidence need no login and store nothing. Every change to the register needs
an authenticated user (`Authorization: Bearer <token>`; tokens are issued with `fivegood register user token`)
whose role allows it: a viewer reads; an assessor nominates, submits and assesses; an approver certifies,
refuses, revokes, waives and moves payments; an admin manages users.

Every error answers `{"error": {"status", "code", "message", "message_zh", "problems"?, "rule"?, "citation"?}}`
with the command line's own messages."""


#: Where a body may be as large as a batch; every other request body is bounded by the evidence limit.
BATCH_PATHS = frozenset({"/batch", "/api/v1/batch"})


class BodyLimit:
    """ASGI middleware: refuse (413) a request body over the limit, before it is read into memory or spooled to disk.

    The one bound of every body: what routes read themselves (evidence, batches),
    JSON bodies FastAPI reads for a route's model (before the user is known), and
    every form of the pages (a file part of a form is spooled to disk whole
    before the route sees it).
    """

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_batch_body if scope["path"] in BATCH_PATHS else self.settings.max_evidence_body
        too_large = HTTPProblem(413, say("server.too_large", limit=limit), code="too_large")
        for name, value in scope.get("headers") or ():
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_large(scope, receive, send, too_large)
                return
        size = 0

        async def bounded() -> Any:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    raise too_large
            return message

        await self.app(scope, bounded, send)


async def _too_large(scope: Any, receive: Any, send: Any, problem: HTTPProblem) -> None:
    path = scope["path"]
    if path.startswith(("/api/", "/metrics", "/openapi.json")):
        response: Response = ExactJSON(body(problem), status_code=413)
    else:
        response = Response(
            problem.render("en") + "\n" + problem.render("zh") + "\n", status_code=413, media_type="text/plain; charset=utf-8"
        )
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/metrics", "/openapi.json"))


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The service for ``settings`` (default: from the environment); ``engine`` to share one already built."""
    settings = settings or Settings.from_environment()
    services = Services(settings, engine)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        services.close()

    app = FastAPI(
        lifespan=lifespan,
        title="fivegood",
        version=installed_version(),
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        # The interactive documentation pages load scripts from a CDN; the service fetches nothing from elsewhere.
        docs_url=None,
        redoc_url=None,
        default_response_class=ExactJSON,
    )
    app.state.services = services
    app.state.metrics = Metrics()
    app.include_router(api.router)
    app.include_router(api.metrics_router)
    app.include_router(pages.router)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        # FastAPI builds the document from the routes once; the bearer scheme is added to what it built.
        if app.openapi_schema is None:
            app.openapi_schema = api.with_security(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(FivegoodError)
    async def fivegood_error(request: Request, exc: FivegoodError) -> Response:
        exc = screened(request, exc)
        if isinstance(exc, UnavailableError):
            # Why (the database's address, its user, a file's path) is for the operator's log, not for any caller.
            logger.warning("register unavailable: %s", exc.render("en"))
            exc = HTTPProblem(503, say("server.unavailable"), code="register_unavailable")
        status, _ = status_of(exc)
        headers = exc.headers if isinstance(exc, HTTPProblem) else None
        if _is_api(request):
            return ExactJSON(body(exc), status_code=status, headers=headers)
        return pages.error_page(request, exc, status, headers)

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> Response:
        # The client went away before sending its whole body: nobody to answer, and no traceback for the log.
        return Response(status_code=400)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem(
                "<request>",
                None,
                ".".join(str(p) for p in e.get("loc", ())[1:]) or None,
                say("server.field_missing") if e.get("type") == "missing" else say("server.invalid", detail=e.get("msg", "")),
            )
            for e in exc.errors()
        ]
        error = EvidenceError(problems or [Problem("<request>", None, None, say("server.invalid", detail=str(exc)))])
        error_body = body(error)
        error_body["error"]["code"] = "bad_request"
        if _is_api(request):
            return ExactJSON(error_body, status_code=422)
        return pages.error_page(request, error, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc.__cause__, HTTPProblem):  # FastAPI wraps what reading a body raised (BodyLimit's 413) in a 400
            return await fivegood_error(request, exc.__cause__)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        problem = HTTPProblem(exc.status_code, say("server.http", status=exc.status_code, detail=str(exc.detail)), code=code)
        if _is_api(request):
            return ExactJSON(body(problem), status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return pages.error_page(request, problem, exc.status_code)

    # Inside the headers middleware (which would wrap what the limit raises in an exception group), outside the routes.
    app.add_middleware(BodyLimit, settings=settings)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # Outermost: every request is counted and logged, errors included.
    app.add_middleware(RequestLog, metrics=app.state.metrics, log_evidence=settings.log_evidence)
    return app
