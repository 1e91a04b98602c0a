"""Ningbo's chambers: certification, the district rewards, batches, and a reward computed by a plugin hook."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fivegood_core import (
    Engine,
    EvidenceError,
    Overall,
    RewardCalculator,
    RewardResult,
    RewardScheme,
    StandardError,
    Subject,
    Text,
    hookimpl,
    load_evidence,
)
from fivegood_core.batch import evaluate_batch, read_records
from fivegood_core.evidence.reader import Reader
from fivegood_core.testing import evidence
from helpers import standard

EXAMPLES = Path(__file__).parent.parent / "examples" / "ningbo"
REF = "ningbo/five-have-five-good"
ON = dt.date(2011, 1, 12)
ENGINE = Engine.from_entry_points(strict=True)
# By the GB/T 2260 code results store (江北区 330205, 鄞州区 330212), however the evidence wrote the district.
SCHEMES = {"330205": Decimal(15000), "330212": Decimal(20000)}


@pytest.mark.parametrize(
    "sample, verdict, amount, reason",
    [
        ("jiangbei-certified", Overall.PASS, Decimal("15000"), "Jiangbei District Government pays ¥15,000"),
        ("yinzhou-certified", Overall.PASS, Decimal("20000"), "Yinzhou District Government pays ¥20,000"),
        (
            "haishu-certified",
            Overall.PASS,
            None,
            "no reward scheme covers this subject (district=330203 海曙区 (Haishu), jurisdiction=ningbo)",
        ),
        ("jiangbei-failed", Overall.FAIL, None, "not certified (verdict: fail); Jiangbei District Government pays nothing"),
    ],
)
def test_sample_chambers(sample: str, verdict: Overall, amount: Decimal | None, reason: str) -> None:
    result = ENGINE.evaluate(str(EXAMPLES / f"{sample}.toml"), REF, ON)
    assert result.verdict is verdict
    assert result.reward is not None and result.reward.amount == amount
    assert reason in result.reward.reason.en
    data = result.to_json()["reward"]
    assert data["amount"] == (None if amount is None else str(amount))
    if amount is not None:
        assert data["currency"] == "CNY" and data["payer"]["zh"] in ("江北区人民政府", "鄞州区人民政府")


def test_every_criterion_is_marked_assumed_and_rewards_are_not() -> None:
    compiled = ENGINE.get(REF, ON)
    assert all(n.defn.assumed for n in compiled.nodes)
    assert all(n.defn.interpretation for n in compiled.nodes if n.defn.kind != "attest")
    assert {r.id: r.params["amount"] for r in compiled.defn.rewards} == {"jiangbei": 15000, "yinzhou": 20000}
    page = (Path(__file__).parent.parent / "docs" / "standards" / "ningbo-five-have-five-good-2010.md").read_text(encoding="utf-8")
    assert page.count("**assumed**") == len(compiled.nodes) and "Assumption / 假设" in page


@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "html", "junit"])
def test_a_paid_reward_says_what_it_rests_on_that_is_assumed(fmt: str) -> None:
    from fivegood_core.render.report import render_html, render_junit, render_markdown, render_text

    result = ENGINE.evaluate(str(EXAMPLES / "jiangbei-certified.toml"), REF, ON)
    assert result.reward is not None and result.reward.amount == Decimal(15000)
    rendered = {
        "json": lambda r: "\n".join(r.to_json()["warnings"]),
        "text": render_text,
        "markdown": render_markdown,
        "html": render_html,
        "junit": render_junit,
    }[fmt](result)
    from fivegood_core.render.report import markdown

    for expected in (
        "five-haves is assumed",
        "five-goods is assumed",
        "effective_from (2010-01-01) is assumed",
        "reward jiangbei: cadence is assumed",
    ):
        assert (markdown(expected) if fmt == "markdown" else expected) in rendered, (fmt, expected)


def test_before_the_scheme_no_reward_is_due() -> None:
    with pytest.raises(Exception, match="no version of ningbo/five-have-five-good is in force on 2009-12-31"):
        ENGINE.evaluate(str(EXAMPLES / "jiangbei-certified.toml"), REF, dt.date(2009, 12, 31))


CHAMBERS = evidence(ENGINE.get(REF, ON), subject={"year": 2010}).flatmap(
    lambda doc: st.sampled_from(["jiangbei", "yinzhou", "haishu", "beilun"]).map(
        lambda d: {**doc, "subject": {**doc["subject"], "district": d}}
    )
)


@given(CHAMBERS)
def test_a_reward_is_paid_only_on_a_pass_and_depends_only_on_the_district(doc: dict[str, Any]) -> None:
    result = ENGINE.evaluate(doc, REF, ON)
    reward = result.reward
    assert reward is not None
    if reward.amount is not None:
        assert result.verdict is Overall.PASS
    # The district as the result stores it: its code, however the evidence wrote it (江北区, jiangbei, 330205).
    district = result.subject.district
    assert district is not None
    expected = SCHEMES.get(district) if result.verdict is Overall.PASS else None
    assert reward.amount == expected
    fast = ENGINE.assess(doc, REF, ON)
    assert fast.decision.verdict is result.verdict and fast.reward == reward


@given(st.lists(CHAMBERS, max_size=8))
def test_batch_totals_equal_the_sum_of_single_results(docs: list[dict[str, Any]]) -> None:
    report = evaluate_batch(ENGINE, docs, REF, ON)
    singles = [ENGINE.evaluate(d, REF, ON) for d in docs]
    for district, amount in SCHEMES.items():
        paid = [r.reward.amount for r in singles if r.reward and r.reward.amount is not None and r.subject.district == district]
        total = next((t for t in report.totals if t.district == district), None)
        if total is None:
            assert not paid
        else:
            assert (total.amount, total.certified) == (sum(paid), len(paid))
        assert amount * len(paid) == sum(paid, Decimal(0))
    assert report.counts["pass"] == sum(1 for r in singles if r.verdict is Overall.PASS)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_money_stays_exact_through_json(amount: Decimal) -> None:
    reward = RewardResult(amount, Text("奖励", "reward"), "CNY")
    text = json.dumps(reward.to_json())
    assert "e" not in json.loads(text)["amount"].lower()
    again = RewardResult.from_json(json.loads(text))
    assert again == reward and again.amount == amount and isinstance(again.amount, Decimal)


@pytest.mark.parametrize("name", ["batch.jsonl", "batch.csv"])
def test_batch_file_with_a_malformed_record(name: str) -> None:
    path = EXAMPLES / name
    report = evaluate_batch(ENGINE, read_records(path, ENGINE.vocabulary), REF, ON, source=str(path))
    errors = [r for r in report.rows if r.error]
    assert errors and all(r.error.startswith(f"{path}:{r.line}:") for r in errors)  # type: ignore[union-attr]
    good = [r for r in report.rows if not r.error]
    assert {r.subject_id: r.verdict for r in good if r.subject_id in ("jiangbei-cicheng", "haishu-gulou", "jiangbei-zhuangqiao")} == {
        "jiangbei-cicheng": Overall.PASS,
        "haishu-gulou": Overall.PASS,
        "jiangbei-zhuangqiao": Overall.FAIL,
    }
    # Districts by the GB/T 2260 code results store: 江北区 330205, 鄞州区 330212, 海曙区 330203.
    by_district = {t.district: t for t in report.totals}
    assert by_district["330212"].amount == Decimal(20000) and by_district["330212"].certified == 1
    assert "330203" not in by_district
    jiangbei = [r for r in good if r.district == "330205" and r.verdict is Overall.PASS]
    assert by_district["330205"].amount == Decimal(15000) * len(jiangbei)
    assert report.counts["error"] == len(errors)
    json.dumps(report.to_json(), ensure_ascii=False)


def per_member(scheme: RewardScheme, subject: Subject, r: Reader) -> Decimal:
    """¥100 per enterprise member, capped by the scheme."""
    members = r.get("members.enterprise") or 0
    return min(Decimal(scheme.params["per_member"]) * members, Decimal(scheme.params["cap"]))


class PerMemberRewards:
    __name__ = "per-member-rewards"

    @hookimpl
    def fivegood_reward_calculators(self) -> list[RewardCalculator]:
        return [RewardCalculator("per_member", "per enterprise member, capped", per_member, ("per_member", "cap"))]


def test_a_plugin_computed_reward_works_beside_the_table(make_engine: Callable[..., Engine]) -> None:
    text = standard("""
