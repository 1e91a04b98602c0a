"""Shared by the web service's tests: a service on a fresh register, users of each role, and tokens.

The ``service`` fixture (in ``conftest.py``) is a :class:`Service` on a fresh SQLite register.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from typing import Any

import pytest

from helpers import ROOT

pytest.importorskip("fastapi", reason="the web service needs the server extra")

from fastapi.testclient import TestClient  # noqa: E402

from fivegood_core import Engine  # noqa: E402
from fivegood_core.server.app import create_app  # noqa: E402
from fivegood_core.server.settings import Settings  # noqa: E402

EXAMPLES = ROOT / "examples"
NINGBO = "ningbo/five-have-five-good-chambers"
PASSWORD = "correct horse battery"
_ENGINE: Engine | None = None


def engine() -> Engine:
    """One engine for every service the tests make (building it is the slow part)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine.from_entry_points(strict=True)
    return _ENGINE


class Service:
    """A service on its own register, with a client and helpers to add users and tokens."""

    def __init__(self, db: str, **settings: Any) -> None:
        self.app = create_app(Settings(db=db, **settings), engine=engine())
        self.services = self.app.state.services
        self.client = TestClient(self.app)
        self.client.__enter__()

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.services.close()

    def user(self, name: str, role: str, jurisdiction: str | None = None) -> str:
        """Add a user; returns an API token of theirs."""
        users = self.services.users
        users.add(name, role, PASSWORD, jurisdiction=jurisdiction, actor="setup")
        secret, _ = users.issue_token(name, label="tests", actor="setup")
        return secret

    def login(self, name: str, password: str = PASSWORD, client: TestClient | None = None) -> TestClient:
        """Log ``name`` in through the login form (CSRF token taken from the page); returns the client with the session."""
        c = client or self.client
        page = c.get("/login")
        token = csrf_of(page.text)
        r = c.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        return c


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def bearer(token: str) -> dict[str, str]:
    """The header that authenticates with an API token."""
    return {"Authorization": f"Bearer {token}"}


def evidence(name: str) -> dict[str, Any]:
    """An example evidence file as a table (``ningbo/jiangbei-certified``)."""
    with open(EXAMPLES / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


def example_bytes(name: str) -> bytes:
    """An example evidence file's bytes."""
    return (EXAMPLES / f"{name}.toml").read_bytes()
