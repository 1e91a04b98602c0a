"""The fast lane of a JSON Lines batch: the same rows as :func:`.rows.assess_record`, in a fraction of the time.

A record on the fast lane is parsed once in C (numbers with a fraction
still become ``Decimal``, from their text): with msgspec installed (the
``fast`` extra), by a decoder typed from the standard's vocabulary, which
checks counts, flags, years and whole amounts in C as it parses; without it,
by the standard library's JSON scanner and inline type tests instead of the
general evidence check. Either way it is decided by the generated fast path,
and its row's JSON is put together from its parts (strings encoded by the json
module's own C encoder) rather than by ``json.dumps`` of a dict built per row;
node verdicts are counted a block at a time. Anything the fast lane is not sure of (a backslash in the
line, a value of an unusual type or out of bounds, a nested table, an
unknown section, a subject that will not place, any error at all) sends the
record down the reference path, :func:`.rows.assess_record` on the line
parsed by :func:`.records.parse_line`, which gives the row, error message and
all, exactly as before. The fast lane only ever *accepts* what the reference
path accepts, so rows are identical; ``tests/test_batch_fast.py`` holds the
two lanes to the same bytes.

Duplicate keys (which evidence refuses) are caught without a hook per JSON
object: in a line without a backslash every ``"`` opens or closes a string, so
the line holds ``count('"') / 2`` strings; the parsed document holds exactly
that many (keys and string values) unless a repeated key dropped one. The typed
decoder's other ways of holding fewer strings than the line (a key it does not
know, which it skips; a number written as a string, which it reads as one) are
caught by the same count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Callable, Iterable, Iterator, Sequence, cast

import attrs

from fivegood_core.batch.records import parse_line
from fivegood_core.batch.rows import Assessor, BatchRow, assess_record
from fivegood_core.evaluation.compiled import CompiledStandard
from fivegood_core.evidence.document import MAX_NAME, MAX_VALUES, _reject_constant, place_subject
from fivegood_core.model.results import Decision, RewardResult
from fivegood_core.model.subject import Subject
from fivegood_core.model.verdict import Overall, Verdict
from fivegood_core.model.vocabulary import CONTROL_CHARACTERS, MAX_MAGNITUDE, BadValue, Vocabulary

__all__ = ["FastLane", "FastRow"]

# The scanner with no object hook: dicts are built in C. Duplicates are found by counting (see above).
_DECODE = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant).decode

# How a plain key's value is checked on the fast lane (anything else: the key type's own check).
_COUNT, _FLAG, _TEXT, _YEAR, _NONNEG, _NUMBER, _OTHER = range(7)
_CODE_OF_TYPE = {"count": _COUNT, "flag": _FLAG, "text": _TEXT, "year": _YEAR, "amount": _NONNEG, "area": _NONNEG}
_CODE_OF_TYPE.update(number=_NUMBER, rate=_NUMBER)
#: The subject's fields that must be names (:func:`~fivegood_core.evidence.document.subject_of`).
_SUBJECT_FIELDS = frozenset(f.name for f in attrs.fields(Subject) if f.name != "year")
_VERDICT_OF_CODE = {int(v): v for v in Verdict}
_VERDICT_TEXT = {v: encode_basestring(v.value) for v in Overall}
#: Node verdicts buffered before they are counted column by column.
BLOCK = 1024
#: How many distinct verdicts, with their failed and unknown checks, a lane remembers as row text.
TEXTS = 4096


class FastRow:
    """A row made on the fast lane: what :class:`.rows.BatchRow` holds, with its JSON line ready."""

    __slots__ = ("line", "subject_id", "district", "verdict", "failed", "unknown", "codes", "reward", "text")

    def __init__(
        self,
        line: int,
        subject_id: str | None,
        district: str | None,
        verdict: Overall,
        failed: tuple[str, ...],
        unknown: tuple[str, ...],
        codes: Sequence[int],
        reward: RewardResult | None,
        text: str,
    ) -> None:
        self.line = line
        self.subject_id = subject_id
        self.district = district
        self.verdict = verdict
        self.failed = failed
        self.unknown = unknown
        #: Every node's verdict code (``int(Verdict)``), in the standard's node order; empty unless asked for.
        self.codes = codes
        self.reward = reward
        #: The row as ``fivegood batch`` writes it in JSON Lines, without the line feed.
        self.text = text

    error: None = None
    cause: None = None

    def __reduce__(self) -> Any:
        # Compact on the way back from a worker: the verdict by name, the codes as bytes (each is below 256).
        return (
            _wire,
            (
                self.line,
                self.subject_id,
                self.district,
                self.verdict.value,
                self.failed,
                self.unknown,
                bytes(self.codes),
                self.reward,
                self.text,
            ),
        )

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        return tuple(map(_VERDICT_OF_CODE.__getitem__, self.codes))

    def error_in(self, lang: str = "en") -> None:
        return None

    def __eq__(self, other: object) -> bool:
        # The same row whichever lane made it: equal to the BatchRow the reference path gives for the record.
        if other.__class__ is FastRow:
            return self.row() == other.row()
        if other.__class__ is BatchRow:
            return self.row() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.row())

    def row(self) -> BatchRow:
        """The same row as a :class:`BatchRow`."""
        return BatchRow(
            self.line, self.subject_id, self.district, self.verdict, self.failed, self.unknown, self.reward, verdicts=self.verdicts
        )

    def to_json(self) -> dict[str, Any]:
        return self.row().to_json()

    def to_csv(self) -> list[str]:
        return self.row().to_csv()


_OVERALL = {v.value: v for v in Overall}


def _wire(
    line: int, sid: str | None, district: str | None, verdict: str, failed: Any, unknown: Any, codes: bytes, reward: Any, text: str
) -> FastRow:
    return FastRow(line, sid, district, _OVERALL[verdict], failed, unknown, codes, reward, text)


def json_line(row: Any) -> str:
    """A row as one line of JSON (no line feed), as ``fivegood batch`` writes it."""
    if row.__class__ is FastRow:
        return str(row.text)
    return json.dumps(row.to_json(), ensure_ascii=False)


def _other(entry: Any, value: Any) -> int:
    """How many strings a value of another key type holds, or -1 when the reference path must check it."""
    cls = value.__class__
    strings = 0
    if cls is list:
        if any(v.__class__ is not str for v in value):
            return -1
        strings = len(value)
    elif cls is str:
        strings = 1
    elif cls is not int and cls is not Decimal and cls is not bool:
        return -1  # a table (e.g. counts by year) or anything else: the reference path
    try:
        entry.read(value)
    except BadValue:
        return -1
    return strings


def _decimal(entry: Any, value: Any) -> bool:
    """Whether a Decimal amount or area is one the key accepts (bounds, places)."""
    try:
        entry.read(value)
    except BadValue:
        return False
    return True


def _attest(table: dict[str, Any]) -> bool:
    """Whether ``attest.<criterion id>`` names and values are what evidence accepts: flags under plain names."""
    for name, value in table.items():
        if not name or "." in name or (value is not True and value is not False and value is not None):
            return False
    return True


def _checker(vocabulary: Vocabulary) -> Callable[[dict[str, Any]], int]:
    """A function of a parsed document: how many strings it holds, or -1 when the reference path must check it."""
    plain = {
        section: {name: (_CODE_OF_TYPE.get(e.type.name, _OTHER), e) for name, e in keys.items()}
        for section, keys in vocabulary.plain_keys().items()
    }
    # Sections whose keys are all counts, or all flags, are checked whole (set operations, min and max in C).
    alike: dict[str, tuple[int, frozenset[str]]] = {}
    for section, keys in plain.items():
        codes = {code for code, _ in keys.values()}
        if codes == {_COUNT} or codes == {_FLAG}:
            alike[section] = (codes.pop(), frozenset(keys))
    sections = vocabulary.sections()
    no_text = CONTROL_CHARACTERS.search
    big = MAX_MAGNITUDE
    ints, flags = frozenset((int,)), frozenset((bool, type(None)))

    def check(doc: dict[str, Any]) -> int:
        strings = len(doc)
        values = 0
        for section, table in doc.items():
            if table.__class__ is not dict:
                if table is None and section in sections:
                    continue
                return -1  # a section that is not a table, or an unknown one: the reference path says what to
            same = alike.get(section)
            if same is not None:
                if not table.keys() <= same[1]:
                    return -1
                strings += len(table)
                values += len(table)
                if not table:
                    continue
                kinds = set(map(type, table.values()))
                if same[0] == _FLAG:
                    if not kinds <= flags:
                        return -1
                else:
                    numbers = table.values() if kinds == ints else [v for v in table.values() if v is not None]
                    if not set(map(type, numbers)) <= ints or (numbers and (min(numbers) < 0 or max(numbers) >= big)):
                        return -1
                continue
            known = plain.get(section)
            if known is None:
                if section == "attest" and _attest(table):
                    strings += len(table)
                    values += len(table)
                    continue
                return -1
            strings += len(table)
            values += len(table)
            for name, value in table.items():
                found = known.get(name)
                if found is None:
                    return -1  # an unknown key: a warning in the reference path, kept simple here
                if value is None:
                    continue
                code = found[0]
                cls = value.__class__
                if code == _COUNT:
                    if cls is not int or value < 0 or value >= big:
                        return -1
                elif code == _FLAG:
                    if value is not True and value is not False:
                        return -1
                elif code == _NONNEG:
                    if cls is int:
                        if value < 0 or value >= big:
                            return -1
                    elif cls is not Decimal or not _decimal(found[1], value):
                        return -1
                elif code == _TEXT:
                    if cls is not str or no_text(value):
                        return -1
                    strings += 1
                elif code == _YEAR:
                    if cls is not int or not 1000 <= value <= 2999:
                        return -1
                else:
                    more = _other(found[1], value)
                    if more < 0:
                        return -1
                    strings += more
        if values > MAX_VALUES:
            return -1
        return strings

    return check


def _typed(vocabulary: Vocabulary) -> tuple[Callable[[str], Any], Callable[[dict[str, Any]], int]] | None:
    """A typed msgspec decoder of a document and the checks it leaves to Python; None without msgspec.

    The decoder checks in C what :func:`_checker` checks of counts, flags,
    years and the integer amounts and areas (type and bounds), so what is left
    here is small: text, decimal amounts, other key types, attestations, and
    counting strings. It accepts only what :func:`_checker` accepts, with the
    same values: numbers with a fraction or exponent become ``Decimal`` from
    their text; keys it does not know are skipped, which the string count
    notices like a repeated key (both leave fewer strings than quotes), as it
    notices a number written as a string.
    """
    try:
        import msgspec
    except ImportError:
        return None
    from typing import Annotated, TypedDict, Union

    count = Annotated[int, msgspec.Meta(ge=0, lt=MAX_MAGNITUDE)]
    types: dict[int, Any] = {
        _COUNT: Union[count, None],
        _FLAG: Union[bool, None],
        _NONNEG: Union[count, Decimal, None],
        _TEXT: Union[str, None],
        _YEAR: Union[Annotated[int, msgspec.Meta(ge=1000, le=2999)], None],
    }
    fields: dict[str, Any] = {}
    # Per section, the keys Python still checks: (name, code, entry).
    left: dict[str, tuple[tuple[str, int, Any], ...]] = {}
    for number, (section, keys) in enumerate(vocabulary.plain_keys().items()):
        shape: dict[str, Any] = {}
        rest = []
        for name, entry in keys.items():
            code = _CODE_OF_TYPE.get(entry.type.name, _OTHER)
            shape[name] = types.get(code, Any)
            # Numbers and rates are Any to the decoder (an int or a Decimal of any size): checked here, as other types are.
            if code in (_NONNEG, _TEXT, _NUMBER, _OTHER):
                rest.append((name, code, entry))
        fields[section] = Union[TypedDict(f"Section{number}", shape, total=False), None]  # type: ignore[operator]
        if rest:
            left[section] = tuple(rest)
    if "attest" not in fields:
        fields["attest"] = Union[dict[str, Union[bool, None]], None]
    decode = msgspec.json.Decoder(TypedDict("Evidence", fields, total=False), float_hook=Decimal).decode  # type: ignore[operator]
    no_text = CONTROL_CHARACTERS.search

    def check(doc: dict[str, Any]) -> int:
        strings = len(doc)
        values = 0
        for section, table in doc.items():
            if table is None:
                continue
            values += len(table)
            rest = left.get(section)
            if rest is None:
                if section == "attest" and not _attest(table):
                    return -1
                continue
            for name, code, entry in rest:
                value = table.get(name)
                if value is None:
                    continue
                if code == _TEXT:
                    if no_text(value):
                        return -1
                    strings += 1
                elif code == _NONNEG:
                    if value.__class__ is Decimal and not _decimal(entry, value):
                        return -1
                else:
                    more = _other(entry, value)
                    if more < 0:
                        return -1
                    strings += more
        if values > MAX_VALUES:
            return -1
        return strings + values

    return decode, check


def _subject(table: Any) -> bool:
    """Whether the subject table passes :func:`~fivegood_core.evidence.document.subject_of` (checked by type already)."""
    if table.__class__ is not dict:
        return table is None
    for name, value in table.items():
        if value is None:
            continue
        if name == "year":
            if value.__class__ is not int:
                return False
        elif name in _SUBJECT_FIELDS and (
            value.__class__ is not str or not value.strip() or len(value) > MAX_NAME or CONTROL_CHARACTERS.search(value)
        ):
            return False
    return True


class FastLane:
    """Turns JSON Lines text into rows, on the fast lane when it can and the reference path when not."""

    def __init__(
        self,
        engine: Assessor,
        compiled: CompiledStandard,
        on: dt.date,
        source: str = "<batch>",
        every: bool = False,
        typed: bool = True,
    ) -> None:
        self.engine = engine
        self.compiled = compiled
        self.on = on
        self.source = source
        self.every = every
        # With msgspec installed (the ``fast`` extra) and ``typed``, lines are parsed and type-checked in C.
        found = _typed(compiled.vocabulary) if typed else None
        self.parse, self.check = found if found is not None else (_DECODE, _checker(compiled.vocabulary))
        #: Whether this lane parses with msgspec.
        self.typed = found is not None
        defn = compiled.defn
        self.rewards = bool(defn.rewards)
        self.jurisdiction = defn.jurisdiction
        self.also_in = defn.also_in
        self.decide = compiled.codes if every else None
        self._texts: dict[tuple[Overall, tuple[str, ...], tuple[str, ...]], str] = {}

    def rows(self, lines: Iterable[tuple[int, Any]]) -> Iterator[Any]:
        """A row for each numbered line of text (or error), in order."""
        row = self.row
        for line, text in lines:
            yield row(line, text)

    def row(self, line: int, text: Any) -> Any:
        """One record's row: a :class:`FastRow`, or the reference path's :class:`BatchRow`."""
        if text.__class__ is str and "\\" not in text:
            try:
                found = self._fast(line, text)
            except Exception:  # noqa: BLE001 - whatever it is, the reference path decides (and raises it again if it must)
                found = None
            if found is not None:
                return found
        return assess_record(self.engine, self.compiled, self.on, line, parse_line(line, text, self.source), self.source, self.every)

    def _fast(self, line: int, text: str) -> FastRow | None:
        doc = self.parse(text)
        if doc.__class__ is not dict:
            return None
        strings = self.check(doc)
        if strings < 0 or strings + strings != text.count('"'):
            return None
        subject = doc.get("subject")
        if not _subject(subject):
            return None
        on = self.on
        placed = doc
        if subject is not None and (
            subject.get("jurisdiction").__class__ is str
            or subject.get("district").__class__ is str
            or subject.get("prefecture").__class__ is str
        ):
            # Only these make place_subject do anything (check or place); without them it returns the document.
            placed = cast("dict[str, Any]", place_subject(doc, self.jurisdiction, on, self.source, self.also_in))
            if placed is not doc and not _subject(placed.get("subject")):
                return None
        compiled = self.compiled
        if self.decide is not None:
            decision, codes = self.decide(placed, on)
        else:
            decision, codes = compiled.decide(placed, on), ()
        sid = district = None
        if subject is not None:
            sid = subject.get("id")
            if sid.__class__ is not str:
                sid = None
            district = placed["subject"].get("district")
            if district.__class__ is not str:
                district = None
        reward = self._reward(placed, decision) if self.rewards else None
        # The row as json.dumps(row.to_json(), ensure_ascii=False) writes it, built from its parts.
        out = (
            '{"line": '
            + str(line)
            + ', "subject": '
            + ("null" if sid is None else encode_basestring(sid))
            + ', "district": '
            + ("null" if district is None else encode_basestring(district))
            + self._verdict_text(decision)
            + ("null" if reward is None else json.dumps(reward.to_json(), ensure_ascii=False))
            + ', "error": null}'
        )
        return FastRow(line, sid, district, decision.verdict, decision.failed, decision.unknown, codes, reward, out)

    def _verdict_text(self, decision: Decision) -> str:
        """The row's text from the verdict to the reward: the same for every record decided alike, so remembered."""
        key = (decision.verdict, decision.failed, decision.unknown)
        text = self._texts.get(key)
        if text is None:
            if len(self._texts) >= TEXTS:
                self._texts.clear()
            text = self._texts[key] = (
                ', "verdict": '
                + _VERDICT_TEXT[decision.verdict]
                + ', "failed": ['
                + ", ".join(map(encode_basestring, decision.failed))
                + '], "unknown": ['
                + ", ".join(map(encode_basestring, decision.unknown))
                + '], "reward": '
            )
        return text

    def _reward(self, doc: dict[str, Any], decision: Decision) -> RewardResult | None:
        from fivegood_core.evidence.document import subject_of
        from fivegood_core.evidence.reader import Reader
        from fivegood_core.kinds.rewards import reward_for

        compiled = self.compiled
        subject: Subject = subject_of(doc, self.source)
        return reward_for(
            compiled.defn.rewards, decision.verdict, subject, Reader(doc, compiled.vocabulary, self.source), self.on, compiled.calculators
        )


def count_codes(per_node: list[dict[Verdict, int]], block: list[Sequence[int]]) -> None:
    """Add a block of rows' node codes to per-node counts, column by column."""
    for counts, column in zip(per_node, zip(*block)):
        for code, n in Counter(column).items():
            counts[_VERDICT_OF_CODE[code]] += n
    block.clear()
