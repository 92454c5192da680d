"""The per-user quota stores (the same numbers as apps/api/src/http/quota.test.ts) and the session
check's cache bound, each on a clock the test moves by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Callable, List

import pytest

from tandem_api.auth.session_check import SessionCheck, SessionStoreUnavailableError
from tandem_api.auth.verifier import Identity
from tandem_api.db import Database, open_database, sql
from tandem_api.quota import MemoryQuotaStore, PostgresQuotaStore
from tandem_api.settings import ConfigError, load_settings

from .support import insert_session


class Clock:
    def __init__(self, start: float = 1_000_000) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms


def test_allows_exactly_the_quota_per_window_then_refuses_until_it_ends() -> None:
    clock = Clock()
    store = MemoryQuotaStore(3, 30, now=clock)
    seen = [store.consume("a") for _ in range(4)]
    assert [d.allowed for d in seen] == [True, True, True, False]
    assert [d.remaining for d in seen] == [2, 1, 0, 0]
    # Fixed window (rate-limiter-flexible's): the whole quota comes back 30 s after the first request.
    assert [d.reset_seconds for d in seen] == [30, 30, 30, 30]
    assert [d.retry_after_seconds for d in seen] == [0, 0, 0, 30]
    clock.advance(20_500)
    assert store.consume("a").retry_after_seconds == 10  # 9.5 s to go is rounded up
    clock.advance(9_500)
    assert store.consume("a").remaining == 2
    assert store.consume("b").remaining == 2  # users are apart


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
    assert idle.size == 1  # ended windows are forgotten once per window


def test_rejects_nonsense_settings() -> None:
    for requests, window in ((0, 60), (1, 0)):
        with pytest.raises(ValueError):
            MemoryQuotaStore(requests, window)


def test_the_postgres_store_is_one_budget_in_rate_limiter_flexibles_table(database: Database) -> None:
    if database.dialect != "postgres":
        pytest.skip("the shared store is PostgreSQL only")
    one = PostgresQuotaStore(database.engine, 5, 30)
    two = PostgresQuotaStore(database.engine, 5, 30)
    seen = [(one if i % 2 == 0 else two).consume("alice") for i in range(7)]
    assert [d.allowed for d in seen] == [True] * 5 + [False] * 2
    assert [d.remaining for d in seen] == [4, 3, 2, 1, 0, 0, 0]
    assert all(d.reset_seconds in (29, 30) for d in seen)
    with database.engine.begin() as connection:
        rows = connection.execute(sql("select key, points from api_quota")).all()
    assert [tuple(r) for r in rows] == [("api:alice", 7)]


def test_the_postgres_store_keeps_counts_unlogged_and_converts_a_logged_table(database: Database) -> None:
    if database.dialect != "postgres":
        pytest.skip("the shared store is PostgreSQL only")
    persistence = "select relpersistence from pg_class where oid = to_regclass('api_quota')"
    PostgresQuotaStore(database.engine, 5, 30)
    with database.engine.begin() as connection:
        assert connection.execute(sql(persistence)).scalar() == "u"
        connection.execute(sql("alter table api_quota set logged"))
    store = PostgresQuotaStore(database.engine, 5, 30)
    with database.engine.begin() as connection:
        assert connection.execute(sql(persistence)).scalar() == "u"
    assert [store.consume("alice").remaining for _ in range(2)] == [4, 3]


def test_the_postgres_store_fails_open_to_a_per_process_quota(database: Database) -> None:
    if database.dialect != "postgres":
        pytest.skip("the shared store is PostgreSQL only")
    store = PostgresQuotaStore(database.engine, 2, 30)
    with database.engine.begin() as connection:
        connection.execute(sql("drop table api_quota"))
    assert [store.consume("a").allowed for _ in range(3)] == [True, True, False]
    closed = PostgresQuotaStore(database.engine, 2, 30, fail_open=False)
    with database.engine.begin() as connection:
        connection.execute(sql("drop table api_quota"))
    with pytest.raises(Exception):
        closed.consume("a")


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


def test_the_quota_store_follows_the_database_unless_set() -> None:
    assert load_settings({}).quota_store == "memory"
    assert load_settings({"DATABASE_URL": "postgres://db/tandem"}).quota_store == "database"
    assert load_settings({"DATABASE_URL": "postgres://db/tandem", "API_QUOTA_STORE": "memory"}).quota_store == "memory"
    with pytest.raises(ConfigError) as refused:
        load_settings({"API_QUOTA_STORE": "database"})
    assert [name for name, _ in refused.value.issues] == ["API_QUOTA_STORE"]
