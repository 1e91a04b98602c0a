"""What a person must act on: the decisive failures and the missing evidence, first in every report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

import pytest
from test_hostile import FORGED

from fivegood_core import Engine, Overall, Result
from fivegood_core.model.verdict import Verdict
from fivegood_core.render.actions import ToActOn, by_article, to_act_on
from fivegood_core.render.report import render_html, render_markdown, render_text

ROOT = Path(__file__).parent.parent
ON = dt.date(2014, 1, 1)
STANDARD = "henan/county-five-good"


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """The model county's evidence with one line changed, as a file."""
    text = (ROOT / "examples/henan/model-county.toml").read_text(encoding="utf-8")
    folder = tmp_path_factory.mktemp("counties")

    def changed(line: str, to: str) -> Path:
        assert text.count(f"\n{line}\n") == 1, line
        path = folder / f"county-{len(list(folder.iterdir()))}.toml"
        path.write_text(text.replace(f"\n{line}\n", f"\n{to}\n"), encoding="utf-8")
        return path

    return changed


@pytest.fixture(scope="module")
def narrow(engine: Engine, county: Callable[[str, str], Path]) -> Result:
    # 99 of 200 above-scale enterprises are members: 49.5%, where "most" (> 50%) is required (Art. 5).
    return engine.evaluate(county("above_scale = 130", "above_scale = 99"), STANDARD, ON)


def test_a_narrow_miss_shows_its_one_failure_with_the_gap(narrow: Result) -> None:
    assert narrow.verdict is Overall.FAIL
    act = to_act_on(narrow)
    assert [a.criterion for a in act.failed] == ["art5-above-scale"] == list(narrow.failed)
    (a,) = act.failed
    assert (a.article, a.verdict, a.path, a.within, a.under) == ("第五条", Verdict.FAIL, ("art5-above-scale",), (), "第五条")
    assert (a.observed, a.threshold) == ("49.5%", "> 50%")
    assert a.gap is not None and a.gap.en == "0.5 percentage points short of 50%, and must exceed it"
    assert a.gap.zh.startswith("差 0.5 个百分点")
    assert a.gap == narrow.find("art5-above-scale").gap  # one source of truth: the result's own gap
    assert a.reason == narrow.find("art5-above-scale").reason and a.title.en
    assert act.unknown == () and act.missing_keys == () and bool(act)


def test_a_failing_guarantee_under_article_19_comes_with_its_path(engine: Engine, county: Callable[[str, str], Path]) -> None:
    result = engine.evaluate(county("computers = 5", "computers = 2"), STANDARD, ON)
    act = to_act_on(result)
    assert list(result.failed) == ["art19-five-guarantees"]
    (a,) = act.failed
    assert a.criterion == "equipment-computers" and a.path == ("art19-five-guarantees", "equipment-computers")
    assert a.within == ("第十九条",) and a.under == "第十九条" and a.article == "二、五个确保 · 四是"
    assert (a.observed, a.threshold) == ("2", "≥ 3") and a.gap is not None and a.gap.en == "1 short of 3"
    text = render_text(result)
    assert "[第十九条 › 二、五个确保 · 四是] equipment-computers" in text


def test_xinzheng_lists_exactly_its_undecided_criteria_and_missing_keys(engine: Engine) -> None:
    result = engine.evaluate(ROOT / "examples/henan/xinzheng.toml", STANDARD, ON)
    assert result.verdict is Overall.INCOMPLETE
    act = to_act_on(result)
    assert act.failed == ()
    guarantees = result.find("art19-five-guarantees").nested
    assert guarantees is not None
    # The five guarantees required by Art. 19 are opened up: their own undecided checks, in place.
    expected = []
    for cid in result.unknown:
        expected.extend(guarantees.unknown if cid == "art19-five-guarantees" else [cid])
    assert [a.criterion for a in act.unknown] == expected
    assert all(a.verdict is Verdict.UNKNOWN and a.missing for a in act.unknown)
    assert act.missing_keys == result.missing
    assert len(set(act.missing_keys)) == len(act.missing_keys)
    # Self-reported alternatives that were not counted are not listed.
    assert "art5-growth-reported" not in {a.criterion for a in act.unknown}
    articles = [article for article, _ in by_article(act.unknown)]
    assert articles[0] == "第一条" and articles[-1] == "第十九条" and len(articles) == len(set(articles))


def test_guidance_and_uncounted_alternatives_are_not_listed(engine: Engine, county: Callable[[str, str], Path]) -> None:
    # Guidance not followed (the secretary is not a UFWD deputy) blocks nothing: nothing to act on.
    result = engine.evaluate(county("secretary_is_ufwd_deputy = true", "secretary_is_ufwd_deputy = false"), STANDARD, ON)
    assert result.verdict is Overall.PASS and result.find("art2-secretary-ufwd-deputy").verdict is Verdict.FAIL
    assert to_act_on(result) == ToActOn() and not to_act_on(result)
    # The narrow-miss example: growth of exactly 5.5% fails on the yearly totals; the reported rate, not consulted, is absent.
    narrow = engine.evaluate(ROOT / "examples/henan/narrow-miss.toml", STANDARD, ON)
    act = to_act_on(narrow)
    assert [a.criterion for a in act.failed] == ["art5-growth-computed", "premises", "equipment-computers"]
    assert act.unknown == () and act.missing_keys == ()


