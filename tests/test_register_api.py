"""The register's Python API and what ships with it: migrations equal to the tables, impact of a new version,
exports, the engine without the register's libraries, and the docs walk-through."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from register_helpers import NINGBO, ROOT, cli, db_url, dump, evidence, ok  # noqa: F401

from fivegood_core import Engine, FolderPlugin, hookimpl


def test_migrations_create_exactly_the_tables_of_the_code(db_url: str) -> None:  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fivegood_core.register.db import create_engine, database_url
    from fivegood_core.register.schema import metadata

    ok("init", db=db_url)
    ok("init", db=db_url)  # a second init is an upgrade to the same revision: nothing to do
    eng = create_engine(database_url(db_url))
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    eng.dispose()
    assert diff == []
    assert [e["action"] for e in dump(db_url)["audit_log"]] == ["init"]


def test_impact_of_a_new_version_changes_nothing(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    from fivegood_core.register import Register, impact

    text = (ROOT / "standards/ningbo/five-have-five-good-2010.toml").read_text(encoding="utf-8")
    stricter = text.replace('version = "2010"', 'version = "2024"').replace(
        "effective_from = 2010-01-01\nsubject_kind", "effective_from = 2024-01-01\nsubject_kind"
    )
    # The new version wants at least 50 m² of premises: Haishu's 40 m² chamber would lose; its jiangbei-failed 0 m² stays failed.
    stricter = re.sub(r'(key = "office.area_m2"\nop = )">"\nvalue = 0', r'\1">="\nvalue = 50', stricter, count=1)
    assert "value = 50" in stricter
    # The draft is a new version of the same id: the 2010 version now ends where the draft begins.
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "five-have-five-good-2010.toml").write_text(
        text.replace(
            "effective_from = 2010-01-01\nsubject_kind", "effective_from = 2010-01-01\neffective_until = 2024-01-01\nsubject_kind"
        ),
        encoding="utf-8",
    )
    (folder / "five-have-five-good-2024.toml").write_text(stricter, encoding="utf-8")

    class NingboVocabulary:
        __name__ = "ningbo-vocabulary"

        @hookimpl
        def fivegood_vocabulary(self) -> list[Path]:
            return [ROOT / "plugins/fivegood_ningbo/vocabulary.toml"]

    engine = Engine.from_plugins([FolderPlugin(folder, "draft"), NingboVocabulary()])
    ok("init", db=db_url)
    with Register(db_url, engine=engine) as reg:
        for sid, example, district in [
            ("hs", "ningbo/haishu-certified.toml", None),
            ("jb", "ningbo/jiangbei-certified.toml", None),
            ("jf", "ningbo/jiangbei-failed.toml", None),
        ]:
            reg.submit(NINGBO, evidence(tmp_path, example, sid, district=district).read_bytes(), f"{sid}.toml", on=dt.date(2011, 1, 1))
            reg.assess(NINGBO, sid, as_of=dt.date(2011, 1, 1))
        before = dump(db_url)
        rows = {r["subject"]: r for r in impact(reg, NINGBO, "ningbo/five-have-five-good@2024", dt.date(2011, 1, 1))}
    assert dump(db_url) == before
    assert (
        rows["hs"]["change"] == "loses"
        and rows["hs"]["after"] == "fail"
        and rows["hs"]["after_standard"] == "ningbo/five-have-five-good@2024"
    )
    assert rows["hs"]["newly_failed"] == ["has-premises"] and "has-premises" in rows["hs"]["reasons"][0]
    assert rows["jf"]["change"] == "same"
    assert rows["jb"]["before"] == "pass"
    assert rows["jb"]["change"] == ("loses" if rows["jb"]["after"] == "fail" else "same")


def test_exports_csv_json_and_xlsx(tmp_path: Path) -> None:
    import openpyxl
    from test_register import certify_round

    db = str(tmp_path / "r.sqlite3")
    certify_round(db, tmp_path)
    data = json.loads(ok("export", "--format", "json", "--programme", NINGBO, "--as-of", "2011-01-01", db=db))
    assert set(data) >= {
        "subjects",
        "submissions",
        "assessments",
        "decisions",
        "rewards",
        "reward_events",
        "audit_log",
        "ledger",
        "status",
        "rollup",
    }
    assert sorted(e["amount"] for e in data["ledger"]) == ["15000", "15000", "20000", "20000"]
    # The assessments carry the engine's full result, re-readable as the engine's JSON.
    result = json.loads(data["assessments"][0]["result"])
    assert result["standard"]["id"] == "ningbo/five-have-five-good" and result["verdict"] == data["assessments"][0]["verdict"]
    csv_text = ok("export", "--format", "csv", "--table", "ledger", db=db)
    header = csv_text.splitlines()[0]
    assert header.startswith("主体 subject,活动 programme,奖励办法 scheme,金额 amount") and ",15000," in csv_text
    written = ok("export", "--format", "csv", "--output", str(tmp_path / "csv"), db=db).split()
    assert len(written) == 10 and (tmp_path / "csv/rewards.csv").exists()
    target = tmp_path / "register.xlsx"
    ok("export", "--format", "xlsx", "--output", str(target), "--programme", NINGBO, db=db)
    wb = openpyxl.load_workbook(target)
    assert {"subjects", "ledger", "status", "rollup", "audit_log"} <= set(wb.sheetnames)
    ledger = wb["ledger"]
    headers = [c.value for c in ledger[1]]
    assert "金额 amount" in headers and "支付单位 payer" in headers
    amounts = sorted(row[headers.index("金额 amount")] for row in ledger.iter_rows(min_row=2, values_only=True))
    assert amounts == ["15000", "15000", "20000", "20000"]  # text: no binary float in a federation's books
    status, _, err = cli("export", "--format", "xlsx", db=db)
    assert status == 2 and "--output" in err
    ok("ledger", "--format", "xlsx", "--output", str(tmp_path / "ledger.xlsx"), db=db)
    sheet = openpyxl.load_workbook(tmp_path / "ledger.xlsx")["ledger"]
    assert [c.value for c in sheet[1]][:4] == ["主体 subject", "活动 programme", "奖励办法 scheme", "金额 amount"] and sheet.max_row == 5
    status_csv = ok("status", NINGBO, "--format", "csv", db=db)
    assert status_csv.startswith("主体 subject,名称 name,") and status_csv.count("\n") == 6


def test_the_engine_works_without_the_register_libraries(tmp_path: Path) -> None:
    # Block the database libraries as if the extra were not installed: the engine and the CLI still work,
    # and a register command says which extra to install.
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\nfor m in ('sqlalchemy', 'alembic', 'psycopg', 'openpyxl'):\n    sys.modules[m] = None\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    code = "import fivegood_core, fivegood_core.cli, fivegood_core.register, fivegood_core.register.programmes as p; print(len(p.Programmes.from_entry_points().all()))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "3", run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "fivegood_core.cli", "register", "ledger", "--db", str(tmp_path / "x.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 2 and "fivegood[register]" in run.stderr and "Traceback" not in run.stderr


def test_the_wheel_ships_the_migrations_and_programmes(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0 and "hatchling" in run.stderr:
        run = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 0, run.stderr
    names = zipfile.ZipFile(next(tmp_path.glob("fivegood-*.whl"))).namelist()
    for wanted in [
        "fivegood_core/register/migrations/env.py",
        "fivegood_core/register/migrations/versions/0001_initial.py",
        "fivegood_core/register/migrations/script.py.mako",
        "fivegood_core/model/divisions.toml",
        "fivegood_henan/programmes/five-good-demonstration-sites-2013.toml",
        "fivegood_henan/programmes/five-guarantees-compliance-2013.toml",
        "fivegood_ningbo/programmes/five-have-five-good-chambers-2010.toml",
    ]:
        assert wanted in names


WALKTHROUGH = ROOT / "docs/register.md"


def walkthrough_commands() -> list[tuple[int, str, int]]:
    """The ```shell blocks of docs/register.md: each line a command, with `# exit N` when it must exit N."""
    text = WALKTHROUGH.read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"```shell\n(.*?)```", text, re.S):
        first = text[: m.start()].count("\n") + 2
        for i, line in enumerate(m.group(1).splitlines()):
            if line.startswith("fivegood "):
                want = re.search(r"#\s*exit (\d)", line)
                out.append((first + i, line.split("#")[0].strip(), int(want.group(1)) if want else 0))
    return out


