"""Reading the register: status by date (deadline-aware), roll-ups, and the impact of a new standard version.

Nothing here writes: each function reads in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from fivegood_core.model import divisions
from fivegood_core.register import db
from fivegood_core.register import schema as t
from fivegood_core.register.programmes import Programme
from fivegood_core.register.store import Register, yuan
from fivegood_core.words.catalogue import say

#: Each status: (English, Chinese). A site that fails before its target date has "not yet met" it; after, it has "missed" it.
STATUSES = {
    "nominated": ("nominated", "已提名"),
    "submitted": ("evidence submitted", "已提交材料"),
    "passed": ("passed, awaiting decision", "已达标,待认定"),
    "not_yet_met": ("not yet met", "尚未达标"),
    "missed": ("missed", "逾期未达标"),
    "failed": ("failed", "未达标"),
    "incomplete": ("incomplete", "材料不全"),
    "certified": ("certified", "已认定"),
    "designated": ("designated", "已命名"),
    "refused": ("refused", "未予认定"),
    "revoked": ("revoked", "已撤销"),
}


def _rows(conn: sa.Connection, table: sa.Table, programme: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sa.select(table).where(table.c.programme == programme)).mappings()]


def _label(status: str, prog: Programme, on: dt.date) -> tuple[str, str]:
    en, zh = STATUSES[status]
    if status == "not_yet_met" and prog.target:
        return f"{en}, deadline {prog.target.date}", f"{zh},期限 {prog.target.date}"
    if status == "missed" and prog.target:
        return f"{en} (deadline {prog.target.date})", f"{zh}(期限 {prog.target.date})"
    return en, zh


def _submitted_on(row: Any) -> dt.date:
    # Submissions stored before schema 0002 know only the clock time they were recorded at.
    if row["submitted_on"] is not None:
        return row["submitted_on"]  # type: ignore[no-any-return]
    recorded = row["submitted"]
    return recorded.date() if isinstance(recorded, dt.datetime) else dt.date.fromisoformat(str(recorded)[:10])


def status(reg: Register, programme: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every subject taking part in ``programme``, with its standing on ``on`` (default today).

    Decisions and assessments dated after ``on`` are not counted. Before the
    programme's target date a site that has not met the standard is
    ``not_yet_met`` ("not yet met, deadline 2013-12-31"); after it, ``missed``.
    """
    on = on or dt.date.today()
    prog = reg.programme(programme, on)
    with db.translated(reg.url), reg._read() as conn:
        # Only what had happened by ``on``: nominations made and evidence submitted on or before it.
        noms = {r["subject_id"]: r for r in _rows(conn, t.nominations, prog.id) if r["nominated_on"] <= on}
        subs: dict[str, list[dict[str, Any]]] = {}
        for r in conn.execute(
            sa.select(t.submissions.c.id, t.submissions.c.subject_id, t.submissions.c.submitted, t.submissions.c.submitted_on)
            .where(t.submissions.c.programme == prog.id)
            .order_by(t.submissions.c.id)
        ).mappings():
            if _submitted_on(r) <= on:
                subs.setdefault(r["subject_id"], []).append(dict(r))
        latest_assessment: dict[str, dict[str, Any]] = {}
        for r in conn.execute(
            sa.select(
                t.assessments.c.id,
                t.assessments.c.subject_id,
                t.assessments.c.submission_id,
                t.assessments.c.verdict,
                t.assessments.c.as_of,
                t.assessments.c.standard,
                t.assessments.c.standard_version,
            )
            .where(t.assessments.c.programme == prog.id, t.assessments.c.as_of <= on)
            .order_by(t.assessments.c.id)
        ).mappings():
            latest_assessment[r["subject_id"]] = dict(r)
        latest_decision: dict[str, dict[str, Any]] = {}
        for r in conn.execute(
            sa.select(t.decisions).where(t.decisions.c.programme == prog.id, t.decisions.c.decided_on <= on).order_by(t.decisions.c.id)
        ).mappings():
            latest_decision[r["subject_id"]] = dict(r)
        waived: dict[str, list[str]] = {}
        for r in conn.execute(sa.select(t.waivers).where(t.waivers.c.programme == prog.id, t.waivers.c.expires >= on)).mappings():
            waived.setdefault(r["subject_id"], []).append(f"{r['criterion']} (until {r['expires']})")
        ids = sorted(set(noms) | set(subs))
        subjects = {r["id"]: dict(r) for r in conn.execute(sa.select(t.subjects).where(t.subjects.c.id.in_(ids))).mappings()} if ids else {}
    past_target = prog.target is not None and on > prog.target.date
    out = []
    for sid in ids:
        subj = subjects[sid]
        dec = latest_decision.get(sid)
        ass = latest_assessment.get(sid)
        if dec is not None:
            st = {"certify": "certified", "designate": "designated", "refuse": "refused", "revoke": "revoked"}[dec["kind"]]
        elif ass is not None and ass["verdict"] == "pass":
            st = "passed"
        elif prog.target is not None and (ass is not None or sid in noms or sid in subs):
            st = "missed" if past_target else ("not_yet_met" if ass is not None else ("submitted" if sid in subs else "nominated"))
        elif ass is not None:
            st = "failed" if ass["verdict"] == "fail" else "incomplete"
        else:
            st = "submitted" if sid in subs else "nominated"
        en, zh = _label(st, prog, on)
        nom = noms.get(sid)
        out.append(
            {
                "subject": sid,
                "name": subj["name"],
                "prefecture": subj["prefecture"],
                "district": subj["district"],
                "nominated_on": nom["nominated_on"].isoformat() if nom else None,
                "late": bool(nom["late"]) if nom else None,
                "submissions": len(subs.get(sid, [])),
                "verdict": ass["verdict"] if ass else None,
                "assessed_as_of": ass["as_of"].isoformat() if ass else None,
                "decision": dec["kind"] if dec else None,
                "decided_on": dec["decided_on"].isoformat() if dec else None,
                # Criteria set aside for this subject on this date: shown as waived, never as passed.
                "waived": sorted(waived.get(sid, [])),
                "status": st,
                "status_en": en,
                "status_zh": zh,
            }
        )
    return out


