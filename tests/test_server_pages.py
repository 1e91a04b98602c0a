"""The staff pages: Chinese and English, the evidence form and its scorecard, logins with CSRF, escaping, dashboards, batches."""

from __future__ import annotations

import re
from typing import Any

import pytest
from server_helpers import EXAMPLES, NINGBO, PASSWORD, Service, bearer, csrf_of, evidence, example_bytes

STANDARD = "ningbo/five-have-five-good"
HOSTILE = ["<img src=x onerror=alert(1)>", '"><script>alert(1)</script>', "{{7*7}}</td></tr><tr><td>"]


def form_fields(ev: dict[str, Any]) -> dict[str, str]:
    """An evidence table as the form's fields: dotted keys, text values."""
    out: dict[str, str] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for k, v in table.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict):
                walk(key + ".", v)
            elif isinstance(v, bool):
                out[key] = "true" if v else "false"
            else:
                out[key] = str(v)

    walk("", ev)
    return out


def test_pages_are_in_chinese_by_default_and_in_english_when_asked(service: Service) -> None:
    zh = service.client.get("/")
    assert zh.status_code == 200 and 'lang="zh-CN"' in zh.text and "检查证据" in zh.text
    en = service.client.get("/", params={"lang": "en"})
    assert 'lang="en"' in en.text and "Check evidence" in en.text
    # The choice is remembered.
    assert 'lang="en"' in service.client.get("/").text
    assert "检查证据" in service.client.get("/", headers={"accept-language": "zh-CN"}, params={"lang": "zh"}).text


def test_jurisdictions_are_named_in_the_pages_language(service: Service) -> None:
    import re

    cells = lambda html: re.findall(r'<td title="([a-z]+)">([^<]*)</td>', html)  # noqa: E731
    zh = dict(cells(service.client.get("/", params={"lang": "zh"}).text))
    en = dict(cells(service.client.get("/", params={"lang": "en"}).text))
    assert (zh["henan"], zh["ningbo"], en["henan"], en["ningbo"]) == ("河南省", "宁波市", "Henan", "Ningbo")
    assert zh["sample"] == en["sample"] == "sample"  # a jurisdiction the divisions do not know keeps its id
    page = service.client.get("/standards/ningbo/five-have-five-good", params={"lang": "zh"}).text
    assert "chamber · 宁波市" in page


def test_every_page_is_sent_with_security_headers(service: Service) -> None:
    r = service.client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"


def test_a_standard_reads_article_by_article(service: Service) -> None:
    page = service.client.get("/standards/henan/five-guarantees@2013", params={"lang": "zh"}).text
    assert "60" in page and "m²" in page or "平方米" in page
    assert "office.area_m2" in page
    assert "一个设立" in page


def test_the_form_is_grouped_by_article_with_units_and_types(service: Service) -> None:
    page = service.client.get("/standards/henan/five-guarantees@2013/form", params={"lang": "zh", "as_of": "2014-01-01"}).text
    legends = re.findall(r"<legend>(.*?)</legend>", page, flags=re.S)
    assert len(legends) > 3
    assert 'name="office.area_m2"' in page and "平方米" in page
    # Each evidence key appears once.
    names = re.findall(r'name="([a-z_]+\.[^"]+)"', page)
    assert len(names) == len(set(names))
    districts = service.client.get("/standards/ningbo/five-have-five-good/form").text
    assert 'value="330205"' in districts  # 江北区, as a drop-down


def test_the_form_checks_and_the_scorecard_shows_the_reward(service: Service) -> None:
    fields = form_fields(evidence("ningbo/jiangbei-certified")) | {"_as_of": "2010-12-01"}
    fields["subject.district"] = "330205"
    r = service.client.post(f"/standards/{STANDARD}/form", data=fields, params={"lang": "en"})
    assert r.status_code == 200, r.text
    assert "¥15,000" in r.text and 'id="to-act-on"' in r.text


