"""What a running service is configured with: its register, its signing key, its limits."""

from __future__ import annotations

import os
import secrets

import attrs

#: The environment variable holding the key that signs session cookies and CSRF tokens.
SECRET_ENV = "FIVEGOOD_SECRET_KEY"


@attrs.frozen
class Settings:
    """How one service runs. Build with :meth:`from_environment` for ``fivegood serve``."""

    #: The register's database (``--db``; else ``$FIVEGOOD_DB``; else ``fivegood-register.sqlite3``).
    db: str | None = None
    #: Signs session cookies and CSRF tokens. Without one, a random key lives as long as the process:
    #: sessions then end when the service stops, and several worker processes would not share them.
    secret_key: str = attrs.field(factory=lambda: secrets.token_urlsafe(32))
    #: Whether the key was given (False: generated for this process only).
    secret_given: bool = False
    #: Cookies marked ``Secure`` (set behind HTTPS).
    secure_cookies: bool = False
    #: Request logs name evidence values only when this is set (``--log-evidence``); never by default.
    log_evidence: bool = False
    #: How long a login lasts (seconds).
    session_seconds: int = 8 * 3600
    #: The largest request body of any request but a batch: one organisation's evidence, a form (bytes).
    max_evidence_body: int = 8 * 1024 * 1024
    #: The largest batch upload (bytes): records are read one at a time, so this bounds disk, not memory.
    max_batch_body: int = 256 * 1024 * 1024
    #: Create the register (or upgrade it to this version's schema) when the service starts.
    init_register: bool = True
    #: Plugins to load (``$FIVEGOOD_PLUGINS``), None for every installed one.
    plugins: tuple[str, ...] | None = None

    @classmethod
    def from_environment(cls, db: str | None = None, **overrides: object) -> "Settings":
        """Settings from ``$FIVEGOOD_SECRET_KEY``, ``$FIVEGOOD_PLUGINS`` and the arguments given."""
        key = os.environ.get(SECRET_ENV)
        only = os.environ.get("FIVEGOOD_PLUGINS")
        plugins = tuple(p.strip() for p in only.split(",") if p.strip()) if only else None
        base = cls(db=db, plugins=plugins) if key is None else cls(db=db, secret_key=key, secret_given=True, plugins=plugins)
        return attrs.evolve(base, **overrides)  # type: ignore[arg-type]