def _units(prog: Programme, on: dt.date) -> list[divisions.Division]:
    assert prog.nomination is not None
    area = divisions.jurisdiction_area(prog.jurisdiction)
    level = "prefecture" if prog.nomination.by == "prefecture" else "county"
    return divisions.in_force(on, level=level, area=area)


def rollup(
    reg: Register, programme: str, on: dt.date | None = None, area: str | None = None, *, rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Counts by status per prefecture (or district), nominations against the quota and deadline, aggregates, reward totals.

    ``area`` (a code or name) limits the roll-up to one prefecture or district.
    ``rows``: the programme's :func:`status` on ``on``, when the caller has it already.
    The aggregate share is the one Art. 5 of the Henan standard quotes as its
    basis: enterprise members over private enterprises, summed over the
    subjects' latest evidence, as an exact fraction.
    """
    on = on or dt.date.today()
    prog = reg.programme(programme, on)
    by = prog.nomination.by if prog.nomination else "district"
    area_code = None
    if area:
        try:
            area_code = divisions.resolve(area, as_of=on, area=divisions.jurisdiction_area(prog.jurisdiction)).code
        except divisions.PlaceError as e:
            from fivegood_core.register.errors import RegisterError

            raise RegisterError(say("register.as_is", error=e)) from None
    rows = [
        r
        for r in (status(reg, programme, on) if rows is None else rows)
        if area_code is None or area_code in (r["prefecture"], r["district"])
    ]
    groups: dict[str, Counter[str]] = {}
    for r in rows:
        groups.setdefault(r[by] or "unknown", Counter())[r["status"]] += 1
    names = {d.code: d for d in divisions.all_divisions()}

    def name(code: str) -> dict[str, str]:
        d = names.get(code)
        return {"zh": d.zh, "en": d.en} if d else {"zh": code, "en": code}

    out: dict[str, Any] = {
        "programme": prog.ref,
        "as_of": on.isoformat(),
        "by": by,
        "area": area_code,
        "totals": dict(sorted(Counter(r["status"] for r in rows).items())),
        "groups": [
            {"code": code, "name": name(code), "statuses": dict(sorted(c.items())), "total": sum(c.values())}
            for code, c in sorted(groups.items())
        ],
    }
    if prog.nomination is not None:
        nom = prog.nomination
        with db.translated(reg.url), reg._read() as conn:
            noms = _rows(conn, t.nominations, prog.id)
        deadline = nom.deadline.date if nom.deadline else None
        units = [u for u in _units(prog, deadline or on) if area_code is None or u.code == area_code]
        report = []
        for u in units:
            mine = [n for n in noms if n["nominated_by"] == u.code and n["nominated_on"] <= on]
            on_time = sum(1 for n in mine if not n["late"])
            late = len(mine) - on_time
            lo, hi = (nom.quota.min, nom.quota.max) if nom.quota else (1, None)
            if on_time >= lo and (hi is None or on_time <= hi):
                state = "ok"
            elif deadline is not None and on <= deadline:
                state = "pending"
            else:
                state = "short"
            report.append({"code": u.code, "name": {"zh": u.zh, "en": u.en}, "on_time": on_time, "late": late, "state": state})
        out["nominations"] = {
            "quota": {"min": nom.quota.min, "max": nom.quota.max, "citation": nom.quota.rule.citation} if nom.quota else None,
            "deadline": deadline.isoformat() if deadline else None,
            "units": report,
            "short": [u["code"] for u in report if u["state"] == "short"],
        }
    out["aggregate"] = _aggregate(reg, prog, [r["subject"] for r in rows])
    out["rewards"] = _reward_totals(reg, prog, [r["subject"] for r in rows])
    return out


def _aggregate(reg: Register, prog: Programme, subject_ids: list[str]) -> dict[str, Any] | None:
    """Art. 5's basis: Σ enterprise members / Σ private enterprises over the latest evidence (exact)."""
    members = enterprises = counted = 0
    with db.translated(reg.url), reg._read() as conn:
        for sid in subject_ids:
            sub = reg._latest_submission(conn, prog.id, sid)
            if sub is None:
                continue
            doc = reg.parse(bytes(sub["content"]), sub["filename"])
            m = (doc.get("members") or {}).get("enterprise")
            p = (doc.get("local") or {}).get("private_enterprises")
            if isinstance(m, int) and isinstance(p, int) and not isinstance(m, bool) and p > 0:
                members, enterprises, counted = members + m, enterprises + p, counted + 1
    if not counted:
        return None
    share = Fraction(members, enterprises)
    pct = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal("0.01"))
    return {
        "what": {"zh": "企业会员数占私营企业数比例", "en": "enterprise members as a share of private enterprises"},
        "enterprise_members": members,
        "private_enterprises": enterprises,
        "subjects": counted,
        "share": f"{share.numerator}/{share.denominator}",
        "percent": str(pct),
        "at_least_20_percent": share >= Fraction(1, 5),
        "citation": "企业会员数量比例占当地私营企业数量20%(依据:截至去年底全省私营企业数36.74万户,全省工商联企业会员数77670户,占21.14%)",
    }


