"""The register: the database of record of a certification programme.

Every operation is one transaction that ends by appending one audit entry
(carrying the hash of the entry before it and of every row it wrote); a
refused or failed operation rolls back entirely. Nothing is updated or
deleted: corrections, payments and revocations are new rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any, Iterator, Mapping, Sequence

import attrs
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Connection, RowMapping

from fivegood_core import Engine, EvidenceError, FivegoodError, ResolutionError, Text
from fivegood_core.model import divisions
from fivegood_core.register import db
from fivegood_core.register import schema as t
from fivegood_core.register._core import parse_json_evidence, parse_toml_evidence
from fivegood_core.register.errors import RefusedError, RegisterError, UnavailableError
from fivegood_core.register.programmes import Programme, Programmes
from fivegood_core.words.catalogue import Message, say

DECIDED = ("certify", "designate")


def yuan(amount: Decimal) -> str:
    """Money as the register shows it: a string of yuan, without trailing ``.00`` (``"15000"``, ``"12.50"``)."""
    q = amount.quantize(Decimal("0.01"))
    return str(q.quantize(Decimal(1))) if q == q.to_integral_value() else str(q)


@attrs.frozen
class VerifyReport:
    """What :meth:`Register.verify` found: ``ok``, the number of entries, the chain's head hash and every problem."""

    ok: bool
    entries: int
    head: str
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {"ok": self.ok, "entries": self.entries, "head": self.head, "problems": list(self.problems)}


class _Tx:
    """One write transaction: inserts rows, remembers their digests, and appends the audit entry."""

    def __init__(self, conn: Connection, actor: str) -> None:
        self.conn = conn
        self.actor = actor
        self.rows: list[list[Any]] = []

    def insert(self, table: sa.Table, values: Mapping[str, Any]) -> RowMapping:
        result = self.conn.execute(table.insert().values(**values))
        pk_col = list(table.primary_key.columns)[0]
        pk = values[pk_col.name] if pk_col.name in values else tuple(result.inserted_primary_key or (None,))[0]
        row = self.conn.execute(sa.select(table).where(pk_col == pk)).mappings().one()
        self.rows.append([table.name, str(pk), t.row_digest(table, row)])
        return row

    def audit(self, action: str, detail: Mapping[str, Any]) -> int:
        head = self.conn.execute(sa.select(t.audit_log.c.seq, t.audit_log.c.hash).order_by(t.audit_log.c.seq.desc()).limit(1)).first()
        seq, prev = (head[0] + 1, head[1]) if head else (1, t.GENESIS)
        at = t.now()
        text = t.canonical({**detail, "rows": self.rows})
        digest = t.entry_hash(seq, at, self.actor, action, text, prev)
        self.conn.execute(
            t.audit_log.insert().values(seq=seq, at=at, actor=self.actor, action=action, detail=text, prev_hash=prev, hash=digest)
        )
        return int(seq)