[[criterion]]
id = "rules"
kind = "attest"
title = { zh = "制度", en = "Rules" }

[[reward]]
id = "table"
payer = { zh = "甲区", en = "District A" }
applies_to = { district = "a" }
amount = 15000
basis = { zh = "表", en = "table" }

[[reward]]
id = "computed"
payer = { zh = "乙区", en = "District B" }
applies_to = { district = "b" }
calculator = "per_member"
params = { per_member = 100, cap = 20000 }
basis = { zh = "按会员数", en = "per member" }
""")
    engine = make_engine(text, plugins=(PerMemberRewards(),))

    def reward(district: str, members: int, ok: bool = True) -> Decimal | None:
        doc = {"subject": {"district": district}, "members": {"enterprise": members}, "attest": {"rules": ok}}
        result = engine.evaluate(doc, "test/std")
        assert result.reward is not None
        return result.reward.amount

    assert reward("a", 50) == Decimal(15000)
    assert reward("b", 50) == Decimal(5000)
    assert reward("b", 500) == Decimal(20000)
    assert reward("b", 500, ok=False) is None
    with pytest.raises(Exception, match="calculator 'per_member' needs 'cap'"):
        make_engine(text.replace(", cap = 20000", ""), plugins=(PerMemberRewards(),))


@pytest.mark.parametrize("written", ["江北区", "江北", "Jiangbei", "jiangbei", "330205"])
def test_a_district_as_people_write_it_is_stored_as_its_code_and_paid(written: str) -> None:
    doc = load_evidence(EXAMPLES / "jiangbei-certified.toml")
    doc["subject"]["district"] = written
    result = ENGINE.evaluate(doc, REF, ON)
    assert result.subject.district == "330205" and result.to_json()["subject"]["district"] == "330205"
    assert result.reward is not None and result.reward.amount == Decimal(15000)
    assert ENGINE.assess(doc, REF, ON).reward.amount == Decimal(15000)  # type: ignore[union-attr]


def test_a_misspelt_district_is_bad_input_naming_the_key_the_value_and_the_nearest(tmp_path: Path) -> None:
    from helpers import fivegood

    text = (EXAMPLES / "jiangbei-certified.toml").read_text(encoding="utf-8").replace('district = "jiangbei"', 'district = "Jiangbie"')
    evidence = tmp_path / "misspelt.toml"
    evidence.write_text(text, encoding="utf-8")
    run = fivegood("check", str(evidence), "-s", REF, "--as-of", "2011-01-12")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "subject.district" in run.stderr and "'Jiangbie'" in run.stderr and "330205 江北区 (Jiangbei)" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_subject_of_another_jurisdiction_is_bad_input(tmp_path: Path) -> None:
    from helpers import fivegood

    text = (EXAMPLES / "jiangbei-certified.toml").read_text(encoding="utf-8").replace('jurisdiction = "ningbo"', 'jurisdiction = "henan"')
    evidence = tmp_path / "henan.toml"
    evidence.write_text(text, encoding="utf-8")
    run = fivegood("check", str(evidence), "-s", REF, "--as-of", "2011-01-12")
    assert run.returncode == 2 and "subject.jurisdiction" in run.stderr and "'henan'" in run.stderr
    with pytest.raises(EvidenceError, match="the standard applies in 'ningbo', the evidence is for 'henan'"):
        ENGINE.assess(load_evidence(evidence), REF, ON)


def test_a_reward_scheme_for_an_unknown_district_is_refused_when_loading(make_engine: Callable[..., Engine]) -> None:
    from helpers import standard

    text = standard(
        '\n[[criterion]]\nid = "ok"\nkind = "attest"\ntitle = { zh = "ok", en = "ok" }\n'
        '\n[[reward]]\nid = "x"\npayer = { zh = "区", en = "District" }\napplies_to = { district = "Jiangbie" }\n'
        'amount = 1\nbasis = { zh = "据", en = "basis" }\n',
        id="ningbo/test",
    ).replace('jurisdiction = "test"', 'jurisdiction = "ningbo"')
    with pytest.raises(StandardError, match=r"applies_to\.district: unknown district 'Jiangbie' in ningbo \(nearest: 330205 江北区"):
        make_engine(text)
