"""Henan's standards against the documents' own figures and the bundled sample counties."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fivegood_core import Engine, Overall, ResolutionError, Verdict, load_evidence

EXAMPLES = Path(__file__).parent.parent / "examples" / "henan"
AFTER = dt.date(2014, 1, 1)
FIVE_GOOD = "henan/county-five-good"
GUARANTEES = "henan/five-guarantees"


def test_province_aggregate_share_is_21_14_percent(engine: Engine) -> None:
    share = engine.evaluate({"members": {"enterprise": 77670}, "local": {"private_enterprises": 367400}}, FIVE_GOOD, AFTER).find(
        "art5-share"
    )
    assert share.verdict is Verdict.PASS
    assert share.observed == "21.14%" and share.threshold == "≥ 20%"


def test_xinzheng_is_incomplete_with_growth_and_formation_passing(engine: Engine) -> None:
    result = engine.evaluate(str(EXAMPLES / "xinzheng.toml"), FIVE_GOOD, AFTER)
    assert result.verdict is Overall.INCOMPLETE
    assert result.find("art5-growth").verdict is Verdict.PASS
    assert result.find("art5-growth-reported").observed == "7%"
    formation = result.find("art9-formation")
    assert formation.verdict is Verdict.PASS and formation.observed == "100%"
    assert result.failed == ()
    # "占全市非公有制企业总数的60%以上": a lower bound of the share of private enterprises, over 20%.
    share = result.find("art5-enterprise-share")
    assert share.verdict is Verdict.PASS and share.missing == ()
    assert result.find("art5-share-nonpublic-reported").observed == "60%"
    assert {"members.above_scale", "office.area_m2", "attest.art12-political-work", "attest.art14-lawful"} <= set(result.missing)
    # Growth is settled by the reported rate; the yearly totals are still wanted for Art. 6.
    assert result.find("art5-growth").missing == () and "art5-growth-computed" not in result.unknown
    assert result.find("art6").missing == ("members.enterprise_by_year", "members.group_by_year", "members.total_by_year")


def test_model_county_passes_both_standards(engine: Engine) -> None:
    path = str(EXAMPLES / "model-county.toml")
    assert engine.evaluate(path, FIVE_GOOD, AFTER).verdict is Overall.PASS
    assert engine.evaluate(path, GUARANTEES, AFTER).verdict is Overall.PASS
    assert engine.evaluate(path, f"{GUARANTEES}@2012", AFTER).verdict is Overall.PASS


def test_narrow_miss_fails_on_exactly_the_three_thresholds(engine: Engine) -> None:
    result = engine.evaluate(str(EXAMPLES / "narrow-miss.toml"), FIVE_GOOD, AFTER)
    assert result.verdict is Overall.FAIL
    assert result.failed == ("art5-growth-computed", "art19-five-guarantees")
    growth = result.find("art5-growth-computed")
    assert growth.gap is not None and growth.gap.en == "exactly 5.5%; must be above 5.5%"
    nested = result.find("art19-five-guarantees").nested
    assert nested is not None and nested.failed == ("premises", "equipment-computers")
    assert nested.find("premises").gap.en == "8 m² short of 60 m²"  # type: ignore[union-attr]
    assert nested.find("equipment-computers").gap.en == "1 short of 3"  # type: ignore[union-attr]


def test_failing_one_guarantee_fails_article_19_and_names_it(engine: Engine) -> None:
    doc = load_evidence(EXAMPLES / "model-county.toml")
    doc["activities"]["welfare"] = 0
    result = engine.evaluate(doc, FIVE_GOOD, AFTER)
    assert result.verdict is Overall.FAIL and result.failed == ("art19-five-guarantees",)
    art19 = result.find("art19")
    assert art19.verdict is Verdict.FAIL
    nested = result.find("art19-five-guarantees").nested
    assert nested is not None and nested.failed == ("activities-welfare",)
    assert "activities-welfare" in result.find("art19-five-guarantees").gap.en  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "on, version",
    [(dt.date(2012, 7, 1), "2012"), (dt.date(2013, 1, 24), "2012"), (dt.date(2013, 1, 25), "2013"), (dt.date(2020, 1, 1), "2013")],
)
def test_as_of_date_selects_the_version(engine: Engine, on: dt.date, version: str) -> None:
    assert engine.get(GUARANTEES, on).defn.version == version
    assert engine.evaluate(str(EXAMPLES / "model-county.toml"), GUARANTEES, on).standard.version == version


def test_pinned_version_and_no_version_in_force(engine: Engine) -> None:
    assert engine.evaluate(str(EXAMPLES / "model-county.toml"), f"{GUARANTEES}@2012", dt.date(2020, 1, 1)).standard.version == "2012"
    with pytest.raises(ResolutionError, match="no version of henan/five-guarantees is in force on 2012-06-30"):
        engine.get(GUARANTEES, dt.date(2012, 6, 30))
    with pytest.raises(ResolutionError, match="no version of henan/county-five-good is in force on 2013-01-24"):
        engine.get(FIVE_GOOD, dt.date(2013, 1, 24))


def test_2012_presence_checks_accept_what_2013_rejects(engine: Engine) -> None:
    doc = load_evidence(EXAMPLES / "narrow-miss.toml")
    assert engine.evaluate(doc, GUARANTEES, dt.date(2013, 1, 24)).verdict is Overall.PASS
    assert engine.evaluate(doc, GUARANTEES, dt.date(2013, 1, 25)).verdict is Overall.FAIL
    old = engine.evaluate(doc, f"{GUARANTEES}@2012", AFTER)
    assert all(c.assumed for c in old.walk())


def test_every_article_is_present_with_its_citation_and_text(engine: Engine) -> None:
    compiled = engine.get(FIVE_GOOD, AFTER)
    articles = [
        n.defn
        for n in compiled.nodes
        if n.defn.citation
        and n.defn.citation.startswith("第")
        and n.defn.parent in {"leadership", "membership", "chambers", "role", "support"}
    ]
    numerals = "一二三四五六七八九十"
    expected = [f"第{numerals[i - 1] if i <= 10 else '十' + numerals[i - 11]}条" for i in range(1, 20)]
    assert [a.citation for a in articles] == expected
    assert all(a.text and a.summary for a in articles)
    assert [r.defn.id for r in compiled.roots] == ["leadership", "membership", "chambers", "role", "support"]


def test_advisory_conditional_and_optional_clauses_use_their_kinds(engine: Engine) -> None:
    compiled = engine.get(FIVE_GOOD, AFTER)
    kinds = {n.defn.id: n.defn.kind for n in compiled.nodes}
    assert kinds["art2-secretary-ufwd"] == "advisory"
    assert kinds["art2-secretary-general"] == "optional"
    assert kinds["art4-plenary"] == "when"
    doc = load_evidence(EXAMPLES / "model-county.toml")
    doc["party_group"] = {
        **doc["party_group"],
        "secretary_is_ufwd_deputy": False,
        "secretary_on_party_committee": True,
        "secretary_attends_plenary": False,
    }
    doc["leadership"]["secretary_general_appointed"] = False
    result = engine.evaluate(doc, FIVE_GOOD, AFTER)
    assert result.verdict is Overall.PASS
    assert result.find("art2-secretary-ufwd").verdict is Verdict.ADVISORY
    assert result.find("art4-plenary").verdict is Verdict.NOT_APPLICABLE
    assert result.find("art2-secretary-general").verdict is Verdict.NOT_APPLICABLE


def test_dates_around_the_2013_switch_select_the_version_in_force(engine: Engine) -> None:
    from hypothesis import given

    from fivegood_core.testing import dates_around

    @given(dates_around(engine, GUARANTEES))
    def selects(day: dt.date) -> None:
        if day < dt.date(2012, 7, 1):
            with pytest.raises(ResolutionError):
                engine.get(GUARANTEES, day)
        else:
            assert engine.get(GUARANTEES, day).defn.version == ("2012" if day < dt.date(2013, 1, 25) else "2013")

    selects()


def _article_of(compiled: object, node_id: str) -> str | None:
    """The text of the nearest ancestor with a text (the article a clause is quoted from)."""
    by_id = {n.defn.id: n.defn for n in compiled.nodes}  # type: ignore[attr-defined]
    parent = by_id[node_id].parent
    while parent is not None:
        if by_id[parent].text:
            return by_id[parent].text
        parent = by_id[parent].parent
    return None


@pytest.mark.parametrize("ref", ["henan/county-five-good@2013", "henan/five-guarantees@2013"])
def test_every_quoted_clause_is_in_its_article_as_written(engine: Engine, ref: str) -> None:
    # A clause quotes its article's sentence character for character (its punctuation
    # included: "党组成员健全," not "党组成员健全。"); "……" marks what it leaves out.
    compiled = engine.get(ref)
    checked = 0
    for n in compiled.nodes:
        article = _article_of(compiled, n.defn.id)
        if not n.defn.text or article is None:
            continue
        for piece in n.defn.text.split("……"):
            assert piece in article, f"{ref}::{n.defn.id}: {piece!r} is not in its article's text {article!r}"
        checked += 1
    assert checked >= 20


def test_five_guarantees_quote_shezhi_as_written_and_note_the_correction(engine: Engine) -> None:
    compiled = engine.get(f"{GUARANTEES}@2013")
    by_id = {n.defn.id: n.defn for n in compiled.nodes}
    for cid in ("funds", "funds-account"):
        d = by_id[cid]
        assert d.text is not None and "设臵独立的财务账户" in d.text and "设置" not in d.text
        assert d.interpretation is not None and "设置" in d.interpretation.zh and "misprint" in d.interpretation.en
    assert by_id["party-group-complete"].text == "党组成员健全,"
    assert by_id["party-group-rules"].text == "党组主要职责和工作规章、制度完善,"


def test_art5_growth_threshold_names_its_basis_document(engine: Engine) -> None:
    compiled = engine.get(FIVE_GOOD, AFTER)
    by_id = {n.defn.id: n.defn for n in compiled.nodes}
    for cid in ("art5-growth", "art5-growth-computed", "art5-growth-reported"):
        d = by_id[cid]
        assert (
            d.interpretation is not None and "豫联(组)〔2012〕15号" in d.interpretation.zh and "豫联(组)〔2012〕15号" in d.interpretation.en
        )
    result = engine.evaluate({"members": {"growth_rate_reported": 0.07}}, FIVE_GOOD, AFTER)
    assert "豫联(组)〔2012〕15号" in result.find("art5-growth-reported").interpretation.en  # type: ignore[union-attr]


def test_art11_coverage_is_a_figure_that_never_decides(engine: Engine) -> None:
    doc = load_evidence(EXAMPLES / "model-county.toml")
    doc["local"]["cluster_zones"] = ["县产业集聚区", "商贸物流园", "高新区"]
    result = engine.evaluate(doc, FIVE_GOOD, AFTER)
    assert result.verdict is Overall.PASS
    coverage = result.find("art11-coverage-zones")
    assert coverage.verdict is Verdict.FAIL and coverage.observed == "1/3"
    assert result.find("art11-coverage").verdict is Verdict.ADVISORY
    doc["attest"]["art11-effort"] = False
    assert engine.evaluate(doc, FIVE_GOOD, AFTER).failed == ("art11-effort",)


def test_a_verdict_resting_only_on_the_documents_has_no_warnings(engine: Engine) -> None:
    result = engine.evaluate(str(EXAMPLES / "model-county.toml"), FIVE_GOOD, AFTER)
    assert result.verdict is Overall.PASS and result.to_json()["warnings"] == []
    assert engine.evaluate(str(EXAMPLES / "model-county.toml"), f"{GUARANTEES}@2012", AFTER).warnings != ()


def test_a_pass_on_the_reported_rate_says_self_reported_in_every_report(engine: Engine) -> None:
    from fivegood_core.render.report import markdown, render_html, render_junit, render_markdown, render_text

    result = engine.evaluate(str(EXAMPLES / "xinzheng.toml"), FIVE_GOOD, AFTER)
    growth = result.find("art5-growth-reported")
    assert growth.verdict is Verdict.PASS and growth.reason.en.endswith("(self-reported)") and growth.self_reported
    said = "art5-growth-reported rests on a figure the organisation reports itself (self-reported)"
    for render in (render_text, render_markdown, render_html, render_junit):
        assert (markdown(said) if render is render_markdown else said) in render(result), render
    assert "self-reported" in render_text(result).split("art5-growth-reported:")[1].splitlines()[0]
    assert "basis: 豫联(组)〔2012〕15号" in render_text(result) and "依据: 豫联(组)〔2012〕15号" in render_text(result, "zh")


def test_yearly_totals_decide_growth_over_a_reported_rate(engine: Engine) -> None:
    doc = {"subject": {"year": 2013}, "members": {"total_by_year": {"2010": 1000, "2013": 1030}, "growth_rate_reported": 0.07}}
    result = engine.evaluate(doc, FIVE_GOOD, AFTER)
    assert result.find("art5-growth").verdict is Verdict.FAIL and "art5-growth-computed" in result.failed
    reported = result.find("art5-growth-reported")
    assert reported.verdict is Verdict.PASS and not reported.counted and reported.gap is None
    assert engine.decide(doc, FIVE_GOOD, AFTER).failed == result.failed


def test_children_of_a_clause_that_does_not_apply_are_not_applicable_with_their_observations(engine: Engine) -> None:
    from fivegood_core.render.report import render_text

    doc = load_evidence(EXAMPLES / "model-county.toml")
    doc["party_group"] = {**doc["party_group"], "secretary_on_party_committee": True, "secretary_attends_plenary": False}
    result = engine.evaluate(doc, FIVE_GOOD, AFTER)
    attends = result.find("art4-plenary-attends")
    assert result.verdict is Overall.PASS and attends.verdict is Verdict.NOT_APPLICABLE
    assert attends.observed == "false" and attends.values == {"party_group.secretary_attends_plenary": False} and attends.gap is None
    text = render_text(result)
    line = next(x for x in text.splitlines() if "art4-plenary-attends" in x)
    assert line.lstrip().startswith("–") and "must be true" not in text


def test_children_of_guidance_are_shown_not_counted_and_get_no_advice(engine: Engine) -> None:
    from fivegood_core.render.report import render_text

    doc = load_evidence(EXAMPLES / "model-county.toml")
    doc["party_group"]["secretary_is_ufwd_deputy"] = False
    result = engine.evaluate(doc, FIVE_GOOD, AFTER)
    deputy = result.find("art2-secretary-ufwd-deputy")
    assert result.verdict is Overall.PASS and deputy.verdict is Verdict.FAIL and not deputy.counted and deputy.gap is None

    def in_json(nodes: list[dict[str, object]]) -> dict[str, object]:
        for n in nodes:
            if n["id"] == "art2-secretary-ufwd-deputy":
                return n
            found = in_json(n["children"])  # type: ignore[arg-type]
            if found:
                return found
        return {}

    assert in_json(result.to_json()["criteria"])["counted"] is False
    line = next(x for x in render_text(result).splitlines() if "art2-secretary-ufwd-deputy" in x)
    assert "[not counted]" in line
    assert "secretary_is_ufwd_deputy must be true" not in render_text(result)


def test_an_alternative_that_did_not_decide_gets_no_advice(engine: Engine) -> None:
    from fivegood_core.render.report import render_text

    doc = load_evidence(EXAMPLES / "model-county.toml")
    doc["staff"]["headcount"] = 2  # 4 posts suffice: 编制数不少于3个或工作人员数不少于5个
    result = engine.evaluate(doc, GUARANTEES, AFTER)
    headcount = result.find("staffing-headcount")
    assert result.verdict is Overall.PASS and headcount.verdict is Verdict.FAIL and headcount.gap is None
    assert "to pass" not in render_text(result)
    doc["staff"]["establishment_posts"] = 2
    failing = engine.evaluate(doc, GUARANTEES, AFTER)
    assert failing.find("staffing-headcount").gap is not None and failing.find("staffing-posts").gap is not None


def test_art19_nests_only_the_five_guarantees_in_the_version_in_force_and_names_it(engine: Engine) -> None:
    doc = load_evidence(EXAMPLES / "model-county.toml")
    doc["party_group"]["established"] = False
    result = engine.evaluate(doc, FIVE_GOOD, AFTER)
    art19 = result.find("art19-five-guarantees")
    assert art19.verdict is Verdict.PASS and result.failed == ("art4-party-group",)
    assert art19.nested is not None and [c.id for c in art19.nested.criteria] == ["staffing", "funds", "office", "equipment", "activities"]
    early = engine.evaluate(doc, f"{FIVE_GOOD}@2013", dt.date(2012, 12, 1)).find("art19-five-guarantees")
    assert early.nested is not None and early.nested.standard.version == "2013"
    assert "henan/five-guarantees@2013" in early.reason.en
