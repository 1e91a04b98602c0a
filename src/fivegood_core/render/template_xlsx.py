"""The evidence template as an ``.xlsx`` workbook: one row per organisation, for federation staff who work in Excel.

Written from the same key list as the TOML template (:func:`.template.template_keys`).

Sheet ``evidence`` (证据):

- **row 1: the evidence keys**, the row a batch reads (``subject.id``,
  ``office.area_m2``, ``members.total_by_year.2012``); the subject's columns
  come first (id, name, the divisions the jurisdiction names, year);
- rows 2–4: each column's Chinese label, English label, and type and unit.
  Their first cell starts with ``# ``, which makes them comments the reader
  skips (:mod:`fivegood_core.batch.xlsx`);
- rows 5 onwards: one organisation per row.

Drop-downs: 是/否/yes/no for flags, the divisions the standard's jurisdiction
allows for ``subject.district`` and ``subject.prefecture`` (on the as-of
date, from :mod:`fivegood_core.model.divisions`; a hidden ``lists`` sheet
holds them); whole numbers ≥ 0 for counts and year-table cells, numbers ≥ 0
for money and areas, years between 1000 and 2999.

Sheet ``instructions`` (说明): how to fill the sheet in, year tables, and for
each key the criteria (standard, criterion id, threshold) and the articles
(citations) that read it.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from fivegood_core.batch.rows import _inert
from fivegood_core.batch.xlsx import column_letter, openpyxl
from fivegood_core.model.divisions import division_list
from fivegood_core.render.template import TemplateKey, template_keys

if TYPE_CHECKING:
    from fivegood_core.engine import Engine
    from fivegood_core.evaluation.compiled import CompiledStandard

#: The first row of organisations' data: after the key row and the three label rows.
FIRST_DATA_ROW = 5
#: The rows the drop-downs and number checks cover.
LAST_DATA_ROW = 5000
#: Year columns a year table gets: the as-of year and the four before it (more may be added).
YEARS = 5
#: What a flag cell's drop-down offers (the reader also takes true/false).
FLAG_CHOICES = ("是", "否", "yes", "no")

INSTRUCTIONS = [
    ("如何填写", "How to fill it in"),
    (
        "“evidence”(证据)表每行填写一个组织,从第 5 行起。第 1 行是键名,读取时据此识别各列,请勿修改;第 2–4 行以 # 开头,是中文、英文说明和类型单位,读取时跳过。",
        "Sheet 'evidence': one organisation per row, from row 5. Row 1 holds the keys the batch reads: do not change them. "
        "Rows 2–4 start with # (Chinese label, English label, type and unit) and are skipped when read.",
    ),
    (
        "不知道的留空:留空即未知,结论为“待补充”而不是“不达标”。",
        "Leave a cell blank when you do not know: blank is unknown, and the verdict is then 'incomplete' rather than 'fail'.",
    ),
    ("是非项填“是”或“否”(也可填 yes/no、TRUE/FALSE)。", "Flags: 是 or 否 (yes/no and TRUE/FALSE are read too)."),
    (
        "人数、次数为整数;金额以元计;面积以平方米计。名单类(如产业名称)用分号 ; 分隔。",
        "Counts are whole numbers; money is yuan; areas are m². Lists of names (industries…) are separated by ';'.",
    ),
    (
        "区县、省辖市从下拉列表选择;也可填代码(如 330205)、中文名(江北区)或拼音名(Jiangbei)。",
        "District and prefecture: choose from the drop-down, or write the code (330205), the Chinese name (江北区) or the romanised name (Jiangbei).",
    ),
    (
        "按年统计的表(如历年会员总数):每年一列,键名为“键.年份”,如 members.total_by_year.2012。"
        "需要更早或更晚的年份时,插入一列并在第 1 行写上相应键名。",
        "Year tables (members per year…): one column per year, keyed 'KEY.YEAR', e.g. members.total_by_year.2012. "
        "For another year, insert a column and write its key in row 1.",
    ),
    (
        "填好后运行:fivegood batch 文件.xlsx --standard 标准编号",
        "Then run: fivegood batch FILE.xlsx --standard ID",
    ),
]


def _columns(compiled: "CompiledStandard", keys: list[TemplateKey], engine: "Engine", on: dt.date) -> list[tuple[str, Any, str, str]]:
    """(key, vocabulary entry, Chinese label, English label) of every column, the subject's first."""
    d = compiled.defn
    subject = ["subject.id", "subject.name"]
    subject += [f"subject.{f}" for f in ("prefecture", "district") if division_list(d.jurisdiction, f, on) is not None]
    subject.append("subject.year")
    out = []
    for key in subject:
        entry = engine.vocabulary.get(key)
        assert entry is not None  # the engine's own vocabulary has every subject key
        out.append((key, entry, entry.label.zh, entry.label.en))
    for item in keys:
        e = item.entry
        if e.type.name == "by_year":
            for year in range(on.year - YEARS + 1, on.year + 1):
                out.append((f"{item.key}.{year}", e, f"{e.label.zh}({year}年)", f"{e.label.en} ({year})"))
        elif item.key.startswith("attest.") and item.uses and item.uses[0].title is not None:
            title = item.uses[0].title
            out.append((item.key, e, f"{e.label.zh}:{title.zh}", f"{e.label.en}: {title.en}"))
        else:
            out.append((item.key, e, e.label.zh, e.label.en))
    return out


