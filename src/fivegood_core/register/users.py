"""Who may change the register: users, their roles and jurisdictions, API tokens, and slowed failed logins.

Roles (:data:`ROLES`) are ordered: each may do what the one before it may,
and more (:data:`PERMISSIONS` is the one table of who may do what). A user
limited to a jurisdiction (``ningbo``) sees the programmes whose
jurisdiction is that one or lies below it (``ningbo/jiangbei``); a user
without one sees every jurisdiction. An admin manages every user, so an admin
has no jurisdiction.

Every change (a user added, a password or role changed, a user disabled or
enabled, a token issued or revoked) is one transaction of the register with
one audit entry naming who acted, like every other change of record; the
tables are insert-only (a change of a user is a new row of ``user_states``,
the latest in force). No audit entry, message or row holds a password or a
token's secret: passwords are stored as Argon2id hashes (``argon2-cffi``),
tokens as the SHA-256 of their secret, which is shown once, when issued.

Failed logins are counted per name (known or not) in the table
``login_failures``, shared by every process using the register; after
:data:`THROTTLE_AFTER` failures within :data:`WINDOW` seconds, logins for that
name are refused without checking the password for a delay that doubles with
every further failure, up to :data:`MAX_DELAY`. A success clears the count.
These rows are not changes of record: they are not audited and
``Register.verify`` does not read them.

This module does not check that ``actor`` may do what it asks: the command
line trusts whoever can open the database (as for every other command), and
the web service checks :func:`allowed` for the authenticated user first.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import re
import secrets
import time
from types import EllipsisType
from typing import Any, Iterator, Mapping

import attrs
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection, RowMapping

from fivegood_core.register import db
from fivegood_core.register import schema as t
from fivegood_core.register.errors import LoginRefused, LoginThrottled, RefusedError, RegisterError
from fivegood_core.register.store import Register, _Tx
from fivegood_core.words.catalogue import say

__all__ = [
    "MAX_DELAY",
    "MIN_PASSWORD",
    "PERMISSIONS",
    "ROLES",
    "THROTTLE_AFTER",
    "WINDOW",
    "LoginRefused",
    "LoginThrottled",
    "TokenInfo",
    "User",
    "Users",
    "allowed",
]

#: The roles, each allowed what the one before it is, and more.
ROLES = ("viewer", "assessor", "approver", "admin")

_READ = frozenset({"read"})
_ASSESS = frozenset({"nominate", "submit", "assess"})
_DECIDE = frozenset({"certify", "refuse", "revoke", "waive", "pay"})
_ADMIN = frozenset({"users"})
_GRANTS = {
    "viewer": _READ,
    "assessor": _READ | _ASSESS,
    "approver": _READ | _ASSESS | _DECIDE,
    "admin": _READ | _ASSESS | _DECIDE | _ADMIN,
}

#: Who may do what: action → the roles allowed it. The one source of truth; the web service reads it.
PERMISSIONS: Mapping[str, frozenset[str]] = {
    action: frozenset(role for role in ROLES if action in _GRANTS[role])
    for action in ("read", "nominate", "submit", "assess", "certify", "refuse", "revoke", "waive", "pay", "users")
}

#: Fewest characters a password may have (and most: Argon2 hashes any length, but a megabyte would be a denial of service).
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
#: Failed logins for one name within WINDOW seconds before logins for it are slowed.
THROTTLE_AFTER = 5
#: Seconds a failure is remembered for: a name with no failure for this long starts again from nothing.
WINDOW = 3600.0
#: The first delay (seconds) once throttled; each further failure doubles it, up to MAX_DELAY.
FIRST_DELAY = 30.0
MAX_DELAY = 900.0
#: API tokens begin with this, so a secret pasted somewhere is recognisable (and scanners can find it).
TOKEN_PREFIX = "fg_"

_NAME = re.compile(r"[^\s\x00-\x1f\x7f]{1,200}")
_JURISDICTION = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*")


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (an unknown role may do nothing; an unknown action is a bug, raised)."""
    if action not in PERMISSIONS:
        raise RegisterError(say("register.user.unknown_action", action=repr(action), expected=", ".join(PERMISSIONS)))
    return role in PERMISSIONS[action]


