"""The task resource on ``/api/tasks`` and the compatibility mount ``/api/{user_id}/tasks``, with
the TypeScript API's routing: every path template answers every method (405 with ``Allow`` for
the ones it does not serve), and a compat path whose user id is not the caller's is 403.

Handlers are plain ``def``: FastAPI runs them in its thread pool, where blocking database calls
belong.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional, Tuple

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from ..auth.dependency import current_user
from ..auth.verifier import Identity
from ..db import Database
from ..errors import ApiError
from ..json_body import encode_json, read_json, read_query
from ..paths import decode_uri_component
from ..request_context import header
from ..validation import TASK_FIELDS, parse_list_query, parse_stats_query, parse_task_body
from . import queries

# (pattern, Allow) in the TypeScript API's registration order; the first match decides.
TEMPLATES: Tuple[Tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), allow)
    for pattern, allow in (
        (r"^/api/me$", "GET"),
        (r"^/api/tasks$", "GET, POST"),
        (r"^/api/tasks/stats$", "GET"),
        (r"^/api/tasks/[^/]+$", "GET, PATCH, PUT, DELETE"),
        (r"^/api/tasks/[^/]+/complete$", "PATCH"),
    )
)
COMPAT = re.compile(r"^/api/([^/]+)/tasks(?:/(.*))?$")
# Methods a route can be registered for (HEAD is routed as GET, like Hono does); anything rarer
# reaches the 405 handler of app.py.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")


def json_response(value: Any, status: int = 200, headers: Optional[Dict[str, str]] = None) -> Response:
    return Response(encode_json(value), status_code=status, headers=headers, media_type="application/json")


def _path_owner(request: Request, user: Identity, user_id: str) -> None:
    # The path's user id never selects whose data is used (that is the token's sub); it can only
    # be refused.
    if decode_uri_component(user_id) != user.user_id:
        raise ApiError("FORBIDDEN", detail="The user id in the path is not yours")


def fallback(request: Request, user: Identity) -> ApiError:
    """The answer for an /api path and method no operation serves (after authentication)."""
    path = request.state.path
    for pattern, allow in TEMPLATES:
        if pattern.match(path):
            return ApiError("METHOD_NOT_ALLOWED", headers={"Allow": allow})
    compat = COMPAT.match(path)
    if compat:
        _path_owner(request, user, compat.group(1))
        rest = "/api/tasks" + (f"/{compat.group(2)}" if compat.group(2) is not None else "")
        for pattern, allow in TEMPLATES:
            if pattern.match(rest) and not rest.endswith("/"):
                return ApiError("METHOD_NOT_ALLOWED", headers={"Allow": allow})
    return ApiError("NOT_FOUND", detail="No such route")


def _body(request: Request) -> Any:
    return read_json(header(request.scope, b"content-type") or "", request.scope["state"].get("body", b""))


def task_body(request: Request, partial: bool, fields: Tuple[str, ...] = TASK_FIELDS) -> Dict[str, Any]:
    """The request's JSON body, validated (400 VALIDATION_FAILED with every error)."""
    values, errors = parse_task_body(_body(request), partial=partial, fields=fields)
    if errors:
        raise ApiError("VALIDATION_FAILED", detail="The request body is invalid", errors=errors)
    return values


def database(request: Request) -> Database:
    return request.app.state.deps.database


# Task ids are UUIDs the API generated; anything else names no task. Checked before any query,
# because some strings cannot even be a query parameter (PostgreSQL refuses a NUL in text).
_TASK_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def task_id_or_none(raw: str) -> Optional[str]:
    """The path's task id, decoded; None when it cannot be one (it names no task)."""
    task_id = decode_uri_component(raw)
    return task_id if _TASK_ID.fullmatch(task_id) is not None else None


def parse_task_id(raw: str) -> str:
    """The path's task id, decoded; 404 TASK_NOT_FOUND (as for a missing task) when it cannot be one."""
    task_id = task_id_or_none(raw)
    if task_id is None:
        raise ApiError("TASK_NOT_FOUND")
    return task_id


def found(task: Optional[Dict[str, Any]]) -> Response:
    if task is None:
        raise ApiError("TASK_NOT_FOUND")
    return json_response(task)


def task_router(prefix: str, owner_check: bool) -> APIRouter:
    """The task operations under ``prefix``; ``owner_check`` for the ``{user_id}`` mount."""

    def caller(request: Request, user: Identity = Depends(current_user)) -> Identity:
        if owner_check:
            _path_owner(request, user, request.path_params["user_id"])
        return user

    router = APIRouter()

    def op(method: str, path: str) -> Callable:
        return router.api_route(prefix + path, methods=[method], include_in_schema=False)

    def refuse(request: Request, user: Identity = Depends(current_user)) -> Response:
        raise fallback(request, user)

    def others(path: str, served: Tuple[str, ...]) -> None:
        # Every other method on this path: 405 (or 403/404), before a later route can claim it.
        rest = [m for m in METHODS if m not in served]
        router.api_route(prefix + path, methods=rest, include_in_schema=False)(refuse)

    @op("GET", "")
    def list_tasks(request: Request, user: Identity = Depends(caller)) -> Response:
        query, errors = parse_list_query(read_query(request.scope["query_string"]))
        if errors:
            raise ApiError("VALIDATION_FAILED", detail="The query string is invalid", errors=errors)
        return json_response(queries.list_tasks(database(request), user.user_id, query))

    @op("POST", "")
    def create_task(request: Request, user: Identity = Depends(caller)) -> Response:
        values = task_body(request, partial=False)
        task = queries.create_task(database(request), user.user_id, values)
        location = f"{request.state.path.rstrip('/')}/{task['id']}"
        return json_response(task, 201, {"Location": location})

    others("", ("GET", "POST"))

    @op("GET", "/stats")
    def task_stats(request: Request, user: Identity = Depends(caller)) -> Response:
        q, errors = parse_stats_query(read_query(request.scope["query_string"]))
        if errors:
            raise ApiError("VALIDATION_FAILED", detail="The query string is invalid", errors=errors)
        return json_response(queries.task_stats(database(request), user.user_id, q))

    others("/stats", ("GET",))

    @op("GET", "/{id}")
    def get_task(request: Request, id: str, user: Identity = Depends(caller)) -> Response:  # noqa: A002
        return json_response(queries.require_task(database(request), user.user_id, parse_task_id(id)))

    @op("PATCH", "/{id}")
    def update_task(request: Request, id: str, user: Identity = Depends(caller)) -> Response:  # noqa: A002
        patch = task_body(request, partial=True)
        return found(queries.update_task(database(request), user.user_id, parse_task_id(id), patch))

    @op("PUT", "/{id}")
    def replace_task(request: Request, id: str, user: Identity = Depends(caller)) -> Response:  # noqa: A002
        values = task_body(request, partial=False)
        return found(queries.replace_task(database(request), user.user_id, parse_task_id(id), values))

    @op("DELETE", "/{id}")
    def delete_task(request: Request, id: str, user: Identity = Depends(caller)) -> Response:  # noqa: A002
        if not queries.delete_task(database(request), user.user_id, parse_task_id(id)):
            raise ApiError("TASK_NOT_FOUND")
        return Response(status_code=204)

    others("/{id}", ("GET", "PATCH", "PUT", "DELETE"))

    @op("PATCH", "/{id}/complete")
    def toggle_task(request: Request, id: str, user: Identity = Depends(caller)) -> Response:  # noqa: A002
        return found(queries.toggle_task(database(request), user.user_id, parse_task_id(id)))

    others("/{id}/complete", ("PATCH",))

    return router
