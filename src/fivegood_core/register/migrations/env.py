"""Alembic environment of the register: run with the connection the register opened.

The register calls Alembic programmatically (``fivegood register init``), passing
its open connection in ``config.attributes["connection"]``, so migrations work
from an installed wheel with no ``alembic.ini`` and inside the caller's transaction.
"""

from __future__ import annotations

from alembic import context

from fivegood_core.register.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs the `alembic` command by hand
    raise RuntimeError("run migrations through `fivegood register init`, which supplies the connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
