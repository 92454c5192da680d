"""A team's tasks on ``/api/teams/{teamId}/tasks`` (docs/decisions/016): the personal task routes
(tasks/routes.py) with the same validation, query parameters, cursors, search, sort, filters and
405s, behind the team check of access.py, over team tasks (queries.py) and the team bodies
(``assigneeId`` besides the task fields).

Every path and method under the mount, served or not, passes the team check first, as under the
TypeScript API's middleware: an outsider's 405 or unknown path is the team's 404 too.
"""

from __future__ import annotations

import re
from typing import Callable, Optional, Tuple

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from ..auth.verifier import Identity
from ..errors import ApiError
from ..json_body import read_query
from ..tasks import queries as tasks
from ..tasks.routes import METHODS, database, found, json_response, parse_task_id, task_body, task_id_or_none
from ..validation import TEAM_TASK_FIELDS, parse_list_query, parse_stats_query
from . import queries
from .access import TeamCaller, check_team, team_caller

PREFIX = "/api/teams/{team_id}/tasks"
# Below the mount: (pattern, Allow) in the TypeScript API's registration order.
TEMPLATES: Tuple[Tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), allow)
    for pattern, allow in (
        (r"^$", "GET, POST"),
        (r"^/stats$", "GET"),
        (r"^/[^/]+$", "GET, PATCH, PUT, DELETE"),
        (r"^/[^/]+/complete$", "PATCH"),
    )
)
MOUNT = re.compile(r"^/api/teams/([^/]+)/tasks(/.*)?$")


def _unserved(path: str) -> ApiError:
    """405 with ``Allow`` for a known path below the mount, else 404 (a trailing slash included)."""
    match = MOUNT.match(path)
    rest = (match.group(2) if match is not None else None) or ""
    for pattern, allow in TEMPLATES:
        if pattern.match(rest):
            return ApiError("METHOD_NOT_ALLOWED", headers={"Allow": allow})
    return ApiError("NOT_FOUND", detail="No such route")


def team_fallback(request: Request, user: Identity) -> Optional[ApiError]:
    """For a path under the mount that no operation serves: the team check's answer, else 405 or
    404. None for any other path."""
    match = MOUNT.match(request.state.path)
    if match is None:
        return None
    check_team(request, user, match.group(1))
    return _unserved(request.state.path)


def team_task_router() -> APIRouter:
    router = APIRouter()
    fields = TEAM_TASK_FIELDS

    def op(method: str, path: str) -> Callable:
        return router.api_route(PREFIX + path, methods=[method], include_in_schema=False)

    def refuse(request: Request, caller: TeamCaller = Depends(team_caller)) -> Response:
        # After the team check (a member whose role allows this method): the 405.
        raise _unserved(request.state.path)

    def others(path: str, served: Tuple[str, ...]) -> None:
        rest = [m for m in METHODS if m not in served]
        router.api_route(PREFIX + path, methods=rest, include_in_schema=False)(refuse)

    def scope(caller: TeamCaller) -> tasks.Scope:
        return queries.team_scope(caller.team_id)

    @op("GET", "")
    def list_tasks(request: Request, caller: TeamCaller = Depends(team_caller)) -> Response:
        query, errors = parse_list_query(read_query(request.scope["query_string"]))
        if errors:
            raise ApiError("VALIDATION_FAILED", detail="The query string is invalid", errors=errors)
        return json_response(tasks.list_tasks(database(request), scope(caller), query))

    @op("POST", "")
    def create_task(request: Request, caller: TeamCaller = Depends(team_caller)) -> Response:
        values = task_body(request, partial=False, fields=fields)
        task = queries.create_team_task(database(request), caller.team_id, caller.user_id, values)
        location = f"{request.state.path.rstrip('/')}/{task['id']}"
        return json_response(task, 201, {"Location": location})

    others("", ("GET", "POST"))

    @op("GET", "/stats")
    def task_stats(request: Request, caller: TeamCaller = Depends(team_caller)) -> Response:
        q, errors = parse_stats_query(read_query(request.scope["query_string"]))
        if errors:
            raise ApiError("VALIDATION_FAILED", detail="The query string is invalid", errors=errors)
        return json_response(tasks.task_stats(database(request), scope(caller), q))

    others("/stats", ("GET",))

    @op("GET", "/{id}")
    def get_task(request: Request, id: str, caller: TeamCaller = Depends(team_caller)) -> Response:  # noqa: A002
        return json_response(tasks.require_task(database(request), scope(caller), parse_task_id(id)))

    @op("PATCH", "/{id}")
    def update_task(request: Request, id: str, caller: TeamCaller = Depends(team_caller)) -> Response:  # noqa: A002
        patch = task_body(request, partial=True, fields=fields)
        # A malformed id names no task, but a bad assignee is still the 400 (queries.py).
        return found(queries.update_team_task(database(request), caller.team_id, task_id_or_none(id), patch))

    @op("PUT", "/{id}")
    def replace_task(request: Request, id: str, caller: TeamCaller = Depends(team_caller)) -> Response:  # noqa: A002
        values = task_body(request, partial=False, fields=fields)
        return found(queries.replace_team_task(database(request), caller.team_id, task_id_or_none(id), values))

    @op("DELETE", "/{id}")
    def delete_task(request: Request, id: str, caller: TeamCaller = Depends(team_caller)) -> Response:  # noqa: A002
        if not tasks.delete_task(database(request), scope(caller), parse_task_id(id)):
            raise ApiError("TASK_NOT_FOUND")
        return Response(status_code=204)

    others("/{id}", ("GET", "PATCH", "PUT", "DELETE"))

    @op("PATCH", "/{id}/complete")
    def toggle_task(request: Request, id: str, caller: TeamCaller = Depends(team_caller)) -> Response:  # noqa: A002
        return found(tasks.toggle_task(database(request), scope(caller), parse_task_id(id)))

    others("/{id}/complete", ("PATCH",))

    return router
