"""Opening the register's database: URLs, SQLite's locking, migrations, and turning driver errors into clear messages.

Where the register is: ``--db URL``, else the environment variable
``FIVEGOOD_DB``, else the file ``fivegood-register.sqlite3`` in the current
directory. A URL is an SQLite path, ``sqlite:///PATH``, or ``postgresql://…``
(driven by psycopg 3).
"""

from __future__ import annotations

import contextlib
import os
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine

from fivegood_core.register.errors import RegisterError, UnavailableError
from fivegood_core.words.catalogue import say

#: The register file used when neither ``--db`` nor ``FIVEGOOD_DB`` names one.
DEFAULT_FILE = "fivegood-register.sqlite3"
ENV = "FIVEGOOD_DB"
#: How long a writer waits for another writer's lock before giving up with a clear message
#: (seconds; the environment variable FIVEGOOD_LOCK_TIMEOUT overrides it).
LOCK_TIMEOUT_SECONDS = 30.0


def lock_timeout() -> float:
    """Seconds to wait for a lock: ``$FIVEGOOD_LOCK_TIMEOUT`` or :data:`LOCK_TIMEOUT_SECONDS`."""
    try:
        return float(os.environ.get("FIVEGOOD_LOCK_TIMEOUT", LOCK_TIMEOUT_SECONDS))
    except ValueError:
        raise RegisterError(say("register.lock_timeout", got=repr(os.environ["FIVEGOOD_LOCK_TIMEOUT"]))) from None


def database_url(value: str | None = None) -> str:
    """The SQLAlchemy URL for ``--db`` (or ``FIVEGOOD_DB``, or the default file)."""
    value = value or os.environ.get(ENV) or DEFAULT_FILE
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if value.startswith(("postgresql+", "sqlite:")):
        return value
    if "://" in value:
        raise RegisterError(say("register.bad_url", url=repr(value)))
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file an SQLite URL names (None for other databases and for in-memory SQLite)."""
    if not url.startswith("sqlite:"):
        return None
    database = sa.make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return url


def create_engine(url: str) -> Engine:
    """An engine whose transactions serialise writers on both backends.

    SQLite: pysqlite's own transaction handling is switched off and every
    transaction starts with ``BEGIN IMMEDIATE`` (the SQLAlchemy documentation's
    recipe), so two writers never both read the audit chain's head; a reader
    (execution option ``fivegood_read``) starts a plain ``BEGIN``. PostgreSQL:
    writers lock the ``register_meta`` row ``lock`` (see :func:`lock_for_write`).
    """
    if url.startswith("sqlite:"):
        engine = sa.create_engine(url, connect_args={"timeout": lock_timeout()})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            dbapi_connection.execute("PRAGMA foreign_keys = ON")
            # Write-ahead logging: one fsync per commit instead of the rollback journal's several, and readers
            # never wait for a writer. synchronous stays FULL: a committed change survives a power cut.
            dbapi_connection.execute("PRAGMA journal_mode = WAL")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("fivegood_read") else "BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, connect_args={"connect_timeout": 10})


def lock_for_write(conn: Connection) -> None:
    """Serialise writers: on PostgreSQL, lock one row every writer locks first; SQLite's BEGIN IMMEDIATE already did."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL lock_timeout = '%dms'" % int(lock_timeout() * 1000))
        conn.exec_driver_sql("SELECT value FROM register_meta WHERE key = 'lock' FOR UPDATE")


@contextlib.contextmanager
def translated(url: str) -> Iterator[None]:
    """Turn driver errors into :class:`UnavailableError` with a clear message (never a traceback)."""
    try:
        yield
    except exc.OperationalError as e:
        text = str(e.orig) if e.orig is not None else str(e)
        if "locked" in text or "lock timeout" in text or "could not obtain lock" in text:
            raise UnavailableError(say("register.locked", url=safe_url(url))) from None
        if "no such table" in text:
            raise UnavailableError(say("register.not_a_register", url=safe_url(url))) from None
        first = text.strip().splitlines()[0] if text.strip() else type(e.orig).__name__
        raise UnavailableError(say("register.cannot_use", url=safe_url(url), error=first)) from None
    except exc.ProgrammingError as e:
        text = str(e.orig) if e.orig is not None else str(e)
        if "does not exist" in text and "relation" in text:
            raise UnavailableError(say("register.not_a_register", url=safe_url(url))) from None
        raise
    except exc.DatabaseError as e:  # e.g. "file is not a database"
        text = str(e.orig) if e.orig is not None else str(e)
        raise UnavailableError(say("register.cannot_use", url=safe_url(url), error=text.strip().splitlines()[0])) from None


#: Where the migrations are: inside the package, so that an installed wheel can create and upgrade registers.
#: (Tests point it at a copy with a newer revision to exercise an upgrade.)
MIGRATIONS = str(files("fivegood_core.register") / "migrations")


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["connection"] = conn
    return cfg


def known_revisions() -> list[str]:
    """Every schema revision this version of fivegood knows, oldest first."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    script = ScriptDirectory.from_config(cfg)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(conn: Connection) -> str | None:
    """The schema revision the database is at (None: no register there)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def check_revision(conn: Connection, url: str) -> None:
    """Refuse a database that is not a register, or one at a schema revision this code does not know or is behind."""
    rev = current_revision(conn)
    known = known_revisions()
    if rev is None:
        raise UnavailableError(say("register.not_a_register", url=safe_url(url)))
    if rev not in known:
        raise UnavailableError(say("register.newer_schema", url=safe_url(url), revision=repr(rev), known=repr(known[-1])))
    if rev != known[-1]:
        raise UnavailableError(say("register.older_schema", url=safe_url(url), revision=repr(rev)))


def upgrade(conn: Connection, url: str) -> tuple[str | None, str]:
    """Create the register's tables, or upgrade them to this version's schema; returns (before, after) revisions."""
    from alembic import command

    before = current_revision(conn)
    known = known_revisions()
    if before is not None and before not in known:
        check_revision(conn, url)  # raises: a newer schema
    command.upgrade(_alembic_config(conn), "head")
    return before, known[-1]
