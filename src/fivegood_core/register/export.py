"""Exporting the register: each table, the ledger, the status and the roll-up, as CSV, JSON or an ``.xlsx`` workbook.

A federation's staff work in spreadsheets, so the workbook has one sheet per
table and every header in Chinese and English (``金额 amount``). Money stays a
string of yuan in CSV and JSON; in the workbook it is a number cell holding
text too, the exact value, never a binary float.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from fivegood_core.register.errors import RegisterError
from fivegood_core.register.store import Register
from fivegood_core.words.catalogue import say

#: Headers in Chinese and English, by column name.
HEADERS = {
    "id": "编号",
    "name": "名称",
    "kind": "类别",
    "jurisdiction": "辖区",
    "prefecture": "省辖市",
    "district": "区县",
    "created": "创建时间",
    "created_by": "创建人",
    "programme": "活动",
    "programme_version": "活动版本",
    "subject_id": "主体",
    "subject": "主体",
    "nominated_by": "提名单位",
    "nominated_to": "报送单位",
    "nominated_on": "提名日期",
    "late": "逾期",
    "recorded": "登记时间",
    "recorded_by": "登记人",
    "filename": "文件名",
    "media_type": "格式",
    "content": "内容",
    "sha256": "SHA-256",
    "corrects": "更正",
    "submitted": "提交时间",
    "submitted_by": "提交人",
    "submission_id": "材料编号",
    "standard": "标准",
    "standard_version": "标准版本",
    "standard_hash": "标准哈希",
    "as_of": "评定日期",
    "verdict": "结论",
    "waived": "豁免",
    "result": "结果",
    "versions": "版本",
    "assessed": "评定时间",
    "assessed_by": "评定人",
    "assessment_id": "评定编号",
    "reason": "理由",
    "decided_on": "决定日期",
    "criterion": "指标",
    "approver": "批准人",
    "expires": "有效期至",
    "scheme": "奖励办法",
    "decision_id": "决定编号",
    "amount": "金额",
    "currency": "币种",
    "payer_zh": "支付单位",
    "payer_en": "支付单位(英文)",
    "payer": "支付单位",
    "basis": "依据",
    "reward_id": "奖励编号",
    "state": "状态",
    "reference": "支付凭证",
    "at": "时间",
    "by": "经办人",
    "seq": "序号",
    "actor": "操作人",
    "action": "操作",
    "detail": "内容",
    "prev_hash": "前一条哈希",
    "hash": "哈希",
    "nominated": "提名",
    "submissions": "材料数",
    "assessed_as_of": "评定日期",
    "decision": "决定",
    "status": "状态",
    "status_en": "状态(英文)",
    "status_zh": "状态(中文)",
    "code": "代码",
    "on_time": "按时",
    "total": "合计",
}

TABLES = ("subjects", "nominations", "submissions", "assessments", "decisions", "waivers", "rewards", "reward_events", "audit_log")


def header(column: str) -> str:
    """``中文 english`` for a column."""
    zh = HEADERS.get(column)
    return f"{zh} {column}" if zh else column


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return (
            value.get("zh", json.dumps(value, ensure_ascii=False)) if set(value) == {"zh", "en"} else json.dumps(value, ensure_ascii=False)
        )
    if isinstance(value, (list, tuple)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def sheets(reg: Register, programme: str | None = None, on: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every table, the ledger, and (with a programme) its status and roll-up groups: name → rows."""
    out: dict[str, list[dict[str, Any]]] = {name: reg.table(name) for name in TABLES}
    out["ledger"] = reg.ledger(programme)
    if programme:
        from fivegood_core.register.reports import rollup, status

        out["status"] = status(reg, programme, on)
        roll = rollup(reg, programme, on, rows=out["status"])
        out["rollup"] = [{"code": g["code"], "name": g["name"], "total": g["total"], **g["statuses"]} for g in roll["groups"]]
    return out


def to_csv(rows: list[dict[str, Any]]) -> str:
    """One table as CSV with bilingual headers."""
    columns: list[str] = []
    for r in rows:
        columns.extend(c for c in r if c not in columns)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([header(c) for c in columns])
    for r in rows:
        w.writerow(["" if r.get(c) is None else _cell(r.get(c)) for c in columns])
    return buf.getvalue()


def to_json(data: Any) -> str:
    """JSON with dates as ISO strings and money as strings of yuan."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_cell)


def to_xlsx(data: dict[str, list[dict[str, Any]]], path: str | Path) -> Path:
    """A workbook with one sheet per table, bilingual headers, frozen header row."""
    import importlib

    try:
        # Imported by name: openpyxl ships no type information, and its stubs are not a dependency worth adding.
        openpyxl: Any = importlib.import_module("openpyxl")
    except ImportError:  # pragma: no cover - only without the extra
        raise RegisterError(say("register.needs_openpyxl")) from None
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in data.items():
        ws = wb.create_sheet(title=name[:31])
        columns: list[str] = []
        for r in rows:
            columns.extend(c for c in r if c not in columns)
        ws.append([header(c) for c in columns])
        for r in rows:
            ws.append([_xlsx_cell(r.get(c)) for c in columns])
        ws.freeze_panes = "A2"
    target = Path(path)
    wb.save(target)
    return target


#: A spreadsheet cell holds at most 32,767 characters; a full assessment result can be longer.
XLSX_CELL_LIMIT = 32_000


def _xlsx_cell(value: Any) -> Any:
    # Money arrives as a string of yuan (ledger) or an exact Decimal (tables); both are written as text so no
    # spreadsheet turns them into binary floating point.
    cell = str(value) if isinstance(value, Decimal) else _cell(value)
    if isinstance(cell, str) and len(cell) > XLSX_CELL_LIMIT:
        return f"({len(cell)} characters: too long for a spreadsheet cell; see the JSON or CSV export)"
    return cell


def write_all(data: dict[str, list[dict[str, Any]]], directory: str | Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write each table as ``NAME.csv`` in ``directory``."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or data:
        target = folder / f"{name}.csv"
        target.write_text(to_csv(data[name]), encoding="utf-8")
        written.append(target)
    return written
