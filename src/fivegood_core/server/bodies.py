"""Request bodies, bounded: read whole, or spooled to a temporary file, and refused (413) past their limit as they arrive."""

from __future__ import annotations

import os
import tempfile
from typing import AsyncIterator

from starlette.requests import Request

from fivegood_core.server.problems import HTTPProblem
from fivegood_core.words.catalogue import say


def _too_large(limit: int) -> HTTPProblem:
    return HTTPProblem(413, say("server.too_large", limit=limit), code="too_large")


async def bounded(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """The chunks as they come, refused once they add up to more than ``limit`` bytes."""
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        yield chunk


async def read_bounded(request: Request, limit: int) -> bytes:
    """The request body, refused when longer than ``limit`` bytes, before it is all read."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    return b"".join([chunk async for chunk in bounded(request.stream(), limit)])


async def spool(chunks: AsyncIterator[bytes], limit: int, suffix: str) -> str:
    """The chunks written to a new temporary file, whose path is returned (the caller removes it); nothing is left on a refusal.

    Batches are spooled rather than held: they are then read record by record, so memory stays flat however long they are.
    """
    handle = tempfile.NamedTemporaryFile(prefix="fivegood-", suffix=suffix, delete=False)
    try:
        with handle:
            async for chunk in bounded(chunks, limit):
                handle.write(chunk)
    except BaseException:
        os.unlink(handle.name)
        raise
    return handle.name
