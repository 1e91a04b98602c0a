"""The staff's workflow in a real browser (issue 13): an assessor submits through the form, an approver certifies.

A real service (uvicorn on a free port of 127.0.0.1, a fresh SQLite register) driven by Debian's chromium
through playwright, in English and in Chinese. Screenshots of every page are kept as test artifacts in
``$FIVEGOOD_ARTIFACTS`` (``.ci/run`` sets it), else in the test's own temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
import uvicorn
from server_helpers import NINGBO, PASSWORD, engine, evidence, example_bytes
from test_html_browser import FLAGS, chromium  # noqa: F401  (the fixture: skips locally, fails under CI without chromium)

from fivegood_core.server.app import create_app
from fivegood_core.server.settings import Settings

SUBJECT = "jiangbei-cicheng"
JIANGBEI = "330205"
AS_OF = "2010-12-01"
WORDS = {
    "en": {"pass": "PASS", "nothing": "Nothing to act on", "certified": "certified", "js_problem": "whole number"},
    "zh": {"pass": "达标", "nothing": "无需处理", "certified": "已认定", "js_problem": "整数"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    """The service on uvicorn in a background thread, until :meth:`stop`."""

    def __init__(self, db: str) -> None:
        self.app = create_app(Settings(db=db, secret_key="browser-test-key-" + "x" * 24), engine=engine())
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the service did not answer /api/v1/health")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(str(tmp_path / "register.sqlite3"))
    server.start()
    users = server.app.state.services.users
    users.add("wang", "assessor", PASSWORD, actor="setup")
    users.add("li", "approver", PASSWORD, actor="setup")
    # Another chamber, already assessed and failed, so that the dashboard draws its chart of failed criteria.
    register = server.app.state.services.register
    register.submit(NINGBO, example_bytes("ningbo/jiangbei-failed"), "jiangbei-failed.toml", on=dt.date(2010, 12, 1), actor="setup")
    register.assess(NINGBO, "jiangbei-zhuangqiao", as_of=dt.date(2010, 12, 1), actor="setup")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    where = os.environ.get("FIVEGOOD_ARTIFACTS")
    folder = Path(where) if where else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watch:
    """What one browser context fetched and what its pages complained about."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.requests: list[str] = []
        self.console: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("response", lambda r: self.console.append(f"{r.status}: {r.url}") if r.status >= 400 else None)

    def check(self, refused: int = 0) -> None:
        """Nothing from elsewhere, and no complaint but the ``refused`` answers 409 the test asked for."""
        elsewhere = [u for u in self.requests if not u.startswith(self.base + "/")]
        assert elsewhere == [], f"fetched from elsewhere: {elsewhere}"
        conflicts = [c for c in self.console if c.startswith("409: ") or c.endswith("status of 409 (Conflict)")]
        assert len(conflicts) == 2 * refused, self.console
        assert [c for c in self.console if c not in conflicts] == [], self.console


def _login(page: Any, base: str, name: str, lang: str) -> None:
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    assert page.locator(".user").inner_text().startswith(name)


