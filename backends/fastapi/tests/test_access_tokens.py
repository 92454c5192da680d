"""Personal access tokens (auth/access_token.py, docs/decisions/017): the lookup, the cache bound on
revocation, exact expiry, the owner, failing closed, the read scope on every write and on team
routes, and the usage record (last_used_at, the first use exactly once), on a clock the test moves
by hand. What a client observes over HTTP on both backends is in tests/contract/access-tokens*."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from datetime import timedelta
from typing import Any, List, Optional

from tandem_api.auth.access_token import (
    MALFORMED_TOKEN,
    REFUSED_ACCESS_TOKEN,
    AccessTokenCheck,
    AccessTokenUsage,
    StoredToken,
    access_token_hash,
)
from tandem_api.db import Database, open_database, sql
from tandem_api.logs import Logger

from .support import JwksServer, KeyPair, insert_access_token, insert_member, insert_team
from .test_app import Api, api, problem  # noqa: F401 - api is the fixture
from .test_quota_and_sessions import Clock


def now_clock() -> Clock:
    return Clock(__import__("time").time() * 1000)


def api_with(database: Database, jwks: JwksServer, keys: KeyPair, cache_seconds: float, clock: Optional[Clock] = None) -> Api:
    api = Api(database, jwks, keys, revocation_seconds=cache_seconds)
    api.client.app.state.deps.access_tokens = AccessTokenCheck(database, cache_seconds=cache_seconds, now=clock)
    return api


def tokens_of(api: Api) -> AccessTokenCheck:
    return api.client.app.state.deps.access_tokens


def execute(database: Database, statement: str, **params: Any) -> None:
    with database.engine.begin() as connection:
        connection.execute(sql(statement), params)


def first_uses(database: Database, user_id: str) -> List[Any]:
    with database.engine.connect() as connection:
        return list(
            connection.execute(
                sql(
                    'select "detail", "user_agent", "ip" from "security_event" '
                    "where \"user_id\" = :uid and \"type\" = 'access_token_first_used'"
                ),
                {"uid": user_id},
            ).all()
        )


def last_used(database: Database, token_id: str) -> Any:
    with database.engine.connect() as connection:
        return connection.execute(sql('select "last_used_at" from "access_token" where "id" = :id'), {"id": token_id}).scalar()


def test_the_hash_is_the_hex_sha256_of_the_whole_token() -> None:
    token = "tandem_pat_" + "A" * 43
    assert access_token_hash(token) == hashlib.sha256(token.encode()).hexdigest()


def test_a_write_token_works_as_its_owner_and_me_says_how(api: Api) -> None:
    user_id, session_token = api.sign_up("Ada")
    _, token = insert_access_token(api.database, user_id, "write")
    assert api.call("GET", "/api/me", token).json() == {
        "id": user_id,
        "name": "Ada",
        "via": "access_token",
        "scope": "write",
        "amr": [],
        "authTime": None,
    }
    created = api.call("POST", "/api/tasks", token, {"title": "from a script"})
    assert created.status_code == 201
    assert created.json()["id"] in api.call("GET", "/api/tasks", session_token).text
    assert api.call("DELETE", f"/api/tasks/{created.json()['id']}", token).status_code == 204


def test_a_read_token_reads_and_every_write_method_is_403(api: Api) -> None:
    user_id, _ = api.sign_up("Ada")
    _, token = insert_access_token(api.database, user_id, "read")
    assert api.call("GET", "/api/tasks", token).status_code == 200
    assert api.call("HEAD", "/api/tasks", token).status_code == 200
    for method in ("POST", "PUT", "PATCH", "DELETE", "PROPFIND"):
        response = api.call(method, "/api/tasks", token, {"title": "x"})
        body = problem(response, 403, "INSUFFICIENT_SCOPE")
        assert response.headers["www-authenticate"] == (
            f'Bearer realm="tandem", error="insufficient_scope", error_description="{body["detail"]}"'
        )
    with api.database.engine.connect() as connection:
        assert connection.execute(sql('select count(*) from "task"')).scalar() == 0


def test_team_routes_check_the_owners_membership_and_the_scope(api: Api) -> None:
    member, _ = api.sign_up("Ada")
    outsider, _ = api.sign_up("Bob")
    team = insert_team(api.database)
    insert_member(api.database, team, member, "member")
    _, writer = insert_access_token(api.database, member, "write")
    _, reader = insert_access_token(api.database, member, "read")
    _, stranger = insert_access_token(api.database, outsider, "write")
    assert api.call("POST", f"/api/teams/{team}/tasks", writer, {"title": "shared"}).status_code == 201
    assert api.call("GET", f"/api/teams/{team}/tasks", reader).status_code == 200
    problem(api.call("POST", f"/api/teams/{team}/tasks", reader, {"title": "x"}), 403, "INSUFFICIENT_SCOPE")
    problem(api.call("GET", f"/api/teams/{team}/tasks", stranger), 404, "TEAM_NOT_FOUND")


def test_a_revoked_token_is_refused_once_the_bound_has_passed(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    clock = now_clock()
    api = api_with(database, jwks, keys, 5, clock)
    user_id, _ = api.sign_up()
    token_id, token = insert_access_token(database, user_id)
    assert api.call("GET", "/api/me", token).status_code == 200
    execute(database, 'update "access_token" set "revoked_at" = :at where "id" = :id', at="2030-01-01T00:00:00.000Z", id=token_id)
    clock.advance(4_999)
    assert api.call("GET", "/api/me", token).status_code == 200
    clock.advance(1)
    assert problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")["detail"] == REFUSED_ACCESS_TOKEN


def test_expiry_is_exact_even_from_the_cache(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    clock = now_clock()
    api = api_with(database, jwks, keys, 3600, clock)
    user_id, _ = api.sign_up()
    token_id, token = insert_access_token(database, user_id)
    expires = clock.now + 10_000
    from tandem_api.instants import to_iso

    execute(database, 'update "access_token" set "expires_at" = :at where "id" = :id', at=to_iso(int(expires)), id=token_id)
    assert api.call("GET", "/api/me", token).status_code == 200
    clock.now = int(expires) - 1
    assert api.call("GET", "/api/me", token).status_code == 200
    clock.now = int(expires)
    problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")


def test_an_unknown_token_is_remembered_within_the_bound(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    clock = now_clock()
    api = api_with(database, jwks, keys, 5, clock)
    user_id, _ = api.sign_up()
    token_id, token = insert_access_token(database, user_id, revoked=True)
    problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")
    execute(database, 'update "access_token" set "revoked_at" = null where "id" = :id', id=token_id)
    clock.advance(4_999)
    problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")
    clock.advance(1)
    assert api.call("GET", "/api/me", token).status_code == 200


def test_a_deleted_owners_token_is_refused(api: Api) -> None:
    user_id, _ = api.sign_up()
    _, token = insert_access_token(api.database, user_id)
    assert api.call("GET", "/api/me", token).status_code == 200
    execute(api.database, 'delete from "user" where "id" = :id', id=user_id)
    problem(api.call("GET", "/api/tasks", token), 401, "INVALID_TOKEN")


def test_a_scope_tandem_does_not_know_grants_nothing(api: Api) -> None:
    user_id, _ = api.sign_up()
    token_id, token = insert_access_token(api.database, user_id)
    with api.database.engine.begin() as connection:
        if api.database.dialect == "postgres":
            connection.execute(sql("alter table access_token drop constraint access_token_scope_check"))
        else:
            connection.execute(sql("pragma ignore_check_constraints = on"))
        connection.execute(sql("update access_token set scope = 'admin' where id = :id"), {"id": token_id})
        if api.database.dialect == "sqlite":
            connection.execute(sql("pragma ignore_check_constraints = off"))
    with api.database.engine.connect() as connection:
        assert connection.execute(sql("select scope from access_token where id = :id"), {"id": token_id}).scalar() == "admin"
    problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")


def test_malformed_is_refused_without_a_lookup_and_an_unreadable_table_fails_closed(database_url: str, jwks: JwksServer, keys: KeyPair) -> None:
    database = open_database(database_url)
    api = api_with(database, jwks, keys, 0)
    lookups: List[str] = []
    check = tokens_of(api)
    original = check._look_up
    check._look_up = lambda token_hash: lookups.append(token_hash) or original(token_hash)  # type: ignore[method-assign]
    for token in ("tandem_pat_", "tandem_pat_" + "a" * 42, "tandem_pat_" + "a" * 44, "tandem_pat_" + "a" * 42 + "="):
        assert problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")["detail"] == MALFORMED_TOKEN
    assert lookups == []
    execute(database, "drop table access_token")
    response = api.call("GET", "/api/me", "tandem_pat_" + "a" * 43)
    problem(response, 503, "SERVICE_UNAVAILABLE")
    assert response.headers["retry-after"].isdigit()
    assert "tandem_pat_" not in api.logs.getvalue()
    database.dispose()


def test_the_first_use_is_recorded_once_then_last_used_at_at_most_once_a_minute(api: Api) -> None:
    user_id, _ = api.sign_up()
    token_id, _ = insert_access_token(api.database, user_id, name="deploy script")
    clock = Clock(1_893_499_200_000)  # 2030-01-01T12:00:00Z
    usage = AccessTokenUsage(api.database, now=clock)
    stored = StoredToken(token_id, user_id, "deploy script", False, "Ada", "write", clock.now + 1e9)
    usage.record(stored, "curl/8 " + "x" * 600, Logger("silent"))
    usage.settled()
    assert str(last_used(api.database, token_id)).startswith("2030-01-01")
    [(detail, user_agent, ip)] = first_uses(api.database, user_id)
    assert (detail, len(user_agent), ip) == ("deploy script", 512, None)
    first = last_used(api.database, token_id)
    clock.advance(59_999)
    usage.record(stored, None, Logger("silent"))
    usage.settled()
    assert last_used(api.database, token_id) == first
    clock.advance(1)
    usage.record(stored, None, Logger("silent"))
    usage.settled()
    assert last_used(api.database, token_id) != first
    assert len(first_uses(api.database, user_id)) == 1
    usage.close()


def test_concurrent_first_uses_in_several_processes_record_one_entry(api: Api) -> None:
    user_id, _ = api.sign_up()
    token_id, _ = insert_access_token(api.database, user_id)
    stored = StoredToken(token_id, user_id, "test token", False, "Ada", "write", 9e15)
    processes = [AccessTokenUsage(api.database) for _ in range(4)]
    start = threading.Barrier(len(processes))

    def use(usage: AccessTokenUsage) -> None:
        start.wait()
        usage.record(stored, None, Logger("silent"))
        usage.settled()

    threads = [threading.Thread(target=use, args=(usage,)) for usage in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(first_uses(api.database, user_id)) == 1
    for usage in processes:
        usage.close()


def test_a_failed_usage_write_is_logged_without_the_token_and_the_request_still_answers(
    database_url: str, jwks: JwksServer, keys: KeyPair
) -> None:
    database = open_database(database_url)
    clock = now_clock()
    api = api_with(database, jwks, keys, 3600, clock)
    user_id, _ = api.sign_up()
    token_id, token = insert_access_token(database, user_id)
    assert api.call("GET", "/api/tasks", token, user_agent="tandem-cli/1.0").status_code == 200
    tokens_of(api).usage.settled()
    assert [row[1] for row in first_uses(database, user_id)] == ["tandem-cli/1.0"]
    # A minute on, the token is served from the cache while its usage writes go to a database that
    # refuses connections.
    clock.advance(60_000)
    tokens_of(api).usage = AccessTokenUsage(open_database("postgres://127.0.0.1:1/unreachable"), now=clock)
    response = api.call("GET", "/api/me", token)
    assert response.status_code == 200
    tokens_of(api).usage.settled()
    logs = api.logs.getvalue()
    assert "access token use not recorded" in logs
    assert token not in logs and token[11:] not in logs
    database.dispose()


def test_a_first_use_while_the_account_is_being_deleted_neither_deadlocks_nor_fails(api: Api) -> None:
    user_id, _ = api.sign_up()
    token_id, _ = insert_access_token(api.database, user_id)
    logs = io.StringIO()
    usage = AccessTokenUsage(api.database)
    stored = StoredToken(token_id, user_id, "t", False, "Ada", "write", 9e15)
    # The deletion holds the user's row (as Better Auth's delete-user does) while the first use is
    # written, then cascades to the token: locks taken in another order would deadlock on PostgreSQL.
    hold = (
        'select "id" from "user" where "id" = :id for update'
        if api.database.dialect == "postgres"
        else 'update "user" set "name" = "name" where "id" = :id'
    )
    with api.database.engine.begin() as connection:
        connection.execute(sql(hold), {"id": user_id})
        usage.record(stored, None, Logger("info", stream=logs))
        time.sleep(0.3)
        connection.execute(sql('delete from "user" where "id" = :id'), {"id": user_id})
    usage.settled()
    usage.close()
    assert "not recorded" not in logs.getvalue(), logs.getvalue()
    assert first_uses(api.database, user_id) == []
