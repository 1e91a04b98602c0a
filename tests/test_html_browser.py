"""The HTML scorecard opened in a real headless browser (Debian's chromium, installed by .ci/run)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from fivegood_core import Engine
from fivegood_core.batch import evaluate_batch, read_records
from fivegood_core.render.report import render_batch_html, render_html

ROOT = Path(__file__).parent.parent
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed here (apt-get install chromium); CI runs this test")
    return path


def open_page(chromium: str, page_file: Path, shot: Path) -> tuple[dict[str, bool], str, list[str]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        visible = {el.get_attribute("id") or "": el.is_visible() for el in page.locator("[id]").all()}
        text = page.inner_text("body")
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    return visible, text, requests


def test_scorecard_shows_the_verdict_and_every_criterion_and_fetches_nothing(chromium: str, tmp_path: Path) -> None:
    engine = Engine.from_entry_points(strict=True)
    result = engine.evaluate(str(ROOT / "examples/henan/narrow-miss.toml"), "henan/county-five-good", dt.date(2014, 1, 1))
    card = tmp_path / "scorecard.html"
    card.write_text(render_html(result, "zh"), encoding="utf-8")
    visible, text, requests = open_page(chromium, card, tmp_path / "scorecard.png")
    assert visible["verdict"] and "结论: 未达标" in text
    # What to act on comes first: the first visible section after the verdict, before the full list.
    shown = [i for i, seen in visible.items() if seen]
    assert shown[shown.index("verdict") + 1] == "to-act-on"
    assert shown.index("act-failed") < shown.index("all-criteria") < shown.index("c-art1")
    assert text.index("需要处理") < text.index("差 8 m² 达到 60 m²") < text.index("全部指标")
    ids = [c.id for c in result.walk()] + [f"{c.id}" for c in result.find("art19-five-guarantees").nested.walk()]  # type: ignore[union-attr]
    for cid in ids:
        assert visible.get(f"c-{cid}"), f"criterion {cid} is not visible"
    assert "差 8 m² 达到 60 m²" in text  # the premises gap, from the nested five guarantees
    assert requests == [card.as_uri()], requests
    assert (tmp_path / "scorecard.png").stat().st_size > 10_000


def test_batch_dashboard_in_the_browser(chromium: str, tmp_path: Path) -> None:
    engine = Engine.from_entry_points(strict=True)
    path = ROOT / "examples/ningbo/batch.jsonl"
    report = evaluate_batch(
        engine, read_records(path, engine.vocabulary), "ningbo/five-have-five-good", dt.date(2011, 1, 12), str(path), every=True
    )
    page = tmp_path / "dashboard.html"
    page.write_text(render_batch_html(report.summary, "en"), encoding="utf-8")
    visible, text, requests = open_page(chromium, page, tmp_path / "dashboard.png")
    assert visible["counts"] and visible["rewards"] and visible["criteria"]
    assert "Jiangbei District Government" in text and "30000 CNY" in text and "has-premises" in text
    assert requests == [page.as_uri()]
