"""Is the caller a member of the team in the path, and in which role? (docs/decisions/016)

Reads Better Auth's ``member`` table on the request, never the token: a claim would be stale for
the token's lifetime. Answers are cached per (user, team) for ``cache_seconds`` (the same
``AUTH_REVOCATION_CHECK_SECONDS`` as the session check: the bound on how late a removal or a
downgrade reaches this backend; 0 asks on every request), at most ``max_entries`` of them, oldest
dropped first; concurrent requests for one (user, team) share one query. Both answers are cached,
"member" and "not a member", as the session check caches both. If the table cannot be read,
``MembershipStoreUnavailableError`` (fail closed: 503, never a pass).

The structure is auth/session_check.py's, on purpose: one cache discipline to review, not two.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Dict, Optional

from ..db import Database, sql
from ..auth.session_check import DEFAULT_REVOCATION_CHECK_SECONDS
from .roles import parse_team_role

_LOOKUP = 'select "role" from "member" where "organizationId" = :team and "userId" = :uid'


class MembershipStoreUnavailableError(Exception):
    """The member table could not be read; the request must fail closed (503), not pass."""


@dataclass(frozen=True)
class Membership:
    """A caller's standing in one team. ``role`` is None for a member whose stored role Tandem does
    not know: such a member has no rights at all."""

    member: bool
    role: Optional[str]
    checked_at: float  # ms


class _Lookup:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: Optional[Membership] = None
        self.error: Optional[BaseException] = None


class MembershipCheck:
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
        self._cache: "OrderedDict[str, Membership]" = OrderedDict()
        self._inflight: Dict[str, _Lookup] = {}
        self._lock = threading.Lock()

    def membership(self, user_id: str, team_id: str) -> Membership:
        """The caller's membership of the team, at most ``cache_seconds`` old."""
        key = f"{user_id}\u0000{team_id}"
        at = self._now()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and at - cached.checked_at < self._ttl_ms:
                return cached
            lookup = self._inflight.get(key)
            owner = lookup is None
            if lookup is None:
                lookup = self._inflight[key] = _Lookup()
        if owner:
            try:
                lookup.entry = self._look_up(user_id, team_id)
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
        return lookup.entry

    def _look_up(self, user_id: str, team_id: str) -> Membership:
        # Stamped before the query: the answer is never older than its stamp says.
        checked_at = self._now()
        try:
            with self._database.engine.connect() as connection:
                row = connection.execute(sql(_LOOKUP), {"team": team_id, "uid": user_id}).first()
        except Exception as error:  # noqa: BLE001 - any failure to read is "unavailable"
            raise MembershipStoreUnavailableError(f"the member table cannot be read: {error}") from error
        if row is None:
            return Membership(member=False, role=None, checked_at=checked_at)
        return Membership(member=True, role=parse_team_role(row[0]), checked_at=checked_at)

    def _remember(self, entry: Membership, key: str) -> None:
        """Keeps an answer (the caller holds the lock); the oldest answers go first."""
        if self._ttl_ms <= 0:
            return
        self._cache.pop(key, None)
        self._cache[key] = entry
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
