"""The pytest plugin, exercised through pytester: it passes on the real standard and fails on wrong copies."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
GUARANTEES = (ROOT / "standards" / "henan" / "five-guarantees-2013.toml").read_text(encoding="utf-8")


def project(pytester: pytest.Pytester, text: str, standards: str = "henan/five-guarantees@2013") -> None:
    """A project that ships one standard file and asks the plugin to test it (installed plugins off)."""
    folder = pytester.mkdir("mine")
    (folder / "std.toml").write_text(text, encoding="utf-8")
    pytester.makeini(f"""
        [pytest]
        fivegood_standards = {standards}
        fivegood_sources = mine
        fivegood_entry_points = false
    """)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "-q", *args)


def test_the_real_standard_passes(pytester: pytest.Pytester) -> None:
    project(pytester, GUARANTEES)
    result = run(pytester, "-k", "area_m2 or welfare")
    result.assert_outcomes(passed=6)
    result = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    assert "henan/five-guarantees@2013::office.area_m2::boundary" in result.stdout.str()
    assert "henan/five-guarantees@2013::equipment.computers::wording" in result.stdout.str()
    assert "henan/five-guarantees::versions" not in result.stdout.str()  # pinned to @2013


FIVE_GOOD = (
    (ROOT / "standards" / "henan" / "county-five-good-2013.toml")
    .read_text(encoding="utf-8")
    .replace('id = "henan/county-five-good"', 'id = "copy/county-five-good"')
)


@pytest.mark.parametrize(
    "text, find, replace, selector, failing, message",
    [
        # 超过 5.5% (strict) written as >=: boundary tests follow the operator, the wording test reads the text.
        (
            FIVE_GOOD,
            'op = ">"\nvalue = 0.055',
            'op = ">="\nvalue = 0.055',
            "art5-growth-computed",
            "copy/county-five-good@2013::art5-growth-computed::wording",
            "art5-growth-computed: the text says '超过5.5%' (> 0.055), the check is >= 0.055",
        ),
        # 不少于 60 (inclusive) written as >.
        (
            GUARANTEES,
            'key = "office.area_m2"\nop = ">="',
            'key = "office.area_m2"\nop = ">"',
            "office.area_m2",
            "henan/five-guarantees@2013::office.area_m2::wording",
            "premises: the text says '不少于60平方米' (>= 60), the check is > 60",
        ),
        # A threshold of 6 instead of 60.
        (
            GUARANTEES,
            'key = "office.area_m2"\nop = ">="\nvalue = 60',
            'key = "office.area_m2"\nop = ">="\nvalue = 6',
            "office.area_m2",
            "henan/five-guarantees@2013::office.area_m2::wording",
            "premises: the text says '不少于60平方米' (>= 60), the check is >= 6",
        ),
        # An inverted operator.
        (
            GUARANTEES,
            'key = "equipment.computers"\nop = ">="',
            'key = "equipment.computers"\nop = "<="',
            "computers",
            "henan/five-guarantees@2013::equipment.computers::wording",
            "equipment-computers: the text says '至少有……3台' (>= 3), the check is <= 3",
        ),
        # 编制数不少于3个或工作人员数不少于5个 (either) encoded as both required: every threshold still
        # agrees with its words; only the connective reading sees that 或 joins alternatives.
        (
            GUARANTEES,
            'id = "staffing-numbers"\nparent = "staffing"\nkind = "any"',
            'id = "staffing-numbers"\nparent = "staffing"\nkind = "all"',
            "staffing",
            "henan/five-guarantees@2013::staffing-numbers::connective",
            "staffing-numbers: the text joins its requirements with '或' (any of them), the group is all (kind = 'all')",
        ),
        # Art. 15's 并 (and) encoded as alternatives.
        (
            FIVE_GOOD,
            'id = "art15"\nparent = "role"\nkind = "all"',
            'id = "art15"\nparent = "role"\nkind = "any"',
            "art15 or art14",
            "copy/county-five-good@2013::art15::connective",
            "art15: the text joins its requirements with '并' / ',' / ';' / ';' (all of them), the group is any (kind = 'any')",
        ),
    ],
    ids=["strict-written-inclusive", "inclusive-written-strict", "6-for-60", "inverted", "or-written-and", "and-written-or"],
)
def test_a_wrong_copy_fails_and_names_the_criterion(
    pytester: pytest.Pytester, text: str, find: str, replace: str, selector: str, failing: str, message: str
) -> None:
    wrong = text.replace(find, replace, 1)
    assert wrong != text
    if text is FIVE_GOOD:
        # Under another id, beside the installed Henan plugin (its vocabulary and the five guarantees it requires).
        folder = pytester.mkdir("mine")
        (folder / "std.toml").write_text(wrong, encoding="utf-8")
        pytester.makeini("[pytest]\nfivegood_standards = copy/county-five-good\nfivegood_sources = mine\n")
    else:
        project(pytester, wrong)
    result = run(pytester, "-k", selector)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") == 1 and outcomes.get("passed", 0) >= 1, result.stdout.str()
    out = result.stdout.str()
    assert failing in out and message in out


BUGGY = """
from fivegood_core import Check, CheckKind, Outcome, Text, Verdict, hookimpl


