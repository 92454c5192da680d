"""How the user signed in (the JWT's ``amr`` and ``auth_time``) in /api/me, and the step-up guard
(auth/step_up.py, docs/decisions/017) on a route of a real app: its rule on identities, then the
dependency behind the real authentication."""

from __future__ import annotations

import time
from typing import Any, List

import pytest
from fastapi import APIRouter, Depends
from starlette.responses import Response

from tandem_api.auth.step_up import require_recent_sign_in, step_up_refusal
from tandem_api.auth.verifier import Identity
from tandem_api.tasks.routes import json_response

from .support import insert_access_token, insert_session, insert_user
from .test_app import Api, api, problem  # noqa: F401 - api is the fixture

NOW_MS = 1_893_499_200_000  # 2030-01-01T12:00:00Z
NOW = NOW_MS // 1000


def signed_in(**overrides: Any) -> Identity:
    fields: dict = dict(user_id="u", session_id="s", name="Ada", expires_at=NOW + 600, amr=("pwd",), auth_time=NOW - 60)
    fields.update(overrides)
    return Identity(**fields)


def test_a_sign_in_up_to_max_age_passes_and_a_second_older_is_refused() -> None:
    assert step_up_refusal(signed_in(auth_time=NOW - 600), 600, False, NOW_MS) is None
    assert step_up_refusal(signed_in(auth_time=NOW - 601), 600, False, NOW_MS) == (
        "This needs a sign-in within the last 10 minutes: sign in again, then retry with a new token"
    )
    assert "within the last 10 minutes" in (step_up_refusal(signed_in(auth_time=None), 600, False, NOW_MS) or "")


def test_require_mfa_needs_mfa_in_amr() -> None:
    assert step_up_refusal(signed_in(amr=("pwd", "otp", "mfa")), 90, True, NOW_MS) is None
    for amr in (("pwd",), ("hwk",), ("fed",), ()):
        assert step_up_refusal(signed_in(amr=amr), 90, True, NOW_MS) == (
            "This needs a sign-in with two factors within the last 90 seconds: "
            "sign in again with your authentication code"
        )


def test_a_personal_access_token_is_always_refused() -> None:
    pat = signed_in(via="access_token", scope="write", token_id="t")
    assert "personal access token cannot do this" in (step_up_refusal(pat, 600, False, NOW_MS) or "")


def guarded(api: Api, require_mfa: bool = False, now: Any = None) -> None:
    """Adds ``POST /api/sensitive`` guarded like a sensitive route would be, ahead of the catch-all."""
    router = APIRouter()

    def sensitive(user: Identity = Depends(require_recent_sign_in(600, require_mfa=require_mfa, now=now))) -> Response:
        return json_response({"ok": True})

    router.add_api_route("/api/sensitive", sensitive, methods=["POST"])
    routes: List[Any] = api.client.app.router.routes
    routes[:0] = router.routes


def session_token(api: Api, amr: Any, auth_time: int) -> str:
    user_id = insert_user(api.database, "Ada")
    session_id = insert_session(api.database, user_id)
    return api.keys.token(sub=user_id, sid=session_id, amr=amr, auth_time=auth_time)


def test_me_says_how_and_when_the_user_signed_in(api: Api) -> None:
    token = session_token(api, ["pwd", "otp", "mfa"], NOW)
    body = api.call("GET", "/api/me", token).json()
    assert (body["via"], body["scope"], body["amr"], body["authTime"]) == (
        "session",
        None,
        ["pwd", "otp", "mfa"],
        "2030-01-01T12:00:00.000Z",
    )


@pytest.mark.parametrize(
    "claims",
    [
        {"amr": "pwd"},
        {"amr": ["pwd", 1]},
        {"amr": [""]},
        {"amr": ["pwd mfa"]},
        {"amr": ["pwd"] * 17},
        {"amr": None},
        {"auth_time": "1893499200"},
        {"auth_time": NOW + 0.5},
        {"auth_time": -1},
        {"auth_time": 253_402_300_800},
        {"auth_time": True},
    ],
)
def test_malformed_amr_or_auth_time_is_refused(api: Api, claims: dict) -> None:
    user_id = insert_user(api.database, "Ada")
    token = api.keys.token(sub=user_id, sid=insert_session(api.database, user_id), **claims)
    assert problem(api.call("GET", "/api/me", token), 401, "INVALID_TOKEN")["detail"] == (
        "The access token's claims are malformed"
    )


def test_the_guard_behind_the_real_authentication(api: Api) -> None:
    clock = [time.time() * 1000]
    guarded(api, now=lambda: clock[0])
    token = session_token(api, ["pwd"], int(time.time()))
    assert api.call("POST", "/api/sensitive", token).status_code == 200
    clock[0] += 11 * 60_000
    refused = api.call("POST", "/api/sensitive", token)
    body = problem(refused, 403, "STEP_UP_REQUIRED")
    assert refused.headers["www-authenticate"] == (
        f'Bearer realm="tandem", error="insufficient_user_authentication", '
        f'error_description="{body["detail"]}", max_age="600"'
    )


def test_the_guard_with_require_mfa_and_for_a_token(api: Api) -> None:
    guarded(api, require_mfa=True)
    password_only = session_token(api, ["pwd"], int(time.time()))
    assert "two factors" in problem(api.call("POST", "/api/sensitive", password_only), 403, "STEP_UP_REQUIRED")["detail"]
    two_factor = session_token(api, ["pwd", "otp", "mfa"], int(time.time()))
    assert api.call("POST", "/api/sensitive", two_factor).status_code == 200
    user_id = insert_user(api.database, "Bob")
    _, pat = insert_access_token(api.database, user_id, "write")
    problem(api.call("POST", "/api/sensitive", pat), 403, "STEP_UP_REQUIRED")
