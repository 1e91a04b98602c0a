"""Rewards: which scheme covers a subject, and what it pays when the subject passes.

A standard lists its schemes (``[[reward]]`` tables). The first scheme in force
on the as-of date whose ``applies_to`` matches the subject is the one that
covers it. A reward is paid only on a ``pass``; otherwise, and for a subject no
scheme covers, the result has no amount and says why. Money is an exact
``Decimal`` of yuan from end to end.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

import attrs

from fivegood_core.evidence.reader import Reader
from fivegood_core.model.definitions import RewardScheme, Text
from fivegood_core.model.divisions import place_label
from fivegood_core.model.results import RewardResult
from fivegood_core.model.subject import Subject
from fivegood_core.model.verdict import Overall


@attrs.frozen
class RewardCalculator:
    """How a scheme's amount is computed for a subject that passed."""

    name: str
    doc: str
    compute: Callable[[RewardScheme, Subject, Reader], Decimal]
    #: Parameter names the calculator reads from the scheme's ``params``.
    params: tuple[str, ...] = ()


def _fixed(scheme: RewardScheme, subject: Subject, r: Reader) -> Decimal:
    return Decimal(scheme.params["amount"])


FIXED = RewardCalculator("fixed", "pays the scheme's `amount` to every subject that passes", _fixed, ("amount",))


def covering(schemes: Sequence[RewardScheme], subject: Subject, as_of: dt.date) -> RewardScheme | None:
    """The scheme that covers ``subject`` on ``as_of``, if any."""
    for scheme in schemes:
        if scheme.effective_from and as_of < scheme.effective_from:
            continue
        if scheme.effective_until and as_of >= scheme.effective_until:
            continue
        if all(getattr(subject, field, None) == want for field, want in scheme.applies_to.items()):
            return scheme
    return None


def _who(subject: Subject) -> str:
    parts = [
        f"{k}={place_label(v)}"
        for k, v in (("district", subject.district), ("prefecture", subject.prefecture), ("jurisdiction", subject.jurisdiction))
        if v
    ]
    return ", ".join(parts) or "unspecified"


def reward_for(
    schemes: Sequence[RewardScheme],
    verdict: Overall,
    subject: Subject,
    reader: Reader,
    as_of: dt.date,
    calculators: Mapping[str, RewardCalculator],
) -> RewardResult | None:
    """The reward (or the reason for none); None when the standard has no schemes at all."""
    if not schemes:
        return None
    scheme = covering(schemes, subject, as_of)
    if scheme is None:
        who = _who(subject)
        listed = "; ".join(", ".join(f"{k}={place_label(v)}" for k, v in s.applies_to.items()) + f" ({s.payer.en})" for s in schemes)
        return RewardResult(
            None,
            Text(
                f"没有奖励办法覆盖该主体({who});现有办法:{listed}",
                f"no reward scheme covers this subject ({who}) on {as_of}; schemes: {listed}",
            ),
        )
    common: dict[str, Any] = dict(currency=scheme.currency, payer=scheme.payer, scheme=scheme.id, basis=scheme.basis)
    if verdict is not Overall.PASS:
        return RewardResult(
            None,
            Text(
                f"未通过认定(结论:{verdict.value}),{scheme.payer.zh}不予奖励",
                f"not certified (verdict: {verdict.value}); {scheme.payer.en} pays nothing",
            ),
            **common,
        )
    amount = calculators[scheme.calculator].compute(scheme, subject, reader)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise TypeError(f"reward calculator {scheme.calculator!r} returned {amount!r}; expected a Decimal ≥ 0")
    return RewardResult(
        amount,
        Text(f"通过认定,{scheme.payer.zh}奖励 {amount} 元", f"certified; {scheme.payer.en} pays ¥{amount:,}"),
        **common,
    )