def _fill_evidence(page: Any) -> None:
    ev = evidence("ningbo/jiangbei-certified")
    page.fill("[name='_as_of']", AS_OF)
    page.fill("[name='subject.id']", ev["subject"]["id"])
    page.fill("[name='subject.name']", ev["subject"]["name"])
    page.select_option("[name='subject.district']", JIANGBEI)
    page.fill("[name='subject.year']", str(ev["subject"]["year"]))
    for table, entries in ev.items():
        if table == "subject":
            continue
        for key, value in entries.items():
            name = f"{table}.{key}"
            if isinstance(value, bool):
                page.select_option(f"[name='{name}']", "true" if value else "false")
            else:
                page.fill(f"[name='{name}']", str(value))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_assessor_submits_and_approver_certifies(chromium: str, live: LiveServer, artifacts: Path, lang: str) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base = live.url
    words = WORDS[lang]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            # 1. The assessor: log in, find the programme, fill the form (a bad value first), submit, read the scorecard.
            assessor = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN" if lang == "zh" else "en-US")
            seen = Watch(base)
            page = assessor.new_page()
            seen.attach(page)
            _login(page, base, "wang", lang)
            page.goto(f"{base}/programmes")
            assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")  # remembered in the cookie
            page.click(f"a[href='/programmes/{NINGBO}/submit']")
            page.wait_for_url(f"{base}/programmes/{NINGBO}/submit")
            district = page.locator("[name='subject.district'] option[value='330205']").inner_text()
            assert ("江北区" if lang == "zh" else "Jiangbei") in district
            _fill_evidence(page)
            page.fill("[name='staff.headcount']", "three")
            problem = page.locator(".field-problem[data-for='staff.headcount']")
            expect(problem).to_contain_text(words["js_problem"], timeout=10_000)
            expect(page.locator(".field[data-key='staff.headcount']")).to_have_class(re.compile(r"\binvalid\b"))
            page.locator(".field[data-key='staff.headcount']").scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / f"{lang}-1-form-inline-error.png"), full_page=True)
            page.fill("[name='staff.headcount']", "3")
            expect(problem).to_have_text(re.compile(r"^\s*$"), timeout=10_000)
            expect(page.locator(".field[data-key='staff.headcount']")).not_to_have_class(re.compile(r"\binvalid\b"))
            expect(page.locator("#live-status")).to_have_class(re.compile(r"\bv-pass\b"), timeout=10_000)
            with page.expect_navigation():
                page.click("#evidence-form button[type=submit]")
            expect(page.locator("#verdict")).to_contain_text(words["pass"])
            expect(page.locator("#reward")).to_contain_text("¥15,000")
            act = page.locator("#to-act-on")
            expect(act).to_contain_text(words["nothing"])
            assert act.locator("li").count() == 0
            rules = page.locator("table.criteria tr", has=page.locator("code", has_text=re.compile(r"^has-rules$")))
            expect(rules.locator("td").nth(2)).to_have_text("是" if lang == "zh" else "yes")  # a flag reads as yes or no
            page.screenshot(path=str(artifacts / f"{lang}-2-scorecard.png"), full_page=True)
            seen.check()

            # 2. The approver, in a browser of their own: certify once, and only once.
            approver = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN" if lang == "zh" else "en-US")
            seen2 = Watch(base)
            page2 = approver.new_page()
            seen2.attach(page2)
            _login(page2, base, "li", lang)
            # A second tab opened before the certification: it still offers to certify.
            stale = approver.new_page()
            seen2.attach(stale)
            stale.goto(f"{base}/programmes/{NINGBO}/subjects/{SUBJECT}")
            page2.goto(f"{base}/programmes/{NINGBO}/subjects/{SUBJECT}")
            page2.fill("form[action$='/certify'] input[name=on]", "2010-12-20")
            with page2.expect_navigation():
                page2.click("#certify")
            expect(page2.locator("#done")).to_be_visible()
            entries = page2.locator("#ledger tr.ledger-entry")
            expect(entries).to_have_count(1)
            expect(entries.first).to_contain_text("¥15,000")
            expect(page2.locator("#certify")).to_have_count(0)  # certified: no second certification is offered
            expect(page2.locator("#revoke")).to_be_visible()
            page2.screenshot(path=str(artifacts / f"{lang}-3-subject-certified.png"), full_page=True)
            stale.fill("form[action$='/certify'] input[name=on]", "2010-12-21")
            with stale.expect_navigation():
                stale.click("#certify")
            expect(stale.locator("#refused")).to_be_visible()
            expect(stale.locator("#ledger tr.ledger-entry")).to_have_count(1)
            stale.screenshot(path=str(artifacts / f"{lang}-4-subject-refused.png"), full_page=True)

            # 3. The programme's dashboard: the chamber certified, the reward due.
            page2.goto(f"{base}/programmes/{NINGBO}")
            row = page2.locator("#subjects tr", has_text=SUBJECT)
            expect(row).to_contain_text(words["certified"])
            expect(page2.locator("#reward-totals")).to_contain_text("¥15,000")
            expect(page2.locator("svg.chart rect.bar-fail")).to_have_count(2)  # no premises, no rules: the other chamber
            page2.screenshot(path=str(artifacts / f"{lang}-5-dashboard.png"), full_page=True)
            seen2.check(refused=1)
        finally:
            browser.close()