def test_a_narrow_miss_leads_with_its_one_failure(service: Service) -> None:
    fields = form_fields(evidence("ningbo/jiangbei-certified")) | {"_as_of": "2010-12-01", "subject.district": "330205"}
    fields["activities.events"] = "0"
    page = service.client.post(f"/standards/{STANDARD}/form", data=fields, params={"lang": "en"}).text
    act = page.index('id="to-act-on"')
    # The failure comes first, before the table of every criterion.
    assert act < page.index('<table class="list criteria">')
    acted = page[act : page.index("</section>", act)]
    assert acted.count('class="act ') == 1
    assert "Has activities" in acted and "must be above 0" in acted


def test_a_bad_value_is_shown_by_its_field_with_the_engines_message(service: Service) -> None:
    fields = form_fields(evidence("ningbo/jiangbei-certified")) | {"_as_of": "2010-12-01", "subject.district": "330205"}
    fields["staff.headcount"] = "three"
    r = service.client.post(f"/standards/{STANDARD}/form", data=fields, params={"lang": "zh"})
    assert r.status_code == 422
    assert 'data-for="staff.headcount"' in r.text
    problem = re.search(r'data-for="staff.headcount" role="alert">([^<]+)<', r.text)
    assert problem and "应为" in problem.group(1)
    # The value typed is kept.
    assert 'value="three"' in r.text
    live = service.client.post(f"/standards/{STANDARD}/form/problems", data=fields, params={"lang": "en"}).json()
    assert "staff.headcount" in live["problems"] and live["verdict"] is None
    fields["staff.headcount"] = "3"
    assert service.client.post(f"/standards/{STANDARD}/form/problems", data=fields).json()["verdict"] == "pass"


