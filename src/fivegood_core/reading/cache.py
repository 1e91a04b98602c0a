"""A per-user cache of what is slow to work out at start-up and depends only on its key.

Three things use it: parsed standard and vocabulary files (:mod:`.tomlfile`),
the plugins installed (:mod:`fivegood_core.catalogue.manager`), and the built
catalogue (:mod:`fivegood_core.catalogue.catalogue`). Each entry is a pickle
named by a SHA-256 of everything it depends on, so a stale entry is never found
rather than found and checked (the catalogue's entry also records the files of
the code it was built with, checked when it is read). Entries are written to a temporary
file and renamed into place (atomic on POSIX and Windows): two processes writing
one entry at once leave one whole entry. An entry that cannot be read, or is not
of the shape its reader expects, is ignored and written again.

``FIVEGOOD_CACHE_DIR`` chooses the folder (default ``$XDG_CACHE_HOME/fivegood``,
else ``~/.cache/fivegood``); ``FIVEGOOD_CACHE_DIR=off`` (or empty) turns it off.
The folder is the user's own (created ``0700``), like Python's ``__pycache__``:
whoever can write there can already run code as that user.
"""

from __future__ import annotations

import os
from typing import Any

try:  # CPython's own SHA-256: the same digests as hashlib's, without loading OpenSSL (2–3 ms) at every start
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found,unused-ignore]  # CPython 3.12 and later
except ImportError:  # pragma: no cover - depends on the Python
    try:
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found,no-redef,unused-ignore]  # CPython 3.11 and before
    except ImportError:  # a Python built without them (or another implementation)
        from hashlib import sha256 as _sha256  # type: ignore[assignment,unused-ignore]


def sha256(data: bytes = b"") -> Any:
    """A SHA-256 hash object, as :func:`hashlib.sha256` makes (``update``, ``hexdigest``)."""
    return _sha256(data)


def cache_dir() -> str | None:
    """The cache folder, or None when the cache is off."""
    chosen = os.environ.get("FIVEGOOD_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip() in ("", "off", "0") else chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "fivegood")


def entry_path(kind: str, *key: bytes) -> str | None:
    """Where the entry of ``kind`` for ``key`` lives (None when the cache is off)."""
    folder = cache_dir()
    if folder is None:
        return None
    digest = sha256()
    for part in key:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return os.path.join(folder, f"{kind}-{digest.hexdigest()}.pickle")


def load(path: str) -> Any:
    """The value stored at ``path``, or None if there is none that can be read."""
    import pickle

    try:
        with open(path, "rb") as handle:
            if not _own(os.fstat(handle.fileno())):
                return None
            return pickle.load(handle)  # noqa: S301 - the user's own cache, written only by store()
    except Exception:  # noqa: BLE001 - missing, cut short or corrupt: the caller works it out again
        return None


def _own(st: os.stat_result) -> bool:
    """Whether a cache file is this user's and nobody else may write it.

    Unpickling runs code, so an entry someone else could have written or
    replaced (a cache folder pointed at a shared place, a file made writable
    by others) is ignored, as ssh ignores a key file others can write.
    """
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows: no owners to compare, the user's own profile folder
        return True
    return st.st_uid == getuid() and not st.st_mode & 0o022


def store(path: str, value: Any) -> None:
    """Write ``value`` at ``path`` whole or not at all; a cache that cannot be written only costs the next start."""
    import pickle

    temporary = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        # Readable and writable by the user alone, whatever the umask: load() ignores anything else.
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except Exception:  # noqa: BLE001 - read-only or full disk, or a value that does not pickle
        try:
            os.unlink(temporary)
        except OSError:
            pass
