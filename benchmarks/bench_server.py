"""The web service under load on the loopback interface: checks per second and latency, and concurrent certifications.

    python benchmarks/bench_server.py                                  # 1, 8 and 32 clients, 2,000 checks or 20 s each
    python benchmarks/bench_server.py --requests 1000 --seconds 10 --output server.json

Not a timed test: it records numbers. A temporary SQLite register gets an
assessor and an approver with API tokens (`fivegood register user add` and
`user token`), then `fivegood serve` starts in a process of its own on
127.0.0.1 on a free port (one uvicorn worker, as `fivegood serve` runs), and
the benchmark waits for `/api/v1/health`. The server is stopped at the end,
also when something fails.

1. **Checks.** `POST /api/v1/check` with the Ningbo standard
   (`ningbo/five-have-five-good`, as of 2010-12-01) and, in turn, evidence
   that passes (`examples/ningbo/jiangbei-certified.toml`), fails
   (`jiangbei-failed.toml`) and is incomplete (the first without its office
   area), from 1, 8 and 32 concurrent clients (each an httpx `AsyncClient`
   with one connection, so as many connections as clients, all in one asyncio
   thread; `--shared-pool` gives them one `AsyncClient` whose limit is the
   concurrency instead, which costs the generator far more CPU at 32), each
   level stopped at `--requests` answers or `--seconds`, whichever comes first,
   after a warm-up over the same connections. Every answer
   must be 200 with the expected verdict; anything else is an error, and any
   error fails the run (exit status 1). Reported: checks per second, p50 and p99
   latency, errors, and the CPU time per check the server and the load
   generator each used (from /proc: they share this machine's cores).
2. **Concurrent certifications.** The Jiangbei chamber is submitted and
   assessed through the API, then 32 clients, each with its own connection
   already open, certify it at once. Exactly one must get 200 and the rest 409,
   and the ledger must then hold exactly one entry (and the audit chain verify).

A table is printed and, with `--output`, the JSON (with the machine: CPU
count, Python and fivegood versions, load average).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import httpx

from fivegood_core.version import installed_version

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ningbo"
STANDARD = "ningbo/five-have-five-good"
AS_OF = "2010-12-01"
PROGRAMME = "ningbo/five-have-five-good-chambers"
SUBJECT = "jiangbei-cicheng"
PASSWORD = "a benchmark's password"
CLI = [sys.executable, "-m", "fivegood_core.cli"]


# --- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"fivegood {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def prepare_register(db: str) -> dict[str, str]:
    """A fresh register with an assessor and an approver; returns their API tokens."""
    cli("register", "init", "--db", db, "--as", "bench")
    tokens = {}
    for name, role in (("bench-assessor", "assessor"), ("bench-approver", "approver")):
        cli("register", "user", "add", name, "--role", role, "--password-stdin", "--db", db, "--as", "bench", stdin=PASSWORD + "\n")
        tokens[role] = cli("register", "user", "token", name, "--label", "bench", "--db", db, "--as", "bench").strip()
    return tokens


@contextlib.contextmanager
def server(db: str, log: Path) -> Iterator[tuple[str, int]]:
    """`fivegood serve` in a process of its own; yields (base URL, pid) once /api/v1/health answers; stops it after."""
    port = free_port()
    env = {**os.environ, "FIVEGOOD_SECRET_KEY": "bench-" + os.urandom(8).hex()}
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [*CLI, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), "--lang", "en"],
            stdout=err,
            stderr=err,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"the server stopped ({proc.returncode}) before answering:\n{log.read_text(errors='replace')}")
                try:
                    r = httpx.get(base + "/api/v1/health", timeout=2)
                    if r.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not answer /api/v1/health within 60 s:\n{log.read_text(errors='replace')}")
                time.sleep(0.1)
            yield base, proc.pid
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly on SIGINT
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def cpu_seconds(pid: int) -> float | None:
    """The user + system CPU time of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


# --- checks ----------------------------------------------------------------------------------------


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")


def check_bodies() -> list[tuple[str, bytes]]:
    """(expected verdict, request body) for a pass, a fail and an incomplete record."""

    def load(name: str) -> dict[str, Any]:
        with (EXAMPLES / name).open("rb") as f:
            return tomllib.load(f)

    passing = load("jiangbei-certified.toml")
    failing = load("jiangbei-failed.toml")
    incomplete = load("jiangbei-certified.toml")
    del incomplete["office"]["area_m2"]
    incomplete["subject"]["id"] = "jiangbei-incomplete"
    bodies = []
    for verdict, evidence in (("pass", passing), ("fail", failing), ("incomplete", incomplete)):
        body = {"standard": STANDARD, "as_of": AS_OF, "evidence": evidence}
        bodies.append((verdict, json.dumps(body, ensure_ascii=False, default=_json_default).encode("utf-8")))
    return bodies


