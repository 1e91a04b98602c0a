"""Programmes load from the plugins through the fivegood_programme_sources hook, cite their documents, and are validated precisely."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fivegood_core.model import divisions
from fivegood_core.register.programmes import ProgrammeError, Programmes, parse_programme

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def programmes() -> Programmes:
    return Programmes.from_entry_points()


def test_the_three_programmes_of_the_documents(programmes: Programmes) -> None:
    assert [p.ref for p in programmes.all()] == [
        "henan/five-good-demonstration-sites@2013",
        "henan/five-guarantees-compliance@2013",
        "ningbo/five-have-five-good-chambers@2010",
    ]
    sites = programmes.get("henan/five-good-demonstration-sites", dt.date(2013, 6, 1))
    assert sites.standard == "henan/county-five-good" and sites.decision == "designate"
    assert sites.nomination is not None and sites.nomination.by == "prefecture" and sites.nomination.to.zh == "省工商联组织部"
    assert sites.nomination.quota is not None and (sites.nomination.quota.min, sites.nomination.quota.max) == (2, 3)
    assert sites.nomination.deadline is not None and sites.nomination.deadline.date == dt.date(2013, 2, 25)
    assert sites.target is not None and sites.target.date == dt.date(2013, 12, 31)
    # Quoted from the notice; what it does not say (a late report is only flagged) is marked assumed.
    assert "2至3个县级工商联" in sites.nomination.quota.rule.citation and not sites.nomination.quota.rule.assumed
    assert "2月25日前" in sites.nomination.deadline.rule.citation and sites.nomination.deadline.rule.assumed
    assert "2013年底前" in sites.target.rule.citation
    ningbo = programmes.get("ningbo/five-have-five-good-chambers", dt.date(2011, 1, 1))
    assert ningbo.reward.source == "standard" and ningbo.reward.rule.assumed and "1.5万元" in ningbo.reward.rule.citation
    assert ningbo.nomination is None and ningbo.decision == "certify"
    compliance = programmes.get("henan/five-guarantees-compliance", dt.date(2013, 6, 1))
    assert compliance.standard == "henan/five-guarantees" and compliance.nomination is None and compliance.reward.source == "none"
    for p in programmes.all():
        assert all(rule.citation for rule in p.rules().values())


def test_before_a_programme_starts_there_is_none(programmes: Programmes) -> None:
    with pytest.raises(ProgrammeError, match="no version of henan/five-good-demonstration-sites is in force on 2012-12-31"):
        programmes.get("henan/five-good-demonstration-sites", dt.date(2012, 12, 31))
    with pytest.raises(ProgrammeError, match="unknown programme 'henan/nope'"):
        programmes.get("henan/nope")


GOOD = (ROOT / "plugins/fivegood_henan/programmes/five-good-demonstration-sites-2013.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, where, expected",
    [
        ("max = 3", 'max = "3"', ":27: nomination.quota.max", "expected a whole number ≥ 0, got '3'"),
        ('decision = "designate"', 'decision = "crown"', ":16: programme.decision", "expected one of 'certify', 'designate'"),
        ("date = 2013-02-25", 'date = "2013-02-25"', ":32: nomination.deadline.date", "expected a date such as 2013-02-25 (unquoted)"),
        ('by = "prefecture"', 'by = "prefecture"\ncolour = "red"', ":22: nomination.colour", "unknown key; expected one of"),
        ("min = 2", "min = 4", ":26: nomination.quota.min", "expected min ≤ max, got min 4 > max 3"),
        ('standard = "henan/county-five-good"', 'standard = "henan/county-five-good@2013"', ":15: programme.standard", "no @version"),
    ],
)
def test_precise_errors(old: str, new: str, where: str, expected: str) -> None:
    assert old in GOOD
    with pytest.raises(ProgrammeError) as info:
        parse_programme(GOOD.replace(old, new, 1), "sites.toml")
    message = str(info.value)
    assert f"sites.toml{where}" in message and expected in message, message


def test_missing_tables_and_syntax_errors() -> None:
    with pytest.raises(ProgrammeError, match=r"sites.toml: reward: missing required table \[reward\]"):
        parse_programme(GOOD[: GOOD.index("[reward]")], "sites.toml")
    with pytest.raises(ProgrammeError, match=r"sites.toml:\d+: malformed TOML"):
        parse_programme(GOOD + "\n[broken\n", "sites.toml")
    with pytest.raises(ProgrammeError, match=r"sites.toml:5: programme: missing required key 'standard'"):
        parse_programme(GOOD.replace('standard = "henan/county-five-good"\n', ""), "sites.toml")


def test_every_problem_in_every_file_is_listed(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD.replace("max = 3", "max = -1"), encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.replace('version = "2013"', "version = 2013"), encoding="utf-8")
    with pytest.raises(ProgrammeError) as info:
        Programmes.from_sources([("test", tmp_path)])
    assert [p.file.split("/")[-1] for p in info.value.problems if p.file] == ["a.toml", "b.toml"]


def test_the_package_plugin_serves_its_programmes_folder() -> None:
    import fivegood_henan

    folders = fivegood_henan.plugin.fivegood_programme_sources()
    assert len(folders) == 1 and folders[0].is_dir()
    import fivegood_sample

    assert fivegood_sample.plugin.fivegood_programme_sources() == []


@pytest.mark.parametrize(
    "value, on, code",
    [
        ("410184", dt.date(2013, 1, 1), "410184"),
        ("新郑市", dt.date(2013, 1, 1), "410184"),
        ("XINZHENG", dt.date(2013, 1, 1), "410184"),
        ("郑州", dt.date(2013, 1, 1), "410100"),
        ("济源市", dt.date(2013, 1, 1), "419001"),
        ("jiangbei", dt.date(2011, 1, 12), "330205"),
        ("江东区", dt.date(2011, 1, 12), "330204"),
        ("奉化市", dt.date(2011, 1, 12), "330283"),
        ("Fenghua", dt.date(2011, 1, 12), "330283"),
        ("Fenghua", dt.date(2017, 1, 1), "330213"),
    ],
)
def test_places_resolve_to_codes_as_of_a_date(value: str, on: dt.date, code: str) -> None:
    assert divisions.resolve(value, as_of=on).code == code


def test_places_errors_name_the_value_and_the_nearest() -> None:
    with pytest.raises(divisions.PlaceError, match=r"unknown place 'Jiangbie' on 2011-01-12; nearest known: 330205 江北区 \(Jiangbei\)"):
        divisions.resolve("Jiangbie", as_of=dt.date(2011, 1, 12))
    with pytest.raises(
        divisions.PlaceError, match=r"'jiangdong' is not a valid division on 2017-01-01 \(330204 江东区: 1983-01-01 – 2016-10-01\)"
    ):
        divisions.resolve("jiangdong", as_of=dt.date(2017, 1, 1))
    ningbo_2011 = [d.code for d in divisions.in_force(dt.date(2011, 1, 12), parent="330200")]
    assert ningbo_2011 == ["330203", "330204", "330205", "330206", "330211", "330212", "330225", "330226", "330281", "330282", "330283"]
    assert "330204" not in [d.code for d in divisions.in_force(dt.date(2017, 1, 1), parent="330200")]