def test_login_needs_the_csrf_token_and_the_right_password(service: Service) -> None:
    service.user("wang", "assessor")
    c = service.client
    token = csrf_of(c.get("/login").text)
    assert c.post("/login", data={"name": "wang", "password": PASSWORD}, follow_redirects=False).status_code == 403
    wrong = c.post("/login", data={"name": "wang", "password": "nope-nope", "csrf_token": token}, follow_redirects=False)
    unknown = c.post("/login", data={"name": "nobody", "password": "nope-nope", "csrf_token": token}, follow_redirects=False)
    assert wrong.status_code == unknown.status_code == 401
    message = re.search(r'class="error" role="alert">([^<]+)<', wrong.text)
    assert message and message.group(1) in unknown.text  # the same words: names are not revealed
    ok = c.post(
        "/login", data={"name": "wang", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_repeated_failed_logins_are_slowed(service: Service) -> None:
    service.user("li", "viewer")
    c = service.client
    token = csrf_of(c.get("/login").text)
    codes = [c.post("/login", data={"name": "li", "password": "wrong-wrong", "csrf_token": token}).status_code for _ in range(7)]
    assert codes[0] == 401 and codes[-1] == 429
    r = c.post("/login", data={"name": "li", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(service: Service) -> None:
    service.user("wang", "assessor")
    service.login("wang")
    before = service.services.register.log()
    fields = form_fields(evidence("ningbo/jiangbei-certified")) | {"_as_of": "2010-12-01", "subject.district": "330205"}
    r = service.client.post(f"/programmes/{NINGBO}/submit", data=fields)
    assert r.status_code == 403
    r = service.client.post(f"/programmes/{NINGBO}/submit", data=fields | {"csrf_token": "forged"})
    assert r.status_code == 403
    assert service.services.register.log() == before
    # With the token from the form, it is stored and assessed.
    token = csrf_of(service.client.get(f"/programmes/{NINGBO}/submit").text)
    r = service.client.post(f"/programmes/{NINGBO}/submit", data=fields | {"csrf_token": token}, params={"lang": "zh"})
    assert r.status_code == 200 and "¥15,000" in r.text
    # The assumptions it rests on read in the page's language, as on the anonymous form's scorecard.
    warnings = r.text[r.text.index('class="warnings"') :]
    assert "系推定" in warnings and "is assumed" not in warnings
    assert [e["action"] for e in service.services.register.log()[len(before) :]] == ["submit", "assess"]


def test_an_anonymous_person_is_sent_to_log_in(service: Service) -> None:
    r = service.client.get(f"/programmes/{NINGBO}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = service.client.post(f"/programmes/{NINGBO}/subjects/x/certify", data={}, follow_redirects=False)
    assert r.status_code == 303


def test_an_approver_certifies_from_the_subjects_page_and_the_ledger_shows_it_once(service: Service) -> None:
    assessor = service.user("wang", "assessor")
    service.user("li", "approver")
    c = service.client
    c.post(
        f"/api/v1/register/programmes/{NINGBO}/submissions",
        params={"on": "2010-12-01"},
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(assessor), "content-type": "application/toml"},
    )
    c.post(f"/api/v1/register/programmes/{NINGBO}/subjects/jiangbei-cicheng/assess", json={"as_of": "2010-12-15"}, headers=bearer(assessor))
    service.login("li")
    page = c.get(f"/programmes/{NINGBO}/subjects/jiangbei-cicheng", params={"lang": "en"})
    assert 'id="certify"' in page.text
    token = csrf_of(page.text)
    r = c.post(
        f"/programmes/{NINGBO}/subjects/jiangbei-cicheng/certify", data={"csrf_token": token, "on": "2010-12-20"}, follow_redirects=False
    )
    assert r.status_code == 303
    again = c.post(f"/programmes/{NINGBO}/subjects/jiangbei-cicheng/certify", data={"csrf_token": token, "on": "2010-12-21"})
    assert again.status_code == 409 and 'id="refused"' in again.text
    page = c.get(f"/programmes/{NINGBO}/subjects/jiangbei-cicheng").text
    assert page.count('class="ledger-entry"') == 1 and "¥15,000" in page
    assert '<td class="actor">li</td>' in page
    # The district by its name as well as its code, the decision in words, the audit time to the second.
    assert "Jiangbei <code>330205</code>" in page and "<td>certified</td>" in page
    assert re.search(r'<time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</time>', page)
    dashboard = c.get(f"/programmes/{NINGBO}", params={"lang": "zh"}).text
    assert "jiangbei-cicheng" in dashboard and "¥15,000" in dashboard and "已认定" in dashboard
    assert "<td>江北区</td>" in dashboard and "认定 2010-12-20" in dashboard


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_two_form_fields_read_alike(service: Service, lang: str) -> None:
    """The five goods share one vocabulary label ("assessor attests"): each is named by the criterion that reads it."""
    page = service.client.get(f"/standards/{STANDARD}/form", params={"lang": lang}).text
    labels = re.findall(r'<label for="f-[^"]+">(.*?)</label>', page, re.S)
    assert len(labels) == len(set(labels)), labels
    assert ("领导班子好" if lang == "zh" else "Good leadership team") in page
    # A citation that is the title itself is not said twice.
    assert "五有</span> 五有" not in page


def test_an_assessor_sees_no_approvers_buttons(service: Service) -> None:
    assessor = service.user("wang", "assessor")
    c = service.client
    c.post(
        f"/api/v1/register/programmes/{NINGBO}/submissions",
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(assessor), "content-type": "application/toml"},
    )
    service.login("wang")
    page = c.get(f"/programmes/{NINGBO}/subjects/jiangbei-cicheng").text
    assert 'id="certify"' not in page and "/assess" in page
    token = csrf_of(page)
    assert c.post(f"/programmes/{NINGBO}/subjects/jiangbei-cicheng/certify", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_are_escaped_in_every_page(service: Service, hostile: str) -> None:
    assessor = service.user("wang", "assessor")
    ev = evidence("ningbo/jiangbei-certified")
    ev["subject"]["name"] = hostile
    import json

    c = service.client
    r = c.post(
        f"/api/v1/register/programmes/{NINGBO}/submissions",
        params={"on": "2010-12-01"},
        content=json.dumps(ev, ensure_ascii=False).encode(),
        headers={**bearer(assessor), "content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    c.post(f"/api/v1/register/programmes/{NINGBO}/subjects/jiangbei-cicheng/assess", json={"as_of": "2010-12-15"}, headers=bearer(assessor))
    service.login("wang")
    fields = form_fields(ev) | {"_as_of": "2010-12-01", "subject.district": "330205"}
    pages = [
        c.get(f"/programmes/{NINGBO}").text,
        c.get(f"/programmes/{NINGBO}/subjects/jiangbei-cicheng").text,
        c.post(f"/standards/{STANDARD}/form", data=fields).text,
        c.post(f"/standards/{STANDARD}/form", data=fields | {"staff.headcount": hostile}).text,
    ]
    for page in pages:
        assert hostile not in page
        assert "<script>alert" not in page and "<img src=x" not in page
        if "{{7*7}}" in hostile:
            assert "{{7*7}}" in page  # shown as written, never evaluated
    assert "&lt;" in pages[0] and "&lt;" in pages[1]


def test_a_spreadsheet_or_json_lines_upload_gives_the_batch_dashboard(service: Service) -> None:
    c = service.client
    page = c.get("/batch").text
    token = csrf_of(page)
    source = EXAMPLES / "ningbo" / "batch.jsonl"
    r = c.post(
        "/batch",
        data={"standard": STANDARD, "as_of": "2010-12-01", "csrf_token": token},
        files={"file": ("batch.jsonl", source.read_bytes())},
        params={"lang": "en"},
    )
    assert r.status_code == 200, r.text
    counts = dict(re.findall(r'class="card s-(\w+)"><b>(\d+)</b>', r.text))
    assert sum(int(v) for v in counts.values()) == len(source.read_text(encoding="utf-8").splitlines())
    assert int(counts["error"]) >= 1 and int(counts["pass"]) >= 1
    assert "15,000" in r.text
    r = c.post("/batch", data={"standard": STANDARD, "csrf_token": token}, files={"file": ("evil.exe", b"MZ")})
    assert r.status_code == 422 and 'class="error"' in r.text


def test_unknown_pages_and_standards_are_404_pages(service: Service) -> None:
    r = service.client.get("/standards/nope/nope")
    assert r.status_code == 404 and "<html" in r.text
    assert service.client.get("/no/such/page").status_code == 404


def test_a_change_of_password_or_role_ends_the_users_sessions(service: Service) -> None:
    service.user("wang", "assessor")
    service.login("wang")
    assert service.client.get(f"/programmes/{NINGBO}", follow_redirects=False).status_code == 200
    service.services.users.set_password("wang", "another long password", actor="admin")
    r = service.client.get(f"/programmes/{NINGBO}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    service.login("wang", "another long password")
    assert service.client.get(f"/programmes/{NINGBO}", follow_redirects=False).status_code == 200
    service.services.users.set_role("wang", "viewer", actor="admin")
    assert service.client.get(f"/programmes/{NINGBO}", follow_redirects=False).status_code == 303


def test_every_wrong_field_of_a_form_is_shown_at_once(service: Service) -> None:
    fields = form_fields(evidence("ningbo/jiangbei-certified")) | {"_as_of": "2010-12-01", "subject.district": "330205"}
    fields["staff.headcount"] = "three"  # cannot be read as a count
    fields["office.area_m2"] = "-5"  # read, then refused by the engine
    r = service.client.post(f"/standards/{STANDARD}/form", data=fields, params={"lang": "en"})
    assert r.status_code == 422
    for key in ("staff.headcount", "office.area_m2"):
        shown = re.search(rf'data-for="{re.escape(key)}" role="alert">([^<]+)<', r.text)
        assert shown and "expected" in shown.group(1), key
    live = service.client.post(f"/standards/{STANDARD}/form/problems", data=fields).json()
    assert {"staff.headcount", "office.area_m2"} <= set(live["problems"])


def test_a_form_submission_is_dated_today_and_assessed_as_of_the_forms_date(service: Service) -> None:
    import datetime as dt

    service.user("wang", "assessor")
    service.login("wang")
    token = csrf_of(service.client.get(f"/programmes/{NINGBO}/submit").text)
    fields = form_fields(evidence("ningbo/jiangbei-certified")) | {
        "_as_of": "2010-12-01",
        "subject.district": "330205",
        "csrf_token": token,
    }
    assert service.client.post(f"/programmes/{NINGBO}/submit", data=fields).status_code == 200
    history = service.services.register
    from fivegood_core.register import reports

    h = reports.history(history, "jiangbei-cicheng")
    assert h["submissions"][0]["submitted_on"] == dt.date.today()
    assert h["assessments"][0]["as_of"] == dt.date(2010, 12, 1)
