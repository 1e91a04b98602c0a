"""The reward ledger against a model: any sequence of approve / pay / reverse / revoke / certify keeps the register
equal to a three-line state machine, refusals change nothing, and the chain verifies (hypothesis, SQLite)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from register_helpers import EXAMPLES, NINGBO

from fivegood_core.register import RefusedError, Register

STEPS = st.lists(
    st.tuples(st.sampled_from(["approve", "pay", "reverse", "revoke", "certify"]), st.sampled_from(["jb", "yz"])),
    min_size=1,
    max_size=12,
)
SCHEME = {"jb": ("jiangbei", "15000"), "yz": ("yinzhou", "20000")}
MOVES = {"approve": ("approved", ("due",)), "pay": ("paid", ("approved",)), "reverse": ("reversed", ("due", "approved", "paid"))}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_ledger_follows_its_state_machine(steps: list[tuple[str, str]], tmp_path_factory: object) -> None:
    folder: Path = tmp_path_factory.mktemp("ledger")  # type: ignore[attr-defined]
    with Register.init(str(folder / "r.sqlite3")) as reg:
        for sid, example in (("jb", "jiangbei-certified.toml"), ("yz", "yinzhou-certified.toml")):
            text = (EXAMPLES / "ningbo" / example).read_text(encoding="utf-8").replace('id = "jiangbei-cicheng"', f'id = "{sid}"')
            text = text.replace('id = "yinzhou-yinjiang"', f'id = "{sid}"')
            reg.submit(NINGBO, text.encode(), f"{sid}.toml", on=dt.date(2010, 12, 1))
            reg.assess(NINGBO, sid, as_of=dt.date(2010, 12, 15))
            reg.certify(NINGBO, sid)
        model = {"jb": "due", "yz": "due"}
        certified = {"jb": True, "yz": True}
        for n, (op, sid) in enumerate(steps):
            scheme, amount = SCHEME[sid]
            before = reg.ledger()
            try:
                if op in MOVES:
                    reg.pay(sid, scheme, to=MOVES[op][0], reference=f"REF-{n}", reason="更正")
                elif op == "revoke":
                    reg.revoke(NINGBO, sid, "材料不实")
                else:
                    reg.certify(NINGBO, sid)
            except RefusedError:
                refused = True
            else:
                refused = False
            # The model: what the programme and the register allow.
            if op in MOVES:
                allowed = model[sid] in MOVES[op][1]
                if allowed:
                    model[sid] = MOVES[op][0]
            elif op == "revoke":
                allowed = certified[sid]
                if allowed:
                    certified[sid] = False
                    if model[sid] in ("due", "approved"):
                        model[sid] = "reversed"
            else:
                allowed = not certified[sid]  # re-certifying creates no second reward (once per subject and scheme)
                certified[sid] = True
            assert refused == (not allowed), (op, sid, model)
            if refused:
                assert reg.ledger() == before
            ledger = {e["subject"]: (e["amount"], e["state"]) for e in reg.ledger()}
            assert ledger == {s: (SCHEME[s][1], model[s]) for s in model}
        assert reg.verify().ok
