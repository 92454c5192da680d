"""Is the caller a member of the team in the path, and in which role? (docs/decisions/016)

Reads Better Auth's ``member`` table on the request, never the token: a claim would be stale for
the token's lifetime. Answers are cached per (user, team) for ``cache_seconds`` (the same
``AUTH_REVOCATION_CHECK_SECONDS`` as the session check: the bound on how late a removal or a
downgrade reaches this backend; 0 asks on every request), at most ``max_entries`` of them, oldest
dropped first; concurrent requests for one (user, team) share one query. Both answers are cached,
"member" and "not a member", as the session check caches both. If the table cannot be read,
``MembershipStoreUnavailableError`` (fail closed: 503, never a pass).

The cache is auth/bounded_cache.py, the session check's too: one cache discipline to review, not two.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional

from ..auth.bounded_cache import BoundedCache
from ..auth.session_check import DEFAULT_REVOCATION_CHECK_SECONDS
from ..db import Database, sql
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


class MembershipCheck:
    def __init__(
        self,
        database: Database,
        cache_seconds: float = DEFAULT_REVOCATION_CHECK_SECONDS,
        max_entries: int = 10_000,
        now: Optional[Callable[[], float]] = None,
    ):
        self._database = database
        self._now = now or (lambda: time.time() * 1000)
        self._cache: BoundedCache[Membership] = BoundedCache(cache_seconds * 1000, max_entries, self._now)

    def membership(self, user_id: str, team_id: str) -> Membership:
        """The caller's membership of the team, at most ``cache_seconds`` old."""
        # self._look_up is read on each call, not bound once: the tests count queries by wrapping it.
        return self._cache.get(f"{user_id}\u0000{team_id}", lambda: self._look_up(user_id, team_id))

    def _look_up(self, user_id: str, team_id: str) -> Membership:
        try:
            with self._database.engine.connect() as connection:
                row = connection.execute(sql(_LOOKUP), {"team": team_id, "uid": user_id}).first()
        except Exception as error:  # noqa: BLE001 - any failure to read is "unavailable"
            raise MembershipStoreUnavailableError(f"the member table cannot be read: {error}") from error
        if row is None:
            return Membership(member=False, role=None)
        return Membership(member=True, role=parse_team_role(row[0]))
