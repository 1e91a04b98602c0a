"""Who may change the register: roles, users, passwords, API tokens and slowed failed logins (register/users.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Iterator

import pytest
from register_helpers import cli, db_url, dump, ok  # noqa: F401

argon2 = pytest.importorskip("argon2")

from fivegood_core.register import (  # noqa: E402
    PERMISSIONS,
    ROLES,
    LoginRefused,
    LoginThrottled,
    RefusedError,
    Register,
    RegisterError,
    User,
    Users,
    allowed,
)
from fivegood_core.register import users as users_module  # noqa: E402

#: Cheap Argon2id parameters: the tests hash many passwords; the rehash test checks the real ones take over.
FAST = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
T0 = 1_800_000_000.0


@pytest.fixture
def reg(db_url: str) -> Iterator[Register]:  # noqa: F811
    with Register.init(db_url, actor="boot") as r:
        yield r


@pytest.fixture
def users(reg: Register) -> Users:
    u = Users(reg, hasher=FAST)
    u.add("admin", "admin", "admin password", actor="boot")
    u.add("王芳", "assessor", "wang fang pw", jurisdiction="ningbo", actor="admin")
    return u


# --- roles -------------------------------------------------------------------------------------


def test_the_roles_table() -> None:
    assert ROLES == ("viewer", "assessor", "approver", "admin")
    assert set(PERMISSIONS) == {"read", "nominate", "submit", "assess", "certify", "refuse", "revoke", "waive", "pay", "users"}
    table = {action: sorted(roles, key=ROLES.index) for action, roles in PERMISSIONS.items()}
    assert table == {
        "read": ["viewer", "assessor", "approver", "admin"],
        "nominate": ["assessor", "approver", "admin"],
        "submit": ["assessor", "approver", "admin"],
        "assess": ["assessor", "approver", "admin"],
        "certify": ["approver", "admin"],
        "refuse": ["approver", "admin"],
        "revoke": ["approver", "admin"],
        "waive": ["approver", "admin"],
        "pay": ["approver", "admin"],
        "users": ["admin"],
    }
    # Each role may do what the one before it may, and more.
    for lower, higher in zip(ROLES, ROLES[1:]):
        assert {a for a in PERMISSIONS if allowed(lower, a)} < {a for a in PERMISSIONS if allowed(higher, a)}
    assert not allowed("owner", "read")
    with pytest.raises(RegisterError, match="unknown action 'cerify'"):
        allowed("admin", "cerify")


def test_a_user_may_what_their_role_allows_and_sees_their_jurisdiction_and_below() -> None:
    u = User("王芳", "assessor", "ningbo", True, "2026-11-26T00:00:00.000000Z")
    assert u.may("assess") and not u.may("certify") and u.may("read")
    assert u.sees("ningbo") and u.sees("ningbo/jiangbei")
    assert not u.sees("henan") and not u.sees("ningbo-other") and not u.sees("ningbox")
    assert User("a", "viewer", None, True, "").sees("henan")
    assert not User("a", "admin", None, False, "").may("read")  # disabled: nothing


# --- users ---------------------------------------------------------------------------------------


def test_adding_users_and_what_is_refused(reg: Register, users: Users) -> None:
    assert [(u.name, u.role, u.jurisdiction, u.active) for u in users.list()] == [
        ("admin", "admin", None, True),
        ("王芳", "assessor", "ningbo", True),
    ]
    assert users.get("nobody") is None
    entries = len(reg.log())
    with pytest.raises(RefusedError) as refused:
        users.add("王芳", "viewer", "another password", actor="admin")
    assert refused.value.rule == "users.unique-name" and "王芳" in str(refused.value)
    with pytest.raises(RegisterError, match="role 'owner': expected one of viewer, assessor, approver, admin"):
        users.add("x", "owner", "long enough", actor="admin")
    with pytest.raises(RegisterError, match="at least 8 characters") as short:
        users.add("x", "viewer", "short", actor="admin")
    assert "short" not in str(short.value).replace("at least", "")
    with pytest.raises(RegisterError, match="an admin manages every user"):
        users.add("x", "admin", "long enough", jurisdiction="ningbo", actor="admin")
    with pytest.raises(RegisterError, match="jurisdiction 'Ningbo Jiangbei'"):
        users.add("x", "viewer", "long enough", jurisdiction="Ningbo Jiangbei", actor="admin")
    with pytest.raises(RegisterError, match="user name ''"):
        users.add("", "viewer", "long enough", actor="admin")
    with pytest.raises(RegisterError, match="user name 'a b'"):
        users.add("a b", "viewer", "long enough", actor="admin")
    assert len(reg.log()) == entries  # nothing changed


def test_roles_change_and_the_last_admin_stays(reg: Register, users: Users) -> None:
    assert users.set_role("王芳", "approver", actor="admin") == users.get("王芳")
    assert users.get("王芳") == User("王芳", "approver", "ningbo", True, users.get("王芳").created)  # type: ignore[union-attr]
    assert users.set_role("王芳", "approver", jurisdiction="ningbo/jiangbei", actor="admin").jurisdiction == "ningbo/jiangbei"
    assert users.set_role("王芳", "approver", jurisdiction=None, actor="admin").jurisdiction is None
    with pytest.raises(RefusedError) as last:
        users.set_role("admin", "approver", actor="admin")
    assert last.value.rule == "users.last-admin"
    with pytest.raises(RefusedError, match="last active admin"):
        users.disable("admin", actor="admin")
    users.set_role("王芳", "admin", actor="admin")
    assert users.disable("admin", actor="王芳").active is False
    with pytest.raises(RefusedError, match="disabled already"):
        users.disable("admin", actor="王芳")
    assert users.enable("admin", actor="王芳").active
    with pytest.raises(RegisterError, match="no user named 'nobody'"):
        users.set_role("nobody", "viewer", actor="admin")
    log = reg.log()
    assert [(e["actor"], e["action"]) for e in log[1:]] == [
        ("boot", "user.add"),
        ("admin", "user.add"),
        ("admin", "user.role"),
        ("admin", "user.role"),
        ("admin", "user.role"),
        ("admin", "user.role"),
        ("王芳", "user.disable"),
        ("王芳", "user.enable"),
    ]
    assert log[4]["detail"]["jurisdiction"] == "ningbo/jiangbei"
    assert reg.verify().ok


# --- logging in --------------------------------------------------------------------------------


def test_a_wrong_password_an_unknown_name_and_a_disabled_user_read_the_same(users: Users) -> None:
    assert users.authenticate("王芳", "wang fang pw", now=T0).name == "王芳"
    refusals = []
    for name, password in (("王芳", "wrong password"), ("nobody", "wang fang pw"), ("", "x"), ("x" * 500, "y")):
        with pytest.raises(LoginRefused) as e:
            users.authenticate(name, password, now=T0)
        refusals.append((str(e.value), e.value.render("zh")))
    users.disable("王芳", actor="admin")
    with pytest.raises(LoginRefused) as e:
        users.authenticate("王芳", "wang fang pw", now=T0)
    refusals.append((str(e.value), e.value.render("zh")))
    assert set(refusals) == {("wrong user name or password", "用户名或密码错误")}


def test_an_unknown_name_costs_a_password_check_too(users: Users, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    verify = users._verify
    monkeypatch.setattr(users, "_verify", lambda h, p: checked.append(h) or verify(h, p))
    for name in ("王芳", "nobody"):
        with pytest.raises(LoginRefused):
            users.authenticate(name, "wrong password", now=T0)
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


@pytest.mark.parametrize("name", ["王芳", "nobody"])
def test_failed_logins_are_slowed_and_a_success_clears_them(reg: Register, users: Users, name: str) -> None:
    after = users_module.THROTTLE_AFTER
    for i in range(after):
        with pytest.raises(LoginRefused):
            users.authenticate(name, "wrong password", now=T0 + i)
    # Throttled: another process (another Users over the same database) agrees, and no password is checked.
    with Register(reg.url) as other:
        others = Users(other, hasher=FAST)
        others._verify = lambda *_: pytest.fail("a password was checked while throttled")  # type: ignore[method-assign]
        with pytest.raises(LoginThrottled) as throttled:
            others.authenticate(name, "wang fang pw", now=T0 + after)
    first = users_module.FIRST_DELAY
    assert throttled.value.retry_after == pytest.approx(first - 1)
    assert f"try again in {int(first - 1)} seconds" in str(throttled.value)
    # Each further failure doubles the delay, up to the cap.
    t, delays = T0 + after - 1, []
    for _ in range(8):
        t += users_module.MAX_DELAY
        with pytest.raises(LoginRefused):
            users.authenticate(name, "wrong password", now=t)
        with pytest.raises(LoginThrottled) as e:
            users.authenticate(name, "wrong password", now=t)
        delays.append(e.value.retry_after)
    assert delays[:3] == [first * 2, first * 4, first * 8]
    assert max(delays) == users_module.MAX_DELAY
    if name == "nobody":
        return
    t += users_module.MAX_DELAY
    assert users.authenticate(name, "wang fang pw", now=t).name == name
    for i in range(after - 1):  # the count starts again from nothing
        with pytest.raises(LoginRefused):
            users.authenticate(name, "wrong password", now=t + i)
    assert users.authenticate(name, "wang fang pw", now=t + after).name == name
    # Failures long ago are forgotten.
    for i in range(after - 1):
        with pytest.raises(LoginRefused):
            users.authenticate(name, "wrong password", now=t + 10 + i)
    with pytest.raises(LoginRefused):
        users.authenticate(name, "wrong password", now=t + 10 + users_module.WINDOW + 100)
    assert reg.verify().ok


def test_logins_change_no_record_and_verify_stays_ok(reg: Register, users: Users) -> None:
    before = len(reg.log())
    for i in range(7):
        with pytest.raises((LoginRefused, LoginThrottled)):
            users.authenticate("王芳", "wrong password", now=T0 + i)
    users.authenticate("admin", "admin password", now=T0)
    assert len(reg.log()) == before
    report = reg.verify()
    assert report.ok, report.problems


def test_a_password_hashed_with_old_parameters_is_rehashed_at_login(reg: Register, users: Users) -> None:
    current = Users(reg)  # argon2-cffi's recommended parameters
    assert current.authenticate("王芳", "wang fang pw", now=T0).name == "王芳"
    last = reg.log()[-1]
    assert (last["actor"], last["action"], last["detail"]["user"]) == ("王芳", "user.rehash", "王芳")
    entries = len(reg.log())
    current.authenticate("王芳", "wang fang pw", now=T0)
    assert len(reg.log()) == entries  # once
    assert current.authenticate("王芳", "wang fang pw", now=T0).role == "assessor"
    assert reg.verify().ok


def test_a_new_password_replaces_the_old(users: Users) -> None:
    users.set_password("王芳", "new password", actor="admin")
    with pytest.raises(LoginRefused):
        users.authenticate("王芳", "wang fang pw", now=T0)
    assert users.authenticate("王芳", "new password", now=T0).name == "王芳"
    with pytest.raises(RegisterError, match="at least 8"):
        users.set_password("王芳", "short", actor="admin")


# --- tokens --------------------------------------------------------------------------------------


def test_tokens_are_issued_used_and_revoked(reg: Register, users: Users) -> None:
    secret, info = users.issue_token("王芳", label="data entry", actor="admin")
    assert secret.startswith("fg_") and len(secret) > 40
    assert (info.user, info.label, info.revoked, info.created_by) == ("王芳", "data entry", None, "admin")
    assert users.token_user(secret) == users.get("王芳")
    assert users.token_user(secret + "x") is None and users.token_user("") is None and users.token_user("fg_") is None
    other, _ = users.issue_token("王芳", label="second", actor="admin")
    assert users.tokens("王芳") == users.tokens() and [i.label for i in users.tokens()] == ["data entry", "second"]
    revoked = users.revoke_token(info.id, actor="admin")
    assert revoked.revoked is not None and users.token_user(secret) is None
    assert users.token_user(other) is not None
    with pytest.raises(RefusedError) as twice:
        users.revoke_token(info.id, actor="admin")
    assert twice.value.rule == "tokens.revoke-once"
    with pytest.raises(RegisterError, match="no API token 'nope'"):
        users.revoke_token("nope", actor="admin")
    # Disabling a user stops their tokens, and enabling them again does not bring the tokens back.
    users.disable("王芳", actor="admin")
    assert users.token_user(other) is None
    assert all(i.revoked for i in users.tokens("王芳"))
    with pytest.raises(RefusedError, match="disabled"):
        users.issue_token("王芳", label="x", actor="admin")
    users.enable("王芳", actor="admin")
    assert users.token_user(other) is None
    actions = [(e["actor"], e["action"], e["detail"].get("token")) for e in reg.log()]
    assert ("admin", "token.issue", info.id) in actions and ("admin", "token.revoke", info.id) in actions
    assert reg.verify().ok


def test_no_password_hash_or_secret_is_written_anywhere_it_can_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "r.sqlite3")
    with Register.init(db, actor="boot") as reg:
        users = Users(reg, hasher=FAST)
        users.add("王芳", "assessor", "first secret pw", actor="boot")
        users.set_password("王芳", "second secret pw", actor="boot")
        secret, info = users.issue_token("王芳", label="x", actor="boot")
        users.authenticate("王芳", "second secret pw", now=T0)
        with pytest.raises(LoginRefused) as e:
            users.authenticate("王芳", "third secret pw", now=T0)
        assert "secret" not in str(e.value)
        log = json.dumps(reg.log(), ensure_ascii=False)
        tables = json.dumps({name: reg.table(name) for name in ("users", "user_states", "api_tokens", "token_revocations")})
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    export = ok("export", "--format", "json", db=db) + ok("log", "--format", "json", db=db) + ok("user", "tokens", db=db)
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # the database file and its write-ahead log
    for needle in ("first secret pw", "second secret pw", "third secret pw", secret):
        assert needle not in log and needle not in tables and needle not in export
        assert needle.encode() not in raw
    for text in (log, tables, export):
        assert "$argon2" not in text
    assert info.id in log and "(hidden)" in tables


# --- the schema ------------------------------------------------------------------------------------


def test_a_register_at_revision_0002_is_upgraded(db_url: str) -> None:  # noqa: F811
    from alembic import command

    from fivegood_core.register import db
    from fivegood_core.register import schema as t
    from fivegood_core.register.store import _Tx

    url = db.database_url(db_url)
    eng = db.create_engine(url)
    with eng.connect() as conn, conn.begin():  # as `fivegood register init` of the version before did
        command.upgrade(db._alembic_config(conn), "0002")
        conn.execute(t.meta.insert().values(key="lock", value="writers lock this row"))
        conn.execute(t.meta.insert().values(key="created", value=t.now()))
        _Tx(conn, "old").audit("init", {"schema": "0002"})
    eng.dispose()
    status, _, err = cli("user", "list", db=db_url)
    assert status == 2 and "older schema revision '0002'" in err
    ok("init", db=db_url, actor="管理员")
    with Register(db_url) as reg:
        assert [(e["action"], e["detail"].get("from"), e["detail"].get("to")) for e in reg.log()] == [
            ("init", None, None),
            ("upgrade", "0002", "0003"),
        ]
        users = Users(reg, hasher=FAST)
        users.add("管理员", "admin", "long enough", actor="管理员")
        assert users.authenticate("管理员", "long enough").role == "admin"
        assert reg.verify().ok


# --- the command line ------------------------------------------------------------------------------


def _with_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_the_user_commands(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    ok("init", db=db_url)
    _with_stdin(monkeypatch, "admin password\n")
    assert "boss added: admin" in ok("user", "add", "boss", "--role", "admin", "--password-stdin", db=db_url, actor="root")
    _with_stdin(monkeypatch, "wang fang pw\n")
    ok("user", "add", "王芳", "--role", "assessor", "--jurisdiction", "ningbo", db=db_url, actor="boss")
    _with_stdin(monkeypatch, "wang fang pw\n")
    status, _, err = cli("user", "add", "王芳", "--role", "viewer", db=db_url, actor="boss")
    assert status == 4 and "users.unique-name" in err
    _with_stdin(monkeypatch, "short\n")
    status, _, err = cli("user", "add", "x", "--role", "viewer", db=db_url, actor="boss")
    assert status == 2 and "at least 8 characters" in err
    _with_stdin(monkeypatch, "")
    status, _, err = cli("user", "add", "x", "--role", "viewer", db=db_url, actor="boss")
    assert status == 2 and "no password on standard input" in err
    status, _, err = cli("user", "add", "x", "--role", "owner", db=db_url, actor="boss")
    assert status == 2
    # On a terminal the password is asked twice, and must agree.
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["one password", "two password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    status, _, err = cli("user", "password", "王芳", db=db_url, actor="boss")
    assert status == 2 and "differ" in err
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "three password")
    ok("user", "password", "王芳", db=db_url, actor="boss")
    _with_stdin(monkeypatch, "")

    listed = json.loads(ok("user", "list", "--format", "json", db=db_url))
    assert [(u["name"], u["role"], u["jurisdiction"], u["active"]) for u in listed] == [
        ("boss", "admin", None, True),
        ("王芳", "assessor", "ningbo", True),
    ]
    assert "王芳\tassessor\tningbo\tactive" in ok("user", "list", db=db_url)
    assert "approver, ningbo" in ok("user", "role", "王芳", "approver", db=db_url, actor="boss")
    assert "approver, every jurisdiction" in ok("user", "role", "王芳", "approver", "--all-jurisdictions", db=db_url, actor="boss")
    assert "ningbo/jiangbei" in ok("user", "role", "王芳", "approver", "--jurisdiction", "ningbo/jiangbei", db=db_url, actor="boss")
    status, _, err = cli("user", "role", "boss", "viewer", db=db_url, actor="boss")
    assert status == 4 and "users.last-admin" in err

    status, out, err = cli("user", "token", "王芳", "--label", "ci", db=db_url, actor="boss")
    assert status == 0 and out.count("\n") == 1 and out.startswith("fg_")
    secret = out.strip()
    assert secret not in err and "shown only this once" in err
    with Register(db_url) as reg:
        assert Users(reg).token_user(secret).name == "王芳"  # type: ignore[union-attr]
    tokens = json.loads(ok("user", "tokens", "王芳", "--format", "json", db=db_url))
    assert [(i["user"], i["label"], i["revoked"]) for i in tokens] == [("王芳", "ci", None)]
    assert secret not in ok("user", "tokens", db=db_url)
    assert "revoked" in ok("user", "revoke", tokens[0]["id"], db=db_url, actor="boss")
    status, _, err = cli("user", "revoke", tokens[0]["id"], db=db_url, actor="boss")
    assert status == 4 and "tokens.revoke-once" in err
    status, _, err = cli("user", "revoke", "nope", db=db_url, actor="boss")
    assert status == 2 and "no API token" in err
    assert "disabled" in ok("user", "disable", "王芳", db=db_url, actor="boss")
    status, _, err = cli("user", "disable", "王芳", db=db_url, actor="boss")
    assert status == 4
    ok("user", "enable", "王芳", db=db_url, actor="boss")
    status, _, err = cli("user", "disable", "nobody", db=db_url, actor="boss")
    assert status == 2 and "no user named 'nobody'" in err
    log = ok("log", db=db_url)
    assert "boss: token.issue 王芳" in log and "root: user.add boss" in log
    assert ok("verify", db=db_url).startswith("ok:")
    everything = json.dumps(dump(db_url), ensure_ascii=False) + ok("log", "--format", "json", db=db_url)
    for needle in ("admin password", "wang fang pw", "three password", secret):
        assert needle not in everything


def test_user_errors_read_in_chinese(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from fivegood_core.cli import main

    ok("init", db=db_url)
    _with_stdin(monkeypatch, "short\n")
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    status = main(["--lang", "zh", "register", "user", "add", "x", "--role", "viewer", "--db", db_url, "--as", "t"])
    assert status == 2 and "密码至少需要 8 个字符" in err.getvalue()
