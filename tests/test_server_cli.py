"""``fivegood serve`` as a person starts it: a real process on a free port, its register created, its logs clean."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from helpers import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_on_a_fresh_register_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    db = tmp_path / "service.sqlite3"
    env = {**os.environ, "FIVEGOOD_SECRET_KEY": "test-key-" + "x" * 32, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "fivegood_core.cli", "serve", "--db", str(db), "--port", str(port), "--lang", "en"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
                    health = json.loads(r.read())
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                time.sleep(0.2)
        assert health is not None and health["status"] == "ok" and health["database"] == "ok"
        assert db.exists()  # the register was created
        body = json.dumps(
            {"standard": "ningbo/five-have-five-good", "as_of": "2010-12-01", "evidence": {"staff": {"headcount": 3}}}
        ).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/check", data=body, headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert json.loads(r.read())["verdict"] == "incomplete"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?lang=zh", timeout=10) as r:
            assert "检查证据" in r.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert f"http://127.0.0.1:{port}" in err
    assert "no users yet" in err  # how to add the first one is said
    assert "POST /api/v1/check 200" in err  # one request log line per request ...
    assert "headcount" not in err  # ... without the evidence


def test_serve_refuses_a_register_it_cannot_use(tmp_path: Path) -> None:
    (tmp_path / "not-a-register.sqlite3").write_text("not a database", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "fivegood_core.cli", "serve", "--db", str(tmp_path / "not-a-register.sqlite3"), "--port", str(_free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "not-a-register.sqlite3" in proc.stderr and "Traceback" not in proc.stderr
