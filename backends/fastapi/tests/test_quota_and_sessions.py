"""The per-user quota store (the same numbers as apps/api/src/http/quota.test.ts) and the session
check's cache bound, each on a clock the test moves by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Callable, List

import pytest

from tandem_api.auth.session_check import SessionCheck, SessionStoreUnavailableError
from tandem_api.auth.verifier import Identity
from tandem_api.db import Database, open_database, sql
from tandem_api.quota import MemoryQuotaStore

from .support import insert_session


class Clock:
    def __init__(self, start: float = 1_000_000) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms


def test_allows_exactly_the_burst_counting_down_then_refuses() -> None:
    store = MemoryQuotaStore(3, 30, now=Clock())
    seen = [store.consume("a") for _ in range(4)]
    assert [d.allowed for d in seen] == [True, True, True, False]
    assert [d.remaining for d in seen] == [2, 1, 0, 0]
    # One request comes back every 10 s; the bucket is full again 10, 20, 30 s after each use.
    assert [d.reset_seconds for d in seen] == [10, 20, 30, 30]
    assert [d.retry_after_seconds for d in seen] == [0, 0, 0, 10]


def test_refills_evenly_and_never_charges_a_refused_request() -> None:
    clock = Clock()
    store = MemoryQuotaStore(3, 30, now=clock)
    for _ in range(3):
        store.consume("a")
    for _ in range(50):
        assert not store.consume("a").allowed
    clock.advance(4_000)
    assert store.consume("a").retry_after_seconds == 6
    clock.advance(5_500)
    assert store.consume("a").retry_after_seconds == 1  # 0.5 s to go is rounded up
    clock.advance(500)
    assert store.consume("a").allowed
    assert store.consume("b").remaining == 2  # users are apart


def test_counts_exactly_when_the_window_does_not_divide_evenly() -> None:
    clock = Clock(1_700_000_000_000)
    store = MemoryQuotaStore(7, 60, now=clock)
    first = [store.consume("a") for _ in range(8)]
    assert [d.allowed for d in first] == [True] * 7 + [False]
    assert first[7].retry_after_seconds == 9  # 60/7 ≈ 8.57 s, rounded up
    clock.advance(60_000)
    assert sum(store.consume("a").allowed for _ in range(8)) == 7


def test_memory_stays_bounded() -> None:
    clock = Clock()
    store = MemoryQuotaStore(1, 60, max_keys=10, now=clock)
    for i in range(1_000):
        store.consume(f"user-{i}")
        assert store.size <= 10
    idle = MemoryQuotaStore(10, 1, now=clock)
    for i in range(100):
        idle.consume(f"user-{i}")
    clock.advance(1_000)
    idle.consume("late")
    assert idle.size == 1  # full buckets are forgotten once per window


def test_rejects_nonsense_settings() -> None:
    for requests, window in ((0, 60), (1, 0)):
        with pytest.raises(ValueError):
            MemoryQuotaStore(requests, window)


def identity(user_id: str, session_id: str) -> Identity:
    return Identity(user_id=user_id, session_id=session_id, name=None, expires_at=0)


def test_a_revoked_session_is_refused_once_the_cache_bound_has_passed(
    database: Database, user_factory: Callable[..., str]
) -> None:
    clock = Clock(__import__("time").time() * 1000)
    user_id = user_factory()
    session_id = insert_session(database, user_id)
    check = SessionCheck(database, cache_seconds=5, now=clock)
    assert check.is_active(identity(user_id, session_id))
    assert not check.is_active(identity("someone-else", session_id))  # the sid must be the sub's
    with database.engine.begin() as connection:
        connection.execute(sql('delete from "session" where id = :id'), {"id": session_id})
    clock.advance(4_999)
    assert check.is_active(identity(user_id, session_id))  # inside the 5 s bound: cached
    clock.advance(1)
    assert not check.is_active(identity(user_id, session_id))


def test_a_cached_answer_never_outlives_the_session(database: Database, user_factory: Callable[..., str]) -> None:
    clock = Clock(__import__("time").time() * 1000)
    user_id = user_factory()
    session_id = insert_session(database, user_id, expires_in=timedelta(seconds=2))
    check = SessionCheck(database, cache_seconds=3600, now=clock)
    assert check.is_active(identity(user_id, session_id))
    clock.advance(2_500)
    assert not check.is_active(identity(user_id, session_id))


def test_a_token_without_sid_is_never_active_and_an_unreadable_store_fails_closed(database: Database) -> None:
    assert not SessionCheck(database).is_active(Identity("u", None, None, 0))
    nowhere = open_database("postgres://postgres@127.0.0.1:1/tandem")
    try:
        with pytest.raises(SessionStoreUnavailableError):
            SessionCheck(nowhere).is_active(identity("u", "s"))
    finally:
        nowhere.dispose()


def test_concurrent_checks_of_one_session_share_one_query(database: Database, user_factory: Callable[..., str]) -> None:
    import concurrent.futures
    import threading

    user_id = user_factory()
    session_id = insert_session(database, user_id)
    check = SessionCheck(database, cache_seconds=5)
    queries: List[int] = []
    gate = threading.Event()
    original = check._look_up  # noqa: SLF001 - counting the database round trips

    def counted(sid: str, uid: str):  # type: ignore[no-untyped-def]
        queries.append(1)
        gate.wait(1)
        return original(sid, uid)

    check._look_up = counted  # type: ignore[method-assign]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(check.is_active, identity(user_id, session_id)) for _ in range(6)]
        gate.set()
        assert all(f.result() for f in futures)
    assert len(queries) == 1
