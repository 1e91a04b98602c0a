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
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from fivegood_core.engine import Engine
from fivegood_core.errors import EvidenceError, FivegoodError, Problem
from fivegood_core.server import api, pages
from fivegood_core.server.jsonio import ExactJSON
from fivegood_core.server.observe import Metrics, RequestLog
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
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(FivegoodError)
    async def fivegood_error(request: Request, exc: FivegoodError) -> Response:
        status, _ = status_of(exc)
        headers = exc.headers if isinstance(exc, HTTPProblem) else None
        if _is_api(request):
            return ExactJSON(body(exc), status_code=status, headers=headers)
        return pages.error_page(request, exc, status, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem(
                "<request>", None, ".".join(str(p) for p in e.get("loc", ())[1:]) or None, say("server.invalid", detail=e.get("msg", ""))
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
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        problem = HTTPProblem(exc.status_code, say("server.http", status=exc.status_code, detail=str(exc.detail)), code=code)
        if _is_api(request):
            return ExactJSON(body(problem), status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return pages.error_page(request, problem, exc.status_code)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # Outermost: every request is counted and logged, errors included.
    app.add_middleware(RequestLog, metrics=app.state.metrics, log_evidence=settings.log_evidence)
    return app
