"""The register through the API: roles decide who may change what, the audit log names the user, refusals change nothing.

Run on SQLite and on a real PostgreSQL server (``FIVEGOOD_TEST_POSTGRES``, as the register's own tests).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from register_helpers import db_url  # noqa: F401
from server_helpers import NINGBO, Service, bearer, example_bytes

SUBMISSIONS = f"/api/v1/register/programmes/{NINGBO}/submissions"


def subject_url(subject: str, action: str) -> str:
    return f"/api/v1/register/programmes/{NINGBO}/subjects/{subject}/{action}"


@pytest.fixture
def on_both(db_url: str) -> Any:  # noqa: F811
    s = Service(db_url)
    yield s
    s.close()


def test_a_jiangbei_chamber_from_submission_to_payment(on_both: Service) -> None:
    s = on_both
    assessor = s.user("wangfang", "assessor")
    approver = s.user("liming", "approver")
    c = s.client
    r = c.post(
        SUBMISSIONS,
        params={"on": "2010-12-01"},
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(assessor), "content-type": "application/toml"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["subject"] == "jiangbei-cicheng"
    r = c.post(subject_url("jiangbei-cicheng", "assess"), json={"as_of": "2010-12-15"}, headers=bearer(assessor))
    assert r.status_code == 200 and r.json()["verdict"] == "pass"
    assert r.json()["result"]["reward"]["amount"] == "15000"
    # An assessor may not certify; an approver may, once.
    assert c.post(subject_url("jiangbei-cicheng", "certify"), json={}, headers=bearer(assessor)).status_code == 403
    r = c.post(subject_url("jiangbei-cicheng", "certify"), json={"on": "2010-12-20"}, headers=bearer(approver))
    assert r.status_code == 200, r.text
    again = c.post(subject_url("jiangbei-cicheng", "certify"), json={"on": "2010-12-21"}, headers=bearer(approver))
    assert again.status_code == 409 and again.json()["error"]["code"] == "refused" and again.json()["error"]["rule"]
    ledger = c.get("/api/v1/register/ledger", headers=bearer(assessor)).json()
    assert len(ledger) == 1
    entry = ledger[0]
    assert entry["subject"] == "jiangbei-cicheng" and entry["amount"] == "15000" and entry["state"] == "due"
    assert entry["payer"]["zh"] == "江北区人民政府"
    # Payments: an assessor may not approve one (403); the approver approves, then pays with a reference.
    pay = subject_url("jiangbei-cicheng", f"rewards/{entry['scheme']}")
    assert c.post(pay, json={"to": "approved"}, headers=bearer(assessor)).status_code == 403
    assert c.post(pay, json={"to": "approved"}, headers=bearer(approver)).status_code == 200
    assert c.post(pay, json={"to": "paid", "reference": "JB-2011-001"}, headers=bearer(approver)).status_code == 200
    assert c.get("/api/v1/register/ledger", headers=bearer(approver)).json()[0]["state"] == "paid"
    # The audit log names who did each change.
    log = c.get("/api/v1/register/log", headers=bearer(approver)).json()
    actors = {(e["action"], e["actor"]) for e in log}
    assert ("submit", "wangfang") in actors and ("assess", "wangfang") in actors and ("certify", "liming") in actors
    history = c.get("/api/v1/register/subjects/jiangbei-cicheng", headers=bearer(assessor)).json()
    assert [d["kind"] for d in history["decisions"]] == ["certify"]
    assert len(history["ledger"]) == 1 and history["ledger"][0]["state"] == "paid"
    assert c.get("/api/v1/register/verify", headers=bearer(assessor)).json()["ok"] is True


def _dump(s: Service) -> dict[str, Any]:
    reg = s.services.register
    return {
        name: reg.table(name) for name in ("subjects", "submissions", "assessments", "decisions", "rewards", "reward_events", "audit_log")
    }


@pytest.mark.parametrize(
    "method, url, body, role",
    [
        ("post", SUBMISSIONS, None, None),
        ("post", subject_url("jiangbei-cicheng", "assess"), {}, None),
        ("post", subject_url("jiangbei-cicheng", "certify"), {}, "assessor"),
        ("post", subject_url("jiangbei-cicheng", "certify"), {}, "viewer"),
        ("post", subject_url("jiangbei-cicheng", "revoke"), {"reason": "x"}, "assessor"),
        ("post", subject_url("jiangbei-cicheng", "waive"), {"criterion": "c", "reason": "x", "expires": "2011-01-01"}, "assessor"),
        ("post", subject_url("jiangbei-cicheng", "rewards/jiangbei"), {"to": "approved"}, "assessor"),
        ("post", SUBMISSIONS, None, "viewer"),
        ("post", "/api/v1/users", {"name": "eve", "role": "admin", "password": "12345678"}, "approver"),
    ],
)
def test_changes_need_a_user_whose_role_allows_them_and_refusals_change_nothing(
    service: Service, method: str, url: str, body: Any, role: str | None
) -> None:
    assessor = service.user("a1", "assessor")
    service.client.post(
        SUBMISSIONS,
        params={"on": "2010-12-01"},
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(assessor), "content-type": "application/toml"},
    )
    before = _dump(service)
    headers = bearer(service.user("caller", role)) if role else {}
    before = _dump(service)  # adding the caller is itself audited
    if body is None:
        r = service.client.request(
            method, url, content=example_bytes("ningbo/jiangbei-certified"), headers={**headers, "content-type": "application/toml"}
        )
    else:
        r = service.client.request(method, url, json=body, headers=headers)
    assert r.status_code == (403 if role else 401), r.text
    assert r.json()["error"]["code"] == ("forbidden" if role else "login_required")
    assert _dump(service) == before


def test_a_revoked_token_or_a_disabled_user_is_401(service: Service) -> None:
    token = service.user("a1", "assessor")
    users = service.services.users
    assert service.client.get("/api/v1/me", headers=bearer(token)).json()["name"] == "a1"
    info = users.tokens("a1")[0]
    users.revoke_token(info.id, actor="admin")
    r = service.client.get("/api/v1/register/subjects", headers=bearer(token))
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    other = service.user("a2", "assessor")
    users.disable("a2", actor="admin")
    assert service.client.get("/api/v1/register/subjects", headers=bearer(other)).status_code == 401
    assert service.client.get("/api/v1/register/subjects", headers=bearer("fg_not-a-token")).status_code == 401
    assert service.client.get("/api/v1/register/subjects", headers={"Authorization": "Basic abc"}).status_code == 401


def test_an_admin_manages_users_and_tokens_through_the_api(service: Service) -> None:
    admin = service.user("root", "admin")
    r = service.client.post("/api/v1/users", json={"name": "zhao", "role": "viewer", "password": "long enough pw"}, headers=bearer(admin))
    assert r.status_code == 200 and r.json()["role"] == "viewer"
    issued = service.client.post("/api/v1/users/zhao/tokens", json={"label": "OA"}, headers=bearer(admin)).json()
    assert issued["token"].startswith("fg_")
    assert service.client.get("/api/v1/me", headers=bearer(issued["token"])).json()["role"] == "viewer"
    assert service.client.post(f"/api/v1/tokens/{issued['id']}/revoke", headers=bearer(admin)).status_code == 200
    assert service.client.get("/api/v1/me", headers=bearer(issued["token"])).status_code == 401
    names = [u["name"] for u in service.client.get("/api/v1/users", headers=bearer(admin)).json()]
    assert "zhao" in names
    # Nothing secret in the audit log.
    log = service.services.register.log()
    assert issued["token"] not in str(log) and "long enough pw" not in str(log)


@pytest.mark.parametrize("subject", ["..%2F..%2Fetc%2Fpasswd", "x';DROP TABLE subjects;--", "a..b", "%00x", ".hidden"])
def test_ids_with_paths_or_sql_are_rejected(service: Service, subject: str) -> None:
    token = service.user("v", "viewer")
    r = service.client.get(f"/api/v1/register/subjects/{subject}", headers=bearer(token))
    assert r.status_code in (404, 422), r.text
    assert "error" in r.json()
    assert service.services.register.subjects() == []  # and nothing was touched
    assert service.client.get("/api/v1/register/verify", headers=bearer(token)).json()["ok"] is True


def test_a_user_limited_to_one_jurisdiction_sees_nothing_of_another(service: Service) -> None:
    ningbo = service.user("nb", "approver", jurisdiction="ningbo")
    henan = service.user("hn", "approver", jurisdiction="henan")
    everyone = service.user("all", "assessor")
    service.client.post(
        SUBMISSIONS,
        params={"on": "2010-12-01"},
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(everyone), "content-type": "application/toml"},
    )
    service.client.post(subject_url("jiangbei-cicheng", "assess"), json={"as_of": "2010-12-15"}, headers=bearer(everyone))
    service.client.post(subject_url("jiangbei-cicheng", "certify"), json={"on": "2010-12-20"}, headers=bearer(ningbo))
    assert len(service.client.get("/api/v1/register/ledger", headers=bearer(ningbo)).json()) == 1
    c = service.client
    assert c.get("/api/v1/register/ledger", headers=bearer(henan)).json() == []
    assert c.get("/api/v1/register/subjects", headers=bearer(henan)).json() == []
    assert c.get("/api/v1/register/log", headers=bearer(henan)).json() == []
    assert c.get("/api/v1/register/subjects/jiangbei-cicheng", headers=bearer(henan)).status_code == 404
    assert c.get(f"/api/v1/register/programmes/{NINGBO}/status", headers=bearer(henan)).status_code == 404
    assert all(p["jurisdiction"] == "henan" for p in c.get("/api/v1/register/programmes", headers=bearer(henan)).json())
    r = c.post(subject_url("jiangbei-cicheng", "revoke"), json={"reason": "x"}, headers=bearer(henan))
    assert r.status_code == 404
    # The pages answer the same.
    service.login("hn")
    assert c.get("/programmes/" + NINGBO).status_code == 404
    assert "jiangbei-cicheng" not in c.get("/programmes/henan/five-good-demonstration-sites").text


def test_concurrent_certifications_of_one_chamber_make_one_ledger_entry(tmp_path: Path) -> None:
    s = Service(str(tmp_path / "r.sqlite3"))
    try:
        assessor = s.user("a", "assessor")
        approver = s.user("b", "approver")
        s.client.post(
            SUBMISSIONS,
            params={"on": "2010-12-01"},
            content=example_bytes("ningbo/jiangbei-certified"),
            headers={**bearer(assessor), "content-type": "application/toml"},
        )
        s.client.post(subject_url("jiangbei-cicheng", "assess"), json={"as_of": "2010-12-15"}, headers=bearer(assessor))
        statuses: list[int] = []
        lock = threading.Lock()

        def certify() -> None:
            from fastapi.testclient import TestClient

            with TestClient(s.app) as client:
                r = client.post(subject_url("jiangbei-cicheng", "certify"), json={"on": "2010-12-20"}, headers=bearer(approver))
            with lock:
                statuses.append(r.status_code)

        threads = [threading.Thread(target=certify) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [200] + [409] * 11
        assert len(s.services.register.ledger()) == 1
    finally:
        s.close()


def test_the_register_exports_as_a_workbook_or_json_to_users_who_see_everything(service: Service, tmp_path: Path) -> None:
    import io

    import openpyxl

    assessor = service.user("a", "assessor")
    limited = service.user("nb", "viewer", jurisdiction="ningbo")
    c = service.client
    c.post(
        SUBMISSIONS,
        params={"on": "2010-12-01"},
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(assessor), "content-type": "application/toml"},
    )
    r = c.get("/api/v1/register/export", params={"programme": NINGBO, "on": "2010-12-31"}, headers=bearer(assessor))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    assert {"subjects", "submissions", "audit_log", "ledger", "status"} <= set(book.sheetnames)
    subjects = [row for row in book["subjects"].iter_rows(values_only=True)]
    assert any("jiangbei-cicheng" in [str(v) for v in row] for row in subjects[1:])
    assert r.headers["x-fivegood-register-verified"] == "true"
    r = c.get("/api/v1/register/export", params={"format": "json"}, headers=bearer(assessor))
    assert r.headers["x-fivegood-register-verified"] == "true"
    data = r.json()
    assert [s["id"] for s in data["subjects"]] == ["jiangbei-cicheng"]
    # A row edited behind the register's back: the export still answers, and says the register does not verify.
    import sqlite3

    con = sqlite3.connect(tmp_path / "register.sqlite3")
    con.execute("UPDATE subjects SET name = 'someone else' WHERE id = 'jiangbei-cicheng'")
    con.commit()
    con.close()
    r = c.get("/api/v1/register/export", params={"format": "json"}, headers=bearer(assessor))
    assert r.status_code == 200 and r.headers["x-fivegood-register-verified"] == "false"
    # A user limited to one jurisdiction is told to use the filtered routes: the tables hold everyone's rows.
    r = c.get("/api/v1/register/export", headers=bearer(limited))
    assert r.status_code == 403 and "ningbo" in r.json()["error"]["message"]
    assert c.get("/api/v1/register/export").status_code == 401