def test_a_pass_has_nothing_to_act_on_and_shows_the_reward(engine: Engine) -> None:
    result = engine.evaluate(ROOT / "examples/ningbo/jiangbei-certified.toml", "ningbo/five-have-five-good", dt.date(2011, 1, 12))
    assert result.verdict is Overall.PASS and not to_act_on(result)
    assert result.reward is not None and result.reward.amount
    for lang, nothing in (("en", "Nothing to act on"), ("zh", "无需处理")):
        page = render_html(result, lang)
        assert f'<p id="nothing-to-act-on" class="pass">✔ {nothing}' in page
        assert page.index('id="to-act-on"') < page.index('id="reward"') < page.index("<table><thead>")
        assert "act-failed" not in page and "act-unknown" not in page
        assert nothing in render_text(result, lang) and nothing in render_markdown(result, lang)


def test_the_section_comes_before_the_full_list_in_every_report(narrow: Result) -> None:
    page = render_html(narrow, "en")
    verdict, section, table = page.index('id="verdict"'), page.index('id="to-act-on"'), page.index('id="all-criteria"')
    assert verdict < section < page.index('id="act-failed"') < table < page.index('id="c-art5-above-scale"')
    row = page[page.index('id="act-failed"') : page.index("</table>", page.index('id="act-failed"'))]
    assert "第五条" in row and "0.5 percentage points short of 50%, and must exceed it" in row and "&gt; 50%" in row
    text = render_text(narrow)
    lines = text.splitlines()
    assert lines[2] == "verdict: FAIL" and lines[4] == "To act on:"
    assert text.index("To act on:") < text.index("✘ [第五条] art5-above-scale") < text.index("✘ [二] membership")
    md = render_markdown(narrow)
    assert md.index("**verdict: FAIL**") < md.index("## To act on") < md.index("## ❌ Good membership")


def test_chinese_reports_have_chinese_headings(narrow: Result, engine: Engine) -> None:
    page = render_html(narrow, "zh")
    assert "<h2>需要处理</h2>" in page and "未达标</h3>" in page and "差距</th>" in page and "全部指标" in page
    assert "To act on" not in page and "short by" not in page
    assert "需要处理:" in render_text(narrow, "zh") and "## 需要处理" in render_markdown(narrow, "zh")
    xinzheng = engine.evaluate(ROOT / "examples/henan/xinzheng.toml", STANDARD, ON)
    page = render_html(xinzheng, "zh")
    assert "证据不全,无法认定</h3>" in page and "缺少证据</th>" in page


def test_guidance_reads_in_chinese_in_a_chinese_report(narrow: Result) -> None:
    page = render_html(narrow, "zh")
    row = page[page.index('id="c-art2-secretary-ufwd"') :].split("</tr>")[0]
    assert "<td>已做到</td><td>指导性</td>" in row and "<td>followed" not in row and "advisory</td>" not in row
    assert "| 已做到 | 指导性 |" in render_markdown(narrow, "zh")
    row = page[page.index('id="c-art19-five-guarantees"') :].split("</tr>")[0]
    assert "<td>达标</td>" in row and ": 达标</td>" in row
    # English reports and the JSON keep the words as they are.
    assert "<td>followed</td><td>advisory</td>" in render_html(narrow, "en")
    assert narrow.find("art2-secretary-ufwd").observed == "followed"


def _forge(node: dict[str, Any], target: str) -> None:
    if node["id"] == target:
        node["title"] = {"zh": FORGED, "en": FORGED}
        node["reason"] = {"zh": FORGED, "en": FORGED}
        node["gap"] = {"zh": FORGED, "en": FORGED}
        node["citation"] = node["observed"] = FORGED
        node["missing"] = [FORGED]
    for child in node["children"]:
        _forge(child, target)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_criterion_text_is_neutralised_in_the_section(narrow: Result, lang: str) -> None:
    data = narrow.to_json()
    for c in data["criteria"]:
        _forge(c, "art5-above-scale")
    forged = Result.from_json(data)
    act = to_act_on(forged)
    assert act.failed[0].title.en == FORGED
    page = render_html(forged, lang)
    section = page[page.index('id="to-act-on"') : page.index("</section>")]
    assert "&lt;img" in section and "<img" not in page and "\x1b" not in page and "\x00" not in page
    md = render_markdown(forged, lang)
    section = md[md.index("## ") : md.index("## ❌")]
    assert "&lt;img" in section and "<img" not in md and "\\*\\*bold\\*\\*" in section and "\x1b" not in md
    assert "\n# " not in md.split("\n", 1)[1]
    text = render_text(forged, lang)
    assert "\x1b" not in text and "\x00" not in text and "\\x1b[2K" in text.split("\n\n")[1]
    verdict = "verdict:" if lang == "en" else "结论:"
    assert len([line for line in text.splitlines() if line.startswith(verdict)]) == 1
