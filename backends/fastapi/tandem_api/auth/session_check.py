"""Is the token's Better Auth session (``sid``) still live? (docs/decisions/004)

Reads Better Auth's ``session`` table: the session must exist, belong to the token's subject and be
unexpired. Answers are cached for ``cache_seconds`` (the bound on how late a sign-out, revocation
or account deletion reaches this backend; 0 asks on every request), at most ``max_entries`` of them,
oldest dropped first; concurrent requests for one session share one query. A token without ``sid``
is never active. If the table cannot be read, ``SessionStoreUnavailableError`` (fail closed). The
cache is bounded_cache.py, the team membership check's too.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from ..db import Database, sql
from ..instants import js_date_parse
from .bounded_cache import BoundedCache
from .verifier import Identity

DEFAULT_REVOCATION_CHECK_SECONDS = 5.0
_LOOKUP = 'select "expiresAt" from "session" where "id" = :sid and "userId" = :uid'


class SessionStoreUnavailableError(Exception):
    """The session store could not be asked; the request must fail closed (503), not pass."""


def instant_ms(value: Any) -> float:
    """JavaScript's ``new Date(value).getTime()`` for what the drivers return (NaN → 0: expired)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.timestamp() * 1000
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        ms = js_date_parse(value)
        return float(ms) if ms is not None else 0.0
    return 0.0


class SessionCheck:
    def __init__(
        self,
        database: Database,
        cache_seconds: float = DEFAULT_REVOCATION_CHECK_SECONDS,
        max_entries: int = 10_000,
        now: Optional[Callable[[], float]] = None,
    ):
        self._database = database
        self._now = now or (lambda: time.time() * 1000)
        # The session's expiry (ms), 0 when there is no such session: a cached "active" never
        # outlives the session.
        self._cache: BoundedCache[float] = BoundedCache(cache_seconds * 1000, max_entries, self._now)
        # Told of each lookup (True = answered from the cache), for the metrics.
        self.on_lookup: Optional[Callable[[bool], None]] = None

    @property
    def cache_seconds(self) -> float:
        """The bound (AUTH_REVOCATION_CHECK_SECONDS), which the team membership check shares."""
        return self._cache.ttl_ms / 1000

    def is_active(self, identity: Identity) -> bool:
        """True while the token's session exists, belongs to its subject and has not expired."""
        session_id, user_id = identity.session_id, identity.user_id
        if session_id is None:
            return False
        # self._look_up is read on each call, not bound once: the tests count queries by wrapping it.
        asked = []

        def look_up() -> float:
            asked.append(True)
            return self._look_up(session_id, user_id)

        expires_at = self._cache.get(f"{user_id}\u0000{session_id}", look_up)
        if self.on_lookup is not None:
            self.on_lookup(not asked)
        return expires_at > self._now()

    def _look_up(self, session_id: str, user_id: str) -> float:
        """The session's expiry (ms), or 0 when the token's subject has no such session."""
        try:
            with self._database.engine.connect() as connection:
                row = connection.execute(sql(_LOOKUP), {"sid": session_id, "uid": user_id}).first()
        except Exception as error:  # noqa: BLE001 - any failure to read is "unavailable"
            raise SessionStoreUnavailableError(f"the session store cannot be read: {error}") from error
        return instant_ms(row[0]) if row is not None else 0.0
