"""Request logs and metrics: what was asked, by whom, how it ended, how long it took — never the evidence.

A log line names the method, the route's pattern (not the address as typed:
query strings and form bodies, where evidence values travel, are left out),
the status, the time taken and the user. ``/metrics`` serves the counters in
Prometheus' text format.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Awaitable, Callable, MutableMapping

logger = logging.getLogger("fivegood.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Methods counted by name; any other (a client may send any token as a method) is counted as ``OTHER``,
#: so that the counters cannot be made to grow without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

#: Upper bounds of the latency histogram (seconds).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Counters of requests and verdicts, safe to update from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = {}
        self.seconds: dict[str, list[float]] = {}  # route -> [sum, count, bucket counts…]
        self.verdicts: dict[str, int] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request."""
        with self._lock:
            key = (method, route, status)
            self.requests[key] = self.requests.get(key, 0) + 1
            row = self.seconds.setdefault(route, [0.0, 0.0] + [0.0] * len(BUCKETS))
            row[0] += seconds
            row[1] += 1
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[2 + i] += 1

    def verdict(self, verdict: str) -> None:
        """Count one verdict given by ``/api/v1/check``."""
        with self._lock:
            self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1

    def text(self) -> str:
        """The Prometheus exposition format."""

        def esc(value: str) -> str:
            return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

        with self._lock:
            out = [
                "# HELP fivegood_requests_total Requests answered, by method, route and status.",
                "# TYPE fivegood_requests_total counter",
            ]
            for (method, route, status), n in sorted(self.requests.items()):
                out.append(f'fivegood_requests_total{{method="{esc(method)}",route="{esc(route)}",status="{status}"}} {n}')
            out += ["# HELP fivegood_request_seconds Time to answer, by route.", "# TYPE fivegood_request_seconds histogram"]
            for route, row in sorted(self.seconds.items()):
                r = esc(route)
                for i, bound in enumerate(BUCKETS):
                    out.append(f'fivegood_request_seconds_bucket{{route="{r}",le="{bound}"}} {int(row[2 + i])}')
                out.append(f'fivegood_request_seconds_bucket{{route="{r}",le="+Inf"}} {int(row[1])}')
                out.append(f'fivegood_request_seconds_sum{{route="{r}"}} {row[0]:.6f}')
                out.append(f'fivegood_request_seconds_count{{route="{r}"}} {int(row[1])}')
            out += ["# HELP fivegood_verdicts_total Verdicts given by /api/v1/check.", "# TYPE fivegood_verdicts_total counter"]
            for verdict, n in sorted(self.verdicts.items()):
                out.append(f'fivegood_verdicts_total{{verdict="{esc(verdict)}"}} {n}')
        return "\n".join(out) + "\n"


class RequestLog:
    """ASGI middleware: one log line and one metrics observation per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics, log_evidence: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.log_evidence = log_evidence

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or ("/openapi.json" if scope["path"] == "/openapi.json" else "(unmatched)")
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            self.metrics.observe(method, route, status, seconds)
            state = scope.get("state") or {}
            user = getattr(state.get("user"), "name", None) if isinstance(state, dict) else None
            # The route's pattern, not the path: ids are data too; with --log-evidence the query string as well.
            where = route
            if self.log_evidence:
                where = scope["path"] + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
            logger.info("%s %s %d %.1fms user=%s", method, where, status, seconds * 1000, user or "-")