def _kind(key: str, entry: Any) -> str:
    return "year_cell" if entry.type.name == "by_year" else str(entry.type.name)


def evidence_workbook(engine: "Engine", compiled: "CompiledStandard", on: dt.date) -> bytes:
    """The ``.xlsx`` evidence template of ``compiled`` (the version in force on ``on``), as the bytes of the file."""
    xl = openpyxl()
    validation = xl.worksheet.datavalidation.DataValidation
    d = compiled.defn
    keys = template_keys(engine, compiled, on)
    columns = _columns(compiled, keys, engine, on)

    book = xl.Workbook()
    ws = book.active
    ws.title = "evidence"
    ws.append([key for key, *_ in columns])
    ws.append([("# " if i == 0 else "") + _inert(zh) for i, (_, _, zh, _) in enumerate(columns)])
    ws.append([("# " if i == 0 else "") + _inert(en) for i, (_, _, _, en) in enumerate(columns)])
    units = []
    for i, (_, entry, _, _) in enumerate(columns):
        expected = entry.type.expected
        unit = entry.type.unit
        text = f"{expected.render('zh')} / {expected}" + (f"({unit.zh} / {unit.en})" if unit.en else "")
        if entry.type.name == "by_year":
            text = "整数 ≥ 0 / a whole number ≥ 0"
        elif entry.type.name == "flag":
            text = "是 / 否(yes / no)"
        elif entry.type.name == "names":
            text = "名称,以 ; 分隔 / names separated by ;"
        units.append(("# " if i == 0 else "") + text)
    ws.append(units)
    bold = xl.styles.Font(bold=True)
    grey = xl.styles.Font(italic=True, color="666666")
    for cell in ws[1]:
        cell.font = bold
    for row in (2, 3, 4):
        for cell in ws[row]:
            cell.font = grey
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)
    for index, (key, *_) in enumerate(columns, start=1):
        ws.column_dimensions[column_letter(index)].width = max(12, min(40, len(key) + 2))

    lists = book.create_sheet("lists")
    lists.sheet_state = "hidden"
    checks: dict[str, Any] = {}

    def check(kind: str) -> Any:
        if kind not in checks:
            if kind == "flag":
                dv = validation(type="list", formula1='"' + ",".join(FLAG_CHOICES) + '"', allow_blank=True)
                dv.error = "请选择 是 或 否 / choose yes or no"
            elif kind in ("count", "year_cell"):
                dv = validation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
                dv.error = "应为不小于 0 的整数 / a whole number ≥ 0"
            elif kind == "year":
                dv = validation(type="whole", operator="between", formula1="1000", formula2="2999", allow_blank=True)
                dv.error = "应为年份 / a year"
            else:  # amount, area
                dv = validation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
                dv.error = "应为不小于 0 的数 / a number ≥ 0"
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            checks[kind] = dv
        return checks[kind]

    list_column = 0
    for index, (key, entry, _, _) in enumerate(columns, start=1):
        letter = column_letter(index)
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"
        field = key.removeprefix("subject.")
        places = division_list(d.jurisdiction, field, on) if key in ("subject.district", "subject.prefecture") else None
        if places is not None:
            list_column += 1
            where = column_letter(list_column)
            for row, division in enumerate(places.divisions, start=1):
                lists.cell(row=row, column=list_column, value=division.zh)
            dv = validation(type="list", formula1=f"lists!${where}$1:${where}${max(len(places.divisions), 1)}", allow_blank=True)
            # Where the data lists every division, another name is refused; elsewhere it is only a warning.
            dv.showErrorMessage = True
            dv.errorStyle = "stop" if places.complete else "warning"
            dv.error = "请从列表中选择 / choose from the list"
            ws.add_data_validation(dv)
            dv.add(cells)
            continue
        kind = _kind(key, entry)
        if kind in ("flag", "count", "year_cell", "year", "amount", "area"):
            check(kind).add(cells)

    _instructions(book.create_sheet("instructions"), compiled, keys, on, bold)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _instructions(ws: Any, compiled: "CompiledStandard", keys: list[TemplateKey], on: dt.date, bold: Any) -> None:
    d = compiled.defn
    ws.append([_inert(f"{d.ref}  {d.title.zh} / {d.title.en}")])
    ws.append([f"说明 / instructions — 适用于 {on.isoformat()} 生效的版本 / the version in force on {on.isoformat()}"])
    ws["A1"].font = bold
    ws.append([])
    for zh, en in INSTRUCTIONS:
        ws.append([zh, en])
    ws.append([])
    head = ["键 key", "中文", "English", "类型 type", "单位 unit", "标准与指标 criteria", "条款 articles"]
    ws.append(head)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for item in keys:
        e = item.entry
        unit = f"{e.type.unit.zh} / {e.type.unit.en}" if e.type.unit.en else ""
        criteria = "\n".join(_inert(str(u)) for u in item.uses)
        articles = "\n".join(_inert(f"{u.criterion}: {u.citation}") for u in item.uses if u.citation)
        ws.append(
            [
                item.key,
                _inert(e.label.zh),
                _inert(e.label.en),
                f"{e.type.expected.render('zh')} / {e.type.expected}",
                unit,
                criteria,
                articles,
            ]
        )
    for letter, width in zip("ABCDEFG", (36, 24, 30, 30, 14, 50, 60)):
        ws.column_dimensions[letter].width = width