@attrs.frozen
class User:
    """A user as they stand now: ``jurisdiction`` None means every jurisdiction."""

    name: str
    role: str
    jurisdiction: str | None
    active: bool
    created: str
    #: The id of the user's latest state: it changes with every change of password, role, jurisdiction or activity,
    #: so a session that records it ends when any of them changes.
    state: int = attrs.field(default=0, eq=False)

    def may(self, action: str) -> bool:
        """Whether this user may do ``action`` (a disabled user may do nothing)."""
        return self.active and allowed(self.role, action)

    def sees(self, jurisdiction: str) -> bool:
        """Whether this user may see and act on programmes of ``jurisdiction``: theirs, or one below it (``ningbo/…``)."""
        mine = self.jurisdiction
        return mine is None or jurisdiction == mine or jurisdiction.startswith(mine + "/")

    def to_json(self) -> dict[str, Any]:
        """The JSON form (without the internal state id)."""
        return attrs.asdict(self, filter=lambda a, _: a.name != "state")


@attrs.frozen
class TokenInfo:
    """An API token without its secret: ``id`` is short and public (used to revoke it)."""

    id: str
    user: str
    label: str
    created: str
    created_by: str
    revoked: str | None

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return attrs.asdict(self)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Users:
    """The users of one register. ``hasher`` defaults to argon2-cffi's recommended Argon2id parameters."""

    def __init__(self, register: Register, *, hasher: PasswordHasher | None = None) -> None:
        self.register = register
        self.hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    # --- checks ---------------------------------------------------------------------------------

    @staticmethod
    def _check_name(name: str) -> None:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise RegisterError(say("register.user.bad_name", name=repr(name)))

    @staticmethod
    def _check_role(role: str, jurisdiction: str | None) -> None:
        if role not in ROLES:
            raise RegisterError(say("register.user.bad_role", role=repr(role), expected=", ".join(ROLES)))
        if jurisdiction is not None and not _JURISDICTION.fullmatch(jurisdiction):
            raise RegisterError(say("register.user.bad_jurisdiction", jurisdiction=repr(jurisdiction)))
        if role == "admin" and jurisdiction is not None:
            raise RegisterError(say("register.user.admin_jurisdiction", jurisdiction=jurisdiction))

    @staticmethod
    def _check_password(password: str) -> None:
        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise RegisterError(say("register.user.short_password", min=MIN_PASSWORD))
        if len(password) > MAX_PASSWORD:
            raise RegisterError(say("register.user.long_password", max=MAX_PASSWORD))

    # --- reading --------------------------------------------------------------------------------

    @staticmethod
    def _state(conn: Connection, name: str) -> RowMapping | None:
        return (
            conn.execute(sa.select(t.user_states).where(t.user_states.c.name == name).order_by(t.user_states.c.id.desc()).limit(1))
            .mappings()
            .first()
        )

    @staticmethod
    def _user(conn: Connection, name: str) -> tuple[User, RowMapping] | None:
        created = conn.execute(sa.select(t.users.c.created).where(t.users.c.name == name)).scalar_one_or_none()
        if created is None:
            return None
        state = Users._state(conn, name)
        if state is None:  # pragma: no cover - a user is always added with a state
            return None
        return User(state["name"], state["role"], state["jurisdiction"], bool(state["active"]), created, state["id"]), state

    def _known(self, conn: Connection, name: str) -> tuple[User, RowMapping]:
        found = self._user(conn, name)
        if found is None:
            raise RegisterError(say("register.user.unknown", name=repr(name)))
        return found

    def get(self, name: str) -> User | None:
        """The user called ``name``, or None."""
        with db.translated(self.register.url), self.register._read() as conn:
            found = self._user(conn, name)
            return found[0] if found else None

    def list(self) -> builtins.list[User]:
        """Every user, by name."""
        with db.translated(self.register.url), self.register._read() as conn:
            latest = sa.select(sa.func.max(t.user_states.c.id)).group_by(t.user_states.c.name).scalar_subquery()
            rows = conn.execute(
                sa.select(t.user_states, t.users.c.created)
                .join(t.users, t.users.c.name == t.user_states.c.name)
                .where(t.user_states.c.id.in_(latest))
                .order_by(t.user_states.c.name)
            ).mappings()
            return [User(r["name"], r["role"], r["jurisdiction"], bool(r["active"]), r["created"]) for r in rows]

    # --- changes --------------------------------------------------------------------------------

    @staticmethod
    def _new_state(tx: _Tx, state: Mapping[Any, Any], change: str, **values: Any) -> RowMapping:
        row = {k: state[k] for k in ("name", "role", "jurisdiction", "active", "password_hash")}
        row.update(values)
        return tx.insert(t.user_states, {**row, "change": change, "at": t.now(), "by": tx.actor})

    @staticmethod
    def _other_admins(conn: Connection, name: str) -> int:
        latest = sa.select(sa.func.max(t.user_states.c.id)).group_by(t.user_states.c.name).scalar_subquery()
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(t.user_states)
                .where(
                    t.user_states.c.id.in_(latest),
                    t.user_states.c.role == "admin",
                    t.user_states.c.active.is_(True),
                    t.user_states.c.name != name,
                )
            ).scalar_one()
        )

    def _keep_an_admin(self, conn: Connection, user: User) -> None:
        if user.role == "admin" and user.active and self._other_admins(conn, user.name) == 0:
            raise RefusedError(say("register.refused.last_admin", name=user.name), subject=user.name, rule="users.last-admin")

    def add(self, name: str, role: str, password: str, *, jurisdiction: str | None = None, actor: str) -> User:
        """Add a user; refused if the name is taken, the role unknown or the password shorter than :data:`MIN_PASSWORD`."""
        self._check_name(name)
        self._check_role(role, jurisdiction)
        self._check_password(password)
        hashed = self.hasher.hash(password)
        with self.register._write(actor, "user.add", {"user": name, "role": role, "jurisdiction": jurisdiction}) as tx:
            if self._user(tx.conn, name) is not None:
                raise RefusedError(say("register.refused.user_exists", name=name), subject=name, rule="users.unique-name")
            row = tx.insert(t.users, {"name": name, "created": t.now(), "created_by": tx.actor})
            tx.insert(
                t.user_states,
                {
                    "name": name,
                    "role": role,
                    "jurisdiction": jurisdiction,
                    "active": True,
                    "password_hash": hashed,
                    "change": "add",
                    "at": row["created"],
                    "by": tx.actor,
                },
            )
        return User(name, role, jurisdiction, True, row["created"])

    def set_password(self, name: str, password: str, *, actor: str) -> None:
        """Give ``name`` a new password (their failed-login count is cleared)."""
        self._check_password(password)
        hashed = self.hasher.hash(password)
        with self.register._write(actor, "user.password", {"user": name}) as tx:
            _, state = self._known(tx.conn, name)
            self._new_state(tx, state, "password", password_hash=hashed)
            tx.conn.execute(t.login_failures.delete().where(t.login_failures.c.name == name))

    def set_role(self, name: str, role: str, *, jurisdiction: str | None | EllipsisType = ..., actor: str) -> User:
        """Change ``name``'s role, and their jurisdiction if given (``...`` keeps it; None: every jurisdiction)."""
        detail: dict[str, Any] = {"user": name, "role": role}
        with self.register._write(actor, "user.role", detail) as tx:
            user, state = self._known(tx.conn, name)
            where = user.jurisdiction if isinstance(jurisdiction, EllipsisType) else jurisdiction
            self._check_role(role, where)
            if role != "admin":
                self._keep_an_admin(tx.conn, user)
            detail["jurisdiction"] = where
            self._new_state(tx, state, "role", role=role, jurisdiction=where)
        return attrs.evolve(user, role=role, jurisdiction=where)

    def disable(self, name: str, *, actor: str) -> User:
        """Disable ``name``: they can no longer log in, and every token of theirs is revoked."""
        detail: dict[str, Any] = {"user": name}
        with self.register._write(actor, "user.disable", detail) as tx:
            user, state = self._known(tx.conn, name)
            if not user.active:
                raise RefusedError(say("register.refused.user_disabled", name=name), subject=name, rule="users.disable-once")
            self._keep_an_admin(tx.conn, user)
            self._new_state(tx, state, "disable", active=False)
            revoked = []
            for info in self._tokens(tx.conn, name):
                if info.revoked is None:
                    tx.insert(t.token_revocations, {"token_id": info.id, "revoked": t.now(), "revoked_by": tx.actor})
                    revoked.append(info.id)
            detail["revoked_tokens"] = revoked
        return attrs.evolve(user, active=False)

    def sign_out(self, name: str, *, actor: str) -> None:
        """End every session ``name`` has (a new state, the same in all else); their API tokens stay valid.

        A session is a signed cookie that names the user's state, so the only way to end
        one that was copied elsewhere is to move the state on: logging out ends all of them.
        """
        with self.register._write(actor, "user.sign-out", {"user": name}) as tx:
            _, state = self._known(tx.conn, name)
            self._new_state(tx, state, "sign-out")

    def enable(self, name: str, *, actor: str) -> User:
        """Enable a disabled user again (their old tokens stay revoked)."""
        with self.register._write(actor, "user.enable", {"user": name}) as tx:
            user, state = self._known(tx.conn, name)
            if user.active:
                raise RefusedError(say("register.refused.user_enabled", name=name), subject=name, rule="users.enable-once")
            self._new_state(tx, state, "enable", active=True)
            tx.conn.execute(t.login_failures.delete().where(t.login_failures.c.name == name))
        return attrs.evolve(user, active=True)

    # --- logging in -----------------------------------------------------------------------------

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(hashed, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def authenticate(self, name: str, password: str, *, now: float | None = None) -> User:
        """The user ``name`` if ``password`` is theirs and they are active; else :class:`LoginRefused`.

        Raises :class:`LoginThrottled` without checking the password while the
        name has failed too often lately. ``now`` (seconds since the epoch)
        defaults to the clock; tests pass it.
        """
        now = time.time() if now is None else now
        key = name[:200] if isinstance(name, str) else ""
        with db.translated(self.register.url), self.register._read() as conn:
            failure = conn.execute(sa.select(t.login_failures).where(t.login_failures.c.name == key)).mappings().first()
            found = self._user(conn, key) if _NAME.fullmatch(key) and key == name else None
        if failure is not None and failure["until"] > now:
            raise LoginThrottled(failure["until"] - now)
        if found is None:
            self._verify(self._dummy_hash(), password if isinstance(password, str) else "")
            self._failed(key, now)
            raise LoginRefused()
        user, state = found
        if not isinstance(password, str) or len(password) > MAX_PASSWORD or not self._verify(state["password_hash"], password):
            self._failed(key, now)
            raise LoginRefused()
        if not user.active:  # checked after the password, so that a disabled name answers like any other
            self._failed(key, now)
            raise LoginRefused()
        if failure is not None:
            with self._failures() as conn:
                conn.execute(t.login_failures.delete().where(t.login_failures.c.name == key))
        if self.hasher.check_needs_rehash(state["password_hash"]):
            hashed = self.hasher.hash(password)
            with self.register._write(name, "user.rehash", {"user": name}) as tx:
                _, latest = self._known(tx.conn, name)
                if latest["password_hash"] == state["password_hash"]:  # unless changed meanwhile
                    self._new_state(tx, latest, "rehash", password_hash=hashed)
        return user

    @contextlib.contextmanager
    def _failures(self) -> Iterator[Connection]:
        """A write transaction outside the audit trail, serialised with the register's writers."""
        with db.translated(self.register.url), self.register.db.connect() as conn:
            with conn.begin():
                db.lock_for_write(conn)
                yield conn

    def _failed(self, name: str, now: float) -> None:
        """Count one failed login for ``name``; from the THROTTLE_AFTER-th within WINDOW, slow the next."""
        with self._failures() as conn:
            # Forget names that have not failed for a whole window, so the table stays small.
            conn.execute(t.login_failures.delete().where(t.login_failures.c.last < now - WINDOW, t.login_failures.c.until <= now))
            row = conn.execute(sa.select(t.login_failures).where(t.login_failures.c.name == name)).mappings().first()
            count = (row["count"] if row is not None else 0) + 1
            until = now + min(MAX_DELAY, FIRST_DELAY * 2 ** (count - THROTTLE_AFTER)) if count >= THROTTLE_AFTER else now
            values = {"count": count, "last": now, "until": until}
            if row is None:
                conn.execute(t.login_failures.insert().values(name=name, **values))
            else:
                conn.execute(t.login_failures.update().where(t.login_failures.c.name == name).values(**values))

    # --- tokens ---------------------------------------------------------------------------------

    @staticmethod
    def _tokens(conn: Connection, name: str | None = None, token_id: str | None = None) -> builtins.list[TokenInfo]:
        q = sa.select(t.api_tokens, t.token_revocations.c.revoked).outerjoin(
            t.token_revocations, t.token_revocations.c.token_id == t.api_tokens.c.id
        )
        if name is not None:
            q = q.where(t.api_tokens.c.user_name == name)
        if token_id is not None:
            q = q.where(t.api_tokens.c.id == token_id)
        rows = conn.execute(q.order_by(t.api_tokens.c.created, t.api_tokens.c.id)).mappings()
        return [TokenInfo(r["id"], r["user_name"], r["label"], r["created"], r["created_by"], r["revoked"]) for r in rows]

    def issue_token(self, name: str, *, label: str = "", actor: str) -> tuple[str, TokenInfo]:
        """A new API token for ``name``: (its secret, shown this once and never stored; its info)."""
        token_id = secrets.token_hex(6)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.register._write(actor, "token.issue", {"user": name, "token": token_id, "label": label}) as tx:
            user, _ = self._known(tx.conn, name)
            if not user.active:
                raise RefusedError(say("register.refused.token_disabled", name=name), subject=name, rule="tokens.active-user")
            row = tx.insert(
                t.api_tokens,
                {
                    "id": token_id,
                    "user_name": name,
                    "label": label,
                    "sha256": _digest(secret),
                    "created": t.now(),
                    "created_by": tx.actor,
                },
            )
        return secret, TokenInfo(token_id, name, label, row["created"], row["created_by"], None)

    def token_user(self, secret: str) -> User | None:
        """The active user a token's secret belongs to; None if it is unknown or revoked, or its user disabled."""
        if not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        with db.translated(self.register.url), self.register._read() as conn:
            row = (
                conn.execute(
                    sa.select(t.api_tokens.c.user_name, t.token_revocations.c.revoked)
                    .outerjoin(t.token_revocations, t.token_revocations.c.token_id == t.api_tokens.c.id)
                    .where(t.api_tokens.c.sha256 == _digest(secret))
                )
                .mappings()
                .first()
            )
            if row is None or row["revoked"] is not None:
                return None
            found = self._user(conn, row["user_name"])
        if found is None or not found[0].active:
            return None
        return found[0]

    def revoke_token(self, token_id: str, *, actor: str) -> TokenInfo:
        """Revoke a token by its public id; refused if it is revoked already."""
        detail: dict[str, Any] = {"token": token_id}
        with self.register._write(actor, "token.revoke", detail) as tx:
            info = next(iter(self._tokens(tx.conn, token_id=token_id)), None)
            if info is None:
                raise RegisterError(say("register.user.unknown_token", token=repr(token_id)))
            detail["user"] = info.user
            if info.revoked is not None:
                raise RefusedError(
                    say("register.refused.token_revoked", token=token_id, revoked=info.revoked),
                    subject=info.user,
                    rule="tokens.revoke-once",
                )
            row = tx.insert(t.token_revocations, {"token_id": token_id, "revoked": t.now(), "revoked_by": tx.actor})
        return attrs.evolve(info, revoked=row["revoked"])

    def tokens(self, name: str | None = None) -> builtins.list[TokenInfo]:
        """Every token (of ``name``, if given), oldest first, without secrets."""
        with db.translated(self.register.url), self.register._read() as conn:
            return self._tokens(conn, name)
