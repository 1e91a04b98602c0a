"""One catalogue of what fivegood says to people, in Chinese and English.

Every message the engine, the command line and the reports write has a
**code** here, with its English and Chinese text. Code that reports something
builds a :class:`Said` (``say("evidence.expected_table", got="list")``): the
code and its parameters (file names, keys, values, which are never
translated). Rendering picks the language at the last moment, so the same
error reads in English in JSON and logs and in Chinese on a terminal set to
``--lang zh``.

Why our own catalogue rather than stdlib ``gettext``: both languages are
needed in one process at once (a result carries both; the command line and a
web service choose per call, not per process as gettext's installed
translation does); the catalogue is plain Python, shipped in the wheel with no
``.po``/``.mo`` build step; and a unit test checks every entry has both
languages with the same placeholders, which gettext leaves to tooling.
Messages a third-party plugin writes may be plain strings: they read the same
in both languages.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from decimal import Decimal
from typing import Any, Mapping, Union

import attrs

#: code → (English, Chinese). Placeholders are ``{name}`` and must agree between the two.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- words of the command line and the reports -------------------------------------------
    "word.error": ("error", "错误"),
    "word.warning": ("warning", "警告"),
    "word.records": ("records", "条记录"),
    "word.summary": ("summary", "汇总"),
    "word.rewards": ("rewards", "奖励"),
    "word.valid": ("valid", "有效"),
    "word.open_ended": ("open-ended", "无期限"),
    "word.check_kind": ("check kind", "检查类型"),
    "word.metric": ("metric", "计算指标"),
    "word.reward_calculator": ("reward calculator", "奖励计算方式"),
    "word.a_value": ("a value", "值"),
    "cli.pass_rate": ("pass rate per criterion (of records where it was decided)", "各指标通过率(以有结论的记录计)"),
    "cli.no_changes": ("no differences", "无差异"),
    "cli.case_mismatch": ("{what}: expected {expected}, got {actual}", "{what}:应为 {expected},实际为 {actual}"),
    "cli.cases_tally": ("{passed} passed, {failed} failed", "{passed} 个通过,{failed} 个未通过"),
    "cli.next_steps": ('next: cd {root} && pip install -e ".[test]" && pytest', '下一步:cd {root} && pip install -e ".[test]" && pytest'),
    "cli.plugin_registered_directly": ("registered directly", "直接注册"),
    "cli.plugin_hooks": ("hooks", "钩子"),
    "cli.plugin_standards": ("standards", "标准"),
    "cli.bad_date": ("expected a date such as 2014-01-01, got {got}", "应为日期,如 2014-01-01,实际为 {got}"),
    "cli.bad_jobs": ("expected a whole number of processes ≥ 1, got {got}", "应为不小于 1 的进程数,实际为 {got}"),
    "cli.os_error": ("{file}: {error}", "{file}:{error}"),
    "cli.interrupted": ("interrupted; no output file was changed", "已中断;没有改动任何输出文件"),
    "cli.output_is_input": (
        "{output}: is also an input ({input}); write the output to another file so that no input is lost",
        "{output}:同时也是输入文件({input});请将输出写到另一个文件,以免丢失输入",
    ),
    "cli.cannot_write": ("{file}: cannot be written: {error}", "{file}:无法写入:{error}"),
    "cli.stdout_closed": ("standard output is closed; name a file with --output", "标准输出已关闭;请用 --output 指定文件"),
    "cli.no_such_file": ("{file}: no such file", "{file}: 文件不存在"),
    "cli.scheduler_and_jobs": (
        "--jobs and --scheduler exclude each other: the cluster's workers do the work",
        "--jobs 与 --scheduler 不能同时使用:由集群的工作节点完成计算",
    ),
    # --- reports: text, Markdown, HTML, JUnit, the batch dashboard -----------------------------
    "report.overall.pass": ("PASS", "达标"),
    "report.overall.fail": ("FAIL", "未达标"),
    "report.overall.incomplete": ("INCOMPLETE (evidence missing)", "证据不全,无法认定"),
    "report.subject": ("subject", "主体"),
    "report.as_of": ("as of", "评估日期"),
    "report.verdict": ("verdict", "结论"),
    "report.reward": ("reward", "奖励"),
    "report.missing": ("missing evidence", "缺少证据"),
    "report.gap": ("to pass", "差距"),
    # --- warnings: what a verdict or reward rests on beyond the evidence ---------------------------
    "warning.assumed_value": ("{where}: {name}{value} is assumed: {why}", "{where}:{name}{value}系推定:{why}"),
    "warning.assumed_criterion": ("{where} is assumed, not from an authoritative text: {how}", "{where}系推定,并非出自权威文本:{how}"),
    "warning.self_reported": (
        "{where} rests on a figure the organisation reports itself (self-reported): {observed}",
        "{where}依据的是组织自报的数字(自报):{observed}",
    ),
    "warning.waived": ("{where} is waived for this subject, not passed: {why}", "{where}对该主体豁免,并非达标:{why}"),
    "warning.unknown_section": ("unknown evidence section {section} ignored", "未知证据部分 {section},已忽略"),
    "warning.unknown_key": ("unknown evidence key {key} ignored", "未知证据字段 {key},已忽略"),
    "warning.unknown_key_close": (
        "unknown evidence key {key} ignored; did you mean {close}?",
        "未知证据字段 {key},已忽略;是否应为 {close}?",
    ),
    "cli.template_exists": (
        "{path}: exists already and may hold evidence someone filled in; choose another file, or add --force to replace it",
        "{path} 已存在,可能已填有证据;请另选文件,或加 --force 覆盖",
    ),
    "cli.count.pass": ("pass", "达标"),
    "cli.count.fail": ("fail", "未达标"),
    "cli.count.incomplete": ("incomplete", "证据不全"),
    "cli.count.error": ("error", "错误"),
    # --- readings of the documents (issue 11) ---------------------------------------------------
    "standard.no_such_part": ("{ref} has no top-level criterion {part} (it has: {parts})", "{ref} 没有顶层指标 {part}(现有:{parts})"),
    "evidence.other_jurisdiction": (
        "the standard applies in {jurisdiction}, the evidence is for {said}",
        "该标准适用于 {jurisdiction},证据所属地区为 {said}",
    ),
    "evidence.unknown_place": (
        "unknown {field} {value} in {jurisdiction}; expected a GB/T 2260 code, Chinese or romanised name (nearest: {nearest})",
        "{jurisdiction} 中没有 {field} {value};应为 GB/T 2260 代码、中文名或拼音名(最接近:{nearest})",
    ),
    "reward.unknown_place": (
        "unknown {field} {value} in {jurisdiction} (nearest: {nearest})",
        "{jurisdiction} 中没有 {field} {value}(最接近:{nearest})",
    ),
    "kind.parts_empty": ("expected at least one top-level criterion id, or no parts at all", "应至少列出一个顶层指标编号,或不设 parts"),
    "kind.part_twice": ("a part is listed twice", "有指标重复列出"),
    "field.texts": ('expected a table of name = { zh = "…", en = "…" }', '应为"名称 = { zh = "…", en = "…" }"表'),
    "field.text_name": (
        "expected names of lower-case letters, digits, '-' and '_', got {got}",
        "名称应由小写字母、数字、'-' 和 '_' 组成,实际为 {got}",
    ),
    "wording.joins_mixed": (
        "the text joins its requirements with {joins}, both 'any' (或) and 'all'; the alternatives need a group of their own",
        '原文以 {joins} 连接各项要求,既有"或"又有"并";其中的选择项应单独成组',
    ),
    "wording.joins_disagree": (
        "the text joins its requirements with {joins} ({kind} of them), the group is {group} (kind = {given})",
        "原文以 {joins} 连接各项要求({kind}),而该组为 {group}(kind = {given})",
    ),
    "report.warning": ("warning", "提示"),
    "report.not_counted": ("not counted", "不计入结论"),
    "report.basis": ("basis", "依据"),
    "report.column.citation": ("citation", "条款"),
    "report.column.criterion": ("criterion", "指标"),
    "report.column.observed": ("observed", "实际"),
    "report.column.threshold": ("threshold", "标准"),
    "report.column.reason": ("reason", "说明"),
    "report.verdict.pass": ("pass", "达标"),
    "report.verdict.fail": ("fail", "未达标"),
    "report.verdict.unknown": ("unknown", "缺证据"),
    "report.verdict.not_applicable": ("n/a", "不适用"),
    "report.verdict.advisory": ("advisory", "指导性"),
    "report.verdict.waived": ("waived", "豁免"),
    "report.waived": ("waived, not passed", "已豁免,并非达标"),
    "report.advisory.followed": ("followed", "已做到"),
    "report.advisory.not_followed": ("not followed", "未做到"),
    "report.advisory.not_known": ("not known", "情况不明"),
    "report.advisory.not_applicable": ("not applicable", "不适用"),
    "report.act.heading": ("To act on", "需要处理"),
    "report.act.failed": ("Failed", "未达标"),
    "report.act.unknown": ("Undecided: evidence missing", "证据不全,无法认定"),
    "report.act.short": ("short by", "差距"),
    "report.act.found": ("found {observed}, required {threshold}", "实际 {observed},要求 {threshold}"),
    "report.act.needs": ("needs {keys}", "需要 {keys}"),
    "report.act.nothing": ("Nothing to act on: every criterion that counts is met.", "无需处理:计入结论的各项均已达到。"),
    "report.act.all_criteria": ("All criteria", "全部指标"),
    "evaluation.unknown_waiver": ("waive: {ref} has no criterion {criterion}", "豁免:{ref} 没有指标 {criterion}"),
    "report.chart": ("Checks per dimension", "各维度检查结果"),
    "report.batch.pass_rate_district": ("Pass rate per district", "各区县通过率"),
    "report.batch.pass_rate_criterion": ("Pass rate per criterion", "各指标通过率"),
    "report.batch.district": ("district", "区县"),
    "report.batch.payer": ("payer", "支付方"),
    "report.batch.certified": ("certified", "认定数"),
    "report.batch.amount": ("amount", "金额"),
    "report.batch.title": ("{standard} — batch", "{standard} — 批量"),
    "report.show.assumed": (" (assumed)", "(假设)"),
    "report.show.reward": ("reward {id}: {payer} → {amount} ({applies_to})", "奖励 {id}:{payer} → {amount}({applies_to})"),
    "report.show.calculator": ("calculator {name}", "计算方式 {name}"),
    "report.show.applies_when": ("{kind} — applies when {keys} {rule}", "{kind} — 适用条件:{keys} {rule}"),
    "report.show.holds": ("holds", "成立"),
    # --- values: what an evidence key's type expects, and what was given ----------------------
    "value.expected_got": ("expected {expected}, got {got}", "应为{expected},实际为 {got}"),
    "value.expected_got_because": ("expected {expected}, got {got} ({detail})", "应为{expected},实际为 {got}({detail})"),
    "value.out_of_bounds": (
        "beyond what evidence accepts: below 10^15, with at most {places} decimal places",
        "超出证据可接受的范围:须小于 10^15,小数不超过 {places} 位",
    ),
    "value.control_characters": ("control characters are not text", "控制字符不是文本"),
    "type.count": ("a whole number ≥ 0", "不小于 0 的整数"),
    "type.amount": ("an amount of yuan ≥ 0", "不小于 0 的金额(元)"),
    "type.area": ("an area in m² ≥ 0", "不小于 0 的面积(平方米)"),
    "type.number": ("a number", "数值"),
    "type.number_at_least_zero": ("a number ≥ 0", "不小于 0 的数"),
    "type.rate": ("a rate as a decimal fraction (0.07 for 7%)", "以小数表示的比率(7% 写作 0.07)"),
    "type.flag": ("true or false", " true 或 false"),
    "type.text": ("a string", "字符串"),
    "type.year": ("a year such as 2013", "年份,如 2013"),
    "type.names": ("a list of names (strings)", "名称列表(字符串)"),
    "type.by_year": ("a table of year → whole number ≥ 0", '"年份 → 不小于 0 的整数"表'),
    "type.by_year_example": (
        "a table of year → whole number ≥ 0, such as {{2010 = 120, 2011 = 131}}",
        '"年份 → 不小于 0 的整数"表,如 {{2010 = 120, 2011 = 131}}',
    ),
    "vocabulary.type_clash": (
        "evidence key {key} is a {type} in {provider} but a {other_type} in {other_provider}",
        "证据字段 {key} 在 {provider} 中为 {type},在 {other_provider} 中却为 {other_type}",
    ),
    # --- reading standard files: TOML and the fields of its tables ------------------------------
    "toml.malformed": ("malformed TOML: {detail}", "TOML 格式错误:{detail}"),
    "toml.nested_too_deeply": ("nested too deeply", "嵌套过深"),
    "toml.too_many_digits": ("a number with more digits than any standard or evidence needs", "数字位数超出任何标准或证据所需"),
    "source.too_large": ("is larger than {limit} bytes; not a standard", "大于 {limit} 字节;不是标准文件"),
    "field.invalid": ("{problem}, got {got}", "{problem},实际为 {got}"),
    "field.non_empty_string": ("expected a non-empty string", "应为非空字符串"),
    "field.text": ('expected a table {{ zh = "…", en = "…" }} with both languages', '应为含两种语言的表 {{ zh = "…", en = "…" }}'),
    "field.date": ("expected a date such as 2013-01-25 (unquoted)", "应为日期,如 2013-01-25(不加引号)"),
    "field.bool": ("expected true or false", "应为 true 或 false"),
    "field.whole_number": ("expected a whole number", "应为整数"),
    "field.whole_number_bounded": ("expected a whole number below 10^15", "应为小于 10^15 的整数"),
    "field.number_bounded": (
        "expected a finite number below 10^15 with at most {places} decimal places",
        "应为小于 10^15、小数不超过 {places} 位的有限数",
    ),
    "field.version": (
        "expected a version label of letters, digits, '.', '-' and '_', such as \"2013\"",
        "应为由字母、数字、'.'、'-' 和 '_' 组成的版本号,如 \"2013\"",
    ),
    "field.number": ("expected a number", "应为数值"),
    "field.one_of": ("expected one of {options}", "应为以下之一:{options}"),
    "field.evidence_key": ('expected an evidence key such as "office.area_m2"', '应为证据字段,如 "office.area_m2"'),
    "field.unknown_evidence_key": ("unknown evidence key {key}: not in the vocabulary{hint}", "未知证据字段 {key}:不在字段表中{hint}"),
    "field.did_you_mean": ("; did you mean {name}?", ";是否应为 {name}?"),
    "field.evidence_keys": ("expected a non-empty list of evidence keys", "应为非空的证据字段列表"),
    "field.id": ("expected an id of lower-case letters, digits, '-' and '_'", "应为由小写字母、数字、'-' 和 '_' 组成的编号"),
    "field.standard_id": (
        'expected a standard id such as "henan/five-guarantees", optionally with @VERSION',
        '应为标准编号,如 "henan/five-guarantees",可带 @版本',
    ),
    "field.table": ("expected a table", "应为表"),
    "field.strings": ("expected a list of strings", "应为字符串列表"),
    "field.expected_table": ("expected a {what}, got {got}", "应为{what},实际为 {got}"),
    "field.unknown_key": ("unknown key in {what}{hint} (allowed: {allowed})", "未知键,位于{what}{hint}(允许:{allowed})"),
    "field.missing": ("missing required key {name} ({doc})", "缺少必填键 {name}({doc})"),
    "table.table": ("table", "表"),
    "table.standard": ("[standard] table", " [standard] 表"),
    "table.criterion": ("criterion", "指标"),
    "table.criterion_of_kind": ("criterion of kind {kind}", " {kind} 类型的指标"),
    "table.reward": ("[[reward]] table", " [[reward]] 表"),
    "table.vocabulary_entry": ("vocabulary entry", "字段表条目"),
    "table.case": ("[[case]]", " [[case]] "),
    # --- reading standard files: the standard, its criteria, rewards and overlays ---------------
    "standard.unknown_top_level_key": (
        "unknown top-level key (expected [standard], [[criterion]], [[reward]])",
        "未知的顶层键(应为 [standard]、[[criterion]]、[[reward]])",
    ),
    "standard.missing_table": ("missing the [standard] table", "缺少 [standard] 表"),
    "standard.until_before_from": ("must be after effective_from", "应晚于 effective_from"),
    "standard.extends_unpinned": (
        "expected a pinned base, ID@VERSION, so the overlay cannot change under it",
        "应为固定版本的基础标准 ID@VERSION,以免所叠加的标准随之变化",
    ),
    "standard.no_criteria": ("a standard needs at least one [[criterion]]", "标准至少需要一个 [[criterion]]"),
    "standard.criterion_tables": ("expected [[criterion]] tables", "应为 [[criterion]] 表"),
    "standard.unknown_kind": ("unknown check kind {kind} (known: {known})", "未知检查类型 {kind}(已知:{known})"),
    "criterion.missing_id": ("missing required key 'id'", "缺少必填键 'id'"),
    "criterion.duplicate_id": ("duplicate criterion id {id}", "指标编号重复 {id}"),
    "criterion.parent_not_yet_defined": (
        "unknown parent {parent}: a parent must be defined before its children",
        "未知上级指标 {parent}:上级指标须在其下级之前定义",
    ),
    "criterion.parent_not_group": ("parent {parent} is a {kind} check, not a group", "上级指标 {parent} 是 {kind} 检查,不是分组"),
    "criterion.too_deep": ("criteria nested deeper than {depth} levels", "指标嵌套层数超过 {depth} 层"),
    "criterion.group_without_children": (
        "a {kind} group needs at least one child (parent = {id})",
        "{kind} 分组至少需要一个下级指标(parent = {id})",
    ),
    "reward.tables": ("expected [[reward]] tables", "应为 [[reward]] 表"),
    "reward.unknown_calculator": ("unknown reward calculator {name} (known: {known})", "未知奖励计算方式 {name}(已知:{known})"),
    "reward.amount": ("expected an amount ≥ 0", "应为不小于 0 的金额"),
    "reward.calculator_needs": ("calculator {name} needs {param}", "计算方式 {name} 需要 {param}"),
    "reward.applies_to": (
        "expected subject fields ({fields}) with string values, got {got}",
        "应为取值为字符串的主体字段({fields}),实际为 {got}",
    ),
    "reward.duplicate_id": ("duplicate reward id {id}", "奖励编号重复 {id}"),
    "overlay.needs_criterion": (
        "an overlay needs at least one [[criterion]] with overlay = …",
        "叠加标准至少需要一个带 overlay = … 的 [[criterion]]",
    ),
    "overlay.unknown_op": ("expected one of {options} in an overlay, got {got}", "叠加中应为以下之一:{options},实际为 {got}"),
    "overlay.drop_takes_only": ("a drop takes only id and overlay", "drop 只接受 id 和 overlay"),
    "overlay.no_such_criterion": ("{op}s criterion {id}, which {base} does not have", "{op} 指标 {id},但 {base} 中没有该指标"),
    "overlay.already_has": ('{base} already has {id}; use overlay = "replace"', '{base} 已有 {id};请用 overlay = "replace"'),
    "overlay.unknown_parent": ("unknown parent {parent} in {base}", "{base} 中没有上级指标 {parent}"),
    "overlay.parent_not_group": ("parent {parent} is not a group", "上级指标 {parent} 不是分组"),
    "overlay.no_field_to_tighten": (
        "a {kind} criterion has no field {field} to tighten (fields: {fields})",
        "{kind} 指标没有可收紧的字段 {field}(字段:{fields})",
    ),
    "vocabulary.only_keys_tables": ('expected only [keys."section.name"] tables', '应只含 [keys."section.name"] 表'),
    "vocabulary.key_name": ("expected a dotted key of lower-case names, e.g. office.area_m2", "应为以点分隔的小写名称,如 office.area_m2"),
    "vocabulary.unknown_type": ("unknown type {type} (known: {known})", "未知类型 {type}(已知:{known})"),
    # --- check kinds: building a criterion's check ----------------------------------------------
    "kind.metric_unknown_arguments": (
        "unknown argument(s) {args} for metric {name} (allowed: {allowed})",
        "计算指标 {name} 的参数 {args} 未知(允许:{allowed})",
    ),
    "kind.metric_needs_key": ("expected an evidence key for {name}", "{name} 应为证据字段"),
    "kind.key_wrong_type": ("{key} is a {type}, expected a {expected}", "{key} 的类型为 {type},应为 {expected}"),
    "kind.years_at_least_one": ("expected a whole number of years ≥ 1", "应为不小于 1 的整年数"),
    "kind.when_shape": (
        'expected {{ key = "…", expect = true|false }} or {{ key = "…", op = ">=", value = N }}',
        '应为 {{ key = "…", expect = true|false }} 或 {{ key = "…", op = ">=", value = N }}',
    ),
    "kind.when_unknown_key": ("unknown evidence key {key} in the condition", "条件中的证据字段 {key} 未知"),
    "kind.when_lacks": ("the condition lacks {what}", "条件缺少 {what}"),
    "kind.when_single_check": ("a condition must be a single check", "条件须为单个检查"),
    "kind.not_a_flag": ("{key} is not a flag", "{key} 不是 true/false 字段"),
    "kind.at_least_one": ("expected at least 1", "应不小于 1"),
    "kind.key_or_metric": ("give exactly one of 'key' or 'metric'", "'key' 与 'metric' 须且只能给出其一"),
    "kind.args_without_metric": ("'args' goes with 'metric', not with 'key'", "'args' 须与 'metric' 同用,不能与 'key' 同用"),
    "kind.key_not_a_number": (
        "{key} is a {type}, not a number; use a flag, coverage or growth check",
        "{key} 的类型为 {type},不是数值;请用 flag、coverage 或 growth 检查",
    ),
    "kind.unknown_metric": ("unknown metric {name} (known: {known})", "未知计算指标 {name}(已知:{known})"),
    "kind.key_not_a_flag": ("{key} is a {type}, not a flag", "{key} 的类型为 {type},不是 true/false 字段"),
    "kind.not_a_year_table": ("{key} is not a year → value table", '{key} 不是"年份 → 数值"表'),
    "kind.at_least_one_year": ("expected at least 1 year", "应至少为 1 年"),
    "kind.not_a_list_of_names": ("{key} is not a list of names", "{key} 不是名称列表"),
    # --- evidence: files, their structure and the values in them ---------------------------------
    "evidence.no_such_file": ("no such file", "文件不存在"),
    "evidence.is_a_directory": ("is a directory, expected an evidence file", "是目录,应为证据文件"),
    "evidence.too_large": ("is larger than {limit} bytes; at most {limit} are accepted", "大于 {limit} 字节;最多接受 {limit} 字节"),
    "evidence.given_twice_in_table": ("is given twice in the same table", "在同一个表中重复给出"),
    "evidence.subject_name": (
        "expected a non-empty line of text (at most {limit} characters, no control characters)",
        "应为非空的一行文字(至多 {limit} 个字符,不含控制字符)",
    ),
    "file.not_utf8": ("is not UTF-8 text (byte {byte})", "不是 UTF-8 文本(第 {byte} 字节)"),
    "evidence.file_type": ("expected a .toml or .json evidence file", "应为 .toml 或 .json 证据文件"),
    "evidence.malformed_json_at": ("malformed JSON: {detail} (column {column})", "JSON 格式错误:{detail}(第 {column} 列)"),
    "evidence.malformed_json": ("malformed JSON: {detail}", "JSON 格式错误:{detail}"),
    "evidence.json_not_an_object": ("expected a JSON object (a table of evidence), got {got}", "应为 JSON 对象(证据表),实际为 {got}"),
    "evidence.value_and_table": ("is both a value and a table", "既是值又是表"),
    "evidence.given_twice": ("is given twice", "重复给出"),
    "evidence.too_many_values": ("more than {limit} values; not evidence of one organisation", "超过 {limit} 个值;不是一个组织的证据"),
    "evidence.too_deep": ("nested deeper than {depth} levels", "嵌套层数超过 {depth} 层"),
    "batch.not_utf8_file": (
        "is {encoding} text; expected UTF-8 (save it as UTF-8 and try again)",
        "是 {encoding} 文本;应为 UTF-8(请另存为 UTF-8 后重试)",
    ),
    "batch.line_too_long": (
        "the line is longer than {limit} bytes; not one organisation's evidence",
        "该行超过 {limit} 字节;不是一个组织的证据",
    ),
    "batch.line_not_utf8": ("is not UTF-8 text (byte {byte} of the line)", "不是 UTF-8 文本(该行第 {byte} 字节)"),
    "batch.csv_unreadable": ("cannot be read as CSV: {error}", "无法按 CSV 读取:{error}"),
    "batch.csv_header_unreadable": ("the header cannot be read as CSV: {error}", "表头无法按 CSV 读取:{error}"),
    "batch.column_twice": (
        "the column appears twice in the header; which value counts would be a guess",
        "该列在表头中出现两次;无法确定以哪个值为准",
    ),
    "batch.quote_runs_over": (
        "a quoted cell runs from line {start} to line {end}; is a quote unbalanced?",
        "带引号的单元格从第 {start} 行延续到第 {end} 行;是否引号不配对?",
    ),
    "batch.too_many_cells": ("the row has {cells} cells, the header {header}", "该行有 {cells} 个单元格,表头只有 {header} 个"),
    "batch.cell_not_utf8": ("is not UTF-8 text", "不是 UTF-8 文本"),
    "batch.cannot_send": (
        "{ref} cannot be sent to worker processes ({error}); run it in one process (--jobs 1, no --scheduler)",
        "{ref} 无法发送给工作进程({error});请在单个进程中运行(--jobs 1,不用 --scheduler)",
    ),
    "batch.worker_stopped": (
        "a worker process stopped or could not start while evaluating {ref}; run with --jobs 1 to see why",
        "评估 {ref} 时有工作进程中止或无法启动;请用 --jobs 1 运行以查看原因",
    ),
    "batch.file_type": ("expected a .jsonl, .csv, .parquet or .xlsx batch file", "应为 .jsonl、.csv、.parquet 或 .xlsx 批量文件"),
    "xlsx.needs_openpyxl": (
        "spreadsheets (.xlsx) need openpyxl: pip install 'fivegood[xlsx]' (the register extra includes it)",
        "读写电子表格(.xlsx)需要 openpyxl:pip install 'fivegood[xlsx]'(register 扩展已包含)",
    ),
    "xlsx.not_a_workbook": (
        "is not an .xlsx workbook (not a zip archive); save it from the spreadsheet as Excel Workbook (.xlsx)",
        "不是 .xlsx 工作簿(不是 zip 压缩包);请在电子表格软件中另存为 Excel 工作簿(.xlsx)",
    ),
    "xlsx.unreadable": ("cannot be read as an .xlsx workbook: {error}", "无法按 .xlsx 工作簿读取:{error}"),
    "xlsx.too_big": (
        "the workbook would unpack to more than {limit} bytes, or a part of it is compressed more than {ratio} to 1; refused",
        "该工作簿解压后超过 {limit} 字节,或其中某部分压缩比超过 {ratio} 比 1;拒绝读取",
    ),
    "xlsx.too_wide": ("the key row has {columns} columns; at most {limit} are read", "键名行有 {columns} 列;最多读取 {limit} 列"),
    "xlsx.too_long": ("the sheet has more than {limit} rows", "该工作表超过 {limit} 行"),
    "xlsx.formula_without_value": (
        "a formula with no saved value ({formula}): open the workbook in a spreadsheet program and save it, so that its values are saved",
        "公式没有保存的计算结果({formula}):请用电子表格软件打开并保存该工作簿,以保存其计算结果",
    ),
    "xlsx.cell_without_key": (
        "a cell to the right of the last key of the first row; which key is it?",
        "该单元格位于首行最后一个键名的右侧;它属于哪个键?",
    ),
    "xlsx.needs_output": (
        "--format xlsx writes a binary workbook: give --output FILE.xlsx (or redirect standard output to a file)",
        "--format xlsx 输出二进制工作簿:请给出 --output FILE.xlsx(或将标准输出重定向到文件)",
    ),
    "batch.parquet_needs_pyarrow": (
        "reading Parquet needs pyarrow: pip install 'fivegood[distributed]'",
        "读取 Parquet 需要 pyarrow:pip install 'fivegood[distributed]'",
    ),
    "batch.parquet_unreadable": ("cannot be read as Parquet: {error}", "无法按 Parquet 读取:{error}"),
    "batch.needs_extra": (
        "this needs {module}: pip install 'fivegood[distributed]'",
        "此功能需要 {module}:pip install 'fivegood[distributed]'",
    ),
    "batch.scheduler_unreachable": ("cannot reach the Dask scheduler at {address}: {error}", "无法连接 {address} 上的 Dask 调度器:{error}"),
    "batch.worker_version": (
        "a Dask worker has fivegood {worker}, this client {client}: install the same version on every worker",
        "Dask 工作节点上的 fivegood 版本为 {worker},本客户端为 {client}:请在每个工作节点上安装相同版本",
    ),
    # --- evaluation: which version, and whether the evidence fits the standard -----------------
    "standard.unknown": ("unknown standard {id} (installed: {known})", "未知标准 {id}(已安装:{known})"),
    "standard.no_such_version": ("{id} has no version {version} (versions: {versions})", "{id} 没有版本 {version}(版本:{versions})"),
    "standard.not_in_force": ("no version of {id} is in force on {on} ({spans})", "{id} 在 {on} 没有生效的版本(版本:{spans})"),
    "evidence.for_another_subject": (
        "this standard applies to {expected}, the evidence is for {found}",
        "该标准适用于 {expected},证据所属主体为 {found}",
    ),
    "evidence.for_another_subject_of": (
        "{ref} applies to {expected}, the evidence is for {found}",
        "{ref} 适用于 {expected},证据所属主体为 {found}",
    ),
    "evidence.expected_table_of_evidence": ("expected a table of evidence, got {got}", "应为证据表,实际为 {got}"),
    "evidence.expected_table": ("expected a table, got {got}", "应为表,实际为 {got}"),
    "batch.worker_other_standard": (
        "a batch worker evaluates only the standard it was given, not {ref}",
        "批量处理进程只评估交给它的标准,而不是 {ref}",
    ),
    # --- plugins and the catalogue --------------------------------------------------------------
    "plugin.not_installed": (
        "plugin {name} is named in FIVEGOOD_PLUGINS but not installed (installed: {installed})",
        "FIVEGOOD_PLUGINS 中的插件 {name} 未安装(已安装:{installed})",
    ),
    "plugin.failed_to_load": ("plugin {name} ({value}) failed to load: {error}", "插件 {name}({value})加载失败:{error}"),
    "plugin.option_refused": (
        "plugin {name}: hook {hook} is marked {options}; "
        "fivegood calls each plugin's hook on its own, so ordering and wrapper options are refused",
        "插件 {name}:钩子 {hook} 标记为 {options};fivegood 单独调用每个插件的钩子,因此不接受排序和包装选项",
    ),
    "plugin.hook_raised": ("plugin {name}: hook {hook} raised {error}", "插件 {name}:钩子 {hook} 出错:{error}"),
    "plugin.hook_returned": ("plugin {name}: hook {hook} returned {got}, expected a list", "插件 {name}:钩子 {hook} 返回了 {got},应为列表"),
    "plugin.problem": ("plugin {name}: {problem}", "插件 {name}:{problem}"),
    "catalogue.defined_twice": (
        "{what} {name} is defined by both {owner} and {provider}",
        "{what} {name} 同时由 {owner} 和 {provider} 定义",
    ),
    "catalogue.vocabulary_unreadable": ("vocabulary cannot be read: {error}", "字段表无法读取:{error}"),
    "catalogue.source_unreadable": ("standard source cannot be read: {error}", "标准来源无法读取:{error}"),
    "catalogue.problem": ("{problem}", "{problem}"),
    "catalogue.another_plugin": ("another plugin", "另一个插件"),
    "catalogue.source_of_plugin": ("{source} (plugin {plugin})", "{source}(插件 {plugin})"),
    "catalogue.version_defined_twice": ("{ref} is also defined in {other}; neither is used", "{ref} 也在 {other} 中定义;两者均不使用"),
    "catalogue.extends_unknown": ("extends unknown standard {ref}", "所扩展的标准 {ref} 不存在"),
    "catalogue.versions_overlap": (
        "{ref} from {start} overlaps {other} ({other_start} until {until}); set effective_until on {other}",
        "{ref} 自 {start} 起与 {other}({other_start} 至 {until})重叠;请为 {other} 设置 effective_until",
    ),
    "catalogue.requires_unknown": ("requires unknown standard {ref}", "所依据的标准 {ref} 不存在"),
    "catalogue.requires_cycle": ("requires cycle: {cycle}", "标准相互依据,形成循环:{cycle}"),
    "catalogue.internal_error": (
        "cannot be loaded: fivegood met an internal error ({error}); please report it",
        "无法加载:fivegood 内部出错({error});请报告此问题",
    ),
    "file.unreadable": ("cannot be read: {error}", "无法读取:{error}"),
    "wording.unread": (
        "the text {text} states no comparison and number that can be read, and the criterion gives no interpretation",
        "原文 {text} 中没有可读出的比较和数值,指标也未给出解释",
    ),
    "wording.disagrees": (
        "the text says {phrase} ({op} {stated}), the check is {check}",
        "原文为 {phrase}({op} {stated}),检查却是 {check}",
    ),
    # --- example cases (*.cases.toml) ------------------------------------------------------------
    "cases.unknown_top_level_key": ("unknown top-level key (expected standard and [[case]])", "未知的顶层键(应为 standard 和 [[case]])"),
    "cases.no_standard": ('no standard: set standard = "…" at the top or in the case', '没有标准:请在文件开头或案例中设置 standard = "…"'),
    "cases.evidence_or_sample": ("give exactly one of evidence or sample", "evidence 与 sample 须且只能给出其一"),
    "cases.reward": ('expected "none" or an amount such as "15000", got {got}', '应为 "none" 或金额,如 "15000",实际为 {got}'),
    "cases.sample": ("{error}", "{error}"),
    "cases.one_of": ("expected one of {options}, got {got}", "应为以下之一:{options},实际为 {got}"),
    "cases.verdict": (
        "expected pass, fail, unknown, not_applicable or advisory, got {got}",
        "应为 pass、fail、unknown、not_applicable 或 advisory,实际为 {got}",
    ),
    # --- the plugin scaffold (fivegood new-plugin) -----------------------------------------------
    "scaffold.plugin_name": (
        "plugin name {name}: expected lower-case letters, digits and '_', starting with a letter",
        "插件名称 {name}:应由小写字母、数字和 '_' 组成,并以字母开头",
    ),
    "scaffold.standard_name": (
        "standard name {name}: expected lower-case letters, digits, '-' and '_'",
        "标准名称 {name}:应由小写字母、数字、'-' 和 '_' 组成",
    ),
    "scaffold.name_taken": (
        "plugin name {name}: {reason}; installing the new package would replace it, so choose another name",
        "插件名称 {name}:{reason};安装新包会将其替换,请另选名称",
    ),
    "scaffold.taken_core": ("fivegood_core is fivegood's own package", "fivegood_core 是 fivegood 自身的包"),
    "scaffold.taken_package": ("a package {package} is installed already", "已安装名为 {package} 的包"),
    "scaffold.taken_plugin": ("an installed plugin has that name", "已有同名的已安装插件"),
    "scaffold.exists": ("{root}: already exists; choose another name or folder", "{root}:已存在;请换一个名称或文件夹"),
    # --- register -------------------------------------------------------------------------------
    "register.as_is": ("{error}", "{error}"),
    "register.refused": ("refused by rule {rule}: {detail}", "按规则 {rule} 拒绝:{detail}"),
    "register.refused.cited": ("refused by rule {rule}: {detail} (「{citation}」)", "按规则 {rule} 拒绝:{detail}(「{citation}」)"),
    "register.refused.reward_once": (
        "{subject} already has this reward (created by a certification at the same moment)",
        "{subject} 已有此项奖励(由同一时刻的认定创建)",
    ),
    "register.refused.nominated": ("{subject} is already nominated", "{subject} 已被推荐"),
    "register.refused.nominated_to": ("{subject} is already nominated to {programme}", "{subject} 已被推荐参加 {programme}"),
    "register.refused.reward_state_once": ("this reward already reached that state", "此项奖励已处于该状态"),
    "register.refused.serial": ("another change was written at the same moment; try again", "同一时刻另有改动写入;请重试"),
    "register.refused.identity": (
        "{subject} is registered as a {kind} of {jurisdiction}, not a {new_kind} of {new_jurisdiction}",
        "{subject} 登记为 {jurisdiction} 的 {kind},而不是 {new_jurisdiction} 的 {new_kind}",
    ),
    "register.refused.place": (
        "{subject} is registered in {field} {registered}, not {given}",
        "{subject} 登记的 {field} 为 {registered},而不是 {given}",
    ),
    "register.refused.no_nominations": (
        "{programme} takes no nominations ({subject} takes part by submitting evidence)",
        "{programme} 不接受推荐({subject} 通过提交证据参加)",
    ),
    "register.refused.nominator": (
        "{subject} is in {by} {body}; only that {by}'s federation nominates it, not {given}",
        "{subject} 属于 {by} {body};只能由该 {by} 的工商联推荐,而不是 {given}",
    ),
    "register.refused.quota": (
        "{by} {body} has already nominated {count} of at most {max} to {programme}; {subject} would be one more",
        "{by} {body} 已向 {programme} 推荐 {count} 个(至多 {max} 个);{subject} 将超出名额",
    ),
    "register.refused.deadline": ("nominations were due by {date}; this one is dated {on}", "推荐截止日期为 {date};本次推荐日期为 {on}"),
    "register.refused.not_nominated": (
        "{subject} is not nominated to {programme}; only nominated subjects submit evidence",
        "{subject} 未被推荐参加 {programme};只有被推荐的对象才能提交证据",
    ),
    "register.refused.no_evidence": ("{subject} has submitted no evidence to {programme}", "{subject} 未向 {programme} 提交任何证据"),
    "register.refused.decided": (
        "{subject} is already {decided} in {programme} (decision #{decision} of {on})",
        "{subject} 在 {programme} 中已{decided}({on} 的第 {decision} 号决定)",
    ),
    "register.refused.not_passing": (
        "{subject} cannot be {decided}: {what}; only a passing assessment is {decided}",
        "{subject} 不能{decided}:{what};只有评估通过才能{decided}",
    ),
    "register.refused.nothing_to_revoke": (
        "{subject} is not {decided} in {programme}; there is nothing to revoke",
        "{subject} 在 {programme} 中未{decided};没有可撤销的内容",
    ),
    "register.refused.reward_state": (
        "the {scheme} reward of {subject} is {state}; it can be {to} only when {allowed}",
        "{subject} 的 {scheme} 奖励状态为 {state};只有在 {allowed} 时才能改为 {to}",
    ),
    "register.past.certify": ("certified", "认定"),
    "register.past.designate": ("designated", "命名"),
    "register.past.refuse": ("refused", "拒绝"),
    "register.past.revoke": ("revoked", "撤销"),
    "register.no_assessment": ("no assessment of its latest evidence", "其最新证据尚未评估"),
    "register.latest_assessment": ("its latest assessment (#{id}) is {verdict}", "其最新评估(第 {id} 号)结果为 {verdict}"),
    "register.no_register": (
        "there is no register at {path}; create one with `fivegood register init`",
        "{path} 处没有登记库;请用 `fivegood register init` 创建",
    ),
    "register.unknown_subject": (
        "unknown subject {subject}: nominate it or submit its evidence first",
        "未知对象 {subject}:请先推荐或提交其证据",
    ),
    "register.subject_field": ("subject {subject}: {field}: {error}", "对象 {subject}:{field}:{error}"),
    "register.nominator_required": (
        "subject {subject}: the {by} that nominates it is required (--{by})",
        "对象 {subject}:须写明推荐它的 {by}(--{by})",
    ),
    "register.subject_id": (
        "{file}: subject.id: expected the subject's id (a string) in the [subject] table",
        "{file}:subject.id:[subject] 表中应有对象的 id(字符串)",
    ),
    "register.subject_kind": (
        "{file}: subject.kind: {programme} is for {expected}, the evidence is for {got}",
        "{file}:subject.kind:{programme} 适用于 {expected},证据却是 {got} 的",
    ),
    "register.district": ("subject.district: {error}", "subject.district:{error}"),
    "register.not_utf8": ("{file}: expected UTF-8 text ({reason} at byte {start})", "{file}:应为 UTF-8 文本(第 {start} 字节处 {reason})"),
    "register.revoke_reason": ("a revocation needs a reason (--reason)", "撤销须写明理由(--reason)"),
    "register.waiver_needs": (
        "a waiver needs a reason (--reason) and an approver (--approver)",
        "豁免须写明理由(--reason)和批准人(--approver)",
    ),
    "register.no_criterion": ("{standard} has no criterion {criterion}", "{standard} 没有指标 {criterion}"),
    "register.no_criterion_near": (
        "{standard} has no criterion {criterion}; did you mean {near}?",
        "{standard} 没有指标 {criterion};是否指 {near}?",
    ),
    "register.pay_to": ("expected approved, paid or reversed, got {got}", "应为 approved、paid 或 reversed,实际为 {got}"),
    "register.pay_reference": (
        "a payment needs its reference (--reference), e.g. the bank transfer's number",
        "付款须写明凭证号(--reference),如银行转账流水号",
    ),
    "register.reverse_reason": ("a reversal needs a reason (--reason)", "冲回须写明理由(--reason)"),
    "register.no_reward": ("{subject} has no reward under scheme {scheme}", "{subject} 在 {scheme} 方案下没有奖励"),
    "register.several_rewards": (
        "{subject} has rewards under scheme {scheme} in several programmes; name one with --programme",
        "{subject} 在多个项目中有 {scheme} 方案的奖励;请用 --programme 指定一个",
    ),
    "register.export_unverified": (
        "the register does not verify, so neither does this export: {problem} (see `fivegood register verify`)",
        "登记簿未通过校验,本次导出同样不可信:{problem}(见 `fivegood register verify`)",
    ),
    "register.unknown_table": ("unknown table {name}; expected one of {expected}", "未知的表 {name};应为以下之一:{expected}"),
    "register.lock_timeout": (
        "FIVEGOOD_LOCK_TIMEOUT: expected a number of seconds, got {got}",
        "FIVEGOOD_LOCK_TIMEOUT:应为秒数,实际为 {got}",
    ),
    "register.bad_url": (
        "unsupported register URL {url}: expected an SQLite path, sqlite:///PATH or postgresql://…",
        "不支持的登记库地址 {url}:应为 SQLite 路径、sqlite:///PATH 或 postgresql://…",
    ),
    "register.locked": (
        "the register {url} is locked by another process; nothing was changed, try again",
        "登记库 {url} 被另一进程锁定;未作任何改动,请重试",
    ),
    "register.not_a_register": (
        "{url} is not a fivegood register; create one with `fivegood register init`",
        "{url} 不是 fivegood 登记库;请用 `fivegood register init` 创建",
    ),
    "register.cannot_use": ("cannot use the register {url}: {error}", "无法使用登记库 {url}:{error}"),
    "register.newer_schema": (
        "the register {url} was created by a newer version of fivegood (schema revision {revision}; "
        "this version knows up to {known}); upgrade fivegood to use it. Nothing was changed.",
        "登记库 {url} 由更新版本的 fivegood 创建(结构版本 {revision};本版本最高识别 {known});请升级 fivegood 后使用。未作任何改动。",
    ),
    "register.older_schema": (
        "the register {url} is at an older schema revision {revision}; run `fivegood register init` to upgrade it",
        "登记库 {url} 的结构版本 {revision} 较旧;请运行 `fivegood register init` 升级",
    ),
    "register.needs_openpyxl": (
        "xlsx export needs openpyxl: pip install 'fivegood[register]'",
        "导出 xlsx 需要 openpyxl:pip install 'fivegood[register]'",
    ),
    "register.bad_date": ("expected a date such as 2013-02-25, got {got}", "应为日期,如 2013-02-25,实际为 {got}"),
    "register.usage.subject_or_all": ("give a subject or --all (not both)", "请给出一个对象或 --all(不能同时给出)"),
    "register.usage.refusal_reason": ("a refusal needs a reason (--reason)", "拒绝须写明理由(--reason)"),
    "register.usage.xlsx_output": ("--format xlsx needs --output FILE.xlsx", "--format xlsx 需要 --output FILE.xlsx"),
    "register.usage.xlsx_export_output": ("xlsx export needs --output FILE.xlsx", "导出 xlsx 需要 --output FILE.xlsx"),
    "register.usage.csv_output": (
        "CSV export needs --table NAME (to standard output) or --output FOLDER (one file per table)",
        "导出 CSV 需要 --table NAME(输出到标准输出)或 --output FOLDER(每表一个文件)",
    ),
    # --- register: users, roles, tokens, logins ------------------------------------------------------
    "register.user.unknown_action": ("unknown action {action}; expected one of {expected}", "未知的操作 {action};应为以下之一:{expected}"),
    "register.user.bad_name": (
        "user name {name}: expected 1 to 200 characters, without spaces or control characters",
        "用户名 {name}:应为 1 至 200 个字符,不含空格或控制字符",
    ),
    "register.user.bad_role": ("role {role}: expected one of {expected}", "角色 {role}:应为以下之一:{expected}"),
    "register.user.bad_jurisdiction": (
        "jurisdiction {jurisdiction}: expected lower-case words separated by '/', such as ningbo or ningbo/jiangbei",
        "辖区 {jurisdiction}:应为以 '/' 分隔的小写词,如 ningbo 或 ningbo/jiangbei",
    ),
    "register.user.admin_jurisdiction": (
        "an admin manages every user, so cannot be limited to jurisdiction {jurisdiction}",
        "管理员管理所有用户,不能限定于辖区 {jurisdiction}",
    ),
    "register.user.short_password": ("a password needs at least {min} characters", "密码至少需要 {min} 个字符"),
    "register.user.long_password": ("a password may have at most {max} characters", "密码最多 {max} 个字符"),
    "register.user.unknown": ("no user named {name}", "没有名为 {name} 的用户"),
    "register.user.unknown_token": ("no API token {token}", "没有 API 令牌 {token}"),
    "register.user.passwords_differ": ("the two passwords differ; nothing was changed", "两次输入的密码不一致;未作任何更改"),
    "register.user.no_password": ("no password on standard input", "标准输入中没有密码"),
    "register.refused.user_exists": ("a user named {name} exists already", "名为 {name} 的用户已存在"),
    "register.refused.last_admin": (
        "{name} is the last active admin; make another user admin first",
        "{name} 是最后一个有效的管理员;请先将另一用户设为管理员",
    ),
    "register.refused.user_disabled": ("{name} is disabled already", "{name} 已被停用"),
    "register.refused.user_enabled": ("{name} is not disabled", "{name} 未被停用"),
    "register.refused.token_disabled": ("{name} is disabled, so cannot be given a token", "{name} 已被停用,不能发放令牌"),
    "register.refused.token_revoked": ("API token {token} was revoked already, at {revoked}", "API 令牌 {token} 已于 {revoked} 撤销"),
    "register.login.refused": ("wrong user name or password", "用户名或密码错误"),
    "register.login.throttled": (
        "too many failed logins for this name; try again in {seconds} seconds",
        "该用户名登录失败次数过多;请在 {seconds} 秒后重试",
    ),
    "programme.expected_table": ("expected a table", "应为表"),
    "programme.unknown_key": ("unknown key; expected one of {expected}", "未知的键;应为以下之一:{expected}"),
    "programme.expected": ("expected {expected}, got {got}", "应为 {expected},实际为 {got}"),
    "programme.missing_key": ("missing required key {key}", "缺少必需的键 {key}"),
    "programme.unknown_table": ("unknown table; expected one of {expected}", "未知的表;应为以下之一:{expected}"),
    "programme.missing_table": ("missing required table [{key}]", "缺少必需的表 [{key}]"),
    "programme.quota_order": ("expected min ≤ max, got min {min} > max {max}", "应为 min ≤ max,实际 min {min} > max {max}"),
    "programme.until_after_from": ("expected a date after effective_from", "应为晚于 effective_from 的日期"),
    "programme.defined_twice": ("{ref} is defined twice", "{ref} 重复定义"),
    "programme.unknown": ("unknown programme {id} (installed: {installed})", "未知项目 {id}(已安装:{installed})"),
    "programme.no_version": ("{id} has no version {version} (versions: {versions})", "{id} 没有版本 {version}(现有版本:{versions})"),
    "programme.not_in_force": ("no version of {id} is in force on {on}", "{on} 没有有效的 {id} 版本"),
    "place.ambiguous": ("place {value} is ambiguous on {as_of}: {found}", "地名 {value} 在 {as_of} 有歧义:{found}"),
    "place.not_valid_on": (
        "place {value} is not a valid division on {as_of} ({spans})",
        "地名 {value} 在 {as_of} 不是有效的行政区划({spans})",
    ),
    "place.unknown": ("unknown place {value} on {as_of}; nearest known: {hint}", "{as_of} 没有地名 {value};最接近的已知区划:{hint}"),
    "place.unknown_level": (
        "unknown {level} place {value} on {as_of}; nearest known: {hint}",
        "{as_of} 没有 {level} 级地名 {value};最接近的已知区划:{hint}",
    ),
    "place.none_close": ("none close", "无相近者"),
    # --- the web service (fivegood serve): messages and the words of its pages ---------------
    "server.bad_authorization": ("the Authorization header must be 'Bearer <token>'", "Authorization 请求头应为 'Bearer <令牌>'"),
    "server.bad_token": ("unknown or revoked API token", "API 令牌无效或已被撤销"),
    "server.login_required": ("log in first: this changes or reads the register", "请先登录:此操作读取或修改登记册"),
    "server.forbidden": (
        "{user} ({role}) may not {action}: the role does not allow it",
        "{user}({role})无权执行 {action}:该角色不允许此操作",
    ),
    "server.csrf": (
        "the form's security token is missing or does not match; reload the page and try again",
        "表单的安全令牌缺失或不匹配;请刷新页面后重试",
    ),
    "server.not_found": ("not found: {what}", "未找到:{what}"),
    "server.bad_subject_id": (
        "expected an id of letters, digits, '-', '_' and '.' between them (at most 200 characters), got {got}",
        "应为由字母、数字、'-'、'_' 及其间的 '.' 组成的标识(至多 200 个字符),实际为 {got}",
    ),
    "server.unavailable": (
        "the register cannot be used just now; the service's log says why",
        "登记册暂时无法使用;原因见服务日志",
    ),
    "server.cross_site": (
        "a change sent from another site is refused; use the form on this site",
        "拒绝来自其他网站的修改请求;请使用本网站的表单",
    ),
    "server.bad_ref": (
        "expected an id such as ningbo/five-have-five-good or ID@VERSION, got {got}",
        "应为标识,如 ningbo/five-have-five-good 或 ID@版本,实际为 {got}",
    ),
    "server.too_large": ("the request body is larger than {limit} bytes", "请求内容超过 {limit} 字节"),
    "server.batch_type": ("a batch body must be one of {expected}, got {got}", "批量请求内容类型应为 {expected} 之一,实际为 {got}"),
    "server.unknown_field": ("unknown field; expected only {expected}", "未知字段;只应有 {expected}"),
    "server.field_missing": ("this field is required", "此项必填"),
    "server.standard_expected": (
        "expected a standard's id such as ningbo/five-have-five-good, or ID@VERSION, got {got}",
        "应为标准标识,如 ningbo/five-have-five-good 或 标识@版本,实际为 {got}",
    ),
    "server.object_expected": ("expected an object (a table of evidence), got {got}", "应为对象(证据表),实际为 {got}"),
    "server.invalid": ("{detail}", "{detail}"),
    "server.http": ("HTTP {status}: {detail}", "HTTP {status}:{detail}"),
    "server.no_file": ("choose a file to upload", "请选择要上传的文件"),
    "server.export_limited": (
        "{user} sees only {jurisdiction}: the export holds every jurisdiction's rows; use the status, ledger and history instead",
        "{user} 只能查看 {jurisdiction}:导出内容包含所有辖区的数据;请改用状态、台账和组织记录",
    ),
    "server.not_utf8": ("the request body is not UTF-8 (byte {byte})", "请求内容不是 UTF-8 编码(第 {byte} 字节)"),
    "server.serving": (
        "fivegood serving on http://{host}:{port} (register: {db})",
        "fivegood 服务已启动:http://{host}:{port}(登记册:{db})",
    ),
    "server.no_users": (
        "no users yet: anyone may read standards and check evidence; to change the register, add one with: fivegood register user add NAME --role admin",
        "尚无用户:任何人均可查阅标准、检查证据;如需修改登记册,请先添加用户:fivegood register user add 用户名 --role admin",
    ),
    "server.ephemeral_key": (
        "FIVEGOOD_SECRET_KEY is not set: logins last only until the service stops",
        "未设置 FIVEGOOD_SECRET_KEY:登录状态在服务停止后失效",
    ),
    "server.needs_extra": (
        "the web service needs the 'server' extra: pip install \"fivegood[server]\" ({error})",
        '网络服务需要安装 server 附加组件:pip install "fivegood[server]"({error})',
    ),
    "role.viewer": ("viewer", "查阅人"),
    "role.assessor": ("assessor", "评估人"),
    "role.approver": ("approver", "审批人"),
    "role.admin": ("admin", "管理员"),
    "ledger.due": ("due", "应付"),
    "ledger.approved": ("approved", "已批准"),
    "ledger.paid": ("paid", "已支付"),
    "ledger.reversed": ("reversed", "已冲销"),
    "quota.ok": ("within quota", "符合名额"),
    "quota.pending": ("pending", "待推荐"),
    "quota.short": ("short", "不足"),
    "done.assess": ("Assessed.", "已完成评估。"),
    "done.certify": ("Decision recorded.", "已记录认定决定。"),
    "done.refuse": ("Refusal recorded.", "已记录不予认定。"),
    "done.revoke": ("Revocation recorded.", "已记录撤销。"),
    "done.waive": ("Waiver recorded.", "已记录豁免。"),
    "done.pay": ("Payment state recorded.", "已记录支付状态。"),
    "page.standards": ("Standards", "标准"),
    "page.programmes": ("Programmes", "评选项目"),
    "page.batch": ("Batch", "批量评估"),
    "page.login": ("Log in", "登录"),
    "page.logout": ("Log out", "退出"),
    "page.footer": ("standards as code; every verdict explained by the article it comes from", "标准即代码;每项结论都注明所依据的条款"),
    "page.error": ("Error", "错误"),
    "page.back_home": ("Back to the standards", "返回标准目录"),
    "page.catalogue_lead": (
        "Every installed standard and version. Checking evidence needs no login and stores nothing.",
        "已安装的全部标准及版本。检查证据无需登录,也不保存任何数据。",
    ),
    "page.standard": ("Standard", "标准"),
    "page.version": ("Version", "版本"),
    "page.in_force": ("In force", "有效期"),
    "page.current": ("in force today", "现行"),
    "page.jurisdiction": ("Jurisdiction", "辖区"),
    "page.check_evidence": ("Check evidence", "检查证据"),
    "page.issuer": ("Issuer", "发文单位"),
    "page.applies_to": ("Applies to", "适用对象"),
    "page.template_toml": ("Evidence template (TOML)", "证据模板(TOML)"),
    "page.criteria": ("Criteria, article by article", "逐条标准"),
    "page.assumed": ("assumed", "假设"),
    "page.self_reported": ("self-reported figure", "自报数据"),
    "page.threshold": ("Threshold", "标准值"),
    "page.evidence": ("Evidence", "证据"),
    "page.basis": ("Basis", "依据"),
    "page.assumption": ("Assumption", "假设"),
    "page.interpretation": ("Interpretation", "解释"),
    "page.rewards": ("Rewards", "奖励"),
    "page.scheme": ("Scheme", "奖励项目"),
    "page.payer": ("Payer", "支付方"),
    "page.amount": ("Amount", "金额"),
    "page.user_name": ("User name", "用户名"),
    "page.password": ("Password", "密码"),
    "page.evidence_form": ("Evidence form", "证据填报"),
    "page.programme": ("Programme", "评选项目"),
    "page.form_lead": (
        "Fill in what you know; a field left empty is unknown, and the verdict is then incomplete rather than failed. Values are checked as you type.",
        "请填写已知情况;留空的项视为未知,结论为“证据不全”而不是“未达标”。输入时即时校验。",
    ),
    "page.form_has_problems": ("Some values are not valid: see the messages by each field.", "部分填写内容无效:请查看各项旁的提示。"),
    "page.subject": ("Organisation", "组织"),
    "page.as_of": ("As of", "评估日期"),
    "page.subject_id": ("Identifier", "标识"),
    "page.subject_name": ("Name", "名称"),
    "page.subject_year": ("Year assessed", "评估年度"),
    "page.prefecture": ("Prefecture", "地级市"),
    "page.district": ("District or county", "区(县)"),
    "page.unknown_value": ("(unknown)", "(未知)"),
    "page.yes": ("yes", "是"),
    "page.no": ("no", "否"),
    "page.names_hint": ("names separated by ;", "多个名称用;分隔"),
    "page.read_by": ("read by", "用于"),
    "page.submit_and_assess": ("Submit to the register and assess", "提交登记并评估"),
    "page.check": ("Check", "检查"),
    "page.scorecard": ("Scorecard", "评估结果"),
    "page.reward": ("Reward", "奖励"),
    "page.stored_in_register": ("Stored in the register and assessed.", "已提交登记并完成评估。"),
    "page.subject_history": ("The organisation's history", "组织记录"),
    "page.observed": ("Observed", "实际情况"),
    "page.warnings": ("Assumptions and warnings", "假设与提示"),
    "page.criterion": ("Criterion", "条款"),
    "page.verdict": ("Verdict", "结论"),
    "page.reason": ("Reason", "理由"),
    "page.submit_evidence": ("Submit evidence", "提交证据"),
    "page.export_xlsx": ("Export (xlsx)", "导出(xlsx)"),
    "page.no_subjects": ("No organisation takes part yet.", "尚无组织参加。"),
    "page.by_area": ("By area", "按地区"),
    "page.area": ("Area", "地区"),
    "page.total": ("Total", "合计"),
    "page.nominations": ("Nominations", "推荐"),
    "page.quota": ("Quota", "名额"),
    "page.deadline": ("Deadline", "截止日期"),
    "page.on_time": ("On time", "按时"),
    "page.late": ("Late", "逾期"),
    "page.quota_state": ("Quota", "名额情况"),
    "page.most_failed": ("Criteria most often not met", "最常未达标的条款"),
    "page.none_failed": ("No assessment has failed a criterion.", "尚无评估未达标的条款。"),
    "page.entries": ("Entries", "笔数"),
    "page.subjects": ("Organisations", "组织"),
    "page.status": ("Status", "状态"),
    "page.decision": ("Decision", "决定"),
    "page.ledger": ("Reward ledger", "奖励台账"),
    "page.state": ("State", "状态"),
    "page.reference": ("Reference", "凭证号"),
    "page.assessed": ("assessed", "评估于"),
    "page.actions": ("Actions", "操作"),
    "page.on": ("On", "日期"),
    "page.do_assess": ("Assess again", "重新评估"),
    "page.do_certify": ("Certify", "认定"),
    "page.do_refuse": ("Refuse", "不予认定"),
    "page.do_revoke": ("Revoke", "撤销"),
    "page.do_waive": ("Waive", "豁免"),
    "page.do_approve": ("Approve payment", "批准支付"),
    "page.do_pay": ("Record payment", "登记支付"),
    "page.expires": ("Until", "截至"),
    "page.read_only": ("Your role may read only.", "您的角色只能查阅。"),
    "page.none": ("None.", "无。"),
    "page.history": ("History", "记录"),
    "page.submissions": ("Submissions", "提交的材料"),
    "page.file": ("File", "文件"),
    "page.when": ("When", "时间"),
    "page.by": ("By", "操作人"),
    "page.corrects": ("corrects", "更正"),
    "page.assessments": ("Assessments", "评估"),
    "page.decisions": ("Decisions", "决定"),
    "page.waivers": ("Waivers", "豁免"),
    "page.audit": ("Audit log", "审计日志"),
    "page.action": ("Action", "操作"),
    "page.batch_lead": (
        "Upload a spreadsheet (.xlsx), JSON Lines or CSV file of many organisations' evidence: each row is assessed, bad rows are listed, nothing is stored.",
        "上传多个组织证据的表格(.xlsx)、JSON Lines 或 CSV 文件:逐行评估,列出有误的行,不保存任何数据。",
    ),
    "page.run_batch": ("Assess the file", "评估文件"),
    "page.rows": ("Rows", "逐行结果"),
    "page.criteria_counts": (
        "Each criterion over the file (records where it passed, failed or lacked evidence)",
        "各条款在文件中的结果(达标、未达标、缺证据的记录数)",
    ),
    "page.line": ("Line", "行"),
    "page.certified": ("Passed", "达标数"),
}


class UnknownMessage(KeyError):
    """A message code that is not in the catalogue: a bug in fivegood, never bad input."""


def _known(instance: Any, attribute: Any, code: str) -> None:
    if code not in CATALOGUE:
        raise UnknownMessage(code)


@attrs.frozen
class Said:
    """A message from the catalogue with its parameters; renders in either language."""

    code: str = attrs.field(validator=_known)
    params: Mapping[str, Any] = attrs.field(factory=dict)

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``); parameters that are messages render in the same language."""
        en, zh = CATALOGUE[self.code]
        return (zh if lang == "zh" else en).format_map({k: _param(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.render("en")


#: What a message may be: one of the catalogue's, or a plugin's own plain text.
Message = Union[Said, str]


def say(code: str, /, **params: Any) -> Said:
    """The message ``code`` with its parameters."""
    return Said(code, params)


def render(message: Message, lang: str = "en") -> str:
    """A message in ``lang``; a plain string is the same in every language."""
    return message.render(lang) if isinstance(message, Said) else message


def word(code: str, lang: str = "en") -> str:
    """A word or label without parameters (``word("word.error", "zh")`` → 错误)."""
    return Said(code).render(lang)


def _param(value: Any, lang: str) -> str:
    if isinstance(value, Said):
        return value.render(lang)
    if hasattr(value, "zh") and hasattr(value, "en"):  # a text in both languages (model.definitions.Text)
        return str(value.zh if lang == "zh" else value.en)
    if callable(getattr(value, "render", None)):  # a Problem or an error: rendered in the same language
        return str(value.render(lang))
    if isinstance(value, (list, tuple)):
        return ", ".join(_param(v, lang) for v in value)
    return str(value)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def shown(value: Any, limit: int = 40) -> str:
    """``value`` as a person writes it in TOML or JSON (``3.0``, ``"abc"``, ``true``, ``[1, 2]``), shortened to ``limit``.

    Error messages quote what was given this way, never as Python writes it
    (``Decimal('3.0')``, ``'abc'``, ``True``).
    """
    text = _written(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _written(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_written(v)}" for k, v in value.items()) + "}"
    return str(value)
