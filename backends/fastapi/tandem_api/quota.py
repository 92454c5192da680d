"""Per-user request quota: the GCRA token bucket of apps/api/src/http/quota.ts, same numbers.

``requests`` per ``window_seconds``, as a burst or spread out; a refused request costs nothing.
One number per user (the time the bucket is full again); entries that are full again are dropped
once per window, and the map never holds more than ``max_keys`` users. In memory, per process.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Dict, Optional

DEFAULT_QUOTA_MAX_KEYS = 100_000
# Float headroom: seven intervals of 60 000 / 7 ms can sum a hair above the window.
EPSILON_MS = 1e-6
QUOTA_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


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


def _seconds(ms: float) -> int:
    return max(0, math.ceil((ms - EPSILON_MS) / 1000))


class MemoryQuotaStore:
    def __init__(
        self,
        requests: int,
        window_seconds: float,
        max_keys: int = DEFAULT_QUOTA_MAX_KEYS,
        now: Optional[Callable[[], float]] = None,
    ):
        if not isinstance(requests, int) or requests < 1:
            raise ValueError("requests must be a positive integer")
        if not window_seconds > 0:
            raise ValueError("window_seconds must be positive")
        if not isinstance(max_keys, int) or max_keys < 1:
            raise ValueError("max_keys must be a positive integer")
        self.requests = requests
        self.window_seconds = window_seconds
        self._max_keys = max_keys
        # Milliseconds on a monotonic clock: a wall-clock step must not hand out or withhold quota.
        self._now = now or (lambda: time.monotonic() * 1000)
        self._window_ms = window_seconds * 1000
        self._interval = self._window_ms / requests
        self._tats: "OrderedDict[str, float]" = OrderedDict()  # least recently seen first
        self._last_sweep = self._now()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self._tats)

    def _sweep(self, at: float) -> None:
        self._last_sweep = at
        for key in [k for k, tat in self._tats.items() if tat <= at]:
            del self._tats[key]

    def _make_room(self, at: float) -> None:
        self._sweep(at)
        if len(self._tats) < self._max_keys:
            return
        # Evict a tenth at once so a full map of active users costs one sweep per many inserts.
        target = self._max_keys - max(1, self._max_keys // 10)
        while len(self._tats) > target:
            self._tats.popitem(last=False)

    def consume(self, key: str) -> QuotaDecision:
        with self._lock:
            at = self._now()
            if at - self._last_sweep >= self._window_ms:
                self._sweep(at)
            stored = self._tats.get(key)
            if stored is None and len(self._tats) >= self._max_keys:
                self._make_room(at)
            tat = max(at if stored is None else stored, at)
            following = tat + self._interval
            self._tats.pop(key, None)
            if following - at > self._window_ms + EPSILON_MS:
                self._tats[key] = tat
                return QuotaDecision(
                    allowed=False,
                    limit=self.requests,
                    remaining=0,
                    reset_seconds=_seconds(tat - at),
                    # Allowed once `following - window` is reached; Retry-After is whole seconds.
                    retry_after_seconds=max(1, _seconds(following - self._window_ms - at)),
                )
            self._tats[key] = following
            return QuotaDecision(
                allowed=True,
                limit=self.requests,
                remaining=math.floor((self._window_ms - (following - at)) / self._interval + EPSILON_MS),
                reset_seconds=_seconds(following - at),
                retry_after_seconds=0,
            )
