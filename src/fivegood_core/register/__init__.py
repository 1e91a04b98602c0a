"""The certification register: programmes, nominations, evidence, assessments, decisions, waivers, rewards and an audit trail.

Needs the ``register`` extra (``pip install fivegood[register]``: SQLAlchemy,
Alembic, psycopg, openpyxl); the engine itself does not. Programmes
(:mod:`.programmes`) load without it. Typical use::

    from fivegood_core.register import Register

    reg = Register.init("sqlite:///ningbo.sqlite3", actor="王芳")
    reg.submit("ningbo/five-have-five-good-chambers", evidence_bytes, "cicheng.toml", actor="王芳")
    reg.assess("ningbo/five-have-five-good-chambers", "jiangbei-cicheng", actor="王芳")
    reg.certify("ningbo/five-have-five-good-chambers", "jiangbei-cicheng", actor="李明")
    reg.ledger()          # [{"subject": "jiangbei-cicheng", "amount": "15000", "state": "due", ...}]
    reg.verify().ok       # True unless a row was changed behind the register's back

    users = Users(reg)    # who may change it: roles, API tokens, slowed failed logins
    users.add("李明", "approver", password, actor="管理员")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fivegood_core.register.errors import LoginRefused, LoginThrottled, RefusedError, RegisterError, UnavailableError

if TYPE_CHECKING:
    from fivegood_core.register.programmes import Programme, ProgrammeError, Programmes
    from fivegood_core.register.reports import impact, rollup, status
    from fivegood_core.register.store import Register, VerifyReport
    from fivegood_core.register.users import PERMISSIONS, ROLES, TokenInfo, User, Users, allowed

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "LoginRefused",
    "LoginThrottled",
    "Programme",
    "ProgrammeError",
    "Programmes",
    "RefusedError",
    "Register",
    "RegisterError",
    "TokenInfo",
    "UnavailableError",
    "User",
    "Users",
    "VerifyReport",
    "allowed",
    "impact",
    "rollup",
    "status",
]

_LAZY = {
    "Programme": "programmes",
    "ProgrammeError": "programmes",
    "Programmes": "programmes",
    "Register": "store",
    "VerifyReport": "store",
    "status": "reports",
    "rollup": "reports",
    "impact": "reports",
    "Users": "users",
    "User": "users",
    "TokenInfo": "users",
    "ROLES": "users",
    "PERMISSIONS": "users",
    "allowed": "users",
}


def __getattr__(name: str) -> Any:
    # The database libraries are imported only when the register itself is used.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    try:
        mod = importlib.import_module(f"{__name__}.{module}")
    except ImportError as e:  # pragma: no cover - only without the extra
        raise ImportError(f"the register needs the 'register' extra: pip install 'fivegood[register]' ({e})") from None
    return getattr(mod, name)