class Quota(Check):
    inputs = ("members.enterprise",)

    def explain(self, r, ctx):
        n = r.get("members.enterprise")
        if n is None:
            return Outcome(Verdict.UNKNOWN, Text("缺", "missing"), missing=self.inputs)
        return Outcome(Verdict.PASS if n >= 5 else Verdict.FAIL, Text("配额", "quota"))

    def verdict(self, r, ctx):
        n = r.get("members.enterprise")
        return Verdict.UNKNOWN if n is None else Verdict.PASS if n >= 500 else Verdict.FAIL


class Plugin:
    __name__ = "buggy"

    @hookimpl
    def fivegood_check_kinds(self):
        return [CheckKind("quota", "members quota", (), lambda p, ctx: Quota())]


plugin = Plugin()
"""

QUOTA_STANDARD = """
[standard]
id = "test/quota"
version = "1"
title = { zh = "配额", en = "Quota" }
issuer = { zh = "测试", en = "Test" }
subject_kind = "county_federation"
jurisdiction = "test"
effective_from = 2000-01-01

[[criterion]]
id = "quota"
kind = "quota"
title = { zh = "配额", en = "Quota" }
"""


def test_a_counterexample_is_shrunk_and_shown(pytester: pytest.Pytester) -> None:
    # A plugin kind under development whose fast verdict disagrees with its explanation from 5 to 499 members:
    # hypothesis finds the disagreement and shrinks it to the boundary.
    pytester.makepyfile(buggy=BUGGY)
    folder = pytester.mkdir("mine")
    (folder / "std.toml").write_text(QUOTA_STANDARD, encoding="utf-8")
    pytester.makeini("""
        [pytest]
        fivegood_standards = test/quota
        fivegood_sources = mine
        fivegood_plugins = buggy:plugin
        fivegood_entry_points = false
    """)
    pytester.syspathinsert()
    result = run(pytester, "-k", "fast-path")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "test/quota@1: the fast path gives ('fail', ('quota',), ()), the explained evaluation ('pass', (), ())" in out
    assert "Failing test case" in out or "Falsifying example" in out
    assert "'members.enterprise': 5" in out  # shrunk to the boundary where the two disagree


def test_unread_wordings_are_listed_in_the_summary(pytester: pytest.Pytester) -> None:
    project(pytester, GUARANTEES)
    result = run(pytester, "-k", "welfare and wording")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*fivegood: thresholds read by interpretation, not from their wording*",
            'henan/five-guarantees@2013::activities-welfare: "Once a year" is read as at least once a year.',
        ]
    )


def test_a_broken_requires_is_reported_with_the_criterion(pytester: pytest.Pytester) -> None:
    broken = (
        GUARANTEES
        + """
[[criterion]]
id = "also"
kind = "requires"
standard = "henan/five-guarantee"
title = { zh = "另一个", en = "Another" }
"""
    )
    project(pytester, broken)
    result = run(pytester)
    assert result.ret != 0
    line = GUARANTEES.count("\n") + 2  # the appended [[criterion]]
    assert f"std.toml:{line}: criterion[also].standard: requires unknown standard 'henan/five-guarantee'" in result.stderr.str()


def test_example_cases_files_are_collected_and_a_wrong_expectation_is_named(pytester: pytest.Pytester) -> None:
    project(pytester, GUARANTEES)
    pytester.makefile(
        ".cases.toml",
        mine="""
standard = "henan/five-guarantees"

[[case]]
name = "60 m2 passes"
as_of = 2014-01-01
evidence = { office = { area_m2 = 60 } }
criteria = { premises = "pass" }

[[case]]
name = "59 m2 wrongly expected to pass"
as_of = 2014-01-01
evidence = { office = { area_m2 = 59 } }
criteria = { premises = "pass" }
""",
    )
    pytester.makeini("""
        [pytest]
        fivegood_sources = mine
        fivegood_entry_points = false
    """)
    result = run(pytester, "mine.cases.toml")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*case '59 m2 wrongly expected to pass': criterion premises: expected pass, got fail (Office area 59 m² — 1 m² short of 60 m²)*"]
    )


def test_the_marker_generates_properties(pytester: pytest.Pytester) -> None:
    project(pytester, GUARANTEES, standards="")
    pytester.makepyfile("""
        import pytest

        @pytest.mark.fivegood("henan/five-guarantees@2013")
        def test_standard(fivegood_property):
            fivegood_property.run()
    """)
    result = run(pytester, "-k", "area_m2 and not monotone")
    result.assert_outcomes(passed=2)
    result = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    assert "test_standard[henan/five-guarantees@2013::office.area_m2::boundary]" in result.stdout.str()


def test_unconfigured_projects_are_untouched(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_ok():\n    assert True\n")
    run(pytester).assert_outcomes(passed=1)
