"""Prometheus metrics, with the TypeScript API's names for the parts both share:
``tandem_http_requests_total``, ``tandem_http_request_duration_seconds`` and
``tandem_auth_failures_total``. Served on a port of their own (``METRICS_PORT``), never the API's.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
import time
from typing import Any, Dict, Optional
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app

from .errors import ApiError
from .request_context import ASGIApp, Message, Receive, Scope, Send

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class ApiMetrics:
    """One registry per app (tests build their own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter(
            "tandem_http_requests",
            "HTTP requests answered, by method, route pattern and status",
            labels,
            registry=self.registry,
        )
        self.duration = Histogram(
            "tandem_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route pattern and status",
            labels,
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "tandem_auth_failures",
            "Requests refused by authentication or authorization, by error code",
            ("reason",),
            registry=self.registry,
        )
        self.jwks_fetches = Counter(
            "tandem_jwks_fetches",
            "Fetches of the web app's key set (JWKS), by outcome (ok or error)",
            ("outcome",),
            registry=self.registry,
        )
        self.cache_lookups = Counter(
            "tandem_cache_lookups",
            "Lookups in the token and revocation caches, by cache and result (hit or miss)",
            ("cache", "result"),
            registry=self.registry,
        )

    def observe(self, deps: Any) -> None:
        """Hooks the key set's fetches and the session check's cache of ``deps`` (app.Deps)."""
        deps.verifier.key_set.on_fetch = lambda ok: self.jwks_fetches.labels("ok" if ok else "error").inc()
        deps.sessions.on_lookup = lambda hit: self.cache_lookups.labels("revocation", "hit" if hit else "miss").inc()


def _route_of(scope: Scope) -> str:
    """The matched pattern in the TypeScript API's spelling (``/api/tasks/:id``), so one dashboard
    serves both backends."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return re.sub(r"\{(\w+)(?::\w+)?\}", r":\1", path) if isinstance(path, str) else "unmatched"


class MetricsLayer:
    """Counts and times each request by its route pattern (``/api/tasks/{id}``), never the raw path."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: Dict[str, Any] = {"status": 500, "body": b""}

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body" and seen["status"] in (401, 403):
                seen["body"] += message.get("body", b"")[:4096]
            await send(message)

        code: Optional[str] = None
        try:
            await self.app(scope, receive, send_wrapped)
        except ApiError as error:
            # HttpLayer, outside, writes the problem body; the status and code are known here.
            seen["status"], code = error.status, error.code
            raise
        finally:
            status = seen["status"]
            labels = (scope["method"], _route_of(scope), str(status))
            self.metrics.requests.labels(*labels).inc()
            self.metrics.duration.labels(*labels).observe(time.perf_counter() - started)
            if status in (401, 403) and code is None:
                try:
                    code = json.loads(seen["body"]).get("code")
                except (ValueError, AttributeError):
                    code = None
            if status in (401, 403) and isinstance(code, str):
                self.metrics.auth_failures.labels(code).inc()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def serve_metrics(metrics: ApiMetrics, port: int, host: str, token: Optional[str] = None) -> Any:
    """``GET /metrics`` on its own port in a daemon thread, optionally behind a bearer token."""
    exposition = make_wsgi_app(metrics.registry)
    expected = None if token is None else f"Bearer {token}".encode()

    def app(environ: Dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [])
            return [b""]
        given = environ.get("HTTP_AUTHORIZATION", "").encode()
        if expected is not None and not hmac.compare_digest(given, expected):
            start_response("401 Unauthorized", [("WWW-Authenticate", "Bearer")])
            return [b""]
        return exposition(environ, start_response)

    server = make_server(host, port, app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
