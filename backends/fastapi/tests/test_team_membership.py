"""The team membership check (teams/membership.py): its cache bound on a clock the test moves by
hand, shared queries, fail-closed reads, and the bound the app gives it (the session check's)."""

from __future__ import annotations

import concurrent.futures
import json
import threading
from dataclasses import dataclass
from typing import Any, Callable, List

import pytest

from tandem_api.db import Database, open_database, sql
from tandem_api.teams.membership import MembershipCheck, MembershipStoreUnavailableError
from tandem_api.teams.roles import can_write_team_tasks, parse_team_role

from .support import JwksServer, KeyPair, insert_member, insert_team
from .test_app import Api, problem
from .test_quota_and_sessions import Clock


def now_clock() -> Clock:
    return Clock(__import__("time").time() * 1000)


def set_role(database: Database, team: str, user: str, role: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(
            sql('update "member" set "role" = :role where "organizationId" = :team and "userId" = :uid'),
            {"role": role, "team": team, "uid": user},
        )


def remove(database: Database, team: str, user: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(sql('delete from "member" where "organizationId" = :team and "userId" = :uid'), {"team": team, "uid": user})


def test_roles_parse_as_the_contracts_do() -> None:
    assert [parse_team_role(s) for s in ("owner", "viewer,admin", " member ,viewer", "guest", "", "Owner", None)] == [
        "owner", "admin", "member", None, None, None, None,
    ]  # fmt: skip
    assert [can_write_team_tasks(r) for r in ("viewer", "member", "admin", "owner", None)] == [False, True, True, True, False]


def test_a_removal_or_a_downgrade_is_seen_once_the_bound_has_passed(database: Database, user_factory: Callable[..., str]) -> None:
    clock = now_clock()
    team, user = insert_team(database), user_factory()
    insert_member(database, team, user, "member")
    check = MembershipCheck(database, cache_seconds=5, now=clock)
    assert check.membership(user, team).role == "member"
    set_role(database, team, user, "viewer")
    clock.advance(4_999)
    assert check.membership(user, team).role == "member"  # inside the 5 s bound: cached
    clock.advance(1)
    assert check.membership(user, team).role == "viewer"
    remove(database, team, user)
    clock.advance(4_999)
    assert check.membership(user, team).member
    clock.advance(1)
    assert not check.membership(user, team).member
    # "Not a member" is an answer like any other: cached within the bound, then asked again.
    insert_member(database, team, user, "admin")
    assert not check.membership(user, team).member
    clock.advance(5_000)
    assert check.membership(user, team).role == "admin"


def test_zero_asks_the_database_on_every_call(database: Database, user_factory: Callable[..., str]) -> None:
    team, user = insert_team(database), user_factory()
    insert_member(database, team, user, "owner")
    check = MembershipCheck(database, cache_seconds=0, now=now_clock())
    assert check.membership(user, team).role == "owner"
    remove(database, team, user)
    assert not check.membership(user, team).member


@dataclass
class SlowEngine:
    """An engine whose queries take ``ms`` of the test's clock."""

    engine: Any
    clock: Clock
    ms: float

    def connect(self) -> Any:
        self.clock.advance(self.ms)
        return self.engine.connect()


def test_an_answer_is_as_old_as_the_moment_it_was_asked_for(database: Database, user_factory: Callable[..., str]) -> None:
    clock = now_clock()
    team, user = insert_team(database), user_factory()
    insert_member(database, team, user, "member")
    slow = Database(SlowEngine(database.engine, clock, 3_000), database.dialect, database.location)  # type: ignore[arg-type]
    check = MembershipCheck(slow, cache_seconds=5, now=clock)
    assert check.membership(user, team).member  # asked at t, answered at t + 3 s
    remove(database, team, user)
    clock.advance(1_999)
    assert check.membership(user, team).member
    clock.advance(1)  # 5 s after the question, not after the answer: asked again
    assert not check.membership(user, team).member


def test_each_user_and_team_is_its_own_answer_and_memory_stays_bounded(database: Database, user_factory: Callable[..., str]) -> None:
    team, other, user = insert_team(database), insert_team(database), user_factory()
    insert_member(database, team, user, "viewer")
    check = MembershipCheck(database, cache_seconds=60, max_entries=3, now=now_clock())
    assert check.membership(user, team).role == "viewer"
    assert not check.membership(user, other).member
    assert not check.membership(user_factory("Other"), team).member
    for i in range(20):
        check.membership(f"user-{i}", team)
    assert len(check._cache) == 3  # noqa: SLF001 - the bound on memory


def test_concurrent_checks_share_one_query(database: Database, user_factory: Callable[..., str]) -> None:
    team, user = insert_team(database), user_factory()
    insert_member(database, team, user, "member")
    check = MembershipCheck(database, cache_seconds=5)
    queries: List[int] = []
    gate = threading.Event()
    original = check._look_up  # noqa: SLF001 - counting the database round trips

    def counted(uid: str, tid: str):  # type: ignore[no-untyped-def]
        queries.append(1)
        gate.wait(1)
        return original(uid, tid)

    check._look_up = counted  # type: ignore[method-assign]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(check.membership, user, team) for _ in range(6)]
        gate.set()
        assert all(f.result().role == "member" for f in futures)
    assert len(queries) == 1


def test_an_unreadable_member_table_fails_closed_and_is_never_cached() -> None:
    nowhere = open_database("postgres://postgres@127.0.0.1:1/tandem")  # nothing listens on port 1
    try:
        check = MembershipCheck(nowhere, cache_seconds=60)
        for _ in range(2):
            with pytest.raises(MembershipStoreUnavailableError):
                check.membership("u", "t")
        assert len(check._cache) == 0  # noqa: SLF001
    finally:
        nowhere.dispose()


def test_the_app_answers_503_when_membership_cannot_be_read(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    api = Api(database, jwks, keys)
    team = insert_team(database)
    user, token = api.sign_up()
    insert_member(database, team, user, "owner")
    nowhere = open_database("postgres://postgres@127.0.0.1:1/tandem")
    try:
        api.client.app.state.deps.memberships = MembershipCheck(nowhere)
        for method, body in (("GET", None), ("POST", {"title": "x"})):
            failed = api.call(method, f"/api/teams/{team}/tasks", token, body)
            answer = problem(failed, 503, "SERVICE_UNAVAILABLE")
            assert answer["detail"] == "Your team membership cannot be checked right now; retry shortly"
            assert failed.headers["retry-after"] == "5"
            assert "127.0.0.1" not in failed.text
        # A malformed team id is refused before any lookup: still the 404.
        problem(api.call("GET", "/api/teams/a.b/tasks", token), 404, "TEAM_NOT_FOUND")
    finally:
        nowhere.dispose()
    lines = [json.loads(line) for line in api.logs.getvalue().splitlines()]
    assert any(line["msg"] == "team membership store unavailable" for line in lines)
    assert api.call("GET", f"/api/teams/{team}/tasks", token).status_code == 503  # still the broken check


@pytest.mark.parametrize(("seconds", "seen"), [(0, True), (3600, False)])
def test_the_app_bounds_membership_by_the_revocation_setting(
    database: Database, jwks: JwksServer, keys: KeyPair, seconds: int, seen: bool
) -> None:
    api = Api(database, jwks, keys, revocation_seconds=seconds)
    team = insert_team(database)
    user, token = api.sign_up()
    insert_member(database, team, user, "member")
    assert api.call("POST", f"/api/teams/{team}/tasks", token, {"title": "x"}).status_code == 201
    set_role(database, team, user, "viewer")
    downgraded = api.call("POST", f"/api/teams/{team}/tasks", token, {"title": "y"})
    assert downgraded.status_code == (403 if seen else 201)
    remove(database, team, user)
    removed = api.call("GET", f"/api/teams/{team}/tasks", token)
    assert removed.status_code == (404 if seen else 200)
