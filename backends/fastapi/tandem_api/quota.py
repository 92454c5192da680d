"""Per-user request quota: rate-limiter-flexible's fixed window, as apps/api/src/http/quota.ts uses it.

``requests`` per window of ``window_seconds`` that starts with a user's first request; every
request in it, refused or not, adds a point, and the window ends ``window_seconds`` later
(docs/decisions/018-shared-quota.md).

- :class:`MemoryQuotaStore`: this process only (RateLimiterMemory); at most ``max_keys`` users.
- :class:`PostgresQuotaStore`: the ``api_quota`` table that RateLimiterPostgres uses, with its
  columns, key prefix and upsert, so TypeScript and Python instances on one database count one
  budget. If PostgreSQL does not answer, it falls back to a per-process window (fail-open).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Protocol, Tuple

from sqlalchemy.engine import Engine

from .db import sql

DEFAULT_QUOTA_MAX_KEYS = 100_000
QUOTA_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
# rate-limiter-flexible's table and key prefix, as apps/api/src/http/quota.ts configures them.
QUOTA_TABLE = "api_quota"
QUOTA_KEY_PREFIX = "api"


@dataclass(frozen=True)
class QuotaDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    retry_after_seconds: int

    def headers(self) -> Dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class QuotaStore(Protocol):
    requests: int
    window_seconds: float

    def consume(self, key: str) -> QuotaDecision: ...


def _check(requests: int, window_seconds: float) -> None:
    if not isinstance(requests, int) or requests < 1:
        raise ValueError("requests must be a positive integer")
    if not window_seconds > 0:
        raise ValueError("window_seconds must be positive")


def _decide(limit: int, points: int, ms_before_next: float) -> QuotaDecision:
    """The decision for a window holding ``points`` (this request included), as quota.ts makes it."""
    reset = max(0, math.ceil(ms_before_next / 1000))
    if points <= limit:
        return QuotaDecision(True, limit, max(0, limit - points), reset, 0)
    reset = max(1, reset)
    # Fixed window: the next request and the whole quota come back at the same moment.
    return QuotaDecision(False, limit, 0, reset, reset)


def _wall_ms() -> float:
    return time.time() * 1000


class MemoryQuotaStore:
    def __init__(
        self,
        requests: int,
        window_seconds: float,
        max_keys: int = DEFAULT_QUOTA_MAX_KEYS,
        now: Optional[Callable[[], float]] = None,
    ):
        _check(requests, window_seconds)
        if not isinstance(max_keys, int) or max_keys < 1:
            raise ValueError("max_keys must be a positive integer")
        self.requests = requests
        self.window_seconds = window_seconds
        self._max_keys = max_keys
        self._now = now or _wall_ms
        self._window_ms = window_seconds * 1000
        # key -> (points, window end in ms); least recently seen first
        self._windows: "OrderedDict[str, Tuple[int, float]]" = OrderedDict()
        self._last_sweep = self._now()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self._windows)

    def _sweep(self, at: float) -> None:
        self._last_sweep = at
        for key in [k for k, (_, end) in self._windows.items() if end <= at]:
            del self._windows[key]

    def consume(self, key: str) -> QuotaDecision:
        with self._lock:
            at = self._now()
            if at - self._last_sweep >= self._window_ms:
                self._sweep(at)
            stored = self._windows.pop(key, None)
            if stored is None or stored[1] <= at:
                if len(self._windows) >= self._max_keys:
                    self._sweep(at)
                    while len(self._windows) >= self._max_keys:
                        self._windows.popitem(last=False)  # the least recently seen
                stored = (0, at + self._window_ms)
            points, end = stored[0] + 1, stored[1]
            self._windows[key] = (points, end)
            return _decide(self.requests, points, end - at)


# rate-limiter-flexible's RateLimiterPostgres upsert (lib/RateLimiterPostgres.js, _upsert), verbatim
# in effect: a new window when the stored one has ended, else one more point in it.
_UPSERT = f"""
INSERT INTO {QUOTA_TABLE} VALUES (:key, 1, :new_expire)
  ON CONFLICT(key) DO UPDATE SET
    points = CASE WHEN {QUOTA_TABLE}.expire <= :now THEN 1 ELSE {QUOTA_TABLE}.points + 1 END,
    expire = CASE WHEN {QUOTA_TABLE}.expire <= :now THEN :new_expire ELSE {QUOTA_TABLE}.expire END
RETURNING points, expire
"""
# Unlogged, as quota-postgres.ts makes it: window counts are not worth a write-ahead log record and
# a flush at every commit; after a crash PostgreSQL empties the table (decision 032).
_CREATE = (
    f"CREATE UNLOGGED TABLE IF NOT EXISTS {QUOTA_TABLE} "
    "(key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)"
)
_PERSISTENCE = "SELECT relpersistence FROM pg_class WHERE oid = to_regclass(:table)"


class PostgresQuotaStore:
    """The quota every instance on one PostgreSQL database shares, TypeScript or Python."""

    def __init__(self, engine: Engine, requests: int, window_seconds: float, fail_open: bool = True):
        _check(requests, window_seconds)
        self.requests = requests
        self.window_seconds = window_seconds
        self._engine = engine
        self._window_ms = int(window_seconds * 1000)
        self._fallback = MemoryQuotaStore(requests, window_seconds) if fail_open else None
        with engine.begin() as connection:
            # CREATE TABLE IF NOT EXISTS is not safe against itself run concurrently (same lock as quota.ts).
            connection.execute(sql("SELECT pg_advisory_xact_lock(hashtext('tandem.api_quota'))"))
            connection.execute(sql(_CREATE))
            # A table an earlier version made is logged: converted once, by whichever instance gets here.
            if connection.execute(sql(_PERSISTENCE), {"table": QUOTA_TABLE}).scalar() == "p":
                connection.execute(sql(f"ALTER TABLE {QUOTA_TABLE} SET UNLOGGED"))

    def consume(self, key: str) -> QuotaDecision:
        now = int(_wall_ms())
        try:
            with self._engine.begin() as connection:
                row = connection.execute(
                    sql(_UPSERT),
                    {"key": f"{QUOTA_KEY_PREFIX}:{key}", "new_expire": now + self._window_ms, "now": now},
                ).one()
        except Exception:
            if self._fallback is None:
                raise
            return self._fallback.consume(key)
        return _decide(self.requests, int(row.points), max(0, int(row.expire) - _wall_ms()))
