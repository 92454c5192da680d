"""The app over HTTP (in process): authentication with the session check, the quota, validation,
routing, errors and headers, on real databases and a JWKS served over HTTP."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest
from starlette.testclient import TestClient

from tandem_api.app import Deps, create_app
from tandem_api.auth.key_set import RemoteKeySet
from tandem_api.auth.session_check import SessionCheck
from tandem_api.auth.verifier import Verifier
from tandem_api.db import Database, sql
from tandem_api.logs import Logger
from tandem_api.quota import MemoryQuotaStore

from .support import AUDIENCE, ISSUER, JwksServer, KeyPair, insert_session, insert_user

ORIGIN = "http://localhost:3000"
PROBLEM = "application/problem+json"


class Api:
    def __init__(self, database: Database, jwks: JwksServer, keys: KeyPair, **options: Any):
        self.database = database
        self.keys = keys
        self.logs = io.StringIO()
        quota: Optional[MemoryQuotaStore] = options.pop("quota", None)
        deps = Deps(
            database=database,
            verifier=Verifier(RemoteKeySet(jwks.url, timeout=1.0), ISSUER, AUDIENCE, 5),
            sessions=SessionCheck(database, cache_seconds=options.pop("revocation_seconds", 0)),
            logger=Logger("info", stream=self.logs),
            quota=quota,
        )
        self.client = TestClient(create_app(deps, web_origins=(ORIGIN,), **options), raise_server_exceptions=False)

    def sign_up(self, name: str = "Ada") -> Tuple[str, str]:
        """A user with a live session, and a token for it."""
        user_id = insert_user(self.database, name)
        session_id = insert_session(self.database, user_id)
        return user_id, self.keys.token(sub=user_id, sid=session_id, name=name)

    def call(self, method: str, path: str, token: Optional[str] = None, body: Any = None, **headers: str) -> Any:
        all_headers: Dict[str, str] = {k.replace("_", "-"): v for k, v in headers.items()}
        if token is not None:
            all_headers["authorization"] = f"Bearer {token}"
        content = None
        if body is not None:
            content = body if isinstance(body, (str, bytes)) else json.dumps(body)
            all_headers.setdefault("content-type", "application/json")
        return self.client.request(method, path, content=content, headers=all_headers)


@pytest.fixture
def api(database: Database, jwks: JwksServer, keys: KeyPair) -> Iterator[Api]:
    yield Api(database, jwks, keys)


def problem(response: Any, status: int, code: str) -> Dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == code and body["status"] == status
    assert body["requestId"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
    return body


def test_a_task_round_trip_on_both_url_schemes(api: Api) -> None:
    user_id, token = api.sign_up("Ada")
    assert api.call("GET", "/api/me", token).json() == {
        "id": user_id,
        "name": "Ada",
        "via": "session",
        "scope": None,
        "amr": [],
        "authTime": None,
    }
    created = api.call("POST", "/api/tasks", token, {"title": "  Buy milk  ", "dueAt": "2030-01-01T10:00:00+02:00"})
    assert created.status_code == 201
    task = created.json()
    assert (task["title"], task["dueAt"], task["completed"]) == ("Buy milk", "2030-01-01T08:00:00.000Z", False)
    assert created.headers["location"] == f"/api/tasks/{task['id']}"
    toggled = api.call("PATCH", f"/api/{user_id}/tasks/{task['id']}/complete", token).json()
    assert toggled["completed"] is True and toggled["completedAt"] == toggled["updatedAt"]
    assert api.call("GET", "/api/tasks/stats", token).json() == {"all": 1, "active": 0, "completed": 1}
    assert api.call("GET", "/api/tasks?status=completed", token).json()["items"] == [toggled]
    assert api.call("DELETE", f"/api/tasks/{task['id']}", token).status_code == 204
    problem(api.call("GET", f"/api/tasks/{task['id']}", token), 404, "TASK_NOT_FOUND")


def test_authentication_failures_carry_rfc6750_challenges(api: Api) -> None:
    _, token = api.sign_up()
    missing = api.call("GET", "/api/me")
    problem(missing, 401, "UNAUTHENTICATED")
    assert missing.headers["www-authenticate"] == 'Bearer realm="tandem"'
    basic = api.call("GET", "/api/me", authorization=f"Basic {token}")
    problem(basic, 401, "UNAUTHENTICATED")
    bad = api.call("GET", "/api/me", authorization="Bearer a.b.c")
    body = problem(bad, 401, "INVALID_TOKEN")
    assert bad.headers["www-authenticate"] == (
        f'Bearer realm="tandem", error="invalid_token", error_description="{body["detail"]}"'
    )
    assert api.call("GET", "/api/me", authorization=f"bEaReR   {token}  ").status_code == 200
    assert token not in api.logs.getvalue()


def test_an_ended_session_is_refused(api: Api) -> None:
    user_id, token = api.sign_up()
    assert api.call("GET", "/api/me", token).status_code == 200
    with api.database.engine.begin() as connection:
        connection.execute(sql('delete from "session" where "userId" = :uid'), {"uid": user_id})
    ended = problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")
    assert ended["detail"] == "The session behind this access token has ended"
    no_sid = api.keys.token(sub=user_id, sid=...)
    problem(api.call("GET", "/api/me", no_sid), 401, "INVALID_TOKEN")
    expired_session = insert_session(api.database, user_id, expires_in=timedelta(seconds=-60))
    problem(api.call("GET", "/api/me", api.keys.token(sub=user_id, sid=expired_session)), 401, "INVALID_TOKEN")


def test_a_deleted_account_is_a_401_even_from_a_cached_session(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    api = Api(database, jwks, keys, revocation_seconds=3600)
    user_id, token = api.sign_up()
    assert api.call("GET", "/api/me", token).status_code == 200
    with database.engine.begin() as connection:
        connection.execute(sql('delete from "user" where id = :id'), {"id": user_id})
    gone = problem(api.call("POST", "/api/tasks", token, {"title": "ghost"}), 401, "INVALID_TOKEN")
    assert gone["detail"] == "The account behind this access token no longer exists"


def test_the_quota_limits_each_user_and_says_when_to_retry(database: Database, jwks: JwksServer, keys: KeyPair) -> None:
    api = Api(database, jwks, keys, quota=MemoryQuotaStore(3, 30))
    _, alice = api.sign_up("Alice")
    _, bob = api.sign_up("Bob")
    remaining = [api.call("GET", "/api/me", alice).headers["ratelimit-remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    limited = api.call("GET", "/api/tasks", alice)
    body = problem(limited, 429, "RATE_LIMITED")
    assert limited.headers["retry-after"] in ("29", "30")
    assert body["detail"].startswith("Too many requests: at most 3 per 30 seconds; retry in ")
    assert api.call("GET", "/api/me", bob).status_code == 200
    assert "ratelimit-limit" not in api.call("GET", "/api/me", authorization="Bearer nope").headers


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, [{"path": "body.title", "message": "Required"}]),
        (
            {"title": 1, "completed": "yes", "priority": 3, "extra": True},
            [
                {"path": "body.title", "message": "Invalid input: expected string, received number"},
                {"path": "body.completed", "message": "Invalid input: expected boolean, received string"},
                {"path": "body.priority", "message": 'Invalid option: expected one of "low"|"medium"|"high"'},
                {"path": "body.extra", "message": "Unknown field"},
            ],
        ),
        ({"title": "   "}, [{"path": "body.title", "message": "Title must not be empty"}]),
        (
            {"title": "\ud800\u0001"},
            [
                {"path": "body.title", "message": "Title contains an unpaired surrogate"},
                {"path": "body.title", "message": "Title contains a control character"},
            ],
        ),
        ({"title": "x", "dueAt": "0001-01-01T00:30:00+01:00"}, [{"path": "body.dueAt", "message": "Must fall between the years 0001 and 9999 in UTC"}]),
        ({"title": "x", "__proto__": None}, [{"path": "body.__proto__", "message": "Unknown field"}]),
        ([{"title": "x"}], [{"path": "body", "message": "Invalid input: expected object, received array"}]),
    ],
)
def test_bodies_are_validated_strictly_with_every_error_named(api: Api, body: Any, errors: Any) -> None:
    _, token = api.sign_up()
    answer = problem(api.call("POST", "/api/tasks", token, json.dumps(body)), 400, "VALIDATION_FAILED")
    assert answer["errors"] == errors


def test_bodies_must_be_json_utf8_and_small(api: Api) -> None:
    _, token = api.sign_up()
    problem(api.call("POST", "/api/tasks", token, '{"title":"x"}', content_type="text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE")
    problem(api.call("POST", "/api/tasks", token, '{"title":"x"}', content_type="application/json; charset=latin1"), 415, "UNSUPPORTED_MEDIA_TYPE")
    problem(api.call("POST", "/api/tasks", token, b'{"title":"a\xffb"}'), 400, "INVALID_JSON")
    problem(api.call("POST", "/api/tasks", token, '{"title":NaN}'), 400, "INVALID_JSON")
    problem(api.call("POST", "/api/tasks", token, '{"title":"x"}' + " " * (64 * 1024)), 413, "PAYLOAD_TOO_LARGE")
    # Exactly 64 KiB is accepted; the limit is checked before authentication.
    exact = '{"title":"x"}'
    assert api.call("POST", "/api/tasks", token, exact + " " * (64 * 1024 - len(exact))).status_code == 201
    problem(api.call("POST", "/api/tasks", None, "x" * (65 * 1024)), 413, "PAYLOAD_TOO_LARGE")
    nested = "[" * 20_000 + "]" * 20_000
    deep = problem(api.call("POST", "/api/tasks", token, '{"title":"x","extra":' + nested + "}"), 400, "VALIDATION_FAILED")
    assert deep["errors"] == [{"path": "body.extra", "message": "Unknown field"}]


def test_query_strings_are_strict(api: Api) -> None:
    _, token = api.sign_up()
    repeated = problem(api.call("GET", "/api/tasks?status=all&status=active", token), 400, "VALIDATION_FAILED")
    assert repeated["errors"] == [{"path": "query.status", "message": "Give this parameter once"}]
    unknown = problem(api.call("GET", "/api/tasks?userId=x&limit=0", token), 400, "VALIDATION_FAILED")
    assert unknown["errors"] == [
        {"path": "query.limit", "message": "limit must be at least 1"},
        {"path": "query.userId", "message": "Unknown field"},
    ]
    problem(api.call("GET", "/api/tasks?cursor=abc", token), 400, "INVALID_CURSOR")
    assert len(api.call("GET", "/api/tasks?limit=500", token).json()["items"]) == 0


def test_routing_matches_the_typescript_api(api: Api) -> None:
    user_id, token = api.sign_up()
    for method, path, allow in [
        ("PUT", "/api/tasks", "GET, POST"),
        ("PATCH", "/api/tasks/stats", "GET"),
        ("POST", "/api/tasks/some-id", "GET, PATCH, PUT, DELETE"),
        ("GET", "/api/tasks/some-id/complete", "PATCH"),
        ("POST", "/api/tasks/tasks", "GET, PATCH, PUT, DELETE"),
    ]:
        response = api.call(method, path, token)
        problem(response, 405, "METHOD_NOT_ALLOWED")
        assert response.headers["allow"] == allow
    for path in ["/api/nope", "/api", "/api/tasks/", "/api/tasks/a/b"]:
        assert problem(api.call("GET", path, token), 404, "NOT_FOUND")["instance"] == path
    problem(api.call("GET", "/api/someone-else/tasks", token), 403, "FORBIDDEN")
    assert api.call("GET", f"/api/{user_id}/tasks", token).status_code == 200
    problem(api.call("GET", "/api/nope"), 401, "UNAUTHENTICATED")  # authentication comes first
    health = api.call("POST", "/health")
    problem(health, 405, "METHOD_NOT_ALLOWED")  # a served path with another method: 405, as on the TS API
    assert health.headers["allow"] == "GET"
    problem(api.call("POST", "/healthz"), 404, "NOT_FOUND")


def test_headers_cors_and_request_ids(api: Api) -> None:
    _, token = api.sign_up()
    answer = api.call("GET", "/api/tasks", token, origin=ORIGIN, x_request_id="trace-42")
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["vary"] == "Origin"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-request-id"] == "trace-42"
    for name, value in [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"), ("referrer-policy", "no-referrer")]:
        assert api.call("GET", "/health").headers[name] == value
    preflight = api.call("OPTIONS", "/api/tasks", origin=ORIGIN, access_control_request_method="POST")
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET,POST,PUT,PATCH,DELETE"
    evil = api.call("OPTIONS", "/api/tasks", origin="http://localhost:3000.evil.test")
    assert "access-control-allow-origin" not in evil.headers
    lines = [json.loads(line) for line in api.logs.getvalue().splitlines()]
    assert any(line.get("reqId") == "trace-42" and line["status"] == 200 and line["msg"] == "request" for line in lines)


def test_health_ready_and_docs(api: Api) -> None:
    assert api.call("GET", "/health").json() == {"status": "ok"}
    assert api.call("GET", "/ready").json() == {"status": "ready"}
    document = api.call("GET", "/openapi.json").json()
    assert document["openapi"] == "3.1.0" and "/api/{user_id}/tasks/{id}/complete" in document["paths"]
    page = api.call("GET", "/docs")
    assert 'src="/docs/swagger-ui-bundle.js"' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self';")
    assert len(api.call("GET", "/docs/swagger-ui-bundle.js").content) > 10_000
    problem(api.call("GET", "/docs/other.js"), 404, "NOT_FOUND")


def test_not_ready_when_the_database_is_unreachable(jwks: JwksServer, keys: KeyPair) -> None:
    from tandem_api.db import open_database

    nowhere = open_database("postgres://postgres@127.0.0.1:1/tandem")  # nothing listens on port 1
    try:
        api = Api(nowhere, jwks, keys)
        failed = api.call("GET", "/ready")
        body = problem(failed, 503, "SERVICE_UNAVAILABLE")
        assert body["detail"] == "The database is unreachable"
        assert "127.0.0.1" not in failed.text and "psycopg" not in failed.text
        assert api.call("GET", "/health").status_code == 200
    finally:
        nowhere.dispose()


def test_a_database_that_cannot_be_reached_is_a_503_not_a_bug(database: Database) -> None:
    # What send_unexpected_error answers with 503 + Retry-After (as the TypeScript API does) rather
    # than a 500: a server that is not there; a statement the database refuses stays a 500 (below).
    from sqlalchemy.exc import DBAPIError

    from tandem_api.db import is_database_unavailable, open_database

    nowhere = open_database("postgres://postgres@127.0.0.1:1/tandem")
    try:
        with pytest.raises(DBAPIError) as unreachable:
            with nowhere.engine.connect() as connection:
                connection.execute(sql("select 1"))
        assert is_database_unavailable(unreachable.value)
    finally:
        nowhere.dispose()
    with pytest.raises(DBAPIError) as refused:
        with database.engine.connect() as connection:
            connection.execute(sql("select * from no_such_table"))
    assert not is_database_unavailable(refused.value)
    assert not is_database_unavailable(ValueError("not a database error"))


def test_an_internal_failure_is_a_bare_500_with_the_cause_in_the_log(api: Api) -> None:
    _, token = api.sign_up()
    with api.database.engine.begin() as connection:
        connection.execute(sql("drop table task"))
    failed = api.call("GET", "/api/tasks", token)
    body = problem(failed, 500, "INTERNAL_ERROR")
    assert set(body) == {"type", "title", "status", "instance", "code", "requestId"}
    lines = [json.loads(line) for line in api.logs.getvalue().splitlines()]
    cause = [line for line in lines if line.get("msg") == "unhandled error" and line["reqId"] == body["requestId"]]
    assert cause and "task" in json.dumps(cause[0]["err"])


def test_a_key_set_that_cannot_be_fetched_is_a_503_with_retry_after(database: Database, keys: KeyPair) -> None:
    down = JwksServer(("reset",))
    try:
        api = Api(database, down, keys)
        _, token = api.sign_up()
        failed = api.call("GET", "/api/me", token)
        body = problem(failed, 503, "AUTH_UNAVAILABLE")
        assert failed.headers["retry-after"] == "5"
        assert body["detail"] == "The access token cannot be checked right now; retry shortly"
        lines = [json.loads(line) for line in api.logs.getvalue().splitlines()]
        assert any(line["msg"] == "token key set unavailable" and line["level"] == 40 for line in lines)
        # Tokens refused before any key lookup stay 401 and cost no fetch.
        requests = down.requests
        problem(api.call("GET", "/api/me", authorization="Bearer not.a.jwt!"), 401, "INVALID_TOKEN")
        assert down.requests == requests
    finally:
        down.close()
