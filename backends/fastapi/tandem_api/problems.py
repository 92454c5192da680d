"""The one place where errors become RFC 9457 problem+json responses (like Hono's ``onError``)."""

from __future__ import annotations

import traceback

from .auth.dependency import KEY_SET_RETRY_AFTER_SECONDS, invalid_token_error
from .db import is_database_unavailable, is_foreign_key_violation
from .errors import PROBLEM_CONTENT_TYPE, ApiError, problem_body
from .json_body import encode_json
from .logs import Logger
from .request_context import Send


async def send_problem(send: Send, error: ApiError, path: str, request_id: str) -> None:
    body = encode_json(problem_body(error, path, request_id))
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in error.headers.items()]
    headers.append((b"content-type", PROBLEM_CONTENT_TYPE.encode()))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_unexpected_error(send: Send, error: BaseException, path: str, request_id: str, log: Logger) -> None:
    """An error no layer expected: a 500 whose details go to the log only."""
    if is_foreign_key_violation(error):
        # A personal task's user_id → user: the caller's account was deleted while its token was
        # still cached as valid. That is an ended session, not a server fault. (Team task writes
        # are guarded by member rows in the statement itself, so their foreign keys do not fail.)
        ended = invalid_token_error("The account behind this access token no longer exists")
        await send_problem(send, ended, path, request_id)
        return
    if is_database_unavailable(error):
        # PostgreSQL restarting or unreachable: the client should come back, not report a bug.
        log.error("database unavailable", err={"type": type(error).__name__, "message": str(error)})
        unavailable = ApiError(
            "SERVICE_UNAVAILABLE",
            detail="The database cannot be reached right now; retry shortly",
            headers={"Retry-After": str(KEY_SET_RETRY_AFTER_SECONDS)},
        )
        await send_problem(send, unavailable, path, request_id)
        return
    log.error(
        "unhandled error",
        err={"type": type(error).__name__, "message": str(error), "stack": traceback.format_exc()},
    )
    await send_problem(send, ApiError("INTERNAL_ERROR"), path, request_id)
