"""Rendering results for people: text for a terminal, Markdown, a self-contained HTML scorecard,
JUnit XML for CI systems, and an HTML dashboard of a batch.

JSON comes from :meth:`Result.to_json`; this module only formats for reading.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fivegood_core.kinds.display import in_words
from fivegood_core.model.divisions import place_label
from fivegood_core.model.results import CriterionResult, Result
from fivegood_core.model.verdict import Overall, Verdict
from fivegood_core.model.vocabulary import CONTROL_CHARACTERS
from fivegood_core.render.actions import Action, ToActOn, by_article, to_act_on
from fivegood_core.words.catalogue import render, say, word

if TYPE_CHECKING:
    from fivegood_core.batch import BatchSummary

# Evidence text reaches every report (a subject's name, list values, results read back from JSON).
# Each format neutralises what it would otherwise obey: a terminal's escapes and line breaks, Markdown's
# markup and inline HTML, the characters XML 1.0 forbids, and HTML itself.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def _html_escape(text: str, quote: bool = True) -> str:
    """:func:`html.escape`, without importing :mod:`html` (and its table of every entity) for a text report."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;") if quote else text


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}"


def plain(text: str) -> str:
    """One line for a terminal: control characters (escapes, line breaks) shown as ``\\x1b``, never obeyed."""
    return CONTROL_CHARACTERS.sub(_visible, text)


def markdown(text: str) -> str:
    """Text that Markdown shows as it is: markup characters escaped, HTML as entities, one line."""
    return _MARKDOWN.sub(r"\\\1", _html_escape(CONTROL_CHARACTERS.sub(" ", text), quote=False))


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 forbids (ElementTree escapes the rest)."""
    return CONTROL_CHARACTERS.sub(lambda m: m.group() if m.group() in "\t\n\r" else "\ufffd", text)


def escape(text: str) -> str:
    """HTML-escaped text without control characters."""
    return _html_escape(CONTROL_CHARACTERS.sub(" ", text))


_MARK = {
    Verdict.PASS: "✔",
    Verdict.FAIL: "✘",
    Verdict.UNKNOWN: "?",
    Verdict.NOT_APPLICABLE: "–",
    Verdict.ADVISORY: "i",
    Verdict.WAIVED: "W",
}
#: The catalogue's code of each overall verdict's word.
_OVERALL = {Overall.PASS: "report.overall.pass", Overall.FAIL: "report.overall.fail", Overall.INCOMPLETE: "report.overall.incomplete"}
_COLOUR = {
    Verdict.PASS: "32",
    Verdict.FAIL: "31",
    Verdict.UNKNOWN: "33",
    Verdict.NOT_APPLICABLE: "90",
    Verdict.ADVISORY: "36",
    Verdict.WAIVED: "35",
}


def _labels(lang: str) -> dict[str, str]:
    """The report's labels in ``lang``, from the catalogue."""
    names = ("subject", "as_of", "verdict", "reward", "missing", "gap", "warning", "not_counted", "basis", "waived")
    return {name: word(f"report.{name}", lang) for name in names}


def _overall(verdict: Overall, lang: str) -> str:
    return word(_OVERALL[verdict], lang)


def _extra(c: CriterionResult, lang: str) -> str:
    """What a report adds after a criterion's reason: a waiver, the basis of its threshold, and whether it counts."""
    parts = []  # each label looked up only when it is shown: most criteria show none
    if c.waiver is not None:
        parts.append(f"{word('report.waived', lang)}: {c.waiver.get(lang)}")
    if c.basis:
        parts.append(f"{word('report.basis', lang)}: {c.basis}")
    if not c.counted:
        parts.append(word("report.not_counted", lang))
    return f" [{'; '.join(parts)}]" if parts else ""


def _paint(text: str, verdict: Verdict, colour: bool) -> str:
    return f"\x1b[{_COLOUR[verdict]}m{text}\x1b[0m" if colour else text


