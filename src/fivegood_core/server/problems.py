"""How an error becomes an HTTP answer: one table from error class to status, one JSON shape for every error.

The messages are the library's own (the words catalogue), in English and
Chinese, so a tool calling the API reads what the command line would print.
"""

from __future__ import annotations

from typing import Any, Mapping

from fivegood_core.errors import EvidenceError, FivegoodError, ProblemsError, ResolutionError, StandardError
from fivegood_core.register.errors import RefusedError, RegisterError, UnavailableError
from fivegood_core.words.catalogue import Message, render


class HTTPProblem(FivegoodError):
    """An error the service itself raises: not logged in, not allowed, a missing CSRF token, too large."""

    def __init__(self, status: int, message: Message, headers: Mapping[str, str] | None = None, *, code: str) -> None:
        self.status = status
        self.code = code
        self.headers = dict(headers or {})
        super().__init__(message)


class NotFound(HTTPProblem):
    """Nothing at that address, or nothing this user may see there (the same answer, so nothing leaks)."""

    def __init__(self, message: Message) -> None:
        super().__init__(404, message, code="not_found")


#: Error class → (HTTP status, code), most specific first.
STATUS: tuple[tuple[type[FivegoodError], int, str], ...] = (
    (EvidenceError, 422, "bad_evidence"),
    (StandardError, 500, "broken_standard"),
    (ResolutionError, 404, "unknown_standard"),
    (RefusedError, 409, "refused"),
    (UnavailableError, 503, "register_unavailable"),
    (RegisterError, 422, "bad_request"),
    (FivegoodError, 422, "bad_request"),
)


def status_of(error: FivegoodError) -> tuple[int, str]:
    """The HTTP status and the error code for ``error``."""
    if isinstance(error, HTTPProblem):
        return error.status, error.code
    for cls, status, code in STATUS:
        if isinstance(error, cls):
            return status, code
    return 422, "bad_request"  # pragma: no cover - FivegoodError is last in the table


def body(error: FivegoodError) -> dict[str, Any]:
    """The JSON body of an error answer: ``{"error": {status, code, message, message_zh, problems, …}}``."""
    status, code = status_of(error)
    out: dict[str, Any] = {"status": status, "code": code, "message": error.render("en"), "message_zh": error.render("zh")}
    if isinstance(error, ProblemsError):
        out["problems"] = [
            {
                "file": p.file,
                "line": p.line,
                "key": p.key,
                "message": render(p.message, "en"),
                "message_zh": render(p.message, "zh"),
            }
            for p in error.problems
        ]
    if isinstance(error, RefusedError):
        out["rule"] = error.rule
        out["citation"] = error.citation
    return {"error": out}


#: The OpenAPI schema of every error answer.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "message_zh"],
            "properties": {
                "status": {"type": "integer"},
                "code": {
                    "type": "string",
                    "description": "bad_evidence, bad_request, unknown_standard, not_found, refused, "
                    "login_required, forbidden, csrf, throttled, too_large, register_unavailable",
                },
                "message": {"type": "string", "description": "What is wrong, in English: the command line's own message."},
                "message_zh": {"type": "string", "description": "The same in Chinese."},
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "file": {"type": ["string", "null"]},
                            "line": {"type": ["integer", "null"]},
                            "key": {"type": ["string", "null"]},
                            "message": {"type": "string"},
                            "message_zh": {"type": "string"},
                        },
                    },
                },
                "rule": {"type": "string", "description": "For a refusal: the rule of the programme or the register."},
                "citation": {"type": ["string", "null"], "description": "For a refusal: the document's sentence the rule comes from."},
            },
        }
    },
}
