"""Writing what the command line produces: whole or not at all, never over its own input.

A report or a batch's rows go to a temporary file beside the target, renamed
into place only when everything is written; an interrupted or failed run
leaves the target as it was. An output that is one of the inputs is refused
before anything is read.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from fivegood_core.errors import FivegoodError
from fivegood_core.words.catalogue import say


def refuse_overwriting(outputs: Iterable[str | None], inputs: Iterable[str]) -> None:
    """A FivegoodError if an output names an existing input file (or another output)."""
    seen: list[tuple[str, Path]] = [(i, Path(i)) for i in inputs if i != "-"]
    for output in outputs:
        if not output or output == "-":
            continue
        target = Path(output)
        for name, other in seen:
            if _same(target, other):
                raise FivegoodError(say("cli.output_is_input", output=output, input=name))
        seen.append((output, target))


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b) or a.resolve() == b.resolve()
    except OSError:
        return False


@contextlib.contextmanager
def atomic(path: str, newline: str | None = None) -> Iterator[IO[str]]:
    """A text file written under a temporary name beside ``path`` and renamed to it when the block ends without error."""
    with _atomic(path, "w", newline) as handle:
        yield handle


@contextlib.contextmanager
def atomic_bytes(path: str) -> Iterator[IO[bytes]]:
    """A binary file (a workbook) written as :func:`atomic` writes text."""
    with _atomic(path, "wb", None) as handle:
        yield handle


@contextlib.contextmanager
def _atomic(path: str, mode: str, newline: str | None) -> Iterator[Any]:
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()  # the file the link names is replaced, never the link itself
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written to: renaming a file over it would replace it.
        with _direct(target, mode, newline) as handle:
            yield handle
        return
    try:
        import tempfile  # imported when used, not at start-up

        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise FivegoodError(say("cli.cannot_write", file=path, error=str(exc.strerror or exc))) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
        if "b" in mode:
            with os.fdopen(fd, mode) as handle:
                yield handle
        else:
            with os.fdopen(fd, mode, encoding="utf-8", newline=newline) as handle:
                yield handle
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise FivegoodError(say("cli.cannot_write", file=path, error=str(exc.strerror or exc))) from None
    except BaseException:
        _remove(temporary)
        raise


@contextlib.contextmanager
def _direct(target: Path, mode: str, newline: str | None) -> Iterator[Any]:
    try:
        handle = open(target, mode) if "b" in mode else open(target, mode, encoding="utf-8", newline=newline)
    except OSError as exc:
        raise FivegoodError(say("cli.cannot_write", file=str(target), error=str(exc.strerror or exc))) from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        raise FivegoodError(say("cli.cannot_write", file=str(target), error=str(exc.strerror or exc))) from None


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def stdout() -> IO[str]:
    """Standard output, or a clear error when the caller closed it."""
    if sys.stdout is None:
        raise FivegoodError(say("cli.stdout_closed"))
    return sys.stdout


@contextlib.contextmanager
def destination(path: str | None, newline: str | None = None) -> Iterator[IO[str]]:
    """``path`` written atomically, or standard output when there is none; write errors name where."""
    if path and path != "-":
        with atomic(path, newline) as handle:
            yield handle
        return
    out = stdout()
    try:
        yield out
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise FivegoodError(say("cli.cannot_write", file="<stdout>", error=str(exc.strerror or exc))) from None


def write_bytes(data: bytes, path: str | None) -> None:
    """``data`` (a workbook) written atomically to ``path``, or to standard output when it is not a terminal."""
    if path and path != "-":
        with atomic_bytes(path) as handle:
            handle.write(data)
        return
    out = stdout()
    if out.isatty():
        # A workbook's bytes on a terminal are noise, and may be control sequences.
        raise FivegoodError(say("xlsx.needs_output"))
    binary: IO[bytes] = getattr(out, "buffer", None) or sys.stdout.buffer
    try:
        out.flush()
        binary.write(data)
        binary.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise FivegoodError(say("cli.cannot_write", file="<stdout>", error=str(exc.strerror or exc))) from None
