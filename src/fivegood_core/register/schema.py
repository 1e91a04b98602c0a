"""The register's tables (SQLAlchemy Core), and how a row is hashed for the audit trail.

The migrations in ``migrations/versions`` create exactly these tables; a test
compares the two. Every table is insert-only: a change of state is a new row
(a correction is a new submission, a payment a new reward event), so that a
row's hash, recorded in the audit log when it was written, stays valid.

Timestamps are stored as ISO 8601 text in UTC (``2013-02-25T09:00:00.000000Z``)
rather than as ``TIMESTAMP``: they then read back byte-identical from SQLite
and PostgreSQL, which a hash chain needs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any, Mapping

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: The schema revision this code writes; a register at a revision this code does not know is refused.
SCHEMA_REVISION = "0003"

metadata = MetaData()

TS = String(32)  # ISO 8601 UTC timestamp, see the module docstring
HASH = String(64)  # SHA-256, hex

meta = Table(
    "register_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

subjects = Table(
    "subjects",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("jurisdiction", String(40), nullable=False),
    Column("prefecture", String(6)),  # GB/T 2260 code
    Column("district", String(6)),  # GB/T 2260 code
    Column("created", TS, nullable=False),
    Column("created_by", Text, nullable=False),
)

nominations = Table(
    "nominations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme", String(200), nullable=False),
    Column("programme_version", String(40), nullable=False),
    Column("subject_id", String(200), ForeignKey("subjects.id"), nullable=False),
    Column("nominated_by", String(6), nullable=False),  # the nominating body's GB/T 2260 code
    Column("nominated_to", Text, nullable=False),
    Column("nominated_on", Date, nullable=False),
    Column("late", Boolean, nullable=False),
    Column("recorded", TS, nullable=False),
    Column("recorded_by", Text, nullable=False),
    UniqueConstraint("programme", "subject_id", name="uq_nomination_once"),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme", String(200), nullable=False),
    Column("subject_id", String(200), ForeignKey("subjects.id"), nullable=False),
    Column("filename", Text, nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", HASH, nullable=False),
    Column("corrects", Integer, ForeignKey("submissions.id")),
    Column("submitted", TS, nullable=False),
    Column("submitted_by", Text, nullable=False),
    # The date the submission was made on (submit --on); None for those stored before schema 0002.
    Column("submitted_on", Date, nullable=True),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("programme", String(200), nullable=False),
    Column("subject_id", String(200), ForeignKey("subjects.id"), nullable=False),
    Column("standard", String(200), nullable=False),
    Column("standard_version", String(40), nullable=False),
    Column("standard_hash", String(100), nullable=False),  # the engine's content hash, e.g. "sha256:…"
    Column("as_of", Date, nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("waived", Text, nullable=False),  # JSON list of waiver ids applied
    Column("result", Text, nullable=False),  # the engine's full JSON result, waivers marked
    Column("versions", Text, nullable=False),  # JSON: engine and plugin versions
    Column("assessed", TS, nullable=False),
    Column("assessed_by", Text, nullable=False),
    CheckConstraint("verdict in ('pass', 'fail', 'incomplete')", name="ck_assessment_verdict"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme", String(200), nullable=False),
    Column("subject_id", String(200), ForeignKey("subjects.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("assessment_id", Integer, ForeignKey("assessments.id")),
    Column("reason", Text),
    Column("decided_on", Date, nullable=False),
    Column("recorded", TS, nullable=False),
    Column("recorded_by", Text, nullable=False),
    CheckConstraint("kind in ('certify', 'designate', 'refuse', 'revoke')", name="ck_decision_kind"),
)

waivers = Table(
    "waivers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme", String(200), nullable=False),
    Column("subject_id", String(200), ForeignKey("subjects.id"), nullable=False),
    Column("criterion", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("approver", Text, nullable=False),
    Column("expires", Date, nullable=False),
    Column("recorded", TS, nullable=False),
    Column("recorded_by", Text, nullable=False),
)

rewards = Table(
    "rewards",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_id", String(200), ForeignKey("subjects.id"), nullable=False),
    Column("programme", String(200), nullable=False),
    Column("scheme", String(200), nullable=False),
    Column("decision_id", Integer, ForeignKey("decisions.id"), nullable=False),
    Column("amount", Numeric(16, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payer_zh", Text, nullable=False),
    Column("payer_en", Text, nullable=False),
    Column("basis", Text, nullable=False),
    Column("created", TS, nullable=False),
    Column("created_by", Text, nullable=False),
    # A reward is created once per subject and scheme, however many certifications race for it.
    UniqueConstraint("subject_id", "programme", "scheme", name="uq_reward_once"),
)

reward_events = Table(
    "reward_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reward_id", Integer, ForeignKey("rewards.id"), nullable=False),
    Column("state", String(20), nullable=False),
    Column("reference", Text),
    Column("reason", Text),
    Column("at", TS, nullable=False),
    Column("by", Text, nullable=False),
    CheckConstraint("state in ('due', 'approved', 'paid', 'reversed')", name="ck_reward_state"),
    # One event per state per reward: paying twice fails in the database even if a check were skipped.
    UniqueConstraint("reward_id", "state", name="uq_reward_state_once"),
)

# --- who may change the register (schema 0003; see users.py) -------------------------------------
# A user's identity is one row; every change of role, jurisdiction, password or standing is a new
# row of user_states (the latest is in force), so the tables stay insert-only and the history stays.

users = Table(
    "users",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("created", TS, nullable=False),
    Column("created_by", Text, nullable=False),
)

user_states = Table(
    "user_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), ForeignKey("users.name"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("jurisdiction", String(100)),  # None: every jurisdiction
    Column("active", Boolean, nullable=False),
    Column("password_hash", Text, nullable=False),  # Argon2id, PHC string; never exported or shown
    Column("change", String(20), nullable=False),  # add, password, role, disable, enable, rehash, sign-out
    Column("at", TS, nullable=False),
    Column("by", Text, nullable=False),
    CheckConstraint("role in ('viewer', 'assessor', 'approver', 'admin')", name="ck_user_role"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(40), primary_key=True),  # the short public id
    Column("user_name", String(200), ForeignKey("users.name"), nullable=False),
    Column("label", Text, nullable=False),
    Column("sha256", HASH, nullable=False, unique=True),  # of the secret; the secret itself is never stored
    Column("created", TS, nullable=False),
    Column("created_by", Text, nullable=False),
)

token_revocations = Table(
    "token_revocations",
    metadata,
    Column("token_id", String(40), ForeignKey("api_tokens.id"), primary_key=True),  # revoked once
    Column("revoked", TS, nullable=False),
    Column("revoked_by", Text, nullable=False),
)

# Failed logins, per user name (known or not): not a change of record, so not audited, and updated in place.
login_failures = Table(
    "login_failures",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("last", Float, nullable=False),  # seconds since the epoch
    Column("until", Float, nullable=False),  # no login attempt is checked before this time
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", TS, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False),  # canonical JSON: what was done and the hash of every row written
    Column("prev_hash", HASH, nullable=False, unique=True),
    Column("hash", HASH, nullable=False, unique=True),
)

# Every operation looks a subject up within a programme; without these, each lookup scans its table
# and assessments into a register of 10,000 subjects slow down as it grows.
Index("ix_nominations_body", nominations.c.programme, nominations.c.nominated_by)
Index("ix_submissions_subject", submissions.c.programme, submissions.c.subject_id)
Index("ix_assessments_submission", assessments.c.submission_id)
Index("ix_assessments_subject", assessments.c.programme, assessments.c.subject_id)
Index("ix_decisions_subject", decisions.c.programme, decisions.c.subject_id)
Index("ix_waivers_subject", waivers.c.programme, waivers.c.subject_id)
Index("ix_user_states_name", user_states.c.name, user_states.c.id)
Index("ix_api_tokens_user", api_tokens.c.user_name)

#: The tables whose rows the audit log vouches for, in the order rows are written.
AUDITED = (
    subjects,
    nominations,
    submissions,
    assessments,
    decisions,
    waivers,
    rewards,
    reward_events,
    users,
    user_states,
    api_tokens,
    token_revocations,
)

#: Columns never shown by :meth:`Register.table` or exported: they hold password hashes.
SECRET_COLUMNS = frozenset({"password_hash"})

GENESIS = "0" * 64


def now() -> str:
    """The current time as the register stores it."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, non-ASCII kept, so equal data hashes equal."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def row_digest(table: Table, row: Mapping[Any, Any]) -> str:
    """SHA-256 of a row's values, normalised so that SQLite and PostgreSQL give the same digest.

    Money is hashed at two decimal places (NUMERIC(16,2) reads back as
    ``15000.00`` whatever was written); binary content by its own SHA-256.
    """
    values: dict[str, Any] = {}
    for column in table.columns:
        value = row[column.name]
        if isinstance(value, (bytes, bytearray, memoryview)):
            value = hashlib.sha256(bytes(value)).hexdigest()
        elif isinstance(value, Decimal):
            value = str(value.quantize(Decimal("0.01")))
        elif isinstance(value, bool):
            value = bool(value)
        values[column.name] = value
    return hashlib.sha256(canonical([table.name, values]).encode("utf-8")).hexdigest()


def entry_hash(seq: int, at: str, actor: str, action: str, detail: str, prev_hash: str) -> str:
    """The hash an audit entry carries: of its own fields and the previous entry's hash."""
    return hashlib.sha256(canonical([seq, at, actor, action, detail, prev_hash]).encode("utf-8")).hexdigest()
