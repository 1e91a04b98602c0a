"""One dated hierarchy of divisions; the lists the evidence check reads are derived from it."""

from __future__ import annotations

import datetime as dt

import pytest

from fivegood_core.model import divisions

BEFORE, AFTER = dt.date(2011, 1, 12), dt.date(2017, 1, 1)


def test_the_lists_of_the_evidence_check_are_derived_from_the_hierarchy_as_of_a_date() -> None:
    ningbo = divisions.division_list("ningbo", "district", BEFORE)
    assert ningbo is not None and ningbo.complete
    assert [d.code for d in ningbo.divisions] == [d.code for d in divisions.in_force(BEFORE, level="county", parent="330200")]
    assert "330204" in [d.code for d in ningbo.divisions] and "330213" not in [d.code for d in ningbo.divisions]
    later = divisions.division_list("ningbo", "district", AFTER)
    assert later is not None and "330204" not in [d.code for d in later.divisions]
    assert later.find("奉化") is not None and later.find("奉化").code == "330213"  # type: ignore[union-attr]
    henan = divisions.division_list("henan", "prefecture", BEFORE)
    assert henan is not None and henan.complete and len(henan.divisions) == 18
    counties = divisions.division_list("henan", "district", BEFORE)
    assert counties is not None and not counties.complete and [d.code for d in counties.divisions] == ["410184"]
    assert divisions.division_list("test", "district", BEFORE) is None
    assert divisions.division_list("ningbo", "prefecture", BEFORE) is None


@pytest.mark.parametrize("written", ["江北区", "江北", "Jiangbei", "jiangbei", " JIANG BEI ", "330205"])
def test_a_division_as_people_write_it(written: str) -> None:
    found = divisions.division_list("ningbo", "district", BEFORE)
    assert found is not None and found.find(written) is not None and found.find(written).code == "330205"  # type: ignore[union-attr]
    assert divisions.resolve(written, as_of=BEFORE, area="330200").code == "330205"


def test_nearest_names_and_labels() -> None:
    ningbo = divisions.division_list("ningbo", "district", BEFORE)
    assert ningbo is not None and ningbo.nearest("Jiangbie")[0] == "330205 江北区 (Jiangbei)"
    assert divisions.place_label("330203") == "330203 海曙区 (Haishu)" and divisions.place_label("elsewhere") == "elsewhere"
    assert divisions.resolve("新郑", as_of=BEFORE, level="county", area="410000").code == "410184"
    assert divisions.jurisdiction_area("ningbo") == "330200" and divisions.jurisdiction_area("nowhere") is None
