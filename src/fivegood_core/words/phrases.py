"""Chinese for the messages the engine writes in English (being replaced by the catalogue in words/catalogue.py).

Errors are built in English (they name keys and types, which are written in
English). For ``--lang zh`` the command line passes each message through
:func:`to_chinese`, which rewrites the known shapes phrase by phrase and keeps
file names, keys and values as they are. A message of an unknown shape is left
in English rather than guessed at.
"""

from __future__ import annotations

import re

# Longer phrases first: each is replaced where it stands, so order matters.
_PHRASES: tuple[tuple[str, str], ...] = (
    ("expected a whole number ≥ 0", "应为不小于 0 的整数"),
    ("expected an area in m² ≥ 0", "应为不小于 0 的面积(平方米)"),
    ("expected an amount of yuan ≥ 0", "应为不小于 0 的金额(元)"),
    ("expected a number ≥ 0", "应为不小于 0 的数"),
    ("expected a year such as 2013", "应为年份,如 2013"),
    ("expected a date such as 2013-01-25 (unquoted)", "应为日期,如 2013-01-25(不加引号)"),
    ("expected a date such as 2014-01-01", "应为日期,如 2014-01-01"),
    ("expected true or false", "应为 true 或 false"),
    ("expected a list of names (strings)", "应为名称列表(字符串)"),
    ("expected a table of year → whole number ≥ 0", '应为"年份 → 不小于 0 的整数"表'),
    ("expected a table of evidence", "应为证据表"),
    ("expected a table", "应为表"),
    ("expected a string", "应为字符串"),
    ("expected a number", "应为数值"),
    ("expected a .toml or .json evidence file", "应为 .toml 或 .json 证据文件"),
    ("expected a .jsonl or .csv batch file", "应为 .jsonl 或 .csv 批量文件"),
    ("expected one of", "应为以下之一:"),
    (", got ", ",实际为 "),
    ("no such file", "文件不存在"),
    ("is a directory, expected an evidence file", "是目录,应为证据文件"),
    ("is not UTF-8 text", "不是 UTF-8 文本"),
    ("malformed TOML:", "TOML 格式错误:"),
    ("malformed JSON:", "JSON 格式错误:"),
    ("unknown evidence key", "未知证据字段"),
    ("not in the vocabulary", "不在字段表中"),
    ("did you mean", "是否应为"),
    ("unknown key in", "未知键,位于"),
    ("missing required key", "缺少必填键"),
    ("duplicate criterion id", "指标编号重复"),
    ("unknown check kind", "未知检查类型"),
    ("unknown metric", "未知计算指标"),
    ("requires unknown standard", "所依据的标准不存在"),
    ("requires cycle", "标准相互依据,形成循环"),
    ("unknown standard", "未知标准"),
    ("installed:", "已安装:"),
    ("has no version", "没有版本"),
    ("versions:", "版本:"),
    ("this standard applies to", "该标准适用于"),
    ("applies to", "适用于"),
    ("the evidence is for", "证据所属主体为"),
    ("nested deeper than", "嵌套层数超过"),
)
_NO_VERSION = re.compile(r"no version of (\S+) is in force on (\S+) \((.*)\)")


def to_chinese(message: str) -> str:
    """``message`` with its known English phrases in Chinese; file names, keys and values unchanged."""
    found = _NO_VERSION.search(message)
    if found:
        sid, day, spans = found.groups()
        message = message[: found.start()] + f"{sid} 在 {day} 没有生效的版本(版本:{spans})" + message[found.end() :]
    for english, chinese in _PHRASES:
        message = message.replace(english, chinese)
    return message