def test_the_docs_walkthrough_runs_as_written(tmp_path: Path) -> None:
    # The walk-through is one Ningbo round, run in order in one folder (its register is the default file there).
    for name in ("examples",):
        (tmp_path / name).symlink_to(ROOT / name)
    commands = walkthrough_commands()
    assert len(commands) >= 12
    exe = str(Path(sys.executable).parent / "fivegood")
    env = {k: v for k, v in os.environ.items() if k != "FIVEGOOD_DB"} | {"FIVEGOOD_ACTOR": "docs"}
    for line, command, want in commands:
        args = shlex.split(command)
        run = subprocess.run([exe, *args[1:]], capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
        assert run.returncode == want, f"docs/register.md:{line}: {command}\nexit {run.returncode}\n{run.stdout}\n{run.stderr}"
        assert "Traceback" not in run.stderr
    assert (tmp_path / "fivegood-register.sqlite3").exists()


@pytest.mark.parametrize("section", ["--db URL", "FIVEGOOD_DB", "fivegood-register.sqlite3", "exit", "ledger"])
def test_the_docs_document_the_register(section: str) -> None:
    assert section in WALKTHROUGH.read_text(encoding="utf-8")


UPGRADE = '''"""A later schema, for the upgrade test: a nullable column, as a real upgrade would add one."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "LATEST"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subjects") as batch:
        batch.add_column(sa.Column("website", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subjects") as batch:
        batch.drop_column("website")
'''


def test_an_upgrade_keeps_every_row_and_is_audited(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    import shutil

    from fivegood_core.register import db
    from fivegood_core.register.schema import SCHEMA_REVISION

    assert db.known_revisions()[-1] == SCHEMA_REVISION
    from test_register import certify_round

    certify_round(db_url, tmp_path)
    before = dump(db_url)
    # This fivegood's code, with one more migration: as after installing a newer version.
    newer = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions/9999_website.py").write_text(UPGRADE.replace("LATEST", SCHEMA_REVISION), encoding="utf-8")
    monkeypatch.setattr(db, "MIGRATIONS", str(newer))
    status, _, err = cli("ledger", db=db_url)
    assert status == 2 and f"older schema revision '{SCHEMA_REVISION}'" in err and "register init" in err
    ok("init", db=db_url, actor="管理员")
    after = dump(db_url)
    upgrade_entry = after["audit_log"][-1]
    assert (upgrade_entry["action"], upgrade_entry["actor"]) == ("upgrade", "管理员") and f'"from":"{SCHEMA_REVISION}"' in upgrade_entry[
        "detail"
    ]
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    assert after["audit_log"][:-1] == before["audit_log"]
    assert ok("verify", db=db_url).startswith("ok:")
    assert len(json.loads(ok("ledger", "--format", "json", db=db_url))) == 4


def test_export_takes_dash_o_like_every_other_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    ok("init", db=url)
    ok("export", "--format", "json", "-o", str(tmp_path / "x.json"), db=url)
    assert set(json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))) >= {"subjects", "rewards"}