def percentile(sorted_values: list[float], p: float) -> float:
    """The nearest-rank percentile of values already sorted."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


async def load(
    base: str,
    concurrency: int,
    requests: int,
    seconds: float,
    bodies: list[tuple[str, bytes]],
    warmup: int = 0,
    pid: int | None = None,
    shared_pool: bool = False,
) -> dict[str, Any]:
    """`concurrency` clients sending checks until `requests` answers or `seconds` have passed.

    Each client is an httpx ``AsyncClient`` with one connection (so ``concurrency`` connections in all);
    with ``shared_pool`` they share one ``AsyncClient`` whose limit is ``concurrency`` connections instead,
    which costs the load generator several times the CPU per request at 32 (httpx's pool). First
    ``warmup`` checks (at least two per client) go untimed through the same clients, so that every
    connection is open before timing starts; their errors count too."""
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    headers = {"content-type": "application/json"}
    if shared_pool:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        clients = [httpx.AsyncClient(base_url=base, limits=limits, timeout=60)] * concurrency
    else:
        clients = [httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=1), timeout=60) for _ in range(concurrency)]
    async with contextlib.AsyncExitStack() as stack:
        for client in set(clients):
            await stack.enter_async_context(client)

        async def worker(client: httpx.AsyncClient, requests: int, deadline: float) -> None:
            nonlocal issued
            while issued < requests and time.perf_counter() < deadline:
                expected, body = bodies[issued % len(bodies)]
                issued += 1
                t0 = time.perf_counter()
                try:
                    r = await client.post("/api/v1/check", content=body, headers=headers)
                    latency = time.perf_counter() - t0
                    if r.status_code != 200:
                        errors.append(f"status {r.status_code}: {r.text[:200]}")
                    elif (got := r.json().get("verdict")) != expected:
                        errors.append(f"verdict {got!r}, expected {expected!r}")
                    else:
                        latencies.append(latency)
                except httpx.HTTPError as e:
                    errors.append(f"{type(e).__name__}: {e}")

        if warmup:
            await asyncio.gather(*(worker(c, max(warmup, 2 * concurrency), time.perf_counter() + 60) for c in clients))
            warm_errors, errors, latencies, issued = errors, [], [], 0
        else:
            warm_errors = []
        server_cpu, client_cpu = cpu_seconds(pid) if pid else None, time.process_time()
        start = time.perf_counter()
        await asyncio.gather(*(worker(c, requests, start + seconds) for c in clients))
        elapsed = time.perf_counter() - start
        server_after, client_after = cpu_seconds(pid) if pid else None, time.process_time()
    latencies.sort()
    result: dict[str, Any] = {
        "concurrency": concurrency,
        "httpx_pool": "shared" if shared_pool else "one AsyncClient (one connection) per client",
        "requests": len(latencies) + len(errors),
        "ok": len(latencies),
        "errors": len(errors),
        "warmup_errors": len(warm_errors),
        "error_examples": sorted(set(errors + warm_errors))[:5],
        "seconds": round(elapsed, 3),
        "checks_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "server_cpu_seconds": round(server_after - server_cpu, 2) if server_after is not None and server_cpu is not None else None,
        "client_cpu_seconds": round(client_after - client_cpu, 2),
    }
    done = max(1, result["requests"])
    if result["server_cpu_seconds"] is not None:
        result["server_cpu_ms_per_check"] = round(result["server_cpu_seconds"] * 1000 / done, 2)
    result["client_cpu_ms_per_check"] = round(result["client_cpu_seconds"] * 1000 / done, 2)
    return result


# --- concurrent certifications ---------------------------------------------------------------------


def subject_url(action: str) -> str:
    return f"/api/v1/register/programmes/{PROGRAMME}/subjects/{SUBJECT}/{action}"


async def certifications(base: str, tokens: dict[str, str], clients: int) -> dict[str, Any]:
    """Submit and assess the Jiangbei chamber, then certify it from `clients` clients at once."""
    assessor = {"Authorization": f"Bearer {tokens['assessor']}"}
    approver = {"Authorization": f"Bearer {tokens['approver']}"}
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        r = await c.post(
            f"/api/v1/register/programmes/{PROGRAMME}/submissions",
            params={"on": AS_OF},
            content=(EXAMPLES / "jiangbei-certified.toml").read_bytes(),
            headers={**assessor, "content-type": "application/toml"},
        )
        assert r.status_code == 200, f"submit: {r.status_code} {r.text}"
        r = await c.post(subject_url("assess"), json={"as_of": "2010-12-15"}, headers=assessor)
        assert r.status_code == 200 and r.json()["verdict"] == "pass", f"assess: {r.status_code} {r.text}"

    # Every client with its own connection, opened (and its token checked) before the race.
    racers = [httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=1)) for _ in range(clients)]
    try:
        for rc in racers:
            assert (await rc.get("/api/v1/me", headers=approver)).status_code == 200
        go = asyncio.Event()

        async def certify(rc: httpx.AsyncClient) -> tuple[int, str, float]:
            await go.wait()
            t0 = time.perf_counter()
            r = await rc.post(subject_url("certify"), json={"on": "2010-12-20"}, headers=approver)
            code = r.json().get("error", {}).get("code", "") if r.status_code != 200 else ""
            return r.status_code, code, time.perf_counter() - t0

        tasks = [asyncio.ensure_future(certify(rc)) for rc in racers]
        await asyncio.sleep(0)  # let every task reach the wait
        start = time.perf_counter()
        go.set()
        answers = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    finally:
        for rc in racers:
            await rc.aclose()

    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        ledger = (await c.get("/api/v1/register/ledger", headers=approver)).json()
        verified = (await c.get("/api/v1/register/verify", headers=approver)).json()
    statuses = sorted(s for s, _, _ in answers)
    latencies = sorted(t for _, _, t in answers)
    ok = statuses == [200] + [409] * (clients - 1) and len(ledger) == 1 and verified.get("ok") is True
    return {
        "clients": clients,
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "refusal_codes": sorted({code for s, code, _ in answers if s == 409}),
        "ledger_entries": len(ledger),
        "audit_chain_ok": verified.get("ok"),
        "seconds": round(elapsed, 3),
        "first_answer_ms": round(latencies[0] * 1000, 1),
        "last_answer_ms": round(latencies[-1] * 1000, 1),
        "ok": ok,
    }


# --- the report ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import uvicorn

    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "fivegood": installed_version(),
        "httpx": httpx.__version__,
        "uvicorn": uvicorn.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "note": "the load generator (this process, one asyncio thread) and the server (one uvicorn process) share these cores",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000, help="checks per concurrency level at most (default 2000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per concurrency level at most (default 20)")
    parser.add_argument("--concurrency", default="1,8,32", help="client counts, comma-separated (default 1,8,32)")
    parser.add_argument(
        "--warmup", type=int, default=60, help="checks sent before timing each level, through the same connections (default 60)"
    )
    parser.add_argument("--certifiers", type=int, default=32, help="clients certifying one chamber at once (default 32)")
    parser.add_argument(
        "--shared-pool", action="store_true", help="one httpx AsyncClient for all clients (limit = concurrency) instead of one each"
    )
    parser.add_argument("--output", help="write the figures as JSON to this file")
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    if args.certifiers < 2 or args.requests < 1 or args.seconds <= 0 or not levels or min(levels) < 1:
        parser.error("--certifiers must be at least 2, --requests, --seconds and every concurrency above 0")

    report: dict[str, Any] = {
        "machine": machine(),
        "settings": {"requests": args.requests, "seconds": args.seconds, "warmup": args.warmup, "standard": STANDARD, "as_of": AS_OF},
    }
    info = report["machine"]
    print(
        f"{info['machine']}, {info['cpu_count']} CPUs, {info['implementation']} {info['python']}, fivegood {info['fivegood']}, "
        f"load average {info['load_average_at_start']}"
    )
    print("client (this process) and server (another process) share these CPUs\n")
    bodies = check_bodies()
    failed = False
    with tempfile.TemporaryDirectory(prefix="fivegood-bench-") as tmp:
        db = os.path.join(tmp, "register.sqlite3")
        tokens = prepare_register(db)
        log = Path(tmp) / "server.log"
        with server(db, log) as (base, pid):
            print(
                f"{'clients':>7} {'checks':>7} {'errors':>6} {'seconds':>8} {'checks/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'server CPU ms/check':>19} {'client CPU ms/check':>19}"
            )
            rows = []
            for c in levels:
                row = asyncio.run(load(base, c, args.requests, args.seconds, bodies, args.warmup, pid, args.shared_pool))
                rows.append(row)
                print(
                    f"{c:>7} {row['requests']:>7} {row['errors']:>6} {row['seconds']:>8.2f} {row['checks_per_second']:>9,.0f} "
                    f"{row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['server_cpu_ms_per_check'] or 0:>19.2f} {row['client_cpu_ms_per_check']:>19.2f}"
                )
                for e in row["error_examples"]:
                    print(f"        error: {e}")
                failed = failed or row["errors"] > 0 or row["warmup_errors"] > 0
            report["checks"] = rows
            cert = asyncio.run(certifications(base, tokens, args.certifiers))
            report["certifications"] = cert
            print(
                f"\n{cert['clients']} concurrent certifications of {SUBJECT}: answers {cert['statuses']} "
                f"(refusals: {', '.join(cert['refusal_codes']) or 'none'}), ledger entries {cert['ledger_entries']}, "
                f"audit chain {'ok' if cert['audit_chain_ok'] else 'BROKEN'}; all answered in {cert['seconds'] * 1000:.0f} ms "
                f"(first {cert['first_answer_ms']} ms) -> {'ok' if cert['ok'] else 'FAILED'}"
            )
            failed = failed or not cert["ok"]
            report["server_peak_rss_mb"] = peak_rss_mb(pid)
        if report["server_peak_rss_mb"]:
            print(f"server peak RSS {report['server_peak_rss_mb']:.0f} MB")
    report["ok"] = not failed
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    if failed:
        print("FAILED: some answers were errors or not as expected", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
