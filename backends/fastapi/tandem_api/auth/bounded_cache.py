"""The cache behind the API's per-request database checks (the session check, team membership).

Answers are reused for at most ``ttl_ms``, which is what bounds how late a revocation, a removal or
a role change is seen; at most ``max_entries`` are remembered, oldest dropped first. Concurrent
loads of one key share a single call; a failed load is not remembered, and its error reaches every
caller that waited on it. apps/api/src/auth/bounded-cache.ts is the TypeScript twin: one cache
discipline to review, not two.

Unlike the twin, no refresh ahead: this backend serves requests on worker threads, so a refresh
would be one more thread per busy key, and its answers were never refreshed in the background;
that is a change to measure on its own (decision 007 measured the TypeScript API only).

>>> roles = BoundedCache(ttl_ms=5000, max_entries=10_000, now=lambda: time.time() * 1000)
>>> role = roles.get(f"{user_id}\\u0000{team_id}", lambda: read_role(user_id, team_id))
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Dict, Generic, Optional, TypeVar

V = TypeVar("V")


class _Entry(Generic[V]):
    __slots__ = ("value", "checked_at")

    def __init__(self, value: V, checked_at: float) -> None:
        self.value = value
        self.checked_at = checked_at  # ms


class _Load(Generic[V]):
    """One load under way: the callers that join it wait on ``done``, then read its outcome."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: Optional[_Entry[V]] = None
        self.error: Optional[BaseException] = None


class BoundedCache(Generic[V]):
    def __init__(self, ttl_ms: float, max_entries: int, now: Callable[[], float]) -> None:
        """``ttl_ms``: how long an answer is served, the bound on how stale it may be (0 caches
        nothing). ``max_entries``: most answers remembered at once. ``now``: the clock, in ms."""
        self._ttl_ms = ttl_ms
        self._max_entries = max_entries
        self._now = now
        self._cache: "OrderedDict[str, _Entry[V]]" = OrderedDict()
        self._inflight: Dict[str, _Load[V]] = {}
        self._lock = threading.Lock()

    @property
    def ttl_ms(self) -> float:
        return self._ttl_ms

    def __len__(self) -> int:
        """How many answers are remembered (never more than ``max_entries``)."""
        return len(self._cache)

    def get(self, key: str, load: Callable[[], V]) -> V:
        """The answer for ``key``: a remembered one while it is younger than the bound (its age
        counts from when its query started), else ``load()``'s, shared with concurrent callers."""
        at = self._now()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and at - cached.checked_at < self._ttl_ms:
                return cached.value
            pending = self._inflight.get(key)
            owner = pending is None
            if pending is None:
                pending = self._inflight[key] = _Load()
        if owner:
            self._run(key, load, pending)
        else:
            pending.done.wait()
        if pending.error is not None:
            raise pending.error
        assert pending.entry is not None
        return pending.entry.value

    def _run(self, key: str, load: Callable[[], V], pending: _Load[V]) -> None:
        # Stamped before the query: the answer is no newer than the moment it was asked for.
        checked_at = self._now()
        try:
            pending.entry = _Entry(load(), checked_at)
        except BaseException as error:  # noqa: BLE001 - handed to every waiter, the owner included
            pending.error = error
        finally:
            with self._lock:
                # Cached before the load stops being in flight: a caller arriving in between
                # finds one or the other, never neither (so never a second query).
                if pending.entry is not None:
                    self._remember(key, pending.entry)
                self._inflight.pop(key, None)
            pending.done.set()

    def _remember(self, key: str, entry: _Entry[V]) -> None:
        """Keeps an answer (the caller holds the lock); the oldest answers go first."""
        if self._ttl_ms <= 0:
            return
        self._cache.pop(key, None)
        self._cache[key] = entry
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
