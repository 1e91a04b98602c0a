"""Request bodies spooled to a temporary file as they arrive, so that a batch is then read record by record.

How large a body may be is checked once, for every request, by the
application's ``BodyLimit`` middleware (``app.py``): past its limit the body is
refused with 413 while it arrives, before any route has it all.
"""

from __future__ import annotations

import os
import tempfile
from typing import AsyncIterator


async def spool(chunks: AsyncIterator[bytes], suffix: str) -> str:
    """The chunks written to a new temporary file, whose path is returned (the caller removes it); nothing is left on an error."""
    handle = tempfile.NamedTemporaryFile(prefix="fivegood-", suffix=suffix, delete=False)
    try:
        with handle:
            async for chunk in chunks:
                handle.write(chunk)
    except BaseException:
        os.unlink(handle.name)
        raise
    return handle.name
