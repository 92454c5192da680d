"""Is the token's Better Auth session (``sid``) still live? (docs/decisions/004)

Reads Better Auth's ``session`` table: the session must exist, belong to the token's subject and be
unexpired. Answers are cached for ``cache_seconds`` (the bound on how late a sign-out, revocation
or account deletion reaches this backend; 0 asks on every request), at most ``max_entries`` of them,
oldest dropped first; concurrent requests for one session share one query. A token without ``sid``
is never active. If the table cannot be read, ``SessionStoreUnavailableError`` (fail closed).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Optional

from ..db import Database, sql
from ..instants import js_date_parse
from .verifier import Identity

DEFAULT_REVOCATION_CHECK_SECONDS = 5.0
_LOOKUP = 'select "expiresAt" from "session" where "id" = :sid and "userId" = :uid'


class SessionStoreUnavailableError(Exception):
    """The session store could not be asked; the request must fail closed (503), not pass."""


@dataclass(frozen=True)
class _Entry:
    active: bool
    checked_at: float  # ms
    expires_at: float  # ms; a cached "active" never outlives the session


class _Lookup:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: Optional[_Entry] = None
        self.error: Optional[BaseException] = None


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
        self._ttl_ms = cache_seconds * 1000
        self._max_entries = max_entries
        self._now = now or (lambda: time.time() * 1000)
        self._cache: "OrderedDict[str, _Entry]" = OrderedDict()
        self._inflight: Dict[str, _Lookup] = {}
        self._lock = threading.Lock()

    @property
    def cache_seconds(self) -> float:
        """The bound (AUTH_REVOCATION_CHECK_SECONDS), which the team membership check shares."""
        return self._ttl_ms / 1000

    def is_active(self, identity: Identity) -> bool:
        """True while the token's session exists, belongs to its subject and has not expired."""
        if identity.session_id is None:
            return False
        key = f"{identity.user_id}\u0000{identity.session_id}"
        at = self._now()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and at - cached.checked_at < self._ttl_ms:
                return cached.active and cached.expires_at > at
            lookup = self._inflight.get(key)
            owner = lookup is None
            if lookup is None:
                lookup = self._inflight[key] = _Lookup()
        if owner:
            try:
                lookup.entry = self._look_up(identity.session_id, identity.user_id)
            except Exception as error:  # noqa: BLE001 - handed to every waiter
                lookup.error = error
            finally:
                with self._lock:
                    # Cached before the lookup stops being in flight: a request arriving in
                    # between finds one or the other, never neither (so never a second query).
                    if lookup.entry is not None:
                        self._remember(lookup.entry, key)
                    self._inflight.pop(key, None)
                lookup.done.set()
        else:
            lookup.done.wait()
        if lookup.error is not None:
            raise lookup.error
        assert lookup.entry is not None
        return lookup.entry.active

    def _look_up(self, session_id: str, user_id: str) -> _Entry:
        checked_at = self._now()
        try:
            with self._database.engine.connect() as connection:
                row = connection.execute(sql(_LOOKUP), {"sid": session_id, "uid": user_id}).first()
        except Exception as error:  # noqa: BLE001 - any failure to read is "unavailable"
            raise SessionStoreUnavailableError(f"the session store cannot be read: {error}") from error
        expires_at = instant_ms(row[0]) if row is not None else 0.0
        return _Entry(active=row is not None and expires_at > checked_at, checked_at=checked_at, expires_at=expires_at)

    def _remember(self, entry: _Entry, key: str) -> None:
        """Keeps an answer (the caller holds the lock); the oldest answers go first."""
        if self._ttl_ms <= 0:
            return
        self._cache.pop(key, None)
        self._cache[key] = entry
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