class Register:
    """A register at a database URL (see :func:`fivegood_core.register.db.database_url`).

    ``engine`` and ``programmes`` default to every installed plugin's. Opening
    checks the schema revision: a register written by a newer fivegood is
    refused with a clear message, never misread.
    """

    def __init__(
        self, url: str | None = None, *, engine: Engine | None = None, programmes: Programmes | None = None, check: bool = True
    ) -> None:
        self.url = db.database_url(url)
        self.db = db.create_engine(self.url)
        self._engine = engine
        self._programmes = programmes
        if check:
            path = db.sqlite_path(self.url)
            if path is not None and not path.exists():  # connecting would create an empty file
                raise UnavailableError(say("register.no_register", path=path))
            with db.translated(self.url), self._read() as conn:
                db.check_revision(conn, self.url)

    # --- plumbing ---------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The fivegood engine assessments are made with."""
        if self._engine is None:
            self._engine = Engine.from_entry_points(strict=True)
        return self._engine

    @property
    def programmes(self) -> Programmes:
        """The programmes the register runs."""
        if self._programmes is None:
            self._programmes = Programmes.from_entry_points()
        return self._programmes

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @classmethod
    def init(
        cls, url: str | None = None, *, actor: str = "unknown", engine: Engine | None = None, programmes: Programmes | None = None
    ) -> "Register":
        """Create the register at ``url`` (or upgrade it to this version's schema) and open it."""
        reg = cls(url, engine=engine, programmes=programmes, check=False)
        with db.translated(reg.url):
            with reg.db.connect() as conn:
                with conn.begin():
                    before, after = db.upgrade(conn, reg.url)
                    if before is None:
                        conn.execute(t.meta.insert().values(key="lock", value="writers lock this row"))
                        conn.execute(t.meta.insert().values(key="created", value=t.now()))
                        tx = _Tx(conn, actor)
                        tx.audit("init", {"schema": after})
                    elif before != after:
                        tx = _Tx(conn, actor)
                        tx.audit("upgrade", {"from": before, "to": after})
        return reg

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.db.connect() as conn:
            conn = conn.execution_options(fivegood_read=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def _write(self, actor: str, action: str, detail: dict[str, Any]) -> Iterator[_Tx]:
        """One transaction: serialise writers, run the body, append the audit entry, commit (or roll back)."""
        with db.translated(self.url):
            with self.db.connect() as conn:
                try:
                    with conn.begin():
                        db.lock_for_write(conn)
                        tx = _Tx(conn, actor)
                        yield tx
                        tx.audit(action, detail)
                except exc.IntegrityError as e:
                    text = str(e.orig)
                    if "uq_reward_once" in text or "rewards.subject_id, rewards.programme, rewards.scheme" in text:
                        raise RefusedError(
                            say("register.refused.reward_once", subject=detail.get("subject")),
                            subject=detail.get("subject"),
                            rule="reward.once-per-subject",
                        ) from None
                    if "uq_nomination_once" in text or "nominations.programme, nominations.subject_id" in text:
                        raise RefusedError(
                            say("register.refused.nominated", subject=detail.get("subject")),
                            subject=detail.get("subject"),
                            rule="register.nominate-once",
                        ) from None
                    if "uq_reward_state_once" in text or "reward_events.reward_id, reward_events.state" in text:
                        raise RefusedError(
                            say("register.refused.reward_state_once"), subject=detail.get("subject"), rule="reward.state-once"
                        ) from None
                    if "audit_log" in text:
                        raise RefusedError(say("register.refused.serial"), subject=detail.get("subject"), rule="register.serial") from None
                    raise

    # --- lookups ----------------------------------------------------------------------------

    def programme(self, ref: str, on: dt.date | None = None) -> Programme:
        """The programme ``ref`` names, in force on ``on``."""
        try:
            return self.programmes.get(ref, on)
        except FivegoodError as e:
            raise RegisterError(say("register.as_is", error=e)) from None

    def _subject(self, conn: Connection, subject_id: str) -> RowMapping:
        row = conn.execute(sa.select(t.subjects).where(t.subjects.c.id == subject_id)).mappings().first()
        if row is None:
            raise RegisterError(say("register.unknown_subject", subject=repr(subject_id)))
        return row

    @staticmethod
    def _place(value: str | None, subject: str, field: str, jurisdiction: str, level: str, on: dt.date) -> str | None:
        if value is None:
            return None
        area = divisions.jurisdiction_area(jurisdiction)
        try:
            return divisions.resolve(value, as_of=on, level=level, area=area).code
        except divisions.PlaceError as e:
            raise RegisterError(say("register.subject_field", subject=subject, field=field, error=e)) from None

    def _ensure_subject(
        self, tx: _Tx, subject_id: str, *, name: str | None, kind: str, jurisdiction: str, prefecture: str | None, district: str | None
    ) -> RowMapping:
        row = tx.conn.execute(sa.select(t.subjects).where(t.subjects.c.id == subject_id)).mappings().first()
        if row is not None:
            if row["kind"] != kind or row["jurisdiction"] != jurisdiction:
                raise RefusedError(
                    say(
                        "register.refused.identity",
                        subject=subject_id,
                        kind=row["kind"],
                        jurisdiction=row["jurisdiction"],
                        new_kind=kind,
                        new_jurisdiction=jurisdiction,
                    ),
                    subject=subject_id,
                    rule="register.subject-identity",
                )
            for field, value in (("prefecture", prefecture), ("district", district)):
                if value is not None and row[field] is not None and row[field] != value:
                    raise RefusedError(
                        say("register.refused.place", subject=subject_id, field=field, registered=row[field], given=value),
                        subject=subject_id,
                        rule="register.subject-identity",
                    )
            return row
        return tx.insert(
            t.subjects,
            {
                "id": subject_id,
                "name": name or subject_id,
                "kind": kind,
                "jurisdiction": jurisdiction,
                "prefecture": prefecture,
                "district": district,
                "created": t.now(),
                "created_by": tx.actor,
            },
        )

    # --- operations -------------------------------------------------------------------------

    def nominate(
        self,
        programme: str,
        subject_id: str,
        *,
        name: str | None = None,
        prefecture: str | None = None,
        district: str | None = None,
        by: str | None = None,
        on: dt.date | None = None,
        actor: str = "unknown",
    ) -> dict[str, Any]:
        """Record a nomination; the programme's quota and deadline rules are applied (refused or flagged, as it says)."""
        on = on or dt.date.today()
        prog = self.programme(programme, on)
        nom = prog.nomination
        if nom is None:
            raise RefusedError(
                say("register.refused.no_nominations", programme=prog.ref, subject=subject_id),
                subject=subject_id,
                rule="programme.no-nominations",
            )
        pref = self._place(prefecture, subject_id, "prefecture", prog.jurisdiction, "prefecture", on)
        dist = self._place(district, subject_id, "district", prog.jurisdiction, "county", on)
        body = pref if nom.by == "prefecture" else dist
        if body is None:
            raise RegisterError(say("register.nominator_required", subject=subject_id, by=nom.by))
        if by is not None:
            by_code = self._place(
                by, subject_id, "nominated by", prog.jurisdiction, "prefecture" if nom.by == "prefecture" else "county", on
            )
            if by_code != body:
                raise RefusedError(
                    say("register.refused.nominator", subject=subject_id, by=nom.by, body=body, given=by_code),
                    subject=subject_id,
                    rule="nomination",
                    citation=nom.rule.citation,
                )
        detail: dict[str, Any] = {"programme": prog.ref, "subject": subject_id, "by": body, "on": on.isoformat()}
        with self._write(actor, "nominate", detail) as tx:
            self._ensure_subject(
                tx, subject_id, name=name, kind=prog.subject_kind, jurisdiction=prog.jurisdiction, prefecture=pref, district=dist
            )
            if tx.conn.execute(
                sa.select(t.nominations.c.id).where(t.nominations.c.programme == prog.id, t.nominations.c.subject_id == subject_id)
            ).first():
                raise RefusedError(
                    say("register.refused.nominated_to", subject=subject_id, programme=prog.id),
                    subject=subject_id,
                    rule="register.nominate-once",
                )
            flags: list[str] = []
            notes: list[str] = []
            if nom.quota is not None:
                count = tx.conn.execute(
                    sa.select(sa.func.count())
                    .select_from(t.nominations)
                    .where(t.nominations.c.programme == prog.id, t.nominations.c.nominated_by == body)
                ).scalar_one()
                if count >= nom.quota.max:
                    if nom.quota.on_breach == "refuse":
                        raise RefusedError(
                            say(
                                "register.refused.quota",
                                by=nom.by,
                                body=body,
                                count=count,
                                max=nom.quota.max,
                                programme=prog.id,
                                subject=subject_id,
                            ),
                            subject=subject_id,
                            rule="nomination.quota",
                            citation=nom.quota.rule.citation,
                        )
                    flags.append("over-quota")
                    notes.append(
                        f"over quota: {nom.by} {body} had already nominated {count} of at most {nom.quota.max} (「{nom.quota.rule.citation}」)"
                    )
            late = nom.deadline is not None and on > nom.deadline.date
            if late and nom.deadline is not None:
                if nom.deadline.on_breach == "refuse":
                    raise RefusedError(
                        say("register.refused.deadline", date=nom.deadline.date, on=on),
                        subject=subject_id,
                        rule="nomination.deadline",
                        citation=nom.deadline.rule.citation,
                    )
                flags.append("late")
                rule = nom.deadline.rule
                assumed = f"; assumed: {rule.note.en}" if rule.assumed and rule.note else ""
                notes.append(f"late: nominations were due by {nom.deadline.date} (「{rule.citation}」){assumed}")
            detail["flags"] = flags
            row = tx.insert(
                t.nominations,
                {
                    "programme": prog.id,
                    "programme_version": prog.version,
                    "subject_id": subject_id,
                    "nominated_by": body,
                    "nominated_to": nom.to.zh,
                    "nominated_on": on,
                    "late": late,
                    "recorded": t.now(),
                    "recorded_by": tx.actor,
                },
            )
        return {
            "id": row["id"],
            "programme": prog.ref,
            "subject": subject_id,
            "by": body,
            "on": on.isoformat(),
            "flags": flags,
            "notes": notes,
        }

    def submit(self, programme: str, content: bytes, filename: str, *, on: dt.date | None = None, actor: str = "unknown") -> dict[str, Any]:
        """Store evidence exactly as submitted (bytes and SHA-256); a later submission corrects, never replaces, the earlier."""
        on = on or dt.date.today()
        prog = self.programme(programme, on)
        doc = self.parse(content, filename)
        table = doc.get("subject")
        if not isinstance(table, dict) or not isinstance(table.get("id"), str) or not table["id"]:
            raise RegisterError(say("register.subject_id", file=filename))
        subject_id = table["id"]
        kind = table.get("kind") or prog.subject_kind
        if kind != prog.subject_kind:
            raise RegisterError(
                say("register.subject_kind", file=filename, programme=prog.ref, expected=repr(prog.subject_kind), got=repr(kind))
            )
        try:  # the evidence must be assessable before it is stored
            self.engine.evaluate(self.normalised(doc, prog, on), prog.standard, on)
        except EvidenceError as e:
            raise RegisterError(
                "\n".join(f"{filename}: {p}" if not p.file or p.file == "<evidence>" else str(p) for p in e.problems)
            ) from None
        except ResolutionError as e:
            raise RegisterError(say("register.as_is", error=e)) from None
        district = self._place(table.get("district"), subject_id, "district", prog.jurisdiction, "county", on)
        detail: dict[str, Any] = {"programme": prog.ref, "subject": subject_id, "filename": filename}
        with self._write(actor, "submit", detail) as tx:
            self._ensure_subject(
                tx,
                subject_id,
                name=table.get("name"),
                kind=prog.subject_kind,
                jurisdiction=prog.jurisdiction,
                prefecture=None,
                district=district,
            )
            if (
                prog.nomination is not None
                and not tx.conn.execute(
                    sa.select(t.nominations.c.id).where(t.nominations.c.programme == prog.id, t.nominations.c.subject_id == subject_id)
                ).first()
            ):
                raise RefusedError(
                    say("register.refused.not_nominated", subject=subject_id, programme=prog.id),
                    subject=subject_id,
                    rule="nomination",
                    citation=prog.nomination.rule.citation,
                )
            previous = tx.conn.execute(
                sa.select(sa.func.max(t.submissions.c.id)).where(
                    t.submissions.c.programme == prog.id, t.submissions.c.subject_id == subject_id
                )
            ).scalar_one_or_none()
            sha = hashlib.sha256(content).hexdigest()
            detail["sha256"] = sha
            row = tx.insert(
                t.submissions,
                {
                    "programme": prog.id,
                    "subject_id": subject_id,
                    "filename": filename,
                    "media_type": "application/json" if filename.endswith(".json") else "application/toml",
                    "content": content,
                    "sha256": sha,
                    "corrects": previous,
                    "submitted": t.now(),
                    "submitted_by": tx.actor,
                    "submitted_on": on,
                },
            )
        return {"id": row["id"], "subject": subject_id, "sha256": sha, "corrects": previous}

    @staticmethod
    def normalised(doc: dict[str, Any], prog: Programme, on: dt.date) -> dict[str, Any]:
        """``doc`` with ``subject.district`` as the romanised, lower-case name of the division it names on ``on``."""
        table = doc.get("subject")
        if not isinstance(table, dict) or not isinstance(table.get("district"), str):
            return doc
        try:
            division = divisions.resolve(table["district"], as_of=on, level="county", area=divisions.jurisdiction_area(prog.jurisdiction))
        except divisions.PlaceError as e:
            raise RegisterError(say("register.district", error=e)) from None
        return {**doc, "subject": {**table, "district": division.en.lower()}}

    @staticmethod
    def parse(content: bytes, filename: str) -> dict[str, Any]:
        """Evidence bytes as a table (TOML, or JSON when the name ends in ``.json``); malformed evidence is a :class:`RegisterError`."""
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as e:
            raise RegisterError(say("register.not_utf8", file=filename, reason=e.reason, start=e.start)) from None
        try:
            return parse_json_evidence(text, filename) if filename.endswith(".json") else parse_toml_evidence(text, filename)
        except EvidenceError as e:
            raise RegisterError(say("register.as_is", error=e)) from None

    def _latest_submission(self, conn: Connection, programme: str, subject_id: str) -> RowMapping | None:
        return (
            conn.execute(
                sa.select(t.submissions)
                .where(t.submissions.c.programme == programme, t.submissions.c.subject_id == subject_id)
                .order_by(t.submissions.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )

    def _waivers(self, conn: Connection, programme: str, subject_id: str, on: dt.date) -> list[RowMapping]:
        return list(
            conn.execute(
                sa.select(t.waivers)
                .where(t.waivers.c.programme == programme, t.waivers.c.subject_id == subject_id, t.waivers.c.expires >= on)
                .order_by(t.waivers.c.id)
            ).mappings()
        )

    def evaluate(
        self,
        prog: Programme,
        content: bytes,
        filename: str,
        on: dt.date,
        waivers: Sequence[Mapping[Any, Any]] = (),
        standard: str | None = None,
    ) -> dict[str, Any]:
        """The engine's JSON result for submitted evidence, the given waivers applied by the engine (changes nothing).

        The evidence's ``subject.district`` may be a code, a Chinese or a
        romanised name; the engine sees the romanised name the standards'
        reward schemes are written with (``applies_to = { district =
        "jiangbei" }``), so 江北区 and 330205 earn Jiangbei's reward as
        ``jiangbei`` does. The stored bytes are untouched.
        """
        doc = self.normalised(self.parse(content, filename), prog, on)
        try:
            compiled = self.engine.get(standard or prog.standard, on)
            # A waiver of a criterion another version no longer has (impact of a new version) sets nothing aside there.
            known = {c.id for c in compiled.defn.criteria}
            waive = {w["criterion"]: _waiver(w) for w in waivers if w["criterion"] in known}
            result = self.engine.evaluate(doc, compiled, on, waive=waive)
        except (EvidenceError, ResolutionError) as e:
            raise RegisterError(say("register.as_is", error=e)) from None
        return result.to_json()

    def assess(self, programme: str, subject_id: str, *, as_of: dt.date | None = None, actor: str = "unknown") -> dict[str, Any]:
        """Assess the subject's latest submission against the programme's standard as of ``as_of``; store the full result."""
        on = as_of or dt.date.today()
        prog = self.programme(programme, on)
        detail: dict[str, Any] = {"programme": prog.ref, "subject": subject_id, "as_of": on.isoformat()}
        with self._write(actor, "assess", detail) as tx:
            self._subject(tx.conn, subject_id)
            sub = self._latest_submission(tx.conn, prog.id, subject_id)
            if sub is None:
                raise RefusedError(
                    say("register.refused.no_evidence", subject=subject_id, programme=prog.id),
                    subject=subject_id,
                    rule="register.assess-submitted",
                )
            waivers = self._waivers(tx.conn, prog.id, subject_id, on)
            result = self.evaluate(prog, bytes(sub["content"]), sub["filename"], on, waivers)
            std = result["standard"]
            detail.update(verdict=result["verdict"], submission=sub["id"])
            row = tx.insert(
                t.assessments,
                {
                    "submission_id": sub["id"],
                    "programme": prog.id,
                    "subject_id": subject_id,
                    "standard": std["id"],
                    "standard_version": std["version"],
                    "standard_hash": std["content_hash"],
                    "as_of": on,
                    "verdict": result["verdict"],
                    "waived": json.dumps([w["id"] for w in waivers]),
                    "result": json.dumps(result, ensure_ascii=False, sort_keys=True),
                    "versions": json.dumps(result.get("engine", {}), sort_keys=True),
                    "assessed": t.now(),
                    "assessed_by": tx.actor,
                },
            )
        return {
            "id": row["id"],
            "subject": subject_id,
            "verdict": result["verdict"],
            "standard": f"{std['id']}@{std['version']}",
            "as_of": on.isoformat(),
            "failed": result.get("failed", []),
            "unknown": result.get("unknown", []),
            "waived": [w["criterion"] for w in waivers],
            "result": result,
        }

    def _standing(self, conn: Connection, programme: str, subject_id: str, on: dt.date | None = None) -> RowMapping | None:
        """The subject's latest decision (up to ``on``), or None."""
        q = sa.select(t.decisions).where(t.decisions.c.programme == programme, t.decisions.c.subject_id == subject_id)
        if on is not None:
            q = q.where(t.decisions.c.decided_on <= on)
        return conn.execute(q.order_by(t.decisions.c.id.desc()).limit(1)).mappings().first()

    def certify(self, programme: str, subject_id: str, *, on: dt.date | None = None, actor: str = "unknown") -> dict[str, Any]:
        """Certify or designate (as the programme says) on a passing assessment of the latest submission; create its rewards once."""
        on = on or dt.date.today()
        prog = self.programme(programme, on)
        detail: dict[str, Any] = {"programme": prog.ref, "subject": subject_id, "decision": prog.decision, "on": on.isoformat()}
        with self._write(actor, prog.decision, detail) as tx:
            self._subject(tx.conn, subject_id)
            standing = self._standing(tx.conn, prog.id, subject_id)
            if standing is not None and standing["kind"] in DECIDED:
                raise RefusedError(
                    say(
                        "register.refused.decided",
                        subject=subject_id,
                        decided=_past(standing["kind"]),
                        programme=prog.id,
                        decision=standing["id"],
                        on=standing["decided_on"],
                    ),
                    subject=subject_id,
                    rule=f"register.{prog.decision}-once",
                )
            sub = self._latest_submission(tx.conn, prog.id, subject_id)
            assessment = (
                None
                if sub is None
                else tx.conn.execute(
                    sa.select(t.assessments).where(t.assessments.c.submission_id == sub["id"]).order_by(t.assessments.c.id.desc()).limit(1)
                )
                .mappings()
                .first()
            )
            if assessment is None or assessment["verdict"] != "pass":
                what = (
                    say("register.no_assessment")
                    if assessment is None
                    else say("register.latest_assessment", id=assessment["id"], verdict=assessment["verdict"])
                )
                raise RefusedError(
                    say("register.refused.not_passing", subject=subject_id, decided=_past(prog.decision), what=what),
                    subject=subject_id,
                    rule=f"{prog.decision}.passing-assessment",
                    citation=prog.rule.citation,
                )
            decision = tx.insert(
                t.decisions,
                {
                    "programme": prog.id,
                    "subject_id": subject_id,
                    "kind": prog.decision,
                    "assessment_id": assessment["id"],
                    "reason": None,
                    "decided_on": on,
                    "recorded": t.now(),
                    "recorded_by": tx.actor,
                },
            )
            created: list[dict[str, Any]] = []
            reward = json.loads(assessment["result"]).get("reward") if prog.reward.source == "standard" else None
            if reward and reward.get("amount") is not None:
                exists = tx.conn.execute(
                    sa.select(t.rewards.c.id).where(
                        t.rewards.c.subject_id == subject_id, t.rewards.c.programme == prog.id, t.rewards.c.scheme == reward["scheme"]
                    )
                ).first()
                if exists is None:  # once per subject and scheme (programme rule reward.once_per; the UNIQUE constraint backs it)
                    row = tx.insert(
                        t.rewards,
                        {
                            "subject_id": subject_id,
                            "programme": prog.id,
                            "scheme": reward["scheme"],
                            "decision_id": decision["id"],
                            "amount": Decimal(reward["amount"]),
                            "currency": reward["currency"],
                            "payer_zh": reward["payer"]["zh"],
                            "payer_en": reward["payer"]["en"],
                            "basis": (reward.get("basis") or {}).get("zh", ""),
                            "created": t.now(),
                            "created_by": tx.actor,
                        },
                    )
                    tx.insert(
                        t.reward_events,
                        {"reward_id": row["id"], "state": "due", "reference": None, "reason": None, "at": t.now(), "by": tx.actor},
                    )
                    created.append({"scheme": reward["scheme"], "amount": yuan(row["amount"]), "payer": reward["payer"]})
            detail["rewards"] = created
            no_reward = None if created or not reward else reward.get("reason")
        return {"decision": decision["id"], "kind": prog.decision, "subject": subject_id, "rewards": created, "no_reward": no_reward}

    def refuse(self, programme: str, subject_id: str, reason: str, *, on: dt.date | None = None, actor: str = "unknown") -> dict[str, Any]:
        """Record a refusal (with its reason)."""
        on = on or dt.date.today()
        prog = self.programme(programme, on)
        with self._write(actor, "refuse", {"programme": prog.ref, "subject": subject_id, "reason": reason}) as tx:
            self._subject(tx.conn, subject_id)
            row = tx.insert(
                t.decisions,
                {
                    "programme": prog.id,
                    "subject_id": subject_id,
                    "kind": "refuse",
                    "assessment_id": None,
                    "reason": reason,
                    "decided_on": on,
                    "recorded": t.now(),
                    "recorded_by": tx.actor,
                },
            )
        return {"decision": row["id"], "kind": "refuse", "subject": subject_id}

    def revoke(self, programme: str, subject_id: str, reason: str, *, on: dt.date | None = None, actor: str = "unknown") -> dict[str, Any]:
        """Revoke a certification or designation; its unpaid rewards are reversed (paid ones stay, for a reversing payment)."""
        on = on or dt.date.today()
        prog = self.programme(programme, on)
        if not reason.strip():
            raise RegisterError(say("register.revoke_reason"))
        detail: dict[str, Any] = {"programme": prog.ref, "subject": subject_id, "reason": reason}
        with self._write(actor, "revoke", detail) as tx:
            self._subject(tx.conn, subject_id)
            standing = self._standing(tx.conn, prog.id, subject_id)
            if standing is None or standing["kind"] not in DECIDED:
                raise RefusedError(
                    say("register.refused.nothing_to_revoke", subject=subject_id, decided=_past(prog.decision), programme=prog.id),
                    subject=subject_id,
                    rule="register.revoke-decided",
                )
            row = tx.insert(
                t.decisions,
                {
                    "programme": prog.id,
                    "subject_id": subject_id,
                    "kind": "revoke",
                    "assessment_id": None,
                    "reason": reason,
                    "decided_on": on,
                    "recorded": t.now(),
                    "recorded_by": tx.actor,
                },
            )
            reversed_: list[str] = []
            for entry in self._ledger(tx.conn, programme=prog.id, subject=subject_id):
                if entry["state"] in ("due", "approved"):
                    tx.insert(
                        t.reward_events,
                        {
                            "reward_id": entry["_id"],
                            "state": "reversed",
                            "reference": None,
                            "reason": f"certification revoked: {reason}",
                            "at": t.now(),
                            "by": tx.actor,
                        },
                    )
                    reversed_.append(entry["scheme"])
            detail["reversed"] = reversed_
        return {"decision": row["id"], "kind": "revoke", "subject": subject_id, "reversed": reversed_}

    def waive(
        self,
        programme: str,
        subject_id: str,
        criterion: str,
        *,
        reason: str,
        approver: str,
        expires: dt.date,
        on: dt.date | None = None,
        actor: str = "unknown",
    ) -> dict[str, Any]:
        """Set one criterion aside for one subject until ``expires`` (inclusive); it then shows as ``waived``, never as passed."""
        on = on or dt.date.today()
        prog = self.programme(programme, on)
        if not reason.strip() or not approver.strip():
            raise RegisterError(say("register.waiver_needs"))
        try:
            std = self.engine.get(prog.standard, on)
        except ResolutionError as e:
            raise RegisterError(say("register.as_is", error=e)) from None
        ids = [c.id for c in std.defn.criteria]
        if criterion not in ids:
            import difflib

            near = difflib.get_close_matches(criterion, ids, n=3)
            raise RegisterError(
                say("register.no_criterion_near", standard=prog.standard, criterion=repr(criterion), near=near)
                if near
                else say("register.no_criterion", standard=prog.standard, criterion=repr(criterion))
            )
        with self._write(
            actor, "waive", {"programme": prog.ref, "subject": subject_id, "criterion": criterion, "expires": expires.isoformat()}
        ) as tx:
            self._subject(tx.conn, subject_id)
            row = tx.insert(
                t.waivers,
                {
                    "programme": prog.id,
                    "subject_id": subject_id,
                    "criterion": criterion,
                    "reason": reason,
                    "approver": approver,
                    "expires": expires,
                    "recorded": t.now(),
                    "recorded_by": tx.actor,
                },
            )
        return {"id": row["id"], "subject": subject_id, "criterion": criterion, "expires": expires.isoformat()}

    def pay(
        self,
        subject_id: str,
        scheme: str,
        *,
        to: str,
        reference: str | None = None,
        reason: str | None = None,
        programme: str | None = None,
        actor: str = "unknown",
    ) -> dict[str, Any]:
        """Move a reward on: ``to="approved"`` (from due), ``"paid"`` (from approved, with a reference), or ``"reversed"`` (with a reason)."""
        if to not in ("approved", "paid", "reversed"):
            raise RegisterError(say("register.pay_to", got=repr(to)))
        if to == "paid" and not (reference or "").strip():
            raise RegisterError(say("register.pay_reference"))
        if to == "reversed" and not (reason or "").strip():
            raise RegisterError(say("register.reverse_reason"))
        detail = {"subject": subject_id, "scheme": scheme, "to": to, "reference": reference}
        with self._write(actor, "reward." + to, detail) as tx:
            entries = [e for e in self._ledger(tx.conn, programme=programme, subject=subject_id) if e["scheme"] == scheme]
            if not entries:
                raise RegisterError(say("register.no_reward", subject=subject_id, scheme=repr(scheme)))
            if len(entries) > 1:
                raise RegisterError(say("register.several_rewards", subject=subject_id, scheme=repr(scheme)))
            entry = entries[0]
            allowed = {"approved": ("due",), "paid": ("approved",), "reversed": ("due", "approved", "paid")}[to]
            if entry["state"] not in allowed:
                raise RefusedError(
                    say(
                        "register.refused.reward_state",
                        scheme=scheme,
                        subject=subject_id,
                        state=entry["state"],
                        to=to,
                        allowed=" or ".join(allowed),
                    ),
                    subject=subject_id,
                    rule=f"reward.{to}",
                )
            tx.insert(
                t.reward_events,
                {"reward_id": entry["_id"], "state": to, "reference": reference, "reason": reason, "at": t.now(), "by": tx.actor},
            )
        return {**{k: v for k, v in entry.items() if not k.startswith("_")}, "state": to, "reference": reference or entry["reference"]}

    # --- reading ----------------------------------------------------------------------------

    def _ledger(self, conn: Connection, programme: str | None = None, subject: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(t.rewards)
        if programme:
            q = q.where(t.rewards.c.programme == programme.split("@")[0])
        if subject:
            q = q.where(t.rewards.c.subject_id == subject)
        rewards = list(conn.execute(q.order_by(t.rewards.c.id)).mappings())
        events: dict[int, list[RowMapping]] = {}
        if rewards:
            for ev in conn.execute(
                sa.select(t.reward_events).where(t.reward_events.c.reward_id.in_([r["id"] for r in rewards])).order_by(t.reward_events.c.id)
            ).mappings():
                events.setdefault(ev["reward_id"], []).append(ev)
        out = []
        for r in rewards:
            evs = events.get(r["id"], [])
            state = evs[-1]["state"] if evs else "due"
            reference = next((e["reference"] for e in reversed(evs) if e["reference"]), None)
            out.append(
                {
                    "subject": r["subject_id"],
                    "programme": r["programme"],
                    "scheme": r["scheme"],
                    "amount": yuan(r["amount"]),
                    "currency": r["currency"],
                    "payer": {"zh": r["payer_zh"], "en": r["payer_en"]},
                    "state": state,
                    "created": r["created"],
                    "reference": reference,
                    "_id": r["id"],
                    "_amount": Decimal(r["amount"]),
                    "_events": [
                        {"state": e["state"], "at": e["at"], "by": e["by"], "reference": e["reference"], "reason": e["reason"]} for e in evs
                    ],
                }
            )
        return out

    def ledger(self, programme: str | None = None, subject: str | None = None) -> list[dict[str, Any]]:
        """The reward ledger: one entry per reward, in SPEC section 6's JSON form (amount a string of yuan)."""
        with db.translated(self.url), self._read() as conn:
            return [{k: v for k, v in e.items() if not k.startswith("_")} for e in self._ledger(conn, programme, subject)]

    def log(self) -> list[dict[str, Any]]:
        """The audit log, oldest first."""
        with db.translated(self.url), self._read() as conn:
            return [
                dict(r) | {"detail": json.loads(r["detail"])}
                for r in conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.seq)).mappings()
            ]

    def verify(self) -> VerifyReport:
        """Check the audit chain and every audited row; the first problem names the first bad entry."""
        problems: list[tuple[int, str]] = []
        with db.translated(self.url), self._read() as conn:
            entries = list(conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.seq)).mappings())
            prev = t.GENESIS
            claims: dict[tuple[str, str], tuple[int, str]] = {}
            for i, e in enumerate(entries, start=1):
                if e["seq"] != i:
                    problems.append((i, f"audit entry #{i} is missing (the next entry is #{e['seq']}): entries were removed"))
                    break
                if e["prev_hash"] != prev:
                    problems.append(
                        (
                            i,
                            f"audit entry #{i} does not follow entry #{i - 1}: its previous-hash is {e['prev_hash'][:12]}…, "
                            f"entry #{i - 1} hashes to {prev[:12]}… (an entry was changed or removed)",
                        )
                    )
                    break
                digest = t.entry_hash(e["seq"], e["at"], e["actor"], e["action"], e["detail"], e["prev_hash"])
                if digest != e["hash"]:
                    problems.append(
                        (i, f"audit entry #{i} ({e['action']}) was changed after it was written: its content no longer matches its hash")
                    )
                    break
                prev = e["hash"]
                try:
                    rows = json.loads(e["detail"]).get("rows", [])
                except ValueError:
                    rows = []
                for table, pk, row_hash in rows:
                    claims[(table, pk)] = (i, row_hash)
            for table in t.AUDITED:
                pk_col = list(table.primary_key.columns)[0]
                for row in conn.execute(sa.select(table).order_by(pk_col)).mappings():
                    key = (table.name, str(row[pk_col.name]))
                    claim = claims.pop(key, None)
                    if claim is None:
                        problems.append(
                            (
                                len(entries) + 1,
                                f"row {table.name} #{key[1]} is in no audit entry: it was written behind the register's back",
                            )
                        )
                    elif t.row_digest(table, row) != claim[1]:
                        problems.append(
                            (
                                claim[0],
                                f"audit entry #{claim[0]}: row {table.name} #{key[1]} it recorded was changed behind the register's back",
                            )
                        )
                    elif table is t.submissions and hashlib.sha256(bytes(row["content"])).hexdigest() != row["sha256"]:
                        problems.append(
                            (claim[0], f"audit entry #{claim[0]}: submission #{key[1]}'s content no longer matches its SHA-256")
                        )
            for (table_name, pk), (seq, _) in claims.items():
                problems.append((seq, f"audit entry #{seq}: row {table_name} #{pk} it recorded was removed behind the register's back"))
        problems.sort(key=lambda p: p[0])
        return VerifyReport(not problems, len(entries), prev, tuple(p for _, p in problems))

    def subject(self, subject_id: str) -> dict[str, Any] | None:
        """One subject's row, or None when the register has no subject of that id."""
        with db.translated(self.url), self._read() as conn:
            row = conn.execute(sa.select(t.subjects).where(t.subjects.c.id == subject_id)).mappings().first()
            return dict(row) if row is not None else None

    def subjects(self) -> list[dict[str, Any]]:
        """Every subject, by id."""
        with db.translated(self.url), self._read() as conn:
            return [dict(r) for r in conn.execute(sa.select(t.subjects).order_by(t.subjects.c.id)).mappings()]

    def table(self, name: str) -> list[dict[str, Any]]:
        """The rows of one table, for export (submission content as its size; password hashes hidden)."""
        tables = {tb.name: tb for tb in t.AUDITED}
        tables["audit_log"] = t.audit_log
        if name not in tables:
            raise RegisterError(say("register.unknown_table", name=repr(name), expected=", ".join(tables)))
        table = tables[name]
        pk = list(table.primary_key.columns)[0]
        with db.translated(self.url), self._read() as conn:
            out = []
            for r in conn.execute(sa.select(table).order_by(pk)).mappings():
                row = dict(r)
                if "content" in row:
                    row["content"] = f"{len(bytes(row['content']))} bytes"
                for column in t.SECRET_COLUMNS & row.keys():
                    row[column] = "(hidden)"
                out.append(row)
            return out


def _waiver(w: Mapping[Any, Any]) -> Text:
    """A waiver row as the reason the engine shows beside the waived criterion."""
    return Text(
        f"{w['reason']}(批准人:{w['approver']},有效期至 {w['expires']})",
        f"{w['reason']} (approved by {w['approver']}, until {w['expires']})",
    )


def _past(kind: str) -> Message:
    return say(f"register.past.{kind}") if kind in ("certify", "designate", "refuse", "revoke") else kind
