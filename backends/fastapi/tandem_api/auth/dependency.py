"""``current_user``: the FastAPI dependency that requires ``Authorization: Bearer <token>``.

A token anywhere else (query string, cookie, body) is not looked at. The token is either the web
app's JWT, which must verify (verifier.py) and whose session must still be live
(session_check.py), or a personal access token (``tandem_pat_...``, access_token.py). Refusals are
401 with an RFC 6750 challenge; a read-only token's write is 403 INSUFFICIENT_SCOPE; a key set,
session store or access-token store that cannot be read is 503 with Retry-After (fail closed),
exactly as apps/api/src/auth/middleware.ts answers.
"""

from __future__ import annotations

import re

from starlette.requests import Request

from ..errors import ApiError
from ..request_context import header
from ..validation import JS_WHITESPACE
from .access_token import AccessTokenStoreUnavailableError, is_personal_access_token
from .key_set import KeySetUnavailableError
from .session_check import SessionStoreUnavailableError
from .verifier import Identity, InvalidTokenError

REALM = "tandem"
# Seconds a client should wait before retrying when the key set is unreachable.
KEY_SET_RETRY_AFTER_SECONDS = 5

_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# RFC 6750 §2.1: `Bearer` (any case), one or more spaces, then the token.
BEARER = re.compile(rf"^Bearer +([^{_JS_SPACE}]+)[{_JS_SPACE}]*$", re.IGNORECASE)


def challenge(code: str = "", description: str = "") -> str:
    if not code:
        return f'Bearer realm="{REALM}"'
    return f'Bearer realm="{REALM}", error="{code}", error_description="{description}"'


def invalid_token_error(detail: str) -> ApiError:
    """401 INVALID_TOKEN with its RFC 6750 challenge; ``detail`` never echoes the token."""
    return ApiError(
        "INVALID_TOKEN", detail=detail, headers={"WWW-Authenticate": challenge("invalid_token", detail)}
    )


# The methods a read-only personal access token may use; anything else is a write, whatever a
# method-override header or parameter says (the API honours none). HEAD arrives here as GET.
READ_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
INSUFFICIENT_SCOPE_DETAIL = "This personal access token is read-only: it cannot create, change or delete"


def check_scope(identity: Identity, method: str) -> None:
    """A read-only token may only read: 403 INSUFFICIENT_SCOPE with its RFC 6750 challenge."""
    if identity.via == "access_token" and identity.scope == "read" and method not in READ_METHODS:
        raise ApiError(
            "INSUFFICIENT_SCOPE",
            detail=INSUFFICIENT_SCOPE_DETAIL,
            headers={"WWW-Authenticate": challenge("insufficient_scope", INSUFFICIENT_SCOPE_DETAIL)},
        )


def authenticate(request: Request) -> Identity:
    """Verifies the request's bearer token (and a JWT's session); the identity is kept on the request."""
    cached = request.state.identity
    if cached is not None:
        check_scope(cached, request.method)
        return cached
    deps = request.app.state.deps
    value = header(request.scope, b"authorization")
    if value is None or value.strip(JS_WHITESPACE) == "":
        raise ApiError(
            "UNAUTHENTICATED",
            detail="Send an access token in the Authorization header: Bearer <token>",
            headers={"WWW-Authenticate": challenge()},
        )
    match = BEARER.match(value)
    if not match:
        raise ApiError(
            "UNAUTHENTICATED",
            detail="The Authorization header must use the Bearer scheme: Bearer <token>",
            headers={"WWW-Authenticate": challenge()},
        )
    log = request.state.logger
    retry = {"Retry-After": str(KEY_SET_RETRY_AFTER_SECONDS)}
    token = match.group(1)
    try:
        if is_personal_access_token(token):
            identity = deps.access_tokens.verify(token, header(request.scope, b"user-agent"), log)
        else:
            identity = deps.verifier.verify(token)
            # A valid signature is not enough: the session behind the token must still be live, so a
            # sign-out, revocation or account deletion reaches the API within the cache bound.
            if not deps.sessions.is_active(identity):
                raise InvalidTokenError("The session behind this access token has ended")
    except AccessTokenStoreUnavailableError as error:
        log.error("access-token store unavailable", err=str(error))
        raise ApiError(
            "SERVICE_UNAVAILABLE", detail="Your access token cannot be checked right now; retry shortly", headers=retry
        ) from None
    except SessionStoreUnavailableError as error:
        log.error("session store unavailable", err=str(error))
        raise ApiError(
            "SERVICE_UNAVAILABLE", detail="Your session cannot be checked right now; retry shortly", headers=retry
        ) from None
    except KeySetUnavailableError as error:
        log.warn("token key set unavailable", err=str(error))
        raise ApiError(
            "AUTH_UNAVAILABLE", detail="The access token cannot be checked right now; retry shortly", headers=retry
        ) from None
    except InvalidTokenError as error:
        raise invalid_token_error(str(error)) from None
    request.state.identity = identity
    check_scope(identity, request.method)
    return identity


def current_user(request: Request) -> Identity:
    """The verified caller, after the per-user quota (a refused token costs no one quota).

    FastAPI runs this sync dependency in its thread pool: verification may fetch the key set and
    the session check may query the database, both blocking.
    """
    identity = authenticate(request)
    quota = request.app.state.deps.quota
    if quota is not None and request.state.quota_headers is None:
        decision = quota.consume(identity.user_id)
        request.state.quota_headers = decision.headers()
        if not decision.allowed:
            raise ApiError(
                "RATE_LIMITED",
                detail=(
                    f"Too many requests: at most {decision.limit} per {_number(quota.window_seconds)} seconds; "
                    f"retry in {decision.retry_after_seconds} s"
                ),
                headers={**decision.headers(), "Retry-After": str(decision.retry_after_seconds)},
            )
    return identity


def _number(value: float) -> str:
    """A number as JavaScript prints it (60, not 60.0)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
