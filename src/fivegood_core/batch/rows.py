"""One batch row per record: the fast verdict, the reward, or the error with its line."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Iterator, Protocol

import attrs

from fivegood_core.errors import FivegoodError
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.model.results import Assessment, RewardResult
from fivegood_core.model.verdict import Overall, Verdict


class Assessor(Protocol):
    """What assesses one record: an :class:`~fivegood_core.Engine`, or an evaluator in a worker process."""

    def assess(
        self,
        evidence: Any,
        standard: "str | CompiledStandard",
        as_of: dt.date | None = None,
        *,
        source: str | None = None,
        line: int | None = None,
        every: bool = False,
    ) -> Assessment: ...


@attrs.frozen
class BatchRow:
    """One record's outcome: verdict and reward, or the error that stopped it."""

    line: int
    subject_id: str | None = None
    district: str | None = None
    verdict: Overall | None = None
    failed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    reward: RewardResult | None = None
    #: Why the record could not be evaluated, in English (as JSON and CSV write it).
    error: str | None = None
    #: The error itself, to say why in another language (:meth:`error_in`); not compared, pickles with the row.
    cause: FivegoodError | None = attrs.field(default=None, eq=False, repr=False)
    #: Every criterion's verdict, in the standard's node order (only when statistics were asked for).
    verdicts: tuple[Verdict, ...] = ()

    def error_in(self, lang: str = "en") -> str | None:
        """:attr:`error` in ``lang`` (``zh`` or ``en``), on one line."""
        return _one_line(self.cause.render(lang)) if self.cause is not None else self.error

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the row."""
        return {
            "line": self.line,
            "subject": self.subject_id,
            "district": self.district,
            "verdict": self.verdict.value if self.verdict else None,
            "failed": list(self.failed),
            "unknown": list(self.unknown),
            "reward": self.reward.to_json() if self.reward else None,
            "error": self.error,
        }

    def to_csv(self) -> list[str]:
        """The row as CSV cells, in :data:`CSV_COLUMNS` order, safe to open in a spreadsheet."""
        r = self.reward
        cells = [
            str(self.line),
            self.subject_id or "",
            self.district or "",
            self.verdict.value if self.verdict else "error",
            ";".join(self.failed),
            ";".join(self.unknown),
            "" if r is None or r.amount is None else str(r.amount),
            (r.currency or "") if r else "",
            r.payer.zh if r and r.payer else "",
            self.error or "",
        ]
        return [_inert(c) for c in cells]


def _inert(cell: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: a quote makes it text (OWASP's advice).
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


CSV_COLUMNS = ["line", "subject", "district", "verdict", "failed", "unknown", "reward", "currency", "payer", "error"]


def assess_record(
    engine: Assessor, compiled: CompiledStandard, on: dt.date, line: int, evidence: Any, source: str = "<batch>", every: bool = False
) -> BatchRow:
    """One record's row; a record that cannot be read or evaluated becomes an error row."""
    if isinstance(evidence, FivegoodError):
        return BatchRow(line, error=_one_line(str(evidence)), cause=evidence)
    subject = evidence.get("subject") if isinstance(evidence, dict) else None
    sid = _text(subject.get("id")) if isinstance(subject, dict) else None
    district = _text(subject.get("district")) if isinstance(subject, dict) else None
    try:
        found = engine.assess(evidence, compiled, on, source=source, line=line, every=every)
    except FivegoodError as exc:
        return BatchRow(line, sid, district, error=_one_line(str(exc)), cause=exc.with_traceback(None))
    d = found.decision
    # The district as the result stores it (its code), so that batch totals match single results.
    if found.subject is not None and found.subject.district:
        district = found.subject.district
    return BatchRow(line, sid, district, d.verdict, d.failed, d.unknown, found.reward, verdicts=found.verdicts)


def stream_batch(
    engine: Assessor, records: Iterable[Any], compiled: CompiledStandard, on: dt.date, source: str = "<batch>", every: bool = False
) -> Iterator[BatchRow]:
    """Rows one at a time, in input order: nothing is kept, so memory stays flat however long the input."""
    for position, item in enumerate(records, start=1):
        line, evidence = item if isinstance(item, tuple) else (position, item)
        yield assess_record(engine, compiled, on, line, evidence, source, every)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _one_line(text: str) -> str:
    return "; ".join(text.splitlines())
