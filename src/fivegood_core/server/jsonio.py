"""JSON in and out of the service, exactly: numbers with a fraction stay decimals, money stays a string.

FastAPI's own encoder turns ``Decimal`` into ``float``; answers here are
written by :func:`dumps`, and request bodies that carry evidence are read by
the engine's own JSON parser (duplicate keys refused, fractions as ``Decimal``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from starlette.responses import JSONResponse

from fivegood_core.evidence.document import parse_json_evidence


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"{len(bytes(value))} bytes"
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    raise TypeError(f"not JSON: {type(value).__name__}")


def dumps(data: Any) -> str:
    """``data`` as JSON text: decimals and fractions as strings, dates as ISO dates, Chinese as itself."""
    return json.dumps(data, ensure_ascii=False, default=_default)


class ExactJSON(JSONResponse):
    """A JSON answer written by :func:`dumps` (a JSONResponse, so that the OpenAPI document describes it as JSON).

    Routes whose data may hold decimals return it wrapped in this class
    themselves: FastAPI would otherwise pass it through its own encoder first.
    """

    def render(self, content: Any) -> bytes:
        return content.encode("utf-8") if isinstance(content, str) else dumps(content).encode("utf-8")


def loads(body: bytes, name: str) -> dict[str, Any]:
    """A request body that must be a JSON object, read as the engine reads JSON evidence (``name`` names it in errors)."""
    from fivegood_core.errors import EvidenceError, Problem
    from fivegood_core.words.catalogue import say

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise EvidenceError([Problem(name, None, None, say("server.not_utf8", byte=e.start))]) from None
    return parse_json_evidence(text, name)
