"""Rendering results for people: a plain-text report grouped by dimension and article.

JSON comes from :meth:`Result.to_json`; this module only formats for reading.
"""

from __future__ import annotations

from .results import CriterionResult, Result
from .verdict import Overall, Verdict

_MARK = {
    Verdict.PASS: "✔",
    Verdict.FAIL: "✘",
    Verdict.UNKNOWN: "?",
    Verdict.NOT_APPLICABLE: "–",
    Verdict.ADVISORY: "i",
}
_WORD = {
    "en": {Overall.PASS: "PASS", Overall.FAIL: "FAIL", Overall.INCOMPLETE: "INCOMPLETE (evidence missing)"},
    "zh": {Overall.PASS: "达标", Overall.FAIL: "未达标", Overall.INCOMPLETE: "证据不全,无法认定"},
}
_COLOUR = {Verdict.PASS: "32", Verdict.FAIL: "31", Verdict.UNKNOWN: "33", Verdict.NOT_APPLICABLE: "90", Verdict.ADVISORY: "36"}
_LABEL = {
    "en": {"subject": "subject", "as_of": "as of", "verdict": "verdict", "reward": "reward", "missing": "missing evidence", "gap": "to pass"},
    "zh": {"subject": "主体", "as_of": "评估日期", "verdict": "结论", "reward": "奖励", "missing": "缺少证据", "gap": "差距"},
}


def _paint(text: str, verdict: Verdict, colour: bool) -> str:
    return f"\x1b[{_COLOUR[verdict]}m{text}\x1b[0m" if colour else text


def _lines(c: CriterionResult, lang: str, colour: bool, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    cite = f"[{c.citation}] " if c.citation else ""
    mark = _paint(_MARK[c.verdict], c.verdict, colour)
    out.append(f"{pad}{mark} {cite}{c.id}: {c.reason.get(lang)}")
    if c.gap is not None and c.verdict in (Verdict.FAIL, Verdict.UNKNOWN):
        out.append(f"{pad}    → {_LABEL[lang]['gap']}: {c.gap.get(lang)}")
    if c.interpretation is not None:
        out.append(f"{pad}    ({c.interpretation.get(lang)})")
    for child in c.children:
        _lines(child, lang, colour, depth + 1, out)
    if c.nested is not None:
        for child in c.nested.criteria:
            _lines(child, lang, colour, depth + 1, out)


def render_text(result: Result, lang: str = "en", colour: bool = False) -> str:
    """A readable report: header, verdict, the criteria tree with gaps, the reward."""
    words = _LABEL[lang]
    s = result.standard
    subject = result.subject
    who = " ".join(x for x in (subject.id, subject.name) if x) or "-"
    out = [
        f"{s.id}@{s.version} — {s.title.get(lang)}" + (f" ({s.document})" if s.document else ""),
        f"{words['subject']}: {who}    {words['as_of']}: {result.as_of}",
        "",
    ]
    for c in result.criteria:
        _lines(c, lang, colour, 0, out)
    out.append("")
    verdict_word = _WORD[lang][result.verdict]
    v = {Overall.PASS: Verdict.PASS, Overall.FAIL: Verdict.FAIL}.get(result.verdict, Verdict.UNKNOWN)
    out.append(f"{words['verdict']}: {_paint(verdict_word, v, colour)}")
    if result.missing:
        out.append(f"{words['missing']}: {', '.join(result.missing)}")
    if result.reward is not None:
        out.append(f"{words['reward']}: {result.reward.reason.get(lang)}")
    for w in result.warnings:
        out.append(f"warning: {w}")
    return "\n".join(out) + "\n"
