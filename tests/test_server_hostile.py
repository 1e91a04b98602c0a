"""The service against a hostile caller: other jurisdictions, other sites, oversized bodies, hostile ids and paths.

Each test asserts what would break if the protection were removed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
from server_helpers import NINGBO, Service, TestClient, bearer, csrf_of, example_bytes

HENAN = "henan/five-good-demonstration-sites"
SUBMISSIONS = f"/api/v1/register/programmes/{NINGBO}/submissions"


def _submit_jiangbei(s: Service, token: str) -> None:
    r = s.client.post(
        SUBMISSIONS,
        params={"on": "2010-12-01"},
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(token), "content-type": "application/toml"},
    )
    assert r.status_code == 200, r.text


# --- jurisdictions ---------------------------------------------------------------------------


def test_a_henan_user_learns_nothing_of_a_ningbo_subject_by_nominating_its_id(service: Service) -> None:
    s = service
    _submit_jiangbei(s, s.user("wangfang", "assessor"))
    henan = s.user("zhengzhou-ops", "approver", "henan")
    r = s.client.post(
        f"/api/v1/register/programmes/{HENAN}/nominations",
        json={"subject": "jiangbei-cicheng", "prefecture": "zhengzhou", "on": "2013-06-01"},
        headers=bearer(henan),
    )
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "not_found"
    assert "ningbo" not in r.text and "chamber" not in r.text
    # Nothing was nominated, and the register still refuses the id to a user who sees everything, saying why.
    everyone = s.user("root", "admin")
    r = s.client.post(
        f"/api/v1/register/programmes/{HENAN}/nominations",
        json={"subject": "jiangbei-cicheng", "prefecture": "zhengzhou", "on": "2013-06-01"},
        headers=bearer(everyone),
    )
    assert r.status_code == 409 and "ningbo" in r.json()["error"]["message"]


def test_a_henan_user_still_sees_refusals_about_henan_subjects(service: Service) -> None:
    s = service
    henan = s.user("zhengzhou-ops", "approver", "henan")
    url = f"/api/v1/register/programmes/{HENAN}/nominations"
    body = {"subject": "xinzheng", "prefecture": "zhengzhou", "on": "2013-06-01"}
    assert s.client.post(url, json=body, headers=bearer(henan)).status_code == 200
    r = s.client.post(url, json=body | {"prefecture": "kaifeng"}, headers=bearer(henan))
    assert r.status_code == 409, r.text  # its own subject: the refusal, with its reason


# --- other sites -----------------------------------------------------------------------------


def _logged_in(s: Service, name: str, role: str) -> TestClient:
    s.user(name, role)
    return s.login(name, client=TestClient(s.app))


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_change_sent_from_another_site_is_refused_even_with_the_right_token(service: Service, site: str) -> None:
    s = service
    c = _logged_in(s, "liming", "approver")
    token = csrf_of(c.get("/").text)
    r = c.post("/logout", data={"csrf_token": token}, headers={"Sec-Fetch-Site": site}, follow_redirects=False)
    assert r.status_code == 403
    assert c.get("/api/v1/me").status_code == 200  # still logged in
    r = c.post(
        f"/api/v1/register/programmes/{NINGBO}/nominations",
        json={"subject": "zhenhai-x", "district": "镇海区"},
        headers={"X-CSRF-Token": token, "Sec-Fetch-Site": site},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = c.post(
        f"/api/v1/register/programmes/{NINGBO}/nominations",
        json={"subject": "zhenhai-x", "district": "镇海区"},
        headers={"X-CSRF-Token": token, "Origin": "null"},
    )
    assert r.status_code == 403
    assert c.get("/api/v1/register/subjects").json() == []
    # The same request from the service's own page goes through.
    r = c.post("/logout", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    assert r.status_code == 303


def test_a_login_posted_from_another_site_is_refused(service: Service) -> None:
    s = service
    s.user("liming", "approver")
    c = TestClient(s.app)
    token = csrf_of(c.get("/login").text)
    form = {"name": "liming", "password": "correct horse battery", "csrf_token": token, "next": "/"}
    r = c.post("/login", data=form, headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False)
    assert r.status_code == 403 and "fivegood_session" not in r.cookies


def test_a_page_at_a_double_slash_path_links_nowhere_else(service: Service) -> None:
    for path in ("//evil.example/x", "/\\evil.example/x", "//evil.example"):
        r = service.client.get("http://testserver" + path)
        links = re.findall(r'(?:href|action)="([^"]*)"', r.text)
        assert links, r.text
        for link in links:
            assert link.startswith("/") and not link.startswith("//") and "\\" not in link, link


# --- hostile ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["../../etc", "x<script>", "a/b", "x" * 201])
def test_evidence_whose_subject_id_no_address_could_name_is_refused(service: Service, bad: str) -> None:
    s = service
    token = s.user("wangfang", "assessor")
    text = example_bytes("ningbo/jiangbei-certified").decode().replace('id = "jiangbei-cicheng"', f'id = "{bad}"')
    r = s.client.post(
        SUBMISSIONS, params={"on": "2010-12-01"}, content=text.encode(), headers={**bearer(token), "content-type": "application/toml"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["problems"][0]["key"] == "subject.id"
    assert s.client.get("/api/v1/register/subjects", headers=bearer(token)).json() == []


def test_the_submit_form_refuses_a_subject_id_no_address_could_name(service: Service) -> None:
    s = service
    c = _logged_in(s, "wangfang", "assessor")
    page = c.get(f"/programmes/{NINGBO}/submit")
    form = {
        "csrf_token": csrf_of(page.text),
        "subject.id": "../../etc",
        "subject.name": "x",
        "subject.district": "江北区",
        "_as_of": "2010-12-01",
    }
    r = c.post(f"/programmes/{NINGBO}/submit", data=form)
    assert r.status_code == 422, r.text[:500]
    assert c.get("/api/v1/register/subjects").json() == []


# --- sizes -----------------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Service]:
    s = Service(str(tmp_path / "register.sqlite3"), max_evidence_body=4096, max_batch_body=64 * 1024)
    yield s
    s.close()


def _chunks(total: int) -> Iterator[bytes]:
    yield b'{"name": "'
    for _ in range(total // 1024):
        yield b"a" * 1024
    yield b'"}'


def test_a_json_body_read_for_a_model_is_bounded_before_the_user_is_known(small: Service) -> None:
    c = TestClient(small.app)
    # No Content-Length (a chunked body): refused as it arrives, not read whole.
    r = c.post("/api/v1/users", content=_chunks(100_000), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    r = c.post("/api/v1/users", content=b"{" + b" " * 10_000 + b"}", headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/json")


def test_a_page_form_with_a_large_file_part_is_refused(small: Service) -> None:
    c = TestClient(small.app)
    r = c.post("/login", files={"junk": ("junk.bin", b"a" * 50_000)})
    assert r.status_code == 413
    r = c.post("/standards/ningbo/five-have-five-good/form", files={"junk": ("junk.bin", b"a" * 50_000)})
    assert r.status_code == 413
    r = c.post("/batch", files={"file": ("x.jsonl", b"{}\n" * 30_000)}, data={"standard": "ningbo/five-have-five-good"})
    assert r.status_code == 413


def test_the_batch_page_keeps_small_fields_small(service: Service) -> None:
    r = service.client.post("/batch", files={"file": ("x.jsonl", b"{}\n")}, data={"standard": "x" * (2 * 1024 * 1024)})
    assert r.status_code in (400, 413)


def test_the_batch_page_keeps_a_bounded_number_of_failed_rows(service: Service) -> None:
    r = service.client.post(
        "/batch",
        files={"file": ("../../bad.jsonl", b"[]\n" * 2600)},
        data={"standard": "ningbo/five-have-five-good", "as_of": "2010-12-01"},
    )
    assert r.status_code == 200, r.text[:300]
    table = r.text.split('id="rows"', 1)[1]
    assert table.count("<tr") <= 2001  # a heading and at most 2000 rows
    assert table.count('class="v-error"') == 2000
    assert "bad.jsonl:2600" in r.text or "bad.jsonl:" in r.text  # the name as uploaded, without its folders
    assert "../bad.jsonl" not in r.text


# --- what already holds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["//evil.example", "/\\evil.example", "https:evil.example", "https://evil.example", "/%2F%2Fevil.example"]
)
def test_login_never_sends_a_person_elsewhere(service: Service, target: str) -> None:
    s = service
    s.user("liming", "approver")
    c = TestClient(s.app)
    page = c.get("/login", params={"next": target})
    kept = re.search(r'name="next" value="([^"]*)"', page.text)
    assert kept and kept.group(1).startswith("/") and not kept.group(1).startswith("//") and "\\" not in kept.group(1)
    form = {"name": "liming", "password": "correct horse battery", "csrf_token": csrf_of(page.text), "next": target}
    r = c.post("/login", data=form, follow_redirects=False)
    location = r.headers["location"]
    assert r.status_code == 303 and location.startswith("/") and not location.startswith("//") and "\\" not in location


def test_a_session_signed_with_another_key_or_salt_is_nobody(service: Service) -> None:
    from itsdangerous import URLSafeTimedSerializer

    s = service
    s.user("root", "admin")
    key = s.services.settings.secret_key
    for cookie in (
        URLSafeTimedSerializer("another key", salt="fivegood-session").dumps({"u": "root"}),
        URLSafeTimedSerializer(key, salt="fivegood-csrf").dumps({"u": "root"}),
        "eyJ1Ijoicm9vdCJ9.tampered.x",
    ):
        c = TestClient(s.app)
        c.cookies.set("fivegood_session", cookie)
        assert c.get("/api/v1/me").status_code == 401
    c = TestClient(s.app)
    state = s.services.users.get("root").state
    c.cookies.set("fivegood_session", URLSafeTimedSerializer(key, salt="fivegood-session").dumps({"u": "root", "s": state}))
    assert c.get("/api/v1/me").status_code == 200  # the same cookie, rightly signed, is someone: the checks above can fail


def test_hostile_names_are_escaped_on_every_page(service: Service) -> None:
    s = service
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    token = s.user("wangfang", "assessor")
    text = example_bytes("ningbo/jiangbei-certified").decode().replace("江北区慈城镇商会", hostile.replace('"', '\\"'))
    r = s.client.post(
        SUBMISSIONS, params={"on": "2010-12-01"}, content=text.encode(), headers={**bearer(token), "content-type": "application/toml"}
    )
    assert r.status_code == 200
    c = s.login("wangfang", client=TestClient(s.app))
    for url in (f"/programmes/{NINGBO}", f"/programmes/{NINGBO}/subjects/jiangbei-cicheng", "/standards/<script>alert(1)</script>"):
        page = c.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in c.get(f"/programmes/{NINGBO}").text


def test_an_unusable_register_is_named_in_the_log_not_to_callers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    where = str(tmp_path / "no-such-folder" / "register.sqlite3")
    s = Service(where)
    try:
        with caplog.at_level("WARNING", logger="fivegood.server"):
            health = s.client.get("/api/v1/health")
            r = s.client.get("/api/v1/register/programmes", headers=bearer("fg_whatever"))
            page = s.client.get("/programmes", headers=bearer("fg_whatever"))
    finally:
        s.close()
    assert health.status_code == 200 and health.json()["database"] == "unavailable"
    assert r.status_code == 503 and r.json()["error"]["code"] == "register_unavailable"
    assert page.status_code == 503
    for answer in (health.text, r.text, page.text):
        assert "no-such-folder" not in answer and str(tmp_path) not in answer
    assert "no-such-folder" in caplog.text  # the operator is told why


def test_a_csrf_token_of_another_browser_or_in_the_address_is_refused(service: Service) -> None:
    s = service
    c = _logged_in(s, "liming", "approver")
    other = TestClient(s.app)
    theirs = csrf_of(other.get("/login").text)
    mine = csrf_of(c.get("/").text)
    assert theirs != mine
    assert c.post("/logout", data={"csrf_token": theirs}, follow_redirects=False).status_code == 403
    assert c.post("/logout", params={"csrf_token": mine}, follow_redirects=False).status_code == 403
    url = f"/api/v1/register/programmes/{NINGBO}/nominations"
    body = {"subject": "zhenhai-x", "district": "镇海区"}
    assert c.post(url, json=body, params={"csrf_token": mine}).status_code == 403
    assert c.post(url, json=body, headers={"X-CSRF-Token": theirs}).status_code == 403
    assert c.get("/api/v1/register/subjects").json() == []
    assert c.post(url, json=body, headers={"X-CSRF-Token": mine}).status_code != 403  # its own token: past the check


def test_an_expired_session_is_nobody(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from itsdangerous import URLSafeTimedSerializer

    s = service
    s.user("root", "admin")
    signer = URLSafeTimedSerializer(s.services.settings.secret_key, salt="fivegood-session")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now - s.services.settings.session_seconds - 60)
    state = s.services.users.get("root").state
    old = signer.dumps({"u": "root", "s": state})
    monkeypatch.setattr(time, "time", lambda: now - 60)
    fresh = signer.dumps({"u": "root", "s": state})
    monkeypatch.undo()
    for cookie, status in ((old, 401), (fresh, 200)):
        c = TestClient(s.app)
        c.cookies.set("fivegood_session", cookie)
        assert c.get("/api/v1/me").status_code == status


def test_variants_of_a_throttled_name_neither_log_in_nor_lift_the_throttle(service: Service) -> None:
    s = service
    s.user("liming", "approver")
    c = TestClient(s.app)
    token = csrf_of(c.get("/login").text)

    def attempt(name: str, password: str) -> int:
        return c.post("/login", data={"name": name, "password": password, "csrf_token": token}, follow_redirects=False).status_code

    for _ in range(5):
        assert attempt("liming", "wrong password!") == 401
    for variant in ("LIMING", " liming", "liming ", "liming\t", "Liming"):
        assert attempt(variant, "correct horse battery") == 401  # another name: never this user's login
    assert attempt("liming", "correct horse battery") == 429  # still throttled


def test_a_scorecard_for_a_subject_without_a_name_is_a_page(service: Service) -> None:
    r = service.client.post("/standards/ningbo/five-have-five-good/form", data={"subject.id": "x", "_as_of": "2010-12-01"})
    assert r.status_code in (200, 422), r.text[:300]


def test_hostile_texts_of_a_plugin_standard_are_escaped(tmp_path: Path, make_engine: object) -> None:
    from fivegood_core.server.app import create_app
    from fivegood_core.server.settings import Settings
    from helpers import standard

    hostile = '<script>alert(1)</script>\\"><img src=x onerror=alert(2)>{{7*7}}'
    body = f'\n[[criterion]]\nid = "n"\nkind = "threshold"\ntitle = {{ zh = "{hostile}", en = "{hostile}" }}\nkey = "staff.headcount"\nop = ">="\nvalue = 5\n'
    engine = make_engine(standard(body))  # type: ignore[operator]
    c = TestClient(create_app(Settings(db=str(tmp_path / "r.sqlite3")), engine=engine))
    for url in ("/", "/standards/test/std", "/standards/test/std/form"):
        page = c.get(url)
        assert page.status_code == 200, url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, url
    assert "&lt;script&gt;" in c.get("/standards/test/std").text
    r = c.post("/standards/test/std/form", data={"staff.headcount": "2", "subject.id": "x"})  # a subject without a name
    assert r.status_code == 200, r.text[:300]
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    r = c.post("/standards/test/std/form/problems", data={"staff.headcount": "<script>"})
    assert r.headers["content-type"].startswith("application/json")


def test_made_up_methods_do_not_grow_the_counters(service: Service) -> None:
    c = service.client
    for i in range(50):
        assert c.request(f"X{i}YZ", "/api/v1/health").status_code == 405
    text = c.get("/metrics").text
    assert "X7YZ" not in text
    assert 'method="OTHER",route="/api/v1/health",status="405"} 50' in text


def test_a_client_that_leaves_mid_body_is_no_server_error(service: Service, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    sent: list[dict[str, object]] = []
    messages = iter([{"type": "http.request", "body": b"name=a", "more_body": True}, {"type": "http.disconnect"}])

    async def receive() -> dict[str, object]:
        return next(messages)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/login",
        "raw_path": b"/login",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", b"100")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    with caplog.at_level("INFO", logger="fivegood.server"):
        asyncio.run(service.app(scope, receive, send))
    assert sent[0]["status"] == 400
    assert "POST /login 400" in caplog.text


def test_a_login_replaces_the_session_and_csrf_cookies_it_found(service: Service) -> None:
    s = service
    s.user("liming", "approver")
    c = TestClient(s.app)
    planted = csrf_of(c.get("/login").text)  # a token an attacker could have planted before the login
    s.login("liming", client=c)
    after = csrf_of(c.get("/").text)
    assert after != planted
    url = f"/api/v1/register/programmes/{NINGBO}/nominations"
    assert c.post(url, json={"subject": "zhenhai-x", "district": "镇海区"}, headers={"X-CSRF-Token": planted}).status_code == 403
    assert c.post(url, json={"subject": "zhenhai-x", "district": "镇海区"}).status_code == 403  # no header at all


def test_a_henan_user_sees_nothing_of_ningbo_on_the_pages(service: Service) -> None:
    s = service
    _submit_jiangbei(s, s.user("wangfang", "assessor"))
    s.user("zhengzhou-ops", "approver", "henan")
    c = s.login("zhengzhou-ops", client=TestClient(s.app))
    assert "ningbo" not in c.get("/programmes").text
    for url in (
        f"/programmes/{NINGBO}",
        f"/programmes/{NINGBO}/subjects/jiangbei-cicheng",
        f"/programmes/{HENAN}/subjects/jiangbei-cicheng",
    ):
        r = c.get(url)
        assert r.status_code == 404, url
        assert "江北区慈城镇商会" not in r.text
    token = csrf_of(c.get("/programmes").text)
    r = c.post(f"/programmes/{NINGBO}/subjects/jiangbei-cicheng/certify", data={"csrf_token": token})
    assert r.status_code == 404


def test_the_submit_page_of_a_henan_user_learns_nothing_of_a_ningbo_subject(service: Service) -> None:
    s = service
    _submit_jiangbei(s, s.user("wangfang", "assessor"))
    s.user("zhengzhou-ops", "approver", "henan")
    c = s.login("zhengzhou-ops", client=TestClient(s.app))
    url = "/programmes/henan/five-guarantees-compliance/submit"
    form = {
        "csrf_token": csrf_of(c.get(url).text),
        "subject.id": "jiangbei-cicheng",
        "subject.prefecture": "zhengzhou",
        "_as_of": "2013-06-01",
    }
    r = c.post(url, data=form)
    assert r.status_code == 404, r.text[:300]
    assert "ningbo" not in r.text and "chamber" not in r.text


def test_logging_out_ends_the_session_everywhere_its_cookie_was_copied(service: Service) -> None:
    s = service
    c = _logged_in(s, "liming", "approver")
    copied = TestClient(s.app)
    copied.cookies.update(dict(c.cookies))
    assert copied.get("/api/v1/me").json()["name"] == "liming"  # the copy works while the session lasts
    token = csrf_of(c.get("/").text)
    r = c.post("/logout", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/api/v1/me").status_code == 401
    assert copied.get("/api/v1/me").status_code == 401  # the copied cookie no longer logs anyone in
    log = [e for e in s.services.register.log() if e["action"] == "user.sign-out"]
    assert [(e["actor"], e["detail"]["user"]) for e in log] == [("liming", "liming")]
    assert s.services.register.verify().ok
    assert s.login("liming").get("/api/v1/me").status_code == 200  # logging in again works
