"""The cache shared by the session and membership checks (auth/bounded_cache.py), on its own: what
the two checks' tests cannot reach through a database."""

from __future__ import annotations

import concurrent.futures
import threading
from typing import List, Optional

import pytest

from tandem_api.auth.bounded_cache import BoundedCache

from .test_quota_and_sessions import Clock


def test_a_failed_load_reaches_every_waiter_and_is_not_remembered() -> None:
    cache: BoundedCache[int] = BoundedCache(ttl_ms=60_000, max_entries=10, now=Clock(0))
    calls: List[int] = []
    gate = threading.Event()

    def failing() -> int:
        calls.append(1)
        gate.wait(1)
        raise RuntimeError("down")

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(cache.get, "k", failing) for _ in range(4)]
        gate.set()
        for future in futures:
            with pytest.raises(RuntimeError, match="down"):
                future.result()
    assert len(calls) == 1 and len(cache) == 0
    assert cache.get("k", lambda: 7) == 7  # the next caller asks again


def test_none_is_an_answer_and_zero_remembers_nothing() -> None:
    clock = Clock(0)
    cache: BoundedCache[Optional[str]] = BoundedCache(ttl_ms=1_000, max_entries=10, now=clock)
    assert cache.get("k", lambda: None) is None
    assert cache.get("k", lambda: "later") is None  # cached, not mistaken for "no answer"
    clock.advance(1_000)
    assert cache.get("k", lambda: "later") == "later"
    uncached: BoundedCache[int] = BoundedCache(ttl_ms=0, max_entries=10, now=clock)
    assert [uncached.get("k", lambda: n) for n in (1, 2)] == [1, 2]
    assert len(uncached) == 0