def _lines(c: CriterionResult, lang: str, colour: bool, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    cite = f"[{c.citation}] " if c.citation else ""
    mark = _paint(_MARK[c.verdict], c.verdict, colour)
    origin = f" [{c.overlay}]" if c.overlay else ""
    out.append(f"{pad}{mark} {plain(cite + c.id + origin)}: {plain(c.reason.get(lang))}{plain(_extra(c, lang))}")
    if c.gap is not None and c.verdict in (Verdict.FAIL, Verdict.UNKNOWN):
        out.append(f"{pad}    → {word('report.gap', lang)}: {plain(c.gap.get(lang))}")
    if c.interpretation is not None:
        out.append(f"{pad}    ({plain(c.interpretation.get(lang))})")
    for child in c.below:
        _lines(child, lang, colour, depth + 1, out)


def _where(a: Action) -> str:
    """The article an action comes under, through the requiring criteria: ``第十九条 › 二、五个确保 · 三是``."""
    return " › ".join(x for x in (*a.within, a.article) if x)


def _act_text(act: ToActOn, lang: str, colour: bool) -> list[str]:
    if not act:
        return [word("report.act.nothing", lang)]
    out = [f"{word('report.act.heading', lang)}:"]
    if act.failed:
        out.append(f"  {word('report.act.failed', lang)}:")
        for a in act.failed:
            where = f"[{_where(a)}] " if _where(a) else ""
            out.append(f"    {_paint(_MARK[a.verdict], a.verdict, colour)} {plain(where + a.criterion)}: {plain(a.reason.get(lang))}")
            if a.gap is not None:
                out.append(f"        → {word('report.act.short', lang)}: {plain(a.gap.get(lang))}")
    if act.unknown:
        out.append(f"  {word('report.act.unknown', lang)}:")
        for article, group in by_article(act.unknown):
            out.append(
                f"    {_paint(_MARK[Verdict.UNKNOWN], Verdict.UNKNOWN, colour)} {plain(f'[{article}] ' if article else '')}{plain(', '.join(a.criterion for a in group))}"
            )
    if act.missing_keys:
        out.append(f"  {word('report.missing', lang)}: {plain(', '.join(act.missing_keys))}")
    return out


def render_text(result: Result, lang: str = "en", colour: bool = False) -> str:
    """A readable report: header, verdict, what to act on, the reward, then the criteria tree with gaps."""
    words = _labels(lang)
    s = result.standard
    subject = result.subject
    who = " ".join(x for x in (subject.id, subject.name) if x) or "-"
    verdict_word = _overall(result.verdict, lang)
    v = {Overall.PASS: Verdict.PASS, Overall.FAIL: Verdict.FAIL}.get(result.verdict, Verdict.UNKNOWN)
    out = [
        plain(f"{s.id}@{s.version} — {s.title.get(lang)}" + (f" ({s.document})" if s.document else "")),
        f"{words['subject']}: {plain(who)}    {words['as_of']}: {result.as_of}",
        f"{words['verdict']}: {_paint(verdict_word, v, colour)}",
        "",
        *_act_text(to_act_on(result), lang, colour),
    ]
    if result.reward is not None:
        out.append(f"{words['reward']}: {plain(result.reward.reason.get(lang))}")
    for w in result.warnings:
        out.append(f"{words['warning']}: {plain(render(w, lang))}")
    out.append("")
    for c in result.criteria:
        _lines(c, lang, colour, 0, out)
    return "\n".join(out) + "\n"


# --- Markdown ------------------------------------------------------------------------------------

_MD_MARK = {
    Verdict.PASS: "✅",
    Verdict.FAIL: "❌",
    Verdict.UNKNOWN: "❔",
    Verdict.NOT_APPLICABLE: "➖",
    Verdict.ADVISORY: "ℹ️",
    Verdict.WAIVED: "🛡️",
}
_COLUMNS = ("citation", "criterion", "observed", "threshold", "reason")


def _head(lang: str) -> tuple[str, ...]:
    """The headings of a criteria table: the mark's column has none."""
    return ("", *(word(f"report.column.{c}", lang) for c in _COLUMNS))


def _cell(text: str | None) -> str:
    return markdown(text or "")


def _md_rows(c: CriterionResult, lang: str, depth: int, out: list[str]) -> None:
    reason = _cell(c.reason.get(lang) + _extra(c, lang))
    if c.gap is not None and c.verdict in (Verdict.FAIL, Verdict.UNKNOWN):
        reason += f" — **{_cell(c.gap.get(lang))}**"
    title = ("&nbsp;&nbsp;" * depth) + _cell(c.title.get(lang))
    observed, threshold = in_words(c.kind, c.observed, lang), in_words(c.kind, c.threshold, lang)
    out.append(f"| {_MD_MARK[c.verdict]} | {_cell(c.citation)} | {title} | {_cell(observed)} | {_cell(threshold)} | {reason} |")
    for child in c.below:
        _md_rows(child, lang, depth + 1, out)


def _found(a: Action, lang: str) -> str:
    """``found 52 m², required ≥ 60 m²``, or what there is of it."""
    observed, threshold = in_words(a.kind, a.observed, lang), in_words(a.kind, a.threshold, lang)
    if observed is not None and threshold is not None:
        return say("report.act.found", observed=observed, threshold=threshold).render(lang)
    return observed or threshold or ""


def _act_markdown(act: ToActOn, lang: str) -> list[str]:
    out = ["", f"## {word('report.act.heading', lang)}", ""]
    if not act:
        return [*out, word("report.act.nothing", lang)]
    if act.failed:
        out.append(f"**{word('report.act.failed', lang)}**")
        out.append("")
        codes = ("column.citation", "column.criterion", "column.observed", "act.short", "column.reason")
        out.append("| " + " | ".join(word(f"report.{c}", lang) for c in codes) + " |")
        out.append("|---|---|---|---|---|")
        for a in act.failed:
            gap = a.gap.get(lang) if a.gap is not None else ""
            title = f"{_cell(a.title.get(lang))} ({_cell(a.criterion)})"
            out.append(f"| {_cell(_where(a))} | {title} | {_cell(_found(a, lang))} | **{_cell(gap)}** | {_cell(a.reason.get(lang))} |")
        out.append("")
    if act.unknown:
        out.append(f"**{word('report.act.unknown', lang)}**")
        out.append("")
        for article, group in by_article(act.unknown):
            keys = ", ".join(dict.fromkeys(k for a in group for k in a.missing))
            items = "; ".join(_cell(a.title.get(lang)) for a in group)
            needs = f" — {_cell(say('report.act.needs', keys=keys).render(lang))}" if keys else ""
            out.append(f"- {_cell(article) + ': ' if article else ''}{items}{needs}")
        out.append("")
    if act.missing_keys:
        out.append(f"{word('report.missing', lang)}: {', '.join(markdown(k) for k in act.missing_keys)}")
    return out


def render_markdown(result: Result, lang: str = "en") -> str:
    """A Markdown report for pasting into documents: one table per dimension."""
    s = result.standard
    words = _labels(lang)
    out = [
        f"# {markdown(s.title.get(lang))}",
        "",
        markdown(f"{s.id}@{s.version}") + (f" · {markdown(s.document)}" if s.document else ""),
        "",
        f"- {words['subject']}: {markdown(' '.join(x for x in (result.subject.id, result.subject.name) if x) or '-')}",
        f"- {words['as_of']}: {result.as_of}",
        f"- **{words['verdict']}: {_overall(result.verdict, lang)}**",
    ]
    if result.reward is not None:
        out.append(f"- {words['reward']}: {markdown(result.reward.reason.get(lang))}")
    for w in result.warnings:
        out.append(f"- ⚠️ {words['warning']}: {_cell(render(w, lang))}")
    out.extend(_act_markdown(to_act_on(result), lang))
    for dim in result.criteria:
        out.extend(
            [
                "",
                f"## {_MD_MARK[dim.verdict]} {markdown(dim.title.get(lang))}",
                "",
                "| " + " | ".join(_head(lang)) + " |",
                "|---|---|---|---|---|---|",
            ]
        )
        _md_rows(dim, lang, 0, out)
    return "\n".join(out) + "\n"


# --- JUnit XML -----------------------------------------------------------------------------------


def render_junit(result: Result, lang: str = "en") -> str:
    """JUnit XML: one test case per check, so a CI system can show a standard's results."""
    import xml.etree.ElementTree as ET

    s = result.standard
    suite = ET.Element("testsuite", name=f"{s.id}@{s.version}", timestamp=result.as_of.isoformat())
    cases = failures = skipped = 0

    def leaves(c: CriterionResult, path: str) -> None:
        nonlocal cases, failures, skipped
        if c.nested is not None or not c.children or c.verdict is Verdict.WAIVED:  # a waived group is one skipped case
            cases += 1
            case = ET.SubElement(suite, "testcase", classname=xml_text(path), name=xml_text(f"{c.id}: {c.title.get(lang)}"))
            reason = xml_text(c.reason.get(lang))
            if c.verdict is Verdict.FAIL:
                failures += 1
                ET.SubElement(case, "failure", message=reason).text = xml_text(c.gap.get(lang)) if c.gap else reason
            elif c.verdict in (Verdict.UNKNOWN, Verdict.NOT_APPLICABLE, Verdict.WAIVED):
                skipped += 1
                ET.SubElement(case, "skipped", message=reason + xml_text(_extra(c, lang)) if c.waiver is not None else reason)
            else:
                ET.SubElement(case, "system-out").text = reason
        for child in c.children if c.verdict is not Verdict.WAIVED else ():
            leaves(child, f"{path}.{c.id}")

    for dim in result.criteria:
        leaves(dim, f"{s.id}@{s.version}")
    if result.warnings:
        props = ET.Element("properties")
        for i, w in enumerate(result.warnings):
            ET.SubElement(props, "property", name=f"warning.{i + 1}", value=xml_text(render(w, lang)))
        suite.insert(0, props)
        ET.SubElement(suite, "system-err").text = "\n".join(
            f"{_labels(lang)['warning']}: {xml_text(render(w, lang))}" for w in result.warnings
        )
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suites = ET.Element("testsuites", name="fivegood")
    suites.append(suite)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


# --- HTML ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1d2430;max-width:72rem}
h1{font-size:1.5rem;margin-bottom:.2rem} .meta{color:#59636e;margin:.2rem 0}
.verdict{display:inline-block;padding:.4rem 1rem;border-radius:.4rem;font-weight:700;font-size:1.2rem;margin:1rem 0}
.v-pass{background:#dff5e3;color:#116329} .v-fail{background:#ffe1e1;color:#a40e26} .v-incomplete{background:#fff3cd;color:#7a5a00}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem} th,td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa} td:nth-child(2){white-space:nowrap} td.mark{font-weight:700;white-space:nowrap} .pass{color:#116329} .fail{color:#a40e26} .unknown{color:#7a5a00}
.not_applicable,.advisory,.waived{color:#59636e} .gap{display:block;font-weight:600} .chart{margin:1rem 0}
.act{border:2px solid #d8dee4;border-radius:.5rem;padding:.2rem 1rem;margin:1rem 0 1.5rem} .act h2{margin:.6rem 0} .act h3{font-size:1.05rem;margin:.8rem 0 .2rem}
.act td.gap{display:table-cell;min-width:10rem} .act td:first-child,.act td:nth-child(3),.act td:nth-child(4){white-space:nowrap} .act td:nth-child(2){white-space:normal} #all-criteria{margin-top:2rem}
"""


def _verdict_word(label: str, lang: str) -> str:
    """A criterion's verdict (``pass``, ``n/a`` …) as a word of the HTML reports."""
    return word(f"report.verdict.{label}", lang)


_BAR = {"pass": "#2da44e", "fail": "#cf222e", "unknown": "#d4a72c", "not_applicable": "#afb8c1"}


def _svg_bars(rows: list[tuple[str, dict[str, int]]], lang: str) -> str:
    """A horizontal stacked bar per row (pass, fail, unknown, n/a), as inline SVG."""
    height, width, label = 26, 360, 220
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(word("report.chart", lang))}" width="{label + width + 60}" height="{height * len(rows) + 24}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (name, counts) in enumerate(rows):
        y = i * height
        total = sum(counts.values()) or 1
        parts.append(f'<text x="0" y="{y + 17}" font-size="13">{escape(name)}</text>')
        x = float(label)
        for key in ("pass", "fail", "unknown", "not_applicable"):
            w = width * counts.get(key, 0) / total
            if w:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{height - 8}" fill="{_BAR[key]}"><title>{escape(_verdict_word(key, lang))}: {counts[key]}</title></rect>'
                )
                x += w
        parts.append(f'<text x="{label + width + 6}" y="{y + 17}" font-size="12">{counts.get("pass", 0)}/{sum(counts.values())}</text>')
    legend_y = height * len(rows) + 16
    for j, key in enumerate(("pass", "fail", "unknown", "not_applicable")):
        parts.append(
            f'<rect x="{label + j * 90}" y="{legend_y - 10}" width="10" height="10" fill="{_BAR[key]}"/><text x="{label + j * 90 + 14}" y="{legend_y}" font-size="12">{escape(_verdict_word(key, lang))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _leaf_counts(c: CriterionResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in c.walk():
        if not node.children and node.verdict is not Verdict.ADVISORY:
            counts[node.verdict.label] = counts.get(node.verdict.label, 0) + 1
    return counts


def _html_rows(c: CriterionResult, lang: str, depth: int, out: list[str]) -> None:
    gap = (
        f'<span class="gap">→ {escape(c.gap.get(lang))}</span>'
        if c.gap is not None and c.verdict in (Verdict.FAIL, Verdict.UNKNOWN)
        else ""
    )
    note = f"<br><small>{escape(c.interpretation.get(lang))}</small>" if c.interpretation else ""
    extra = f' <small class="extra">{escape(_extra(c, lang).strip())}</small>' if _extra(c, lang) else ""
    pad = f' style="padding-left:{0.5 + depth * 1.2:.1f}rem"'
    out.append(
        f'<tr id="c-{escape(c.id)}"><td class="mark {c.verdict.label}">{escape(_verdict_word(c.verdict.label, lang))}</td>'
        f"<td>{escape(c.citation or '')}</td><td{pad}>{escape(c.title.get(lang))} <small>({escape(c.id)})</small></td>"
        f"<td>{escape(in_words(c.kind, c.observed, lang) or '')}</td><td>{escape(in_words(c.kind, c.threshold, lang) or '')}</td>"
        f"<td>{escape(c.reason.get(lang))}{extra}{gap}{note}</td></tr>"
    )
    for child in c.below:
        _html_rows(child, lang, depth + 1, out)


def _page(title: str, body: list[str], lang: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _act_html(act: ToActOn, lang: str) -> str:
    """The section a person reads first: the decisive failures, then what is undecided and the evidence it needs."""
    out = [f'<section id="to-act-on" class="act"><h2>{escape(word("report.act.heading", lang))}</h2>']
    if not act:
        out.append(f'<p id="nothing-to-act-on" class="pass">✔ {escape(word("report.act.nothing", lang))}</p>')
    if act.failed:
        codes: tuple[str, ...] = (
            "column.citation",
            "column.criterion",
            "column.observed",
            "column.threshold",
            "act.short",
            "column.reason",
        )
        out.append(
            f'<h3 class="fail">{escape(word("report.act.failed", lang))}</h3><table id="act-failed"><thead><tr>'
            + "".join(f"<th>{escape(word(f'report.{h}', lang))}</th>" for h in codes)
            + "</tr></thead><tbody>"
        )
        for a in act.failed:
            out.append(
                f'<tr id="act-{escape("-".join(a.path))}"><td>{escape(_where(a))}</td>'
                f'<td><a href="#c-{escape(a.criterion)}">{escape(a.title.get(lang))}</a> <small>({escape(a.criterion)})</small></td>'
                f"<td>{escape(in_words(a.kind, a.observed, lang) or '')}</td><td>{escape(in_words(a.kind, a.threshold, lang) or '')}</td>"
                f'<td class="gap">{escape(a.gap.get(lang) if a.gap is not None else "")}</td><td>{escape(a.reason.get(lang))}</td></tr>'
            )
        out.append("</tbody></table>")
    if act.unknown:
        codes = ("column.citation", "column.criterion", "missing")
        out.append(
            f'<h3 class="unknown">{escape(word("report.act.unknown", lang))}</h3><table id="act-unknown"><thead><tr>'
            + "".join(f"<th>{escape(word(f'report.{h}', lang))}</th>" for h in codes)
            + "</tr></thead><tbody>"
        )
        for article, group in by_article(act.unknown):
            items = "<br>".join(
                f'<a href="#c-{escape(a.criterion)}">{escape(a.title.get(lang))}</a> <small>({escape(a.criterion)})</small>' for a in group
            )
            keys = "<br>".join(f"<code>{escape(k)}</code>" for k in dict.fromkeys(k for a in group for k in a.missing))
            out.append(f"<tr><td>{escape(article)}</td><td>{items}</td><td>{keys}</td></tr>")
        out.append("</tbody></table>")
    if act.missing_keys:
        out.append(
            f'<p id="act-missing">{escape(word("report.missing", lang))}: '
            + ", ".join(f"<code>{escape(k)}</code>" for k in act.missing_keys)
            + "</p>"
        )
    out.append("</section>")
    return "".join(out)


def render_html(result: Result, lang: str = "en") -> str:
    """A self-contained HTML scorecard: no scripts, no external assets, nothing fetched."""
    s = result.standard
    words = _labels(lang)
    head = _head(lang)
    body = [
        f"<h1>{escape(s.title.get(lang))}</h1>",
        f'<p class="meta"><code>{escape(s.id)}@{escape(s.version)}</code>{" · " + escape(s.document) if s.document else ""}</p>',
        f'<p class="meta">{escape(words["subject"])}: {escape(" ".join(x for x in (result.subject.id, result.subject.name) if x) or "-")}'
        f" · {escape(words['as_of'])}: {result.as_of}</p>",
        f'<div class="verdict v-{result.verdict.value}" id="verdict">{escape(words["verdict"])}: {escape(_overall(result.verdict, lang))}</div>',
    ]
    body.append(_act_html(to_act_on(result), lang))
    if result.reward is not None:
        body.append(f'<p id="reward">{escape(words["reward"])}: {escape(result.reward.reason.get(lang))}</p>')
    if result.warnings:
        items = "".join(f"<li>{escape(render(w, lang))}</li>" for w in result.warnings)
        body.append(f'<div id="warnings"><p>⚠ {escape(words["warning"])}:</p><ul>{items}</ul></div>')
    body.append(f'<h2 id="all-criteria">{escape(word("report.act.all_criteria", lang))}</h2>')
    body.append(_svg_bars([(d.title.get(lang), _leaf_counts(d)) for d in result.criteria], lang))
    for dim in result.criteria:
        body.append(
            f"<h2>{escape(dim.title.get(lang))}</h2><table><thead><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in head)
            + "</tr></thead><tbody>"
        )
        rows: list[str] = []
        _html_rows(dim, lang, 0, rows)
        body.extend(rows)
        body.append("</tbody></table>")
    body.append(f'<p class="meta">fivegood {escape(result.engine.get("fivegood", ""))} · {escape(s.content_hash)}</p>')
    return _page(f"{s.id}@{s.version} — {result.subject.id or ''}", body, lang)


def render_batch_html(summary: "BatchSummary", lang: str = "en") -> str:
    """A self-contained dashboard of a batch: verdict counts, pass rates per criterion and per district, rewards."""
    words = _labels(lang)
    body = [
        f"<h1>{escape(summary.standard)}</h1>",
        f'<p class="meta">{escape(words["as_of"])}: {summary.as_of}</p>',
        '<table id="counts"><thead><tr>'
        + "".join(f"<th>{escape(k)}</th>" for k in summary.counts)
        + "</tr></thead><tbody><tr>"
        + "".join(f"<td>{v}</td>" for v in summary.counts.values())
        + "</tr></tbody></table>",
    ]
    districts = [
        (place_label(d), {"pass": c.get("pass", 0), "fail": c.get("fail", 0), "unknown": c.get("incomplete", 0)})
        for d, c in sorted(summary.districts.items())
    ]
    body.append(f"<h2>{escape(word('report.batch.pass_rate_district', lang))}</h2>")
    body.append(_svg_bars(districts, lang))
    if summary.totals:
        body.append(
            f'<h2>{escape(words["reward"])}</h2><table id="rewards"><thead><tr>'
            + "".join(f"<th>{escape(word(f'report.batch.{h}', lang))}</th>" for h in ("district", "payer", "certified", "amount"))
            + "</tr></thead><tbody>"
        )
        for t in summary.totals:
            body.append(
                f"<tr><td>{escape(place_label(t.district or '-'))}</td><td>{escape(t.payer.get(lang))}</td><td>{t.certified}</td><td>{escape(str(t.amount))} {escape(t.currency)}</td></tr>"
            )
        body.append("</tbody></table>")
    if summary.criteria:
        body.append(f"<h2>{escape(word('report.batch.pass_rate_criterion', lang))}</h2>")
        rows = [
            (
                f"{c.id}",
                {
                    "pass": c.counts.get("pass", 0),
                    "fail": c.counts.get("fail", 0),
                    "unknown": c.counts.get("unknown", 0),
                    "not_applicable": c.counts.get("not_applicable", 0),
                },
            )
            for c in summary.criteria
        ]
        body.append(_svg_bars(rows, lang))
        body.append(
            '<table id="criteria"><thead><tr><th>id</th><th></th>'
            + "".join(f"<th>{escape(_verdict_word(k, lang))}</th>" for k in ("pass", "fail", "unknown", "not_applicable"))
            + "<th>%</th></tr></thead><tbody>"
        )
        for c in summary.criteria:
            rate = c.pass_rate
            shown = "-" if rate is None else f"{float(rate) * 100:.1f}%"
            body.append(
                f"<tr><td>{escape(c.id)}</td><td>{escape(c.title.get(lang))}</td>"
                + "".join(f"<td>{c.counts.get(k, 0)}</td>" for k in ("pass", "fail", "unknown", "not_applicable"))
                + f"<td>{shown}</td></tr>"
            )
        body.append("</tbody></table>")
    return _page(say("report.batch.title", standard=summary.standard).render(lang), body, lang)
