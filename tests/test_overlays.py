"""Overlays: a prefecture adopts Henan's "Five Good" with changes, naming each criterion it changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import fivegood_henan
import pytest

from fivegood_core import Engine, Overall, StandardError, Verdict, load_evidence
from helpers import standard

ROOT = Path(__file__).parent.parent
ON = dt.date(2015, 1, 1)
OVERLAY = """
[standard]
id = "zhengzhou/county-five-good"
version = "2014"
extends = "henan/county-five-good@2013"
title = { zh = "郑州市县级工商联\\"五好\\"(示例)", en = "Zhengzhou county federations: Five Good (example)" }
issuer = { zh = "郑州市工商联", en = "Zhengzhou federation" }
subject_kind = "county_federation"
jurisdiction = "zhengzhou"
effective_from = 2014-01-01

[[criterion]]
id = "art5-growth-computed"
overlay = "tighten"
value = 0.08
text = "近三年会员数量年均增长率超过8%"

[[criterion]]
id = "art16"
overlay = "drop"

[[criterion]]
id = "art9-value-added"
overlay = "replace"
kind = "ratio"
numerator = "members.above_scale"
denominator = "local.above_scale"
op = ">="
value = 0.6
title = { zh = "规模以上企业入会六成以上", en = "At least 60% of above-scale enterprises are members" }
citation = "郑州补充第一条"
text = "规模以上企业入会率不低于60%。"

[[criterion]]
id = "zz-training"
overlay = "add"
parent = "role"
kind = "threshold"
key = "activities.training"
op = ">="
value = 2
title = { zh = "每年至少2次培训", en = "At least two trainings a year" }
citation = "郑州补充第二条"
text = "每年至少开展2次培训活动。"
"""


@pytest.fixture
def zhengzhou(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine(OVERLAY, plugins=(fivegood_henan.plugin,))


def test_the_overlay_changes_only_what_it_names(zhengzhou: Engine) -> None:
    doc = load_evidence(ROOT / "examples/henan/model-county.toml")
    base = zhengzhou.evaluate(doc, "henan/county-five-good", ON)
    result = zhengzhou.evaluate(doc, "zhengzhou/county-five-good", ON)
    assert base.verdict is Overall.PASS
    # The model county's growth, (1210/1000)^(1/3) - 1 ≈ 6.6%, is over 5.5% but not over 8%.
    growth = result.find("art5-growth-computed")
    assert growth.verdict is Verdict.FAIL and growth.threshold == "> 8%" and growth.overlay == "tighten"
    with pytest.raises(KeyError):
        result.find("art16")
    replaced = result.find("art9-value-added")
    assert replaced.overlay == "replace" and replaced.kind == "ratio" and replaced.observed == "65%" and replaced.verdict is Verdict.PASS
    added = result.find("zz-training")
    assert added.overlay == "add" and added.verdict is Verdict.PASS
    assert [c.id for c in result.find("role").children] == ["art12", "art13", "art14", "art15", "zz-training"]
    untouched = [c for c in result.walk() if c.overlay is None]
    assert all(
        base.find(c.id).verdict is c.verdict
        for c in untouched
        if c.id not in ("membership", "art5", "art5-growth", "role", "chambers", "art9")
    )
    assert result.to_json()["criteria"][1]["children"][0]["children"][0]["children"][0]["overlay"] == "tighten"
    # Art. 19 still requires the five guarantees, through the base's requires.
    assert result.find("art19-five-guarantees").nested is not None
    assert zhengzhou.decide(doc, "zhengzhou/county-five-good", ON).failed == ("art5-growth-computed",)


@pytest.mark.parametrize(
    "change, message",
    [
        ('id = "art16"\noverlay = "drop"', "criterion[art99]: drops criterion 'art99', which henan/county-five-good@2013 does not have"),
        ('id = "art5-growth-computed"\noverlay = "tighten"\nvalue = 0.08', "criterion[art99]: tightens criterion 'art99'"),
    ],
)
def test_overlaying_a_criterion_the_base_lacks_is_an_error(make_engine: Callable[..., Engine], change: str, message: str) -> None:
    text = OVERLAY.replace(change, change.replace(change.split('"')[1], "art99", 1))
    with pytest.raises(StandardError) as info:
        make_engine(text, plugins=(fivegood_henan.plugin,))
    assert message in str(info.value)


def test_tightening_a_field_the_kind_lacks_and_an_unpinned_base(make_engine: Callable[..., Engine]) -> None:
    with pytest.raises(
        StandardError, match=r"criterion\[art5-growth-computed\]\.colour: a growth criterion has no field 'colour' to tighten"
    ):
        make_engine(OVERLAY.replace("value = 0.08\n", "value = 0.08\ncolour = 1\n", 1), plugins=(fivegood_henan.plugin,))
    with pytest.raises(StandardError, match="standard.extends: expected a pinned base, ID@VERSION"):
        make_engine(
            OVERLAY.replace('extends = "henan/county-five-good@2013"', 'extends = "henan/county-five-good"'),
            plugins=(fivegood_henan.plugin,),
        )
    with pytest.raises(StandardError, match="extends unknown standard 'henan/nothing@1'"):
        make_engine(
            OVERLAY.replace('extends = "henan/county-five-good@2013"', 'extends = "henan/nothing@1"'), plugins=(fivegood_henan.plugin,)
        )


def test_adding_an_existing_criterion_asks_for_replace(make_engine: Callable[..., Engine]) -> None:
    with pytest.raises(StandardError, match="already has 'art12'; use overlay = .replace."):
        make_engine(OVERLAY.replace('id = "zz-training"', 'id = "art12"'), plugins=(fivegood_henan.plugin,))


def test_an_overlay_of_an_overlay(make_engine: Callable[..., Engine]) -> None:
    second = standard(
        """
[[criterion]]
id = "zz-training"
overlay = "tighten"
value = 3
""",
        id="zhengzhou/strict",
        version="1",
        # In force with its base: from 2000 it would nest the 2012 five guarantees, which lack Art. 19's parts.
        effective_from="2014-01-01",
        extra='extends = "zhengzhou/county-five-good@2014"',
    ).replace('subject_kind = "county_federation"', 'subject_kind = "county_federation"')
    engine = make_engine(OVERLAY, second, plugins=(fivegood_henan.plugin,))
    result = engine.evaluate({"activities": {"training": 2}}, "zhengzhou/strict", ON)
    assert result.find("zz-training").verdict is Verdict.FAIL and result.find("zz-training").threshold == "≥ 3"


def test_validate_merges_an_overlay_onto_its_installed_base(tmp_path: Path) -> None:
    engine = Engine.from_plugins([fivegood_henan.plugin], strict=True)
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(OVERLAY, encoding="utf-8")
    bad.write_text(OVERLAY.replace('id = "art16"', 'id = "art99"'), encoding="utf-8")
    assert engine.validate([good]) == []
    problems = [str(p) for p in engine.validate([bad])]
    assert len(problems) == 1 and problems[0].startswith(f"{bad}:")
    assert problems[0].endswith("criterion[art99]: drops criterion 'art99', which henan/county-five-good@2013 does not have")
