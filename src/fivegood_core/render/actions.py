"""What a person must act on: the failures that decided a verdict and the evidence it still needs.

A pure function over a :class:`Result`, returning plain frozen values that every report (text,
Markdown, HTML) and the web pages' templates show before the full list of criteria. Only the
criteria that decided the verdict appear (``Result.failed`` and ``Result.unknown``, the rule of
``model/verdict.decisive``): guidance, alternatives not consulted and failures under a passing
``any`` decided nothing and are left to the full list. A criterion that requires another standard
is opened up: the required standard's own decisive criteria are listed, each with the path of
requiring criteria it sits under (Art. 19 → the five guarantees' office area).
"""

from __future__ import annotations

import attrs

from fivegood_core.model.definitions import Text
from fivegood_core.model.results import CriterionResult, Result
from fivegood_core.model.verdict import Verdict


@attrs.frozen
class Action:
    """One criterion to act on: what it asks, what was found, by how much it missed, what is missing."""

    #: The criterion's id (in its own standard: a required standard's ids are its own).
    criterion: str
    #: The article it cites, as the result carries it (``第十九条``, ``二、五个确保 · 三是``); "" when it cites none.
    article: str
    title: Text
    #: Its check kind (``threshold``, ``flag`` …): with ``kinds.display.in_words`` it says how to show ``observed``.
    kind: str
    #: ``fail`` or ``unknown``.
    verdict: Verdict
    #: What was found and what is required, as the reports show them (``52 m²``, ``≥ 60 m²``).
    observed: str | None
    threshold: str | None
    #: By how much it missed (``差 8 m² 达到 60 m²`` / ``8 m² short of 60 m²``), where the check can say it:
    #: the result's own gap (``kinds/display.py`` computes it for numeric thresholds), never recomputed here.
    gap: Text | None
    #: Evidence keys it needed that are absent.
    missing: tuple[str, ...]
    #: The engine's own reason.
    reason: Text
    #: Criterion ids from the requiring standard down to this one: ``("art19-five-guarantees", "premises")``
    #: for a failure inside a required standard; ``(criterion,)`` for a criterion of the standard itself.
    path: tuple[str, ...]
    #: The articles of the requiring criteria in ``path`` (all but this one), outermost first: where a
    #: report shows a failure of a required standard (``("第十九条",)``).
    within: tuple[str, ...] = ()

    @property
    def under(self) -> str:
        """The article of the standard evaluated that this action belongs to (the outermost one)."""
        return self.within[0] if self.within else self.article


@attrs.frozen
class ToActOn:
    """Everything a result asks of the people it concerns, decisive failures first."""

    #: Decisive failures, in article order.
    failed: tuple[Action, ...] = ()
    #: Criteria left open by missing evidence, in article order.
    unknown: tuple[Action, ...] = ()
    #: Every missing evidence key, without repeats, in order.
    missing_keys: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.failed or self.unknown or self.missing_keys)


def by_article(actions: tuple[Action, ...]) -> tuple[tuple[str, tuple[Action, ...]], ...]:
    """``actions`` grouped by the article of the standard evaluated they come under, in order."""
    groups: dict[str, list[Action]] = {}
    for action in actions:
        groups.setdefault(action.under, []).append(action)
    return tuple((article, tuple(group)) for article, group in groups.items())


def to_act_on(result: Result) -> ToActOn:
    """The failures that decided ``result`` and the evidence it lacks, article by article."""
    failed = tuple(_actions(result, Verdict.FAIL, (), ()))
    unknown = tuple(_actions(result, Verdict.UNKNOWN, (), ()))
    keys: dict[str, None] = {}
    for action in failed + unknown:
        keys.update(dict.fromkeys(action.missing))
    return ToActOn(failed, unknown, tuple(keys))


def _actions(result: Result, verdict: Verdict, path: tuple[str, ...], within: tuple[str, ...]) -> list[Action]:
    ids = result.failed if verdict is Verdict.FAIL else result.unknown
    out: list[Action] = []
    for cid in ids:
        c = result.find(cid)
        nested = c.nested
        if nested is not None and c.verdict is verdict:
            below = _actions(nested, verdict, (*path, c.id), (*within, c.citation or c.id))
            if below:
                out.extend(below)
                continue
        out.append(_action(c, path, within))
    return out


def _action(c: CriterionResult, path: tuple[str, ...], within: tuple[str, ...]) -> Action:
    return Action(
        criterion=c.id,
        article=c.citation or "",
        title=c.title,
        kind=c.kind,
        verdict=c.verdict,
        observed=c.observed,
        threshold=c.threshold,
        gap=c.gap if c.verdict in (Verdict.FAIL, Verdict.UNKNOWN) else None,
        missing=tuple(c.missing),
        reason=c.reason,
        path=(*path, c.id),
        within=within,
    )
