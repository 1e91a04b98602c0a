"""The register end to end from the command line, on SQLite and on PostgreSQL: both programmes of the documents.

Henan: 18 prefectures nominate 2–3 county federations by 2013-02-25 (one late,
one over quota), sites submit, are assessed before and after the 2013-12-31
target, and are designated. Ningbo: chambers in Jiangbei, Yinzhou and Haishu
(no scheme) are certified; the ledger holds exactly ¥15,000 per Jiangbei and
¥20,000 per Yinzhou chamber however often certification is attempted.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from register_helpers import HENAN, NINGBO, cli, db_url, dump, evidence, ok  # noqa: F401

from fivegood_core.model import divisions

PREFECTURES = [d.code for d in divisions.in_force(divisions.dt.date(2013, 1, 25), level="prefecture", parent="410000")]


def test_henan_has_eighteen_nominating_prefectures() -> None:
    assert len(PREFECTURES) == 18 and "419001" in PREFECTURES and "410100" in PREFECTURES


def test_henan_demonstration_sites_end_to_end(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    # Every prefecture nominates two sites on time, except: Zhengzhou three (the most allowed),
    # Kaifeng a third one late, Jiyuan only one.
    for code in PREFECTURES:
        n = {"410100": 3, "419001": 1}.get(code, 2)
        for i in range(1, n + 1):
            out = ok(
                "nominate", HENAN, f"{code}-{i}", "--name", f"{code}县工商联{i}", "--prefecture", code, "--on", "2013-02-20", db=db_url
            )
            assert "late" not in out
    # Names resolve to codes: 开封 by its Chinese name, nominating one more, late: recorded and flagged.
    out = ok("nominate", HENAN, "410200-3", "--name", "开封第三县", "--prefecture", "开封", "--on", "2013-03-01", db=db_url)
    assert "[late]" in out and "due by 2013-02-25" in out and "2月25日前" in out and "assumed" in out
    # A fourth Zhengzhou nomination is refused by the quota rule, quoting the notice, and changes nothing.
    before = dump(db_url)
    status, _, err = cli(
        "nominate", HENAN, "410100-4", "--name", "郑州第四县", "--prefecture", "Zhengzhou", "--on", "2013-02-21", db=db_url
    )
    assert status == 4, err
    assert "nomination.quota" in err and "410100-4" in err and "选定2至3个县级工商联" in err
    assert dump(db_url) == before
    # Only the subject's own prefecture nominates it.
    status, _, err = cli("nominate", HENAN, "410100-9", "--prefecture", "郑州", "--by", "开封", "--on", "2013-02-21", db=db_url)
    assert status == 4 and "refused by rule nomination:" in err and "410200" in err
    assert dump(db_url) == before
    # An unknown place is bad input naming the nearest known ones.
    status, _, err = cli("nominate", HENAN, "x-1", "--prefecture", "Zhengzou", "--on", "2013-02-21", db=db_url)
    assert status == 2 and "Zhengzou" in err and "410100" in err
    assert dump(db_url) == before

    # Roll-up before the deadline: Jiyuan is still pending; after it, Jiyuan is short (Kaifeng's late third does not matter).
    roll = json.loads(ok("rollup", HENAN, "--as-of", "2013-02-24", "--format", "json", db=db_url))
    units = {u["code"]: u for u in roll["nominations"]["units"]}
    assert len(units) == 18 and units["419001"]["state"] == "pending" and roll["nominations"]["short"] == []
    roll = json.loads(ok("rollup", HENAN, "--as-of", "2013-03-02", "--format", "json", db=db_url))
    units = {u["code"]: u for u in roll["nominations"]["units"]}
    assert roll["nominations"]["short"] == ["419001"]
    assert units["410200"] == {**units["410200"], "on_time": 2, "late": 1, "state": "ok"}
    assert units["410100"]["on_time"] == 3

    # Sites submit: one model county, one that narrowly fails, one with too little evidence.
    ok("submit", HENAN, str(evidence(tmp_path, "henan/model-county.toml", "410100-1")), "--on", "2013-06-01", db=db_url)
    ok("submit", HENAN, str(evidence(tmp_path, "henan/narrow-miss.toml", "410100-2")), "--on", "2013-06-01", db=db_url)
    ok("submit", HENAN, str(evidence(tmp_path, "henan/xinzheng.toml", "410300-1")), "--on", "2013-06-01", db=db_url)
    # A site not nominated cannot submit.
    status, _, err = cli("submit", HENAN, str(evidence(tmp_path, "henan/model-county.toml", "stranger")), db=db_url)
    assert status == 4 and "stranger" in err and "nomination" in err

    out = ok("assess", HENAN, "--all", "--as-of", "2013-06-30", "--format", "json", db=db_url)
    verdicts = {r["subject"]: r["verdict"] for r in json.loads(out)}
    assert verdicts == {"410100-1": "pass", "410100-2": "fail", "410300-1": "incomplete"}

    # Before the target date a failing site has "not yet met" it, with the deadline; after it, "missed".
    rows = {r["subject"]: r for r in json.loads(ok("status", HENAN, "--as-of", "2013-07-01", "--format", "json", db=db_url))}
    assert rows["410100-2"]["status"] == "not_yet_met" and rows["410100-2"]["status_en"] == "not yet met, deadline 2013-12-31"
    assert rows["410300-1"]["status"] == "not_yet_met"
    assert rows["410100-1"]["status"] == "passed"
    assert rows["410500-1"]["status"] == "nominated" and rows["410200-3"]["late"] is True

    # Designation only on a passing assessment.
    before = dump(db_url)
    status, _, err = cli("certify", HENAN, "410100-2", "--on", "2013-07-01", db=db_url)
    assert status == 4 and "designate.passing-assessment" in err and "410100-2" in err
    assert dump(db_url) == before
    out = ok("certify", HENAN, "410100-1", "--on", "2013-07-01", db=db_url)
    assert "designated" in out and "reward" not in out

    # After the deadline: re-assessed, the narrow miss has missed the target; the designated site stays designated.
    ok("assess", HENAN, "410100-2", "--as-of", "2014-01-02", db=db_url)
    rows = {r["subject"]: r for r in json.loads(ok("status", HENAN, "--as-of", "2014-01-02", "--format", "json", db=db_url))}
    assert rows["410100-2"]["status"] == "missed" and "2013-12-31" in rows["410100-2"]["status_en"]
    assert rows["410100-1"]["status"] == "designated"
    assert rows["410500-1"]["status"] == "missed"
    # Status as of a date before the designation does not see it.
    rows = {r["subject"]: r for r in json.loads(ok("status", HENAN, "--as-of", "2013-06-30", "--format", "json", db=db_url))}
    assert rows["410100-1"]["status"] == "passed"

    roll = json.loads(ok("rollup", HENAN, "--as-of", "2014-01-02", "--format", "json", db=db_url))
    zhengzhou = next(g for g in roll["groups"] if g["code"] == "410100")
    assert zhengzhou["statuses"] == {"designated": 1, "missed": 2} and zhengzhou["name"]["zh"] == "郑州市"
    # Art. 5's basis as a province-wide share, over the evidence that has both figures (Xinzheng's lacks the count of enterprises).
    agg = roll["aggregate"]
    assert (agg["enterprise_members"], agg["private_enterprises"], agg["subjects"]) == (760 + 5700000, 3200 + 9000000, 2)
    assert agg["share"] == "142519/225080" and agg["percent"] == "63.32" and agg["at_least_20_percent"] is True
    assert roll["rewards"] == []
    assert ok("verify", db=db_url).startswith("ok:")


NINGBO_CHAMBERS = [
    ("jiangbei-cicheng", "ningbo/jiangbei-certified.toml", "jiangbei"),
    ("jiangbei-hongtang", "ningbo/jiangbei-certified.toml", "jiangbei"),
    ("yinzhou-yinjiang", "ningbo/yinzhou-certified.toml", "yinzhou"),
    ("yinzhou-qiushi", "ningbo/yinzhou-certified.toml", "yinzhou"),
    ("haishu-gulou", "ningbo/haishu-certified.toml", "haishu"),
]


def certify_round(db: str, tmp: Path) -> None:
    """Submit, assess and certify the Ningbo chambers (each once)."""
    ok("init", db=db)
    for sid, example, district in NINGBO_CHAMBERS:
        ok("submit", NINGBO, str(evidence(tmp, example, sid, district=district)), "--on", "2010-12-01", db=db)
    ok("assess", NINGBO, "--all", "--as-of", "2010-12-15", db=db)
    for sid, _, _ in NINGBO_CHAMBERS:
        ok("certify", NINGBO, sid, "--on", "2010-12-20", db=db, actor="李明")


def test_ningbo_rewards_exactly_once(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    certify_round(db_url, tmp_path)
    # Attempted again, and again: refused by the register's rule, nothing changes.
    before = dump(db_url)
    for sid, _, _ in NINGBO_CHAMBERS * 2:
        status, _, err = cli("certify", NINGBO, sid, db=db_url)
        assert status == 4 and "register.certify-once" in err and sid in err
    assert dump(db_url) == before
    ledger = json.loads(ok("ledger", "--format", "json", db=db_url))
    assert all(set(e) == {"subject", "programme", "scheme", "amount", "currency", "payer", "state", "created", "reference"} for e in ledger)
    amounts = {e["subject"]: (e["amount"], e["currency"], e["payer"]["zh"], e["state"]) for e in ledger}
    assert amounts == {
        "jiangbei-cicheng": ("15000", "CNY", "江北区人民政府", "due"),
        "jiangbei-hongtang": ("15000", "CNY", "江北区人民政府", "due"),
        "yinzhou-yinjiang": ("20000", "CNY", "鄞州区人民政府", "due"),
        "yinzhou-qiushi": ("20000", "CNY", "鄞州区人民政府", "due"),
    }
    # Haishu: certified, no reward, and the register says why.
    rows = {r["subject"]: r for r in json.loads(ok("status", NINGBO, "--format", "json", db=db_url))}
    assert rows["haishu-gulou"]["status"] == "certified" and rows["haishu-gulou"]["district"] == "330203"
    assert rows["jiangbei-cicheng"]["district"] == "330205"

    # due → approved → paid (with a reference); paying twice, or before approval, is refused.
    status, _, err = cli("pay", "yinzhou-qiushi", "--scheme", "yinzhou", "--reference", "TX-0", db=db_url)
    assert status == 4 and "reward.paid" in err
    ok("pay", "jiangbei-cicheng", "--scheme", "jiangbei", "--approve", db=db_url, actor="财务")
    ok("pay", "jiangbei-cicheng", "--scheme", "jiangbei", "--reference", "JB-2011-001", db=db_url, actor="财务")
    before = dump(db_url)
    status, _, err = cli("pay", "jiangbei-cicheng", "--scheme", "jiangbei", "--reference", "JB-2011-002", db=db_url)
    assert status == 4 and "reward.paid" in err and "jiangbei-cicheng" in err
    assert dump(db_url) == before
    entry = next(e for e in json.loads(ok("ledger", "--subject", "jiangbei-cicheng", "--format", "json", db=db_url)))
    assert entry["state"] == "paid" and entry["reference"] == "JB-2011-001"

    roll = json.loads(ok("rollup", NINGBO, "--format", "json", db=db_url))
    payers = {p["payer"]["zh"]: p for p in roll["rewards"]}
    assert payers["江北区人民政府"]["paid"] == "15000" and payers["江北区人民政府"]["due"] == "15000"
    assert payers["鄞州区人民政府"]["due"] == "40000" and payers["鄞州区人民政府"]["paid"] == "0"

    # Revoking reverses the unpaid reward (a new entry, never an edit); certifying again creates no second reward.
    ok("revoke", NINGBO, "yinzhou-qiushi", "--reason", "材料不实", db=db_url)
    status, _, err = cli("revoke", NINGBO, "yinzhou-qiushi", "--reason", "again", db=db_url)
    assert status == 4 and "register.revoke-decided" in err
    ok("assess", NINGBO, "yinzhou-qiushi", "--as-of", "2011-01-05", db=db_url)
    ok("certify", NINGBO, "yinzhou-qiushi", db=db_url)
    qiushi = [e for e in json.loads(ok("ledger", "--format", "json", db=db_url)) if e["subject"] == "yinzhou-qiushi"]
    assert [(e["amount"], e["state"]) for e in qiushi] == [("20000", "reversed")]
    assert ok("verify", db=db_url).startswith("ok:")


def test_refusals_on_a_fresh_register_change_nothing(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    ok("submit", NINGBO, str(evidence(tmp_path, "ningbo/jiangbei-failed.toml", "jiangbei-failed")), "--on", "2010-12-01", db=db_url)
    before = dump(db_url)
    for args, rule in [
        (("certify", NINGBO, "jiangbei-failed"), "certify.passing-assessment"),  # not assessed yet
        (("revoke", NINGBO, "jiangbei-failed", "--reason", "x"), "register.revoke-decided"),
        (("nominate", NINGBO, "jiangbei-failed", "--district", "jiangbei"), "programme.no-nominations"),
    ]:
        status, _, err = cli(*args, db=db_url)
        assert status == 4 and rule in err and "jiangbei-failed" in err, err
        assert dump(db_url) == before
    ok("assess", NINGBO, "jiangbei-failed", "--as-of", "2010-12-15", db=db_url)
    before = dump(db_url)
    status, _, err = cli("certify", NINGBO, "jiangbei-failed", db=db_url)
    assert status == 4 and "is fail" in err
    # Bad input: exit 2, nothing changed.
    for args in [
        ("assess", NINGBO, "nobody"),
        ("submit", NINGBO, str(tmp_path / "missing.toml")),
        ("waive", NINGBO, "jiangbei-failed", "no-such-criterion", "--reason", "r", "--approver", "a", "--expires", "2011-01-01"),
    ]:
        status, _, err = cli(*args, db=db_url)
        assert status == 2 and "Traceback" not in err, (args, err)
    assert dump(db_url) == before
    # Errors and refusals are written in the language asked for.
    status, _, err = cli("assess", NINGBO, "nobody", "--lang", "zh", db=db_url)
    assert status == 2 and "未知对象 'nobody'" in err, err
    status, _, err = cli("certify", NINGBO, "jiangbei-failed", "--lang", "zh", db=db_url)
    assert status == 4 and "按规则" in err and "只有评估通过才能认定" in err, err


def test_a_correction_is_a_new_submission_and_the_bytes_are_kept(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    first = evidence(tmp_path, "ningbo/jiangbei-failed.toml", "jb")
    ok("submit", NINGBO, str(first), db=db_url)
    first_bytes = first.read_bytes()
    second = evidence(tmp_path, "ningbo/jiangbei-certified.toml", "jb")
    out = ok("submit", NINGBO, str(second), db=db_url)
    assert "correcting submission #1" in out
    from fivegood_core.register import Register

    with Register(db_url) as reg:
        from fivegood_core.register import schema as t

        with reg._read() as conn:
            rows = list(conn.execute(t.submissions.select().order_by(t.submissions.c.id)).mappings())
    assert [bytes(r["content"]) for r in rows] == [first_bytes, second.read_bytes()] and first_bytes != second.read_bytes()
    import hashlib

    assert [r["sha256"] for r in rows] == [hashlib.sha256(b).hexdigest() for b in (first_bytes, second.read_bytes())]
    assert rows[1]["corrects"] == rows[0]["id"]


def test_waived_criterion_shows_as_waived_and_expires(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    ok("nominate", HENAN, "nm", "--prefecture", "410700", "--on", "2013-02-01", db=db_url)
    ok("submit", HENAN, str(evidence(tmp_path, "henan/narrow-miss.toml", "nm")), db=db_url)
    for criterion in ("art5-growth-computed", "art19-five-guarantees"):
        ok("waive", HENAN, "nm", criterion, "--reason", "省工商联特批", "--approver", "张磊", "--expires", "2013-12-31", db=db_url)
    out = json.loads(ok("assess", HENAN, "nm", "--as-of", "2013-09-01", "--format", "json", db=db_url))[0]
    assert out["verdict"] == "pass" and out["failed"] == [] and sorted(out["waived"]) == ["art19-five-guarantees", "art5-growth-computed"]
    from fivegood_core.register import Register

    with Register(db_url) as reg:
        a = reg.table("assessments")[-1]
        assert a["verdict"] == "pass"
        with reg._read() as conn:
            from fivegood_core.register import schema as t

            result = json.loads(conn.execute(t.assessments.select().where(t.assessments.c.id == a["id"])).mappings().one()["result"])

    def find(nodes: list[dict[str, object]], cid: str) -> dict[str, object] | None:
        for n in nodes:
            if n["id"] == cid:
                return n
            hit = find(n.get("children") or [], cid)  # type: ignore[arg-type]
            if hit:
                return hit
        return None

    node = find(result["criteria"], "art5-growth-computed")
    assert node is not None and node["verdict"] == "waived"  # never "pass"
    assert any("waived" in w for w in result["warnings"])
    # After the waiver expires it no longer applies.
    out = json.loads(ok("assess", HENAN, "nm", "--as-of", "2014-01-01", "--format", "json", db=db_url))[0]
    assert out["verdict"] == "fail" and out["waived"] == []


def test_verify_catches_rows_edited_behind_the_registers_back(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite3")
    certify_round(db, tmp_path)
    assert ok("verify", db=db).startswith("ok:")
    con = sqlite3.connect(db)
    con.execute("UPDATE rewards SET amount = 150000 WHERE subject_id = 'jiangbei-cicheng'")
    con.commit()
    status, out, err = cli("verify", db=db)
    assert status == 1 and "rewards #1" in out and "changed behind the register's back" in out and "audit entry #" in err
    con.execute("UPDATE rewards SET amount = 15000 WHERE subject_id = 'jiangbei-cicheng'")
    con.commit()
    assert cli("verify", db=db)[0] == 0
    # An audit entry edited: the first bad entry is named.
    con.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3")
    con.commit()
    status, out, _ = cli("verify", db=db)
    assert status == 1 and out.startswith("BROKEN: audit entry #3 ")
    # An export of a register that does not verify is still written, and says so with the same status.
    status, out, err = cli("export", "--format", "json", db=db)
    assert status == 1 and json.loads(out)["ledger"] and "does not verify" in err and "audit entry #3" in err
    con.execute("UPDATE audit_log SET actor = 'tester' WHERE seq = 3")
    con.commit()
    assert cli("verify", db=db)[0] == 0
    # A row removed, and a row slipped in.
    con.execute("DELETE FROM reward_events WHERE id = (SELECT max(id) FROM reward_events)")
    con.commit()
    status, out, _ = cli("verify", db=db)
    assert status == 1 and "removed" in out
    con.close()


def test_verify_catches_an_audit_entry_removed(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite3")
    certify_round(db, tmp_path)
    con = sqlite3.connect(db)
    con.execute("DELETE FROM audit_log WHERE seq = 4")
    con.commit()
    con.close()
    status, out, _ = cli("verify", db=db)
    assert status == 1 and "audit entry #4" in out


def test_a_register_from_a_newer_version_is_refused(db_url: str) -> None:  # noqa: F811
    ok("init", db=db_url)
    import sqlalchemy as sa

    from fivegood_core.register.db import create_engine, database_url

    eng = create_engine(database_url(db_url))
    with eng.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    eng.dispose()
    for args in [("ledger",), ("init",)]:
        status, _, err = cli(*args, db=db_url)
        assert status == 2 and "newer version of fivegood" in err and "0099" in err and "Traceback" not in err


def test_not_a_register_and_unreachable_are_clear_errors(tmp_path: Path) -> None:
    status, _, err = cli("ledger", db=str(tmp_path / "nothing.sqlite3"))
    assert status == 2 and "there is no register at" in err and "register init" in err
    assert not (tmp_path / "nothing.sqlite3").exists()  # asking did not create an empty file
    sqlite3.connect(tmp_path / "other.sqlite3").execute("CREATE TABLE t (x)")
    status, _, err = cli("ledger", db=str(tmp_path / "other.sqlite3"))
    assert status == 2 and "not a fivegood register" in err and "register init" in err
    status, _, err = cli("ledger", db="postgresql://nobody:secret@127.0.0.1:1/none")
    assert status == 2 and "cannot use the register" in err and "secret" not in err and "Traceback" not in err
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    status, _, err = cli("ledger", db=str(garbage))
    assert status == 2 and "Traceback" not in err


def test_a_locked_register_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "r.sqlite3")
    ok("init", db=db)
    monkeypatch.setenv("FIVEGOOD_LOCK_TIMEOUT", "0.2")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        before_log = len(holder.execute("SELECT * FROM audit_log").fetchall())
        status, _, err = cli("submit", NINGBO, str(evidence(tmp_path, "ningbo/haishu-certified.toml", "h")), db=db)
        assert status == 2 and "locked by another process" in err and "nothing was changed" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(dump(db)["audit_log"]) == before_log


def test_default_register_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivegood_core.register.db import DEFAULT_FILE, database_url

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FIVEGOOD_DB", raising=False)
    assert database_url(None) == f"sqlite:///{tmp_path / DEFAULT_FILE}"
    monkeypatch.setenv("FIVEGOOD_DB", "postgresql://u@h/db")
    assert database_url(None) == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(Exception, match="unsupported register URL"):
        database_url("mysql://x")


def test_verify_catches_an_edit_made_with_the_sqlite3_shell(tmp_path: Path) -> None:
    # The issue's own wording: a row edited with the `sqlite3` shell (Debian's sqlite3 package; .ci/run installs it).
    import os
    import shutil
    import subprocess

    shell = shutil.which("sqlite3")
    if shell is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("the sqlite3 shell is not installed: CI must test with it (see .ci/run)")
        pytest.skip("the sqlite3 shell is not installed")
    db = str(tmp_path / "r.sqlite3")
    certify_round(db, tmp_path)
    subprocess.run(
        [shell, db, "UPDATE decisions SET kind = 'certify', decided_on = '2010-01-01' WHERE subject_id = 'haishu-gulou'"], check=True
    )
    status, out, _ = cli("verify", db=db)
    assert status == 1 and "decisions #" in out and out.startswith("BROKEN: audit entry #")


def test_five_guarantees_compliance_tracks_every_county(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    programme = "henan/five-guarantees-compliance"
    ok("init", db=db_url)
    # No nominations: every county federation takes part by submitting its evidence.
    status, _, err = cli("nominate", programme, "c1", "--prefecture", "410100", db=db_url)
    assert status == 4 and "programme.no-nominations" in err
    ok("submit", programme, str(evidence(tmp_path, "henan/model-county.toml", "c1")), "--on", "2013-06-01", db=db_url)
    ok("submit", programme, str(evidence(tmp_path, "henan/narrow-miss.toml", "c2")), "--on", "2013-06-01", db=db_url)
    verdicts = {
        r["subject"]: r["verdict"]
        for r in json.loads(ok("assess", programme, "--all", "--as-of", "2013-06-30", "--format", "json", db=db_url))
    }
    assert verdicts == {"c1": "pass", "c2": "fail"}
    ok("certify", programme, "c1", "--on", "2013-07-01", db=db_url)
    ok("certify", programme, "c2", "--refuse", "--reason", "办公用房52平方米,不足60平方米", "--on", "2013-07-01", db=db_url)
    rows = {r["subject"]: r["status"] for r in json.loads(ok("status", programme, "--format", "json", db=db_url))}
    assert rows == {"c1": "certified", "c2": "refused"}
    assert json.loads(ok("ledger", "--format", "json", db=db_url)) == []  # no reward in the notice
    # The status report shows a waiver as waived while it is in force.
    ok("waive", programme, "c2", "premises", "--reason", "新办公楼在建", "--approver", "张磊", "--expires", "2013-12-31", db=db_url)
    out = ok("status", programme, "--as-of", "2013-12-01", db=db_url)
    assert "waived: premises (until 2013-12-31)" in out
    assert "waived" not in ok("status", programme, "--as-of", "2014-01-01", db=db_url)


def test_reversal_rollup_by_area_and_impact_from_the_command_line(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    certify_round(db_url, tmp_path)
    ok("pay", "yinzhou-qiushi", "--scheme", "yinzhou", "--approve", db=db_url)
    ok("pay", "yinzhou-qiushi", "--scheme", "yinzhou", "--reference", "YZ-1", db=db_url)
    status, _, err = cli("pay", "yinzhou-qiushi", "--scheme", "yinzhou", "--reverse", db=db_url)
    assert status == 2 and "reason" in err
    ok("pay", "yinzhou-qiushi", "--scheme", "yinzhou", "--reverse", "--reason", "重复拨付,已退回", db=db_url)
    status, _, err = cli("pay", "yinzhou-qiushi", "--scheme", "yinzhou", "--reverse", "--reason", "again", db=db_url)
    assert status == 4 and "reward.reversed" in err
    roll = json.loads(ok("rollup", NINGBO, "--area", "鄞州区", "--format", "json", db=db_url))
    assert roll["area"] == "330212" and roll["totals"] == {"certified": 2}
    # A caller that has the status already (the dashboard, the export) gets the same roll-up from it.
    from fivegood_core.register import Register, reports

    with Register(db_url) as reg:
        for area in (None, "鄞州区"):
            assert reports.rollup(reg, NINGBO, None, area, rows=reports.status(reg, NINGBO)) == reports.rollup(reg, NINGBO, None, area)
    (payer,) = roll["rewards"]
    assert (payer["paid"], payer["reversed"], payer["due"], payer["entries"]) == ("0", "20000", "20000", 2)
    before = dump(db_url)
    out = ok("assess", NINGBO, "--impact", "ningbo/five-have-five-good@2010", db=db_url)
    assert "0 gains, 0 loses, 0 changes, 5 same (nothing was changed)" in out
    assert dump(db_url) == before


def test_a_district_named_in_chinese_or_by_code_earns_its_reward(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    ok(
        "submit",
        NINGBO,
        str(evidence(tmp_path, "ningbo/jiangbei-certified.toml", "jb-zh", district="江北区")),
        "--on",
        "2010-12-01",
        db=db_url,
    )
    ok(
        "submit",
        NINGBO,
        str(evidence(tmp_path, "ningbo/yinzhou-certified.toml", "yz-code", district="330212")),
        "--on",
        "2010-12-01",
        db=db_url,
    )
    ok("assess", NINGBO, "--all", "--as-of", "2010-12-15", db=db_url)
    for sid in ("jb-zh", "yz-code"):
        ok("certify", NINGBO, sid, db=db_url)
    ledger = {e["subject"]: e["amount"] for e in json.loads(ok("ledger", "--format", "json", db=db_url))}
    assert ledger == {"jb-zh": "15000", "yz-code": "20000"}
    # The bytes stored are those submitted, district as written; the subject's district is stored as its code.
    from fivegood_core.register import Register
    from fivegood_core.register import schema as t

    with Register(db_url) as reg, reg._read() as conn:
        stored = conn.execute(t.submissions.select().where(t.submissions.c.subject_id == "jb-zh")).mappings().one()
        assert bytes(stored["content"]) == (tmp_path / "jb-zh.toml").read_bytes() and 'district = "江北区"'.encode() in bytes(
            stored["content"]
        )
    assert {r["id"]: r["district"] for r in dump(db_url)["subjects"]} == {"jb-zh": "330205", "yz-code": "330212"}
    # A district that is no district is bad input naming the nearest ones; nothing stored.
    before = dump(db_url)
    status, _, err = cli("submit", NINGBO, str(evidence(tmp_path, "ningbo/jiangbei-certified.toml", "bad", district="Jiangbie")), db=db_url)
    assert status == 2 and "Jiangbie" in err and "330205" in err
    assert dump(db_url) == before


def test_a_register_locked_by_another_postgresql_writer_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uuid

    import psycopg
    from register_helpers import _plain, _with_db, postgres_admin_url

    admin = _plain(postgres_admin_url())
    name = "fivegood_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _with_db(admin, name)
    try:
        ok("init", db=url)
        monkeypatch.setenv("FIVEGOOD_LOCK_TIMEOUT", "0.3")
        with psycopg.connect(url) as holder:  # another writer, mid-transaction, holding the writers' lock
            holder.execute("SELECT value FROM register_meta WHERE key = 'lock' FOR UPDATE")
            status, _, err = cli("submit", NINGBO, str(evidence(tmp_path, "ningbo/haishu-certified.toml", "h")), db=url)
            assert status == 2 and "locked by another process" in err and "Traceback" not in err
            holder.rollback()
        assert len(dump(url)["audit_log"]) == 1
        ok("submit", NINGBO, str(evidence(tmp_path, "ningbo/haishu-certified.toml", "h")), db=url)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_status_on_a_date_counts_only_what_had_happened_by_then(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    certify_round(db_url, tmp_path)  # submitted on 2010-12-01, certified on 2010-12-20
    before = json.loads(ok("status", NINGBO, "--as-of", "2010-11-01", "--format", "json", db=db_url))
    assert before == []  # nothing had been submitted yet
    between = {r["subject"]: r["status"] for r in json.loads(ok("status", NINGBO, "--as-of", "2010-12-05", "--format", "json", db=db_url))}
    assert set(between) == {sid for sid, _, _ in NINGBO_CHAMBERS} and set(between.values()) == {"submitted"}
    after = {r["subject"]: r["status"] for r in json.loads(ok("status", NINGBO, "--as-of", "2010-12-31", "--format", "json", db=db_url))}
    assert set(after.values()) == {"certified"}


def test_a_nomination_counts_from_its_date(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    ok("init", db=db_url)
    ok("nominate", HENAN, "lankao", "--name", "兰考县工商联", "--prefecture", "开封", "--on", "2013-02-20", db=db_url)
    assert json.loads(ok("status", HENAN, "--as-of", "2013-02-01", "--format", "json", db=db_url)) == []
    rows = json.loads(ok("status", HENAN, "--as-of", "2013-02-21", "--format", "json", db=db_url))
    assert [(r["subject"], r["status"]) for r in rows] == [("lankao", "nominated")]