def _reward_totals(reg: Register, prog: Programme, subject_ids: list[str]) -> list[dict[str, Any]]:
    with db.translated(reg.url), reg._read() as conn:
        entries = [e for e in reg._ledger(conn, programme=prog.id) if e["subject"] in set(subject_ids)]
    payers: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entries:
        key = (e["payer"]["zh"], e["payer"]["en"])
        p = payers.setdefault(
            key,
            {
                "payer": e["payer"],
                "currency": e["currency"],
                "entries": 0,
                **{s: Decimal(0) for s in ("due", "approved", "paid", "reversed")},
            },
        )
        p["entries"] += 1
        p[e["state"]] += e["_amount"]
    return [
        {**p, **{s: yuan(p[s]) for s in ("due", "approved", "paid", "reversed")}, "outstanding": yuan(p["due"] + p["approved"])}
        for _, p in sorted(payers.items())
    ]


def impact(reg: Register, programme: str, standard: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Re-assess every subject's latest submission against ``standard`` (``ID@VERSION``) without changing anything.

    Returns one row per subject: its latest recorded verdict, the verdict it
    would get, ``gains`` / ``loses`` / ``changes`` / ``same``, and the
    criteria that would newly fail or no longer fail.
    """
    on = as_of or dt.date.today()
    prog = reg.programme(programme, on)
    out = []
    with db.translated(reg.url), reg._read() as conn:
        ids = sorted({r[0] for r in conn.execute(sa.select(t.submissions.c.subject_id).where(t.submissions.c.programme == prog.id))})
        for sid in ids:
            sub = reg._latest_submission(conn, prog.id, sid)
            assert sub is not None
            last = conn.execute(
                sa.select(t.assessments.c.result)
                .where(t.assessments.c.submission_id == sub["id"])
                .order_by(t.assessments.c.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            waivers = reg._waivers(conn, prog.id, sid, on)
            before = json.loads(last) if last else reg.evaluate(prog, bytes(sub["content"]), sub["filename"], on, waivers)
            after = reg.evaluate(prog, bytes(sub["content"]), sub["filename"], on, waivers, standard=standard)
            b, a = before["verdict"], after["verdict"]
            change = "same" if a == b else ("gains" if a == "pass" else "loses" if b == "pass" else "changes")
            out.append(
                {
                    "subject": sid,
                    "before": b,
                    "before_standard": f"{before['standard']['id']}@{before['standard']['version']}",
                    "after": a,
                    "after_standard": f"{after['standard']['id']}@{after['standard']['version']}",
                    "change": change,
                    "newly_failed": sorted(set(after["failed"]) - set(before["failed"])),
                    "no_longer_failed": sorted(set(before["failed"]) - set(after["failed"])),
                    "reasons": [
                        f"{c['id']}: {c['reason']['en']}"
                        for c in _walk(after["criteria"])
                        if c["id"] in set(after["failed"]) - set(before["failed"])
                    ],
                }
            )
    return out


def _walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.get("children") or []))
    return out


def history(reg: Register, subject_id: str) -> dict[str, Any]:
    """Everything the register holds about one subject, oldest first: submissions, assessments, decisions, waivers, ledger, audit.

    Submissions are listed by name, size and hash (their bytes stay in the
    register); assessments carry their full stored result. Raises
    :class:`~fivegood_core.register.errors.RegisterError` for an unknown subject.
    """
    with db.translated(reg.url), reg._read() as conn:
        subject = dict(reg._subject(conn, subject_id))

        def rows(table: sa.Table) -> list[dict[str, Any]]:
            pk = list(table.primary_key.columns)[0]
            return [dict(r) for r in conn.execute(sa.select(table).where(table.c.subject_id == subject_id).order_by(pk)).mappings()]

        submissions = [{k: v for k, v in r.items() if k != "content"} | {"size": len(bytes(r["content"]))} for r in rows(t.submissions)]
        assessments = [r | {"result": json.loads(r["result"]), "waived": json.loads(r["waived"])} for r in rows(t.assessments)]
        ledger = [
            {k: v for k, v in e.items() if not k.startswith("_")} | {"events": e["_events"]} for e in reg._ledger(conn, subject=subject_id)
        ]
        audit = [
            dict(r) | {"detail": detail}
            for r in conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.seq)).mappings()
            if (detail := json.loads(r["detail"])).get("subject") == subject_id
        ]
        return {
            "subject": subject,
            "nominations": rows(t.nominations),
            "submissions": submissions,
            "assessments": assessments,
            "decisions": rows(t.decisions),
            "waivers": rows(t.waivers),
            "ledger": ledger,
            "audit": audit,
        }


def failed_criteria(reg: Register, programme: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """How many subjects' latest assessment (up to ``on``) failed or left unknown each criterion, most often first."""
    on = on or dt.date.today()
    prog = reg.programme(programme, on)
    latest: dict[str, str] = {}
    with db.translated(reg.url), reg._read() as conn:
        for r in conn.execute(
            sa.select(t.assessments.c.subject_id, t.assessments.c.result)
            .where(t.assessments.c.programme == prog.id, t.assessments.c.as_of <= on)
            .order_by(t.assessments.c.id)
        ).mappings():
            latest[r["subject_id"]] = r["result"]
    failed: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for text in latest.values():
        result = json.loads(text)
        failed.update(result.get("failed") or [])
        unknown.update(result.get("unknown") or [])
    ids = sorted(set(failed) | set(unknown), key=lambda c: (-failed[c], -unknown[c], c))
    return [{"criterion": c, "failed": failed[c], "unknown": unknown[c], "assessed": len(latest)} for c in ids]
